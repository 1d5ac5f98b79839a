/* Two-stage translation (H chapter, "Two-Stage Address Translation"): VS-stage Sv39/Sv48 over
 * G-stage Sv39x4/Sv48x4, Bare stages, superpages in both, guest-page faults at each G-stage
 * level with their htval/mtval2 and GVA/SPV/SPVP/MPV, VS-stage page faults, MPRV with MPV,
 * HLV/HLVX/HSV with SPVP, MXR at both levels, SUM, and the hgatp WARL fields. */
#include "testlib.h"

/* Guest-physical test region (G-stage root index 4): 4 KiB pages at GPA_TEST + 0x1000.. */
#define GPA_TEST  UINT64_C(0x100000000)
#define GPA_NO_L2 UINT64_C(0x300000000) /* root entry 12 stays invalid */
#define GPA_NO_L1 (GPA_TEST + 0x200000) /* level-1 entry invalid */
#define GPA_NO_L0 (GPA_TEST + 0x2000)	/* level-0 entry invalid */
/* Guest-virtual test region (VS-stage root index 1), mapped onto GPA_TEST. */
#define GVA_TEST UINT64_C(0x40000000)

/* QEMU 7.2's departures from the H chapter met here (each check that meets one says so). */
#define QEMU_NO_SVADE                                                                              \
	"QEMU 7.2 sets A/D in hardware and has no menvcfg/henvcfg.ADUE (this hart implements "     \
	"Svade)"
#define QEMU_GSTAGE_U                                                                              \
	"QEMU 7.2 checks a G-stage leaf's U bit against the guest's privilege, not as a U-mode "   \
	"access"
#define QEMU_HS_MXR    "QEMU 7.2 ignores HS-level sstatus.MXR for V=1 accesses and HLV's G stage"
#define QEMU_HLV_SUM   "QEMU 7.2 lets HLV with SPVP=1 read a VS-stage U page without vsstatus.SUM"
#define QEMU_HLVX      "QEMU 7.2's HLVX needs read permission instead of execute permission"
#define QEMU_VSMXR_G   "QEMU 7.2 lets vsstatus.MXR make G-stage execute-only pages readable"
#define QEMU_HLV_VSMXR "QEMU 7.2's HLV ignores vsstatus.MXR in the VS stage"
#define QEMU_HGATP     "QEMU 7.2 keeps hgatp.PPN[1:0] and any MODE value written"
#define QEMU_MPRV_MPV                                                                              \
	"QEMU 7.2 mis-reports faults of MPRV+MPV accesses (G-stage faults as page faults with "    \
	"GVA=0, no VS-stage U check, access faults while satp is Bare)"

/* g: the G stage; vs: the VS stage with the image as S pages (for VS code), vsu: the same
 * test pages with the image as U pages (VU code can only run from U pages). */
static struct tl_pt g, vs, vsu;
static bool vs_on;

/* G-stage identity for the devices and the RAM (leaves need U = 1); the VS stage, when
 * vs_levels is not 0, maps the image with image_flags. */
static void setup(unsigned g_levels, unsigned vs_levels, uint64_t image_flags)
{
	if (g_levels) {
		tl_pt_init(&g, g_levels, true);
		tl_pt_ident(&g, PTE_LEAF | PTE_U);
		csr_write(hgatp, tl_pt_atp(&g));
	}
	vs_on = vs_levels != 0;
	if (vs_on) {
		tl_pt_init(&vs, vs_levels, false);
		tl_pt_ident(&vs, image_flags);
		tl_pt_init(&vsu, vs_levels, false);
		tl_pt_ident(&vsu, image_flags | PTE_U);
		csr_write(vsatp, tl_pt_atp(&vs));
	}
	tl_hfence();
}

/* Runs fn(va) in mode with the VS table that lets mode run the image. */
static uint64_t run(enum tl_mode mode, tl_fn fn, uint64_t va)
{
	if (vs_on)
		csr_write(vsatp, tl_pt_atp(mode == TL_VU ? &vsu : &vs));
	uint64_t r = tl_run(mode, fn, va);
	if (vs_on)
		csr_write(vsatp, tl_pt_atp(&vs));
	return r;
}

/* Identity satp for HS itself (the image as S pages). */
static struct tl_pt hs;
static void hs_paging(bool on)
{
	if (on) {
		tl_pt_init(&hs, 3, false);
		tl_pt_ident(&hs, PTE_LEAF);
	}
	csr_write(satp, on ? tl_pt_atp(&hs) : 0);
	tl_sfence();
}

/* A fresh physical page holding value, mapped in the G-stage at gpa; returns its PTE. */
static uint64_t *g_page(uint64_t gpa, uint64_t value, uint64_t flags)
{
	uint64_t pa = tl_page();
	*(volatile uint64_t *)(uintptr_t)pa = value;
	uint64_t *pte = tl_pt_map(&g, gpa, pa, 0, flags);
	tl_hfence();
	return pte;
}

static uint64_t *vs_page(uint64_t gva, uint64_t gpa, uint64_t flags)
{
	tl_pt_map(&vsu, gva, gpa, 0, flags);
	uint64_t *pte = tl_pt_map(&vs, gva, gpa, 0, flags);
	tl_hfence();
	return pte;
}

static void expect_ok(enum tl_mode mode, tl_fn fn, uint64_t va, uint64_t want)
{
	tl_expect();
	CHECK_EQ(run(mode, fn, va), want);
	CHECK_NO_TRAP();
	tl_disarm();
}

