/* Exit and trap events, and the JSON exit-trace format (see man/trapscope-trace.5 and
 * traces/trace.schema.json).
 *
 * An event is a flat record of typed key/value lists so that both architectures and every exit
 * reason share one writer: the producer (cli) fills the lists in the order the keys should
 * appear. Every 64-bit value is written as a hex string. Nothing here knows emulator or
 * hypervisor types.
 */
#ifndef TRAPSCOPE_TRACE_H
#define TRAPSCOPE_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TRACE_FORMAT  "trapscope-trace"
#define TRACE_VERSION 1

typedef enum trace_vtype {
	TRACE_HEX,	/* u as "0x…" */
	TRACE_UINT,	/* u as a JSON number (small values: codes, widths, counts) */
	TRACE_INT,	/* i as a JSON number */
	TRACE_STR,	/* s; NULL is written as null */
	TRACE_BOOL,	/* b */
	TRACE_HEX_LIST, /* list[0..count) as hex strings */
} trace_vtype;

typedef struct trace_kv {
	const char *key; /* static string */
	trace_vtype type;
	uint64_t u;
	int64_t i;
	const char *s; /* must stay valid until the event is written */
	bool b;
	const uint64_t *list;
	unsigned count;
} trace_kv;

#define TRACE_MAX_KV 32

typedef struct trace_kvlist {
	unsigned n;
	trace_kv kv[TRACE_MAX_KV];
} trace_kvlist;

/* Appenders: return false (and append nothing) when the list is full. */
bool trace_add_hex(trace_kvlist *l, const char *key, uint64_t v);
bool trace_add_uint(trace_kvlist *l, const char *key, uint64_t v);
bool trace_add_int(trace_kvlist *l, const char *key, int64_t v);
bool trace_add_str(trace_kvlist *l, const char *key, const char *s);
bool trace_add_bool(trace_kvlist *l, const char *key, bool b);
bool trace_add_hex_list(trace_kvlist *l, const char *key, const uint64_t *v, unsigned count);

typedef struct trace_event {
	uint64_t seq;
	uint64_t icount;
	unsigned hart;
	const char *kind; /* "exit" or "guest_trap" */
	uint64_t pc;
	trace_kvlist trap; /* "trap": cause, code, interrupt, name, tval, htval, htinst, gpa, … */
	bool has_insn;
	uint32_t insn_raw; /* written as 8 hex digits, 4 for a compressed RISC-V instruction */
	char insn_text[96];
	const char *reason;    /* "exit"."reason"; NULL for guest traps (no "exit" object) */
	trace_kvlist exit;     /* the reason's fields, after "reason" */
	const char *call_name; /* nested object inside "exit" ("sbi", "psci"), or NULL */
	trace_kvlist call;
	char action[192]; /* "" = no "action" key */
	bool has_resume;
	uint64_t resume_pc;
} trace_event;

/* The document header. */
typedef struct trace_header {
	const char *arch;    /* "riscv64", "aarch64" */
	const char *machine; /* "virt", "bare" */
	const char *guest;   /* the program as given on the command line */
} trace_header;

/* Per-reason statistics, shared by `run --stats` and `trace stats`. Reasons are strings so
 * that traces read back from files need no table. Start from all zeroes; set instructions
 * directly. reason[] is kept sorted by count (descending), then name. */
#define TRACE_MAX_REASONS 32
typedef struct trace_stats {
	uint64_t instructions;
	uint64_t exits;
	uint64_t guest_traps;
	unsigned nreasons;
	struct trace_reason_stats {
		char name[32];
		uint64_t count;
		uint64_t ns_total, ns_min, ns_max; /* host handling cost; 0 when unmeasured */
	} reason[TRACE_MAX_REASONS];
} trace_stats;

/* Counts an event; ns = host time spent handling it (0 = not measured). kind "exit" counts
 * under reason ("(none)" when NULL; names are cut to 31 bytes; reasons past the 31st share
 * one "(other)" row), "guest_trap" counts as a guest trap, other kinds are ignored. */
