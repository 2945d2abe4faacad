/*
** page_portal.c: the producer's portal (/cua-toi), phone first (docs/web.md "The producer's
** portal"). Its own organisation (/cua-toi/chu-the) and products with their photos
** (/cua-toi/san-pham), and its dossiers: the new-dossier wizard (1 product and kind, 2 the
** registration form Mẫu 01, 3 the self-assessment Mẫu 02 on the score sheet, 4 evidence per
** criterion, 5 review and submit), then the dossier's status, history and messages, the
** return to fix and resubmit, the result and the certificate. Every write goes through the
** domain calls the JSON API makes (entity_insert/entity_update, product_photo_add,
** dossier_self_assess, dossier_file_add, dossier_act through POST /ho-so/{id}/buoc).
*/
#include "page_work.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "app.h"
#include "dossier.h"
#include "entity.h"
#include "files.h"
#include "form.h"
#include "page.h"
#include "page_dossier.h"
#include "page_list.h"
#include "page_record.h"
#include "page_sheet.h"
#include "param.h"
#include "registry.h"
#include "rubric.h"
#include "util.h"

/* ---- shared pieces -------------------------------------------------------------------------- */

/* The caller's producer id (its producer role's scope), 0 when it has none. */
static int64_t my_producer(Req *r) {
    const Grant *g = work_grant(r, ROLE_PRODUCER);
    int64_t id;
    return g && parse_i64(g->scope, &id) ? id : 0;
}

static const char *field_label(Req *r, const Entity *en, const char *name) {
    const Field *f = entity_field(en, name);
    return r->lang == LANG_VI ? f->vi : f->en;
}

static json_t *enum_options(Req *r, const EnumVal *ev, const char *chosen) {
    json_t *out = json_array();
    for (; ev && ev->value; ev++)
        json_array_append_new(out, json_pack("{s:s, s:s, s:b}", "value", ev->value, "label",
                                             r->lang == LANG_VI ? ev->vi : ev->en, "selected", str_eq(ev->value, chosen)));
    return out;
}

/* The product sets of the score sheet in force as options ("1. Thực phẩm tươi sống..."). */
static json_t *set_options(Req *r, int chosen) {
    const Rubric *rub = rubric_current();
    json_t *out = json_array();
    for (int i = 0; i < rub->nsets; i++)
        json_array_append_new(out, json_pack("{s:s, s:s, s:b}", "value", arena_printf(&r->arena, "%d", rub->sets[i].set_no),
                                             "label", arena_printf(&r->arena, "%d. %s", rub->sets[i].set_no, rub->sets[i].name),
                                             "selected", rub->sets[i].set_no == chosen));
    return out;
}

/* Every value of form field key (a set of checkboxes), as a JSON array of strings. */
static json_t *form_all(Req *r, const char *key) {
    json_t *out = json_array();
    for (int i = 0; r->form && i < form_count(r->form); i++)
        if (str_eq(form_key(r->form, i), key)) json_array_append_new(out, json_string(form_value(r->form, i)));
    return out;
}

/* The value of field name of rec as a form shows it ("" for none). */
static const char *value_text(Req *r, json_t *v) {
    if (json_is_string(v)) return json_string_value(v);
    if (json_is_integer(v)) return arena_printf(&r->arena, "%lld", (long long)json_integer_value(v));
    if (json_is_real(v)) { /* as the reader writes a number: "12,5" in Vietnamese */
        char *t = arena_printf(&r->arena, "%g", json_real_value(v));
        for (char *c = t; r->lang == LANG_VI && *c; c++)
            if (*c == '.') *c = ',';
        return t;
    }
    return "";
}

/* The form of the fields names of en (templates/portal_field.html): labels of the entity in r's
** language, values from vals (the record, or what was posted), e's error beside its field.
** {"csrf", "fields": [{name, id, label, value, error, required, select, options, textarea,
** check, checked, set}], "errors": [{href, text}], "has_errors"}. */
static json_t *record_form(Req *r, const Entity *en, const char *const *names, json_t *vals, const Err *e) {
    json_t *fields = json_array(), *errors = json_array();
    char text[1024];
    bool placed = false;
    for (int i = 0; names[i]; i++) {
        const Field *f = entity_field(en, names[i]);
        json_t *v = json_object_get(vals, names[i]);
        const char *id = arena_printf(&r->arena, "f-%s", names[i]);
        json_t *fv = json_pack("{s:s, s:s, s:s, s:b}", "name", names[i], "id", id, "label", field_label(r, en, names[i]),
                               "required", (f->flags & FF_REQUIRED) != 0);
        if (f->type == FT_ENUM) {
            json_object_set_new(fv, "select", json_true());
            json_object_set_new(fv, "options", enum_options(r, f->enums, json_string_value(v)));
        } else if (f->type == FT_SET) {
            json_t *opts = enum_options(r, f->enums, NULL), *o;
            size_t k, j;
            json_t *x;
            json_array_foreach(opts, k, o) json_array_foreach(v, j, x) if (str_eq(json_string_value(x),
                                                                                 page_jstr(o, "value")))
                json_object_set_new(o, "selected", json_true());
            json_object_set_new(fv, "set", json_true());
            json_object_set_new(fv, "options", opts);
        } else if (f->type == FT_BOOL) {
            json_object_set_new(fv, "check", json_true());
            json_object_set_new(fv, "checked", json_boolean(json_is_true(v)));
        } else if (!strcmp(names[i], "set_no")) {
            json_object_set_new(fv, "select", json_true());
            json_object_set_new(fv, "options", set_options(r, (int)json_integer_value(v)));
        } else {
            json_object_set_new(fv, f->maxlen >= 2000 ? "textarea" : "input", json_true());
            json_object_set_new(fv, "type", json_string(f->flags & FF_EMAIL ? "email" : f->flags & FF_PHONE ? "tel"
                                                        : f->flags & FF_URL ? "url" : f->type == FT_INT ? "number" : "text"));
            json_object_set_new(fv, "value", json_string(value_text(r, v)));
        }
        if (e && e->status && str_eq(e->field, names[i])) {
            err_text(e, r->lang, text, sizeof text);
            json_object_set_new(fv, "error", json_string(text));
            json_array_append_new(errors, json_pack("{s:s, s:s}", "href", arena_printf(&r->arena, "#%s", id), "text", text));
            placed = true;
        }
        json_array_append_new(fields, fv);
    }
    if (r->form_err.status)
        json_array_append_new(errors, json_pack("{s:n, s:s}", "href", "text", err_text(&r->form_err, r->lang, text, sizeof text)));
    if (e && e->status && !placed)
        json_array_append_new(errors, json_pack("{s:n, s:s}", "href", "text", err_text(e, r->lang, text, sizeof text)));
    return json_pack("{s:s, s:o, s:b, s:o}", "csrf", page_csrf(r), "fields", fields, "has_errors",
                     json_array_size(errors) > 0, "errors", errors);
}