/* The access fn(gva) from mode (VS or VU) takes cause with tval = gva and, for guest-page
 * faults, tval2 = gpa >> 2, at level (M or HS). */
static void expect_fault(enum tl_mode mode, tl_fn fn, uint64_t gva, uint64_t gpa, uint64_t cause,
			 unsigned level)
{
	bool guest_pf = cause >= EXC_INSN_GUEST_PAGE;
	tl_expect();
	run(mode, fn, gva);
	CHECK_TRAP(level, cause);
	CHECK_EQ(tl_trap.tval, gva);
	CHECK_EQ(tl_trap.tval2, guest_pf ? gpa >> 2 : 0);
	CHECK_EQ(tl_trap.from, mode);
	if (level == TL_AT_HS) {
		uint64_t want = HSTATUS_SPV | HSTATUS_GVA | (mode == TL_VS ? HSTATUS_SPVP : 0);
		CHECK_EQ(tl_trap.hstatus & (HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA), want);
	} else {
		CHECK_EQ(tl_trap.status & (MSTATUS_MPV | MSTATUS_GVA), MSTATUS_MPV | MSTATUS_GVA);
	}
}

/* On QEMU, runs the access without judging its outcome and reports the relaxation; returns
 * whether it did (the caller then skips its checks). */
static bool qemu_skip(enum tl_mode mode, tl_fn fn, uint64_t va, const char *why, const char *file,
		      int line)
{
	if (!TL_QEMU)
		return false;
	tl_expect();
	run(mode, fn, va);
	tl_disarm();
	tl_relaxed(file, line, why);
	return true;
}
#define QEMU_SKIP(why, mode, fn, va) qemu_skip((mode), (fn), (va), (why), __FILE__, __LINE__)

static void delegate_guest_faults(void)
{
	csr_write(medeleg, BIT(EXC_INSN_GUEST_PAGE) | BIT(EXC_LOAD_GUEST_PAGE) |
			       BIT(EXC_STORE_GUEST_PAGE) | BIT(EXC_INSN_PAGE) | BIT(EXC_LOAD_PAGE) |
			       BIT(EXC_STORE_PAGE));
}

/* ---- translation ---- */

static void t_gstage_only(void)
{
	setup(3, 0, 0);
	g_page(GPA_TEST + 0x1000, 0x6767, PTE_LEAF | PTE_U);
	VIA(expect_ok(TL_VS, tl_do_ld, GPA_TEST + 0x1000, 0x6767));
	VIA(expect_ok(TL_VU, tl_do_ld, GPA_TEST + 0x1000, 0x6767));
	VIA(expect_ok(TL_VS, tl_do_sd, GPA_TEST + 0x1008, 0));
	VIA(expect_ok(TL_VS, tl_do_ld, GPA_TEST + 0x1008, 0x5d5d));
	/* code in a G-stage page */
	g_page(GPA_TEST + 0x3000, 0x8082 /* c.jr ra */, PTE_LEAF | PTE_U);
	VIA(expect_ok(TL_VS, tl_do_exec, GPA_TEST + 0x3000, 0));
}

static void two_stage(unsigned g_levels, unsigned vs_levels)
{
	setup(g_levels, vs_levels, PTE_LEAF);
	g_page(GPA_TEST + 0x1000, 0x1111, PTE_LEAF | PTE_U);
	g_page(GPA_TEST + 0x5000, 0x8082, PTE_LEAF | PTE_U);
	/* GVA pages map onto other GPA pages: GVA_TEST + 0x3000 -> GPA_TEST + 0x1000 */
	vs_page(GVA_TEST + 0x3000, GPA_TEST + 0x1000, PTE_LEAF);
	vs_page(GVA_TEST + 0x4000, GPA_TEST + 0x5000, PTE_LEAF);
	VIA(expect_ok(TL_VS, tl_do_ld, GVA_TEST + 0x3000, 0x1111));
	VIA(expect_ok(TL_VS, tl_do_sd, GVA_TEST + 0x3010, 0));
	VIA(expect_ok(TL_VS, tl_do_ld, GVA_TEST + 0x3010, 0x5d5d));
	VIA(expect_ok(TL_VS, tl_do_exec, GVA_TEST + 0x4000, 0));
	/* VU needs U in the VS stage */
	vs_page(GVA_TEST + 0x6000, GPA_TEST + 0x1000, PTE_LEAF | PTE_U);
	VIA(expect_ok(TL_VU, tl_do_ld, GVA_TEST + 0x6000, 0x1111));
}

static void t_sv39_over_sv39x4(void)
{
	two_stage(3, 3);
}

static void t_sv39_over_sv48x4(void)
{
	two_stage(4, 3);
}

static void t_sv48_over_sv48x4(void)
{
	two_stage(4, 4);
}

static void t_vs_stage_only(void)
{
	/* hgatp Bare: guest-physical addresses are physical */
	setup(0, 3, PTE_LEAF);
	uint64_t pa = tl_page();
	*(volatile uint64_t *)(uintptr_t)pa = 0x2222;
	vs_page(GVA_TEST + 0x1000, pa, PTE_LEAF);
	VIA(expect_ok(TL_VS, tl_do_ld, GVA_TEST + 0x1000, 0x2222));
}

