/* Unit tests for the AArch64 hart: hand-written programs checked against architectural
 * results worked out from the Arm ARM (DDI0487): register values and NZCV, exceptions taken to
 * EL1 (vector, ESR_EL1, ELR_EL1, SPSR_EL1, FAR_EL1), exits to EL2 (ESR_EL2 with its ISS,
 * ELR_EL2, SPSR_EL2, FAR_EL2, HPFAR_EL2), interrupts and the generic timer.
 *
 * The instruction words come from GNU as 2.40; the assembly is in the comment beside each.
 * Programs run at EL1h from CODE with the MMU off (data accesses are then Device memory:
 * aligned, as the Arm ARM requires) and end with BRK, which el1_trap_stop turns into a stop.
 */
#include "emu/a64_hart.h"

#include <check.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define RAM_BASE UINT64_C(0x40000000)
#define RAM_SIZE (UINT64_C(4) << 20)
#define VBAR1	 (RAM_BASE + 0x8000)
#define VBAR2	 (RAM_BASE + 0xa000)
#define CODE	 (RAM_BASE + 0x10000)
#define S2_TABLE (RAM_BASE + 0x20000)
#define DATA	 (RAM_BASE + 0x100100)
#define STACK	 (RAM_BASE + 0x200000)

#define ESR_IL	    UINT64_C(0x02000000)
#define EC(ec)	    ((uint64_t)(ec) << 26 | ESR_IL)
#define SPSR_EL1H   UINT64_C(0x5)
#define DAIF_MASK   UINT64_C(0x3c0)
#define HCR_RW	    (UINT64_C(1) << 31)
#define SYSREG(...) DEC_A64_SYSREG(__VA_ARGS__)

static emu_bus bus;
static a64_hart hart;
static a64_hart *const h = &hart;

static void setup(void)
{
	ck_assert(emu_bus_init(&bus, RAM_BASE, RAM_SIZE));
	ck_assert(a64_hart_init(h, &bus, 0, CODE));
	h->el1_trap_stop = true;
	h->vbar_el1 = VBAR1;
	h->vbar_el2 = VBAR2;
	h->x[A64_XSP] = STACK;
}

static void teardown(void)
{
	a64_hart_free(h);
	emu_bus_free(&bus);
}

static void load(uint64_t addr, const uint32_t *words, size_t bytes)
{
	memcpy(emu_ram_ptr(&bus, addr, bytes), words, bytes);
}

static uint64_t mem64(uint64_t addr)
{
	uint64_t v;
	memcpy(&v, emu_ram_ptr(&bus, addr, 8), 8);
	return v;
}

static void set_mem64(uint64_t addr, uint64_t v)
{
	memcpy(emu_ram_ptr(&bus, addr, 8), &v, 8);
}

#define LOAD(addr, words) load((addr), (words), sizeof(words))

/* Back to EL1h with DAIF masked at pc (the state a test's next snippet starts from). */
static void at_el1(uint64_t pc)
{
	a64_set_el(h, A64_EL1, true);
	h->daif = 0xf;
	h->pc = pc;
}

/* Runs until the program stops; checks the reason. */
static void run_expect(a64_stop want)
{
	a64_stop got = a64_run(h, 100000);
	ck_assert_msg(got == want,
		      "stopped with %d, want %d (pc 0x%" PRIx64 ", ESR_EL1 0x%" PRIx64
		      ", ESR_EL2 0x%" PRIx64 ")",
		      got, want, h->pc, h->esr_el1, h->esr_el2);
}

/* The program's closing BRK #0 at brk_pc was reached (and nothing else was taken). */
static void expect_brk(uint64_t brk_pc)
{
	run_expect(A64_STOP_EL1_TRAP);
	ck_assert_uint_eq(h->esr_el1, EC(0x3c));
	ck_assert_uint_eq(h->elr_el1, brk_pc);
}

#define ck_assert_x(n, want)                                                                       \
	ck_assert_msg(h->x[n] == (uint64_t)(want), "x%d = 0x%016" PRIx64 ", want 0x%016" PRIx64,   \
		      (int)(n), h->x[n], (uint64_t)(want))

/* ---- data processing ---------------------------------------------------------------------------
 */

static const uint32_t prog_flags[] = {
    0xd2ffffe1, /* mov x1, #0xffff000000000000 */
    0xf2824681, /* movk x1, #0x1234 */
    0xab010022, /* adds x2, x1, x1 */
    0xd53b420a, /* mrs x10, nzcv */
    0x6b040083, /* subs w3, w4, w4 */
    0xd53b420b, /* mrs x11, nzcv */
    0x92800005, /* mov x5, #0xffffffffffffffff */
    0xb10004a6, /* adds x6, x5, #0x1 */
    0xd53b420c, /* mrs x12, nzcv */
    0x12b00007, /* mov w7, #0x7fffffff */
    0x310004e8, /* adds w8, w7, #0x1 */
    0xd53b420d, /* mrs x13, nzcv */
    0xd2800000, /* mov x0, #0x0 */
    0xf1000409, /* subs x9, x0, #0x1 */
    0xd53b420e, /* mrs x14, nzcv */
    0xfa00000f, /* sbcs x15, x0, x0 */
    0xba1f00b0, /* adcs x16, x5, xzr */
    0xfa400802, /* ccmp x0, #0x0, #0x2, eq */
    0xd53b4211, /* mrs x17, nzcv */
    0xfa40280f, /* ccmp x0, #0x0, #0xf, cs */
    0xd53b4212, /* mrs x18, nzcv */
    0x9a850033, /* csel x19, x1, x5, eq */
    0x9a801434, /* csinc x20, x1, x0, ne */
    0x5a801035, /* csinv w21, w1, w0, ne */
    0xda854436, /* csneg x22, x1, x5, mi */
    0x310004ff, /* cmn w7, #0x1 */
    0xd53b4217, /* mrs x23, nzcv */
    0xf241003f, /* tst x1, #0x8000000000000000 */
    0xd53b4218, /* mrs x24, nzcv */
    0xba4118a0, /* ccmn x5, #0x1, #0x0, ne */
    0xd53b4219, /* mrs x25, nzcv */
    0xd4200000, /* brk #0x0 */
};

/* AddWithCarry's flags: C is the unsigned carry out, V the signed overflow; CCMP sets its
 * immediate flags when the condition fails. */
