/*
** cli_cert.c: `ocop cert verify|sample` and `ocop key generate|list|export|retire`, the
** certificates and their signing keys on the command line (cert.h). Secret keys live in
** "keys" beside the --db file. Exit status: 0 success, 1 an invalid certificate or a failure,
** 2 a usage error.
*/
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cert.h"
#include "cli.h"
#include "rubric.h"
#include "util.h"

enum { MAX_CERT_BYTES = 16 << 20 };

/* ---- key ------------------------------------------------------------------------------------ */

static int key_generate(Opts *o, Db *db, const char *keys_dir) {
    Err e = ERR_INIT;
    Actor who = actor_cli();
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    if (cert_key_generate(db, &who, keys_dir, o->args[1], pk, &e)) return cli_fail("%s", cli_err(&e));
    char hex[crypto_sign_PUBLICKEYBYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, pk, sizeof pk);
    if (o->quiet) return 0;
    printf("key %s: public key %s\n", o->args[1], hex);
    printf("secret key in %s/%s.key (mode 0600): keep a copy offline; 'ocop key export %s' prints the public key\n",
           keys_dir, o->args[1], o->args[1]);
    return 0;
}

static int key_list(Opts *o, Db *db) {
    json_t *keys = cert_key_list(db);
    if (o->format && strcmp(o->format, "json") == 0) {
        char *s = json_dumps(keys, JSON_INDENT(2));
        puts(s);
        free(s);
    } else {
        size_t i;
        json_t *k;
        if (!json_array_size(keys) && !o->quiet) printf("no signing keys; make one with 'ocop key generate PROVINCE'\n");
        json_array_foreach(keys, i, k) {
            const char *retired = json_string_value(json_object_get(k, "retired_at"));
            printf("%-10s %s  created %.10s%s%s\n", json_string_value(json_object_get(k, "key_id")),
                   json_string_value(json_object_get(k, "public_key")),
                   json_string_value(json_object_get(k, "created_at")), retired ? ", retired " : "", retired ? retired : "");
        }
    }
    json_decref(keys);
    return 0;
}

int cmd_key(Opts *o) {
    const char *sub = o->args[0];
    bool list = strcmp(sub, "list") == 0;
    bool one = strcmp(sub, "generate") == 0 || strcmp(sub, "export") == 0 || strcmp(sub, "retire") == 0;
    if (!list && !one) return cli_fail("unknown subcommand '%s': generate, list, export or retire", sub), 2;
    if (list != (o->nargs == 1)) return cli_fail("usage: ocop key %s%s", sub, list ? "" : " KEY_ID"), 2;
    Db *db = cli_open_db(o, strcmp(sub, "generate") == 0);
    if (!db) return 1;
    char keys_dir[4096];
    cert_keys_dir(o->db, keys_dir, sizeof keys_dir);
    int rc;
    Err e = ERR_INIT;
    if (strcmp(sub, "generate") == 0) rc = key_generate(o, db, keys_dir);
    else if (list) rc = key_list(o, db);
    else if (strcmp(sub, "retire") == 0) {
        Actor who = actor_cli();
        rc = cert_key_retire(db, &who, o->args[1], &e) ? cli_fail("%s", cli_err(&e)) : 0;
        if (!rc && !o->quiet) printf("key %s retired: it signs nothing more; its certificates still verify\n", o->args[1]);
    } else {
        unsigned char pk[crypto_sign_PUBLICKEYBYTES];
        rc = cert_key_public(db, o->args[1], pk, NULL, &e);
        if (rc) rc = cli_fail("%s", cli_err(&e));
        else {
            char hex[crypto_sign_PUBLICKEYBYTES * 2 + 1];
            sodium_bin2hex(hex, sizeof hex, pk, sizeof pk);
            puts(hex);
        }
    }
    db_close(db);
    return rc;
}

/* ---- cert verify -------------------------------------------------------------------------- */

static size_t fetch_write(char *data, size_t size, size_t nmemb, void *arg) {
    Buf *b = arg;
    if (b->n + size * nmemb > MAX_CERT_BYTES) return 0; /* aborts the transfer */
    buf_append(b, data, size * nmemb);
    return size * nmemb;
}

