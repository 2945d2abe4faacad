/*
** api_decision.c: recognition decisions, certificates and the re-evaluation list over the JSON
** API (decision.h). Decisions and certificates are public records (the authority publishes
** them, Điều 7.3.e); recording a decision or a revocation needs decisions.write, and
** decision.c checks the level and the place. The list of products due for re-evaluation is
** for the offices in charge (dossiers.read, within the caller's scope).
*/
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cert.h"
#include "decision.h"
#include "jsonx.h"
#include "param.h"
#include "util.h"

/* ?page= and ?per_page= (checked by route_admit) into *pg, limit and offset. */
static void paging(Req *r, Paging *pg, int64_t *limit, int64_t *offset) {
    req_paging(r, pg);
    *limit = pg->per_page;
    *offset = pg->offset;
}

static int list_or_problem(Req *r, int rc, Err *e, json_t *items, int64_t total, const Paging *pg) {
    if (rc) return resp_problem(r, e);
    return resp_json(r, 200, paging_json(items, total, pg));
}

int api_decisions_list(Req *r) {
    Paging pg;
    int64_t total = 0;
    DecisionQuery q = {.province = req_query(r, "province"), .level = req_query(r, "level"), .year = req_query(r, "year"),
                       .oldest_first = str_eq(req_query(r, "sort"), "oldest")};
    paging(r, &pg, &q.limit, &q.offset);
    Err e = ERR_INIT;
    json_t *items = NULL;
    int rc = decision_list(r->db, &q, &items, &total, &e);
    return list_or_problem(r, rc, &e, items, total, &pg);
}

int api_decision_record(Req *r, json_t *in, int64_t *id, Err *e) {
    char keys_dir[4096];
    cert_keys_dir(r->app->db_path, keys_dir, sizeof keys_dir);
    DecisionEnv env = {r->app->files_dir, keys_dir, r->app->public_url, r->app->insecure_public_url};
    int rc = decision_create(r->db, &r->actor, &env, in, id, e);
    json_decref(in);
    return rc;
}

int api_decision_create(Req *r) {
    Err e = ERR_INIT;
    json_t *in = req_json_object(r, &e);
    if (!in) return resp_problem(r, &e);
    int64_t id = 0;
    int rc = api_decision_record(r, in, &id, &e);
    json_t *d = rc ? NULL : decision_get(r->db, id, true, &e); /* to the officer who recorded it */
    if (!d) return resp_problem(r, &e);
    resp_header(r, "Location", arena_printf(&r->arena, "/api/v1/decisions/%lld", (long long)id));
    return resp_json(r, 201, d);
}

int api_decision_get(Req *r) {
    int64_t id;
    if (!parse_i64(r->pathv[0], &id) || id <= 0) return resp_error(r, 404, "id", "no decision with id '%s'", r->pathv[0]);
    Err e = ERR_INIT;
    json_t *d = decision_get(r->db, id, false, &e); /* public */
    return d ? resp_json(r, 200, d) : resp_problem(r, &e);
}

int api_certificates_list(Req *r) {
    Paging pg;
    int64_t total = 0;
    char today[11];
    date_today(today);
    CertificateQuery q = {.product_id = req_query(r, "product_id"), .state = req_query(r, "state"),
                          .province = req_query(r, "province"), .today = today};
    paging(r, &pg, &q.limit, &q.offset);
    Err e = ERR_INIT;
    json_t *items = NULL;
    int rc = certificate_list(r->db, &q, &items, &total, &e);
    return list_or_problem(r, rc, &e, items, total, &pg);
}

int api_certificate_get(Req *r) {
    char today[11];
    date_today(today);
    Err e = ERR_INIT;
    json_t *c = certificate_get(r->db, r->pathv[0], today, &e);
    return c ? resp_json(r, 200, c) : resp_problem(r, &e);
}

/* The PDF as issued: the same bytes for ever, so it may be cached. */
int api_certificate_pdf(Req *r) {
    Err e = ERR_INIT;
    char *data = NULL;
    size_t n = 0;
    if (certificate_pdf(r->db, r->app->files_dir, r->pathv[0], &data, &n, &e)) return resp_problem(r, &e);
    resp_text(r, 200, "application/pdf", data, n);
    free(data);
    resp_header(r, "Content-Disposition", arena_printf(&r->arena, "inline; filename=\"%s.pdf\"", r->pathv[0]));
    resp_header(r, "Cache-Control", "public, max-age=86400");
    return 200;
}

int api_certificate_revoke(Req *r) {
    Err e = ERR_INIT;
    json_t *in = req_json_object(r, &e);
    if (!in) return resp_problem(r, &e);
    int rc = certificate_revoke(r->db, &r->actor, r->pathv[0], in, &e);
    json_decref(in);
    if (rc) return resp_problem(r, &e);
    return api_certificate_get(r);
}

int api_revocation_grounds(Req *r) { return resp_json(r, 200, json_pack("{s:o}", "items", revocation_grounds())); }

int api_lifecycle_due(Req *r) {
    Paging pg;
    int64_t total = 0;
    DueQuery q = {.province = req_query(r, "province"), .commune = req_query(r, "commune"), .date = req_query(r, "date"),
                  .phase = req_query(r, "phase"), .sort = req_query(r, "sort"), .who = &r->actor};
    paging(r, &pg, &q.limit, &q.offset);
    Err e = ERR_INIT;
    json_t *items = NULL;
    int rc = lifecycle_due(r->db, &q, &items, &total, &e);
    return list_or_problem(r, rc, &e, items, total, &pg);
}
