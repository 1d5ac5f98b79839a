/* The VS-guest framework: console, checks, the C half of the trap vector. See vs.h. */
#include "vs.h"
#include "../../guest_fmt.h"

struct vs_trap_rec vs_traps[VS_MAX_HARTS];
volatile unsigned vs_checks, vs_failures;
volatile uint64_t vs_first_failure;

static volatile uint32_t console_lock;
static volatile int console_mode; /* 0 = not probed, 1 = DBCN, 2 = legacy putchar */

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

/* ---- locks ---- */
void vs_lock(volatile uint32_t *l)
{
	uint32_t old;
	do {
		__asm__ volatile("amoswap.w.aq %0, %2, %1"
				 : "=r"(old), "+A"(*l)
				 : "r"(1u)
				 : "memory");
	} while (old);
}

void vs_unlock(volatile uint32_t *l)
{
	__asm__ volatile("amoswap.w.rl zero, zero, %0" : "+A"(*l)::"memory");
}

/* ---- console ---- */
void vs_console_init(void)
{
	if (console_mode)
		return;
	struct sbiret r = sbi1(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, SBI_EXT_DBCN);
	console_mode = (r.error == 0 && r.value != 0) ? 1 : 2;
}

bool vs_have_dbcn(void)
{
	vs_console_init();
	return console_mode == 1;
}

static void console_write(const char *s, size_t n)
{
	vs_console_init();
	if (console_mode == 1) {
		while (n) {
			struct sbiret r = sbi3(SBI_EXT_DBCN, SBI_DBCN_WRITE, n, (uint64_t)s, 0);
			if (r.error || r.value <= 0 || (size_t)r.value > n)
				break;
			s += r.value;
			n -= (size_t)r.value;
		}
		return;
	}
	while (n--)
		sbi_legacy(SBI_LEGACY_PUTCHAR, (uint8_t)*s++, 0, 0, 0);
}

void vs_puts(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	vs_lock(&console_lock);
	console_write(s, n);
	vs_unlock(&console_lock);
}

void vs_printf(const char *fmt, ...)
{
	struct guest_buf b;
	va_list ap;
	va_start(ap, fmt);
	guest_vformat(&b, fmt, ap);
	va_end(ap);
	vs_lock(&console_lock);
	console_write(b.b, b.n);
	vs_unlock(&console_lock);
}

void vs_uart_puts(uint64_t base, const char *s)
{
	while (*s) {
		while (!(mmio_r8(base + VS_UART_LSR) & 0x20))
			;
		mmio_w8(base + VS_UART_THR, (uint8_t)*s++);
	}
}

/* ---- ending ---- */
void vs_fail(uint64_t code)
{
	vs_printf("vs: FAIL code %lu (0x%lx)\n", (unsigned long)code, (unsigned long)code);
	mmio_w32(VS_FINISHER, VS_FINISHER_FAIL | (uint32_t)((code & 0xffff) << 16));
	for (;;)
		vs_wfi();
}

void vs_shutdown(void)
{
	sbi2(SBI_EXT_SRST, 0, SBI_SRST_SHUTDOWN, SBI_SRST_REASON_NONE);
	vs_printf("vs: SRST shutdown returned\n");
	vs_fail(0xfe);
}

void vs_hart_stop(void)
{
	struct sbiret r = sbi0(SBI_EXT_HSM, SBI_HSM_HART_STOP);
	vs_printf("vs: hart %lu: HART_STOP returned error %ld\n", (unsigned long)vs_hartid(),
		  r.error);
	vs_fail(0xfd);
}

/* ---- checks ---- */
void vs_check_failed(unsigned line, const char *expr, uint64_t got)
{
	vs_failures++;
	if (!vs_first_failure)
		vs_first_failure = line;
	vs_printf("FAIL line %u: %s (got 0x%lx)\n", line, expr, (unsigned long)got);
}

int vs_result(const char *guest)
{
	vs_printf("%s: %u checks, %u failed\n", guest, vs_checks, vs_failures);
	return vs_failures ? (int)(vs_first_failure ? vs_first_failure : 1) : 0;
}

/* ---- traps ---- */
void vs_trap(uint64_t *frame);
void vs_trap(uint64_t *frame)
{
	(void)frame;
	uint64_t h = vs_hartid();
	if (h >= VS_MAX_HARTS)
		vs_fail(0xbad);
	struct vs_trap_rec *r = &vs_traps[h];
	uint64_t cause = csr_read(scause);
	if (cause & CAUSE_IRQ) {
		r->irqs++;
		r->irq_cause = cause;
		switch (cause & ~CAUSE_IRQ) {
		case IRQ_S_SOFT:
			csr_clear(sip, SIP_SSIP);
			r->ssi++;
			break;
		case IRQ_S_TIMER:
			r->sti_time = vs_rdtime();
			csr_clear(sie, SIE_STIE);
			r->sti++;
			break;
		case IRQ_S_EXT:
			csr_clear(sie, SIE_SEIE);
			r->sei++;
			break;
		default:
			vs_printf("vs: hart %lu: unexpected interrupt scause=0x%lx\n",
				  (unsigned long)h, (unsigned long)cause);
			vs_fail(0xef);
		}
		return;
	}
	uint64_t epc = csr_read(sepc), tval = csr_read(stval);
	if (!r->armed) {
		vs_printf("vs: hart %lu: unexpected trap scause=0x%lx sepc=0x%lx stval=0x%lx\n",
			  (unsigned long)h, (unsigned long)cause, (unsigned long)epc,
			  (unsigned long)tval);
		vs_fail(0xee);
	}
	r->armed = 0;
	r->count++;
	r->cause = cause;
	r->tval = tval;
	r->epc = epc;
	if (r->resume) {
		/* a resume address is S-mode code of the test (ecall from U comes back here) */
		csr_write(sepc, r->resume);
		csr_set(sstatus, BIT(8)); /* SPP = S */
		r->resume = 0;
	} else {
		uint16_t lo = *(volatile uint16_t *)epc;
		csr_write(sepc, epc + ((lo & 3) == 3 ? 4 : 2));
	}
}

__attribute__((weak)) void vs_secondary_main(uint64_t hartid, uint64_t opaque)
{
	(void)hartid;
	(void)opaque;
}
