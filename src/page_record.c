/*
** page_record.c: the public pages of a producer (GET /chu-the/{id}), a point of sale
** (GET /diem-ban/{id}) and a craft village (GET /lang-nghe/{id}), and what they share with the
** product page (page_record.h). Each builds its view from the record as entity_get returns it,
** redacted for the caller (entity_redact: an anonymous visitor never gets a person's phone,
** e-mail, gender, ethnicity or disability), and from the registry's one-statement lists of
** products and producers (registry.h). The markup is templates/producer.html, point.html and
** village.html, with the product rows in records_products.html.
*/
#include "page_record.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "page.h"
#include "registry.h"
#include "unit.h"
#include "util.h"

const char *page_jstr(json_t *o, const char *key) {
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

json_t *page_is(const char *state) {
    json_t *o = json_object();
    if (state) json_object_set_new(o, state, json_true());
    return o;
}

bool page_path_id(Req *r, int64_t *id) {
    return r->npath > 0 && parse_i64(r->pathv[0], id) && *id > 0;
}

int page_no_record(Req *r) {
    return resp_error(r, 404, "id", "nothing is recorded under the id '%.40s'", r->npath > 0 ? r->pathv[0] : "");
}

bool page_web_link(const char *url) {
    return url && (strncasecmp(url, "https://", 8) == 0 || strncasecmp(url, "http://", 7) == 0);
}

json_t *page_old_place(Req *r, const char *code) {
    Unit c, d, p;
    Err e = ERR_INIT;
    if (!code || unit_get(r->db, &r->arena, code, UNIT_LAST_OLD_DATE, &c, &e) ||
        unit_province(r->db, &r->arena, code, UNIT_LAST_OLD_DATE, &p, &e)) {
        err_clear(&e);
        return json_null();
    }
    json_t *o = json_pack("{s:s, s:s}", "commune", unit_full_name(&r->arena, &c), "province", unit_full_name(&r->arena, &p));
    if (c.parent_code && !str_eq(c.parent_code, p.code) &&
        unit_get(r->db, &r->arena, c.parent_code, UNIT_LAST_OLD_DATE, &d, &e) == 0)
        json_object_set_new(o, "district", json_string(unit_full_name(&r->arena, &d)));
    err_clear(&e);
    return o;
}


/* The label of enumerated field name of en for value, in r's language ("" for NULL). */
static const char *enum_label(Req *r, const Entity *en, const char *name, const char *value) {
    return value ? entity_enum_label(entity_field(en, name)->enums, value, r->lang == LANG_VI) : "";
}

json_t *page_producer_card(Req *r, json_t *producer) {
    const char *type = page_jstr(producer, "type"), *site = page_jstr(producer, "website");
    json_t *commune = json_object_get(producer, "commune");
    json_t *o = json_pack("{s:O, s:s, s:s, s:s?, s:s?, s:s?, s:o}", "id", json_object_get(producer, "id"), "name",
                          page_jstr(producer, "name"), "type", enum_label(r, &ENTITY_PRODUCERS, "type", type), "address",
                          page_jstr(producer, "address"), "commune", page_jstr(commune, "name"), "province",
                          page_jstr(commune, "province_name"), "old",
                          page_old_place(r, page_jstr(producer, "commune_code_old")));
    if (producer_is_organisation(type)) {
        if (page_web_link(site)) json_object_set_new(o, "website", json_string(site));
        /* the published contact of an organisation (a person's phone and e-mail never come here) */
        const char *phone = page_jstr(producer, "contact_phone"), *mail = page_jstr(producer, "contact_email");
        if (phone) json_object_set_new(o, "phone", json_string(phone));
        if (mail) json_object_set_new(o, "email", json_string(mail));
    }
    json_int_t vid = json_integer_value(json_object_get(producer, "village_id"));
    if (vid > 0 && page_jstr(producer, "village_name"))
        json_object_set_new(o, "village", json_pack("{s:I, s:s}", "id", vid, "name", page_jstr(producer, "village_name")));
    return o;
}

json_t *page_points_view(Req *r, json_t *points) {
    json_t *out = json_array();
    size_t i;
    json_t *p;
    json_array_foreach(points, i, p) {
        json_t *o = json_deep_copy(p);
        json_object_set_new(o, "kind", json_string(enum_label(r, &ENTITY_POINTS, "kind", page_jstr(p, "kind"))));
        if (!page_web_link(page_jstr(p, "website"))) json_object_set_new(o, "website", json_null());
        json_array_append_new(out, o);
    }
    return out;
}

/* view's "products" (registry_products_of, stolen) as the product rows show them (stars as ★),
** and "has_products". */
static void set_products(json_t *view, json_t *products) {
    size_t i;
    json_t *p;
    json_array_foreach(products, i, p)
        json_object_set_new(p, "stars_text", json_string(page_stars((int)json_integer_value(json_object_get(p, "stars")))));
    json_object_set_new(view, "has_products", json_boolean(json_array_size(products) > 0));
    json_object_set_new(view, "products", products);
}

/* The record id of en that the path names, as the anonymous actor (or the caller) may see it:
** a new reference, or NULL after answering 404. */
static json_t *record_of(Req *r, const Entity *en, int64_t *id) {
    if (!page_path_id(r, id)) {
        page_no_record(r);
        return NULL;
    }
    Err e = ERR_INIT;
    json_t *o = entity_get(r->db, en, *id, &e);
    if (!o) {
        resp_problem(r, &e);
        return NULL;
    }
    entity_redact(r->db, en, &r->actor, o);
    return o;
}

int page_producer(Req *r) {
    int64_t id;
    json_t *producer = record_of(r, &ENTITY_PRODUCERS, &id);
    if (!producer) return r->status;
    char today[11];
    date_today(today);
    json_t *view = json_pack("{s:o}", "producer", page_producer_card(r, producer));
    set_products(view, registry_products_of(r->db, PRODUCTS_OF_PRODUCER, id, today));
    json_decref(producer);
    return page_render(r, 200, "producer", view);
}

int page_point(Req *r) {
    int64_t id;
    json_t *point = record_of(r, &ENTITY_POINTS, &id);
    if (!point) return r->status;
    char today[11];
    date_today(today);
    json_t *commune = json_object_get(point, "commune");
    const char *site = page_jstr(point, "website");
    json_t *view = json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}", "name", page_jstr(point, "name"),
                             "kind", enum_label(r, &ENTITY_POINTS, "kind", page_jstr(point, "kind")), "address",
                             page_jstr(point, "address"), "commune", page_jstr(commune, "name"), "province",
                             page_jstr(commune, "province_name"), "operator", page_jstr(point, "operator"), "website",
                             page_web_link(site) ? site : NULL, "note", page_jstr(point, "note"));
    set_products(view, registry_products_of(r->db, PRODUCTS_OF_POINT, id, today));
    json_decref(point);
    return page_render(r, 200, "point", view);
}

