/*
** test_cert.c: certificates of OCOP recognition and their signing keys against a real SQLite
** file: the documented payload and a known-answer signature, the validation rules, the PDF
** read back with pdftotext (Vietnamese intact) and its QR code decoded with zbarimg, the
** signature checked, tampered with and checked against another authority's key, input that is
** no certificate at all, key generation, loading, rotation and retirement, and the real
** binary's `ocop cert verify` on a file, a tampered file and a URL, `ocop key` and `ocop cert
** sample`.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit.h"
#include "buf.h"
#include "cert.h"
#include "cli.h"
#include "db.h"
#include "migrate.h"
#include "run_ocop.h"
#include "util.h"

/* The signature of the documented payload with the seed 00 01 ... 1f (docs/certificates.md). */
#define KAT_SIGNATURE "6TscpVlp3hrQ5TLbn2ijGb5s7JIBIKg3gA6ubODjdy0tXdrVRPEBzBMBAUcHB1MNTIvanE7P9wxMLIkTmYjIDQ=="


typedef struct Fixture {
    char dir[64];
    char path[96];
    char keys[96];
    Db *db;
    unsigned char pk_bo[crypto_sign_PUBLICKEYBYTES], pk_91[crypto_sign_PUBLICKEYBYTES];
} Fixture;

static int setup(void **state) {
    Fixture *f = xcalloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/ocop-test-cert-XXXXXX");
    if (!mkdtemp(f->dir)) return -1;
    snprintf(f->path, sizeof f->path, "%s/ocop.db", f->dir);
    cert_keys_dir(f->path, f->keys, sizeof f->keys);
    Err e = ERR_INIT;
    f->db = db_create(f->path, &e);
    Actor who = actor_system("cli:test");
    if (!f->db || migrate_run(f->db, 0, &e) < 0 || cert_key_generate(f->db, &who, f->keys, "bo", f->pk_bo, &e) ||
        cert_key_generate(f->db, &who, f->keys, "91", f->pk_91, &e)) {
        fprintf(stderr, "%s\n", e.detail);
        return -1;
    }
    *state = f;
    return 0;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st, (void)flag, (void)ftw;
    return remove(p);
}

static int teardown(void **state) {
    Fixture *f = *state;
    if (f->db) db_close(f->db);
    nftw(f->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

/* A 5-star certificate of the Ministry, diacritics everywhere. */
static CertData sample(void) {
    return (CertData){
        .cert_no = "BO-OCOP-2026-0042",
        .product_name = "Nước mắm Phú Quốc Ông Đụng",
        .product_code = "91-30733-002-2026",
        .producer_name = "Hợp tác xã Đặc sản Ơ Rê",
        .producer_address = "Khu phố 7, đặc khu Phú Quốc, tỉnh An Giang",
        .set_name = "Tương, nước mắm, gia vị dạng lỏng khác",
        .stars = 5,
        .level = "ministry",
        .issuer = "Bộ Nông nghiệp và Môi trường",
        .decision_no = "2345/QĐ-BNNMT",
        .decision_date = "2026-06-29",
        .issued_on = "2026-07-01",
        .expires_on = "2029-07-01",
        .signer_name = "Trần Thị Ửng",
        .signer_title = "KT. BỘ TRƯỞNG/THỨ TRƯỞNG",
        .verify_url = "https://ocop.example.vn/xac-minh/BO-OCOP-2026-0042",
        .key_id = "bo",
    };
}

static void secret(Fixture *f, const char *key_id, unsigned char sk[crypto_sign_SECRETKEYBYTES]) {
    Err e = ERR_INIT;
    if (cert_key_signing(f->db, f->keys, key_id, sk, &e)) fail_msg("%s", e.detail);
}

static char *render(Fixture *f, const CertData *c, size_t *n) {
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    secret(f, c->key_id, sk);
    char *pdf = NULL;
    Err e = ERR_INIT;
    if (cert_pdf(c, sk, &pdf, n, &e)) fail_msg("cert_pdf: %s", e.detail);
    return pdf;
}

/* The whole file (malloc'd) and its size. */
static char *slurp(const char *path, size_t *n) {
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    Buf b = BUF_INIT;
    char chunk[65536];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, fp)) > 0) buf_append(&b, chunk, k);
    fclose(fp);
    *n = b.n;
    return b.n ? buf_take(&b) : xstrdup("");
}

static void write_file(const char *path, const char *data, size_t n) {
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, n, fp), n);
    assert_int_equal(fclose(fp), 0);
}

/* The standard output of a shell command (paths are our own temporary ones). */
static void run_capture(const char *cmd, Buf *out) {
    buf_reset(out);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char chunk[4096];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, p)) > 0) buf_append(out, chunk, k);
    int st = pclose(p);
    if (st != 0) fail_msg("'%s' exited with status %d", cmd, st);
}

static void assert_contains(const char *hay, const char *part) {
    if (!strstr(hay, part)) fail_msg("'%s' lacks '%s'", hay, part);
}

static void expect_err(int rc, Err *e, int status, const char *field, const char *part) {
    assert_int_equal(rc, -1);
    assert_int_equal(e->status, status);
    if (field) assert_string_equal(e->field, field);
    assert_contains(e->detail, part);
    err_clear(e);
}

/* ---- payload and validation ----------------------------------------------------------------- */

