/* AArch64 stage-1 and stage-2 translation (a64_mmu) over descriptors built by hand in RAM.
 *
 * Host RAM is [0x40000000, 0x40800000). Stage 2 (VTCR_EL2 T0SZ 25, SL0 1: 39-bit IPA, three
 * levels from S2_L1; or T0SZ 16, SL0 2: 48-bit IPA, four levels from S2_L0) maps:
 *   IPA [0x40000000, 0x401F0000) to PA 0x40100000 with RW Normal 4 KiB pages (PA | 0x6FF),
 *   IPA 0x401F0000 read-only, 0x401F1000 invalid, 0x401F2000 AF clear, 0x401F3000 XN,
 *   0x401F4000 to PA 0x1000000000 (beyond a 32-bit PS),
 *   IPA [0x40200000, 0x40400000) to PA 0x40400000 with one 2 MiB block,
 *   IPA 0x09000000 to PA 0x09000000 as a Device page (PA | 0x6C3),
 *   nothing at IPA 0x50000000.
 * The guest's stage-1 tables (TCR_EL1 T0SZ 16: four levels from TTBR0; T1SZ 25: three levels
 * from TTBR1) sit at IPA 0x40010000..0x40014FFF; a copy at PA = IPA serves the tests with
 * stage 2 off. Expected descriptor addresses, output addresses, fault status codes, levels,
 * S1PTW, WnR and HPFAR_EL2 values are worked out from the Arm ARM (VMSAv8-64 translation, the
 * ISS encoding of Data and Instruction Aborts, HPFAR_EL2).
 */
#include "decode/a64.h"
#include "emu/a64_mmu.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define RAM_BASE UINT64_C(0x40000000)
#define RAM_SIZE (UINT64_C(8) << 20)
#define BIT(n)	 (UINT64_C(1) << (n))

/* stage-2 tables (PA) */
#define S2_L1	  UINT64_C(0x40000000)
#define S2_L2	  UINT64_C(0x40001000)
#define S2_L3	  UINT64_C(0x40002000)
#define S2_L2_LO  UINT64_C(0x40003000)
#define S2_L3_DEV UINT64_C(0x40004000)
#define S2_L0	  UINT64_C(0x40006000)
#define S2_CONCAT UINT64_C(0x40008000) /* two concatenated level-1 tables, 8 KiB aligned */
#define GUEST_PA  UINT64_C(0x40100000) /* behind IPA 0x40000000 */
#define BLOCK_IPA UINT64_C(0x40200000)
#define BLOCK_PA  UINT64_C(0x40400000)
#define DEV_IPA	  UINT64_C(0x09000000)
#define HOLE_IPA  UINT64_C(0x50000000)
#define S2_RO	  UINT64_C(0x401F0000)
#define S2_NONE	  UINT64_C(0x401F1000)
#define S2_NO_AF  UINT64_C(0x401F2000)
#define S2_XN	  UINT64_C(0x401F3000)
#define S2_HIGH	  UINT64_C(0x401F4000)
#define HIGH_PA	  (UINT64_C(1) << 36)

/* stage-2 descriptors as the hypervisor side encodes them (hv-semantics.md 4.3) */
#define S2_TABLE  UINT64_C(0x3)
#define S2_PAGE	  UINT64_C(0x6FF) /* valid, page, MemAttr 0b1111, S2AP RW, SH 0b10, AF */
#define S2_DEVICE UINT64_C(0x6C3) /* MemAttr 0b0000: Device-nGnRnE */
#define S2AP_W	  UINT64_C(0x80)
#define S2_AF	  UINT64_C(0x400)
#define S2_XN0	  BIT(53)
#define S2_XN1	  BIT(54)

/* stage-1 tables (IPA) */
#define S1_L0	  UINT64_C(0x40010000)
#define S1_L1	  UINT64_C(0x40011000)
#define S1_L2	  UINT64_C(0x40012000)
#define S1_L3	  UINT64_C(0x40013000)
#define S1_L1_HI  UINT64_C(0x40014000)
#define DATA_IPA  UINT64_C(0x40020000)
#define FAR_IPA	  (UINT64_C(1) << 39) /* beyond the 39-bit stage-2 input */
#define HUGE_IPA  (UINT64_C(1) << 44) /* beyond a 40-bit TCR_EL1.IPS */
#define S1_TABLE  UINT64_C(0x3)
#define S1_PAGE	  UINT64_C(0x703) /* valid, page, SH 0b11, AF; AttrIndx 0, AP 0b00 */
#define S1_BLOCK  UINT64_C(0x701)
#define AP_EL0	  UINT64_C(0x40)
#define AP_RO	  UINT64_C(0x80)
#define S1_AF	  UINT64_C(0x400)
#define S1_DEVIDX UINT64_C(0x4) /* AttrIndx 1 */
#define PXN	  BIT(53)
#define UXN	  BIT(54)

/* VAs: level-0 index 0, level-1 index 2, level-2 index 1, level-3 index as named */
#define VA_L3(i)      (UINT64_C(0x80200000) + UINT64_C(0x1000) * (i))
#define VA_PAGE	      (VA_L3(3) + 0x123)
#define VA_BLOCK      UINT64_C(0x80412345)	   /* level-2 index 2: a 2 MiB block */
#define VA_HI	      UINT64_C(0xFFFFFFC080203123) /* TTBR1, level-1 index 258 */
#define VA_NO_L1      UINT64_C(0x140000000)	   /* level-1 index 5: invalid */
#define VA_NO_L2      UINT64_C(0x80600000)	   /* level-2 index 3: invalid */
#define VA_HOLE_TABLE UINT64_C(0x80801000) /* level-2 index 4: its table at IPA 0x50000000 */
#define VA_DEV_TABLE  UINT64_C(0x80A00000) /* level-2 index 5: its table at IPA 0x09000000 */

enum { R = A64_ACC_READ, W = A64_ACC_WRITE, X = A64_ACC_EXEC };

