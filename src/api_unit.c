/* api_unit.c: being written. */
