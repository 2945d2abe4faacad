/*
** api_dossier.c: the steps of the evaluation procedure on a dossier: actions (transitions),
** the self-assessment, the commune's report, evidence files, and the history. The generic
** entity handlers (api_entity.c) serve the dossier records themselves; route_admit has
** checked that the dossier named by the path is within the caller's scope.
*/
#include <string.h>

#include "api.h"
#include "dossier.h"
#include "files.h"
#include "jsonx.h"
#include "param.h"
#include "scoring.h"
#include "util.h"

static int64_t dossier_id(Req *r) {
    int64_t id;
    return parse_i64(r->pathv[0], &id) && id > 0 ? id : 0;
}

static int dossier_response(Req *r, int status, int64_t id) {
    Err e = ERR_INIT;
    json_t *d = entity_get(r->db, &ENTITY_DOSSIERS, id, &e);
    return d ? resp_json(r, status, d) : resp_problem(r, &e);
}

int api_dossier_transitions(Req *r) { return resp_json(r, 200, json_pack("{s:o}", "items", dossier_transitions())); }

/* POST /api/v1/dossiers/{id}/transitions {"action", "comment"?, "reason"?, "round_id"?} */
int api_dossier_act(Req *r) {
    int64_t id = dossier_id(r);
    if (!id) return resp_error(r, 404, "id", "no dossier with id '%s'", r->pathv[0]);
    Err e = ERR_INIT;
    json_t *in = req_json_object(r, &e);
    if (!in) return resp_problem(r, &e);
    int rc = dossier_act(r->db, &r->arena, &r->actor, id, in, &e);
    json_decref(in);
    return rc ? resp_problem(r, &e) : dossier_response(r, 200, id);
}

int api_dossier_events(Req *r) {
    int64_t id = dossier_id(r);
    if (!id) return resp_error(r, 404, "id", "no dossier with id '%s'", r->pathv[0]);
    return resp_json(r, 200, json_pack("{s:o}", "items", dossier_events(r->db, id)));
}

/* PUT self-assessment and commune-report: the same shape of handler. */
static int put_part(Req *r, int (*fn)(Db *, const Actor *, int64_t, json_t *, Err *)) {
    int64_t id = dossier_id(r);
    if (!id) return resp_error(r, 404, "id", "no dossier with id '%s'", r->pathv[0]);
    Err e = ERR_INIT;
    json_t *in = req_json_object(r, &e);
    if (!in) return resp_problem(r, &e);
    int rc = fn(r->db, &r->actor, id, in, &e);
    json_decref(in);
    return rc ? resp_problem(r, &e) : dossier_response(r, 200, id);
}

int api_dossier_self_assessment(Req *r) { return put_part(r, dossier_self_assess); }
int api_dossier_commune_report(Req *r) { return put_part(r, dossier_commune_report); }

int api_dossier_files_list(Req *r) {
    int64_t id = dossier_id(r);
    if (!id) return resp_error(r, 404, "id", "no dossier with id '%s'", r->pathv[0]);
    return resp_json(r, 200, json_pack("{s:o}", "items", dossier_files(r->db, id)));
}

/* POST /api/v1/dossiers/{id}/files?kind=&criterion=&filename=, the file as the body. */
int api_dossier_file_add(Req *r) {
    int64_t id = dossier_id(r);
    if (!id) return resp_error(r, 404, "id", "no dossier with id '%s'", r->pathv[0]);
    Err e = ERR_INIT;
    int created = 0;
    json_t *f = dossier_file_add(r->db, &r->actor, r->app->files_dir, id, req_query(r, "kind"), req_query(r, "criterion"),
                                 req_query(r, "filename"), r->body, r->body_len, &created, &e);
    if (!f) return resp_problem(r, &e);
    resp_header(r, "Location", arena_strdup(&r->arena, json_string_value(json_object_get(f, "url"))));
    return resp_json(r, created ? 201 : 200, f);
}

int api_dossier_file_get(Req *r) {
    int64_t id = dossier_id(r);
    const char *sha = r->pathv[1];
    char *mime = id && files_valid_sha(sha) ? dossier_file_mime(r->db, id, sha) : NULL;
    if (!mime) return resp_error(r, 404, "sha256", "dossier %s has no file %s", r->pathv[0], sha);
    if (resp_stored_file(r, sha, mime) == 200) resp_header(r, "Content-Disposition", "attachment");
    return r->status;
}

int api_dossier_file_delete(Req *r) {
    int64_t id = dossier_id(r);
    if (!id) return resp_error(r, 404, "id", "no dossier with id '%s'", r->pathv[0]);
    Err e = ERR_INIT;
    if (dossier_file_remove(r->db, &r->actor, id, r->pathv[1], &e)) return resp_problem(r, &e);
    return resp_text(r, 204, "text/plain", "", 0);
}

/* ---- the council's scoring (scoring.h) ------------------------------------------------------- */

int api_dossier_council(Req *r) {
    int64_t id = dossier_id(r);
    Err e = ERR_INIT;
    json_t *o = id ? scoring_council(r->db, &r->actor, id, &e) : NULL;
    if (!id) return resp_error(r, 404, "id", "no dossier with id '%s'", r->pathv[0]);
    return o ? resp_json(r, 200, o) : resp_problem(r, &e);
}

int api_dossier_conflict(Req *r) { return put_part(r, scoring_declare_conflict); }

int api_dossier_scores(Req *r) {
    int64_t id = dossier_id(r);
    if (!id) return resp_error(r, 404, "id", "no dossier with id '%s'", r->pathv[0]);
    Err e = ERR_INIT;
    json_t *o = scoring_view(r->db, &r->actor, id, &e);
    return o ? resp_json(r, 200, o) : resp_problem(r, &e);
}

int api_dossier_score_save(Req *r) {
    int64_t id = dossier_id(r);
    if (!id) return resp_error(r, 404, "id", "no dossier with id '%s'", r->pathv[0]);
    Err e = ERR_INIT;
    json_t *in = req_json_object(r, &e);
    if (!in) return resp_problem(r, &e);
    json_t *out = NULL;
    int rc = scoring_save(r->db, &r->actor, id, in, &out, &e);
    json_decref(in);
    return rc ? resp_problem(r, &e) : resp_json(r, 200, out);
}

int api_dossier_rescore(Req *r) { return put_part(r, scoring_rescore); }
int api_dossier_close(Req *r) { return put_part(r, scoring_close); }

int api_dossier_minutes(Req *r) {
    int64_t id = dossier_id(r);
    if (!id) return resp_error(r, 404, "id", "no dossier with id '%s'", r->pathv[0]);
    Err e = ERR_INIT;
    int64_t pass = req_int(r, "pass", 0);
    json_t *o = scoring_minutes(r->db, &r->actor, id, pass, &e);
    return o ? resp_json(r, 200, o) : resp_problem(r, &e);
}
