/* The subcommands' argument handling, called in-process the way a REPL will call them: errors
 * quote what was refused, and one call's getopt state never leaks into the next. Found by
 * tests/fuzz/fuzz_explain_args.c. */
#include "cli.h"
#include "events.h"

#include <check.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static char last_error[256];

void cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_error, sizeof last_error, fmt, ap);
	va_end(ap);
}

START_TEST(unknown_option_inside_a_group_is_quoted)
{
	char a0[] = "explain", a1[] = "-zj";
	char *argv[] = {a0, a1, NULL};
	ck_assert_int_eq(cli_explain(2, argv), CLI_EXIT_USAGE);
	ck_assert_str_eq(last_error,
			 "explain: unknown option '-z' (see 'trapscope explain --help')");
}
END_TEST

START_TEST(unknown_long_option_is_quoted)
{
	char a0[] = "explain", a1[] = "--bogus", a2[] = "scause=1";
	char *argv[] = {a0, a1, a2, NULL};
	ck_assert_int_eq(cli_explain(3, argv), CLI_EXIT_USAGE);
	ck_assert_str_eq(last_error,
			 "explain: unknown option '--bogus' (see 'trapscope explain --help')");
}
END_TEST

START_TEST(missing_option_value_is_quoted)
{
	char a0[] = "explain", a1[] = "--arch";
	char *argv[] = {a0, a1, NULL};
	ck_assert_int_eq(cli_explain(2, argv), CLI_EXIT_USAGE);
	ck_assert_str_eq(last_error, "explain: option '--arch' needs a value");
}
END_TEST

START_TEST(a_half_read_option_group_does_not_reach_the_next_call)
{
	char a0[] = "explain", a1[] = "-lz", b0[] = "explain";
	char *first[] = {a0, a1, NULL}, *second[] = {b0, NULL};
	ck_assert_int_eq(cli_explain(2, first), CLI_EXIT_USAGE); /* stops at 'l', "z" unread */
	ck_assert_int_eq(cli_explain(1, second), CLI_EXIT_USAGE);
	ck_assert_str_eq(
	    last_error,
	    "explain: nothing to explain: give NAME=VALUE (see 'trapscope explain --help')");
}
END_TEST

START_TEST(run_quotes_its_options_too)
{
	char a0[] = "run", a1[] = "-sq", a2[] = "x.elf";
	char *argv[] = {a0, a1, a2, NULL};
	ck_assert_int_eq(cli_run(3, argv), CLI_EXIT_USAGE);
	ck_assert_str_eq(last_error, "run: unknown option '-q' (see 'trapscope run --help')");
}
END_TEST

/* ---- machine events as trace events: AArch64 (values worked out from the Arm ARM) ---- */

static const trace_kv *kv(const trace_kvlist *l, const char *key)
{
	for (unsigned i = 0; i < l->n; i++)
		if (strcmp(l->kv[i].key, key) == 0)
			return &l->kv[i];
	ck_abort_msg("no key %s", key);
	return NULL;
}

