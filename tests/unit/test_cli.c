/* The subcommands' argument handling, called in-process the way a REPL will call them: errors
 * quote what was refused, and one call's getopt state never leaks into the next. Found by
 * tests/fuzz/fuzz_explain_args.c. */
#include "cli.h"

#include <check.h>
#include <stdarg.h>
#include <stdlib.h>

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
	SRunner *sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK); /* the getopt leak needs two calls in one process */
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
