/* trapscope — A64 instruction decoder: the base integer ISA (Armv8.0-A plus FEAT_LSE atomics and
 * FEAT_LRCPC's LDAPR), the system instructions a guest kernel runs, and one catch-all class for
 * SIMD and floating point so that a hart can trap it.
 *
 * Decoding follows the Arm ARM's encoding index: bits [28:25] pick one of the top-level groups,
 * each group is a table of {mask, match, op, operand format} rows scanned in order, and the
 * operand format pulls the fields out. The result is a 24-byte record that the interpreter
 * caches and dispatches on (op indexes a jump table; DEC_A64_OP_UNDEF is 0, so a zeroed record
 * is an undefined instruction) and that the exit handler reads for an ISV=0 data abort.
 */
#ifndef TRAPSCOPE_A64_INSN_H
#define TRAPSCOPE_A64_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* X(enum suffix, Arm ARM mnemonic), by encoding group. Loads and stores name the instruction
 * family; dec_a64_mnemonic spells the variant ("ldrsh", "stlxrb", "ldaddal"). */
#define DEC_A64_OPS(X)                                                                             \
	X(UNDEF, "undefined")                                                                      \
	X(FPSIMD, "fp/simd")                                                                       \
	/* data processing -- immediate */                                                         \
	X(ADR, "adr")                                                                              \
	X(ADRP, "adrp")                                                                            \
	X(ADD_IMM, "add")                                                                          \
	X(ADDS_IMM, "adds")                                                                        \
	X(SUB_IMM, "sub")                                                                          \
	X(SUBS_IMM, "subs")                                                                        \
	X(AND_IMM, "and")                                                                          \
	X(ORR_IMM, "orr")                                                                          \
	X(EOR_IMM, "eor")                                                                          \
	X(ANDS_IMM, "ands")                                                                        \
	X(MOVN, "movn")                                                                            \
	X(MOVZ, "movz")                                                                            \
	X(MOVK, "movk")                                                                            \
	X(SBFM, "sbfm")                                                                            \
	X(BFM, "bfm")                                                                              \
	X(UBFM, "ubfm")                                                                            \
	X(EXTR, "extr")                                                                            \
	/* branches, exception generating and system instructions */                               \
	X(B, "b")                                                                                  \
	X(BL, "bl")                                                                                \
	X(B_COND, "b.cond")                                                                        \
	X(CBZ, "cbz")                                                                              \
	X(CBNZ, "cbnz")                                                                            \
	X(TBZ, "tbz")                                                                              \
	X(TBNZ, "tbnz")                                                                            \
	X(BR, "br")                                                                                \
	X(BLR, "blr")                                                                              \
	X(RET, "ret")                                                                              \
	X(ERET, "eret")                                                                            \
	X(SVC, "svc")                                                                              \
	X(HVC, "hvc")                                                                              \
	X(SMC, "smc")                                                                              \
	X(BRK, "brk")                                                                              \
	X(NOP, "nop")                                                                              \
	X(YIELD, "yield")                                                                          \
	X(WFE, "wfe")                                                                              \
	X(WFI, "wfi")                                                                              \
	X(SEV, "sev")                                                                              \
	X(SEVL, "sevl")                                                                            \
	X(HINT, "hint")                                                                            \
	X(CLREX, "clrex")                                                                          \
	X(DSB, "dsb")                                                                              \
	X(DMB, "dmb")                                                                              \
	X(ISB, "isb")                                                                              \
	X(MSR_IMM, "msr")                                                                          \
	X(SYS, "sys")                                                                              \
	X(SYSL, "sysl")                                                                            \
	X(MSR_REG, "msr")                                                                          \
	X(MRS, "mrs")                                                                              \
	/* loads and stores */                                                                     \
	X(LDR_LIT, "ldr")                                                                          \
	X(STR_IMM, "str")                                                                          \
	X(LDR_IMM, "ldr")                                                                          \
	X(STR_REG, "str")                                                                          \
	X(LDR_REG, "ldr")                                                                          \
	X(STTR, "sttr")                                                                            \
	X(LDTR, "ldtr")                                                                            \
	X(PRFM, "prfm")                                                                            \
	X(STP, "stp")                                                                              \
	X(LDP, "ldp")                                                                              \
	X(STNP, "stnp")                                                                            \
	X(LDNP, "ldnp")                                                                            \
	X(STXR, "stxr")                                                                            \
	X(LDXR, "ldxr")                                                                            \
	X(STXP, "stxp")                                                                            \
	X(LDXP, "ldxp")                                                                            \
	X(STLR, "stlr")                                                                            \
	X(LDAR, "ldar")                                                                            \
	X(LDAPR, "ldapr")                                                                          \
	X(LDADD, "ldadd")                                                                          \
	X(LDCLR, "ldclr")                                                                          \
	X(LDEOR, "ldeor")                                                                          \
	X(LDSET, "ldset")                                                                          \
	X(LDSMAX, "ldsmax")                                                                        \
	X(LDSMIN, "ldsmin")                                                                        \
	X(LDUMAX, "ldumax")                                                                        \
	X(LDUMIN, "ldumin")                                                                        \
	X(SWP, "swp")                                                                              \
	X(CAS, "cas")                                                                              \
	X(CASP, "casp")                                                                            \
	/* data processing -- register */                                                          \
	X(AND_REG, "and")                                                                          \
	X(BIC_REG, "bic")                                                                          \
	X(ORR_REG, "orr")                                                                          \
	X(ORN_REG, "orn")                                                                          \
	X(EOR_REG, "eor")                                                                          \
	X(EON_REG, "eon")                                                                          \
	X(ANDS_REG, "ands")                                                                        \
	X(BICS_REG, "bics")                                                                        \
	X(ADD_REG, "add")                                                                          \
	X(ADDS_REG, "adds")                                                                        \
	X(SUB_REG, "sub")                                                                          \
	X(SUBS_REG, "subs")                                                                        \
	X(ADD_EXT, "add")                                                                          \
	X(ADDS_EXT, "adds")                                                                        \
	X(SUB_EXT, "sub")                                                                          \
	X(SUBS_EXT, "subs")                                                                        \
	X(ADC, "adc")                                                                              \
	X(ADCS, "adcs")                                                                            \
	X(SBC, "sbc")                                                                              \
	X(SBCS, "sbcs")                                                                            \
	X(CCMN_REG, "ccmn")                                                                        \
	X(CCMP_REG, "ccmp")                                                                        \
	X(CCMN_IMM, "ccmn")                                                                        \
	X(CCMP_IMM, "ccmp")                                                                        \
	X(CSEL, "csel")                                                                            \
	X(CSINC, "csinc")                                                                          \
	X(CSINV, "csinv")                                                                          \
	X(CSNEG, "csneg")                                                                          \
	X(RBIT, "rbit")                                                                            \
	X(REV16, "rev16")                                                                          \
	X(REV32, "rev32")                                                                          \
	X(REV, "rev")                                                                              \
	X(CLZ, "clz")                                                                              \
	X(CLS, "cls")                                                                              \
	X(UDIV, "udiv")                                                                            \
	X(SDIV, "sdiv")                                                                            \
	X(LSLV, "lslv")                                                                            \
	X(LSRV, "lsrv")                                                                            \
	X(ASRV, "asrv")                                                                            \
	X(RORV, "rorv")                                                                            \
	X(MADD, "madd")                                                                            \
	X(MSUB, "msub")                                                                            \
	X(SMADDL, "smaddl")                                                                        \
	X(SMSUBL, "smsubl")                                                                        \
	X(UMADDL, "umaddl")                                                                        \
	X(UMSUBL, "umsubl")                                                                        \
	X(SMULH, "smulh")                                                                          \
	X(UMULH, "umulh")

