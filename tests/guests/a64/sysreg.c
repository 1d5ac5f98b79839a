/* sysreg: system-register accesses and an SMC that trapscope's KVM-like hypervisor traps.
 * Run with 2 vCPUs (--harts 2 / -smp 2).
 *
 * Assumed (a64.h): HCR_EL2 with TID3 and TSC (0x802c263b), i.e. TID3 traps the ID group 3 registers
 * (ID_AA64*_EL1 and friends) and TSC traps SMC; the GICv3 CPU interface's group-1 registers
 * trap to EL2 (as with ICH_HCR_EL2.TALL1 = 1: there is no GIC behind them, the hypervisor
 * emulates ICC_SGI1R_EL1 as an IPI through HCR_EL2.VI).
 * MSR/MRS traps are EC 0x18, IL 1, ISS = Op0[21:20] Op2[19:17] Op1[16:14] CRn[13:10] Rt[9:5]
 * CRm[4:1] Direction[0] (1 = read); ELR_EL2 = the instruction; the handler emulates it and
 * advances ELR by 4.
 *
 * vCPU 0, in order:
 *  1. sysreg_mrs_pfr0:  mrs x1, ID_AA64PFR0_EL1 (3,0,0,4,0)  ESR_EL2 0x62300029
 *     -> x1 = the hypervisor's view; the guest checks EL0 and EL1 = 1 or 2 (AArch64), FP
 *     and AdvSIMD implemented (not 0xf).
 *  2. sysreg_mrs_mmfr0: mrs x2, ID_AA64MMFR0_EL1 (3,0,0,7,0) ESR_EL2 0x6230004f
 *     -> checks PARange <= 6 and TGran4 = 0 (4 KiB pages, which stage1.c uses).
 *  3. sysreg_smc0: smc #0 with x0 = 0x80000000 (SMCCC_VERSION), trapped by TSC:
 *     ESR_EL2 0x5e000000 (EC 0x17, IL 1, imm16 0), ELR_EL2 = sysreg_smc0 (advance by 4)
 *     -> x0 = 0x10001;
 *     sysreg_smc: smc #0x42, same x0: ESR_EL2 0x5e000042 -> x0 = -1 (NOT_SUPPORTED: an SMC
 *     with a non-zero immediate is no SMCCC call; KVM answers the same).
 *  4. PSCI CPU_ON over HVC: vCPU 1 at a64_secondary_start, context 0x51 -> 0 (cpu_up).
 *     vCPU 1 prints "sysreg: cpu 1 waiting for its IPI", then, with PSTATE.I = 1, loops
 *     { WFI at sysreg_wfi1 } while ISR_EL1.I = 0: zero or one WFI exit (ESR_EL2 0x07e00000,
 *     halt) depending on whether the IPI is already pending when it gets there.
 *  5. sysreg_sgi1r: msr ICC_SGI1R_EL1, x1 (3,0,12,11,5; write) with x1 = 0x1000002
 *     (INTID 1 [27:24], Aff3.Aff2.Aff1 = 0.0.0, IRM 0, TargetList 0b10 = the vCPU with
 *     Aff0 = 1): ESR_EL2 0x623a3036 -> exit reason send_ipi to vCPU 1; VI set on vCPU 1,
 *     which wakes (or finds ISR_EL1.I = 1), records it and returns: CPU_OFF over HVC
 *     (start.S), cpu_down.
 *  6. vCPU 0 polls PSCI AFFINITY_INFO(1) until OFF, prints "sysreg: IPI delivered",
 *     "sysreg: N checks, 0 failed", SYSTEM_OFF.
 * QEMU (TS_ORACLE_QEMU; -M virt,gic-version=3): no EL2, so nothing traps: the ID registers
 * read the CPU's own values, both SMCs are UNDEFINED (ESR_EL1 0x02000000, ELR = the SMC, x0
 * unchanged), and ICC_SGI1R_EL1 goes to QEMU's GICv3 (both CPUs set it up with
 * a64_gic_init; vCPU 1 enables SGI 1, acknowledges it through ICC_IAR1_EL1 = 1 and
 * ICC_EOIR1_EL1).
 */
#include "a64.h"

extern char sysreg_mrs_pfr0[], sysreg_mrs_mmfr0[], sysreg_smc0[], sysreg_smc[], sysreg_sgi1r[],
    sysreg_wfi1[];

static volatile uint64_t up1, got_ipi, isr_seen, intid_seen, wfi_rounds;

__attribute__((noinline, noclone)) static uint64_t mrs_pfr0(void)
{
	register uint64_t x1 __asm__("x1");
	__asm__ volatile(".globl sysreg_mrs_pfr0\nsysreg_mrs_pfr0: mrs x1, id_aa64pfr0_el1"
			 : "=r"(x1)::"memory");
	return x1;
}

__attribute__((noinline, noclone)) static uint64_t mrs_mmfr0(void)
{
	register uint64_t x2 __asm__("x2");
	__asm__ volatile(".globl sysreg_mrs_mmfr0\nsysreg_mrs_mmfr0: mrs x2, id_aa64mmfr0_el1"
			 : "=r"(x2)::"memory");
	return x2;
}

__attribute__((noinline, noclone)) static uint64_t smc0_version(void)
{
	register uint64_t x0 __asm__("x0") = SMCCC_VERSION;
	__asm__ volatile(".globl sysreg_smc0\nsysreg_smc0: smc #0"
			 : "+r"(x0)::"x1", "x2", "x3", "memory");
	return x0;
}

