/* Trace readers: tell a JSON document from JSON Lines, check the header, then hand out the
 * events one by one, each checked for the keys every consumer relies on (integer "seq",
 * string "kind"). A document is parsed whole; JSON Lines are read a line at a time, of any
 * length. Every problem is an error message naming the file and the place, never a crash:
 * trace_read_buffer is the entry point for fuzzing. */
#include "trace/trace.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct trace_reader {
	char *name;
	FILE *f;	 /* the file, or NULL when reading a buffer */
	const char *buf; /* the buffer, read from pos */
	size_t len, pos;
	char *text; /* the current line, or the whole document; NUL-terminated */
	size_t cap, textlen;
	uint64_t lineno; /* lines read so far */
	bool jsonl;
	bool done;
	cJSON *header; /* the header keys */
	cJSON *events; /* document: the "events" array */
	cJSON *next;   /* document: the event after the last one returned */
	cJSON *event;  /* JSON Lines: the event last returned */
	cJSON *summary;
	uint64_t index; /* events returned so far */
};

/* "name: [line N: ]problem"; returns -1. */
static int fail(trace_reader *r, bool at_line, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int fail(trace_reader *r, bool at_line, char *err, size_t errlen, const char *fmt, ...)
{
	char what[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (at_line)
		snprintf(err, errlen, "%s: line %" PRIu64 ": %s", r->name, r->lineno, what);
	else
		snprintf(err, errlen, "%s: %s", r->name, what);
	r->done = true;
	return -1;
}

/* ---- input ----------------------------------------------------------------------------- */

static bool reserve(trace_reader *r, size_t need)
{
	if (r->text && need <= r->cap)
		return true;
	size_t cap = r->cap ? r->cap : 4096;
	while (cap < need)
		cap *= 2;
	char *p = realloc(r->text, cap);
	if (!p)
		return false;
	r->text = p;
	r->cap = cap;
	return true;
}

/* The next line, newline included, into text. 1: a line; 0: end of input; -1: errno says. */
static int read_line(trace_reader *r)
{
	size_t n;
	if (r->f) {
		errno = 0;
		ssize_t got = getline(&r->text, &r->cap, r->f);
		if (got < 0)
			return ferror(r->f) || errno == ENOMEM ? -1 : 0;
		n = (size_t)got;
	} else {
		if (r->pos >= r->len)
			return 0;
		const char *s = r->buf + r->pos;
		const char *nl = memchr(s, '\n', r->len - r->pos);
		n = nl ? (size_t)(nl - s) + 1 : r->len - r->pos;
		if (!reserve(r, n + 1))
			return -1;
		memcpy(r->text, s, n);
		r->text[n] = '\0';
		r->pos += n;
	}
	r->textlen = n;
	r->lineno++;
	return 1;
}

/* Appends the rest of the input to text: a document is parsed whole. */
static bool read_rest(trace_reader *r)
{
	if (!r->f) {
		size_t n = r->len - r->pos;
		if (!reserve(r, r->textlen + n + 1))
			return false;
		memcpy(r->text + r->textlen, r->buf + r->pos, n);
		r->textlen += n;
		r->pos = r->len;
	} else {
		size_t got;
		do {
			if (!reserve(r, r->textlen + 65536 + 1))
				return false;
			got = fread(r->text + r->textlen, 1, r->cap - r->textlen - 1, r->f);
			r->textlen += got;
		} while (got > 0);
		if (ferror(r->f))
			return false;
	}
	r->text[r->textlen] = '\0';
	return true;
}

static bool json_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && json_space(*p))
		p++;
	return p;
}

/* ---- JSON ------------------------------------------------------------------------------ */

typedef enum parse_status {
	PARSED,
	PARSE_ERROR,	/* at *pos */
	PARSE_TRAILING, /* more text after the value, at *pos */
} parse_status;

/* Parses the one JSON value text[0..len) must hold (embedded NULs end it early and so count
 * as trailing text). */
