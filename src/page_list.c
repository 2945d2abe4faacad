/*
** page_list.c: the machinery every public list page shares (see page_list.h): the state in
** the URL, checked; the list and its facet counts from the domain; the links that keep the
** state; the CSV/XLSX download of the same list. The pages themselves are tables of data
** (page_lists.c) and templates (templates/list_*.html: a page each, and the partials list_form, list_status, list_pager, list_place).
*/
#include "page_list.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "importer.h"
#include "page.h"
#include "page_work.h"
#include "param.h"
#include "registry.h"
#include "route.h"
#include "tablew.h"
#include "text.h"
#include "unit.h"
#include "util.h"

/* 30 records a page: a page of cards stays well under 50 KB with its stylesheet. */
enum { PER_PAGE = 30, MAX_FILTERS = 12, PAGER_SPAN = 2 };

/* What the URL asks for, checked. */
typedef struct State {
    const char *q, *sort, *format;
    const char *value[MAX_FILTERS]; /* per lp->filters; NULL: not chosen */
    int64_t page;
    int status;    /* 200, or 400 when a value was not understood (named in alerts) */
    json_t *alerts; /* [{text}] */
    json_t *notes;  /* [{text}]: what was read differently (a pre-2025 unit as its successor) */
} State;

static int nfilters(const ListPage *lp) {
    int n = 0;
    while (lp->filters[n].param) n++;
    return n;
}

/* An alert in r's language from a message id with arguments (err_set formats and err_text
** translates it: one way of telling a message with values in C). */
static void say(Req *r, json_t *list, const char *fmt_id, const char *a1, const char *a2) {
    Err e = ERR_INIT;
    err_set(&e, 400, "", fmt_id, a1, a2);
    char out[600];
    json_array_append_new(list, json_pack("{s:s}", "text", err_text(&e, r->lang, out, sizeof out)));
    err_clear(&e);
}

static void alert(Req *r, State *s, const char *param, const char *label, const char *value) {
    s->status = 400;
    Err e = ERR_INIT;
    if (str_eq(param, "sort")) /* label: the list's usual order, which it is shown in */
        err_set(&e, 400, param, "\"%s\" is not a sort order of this list: it is shown in its usual order (%s).", value,
                tr(r->lang, label));
    else
        err_set(&e, 400, param, "%s: there is no \"%s\". Choose one from the list; the results are not filtered by it.",
                tr(r->lang, label), value);
    char out[600];
    json_array_append_new(s->alerts, json_pack("{s:s}", "text", err_text(&e, r->lang, out, sizeof out)));
    err_clear(&e);
}

/* The 2025 province that the pre-2025 province old went to, into now; false when none (or several). */
static bool province_successor(Req *r, const char *old, const char **now, const char **old_name, const char **new_name) {
    UnitLink *links = NULL;
    int n = 0;
    Err e = ERR_INIT;
    if (!unit_code_valid(old) || strlen(old) != 2 || unit_successors(r->db, &r->arena, old, NULL, &links, &n, &e)) {
        err_clear(&e);
        return false;
    }
    const char *found = NULL;
    for (int i = 0; i < n; i++) {
        if (!str_eq(links[i].level, "province") || !links[i].unit.code) continue;
        if (found && !str_eq(found, links[i].unit.code)) return false;
        found = links[i].unit.code;
        *new_name = links[i].unit.name;
    }
    if (!found) return false;
    Unit u;
    *old_name = unit_get(r->db, &r->arena, old, UNIT_LAST_OLD_DATE, &u, &e) ? old : u.name;
    err_clear(&e);
    *now = found;
    return true;
}

static bool option_known(const ListOption *o, const char *v) {
    for (; o && o->value; o++)
        if (str_eq(o->value, v)) return true;
    return false;
}

/* The label of v among the loaded options of f, or NULL. */
static const char *loaded_label(Req *r, const ListFilter *f, const char *v) {
    json_t *opts = f->load(r);
    size_t i;
    json_t *o;
    const char *label = NULL;
    json_array_foreach(opts, i, o)
        if (str_eq(json_string_value(json_object_get(o, "value")), v))
            label = arena_strdup(&r->arena, json_string_value(json_object_get(o, "label")));
    json_decref(opts);
    return label;
}

