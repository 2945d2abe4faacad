/*
** api_audit.c: the audit trail over the JSON API: browse (filters, pagination), export (CSV or
** XLSX) and verify the hash chain. The route table declares the permissions; here the caller's
** roles only narrow what it sees: a province officer sees the entries of its provinces, an
** administrator everything. These handlers run inside the request's read transaction and
** never write.
*/
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "audit.h"
#include "param.h"
#include "tablew.h"
#include "util.h"

enum { MAX_PROVINCES = 32 };

/* The filters of the query string into q; provinces (MAX_PROVINCES slots) receive the
** caller's province restriction. */
static void audit_query(Req *r, AuditQuery *q, char (*provinces)[8]) {
    memset(q, 0, sizeof *q);
    q->user = req_query(r, "user");
    q->entity = req_query(r, "entity");
    q->entity_id = req_query(r, "entity_id");
    q->action = req_query(r, "action");
    q->from = req_query(r, "from");
    q->to = req_query(r, "to");
    q->oldest_first = str_eq(req_query(r, "sort"), "oldest");
    q->nprovinces = auth_provinces(r->auth, PERM_AUDIT_READ, provinces, MAX_PROVINCES);
    q->provinces = (const char(*)[8])provinces;
    q->limit = -1;
}


static int fail(Req *r, Err *e) {
    int st = resp_problem(r, e);
    err_clear(e);
    return st;
}

int api_audit_list(Req *r) {
    Err e = ERR_INIT;
    char provinces[MAX_PROVINCES][8];
    AuditQuery q;
    Paging pg;
    int64_t total;
    json_t *items;
    audit_query(r, &q, provinces);
    req_paging(r, &pg);
    q.limit = pg.per_page;
    q.offset = pg.offset;
    if (audit_list(r->db, &q, &items, &total, &e)) return fail(r, &e);
    return resp_json(r, 200, paging_json(items, total, &pg));
}

int api_audit_export(Req *r) {
    Err e = ERR_INIT;
    TableFormat fmt = req_table_format(r);
    char provinces[MAX_PROVINCES][8];
    AuditQuery q;
    int64_t total;
    json_t *items;
    audit_query(r, &q, provinces);
    if (audit_list(r->db, &q, &items, &total, &e)) return fail(r, &e);
    char *out = NULL;
    size_t n = 0;
    int rc = audit_export(items, fmt, req_export_vi(r), &out, &n, &e);
    json_decref(items);
    if (rc) return fail(r, &e);
    return resp_download(r, fmt, out, n, "audit");
}

int api_audit_verify(Req *r) {
    AuditCheck c;
    int broken = audit_verify(r->db, &c);
    json_t *head = c.head_id ? json_pack("{s:I, s:s}", "id", (json_int_t)c.head_id, "hash", c.head) : json_null();
    return resp_json(r, 200, json_pack("{s:b, s:I, s:o, s:o, s:o}", "intact", !broken, "entries", (json_int_t)c.entries,
                                       "broken_id", broken ? json_integer(c.broken_id) : json_null(), "reason",
                                       broken ? json_string(c.reason) : json_null(), "head", head));
}
