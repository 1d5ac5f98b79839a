/* htinst/mtinst (H chapter, "Transformed Instruction or Pseudoinstruction for mtinst or
 * htinst"): the transformed instruction for guest-page faults of every load and store, the
 * compressed forms (expanded, then bit 1 cleared), AMOs and LR (rs1 field zeroed), HLV/HSV
 * from HS, the Addr. Offset of a misaligned access that faults in its second page, and the
 * pseudo-instructions 0x3000/0x3020 of implicit VS-stage page-table accesses.
 *
 * Build variants: the default expects transformed values (trapscope --htinst transformed);
 * TS_HTINST_ZERO expects 0 wherever a transformed value may be written (trapscope --htinst
 * zero); the pseudo-instructions are required whatever the variant ("zero is not allowed").
 * TS_ORACLE_QEMU: QEMU 7.2 writes 0 for explicit accesses. */
#include "testlib.h"

#define GPA_TEST  UINT64_C(0x100000000) /* G-stage pages from here */
#define GPA_HOLE  UINT64_C(0x100004000) /* a G-stage level-0 entry left invalid */
#define GPA_ALIAS UINT64_C(0x200000000) /* root entry 8: unmapped unless a test maps it */
#define GVA_TEST  UINT64_C(0x40000000)

#define QEMU_TINST "QEMU 7.2 writes htinst/mtinst = 0 for explicit accesses"
#define QEMU_AMO   "QEMU 7.2 reports an AMO's G-stage fault as a load guest-page fault (21)"
#define QEMU_STORE_PTW                                                                             \
	"QEMU 7.2 reports a G-stage fault on an implicit VS-stage PTE read as a load guest-page "  \
	"fault (21) for stores, AMOs and fetches too"

static struct tl_pt g, vs;

/* Checks a transformed value: 0 in the zero variant; 0 on QEMU 7.2 (relaxed). */
static void check_tinst(uint64_t want, const char *file, int line)
{
	if (TL_HTINST_ZERO) {
		tl_check_eq(tl_trap.tinst, 0, file, line, "tinst (--htinst zero)");
	} else if (TL_QEMU) {
		tl_relaxed(file, line, QEMU_TINST);
		tl_check_eq(tl_trap.tinst, 0, file, line, "tinst");
	} else {
		tl_check_eq(tl_trap.tinst, want, file, line, "tinst");
	}
}
#define CHECK_TINST(want) check_tinst((want), __FILE__, __LINE__)

/* G stage: identity for devices and RAM, one data page at GPA_TEST + 0x1000 and + 0x3000, a
 * hole at GPA_HOLE. vsatp Bare unless a test sets it. Guest-page faults go to HS. */
static void setup(void)
{
	tl_pt_init(&g, 3, true);
	tl_pt_ident(&g, PTE_LEAF | PTE_U);
	tl_pt_map(&g, GPA_TEST + 0x1000, tl_page(), 0, PTE_LEAF | PTE_U);
	tl_pt_map(&g, GPA_TEST + 0x3000, tl_page(), 0, PTE_LEAF | PTE_U);
	csr_write(hgatp, tl_pt_atp(&g));
	tl_hfence();
	csr_write(medeleg,
		  BIT(EXC_INSN_GUEST_PAGE) | BIT(EXC_LOAD_GUEST_PAGE) | BIT(EXC_STORE_GUEST_PAGE));
}

/* insn (a0 = data, a1 = base address) in VS faults in the G stage at gpa (vsatp is Bare, so
 * the faulting guest virtual address is gpa too): expects cause at level, tval = gpa,
 * tval2 = gpa >> 2, and the transformed instruction tinst. */
static void expect_gpf(uint32_t insn, uint64_t base, uint64_t gpa, uint64_t cause, uint64_t tinst,
		       unsigned level)
{
	tl_expect();
	tl_exec_insn(TL_VS, insn, 0x5d5d, base);
	CHECK_TRAP(level, cause);
	CHECK_EQ(tl_trap.tval, gpa);
	CHECK_EQ(tl_trap.tval2, gpa >> 2);
	CHECK_EQ(tl_trap.epc, tl_insn_addr());
	CHECK_TINST(tinst);
	if (level == TL_AT_HS)
		CHECK_EQ(tl_trap.hstatus & (HSTATUS_SPV | HSTATUS_GVA), HSTATUS_SPV | HSTATUS_GVA);
}
#define GPF(insn, cause, tinst)                                                                    \
	VIA(expect_gpf((insn), GPA_HOLE + 0x18, GPA_HOLE + 0x18, (cause), (tinst), TL_AT_HS))

