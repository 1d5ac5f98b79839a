/* Single-stage translation (satp Sv39 and Sv48) from HS, U and M with MPRV: page faults at
 * every level, the permission bits, U/SUM/MXR, Svade's A/D faults and menvcfg.ADUE's hardware
 * updates, misaligned superpages, non-canonical addresses, and misaligned accesses across a
 * page boundary (privileged spec, "Supervisor-Level ISA": "Sv39", "Sv48", "Virtual Address
 * Translation Process"; Svade/Svadu chapters). */
#include "testlib.h"

/* Root index 0 maps the devices and 2 the RAM image (identity gigapages); index 1 holds the
 * test pages; index 3 stays invalid. */
#define VA_TEST	 UINT64_C(0x40000000)
#define VA_PAGE	 (VA_TEST + 0x1000)
#define VA_NO_L2 UINT64_C(0xc0000000)
#define VA_NO_L1 (VA_TEST + 0x200000)
#define VA_NO_L0 (VA_TEST + 0x2000)

#define QEMU_NO_SVADE                                                                              \
	"QEMU 7.2 sets A/D in hardware and has no menvcfg.ADUE (this hart implements Svade)"

static struct tl_pt pt;

/* Builds satp tables with the image mapped with image_flags and switches satp to them. */
static void setup(unsigned levels, uint64_t image_flags)
{
	tl_pt_init(&pt, levels, false);
	tl_pt_ident(&pt, image_flags);
	csr_write(satp, tl_pt_atp(&pt));
	tl_sfence();
}

/* A fresh page holding value at offset 0, mapped at va with flags; returns its PTE. */
static uint64_t *map_page(uint64_t va, uint64_t value, uint64_t flags, uint64_t *pa_out)
{
	uint64_t pa = tl_page();
	*(volatile uint64_t *)(uintptr_t)pa = value;
	uint64_t *pte = tl_pt_map(&pt, va, pa, 0, flags);
	tl_sfence();
	if (pa_out)
		*pa_out = pa;
	return pte;
}

/* Expects the access fn(va) from mode to take a page fault to M with tval = va. */
static void expect_pf(enum tl_mode mode, tl_fn fn, uint64_t va, uint64_t cause)
{
	tl_expect();
	tl_run(mode, fn, va);
	CHECK_TRAP(TL_AT_M, cause);
	CHECK_EQ(tl_trap.tval, va);
	CHECK_EQ(tl_trap.from, mode);
	CHECK_EQ(tl_trap.status & MSTATUS_GVA, 0);
}

static void expect_ok(enum tl_mode mode, tl_fn fn, uint64_t va, uint64_t want)
{
	tl_expect();
	CHECK_EQ(tl_run(mode, fn, va), want);
	CHECK_NO_TRAP();
	tl_disarm();
}

static void t_translate(void)
{
	uint64_t pa;
	setup(3, PTE_LEAF);
	map_page(VA_PAGE, 0x1234567890abcdef, PTE_LEAF, &pa);
	expect_ok(TL_HS, tl_do_ld, VA_PAGE, 0x1234567890abcdef);
	expect_ok(TL_HS, tl_do_sd, VA_PAGE + 8, 0);
	CHECK_EQ(*(volatile uint64_t *)(uintptr_t)(pa + 8), 0x5d5d);
	/* a 2 MiB page over the 2 MiB of RAM that hold the page */
	uint64_t mega = (pa - TL_RAM_BASE) & ~UINT64_C(0x1fffff);
	tl_pt_map(&pt, VA_TEST + 0x400000, TL_RAM_BASE + mega, 1, PTE_LEAF);
	tl_sfence();
	expect_ok(TL_HS, tl_do_ld, VA_TEST + 0x400000 + (pa & 0x1fffff), 0x1234567890abcdef);
	/* a remap takes effect after sfence.vma */
	uint64_t pa2 = tl_page();
	*(volatile uint64_t *)(uintptr_t)pa2 = 99;
	tl_pt_map(&pt, VA_PAGE, pa2, 0, PTE_LEAF);
	tl_sfence();
	expect_ok(TL_HS, tl_do_ld, VA_PAGE, 99);
}

