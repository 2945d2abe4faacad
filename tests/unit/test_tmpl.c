/*
** test_tmpl.c: the template renderer (tmpl.c): escaping in every context a value may stand in,
** the contexts where it may not, sections, inverted sections, partials, layouts, dotted names,
** malformed templates with their positions, trusted HTML, and the templates of templates/.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "embed.h"
#include "tmpl.h"
#include "util.h"

/* Render template "t" of a set made of (path, source) pairs ending with NULL, with the view
** given as JSON text (NULL: an empty object). The caller frees the result. */
static char *render_files(const char *const *files, const char *view_json) {
    TmplSet *s = tmpl_new();
    Err e = ERR_INIT;
    for (int i = 0; files[i]; i += 2) {
        if (tmpl_add(s, files[i], files[i + 1], strlen(files[i + 1]), &e)) fail_msg("%s", e.detail);
    }
    if (tmpl_link(s, &e)) fail_msg("%s", e.detail);
    json_error_t je;
    json_t *view = json_loads(view_json ? view_json : "{}", 0, &je);
    if (!view) fail_msg("bad view in the test: %s", je.text);
    Buf b = BUF_INIT;
    tmpl_render(s, "t", view, LANG_VI, &b);
    json_decref(view);
    tmpl_free(s);
    char *out = xstrdup(buf_str(&b));
    buf_free(&b);
    return out;
}

static char *render(const char *src, const char *view_json) {
    const char *files[] = {"templates/t.html", src, NULL};
    return render_files(files, view_json);
}

#define RENDERS(src, view, want)                 \
    do {                                         \
        char *out_ = render(src, view);          \
        assert_string_equal(out_, want);         \
        free(out_);                              \
    } while (0)

typedef struct Case {
    const char *src, *view, *want;
} Case;

static void cases(const Case *c, size_t n) {
    for (size_t i = 0; i < n; i++) {
        char *out = render(c[i].src, c[i].view);
        if (strcmp(out, c[i].want)) fail_msg("%s with %s gave\n%s\nnot\n%s", c[i].src, c[i].view, out, c[i].want);
        free(out);
    }
}

/* A set holding src[0..n) as "t", linked. */
static TmplSet *one(const char *src, size_t n) {
    TmplSet *s = tmpl_new();
    Err e = ERR_INIT;
    if (tmpl_add(s, "templates/t.html", src, n, &e) || tmpl_link(s, &e)) fail_msg("%s", e.detail);
    return s;
}

/* The whole file at path appended to b. */
static void slurp(const char *path, Buf *b) {
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot read %s", path);
    char chunk[8192];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) buf_append(b, chunk, got);
    fclose(f);
}

/* Parsing (and linking) the set fails with a message containing want. */
static void refused_files(const char *const *files, const char *want) {
    TmplSet *s = tmpl_new();
    Err e = ERR_INIT;
    int rc = 0;
    for (int i = 0; files[i] && !rc; i += 2) rc = tmpl_add(s, files[i], files[i + 1], strlen(files[i + 1]), &e);
    if (!rc) rc = tmpl_link(s, &e);
    if (rc == 0) fail_msg("parsed, but should fail with '%s'", want);
    if (!strstr(e.detail, want)) fail_msg("'%s' lacks '%s'", e.detail, want);
    tmpl_free(s);
}

static void refused(const char *src, const char *want) {
    const char *files[] = {"templates/t.html", src, NULL};
    refused_files(files, want);
}