static void t_loads(void)
{
	setup();
	GPF(0x00058503, EXC_LOAD_GUEST_PAGE, 0x00000503); /* lb a0, 0(a1) */
	GPF(0x00059503, EXC_LOAD_GUEST_PAGE, 0x00001503); /* lh */
	GPF(0x0005a503, EXC_LOAD_GUEST_PAGE, 0x00002503); /* lw */
	GPF(0x0005b503, EXC_LOAD_GUEST_PAGE, 0x00003503); /* ld */
	GPF(0x0005c503, EXC_LOAD_GUEST_PAGE, 0x00004503); /* lbu */
	GPF(0x0005d503, EXC_LOAD_GUEST_PAGE, 0x00005503); /* lhu */
	GPF(0x0005e503, EXC_LOAD_GUEST_PAGE, 0x00006503); /* lwu */
	/* the immediate becomes 0; rd stays */
	VIA(expect_gpf(0x0085b503, GPA_HOLE + 0x10, GPA_HOLE + 0x18, EXC_LOAD_GUEST_PAGE,
		       0x00003503, TL_AT_HS)); /* ld a0, 8(a1) */
	CHECK_EQ(tl_trap.tval, GPA_HOLE + 0x18);
	VIA(expect_gpf(0xff85bf83, GPA_HOLE + 0x20, GPA_HOLE + 0x18, EXC_LOAD_GUEST_PAGE,
		       0x00003f83, TL_AT_HS)); /* ld t6, -8(a1) */
	CHECK_EQ(tl_trap.tval, GPA_HOLE + 0x18);
}

static void t_stores(void)
{
	setup();
	GPF(0x00a58023, EXC_STORE_GUEST_PAGE, 0x00a00023); /* sb a0, 0(a1) */
	GPF(0x00a59023, EXC_STORE_GUEST_PAGE, 0x00a01023); /* sh */
	GPF(0x00a5a023, EXC_STORE_GUEST_PAGE, 0x00a02023); /* sw */
	GPF(0x00a5b023, EXC_STORE_GUEST_PAGE, 0x00a03023); /* sd */
	VIA(expect_gpf(0x00a5b823, GPA_HOLE + 0x8, GPA_HOLE + 0x18, EXC_STORE_GUEST_PAGE,
		       0x00a03023, TL_AT_HS)); /* sd a0, 16(a1): imm[11:5] and imm[4:0] cleared */
}

static void t_compressed(void)
{
	setup();
	GPF(0x4188, EXC_LOAD_GUEST_PAGE, 0x00002501);  /* c.lw a0, 0(a1) -> lw, bit 1 cleared */
	GPF(0x6188, EXC_LOAD_GUEST_PAGE, 0x00003501);  /* c.ld a0, 0(a1) */
	GPF(0xc188, EXC_STORE_GUEST_PAGE, 0x00a02021); /* c.sw a0, 0(a1) */
	GPF(0xe188, EXC_STORE_GUEST_PAGE, 0x00a03021); /* c.sd a0, 0(a1) */
	VIA(expect_gpf(0x41c8, GPA_HOLE + 0x14, GPA_HOLE + 0x18, EXC_LOAD_GUEST_PAGE, 0x00002501,
		       TL_AT_HS)); /* c.lw a0, 4(a1) */
}

/* The sp-relative forms run as "c.mv sp, a1; insn; c.jr ra". */
static uint16_t sp_code[4] __attribute__((aligned(8)));

