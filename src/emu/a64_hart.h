/* The AArch64 hart: the A64 base integer ISA (Armv8.0-A with FEAT_LSE and LDAPR) at EL0 and
 * EL1 under a hypervisor model at EL2.
 *
 * The hart never runs EL2 code: an exception the architecture routes to EL2 (HVC, a trapped SMC,
 * WFI/WFE, MSR/MRS or SYS, a stage-2 abort, a physical IRQ/FIQ with HCR_EL2.IMO/FMO) latches
 * ESR_EL2, FAR_EL2, HPFAR_EL2, ELR_EL2 and SPSR_EL2 exactly as hardware does, puts the hart at
 * EL2h with DAIF masked, and stops with A64_STOP_EXIT. The native hypervisor then handles it
 * and resumes the guest with a64_eret.
 *
 * Speed comes from the same three caches as the RISC-V hart's (rv_hart.h): decoded
 * instructions per physical RAM page, soft TLBs per access type tagged with the Exception level
 * so that exceptions and ERET never flush, and time as retired instructions so interrupts and
 * the budget are looked at per block. Dispatch is a computed goto over the decoded records,
 * with 32-bit variants and loads/stores split by addressing mode and size so that a handler
 * does not test them. The debugger's single step runs the same handlers through a second
 * instantiation of the loop.
 *
 * Register file: x[0..30] are X0..X30, x[31] is the zero register (always 0), x[32] is the
 * current SP (SP_EL0 or SP_ELx by PSTATE.SPSel; the others wait in sp_el[]), x[33] swallows
 * writes to the zero register. Decoded records name 31, 32 or 33 accordingly, so no handler
 * tests for register 31.
 *
 * Interrupts, for the machine (its interrupt controller):
 *  - irq_line / fiq_line are the physical IRQ and FIQ inputs (levels). With HCR_EL2.IMO/FMO
 *    set they are taken to EL2 from EL0/EL1 whatever PSTATE.I/F say (an A64_STOP_EXIT with
 *    last_trap.type A64_EXC_IRQ/FIQ); otherwise to EL1 when PSTATE.I/F allow.
 *  - HCR_EL2.VI / VF (with IMO / FMO) are the virtual IRQ and FIQ: taken at EL1 or EL0 when
 *    PSTATE.I / F is clear. The hypervisor sets and clears them (a64_sysreg_poke).
 *  - The generic timers count CNTPCT = a64_time(h) (retired instructions plus skipped idle
 *    time); CNTVCT = CNTPCT - CNTVOFF_EL2. a64_timer_ppis(h) says which timer interrupts are
 *    asserted (A64_PPI_VTIMER = INTID 27, A64_PPI_PTIMER = INTID 30): the machine routes them
 *    to irq_line or to a virtual interrupt. With timer_irq_wired set the hart does that itself
 *    (irq_line follows the timers), for machines without an interrupt controller.
 *  - without timer_irq_wired a run stops (A64_STOP_TIMER) when a timer deadline passes, so
 *    the machine can look at the PPIs in time.
 */
#ifndef TRAPSCOPE_A64_HART_H
#define TRAPSCOPE_A64_HART_H

#include "decode/a64_insn.h"
#include "emu/a64_mmu.h"
#include "emu/bus.h"

enum { A64_EL0 = 0, A64_EL1 = 1, A64_EL2 = 2 };

enum { A64_XZR = 31, A64_XSP = 32, A64_XSINK = 33, A64_NREGS = 34 };

/* PSTATE.NZCV as a 4-bit value (N = 8, Z = 4, C = 2, V = 1), and PSTATE.DAIF (D = 8, A = 4,
 * I = 2, F = 1): the positions they take in NZCV[31:28] and DAIF[9:6] shifted down. */
enum { A64_N = 8, A64_Z = 4, A64_C = 2, A64_V = 1 };
enum { A64_DAIF_D = 8, A64_DAIF_A = 4, A64_DAIF_I = 2, A64_DAIF_F = 1 };

/* Exception types: the vector offset within a group is type * 0x80. */
enum { A64_EXC_SYNC = 0, A64_EXC_IRQ = 1, A64_EXC_FIQ = 2, A64_EXC_SERROR = 3 };