static void t_superpages(void)
{
	setup(3, 3, PTE_LEAF);
	uint64_t pa = tl_page();
	*(volatile uint64_t *)(uintptr_t)pa = 0x3333;
	uint64_t off = pa - TL_RAM_BASE;
	/* VS 2 MiB page over the G-stage RAM gigapage */
	tl_pt_map(&vs, GVA_TEST + 0x200000, TL_RAM_BASE + (off & ~UINT64_C(0x1fffff)), 1, PTE_LEAF);
	/* G-stage 2 MiB page at GPA_TEST + 0x400000 onto the RAM's first 2 MiB of this page */
	tl_pt_map(&g, GPA_TEST + 0x400000, TL_RAM_BASE + (off & ~UINT64_C(0x1fffff)), 1,
		  PTE_LEAF | PTE_U);
	vs_page(GVA_TEST + 0x1000, GPA_TEST + 0x400000 + (off & 0x1ff000), PTE_LEAF);
	/* VS 1 GiB page over a G-stage 1 GiB page at GPA 0x140000000 */
	tl_pt_map(&g, UINT64_C(0x140000000), TL_RAM_BASE, 2, PTE_LEAF | PTE_U);
	tl_pt_map(&vs, UINT64_C(0x100000000), UINT64_C(0x140000000), 2, PTE_LEAF);
	tl_hfence();
	VIA(expect_ok(TL_VS, tl_do_ld, GVA_TEST + 0x200000 + (off & 0x1fffff), 0x3333));
	VIA(expect_ok(TL_VS, tl_do_ld, GVA_TEST + 0x1000, 0x3333));
	VIA(expect_ok(TL_VS, tl_do_ld, UINT64_C(0x100000000) + off, 0x3333));
	/* a misaligned G-stage superpage is a guest-page fault */
	tl_pt_map(&g, GPA_TEST + 0x600000, TL_RAM_BASE + 0x1000, 1, PTE_LEAF | PTE_U);
	tl_hfence();
	vs_page(GVA_TEST + 0x2000, GPA_TEST + 0x600000, PTE_LEAF);
	VIA(expect_fault(TL_VS, tl_do_ld, GVA_TEST + 0x2008, GPA_TEST + 0x600008, EXC_LOAD_GUEST_PAGE,
			 TL_AT_M));
}

/* ---- guest-page faults ---- */

/* An invalid G-stage PTE at each level, with vsatp Bare (GVA = GPA), to M and to HS. */
static void t_gstage_levels(void)
{
	static const uint64_t gpas[] = {GPA_NO_L2, GPA_NO_L1, GPA_NO_L0};
	setup(3, 0, 0);
	g_page(GPA_TEST + 0x1000, 0, PTE_LEAF | PTE_U);
	for (unsigned i = 0; i < 3; i++) {
		uint64_t a = gpas[i] + 0x18;
		VIA(expect_fault(TL_VS, tl_do_ld, a, a, EXC_LOAD_GUEST_PAGE, TL_AT_M));
		VIA(expect_fault(TL_VU, tl_do_sd, a + 3, a + 3, EXC_STORE_GUEST_PAGE, TL_AT_M));
		VIA(expect_fault(TL_VS, tl_do_exec, a + 0x100, a + 0x100, EXC_INSN_GUEST_PAGE,
				 TL_AT_M));
		CHECK_EQ(tl_trap.epc, a + 0x100);
	}
	delegate_guest_faults();
	for (unsigned i = 0; i < 3; i++) {
		uint64_t a = gpas[i] + 0x7f0;
		VIA(expect_fault(TL_VU, tl_do_ld, a, a, EXC_LOAD_GUEST_PAGE, TL_AT_HS));
		CHECK_EQ(tl_trap.status & MSTATUS_SPP, 0);
		VIA(expect_fault(TL_VS, tl_do_sd, a + 1, a + 1, EXC_STORE_GUEST_PAGE, TL_AT_HS));
		CHECK_EQ(tl_trap.status & MSTATUS_SPP, MSTATUS_SPP);
		VIA(expect_fault(TL_VS, tl_do_exec, a + 0x10, a + 0x10, EXC_INSN_GUEST_PAGE,
				 TL_AT_HS));
	}
	/* a guest-physical address beyond Sv39x4's 41 bits */
	VIA(expect_fault(TL_VS, tl_do_ld, UINT64_C(1) << 41, UINT64_C(1) << 41, EXC_LOAD_GUEST_PAGE,
			 TL_AT_HS));
}

static void t_gstage_sv48x4_levels(void)
{
	setup(4, 0, 0);
	g_page(GPA_TEST + 0x1000, 0, PTE_LEAF | PTE_U);
	delegate_guest_faults();
	VIA(expect_fault(TL_VS, tl_do_ld, UINT64_C(0x10000000000), UINT64_C(0x10000000000),
			 EXC_LOAD_GUEST_PAGE, TL_AT_HS)); /* level 3 */
	VIA(expect_fault(TL_VS, tl_do_ld, GPA_NO_L2, GPA_NO_L2, EXC_LOAD_GUEST_PAGE, TL_AT_HS));
	VIA(expect_fault(TL_VS, tl_do_ld, GPA_NO_L1, GPA_NO_L1, EXC_LOAD_GUEST_PAGE, TL_AT_HS));
	VIA(expect_fault(TL_VS, tl_do_ld, GPA_NO_L0, GPA_NO_L0, EXC_LOAD_GUEST_PAGE, TL_AT_HS));
	VIA(expect_fault(TL_VS, tl_do_ld, UINT64_C(1) << 50, UINT64_C(1) << 50, EXC_LOAD_GUEST_PAGE,
			 TL_AT_HS)); /* beyond 50 bits */
}

