/* Trace differences: two traces walked side by side, the first differing event reported field
 * by field with JSON paths. The report is collected in memory and written only when both
 * inputs turned out readable, so bad input never leaves half a report behind. */
#include "trace/trace.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct diff_ctx {
	FILE *out; /* NULL: count only */
	unsigned count;
	size_t len; /* of path */
	char path[512];
} diff_ctx;

/* Numbers as integers when they are, other values in their compact JSON form. */
static void put_value(FILE *out, const cJSON *v)
{
	if (!v) {
		fputs("(missing)", out);
	} else if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (d > -9.2e18 && d < 9.2e18 && (double)(int64_t)d == d)
			fprintf(out, "%" PRId64, (int64_t)d);
		else
			fprintf(out, "%.17g", d);
	} else {
		char *text = cJSON_PrintUnformatted(v);
		fputs(text ? text : "?", out);
		cJSON_free(text);
	}
}

static void report(diff_ctx *c, const cJSON *a, const cJSON *b)
{
	c->count++;
	if (!c->out)
		return;
	fprintf(c->out, "  %s: ", c->len ? c->path : ".");
	if (!a || !b) {
		fprintf(c->out, "only in %s\n", a ? "A" : "B");
		return;
	}
	put_value(c->out, a);
	fputs(" != ", c->out);
	put_value(c->out, b);
	fputc('\n', c->out);
}

/* Appends ".key" or "[i]" to the path (cut short if it would not fit); returns the old length
 * to restore. */
