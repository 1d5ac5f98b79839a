/* Interrupts: M software (CLINT msip) and timer (CLINT mtimecmp), S and VS timers through Sstc
 * (stimecmp, vstimecmp), hvip-injected VS interrupts, delegation through mideleg/hideleg,
 * priority among pending interrupts, vectored mtvec, and WFI (privileged spec: "Machine
 * Interrupt Registers", "Machine Trap-Vector Base-Address Register", "Wait for Interrupt";
 * H chapter: hvip/hip/hie, "Trap Cause Codes"; Sstc). Time on trapscope is retired
 * instructions; on QEMU (-icount shift=0) it runs at 1/100 of that, so waits are bounded
 * loops, never exact counts. */
#include "testlib.h"

#define SPIN_LIMIT 2000000 /* long enough for a deadline 50 ticks ahead on QEMU */
#define SHORT_SPIN 1000	   /* for interrupts that must not come */

static uint64_t mtime(void)
{
	return *TL_CLINT_MTIME;
}

/* Spins until a trap is recorded or limit rounds pass; returns whether one was. */
static bool wait_trap_for(unsigned limit)
{
	for (unsigned i = 0; i < limit; i++)
		if (tl_trap.count)
			return true;
	return false;
}

static bool wait_trap(void)
{
	return wait_trap_for(SPIN_LIMIT);
}

/* Lower-mode code: waits for n traps. */
static uint64_t wait_n_traps(uint64_t n)
{
	for (unsigned i = 0; i < SPIN_LIMIT; i++)
		if (tl_trap.count >= n)
			return 1;
	return 0;
}

static uint64_t wait_in_lower_mode(uint64_t unused)
{
	(void)unused;
	return wait_trap();
}

/* ---- M level ---- */

static void t_machine_software(void)
{
	csr_write(mie, BIT(IRQ_MSI));
	*TL_CLINT_MSIP = 1;
	CHECK_EQ(csr_read(mip) & BIT(IRQ_MSI), BIT(IRQ_MSI));
	/* pending and enabled in mie, but mstatus.MIE = 0 in M: not taken */
	tl_expect();
	CHECK(!wait_trap_for(SHORT_SPIN));
	csr_set(mstatus, MSTATUS_MIE);
	CHECK(wait_trap());
	csr_clear(mstatus, MSTATUS_MIE);
	CHECK_TRAP(TL_AT_M, CAUSE_IRQ | IRQ_MSI);
	CHECK_EQ(tl_trap.tval, 0);
	*TL_CLINT_MSIP = 0;
	CHECK_EQ(csr_read(mip) & BIT(IRQ_MSI), 0);
	/* in a lower mode M interrupts are always enabled */
	csr_write(mie, BIT(IRQ_MSI));
	*TL_CLINT_MSIP = 1;
	tl_expect();
	CHECK_EQ(tl_run(TL_VU, wait_in_lower_mode, 0), 1);
	CHECK_TRAP(TL_AT_M, CAUSE_IRQ | IRQ_MSI);
	CHECK_EQ(tl_trap.from, TL_VU);
	*TL_CLINT_MSIP = 0;
}

static void t_machine_timer(void)
{
	uint64_t deadline = mtime() + 50;
	*TL_CLINT_MTIMECMP = deadline;
	csr_write(mie, BIT(IRQ_MTI));
	tl_expect();
	csr_set(mstatus, MSTATUS_MIE);
	CHECK(wait_trap());
	csr_clear(mstatus, MSTATUS_MIE);
	CHECK_TRAP(TL_AT_M, CAUSE_IRQ | IRQ_MTI);
	CHECK(mtime() >= deadline);
	CHECK_EQ(csr_read(mip) & BIT(IRQ_MTI), BIT(IRQ_MTI));
	/* the time CSR is mtime */
	uint64_t t = csr_read(time);
	CHECK(t >= deadline && t - deadline < 100000);
	/* moving mtimecmp past now clears MTIP */
	*TL_CLINT_MTIMECMP = ~UINT64_C(0);
	CHECK_EQ(csr_read(mip) & BIT(IRQ_MTI), 0);
	/* mip.MTIP/MSIP/MEIP are not writable */
	csr_write(mip, BIT(IRQ_MTI) | BIT(IRQ_MSI) | BIT(IRQ_MEI));
	CHECK_EQ(csr_read(mip) & (BIT(IRQ_MTI) | BIT(IRQ_MSI) | BIT(IRQ_MEI)), 0);
}