#define TCR_4_LEVELS  (UINT64_C(16) | UINT64_C(25) << 16 | UINT64_C(2) << 30 | UINT64_C(5) << 32)
#define VTCR_3_LEVELS (UINT64_C(25) | UINT64_C(1) << 6 | UINT64_C(5) << 16)
#define VTCR_4_LEVELS (UINT64_C(16) | UINT64_C(2) << 6 | UINT64_C(5) << 16)
#define VTCR_PS_MASK  (UINT64_C(7) << 16)
#define TCR_IPS_MASK  (UINT64_C(7) << 32)
#define TCR_TBI0      BIT(37)
#define TCR_EPD0      BIT(7)
#define TCR_EPD1      BIT(23)
#define HCR_VM	      BIT(0)
#define HCR_PTW	      BIT(2)
#define HCR_DC	      BIT(12)
#define SCTLR_WXN     BIT(19)
#define VMID	      (UINT64_C(7) << 48)
#define ASID	      (UINT64_C(1) << 48)

static emu_bus bus;
static a64_mmu_regs regs;
static a64_xlate xl;
static a64_walk w;

static void put(uint64_t pa, uint64_t v)
{
	memcpy(emu_ram_ptr(&bus, pa, 8), &v, 8);
}

static uint64_t get(uint64_t pa)
{
	uint64_t v;
	memcpy(&v, emu_ram_ptr(&bus, pa, 8), 8);
	return v;
}

static uint64_t pa_of(uint64_t ipa)
{
	return ipa - RAM_BASE + GUEST_PA;
}

/* A stage-1 descriptor, written where stage 2 puts its IPA and at PA = IPA. */
static void put_s1(uint64_t table, uint64_t idx, uint64_t v)
{
	put(pa_of(table) + 8 * idx, v);
	put(table + 8 * idx, v);
}

static void setup_stage2(void)
{
	put(S2_L0, S2_L1 | S2_TABLE);
	put(S2_L1 + 8 * 0, S2_L2_LO | S2_TABLE);
	put(S2_L1 + 8 * 1, S2_L2 | S2_TABLE);
	put(S2_L2 + 8 * 0, S2_L3 | S2_TABLE);
	put(S2_L2 + 8 * 1, BLOCK_PA | (S2_PAGE & ~UINT64_C(2)));
	for (unsigned i = 0; i < 0x1F0; i++)
		put(S2_L3 + 8 * i, (GUEST_PA + 0x1000 * i) | S2_PAGE);
	put(S2_L3 + 8 * 0x1F0, pa_of(S2_RO) | (S2_PAGE & ~S2AP_W));
	put(S2_L3 + 8 * 0x1F2, pa_of(S2_NO_AF) | (S2_PAGE & ~S2_AF));
	put(S2_L3 + 8 * 0x1F3, pa_of(S2_XN) | S2_PAGE | S2_XN1);
	put(S2_L3 + 8 * 0x1F4, HIGH_PA | S2_PAGE);
	put(S2_L2_LO + 8 * (DEV_IPA >> 21), S2_L3_DEV | S2_TABLE);
	put(S2_L3_DEV, DEV_IPA | S2_DEVICE);
	regs.vtcr_el2 = VTCR_3_LEVELS;
	regs.vttbr_el2 = VMID | S2_L1;
}

static void setup_stage1(void)
{
	put_s1(S1_L0, 0, S1_L1 | S1_TABLE);
	put_s1(S1_L1, 2, S1_L2 | S1_TABLE);
	put_s1(S1_L1_HI, 258, S1_L2 | S1_TABLE);
	put_s1(S1_L2, 1, S1_L3 | S1_TABLE);
	put_s1(S1_L2, 2, BLOCK_IPA | S1_BLOCK);
	put_s1(S1_L2, 4, HOLE_IPA | S1_TABLE);
	put_s1(S1_L2, 5, DEV_IPA | S1_TABLE);
	put_s1(S1_L3, 3, DATA_IPA | S1_PAGE | AP_EL0);
	put_s1(S1_L3, 5, DATA_IPA | S1_PAGE);
	put_s1(S1_L3, 6, DATA_IPA | S1_PAGE | AP_RO);
	put_s1(S1_L3, 7, DATA_IPA | S1_PAGE | AP_RO | AP_EL0 | UXN);
	put_s1(S1_L3, 8, DATA_IPA | S1_PAGE | PXN);
	put_s1(S1_L3, 10, DATA_IPA | (S1_PAGE & ~S1_AF));
	put_s1(S1_L3, 11, S2_NONE | S1_PAGE | AP_EL0);
	put_s1(S1_L3, 12, S2_RO | S1_PAGE);
	put_s1(S1_L3, 13, S2_XN | S1_PAGE);
	put_s1(S1_L3, 14, S2_NO_AF | S1_PAGE);
	put_s1(S1_L3, 15, DEV_IPA | S1_PAGE);
	put_s1(S1_L3, 16, DATA_IPA | S1_PAGE | S1_DEVIDX);
	put_s1(S1_L3, 17, FAR_IPA | S1_PAGE);
	put_s1(S1_L3, 18, HUGE_IPA | S1_PAGE);
	put_s1(S1_L3, 19, S2_HIGH | S1_PAGE);
	regs.sctlr_el1 = 1;
	regs.tcr_el1 = TCR_4_LEVELS;
	regs.ttbr0_el1 = ASID | S1_L0;
	regs.ttbr1_el1 = ASID | S1_L1_HI;
	regs.mair_el1 = 0x00FF; /* Attr0 Normal Write-Back, Attr1 Device-nGnRnE */
}

static void setup(void)
{
	ck_assert(emu_bus_init(&bus, RAM_BASE, RAM_SIZE));
	memset(&regs, 0, sizeof regs);
	setup_stage2();
	setup_stage1();
	regs.hcr_el2 = HCR_VM;
}

static void teardown(void)
{
	emu_bus_free(&bus);
}

static void check_same_fault(const a64_mmu_fault *a, const a64_mmu_fault *b)
{
	ck_assert_uint_eq(a->kind, b->kind);
	ck_assert_uint_eq(a->stage, b->stage);
	ck_assert_uint_eq(a->level, b->level);
	ck_assert_uint_eq(a->fsc, b->fsc);
	ck_assert_uint_eq(a->target_el, b->target_el);
	ck_assert_int_eq(a->s1ptw, b->s1ptw);
	ck_assert_int_eq(a->wnr, b->wnr);
	ck_assert_int_eq(a->ea, b->ea);
	ck_assert_int_eq(a->far_valid, b->far_valid);
	ck_assert_uint_eq(a->ipa, b->ipa);
	ck_assert_uint_eq(a->hpfar, b->hpfar);
}