/* GET url (http or https, following up to 5 redirects); the body (malloc'd) or NULL after a
** message. */
static char *fetch(const char *url, size_t *n) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *h = curl_easy_init();
    Buf b = BUF_INIT;
    char errbuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "ocop/" OCOP_VERSION);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, fetch_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(h);
    curl_global_cleanup();
    if (rc == CURLE_WRITE_ERROR) cli_fail("%s: larger than %d MiB", url, MAX_CERT_BYTES >> 20);
    else if (rc != CURLE_OK) cli_fail("%s: %s", url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
    else if (status >= 400) cli_fail("%s: the server answered HTTP %ld", url, status);
    else {
        *n = b.n;
        return b.n ? buf_take(&b) : xstrdup("");
    }
    buf_free(&b);
    return NULL;
}

static char *read_whole(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        cli_fail("%s: %s", path, strerror(errno));
        return NULL;
    }
    Buf b = BUF_INIT;
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0 && b.n <= MAX_CERT_BYTES) buf_append(&b, chunk, got);
    bool err = ferror(f);
    fclose(f);
    if (err || b.n > MAX_CERT_BYTES) {
        buf_free(&b);
        cli_fail("%s: %s", path, err ? "read error" : "larger than 16 MiB");
        return NULL;
    }
    *n = b.n;
    return b.n ? buf_take(&b) : xstrdup("");
}

/* The public key: --key HEX, or the payload's key_id looked up in the database. */
static int verify_key(Opts *o, const CertSigned *s, unsigned char pk[crypto_sign_PUBLICKEYBYTES], char retired[11]) {
    retired[0] = 0;
    if (o->key) {
        size_t len;
        if (sodium_hex2bin(pk, crypto_sign_PUBLICKEYBYTES, o->key, strlen(o->key), NULL, &len, NULL) ||
            len != crypto_sign_PUBLICKEYBYTES || strlen(o->key) != 2 * crypto_sign_PUBLICKEYBYTES)
            return cli_fail("--key must be a public key of 64 hex digits, as 'ocop key export' prints it"), 2;
        return 0;
    }
    if (access(o->db, F_OK) != 0)
        return cli_fail("no database at %s to look up key %s: give the authority's public key with --key HEX "
                        "('ocop key export %s' prints it), or the database that holds it with --db PATH",
                        o->db, s->c.key_id, s->c.key_id);
    Db *db = cli_open_db(o, false);
    if (!db) return 1;
    Err e = ERR_INIT;
    int rc = cert_key_public(db, s->c.key_id, pk, retired, &e);
    db_close(db);
    if (rc) return cli_fail("%s (give the authority's public key with --key HEX)", cli_err(&e));
    return 0;
}

static int cert_verify_cmd(Opts *o) {
    const char *src = o->args[1];
    bool url = str_has_prefix(src, "http://") || str_has_prefix(src, "https://");
    size_t n = 0;
    char *data = url ? fetch(src, &n) : read_whole(src, &n);
    if (!data) return 1;
    CertSigned s;
    Err e = ERR_INIT;
    int rc = cert_read(data, n, &s, &e);
    if (rc) {
        free(data);
        return cli_fail("%s: %s", src, cli_err(&e));
    }
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    char retired[11];
    bool pdf = cert_is_pdf(data, n);
    rc = verify_key(o, &s, pk, retired);
    /* The fields, then (a PDF) the page that shows them: a genuine signature string pasted into
    ** another PDF fails here. */
    if (!rc && (cert_check(&s, pk, &e) || (pdf && cert_check_page(data, n, pk, &e))))
        rc = cli_fail("%s: %s", src, cli_err(&e));
    free(data);
    if (!rc && o->format && strcmp(o->format, "json") == 0) {
        json_t *j = cert_signed_json(&s);
        json_object_set_new(j, "valid", json_true());
        char *out = json_dumps(j, JSON_INDENT(2));
        puts(out);
        free(out);
        json_decref(j);
    } else if (!rc && !o->quiet) {
        printf("valid: certificate %s for %s, %d stars, issued %s, expires %s, signed by %s\n", s.c.cert_no,
               s.c.product_name, s.c.stars, s.c.issued_on, s.c.expires_on, s.c.key_id);
        if (retired[0]) printf("note: the key %s was retired on %s\n", s.c.key_id, retired);
        if (pdf) printf("the PDF is exactly the one issued: its page shows what was signed\n");
        else printf("not a PDF: only the fields above are signed; compare them with what the page says\n");
        printf("the signature shows what was issued; whether it is still in force (not expired, revoked or\n"
               "superseded) is shown at %s\n", s.c.verify_url);
    }
    cert_signed_free(&s);
    return rc;
}

