/* A small framework for AArch64 EL1 guests: the machine, system registers, PSCI/SMCCC calls,
 * a PL011 console, trap records and self-checks. The guests are the AArch64 counterparts of
 * tests/guests/rv/vs/ (vs.h).
 *
 * Two machines run them:
 *  - trapscope's AArch64 virt machine (the default build): RAM at IPA 0x40000000, a PL011 at
 *    0x09000000, nothing else; the guest enters at its ELF entry in EL1h with x0 = 0, the MMU
 *    off and DAIF masked, below a KVM-like hypervisor at EL2. The guests assume (and their
 *    expected exits are worked out for) src/hv/hv_a64.h's
 *        HCR_EL2 = RW | TACR | TSC | TID3 | TWI | BSU(IS) | FB | AMO | IMO | FMO | SWIO | VM
 *                = 0x802c263b,
 *    plus VI (bit 7) while a virtual IRQ is pending. The guests depend on VM, IMO/FMO/AMO,
 *    TWI (WFI exits), TID3 (ID register reads exit), TSC (SMC exits) being set and on TGE,
 *    TVM, TTLB, TPU, TPC, TIDCP, TID1, TID2 and TWE being clear (SWIO, FB, BSU and TACR change
 *    nothing they do: no set/way operation, no ACTLR_EL1 access); CPTR_EL2.TFP = 0, MDCR_EL2
 *    traps nothing they use, VMPIDR_EL2 = vCPU number (Aff0), entry PSTATE = EL1h with DAIF
 *    masked (SPSR 0x3c5). There is no interrupt controller: the virtual timer and
 *    IPIs reach a vCPU as HCR_EL2.VI only, so the guests never touch a GIC there, never read
 *    ICC_IAR1_EL1, and leave an interrupt handler with PSTATE.I set (a level that only the
 *    hypervisor can lower must not storm).
 *  - QEMU as an oracle for the guests' own logic (-DTS_ORACLE_QEMU, A64_QEMU = 1):
 *    qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a57 -kernel guest.elf runs the
 *    guest at EL1 with no EL2 or EL3: PSCI is QEMU's own over HVC, SMC and any other HVC are
 *    UNDEFINED, unassigned addresses abort, interrupts need the GICv3 (a64_gic_init), and a
 *    failure ends QEMU through semihosting (-semihosting-config enable=on) with a non-zero
 *    status. Everything that differs is guarded by A64_QEMU and said where it differs.
 *
 * Conventions (as in vs.h):
 *  - TPIDR_EL1 holds the vCPU number (MPIDR_EL1.Aff0), set by start.S; per-CPU state is
 *    indexed by it;
 *  - a64_expect() arms the vectors for one synchronous exception on this CPU (a64_expect_n
 *    for several); the vector records ESR_EL1/ELR_EL1/FAR_EL1/SPSR_EL1 and resumes after the
 *    faulting instruction (ELR + 4; after an SVC, whose ELR already points past it, at ELR),
 *    or at a64_expect_at's address (in EL1h), or at the interrupted x30 (a64_expect_lr: for
 *    instruction aborts after a BLR). An exception that nobody expected fails the run with
 *    code 0xee;
 *  - an IRQ is recorded and silenced: the virtual timer gets CNTV_CTL_EL0.IMASK, QEMU's GIC
 *    gets its IAR read and EOI; the handler returns with PSTATE.I set (one-shot);
 *  - A64_CHECK(cond) prints each failed check and remembers the first one's line; main
 *    returns a64_result(), which start.S turns into PSCI SYSTEM_OFF (0) or a64_fail(line).
 */
#ifndef TRAPSCOPE_A64_H
#define TRAPSCOPE_A64_H

#ifdef TS_ORACLE_QEMU
#define A64_QEMU 1
#else
#define A64_QEMU 0
#endif

