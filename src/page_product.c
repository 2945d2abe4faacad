/*
** page_product.c: the public page of a product, GET /san-pham/{id}: its photos, producer, place
** (on the 2025 geography, and on the earlier one when the record names its commune there), its
** stars with the certificate's live state linking to the verification page, the recognition
** history, points of sale, sales channels and links, intellectual-property records, and
** schema.org JSON-LD (a Product with its Certification and its manufacturer). The markup is
** templates/product.html; this file builds its view from the domain's public outputs:
** entity_get (the product, its producer as the anonymous actor sees it), certificate_list
** (the live state of the certificates ocop issued), registry_points_of and unit_get. A fixed
** number of statements whatever the product: no query per recognition, photo or point.
*/
#include <string.h>

#include "api.h"
#include "decision.h"
#include "entity.h"
#include "page.h"
#include "page_record.h"
#include "registry.h"
#include "rubric.h"
#include "tmpl.h"
#include "unit.h"
#include "util.h"

/* ---- photos ------------------------------------------------------------------------------------ */

/* The sizes of one format of a photo for srcset: [{sha, width, first}], narrowest first, one a
** width. */
static json_t *sizes_of(json_t *variants, const char *format) {
    json_t *out = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(variants, i, v) {
        const char *url = page_jstr(v, "url");
        json_int_t w = json_integer_value(json_object_get(v, "width"));
        if (!str_eq(page_jstr(v, "format"), format) || !url || !str_has_prefix(url, "/files/")) continue;
        /* one candidate a width: the full-size JPEG of a small picture has the width of its last size */
        json_t *prev = json_array_get(out, json_array_size(out) - 1);
        if (prev && json_integer_value(json_object_get(prev, "width")) == w) continue;
        json_array_append_new(out, json_pack("{s:s, s:O, s:b}", "sha", url + 7, "width", json_object_get(v, "width"),
                                             "first", json_array_size(out) == 0));
    }
    return out;
}

/* [{webp, jpeg (sizes_of), src (the 640 px JPEG, or the widest below it), width, height, alt,
** lazy}]: every photo but the first loads lazily (the first is what a visitor sees at once). */
static json_t *photos_view(json_t *photos, const char *alt) {
    json_t *out = json_array();
    size_t i;
    json_t *p;
    json_array_foreach(photos, i, p) {
        json_t *variants = json_object_get(p, "variants");
        json_t *jpeg = sizes_of(variants, "jpeg"), *webp = sizes_of(variants, "webp");
        const char *src = page_jstr(p, "sha256");
        json_int_t w = json_integer_value(json_object_get(p, "width")), h = json_integer_value(json_object_get(p, "height"));
        size_t k;
        json_t *v;
        json_array_foreach(variants, k, v) {
            json_int_t vw = json_integer_value(json_object_get(v, "width"));
            if (!str_eq(page_jstr(v, "format"), "jpeg") || (vw > 640 && k > 0)) continue;
            src = page_jstr(v, "url") + 7;
            w = vw;
            h = json_integer_value(json_object_get(v, "height"));
        }
        json_t *o = json_pack("{s:b, s:o, s:o, s:s, s:s, s:b}", "has_webp", json_array_size(webp) > 0, "webp", webp, "jpeg",
                              jpeg, "src", src, "alt", alt, "lazy", i > 0);
        if (w > 0 && h > 0) json_object_set_new(o, "size", json_pack("{s:I, s:I}", "width", w, "height", h));
        json_array_append_new(out, o);
    }
    return out;
}

/* ---- recognitions and their certificates ----------------------------------------------------- */

