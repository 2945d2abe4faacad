/*
** jsonx.h: JSON helpers shared by handlers: reading a request body strictly.
*/
#ifndef OCOP_JSONX_H
#define OCOP_JSONX_H

#include <jansson.h>

#include "http.h"

/* The request body as a JSON object (new reference), or NULL with e: 415 when the body is
** not declared as JSON, 400 with line and column when it does not parse (duplicate keys and
** invalid UTF-8 included), 422 when it is not an object. */
json_t *req_json_object(Req *r, Err *e);

#endif