/* G-stage faults under a VS-stage translation: stval is the GVA, htval the GPA >> 2. */
static void t_two_stage_faults(void)
{
	setup(3, 3, PTE_LEAF);
	delegate_guest_faults();
	vs_page(GVA_TEST + 0x5000, GPA_NO_L0 + 0x3000, PTE_LEAF);
	vs_page(GVA_TEST + 0x6000, GPA_NO_L2 + 0x1000, PTE_LEAF | PTE_U);
	VIA(expect_fault(TL_VS, tl_do_ld, GVA_TEST + 0x5123, GPA_NO_L0 + 0x3123, EXC_LOAD_GUEST_PAGE,
			 TL_AT_HS));
	VIA(expect_fault(TL_VU, tl_do_sd, GVA_TEST + 0x6ff8, GPA_NO_L2 + 0x1ff8, EXC_STORE_GUEST_PAGE,
			 TL_AT_HS));
	VIA(expect_fault(TL_VS, tl_do_exec, GVA_TEST + 0x5040, GPA_NO_L0 + 0x3040, EXC_INSN_GUEST_PAGE,
			 TL_AT_HS));
	/* a VS-stage fault comes first: page fault with htval = 0 */
	VIA(expect_fault(TL_VS, tl_do_ld, GVA_TEST + 0x9000, 0, EXC_LOAD_PAGE, TL_AT_HS));
	VIA(expect_fault(TL_VU, tl_do_sd, GVA_TEST + 0x5000, 0, EXC_STORE_PAGE, TL_AT_HS)); /* U = 0 */
	VIA(expect_fault(TL_VS, tl_do_exec, GVA_TEST + 0x6000, 0, EXC_INSN_PAGE,
			 TL_AT_HS)); /* U = 1 */
	/* VS-stage page faults delegated to VS: vstval = GVA */
	csr_write(hedeleg, BIT(EXC_LOAD_PAGE) | BIT(EXC_STORE_PAGE) | BIT(EXC_INSN_PAGE));
	tl_expect();
	tl_run(TL_VS, tl_do_ld, GVA_TEST + 0x9008);
	CHECK_TRAP(TL_AT_VS, EXC_LOAD_PAGE);
	CHECK_EQ(tl_trap.tval, GVA_TEST + 0x9008);
	/* guest-page faults are never delegated to VS (hedeleg 20-23 read-only zero) */
	csr_write(hedeleg, ~UINT64_C(0));
	tl_expect();
	tl_run(TL_VS, tl_do_ld, GVA_TEST + 0x5000);
	CHECK_TRAP(TL_AT_HS, EXC_LOAD_GUEST_PAGE);
}

/* G-stage permissions: U required, R/W/X, and MXR (only the HS-level bit reaches the G stage). */
static void t_gstage_permissions(void)
{
	setup(3, 0, 0);
	delegate_guest_faults();
	uint64_t a = GPA_TEST + 0x1000;
	uint64_t *pte = g_page(a, 0x8082, PTE_LEAF); /* no U */
	if (!QEMU_SKIP(QEMU_GSTAGE_U, TL_VS, tl_do_ld, a))
		VIA(expect_fault(TL_VS, tl_do_ld, a, a, EXC_LOAD_GUEST_PAGE, TL_AT_HS));
	VIA(expect_fault(TL_VU, tl_do_exec, a, a, EXC_INSN_GUEST_PAGE, TL_AT_HS));
	*pte = (*pte & ~(uint64_t)PTE_RWX) | PTE_U | PTE_R; /* read-only */
	tl_hfence();
	VIA(expect_ok(TL_VS, tl_do_ld, a, 0x8082));
	VIA(expect_fault(TL_VS, tl_do_sd, a + 8, a + 8, EXC_STORE_GUEST_PAGE, TL_AT_HS));
	VIA(expect_fault(TL_VS, tl_do_exec, a, a, EXC_INSN_GUEST_PAGE, TL_AT_HS));
	*pte = (*pte & ~(uint64_t)PTE_RWX) | PTE_X; /* execute-only */
	tl_hfence();
	VIA(expect_ok(TL_VS, tl_do_exec, a, 0));
	VIA(expect_fault(TL_VS, tl_do_ld, a, a, EXC_LOAD_GUEST_PAGE, TL_AT_HS));
	csr_write(vsstatus, MSTATUS_MXR); /* vsstatus.MXR: VS stage only */
	if (!QEMU_SKIP(QEMU_VSMXR_G, TL_VS, tl_do_ld, a))
		VIA(expect_fault(TL_VS, tl_do_ld, a, a, EXC_LOAD_GUEST_PAGE, TL_AT_HS));
	csr_write(vsstatus, 0);
	csr_set(mstatus, MSTATUS_MXR); /* sstatus.MXR: both stages */
	if (!QEMU_SKIP(QEMU_HS_MXR, TL_VS, tl_do_ld, a))
		VIA(expect_ok(TL_VS, tl_do_ld, a, 0x8082));
	csr_clear(mstatus, MSTATUS_MXR);
}

