/* The RISC-V hart: RV64IMAC + Zicsr/Zifencei/Zba/Zbb + H, privilege modes M, HS, U, VS, VU.
 *
 * Speed comes from three caches that survive traps, xRET and V switches:
 *  - decoded instructions per physical RAM page (rv_code), decoded lazily on first execution;
 *  - soft TLBs per access type, tagged with a translation-regime id (privilege, V, the atp CSRs,
 *    SUM/MXR): a regime change picks another id instead of flushing;
 *  - time as retired instructions, so interrupts and budgets are checked per block.
 * Traps are return codes. The debugger's single step runs the same handlers through a second
 * instantiation of the dispatch loop, so the fast loop carries no debugger checks.
 */
#ifndef TRAPSCOPE_RV_HART_H
#define TRAPSCOPE_RV_HART_H

#include "decode/rv_insn.h"
#include "emu/bus.h"

enum { RV_PRIV_U = 0, RV_PRIV_S = 1, RV_PRIV_M = 3 };

/* Exception codes of the privileged spec (xcause without the interrupt bit). */
enum rv_cause {
	RV_EXC_INSN_MISALIGNED = 0,
	RV_EXC_INSN_ACCESS = 1,
	RV_EXC_ILLEGAL = 2,
	RV_EXC_BREAKPOINT = 3,
	RV_EXC_LOAD_MISALIGNED = 4,
	RV_EXC_LOAD_ACCESS = 5,
	RV_EXC_STORE_MISALIGNED = 6,
	RV_EXC_STORE_ACCESS = 7,
	RV_EXC_ECALL_U = 8,
	RV_EXC_ECALL_S = 9,
	RV_EXC_ECALL_VS = 10,
	RV_EXC_ECALL_M = 11,
	RV_EXC_INSN_PAGE = 12,
	RV_EXC_LOAD_PAGE = 13,
	RV_EXC_STORE_PAGE = 15,
	RV_EXC_INSN_GUEST_PAGE = 20,
	RV_EXC_LOAD_GUEST_PAGE = 21,
	RV_EXC_VIRTUAL_INSN = 22,
	RV_EXC_STORE_GUEST_PAGE = 23,
};

/* Interrupt numbers (bit positions in mip/mie). */
enum {
	RV_IRQ_SSI = 1,
	RV_IRQ_VSSI = 2,
	RV_IRQ_MSI = 3,
	RV_IRQ_STI = 5,
	RV_IRQ_VSTI = 6,
	RV_IRQ_MTI = 7,
	RV_IRQ_SEI = 9,
	RV_IRQ_VSEI = 10,
	RV_IRQ_MEI = 11,
	RV_IRQ_SGEI = 12,
};

#define RV_CAUSE_INTERRUPT (UINT64_C(1) << 63)

/* What hardware writes to htinst/mtinst: transformed instructions (default) or always 0. */
typedef enum rv_htinst_mode { RV_HTINST_TRANSFORMED, RV_HTINST_ZERO } rv_htinst_mode;

/* A trap as the hart latched it (for traces, the REPL and the hypervisor hook). */
typedef struct rv_trap {
	uint64_t cause; /* with RV_CAUSE_INTERRUPT for interrupts */
	uint64_t tval;
	uint64_t tval2; /* htval / mtval2: GPA >> 2 for guest-page faults */
	uint64_t tinst; /* htinst / mtinst */
	uint64_t epc;
	bool gva;
	uint8_t from_priv; /* privilege and V before the trap */
	bool from_virt;
	uint8_t to_priv; /* RV_PRIV_M, or RV_PRIV_S with to_virt false = HS, true = VS */
	bool to_virt;
} rv_trap;

typedef enum rv_stop {
	RV_STOP_BUDGET,	 /* ran the instructions it was given */
	RV_STOP_WFI,	 /* waiting for an interrupt no timer will raise */
	RV_STOP_MACHINE, /* a device asked to stop: bus->stop says why */
	RV_STOP_HS_TRAP, /* a trap from V=1 entered HS-mode and hs_exit is set: hart->last_trap */
	RV_STOP_STEP,	 /* rv_step executed one instruction or took one trap */
	RV_STOP_VS_TRAP, /* a trap into VS-mode was taken and vs_trap_stop is set: hart->last_trap */
} rv_stop;

#define RV_TLB_SIZE 256
enum { RV_ACC_FETCH = 0, RV_ACC_LOAD = 1, RV_ACC_STORE = 2 };

/* tag = virtual page address | regime id (bits 3..11, see rv_regime_update). An access of len
 * bytes hits when (va & (page mask | (len - 1))) | id equals the tag: one compare checks the
 * page, the regime and natural alignment (so the access cannot leave the page). 1 = empty. */
typedef struct rv_tlb_entry {
	uint64_t tag;
	uintptr_t addend; /* host address = addend + virtual address */
} rv_tlb_entry;