/* An invalid PTE at each level of the walk, for loads, stores and fetches. */
static void t_levels(void)
{
	static const uint64_t vas[] = {VA_NO_L2, VA_NO_L1, VA_NO_L0};
	setup(3, PTE_LEAF);
	map_page(VA_PAGE, 0, PTE_LEAF, NULL);
	for (unsigned i = 0; i < 3; i++) {
		expect_pf(TL_HS, tl_do_ld, vas[i] + 8, EXC_LOAD_PAGE);
		expect_pf(TL_HS, tl_do_sd, vas[i] + 16, EXC_STORE_PAGE);
		expect_pf(TL_HS, tl_do_exec, vas[i] + 0x20, EXC_INSN_PAGE);
		CHECK_EQ(tl_trap.epc, vas[i] + 0x20);
	}
	/* a pointer PTE at the last level is not a leaf */
	uint64_t *pte = tl_pt_slot(&pt, VA_PAGE, 0);
	*pte = (*pte & ~(uint64_t)(PTE_RWX | PTE_A | PTE_D)) | PTE_V;
	tl_sfence();
	expect_pf(TL_HS, tl_do_ld, VA_PAGE, EXC_LOAD_PAGE);
}

/* Reserved encodings: W without R, and the reserved bits 60:54 and PBMT/N without Svpbmt or
 * Svnapot. */
static void t_reserved_ptes(void)
{
	setup(3, PTE_LEAF);
	uint64_t *pte = map_page(VA_PAGE, 7, PTE_V | PTE_W | PTE_X | PTE_A | PTE_D, NULL);
	expect_pf(TL_HS, tl_do_ld, VA_PAGE, EXC_LOAD_PAGE);
	expect_pf(TL_HS, tl_do_sd, VA_PAGE, EXC_STORE_PAGE);
	uint64_t good = (*pte & ~(uint64_t)PTE_RWX) | PTE_R | PTE_W;
	*pte = good;
	tl_sfence();
	expect_ok(TL_HS, tl_do_ld, VA_PAGE, 7);
	*pte = good | BIT(54);
	tl_sfence();
	expect_pf(TL_HS, tl_do_ld, VA_PAGE, EXC_LOAD_PAGE);
	*pte = good | BIT(61); /* PBMT = NC without Svpbmt */
	tl_sfence();
	expect_pf(TL_HS, tl_do_ld, VA_PAGE, EXC_LOAD_PAGE);
	*pte = good | BIT(63); /* N without Svnapot */
	tl_sfence();
	expect_pf(TL_HS, tl_do_ld, VA_PAGE, EXC_LOAD_PAGE);
	/* reserved bits in a non-leaf PTE fault too */
	*pte = good;
	uint64_t *l1 = tl_pt_slot(&pt, VA_PAGE, 1);
	*l1 |= BIT(60);
	tl_sfence();
	expect_pf(TL_HS, tl_do_ld, VA_PAGE, EXC_LOAD_PAGE);
}

/* R, W, X and MXR. */
static void t_permissions(void)
{
	setup(3, PTE_LEAF);
	uint64_t pa;
	uint64_t *pte = map_page(VA_PAGE, 0x8082 /* c.jr ra */, PTE_V | PTE_R | PTE_A | PTE_D, &pa);
	expect_ok(TL_HS, tl_do_ld, VA_PAGE, 0x8082);
	expect_pf(TL_HS, tl_do_sd, VA_PAGE, EXC_STORE_PAGE);
	expect_pf(TL_HS, tl_do_exec, VA_PAGE, EXC_INSN_PAGE);
	/* execute-only: loads fault unless sstatus.MXR */
	*pte = (*pte & ~(uint64_t)PTE_RWX) | PTE_X;
	tl_sfence();
	expect_ok(TL_HS, tl_do_exec, VA_PAGE, 0);
	expect_pf(TL_HS, tl_do_ld, VA_PAGE, EXC_LOAD_PAGE);
	csr_set(mstatus, MSTATUS_MXR);
	expect_ok(TL_HS, tl_do_ld, VA_PAGE, 0x8082);
	expect_pf(TL_HS, tl_do_sd, VA_PAGE, EXC_STORE_PAGE); /* MXR does not grant writes */
	csr_clear(mstatus, MSTATUS_MXR);
	/* read-write */
	*pte = (*pte & ~(uint64_t)PTE_RWX) | PTE_R | PTE_W;
	tl_sfence();
	expect_ok(TL_HS, tl_do_sd, VA_PAGE + 8, 0);
	expect_pf(TL_HS, tl_do_exec, VA_PAGE, EXC_INSN_PAGE);
}