static void expect_sp_gpf(uint16_t insn, uint64_t cause, uint64_t tinst)
{
	sp_code[0] = 0x812e; /* c.mv sp, a1 */
	sp_code[1] = insn;
	sp_code[2] = 0x8082; /* c.jr ra */
	__asm__ volatile("fence.i" ::: "memory");
	tl_expect();
	tl_run2(TL_VS, (tl_fn2)(uintptr_t)sp_code, 0x5d5d, GPA_HOLE + 0x30);
	CHECK_TRAP(TL_AT_HS, cause);
	CHECK_EQ(tl_trap.tval, GPA_HOLE + 0x30);
	CHECK_EQ(tl_trap.tval2, (GPA_HOLE + 0x30) >> 2);
	CHECK_EQ(tl_trap.epc, (uint64_t)(uintptr_t)&sp_code[1]);
	CHECK_TINST(tinst);
}

static void t_compressed_sp(void)
{
	setup();
	VIA(expect_sp_gpf(0x4502, EXC_LOAD_GUEST_PAGE, 0x00002501));  /* c.lwsp a0, 0(sp) */
	VIA(expect_sp_gpf(0x6502, EXC_LOAD_GUEST_PAGE, 0x00003501));  /* c.ldsp a0, 0(sp) */
	VIA(expect_sp_gpf(0xc02a, EXC_STORE_GUEST_PAGE, 0x00a02021)); /* c.swsp a0, 0(sp) */
	VIA(expect_sp_gpf(0xe02a, EXC_STORE_GUEST_PAGE, 0x00a03021)); /* c.sdsp a0, 0(sp) */
}

/* AMOs and LR keep every field but rs1. AMOs fault as stores (23), LR as a load (21). */
static void expect_amo(uint32_t insn, uint64_t tinst, bool is_lr)
{
	tl_expect();
	tl_exec_insn(TL_VS, insn, 0, GPA_HOLE + 0x40);
	if (is_lr)
		CHECK_TRAP(TL_AT_HS, EXC_LOAD_GUEST_PAGE);
	else
		CHECK_TRAP_QEMU(TL_AT_HS, EXC_STORE_GUEST_PAGE, EXC_LOAD_GUEST_PAGE, QEMU_AMO);
	CHECK_EQ(tl_trap.tval, GPA_HOLE + 0x40);
	CHECK_EQ(tl_trap.tval2, (GPA_HOLE + 0x40) >> 2);
	CHECK_TINST(tinst);
}

static void t_atomics(void)
{
	setup();
	VIA(expect_amo(0x00c5a52f, 0x00c0252f, false)); /* amoadd.w a0, a2, (a1) */
	VIA(expect_amo(0x08c5b52f, 0x08c0352f, false)); /* amoswap.d a0, a2, (a1) */
	VIA(expect_amo(0x46c5b52f, 0x46c0352f, false)); /* amoor.d.aqrl a0, a2, (a1) */
	VIA(expect_amo(0xe0c5a52f, 0xe0c0252f, false)); /* amomaxu.w a0, a2, (a1) */
	VIA(expect_amo(0x1005b52f, 0x1000352f, true));	/* lr.d a0, (a1) */
}

/* HLV/HLVX/HSV from HS: SPV = 0, GVA = 1, and the transformed HLV/HSV. */
static void expect_hlv(uint32_t insn, uint64_t cause, uint64_t tinst)
{
	tl_expect();
	tl_exec_insn(TL_HS, insn, GPA_HOLE + 0x50, 0x77);
	CHECK_TRAP(TL_AT_HS, cause);
	CHECK_EQ(tl_trap.tval, GPA_HOLE + 0x50);
	CHECK_EQ(tl_trap.tval2, (GPA_HOLE + 0x50) >> 2);
	CHECK_EQ(tl_trap.hstatus & (HSTATUS_SPV | HSTATUS_GVA), HSTATUS_GVA);
	CHECK_TINST(tinst);
}

static void t_hlv_hsv(void)
{
	setup();
	csr_set(hstatus, HSTATUS_SPVP);
	VIA(expect_hlv(0x6c054573, EXC_LOAD_GUEST_PAGE, 0x6c004573));  /* hlv.d a0, (a0) */
	VIA(expect_hlv(0x60054573, EXC_LOAD_GUEST_PAGE, 0x60004573));  /* hlv.b a0, (a0) */
	VIA(expect_hlv(0x64354573, EXC_LOAD_GUEST_PAGE, 0x64304573));  /* hlvx.hu a0, (a0) */
	VIA(expect_hlv(0x6ab54073, EXC_STORE_GUEST_PAGE, 0x6ab04073)); /* hsv.w a1, (a0) */
	VIA(expect_hlv(0x6ea54073, EXC_STORE_GUEST_PAGE, 0x6ea04073)); /* hsv.d a0, (a0) */
}

