/* A small framework for VS-mode guests: SBI calls (SBI spec v2.0), a console, trap records and
 * self-checks. The guest is an S-mode kernel: under trapscope --machine virt it runs in VS-mode
 * below trapscope's hypervisor; under QEMU -bios default it runs in S-mode below OpenSBI.
 *
 * Conventions:
 *  - tp holds the hart id (crt.S), used to index per-hart state;
 *  - vs_expect() arms the trap vector for one synchronous exception on this hart: it records
 *    scause/stval/sepc and resumes after the faulting instruction (or at vs_traps[h].resume if
 *    set); an exception that nobody expected fails the run through the finisher (code 0xee);
 *  - an interrupt is recorded and its source silenced: timer -> sie.STIE cleared, software ->
 *    sip.SSIP cleared, external -> sie.SEIE cleared;
 *  - VS_CHECK(cond) prints each failed check and remembers the first one's line number; main
 *    returns vs_result(), which crt.S turns into SRST shutdown (0) or finisher fail (line).
 */
#ifndef TRAPSCOPE_VS_H
#define TRAPSCOPE_VS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VS_MAX_HARTS 8

#ifdef TS_ORACLE_QEMU
#define VS_QEMU 1 /* S-mode below QEMU 7.2's OpenSBI: relax exactly what differs, and say so */
#else
#define VS_QEMU 0
#endif

/* ---- machine (virt) ---- */
#define VS_RAM_BASE	  UINT64_C(0x80000000)
#define VS_UART_BASE	  UINT64_C(0x10000000)
#define VS_UART_THR	  0
#define VS_UART_LSR	  5
#define VS_UART_SCR	  7
#define VS_FINISHER	  UINT64_C(0x100000)
#define VS_FINISHER_PASS  0x5555u
#define VS_FINISHER_FAIL  0x3333u
#define VS_FINISHER_RESET 0x7777u
#define VS_UNASSIGNED	  UINT64_C(0x20000000) /* no device, no RAM: reads 0, writes dropped */

/* ---- CSRs ---- */
#define VS_STR2(x) #x
#define VS_STR(x)  VS_STR2(x)
#define csr_read(csr)                                                                              \
	({                                                                                         \
		uint64_t v_;                                                                       \
		__asm__ volatile("csrr %0, " VS_STR(csr) : "=r"(v_)::"memory");                    \
		v_;                                                                                \
	})
#define csr_write(csr, val)                                                                        \
	__asm__ volatile("csrw " VS_STR(csr) ", %0" ::"r"((uint64_t)(val)) : "memory")
#define csr_set(csr, val)                                                                          \
	__asm__ volatile("csrs " VS_STR(csr) ", %0" ::"r"((uint64_t)(val)) : "memory")
#define csr_clear(csr, val)                                                                        \
	__asm__ volatile("csrc " VS_STR(csr) ", %0" ::"r"((uint64_t)(val)) : "memory")

#define BIT(n)	    (UINT64_C(1) << (n))
#define SSTATUS_SIE BIT(1)
#define SIP_SSIP    BIT(1)
#define SIP_STIP    BIT(5)
#define SIP_SEIP    BIT(9)
#define SIE_SSIE    BIT(1)
#define SIE_STIE    BIT(5)
#define SIE_SEIE    BIT(9)
#define CAUSE_IRQ   BIT(63)

enum {
	EXC_INSN_MISALIGNED = 0,
	EXC_ILLEGAL = 2,
	EXC_BREAKPOINT = 3,
	EXC_INSN_PAGE = 12,
	EXC_LOAD_PAGE = 13,
	EXC_STORE_PAGE = 15,
};
enum { IRQ_S_SOFT = 1, IRQ_S_TIMER = 5, IRQ_S_EXT = 9 };

static inline uint64_t vs_hartid(void)
{
	uint64_t h;
	__asm__ volatile("mv %0, tp" : "=r"(h));
	return h;
}