/* The timer PPIs (GIC INTIDs) and their bits in a64_timer_ppis. */
#define A64_PPI_VTIMER 27
#define A64_PPI_PTIMER 30

/* HCR_EL2 bits the hart looks at. */
#define A64_HCR_VM   (UINT64_C(1) << 0)
#define A64_HCR_FMO  (UINT64_C(1) << 3)
#define A64_HCR_IMO  (UINT64_C(1) << 4)
#define A64_HCR_VF   (UINT64_C(1) << 6)
#define A64_HCR_VI   (UINT64_C(1) << 7)
#define A64_HCR_DC   (UINT64_C(1) << 12)
#define A64_HCR_TWI  (UINT64_C(1) << 13)
#define A64_HCR_TWE  (UINT64_C(1) << 14)
#define A64_HCR_TID1 (UINT64_C(1) << 16)
#define A64_HCR_TID2 (UINT64_C(1) << 17)
#define A64_HCR_TID3 (UINT64_C(1) << 18)
#define A64_HCR_TSC  (UINT64_C(1) << 19)
#define A64_HCR_TACR (UINT64_C(1) << 21)
#define A64_HCR_TSW  (UINT64_C(1) << 22)
#define A64_HCR_TPC  (UINT64_C(1) << 23)
#define A64_HCR_TPU  (UINT64_C(1) << 24)
#define A64_HCR_TTLB (UINT64_C(1) << 25)
#define A64_HCR_TVM  (UINT64_C(1) << 26)
#define A64_HCR_TDZ  (UINT64_C(1) << 28)
#define A64_HCR_HCD  (UINT64_C(1) << 29)
#define A64_HCR_TRVM (UINT64_C(1) << 30)

/* SCTLR_EL1 bits the hart looks at. */
#define A64_SCTLR_A    (UINT64_C(1) << 1)
#define A64_SCTLR_SA   (UINT64_C(1) << 3)
#define A64_SCTLR_SA0  (UINT64_C(1) << 4)
#define A64_SCTLR_UMA  (UINT64_C(1) << 9)
#define A64_SCTLR_DZE  (UINT64_C(1) << 14)
#define A64_SCTLR_UCT  (UINT64_C(1) << 15)
#define A64_SCTLR_NTWI (UINT64_C(1) << 16)
#define A64_SCTLR_NTWE (UINT64_C(1) << 18)
#define A64_SCTLR_UCI  (UINT64_C(1) << 26)

/* SCTLR_EL1 at reset: the RES1 bits of Armv8.0 (29, 28, 23, 22, 20, 11), EL0 WFI/WFE not
 * trapped, everything else off (MMU, alignment and SP alignment checks). */
#define A64_SCTLR_EL1_RESET UINT64_C(0x30d50800)

typedef enum a64_stop {
	A64_STOP_BUDGET,   /* ran the instructions it was given, or reached a timer deadline */
	A64_STOP_WFI,	   /* waiting for an interrupt no timer will raise */
	A64_STOP_MACHINE,  /* a device asked to stop: bus->stop says why */
	A64_STOP_EXIT,	   /* an exception to EL2 was latched: h->last_trap; the hart is at EL2 */
	A64_STOP_STEP,	   /* a64_step executed one instruction or took one exception */
	A64_STOP_EL1_TRAP, /* an exception into EL1 was taken and el1_trap_stop is set */
	A64_STOP_TIMER,	   /* a timer condition became true and timer_irq_wired is clear: the
			    * machine looks at a64_timer_ppis */
} a64_stop;

/* An exception as the hart took it (for traces, the REPL and the exit handler). */
typedef struct a64_trap {
	uint8_t type; /* A64_EXC_* */
	uint8_t from_el, to_el;
	bool far_valid;	 /* FAR_ELx was written */
	uint64_t esr;	 /* ESR_ELx (0 for interrupts, which leave ESR alone) */
	uint64_t far;	 /* FAR_ELx, when far_valid */
	uint64_t hpfar;	 /* HPFAR_EL2 for stage-2 aborts taken to EL2, else 0 */
	uint64_t elr;	 /* the preferred return address */
	uint64_t spsr;	 /* PSTATE before the exception */
	uint64_t vector; /* the vector's address (VBAR_ELx + offset) */
} a64_trap;

