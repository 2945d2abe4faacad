/*
** api.h: the JSON API handlers (api_*.c), referenced by the route table in route.c. Each
** handler parses and validates its input, calls the domain, and renders JSON; nothing else.
*/
#ifndef OCOP_API_H
#define OCOP_API_H

#include "http.h"
#include "table.h"

/* api_unit.c: /api/v1/units */
int api_units_list(Req *r);     /* GET /api/v1/units?level=&date=&parent=&q=&page=&per_page= */
int api_units_get(Req *r);      /* GET /api/v1/units/{code}?date= */
int api_units_children(Req *r); /* GET /api/v1/units/{code}/children?date= */
int api_product_sets(Req *r);   /* GET /api/v1/product-sets?version= */

/* api_misc.c */
int api_healthz(Req *r);
int api_metrics(Req *r);
int api_version(Req *r);

/* api_entity.c: generic list/get/create/update/delete over an Entity (r->route->data) */
int api_entity_list(Req *r);
int api_entity_get(Req *r);
int api_entity_create(Req *r);
int api_entity_update(Req *r);
int api_entity_delete(Req *r);
int api_entity_export(Req *r);
/* Answer an export file (out, malloc'd, freed here) as an attachment "ocop-STEM-DATE.EXT". */
int resp_download(Req *r, TableFormat fmt, char *out, size_t n, const char *stem);
/* Destructor of a worker's cache of rendered records (app->cache_key). */
void render_cache_free(void *cache);
int api_import(Req *r);
int api_search(Req *r);
int api_stats(Req *r);
int api_indicators(Req *r);
int api_indicator(Req *r);
int api_plans_list(Req *r);
int api_plans_create(Req *r);
int api_plan_get(Req *r);
int api_plan_replace(Req *r);
int api_plan_delete(Req *r);
int api_plan_copy(Req *r);
int api_plan_task(Req *r);
int api_plan_progress(Req *r);
int api_reports_list(Req *r);
int api_report(Req *r);
int api_photo_add(Req *r);
int api_photo_delete(Req *r);
int api_file_get(Req *r);
/* Answer stored file sha with its type mime (malloc'd, freed here); a problem if it is gone. */
int resp_stored_file(Req *r, const char *sha, char *mime);
/* The audit entry of a photo added to (action "photo.add") or removed from ("photo.delete")
** product pid, with the product's province, inside the caller's transaction: 0 or -1 with e. */
int api_audit_photo(Req *r, int64_t pid, const char *action, json_t *photo, Err *e);

/* api_auth.c: sessions, the caller's account and tokens, users and roles */
int api_session_create(Req *r);   /* POST /api/v1/session (login) */
int api_session_delete(Req *r);   /* DELETE /api/v1/session (logout) */
int api_me(Req *r);               /* GET /api/v1/me */
int api_me_sessions_delete(Req *r); /* DELETE /api/v1/me/sessions (log out everywhere) */
int api_me_password(Req *r);      /* PUT /api/v1/me/password */
int api_me_tokens_list(Req *r);   /* GET /api/v1/me/tokens */
int api_me_tokens_create(Req *r); /* POST /api/v1/me/tokens */
int api_me_tokens_delete(Req *r); /* DELETE /api/v1/me/tokens/{id} */
int api_register(Req *r);         /* POST /api/v1/register (producer self-registration) */
int api_users_list(Req *r);
int api_users_create(Req *r);
int api_users_get(Req *r);
int api_users_update(Req *r);
int api_users_password(Req *r);   /* PUT /api/v1/users/{id}/password */
int api_users_grant(Req *r);      /* POST /api/v1/users/{id}/roles */
int api_users_revoke(Req *r);     /* DELETE /api/v1/users/{id}/roles/{role_id} */
int api_users_confirm(Req *r);    /* POST /api/v1/users/{id}/confirm */

/* api_audit.c: the audit trail */
int api_audit_list(Req *r);       /* GET /api/v1/audit?user=&entity=&entity_id=&action=&from=&to=&page=&per_page= */
int api_audit_export(Req *r);     /* GET /api/v1/audit/export?...&format=csv|xlsx */
int api_audit_verify(Req *r);     /* GET /api/v1/audit/verify */

/* api_rubric.c: the score sheets and the scoring calculator */
int api_rubrics_list(Req *r);     /* GET /api/v1/rubrics */
int api_rubric_get(Req *r);       /* GET /api/v1/rubrics/{version} */
int api_rubric_set(Req *r);       /* GET /api/v1/rubrics/{version}/sets/{n} */
int api_rubric_evaluate(Req *r);  /* POST /api/v1/rubrics/{version}/sets/{n}/evaluate */

/* api_dossier.c: the evaluation procedure on a dossier */
int api_dossier_transitions(Req *r);   /* GET /api/v1/dossier-transitions */
int api_dossier_act(Req *r);           /* POST /api/v1/dossiers/{id}/transitions */
int api_dossier_events(Req *r);        /* GET /api/v1/dossiers/{id}/events */
int api_dossier_self_assessment(Req *r); /* PUT /api/v1/dossiers/{id}/self-assessment */
int api_dossier_commune_report(Req *r);  /* PUT /api/v1/dossiers/{id}/commune-report */
int api_dossier_files_list(Req *r);    /* GET /api/v1/dossiers/{id}/files */
int api_dossier_file_add(Req *r);      /* POST /api/v1/dossiers/{id}/files?kind=&criterion=&filename= */
int api_dossier_file_get(Req *r);      /* GET /api/v1/dossiers/{id}/files/{sha256} */
int api_dossier_file_delete(Req *r);   /* DELETE /api/v1/dossiers/{id}/files/{sha256} */

