/* demo.c: being written. */
