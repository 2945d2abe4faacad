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

/* GET /lam-viec. */
int page_work(Req *r);

/* The handlers of each workspace's pages, in the route table. */
/* page_portal.c: the producer's portal */

/* page_commune.c: the commune officer's workspace */

/* page_province.c: the province officer's workspace: dossiers, rounds, councils */

/* page_decide.c: the province officer's workspace: decisions, certificates, imports, users, audit */

/* page_council.c: the council's workspace */

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
