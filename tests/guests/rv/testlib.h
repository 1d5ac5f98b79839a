/* A small test framework for bare-metal RISC-V guests: trap capture at M, HS and VS, running
 * code in U, HS, VS and VU, page tables for both translation stages, and checks that report on
 * the UART. Every test runs on trapscope's bare machine and on QEMU's virt machine.
 *
 * Conventions the framework relies on:
 *  - code and data are identity-mapped in every translation a test builds (the tl_*_ident
 *    helpers do this), so a trap handler can read the faulting instruction at xepc;
 *  - medeleg bit 9 (ecall from HS) stays clear: HS handlers reach M through it;
 *  - a test that expects a trap calls tl_expect() first; the handler records the trap and
 *    resumes after the faulting instruction (or at tl_resume if set, for fetch faults);
 *  - an interrupt handler clears the interrupt's enable bit (mie/sie/hie) and returns with
 *    its level's global enable (xIE) cleared, so one enable lets one interrupt in;
 *  - an unexpected trap is reported and ends the current test.
 */
#ifndef TRAPSCOPE_GUEST_TESTLIB_H
#define TRAPSCOPE_GUEST_TESTLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bare.h"

/* ---- build variants ---- */
#ifdef TS_ORACLE_QEMU
#define TL_QEMU 1 /* running on QEMU 7.2: relax exactly its known departures */
#else
#define TL_QEMU 0
#endif
#ifdef TS_HTINST_ZERO
#define TL_HTINST_ZERO 1 /* trapscope --htinst zero: htinst/mtinst always 0 */
#else
#define TL_HTINST_ZERO 0
#endif

/* ---- CSR access ---- */
#define TL_STR2(x) #x
#define TL_STR(x)  TL_STR2(x)
#define csr_read(csr)                                                                              \
	({                                                                                         \
		uint64_t v_;                                                                       \
		__asm__ volatile("csrr %0, " TL_STR(csr) : "=r"(v_)::"memory");                    \
		v_;                                                                                \
	})
#define csr_write(csr, val)                                                                        \
	__asm__ volatile("csrw " TL_STR(csr) ", %0" ::"r"((uint64_t)(val)) : "memory")
#define csr_set(csr, val)                                                                          \
	__asm__ volatile("csrs " TL_STR(csr) ", %0" ::"r"((uint64_t)(val)) : "memory")
#define csr_clear(csr, val)                                                                        \
	__asm__ volatile("csrc " TL_STR(csr) ", %0" ::"r"((uint64_t)(val)) : "memory")
#define csr_swap(csr, val)                                                                         \
	({                                                                                         \
		uint64_t v_;                                                                       \
		__asm__ volatile("csrrw %0, " TL_STR(csr) ", %1"                                   \
				 : "=r"(v_)                                                        \
				 : "r"((uint64_t)(val))                                            \
				 : "memory");                                                      \
		v_;                                                                                \
	})

#define BIT(n) (UINT64_C(1) << (n))

/* mstatus / sstatus */
#define MSTATUS_SIE   BIT(1)
#define MSTATUS_MIE   BIT(3)
#define MSTATUS_SPIE  BIT(5)
#define MSTATUS_MPIE  BIT(7)
#define MSTATUS_SPP   BIT(8)
#define MSTATUS_MPP   (UINT64_C(3) << 11)
#define MSTATUS_MPP_S (UINT64_C(1) << 11)
#define MSTATUS_MPP_M (UINT64_C(3) << 11)
#define MSTATUS_FS    (UINT64_C(3) << 13)
#define MSTATUS_MPRV  BIT(17)
#define MSTATUS_SUM   BIT(18)
#define MSTATUS_MXR   BIT(19)
#define MSTATUS_TVM   BIT(20)
#define MSTATUS_TW    BIT(21)
#define MSTATUS_TSR   BIT(22)
#define MSTATUS_GVA   BIT(38)
#define MSTATUS_MPV   BIT(39)

/* hstatus */
#define HSTATUS_GVA  BIT(6)
#define HSTATUS_SPV  BIT(7)
#define HSTATUS_SPVP BIT(8)
#define HSTATUS_HU   BIT(9)
#define HSTATUS_VTVM BIT(20)
#define HSTATUS_VTW  BIT(21)
#define HSTATUS_VTSR BIT(22)