static void test_text_escaping(void **state) {
    RENDERS("<p>{{v}}</p>", "{\"v\": \"<script>alert('x')</script> & \\\"q\\\" `b`\"}",
            "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot; &#96;b&#96;</p>");
    /* Vietnamese passes as it is; a missing key, null, an object and an array render nothing */
    RENDERS("{{v}}|{{missing}}|{{n}}|{{o}}|{{a}}", "{\"v\": \"Kẹo dừa Mỏ Cày\", \"n\": null, \"o\": {}, \"a\": [1]}",
            "Kẹo dừa Mỏ Cày||||");
    RENDERS("{{i}} {{r}} {{t}} {{f}} {{z}}", "{\"i\": -42, \"r\": 4.5, \"t\": true, \"f\": false, \"z\": 0}",
            "-42 4.5 true false 0");
    /* a value that looks like a tag or markup is text: it is never parsed again */
    RENDERS("{{a}}", "{\"a\": \"{{b}} {{#b}}x{{/b}} <b>\", \"b\": \"NO\"}", "{{b}} {{#b}}x{{/b}} &lt;b&gt;");
    /* RCDATA elements escape the same way */
    RENDERS("<title>{{v}}</title><textarea>{{v}}</textarea>", "{\"v\": \"</title><b>\"}",
            "<title>&lt;/title&gt;&lt;b&gt;</title><textarea>&lt;/title&gt;&lt;b&gt;</textarea>");
}

static void test_bad_bytes(void **state) {
    /* Strings made without UTF-8 checks (a query string, a path) still come out valid. */
    TmplSet *s = one("[{{v}}]", 7);
    json_t *view = json_object();
    json_object_set_new(view, "v", json_stringn_nocheck("a\xff<\0b", 5));
    Buf b = BUF_INIT;
    tmpl_render(s, "t", view, LANG_VI, &b);
    assert_int_equal(b.n, strlen(buf_str(&b)));
    assert_string_equal(buf_str(&b), "[a\xEF\xBF\xBD&lt;\xEF\xBF\xBD" "b]");
    buf_free(&b);
    json_decref(view);
    tmpl_free(s);
}

static void test_attribute_escaping(void **state) {
    RENDERS("<input value=\"{{v}}\" title='{{v}}'>", "{\"v\": \"\\\" onfocus=alert(1) x='\"}",
            "<input value=\"&quot; onfocus=alert(1) x=&#39;\" title='&quot; onfocus=alert(1) x=&#39;'>");
    /* the CSP nonce is an ordinary attribute value */
    RENDERS("<style nonce=\"{{nonce}}\">p{color:red}</style>", "{\"nonce\": \"ab+/=\"}",
            "<style nonce=\"ab+/=\">p{color:red}</style>");
}

static void test_url_escaping(void **state) {
#define A "<a href=\"{{u}}\">x</a>"
#define BLOCKED "<a href=\"about:invalid#blocked\">x</a>"
    static const Case c[] = {
        {A, "{\"u\": \"javascript:alert(1)\"}", BLOCKED},
        {A, "{\"u\": \"JavaScript:alert(1)\"}", BLOCKED},
        {A, "{\"u\": \" javascript:alert(1)\"}", BLOCKED},
        {A, "{\"u\": \"java\\tscript:alert(1)\"}", BLOCKED},
        {A, "{\"u\": \"data:text/html,<b>\"}", BLOCKED},
        {"<img src=\"{{u}}\" alt=\"\">", "{\"u\": \"vbscript:x\"}", "<img src=\"about:invalid#blocked\" alt=\"\">"},
        {A, "{\"u\": \"https://ocop.gov.vn/a?b=1&c=\\\"2\"}", "<a href=\"https://ocop.gov.vn/a?b=1&amp;c=&quot;2\">x</a>"},
        {A, "{\"u\": \"HTTP://x.vn\"}", "<a href=\"HTTP://x.vn\">x</a>"},
        {A, "{\"u\": \"mailto:a@b.vn\"}", "<a href=\"mailto:a@b.vn\">x</a>"},
        {A, "{\"u\": \"/xac-minh/86-2026-0001?x=a:b\"}", "<a href=\"/xac-minh/86-2026-0001?x=a:b\">x</a>"},
        /* after the start of a URL a value is one component: percent-encoded */
        {"<a href=\"/xac-minh/{{n}}\">x</a>", "{\"n\": \"../../api?x=1&y=đ #\"}",
         "<a href=\"/xac-minh/..%2F..%2Fapi%3Fx%3D1%26y%3D%C4%91%20%23\">x</a>"},
        {"<form action=\"/?q={{q}}\"></form>", "{\"q\": \"javascript:1\"}", "<form action=\"/?q=javascript%3A1\"></form>"},
        {"<a href=\"/api/v1/{{kind}}s/{{id}}\">x</a>", "{\"kind\": \"product\", \"id\": 12}",
         "<a href=\"/api/v1/products/12\">x</a>"},
    };
#undef A
#undef BLOCKED
    cases(c, COUNT(c));
}