/* U pages from S (SUM) and S pages from U. */
static void t_user_bit(void)
{
	setup(3, PTE_LEAF);
	map_page(VA_PAGE, 0x8082, PTE_LEAF | PTE_U, NULL);
	expect_pf(TL_HS, tl_do_ld, VA_PAGE, EXC_LOAD_PAGE);
	expect_pf(TL_HS, tl_do_sd, VA_PAGE, EXC_STORE_PAGE);
	csr_set(mstatus, MSTATUS_SUM);
	expect_ok(TL_HS, tl_do_ld, VA_PAGE, 0x8082);
	expect_ok(TL_HS, tl_do_sd, VA_PAGE + 8, 0);
	/* S never executes from U pages, SUM or not */
	expect_pf(TL_HS, tl_do_exec, VA_PAGE, EXC_INSN_PAGE);
	csr_clear(mstatus, MSTATUS_SUM);

	/* U code needs U pages: map the image with U = 1 and reach an S page from U */
	setup(3, PTE_LEAF | PTE_U);
	map_page(VA_PAGE, 0x8082, PTE_LEAF | PTE_U, NULL);
	expect_ok(TL_U, tl_do_ld, VA_PAGE, 0x8082);
	expect_ok(TL_U, tl_do_exec, VA_PAGE, 0);
	map_page(VA_PAGE + 0x1000, 0x8082, PTE_LEAF, NULL);
	expect_pf(TL_U, tl_do_ld, VA_PAGE + 0x1000, EXC_LOAD_PAGE);
	expect_pf(TL_U, tl_do_sd, VA_PAGE + 0x1000, EXC_STORE_PAGE);
	expect_pf(TL_U, tl_do_exec, VA_PAGE + 0x1000, EXC_INSN_PAGE);
	/* SUM does not matter to U */
	csr_set(mstatus, MSTATUS_SUM);
	expect_pf(TL_U, tl_do_ld, VA_PAGE + 0x1000, EXC_LOAD_PAGE);
}

/* Svade: A = 0, or D = 0 on a store, is a page fault; with menvcfg.ADUE = 1 the hart sets the
 * bits itself. */
