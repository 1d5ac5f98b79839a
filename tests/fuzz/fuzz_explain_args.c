/* libFuzzer target for the command line of `trapscope explain` and for cli_parse_u64.
 * Beyond "no crash": bad input is exactly one error line and no output, good input is output
 * and no error, the output shows each NAME=VALUE operand with its value (JSON also parses),
 * the command gives the same answer when called twice (getopt keeps global state), and
 * cli_parse_u64 agrees with a reference parser built on strtoull.
 *
 * Input: the arguments after `explain`, separated by NUL or newline bytes.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -Isrc/cli -I/usr/include/cjson \
 *       tests/fuzz/fuzz_explain_args.c src/cli/explain.c src/cli/number.c src/cli/render.c \
 *       src/decode/[af]*.c src/decode/rv_*.c -lcapstone -lcjson -o fuzz_explain_args
 *   ./fuzz_explain_args tests/fuzz/corpus/explain_args
 */
#include "cli.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A few past DEC_CTX_MAX, so that "too many values" is reachable. */
#define MAX_ARGS  (DEC_CTX_MAX + 8)
#define ERROR_MAX 1024

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

static void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		abort();
	return p;
}

/* ---- what one call of cli_explain did ------------------------------------------------------ */

typedef struct outcome {
	int status;
	unsigned nerrors;
	char error[ERROR_MAX]; /* the first error line */
	char *out;	       /* everything written to stdout */
	size_t out_len;
	unsigned noperands; /* argc - optind after the call: the NAME=VALUE operands */
} outcome;

/* The call in progress, for cli_error. */
static outcome *current;

/* main.c defines cli_error next to main(); the harness records the line instead, so that it
 * can hold the command to "bad input is one line through cli_error". */
void cli_error(const char *fmt, ...)
{
	va_list ap;
	char line[ERROR_MAX];

	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	check(n > 0 && current != NULL);
	if (current->nerrors++ == 0)
		memcpy(current->error, line, sizeof line);
}

/* stdout goes to an unlinked scratch file, emptied before and read back after each call. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	FILE *scratch = tmpfile();
	if (!scratch || dup2(fileno(scratch), STDOUT_FILENO) < 0)
		abort();
	fclose(scratch);
	return 0;
}

static void stdout_reset(void)
{
	fflush(stdout);
	if (ftruncate(STDOUT_FILENO, 0) != 0 || lseek(STDOUT_FILENO, 0, SEEK_SET) != 0)
		abort();
}

static void stdout_take(outcome *o)
{
	fflush(stdout);
	off_t end = lseek(STDOUT_FILENO, 0, SEEK_CUR);
	if (end < 0)
		abort();
	o->out_len = (size_t)end;
	o->out = xmalloc(o->out_len + 1);
	if (pread(STDOUT_FILENO, o->out, o->out_len, 0) != (ssize_t)o->out_len)
		abort();
	o->out[o->out_len] = '\0';
}

/* A fresh argv: "explain" and copies of args. */
static char **make_argv(char *const *args, int nargs)
{
	char **argv = xmalloc(sizeof(char *) * (size_t)(nargs + 2));

	argv[0] = strdup("explain");
	for (int i = 0; i < nargs; i++)
		argv[i + 1] = strdup(args[i]);
	argv[nargs + 1] = NULL;
	for (int i = 0; i <= nargs; i++)
		if (!argv[i])
			abort();
	return argv;
}

static void free_argv(char **argv, int argc)
{
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

static void explain(char **argv, int argc, outcome *o)
{
	memset(o, 0, sizeof *o);
	current = o;
	stdout_reset();
	o->status = cli_explain(argc, argv);
	stdout_take(o);
	current = NULL;
	check(optind >= 1 && optind <= argc);
	o->noperands = (unsigned)(argc - optind);
}

/* ---- the reference number parser ------------------------------------------------------------ */

/* Checks the spelling itself (prefix, digits of the base, '_' only between digits), then lets
 * strtoull convert the digits with the separators dropped. */
static bool ref_parse_u64(const char *text, uint64_t *value)
{
	const char *digits = "0123456789";
	int base = 10;

	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
		digits = "0123456789abcdefABCDEF";
		base = 16;
		text += 2;
	} else if (text[0] == '0' && (text[1] == 'b' || text[1] == 'B')) {
		digits = "01";
		base = 2;
		text += 2;
	}

	char *plain = xmalloc(strlen(text) + 1);
	size_t n = 0;
	bool ok = *text != '\0';
	for (const char *p = text; ok && *p; p++) {
		if (*p == '_')
			ok = p > text && p[-1] != '_' && p[1] != '\0';
		else if (strchr(digits, *p))
			plain[n++] = *p;
		else
			ok = false;
	}
	plain[n] = '\0';
	if (ok) {
		char *end;
		errno = 0;
		unsigned long long v = strtoull(plain, &end, base);
		ok = errno == 0 && *end == '\0';
		*value = v;
	}
	free(plain);
	return ok;
}

static void check_parse(const char *text)
{
	const uint64_t untouched = UINT64_C(0x5a5a5a5a5a5a5a5a);
	uint64_t got = untouched, want = 0;
	const char *why = NULL;
	bool ok = cli_parse_u64(text, &got, &why);

	check(ok == ref_parse_u64(text, &want));
	if (ok) {
		check(got == want);
		return;
	}
	check(got == untouched);
	check(why && why[0] && !strchr(why, '\n'));
}

/* ---- what a finished call must look like ----------------------------------------------------- */

/* The error about an option quotes that option. */
static void check_option_quoted(const char *error)
{
	static const char *const prefixes[] = {"explain: unknown option '", "explain: option '"};

	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
		size_t len = strlen(prefixes[i]);
		if (strncmp(error, prefixes[i], len) == 0)
			check(error[len] == '-');
	}
}

