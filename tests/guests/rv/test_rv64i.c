/* RV64I and Zifencei: every instruction with chosen operands and their edge cases, plus the
 * misaligned loads and stores this hart (like QEMU) performs in hardware, including the ones
 * that cross a page. Expected values follow the ISA manual's definitions (unprivileged spec,
 * chapters "RV32I" and "RV64I"); comments give the arithmetic. */
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
/* 1 when the branch is taken. */
#define BR(insn, a, b)                                                                             \
	({                                                                                         \
		uint64_t t_ = 1;                                                                   \
		__asm__ volatile(insn " %1, %2, 1f\n\tli %0, 0\n1:"                                \
				 : "+r"(t_)                                                        \
				 : "r"(tl_opaque(a)), "r"(tl_opaque(b)));                          \
		t_;                                                                                \
	})

#define MIN64 UINT64_C(0x8000000000000000)
#define MAX64 UINT64_C(0x7fffffffffffffff)
#define ALL1  UINT64_C(0xffffffffffffffff)

static void t_upper_immediates(void)
{
	uint64_t v, here;
	__asm__ volatile("lui %0, 0x12345" : "=r"(v));
	CHECK_EQ(v, 0x12345000);
	/* bit 31 of the result is the sign: lui sign-extends to 64 bits */
	__asm__ volatile("lui %0, 0x80000" : "=r"(v));
	CHECK_EQ(v, 0xffffffff80000000);
	__asm__ volatile("lui %0, 0xfffff" : "=r"(v));
	CHECK_EQ(v, 0xfffffffffffff000);
	__asm__ volatile("1: auipc %0, 0\n\tlla %1, 1b" : "=r"(v), "=r"(here));
	CHECK_EQ(v, here);
	__asm__ volatile("1: auipc %0, 1\n\tlla %1, 1b" : "=r"(v), "=r"(here));
	CHECK_EQ(v, here + 0x1000);
	/* auipc with a negative immediate: pc - 0x1000 */
	__asm__ volatile("1: auipc %0, 0xfffff\n\tlla %1, 1b" : "=r"(v), "=r"(here));
	CHECK_EQ(v, here - 0x1000);
}

static void t_jumps(void)
{
	uint64_t link, after, target;
	/* jal: rd = pc + 4 */
	__asm__ volatile(".option push\n\t.option norvc\n\t"
			 "jal %0, 1f\n2:\tnop\n1:\tlla %1, 2b\n\t.option pop"
			 : "=&r"(link), "=&r"(after));
	CHECK_EQ(link, after);
	/* jalr clears bit 0 of the target */
	__asm__ volatile(".option push\n\t.option norvc\n\t"
			 "lla %1, 1f\n\taddi %1, %1, 1\n\t"
			 "jalr %0, 0(%1)\n2:\tj 3f\n1:\tlla %2, 2b\n3:\n\t.option pop"
			 : "=&r"(link), "=&r"(target), "=&r"(after));
	CHECK_EQ(link, after);
	/* jalr with rd == rs1: the target uses the old rs1 */
	__asm__ volatile(
	    ".option push\n\t.option norvc\n\t"
	    "lla %0, 1f\n\tjalr %0, 8(%0)\n2:\tj 3f\n1:\tnop\n\tnop\n\tlla %1, 2b\n3:\n\t"
	    ".option pop"
	    : "=&r"(link), "=&r"(after));
	CHECK_EQ(link, after);
	/* a backward jal */
	uint64_t n = 0;
	__asm__ volatile("1: addi %0, %0, 1\n\tli t0, 3\n\tbltu %0, t0, 1b" : "+r"(n) : : "t0");
	CHECK_EQ(n, 3);
}

static void t_branches(void)
{
	CHECK_EQ(BR("beq", 5, 5), 1);
	CHECK_EQ(BR("beq", 5, 6), 0);
	CHECK_EQ(BR("bne", 5, 6), 1);
	CHECK_EQ(BR("bne", MIN64, MIN64), 0);
	/* signed: -1 < 1, INT64_MIN < INT64_MAX */
	CHECK_EQ(BR("blt", ALL1, 1), 1);
	CHECK_EQ(BR("blt", 1, ALL1), 0);
	CHECK_EQ(BR("blt", MIN64, MAX64), 1);
	CHECK_EQ(BR("blt", 7, 7), 0);
	CHECK_EQ(BR("bge", 7, 7), 1);
	CHECK_EQ(BR("bge", ALL1, 1), 0);
	CHECK_EQ(BR("bge", MAX64, MIN64), 1);
	/* unsigned: 0xfff...f is the largest */
	CHECK_EQ(BR("bltu", ALL1, 1), 0);
	CHECK_EQ(BR("bltu", 1, ALL1), 1);
	CHECK_EQ(BR("bltu", 0, 0), 0);
	CHECK_EQ(BR("bgeu", ALL1, 1), 1);
	CHECK_EQ(BR("bgeu", MAX64, MIN64), 0);
	CHECK_EQ(BR("bgeu", 0, 0), 1);
}

