/*
** err.c: expected-failure values (see err.h).
*/
#include "err.h"

#include <stdarg.h>
#include <stdio.h>

int err_set(Err *e, int status, const char *field, const char *fmt, ...) {
    if (!e) return -1;
    e->status = status;
    snprintf(e->field, sizeof e->field, "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->detail, sizeof e->detail, fmt, ap);
    va_end(ap);
    return -1;
}

void err_clear(Err *e) {
    if (e->errors) json_decref(e->errors);
    e->errors = NULL;
    e->status = 0;
    e->field[0] = e->detail[0] = 0;
}

const char *err_title(int status) {
    switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    case 507: return "Insufficient Storage";
    default: return "Error";
    }
}
