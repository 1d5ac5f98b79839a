/* trapscope run: run a program on a machine until it passes, fails or runs out of budget. */
#include "cli.h"
#include "emu/machine.h"
#include "emu/virt.h"
#include "events.h"
#include "virt_opts.h"
#include "trace/trace.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RUN_DEFAULT_MAX_INSNS UINT64_C(10000000000)
#define RUN_MEM_MIN	      (UINT64_C(1) << 20)
#define RUN_MEM_MAX	      (UINT64_C(8) << 30)

typedef enum run_machine { RUN_VIRT, RUN_BARE } run_machine;

typedef struct run_opts {
	run_machine machine;
	uint64_t max_insns;
	cli_virt_opts virt;
	bool stats;
	const char *trace;
	bool virt_only_given; /* an option only the virt machine has */
} run_opts;

static void run_usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: trapscope run [OPTIONS] PROGRAM.elf\n"
	    "\n"
	    "Runs a static RISC-V or AArch64 ELF. On the virt machine (the default) it is a guest "
	    "kernel in\n"
	    "VS-mode under trapscope's native hypervisor: it starts at the ELF entry with a0 = "
	    "hart\n"
	    "id and a1 = 0, guest RAM is at GPA 0x80000000, a ns16550a UART at 0x10000000 and a\n"
	    "SiFive test finisher at 0x100000 are reached through MMIO exits, and SBI calls are\n"
	    "answered by the exit handler. An AArch64 ELF (virt only) is an EL1 guest under the\n"
	    "native EL2 hypervisor: RAM at IPA 0x40000000, a PL011 UART at 0x09000000, PSCI and\n"
	    "SMCCC over HVC and SMC. On the bare machine it runs from M-mode with RAM at\n"
	    "0x80000000 (128 MiB), CLINT, UART, finisher and HTIF (tohost/fromhost).\n"
	    "\n"
	    "Exit status: 0 when the guest shuts down cleanly (SBI SRST/legacy shutdown, finisher\n"
	    "0x5555, tohost = 1), 1 on guest failure (finisher 0x3333, SRST with reason 'system\n"
	    "failure', a fault outside RAM and devices, deadlock, budget spent), 2 for bad input.\n"
	    "\n"
	    "options:\n"
	    "  -m, --machine NAME  virt (default) or bare\n"
	    "      --mem SIZE      virt guest RAM: bytes or with K, M, G (default 128M)\n"
	    "      --ram BACKEND   virt guest RAM backend: linear (default: one host block),\n"
	    "                      alloc (a frame per page up front), lazy (frames on first "
	    "touch)\n"
	    "      --gstage MODE   virt G-stage tables: sv39x4 (default, hgatp mode 8) or sv48x4\n"
	    "      --harts N       virt harts, 1 to %u (default 1); others start via SBI HSM\n"
	    "  -t, --trace FILE    virt: write every exit and guest trap as JSON (FILE.jsonl: "
	    "JSON\n"
	    "                      Lines, flushed per event; '-': JSON Lines on stdout)\n"
	    "  -n, --max-insns N   stop after about N instructions (default %" PRIu64 ")\n"
	    "      --htinst MODE   transformed (default): htinst/mtinst get transformed\n"
	    "                      instructions as the spec describes; zero: 0 for every explicit\n"
	    "                      access, like some hardware and QEMU before 9.2 (implicit\n"
	    "                      page-table accesses keep their pseudo-instructions)\n"
	    "  -s, --stats         print instructions, exits by reason with their host cost, and\n"
	    "                      traps by cause on stderr\n"
	    "  -h, --help          show this help\n",
	    EMU_VIRT_MAX_HARTS, RUN_DEFAULT_MAX_INSNS);
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

/* SIZE: a number with an optional K, M or G suffix (powers of 1024, "KiB"/"MiB"/"GiB" too). */
static bool parse_size(const char *text, uint64_t *bytes, const char **why)
{
	static const struct {
		const char *suffix;
		unsigned shift;
	} units[] = {{"K", 10}, {"KiB", 10}, {"M", 20}, {"MiB", 20}, {"G", 30}, {"GiB", 30}};
	char digits[32];
	size_t n = strcspn(text, "KMGkmgi");
	unsigned shift = 0;
	if (n >= sizeof digits) {
		*why = "too long";
		return false;
	}
	if (text[n]) {
		size_t i = 0;
		while (i < sizeof units / sizeof *units && strcmp(text + n, units[i].suffix) != 0)
			i++;
		if (i == sizeof units / sizeof *units) {
			*why = "unknown unit (use K, M or G)";
			return false;
		}
		shift = units[i].shift;
	}
	memcpy(digits, text, n);
	digits[n] = '\0';
	if (!cli_parse_u64(digits, bytes, why))
		return false;
	if (*bytes > (UINT64_MAX >> shift)) {
		*why = "too large";
		return false;
	}
	*bytes <<= shift;
	return true;
}

