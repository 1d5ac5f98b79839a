/* trapscope trace: read exit traces back (either format): statistics and differences. */
#include "cli.h"
#include "trace/trace.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <string.h>

static void trace_usage(FILE *out)
{
	fputs(
	    "usage: trapscope trace stats TRACE\n"
	    "       trapscope trace diff A B\n"
	    "\n"
	    "Reads exit traces written by 'trapscope run --trace', as one JSON document or as\n"
	    "JSON Lines (see trapscope-trace(5)); '-' reads standard input.\n"
	    "\n"
	    "  stats  exits by reason (samples, share), the total, instructions and guest traps\n"
	    "  diff   compares A and B: arch and machine, then the events in order; prints the\n"
	    "         first event that differs field by field (JSON paths), how many more events\n"
	    "         one trace has, and how the summaries differ. A different guest path is\n"
	    "         shown but not counted.\n"
	    "\n"
	    "Exit status: 0 success (diff: identical), 1 the traces differ, 2 bad input.\n"
	    "\n"
	    "options:\n"
	    "  -h, --help  show this help\n",
	    out);
}

/* Options of a subcommand (only --help) and exactly nfiles operands. */
static bool sub_args(int argc, char **argv, const char *cmd, int nfiles, int *status)
{
	static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
						 {NULL, 0, NULL, 0}};
	int c;
	*status = CLI_EXIT_USAGE;
	cli_getopt_start();
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c != 'h') {
			cli_bad_option(cmd, c, argv);
			return false;
		}
		trace_usage(stdout);
		*status = 0;
		return false;
	}
	if (argc - optind == nfiles)
		return true;
	if (nfiles == 1)
		cli_error(argc == optind ? "%s: no trace given (see 'trapscope trace --help')"
					 : "%s: one trace at a time",
			  cmd);
	else
		cli_error("%s: needs two traces, A and B (see 'trapscope trace --help')", cmd);
	return false;
}

static const char *event_reason(const cJSON *ev)
{
	const cJSON *exit_obj = cJSON_GetObjectItemCaseSensitive(ev, "exit");
	const cJSON *reason = cJSON_GetObjectItemCaseSensitive(exit_obj, "reason");
	return cJSON_IsString(reason) ? reason->valuestring : NULL;
}

/* The summary's instruction count; 0 when it holds none that fits. */
static uint64_t summary_instructions(const cJSON *summary)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(summary, "instructions");
	if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble >= 18446744073709551616.0)
		return 0;
	return (uint64_t)v->valuedouble;
}

static int trace_stats_cmd(int argc, char **argv)
{
	int status;
	if (!sub_args(argc, argv, "trace stats", 1, &status))
		return status;
	char err[1024];
	trace_reader *r = trace_reader_open(argv[optind], err, sizeof err);
	if (!r) {
		cli_error("%s", err);
		return CLI_EXIT_USAGE;
	}
	trace_stats st = {0};
	const cJSON *ev;
	int got;
	while ((got = trace_reader_next(r, &ev, err, sizeof err)) == 1)
		trace_stats_add(&st, cJSON_GetObjectItemCaseSensitive(ev, "kind")->valuestring,
				event_reason(ev), 0);
	if (got == 0) {
		const cJSON *summary = trace_reader_summary(r);
		st.instructions = summary_instructions(summary);
		trace_stats_print(&st, stdout);
		if (!summary)
			puts("(no summary: the trace was cut short; instructions unknown)");
	} else {
		cli_error("%s", err);
	}
	trace_reader_close(r);
	return got == 0 ? 0 : CLI_EXIT_USAGE;
}

static int trace_diff_cmd(int argc, char **argv)
{
	int status;
	if (!sub_args(argc, argv, "trace diff", 2, &status))
		return status;
	char err[1024];
	trace_reader *a = trace_reader_open(argv[optind], err, sizeof err);
	trace_reader *b = a ? trace_reader_open(argv[optind + 1], err, sizeof err) : NULL;
	int rc = b ? trace_diff(a, b, stdout, err, sizeof err) : -1;
	if (rc < 0)
		cli_error("%s", err);
	trace_reader_close(a);
	trace_reader_close(b);
	return rc < 0 ? CLI_EXIT_USAGE : rc;
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} subcommands[] = {
    {"stats", trace_stats_cmd},
    {"diff", trace_diff_cmd},
};

int cli_trace(int argc, char **argv)
{
	if (argc < 2) {
		cli_error("trace: no subcommand given (known: stats, diff)");
		return CLI_EXIT_USAGE;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0) {
		trace_usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
		if (strcmp(sub, subcommands[i].name) == 0)
			return subcommands[i].run(argc - 1, argv + 1);
	if (sub[0] == '-')
		cli_error("trace: unknown option '%s' (see 'trapscope trace --help')", sub);
	else
		cli_error("trace: unknown subcommand '%s' (known: stats, diff)", sub);
	return CLI_EXIT_USAGE;
}
