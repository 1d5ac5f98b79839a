/* The debugger's two-stage walk (rv_walk_guest) over page tables built by hand in RAM.
 *
 * Host RAM is [0x80000000, 0x80800000). The G-stage (hgatp Sv39x4, 16 KiB root) maps guest
 * physical [0x80000000, 0x80200000) to host 0x80100000 with 4 KiB leaves and
 * [0x80200000, 0x80400000) to host 0x80400000 with one 2 MiB leaf. The guest's Sv39 tables
 * sit at GPA 0x80001000 (root), 0x80002000 (level 1) and 0x80003000 (level 0). Expected PTE
 * addresses, faults, htval and htinst are worked out from the RISC-V Privileged Spec (Sv39,
 * Sv39x4, "Two-Stage Address Translation", htinst pseudo-instructions).
 */
#include "emu/rv_csrfile.h"
#include "emu/rv_hart.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define RAM_BASE UINT64_C(0x80000000)
#define RAM_SIZE (UINT64_C(8) << 20)

#define G_ROOT	  UINT64_C(0x80000000) /* 16 KiB */
#define G_L1	  UINT64_C(0x80004000)
#define G_L0	  UINT64_C(0x80005000)
#define GUEST_HPA UINT64_C(0x80100000) /* behind GPA 0x80000000, 4 KiB pages */
#define SUPER_GPA UINT64_C(0x80200000)
#define SUPER_HPA UINT64_C(0x80400000)

#define VS_ROOT	 UINT64_C(0x80001000)
#define VS_L1	 UINT64_C(0x80002000)
#define VS_L0	 UINT64_C(0x80003000)
#define DATA_GPA UINT64_C(0x80010000)

/* L2 index 1, L1 index 1, L0 index 1 */
#define GVA_4K	       UINT64_C(0x40201234)
#define GVA_2M	       UINT64_C(0x40412345) /* L1 index 2: a 2 MiB leaf */
#define GVA_MISALIGN   UINT64_C(0x40600000) /* L1 index 3: a 2 MiB leaf with PPN[0] != 0 */
#define GVA_INVALID    UINT64_C(0x40205000) /* L0 index 5: V = 0 */
#define GVA_MMIO       UINT64_C(0x40206000) /* L0 index 6: GPA 0x10000000, not in the G-stage */
#define GVA_AD	       UINT64_C(0x40207000) /* L0 index 7: A = D = 0 */
#define GVA_PT_HOLE    UINT64_C(0x80000000) /* L2 index 2: its level-1 table is not mapped */
#define PT_HOLE_GPA    UINT64_C(0x100000000)
#define MMIO_GPA       UINT64_C(0x10000000)
#define AD_GPA	       UINT64_C(0x80011000)
#define TINST_PT_READ  UINT64_C(0x3000)
#define TINST_PT_WRITE UINT64_C(0x3020)

enum { V = 1, R = 2, W = 4, X = 8, U = 16, A = 64, D = 128 };
#define LEAF (V | R | W | X | A | D)

static emu_bus bus;
static rv_hart hart;

static uint64_t pte(uint64_t pa, uint64_t flags)
{
	return (pa >> 12) << 10 | flags;
}

static uint64_t hpa_of(uint64_t gpa)
{
	return gpa - RAM_BASE + GUEST_HPA;
}

static void put(uint64_t hpa, uint64_t v)
{
	memcpy(emu_ram_ptr(&bus, hpa, 8), &v, 8);
}

static uint64_t get(uint64_t hpa)
{
	uint64_t v;
	memcpy(&v, emu_ram_ptr(&bus, hpa, 8), 8);
	return v;
}

/* A VS-stage PTE: index idx of the table at guest physical table. */
static void put_vs(uint64_t table, unsigned idx, uint64_t v)
{
	put(hpa_of(table) + 8 * idx, v);
}

