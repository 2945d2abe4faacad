/*
** page_decide.c: the province officer's workspace (/tinh): decisions, certificates, imports, users, audit.
*/
#include "page_work.h"

void work_needs_decisions(Req *r, json_t *sections) {
    (void)r;
    (void)sections;
}
