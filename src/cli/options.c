/* getopt_long shared by the subcommands: a clean start each time and one-line errors that
 * quote the option actually refused. */
#include "cli.h"

#include <getopt.h>

void cli_getopt_start(void)
{
	opterr = 0;
	optind = 0; /* 0, not 1: glibc then also forgets a half-read option group */
}

void cli_bad_option(const char *cmd, int c, char **argv)
{
	if (c == ':')
		cli_error("%s: option '%s' needs a value", cmd, argv[optind - 1]);
	else if (optopt) /* an unknown letter, perhaps inside a group like -zj */
		cli_error("%s: unknown option '-%c' (see 'trapscope %s --help')", cmd, optopt, cmd);
	else
		cli_error("%s: unknown option '%s' (see 'trapscope %s --help')", cmd,
			  argv[optind - 1], cmd);
}
