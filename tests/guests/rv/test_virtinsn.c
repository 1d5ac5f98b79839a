/* Virtual-instruction exceptions (cause 22): every case the H chapter lists under "Traps"
 * ("Specifically, a virtual-instruction exception is raised for the following cases"), the
 * neighbouring cases that must stay illegal-instruction exceptions (2), and the Sstc and
 * counter gates of mcounteren/hcounteren/scounteren. xtval holds the instruction bits,
 * htval = htinst = 0 and GVA = 0. */
#include "testlib.h"

enum {
	CSR_SSTATUS = 0x100,
	CSR_SSCRATCH = 0x140,
	CSR_SIP = 0x144,
	CSR_STIMECMP = 0x14d,
	CSR_SATP = 0x180,
	CSR_VSSTATUS = 0x200,
	CSR_VSATP = 0x280,
	CSR_MSTATUS = 0x300,
	CSR_HSTATUS = 0x600,
	CSR_HCOUNTEREN = 0x606,
	CSR_HENVCFG = 0x60a,
	CSR_HTVAL = 0x643,
	CSR_HVIP = 0x645,
	CSR_HGATP = 0x680,
	CSR_CYCLE = 0xc00,
	CSR_TIME = 0xc01,
	CSR_INSTRET = 0xc02,
	CSR_HPMCOUNTER3 = 0xc03,
	CSR_UNASSIGNED = 0x0ff,
};

#define INSN_FLD 0x00053007u /* fld ft0, 0(a0) */

/* QEMU 7.2's departures met here; each check that meets one says so. */
#define QEMU_M_GVA "QEMU 7.2 sets mstatus.GVA for every trap from V=1 into M"
#define QEMU_HLV_TVAL                                                                              \
	"QEMU 7.2 writes stval = 0 for HLV/HSV in VS/VU (the spec allows 0 or the bits)"
#define QEMU_VU_SUPERVISOR                                                                         \
	"QEMU 7.2 raises illegal instead of virtual instruction in VU for supervisor CSRs, SRET, " \
	"SFENCE.VMA and HFENCE"
#define QEMU_VTVM_SATP	  "QEMU 7.2 ignores hstatus.VTVM for satp accesses in VS"
#define QEMU_TVM_VS	  "QEMU 7.2 applies mstatus.TVM to satp and SFENCE.VMA in VS"
#define QEMU_HENVCFG_STCE "QEMU 7.2 lets henvcfg.STCE be set while menvcfg.STCE = 0"

/* What QEMU 7.2 does instead, for the checks that meet one of its departures. */
struct qemu_alt {
	uint64_t cause;
	unsigned level;
	const char *why;
};
static const struct qemu_alt qemu_vu_illegal = {EXC_ILLEGAL, TL_AT_M, QEMU_VU_SUPERVISOR};

/* Runs insn in mode and expects exactly one trap with cause at level (M or HS), carrying the
 * instruction bits in xtval and nothing in tval2/tinst. */
static void expect_insn_trap(enum tl_mode mode, uint32_t insn, uint64_t cause, unsigned level,
			     const struct qemu_alt *q)
{
	if (TL_QEMU && q) {
		tl_relaxed(__FILE__, __LINE__, q->why);
		cause = q->cause;
		level = q->level;
	}
	tl_expect();
	tl_exec_insn(mode, insn, 0, 0);
	CHECK_TRAP(level, cause);
	bool hlsv =
	    insn == INSN_HLV_B || insn == INSN_HLV_D || insn == INSN_HLVX_HU || insn == INSN_HSV_D;
	if (hlsv && (mode & 4))
		CHECK_EQ_QEMU(tl_trap.tval, insn, 0, QEMU_HLV_TVAL);
	else
		CHECK_EQ(tl_trap.tval, insn);
	CHECK_EQ(tl_trap.epc, tl_insn_addr());
	CHECK_EQ(tl_trap.from, mode);
	CHECK_EQ(tl_trap.tval2, 0);
	CHECK_EQ(tl_trap.tinst, 0);
	if (level == TL_AT_HS) {
		uint64_t spvp = (mode == TL_VS) ? HSTATUS_SPVP : 0;
		CHECK_EQ(tl_trap.hstatus & (HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA),
			 HSTATUS_SPV | spvp);
	} else if (mode & 4) {
		CHECK_EQ_QEMU(tl_trap.status & MSTATUS_GVA, 0, MSTATUS_GVA, QEMU_M_GVA);
	} else {
		CHECK_EQ(tl_trap.status & MSTATUS_GVA, 0);
	}
}