/* One recognition as the page shows it. cert is ocop's certificate of it (certificate_list: the
** live state, its issuer, what superseded it) or NULL for a recognition recorded from paper, whose
** state the registry derives (recognition_state). */
static json_t *recognition_view(Req *r, json_t *rec, json_t *cert, const char *today) {
    const char *state = cert ? page_jstr(cert, "state") : page_jstr(rec, "state");
    const char *expires = page_jstr(rec, "expires_on");
    /* The re-evaluation window opens 180 days before expiry (QĐ 26/2026 Điều 7.6.a): from then
    ** on the certificate is "expiring soon". The number is the score sheet's data. */
    char soon[11] = "";
    date_add_days(today, (int)rubric_rule_num(rubric_current(), "reevaluation_opens_days"), soon);
    bool expiring = str_eq(state, "valid") && expires && strcmp(expires, soon) <= 0;
    char last[11] = "", through[11], dd[11], ended[11];
    if (date_valid(expires)) date_add_days(expires, -1, last); /* expires_on is the first day without force */
    const char *level = page_jstr(rec, "level");
    const Field *lf = entity_field(&ENTITY_RECOGNITIONS, "level");
    json_t *o = json_pack("{s:I, s:s, s:O, s:s?, s:s, s:s, s:s, s:o, s:b, s:b}", "stars", (json_int_t)json_integer_value(
                              json_object_get(rec, "stars")), "stars_text", page_stars((int)json_integer_value(json_object_get(rec, "stars"))),
                          "decision_no", json_object_get(rec, "decision_no"), "cert_no", page_jstr(rec, "cert_no"),
                          "decided_on", page_dmy(page_jstr(rec, "decision_date"), dd), "valid_through", page_dmy(last, through),
                          "level", level ? entity_enum_label(lf->enums, level, r->lang == LANG_VI) : "",
                          "is", page_is(state), "expiring", expiring, "verifiable", cert != NULL || page_jstr(rec, "cert_no"));
    json_object_set_new(o, "ended_on", json_string(page_dmy(page_jstr(cert ? cert : rec, "ended_on"), ended)));
    /* every key the template asks for, so none falls back to an outer context (docs/web.md) */
    json_object_set_new(o, "issuer", json_null());
    json_object_set_new(o, "superseded_by", json_null());
    json_object_set_new(o, "ground", json_null());
    if (cert) {
        json_object_set_new(o, "issuer", json_string(page_jstr(cert, "issuer")));
        json_object_set(o, "superseded_by", json_object_get(cert, "superseded_by"));
        json_t *rv = json_object_get(cert, "revocation");
        if (json_is_object(rv))
            json_object_set_new(o, "ground", json_string(page_jstr(rv, r->lang == LANG_VI ? "vi" : "en")));
    }
    return o;
}

/* The product's certificates that ocop issued, by number (certificate_list, live states). */
static json_t *certificates_by_no(Req *r, int64_t product, const char *today) {
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)product);
    CertificateQuery q = {.product_id = id, .today = today, .limit = 100};
    json_t *items = NULL, *out = json_object();
    int64_t total = 0;
    Err e = ERR_INIT;
    if (certificate_list(r->db, &q, &items, &total, &e) == 0) {
        size_t i;
        json_t *c;
        json_array_foreach(items, i, c) json_object_set(out, page_jstr(c, "cert_no"), c);
    }
    err_clear(&e);
    json_decref(items);
    return out;
}

/* The history, newest first, and the recognition the page heads with: the one in force today,
** else the latest that carried a certificate (so an expired or revoked one says so), else none. */
static void recognitions_view(Req *r, json_t *product, json_t *view, const char *today) {
    json_t *certs = certificates_by_no(r, json_integer_value(json_object_get(product, "id")), today);
    json_t *recs = json_object_get(product, "recognitions"), *history = json_array(), *head = NULL;
    json_int_t current = json_integer_value(json_object_get(json_object_get(product, "recognition"), "id"));
    int certified = rubric_certified_stars(rubric_current());
    for (size_t i = json_array_size(recs); i-- > 0;) {
        json_t *rec = json_array_get(recs, i);
        const char *no = page_jstr(rec, "cert_no");
        json_t *v = recognition_view(r, rec, no ? json_object_get(certs, no) : NULL, today);
        json_array_append_new(history, v);
        json_int_t id = json_integer_value(json_object_get(rec, "id"));
        if (current ? id == current : !head && json_integer_value(json_object_get(rec, "stars")) >= certified) head = v;
    }
    json_object_set_new(view, "history", history);
    json_object_set(view, "current", head ? head : json_null());
    json_decref(certs);
}

/* ---- the producer, the places, the channels -------------------------------------------------------- */