static void test_refused_contexts(void **state) {
    refused("<script>var x = \"{{v}}\";</script>", "t.html:1:18: {{v}}: a value inside <script> or <style>");
    refused("<STYLE>p{color:{{c}}}</STYLE>", "inside <script> or <style>");
    refused("<p onclick=\"go('{{v}}')\">", "event handler attribute");
    refused("<p style=\"color:{{c}}\">", "style attribute");
    refused("<p class={{c}}>", "must be in quotes");
    refused("<p {{attr}}>", "cannot stand for a tag or an attribute name");
    refused("<{{tag}}>", "cannot stand for a tag");
    refused("<p><!-- {{v}} --></p>", "in a comment");
    refused("{{{v}}}", "no raw output");
    refused("{{&v}}", "no raw output");
    refused("{{=<% %>=}}", "delimiters");
    refused("<p title=\"{{>part}}\"></p>", "must stand in text");
    /* after </script> values are allowed again */
    RENDERS("<script src=\"/a.js\"></script><p>{{v}}</p>", "{\"v\": \"<\"}", "<script src=\"/a.js\"></script><p>&lt;</p>");
}

static void test_sections(void **state) {
#define YN "{{#v}}Y{{/v}}{{^v}}N{{/v}}"
    static const Case c[] = {
        {YN, "{}", "N"}, {YN, "{\"v\": null}", "N"}, {YN, "{\"v\": false}", "N"}, {YN, "{\"v\": \"\"}", "N"},
        {YN, "{\"v\": []}", "N"}, {YN, "{\"v\": true}", "Y"}, {YN, "{\"v\": 0}", "Y"}, {YN, "{\"v\": {}}", "Y"},
        {YN, "{\"v\": [0, 0, 0]}", "YYY"},
        /* an array of objects: each element becomes the context; the outer context stays visible */
        {"<ul>{{#items}}<li>{{name}} ({{unit}}) {{#stars}}{{stars}}★{{/stars}}</li>{{/items}}</ul>",
         "{\"unit\": \"xã\", \"items\": [{\"name\": \"Kẹo\", \"stars\": 3}, {\"name\": \"<Mứt>\", \"unit\": \"phường\"}]}",
         "<ul><li>Kẹo (xã) 3★</li><li>&lt;Mứt&gt; (phường) </li></ul>"},
        /* an object pushes its context; a string is {{.}} */
        {"{{#p}}{{name}}/{{p.name}}{{/p}} {{#s}}[{{.}}]{{/s}} {{#list}}{{.}},{{/list}}",
         "{\"p\": {\"name\": \"A&B\"}, \"s\": \"<x>\", \"list\": [\"a\", 1, \"<\"]}", "A&amp;B/A&amp;B [&lt;x&gt;] a,1,&lt;,"},
        /* a key present with null hides an outer key of the same name */
        {"{{#items}}[{{name}}]{{/items}}", "{\"name\": \"outer\", \"items\": [{\"name\": null}, {}]}", "[][outer]"},
    };
#undef YN
    cases(c, COUNT(c));
}

static void test_dotted_names(void **state) {
    RENDERS("{{a.b.c}}|{{a.x.c}}|{{a.b}}", "{\"a\": {\"b\": {\"c\": \"<deep>\"}}}", "&lt;deep&gt;||");
    /* the first part is looked up outwards, the rest only inside it */
    RENDERS("{{#a}}{{b.c}}{{/a}}", "{\"b\": {\"c\": \"outer\"}, \"a\": {\"b\": {}}}", "");
    RENDERS("{{#a.b}}{{c}}{{/a.b}}{{^a.z}}-{{/a.z}}", "{\"a\": {\"b\": {\"c\": 1}}}", "1-");
}