/* Cause 22 delegated to HS (the usual set-up), illegal instructions stay at M; virt_q names
 * what QEMU 7.2 does instead. */
#define virt(mode, insn)      VIA(expect_insn_trap((mode), (insn), EXC_VIRTUAL_INSN, TL_AT_HS, NULL))
#define virt_q(mode, insn, q) VIA(expect_insn_trap((mode), (insn), EXC_VIRTUAL_INSN, TL_AT_HS, (q)))
#define illegal(mode, insn)   VIA(expect_insn_trap((mode), (insn), EXC_ILLEGAL, TL_AT_M, NULL))

/* On QEMU, runs insn without judging the outcome; true when it did. */
static bool qemu_skip(enum tl_mode mode, uint32_t insn, const char *why)
{
	if (!TL_QEMU)
		return false;
	tl_relaxed(__FILE__, __LINE__, why);
	tl_expect();
	tl_exec_insn(mode, insn, 0, 0);
	tl_disarm();
	return true;
}

static void expect_no_trap(enum tl_mode mode, uint32_t insn)
{
	tl_expect();
	tl_exec_insn(mode, insn, 0, 0);
	CHECK_NO_TRAP();
	tl_disarm();
}
#define no_trap(mode, insn) VIA(expect_no_trap((mode), (insn)))

static void delegate_22(void)
{
	csr_write(medeleg, BIT(EXC_VIRTUAL_INSN));
}

/* Hypervisor and VS CSRs from VS and VU; supervisor CSRs from VU. */
static void t_csrs(void)
{
	static const unsigned hyp_csrs[] = {CSR_HSTATUS, CSR_HGATP,	 CSR_HTVAL,    CSR_HVIP,
					    CSR_HENVCFG, CSR_HCOUNTEREN, CSR_VSSTATUS, CSR_VSATP};
	static const unsigned s_csrs[] = {CSR_SSTATUS, CSR_SSCRATCH, CSR_SIP, CSR_SATP};
	delegate_22();
	for (unsigned i = 0; i < sizeof hyp_csrs / sizeof hyp_csrs[0]; i++) {
		virt(TL_VS, INSN_CSRR(hyp_csrs[i]));
		virt(TL_VS, INSN_CSRW(hyp_csrs[i]));
		virt(TL_VU, INSN_CSRR(hyp_csrs[i]));
	}
	for (unsigned i = 0; i < sizeof s_csrs / sizeof s_csrs[0]; i++) {
		virt_q(TL_VU, INSN_CSRR(s_csrs[i]), &qemu_vu_illegal);
		virt_q(TL_VU, INSN_CSRW(s_csrs[i]), &qemu_vu_illegal);
		no_trap(TL_VS, INSN_CSRR(s_csrs[i])); /* VS reaches the VS copies */
	}
	/* not HS-qualified: M CSRs, CSRs that do not exist, FP with FS = 0 */
	illegal(TL_VS, INSN_CSRR(CSR_MSTATUS));
	illegal(TL_VU, INSN_CSRR(CSR_MSTATUS));
	illegal(TL_VS, INSN_CSRR(CSR_UNASSIGNED));
	illegal(TL_VU, INSN_CSRR(CSR_UNASSIGNED));
	illegal(TL_VS, INSN_FLD);
	illegal(TL_VU, INSN_FLD);
	illegal(TL_VS, INSN_MRET);
	/* not delegated: cause 22 goes to M with mtval = the bits */
	csr_write(medeleg, 0);
	VIA(expect_insn_trap(TL_VS, INSN_CSRR(CSR_HGATP), EXC_VIRTUAL_INSN, TL_AT_M, NULL));
	CHECK_EQ(tl_trap.status & MSTATUS_MPV, MSTATUS_MPV);
	VIA(expect_insn_trap(TL_VU, INSN_CSRR(CSR_SSTATUS), EXC_VIRTUAL_INSN, TL_AT_M,
			     &qemu_vu_illegal));
}