/* ---- machine (virt) ---- */
#define A64_MAX_CPUS	 8
#define A64_STACK_SIZE	 0x4000
#define A64_RAM_BASE	 0x40000000
#define A64_RAM_SIZE	 0x08000000 /* 128 MiB: QEMU -m 128M, trapscope's default */
#define A64_UART_BASE	 0x09000000
#define A64_UART_DR	 0x000
#define A64_UART_FR	 0x018
#define A64_UART_IBRD	 0x024
#define A64_UART_CR	 0x030
#define A64_UART_ID	 0xfe0 /* PeriphID0-3, CellID0-3: 11 10 14 00 0d f0 05 b1 */
#define A64_UART_FR_TXFF 0x20
#define A64_UART_FR_IDLE 0x90 /* TXFE | RXFE: nothing queued, no input */
/* No RAM, no device on either machine (QEMU virt's hole between the virtio-mmio transports at
 * 0x0a000000 and the platform bus at 0x0c000000): under trapscope reads return 0 and writes
 * are dropped; under QEMU an access is a synchronous external abort. */
#define A64_UNASSIGNED 0x0b000000
/* a64_fail (trapscope build) jumps here: an instruction abort on an IPA that no hypervisor
 * can resolve, which stops the run with a non-zero status and names the IPA. */
#define A64_FAIL_IPA 0x0bad0000

/* QEMU's GICv3 (virt, gic-version=3); only the A64_QEMU builds touch it. */
#define A64_GICD_BASE	  0x08000000
#define A64_GICR_BASE	  0x080a0000
#define A64_GICR_STRIDE	  0x20000
#define A64_INTID_VTIMER  27 /* PPI 11: the EL1 virtual timer */
#define A64_INTID_SGI_IPI 1  /* the SGI sysreg.c sends through ICC_SGI1R_EL1 */

/* ---- PSTATE / SPSR ---- */
#define A64_SPSR_EL0T 0x0
#define A64_SPSR_EL1H 0x5
#define A64_DAIF_MASK 0x3c0
#define A64_PSTATE_I  0x80

/* ---- vector kinds: the offset in VBAR_EL1 / 0x80 ---- */
#define A64_KIND_CUR_SP0_SYNC 0
#define A64_KIND_CUR_SPX_SYNC 4
#define A64_KIND_CUR_SPX_IRQ  5
#define A64_KIND_LOWER_SYNC   8
#define A64_KIND_LOWER_IRQ    9

/* ---- exception classes (ESR_ELx.EC) ---- */
#define A64_EC_UNKNOWN	0x00
#define A64_EC_WFX	0x01
#define A64_EC_FP	0x07
#define A64_EC_SVC64	0x15
#define A64_EC_HVC64	0x16
#define A64_EC_SMC64	0x17
#define A64_EC_SYS64	0x18
#define A64_EC_IABT_LOW 0x20
#define A64_EC_IABT_CUR 0x21
#define A64_EC_PC_ALIGN 0x22
#define A64_EC_DABT_LOW 0x24
#define A64_EC_DABT_CUR 0x25
#define A64_EC_BRK64	0x3c
#define A64_ESR_IL	0x02000000

/* ---- PSCI 1.1 / SMCCC 1.1 function ids and results ---- */
#define PSCI_VERSION		0x84000000
#define PSCI_CPU_SUSPEND	0xc4000001
#define PSCI_CPU_OFF		0x84000002
#define PSCI_CPU_ON		0xc4000003
#define PSCI_AFFINITY_INFO	0xc4000004
#define PSCI_MIGRATE		0xc4000005
#define PSCI_MIGRATE_INFO_TYPE	0x84000006
#define PSCI_SYSTEM_OFF		0x84000008
#define PSCI_SYSTEM_RESET	0x84000009
#define PSCI_FEATURES		0x8400000a
#define PSCI_SYSTEM_SUSPEND	0xc400000e
#define PSCI_UNKNOWN_FN		0x8400001f /* in the PSCI range, assigned to nothing */
#define SMCCC_VERSION		0x80000000
#define SMCCC_ARCH_FEATURES	0x80000001
#define SMCCC_ARCH_WORKAROUND_1 0x80008000
#define SMCCC_ARCH_UNKNOWN	0x80001234 /* Arm Architecture Service range, unassigned */

#define PSCI_SUCCESS		0
#define PSCI_NOT_SUPPORTED	(-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_DENIED		(-3)
#define PSCI_ALREADY_ON		(-4)
#define PSCI_ON_PENDING		(-5)
#define PSCI_AFF_ON		0
#define PSCI_AFF_OFF		1
#define PSCI_AFF_ON_PENDING	2

