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
	TRACE_HEX,	 /* u as "0x…" */
	TRACE_UINT,	 /* u as a JSON number (small values: codes, widths, counts) */
	TRACE_INT,	 /* i as a JSON number */
	TRACE_STR,	 /* s */
	TRACE_BOOL,	 /* b */
	TRACE_HEX_LIST,	 /* list[0..count) as hex strings */
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

#define TRACE_MAX_KV 16

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
	uint32_t insn_raw;
	char insn_text[96];
	const char *reason; /* "exit"."reason"; NULL for guest traps (no "exit" object) */
	trace_kvlist exit;  /* the reason's fields, after "reason" */
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
 * that traces read back from files need no table. */
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

/* Counts an event; ns = host time spent handling it (0 = not measured). */
void trace_stats_add(trace_stats *st, const char *kind, const char *reason, uint64_t ns);
/* The table `perf kvm stat` would print: reason, count, share, and cost when measured. */
void trace_stats_print(const trace_stats *st, void *file /* FILE * */);

/* Writes a trace. A path ending in ".jsonl" streams JSON Lines (header line, one event per
 * line, flushed; a summary line at close); anything else is one JSON document written to a
 * temporary file in the same directory and renamed into place by trace_close, so a failed or
 * killed run never leaves a partial document. Memory stays flat in both modes. */
typedef struct trace_writer trace_writer;
trace_writer *trace_open(const char *path, const trace_header *hdr, char *err, size_t errlen);
bool trace_write(trace_writer *w, const trace_event *ev);
/* Adds "summary" from st and finishes the file. false with err on an I/O error (the temporary
 * file is removed). Frees w in every case. */
bool trace_close(trace_writer *w, const trace_stats *st, char *err, size_t errlen);
/* Gives up: removes the temporary file (JSON Lines keep their whole lines). Frees w. */
void trace_abort(trace_writer *w);

/* Reads a trace written by trace_open (either format). Calls fn for each event as a cJSON
 * object (the callback must not keep it); fn returns false to stop. The header and summary
 * objects are returned through hdr/summary when not NULL (caller frees with cJSON_Delete). */
struct cJSON;
typedef bool trace_event_fn(void *ctx, const struct cJSON *event, uint64_t index);
bool trace_read(const char *path, trace_event_fn *fn, void *ctx, struct cJSON **hdr,
		struct cJSON **summary, char *err, size_t errlen);

#endif
