/*
** page_list.h: the one machinery of the public list pages (/san-pham, /chu-the, /diem-ban,
** /lang-nghe, and the lists that come later). A page is a ListPage, a table of data: the
** entity, its filters and their options, its sort orders, and a function that turns a page of
** records into the rows its template shows. page_list does the rest, the same way for every
** list: reads the state from the URL (q, the filters, sort, page), checks every value (an
** unknown one is named in the page, not a crash), lists through entity_list as the JSON API
** does, counts what each filter value would give (registry_facet), builds the links that keep
** the state (pages, removing a filter, the language switch) and answers ?format=csv|xlsx with
** the same filters as a download (entity_export, public fields only).
**
** The view every list template gets (the partials templates/list_form.html, list_status, list_pager, list_place):
**   title, path, q, total (formatted), count_text, rows (lp->rows), has_rows, empty,
**   alerts [{text}], filters [{param, id, label, options [{value, label, count, selected}],
**   none_label}], sorts [{value, label, selected}], active [{label, value, remove_href}],
**   clear_href, pager {prev_href, next_href, pages [{n, href, current}], text}, csv_href,
**   xlsx_href.
*/
#ifndef OCOP_PAGE_LIST_H
#define OCOP_PAGE_LIST_H

#include <jansson.h>

#include "entity.h"
#include "http.h"

/* One value a filter offers: the value in the URL and its label (an English message id). */
typedef struct ListOption {
    const char *value;
    const char *label;
} ListOption;

typedef enum {
    LF_OPTIONS,  /* the values of options */
    LF_PROVINCE, /* the 34 provinces in force (a pre-2025 province code is read as its successor) */
    LF_COMMUNE,  /* the communes of the chosen province that have records; needs a LF_PROVINCE */
} ListFilterKind;

typedef struct ListFilter {
    const char *param;         /* URL parameter = the list's filter (entity.h) = the facet */
    const char *label;         /* message id: "Province" */
    ListFilterKind kind;
    const ListOption *options; /* LF_OPTIONS: NULL-value terminated */
    /* LF_OPTIONS without options: the values from the domain, [{"value", "label"}] in r's
    ** language (a new array) */
    json_t *(*load)(Req *r);
} ListFilter;

typedef struct ListPage {
    const Entity *en;
    const char *path;             /* "/san-pham" */
    const char *tmpl;             /* "list_products": templates/list_products.html */
    const char *title;            /* message id */
    const ListFilter *filters;    /* NULL-param terminated */
    const ListOption *sorts;      /* entity sort values ("name", "-stars"), the first the default */
    /* The rows of the page's items (bare records of entity_list: stored columns only) as the
    ** template shows them: a new array. Read what is shown of the whole page in a few queries
    ** (registry.h), never one query per row. q: the search, for highlights (may be NULL). */
    json_t *(*rows)(Req *r, json_t *items, const char *q);
    /* A filter the caller cannot lift, or NULL: its parameter (an entity filter) and, for r,
    ** its value (NULL: none for this caller). Neither in the form nor in the links. A province
    ** officer's province on its rounds, a commune officer's commune on the producers (public
    ** records that scope does not narrow), the dossiers sent to the Ministry. */
    const char *fixed_param;
    const char *(*fixed_value)(Req *r);
} ListPage;

/* Answer the list page lp for r (the route's handler calls it); a workspace's page (a WORK
** row of the route table) with its navigation (work_render). */
int page_list(Req *r, const ListPage *lp);
/* The same, with extra (stolen, may be NULL) added to the view for the page's own template (a
** notice). */
int page_list_with(Req *r, const ListPage *lp, json_t *extra);

/* Destructor of a worker's cache of facet counts (app->list_cache_key). Facets count the
** whole list (a GROUP BY over up to every record, 5 to 200 ms each on 100,000 products), so
** each worker keeps what it counted while nothing was committed since (db_change_stamp) on
** the same day; for a list that is not public (a workspace's dossiers), under the caller's
** scope too (its roles and where they reach), so no one reads counts of another scope. */
void page_list_cache_free(void *cache);

/* Helpers for lp->rows. */
/* The communes (registry_communes) of the items' commune_code. New object. */
json_t *page_list_communes(Req *r, json_t *items);
/* Each item's "id", in the arena; *n their number. */
int64_t *page_list_ids(Req *r, json_t *items, int *n);
/* [{"value", "label"}] of an entity's enumeration, labelled in r's language. */
json_t *page_list_enum(Req *r, const EnumVal *ev);
/* What several lists offer: sorting by name (A to Z, Z to A, newest first), the stars of a
** valid certificate (5, 4, 3), and the types of producer (a load of a ListFilter). */
extern const ListOption LIST_NAME_SORTS[], LIST_STAR_OPTIONS[];
json_t *page_list_producer_types(Req *r);
/* The label of value among options, translated (value itself when none). */
const char *page_list_label(Req *r, const ListOption *options, const char *value);

#endif