/* The labels of the producer's sales channels, and the links out: its own website (of an
** organisation: page_producer_public) and the online shops among the points of sale. */
static void channels_view(Req *r, json_t *producer, json_t *points, json_t *view) {
    const Field *cf = entity_field(&ENTITY_PRODUCERS, "channels");
    json_t *links = json_array();
    Buf labels = BUF_INIT;
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(producer, "channels"), i, c)
        buf_printf(&labels, "%s%s", i ? ", " : "", entity_enum_label(cf->enums, json_string_value(c), r->lang == LANG_VI));
    const char *site = page_jstr(producer, "website");
    if (page_web_link(site)) json_array_append_new(links, json_pack("{s:s, s:s}", "url", site, "name", page_jstr(producer, "name")));
    json_array_foreach(points, i, c)
        if (page_web_link(page_jstr(c, "website")))
            json_array_append_new(links, json_pack("{s:s, s:s}", "url", page_jstr(c, "website"), "name", page_jstr(c, "name")));
    json_object_set_new(view, "channels", json_string(buf_str(&labels)));
    json_object_set_new(view, "links", links);
    buf_free(&labels);
}

/* ---- schema.org ----------------------------------------------------------------------------------- */

/* The schema.org Product of the page (https://schema.org/Product): its certification
** (https://schema.org/Certification) with the rating in stars, the certificate number, validity
** and issuer, and the producer as its manufacturer (an Organization). URLs are absolute, on the
** server's public address. */
static json_t *json_ld(Req *r, json_t *product, json_t *producer, json_t *view) {
    const char *base = r->app->public_url ? r->app->public_url : "";
    json_int_t id = json_integer_value(json_object_get(product, "id"));
    json_t *ld = json_pack("{s:s, s:s, s:s, s:s?, s:s, s:s?, s:s?}", "@context", "https://schema.org", "@type", "Product",
                           "name", page_jstr(product, "name"), "productID", page_jstr(product, "code"), "url",
                           arena_printf(&r->arena, "%s/san-pham/%lld", base, (long long)id), "description",
                           page_jstr(product, "description"), "category", page_jstr(product, "set_name"));
    const char *gtin = page_jstr(product, "gtin");
    if (gtin) json_object_set_new(ld, "gtin", json_string(gtin));
    json_t *images = json_array();
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(product, "photos"), i, p)
        json_array_append_new(images, json_string(arena_printf(&r->arena, "%s%s", base, page_jstr(p, "url"))));
    if (json_array_size(images)) json_object_set_new(ld, "image", images);
    else json_decref(images);
    json_t *org = json_pack("{s:s, s:s, s:{s:s, s:s?, s:s?, s:s?, s:s}}", "@type", "Organization", "name",
                            page_jstr(producer, "name"), "address", "@type", "PostalAddress", "streetAddress",
                            page_jstr(producer, "address"), "addressLocality",
                            page_jstr(json_object_get(producer, "commune"), "name"), "addressRegion",
                            page_jstr(json_object_get(producer, "commune"), "province_name"), "addressCountry", "VN");
    if (page_web_link(page_jstr(producer, "website"))) json_object_set_new(org, "url", json_string(page_jstr(producer, "website")));
    json_object_set_new(ld, "manufacturer", org);
    json_t *cur = json_object_get(view, "current");
    json_t *rec = NULL;
    json_array_foreach(json_object_get(product, "recognitions"), i, p)
        if (json_is_object(cur) && str_eq(page_jstr(p, "decision_no"), page_jstr(cur, "decision_no")) &&
            json_integer_value(json_object_get(p, "stars")) == json_integer_value(json_object_get(cur, "stars")))
            rec = p;
    if (rec) {
        const char *no = page_jstr(rec, "cert_no");
        bool valid = json_is_true(json_object_get(json_object_get(cur, "is"), "valid"));
        json_t *c = json_pack("{s:s, s:s, s:{s:s, s:I, s:i, s:i}, s:s?, s:s?, s:s}", "@type", "Certification", "name",
                              arena_printf(&r->arena, "OCOP %lld★", (long long)json_integer_value(json_object_get(rec, "stars"))),
                              "certificationRating", "@type", "Rating", "ratingValue",
                              (json_int_t)json_integer_value(json_object_get(rec, "stars")), "bestRating", 5, "worstRating", 1,
                              "validFrom", page_jstr(rec, "decision_date"), "expires", page_jstr(rec, "expires_on"),
                              "certificationStatus", valid ? "https://schema.org/CertificationActive"
                                                           : "https://schema.org/CertificationInactive");
        if (no) json_object_set_new(c, "certificationIdentification", json_string(no));
        const char *issuer = page_jstr(cur, "issuer");
        json_object_set_new(c, "issuedBy", json_pack("{s:s, s:s}", "@type", "Organization", "name",
                                                      issuer ? issuer : page_jstr(cur, "level")));
        if (no && json_is_true(json_object_get(cur, "verifiable")))
            json_object_set_new(c, "url", json_string(arena_printf(&r->arena, "%s/xac-minh/%s", base, no)));
        json_object_set_new(ld, "hasCertification", c);
    }
    return ld;
}