/* Check one filter's value (f = lp->filters[i]); a pre-2025 unit is read as its successor. */
static void check_filter(Req *r, const ListFilter *f, const char **value, State *s, json_t *provinces) {
    const char *v = *value;
    bool ok = false;
    if (f->kind == LF_OPTIONS) {
        ok = f->load ? loaded_label(r, f, v) != NULL : option_known(f->options, v);
    } else if (f->kind == LF_PROVINCE) {
        ok = json_object_get(provinces, v) != NULL;
        const char *now, *old_name, *new_name;
        if (!ok && province_successor(r, v, &now, &old_name, &new_name)) {
            say(r, s->notes, N_("%s was a province before 1 July 2025: it is now part of %s, whose records are shown."),
                old_name, new_name);
            *value = now;
            ok = true;
        }
    } else {
        char canon[8], now[8];
        if (unit_code_valid(v) && strlen(v) == 5 && unit_is_commune_2025(r->db, v, canon)) {
            *value = arena_strdup(&r->arena, canon);
            ok = true;
        } else if (unit_code_valid(v) && strlen(v) == 5 && unit_is_commune_pre2025(r->db, v) &&
                   unit_new_commune_of_old(r->db, v, now)) {
            say(r, s->notes, N_("Commune %s was renumbered on 1 July 2025: the records of commune %s are shown."), v, now);
            *value = arena_strdup(&r->arena, now);
            ok = true;
        }
    }
    if (!ok) {
        alert(r, s, f->param, f->label, v);
        *value = NULL;
    }
}

/* {code: name} of the provinces in force, and the same as an array sorted by name. */
static json_t *provinces_in_force(Req *r, json_t **sorted) {
    Unit *u = NULL;
    int n = 0;
    Err e = ERR_INIT;
    json_t *by_code = json_object();
    *sorted = json_array();
    if (unit_list(r->db, &r->arena, "province", NULL, NULL, &u, &n, &e)) {
        err_clear(&e);
        return by_code;
    }
    for (int i = 0; i < n; i++) {
        json_object_set_new(by_code, u[i].code, json_string(u[i].name));
        Buf k = BUF_INIT;
        text_fold(&k, u[i].name, strlen(u[i].name));
        json_array_append_new(*sorted, json_pack("{s:s, s:s, s:s}", "value", u[i].code, "label", u[i].name, "key", buf_str(&k)));
        buf_free(&k);
    }
    return by_code;
}

static int by_key(const void *a, const void *b) {
    return strcmp(json_string_value(json_object_get(*(json_t *const *)a, "key")),
                  json_string_value(json_object_get(*(json_t *const *)b, "key")));
}

/* Sort an array of {key} objects by key, in place. */
static void sort_by_key(json_t *arr) {
    size_t n = json_array_size(arr);
    json_t **v = xcalloc(n + 1, sizeof *v);
    for (size_t i = 0; i < n; i++) v[i] = json_incref(json_array_get(arr, i));
    qsort(v, n, sizeof *v, by_key);
    json_array_clear(arr);
    for (size_t i = 0; i < n; i++) json_array_append_new(arr, v[i]);
    free(v);
}

static void read_state(Req *r, const ListPage *lp, State *s, json_t *provinces) {
    memset(s, 0, sizeof *s);
    s->status = 200;
    s->page = 1;
    s->alerts = json_array();
    s->notes = json_array();
    int nf = nfilters(lp);
    for (int i = 0; i < r->nquery; i++) {
        const char *k = r->query[i].key, *v = r->query[i].value;
        if (!*v) continue; /* an empty field of the form: not chosen */
        if (str_eq(k, "q")) s->q = v;
        else if (str_eq(k, "sort")) s->sort = v;
        for (int f = 0; f < nf; f++)
            if (str_eq(k, lp->filters[f].param) && !s->value[f]) s->value[f] = v;
        /* anything else (utm_source, fbclid, lang...) is not the list's business */
    }
    for (int f = 0; f < nf; f++)
        if (s->value[f]) check_filter(r, &lp->filters[f], &s->value[f], s, provinces);
    if (s->sort && !option_known(lp->sorts, s->sort)) {
        alert(r, s, "sort", lp->sorts[0].label, s->sort);
        s->sort = NULL;
    }
    /* checked by the route's declaration (route.c PUBLIC_LIST_PARAMS) before the handler runs */
    Paging pg;
    req_paging(r, &pg); /* per_page is the list's own (PER_PAGE); the row declares it 30 */
    s->page = pg.page;
    const char *format = req_query(r, "format");
    s->format = format && *format ? format : NULL;
}

