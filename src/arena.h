/*
** arena.h: a bump allocator for request-shaped lifetimes. Everything a request (or a CLI
** command, or an import) allocates from its arena is released by one arena_free().
*/
#ifndef OCOP_ARENA_H
#define OCOP_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct ArenaBlock ArenaBlock;
typedef struct Arena {
    ArenaBlock *head;
    size_t total;
} Arena;

/* Memory from arena_* belongs to the arena and lives until arena_free(a). */
void *arena_alloc(Arena *a, size_t n);
char *arena_strdup(Arena *a, const char *s);
char *arena_strndup(Arena *a, const char *s, size_t n);
char *arena_printf(Arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void arena_free(Arena *a);

#endif