/* mtvec MODE = 1: interrupts enter at base + 4 * cause, exceptions at base. */
extern char tl_vec_m_table[];

static void t_vectored(void)
{
	csr_write(mtvec, (uint64_t)(uintptr_t)tl_vec_m_table | 1);
	CHECK_EQ(csr_read(mtvec), (uint64_t)(uintptr_t)tl_vec_m_table | 1);
	csr_write(mie, BIT(IRQ_MSI));
	*TL_CLINT_MSIP = 1;
	tl_expect();
	csr_set(mstatus, MSTATUS_MIE);
	CHECK(wait_trap());
	csr_clear(mstatus, MSTATUS_MIE);
	CHECK_TRAP(TL_AT_M, CAUSE_IRQ | IRQ_MSI);
	CHECK_EQ(tl_trap.vector, IRQ_MSI);
	*TL_CLINT_MSIP = 0;
	*TL_CLINT_MTIMECMP = 0;
	csr_write(mie, BIT(IRQ_MTI));
	tl_expect();
	csr_set(mstatus, MSTATUS_MIE);
	CHECK(wait_trap());
	csr_clear(mstatus, MSTATUS_MIE);
	CHECK_EQ(tl_trap.vector, IRQ_MTI);
	tl_expect();
	tl_exec_insn(TL_M, INSN_ECALL, 0, 0);
	CHECK_TRAP(TL_AT_M, EXC_ECALL_M);
	CHECK_EQ(tl_trap.vector, 0);
	/* reserved MODE values 2 and 3 are not taken (WARL) */
	csr_write(mtvec, (uint64_t)(uintptr_t)tl_vec_m_table | 2);
	CHECK((csr_read(mtvec) & 3) < 2);
	csr_write(mtvec, (uint64_t)(uintptr_t)tl_vec_m_table | 3);
	CHECK((csr_read(mtvec) & 3) < 2);
}

/* ---- S level ---- */

/* HS code: spins with sstatus.SIE = 1 for limit rounds (SPIN_LIMIT when 0). */
static uint64_t hs_wait_with_sie(uint64_t limit)
{
	csr_set(sstatus, MSTATUS_SIE);
	bool got = wait_trap_for(limit ? (unsigned)limit : SPIN_LIMIT);
	csr_clear(sstatus, MSTATUS_SIE);
	return got;
}

/* Sstc: stimecmp drives mip.STIP; delegated through mideleg it is an HS interrupt. */
static void t_supervisor_timer(void)
{
	csr_write(menvcfg, ENVCFG_STCE);
	csr_write(mcounteren, BIT(1)); /* TM */
	csr_write(stimecmp, 0);
	CHECK_EQ(csr_read(mip) & BIT(IRQ_STI), BIT(IRQ_STI));
	csr_write(stimecmp, ~UINT64_C(0));
	CHECK_EQ(csr_read(mip) & BIT(IRQ_STI), 0);
	/* with STCE, mip.STIP is read-only */
	csr_set(mip, BIT(IRQ_STI));
	CHECK_EQ(csr_read(mip) & BIT(IRQ_STI), 0);

	csr_write(mideleg, BIT(IRQ_STI));
	csr_write(mie, BIT(IRQ_STI));
	csr_write(stimecmp, mtime() + 50);
	tl_expect();
	CHECK_EQ(tl_run(TL_HS, hs_wait_with_sie, 0), 1);
	CHECK_TRAP(TL_AT_HS, CAUSE_IRQ | IRQ_STI);
	CHECK_EQ(tl_trap.from, TL_HS);
	CHECK_EQ(tl_trap.tval, 0);
	/* not delegated: an M-level interrupt, taken from HS whatever sstatus.SIE says */
	csr_write(mideleg, 0);
	csr_write(mie, BIT(IRQ_STI));
	tl_expect();
	CHECK_EQ(tl_run(TL_HS, wait_in_lower_mode, 0), 1);
	CHECK_TRAP(TL_AT_M, CAUSE_IRQ | IRQ_STI);
}