/* ---- the trap record (offsets for the assembly guests) ---- */
#define A64_REC_COUNT	   0x00
#define A64_REC_ARMED	   0x08
#define A64_REC_IRQS	   0x20
#define A64_REC_TIMER_IRQS 0x38
#define A64_REC_SIZE	   0x200
#define A64_HIST	   8

/* fields of a64_last() / a64_nth() */
#define A64_F_ESR  0
#define A64_F_ELR  1
#define A64_F_FAR  2
#define A64_F_SPSR 3
#define A64_F_KIND 4

#ifndef __ASSEMBLER__
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- system registers ---- */
#define A64_STR2(x) #x
#define A64_STR(x)  A64_STR2(x)
#define read_sysreg(r)                                                                             \
	({                                                                                         \
		uint64_t v_;                                                                       \
		__asm__ volatile("mrs %0, " A64_STR(r) : "=r"(v_)::"memory");                      \
		v_;                                                                                \
	})
#define write_sysreg(r, v)                                                                         \
	__asm__ volatile("msr " A64_STR(r) ", %0" ::"r"((uint64_t)(v)) : "memory")
static inline void isb(void)
{
	__asm__ volatile("isb" ::: "memory");
}
static inline void dsb_sy(void)
{
	__asm__ volatile("dsb sy" ::: "memory");
}
static inline void irq_mask(void)
{
	__asm__ volatile("msr daifset, #2" ::: "memory");
}
static inline void irq_unmask(void)
{
	__asm__ volatile("msr daifclr, #2" ::: "memory");
}
static inline void a64_wfi(void)
{
	__asm__ volatile("wfi" ::: "memory");
}

#define BIT(n)		 (UINT64_C(1) << (n))
#define CNTV_CTL_ENABLE	 BIT(0)
#define CNTV_CTL_IMASK	 BIT(1)
#define CNTV_CTL_ISTATUS BIT(2)
#define ISR_EL1_I	 BIT(7)
#define ESR_EC(esr)	 (((esr) >> 26) & 0x3f)

static inline uint64_t a64_cpu(void)
{
	return read_sysreg(tpidr_el1);
}
static inline uint64_t a64_cntvct(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}
/* Bounded waits: two seconds of the virtual counter (CNTFRQ_EL0 ticks per second; 10^8
 * ticks when the machine leaves CNTFRQ_EL0 at 0). */
uint64_t a64_wait_ticks(void);
/* A short timer delta: 1 ms of the counter, at least 1000 ticks. */
uint64_t a64_timer_delta(void);

static inline void mmio_w8(uint64_t a, uint8_t v)
{
	*(volatile uint8_t *)a = v;
}
static inline void mmio_w32(uint64_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}
static inline uint32_t mmio_r32(uint64_t a)
{
	return *(volatile uint32_t *)a;
}

/* ---- PSCI / SMCCC: x0 = function id, x1..x3 arguments; returns x0 (start.S) ---- */
uint64_t a64_hvc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
uint64_t a64_smc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
extern char a64_hvc_insn[], a64_smc_insn[]; /* the HVC #0 and SMC #0 of those two */

/* ---- console (PL011 at 0x09000000; each byte: FR read until TXFF clear, then DR) ---- */
void a64_putc(char c); /* start.S: a64_uart_fr_read, a64_uart_dr_write are its accesses */
void a64_putc_at(char c, uint64_t base); /* the same through another address of the PL011 */
void a64_puts(const char *s);
/* %s %c %d %u %x (with l/ll; x prints 0x-less hex), %p; formatted first, then written. */
void a64_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same console through another address of the PL011 (a stage-1 alias). */
void a64_uart_puts_at(uint64_t base, const char *s);

/* ---- ending a run ---- */
void a64_poweroff(void) __attribute__((noreturn));	/* PSCI SYSTEM_OFF over HVC */
void a64_fail(uint64_t code) __attribute__((noreturn)); /* console, then see above */
void a64_cpu_off(void) __attribute__((noreturn));	/* PSCI CPU_OFF over HVC */