START_TEST(test_flags)
{
	LOAD(CODE, prog_flags);
	expect_brk(CODE + 31 * 4);
	ck_assert_x(2, 0xfffe000000002468); /* carry out, negative, no overflow */
	ck_assert_x(10, 0xa0000000);	    /* N C */
	ck_assert_x(3, 0);
	ck_assert_x(11, 0x60000000); /* Z C: no borrow */
	ck_assert_x(6, 0);
	ck_assert_x(12, 0x60000000);
	ck_assert_x(8, 0x80000000);
	ck_assert_x(13, 0x90000000); /* 32-bit signed overflow: N V */
	ck_assert_x(9, UINT64_MAX);
	ck_assert_x(14, 0x80000000); /* borrow: C clear */
	ck_assert_x(15, UINT64_MAX); /* 0 - 0 - !C */
	ck_assert_x(16, UINT64_MAX);
	ck_assert_x(17, 0x20000000); /* eq failed: nzcv #2 */
	ck_assert_x(18, 0x60000000); /* cs held: 0 - 0 */
	ck_assert_x(19, 0xffff000000001234);
	ck_assert_x(20, 1);
	ck_assert_x(21, 0xffffffff);
	ck_assert_x(22, 1);
	ck_assert_x(23, 0x90000000);
	ck_assert_x(24, 0x80000000); /* TST: N from the result, C and V cleared */
	ck_assert_x(25, 0x60000000);
	ck_assert_uint_eq(h->nzcv, 6);
}
END_TEST

static const uint32_t prog_bits[] = {
    0xd2b7dde1, /* mov x1, #0xbeef0000 */
    0xf290eca1, /* movk x1, #0x8765 */
    0xd378dc22, /* lsl x2, x1, #8 */
    0x53047c23, /* lsr w3, w1, #4 */
    0x13047c24, /* asr w4, w1, #4 */
    0x93407c25, /* sxtw x5, w1 */
    0xd3484c26, /* ubfx x6, x1, #8, #12 */
    0x934c4c27, /* sbfx x7, x1, #12, #8 */
    0x92800008, /* mov x8, #0xffffffffffffffff */
    0xb37c1c28, /* bfi x8, x1, #4, #8 */
    0x33104c29, /* bfxil w9, w1, #16, #4 */
    0x93c2202a, /* extr x10, x1, x2, #8 */
    0xdac0102b, /* clz x11, x1 */
    0xdac014ac, /* cls x12, x5 */
    0x5ac0002d, /* rbit w13, w1 */
    0xdac00c2e, /* rev x14, x1 */
    0x5ac0042f, /* rev16 w15, w1 */
    0xdac00850, /* rev32 x16, x2 */
    0x9adf0831, /* udiv x17, x1, xzr */
    0xd2800020, /* mov x0, #0x1 */
    0xd3410000, /* lsl x0, x0, #63 */
    0x92800012, /* mov x18, #0xffffffffffffffff */
    0x9ad20c13, /* sdiv x19, x0, x18 */
    0x1ad20c34, /* sdiv w20, w1, w18 */
    0x9b017c35, /* mul x21, x1, x1 */
    0x9b457cb6, /* smulh x22, x5, x5 */
    0x9bd27e57, /* umulh x23, x18, x18 */
    0x9b004838, /* madd x24, x1, x0, x18 */
    0x9b327c39, /* smull x25, w1, w18 */
    0x9bb27c3a, /* umull x26, w1, w18 */
    0x8b32c83b, /* add x27, x1, w18, sxtw #2 */
    0xd2401c3c, /* eor x28, x1, #0xff */
    0x1381303d, /* ror w29, w1, #12 */
    0x9ad228be, /* asr x30, x5, x18 */
    0xd4200000, /* brk #0x0 */
};

/* Bitfield moves, EXTR, the one-source operations, division's corner cases (by zero gives 0,
 * INT_MIN / -1 gives INT_MIN), the long and high multiplies, extended registers. */
START_TEST(test_bitfield_and_arithmetic)
{
	static const uint64_t want[31] = {
	    [1] = UINT64_C(0x00000000beef8765),	 [2] = UINT64_C(0x000000beef876500),
	    [3] = UINT64_C(0x000000000beef876),	 [4] = UINT64_C(0x00000000fbeef876),
	    [5] = UINT64_C(0xffffffffbeef8765),	 [6] = UINT64_C(0x0000000000000f87),
	    [7] = UINT64_C(0xfffffffffffffff8),	 [8] = UINT64_C(0xfffffffffffff65f),
	    [9] = UINT64_C(0x000000000000000f),	 [10] = UINT64_C(0x65000000beef8765),
	    [11] = UINT64_C(0x0000000000000020), [12] = UINT64_C(0x0000000000000020),
	    [13] = UINT64_C(0x00000000a6e1f77d), [14] = UINT64_C(0x6587efbe00000000),
	    [15] = UINT64_C(0x00000000efbe6587), [16] = UINT64_C(0xbe000000006587ef),
	    [17] = UINT64_C(0x0000000000000000), [18] = UINT64_C(0xffffffffffffffff),
	    [19] = UINT64_C(0x8000000000000000), [20] = UINT64_C(0x000000004110789b),
	    [21] = UINT64_C(0x8e686d180231add9), [22] = UINT64_C(0x0000000000000000),
	    [23] = UINT64_C(0xfffffffffffffffe), [24] = UINT64_C(0x7fffffffffffffff),
	    [25] = UINT64_C(0x000000004110789b), [26] = UINT64_C(0xbeef87644110789b),
	    [27] = UINT64_C(0x00000000beef8761), [28] = UINT64_C(0x00000000beef879a),
	    [29] = UINT64_C(0x00000000765beef8), [30] = UINT64_C(0xffffffffffffffff),
	};
	LOAD(CODE, prog_bits);
	expect_brk(CODE + 34 * 4);
	for (int i = 1; i <= 30; i++)
		ck_assert_x(i, want[i]);
}
END_TEST

