/* libFuzzer target for the register decoders, the explainer and their text and JSON rendering.
 * Beyond "no crash": every field is a well-formed slice of its register, the tree nests one
 * level at a time, strings live in static storage or the used part of their own arena, a
 * decode does not depend on the memory it lands in, and JSON output parses back unchanged.
 *
 * Input: an architecture byte (bit 0: aarch64), a count byte, then that many (row byte, 8-byte
 * little-endian value) pairs: the dec_ctx `trapscope explain` would build from NAME=VALUE
 * arguments. Rows index the architecture's table, so every row of both tables is reachable; a
 * repeated key is skipped and values are masked to the row's width, as the command refuses
 * both. Missing bytes read as 0. Each value is decoded without and with the context, then
 * explained and rendered as text and as JSON.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -Isrc/cli -I/usr/include/cjson \
 *       tests/fuzz/fuzz_regs.c src/decode/[af]*.c src/decode/rv_*.c src/cli/render.c \
 *       -lcapstone -lcjson -o fuzz_regs
 *   ./fuzz_regs tests/fuzz/corpus/regs
 */
#include "cli.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PAIRS 12

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__asan_default_options(void);

/* Decoders must not hand out pointers to their own stack frames. */
const char *__asan_default_options(void)
{
	return "detect_stack_use_after_return=1";
}

static void check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

typedef struct reader {
	const uint8_t *p;
	size_t n;
} reader;

static uint8_t take_u8(reader *r)
{
	if (!r->n)
		return 0;
	r->n--;
	return *r->p++;
}

static uint64_t take_u64(reader *r)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < 8; i++)
		v |= (uint64_t)take_u8(r) << (8 * i);
	return v;
}

static unsigned table_len(const dec_regdef *table)
{
	unsigned n = 0;
	while (table[n].name)
		n++;
	return n;
}

static uint64_t fit(const dec_regdef *def, uint64_t v)
{
	check(def->bits >= 1 && def->bits <= 64);
	return def->bits >= 64 ? v : v & ((UINT64_C(1) << def->bits) - 1);
}

/* ---- strings: static, or inside the used part of the result's own arena --------------------- */

static void check_string(const char *s, const dec_text *arena)
{
	uintptr_t at = (uintptr_t)s, base = (uintptr_t)arena->buf;

	check(s != NULL);
	check(arena->used <= sizeof arena->buf);
	if (at >= base && at < base + sizeof arena->buf) {
		check(at < base + arena->used);
		check(memchr(s, '\0', base + arena->used - at) != NULL);
	} else {
		check(strlen(s) < 4096); /* ASan vouches for the bytes read */
	}
}

/* A subfield is a slice of its parent's bits. */
static void check_nesting(const dec_reg *r, unsigned i)
{
	const dec_field *f = &r->fields[i];

	check(i ? f->depth <= r->fields[i - 1].depth + 1 : f->depth == 0);
	for (unsigned j = i; j-- > 0;) {
		const dec_field *parent = &r->fields[j];
		if (parent->depth < f->depth) {
			check(f->lsb >= parent->lsb &&
			      f->lsb + f->width <= parent->lsb + parent->width);
			check(dec_field_end(r, j) > i);
			return;
		}
	}
}

static void check_field(const dec_reg *r, unsigned i)
{
	const dec_field *f = &r->fields[i];

	check_string(f->name, &r->text);
	check_string(f->long_name, &r->text);
	check_string(f->meaning, &r->text);
	check(f->name[0] != '\0');
	check(f->width >= 1 && f->lsb + f->width <= 64);
	check(f->value == dec_bits(r->value, f->lsb, f->width));
	check(f->depth < DEC_MAX_DEPTH);
	check_nesting(r, i);
}

static void check_reg(const dec_reg *r, const dec_regdef *def, uint64_t value)
{
	check_string(r->name, &r->text);
	check(strcmp(r->name, def->display) == 0);
	check(r->value == value);
	check_string(r->summary, &r->text);
	check_string(r->hint, &r->text);
	check(r->nfields <= DEC_MAX_FIELDS);
	for (unsigned i = 0; i < r->nfields; i++)
		check_field(r, i);
}

