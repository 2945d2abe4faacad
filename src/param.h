/*
** param.h: typed query parameters. A route row (route.h) declares the parameters it takes, each
** with a type; route_admit checks the query string against the declaration before the handler
** runs (params_admit), so a handler reads values that are already valid (req_int, req_bool,
** req_paging) and never parses page, per_page, sort, format or lang itself.
**
** A declaration is a space-separated list of NAME or NAME:TYPE:
**
**   text(N)      at most N bytes (the query string is UTF-8 already); a bare NAME is text(200)
**   int(A..B)    a whole number from A to B (decimal, optional '-'); int(A..) has no upper bound
**   id           a record id: a whole number from 1 to 2^53 - 1
**   enum(a|b|c)  exactly one of the words
**   bool         true, false, 1 or 0
**   date         a real day written YYYY-MM-DD (years 1900 to 2999)
**   unitcode     an administrative unit code: 2, 3 or 5 digits (QĐ 19/2025)
**   sort         field names separated by commas, each may start with '-' (descending); which
**                fields may sort is the entity's business
**   page(R)      for the name page only: a whole number from 1 such that page × per_page <= R,
**                the list's reach; page alone means page(10000000) (PAGING_REACH)
**   per_page(D,M) for the name per_page only: 1 to M, D when absent; per_page alone means
**                per_page(50,500) (PAGING_LIST). page and per_page are declared together.
**   *            (alone, not NAME:*) other names go to the handler, which checks them (the
**                generic entity lists, whose filters are the entity's fields)
**
** e.g. "q:text(200) kind:enum(product|producer|village) page:page(10000) per_page:per_page(20,100)".
** lang is declared on every route as enum(vi|en) (http.c req_lang_init reads it). A declared
** parameter may be given once. A malformed declaration is a bug: route_check_table panics at
** start-up and tests/unit/test_param.c checks every row of routes[].
*/
#ifndef OCOP_PARAM_H
#define OCOP_PARAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "http.h"
#include "table.h"
#include "util.h"

typedef enum {
    PT_TEXT, PT_INT, PT_ID, PT_ENUM, PT_BOOL, PT_DATE, PT_UNITCODE, PT_SORT, PT_PAGE, PT_PER_PAGE,
    PT_ANY /* the "*" token */
} ParamType;

/* One declared parameter; name and choices point into the declaration (not NUL-terminated). */
typedef struct ParamSpec {
    const char *name;
    size_t name_len;
    ParamType type;
    int64_t min, max;    /* int: the range; text: max = bytes; page: max = reach; per_page: 1..max */
    int64_t dflt;        /* per_page: the default */
    const char *choices; /* enum: "a|b|c" */
    size_t choices_len;
} ParamSpec;

/* Read the next declared parameter of *decl into *out and move *decl past it. Returns 1, 0 at
** the end, or -1 with e (status 500, the token in field) when the declaration is malformed. */
int param_next(const char **decl, ParamSpec *out, Err *e);
/* Whether the whole declaration is well formed (names unique, page with per_page). 0, or -1
** with e saying what is wrong. */
int param_decl_check(const char *decl, Err *e);
/* The declaration of name in decl (a well-formed one); false when it is not declared. */
bool param_find(const char *decl, const char *name, ParamSpec *out);
/* Check one value against its declaration: 0, or -1 with e = 400 naming the parameter and
** saying what it accepts. page is checked with paging_parse by params_admit, not here. */
int param_value_check(const ParamSpec *s, const char *value, Err *e);
/* Check a query string (q[0..n)) against decl: every declared parameter has a valid value and
** is given once, page × per_page is within the reach, and an undeclared one is refused unless
** decl has "*" or pages (ignore_unknown: links from elsewhere carry utm_source and the like).
** 0, or -1 with e = 400 naming the first parameter at fault. */
int params_admit(const char *decl, bool ignore_unknown, const Param *q, int n, Err *e);

/* The handlers' side, for values route_admit has checked against r->route's declaration. */
/* The whole number of ?name=, or dflt when absent. Panics when name is not declared as int/id. */
int64_t req_int(Req *r, const char *name, int64_t dflt);
/* ?name= as a bool, or dflt when absent. Panics when name is not declared as bool. */
bool req_bool(Req *r, const char *name, bool dflt);
/* ?page= and ?per_page= with the route's rule (defaults when absent). Panics when the route does
** not declare them. */
void req_paging(Req *r, Paging *pg);

/* ?format= of a download (declared enum(csv|xlsx)): CSV when absent. */
TableFormat req_table_format(Req *r);
/* Whether a download's headings are in Vietnamese: ?lang=vi or no ?lang= (a file is read by
** people in Vietnam whatever language the client's Accept-Language asks for). */
bool req_export_vi(Req *r);

/* Panic on the first route of routes[] whose declaration is malformed (called at start-up). */
void route_check_table(void);

#endif