#define DEC_A64_OP_ENUM(name, mnemonic) DEC_A64_OP_##name,
typedef enum dec_a64_op { DEC_A64_OPS(DEC_A64_OP_ENUM) DEC_A64_OP_COUNT } dec_a64_op;
#undef DEC_A64_OP_ENUM

/* dec_a64_insn.flags */
enum {
	DEC_A64_SF = 1u << 0,	     /* 64-bit operation; for loads, an X destination register */
	DEC_A64_SIGNED = 1u << 1,    /* a load that sign-extends (LDRSB, LDRSW, LDPSW) */
	DEC_A64_WRITEBACK = 1u << 2, /* pre- or post-indexed: the base register is updated */
	DEC_A64_POSTINDEX = 1u << 3, /* the access uses the base before the offset is added */
	DEC_A64_ACQUIRE = 1u << 4,   /* LDAR, LDAXR, LDAPR, the A forms of atomics and CAS */
	DEC_A64_RELEASE = 1u << 5,   /* STLR, STLXR, the L forms of atomics and CAS */
	DEC_A64_UNSCALED = 1u << 6,  /* LDUR/STUR/PRFUM: a 9-bit byte offset, no writeback */
	DEC_A64_RD_SP = 1u << 7,     /* register 31 in rd is SP, not the zero register */
	DEC_A64_RN_SP = 1u << 8,     /* register 31 in rn is SP (every load/store base) */
	/* bits 12..15 are never set by the decoder: a cache of decoded records may use them */
};