/* The payload of docs/certificates.md, written out by hand, and its known-answer signature
** with the seed 00 01 02 ... 1f. */
static void test_payload_known_answer(void **state) {
    (void)state;
    CertData c = sample();
    char *p;
    size_t n;
    Err e = ERR_INIT;
    assert_int_equal(cert_payload(&c, &p, &n, &e), 0);
    const char *want = "ocop-cert-v1\n"
                       "cert_no=BO-OCOP-2026-0042\n"
                       "product_code=91-30733-002-2026\n"
                       "product_name=Nước mắm Phú Quốc Ông Đụng\n"
                       "producer_name=Hợp tác xã Đặc sản Ơ Rê\n"
                       "stars=5\n"
                       "level=ministry\n"
                       "issuer=Bộ Nông nghiệp và Môi trường\n"
                       "decision_no=2345/QĐ-BNNMT\n"
                       "decision_date=2026-06-29\n"
                       "issued_on=2026-07-01\n"
                       "expires_on=2029-07-01\n"
                       "key_id=bo\n"
                       "verify_url=https://ocop.example.vn/xac-minh/BO-OCOP-2026-0042\n";
    assert_string_equal(p, want);
    assert_int_equal(n, strlen(want));
    free(p);

    unsigned char seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    for (int i = 0; i < (int)sizeof seed; i++) seed[i] = (unsigned char)i;
    crypto_sign_seed_keypair(pk, sk, seed);
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, pk, sizeof pk);
    assert_string_equal(hex, "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8");
    char *sig;
    assert_int_equal(cert_signature_string(&c, sk, &sig, &e), 0);
    const char *sp = strrchr(sig, ' ');
    assert_non_null(sp);
    assert_string_equal(sp + 1, KAT_SIGNATURE);
    /* The string parses back to the same fields. */
    CertSigned s;
    assert_int_equal(cert_verify_pdf(sig, strlen(sig), pk, &s, &e), 0);
    assert_string_equal(s.c.product_name, c.product_name);
    assert_string_equal(s.c.verify_url, c.verify_url);
    assert_int_equal(s.c.stars, 5);
    assert_null(s.c.signer_name);
    char fp[24];
    cert_fingerprint(s.sig, fp);
    assert_string_equal(fp, s.fingerprint);
    assert_int_equal(strlen(fp), 19);
    json_t *j = cert_signed_json(&s);
    assert_string_equal(json_string_value(json_object_get(j, "producer_name")), "Hợp tác xã Đặc sản Ơ Rê");
    assert_int_equal(json_integer_value(json_object_get(j, "stars")), 5);
    json_decref(j);
    cert_signed_free(&s);
    free(sig);
}

/* Set the field name of c to v ("stars" parses v). */
static void set_field(CertData *c, const char *name, const char *v) {
    static const struct {
        const char *name;
        size_t off;
    } fields[] = {
        {"cert_no", offsetof(CertData, cert_no)},           {"product_name", offsetof(CertData, product_name)},
        {"level", offsetof(CertData, level)},               {"decision_date", offsetof(CertData, decision_date)},
        {"issued_on", offsetof(CertData, issued_on)},       {"expires_on", offsetof(CertData, expires_on)},
        {"verify_url", offsetof(CertData, verify_url)},     {"key_id", offsetof(CertData, key_id)},
    };
    if (strcmp(name, "stars") == 0) {
        c->stars = atoi(v);
        return;
    }
    for (size_t i = 0; i < COUNT(fields); i++)
        if (strcmp(fields[i].name, name) == 0) {
            *(const char **)((char *)c + fields[i].off) = v;
            return;
        }
    fail_msg("no field %s", name);
}

static void test_validate(void **state) {
    (void)state;
    Err e = ERR_INIT;
    CertData c = sample();
    assert_int_equal(cert_validate(&c, &e), 0);
    /* Each case changes the sample in up to three fields; NULL field: valid. */
    static const struct {
        const char *set[3][2];
        const char *field, *msg;
    } cases[] = {
        {{{"stars", "2"}}, "stars", "only products of 3 to 5 stars"},
        {{{"level", "province"}}, "level", "a 5-star product is recognised at level ministry"},
        {{{"key_id", "91"}}, "key_id", "does not belong to the Ministry"},
        {{{"stars", "4"}, {"level", "province"}}, "key_id", "does not belong to the province"},
        {{{"stars", "4"}, {"level", "province"}, {"key_id", "91-2027"}}, NULL, NULL},
        {{{"expires_on", "2029-06-30"}}, "expires_on", "expires_on must be 2029-07-01: 36 months"},
        {{{"issued_on", "2026-06-01"}, {"expires_on", "2029-06-01"}}, "issued_on", "before the decision"},
        {{{"decision_date", "2026-02-30"}}, "decision_date", "YYYY-MM-DD"},
        {{{"product_name", "Nước mắm\nPhú Quốc"}}, "product_name", "one line"},
        {{{"product_name", "Nu\xcc\x9b\xcc\x81o\xcc\x9b\xcc\x81" "c"}}, "product_name", "NFC"}, /* decomposed */
        {{{"product_name", "N\xff"}}, "product_name", "UTF-8"},
        {{{"product_name", ""}}, "product_name", "required"},
        {{{"cert_no", NULL}}, "cert_no", "required"},
        {{{"verify_url", "ftp://x"}}, "verify_url", "http(s)"},
        {{{"verify_url", "https://ocop.example.vn/xác minh"}}, "verify_url", "ASCII"},
        {{{"key_id", "bo/../x"}}, "key_id", "province code or 'bo'"},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        c = sample();
        for (int k = 0; k < 3 && cases[i].set[k][0]; k++) set_field(&c, cases[i].set[k][0], cases[i].set[k][1]);
        if (!cases[i].field) assert_int_equal(cert_validate(&c, &e), 0);
        else expect_err(cert_validate(&c, &e), &e, 422, cases[i].field, cases[i].msg);
    }
    /* A printed-only field obeys the one-line rule too. */
    c = sample();
    c.producer_address = "a\tb";
    unsigned char sk[crypto_sign_SECRETKEYBYTES], pk[crypto_sign_PUBLICKEYBYTES];
    crypto_sign_keypair(pk, sk);
    char *pdf;
    size_t n;
    expect_err(cert_pdf(&c, sk, &pdf, &n, &e), &e, 422, "producer_address", "one line");
    /* Key ids. */
    assert_true(cert_key_id_valid("86"));
    assert_true(cert_key_id_valid("bo"));
    assert_true(cert_key_id_valid("bo-2"));
    assert_true(cert_key_id_valid("86-2027abc"));
    assert_false(cert_key_id_valid("8"));
    assert_false(cert_key_id_valid("866"));
    assert_false(cert_key_id_valid("86-"));
    assert_false(cert_key_id_valid("86-ABC"));
    assert_false(cert_key_id_valid("86-1234567890123"));
    assert_false(cert_key_id_valid("../86"));
    assert_false(cert_key_id_valid(NULL));
}

