/*
** page_home.c: the home page at "/": a plain public catalogue of recognised products with a
** search box, so that a browser pointed at a fresh `make run` shows the registry. The full web
** interface (portal, workspaces) comes later; this page works without JavaScript. The markup is
** templates/home.html; this file builds its view.
*/
#include <string.h>

#include "api.h"
#include "entity.h"
#include "page.h"
#include "search.h"
#include "tmpl.h"
#include "util.h"

/* What a person reads for a search kind ("product" is the API's word, not the page's). */
static const char *kind_label(const char *kind) {
    if (strcmp(kind, "product") == 0) return "sản phẩm";
    if (strcmp(kind, "producer") == 0) return "chủ thể";
    if (strcmp(kind, "village") == 0) return "làng nghề";
    return kind;
}

/* {"error": ...} or {"total": n, "hits": [{"highlight": trusted HTML, "kind", "label", "id"}]}. The
** search made each highlight with text_highlight; tmpl_html_marked takes it after a check
** that it holds nothing but escaped text and <mark> tags (cheaper than highlighting again). */
static json_t *search_view(Req *r, const char *q) {
    SearchHit *hits = NULL;
    int n = 0;
    int64_t total = 0;
    Err e = ERR_INIT;
    if (search_query(r->db, &r->arena, q, NULL, 50, 0, &hits, &n, &total, &e)) {
        json_t *v = json_pack("{s:s}", "error", e.detail);
        err_clear(&e);
        return v;
    }
    json_t *list = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(list, json_pack("{s:o, s:s, s:s, s:I}", "highlight", tmpl_html_marked(hits[i].highlight),
                                              "kind", hits[i].kind, "label", kind_label(hits[i].kind),
                                              "id", (json_int_t)hits[i].id));
    return json_pack("{s:I, s:o}", "total", (json_int_t)total, "hits", list);
}

/* {"total": n, "items": [{code, id, name, producer_name, commune, stars (★ repeated)}]}, or NULL:
** only what the page shows, so nothing else of a record can reach the markup. */
static json_t *products_view(Req *r) {
    ListQuery lq = {.sort = "name", .limit = 200, .who = &r->actor};
    json_t *items = NULL;
    int64_t total = 0;
    Err e = ERR_INIT;
    if (entity_list(r->db, &r->arena, &ENTITY_PRODUCTS, &lq, &items, &total, &e)) {
        err_clear(&e);
        return NULL;
    }
    json_t *rows = json_array();
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o) {
        json_int_t n = json_integer_value(json_object_get(o, "stars"));
        char stars[16] = "";
        for (json_int_t k = 0; k < n && k < 5; k++) strcat(stars, "★");
        json_array_append_new(rows, json_pack("{s:O?, s:O?, s:O?, s:O?, s:O?, s:s}", "code", json_object_get(o, "code"),
                                              "id", json_object_get(o, "id"), "name", json_object_get(o, "name"),
                                              "producer_name", json_object_get(o, "producer_name"), "commune",
                                              json_object_get(json_object_get(o, "commune"), "name"), "stars", stars));
    }
    json_decref(items);
    return json_pack("{s:I, s:o}", "total", (json_int_t)total, "items", rows);
}

int page_home(Req *r) {
    const char *q = req_query(r, "q");
    json_t *view = json_object();
    /* the transport refused bytes that are not UTF-8; were one to pass, the escaper replaces it */
    if (q) json_object_set_new(view, "q", json_stringn_nocheck(q, strlen(q)));
    if (q && *q) json_object_set_new(view, "search", search_view(r, q));
    else json_object_set_new(view, "products", products_view(r));
    resp_header(r, "Referrer-Policy", "same-origin");
    return page_render(r, 200, "home", view);
}
