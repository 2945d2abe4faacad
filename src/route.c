/*
** route.c: the route table and the checks that run before every handler (see route.h).
**
** Order matters only where a literal segment and a {placeholder} could both match the same
** path: /api/v1/products/export is listed before /api/v1/products/{id}.
*/
#include "route.h"

#include <sodium.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "auth.h"
#include "dossier.h"
#include "entity.h"
#include "log.h"
#include "page_dossier.h"
#include "page_sheet.h"
#include "page_work.h"
#include "param.h"
#include "util.h"

#define MB (1024u * 1024u)
/* The generic lists: their filters (and q, for an entity with names) are the entity's fields,
** which entity.c checks; paging and the shape of sort are checked here like everywhere. An
** export holds the whole list: no page. Types: param.h. */
#define LIST_PARAMS "* sort:sort page:page per_page:per_page"
/* The public list pages (page_list.c): their filters and sort are the list's business (told
** beside the list when not understood); the page (of 30), the search and the download format
** are checked here. */
#define COUNCIL (RB(COUNCIL_CHAIR) | RB(COUNCIL_MEMBER) | RB(COUNCIL_SECRETARY))
#define PUBLIC_LIST_PARAMS "* q:text(200) sort:text(40) page:page per_page:per_page(30,30) format:enum(csv|xlsx)"
#define EXPORT_PARAMS "* sort:sort format:enum(csv|xlsx)"
#define PAGING "page:page per_page:per_page"
/* The lists of the province officer's workspace (page_decide.c): 30 a page. */
#define DECIDE_PAGING "page:page per_page:per_page(30,30)"
/* The administrator's own lists (page_admin.c): pages of 30, a notice, a download. */
#define ADMIN_LIST_PARAMS "page:page per_page:per_page(30,30) done:text(40) format:enum(csv|xlsx)"
#define USER_FILTERS "q:text(100) role:text(40) status:enum(active|disabled) province:text(7) sort:enum(" USER_SORTS ")"
#define AUDIT_FILTERS "user:text(200) entity:text(200) entity_id:text(200) action:text(200) from:text(40) to:text(40) sort:enum(newest|oldest)"

#define ENTITY_ROUTES(path, ent, nm, pc, pu, pd)                                                 \
    {"GET", "/api/v1/" path, "public", LIST_PARAMS, 0, api_entity_list, nm ".list", &ent, 0},    \
    {"POST", "/api/v1/" path, pc, "", 0, api_entity_create, nm ".create", &ent, 0},              \
    {"GET", "/api/v1/" path "/export", "public", EXPORT_PARAMS, 0, api_entity_export, nm ".export", &ent, 0}, \
    {"GET", "/api/v1/" path "/{id}", "public", "", 0, api_entity_get, nm ".get", &ent, 0},       \
    {"PATCH", "/api/v1/" path "/{id}", pu, "", 0, api_entity_update, nm ".update", &ent, SCOPE_ENTITY}, \
    {"PUT", "/api/v1/" path "/{id}", pu, "", 0, api_entity_update, nm ".replace", &ent, SCOPE_ENTITY}, \
    {"DELETE", "/api/v1/" path "/{id}", pd, "", 0, api_entity_delete, nm ".delete", &ent, SCOPE_ENTITY}

/* Records that are not public: reading needs pr, and a record outside the scope is 404. */
#define PRIVATE_ROUTES(path, ent, nm, pr, pc, pu, pd)                                            \
    {"GET", "/api/v1/" path, pr, LIST_PARAMS, 0, api_entity_list, nm ".list", &ent, 0},          \
    {"POST", "/api/v1/" path, pc, "", 0, api_entity_create, nm ".create", &ent, 0},              \
    {"GET", "/api/v1/" path "/export", pr, EXPORT_PARAMS, 0, api_entity_export, nm ".export", &ent, 0}, \
    {"GET", "/api/v1/" path "/{id}", pr, "", 0, api_entity_get, nm ".get", &ent, SCOPE_ENTITY}, \
    {"PATCH", "/api/v1/" path "/{id}", pu, "", 0, api_entity_update, nm ".update", &ent, SCOPE_ENTITY}, \
    {"PUT", "/api/v1/" path "/{id}", pu, "", 0, api_entity_update, nm ".replace", &ent, SCOPE_ENTITY}, \
    {"DELETE", "/api/v1/" path "/{id}", pd, "", 0, api_entity_delete, nm ".delete", &ent, SCOPE_ENTITY}