static void t_accessed_dirty(void)
{
	setup(3, PTE_LEAF);
	uint64_t *pte = map_page(VA_PAGE, 0x8082, PTE_V | PTE_RWX, NULL); /* A = D = 0 */
	if (TL_QEMU) {
		tl_relaxed(__FILE__, __LINE__, QEMU_NO_SVADE);
		expect_ok(TL_HS, tl_do_ld, VA_PAGE, 0x8082);
		CHECK_EQ(*pte & (PTE_A | PTE_D), PTE_A);
		return;
	}
	expect_pf(TL_HS, tl_do_ld, VA_PAGE, EXC_LOAD_PAGE);
	expect_pf(TL_HS, tl_do_sd, VA_PAGE, EXC_STORE_PAGE);
	expect_pf(TL_HS, tl_do_exec, VA_PAGE, EXC_INSN_PAGE);
	CHECK_EQ(*pte & (PTE_A | PTE_D), 0);
	*pte |= PTE_A;
	tl_sfence();
	expect_ok(TL_HS, tl_do_ld, VA_PAGE, 0x8082);
	expect_ok(TL_HS, tl_do_exec, VA_PAGE, 0);
	expect_pf(TL_HS, tl_do_sd, VA_PAGE, EXC_STORE_PAGE); /* D = 0 */
	CHECK_EQ(*pte & PTE_D, 0);

	/* ADUE = 1: a load sets A only, a store sets A and D */
	csr_write(menvcfg, ENVCFG_ADUE);
	CHECK_EQ(csr_read(menvcfg) & ENVCFG_ADUE, ENVCFG_ADUE);
	*pte &= ~(uint64_t)(PTE_A | PTE_D);
	tl_sfence();
	expect_ok(TL_HS, tl_do_ld, VA_PAGE, 0x8082);
	CHECK_EQ(*pte & (PTE_A | PTE_D), PTE_A);
	expect_ok(TL_HS, tl_do_sd, VA_PAGE + 8, 0);
	CHECK_EQ(*pte & (PTE_A | PTE_D), PTE_A | PTE_D);
	*pte &= ~(uint64_t)(PTE_A | PTE_D);
	tl_sfence();
	expect_ok(TL_HS, tl_do_exec, VA_PAGE, 0);
	CHECK_EQ(*pte & (PTE_A | PTE_D), PTE_A);
	/* permission faults still win over the update */
	*pte = (*pte & ~(uint64_t)(PTE_A | PTE_W | PTE_D));
	tl_sfence();
	expect_pf(TL_HS, tl_do_sd, VA_PAGE, EXC_STORE_PAGE);
	CHECK_EQ(*pte & PTE_A, 0);
}

/* A superpage whose PPN has nonzero bits below its level is a misaligned superpage: page
 * fault. */
static void t_misaligned_superpage(void)
{
	setup(3, PTE_LEAF);
	tl_pt_map(&pt, VA_TEST + 0x400000, TL_RAM_BASE + 0x1000, 1, PTE_LEAF);
	tl_pt_map(&pt, UINT64_C(0x100000000), TL_RAM_BASE + 0x200000, 2, PTE_LEAF);
	tl_sfence();
	expect_pf(TL_HS, tl_do_ld, VA_TEST + 0x400000 + 0x10, EXC_LOAD_PAGE);
	expect_pf(TL_HS, tl_do_exec, VA_TEST + 0x400000 + 0x20, EXC_INSN_PAGE);
	expect_pf(TL_HS, tl_do_sd, UINT64_C(0x100000000) + 0x30, EXC_STORE_PAGE);
	/* aligned ones work */
	tl_pt_map(&pt, VA_TEST + 0x400000, TL_RAM_BASE, 1, PTE_LEAF);
	tl_sfence();
	expect_ok(TL_HS, tl_do_ld, VA_TEST + 0x400000, *(volatile uint64_t *)(uintptr_t)TL_RAM_BASE);
}

/* Sv39 needs bits 63:39 equal to bit 38; Sv48 bits 63:48 equal to bit 47. */
static void t_canonical(void)
{
	setup(3, PTE_LEAF);
	expect_pf(TL_HS, tl_do_ld, UINT64_C(0x0000008000000000) + VA_PAGE, EXC_LOAD_PAGE);
	expect_pf(TL_HS, tl_do_sd, UINT64_C(0xffff000040001000), EXC_STORE_PAGE);
	expect_pf(TL_HS, tl_do_exec, UINT64_C(0x8000000080000000), EXC_INSN_PAGE);
	setup(4, PTE_LEAF);
	map_page(VA_PAGE, 0x48, PTE_LEAF, NULL);
	expect_ok(TL_HS, tl_do_ld, VA_PAGE, 0x48);
	expect_pf(TL_HS, tl_do_ld, UINT64_C(0x0001000000000000) + VA_PAGE, EXC_LOAD_PAGE);
	/* a valid upper-half Sv48 address with nothing mapped: level-3 fault */
	expect_pf(TL_HS, tl_do_ld, UINT64_C(0xffff800000000000), EXC_LOAD_PAGE);
}

