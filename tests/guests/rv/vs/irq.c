/* irq: interrupts and exceptions that end in the guest's own trap vector.
 *
 *  1. SBI TIME set_timer, then WFI with sstatus.SIE = 0 and sie.STIE = 1: WFI traps to the
 *     hypervisor (hstatus.VTW = 1, virtual instruction) and halts the vCPU until the timer is
 *     pending; enabling SIE then takes the supervisor timer interrupt (VSTI arrives as code 5)
 *     right after the enabling csrsi (irq_after_timer_enable).
 *  2. The same timer while the guest spins with SIE = 1 (no WFI).
 *  3. SBI IPI send_ipi to this hart: the supervisor software interrupt (code 1), taken right
 *     after the enabling csrsi (irq_after_ipi_enable).
 *  4. Virtual-instruction traps the hypervisor turns into illegal-instruction traps inside the
 *     guest, stval = the instruction bits: csrr a0,hgatp; hfence.gvma; hlv.b.
 *  5. Exceptions delegated straight to the guest (hedeleg): ebreak and c.ebreak (3), the
 *     defined-illegal 16-bit word 0x0000 (2, stval 0), ecall from U-mode (8).
 * Then SRST shutdown. Under QEMU (TS_ORACLE_QEMU; run with -cpu rv64,h=false) the guest is in
 * S-mode without H, so the H instructions are plain illegal instructions there.
 */
#include "vs.h"

#define SSTATUS_SPP BIT(8)

/* The instructions whose traps the trace is checked for, at known global labels. */
__attribute__((noinline)) static void wfi_for_timer(void)
{
	__asm__ volatile(".option push\n.option norvc\n"
			 ".globl irq_wfi\nirq_wfi: wfi\n"
			 "csrsi sstatus, 2\n"
			 ".globl irq_after_timer_enable\nirq_after_timer_enable: csrci sstatus, 2\n"
			 ".option pop" ::
			     : "memory");
}

__attribute__((noinline)) static void take_ipi(void)
{
	__asm__ volatile(".option push\n.option norvc\n"
			 "csrsi sstatus, 2\n"
			 ".globl irq_after_ipi_enable\nirq_after_ipi_enable: csrci sstatus, 2\n"
			 ".option pop" ::
			     : "memory");
}

extern char irq_vi_csrr[], irq_vi_hfence[], irq_vi_hlv[], irq_ebreak[], irq_cebreak[],
    irq_illegal[], irq_user[], irq_user_back[];

__attribute__((noinline)) static uint64_t virt_insn_csrr(void)
{
	uint64_t v = 0x1234;
	__asm__ volatile(".option push\n.option norvc\n"
			 ".globl irq_vi_csrr\nirq_vi_csrr: csrr %0, hgatp\n"
			 ".option pop"
			 : "+r"(v)::"memory");
	return v;
}

__attribute__((noinline)) static void virt_insn_hfence(void)
{
	__asm__ volatile(".option push\n.option norvc\n"
			 ".globl irq_vi_hfence\nirq_vi_hfence: hfence.gvma zero, zero\n"
			 ".option pop" ::
			     : "memory");
}

static volatile uint8_t hlv_target = 0x42;

__attribute__((noinline)) static void virt_insn_hlv(void)
{
	register uint64_t a0 __asm__("a0") = 0x77;
	register uint64_t a1 __asm__("a1") = (uint64_t)&hlv_target;
	__asm__ volatile(".option push\n.option norvc\n"
			 ".globl irq_vi_hlv\nirq_vi_hlv: hlv.b a0, (a1)\n"
			 ".option pop"
			 : "+r"(a0)
			 : "r"(a1)
			 : "memory");
}

__attribute__((noinline)) static void do_ebreak(void)
{
	__asm__ volatile(".option push\n.option norvc\n"
			 ".globl irq_ebreak\nirq_ebreak: ebreak\n"
			 ".option pop" ::
			     : "memory");
}

__attribute__((noinline)) static void do_cebreak(void)
{
	__asm__ volatile(".option push\n.option rvc\n"
			 ".globl irq_cebreak\nirq_cebreak: c.ebreak\n"
			 ".option pop" ::
			     : "memory");
}

__attribute__((noinline)) static void illegal(void)
{
	__asm__ volatile(".globl irq_illegal\nirq_illegal: .2byte 0x0000" ::: "memory");
}

/* U-mode code: one ecall; the trap handler resumes at irq_user_back in S-mode. */
__asm__(".text\n.balign 4\n.option push\n.option norvc\n"
	".globl irq_user\nirq_user: ecall\n"
	"1: j 1b\n"
	".option pop\n");

__attribute__((noinline)) static void user_ecall(void)
{
	csr_clear(sstatus, SSTATUS_SPP); /* sret to U-mode */
	csr_write(sepc, (uint64_t)irq_user);
	vs_expect_at((uint64_t)irq_user_back);
	__asm__ volatile(".option push\n.option norvc\n"
			 "sret\n"
			 ".globl irq_user_back\nirq_user_back: nop\n"
			 ".option pop" ::
			     : "memory");
}

static void check_trap(uint64_t cause, uint64_t tval, const char *at, uint64_t count)
{
	struct vs_trap_rec *me = vs_me();
	VS_CHECK_EQ(me->count, count);
	VS_CHECK_EQ(me->cause, cause);
	VS_CHECK_EQ(me->tval, tval);
	VS_CHECK_EQ(me->epc, (uint64_t)at);
}

