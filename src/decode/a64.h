/* trapscope — AArch64 decoders: what the a64_*.c files share with each other (internal). */
#ifndef TRAPSCOPE_DECODE_A64_H
#define TRAPSCOPE_DECODE_A64_H

#include "decode.h"

/* ---- Field helpers (dec_a64_regs.c) --------------------------------------------------------- */

/* A one-bit field whose meaning depends on its value. */
dec_field *dec_a64_flag(dec_reg *r, const char *name, const char *long_name, unsigned bit,
			const char *if_clear, const char *if_set);
/* A field whose meaning is names[value]; a missing entry reads "reserved encoding" and warns. */
dec_field *dec_a64_enum(dec_reg *r, const char *name, const char *long_name, unsigned lsb,
			unsigned width, const char *const *names, size_t count);
/* A RES0 field, added (with a warning) only when some of its bits are set. */
void dec_a64_res0(dec_reg *r, unsigned lsb, unsigned width);
/* A RES0 field that is always shown; warns when set. */
void dec_a64_res0_always(dec_reg *r, unsigned lsb, unsigned width);

#define A64_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- ESR_ELx (dec_a64_esr.c) ---------------------------------------------------------------- */

#define A64_EC_UNKNOWN	   0x00
#define A64_EC_WFX	   0x01
#define A64_EC_CP15_32	   0x03
#define A64_EC_CP15_64	   0x04
#define A64_EC_CP14_MR	   0x05
#define A64_EC_CP14_LS	   0x06
#define A64_EC_FP_ASIMD	   0x07
#define A64_EC_CP10_ID	   0x08
#define A64_EC_PAC	   0x09
#define A64_EC_LS64	   0x0A
#define A64_EC_CP14_64	   0x0C
#define A64_EC_BTI	   0x0D
#define A64_EC_ILL	   0x0E
#define A64_EC_SVC32	   0x11
#define A64_EC_HVC32	   0x12
#define A64_EC_SMC32	   0x13
#define A64_EC_SYS128	   0x14
#define A64_EC_SVC64	   0x15
#define A64_EC_HVC64	   0x16
#define A64_EC_SMC64	   0x17
#define A64_EC_SYS64	   0x18
#define A64_EC_SVE	   0x19
#define A64_EC_ERET	   0x1A
#define A64_EC_TSTART	   0x1B
#define A64_EC_FPAC	   0x1C
#define A64_EC_SME	   0x1D
#define A64_EC_GPC	   0x1E
#define A64_EC_IMP_DEF	   0x1F
#define A64_EC_IABT_LOW	   0x20
#define A64_EC_IABT_CUR	   0x21
#define A64_EC_PC_ALIGN	   0x22
#define A64_EC_DABT_LOW	   0x24
#define A64_EC_DABT_CUR	   0x25
#define A64_EC_SP_ALIGN	   0x26
#define A64_EC_MOPS	   0x27
#define A64_EC_FP_EXC32	   0x28
#define A64_EC_FP_EXC64	   0x2C
#define A64_EC_GCS	   0x2D
#define A64_EC_SERROR	   0x2F
#define A64_EC_BREAKPT_LOW 0x30
#define A64_EC_BREAKPT_CUR 0x31
#define A64_EC_SOFTSTP_LOW 0x32
#define A64_EC_SOFTSTP_CUR 0x33
#define A64_EC_WATCHPT_LOW 0x34
#define A64_EC_WATCHPT_CUR 0x35
#define A64_EC_BKPT32	   0x38
#define A64_EC_VECTOR32	   0x3A
#define A64_EC_BRK64	   0x3C
#define A64_EC_PMU	   0x3D

static inline unsigned dec_a64_esr_ec(uint64_t esr)
{
	return (unsigned)dec_bits(esr, 26, 6);
}

static inline uint32_t dec_a64_esr_iss(uint64_t esr)
{
	return (uint32_t)dec_bits(esr, 0, 25);
}

/* The Arm ARM's name of an exception class; "Unallocated (reserved) exception class" for
 * the codes it leaves free. Never NULL. */
const char *dec_a64_ec_long_name(unsigned ec);
/* True for the codes the current Arm ARM allocates. */
bool dec_a64_ec_allocated(unsigned ec);

/* Fault status codes (DFSC/IFSC) of data and instruction aborts, grouped by kind. */
typedef enum dec_a64_fault_kind {
	A64_FAULT_RESERVED,
	A64_FAULT_ADDR_SIZE,
	A64_FAULT_TRANSLATION,
	A64_FAULT_ACCESS_FLAG,
	A64_FAULT_PERMISSION,
	A64_FAULT_EXTERNAL,
	A64_FAULT_EXTERNAL_TTW,
	A64_FAULT_TAG_CHECK,
	A64_FAULT_PARITY,
	A64_FAULT_PARITY_TTW,
	A64_FAULT_ALIGNMENT,
	A64_FAULT_GPF,
	A64_FAULT_GPF_TTW,
	A64_FAULT_TLB_CONFLICT,
	A64_FAULT_ATOMIC_HW_UPDATE,
	A64_FAULT_IMPDEF,
} dec_a64_fault_kind;

typedef struct dec_a64_fsc {
	dec_a64_fault_kind kind;
	int level; /* translation level -2..3, or A64_NO_LEVEL */
	const char *name;
} dec_a64_fsc;

#define A64_NO_LEVEL 9

const dec_a64_fsc *dec_a64_fsc_info(unsigned fsc);