#define A64_TLB_SIZE 256
enum { A64_TLB_FETCH = 0, A64_TLB_LOAD = 1, A64_TLB_STORE = 2 };

/* tag = virtual page | (EL + 1) << 3 | alignment bits, as rv_tlb_entry: an access of len bytes
 * hits when (va & (page mask | (len - 1))) | ctx equals the tag. 1 = empty. */
typedef struct a64_tlb_entry {
	uint64_t tag;
	uintptr_t addend; /* host address = addend + virtual address */
} a64_tlb_entry;

#define A64_TLB_EMPTY 1
#define A64_PAGE_MASK (~UINT64_C(0xfff))

/* The decoded-instruction cache of one physical page: a record per word and a sentinel that
 * ends straight-line execution at the page end. */
#define A64_PAGE_SLOTS 1024
typedef struct a64_code_page {
	dec_a64_insn slot[A64_PAGE_SLOTS + 1];
	uint64_t pa; /* the page's physical address */
} a64_code_page;

typedef struct a64_hart {
	/* ---- hot: the dispatch loop's working set ---- */
	uint64_t x[A64_NREGS];
	uint64_t pc;
	uint32_t nzcv;		 /* A64_N | A64_Z | A64_C | A64_V */
	uint64_t icount;	 /* retired instructions */
	uint64_t budget_end;	 /* a64_run stops at the first block boundary with icount >= this */
	uint64_t idle_ticks;	 /* time skipped while waiting in WFI */
	uint64_t timer_deadline; /* icount of the next timer condition, UINT64_MAX for none */
	uint64_t ctx_fetch;	 /* TLB tag bits of the current EL */
	uint64_t ctx_data;
	bool sp_check; /* SP alignment checking is on at the current EL (SCTLR.SA/SA0) */
	a64_tlb_entry tlb[3][A64_TLB_SIZE];
	uint64_t tlb_ppage[3][A64_TLB_SIZE]; /* physical page of each entry, off the hot path */

	/* ---- PSTATE ---- */
	uint8_t el;
	bool spsel; /* SP_ELx (1) or SP_EL0 (0) */
	uint8_t daif;
	uint64_t sp_el[3]; /* SP_EL0, SP_EL1, SP_EL2 while not the current SP */

	/* ---- system registers (a64_sysreg.c has the table) ---- */
	a64_mmu_regs mmu; /* SCTLR_EL1, TCR_EL1, TTBR0/1_EL1, MAIR_EL1, HCR_EL2, VTCR, VTTBR */
	uint64_t actlr_el1, cpacr_el1, amair_el1, vbar_el1, esr_el1, far_el1, elr_el1, spsr_el1;
	uint64_t afsr0_el1, afsr1_el1, contextidr_el1, tpidr_el0, tpidr_el1, tpidrro_el0;
	uint64_t par_el1, cntkctl_el1, csselr_el1, mdscr_el1, osdlr_el1, fpcr, fpsr;
	uint64_t cntfrq, cntv_ctl, cntv_cval, cntp_ctl, cntp_cval;
	uint64_t esr_el2, far_el2, hpfar_el2, elr_el2, spsr_el2, vbar_el2, cptr_el2;
	uint64_t vpidr_el2, vmpidr_el2, cntvoff_el2, cnthctl_el2, sctlr_el2, tpidr_el2;
	/* identification: what EL2 reads; EL1 and EL0 see VPIDR_EL2 / VMPIDR_EL2 */
	uint64_t midr, mpidr, revidr, ctr, dczid, clidr;
	uint64_t id_aa64pfr0, id_aa64isar0, id_aa64isar1, id_aa64mmfr0, id_aa64mmfr1, id_aa64dfr0;

	/* ---- exclusive monitor ---- */
	bool excl_valid;
	uint64_t excl_addr; /* the address a load-exclusive marked */

	/* ---- interrupt inputs and configuration (see the top of this file) ---- */
	bool irq_line, fiq_line;
	bool timer_irq_wired;
	bool el1_trap_stop; /* stop with A64_STOP_EL1_TRAP after exceptions into EL1 */
	bool wfi;	    /* waiting in WFI */

	/* ---- the last exception taken ---- */
	a64_trap last_trap;
	/* the EL2 syndrome registers as they were before the last exception to EL2 latched new
	 * values, so the debugger can show what the hardware changed */
	struct a64_el2_before {
		uint64_t esr, far, hpfar, elr, spsr, pc;
		uint8_t el;
	} el2_before;
	uint64_t sync_counts[64]; /* synchronous exceptions by EC */
	uint64_t irq_counts[4];	  /* by type */

	emu_bus *bus;
	a64_code_page **code; /* per RAM page, NULL until code runs there */
	size_t code_pages;
} a64_hart;

