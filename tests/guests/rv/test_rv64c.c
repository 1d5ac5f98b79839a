/* C extension (RV64C): every compressed integer instruction through its explicit c. mnemonic,
 * so the assembler cannot pick the 32-bit form. Expected values come from each instruction's
 * expansion in the ISA manual's "C" chapter. (c.ebreak is in test_traps.c; the FP loads and
 * stores are in test_traps.c as illegal instructions while mstatus.FS = 0.) */
#include "testlib.h"

#define ALL1 UINT64_C(0xffffffffffffffff)

/* Runs "insn" with a0 = a, a1 = b and returns a0. a0/a1 are x10/x11, in the compressed
 * register set x8-x15. */
#define C2(insn, a, b)                                                                             \
	({                                                                                         \
		register uint64_t a0_ __asm__("a0") = tl_opaque(a);                                \
		register uint64_t a1_ __asm__("a1") = tl_opaque(b);                                \
		__asm__ volatile(insn : "+r"(a0_) : "r"(a1_));                                     \
		a0_;                                                                               \
	})

static void t_immediates(void)
{
	CHECK_EQ(C2("c.li a0, -32", 0, 0), 0xffffffffffffffe0);
	CHECK_EQ(C2("c.li a0, 31", 0, 0), 31);
	/* c.lui: nzimm[17:12] sign-extended */
	CHECK_EQ(C2("c.lui a0, 0xfffff", 0, 0), 0xfffffffffffff000);
	CHECK_EQ(C2("c.lui a0, 0xfffe0", 0, 0), 0xfffffffffffe0000);
	CHECK_EQ(C2("c.lui a0, 0x1f", 0, 0), 0x1f000);
	CHECK_EQ(C2("c.addi a0, -32", 0, 0), 0xffffffffffffffe0);
	CHECK_EQ(C2("c.addi a0, 31", 0x7fffffffffffffff, 0), 0x800000000000001e);
	/* c.addiw: 32-bit add, sign-extended; imm 0 is sext.w */
	CHECK_EQ(C2("c.addiw a0, 1", 0x7fffffff, 0), 0xffffffff80000000);
	CHECK_EQ(C2("c.addiw a0, 0", 0x1ffffffff, 0), ALL1);
	CHECK_EQ(C2("c.addiw a0, -1", 0, 0), ALL1);
	CHECK_EQ(C2("c.nop", 7, 0), 7);
}

static void t_shifts_and_logic(void)
{
	CHECK_EQ(C2("c.slli a0, 63", 1, 0), 0x8000000000000000);
	CHECK_EQ(C2("c.slli a0, 1", 0xc000000000000000, 0), 0x8000000000000000);
	CHECK_EQ(C2("c.srli a0, 63", 0x8000000000000000, 0), 1);
	CHECK_EQ(C2("c.srli a0, 32", ALL1, 0), 0xffffffff);
	CHECK_EQ(C2("c.srai a0, 63", 0x8000000000000000, 0), ALL1);
	CHECK_EQ(C2("c.srai a0, 4", 0x8000000000000000, 0), 0xf800000000000000);
	CHECK_EQ(C2("c.andi a0, -32", ALL1, 0), 0xffffffffffffffe0);
	CHECK_EQ(C2("c.andi a0, 0x1f", 0x1234, 0), 0x14);
	CHECK_EQ(C2("c.and a0, a1", 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0), 0x0f000f000f000f00);
	CHECK_EQ(C2("c.or a0, a1", 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0), 0xfff0fff0fff0fff0);
	CHECK_EQ(C2("c.xor a0, a1", 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0), 0xf0f0f0f0f0f0f0f0);
	CHECK_EQ(C2("c.sub a0, a1", 0, 1), ALL1);
	CHECK_EQ(C2("c.subw a0, a1", 0x80000000, 1), 0x7fffffff);
	CHECK_EQ(C2("c.subw a0, a1", 0, 1), ALL1);
	CHECK_EQ(C2("c.addw a0, a1", 0x7fffffff, 1), 0xffffffff80000000);
	CHECK_EQ(C2("c.addw a0, a1", 0x100000005, 0x200000003), 8);
	CHECK_EQ(C2("c.add a0, a1", 0x7fffffffffffffff, 1), 0x8000000000000000);
	CHECK_EQ(C2("c.mv a0, a1", 0, 0x123456789abcdef0), 0x123456789abcdef0);
}

static uint64_t stack_words[64] __attribute__((aligned(16)));

/* Runs insn with sp pointing at stack_words (a0 = a, a1 = b); returns a0. */
#define C_SP(insn, a, b)                                                                           \
	({                                                                                         \
		register uint64_t a0_ __asm__("a0") = tl_opaque(a);                                \
		register uint64_t a1_ __asm__("a1") = tl_opaque(b);                                \
		__asm__ volatile("mv t0, sp\n\tmv sp, %2\n\t" insn "\n\tmv sp, t0"                 \
				 : "+r"(a0_)                                                       \
				 : "r"(a1_), "r"((uint64_t)(uintptr_t)stack_words)                 \
				 : "t0", "memory");                                                \
		a0_;                                                                               \
	})