static cJSON *parse_json(const char *text, size_t len, parse_status *st, size_t *pos)
{
	const char *end = NULL, *stop = text + len;
	cJSON *v = cJSON_ParseWithOpts(text, &end, false);
	if (!end || end < text || end > stop)
		end = stop;
	*pos = (size_t)(end - text);
	if (!v) {
		*st = PARSE_ERROR;
		return NULL;
	}
	end = skip_space(end, stop);
	if (end != stop) {
		*pos = (size_t)(end - text);
		*st = PARSE_TRAILING;
		cJSON_Delete(v);
		return NULL;
	}
	*st = PARSED;
	return v;
}

static bool is_count(const cJSON *v)
{
	/* JSON numbers arrive as doubles: exact integers below 2^64 only */
	return cJSON_IsNumber(v) && v->valuedouble >= 0 &&
	       v->valuedouble < 18446744073709551616.0 &&
	       (double)(uint64_t)v->valuedouble == v->valuedouble;
}

static const cJSON *member(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* The problem with an event, or NULL when it has what every consumer needs. */
static const char *event_problem(const cJSON *ev)
{
	if (!cJSON_IsObject(ev))
		return "not a JSON object";
	if (!is_count(member(ev, "seq")))
		return "\"seq\" is missing or not a non-negative integer";
	if (!cJSON_IsString(member(ev, "kind")))
		return "\"kind\" is missing or not a string";
	return NULL;
}

static int check_header(trace_reader *r, const cJSON *h, char *err, size_t errlen)
{
	const cJSON *format = member(h, "format"), *version = member(h, "version");
	if (!cJSON_IsString(format) || strcmp(format->valuestring, TRACE_FORMAT) != 0)
		return fail(r, false, err, errlen,
			    "not a trapscope trace (\"format\" is not \"%s\")", TRACE_FORMAT);
	if (!cJSON_IsNumber(version))
		return fail(r, false, err, errlen, "\"version\" is missing or not a number");
	if (version->valuedouble != TRACE_VERSION)
		return fail(r, false, err, errlen,
			    "version %g is not supported (this trapscope reads version %d)",
			    version->valuedouble, TRACE_VERSION);
	return 0;
}

/* Line and column of byte pos of the text, whose first line is line first. */
static void where(const trace_reader *r, size_t pos, uint64_t first, uint64_t *line, size_t *col)
{
	size_t start = 0;
	*line = first;
	for (size_t i = 0; i < pos && i < r->textlen; i++)
		if (r->text[i] == '\n') {
			(*line)++;
			start = i + 1;
		}
	*col = pos - start + 1;
}

/* Every document and every line of a trace ends with '}': one that does not was cut short,
 * whatever cJSON stumbled on first (an unterminated string is reported where it starts). */
static bool cut_short(const trace_reader *r)
{
	size_t n = r->textlen;
	while (n > 0 && json_space(r->text[n - 1]))
		n--;
	return n == 0 || r->text[n - 1] != '}';
}

static int parse_problem(trace_reader *r, parse_status st, size_t pos, uint64_t first, char *err,
			 size_t errlen)
{
	uint64_t line;
	size_t col;
	where(r, pos, first, &line, &col);
	r->lineno = line;
	if (st == PARSE_TRAILING)
		return fail(r, true, err, errlen,
			    "unexpected text after the JSON value at column %zu", col);
	return fail(r, true, err, errlen, "invalid JSON at column %zu%s", col,
		    cut_short(r) ? " (truncated?)" : "");
}

/* ---- documents ------------------------------------------------------------------------- */

static int open_document(trace_reader *r, uint64_t first, char *err, size_t errlen)
{
	parse_status st;
	size_t pos;
	if (!read_rest(r))
		return fail(r, false, err, errlen, "%s", strerror(errno ? errno : EIO));
	cJSON *root = parse_json(r->text, r->textlen, &st, &pos);
	if (!root)
		return parse_problem(r, st, pos, first, err, errlen);
	r->header = root;
	if (!cJSON_IsObject(root))
		return fail(r, false, err, errlen, "not a trapscope trace (not a JSON object)");
	if (check_header(r, root, err, errlen) < 0)
		return -1;
	r->events = cJSON_DetachItemFromObjectCaseSensitive(root, "events");
	r->summary = cJSON_DetachItemFromObjectCaseSensitive(root, "summary");
	if (!cJSON_IsArray(r->events))
		return fail(r, false, err, errlen, "\"events\" is missing or not an array");
	if (r->summary && !cJSON_IsObject(r->summary))
		return fail(r, false, err, errlen, "\"summary\" is not an object");
	r->next = r->events->child;
	return 0;
}

static int next_document_event(trace_reader *r, const cJSON **event, char *err, size_t errlen)
{
	if (!r->next)
		return 0;
	const cJSON *ev = r->next;
	r->next = r->next->next;
	const char *problem = event_problem(ev);
	if (problem)
		return fail(r, false, err, errlen, "event %" PRIu64 ": %s", r->index, problem);
	*event = ev;
	return 1;
}

/* ---- JSON Lines ------------------------------------------------------------------------ */

static bool blank(const trace_reader *r)
{
	return skip_space(r->text, r->text + r->textlen) == r->text + r->textlen;
}

/* The next line that is not blank, parsed. 1, 0 at the end, -1 on error. */
static int next_object(trace_reader *r, cJSON **obj, char *err, size_t errlen)
{
	int got;
	while ((got = read_line(r)) == 1 && blank(r))
		;
	if (got <= 0)
		return got == 0 ? 0
				: fail(r, false, err, errlen, "%s", strerror(errno ? errno : EIO));
	parse_status st;
	size_t pos;
	*obj = parse_json(r->text, r->textlen, &st, &pos);
	if (!*obj)
		return parse_problem(r, st, pos, r->lineno, err, errlen);
	if (!cJSON_IsObject(*obj)) {
		cJSON_Delete(*obj);
		*obj = NULL;
		return fail(r, true, err, errlen, "not a JSON object");
	}
	return 1;
}

static bool is_summary_line(const cJSON *obj)
{
	return member(obj, "summary") && !member(obj, "kind");
}

/* After the summary line only blank lines may follow. */
static int end_after_summary(trace_reader *r, cJSON *line, char *err, size_t errlen)
{
	r->summary = cJSON_DetachItemFromObjectCaseSensitive(line, "summary");
	cJSON_Delete(line);
	if (!cJSON_IsObject(r->summary))
		return fail(r, true, err, errlen, "\"summary\" is not an object");
	cJSON *more = NULL;
	int got = next_object(r, &more, err, errlen);
	cJSON_Delete(more);
	if (got > 0)
		return fail(r, true, err, errlen, "text after the summary line");
	return got;
}

static int next_line_event(trace_reader *r, const cJSON **event, char *err, size_t errlen)
{
	cJSON_Delete(r->event);
	r->event = NULL;
	cJSON *obj = NULL;
	int got = next_object(r, &obj, err, errlen);
	if (got <= 0)
		return got;
	if (is_summary_line(obj))
		return end_after_summary(r, obj, err, errlen);
	const char *problem = event_problem(obj);
	if (problem) {
		cJSON_Delete(obj);
		return fail(r, true, err, errlen, "%s", problem);
	}
	r->event = obj;
	*event = obj;
	return 1;
}

/* ---- telling the formats apart ---------------------------------------------------------- */

/* JSON Lines when the first line alone is an object with "format" but no "events"; otherwise
 * one document (whose first line is rarely complete JSON). */
static int open_either(trace_reader *r, char *err, size_t errlen)
{
	int got;
	while ((got = read_line(r)) == 1 && blank(r))
		;
	if (got < 0)
		return fail(r, false, err, errlen, "%s", strerror(errno ? errno : EIO));
	if (got == 0)
		return fail(r, false, err, errlen, "empty file, not a trace");
	if (*skip_space(r->text, r->text + r->textlen) != '{')
		return fail(r, true, err, errlen, "not a trapscope trace (no JSON object)");
	parse_status st;
	size_t pos;
	cJSON *first = parse_json(r->text, r->textlen, &st, &pos);
	if (cJSON_IsObject(first) && member(first, "format") && !member(first, "events")) {
		r->jsonl = true;
		r->header = first;
		return check_header(r, first, err, errlen);
	}
	cJSON_Delete(first);
	return open_document(r, r->lineno, err, errlen);
}

static trace_reader *reader_new(const char *name)
{
	trace_reader *r = calloc(1, sizeof *r);
	if (r && !(r->name = strdup(name))) {
		free(r);
		r = NULL;
	}
	return r;
}

static trace_reader *reader_start(trace_reader *r, char *err, size_t errlen)
{
	if (open_either(r, err, errlen) < 0) {
		trace_reader_close(r);
		return NULL;
	}
	return r;
}

trace_reader *trace_reader_open(const char *path, char *err, size_t errlen)
{
	trace_reader *r = reader_new(path);
	if (!r) {
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		return NULL;
	}
	r->f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!r->f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		trace_reader_close(r);
		return NULL;
	}
	return reader_start(r, err, errlen);
}