/* Taken in M instead: mtval2 and mtinst carry the same values, mstatus.GVA/MPV are set. */
static void t_in_m(void)
{
	setup();
	csr_write(medeleg, 0);
	VIA(expect_gpf(0x0005b503, GPA_HOLE + 0x60, GPA_HOLE + 0x60, EXC_LOAD_GUEST_PAGE,
		       0x00003503, TL_AT_M));
	CHECK_EQ(tl_trap.status & (MSTATUS_MPV | MSTATUS_GVA), MSTATUS_MPV | MSTATUS_GVA);
	VIA(expect_gpf(0xe188, GPA_HOLE + 0x68, GPA_HOLE + 0x68, EXC_STORE_GUEST_PAGE, 0x00a03021,
		       TL_AT_M));
}

/* A misaligned access whose second part faults: stval is that part's address and Addr.
 * Offset (bits 19:15) the distance from the original address. */
static void t_misaligned_split(void)
{
	setup();
	uint64_t second = GPA_TEST + 0x2000; /* GPA_TEST + 0x1000 is mapped, + 0x2000 is not */
	VIA(expect_gpf(0x0005b503, second - 4, second, EXC_LOAD_GUEST_PAGE, 0x00003503 | 4 << 15,
		       TL_AT_HS)); /* ld, 4 bytes in the first page */
	CHECK_EQ(tl_trap.tval, second);
	VIA(expect_gpf(0x00a5a023, second - 1, second, EXC_STORE_GUEST_PAGE, 0x00a02023 | 1 << 15,
		       TL_AT_HS)); /* sw, 1 byte in the first page */
	CHECK_EQ(tl_trap.tval, second);
	VIA(expect_gpf(0x6188, second - 6, second, EXC_LOAD_GUEST_PAGE, 0x00003501 | 6 << 15,
		       TL_AT_HS)); /* c.ld */
}

/* Other causes that may carry a transformed instruction: access faults and VS-stage page
 * faults taken in HS, and nothing for an illegal instruction. */
static void t_other_causes(void)
{
	csr_write(medeleg, BIT(EXC_LOAD_ACCESS) | BIT(EXC_STORE_ACCESS) | BIT(EXC_LOAD_PAGE) |
			       BIT(EXC_ILLEGAL) | BIT(EXC_STORE_MISALIGNED) |
			       BIT(EXC_LOAD_MISALIGNED));
	tl_expect();
	tl_exec_insn(TL_VS, 0x0005b503, 0, TL_UNMAPPED_PA); /* ld a0, 0(a1) */
	CHECK_TRAP(TL_AT_HS, EXC_LOAD_ACCESS);
	CHECK_EQ(tl_trap.tval2, 0);
	CHECK_TINST(0x00003503);
	tl_expect();
	tl_exec_insn(TL_VS, 0xc188, 0, TL_UNMAPPED_PA); /* c.sw a0, 0(a1) */
	CHECK_TRAP(TL_AT_HS, EXC_STORE_ACCESS);
	CHECK_TINST(0x00a02021);
	tl_expect();
	tl_exec_insn(TL_VS, 0x00c5a52f, 0, TL_RAM_BASE + 2); /* misaligned amoadd.w */
	CHECK_TRAP_QEMU(TL_AT_HS, EXC_STORE_MISALIGNED, EXC_LOAD_MISALIGNED,
			"QEMU 7.2 raises an AMO's exceptions as load exceptions (4, not 6)");
	/* transformed or 0: both are allowed for a misaligned access */
	CHECK(tl_trap.tinst == 0 || tl_trap.tinst == 0x00c0252f);
	/* a VS-stage page fault */
	tl_pt_init(&vs, 3, false);
	tl_pt_ident(&vs, PTE_LEAF);
	csr_write(vsatp, tl_pt_atp(&vs));
	tl_hfence();
	tl_expect();
	tl_exec_insn(TL_VS, 0x0005c503, 0, GVA_TEST + 0x10); /* lbu a0, 0(a1) */
	CHECK_TRAP(TL_AT_HS, EXC_LOAD_PAGE);
	CHECK_EQ(tl_trap.tval2, 0);
	CHECK_TINST(0x00004503);
	/* no transformation is defined for an illegal instruction: htinst = 0 */
	tl_expect();
	tl_exec_insn(TL_VS, 0x0000000b, 0, 0);
	CHECK_TRAP(TL_AT_HS, EXC_ILLEGAL);
	CHECK_EQ(tl_trap.tinst, 0);
}