#define U SCOPE_USER
#define D SCOPE_ENTITY
/* A JSON row leaves html out (false): the PAGE rows set it. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
const Route routes[] = {
    PAGE("GET", "/", "public", "q:text(200)", page_home, "home"),
    {"GET", "/healthz", "public", "", 0, api_healthz, "healthz", NULL, 0},
    {"GET", "/metrics", "admin", "", 0, api_metrics, "metrics", NULL, 0},
    {"GET", "/api/v1/version", "public", "", 0, api_version, "version", NULL, 0},
    {"GET", "/api/v1/units", "public", "level:enum(province|district|commune) date:date parent:unitcode q:text(100) " PAGING,
     0, api_units_list, "units.list", NULL, 0},
    {"GET", "/api/v1/units/{code}", "public", "date:date", 0, api_units_get, "units.get", NULL, 0},
    {"GET", "/api/v1/units/{code}/children", "public", "date:date level:enum(province|district|commune)", 0,
     api_units_children, "units.children", NULL, 0},
    {"GET", "/api/v1/product-sets", "public", "version:text(40)", 0, api_product_sets, "product_sets.list", NULL, 0},
    /* the search's reach and page size are search.h's SEARCH_COUNT_MAX and SEARCH_LIMIT_MAX (test_param checks) */
    {"GET", "/api/v1/search", "public",
     "q:text(200) kind:enum(product|producer|village) page:page(10000) per_page:per_page(20,100)", 0, api_search, "search",
     NULL, 0},
    {"GET", "/api/v1/stats", "public", "unit:unitcode date:date", 0, api_stats, "stats", NULL, 0},
    {"GET", "/api/v1/indicators", "public", "", 0, api_indicators, "indicators.list", NULL, 0},
    {"GET", "/api/v1/indicators/{code}", "public",
     "unit:unitcode date:date from:date geography:enum(2025|pre2025) rows:bool", 0, api_indicator, "indicators.get", NULL, 0},
    /* plans (plan.c): public documents; plan.c checks where a plan lies */
    {"GET", "/api/v1/plans", "public", "unit:text(5) year:int(2000..2999) " PAGING, 0, api_plans_list, "plans.list", NULL, 0},
    {"POST", "/api/v1/plans", "plans.write", "", 0, api_plans_create, "plans.create", NULL, 0},
    {"GET", "/api/v1/plans/{id}", "public", "", 0, api_plan_get, "plans.get", NULL, 0},
    {"PUT", "/api/v1/plans/{id}", "plans.write", "", 0, api_plan_replace, "plans.replace", NULL, 0},
    {"DELETE", "/api/v1/plans/{id}", "plans.write", "", 0, api_plan_delete, "plans.delete", NULL, 0},
    {"POST", "/api/v1/plans/{id}/copy", "plans.write", "", 0, api_plan_copy, "plans.copy", NULL, 0},
    {"PATCH", "/api/v1/plans/{id}/tasks/{task_id}", "plans.write", "", 0, api_plan_task, "plans.task", NULL, 0},
    {"GET", "/api/v1/plans/{id}/progress", "public", "date:date", 0, api_plan_progress, "plans.progress", NULL, 0},
    /* reports (report.c): public figures; a round's results need dossiers.read, which report.c checks */
    {"GET", "/api/v1/reports", "public", "", 0, api_reports_list, "reports.list", NULL, 0},
    {"GET", "/api/v1/reports/{name}", "public",
     "unit:unitcode period:text(30) geography:enum(2025|pre2025) format:enum(json|pdf|xlsx|csv) plan:id round:id "
     "months:int(1..36) number:text(40) signer:text(100) title:text(200)",
     0, api_report, "reports.get", NULL, 0},
    {"GET", "/api/v1/rubrics", "public", "", 0, api_rubrics_list, "rubrics.list", NULL, 0},
    {"GET", "/api/v1/rubrics/{version}", "public", "", 0, api_rubric_get, "rubrics.get", NULL, 0},
    {"GET", "/api/v1/rubrics/{version}/sets/{n}", "public", "", 0, api_rubric_set, "rubrics.set", NULL, 0},
    {"POST", "/api/v1/rubrics/{version}/sets/{n}/evaluate", "public", "", 256 * 1024, api_rubric_evaluate,
     "rubrics.evaluate", NULL, 0},
    {"POST", "/api/v1/import/{kind}", "import", "dry_run:bool format:enum(csv|xlsx)", 64 * MB, api_import, "import", NULL,
     SCOPE_KIND},
    {"POST", "/api/v1/products/{id}/photos", "products.update", "filename:text(1024)", 10 * MB, api_photo_add, "photos.add",
     &ENTITY_PRODUCTS, SCOPE_ENTITY},
    {"DELETE", "/api/v1/products/{id}/photos/{sha256}", "products.update", "", 0, api_photo_delete, "photos.delete",
     &ENTITY_PRODUCTS, SCOPE_ENTITY},
    {"GET", "/files/{sha256}", "public", "", 0, api_file_get, "files.get", NULL, 0},
    ENTITY_ROUTES("producers", ENTITY_PRODUCERS, "producers", "producers.create", "producers.update", "producers.delete"),
    ENTITY_ROUTES("products", ENTITY_PRODUCTS, "products", "products.create", "products.update", "products.delete"),
    ENTITY_ROUTES("recognitions", ENTITY_RECOGNITIONS, "recognitions", "recognitions.write", "recognitions.write",
                  "recognitions.write"),
    ENTITY_ROUTES("villages", ENTITY_VILLAGES, "villages", "villages.write", "villages.write", "villages.write"),
    ENTITY_ROUTES("points", ENTITY_POINTS, "points", "points.write", "points.write", "points.write"),
    ENTITY_ROUTES("councils", ENTITY_COUNCILS, "councils", "councils.write", "councils.write", "councils.write"),
    ENTITY_ROUTES("advisors", ENTITY_ADVISORS, "advisors", "councils.write", "councils.write", "councils.write"),
    /* evaluation: rounds, dossiers and the procedure */
    ENTITY_ROUTES("rounds", ENTITY_ROUNDS, "rounds", "rounds.write", "rounds.write", "rounds.write"),
    {"GET", "/api/v1/dossier-transitions", "public", "", 0, api_dossier_transitions, "dossiers.transitions", NULL, 0},
    PRIVATE_ROUTES("dossiers", ENTITY_DOSSIERS, "dossiers", "dossiers.read", "dossiers.write", "dossiers.write",
                   "dossiers.write"),
    {"POST", "/api/v1/dossiers/{id}/transitions", "dossiers.act", "", 0, api_dossier_act, "dossiers.act",
     &ENTITY_DOSSIERS, D},
    {"GET", "/api/v1/dossiers/{id}/events", "dossiers.read", "", 0, api_dossier_events, "dossiers.events",
     &ENTITY_DOSSIERS, D},
    {"PUT", "/api/v1/dossiers/{id}/self-assessment", "dossiers.write", "", 0, api_dossier_self_assessment,
     "dossiers.self_assessment", &ENTITY_DOSSIERS, D},
    {"PUT", "/api/v1/dossiers/{id}/commune-report", "dossiers.write", "", 0, api_dossier_commune_report,
     "dossiers.commune_report", &ENTITY_DOSSIERS, D},
    {"GET", "/api/v1/dossiers/{id}/files", "dossiers.read", "", 0, api_dossier_files_list, "dossiers.files.list",
     &ENTITY_DOSSIERS, D},
    {"POST", "/api/v1/dossiers/{id}/files", "dossiers.write", "kind:text(40) criterion:text(40) filename:text(1024)",
     20 * MB, api_dossier_file_add, "dossiers.files.add", &ENTITY_DOSSIERS, D},
    {"GET", "/api/v1/dossiers/{id}/files/{sha256}", "dossiers.read", "", 0, api_dossier_file_get, "dossiers.files.get",
     &ENTITY_DOSSIERS, D},
    {"DELETE", "/api/v1/dossiers/{id}/files/{sha256}", "dossiers.write", "", 0, api_dossier_file_delete,
     "dossiers.files.delete", &ENTITY_DOSSIERS, D},
    {"GET", "/api/v1/dossiers/{id}/council", "dossiers.read", "", 0, api_dossier_council, "dossiers.council",
     &ENTITY_DOSSIERS, D},
    {"POST", "/api/v1/dossiers/{id}/conflicts", "scores.write", "", 0, api_dossier_conflict, "dossiers.conflicts",
     &ENTITY_DOSSIERS, D},
    {"GET", "/api/v1/dossiers/{id}/scores", "dossiers.read", "", 0, api_dossier_scores, "dossiers.scores",
     &ENTITY_DOSSIERS, D},
    {"PUT", "/api/v1/dossiers/{id}/scores/me", "scores.write", "", 256 * 1024, api_dossier_score_save,
     "dossiers.scores.save", &ENTITY_DOSSIERS, D},
    {"POST", "/api/v1/dossiers/{id}/scores/rescore", "scores.write", "", 0, api_dossier_rescore,
     "dossiers.scores.rescore", &ENTITY_DOSSIERS, D},
    {"POST", "/api/v1/dossiers/{id}/scores/close", "scores.write", "", 0, api_dossier_close, "dossiers.scores.close",
     &ENTITY_DOSSIERS, D},
    {"GET", "/api/v1/dossiers/{id}/minutes", "dossiers.read", "pass:int(1..1000)", 0, api_dossier_minutes,
     "dossiers.minutes", &ENTITY_DOSSIERS, D},
    /* decisions, certificates, lifecycle (decision.c): public records; decision.c checks the level */
    {"GET", "/api/v1/decisions", "public",
     "province:text(7) level:enum(province|ministry) year:int(2000..2999) sort:enum(newest|oldest) " PAGING,
     0, api_decisions_list, "decisions.list", NULL, 0},
    {"POST", "/api/v1/decisions", "decisions.write", "", 0, api_decision_create, "decisions.create", NULL, 0},
    {"GET", "/api/v1/decisions/{id}", "public", "", 0, api_decision_get, "decisions.get", NULL, 0},
    {"GET", "/api/v1/certificates", "public",
     "product_id:id state:enum(valid|expired|revoked|superseded) province:text(7) " PAGING, 0, api_certificates_list,
     "certificates.list", NULL, 0},
    {"GET", "/api/v1/certificates/{cert_no}", "public", "", 0, api_certificate_get, "certificates.get", NULL, 0},
    {"GET", "/api/v1/certificates/{cert_no}/pdf", "public", "", 0, api_certificate_pdf, "certificates.pdf", NULL, 0},
    {"POST", "/api/v1/certificates/{cert_no}/revoke", "decisions.write", "", 0, api_certificate_revoke,
     "certificates.revoke", NULL, 0},
    {"GET", "/api/v1/revocation-grounds", "public", "", 0, api_revocation_grounds, "revocation_grounds.list", NULL, 0},
    {"GET", "/api/v1/lifecycle/due", "dossiers.read",
     "province:text(7) commune:text(15) date:date phase:enum(window|warning) sort:enum(expires|product|unfiled) " PAGING, 0,
     api_lifecycle_due, "lifecycle.due", NULL, 0},
    PAGE("GET", "/xac-minh", "public", "so:text(200)", page_verify_lookup, "verify.lookup"),
    PAGE("GET", "/xac-minh/{cert_no}", "public", "", page_verify, "verify.page"),
    PAGE("GET", "/san-pham/{id}", "public", "", page_product, "products.page"),
    PAGE("GET", "/chu-the/{id}", "public", "", page_producer, "producers.page"),
    PAGE("GET", "/diem-ban/{id}", "public", "", page_point, "points.page"),
    PAGE("GET", "/lang-nghe/{id}", "public", "", page_village, "villages.page"),
    PAGE("GET", "/thong-ke", "public", "*", page_stats, "stats.page"),
    PAGE("GET", "/tu-danh-gia", "public", "bo:int(1..26)", page_sheet_try, "sheet.try"),
    PAGE("POST", "/tu-danh-gia", "public", "bo:int(1..26)", page_sheet_try, "sheet.try_post"),
    PAGE("GET", "/san-pham", "public", PUBLIC_LIST_PARAMS, page_products, "products.list_page"),
    PAGE("GET", "/chu-the", "public", PUBLIC_LIST_PARAMS, page_producers, "producers.list_page"),
    PAGE("GET", "/diem-ban", "public", PUBLIC_LIST_PARAMS, page_points, "points.list_page"),
    PAGE("GET", "/lang-nghe", "public", PUBLIC_LIST_PARAMS, page_villages, "villages.list_page"),
    /* accounts as pages (page_account.c) */
    PAGE("GET", "/dang-nhap", "public", "next done", page_signin_form, "signin.page"),
    PAGE("POST", "/dang-nhap", "public", "next", page_signin, "signin.post"),
    PAGE("POST", "/dang-xuat", "login", "", page_signout, "signout.post"),
    PAGE("GET", "/dang-ky", "public", "", page_register_form, "register.page"),
    PAGE("POST", "/dang-ky", "public", "", page_register, "register.post"),
    PAGE("GET", "/tai-khoan", "login", "done", page_account, "account.page"),
    PAGE("GET", "/tai-khoan/mat-khau", "login", "", page_password_form, "password.page"),
    PAGE("POST", "/tai-khoan/mat-khau", "login", "", page_password, "password.post"),
    /* the workspaces (page_work.h): what needs me now, and the step every workspace takes */
    PAGE("GET", "/lam-viec", "login", "", page_work, "work.page"),
    WORK_ON("POST", "/ho-so/{id}/buoc", ~0u, "dossiers.act", "", page_dossier_step, "dossiers.step", ENTITY_DOSSIERS),
    /* the producer's portal (page_portal.c) */
