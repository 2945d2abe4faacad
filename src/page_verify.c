/*
** page_verify.c: the public verification page of a certificate, GET /xac-minh/{cert_no}: what
** the QR code on the certificate opens. It shows, in Vietnamese with English beneath, the
** certificate's fields and its LIVE state (valid, expired, revoked with its legal ground,
** superseded by a newer certificate), links the PDF, and carries the signature string in
** <meta name="ocop-cert"> so that `ocop cert verify URL` checks the page offline (cert.h).
** Everything is escaped through buf's %h and %U; the one inline style carries the response's
** CSP nonce. An unknown number answers a 404 page.
*/
#include <string.h>

#include "api.h"
#include "buf.h"
#include "decision.h"
#include "util.h"

static const char *STYLE =
    "body{font-family:system-ui,sans-serif;max-width:46rem;margin:1rem auto;padding:0 1rem;line-height:1.5;color:#1d1d1d}"
    ".en{color:#555;font-size:.9em;font-weight:normal}"
    ".state{font-size:2.2rem;font-weight:700;padding:.7rem 1rem;border-radius:.5rem;margin:1rem 0}"
    ".state .en{font-size:1rem;display:block}"
    ".valid{background:#e6f4ea;color:#0b5e27}.expired{background:#fff4e5;color:#7a4b00}"
    ".revoked{background:#fdecea;color:#8a1c12}.superseded{background:#eef1f6;color:#263b5e}"
    "table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:.4rem;"
    "border-bottom:1px solid #ddd}th{width:38%}";