static const uint32_t prog_branches[] = {
    0xd2800000, /* mov x0, #0x0 */
    0xd2800c81, /* mov x1, #0x64 */
    0x8b010000, /* loop: add x0, x0, x1 */
    0xf1000421, /* subs x1, x1, #0x1 */
    0x54ffffc1, /* b.ne loop */
    0xd2800002, /* mov x2, #0x0 */
    0xb4000042, /* cbz x2, +8 */
    0xd2800c62, /* mov x2, #0x63 */
    0x37100040, /* tbnz w0, #2, +8 */
    0xd2800023, /* mov x3, #0x1 */
    0x94000003, /* bl func */
    0xaa1e03e5, /* mov x5, x30 */
    0xd4200000, /* brk #0x0 */
    0xd2800544, /* func: mov x4, #0x2a */
    0xd65f03c0, /* ret */
};

START_TEST(test_branches)
{
	LOAD(CODE, prog_branches);
	expect_brk(CODE + 12 * 4);
	ck_assert_x(0, 5050);
	ck_assert_x(2, 0); /* cbz taken over the mov */
	ck_assert_x(3, 1); /* 5050 has bit 2 clear */
	ck_assert_x(4, 42);
	ck_assert_x(5, CODE + 11 * 4);		       /* the link */
	ck_assert_uint_eq(h->icount, 2 + 3 * 100 + 8); /* BRK retires nothing */
}
END_TEST

/* ---- loads and stores
 * ---------------------------------------------------------------------------- */

static const uint32_t prog_mem[] = {
    0xd2e22441, /* mov x1, #0x1122000000000000 */
    0xf2c66881, /* movk x1, #0x3344, lsl #32 */
    0xf2aaacc1, /* movk x1, #0x5566, lsl #16 */
    0xf28ef101, /* movk x1, #0x7788 */
    0xf9000001, /* str x1, [x0] */
    0x39400002, /* ldrb w2, [x0] */
    0x39800003, /* ldrsb x3, [x0] */
    0x39c00004, /* ldrsb w4, [x0] */
    0x79400405, /* ldrh w5, [x0, #2] */
    0x79800c06, /* ldrsh x6, [x0, #6] */
    0xb9800407, /* ldrsw x7, [x0, #4] */
    0xb9400408, /* ldr w8, [x0, #4] */
    0xf8408009, /* ldur x9, [x0, #8] */
    0xb8008c01, /* str w1, [x0, #8]! */
    0xf85f840a, /* ldr x10, [x0], #-8 */
    0xd280020b, /* mov x11, #0x10 */
    0x782b6801, /* strh w1, [x0, x11] */
    0x786b680c, /* ldrh w12, [x0, x11] */
    0x128000ed, /* mov w13, #0xfffffff8 */
    0xf86dc80e, /* ldr x14, [x0, w13, sxtw] */
    0xa9bf0801, /* stp x1, x2, [x0, #-16]! */
    0xa8c1400f, /* ldp x15, x16, [x0], #16 */
    0x697e4811, /* ldpsw x17, x18, [x0, #-16] */
    0x29030401, /* stp w1, w1, [x0, #24] */
    0xf9400c13, /* ldr x19, [x0, #24] */
    0x381ff001, /* sturb w1, [x0, #-1] */
    0x385ff014, /* ldurb w20, [x0, #-1] */
    0x580000b5, /* ldr x21, lit */
    0x98000096, /* ldrsw x22, lit */
    0xaa0003f7, /* mov x23, x0 */
    0xd4200000, /* brk #0x0 */
    0xd503201f, /* nop */
    0xfedcba98, /* lit: .quad 0x80000000fedcba98 */
    0x80000000,
};

/* Every addressing mode, size and extension of single-register loads and stores, pairs with
 * writeback, LDPSW, literals. */
START_TEST(test_loads_and_stores)
{
	LOAD(CODE, prog_mem);
	set_mem64(DATA - 8, UINT64_C(0xa5a5a5a5a5a5a5a5));
	h->x[0] = DATA;
	expect_brk(CODE + 30 * 4);
	ck_assert_x(1, 0x1122334455667788);
	ck_assert_x(2, 0x88);
	ck_assert_x(3, 0xffffffffffffff88);
	ck_assert_x(4, 0xffffff88); /* a W destination is zero-extended */
	ck_assert_x(5, 0x5566);
	ck_assert_x(6, 0x1122);
	ck_assert_x(7, 0x11223344);
	ck_assert_x(8, 0x11223344);
	ck_assert_x(9, 0);
	ck_assert_x(10, 0x55667788);
	ck_assert_x(12, 0x7788);
	ck_assert_x(14, 0xa5a5a5a5a5a5a5a5); /* [x0 - 8] */
	ck_assert_x(15, 0x1122334455667788);
	ck_assert_x(16, 0x88);
	ck_assert_x(17, 0x55667788);
	ck_assert_x(18, 0x11223344);
	ck_assert_x(19, 0x5566778855667788);
	ck_assert_x(20, 0x88);
	ck_assert_x(21, 0x80000000fedcba98);
	ck_assert_x(22, 0xfffffffffedcba98);
	ck_assert_x(23, DATA); /* the writebacks cancel out */
	ck_assert_uint_eq(mem64(DATA - 16), 0x1122334455667788);
	ck_assert_uint_eq(mem64(DATA - 8), 0x8800000000000088);
	ck_assert_uint_eq(mem64(DATA + 8), 0x55667788);
}
END_TEST

