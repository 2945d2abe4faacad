/*
** main.c: entry point; the command table lives in cli.c.
*/
#include <signal.h>

#include "cli.h"

int main(int argc, char **argv) {
    /* Past a file size limit (ulimit -f) a write must fail with EFBIG, which the storage layer
    ** reports as a clean error, instead of the signal killing the process without a word. */
    signal(SIGXFSZ, SIG_IGN);
    return cli_main(argc, argv);
}