static void setup(void)
{
	ck_assert(emu_bus_init(&bus, RAM_BASE, RAM_SIZE));
	ck_assert(rv_hart_init(&hart, &bus, 0, RAM_BASE));
	hart.priv = RV_PRIV_S;
	hart.virt = true;

	put(G_ROOT + 8 * 2, pte(G_L1, V));
	put(G_L1 + 8 * 0, pte(G_L0, V));
	for (unsigned i = 0; i < 512; i++)
		put(G_L0 + 8 * i, pte(GUEST_HPA + 4096 * i, LEAF | U));
	put(G_L1 + 8 * 1, pte(SUPER_HPA, LEAF | U));
	hart.hgatp = (UINT64_C(8) << 60) | (UINT64_C(5) << 44) | (G_ROOT >> 12);

	put_vs(VS_ROOT, 1, pte(VS_L1, V));
	put_vs(VS_L1, 1, pte(VS_L0, V));
	put_vs(VS_L0, 1, pte(DATA_GPA, LEAF));
	put_vs(VS_L1, 2, pte(SUPER_GPA, LEAF));
	put_vs(VS_L1, 3, pte(SUPER_GPA + 4096, LEAF));
	put_vs(VS_L0, 6, pte(MMIO_GPA, LEAF));
	put_vs(VS_L0, 7, pte(AD_GPA, V | R | W));
	put_vs(VS_ROOT, 2, pte(PT_HOLE_GPA, V));
	hart.vsatp = (UINT64_C(8) << 60) | (UINT64_C(1) << 44) | (VS_ROOT >> 12);
}

static void teardown(void)
{
	rv_hart_free(&hart);
	emu_bus_free(&bus);
}

/* The walk must agree with the hart's own translation of the same access. */
static void check_matches_hart(uint64_t addr, unsigned acc, const rv_walk *w)
{
	rv_xlate x = {RV_PRIV_S, true, false};
	rv_fault f;
	uint64_t pa;
	bool ok = rv_translate(&hart, addr, acc, &x, &pa, &f);
	ck_assert_int_eq(ok, w->ok);
	if (ok) {
		ck_assert_uint_eq(pa, w->hpa);
		return;
	}
	ck_assert_uint_eq(f.cause, w->fault.cause);
	ck_assert_uint_eq(f.tval, w->fault.tval);
	ck_assert_uint_eq(f.tval2, w->fault.tval2);
	ck_assert_uint_eq(f.tinst, w->fault.tinst);
	ck_assert_int_eq(f.gva, w->fault.gva);
}

static void check_step(const rv_walk *w, unsigned i, unsigned stage, int level, bool for_pte,
		       uint64_t table, uint64_t pte_addr)
{
	ck_assert_uint_lt(i, w->nsteps);
	const rv_walk_step *s = &w->step[i];
	ck_assert_uint_eq(s->stage, stage);
	ck_assert_int_eq(s->level, level);
	ck_assert_int_eq(s->for_pte, for_pte);
	ck_assert_uint_eq(s->table, table);
	ck_assert_uint_eq(s->pte_addr, pte_addr);
	ck_assert(s->read_ok);
	ck_assert_uint_eq(s->pte, get(stage == 1 ? hpa_of(pte_addr) : pte_addr));
}

/* The three G-stage steps for a GPA in the first 2 MiB of guest RAM, from step i. */
static void check_g_4k(const rv_walk *w, unsigned i, bool for_pte, uint64_t gpa)
{
	check_step(w, i, 2, 2, for_pte, G_ROOT, G_ROOT + 8 * (gpa >> 30));
	check_step(w, i + 1, 2, 1, for_pte, G_L1, G_L1 + 8 * ((gpa >> 21) & 511));
	check_step(w, i + 2, 2, 0, for_pte, G_L0, G_L0 + 8 * ((gpa >> 12) & 511));
	ck_assert(w->step[i + 2].leaf);
	ck_assert_uint_eq(w->step[i].va, gpa);
}

static bool tlb_empty(void)
{
	for (unsigned a = 0; a < 3; a++)
		for (unsigned i = 0; i < RV_TLB_SIZE; i++)
			if (hart.tlb[a][i].tag != RV_TLB_EMPTY)
				return false;
	return true;
}