static size_t path_push(diff_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static size_t path_push(diff_ctx *c, const char *fmt, ...)
{
	size_t old = c->len;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(c->path + c->len, sizeof c->path - c->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->len +=
		    (size_t)n < sizeof c->path - c->len ? (size_t)n : sizeof c->path - 1 - c->len;
	return old;
}

static void path_pop(diff_ctx *c, size_t old)
{
	c->len = old;
	c->path[old] = '\0';
}

static bool same_scalar(const cJSON *a, const cJSON *b)
{
	if ((a->type & 0xff) != (b->type & 0xff))
		return false;
	if (cJSON_IsNumber(a))
		return a->valuedouble == b->valuedouble;
	if (cJSON_IsString(a))
		return strcmp(a->valuestring, b->valuestring) == 0;
	return true; /* true, false, null */
}

static void diff(diff_ctx *c, const cJSON *a, const cJSON *b);

static void diff_member(diff_ctx *c, const char *key, const cJSON *a, const cJSON *b)
{
	size_t old = path_push(c, c->len ? ".%s" : "%s", key);
	diff(c, a, b);
	path_pop(c, old);
}

static void diff_objects(diff_ctx *c, const cJSON *a, const cJSON *b)
{
	for (const cJSON *x = a->child; x; x = x->next)
		diff_member(c, x->string, x, cJSON_GetObjectItemCaseSensitive(b, x->string));
	for (const cJSON *y = b->child; y; y = y->next)
		if (!cJSON_GetObjectItemCaseSensitive(a, y->string))
			diff_member(c, y->string, NULL, y);
}

static void diff_arrays(diff_ctx *c, const cJSON *a, const cJSON *b)
{
	const cJSON *x = a->child, *y = b->child;
	for (unsigned i = 0; x || y; i++) {
		size_t old = path_push(c, "[%u]", i);
		diff(c, x, y);
		path_pop(c, old);
		x = x ? x->next : NULL;
		y = y ? y->next : NULL;
	}
}

static void diff(diff_ctx *c, const cJSON *a, const cJSON *b)
{
	if (!a && !b)
		return;
	if (a && b && cJSON_IsObject(a) && cJSON_IsObject(b))
		diff_objects(c, a, b);
	else if (a && b && cJSON_IsArray(a) && cJSON_IsArray(b))
		diff_arrays(c, a, b);
	else if (!a || !b || !same_scalar(a, b))
		report(c, a, b);
}

unsigned trace_diff_value(const cJSON *a, const cJSON *b, const char *path, void *out)
{
	diff_ctx c = {.out = out};
	path_push(&c, "%s", path ? path : "");
	diff(&c, a, b);
	return c.count;
}

/* ---- whole traces ---------------------------------------------------------------------- */

static const cJSON *member(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* arch and machine count; guest only shows, since the same guest is often built in two
 * places. true when something counted differs. */
static bool diff_headers(const cJSON *ha, const cJSON *hb, FILE *out)
{
	static const char *const keys[] = {"arch", "machine"};
	unsigned n = 0;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		n += trace_diff_value(member(ha, keys[i]), member(hb, keys[i]), keys[i], NULL);
	const cJSON *ga = member(ha, "guest"), *gb = member(hb, "guest");
	bool guest = trace_diff_value(ga, gb, "guest", NULL) != 0;
	if (!n && !guest)
		return false;
	fputs("header:\n", out);
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		trace_diff_value(member(ha, keys[i]), member(hb, keys[i]), keys[i], out);
	if (guest) {
		fputs("  guest: ", out);
		put_value(out, ga);
		fputs(" != ", out);
		put_value(out, gb);
		fputs(" (not counted)\n", out);
	}
	return n > 0;
}

/* Reads the events left in r, so that bad input is found wherever it is: their count, or -1. */
static int64_t count_rest(trace_reader *r, char *err, size_t errlen)
{
	const cJSON *ev;
	int64_t n = 0;
	int got;
	while ((got = trace_reader_next(r, &ev, err, errlen)) == 1)
		n++;
	return got < 0 ? -1 : n;
}

/* One of the traces ended: the other's extra events, then the summaries. */
static int diff_tail(trace_reader *a, trace_reader *b, int got_a, int got_b, FILE *out, char *err,
		     size_t errlen)
{
	bool differ = false;
	if (got_a || got_b) {
		int64_t rest = count_rest(got_a ? a : b, err, errlen);
		if (rest < 0)
			return -1;
		int64_t extra = rest + 1; /* and the one just read */
		fprintf(out, "%s has %" PRId64 " more event%s\n", got_a ? "A" : "B", extra,
			extra == 1 ? "" : "s");
		differ = true;
	}
	const cJSON *sa = trace_reader_summary(a), *sb = trace_reader_summary(b);
	if (!sa != !sb) {
		fprintf(out, "summary: only in %s\n", sa ? "A" : "B");
		differ = true;
	} else if (trace_diff_value(sa, sb, "", NULL)) {
		fputs("summary:\n", out);
		trace_diff_value(sa, sb, "", out);
		differ = true;
	}
	return differ;
}

static int diff_events(trace_reader *a, trace_reader *b, FILE *out, char *err, size_t errlen)
{
	const cJSON *ea, *eb;
	for (uint64_t i = 0;; i++) {
		int got_a = trace_reader_next(a, &ea, err, errlen);
		if (got_a < 0)
			return -1;
		int got_b = trace_reader_next(b, &eb, err, errlen);
		if (got_b < 0)
			return -1;
		if (!got_a || !got_b)
			return diff_tail(a, b, got_a, got_b, out, err, errlen);
		if (trace_diff_value(ea, eb, "", NULL)) {
			fprintf(out, "event %" PRIu64 " (seq ", i);
			put_value(out, member(ea, "seq"));
			fputs("):\n", out);
			trace_diff_value(ea, eb, "", out);
			bool bad = count_rest(a, err, errlen) < 0 || count_rest(b, err, errlen) < 0;
			return bad ? -1 : 1;
		}
	}
}

int trace_diff(trace_reader *a, trace_reader *b, void *out, char *err, size_t errlen)
{
	char *text = NULL;
	size_t len = 0;
	FILE *report_file = open_memstream(&text, &len);
	if (!report_file) {
		snprintf(err, errlen, "diff: %s", strerror(errno));
		return -1;
	}
	bool header = diff_headers(trace_reader_header(a), trace_reader_header(b), report_file);
	int rc = diff_events(a, b, report_file, err, errlen);
	if (fclose(report_file) != 0 && rc >= 0) {
		snprintf(err, errlen, "diff: %s", strerror(errno));
		rc = -1;
	}
	if (rc >= 0) {
		fwrite(text, 1, len, out);
		rc = rc || header;
	}
	free(text);
	return rc;
}