/* ---- the PDF -------------------------------------------------------------------------------- */

static void test_pdf_text(void **state) {
    Fixture *f = *state;
    CertData c = sample();
    size_t n, n2;
    char *pdf = render(f, &c, &n);
    assert_true(n > 1000);
    assert_memory_equal(pdf, "%PDF-1.5", 8);
    /* Deterministic: the same certificate gives the same bytes. */
    char *again = render(f, &c, &n2);
    assert_int_equal(n, n2);
    assert_memory_equal(pdf, again, n);
    free(again);
    /* The signature string is a literal ASCII string in the file, exactly once. */
    const char *hit = memmem(pdf, n, "/Keywords (ocop-cert-v1 ", 24);
    assert_non_null(hit);
    assert_null(memmem(hit + 24, n - (size_t)(hit + 24 - pdf), "ocop-cert-v1", 12));

    char file[128];
    snprintf(file, sizeof file, "%s/cert.pdf", f->dir);
    write_file(file, pdf, n);
    free(pdf);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "pdftotext -layout -enc UTF-8 '%s' -", file);
    Buf text = BUF_INIT;
    run_capture(cmd, &text);
    const char *want[] = {
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
        "Số: BO-OCOP-2026-0042",
        "GIẤY CHỨNG NHẬN SẢN PHẨM OCOP",
        "Nước mắm Phú Quốc Ông Đụng",
        "Mã sản phẩm: 91-30733-002-2026",
        "Bộ sản phẩm: Tương, nước mắm, gia vị dạng lỏng khác",
        "Chủ thể: Hợp tác xã Đặc sản Ơ Rê",
        "Địa chỉ: Khu phố 7, đặc khu Phú Quốc, tỉnh An Giang",
        "★★★★★",
        "Đạt hạng 5 sao",
        "Theo Quyết định số 2345/QĐ-BNNMT ngày 29/06/2026 của Bộ Nông nghiệp và Môi trường",
        "Có giá trị đến hết ngày 30/06/2029", /* expires_on 2029-07-01 is the first day no longer valid */
        "ngày 01 tháng 07 năm 2026",
        "THỨ TRƯỞNG",
        "Trần Thị Ửng",
        "https://ocop.example.vn/xac-minh/BO-OCOP-2026-0042",
        "Số giấy chứng nhận: BO-OCOP-2026-0042, cấp ngày 01/07/2026",
        "Chữ ký số Ed25519, khóa bo, dấu vân tay ",
    };
    for (size_t i = 0; i < COUNT(want); i++) assert_contains(buf_str(&text), want[i]);
    assert_null(strstr(buf_str(&text), "★★★★★★"));
    /* The printed fingerprint is the one of the embedded signature. */
    size_t m;
    char *data = slurp(file, &m);
    CertSigned s;
    Err e = ERR_INIT;
    assert_int_equal(cert_verify_pdf(data, m, f->pk_bo, &s, &e), 0);
    char line[96];
    snprintf(line, sizeof line, "dấu vân tay %s", s.fingerprint);
    assert_contains(buf_str(&text), line);
    cert_signed_free(&s);
    free(data);

    /* The QR code decodes to the verification page. */
    snprintf(cmd, sizeof cmd, "pdftoppm -r 150 -png -singlefile '%s' '%s/page' && zbarimg -q --raw '%s/page.png' 2>/dev/null",
             file, f->dir, f->dir);
    run_capture(cmd, &text);
    assert_string_equal(buf_str(&text), "https://ocop.example.vn/xac-minh/BO-OCOP-2026-0042\n");
    buf_free(&text);
}

/* ---- verification --------------------------------------------------------------------------- */

/* The base64 payload inside pdf: its offset and length. */
static void find_payload(const char *pdf, size_t n, size_t *at, size_t *len) {
    const char *hit = memmem(pdf, n, "ocop-cert-v1 ", 13);
    assert_non_null(hit);
    *at = (size_t)(hit - pdf) + 13;
    *len = strcspn(pdf + *at, " ");
}

