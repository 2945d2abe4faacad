/*
** page_home.c: the home page at "/": a plain public catalogue of recognised products with a
** search box, so that a browser pointed at a fresh `make run` shows the registry. The full web
** interface (portal, workspaces) comes later; this page works without JavaScript and escapes
** everything through buf's %h conversion.
*/
#include <string.h>

#include "api.h"
#include "buf.h"
#include "entity.h"
#include "search.h"
#include "util.h"

static void stars(Buf *b, json_t *v) {
    int n = json_is_integer(v) ? (int)json_integer_value(v) : 0;
    for (int i = 0; i < n; i++) buf_puts(b, "★");
}

int page_home(Req *r) {
    const char *q = req_query(r, "q");
    Buf b = BUF_INIT;
    buf_puts(&b, "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">"
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                 "<title>OCOP – Mỗi xã một sản phẩm</title></head><body>"
                 "<header><h1>OCOP – Mỗi xã một sản phẩm</h1>"
                 "<p>Danh mục sản phẩm OCOP · One Commune One Product catalogue</p></header>"
                 "<form method=\"get\" action=\"/\"><label for=\"q\">Tìm kiếm (không cần dấu)</label> ");
    buf_printf(&b, "<input id=\"q\" name=\"q\" value=\"%h\" maxlength=\"200\"> <button>Tìm</button></form>", q ? q : "");
    Err e = ERR_INIT;
    if (q && *q) {
        SearchHit *hits = NULL;
        int n = 0;
        int64_t total = 0;
        if (search_query(r->db, &r->arena, q, NULL, 50, 0, &hits, &n, &total, &e)) {
            buf_printf(&b, "<p role=\"alert\">%h</p>", e.detail);
        } else {
            buf_printf(&b, "<p>%lld kết quả</p><ol>", (long long)total);
            /* highlight is HTML made by text_highlight, escaped except for its <mark> tags */
            for (int i = 0; i < n; i++)
                buf_printf(&b, "<li>%s <small>(%h)</small> <a href=\"/api/v1/%hs/%lld\">JSON</a></li>", hits[i].highlight,
                           hits[i].kind, hits[i].kind, (long long)hits[i].id);
            buf_puts(&b, "</ol>");
        }
    } else {
        ListQuery lq = {.sort = "name", .limit = 200, .who = &r->actor};
        json_t *items = NULL;
        int64_t total = 0;
        if (entity_list(r->db, &r->arena, &ENTITY_PRODUCTS, &lq, &items, &total, &e) == 0) {
            buf_printf(&b, "<h2>Sản phẩm (%lld)</h2><table><thead><tr><th>Mã</th><th>Sản phẩm</th><th>Chủ thể</th>"
                           "<th>Xã</th><th>Sao</th></tr></thead><tbody>", (long long)total);
            size_t i;
            json_t *o;
            json_array_foreach(items, i, o) {
                buf_printf(&b, "<tr><td>%h</td><td><a href=\"/api/v1/products/%lld\">%h</a></td><td>%h</td><td>%h</td><td>",
                           json_string_value(json_object_get(o, "code")), (long long)json_integer_value(json_object_get(o, "id")),
                           json_string_value(json_object_get(o, "name")), json_string_value(json_object_get(o, "producer_name")),
                           json_string_value(json_object_get(json_object_get(o, "commune"), "name")));
                stars(&b, json_object_get(o, "stars"));
                buf_puts(&b, "</td></tr>");
            }
            buf_puts(&b, "</tbody></table>");
            json_decref(items);
        }
    }
    buf_puts(&b, "<footer><p>API: <a href=\"/api/v1/products\">/api/v1/products</a> · "
                 "<a href=\"/api/v1/units?level=province\">/api/v1/units</a> · <a href=\"/healthz\">/healthz</a></p>"
                 "</footer></body></html>\n");
    resp_text(r, 200, "text/html; charset=utf-8", b.p, b.n);
    buf_free(&b);
    err_clear(&e);
    resp_header(r, "Referrer-Policy", "same-origin");
    return 200;
}
