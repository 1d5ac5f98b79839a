/* Trace writers: one JSON document, renamed into place when complete, or JSON Lines flushed
 * line by line. Events are formatted straight to the file as they come, so memory stays flat,
 * and nothing depends on the host (no times, no addresses): same events, same bytes. */
#include "trace/trace.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct trace_writer {
	FILE *f;
	char *path;
	char *tmp;  /* document: the temporary file trace_close renames onto path */
	bool jsonl; /* JSON Lines: flush after every line */
	bool riscv; /* insn.raw of a compressed instruction gets 4 digits, not 8 */
	int error;  /* errno of the first failed write; 0 while all is well */
	uint64_t events;
	trace_stats tally; /* the events written, for a summary without caller stats */
};

/* ---- JSON text ------------------------------------------------------------------------- */

/* Length of the well-formed UTF-8 sequence at s (n bytes available), 0 when there is none. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0; /* overlong */
	else if (s[0] == 0xed)
		hi = 0x9f; /* UTF-16 surrogates */
	else if (s[0] == 0xf0)
		lo = 0x90; /* overlong */
	else if (s[0] == 0xf4)
		hi = 0x8f; /* past U+10FFFF */
	if (len > n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

static void put_escaped_byte(FILE *f, unsigned char c)
{
	static const char short_esc[] = {['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r',
					 ['\t'] = 't', ['"'] = '"',  ['\\'] = '\\'};
	if (c < sizeof short_esc && short_esc[c])
		fprintf(f, "\\%c", short_esc[c]);
	else if (c < 0x20 || c >= 0x80)
		fprintf(f, "\\u%04x", c);
	else
		fputc(c, f);
}

/* A JSON string of s[0..n). Guest output can hold any bytes: a byte that is not part of
 * well-formed UTF-8 is written as the code point of the same value, so the file stays JSON. */
static void put_strn(FILE *f, const char *s, size_t n)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	const unsigned char *u = (const unsigned char *)s;
	fputc('"', f);
	for (size_t i = 0; i < n;) {
		size_t len = u[i] >= 0x80 ? utf8_len(u + i, n - i) : 0;
		if (len) {
			fwrite(u + i, 1, len, f);
			i += len;
		} else {
			put_escaped_byte(f, u[i++]);
		}
	}
	fputc('"', f);
}

static void put_str(FILE *f, const char *s)
{
	put_strn(f, s, s ? strlen(s) : 0);
}

static void put_hex(FILE *f, uint64_t v)
{
	fprintf(f, "\"0x%" PRIx64 "\"", v);
}

/* ,"key": (no comma before an object's first key) */
static void put_key(FILE *f, const char *key, bool first)
{
	if (!first)
		fputc(',', f);
	put_str(f, key);
	fputc(':', f);
}

static void put_value(FILE *f, const trace_kv *kv)
{
	switch (kv->type) {
	case TRACE_HEX: put_hex(f, kv->u); break;
	case TRACE_UINT: fprintf(f, "%" PRIu64, kv->u); break;
	case TRACE_INT: fprintf(f, "%" PRId64, kv->i); break;
	case TRACE_STR: put_str(f, kv->s); break;
	case TRACE_BOOL: fputs(kv->b ? "true" : "false", f); break;
	case TRACE_HEX_LIST:
		fputc('[', f);
		for (unsigned i = 0; kv->list && i < kv->count; i++) {
			if (i)
				fputc(',', f);
			put_hex(f, kv->list[i]);
		}
		fputc(']', f);
		break;
	}
}

/* The pairs of l, each preceded by a comma unless it opens the object. */
static void put_kvs(FILE *f, const trace_kvlist *l, bool first)
{
	for (unsigned i = 0; i < l->n; i++) {
		put_key(f, l->kv[i].key, first && i == 0);
		put_value(f, &l->kv[i]);
	}
}

static void put_insn(FILE *f, const trace_event *ev, bool riscv)
{
	/* as objdump shows it: a compressed RISC-V instruction has 16 bits */
	int digits = riscv && (ev->insn_raw & 3) != 3 ? 4 : 8;
	fprintf(f, ",\"insn\":{\"raw\":\"0x%0*" PRIx32 "\",\"text\":", digits, ev->insn_raw);
	put_strn(f, ev->insn_text, strnlen(ev->insn_text, sizeof ev->insn_text));
	fputc('}', f);
}

static void put_exit(FILE *f, const trace_event *ev)
{
	fputs(",\"exit\":{\"reason\":", f);
	put_str(f, ev->reason);
	put_kvs(f, &ev->exit, false);
	if (ev->call_name) {
		put_key(f, ev->call_name, false);
		fputc('{', f);
		put_kvs(f, &ev->call, true);
		fputc('}', f);
	}
	fputc('}', f);
}

static void put_event(FILE *f, const trace_event *ev, bool riscv)
{
	fprintf(f, "{\"seq\":%" PRIu64 ",\"icount\":%" PRIu64 ",\"hart\":%u,\"kind\":", ev->seq,
		ev->icount, ev->hart);
	put_str(f, ev->kind);
	fputs(",\"pc\":", f);
	put_hex(f, ev->pc);
	fputs(",\"trap\":{", f);
	put_kvs(f, &ev->trap, true);
	fputc('}', f);
	if (ev->has_insn)
		put_insn(f, ev, riscv);
	if (ev->reason)
		put_exit(f, ev);
	size_t action_len = strnlen(ev->action, sizeof ev->action);
	if (action_len) {
		fputs(",\"action\":", f);
		put_strn(f, ev->action, action_len);
	}
	if (ev->has_resume) {
		fputs(",\"resume_pc\":", f);
		put_hex(f, ev->resume_pc);
	}
	fputc('}', f);
}

/* The header keys, without the closing brace. */
static void put_header(FILE *f, const trace_header *hdr)
{
	fprintf(f, "{\"format\":\"%s\",\"version\":%d,\"arch\":", TRACE_FORMAT, TRACE_VERSION);
	put_str(f, hdr->arch);
	fputs(",\"machine\":", f);
	put_str(f, hdr->machine);
	fputs(",\"guest\":", f);
	put_str(f, hdr->guest);
}

/* Counts only: host times would make two runs differ. */
static void put_summary(FILE *f, const trace_stats *st)
{
	fprintf(f,
		"{\"instructions\":%" PRIu64 ",\"exits\":%" PRIu64 ",\"guest_traps\":%" PRIu64
		",\"by_reason\":{",
		st->instructions, st->exits, st->guest_traps);
	for (unsigned i = 0; i < st->nreasons; i++) {
		put_key(f, st->reason[i].name, i == 0);
		fprintf(f, "%" PRIu64, st->reason[i].count);
	}
	fputs("}}", f);
}

/* ---- files ----------------------------------------------------------------------------- */

static void set_error(char *err, size_t errlen, const char *path, int error)
{
	snprintf(err, errlen, "%s: %s", path, strerror(error));
}

/* Notes the first write error; true while there is none. errno was cleared before the writes
 * being checked, so a nonzero errno is theirs. */
static bool check_io(trace_writer *w)
{
	if (!w->error && ferror(w->f))
		w->error = errno ? errno : EIO;
	return w->error == 0;
}

/* JSON Lines end every line with a flush: a killed run keeps each finished line. */
static bool end_line(trace_writer *w)
{
	fputc('\n', w->f);
	if (fflush(w->f) != 0 && !w->error)
		w->error = errno ? errno : EIO;
	return check_io(w);
}

/* mkstemp beside the target, so that rename() stays within one file system. */
static bool open_temp(trace_writer *w)
{
	size_t n = strlen(w->path);
	w->tmp = malloc(n + sizeof ".XXXXXX");
	if (!w->tmp)
		return false;
	memcpy(w->tmp, w->path, n);
	memcpy(w->tmp + n, ".XXXXXX", sizeof ".XXXXXX");
	int fd = mkstemp(w->tmp);
	if (fd < 0)
		return false;
	/* mkstemp makes the file private; give it the mode fopen would have */
	mode_t mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) == 0 && (w->f = fdopen(fd, "w")) != NULL)
		return true;
	int e = errno;
	close(fd);
	unlink(w->tmp);
	errno = e;
	return false;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static void free_writer(trace_writer *w)
{
	free(w->tmp);
	free(w->path);
	free(w);
}