/* Creates a hart on bus at reset: EL1h, DAIF masked, MMU off, pc = reset_pc. mpidr is MPIDR's
 * affinity (bit 31, RES1, is added). */
bool a64_hart_init(a64_hart *h, emu_bus *bus, uint64_t mpidr, uint64_t reset_pc);
void a64_hart_free(a64_hart *h);

/* Runs up to budget instructions (checked per block, so it may run a few more); every exception
 * taken also uses one unit of the budget. */
a64_stop a64_run(a64_hart *h, uint64_t budget);
/* Executes exactly one instruction, or takes one pending interrupt. */
a64_stop a64_step(a64_hart *h);

/* Returns from EL2 (or EL1) as ERET does: PSTATE from SPSR_ELx, pc from ELR_ELx. An illegal
 * return (to a higher EL, AArch32, a reserved mode) takes the Illegal Execution state
 * exception instead, as hardware does, and returns false. The machine calls it to resume a
 * guest after an exit. */
bool a64_eret(a64_hart *h);

/* ---- system registers ---- */

/* What an access to a system register at the current EL does when it is not allowed. */
typedef enum a64_sr_trap {
	A64_SR_NONE,
	A64_SR_TVM,    /* HCR_EL2.TVM traps writes, TRVM reads (EL1 memory-system controls) */
	A64_SR_TID1,   /* HCR_EL2.TID1 (REVIDR_EL1, AIDR_EL1) */
	A64_SR_TID2,   /* HCR_EL2.TID2 (CCSIDR, CLIDR, CSSELR) */
	A64_SR_CTR,    /* EL0: SCTLR_EL1.UCT; EL0/EL1: HCR_EL2.TID2 (CTR_EL0) */
	A64_SR_TID3,   /* HCR_EL2.TID3 (the ID_* group) */
	A64_SR_TACR,   /* HCR_EL2.TACR (ACTLR_EL1) */
	A64_SR_IMO,    /* HCR_EL2.IMO (ICC_SGI1R_EL1: the SGI a hypervisor emulates) */
	A64_SR_TCPAC,  /* CPTR_EL2.TCPAC (CPACR_EL1) */
	A64_SR_FP,     /* CPACR_EL1.FPEN, CPTR_EL2.TFP: EC 0x07 (FPCR, FPSR) */
	A64_SR_CNTPCT, /* EL0: CNTKCTL_EL1.EL0PCTEN; EL0/EL1: CNTHCTL_EL2.EL1PCTEN */
	A64_SR_CNTVCT, /* EL0: CNTKCTL_EL1.EL0VCTEN */
	A64_SR_CNTFRQ, /* EL0: CNTKCTL_EL1.EL0PCTEN or EL0VCTEN */
	A64_SR_CNTV,   /* EL0: CNTKCTL_EL1.EL0VTEN */
	A64_SR_CNTP,   /* EL0: CNTKCTL_EL1.EL0PTEN; EL0/EL1: CNTHCTL_EL2.EL1PCEN */
	A64_SR_UMA,    /* EL0: SCTLR_EL1.UMA (DAIF) */
	A64_SR_SP_EL0, /* UNDEFINED at EL1 while PSTATE.SPSel = 0 */
} a64_sr_trap;