/* ---- the page -------------------------------------------------------------------------------------- */

int page_product(Req *r) {
    int64_t id;
    if (!page_path_id(r, &id)) return page_no_record(r);
    Err e = ERR_INIT;
    json_t *product = entity_get(r->db, &ENTITY_PRODUCTS, id, &e);
    if (!product) return resp_problem(r, &e);
    entity_redact(r->db, &ENTITY_PRODUCTS, &r->actor, product);
    json_t *producer = entity_get(r->db, &ENTITY_PRODUCERS, json_integer_value(json_object_get(product, "producer_id")), &e);
    if (!producer) {
        json_decref(product);
        return resp_problem(r, &e);
    }
    entity_redact(r->db, &ENTITY_PRODUCERS, &r->actor, producer);
    char today[11];
    date_today(today);
    json_t *commune = json_object_get(product, "commune");
    json_t *view = json_pack("{s:O, s:s, s:s?, s:s?, s:O, s:s?, s:s?, s:s?, s:s?, s:o, s:o}", "id",
                             json_object_get(product, "id"), "name", page_jstr(product, "name"), "code",
                             page_jstr(product, "code"), "description", page_jstr(product, "description"), "set_no",
                             json_object_get(product, "set_no"), "set_name", page_jstr(product, "set_name"),
                             "group_name", page_jstr(product, "group_name"), "subgroup_name",
                             page_jstr(product, "subgroup_name"), "gtin", page_jstr(product, "gtin"), "place",
                             json_pack("{s:s?, s:s?, s:o}", "commune", page_jstr(commune, "name"), "province",
                                       page_jstr(commune, "province_name"), "old",
                                       page_old_place(r, page_jstr(product, "commune_code_old"))),
                             "photos", photos_view(json_object_get(product, "photos"), page_jstr(product, "name")));
    json_t *ip = json_pack("{s:s?, s:s?, s:s?}", "trademark_no", page_jstr(product, "trademark_no"), "gi",
                           page_jstr(product, "gi"), "mark", page_jstr(product, "mark"));
    json_object_set_new(view, "ip", json_object_size(ip) ? ip : (json_decref(ip), json_null()));
    json_object_set_new(view, "producer", page_producer_card(r, producer));
    recognitions_view(r, product, view, today);
    json_t *points = registry_points_of(r->db, id);
    channels_view(r, producer, points, view);
    json_object_set_new(view, "points", page_points_view(r, points));
    json_decref(points);
    json_object_set_new(view, "has", json_pack("{s:b, s:b, s:b, s:b}", "photos",
                                               json_array_size(json_object_get(view, "photos")) > 0, "history",
                                               json_array_size(json_object_get(view, "history")) > 0, "points",
                                               json_array_size(json_object_get(view, "points")) > 0, "links",
                                               json_array_size(json_object_get(view, "links")) > 0));
    json_t *ld = json_ld(r, product, producer, view);
    json_object_set_new(view, "json_ld", tmpl_html_json_ld(ld, r->nonce));
    json_decref(ld);
    json_decref(product);
    json_decref(producer);
    return page_render(r, 200, "product", view);
}