/* Without Sstc's STCE, M software owns mip.STIP/SSIP; sip/sie show delegated bits only. */
static void t_supervisor_software(void)
{
	csr_write(mip, BIT(IRQ_SSI) | BIT(IRQ_STI));
	CHECK_EQ(csr_read(mip) & (BIT(IRQ_SSI) | BIT(IRQ_STI)), BIT(IRQ_SSI) | BIT(IRQ_STI));
	CHECK_EQ(csr_read(sip) & (BIT(IRQ_SSI) | BIT(IRQ_STI)), 0); /* nothing delegated */
	csr_write(mideleg, BIT(IRQ_SSI) | BIT(IRQ_STI));
	CHECK_EQ(csr_read(sip) & (BIT(IRQ_SSI) | BIT(IRQ_STI)), BIT(IRQ_SSI) | BIT(IRQ_STI));
	csr_write(mie, BIT(IRQ_SSI) | BIT(IRQ_STI));
	CHECK_EQ(csr_read(sie) & (BIT(IRQ_SSI) | BIT(IRQ_STI)), BIT(IRQ_SSI) | BIT(IRQ_STI));
	/* both pending: SSI before STI */
	tl_expect();
	CHECK_EQ(tl_run(TL_HS, hs_wait_with_sie, 0), 1);
	CHECK_TRAP(TL_AT_HS, CAUSE_IRQ | IRQ_SSI);
	tl_expect();
	CHECK_EQ(tl_run(TL_HS, hs_wait_with_sie, 0), 1);
	CHECK_TRAP(TL_AT_HS, CAUSE_IRQ | IRQ_STI);
	/* HS interrupts reach HS from VS whatever sstatus.SIE says */
	csr_write(mie, BIT(IRQ_SSI));
	tl_expect();
	CHECK_EQ(tl_run(TL_VS, wait_in_lower_mode, 0), 1);
	CHECK_TRAP(TL_AT_HS, CAUSE_IRQ | IRQ_SSI);
	CHECK_EQ(tl_trap.from, TL_VS);
	CHECK_EQ(tl_trap.hstatus & HSTATUS_SPV, HSTATUS_SPV);
	csr_write(mip, 0);
}

/* ---- VS level ---- */

static uint64_t vs_wait_with_sie(uint64_t sie_bits)
{
	csr_set(sie, sie_bits);	       /* vsie */
	csr_set(sstatus, MSTATUS_SIE); /* vsstatus.SIE */
	bool got = wait_trap();
	csr_clear(sstatus, MSTATUS_SIE);
	return got;
}

static uint64_t vs_read_time(uint64_t unused)
{
	(void)unused;
	return csr_read(time);
}

/* hvip injects VS interrupts: delegated by hideleg they reach VS as causes 1/5/9. */
static void t_hvip(void)
{
	csr_write(hvip, BIT(IRQ_VSSI));
	CHECK_EQ(csr_read(hip) & BIT(IRQ_VSSI), BIT(IRQ_VSSI));
	CHECK_EQ(csr_read(mip) & BIT(IRQ_VSSI), BIT(IRQ_VSSI));
	csr_write(hideleg, BIT(IRQ_VSSI));
	csr_write(hie, BIT(IRQ_VSSI));
	CHECK_EQ(csr_read(vsip) & BIT(IRQ_SSI), BIT(IRQ_SSI)); /* VS view: bit 1 */
	CHECK_EQ(csr_read(vsie) & BIT(IRQ_SSI), BIT(IRQ_SSI));
	/* not taken in HS: VS interrupts need V = 1 */
	tl_expect();
	CHECK_EQ(tl_run(TL_HS, hs_wait_with_sie, SHORT_SPIN), 0);
	CHECK_NO_TRAP();
	/* in VS with vsstatus.SIE: cause 1 with the interrupt bit */
	tl_expect();
	CHECK_EQ(tl_run(TL_VS, vs_wait_with_sie, BIT(IRQ_SSI)), 1);
	CHECK_TRAP(TL_AT_VS, CAUSE_IRQ | IRQ_SSI);
	CHECK_EQ(tl_trap.from, TL_VS);
	/* hip.VSSIP is an alias of hvip.VSSIP */
	csr_clear(hip, BIT(IRQ_VSSI));
	CHECK_EQ(csr_read(hvip) & BIT(IRQ_VSSI), 0);

	/* VSTIP from hvip, not delegated: an HS interrupt (cause 6) taken from VS */
	csr_write(hideleg, 0);
	csr_write(hvip, BIT(IRQ_VSTI));
	csr_write(hie, BIT(IRQ_VSTI));
	tl_expect();
	CHECK_EQ(tl_run(TL_VS, wait_in_lower_mode, 0), 1);
	CHECK_TRAP(TL_AT_HS, CAUSE_IRQ | IRQ_VSTI);
	/* delegated: cause 5 in VS */
	csr_write(hideleg, BIT(IRQ_VSTI));
	csr_write(hie, BIT(IRQ_VSTI));
	tl_expect();
	CHECK_EQ(tl_run(TL_VU, wait_in_lower_mode, 0), 1); /* VU: VS interrupts always enabled */
	CHECK_TRAP(TL_AT_VS, CAUSE_IRQ | IRQ_STI);
	CHECK_EQ(tl_trap.from, TL_VU);
	/* VSEIP likewise: cause 9 in VS */
	csr_write(hvip, BIT(IRQ_VSEI));
	csr_write(hideleg, BIT(IRQ_VSEI));
	csr_write(hie, BIT(IRQ_VSEI));
	tl_expect();
	CHECK_EQ(tl_run(TL_VS, vs_wait_with_sie, BIT(IRQ_SEI)), 1);
	CHECK_TRAP(TL_AT_VS, CAUSE_IRQ | IRQ_SEI);
	csr_write(hvip, 0);
}

