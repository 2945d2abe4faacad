/* entity.c: being written. */