/* Translates with a record into xl and w; the fast path (no record) must agree. */
static bool run(bool ipa_only, uint64_t addr, unsigned type, unsigned el, bool unpriv)
{
	a64_access acc = {(uint8_t)type, (uint8_t)el, unpriv};
	a64_xlate fast;
	bool ok = ipa_only ? a64_mmu_translate_ipa(&regs, &bus, addr, acc, &xl, &w)
			   : a64_mmu_translate(&regs, &bus, addr, acc, &xl, &w);
	bool fast_ok = ipa_only ? a64_mmu_translate_ipa(&regs, &bus, addr, acc, &fast, NULL)
				: a64_mmu_translate(&regs, &bus, addr, acc, &fast, NULL);
	ck_assert_int_eq(ok, fast_ok);
	ck_assert_int_eq(ok, xl.fault.kind == A64_MMU_FAULT_NONE);
	check_same_fault(&fast.fault, &xl.fault);
	if (ok) {
		ck_assert_uint_eq(fast.pa, xl.pa);
		ck_assert_uint_eq(fast.perms, xl.perms);
		ck_assert_int_eq(fast.device, xl.device);
	}
	return ok;
}

static bool va(uint64_t addr, unsigned type, unsigned el)
{
	return run(false, addr, type, el, false);
}

static bool ipa(uint64_t addr, unsigned type, unsigned el)
{
	return run(true, addr, type, el, false);
}

/* The fault in xl, with the xFSC checked against the decoder's table too. */
static void check_fault(unsigned kind, unsigned stage, unsigned level, unsigned fsc)
{
	static const dec_a64_fault_kind dec_kinds[] = {
	    [A64_MMU_FAULT_ADDR_SIZE] = A64_FAULT_ADDR_SIZE,
	    [A64_MMU_FAULT_TRANSLATION] = A64_FAULT_TRANSLATION,
	    [A64_MMU_FAULT_ACCESS_FLAG] = A64_FAULT_ACCESS_FLAG,
	    [A64_MMU_FAULT_PERMISSION] = A64_FAULT_PERMISSION,
	    [A64_MMU_FAULT_EXT_WALK] = A64_FAULT_EXTERNAL_TTW,
	};
	const a64_mmu_fault *f = &xl.fault;
	ck_assert_uint_eq(f->kind, kind);
	ck_assert_uint_eq(f->stage, stage);
	ck_assert_uint_eq(f->level, level);
	ck_assert_uint_eq(f->fsc, fsc);
	ck_assert_uint_eq(f->target_el, stage);
	ck_assert(f->far_valid);
	ck_assert_int_eq(f->ea, kind == A64_MMU_FAULT_EXT_WALK);
	const dec_a64_fsc *info = dec_a64_fsc_info(fsc);
	ck_assert_int_eq(info->kind, dec_kinds[kind]);
	ck_assert_int_eq(info->level, (int)level);
	if (stage == 1) {
		ck_assert(!f->s1ptw);
		ck_assert_uint_eq(f->hpfar, 0);
	}
}

/* A stage-2 fault: the IPA, HPFAR_EL2 and S1PTW. */
static void check_s2_fault(uint64_t fault_ipa, uint64_t hpfar, bool s1ptw)
{
	ck_assert_uint_eq(xl.fault.ipa, fault_ipa);
	ck_assert_uint_eq(xl.fault.hpfar, hpfar);
	ck_assert_int_eq(xl.fault.s1ptw, s1ptw);
}

static void check_step(unsigned i, unsigned stage, unsigned level, bool for_s1, uint64_t table,
		       uint64_t desc_addr, unsigned kind)
{
	ck_assert_uint_lt(i, w.nsteps);
	const a64_walk_step *s = &w.step[i];
	ck_assert_uint_eq(s->stage, stage);
	ck_assert_uint_eq(s->level, level);
	ck_assert_int_eq(s->for_s1, for_s1);
	ck_assert_uint_eq(s->table, table);
	ck_assert_uint_eq(s->desc_addr, desc_addr);
	ck_assert_uint_eq(s->kind, kind);
	ck_assert(s->read_ok);
	bool s2_on = (regs.hcr_el2 & (HCR_VM | HCR_DC)) != 0;
	ck_assert_uint_eq(s->desc, get(stage == 1 && s2_on ? pa_of(desc_addr) : desc_addr));
}

/* The three stage-2 steps (VTCR_3_LEVELS) for an IPA in [0x40000000, 0x401F0000), from i. */
static void check_s2_page(unsigned i, bool for_s1, uint64_t in)
{
	check_step(i, 2, 1, for_s1, S2_L1, S2_L1 + 8, A64_DESC_TABLE);
	check_step(i + 1, 2, 2, for_s1, S2_L2, S2_L2, A64_DESC_TABLE);
	check_step(i + 2, 2, 3, for_s1, S2_L3, S2_L3 + 8 * ((in >> 12) & 511), A64_DESC_PAGE);
	ck_assert_uint_eq(w.step[i].in, in);
}

/* ---- stage 1 alone (HCR_EL2.VM = 0) ---- */

START_TEST(s1_page_four_levels)
{
	regs.hcr_el2 = 0;
	ck_assert(va(VA_PAGE, R, 1));
	ck_assert_uint_eq(xl.ipa, DATA_IPA + 0x123);
	ck_assert_uint_eq(xl.pa, DATA_IPA + 0x123);
	ck_assert_int_eq(w.ttbr, 0);
	ck_assert(!w.s2);
	ck_assert_int_eq(w.fault_step, -1);
	ck_assert_uint_eq(w.nsteps, 4);
	check_step(0, 1, 0, false, S1_L0, S1_L0, A64_DESC_TABLE);
	check_step(1, 1, 1, false, S1_L1, S1_L1 + 8 * 2, A64_DESC_TABLE);
	check_step(2, 1, 2, false, S1_L2, S1_L2 + 8 * 1, A64_DESC_TABLE);
	check_step(3, 1, 3, false, S1_L3, S1_L3 + 8 * 3, A64_DESC_PAGE);
	ck_assert_uint_eq(w.step[3].in, VA_PAGE);
	/* AP 0b01: EL1 and EL0 read and write; EL0 may write, so EL1 may not execute */
	ck_assert_uint_eq(xl.perms, R | W);
	ck_assert(!xl.device);
	ck_assert(va(VA_PAGE, R | W, 0));
	ck_assert_uint_eq(xl.perms, R | W | X);
}
END_TEST