/* api_dossier.c: the council's scoring */
int api_dossier_council(Req *r);       /* GET /api/v1/dossiers/{id}/council */
int api_dossier_conflict(Req *r);      /* POST /api/v1/dossiers/{id}/conflicts */
int api_dossier_scores(Req *r);        /* GET /api/v1/dossiers/{id}/scores */
int api_dossier_score_save(Req *r);    /* PUT /api/v1/dossiers/{id}/scores/me */
int api_dossier_rescore(Req *r);       /* POST /api/v1/dossiers/{id}/scores/rescore */
int api_dossier_close(Req *r);         /* POST /api/v1/dossiers/{id}/scores/close */
int api_dossier_minutes(Req *r);       /* GET /api/v1/dossiers/{id}/minutes */

/* api_decision.c: recognition decisions, certificates, the re-evaluation list (decision.h) */
int api_decisions_list(Req *r);      /* GET /api/v1/decisions?province=&level=&year=&page=&per_page= */
int api_decision_create(Req *r);     /* POST /api/v1/decisions */
/* decision_create of in (which it releases) by r's caller, with r's app's files, keys and
** public URL: 0 with *id, or -1 with e. For the API and the decision page alike. */
int api_decision_record(Req *r, json_t *in, int64_t *id, Err *e);
int api_decision_get(Req *r);        /* GET /api/v1/decisions/{id} */
int api_certificates_list(Req *r);   /* GET /api/v1/certificates?product_id=&state=&province=&page=&per_page= */
int api_certificate_get(Req *r);     /* GET /api/v1/certificates/{cert_no} */
int api_certificate_pdf(Req *r);     /* GET /api/v1/certificates/{cert_no}/pdf */
int api_certificate_revoke(Req *r);  /* POST /api/v1/certificates/{cert_no}/revoke */
int api_revocation_grounds(Req *r);  /* GET /api/v1/revocation-grounds */
int api_lifecycle_due(Req *r);       /* GET /api/v1/lifecycle/due?province=&commune=&date=&page=&per_page= */

/* page_home.c: GET /, the home page (figures, charts, newest recognitions, a search box) */
int page_home(Req *r);
/* Frees a worker thread's cache of the home page's figures (the destructor of App.home_key). */
void page_home_cache_free(void *cache);
/* page_stats.c: GET /thong-ke, the statistics of a unit on a date (also ?format=csv|xlsx) */
int page_stats(Req *r);
/* page_verify.c: GET /xac-minh/{cert_no}, the public verification page of a certificate, and
** GET /xac-minh, the form that looks a number up (?so=NUMBER: 303 to its page) */
int page_verify(Req *r);
int page_verify_lookup(Req *r);
/* page_product.c: GET /san-pham/{id}, the public page of a product */
int page_product(Req *r);
/* page_record.c: GET /chu-the/{id}, /diem-ban/{id}, /lang-nghe/{id}: a producer, a point of sale,
** a craft village */
int page_producer(Req *r);
int page_point(Req *r);
int page_village(Req *r);
/* page_lists.c: the public lists /san-pham, /chu-the, /diem-ban, /lang-nghe (page_list.h) */
int page_products(Req *r);
int page_producers(Req *r);
int page_points(Req *r);
int page_villages(Req *r);
/* page_static.c: GET /static/{name}, an embedded asset under its content-hashed name */
int page_static(Req *r);
/* page_account.c: signing in and out, registering, one's own account and password as pages */
int page_signin_form(Req *r);   /* GET /dang-nhap?next= */
int page_signin(Req *r);        /* POST /dang-nhap */
int page_signout(Req *r);       /* POST /dang-xuat */
int page_register_form(Req *r); /* GET /dang-ky */
int page_register(Req *r);      /* POST /dang-ky */
int page_account(Req *r);       /* GET /tai-khoan */
int page_password_form(Req *r); /* GET /tai-khoan/mat-khau */
int page_password(Req *r);      /* POST /tai-khoan/mat-khau */
/* A page's form that arrived after its session ended (http.c): the sign-in page (401) with the
** form's fields carried in it; signing in then offers one button that sends them again with
** the new session's CSRF token. Files cannot be carried: the page says so. */
int page_resign(Req *r);

/* api_auth.c, shared by the API and the pages: the steps behind the account routes. Each
** returns 0, or -1 with e (and a Retry-After header on r when throttled).
**   session_begin       sign in (auth_login), start a session and set its cookie; a filled
**   session_end         end the caller's session (audited) and drop its cookie
**   me_password_change  the caller's password, after checking the current one (fields
**                       current_password, new_password)
**   register_producer   producer self-registration (user_register), at most 30 an hour from
**                       one address */
int session_begin(Req *r, const char *username, const char *password, Auth *a, Err *e);
int session_end(Req *r, Err *e);
int me_password_change(Req *r, const char *cur, const char *next, Err *e);
int register_producer(Req *r, json_t *in, int64_t *id, Err *e);

#endif
