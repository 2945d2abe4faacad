/*
** page_dossier.h: what every workspace shows of a dossier and the one form that moves it
** (docs/web.md "Workspaces"). The producer's, the commune's, the province's and the council's
** pages of a dossier each show more or less of it and their own forms, but the same summary
** (templates/dossier_head.html), history (dossier_events.html) and files (dossier_files.html),
** and every step of the procedure goes through POST /ho-so/{id}/buoc.
*/
#ifndef OCOP_PAGE_DOSSIER_H
#define OCOP_PAGE_DOSSIER_H

#include <jansson.h>

#include "http.h"

/* The dossier id as the workspaces show it: the record (entity_get, decorated: product,
** overdue, actions) plus kind_label, state_label, product_name, producer_name, commune_name,
** province_name, round_name, the dates as dd/mm/yyyy (filed_text, received_text, due_text,
** forwarded_text), stars_text, events [{at_text, user, action_label, from_label, to_label,
** comment}], files [{filename, kind, criterion, bytes_text, url}], has_files, and steps: the
** actions the caller may take now [{action, label, needs_comment, needs_reason,
** needs_round}] (dossier_transitions, by the caller's roles). NULL and e when it does not
** exist; the route (WORK_ON) has checked the scope. A new object. */
json_t *work_dossier_view(Req *r, int64_t id, Err *e);

/* The label of a dossier state, a kind, an action (an event's, a step's) in r's language. */
const char *work_state_label(Req *r, const char *state);
const char *work_kind_label(Req *r, const char *kind);
const char *work_action_label(Req *r, const char *action);

/* Has dossier id moved on from the state from that a form's page showed (another tab,
** another person, the same form posted twice)? 0 when not (or from is NULL); otherwise the
** answer is in r, a 409 naming the state it is in now (404 when it does not exist), and its
** status is returned: the form changes nothing. */
int work_dossier_moved(Req *r, int64_t id, const char *from);

/* POST /ho-so/{id}/buoc: one step of the procedure from a workspace page. Fields: action,
** from (the state the page showed), comment, reason, round_id, next (the page to go back to,
** with ?done=ACTION). A step whose dossier is no longer in the state the page showed (another
** tab, another person, the same form posted twice) changes nothing and answers 409, naming the
** state it is in now. Refusals of the domain (dossier_act) answer as pages with its message. */
int page_dossier_step(Req *r);

#endif