START_TEST(s1_block_2m)
{
	regs.hcr_el2 = 0;
	ck_assert(va(VA_BLOCK, W, 1));
	ck_assert_uint_eq(xl.pa, BLOCK_IPA + 0x12345);
	ck_assert_uint_eq(w.nsteps, 3);
	check_step(2, 1, 2, false, S1_L2, S1_L2 + 8 * 2, A64_DESC_BLOCK);
	ck_assert_uint_eq(xl.perms, R | W | X);
}
END_TEST

START_TEST(s1_ttbr1_upper_range_three_levels)
{
	regs.hcr_el2 = 0;
	ck_assert(va(VA_HI, R, 1));
	ck_assert_uint_eq(xl.pa, DATA_IPA + 0x123);
	ck_assert_int_eq(w.ttbr, 1);
	ck_assert_uint_eq(w.nsteps, 3);
	/* T1SZ 25: 39-bit VA, the walk starts at level 1 with VA[38:30] = 258 */
	check_step(0, 1, 1, false, S1_L1_HI, S1_L1_HI + 8 * 258, A64_DESC_TABLE);
	check_step(2, 1, 3, false, S1_L3, S1_L3 + 8 * 3, A64_DESC_PAGE);
}
END_TEST

START_TEST(s1_epd_disables_one_range)
{
	regs.hcr_el2 = 0;
	regs.tcr_el1 |= TCR_EPD1;
	ck_assert(!va(VA_HI, R, 1));
	check_fault(A64_MMU_FAULT_TRANSLATION, 1, 0, 0x04);
	ck_assert_uint_eq(w.nsteps, 0);
	ck_assert_int_eq(w.fault_step, -1);
	ck_assert_int_eq(w.ttbr, 1);
	ck_assert(va(VA_PAGE, R, 1));
	regs.tcr_el1 ^= TCR_EPD1 | TCR_EPD0;
	ck_assert(!va(VA_PAGE, R, 1));
	check_fault(A64_MMU_FAULT_TRANSLATION, 1, 0, 0x04);
	ck_assert(va(VA_HI, R, 1));
}
END_TEST

START_TEST(s1_va_outside_both_ranges)
{
	regs.hcr_el2 = 0;
	/* bit 48 set with T0SZ 16, and bits [63:39] not all ones with T1SZ 25 */
	ck_assert(!va(BIT(48) | VA_PAGE, R, 1));
	check_fault(A64_MMU_FAULT_TRANSLATION, 1, 0, 0x04);
	ck_assert(!va(VA_HI & ~BIT(40), R, 1));
	check_fault(A64_MMU_FAULT_TRANSLATION, 1, 0, 0x04);
	/* the top byte is part of the address unless TCR_EL1.TBI0 is set */
	uint64_t tagged = (UINT64_C(0x5A) << 56) | VA_PAGE;
	ck_assert(!va(tagged, R, 1));
	regs.tcr_el1 |= TCR_TBI0;
	ck_assert(va(tagged, R, 1));
	ck_assert_uint_eq(xl.pa, DATA_IPA + 0x123);
}
END_TEST

START_TEST(s1_txsz_out_of_range)
{
	regs.hcr_el2 = 0;
	regs.tcr_el1 = (regs.tcr_el1 & ~UINT64_C(63)) | 12;
	ck_assert(!va(VA_PAGE, R, 1));
	check_fault(A64_MMU_FAULT_TRANSLATION, 1, 0, 0x04);
	regs.tcr_el1 = (regs.tcr_el1 & ~UINT64_C(63)) | 40;
	ck_assert(!va(0x1000, R, 1));
	check_fault(A64_MMU_FAULT_TRANSLATION, 1, 0, 0x04);
	ck_assert_uint_eq(w.nsteps, 0);
}
END_TEST

START_TEST(s1_table_base_beyond_ips)
{
	regs.hcr_el2 = 0;
	regs.tcr_el1 &= ~TCR_IPS_MASK; /* 32 bits */
	regs.ttbr0_el1 = BIT(32) | S1_L0;
	ck_assert(!va(VA_PAGE, R, 1));
	check_fault(A64_MMU_FAULT_ADDR_SIZE, 1, 0, 0x00);
	ck_assert_uint_eq(w.nsteps, 0);
}
END_TEST

START_TEST(s1_off_is_flat)
{
	regs.hcr_el2 = 0;
	regs.sctlr_el1 = 0;
	ck_assert(va(VA_PAGE, R, 1));
	ck_assert_uint_eq(xl.pa, VA_PAGE);
	ck_assert_uint_eq(w.nsteps, 0);
	ck_assert_int_eq(w.ttbr, -1);
	ck_assert(xl.device); /* data: Device-nGnRnE */
	ck_assert_uint_eq(xl.perms, R | W | X);
	ck_assert(va(VA_PAGE, X, 1));
	ck_assert(!xl.device);
	/* a VA beyond the PA size is an Address size fault at level 0 */
	ck_assert(!va(BIT(48), R, 1));
	check_fault(A64_MMU_FAULT_ADDR_SIZE, 1, 0, 0x00);
}
END_TEST

/* ---- stage 2 alone ---- */

START_TEST(s2_three_levels)
{
	ck_assert(ipa(DATA_IPA + 0x123, W, 1));
	ck_assert_uint_eq(xl.pa, pa_of(DATA_IPA) + 0x123);
	ck_assert(w.s2);
	ck_assert_int_eq(w.ttbr, -1);
	ck_assert_uint_eq(w.nsteps, 3);
	check_s2_page(0, false, DATA_IPA + 0x123);
	ck_assert_uint_eq(xl.perms, R | W | X);
	ck_assert(!xl.device);
}
END_TEST