START_TEST(sv39_over_sv39x4_4k_pages_every_step)
{
	rv_walk w;
	ck_assert(rv_walk_guest(&hart, GVA_4K, false, RV_ACC_LOAD, RV_PRIV_S, &w));
	ck_assert_uint_eq(w.gpa, DATA_GPA + 0x234);
	ck_assert_uint_eq(w.hpa, hpa_of(DATA_GPA) + 0x234);
	ck_assert_uint_eq(w.nsteps, 15);
	/* each VS-stage PTE address is a GPA: the G-stage walks it before the read */
	check_g_4k(&w, 0, true, VS_ROOT + 8);
	check_step(&w, 3, 1, 2, false, VS_ROOT, VS_ROOT + 8);
	check_g_4k(&w, 4, true, VS_L1 + 8);
	check_step(&w, 7, 1, 1, false, VS_L1, VS_L1 + 8);
	check_g_4k(&w, 8, true, VS_L0 + 8);
	check_step(&w, 11, 1, 0, false, VS_L0, VS_L0 + 8);
	ck_assert(w.step[11].leaf && !w.step[11].sets_ad);
	check_g_4k(&w, 12, false, DATA_GPA + 0x234);
	ck_assert_uint_eq(w.step[3].va, GVA_4K);
	check_matches_hart(GVA_4K, RV_ACC_LOAD, &w);
}
END_TEST

START_TEST(vs_superpage_over_g_superpage)
{
	rv_walk w;
	ck_assert(rv_walk_guest(&hart, GVA_2M, false, RV_ACC_STORE, RV_PRIV_S, &w));
	ck_assert_uint_eq(w.gpa, SUPER_GPA + 0x12345);
	ck_assert_uint_eq(w.hpa, SUPER_HPA + 0x12345);
	ck_assert_uint_eq(w.nsteps, 10);
	check_step(&w, 3, 1, 2, false, VS_ROOT, VS_ROOT + 8);
	check_g_4k(&w, 4, true, VS_L1 + 16);
	check_step(&w, 7, 1, 1, false, VS_L1, VS_L1 + 16);
	ck_assert(w.step[7].leaf);
	check_step(&w, 8, 2, 2, false, G_ROOT, G_ROOT + 16);
	check_step(&w, 9, 2, 1, false, G_L1, G_L1 + 8);
	ck_assert(w.step[9].leaf);
	check_matches_hart(GVA_2M, RV_ACC_STORE, &w);
}
END_TEST

START_TEST(vsatp_bare_walks_only_the_gstage)
{
	rv_walk w, g;
	hart.vsatp = 0;
	ck_assert(rv_walk_guest(&hart, DATA_GPA + 8, false, RV_ACC_FETCH, RV_PRIV_S, &w));
	ck_assert_uint_eq(w.nsteps, 3);
	check_g_4k(&w, 0, false, DATA_GPA + 8);
	ck_assert_uint_eq(w.hpa, hpa_of(DATA_GPA) + 8);
	check_matches_hart(DATA_GPA + 8, RV_ACC_FETCH, &w);

	/* gpa_only ignores vsatp: the same walk with the guest's tables in place */
	hart.vsatp = (UINT64_C(8) << 60) | (VS_ROOT >> 12);
	ck_assert(rv_walk_guest(&hart, DATA_GPA + 8, true, RV_ACC_FETCH, RV_PRIV_S, &g));
	ck_assert_uint_eq(g.nsteps, 3);
	ck_assert_uint_eq(g.gpa, DATA_GPA + 8);
	ck_assert_uint_eq(g.hpa, w.hpa);
}
END_TEST

/* A G-stage fault on the VS-stage PTE's own address: a guest-page fault of the original
 * access type, stval = the GVA, htval = the PTE's GPA >> 2, htinst = the 64-bit read
 * pseudo-instruction. */
