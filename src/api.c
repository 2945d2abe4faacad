/*
** api.c: import, search and statistics handlers.
*/
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "audit.h"
#include "entity.h"
#include "files.h"
#include "registry.h"
#include "importer.h"
#include "indicator.h"
#include "param.h"
#include "search.h"
#include "stats.h"
#include "util.h"

int api_import(Req *r) {
    const Entity *en = entity_by_name(r->pathv[0]); /* known and allowed: route_admit (SCOPE_KIND) */
    if (!en) panic("import of unknown kind '%s' admitted", r->pathv[0]);
    bool dry_run = req_bool(r, "dry_run", false);
    const char *format = req_query(r, "format"); /* csv or xlsx: route_admit */
    TableFormat fmt = TABLE_AUTO;
    const char *ct = r->content_type ? r->content_type : "";
    if (format) fmt = strcmp(format, "csv") == 0 ? TABLE_CSV : TABLE_XLSX;
    else if (strstr(ct, "text/csv")) fmt = TABLE_CSV;
    else if (strstr(ct, "spreadsheetml")) fmt = TABLE_XLSX;
    if (r->body_len == 0) return resp_error(r, 400, "body", "send the CSV or XLSX file as the request body");
    ImportResult res;
    Err e = ERR_INIT;
    int rc = import_run(r->db, en, &r->actor, r->body, r->body_len, fmt, dry_run, r->lang, NULL, NULL, &res, &e);
    int st;
    if (rc) {
        st = resp_problem(r, &e);
    } else {
        st = resp_json(r, dry_run || !res.created ? 200 : 201, import_result_json(en, &res, dry_run));
    }
    import_result_free(&res);
    err_clear(&e);
    return st;
}

int api_search(Req *r) {
    const char *q = req_query(r, "q"), *kind = req_query(r, "kind"); /* kind: one of three, route_admit */
    Paging pg;
    req_paging(r, &pg);
    SearchHit *hits = NULL;
    int n = 0;
    int64_t total = 0;
    Err e = ERR_INIT;
    if (search_query(r->db, &r->arena, q ? q : "", kind, (int)pg.per_page, (int)pg.offset, &hits, &n, &total, &e)) {
        if (e.status == 422) e.status = 400; /* q and kind come from the query string */
        return resp_problem(r, &e);
    }
    json_t *items = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(items, json_pack("{s:s, s:I, s:s, s:s, s:f}", "kind", hits[i].kind, "id", (json_int_t)hits[i].id,
                                               "title", hits[i].title, "highlight", hits[i].highlight, "score", hits[i].score));
    return resp_json(r, 200, json_pack("{s:s, s:o, s:I, s:I, s:I, s:I}", "q", q, "items", items, "total",
                                       (json_int_t)total, "page", (json_int_t)pg.page, "per_page", (json_int_t)pg.per_page,
                                       "pages", (json_int_t)paging_pages(&pg, total)));
}

int api_stats(Req *r) {
    Err e = ERR_INIT;
    json_t *o = stats_report(r->db, &r->arena, req_query(r, "unit"), req_query(r, "date"), &e);
    return o ? resp_json(r, 200, o) : resp_problem(r, &e);
}

/* ---- indicators (indicator.h) --------------------------------------------------------------- */

/* GET /api/v1/indicators: the catalogue. */
int api_indicators(Req *r) { return resp_json(r, 200, json_incref((json_t *)indicator_catalogue())); }

/* Does the indicator count dossiers (not public: the caller needs dossiers.read somewhere)? */
static bool counts_dossiers(const json_t *ind) {
    return str_eq(json_string_value(json_object_get(json_object_get(ind, "numerator"), "measure")), "dossiers") ||
           str_eq(json_string_value(json_object_get(json_object_get(ind, "denominator"), "measure")), "dossiers");
}

/* GET /api/v1/indicators/{code}?unit=&date=&from=&geography=&rows= */
int api_indicator(Req *r) {
    const json_t *ind = indicator_find(r->pathv[0]);
    if (!ind)
        return resp_error(r, 404, "code", "no indicator called '%s' (GET /api/v1/indicators lists them)", r->pathv[0]);
    if (counts_dossiers(ind) && !auth_can(r->auth, PERM_DOSSIERS_READ))
        return resp_error(r, r->auth ? 403 : 401, "code", "%s counts dossiers, which are not public: sign in as an officer",
                          r->pathv[0]);
    IndQuery q = {req_query(r, "unit"), req_query(r, "geography"), req_query(r, "date"), req_query(r, "from")};
    Err e = ERR_INIT;
    json_t *unit = indicator_unit(r->db, &r->arena, &q, &e);
    if (!unit) return resp_problem(r, &e);
    IndValue v;
    json_t *rows = NULL;
    if (indicator_eval(r->db, &r->arena, r->pathv[0], &q, &v, req_bool(r, "rows", true) ? &rows : NULL, &e)) {
        json_decref(unit);
        return resp_problem(r, &e);
    }
    const char *kind = json_string_value(json_object_get(ind, "kind"));
    json_t *o = json_pack("{s:{s:O, s:O, s:O, s:O, s:O}, s:o, s:O, s:I, s:f}", "indicator", "code", json_object_get(ind, "code"),
                          "kind", json_object_get(ind, "kind"), "unit", json_object_get(ind, "unit"), "vi",
                          json_object_get(ind, "vi"), "en", json_object_get(ind, "en"), "place", unit, "date",
                          json_object_get(unit, "date"), "numerator", (json_int_t)v.numerator, "value", v.value);
    json_object_set_new(o, "from", str_eq(kind, "flow") ? json_incref(json_object_get(unit, "from")) : json_null());
    json_object_set_new(o, "denominator", v.denominator < 0 ? json_null() : json_integer(v.denominator));
    json_object_set_new(o, "rows", rows ? rows : json_array());
    return resp_json(r, 200, o);
}

