/*
** page_work.h: the workspaces, the signed-in side of the web application (docs/web.md
** "Workspaces"). Each role has one: the producer's portal (/cua-toi), the commune officer's
** (/xa), the province officer's (/tinh), the council's (/cham-diem), the Ministry's (/bo) and
** the administrator's (/quan-tri). Every one opens on /lam-viec, "what needs me now": the
** items waiting for this person, each with its deadline and an overdue flag, gathered from the
** workspace of each role the person holds (work_needs_* below).
**
** A workspace page is a WORK row of the route table (route.h): route_admit refuses, with a 403
** page naming the workspace, a caller without one of the page's roles; WORK_ON also checks the
** record the path names is in the caller's scope (404 when not, exactly as if it did not exist).
** A handler then renders with work_render, which adds the workspace's navigation.
*/
#ifndef OCOP_PAGE_WORK_H
#define OCOP_PAGE_WORK_H

#include <jansson.h>
#include <stdbool.h>

#include "auth.h"
#include "http.h"

/* page_render with the view's "work": {"nav": [{href, label, current}]} of the caller's
** workspaces (the entries of every role it holds; current: the one whose href is the longest
** prefix of the path), shown under the site bar by templates/work_nav.html. */
int work_render(Req *r, int status, const char *name, json_t *view);

/* The first grant of r's caller with role, or NULL. A commune officer's commune, a province
** officer's province, a producer's id (g->scope). */
const Grant *work_grant(Req *r, Role role);

/* One item of a "what needs me now" section: text (already in r's language; the product's
** name, the dossier's number), href, detail (may be NULL: "Xã Mỏ Cày"), due (YYYY-MM-DD or
** NULL). Adds "due_text" (the date as r's language writes it), "overdue" (due before today)
** and "soon" (due within 3 days). A new object. */
json_t *work_item(Req *r, const char *text, const char *href, const char *detail, const char *due);

/* A section: title (an English message id, translated here), its items (stolen) and the link
** to the whole list (more_href, may be NULL) with the total (may be more than the items
** shown). Appended to sections, unless items is empty and empty_ok is false. */
void work_section(Req *r, json_t *sections, const char *title, json_t *items, int64_t total, const char *more_href,
                  bool empty_ok);

/* Each workspace's part of /lam-viec: the sections (work_section) of what waits for the caller
** in its role. Each lives with its workspace's pages and reads in a few queries, never one per
** item. */
void work_needs_producer(Req *r, json_t *sections);
void work_needs_commune(Req *r, json_t *sections);
void work_needs_province(Req *r, json_t *sections);
void work_needs_decisions(Req *r, json_t *sections);
void work_needs_council(Req *r, json_t *sections);
void work_needs_ministry(Req *r, json_t *sections);
void work_needs_admin(Req *r, json_t *sections);

/* The orders of a list of users (USER_SORTS) as select options [{value, label, selected}] in r's
** language, the one of ?sort= selected. A new array. */
json_t *work_user_sorts(Req *r);

/* GET /lam-viec. */
int page_work(Req *r);

/* The handlers of each workspace's pages, in the route table. */
/* page_portal.c: the producer's portal */
int page_portal_producer(Req *r);           /* GET /cua-toi/chu-the: its own organisation */
int page_portal_producer_save(Req *r);      /* POST /cua-toi/chu-the */
int page_portal_products(Req *r);           /* GET /cua-toi/san-pham */
int page_portal_product_new(Req *r);        /* GET /cua-toi/san-pham/moi */
int page_portal_product(Req *r);            /* GET /cua-toi/san-pham/{id} */
int page_portal_product_save(Req *r);       /* POST /cua-toi/san-pham/moi and /cua-toi/san-pham/{id} */
int page_portal_photo_add(Req *r);          /* POST /cua-toi/san-pham/{id}/anh */
int page_portal_photo_delete(Req *r);       /* POST /cua-toi/san-pham/{id}/anh/xoa: sha256 */
int page_portal_dossiers(Req *r);           /* GET /cua-toi/ho-so */
int page_portal_new(Req *r);                /* GET /cua-toi/ho-so/moi: wizard steps 1 and 2 */
int page_portal_create(Req *r);             /* POST /cua-toi/ho-so/moi: the draft */
int page_portal_dossier(Req *r);            /* GET /cua-toi/ho-so/{id}: step 5, the status */
int page_portal_registration(Req *r);       /* GET /cua-toi/ho-so/{id}/dang-ky: step 2 (Mẫu 01) */
int page_portal_registration_save(Req *r);  /* POST /cua-toi/ho-so/{id}/dang-ky */
int page_portal_sheet(Req *r);              /* GET /cua-toi/ho-so/{id}/tu-danh-gia: step 3 (Mẫu 02) */
int page_portal_sheet_save(Req *r);         /* POST /cua-toi/ho-so/{id}/tu-danh-gia */
int page_portal_evidence(Req *r);           /* GET /cua-toi/ho-so/{id}/minh-chung: step 4 */
int page_portal_evidence_add(Req *r);       /* POST /cua-toi/ho-so/{id}/minh-chung */
int page_portal_evidence_delete(Req *r);    /* POST /cua-toi/ho-so/{id}/minh-chung/xoa: sha256 */

