/* psci: every PSCI 1.1 function trapscope's hypervisor implements, over HVC and then over SMC,
 * plus SMCCC_VERSION and SMCCC_ARCH_FEATURES. Run with 2 vCPUs (--harts 2 / -smp 2).
 *
 * Conduits (HCR_EL2 as in a64.h; every call goes through start.S):
 *   HVC #0 at a64_hvc_insn: ESR_EL2 0x5a000000 (EC 0x16 HVC64, IL 1, imm16 0); ELR_EL2 is
 *     already a64_hvc_insn + 4: the handler must not advance it.
 *   SMC #0 at a64_smc_insn, trapped by HCR_EL2.TSC: ESR_EL2 0x5e000000 (EC 0x17 SMC64, IL 1,
 *     imm16 0); ELR_EL2 = a64_smc_insn itself: the handler advances it by 4.
 *   Arguments x0 (function id), x1..x3; the result comes back in x0.
 *
 * One round per conduit, in this order (primary = vCPU 0; expected x0 after the arrow):
 *    1. PSCI_VERSION                0x84000000                    -> 0x10001 (1.1)
 *    2. PSCI_FEATURES (0x8400000a) of 0x84000000, 0xc4000001, 0x84000002, 0xc4000003,
 *       0xc4000004, 0x84000006, 0x84000008, 0x84000009, 0x8400000a -> 0 each
 *       (CPU_SUSPEND: 0 = original power_state format, no OS-initiated mode);
 *       of 0xc4000005 MIGRATE, 0xc400000e SYSTEM_SUSPEND, 0x8400001f (unassigned) -> -1;
 *       of 0x80000000 SMCCC_VERSION -> 0 (implemented; QEMU: -1)
 *    3. MIGRATE_INFO_TYPE           0x84000006                    -> 2 (no Trusted OS)
 *    4. SMCCC_VERSION               0x80000000                    -> 0x10001 (QEMU: -1)
 *    5. SMCCC_ARCH_FEATURES         0x80000001, x1 = 0x80008000 (WORKAROUND_1) -> -1,
 *                                   x1 = 0x80001234 (unassigned)  -> -1
 *    6. unknown function id         0x8400001f                    -> -1 (NOT_SUPPORTED)
 *    7. AFFINITY_INFO               0xc4000004, x1 = 0, x2 = 0    -> 0 (ON)
 *                                   x1 = 1                        -> 1 (OFF)
 *                                   x1 = 7 (no such vCPU)         -> -2 (INVALID_PARAMETERS)
 *    8. CPU_ON                      0xc4000003, x1 = 7            -> -2
 *    9. CPU_ON                      x1 = 1, x2 = a64_secondary_start,
 *                                   x3 = 0x5eed0001 (HVC round) / 0x5eed0002 (SMC round)
 *                                   -> 0; exit reason cpu_up, target 1, entry, context
 *       vCPU 1 starts at a64_secondary_start in EL1h (SPSel 1), x0 = the context id, MMU
 *       off, DAIF masked (PSCI's CPU_ON entry state; start.S records it) and prints
 *       "psci: cpu 1 up, context 0x5eed000N" (console exits from vCPU 1).
 *   10. AFFINITY_INFO x1 = 1 -> 0 (ON); CPU_ON x1 = 1 again -> -4 (ALREADY_ON)
 *   11. vCPU 1: CPU_OFF 0x84000002 over the round's conduit -> exit reason cpu_down, no
 *       resume. vCPU 0 polls AFFINITY_INFO x1 = 1 until it answers 1 (OFF): one or more
 *       calls depending on scheduling.
 *   12. CPU_SUSPEND 0xc4000001, x1 = 0 (standby, StateID 0), x2 = x3 = 0, with the virtual
 *       timer armed (CNTV_CVAL_EL0 = now + 1 ms, CNTV_CTL_EL0 = ENABLE) and PSTATE.I set:
 *       the hypervisor halts the vCPU like WFI until the timer fires (HCR_EL2.VI), then
 *       -> 0; the guest checks CNTV_CTL_EL0.ISTATUS and CNTVCT >= CVAL, masks the timer.
 * The boot vCPU's entry state is checked the same way first (x0 = 0, EL1h, MMU off, DAIF
 * masked: what trapscope's virt machine promises, SPSR 0x3c5, and Linux's boot protocol asks).
 * Then the end (build-time PSCI_END):
 *   0 (default): return from main -> SYSTEM_OFF 0x84000008 over HVC (start.S)
 *   1: SYSTEM_OFF over SMC      2: SYSTEM_RESET 0x84000009 over HVC
 *   3: SYSTEM_RESET over SMC    (exit reason system_down / system_reset, the last event)
 * Console: "psci: over hvc", "psci: over smc", the secondary's lines, "psci: N checks, 0
 * failed", and "psci: ending with <call>" for the PSCI_END variants.
 *
 * QEMU (TS_ORACLE_QEMU): QEMU 7.2's virt answers PSCI 1.1 over HVC exactly as above except
 * SMCCC_VERSION (-1: QEMU implements no SMCCC architecture calls) and
 * PSCI_FEATURES(SMCCC_VERSION) (-1). SMC is UNDEFINED at EL1 there (no EL3, conduit HVC): each
 * SMC is checked to raise an Unknown-reason exception at EL1 (ESR_EL1 0x02000000, ELR =
 * a64_smc_insn, x0 untouched) and the call is then made over HVC, so the rest of the round
 * still runs. CPU_SUSPEND needs the timer interrupt to reach the CPU through the GICv3.
 */