trace_reader *trace_reader_open_buffer(const char *name, const char *buf, size_t len, char *err,
				       size_t errlen)
{
	trace_reader *r = reader_new(name);
	if (!r) {
		snprintf(err, errlen, "%s: %s", name, strerror(ENOMEM));
		return NULL;
	}
	r->buf = buf;
	r->len = buf ? len : 0;
	return reader_start(r, err, errlen);
}

int trace_reader_next(trace_reader *r, const cJSON **event, char *err, size_t errlen)
{
	*event = NULL;
	if (r->done)
		return 0;
	int got = r->jsonl ? next_line_event(r, event, err, errlen)
			   : next_document_event(r, event, err, errlen);
	if (got == 1)
		r->index++;
	else
		r->done = true;
	return got;
}

const cJSON *trace_reader_header(const trace_reader *r)
{
	return r->header;
}

const cJSON *trace_reader_summary(const trace_reader *r)
{
	return r->summary;
}

void trace_reader_close(trace_reader *r)
{
	if (!r)
		return;
	if (r->f && r->f != stdin)
		fclose(r->f);
	cJSON_Delete(r->header);
	cJSON_Delete(r->events);
	cJSON_Delete(r->event);
	cJSON_Delete(r->summary);
	free(r->text);
	free(r->name);
	free(r);
}