/* lp->path with the state s: without filter drop (-1: none), without q when drop_q, at page
** (1: none), with format (NULL: none). */
static json_t *href(const ListPage *lp, const State *s, int drop, bool drop_q, int64_t page, const char *format) {
    Buf b = BUF_INIT;
    buf_puts(&b, lp->path);
    char sep = '?';
#define PARAM(k, v)                                                                                \
    do {                                                                                           \
        buf_putc(&b, sep);                                                                         \
        buf_puts(&b, k);                                                                           \
        buf_putc(&b, '=');                                                                         \
        buf_url(&b, v, strlen(v));                                                                 \
        sep = '&';                                                                                 \
    } while (0)
    if (s->q && !drop_q) PARAM("q", s->q);
    for (int f = 0; lp->filters[f].param; f++)
        if (s->value[f] && f != drop) PARAM(lp->filters[f].param, s->value[f]);
    if (s->sort && !str_eq(s->sort, lp->sorts[0].value)) PARAM("sort", s->sort);
    if (page > 1) {
        char n[24];
        snprintf(n, sizeof n, "%lld", (long long)page);
        PARAM("page", n);
    }
    if (format) PARAM("format", format);
#undef PARAM
    json_t *v = json_stringn(b.p, b.n);
    buf_free(&b);
    return v;
}

/* The list query of the state: every chosen filter but skip (-1: none). */
static void state_query(Req *r, const ListPage *lp, const State *s, int skip, ListQuery *lq) {
    int nf = nfilters(lp);
    memset(lq, 0, sizeof *lq);
    lq->keys = arena_alloc(&r->arena, sizeof(char *) * (size_t)(nf + 4));
    lq->values = arena_alloc(&r->arena, sizeof(char *) * (size_t)(nf + 4));
    const char *fixed = lp->fixed_value ? lp->fixed_value(r) : NULL;
    if (fixed) {
        lq->keys[lq->nfilters] = lp->fixed_param;
        lq->values[lq->nfilters++] = fixed;
    }
    for (int f = 0; f < nf; f++) {
        if (!s->value[f] || f == skip) continue;
        lq->keys[lq->nfilters] = lp->filters[f].param;
        lq->values[lq->nfilters++] = s->value[f];
    }
    lq->q = s->q;
    lq->sort = s->sort ? s->sort : lp->sorts[0].value;
    lq->who = &r->actor;
    lq->bare = true;
}

static json_t *count_text(Req *r, json_int_t n) {
    char num[32];
    return json_string(lang_int(r->lang, n, num, sizeof num));
}

/* The options of filter f with their counts (counts: {value: n}). */
static json_t *filter_options(Req *r, const ListFilter *f, const char *chosen, json_t *counts, json_t *provinces_sorted) {
    json_t *opts = json_array();
    if (f->kind == LF_OPTIONS && f->load) {
        json_decref(opts);
        opts = f->load(r);
    } else if (f->kind == LF_OPTIONS) {
        for (const ListOption *o = f->options; o->value; o++)
            json_array_append_new(opts, json_pack("{s:s, s:s}", "value", o->value, "label", tr(r->lang, o->label)));
    } else if (f->kind == LF_PROVINCE) {
        size_t i;
        json_t *p;
        json_array_foreach(provinces_sorted, i, p) json_array_append(opts, p);
    } else {
        /* the communes that have records, and the chosen one */
        size_t n = json_object_size(counts) + 1, k = 0;
        const char **codes = arena_alloc(&r->arena, sizeof(char *) * n);
        const char *code;
        json_t *c;
        json_object_foreach(counts, code, c) codes[k++] = code;
        if (chosen && !json_object_get(counts, chosen)) codes[k++] = chosen;
        json_t *names = registry_communes(r->db, codes, (int)k);
        json_object_foreach(names, code, c) {
            const char *name = json_string_value(json_object_get(c, "name"));
            Buf key = BUF_INIT;
            text_fold(&key, name, strlen(name));
            json_array_append_new(opts, json_pack("{s:s, s:s, s:s}", "value", code, "label", name, "key", buf_str(&key)));
            buf_free(&key);
        }
        json_decref(names);
        sort_by_key(opts);
    }
    json_t *out = json_array();
    size_t i;
    json_t *o;
    json_array_foreach(opts, i, o) {
        const char *v = json_string_value(json_object_get(o, "value"));
        json_int_t n = counts ? json_integer_value(json_object_get(counts, v)) : 0;
        json_array_append_new(out, json_pack("{s:s, s:O, s:o, s:b, s:b}", "value", v, "label", json_object_get(o, "label"),
                                             "count", count_text(r, n), "selected", chosen && str_eq(chosen, v),
                                             "has_count", counts != NULL));
    }
    json_decref(opts);
    return out;
}

