/*
** jsonx.c: JSON helpers (see jsonx.h).
*/
#include "jsonx.h"

#include <string.h>
#include <strings.h>

json_t *req_json_object(Req *r, Err *e) {
    const char *ct = r->content_type;
    if (ct && strncasecmp(ct, "application/json", 16) != 0 && !strstr(ct, "+json")) {
        err_set(e, 415, "Content-Type", "send the body as application/json (got %s)", ct);
        return NULL;
    }
    if (r->body_len == 0) {
        err_set(e, 400, "body", "the request body is empty; send a JSON object");
        return NULL;
    }
    json_error_t je;
    json_t *o = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!o) {
        err_set(e, 400, "body", "invalid JSON at line %d, column %d: %s", je.line, je.column, je.text);
        return NULL;
    }
    if (!json_is_object(o)) {
        json_decref(o);
        err_set(e, 422, "body", "the body must be a JSON object");
        return NULL;
    }
    return o;
}
