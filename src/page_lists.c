/*
** page_lists.c: the public list pages, each a table of data for page_list.c: /san-pham (the
** catalogue of products), /chu-the (producers), /diem-ban (points of sale), /lang-nghe (craft
** villages). Each row links to the record's own page (/san-pham/{id}, ...). What a row holds is
** read for the whole page at once (registry.h), and only what the law lets be public: the
** records come from entity_list for the caller (anonymous: without the personal fields of
** FF_PERSONAL), and a row copies only the fields its template shows.
*/
#include <string.h>

#include "api.h"
#include "page.h"
#include "page_list.h"
#include "refdata.h"
#include "registry.h"
#include "tmpl.h"
#include "util.h"

static const char *jstr(json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The name, highlighted where it matches the search q. */
static json_t *name_view(json_t *o, const char *q) {
    const char *name = jstr(o, "name");
    return q && *q ? tmpl_html_highlight(name ? name : "", q) : tmpl_html_text(name ? name : "");
}

/* "commune" and "province" of a row from the page's communes. */
static void place_view(json_t *row, json_t *communes, json_t *o) {
    json_t *c = json_object_get(communes, jstr(o, "commune_code") ? jstr(o, "commune_code") : "");
    json_object_set(row, "commune", json_object_get(c, "name"));
    json_object_set(row, "province", json_object_get(c, "province_name"));
}

static const char *enum_label(Req *r, const Entity *en, const char *field, const char *value) {
    const Field *f = entity_field(en, field);
    return value ? entity_enum_label(f->enums, value, r->lang == LANG_VI) : NULL;
}

/* ---- /san-pham ------------------------------------------------------------------------------ */

/* "a 320w, b 640w" of the variants of mime. */
static json_t *srcset(json_t *variants, const char *mime) {
    Buf b = BUF_INIT;
    size_t i;
    json_t *v;
    json_array_foreach(variants, i, v) {
        if (!str_eq(jstr(v, "mime"), mime) || json_integer_value(json_object_get(v, "width")) > 640) continue;
        buf_printf(&b, "%s%s %lldw", b.n ? ", " : "", jstr(v, "url"), (long long)json_integer_value(json_object_get(v, "width")));
    }
    json_t *out = b.n ? json_stringn(b.p, b.n) : NULL;
    buf_free(&b);
    return out;
}

/* The thumbnail: the narrowest JPEG as src, JPEG and WebP srcsets up to 640 px, its size. */
static json_t *photo_view(json_t *photo) {
    if (!photo) return NULL;
    json_t *variants = json_object_get(photo, "variants"), *first = NULL;
    size_t i;
    json_t *v;
    json_array_foreach(variants, i, v) if (!first && str_eq(jstr(v, "mime"), "image/jpeg")) first = v;
    if (!first) return json_pack("{s:s?}", "src", jstr(photo, "url"));
    return json_pack("{s:s?, s:o*, s:o*, s:O, s:O}", "src", jstr(first, "url"), "jpeg", srcset(variants, "image/jpeg"),
                     "webp", srcset(variants, "image/webp"), "width", json_object_get(first, "width"), "height",
                     json_object_get(first, "height"));
}

/* The certificate's state as the card says it: valid until its last day, expired, revoked. */
static json_t *cert_view(json_t *rec) {
    if (!rec) return NULL;
    const char *state = jstr(rec, "state");
    if (!str_eq(state, "valid") && !str_eq(state, "expired") && !str_eq(state, "revoked")) return NULL;
    int stars = (int)json_integer_value(json_object_get(rec, "stars"));
    json_t *v = json_pack("{s:s, s:{s:b}, s:s, s:i}", "state", state, "is", state, true, "stars", page_stars(stars),
                          "stars_n", stars);
    /* expires_on is the first day without force; the card says the last day with it */
    char last[11] = "", d[11];
    if (date_valid(jstr(rec, "expires_on"))) date_add_days(jstr(rec, "expires_on"), -1, last);
    json_object_set_new(v, "until", json_string(page_dmy(last, d)));
    json_object_set(v, "cert_no", json_object_get(rec, "cert_no"));
    return v;
}

static json_t *product_rows(Req *r, json_t *items, const char *q) {
    int n;
    int64_t *ids = page_list_ids(r, items, &n);
    json_t *cards = registry_product_cards(r->db, ids, n), *communes = page_list_communes(r, items), *rows = json_array();
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o) {
        json_t *card = json_object_get(cards, arena_printf(&r->arena, "%lld", (long long)ids[i]));
        json_t *row = json_pack("{s:O, s:o, s:O, s:O, s:O, s:o*, s:o*}", "id", json_object_get(o, "id"), "name",
                                name_view(o, q), "code", json_object_get(o, "code"), "producer_id",
                                json_object_get(card, "producer_id"), "producer_name",
                                json_object_get(card, "producer_name"), "cert",
                                cert_view(json_object_get(card, "recognition")), "photo",
                                photo_view(json_object_get(card, "photo")));
        place_view(row, communes, o);
        json_array_append_new(rows, row);
    }
    json_decref(cards);
    json_decref(communes);
    return rows;
}

