/* The field tree, its text arena, the register table lookup and the report builder. */
#include "decode.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *dec_arch_name(dec_arch arch)
{
	switch (arch) {
	case DEC_ARCH_RISCV64: return "riscv64";
	case DEC_ARCH_AARCH64: return "aarch64";
	default: return "none";
	}
}

static const char *text_vfmt(dec_text *t, const char *fmt, va_list ap)
{
	static const char truncated[] = "…";
	size_t room = sizeof t->buf - t->used;
	char *dst = t->buf + t->used;
	int n = vsnprintf(dst, room, fmt, ap);

	if (n < 0 || (size_t)n >= room)
		return truncated;
	t->used += (size_t)n + 1;
	return dst;
}

const char *dec_text_fmt(dec_text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const char *s = text_vfmt(t, fmt, ap);
	va_end(ap);
	return s;
}

void dec_reg_init(dec_reg *r, const char *name, uint64_t value)
{
	r->name = name;
	r->value = value;
	r->summary = "";
	r->hint = "";
	r->nfields = 0;
	r->depth = 0;
	r->text.used = 0;
}

dec_field *dec_field_add(dec_reg *r, const char *name, const char *long_name, unsigned lsb,
			 unsigned width, const char *meaning)
{
	if (r->nfields >= DEC_MAX_FIELDS || lsb > 63 || width == 0 || lsb + width > 64)
		return NULL;
	dec_field *f = &r->fields[r->nfields++];
	f->name = name;
	f->long_name = long_name ? long_name : name;
	f->meaning = meaning ? meaning : "";
	f->value = dec_bits(r->value, lsb, width);
	f->lsb = (uint8_t)lsb;
	f->width = (uint8_t)width;
	f->depth = (uint8_t)r->depth;
	f->warn = false;
	return f;
}

void dec_push(dec_reg *r)
{
	if (r->depth + 1 < DEC_MAX_DEPTH)
		r->depth++;
}

void dec_pop(dec_reg *r)
{
	if (r->depth > 0)
		r->depth--;
}

const char *dec_fmt(dec_reg *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const char *s = text_vfmt(&r->text, fmt, ap);
	va_end(ap);
	return s;
}

unsigned dec_field_end(const dec_reg *r, unsigned i)
{
	unsigned j = i + 1;
	while (j < r->nfields && r->fields[j].depth > r->fields[i].depth)
		j++;
	return j;
}

static const dec_regdef *find_in(const dec_regdef *table, const char *name)
{
	for (const dec_regdef *d = table; d->name; d++)
		if (strcasecmp(d->name, name) == 0)
			return d;
	return NULL;
}

const dec_regdef *dec_regdefs(dec_arch arch)
{
	return arch == DEC_ARCH_AARCH64 ? dec_a64_regdefs : dec_rv_regdefs;
}

const dec_regdef *dec_regdef_find(const char *name, dec_arch arch)
{
	if (arch != DEC_ARCH_NONE)
		return find_in(dec_regdefs(arch), name);
	const dec_regdef *d = find_in(dec_rv_regdefs, name);
	return d ? d : find_in(dec_a64_regdefs, name);
}

const dec_regdef *dec_ctx_def(const dec_ctx *ctx, const char *key)
{
	for (unsigned i = 0; i < ctx->n; i++)
		if (strcmp(ctx->item[i].def->key, key) == 0)
			return ctx->item[i].def;
	return NULL;
}

bool dec_ctx_get(const dec_ctx *ctx, const char *key, uint64_t *value)
{
	for (unsigned i = 0; i < ctx->n; i++) {
		if (strcmp(ctx->item[i].def->key, key) == 0) {
			*value = ctx->item[i].value;
			return true;
		}
	}
	return false;
}

void dec_report_init(dec_report *rep)
{
	rep->nderived = 0;
	rep->ndiagnosis = 0;
	rep->text.used = 0;
}

void dec_derive(dec_report *rep, const char *key, const char *value, const char *how)
{
	if (rep->nderived >= DEC_MAX_DERIVED)
		return;
	dec_derived *d = &rep->derived[rep->nderived++];
	d->key = key;
	d->value = value;
	d->how = how ? how : "";
}

void dec_diagnose(dec_report *rep, const char *fmt, ...)
{
	if (rep->ndiagnosis >= DEC_MAX_DIAGNOSIS)
		return;
	va_list ap;
	va_start(ap, fmt);
	rep->diagnosis[rep->ndiagnosis++] = text_vfmt(&rep->text, fmt, ap);
	va_end(ap);
}

void dec_explain(const dec_ctx *ctx, dec_report *rep)
{
	dec_report_init(rep);
	if (ctx->arch == DEC_ARCH_RISCV64)
		dec_rv_explain(ctx, rep);
	else if (ctx->arch == DEC_ARCH_AARCH64)
		dec_a64_explain(ctx, rep);
}
