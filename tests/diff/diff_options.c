/* The command line of the differential tests (diff_options.h). */
#include "diff_options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void usage(const char *prog, unsigned max_length)
{
	fprintf(stderr,
		"usage: %s [--seed N] [--sequences N] [--length N (1..%u)] [--keep-going]\n", prog,
		max_length);
	exit(DIFF_EXIT_ERROR);
}

static bool number_arg(const char *s, uint64_t *v)
{
	char *end;
	*v = strtoull(s, &end, 0);
	return *s && !*end;
}

void diff_parse_options(int argc, char **argv, const char *prog, unsigned max_length,
			struct diff_options *o)
{
	*o = (struct diff_options){DIFF_DEFAULT_SEED, DIFF_DEFAULT_SEQUENCES, DIFF_DEFAULT_LENGTH,
				   false};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		uint64_t v;
		if (!strcmp(a, "--keep-going")) {
			o->keep_going = true;
			continue;
		}
		if (i + 1 >= argc || !number_arg(argv[++i], &v))
			usage(prog, max_length);
		if (!strcmp(a, "--seed"))
			o->seed = v;
		else if (!strcmp(a, "--sequences"))
			o->sequences = v;
		else if (!strcmp(a, "--length") && v >= 1 && v <= max_length)
			o->length = (unsigned)v;
		else
			usage(prog, max_length);
	}
}

double diff_seconds_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}
