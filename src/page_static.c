/*
** page_static.c: the embedded static assets (static/), GET /static/{name}. Each is served under
** a name that carries its content hash, "ocop.<10 hex of SHA-256>.css", so a browser may keep it
** for a year without asking again (Cache-Control: immutable): a new build with a changed file
** has a new name, and pages (never cached: no-store) always link the current one through the
** view's asset.NAME (page_render). A name with another hash is 404, not a redirect: the only
** content served under a name is the content that name was made from. See docs/web.md
** "Styles and static assets".
*/
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "embed.h"
#include "page.h"
#include "util.h"

typedef struct Asset {
    const char *key;  /* the view's asset.KEY */
    const char *file; /* embedded file */
    const char *stem, *ext, *type;
    /* computed once (assets_init) */
    const EmbeddedFile *ef;
    char name[64];    /* "ocop.0123456789.css" */
    char url[80];     /* "/static/ocop.0123456789.css" */
    char etag[16];    /* "\"0123456789\"": the 10 hex digits of the name */
} Asset;

static Asset assets[] = {
    {"css", "static/ocop.css", "ocop", ".css", "text/css; charset=utf-8", NULL, "", "", ""},
    {"work", "static/work.css", "work", ".css", "text/css; charset=utf-8", NULL, "", "", ""},
    {"sheet", "static/sheet.js", "sheet", ".js", "text/javascript; charset=utf-8", NULL, "", "", ""},
};

static pthread_once_t assets_once = PTHREAD_ONCE_INIT;

static void assets_init(void) {
    if (sodium_init() < 0) panic("libsodium did not initialise");
    for (size_t i = 0; i < COUNT(assets); i++) {
        Asset *a = &assets[i];
        a->ef = embed_find(a->file);
        if (!a->ef) panic("static asset %s is not embedded in this build (meson.build embedded_inputs)", a->file);
        unsigned char h[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(h, (const unsigned char *)a->ef->data, a->ef->size);
        char hex[2 * crypto_hash_sha256_BYTES + 1];
        sodium_bin2hex(hex, sizeof hex, h, sizeof h);
        snprintf(a->name, sizeof a->name, "%.20s.%.10s%.8s", a->stem, hex, a->ext);
        snprintf(a->url, sizeof a->url, "/static/%.20s.%.10s%.8s", a->stem, hex, a->ext);
        snprintf(a->etag, sizeof a->etag, "\"%.10s\"", hex);
    }
}

json_t *static_urls(void) {
    pthread_once(&assets_once, assets_init);
    json_t *o = json_object();
    for (size_t i = 0; i < COUNT(assets); i++) json_object_set_new(o, assets[i].key, json_string(assets[i].url));
    return o;
}

/* Does an If-None-Match value (a list of entity tags, weak or strong, or "*") name etag? */
static bool etag_listed(const char *list, const char *etag) {
    size_t n = strlen(etag);
    for (const char *p = list; *p;) {
        p += strspn(p, " \t,");
        if (!*p) break;
        size_t len = strcspn(p, ",");
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t')) len--;
        const char *t = p;
        if (len >= 2 && t[0] == 'W' && t[1] == '/') t += 2, len -= 2;
        if ((len == 1 && *t == '*') || (len == n && memcmp(t, etag, n) == 0)) return true;
        p = t + len;
        p += strcspn(p, ",");
    }
    return false;
}

int page_static(Req *r) {
    pthread_once(&assets_once, assets_init);
    const char *name = r->pathv[0];
    for (size_t i = 0; i < COUNT(assets); i++) {
        const Asset *a = &assets[i];
        if (!str_eq(name, a->name)) continue;
        resp_header(r, "ETag", a->etag);
        resp_header(r, "Cache-Control", "public, max-age=31536000, immutable");
        const char *inm = req_header(r, "If-None-Match");
        if (inm && etag_listed(inm, a->etag)) return resp_text(r, 304, a->type, "", 0);
        return resp_text(r, 200, a->type, a->ef->data, a->ef->size);
    }
    return resp_error(r, 404, NULL, "no static file is called '%s' (the name of a file carries its content hash)", name);
}