/* Sv48: the same faults one level higher up. */
static void t_sv48(void)
{
	setup(4, PTE_LEAF);
	uint64_t pa;
	map_page(VA_PAGE, 0x4848, PTE_LEAF, &pa);
	expect_ok(TL_HS, tl_do_ld, VA_PAGE, 0x4848);
	expect_pf(TL_HS, tl_do_ld, UINT64_C(0x8000000000), EXC_LOAD_PAGE); /* level 3 */
	expect_pf(TL_HS, tl_do_sd, VA_NO_L2, EXC_STORE_PAGE);		/* level 2 */
	expect_pf(TL_HS, tl_do_exec, VA_NO_L1, EXC_INSN_PAGE);		/* level 1 */
	expect_pf(TL_HS, tl_do_ld, VA_NO_L0, EXC_LOAD_PAGE);		/* level 0 */
	/* a 512 GiB page at level 3 */
	tl_pt_map(&pt, UINT64_C(0x8000000000), 0, 3, PTE_LEAF);
	tl_sfence();
	expect_ok(TL_HS, tl_do_ld, UINT64_C(0x8000000000) + pa, 0x4848);
	/* unsupported satp modes leave satp unchanged (WARL) */
	uint64_t before = csr_read(satp);
	csr_write(satp, UINT64_C(11) << 60 | 0x12345); /* Sv64, defined by no spec yet */
	CHECK_EQ(csr_read(satp), before);
	csr_write(satp, UINT64_C(1) << 60 | 0x12345); /* reserved */
	CHECK_EQ(csr_read(satp), before);
	if (!TL_QEMU) { /* QEMU 7.2's rv64 implements Sv57, this hart does not */
		csr_write(satp, UINT64_C(10) << 60 | 0x12345);
		CHECK_EQ(csr_read(satp), before);
	}
}

/* Misaligned accesses that cross into another page: both pages translate separately, and a
 * fault in the second reports its address (the portion that faulted). */
static void t_page_crossing(void)
{
	setup(3, PTE_LEAF);
	uint64_t pa1 = tl_page(), pa2 = tl_page();
	/* map them in reverse physical order so a physically contiguous access would be wrong */
	tl_pt_map(&pt, VA_PAGE, pa2, 0, PTE_LEAF);
	tl_pt_map(&pt, VA_PAGE + 0x1000, pa1, 0, PTE_LEAF);
	tl_sfence();
	/* VA_PAGE + 0xffc.. reads 11 22 33 44 | 66 77 88 00 */
	*(volatile uint64_t *)(uintptr_t)(pa2 + 0xff8) = 0x4433221100000000;
	*(volatile uint64_t *)(uintptr_t)pa1 = 0x0000000000887766;
	expect_ok(TL_HS, tl_do_ld, VA_PAGE + 0xffc, 0x0088776644332211);
	/* 0x5d5d as 8 bytes at VA_PAGE + 0xffd: 5d 5d 00 | 00 00 00 00 00 */
	expect_ok(TL_HS, tl_do_sd, VA_PAGE + 0xffd, 0);
	CHECK_EQ(*(volatile uint64_t *)(uintptr_t)(pa2 + 0xff8), 0x005d5d1100000000);
	CHECK_EQ(*(volatile uint64_t *)(uintptr_t)pa1, 0);
	/* the second page unmapped */
	*tl_pt_slot(&pt, VA_PAGE + 0x1000, 0) = 0;
	tl_sfence();
	tl_expect();
	CHECK_EQ(tl_run(TL_HS, tl_do_ld, VA_PAGE + 0xffc), TL_SENTINEL);
	CHECK_TRAP(TL_AT_M, EXC_LOAD_PAGE);
	CHECK_EQ(tl_trap.tval, VA_PAGE + 0x1000);
	tl_expect();
	tl_run(TL_HS, tl_do_sd, VA_PAGE + 0xff9);
	CHECK_TRAP(TL_AT_M, EXC_STORE_PAGE);
	CHECK_EQ(tl_trap.tval, VA_PAGE + 0x1000);
}