/* VS-stage MXR and SUM come from vsstatus; sstatus.MXR also reaches the VS stage. */
static void t_vs_stage_mxr_sum(void)
{
	setup(3, 3, PTE_LEAF);
	delegate_guest_faults();
	g_page(GPA_TEST + 0x1000, 0x8082, PTE_LEAF | PTE_U);
	vs_page(GVA_TEST + 0x1000, GPA_TEST + 0x1000, PTE_V | PTE_X | PTE_A); /* execute-only */
	vs_page(GVA_TEST + 0x2000, GPA_TEST + 0x1000, PTE_LEAF | PTE_U);
	VIA(expect_ok(TL_VS, tl_do_exec, GVA_TEST + 0x1000, 0));
	VIA(expect_fault(TL_VS, tl_do_ld, GVA_TEST + 0x1000, 0, EXC_LOAD_PAGE, TL_AT_HS));
	csr_write(vsstatus, MSTATUS_MXR);
	VIA(expect_ok(TL_VS, tl_do_ld, GVA_TEST + 0x1000, 0x8082));
	csr_write(vsstatus, 0);
	csr_set(mstatus, MSTATUS_MXR);
	if (!QEMU_SKIP(QEMU_HS_MXR, TL_VS, tl_do_ld, GVA_TEST + 0x1000))
		VIA(expect_ok(TL_VS, tl_do_ld, GVA_TEST + 0x1000, 0x8082));
	csr_clear(mstatus, MSTATUS_MXR);
	/* SUM: vsstatus.SUM, not sstatus.SUM, opens U pages to VS */
	VIA(expect_fault(TL_VS, tl_do_ld, GVA_TEST + 0x2000, 0, EXC_LOAD_PAGE, TL_AT_HS));
	csr_set(mstatus, MSTATUS_SUM);
	VIA(expect_fault(TL_VS, tl_do_ld, GVA_TEST + 0x2000, 0, EXC_LOAD_PAGE, TL_AT_HS));
	csr_clear(mstatus, MSTATUS_SUM);
	csr_write(vsstatus, MSTATUS_SUM);
	VIA(expect_ok(TL_VS, tl_do_ld, GVA_TEST + 0x2000, 0x8082));
	VIA(expect_fault(TL_VS, tl_do_exec, GVA_TEST + 0x2000, 0, EXC_INSN_PAGE, TL_AT_HS));
}

/* Svade in both stages, and ADUE: menvcfg.ADUE for the G stage, henvcfg.ADUE for VS. */
static void t_accessed_dirty(void)
{
	setup(3, 3, PTE_LEAF);
	delegate_guest_faults();
	uint64_t *gpte = g_page(GPA_TEST + 0x1000, 0x4444, PTE_V | PTE_RWX | PTE_U);
	uint64_t *vpte = vs_page(GVA_TEST + 0x1000, GPA_TEST + 0x1000, PTE_LEAF);
	if (TL_QEMU) {
		tl_relaxed(__FILE__, __LINE__, QEMU_NO_SVADE);
		VIA(expect_ok(TL_VS, tl_do_sd, GVA_TEST + 0x1008, 0));
		CHECK_EQ(*gpte & (PTE_A | PTE_D), PTE_A | PTE_D);
		return;
	}
	VIA(expect_fault(TL_VS, tl_do_ld, GVA_TEST + 0x1000, GPA_TEST + 0x1000, EXC_LOAD_GUEST_PAGE,
			 TL_AT_HS));
	*gpte |= PTE_A;
	tl_hfence();
	VIA(expect_ok(TL_VS, tl_do_ld, GVA_TEST + 0x1000, 0x4444));
	VIA(expect_fault(TL_VS, tl_do_sd, GVA_TEST + 0x1008, GPA_TEST + 0x1008, EXC_STORE_GUEST_PAGE,
			 TL_AT_HS));
	/* henvcfg.ADUE is read-only zero while menvcfg.ADUE is zero (Svadu) */
	csr_write(menvcfg, ENVCFG_ADUE);
	csr_write(henvcfg, ENVCFG_ADUE);
	csr_write(menvcfg, 0);
	CHECK_EQ(csr_read(henvcfg) & ENVCFG_ADUE, 0);
	/* menvcfg.ADUE governs the G stage */
	csr_write(menvcfg, ENVCFG_ADUE);
	VIA(expect_ok(TL_VS, tl_do_sd, GVA_TEST + 0x1008, 0));
	CHECK_EQ(*gpte & (PTE_A | PTE_D), PTE_A | PTE_D);
	/* henvcfg.ADUE governs the VS stage: A = 0 faults until it is set */
	*vpte &= ~(uint64_t)(PTE_A | PTE_D);
	tl_hfence();
	VIA(expect_fault(TL_VS, tl_do_ld, GVA_TEST + 0x1000, 0, EXC_LOAD_PAGE, TL_AT_HS));
	csr_write(henvcfg, ENVCFG_ADUE);
	CHECK_EQ(csr_read(henvcfg) & ENVCFG_ADUE, ENVCFG_ADUE);
	VIA(expect_ok(TL_VS, tl_do_ld, GVA_TEST + 0x1000, 0x4444));
	CHECK_EQ(*vpte & (PTE_A | PTE_D), PTE_A);
	VIA(expect_ok(TL_VS, tl_do_sd, GVA_TEST + 0x1010, 0));
	CHECK_EQ(*vpte & (PTE_A | PTE_D), PTE_A | PTE_D);
}

