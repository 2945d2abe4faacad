/* migrate.c: being written. */