/* The posted fields names of en as a record patch: "" is none (null), a whole number field
** is parsed, a checkbox is true when sent, a set holds every value sent. NULL with e (422
** naming the field) when a number is not one. */
static json_t *posted(Req *r, const Entity *en, const char *const *names, Err *e) {
    json_t *p = json_object();
    for (int i = 0; names[i]; i++) {
        const Field *f = entity_field(en, names[i]);
        const char *v = req_form(r, names[i]);
        int64_t n;
        if (f->type == FT_SET) {
            json_object_set_new(p, names[i], form_all(r, names[i]));
        } else if (f->type == FT_BOOL) {
            json_object_set_new(p, names[i], json_boolean(v != NULL));
        } else if (!v || !*v) {
            json_object_set_new(p, names[i], json_null());
        } else if (f->type == FT_INT) {
            if (!parse_i64(v, &n)) {
                json_decref(p);
                err_set(e, 422, names[i], "%s: enter a whole number", names[i]);
                e->field_vi = f->vi;
                return NULL;
            }
            json_object_set_new(p, names[i], json_integer(n));
        } else if (f->type == FT_REAL) { /* "12,5" as Vietnamese writes it, or "12.5" */
            char num[64], *end;
            snprintf(num, sizeof num, "%s", v);
            for (char *c = num; *c; c++)
                if (*c == ',') *c = '.';
            double d = strtod(num, &end);
            if (end == num || *end) {
                json_decref(p);
                err_set(e, 422, names[i], "%s: enter a number", names[i]);
                e->field_vi = f->vi;
                return NULL;
            }
            json_object_set_new(p, names[i], json_real(d));
        } else {
            json_object_set_new(p, names[i], json_string(v));
        }
    }
    return p;
}

/* Write rec (a patch of record id, or a new record when id is 0: *id the new one) as the API
** does: checked, in one transaction, audited. 0, or -1 with e and nothing written. */
static int save_record(Req *r, const Entity *en, int64_t *id, json_t *rec, Err *e) {
    bool create = *id == 0;
    if (entity_check(en, rec, create, false, e) || db_begin(r->db, e)) return -1;
    int rc = create ? entity_insert(r->db, &r->arena, en, &r->actor, rec, id, e)
                    : entity_update(r->db, &r->arena, en, &r->actor, *id, rec, e);
    if (rc || db_commit(r->db, e)) {
        db_rollback(r->db);
        return -1;
    }
    return 0;
}

/* The notice of a form that worked (?done=...), in r's language, or NULL. */
static const char *done_text(Req *r) {
    static const struct {
        const char *done, *text;
    } notes[] = {
        {"saved", N_("Saved.")},
        {"created", N_("Created.")},
        {"photo", N_("The photo was added.")},
        {"photo_removed", N_("The photo was removed.")},
        {"file", N_("The file was attached.")},
        {"file_removed", N_("The file was removed.")},
        {"submit", N_("The dossier was submitted to the commune.")},
        {"resubmit", N_("The dossier was submitted again to the commune.")},
        {"withdraw", N_("The dossier was withdrawn.")},
    };
    const char *d = req_query(r, "done");
    for (size_t i = 0; d && i < COUNT(notes); i++)
        if (!strcmp(notes[i].done, d)) return tr(r->lang, notes[i].text);
    return NULL;
}

/* A view with the notice of ?done= and the unconfirmed account's notice. */
static json_t *base_view(Req *r) {
    json_t *v = json_object();
    const char *done = done_text(r);
    if (done) json_object_set_new(v, "done", json_string(done));
    const Grant *g = work_grant(r, ROLE_PRODUCER);
    json_object_set_new(v, "pending", json_boolean(g && !g->confirmed));
    return v;
}

/* The bytes of the first file part of the form into a malloc'd buffer (*n its size; the
** caller frees), *name its file name. NULL with e: 422 when no file was chosen, 500 when it
** cannot be read back. */
static char *form_file(Req *r, size_t *n, const char **name, Err *e) {
    int nf = 0;
    const FormFile *ff = req_form_files(r, &nf);
    if (!nf || !ff[0].size)
        return err_set(e, 422, "file", nf ? "the file you chose is empty" : "choose a file to upload"), NULL;
    char *data = malloc(ff[0].size + 1);
    size_t got = 0;
    while (data && got < ff[0].size) {
        ssize_t k = pread(ff[0].fd, data + got, ff[0].size - got, (off_t)got);
        if (k <= 0) break;
        got += (size_t)k;
    }
    if (!data || got != ff[0].size) {
        free(data);
        return err_set(e, 500, "file", "the upload could not be read back; send it again"), NULL;
    }
    *n = got;
    *name = ff[0].filename && *ff[0].filename ? ff[0].filename : NULL;
    return data;
}

/* ---- /lam-viec: what waits for the producer ---------------------------------------------------- */