static void t_register_immediate(void)
{
	CHECK_EQ(RI("addi", 1, 2047), 2048);
	CHECK_EQ(RI("addi", 0, -2048), 0xfffffffffffff800);
	CHECK_EQ(RI("addi", MAX64, 1), MIN64); /* wraps */
	CHECK_EQ(RI("slti", ALL1, 0), 1);
	CHECK_EQ(RI("slti", 0, -1), 0);
	CHECK_EQ(RI("slti", MIN64, -2048), 1);
	/* sltiu compares with the sign-extended immediate as unsigned: -1 is 0xfff...f */
	CHECK_EQ(RI("sltiu", 5, -1), 1);
	CHECK_EQ(RI("sltiu", ALL1, -1), 0);
	CHECK_EQ(RI("sltiu", 0, 1), 1);					  /* seqz */
	CHECK_EQ(RI("xori", 0x00ff00ff00ff00ff, -1), 0xff00ff00ff00ff00); /* not */
	CHECK_EQ(RI("xori", 0x1234, 0x7ff), 0x15cb);
	CHECK_EQ(RI("ori", 0x8000000000000000, 0x555), 0x8000000000000555);
	CHECK_EQ(RI("ori", 0, -2048), 0xfffffffffffff800);
	CHECK_EQ(RI("andi", ALL1, 0x7f0), 0x7f0);
	CHECK_EQ(RI("andi", 0x123456789abcdef0, -16), 0x123456789abcdef0);
	CHECK_EQ(RI("slli", 1, 63), MIN64);
	CHECK_EQ(RI("slli", 0x123456789abcdef0, 0), 0x123456789abcdef0);
	CHECK_EQ(RI("slli", 0x00000000ffffffff, 32), 0xffffffff00000000);
	CHECK_EQ(RI("srli", MIN64, 63), 1);
	CHECK_EQ(RI("srli", ALL1, 32), 0x00000000ffffffff);
	CHECK_EQ(RI("srai", MIN64, 63), ALL1);
	CHECK_EQ(RI("srai", MIN64, 32), 0xffffffff80000000);
	CHECK_EQ(RI("srai", MAX64, 62), 1);
}

static void t_register_register(void)
{
	CHECK_EQ(RR("add", MAX64, 1), MIN64);
	CHECK_EQ(RR("add", ALL1, ALL1), 0xfffffffffffffffe);
	CHECK_EQ(RR("sub", 0, 1), ALL1);
	CHECK_EQ(RR("sub", MIN64, 1), MAX64);
	/* shift amounts use rs2[5:0] */
	CHECK_EQ(RR("sll", 1, 63), MIN64);
	CHECK_EQ(RR("sll", 1, 64 + 3), 8);
	CHECK_EQ(RR("srl", MIN64, 63), 1);
	CHECK_EQ(RR("srl", MIN64, 128 + 4), 0x0800000000000000);
	CHECK_EQ(RR("sra", MIN64, 63), ALL1);
	CHECK_EQ(RR("sra", MIN64, 64 + 4), 0xf800000000000000);
	CHECK_EQ(RR("slt", MIN64, 0), 1);
	CHECK_EQ(RR("slt", 0, MIN64), 0);
	CHECK_EQ(RR("sltu", 0, MIN64), 1);
	CHECK_EQ(RR("sltu", MIN64, 0), 0);
	CHECK_EQ(RR("sltu", 0, 1), 1); /* snez */
	CHECK_EQ(RR("xor", 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0), 0xf0f0f0f0f0f0f0f0);
	CHECK_EQ(RR("or", 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0), 0xfff0fff0fff0fff0);
	CHECK_EQ(RR("and", 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0), 0x0f000f000f000f00);
}