/* rd_el / wr_el of a row that cannot be read / written at any EL */
#define A64_SR_NEVER 3

typedef uint64_t a64_sr_read_fn(const a64_hart *h);
typedef void a64_sr_write_fn(a64_hart *h, uint64_t v);

/* One row of the system register table: MRS and MSR look the encoding up once, when the
 * instruction is decoded into the cache. A row either names a field (offset) or has accessors. */
typedef struct a64_sysreg {
	const char *name;
	uint16_t key;	 /* DEC_A64_SYSREG(op0, op1, CRn, CRm, op2) */
	uint16_t offset; /* of the uint64_t field in a64_hart, when read/write are NULL */
	uint8_t rd_el;	 /* the lowest EL that may read (MRS), A64_SR_NEVER for none */
	uint8_t wr_el;	 /* the lowest EL that may write (MSR), A64_SR_NEVER for none */
	uint8_t trap;	 /* a64_sr_trap */
	bool xlate;	 /* a write changes translation: the soft TLBs are flushed */
	a64_sr_read_fn *read;
	a64_sr_write_fn *write;
} a64_sysreg;

/* The row of encoding key, or NULL. Unallocated encodings of the ID space (op0 3, op1 0, CRn 0,
 * CRm 1..7) have a read-as-zero row, as the Arm ARM gives them. */
const a64_sysreg *a64_sysreg_find(uint16_t key);
/* By name, case-insensitive ("SCTLR_EL1", "cntvct_el0"), or NULL. */
const a64_sysreg *a64_sysreg_by_name(const char *name);
/* Every row, in table order: for the debugger's listing. */
const a64_sysreg *a64_sysreg_table(size_t *count);

/* The debugger's and the world switch's access: no EL checks or traps, no side effects on
 * read. A write goes through the register's own rules (banked SP, PSTATE, TLB flush, timers).
 * false for an encoding with no row. MIDR_EL1/MPIDR_EL1 give the values EL1 reads. */
bool a64_sysreg_peek(const a64_hart *h, uint16_t key, uint64_t *val);
bool a64_sysreg_poke(a64_hart *h, uint16_t key, uint64_t val);

/* PSTATE as SPSR_ELx holds it (NZCV, DAIF, M[3:0] = EL and SPSel). */
uint64_t a64_pstate(const a64_hart *h);

/* The counters as the hart sees them. */
static inline uint64_t a64_time(const a64_hart *h)
{
	return h->icount + h->idle_ticks;
}

/* Bit A64_PPI_VTIMER / A64_PPI_PTIMER set while that timer asserts its interrupt (ENABLE, not
 * IMASK, condition met). */
uint32_t a64_timer_ppis(const a64_hart *h);

/* ---- internals shared by the hart's files ---- */

/* The current SP's bank, and switching EL/SPSel with the SP banking that goes with it. */
static inline unsigned a64_sp_bank(const a64_hart *h)
{
	return h->spsel ? h->el : 0;
}
void a64_set_el(a64_hart *h, unsigned el, bool spsel);
/* After a change to the EL or to SCTLR_EL1: the TLB context and the SP check. */
void a64_ctx_update(a64_hart *h);
void a64_tlb_flush(a64_hart *h);

/* Why an access failed. */
typedef struct a64_fault {
	bool alignment;	   /* an Alignment fault (DFSC 0x21), taken to EL1 */
	bool external;	   /* a synchronous External abort: no RAM or device at the PA, or the
			    * device refused the access (DFSC/IFSC 0x10) */
	a64_mmu_fault mmu; /* a translation fault (kind != NONE): the MMU's syndrome */
	uint64_t va;	   /* FAR */
} a64_fault;

/* a64_translate: the one function every access goes through. Translates va for acc (a64_mmu.h:
 * type, the EL it comes from, unprivileged) through stage 1 (SCTLR_EL1.M) and stage 2
 * (HCR_EL2.VM/DC), and fills the soft TLB of the access type when the page is RAM. Accesses from
 * EL2 are flat (the EL2 regime's stage 1 is not modelled). Returns true with *pa and *device
 * (Device memory: misaligned accesses fault). */