void trace_stats_add(trace_stats *st, const char *kind, const char *reason, uint64_t ns);
/* The table `perf kvm stat` would print: reason, count, share, and cost when measured
 * (time%, min, max, avg in µs, only when some ns is not 0); a total row; then the
 * instruction and guest-trap counts. */
void trace_stats_print(const trace_stats *st, void *file /* FILE * */);

/* Writes a trace. A path ending in ".jsonl" streams JSON Lines (header line, one event per
 * line, flushed; a summary line at close); "-" streams JSON Lines to standard output; anything
 * else is one JSON document (one event per line) written to a temporary file "<path>.XXXXXX"
 * in the same directory and renamed into place by trace_close, so a failed or killed run never
 * leaves a partial document. Memory stays flat in both modes. Errors name the path. */
typedef struct trace_writer trace_writer;
trace_writer *trace_open(const char *path, const trace_header *hdr, char *err, size_t errlen);
/* false once a write has failed; trace_close then reports why. */
bool trace_write(trace_writer *w, const trace_event *ev);
/* Adds "summary" from st (NULL: counts of the events written, 0 instructions; host times are
 * never written) and finishes the file. false with err on an I/O error (the temporary file is
 * removed). Frees w in every case. */
bool trace_close(trace_writer *w, const trace_stats *st, char *err, size_t errlen);
/* Gives up: removes the temporary file (JSON Lines keep their whole lines). Frees w; NULL is
 * ignored. */
void trace_abort(trace_writer *w);

/* Reads a trace written by trace_open (either format). Calls fn for each event as a cJSON
 * object (the callback must not keep it); fn returns false to stop. The header and summary
 * objects are returned through hdr/summary when not NULL (caller frees with cJSON_Delete;
 * *summary is NULL when the trace has none or fn stopped early). Errors name the file, then
 * the line (JSON Lines) or event index (document) and the problem. "-" reads standard input. */
struct cJSON;
typedef bool trace_event_fn(void *ctx, const struct cJSON *event, uint64_t index);
bool trace_read(const char *path, trace_event_fn *fn, void *ctx, struct cJSON **hdr,
		struct cJSON **summary, char *err, size_t errlen);
/* The same from memory: buf[0..len) need not be NUL-terminated; name is used in errors. */
bool trace_read_buffer(const char *name, const char *buf, size_t len, trace_event_fn *fn, void *ctx,
		       struct cJSON **hdr, struct cJSON **summary, char *err, size_t errlen);

/* The reader underneath trace_read, one event at a time, so that two traces can be walked
 * side by side. Open checks the header; buf is used in place and must outlive the reader. */
typedef struct trace_reader trace_reader;
trace_reader *trace_reader_open(const char *path, char *err, size_t errlen);
trace_reader *trace_reader_open_buffer(const char *name, const char *buf, size_t len, char *err,
				       size_t errlen);
/* 1: *event is the next event, valid until the next call; 0: no more events; -1: bad input
 * (err says where and why; the reader is finished). */
int trace_reader_next(trace_reader *r, const struct cJSON **event, char *err, size_t errlen);
/* The header keys (format, version, arch, machine, guest) as an object. */
const struct cJSON *trace_reader_header(const trace_reader *r);
/* The summary object once trace_reader_next returned 0; NULL when the trace has none (a
 * JSON Lines trace of a run that was killed). */
const struct cJSON *trace_reader_summary(const trace_reader *r);
void trace_reader_close(trace_reader *r);

/* Compares two JSON values and writes one line per difference to out (FILE *; NULL only
 * counts): "  PATH: A != B", "  PATH: only in A". Object keys are matched by name, arrays by
 * position; PATH joins keys with '.' and indexes with [i] below path. Returns the count. */
unsigned trace_diff_value(const struct cJSON *a, const struct cJSON *b, const char *path,
			  void *out);
/* Compares two traces: arch and machine (a different guest is shown but not counted), then
 * the events in order up to the first that differs, field by field (later events are read,
 * to check them, but not compared); when none differs, the count of extra events and the
 * summaries. Writes the report to out (FILE *), nothing when identical. Returns 0 identical,
 * 1 different, -1 bad input anywhere in either trace (err set, nothing written). */
int trace_diff(trace_reader *a, trace_reader *b, void *out, char *err, size_t errlen);

#endif