START_TEST(gstage_fault_on_vs_pte_address_is_an_implicit_access)
{
	static const struct {
		unsigned acc, cause;
	} acc_cause[] = {{RV_ACC_LOAD, 21}, {RV_ACC_STORE, 23}, {RV_ACC_FETCH, 20}};
	for (unsigned i = 0; i < sizeof acc_cause / sizeof acc_cause[0]; i++) {
		rv_walk w;
		ck_assert(
		    !rv_walk_guest(&hart, GVA_PT_HOLE, false, acc_cause[i].acc, RV_PRIV_S, &w));
		ck_assert_uint_eq(w.fault.cause, acc_cause[i].cause);
		ck_assert_uint_eq(w.fault.tval, GVA_PT_HOLE);
		ck_assert_uint_eq(w.fault.tval2, PT_HOLE_GPA >> 2);
		ck_assert_uint_eq(w.fault.tinst, TINST_PT_READ);
		ck_assert(w.fault.gva);
		ck_assert_int_eq(w.why, RV_WALK_INVALID);
		ck_assert_uint_eq(w.why_stage, 2);
		ck_assert(w.why_for_pte);
		/* the VS root after the 3 G-stage steps that read it, then G-stage level 2 for
		 * the level-1 PTE's address, which stops: that PTE is never read */
		ck_assert_uint_eq(w.nsteps, 6);
		ck_assert_int_eq(w.why_step, 4);
		check_step(&w, 4, 2, 2, true, G_ROOT, G_ROOT + 8 * 4);
		ck_assert_uint_eq(w.step[5].stage, 1);
		ck_assert_uint_eq(w.step[5].pte_addr, PT_HOLE_GPA);
		ck_assert(!w.step[5].read_ok);
		check_matches_hart(GVA_PT_HOLE, acc_cause[i].acc, &w);
	}
}
END_TEST

START_TEST(unmapped_final_gpa_is_a_guest_page_fault)
{
	rv_walk w;
	ck_assert(!rv_walk_guest(&hart, GVA_MMIO + 4, false, RV_ACC_STORE, RV_PRIV_S, &w));
	ck_assert_uint_eq(w.gpa, MMIO_GPA + 4);
	ck_assert_uint_eq(w.fault.cause, RV_EXC_STORE_GUEST_PAGE);
	ck_assert_uint_eq(w.fault.tval, GVA_MMIO + 4);
	ck_assert_uint_eq(w.fault.tval2, (MMIO_GPA + 4) >> 2);
	ck_assert_uint_eq(w.fault.tinst, 0);
	ck_assert_int_eq(w.why, RV_WALK_INVALID);
	ck_assert_uint_eq(w.why_stage, 2);
	ck_assert(!w.why_for_pte);
	ck_assert_int_eq(w.why_step, (int)w.nsteps - 1);
	check_step(&w, w.nsteps - 1, 2, 2, false, G_ROOT, G_ROOT);
	check_matches_hart(GVA_MMIO + 4, RV_ACC_STORE, &w);
}
END_TEST

START_TEST(invalid_vs_pte_is_a_page_fault)
{
	static const struct {
		unsigned acc, cause;
	} acc_cause[] = {{RV_ACC_LOAD, 13}, {RV_ACC_STORE, 15}, {RV_ACC_FETCH, 12}};
	for (unsigned i = 0; i < sizeof acc_cause / sizeof acc_cause[0]; i++) {
		rv_walk w;
		ck_assert(
		    !rv_walk_guest(&hart, GVA_INVALID, false, acc_cause[i].acc, RV_PRIV_S, &w));
		ck_assert_uint_eq(w.fault.cause, acc_cause[i].cause);
		ck_assert_uint_eq(w.fault.tval, GVA_INVALID);
		ck_assert_uint_eq(w.fault.tval2, 0);
		ck_assert_uint_eq(w.fault.tinst, 0);
		ck_assert_int_eq(w.why, RV_WALK_INVALID);
		ck_assert_uint_eq(w.why_stage, 1);
		ck_assert_int_eq(w.why_step, 11);
		check_step(&w, 11, 1, 0, false, VS_L0, VS_L0 + 8 * 5);
		check_matches_hart(GVA_INVALID, acc_cause[i].acc, &w);
	}
}
END_TEST