/* vstimecmp (henvcfg.STCE) drives hip.VSTIP against time + htimedelta. */
static void t_vs_timer(void)
{
	csr_write(menvcfg, ENVCFG_STCE);
	csr_write(henvcfg, ENVCFG_STCE);
	csr_write(mcounteren, BIT(1));
	csr_write(hcounteren, BIT(1));
	/* time as VS sees it */
	csr_write(htimedelta, UINT64_C(1) << 40);
	uint64_t before = csr_read(time);
	uint64_t vt = tl_run(TL_VS, vs_read_time, 0);
	uint64_t after = csr_read(time);
	CHECK(vt >= before + (UINT64_C(1) << 40) && vt <= after + (UINT64_C(1) << 40));
	/* the comparison uses the guest's time */
	csr_write(vstimecmp, csr_read(time) + 1000000);
	CHECK_EQ(csr_read(hip) & BIT(IRQ_VSTI), BIT(IRQ_VSTI));
	csr_write(vstimecmp, ~UINT64_C(0));
	CHECK_EQ(csr_read(hip) & BIT(IRQ_VSTI), 0);
	csr_write(htimedelta, 0);
	/* a deadline just ahead, delivered to VS as cause 5 */
	csr_write(hideleg, BIT(IRQ_VSTI));
	csr_write(hie, BIT(IRQ_VSTI));
	csr_write(vstimecmp, mtime() + 50);
	tl_expect();
	CHECK_EQ(tl_run(TL_VS, vs_wait_with_sie, BIT(IRQ_STI)), 1);
	CHECK_TRAP(TL_AT_VS, CAUSE_IRQ | IRQ_STI);
	CHECK(csr_read(time) >= csr_read(vstimecmp));
}

/* ---- priority and WFI ---- */

/* Several pending at once: MEI > MSI > MTI > SEI > SSI > STI > SGEI > VSEI > VSSI > VSTI; M
 * interrupts before delegated ones whatever their order. */
