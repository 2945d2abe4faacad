/*
** page_commune.c: the commune officer's workspace (/xa).
*/
#include "page_work.h"

void work_needs_commune(Req *r, json_t *sections) {
    (void)r;
    (void)sections;
}
