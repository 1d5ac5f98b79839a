/* Core pieces: number parsing, the field tree and its arena, text and JSON rendering. */
#include "cli.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

static uint64_t parse_ok(const char *text)
{
	uint64_t v = 0;
	const char *why = NULL;
	ck_assert_msg(cli_parse_u64(text, &v, &why), "'%s' rejected: %s", text, why);
	return v;
}

static const char *parse_bad(const char *text)
{
	uint64_t v = 0;
	const char *why = NULL;
	ck_assert_msg(!cli_parse_u64(text, &v, &why), "'%s' accepted", text);
	ck_assert_ptr_nonnull(why);
	return why;
}

START_TEST(numbers_accept_hex_decimal_binary_and_separators)
{
	ck_assert_uint_eq(parse_ok("0x17"), 23);
	ck_assert_uint_eq(parse_ok("0X8000_0000"), 0x80000000u);
	ck_assert_uint_eq(parse_ok("0xdeadBEEF"), 0xdeadbeefu);
	ck_assert_uint_eq(parse_ok("4096"), 4096);
	ck_assert_uint_eq(parse_ok("1_000_000"), 1000000);
	ck_assert_uint_eq(parse_ok("0b1010"), 10);
	ck_assert_uint_eq(parse_ok("0"), 0);
	ck_assert_uint_eq(parse_ok("0xffffffffffffffff"), UINT64_MAX);
	ck_assert_uint_eq(parse_ok("18446744073709551615"), UINT64_MAX);
}
END_TEST

START_TEST(numbers_reject_malformed_input)
{
	parse_bad("");
	parse_bad("0x");
	parse_bad("0x_1");
	parse_bad("1_");
	parse_bad("1__0");
	parse_bad("12a");
	parse_bad("-1");
	parse_bad(" 1");
	parse_bad("0b102");
	parse_bad("0x1g");
	ck_assert_str_eq(parse_bad("0x1_0000_0000_0000_0000"), "does not fit in 64 bits");
	ck_assert_str_eq(parse_bad("18446744073709551616"), "does not fit in 64 bits");
}
END_TEST

/* A made-up 16-bit register: [15:8] HI with [15] TOP and [14:8] REST, [7:0] LO. */
static void build_sample(dec_reg *r)
{
	dec_reg_init(r, "sample", 0xA5C3);
	dec_field_add(r, "HI", "High byte", 8, 8, "high");
	dec_push(r);
	dec_field_add(r, "TOP", "Top bit", 15, 1, "top");
	dec_field_add(r, "REST", NULL, 8, 7, NULL);
	dec_pop(r);
	dec_field_add(r, "LO", "Low byte", 0, 8, "low");
}

START_TEST(field_tree_extracts_bits_and_nests)
{
	static dec_reg r;
	build_sample(&r);
	ck_assert_uint_eq(r.nfields, 4);
	ck_assert_uint_eq(r.fields[0].value, 0xA5);
	ck_assert_uint_eq(r.fields[1].value, 1);
	ck_assert_uint_eq(r.fields[2].value, 0x25);
	ck_assert_uint_eq(r.fields[3].value, 0xC3);
	ck_assert_uint_eq(r.fields[1].depth, 1);
	ck_assert_uint_eq(r.fields[3].depth, 0);
	ck_assert_str_eq(r.fields[2].long_name, "REST");
	ck_assert_str_eq(r.fields[2].meaning, "");
	ck_assert_uint_eq(dec_field_end(&r, 0), 3);
	ck_assert_uint_eq(dec_field_end(&r, 1), 2);
	ck_assert_uint_eq(dec_field_end(&r, 3), 4);
	ck_assert_ptr_null(dec_field_add(&r, "BAD", NULL, 60, 8, NULL));
	ck_assert_uint_eq(dec_bits(UINT64_MAX, 0, 64), UINT64_MAX);
	ck_assert_uint_eq(dec_bits(0x8000000000000000u, 63, 1), 1);
}
END_TEST

START_TEST(field_table_full_is_refused_not_overrun)
{
	static dec_reg r;
	dec_reg_init(&r, "big", 0);
	for (unsigned i = 0; i < DEC_MAX_FIELDS; i++)
		ck_assert_ptr_nonnull(dec_field_add(&r, "F", NULL, 0, 1, NULL));
	ck_assert_ptr_null(dec_field_add(&r, "F", NULL, 0, 1, NULL));
	ck_assert_uint_eq(r.nfields, DEC_MAX_FIELDS);
}
END_TEST

