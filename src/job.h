/*
** job.h: a background job of `ocop serve`: a thread that runs a step at once, then again at the
** times the job chooses, until the server stops (the daily lifecycle run, the audit checkpoints).
** The thread never takes the server's signals; stopping wakes it at once.
*/
#ifndef OCOP_JOB_H
#define OCOP_JOB_H

#include <stdbool.h>
#include <time.h>

typedef struct Job Job;

typedef struct JobSpec {
    const char *name;                      /* for the panic when the thread cannot start */
    void (*run)(Job *j, void *arg, bool last); /* one step; last: the run at stop (run_at_stop) */
    time_t (*next)(void *arg, time_t now); /* when to run again, as a time(2) value after now */
    bool run_at_stop;                      /* run once more when stopped */
} JobSpec;

/* Start spec's thread with arg (both must outlive the job). Panics if no thread can start. */
Job *job_start(const JobSpec *spec, void *arg);
/* Wait s seconds; false when the job is being stopped (then at once). j NULL: a plain sleep. */
bool job_sleep(Job *j, int s);
/* Stop the job: wake it, let it finish its step (and the run at stop), join it, free it. */
void job_stop(Job *j);

#endif
