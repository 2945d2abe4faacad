/*
** job.c: background jobs of `ocop serve` (see job.h).
*/
#include "job.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct Job {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop;
    const JobSpec *spec;
    void *arg;
};

/* Wait until the time until (or the stop); true when the time came. Called with mu held. */
static bool wait_until(Job *j, const struct timespec *until) {
    while (!j->stop)
        if (pthread_cond_timedwait(&j->cv, &j->mu, until) == ETIMEDOUT) return true;
    return false;
}

static void *job_main(void *p) {
    Job *j = p;
    j->spec->run(j, j->arg, false);
    pthread_mutex_lock(&j->mu);
    for (;;) {
        struct timespec until = {j->spec->next(j->arg, time(NULL)), 0};
        if (!wait_until(j, &until)) break;
        pthread_mutex_unlock(&j->mu);
        j->spec->run(j, j->arg, false);
        pthread_mutex_lock(&j->mu);
    }
    pthread_mutex_unlock(&j->mu);
    if (j->spec->run_at_stop) j->spec->run(j, j->arg, true);
    return NULL;
}

Job *job_start(const JobSpec *spec, void *arg) {
    Job *j = xcalloc(1, sizeof *j);
    j->spec = spec;
    j->arg = arg;
    pthread_mutex_init(&j->mu, NULL);
    pthread_cond_init(&j->cv, NULL);
    /* The server's main thread waits for SIGINT and SIGTERM: this thread must never take them. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&j->thread, NULL, job_main, j);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc) panic("%s: cannot start its thread: %s", spec->name, strerror(rc));
    return j;
}

bool job_sleep(Job *j, int s) {
    if (!j) {
        struct timespec ts = {s, 0};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
        return true;
    }
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += s;
    pthread_mutex_lock(&j->mu);
    bool go_on = wait_until(j, &until);
    pthread_mutex_unlock(&j->mu);
    return go_on;
}

void job_stop(Job *j) {
    if (!j) return;
    pthread_mutex_lock(&j->mu);
    j->stop = true;
    pthread_cond_broadcast(&j->cv);
    pthread_mutex_unlock(&j->mu);
    pthread_join(j->thread, NULL);
    pthread_cond_destroy(&j->cv);
    pthread_mutex_destroy(&j->mu);
    free(j);
}