#define PR RB(PRODUCER)
/* the reports page's form (page_report.c) */
#define REPORT_PAGE_PARAMS                                                                                                   \
    "report:enum(summary|products|due|progress|round) unit:text(20) year:int(2000..2999) month:int(1..12) until:date "     \
    "format:enum(pdf|xlsx|csv) plan:id round:id number:text(40) signer:text(100)"
    WORK("GET", "/cua-toi/chu-the", PR, "login", "done", page_portal_producer, "portal.producer"),
    WORK("POST", "/cua-toi/chu-the", PR, "producers.update", "", page_portal_producer_save, "portal.producer_save"),
    WORK("GET", "/cua-toi/san-pham", PR, "login", PUBLIC_LIST_PARAMS, page_portal_products, "portal.products"),
    WORK("GET", "/cua-toi/san-pham/moi", PR, "products.create", "", page_portal_product_new, "portal.product_new"),
    WORK("POST", "/cua-toi/san-pham/moi", PR, "products.create", "", page_portal_product_save, "portal.product_create"),
    WORK_ON("GET", "/cua-toi/san-pham/{id}", PR, "products.update", "done", page_portal_product, "products.portal_page",
            ENTITY_PRODUCTS),
    WORK_ON("POST", "/cua-toi/san-pham/{id}", PR, "products.update", "", page_portal_product_save, "products.portal_save",
            ENTITY_PRODUCTS),
    WORK_BODY("POST", "/cua-toi/san-pham/{id}/anh", PR, "products.update", "", 10 * MB, page_portal_photo_add,
              "products.portal_photo_add", ENTITY_PRODUCTS),
    WORK_ON("POST", "/cua-toi/san-pham/{id}/anh/xoa", PR, "products.update", "", page_portal_photo_delete,
            "products.portal_photo_delete", ENTITY_PRODUCTS),
    WORK("GET", "/cua-toi/ho-so", PR, "dossiers.read", PUBLIC_LIST_PARAMS, page_portal_dossiers, "portal.dossiers"),
    WORK("GET", "/cua-toi/ho-so/moi", PR, "dossiers.write", "san_pham:id loai:enum(first|upgrade|reevaluation)",
         page_portal_new, "portal.dossier_new"),
    WORK("POST", "/cua-toi/ho-so/moi", PR, "dossiers.write", "", page_portal_create, "portal.dossier_create"),
    WORK_ON("GET", "/cua-toi/ho-so/{id}", PR, "dossiers.read", "done", page_portal_dossier, "dossiers.portal_page",
            ENTITY_DOSSIERS),
    WORK_ON("GET", "/cua-toi/ho-so/{id}/dang-ky", PR, "dossiers.read", "", page_portal_registration,
            "dossiers.portal_registration", ENTITY_DOSSIERS),
    WORK_ON("POST", "/cua-toi/ho-so/{id}/dang-ky", PR, "dossiers.write", "", page_portal_registration_save,
            "dossiers.portal_registration_save", ENTITY_DOSSIERS),
    WORK_ON("GET", "/cua-toi/ho-so/{id}/tu-danh-gia", PR, "dossiers.read", "done", page_portal_sheet,
            "dossiers.portal_sheet", ENTITY_DOSSIERS),
    WORK_ON("POST", "/cua-toi/ho-so/{id}/tu-danh-gia", PR, "dossiers.write", "", page_portal_sheet_save,
            "dossiers.portal_sheet_save", ENTITY_DOSSIERS),
    WORK_ON("GET", "/cua-toi/ho-so/{id}/minh-chung", PR, "dossiers.read", "done", page_portal_evidence,
            "dossiers.portal_evidence", ENTITY_DOSSIERS),
    WORK_BODY("POST", "/cua-toi/ho-so/{id}/minh-chung", PR, "dossiers.write", "", 20 * MB, page_portal_evidence_add,
              "dossiers.portal_evidence_add", ENTITY_DOSSIERS),
    WORK_ON("POST", "/cua-toi/ho-so/{id}/minh-chung/xoa", PR, "dossiers.write", "", page_portal_evidence_delete,
            "dossiers.portal_evidence_delete", ENTITY_DOSSIERS),
