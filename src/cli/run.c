/* trapscope run: run a program on a machine until it passes, fails or runs out of budget. */
#include "cli.h"
#include "emu/machine.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUN_DEFAULT_MAX_INSNS UINT64_C(10000000000)

typedef struct run_opts {
	uint64_t max_insns;
	rv_htinst_mode htinst;
	bool stats;
} run_opts;

static void run_usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: trapscope run [--machine bare] [--max-insns N] [--htinst MODE] [--stats] "
	    "PROGRAM.elf\n"
	    "\n"
	    "Runs a static RISC-V ELF from M-mode on the bare machine: RAM at 0x80000000 (128 "
	    "MiB),\n"
	    "CLINT at 0x2000000, ns16550a UART at 0x10000000 (output goes to stdout), SiFive test\n"
	    "finisher at 0x100000, and HTIF through the ELF symbols tohost/fromhost.\n"
	    "\n"
	    "Exit status: 0 when the program passes (finisher 0x5555, tohost = 1), 1 when it "
	    "fails\n"
	    "(finisher 0x3333, tohost = (n << 1) | 1: test n), runs out of instructions or waits\n"
	    "forever in WFI; 2 for bad input.\n"
	    "\n"
	    "options:\n"
	    "  -m, --machine NAME  the machine: bare (the only one so far)\n"
	    "  -n, --max-insns N   stop after about N instructions (default %" PRIu64 ")\n"
	    "      --htinst MODE   transformed (default): htinst/mtinst get transformed\n"
	    "                      instructions as the spec describes; zero: always 0, like some\n"
	    "                      hardware and QEMU before 9.2\n"
	    "  -s, --stats         print retired instructions, traps by cause and host time on\n"
	    "                      stderr\n"
	    "  -h, --help          show this help\n",
	    RUN_DEFAULT_MAX_INSNS);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void print_stats(const rv_hart *h, double secs)
{
	dec_text names;
	uint64_t traps = 0;
	for (unsigned i = 0; i < 64; i++)
		traps += h->trap_counts[i];
	for (unsigned i = 0; i < 16; i++)
		traps += h->irq_counts[i];
	fprintf(stderr, "instructions  %" PRIu64 "\n", h->icount);
	fprintf(stderr, "host time     %.3f s", secs);
	if (h->icount)
		fprintf(stderr, " (%.2f ns per instruction)", secs * 1e9 / (double)h->icount);
	fprintf(stderr, "\ntraps         %" PRIu64 "\n", traps);
	for (unsigned i = 0; i < 64; i++) {
		names.used = 0;
		if (h->trap_counts[i])
			fprintf(stderr, "  %-36s %" PRIu64 "\n", dec_rv_cause_name(&names, i),
				h->trap_counts[i]);
	}
	for (unsigned i = 0; i < 16; i++) {
		names.used = 0;
		if (h->irq_counts[i])
			fprintf(stderr, "  %-36s %" PRIu64 "\n",
				dec_rv_cause_name(&names, RV_CAUSE_INTERRUPT | i),
				h->irq_counts[i]);
	}
}

static int report(emu_result result, const emu_machine *m, const char *program)
{
	switch (result) {
	case EMU_RESULT_PASS: return 0;
	case EMU_RESULT_FAIL:
		cli_error("%s: FAIL: test %" PRIu64 " failed", program, m->bus.stop_code);
		return 1;
	case EMU_RESULT_WAITING:
		cli_error("%s: hart 0 waits in WFI at pc 0x%" PRIx64
			  " and no interrupt can wake it",
			  program, m->hart.pc);
		return 1;
	default:
		cli_error("%s: still running after %" PRIu64 " instructions (pc 0x%" PRIx64
			  "); raise --max-insns",
			  program, m->hart.icount, m->hart.pc);
		return 1;
	}
}

static bool parse_run_opts(int argc, char **argv, run_opts *o, int *status)
{
	static const struct option longopts[] = {
	    {"machine", required_argument, NULL, 'm'}, {"max-insns", required_argument, NULL, 'n'},
	    {"htinst", required_argument, NULL, 'H'},  {"stats", no_argument, NULL, 's'},
	    {"help", no_argument, NULL, 'h'},	       {NULL, 0, NULL, 0},
	};
	const char *why;
	int c;
	*status = CLI_EXIT_USAGE;
	cli_getopt_start();
	while ((c = getopt_long(argc, argv, ":m:n:sh", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (strcmp(optarg, "bare") != 0) {
				cli_error("run: --machine '%s': unknown machine (known: bare)",
					  optarg);
				return false;
			}
			break;
		case 'n':
			if (!cli_parse_u64(optarg, &o->max_insns, &why) || o->max_insns == 0) {
				cli_error("run: --max-insns '%s': %s", optarg,
					  o->max_insns == 0 && !why ? "must be at least 1" : why);
				return false;
			}
			break;
		case 'H':
			if (strcmp(optarg, "zero") == 0) {
				o->htinst = RV_HTINST_ZERO;
			} else if (strcmp(optarg, "transformed") == 0) {
				o->htinst = RV_HTINST_TRANSFORMED;
			} else {
				cli_error("run: --htinst '%s': expected transformed or zero",
					  optarg);
				return false;
			}
			break;
		case 's': o->stats = true; break;
		case 'h':
			run_usage(stdout);
			*status = 0;
			return false;
		default: cli_bad_option("run", c, argv); return false;
		}
	}
	if (argc - optind != 1) {
		cli_error(argc == optind ? "run: no program given (see 'trapscope run --help')"
					 : "run: one program at a time");
		return false;
	}
	return true;
}

int cli_run(int argc, char **argv)
{
	run_opts opts = {RUN_DEFAULT_MAX_INSNS, RV_HTINST_TRANSFORMED, false};
	int status;
	if (!parse_run_opts(argc, argv, &opts, &status))
		return status;
	const char *program = argv[optind];
	char err[256];
	emu_machine *m = malloc(sizeof *m);
	if (!m) {
		cli_error("run: out of memory");
		return 1;
	}
	if (!emu_machine_bare(m, program, opts.htinst, err, sizeof err)) {
		cli_error("%s: %s", program, err);
		free(m);
		return CLI_EXIT_USAGE;
	}
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	emu_result result = emu_machine_run(m, opts.max_insns);
	double secs = seconds_since(&t0);
	if (opts.stats)
		print_stats(&m->hart, secs);
	status = report(result, m, program);
	emu_machine_free(m);
	free(m);
	return status;
}
