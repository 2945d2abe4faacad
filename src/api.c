/*
** api.c: import, search and statistics handlers.
*/
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "entity.h"
#include "files.h"
#include "importer.h"
#include "search.h"
#include "stats.h"
#include "util.h"

int api_import(Req *r) {
    const Entity *en = entity_by_name(r->pathv[0]);
    if (!en)
        return resp_error(r, 404, "kind", "cannot import '%s': kinds are producers, products, recognitions, villages, points",
                          r->pathv[0]);
    const char *dry = req_query(r, "dry_run"), *format = req_query(r, "format");
    bool dry_run = dry && (strcmp(dry, "1") == 0 || strcmp(dry, "true") == 0);
    if (dry && !dry_run && strcmp(dry, "0") != 0 && strcmp(dry, "false") != 0)
        return resp_error(r, 400, "dry_run", "dry_run must be true or false");
    TableFormat fmt = TABLE_AUTO;
    const char *ct = r->content_type ? r->content_type : "";
    if ((format && strcmp(format, "csv") == 0) || strstr(ct, "text/csv")) fmt = TABLE_CSV;
    else if ((format && strcmp(format, "xlsx") == 0) || strstr(ct, "spreadsheetml")) fmt = TABLE_XLSX;
    else if (format) return resp_error(r, 400, "format", "format must be csv or xlsx");
    if (r->body_len == 0) return resp_error(r, 400, "body", "send the CSV or XLSX file as the request body");
    ImportResult res;
    Err e = ERR_INIT;
    int rc = import_run(r->db, en, r->body, r->body_len, fmt, dry_run, NULL, NULL, &res, &e);
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
    const char *q = req_query(r, "q"), *kind = req_query(r, "kind");
    if (kind && strcmp(kind, "product") && strcmp(kind, "producer") && strcmp(kind, "village"))
        return resp_error(r, 400, "kind", "kind must be product, producer or village");
    int64_t page = 1, per_page = 20;
    const char *p = req_query(r, "page"), *pp = req_query(r, "per_page");
    if (p && (!parse_i64(p, &page) || page < 1)) return resp_error(r, 400, "page", "page must be a whole number from 1");
    if (pp && (!parse_i64(pp, &per_page) || per_page < 1 || per_page > 100))
        return resp_error(r, 400, "per_page", "per_page must be from 1 to 100");
    SearchHit *hits = NULL;
    int n = 0;
    int64_t total = 0;
    Err e = ERR_INIT;
    if (search_query(r->db, &r->arena, q ? q : "", kind, (int)per_page, (int)((page - 1) * per_page), &hits, &n, &total, &e)) {
        if (strcmp(e.field, "offset") == 0) snprintf(e.field, sizeof e.field, "page");
        if (e.status == 422) e.status = 400; /* q and page come from the query string */
        return resp_problem(r, &e);
    }
    json_t *items = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(items, json_pack("{s:s, s:I, s:s, s:s, s:f}", "kind", hits[i].kind, "id", (json_int_t)hits[i].id,
                                               "title", hits[i].title, "highlight", hits[i].highlight, "score", hits[i].score));
    return resp_json(r, 200, json_pack("{s:s, s:o, s:I, s:I, s:I, s:I}", "q", q, "items", items, "total", (json_int_t)total,
                                       "page", (json_int_t)page, "per_page", (json_int_t)per_page, "pages",
                                       (json_int_t)((total + per_page - 1) / per_page)));
}

int api_stats(Req *r) {
    Err e = ERR_INIT;
    json_t *o = stats_report(r->db, &r->arena, req_query(r, "unit"), req_query(r, "date"), &e);
    return o ? resp_json(r, 200, o) : resp_problem(r, &e);
}

/* ---- product photos ----------------------------------------------------------------------- */

enum { PHOTO_MAX = 10 * 1024 * 1024 };