int page_village(Req *r) {
    int64_t id;
    json_t *village = record_of(r, &ENTITY_VILLAGES, &id);
    if (!village) return r->status;
    char today[11], on[11];
    date_today(today);
    json_t *commune = json_object_get(village, "commune");
    json_t *producers = registry_producers_of_village(r->db, id);
    size_t i;
    json_t *p;
    json_array_foreach(producers, i, p)
        json_object_set_new(p, "type", json_string(enum_label(r, &ENTITY_PRODUCERS, "type", page_jstr(p, "type"))));
    json_t *view = json_pack("{s:s, s:s?, s:s?, s:b, s:s?, s:s?, s:s, s:O?, s:s?, s:b, s:o}", "name",
                             page_jstr(village, "name"), "commune", page_jstr(commune, "name"), "province",
                             page_jstr(commune, "province_name"), "traditional",
                             json_is_true(json_object_get(village, "traditional")), "crafts", page_jstr(village, "crafts"),
                             "decision_no", page_jstr(village, "decision_no"), "recognized_on",
                             page_dmy(page_jstr(village, "recognized_on"), on), "households",
                             json_object_get(village, "households"), "note", page_jstr(village, "note"), "has_producers",
                             json_array_size(producers) > 0, "producers", producers);
    set_products(view, registry_products_of(r->db, PRODUCTS_OF_VILLAGE, id, today));
    json_decref(village);
    return page_render(r, 200, "village", view);
}