static const char *option_label(Req *r, const ListFilter *f, const char *v, json_t *provinces) {
    if (f->kind == LF_OPTIONS && f->load) return loaded_label(r, f, v);
    if (f->kind == LF_OPTIONS) return page_list_label(r, f->options, v);
    if (f->kind == LF_PROVINCE) {
        const char *name = json_string_value(json_object_get(provinces, v));
        return name ? name : v;
    }
    json_t *names = registry_communes(r->db, &v, 1);
    const char *name = json_string_value(json_object_get(json_object_get(names, v), "name"));
    const char *out = arena_strdup(&r->arena, name ? name : v);
    json_decref(names);
    return out;
}

/* ---- the worker's cache of facet counts ---- */

enum { FACET_SLOTS = 512 };

typedef struct FacetEntry {
    char *key, *counts; /* the question (entity, facet, filters, q) and the answer as JSON text */
    uint64_t stamp;
    char today[11];
} FacetEntry;

void page_list_cache_free(void *cache) {
    FacetEntry *c = cache;
    if (!c) return;
    for (int i = 0; i < FACET_SLOTS; i++) {
        free(c[i].key);
        free(c[i].counts);
    }
    free(c);
}

/* registry_facet of lf under lq, from this worker's cache when nothing changed since. New
** object, or NULL when the domain refused. */
static json_t *facet_counts(Req *r, const ListPage *lp, const ListFilter *lf, const ListQuery *lq) {
    Buf key = BUF_INIT;
    buf_printf(&key, "%s\n%s\n%s", lp->en->name, lf->param, lq->q ? lq->q : "");
    for (int i = 0; i < lq->nfilters; i++) buf_printf(&key, "\n%s=%s", lq->keys[i], lq->values[i]);
    /* a list that is not public counts what its caller may see: the caller's scope (its roles
    ** and where they reach) is part of the question, so callers of one scope share the answer */
    bool scoped = lp->en->perm_read != PERM_PUBLIC;
    for (int i = 0; scoped && r->auth && i < r->auth->ngrants; i++)
        buf_printf(&key, "\n@%d:%s:%d", (int)r->auth->grants[i].role, r->auth->grants[i].scope,
                   r->auth->grants[i].confirmed);
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < key.n; i++) h = (h ^ (unsigned char)key.p[i]) * 1099511628211ULL;
    bool cacheable = r->app && (!scoped || r->auth);
    FacetEntry *cache = cacheable ? pthread_getspecific(r->app->list_cache_key) : NULL;
    if (cacheable && !cache) {
        cache = xcalloc(FACET_SLOTS, sizeof *cache);
        pthread_setspecific(r->app->list_cache_key, cache);
    }
    uint64_t stamp = db_change_stamp(r->db);
    char today[11];
    date_today(today);
    FacetEntry *slot = cache ? &cache[h % FACET_SLOTS] : NULL;
    json_t *counts = NULL;
    bool hit = slot && slot->key && str_eq(slot->key, key.p) && slot->stamp == stamp && str_eq(slot->today, today);
    if (hit) counts = json_loads(slot->counts, 0, NULL);
    Err e = ERR_INIT;
    if (!counts && registry_facet(r->db, &r->arena, lp->en, lq, lf->param, &counts, &e)) {
        err_clear(&e);
        counts = NULL;
    } else if (slot && !hit) {
        free(slot->key);
        free(slot->counts);
        slot->key = xstrdup(key.p);
        slot->counts = json_dumps(counts, JSON_COMPACT);
        slot->stamp = stamp;
        memcpy(slot->today, today, sizeof today);
    }
    buf_free(&key);
    return counts;
}

