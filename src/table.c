/* table.c: being written. */