static const uint32_t prog_atomic[] = {
    0xc85f7c02, /* ldxr x2, [x0] */
    0x91000442, /* add x2, x2, #0x1 */
    0xc8037c02, /* stxr w3, x2, [x0] */
    0xc8047c02, /* stxr w4, x2, [x0] */
    0x885ffc05, /* ldaxr w5, [x0] */
    0xd5033f5f, /* clrex */
    0x8806fc05, /* stlxr w6, w5, [x0] */
    0xd28000a7, /* mov x7, #0x5 */
    0xf8270008, /* ldadd x7, x8, [x0] */
    0xd2801329, /* mov x9, #0x99 */
    0xf829800a, /* swp x9, x10, [x0] */
    0xd280132b, /* mov x11, #0x99 */
    0xd2800eec, /* mov x12, #0x77 */
    0xc8ab7c0c, /* cas x11, x12, [x0] */
    0xd280132d, /* mov x13, #0x99 */
    0xc8ad7c0c, /* cas x13, x12, [x0] */
    0x5280100e, /* mov w14, #0x80 */
    0x382e400f, /* ldsmaxb w14, w15, [x0] */
    0x382e6010, /* ldumaxb w14, w16, [x0] */
    0xd2800012, /* mov x18, #0x0 */
    0xd2800013, /* mov x19, #0x0 */
    0xd2801554, /* mov x20, #0xaa */
    0xd2801775, /* mov x21, #0xbb */
    0x48327c34, /* casp x18, x19, x20, x21, [x1] */
    0x91004031, /* add x17, x1, #0x10 */
    0xc89ffe2c, /* stlr x12, [x17] */
    0xc8dffc36, /* ldar x22, [x1] */
    0x9100203e, /* add x30, x1, #0x8 */
    0xb8bfc3d7, /* ldapr w23, [x30] */
    0xc87fe438, /* ldaxp x24, x25, [x1] */
    0xc83ae039, /* stlxp w26, x25, x24, [x1] */
    0xf8e7101b, /* ldclral x7, x27, [x0] */
    0xf867201c, /* ldeorl x7, x28, [x0] */
    0xf827301f, /* stset x7, [x0] */
    0xf940001d, /* ldr x29, [x0] */
    0xa9405434, /* ldp x20, x21, [x1] */
    0xd4200000, /* brk #0x0 */
};

/* The exclusive monitor, LSE atomics (signed and unsigned byte max), CAS that matches and one
 * that does not, CASP, the ordered and RCpc loads. */
START_TEST(test_exclusives_and_atomics)
{
	LOAD(CODE, prog_atomic);
	set_mem64(DATA, 0x10);
	h->x[0] = DATA;
	h->x[1] = DATA + 0x40;
	expect_brk(CODE + 36 * 4);
	ck_assert_x(2, 0x11);
	ck_assert_x(3, 0); /* the first store-exclusive succeeds */
	ck_assert_x(4, 1); /* the monitor is clear after it */
	ck_assert_x(5, 0x11);
	ck_assert_x(6, 1); /* CLREX cleared it */
	ck_assert_x(8, 0x11);
	ck_assert_x(10, 0x16);
	ck_assert_x(11, 0x99); /* CAS matched: Rs gets the old value */
	ck_assert_x(13, 0x77); /* CAS failed */
	ck_assert_x(15, 0x77); /* LDSMAXB: 0x77 > (int8_t)0x80, memory unchanged */
	ck_assert_x(16, 0x77); /* LDUMAXB stores 0x80 */
	ck_assert_x(18, 0);
	ck_assert_x(19, 0);
	ck_assert_x(22, 0xaa);
	ck_assert_x(23, 0xbb);
	ck_assert_x(24, 0xaa);
	ck_assert_x(25, 0xbb);
	ck_assert_x(26, 0);
	ck_assert_x(27, 0x80);
	ck_assert_x(28, 0x80);
	ck_assert_x(29, 0x85);
	ck_assert_x(20, 0xbb); /* STLXP swapped the pair */
	ck_assert_x(21, 0xaa);
	ck_assert_uint_eq(mem64(DATA + 0x50), 0x77);
}
END_TEST

static const uint32_t prog_patch[] = {
    0xd2800025, /* start: mov x5, #0x1 */
    0xb5000086, /* cbnz x6, done */
    0xb9000107, /* str w7, [x8] */
    0xd2800026, /* mov x6, #0x1 */
    0x17fffffc, /* b start */
    0xd4200000, /* done: brk #0x0 */
};

/* A store over an instruction that already ran (and is in the decode cache) is seen. */
START_TEST(test_self_modifying_code)
{
	LOAD(CODE, prog_patch);
	h->x[7] = 0xd2800045; /* mov x5, #0x2 */
	h->x[8] = CODE;
	expect_brk(CODE + 5 * 4);
	ck_assert_x(5, 2);
}
END_TEST

/* ---- exceptions to EL1
 * ----------------------------------------------------------------------------- */

static const uint32_t prog_el0[] = {
    0xd5184021, /* msr elr_el1, x1 */
    0xd518401f, /* msr spsr_el1, xzr */
    0xd69f03e0, /* eret */
    0xeb03007f, /* el0: cmp x3, x3 */
    0xd4000841, /* svc #0x42 */
    0xf9400040, /* ldr x0, [x2] */
};

/* ERET to EL0t, then SVC back: vector +0x400 (lower EL), ESR EC 0x15 with the immediate, ELR
 * past the SVC, SPSR with the flags and EL0t; SP_EL1 comes back. A misaligned load at EL0 is a
 * Data Abort from a lower EL (EC 0x24). */
START_TEST(test_svc_from_el0)
{
	LOAD(CODE, prog_el0);
	h->x[1] = CODE + 12;
	h->sp_el[0] = STACK - 0x1000;
	run_expect(A64_STOP_EL1_TRAP);
	ck_assert_uint_eq(h->esr_el1, EC(0x15) | 0x42);
	ck_assert_uint_eq(h->elr_el1, CODE + 20);
	ck_assert_uint_eq(h->spsr_el1, 0x60000000);
	ck_assert_uint_eq(h->pc, VBAR1 + 0x400);
	ck_assert_uint_eq(h->el, A64_EL1);
	ck_assert(h->spsel);
	ck_assert_uint_eq(h->daif, 0xf);
	ck_assert_x(A64_XSP, STACK);
	ck_assert_uint_eq(h->sp_el[0], STACK - 0x1000);
	ck_assert_uint_eq(h->last_trap.from_el, A64_EL0);

	h->x[2] = DATA + 4;
	h->elr_el1 = CODE + 20;
	h->spsr_el1 = 0;
	h->pc = CODE + 8; /* eret again, to the load */
	run_expect(A64_STOP_EL1_TRAP);
	ck_assert_uint_eq(h->esr_el1, EC(0x24) | 0x21); /* Alignment fault (Device memory) */
	ck_assert_uint_eq(h->far_el1, DATA + 4);
	ck_assert_uint_eq(h->elr_el1, CODE + 20);
}
END_TEST

static const uint32_t prog_exc[] = {
    0xd50040bf, /* msr spsel, #0x0 */
    0xd42000e0, /* brk #0x7 */
    0x00000000, /* udf #0 */
    0x1e622820, /* fadd d0, d1, d2 */
    0xb27f0022, /* orr x2, x1, #0x2 */
    0xd61f0040, /* br x2 */
    0xf94003e0, /* ldr x0, [sp] */
    0xf9400020, /* ldr x0, [x1] */
    0xf9000020, /* str x0, [x1] */
};

