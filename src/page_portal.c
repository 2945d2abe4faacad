/*
** page_portal.c: the producer's portal (/cua-toi).
*/
#include "page_work.h"

void work_needs_producer(Req *r, json_t *sections) {
    (void)r;
    (void)sections;
}