/* ---- implicit VS-stage accesses ---- */

/* VS stage: the image identity (S pages); GVA_TEST + 2 MiB's level-1 table sits at
 * GPA_ALIAS, which the G stage does not map, so walking it faults on the implicit read of the
 * level-1 PTE at GPA_ALIAS + 8. */
#define GVA_PT_HOLE (GVA_TEST + 0x200000 + 0x1008)

static void setup_vs_holes(void)
{
	setup();
	tl_pt_init(&vs, 3, false);
	tl_pt_ident(&vs, PTE_LEAF);
	uint64_t *root_entry = &((uint64_t *)(uintptr_t)vs.root)[1]; /* GVA 0x40000000.. */
	*root_entry = (GPA_ALIAS >> 12) << 10 | PTE_V;
	csr_write(vsatp, tl_pt_atp(&vs));
	tl_hfence();
}

static void expect_implicit(uint32_t insn, uint64_t cause, uint64_t qemu_cause)
{
	tl_expect();
	tl_exec_insn(TL_VS, insn, 0, GVA_PT_HOLE);
	if (cause == qemu_cause)
		CHECK_TRAP(TL_AT_HS, cause);
	else
		CHECK_TRAP_QEMU(TL_AT_HS, cause, qemu_cause, QEMU_STORE_PTW);
	CHECK_EQ(tl_trap.tval, GVA_PT_HOLE);
	CHECK_EQ(tl_trap.tval2, (GPA_ALIAS + 8) >> 2); /* the PTE's guest-physical address */
	CHECK_EQ(tl_trap.tinst, 0x3000);	       /* required: zero is not allowed */
	CHECK_EQ(tl_trap.hstatus & (HSTATUS_SPV | HSTATUS_GVA), HSTATUS_SPV | HSTATUS_GVA);
}

static uint64_t fetch_probe(uint64_t va)
{
	tl_exec(va);
	return 0;
}

static void t_implicit_read(void)
{
	setup_vs_holes();
	/* the cause is the original access's type */
	VIA(expect_implicit(0x0005b503, EXC_LOAD_GUEST_PAGE, EXC_LOAD_GUEST_PAGE));  /* ld */
	VIA(expect_implicit(0x00a5b023, EXC_STORE_GUEST_PAGE, EXC_LOAD_GUEST_PAGE)); /* sd */
	VIA(expect_implicit(0xc188, EXC_STORE_GUEST_PAGE, EXC_LOAD_GUEST_PAGE));     /* c.sw */
	VIA(expect_implicit(0x08c5b52f, EXC_STORE_GUEST_PAGE, EXC_LOAD_GUEST_PAGE)); /* amoswap */
	/* an instruction fetch */
	tl_expect();
	tl_run(TL_VS, fetch_probe, GVA_PT_HOLE - 8);
	CHECK_TRAP_QEMU(TL_AT_HS, EXC_INSN_GUEST_PAGE, EXC_LOAD_GUEST_PAGE, QEMU_STORE_PTW);
	CHECK_EQ(tl_trap.tval, GVA_PT_HOLE - 8);
	CHECK_EQ(tl_trap.epc, GVA_PT_HOLE - 8);
	CHECK_EQ(tl_trap.tval2, (GPA_ALIAS + 8) >> 2);
	CHECK_EQ(tl_trap.tinst, 0x3000);
	/* taken in M: mtval2 and mtinst */
	csr_write(medeleg, 0);
	tl_expect();
	tl_exec_insn(TL_VS, 0x0005b503, 0, GVA_PT_HOLE);
	CHECK_TRAP(TL_AT_M, EXC_LOAD_GUEST_PAGE);
	CHECK_EQ(tl_trap.tval2, (GPA_ALIAS + 8) >> 2);
	CHECK_EQ(tl_trap.tinst, 0x3000);
	CHECK_EQ(tl_trap.status & (MSTATUS_MPV | MSTATUS_GVA), MSTATUS_MPV | MSTATUS_GVA);
}