/* Synchronous exceptions at EL1: the vector by SPSel, BRK (ELR at the BRK), UNDEFINED, SIMD&FP
 * access with CPACR_EL1.FPEN = 0, PC alignment (FAR = the target), SP alignment, Alignment and
 * External aborts on data and instruction accesses. */
START_TEST(test_exceptions_at_el1)
{
	LOAD(CODE, prog_exc);
	run_expect(A64_STOP_EL1_TRAP);
	ck_assert_uint_eq(h->esr_el1, EC(0x3c) | 7);
	ck_assert_uint_eq(h->elr_el1, CODE + 4);
	ck_assert_uint_eq(h->spsr_el1, DAIF_MASK | 0x4); /* EL1t */
	ck_assert_uint_eq(h->pc, VBAR1 + 0x000);

	at_el1(CODE + 8);
	run_expect(A64_STOP_EL1_TRAP);
	ck_assert_uint_eq(h->esr_el1, EC(0x00));
	ck_assert_uint_eq(h->elr_el1, CODE + 8);
	ck_assert_uint_eq(h->spsr_el1, DAIF_MASK | SPSR_EL1H);
	ck_assert_uint_eq(h->pc, VBAR1 + 0x200);

	at_el1(CODE + 12);
	run_expect(A64_STOP_EL1_TRAP);
	ck_assert_uint_eq(h->esr_el1, EC(0x07) | 0x01e00000); /* CV = 1, COND = AL */
	h->cpacr_el1 = UINT64_C(3) << 20;
	at_el1(CODE + 12);
	run_expect(A64_STOP_EL1_TRAP);
	ck_assert_uint_eq(h->esr_el1, EC(0x00)); /* enabled, but not implemented */

	h->x[1] = CODE + 0x100;
	at_el1(CODE + 16);
	run_expect(A64_STOP_EL1_TRAP);
	ck_assert_uint_eq(h->esr_el1, EC(0x22));
	ck_assert_uint_eq(h->far_el1, CODE + 0x102);
	ck_assert_uint_eq(h->elr_el1, CODE + 0x102);

	ck_assert(a64_sysreg_poke(h, SYSREG(3, 0, 1, 0, 0), A64_SCTLR_EL1_RESET | A64_SCTLR_SA));
	at_el1(CODE + 24);
	h->x[A64_XSP] = STACK + 8;
	run_expect(A64_STOP_EL1_TRAP);
	ck_assert_uint_eq(h->esr_el1, EC(0x26));
	ck_assert_uint_eq(h->elr_el1, CODE + 24);

	h->x[1] = DATA + 1;
	at_el1(CODE + 28);
	run_expect(A64_STOP_EL1_TRAP);
	ck_assert_uint_eq(h->esr_el1, EC(0x25) | 0x21);
	ck_assert_uint_eq(h->far_el1, DATA + 1);
	at_el1(CODE + 32);
	run_expect(A64_STOP_EL1_TRAP);
	ck_assert_uint_eq(h->esr_el1, EC(0x25) | 0x40 | 0x21); /* WnR */

	h->x[1] = 0x10000000; /* no RAM, no device */
	at_el1(CODE + 28);
	run_expect(A64_STOP_EL1_TRAP);
	ck_assert_uint_eq(h->esr_el1, EC(0x25) | 0x200 | 0x10); /* EA, synchronous External */
	ck_assert_uint_eq(h->far_el1, 0x10000000);
	at_el1(0x10000000);
	run_expect(A64_STOP_EL1_TRAP);
	ck_assert_uint_eq(h->esr_el1, EC(0x21) | 0x200 | 0x10); /* Instruction Abort */
	ck_assert_uint_eq(h->far_el1, 0x10000000);
	ck_assert_uint_eq(h->elr_el1, 0x10000000);
}
END_TEST

static const uint32_t prog_eret[] = {
    0xd69f03e0, /* eret */
};

/* An ERET to EL2 from EL1 is an illegal return: PSTATE.IL, then the Illegal Execution state
 * exception (EC 0x0E) at the return address; NZCV and DAIF come from SPSR. ERET at EL0 is
 * UNDEFINED. */
START_TEST(test_illegal_return)
{
	LOAD(CODE, prog_eret);
	h->elr_el1 = CODE + 0x40;
	h->spsr_el1 = 0x90000000 | 0x9; /* N V, EL2h */
	run_expect(A64_STOP_EL1_TRAP);
	ck_assert_uint_eq(h->esr_el1, EC(0x0e));
	ck_assert_uint_eq(h->elr_el1, CODE + 0x40);
	ck_assert_uint_eq(h->spsr_el1, 0x90000000 | (UINT64_C(1) << 20) | SPSR_EL1H);
	ck_assert_uint_eq(h->el, A64_EL1);

	a64_set_el(h, A64_EL0, false);
	h->pc = CODE;
	run_expect(A64_STOP_EL1_TRAP);
	ck_assert_uint_eq(h->esr_el1, EC(0x00));
	ck_assert_uint_eq(h->spsr_el1, 0x90000000 | DAIF_MASK); /* EL0t, the flags restored */
}
END_TEST

/* ---- exits to EL2
 * ----------------------------------------------------------------------------------- */

static const uint32_t prog_el2[] = {
    0xd4024682, /* hvc #0x1234 */
    0xd4000ee3, /* smc #0x77 */
    0xd503207f, /* wfi */
    0xd503205f, /* wfe */
    0xd5380403, /* mrs x3, id_aa64pfr0_el1 */
    0xd5181005, /* msr sctlr_el1, x5 */
    0xd5381006, /* mrs x6, sctlr_el1 */
    0xd53be020, /* mrs x0, cntpct_el0 */
    0xd53be041, /* mrs x1, cntvct_el0 */
    0x79400027, /* ldrh w7, [x1] */
    0xf9000429, /* str x9, [x1, #8] */
    0xa9000821, /* stp x1, x2, [x1] */
    0xc85f7c23, /* ldxr x3, [x1] */
    0xd5380004, /* mrs x4, midr_el1 */
    0xd53800a5, /* mrs x5, mpidr_el1 */
};