/* HLV, HLVX, HSV and HFENCE from VS and VU, whatever hstatus.HU says. */
static void t_hypervisor_instructions(void)
{
	static const uint32_t insns[] = {INSN_HLV_B, INSN_HLV_D,       INSN_HLVX_HU,
					 INSN_HSV_D, INSN_HFENCE_VVMA, INSN_HFENCE_GVMA};
	delegate_22();
	for (unsigned i = 0; i < sizeof insns / sizeof insns[0]; i++) {
		virt(TL_VS, insns[i]);
		bool hfence = insns[i] == INSN_HFENCE_VVMA || insns[i] == INSN_HFENCE_GVMA;
		virt_q(TL_VU, insns[i], hfence ? &qemu_vu_illegal : NULL);
	}
	csr_set(hstatus, HSTATUS_HU);
	virt(TL_VU, INSN_HLV_D);
	virt(TL_VU, INSN_HSV_D);
}

/* WFI, SRET and SFENCE.VMA with mstatus.TW and hstatus.VTW/VTSR/VTVM. */
static void t_supervisor_instructions(void)
{
	delegate_22();
	/* VU: always virtual (with TW = 0) */
	virt(TL_VU, INSN_WFI);
	virt_q(TL_VU, INSN_SRET, &qemu_vu_illegal);
	virt_q(TL_VU, INSN_SFENCE_VMA, &qemu_vu_illegal);
	/* VS with the hstatus traps set */
	csr_set(hstatus, HSTATUS_VTW);
	virt(TL_VS, INSN_WFI);
	csr_write(hstatus, HSTATUS_VTSR);
	virt(TL_VS, INSN_SRET);
	csr_write(hstatus, HSTATUS_VTVM);
	virt(TL_VS, INSN_SFENCE_VMA);
	if (!qemu_skip(TL_VS, INSN_CSRR(CSR_SATP), QEMU_VTVM_SATP))
		virt(TL_VS, INSN_CSRR(CSR_SATP));
	if (!qemu_skip(TL_VS, INSN_CSRW(CSR_SATP), QEMU_VTVM_SATP))
		virt(TL_VS, INSN_CSRW(CSR_SATP));
	csr_write(hstatus, 0);
	/* mstatus.TVM and TSR concern HS only: VS may use satp and SFENCE.VMA */
	csr_set(mstatus, MSTATUS_TVM | MSTATUS_TSR);
	if (!qemu_skip(TL_VS, INSN_CSRR(CSR_SATP), QEMU_TVM_VS))
		no_trap(TL_VS, INSN_CSRR(CSR_SATP));
	if (!qemu_skip(TL_VS, INSN_SFENCE_VMA, QEMU_TVM_VS))
		no_trap(TL_VS, INSN_SFENCE_VMA);
	csr_clear(mstatus, MSTATUS_TVM | MSTATUS_TSR);
	/* mstatus.TW = 1 wins over VTW: illegal in VS and VU */
	csr_set(mstatus, MSTATUS_TW);
	csr_set(hstatus, HSTATUS_VTW);
	illegal(TL_VS, INSN_WFI);
	static const struct qemu_alt qemu_vu_wfi = {
	    EXC_VIRTUAL_INSN, TL_AT_HS,
	    "QEMU 7.2 raises a virtual-instruction exception for WFI in VU with mstatus.TW=1"};
	VIA(expect_insn_trap(TL_VU, INSN_WFI, EXC_ILLEGAL, TL_AT_M, &qemu_vu_wfi));
}

