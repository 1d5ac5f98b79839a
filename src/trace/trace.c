/* Trace events: the key/value appenders and per-reason exit statistics. */
#include "trace/trace.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static trace_kv *kv_append(trace_kvlist *l, const char *key, trace_vtype type)
{
	if (l->n >= TRACE_MAX_KV)
		return NULL;
	trace_kv *kv = &l->kv[l->n++];
	*kv = (trace_kv){.key = key, .type = type};
	return kv;
}

bool trace_add_hex(trace_kvlist *l, const char *key, uint64_t v)
{
	trace_kv *kv = kv_append(l, key, TRACE_HEX);
	if (kv)
		kv->u = v;
	return kv != NULL;
}

bool trace_add_uint(trace_kvlist *l, const char *key, uint64_t v)
{
	trace_kv *kv = kv_append(l, key, TRACE_UINT);
	if (kv)
		kv->u = v;
	return kv != NULL;
}

bool trace_add_int(trace_kvlist *l, const char *key, int64_t v)
{
	trace_kv *kv = kv_append(l, key, TRACE_INT);
	if (kv)
		kv->i = v;
	return kv != NULL;
}

bool trace_add_str(trace_kvlist *l, const char *key, const char *s)
{
	trace_kv *kv = kv_append(l, key, TRACE_STR);
	if (kv)
		kv->s = s;
	return kv != NULL;
}

bool trace_add_bool(trace_kvlist *l, const char *key, bool b)
{
	trace_kv *kv = kv_append(l, key, TRACE_BOOL);
	if (kv)
		kv->b = b;
	return kv != NULL;
}

bool trace_add_hex_list(trace_kvlist *l, const char *key, const uint64_t *v, unsigned count)
{
	trace_kv *kv = kv_append(l, key, TRACE_HEX_LIST);
	if (kv) {
		kv->list = v;
		kv->count = count;
	}
	return kv != NULL;
}

/* ---- statistics ------------------------------------------------------------------------ */

typedef struct trace_reason_stats reason_stats;

#define OTHER_REASON "(other)"

/* The row for name (already cut to fit), appended when new and there is room. */
static reason_stats *find_reason(trace_stats *st, const char *name, unsigned limit)
{
	for (unsigned i = 0; i < st->nreasons; i++)
		if (strcmp(st->reason[i].name, name) == 0)
			return &st->reason[i];
	if (st->nreasons >= limit)
		return NULL;
	reason_stats *r = &st->reason[st->nreasons++];
	*r = (reason_stats){.count = 0};
	snprintf(r->name, sizeof r->name, "%s", name);
	return r;
}

static bool ranks_before(const reason_stats *a, const reason_stats *b)
{
	return a->count > b->count || (a->count == b->count && strcmp(a->name, b->name) < 0);
}

/* One count went up: move the row up past the rows it now outranks, so that printing and
 * the summary never sort. */
static void bubble_up(trace_stats *st, reason_stats *r)
{
	while (r > st->reason && ranks_before(r, r - 1)) {
		reason_stats tmp = r[-1];
		r[-1] = *r;
		*r = tmp;
		r--;
	}
}

void trace_stats_add(trace_stats *st, const char *kind, const char *reason, uint64_t ns)
{
	if (kind && strcmp(kind, "guest_trap") == 0)
		st->guest_traps++;
	if (!kind || strcmp(kind, "exit") != 0)
		return;
	char name[sizeof st->reason[0].name];
	snprintf(name, sizeof name, "%s", reason ? reason : "(none)");
	/* the last row is kept for "(other)" */
	reason_stats *r = find_reason(st, name, TRACE_MAX_REASONS - 1);
	if (!r)
		r = find_reason(st, OTHER_REASON, TRACE_MAX_REASONS);
	st->exits++;
	r->count++;
	if (ns) {
		r->ns_total += ns;
		r->ns_min = r->ns_min && r->ns_min < ns ? r->ns_min : ns;
		r->ns_max = r->ns_max > ns ? r->ns_max : ns;
	}
	bubble_up(st, r);
}

/* Totals over every row, printed as the last row. */
static reason_stats stats_total(const trace_stats *st)
{
	reason_stats t = {.count = st->exits};
	snprintf(t.name, sizeof t.name, "total");
	for (unsigned i = 0; i < st->nreasons; i++) {
		const reason_stats *r = &st->reason[i];
		t.ns_total += r->ns_total;
		if (r->ns_min && (!t.ns_min || r->ns_min < t.ns_min))
			t.ns_min = r->ns_min;
		if (r->ns_max > t.ns_max)
			t.ns_max = r->ns_max;
	}
	return t;
}

static double percent(uint64_t part, uint64_t whole)
{
	return whole ? (double)part * 100.0 / (double)whole : 0.0;
}

static void print_row(FILE *f, int width, const reason_stats *r, const reason_stats *total)
{
	fprintf(f, "%-*s %8" PRIu64 " %8.2f%%", width, r->name, r->count,
		percent(r->count, total->count));
	if (total->ns_total)
		fprintf(f, " %7.2f%% %8.2fus %8.2fus %8.2fus",
			percent(r->ns_total, total->ns_total), (double)r->ns_min / 1e3,
			(double)r->ns_max / 1e3,
			r->count ? (double)r->ns_total / 1e3 / (double)r->count : 0.0);
	fputc('\n', f);
}

void trace_stats_print(const trace_stats *st, void *file)
{
	FILE *f = file;
	reason_stats total = stats_total(st);
	int width = (int)strlen("instructions");
	for (unsigned i = 0; i < st->nreasons; i++)
		if ((int)strlen(st->reason[i].name) > width)
			width = (int)strlen(st->reason[i].name);
	fprintf(f, "%-*s %8s %9s", width, "exit reason", "samples", "samples%");
	if (total.ns_total)
		fprintf(f, " %8s %10s %10s %10s", "time%", "min time", "max time", "avg time");
	fputc('\n', f);
	for (unsigned i = 0; i < st->nreasons; i++)
		print_row(f, width, &st->reason[i], &total);
	print_row(f, width, &total, &total);
	fprintf(f, "\n%-*s %8" PRIu64 "\n", width, "instructions", st->instructions);
	fprintf(f, "%-*s %8" PRIu64 "\n", width, "guest traps", st->guest_traps);
}