static json_t *product_sets(Req *r) {
    ProductSet *v;
    int n;
    Err e = ERR_INIT;
    json_t *out = json_array();
    if (product_sets_list(r->db, &r->arena, NULL, &v, &n, &e)) {
        err_clear(&e);
        return out;
    }
    for (int i = 0; i < n; i++)
        json_array_append_new(out, json_pack("{s:s, s:s}", "value", arena_printf(&r->arena, "%d", v[i].set_no), "label",
                                             arena_printf(&r->arena, "%d. %s", v[i].set_no, v[i].name)));
    return out;
}

json_t *page_list_producer_types(Req *r) { return page_list_enum(r, entity_field(&ENTITY_PRODUCERS, "type")->enums); }
static json_t *point_kinds(Req *r) { return page_list_enum(r, entity_field(&ENTITY_POINTS, "kind")->enums); }

/* QĐ 26/2026 Phụ lục I: the six product groups. */
static const ListOption product_groups[] = {
    {"I", N_("Food")},
    {"II", N_("Beverages")},
    {"III", N_("Herbal medicines and products from them")},
    {"IV", N_("Handicrafts")},
    {"V", N_("Ornamental plants and animals")},
    {"VI", N_("Community tourism, eco-tourism and tourist sites")},
    {NULL, NULL},
};

const ListOption LIST_STAR_OPTIONS[] = {
    {"5", N_("5 stars")},
    {"4", N_("4 stars")},
    {"3", N_("3 stars")},
    {NULL, NULL},
};

static const ListOption cert_options[] = {
    {"valid", N_("Certificate valid")},
    {"expired", N_("Certificate expired")},
    {"revoked", N_("Certificate revoked")},
    {NULL, NULL},
};

static const ListFilter product_filters[] = {
    {"province", N_("Province"), LF_PROVINCE, NULL, NULL},
    {"commune_code", N_("Commune"), LF_COMMUNE, NULL, NULL},
    {"group", N_("Product group"), LF_OPTIONS, product_groups, NULL},
    {"set_no", N_("Product set"), LF_OPTIONS, NULL, product_sets},
    {"stars", N_("Stars"), LF_OPTIONS, LIST_STAR_OPTIONS, NULL},
    {"producer_type", N_("Producer type"), LF_OPTIONS, NULL, page_list_producer_types},
    {"cert", N_("Certificate"), LF_OPTIONS, cert_options, NULL},
    {NULL, NULL, 0, NULL, NULL},
};

static const ListOption product_sorts[] = {
    {"name", N_("Name (A to Z)")},
    {"-stars", N_("Most stars first")},
    {"-recognized", N_("Newest recognition first")},
    {"code", N_("Product code")},
    {NULL, NULL},
};

static const ListPage PRODUCTS_PAGE = {&ENTITY_PRODUCTS, "/san-pham", "list_products", N_("OCOP products"),
                                       product_filters, product_sorts, product_rows, NULL, NULL};

int page_products(Req *r) { return page_list(r, &PRODUCTS_PAGE); }

/* ---- /chu-the -------------------------------------------------------------------------------- */

static json_t *producer_rows(Req *r, json_t *items, const char *q) {
    int n;
    int64_t *ids = page_list_ids(r, items, &n);
    json_t *counts = registry_product_counts(r->db, ids, n), *communes = page_list_communes(r, items), *rows = json_array();
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o) {
        json_int_t products = json_integer_value(json_object_get(counts, arena_printf(&r->arena, "%lld", (long long)ids[i])));
        /* an organisation's name, address and public contact (its website); never a person's */
        json_t *row = json_pack("{s:O, s:o, s:s?, s:O, s:O, s:I}", "id", json_object_get(o, "id"), "name", name_view(o, q),
                                "type", enum_label(r, &ENTITY_PRODUCERS, "type", jstr(o, "type")), "address",
                                json_object_get(o, "address"), "website", json_object_get(o, "website"), "products",
                                products);
        place_view(row, communes, o);
        json_array_append_new(rows, row);
    }
    json_decref(counts);
    json_decref(communes);
    return rows;
}