static inline uint64_t vs_rdtime(void)
{
	uint64_t t;
	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

/* Waits are bounded by time: rdtime counts retired instructions under trapscope and runs at
 * 10 MHz on QEMU, so the bound is 50 M instructions or 5 s. */
#define VS_WAIT_TICKS UINT64_C(50000000)

/* Polls sip until bit is pending (or the bound runs out); returns whether it was seen. */
static inline bool vs_wait_sip(uint64_t bit)
{
	uint64_t end;
	__asm__ volatile("rdtime %0" : "=r"(end));
	end += VS_WAIT_TICKS;
	for (;;) {
		uint64_t sip, now;
		__asm__ volatile("csrr %0, sip" : "=r"(sip)::"memory");
		if (sip & bit)
			return true;
		__asm__ volatile("rdtime %0" : "=r"(now));
		if (now >= end)
			return false;
	}
}

static inline void vs_wfi(void)
{
	__asm__ volatile("wfi" ::: "memory");
}

static inline void mmio_w32(uint64_t addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
}
static inline void mmio_w8(uint64_t addr, uint8_t v)
{
	*(volatile uint8_t *)addr = v;
}
static inline uint8_t mmio_r8(uint64_t addr)
{
	return *(volatile uint8_t *)addr;
}

/* ---- SBI (spec v2.0) ---- */
#define SBI_EXT_BASE   0x10
#define SBI_EXT_TIME   0x54494D45
#define SBI_EXT_IPI    0x735049
#define SBI_EXT_RFENCE 0x52464E43
#define SBI_EXT_HSM    0x48534D
#define SBI_EXT_SRST   0x53525354
#define SBI_EXT_DBCN   0x4442434E
#define SBI_EXT_HVC    0x485643 /* trapscope's (and ArceOS's) hypercall extension */

/* legacy v0.1 extensions: the EID is the function */
#define SBI_LEGACY_SET_TIMER	      0x00
#define SBI_LEGACY_PUTCHAR	      0x01
#define SBI_LEGACY_GETCHAR	      0x02
#define SBI_LEGACY_CLEAR_IPI	      0x03
#define SBI_LEGACY_SEND_IPI	      0x04
#define SBI_LEGACY_REMOTE_FENCE_I     0x05
#define SBI_LEGACY_REMOTE_SFENCE_VMA  0x06
#define SBI_LEGACY_REMOTE_SFENCE_ASID 0x07
#define SBI_LEGACY_SHUTDOWN	      0x08

enum {
	SBI_BASE_GET_SPEC_VERSION = 0,
	SBI_BASE_GET_IMPL_ID = 1,
	SBI_BASE_GET_IMPL_VERSION = 2,
	SBI_BASE_PROBE_EXTENSION = 3,
	SBI_BASE_GET_MVENDORID = 4,
	SBI_BASE_GET_MARCHID = 5,
	SBI_BASE_GET_MIMPID = 6,
};
enum {
	SBI_HSM_HART_START = 0,
	SBI_HSM_HART_STOP = 1,
	SBI_HSM_HART_GET_STATUS = 2,
	SBI_HSM_HART_SUSPEND = 3
};
enum {
	SBI_HSM_STARTED = 0,
	SBI_HSM_STOPPED = 1,
	SBI_HSM_START_PENDING = 2,
	SBI_HSM_STOP_PENDING = 3,
	SBI_HSM_SUSPENDED = 4,
	SBI_HSM_SUSPEND_PENDING = 5,
	SBI_HSM_RESUME_PENDING = 6
};
enum { SBI_DBCN_WRITE = 0, SBI_DBCN_READ = 1, SBI_DBCN_WRITE_BYTE = 2 };
enum { SBI_SRST_SHUTDOWN = 0, SBI_SRST_COLD_REBOOT = 1, SBI_SRST_WARM_REBOOT = 2 };
enum { SBI_SRST_REASON_NONE = 0, SBI_SRST_REASON_FAILURE = 1 };

#define SBI_SUCCESS		  0
#define SBI_ERR_FAILED		  -1
#define SBI_ERR_NOT_SUPPORTED	  -2
#define SBI_ERR_INVALID_PARAM	  -3
#define SBI_ERR_DENIED		  -4
#define SBI_ERR_INVALID_ADDRESS	  -5
#define SBI_ERR_ALREADY_AVAILABLE -6
#define SBI_ERR_ALREADY_STARTED	  -7
#define SBI_ERR_ALREADY_STOPPED	  -8

struct sbiret {
	long error;
	long value;
};

static inline struct sbiret sbi_call(unsigned long eid, unsigned long fid, unsigned long a0,
				     unsigned long a1, unsigned long a2, unsigned long a3,
				     unsigned long a4, unsigned long a5)
{
	register unsigned long r0 __asm__("a0") = a0;
	register unsigned long r1 __asm__("a1") = a1;
	register unsigned long r2 __asm__("a2") = a2;
	register unsigned long r3 __asm__("a3") = a3;
	register unsigned long r4 __asm__("a4") = a4;
	register unsigned long r5 __asm__("a5") = a5;
	register unsigned long r6 __asm__("a6") = fid;
	register unsigned long r7 __asm__("a7") = eid;
	__asm__ volatile("ecall"
			 : "+r"(r0), "+r"(r1)
			 : "r"(r2), "r"(r3), "r"(r4), "r"(r5), "r"(r6), "r"(r7)
			 : "memory");
	return (struct sbiret){(long)r0, (long)r1};
}
#define sbi0(e, f)	       sbi_call(e, f, 0, 0, 0, 0, 0, 0)
#define sbi1(e, f, a)	       sbi_call(e, f, a, 0, 0, 0, 0, 0)
#define sbi2(e, f, a, b)       sbi_call(e, f, a, b, 0, 0, 0, 0)
#define sbi3(e, f, a, b, c)    sbi_call(e, f, a, b, c, 0, 0, 0)
#define sbi4(e, f, a, b, c, d) sbi_call(e, f, a, b, c, d, 0, 0)

/* A legacy (v0.1) call: EID in a7, a6 unused; returns a0. */
static inline long sbi_legacy(unsigned long eid, unsigned long a0, unsigned long a1,
			      unsigned long a2, unsigned long a3)
{
	register unsigned long r0 __asm__("a0") = a0;
	register unsigned long r1 __asm__("a1") = a1;
	register unsigned long r2 __asm__("a2") = a2;
	register unsigned long r3 __asm__("a3") = a3;
	register unsigned long r7 __asm__("a7") = eid;
	__asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r3), "r"(r7) : "memory");
	return (long)r0;
}