/* The dossiers of the producer in state, newest first, as items (returned: with the commune's
** last comment); *total their number. */
static json_t *dossiers_in(Req *r, int64_t producer, const char *state, int64_t *total) {
    Stmt *s = db_prepare(r->db, "SELECT d.id, d.kind, p.name, (SELECT comment FROM dossier_events e WHERE e.dossier_id = d.id "
                                "AND e.action = 'return' ORDER BY e.id DESC LIMIT 1), count(*) OVER () FROM dossiers d "
                                "JOIN products p ON p.id = d.product_id WHERE d.producer_id = ? AND d.state = ? "
                                "ORDER BY d.id DESC LIMIT 10");
    db_bind_int(s, 1, producer);
    db_bind_text(s, 2, state);
    json_t *items = json_array();
    *total = 0;
    while (db_step(s) == DB_ROW) {
        const char *href = arena_printf(&r->arena, "/cua-toi/ho-so/%lld", (long long)db_col_int(s, 0));
        const char *text = arena_printf(&r->arena, "%s · %s", db_col_text(s, 2), work_kind_label(r, db_col_text(s, 1)));
        json_array_append_new(items, work_item(r, text, href, db_col_text(s, 3), NULL));
        *total = db_col_int(s, 4);
    }
    db_done(s);
    return items;
}

/* The certificates of the producer's products that expire within the re-evaluation window's
** reach (rule reevaluation_opens_days): each with its last day as the deadline; *total. */
static json_t *certificates_due(Req *r, int64_t producer, int64_t *total) {
    char today[11], reach[11];
    date_today(today);
    int days = (int)rubric_rule_num(rubric_current(), "reevaluation_opens_days");
    date_add_days(today, days, reach);
    Stmt *s = db_prepare(r->db, "SELECT p.id, p.name, r.stars, r.expires_on, count(*) OVER () FROM recognitions r "
                                "JOIN products p ON p.id = r.product_id WHERE p.producer_id = ? AND r.ended IS NULL "
                                "AND r.stars >= ? AND r.decision_date <= ? AND r.expires_on > ? AND r.expires_on <= ? "
                                "ORDER BY r.expires_on LIMIT 10");
    db_bind_int(s, 1, producer);
    db_bind_int(s, 2, rubric_certified_stars(rubric_current()));
    db_bind_text(s, 3, today);
    db_bind_text(s, 4, today);
    db_bind_text(s, 5, reach);
    json_t *items = json_array();
    *total = 0;
    while (db_step(s) == DB_ROW) {
        char last[11];
        date_add_days(db_col_text(s, 3), -1, last);
        const char *text = arena_printf(&r->arena, "%s %s", db_col_text(s, 1), page_stars((int)db_col_int(s, 2)));
        const char *detail = tr(r->lang, N_("file a re-evaluation dossier before the certificate expires"));
        json_array_append_new(items, work_item(r, text, arena_printf(&r->arena, "/cua-toi/ho-so/moi?san_pham=%lld",
                                                                      (long long)db_col_int(s, 0)), detail, last));
        *total = db_col_int(s, 4);
    }
    db_done(s);
    return items;
}

void work_needs_producer(Req *r, json_t *sections) {
    int64_t me = my_producer(r), n;
    if (!me) return;
    json_t *items = dossiers_in(r, me, "returned", &n);
    work_section(r, sections, N_("Returned for changes: fix and submit again"), items, n, "/cua-toi/ho-so?state=returned",
                 false);
    items = dossiers_in(r, me, "draft", &n);
    work_section(r, sections, N_("Drafts to finish and submit"), items, n, "/cua-toi/ho-so?state=draft", true);
    items = certificates_due(r, me, &n);
    work_section(r, sections, N_("Certificates to renew (re-evaluation)"), items, n, NULL, false);
}

/* ---- /cua-toi/chu-the: the producer's own record ----------------------------------------------- */

static const char *const producer_names[] = {"type", "name", "reg_no", "tax_code", "address", "rep_name", "rep_gender",
                                             "rep_ethnic_minority", "rep_disability", "phone", "email", "contact_phone",
                                             "contact_email", "website", "channels", "green_chain", "raw_area_ha", NULL};

static int producer_show(Req *r, int status, json_t *vals, const Err *e) {
    int64_t me = my_producer(r);
    Err ge = ERR_INIT;
    json_t *rec = entity_get(r->db, &ENTITY_PRODUCERS, me, &ge);
    if (!rec) return resp_problem(r, &ge);
    entity_redact(r->db, &ENTITY_PRODUCERS, &r->actor, rec);
    json_t *v = base_view(r);
    json_object_set_new(v, "form", record_form(r, &ENTITY_PRODUCERS, producer_names, vals ? vals : rec, e));
    json_object_set_new(v, "id", json_integer(me));
    json_object_set(v, "commune", json_object_get(json_object_get(rec, "commune"), "name"));
    json_decref(rec);
    return work_render(r, status, "portal_producer", v);
}

/* GET /cua-toi/chu-the */
int page_portal_producer(Req *r) { return producer_show(r, 200, NULL, NULL); }

/* POST /cua-toi/chu-the: the record's fields, as PATCH /api/v1/producers/{id}. */
int page_portal_producer_save(Req *r) {
    int64_t me = my_producer(r);
    Err e = ERR_INIT;
    json_t *p = posted(r, &ENTITY_PRODUCERS, producer_names, &e);
    if (p && !save_record(r, &ENTITY_PRODUCERS, &me, p, &e)) {
        json_decref(p);
        return page_redirect(r, "/cua-toi/chu-the?done=saved");
    }
    json_t *vals = p ? p : json_object();
    int st = producer_show(r, e.status, vals, &e);
    json_decref(vals);
    err_clear(&e);
    return st;
}

/* ---- /cua-toi/san-pham: its products ---------------------------------------------------------- */

static const char *const product_names[] = {"name", "set_no", "description", "trademark_no", "gi", "mark", "gtin", NULL};

/* The producer its lists always keep to ("0" without one: nothing). */
static const char *my_producer_id(Req *r) { return arena_printf(&r->arena, "%lld", (long long)my_producer(r)); }

static json_t *sets_of_list(Req *r) { return set_options(r, 0); }