__attribute__((noinline, noclone)) static uint64_t smc_version(void)
{
	register uint64_t x0 __asm__("x0") = SMCCC_VERSION;
	__asm__ volatile(".globl sysreg_smc\nsysreg_smc: smc #0x42"
			 : "+r"(x0)::"x1", "x2", "x3", "memory");
	return x0;
}

__attribute__((noinline, noclone)) static void send_sgi1r(uint64_t v)
{
	register uint64_t x1 __asm__("x1") = v;
	__asm__ volatile(".globl sysreg_sgi1r\nsysreg_sgi1r: msr icc_sgi1r_el1, x1\nisb" ::"r"(x1)
			 : "memory");
}

__attribute__((noinline, noclone)) static void wfi1(void)
{
	__asm__ volatile(".globl sysreg_wfi1\nsysreg_wfi1: wfi" ::: "memory");
}

void a64_secondary_main(uint64_t cpu, uint64_t context)
{
	(void)context;
#if A64_QEMU
	a64_gic_init(1u << A64_INTID_SGI_IPI);
#endif
	a64_printf("sysreg: cpu %lu waiting for its IPI\n", (unsigned long)cpu);
	irq_mask();
	dsb_sy();
	up1 = 1;
	uint64_t end = a64_cntvct() + a64_wait_ticks(), rounds = 0;
	while (!(read_sysreg(isr_el1) & ISR_EL1_I) && a64_cntvct() < end) {
		rounds++;
		wfi1();
	}
	wfi_rounds = rounds;
	isr_seen = read_sysreg(isr_el1);
#if A64_QEMU
	intid_seen = read_sysreg(icc_iar1_el1) & 0xffffff;
	write_sysreg(icc_eoir1_el1, intid_seen);
	isb();
#endif
	dsb_sy();
	got_ipi = 1;
}

static bool wait_flag(volatile uint64_t *flag)
{
	uint64_t end = a64_cntvct() + a64_wait_ticks();
	while (!*flag && a64_cntvct() < end)
		;
	return *flag != 0;
}

int main(uint64_t cpu)
{
	a64_printf("sysreg: cpu %lu, ID registers, SMC, ICC_SGI1R_EL1\n", (unsigned long)cpu);
#if A64_QEMU
	a64_gic_init(0);
#endif
	uint64_t pfr0 = mrs_pfr0();
	uint64_t el0 = pfr0 & 0xf, el1 = (pfr0 >> 4) & 0xf;
	A64_CHECK(el0 == 1 || el0 == 2);
	A64_CHECK(el1 == 1 || el1 == 2);
	A64_CHECK((pfr0 >> 16 & 0xf) != 0xf); /* FP */
	A64_CHECK((pfr0 >> 20 & 0xf) != 0xf); /* AdvSIMD */
	uint64_t mmfr0 = mrs_mmfr0();
	A64_CHECK((mmfr0 & 0xf) <= 6);	    /* PARange */
	A64_CHECK_EQ(mmfr0 >> 28 & 0xf, 0); /* TGran4: 4 KiB granule supported */
	a64_printf("sysreg: ID_AA64PFR0_EL1 0x%lx, ID_AA64MMFR0_EL1 0x%lx\n", (unsigned long)pfr0,
		   (unsigned long)mmfr0);

#if A64_QEMU
	struct a64_trap_rec *me = a64_me();
	a64_expect();
	A64_CHECK_EQ(smc0_version(), SMCCC_VERSION); /* UNDEFINED: x0 untouched */
	A64_CHECK_EQ(me->count, 1);
	A64_CHECK_EQ(a64_last(A64_F_ESR), 0x02000000);
	A64_CHECK_EQ(a64_last(A64_F_ELR), (uint64_t)sysreg_smc0);
	a64_expect();
	A64_CHECK_EQ(smc_version(), SMCCC_VERSION);
	A64_CHECK_EQ(me->count, 2);
	A64_CHECK_EQ(a64_last(A64_F_ESR), 0x02000000);
	A64_CHECK_EQ(a64_last(A64_F_ELR), (uint64_t)sysreg_smc);
#else
	A64_CHECK_EQ(smc0_version(), 0x10001);
	A64_CHECK_EQ(smc_version(), (uint64_t)PSCI_NOT_SUPPORTED);
#endif

	A64_CHECK_EQ(a64_hvc(PSCI_CPU_ON, 1, (uint64_t)a64_secondary_start, 0x51), PSCI_SUCCESS);
	A64_CHECK(wait_flag(&up1));
	send_sgi1r((UINT64_C(A64_INTID_SGI_IPI) << 24) | (1u << 1));
	A64_CHECK(wait_flag(&got_ipi));
	A64_CHECK_EQ(isr_seen & ISR_EL1_I, ISR_EL1_I);
	A64_CHECK(wfi_rounds <= 1);
#if A64_QEMU
	A64_CHECK_EQ(intid_seen, A64_INTID_SGI_IPI);
#endif
	uint64_t end = a64_cntvct() + a64_wait_ticks(), aff = PSCI_AFF_ON;
	while (a64_cntvct() < end && (aff = a64_hvc(PSCI_AFFINITY_INFO, 1, 0, 0)) != PSCI_AFF_OFF)
		;
	A64_CHECK_EQ(aff, PSCI_AFF_OFF);
	a64_printf("sysreg: IPI delivered (cpu 1 waited in %lu WFI)\n", (unsigned long)wfi_rounds);
	return a64_result("sysreg");
}