START_TEST(s2_four_levels)
{
	regs.vtcr_el2 = VTCR_4_LEVELS;
	regs.vttbr_el2 = VMID | S2_L0;
	ck_assert(ipa(DATA_IPA + 0x123, R, 1));
	ck_assert_uint_eq(xl.pa, pa_of(DATA_IPA) + 0x123);
	ck_assert_uint_eq(w.nsteps, 4);
	check_step(0, 2, 0, false, S2_L0, S2_L0, A64_DESC_TABLE);
	check_s2_page(1, false, DATA_IPA + 0x123);
}
END_TEST

START_TEST(s2_block_2m)
{
	ck_assert(ipa(BLOCK_IPA + 0x12345, R, 1));
	ck_assert_uint_eq(xl.pa, BLOCK_PA + 0x12345);
	ck_assert_uint_eq(w.nsteps, 2);
	check_step(1, 2, 2, false, S2_L2, S2_L2 + 8, A64_DESC_BLOCK);
}
END_TEST

START_TEST(s2_device_page)
{
	ck_assert(ipa(DEV_IPA + 0x10, W, 1));
	ck_assert_uint_eq(xl.pa, DEV_IPA + 0x10);
	ck_assert(xl.device);
	check_step(2, 2, 3, false, S2_L3_DEV, S2_L3_DEV, A64_DESC_PAGE);
	ck_assert(ipa(DEV_IPA, X, 1)); /* a fetch is never a Device access */
	ck_assert(!xl.device);
	ck_assert(ipa(DATA_IPA, R, 1));
	ck_assert(!xl.device);
}
END_TEST

START_TEST(s2_concatenated_initial_tables)
{
	/* T0SZ 24, SL0 1: a 40-bit IPA from level 1 resolves 10 bits there: two tables */
	regs.vtcr_el2 = UINT64_C(24) | UINT64_C(1) << 6 | UINT64_C(5) << 16;
	regs.vttbr_el2 = VMID | S2_CONCAT;
	put(S2_CONCAT + 8 * 513, S2_L2 | S2_TABLE);
	uint64_t addr = BIT(39) | (DATA_IPA + 0x123);
	ck_assert(ipa(addr, R, 1));
	ck_assert_uint_eq(xl.pa, pa_of(DATA_IPA) + 0x123);
	check_step(0, 2, 1, false, S2_CONCAT, S2_CONCAT + 8 * 513, A64_DESC_TABLE);
	ck_assert(!ipa(DATA_IPA, R, 1)); /* entry 1 of the first table is empty */
	check_fault(A64_MMU_FAULT_TRANSLATION, 2, 1, 0x05);
}
END_TEST

START_TEST(s2_xn_encodings)
{
	/* FEAT_XNX XN[1:0]: 00 both ELs execute, 01 EL0 only, 10 neither, 11 EL1 only */
	static const uint8_t el0_x[4] = {1, 1, 0, 0}, el1_x[4] = {1, 0, 0, 1};
	for (unsigned xn = 0; xn < 4; xn++) {
		put(S2_L3 + 8 * 0x20, pa_of(DATA_IPA) | S2_PAGE | (uint64_t)xn << 53);
		ck_assert_int_eq(ipa(DATA_IPA, X, 0), el0_x[xn]);
		ck_assert_int_eq(ipa(DATA_IPA, X, 1), el1_x[xn]);
		ck_assert(ipa(DATA_IPA, R | W, 1));
	}
}
END_TEST

/* ---- both stages ---- */

START_TEST(both_stages_every_step)
{
	ck_assert(va(VA_PAGE, R, 1));
	ck_assert_uint_eq(xl.ipa, DATA_IPA + 0x123);
	ck_assert_uint_eq(xl.pa, pa_of(DATA_IPA) + 0x123);
	ck_assert_uint_eq(w.nsteps, 19);
	/* each stage-1 descriptor address is an IPA: stage 2 walks it before the read */
	check_s2_page(0, true, S1_L0);
	check_step(3, 1, 0, false, S1_L0, S1_L0, A64_DESC_TABLE);
	check_s2_page(4, true, S1_L1 + 8 * 2);
	check_step(7, 1, 1, false, S1_L1, S1_L1 + 8 * 2, A64_DESC_TABLE);
	check_s2_page(8, true, S1_L2 + 8 * 1);
	check_step(11, 1, 2, false, S1_L2, S1_L2 + 8, A64_DESC_TABLE);
	check_s2_page(12, true, S1_L3 + 8 * 3);
	check_step(15, 1, 3, false, S1_L3, S1_L3 + 8 * 3, A64_DESC_PAGE);
	check_s2_page(16, false, DATA_IPA + 0x123);
	ck_assert_uint_eq(w.step[15].in, VA_PAGE);
}
END_TEST

START_TEST(both_stages_four_levels_each)
{
	regs.vtcr_el2 = VTCR_4_LEVELS;
	regs.vttbr_el2 = VMID | S2_L0;
	ck_assert(va(VA_PAGE, W, 0));
	ck_assert_uint_eq(xl.pa, pa_of(DATA_IPA) + 0x123);
	ck_assert_uint_eq(w.nsteps, A64_WALK_MAX_STEPS);
	for (unsigned i = 0; i < 4; i++) {
		check_step(5 * i, 2, 0, true, S2_L0, S2_L0, A64_DESC_TABLE);
		ck_assert_uint_eq(w.step[5 * i + 4].stage, 1);
		ck_assert_uint_eq(w.step[5 * i + 4].level, i);
	}
	check_step(20, 2, 0, false, S2_L0, S2_L0, A64_DESC_TABLE);
	check_step(23, 2, 3, false, S2_L3, S2_L3 + 8 * 0x20, A64_DESC_PAGE);
}
END_TEST

START_TEST(both_stages_block_over_block)
{
	ck_assert(va(VA_BLOCK, R, 1));
	ck_assert_uint_eq(xl.ipa, BLOCK_IPA + 0x12345);
	ck_assert_uint_eq(xl.pa, BLOCK_PA + 0x12345);
	ck_assert_uint_eq(w.nsteps, 3 * 4 + 2);
	check_step(11, 1, 2, false, S1_L2, S1_L2 + 16, A64_DESC_BLOCK);
	check_step(13, 2, 2, false, S2_L2, S2_L2 + 8, A64_DESC_BLOCK);
}
END_TEST