/* Opens the file of w->path; false with errno set. */
static bool open_file(trace_writer *w)
{
	if (strcmp(w->path, "-") == 0) {
		w->f = stdout;
		w->jsonl = true;
		return true;
	}
	if (ends_with(w->path, ".jsonl")) {
		w->jsonl = true;
		w->f = fopen(w->path, "w");
		return w->f != NULL;
	}
	/* rename() would refuse a directory only at the end of the run */
	struct stat st;
	if (stat(w->path, &st) == 0 && S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		return false;
	}
	return open_temp(w);
}

trace_writer *trace_open(const char *path, const trace_header *hdr, char *err, size_t errlen)
{
	trace_writer *w = calloc(1, sizeof *w);
	if (!w || !(w->path = strdup(path))) {
		free(w);
		set_error(err, errlen, path, ENOMEM);
		return NULL;
	}
	w->riscv = hdr->arch && strcmp(hdr->arch, "riscv64") == 0;
	if (!open_file(w)) {
		set_error(err, errlen, path, errno);
		free_writer(w);
		return NULL;
	}
	errno = 0;
	put_header(w->f, hdr);
	if (w->jsonl) {
		fputc('}', w->f);
		end_line(w);
	} else {
		fputs(",\"events\":[", w->f);
		check_io(w);
	}
	if (w->error) {
		set_error(err, errlen, path, w->error);
		trace_abort(w);
		return NULL;
	}
	return w;
}