static bool parse_mem(const char *cmd, const char *arg, uint64_t *mem)
{
	const char *why = NULL;
	if (!parse_size(arg, mem, &why))
		cli_error("%s: --mem '%s': %s", cmd, arg, why);
	else if (*mem < RUN_MEM_MIN || *mem > RUN_MEM_MAX || *mem % 4096)
		cli_error("%s: --mem '%s': must be a multiple of 4 KiB from 1M to 8G", cmd, arg);
	else
		return true;
	return false;
}

static bool parse_choice(const char *cmd, const char *opt, const char *arg,
			 const char *const *names, unsigned n, unsigned *out)
{
	for (unsigned i = 0; i < n; i++)
		if (strcmp(arg, names[i]) == 0) {
			*out = i;
			return true;
		}
	char known[64] = "";
	for (unsigned i = 0; i < n; i++)
		snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", i ? ", " : "",
			 names[i]);
	cli_error("%s: %s '%s': expected %s", cmd, opt, arg, known);
	return false;
}

static bool parse_number_opt(const char *cmd, const char *opt, const char *arg, uint64_t min,
			     uint64_t max, uint64_t *out)
{
	const char *why = NULL;
	if (!cli_parse_u64(arg, out, &why))
		cli_error("%s: %s '%s': %s", cmd, opt, arg, why);
	else if (*out < min || *out > max)
		cli_error("%s: %s '%s': must be from %" PRIu64 " to %" PRIu64, cmd, opt, arg, min,
			  max);
	else
		return true;
	return false;
}

bool cli_virt_option(const char *cmd, int c, const char *arg, cli_virt_opts *o)
{
	static const char *const rams[] = {"linear", "alloc", "lazy"};
	static const char *const htinsts[] = {"transformed", "zero"};
	static const char *const gstages[] = {"sv39x4", "sv48x4"};
	unsigned choice;
	uint64_t n;
	switch (c) {
	case 'M': return parse_mem(cmd, arg, &o->mem);
	case 'R':
		if (!parse_choice(cmd, "--ram", arg, rams, 3, &choice))
			return false;
		o->ram = (emu_ram_backend)choice;
		return true;
	case 'G':
		if (!parse_choice(cmd, "--gstage", arg, gstages, 2, &choice))
			return false;
		o->gstage = choice ? HV_PT_RV_SV48X4 : HV_PT_RV_SV39X4;
		return true;
	case 'N':
		if (!parse_number_opt(cmd, "--harts", arg, 1, EMU_VIRT_MAX_HARTS, &n))
			return false;
		o->harts = (unsigned)n;
		return true;
	case 'H':
		if (!parse_choice(cmd, "--htinst", arg, htinsts, 2, &choice))
			return false;
		o->htinst = (rv_htinst_mode)choice;
		return true;
	default: return false;
	}
}

void cli_virt_config(const cli_virt_opts *o, emu_virt_config *cfg)
{
	cfg->mem_size = o->mem;
	cfg->ram = o->ram;
	cfg->gstage = o->gstage;
	cfg->harts = o->harts;
	cfg->htinst = o->htinst;
}

static bool parse_one_opt(int c, run_opts *o)
{
	static const char *const machines[] = {"virt", "bare"};
	unsigned choice;
	switch (c) {
	case 'm':
		if (!parse_choice("run", "--machine", optarg, machines, 2, &choice))
			return false;
		o->machine = (run_machine)choice;
		return true;
	case 'M':
	case 'R':
	case 'G':
	case 'N': o->virt_only_given = true; return cli_virt_option("run", c, optarg, &o->virt);
	case 'H': return cli_virt_option("run", c, optarg, &o->virt);
	case 't':
		o->virt_only_given = true;
		o->trace = optarg;
		return true;
	case 'n':
		return parse_number_opt("run", "--max-insns", optarg, 1, UINT64_MAX, &o->max_insns);
	case 's': o->stats = true; return true;
	default: return false;
	}
}

