/* api_misc.c: being written. */