/* ---- checks ---- */
extern volatile unsigned a64_checks, a64_failures;
extern volatile uint64_t a64_first_failure;
void a64_check_failed(unsigned line, const char *expr, uint64_t got);
#define A64_CHECK(cond)                                                                            \
	do {                                                                                       \
		a64_checks++;                                                                      \
		if (!(cond))                                                                       \
			a64_check_failed(__LINE__, #cond, 0);                                      \
	} while (0)
#define A64_CHECK_EQ(a, b)                                                                         \
	do {                                                                                       \
		uint64_t got_ = (uint64_t)(a);                                                     \
		a64_checks++;                                                                      \
		if (got_ != (uint64_t)(b))                                                         \
			a64_check_failed(__LINE__, #a " == " #b, got_);                            \
	} while (0)
/* Prints "<guest>: N checks, M failed"; 0 when every check passed, else the first line. */
int a64_result(const char *guest);

/* ---- traps ---- */
struct a64_frame {
	uint64_t x[31];
	uint64_t sp; /* SP_EL1 before the exception */
	uint64_t elr, spsr, esr, far;
};

struct a64_trap_ev {
	uint64_t esr, elr, far, spsr, kind, pad;
};

struct a64_trap_rec {
	volatile uint64_t count;	   /* 0x00 synchronous exceptions recorded */
	volatile uint64_t armed;	   /* 0x08 how many more are expected */
	volatile uint64_t resume;	   /* 0x10 where the last expected one resumes, 0 = after */
	volatile uint64_t resume_lr;	   /* 0x18 1 = resume at the interrupted x30 */
	volatile uint64_t irqs;		   /* 0x20 IRQs taken */
	volatile uint64_t irq_elr;	   /* 0x28 where the last one interrupted */
	volatile uint64_t irq_intid;	   /* 0x30 QEMU: the GIC's INTID; trapscope: 1023 */
	volatile uint64_t timer_irqs;	   /* 0x38 of which the virtual timer */
	volatile uint64_t irq_cntvct;	   /* 0x40 CNTVCT_EL0 in the handler */
	volatile uint64_t irq_kind;	   /* 0x48 vector kind (5: current EL, 9: from EL0) */
	volatile uint64_t other_irqs;	   /* 0x50 IRQs with no known source */
	uint64_t pad[5];		   /* 0x58 */
	struct a64_trap_ev hist[A64_HIST]; /* 0x80: event n at hist[n % A64_HIST] */
};
_Static_assert(sizeof(struct a64_trap_rec) == A64_REC_SIZE, "record layout");
extern struct a64_trap_rec a64_traps[A64_MAX_CPUS];

static inline struct a64_trap_rec *a64_me(void)
{
	return &a64_traps[a64_cpu()];
}
static inline void a64_expect_n(uint64_t n)
{
	a64_me()->armed = n;
}
static inline void a64_expect(void)
{
	a64_expect_n(1);
}
static inline void a64_expect_at(uint64_t resume)
{
	a64_me()->resume = resume;
	a64_expect_n(1);
}
static inline void a64_expect_lr(void)
{
	a64_me()->resume_lr = 1;
	a64_expect_n(1);
}
/* The last synchronous exception on this CPU (field A64_F_*), or the n-th (from 0). */
uint64_t a64_last(unsigned field);
uint64_t a64_nth(uint64_t n, unsigned field);

/* ---- SMP ---- */
extern volatile uint64_t a64_boot_cpu;
/* Each CPU's state as it entered _start / a64_secondary_start (start.S). */
struct a64_entry {
	uint64_t x0, daif, currentel, sctlr, spsel, pad[3];
};
extern volatile struct a64_entry a64_entry_state[A64_MAX_CPUS];
void a64_secondary_start(void); /* the CPU_ON entry (start.S): x0 = context id */
void a64_secondary_main(uint64_t cpu, uint64_t context);

/* ---- QEMU's GICv3 (A64_QEMU builds only) ---- */
/* Distributor (first call), this CPU's redistributor and CPU interface: every SGI/PPI in
 * Group 1 at priority 0x80, the ones in ppi_sgi_mask enabled, PMR 0xff, Group 1 enabled. */
void a64_gic_init(uint32_t ppi_sgi_mask);

int main(uint64_t cpu);

#endif /* __ASSEMBLER__ */
#endif
