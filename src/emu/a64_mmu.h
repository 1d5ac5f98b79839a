/* AArch64 address translation for the EL1&0 regime: stage 1 (TTBR0_EL1/TTBR1_EL1, TCR_EL1)
 * and stage 2 (VTTBR_EL2, VTCR_EL2), VMSAv8-64 with the 4 KiB granule, with the fault
 * syndromes the Arm ARM gives (chapter D8, "The AArch64 Virtual Memory System Architecture").
 *
 * The hart calls a64_mmu_translate for every access its TLB does not cover; the debugger's
 * `pt` calls the same functions with a record of every descriptor read. No call has side
 * effects: there is no hardware Access flag or dirty update, nothing is cached.
 *
 * The machine this models (the hart's ID registers must say the same):
 * - ID_AA64MMFR0_EL1.PARange = 0b0101 (48-bit PA, A64_MMU_PA_BITS); TGran4 = 0b0000,
 *   TGran16 = 0b0000 and TGran64 = 0b1111: the 4 KiB granule is the machine's only one, so
 *   every TCR_EL1.TG0/TG1 and VTCR_EL2.TG0 value selects it, as the Arm ARM rules for a
 *   granule size a PE does not have;
 * - FEAT_XNX (stage-2 XN[1:0]); no FEAT_LPA/LPA2/LVA (no level -1, no 52-bit addresses),
 *   FEAT_TTST, FEAT_HPDS, FEAT_PAN, FEAT_E0PD, FEAT_HAFDBS or FEAT_S2FWB;
 * - little-endian descriptors (SCTLR_EL1.EE = SCTLR_EL2.EE = 0), HCR_EL2.TGE = 0 and E2H = 0
 *   (the guest runs in EL1&0 under a hypervisor at EL2).
 * IMPLEMENTATION DEFINED choices: a TCR_EL1.TxSZ or VTCR_EL2.T0SZ outside 16..39 is a level 0
 * Translation fault (not clamped); nonzero RES0 bits below a TTBR's or VTTBR's table base are
 * ignored; TCR_EL1.IPS and VTCR_EL2.PS values above 48 bits, or reserved, mean 48 bits.
 */
#ifndef TRAPSCOPE_EMU_A64_MMU_H
#define TRAPSCOPE_EMU_A64_MMU_H

#include "emu/bus.h"

#include <stdbool.h>
#include <stdint.h>

#define A64_MMU_PA_BITS 48

/* The registers translation reads, as whole values (the hart may keep its copies here). */
typedef struct a64_mmu_regs {
	uint64_t sctlr_el1; /* M (bit 0), WXN (19) */
	uint64_t tcr_el1;   /* T0SZ, EPD0, T1SZ, EPD1, IPS, TBI0, TBI1 */
	uint64_t ttbr0_el1, ttbr1_el1;
	uint64_t mair_el1; /* stage-1 memory type: Device when Attr<n>[7:4] = 0b0000 */
	uint64_t hcr_el2;  /* VM (bit 0), PTW (2), DC (12) */
	uint64_t vtcr_el2; /* T0SZ, SL0, PS */
	uint64_t vttbr_el2;
} a64_mmu_regs;

/* Access type bits. A read-modify-write (atomics, SWP, CAS) is READ | WRITE. */
enum { A64_ACC_READ = 1, A64_ACC_WRITE = 2, A64_ACC_EXEC = 4 };

typedef struct a64_access {
	uint8_t type; /* A64_ACC_READ, A64_ACC_WRITE, both, or A64_ACC_EXEC */
	uint8_t el;   /* 0 or 1: the Exception level the access comes from */
	bool unpriv;  /* LDTR/STTR and friends at EL1: stage-1 permissions are EL0's */
} a64_access;

/* What went wrong; the xFSC is the kind's base plus the lookup level. */
typedef enum a64_mmu_fault_kind {
	A64_MMU_FAULT_NONE,
	A64_MMU_FAULT_ADDR_SIZE,   /* 0x00 + level */
	A64_MMU_FAULT_TRANSLATION, /* 0x04 + level */
	A64_MMU_FAULT_ACCESS_FLAG, /* 0x08 + level */
	A64_MMU_FAULT_PERMISSION,  /* 0x0C + level */
	A64_MMU_FAULT_EXT_WALK,	   /* 0x14 + level: a descriptor outside RAM, a synchronous
				    * External abort on a translation table walk (ESR.EA = 1) */
} a64_mmu_fault_kind;