static void test_standalone_lines(void **state) {
    RENDERS("<ul>\n  {{#v}}\n  <li>{{.}}</li>\n  {{/v}}\n</ul>\n{{! note }}\nend", "{\"v\": [1, 2]}",
            "<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>\nend");
    /* a value alone on its line keeps the line; tags sharing a line keep it too */
    RENDERS("a\n{{v}}\n{{#v}}b{{/v}}\n", "{\"v\": \"x\"}", "a\nx\nb\n");
}

static void test_partials(void **state) {
    const char *files[] = {"templates/t.html", "<ul>{{#items}}{{>row}}{{/items}}</ul>", "templates/row.html",
                           "<li>{{name}}</li>", NULL};
    char *out = render_files(files, "{\"items\": [{\"name\": \"a<\"}, {\"name\": \"b\"}]}");
    assert_string_equal(out, "<ul><li>a&lt;</li><li>b</li></ul>");
    free(out);
    /* partial names may have folders */
    const char *nested[] = {"templates/t.html", "[{{> parts/x }}]", "templates/parts/x.html", "{{v}}", NULL};
    out = render_files(nested, "{\"v\": 1}");
    assert_string_equal(out, "[1]");
    free(out);
    const char *unknown[] = {"templates/t.html", "a\n  {{>nowhere}}", NULL};
    refused_files(unknown, "templates/t.html:2:3: no template 'nowhere' (templates/nowhere.html)");
    const char *cycle[] = {"templates/t.html", "{{>a}}", "templates/a.html", "x{{#v}}{{>b}}{{/v}}", "templates/b.html",
                           "{{>a}}", NULL};
    refused_files(cycle, "it would never end");
    const char *twice[] = {"templates/t.html", "a", "templates/t.html", "b", NULL};
    refused_files(twice, "a second template called 't'");
}

static void test_layouts(void **state) {
    const char *layout = "<title>{{$title}}OCOP{{/title}}</title><main>{{$main}}empty{{/main}}</main>{{$foot}}F{{/foot}}";
    const char *files[] = {"templates/layout.html", layout, "templates/t.html",
                           "{{! a page }}\n{{<layout}}\n{{$title}}Trang {{name}}{{/title}}\n{{! ignored }}\n"
                           "{{$main}}<p>{{name}}</p>{{/main}}\n{{/layout}}\n",
                           NULL};
    char *out = render_files(files, "{\"name\": \"<A>\"}");
    assert_string_equal(out, "<title>Trang &lt;A&gt;</title><main><p>&lt;A&gt;</p></main>F");
    free(out);
    /* a layout of a layout: the outermost page's block wins, others fall through */
    const char *chain[] = {"templates/base.html", "[{{$a}}base-a{{/a}}|{{$b}}base-b{{/b}}|{{$c}}base-c{{/c}}]",
                           "templates/mid.html", "{{<base}}{{$a}}mid-a{{/a}}{{$b}}mid-b{{/b}}{{/base}}",
                           "templates/t.html", "{{<mid}}{{$b}}page-b{{/b}}{{/mid}}", NULL};
    out = render_files(chain, NULL);
    assert_string_equal(out, "[mid-a|page-b|base-c]");
    free(out);
    const char *text_in_call[] = {"templates/layout.html", layout, "templates/t.html", "{{<layout}}\n  stray\n{{/layout}}", NULL};
    refused_files(text_in_call, "templates/t.html:2:3: only blocks ({{$name}}) may stand inside a layout call");
    const char *value_in_call[] = {"templates/layout.html", layout, "templates/t.html", "{{<layout}}{{v}}{{/layout}}", NULL};
    refused_files(value_in_call, "t.html:1:12: only blocks");
}

