/* trapscope explain: decode trap registers given as NAME=VALUE and explain them together. */
#include "cli.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct explain_opts {
	dec_arch arch; /* from --arch, or DEC_ARCH_NONE */
	bool json;
	bool verbose;
} explain_opts;

static void explain_usage(FILE *out)
{
	fputs(
	    "usage: trapscope explain [--arch riscv64|aarch64] [--json] [--verbose] NAME=VALUE...\n"
	    "\n"
	    "Decodes trap and control registers field by field, combines them into derived facts\n"
	    "(guest physical address, faulting access, trapping instruction) and says what the\n"
	    "hardware did and what a hypervisor's exit handler does next.\n"
	    "\n"
	    "VALUE is hex (0x...), binary (0b...) or decimal, with optional '_' between digits.\n"
	    "NAME is case-insensitive; the architecture follows from the names.\n"
	    "\n"
	    "options:\n"
	    "  -a, --arch ARCH  riscv64 or aarch64, for names both architectures know\n"
	    "  -j, --json       print one JSON document (64-bit values as hex strings)\n"
	    "  -v, --verbose    show each field's long name\n"
	    "  -h, --help       show this help\n"
	    "\n",
	    out);
	for (dec_arch arch = DEC_ARCH_RISCV64; arch <= DEC_ARCH_AARCH64; arch++) {
		fprintf(out, "%s names:\n ", dec_arch_name(arch));
		int col = 1;
		for (const dec_regdef *d = dec_regdefs(arch); d->name; d++) {
			int len = (int)strlen(d->name) + 1;
			if (col + len > 90) {
				fputs("\n ", out);
				col = 1;
			}
			col += fprintf(out, " %s", d->name);
		}
		fputs("\n", out);
	}
	fputs("\nexamples:\n"
	      "  trapscope explain scause=0x15 stval=0x10001003 htval=0x4000400 htinst=0x2503\n"
	      "  trapscope explain esr=0x93810046 far=0x9000004 hpfar=0x90000\n"
	      "  trapscope explain --json esr_el2=0x5e000000\n",
	      out);
}

static bool parse_arch(const char *text, dec_arch *arch)
{
	if (strcasecmp(text, "riscv64") == 0 || strcasecmp(text, "riscv") == 0 ||
	    strcasecmp(text, "rv64") == 0)
		*arch = DEC_ARCH_RISCV64;
	else if (strcasecmp(text, "aarch64") == 0 || strcasecmp(text, "arm64") == 0)
		*arch = DEC_ARCH_AARCH64;
	else
		return false;
	return true;
}

static unsigned edit_distance(const char *a, const char *b)
{
	unsigned prev[64], cur[64];
	size_t la = strlen(a), lb = strlen(b);
	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned sub = prev[j - 1] + ((a[i - 1] | 0x20) != (b[j - 1] | 0x20));
			unsigned del = prev[j] + 1, ins = cur[j - 1] + 1;
			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, sizeof cur);
	}
	return prev[lb];
}

const char *cli_closest_name(const char *name, dec_arch only)
{
	const char *best = NULL;
	unsigned best_d = 3;
	for (dec_arch arch = DEC_ARCH_RISCV64; arch <= DEC_ARCH_AARCH64; arch++) {
		if (only != DEC_ARCH_NONE && arch != only)
			continue;
		for (const dec_regdef *d = dec_regdefs(arch); d->name; d++) {
			unsigned dist = edit_distance(name, d->name);
			if (dist < best_d) {
				best_d = dist;
				best = d->name;
			}
		}
	}
	return best;
}

typedef struct explain_arg {
	char name[32];
	const char *value_text;
	const dec_regdef *def;
	uint64_t value;
} explain_arg;

static bool split_arg(const char *arg, explain_arg *out)
{
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg || !eq[1]) {
		cli_error("explain: '%s': expected NAME=VALUE", arg);
		return false;
	}
	size_t len = (size_t)(eq - arg);
	if (len >= sizeof out->name) {
		cli_error("explain: '%.*s': unknown register name", (int)len, arg);
		return false;
	}
	memcpy(out->name, arg, len);
	out->name[len] = '\0';
	out->value_text = eq + 1;
	return true;
}

static void report_unknown(const char *name)
{
	const char *guess = cli_closest_name(name, DEC_ARCH_NONE);
	if (guess)
		cli_error("explain: unknown register '%s' (did you mean '%s'?)", name, guess);
	else
		cli_error("explain: unknown register '%s' (see 'trapscope explain --help')", name);
}

/* Settles the architecture: --arch, else the first name only one architecture knows; a name
 * of the other architecture is an error. */