static const ListFilter producer_filters[] = {
    {"province", N_("Province"), LF_PROVINCE, NULL, NULL},
    {"commune_code", N_("Commune"), LF_COMMUNE, NULL, NULL},
    {"type", N_("Producer type"), LF_OPTIONS, NULL, page_list_producer_types},
    {NULL, NULL, 0, NULL, NULL},
};

const ListOption LIST_NAME_SORTS[] = {
    {"name", N_("Name (A to Z)")},
    {"-name", N_("Name (Z to A)")},
    {"-created_at", N_("Newest first")},
    {NULL, NULL},
};

static const ListPage PRODUCERS_PAGE = {&ENTITY_PRODUCERS, "/chu-the", "list_producers", N_("OCOP producers"),
                                        producer_filters, LIST_NAME_SORTS, producer_rows, NULL, NULL};

int page_producers(Req *r) { return page_list(r, &PRODUCERS_PAGE); }

/* ---- /diem-ban ------------------------------------------------------------------------------- */

static json_t *point_rows(Req *r, json_t *items, const char *q) {
    json_t *communes = page_list_communes(r, items), *rows = json_array();
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o) {
        json_t *row = json_pack("{s:O, s:o, s:s?, s:O, s:O, s:O, s:O}", "id", json_object_get(o, "id"), "name",
                                name_view(o, q), "kind", enum_label(r, &ENTITY_POINTS, "kind", jstr(o, "kind")), "address",
                                json_object_get(o, "address"), "operator", json_object_get(o, "operator"), "phone",
                                json_object_get(o, "phone"), "website", json_object_get(o, "website"));
        place_view(row, communes, o);
        json_array_append_new(rows, row);
    }
    json_decref(communes);
    return rows;
}

static const ListFilter point_filters[] = {
    {"province", N_("Province"), LF_PROVINCE, NULL, NULL},
    {"commune_code", N_("Commune"), LF_COMMUNE, NULL, NULL},
    {"kind", N_("Kind of point of sale"), LF_OPTIONS, NULL, point_kinds},
    {NULL, NULL, 0, NULL, NULL},
};

static const ListPage POINTS_PAGE = {&ENTITY_POINTS, "/diem-ban", "list_points", N_("Points of sale of OCOP products"),
                                     point_filters, LIST_NAME_SORTS, point_rows, NULL, NULL};

int page_points(Req *r) { return page_list(r, &POINTS_PAGE); }

/* ---- /lang-nghe ------------------------------------------------------------------------------ */

static json_t *village_rows(Req *r, json_t *items, const char *q) {
    json_t *communes = page_list_communes(r, items), *rows = json_array();
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o) {
        char d[11];
        json_t *row = json_pack("{s:O, s:o, s:O, s:b, s:s, s:O}", "id", json_object_get(o, "id"), "name", name_view(o, q),
                                "crafts", json_object_get(o, "crafts"), "traditional",
                                json_is_true(json_object_get(o, "traditional")), "recognized_on",
                                page_dmy(jstr(o, "recognized_on"), d), "households", json_object_get(o, "households"));
        place_view(row, communes, o);
        json_array_append_new(rows, row);
    }
    json_decref(communes);
    return rows;
}

static const ListOption village_kinds[] = {
    {"true", N_("Traditional craft village")},
    {"false", N_("Craft village")},
    {NULL, NULL},
};

static const ListFilter village_filters[] = {
    {"province", N_("Province"), LF_PROVINCE, NULL, NULL},
    {"commune_code", N_("Commune"), LF_COMMUNE, NULL, NULL},
    {"traditional", N_("Kind of village"), LF_OPTIONS, village_kinds, NULL},
    {NULL, NULL, 0, NULL, NULL},
};

static const ListOption village_sorts[] = {
    {"name", N_("Name (A to Z)")},
    {"-name", N_("Name (Z to A)")},
    {"-recognized_on", N_("Newest recognition first")},
    {NULL, NULL},
};

static const ListPage VILLAGES_PAGE = {&ENTITY_VILLAGES, "/lang-nghe", "list_villages", N_("Craft villages"),
                                       village_filters, village_sorts, village_rows, NULL, NULL};

int page_villages(Req *r) { return page_list(r, &VILLAGES_PAGE); }