/* Counter CSRs: mcounteren = 0 gives 2; mcounteren = 1 with hcounteren = 0 (or, in VU,
 * scounteren = 0) gives 22. */
static void t_counters(void)
{
	static const unsigned counters[] = {CSR_CYCLE, CSR_TIME, CSR_INSTRET, CSR_HPMCOUNTER3};
	delegate_22();
	for (unsigned i = 0; i < sizeof counters / sizeof counters[0]; i++) {
		uint32_t rd = INSN_CSRR(counters[i]);
		uint64_t bit = BIT(counters[i] & 31);
		csr_write(mcounteren, 0);
		csr_write(hcounteren, bit);
		csr_write(scounteren, bit);
		illegal(TL_VS, rd);
		illegal(TL_VU, rd);
		illegal(TL_HS, rd);
		illegal(TL_U, rd);
		csr_write(mcounteren, bit);
		csr_write(hcounteren, 0);
		virt(TL_VS, rd);
		virt(TL_VU, rd);
		no_trap(TL_HS, rd);
		csr_write(hcounteren, bit);
		csr_write(scounteren, 0);
		no_trap(TL_VS, rd);
		virt(TL_VU, rd);
		illegal(TL_U, rd);
		csr_write(scounteren, bit);
		no_trap(TL_VU, rd);
		no_trap(TL_U, rd);
		/* writes to the read-only counters are illegal even where reads are fine */
		illegal(TL_VS, INSN_CSRW(counters[i]));
	}
}

/* Sstc: stimecmp needs menvcfg.STCE and mcounteren.TM (else illegal); from VS also
 * henvcfg.STCE and hcounteren.TM (else virtual instruction). */
static void t_stimecmp(void)
{
	const uint32_t rd = INSN_CSRR(CSR_STIMECMP);
	const uint64_t tm = BIT(1);
	delegate_22();
	csr_write(vstimecmp, 0x1234);
	csr_write(mcounteren, tm);
	csr_write(hcounteren, tm);
	illegal(TL_HS, rd); /* menvcfg.STCE = 0 */
	illegal(TL_VS, rd);
	csr_write(menvcfg, ENVCFG_STCE);
	no_trap(TL_HS, rd);
	virt(TL_VS, rd); /* henvcfg.STCE = 0 */
	csr_write(henvcfg, ENVCFG_STCE);
	CHECK_EQ(csr_read(henvcfg) & ENVCFG_STCE, ENVCFG_STCE);
	CHECK_EQ(tl_exec_insn(TL_VS, rd, 0, 0), 0x1234); /* VS reads vstimecmp */
	/* a supervisor CSR HS could access: virtual instruction from VU */
	virt_q(TL_VU, rd, &qemu_vu_illegal);
	/* hcounteren.TM = 0: virtual instruction from VS */
	csr_write(hcounteren, 0);
	virt(TL_VS, rd);
	csr_write(hcounteren, tm);
	/* mcounteren.TM = 0: illegal below M */
	csr_write(mcounteren, 0);
	illegal(TL_HS, rd);
	illegal(TL_VS, rd);
	/* henvcfg.STCE is read-only zero while menvcfg.STCE = 0 */
	csr_write(menvcfg, 0);
	CHECK_EQ_QEMU(csr_read(henvcfg) & ENVCFG_STCE, 0, ENVCFG_STCE, QEMU_HENVCFG_STCE);
	csr_write(henvcfg, ENVCFG_STCE);
	CHECK_EQ_QEMU(csr_read(henvcfg) & ENVCFG_STCE, 0, ENVCFG_STCE, QEMU_HENVCFG_STCE);
}

int main(void)
{
	tl_init("virtual-instruction");
	tl_test("H/VS/S CSRs from VS and VU", t_csrs);
	tl_test("HLV/HSV/HFENCE from VS and VU", t_hypervisor_instructions);
	tl_test("WFI/SRET/SFENCE.VMA/satp", t_supervisor_instructions);
	tl_test("counters and *counteren", t_counters);
	tl_test("stimecmp (Sstc)", t_stimecmp);
	return tl_finish();
}