/* The filters of the form with their counts, and the active ones with their remove links. */
static void filters_view(Req *r, const ListPage *lp, const State *s, json_t *provinces, json_t *provinces_sorted,
                         json_t *view) {
    json_t *filters = json_array(), *active = json_array();
    int province = -1;
    for (int f = 0; lp->filters[f].param; f++)
        if (lp->filters[f].kind == LF_PROVINCE) province = f;
    for (int f = 0; lp->filters[f].param; f++) {
        const ListFilter *lf = &lp->filters[f];
        if (s->value[f])
            json_array_append_new(active, json_pack("{s:s, s:s, s:o}", "label", tr(r->lang, lf->label), "value",
                                                    option_label(r, lf, s->value[f], provinces), "remove_href",
                                                    href(lp, s, f, false, 1, NULL)));
        /* communes only within a chosen province: 3,321 of them would make no list to choose from */
        if (lf->kind == LF_COMMUNE && (province < 0 || !s->value[province]) && !s->value[f]) continue;
        ListQuery lq;
        state_query(r, lp, s, f, &lq);
        json_t *counts = facet_counts(r, lp, lf, &lq);
        json_array_append_new(filters, json_pack("{s:s, s:s, s:s, s:o}", "param", lf->param, "id",
                                                 arena_printf(&r->arena, "f-%s", lf->param), "label", tr(r->lang, lf->label),
                                                 "options", filter_options(r, lf, s->value[f], counts, provinces_sorted)));
        json_decref(counts);
    }
    json_object_set_new(view, "filters", filters);
    json_object_set_new(view, "has_active", json_boolean(json_array_size(active) > 0));
    json_object_set_new(view, "active", active);
}

static json_t *pager_view(Req *r, const ListPage *lp, const State *s, int64_t pages) {
    json_t *list = json_array();
    int64_t from = s->page - PAGER_SPAN < 1 ? 1 : s->page - PAGER_SPAN;
    int64_t to = s->page + PAGER_SPAN > pages ? pages : s->page + PAGER_SPAN;
    if (from > 1) json_array_append_new(list, json_pack("{s:I, s:o}", "n", (json_int_t)1, "href", href(lp, s, -1, false, 1, NULL)));
    if (from > 2) json_array_append_new(list, json_pack("{s:b}", "gap", true));
    for (int64_t p = from; p <= to; p++)
        json_array_append_new(list, json_pack("{s:I, s:o, s:b}", "n", (json_int_t)p, "href", href(lp, s, -1, false, p, NULL),
                                              "current", p == s->page));
    if (to < pages - 1) json_array_append_new(list, json_pack("{s:b}", "gap", true));
    if (to < pages)
        json_array_append_new(list, json_pack("{s:I, s:o}", "n", (json_int_t)pages, "href", href(lp, s, -1, false, pages, NULL)));
    json_t *v = json_pack("{s:o, s:I, s:I}", "pages", list, "page", (json_int_t)s->page, "of", (json_int_t)pages);
    if (s->page > 1 && s->page <= pages) json_object_set_new(v, "prev_href", href(lp, s, -1, false, s->page - 1, NULL));
    if (s->page < pages) json_object_set_new(v, "next_href", href(lp, s, -1, false, s->page + 1, NULL));
    (void)r;
    return v;
}

/* The download of the whole list with the state's filters and sort: public fields only
** (entity_export leaves out what the caller may not see). */
static int download(Req *r, const ListPage *lp, const State *s) {
    ListQuery lq;
    state_query(r, lp, s, -1, &lq);
    lq.bare = false;
    lq.limit = -1;
    TableFormat fmt = str_eq(s->format, "xlsx") ? TABLE_XLSX : TABLE_CSV;
    json_t *items = NULL;
    int64_t total = 0;
    char *out = NULL;
    size_t n = 0;
    Err e = ERR_INIT;
    if (entity_list(r->db, &r->arena, lp->en, &lq, &items, &total, &e) ||
        entity_export(r->db, lp->en, &r->actor, items, fmt, r->lang == LANG_VI, &r->arena, &out, &n, &e)) {
        json_decref(items);
        int st = resp_problem(r, &e);
        err_clear(&e);
        return st;
    }
    json_decref(items);
    return resp_download(r, fmt, out, n, lp->en->name);
}

int page_list(Req *r, const ListPage *lp) { return page_list_with(r, lp, NULL); }