/* W instructions compute on the low 32 bits and sign-extend bit 31 of the result. */
static void t_word_ops(void)
{
	CHECK_EQ(RI("addiw", 0x7fffffff, 1), 0xffffffff80000000);
	CHECK_EQ(RI("addiw", 0xffffffff00000001, -2), ALL1); /* upper bits ignored */
	CHECK_EQ(RI("addiw", 0x123456789, 0), 0x23456789);   /* sext.w */
	CHECK_EQ(RI("slliw", 1, 31), 0xffffffff80000000);
	CHECK_EQ(RI("slliw", 0xffffffff00000003, 1), 6);
	/* srliw by 0 still sign-extends the 32-bit value */
	CHECK_EQ(RI("srliw", 0x80000000, 0), 0xffffffff80000000);
	CHECK_EQ(RI("srliw", 0xffffffff80000000, 31), 1);
	CHECK_EQ(RI("srliw", 0x80000000, 1), 0x40000000);
	CHECK_EQ(RI("sraiw", 0x80000000, 31), ALL1);
	CHECK_EQ(RI("sraiw", 0x1700000000, 4), 0); /* only the low word is shifted */
	CHECK_EQ(RR("addw", 0x7fffffff, 1), 0xffffffff80000000);
	CHECK_EQ(RR("addw", 0x100000000, 0x100000000), 0);
	CHECK_EQ(RR("subw", 0, 1), ALL1);
	CHECK_EQ(RR("subw", 0x80000000, 1), 0x7fffffff);
	/* shift amounts use rs2[4:0] */
	CHECK_EQ(RR("sllw", 1, 31), 0xffffffff80000000);
	CHECK_EQ(RR("sllw", 1, 32 + 1), 2);
	CHECK_EQ(RR("srlw", 0x80000000, 31), 1);
	CHECK_EQ(RR("srlw", 0xffffffff, 32), ALL1); /* shift 0, sign-extended */
	CHECK_EQ(RR("sraw", 0x80000000, 31), ALL1);
	CHECK_EQ(RR("sraw", 0x80000000, 63), ALL1); /* 63 & 31 = 31 */
	CHECK_EQ(RR("sraw", 0x40000000, 30), 1);
}

static uint8_t buf[32] __attribute__((aligned(16)));
static uint8_t cross[8192] __attribute__((aligned(4096)));

static void fill(uint8_t *p, unsigned n, uint8_t first)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(first + i);
}

static void t_loads(void)
{
	uint64_t b = (uint64_t)(uintptr_t)buf, v;
	fill(buf, 16, 0x81); /* bytes 0x81 0x82 ... 0x90 */
	CHECK_EQ(tl_lb(b), 0xffffffffffffff81);
	CHECK_EQ(tl_lbu(b), 0x81);
	CHECK_EQ(tl_lh(b), 0xffffffffffff8281);
	CHECK_EQ(tl_lhu(b), 0x8281);
	CHECK_EQ(tl_lw(b), 0xffffffff84838281);
	CHECK_EQ(tl_lwu(b), 0x84838281);
	CHECK_EQ(tl_ld(b), 0x8887868584838281);
	/* negative and positive offsets */
	__asm__ volatile("ld %0, -8(%1)" : "=r"(v) : "r"(b + 16));
	CHECK_EQ(v, 0x908f8e8d8c8b8a89);
	__asm__ volatile("lbu %0, 15(%1)" : "=r"(v) : "r"(b));
	CHECK_EQ(v, 0x90);
	/* positive values: no sign extension */
	buf[0] = 0x7f;
	buf[1] = 0x00;
	CHECK_EQ(tl_lb(b), 0x7f);
	CHECK_EQ(tl_lh(b), 0x7f);
	/* loads into x0 are discarded */
	__asm__ volatile("ld x0, 0(%0)\n\tmv %0, x0" : "+r"(b));
	CHECK_EQ(b, 0);
}

static void t_stores(void)
{
	uint64_t b = (uint64_t)(uintptr_t)buf;
	for (unsigned i = 0; i < 16; i++)
		buf[i] = 0;
	tl_sd(b, 0x1122334455667788);
	CHECK_EQ(tl_ld(b), 0x1122334455667788);
	tl_sw(b, 0xffffffffaabbccdd); /* only the low bytes are stored */
	CHECK_EQ(tl_ld(b), 0x11223344aabbccdd);
	tl_sh(b + 2, 0x12345678eeff);
	CHECK_EQ(tl_ld(b), 0x11223344eeffccdd);
	tl_sb(b + 7, 0x99);
	CHECK_EQ(tl_ld(b), 0x99223344eeffccdd);
	__asm__ volatile("sd %0, 8(%1)" ::"r"(UINT64_C(0x0102030405060708)), "r"(b) : "memory");
	CHECK_EQ(tl_ld(b + 8), 0x0102030405060708);
}

