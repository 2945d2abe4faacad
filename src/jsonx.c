/* jsonx.c: being written. */