START_TEST(text_arena_truncates_instead_of_overflowing)
{
	static dec_reg r;
	dec_reg_init(&r, "arena", 0);
	ck_assert_str_eq(dec_fmt(&r, "%s-%d", "x", 7), "x-7");
	char big[1024];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	const char *last = NULL;
	for (int i = 0; i < 64; i++)
		last = dec_fmt(&r, "%s", big);
	ck_assert_str_eq(last, "…");
	ck_assert_uint_le(r.text.used, sizeof r.text.buf);
}
END_TEST

START_TEST(json_nests_subfields_and_uses_hex_strings)
{
	static dec_reg r;
	build_sample(&r);
	cJSON *o = cli_reg_json(&r);
	ck_assert_str_eq(cJSON_GetObjectItem(o, "value")->valuestring, "0xa5c3");
	cJSON *fields = cJSON_GetObjectItem(o, "fields");
	ck_assert_int_eq(cJSON_GetArraySize(fields), 2);
	cJSON *hi = cJSON_GetArrayItem(fields, 0);
	ck_assert_str_eq(cJSON_GetObjectItem(hi, "name")->valuestring, "HI");
	ck_assert_str_eq(cJSON_GetObjectItem(hi, "long_name")->valuestring, "High byte");
	ck_assert_int_eq(cJSON_GetObjectItem(hi, "lsb")->valueint, 8);
	ck_assert_int_eq(cJSON_GetObjectItem(hi, "width")->valueint, 8);
	ck_assert_str_eq(cJSON_GetObjectItem(hi, "value")->valuestring, "0xa5");
	cJSON *subs = cJSON_GetObjectItem(hi, "fields");
	ck_assert_int_eq(cJSON_GetArraySize(subs), 2);
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(subs, 1), "value")->valuestring,
			 "0x25");
	cJSON *lo = cJSON_GetArrayItem(fields, 1);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(lo, "fields")), 0);
	cJSON_Delete(o);
}
END_TEST

START_TEST(text_tree_shows_ranges_values_and_meanings)
{
	static dec_reg r;
	build_sample(&r);
	r.fields[3].warn = true;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	cli_render_reg_text(out, &r, false);
	fclose(out);
	ck_assert_ptr_nonnull(strstr(buf, "sample = 0x000000000000a5c3\n"));
	ck_assert_ptr_nonnull(strstr(buf, "[15:8]"));
	ck_assert_ptr_nonnull(strstr(buf, "  [15]"));
	ck_assert_ptr_nonnull(strstr(buf, "0xa5"));
	ck_assert_ptr_nonnull(strstr(buf, "! [7:0]"));
	free(buf);
}
END_TEST

START_TEST(every_regdef_is_complete_and_findable)
{
	for (dec_arch arch = DEC_ARCH_RISCV64; arch <= DEC_ARCH_AARCH64; arch++) {
		unsigned count = 0;
		for (const dec_regdef *d = dec_regdefs(arch); d->name; d++, count++) {
			ck_assert_ptr_nonnull(d->key);
			ck_assert_ptr_nonnull(d->display);
			ck_assert_ptr_nonnull(d->decode);
			ck_assert_int_eq(d->arch, arch);
			ck_assert(d->bits == 32 || d->bits == 64);
			ck_assert_ptr_eq(dec_regdef_find(d->name, arch), d);
		}
		ck_assert_uint_gt(count, 10);
	}
	ck_assert_ptr_nonnull(dec_regdef_find("SCAUSE", DEC_ARCH_NONE));
	ck_assert_ptr_nonnull(dec_regdef_find("Esr_El2", DEC_ARCH_NONE));
	ck_assert_ptr_null(dec_regdef_find("scause", DEC_ARCH_AARCH64));
	ck_assert_ptr_null(dec_regdef_find("nosuchreg", DEC_ARCH_NONE));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, numbers_accept_hex_decimal_binary_and_separators);
	tcase_add_test(tc, numbers_reject_malformed_input);
	tcase_add_test(tc, field_tree_extracts_bits_and_nests);
	tcase_add_test(tc, field_table_full_is_refused_not_overrun);
	tcase_add_test(tc, text_arena_truncates_instead_of_overflowing);
	tcase_add_test(tc, json_nests_subfields_and_uses_hex_strings);
	tcase_add_test(tc, text_tree_shows_ranges_values_and_meanings);
	tcase_add_test(tc, every_regdef_is_complete_and_findable);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
