/* importer.c: being written. */