static void test_malformed(void **state) {
    refused("<p>\n  {{#items}}\n  <li>", "templates/t.html:2:3: {{#items}} is not closed");
    refused("{{#a}}{{#b}}{{/a}}{{/b}}", "templates/t.html:1:13: {{/a}} where {{/b}} was expected");
    refused("x{{/a}}", "templates/t.html:1:2: {{/a}} closes nothing");
    /* columns count characters, not bytes */
    refused("Xã Mỏ Cày {{name", "templates/t.html:1:11: '{{' without '}}'");
    refused("{{}}", "a tag without a name");
    refused("{{a b}}", "'a b' is not a name");
    refused("{{a..b}}", "'a..b' has an empty part");
    refused("<p class=\"x", "t.html:1:12: the template ends inside a tag");
    refused("<a {{#v}}href=\"{{/v}}\">", "'v' ends in another HTML context than it begins");
    TmplSet *s = tmpl_new();
    Err e = ERR_INIT;
    assert_int_equal(tmpl_add(s, "templates/t.html", "<p>\0</p>", 8, &e), -1);
    assert_string_equal(e.detail, "templates/t.html:1:4: a NUL byte");
    tmpl_free(s);
    char deep[40 * 12] = "";
    for (int i = 0; i < 33; i++) strcat(deep, "{{#a}}");
    refused(deep, "nested deeper than 32");
}

static void test_trusted_html(void **state) {
    const char *src = "<p>{{h}}</p><p title=\"{{h}}\"></p>{{#h}}[{{.}}]{{/h}}";
    TmplSet *s = one(src, strlen(src));
    json_t *view = json_object();
    json_object_set_new(view, "h", tmpl_html_highlight("Kẹo <dừa>", "keo"));
    Buf b = BUF_INIT;
    tmpl_render(s, "t", view, LANG_VI, &b);
    assert_string_equal(buf_str(&b), "<p><mark>Kẹo</mark> &lt;dừa&gt;</p><p title=\"&lt;mark&gt;Kẹo&lt;/mark&gt; "
                                     "&amp;lt;dừa&amp;gt;\"></p>[<mark>Kẹo</mark> &lt;dừa&gt;]");
    /* Data cannot forge it: the same shape parsed from JSON, or a copy, is an array. */
    buf_reset(&b);
    json_t *forged = json_loads("{\"h\": [{}, \"<b>\"]}", 0, NULL);
    tmpl_render(s, "t", forged, LANG_VI, &b);
    assert_string_equal(buf_str(&b), "<p></p><p title=\"\"></p>[][&lt;b&gt;]");
    buf_reset(&b);
    json_t *copy = json_deep_copy(view);
    tmpl_render(s, "t", copy, LANG_VI, &b);
    assert_null(strstr(buf_str(&b), "<mark>"));
    const char *h;
    size_t n;
    assert_false(tmpl_html_get(json_object_get(copy, "h"), &h, &n));
    assert_true(tmpl_html_get(json_object_get(view, "h"), &h, &n));
    json_decref(copy);
    json_decref(forged);
    json_decref(view);
    /* the escaper's constructor */
    view = json_pack("{s:o}", "h", tmpl_html_text("a<b & 'c'"));
    buf_reset(&b);
    tmpl_render(s, "t", view, LANG_VI, &b);
    assert_non_null(strstr(buf_str(&b), "<p>a&lt;b &amp; &#39;c&#39;</p>"));
    json_decref(view);
    /* in a URL attribute trusted HTML is still checked as a URL */
    TmplSet *u = one("<a href=\"{{h}}\"></a>", 20);
    view = json_pack("{s:o}", "h", tmpl_html_raw("javascript:x", 12));
    buf_reset(&b);
    tmpl_render(u, "t", view, LANG_VI, &b);
    assert_string_equal(buf_str(&b), "<a href=\"about:invalid#blocked\"></a>");
    json_decref(view);
    tmpl_free(u);
    buf_free(&b);
    tmpl_free(s);
}