static bool resolve_arch(explain_arg *args, unsigned n, dec_arch *arch, bool arch_given)
{
	const char *first = NULL;
	for (unsigned i = 0; i < n; i++) {
		const dec_regdef *rv = dec_regdef_find(args[i].name, DEC_ARCH_RISCV64);
		const dec_regdef *a64 = dec_regdef_find(args[i].name, DEC_ARCH_AARCH64);
		if (!rv && !a64) {
			report_unknown(args[i].name);
			return false;
		}
		if (rv && a64)
			continue;
		dec_arch here = rv ? DEC_ARCH_RISCV64 : DEC_ARCH_AARCH64;
		if (*arch == DEC_ARCH_NONE) {
			*arch = here;
			first = args[i].name;
		} else if (here != *arch) {
			if (arch_given)
				cli_error("explain: '%s' belongs to %s, but --arch %s was given",
					  args[i].name, dec_arch_name(here), dec_arch_name(*arch));
			else
				cli_error("explain: '%s' belongs to %s but '%s' to %s; explain one "
					  "architecture at a time",
					  args[i].name, dec_arch_name(here), first,
					  dec_arch_name(*arch));
			return false;
		}
	}
	if (*arch == DEC_ARCH_NONE) {
		cli_error(
		    "explain: '%s' exists on both architectures; add --arch riscv64 or --arch "
		    "aarch64",
		    args[0].name);
		return false;
	}
	return true;
}

static bool parse_values(explain_arg *args, unsigned n, dec_arch arch)
{
	for (unsigned i = 0; i < n; i++) {
		explain_arg *a = &args[i];
		const char *why = NULL;
		a->def = dec_regdef_find(a->name, arch);
		if (!cli_parse_u64(a->value_text, &a->value, &why)) {
			cli_error("explain: %s=%s: malformed number: %s", a->name, a->value_text,
				  why);
			return false;
		}
		if (a->def->bits < 64 && (a->value >> a->def->bits) != 0) {
			cli_error("explain: %s=%s: value does not fit in the %u-bit %s", a->name,
				  a->value_text, a->def->bits, a->def->display);
			return false;
		}
		for (unsigned j = 0; j < i; j++) {
			if (strcmp(args[j].def->key, a->def->key) == 0) {
				cli_error("explain: %s given twice (as '%s' and '%s')",
					  a->def->display, args[j].name, a->name);
				return false;
			}
		}
	}
	return true;
}

static void print_result(const explain_opts *opts, dec_arch arch, const dec_reg *regs, unsigned n,
			 const dec_report *rep)
{
	if (opts->json) {
		cJSON *doc = cli_report_json(arch, regs, n, rep);
		char *text = cJSON_PrintUnformatted(doc);
		if (text)
			puts(text);
		free(text);
		cJSON_Delete(doc);
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		if (i)
			putchar('\n');
		cli_render_reg_text(stdout, &regs[i], opts->verbose);
	}
	if (rep->nderived || rep->ndiagnosis)
		putchar('\n');
	cli_render_report_text(stdout, rep);
}

static int explain_values(const explain_opts *opts, explain_arg *args, unsigned n)
{
	dec_arch arch = opts->arch;
	if (!resolve_arch(args, n, &arch, opts->arch != DEC_ARCH_NONE) ||
	    !parse_values(args, n, arch))
		return CLI_EXIT_USAGE;

	dec_ctx *ctx = calloc(1, sizeof *ctx);
	dec_reg *regs = calloc(n, sizeof *regs);
	dec_report *rep = calloc(1, sizeof *rep);
	if (!ctx || !regs || !rep) {
		cli_error("explain: out of memory");
		free(ctx), free(regs), free(rep);
		return 1;
	}
	ctx->arch = arch;
	ctx->n = n;
	for (unsigned i = 0; i < n; i++) {
		ctx->item[i].def = args[i].def;
		ctx->item[i].value = args[i].value;
	}
	for (unsigned i = 0; i < n; i++)
		args[i].def->decode(&regs[i], args[i].def, args[i].value, ctx);
	dec_explain(ctx, rep);
	print_result(opts, arch, regs, n, rep);
	free(ctx), free(regs), free(rep);
	return 0;
}

int cli_explain(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"arch", required_argument, NULL, 'a'},
	    {"json", no_argument, NULL, 'j'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	explain_opts opts = {DEC_ARCH_NONE, false, false};
	int c;

	cli_getopt_start();
	while ((c = getopt_long(argc, argv, ":a:jvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (!parse_arch(optarg, &opts.arch)) {
				cli_error("explain: --arch '%s': expected riscv64 or aarch64",
					  optarg);
				return CLI_EXIT_USAGE;
			}
			break;
		case 'j': opts.json = true; break;
		case 'v': opts.verbose = true; break;
		case 'h': explain_usage(stdout); return 0;
		default: cli_bad_option("explain", c, argv); return CLI_EXIT_USAGE;
		}
	}

	unsigned n = (unsigned)(argc - optind);
	if (n == 0) {
		cli_error("explain: nothing to explain: give NAME=VALUE (see 'trapscope explain "
			  "--help')");
		return CLI_EXIT_USAGE;
	}
	if (n > DEC_CTX_MAX) {
		cli_error("explain: too many values (%u; at most %d)", n, DEC_CTX_MAX);
		return CLI_EXIT_USAGE;
	}
	explain_arg args[DEC_CTX_MAX];
	for (unsigned i = 0; i < n; i++)
		if (!split_arg(argv[optind + (int)i], &args[i]))
			return CLI_EXIT_USAGE;
	return explain_values(&opts, args, n);
}
