/*
** unit.h: Vietnam's administrative units, the domain module over tables units, unit_links and
** unit_aliases (loaded from data/units/ by refdata.c).
**
** Two geographies share one table: 'pre2025' (63 provinces / districts / communes, periods
** from 2008 to 2025-06-30) and '2025' (34 provinces / 3,321 communes, no districts, from
** 2025-07-01, QĐ 19/2025/QĐ-TTg). Every row is a period with the same code, name, type and
** parent; no two periods of a code overlap, so a code and a date name at most one unit.
** Lookups therefore always take a date ('YYYY-MM-DD'; NULL means today, UTC) and answer as of
** that day. The 2025 reorganisation is recorded as lineage links old code -> new code.
**
** Strings in results live in the caller's Arena; nothing here keeps state between calls.
*/
#ifndef OCOP_UNIT_H
#define OCOP_UNIT_H

#include <stdbool.h>

#include "arena.h"
#include "db.h"

#define UNIT_REORG_DATE "2025-07-01" /* first day of the 2025 geography */
#define UNIT_LAST_OLD_DATE "2025-06-30" /* last day of the pre2025 geography */

typedef struct Unit {
    const char *geo;         /* "2025" or "pre2025" */
    const char *level;       /* "province", "district" or "commune" */
    const char *code;
    const char *name;        /* without the type word: "Tân Phú" */
    const char *name_en;     /* ASCII */
    const char *type;        /* lower case: "xã", "phường", "thành phố", ... */
    const char *parent_code; /* NULL for provinces */
    const char *valid_from;
    const char *valid_to;    /* last day in force; NULL while in force */
} Unit;

/* The 2025 reorganisation: one (old unit, new unit) pair. `unit` is the unit on the other
** side: the new unit for unit_successors, the old one (as of 2025-06-30) for
** unit_predecessors; its fields are NULL if it is missing from the units table. */
typedef struct UnitLink {
    const char *level;      /* level of the old unit: province, district (island) or commune */
    const char *old_code, *new_code;
    const char *part;       /* "full" or "partial" */
    int targets;            /* how many new units the old one went to (> 1: ask the user) */
    const char *resolution, *confidence, *note;
    Unit unit;
} UnitLink;

/* Filters of unit_find. level is required; the rest may be NULL / 0. */
typedef struct UnitFilter {
    const char *level;  /* "province", "district" or "commune" */
    const char *date;   /* NULL: today */
    const char *parent; /* only units inside this unit (direct children, or for pre2025
                        ** communes also the communes of a province's districts) */
    const char *q;      /* folded-name prefix (text_fold): "tan phu", "xa tan", "Tân" */
    int offset, limit;  /* page; limit 0: all */
} UnitFilter;

/* The full name: capitalised type + " " + name ("Xã Tân Phú", "Thành phố Hà Nội"), in a. */
const char *unit_full_name(Arena *a, const Unit *u);

/* Whether s has the shape of a unit code (2, 3 or 5 digits). */
bool unit_code_valid(const char *s);

/* The unit with code in force on date (NULL: today). When no unit has that code on that
** day and the day is in the 2025 geography, an alias (code-aliases-2025) is tried: 06978
** answers as 06970 (out->code tells the canonical code).
** Returns 0 with *out filled (strings in a), or -1 with e:
**   422 field "code" for a malformed code, field "date" for a malformed date;
**   404 "no administrative unit with code X on DATE", followed, when the code exists on
**   other days, by when: "code 83 (Bến Tre) was in force until 2025-06-30". */
int unit_get(Db *db, Arena *a, const char *code, const char *date, Unit *out, Err *e);

/* Units matching f, sorted by code: *out (array in a) holds at most f->limit of them from
** f->offset on, *n their number, and *total (when not NULL) the number of all matches.
** Returns 0, or -1 with e (422 for a bad level, date or parent code). An unknown parent
** gives an empty list, not an error. */
int unit_find(Db *db, Arena *a, const UnitFilter *f, Unit **out, int *n, int *total, Err *e);

/* All units of level in force on date (NULL: today), optionally inside parent; sorted by
** code. Shorthand for unit_find without paging. Returns 0 or -1 with e. */
int unit_list(Db *db, Arena *a, const char *level, const char *date, const char *parent,
              Unit **out, int *n, Err *e);

/* The direct children of code on date (districts of a pre2025 province, communes of a
** district or of a 2025 province), sorted by code; empty for a commune. The code must be in
** force on date (aliases resolve): else -1 with e as unit_get. Arrays and strings in a. */
int unit_children(Db *db, Arena *a, const char *code, const char *date, Unit **out, int *n,
                  Err *e);

/* The province that contains code on date: itself for a province, the parent of a district
** or 2025 commune, commune -> district -> province before 2025. 0 with *out filled, or -1
** with e (as unit_get; 404 when a parent is missing on that day, which the pre-2018 history
** allows). Strings in a. */
int unit_province(Db *db, Arena *a, const char *code, const char *date, Unit *out, Err *e);

/* Codes of every commune in force on date inside code (a province, a district, or a commune:
** itself), sorted: for statistics restated on either geography. *codes is an array of *n
** strings in a. 0, or -1 with e as unit_get. */
int unit_communes_within(Db *db, Arena *a, const char *code, const char *date,
                         const char ***codes, int *n, Err *e);

/* 2025 lineage of a pre2025 code: the new units it went to, sorted by new code, each with
** the new unit as in force on date (NULL: today; dates before 2025-07-01 count as
** 2025-07-01). Empty when the code did not exist on 2025-06-30 (it had been merged earlier:
** the history holds no lineage before 2025). Arrays and strings in a. 0, or -1 with e (422
** malformed code or date). */
int unit_successors(Db *db, Arena *a, const char *old_code, const char *date, UnitLink **out,
                    int *n, Err *e);

/* 2025 lineage of a new code (aliases resolve): the pre2025 units it came from, sorted by
** old code, each with the old unit as of 2025-06-30. Arrays and strings in a. 0, or -1
** with e (422 malformed code). */
int unit_predecessors(Db *db, Arena *a, const char *new_code, UnitLink **out, int *n, Err *e);

/* Validation helpers for producers and products imports. */
/* True if code (or the alias of one) is a commune of the 2025 geography on any day from
** 2025-07-01; the canonical code is then copied into canonical (when not NULL). */
bool unit_is_commune_2025(Db *db, const char *code, char canonical[8]);
/* True if code was a commune of the pre2025 geography on any day. */
bool unit_is_commune_pre2025(Db *db, const char *code);
/* The one 2025 commune that the old commune old_code went to whole or in part, when it went
** to exactly one (targets == 1): copied into out, true. False when it was split or unknown. */
bool unit_new_commune_of_old(Db *db, const char *old_code, char out[8]);
/* Whether the pre-2025 commune old_code went (whole or in part) into the 2025 commune new_code
** on 1 July 2025 (unit_links; an alias of new_code counts). */
bool unit_commune_became(Db *db, const char *old_code, const char *new_code);

#endif
