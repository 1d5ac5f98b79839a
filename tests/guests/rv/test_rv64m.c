/* M extension: multiplication high parts, division by zero and signed overflow as the ISA
 * manual's table "Semantics for division by zero and division overflow" defines them, and the
 * W forms (which sign-extend the 32-bit result). */
#include "testlib.h"

#define RR(insn, a, b)                                                                             \
	({                                                                                         \
		uint64_t r_;                                                                       \
		__asm__ volatile(insn " %0, %1, %2"                                                \
				 : "=r"(r_)                                                        \
				 : "r"(tl_opaque(a)), "r"(tl_opaque(b)));                          \
		r_;                                                                                \
	})

#define MIN64 UINT64_C(0x8000000000000000)
#define MAX64 UINT64_C(0x7fffffffffffffff)
#define ALL1  UINT64_C(0xffffffffffffffff)
#define M7    UINT64_C(0xfffffffffffffff9) /* -7 */

static void t_mul(void)
{
	CHECK_EQ(RR("mul", 6, 7), 42);
	CHECK_EQ(RR("mul", MAX64, 2), 0xfffffffffffffffe);
	CHECK_EQ(RR("mul", ALL1, ALL1), 1);
	CHECK_EQ(RR("mul", 0x123456789abcdef0, 0x10), 0x23456789abcdef00);
	/* (-2^63)^2 = 2^126: high half 2^62 */
	CHECK_EQ(RR("mulh", MIN64, MIN64), 0x4000000000000000);
	/* (2^63-1)^2 = 2^126 - 2^64 + 1: high half 2^62 - 1 */
	CHECK_EQ(RR("mulh", MAX64, MAX64), 0x3fffffffffffffff);
	CHECK_EQ(RR("mulh", ALL1, ALL1), 0);  /* (-1)(-1) = 1 */
	CHECK_EQ(RR("mulh", ALL1, 1), ALL1);  /* -1: high half all ones */
	CHECK_EQ(RR("mulh", MIN64, 2), ALL1); /* -2^64 */
	/* (2^64-1)^2 = 2^128 - 2^65 + 1: high half 2^64 - 2 */
	CHECK_EQ(RR("mulhu", ALL1, ALL1), 0xfffffffffffffffe);
	CHECK_EQ(RR("mulhu", MIN64, 2), 1);
	CHECK_EQ(RR("mulhu", 0x100000000, 0x100000000), 1);
	/* mulhsu: rs1 signed, rs2 unsigned. -1 * (2^64-1) = -2^64 + 1 */
	CHECK_EQ(RR("mulhsu", ALL1, ALL1), ALL1);
	CHECK_EQ(RR("mulhsu", 2, MIN64), 1); /* 2 * 2^63 = 2^64 */
	/* -2^63 * (2^64-1) = -2^127 + 2^63: high half 0x8000000000000000 */
	CHECK_EQ(RR("mulhsu", MIN64, ALL1), MIN64);
	CHECK_EQ(RR("mulhsu", ALL1, 1), ALL1);
}

static void t_div(void)
{
	CHECK_EQ(RR("div", 7, 2), 3);
	CHECK_EQ(RR("div", M7, 2), 0xfffffffffffffffd); /* rounds toward zero: -3 */
	CHECK_EQ(RR("div", 7, 0xfffffffffffffffe), 0xfffffffffffffffd);
	CHECK_EQ(RR("div", 5, 0), ALL1);	 /* division by zero: -1 */
	CHECK_EQ(RR("div", MIN64, ALL1), MIN64); /* overflow: the dividend */
	CHECK_EQ(RR("divu", ALL1, 2), MAX64);
	CHECK_EQ(RR("divu", 5, 0), ALL1); /* 2^64 - 1 */
	CHECK_EQ(RR("divu", MIN64, ALL1), 0);
	CHECK_EQ(RR("rem", 7, 2), 1);
	CHECK_EQ(RR("rem", M7, 2), ALL1); /* the sign of the dividend: -1 */
	CHECK_EQ(RR("rem", 7, 0xfffffffffffffffe), 1);
	CHECK_EQ(RR("rem", M7, 0), M7);	     /* by zero: the dividend */
	CHECK_EQ(RR("rem", MIN64, ALL1), 0); /* overflow: 0 */
	CHECK_EQ(RR("remu", ALL1, 10), 5);   /* 18446744073709551615 mod 10 */
	CHECK_EQ(RR("remu", M7, 0), M7);
	CHECK_EQ(RR("remu", 7, ALL1), 7);
}

static void t_word(void)
{
	CHECK_EQ(RR("mulw", 0x7fffffff, 2), 0xfffffffffffffffe);
	CHECK_EQ(RR("mulw", 0x100000001, 0x100000001), 1); /* low 32 bits of 2^64 + 2^33 + 1 */
	CHECK_EQ(RR("mulw", 0x10000, 0x8000), 0xffffffff80000000);
	CHECK_EQ(RR("divw", M7, 2), 0xfffffffffffffffd);
	CHECK_EQ(RR("divw", 0x100000007, 2), 3);		    /* upper bits ignored */
	CHECK_EQ(RR("divw", 0x80000000, ALL1), 0xffffffff80000000); /* overflow */
	CHECK_EQ(RR("divw", 5, 0), ALL1);
	CHECK_EQ(RR("divw", 5, 0x100000000), ALL1); /* low word of the divisor is 0 */
	CHECK_EQ(RR("divuw", 0xffffffff, 2), 0x7fffffff);
	CHECK_EQ(RR("divuw", 0x80000000, 1), 0xffffffff80000000); /* result sign-extended */
	CHECK_EQ(RR("divuw", 5, 0), ALL1);			  /* 2^32 - 1, sign-extended */
	CHECK_EQ(RR("remw", M7, 2), ALL1);
	CHECK_EQ(RR("remw", 0x80000000, ALL1), 0);
	CHECK_EQ(RR("remw", 0x80000001, 0), 0xffffffff80000001); /* the dividend, sign-extended */
	CHECK_EQ(RR("remuw", 0xffffffff, 10), 5);
	CHECK_EQ(RR("remuw", 0x80000005, 0), 0xffffffff80000005);
	CHECK_EQ(RR("remuw", 0x123456789, 0x100000000), 0x23456789);
}

int main(void)
{
	tl_init("rv64m");
	tl_test("mul/mulh/mulhu/mulhsu", t_mul);
	tl_test("div/divu/rem/remu", t_div);
	tl_test("W forms", t_word);
	return tl_finish();
}