#include "a64.h"

#ifndef PSCI_END
#define PSCI_END 0
#endif

enum { HVC, SMC };
static const char *const conduit_name[] = {"hvc", "smc"};

static volatile uint64_t up[A64_MAX_CPUS], ctx_seen[A64_MAX_CPUS];
static volatile uint64_t go_off, off_conduit, off_returned;

static uint64_t call(int conduit, uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	if (conduit == HVC)
		return a64_hvc(fid, a1, a2, a3);
#if A64_QEMU
	struct a64_trap_rec *me = a64_me();
	uint64_t before = me->count;
	a64_expect();
	uint64_t r = a64_smc(fid, a1, a2, a3);
	if (me->count != before + 1 || a64_last(A64_F_ESR) != 0x02000000 ||
	    a64_last(A64_F_ELR) != (uint64_t)a64_smc_insn || r != fid) {
		a64_printf("psci: SMC 0x%lx did not raise UNDEFINED (count %lu, ESR 0x%lx)\n",
			   (unsigned long)fid, (unsigned long)(me->count - before),
			   (unsigned long)a64_last(A64_F_ESR));
		a64_fail(0x5c);
	}
	return a64_hvc(fid, a1, a2, a3);
#else
	return a64_smc(fid, a1, a2, a3);
#endif
}

void a64_secondary_main(uint64_t cpu, uint64_t context)
{
	ctx_seen[cpu] = context;
	a64_printf("psci: cpu %lu up, context 0x%lx\n", (unsigned long)cpu, (unsigned long)context);
	dsb_sy();
	up[cpu] = 1;
	uint64_t end = a64_cntvct() + a64_wait_ticks();
	while (!go_off && a64_cntvct() < end)
		;
	go_off = 0;
	call((int)off_conduit, PSCI_CPU_OFF, 0, 0, 0);
	off_returned = 1; /* the primary reports it */
	for (;;)
		a64_wfi();
}

static bool wait_flag(volatile uint64_t *flag)
{
	uint64_t end = a64_cntvct() + a64_wait_ticks();
	while (!*flag && a64_cntvct() < end)
		;
	return *flag != 0;
}

/* The state a CPU entered with (start.S): EL1h, MMU off, DAIF masked, x0 as given. */
static void check_entry(uint64_t cpu, uint64_t x0)
{
	volatile struct a64_entry *e = &a64_entry_state[cpu];
	A64_CHECK_EQ(e->x0, x0);
	A64_CHECK_EQ(e->daif, A64_DAIF_MASK);
	A64_CHECK_EQ(e->currentel, 1 << 2); /* CurrentEL.EL = 1 */
	A64_CHECK_EQ(e->spsel, 1);	    /* SP_EL1: EL1h */
	A64_CHECK_EQ(e->sctlr & 1, 0);	    /* SCTLR_EL1.M: MMU off */
}

static const struct {
	uint64_t fid;
	int64_t want;
} features[] = {
    {PSCI_VERSION, 0},
    {PSCI_CPU_SUSPEND, 0},
    {PSCI_CPU_OFF, 0},
    {PSCI_CPU_ON, 0},
    {PSCI_AFFINITY_INFO, 0},
    {PSCI_MIGRATE_INFO_TYPE, 0},
    {PSCI_SYSTEM_OFF, 0},
    {PSCI_SYSTEM_RESET, 0},
    {PSCI_FEATURES, 0},
    {PSCI_MIGRATE, PSCI_NOT_SUPPORTED},
    {PSCI_SYSTEM_SUSPEND, PSCI_NOT_SUPPORTED},
    {PSCI_UNKNOWN_FN, PSCI_NOT_SUPPORTED},
    {SMCCC_VERSION, A64_QEMU ? PSCI_NOT_SUPPORTED : 0},
};