START_TEST(device_at_either_stage)
{
	ck_assert(va(VA_L3(16), R, 1)); /* stage 1 AttrIndx 1: Device in MAIR_EL1 */
	ck_assert(xl.device);
	ck_assert(va(VA_L3(15), R, 1)); /* stage 1 Normal over stage 2 Device */
	ck_assert(xl.device);
	ck_assert_uint_eq(xl.pa, DEV_IPA);
	ck_assert(va(VA_L3(5), R, 1));
	ck_assert(!xl.device);
}
END_TEST

START_TEST(dc_makes_stage1_flat_and_normal)
{
	regs.hcr_el2 = HCR_DC; /* stage 2 on, stage 1 off, Normal memory */
	ck_assert(va(DATA_IPA + 0x123, R, 1));
	ck_assert_uint_eq(xl.pa, pa_of(DATA_IPA) + 0x123);
	ck_assert(!xl.device);
	ck_assert_uint_eq(w.nsteps, 3);
}
END_TEST

/* ---- stage-1 faults ---- */

START_TEST(s1_translation_fault_levels)
{
	static const struct {
		uint64_t va;
		unsigned level, fsc, steps;
	} cases[] = {{VA_NO_L1, 1, 0x05, 2}, {VA_NO_L2, 2, 0x06, 3}, {VA_L3(4), 3, 0x07, 4}};
	for (unsigned i = 0; i < 3; i++) {
		ck_assert(!va(cases[i].va, R, 1));
		check_fault(A64_MMU_FAULT_TRANSLATION, 1, cases[i].level, cases[i].fsc);
		ck_assert(!xl.fault.wnr);
		ck_assert_uint_eq(w.nsteps, 4 * cases[i].steps);
		ck_assert_int_eq(w.fault_step, (int)w.nsteps - 1);
		ck_assert_uint_eq(w.step[w.nsteps - 1].kind, A64_DESC_INVALID);
		ck_assert(w.step[w.nsteps - 1].read_ok);
	}
	ck_assert(!va(VA_L3(4), W, 1));
	ck_assert(xl.fault.wnr);
}
END_TEST

START_TEST(s1_permission_el0_on_el1_page)
{
	ck_assert(va(VA_L3(5), R, 1));
	ck_assert_uint_eq(xl.perms, R | W | X);
	ck_assert(!va(VA_L3(5), R, 0));
	check_fault(A64_MMU_FAULT_PERMISSION, 1, 3, 0x0F);
	ck_assert(!xl.fault.wnr);
	ck_assert_int_eq(w.fault_step, 15);
	/* LDTR at EL1 is checked as EL0 */
	ck_assert(!run(false, VA_L3(5), R, 1, true));
	check_fault(A64_MMU_FAULT_PERMISSION, 1, 3, 0x0F);
	/* EL0 store, and EL0 atomic whose read faults first: WnR 1, then 0 */
	ck_assert(!va(VA_L3(5), W, 0));
	ck_assert(xl.fault.wnr);
	ck_assert(!va(VA_L3(5), R | W, 0));
	ck_assert(!xl.fault.wnr);
}
END_TEST

START_TEST(s1_permission_write_to_read_only)
{
	ck_assert(va(VA_L3(6), R, 1));
	ck_assert_uint_eq(xl.perms, R | X);
	ck_assert(!va(VA_L3(6), W, 1));
	check_fault(A64_MMU_FAULT_PERMISSION, 1, 3, 0x0F);
	ck_assert(xl.fault.wnr);
	/* an atomic whose read would pass: the write faulted, WnR 1 */
	ck_assert(!va(VA_L3(6), R | W, 1));
	ck_assert(xl.fault.wnr);
	/* APTable[1] on the level-2 table descriptor makes every page below read-only */
	put_s1(S1_L2, 1, S1_L3 | S1_TABLE | BIT(62));
	ck_assert(!va(VA_L3(5), W, 1));
	check_fault(A64_MMU_FAULT_PERMISSION, 1, 3, 0x0F);
}
END_TEST

START_TEST(s1_execute_never)
{
	ck_assert(!va(VA_L3(8), X, 1)); /* PXN */
	check_fault(A64_MMU_FAULT_PERMISSION, 1, 3, 0x0F);
	ck_assert(!xl.fault.wnr);
	ck_assert(va(VA_L3(8), R, 1));
	ck_assert(!va(VA_L3(3), X, 1)); /* writable at EL0: never executable at EL1 */
	check_fault(A64_MMU_FAULT_PERMISSION, 1, 3, 0x0F);
	ck_assert(va(VA_L3(3), X, 0));
	ck_assert(!va(VA_L3(7), X, 0)); /* UXN */
	check_fault(A64_MMU_FAULT_PERMISSION, 1, 3, 0x0F);
	ck_assert(va(VA_L3(7), X, 1));
	ck_assert(va(VA_L3(5), X, 1));
	regs.sctlr_el1 |= SCTLR_WXN; /* writable implies execute-never */
	ck_assert(!va(VA_L3(5), X, 1));
	ck_assert(va(VA_L3(7), X, 1));
	regs.sctlr_el1 &= ~SCTLR_WXN;
	/* PXNTable on the level-1 descriptor */
	put_s1(S1_L1, 2, S1_L2 | S1_TABLE | BIT(59));
	ck_assert(!va(VA_L3(5), X, 1));
	ck_assert(va(VA_L3(3), X, 0));
}
END_TEST

START_TEST(s1_access_flag)
{
	ck_assert(!va(VA_L3(10), R, 1));
	check_fault(A64_MMU_FAULT_ACCESS_FLAG, 1, 3, 0x0B);
	ck_assert_int_eq(w.fault_step, 15);
}
END_TEST

START_TEST(s1_output_beyond_ips)
{
	regs.tcr_el1 = (regs.tcr_el1 & ~TCR_IPS_MASK) | UINT64_C(2) << 32; /* 40 bits */
	ck_assert(!va(VA_L3(18), R, 1));
	check_fault(A64_MMU_FAULT_ADDR_SIZE, 1, 3, 0x03);
	/* with a 48-bit IPS the same IPA is beyond stage 2's 39-bit input */
	regs.tcr_el1 = TCR_4_LEVELS;
	ck_assert(!va(VA_L3(18), R, 1));
	check_fault(A64_MMU_FAULT_TRANSLATION, 2, 0, 0x04);
	check_s2_fault(HUGE_IPA, HUGE_IPA >> 8, false);
}
END_TEST

