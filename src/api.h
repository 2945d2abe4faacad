/*
** api.h: the JSON API handlers (api_*.c), referenced by the route table in route.c. Each
** handler parses and validates its input, calls the domain, and renders JSON; nothing else.
*/
#ifndef OCOP_API_H
#define OCOP_API_H

#include "http.h"

/* api_unit.c: /api/v1/units */
int api_units_list(Req *r);     /* GET /api/v1/units?level=&date=&parent=&q=&page=&per_page= */
int api_units_get(Req *r);      /* GET /api/v1/units/{code}?date= */
int api_units_children(Req *r); /* GET /api/v1/units/{code}/children?date= */
int api_product_sets(Req *r);   /* GET /api/v1/product-sets?version= */

/* api_misc.c */
int api_healthz(Req *r);
int api_metrics(Req *r);
int api_version(Req *r);

/* api_entity.c: generic list/get/create/update/delete over an Entity (r->route->data) */
int api_entity_list(Req *r);
int api_entity_get(Req *r);
int api_entity_create(Req *r);
int api_entity_update(Req *r);
int api_entity_delete(Req *r);
int api_entity_export(Req *r);
/* Destructor of a worker's cache of rendered records (app->cache_key). */
void render_cache_free(void *cache);
int api_import(Req *r);
int api_search(Req *r);
int api_stats(Req *r);
int api_photo_add(Req *r);
int api_photo_delete(Req *r);
int api_file_get(Req *r);

/* page_home.c */
int page_home(Req *r);

#endif
