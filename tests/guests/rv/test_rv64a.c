/* A extension: LR/SC success and failure, every AMO's returned value and memory result for W
 * and D, and the exceptions of misaligned or unbacked atomic accesses (unprivileged spec,
 * chapter "A" Standard Extension; privileged spec, exception codes 4-7). */
#include "testlib.h"

#define ALL1 UINT64_C(0xffffffffffffffff)

static volatile uint64_t mem[4] __attribute__((aligned(64)));
static volatile uint64_t far_mem[2] __attribute__((aligned(4096)));

#define AMO(insn, addr, src)                                                                       \
	({                                                                                         \
		uint64_t r_;                                                                       \
		__asm__ volatile(insn " %0, %2, (%1)"                                              \
				 : "=r"(r_)                                                        \
				 : "r"(addr), "r"(tl_opaque(src))                                  \
				 : "memory");                                                      \
		r_;                                                                                \
	})

static uint64_t maddr(void)
{
	return (uint64_t)(uintptr_t)&mem[0];
}

static void t_lr_sc(void)
{
	uint64_t a = maddr(), r;
	mem[0] = 0x1111111111111111;
	CHECK_EQ(tl_lr_d(a), 0x1111111111111111);
	r = tl_sc_d(a, 0x2222222222222222);
	CHECK_EQ(r, 0); /* success writes 0 */
	CHECK_EQ(mem[0], 0x2222222222222222);
	/* a second SC without a new LR fails and leaves memory alone */
	r = tl_sc_d(a, 0x3333333333333333);
	CHECK(r != 0);
	CHECK_EQ(mem[0], 0x2222222222222222);
	/* SC to an address outside the reservation set fails */
	tl_lr_d(a);
	r = tl_sc_d((uint64_t)(uintptr_t)&far_mem[0], 0x4444);
	CHECK(r != 0);
	CHECK_EQ(far_mem[0], 0);
	/* LR.W sign-extends; SC.W writes only the word */
	mem[1] = 0xaaaaaaaa80000000;
	uint64_t w;
	__asm__ volatile("lr.w %0, (%2)\n\tsc.w %1, %3, (%2)"
			 : "=&r"(w), "=&r"(r)
			 : "r"(a + 8), "r"(UINT64_C(0xffffffff12345678))
			 : "memory");
	CHECK_EQ(w, 0xffffffff80000000);
	CHECK_EQ(r, 0);
	CHECK_EQ(mem[1], 0xaaaaaaaa12345678);
	/* the aq/rl forms */
	__asm__ volatile("lr.d.aq %0, (%2)\n\tsc.d.rl %1, %3, (%2)"
			 : "=&r"(w), "=&r"(r)
			 : "r"(a), "r"(UINT64_C(5))
			 : "memory");
	CHECK_EQ(w, 0x2222222222222222);
	CHECK_EQ(r, 0);
	CHECK_EQ(mem[0], 5);
}

/* old = 0x8000000000000001 (negative), src = 3: rd gets the old value */
static void t_amo_d(void)
{
	uint64_t a = maddr();
#define RUN_D(insn, want)                                                                          \
	do {                                                                                       \
		mem[0] = 0x8000000000000001;                                                       \
		CHECK_EQ(AMO(insn, a, 3), 0x8000000000000001);                                     \
		CHECK_EQ(mem[0], (want));                                                          \
	} while (0)
	RUN_D("amoswap.d", 3);
	RUN_D("amoadd.d", 0x8000000000000004);
	RUN_D("amoxor.d", 0x8000000000000002);
	RUN_D("amoand.d", 0x0000000000000001);
	RUN_D("amoor.d", 0x8000000000000003);
	RUN_D("amomin.d", 0x8000000000000001); /* signed: the negative old value */
	RUN_D("amomax.d", 3);
	RUN_D("amominu.d", 3);
	RUN_D("amomaxu.d", 0x8000000000000001); /* unsigned: the old value is larger */
	RUN_D("amoadd.d.aqrl", 0x8000000000000004);
	RUN_D("amoswap.d.aq", 3);
#undef RUN_D
	/* wrap-around */
	mem[0] = ALL1;
	CHECK_EQ(AMO("amoadd.d", a, 1), ALL1);
	CHECK_EQ(mem[0], 0);
}

/* The word at mem[0]'s low half is 0x80000001, its neighbour 0xaaaaaaaa; src's upper half is
 * ignored (src = 0xffffffff00000003 acts as 3). */
static void t_amo_w(void)
{
	uint64_t a = maddr();
#define RUN_W(insn, want_word)                                                                     \
	do {                                                                                       \
		mem[0] = 0xaaaaaaaa80000001;                                                       \
		CHECK_EQ(AMO(insn, a, 0xffffffff00000003), 0xffffffff80000001);                    \
		CHECK_EQ(mem[0], 0xaaaaaaaa00000000 | (want_word));                                \
	} while (0)
	RUN_W("amoswap.w", 0x00000003);
	RUN_W("amoadd.w", 0x80000004);
	RUN_W("amoxor.w", 0x80000002);
	RUN_W("amoand.w", 0x00000001);
	RUN_W("amoor.w", 0x80000003);
	RUN_W("amomin.w", 0x80000001); /* signed 32-bit: 0x80000001 is negative */
	RUN_W("amomax.w", 0x00000003);
	RUN_W("amominu.w", 0x00000003);
	RUN_W("amomaxu.w", 0x80000001);
	RUN_W("amoor.w.rl", 0x80000003);
#undef RUN_W
	/* the upper word of a doubleword */
	mem[0] = 0x7fffffff00000000;
	CHECK_EQ(AMO("amoadd.w", a + 4, 1), 0x7fffffff);
	CHECK_EQ(mem[0], 0x8000000000000000);
	/* rd = x0 still updates memory */
	mem[0] = 10;
	__asm__ volatile("amoadd.w x0, %1, (%0)" ::"r"(a), "r"(UINT64_C(5)) : "memory");
	CHECK_EQ(mem[0], 15);
}

