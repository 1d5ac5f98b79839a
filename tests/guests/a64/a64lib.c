/* The AArch64 guest framework: console, checks, the C half of the vectors, ending a run, and
 * QEMU's GICv3 for the oracle builds. See a64.h. */
#include "a64.h"
#include "../guest_fmt.h"

struct a64_trap_rec a64_traps[A64_MAX_CPUS];
volatile unsigned a64_checks, a64_failures;
volatile uint64_t a64_first_failure;
static volatile uint64_t failing; /* a64_fail is under way: any further exception just stops */

/* The compiler may call these even in freestanding code. */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n)
{
	volatile uint8_t *p = d;
	while (n--)
		*p++ = (uint8_t)c;
	return d;
}
void *memcpy(void *d, const void *s, size_t n)
{
	volatile uint8_t *p = d;
	const uint8_t *q = s;
	while (n--)
		*p++ = *q++;
	return d;
}

/* ---- time ---- */
uint64_t a64_wait_ticks(void)
{
	uint64_t f = read_sysreg(cntfrq_el0) & 0xffffffff;
	return f ? 2 * f : UINT64_C(100000000);
}

uint64_t a64_timer_delta(void)
{
	uint64_t d = (read_sysreg(cntfrq_el0) & 0xffffffff) / 1000;
	return d < 1000 ? 1000 : d;
}

/* ---- console ----
 * No lock: the guests print from one CPU at a time (the SMP ones hand over through flags), so
 * no exclusive or atomic instruction is needed anywhere with the MMU off. */
void a64_puts(const char *s)
{
	while (*s)
		a64_putc(*s++);
}

void a64_uart_puts_at(uint64_t base, const char *s)
{
	while (*s)
		a64_putc_at(*s++, base);
}

void a64_printf(const char *fmt, ...)
{
	struct guest_buf b;
	va_list ap;
	va_start(ap, fmt);
	guest_vformat(&b, fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < b.n; i++)
		a64_putc(b.b[i]);
}

/* ---- ending ---- */
#if A64_QEMU
/* Semihosting SYS_EXIT (AArch64: x0 = 0x18, x1 -> {reason, status}); QEMU exits with status. */
static void semihosting_exit(uint64_t status)
{
	static volatile uint64_t block[2];
	block[0] = 0x20026; /* ADP_Stopped_ApplicationExit */
	block[1] = status;
	register uint64_t x0 __asm__("x0") = 0x18;
	register uint64_t x1 __asm__("x1") = (uint64_t)block;
	__asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
}
#endif

static void __attribute__((noreturn)) hang(void)
{
	__asm__ volatile("msr daifset, #0xf" ::: "memory");
	for (;;)
		a64_wfi();
}

void a64_fail(uint64_t code)
{
	if (failing)
		hang();
	failing = 1;
	a64_printf("a64: FAIL code %lu (0x%lx) on cpu %lu\n", (unsigned long)code,
		   (unsigned long)code, (unsigned long)a64_cpu());
#if A64_QEMU
	semihosting_exit((code & 0xff) ? (code & 0xff) : 1);
#else
	/* An instruction fetch from an IPA with neither RAM nor a device: the hypervisor
	 * cannot resolve it, so the run stops (status 1), naming A64_FAIL_IPA; x0 = the code.
	 * A hypervisor that injects a prefetch abort instead (as KVM does) lands in the
	 * vectors with `failing` set, and the CPU stops in hang(). */
	register uint64_t x0 __asm__("x0") = code;
	register uint64_t x1 __asm__("x1") = A64_FAIL_IPA;
	__asm__ volatile("br x1" ::"r"(x0), "r"(x1) : "memory");
#endif
	hang();
}

void a64_poweroff(void)
{
	a64_hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
	a64_printf("a64: SYSTEM_OFF returned\n");
	a64_fail(0xfe);
}

void a64_cpu_off(void)
{
	uint64_t r = a64_hvc(PSCI_CPU_OFF, 0, 0, 0);
	a64_printf("a64: cpu %lu: CPU_OFF returned %ld\n", (unsigned long)a64_cpu(), (long)r);
	a64_fail(0xfd);
}

/* ---- checks ---- */
void a64_check_failed(unsigned line, const char *expr, uint64_t got)
{
	a64_failures++;
	if (!a64_first_failure)
		a64_first_failure = line;
	a64_printf("FAIL line %u: %s (got 0x%lx)\n", line, expr, (unsigned long)got);
}

/* From start.S's a64_asm_check_failed: a CHECK of an assembly guest. */
void a64_check_failed_code(uint64_t code, uint64_t got);
void a64_check_failed_code(uint64_t code, uint64_t got)
{
	a64_failures++;
	if (!a64_first_failure)
		a64_first_failure = code;
	a64_printf("FAIL code %lu (got 0x%lx)\n", (unsigned long)code, (unsigned long)got);
}

int a64_result(const char *guest)
{
	a64_printf("%s: %u checks, %u failed\n", guest, a64_checks, a64_failures);
	return a64_failures ? (int)(a64_first_failure ? a64_first_failure : 1) : 0;
}

/* ---- traps ---- */
uint64_t a64_nth(uint64_t n, unsigned field)
{
	const struct a64_trap_ev *e = &a64_me()->hist[n % A64_HIST];
	switch (field) {
	case A64_F_ESR: return e->esr;
	case A64_F_ELR: return e->elr;
	case A64_F_FAR: return e->far;
	case A64_F_SPSR: return e->spsr;
	case A64_F_KIND: return e->kind;
	default: return UINT64_MAX;
	}
}