#define RV_TLB_EMPTY 1
#define RV_PAGE_MASK (~UINT64_C(0xfff))

static inline uint64_t rv_tlb_key(uint64_t va, unsigned len, uint64_t regime)
{
	return (va & (RV_PAGE_MASK | (len - 1))) | regime;
}

/* The decoded-instruction cache for one physical page: one record per halfword plus a sentinel
 * that ends straight-line execution at the page end. */
#define RV_PAGE_SLOTS 2048
typedef struct rv_code_page {
	dec_rv_insn slot[RV_PAGE_SLOTS + 1];
} rv_code_page;

/* The ops RV64C instructions expand to. In the decode cache a compressed instruction gets its
 * own op id, RV_OP_C_<op>, so each handler knows its instruction's length statically. */
#define RV_COMPRESSED_OPS(X)                                                                       \
	X(LUI)                                                                                     \
	X(ADDI)                                                                                    \
	X(ANDI)                                                                                    \
	X(SLLI)                                                                                    \
	X(SRLI)                                                                                    \
	X(SRAI) X(ADD) X(SUB) X(XOR) X(OR) X(AND) X(ADDIW) X(ADDW) X(SUBW) X(LW) X(LD) X(SW) X(SD) \
	    X(BEQ) X(BNE) X(JAL) X(JALR) X(EBREAK)

/* Cache-only ops after the decoder's: the page-end sentinel, an instruction whose second half
 * lies in the next page, and the compressed variants. A slot with op 0 and RV_SLOT_DECODED
 * clear is not decoded yet. */
#define RV_C_OP_ENUM(name) RV_OP_C_##name,
enum { RV_OP_PAGE_END = DEC_RV_OP_COUNT, RV_OP_CROSS, RV_COMPRESSED_OPS(RV_C_OP_ENUM) RV_OP_TOTAL };
#undef RV_C_OP_ENUM
#define RV_SLOT_DECODED 0x80

#define RV_REGIME_SLOTS 64

typedef struct rv_hart {
	/* ---- hot: the dispatch loop's working set ---- */
	uint64_t x[33]; /* x[32] swallows writes to x0, so x0 is never written */
	uint64_t pc;
	uint64_t icount;     /* retired instructions */
	uint64_t budget_end; /* rv_run stops at the first block boundary with icount >= this */
	uint64_t idle_ticks; /* time skipped while every hart waited in WFI */
	uint64_t ctx_fetch;  /* regime ids, already shifted into TLB-tag position */
	uint64_t ctx_data;
	rv_tlb_entry tlb[3][RV_TLB_SIZE];
	uint64_t tlb_ppage[3][RV_TLB_SIZE]; /* physical page of each entry, off the hot path */

	/* ---- architectural state ---- */
	uint8_t priv;
	bool virt;
	uint64_t hartid;
	uint64_t misa;
	uint64_t mstatus; /* includes MPV (39), GVA (38); sstatus is a view of it */
	uint64_t medeleg, mideleg, mie, mip, mtvec, mcounteren, mscratch, mepc, mcause, mtval;
	uint64_t mtval2, mtinst, menvcfg, mcountinhibit;
	uint64_t pmpcfg[16], pmpaddr[64];
	uint64_t stvec, scounteren, sscratch, sepc, scause, stval, satp, senvcfg, stimecmp;
	uint64_t hstatus, hedeleg, hideleg, hvip, hcounteren, hgeie, htval, htinst, hgatp;
	uint64_t htimedelta, henvcfg;
	uint64_t vsstatus, vstvec, vsscratch, vsepc, vscause, vstval, vsatp, vstimecmp;
	uint64_t minstret_offset, mcycle_offset; /* counters = icount + offset */
	uint64_t reservation; /* LR/SC reservation address, or RV_NO_RESERVATION */
	bool wfi;

	/* ---- configuration ---- */
	rv_htinst_mode htinst_mode;
	bool hs_exit;	   /* stop with RV_STOP_HS_TRAP on traps from V=1 into HS */
	bool vs_trap_stop; /* stop with RV_STOP_VS_TRAP after traps into VS (guest traps) */

	/* ---- last trap taken (for --stats, traces, the REPL) ---- */
	rv_trap last_trap;
	/* The HS-mode trap CSRs as they were before the last trap into HS latched new values,
	 * so the debugger can show what the hardware changed. */
	struct rv_hs_before {
		uint64_t mstatus, hstatus, sepc, scause, stval, htval, htinst, pc;
		uint8_t priv;
		bool virt;
	} hs_before;
	uint64_t trap_counts[64]; /* exceptions by cause code */
	uint64_t irq_counts[16];

	/* ---- translation regimes seen, for regime ids ---- */
	struct rv_regime {
		uint64_t key[4];
	} regime[RV_REGIME_SLOTS];
	unsigned nregimes;
	/* regime ids per (privilege, V) while no regime-relevant CSR changes: 0 = not known */
	uint64_t memo_fetch[4][2], memo_data[4][2];

	emu_bus *bus;
	rv_code_page **code; /* per RAM page, NULL until code runs there */
	size_t code_pages;
} rv_hart;