/* Everything the hart latches for a Data or Instruction Abort besides what the instruction
 * gives: FAR_ELx gets the access's VA; ESR_ELx.ISV is 0 for every stage-1 fault and every
 * fault with s1ptw; EC is the lower-EL abort when target_el is above the access's EL. */
typedef struct a64_mmu_fault {
	uint8_t kind;	   /* a64_mmu_fault_kind */
	uint8_t stage;	   /* 1 or 2 */
	uint8_t level;	   /* the lookup level, 0..3, in the stage that faulted */
	uint8_t fsc;	   /* ESR_ELx.DFSC or IFSC */
	uint8_t target_el; /* 1 for a stage-1 fault, 2 for a stage-2 fault */
	bool s1ptw;	   /* ESR.S1PTW: stage-2 fault on a stage-1 descriptor read */
	bool wnr;	   /* ESR.WnR of a Data Abort: the instruction's direction, also with
			    * s1ptw; for a read-modify-write, 1 only when a read would not fault */
	bool ea;	   /* ESR.EA */
	bool far_valid;	   /* !ESR.FnV: always true for these faults */
	uint64_t ipa;	   /* stage 2: the IPA that faulted (the descriptor's, with s1ptw) */
	uint64_t hpfar;	   /* stage 2: HPFAR_EL2, FIPA = ipa[47:12] in bits [39:4]; else 0 */
} a64_mmu_fault;

typedef struct a64_xlate {
	uint64_t ipa;	     /* the stage-1 output (valid once stage 1 succeeded) */
	uint64_t pa;	     /* valid when the call returned true */
	uint8_t perms;	     /* A64_ACC_* both stages allow at this EL (with unpriv): a TLB
			      * entry may serve these access types */
	bool device;	     /* a data access to Device memory at either stage (alignment) */
	a64_mmu_fault fault; /* kind A64_MMU_FAULT_NONE on success */
} a64_xlate;

/* ---- the recorded walk (debugger) ---- */

typedef enum a64_desc_kind {
	A64_DESC_INVALID,  /* bit 0 clear (or not read) */
	A64_DESC_RESERVED, /* bits [1:0] = 0b01 at level 0 or level 3 */
	A64_DESC_TABLE,
	A64_DESC_BLOCK, /* level 1 (1 GiB) or level 2 (2 MiB) */
	A64_DESC_PAGE,	/* level 3 (4 KiB) */
} a64_desc_kind;

/* One descriptor read, in the order the hardware makes them: the stage-2 steps translating a
 * stage-1 descriptor's IPA (for_s1) come right before that stage-1 step; the stage-2 walk of
 * the final IPA comes last. */
typedef struct a64_walk_step {
	uint8_t stage;	    /* 1 or 2 */
	uint8_t level;	    /* 0..3 */
	uint8_t kind;	    /* a64_desc_kind of desc */
	bool for_s1;	    /* a stage-2 step translating a stage-1 descriptor's address */
	bool read_ok;	    /* false: not read (its PA is not RAM, or its IPA faulted) */
	uint64_t in;	    /* what this walk translates: the VA (stage 1) or the IPA */
	uint64_t table;	    /* the table: an IPA for stage 1, a PA for stage 2 */
	uint64_t desc_addr; /* the descriptor, in the table's address space */
	uint64_t desc;	    /* 0 when !read_ok */
} a64_walk_step;

/* four stage-1 levels, each read through four stage-2 levels, and four for the final IPA */
#define A64_WALK_MAX_STEPS (4 * (4 + 1) + 4)

typedef struct a64_walk {
	int8_t ttbr;	/* 0 or 1: the TTBR stage 1 used; -1 when stage 1 was off or skipped */
	bool s2;	/* stage 2 was on (HCR_EL2.VM or DC) */
	int fault_step; /* the step whose descriptor faulted, or -1 (a check before any read,
			 * or no fault) */
	unsigned nsteps;
	a64_walk_step step[A64_WALK_MAX_STEPS];
} a64_walk;

/* Translates va for acc through stage 1 and, when HCR_EL2.VM or DC is set, stage 2; every
 * stage-1 descriptor address goes through stage 2 first. Returns true with out->pa, or false
 * with out->fault. rec, when not NULL, receives every step. */
bool a64_mmu_translate(const a64_mmu_regs *regs, const emu_bus *bus, uint64_t va, a64_access acc,
		       a64_xlate *out, a64_walk *rec);
/* Stage 2 alone: ipa as the final IPA of an access acc (pa = ipa when stage 2 is off). */
bool a64_mmu_translate_ipa(const a64_mmu_regs *regs, const emu_bus *bus, uint64_t ipa,
			   a64_access acc, a64_xlate *out, a64_walk *rec);

#endif
