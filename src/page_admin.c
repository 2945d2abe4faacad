/*
** page_admin.c: the Ministry's (/bo) and the administrator's (/quan-tri) workspaces.
*/
#include "page_work.h"

void work_needs_ministry(Req *r, json_t *sections) {
    (void)r;
    (void)sections;
}

void work_needs_admin(Req *r, json_t *sections) {
    (void)r;
    (void)sections;
}