static void expect_exit(uint64_t esr, uint64_t elr)
{
	run_expect(A64_STOP_EXIT);
	ck_assert_msg(h->esr_el2 == esr, "ESR_EL2 0x%" PRIx64 ", want 0x%" PRIx64, h->esr_el2, esr);
	ck_assert_uint_eq(h->elr_el2, elr);
	ck_assert_uint_eq(h->el, A64_EL2);
	ck_assert_uint_eq(h->last_trap.to_el, A64_EL2);
	ck_assert_uint_eq(h->pc, VBAR2 + 0x400);
}

/* HVC (ELR past it) and the traps HCR_EL2 and CNTHCTL_EL2 route to EL2 (ELR at the trapping
 * instruction): SMC with TSC, WFI/WFE with TWI/TWE, MRS/MSR with TID3, TVM, TRVM, counter
 * access with EL1PCTEN clear. a64_eret resumes the guest. */
START_TEST(test_exits_to_el2)
{
	LOAD(CODE, prog_el2);
	h->nzcv = A64_Z;
	expect_exit(EC(0x16) | 0x1234, CODE + 4);
	ck_assert_uint_eq(h->spsr_el2, 0x40000000 | DAIF_MASK | SPSR_EL1H);
	ck_assert_uint_eq(h->last_trap.from_el, A64_EL1);
	ck_assert(a64_eret(h));
	ck_assert_uint_eq(h->el, A64_EL1);
	ck_assert_uint_eq(h->pc, CODE + 4);
	ck_assert_uint_eq(h->nzcv, A64_Z);

	run_expect(A64_STOP_EL1_TRAP); /* no EL3, no TSC: SMC is UNDEFINED */
	ck_assert_uint_eq(h->esr_el1, EC(0x00));
	h->mmu.hcr_el2 = HCR_RW | A64_HCR_TSC | A64_HCR_TWI | A64_HCR_TWE | A64_HCR_TID3 |
			 A64_HCR_TVM | A64_HCR_TRVM;
	at_el1(CODE + 4);
	expect_exit(EC(0x17) | 0x77, CODE + 4);
	at_el1(CODE + 8);
	expect_exit(EC(0x01) | 0x01e00000, CODE + 8);
	at_el1(CODE + 12);
	expect_exit(EC(0x01) | 0x01e00001, CODE + 12);
	at_el1(CODE + 16);
	expect_exit(EC(0x18) | 0x300069, CODE + 16); /* op0 3, CRm 4, Rt 3, read */
	at_el1(CODE + 20);
	expect_exit(EC(0x18) | 0x3004a0, CODE + 20); /* CRn 1, Rt 5, write */
	at_el1(CODE + 24);
	expect_exit(EC(0x18) | 0x3004c1, CODE + 24);
	h->cnthctl_el2 = 0;
	at_el1(CODE + 28);
	expect_exit(EC(0x18) | 0x32f801, CODE + 28); /* op1 3, op2 1, CRn 14 */
}
END_TEST

/* What EL1 reads without traps: the ID register, the virtualised MIDR/MPIDR, the counters. */
START_TEST(test_sysreg_reads_at_el1)
{
	LOAD(CODE, prog_el2);
	h->vpidr_el2 = 0x411fd070;
	h->vmpidr_el2 = 0x80000003;
	h->cntvoff_el2 = 100;
	h->idle_ticks = 1000;
	at_el1(CODE + 16);
	ck_assert_uint_eq(a64_step(h), A64_STOP_STEP);
	ck_assert_x(3, 0x111);
	h->x[5] = A64_SCTLR_EL1_RESET | A64_SCTLR_UMA;
	ck_assert_uint_eq(a64_step(h), A64_STOP_STEP); /* msr sctlr_el1, x5 */
	ck_assert_uint_eq(a64_step(h), A64_STOP_STEP); /* mrs x6, sctlr_el1 */
	ck_assert_x(6, A64_SCTLR_EL1_RESET | A64_SCTLR_UMA);
	at_el1(CODE + 28);
	ck_assert_uint_eq(a64_step(h), A64_STOP_STEP);
	ck_assert_x(0, h->icount - 1 + 1000);
	ck_assert_uint_eq(a64_step(h), A64_STOP_STEP);
	ck_assert_x(1, h->icount - 1 + 1000 - 100);
	at_el1(CODE + 52);
	ck_assert_uint_eq(a64_step(h), A64_STOP_STEP);
	ck_assert_uint_eq(a64_step(h), A64_STOP_STEP);
	ck_assert_x(4, 0x411fd070);
	ck_assert_x(5, 0x80000003);
}
END_TEST

/* Stage 2 by VTCR_EL2/VTTBR_EL2 (4 KiB granule, 32-bit IPA, starting at level 1): IPA
 * 0x40000000 is a 1 GiB block of RAM, 0x80000000 is unmapped. */
static void stage2_on(void)
{
	set_mem64(S2_TABLE + 8, RAM_BASE | 0x7fd);	    /* block: AF, SH, S2AP RW, MemAttr WB */
	h->mmu.vtcr_el2 = 32 | 1u << 6 | UINT64_C(2) << 16; /* T0SZ 32, SL0 1, PS 40 bits */
	h->mmu.vttbr_el2 = S2_TABLE;
	ck_assert(a64_sysreg_poke(h, SYSREG(3, 4, 1, 1, 0), HCR_RW | A64_HCR_VM));
}

/* Stage-2 Translation faults exit with the syndrome of a single-register access (ISV, SAS,
 * SSE, SRT, SF, WnR), FAR_EL2 = the VA, HPFAR_EL2 = the IPA page; pairs and exclusives give
 * ISV = 0. */
