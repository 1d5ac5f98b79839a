/* Renders decoded registers and reports: an aligned text tree, or JSON through cJSON. */
#include "cli.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <string.h>

enum { WRAP_COLUMNS = 100, DERIVED_VALUE_COLUMN = 28 };

static int bit_range(char *buf, size_t size, const dec_field *f)
{
	if (f->width == 1)
		return snprintf(buf, size, "[%u]", (unsigned)f->lsb);
	return snprintf(buf, size, "[%u:%u]", (unsigned)(f->lsb + f->width - 1), (unsigned)f->lsb);
}

/* Prints text from column `at`, wrapping at word boundaries with continuation lines indented
 * to `indent`. */
static void print_wrapped(FILE *out, const char *text, int at, int indent)
{
	int col = at;
	while (*text) {
		const char *end = strchr(text, ' ');
		int len = end ? (int)(end - text) : (int)strlen(text);
		if (col > indent && col + 1 + len > WRAP_COLUMNS) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
		} else if (col > at) {
			fputc(' ', out);
			col++;
		}
		fwrite(text, 1, (size_t)len, out);
		col += len;
		text += len;
		while (*text == ' ')
			text++;
	}
	fputc('\n', out);
}

void cli_render_reg_text(FILE *out, const dec_reg *reg, bool verbose)
{
	int range_w = 0, name_w = 0, value_w = 0;
	char buf[32];

	for (unsigned i = 0; i < reg->nfields; i++) {
		const dec_field *f = &reg->fields[i];
		int w = 2 * f->depth + bit_range(buf, sizeof buf, f);
		int n = (int)strlen(f->name);
		int v = snprintf(buf, sizeof buf, "0x%" PRIx64, f->value);
		range_w = w > range_w ? w : range_w;
		name_w = n > name_w ? n : name_w;
		value_w = v > value_w ? v : value_w;
	}

	fprintf(out, "%s = 0x%016" PRIx64 "\n", reg->name, reg->value);
	if (reg->summary[0]) {
		fputs("  ", out);
		print_wrapped(out, reg->summary, 2, 4);
	}
	for (unsigned i = 0; i < reg->nfields; i++) {
		const dec_field *f = &reg->fields[i];
		char range[32], value[32];
		int indent = 2 * f->depth;
		bit_range(range, sizeof range, f);
		snprintf(value, sizeof value, "0x%" PRIx64, f->value);
		int col = fprintf(out, "%s %*s%-*s  %-*s  %-*s", f->warn ? "!" : " ", indent, "",
				  range_w - indent, range, name_w, f->name, value_w, value);
		int meaning_col = col + 2;
		fputs("  ", out);
		if (verbose && strcmp(f->long_name, f->name) != 0) {
			char line[512];
			snprintf(line, sizeof line, "%s. %s", f->long_name, f->meaning);
			print_wrapped(out, line, meaning_col, meaning_col);
		} else {
			print_wrapped(out, f->meaning, meaning_col, meaning_col);
		}
	}
	if (reg->hint[0]) {
		fputs("  hint: ", out);
		print_wrapped(out, reg->hint, 8, 8);
	}
}

void cli_render_report_text(FILE *out, const dec_report *rep)
{
	if (rep->nderived) {
		int key_w = 0, value_w = 0;
		/* long values (sentences) do not widen the column; their "how" goes below */
		for (unsigned i = 0; i < rep->nderived; i++) {
			int k = (int)strlen(rep->derived[i].key);
			int v = (int)strlen(rep->derived[i].value);
			key_w = k > key_w ? k : key_w;
			value_w = v > value_w && v <= DERIVED_VALUE_COLUMN ? v : value_w;
		}
		fputs("derived\n", out);
		for (unsigned i = 0; i < rep->nderived; i++) {
			const dec_derived *d = &rep->derived[i];
			if (!d->how[0]) {
				fprintf(out, "  %-*s  %s\n", key_w, d->key, d->value);
				continue;
			}
			if ((int)strlen(d->value) > value_w) {
				fprintf(out, "  %-*s  ", key_w, d->key);
				print_wrapped(out, d->value, key_w + 4, key_w + 4);
				fprintf(out, "  %-*s  ", key_w, "");
				print_wrapped(out, d->how, key_w + 4, key_w + 4);
				continue;
			}
			int col = fprintf(out, "  %-*s  %-*s  ", key_w, d->key, value_w, d->value);
			print_wrapped(out, d->how, col, col);
		}
	}
	if (rep->ndiagnosis) {
		fputs("diagnosis\n", out);
		for (unsigned i = 0; i < rep->ndiagnosis; i++) {
			fputs("  - ", out);
			print_wrapped(out, rep->diagnosis[i], 4, 4);
		}
	}
}

static cJSON *hex_string(uint64_t v)
{
	char buf[24];
	snprintf(buf, sizeof buf, "0x%" PRIx64, v);
	return cJSON_CreateString(buf);
}

/* Builds fields[i] and its subfields; returns the index after them. */
static unsigned field_json(const dec_reg *reg, unsigned i, cJSON *array)
{
	const dec_field *f = &reg->fields[i];
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", f->name);
	cJSON_AddStringToObject(o, "long_name", f->long_name);
	cJSON_AddNumberToObject(o, "lsb", f->lsb);
	cJSON_AddNumberToObject(o, "width", f->width);
	cJSON_AddItemToObject(o, "value", hex_string(f->value));
	cJSON_AddStringToObject(o, "meaning", f->meaning);
	if (f->warn)
		cJSON_AddTrueToObject(o, "warning");
	cJSON *subs = cJSON_AddArrayToObject(o, "fields");
	unsigned end = dec_field_end(reg, i);
	for (unsigned j = i + 1; j < end;)
		j = field_json(reg, j, subs);
	cJSON_AddItemToArray(array, o);
	return end;
}

cJSON *cli_reg_json(const dec_reg *reg)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", reg->name);
	cJSON_AddItemToObject(o, "value", hex_string(reg->value));
	cJSON_AddStringToObject(o, "summary", reg->summary);
	cJSON_AddStringToObject(o, "hint", reg->hint);
	cJSON *fields = cJSON_AddArrayToObject(o, "fields");
	for (unsigned i = 0; i < reg->nfields;)
		i = field_json(reg, i, fields);
	return o;
}

cJSON *cli_report_json(const dec_arch arch, const dec_reg *regs, unsigned nregs,
		       const dec_report *rep)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "arch", dec_arch_name(arch));
	cJSON *list = cJSON_AddArrayToObject(o, "registers");
	for (unsigned i = 0; i < nregs; i++)
		cJSON_AddItemToArray(list, cli_reg_json(&regs[i]));
	cJSON *derived = cJSON_AddObjectToObject(o, "derived");
	cJSON *how = cJSON_AddObjectToObject(o, "derivation");
	for (unsigned i = 0; i < rep->nderived; i++) {
		cJSON_AddStringToObject(derived, rep->derived[i].key, rep->derived[i].value);
		cJSON_AddStringToObject(how, rep->derived[i].key, rep->derived[i].how);
	}
	cJSON *diag = cJSON_AddArrayToObject(o, "diagnosis");
	for (unsigned i = 0; i < rep->ndiagnosis; i++)
		cJSON_AddItemToArray(diag, cJSON_CreateString(rep->diagnosis[i]));
	return o;
}