uint64_t a64_last(unsigned field)
{
	uint64_t c = a64_me()->count;
	return c ? a64_nth(c - 1, field) : UINT64_MAX;
}

static void irq(struct a64_frame *f, uint64_t kind, struct a64_trap_rec *r)
{
	uint64_t intid = 1023;
#if A64_QEMU
	intid = read_sysreg(icc_iar1_el1) & 0xffffff;
#endif
	r->irqs++;
	r->irq_elr = f->elr;
	r->irq_kind = kind;
	r->irq_intid = intid;
	r->irq_cntvct = a64_cntvct();
	uint64_t ctl = read_sysreg(cntv_ctl_el0);
	bool timer = (ctl & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK | CNTV_CTL_ISTATUS)) ==
		     (CNTV_CTL_ENABLE | CNTV_CTL_ISTATUS);
	if (timer) {
		write_sysreg(cntv_ctl_el0, ctl | CNTV_CTL_IMASK);
		isb();
		r->timer_irqs++;
	} else {
		r->other_irqs++;
	}
#if A64_QEMU
	if (intid < 1020) /* not spurious */
		write_sysreg(icc_eoir1_el1, intid);
	isb();
#endif
	/* one-shot: back with IRQs masked, whatever the level of the line does next */
	f->spsr |= A64_PSTATE_I;
}

void a64_trap(struct a64_frame *f, uint64_t kind);
void a64_trap(struct a64_frame *f, uint64_t kind)
{
	uint64_t cpu = a64_cpu();
	if (failing)
		hang();
	if (cpu >= A64_MAX_CPUS)
		a64_fail(0xbad);
	struct a64_trap_rec *r = &a64_traps[cpu];
	if (kind == A64_KIND_CUR_SPX_IRQ || kind == A64_KIND_LOWER_IRQ) {
		irq(f, kind, r);
		return;
	}
	if (kind != A64_KIND_CUR_SPX_SYNC && kind != A64_KIND_LOWER_SYNC) {
		a64_printf("a64: cpu %lu: unexpected vector 0x%lx ESR=0x%lx ELR=0x%lx "
			   "SPSR=0x%lx\n",
			   (unsigned long)cpu, (unsigned long)(kind * 0x80), (unsigned long)f->esr,
			   (unsigned long)f->elr, (unsigned long)f->spsr);
		a64_fail(0xef);
	}
	if (!r->armed) {
		a64_printf("a64: cpu %lu: unexpected exception ESR=0x%lx ELR=0x%lx FAR=0x%lx "
			   "SPSR=0x%lx\n",
			   (unsigned long)cpu, (unsigned long)f->esr, (unsigned long)f->elr,
			   (unsigned long)f->far, (unsigned long)f->spsr);
		a64_fail(0xee);
	}
	struct a64_trap_ev *e = &r->hist[r->count % A64_HIST];
	e->esr = f->esr;
	e->elr = f->elr;
	e->far = f->far;
	e->spsr = f->spsr;
	e->kind = kind;
	r->count++;
	r->armed--;
	if (r->armed == 0 && r->resume) {
		f->elr = r->resume; /* EL1 code of the test (an SVC from EL0 comes back here) */
		f->spsr = (f->spsr & ~UINT64_C(0xf)) | A64_SPSR_EL1H;
		r->resume = 0;
	} else if (r->armed == 0 && r->resume_lr) {
		f->elr = f->x[30]; /* an instruction abort after a BLR: back to the caller */
		r->resume_lr = 0;
	} else if (ESR_EC(f->esr) != A64_EC_SVC64) {
		f->elr += 4; /* the preferred return address of an SVC is already past it */
	}
}

__attribute__((weak)) void a64_secondary_main(uint64_t cpu, uint64_t context)
{
	(void)cpu;
	(void)context;
}

/* ---- QEMU's GICv3 ---- */
#if A64_QEMU
static volatile uint32_t gicd_ready;

void a64_gic_init(uint32_t ppi_sgi_mask)
{
	uint64_t cpu = a64_cpu();
	if (!gicd_ready) {
		/* single security state (QEMU virt without EL3: GICD_CTLR.DS = 1): ARE (4),
		 * EnableGrp1 (1), EnableGrp0 (0); then wait for RWP (31) */
		mmio_w32(A64_GICD_BASE + 0x0, 0x13);
		while (mmio_r32(A64_GICD_BASE + 0x0) & 0x80000000u)
			;
		gicd_ready = 1;
	}
	uint64_t rd = A64_GICR_BASE + cpu * A64_GICR_STRIDE, sgi = rd + 0x10000;
	/* GICR_WAKER: clear ProcessorSleep (1), wait for ChildrenAsleep (2) to clear */
	mmio_w32(rd + 0x14, mmio_r32(rd + 0x14) & ~2u);
	while (mmio_r32(rd + 0x14) & 4u)
		;
	mmio_w32(sgi + 0x80, 0xffffffffu); /* GICR_IGROUPR0: every SGI/PPI in Group 1 */
	for (unsigned i = 0; i < 8; i++)   /* GICR_IPRIORITYR0..7: priority 0x80 */
		mmio_w32(sgi + 0x400 + 4 * i, 0x80808080u);
	mmio_w32(sgi + 0x180, ~ppi_sgi_mask); /* GICR_ICENABLER0 */
	mmio_w32(sgi + 0x100, ppi_sgi_mask);  /* GICR_ISENABLER0 */
	write_sysreg(icc_sre_el1, read_sysreg(icc_sre_el1) | 1);
	isb();
	write_sysreg(icc_pmr_el1, 0xff);
	write_sysreg(icc_bpr1_el1, 0);
	write_sysreg(icc_igrpen1_el1, 1);
	isb();
}
#endif