/* QEMU 7.2 decides between access fault and page fault for HLV/HSV/HLVX from HS by HS's own
 * satp: with satp Bare it raises access faults. The HLV tests run once with HS's satp Bare and
 * once with an identity Sv39 table, so QEMU can be compared in the second round; in the
 * first, its fault checks are relaxed. */
#define QEMU_BARE_SATP                                                                             \
	"QEMU 7.2 raises access faults instead of (guest-)page faults for HLV/HSV/HLVX while "     \
	"HS's satp is Bare"
static bool relax_bare;

/* Expects the last probe to have trapped at M with cause; true when the checks should go on. */
static bool mprv_fault(uint64_t cause, const char *file, int line)
{
	if (TL_QEMU) {
		tl_relaxed(file, line, QEMU_MPRV_MPV);
		tl_disarm();
		return false;
	}
	tl_check_trap(file, line, TL_AT_M, cause);
	return true;
}

/* ---- M-mode with MPRV = 1 and MPV = 1: explicit accesses use both stages ---- */

static void mprv_mpv_checks(void)
{
	tl_expect();
	CHECK_EQ(tl_mprv_ld(GVA_TEST + 0x1000, TL_VS), 0x5151);
	CHECK_EQ(tl_mprv_ld(GVA_TEST + 0x2000, TL_VU), 0x5151);
	tl_mprv_sd(GVA_TEST + 0x1008, 0x52, TL_VS);
	CHECK_EQ(tl_mprv_ld(GVA_TEST + 0x2008, TL_VU), 0x52);
	CHECK_NO_TRAP();
	/* a G-stage fault taken in M: mtval = GVA, mtval2 = GPA >> 2, GVA = 1, MPV = 0 (V was 0) */
	tl_expect();
	CHECK_EQ(tl_mprv_ld(GVA_TEST + 0x3010, TL_VS), TL_SENTINEL);
	if (mprv_fault(EXC_LOAD_GUEST_PAGE, __FILE__, __LINE__)) {
		CHECK_EQ(tl_trap.tval, GVA_TEST + 0x3010);
		CHECK_EQ(tl_trap.tval2, (GPA_NO_L0 + 0x10) >> 2);
		CHECK_EQ(tl_trap.status & (MSTATUS_GVA | MSTATUS_MPV), MSTATUS_GVA);
		CHECK_EQ(tl_trap.from, TL_M);
	}
	/* VS-stage permission: the U page from VS, the S page from VU */
	tl_expect();
	tl_mprv_ld(GVA_TEST + 0x2000, TL_VS);
	if (mprv_fault(EXC_LOAD_PAGE, __FILE__, __LINE__)) {
		CHECK_EQ(tl_trap.tval, GVA_TEST + 0x2000);
		CHECK_EQ(tl_trap.tval2, 0);
		CHECK_EQ(tl_trap.status & MSTATUS_GVA, MSTATUS_GVA);
	}
	tl_expect();
	tl_mprv_sd(GVA_TEST + 0x1000, 1, TL_VU);
	if (mprv_fault(EXC_STORE_PAGE, __FILE__, __LINE__))
		CHECK_EQ(tl_trap.tval, GVA_TEST + 0x1000);
}

static void t_mprv_mpv(void)
{
	setup(3, 3, PTE_LEAF);
	g_page(GPA_TEST + 0x1000, 0x5151, PTE_LEAF | PTE_U);
	vs_page(GVA_TEST + 0x1000, GPA_TEST + 0x1000, PTE_LEAF);
	vs_page(GVA_TEST + 0x2000, GPA_TEST + 0x1000, PTE_LEAF | PTE_U);
	vs_page(GVA_TEST + 0x3000, GPA_NO_L0, PTE_LEAF);
	mprv_mpv_checks();
	/* MPV = 0 with the same MPP: HS's own translation, where GPA_TEST is not RAM */
	tl_expect();
	tl_mprv_ld(GVA_TEST + 0x1000, TL_HS);
	if (TL_QEMU) {
		tl_relaxed(__FILE__, __LINE__,
			   "QEMU 7.2 keeps a two-stage MPRV translation cached after MPV changes");
		tl_disarm();
	} else {
		CHECK_TRAP(TL_AT_M, EXC_LOAD_ACCESS);
	}
	hs_paging(true);
	mprv_mpv_checks();
}

/* ---- HLV, HLVX, HSV from HS ---- */

static uint64_t hlv_d(uint64_t a)
{
	return tl_hlv_d(a);
}

static uint64_t hlvx_hu(uint64_t a)
{
	return tl_hlvx_hu(a);
}

static uint64_t hsv_d(uint64_t a)
{
	tl_hsv_d(a, 0x7a7a);
	return 0;
}

static uint64_t hlv_sizes(uint64_t a)
{
	/* the value at a is 0x80818283f4f5f6f7 */
	uint64_t ok = 1;
	ok &= tl_hlv_b(a) == 0xfffffffffffffff7;
	ok &= tl_hlv_bu(a) == 0xf7;
	ok &= tl_hlv_h(a) == 0xfffffffffffff6f7;
	ok &= tl_hlv_hu(a) == 0xf6f7;
	ok &= tl_hlv_w(a + 4) == 0xffffffff80818283;
	ok &= tl_hlv_wu(a + 4) == 0x80818283;
	ok &= tl_hlv_d(a) == 0x80818283f4f5f6f7;
	ok &= tl_hlvx_wu(a) == 0xf4f5f6f7;
	tl_hsv_b(a + 8, 0x1234);
	tl_hsv_h(a + 10, 0x5678);
	tl_hsv_w(a + 12, 0x9abcdef0);
	ok &= tl_hlv_d(a + 8) == 0x9abcdef056780034;
	return ok;
}