/* Spells a trapped MSR/MRS/SYS (EC 0x18) or MSRR/MRRS/SYSP (EC 0x14) from its ISS, e.g.
 * "MRS x0, CNTVCT_EL0". Returns buf. */
const char *dec_a64_sysreg_insn(uint32_t iss, bool pair, char *buf, size_t size);

/* "x3", "w3", "xzr", "wzr". */
const char *dec_a64_gpr_name(unsigned n, bool is64);

/* The access a data abort with ISV=1 describes: "write of 4 bytes from w1",
 * "read of 2 bytes into w0, sign-extended". Returns buf. */
const char *dec_a64_dabt_access(uint32_t iss, char *buf, size_t size);

static inline bool dec_a64_ec_is_dabt(unsigned ec)
{
	return ec == A64_EC_DABT_LOW || ec == A64_EC_DABT_CUR;
}

static inline bool dec_a64_ec_is_iabt(unsigned ec)
{
	return ec == A64_EC_IABT_LOW || ec == A64_EC_IABT_CUR;
}

void dec_a64_decode_esr(dec_reg *r, const dec_regdef *def, uint64_t value, const dec_ctx *ctx);

/* ---- Other registers (dec_a64_regs.c) ----------------------------------------------------- */

/* Bits of HPFAR_EL2 that hold the faulting IPA page (FIPA, IPA[55:12]). */
#define A64_HPFAR_FIPA_MASK UINT64_C(0x0000FFFFFFFFFFF0)

static inline uint64_t dec_a64_hpfar_to_ipa_page(uint64_t hpfar)
{
	return (hpfar & A64_HPFAR_FIPA_MASK) << 8;
}

/* Stage-2 walk geometry from VTCR_EL2. The start level can resolve IPA sizes from
 * min_ipa_bits to max_ipa_bits (1 to 16 concatenated tables at that level). */
typedef struct dec_a64_s2_geometry {
	unsigned ipa_bits;     /* 64 - T0SZ */
	unsigned granule_bits; /* 12, 14 or 16; 0 for the reserved TG0 encoding */
	int start_level;       /* -1..3, or A64_NO_LEVEL when SL0 is reserved for this granule */
	unsigned min_ipa_bits;
	unsigned max_ipa_bits;
	unsigned concat_tables; /* tables concatenated at the start level */
	unsigned pa_bits;	/* output address size from PS */
} dec_a64_s2_geometry;

void dec_a64_vtcr_geometry(uint64_t vtcr, dec_a64_s2_geometry *g);
bool dec_a64_s2_geometry_consistent(const dec_a64_s2_geometry *g);

void dec_a64_decode_hpfar(dec_reg *r, const dec_regdef *def, uint64_t value, const dec_ctx *ctx);
void dec_a64_decode_far(dec_reg *r, const dec_regdef *def, uint64_t value, const dec_ctx *ctx);
void dec_a64_decode_elr(dec_reg *r, const dec_regdef *def, uint64_t value, const dec_ctx *ctx);
void dec_a64_decode_hcr(dec_reg *r, const dec_regdef *def, uint64_t value, const dec_ctx *ctx);
void dec_a64_decode_vtcr(dec_reg *r, const dec_regdef *def, uint64_t value, const dec_ctx *ctx);
void dec_a64_decode_vttbr(dec_reg *r, const dec_regdef *def, uint64_t value, const dec_ctx *ctx);
void dec_a64_decode_spsr(dec_reg *r, const dec_regdef *def, uint64_t value, const dec_ctx *ctx);
void dec_a64_decode_sctlr(dec_reg *r, const dec_regdef *def, uint64_t value, const dec_ctx *ctx);
void dec_a64_decode_midr(dec_reg *r, const dec_regdef *def, uint64_t value, const dec_ctx *ctx);

/* "EL1h", "EL0t", "AArch32 Supervisor", ... for SPSR.M[4:0]. */
const char *dec_a64_spsr_mode_name(unsigned m);

/* ---- SMCCC / PSCI (dec_a64_smccc.c) ------------------------------------------------------- */

#define A64_SMCCC_VARIANT_SMCCC 0
#define A64_SMCCC_VARIANT_PSCI	1

/* Name of a known function ID ("PSCI_CPU_ON (SMC64)"), else of its range ("SDEI function"),
 * else NULL. */
const char *dec_a64_smccc_function_name(uint32_t id);
/* True when id is one of the PSCI function IDs (0x84000000-0x8400001F, 0xC4000000-...). */
bool dec_a64_smccc_is_psci(uint32_t id);
/* What KVM (kvm_smccc_call_handler, kvm_psci_call) does with a function ID it knows, as a
 * sentence; NULL for IDs trapscope does not know. */
const char *dec_a64_smccc_kvm_action(uint32_t id);
/* What arm_vcpu does with a function ID that arrived by HVC or by SMC. */
const char *dec_a64_smccc_arm_vcpu_action(uint32_t id, bool via_smc);

void dec_a64_decode_smccc(dec_reg *r, const dec_regdef *def, uint64_t value, const dec_ctx *ctx);

/* ---- Instructions (dec_a64_disasm.c) ------------------------------------------------------ */

/* Capstone's text split in two: mnemonic ("mrs") and operands ("x0, cntvct_el0"). */
bool dec_a64_disasm_parts(uint32_t raw, uint64_t pc, char *mnemonic, size_t msize, char *operands,
			  size_t osize);

void dec_a64_decode_insn(dec_reg *r, const dec_regdef *def, uint64_t value, const dec_ctx *ctx);

#endif
