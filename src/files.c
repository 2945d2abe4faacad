/* files.c: being written. */