START_TEST(misaligned_vs_superpage_is_a_page_fault)
{
	rv_walk w;
	ck_assert(!rv_walk_guest(&hart, GVA_MISALIGN, false, RV_ACC_LOAD, RV_PRIV_S, &w));
	ck_assert_uint_eq(w.fault.cause, RV_EXC_LOAD_PAGE);
	ck_assert_uint_eq(w.fault.tval2, 0);
	ck_assert_int_eq(w.why, RV_WALK_MISALIGNED);
	ck_assert_uint_eq(w.why_stage, 1);
	check_step(&w, (unsigned)w.why_step, 1, 1, false, VS_L1, VS_L1 + 8 * 3);
	check_matches_hart(GVA_MISALIGN, RV_ACC_LOAD, &w);
}
END_TEST

/* Sv39x4 translates 41 bits: a GPA with a bit above them set faults before any PTE read. */
START_TEST(gpa_beyond_sv39x4_faults_without_a_walk)
{
	rv_walk w;
	uint64_t gpa = UINT64_C(1) << 41;
	ck_assert(!rv_walk_guest(&hart, gpa, true, RV_ACC_LOAD, RV_PRIV_S, &w));
	ck_assert_uint_eq(w.nsteps, 0);
	ck_assert_uint_eq(w.fault.cause, RV_EXC_LOAD_GUEST_PAGE);
	ck_assert_uint_eq(w.fault.tval2, gpa >> 2);
	ck_assert_int_eq(w.why, RV_WALK_RANGE);
	ck_assert_int_eq(w.why_step, -1);

	/* the top GPA bit Sv39x4 covers is bit 40: 0x1_0000_0000_00 is L2 index 1024 */
	put(G_ROOT + 8 * 1024, pte(G_L1, V));
	ck_assert(rv_walk_guest(&hart, UINT64_C(1) << 40, true, RV_ACC_LOAD, RV_PRIV_S, &w));
	ck_assert_uint_eq(w.hpa, hpa_of(RAM_BASE));
}
END_TEST

/* With Svadu a leaf with A or D clear is usable (hardware sets them); the debugger's walk
 * reports that and writes nothing. */
START_TEST(walk_leaves_ad_bits_and_tlb_untouched)
{
	uint64_t g_leaf = G_L0 + 8 * ((AD_GPA >> 12) & 511);
	uint64_t vs_leaf = hpa_of(VS_L0) + 8 * 7;
	put(g_leaf, pte(hpa_of(AD_GPA), V | R | W | U));
	hart.henvcfg |= ENVCFG_ADUE;
	hart.menvcfg |= ENVCFG_ADUE;
	uint64_t vs_before = get(vs_leaf), g_before = get(g_leaf);

	rv_walk w;
	ck_assert(rv_walk_guest(&hart, GVA_AD, false, RV_ACC_STORE, RV_PRIV_S, &w));
	ck_assert_uint_eq(w.hpa, hpa_of(AD_GPA));
	ck_assert(w.step[11].leaf && w.step[11].sets_ad);
	ck_assert(w.step[w.nsteps - 1].leaf && w.step[w.nsteps - 1].sets_ad);
	/* 3 VS-stage PTEs, each after its 3 G-stage steps; then the G-stage walk of the VS
	 * leaf's A/D write, a store; then the final GPA's */
	ck_assert_uint_eq(w.nsteps, 3 * 4 + 3 + 3);
	ck_assert_int_eq(w.step[12].acc, RV_ACC_STORE);
	ck_assert(w.step[12].for_pte);
	ck_assert_uint_eq(get(vs_leaf), vs_before);
	ck_assert_uint_eq(get(g_leaf), g_before);
	ck_assert(tlb_empty());

	/* the hart's own walk does set them, and lands on the same page */
	rv_xlate x = {RV_PRIV_S, true, false};
	rv_fault f;
	uint64_t pa;
	ck_assert(rv_translate(&hart, GVA_AD, RV_ACC_STORE, &x, &pa, &f));
	ck_assert_uint_eq(pa, w.hpa);
	ck_assert_uint_eq(get(vs_leaf), vs_before | A | D);
	ck_assert_uint_eq(get(g_leaf), g_before | A | D);
}
END_TEST