int main(uint64_t hartid)
{
	struct vs_trap_rec *me = vs_me();
	vs_printf("irq: hart %lu\n", (unsigned long)hartid);
	csr_clear(sstatus, SSTATUS_SIE);
	csr_write(sie, 0);

	/* 1. timer + WFI */
	uint64_t t0 = vs_rdtime();
	csr_set(sie, SIE_STIE);
	struct sbiret r = sbi1(SBI_EXT_TIME, 0, t0 + 2000);
	VS_CHECK_EQ(r.error, SBI_SUCCESS);
	unsigned rounds = 0;
	while (!me->sti && rounds < 100) {
		wfi_for_timer();
		rounds++;
	}
	VS_CHECK_EQ(me->sti, 1);
	VS_CHECK_EQ(me->irqs, 1);
	VS_CHECK_EQ(me->irq_cause, CAUSE_IRQ | IRQ_S_TIMER);
	VS_CHECK_EQ(rounds, 1);
	VS_CHECK(me->sti_time >= t0 + 2000);	  /* not before the deadline */
	VS_CHECK_EQ(csr_read(sie) & SIE_STIE, 0); /* the handler masked it */
	sbi1(SBI_EXT_TIME, 0, UINT64_MAX);
	VS_CHECK_EQ(csr_read(sip) & SIP_STIP, 0);
	vs_printf("irq: timer interrupt after WFI\n");

	/* 2. timer while running with interrupts on */
	csr_set(sie, SIE_STIE);
	uint64_t deadline = vs_rdtime() + 1000;
	sbi1(SBI_EXT_TIME, 0, deadline);
	csr_set(sstatus, SSTATUS_SIE);
	uint64_t end = vs_rdtime() + VS_WAIT_TICKS;
	while (me->sti < 2 && vs_rdtime() < end)
		__asm__ volatile("nop");
	csr_clear(sstatus, SSTATUS_SIE);
	VS_CHECK_EQ(me->sti, 2);
	VS_CHECK_EQ(me->irqs, 2);
	VS_CHECK(me->sti_time >= deadline);
	sbi1(SBI_EXT_TIME, 0, UINT64_MAX);
	vs_printf("irq: timer interrupt while running\n");

	/* 3. IPI to self */
	csr_set(sie, SIE_SSIE);
	r = sbi2(SBI_EXT_IPI, 0, 1, hartid);
	VS_CHECK_EQ(r.error, SBI_SUCCESS);
	VS_CHECK_EQ(me->ssi, 0); /* SIE is off: pending, not taken */
	VS_CHECK(vs_wait_sip(SIP_SSIP));
	take_ipi();
	VS_CHECK_EQ(me->ssi, 1);
	VS_CHECK_EQ(me->irqs, 3);
	VS_CHECK_EQ(me->irq_cause, CAUSE_IRQ | IRQ_S_SOFT);
	VS_CHECK_EQ(csr_read(sip) & SIP_SSIP, 0);
	csr_clear(sie, SIE_SSIE);
	vs_printf("irq: software interrupt from send_ipi\n");

	/* 4. virtual instructions -> illegal instruction in the guest */
	vs_expect();
	uint64_t v = virt_insn_csrr();
	check_trap(EXC_ILLEGAL, 0x68002573, irq_vi_csrr, 1); /* csrr a0,hgatp */
	VS_CHECK_EQ(v, 0x1234);				     /* rd untouched */
	vs_expect();
	virt_insn_hfence();
	check_trap(EXC_ILLEGAL, 0x62000073, irq_vi_hfence, 2); /* hfence.gvma zero,zero */
	vs_expect();
	virt_insn_hlv();
	check_trap(EXC_ILLEGAL, 0x6005c573, irq_vi_hlv, 3); /* hlv.b a0,(a1) */
	vs_printf("irq: virtual instructions became illegal-instruction traps\n");

	/* 5. delegated exceptions: straight to the guest, no exit */
	vs_expect();
	do_ebreak();
	VS_CHECK_EQ(me->count, 4);
	VS_CHECK_EQ(me->cause, EXC_BREAKPOINT);
	VS_CHECK_EQ(me->epc, (uint64_t)irq_ebreak);
	/* stval: zero or the address of the EBREAK */
	VS_CHECK(me->tval == 0 || me->tval == (uint64_t)irq_ebreak);
	vs_printf("irq: ebreak stval=0x%lx\n", (unsigned long)me->tval);
	vs_expect();
	do_cebreak();
	VS_CHECK_EQ(me->count, 5);
	VS_CHECK_EQ(me->cause, EXC_BREAKPOINT);
	VS_CHECK_EQ(me->epc, (uint64_t)irq_cebreak);
	VS_CHECK(me->tval == 0 || me->tval == (uint64_t)irq_cebreak);
	vs_printf("irq: c.ebreak stval=0x%lx\n", (unsigned long)me->tval);
	vs_expect();
	illegal();
	check_trap(EXC_ILLEGAL, 0, irq_illegal, 6); /* the instruction bits are 0 */
	user_ecall();
	check_trap(8, 0, irq_user, 7);
	/* back in S-mode: reading sstatus would trap in U-mode */
	(void)csr_read(sstatus);
	VS_CHECK_EQ(me->irqs, 3);
	vs_printf("irq: breakpoints, illegal instruction and ecall from U-mode delegated\n");
	return vs_result("irq");
}