bool trace_write(trace_writer *w, const trace_event *ev)
{
	errno = 0;
	/* a document keeps one event per line too, for grep and line-based diff */
	if (!w->jsonl)
		fputs(w->events ? ",\n" : "\n", w->f);
	w->events++;
	put_event(w->f, ev, w->riscv);
	trace_stats_add(&w->tally, ev->kind, ev->reason, 0);
	return w->jsonl ? end_line(w) : check_io(w);
}

/* Closes the stream (never standard output) and moves a document into place. */
static bool finish_file(trace_writer *w)
{
	if (w->f == stdout) {
		if (fflush(stdout) != 0 && !w->error)
			w->error = errno ? errno : EIO;
	} else if (fclose(w->f) != 0 && !w->error) {
		w->error = errno ? errno : EIO;
	}
	w->f = NULL;
	if (w->tmp && !w->error && rename(w->tmp, w->path) != 0)
		w->error = errno;
	if (w->tmp && w->error)
		unlink(w->tmp);
	return w->error == 0;
}

bool trace_close(trace_writer *w, const trace_stats *st, char *err, size_t errlen)
{
	errno = 0;
	fputs(w->jsonl ? "{\"summary\":" : "\n],\"summary\":", w->f);
	put_summary(w->f, st ? st : &w->tally);
	fputc('}', w->f);
	if (w->jsonl)
		end_line(w);
	else
		fputc('\n', w->f);
	check_io(w);
	bool ok = finish_file(w);
	if (!ok)
		set_error(err, errlen, w->path, w->error);
	free_writer(w);
	return ok;
}

void trace_abort(trace_writer *w)
{
	if (!w)
		return;
	if (w->f && w->f != stdout)
		fclose(w->f);
	if (w->tmp)
		unlink(w->tmp);
	free_writer(w);
}