static json_t *my_product_rows(Req *r, json_t *items, const char *q) {
    (void)q;
    int n;
    int64_t *ids = page_list_ids(r, items, &n);
    json_t *cards = registry_product_cards(r->db, ids, n), *rows = json_array(), *o;
    size_t i;
    json_array_foreach(items, i, o) {
        json_t *card = json_object_get(cards, arena_printf(&r->arena, "%lld", (long long)ids[i]));
        json_t *rec = json_object_get(card, "recognition");
        json_t *row = json_pack("{s:O, s:O, s:O, s:O}", "id", json_object_get(o, "id"), "name", json_object_get(o, "name"),
                                "code", json_object_get(o, "code"), "set_no", json_object_get(o, "set_no"));
        if (str_eq(page_jstr(rec, "state"), "valid"))
            json_object_set_new(row, "stars", json_string(page_stars((int)json_integer_value(json_object_get(rec, "stars")))));
        json_object_set(row, "photo", json_object_get(json_object_get(card, "photo"), "url"));
        json_array_append_new(rows, row);
    }
    json_decref(cards);
    return rows;
}

static const ListFilter my_product_filters[] = {
    {"set_no", N_("Product set"), LF_OPTIONS, NULL, sets_of_list},
    {NULL, NULL, 0, NULL, NULL},
};

static const ListPage MY_PRODUCTS = {&ENTITY_PRODUCTS, "/cua-toi/san-pham", "portal_products", N_("My products"),
                                     my_product_filters, LIST_NAME_SORTS, my_product_rows, "producer_id", my_producer_id};

/* GET /cua-toi/san-pham */
int page_portal_products(Req *r) { return page_list(r, &MY_PRODUCTS); }

/* The product's page (new when id is 0): its form, photos, links. */
static int product_show(Req *r, int64_t id, int status, json_t *vals, const Err *e) {
    json_t *v = base_view(r), *rec = NULL;
    if (id) {
        Err ge = ERR_INIT;
        rec = entity_get(r->db, &ENTITY_PRODUCTS, id, &ge);
        if (!rec) {
            json_decref(v);
            return resp_problem(r, &ge);
        }
        json_object_set_new(v, "id", json_integer(id));
        json_object_set_new(v, "pid", json_integer(id)); /* inside the photos, whose own "id" hides it */
        json_object_set(v, "name", json_object_get(rec, "name"));
        json_object_set(v, "code", json_object_get(rec, "code"));
        json_object_set(v, "photos", json_object_get(rec, "photos"));
        json_object_set_new(v, "has_photos", json_boolean(json_array_size(json_object_get(rec, "photos")) > 0));
        /* its certificates: the recognitions with a certificate number */
        json_t *certs = json_array(), *x;
        size_t i;
        json_array_foreach(json_object_get(rec, "recognitions"), i, x) {
            const char *no = page_jstr(x, "cert_no");
            if (!no) continue;
            char d[11];
            json_array_append_new(certs, json_pack("{s:s, s:s, s:s}", "cert_no", no, "stars",
                                                   page_stars((int)json_integer_value(json_object_get(x, "stars"))),
                                                   "date", page_dmy(page_jstr(x, "decision_date"), d)));
        }
        json_object_set_new(v, "certs", certs);
    }
    json_object_set_new(v, "form", record_form(r, &ENTITY_PRODUCTS, product_names, vals ? vals : rec, e));
    if (e && e->status && str_eq(e->field, "file")) {
        char text[600];
        json_object_set_new(v, "photo_error", json_string(err_text(e, r->lang, text, sizeof text)));
    }
    json_decref(rec);
    return work_render(r, status, "portal_product", v);
}

/* GET /cua-toi/san-pham/moi */
int page_portal_product_new(Req *r) { return product_show(r, 0, 200, NULL, NULL); }

/* GET /cua-toi/san-pham/{id} */
int page_portal_product(Req *r) {
    int64_t id;
    if (!page_path_id(r, &id)) return page_no_record(r);
    return product_show(r, id, 200, NULL, NULL);
}

/* POST /cua-toi/san-pham/moi and /cua-toi/san-pham/{id}: the product's fields, as POST or
** PATCH /api/v1/products. */
int page_portal_product_save(Req *r) {
    int64_t id = 0;
    if (r->npath && !page_path_id(r, &id)) return page_no_record(r);
    Err e = ERR_INIT;
    json_t *p = posted(r, &ENTITY_PRODUCTS, product_names, &e);
    bool create = id == 0;
    if (p && create) {
        json_object_set_new(p, "producer_id", json_integer(my_producer(r)));
        json_object_set_new(p, "rubric_version", json_string(rubric_current()->version));
    }
    if (p && !save_record(r, &ENTITY_PRODUCTS, &id, p, &e)) {
        json_decref(p);
        return page_redirect(r, arena_printf(&r->arena, "/cua-toi/san-pham/%lld?done=%s", (long long)id,
                                             create ? "created" : "saved"));
    }
    json_t *vals = p ? p : json_object();
    int st = product_show(r, create ? 0 : id, e.status, vals, &e);
    json_decref(vals);
    err_clear(&e);
    return st;
}

/* POST /cua-toi/san-pham/{id}/anh: a photo (multipart field "file"), as POST
** /api/v1/products/{id}/photos: decoded and re-encoded before the transaction. */
int page_portal_photo_add(Req *r) {
    int64_t id;
    if (!page_path_id(r, &id)) return page_no_record(r);
    Err e = ERR_INIT;
    size_t n = 0;
    const char *name = NULL;
    char *data = form_file(r, &n, &name, &e);
    ImageSet set;
    if (!data || product_photo_decode(data, n, NULL, &set, &e)) {
        free(data);
        snprintf(e.field, sizeof e.field, "file");
        int st = product_show(r, id, e.status, NULL, &e);
        err_clear(&e);
        return st;
    }
    free(data);
    int created = 0;
    json_t *photo = NULL;
    if (!db_begin(r->db, &e)) photo = product_photo_add(r->db, &r->actor, r->app->files_dir, id, &set, name, &created, &e);
    image_set_free(&set);
    if (!photo || (created && api_audit_photo(r, id, "photo.add", photo, &e)) ||
        db_commit(r->db, &e)) {
        json_decref(photo);
        db_rollback(r->db);
        snprintf(e.field, sizeof e.field, "file");
        int st = product_show(r, id, e.status, NULL, &e);
        err_clear(&e);
        return st;
    }
    json_decref(photo);
    return page_redirect(r, arena_printf(&r->arena, "/cua-toi/san-pham/%lld?done=photo", (long long)id));
}