/* ---- callbacks ------------------------------------------------------------------------- */

static bool read_all(trace_reader *r, trace_event_fn *fn, void *ctx, cJSON **hdr, cJSON **summary,
		     char *err, size_t errlen)
{
	if (hdr)
		*hdr = NULL;
	if (summary)
		*summary = NULL;
	if (!r)
		return false;
	const cJSON *ev;
	int got;
	while ((got = trace_reader_next(r, &ev, err, errlen)) == 1)
		if (!fn(ctx, ev, r->index - 1))
			break;
	if (got >= 0 && hdr)
		*hdr = cJSON_Duplicate(r->header, true);
	if (got == 0 && summary && r->summary)
		*summary = cJSON_Duplicate(r->summary, true);
	trace_reader_close(r);
	return got >= 0;
}

bool trace_read(const char *path, trace_event_fn *fn, void *ctx, cJSON **hdr, cJSON **summary,
		char *err, size_t errlen)
{
	return read_all(trace_reader_open(path, err, errlen), fn, ctx, hdr, summary, err, errlen);
}

bool trace_read_buffer(const char *name, const char *buf, size_t len, trace_event_fn *fn, void *ctx,
		       cJSON **hdr, cJSON **summary, char *err, size_t errlen)
{
	return read_all(trace_reader_open_buffer(name, buf, len, err, errlen), fn, ctx, hdr,
			summary, err, errlen);
}
