/*
** stats.c: OCOP progress statistics by administrative unit and date (see stats.h).
**
** A product counts on date D when it has a recognition of 3 stars or more with
** decision_date <= D < expires_on that had not ended (revoked, superseded) by D; with several
** such recognitions the most recent decision gives its stars. Its commune is commune_code in
** the 2025 geography and commune_code_old in the pre-2025 one: a product recorded only with a
** 2025 commune cannot be placed in a pre-2025 commune and is not counted there.
*/
#include "stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "entity.h"
#include "unit.h"
#include "rubric.h"
#include "util.h"

static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

json_t *stats_report(Db *db, Arena *a, const char *unit_code, const char *date, Err *e) {
    char today[11];
    if (!date) {
        date_today(today);
        date = today;
    } else if (!date_valid(date)) {
        err_set(e, 400, "date", "date must be YYYY-MM-DD, got '%s'", date);
        return NULL;
    }
    if (!unit_code || !*unit_code) {
        err_set(e, 400, "unit", "unit is required: the code of a province, district or commune");
        return NULL;
    }
    Unit u;
    if (unit_get(db, a, unit_code, date, &u, e)) {
        if (e->status == 422) e->status = 400; /* the unit and date come from the query string */
        return NULL;
    }
    const char **communes = NULL;
    int ncommunes = 0;
    if (unit_communes_within(db, a, u.code, date, &communes, &ncommunes, e)) return NULL;
    bool pre = strcmp(u.geo, "pre2025") == 0;

    int nstars[6] = {0}, nproducts = 0, nproducers = 0, ncommunes_with = 0;
    json_t *by_type = json_object();
    if (ncommunes > 0) {
        Buf sql = BUF_INIT;
        buf_printf(&sql,
                   "SELECT p.id, p.producer_id, pr.type, r.stars, p.%s FROM products p "
                   "JOIN producers pr ON pr.id = p.producer_id JOIN recognitions r ON r.product_id = p.id "
                   "WHERE r.stars >= ? AND r.decision_date <= ? AND r.expires_on > ? "
                   "AND (r.ended_on IS NULL OR r.ended_on > ?) AND p.%s IN (",
                   pre ? "commune_code_old" : "commune_code", pre ? "commune_code_old" : "commune_code");
        for (int i = 0; i < ncommunes; i++) buf_puts(&sql, i ? ",?" : "?");
        buf_puts(&sql, ") ORDER BY p.producer_id, p.id, r.decision_date DESC, r.id DESC");
        Stmt *s = db_prepare(db, sql.p);
        buf_free(&sql);
        /* Recognised: a certified band (Điều 4.1.a: 3★ and above; the score sheet's data). */
        db_bind_int(s, 1, rubric_certified_stars(rubric_current()));
        db_bind_text(s, 2, date);
        db_bind_text(s, 3, date);
        db_bind_text(s, 4, date);
        for (int i = 0; i < ncommunes; i++) db_bind_text(s, 5 + i, communes[i]);
        int64_t last_product = 0, last_producer = 0;
        const char **seen = NULL;
        int nseen = 0, cap = 0;
        while (db_step(s) == DB_ROW) {
            int64_t pid = db_col_int(s, 0), prid = db_col_int(s, 1);
            if (pid == last_product) continue; /* older recognition of the same product */
            last_product = pid;
            int stars = (int)db_col_int(s, 3);
            nstars[stars > 5 ? 5 : stars]++;
            nproducts++;
            if (prid != last_producer) {
                last_producer = prid;
                nproducers++;
                const char *type = db_col_text(s, 2);
                json_t *c = json_object_get(by_type, type);
                json_object_set_new(by_type, type, json_integer(c ? json_integer_value(c) + 1 : 1));
            }
            if (nseen == cap) {
                cap = cap ? cap * 2 : 64;
                const char **grown = arena_alloc(a, sizeof(char *) * (size_t)cap);
                if (nseen) memcpy(grown, seen, sizeof(char *) * (size_t)nseen);
                seen = grown;
            }
            seen[nseen++] = arena_strdup(a, db_col_text(s, 4));
        }
        db_done(s);
        if (nseen) qsort(seen, (size_t)nseen, sizeof *seen, cmp_str);
        for (int i = 0; i < nseen; i++)
            if (i == 0 || strcmp(seen[i], seen[i - 1]) != 0) ncommunes_with++;
    }
    double pct = ncommunes ? (double)ncommunes_with * 100.0 / ncommunes : 0;
    char pct_s[16];
    snprintf(pct_s, sizeof pct_s, "%.2f", pct);
    json_t *o = json_object();
    json_object_set_new(o, "unit", json_pack("{s:s, s:s, s:s, s:s, s:s}", "code", u.code, "name", u.name, "type", u.type,
                                             "level", u.level, "geo", u.geo));
    json_object_set_new(o, "date", json_string(date));
    json_t *bs = json_pack("{s:i, s:i, s:i}", "3", nstars[3], "4", nstars[4], "5", nstars[5]);
    json_object_set_new(o, "products", json_pack("{s:i, s:o}", "total", nproducts, "by_stars", bs));
    json_object_set_new(o, "producers", json_pack("{s:i, s:o}", "total", nproducers, "by_type", by_type));
    json_object_set_new(o, "communes", json_pack("{s:i, s:i, s:f}", "with_products", ncommunes_with, "total", ncommunes,
                                                 "percent", atof(pct_s)));
    Buf vi = BUF_INIT, en = BUF_INIT;
    char pct_vi[16];
    snprintf(pct_vi, sizeof pct_vi, "%s", pct_s);
    for (char *p = pct_vi; *p; p++)
        if (*p == '.') *p = ',';
    buf_printf(&vi, "%d sản phẩm của %d chủ thể: %d sản phẩm 3 sao, %d sản phẩm 4 sao, %d sản phẩm 5 sao; %d/%d xã có sản phẩm OCOP (%s%%)",
               nproducts, nproducers, nstars[3], nstars[4], nstars[5], ncommunes_with, ncommunes, pct_vi);
    buf_printf(&en, "%d product%s of %d producer%s: %d at 3★, %d at 4★, %d at 5★; %d of %d communes, %s%%", nproducts,
               nproducts == 1 ? "" : "s", nproducers, nproducers == 1 ? "" : "s", nstars[3], nstars[4], nstars[5],
               ncommunes_with, ncommunes, pct_s);
    json_object_set_new(o, "summary_vi", json_string(buf_str(&vi)));
    json_object_set_new(o, "summary_en", json_string(buf_str(&en)));
    buf_free(&vi);
    buf_free(&en);
    return o;
}