/* page_commune.c: the commune officer's workspace */
int page_commune_dossiers(Req *r);  /* GET /xa/ho-so */
int page_commune_dossier(Req *r);   /* GET /xa/ho-so/{id} */
int page_commune_report(Req *r);    /* POST /xa/ho-so/{id}/mau-03: the commune's report (Mẫu 03) */
int page_commune_producers(Req *r); /* GET /xa/chu-the */
int page_commune_products(Req *r);  /* GET /xa/san-pham */
int page_commune_accounts(Req *r);  /* GET /xa/xac-nhan */
int page_commune_confirm(Req *r);   /* POST /xa/xac-nhan/{id} */

/* page_province.c: the province officer's workspace: dossiers, rounds, councils */
int page_province_dossiers(Req *r);       /* GET /tinh/ho-so */
int page_province_dossier(Req *r);        /* GET /tinh/ho-so/{id} */
int page_province_rounds(Req *r);         /* GET /tinh/dot */
int page_province_round_new(Req *r);      /* GET /tinh/dot/moi */
int page_province_round_create(Req *r);   /* POST /tinh/dot/moi */
int page_province_round(Req *r);          /* GET /tinh/dot/{id} */
int page_province_round_update(Req *r);   /* POST /tinh/dot/{id} */
int page_province_round_assign(Req *r);   /* POST /tinh/dot/{id}/ho-so */
int page_province_councils(Req *r);       /* GET /tinh/hoi-dong */
int page_province_council_new(Req *r);    /* GET /tinh/hoi-dong/moi */
int page_province_council_create(Req *r); /* POST /tinh/hoi-dong/moi */
int page_province_council(Req *r);        /* GET /tinh/hoi-dong/{id} */
int page_province_member_add(Req *r);     /* POST /tinh/hoi-dong/{id}/thanh-vien */
int page_province_member_remove(Req *r);  /* POST /tinh/hoi-dong/{id}/thanh-vien/xoa */
int page_province_advisor_add(Req *r);    /* POST /tinh/hoi-dong/{id}/to-tu-van */
int page_province_advisor_remove(Req *r); /* POST /tinh/hoi-dong/{id}/to-tu-van/xoa */

/* page_decide.c: the province officer's workspace: decisions, certificates, imports, users, audit */
int page_decisions(Req *r);
int page_decision_new(Req *r);
int page_decision_create(Req *r);
int page_decision(Req *r);
int page_certificates(Req *r);
int page_certificates_due(Req *r);
/* page_progress.c: the province's progress, a plan's progress and its tasks */
int page_progress(Req *r);
/* page_report.c: /tinh/bao-cao and /bo/bao-cao */
int page_reports(Req *r);
int page_plan(Req *r);
int page_plan_task(Req *r);
int page_plans(Req *r);
int page_plan_new(Req *r);
int page_plan_create(Req *r);
int page_plan_edit(Req *r);
int page_plan_update(Req *r);
int page_plan_copy(Req *r);
int page_certificate(Req *r);
int page_certificate_revoke(Req *r);
int page_import_form(Req *r);
int page_import_preview(Req *r);
int page_import_confirm(Req *r);
int page_import_template(Req *r);
int page_users(Req *r);
int page_user_new(Req *r);
int page_user_create(Req *r);
int page_user(Req *r);
int page_user_act(Req *r);
int page_audit(Req *r);

/* page_council.c: the council's workspace */
int page_council_list(Req *r);       /* GET /cham-diem */
int page_council_sheet(Req *r);      /* GET /cham-diem/{id}: the official sheet */
int page_council_sheet_post(Req *r); /* POST /cham-diem/{id}: save or submit it */
int page_council_conflict(Req *r);   /* POST /cham-diem/{id}/xung-dot: declare a conflict of interest */
int page_council_view(Req *r);       /* GET /cham-diem/{id}/hoi-dong: every sheet, spread, result */
int page_council_act(Req *r);        /* POST /cham-diem/{id}/hoi-dong: re-score or close */
int page_council_minutes(Req *r);    /* GET /cham-diem/{id}/bien-ban.pdf */

/* page_admin.c: the Ministry's and the administrator's workspaces */
int page_ministry_dossiers(Req *r);
int page_ministry_dossier(Req *r);
int page_ministry_rounds(Req *r);
int page_ministry_round_form(Req *r);
int page_ministry_round_create(Req *r);
int page_ministry_decisions(Req *r);
int page_ministry_decision_form(Req *r);
int page_ministry_decision_create(Req *r);
int page_admin_users(Req *r);
int page_admin_user_create(Req *r);
int page_admin_user(Req *r);
int page_admin_user_grant(Req *r);
int page_admin_user_revoke(Req *r);
int page_admin_user_status(Req *r);
int page_admin_user_password(Req *r);
int page_admin_keys(Req *r);
int page_admin_key_generate(Req *r);
int page_admin_key_retire(Req *r);
int page_admin_data(Req *r);
int page_admin_system(Req *r);
int page_admin_audit(Req *r);


#endif
