/* trapscope: entry point and subcommand dispatch. */
#include "cli.h"

#include <stdarg.h>
#include <string.h>

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "dev"
#endif

typedef struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} cli_command;

static const cli_command commands[] = {
    {"explain", cli_explain,
     "decode trap registers (scause, htinst, ESR, HPFAR, ...) and explain them"},
    {"run", cli_run, "run a RISC-V guest under the native hypervisor, or a bare-metal program"},
    {"trace", cli_trace, "read exit traces back: statistics, differences"},
    {"debug", cli_debug, "step a guest through VM exits in a REPL (no command: the demo)"},
};

void cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("trapscope: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *out)
{
	fputs(
	    "usage: trapscope COMMAND [ARGS...]\n"
	    "       trapscope --help | --version\n"
	    "\n"
	    "trapscope is a guest-exit emulator and debugger for RISC-V (H extension) and AArch64\n"
	    "(EL2) hypervisors.\n"
	    "\n"
	    "commands:\n",
	    out);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\n'trapscope COMMAND --help' describes a command; 'man trapscope' describes them "
	      "all.\n",
	      out);
}

int main(int argc, char **argv)
{
	if (argc < 2) { /* a new user sees something at once: the demo guest in the REPL */
		char debug[] = "debug";
		char *debug_argv[] = {debug, NULL};
		return cli_debug(1, debug_argv);
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		if (argc > 2 && strcmp(cmd, "help") == 0) {
			char help[] = "--help";
			char *sub_argv[] = {argv[2], help, NULL};
			for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
				if (strcmp(argv[2], commands[i].name) == 0)
					return commands[i].run(2, sub_argv);
			cli_error("help: unknown command '%s'", argv[2]);
			return CLI_EXIT_USAGE;
		}
		usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
		printf("trapscope %s\n", PACKAGE_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(cmd, commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	cli_error("unknown command '%s' (see 'trapscope --help')", cmd);
	return CLI_EXIT_USAGE;
}
