/* refdata.c: being written. */
