/* unit.c: being written. */