/* ---- cert sample -------------------------------------------------------------------------- */

static int cert_sample_cmd(Opts *o) {
    Db *db = cli_open_db(o, true);
    if (!db) return 1;
    char keys_dir[4096], key_id[32];
    cert_keys_dir(o->db, keys_dir, sizeof keys_dir);
    Err e = ERR_INIT;
    int rc = 0;
    if (cert_key_current(db, "86", key_id, &e)) {
        /* None in use: the first free id of 86, 86-2, 86-3, ... */
        err_clear(&e);
        unsigned char pk[crypto_sign_PUBLICKEYBYTES];
        for (int i = 1; i < 100; i++) {
            if (i == 1) snprintf(key_id, sizeof key_id, "86");
            else snprintf(key_id, sizeof key_id, "86-%d", i);
            if (cert_key_public(db, key_id, pk, NULL, &e)) break;
        }
        err_clear(&e);
        Actor who = actor_cli();
        rc = cert_key_generate(db, &who, keys_dir, key_id, NULL, &e);
        if (!rc && !o->quiet) fprintf(stderr, "made signing key %s (secret key in %s/%s.key)\n", key_id, keys_dir, key_id);
    }
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    if (!rc) rc = cert_key_signing(db, keys_dir, key_id, sk, &e);
    db_close(db);
    if (rc) return cli_fail("%s", cli_err(&e));

    char today[11], until[11], url[256];
    date_today(today);
    date_add_months(today, (int)rubric_rule_num(rubric_current(), "certificate_valid_months"), until);
    char cert_no[40];
    snprintf(cert_no, sizeof cert_no, "86-OCOP-%.4s-0001", today);
    snprintf(url, sizeof url, "https://ocop.example.vn/xac-minh/%s", cert_no);
    CertData c = {
        .cert_no = cert_no,
        .product_name = "Kẹo dừa sầu riêng Thanh Long",
        .product_code = "86-28903-001-2021",
        .producer_name = "Hợp tác xã Kẹo dừa Thanh Long",
        .producer_address = "Ấp 2, xã Mỏ Cày, tỉnh Vĩnh Long",
        .set_name = "Chế biến từ rau, củ, quả, hạt",
        .stars = 4,
        .level = "province",
        .issuer = "Ủy ban nhân dân tỉnh Vĩnh Long",
        .decision_no = "1234/QĐ-UBND",
        .decision_date = today,
        .issued_on = today,
        .expires_on = until,
        .signer_name = "Nguyễn Văn Mẫu",
        .signer_title = "KT. CHỦ TỊCH/PHÓ CHỦ TỊCH",
        .place = "Vĩnh Long",
        .verify_url = url,
        .key_id = key_id,
    };
    char *pdf;
    size_t n;
    rc = cert_pdf(&c, sk, &pdf, &n, &e);
    sodium_memzero(sk, sizeof sk);
    if (rc) return cli_fail("%s", cli_err(&e));
    FILE *f = fopen(o->args[1], "wb");
    if (!f) {
        free(pdf);
        return cli_fail("%s: %s", o->args[1], strerror(errno));
    }
    size_t w = fwrite(pdf, 1, n, f);
    free(pdf);
    if (fclose(f) || w != n) return cli_fail("writing %s failed", o->args[1]);
    if (!o->quiet) printf("wrote %s: certificate %s signed with key %s\n", o->args[1], cert_no, key_id);
    return 0;
}

int cmd_cert(Opts *o) {
    if (strcmp(o->args[0], "verify") == 0) return cert_verify_cmd(o);
    if (strcmp(o->args[0], "sample") == 0) return cert_sample_cmd(o);
    return cli_fail("unknown subcommand '%s': verify or sample", o->args[0]), 2;
}