static void check_error_line(const outcome *o)
{
	check(o->nerrors == 1);
	check(strncmp(o->error, "explain: ", 9) == 0);
	check(!strchr(o->error, '\n'));
	check_option_quoted(o->error);
	check(o->out_len == 0);
}

/* An operand of a successful call is a name, '=' and a number that fits; returns the name's
 * row in arch's table, or NULL when that table does not know it. */
static const dec_regdef *operand_def(const char *operand, dec_arch arch, uint64_t *value)
{
	const char *eq = strchr(operand, '=');
	char name[32];

	check(eq && eq > operand && (size_t)(eq - operand) < sizeof name);
	memcpy(name, operand, (size_t)(eq - operand));
	name[eq - operand] = '\0';
	check(ref_parse_u64(eq + 1, value));
	const dec_regdef *def = dec_regdef_find(name, arch);
	check(!def || def->bits >= 64 || *value >> def->bits == 0);
	return def;
}

static dec_arch json_arch(const cJSON *doc)
{
	const char *arch = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "arch"));
	check(arch != NULL);
	if (strcmp(arch, "riscv64") == 0)
		return DEC_ARCH_RISCV64;
	check(strcmp(arch, "aarch64") == 0);
	return DEC_ARCH_AARCH64;
}

static void check_json(const outcome *o, char *const *operands)
{
	check(memchr(o->out, '\n', o->out_len) == o->out + o->out_len - 1);
	cJSON *doc = cJSON_Parse(o->out);
	check(doc != NULL);
	dec_arch arch = json_arch(doc);
	const cJSON *regs = cJSON_GetObjectItemCaseSensitive(doc, "registers");
	check(cJSON_IsArray(regs) && (unsigned)cJSON_GetArraySize(regs) == o->noperands);
	check(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(doc, "derived")));
	check(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(doc, "diagnosis")));
	for (unsigned i = 0; i < o->noperands; i++) {
		const cJSON *reg = cJSON_GetArrayItem(regs, (int)i);
		const char *name =
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(reg, "name"));
		const char *hex =
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(reg, "value"));
		uint64_t value = 0, shown = 0;
		const dec_regdef *def = operand_def(operands[i], arch, &value);
		check(def && name && strcmp(name, def->display) == 0);
		check(hex && strncmp(hex, "0x", 2) == 0 && ref_parse_u64(hex, &shown));
		check(shown == value);
	}
	cJSON_Delete(doc);
}

/* Text: each operand's register heads its block, in order. Names both architectures know
 * leave the architecture to --arch, so either table's display name will do. */
static void check_text(const outcome *o, char *const *operands)
{
	const char *at = o->out;

	check(strlen(o->out) == o->out_len);
	for (unsigned i = 0; i < o->noperands; i++) {
		const char *next = NULL;
		for (dec_arch arch = DEC_ARCH_RISCV64; arch <= DEC_ARCH_AARCH64 && !next; arch++) {
			uint64_t value = 0;
			char head[96];
			const dec_regdef *def = operand_def(operands[i], arch, &value);
			if (!def)
				continue;
			snprintf(head, sizeof head, "%s = 0x%016" PRIx64 "\n", def->display, value);
			next = strstr(at, head);
			if (next)
				next += strlen(head);
		}
		check(next != NULL);
		at = next;
	}
}

static void check_success(const outcome *o, char *const *operands)
{
	check(o->nerrors == 0);
	check(o->out_len > 0 && o->out[o->out_len - 1] == '\n');
	if (strncmp(o->out, "usage: trapscope explain", 24) == 0)
		return;
	check(o->noperands >= 1 && o->noperands <= DEC_CTX_MAX);
	if (o->out[0] == '{')
		check_json(o, operands);
	else
		check_text(o, operands);
}

static void check_same(const outcome *a, const outcome *b)
{
	check(a->status == b->status && a->nerrors == b->nerrors);
	check(strcmp(a->error, b->error) == 0);
	check(a->out_len == b->out_len && memcmp(a->out, b->out, a->out_len) == 0);
}

/* ---- input ----------------------------------------------------------------------------------- */

static int split_args(const uint8_t *data, size_t size, char **args)
{
	int n = 0;
	size_t start = 0;

	for (size_t i = 0; i <= size && n < MAX_ARGS; i++) {
		if (i < size && data[i] != '\0' && data[i] != '\n')
			continue;
		if (i == size && i == start)
			break; /* no empty argument after a final separator */
		args[n] = xmalloc(i - start + 1);
		memcpy(args[n], data + start, i - start);
		args[n][i - start] = '\0';
		n++;
		start = i + 1;
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *args[MAX_ARGS];
	int nargs = split_args(data, size, args), argc = nargs + 1;
	outcome first, second;

	for (int i = 0; i < nargs; i++) {
		const char *eq = strchr(args[i], '=');
		check_parse(args[i]);
		if (eq)
			check_parse(eq + 1);
	}

	/* The first argv stays alive through the second call: getopt state left pointing into it
	 * then changes the second answer, where a read of freed memory inside glibc would go
	 * unnoticed (ASan does not see into uninstrumented code). */
	char **argv = make_argv(args, nargs), **again = make_argv(args, nargs);
	explain(argv, argc, &first);
	explain(again, argc, &second);
	check(first.status == 0 || first.status == CLI_EXIT_USAGE);
	if (first.status == 0)
		check_success(&first, argv + (argc - (int)first.noperands));
	else
		check_error_line(&first);
	check_same(&first, &second);

	free_argv(argv, argc);
	free_argv(again, argc);
	free(first.out);
	free(second.out);
	for (int i = 0; i < nargs; i++)
		free(args[i]);
	return 0;
}