/* Change "Phú Quốc" to "Phú Quộc" in the payload and put it back as valid base64 of the same
** length: a forger's edit that still parses. */
static void forge_payload(char *pdf, size_t n) {
    size_t at, len;
    find_payload(pdf, n, &at, &len);
    unsigned char bin[2048];
    size_t bl;
    assert_int_equal(sodium_base642bin(bin, sizeof bin, pdf + at, len, NULL, &bl, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
    bin[bl] = 0;
    char *q = strstr((char *)bin, "Phú Quốc");
    assert_non_null(q);
    memcpy(q, "Phú Quộc", strlen("Phú Quộc")); /* same byte length: ố and ộ are both 3 bytes */
    char b64[2800];
    sodium_bin2base64(b64, sizeof b64, bin, bl, sodium_base64_VARIANT_ORIGINAL);
    assert_int_equal(strlen(b64), len);
    memcpy(pdf + at, b64, len);
}

static void test_verify_and_tamper(void **state) {
    Fixture *f = *state;
    CertData c = sample();
    size_t n;
    char *pdf = render(f, &c, &n);
    Err e = ERR_INIT;
    CertSigned s;
    assert_int_equal(cert_verify_pdf(pdf, n, f->pk_bo, &s, &e), 0);
    assert_string_equal(s.c.cert_no, "BO-OCOP-2026-0042");
    assert_string_equal(s.c.producer_name, "Hợp tác xã Đặc sản Ơ Rê");
    assert_string_equal(s.c.expires_on, "2029-07-01");
    assert_string_equal(s.c.key_id, "bo");
    cert_signed_free(&s);

    /* Another authority's key. */
    expect_err(cert_verify_pdf(pdf, n, f->pk_91, &s, &e), &e, 422, NULL, "signature does not match");

    /* A forged field: parses, but the signature no longer matches. */
    char *forged = xmalloc(n);
    memcpy(forged, pdf, n);
    forge_payload(forged, n);
    assert_int_equal(cert_read(forged, n, &s, &e), 0);
    assert_string_equal(s.c.product_name, "Nước mắm Phú Quộc Ông Đụng");
    expect_err(cert_check(&s, f->pk_bo, &e), &e, 422, NULL,
               "signature does not match (the certificate was altered or signed by another key)");
    cert_signed_free(&s);
    free(forged);

    /* One base64 character of the payload or the signature flipped: never valid. */
    size_t at, len;
    find_payload(pdf, n, &at, &len);
    size_t where[] = {at + 5, at + len / 2, at + len - 3, at + len + 10};
    for (size_t i = 0; i < COUNT(where); i++) {
        char *t = xmalloc(n);
        memcpy(t, pdf, n);
        t[where[i]] = t[where[i]] == 'A' ? 'B' : 'A';
        assert_int_equal(cert_verify_pdf(t, n, f->pk_bo, &s, &e), -1);
        if (!strstr(e.detail, "signature does not match") && !strstr(e.detail, "malformed"))
            fail_msg("unexpected message: %s", e.detail);
        err_clear(&e);
        free(t);
    }
    free(pdf);
}

/* Where the Keywords of a PDF made by cert_pdf start ("ocop-cert-v1 ...") and their length (the
** signature string, " ocop-pdf-v1 " and the page signature). */
static void find_keywords(const char *pdf, size_t n, size_t *at, size_t *len) {
    const char *k = memmem(pdf, n, "ocop-cert-v1 ", 13);
    assert_non_null(k);
    const char *page = memmem(k, n - (size_t)(k - pdf), " ocop-pdf-v1 ", 13);
    assert_non_null(page);
    *at = (size_t)(k - pdf);
    *len = (size_t)(page + 13 + 88 - k);
}

/* A genuine signature string moved into another certificate's PDF: the page shows one
** certificate, the signature another. The fields verify; the page does not (issue 8, item 10). */
static void test_page_signature(void **state) {
    Fixture *f = *state;
    CertData a = sample(), b = sample();
    b.cert_no = "BO-OCOP-2026-0043";
    b.product_name = "Nước mắm Phú Quốc Ông Đức Thành";
    b.verify_url = "https://ocop.example.vn/xac-minh/BO-OCOP-2026-0043";
    size_t na, nb;
    char *pa = render(f, &a, &na), *pb = render(f, &b, &nb);
    Err e = ERR_INIT;
    CertSigned s;
    assert_true(cert_is_pdf(pa, na));
    assert_int_equal(cert_check_page(pa, na, f->pk_bo, &e), 0);
    assert_int_equal(cert_check_page(pb, nb, f->pk_bo, &e), 0);
    /* A's page with B's Keywords. */
    size_t at_a, len_a, at_b, len_b;
    find_keywords(pa, na, &at_a, &len_a);
    find_keywords(pb, nb, &at_b, &len_b);
    Buf forged = BUF_INIT;
    buf_append(&forged, pa, at_a);
    buf_append(&forged, pb + at_b, len_b);
    buf_append(&forged, pa + at_a + len_a, na - at_a - len_a);
    assert_int_equal(cert_read(forged.p, forged.n, &s, &e), 0);
    assert_string_equal(s.c.product_name, "Nước mắm Phú Quốc Ông Đức Thành");
    assert_int_equal(cert_check(&s, f->pk_bo, &e), 0); /* the fields are genuine... */
    cert_signed_free(&s);
    expect_err(cert_verify_pdf(forged.p, forged.n, f->pk_bo, &s, &e), &e, 422, NULL,
               "the page does not match its signature"); /* ...the page is not theirs */
    /* The signature string alone pasted into a PDF: no page signature at all. */
    char *sig;
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    secret(f, "bo", sk);
    assert_int_equal(cert_signature_string(&b, sk, &sig, &e), 0);
    Buf bare = BUF_INIT;
    buf_printf(&bare, "%%PDF-1.5\n1 0 obj << /Keywords (%s) >> endobj\n%%%%EOF\n", sig);
    expect_err(cert_verify_pdf(bare.p, bare.n, f->pk_bo, &s, &e), &e, 422, NULL, "the PDF's page is not signed");
    /* The same string in a web page (not a PDF) is the verification page's case: the fields. */
    assert_int_equal(cert_verify_pdf(bare.p + 1, bare.n - 1, f->pk_bo, &s, &e), 0);
    cert_signed_free(&s);
    /* One byte of the page changed, the Keywords intact. */
    pa[na / 3] ^= 1;
    expect_err(cert_check_page(pa, na, f->pk_bo, &e), &e, 422, NULL, "the page does not match its signature");
    buf_free(&forged);
    buf_free(&bare);
    free(sig);
    free(pa);
    free(pb);
}

/* Only an address others can reach goes into a certificate (issue 8, item 14). */
static void test_url_public(void **state) {
    (void)state;
    const char *yes[] = {"https://ocop.vinhlong.gov.vn", "http://203.0.113.7:8080/x", "https://[2001:db8::1]/",
                         "https://localhost.example.vn"};
    const char *no[] = {NULL, "", "ftp://ocop.vn", "http://127.0.0.1:8080", "http://127.1.2.3", "https://localhost",
                        "http://LOCALHOST:80/", "http://localhost./", "http://a.localhost", "http://0.0.0.0:8080",
                        "http://[::1]:8080", "http://[::]/", "https://", "http:///x"};
    for (size_t i = 0; i < COUNT(yes); i++)
        if (!cert_url_public(yes[i])) fail_msg("%s refused", yes[i]);
    for (size_t i = 0; i < COUNT(no); i++)
        if (cert_url_public(no[i])) fail_msg("%s accepted", no[i] ? no[i] : "NULL");
}

static void test_not_a_certificate(void **state) {
    Fixture *f = *state;
    Err e = ERR_INIT;
    CertSigned s;
    unsigned char junk[8192];
    randombytes_buf(junk, sizeof junk);
    expect_err(cert_verify_pdf((char *)junk, sizeof junk, f->pk_bo, &s, &e), &e, 422, NULL, "not an ocop certificate");
    expect_err(cert_verify_pdf("", 0, f->pk_bo, &s, &e), &e, 422, NULL, "not an ocop certificate");
    const char *pdf = "%PDF-1.5\n1 0 obj << /Keywords (ocop) >> endobj\n%%EOF\n";
    expect_err(cert_read(pdf, strlen(pdf), &s, &e), &e, 422, NULL, "not an ocop certificate");
    /* The marker at the very end, with nothing after it. */
    expect_err(cert_read("xx ocop-cert-v1 ", 16, &s, &e), &e, 422, NULL, "malformed");
    const char *cut = "(ocop-cert-v1 b2NvcC1jZXJ0LXYxCg==)";
    expect_err(cert_read(cut, strlen(cut), &s, &e), &e, 422, NULL, "signature is missing");
    const char *short_sig = "(ocop-cert-v1 b2NvcC1jZXJ0LXYxCg== AAAA)";
    expect_err(cert_read(short_sig, strlen(short_sig), &s, &e), &e, 422, NULL, "not 64 bytes");
    const char *bad64 = "(ocop-cert-v1 b2N=vcC1 AAAA)";
    expect_err(cert_read(bad64, strlen(bad64), &s, &e), &e, 422, NULL, "not base64");

    /* Well-formed, correctly signed signature strings over payloads that are not canonical. */
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    crypto_sign_keypair(pk, sk);
    CertData c = sample();
    char *good;
    size_t gn;
    assert_int_equal(cert_payload(&c, &good, &gn, &e), 0);
    Buf v[6] = {BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT};
    buf_puts(&v[0], "ocop-cert-v1\ncert_no=1\n");                   /* fields missing */
    buf_puts(&v[1], "ocop-cert-v2\n");                               /* another version */
    buf_puts(&v[2], "ocop-cert-v1\nproduct_code=1\ncert_no=1\n");    /* out of order */
    buf_printf(&v[3], "%sextra=1\n", good);                          /* a line too many */
    buf_puts(&v[4], good);                                           /* a carriage return */
    strstr(v[4].p, "0042\nproduct_code")[3] = '\r';
    buf_puts(&v[5], good);                                           /* stars out of range */
    strstr(v[5].p, "stars=5")[6] = '7';
    const char *why[] = {"field product_code missing", "does not start with", "field cert_no missing",
                         "text after the last field", "control characters", "only products of 3 to 5 stars"};
    for (size_t i = 0; i < COUNT(v); i++) {
        unsigned char sig[crypto_sign_BYTES];
        crypto_sign_detached(sig, NULL, (const unsigned char *)v[i].p, v[i].n, sk);
        char p64[2048], s64[128], str[2300];
        sodium_bin2base64(p64, sizeof p64, (const unsigned char *)v[i].p, v[i].n, sodium_base64_VARIANT_ORIGINAL);
        sodium_bin2base64(s64, sizeof s64, sig, sizeof sig, sodium_base64_VARIANT_ORIGINAL);
        snprintf(str, sizeof str, "ocop-cert-v1 %s %s", p64, s64);
        assert_int_equal(cert_read(str, strlen(str), &s, &e), -1);
        assert_contains(e.detail, "malformed certificate signature");
        assert_contains(e.detail, why[i]);
        err_clear(&e);
        buf_free(&v[i]);
    }
    free(good);
    /* A verification page may carry the signature string more than once... */
    Buf b = BUF_INIT;
    char *sig_str;
    assert_int_equal(cert_signature_string(&c, sk, &sig_str, &e), 0);
    buf_printf(&b, "<meta content=\"%s\"> ... <p>%s</p>", sig_str, sig_str); /* the same one twice is fine */
    assert_int_equal(cert_verify_pdf(b.p, b.n, pk, &s, &e), 0);
    cert_signed_free(&s);
    /* ...but two different ones are refused. */
    c.cert_no = "BO-OCOP-2026-0043";
    char *other;
    assert_int_equal(cert_signature_string(&c, sk, &other, &e), 0);
    buf_printf(&b, "\n%s\n", other);
    expect_err(cert_read(b.p, b.n, &s, &e), &e, 422, NULL, "two different certificate signatures");
    free(other);
    free(sig_str);
    buf_free(&b);
}

/* ---- keys ----------------------------------------------------------------------------------- */

static void test_keys(void **state) {
    Fixture *f = *state;
    Err e = ERR_INIT;
    Actor who = actor_system("cli:test");
    struct stat st;
    char path[160];
    snprintf(path, sizeof path, "%s/bo.key", f->keys);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(stat(f->keys, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    /* The secret key belongs to the registered public key. */
    unsigned char sk[crypto_sign_SECRETKEYBYTES], pk[crypto_sign_PUBLICKEYBYTES];
    assert_int_equal(cert_key_load_secret(f->keys, "bo", sk, &e), 0);
    assert_memory_equal(sk + 32, f->pk_bo, 32);
    char retired[11];
    assert_int_equal(cert_key_public(f->db, "bo", pk, retired, &e), 0);
    assert_memory_equal(pk, f->pk_bo, 32);
    assert_string_equal(retired, "");
    /* Nothing is overwritten. */
    expect_err(cert_key_generate(f->db, &who, f->keys, "bo", NULL, &e), &e, 409, "key_id", "already exists");
    assert_int_equal(cert_key_load_secret(f->keys, "bo", sk, &e), 0);
    assert_memory_equal(sk + 32, f->pk_bo, 32);
    int fd = open(strcat(strcpy(path, f->keys), "/86.key"), O_WRONLY | O_CREAT, 0600);
    assert_true(fd >= 0);
    close(fd);
    expect_err(cert_key_generate(f->db, &who, f->keys, "86", NULL, &e), &e, 409, "key_id", "file already exists");
    assert_int_equal(db_int1(f->db, "SELECT count(*) FROM signing_keys WHERE key_id = ?", "86"), 0);
    expect_err(cert_key_load_secret(f->keys, "86", sk, &e), &e, 500, NULL, "not an ocop signing key");
    unlink(path);
    expect_err(cert_key_load_secret(f->keys, "86", sk, &e), &e, 404, "key_id", "no secret key file");
    expect_err(cert_key_generate(f->db, &who, f->keys, "99", NULL, &e), &e, 422, "key_id", "no province has the code 99");
    expect_err(cert_key_generate(f->db, &who, f->keys, "../x", NULL, &e), &e, 422, "key_id", "a key id is");
    expect_err(cert_key_public(f->db, "86", pk, NULL, &e), &e, 404, "key_id", "no signing key 86");
    /* A key file open to others is refused. */
    snprintf(path, sizeof path, "%s/91.key", f->keys);
    assert_int_equal(chmod(path, 0644), 0);
    expect_err(cert_key_load_secret(f->keys, "91", sk, &e), &e, 500, NULL, "chmod 600");
    assert_int_equal(chmod(path, 0600), 0);

    /* Generation is audited. */
    assert_int_equal(db_int1(f->db, "SELECT count(*) FROM audit_log WHERE entity = 'signing_keys' AND action = ?", "create"), 2);
    Stmt *s = db_prepare(f->db, "SELECT entity_id, province, after FROM audit_log WHERE entity = 'signing_keys' ORDER BY id");
    assert_int_equal(db_step(s), DB_ROW);
    assert_string_equal(db_col_text(s, 0), "bo");
    assert_true(db_col_null(s, 1));
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, f->pk_bo, 32);
    assert_contains(db_col_text(s, 2), hex);
    assert_int_equal(db_step(s), DB_ROW);
    assert_string_equal(db_col_text(s, 0), "91");
    assert_string_equal(db_col_text(s, 1), "91");
    db_done(s);
    AuditCheck ac;
    assert_int_equal(audit_verify(f->db, &ac), 0);

    /* Rotation: a new key for 91, then the old one retired. */
    char cur[32];
    assert_int_equal(cert_key_current(f->db, "91", cur, &e), 0);
    assert_string_equal(cur, "91");
    assert_int_equal(cert_key_generate(f->db, &who, f->keys, "91-2027", NULL, &e), 0);
    assert_int_equal(cert_key_retire(f->db, &who, "91", &e), 0);
    assert_int_equal(cert_key_current(f->db, "91", cur, &e), 0);
    assert_string_equal(cur, "91-2027");
    expect_err(cert_key_signing(f->db, f->keys, "91", sk, &e), &e, 409, "key_id", "was retired on");
    expect_err(cert_key_retire(f->db, &who, "91", &e), &e, 409, "key_id", "already retired");
    expect_err(cert_key_retire(f->db, &who, "92", &e), &e, 404, "key_id", "no signing key 92");
    assert_int_equal(cert_key_public(f->db, "91", pk, retired, &e), 0);
    assert_int_equal(strlen(retired), 10);
    expect_err(cert_key_current(f->db, "86", cur, &e), &e, 404, "key_id", "ocop key generate 86");
    assert_int_equal(cert_key_current(f->db, "bo", cur, &e), 0);
    assert_string_equal(cur, "bo");
    /* A certificate signed before the retirement still verifies with the retired key. */
    CertData c = sample();
    c.stars = 4, c.level = "province", c.issuer = "Ủy ban nhân dân tỉnh An Giang", c.key_id = "91-2027";
    size_t n;
    char *pdf = render(f, &c, &n);
    unsigned char pk2[crypto_sign_PUBLICKEYBYTES];
    assert_int_equal(cert_key_public(f->db, "91-2027", pk2, NULL, &e), 0);
    CertSigned cs;
    assert_int_equal(cert_verify_pdf(pdf, n, pk2, &cs, &e), 0);
    cert_signed_free(&cs);
    expect_err(cert_verify_pdf(pdf, n, f->pk_91, &cs, &e), &e, 422, NULL, "signature does not match");
    free(pdf);

    /* A secret key file swapped for another key's is caught before signing. */
    char a[160], b[160];
    snprintf(a, sizeof a, "%s/bo.key", f->keys);
    snprintf(b, sizeof b, "%s/91-2027.key", f->keys);
    assert_int_equal(rename(b, a), 0);
    expect_err(cert_key_signing(f->db, f->keys, "bo", sk, &e), &e, 500, "key_id", "does not belong to its registered");

    json_t *list = cert_key_list(f->db);
    assert_int_equal(json_array_size(list), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "key_id")), "91");
    assert_true(json_is_string(json_object_get(json_array_get(list, 0), "retired_at")));
    assert_true(json_is_null(json_object_get(json_array_get(list, 1), "retired_at")));
    json_decref(list);
}

/* ---- the binary ----------------------------------------------------------------------------- */

/* A one-shot HTTP server on 127.0.0.1: answers the first request with body. */
typedef struct Server {
    int fd;
    int port;
    const char *body;
    size_t n;
    pthread_t thread;
} Server;

static void *serve_once(void *arg) {
    Server *s = arg;
    int c = accept(s->fd, NULL, NULL);
    if (c < 0) return NULL;
    char req[4096];
    size_t got = 0;
    while (got < sizeof req - 1) {
        ssize_t k = read(c, req + got, sizeof req - 1 - got);
        if (k <= 0) break;
        got += (size_t)k;
        req[got] = 0;
        if (strstr(req, "\r\n\r\n")) break;
    }
    char head[128];
    int h = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n", s->n);
    if (write(c, head, (size_t)h) == h) {
        for (size_t off = 0; off < s->n;) {
            ssize_t k = write(c, s->body + off, s->n - off);
            if (k <= 0) break;
            off += (size_t)k;
        }
    }
    close(c);
    return NULL;
}

static void server_start(Server *s, const char *body, size_t n) {
    s->body = body, s->n = n;
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s->fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(s->fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    assert_int_equal(getsockname(s->fd, (struct sockaddr *)&a, &len), 0);
    s->port = ntohs(a.sin_port);
    assert_int_equal(listen(s->fd, 1), 0);
    assert_int_equal(pthread_create(&s->thread, NULL, serve_once, s), 0);
}

static void server_stop(Server *s) {
    pthread_join(s->thread, NULL);
    close(s->fd);
}

static void test_cli(void **state) {
    Fixture *f = *state;
    CertData c = sample();
    size_t n;
    char *pdf = render(f, &c, &n);
    char good[128], bad[128], junk[128];
    snprintf(good, sizeof good, "%s/good.pdf", f->dir);
    snprintf(bad, sizeof bad, "%s/tampered.pdf", f->dir);
    snprintf(junk, sizeof junk, "%s/junk.bin", f->dir);
    write_file(good, pdf, n);
    char *forged = xmalloc(n);
    memcpy(forged, pdf, n);
    forge_payload(forged, n);
    write_file(bad, forged, n);
    free(forged);
    write_file(junk, "\x00\x01garbage", 9);
    db_close(f->db);
    f->db = NULL;

    Buf out = BUF_INIT, err = BUF_INIT;
    const char *verify[] = {"cert", "verify", good, "--db", f->path, NULL};
    assert_int_equal(run_ocop_in(f->dir, verify, &out, &err), 0);
    assert_contains(buf_str(&out), "valid: certificate BO-OCOP-2026-0042 for Nước mắm Phú Quốc Ông Đụng, 5 stars, "
                                   "issued 2026-07-01, expires 2029-07-01, signed by bo\n");
    assert_contains(buf_str(&out), "https://ocop.example.vn/xac-minh/BO-OCOP-2026-0042");

    const char *verify_bad[] = {"cert", "verify", bad, "--db", f->path, NULL};
    assert_int_equal(run_ocop_in(f->dir, verify_bad, &out, &err), 1);
    assert_string_equal(buf_str(&out), "");
    char want[256];
    snprintf(want, sizeof want,
             "ocop: %s: signature does not match (the certificate was altered or signed by another key)\n", bad);
    assert_string_equal(buf_str(&err), want);

    const char *verify_junk[] = {"cert", "verify", junk, "--db", f->path, NULL};
    assert_int_equal(run_ocop_in(f->dir, verify_junk, &out, &err), 1);
    assert_contains(buf_str(&err), "not an ocop certificate");

    /* --key: offline, no database; another province's key fails. */
    const char *export91[] = {"key", "export", "91", "--db", f->path, NULL};
    assert_int_equal(run_ocop_in(f->dir, export91, &out, &err), 0);
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, f->pk_91, 32);
    snprintf(want, sizeof want, "%s\n", hex);
    assert_string_equal(buf_str(&out), want);
    const char *with91[] = {"cert", "verify", good, "--key", hex, "--db", "/nonexistent/x.db", NULL};
    assert_int_equal(run_ocop_in(f->dir, with91, &out, &err), 1);
    assert_contains(buf_str(&err), "signature does not match");
    sodium_bin2hex(hex, sizeof hex, f->pk_bo, 32);
    const char *withbo[] = {"cert", "verify", good, "--key", hex, "--db", "/nonexistent/x.db", NULL};
    assert_int_equal(run_ocop_in(f->dir, withbo, &out, &err), 0);
    assert_contains(buf_str(&out), "valid: certificate BO-OCOP-2026-0042");
    const char *badkey[] = {"cert", "verify", good, "--key", "abc", NULL};
    assert_int_equal(run_ocop_in(f->dir, badkey, &out, &err), 2);
    assert_contains(buf_str(&err), "--key must be a public key of 64 hex digits");

    /* Over HTTP. */
    Server srv;
    server_start(&srv, pdf, n);
    char url[96];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/cert/BO-OCOP-2026-0042.pdf", srv.port);
    const char *verify_url[] = {"cert", "verify", url, "--db", f->path, "--format", "json", NULL};
    int rc = run_ocop_in(f->dir, verify_url, &out, &err);
    server_stop(&srv);
    if (rc) fail_msg("exit %d: %s", rc, buf_str(&err));
    json_t *j = json_loads(buf_str(&out), 0, NULL);
    assert_non_null(j);
    assert_true(json_is_true(json_object_get(j, "valid")));
    assert_string_equal(json_string_value(json_object_get(j, "product_name")), "Nước mắm Phú Quốc Ông Đụng");
    json_decref(j);
    free(pdf);

    /* key list, generate, a duplicate. */
    const char *gen[] = {"key", "generate", "86", "--db", f->path, NULL};
    assert_int_equal(run_ocop_in(f->dir, gen, &out, &err), 0);
    assert_contains(buf_str(&out), "key 86: public key ");
    assert_int_equal(run_ocop_in(f->dir, gen, &out, &err), 1);
    assert_contains(buf_str(&err), "the key 86 already exists");
    const char *list[] = {"key", "list", "--db", f->path, NULL};
    assert_int_equal(run_ocop_in(f->dir, list, &out, &err), 0);
    assert_contains(buf_str(&out), "86         ");
    assert_contains(buf_str(&out), "91         ");
    assert_contains(buf_str(&out), "bo         ");
    const char *retire[] = {"key", "retire", "86", "--db", f->path, NULL};
    assert_int_equal(run_ocop_in(f->dir, retire, &out, &err), 0);
    assert_contains(buf_str(&out), "key 86 retired");
    const char *list_json[] = {"key", "list", "--format", "json", "--db", f->path, NULL};
    assert_int_equal(run_ocop_in(f->dir, list_json, &out, &err), 0);
    json_t *keys = json_loads(buf_str(&out), 0, NULL);
    assert_int_equal(json_array_size(keys), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(keys, 0), "key_id")), "86");
    assert_true(json_is_string(json_object_get(json_array_get(keys, 0), "retired_at")));
    json_decref(keys);
    const char *usage[] = {"key", "export", "--db", f->path, NULL};
    assert_int_equal(run_ocop_in(f->dir, usage, &out, &err), 2);

    /* The sample certificate: key 86 is retired, so a new key 86-2 is made; it verifies and
    ** reads back. */
    char sample_pdf[128];
    snprintf(sample_pdf, sizeof sample_pdf, "%s/sample.pdf", f->dir);
    const char *samp[] = {"cert", "sample", sample_pdf, "--db", f->path, NULL};
    assert_int_equal(run_ocop_in(f->dir, samp, &out, &err), 0);
    assert_contains(buf_str(&out), "signed with key 86-2");
    assert_contains(buf_str(&err), "made signing key 86-2");
    const char *vs[] = {"cert", "verify", sample_pdf, "--db", f->path, NULL};
    assert_int_equal(run_ocop_in(f->dir, vs, &out, &err), 0);
    assert_contains(buf_str(&out), "for Kẹo dừa sầu riêng Thanh Long, 4 stars");
    assert_contains(buf_str(&out), "signed by 86-2\n");
    char cmd[256];
    snprintf(cmd, sizeof cmd, "pdftotext '%s' -", sample_pdf);
    run_capture(cmd, &out);
    assert_contains(buf_str(&out), "Hợp tác xã Kẹo dừa Thanh Long");
    assert_contains(buf_str(&out), "Đạt hạng 4 sao");
    buf_free(&out);
    buf_free(&err);
}

int main(void) {
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_payload_known_answer),
        cmocka_unit_test(test_validate),
        cmocka_unit_test_setup_teardown(test_pdf_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify_and_tamper, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_a_certificate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_page_signature, setup, teardown),
        cmocka_unit_test(test_url_public),
        cmocka_unit_test_setup_teardown(test_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cli, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