START_TEST(a64_data_abort_event_decodes_esr_far_hpfar)
{
	/* STR W1, [X0] to IPA 0x9000004 (the PL011's data register + 4) with no stage-2 entry:
	 * ESR_EL2 0x93810046 = EC 0x24 (data abort, lower EL), IL 1, ISV 1, SAS 2 (word),
	 * SSE 0, SRT 1, SF 0, WnR 1, DFSC 0x06 (translation fault, level 2);
	 * IPA = HPFAR_EL2.FIPA << 12 | FAR_EL2[11:0]. */
	static emu_event ev;
	static cli_event_conv conv;
	static trace_event out;
	ev = (emu_event){.arch = DEC_ARCH_AARCH64, .pc = 0x40080010, .hart = 1};
	ev.a64 = (emu_a64_trap){.esr = 0x93810046,
				.far = 0x9000004,
				.hpfar = 0x90000,
				.elr = 0x40080010,
				.spsr = 0x3c5,
				.from_el = 1,
				.to_el = 2};
	ev.exit = (hv_exit){.kind = HV_EXIT_MMIO_WRITE,
			    .mmio_write = {.addr = 0x9000004, .width = 4, .reg = 1, .data = 0x41}};
	cli_event_to_trace(&conv, &ev, &out);
	ck_assert_uint_eq(out.pc, 0x40080010);
	ck_assert_uint_eq(kv(&out.trap, "ec")->u, 0x24);
	ck_assert_uint_eq(kv(&out.trap, "il")->u, 1);
	ck_assert_uint_eq(kv(&out.trap, "iss")->u, 0x1810046);
	ck_assert(kv(&out.trap, "isv")->b);
	ck_assert_uint_eq(kv(&out.trap, "sas")->u, 2);
	ck_assert(!kv(&out.trap, "sse")->b);
	ck_assert_uint_eq(kv(&out.trap, "srt")->u, 1);
	ck_assert(!kv(&out.trap, "sf")->b);
	ck_assert(kv(&out.trap, "wnr")->b);
	ck_assert(!kv(&out.trap, "s1ptw")->b);
	ck_assert_uint_eq(kv(&out.trap, "fsc")->u, 0x06);
	ck_assert_uint_eq(kv(&out.trap, "ipa")->u, 0x9000004);
	ck_assert_uint_eq(kv(&out.trap, "elr")->u, 0x40080010);
	ck_assert_str_eq(kv(&out.exit, "reg")->s, "w1");
	ck_assert_str_eq(out.reason, "mmio_write");
}
END_TEST

START_TEST(a64_psci_call_and_guest_trap)
{
	/* HVC #0 with x0 = 0x84000000 (PSCI_VERSION, SMC32): ESR 0x5a000000 = EC 0x16, IL 1. */
	static emu_event ev;
	static cli_event_conv conv;
	static trace_event out;
	ev = (emu_event){.arch = DEC_ARCH_AARCH64, .pc = 0x40080020};
	ev.a64 = (emu_a64_trap){.esr = 0x5a000000, .elr = 0x40080024, .from_el = 1, .to_el = 2};
	ev.exit = (hv_exit){.kind = HV_EXIT_NOTHING, .has_call = true};
	ev.exit.call = (hv_call){.ext = 0x84000000, .error = 0x10001, .returns = true};
	cli_event_to_trace(&conv, &ev, &out);
	ck_assert_uint_eq(kv(&out.trap, "ec")->u, 0x16);
	ck_assert_uint_eq(kv(&out.trap, "imm16")->u, 0);
	ck_assert_str_eq(out.call_name, "psci");
	ck_assert_uint_eq(kv(&out.call, "id")->u, 0x84000000);
	ck_assert_int_eq(kv(&out.call, "error")->i, 0x10001);

	/* SVC #5 taken by the guest at EL1: ESR_EL1 0x56000005; no HPFAR, no IPA. */
	ev = (emu_event){.arch = DEC_ARCH_AARCH64, .pc = 0x40080030, .guest_trap = true};
	ev.a64 = (emu_a64_trap){.esr = 0x56000005, .elr = 0x40080034, .from_el = 0, .to_el = 1};
	cli_event_to_trace(&conv, &ev, &out);
	ck_assert_uint_eq(kv(&out.trap, "ec")->u, 0x15);
	ck_assert_uint_eq(kv(&out.trap, "imm16")->u, 5);
	for (unsigned i = 0; i < out.trap.n; i++)
		ck_assert_str_ne(out.trap.kv[i].key, "hpfar");
	ck_assert_str_eq(out.kind, "guest_trap");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("options");
	tcase_add_test(tc, unknown_option_inside_a_group_is_quoted);
	tcase_add_test(tc, unknown_long_option_is_quoted);
	tcase_add_test(tc, missing_option_value_is_quoted);
	tcase_add_test(tc, a_half_read_option_group_does_not_reach_the_next_call);
	tcase_add_test(tc, run_quotes_its_options_too);
	suite_add_tcase(s, tc);
	TCase *events = tcase_create("events");
	tcase_add_test(events, a64_data_abort_event_decodes_esr_far_hpfar);
	tcase_add_test(events, a64_psci_call_and_guest_trap);
	suite_add_tcase(s, events);
	SRunner *sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK); /* the getopt leak needs two calls in one process */
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
