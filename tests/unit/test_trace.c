/* Exit traces: the writer's exact bytes for every event shape, both formats, what is left on
 * disk after aborts and I/O errors, the reader's round trip and its error messages,
 * statistics and differences. Expected texts are written by hand from the format in
 * man/trapscope-trace.5; the sample traces in traces/examples/ must be what the writer
 * produces for the same events. */
#include "trace/trace.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];
static char err[512];

/* ---- helpers --------------------------------------------------------------------------- */

static void make_dir(void)
{
	snprintf(dir, sizeof dir, "/tmp/test_trace.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[600];
	while (d && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (unlink(path) != 0)
			rmdir(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static const char *in_dir(const char *name)
{
	static char path[4][600];
	static unsigned next;
	char *p = path[next++ % 4];
	snprintf(p, sizeof path[0], "%s/%s", dir, name);
	return p;
}

/* The names in dir, sorted, joined by spaces. */
static const char *dir_listing(void)
{
	static char list[1024];
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	ck_assert_int_ge(n, 0);
	list[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.')
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
				 list[0] ? " " : "", names[i]->d_name);
		free(names[i]);
	}
	free(names);
	return list;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	char buf[4096];
	size_t got;
	while ((got = fread(buf, 1, sizeof buf, f)) > 0)
		fwrite(buf, 1, got, m);
	fclose(m);
	fclose(f);
	return text;
}

static void set_insn(trace_event *e, uint32_t raw, const char *text)
{
	e->has_insn = true;
	e->insn_raw = raw;
	snprintf(e->insn_text, sizeof e->insn_text, "%s", text);
}

static void set_resume(trace_event *e, uint64_t pc)
{
	e->has_resume = true;
	e->resume_pc = pc;
}

/* cause, code, interrupt, name: the head of every RISC-V trap object */
static void trap_head(trace_event *e, uint64_t cause, const char *name)
{
	trace_add_hex(&e->trap, "cause", cause);
	trace_add_uint(&e->trap, "code", cause & 0xff);
	trace_add_bool(&e->trap, "interrupt", cause >> 63);
	trace_add_str(&e->trap, "name", name);
}

static void guest_page_fault(trace_event *e, uint64_t cause, const char *name, uint64_t gpa,
			     uint64_t htinst)
{
	trap_head(e, cause, name);
	trace_add_hex(&e->trap, "tval", gpa);
	trace_add_hex(&e->trap, "htval", gpa >> 2);
	trace_add_hex(&e->trap, "htinst", htinst);
	trace_add_hex(&e->trap, "gpa", gpa);
	trace_add_bool(&e->trap, "gva", true);
	trace_add_hex(&e->trap, "hstatus", 0x2000001c0);
}

static void ecall_trap(trace_event *e, uint64_t cause, const char *name)
{
	trap_head(e, cause, name);
	trace_add_hex(&e->trap, "tval", 0);
	trace_add_hex(&e->trap, "htval", 0);
	trace_add_hex(&e->trap, "htinst", 0);
	trace_add_hex(&e->trap, "hstatus", 0x200000180);
}

static void sbi_call(trace_event *e, uint64_t eid, const char *ext, const char *function)
{
	e->call_name = "sbi";
	trace_add_hex(&e->call, "eid", eid);
	trace_add_str(&e->call, "ext", ext);
	trace_add_uint(&e->call, "fid", 0);
	trace_add_str(&e->call, "function", function);
}

/* ---- the events of traces/examples/ ----------------------------------------------------- */

static trace_event ev_mmio_write(void)
{
	trace_event e = {.seq = 0, .icount = 1234, .kind = "exit", .pc = 0x80000010};
	guest_page_fault(&e, 0x17, "store/AMO guest-page fault", 0x10000000, 0xb02023);
	set_insn(&e, 0x00b52023, "sw a1,0(a0)");
	e.reason = "mmio_write";
	trace_add_hex(&e.exit, "addr", 0x10000000);
	trace_add_uint(&e.exit, "width", 4);
	trace_add_hex(&e.exit, "data", 0x41);
	snprintf(e.action, sizeof e.action, "uart0: THR <- 0x41 'A'");
	set_resume(&e, 0x80000014);
	return e;
}

static trace_event ev_dbcn(void)
{
	trace_event e = {.seq = 0, .icount = 57, .kind = "exit", .pc = 0x80000040};
	ecall_trap(&e, 0xa, "environment call from VS-mode");
	set_insn(&e, 0x73, "ecall");
	e.reason = "nothing";
	sbi_call(&e, 0x4442434e, "DBCN", "debug_console_write");
	trace_add_int(&e.call, "error", 0);
	trace_add_hex(&e.call, "value", 6);
	snprintf(e.action, sizeof e.action, "console: \"hello\\n\"");
	set_resume(&e, 0x80000044);
	return e;
}

static trace_event ev_mmio_read(void)
{
	trace_event e = {.seq = 1, .icount = 80, .kind = "exit", .pc = 0x80000060};
	guest_page_fault(&e, 0x15, "load guest-page fault", 0x10000005, 0x4503);
	set_insn(&e, 0x0055c503, "lbu a0,5(a1)");
	e.reason = "mmio_read";
	trace_add_hex(&e.exit, "addr", 0x10000005);
	trace_add_uint(&e.exit, "width", 1);
	trace_add_str(&e.exit, "reg", "a0");
	trace_add_bool(&e.exit, "sign_extend", false);
	trace_add_hex(&e.exit, "value", 0x60);
	snprintf(e.action, sizeof e.action, "uart0: LSR -> 0x60");
	set_resume(&e, 0x80000064);
	return e;
}

static trace_event ev_shutdown(void)
{
	trace_event e = {.seq = 2, .icount = 90, .kind = "exit", .pc = 0x80000070};
	ecall_trap(&e, 0xa, "environment call from VS-mode");
	set_insn(&e, 0x73, "ecall");
	e.reason = "system_down";
	sbi_call(&e, 0x53525354, "SRST", "system_reset");
	snprintf(e.action, sizeof e.action, "machine: power off");
	return e;
}

static trace_event ev_guest_trap(void)
{
	trace_event e = {.seq = 0, .icount = 5012, .kind = "guest_trap", .pc = 0x10078};
	trap_head(&e, 0xd, "load page fault");
	trace_add_hex(&e.trap, "tval", 0);
	set_insn(&e, 0x00052503, "lw a0,0(a0)");
	snprintf(e.action, sizeof e.action,
		 "delegated to the guest (hedeleg bit 13): enters vstvec");
	set_resume(&e, 0x80200100);
	return e;
}

static trace_event ev_hypercall(void)
{
	static const uint64_t args[6] = {0x80201000, 0x100};
	trace_event e = {.seq = 1, .icount = 5230, .kind = "exit", .pc = 0x80200200};
	ecall_trap(&e, 0xa, "environment call from VS-mode");
	set_insn(&e, 0x73, "ecall");
	e.reason = "hypercall";
	trace_add_hex(&e.exit, "nr", 1);
	trace_add_hex_list(&e.exit, "args", args, 6);
	set_resume(&e, 0x80200204);
	return e;
}

static trace_event ev_compressed_store(void)
{
	trace_event e = {.seq = 2, .icount = 5400, .hart = 1, .kind = "exit", .pc = 0x80200300};
	guest_page_fault(&e, 0x17, "store/AMO guest-page fault", 0x10000000, 0xb02021);
	set_insn(&e, 0xc10c, "sw a1,0(a0)");
	e.reason = "mmio_write";
	trace_add_hex(&e.exit, "addr", 0x10000000);
	trace_add_uint(&e.exit, "width", 4);
	trace_add_hex(&e.exit, "data", 0xa);
	snprintf(e.action, sizeof e.action, "uart0: THR <- 0xa '\\n'");
	set_resume(&e, 0x80200302);
	return e;
}

static trace_event ev_timer(void)
{
	trace_event e = {.seq = 3, .icount = 6000, .kind = "exit", .pc = 0x80200210};
	ecall_trap(&e, 0x8000000000000005, "supervisor timer interrupt");
	e.reason = "nothing";
	snprintf(e.action, sizeof e.action, "timer: VSTIP set for the guest");
	set_resume(&e, 0x80200210);
	return e;
}

/* Writes events to path with a summary counted from them; false with err on failure. */
static bool write_trace(const char *path, const char *guest, const trace_event *evs, unsigned n,
			uint64_t instructions)
{
	const trace_header hdr = {"riscv64", "virt", guest};
	trace_stats st = {.instructions = instructions};
	trace_writer *w = trace_open(path, &hdr, err, sizeof err);
	if (!w)
		return false;
	for (unsigned i = 0; i < n; i++) {
		trace_stats_add(&st, evs[i].kind, evs[i].reason, 0);
		if (!trace_write(w, &evs[i])) {
			trace_abort(w);
			return false;
		}
	}
	return trace_close(w, &st, err, sizeof err);
}

static void write_example(const char *name)
{
	if (strcmp(name, "mmio_write.json") == 0) {
		trace_event ev[] = {ev_mmio_write()};
		ck_assert_msg(write_trace(in_dir(name), "uart_hello.elf", ev, 1, 1240), "%s", err);
	} else if (strcmp(name, "sbi_dbcn.jsonl") == 0) {
		trace_event ev[] = {ev_dbcn(), ev_mmio_read(), ev_shutdown()};
		ck_assert_msg(write_trace(in_dir(name), "hello.elf", ev, 3, 90), "%s", err);
	} else {
		trace_event ev[] = {ev_guest_trap(), ev_hypercall(), ev_compressed_store(),
				    ev_timer()};
		ck_assert_msg(write_trace(in_dir(name), "user_fault.elf", ev, 4, 6100), "%s", err);
	}
}

/* ---- appenders ------------------------------------------------------------------------- */

START_TEST(appenders_stop_at_a_full_list)
{
	trace_kvlist l = {0};
	for (unsigned i = 0; i < TRACE_MAX_KV; i++)
		ck_assert(trace_add_uint(&l, "n", i));
	ck_assert(!trace_add_hex(&l, "x", 1));
	ck_assert(!trace_add_str(&l, "s", "x"));
	ck_assert(!trace_add_bool(&l, "b", true));
	ck_assert(!trace_add_int(&l, "i", -1));
	ck_assert(!trace_add_hex_list(&l, "l", NULL, 0));
	ck_assert_uint_eq(l.n, TRACE_MAX_KV);
	ck_assert_uint_eq(l.kv[TRACE_MAX_KV - 1].u, TRACE_MAX_KV - 1);
	ck_assert_int_eq(l.kv[0].type, TRACE_UINT);
}
END_TEST

/* ---- writer ---------------------------------------------------------------------------- */

static const char mmio_write_doc[] =
    "{\"format\":\"trapscope-trace\",\"version\":1,\"arch\":\"riscv64\",\"machine\":\"virt\","
    "\"guest\":\"uart_hello.elf\",\"events\":[\n"
    "{\"seq\":0,\"icount\":1234,\"hart\":0,\"kind\":\"exit\",\"pc\":\"0x80000010\","
    "\"trap\":{\"cause\":\"0x17\",\"code\":23,\"interrupt\":false,"
    "\"name\":\"store/AMO guest-page fault\",\"tval\":\"0x10000000\",\"htval\":\"0x4000000\","
    "\"htinst\":\"0xb02023\",\"gpa\":\"0x10000000\",\"gva\":true,\"hstatus\":\"0x2000001c0\"},"
    "\"insn\":{\"raw\":\"0x00b52023\",\"text\":\"sw a1,0(a0)\"},"
    "\"exit\":{\"reason\":\"mmio_write\",\"addr\":\"0x10000000\",\"width\":4,\"data\":\"0x41\"},"
    "\"action\":\"uart0: THR <- 0x41 'A'\",\"resume_pc\":\"0x80000014\"}\n"
    "],\"summary\":{\"instructions\":1240,\"exits\":1,\"guest_traps\":0,"
    "\"by_reason\":{\"mmio_write\":1}}}\n";

START_TEST(document_of_an_mmio_write)
{
	write_example("mmio_write.json");
	char *text = slurp(in_dir("mmio_write.json"));
	ck_assert_str_eq(text, mmio_write_doc);
	free(text);
	ck_assert_str_eq(dir_listing(), "mmio_write.json");
}
END_TEST

START_TEST(json_lines_of_sbi_calls_and_an_mmio_read)
{
	write_example("sbi_dbcn.jsonl");
	char *text = slurp(in_dir("sbi_dbcn.jsonl"));
	ck_assert_str_eq(
	    text,
	    "{\"format\":\"trapscope-trace\",\"version\":1,\"arch\":\"riscv64\","
	    "\"machine\":\"virt\",\"guest\":\"hello.elf\"}\n"
	    "{\"seq\":0,\"icount\":57,\"hart\":0,\"kind\":\"exit\",\"pc\":\"0x80000040\","
	    "\"trap\":{\"cause\":\"0xa\",\"code\":10,\"interrupt\":false,"
	    "\"name\":\"environment call from VS-mode\",\"tval\":\"0x0\",\"htval\":\"0x0\","
	    "\"htinst\":\"0x0\",\"hstatus\":\"0x200000180\"},"
	    "\"insn\":{\"raw\":\"0x00000073\",\"text\":\"ecall\"},"
	    "\"exit\":{\"reason\":\"nothing\",\"sbi\":{\"eid\":\"0x4442434e\",\"ext\":\"DBCN\","
	    "\"fid\":0,\"function\":\"debug_console_write\",\"error\":0,\"value\":\"0x6\"}},"
	    "\"action\":\"console: \\\"hello\\\\n\\\"\",\"resume_pc\":\"0x80000044\"}\n"
	    "{\"seq\":1,\"icount\":80,\"hart\":0,\"kind\":\"exit\",\"pc\":\"0x80000060\","
	    "\"trap\":{\"cause\":\"0x15\",\"code\":21,\"interrupt\":false,"
	    "\"name\":\"load guest-page fault\",\"tval\":\"0x10000005\",\"htval\":\"0x4000001\","
	    "\"htinst\":\"0x4503\",\"gpa\":\"0x10000005\",\"gva\":true,"
	    "\"hstatus\":\"0x2000001c0\"},\"insn\":{\"raw\":\"0x0055c503\",\"text\":\"lbu "
	    "a0,5(a1)\"},"
	    "\"exit\":{\"reason\":\"mmio_read\",\"addr\":\"0x10000005\",\"width\":1,\"reg\":\"a0\","
	    "\"sign_extend\":false,\"value\":\"0x60\"},\"action\":\"uart0: LSR -> 0x60\","
	    "\"resume_pc\":\"0x80000064\"}\n"
	    "{\"seq\":2,\"icount\":90,\"hart\":0,\"kind\":\"exit\",\"pc\":\"0x80000070\","
	    "\"trap\":{\"cause\":\"0xa\",\"code\":10,\"interrupt\":false,"
	    "\"name\":\"environment call from VS-mode\",\"tval\":\"0x0\",\"htval\":\"0x0\","
	    "\"htinst\":\"0x0\",\"hstatus\":\"0x200000180\"},"
	    "\"insn\":{\"raw\":\"0x00000073\",\"text\":\"ecall\"},"
	    "\"exit\":{\"reason\":\"system_down\",\"sbi\":{\"eid\":\"0x53525354\",\"ext\":\"SRST\","
	    "\"fid\":0,\"function\":\"system_reset\"}},\"action\":\"machine: power off\"}\n"
	    "{\"summary\":{\"instructions\":90,\"exits\":3,\"guest_traps\":0,"
	    "\"by_reason\":{\"mmio_read\":1,\"nothing\":1,\"system_down\":1}}}\n");
	free(text);
}
END_TEST

START_TEST(guest_trap_hypercall_compressed_and_interrupt)
{
	write_example("guest_trap.json");
	char *text = slurp(in_dir("guest_trap.json"));
	/* a guest trap has no "exit"; a compressed instruction shows 4 digits; an interrupt no
	 * "insn"; a hex list is an array of hex strings */
	ck_assert_ptr_nonnull(
	    strstr(text, "\n{\"seq\":0,\"icount\":5012,\"hart\":0,\"kind\":\"guest_trap\","
			 "\"pc\":\"0x10078\",\"trap\":{\"cause\":\"0xd\",\"code\":13,"
			 "\"interrupt\":false,\"name\":\"load page fault\",\"tval\":\"0x0\"},"
			 "\"insn\":{\"raw\":\"0x00052503\",\"text\":\"lw a0,0(a0)\"},"
			 "\"action\":\"delegated to the guest (hedeleg bit 13): enters vstvec\","
			 "\"resume_pc\":\"0x80200100\"},\n"));
	ck_assert_ptr_nonnull(strstr(text, "\"exit\":{\"reason\":\"hypercall\",\"nr\":\"0x1\","
					   "\"args\":[\"0x80201000\",\"0x100\",\"0x0\",\"0x0\","
					   "\"0x0\",\"0x0\"]},\"resume_pc\":\"0x80200204\"},\n"));
	ck_assert_ptr_nonnull(strstr(text, "\"hart\":1,"));
	ck_assert_ptr_nonnull(
	    strstr(text, "\"insn\":{\"raw\":\"0xc10c\",\"text\":\"sw a1,0(a0)\"}"));
	ck_assert_ptr_nonnull(
	    strstr(text, "\"trap\":{\"cause\":\"0x8000000000000005\",\"code\":5,"
			 "\"interrupt\":true,\"name\":\"supervisor timer interrupt\","
			 "\"tval\":\"0x0\",\"htval\":\"0x0\",\"htinst\":\"0x0\","
			 "\"hstatus\":\"0x200000180\"},\"exit\":{\"reason\":\"nothing\"},"));
	ck_assert_ptr_nonnull(strstr(text, "\n],\"summary\":{\"instructions\":6100,\"exits\":3,"
					   "\"guest_traps\":1,\"by_reason\":{\"hypercall\":1,"
					   "\"mmio_write\":1,\"nothing\":1}}}\n"));
	free(text);
}
END_TEST

/* traces/examples/ hold exactly what the writer produces, so the schema checks of the
 * integration test cover the writer's output too. */
START_TEST(examples_are_writer_output)
{
	static const char *const names[] = {"mmio_write.json", "sbi_dbcn.jsonl", "guest_trap.json"};
	const char *top = getenv("top_srcdir");
	char path[1024];
	for (unsigned i = 0; i < 3; i++) {
		write_example(names[i]);
		snprintf(path, sizeof path, "%s/traces/examples/%s", top ? top : ".", names[i]);
		char *want = slurp(path), *got = slurp(in_dir(names[i]));
		ck_assert_msg(strcmp(want, got) == 0, "%s differs from the writer's output:\n%s",
			      path, got);
		free(want);
		free(got);
	}
}
END_TEST

START_TEST(empty_document_and_null_strings)
{
	const trace_header hdr = {"aarch64", "virt", NULL};
	trace_writer *w = trace_open(in_dir("e.json"), &hdr, err, sizeof err);
	ck_assert_ptr_nonnull(w);
	ck_assert(trace_close(w, NULL, err, sizeof err));
	char *text = slurp(in_dir("e.json"));
	ck_assert_str_eq(text, "{\"format\":\"trapscope-trace\",\"version\":1,\"arch\":\"aarch64\","
			       "\"machine\":\"virt\",\"guest\":null,\"events\":[\n"
			       "],\"summary\":{\"instructions\":0,\"exits\":0,\"guest_traps\":0,"
			       "\"by_reason\":{}}}\n");
	free(text);
}
END_TEST

/* Strings come from guests: quotes, control bytes and bytes that are not UTF-8 must still
 * give JSON; well-formed UTF-8 passes as it is; full text buffers need no terminator. */
START_TEST(strings_are_escaped)
{
	static const uint64_t none[1];
	trace_event e = {.seq = 7, .icount = UINT64_MAX, .hart = 3, .kind = "exit", .pc = 0};
	trace_add_str(&e.trap, "s", "q\"b\\n\n\t\x01\x7f");
	trace_add_str(&e.trap, "bad", "\xff\xc3(\xe2\x82\xac\xed\xa0\x80\xf0\x9f\x98\x80");
	trace_add_str(&e.trap, "null", NULL);
	trace_add_int(&e.trap, "neg", INT64_MIN);
	trace_add_hex_list(&e.trap, "empty", none, 0);
	e.reason = "halt";
	e.call_name = "psci";
	memset(e.action, 'x', sizeof e.action);
	memset(e.insn_text, 'y', sizeof e.insn_text);
	e.has_insn = true;
	e.insn_raw = 0xd503207f;
	const trace_header hdr = {"aarch64", "virt", "g\n"};
	trace_writer *w = trace_open(in_dir("s.jsonl"), &hdr, err, sizeof err);
	ck_assert_ptr_nonnull(w);
	ck_assert(trace_write(w, &e));
	ck_assert(trace_close(w, NULL, err, sizeof err));
	char *text = slurp(in_dir("s.jsonl"));
	char want[1024];
	snprintf(want, sizeof want,
		 "{\"format\":\"trapscope-trace\",\"version\":1,\"arch\":\"aarch64\","
		 "\"machine\":\"virt\",\"guest\":\"g\\n\"}\n"
		 "{\"seq\":7,\"icount\":18446744073709551615,\"hart\":3,\"kind\":\"exit\","
		 "\"pc\":\"0x0\",\"trap\":{\"s\":\"q\\\"b\\\\n\\n\\t\\u0001\x7f\","
		 "\"bad\":\"\\u00ff\\u00c3(\xe2\x82\xac\\u00ed\\u00a0\\u0080\xf0\x9f\x98\x80\","
		 "\"null\":null,\"neg\":-9223372036854775808,\"empty\":[]},"
		 "\"insn\":{\"raw\":\"0xd503207f\",\"text\":\"%.96s\"},"
		 "\"exit\":{\"reason\":\"halt\",\"psci\":{}},\"action\":\"%.192s\"}\n"
		 "{\"summary\":{\"instructions\":0,\"exits\":1,\"guest_traps\":0,"
		 "\"by_reason\":{\"halt\":1}}}\n",
		 e.insn_text, e.action);
	ck_assert_str_eq(text, want);
	free(text);
}
END_TEST

/* Each JSON Lines event is on disk as soon as trace_write returns: a killed run keeps it. */
START_TEST(json_lines_are_flushed_line_by_line)
{
	const trace_header hdr = {"riscv64", "virt", "g.elf"};
	trace_writer *w = trace_open(in_dir("f.jsonl"), &hdr, err, sizeof err);
	ck_assert_ptr_nonnull(w);
	trace_event ev = ev_mmio_write();
	for (unsigned i = 1; i <= 3; i++) {
		ev.seq = i;
		ck_assert(trace_write(w, &ev));
		char *text = slurp(in_dir("f.jsonl"));
		unsigned lines = 0;
		for (const char *p = text; *p; p++)
			lines += *p == '\n';
		ck_assert_uint_eq(lines, i + 1);
		ck_assert_int_eq(text[strlen(text) - 1], '\n');
		free(text);
	}
	trace_abort(w); /* keeps the whole lines */
	char *text = slurp(in_dir("f.jsonl"));
	ck_assert_ptr_null(strstr(text, "summary"));
	ck_assert_ptr_nonnull(strstr(text, "{\"seq\":3,"));
	free(text);
}
END_TEST

START_TEST(abort_leaves_no_document)
{
	const trace_header hdr = {"riscv64", "virt", "g.elf"};
	trace_writer *w = trace_open(in_dir("t.json"), &hdr, err, sizeof err);
	ck_assert_ptr_nonnull(w);
	trace_event ev = ev_mmio_write();
	ck_assert(trace_write(w, &ev));
	/* only the temporary file, until now */
	ck_assert_int_eq(strncmp(dir_listing(), "t.json.", 7), 0);
	ck_assert_int_eq(strlen(dir_listing()), strlen("t.json.XXXXXX"));
	trace_abort(w);
	ck_assert_str_eq(dir_listing(), "");
	trace_abort(NULL);
}
END_TEST

START_TEST(open_in_a_missing_directory_fails_cleanly)
{
	const trace_header hdr = {"riscv64", "virt", "g.elf"};
	const char *paths[] = {in_dir("no/t.json"), in_dir("no/t.jsonl")};
	for (unsigned i = 0; i < 2; i++) {
		char want[700];
		ck_assert_ptr_null(trace_open(paths[i], &hdr, err, sizeof err));
		snprintf(want, sizeof want, "%s: No such file or directory", paths[i]);
		ck_assert_str_eq(err, want);
	}
	ck_assert_str_eq(dir_listing(), "");
}
END_TEST

/* A directory is refused at once; one that appears while the run goes on makes rename()
 * fail at close: the error names the path and the temporary file goes away. */
START_TEST(a_directory_is_no_document)
{
	const trace_header hdr = {"riscv64", "virt", "g.elf"};
	char want[700];
	snprintf(want, sizeof want, "%s: Is a directory", in_dir("d"));
	ck_assert_int_eq(mkdir(in_dir("d"), 0755), 0);
	ck_assert_ptr_null(trace_open(in_dir("d"), &hdr, err, sizeof err));
	ck_assert_str_eq(err, want);
	ck_assert_str_eq(dir_listing(), "d");
	trace_writer *w = trace_open(in_dir("d/t.json"), &hdr, err, sizeof err);
	ck_assert_ptr_nonnull(w);
	ck_assert_int_eq(mkdir(in_dir("d/t.json"), 0755), 0);
	ck_assert(!trace_close(w, NULL, err, sizeof err));
	snprintf(want, sizeof want, "%s: Is a directory", in_dir("d/t.json"));
	ck_assert_str_eq(err, want);
	ck_assert_int_eq(rmdir(in_dir("d/t.json")), 0);
	ck_assert_int_eq(rmdir(in_dir("d")), 0); /* so it was empty: no temporary file left */
}
END_TEST

START_TEST(write_errors_are_reported)
{
	const trace_header hdr = {"riscv64", "virt", "g.elf"};
	ck_assert_int_eq(symlink("/dev/full", in_dir("full.jsonl")), 0);
	ck_assert_ptr_null(trace_open(in_dir("full.jsonl"), &hdr, err, sizeof err));
	char want[700];
	snprintf(want, sizeof want, "%s: No space left on device", in_dir("full.jsonl"));
	ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(documents_get_the_usual_file_mode)
{
	umask(027);
	write_example("mmio_write.json");
	struct stat st;
	ck_assert_int_eq(stat(in_dir("mmio_write.json"), &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0640);
}
END_TEST

START_TEST(same_events_same_bytes)
{
	const char *names[] = {"a.json", "b.json", "a.jsonl", "b.jsonl"};
	trace_event ev[] = {ev_guest_trap(), ev_hypercall(), ev_compressed_store(), ev_timer()};
	for (unsigned i = 0; i < 4; i++)
		ck_assert_msg(write_trace(in_dir(names[i]), "g.elf", ev, 4, 99), "%s", err);
	for (unsigned i = 0; i < 4; i += 2) {
		char *a = slurp(in_dir(names[i])), *b = slurp(in_dir(names[i + 1]));
		ck_assert_str_eq(a, b);
		free(a);
		free(b);
	}
}
END_TEST

/* ---- reader ---------------------------------------------------------------------------- */

typedef struct collected {
	cJSON *events; /* array of copies */
	uint64_t next_index;
	uint64_t stop_after;
} collected;

static bool collect(void *ctx, const cJSON *event, uint64_t index)
{
	collected *c = ctx;
	ck_assert_uint_eq(index, c->next_index++);
	cJSON_AddItemToArray(c->events, cJSON_Duplicate(event, true));
	return c->next_index != c->stop_after;
}

static cJSON *read_events(const char *path, cJSON **hdr, cJSON **summary)
{
	collected c = {cJSON_CreateArray(), 0, 0};
	ck_assert_msg(trace_read(path, collect, &c, hdr, summary, err, sizeof err), "%s", err);
	return c.events;
}

START_TEST(both_formats_read_back_the_same)
{
	trace_event ev[] = {ev_guest_trap(), ev_hypercall(), ev_compressed_store(), ev_timer()};
	ck_assert(write_trace(in_dir("t.json"), "g.elf", ev, 4, 6100));
	ck_assert(write_trace(in_dir("t.jsonl"), "g.elf", ev, 4, 6100));
	cJSON *hdr_doc, *sum_doc, *hdr_lines, *sum_lines;
	cJSON *doc = read_events(in_dir("t.json"), &hdr_doc, &sum_doc);
	cJSON *lines = read_events(in_dir("t.jsonl"), &hdr_lines, &sum_lines);
	ck_assert_int_eq(cJSON_GetArraySize(doc), 4);
	ck_assert(cJSON_Compare(doc, lines, true));
	ck_assert(cJSON_Compare(hdr_doc, hdr_lines, true));
	ck_assert(cJSON_Compare(sum_doc, sum_lines, true));
	ck_assert_str_eq(cJSON_GetObjectItem(hdr_doc, "guest")->valuestring, "g.elf");
	ck_assert_ptr_null(cJSON_GetObjectItem(hdr_doc, "events"));
	ck_assert_int_eq(cJSON_GetObjectItem(sum_doc, "guest_traps")->valueint, 1);
	const cJSON *third = cJSON_GetArrayItem(doc, 2);
	ck_assert_str_eq(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(third, "insn"), "raw")->valuestring, "0xc10c");
	ck_assert_int_eq(cJSON_GetObjectItem(third, "hart")->valueint, 1);
	cJSON *all[] = {doc, lines, hdr_doc, sum_doc, hdr_lines, sum_lines};
	for (unsigned i = 0; i < 6; i++)
		cJSON_Delete(all[i]);
}
END_TEST

START_TEST(the_callback_can_stop_early)
{
	trace_event ev[] = {ev_guest_trap(), ev_hypercall(), ev_compressed_store(), ev_timer()};
	ck_assert(write_trace(in_dir("t.jsonl"), "g.elf", ev, 4, 1));
	collected c = {cJSON_CreateArray(), 0, 2};
	cJSON *summary = NULL;
	ck_assert(trace_read(in_dir("t.jsonl"), collect, &c, NULL, &summary, err, sizeof err));
	ck_assert_int_eq(cJSON_GetArraySize(c.events), 2);
	ck_assert_ptr_null(summary);
	cJSON_Delete(c.events);
}
END_TEST

/* A killed run leaves JSON Lines without a summary: still a readable trace. */
START_TEST(json_lines_without_summary_are_read)
{
	static const char text[] =
	    "\n{\"format\":\"trapscope-trace\",\"version\":1,\"arch\":\"riscv64\"}\r\n"
	    "{\"seq\":0,\"kind\":\"exit\"}\n\n"
	    "{\"seq\":1,\"kind\":\"guest_trap\"}";
	collected c = {cJSON_CreateArray(), 0, 0};
	cJSON *hdr = NULL, *summary = (cJSON *)1;
	ck_assert_msg(trace_read_buffer("t", text, sizeof text - 1, collect, &c, &hdr, &summary,
					err, sizeof err),
		      "%s", err);
	ck_assert_int_eq(cJSON_GetArraySize(c.events), 2);
	ck_assert_ptr_null(summary);
	ck_assert_str_eq(cJSON_GetObjectItem(hdr, "arch")->valuestring, "riscv64");
	cJSON_Delete(hdr);
	cJSON_Delete(c.events);
}
END_TEST

static bool ignore(void *ctx, const cJSON *event, uint64_t index)
{
	(void)ctx;
	(void)event;
	(void)index;
	return true;
}

#define DOC_HEAD   "{\"format\":\"trapscope-trace\",\"version\":1,\"events\":["
#define JSONL_HEAD "{\"format\":\"trapscope-trace\",\"version\":1}\n"

static const struct bad_input {
	const char *text;
	const char *error;
} bad_inputs[] = {
    {"", "t: empty file, not a trace"},
    {" \n\t\n", "t: empty file, not a trace"},
    {"\x7f"
     "ELF\x02\x01",
     "t: line 1: not a trapscope trace (no JSON object)"},
    {"[1,2]", "t: line 1: not a trapscope trace (no JSON object)"},
    {DOC_HEAD "\n{\"seq\":0,\"kind\":\"exit\"},\n{\"seq\":1,",
     "t: line 3: invalid JSON at column 10 (truncated?)"},
    {DOC_HEAD "{\"seq\":0,\"kind\":\"exit\"}]}\n{}", "t: line 2: unexpected text after the "
						     "JSON value at column 1"},
    {DOC_HEAD "{\"seq\":0 \"kind\":\"exit\"}]}", "t: line 1: invalid JSON at column 60"},
    {"{\"format\":\"otherscope\",\"version\":1,\"events\":[]}",
     "t: not a trapscope trace (\"format\" is not \"trapscope-trace\")"},
    {"{\"version\":1,\"events\":[]}",
     "t: not a trapscope trace (\"format\" is not \"trapscope-trace\")"},
    {"{\"format\":\"trapscope-trace\",\"version\":2,\"events\":[]}",
     "t: version 2 is not supported (this trapscope reads version 1)"},
    {"{\"format\":\"trapscope-trace\",\"version\":\"1\"}\n",
     "t: \"version\" is missing or not a number"},
    {"{\"format\":\"trapscope-trace\",\"version\":1,\"events\":{}}",
     "t: \"events\" is missing or not an array"},
    {"{\"format\":\"trapscope-trace\",\"version\":1,\"events\":[],\"summary\":[]}",
     "t: \"summary\" is not an object"},
    {DOC_HEAD "{\"seq\":0,\"kind\":\"exit\"},7]}", "t: event 1: not a JSON object"},
    {DOC_HEAD "{\"kind\":\"exit\"}]}",
     "t: event 0: \"seq\" is missing or not a non-negative integer"},
    {DOC_HEAD "{\"seq\":-1,\"kind\":\"exit\"}]}",
     "t: event 0: \"seq\" is missing or not a non-negative integer"},
    {DOC_HEAD "{\"seq\":0.5,\"kind\":\"exit\"}]}",
     "t: event 0: \"seq\" is missing or not a non-negative integer"},
    {DOC_HEAD "{\"seq\":\"0\",\"kind\":\"exit\"}]}",
     "t: event 0: \"seq\" is missing or not a non-negative integer"},
    {DOC_HEAD "{\"seq\":0,\"kind\":1}]}", "t: event 0: \"kind\" is missing or not a string"},
    {JSONL_HEAD "{\"seq\":0,\"kind\":\"exit\"}\n{\"seq\":1,\"kind\":\"ex",
     "t: line 3: invalid JSON at column 18 (truncated?)"},
    {JSONL_HEAD "{\"seq\":0,\"kind\":\"exit\"}\n[]\n", "t: line 3: not a JSON object"},
    {JSONL_HEAD "{\"kind\":\"exit\"}\n",
     "t: line 2: \"seq\" is missing or not a non-negative integer"},
    {JSONL_HEAD "{\"seq\":0,\"kind\":\"exit\"} {}\n",
     "t: line 2: unexpected text after the JSON value at column 25"},
    {JSONL_HEAD "{\"summary\":{}}\n{\"seq\":0,\"kind\":\"exit\"}\n",
     "t: line 3: text after the summary line"},
    {JSONL_HEAD "{\"summary\":1}\n", "t: line 2: \"summary\" is not an object"},
};

START_TEST(bad_input_is_named_and_placed)
{
	const struct bad_input *b = &bad_inputs[_i];
	cJSON *hdr = (cJSON *)1, *summary = (cJSON *)1;
	err[0] = '\0';
	ck_assert(!trace_read_buffer("t", b->text, strlen(b->text), ignore, NULL, &hdr, &summary,
				     err, sizeof err));
	ck_assert_str_eq(err, b->error);
	ck_assert_ptr_null(hdr);
	ck_assert_ptr_null(summary);
}
END_TEST

/* Buffers need no terminator, and a NUL inside is no end of input. */
START_TEST(a_nul_byte_is_text_after_the_document)
{
	static const char text[] = DOC_HEAD "]}\0{}";
	ck_assert(!trace_read_buffer("t", text, sizeof text - 1, ignore, NULL, NULL, NULL, err,
				     sizeof err));
	ck_assert_str_eq(err, "t: line 1: unexpected text after the JSON value at column 53");
	ck_assert(trace_read_buffer("t", text, sizeof DOC_HEAD + 1, ignore, NULL, NULL, NULL, err,
				    sizeof err));
}
END_TEST

START_TEST(unreadable_files_are_named)
{
	ck_assert(!trace_read(in_dir("none.json"), ignore, NULL, NULL, NULL, err, sizeof err));
	char want[700];
	snprintf(want, sizeof want, "%s: No such file or directory", in_dir("none.json"));
	ck_assert_str_eq(err, want);
	ck_assert(!trace_read(dir, ignore, NULL, NULL, NULL, err, sizeof err));
	snprintf(want, sizeof want, "%s: Is a directory", dir);
	ck_assert_str_eq(err, want);
}
END_TEST

/* ---- statistics ------------------------------------------------------------------------ */

static char *print_stats(const trace_stats *st)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	trace_stats_print(st, f);
	fclose(f);
	return text;
}

START_TEST(stats_count_and_rank_reasons)
{
	trace_stats st = {0};
	const char *reasons[] = {"nothing",   "mmio_write", "hypercall", "mmio_write",
				 "hypercall", "mmio_write", NULL};
	for (unsigned i = 0; i < 7; i++)
		trace_stats_add(&st, "exit", reasons[i], 0);
	trace_stats_add(&st, "guest_trap", NULL, 0);
	trace_stats_add(&st, "replay", "x", 0);
	trace_stats_add(&st, NULL, "x", 0);
	ck_assert_uint_eq(st.exits, 7);
	ck_assert_uint_eq(st.guest_traps, 1);
	ck_assert_uint_eq(st.nreasons, 4);
	ck_assert_str_eq(st.reason[0].name, "mmio_write");
	ck_assert_uint_eq(st.reason[0].count, 3);
	ck_assert_str_eq(st.reason[1].name, "hypercall"); /* 2, then by name */
	ck_assert_str_eq(st.reason[2].name, "(none)");
	ck_assert_str_eq(st.reason[3].name, "nothing");
	st.instructions = 123456;
	char *text = print_stats(&st);
	ck_assert_str_eq(text, "exit reason   samples  samples%\n"
			       "mmio_write          3    42.86%\n"
			       "hypercall           2    28.57%\n"
			       "(none)              1    14.29%\n"
			       "nothing             1    14.29%\n"
			       "total               7   100.00%\n"
			       "\n"
			       "instructions   123456\n"
			       "guest traps         1\n");
	free(text);
}
END_TEST

START_TEST(stats_show_host_time_when_measured)
{
	trace_stats st = {0};
	trace_stats_add(&st, "exit", "mmio_write", 1000);
	trace_stats_add(&st, "exit", "mmio_write", 3000);
	trace_stats_add(&st, "exit", "nothing", 4000);
	trace_stats_add(&st, "exit", "nothing", 0); /* unmeasured: counts, costs nothing */
	st.instructions = 99;
	char *text = print_stats(&st);
	ck_assert_str_eq(
	    text, "exit reason   samples  samples%    time%   min time   max time   avg time\n"
		  "mmio_write          2    50.00%   50.00%     1.00us     3.00us     2.00us\n"
		  "nothing             2    50.00%   50.00%     4.00us     4.00us     2.00us\n"
		  "total               4   100.00%  100.00%     1.00us     4.00us     2.00us\n"
		  "\n"
		  "instructions       99\n"
		  "guest traps         0\n");
	free(text);
}
END_TEST

START_TEST(stats_keep_the_last_row_for_other_reasons)
{
	trace_stats st = {0};
	char name[64];
	for (unsigned i = 0; i < TRACE_MAX_REASONS + 5; i++) {
		snprintf(name, sizeof name, "reason_%02u_with_a_name_longer_than_the_field", i);
		trace_stats_add(&st, "exit", name, 0);
	}
	trace_stats_add(&st, "exit", "reason_00_with_a_name_longer_than_the_field", 0);
	ck_assert_uint_eq(st.nreasons, TRACE_MAX_REASONS);
	ck_assert_uint_eq(st.exits, TRACE_MAX_REASONS + 6);
	ck_assert_str_eq(st.reason[0].name, "(other)");
	ck_assert_uint_eq(st.reason[0].count, 6);
	ck_assert_str_eq(st.reason[1].name, "reason_00_with_a_name_longer_th");
	ck_assert_uint_eq(st.reason[1].count, 2);
}
END_TEST

/* ---- differences ----------------------------------------------------------------------- */

static int diff_files(const char *a, const char *b, char **report)
{
	trace_reader *ra = trace_reader_open(in_dir(a), err, sizeof err);
	trace_reader *rb = trace_reader_open(in_dir(b), err, sizeof err);
	ck_assert_msg(ra && rb, "%s", err);
	size_t len = 0;
	FILE *f = open_memstream(report, &len);
	int rc = trace_diff(ra, rb, f, err, sizeof err);
	fclose(f);
	trace_reader_close(ra);
	trace_reader_close(rb);
	return rc;
}

START_TEST(diff_of_identical_traces_in_both_formats_is_empty)
{
	trace_event ev[] = {ev_guest_trap(), ev_hypercall(), ev_compressed_store(), ev_timer()};
	ck_assert(write_trace(in_dir("a.json"), "g.elf", ev, 4, 6100));
	ck_assert(write_trace(in_dir("b.jsonl"), "g.elf", ev, 4, 6100));
	char *report;
	ck_assert_int_eq(diff_files("a.json", "b.jsonl", &report), 0);
	ck_assert_str_eq(report, "");
	free(report);
}
END_TEST

START_TEST(diff_shows_the_first_differing_event_field_by_field)
{
	trace_event a[] = {ev_guest_trap(), ev_mmio_write(), ev_hypercall()};
	trace_event b[] = {ev_guest_trap(), ev_mmio_write(), ev_timer()};
	b[1].exit.kv[0].u = 0x10000004; /* addr */
	b[1].trap.n = 0;
	b[1].has_resume = false;
	trace_add_uint(&b[1].exit, "extra", 1);
	ck_assert(write_trace(in_dir("a.json"), "a/g.elf", a, 3, 10));
	ck_assert(write_trace(in_dir("b.jsonl"), "b/g.elf", b, 3, 10));
	char *report;
	ck_assert_int_eq(diff_files("a.json", "b.jsonl", &report), 1);
	ck_assert_str_eq(report, "header:\n"
				 "  guest: \"a/g.elf\" != \"b/g.elf\" (not counted)\n"
				 "event 1 (seq 0):\n"
				 "  trap.cause: only in A\n"
				 "  trap.code: only in A\n"
				 "  trap.interrupt: only in A\n"
				 "  trap.name: only in A\n"
				 "  trap.tval: only in A\n"
				 "  trap.htval: only in A\n"
				 "  trap.htinst: only in A\n"
				 "  trap.gpa: only in A\n"
				 "  trap.gva: only in A\n"
				 "  trap.hstatus: only in A\n"
				 "  exit.addr: \"0x10000000\" != \"0x10000004\"\n"
				 "  exit.extra: only in B\n"
				 "  resume_pc: only in A\n");
	free(report);
}
END_TEST

START_TEST(diff_counts_extra_events_and_compares_summaries)
{
	trace_event ev[] = {ev_guest_trap(), ev_hypercall(), ev_compressed_store(), ev_timer()};
	ck_assert(write_trace(in_dir("a.jsonl"), "g.elf", ev, 1, 6100));
	ck_assert(write_trace(in_dir("b.json"), "g.elf", ev, 4, 6100));
	char *report;
	ck_assert_int_eq(diff_files("a.jsonl", "b.json", &report), 1);
	ck_assert_str_eq(report, "B has 3 more events\n"
				 "summary:\n"
				 "  exits: 0 != 3\n"
				 "  by_reason.hypercall: only in B\n"
				 "  by_reason.mmio_write: only in B\n"
				 "  by_reason.nothing: only in B\n");
	free(report);
}
END_TEST

START_TEST(diff_counts_the_machine_and_architecture)
{
	trace_event ev[] = {ev_mmio_write()};
	ck_assert(write_trace(in_dir("a.json"), "g.elf", ev, 1, 5));
	const trace_header hdr = {"aarch64", "bare", "g.elf"};
	trace_writer *w = trace_open(in_dir("b.json"), &hdr, err, sizeof err);
	ck_assert(trace_write(w, &ev[0]));
	trace_stats st = {.instructions = 5};
	trace_stats_add(&st, "exit", "mmio_write", 0);
	ck_assert(trace_close(w, &st, err, sizeof err));
	char *report;
	ck_assert_int_eq(diff_files("a.json", "b.json", &report), 1);
	ck_assert_str_eq(report, "header:\n"
				 "  arch: \"riscv64\" != \"aarch64\"\n"
				 "  machine: \"virt\" != \"bare\"\n");
	free(report);
}
END_TEST

/* Bad input anywhere: nothing is written, not even the differences found before it. */
START_TEST(diff_of_bad_input_writes_nothing)
{
	static const char a[] = "{\"format\":\"trapscope-trace\",\"version\":1,\"arch\":\"x\"}\n"
				"{\"seq\":0,\"kind\":\"exit\"}\n";
	/* the first event differs already: the bad line after it still counts */
	static const char b[] = "{\"format\":\"trapscope-trace\",\"version\":1,\"arch\":\"y\"}\n"
				"{\"seq\":0,\"kind\":\"guest_trap\"}\n{\"seq\":1}\n";
	trace_reader *ra = trace_reader_open_buffer("A", a, sizeof a - 1, err, sizeof err);
	trace_reader *rb = trace_reader_open_buffer("B", b, sizeof b - 1, err, sizeof err);
	ck_assert_ptr_nonnull(ra);
	ck_assert_ptr_nonnull(rb);
	char *report = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&report, &len);
	ck_assert_int_eq(trace_diff(ra, rb, f, err, sizeof err), -1);
	fclose(f);
	ck_assert_str_eq(report, "");
	ck_assert_str_eq(err, "B: line 3: \"kind\" is missing or not a string");
	free(report);
	trace_reader_close(ra);
	trace_reader_close(rb);
}
END_TEST

START_TEST(value_diff_walks_arrays_and_nested_objects)
{
	cJSON *a = cJSON_Parse("{\"exit\":{\"args\":[\"0x1\",\"0x2\"],\"sbi\":{\"error\":0}},"
			       "\"n\":1e300,\"t\":true}");
	cJSON *b =
	    cJSON_Parse("{\"exit\":{\"args\":[\"0x1\",\"0x3\",\"0x4\"],\"sbi\":{\"error\":-2}},"
			"\"n\":[1],\"t\":false}");
	char *report = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&report, &len);
	ck_assert_uint_eq(trace_diff_value(a, b, "ev", f), 5);
	fclose(f);
	ck_assert_str_eq(report, "  ev.exit.args[1]: \"0x2\" != \"0x3\"\n"
				 "  ev.exit.args[2]: only in B\n"
				 "  ev.exit.sbi.error: 0 != -2\n"
				 "  ev.n: 1.0000000000000001e+300 != [1]\n"
				 "  ev.t: true != false\n");
	ck_assert_uint_eq(trace_diff_value(a, a, "", NULL), 0);
	free(report);
	cJSON_Delete(a);
	cJSON_Delete(b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("trace");
	TCase *tc = tcase_create("trace");
	tcase_add_checked_fixture(tc, make_dir, remove_dir);
	tcase_add_test(tc, appenders_stop_at_a_full_list);
	tcase_add_test(tc, document_of_an_mmio_write);
	tcase_add_test(tc, json_lines_of_sbi_calls_and_an_mmio_read);
	tcase_add_test(tc, guest_trap_hypercall_compressed_and_interrupt);
	tcase_add_test(tc, examples_are_writer_output);
	tcase_add_test(tc, empty_document_and_null_strings);
	tcase_add_test(tc, strings_are_escaped);
	tcase_add_test(tc, json_lines_are_flushed_line_by_line);
	tcase_add_test(tc, abort_leaves_no_document);
	tcase_add_test(tc, open_in_a_missing_directory_fails_cleanly);
	tcase_add_test(tc, a_directory_is_no_document);
	tcase_add_test(tc, write_errors_are_reported);
	tcase_add_test(tc, documents_get_the_usual_file_mode);
	tcase_add_test(tc, same_events_same_bytes);
	tcase_add_test(tc, both_formats_read_back_the_same);
	tcase_add_test(tc, the_callback_can_stop_early);
	tcase_add_test(tc, json_lines_without_summary_are_read);
	tcase_add_loop_test(tc, bad_input_is_named_and_placed, 0,
			    sizeof bad_inputs / sizeof bad_inputs[0]);
	tcase_add_test(tc, a_nul_byte_is_text_after_the_document);
	tcase_add_test(tc, unreadable_files_are_named);
	tcase_add_test(tc, stats_count_and_rank_reasons);
	tcase_add_test(tc, stats_show_host_time_when_measured);
	tcase_add_test(tc, stats_keep_the_last_row_for_other_reasons);
	tcase_add_test(tc, diff_of_identical_traces_in_both_formats_is_empty);
	tcase_add_test(tc, diff_shows_the_first_differing_event_field_by_field);
	tcase_add_test(tc, diff_counts_extra_events_and_compares_summaries);
	tcase_add_test(tc, diff_counts_the_machine_and_architecture);
	tcase_add_test(tc, diff_of_bad_input_writes_nothing);
	tcase_add_test(tc, value_diff_walks_arrays_and_nested_objects);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
