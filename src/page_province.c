/*
** page_province.c: the province officer's workspace (/tinh): dossiers, rounds, councils.
*/
#include "page_work.h"

void work_needs_province(Req *r, json_t *sections) {
    (void)r;
    (void)sections;
}