/* A search hit's highlight (text_highlight's output) is taken as it is; anything with another
** tag, a bare & or > or an unclosed mark is escaped as text. */
static void test_marked(void **state) {
    static const char *const ok[] = {"<mark>Kẹo</mark> &lt;dừa&gt; &amp; &quot;x&#39;", "plain", "<mark>a</mark><mark>b</mark>"};
    static const char *const bad[][2] = {
        {"<b>x</b>", "&lt;b&gt;x&lt;/b&gt;"},
        {"<mark>x", "&lt;mark&gt;x"},
        {"a & b", "a &amp; b"},
        {"<mark><mark>x</mark></mark>", "&lt;mark&gt;&lt;mark&gt;x&lt;/mark&gt;&lt;/mark&gt;"},
        {"&lt", "&amp;lt"},
        {"x>y", "x&gt;y"},
        {"<MARK>x</MARK>", "&lt;MARK&gt;x&lt;/MARK&gt;"},
        {"<mark onclick=x>y</mark>", "&lt;mark onclick=x&gt;y&lt;/mark&gt;"},
        {"\xff", "\xEF\xBF\xBD"},
        /* accepted, with the quotes the escaper would have escaped */
        {"<mark>it's</mark> `x` \"y\"", "<mark>it&#39;s</mark> &#96;x&#96; &quot;y&quot;"},
    };
    const char *h;
    size_t n;
    for (size_t i = 0; i < COUNT(ok); i++) {
        json_t *v = tmpl_html_marked(ok[i]);
        assert_true(tmpl_html_get(v, &h, &n));
        assert_string_equal(h, ok[i]);
        json_decref(v);
    }
    for (size_t i = 0; i < COUNT(bad); i++) {
        json_t *v = tmpl_html_marked(bad[i][0]);
        assert_true(tmpl_html_get(v, &h, &n));
        assert_string_equal(h, bad[i][1]);
        json_decref(v);
    }
}

/* JSON-LD: a whole <script type="application/ld+json"> element made by tmpl_html_json_ld, raw in
** text (a template value inside <script> does not parse). No string can end the element or
** open a comment in it, and its content parses back to the same document. */
static void test_json_ld(void **state) {
    json_t *doc = json_pack("{s:s, s:s, s:s, s:{s:i}}", "@type", "Product", "name",
                            "</script><script>alert(1)</script> <!-- x --> & </SCRIPT \xE2\x80\xA8\xE2\x80\xA9 Kẹo dừa",
                            "url", "https://example.vn/?a=1&b=<2>", "rating", "ratingValue", 4);
    json_t *v = tmpl_html_json_ld(doc, "n0\"nce<");
    const char *h;
    size_t n;
    assert_true(tmpl_html_get(v, &h, &n));
    const char *open = "<script type=\"application/ld+json\" nonce=\"n0&quot;nce&lt;\">";
    assert_int_equal(strncmp(h, open, strlen(open)), 0);
    const char *body = h + strlen(open), *end = h + n - strlen("</script>");
    assert_string_equal(end, "</script>");
    for (const char *c = body; c < end; c++) assert_true(*c != '<' && *c != '>' && *c != '&');
    assert_null(memmem(body, (size_t)(end - body), "\xE2\x80\xA8", 3));
    assert_null(memmem(body, (size_t)(end - body), "\xE2\x80\xA9", 3));
    assert_non_null(strstr(body, "\\u003c/script\\u003e"));
    json_error_t je;
    json_t *back = json_loadb(body, (size_t)(end - body), 0, &je);
    assert_non_null(back);
    assert_true(json_equal(back, doc));
    json_decref(back);
    /* placed in a template's text, it is written as it is; in an attribute, escaped */
    const char *src = "<head>{{ld}}</head><p title=\"{{ld}}\"></p>";
    TmplSet *s = one(src, strlen(src));
    json_t *view = json_pack("{s:O}", "ld", v);
    Buf b = BUF_INIT;
    tmpl_render(s, "t", view, LANG_VI, &b);
    assert_int_equal(strncmp(buf_str(&b) + 6, h, n), 0);
    assert_non_null(strstr(buf_str(&b), "<p title=\"&lt;script type=&quot;application/ld+json&quot;"));
    buf_free(&b);
    tmpl_free(s);
    json_decref(view);
    json_decref(v);
    json_decref(doc);
}