/* Shift types (dec_a64_insn.shift for shifted-register forms). */
enum { DEC_A64_LSL, DEC_A64_LSR, DEC_A64_ASR, DEC_A64_ROR };
/* Extend types (dec_a64_insn.shift for extended-register forms and register-offset loads and
 * stores), the encoding of the option field. */
enum {
	DEC_A64_UXTB,
	DEC_A64_UXTH,
	DEC_A64_UXTW,
	DEC_A64_UXTX,
	DEC_A64_SXTB,
	DEC_A64_SXTH,
	DEC_A64_SXTW,
	DEC_A64_SXTX
};

/* A system register's encoding as MRS/MSR/SYS carry it in bits [20:5] (op0 in 15:14, op1 in
 * 13:11, CRn in 10:7, CRm in 6:3, op2 in 2:0) -- also Capstone's numbering of sysregs. */
#define DEC_A64_SYSREG(op0, op1, crn, crm, op2)                                                    \
	((uint16_t)((op0) << 14 | (op1) << 11 | (crn) << 7 | (crm) << 3 | (op2)))
#define DEC_A64_SYSREG_OP0(k) (((k) >> 14) & 3u)
#define DEC_A64_SYSREG_OP1(k) (((k) >> 11) & 7u)
#define DEC_A64_SYSREG_CRN(k) (((k) >> 7) & 15u)
#define DEC_A64_SYSREG_CRM(k) (((k) >> 3) & 15u)
#define DEC_A64_SYSREG_OP2(k) ((k)&7u)

/* One decoded instruction. Fields an instruction does not use are 0. Register numbers are the
 * encoded 0..31; whether 31 means SP or the zero register is in flags (DEC_A64_RD_SP,
 * DEC_A64_RN_SP; it is always the zero register in rm and ra, and in rd of loads/stores).
 *
 *   imm:    the immediate as the instruction uses it: ADD/SUB imm12 after LSL #12; logical
 *           immediates expanded by DecodeBitMasks; MOVZ/MOVN/MOVK imm16 << hw (MOVN not yet
 *           inverted); ADR's byte offset, ADRP's page offset (<< 12); branch offsets in bytes;
 *           load/store byte offsets (scaled and sign-extended); SVC/HVC/SMC/BRK imm16; CCMP's
 *           imm5; DSB/DMB's CRm; HINT's CRm:op2; MSR (immediate)'s CRm.
 *   sysreg: bits [20:5] of every system instruction (DEC_A64_SYSREG layout).
 *   rd:     Rd, or Rt of loads, stores, CBZ, TBZ, MRS, MSR and SYS.
 *   rm:     Rm, or Rs: the status of STXR/STXP, the compare value of CAS/CASP, the source of
 *           LSE atomics and SWP.
 *   ra:     Ra of MADD and friends, Rt2 of pairs (LDP, LDXP, ...).
 *   size:   log2 of the bytes one register moves for loads and stores (0..3).
 *   shift:  shift type (DEC_A64_LSL..ROR) or extend type (DEC_A64_UXTB..SXTX).
 *   amount: shift amount; left shift of an extended register or a register offset; immr of
 *           SBFM/BFM/UBFM; lsb of EXTR; the bit TBZ/TBNZ test; hw * 16 of MOVZ/MOVN/MOVK.
 *   imms:   imms of SBFM/BFM/UBFM.
 *   cond:   condition of B.cond, CSEL and friends, CCMP/CCMN.
 *   nzcv:   the flags CCMP/CCMN set when the condition fails.
 */
