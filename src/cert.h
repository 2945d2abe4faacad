/*
** cert.h: the certificate of OCOP recognition (Giấy chứng nhận sản phẩm OCOP) as a signed PDF,
** and the Ed25519 keys of the authorities that issue it.
**
** A recognition decision (dossier workflow, later) fills a CertData and calls cert_pdf with the
** secret key of its authority (cert_key_signing). The PDF is A4 landscape, drawn with cairo and
** pango in the Noto fonts so Vietnamese text is real, searchable text; it carries a QR code of
** the public verification page and an Ed25519 signature over a canonical text of the
** certificate's fields (the payload, below). `ocop cert verify` (cli_cert.c) checks a PDF or a
** verification page offline against the authority's public key.
**
** What the signatures prove: that the authority holding key key_id issued a certificate with
** exactly the payload's fields, and (the page signature, below) that a PDF is byte for byte the
** one it issued, so its visible page is what ocop drew from those fields. Not the live state
** (revoked, superseded, expired): the verification page answers that.
**
** ---- the signed payload (version 1) ----------------------------------------------------------
** UTF-8 text in NFC: the line "ocop-cert-v1", then one "name=value" line per field, in this
** order, each ending in "\n" (LF), nothing else:
**     cert_no product_code product_name producer_name stars level issuer decision_no
**     decision_date issued_on expires_on key_id verify_url
** stars is "3", "4" or "5"; level "province" or "ministry"; dates YYYY-MM-DD. Values are one
** line each (no control characters) and may contain '='; the name ends at the first '='.
** The signature is crypto_sign_detached (Ed25519, 64 bytes) over exactly these bytes.
**
** ---- where the signature lives ---------------------------------------------------------------
** The "signature string" is the ASCII text
**     "ocop-cert-v1 " BASE64(payload) " " BASE64(signature)
** (standard base64 alphabet with '=' padding: sodium_base64_VARIANT_ORIGINAL). The PDF carries it
** as its Keywords (document information dictionary), which cairo writes as a literal ASCII string,
** so a verifier finds it by searching the file's bytes; no PDF library needed. The verification
** page may carry it too (e.g. a <meta> element): cert_read finds it in any bytes.
**
** ---- the page ---------------------------------------------------------------------------------
** The signature string proves the fields, not the drawing: a genuine string pasted into another
** PDF would still verify. So a PDF made by cert_pdf carries a second signature, by the same key,
** over the whole file: its Keywords are "<signature string> ocop-pdf-v1 <base64 signature>", and
** that signature is made over the file's bytes with its own 88 base64 characters replaced by the
** base64 of 64 zero bytes ("AAAA...AA=="). A verifier puts the zeros back and checks; any change
** to the file breaks it. A PDF without it, or whose page signature does not match, is refused.
*/
#ifndef OCOP_CERT_H
#define OCOP_CERT_H

#include <jansson.h>
#include <sodium.h>
#include <stdbool.h>
#include <stddef.h>

#include "auth.h"
#include "db.h"
#include "err.h"

#define CERT_MAGIC "ocop-cert-v1"