/* Only the escaper (tmpl.c) and the SVG chart code may call tmpl_html_raw: any other caller in
** src/ could turn data into markup. */
static void test_raw_constructor_callers(void **state) {
    static const char *const allowed[] = {"tmpl.c", "tmpl.h", "svg.c"};
    const char *root = getenv("OCOP_SOURCE");
    assert_non_null(root);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/src", root);
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *de;
    int files = 0;
    while ((de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (n < 3 || (strcmp(de->d_name + n - 2, ".c") && strcmp(de->d_name + n - 2, ".h"))) continue;
        files++;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        Buf b = BUF_INIT;
        slurp(path, &b);
        bool ok = false;
        for (size_t i = 0; i < COUNT(allowed); i++) ok = ok || str_eq(de->d_name, allowed[i]);
        if (!ok && strstr(buf_str(&b), "tmpl_html_raw")) fail_msg("src/%s makes raw trusted HTML", de->d_name);
        buf_free(&b);
    }
    closedir(d);
    assert_true(files > 50);
}

/* Every file of templates/ parses and links, and is the one embedded in the binary (a file
** missing from embedded_inputs in meson.build fails here). */
static void test_every_template(void **state) {
    const char *root = getenv("OCOP_SOURCE");
    assert_non_null(root);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/templates", root);
    TmplSet *s = tmpl_new();
    Err e = ERR_INIT;
    int files = 0;
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (n < 6 || strcmp(de->d_name + n - 5, ".html")) continue;
        char path[8192], rel[512];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        snprintf(rel, sizeof rel, "templates/%s", de->d_name);
        Buf b = BUF_INIT;
        slurp(path, &b);
        if (tmpl_add(s, rel, buf_str(&b), b.n, &e)) fail_msg("%s", e.detail);
        const EmbeddedFile *ef = embed_find(rel);
        if (!ef) fail_msg("%s is not embedded: add it to embedded_inputs in meson.build", rel);
        assert_int_equal(ef->size, b.n);
        assert_memory_equal(ef->data, b.p, b.n);
        buf_free(&b);
        files++;
    }
    closedir(d);
    if (tmpl_link(s, &e)) fail_msg("%s", e.detail);
    assert_true(files >= 4);
    tmpl_free(s);
    /* what ocop serve loads */
    TmplSet *emb = tmpl_load_embedded();
    const char *pages[] = {"layout", "home", "verify", "verify_unknown", "verify_lookup", "verify_form"};
    for (size_t i = 0; i < COUNT(pages); i++) assert_true(tmpl_has(emb, pages[i]));
    assert_false(tmpl_has(emb, "nowhere"));
    tmpl_free(emb);
}