START_TEST(s1_walk_reads_outside_ram)
{
	regs.hcr_el2 = 0;
	regs.ttbr0_el1 = 0x1000;
	ck_assert(!va(VA_PAGE, R, 1));
	check_fault(A64_MMU_FAULT_EXT_WALK, 1, 0, 0x14);
	ck_assert_uint_eq(w.nsteps, 1);
	ck_assert(!w.step[0].read_ok);
	ck_assert_int_eq(w.fault_step, 0);
}
END_TEST

/* ---- stage-2 faults ---- */

START_TEST(s2_translation_fault_on_final_ipa)
{
	ck_assert(!va(VA_L3(11) + 0x456, R, 0));
	check_fault(A64_MMU_FAULT_TRANSLATION, 2, 3, 0x07);
	check_s2_fault(S2_NONE + 0x456, 0x401F10, false);
	ck_assert(!xl.fault.wnr);
	ck_assert_uint_eq(xl.ipa, S2_NONE + 0x456);
	ck_assert_uint_eq(w.nsteps, 19);
	ck_assert_int_eq(w.fault_step, 18);
	ck_assert(!w.step[18].for_s1);
	ck_assert(!va(VA_L3(11), W, 0));
	ck_assert(xl.fault.wnr);
}
END_TEST

START_TEST(s2_fault_on_s1_table_walk)
{
	/* the level-3 table is at IPA 0x50000000, which stage 2 does not map (level 2) */
	ck_assert(!va(VA_HOLE_TABLE, R, 1));
	check_fault(A64_MMU_FAULT_TRANSLATION, 2, 2, 0x06);
	check_s2_fault(HOLE_IPA + 8, 0x500000, true);
	ck_assert(!xl.fault.wnr);
	/* steps: three stage-1 levels with their stage-2 walks, then the failed stage-2 walk
	 * (levels 1, 2) of the level-3 descriptor, then that descriptor, not read */
	ck_assert_uint_eq(w.nsteps, 3 * 4 + 2 + 1);
	check_step(12, 2, 1, true, S2_L1, S2_L1 + 8, A64_DESC_TABLE);
	check_step(13, 2, 2, true, S2_L2, S2_L2 + 8 * 0x80, A64_DESC_INVALID);
	ck_assert_int_eq(w.fault_step, 13);
	ck_assert_uint_eq(w.step[14].stage, 1);
	ck_assert_uint_eq(w.step[14].desc_addr, HOLE_IPA + 8);
	ck_assert(!w.step[14].read_ok);
	/* WnR is the instruction's: a store reports 1, an atomic 0 (its read faults too) */
	ck_assert(!va(VA_HOLE_TABLE, W, 1));
	check_s2_fault(HOLE_IPA + 8, 0x500000, true);
	ck_assert(xl.fault.wnr);
	ck_assert(!va(VA_HOLE_TABLE, R | W, 1));
	ck_assert(!xl.fault.wnr);
	ck_assert(!va(VA_HOLE_TABLE, X, 1));
	check_fault(A64_MMU_FAULT_TRANSLATION, 2, 2, 0x06);
	ck_assert(xl.fault.s1ptw);
}
END_TEST

START_TEST(s2_permission_write_to_read_only)
{
	ck_assert(va(VA_L3(12), R, 1));
	ck_assert_uint_eq(xl.perms, R | X);
	ck_assert(!va(VA_L3(12) + 8, W, 1));
	check_fault(A64_MMU_FAULT_PERMISSION, 2, 3, 0x0F);
	check_s2_fault(S2_RO + 8, 0x401F00, false);
	ck_assert(xl.fault.wnr);
	ck_assert(!va(VA_L3(12), R | W, 1));
	ck_assert(xl.fault.wnr);
}
END_TEST

START_TEST(s2_execute_never)
{
	ck_assert(va(VA_L3(13), R, 1));
	ck_assert(!va(VA_L3(13), X, 1));
	check_fault(A64_MMU_FAULT_PERMISSION, 2, 3, 0x0F);
	check_s2_fault(S2_XN, 0x401F30, false);
	ck_assert(!xl.fault.wnr);
}
END_TEST

START_TEST(s2_access_flag)
{
	ck_assert(!va(VA_L3(14), R, 1));
	check_fault(A64_MMU_FAULT_ACCESS_FLAG, 2, 3, 0x0B);
	check_s2_fault(S2_NO_AF, 0x401F20, false);
}
END_TEST

START_TEST(s2_ipa_beyond_t0sz)
{
	ck_assert(!va(VA_L3(17), R, 1));
	check_fault(A64_MMU_FAULT_TRANSLATION, 2, 0, 0x04);
	check_s2_fault(FAR_IPA, FAR_IPA >> 8, false);
	ck_assert_uint_eq(w.nsteps, 16);
	ck_assert_int_eq(w.fault_step, -1);
	ck_assert(!ipa(BIT(39) + 0x1000, R, 1));
	check_fault(A64_MMU_FAULT_TRANSLATION, 2, 0, 0x04);
	ck_assert_uint_eq(w.nsteps, 0);
}
END_TEST

START_TEST(s2_output_beyond_ps)
{
	ck_assert(va(VA_L3(19) + 4, R, 1));
	ck_assert_uint_eq(xl.pa, HIGH_PA + 4);
	regs.vtcr_el2 &= ~VTCR_PS_MASK; /* 32 bits */
	ck_assert(!va(VA_L3(19) + 4, R, 1));
	check_fault(A64_MMU_FAULT_ADDR_SIZE, 2, 3, 0x03);
	check_s2_fault(S2_HIGH + 4, 0x401F40, false);
}
END_TEST