START_TEST(test_stage2_data_aborts)
{
	LOAD(CODE, prog_el2);
	stage2_on();
	h->x[1] = 0x80000010;
	at_el1(CODE + 36);
	expect_exit(EC(0x24) | 0x01000000 | 1u << 22 | 7u << 16 | 0x05, CODE + 36);
	ck_assert_uint_eq(h->far_el2, 0x80000010);
	ck_assert_uint_eq(h->hpfar_el2, 0x80000u << 4);
	ck_assert_uint_eq(h->last_trap.hpfar, 0x80000u << 4);
	at_el1(CODE + 40);
	expect_exit(EC(0x24) | 0x01000000 | 3u << 22 | 9u << 16 | 0x8000 | 0x40 | 0x05, CODE + 40);
	ck_assert_uint_eq(h->far_el2, 0x80000018);
	at_el1(CODE + 44);
	expect_exit(EC(0x24) | 0x40 | 0x05, CODE + 44);
	at_el1(CODE + 48);
	expect_exit(EC(0x24) | 0x05, CODE + 48);
	/* the stage-1 walk is off and RAM is mapped: ordinary accesses go through */
	h->x[1] = DATA;
	set_mem64(DATA, 0xbeef);
	at_el1(CODE + 36);
	ck_assert_uint_eq(a64_step(h), A64_STOP_STEP);
	ck_assert_x(7, 0xbeef);
}
END_TEST

static const uint32_t prog_misc[] = {
    0xd69f03e0, /* eret */
    0xd50b7421, /* dc zva, x1 */
    0xd5087801, /* at s1e1r, x1 */
    0xf8408822, /* ldtr x2, [x1, #8] */
    0xf8010822, /* sttr x2, [x1, #16] */
    0xf9400020, /* ldr x0, [x1] */
    0xd4200000, /* brk #0x0 */
};

/* DC ZVA to Device memory (MMU off) is an Alignment fault; with HCR_EL2.DC memory is Normal
 * and it zeroes its 64-byte block. AT S1E1R writes PAR_EL1. LDTR/STTR at EL1. */
START_TEST(test_dc_zva_at_ldtr)
{
	LOAD(CODE, prog_misc);
	h->x[1] = DATA + 0x48;
	at_el1(CODE + 4);
	run_expect(A64_STOP_EL1_TRAP);
	ck_assert_uint_eq(h->esr_el1, EC(0x25) | 0x40 | 0x21);

	stage2_on();
	ck_assert(a64_sysreg_poke(h, SYSREG(3, 4, 1, 1, 0), HCR_RW | A64_HCR_VM | A64_HCR_DC));
	for (unsigned off = 0; off < 0x80; off += 8)
		set_mem64(DATA + off, ~UINT64_C(0));
	at_el1(CODE + 4);
	expect_brk(CODE + 24);
	ck_assert_uint_eq(mem64(DATA + 0x38), ~UINT64_C(0));
	ck_assert_uint_eq(mem64(DATA + 0x40), 0); /* the block of DATA + 0x48 */
	ck_assert_uint_eq(mem64(DATA + 0x78), 0);
	ck_assert_uint_eq(h->par_el1 & 1, 0);
	ck_assert_uint_eq(h->par_el1 & UINT64_C(0xfffffffff000), (DATA + 0x48) & ~UINT64_C(0xfff));
	ck_assert_x(2, 0);
	ck_assert_uint_eq(mem64(DATA + 0x58), 0);
}
END_TEST

/* ---- interrupts and the timer ---------------------------------------------------------------- */

static const uint32_t prog_irq[] = {
    0xd50342ff, /* msr daifclr, #0x2 */
    0x91000400, /* loop: add x0, x0, #0x1 */
    0x17ffffff, /* b loop */
};

/* A virtual IRQ (HCR_EL2.IMO and VI) is taken at EL1 once PSTATE.I is cleared: vector +0x280
 * (current EL with SP_ELx, IRQ), ELR at the next instruction, ESR untouched. */
START_TEST(test_virtual_irq)
{
	LOAD(CODE, prog_irq);
	h->esr_el1 = 0x1234;
	h->mmu.hcr_el2 = HCR_RW | A64_HCR_IMO | A64_HCR_VI;
	run_expect(A64_STOP_EL1_TRAP);
	ck_assert_uint_eq(h->last_trap.type, A64_EXC_IRQ);
	ck_assert_uint_eq(h->pc, VBAR1 + 0x280);
	ck_assert_uint_eq(h->elr_el1, CODE + 4);
	ck_assert_uint_eq(h->spsr_el1, 0x340 | SPSR_EL1H);
	ck_assert_uint_eq(h->esr_el1, 0x1234);
	ck_assert_uint_eq(h->daif, 0xf);
}
END_TEST

/* A physical IRQ with HCR_EL2.IMO exits to EL2 whatever PSTATE.I says (vector +0x480). */
START_TEST(test_physical_irq_exits)
{
	LOAD(CODE, prog_irq);
	h->mmu.hcr_el2 = HCR_RW | A64_HCR_IMO;
	h->irq_line = true;
	h->esr_el2 = 0x5678;
	at_el1(CODE + 4);
	run_expect(A64_STOP_EXIT);
	ck_assert_uint_eq(h->last_trap.type, A64_EXC_IRQ);
	ck_assert_uint_eq(h->pc, VBAR2 + 0x480);
	ck_assert_uint_eq(h->elr_el2, CODE + 4);
	ck_assert_uint_eq(h->spsr_el2, DAIF_MASK | SPSR_EL1H);
	ck_assert_uint_eq(h->esr_el2, 0x5678);
}
END_TEST

/* The virtual timer fires when CNTVCT = CNTPCT - CNTVOFF reaches CNTV_CVAL: with the
 * interrupt wired to the IRQ line it is taken at EL1; unwired, the run stops for the machine. */
START_TEST(test_virtual_timer)
{
	LOAD(CODE, prog_irq);
	h->timer_irq_wired = true;
	h->idle_ticks = 600; /* CNTPCT starts at 600, CNTVCT at 100 */
	h->cntvoff_el2 = 500;
	ck_assert(a64_sysreg_poke(h, SYSREG(3, 3, 14, 3, 2), 1000)); /* CNTV_CVAL_EL0 */
	ck_assert(a64_sysreg_poke(h, SYSREG(3, 3, 14, 3, 1), 1));    /* CNTV_CTL_EL0.ENABLE */
	run_expect(A64_STOP_EL1_TRAP);
	ck_assert_uint_eq(h->last_trap.type, A64_EXC_IRQ);
	ck_assert_uint_ge(a64_time(h), 1500);
	ck_assert_uint_le(a64_time(h), 1505);
	ck_assert_uint_eq(a64_timer_ppis(h), 1u << A64_PPI_VTIMER);
	uint64_t ctl;
	ck_assert(a64_sysreg_peek(h, SYSREG(3, 3, 14, 3, 1), &ctl));
	ck_assert_uint_eq(ctl, 5); /* ENABLE, ISTATUS */

	h->timer_irq_wired = false;
	h->irq_line = false;
	ck_assert(a64_sysreg_poke(h, SYSREG(3, 3, 14, 3, 0), 200)); /* CNTV_TVAL_EL0 */
	at_el1(CODE);
	run_expect(A64_STOP_TIMER);
	ck_assert_uint_ge(a64_time(h), 1500 + 200);
	ck_assert_uint_eq(a64_timer_ppis(h), 1u << A64_PPI_VTIMER);
}
END_TEST

