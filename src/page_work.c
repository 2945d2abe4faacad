/*
** page_work.c: what every workspace shares (page_work.h): its navigation, the "what needs me
** now" page (/lam-viec) and the pieces of it each workspace contributes.
*/
#include "page_work.h"

#include <string.h>

#include "page.h"
#include "util.h"

/* The navigation of each workspace: the entries a role sees, in order. The first entry of a
** role is its workspace's home. */
static const struct {
    Role role;
    const char *href, *label;
} nav[] = {
    {ROLE_PRODUCER, "/cua-toi/ho-so", N_("My dossiers")},
    {ROLE_PRODUCER, "/cua-toi/san-pham", N_("My products")},
    {ROLE_PRODUCER, "/cua-toi/chu-the", N_("My organisation")},
    {ROLE_COMMUNE, "/xa/ho-so", N_("Commune dossiers")},
    {ROLE_COMMUNE, "/xa/tien-do", N_("Progress")},
    {ROLE_COMMUNE, "/xa/bao-cao", N_("Reports")},
    {ROLE_COMMUNE, "/xa/chu-the", N_("Producers of the commune")},
    {ROLE_COMMUNE, "/xa/xac-nhan", N_("Accounts to confirm")},
    {ROLE_PROVINCE, "/tinh/ho-so", N_("Province dossiers")},
    {ROLE_PROVINCE, "/tinh/tien-do", N_("Progress")},
    {ROLE_PROVINCE, "/tinh/bao-cao", N_("Reports")},
    {ROLE_PROVINCE, "/tinh/dot", N_("Rounds")},
    {ROLE_PROVINCE, "/tinh/hoi-dong", N_("Councils")},
    {ROLE_PROVINCE, "/tinh/quyet-dinh", N_("Decisions")},
    {ROLE_PROVINCE, "/tinh/chung-nhan", N_("Certificates")},
    {ROLE_PROVINCE, "/tinh/nhap", N_("Import")},
    {ROLE_PROVINCE, "/tinh/nguoi-dung", N_("Users")},
    {ROLE_PROVINCE, "/tinh/nhat-ky", N_("Audit trail")},
    {ROLE_COUNCIL_CHAIR, "/cham-diem", N_("Scoring")},
    {ROLE_COUNCIL_MEMBER, "/cham-diem", N_("Scoring")},
    {ROLE_COUNCIL_SECRETARY, "/cham-diem", N_("Scoring")},
    {ROLE_MINISTRY, "/bo/ho-so", N_("Ministry (5★)")},
    {ROLE_MINISTRY, "/bo/tien-do", N_("Progress")},
    {ROLE_MINISTRY, "/bo/ke-hoach", N_("Plans")},
    {ROLE_MINISTRY, "/bo/bao-cao", N_("Reports")},
    {ROLE_MINISTRY, "/bo/dot", N_("Ministry rounds")},
    {ROLE_MINISTRY, "/bo/quyet-dinh", N_("Ministry decisions")},
    {ROLE_ADMIN, "/bo/ho-so", N_("Ministry (5★)")},
    {ROLE_ADMIN, "/bo/tien-do", N_("Progress")},
    {ROLE_ADMIN, "/bo/dot", N_("Ministry rounds")},
    {ROLE_ADMIN, "/bo/quyet-dinh", N_("Ministry decisions")},
    {ROLE_ADMIN, "/quan-tri/nguoi-dung", N_("Users")},
    {ROLE_ADMIN, "/quan-tri/khoa-ky", N_("Signing keys")},
    {ROLE_ADMIN, "/quan-tri/du-lieu", N_("Reference data")},
    {ROLE_ADMIN, "/quan-tri/he-thong", N_("System status")},
    {ROLE_ADMIN, "/quan-tri/nhat-ky", N_("Audit trail")},
};

const Grant *work_grant(Req *r, Role role) {
    for (int i = 0; r->auth && i < r->auth->ngrants; i++)
        if (r->auth->grants[i].role == role) return &r->auth->grants[i];
    return NULL;
}

/* Does path lie under href ("/tinh/dot" covers "/tinh/dot" and "/tinh/dot/3", not "/tinh/dotx")? */
static size_t under(const char *path, const char *href) {
    size_t n = strlen(href);
    return strncmp(path, href, n) == 0 && (path[n] == 0 || path[n] == '/') ? n : 0;
}

static json_t *nav_view(Req *r) {
    json_t *items = json_array();
    size_t best = 0;
    json_t *cur = NULL;
    json_array_append_new(items, json_pack("{s:s, s:s}", "href", "/lam-viec", "label", tr(r->lang, N_("What needs me"))));
    for (size_t i = 0; i < COUNT(nav); i++) {
        if (!work_grant(r, nav[i].role)) continue;
        bool dup = false; /* the council's three positions share one workspace */
        size_t j;
        json_t *it;
        json_array_foreach(items, j, it) dup |= str_eq(json_string_value(json_object_get(it, "href")), nav[i].href);
        if (dup) continue;
        json_array_append_new(items, json_pack("{s:s, s:s}", "href", nav[i].href, "label", tr(r->lang, nav[i].label)));
    }
    size_t j;
    json_t *it;
    json_array_foreach(items, j, it) {
        size_t n = under(r->path, json_string_value(json_object_get(it, "href")));
        if (n > best) best = n, cur = it;
    }
    if (cur) json_object_set_new(cur, "current", json_true());
    return json_pack("{s:o}", "nav", items);
}