#define RV_NO_RESERVATION UINT64_MAX

/* What the last trap means for a caller of rv_run / rv_step: RV_STOP_HS_TRAP for a trap from
 * V=1 into HS with hs_exit set, RV_STOP_VS_TRAP for a trap into VS with vs_trap_stop set, else
 * keep going (RV_STOP_STEP). */
static inline rv_stop rv_trap_stop(const rv_hart *h)
{
	const rv_trap *t = &h->last_trap;
	if (h->hs_exit && t->from_virt && t->to_priv == RV_PRIV_S && !t->to_virt)
		return RV_STOP_HS_TRAP;
	if (h->vs_trap_stop && t->to_virt)
		return RV_STOP_VS_TRAP;
	return RV_STOP_STEP;
}

/* Creates hart hartid on bus at reset: M-mode, pc = reset_pc. */
bool rv_hart_init(rv_hart *h, emu_bus *bus, uint64_t hartid, uint64_t reset_pc);
void rv_hart_free(rv_hart *h);

/* Runs up to budget instructions (checked per block, so it may run a few more); every trap
 * taken also uses one unit of the budget. */
rv_stop rv_run(rv_hart *h, uint64_t budget);
/* Executes exactly one instruction, or takes one pending interrupt. */
rv_stop rv_step(rv_hart *h);

/* CSR access as the current privilege would do it (the debugger uses priv M to peek).
 * Returns 0 or the exception code the access raises. */
unsigned rv_csr_read(rv_hart *h, unsigned csr, uint64_t *val);
unsigned rv_csr_write(rv_hart *h, unsigned csr, uint64_t val);
/* Debugger access: no privilege checks, no side effects on read. */
bool rv_csr_peek(const rv_hart *h, unsigned csr, uint64_t *val);

/* ---- internals shared by the hart's files ---- */

/* A memory-access fault on its way to becoming a trap. */
typedef struct rv_fault {
	unsigned cause;
	uint64_t tval;
	uint64_t tval2;
	uint64_t tinst;
	bool gva;
} rv_fault;

/* How an access is translated: the effective privilege and V, and the HLV/HLVX flavour. */
typedef struct rv_xlate {
	uint8_t priv;
	bool virt;
	bool hlvx; /* execute permission instead of read */
} rv_xlate;

/* Picks the regime ids for the current privilege and V; after a CSR write that changes
 * translation (RV_CSR_EFFECT_REGIME) call rv_regime_changed instead. */
void rv_regime_update(rv_hart *h);
void rv_regime_changed(rv_hart *h);
void rv_tlb_flush(rv_hart *h);
void rv_xlate_for_data(const rv_hart *h, rv_xlate *x);

/* Translates va for an access of one type; fills the soft TLB when the page is plain RAM the
 * access may use at full speed. Returns false with *f filled on a fault (tinst left 0). */
bool rv_translate(rv_hart *h, uint64_t va, unsigned acc, const rv_xlate *x, uint64_t *pa,
		  rv_fault *f);

/* ---- the debugger's page-table walk ---- */

/* One PTE read by a walk. Steps come in the order the hardware makes them: the G-stage steps
 * that translate a VS-stage PTE's address (for_pte) come right before that PTE's step, those
 * of its A/D write right after it; the G-stage walk of the final GPA comes last. */
typedef struct rv_walk_step {
	uint8_t stage; /* 1 = VS-stage (vsatp), 2 = G-stage (hgatp) */
	int8_t level;  /* spec numbering, top level first (Sv39: 2, 1, 0) */
	uint8_t acc;   /* RV_ACC_*: the access this walk checks; for_pte: LOAD reads the
			* VS-stage PTE, STORE writes its A/D bits */
	bool for_pte;  /* G-stage step translating a VS-stage PTE's address (implicit access) */
	bool read_ok;  /* false: the PTE could not be read (see rv_walk.why) */
	bool leaf;     /* a leaf that allows the access: the walk ends here */
	bool sets_ad;  /* a leaf whose A/D the hardware would set (Svadu); the record does not */
	uint64_t va;   /* what this walk translates: GVA for stage 1, GPA for stage 2 */
	uint64_t table, pte_addr; /* GPA for stage 1, host physical for stage 2 */
	uint64_t pte;
} rv_walk_step;

