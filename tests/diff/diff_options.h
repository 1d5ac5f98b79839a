/* The command line both differential tests take (rv_unicorn, a64_unicorn), in diff_options.c:
 *   PROG [--seed N] [--sequences N] [--length N] [--keep-going]
 * Sequence i of a run uses seed N + i, so "--seed N+i --sequences 1" replays it alone. */
#ifndef TRAPSCOPE_TESTS_DIFF_OPTIONS_H
#define TRAPSCOPE_TESTS_DIFF_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#define DIFF_DEFAULT_SEED      1
#define DIFF_DEFAULT_SEQUENCES 20000
#define DIFF_DEFAULT_LENGTH    40
#define DIFF_EXIT_ERROR	       99 /* a setup error, or bad options */

struct diff_options {
	uint64_t seed;
	uint64_t sequences;
	unsigned length;
	bool keep_going;
};

/* Parses argv into o; prints the usage of prog and exits DIFF_EXIT_ERROR on bad options.
 * --length must be from 1 to max_length. */
void diff_parse_options(int argc, char **argv, const char *prog, unsigned max_length,
			struct diff_options *o);

/* Monotonic seconds, for the instructions-per-second line. */
double diff_seconds_now(void);

#endif