#undef PR

    /* the commune officer's workspace (page_commune.c) */
    WORK("GET", "/xa/tien-do", RB(COMMUNE), "login", "format:enum(csv|xlsx)", page_progress, "commune.progress"),
    WORK("GET", "/xa/bao-cao", RB(COMMUNE), "login", REPORT_PAGE_PARAMS, page_reports, "commune.reports"),
    WORK("GET", "/xa/ho-so", RB(COMMUNE) | RB(ADMIN), "dossiers.read", PUBLIC_LIST_PARAMS, page_commune_dossiers,
         "commune.dossiers"),
    WORK_ON("GET", "/xa/ho-so/{id}", RB(COMMUNE) | RB(ADMIN), "dossiers.read", "done", page_commune_dossier,
            "dossiers.commune_page", ENTITY_DOSSIERS),
    WORK_ON("POST", "/xa/ho-so/{id}/mau-03", RB(COMMUNE) | RB(ADMIN), "dossiers.write", "", page_commune_report,
            "dossiers.commune_report_page", ENTITY_DOSSIERS),
    WORK("GET", "/xa/chu-the", RB(COMMUNE) | RB(ADMIN), "login", PUBLIC_LIST_PARAMS, page_commune_producers,
         "commune.producers"),
    WORK("GET", "/xa/san-pham", RB(COMMUNE) | RB(ADMIN), "login", PUBLIC_LIST_PARAMS, page_commune_products,
         "commune.products"),
    WORK("GET", "/xa/xac-nhan", RB(COMMUNE) | RB(ADMIN), "users.confirm", "done q:text(200) " DECIDE_PAGING,
         page_commune_accounts,
         "commune.accounts"),
    {"POST", "/xa/xac-nhan/{id}", "users.confirm", "", 0, page_commune_confirm, "users.confirm_page", NULL, U, true,
     RB(COMMUNE) | RB(ADMIN)},

    /* the province officer's workspace: dossiers, rounds, councils (page_province.c) */
    WORK("GET", "/tinh/ho-so", RB(PROVINCE) | RB(ADMIN), "dossiers.read", PUBLIC_LIST_PARAMS,
         page_province_dossiers, "dossiers.province_list"),
    WORK_ON("GET", "/tinh/ho-so/{id}", RB(PROVINCE) | RB(ADMIN), "dossiers.read", "done:text(40)",
            page_province_dossier, "dossiers.province_page", ENTITY_DOSSIERS),
    WORK("GET", "/tinh/dot", RB(PROVINCE) | RB(ADMIN), "dossiers.read", PUBLIC_LIST_PARAMS,
         page_province_rounds, "rounds.province_list"),
    WORK("GET", "/tinh/dot/moi", RB(PROVINCE) | RB(ADMIN), "dossiers.read", "",
         page_province_round_new, "rounds.new_page"),
    WORK("POST", "/tinh/dot/moi", RB(PROVINCE) | RB(ADMIN), "rounds.write", "",
         page_province_round_create, "rounds.new_post"),
    WORK_ON("GET", "/tinh/dot/{id}", RB(PROVINCE) | RB(ADMIN), "dossiers.read", "done:text(40)",
            page_province_round, "rounds.province_page", ENTITY_ROUNDS),
    WORK_ON("POST", "/tinh/dot/{id}", RB(PROVINCE) | RB(ADMIN), "rounds.write", "",
            page_province_round_update, "rounds.province_update", ENTITY_ROUNDS),
    WORK_ON("POST", "/tinh/dot/{id}/ho-so", RB(PROVINCE) | RB(ADMIN), "rounds.write", "",
            page_province_round_assign, "rounds.province_assign", ENTITY_ROUNDS),
    WORK("GET", "/tinh/hoi-dong", RB(PROVINCE) | RB(ADMIN), "dossiers.read", PUBLIC_LIST_PARAMS,
         page_province_councils, "councils.province_list"),
    WORK("GET", "/tinh/hoi-dong/moi", RB(PROVINCE) | RB(ADMIN), "dossiers.read", "",
         page_province_council_new, "councils.new_page"),
    WORK("POST", "/tinh/hoi-dong/moi", RB(PROVINCE) | RB(ADMIN), "councils.write", "",
         page_province_council_create, "councils.new_post"),
    WORK_ON("GET", "/tinh/hoi-dong/{id}", RB(PROVINCE) | RB(ADMIN), "dossiers.read", "done:text(40)",
            page_province_council, "councils.province_page", ENTITY_COUNCILS),
    WORK_ON("POST", "/tinh/hoi-dong/{id}/thanh-vien", RB(PROVINCE) | RB(ADMIN), "councils.write", "",
            page_province_member_add, "councils.member_add", ENTITY_COUNCILS),
    WORK_ON("POST", "/tinh/hoi-dong/{id}/thanh-vien/xoa", RB(PROVINCE) | RB(ADMIN), "councils.write", "",
            page_province_member_remove, "councils.member_remove", ENTITY_COUNCILS),
    WORK_ON("POST", "/tinh/hoi-dong/{id}/to-tu-van", RB(PROVINCE) | RB(ADMIN), "councils.write", "",
            page_province_advisor_add, "councils.advisor_add", ENTITY_COUNCILS),
    WORK_ON("POST", "/tinh/hoi-dong/{id}/to-tu-van/xoa", RB(PROVINCE) | RB(ADMIN), "councils.write", "",
            page_province_advisor_remove, "councils.advisor_remove", ENTITY_COUNCILS),

    /* the province officer's workspace: decisions, certificates, imports, users, audit (page_decide.c) */
    WORK("GET", "/tinh/quyet-dinh", RB(PROVINCE), "decisions.write",
         "year:int(2000..2999) level:enum(province|ministry) sort:enum(newest|oldest) format:enum(csv|xlsx) " DECIDE_PAGING,
         page_decisions,
         "decisions.list_page"),
    WORK("GET", "/tinh/quyet-dinh/moi", RB(PROVINCE), "decisions.write", "done", page_decision_new, "decisions.new_page"),
    WORK("POST", "/tinh/quyet-dinh/moi", RB(PROVINCE), "decisions.write", "", page_decision_create, "decisions.create_page"),
    WORK("GET", "/tinh/quyet-dinh/{id}", RB(PROVINCE), "decisions.write", "done", page_decision, "decisions.page"),
    WORK("GET", "/tinh/chung-nhan", RB(PROVINCE), "decisions.write",
         "state:enum(valid|expired|revoked|superseded) q:text(100) sort:enum(newest|expires|number) format:enum(csv|xlsx) "
         DECIDE_PAGING, page_certificates,
         "certificates.list_page"),
    WORK("GET", "/tinh/tien-do", RB(PROVINCE), "login", "sort:enum(name|products|stars4) format:enum(csv|xlsx)", page_progress,
         "progress.page"),
    WORK("GET", "/tinh/ke-hoach", RB(PROVINCE), "login", "done:text(40)", page_plans, "plans.list_page"),
    WORK("GET", "/tinh/bao-cao", RB(PROVINCE), "login", REPORT_PAGE_PARAMS, page_reports, "reports.page"),
    WORK("GET", "/tinh/ke-hoach/moi", RB(PROVINCE), "login", "", page_plan_new, "plans.new_page"),
    WORK("POST", "/tinh/ke-hoach/moi", RB(PROVINCE), "plans.write", "", page_plan_create, "plans.create_page"),
    WORK("GET", "/tinh/ke-hoach/{id}", RB(PROVINCE), "login", "done:text(40) format:enum(csv|xlsx)", page_plan, "plans.page"),
    WORK("GET", "/tinh/ke-hoach/{id}/sua", RB(PROVINCE), "login", "", page_plan_edit, "plans.edit_page"),
    WORK("POST", "/tinh/ke-hoach/{id}/sua", RB(PROVINCE), "plans.write", "", page_plan_update, "plans.update_page"),
    WORK("POST", "/tinh/ke-hoach/{id}/sao-chep", RB(PROVINCE), "plans.write", "", page_plan_copy, "plans.copy_page"),
    WORK("POST", "/tinh/ke-hoach/{id}/nhiem-vu/{task_id}", RB(PROVINCE), "plans.write", "", page_plan_task, "plans.task_page"),
    WORK("GET", "/tinh/chung-nhan/het-han", RB(PROVINCE), "decisions.write",
         "phase:enum(window|warning) sort:enum(expires|product|unfiled) format:enum(csv|xlsx) " DECIDE_PAGING,
         page_certificates_due, "certificates.due_page"),
    WORK("GET", "/tinh/chung-nhan/{cert_no}", RB(PROVINCE), "decisions.write", "done", page_certificate, "certificates.page"),
    WORK("POST", "/tinh/chung-nhan/{cert_no}/thu-hoi", RB(PROVINCE), "decisions.write", "", page_certificate_revoke,
         "certificates.revoke_page"),
    WORK("GET", "/tinh/nhap", RB(PROVINCE), "import", "kind:text(40) done created:int(0..100000000)", page_import_form,
         "import.page"),
    {"POST", "/tinh/nhap", "import", "", 64 * MB, page_import_preview, "import.preview_page", NULL, 0, true, RB(PROVINCE)},
    WORK("POST", "/tinh/nhap/xac-nhan", RB(PROVINCE), "import", "", page_import_confirm, "import.confirm_page"),
    WORK("GET", "/tinh/nhap/mau", RB(PROVINCE), "import", "kind:text(40) format:enum(csv|xlsx)", page_import_template,
         "import.template_page"),
    WORK("GET", "/tinh/nguoi-dung", RB(PROVINCE), "users.read",
         "q:text(100) role:text(40) status:enum(active|disabled) sort:enum(" USER_SORTS ") format:enum(csv|xlsx) "
         DECIDE_PAGING, page_users,
         "users.list_page"),
    WORK("GET", "/tinh/nguoi-dung/moi", RB(PROVINCE), "users.manage", "", page_user_new, "users.new_page"),
    WORK("POST", "/tinh/nguoi-dung/moi", RB(PROVINCE), "users.manage", "", page_user_create, "users.create_page"),
    {"GET", "/tinh/nguoi-dung/{id}", "users.read", "done", 0, page_user, "users.page", NULL, U, true, RB(PROVINCE)},
    {"POST", "/tinh/nguoi-dung/{id}", "users.manage", "", 0, page_user_act, "users.act_page", NULL, U, true, RB(PROVINCE)},
    WORK("GET", "/tinh/nhat-ky", RB(PROVINCE), "audit.read", AUDIT_FILTERS " format:enum(csv|xlsx) " DECIDE_PAGING,
         page_audit, "audit.page"),

    /* the council's workspace (page_council.c) */
    WORK("GET", "/cham-diem", COUNCIL, "dossiers.read", PUBLIC_LIST_PARAMS, page_council_list, "council.list"),
    WORK_ON("GET", "/cham-diem/{id}", COUNCIL, "dossiers.read", "done:enum(saved|submitted|conflict)", page_council_sheet,
            "dossiers.sheet_page", ENTITY_DOSSIERS),
    WORK_ON("POST", "/cham-diem/{id}", COUNCIL, "scores.write", "", page_council_sheet_post, "dossiers.sheet_post",
            ENTITY_DOSSIERS),
    WORK_ON("POST", "/cham-diem/{id}/xung-dot", COUNCIL, "scores.write", "", page_council_conflict,
            "dossiers.conflict_post", ENTITY_DOSSIERS),
    WORK_ON("GET", "/cham-diem/{id}/hoi-dong", COUNCIL, "dossiers.read", "done:enum(submitted|rescore|close)",
            page_council_view, "dossiers.council_page", ENTITY_DOSSIERS),
    WORK_ON("POST", "/cham-diem/{id}/hoi-dong", COUNCIL, "scores.write", "", page_council_act, "dossiers.council_act",
            ENTITY_DOSSIERS),
    WORK_ON("GET", "/cham-diem/{id}/bien-ban.pdf", COUNCIL, "dossiers.read", "pass:int(1..1000)", page_council_minutes,
            "dossiers.minutes_pdf", ENTITY_DOSSIERS),

    /* the Ministry's (its officers and administrators) and the administrator's workspaces
    ** (page_admin.c): the pages whose permission no other role holds say "login", so that the
    ** role check names the workspace (403) */
    WORK("GET", "/bo/tien-do", RB(MINISTRY) | RB(ADMIN), "login", "sort:enum(name|products|stars4) format:enum(csv|xlsx)",
         page_progress, "ministry.progress"),
    /* the country's plans, on the same forms (page_progress.c): the Ministry's officers and administrators */
    WORK("GET", "/bo/ke-hoach", RB(MINISTRY) | RB(ADMIN), "login", "done:text(40)", page_plans, "national_plans.list_page"),
    WORK("GET", "/bo/ke-hoach/moi", RB(MINISTRY) | RB(ADMIN), "login", "", page_plan_new, "national_plans.new_page"),
    WORK("POST", "/bo/ke-hoach/moi", RB(MINISTRY) | RB(ADMIN), "plans.write", "", page_plan_create, "national_plans.create_page"),
    WORK("GET", "/bo/ke-hoach/{id}", RB(MINISTRY) | RB(ADMIN), "login", "done:text(40) format:enum(csv|xlsx)", page_plan,
         "national_plans.page"),
    WORK("GET", "/bo/ke-hoach/{id}/sua", RB(MINISTRY) | RB(ADMIN), "login", "", page_plan_edit, "national_plans.edit_page"),
    WORK("POST", "/bo/ke-hoach/{id}/sua", RB(MINISTRY) | RB(ADMIN), "plans.write", "", page_plan_update, "national_plans.update_page"),
    WORK("POST", "/bo/ke-hoach/{id}/sao-chep", RB(MINISTRY) | RB(ADMIN), "plans.write", "", page_plan_copy, "national_plans.copy_page"),
    WORK("POST", "/bo/ke-hoach/{id}/nhiem-vu/{task_id}", RB(MINISTRY) | RB(ADMIN), "plans.write", "", page_plan_task,
         "national_plans.task_page"),
    WORK("GET", "/bo/bao-cao", RB(MINISTRY) | RB(ADMIN), "login", REPORT_PAGE_PARAMS, page_reports, "ministry.reports"),
    WORK("GET", "/bo/ho-so", RB(MINISTRY) | RB(ADMIN), "dossiers.read", PUBLIC_LIST_PARAMS, page_ministry_dossiers, "ministry.dossiers"),
    WORK_ON("GET", "/bo/ho-so/{id}", RB(MINISTRY) | RB(ADMIN), "dossiers.read", "done:text(40)", page_ministry_dossier,
            "dossiers.ministry_page", ENTITY_DOSSIERS),
    WORK("GET", "/bo/dot", RB(MINISTRY) | RB(ADMIN), "rounds.write", PUBLIC_LIST_PARAMS, page_ministry_rounds, "ministry.rounds"),
    WORK("GET", "/bo/dot/moi", RB(MINISTRY) | RB(ADMIN), "rounds.write", "", page_ministry_round_form, "ministry.round_form"),
    WORK("POST", "/bo/dot/moi", RB(MINISTRY) | RB(ADMIN), "rounds.write", "", page_ministry_round_create, "ministry.round_create"),
    WORK("GET", "/bo/quyet-dinh", RB(MINISTRY) | RB(ADMIN), "decisions.write", ADMIN_LIST_PARAMS " year:int(2000..2999) sort:enum(newest|oldest)",
         page_ministry_decisions, "ministry.decisions"),
    WORK("GET", "/bo/quyet-dinh/moi", RB(MINISTRY) | RB(ADMIN), "decisions.write", "", page_ministry_decision_form,
         "ministry.decision_form"),
    WORK("POST", "/bo/quyet-dinh/moi", RB(MINISTRY) | RB(ADMIN), "decisions.write", "", page_ministry_decision_create,
         "ministry.decision_create"),
    WORK("GET", "/quan-tri/nguoi-dung", RB(ADMIN), "users.manage", ADMIN_LIST_PARAMS " " USER_FILTERS,
         page_admin_users, "admin.users"),
    WORK("POST", "/quan-tri/nguoi-dung", RB(ADMIN), "users.manage", ADMIN_LIST_PARAMS " " USER_FILTERS,
         page_admin_user_create, "admin.user_create"),
    WORK("GET", "/quan-tri/nguoi-dung/{id}", RB(ADMIN), "users.manage", "done:text(40)", page_admin_user, "users.admin_page"),
    WORK("POST", "/quan-tri/nguoi-dung/{id}/vai-tro", RB(ADMIN), "users.manage", "", page_admin_user_grant,
         "users.admin_grant"),
    WORK("POST", "/quan-tri/nguoi-dung/{id}/vai-tro/xoa", RB(ADMIN), "users.manage", "", page_admin_user_revoke,
         "users.admin_revoke"),
    WORK("POST", "/quan-tri/nguoi-dung/{id}/trang-thai", RB(ADMIN), "users.manage", "", page_admin_user_status,
         "users.admin_status"),
    WORK("POST", "/quan-tri/nguoi-dung/{id}/mat-khau", RB(ADMIN), "users.manage", "", page_admin_user_password,
         "users.admin_password"),
    WORK("GET", "/quan-tri/khoa-ky", RB(ADMIN), "login", "done:text(40) retire:text(40) authority:text(40)",
         page_admin_keys, "admin.keys"),
    WORK("POST", "/quan-tri/khoa-ky", RB(ADMIN), "login", "", page_admin_key_generate, "admin.key_generate"),
    WORK("POST", "/quan-tri/khoa-ky/thu-hoi", RB(ADMIN), "login", "", page_admin_key_retire, "admin.key_retire"),
    WORK("GET", "/quan-tri/du-lieu", RB(ADMIN), "login", "", page_admin_data, "admin.data"),
    WORK("GET", "/quan-tri/he-thong", RB(ADMIN), "login", "", page_admin_system, "admin.system"),
    WORK("GET", "/quan-tri/nhat-ky", RB(ADMIN), "login", ADMIN_LIST_PARAMS " " AUDIT_FILTERS " verify:bool",
         page_admin_audit, "admin.audit"),

    {"GET", "/static/{name}", "public", "", 0, page_static, "static", NULL, 0},
    /* accounts */
    {"POST", "/api/v1/session", "public", "", 8 * 1024, api_session_create, "session.create", NULL, 0},
    {"DELETE", "/api/v1/session", "login", "", 0, api_session_delete, "session.delete", NULL, 0},
    {"GET", "/api/v1/me", "login", "", 0, api_me, "me.get", NULL, 0},
    {"DELETE", "/api/v1/me/sessions", "login", "", 0, api_me_sessions_delete, "me.sessions.delete", NULL, 0},
    {"PUT", "/api/v1/me/password", "login", "", 8 * 1024, api_me_password, "me.password", NULL, 0},
    {"GET", "/api/v1/me/tokens", "login", "", 0, api_me_tokens_list, "me.tokens.list", NULL, 0},
    {"POST", "/api/v1/me/tokens", "login", "", 8 * 1024, api_me_tokens_create, "me.tokens.create", NULL, 0},
    {"DELETE", "/api/v1/me/tokens/{id}", "login", "", 0, api_me_tokens_delete, "me.tokens.delete", NULL, 0},
    {"POST", "/api/v1/register", "public", "", 64 * 1024, api_register, "register", NULL, 0},
    {"GET", "/api/v1/users", "users.read", USER_FILTERS " " PAGING,
     0, api_users_list, "users.list", NULL, 0},
    {"POST", "/api/v1/users", "users.manage", "", 64 * 1024, api_users_create, "users.create", NULL, 0},
    {"GET", "/api/v1/users/{id}", "users.read", "", 0, api_users_get, "users.get", NULL, U},
    {"PATCH", "/api/v1/users/{id}", "users.manage", "", 8 * 1024, api_users_update, "users.update", NULL, U},
    {"PUT", "/api/v1/users/{id}/password", "users.manage", "", 8 * 1024, api_users_password, "users.password", NULL, U},
    {"POST", "/api/v1/users/{id}/roles", "users.manage", "", 8 * 1024, api_users_grant, "users.grant", NULL, U},
    {"DELETE", "/api/v1/users/{id}/roles/{role_id}", "users.manage", "", 0, api_users_revoke, "users.revoke", NULL, U},
    {"POST", "/api/v1/users/{id}/confirm", "users.confirm", "", 0, api_users_confirm, "users.confirm", NULL, U},
    /* the audit trail */
    {"GET", "/api/v1/audit", "audit.read", AUDIT_FILTERS " " PAGING, 0, api_audit_list, "audit.list", NULL, 0},
    {"GET", "/api/v1/audit/export", "audit.read", AUDIT_FILTERS " format:enum(csv|xlsx)", 0, api_audit_export,
     "audit.export", NULL, 0},
    {"GET", "/api/v1/audit/verify", "admin", "", 0, api_audit_verify, "audit.verify", NULL, 0},
};
#pragma GCC diagnostic pop
#undef U
#undef D
const size_t nroutes = COUNT(routes);