/* M-mode loads and stores with MPRV = 1 translate as MPP. */
static void t_mprv(void)
{
	setup(3, PTE_LEAF);
	map_page(VA_PAGE, 0x3131, PTE_LEAF, NULL);
	map_page(VA_PAGE + 0x1000, 0x3232, PTE_LEAF | PTE_U, NULL);
	tl_expect();
	CHECK_EQ(tl_mprv_ld(VA_PAGE, TL_HS), 0x3131);
	CHECK_EQ(tl_mprv_ld(VA_PAGE + 0x1000, TL_U), 0x3232);
	tl_mprv_sd(VA_PAGE + 8, 0x77, TL_HS);
	CHECK_EQ(tl_mprv_ld(VA_PAGE + 8, TL_HS), 0x77);
	CHECK_NO_TRAP();
	/* the U page from S without SUM, and the S page from U */
	tl_expect();
	CHECK_EQ(tl_mprv_ld(VA_PAGE + 0x1000, TL_HS), TL_SENTINEL);
	CHECK_TRAP(TL_AT_M, EXC_LOAD_PAGE);
	CHECK_EQ(tl_trap.tval, VA_PAGE + 0x1000);
	CHECK_EQ(tl_trap.from, TL_M);
	tl_expect();
	tl_mprv_sd(VA_PAGE, 1, TL_U);
	CHECK_TRAP(TL_AT_M, EXC_STORE_PAGE);
	CHECK_EQ(tl_trap.tval, VA_PAGE);
	/* MPP = M: no translation */
	tl_expect();
	CHECK_EQ(tl_mprv_ld(TL_RAM_BASE, TL_M), *(volatile uint64_t *)(uintptr_t)TL_RAM_BASE);
	CHECK_NO_TRAP();
	tl_disarm();
}

/* Page faults delegated to HS, taken while HS itself runs translated. */
static void t_delegated(void)
{
	setup(3, PTE_LEAF);
	csr_write(medeleg, BIT(EXC_LOAD_PAGE) | BIT(EXC_STORE_PAGE) | BIT(EXC_INSN_PAGE));
	tl_expect();
	tl_run(TL_HS, tl_do_ld, VA_NO_L0 + 0x18);
	CHECK_TRAP(TL_AT_HS, EXC_LOAD_PAGE);
	CHECK_EQ(tl_trap.tval, VA_NO_L0 + 0x18);
	CHECK_EQ(tl_trap.tval2, 0);
	/* htinst: 0 or the transformed load (opcode LOAD, bit 1 cleared if it was compressed) */
	CHECK(tl_trap.tinst == 0 || (tl_trap.tinst & 0x7d) == 0x01);
	CHECK_EQ(tl_trap.hstatus & (HSTATUS_SPV | HSTATUS_GVA), 0);
	tl_expect();
	tl_run(TL_HS, tl_do_exec, VA_NO_L2);
	CHECK_TRAP(TL_AT_HS, EXC_INSN_PAGE);
	CHECK_EQ(tl_trap.epc, VA_NO_L2);
}

int main(void)
{
	tl_init("paging");
	tl_test("sv39 translation", t_translate);
	tl_test("invalid PTE at each level", t_levels);
	tl_test("reserved PTE encodings", t_reserved_ptes);
	tl_test("R/W/X/MXR", t_permissions);
	tl_test("U bit and SUM", t_user_bit);
	tl_test("A/D: Svade and ADUE", t_accessed_dirty);
	tl_test("misaligned superpages", t_misaligned_superpage);
	tl_test("canonical addresses", t_canonical);
	tl_test("sv48", t_sv48);
	tl_test("page-crossing accesses", t_page_crossing);
	tl_test("MPRV", t_mprv);
	tl_test("delegated page faults", t_delegated);
	return tl_finish();
}