/* A/D updates by the hart (henvcfg.ADUE = 1) are implicit writes: when the G stage maps the
 * VS leaf table read-only, the update faults with the write pseudo-instruction 0x3020 and the
 * original access's cause. */
#define GVA_AD (GVA_TEST + 0x400000 + 0x1000) /* level-1 entry 2, leaf entry 1 */

static void t_implicit_write(void)
{
	setup();
	csr_write(menvcfg, ENVCFG_ADUE);
	csr_write(henvcfg, ENVCFG_ADUE);
	tl_pt_init(&vs, 3, false);
	tl_pt_ident(&vs, PTE_LEAF);
	uint64_t *leaf = tl_pt_map(&vs, GVA_AD, GPA_TEST + 0x1000, 0, PTE_V | PTE_RWX);
	uint64_t leaf_table = (uint64_t)(uintptr_t)leaf & ~UINT64_C(0xfff);
	/* the level-1 entry points at GPA_ALIAS + 0x1000, which the G stage maps read-only onto
	 * the leaf table */
	*tl_pt_slot(&vs, GVA_AD, 1) = ((GPA_ALIAS + 0x1000) >> 12) << 10 | PTE_V;
	tl_pt_map(&g, GPA_ALIAS + 0x1000, leaf_table, 0, PTE_V | PTE_R | PTE_U | PTE_A);
	csr_write(vsatp, tl_pt_atp(&vs));
	tl_hfence();
	if (TL_QEMU) {
		tl_relaxed(__FILE__, __LINE__,
			   "QEMU 7.2 has no henvcfg.ADUE and updates A/D without G-stage write "
			   "permission");
		return;
	}
	uint64_t pte_gpa = GPA_ALIAS + 0x1000 + 8;
	tl_expect();
	tl_exec_insn(TL_VS, 0x0005b503, 0, GVA_AD + 0x20); /* ld: A update */
	CHECK_TRAP(TL_AT_HS, EXC_LOAD_GUEST_PAGE);
	CHECK_EQ(tl_trap.tval, GVA_AD + 0x20);
	CHECK_EQ(tl_trap.tval2, pte_gpa >> 2);
	CHECK_EQ(tl_trap.tinst, 0x3020);
	CHECK_EQ(*leaf & (PTE_A | PTE_D), 0);
	tl_expect();
	tl_exec_insn(TL_VS, 0x00a5b023, 0, GVA_AD + 0x28); /* sd: A and D update */
	CHECK_TRAP(TL_AT_HS, EXC_STORE_GUEST_PAGE);
	CHECK_EQ(tl_trap.tval2, pte_gpa >> 2);
	CHECK_EQ(tl_trap.tinst, 0x3020);
	/* with the table writable the update goes through */
	tl_pt_map(&g, GPA_ALIAS + 0x1000, leaf_table, 0, PTE_LEAF | PTE_U);
	tl_hfence();
	tl_expect();
	tl_exec_insn(TL_VS, 0x00a5b023, 0, GVA_AD + 0x28);
	CHECK_NO_TRAP();
	tl_disarm();
	CHECK_EQ(*leaf & (PTE_A | PTE_D), PTE_A | PTE_D);
}

int main(void)
{
	tl_init(TL_HTINST_ZERO ? "htinst (zero)" : "htinst");
	tl_test("loads", t_loads);
	tl_test("stores", t_stores);
	tl_test("compressed loads/stores", t_compressed);
	tl_test("compressed sp-relative", t_compressed_sp);
	tl_test("AMOs and LR", t_atomics);
	tl_test("HLV/HLVX/HSV from HS", t_hlv_hsv);
	tl_test("mtinst/mtval2 in M", t_in_m);
	tl_test("misaligned access split by a fault", t_misaligned_split);
	tl_test("access and page faults", t_other_causes);
	tl_test("implicit PTE read (0x3000)", t_implicit_read);
	tl_test("implicit A/D write (0x3020)", t_implicit_write);
	return tl_finish();
}