size_t route_index(const Route *rt) { return (size_t)(rt - routes); }

/* Match pattern against path; placeholders' values go to r->pathv (arena copies). */
static int match(Req *r, const char *pat, const char *path) {
    int np = 0;
    while (*pat && *path) {
        if (*pat == '{') {
            const char *pend = strchr(pat, '}');
            const char *seg_end = strchr(path, '/');
            if (!seg_end) seg_end = path + strlen(path);
            if (seg_end == path || !pend || np >= 4) return 0;
            if (r) r->pathv[np] = arena_strndup(&r->arena, path, (size_t)(seg_end - path));
            np++;
            pat = pend + 1;
            path = seg_end;
        } else if (*pat == *path) {
            pat++;
            path++;
        } else {
            return 0;
        }
    }
    /* A trailing slash is tolerated: /api/v1/products/ = /api/v1/products. */
    if (*path == '/' && path[1] == 0) path++;
    if (*pat || *path) return 0;
    if (r) r->npath = np;
    return 1;
}

const Route *route_match(Req *r, const char *method, const char *path, int *status, char *allow,
                         size_t allow_len) {
    int path_found = 0;
    allow[0] = 0;
    for (size_t i = 0; i < nroutes; i++) {
        if (!match(NULL, routes[i].pattern, path)) continue;
        if (strcmp(routes[i].method, method) == 0 ||
            (strcmp(method, "HEAD") == 0 && strcmp(routes[i].method, "GET") == 0)) {
            match(r, routes[i].pattern, path);
            return &routes[i];
        }
        path_found = 1;
        size_t n = strlen(allow);
        snprintf(allow + n, allow_len - n, "%s%s", n ? ", " : "", routes[i].method);
    }
    *status = path_found ? 405 : 404;
    return NULL;
}

