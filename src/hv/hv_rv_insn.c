/* The loads and stores an MMIO exit can emulate (RV64I and RVC; the Unprivileged Spec's
 * encodings). AMOs, LR/SC, floating-point and vector accesses are refused: their semantics
 * cannot be split into one device read or write.
 */
#include "hv/hv_rv.h"

#define OPCODE_LOAD  0x03u
#define OPCODE_STORE 0x23u
#define RVC_REG_BASE 8 /* rd' / rs2' name x8..x15 */

/* LOAD funct3 -> width and extension; funct3 7 is reserved (width 0). */
static const struct {
	uint8_t width;
	bool sign_extend;
} loads[8] = {
    {1, true},	/* LB */
    {2, true},	/* LH */
    {4, true},	/* LW */
    {8, false}, /* LD */
    {1, false}, /* LBU */
    {2, false}, /* LHU */
    {4, false}, /* LWU */
    {0, false},
};

/* STORE funct3 -> width: SB, SH, SW, SD; 4..7 are not integer stores. */
static const uint8_t stores[8] = {1, 2, 4, 8};

/* The compressed loads and stores of RV64C. */
static const struct {
	uint8_t quadrant; /* bits 1:0 */
	uint8_t funct3;	  /* bits 15:13 */
	bool store;
	bool sp_relative; /* a full 5-bit register field instead of rd' / rs2' */
	uint8_t width;
} compressed[] = {
    {0, 2, false, false, 4}, /* C.LW */
    {0, 3, false, false, 8}, /* C.LD */
    {0, 6, true, false, 4},  /* C.SW */
    {0, 7, true, false, 8},  /* C.SD */
    {2, 2, false, true, 4},  /* C.LWSP */
    {2, 3, false, true, 8},  /* C.LDSP */
    {2, 6, true, true, 4},   /* C.SWSP */
    {2, 7, true, true, 8},   /* C.SDSP */
};

#define NCOMPRESSED (sizeof(compressed) / sizeof(compressed[0]))

static unsigned bits(uint32_t insn, unsigned lsb, unsigned width)
{
	return (insn >> lsb) & ((1u << width) - 1);
}

static bool decode_32(uint32_t insn, hv_rv_access *acc)
{
	unsigned funct3 = bits(insn, 12, 3);

	acc->len = 4;
	switch (bits(insn, 0, 7)) {
	case OPCODE_LOAD:
		acc->store = false;
		acc->width = loads[funct3].width;
		acc->sign_extend = loads[funct3].sign_extend;
		acc->reg = bits(insn, 7, 5);
		return acc->width != 0;
	case OPCODE_STORE:
		acc->store = true;
		acc->width = funct3 < 4 ? stores[funct3] : 0;
		acc->sign_extend = false;
		acc->reg = bits(insn, 20, 5);
		return acc->width != 0;
	default: return false;
	}
}

/* Register field of a compressed access: rd / rs2 of the SP forms, rd' / rs2' of the others. */
static unsigned compressed_reg(uint32_t insn, bool store, bool sp_relative)
{
	if (!sp_relative)
		return RVC_REG_BASE + bits(insn, 2, 3);
	return store ? bits(insn, 2, 5) : bits(insn, 7, 5);
}

static bool decode_16(uint32_t insn, hv_rv_access *acc)
{
	for (size_t i = 0; i < NCOMPRESSED; i++) {
		if (compressed[i].quadrant != bits(insn, 0, 2) ||
		    compressed[i].funct3 != bits(insn, 13, 3))
			continue;
		acc->store = compressed[i].store;
		acc->width = compressed[i].width;
		acc->sign_extend = compressed[i].width == 4 && !compressed[i].store;
		acc->reg = compressed_reg(insn, acc->store, compressed[i].sp_relative);
		acc->len = 2;
		/* C.LWSP / C.LDSP with rd = x0 are reserved encodings */
		return acc->store || !compressed[i].sp_relative || acc->reg != 0;
	}
	return false;
}

bool hv_rv_decode_access(uint32_t insn, hv_rv_access *acc)
{
	if (bits(insn, 0, 2) == 3)
		return decode_32(insn, acc);
	return decode_16(insn & 0xffffu, acc);
}