/* POST /api/v1/products/{id}/photos: the image bytes as the body (JPEG, PNG or WebP). */
int api_photo_add(Req *r) {
    int64_t pid;
    if (!parse_i64(r->pathv[0], &pid) || pid <= 0) return resp_error(r, 404, "id", "no product with id '%s'", r->pathv[0]);
    const char *declared = r->content_type ? r->content_type : "";
    const char *real = files_sniff_image(r->body, r->body_len);
    if (r->body_len == 0) return resp_error(r, 400, "body", "send the image file as the request body");
    if (!real) return resp_error(r, 415, "body", "photos must be JPEG, PNG or WebP images");
    if (*declared && strncmp(declared, real, strlen(real)) != 0 && strncmp(declared, "application/octet-stream", 24) != 0)
        return resp_error(r, 415, "Content-Type", "the file is %s but was sent as %s", real, declared);
    const char *filename = req_query(r, "filename");
    if (filename && strlen(filename) > 200) return resp_error(r, 422, "filename", "filename is longer than 200 bytes");
    Err e = ERR_INIT;
    json_t *product = entity_get(r->db, &ENTITY_PRODUCTS, pid, &e);
    if (!product) return resp_problem(r, &e);
    json_decref(product);
    char sha[65];
    if (files_put(r->app->files_dir, r->body, r->body_len, sha, &e)) return resp_problem(r, &e);
    char ts[32];
    ts_now(ts);
    Stmt *s = db_prepare(r->db, "INSERT INTO product_photos (product_id, sha256, mime, bytes, filename, created_at) "
                                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (product_id, sha256) DO NOTHING");
    db_bind_int(s, 1, pid);
    db_bind_text(s, 2, sha);
    db_bind_text(s, 3, real);
    db_bind_int(s, 4, (int64_t)r->body_len);
    db_bind_text(s, 5, filename);
    db_bind_text(s, 6, ts);
    int rc = db_step(s);
    int created = db_changes(r->db) > 0;
    db_done(s);
    if (rc != DB_DONE) return resp_error(r, 500, "", "cannot record the photo: %s", db_errmsg(r->db));
    char url[96];
    snprintf(url, sizeof url, "/files/%s", sha);
    resp_header(r, "Location", url);
    return resp_json(r, created ? 201 : 200,
                     json_pack("{s:s, s:s, s:I, s:s?, s:s}", "sha256", sha, "mime", real, "bytes", (json_int_t)r->body_len,
                               "filename", filename, "url", url));
}

/* DELETE /api/v1/products/{id}/photos/{sha256}: unlink the photo from the product (the
** stored file stays: other records may share it). */
int api_photo_delete(Req *r) {
    int64_t pid;
    if (!parse_i64(r->pathv[0], &pid)) return resp_error(r, 404, "id", "no product with id '%s'", r->pathv[0]);
    Stmt *s = db_prepare(r->db, "DELETE FROM product_photos WHERE product_id = ? AND sha256 = ?");
    db_bind_int(s, 1, pid);
    db_bind_text(s, 2, r->pathv[1]);
    db_step(s);
    int n = db_changes(r->db);
    db_done(s);
    if (!n) return resp_error(r, 404, "sha256", "product %lld has no photo %s", (long long)pid, r->pathv[1]);
    return resp_text(r, 204, "text/plain", "", 0);
}

/* GET /files/{sha256}: a stored file, with the type recorded when it was uploaded. */
int api_file_get(Req *r) {
    const char *sha = r->pathv[0];
    if (!files_valid_sha(sha)) return resp_error(r, 404, "sha256", "no such file");
    Stmt *s = db_prepare(r->db, "SELECT mime FROM product_photos WHERE sha256 = ? LIMIT 1");
    db_bind_text(s, 1, sha);
    const char *mime = db_step(s) == DB_ROW ? arena_strdup(&r->arena, db_col_text(s, 0)) : NULL;
    db_done(s);
    if (!mime) return resp_error(r, 404, "sha256", "no such file");
    Err e = ERR_INIT;
    size_t n = 0;
    char *data = files_get(r->app->files_dir, sha, &n, &e);
    if (!data) return resp_problem(r, &e);
    resp_text(r, 200, mime, data, n);
    free(data);
    resp_header(r, "Cache-Control", "public, max-age=31536000, immutable");
    return 200;
}