/* The sha256 field of a removal form: a file's hash, or NULL (the answer, 422, is in r). */
static const char *posted_sha(Req *r) {
    const char *sha = req_form(r, "sha256");
    if (sha && files_valid_sha(sha)) return sha;
    resp_error(r, 422, "sha256", "choose the file to remove");
    return NULL;
}

/* POST /cua-toi/san-pham/{id}/anh/xoa (sha256), as DELETE /api/v1/products/{id}/photos/{sha256}. */
int page_portal_photo_delete(Req *r) {
    int64_t id;
    if (!page_path_id(r, &id)) return page_no_record(r);
    const char *sha = posted_sha(r);
    if (!sha) return r->status;
    Err e = ERR_INIT;
    json_t *gone = json_pack("{s:s}", "sha256", sha);
    int rc = db_begin(r->db, &e) || product_photo_remove(r->db, &r->actor, id, sha, &e) ||
             api_audit_photo(r, id, "photo.delete", gone, &e) ||
             db_commit(r->db, &e);
    json_decref(gone);
    if (rc) {
        db_rollback(r->db);
        return resp_problem(r, &e);
    }
    return page_redirect(r, arena_printf(&r->arena, "/cua-toi/san-pham/%lld?done=photo_removed", (long long)id));
}

/* ---- /cua-toi/ho-so: its dossiers ------------------------------------------------------------ */

static json_t *dossier_states(Req *r) { return page_list_enum(r, entity_field(&ENTITY_DOSSIERS, "state")->enums); }
static json_t *dossier_kinds(Req *r) { return page_list_enum(r, entity_field(&ENTITY_DOSSIERS, "kind")->enums); }

static json_t *my_dossier_rows(Req *r, json_t *items, const char *q) {
    (void)q;
    json_t *rows = json_array(), *o;
    size_t i;
    /* the products' names of the page in one statement */
    Buf ids = BUF_INIT;
    json_array_foreach(items, i, o) buf_printf(&ids, "%s%lld", i ? "," : "", (long long)json_integer_value(json_object_get(o, "product_id")));
    json_t *names = json_object();
    Stmt *s = db_prepare(r->db, "SELECT p.id, p.name FROM products p, json_each('[' || ? || ']') j WHERE p.id = j.value");
    db_bind_text(s, 1, buf_str(&ids));
    while (db_step(s) == DB_ROW)
        json_object_set_new(names, arena_printf(&r->arena, "%lld", (long long)db_col_int(s, 0)), json_string(db_col_text(s, 1)));
    db_done(s);
    buf_free(&ids);
    json_array_foreach(items, i, o) {
        char d[11];
        const char *state = page_jstr(o, "state");
        json_t *row = json_pack("{s:O, s:O, s:s, s:s, s:s, s:o}", "id", json_object_get(o, "id"), "reg_no",
                                json_object_get(o, "reg_no"), "state", state ? state : "", "state_label",
                                work_state_label(r, state), "kind_label", work_kind_label(r, page_jstr(o, "kind")), "is",
                                page_is(state));
        json_object_set(row, "product_name",
                        json_object_get(names, arena_printf(&r->arena, "%lld",
                                                            (long long)json_integer_value(json_object_get(o, "product_id")))));
        if (page_jstr(o, "filed_on")) json_object_set_new(row, "filed_text", json_string(page_dmy(page_jstr(o, "filed_on"), d)));
        json_array_append_new(rows, row);
    }
    json_decref(names);
    return rows;
}

static const ListFilter my_dossier_filters[] = {
    {"state", N_("State"), LF_OPTIONS, NULL, dossier_states},
    {"kind", N_("Kind of dossier"), LF_OPTIONS, NULL, dossier_kinds},
    {NULL, NULL, 0, NULL, NULL},
};

static const ListOption my_dossier_sorts[] = {
    {"-updated_at", N_("Recently changed")},
    {"-id", N_("Newest first")},
    {"id", N_("Oldest first")},
    {NULL, NULL},
};

static const ListPage MY_DOSSIERS = {&ENTITY_DOSSIERS, "/cua-toi/ho-so", "portal_dossiers", N_("My dossiers"),
                                     my_dossier_filters, my_dossier_sorts, my_dossier_rows, NULL, NULL};

/* GET /cua-toi/ho-so */
int page_portal_dossiers(Req *r) { return page_list(r, &MY_DOSSIERS); }

/* ---- the wizard ----------------------------------------------------------------------------- */

/* The wizard's five steps for dossier id (0: not created yet), current being 1..5. */
static json_t *wizard(Req *r, int64_t id, int current) {
    static const struct {
        const char *label, *path;
    } steps[] = {
        {N_("Product and kind"), NULL}, /* a new dossier's: /cua-toi/ho-so/moi */
        {N_("Registration form"), "dang-ky"},
        {N_("Self-assessment"), "tu-danh-gia"},
        {N_("Evidence"), "minh-chung"},
        {N_("Review and submit"), ""},
    };
    json_t *out = json_array();
    for (int i = 0; i < (int)COUNT(steps); i++) {
        json_t *s = json_pack("{s:i, s:s, s:b, s:b}", "n", i + 1, "label", tr(r->lang, steps[i].label), "current",
                              i + 1 == current, "done", i + 1 < current);
        if (i == 0 && !id && current != 1)
            json_object_set_new(s, "href", json_string("/cua-toi/ho-so/moi"));
        else if (id && steps[i].path && i + 1 != current)
            json_object_set_new(s, "href", json_string(arena_printf(&r->arena, "/cua-toi/ho-so/%lld%s%s", (long long)id,
                                                                    *steps[i].path ? "/" : "", steps[i].path)));
        json_array_append_new(out, s);
    }
    return json_pack("{s:o, s:i}", "steps", out, "current", current);
}

static const char *const kinds[] = {"first", "upgrade", "reevaluation", NULL};