/* Without Svadu a clear A bit is a page fault (Svade): software sets A and D. */
START_TEST(svade_clear_a_is_a_page_fault)
{
	rv_walk w;
	ck_assert(!rv_walk_guest(&hart, GVA_AD, false, RV_ACC_LOAD, RV_PRIV_S, &w));
	ck_assert_uint_eq(w.fault.cause, RV_EXC_LOAD_PAGE);
	ck_assert_int_eq(w.why, RV_WALK_AD);
	ck_assert_uint_eq(w.why_stage, 1);
	ck_assert_int_eq(w.why_step, 11);
	check_matches_hart(GVA_AD, RV_ACC_LOAD, &w);
}
END_TEST

/* Svadu, but the guest's level-0 table is read-only in the G-stage: the A/D update is an
 * implicit store that faults, reported as the original (load) access with the 64-bit write
 * pseudo-instruction. */
START_TEST(ad_update_refused_by_gstage_is_an_implicit_write)
{
	uint64_t vs_table_leaf = G_L0 + 8 * ((VS_L0 >> 12) & 511);
	put(vs_table_leaf, pte(hpa_of(VS_L0), V | R | U | A | D));
	hart.henvcfg |= ENVCFG_ADUE;

	rv_walk w;
	ck_assert(!rv_walk_guest(&hart, GVA_AD, false, RV_ACC_LOAD, RV_PRIV_S, &w));
	ck_assert_uint_eq(w.fault.cause, RV_EXC_LOAD_GUEST_PAGE);
	ck_assert_uint_eq(w.fault.tval, GVA_AD);
	ck_assert_uint_eq(w.fault.tval2, (VS_L0 + 8 * 7) >> 2);
	ck_assert_uint_eq(w.fault.tinst, TINST_PT_WRITE);
	ck_assert_int_eq(w.why, RV_WALK_PERMISSION);
	ck_assert(w.why_for_pte);
	ck_assert_uint_eq(w.nsteps, 15);
	ck_assert_int_eq(w.why_step, 14);
	ck_assert_int_eq(w.step[14].acc, RV_ACC_STORE);
	check_matches_hart(GVA_AD, RV_ACC_LOAD, &w);
	ck_assert(tlb_empty());
}
END_TEST

int main(void)
{
	Suite *s = suite_create("rv_walk");

	TCase *ok = tcase_create("translations");
	tcase_add_checked_fixture(ok, setup, teardown);
	tcase_add_test(ok, sv39_over_sv39x4_4k_pages_every_step);
	tcase_add_test(ok, vs_superpage_over_g_superpage);
	tcase_add_test(ok, vsatp_bare_walks_only_the_gstage);
	suite_add_tcase(s, ok);

	TCase *fault = tcase_create("faults");
	tcase_add_checked_fixture(fault, setup, teardown);
	tcase_add_test(fault, gstage_fault_on_vs_pte_address_is_an_implicit_access);
	tcase_add_test(fault, unmapped_final_gpa_is_a_guest_page_fault);
	tcase_add_test(fault, invalid_vs_pte_is_a_page_fault);
	tcase_add_test(fault, misaligned_vs_superpage_is_a_page_fault);
	tcase_add_test(fault, gpa_beyond_sv39x4_faults_without_a_walk);
	suite_add_tcase(s, fault);

	TCase *ad = tcase_create("side effects");
	tcase_add_checked_fixture(ad, setup, teardown);
	tcase_add_test(ad, walk_leaves_ad_bits_and_tlb_untouched);
	tcase_add_test(ad, svade_clear_a_is_a_page_fault);
	tcase_add_test(ad, ad_update_refused_by_gstage_is_an_implicit_write);
	suite_add_tcase(s, ad);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
