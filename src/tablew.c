/* tablew.c: being written. */