START_TEST(vtcr_out_of_range_or_inconsistent)
{
	static const uint64_t bad[] = {
	    UINT64_C(12) | UINT64_C(2) << 6, /* T0SZ below 16 */
	    UINT64_C(25) | UINT64_C(3) << 6, /* SL0 0b11 */
	    UINT64_C(25) | UINT64_C(2) << 6, /* 39 bits cannot start at level 0 */
	    UINT64_C(16) | UINT64_C(1) << 6, /* 48 bits need 2^18 level-1 entries */
	    UINT64_C(40) | UINT64_C(0) << 6, /* T0SZ above 39 */
	};
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		regs.vtcr_el2 = bad[i] | UINT64_C(5) << 16;
		ck_assert(!ipa(DATA_IPA, R, 1));
		check_fault(A64_MMU_FAULT_TRANSLATION, 2, 0, 0x04);
		check_s2_fault(DATA_IPA, 0x400200, false);
	}
}
END_TEST

START_TEST(ptw_reads_of_device_memory)
{
	/* HCR_EL2.PTW: a stage-1 walk touching stage-2 Device memory is a stage-2 Permission
	 * fault on the walk */
	regs.hcr_el2 |= HCR_PTW;
	ck_assert(!va(VA_DEV_TABLE, R, 1));
	check_fault(A64_MMU_FAULT_PERMISSION, 2, 3, 0x0F);
	check_s2_fault(DEV_IPA, 0x90000, true);
	ck_assert_int_eq(w.fault_step, (int)w.nsteps - 2);
	/* without PTW the read goes to PA 0x09000000, which is not RAM: External abort on the
	 * stage-1 walk, taken to EL1 */
	regs.hcr_el2 &= ~HCR_PTW;
	ck_assert(!va(VA_DEV_TABLE, R, 1));
	check_fault(A64_MMU_FAULT_EXT_WALK, 1, 3, 0x17);
	ck_assert_int_eq(w.fault_step, (int)w.nsteps - 1);
}
END_TEST

START_TEST(s2_walk_reads_outside_ram)
{
	regs.vttbr_el2 = VMID | 0x1000;
	ck_assert(!va(VA_PAGE, R, 1));
	check_fault(A64_MMU_FAULT_EXT_WALK, 2, 1, 0x15);
	check_s2_fault(S1_L0, 0x400100, true);
}
END_TEST

/* ---- side effects ---- */

START_TEST(walks_change_nothing)
{
	uint8_t *before = malloc(RAM_SIZE);
	ck_assert_ptr_nonnull(before);
	memcpy(before, bus.ram, RAM_SIZE);
	a64_mmu_regs saved = regs;
	static const uint64_t vas[] = {VA_PAGE,	  VA_BLOCK,	 VA_HI,	      VA_L3(10),
				       VA_L3(14), VA_HOLE_TABLE, VA_DEV_TABLE};
	for (unsigned i = 0; i < sizeof vas / sizeof vas[0]; i++)
		for (unsigned type = R; type <= X; type <<= 1)
			va(vas[i], type, i & 1);
	ck_assert_mem_eq(before, bus.ram, RAM_SIZE);
	ck_assert_mem_eq(&saved, &regs, sizeof regs);
	free(before);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("a64_mmu");

	TCase *s1 = tcase_create("stage 1");
	tcase_add_checked_fixture(s1, setup, teardown);
	tcase_add_test(s1, s1_page_four_levels);
	tcase_add_test(s1, s1_block_2m);
	tcase_add_test(s1, s1_ttbr1_upper_range_three_levels);
	tcase_add_test(s1, s1_epd_disables_one_range);
	tcase_add_test(s1, s1_va_outside_both_ranges);
	tcase_add_test(s1, s1_txsz_out_of_range);
	tcase_add_test(s1, s1_table_base_beyond_ips);
	tcase_add_test(s1, s1_off_is_flat);
	suite_add_tcase(s, s1);

	TCase *s2 = tcase_create("stage 2");
	tcase_add_checked_fixture(s2, setup, teardown);
	tcase_add_test(s2, s2_three_levels);
	tcase_add_test(s2, s2_four_levels);
	tcase_add_test(s2, s2_block_2m);
	tcase_add_test(s2, s2_device_page);
	tcase_add_test(s2, s2_concatenated_initial_tables);
	tcase_add_test(s2, s2_xn_encodings);
	suite_add_tcase(s, s2);

	TCase *both = tcase_create("both stages");
	tcase_add_checked_fixture(both, setup, teardown);
	tcase_add_test(both, both_stages_every_step);
	tcase_add_test(both, both_stages_four_levels_each);
	tcase_add_test(both, both_stages_block_over_block);
	tcase_add_test(both, device_at_either_stage);
	tcase_add_test(both, dc_makes_stage1_flat_and_normal);
	suite_add_tcase(s, both);

	TCase *f1 = tcase_create("stage-1 faults");
	tcase_add_checked_fixture(f1, setup, teardown);
	tcase_add_test(f1, s1_translation_fault_levels);
	tcase_add_test(f1, s1_permission_el0_on_el1_page);
	tcase_add_test(f1, s1_permission_write_to_read_only);
	tcase_add_test(f1, s1_execute_never);
	tcase_add_test(f1, s1_access_flag);
	tcase_add_test(f1, s1_output_beyond_ips);
	tcase_add_test(f1, s1_walk_reads_outside_ram);
	suite_add_tcase(s, f1);

	TCase *f2 = tcase_create("stage-2 faults");
	tcase_add_checked_fixture(f2, setup, teardown);
	tcase_add_test(f2, s2_translation_fault_on_final_ipa);
	tcase_add_test(f2, s2_fault_on_s1_table_walk);
	tcase_add_test(f2, s2_permission_write_to_read_only);
	tcase_add_test(f2, s2_execute_never);
	tcase_add_test(f2, s2_access_flag);
	tcase_add_test(f2, s2_ipa_beyond_t0sz);
	tcase_add_test(f2, s2_output_beyond_ps);
	tcase_add_test(f2, vtcr_out_of_range_or_inconsistent);
	tcase_add_test(f2, ptw_reads_of_device_memory);
	tcase_add_test(f2, s2_walk_reads_outside_ram);
	suite_add_tcase(s, f2);

	TCase *fx = tcase_create("side effects");
	tcase_add_checked_fixture(fx, setup, teardown);
	tcase_add_test(fx, walks_change_nothing);
	suite_add_tcase(s, fx);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
