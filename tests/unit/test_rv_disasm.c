/* RISC-V decoder and disassembler: spot checks. Every encoding here was assembled by hand from
 * the ISA manual's format tables; tests/diff/rv_objdump.sh does the bulk comparison. */
#include "decode/decode.h"
#include "decode/rv_insn.h"

#include <check.h>
#include <string.h>

#define PC UINT64_C(0x80000000)

static void check_text(uint32_t raw, const char *want, unsigned want_len)
{
	char buf[96];
	unsigned len = dec_rv_disasm(raw, PC, buf, sizeof(buf));
	ck_assert_msg(strcmp(buf, want) == 0, "%08x: got \"%s\", want \"%s\"", raw, buf, want);
	ck_assert_msg(len == want_len, "%08x: length %u, want %u", raw, len, want_len);
}

static dec_rv_insn decode_ok(uint32_t raw)
{
	dec_rv_insn in;
	ck_assert_msg(dec_rv_decode(raw, &in), "%08x rejected", raw);
	return in;
}

static void check_rejected(uint32_t raw)
{
	dec_rv_insn in;
	char buf[32];
	ck_assert_msg(!dec_rv_decode(raw, &in), "%08x accepted as %s", raw, dec_rv_op_name(in.op));
	ck_assert_uint_eq(in.op, DEC_RV_OP_ILLEGAL);
	ck_assert_uint_eq(dec_rv_disasm(raw, PC, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "unknown");
}

#define CHECK_FIELDS(raw, op_, rd_, rs1_, rs2_, imm_, len_)                                        \
	do {                                                                                       \
		dec_rv_insn in_ = decode_ok(raw);                                                  \
		ck_assert_uint_eq(in_.op, DEC_RV_OP_##op_);                                        \
		ck_assert_uint_eq(in_.rd, rd_);                                                    \
		ck_assert_uint_eq(in_.rs1, rs1_);                                                  \
		ck_assert_uint_eq(in_.rs2, rs2_);                                                  \
		ck_assert_int_eq(in_.imm, imm_);                                                   \
		ck_assert_uint_eq(in_.len, len_);                                                  \
	} while (0)

/* ---- text ------------------------------------------------------------------------------------ */

START_TEST(base_integer_text)
{
	check_text(0x00b50533, "add a0,a0,a1", 4);
	check_text(0x40b50533, "sub a0,a0,a1", 4);
	check_text(0x40b00533, "neg a0,a1", 4);
	check_text(0x00012537, "lui a0,0x12", 4);
	check_text(0xfffff537, "lui a0,0xfffff", 4);
	check_text(0x00001517, "auipc a0,0x1", 4);
	check_text(0xff85a503, "lw a0,-8(a1)", 4);
	check_text(0x7ea13fa3, "sd a0,2047(sp)", 4);
	check_text(0x00000013, "nop", 4);
	check_text(0xffb00513, "li a0,-5", 4);
	check_text(0x00058513, "mv a0,a1", 4);
	check_text(0x00558513, "add a0,a1,5", 4); /* binutils 2.40 spells addi this way */
	check_text(0xfff5c513, "not a0,a1", 4);
	check_text(0x0ff5f513, "zext.b a0,a1", 4);
	check_text(0x0015b513, "seqz a0,a1", 4);
	check_text(0x00b03533, "snez a0,a1", 4);
	check_text(0x0005851b, "sext.w a0,a1", 4);
	check_text(0x43f5d513, "sra a0,a1,0x3f", 4);
	check_text(0x40b0053b, "negw a0,a1", 4);
}
END_TEST

START_TEST(control_transfer_text)
{
	check_text(0x008000ef, "jal 0x80000008", 4);
	check_text(0x0080006f, "j 0x80000008", 4);
	check_text(0x0080056f, "jal a0,0x80000008", 4);
	check_text(0xfeb50ee3, "beq a0,a1,0x7ffffffc", 4);
	check_text(0x00050463, "beqz a0,0x80000008", 4);
	check_text(0x00a05463, "blez a0,0x80000008", 4);
	check_text(0x00008067, "ret", 4);
	check_text(0x00050067, "jr a0", 4);
	check_text(0x000500e7, "jalr a0", 4);
	check_text(0x008500e7, "jalr 8(a0)", 4);
	check_text(0x000505e7, "jalr a1,a0", 4);
	check_text(0xff8505e7, "jalr a1,-8(a0)", 4);
}
END_TEST

START_TEST(system_and_csr_text)
{
	check_text(0x00000073, "ecall", 4);
	check_text(0x00100073, "ebreak", 4);
	check_text(0x10200073, "sret", 4);
	check_text(0x30200073, "mret", 4);
	check_text(0x10500073, "wfi", 4);
	check_text(0x68002573, "csrr a0,hgatp", 4);
	check_text(0x28002573, "csrr a0,vsatp", 4);
	check_text(0x14d02573, "csrr a0,stimecmp", 4);
	check_text(0x7c002573, "csrr a0,0x7c0", 4);
	check_text(0x10051073, "csrw sstatus,a0", 4);
	check_text(0x100fd573, "csrrw a0,sstatus,31", 4);
	check_text(0x1000e073, "csrs sstatus,1", 4);
	check_text(0xc0002573, "rdcycle a0", 4);
	check_text(0xc0001073, "unimp", 4);
	check_text(0x0ff0000f, "fence", 4);
	check_text(0x0330000f, "fence rw,rw", 4);
	check_text(0x8330000f, "fence.tso", 4);
	check_text(0x0100000f, "pause", 4);
	check_text(0x0000100f, "fence.i", 4);
	check_text(0x12000073, "sfence.vma", 4);
	check_text(0x12050073, "sfence.vma a0", 4);
	check_text(0x12b50073, "sfence.vma a0,a1", 4);
	check_text(0x62b50073, "hfence.gvma a0,a1", 4);
	check_text(0x62000073, "hfence.gvma", 4);
	check_text(0x22050073, "hfence.vvma a0", 4);
}
END_TEST

START_TEST(extension_text)
{
	check_text(0x1605a52f, "lr.w.aqrl a0,(a1)", 4);
	check_text(0x0cc5b52f, "amoswap.d.aq a0,a2,(a1)", 4);
	check_text(0x02c58533, "mul a0,a1,a2", 4);
	check_text(0x20c5a533, "sh1add a0,a1,a2", 4);
	check_text(0x0805853b, "zext.w a0,a1", 4);
	check_text(0x6b85d513, "rev8 a0,a1", 4);
	check_text(0x2875d513, "orc.b a0,a1", 4);
	check_text(0x0805c53b, "zext.h a0,a1", 4);
	check_text(0x60059513, "clz a0,a1", 4);
	check_text(0x6805c573, "hlv.w a0,(a1)", 4);
	check_text(0x6435c573, "hlvx.hu a0,(a1)", 4);
	check_text(0x6ea5c073, "hsv.d a0,(a1)", 4);
	/* funct3 100 makes this an HSV.B, not the HFENCE.GVMA its funct7 alone suggests */
	check_text(0x6220c073, "hsv.b sp,(ra)", 4);
}
END_TEST

START_TEST(compressed_text)
{
	check_text(0x4501, "li a0,0", 2);
	check_text(0x8082, "ret", 2);
	check_text(0x41c8, "lw a0,4(a1)", 2); /* c.lw */
	check_text(0x0028, "add a0,sp,8", 2); /* c.addi4spn */
	check_text(0x7101, "add sp,sp,-512", 2);
	check_text(0x7501, "lui a0,0xfffe0", 2);
	check_text(0x852e, "mv a0,a1", 2);
	check_text(0x952e, "add a0,a0,a1", 2);
	check_text(0x9502, "jalr a0", 2);
	check_text(0x9002, "ebreak", 2);
	check_text(0x0001, "nop", 2);
	check_text(0xd101, "beqz a0,0x7fffff00", 2);
	check_text(0xb001, "j 0x7ffff800", 2);
	check_text(0x2501, "sext.w a0,a0", 2); /* c.addiw a0,0 */
	/* hints: objdump spells them as compressed instructions */
	check_text(0x0005, "c.nop 1", 2);
	check_text(0x4015, "c.li zero,5", 2);
	check_text(0x8101, "c.srli64 a0", 2);
	check_text(0x0502, "c.slli64 a0", 2);
	check_text(0x802e, "c.mv zero,a1", 2);
	check_text(0x902e, "c.add zero,a1", 2);
	check_text(0x0501, "add a0,a0,0", 2);
	/* the upper half belongs to the next instruction */
	check_text(0xdead4501, "li a0,0", 2);
}
END_TEST

START_TEST(text_truncates_to_the_buffer)
{
	char small[4] = {'x', 'x', 'x', 'x'};
	ck_assert_uint_eq(dec_rv_disasm(0x00b50533, PC, small, sizeof(small)), 4);
	ck_assert_str_eq(small, "add");
	ck_assert_uint_eq(dec_rv_disasm(0x00b50533, PC, NULL, 0), 4);
}
END_TEST

/* ---- rejection ------------------------------------------------------------------------------- */

START_TEST(reserved_compressed_rejected)
{
	check_rejected(0x0000); /* c.addi4spn, immediate 0: the defined illegal instruction */
	check_rejected(0x0008); /* c.addi4spn a0, immediate 0 */
	check_rejected(0x4002); /* c.lwsp x0 */
	check_rejected(0x6002); /* c.ldsp x0 */
	check_rejected(0x8002); /* c.jr x0 */
	check_rejected(0x6501); /* c.lui a0, 0 */
	check_rejected(0x6101); /* c.addi16sp 0 */
	check_rejected(0x2005); /* c.addiw x0 */
	check_rejected(0x9c41); /* quadrant 1, funct3 100, 1 11 10 */
	check_rejected(0x9c61); /* quadrant 1, funct3 100, 1 11 11 */
	check_rejected(0x8000); /* quadrant 0, funct3 100 (Zcb) */
}
END_TEST

START_TEST(floating_point_and_vector_rejected)
{
	check_rejected(0x00c5f553); /* fadd.s */
	check_rejected(0x02c5f553); /* fadd.d */
	check_rejected(0x0005a507); /* flw */
	check_rejected(0x0005b507); /* fld */
	check_rejected(0x00a5b027); /* fsd */
	check_rejected(0x60c5f543); /* fmadd.s */
	check_rejected(0x02000057); /* vadd.vv */
	check_rejected(0x2000);	    /* c.fld */
	check_rejected(0xa000);	    /* c.fsd */
	check_rejected(0x2002);	    /* c.fldsp */
	check_rejected(0xa002);	    /* c.fsdsp */
}
END_TEST

START_TEST(reserved_32bit_rejected)
{
	check_rejected(0x1015a52f); /* lr.w with rs2 = 1 */
	check_rejected(0x120000f3); /* sfence.vma with rd = 1 */
	check_rejected(0x6825c573); /* hlv.w space with rs2 = 2 */
	check_rejected(0x6aa5c0f3); /* hsv.w with rd = 1 */
	check_rejected(0x0205951b); /* slliw with shamt[5] set */
	check_rejected(0x000510e7); /* jalr with funct3 1 */
	check_rejected(0x0005f503); /* load funct3 7 */
	check_rejected(0x00a5c023); /* store funct3 4 */
	check_rejected(0x7b200073); /* dret: Debug Mode only */
	check_rejected(0x0000001f); /* 48-bit format */
	check_rejected(0x0000007f); /* 80-bit and longer */
}
END_TEST

/* ---- decoded record -------------------------------------------------------------------------- */

START_TEST(record_is_compact)
{
	ck_assert_uint_le(sizeof(dec_rv_insn), 16);
	ck_assert_uint_eq(DEC_RV_OP_ILLEGAL, 0);
	ck_assert_str_eq(dec_rv_op_name(DEC_RV_OP_SH1ADD_UW), "sh1add.uw");
	ck_assert_str_eq(dec_rv_op_name(DEC_RV_OP_COUNT), "unknown");
}
END_TEST

START_TEST(immediates_at_their_extremes)
{
	/* I */
	CHECK_FIELDS(0x80058513, ADDI, 10, 11, 0, -2048, 4);
	CHECK_FIELDS(0x7ff58513, ADDI, 10, 11, 0, 2047, 4);
	/* S */
	CHECK_FIELDS(0x80a5b023, SD, 0, 11, 10, -2048, 4);
	CHECK_FIELDS(0x7ea13fa3, SD, 0, 2, 10, 2047, 4);
	/* B */
	CHECK_FIELDS(0x80000063, BEQ, 0, 0, 0, -4096, 4);
	CHECK_FIELDS(0x7e000fe3, BEQ, 0, 0, 0, 4094, 4);
	/* U: the shifted value */
	CHECK_FIELDS(0xfffff537, LUI, 10, 0, 0, -4096, 4);
	CHECK_FIELDS(0x80000517, AUIPC, 10, 0, 0, INT32_MIN, 4);
	/* J */
	CHECK_FIELDS(0x8000006f, JAL, 0, 0, 0, -1048576, 4);
	CHECK_FIELDS(0x7ffff06f, JAL, 0, 0, 0, 1048574, 4);
	/* shift amount, CSR immediate */
	CHECK_FIELDS(0x43f5d513, SRAI, 10, 11, 0, 63, 4);
	CHECK_FIELDS(0x100fd573, CSRRWI, 10, 0, 0, 31, 4);
}
END_TEST

START_TEST(compressed_immediates_at_their_extremes)
{
	/* CI */
	CHECK_FIELDS(0x1501, ADDI, 10, 10, 0, -32, 2);
	CHECK_FIELDS(0x057d, ADDI, 10, 10, 0, 31, 2);
	CHECK_FIELDS(0x7501, LUI, 10, 0, 0, -131072, 2);
	CHECK_FIELDS(0x657d, LUI, 10, 0, 0, 0x1f000, 2);
	CHECK_FIELDS(0x7101, ADDI, 2, 2, 0, -512, 2);
	CHECK_FIELDS(0x617d, ADDI, 2, 2, 0, 496, 2);
	CHECK_FIELDS(0x757e, LD, 10, 2, 0, 504, 2);
	CHECK_FIELDS(0x557e, LW, 10, 2, 0, 252, 2);
	CHECK_FIELDS(0x157e, SLLI, 10, 10, 0, 63, 2);
	/* CSS */
	CHECK_FIELDS(0xffaa, SD, 0, 2, 10, 504, 2);
	CHECK_FIELDS(0xdfaa, SW, 0, 2, 10, 252, 2);
	/* CIW, CL, CS */
	CHECK_FIELDS(0x1fe8, ADDI, 10, 2, 0, 1020, 2);
	CHECK_FIELDS(0x7de8, LD, 10, 11, 0, 248, 2);
	CHECK_FIELDS(0xfde8, SD, 0, 11, 10, 248, 2);
	CHECK_FIELDS(0x5dfc, LW, 15, 11, 0, 124, 2);
	/* CB */
	CHECK_FIELDS(0xd101, BEQ, 0, 10, 0, -256, 2);
	CHECK_FIELDS(0xed7d, BNE, 0, 10, 0, 254, 2);
	CHECK_FIELDS(0x957d, SRAI, 10, 10, 0, 63, 2);
	CHECK_FIELDS(0x997d, ANDI, 10, 10, 0, -1, 2);
	/* CJ */
	CHECK_FIELDS(0xb001, JAL, 0, 0, 0, -2048, 2);
	CHECK_FIELDS(0xaffd, JAL, 0, 0, 0, 2046, 2);
	/* CR: c.mv is add rd, x0, rs2; c.jalr links through ra */
	CHECK_FIELDS(0x852e, ADD, 10, 0, 11, 0, 2);
	CHECK_FIELDS(0x9502, JALR, 1, 10, 0, 0, 2);
	CHECK_FIELDS(0x8502, JALR, 0, 10, 0, 0, 2);
}
END_TEST

START_TEST(csr_and_ordering_fields)
{
	dec_rv_insn in = decode_ok(0xfff5a573); /* csrrs a0, 0xfff, a1 */
	ck_assert_uint_eq(in.op, DEC_RV_OP_CSRRS);
	ck_assert_uint_eq(in.csr, 0xfff);
	ck_assert_uint_eq(in.rs1, 11);
	in = decode_ok(0x1605a52f); /* lr.w.aqrl */
	ck_assert_uint_eq(in.op, DEC_RV_OP_LR_W);
	ck_assert_uint_eq(in.flags, DEC_RV_AQ | DEC_RV_RL);
	in = decode_ok(0x0cc5b52f); /* amoswap.d.aq */
	ck_assert_uint_eq(in.flags, DEC_RV_AQ);
	in = decode_ok(0x8330000f); /* fence.tso: fm 1000, pred rw, succ rw */
	ck_assert_uint_eq(in.op, DEC_RV_OP_FENCE);
	ck_assert_int_eq(in.imm, 0x833);
}
END_TEST

/* The manual has base implementations ignore these fields, so they decode as plain fences. */
START_TEST(fence_ignores_reserved_fields)
{
	ck_assert_uint_eq(decode_ok(0x0ff5000f).op, DEC_RV_OP_FENCE);	/* rs1 = a0 */
	ck_assert_uint_eq(decode_ok(0x0ff0050f).op, DEC_RV_OP_FENCE);	/* rd = a0 */
	ck_assert_uint_eq(decode_ok(0xf330000f).op, DEC_RV_OP_FENCE);	/* fm = 1111 */
	ck_assert_uint_eq(decode_ok(0x0010100f).op, DEC_RV_OP_FENCE_I); /* imm = 1 */
}
END_TEST

START_TEST(illegal_keeps_its_length)
{
	dec_rv_insn in;
	ck_assert(!dec_rv_decode(0x0000, &in));
	ck_assert_uint_eq(in.len, 2);
	ck_assert(!dec_rv_decode(0x00c5f553, &in));
	ck_assert_uint_eq(in.len, 4);
	ck_assert_uint_eq(dec_rv_insn_len(0x0001), 2);
	ck_assert_uint_eq(dec_rv_insn_len(0x0003), 4);
	ck_assert_uint_eq(dec_rv_insn_len(0x001f), 0);
}
END_TEST

START_TEST(csr_names_as_objdump_spells_them)
{
	static const struct {
		unsigned csr;
		const char *name;
	} named[] = {
	    {0x100, "sstatus"},	     {0x180, "satp"},	       {0x200, "vsstatus"},
	    {0x24d, "vstimecmp"},    {0x600, "hstatus"},       {0x60a, "henvcfg"},
	    {0x643, "htval"},	     {0x64a, "htinst"},	       {0x680, "hgatp"},
	    {0xe12, "hgeip"},	     {0x30a, "menvcfg"},       {0x747, "mseccfg"},
	    {0x3a0, "pmpcfg0"},	     {0x3af, "pmpcfg15"},      {0x3b0, "pmpaddr0"},
	    {0x3ef, "pmpaddr63"},    {0xb03, "mhpmcounter3"},  {0xb9f, "mhpmcounter31h"},
	    {0xc03, "hpmcounter3"},  {0xc9f, "hpmcounter31h"}, {0x323, "mhpmevent3"},
	    {0x73f, "mhpmevent31h"}, {0x7b2, "dscratch0"},     {0xf14, "mhartid"},
	};
	char buf[32];
	for (unsigned i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		ck_assert(dec_rv_csr_name(named[i].csr, buf, sizeof(buf)));
		ck_assert_str_eq(buf, named[i].name);
	}
	ck_assert(!dec_rv_csr_name(0x7c0, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "0x7c0");
	ck_assert(!dec_rv_csr_name(0x3f0, buf, sizeof(buf))); /* one past pmpaddr63 */
	ck_assert_str_eq(buf, "0x3f0");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("rv_disasm");
	TCase *text = tcase_create("text");
	TCase *reject = tcase_create("reject");
	TCase *record = tcase_create("record");

	tcase_add_test(text, base_integer_text);
	tcase_add_test(text, control_transfer_text);
	tcase_add_test(text, system_and_csr_text);
	tcase_add_test(text, extension_text);
	tcase_add_test(text, compressed_text);
	tcase_add_test(text, text_truncates_to_the_buffer);
	tcase_add_test(text, csr_names_as_objdump_spells_them);
	suite_add_tcase(s, text);

	tcase_add_test(reject, reserved_compressed_rejected);
	tcase_add_test(reject, floating_point_and_vector_rejected);
	tcase_add_test(reject, reserved_32bit_rejected);
	suite_add_tcase(s, reject);

	tcase_add_test(record, record_is_compact);
	tcase_add_test(record, immediates_at_their_extremes);
	tcase_add_test(record, compressed_immediates_at_their_extremes);
	tcase_add_test(record, csr_and_ordering_fields);
	tcase_add_test(record, fence_ignores_reserved_fields);
	tcase_add_test(record, illegal_keeps_its_length);
	suite_add_tcase(s, record);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