/* Loading a build's templates panics, naming the place, when one does not parse: the process
** (ocop serve) stops before it listens. Run in a child, which must abort with the message. */
static void test_load_refuses(void **state) {
    static const char bad[] = "<p>\n  {{#x}}";
    const EmbeddedFile files[] = {{"sql/001.sql", "x", 1}, {"templates/ok.html", "ok", 2},
                                  {"templates/bad.html", bad, sizeof bad - 1}, {NULL, NULL, 0}};
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 2);
        close(fds[0]);
        tmpl_load(files);
        _exit(0); /* not reached when it refuses */
    }
    close(fds[1]);
    char msg[512] = "";
    size_t got = 0;
    ssize_t k;
    while (got < sizeof msg - 1 && (k = read(fds[0], msg + got, sizeof msg - 1 - got)) > 0) got += (size_t)k;
    msg[got] = 0;
    close(fds[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
    if (!strstr(msg, "a template of this build does not parse: templates/bad.html:2:3: {{#x}} is not closed"))
        fail_msg("unexpected: %s", msg);
    /* the good ones load */
    const EmbeddedFile good[] = {{"templates/ok.html", "ok", 2}, {NULL, NULL, 0}};
    TmplSet *s = tmpl_load(good);
    assert_true(tmpl_has(s, "ok"));
    tmpl_free(s);
}

/* The verification page's template with a hostile certificate: every value escaped. */
static void test_verify_page(void **state) {
    TmplSet *s = tmpl_load_embedded();
    json_t *view = json_loads("{\"cert\": {\"cert_no\": \"86-2026-0001\", \"stars\": 3, \"signature\": \"ocop-cert-v1 a\\\"b\","
                              " \"product\": {\"name\": \"<img src=x onerror=alert(1)>\", \"code\": \"86-1\"},"
                              " \"revocation\": {\"clause\": \"Điều 8.1.c\", \"decision_no\": \"<i>15</i>\","
                              " \"note\": \"<script>x</script>\"}},"
                              " \"is\": {\"revoked\": true}, \"ground\": \"Vi phạm <b>\", \"revoked_on\": \"03/02/2026\","
                              " \"stars\": \"★★★\", \"asset\": {\"css\": \"/static/ocop.0a1b.css\"}, \"has_history\": true,"
                              " \"history\": [{\"on\": \"01/02/2026\", \"event\": \"issued\", \"event_is\": {\"issued\": true},"
                              " \"known\": true}, {\"on\": \"02/02/2026\", \"event\": \"<odd>\", \"known\": false}]}",
                              0, NULL);
    assert_non_null(view);
    Buf b = BUF_INIT;
    tmpl_render(s, "verify", view, LANG_VI, &b);
    const char *out = buf_str(&b);
    const char *must[] = {"<!doctype html>", "<title>Giấy chứng nhận OCOP 86-2026-0001</title>",
                          "<meta name=\"ocop-cert\" content=\"ocop-cert-v1 a&quot;b\">", "<link rel=\"stylesheet\" href=\"/static/ocop.0a1b.css\">",
                          "<td>&lt;img src=x onerror=alert(1)&gt;</td>", "<td class=\"nb\">86-1</td>",
                          "<div class=\"state revoked\" role=\"status\">\n<p class=\"state-name\">Đã thu hồi</p>",
                          "<p>Thu hồi ngày 03/02/2026 theo Quyết định số &lt;i&gt;15&lt;/i&gt;.</p>",
                          "<p>Lý do: Vi phạm &lt;b&gt; (Điều 8.1.c).</p>",
                          "<p>&lt;script&gt;x&lt;/script&gt;</p>", "<td><span class=\"stars\">★★★</span> 3 sao</td>",
                          "<li>01/02/2026: cấp giấy chứng nhận</li>", "<li>02/02/2026: &lt;odd&gt;</li>",
                          "<a href=\"/api/v1/certificates/86-2026-0001/pdf\">"};
    for (size_t i = 0; i < COUNT(must); i++)
        if (!strstr(out, must[i])) fail_msg("the page lacks '%s':\n%s", must[i], out);
    assert_null(strstr(out, "<b>"));
    assert_null(strstr(out, "<i>"));
    assert_null(strstr(out, "Còn hiệu lực"));
    assert_null(strstr(out, "<script>"));
    assert_null(strstr(out, "<img"));
    json_decref(view);
    buf_free(&b);
    tmpl_free(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_escaping),
        cmocka_unit_test(test_bad_bytes),
        cmocka_unit_test(test_attribute_escaping),
        cmocka_unit_test(test_url_escaping),
        cmocka_unit_test(test_refused_contexts),
        cmocka_unit_test(test_sections),
        cmocka_unit_test(test_dotted_names),
        cmocka_unit_test(test_standalone_lines),
        cmocka_unit_test(test_partials),
        cmocka_unit_test(test_layouts),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_trusted_html),
        cmocka_unit_test(test_marked),
        cmocka_unit_test(test_json_ld),
        cmocka_unit_test(test_raw_constructor_callers),
        cmocka_unit_test(test_every_template),
        cmocka_unit_test(test_load_refuses),
        cmocka_unit_test(test_verify_page),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