static void t_priority(void)
{
	*TL_CLINT_MSIP = 1;
	*TL_CLINT_MTIMECMP = 0;
	/* the timer may raise MTIP a little later (QEMU does it from a timer callback) */
	for (unsigned i = 0; i < SPIN_LIMIT && !(csr_read(mip) & BIT(IRQ_MTI)); i++)
		;
	CHECK_EQ(csr_read(mip) & BIT(IRQ_MTI), BIT(IRQ_MTI));
	csr_write(mip, BIT(IRQ_SSI) | BIT(IRQ_STI) | BIT(IRQ_SEI));
	csr_write(hvip, BIT(IRQ_VSSI) | BIT(IRQ_VSTI));
	csr_write(mideleg, BIT(IRQ_SSI) | BIT(IRQ_SEI));
	csr_write(mie, BIT(IRQ_MSI) | BIT(IRQ_MTI) | BIT(IRQ_SSI) | BIT(IRQ_STI) | BIT(IRQ_SEI) |
			   BIT(IRQ_VSSI) | BIT(IRQ_VSTI));
	/* from VS: M-level ones (MSI, MTI and the undelegated STI) first, then HS-level ones;
	 * each handler disables the one it took, so the next in line follows */
	static const uint64_t order[] = {IRQ_MSI, IRQ_MTI,  IRQ_STI, IRQ_SEI,
					 IRQ_SSI, IRQ_VSSI, IRQ_VSTI};
	static const unsigned level[] = {TL_AT_M,  TL_AT_M,  TL_AT_M, TL_AT_HS,
					 TL_AT_HS, TL_AT_HS, TL_AT_HS};
	/* QEMU 7.2 without AIA takes the lowest-numbered pending interrupt of a level first */
	static const uint64_t qemu_order[] = {IRQ_MSI,	IRQ_STI,  IRQ_MTI, IRQ_SSI,
					      IRQ_VSSI, IRQ_VSTI, IRQ_SEI};
	if (TL_QEMU)
		tl_relaxed(__FILE__, __LINE__,
			   "QEMU 7.2 (no AIA) takes the lowest-numbered pending interrupt first");
	tl_expect_n(7);
	CHECK_EQ(tl_run(TL_VS, wait_n_traps, 7), 1);
	CHECK_EQ(tl_trap.count, 7);
	for (unsigned i = 0; i < 7; i++) {
		CHECK_EQ(tl_trap.seq_cause[i], CAUSE_IRQ | (TL_QEMU ? qemu_order[i] : order[i]));
		CHECK_EQ(tl_trap.seq_level[i], level[i]);
	}
	*TL_CLINT_MSIP = 0;
	csr_write(mip, 0);
	csr_write(hvip, 0);
	/* inside VS: VSSI (1) before VSTI (5) */
	csr_write(hvip, BIT(IRQ_VSSI) | BIT(IRQ_VSTI));
	csr_write(hideleg, BIT(IRQ_VSSI) | BIT(IRQ_VSTI));
	csr_write(hie, BIT(IRQ_VSSI) | BIT(IRQ_VSTI));
	tl_expect();
	CHECK_EQ(tl_run(TL_VS, vs_wait_with_sie, BIT(IRQ_SSI) | BIT(IRQ_STI)), 1);
	CHECK_TRAP(TL_AT_VS, CAUSE_IRQ | IRQ_SSI);
	tl_expect();
	CHECK_EQ(tl_run(TL_VS, vs_wait_with_sie, 0), 1);
	CHECK_TRAP(TL_AT_VS, CAUSE_IRQ | IRQ_STI);
	csr_write(hvip, 0);
}

/* WFI returns once an interrupt is pending and enabled in mie, even with mstatus.MIE = 0 (no
 * trap then); waiting for a timer lets time jump to the deadline. */
static void t_wfi(void)
{
	csr_write(mie, BIT(IRQ_MTI));
	uint64_t deadline = mtime() + 500;
	*TL_CLINT_MTIMECMP = deadline;
	tl_expect();
	uint64_t i0 = read_instret();
	__asm__ volatile("wfi");
	uint64_t i1 = read_instret();
	CHECK(mtime() >= deadline);
	if (TL_QEMU)
		tl_relaxed(
		    __FILE__, __LINE__,
		    "QEMU 7.2's minstret follows virtual time under -icount, also while in WFI");
	else
		CHECK(i1 - i0 < 100); /* time passed without instructions */
	CHECK_NO_TRAP();
	CHECK_EQ(csr_read(mip) & BIT(IRQ_MTI), BIT(IRQ_MTI));
	tl_disarm();
	/* an interrupt pending before WFI: it returns at once */
	*TL_CLINT_MSIP = 1;
	csr_write(mie, BIT(IRQ_MSI));
	tl_expect();
	__asm__ volatile("wfi");
	CHECK_NO_TRAP();
	tl_disarm();
	*TL_CLINT_MSIP = 0;
	/* WFI in HS with the timer: the interrupt is taken after it */
	csr_write(mie, BIT(IRQ_MTI));
	*TL_CLINT_MTIMECMP = mtime() + 200;
	tl_expect();
	tl_exec_insn(TL_HS, INSN_WFI, 0, 0);
	CHECK_TRAP(TL_AT_M, CAUSE_IRQ | IRQ_MTI);
	CHECK_EQ(tl_trap.epc, tl_insn_addr() + 4); /* WFI retired; mepc is the next insn */
}

int main(void)
{
	tl_init("interrupts");
	tl_test("M software interrupt (msip)", t_machine_software);
	tl_test("M timer interrupt (mtimecmp)", t_machine_timer);
	tl_test("vectored mtvec", t_vectored);
	tl_test("S timer (stimecmp)", t_supervisor_timer);
	tl_test("S software/timer via mip", t_supervisor_software);
	tl_test("hvip VS interrupts", t_hvip);
	tl_test("VS timer (vstimecmp)", t_vs_timer);
	tl_test("priority", t_priority);
	tl_test("WFI", t_wfi);
	return tl_finish();
}
