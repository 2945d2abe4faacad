/*
** cli.h: the command line: `ocop COMMAND [ARGS]`; see cli.c for the command table.
*/
#ifndef OCOP_CLI_H
#define OCOP_CLI_H

int cli_main(int argc, char **argv);

#endif