/* Why a walk failed: the innermost stage that stopped, for the fault in rv_walk.fault. */
typedef enum rv_walk_why {
	RV_WALK_OK,
	RV_WALK_RANGE,	    /* GVA not sign-extended, or GPA bits beyond the G-stage mode set */
	RV_WALK_INVALID,    /* V = 0 */
	RV_WALK_RESERVED,   /* W without R, or bits 63:54 set (no Svnapot, Svpbmt) */
	RV_WALK_TOO_DEEP,   /* a pointer at level 0 */
	RV_WALK_MISALIGNED, /* a superpage leaf with low PPN bits set */
	RV_WALK_PERMISSION, /* the leaf does not allow the access (R/W/X, U, SUM, MXR) */
	RV_WALK_AD,	    /* A clear, or D clear for a store, and Svadu is off */
	RV_WALK_NO_MEMORY,  /* the PTE's host physical address is not RAM: access fault */
} rv_walk_why;

/* Sv48 over Sv48x4: 4 VS-stage PTEs, each read through 4 G-stage levels, 4 more for the
 * leaf's A/D write and 4 for the final GPA */
#define RV_WALK_MAX_STEPS (4 * (1 + 4) + 4 + 4)

typedef struct rv_walk {
	bool ok;
	uint64_t gpa; /* after the VS-stage (or the address given, when it was skipped) */
	uint64_t hpa;
	rv_fault fault; /* !ok: what the access raises; tinst is 0 or the pseudo-instruction
			 * of an implicit VS-stage PTE access */
	rv_walk_why why;
	uint8_t why_stage; /* 1 or 2 */
	bool why_for_pte;  /* the G-stage walk of a VS-stage PTE's address failed */
	int why_step;	   /* the step whose PTE failed, or -1 (RV_WALK_RANGE) */
	unsigned nsteps;
	rv_walk_step step[RV_WALK_MAX_STEPS];
} rv_walk;

/* Translates addr as the guest at priv (RV_PRIV_S = VS, RV_PRIV_U = VU) with V=1 would for an
 * access acc, using the hart's vsatp, hgatp, vsstatus, mstatus and envcfg; gpa_only skips the
 * VS-stage (addr is a GPA). The same walker as the hart's, without side effects: no A/D
 * updates (with Svadu the walk goes on as if they were made), no TLB fill. Returns rec->ok. */
bool rv_walk_guest(rv_hart *h, uint64_t addr, bool gpa_only, unsigned acc, uint8_t priv,
		   rv_walk *rec);

/* Loads and stores of 1/2/4/8 bytes through translation (slow path; handles page-crossing
 * misaligned accesses and devices). Return false with *f filled on a fault. */
bool rv_load_slow(rv_hart *h, uint64_t va, unsigned len, const rv_xlate *x, uint64_t *val,
		  rv_fault *f);
bool rv_store_slow(rv_hart *h, uint64_t va, unsigned len, const rv_xlate *x, uint64_t val,
		   rv_fault *f);
/* Fetches the instruction at va (2 or 4 bytes). */
bool rv_fetch(rv_hart *h, uint64_t va, uint32_t *raw, rv_fault *f);

/* The decode-cache record for pc, decoding the page slot when needed; NULL with *f on a fetch
 * fault. *page_va receives the virtual address of pc's page. */
dec_rv_insn *rv_code_lookup(rv_hart *h, uint64_t pc, uint64_t *page_va, rv_fault *f);
/* A store hit a page that holds decoded code: drop that page's records. */
void rv_code_invalidate(rv_hart *h, uint64_t pa);

/* Takes an exception at pc (sets pc to the handler). raw = the instruction bits, for tval of
 * illegal/virtual instruction and for htinst. */
void rv_raise(rv_hart *h, unsigned cause, uint64_t tval, uint64_t tval2, uint64_t tinst, bool gva);
void rv_raise_fault(rv_hart *h, const rv_fault *f, uint32_t raw, unsigned len, uint64_t fault_va,
		    uint64_t access_va);
/* Interrupts: the highest-priority pending and enabled one, or -1. */
int rv_pending_irq(rv_hart *h);
void rv_take_irq(rv_hart *h, int irq);
/* Recomputes time-driven interrupt bits (MTIP, STIP, VSTIP) and returns the icount at which the
 * next one becomes due (UINT64_MAX when none). */
uint64_t rv_update_timers(rv_hart *h);

/* Returns from a trap: 0, or the exception code the attempt raises. */
unsigned rv_sret(rv_hart *h);
unsigned rv_mret(rv_hart *h);

/* htinst/mtinst for a fault of the instruction raw (len 2 or 4); addr_offset for split
 * misaligned accesses. */
uint64_t rv_transform_insn(uint32_t raw, unsigned len, uint64_t addr_offset);

/* The counters as the hart sees them. */
static inline uint64_t rv_time(const rv_hart *h)
{
	return h->icount + h->idle_ticks;
}

#endif