static const char *jstr(json_t *o, const char *path) {
    json_t *v = o;
    char key[64];
    for (const char *p = path; v && *p;) {
        size_t n = strcspn(p, ".");
        snprintf(key, sizeof key, "%.*s", (int)n, p);
        v = json_object_get(v, key);
        p += n + (p[n] == '.');
    }
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* "23/11/2026" from "2026-11-23" (NULL: ""). */
static const char *dmy(const char *iso, char out[11]) {
    if (!iso || strlen(iso) < 10) return "";
    snprintf(out, 11, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
    return out;
}

static void head(Buf *b, Req *r, const char *title, const char *signature) {
    buf_printf(b, "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                  "<title>%h</title>",
               title);
    if (signature) buf_printf(b, "<meta name=\"ocop-cert\" content=\"%h\">", signature);
    buf_printf(b, "<style nonce=\"%h\">%s</style></head><body>"
                  "<header><h1>Xác minh giấy chứng nhận sản phẩm OCOP</h1>"
                  "<p class=\"en\">Verification of an OCOP product certificate (One Commune One Product)</p></header><main>",
               r->nonce, STYLE);
}

static void row(Buf *b, const char *vi, const char *en, const char *value) {
    buf_printf(b, "<tr><th>%h<br><span class=\"en\">%h</span></th><td>%h</td></tr>", vi, en, value ? value : "");
}

/* The live state in large type. */
static void state_block(Buf *b, json_t *c) {
    const char *state = jstr(c, "state");
    char d[11];
    if (strcmp(state, "valid") == 0) {
        buf_printf(b, "<p class=\"state valid\" role=\"status\">Còn hiệu lực<span class=\"en\">Valid: expires on %h, "
                      "%lld day(s) from today</span></p>",
                   dmy(jstr(c, "expires_on"), d), (long long)json_integer_value(json_object_get(c, "days_left")));
    } else if (strcmp(state, "expired") == 0) {
        buf_printf(b, "<p class=\"state expired\" role=\"status\">Hết hạn<span class=\"en\">Expired on %h</span></p>",
                   dmy(jstr(c, "ended_on"), d));
    } else if (strcmp(state, "revoked") == 0) {
        buf_printf(b, "<p class=\"state revoked\" role=\"status\">Đã thu hồi (%h)<span class=\"en\">Revoked on %h: %h (%h)",
                   jstr(c, "revocation.vi"), dmy(jstr(c, "revocation.decided_on"), d), jstr(c, "revocation.en"),
                   jstr(c, "revocation.clause"));
        buf_printf(b, "; Quyết định số %h</span></p>", jstr(c, "revocation.decision_no"));
        if (jstr(c, "revocation.note")) buf_printf(b, "<p>%h</p>", jstr(c, "revocation.note"));
    } else {
        const char *by = jstr(c, "superseded_by");
        buf_printf(b, "<p class=\"state superseded\" role=\"status\">Đã được thay thế bởi <a href=\"/xac-minh/%U\">%h</a>"
                      "<span class=\"en\">Superseded on %h by certificate %h</span></p>",
                   by ? by : "", by ? by : "", dmy(jstr(c, "ended_on"), d), by ? by : "");
    }
}

static int not_found(Req *r, const char *cert_no) {
    Buf b = BUF_INIT;
    head(&b, r, "Không tìm thấy giấy chứng nhận OCOP", NULL);
    buf_printf(&b, "<p class=\"state revoked\" role=\"alert\">Không tìm thấy giấy chứng nhận số %h"
                   "<span class=\"en\">No certificate numbered %h was issued through this system</span></p>"
                   "<p>Hãy kiểm tra lại số giấy chứng nhận, hoặc liên hệ cơ quan cấp.<br>"
                   "<span class=\"en\">Check the number, or ask the issuing authority.</span></p></main></body></html>\n",
               cert_no, cert_no);
    resp_text(r, 404, "text/html; charset=utf-8", b.p, b.n);
    buf_free(&b);
    return 404;
}

int page_verify(Req *r) {
    const char *cert_no = r->pathv[0];
    char today[11];
    date_today(today);
    Err e = ERR_INIT;
    json_t *c = certificate_get(r->db, cert_no, today, &e);
    if (!c) return e.status == 404 ? not_found(r, cert_no) : resp_problem(r, &e);
    Buf b = BUF_INIT, t = BUF_INIT;
    buf_printf(&t, "Giấy chứng nhận OCOP %s", jstr(c, "cert_no"));
    head(&b, r, buf_str(&t), jstr(c, "signature"));
    state_block(&b, c);
    int stars = (int)json_integer_value(json_object_get(c, "stars"));
    char d[11];
    buf_puts(&b, "<table>");
    row(&b, "Số giấy chứng nhận", "Certificate no.", jstr(c, "cert_no"));
    buf_reset(&t);
    buf_printf(&t, "%s (mã sản phẩm %s)", jstr(c, "product.name"), jstr(c, "product.code"));
    row(&b, "Sản phẩm", "Product", buf_str(&t));
    row(&b, "Chủ thể", "Producer", jstr(c, "producer.name"));
    buf_reset(&t);
    for (int i = 0; i < stars; i++) buf_puts(&t, "★");
    buf_printf(&t, " %d sao (%d stars)", stars, stars);
    row(&b, "Hạng", "Rating", buf_str(&t));
    row(&b, "Cơ quan cấp", "Issued by", jstr(c, "issuer"));
    buf_reset(&t);
    buf_printf(&t, "Số %s ngày %s", jstr(c, "decision.number"), dmy(jstr(c, "decision.decided_on"), d));
    row(&b, "Quyết định công nhận", "Recognition decision", buf_str(&t));
    row(&b, "Ngày cấp", "Issued on", dmy(jstr(c, "issued_on"), d));
    char last[11] = "";
    if (date_valid(jstr(c, "expires_on"))) date_add_days(jstr(c, "expires_on"), -1, last);
    row(&b, "Có giá trị đến hết ngày", "Valid through", dmy(last, d));
    row(&b, "Khóa ký số", "Signing key (Ed25519)", jstr(c, "key_id"));
    buf_puts(&b, "</table>");
    buf_printf(&b, "<p><a href=\"/api/v1/certificates/%U/pdf\">Tải giấy chứng nhận (PDF)</a> "
                   "<span class=\"en\">Download the certificate (PDF)</span> · "
                   "<a href=\"/api/v1/certificates/%U\">JSON</a></p>",
               jstr(c, "cert_no"), jstr(c, "cert_no"));
    buf_puts(&b, "<h2>Lịch sử <span class=\"en\">History</span></h2><ul>");
    size_t i;
    json_t *ev;
    json_array_foreach(json_object_get(c, "history"), i, ev) {
        static const char *const names[][3] = {{"issued", "Cấp", "issued"}, {"superseded", "Thay thế", "superseded"},
                                               {"revoked", "Thu hồi", "revoked"}, {"expired", "Hết hạn", "expired"}};
        const char *event = jstr(ev, "event"), *vi = event, *en = event;
        for (size_t k = 0; k < COUNT(names); k++)
            if (str_eq(names[k][0], event)) vi = names[k][1], en = names[k][2];
        buf_printf(&b, "<li>%h: %h <span class=\"en\">(%h)</span>", dmy(jstr(ev, "on"), d), vi, en);
        if (jstr(ev, "detail")) buf_printf(&b, " – %h", jstr(ev, "detail"));
        buf_puts(&b, "</li>");
    }
    buf_puts(&b, "</ul><p class=\"en\">Chữ ký số trên bản PDF chứng minh nội dung được cấp; trang này cho biết tình trạng "
                 "hiện tại. The PDF's digital signature proves what was issued; this page shows whether it is still in "
                 "force.</p></main></body></html>\n");
    resp_text(r, 200, "text/html; charset=utf-8", b.p, b.n);
    buf_free(&b);
    buf_free(&t);
    json_decref(c);
    return 200;
}
