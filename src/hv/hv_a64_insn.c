/* The A64 loads and stores an MMIO exit can emulate when the syndrome does not describe the
 * access (ESR_EL2.ISV = 0): general-purpose register loads and stores with writeback, with a
 * register offset, and pairs (Arm ARM, "Loads and Stores" encoding group). Atomics,
 * exclusives, SIMD&FP and the like are refused, each with a sentence saying why.
 */
#include "hv/hv_a64.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The group: op0 = x1x0 in bits 28:25. Bit 26 (V) selects SIMD&FP registers within it. */
#define LDST_MASK  UINT32_C(0x0a000000)
#define LDST_VALUE UINT32_C(0x08000000)
#define LDST_V	   (UINT32_C(1) << 26)

static unsigned field(uint32_t insn, unsigned lsb, unsigned width)
{
	return (insn >> lsb) & ((1u << width) - 1);
}

static int64_t signed_field(uint32_t insn, unsigned lsb, unsigned width)
{
	int64_t v = field(insn, lsb, width);

	return v >= (INT64_C(1) << (width - 1)) ? v - (INT64_C(1) << width) : v;
}

static bool refuse(const char **why, const char *sentence)
{
	*why = sentence;
	return false;
}

/* Bits 11:10 of the immediate forms and bits 24:23 of the pairs select the addressing alike:
 * 00 unscaled / non-temporal, 01 post-index, 10 unprivileged / signed offset, 11 pre-index. */
static const hv_a64_writeback index_writeback[4] = {
    HV_A64_WB_NONE,
    HV_A64_WB_POST,
    HV_A64_WB_NONE,
    HV_A64_WB_PRE,
};

/* ---- single registers: LDR/STR and their B, H, signed and unscaled forms ---- */

/* By size (bits 31:30) and opc (bits 23:22); width 0: a prefetch or unallocated. */
static const struct {
	uint8_t width, reg_width;
	bool store, sign_extend;
} single_ops[16] = {
    {1, 4, true, false},  /* STRB */
    {1, 4, false, false}, /* LDRB */
    {1, 8, false, true},  /* LDRSB Xt */
    {1, 4, false, true},  /* LDRSB Wt */
    {2, 4, true, false},  /* STRH */
    {2, 4, false, false}, /* LDRH */
    {2, 8, false, true},  /* LDRSH Xt */
    {2, 4, false, true},  /* LDRSH Wt */
    {4, 4, true, false},  /* STR Wt */
    {4, 4, false, false}, /* LDR Wt */
    {4, 8, false, true},  /* LDRSW */
    {0, 0, false, false}, /* unallocated */
    {8, 8, true, false},  /* STR Xt */
    {8, 8, false, false}, /* LDR Xt */
    {0, 0, false, false}, /* PRFM / PRFUM */
    {0, 0, false, false}, /* unallocated */
};

/* The operation of a single-register form; false when it moves no data. */
static bool single_op(uint32_t insn, hv_a64_access *acc, const char **why)
{
	unsigned op = field(insn, 30, 2) << 2 | field(insn, 22, 2);

	if (!single_ops[op].width)
		return refuse(why, "cannot emulate: the instruction at ELR is a prefetch or an "
				   "unallocated load/store encoding, which moves no data");
	acc->width = single_ops[op].width;
	acc->reg_width = single_ops[op].reg_width;
	acc->store = single_ops[op].store;
	acc->sign_extend = single_ops[op].sign_extend;
	acc->rt = (uint8_t)field(insn, 0, 5);
	acc->rn = (uint8_t)field(insn, 5, 5);
	return true;
}

/* LDR/STR (immediate, unsigned offset): imm12 scaled by the access size. */
static bool single_unsigned(uint32_t insn, hv_a64_access *acc, const char **why)
{
	if (!single_op(insn, acc, why))
		return false;
	acc->offset = (int64_t)field(insn, 10, 12) * acc->width;
	return true;
}

/* LDUR/STUR, LDTR/STTR, pre- and post-indexed: a signed, unscaled imm9. */
static bool single_imm9(uint32_t insn, hv_a64_access *acc, const char **why)
{
	if (!single_op(insn, acc, why))
		return false;
	acc->offset = signed_field(insn, 12, 9);
	acc->writeback = index_writeback[field(insn, 10, 2)];
	return true;
}