/* Step 1: the producer's products, each with the kinds of dossier it may have today and, for
** the others, why not. */
static json_t *products_and_kinds(Req *r) {
    Stmt *s = db_prepare(r->db, "SELECT id, name, code, set_no FROM products WHERE producer_id = ? ORDER BY name_key");
    db_bind_int(s, 1, my_producer(r));
    json_t *out = json_array();
    while (db_step(s) == DB_ROW) {
        int64_t pid = db_col_int(s, 0);
        json_t *ks = json_array();
        for (int k = 0; kinds[k]; k++) {
            Err e = ERR_INIT;
            json_t *kv = json_pack("{s:s, s:s}", "kind", kinds[k], "label", work_kind_label(r, kinds[k]));
            if (dossier_check_kind(r->db, kinds[k], pid, &e)) {
                char text[600];
                json_object_set_new(kv, "why_not", json_string(err_text(&e, r->lang, text, sizeof text)));
            } else {
                json_object_set_new(kv, "href", json_string(arena_printf(&r->arena, "/cua-toi/ho-so/moi?san_pham=%lld&loai=%s",
                                                                         (long long)pid, kinds[k])));
            }
            json_array_append_new(ks, kv);
        }
        json_array_append_new(out, json_pack("{s:I, s:s, s:s?, s:i, s:o}", "id", (json_int_t)pid, "name", db_col_text(s, 1),
                                             "code", db_col_text(s, 2), "set_no", (int)db_col_int(s, 3), "kinds", ks));
    }
    db_done(s);
    return out;
}

static const char *const dossier_names[] = {"samples", "note", NULL};

/* Step 2 (the registration form, Mẫu 01) of a new dossier of product pid and kind, or of the
** existing dossier d (borrowed). */
static int registration_show(Req *r, int status, int64_t pid, const char *kind, json_t *d, json_t *vals, const Err *e) {
    json_t *v = base_view(r);
    Err ge = ERR_INIT;
    json_t *prod = entity_get(r->db, &ENTITY_PRODUCTS, pid, &ge);
    if (!prod || json_integer_value(json_object_get(prod, "producer_id")) != my_producer(r)) {
        json_decref(prod);
        json_decref(v);
        return resp_error(r, 404, "san_pham", "you have no product %lld", (long long)pid);
    }
    int set_no = (int)json_integer_value(json_object_get(prod, "set_no"));
    const RubSet *set = rubric_set(rubric_current(), set_no);
    json_t *defaults = json_pack("{s:i}", "samples", rubric_samples(rubric_current(), set_no));
    json_object_set_new(v, "form", record_form(r, &ENTITY_DOSSIERS, dossier_names, vals ? vals : d ? d : defaults, e));
    json_decref(defaults);
    json_object_set_new(v, "product", json_pack("{s:I, s:O, s:O, s:i, s:s}", "id", (json_int_t)pid, "name",
                                                json_object_get(prod, "name"), "code", json_object_get(prod, "code"),
                                                "set_no", set_no, "set_name", set ? set->name : ""));
    json_object_set_new(v, "kind", json_string(kind));
    json_object_set_new(v, "kind_label", json_string(work_kind_label(r, kind)));
    json_object_set_new(v, "samples_needed", json_integer(rubric_samples(rubric_current(), set_no)));
    int64_t id = d ? json_integer_value(json_object_get(d, "id")) : 0;
    json_object_set_new(v, "action", json_string(id ? arena_printf(&r->arena, "/cua-toi/ho-so/%lld/dang-ky", (long long)id)
                                                    : "/cua-toi/ho-so/moi"));
    json_object_set_new(v, "wizard", wizard(r, id, 2));
    json_decref(prod);
    return work_render(r, status, "portal_register", v);
}

/* GET /cua-toi/ho-so/moi[?san_pham=ID&loai=KIND]: step 1, or step 2 once both are chosen. */
int page_portal_new(Req *r) {
    int64_t pid = req_int(r, "san_pham", 0);
    const char *kind = req_query(r, "loai");
    if (pid && kind) return registration_show(r, 200, pid, kind, NULL, NULL, NULL);
    json_t *v = base_view(r);
    json_t *products = products_and_kinds(r);
    json_t *x;
    size_t i;
    if (pid) json_array_foreach(products, i, x) json_object_set_new(x, "chosen", json_boolean(json_integer_value(json_object_get(x, "id")) == pid));
    json_object_set_new(v, "has_products", json_boolean(json_array_size(products) > 0));
    json_object_set_new(v, "products", products);
    json_object_set_new(v, "wizard", wizard(r, 0, 1));
    return work_render(r, 200, "portal_new", v);
}

/* POST /cua-toi/ho-so/moi: product_id, kind, samples, note: the draft, as POST /api/v1/dossiers;
** then step 3. */
int page_portal_create(Req *r) {
    int64_t pid = 0, id = 0;
    const char *kind = req_form(r, "kind");
    const char *p = req_form(r, "product_id");
    if (!p || !parse_i64(p, &pid) || pid <= 0) return resp_error(r, 422, "product_id", "choose a product");
    Err e = ERR_INIT;
    json_t *rec = posted(r, &ENTITY_DOSSIERS, dossier_names, &e);
    if (rec) {
        json_object_set_new(rec, "product_id", json_integer(pid));
        json_object_set_new(rec, "kind", json_string(kind ? kind : ""));
        if (json_is_null(json_object_get(rec, "samples"))) json_object_del(rec, "samples");
    }
    if (rec && !save_record(r, &ENTITY_DOSSIERS, &id, rec, &e)) {
        json_decref(rec);
        return page_redirect(r, arena_printf(&r->arena, "/cua-toi/ho-so/%lld/tu-danh-gia?done=created", (long long)id));
    }
    json_t *vals = rec ? rec : json_object();
    int st = registration_show(r, e.status, pid, kind ? kind : "", NULL, vals, &e);
    json_decref(vals);
    err_clear(&e);
    return st;
}

/* The dossier of the path as the producer's pages show it, or NULL with the answer in r. */
static json_t *path_dossier(Req *r, int64_t *id) {
    if (!page_path_id(r, id)) return page_no_record(r), NULL;
    Err e = ERR_INIT;
    json_t *d = work_dossier_view(r, *id, &e);
    if (!d) resp_problem(r, &e);
    return d;
}

/* May the producer still change the dossier (a draft, or returned for changes)? */
static bool editable(json_t *d) { return str_eq(page_jstr(d, "state"), "draft") || str_eq(page_jstr(d, "state"), "returned"); }

