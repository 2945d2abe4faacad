/*
** page_council.c: the council's workspace (/cham-diem).
*/
#include "page_work.h"

void work_needs_council(Req *r, json_t *sections) {
    (void)r;
    (void)sections;
}