/* menvcfg / henvcfg */
#define ENVCFG_ADUE BIT(61)
#define ENVCFG_STCE BIT(63)

/* interrupts (mip/mie bit numbers) */
#define IRQ_SSI	  1
#define IRQ_VSSI  2
#define IRQ_MSI	  3
#define IRQ_STI	  5
#define IRQ_VSTI  6
#define IRQ_MTI	  7
#define IRQ_SEI	  9
#define IRQ_VSEI  10
#define IRQ_MEI	  11
#define CAUSE_IRQ BIT(63)

/* exception causes */
enum {
	EXC_INSN_MISALIGNED = 0,
	EXC_INSN_ACCESS = 1,
	EXC_ILLEGAL = 2,
	EXC_BREAKPOINT = 3,
	EXC_LOAD_MISALIGNED = 4,
	EXC_LOAD_ACCESS = 5,
	EXC_STORE_MISALIGNED = 6,
	EXC_STORE_ACCESS = 7,
	EXC_ECALL_U = 8,
	EXC_ECALL_HS = 9,
	EXC_ECALL_VS = 10,
	EXC_ECALL_M = 11,
	EXC_INSN_PAGE = 12,
	EXC_LOAD_PAGE = 13,
	EXC_STORE_PAGE = 15,
	EXC_INSN_GUEST_PAGE = 20,
	EXC_LOAD_GUEST_PAGE = 21,
	EXC_VIRTUAL_INSN = 22,
	EXC_STORE_GUEST_PAGE = 23,
};

/* ---- machine ---- */
#define TL_CLINT_MSIP	  ((volatile uint32_t *)0x2000000)
#define TL_CLINT_MTIMECMP ((volatile uint64_t *)0x2004000)
#define TL_CLINT_MTIME	  ((volatile uint64_t *)0x200bff8)
#define TL_RAM_BASE	  UINT64_C(0x80000000)
/* A physical address with nothing behind it on either machine (just above 128 MiB of RAM). */
#define TL_UNMAPPED_PA UINT64_C(0x88000000)

/* ---- modes and trap records ---- */
enum tl_mode { TL_U = 0, TL_HS = 1, TL_M = 3, TL_VU = 4, TL_VS = 5 };
/* Where a trap was taken. */
enum tl_level { TL_AT_NONE = 0, TL_AT_M, TL_AT_HS, TL_AT_VS };

struct tl_trap {
	uint64_t count; /* traps recorded since tl_expect() */
	uint64_t level; /* enum tl_level of the first one */
	uint64_t from;	/* enum tl_mode the trap came from */
	uint64_t cause, tval, tval2, tinst, epc;
	uint64_t status;  /* mstatus (M), sstatus (HS), vsstatus as sstatus (VS) */
	uint64_t hstatus; /* HS only */
	uint64_t vector;  /* entry of a vectored mtvec (0-15), or UINT64_MAX for direct */
	/* every trap recorded since tl_expect_n(), in order */
	uint64_t seq_cause[8];
	uint64_t seq_level[8];
};

extern volatile struct tl_trap tl_trap;
/* Resume address for the next expected trap instead of "after the faulting instruction". */
extern volatile uint64_t tl_resume;

/* The next trap is expected: record it and resume. */
void tl_expect(void);
/* The next n traps (at most 8) are expected. */
void tl_expect_n(unsigned n);
/* Stop expecting (a check that nothing trapped follows). */
void tl_disarm(void);

/* ---- running tests ---- */
void tl_init(const char *suite);
/* Runs one test function from M-mode with the baseline machine state around it. */
void tl_test(const char *name, void (*fn)(void));
/* Prints the summary line; returns main's exit code. */
int tl_finish(void);
/* Resets CSRs, timers and translation to the baseline (M-mode, nothing delegated). */
void tl_reset(void);
/* Runs fn(arg) in mode and returns its result, back in M-mode. */
typedef uint64_t (*tl_fn)(uint64_t);
typedef uint64_t (*tl_fn2)(uint64_t, uint64_t);
uint64_t tl_run(enum tl_mode mode, tl_fn fn, uint64_t arg);
/* One access at va, as tl_fn for tl_run: a load (returns the value), a store of 0x5d5d, a
 * call (returns 0). */