/* The view of a step of dossier d (stolen): its record as "d", the wizard at step n. */
static json_t *step_view(Req *r, json_t *d, int64_t id, int n) {
    json_t *v = base_view(r);
    json_object_set_new(v, "wizard", wizard(r, id, n));
    json_object_set_new(v, "editable", json_boolean(editable(d)));
    json_object_set_new(v, "d", d);
    return v;
}

/* GET /cua-toi/ho-so/{id}/dang-ky: step 2 of a created dossier. */
int page_portal_registration(Req *r) {
    int64_t id;
    json_t *d = path_dossier(r, &id);
    if (!d) return r->status;
    int st = registration_show(r, 200, json_integer_value(json_object_get(d, "product_id")), page_jstr(d, "kind"), d, NULL,
                               NULL);
    json_decref(d);
    return st;
}

/* POST /cua-toi/ho-so/{id}/dang-ky: samples and note, as PATCH /api/v1/dossiers/{id}. */
int page_portal_registration_save(Req *r) {
    int64_t id;
    json_t *d = path_dossier(r, &id);
    if (!d) return r->status;
    Err e = ERR_INIT;
    json_t *rec = posted(r, &ENTITY_DOSSIERS, dossier_names, &e);
    if (rec && !save_record(r, &ENTITY_DOSSIERS, &id, rec, &e)) {
        json_decref(rec);
        json_decref(d);
        return page_redirect(r, arena_printf(&r->arena, "/cua-toi/ho-so/%lld/tu-danh-gia?done=saved", (long long)id));
    }
    json_t *vals = rec ? rec : json_object();
    int st = registration_show(r, e.status, json_integer_value(json_object_get(d, "product_id")), page_jstr(d, "kind"), d,
                               vals, &e);
    json_decref(vals);
    json_decref(d);
    err_clear(&e);
    return st;
}

/* The score sheet of dossier d. */
static const RubSet *sheet_of(json_t *d) {
    const Rubric *rub = rubric_get(page_jstr(d, "rubric_version"));
    return rub ? rubric_set(rub, (int)json_integer_value(json_object_get(d, "set_no"))) : NULL;
}

/* Step 3: the self-assessment on the dossier's sheet, choices (borrowed) the ones to show. */
static int sheet_show(Req *r, int status, int64_t id, json_t *d, json_t *choices, const Err *e) {
    const RubSet *s = sheet_of(d);
    if (!s) {
        json_decref(d);
        return resp_error(r, 500, "", "the dossier's score sheet is missing");
    }
    bool edit = editable(d);
    const char *save = arena_printf(&r->arena, "/api/v1/dossiers/%lld/self-assessment", (long long)id);
    SheetOpts o = {.choices = choices ? choices : json_object_get(json_object_get(d, "self_assessment"), "choices"),
                   .readonly = !edit, .save_url = edit ? save : NULL,
                   .key = arena_printf(&r->arena, "self-%lld", (long long)id)};
    json_t *sheet = sheet_view(r, s, &o);
    json_t *v = step_view(r, d, id, 3);
    json_object_set_new(v, "sheet", sheet);
    if (e && e->status) {
        char text[600];
        json_object_set_new(v, "error", json_string(err_text(e, r->lang, text, sizeof text)));
    }
    return work_render(r, status, "portal_sheet", v);
}

/* GET /cua-toi/ho-so/{id}/tu-danh-gia */
int page_portal_sheet(Req *r) {
    int64_t id;
    json_t *d = path_dossier(r, &id);
    return d ? sheet_show(r, 200, id, d, NULL, NULL) : r->status;
}

/* POST /cua-toi/ho-so/{id}/tu-danh-gia: the sheet's choices (c.CODE), as PUT
** /api/v1/dossiers/{id}/self-assessment. */
int page_portal_sheet_save(Req *r) {
    int64_t id;
    json_t *d = path_dossier(r, &id);
    if (!d) return r->status;
    const RubSet *s = sheet_of(d);
    Err e = ERR_INIT;
    json_t *choices = s ? sheet_form_choices(r, s, NULL, &e) : NULL;
    if (!s) err_set(&e, 500, "", "the dossier's score sheet is missing");
    if (choices) {
        json_t *in = json_pack("{s:O}", "choices", choices);
        int rc = dossier_self_assess(r->db, &r->actor, id, in, &e);
        json_decref(in);
        if (!rc) {
            json_decref(choices);
            json_decref(d);
            return page_redirect(r, arena_printf(&r->arena, "/cua-toi/ho-so/%lld/tu-danh-gia?done=saved", (long long)id));
        }
    }
    int st = sheet_show(r, e.status, id, d, choices, &e);
    json_decref(choices);
    err_clear(&e);
    return st;
}

/* The kinds of evidence file (dossier.c file_kinds) as a person reads them. */
static const struct {
    const char *kind, *label;
} file_kinds[] = {
    {"other", N_("Evidence for a criterion")},
    {"registration", N_("Registration form")},
    {"self_assessment", N_("Self-assessment")},
    {"food_safety", N_("Food safety certificate")},
    {"quality_declaration", N_("Quality declaration")},
    {"label", N_("Label")},
    {"trademark", N_("Trademark")},
    {"test_report", N_("Test report")},
    {"photo", N_("Photo")},
};

/* Step 4: the dossier's files, each removable while it may change, and the upload form. */
static int evidence_show(Req *r, int status, int64_t id, json_t *d, const Err *e) {
    const RubSet *s = sheet_of(d);
    json_t *crits = json_array(), *kinds_v = json_array();
    const char *chosen = req_form(r, "criterion"), *kind = req_form(r, "kind");
    for (int i = 0; s && i < s->nleaves; i++) {
        const RubLeaf *l = &s->leaves[i];
        json_array_append_new(crits, json_pack("{s:s, s:s, s:b}", "code", l->code, "text", l->text, "selected",
                                               str_eq(chosen, l->code)));
    }
    for (size_t i = 0; i < COUNT(file_kinds); i++)
        json_array_append_new(kinds_v, json_pack("{s:s, s:s, s:b}", "value", file_kinds[i].kind, "label",
                                                 tr(r->lang, file_kinds[i].label), "selected", str_eq(kind, file_kinds[i].kind)));
    json_t *v = step_view(r, d, id, 4);
    json_object_set_new(v, "criteria", crits);
    json_object_set_new(v, "kinds", kinds_v);
    json_object_set_new(v, "csrf", json_string(page_csrf(r)));
    json_object_set_new(v, "max_mb", json_integer(20));
    if (e && e->status) {
        char text[600];
        json_object_set_new(v, "error", json_string(err_text(e, r->lang, text, sizeof text)));
    }
    return work_render(r, status, "portal_evidence", v);
}

