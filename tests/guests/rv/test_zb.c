/* Zba and Zbb: every instruction with chosen operands, expected values from the definitions in
 * the bit-manipulation chapter of the ISA manual (comments give the arithmetic). */
#include "testlib.h"

#define RR(insn, a, b)                                                                             \
	({                                                                                         \
		uint64_t r_;                                                                       \
		__asm__ volatile(insn " %0, %1, %2"                                                \
				 : "=r"(r_)                                                        \
				 : "r"(tl_opaque(a)), "r"(tl_opaque(b)));                          \
		r_;                                                                                \
	})
#define RI(insn, a, imm)                                                                           \
	({                                                                                         \
		uint64_t r_;                                                                       \
		__asm__ volatile(insn " %0, %1, " #imm : "=r"(r_) : "r"(tl_opaque(a)));            \
		r_;                                                                                \
	})
#define R1(insn, a)                                                                                \
	({                                                                                         \
		uint64_t r_;                                                                       \
		__asm__ volatile(insn " %0, %1" : "=r"(r_) : "r"(tl_opaque(a)));                   \
		r_;                                                                                \
	})

#define MIN64 UINT64_C(0x8000000000000000)
#define MAX64 UINT64_C(0x7fffffffffffffff)
#define ALL1  UINT64_C(0xffffffffffffffff)

static void t_zba(void)
{
	/* add.uw: rs2 + zext32(rs1) */
	CHECK_EQ(RR("add.uw", 0xffffffff80000000, 1), 0x80000001);
	CHECK_EQ(RR("add.uw", ALL1, 0), 0xffffffff); /* zext.w */
	CHECK_EQ(RR("sh1add", 3, 100), 106);
	CHECK_EQ(RR("sh1add", MIN64, 0), 0); /* the shifted-out bit is lost */
	CHECK_EQ(RR("sh2add", 0x4000000000000001, 1), 5);
	CHECK_EQ(RR("sh3add", 0x1000000000000002, 3), 0x8000000000000013);
	CHECK_EQ(RR("sh1add.uw", 0xffffffff00000001, 0), 2);
	CHECK_EQ(RR("sh2add.uw", 0x180000000, 0x10), 0x200000010);
	CHECK_EQ(RR("sh3add.uw", ALL1, 0), 0x7fffffff8);
	/* slli.uw: zext32(rs1) << shamt */
	CHECK_EQ(RI("slli.uw", ALL1, 63), MIN64);
	CHECK_EQ(RI("slli.uw", 0x180000001, 4), 0x800000010);
	CHECK_EQ(RI("slli.uw", 0xffffffff00000000, 0), 0);
}

static void t_logic(void)
{
	CHECK_EQ(RR("andn", 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0), 0xf000f000f000f000);
	CHECK_EQ(RR("orn", 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0), 0xff0fff0fff0fff0f);
	CHECK_EQ(RR("xnor", 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0), 0x0f0f0f0f0f0f0f0f);
	CHECK_EQ(RR("orn", 0, 0), ALL1);
}

static void t_counts(void)
{
	CHECK_EQ(R1("clz", 0), 64);
	CHECK_EQ(R1("clz", 1), 63);
	CHECK_EQ(R1("clz", MIN64), 0);
	CHECK_EQ(R1("clz", 0xffffffff), 32);
	CHECK_EQ(R1("clzw", 0), 32);
	CHECK_EQ(R1("clzw", 0xffffffff00000001), 31); /* upper word ignored */
	CHECK_EQ(R1("clzw", 0x80000000), 0);
	CHECK_EQ(R1("ctz", 0), 64);
	CHECK_EQ(R1("ctz", MIN64), 63);
	CHECK_EQ(R1("ctz", 0x100), 8);
	CHECK_EQ(R1("ctzw", 0), 32);
	CHECK_EQ(R1("ctzw", 0x100000000), 32); /* the low word is zero */
	CHECK_EQ(R1("ctzw", 0x80000000), 31);
	CHECK_EQ(R1("cpop", ALL1), 64);
	CHECK_EQ(R1("cpop", 0), 0);
	CHECK_EQ(R1("cpop", 0x5555555555555555), 32);
	CHECK_EQ(R1("cpopw", ALL1), 32);
	CHECK_EQ(R1("cpopw", 0xffffffff00000007), 3);
}

static void t_minmax(void)
{
	CHECK_EQ(RR("max", ALL1, 1), 1);
	CHECK_EQ(RR("max", MIN64, MAX64), MAX64);
	CHECK_EQ(RR("maxu", ALL1, 1), ALL1);
	CHECK_EQ(RR("min", ALL1, 1), ALL1);
	CHECK_EQ(RR("min", MIN64, 0), MIN64);
	CHECK_EQ(RR("minu", ALL1, 1), 1);
	CHECK_EQ(RR("minu", MIN64, MAX64), MAX64);
}

static void t_extend(void)
{
	CHECK_EQ(R1("sext.b", 0x80), 0xffffffffffffff80);
	CHECK_EQ(R1("sext.b", 0x123456789abcde7f), 0x7f);
	CHECK_EQ(R1("sext.h", 0x8000), 0xffffffffffff8000);
	CHECK_EQ(R1("sext.h", 0xffff00007fff), 0x7fff);
	CHECK_EQ(R1("zext.h", 0xffffffffffff8001), 0x8001);
}

static void t_rotates(void)
{
	CHECK_EQ(RR("rol", 0x8000000000000001, 1), 3);
	CHECK_EQ(RR("rol", 0x123456789abcdef0, 64 + 4), 0x23456789abcdef01); /* rs2[5:0] */
	CHECK_EQ(RR("ror", 3, 1), 0x8000000000000001);
	CHECK_EQ(RR("ror", 0x123456789abcdef0, 4), 0x0123456789abcdef);
	CHECK_EQ(RR("ror", 0x123456789abcdef0, 0), 0x123456789abcdef0);
	CHECK_EQ(RI("rori", 0x8000000000000001, 63), 3);
	CHECK_EQ(RI("rori", 0x123456789abcdef0, 32), 0x9abcdef012345678);
	/* W rotates work on the low word and sign-extend the result */
	CHECK_EQ(RR("rolw", 0x80000001, 1), 3);
	CHECK_EQ(RR("rolw", 0x40000000, 1), 0xffffffff80000000);
	CHECK_EQ(RR("rolw", 0x40000000, 33), 0xffffffff80000000); /* rs2[4:0] = 1 */
	CHECK_EQ(RR("rorw", 1, 1), 0xffffffff80000000);
	CHECK_EQ(RR("rorw", 0x12345678, 4), 0xffffffff81234567);
	CHECK_EQ(RR("rorw", 0xffffffff00000003, 1), 0xffffffff80000001);
	CHECK_EQ(RI("roriw", 0x12345678, 8), 0x78123456);
	CHECK_EQ(RI("roriw", 0x80000000, 0), 0xffffffff80000000);
}

static void t_bytes(void)
{
	/* orc.b: each nonzero byte becomes 0xff */
	CHECK_EQ(R1("orc.b", 0x0001000000ff0080), 0x00ff000000ff00ff);
	CHECK_EQ(R1("orc.b", 0), 0);
	CHECK_EQ(R1("orc.b", 0x0102040810204080), ALL1);
	CHECK_EQ(R1("rev8", 0x0102030405060708), 0x0807060504030201);
	CHECK_EQ(R1("rev8", 0xff), 0xff00000000000000);
}

int main(void)
{
	tl_init("zba-zbb");
	tl_test("zba", t_zba);
	tl_test("andn/orn/xnor", t_logic);
	tl_test("clz/ctz/cpop", t_counts);
	tl_test("min/max", t_minmax);
	tl_test("sext/zext", t_extend);
	tl_test("rotates", t_rotates);
	tl_test("orc.b/rev8", t_bytes);
	return tl_finish();
}