bool a64_translate(a64_hart *h, uint64_t va, a64_access acc, uint64_t *pa, bool *device,
		   a64_fault *f);

/* Slow-path loads and stores of 1, 2, 4 or 8 bytes at the current EL: misaligned accesses
 * (split per byte, across pages), devices, pages with decoded code. unpriv: LDTR/STTR;
 * aligned_only: exclusives, acquire/release and atomics, which fault when misaligned whatever
 * the memory type. false with *f on a fault. */
bool a64_load_slow(a64_hart *h, uint64_t va, unsigned len, bool unpriv, bool aligned_only,
		   uint64_t *val, a64_fault *f);
bool a64_store_slow(a64_hart *h, uint64_t va, unsigned len, bool unpriv, bool aligned_only,
		    uint64_t val, a64_fault *f);
bool a64_fetch(a64_hart *h, uint64_t va, uint32_t *raw, a64_fault *f);

/* The op of the cache's page-end sentinel, after the decoder's ops. A slot whose flags lack
 * A64_SLOT_DECODED is not decoded yet. */
enum { A64_OP_PAGE_END = DEC_A64_OP_COUNT };
#define A64_SLOT_DECODED 0x8000u

/* The decode-cache record for pc (decoding happens lazily in the loop); NULL with *f on a fetch
 * fault. *page_va receives the virtual address of pc's page. */
dec_a64_insn *a64_code_lookup(a64_hart *h, uint64_t pc, uint64_t *page_va, a64_fault *f);
/* A store of len bytes at pa hit a page with decoded code: drop the records it covers. */
void a64_code_invalidate(a64_hart *h, uint64_t pa, unsigned len);

/* Exceptions. a64_exception takes a synchronous exception with syndrome esr (EC and ISS; IL
 * is added) whose preferred return address is return_pc, at target_el (raised to the current
 * EL when lower). a64_undefined takes EC 0 at the current pc. a64_abort turns a fault into the
 * Data or Instruction Abort the architecture gives; raw is the instruction, for the syndrome of
 * a data abort taken to EL2 (ISV, SAS, SSE, SRT, SF, AR). */
void a64_exception(a64_hart *h, unsigned target_el, uint32_t esr, uint64_t return_pc,
		   bool far_valid, uint64_t far, uint64_t hpfar);
void a64_undefined(a64_hart *h);
enum { A64_ABORT_FETCH, A64_ABORT_READ, A64_ABORT_WRITE, A64_ABORT_CM };
void a64_abort(a64_hart *h, const a64_fault *f, unsigned kind, uint32_t raw);
/* PC alignment fault (EC 0x22, FAR = pc) when a branch left pc misaligned. */
void a64_pc_alignment_fault(a64_hart *h);
/* A pending interrupt the current state takes: A64_EXC_IRQ/FIQ and its target EL, or -1. */
int a64_pending_irq(a64_hart *h, unsigned *target_el);
void a64_take_irq(a64_hart *h, int type, unsigned target_el);
/* Recomputes the timers' ISTATUS bits (and irq_line when wired) and returns the icount at
 * which the next timer condition becomes true (UINT64_MAX when none). */
uint64_t a64_update_timers(a64_hart *h);
/* What the last exception means for a caller of a64_run / a64_step. */
a64_stop a64_trap_stop(const a64_hart *h);

/* MRS/MSR/SYS as the current EL would execute them: true when done, false when the access
 * took an exception instead. r is the row of key (NULL: no such register). */
bool a64_mrs(a64_hart *h, const a64_sysreg *r, uint16_t key, unsigned rt, uint64_t *val);
bool a64_msr(a64_hart *h, const a64_sysreg *r, uint16_t key, unsigned rt, uint64_t val);
/* MSR (immediate) to SPSel, DAIFSet, DAIFClr. */
bool a64_msr_pstate(a64_hart *h, uint16_t key, unsigned imm);
/* SYS (DC, IC, TLBI, AT): false when an exception was taken. */
bool a64_sys(a64_hart *h, uint16_t key, unsigned rt, uint64_t val);

#endif