/* One certificate. The strings belong to the caller (cert_read: to the CertSigned). All are
** one-line UTF-8; NULL counts as missing. Fields marked (signed) go into the payload. */
typedef struct CertData {
    const char *cert_no;          /* (signed) certificate number, e.g. "86-2026-0001" */
    const char *product_name;     /* (signed) "Kẹo dừa sầu riêng Thanh Long" */
    const char *product_code;     /* (signed) (T)-(X)-(STT)-(Năm), e.g. "86-28903-001-2026" */
    const char *producer_name;    /* (signed) "Hợp tác xã Kẹo dừa Thanh Long" */
    const char *producer_address; /* printed only; may be NULL */
    const char *set_name;         /* product set (bộ sản phẩm), printed only; may be NULL */
    int stars;                    /* (signed) 3, 4 or 5 */
    const char *level;            /* (signed) "province" (3★, 4★) or "ministry" (5★) */
    const char *issuer;           /* (signed) "Ủy ban nhân dân tỉnh Vĩnh Long" */
    const char *decision_no;      /* (signed) "1234/QĐ-UBND" */
    const char *decision_date;    /* (signed) YYYY-MM-DD */
    const char *issued_on;        /* (signed) YYYY-MM-DD */
    const char *expires_on;       /* (signed) YYYY-MM-DD, issued_on + 36 months */
    const char *signer_name;      /* printed only: "Nguyễn Văn A" */
    const char *signer_title;     /* printed only: "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" ('/' breaks lines) */
    const char *place;            /* printed only: where it is issued, before the date ("Vĩnh Long") */
    const char *verify_url;       /* (signed) what the QR code encodes: the public verification page */
    const char *key_id;           /* (signed) the signing key: authority ("86", "bo"), optionally
                                  ** "-LABEL" after a rotation ("86-2027") */
} CertData;

/* May a certificate carry url (its QR code and its signature)? Only an http(s) address of a
** host others can reach: not NULL, not localhost, 127.0.0.0/8, ::1 or 0.0.0.0. */
bool cert_url_public(const char *url);

/* Check c: every signed field present, one line, valid UTF-8; dates valid; stars 3..5; the
** level that recognises those stars; expires_on = issued_on + 36 months; key_id of the right
** authority. 0, or -1 with e (422, field named). */
int cert_validate(const CertData *c, Err *e);

/* The canonical payload of c (see above), NUL-terminated, into *out (malloc'd; the caller
** frees) and its length into *n. c must have passed cert_validate; -1 with e otherwise. */
int cert_payload(const CertData *c, char **out, size_t *n, Err *e);

/* The signature string of c signed with sk into *out (malloc'd; the caller frees). -1 with e
** when c is invalid. For the verification page; cert_pdf embeds the same string. */
int cert_signature_string(const CertData *c, const unsigned char sk[crypto_sign_SECRETKEYBYTES], char **out,
                          Err *e);

/* Render c as a signed PDF: *out (malloc'd; the caller frees) of *n bytes. The same input
** gives the same bytes (creation date fixed to issued_on). -1 with e (422 for invalid data, 500
** when rendering fails). */
int cert_pdf(const CertData *c, const unsigned char sk[crypto_sign_SECRETKEYBYTES], char **out, size_t *n, Err *e);

/* A signature string found in a file, decoded and parsed, not yet checked. */
typedef struct CertSigned {
    CertData c;           /* the payload's fields (printed-only fields NULL); strings point into payload */
    char *payload;        /* the decoded payload, NUL-terminated (owned) */
    size_t payload_n;
    unsigned char sig[crypto_sign_BYTES];
    char fingerprint[24]; /* cert_fingerprint of sig */
    char *fields;         /* storage of c's strings (owned) */
} CertSigned;

/* Find and parse the signature string in data[0..n) (a certificate PDF, a verification page).
** 0 with *s filled (free with cert_signed_free); -1 with e: 422 "not an ocop certificate" when
** there is none, 422 "malformed" when it is broken or the payload is not canonical, 422 when
** the data holds two different ones. */
int cert_read(const char *data, size_t n, CertSigned *s, Err *e);
/* Check s's signature against pk: 0, or -1 with e (422 "signature does not match"). */
int cert_check(const CertSigned *s, const unsigned char pk[crypto_sign_PUBLICKEYBYTES], Err *e);
/* Is data a PDF (it starts with "%PDF-")? */
bool cert_is_pdf(const char *data, size_t n);
/* Check the page signature of the PDF data[0..n) (see "the page" above) against pk: 0, or -1
** with e (422) when the PDF has none or it does not match: the page was altered. */
int cert_check_page(const char *data, size_t n, const unsigned char pk[crypto_sign_PUBLICKEYBYTES], Err *e);
/* cert_read + cert_check, and for a PDF cert_check_page. */
int cert_verify_pdf(const char *data, size_t n, const unsigned char pk[crypto_sign_PUBLICKEYBYTES], CertSigned *s,
                    Err *e);