static bool same_text(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static bool same_reg(const dec_reg *a, const dec_reg *b)
{
	if (a->value != b->value || a->nfields != b->nfields || !same_text(a->name, b->name) ||
	    !same_text(a->summary, b->summary) || !same_text(a->hint, b->hint))
		return false;
	for (unsigned i = 0; i < a->nfields; i++) {
		const dec_field *f = &a->fields[i], *g = &b->fields[i];
		if (f->value != g->value || f->lsb != g->lsb || f->width != g->width ||
		    f->depth != g->depth || f->warn != g->warn || !same_text(f->name, g->name) ||
		    !same_text(f->long_name, g->long_name) || !same_text(f->meaning, g->meaning))
			return false;
	}
	return true;
}

static void check_report(const dec_report *rep)
{
	check(rep->nderived <= DEC_MAX_DERIVED && rep->ndiagnosis <= DEC_MAX_DIAGNOSIS);
	for (unsigned i = 0; i < rep->nderived; i++) {
		const dec_derived *d = &rep->derived[i];
		check_string(d->key, &rep->text);
		check_string(d->value, &rep->text);
		check_string(d->how, &rep->text);
		check(d->key[0] != '\0');
		/* keys name members of one JSON object */
		for (unsigned j = 0; j < i; j++)
			check(strcmp(rep->derived[j].key, d->key) != 0);
	}
	for (unsigned i = 0; i < rep->ndiagnosis; i++)
		check_string(rep->diagnosis[i], &rep->text);
}

static bool same_report(const dec_report *a, const dec_report *b)
{
	if (a->nderived != b->nderived || a->ndiagnosis != b->ndiagnosis)
		return false;
	for (unsigned i = 0; i < a->nderived; i++) {
		const dec_derived *d = &a->derived[i], *e = &b->derived[i];
		if (!same_text(d->key, e->key) || !same_text(d->value, e->value) ||
		    !same_text(d->how, e->how))
			return false;
	}
	for (unsigned i = 0; i < a->ndiagnosis; i++)
		if (!same_text(a->diagnosis[i], b->diagnosis[i]))
			return false;
	return true;
}

/* ---- rendering ------------------------------------------------------------------------------ */

/* Text output: no NUL bytes, and a finished last line. */
static void check_rendered(char *buf, size_t len)
{
	check(buf != NULL);
	check(strlen(buf) == len);
	check(len == 0 || buf[len - 1] == '\n');
	free(buf);
}

static void render_reg_text(const dec_reg *r)
{
	for (int verbose = 0; verbose <= 1; verbose++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&buf, &len);
		if (!out)
			abort();
		cli_render_reg_text(out, r, verbose);
		fclose(out);
		check(len > 0);
		check_rendered(buf, len);
	}
}

static void render_report_text(const dec_report *rep)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	if (!out)
		abort();
	cli_render_report_text(out, rep);
	fclose(out);
	check_rendered(buf, len);
}

/* Prints doc, parses the text back and compares; consumes doc. */
static void check_json_round_trip(cJSON *doc)
{
	check(doc != NULL);
	char *text = cJSON_PrintUnformatted(doc);
	check(text != NULL);
	cJSON *back = cJSON_Parse(text);
	check(back != NULL);
	check(cJSON_Compare(doc, back, true));
	cJSON_Delete(back);
	free(text);
	cJSON_Delete(doc);
}

/* ---- one context, as `trapscope explain` builds and uses it -------------------------------- */

/* Scratch results, large enough that allocating them per input dominated the run time; every
 * use overwrites them first, so nothing carries over from one input to the next. */
static dec_reg regs[MAX_PAIRS + 1];
static dec_report reports[2];

/* Distinct keys, values that fit, one architecture. */
static void build_ctx(reader *in, dec_ctx *ctx)
{
	ctx->arch = take_u8(in) & 1 ? DEC_ARCH_AARCH64 : DEC_ARCH_RISCV64;
	ctx->n = 0;

	const dec_regdef *table = dec_regdefs(ctx->arch);
	unsigned rows = table_len(table), pairs = take_u8(in) % (MAX_PAIRS + 1);
	check(rows > 0);
	for (unsigned i = 0; i < pairs; i++) {
		const dec_regdef *def = &table[take_u8(in) % rows];
		uint64_t value = fit(def, take_u64(in));
		check(def->arch == ctx->arch && def->key && def->key[0] && def->display);
		check(dec_regdef_find(def->name, ctx->arch) == def);
		if (dec_ctx_def(ctx, def->key))
			continue;
		ctx->item[ctx->n].def = def;
		ctx->item[ctx->n].value = value;
		ctx->n++;
	}
}

/* A decode lands in memory full of garbage and in zeroed memory alike, with the same result. */
static void decode_checked(dec_reg *r, dec_reg *scratch, const dec_regdef *def, uint64_t value,
			   const dec_ctx *ctx)
{
	memset(r, 0xa5, sizeof *r);
	def->decode(r, def, value, ctx);
	check_reg(r, def, value);
	memset(scratch, 0, sizeof *scratch);
	def->decode(scratch, def, value, ctx);
	check(same_reg(r, scratch));
}

/* Explains into garbage, then again with the values in reverse order: the order in which
 * the registers were named must not change the explanation. */
static void explain_checked(const dec_ctx *ctx)
{
	dec_ctx reversed = *ctx;

	for (unsigned i = 0; i < ctx->n; i++)
		reversed.item[i] = ctx->item[ctx->n - 1 - i];
	memset(&reports[0], 0x5a, sizeof reports[0]);
	dec_explain(ctx, &reports[0]);
	check_report(&reports[0]);
	memset(&reports[1], 0, sizeof reports[1]);
	dec_explain(&reversed, &reports[1]);
	check(same_report(&reports[0], &reports[1]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	reader in = {data, size};
	dec_ctx ctx;

	build_ctx(&in, &ctx);
	for (unsigned i = 0; i < ctx.n; i++) {
		const dec_regdef *def = ctx.item[i].def;
		decode_checked(&regs[i], &regs[ctx.n], def, ctx.item[i].value, NULL);
		decode_checked(&regs[i], &regs[ctx.n], def, ctx.item[i].value, &ctx);
		render_reg_text(&regs[i]);
	}
	explain_checked(&ctx);
	render_report_text(&reports[0]);
	check_json_round_trip(cli_report_json(ctx.arch, regs, ctx.n, &reports[0]));
	return 0;
}