/* Misaligned accesses are done in hardware by both machines, also across a page boundary. */
static void t_misaligned(void)
{
	uint64_t b = (uint64_t)(uintptr_t)buf;
	fill(buf, 16, 0x81);
	CHECK_EQ(tl_lh(b + 1), 0xffffffffffff8382);
	CHECK_EQ(tl_lhu(b + 7), 0x8988);
	CHECK_EQ(tl_lw(b + 1), 0xffffffff85848382);
	CHECK_EQ(tl_lwu(b + 3), 0x87868584);
	CHECK_EQ(tl_ld(b + 3), 0x8b8a898887868584);
	CHECK_EQ(tl_ld(b + 7), 0x8f8e8d8c8b8a8988);
	/* bytes 5..12 become ef cd ab 89 67 45 23 01 */
	tl_sd(b + 5, 0x0123456789abcdef);
	CHECK_EQ(tl_ld(b), 0xabcdef8584838281);
	CHECK_EQ(tl_ld(b + 8), 0x908f8e0123456789);
	tl_sw(b + 13, 0xa1b2c3d4);
	CHECK_EQ(tl_lwu(b + 13), 0xa1b2c3d4);
	tl_sh(b + 15, 0x5566);
	CHECK_EQ(tl_lbu(b + 15), 0x66);
	CHECK_EQ(tl_lbu(b + 16), 0x55);

	/* across the page boundary at cross + 4096: bytes edge-8 .. edge+7 are 0x10 .. 0x1f */
	uint64_t edge = (uint64_t)(uintptr_t)cross + 4096;
	fill(cross + 4096 - 8, 16, 0x10);
	CHECK_EQ(tl_ld(edge - 4), 0x1b1a191817161514);
	CHECK_EQ(tl_lw(edge - 1), 0x1a191817);
	CHECK_EQ(tl_lh(edge - 1), 0x1817);
	/* bytes edge-3 .. edge+4 become f8 f7 f6 f5 f4 f3 f2 f1 */
	tl_sd(edge - 3, 0xf1f2f3f4f5f6f7f8);
	CHECK_EQ(tl_ld(edge - 8), 0xf6f7f81413121110);
	CHECK_EQ(tl_ld(edge), 0x1f1e1df1f2f3f4f5);
}

static void t_fence(void)
{
	/* fence, fence.tso and pause (fence w,0) retire without effect on one hart */
	uint64_t v = 1;
	__asm__ volatile(
	    "fence\n\tfence rw, rw\n\tfence r, r\n\tfence.tso\n\t.insn i 0x0f, 0, x0, x0, 0x010\n\t"
	    "addi %0, %0, 1"
	    : "+r"(v)::"memory");
	CHECK_EQ(v, 2);
}

/* Zifencei: code written by stores runs after fence.i. */
static uint32_t code[4] __attribute__((aligned(16)));

static uint64_t run_code(void)
{
	uint64_t r;
	__asm__ volatile("jalr ra, 0(%1)\n\tmv %0, a0"
			 : "=r"(r)
			 : "r"((uint64_t)(uintptr_t)code)
			 : "ra", "a0", "memory");
	return r;
}

static void t_fence_i(void)
{
	code[0] = 0x02a00513; /* addi a0, zero, 42 */
	code[1] = 0x00008067; /* jalr zero, 0(ra) */
	__asm__ volatile("fence.i" ::: "memory");
	CHECK_EQ(run_code(), 42);
	code[0] = 0x00700513; /* addi a0, zero, 7 */
	__asm__ volatile("fence.i" ::: "memory");
	CHECK_EQ(run_code(), 7);
	code[0] = 0xfff00513; /* addi a0, zero, -1 */
	__asm__ volatile("fence.i" ::: "memory");
	CHECK_EQ(run_code(), ALL1);
}

static void t_x0(void)
{
	uint64_t v;
	__asm__ volatile("addi x0, x0, 5\n\tlui x0, 1\n\tmv %0, x0" : "=r"(v));
	CHECK_EQ(v, 0);
}

int main(void)
{
	tl_init("rv64i");
	tl_test("lui/auipc", t_upper_immediates);
	tl_test("jal/jalr", t_jumps);
	tl_test("branches", t_branches);
	tl_test("register-immediate", t_register_immediate);
	tl_test("register-register", t_register_register);
	tl_test("word ops", t_word_ops);
	tl_test("loads", t_loads);
	tl_test("stores", t_stores);
	tl_test("misaligned loads/stores", t_misaligned);
	tl_test("fence", t_fence);
	tl_test("fence.i", t_fence_i);
	tl_test("x0", t_x0);
	return tl_finish();
}