static void t_sp_relative(void)
{
	uint64_t base = (uint64_t)(uintptr_t)stack_words;
	for (unsigned i = 0; i < 64; i++)
		stack_words[i] = 0;
	stack_words[1] = 0x8000000180000002;
	/* c.lwsp: offset 12 is the upper word of stack_words[1], sign-extended */
	CHECK_EQ(C_SP("c.lwsp a0, 12(sp)", 0, 0), 0xffffffff80000001);
	CHECK_EQ(C_SP("c.lwsp a0, 8(sp)", 0, 0), 0xffffffff80000002);
	CHECK_EQ(C_SP("c.ldsp a0, 8(sp)", 0, 0), 0x8000000180000002);
	C_SP("c.sdsp a1, 504(sp)", 0, 0x1122334455667788); /* the largest offset: 63 * 8 */
	CHECK_EQ(stack_words[63], 0x1122334455667788);
	C_SP("c.swsp a1, 252(sp)", 0, 0xffffffffaabbccdd); /* 63 * 4: stores the low word */
	CHECK_EQ(stack_words[31], 0xaabbccdd00000000);
	/* c.addi4spn: rd' = sp + nzuimm */
	CHECK_EQ(C_SP("c.addi4spn a0, sp, 1020", 0, 0), base + 1020);
	CHECK_EQ(C_SP("c.addi4spn a0, sp, 4", 0, 0), base + 4);
	/* c.addi16sp: sp += nzimm, multiples of 16 in [-512, 496] */
	CHECK_EQ(C_SP("c.addi16sp sp, -512\n\tmv a0, sp", 0, 0), base - 512);
	CHECK_EQ(C_SP("c.addi16sp sp, 496\n\tmv a0, sp", 0, 0), base + 496);
	CHECK_EQ(C_SP("c.addi16sp sp, 16\n\tmv a0, sp", 0, 0), base + 16);
}

static uint64_t words[4] __attribute__((aligned(16)));

static void t_loads_stores(void)
{
	uint64_t b = (uint64_t)(uintptr_t)words;
	words[0] = 0xfedcba9880000001;
	words[1] = 0;
	words[2] = 0;
	words[3] = 0;
	CHECK_EQ(C2("c.lw a0, 0(a1)", 0, b), 0xffffffff80000001);
	CHECK_EQ(C2("c.lw a0, 4(a1)", 0, b), 0xfffffffffedcba98);
	CHECK_EQ(C2("c.ld a0, 0(a1)", 0, b), 0xfedcba9880000001);
	C2("c.sd a0, 8(a1)", 0x0102030405060708, b);
	CHECK_EQ(words[1], 0x0102030405060708);
	C2("c.sw a0, 20(a1)", 0xffffffff99999999, b);
	CHECK_EQ(words[2], 0x9999999900000000);
	C2("c.sd a0, 24(a1)", 0x55, b);
	CHECK_EQ(C2("c.ld a0, 24(a1)", 0, b), 0x55);
}

static void t_control(void)
{
	uint64_t taken, link, here;
	/* c.beqz / c.bnez: a0 = 1 when taken */
#define CB(insn, v)                                                                                \
	({                                                                                         \
		register uint64_t s_ __asm__("a1") = tl_opaque(v);                                 \
		register uint64_t t_ __asm__("a0") = 1;                                            \
		__asm__ volatile(insn " a1, 1f\n\tli a0, 0\n1:" : "+r"(t_) : "r"(s_));             \
		t_;                                                                                \
	})
	CHECK_EQ(CB("c.beqz", 0), 1);
	CHECK_EQ(CB("c.beqz", 0x8000000000000000), 0);
	CHECK_EQ(CB("c.bnez", 0x100000000), 1);
	CHECK_EQ(CB("c.bnez", 0), 0);
#undef CB
	__asm__ volatile("li %0, 1\n\tc.j 1f\n\tli %0, 0\n1:" : "=&r"(taken));
	CHECK_EQ(taken, 1);
	/* c.jalr: ra = pc + 2 */
	__asm__ volatile("lla t0, 1f\n\tc.jalr t0\n2:\tj 3f\n1:\tmv %0, ra\n\tlla %1, 2b\n3:"
			 : "=&r"(link), "=&r"(here)
			 :
			 : "t0", "ra");
	CHECK_EQ(link, here);
	/* c.jr: jumps without a link */
	__asm__ volatile("li %0, 0\n\tlla t0, 1f\n\tc.jr t0\n\tli %0, 5\n1:"
			 : "=&r"(taken)
			 :
			 : "t0");
	CHECK_EQ(taken, 0);
	/* a 32-bit instruction at a 2-byte aligned address after a compressed one */
	__asm__ volatile("c.li %0, 3\n\taddi %0, %0, 0x7ff\n\tc.addi %0, 1" : "=&r"(taken));
	CHECK_EQ(taken, 3 + 0x7ff + 1);
}

int main(void)
{
	tl_init("rv64c");
	tl_test("c.li/c.lui/c.addi/c.addiw/c.nop", t_immediates);
	tl_test("shifts and logic", t_shifts_and_logic);
	tl_test("sp-relative", t_sp_relative);
	tl_test("c.lw/c.ld/c.sw/c.sd", t_loads_stores);
	tl_test("branches and jumps", t_control);
	return tl_finish();
}