static void expect_hs_fault(tl_fn fn, uint64_t gva, uint64_t gpa, uint64_t cause)
{
	tl_expect();
	tl_run(TL_HS, fn, gva);
	if (relax_bare) {
		tl_relaxed(__FILE__, __LINE__, QEMU_BARE_SATP);
		tl_disarm();
		return;
	}
	CHECK_TRAP(TL_AT_HS, cause);
	CHECK_EQ(tl_trap.tval, gva);
	CHECK_EQ(tl_trap.tval2, cause >= EXC_INSN_GUEST_PAGE ? gpa >> 2 : 0);
	/* from HS: SPV = 0, but the address is a guest virtual one: GVA = 1 */
	CHECK_EQ(tl_trap.hstatus & (HSTATUS_SPV | HSTATUS_GVA), HSTATUS_GVA);
	CHECK_EQ(tl_trap.from, TL_HS);
}

static void hlv_checks(void)
{
	/* SPVP = 1: as VS */
	csr_set(hstatus, HSTATUS_SPVP);
	tl_expect();
	CHECK_EQ(tl_run(TL_HS, hlv_sizes, GVA_TEST + 0x1000), 1);
	CHECK_NO_TRAP();
	tl_disarm();
	/* a U page with vsstatus.SUM = 0 */
	if (relax_bare || !QEMU_SKIP(QEMU_HLV_SUM, TL_HS, hlv_d, GVA_TEST + 0x2000))
		VIA(expect_hs_fault(hlv_d, GVA_TEST + 0x2000, 0, EXC_LOAD_PAGE));
	csr_write(vsstatus, MSTATUS_SUM);
	VIA(expect_ok(TL_HS, hlv_d, GVA_TEST + 0x2000, 0x80818283f4f5f6f7));
	csr_write(vsstatus, 0);
	/* SPVP = 0: as VU */
	csr_clear(hstatus, HSTATUS_SPVP);
	VIA(expect_ok(TL_HS, hlv_d, GVA_TEST + 0x2000, 0x80818283f4f5f6f7));
	VIA(expect_hs_fault(hlv_d, GVA_TEST + 0x1000, 0, EXC_LOAD_PAGE));
	VIA(expect_hs_fault(hsv_d, GVA_TEST + 0x1000, 0, EXC_STORE_PAGE));
	csr_set(hstatus, HSTATUS_SPVP);

	/* HLVX needs X, not R, in both stages; it faults as a load */
	if (!QEMU_SKIP(QEMU_HLVX, TL_HS, hlvx_hu, GVA_TEST + 0x3000))
		VIA(expect_ok(TL_HS, hlvx_hu, GVA_TEST + 0x3000, 0xf6f7));
	VIA(expect_hs_fault(hlv_d, GVA_TEST + 0x3000, 0, EXC_LOAD_PAGE));
	if (!QEMU_SKIP(QEMU_HLVX, TL_HS, hlvx_hu, GVA_TEST + 0x4000))
		VIA(expect_ok(TL_HS, hlvx_hu, GVA_TEST + 0x4000, 0x9090));
	VIA(expect_hs_fault(hlv_d, GVA_TEST + 0x4000, GPA_TEST + 0x4000, EXC_LOAD_GUEST_PAGE));
	if (relax_bare || !QEMU_SKIP(QEMU_HLVX, TL_HS, hlvx_hu, GVA_TEST + 0x5000))
		VIA(expect_hs_fault(hlvx_hu, GVA_TEST + 0x5000, 0, EXC_LOAD_PAGE));
	/* MXR: vsstatus.MXR covers the VS stage, sstatus.MXR both */
	csr_write(vsstatus, MSTATUS_MXR);
	if (!QEMU_SKIP(QEMU_HLV_VSMXR, TL_HS, hlv_d, GVA_TEST + 0x3000))
		VIA(expect_ok(TL_HS, hlv_d, GVA_TEST + 0x3000, 0x80818283f4f5f6f7));
	if (relax_bare || !QEMU_SKIP(QEMU_VSMXR_G, TL_HS, hlv_d, GVA_TEST + 0x4000))
		VIA(expect_hs_fault(hlv_d, GVA_TEST + 0x4000, GPA_TEST + 0x4000,
				    EXC_LOAD_GUEST_PAGE));
	csr_write(vsstatus, 0);
	csr_set(mstatus, MSTATUS_MXR);
	VIA(expect_ok(TL_HS, hlv_d, GVA_TEST + 0x3000, 0x80818283f4f5f6f7));
	if (!QEMU_SKIP(QEMU_HS_MXR, TL_HS, hlv_d, GVA_TEST + 0x4000))
		VIA(expect_ok(TL_HS, hlv_d, GVA_TEST + 0x4000, 0x9090));
	csr_clear(mstatus, MSTATUS_MXR);
	/* guest-page faults of HLV/HSV */
	VIA(expect_hs_fault(hlv_d, GVA_TEST + 0x6010, GPA_NO_L1 + 0x6010, EXC_LOAD_GUEST_PAGE));
	VIA(expect_hs_fault(hsv_d, GVA_TEST + 0x6018, GPA_NO_L1 + 0x6018, EXC_STORE_GUEST_PAGE));
	VIA(expect_hs_fault(hlvx_hu, GVA_TEST + 0x6002, GPA_NO_L1 + 0x6002, EXC_LOAD_GUEST_PAGE));
}