/* GET /cua-toi/ho-so/{id}/minh-chung */
int page_portal_evidence(Req *r) {
    int64_t id;
    json_t *d = path_dossier(r, &id);
    return d ? evidence_show(r, 200, id, d, NULL) : r->status;
}

/* POST /cua-toi/ho-so/{id}/minh-chung: a file (multipart "file") with its kind and criterion,
** as POST /api/v1/dossiers/{id}/files. */
int page_portal_evidence_add(Req *r) {
    int64_t id;
    json_t *d = path_dossier(r, &id);
    if (!d) return r->status;
    Err e = ERR_INIT;
    size_t n = 0;
    const char *name = NULL, *crit = req_form(r, "criterion"), *kind = req_form(r, "kind");
    char *data = form_file(r, &n, &name, &e);
    int created = 0;
    json_t *f = data ? dossier_file_add(r->db, &r->actor, r->app->files_dir, id, kind && *kind ? kind : "other",
                                        crit && *crit ? crit : NULL, name, data, n, &created, &e)
                     : NULL;
    free(data);
    if (!f) {
        int st = evidence_show(r, e.status, id, d, &e);
        err_clear(&e);
        return st;
    }
    json_decref(f);
    json_decref(d);
    return page_redirect(r, arena_printf(&r->arena, "/cua-toi/ho-so/%lld/minh-chung?done=file", (long long)id));
}

/* POST /cua-toi/ho-so/{id}/minh-chung/xoa (sha256), as DELETE /api/v1/dossiers/{id}/files/{sha256}. */
int page_portal_evidence_delete(Req *r) {
    int64_t id;
    if (!page_path_id(r, &id)) return page_no_record(r);
    const char *sha = posted_sha(r);
    if (!sha) return r->status;
    Err e = ERR_INIT;
    if (dossier_file_remove(r->db, &r->actor, id, sha, &e)) return resp_problem(r, &e);
    return page_redirect(r, arena_printf(&r->arena, "/cua-toi/ho-so/%lld/minh-chung?done=file_removed", (long long)id));
}

/* The certificate issued on dossier id: {cert_no, stars, until, pdf, verify}, or NULL. */
static json_t *certificate_of(Req *r, int64_t id) {
    Stmt *s = db_prepare(r->db, "SELECT cert_no, stars, expires_on FROM certificates WHERE dossier_id = ? ORDER BY id DESC LIMIT 1");
    db_bind_int(s, 1, id);
    json_t *c = NULL;
    if (db_step(s) == DB_ROW) {
        char last[11], d[11];
        date_add_days(db_col_text(s, 2), -1, last);
        const char *no = db_col_text(s, 0);
        int days = (int)rubric_rule_num(rubric_current(), "reevaluation_opens_days");
        char opens[11];
        date_add_days(db_col_text(s, 2), -days, opens);
        c = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "cert_no", no, "stars", page_stars((int)db_col_int(s, 1)), "until",
                      page_dmy(last, d), "pdf", arena_printf(&r->arena, "/api/v1/certificates/%s/pdf", no), "verify",
                      arena_printf(&r->arena, "/xac-minh/%s", no), "window_text", page_dmy(opens, (char[11]){0}));
    }
    db_done(s);
    return c;
}

/* GET /cua-toi/ho-so/{id}: step 5 while a draft (review and submit), afterwards the dossier's
** status, history with the commune's and province's comments, the result and certificate. */
int page_portal_dossier(Req *r) {
    int64_t id;
    json_t *d = path_dossier(r, &id);
    if (!d) return r->status;
    json_t *sa = json_object_get(d, "self_assessment");
    json_t *res = json_object_get(sa, "result");
    json_t *v = step_view(r, json_incref(d), id, 5);
    json_object_set_new(v, "has_self", json_boolean(json_is_object(sa)));
    if (json_is_object(res)) {
        json_object_set(v, "self_total", json_object_get(res, "total"));
        json_object_set_new(v, "self_stars", json_string(page_stars((int)json_integer_value(json_object_get(res, "stars")))));
    }
    json_object_set_new(v, "files_n", json_integer((json_int_t)json_array_size(json_object_get(d, "files"))));
    /* the commune's last request for changes, while the dossier is returned */
    json_t *ev;
    size_t i;
    const char *asked = NULL;
    json_array_foreach(json_object_get(d, "events"), i, ev) if (str_eq(page_jstr(ev, "action"), "return")) asked = page_jstr(ev, "comment");
    if (asked && str_eq(page_jstr(d, "state"), "returned")) json_object_set_new(v, "asked", json_string(asked));
    json_object_set_new(v, "is_draft", json_boolean(str_eq(page_jstr(d, "state"), "draft")));
    /* Withdrawing ends the dossier for good: apart from the other steps, behind a second look. */
    json_t *steps = json_object_get(d, "steps"), *st;
    json_array_foreach(steps, i, st) if (str_eq(page_jstr(st, "action"), "withdraw")) {
        json_object_set_new(v, "can_withdraw", json_true());
        json_array_remove(steps, i);
        break;
    }
    json_t *cert = certificate_of(r, id);
    if (cert) json_object_set_new(v, "cert", cert);
    json_object_set_new(v, "not_recognized", json_boolean(str_eq(page_jstr(d, "result"), "not_recognized")));
    json_object_set_new(v, "next", json_string(arena_printf(&r->arena, "/cua-toi/ho-so/%lld", (long long)id)));
    json_decref(d);
    return work_render(r, 200, "portal_dossier", v);
}