static const uint32_t prog_wfi[] = {
    0xd50342ff, /* msr daifclr, #0x2 */
    0xd503207f, /* wfi */
    0xd4200020, /* brk #0x1 */
};

/* WFI with nothing pending stops the hart; with a timer armed, time jumps to its deadline and
 * the interrupt is taken after the WFI. */
START_TEST(test_wfi)
{
	LOAD(CODE, prog_wfi);
	run_expect(A64_STOP_WFI);
	ck_assert_uint_eq(h->pc, CODE + 8);
	h->timer_irq_wired = true;
	ck_assert(a64_sysreg_poke(h, SYSREG(3, 3, 14, 2, 2), 100000)); /* CNTP_CVAL_EL0 */
	ck_assert(a64_sysreg_poke(h, SYSREG(3, 3, 14, 2, 1), 1));
	run_expect(A64_STOP_EL1_TRAP);
	ck_assert_uint_eq(h->last_trap.type, A64_EXC_IRQ);
	ck_assert_uint_eq(h->elr_el1, CODE + 8);
	ck_assert_uint_eq(a64_time(h), 100000);
	ck_assert_uint_gt(h->idle_ticks, 0);
}
END_TEST

/* ---- the system-register API -------------------------------------------------------------------
 */

START_TEST(test_sysreg_api)
{
	size_t n;
	const a64_sysreg *table = a64_sysreg_table(&n);
	for (size_t i = 0; i < n; i++) {
		/* every access an EL may make has a way to be made, and keys are unique */
		const a64_sysreg *t = &table[i];
		ck_assert_msg(t->rd_el == A64_SR_NEVER || t->read || t->offset, "%s", t->name);
		ck_assert_msg(t->wr_el == A64_SR_NEVER || t->write || t->offset, "%s", t->name);
		ck_assert_ptr_eq(a64_sysreg_find(t->key), t);
	}

	const a64_sysreg *r = a64_sysreg_by_name("vbar_el1");
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->key, SYSREG(3, 0, 12, 0, 0));
	ck_assert_ptr_eq(a64_sysreg_find(r->key), r);
	ck_assert_ptr_null(a64_sysreg_by_name("no_such_register"));
	ck_assert_ptr_null(a64_sysreg_find(SYSREG(3, 7, 15, 15, 7)));

	uint64_t v;
	ck_assert(a64_sysreg_peek(h, r->key, &v));
	ck_assert_uint_eq(v, VBAR1);
	ck_assert(a64_sysreg_peek(h, SYSREG(3, 0, 0, 4, 1), &v)); /* ID_AA64PFR1_EL1: RAZ */
	ck_assert_uint_eq(v, 0);
	ck_assert(a64_sysreg_peek(h, SYSREG(3, 0, 4, 2, 2), &v)); /* CurrentEL */
	ck_assert_uint_eq(v, 4);
	ck_assert(!a64_sysreg_poke(h, SYSREG(3, 0, 4, 2, 2), 0));

	/* SP_EL0 and SP_EL1 are banked: the current one is x[A64_XSP] */
	ck_assert(a64_sysreg_poke(h, SYSREG(3, 0, 4, 1, 0), 0x1230)); /* SP_EL0 */
	ck_assert_x(A64_XSP, STACK);
	ck_assert(a64_sysreg_poke(h, SYSREG(3, 0, 4, 2, 0), 0)); /* SPSel = 0 */
	ck_assert_x(A64_XSP, 0x1230);
	ck_assert(a64_sysreg_peek(h, SYSREG(3, 4, 4, 1, 0), &v)); /* SP_EL1 */
	ck_assert_uint_eq(v, STACK);

	ck_assert(a64_sysreg_poke(h, SYSREG(3, 3, 4, 2, 0), UINT64_C(0x90000000))); /* NZCV */
	ck_assert_uint_eq(h->nzcv, A64_N | A64_V);
	ck_assert(a64_sysreg_peek(h, SYSREG(3, 3, 4, 2, 1), &v)); /* DAIF */
	ck_assert_uint_eq(v, DAIF_MASK);
	ck_assert_uint_eq(a64_pstate(h), 0x90000000 | DAIF_MASK | 0x4);
}
END_TEST

static Suite *a64_exec_suite(void)
{
	Suite *s = suite_create("a64_exec");
	TCase *isa = tcase_create("isa");
	TCase *exc = tcase_create("exceptions");
	TCase *irq = tcase_create("interrupts");
	TCase *api = tcase_create("api");
	TCase *all[] = {isa, exc, irq, api};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		tcase_add_checked_fixture(all[i], setup, teardown);
	tcase_add_test(isa, test_flags);
	tcase_add_test(isa, test_bitfield_and_arithmetic);
	tcase_add_test(isa, test_branches);
	tcase_add_test(isa, test_loads_and_stores);
	tcase_add_test(isa, test_exclusives_and_atomics);
	tcase_add_test(isa, test_self_modifying_code);
	tcase_add_test(exc, test_svc_from_el0);
	tcase_add_test(exc, test_exceptions_at_el1);
	tcase_add_test(exc, test_illegal_return);
	tcase_add_test(exc, test_exits_to_el2);
	tcase_add_test(exc, test_sysreg_reads_at_el1);
	tcase_add_test(exc, test_stage2_data_aborts);
	tcase_add_test(exc, test_dc_zva_at_ldtr);
	tcase_add_test(irq, test_virtual_irq);
	tcase_add_test(irq, test_physical_irq_exits);
	tcase_add_test(irq, test_virtual_timer);
	tcase_add_test(irq, test_wfi);
	tcase_add_test(api, test_sysreg_api);
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		suite_add_tcase(s, all[i]);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(a64_exec_suite());
	int failed;
	srunner_run_all(runner, CK_ENV);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