static void t_hlv_hsv(void)
{
	setup(3, 3, PTE_LEAF);
	delegate_guest_faults();
	g_page(GPA_TEST + 0x1000, 0x80818283f4f5f6f7, PTE_LEAF | PTE_U);
	g_page(GPA_TEST + 0x4000, 0x9090, PTE_V | PTE_X | PTE_U | PTE_A);
	vs_page(GVA_TEST + 0x1000, GPA_TEST + 0x1000, PTE_LEAF);	      /* S page */
	vs_page(GVA_TEST + 0x2000, GPA_TEST + 0x1000, PTE_LEAF | PTE_U);      /* U page */
	vs_page(GVA_TEST + 0x3000, GPA_TEST + 0x1000, PTE_V | PTE_X | PTE_A); /* X only */
	vs_page(GVA_TEST + 0x4000, GPA_TEST + 0x4000, PTE_LEAF);	      /* G: X only */
	vs_page(GVA_TEST + 0x5000, GPA_TEST + 0x1000, PTE_V | PTE_R | PTE_A); /* R only */
	vs_page(GVA_TEST + 0x6000, GPA_NO_L1 + 0x6000, PTE_LEAF);	      /* G: none */
	relax_bare = TL_QEMU;
	hlv_checks();
	hs_paging(true);
	relax_bare = false;
	hlv_checks();
}

/* HLV from U needs hstatus.HU; then it translates as SPVP says. */
static void t_hlv_from_u(void)
{
	setup(3, 3, PTE_LEAF);
	g_page(GPA_TEST + 0x1000, 0x2525, PTE_LEAF | PTE_U);
	vs_page(GVA_TEST + 0x2000, GPA_TEST + 0x1000, PTE_LEAF | PTE_U);
	tl_expect();
	tl_run(TL_U, hlv_d, GVA_TEST + 0x2000);
	CHECK_TRAP(TL_AT_M, EXC_ILLEGAL);
	csr_set(hstatus, HSTATUS_HU);
	VIA(expect_ok(TL_U, hlv_d, GVA_TEST + 0x2000, 0x2525));
}

/* ---- hgatp WARL fields ---- */

static void t_hgatp_warl(void)
{
	/* the root table is 16 KiB aligned: PPN[1:0] read as zero */
	csr_write(hgatp, ATP_SV39 << 60 | UINT64_C(0x80007));
	CHECK_EQ_QEMU(csr_read(hgatp), ATP_SV39 << 60 | UINT64_C(0x80004),
		      ATP_SV39 << 60 | UINT64_C(0x80007), QEMU_HGATP);
	/* an unsupported MODE leaves a supported one: hgatp's fields are WARL (the write is not
	 * dropped as for satp) */
	csr_write(hgatp, UINT64_C(11) << 60 | UINT64_C(0x80008));
	uint64_t mode = csr_read(hgatp) >> 60;
	CHECK_EQ_QEMU(mode == 0 || mode == ATP_SV39 || mode == ATP_SV48, 1, 0, QEMU_HGATP);
	if (!TL_QEMU)
		CHECK_EQ(csr_read(hgatp) & ((UINT64_C(1) << 44) - 1), 0x80008);
	/* Bare: translation off whatever the PPN says */
	csr_write(hgatp, 0);
	CHECK_EQ(csr_read(hgatp) >> 60, 0);
	/* VMID: the implemented bits read back, the rest zero */
	csr_write(hgatp, ATP_SV48 << 60 | UINT64_C(0x3fff) << 44);
	uint64_t vmid = (csr_read(hgatp) >> 44) & 0x3fff;
	CHECK_EQ(vmid & (vmid + 1), 0); /* a contiguous run of low ones */
	CHECK_EQ(csr_read(hgatp) >> 58 & 3, 0);
	csr_write(hgatp, 0);
}

int main(void)
{
	tl_init("hyp-xlate");
	tl_test("G-stage only (vsatp Bare)", t_gstage_only);
	tl_test("Sv39 over Sv39x4", t_sv39_over_sv39x4);
	tl_test("Sv39 over Sv48x4", t_sv39_over_sv48x4);
	tl_test("Sv48 over Sv48x4", t_sv48_over_sv48x4);
	tl_test("VS stage only (hgatp Bare)", t_vs_stage_only);
	tl_test("superpages in both stages", t_superpages);
	tl_test("guest-page faults at each Sv39x4 level", t_gstage_levels);
	tl_test("guest-page faults at each Sv48x4 level", t_gstage_sv48x4_levels);
	tl_test("faults under two stages", t_two_stage_faults);
	tl_test("G-stage permissions and MXR", t_gstage_permissions);
	tl_test("VS-stage MXR and SUM", t_vs_stage_mxr_sum);
	tl_test("A/D in both stages", t_accessed_dirty);
	tl_test("MPRV with MPV", t_mprv_mpv);
	tl_test("HLV/HLVX/HSV", t_hlv_hsv);
	tl_test("HLV from U (hstatus.HU)", t_hlv_from_u);
	tl_test("hgatp WARL", t_hgatp_warl);
	return tl_finish();
}
