/*
** decision.h: recognition decisions (quyết định công nhận), the certificates they issue
** (giấy chứng nhận kết quả phân hạng sản phẩm OCOP) and the certificates' lifecycle, following
** QĐ 26/2026/QĐ-TTg.
**
** A decision of an authority (the chair of a provincial People's Committee for 3★ and 4★, the
** Minister of Agriculture and Environment for 5★: Điều 4.1) recognises the products of scored
** dossiers (scoring.h). For each it creates, in one transaction with the decision: the
** recognition (the registry's `recognitions`), the certificate (number, PDF signed with the
** authority's Ed25519 key, cert.h), the end of the product's previous certificate and
** recognition (superseded), and the dossier's move to `decided`. A certificate is valid 36
** months (Điều 4.3); it is revoked by the authority that issued it on one of the legal grounds
** of Điều 8.1; it expires on its date (lifecycle_run makes that a recorded state). The
** re-evaluation dossier is filed 180 to 120 days before expiry (Điều 7.6.a): lifecycle_due
** lists the products in that window and those past it.
**
** Everything that changes state is recorded in the audit trail and, for certificates, in
** certificate_events. Dates are 'YYYY-MM-DD'; "today" is the date in Vietnam (util.h).
*/
#ifndef OCOP_DECISION_H
#define OCOP_DECISION_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "db.h"
#include "err.h"

/* Where a decision's certificates go and what they point to. */
typedef struct DecisionEnv {
    const char *files_dir;  /* the file store for the PDFs (files.h) */
    const char *keys_dir;   /* the signing keys (cert_keys_dir) */
    const char *public_url; /* base of the verification URLs, e.g. "https://ocop.example.vn" */
    bool insecure_public_url; /* demo and tests: allow a loopback public_url (never in production) */
} DecisionEnv;

/* Record the decision in: {number, decided_on, level, province_code?, signer_name,
** signer_title, note?, items: [{dossier_id}]}. province_code defaults to the province of a
** province officer; the Ministry's decisions have none. All or nothing: 422 naming
** "items[i]..." for an item that may not be recognised (not scored, under 50 points, under 3
** stars, 5★ in a province decision, decided already, a revoked certificate "renewed"), 403
** when who may not decide at that level or place (401 when who is anonymous), 409 when the
** number exists or the authority has no signing key. *id receives the new decision's id. The caller holds no transaction. */
int decision_create(Db *db, const Actor *who, const DecisionEnv *env, json_t *in, int64_t *id, Err *e);

/* May who record a recognition at level ("province", "district", "ministry") of a product of
** province (QĐ 26/2026 Điều 4.1): the one rule used by decisions, revocations and every other
** write of a recognition (registry.c). The system: yes; an anonymous caller: no. */
bool decision_may_decide(const Actor *who, const char *level, const char *province);
/* Is cert_no in ocop's own series of certificate numbers ("86-2026-0001", "BO-2026-0012"),
** which only decisions issue? */
bool certificate_no_is_ours(const char *cert_no);

/* A decision with its items (new reference), or NULL with 404. The items name the dossiers
** decided only when internal (the command line, the audit trail, the officer who recorded it):
** dossiers are not public. */
json_t *decision_get(Db *db, int64_t id, bool internal, Err *e);

typedef struct DecisionQuery {
    const char *province, *level, *year; /* filters, or NULL */
    int64_t limit, offset;
    bool oldest_first;                   /* the order: newest first unless set */
} DecisionQuery;
/* Decisions, newest first (oldest first with q->oldest_first): items (a new array) and the total. 400 for a bad filter. Public: the
** items do not name the dossiers. */
int decision_list(Db *db, const DecisionQuery *q, json_t **items, int64_t *total, Err *e);

/* A certificate as JSON (new reference) with its live state on today: "valid", "expired" (by
** date, even before lifecycle_run recorded it), "revoked" (with the ground) or "superseded"
** (with the new number); NULL with 404. */
json_t *certificate_get(Db *db, const char *cert_no, const char *today, Err *e);

typedef struct CertificateQuery {
    const char *product_id, *state, *province; /* filters, or NULL; state is the live state */
    const char *q; /* or NULL: a number starting so, or a product or producer name containing it (any case) */
    const char *sort; /* NULL or "newest": newest first; "expires": soonest expiry first; "number" */
    const char *today;
    int64_t limit, offset;
} CertificateQuery;
/* Certificates, newest first: items (a new array) and the total. 400 for a bad filter. */
int certificate_list(Db *db, const CertificateQuery *q, json_t **items, int64_t *total, Err *e);

/* The certificate's PDF bytes (malloc'd; the caller frees) into *data and *n; -1 with 404. */
int certificate_pdf(Db *db, const char *files_dir, const char *cert_no, char **data, size_t *n, Err *e);

/* Revoke the certificate cert_no: in = {ground, decision_no, decided_on, note?}. Only the
** issuing authority's officers (the province's for its certificates, administrators for the
** Ministry's): anyone else gets 404, as for a missing certificate (401 when anonymous). 422
** for bad input, 409 when the certificate has ended already. Ends its recognition (revoked).
** The caller holds no transaction. */
int certificate_revoke(Db *db, const Actor *who, const char *cert_no, json_t *in, Err *e);

/* The legal grounds of a revocation (QĐ 26/2026 Điều 8.1) as a JSON array of {ground, clause,
** vi, en}. */
json_t *revocation_grounds(void);
/* The Vietnamese text of ground, or NULL when it is not one. */
const char *revocation_ground_vi(const char *ground);

/* The day's job: certificates whose expires_on is on or before date become expired (recorded
** once, with one audit entry for the run when anything changed: running it again changes
** nothing), and *report (new reference) lists what expired and the products in the
** re-evaluation window (180 to 121 days left) and past the 120-day warning (120 to 1 days
** left), counted by province and commune. Only the system runs it (403 for anyone else). The
** caller holds no transaction. */
int lifecycle_run(Db *db, const Actor *who, const char *date, json_t **report, Err *e);

typedef struct DueQuery {
    const char *province, *commune, *date; /* filters (NULL: all; date NULL: today) */
    const char *phase;                     /* "window" or "warning" (NULL: both) */
    /* "expires" (NULL: soonest first), "product" (by product name), "unfiled" (those without a
    ** re-evaluation dossier under way first, then soonest) */
    const char *sort;
    const Actor *who;                      /* only what who may read (dossiers.read) */
    int64_t limit, offset;
} DueQuery;
/* Products whose certificate (a recognition of 3★ or more in force on date) expires within
** 180 days: items (a new array, in q's order) with the certificate, days left, phase
** ("window" or "warning") and the re-evaluation dossier filed, if any; and the total. */
int lifecycle_due(Db *db, const DueQuery *q, json_t **items, int64_t *total, Err *e);

#endif