uint64_t tl_do_ld(uint64_t va);
uint64_t tl_do_sd(uint64_t va);
uint64_t tl_do_exec(uint64_t va);
uint64_t tl_run2(enum tl_mode mode, tl_fn2 fn, uint64_t a, uint64_t b);
/* Runs the single instruction insn (16 or 32 bits) in mode with a0, a1 set; returns a0. A
 * trap on it resumes after it. tl_insn_addr() is where it sits (the expected xepc). */
uint64_t tl_exec_insn(enum tl_mode mode, uint32_t insn, uint64_t a0, uint64_t a1);
uint64_t tl_insn_addr(void);

/* Instruction words for tl_exec_insn (encodings from the ISA manual, checked with binutils). */
#define INSN_ECALL	 0x00000073u
#define INSN_EBREAK	 0x00100073u
#define INSN_C_EBREAK	 0x9002u
#define INSN_WFI	 0x10500073u
#define INSN_SRET	 0x10200073u
#define INSN_MRET	 0x30200073u
#define INSN_SFENCE_VMA	 0x12000073u /* sfence.vma zero, zero */
#define INSN_SINVAL_VMA	 0x16000073u /* sinval.vma zero, zero (Svinval) */
#define INSN_HFENCE_VVMA 0x22000073u /* hfence.vvma zero, zero */
#define INSN_HFENCE_GVMA 0x62000073u /* hfence.gvma zero, zero */
#define INSN_HLV_B	 0x60054573u /* hlv.b a0, (a0) */
#define INSN_HLV_D	 0x6c054573u /* hlv.d a0, (a0) */
#define INSN_HLVX_HU	 0x64354573u /* hlvx.hu a0, (a0) */
#define INSN_HSV_D	 0x6ea54073u /* hsv.d a0, (a0) */
/* csrrs a0, csr, zero and csrrw zero, csr, a0 */
#define INSN_CSRR(csr) (((uint32_t)(csr) << 20) | 0x00002573u)
#define INSN_CSRW(csr) (((uint32_t)(csr) << 20) | 0x00051073u)

/* ---- checks ---- */
void tl_check(bool ok, const char *file, int line, const char *what);
void tl_check_eq(uint64_t got, uint64_t want, const char *file, int line, const char *what);
void tl_check_trap(const char *file, int line, unsigned level, uint64_t cause);
void tl_relaxed(const char *file, int line, const char *why);
/* Names the caller of a checking helper in failure messages (NULL to stop). */
void tl_where(const char *file, int line);
/* Calls a checking helper so its failures also name this line. */
#define VIA(call)                                                                                  \
	do {                                                                                       \
		tl_where(__FILE__, __LINE__);                                                      \
		call;                                                                              \
		tl_where(NULL, 0);                                                                 \
	} while (0)