int work_render(Req *r, int status, const char *name, json_t *view) {
    json_object_set_new(view, "work", nav_view(r));
    return page_render(r, status, name, view);
}

json_t *work_item(Req *r, const char *text, const char *href, const char *detail, const char *due) {
    char today[11], soon[11], dmy[11];
    date_today(today);
    date_add_days(today, 3, soon);
    json_t *o = json_pack("{s:s, s:s}", "text", text ? text : "", "href", href ? href : "");
    if (detail && *detail) json_object_set_new(o, "detail", json_string(detail));
    if (due && *due) {
        json_object_set_new(o, "due", json_string(due));
        json_object_set_new(o, "due_text", json_string(page_dmy(due, dmy)));
        if (strcmp(due, today) < 0)
            json_object_set_new(o, "overdue", json_true());
        else if (strcmp(due, soon) <= 0)
            json_object_set_new(o, "soon", json_true());
    }
    return o;
}

void work_section(Req *r, json_t *sections, const char *title, json_t *items, int64_t total, const char *more_href,
                  bool empty_ok) {
    if (!json_array_size(items) && !empty_ok) {
        json_decref(items);
        return;
    }
    if (total < (int64_t)json_array_size(items)) total = (int64_t)json_array_size(items);
    json_t *s = json_pack("{s:s, s:o, s:I, s:s}", "title", tr(r->lang, title), "items", items, "total", (json_int_t)total,
                          "total_text", lang_int(r->lang, total, (char[32]){0}, 32));
    json_object_set_new(s, "has_items", json_boolean(json_array_size(items) > 0));
    if (more_href) json_object_set_new(s, "more_href", json_string(more_href));
    if (total > (int64_t)json_array_size(items)) json_object_set_new(s, "more", json_true());
    json_array_append_new(sections, s);
}

json_t *work_user_sorts(Req *r) {
    static const struct {
        const char *value, *label;
    } sorts[] = {
        {"username", N_("Username")},
        {"name", N_("Full name")},
        {"-created", N_("Newest accounts first")},
        {"-last_login", N_("Last signed in first")},
    };
    const char *now = req_query(r, "sort");
    json_t *out = json_array();
    for (size_t i = 0; i < COUNT(sorts); i++)
        json_array_append_new(out, json_pack("{s:s, s:s, s:b}", "value", sorts[i].value, "label", tr(r->lang, sorts[i].label),
                                             "selected", str_eq(now, sorts[i].value)));
    return out;
}

/* GET /lam-viec: for each role the caller holds, what waits in its workspace. */
int page_work(Req *r) {
    static const struct {
        Role role;
        void (*needs)(Req *, json_t *);
        void (*more)(Req *, json_t *);
    } parts[] = {
        {ROLE_PRODUCER, work_needs_producer, NULL},
        {ROLE_COMMUNE, work_needs_commune, NULL},
        {ROLE_PROVINCE, work_needs_province, work_needs_decisions},
        {ROLE_COUNCIL_CHAIR, work_needs_council, NULL},
        {ROLE_COUNCIL_MEMBER, work_needs_council, NULL},
        {ROLE_COUNCIL_SECRETARY, work_needs_council, NULL},
        {ROLE_MINISTRY, work_needs_ministry, NULL},
        {ROLE_ADMIN, work_needs_ministry, work_needs_admin},
    };
    json_t *roles = json_array();
    bool council_done = false;
    for (size_t i = 0; i < COUNT(parts); i++) {
        const Grant *g = work_grant(r, parts[i].role);
        if (!g) continue;
        /* an administrator's own part holds the Ministry's sections already */
        if (parts[i].role == ROLE_MINISTRY && work_grant(r, ROLE_ADMIN)) continue;
        bool council = parts[i].needs == work_needs_council;
        if (council && council_done) continue;
        council_done |= council;
        json_t *sections = json_array();
        parts[i].needs(r, sections);
        if (parts[i].more) parts[i].more(r, sections);
        const char *label = r->lang == LANG_VI ? role_label_vi(g->role) : role_label_en(g->role);
        json_array_append_new(roles, json_pack("{s:s, s:s, s:o, s:b}", "key", role_name(g->role), "label", label, "sections", sections, "pending",
                                               g->role == ROLE_PRODUCER && !g->confirmed));
    }
    json_t *view = json_pack("{s:o, s:b}", "roles", roles, "no_role", json_array_size(roles) == 0);
    return work_render(r, 200, "work", view);
}