static bool parse_run_opts(int argc, char **argv, run_opts *o, int *status)
{
	static const struct option longopts[] = {
	    {"machine", required_argument, NULL, 'm'},
	    CLI_VIRT_LONGOPTS,
	    {"trace", required_argument, NULL, 't'},
	    {"max-insns", required_argument, NULL, 'n'},
	    {"stats", no_argument, NULL, 's'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;
	*status = CLI_EXIT_USAGE;
	cli_getopt_start();
	while ((c = getopt_long(argc, argv, ":m:t:n:sh", longopts, NULL)) != -1) {
		if (c == 'h') {
			run_usage(stdout);
			*status = 0;
			return false;
		}
		if (c == '?' || c == ':') {
			cli_bad_option("run", c, argv);
			return false;
		}
		if (!parse_one_opt(c, o))
			return false;
	}
	if (o->machine == RUN_BARE && o->virt_only_given) {
		cli_error("run: --mem, --ram, --gstage, --harts and --trace need --machine virt");
		return false;
	}
	if (argc - optind != 1) {
		cli_error(argc == optind ? "run: no program given (see 'trapscope run --help')"
					 : "run: one program at a time");
		return false;
	}
	return true;
}

static int run_bare(const run_opts *opts, const char *program)
{
	char err[256];
	emu_machine *m = malloc(sizeof *m);
	if (!m) {
		cli_error("run: out of memory");
		return 1;
	}
	if (!emu_machine_bare(m, program, opts->virt.htinst, err, sizeof err)) {
		cli_error("%s: %s", program, err);
		free(m);
		return CLI_EXIT_USAGE;
	}
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	emu_result result = emu_machine_run(m, opts->max_insns);
	double secs = seconds_since(&t0);
	if (opts->stats)
		print_stats(&m->hart, secs);
	int status = report(result, m, program);
	emu_machine_free(m);
	free(m);
	return status;
}

/* ---- the virt machine -------------------------------------------------------------------- */

typedef struct run_sink {
	trace_writer *trace;
	bool trace_failed;
	char trace_err[256];
	trace_stats stats;
	cli_event_conv conv;
	trace_event tev;
} run_sink;

static void run_on_event(void *ctx, const emu_event *ev)
{
	run_sink *s = ctx;
	trace_stats_add(&s->stats, ev->guest_trap ? "guest_trap" : "exit", cli_event_reason(ev),
			ev->cost_ns);
	if (!s->trace || s->trace_failed)
		return;
	cli_event_to_trace(&s->conv, ev, &s->tev);
	if (!trace_write(s->trace, &s->tev)) {
		s->trace_failed = true;
		snprintf(s->trace_err, sizeof s->trace_err, "cannot write the trace");
	}
}

static bool open_trace(const run_opts *o, const emu_virt *m, const char *program, run_sink *s)
{
	if (!o->trace)
		return true;
	const trace_header hdr = {emu_virt_arch_name(m), "virt", program};
	char err[256];
	s->trace = trace_open(o->trace, &hdr, err, sizeof err);
	if (!s->trace)
		cli_error("run: --trace: %s", err);
	return s->trace != NULL;
}

/* Finishes the trace; false (with a message) when it could not be written. */
static bool close_trace(run_sink *s)
{
	char err[256];
	if (!s->trace)
		return true;
	if (s->trace_failed) {
		trace_abort(s->trace);
		cli_error("run: --trace: %s", s->trace_err);
		return false;
	}
	if (!trace_close(s->trace, &s->stats, err, sizeof err)) {
		cli_error("run: --trace: %s", err);
		return false;
	}
	return true;
}

static int virt_status(const emu_virt *m, const char *program)
{
	switch (m->status) {
	case EMU_VIRT_SHUTDOWN: return 0;
	case EMU_VIRT_FAILED: cli_error("%s: %s", program, m->report); return 1;
	default:
		cli_error("%s: still running after %" PRIu64 " instructions; raise --max-insns",
			  program, emu_virt_icount(m));
		return 1;
	}
}

static int run_virt(const run_opts *o, const char *program)
{
	char err[256];
	run_sink *sink = calloc(1, sizeof *sink);
	emu_virt *m = malloc(sizeof *m);
	int status = 1;
	const bool trace_on_stdout = o->trace && strcmp(o->trace, "-") == 0;
	emu_virt_config cfg = {
	    .program = program,
	    .record_guest_traps = o->trace || o->stats,
	    .measure_cost = o->stats,
	    .console = trace_on_stdout ? stderr : stdout,
	    .console_in = isatty(STDIN_FILENO) ? NULL : stdin,
	    .on_event = o->trace || o->stats ? run_on_event : NULL,
	    .event_ctx = sink,
	};
	cli_virt_config(&o->virt, &cfg);
	if (!sink || !m) {
		cli_error("run: out of memory");
	} else if (!emu_virt_create(m, &cfg, err, sizeof err)) {
		cli_error("%s: %s", program, err);
		status = CLI_EXIT_USAGE;
	} else {
		if (open_trace(o, m, program, sink)) {
			struct timespec t0;
			clock_gettime(CLOCK_MONOTONIC, &t0);
			emu_virt_run(m, o->max_insns);
			double secs = seconds_since(&t0);
			sink->stats.instructions = emu_virt_icount(m);
			status = virt_status(m, program);
			if (!close_trace(sink))
				status = 1;
			if (o->stats) {
				trace_stats_print(&sink->stats, stderr);
				fprintf(stderr, "host time     %.3f s\n", secs);
			}
		} else {
			status = CLI_EXIT_USAGE;
		}
		emu_virt_free(m);
	}
	free(m);
	free(sink);
	return status;
}

int cli_run(int argc, char **argv)
{
	run_opts opts = {
	    .machine = RUN_VIRT,
	    .max_insns = RUN_DEFAULT_MAX_INSNS,
	    .virt = CLI_VIRT_OPTS_DEFAULT,
	};
	int status;
	if (!parse_run_opts(argc, argv, &opts, &status))
		return status;
	const char *program = argv[optind];
	return opts.machine == RUN_BARE ? run_bare(&opts, program) : run_virt(&opts, program);
}