void route_authenticate(Req *r) {
    const char *authz = req_header(r, "Authorization");
    const char *cookie = req_cookie(r, SESSION_COOKIE);
    if (!authz && !cookie) return;
    Auth *a = arena_alloc(&r->arena, sizeof *a);
    if (authz) {
        if (strncasecmp(authz, "Bearer ", 7) != 0) {
            err_set(&r->auth_err, 401, "Authorization", "send API tokens as 'Authorization: Bearer TOKEN'");
            return;
        }
        if (token_load(r->db, authz + 7, a, &r->auth_err)) return;
    } else if (session_load(r->db, cookie, a, &r->auth_err)) {
        snprintf(r->auth_err.field, sizeof r->auth_err.field, "%s", SESSION_COOKIE);
        return;
    }
    r->auth = a;
    r->actor = actor_user(a, r->remote);
}

static bool is_read(const char *method) { return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0; }

/* A state-changing request from a browser page of another site (Origin names another host). */
static bool cross_origin(Req *r) {
    const char *origin = req_header(r, "Origin"), *host = req_header(r, "Host");
    if (!origin || !host) return false;
    const char *o = strstr(origin, "://");
    return !o || strcmp(o + 3, host) != 0;
}

/* 401 with the challenge; a stale session cookie is dropped. */
static int unauthorized(Req *r, const char *detail) {
    resp_header(r, "WWW-Authenticate", "Bearer realm=\"ocop\"");
    if (req_cookie(r, SESSION_COOKIE))
        resp_header(r, "Set-Cookie", SESSION_COOKIE "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
    log_warn("denied status=401 method=%s path=%s remote=%s reason=\"%s\"", r->method, r->path, r->remote, detail);
    return resp_error(r, 401, r->auth_err.field, "%s", detail);
}

/* 403 with the message fmt (a literal of the catalogues: told in the reader's language). */
static int forbidden(Req *r, const char *field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int forbidden(Req *r, const char *field, const char *fmt, ...) {
    Err e = ERR_INIT;
    va_list ap;
    va_start(ap, fmt);
    err_vset(&e, 403, field, fmt, ap);
    va_end(ap);
    log_warn("denied status=403 method=%s path=%s user=%s remote=%s reason=\"%s\"", r->method, r->path,
             r->auth ? r->auth->username : "-", r->remote, e.detail);
    return resp_problem(r, &e);
}

/* A workspace page for roles the caller does not hold: 403, naming who the page is for (the
** administrator only when the page is its alone: it may open every workspace's). */
static int not_for_you(Req *r, unsigned roles) {
    Buf b = BUF_INIT;
    for (int i = 0; i < ROLE_COUNT; i++)
        if (roles & (1u << i) && (i != ROLE_ADMIN || roles == 1u << ROLE_ADMIN))
            buf_printf(&b, "%s%s", b.n ? ", " : "", r->lang == LANG_VI ? role_label_vi((Role)i) : role_label_en((Role)i));
    const char *who = arena_strdup(&r->arena, buf_str(&b));
    buf_free(&b);
    log_warn("denied status=403 method=%s path=%s user=%s remote=%s reason=\"role\"", r->method, r->path,
             r->auth ? r->auth->username : "-", r->remote);
    return resp_error(r, 403, "", "this page is for: %s. Your account has none of these roles; if it should, ask your "
                                  "OCOP office", who);
}

/* The kind of record the path names must exist (404) and the caller may create such records
** (403): an import is refused before its file is read. */
static int check_kind(Req *r) {
    const Entity *en = entity_by_name(r->pathv[0]);
    if (!en)
        return resp_error(r, 404, "kind",
                          "cannot import '%s': kinds are producers, products, recognitions, villages, points, councils, dossiers",
                          r->pathv[0]);
    if (!auth_can(r->auth, en->perm_create))
        return forbidden(r, "kind", "your roles do not allow creating %s (%s)", en->name, perm_name(en->perm_create));
    return 0;
}

/* The object named by the path must lie within the caller's scope for perm: else 404. */
static int check_object(Req *r, const Route *rt, Perm perm) {
    if (rt->scope == SCOPE_KIND) return check_kind(r);
    int64_t id;
    if (!parse_i64(r->pathv[0], &id) || id <= 0) return 0; /* the handler answers 404 */
    Err e = ERR_INIT;
    if (rt->scope == SCOPE_USER) {
        if (user_visible(r->db, &r->actor, id)) return 0;
        return resp_error(r, 404, "id", "no user %lld", (long long)id);
    }
    const Entity *en = rt->data;
    json_t *obj = entity_get(r->db, en, id, &e);
    if (!obj) return resp_problem(r, &e); /* does not exist: 404, as out of scope */
    int rc = entity_check_scope(r->db, en, &r->actor, perm, obj, id, false, &e);
    json_decref(obj);
    if (rc) {
        log_warn("denied status=404 method=%s path=%s user=%s remote=%s reason=out-of-scope", r->method, r->path,
                 r->auth ? r->auth->username : "-", r->remote);
        return resp_problem(r, &e);
    }
    return 0;
}

int route_admit(Req *r) {
    const Route *rt = r->route;
    if (!rt) {
        int status = 0;
        char allow[64];
        route_match(r, r->method, r->path, &status, allow, sizeof allow);
        if (status == 405) {
            resp_header(r, "Allow", allow);
            return resp_error(r, 405, "", "%s is not allowed on %s (allowed: %s)", r->method, r->path, allow);
        }
        return resp_error(r, 404, "", "no such resource: %s", r->path);
    }
    r->html = rt->html;
    /* Typed parameters (param.h). A page ignores parameters it does not declare (links from
    ** elsewhere carry utm_source and the like) and choices left empty; the API refuses them, so
    ** a misspelt filter is not silently dropped. */
    Err e = ERR_INIT;
    if (rt->html && r->nquery) {
        /* a filter form's empty choice ("All": state=) is a choice not made; an empty text is
        ** what was typed (a blank search, a number to look up: the page may say so) */
        Param *kept = arena_alloc(&r->arena, sizeof *kept * (size_t)r->nquery);
        int k = 0;
        for (int i = 0; i < r->nquery; i++) {
            ParamSpec ps;
            if (!r->query[i].value[0] && param_find(rt->params, r->query[i].key, &ps) && ps.type != PT_TEXT) continue;
            kept[k++] = r->query[i];
        }
        r->query = kept;
        r->nquery = k;
    }
    if (params_admit(rt->params, rt->html, r->query, r->nquery, &e)) return resp_problem(r, &e);
    int perm = perm_parse(rt->perm);
    if (perm < 0) panic("route %s declares unknown permission '%s'", rt->name, rt->perm);
    /* Credentials that were sent must be valid, except a stale cookie on a public route. */
    if (r->auth_err.status) {
        if (perm != PERM_PUBLIC || strcmp(r->auth_err.field, "Authorization") == 0)
            return unauthorized(r, r->auth_err.detail);
        resp_header(r, "Set-Cookie", SESSION_COOKIE "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
    }
    if (!is_read(r->method) && cross_origin(r)) return forbidden(r, "Origin", "cross-site requests are refused");
    if (perm != PERM_PUBLIC) {
        if (!r->auth)
            return unauthorized(r, "sign in first (POST /api/v1/session), or send 'Authorization: Bearer TOKEN'");
        if (r->auth->read_only && !is_read(r->method))
            return forbidden(r, "Authorization", "this API token has scope \"read\": it may only read");
        /* a workspace's page names whose it is before what it needs */
        if (rt->roles && !auth_has_role(r->auth, rt->roles)) return not_for_you(r, rt->roles);
        if (!auth_can(r->auth, (Perm)perm)) return forbidden(r, "", "your roles do not allow this (%s)", rt->perm);
        /* Sessions ride on a cookie the browser sends by itself: a state-changing request must
        ** also carry the session's CSRF token, which only our own pages can read (a page's form
        ** carries it as a field: route_check_form, once the body is read). */
        if (r->auth->via == AUTH_SESSION && !is_read(r->method) && !rt->html) {
            const char *t = req_header(r, "X-CSRF-Token");
            size_t n = strlen(r->auth->csrf);
            if (!t)
                return forbidden(r, "X-CSRF-Token", "missing X-CSRF-Token header (its value is csrf_token from "
                                                    "POST /api/v1/session or GET /api/v1/me)");
            if (strlen(t) != n || sodium_memcmp(t, r->auth->csrf, n) != 0)
                return forbidden(r, "X-CSRF-Token", "the CSRF token does not match this session");
        }
        if (rt->scope && check_object(r, rt, (Perm)perm)) return r->status;
    }
    return 0;
}


int route_check_form(Req *r, Handler *show) {
    const char *sent = req_form(r, CSRF_FIELD);
    /* A browser sends no API token by itself: a request that carries one is no forgery. */
    if (r->auth && r->auth->via == AUTH_TOKEN) return 0;
    const char *want = r->auth ? r->auth->csrf : req_cookie(r, CSRF_COOKIE);
    size_t n = want ? strlen(want) : 0;
    if (n >= 32 && sent && strlen(sent) == n && sodium_memcmp(sent, want, n) == 0) return 0;
    log_warn("denied status=403 method=%s path=%s user=%s remote=%s reason=\"%s CSRF token\"", r->method, r->path,
             r->auth ? r->auth->username : "-", r->remote, sent ? "stale" : "missing");
    err_set(&r->form_err, 403, CSRF_FIELD,
            "this form has expired or was not sent from this site, so nothing was saved: check the values and "
            "send it again");
    for (size_t i = 0; i < nroutes; i++)
        if (routes[i].html && strcmp(routes[i].method, "GET") == 0 && match(NULL, routes[i].pattern, r->path)) {
            match(r, routes[i].pattern, r->path);
            *show = routes[i].handler;
            return 403;
        }
    *show = NULL;
    return resp_problem(r, &r->form_err);
}