int page_list_with(Req *r, const ListPage *lp, json_t *extra) {
    assert(nfilters(lp) <= MAX_FILTERS);
    json_t *provinces_sorted = NULL;
    json_t *provinces = provinces_in_force(r, &provinces_sorted);
    sort_by_key(provinces_sorted);
    State s;
    read_state(r, lp, &s, provinces);
    if (s.format && s.status == 200) {
        json_decref(provinces);
        json_decref(provinces_sorted);
        json_decref(s.alerts);
        json_decref(s.notes);
        json_decref(extra);
        return download(r, lp, &s);
    }
    ListQuery lq;
    state_query(r, lp, &s, -1, &lq);
    lq.limit = PER_PAGE;
    lq.offset = (s.page - 1) * PER_PAGE;
    json_t *items = NULL;
    int64_t total = 0;
    Err e = ERR_INIT;
    if (entity_list(r->db, &r->arena, lp->en, &lq, &items, &total, &e)) {
        /* the values were checked above: what is left is the domain's own refusal */
        char out[600];
        json_array_append_new(s.alerts, json_pack("{s:s}", "text", err_text(&e, r->lang, out, sizeof out)));
        s.status = e.status;
        err_clear(&e);
        items = json_array();
    }
    int64_t pages = (total + PER_PAGE - 1) / PER_PAGE;
    if (total > 0 && s.page > pages) {
        char p[24], np[24];
        snprintf(p, sizeof p, "%lld", (long long)s.page);
        snprintf(np, sizeof np, "%lld", (long long)pages);
        say(r, s.alerts, N_("There is no page %s: this list has %s page(s). Go to the first or the last page below."), p, np);
        s.status = 404;
    }
    bool beyond = total > 0 && s.page > pages;
    json_t *view = json_object();
    json_object_set_new(view, "title", json_string(tr(r->lang, lp->title)));
    json_object_set_new(view, "path", json_string(lp->path));
    if (s.q) json_object_set_new(view, "q", json_stringn_nocheck(s.q, strlen(s.q)));
    json_object_set_new(view, "total", count_text(r, total));
    json_object_set_new(view, "rows", lp->rows(r, items, s.q));
    json_object_set_new(view, "has_rows", json_boolean(json_array_size(items) > 0));
    json_object_set_new(view, "empty", json_boolean(total == 0));
    json_decref(items);
    filters_view(r, lp, &s, provinces, provinces_sorted, view);
    json_t *sorts = json_array();
    for (const ListOption *o = lp->sorts; o->value; o++)
        json_array_append_new(sorts, json_pack("{s:s, s:s, s:b}", "value", o->value, "label", tr(r->lang, o->label),
                                               "selected", str_eq(o->value, s.sort ? s.sort : lp->sorts[0].value)));
    json_object_set_new(view, "sorts", sorts);
    if (s.q) json_object_set_new(view, "without_q_href", href(lp, &s, -1, true, 1, NULL));
    json_object_set_new(view, "clear_href", json_string(lp->path));
    if (pages > 1 && !beyond) json_object_set_new(view, "pager", pager_view(r, lp, &s, pages));
    if (beyond)
        json_object_set_new(view, "beyond", json_pack("{s:o, s:o}", "first_href", href(lp, &s, -1, false, 1, NULL),
                                                      "last_href", href(lp, &s, -1, false, pages, NULL)));
    json_object_set_new(view, "csv_href", href(lp, &s, -1, false, 1, "csv"));
    json_object_set_new(view, "xlsx_href", href(lp, &s, -1, false, 1, "xlsx"));
    if (extra) json_object_update(view, extra);
    json_decref(extra);
    json_object_set_new(view, "alerts", s.alerts);
    json_object_set_new(view, "notes", s.notes);
    json_decref(provinces);
    json_decref(provinces_sorted);
    /* a list of a workspace (a WORK row) shows the workspace's navigation */
    if (r->route && r->route->roles) return work_render(r, s.status, lp->tmpl, view);
    return page_render(r, s.status, lp->tmpl, view);
}

json_t *page_list_communes(Req *r, json_t *items) {
    size_t n = json_array_size(items), k = 0;
    const char **codes = arena_alloc(&r->arena, sizeof(char *) * (n + 1));
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o) {
        const char *c = json_string_value(json_object_get(o, "commune_code"));
        if (c) codes[k++] = c;
    }
    return registry_communes(r->db, codes, (int)k);
}

int64_t *page_list_ids(Req *r, json_t *items, int *n) {
    int64_t *ids = arena_alloc(&r->arena, sizeof(int64_t) * (json_array_size(items) + 1));
    size_t i;
    json_t *o;
    *n = 0;
    json_array_foreach(items, i, o) ids[(*n)++] = json_integer_value(json_object_get(o, "id"));
    return ids;
}

const char *page_list_label(Req *r, const ListOption *options, const char *value) {
    for (const ListOption *o = options; o && o->value; o++)
        if (str_eq(o->value, value)) return tr(r->lang, o->label);
    return value;
}

json_t *page_list_enum(Req *r, const EnumVal *ev) {
    json_t *out = json_array();
    for (; ev && ev->value; ev++)
        json_array_append_new(out, json_pack("{s:s, s:s}", "value", ev->value, "label", r->lang == LANG_VI ? ev->vi : ev->en));
    return out;
}