/* ---- console ---- */
/* Probes DBCN once; prints through DBCN write when present, else legacy putchar. */
void vs_console_init(void);
bool vs_have_dbcn(void);
void vs_puts(const char *s);
/* %s %c %d %u %x (with optional l/ll, 'x' prints 0x-less hex), %p; one SBI write per call. */
void vs_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* UART output at base (a GPA, or a VA mapped onto the UART), polling LSR.THRE. */
void vs_uart_puts(uint64_t base, const char *s);

/* ---- ending a run ---- */
void vs_shutdown(void) __attribute__((noreturn));      /* SRST shutdown, reason none */
void vs_fail(uint64_t code) __attribute__((noreturn)); /* finisher 0x3333 | code << 16 */
void vs_hart_stop(void) __attribute__((noreturn));     /* HSM HART_STOP */

/* ---- checks ---- */
extern volatile unsigned vs_checks, vs_failures;
extern volatile uint64_t vs_first_failure;
void vs_check_failed(unsigned line, const char *expr, uint64_t got);
#define VS_CHECK(cond)                                                                             \
	do {                                                                                       \
		vs_checks++;                                                                       \
		if (!(cond))                                                                       \
			vs_check_failed(__LINE__, #cond, 0);                                       \
	} while (0)
/* Checks a == b and prints the value it got. */
#define VS_CHECK_EQ(a, b)                                                                          \
	do {                                                                                       \
		uint64_t got_ = (uint64_t)(a);                                                     \
		vs_checks++;                                                                       \
		if (got_ != (uint64_t)(b))                                                         \
			vs_check_failed(__LINE__, #a " == " #b, got_);                             \
	} while (0)
/* Prints the summary line; 0 when every check passed, else the first failing line. */
int vs_result(const char *guest);

/* ---- traps ---- */
struct vs_trap_rec {
	volatile uint64_t count;	    /* synchronous exceptions recorded */
	volatile uint64_t cause, tval, epc; /* the last one */
	volatile uint64_t armed;	    /* 1 = the next exception is expected */
	volatile uint64_t resume;	    /* 0 = after the faulting instruction */
	volatile uint64_t irqs;		    /* interrupts recorded */
	volatile uint64_t irq_cause;	    /* the last one */
	volatile uint64_t ssi, sti, sei;    /* per source */
	volatile uint64_t sti_time;	    /* rdtime when the last timer interrupt was taken */
	uint64_t pad[4];
};
extern struct vs_trap_rec vs_traps[VS_MAX_HARTS];
static inline struct vs_trap_rec *vs_me(void)
{
	return &vs_traps[vs_hartid()];
}
static inline void vs_expect(void)
{
	vs_me()->armed = 1;
}
static inline void vs_expect_at(uint64_t resume)
{
	vs_me()->resume = resume;
	vs_me()->armed = 1;
}

/* ---- SMP ---- */
extern volatile uint64_t vs_boot_hart;
void vs_lock(volatile uint32_t *l);
void vs_unlock(volatile uint32_t *l);
/* Entry for harts started with HSM HART_START (crt.S); calls vs_secondary_main. */
void vs_secondary_start(void);
void vs_secondary_main(uint64_t hartid, uint64_t opaque);

int main(uint64_t hartid);

#endif