static void psci_round(int c, uint64_t context)
{
	a64_printf("psci: over %s\n", conduit_name[c]);
	A64_CHECK_EQ(call(c, PSCI_VERSION, 0, 0, 0), 0x10001);
	for (unsigned i = 0; i < sizeof features / sizeof *features; i++) {
		int64_t r = (int64_t)call(c, PSCI_FEATURES, features[i].fid, 0, 0);
		if (r != features[i].want)
			a64_printf("psci: FEATURES(0x%lx) = %ld, expected %ld\n",
				   (unsigned long)features[i].fid, (long)r, (long)features[i].want);
		A64_CHECK_EQ(r, features[i].want);
	}
	A64_CHECK_EQ(call(c, PSCI_MIGRATE_INFO_TYPE, 0, 0, 0), 2);
	A64_CHECK_EQ(call(c, SMCCC_VERSION, 0, 0, 0),
		     A64_QEMU ? (uint64_t)PSCI_NOT_SUPPORTED : 0x10001);
	A64_CHECK_EQ(call(c, SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_1, 0, 0),
		     (uint64_t)PSCI_NOT_SUPPORTED);
	A64_CHECK_EQ(call(c, SMCCC_ARCH_FEATURES, SMCCC_ARCH_UNKNOWN, 0, 0),
		     (uint64_t)PSCI_NOT_SUPPORTED);
	A64_CHECK_EQ(call(c, PSCI_UNKNOWN_FN, 0, 0, 0), (uint64_t)PSCI_NOT_SUPPORTED);

	A64_CHECK_EQ(call(c, PSCI_AFFINITY_INFO, 0, 0, 0), PSCI_AFF_ON);
	A64_CHECK_EQ(call(c, PSCI_AFFINITY_INFO, 1, 0, 0), PSCI_AFF_OFF);
	A64_CHECK_EQ(call(c, PSCI_AFFINITY_INFO, 7, 0, 0), (uint64_t)PSCI_INVALID_PARAMETERS);
	A64_CHECK_EQ(call(c, PSCI_CPU_ON, 7, (uint64_t)a64_secondary_start, 0),
		     (uint64_t)PSCI_INVALID_PARAMETERS);

	/* CPU_ON of vCPU 1, then everything that can be asked while it runs */
	up[1] = 0;
	off_conduit = (uint64_t)c;
	dsb_sy();
	A64_CHECK_EQ(call(c, PSCI_CPU_ON, 1, (uint64_t)a64_secondary_start, context), PSCI_SUCCESS);
	A64_CHECK(wait_flag(&up[1]));
	A64_CHECK_EQ(ctx_seen[1], context);
	check_entry(1, context);
	A64_CHECK_EQ(call(c, PSCI_AFFINITY_INFO, 1, 0, 0), PSCI_AFF_ON);
	A64_CHECK_EQ(call(c, PSCI_CPU_ON, 1, (uint64_t)a64_secondary_start, context),
		     (uint64_t)PSCI_ALREADY_ON);

	/* CPU_OFF from the secondary */
	dsb_sy();
	go_off = 1;
	uint64_t end = a64_cntvct() + a64_wait_ticks(), aff = PSCI_AFF_ON;
	while (a64_cntvct() < end && (aff = call(c, PSCI_AFFINITY_INFO, 1, 0, 0)) != PSCI_AFF_OFF)
		;
	A64_CHECK_EQ(aff, PSCI_AFF_OFF);
	A64_CHECK_EQ(off_returned, 0);

	/* CPU_SUSPEND (standby), woken by the virtual timer */
	irq_mask();
	uint64_t cval = a64_cntvct() + a64_timer_delta();
	write_sysreg(cntv_cval_el0, cval);
	write_sysreg(cntv_ctl_el0, CNTV_CTL_ENABLE);
	isb();
	A64_CHECK_EQ(call(c, PSCI_CPU_SUSPEND, 0, 0, 0), PSCI_SUCCESS);
	uint64_t now = a64_cntvct();
	A64_CHECK_EQ(read_sysreg(cntv_ctl_el0) & CNTV_CTL_ISTATUS, CNTV_CTL_ISTATUS);
	A64_CHECK(now >= cval);
	write_sysreg(cntv_ctl_el0, CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
	isb();
	a64_printf("psci: %s round done\n", conduit_name[c]);
}

int main(uint64_t cpu)
{
	a64_printf("psci: cpu %lu\n", (unsigned long)cpu);
	check_entry(cpu, 0); /* the boot vCPU: the ELF entry with x0 = 0 */
#if A64_QEMU
	a64_gic_init(1u << A64_INTID_VTIMER); /* CPU_SUSPEND wakes on the timer's PPI */
#endif
	psci_round(HVC, 0x5eed0001);
	psci_round(SMC, 0x5eed0002);
	write_sysreg(cntv_ctl_el0, 0);
	int r = a64_result("psci");
#if PSCI_END == 1 || PSCI_END == 3
	const int c = SMC;
#else
	const int c = HVC;
#endif
#if PSCI_END == 1 || PSCI_END == 2 || PSCI_END == 3
	const bool reset = PSCI_END != 1;
	if (r == 0) {
		a64_printf("psci: ending with %s over %s\n", reset ? "SYSTEM_RESET" : "SYSTEM_OFF",
			   conduit_name[c]);
		call(c, reset ? PSCI_SYSTEM_RESET : PSCI_SYSTEM_OFF, 0, 0, 0);
		a64_printf("psci: the call returned\n");
		return 0xe0;
	}
#else
	(void)c;
#endif
	return r;
}
