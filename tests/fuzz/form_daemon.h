/*
** form_daemon.h: runs a form body through form.c as the server does, for fuzz_form.c and
** tests/unit/test_form.c. libmicrohttpd's post processor reads its Content-Type from a real
** connection, so a private daemon on 127.0.0.1 (an ephemeral port) takes one request per call;
** its handler feeds the body to form_feed chunk by chunk, calls form_finish, hands the result to
** a check function in the daemon's thread (the files still exist then), and frees the form.
** Header-only: each program includes it once.
*/
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "form.h"

/* Called once per request: f NULL when form_new refused the Content-Type; rc and e from
** form_feed/form_finish otherwise. */
typedef void (*FormCheck)(Form *f, int rc, const Err *e, void *ctx);

typedef struct FormDaemon {
    struct MHD_Daemon *d;
    int port;
    const char *dir;
    FormCheck check;
    void *ctx;
} FormDaemon;

typedef struct FormReq {
    Form *f;
    int rc;
    Err e;
    int begun;
} FormReq;

static enum MHD_Result fd_handler(void *cls, struct MHD_Connection *mc, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **ctx) {
    (void)url, (void)method, (void)version;
    FormDaemon *fd = cls;
    FormReq *q = *ctx;
    if (!q) {
        q = calloc(1, sizeof *q);
        q->f = form_new(mc, fd->dir);
        *ctx = q;
        return MHD_YES;
    }
    if (*upload_size) {
        if (q->f && !q->rc) q->rc = form_feed(q->f, upload, *upload_size, &q->e);
        *upload_size = 0;
        return MHD_YES;
    }
    if (q->f && !q->rc) q->rc = form_finish(q->f, &q->e);
    fd->check(q->f, q->rc, &q->e, fd->ctx);
    struct MHD_Response *resp = MHD_create_response_from_buffer(2, (void *)"ok", MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret = MHD_queue_response(mc, 200, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void fd_completed(void *cls, struct MHD_Connection *mc, void **ctx, enum MHD_RequestTerminationCode toe) {
    (void)cls, (void)mc, (void)toe;
    FormReq *q = *ctx;
    if (!q) return;
    form_free(q->f);
    err_clear(&q->e);
    free(q);
    *ctx = NULL;
}

static void fd_quiet(void *cls, const char *fmt, va_list ap) { (void)cls, (void)fmt, (void)ap; }

/* Start the daemon (once per process). */
static void fd_start(FormDaemon *fd, const char *dir, FormCheck check, void *ctx) {
    fd->dir = dir;
    fd->check = check;
    fd->ctx = ctx;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    fd->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, fd_handler, fd,
                             MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_NOTIFY_COMPLETED, fd_completed,
                             fd, MHD_OPTION_EXTERNAL_LOGGER, fd_quiet, NULL, MHD_OPTION_END);
    if (!fd->d) {
        fprintf(stderr, "form_daemon: cannot start libmicrohttpd\n");
        abort();
    }
    fd->port = MHD_get_daemon_info(fd->d, MHD_DAEMON_INFO_BIND_PORT)->port;
}

/* POST body (n bytes) with Content-Type ctype; returns when the answer has arrived, so the
** check has run. */
static void fd_post(FormDaemon *fd, const char *ctype, const char *body, size_t n) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)fd->port)};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof sa)) {
        perror("form_daemon: connect");
        abort();
    }
    char head[1024];
    int h = snprintf(head, sizeof head,
                     "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
                     ctype, n);
    if (write(s, head, (size_t)h) != h) abort();
    for (size_t off = 0; off < n;) {
        ssize_t w = write(s, body + off, n - off);
        if (w <= 0) break; /* the daemon may stop reading a refused body */
        off += (size_t)w;
    }
    char buf[512];
    while (read(s, buf, sizeof buf) > 0) {}
    close(s);
}

static inline void fd_stop(FormDaemon *fd) { MHD_stop_daemon(fd->d); }
