/* route.c: being written. */
