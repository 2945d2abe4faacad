/* registry.c: being written. */