typedef struct dec_a64_insn {
	int64_t imm;
	uint16_t op; /* dec_a64_op */
	uint16_t flags;
	uint16_t sysreg;
	uint8_t rd;
	uint8_t rn;
	uint8_t rm;
	uint8_t ra;
	uint8_t size;
	uint8_t shift;
	uint8_t amount;
	uint8_t imms;
	uint8_t cond;
	uint8_t nzcv;
} dec_a64_insn;

/* Decodes raw. Returns false, with out->op = DEC_A64_OP_UNDEF, for every encoding that is not
 * an implemented instruction: unallocated and reserved encodings, SVE, SME, pointer
 * authentication, CRC32, MTE and the other extensions beyond the set above. Every SIMD and
 * floating-point instruction (and SIMD&FP load/store) decodes to DEC_A64_OP_FPSIMD. */
bool dec_a64_decode(uint32_t raw, dec_a64_insn *out);

/* The Arm ARM's mnemonic of op ("ldr", "b.cond"); "unknown" for an op out of range. */
const char *dec_a64_op_name(unsigned op);

/* The mnemonic of the decoded instruction as the Arm ARM spells the instruction (not its
 * preferred alias): "ldrsh", "ldur", "ldaxrb", "stlxp", "casal", "ldaddlh", "b.ne". */
const char *dec_a64_mnemonic(const dec_a64_insn *d, char *buf, size_t size);

/* "eq", "ne", ... "al", "nv" for a condition code. */
const char *dec_a64_cond_name(unsigned cond);

/* What a load or store does to memory, as the exit handler needs it for a data abort. */
typedef struct dec_a64_access {
	uint8_t bytes; /* per register: 1, 2, 4 or 8 */
	uint8_t rt;    /* the data register (31 = zero register) */
	uint8_t rt2;   /* the second register of pairs */
	uint8_t rs;    /* status (STXR), compare (CAS) or source (atomics) register */
	uint8_t rn;    /* the base register (31 = SP), or 0 for literal loads */
	bool load;     /* both load and store for atomics, SWP and CAS */
	bool store;
	bool sign_extend;
	bool reg64;	/* the data register is an X register */
	bool pair;	/* two registers: LDP/STP/LDNP/STNP/LDPSW/LDXP/STXP/CASP */
	bool writeback; /* pre- or post-index */
	bool exclusive; /* load/store exclusive */
	bool atomic;	/* LSE atomic, SWP, CAS, CASP */
	bool acq_rel;	/* acquire or release semantics (ESR.ISS.AR) */
	bool unpriv;	/* LDTR/STTR: checked as an EL0 access */
	bool isv;	/* ESR_EL2.ISV for a stage-2 abort: a single-register load or store
			 * without writeback, neither exclusive nor atomic */
} dec_a64_access;

/* Fills *a for a load or store of general-purpose registers; false for everything else
 * (including PRFM, which accesses no memory, and SIMD&FP loads/stores). */
bool dec_a64_mem_access(const dec_a64_insn *d, dec_a64_access *a);

/* DecodeBitMasks for a logical immediate: the 64-bit value of (N, immr, imms) at datasize 32
 * or 64 (replicated, and for 32 zero-extended). false for the reserved encodings. */
bool dec_a64_bitmask_imm(unsigned n, unsigned immr, unsigned imms, unsigned datasize,
			 uint64_t *value);

#endif