void cert_signed_free(CertSigned *s);
/* The payload's fields as a JSON object (stars as an integer). Caller owns the reference. */
json_t *cert_signed_json(const CertSigned *s);

/* The short fingerprint printed on the certificate: the first 8 bytes of SHA-256(sig) as
** "XXXX-XXXX-XXXX-XXXX" (upper-case hex) into out[24]. */
void cert_fingerprint(const unsigned char sig[crypto_sign_BYTES], char out[24]);

/* ---- signing keys --------------------------------------------------------------------------
** One Ed25519 key pair per issuing authority. The public key is in the table signing_keys
** (hex); the secret key never enters the database: it is the file KEYS_DIR/<key_id>.key (mode
** 0600, KEYS_DIR mode 0700), holding a comment line and the 32-byte seed in hex. KEYS_DIR is
** "keys" in the data directory (the directory of the database file). */

/* True if key_id is well formed: "bo" or a province code (two digits), optionally followed
** by '-' and 1 to 12 of [a-z0-9]. Whether the province exists is checked by cert_key_generate. */
bool cert_key_id_valid(const char *key_id);

/* The keys directory beside the database at db_path ("<dir>/keys") into out. */
void cert_keys_dir(const char *db_path, char *out, size_t n);

/* Make the key pair key_id: the secret key file (refused, 409, when it or the database row
** already exists), the row, and an audit entry (create signing_keys) in one transaction; pk (if
** not NULL) receives the public key. Only the system (ocop key) and administrators make keys: 403 for anyone
** else. The caller holds no transaction. */
int cert_key_generate(Db *db, const Actor *who, const char *keys_dir, const char *key_id,
                      unsigned char pk[crypto_sign_PUBLICKEYBYTES], Err *e);

/* Read the secret key of key_id from keys_dir into sk (libsodium's 64-byte form). 404 when
** there is no file, 500 when it cannot be read or is malformed. */
int cert_key_load_secret(const char *keys_dir, const char *key_id, unsigned char sk[crypto_sign_SECRETKEYBYTES],
                         Err *e);

/* The secret key of keys_dir/NAME.key (same file format, for keys that sign something other than
** certificates: "audit" signs the audit trail's checkpoints), made (mode 0600) when missing and
** create. 404 when missing and !create. */
int cert_key_file(const char *keys_dir, const char *name, bool create, unsigned char sk[crypto_sign_SECRETKEYBYTES],
                  Err *e);

/* The registered public key of key_id into pk; 404 when there is none. retired_on (may be NULL)
** receives the retirement date ("" while in use; 11 bytes). */
int cert_key_public(Db *db, const char *key_id, unsigned char pk[crypto_sign_PUBLICKEYBYTES], char *retired_on,
                    Err *e);

/* What a signer calls: the secret key of key_id, checked against the registered public key and
** refused (409) when the key was retired. */
int cert_key_signing(Db *db, const char *keys_dir, const char *key_id, unsigned char sk[crypto_sign_SECRETKEYBYTES],
                     Err *e);

/* The key currently in use for authority ("86", "bo"): the newest unretired key whose id is the
** authority or starts with "authority-", into key_id[32]. 404 when it has none. */
int cert_key_current(Db *db, const char *authority, char key_id[32], Err *e);

/* Retire key_id as of today: it signs nothing more; certificates it signed still verify. 404 /
** 409 when already retired; audited (update signing_keys). Only the system and administrators: 403 for anyone else. */
int cert_key_retire(Db *db, const Actor *who, const char *key_id, Err *e);

/* Every key as a JSON array of {key_id, public_key, created_at, retired_at}, by key_id. */
json_t *cert_key_list(Db *db);

#endif