#define CHECK(cond)	    tl_check((cond), __FILE__, __LINE__, #cond)
#define CHECK_EQ(got, want) tl_check_eq((uint64_t)(got), (uint64_t)(want), __FILE__, __LINE__, #got)
/* Exactly one trap, taken at level with cause. */
#define CHECK_TRAP(level, cause) tl_check_trap(__FILE__, __LINE__, (level), (cause))
#define CHECK_NO_TRAP()		 tl_check_eq(tl_trap.count, 0, __FILE__, __LINE__, "traps taken")
/* A check where QEMU 7.2 departs from the spec: on QEMU, expect its value and say so. */
#define CHECK_EQ_QEMU(got, want, qemu_value, why)                                                  \
	do {                                                                                       \
		if (TL_QEMU) {                                                                     \
			tl_relaxed(__FILE__, __LINE__, (why));                                     \
			tl_check_eq((uint64_t)(got), (uint64_t)(qemu_value), __FILE__, __LINE__,   \
				    #got);                                                         \
		} else {                                                                           \
			tl_check_eq((uint64_t)(got), (uint64_t)(want), __FILE__, __LINE__, #got);  \
		}                                                                                  \
	} while (0)
#define CHECK_TRAP_QEMU(level, cause, qemu_cause, why)                                             \
	do {                                                                                       \
		if (TL_QEMU) {                                                                     \
			tl_relaxed(__FILE__, __LINE__, (why));                                     \
			tl_check_trap(__FILE__, __LINE__, (level), (qemu_cause));                  \
		} else {                                                                           \
			tl_check_trap(__FILE__, __LINE__, (level), (cause));                       \
		}                                                                                  \
	} while (0)

/* ---- page tables ---- */
enum {
	PTE_V = 1,
	PTE_R = 2,
	PTE_W = 4,
	PTE_X = 8,
	PTE_U = 16,
	PTE_G = 32,
	PTE_A = 64,
	PTE_D = 128,
};
#define PTE_RWX	 (PTE_R | PTE_W | PTE_X)
#define PTE_LEAF (PTE_V | PTE_RWX | PTE_A | PTE_D)
#define ATP_SV39 UINT64_C(8)
#define ATP_SV48 UINT64_C(9)

/* One translation table: levels 3 (Sv39, Sv39x4) or 4 (Sv48, Sv48x4); the G-stage root is
 * 16 KiB and indexed by 11 bits. */
struct tl_pt {
	uint64_t root;
	unsigned levels;
	bool gstage;
};

/* Forgets every table (the pool is reused by each test). */
void tl_pt_reset(void);
void tl_pt_init(struct tl_pt *pt, unsigned levels, bool gstage);
/* Maps va to pa with a leaf at level (0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB, 3 = 512 GiB), creating
 * the tables above it; returns the leaf PTE. flags gets PTE_V added. */
uint64_t *tl_pt_map(const struct tl_pt *pt, uint64_t va, uint64_t pa, unsigned level,
		    uint64_t flags);
/* The PTE translating va at level (tables above must exist), or NULL. */
uint64_t *tl_pt_slot(const struct tl_pt *pt, uint64_t va, unsigned level);
/* satp / vsatp / hgatp value (ASID/VMID 0). */
uint64_t tl_pt_atp(const struct tl_pt *pt);
/* Identity maps of the devices (first GiB) and the RAM (second GiB) as gigapages. */
void tl_pt_ident(const struct tl_pt *pt, uint64_t leaf_flags);
/* A fresh 4 KiB page from the pool (zeroed), for data that a test maps. */
uint64_t tl_page(void);

/* Fences after table edits. */
static inline void tl_sfence(void)
{
	__asm__ volatile("sfence.vma" ::: "memory");
}
static inline void tl_hfence(void)
{
	__asm__ volatile("hfence.gvma\n\thfence.vvma" ::: "memory");
}

/* ---- single-instruction probes ----
 * Each runs one access; if it traps, the handler resumes after it and the result keeps the
 * sentinel. */
#define TL_SENTINEL UINT64_C(0x5e5e5e5e5e5e5e5e)

#define TL_LOAD_PROBE(name, insn)                                                                  \
	static inline uint64_t name(uint64_t addr)                                                 \
	{                                                                                          \
		uint64_t v = TL_SENTINEL;                                                          \
		__asm__ volatile(insn " %0, 0(%1)" : "+r"(v) : "r"(addr) : "memory");              \
		return v;                                                                          \
	}
TL_LOAD_PROBE(tl_lb, "lb")
TL_LOAD_PROBE(tl_lh, "lh")
TL_LOAD_PROBE(tl_lw, "lw")
TL_LOAD_PROBE(tl_ld, "ld")
TL_LOAD_PROBE(tl_lbu, "lbu")
TL_LOAD_PROBE(tl_lhu, "lhu")
TL_LOAD_PROBE(tl_lwu, "lwu")

#define TL_STORE_PROBE(name, insn)                                                                 \
	static inline void name(uint64_t addr, uint64_t val)                                       \
	{                                                                                          \
		__asm__ volatile(insn " %0, 0(%1)" ::"r"(val), "r"(addr) : "memory");              \
	}
TL_STORE_PROBE(tl_sb, "sb")
TL_STORE_PROBE(tl_sh, "sh")
TL_STORE_PROBE(tl_sw, "sw")
TL_STORE_PROBE(tl_sd, "sd")

/* Hypervisor loads and stores (HLV/HLVX/HSV). */
#define TL_HLV_PROBE(name, insn)                                                                   \
	static inline uint64_t name(uint64_t addr)                                                 \
	{                                                                                          \
		uint64_t v = TL_SENTINEL;                                                          \
		__asm__ volatile(insn " %0, (%1)" : "+r"(v) : "r"(addr) : "memory");               \
		return v;                                                                          \
	}
TL_HLV_PROBE(tl_hlv_b, "hlv.b")
TL_HLV_PROBE(tl_hlv_bu, "hlv.bu")
TL_HLV_PROBE(tl_hlv_h, "hlv.h")
TL_HLV_PROBE(tl_hlv_hu, "hlv.hu")
TL_HLV_PROBE(tl_hlv_w, "hlv.w")
TL_HLV_PROBE(tl_hlv_wu, "hlv.wu")
TL_HLV_PROBE(tl_hlv_d, "hlv.d")
TL_HLV_PROBE(tl_hlvx_hu, "hlvx.hu")
TL_HLV_PROBE(tl_hlvx_wu, "hlvx.wu")
#define TL_HSV_PROBE(name, insn)                                                                   \
	static inline void name(uint64_t addr, uint64_t val)                                       \
	{                                                                                          \
		__asm__ volatile(insn " %0, (%1)" ::"r"(val), "r"(addr) : "memory");               \
	}
TL_HSV_PROBE(tl_hsv_b, "hsv.b")
TL_HSV_PROBE(tl_hsv_h, "hsv.h")
TL_HSV_PROBE(tl_hsv_w, "hsv.w")
TL_HSV_PROBE(tl_hsv_d, "hsv.d")

/* AMOs: returns the old value (or the sentinel). */
#define TL_AMO_PROBE(name, insn)                                                                   \
	static inline uint64_t name(uint64_t addr, uint64_t src)                                   \
	{                                                                                          \
		uint64_t v = TL_SENTINEL;                                                          \
		__asm__ volatile(insn " %0, %2, (%1)" : "+r"(v) : "r"(addr), "r"(src) : "memory"); \
		return v;                                                                          \
	}
TL_AMO_PROBE(tl_amoadd_w, "amoadd.w")
TL_AMO_PROBE(tl_amoadd_d, "amoadd.d")
TL_AMO_PROBE(tl_amoswap_d, "amoswap.d")
TL_AMO_PROBE(tl_sc_d, "sc.d")
static inline uint64_t tl_lr_d(uint64_t addr)
{
	uint64_t v = TL_SENTINEL;
	__asm__ volatile("lr.d %0, (%1)" : "+r"(v) : "r"(addr) : "memory");
	return v;
}
static inline uint64_t tl_lr_w(uint64_t addr)
{
	uint64_t v = TL_SENTINEL;
	__asm__ volatile("lr.w %0, (%1)" : "+r"(v) : "r"(addr) : "memory");
	return v;
}

/* Jumps to addr (a fetch probe): a fetch fault resumes after the call. */
static inline void tl_exec(uint64_t addr)
{
	__asm__ volatile("la t0, 1f\n\t"
			 "la t1, tl_resume\n\t"
			 "sd t0, 0(t1)\n\t"
			 "jalr ra, 0(%0)\n"
			 "1:"
			 :
			 : "r"(addr)
			 : "t0", "t1", "ra", "memory");
}

/* A load made from M-mode with MPRV=1 and MPP/MPV naming the effective mode. */
static inline uint64_t tl_mprv_ld(uint64_t addr, enum tl_mode as)
{
	uint64_t set = MSTATUS_MPRV | (uint64_t)(as & 3) << 11 | ((as & 4) ? MSTATUS_MPV : 0);
	uint64_t v = TL_SENTINEL;
	__asm__ volatile("csrc mstatus, %3\n\t"
			 "csrs mstatus, %2\n\t"
			 "ld %0, 0(%1)\n\t"
			 "csrc mstatus, %4"
			 : "+r"(v)
			 : "r"(addr), "r"(set), "r"(MSTATUS_MPP | MSTATUS_MPV), "r"(MSTATUS_MPRV)
			 : "memory");
	return v;
}
static inline void tl_mprv_sd(uint64_t addr, uint64_t val, enum tl_mode as)
{
	uint64_t set = MSTATUS_MPRV | (uint64_t)(as & 3) << 11 | ((as & 4) ? MSTATUS_MPV : 0);
	__asm__ volatile("csrc mstatus, %3\n\t"
			 "csrs mstatus, %2\n\t"
			 "sd %0, 0(%1)\n\t"
			 "csrc mstatus, %4"
			 :
			 : "r"(val), "r"(addr), "r"(set), "r"(MSTATUS_MPP | MSTATUS_MPV),
			   "r"(MSTATUS_MPRV)
			 : "memory");
}

/* A value the compiler cannot see through (keeps expected results from being folded). */
static inline uint64_t tl_opaque(uint64_t v)
{
	__asm__ volatile("" : "+r"(v));
	return v;
}

#endif
