/* api_entity.c: being written. */