/* ---- product photos ----------------------------------------------------------------------- */

int api_audit_photo(Req *r, int64_t pid, const char *action, json_t *photo, Err *e) {
    Place p = {0};
    Stmt *s = db_prepare(r->db, "SELECT commune_code FROM products WHERE id = ?");
    db_bind_int(s, 1, pid);
    if (db_step(s) == DB_ROW) snprintf(p.commune, sizeof p.commune, "%s", db_col_text(s, 0));
    db_done(s);
    place_resolve(r->db, &p);
    bool add = strcmp(action, "photo.add") == 0;
    return audit_append_json(r->db, &r->actor, action, "products", pid, p.province[0] ? p.province : NULL,
                             add ? NULL : photo, add ? photo : NULL, e);
}

/* POST /api/v1/products/{id}/photos: the image bytes as the body (JPEG, PNG, WebP or HEIC).
** Decoded and re-encoded before the write transaction opens: that takes up to a second. */
int api_photo_add(Req *r) {
    int64_t pid;
    if (!parse_i64(r->pathv[0], &pid) || pid <= 0) return resp_error(r, 404, "id", "no product with id '%s'", r->pathv[0]);
    Err e = ERR_INIT;
    ImageSet set;
    if (product_photo_decode(r->body, r->body_len, r->content_type, &set, &e)) return resp_problem(r, &e);
    int created = 0;
    json_t *photo = NULL;
    if (db_begin(r->db, &e)) {
        image_set_free(&set);
        return resp_problem(r, &e);
    }
    photo = product_photo_add(r->db, &r->actor, r->app->files_dir, pid, &set, req_query(r, "filename"), &created, &e);
    image_set_free(&set);
    if (!photo || (created && api_audit_photo(r, pid, "photo.add", photo, &e)) || db_commit(r->db, &e)) {
        json_decref(photo);
        db_rollback(r->db);
        return resp_problem(r, &e);
    }
    resp_header(r, "Location", arena_strdup(&r->arena, json_string_value(json_object_get(photo, "url"))));
    return resp_json(r, created ? 201 : 200, photo);
}

/* DELETE /api/v1/products/{id}/photos/{sha256} */
int api_photo_delete(Req *r) {
    int64_t pid;
    if (!parse_i64(r->pathv[0], &pid)) return resp_error(r, 404, "id", "no product with id '%s'", r->pathv[0]);
    Err e = ERR_INIT;
    json_t *gone = json_pack("{s:s}", "sha256", r->pathv[1]);
    int rc = db_begin(r->db, &e) || product_photo_remove(r->db, &r->actor, pid, r->pathv[1], &e) ||
             api_audit_photo(r, pid, "photo.delete", gone, &e) || db_commit(r->db, &e);
    json_decref(gone);
    if (rc) {
        db_rollback(r->db);
        return resp_problem(r, &e);
    }
    return resp_text(r, 204, "text/plain", "", 0);
}

int resp_stored_file(Req *r, const char *sha, char *mime) {
    Err e = ERR_INIT;
    size_t n = 0;
    char *data = files_get(r->app->files_dir, sha, &n, &e);
    if (!data) {
        free(mime);
        return resp_problem(r, &e);
    }
    resp_text(r, 200, arena_strdup(&r->arena, mime), data, n);
    free(data);
    free(mime);
    return 200;
}

/* GET /files/{sha256}: a product photo or one of its sizes, with its recorded type; named by its
** content, it never changes, so caches keep it for a year. */
int api_file_get(Req *r) {
    const char *sha = r->pathv[0];
    char *mime = files_valid_sha(sha) ? product_photo_mime(r->db, sha) : NULL;
    if (!mime) return resp_error(r, 404, "sha256", "no such file");
    if (resp_stored_file(r, sha, mime) == 200) resp_header(r, "Cache-Control", "public, max-age=31536000, immutable");
    return r->status;
}