#define QEMU_AMO_AS_LOAD "QEMU 7.2 raises an AMO's exceptions as load exceptions (4/5, not 6/7)"

/* Misaligned atomics raise address-misaligned: LR as a load (4), SC and AMOs as store/AMO
 * (6), with mtval = the address; memory stays unchanged. */
static void t_misaligned(void)
{
	uint64_t a = maddr();
	mem[0] = mem[1] = 0;
	tl_expect();
	CHECK_EQ(tl_lr_d(a + 4), TL_SENTINEL);
	CHECK_TRAP(TL_AT_M, EXC_LOAD_MISALIGNED);
	CHECK_EQ(tl_trap.tval, a + 4);
	tl_expect();
	CHECK_EQ(tl_lr_w(a + 2), TL_SENTINEL);
	CHECK_TRAP(TL_AT_M, EXC_LOAD_MISALIGNED);
	CHECK_EQ(tl_trap.tval, a + 2);
	tl_expect();
	CHECK_EQ(tl_amoadd_d(a + 4, 1), TL_SENTINEL);
	CHECK_TRAP_QEMU(TL_AT_M, EXC_STORE_MISALIGNED, EXC_LOAD_MISALIGNED, QEMU_AMO_AS_LOAD);
	CHECK_EQ(tl_trap.tval, a + 4);
	tl_expect();
	CHECK_EQ(tl_amoadd_w(a + 1, 1), TL_SENTINEL);
	CHECK_TRAP_QEMU(TL_AT_M, EXC_STORE_MISALIGNED, EXC_LOAD_MISALIGNED, QEMU_AMO_AS_LOAD);
	CHECK_EQ(tl_trap.tval, a + 1);
	tl_expect();
	CHECK_EQ(tl_amoswap_d(a + 8 + 3, 1), TL_SENTINEL);
	CHECK_TRAP_QEMU(TL_AT_M, EXC_STORE_MISALIGNED, EXC_LOAD_MISALIGNED, QEMU_AMO_AS_LOAD);
	CHECK_EQ(mem[0], 0);
	CHECK_EQ(mem[1], 0);
	/* a misaligned SC raises the exception whether or not a reservation is held */
	tl_lr_d(a);
	tl_expect();
	CHECK_EQ_QEMU(tl_sc_d(a + 4, 1), TL_SENTINEL, 1,
		      "QEMU 7.2 fails a misaligned SC to an unreserved address without a trap");
	CHECK_EQ_QEMU(tl_trap.count, 1, 0,
		      "QEMU 7.2 fails a misaligned SC to an unreserved address without a trap");
	if (!TL_QEMU) {
		CHECK_TRAP(TL_AT_M, EXC_STORE_MISALIGNED);
		CHECK_EQ(tl_trap.tval, a + 4);
	}
	CHECK_EQ(mem[0], 0);
}

/* Atomics on an address with nothing behind it: access faults, LR as a load (5), AMOs as
 * store/AMO (7). */
static void t_unbacked(void)
{
	tl_expect();
	CHECK_EQ(tl_lr_d(TL_UNMAPPED_PA), TL_SENTINEL);
	CHECK_TRAP(TL_AT_M, EXC_LOAD_ACCESS);
	CHECK_EQ(tl_trap.tval, TL_UNMAPPED_PA);
	tl_expect();
	CHECK_EQ(tl_amoadd_d(TL_UNMAPPED_PA, 1), TL_SENTINEL);
	CHECK_TRAP_QEMU(TL_AT_M, EXC_STORE_ACCESS, EXC_LOAD_ACCESS, QEMU_AMO_AS_LOAD);
	CHECK_EQ(tl_trap.tval, TL_UNMAPPED_PA);
	tl_expect();
	CHECK_EQ(tl_amoswap_d(TL_UNMAPPED_PA + 8, 1), TL_SENTINEL);
	CHECK_TRAP_QEMU(TL_AT_M, EXC_STORE_ACCESS, EXC_LOAD_ACCESS, QEMU_AMO_AS_LOAD);
	CHECK_EQ(tl_trap.tval, TL_UNMAPPED_PA + 8);
}

/* AMOs from lower modes behave the same. */
static uint64_t amo_in_mode(uint64_t a)
{
	return AMO("amoadd.d", a, 2);
}

static void t_modes(void)
{
	uint64_t a = maddr();
	mem[0] = 40;
	CHECK_EQ(tl_run(TL_U, amo_in_mode, a), 40);
	CHECK_EQ(tl_run(TL_HS, amo_in_mode, a), 42);
	CHECK_EQ(tl_run(TL_VS, amo_in_mode, a), 44);
	CHECK_EQ(tl_run(TL_VU, amo_in_mode, a), 46);
	CHECK_EQ(mem[0], 48);
}

int main(void)
{
	tl_init("rv64a");
	tl_test("lr/sc", t_lr_sc);
	tl_test("amo .d", t_amo_d);
	tl_test("amo .w", t_amo_w);
	tl_test("misaligned atomics", t_misaligned);
	tl_test("atomics on unbacked addresses", t_unbacked);
	tl_test("atomics in U/HS/VS/VU", t_modes);
	return tl_finish();
}