/* LDR/STR (register): Xm or Wm extended by option (bit 1 must be set), shifted by the
 * access size when S. */
static bool single_register(uint32_t insn, hv_a64_access *acc, const char **why)
{
	unsigned option = field(insn, 13, 3);

	if (!(option & 2))
		return refuse(why, "cannot emulate: the instruction at ELR is a register-offset "
				   "load/store with a reserved extend option");
	if (!single_op(insn, acc, why))
		return false;
	acc->reg_offset = true;
	acc->rm = (uint8_t)field(insn, 16, 5);
	acc->option = (uint8_t)option;
	acc->shift = field(insn, 12, 1) ? (uint8_t)field(insn, 30, 2) : 0;
	return true;
}

/* ---- pairs: LDP/STP/LDNP/STNP of W and X registers, LDPSW ---- */

static bool pair(uint32_t insn, hv_a64_access *acc, const char **why)
{
	unsigned opc = field(insn, 30, 2), index = field(insn, 23, 2);
	bool load = field(insn, 22, 1);

	if (opc == 3 || (opc == 1 && (!load || !index)))
		return refuse(why,
			      "cannot emulate: the instruction at ELR is a pair of memory tags "
			      "(STGP) or an unallocated pair encoding");
	acc->pair = true;
	acc->store = !load;
	acc->width = opc == 2 ? 8 : 4;
	acc->sign_extend = opc == 1; /* LDPSW */
	acc->reg_width = opc == 0 ? 4 : 8;
	acc->rt = (uint8_t)field(insn, 0, 5);
	acc->rn = (uint8_t)field(insn, 5, 5);
	acc->rt2 = (uint8_t)field(insn, 10, 5);
	acc->offset = signed_field(insn, 15, 7) * acc->width;
	acc->writeback = index_writeback[index];
	return true;
}

/* ---- the classes of the group, general-purpose registers (V = 0) ---- */

typedef bool class_fn(uint32_t insn, hv_a64_access *acc, const char **why);

static const struct {
	uint32_t mask, value;
	class_fn *decode; /* NULL: refused with why */
	const char *why;
} classes[] = {
    {0x3b000000, 0x39000000, single_unsigned, NULL},
    {0x3b200000, 0x38000000, single_imm9, NULL},
    {0x3b200c00, 0x38200800, single_register, NULL},
    {0x3a000000, 0x28000000, pair, NULL},
    {0x3b200c00, 0x38200000, NULL,
     "cannot emulate: the instruction at ELR is an atomic memory operation (LDADD, SWP, CAS, "
     "LDAPR...), which no single device read or write performs"},
    {0x3b200400, 0x38200400, NULL,
     "cannot emulate: the instruction at ELR is a pointer-authenticated load (LDRAA/LDRAB), "
     "whose address the handler cannot authenticate"},
    {0x3f000000, 0x08000000, NULL,
     "cannot emulate: the instruction at ELR is an exclusive or ordered access (LDXR/STXR, "
     "LDAXP, CASP...), whose monitor or atomicity a device access cannot model"},
    {0x3f000000, 0x19000000, NULL,
     "cannot emulate: the instruction at ELR is an RCpc unscaled access (LDAPUR/STLUR) or a "
     "memory-tag access, which guests do not aim at devices"},
    {0x3b000000, 0x18000000, NULL,
     "cannot emulate: the instruction at ELR is a PC-relative literal load, which does not "
     "address a device"},
};

bool hv_a64_decode_access(uint32_t insn, hv_a64_access *acc, const char **why)
{
	hv_zero(acc, sizeof(*acc));
	*why = NULL;
	if ((insn & LDST_MASK) != LDST_VALUE)
		return refuse(why, "cannot emulate: the instruction at ELR is no load or store");
	if (insn & LDST_V)
		return refuse(why,
			      "cannot emulate: the instruction at ELR loads or stores SIMD&FP "
			      "registers; the handler emulates general-purpose registers only");
	for (size_t i = 0; i < COUNT(classes); i++) {
		if ((insn & classes[i].mask) != classes[i].value)
			continue;
		if (!classes[i].decode)
			return refuse(why, classes[i].why);
		return classes[i].decode(insn, acc, why);
	}
	return refuse(why, "cannot emulate: the instruction at ELR is a load/store form the "
			   "handler does not decode");
}
