/* search.c: being written. */
