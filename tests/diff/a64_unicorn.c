/* Differential test of the AArch64 hart against Unicorn 2.0.1 (QEMU 5.0's A64 translator,
 * CPU model "max": FEAT_LSE and LDAPR included).
 *
 * Generates random straight-line sequences of A64 integer instructions from random register
 * states, runs each in trapscope's hart (one a64_step per instruction) and in Unicorn, and
 * compares the pc, X0..X30, SP, NZCV and the data buffer afterwards. Both run at EL1h from the
 * same RAM image. Unicorn runs with the MMU off and without alignment checks; trapscope's hart
 * runs with HCR_EL2.DC = 1 and an identity stage 2, which makes memory Normal, so misaligned
 * plain loads and stores are generated too (with the MMU plainly off the Arm ARM makes data
 * Device memory, where they fault).
 *
 * Sequences are trap-free by construction:
 *  - x27, x28 and SP hold base pointers into the data buffer and are never written; every
 *    access addresses the buffer through one of them, or through x26 (pre/post-index, atomics)
 *    or an index in x25, set by an instruction just before in the same unit;
 *  - a sequence is a list of units (one or a few instructions generated together); branches go
 *    forward to the start of a later unit or to the end, so every instruction runs at most once
 *    and a unit always runs whole;
 *  - exclusives, acquire/release and atomics are naturally aligned; an LDXR is followed in its
 *    unit by a STXR of the same address with only register arithmetic between (a lone STXR
 *    must fail in both);
 *  - nothing the Arm ARM calls CONSTRAINED UNPREDICTABLE: no load with writeback into its base,
 *    no LDP/LDXP with Rt = Rt2, no STXR whose status register is its data or base.
 *
 * What Unicorn 2.0.1 gets wrong, and so is not generated:
 *  - LDSMAX, LDSMIN, LDUMAX, LDUMIN of bytes, halfwords and words: it compares the memory
 *    value with all 64 bits of Rs (unsigned, or signed as a 64-bit value) instead of Rs's low
 *    8/16/32 bits as the access size's signed or unsigned integer. LDUMAXB with Rs = 0x100
 *    and memory 0x36 stores 0x00 (the Arm ARM: max(0x36, 0x00) = 0x36); LDSMAXB with Rs = 0xff
 *    and memory 0x36 stores 0xff (the Arm ARM: max(0x36, -1) = 0x36). The 64-bit forms agree.
 *
 * usage: a64_unicorn [--seed N] [--sequences N] [--length N] [--keep-going]
 * Sequence i of a run uses seed N + i, so "--seed N+i --sequences 1" replays it alone.
 * Exit 0 when all agree, 1 on a disagreement, 77 when Unicorn has no ARM64 engine, 99 on a
 * setup error.
 */
#include "decode/a64_insn.h"
#include "emu/a64_hart.h"
#include "emu/bus.h"

#include <capstone/capstone.h>
#include <unicorn/unicorn.h>

#include "diff_options.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RAM_BASE  UINT64_C(0x40000000)
#define RAM_SIZE  (UINT64_C(1) << 20)
#define CODE_BASE RAM_BASE
#define CODE_SIZE 0x1000u
#define DATA_BASE (RAM_BASE + 0x2000)
#define DATA_SIZE 0x2000u
#define S2_TABLE  (RAM_BASE + 0x10000)

/* Base pointers lie in [DATA_BASE + BASE_LO, DATA_BASE + BASE_HI), 16-byte aligned: every
 * offset generated (at most 1 KiB either way, plus a pair) stays inside the buffer. */
#define BASE_LO 1536u
#define BASE_HI (DATA_SIZE - 1536u)

#define MAX_LENGTH 512 /* instructions per sequence; 4 bytes each fit the code page */
#define MAX_UNIT   6   /* the longest unit: ldxr, three fillers, stxr, and one more */

#define EXIT_SKIP  77
#define EXIT_ERROR DIFF_EXIT_ERROR

#define OP(name) DEC_A64_OP_##name

enum { X_INDEX = 25, X_SCRATCH = 26, X_BASE0 = 27, X_BASE1 = 28, X_ZR = 31, X_SP = 31 };

/* ---- random numbers ------------------------------------------------------------------------ */

static uint64_t rng_next(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static unsigned rng_below(uint64_t *state, unsigned n)
{
	return (unsigned)(rng_next(state) % n);
}

static bool rng_chance(uint64_t *state, unsigned one_in)
{
	return rng_below(state, one_in) == 0;
}

static int rng_range(uint64_t *state, int lo, int hi)
{
	return lo + (int)rng_below(state, (unsigned)(hi - lo + 1));
}

/* Register values where arithmetic has corner cases, half of the time. */
static uint64_t interesting_value(uint64_t *rng)
{
	static const uint64_t edges[] = {
	    0,
	    1,
	    2,
	    UINT64_MAX,
	    UINT64_MAX - 1,
	    UINT64_C(1) << 63,
	    (UINT64_C(1) << 63) - 1,
	    (UINT64_C(1) << 63) + 1,
	    UINT64_C(0xffffffff80000000),
	    UINT64_C(0x000000007fffffff),
	    UINT64_C(0x0000000080000000),
	    UINT64_C(0x00000000ffffffff),
	    UINT64_C(0x0000000100000000),
	    UINT64_C(0xffffffff7fffffff),
	    UINT64_C(0x8000000080000000),
	};
	uint64_t pick = rng_next(rng), r = rng_next(rng);
	switch (pick & 7) {
	case 0:
	case 1:
	case 2: return edges[(pick >> 3) % (sizeof edges / sizeof edges[0])];
	case 3: return (uint64_t)((int64_t)((pick >> 3) % 65) - 32);
	case 4: return (uint64_t)(int64_t)(int32_t)r;
	case 5: return (uint32_t)r;
	default: return r;
	}
}

/* ---- sequences ------------------------------------------------------------------------------ */

/* How a branch's (or ADR's) offset is filled in once the layout is known. */
enum fixup { FIX_NONE, FIX_IMM26, FIX_IMM19, FIX_IMM14, FIX_ADR };

struct insn {
	uint32_t raw;
	uint8_t fixup;
	uint16_t op;	      /* the op the decoder must give */
	uint16_t target_unit; /* branches: the unit they jump to (nunits = the end) */
	uint32_t offset;      /* byte offset from CODE_BASE */
};

struct sequence {
	uint64_t seed;
	unsigned n, nunits;
	struct insn insn[MAX_LENGTH + MAX_UNIT];
	unsigned unit_first[MAX_LENGTH + MAX_UNIT + 1];
	uint8_t unit_class[MAX_LENGTH + MAX_UNIT];
	uint32_t size;
	uint8_t code[CODE_SIZE];
	uint64_t x[31];
	uint64_t sp;
	uint32_t nzcv; /* NZCV in bits 31:28 */
	uint8_t data[DATA_SIZE];
};

struct gen {
	uint64_t rng;
	struct sequence *seq;
	unsigned room;
	bool keep_scratch; /* x25 and x26 hold addresses the unit still needs */
};

static void emit(struct gen *g, uint32_t raw, unsigned op)
{
	struct insn *in = &g->seq->insn[g->seq->n++];
	*in = (struct insn){.raw = raw, .op = (uint16_t)op};
	g->room--;
}

/* A branch (or ADR) to the start of a later unit, past up to max_skip - 1 units, or the end. */
static void emit_branch(struct gen *g, uint32_t raw, unsigned op, enum fixup fix, unsigned max_skip)
{
	struct sequence *s = g->seq;
	emit(g, raw, op);
	s->insn[s->n - 1].fixup = (uint8_t)fix;
	s->insn[s->n - 1].target_unit = (uint16_t)(s->nunits + 1 + rng_below(&g->rng, max_skip));
}

/* ---- register choice ---- */

static bool is_base(unsigned x)
{
	return x == X_BASE0 || x == X_BASE1;
}

static unsigned src_reg(struct gen *g)
{
	return rng_below(&g->rng, 32);
}

/* A destination where 31 is the zero register: never a base; XZR now and then. */
static unsigned dst_reg(struct gen *g)
{
	unsigned x;
	if (rng_chance(&g->rng, 24))
		return X_ZR;
	do
		x = rng_below(&g->rng, 31);
	while (is_base(x) || (g->keep_scratch && (x == X_SCRATCH || x == X_INDEX)));
	return x;
}

/* A destination where 31 would be SP: a general register. */
static unsigned dst_reg_nosp(struct gen *g)
{
	unsigned x;
	do
		x = dst_reg(g);
	while (x == 31);
	return x;
}

/* A destination for loads through x26 or x25: not those either. */
static unsigned dst_reg_mem(struct gen *g)
{
	unsigned x;
	do
		x = dst_reg(g);
	while (x == X_SCRATCH || x == X_INDEX);
	return x;
}

static unsigned base_reg(struct gen *g)
{
	static const unsigned bases[] = {X_BASE0, X_BASE1, X_SP};
	return bases[rng_below(&g->rng, 3)];
}

static bool sf(struct gen *g)
{
	return rng_chance(&g->rng, 2);
}

/* ---- encoders (the Arm ARM's encoding diagrams) ---- */

static uint32_t rd_rn(unsigned rd, unsigned rn)
{
	return (uint32_t)(rn << 5 | rd);
}

static uint32_t rd_rn_rm(unsigned rd, unsigned rn, unsigned rm)
{
	return (uint32_t)(rm << 16 | rn << 5 | rd);
}

/* ---- classes ---- */

static void gen_addsub_imm(struct gen *g)
{
	static const uint16_t ops[4] = {OP(ADD_IMM), OP(ADDS_IMM), OP(SUB_IMM), OP(SUBS_IMM)};
	unsigned k = rng_below(&g->rng, 4), s = k & 1;
	unsigned rd = s ? dst_reg(g) : dst_reg_nosp(g);
	uint32_t imm12 = rng_chance(&g->rng, 3) ? rng_below(&g->rng, 4) : rng_below(&g->rng, 4096);
	bool w64 = sf(g);
	emit(g,
	     (uint32_t)w64 << 31 | (k >> 1) << 30 | s << 29 | 0x11000000 |
		 (uint32_t)rng_chance(&g->rng, 4) << 22 | imm12 << 10 | rd_rn(rd, src_reg(g)),
	     ops[k]);
}

static void gen_logic_imm(struct gen *g)
{
	static const uint16_t ops[4] = {OP(AND_IMM), OP(ORR_IMM), OP(EOR_IMM), OP(ANDS_IMM)};
	unsigned opc = rng_below(&g->rng, 4), n, immr, imms;
	bool w64 = sf(g);
	uint64_t v;
	do {
		n = w64 ? rng_below(&g->rng, 2) : 0;
		immr = rng_below(&g->rng, w64 ? 64 : 32);
		imms = rng_below(&g->rng, 64);
	} while (!dec_a64_bitmask_imm(n, immr, imms, w64 ? 64 : 32, &v));
	unsigned rd = opc == 3 ? dst_reg(g) : dst_reg_nosp(g);
	emit(g,
	     (uint32_t)w64 << 31 | opc << 29 | 0x12000000 | n << 22 | immr << 16 | imms << 10 |
		 rd_rn(rd, src_reg(g)),
	     ops[opc]);
}

static void gen_move_wide(struct gen *g)
{
	static const struct {
		uint8_t opc;
		uint16_t op;
	} kinds[] = {{0, OP(MOVN)}, {2, OP(MOVZ)}, {3, OP(MOVK)}};
	unsigned k = rng_below(&g->rng, 3);
	bool w64 = sf(g);
	unsigned hw = rng_below(&g->rng, w64 ? 4 : 2);
	emit(g,
	     (uint32_t)w64 << 31 | (uint32_t)kinds[k].opc << 29 | 0x12800000 | hw << 21 |
		 (uint32_t)(rng_next(&g->rng) & 0xffff) << 5 | dst_reg(g),
	     kinds[k].op);
}

static void gen_bitfield(struct gen *g)
{
	static const uint16_t ops[4] = {OP(SBFM), OP(BFM), OP(UBFM), OP(EXTR)};
	unsigned k = rng_below(&g->rng, 4);
	bool w64 = sf(g);
	unsigned size = w64 ? 64 : 32;
	unsigned immr = rng_below(&g->rng, size), imms = rng_below(&g->rng, size);
	uint32_t top = (uint32_t)w64 << 31 | (uint32_t)w64 << 22;
	if (k == 3)
		emit(g,
		     top | 0x13800000 | rd_rn_rm(dst_reg(g), src_reg(g), src_reg(g)) | imms << 10,
		     ops[k]);
	else
		emit(g,
		     top | k << 29 | 0x13000000 | immr << 16 | imms << 10 |
			 rd_rn(dst_reg(g), src_reg(g)),
		     ops[k]);
}

static void gen_logic_reg(struct gen *g)
{
	static const uint16_t ops[8] = {OP(AND_REG), OP(BIC_REG), OP(ORR_REG),	OP(ORN_REG),
					OP(EOR_REG), OP(EON_REG), OP(ANDS_REG), OP(BICS_REG)};
	unsigned k = rng_below(&g->rng, 8);
	bool w64 = sf(g);
	unsigned amount = rng_chance(&g->rng, 2) ? 0 : rng_below(&g->rng, w64 ? 64 : 32);
	emit(g,
	     (uint32_t)w64 << 31 | (k >> 1) << 29 | 0x0a000000 | rng_below(&g->rng, 4) << 22 |
		 (k & 1) << 21 | amount << 10 | rd_rn_rm(dst_reg(g), src_reg(g), src_reg(g)),
	     ops[k]);
}

static void gen_addsub_reg(struct gen *g)
{
	static const uint16_t shifted[4] = {OP(ADD_REG), OP(ADDS_REG), OP(SUB_REG), OP(SUBS_REG)};
	static const uint16_t extended[4] = {OP(ADD_EXT), OP(ADDS_EXT), OP(SUB_EXT), OP(SUBS_EXT)};
	unsigned k = rng_below(&g->rng, 4), s = k & 1;
	bool w64 = sf(g);
	uint32_t top = (uint32_t)w64 << 31 | (k >> 1) << 30 | s << 29;
	if (rng_chance(&g->rng, 2)) {
		unsigned amount = rng_chance(&g->rng, 2) ? 0 : rng_below(&g->rng, w64 ? 64 : 32);
		emit(g,
		     top | 0x0b000000 | rng_below(&g->rng, 3) << 22 | amount << 10 |
			 rd_rn_rm(dst_reg(g), src_reg(g), src_reg(g)),
		     shifted[k]);
		return;
	}
	unsigned rd = s ? dst_reg(g) : dst_reg_nosp(g);
	emit(g,
	     top | 0x0b200000 | rng_below(&g->rng, 8) << 13 | rng_below(&g->rng, 5) << 10 |
		 rd_rn_rm(rd, src_reg(g), src_reg(g)),
	     extended[k]);
}

static void gen_carry_cond(struct gen *g)
{
	static const uint16_t adc[4] = {OP(ADC), OP(ADCS), OP(SBC), OP(SBCS)};
	static const uint16_t csel[4] = {OP(CSEL), OP(CSINC), OP(CSINV), OP(CSNEG)};
	static const uint16_t ccmp[4] = {OP(CCMN_REG), OP(CCMP_REG), OP(CCMN_IMM), OP(CCMP_IMM)};
	unsigned k = rng_below(&g->rng, 4), cond = rng_below(&g->rng, 16);
	uint32_t top = (uint32_t)sf(g) << 31;
	switch (rng_below(&g->rng, 3)) {
	case 0:
		emit(g,
		     top | (k >> 1) << 30 | (k & 1) << 29 | 0x1a000000 |
			 rd_rn_rm(dst_reg(g), src_reg(g), src_reg(g)),
		     adc[k]);
		break;
	case 1:
		emit(g,
		     top | (k >> 1) << 30 | 0x1a800000 | cond << 12 | (k & 1) << 10 |
			 rd_rn_rm(dst_reg(g), src_reg(g), src_reg(g)),
		     csel[k]);
		break;
	default:
		emit(g,
		     top | (k & 1) << 30 | 0x3a400000 | (uint32_t)src_reg(g) << 16 | cond << 12 |
			 (k >> 1) << 11 | (uint32_t)src_reg(g) << 5 | rng_below(&g->rng, 16),
		     ccmp[k]);
	}
}

static void gen_data_1_2_3(struct gen *g)
{
	static const struct {
		uint32_t match;
		uint16_t op;
		bool only64;
	} ops[] = {
	    {0x5ac00000, OP(RBIT), false},  {0x5ac00400, OP(REV16), false},
	    {0xdac00800, OP(REV32), true},  {0x5ac00800, OP(REV), false},
	    {0x5ac01000, OP(CLZ), false},   {0x5ac01400, OP(CLS), false},
	    {0x1ac00800, OP(UDIV), false},  {0x1ac00c00, OP(SDIV), false},
	    {0x1ac02000, OP(LSLV), false},  {0x1ac02400, OP(LSRV), false},
	    {0x1ac02800, OP(ASRV), false},  {0x1ac02c00, OP(RORV), false},
	    {0x1b000000, OP(MADD), false},  {0x1b008000, OP(MSUB), false},
	    {0x9b200000, OP(SMADDL), true}, {0x9b208000, OP(SMSUBL), true},
	    {0x9ba00000, OP(UMADDL), true}, {0x9ba08000, OP(UMSUBL), true},
	    {0x9b400000, OP(SMULH), true},  {0x9bc00000, OP(UMULH), true},
	};
	unsigned k = rng_below(&g->rng, sizeof ops / sizeof ops[0]);
	uint32_t raw = ops[k].match | rd_rn(dst_reg(g), src_reg(g));
	if (!ops[k].only64 && sf(g))
		raw |= 1u << 31;
	if (k >= 6) /* two and three sources */
		raw |= (uint32_t)src_reg(g) << 16;
	if (ops[k].op == OP(SMULH) || ops[k].op == OP(UMULH))
		raw |= 31u << 10; /* Ra is (1)(1)(1)(1)(1) */
	else if (k >= 12)
		raw |= (uint32_t)src_reg(g) << 10;
	if (ops[k].op == OP(REV) && (raw >> 31))
		raw |= 1u << 10; /* REV Xd has opc 11 */
	emit(g, raw, ops[k].op);
}

static void gen_pc_relative(struct gen *g)
{
	unsigned op = rng_below(&g->rng, 2);
	int32_t imm = rng_range(&g->rng, -(1 << 20), (1 << 20) - 1);
	uint32_t u = (uint32_t)imm;
	emit(g, op << 31 | (u & 3) << 29 | 0x10000000 | ((u >> 2) & 0x7ffff) << 5 | dst_reg(g),
	     op ? OP(ADRP) : OP(ADR));
}

/* MSR NZCV and MRS NZCV, the hints and barriers, CLREX. */
static void gen_system(struct gen *g)
{
	static const struct {
		uint32_t raw;
		uint16_t op;
	} fixed[] = {
	    {0xd503201f, OP(NOP)},  {0xd503203f, OP(YIELD)}, {0xd50320bf, OP(SEVL)},
	    {0xd503233f, OP(HINT)}, {0xd5033bbf, OP(DMB)},   {0xd5033f9f, OP(DSB)},
	    {0xd5033fdf, OP(ISB)},  {0xd5033f5f, OP(CLREX)},
	};
	switch (rng_below(&g->rng, 3)) {
	case 0: emit(g, 0xd53b4200 | dst_reg(g), OP(MRS)); break;
	case 1: emit(g, 0xd51b4200 | src_reg(g), OP(MSR_REG)); break;
	default: {
		unsigned k = rng_below(&g->rng, sizeof fixed / sizeof fixed[0]);
		emit(g, fixed[k].raw, fixed[k].op);
	}
	}
}

/* ---- loads and stores ---- */

/* A single-register load or store kind: size, opc (00 store, 01 load, 1x load signed). */
static void pick_single(struct gen *g, unsigned *size, unsigned *opc, bool *load)
{
	do {
		*size = rng_below(&g->rng, 4);
		*opc = rng_below(&g->rng, 4);
	} while ((*size == 3 && *opc >= 2) || (*size == 2 && *opc == 3));
	*load = *opc != 0;
}

static unsigned single_op(bool load, bool reg)
{
	if (reg)
		return load ? OP(LDR_REG) : OP(STR_REG);
	return load ? OP(LDR_IMM) : OP(STR_IMM);
}

/* A data register for a single-register access: any register for stores, a destination (not
 * x25/x26, which may address the access) for loads. */
static unsigned data_reg(struct gen *g, bool load)
{
	unsigned r = load ? dst_reg_mem(g) : src_reg(g);
	return r;
}

/* Unsigned scaled offset, unscaled 9-bit offset or LDTR/STTR: the base register directly.
 * Offsets stay below 1 KiB; misaligned ones happen with unscaled offsets. */
static void gen_ldst_offset(struct gen *g)
{
	unsigned size, opc;
	bool load;
	pick_single(g, &size, &opc, &load);
	uint32_t top = size << 30 | opc << 22 | data_reg(g, load) | (uint32_t)base_reg(g) << 5;
	uint32_t imm9 = (uint32_t)rng_range(&g->rng, -256, 255) & 0x1ff;
	switch (rng_below(&g->rng, 5)) {
	case 0:
	case 1: {
		uint32_t imm12 = rng_below(&g->rng, 1024 >> size);
		emit(g, top | 0x39000000 | imm12 << 10, single_op(load, false));
		break;
	}
	case 2:
	case 3: emit(g, top | 0x38000000 | imm9 << 12, single_op(load, false)); break;
	default: emit(g, top | 0x38000800 | imm9 << 12, load ? OP(LDTR) : OP(STTR));
	}
}

/* "add x26, base, #off" then an access with pre- or post-index writeback through x26. */
static void gen_ldst_writeback(struct gen *g)
{
	unsigned size, opc, rt;
	bool load;
	pick_single(g, &size, &opc, &load);
	rt = load ? dst_reg_mem(g) : data_reg(g, false);
	if (rt == X_SCRATCH)
		rt = 0;
	emit(g, 0x91000000 | rng_below(&g->rng, 512) << 10 | rd_rn(X_SCRATCH, base_reg(g)),
	     OP(ADD_IMM));
	uint32_t imm9 = (uint32_t)rng_range(&g->rng, -256, 255) & 0x1ff;
	uint32_t mode = rng_chance(&g->rng, 2) ? 1 : 3; /* post, pre */
	emit(g, size << 30 | opc << 22 | 0x38000000 | imm9 << 12 | mode << 10 | X_SCRATCH << 5 | rt,
	     single_op(load, false));
}

/* "mov x25, #index" then a register-offset access: LSL/UXTX/SXTX with an X index, UXTW/SXTW
 * with a W index. */
static void gen_ldst_register(struct gen *g)
{
	static const unsigned options[] = {2, 3, 6, 7}; /* UXTW, LSL, SXTW, SXTX */
	unsigned size, opc, option = options[rng_below(&g->rng, 4)];
	bool load, scaled = rng_chance(&g->rng, 2), w_index = !(option & 1);
	pick_single(g, &size, &opc, &load);
	int idx = rng_range(&g->rng, option == 2 ? 0 : -400 >> (scaled ? size : 0),
			    400 >> (scaled ? size : 0));
	uint32_t movz = idx >= 0 ? 0x52800000 : 0x12800000; /* MOVZ, or MOVN of ~idx */
	uint32_t imm16 = (uint32_t)(idx >= 0 ? idx : ~idx) & 0xffff;
	emit(g, (w_index ? 0u : 1u << 31) | movz | imm16 << 5 | X_INDEX,
	     idx >= 0 ? OP(MOVZ) : OP(MOVN));
	emit(g,
	     size << 30 | opc << 22 | 0x38200800 | X_INDEX << 16 | option << 13 |
		 (uint32_t)scaled << 12 | (uint32_t)base_reg(g) << 5 | data_reg(g, load),
	     single_op(load, true));
}

/* LDR (literal) of a word somewhere in the code, and PRFM. */
static void gen_literal(struct gen *g)
{
	static const uint16_t ops[4] = {OP(LDR_LIT), OP(LDR_LIT), OP(LDR_LIT), OP(PRFM)};
	unsigned opc = rng_below(&g->rng, 4);
	int words = rng_range(&g->rng, -(int)g->seq->n, 8);
	emit(g, opc << 30 | 0x18000000 | ((uint32_t)words & 0x7ffff) << 5 | dst_reg(g), ops[opc]);
}

/* LDP/STP/LDNP/STNP/LDPSW: offset from a base, or pre/post-index through x26. */
static void gen_pair(struct gen *g)
{
	unsigned opc, l = rng_below(&g->rng, 2), mode = rng_below(&g->rng, 4), base, rt, rt2;
	do
		opc = rng_below(&g->rng, 3);
	while (opc == 1 && (!l || mode == 0)); /* LDPSW: loads, not no-allocate */
	bool writeback = mode == 1 || mode == 3;
	if (writeback) {
		emit(g, 0x91000000 | rng_below(&g->rng, 512) << 10 | rd_rn(X_SCRATCH, base_reg(g)),
		     OP(ADD_IMM));
		base = X_SCRATCH;
	} else {
		base = base_reg(g);
	}
	do {
		rt = l ? dst_reg_mem(g) : src_reg(g);
		rt2 = l ? dst_reg_mem(g) : src_reg(g);
	} while (l && rt == rt2);
	if (writeback && !l && (rt == X_SCRATCH || rt2 == X_SCRATCH))
		rt = rt2 = 0;
	uint32_t imm7 = (uint32_t)rng_range(&g->rng, -48, 47) & 0x7f;
	static const uint16_t ops[2][2] = {{OP(STNP), OP(LDNP)}, {OP(STP), OP(LDP)}};
	emit(g,
	     opc << 30 | 0x28000000 | mode << 23 | l << 22 | imm7 << 15 | rt2 << 10 | base << 5 |
		 rt,
	     ops[mode != 0][l]);
}

/* x26 = an aligned address in the buffer, for exclusives, atomics and acquire/release. */
static void aligned_scratch(struct gen *g)
{
	emit(g, 0x91000000 | (rng_below(&g->rng, 32) * 16) << 10 | rd_rn(X_SCRATCH, base_reg(g)),
	     OP(ADD_IMM));
}

/* Register-only instructions between an LDXR and its STXR. */
static void gen_filler(struct gen *g)
{
	if (rng_chance(&g->rng, 2))
		gen_addsub_reg(g);
	else
		gen_logic_imm(g);
}

/* LDXR/LDAXR (or LDXP), fillers, STXR/STLXR of the same size to the same address; or a lone
 * STXR, which must fail. */
static void gen_exclusive(struct gen *g)
{
	bool pair = rng_chance(&g->rng, 4), lone = rng_chance(&g->rng, 6);
	unsigned size = pair ? 2 + rng_below(&g->rng, 2) : rng_below(&g->rng, 4);
	uint32_t szbits = pair ? (2u | (size - 2)) << 30 : size << 30;
	unsigned rt = dst_reg_mem(g), rt2, rs;
	aligned_scratch(g);
	if (!lone) {
		do
			rt2 = dst_reg_mem(g);
		while (pair && rt2 == rt);
		emit(g,
		     szbits | (pair ? 0x087f0000 : 0x085f7c00) |
			 (uint32_t)rng_below(&g->rng, 2) << 15 | (pair ? rt2 << 10 : 0) |
			 X_SCRATCH << 5 | rt,
		     pair ? OP(LDXP) : OP(LDXR));
		g->keep_scratch = true;
		for (unsigned n = rng_below(&g->rng, 3); n && g->room > 1; n--)
			gen_filler(g);
		g->keep_scratch = false;
	}
	rt = src_reg(g);
	rt2 = src_reg(g);
	do
		rs = dst_reg_mem(g);
	while (rs == rt || (pair && rs == rt2));
	emit(g,
	     szbits | (pair ? 0x08200000 : 0x08000000) | rs << 16 |
		 (uint32_t)rng_below(&g->rng, 2) << 15 | (pair ? rt2 << 10 : 0x7c00) |
		 X_SCRATCH << 5 | rt,
	     pair ? OP(STXP) : OP(STXR));
}

/* LDAR/STLR/LDAPR, LD<op>/ST<op>/SWP with their ordering bits, CAS, CASP. */
static void gen_atomic(struct gen *g)
{
	static const uint16_t lse[9] = {OP(LDADD),  OP(LDCLR),	OP(LDEOR),  OP(LDSET), OP(LDSMAX),
					OP(LDSMIN), OP(LDUMAX), OP(LDUMIN), OP(SWP)};
	unsigned size = rng_below(&g->rng, 4), order = rng_below(&g->rng, 4);
	aligned_scratch(g);
	switch (rng_below(&g->rng, 5)) {
	case 0: emit(g, size << 30 | 0x089ffc00 | X_SCRATCH << 5 | src_reg(g), OP(STLR)); break;
	case 1:
		if (rng_chance(&g->rng, 2))
			emit(g, size << 30 | 0x08dffc00 | X_SCRATCH << 5 | dst_reg_mem(g),
			     OP(LDAR));
		else
			emit(g, size << 30 | 0x38bfc000 | X_SCRATCH << 5 | dst_reg_mem(g),
			     OP(LDAPR));
		break;
	case 2: {
		unsigned k = rng_below(&g->rng, 9);
		uint32_t opbits = k == 8 ? 0x8000 : k << 12;
		if (k >= 4 && k <= 7)
			size = 3; /* Unicorn gets narrower min/max wrong: see the top of the file */
		emit(g,
		     size << 30 | 0x38200000 | order << 22 | (uint32_t)src_reg(g) << 16 | opbits |
			 X_SCRATCH << 5 | dst_reg_mem(g),
		     lse[k]);
		break;
	}
	case 3:
		emit(g,
		     size << 30 | 0x08a07c00 | (order >> 1) << 22 | (uint32_t)dst_reg_mem(g) << 16 |
			 (order & 1) << 15 | X_SCRATCH << 5 | src_reg(g),
		     OP(CAS));
		break;
	default: {
		unsigned rs = 2 * rng_below(&g->rng, 12), rt = 2 * rng_below(&g->rng, 12);
		emit(g,
		     (size & 1) << 30 | 0x08207c00 | (order >> 1) << 22 | rs << 16 |
			 (order & 1) << 15 | X_SCRATCH << 5 | rt,
		     OP(CASP));
	}
	}
}

/* Forward branches: B.cond, CBZ/CBNZ, TBZ/TBNZ, B, BL; BR/BLR to an ADR-made target. */
static void gen_branch(struct gen *g)
{
	unsigned skip = 1 + rng_below(&g->rng, 3);
	switch (rng_below(&g->rng, 6)) {
	case 0:
		emit_branch(g, 0x54000000 | rng_below(&g->rng, 15), OP(B_COND), FIX_IMM19, skip);
		break;
	case 1: {
		unsigned nz = rng_below(&g->rng, 2);
		emit_branch(g, (uint32_t)sf(g) << 31 | 0x34000000 | nz << 24 | src_reg(g),
			    nz ? OP(CBNZ) : OP(CBZ), FIX_IMM19, skip);
		break;
	}
	case 2: {
		unsigned nz = rng_below(&g->rng, 2), bit = rng_below(&g->rng, 64);
		emit_branch(
		    g, (bit >> 5) << 31 | 0x36000000 | nz << 24 | (bit & 31) << 19 | src_reg(g),
		    nz ? OP(TBNZ) : OP(TBZ), FIX_IMM14, skip);
		break;
	}
	case 3: emit_branch(g, 0x14000000, OP(B), FIX_IMM26, skip); break;
	case 4: emit_branch(g, 0x94000000, OP(BL), FIX_IMM26, skip); break;
	default:
		if (g->room < 2) {
			emit_branch(g, 0x14000000, OP(B), FIX_IMM26, skip);
			break;
		}
		/* the ADR's target is the start of a later unit; BR, BLR or RET goes there */
		emit_branch(g, 0x10000000 | X_SCRATCH, OP(ADR), FIX_ADR, skip);
		switch (rng_below(&g->rng, 3)) {
		case 0: emit(g, 0xd61f0000 | X_SCRATCH << 5, OP(BR)); break;
		case 1: emit(g, 0xd63f0000 | X_SCRATCH << 5, OP(BLR)); break;
		default: emit(g, 0xd65f0000 | X_SCRATCH << 5, OP(RET));
		}
	}
}

/* ---- the class table ---- */

struct insn_class {
	const char *name;
	unsigned weight;
	unsigned min_room;
	void (*gen)(struct gen *g);
};

static const struct insn_class classes[] = {
    {"addsub-imm", 5, 1, gen_addsub_imm},
    {"logic-imm", 4, 1, gen_logic_imm},
    {"move-wide", 3, 1, gen_move_wide},
    {"bitfield", 5, 1, gen_bitfield},
    {"logic-reg", 5, 1, gen_logic_reg},
    {"addsub-reg", 6, 1, gen_addsub_reg},
    {"carry-cond", 6, 1, gen_carry_cond},
    {"data-1-2-3", 6, 1, gen_data_1_2_3},
    {"pc-rel", 1, 1, gen_pc_relative},
    {"system", 2, 1, gen_system},
    {"ldst-off", 5, 1, gen_ldst_offset},
    {"ldst-wb", 3, 2, gen_ldst_writeback},
    {"ldst-reg", 3, 2, gen_ldst_register},
    {"literal", 1, 1, gen_literal},
    {"pair", 4, 2, gen_pair},
    {"exclusive", 2, MAX_UNIT, gen_exclusive},
    {"atomic", 3, 2, gen_atomic},
    {"branch", 3, 2, gen_branch},
};

#define NCLASSES (sizeof classes / sizeof classes[0])

static const struct insn_class *pick_class(struct gen *g, unsigned room)
{
	unsigned total = 0;
	for (unsigned i = 0; i < NCLASSES; i++)
		total += classes[i].min_room <= room ? classes[i].weight : 0;
	unsigned r = rng_below(&g->rng, total);
	for (unsigned i = 0;; i++) {
		unsigned w = classes[i].min_room <= room ? classes[i].weight : 0;
		if (r < w)
			return &classes[i];
		r -= w;
	}
}

/* Random register state: base pointers into the buffer (16-byte aligned), biased values
 * elsewhere, random flags and buffer contents. */
static void gen_state(struct gen *g)
{
	struct sequence *s = g->seq;
	for (unsigned i = 0; i < 31; i++) {
		uint64_t off = BASE_LO + rng_next(&g->rng) % (BASE_HI - BASE_LO);
		s->x[i] =
		    is_base(i) ? (DATA_BASE + off) & ~UINT64_C(15) : interesting_value(&g->rng);
	}
	s->sp = (DATA_BASE + BASE_LO + rng_next(&g->rng) % (BASE_HI - BASE_LO)) & ~UINT64_C(15);
	s->nzcv = (uint32_t)rng_below(&g->rng, 16) << 28;
	for (unsigned i = 0; i < DATA_SIZE; i += 8) {
		uint64_t v = rng_next(&g->rng);
		if ((v & 3) == 0)
			v = interesting_value(&g->rng);
		memcpy(&s->data[i], &v, 8);
	}
}

static uint32_t fixup_bits(enum fixup fix, int32_t off)
{
	uint32_t u = (uint32_t)off;
	switch (fix) {
	case FIX_IMM26: return (u >> 2) & 0x3ffffff;
	case FIX_IMM19: return ((u >> 2) & 0x7ffff) << 5;
	case FIX_IMM14: return ((u >> 2) & 0x3fff) << 5;
	case FIX_ADR: return (u & 3) << 29 | ((u >> 2) & 0x7ffff) << 5;
	default: return 0;
	}
}

static void layout(struct sequence *s)
{
	uint32_t unit_offset[MAX_LENGTH + MAX_UNIT + 1];
	uint32_t off = 0;
	for (unsigned u = 0, i = 0; u < s->nunits; u++) {
		unit_offset[u] = off;
		for (; i < s->unit_first[u + 1]; i++) {
			s->insn[i].offset = off;
			off += 4;
		}
	}
	unit_offset[s->nunits] = s->size = off;
	memset(s->code, 0, sizeof s->code);
	for (unsigned i = 0; i < s->n; i++) {
		struct insn *in = &s->insn[i];
		if (in->fixup != FIX_NONE) {
			unsigned target = in->target_unit < s->nunits ? in->target_unit : s->nunits;
			in->target_unit = (uint16_t)target;
			in->raw |=
			    fixup_bits(in->fixup, (int32_t)(unit_offset[target] - in->offset));
		}
		memcpy(&s->code[in->offset], &in->raw, 4);
	}
}

static void generate(struct sequence *s, uint64_t seed, unsigned length)
{
	struct gen g = {.rng = seed, .seq = s};
	s->seed = seed;
	s->n = s->nunits = 0;
	gen_state(&g);
	unsigned want = 1 + rng_below(&g.rng, length);
	while (s->n < want) {
		g.room = want - s->n;
		const struct insn_class *c = pick_class(&g, g.room);
		s->unit_first[s->nunits] = s->n;
		s->unit_class[s->nunits] = (uint8_t)(c - classes);
		c->gen(&g);
		s->nunits++;
	}
	s->unit_first[s->nunits] = s->n;
	layout(s);
}

/* ---- the two machines ---------------------------------------------------------------------- */

struct result {
	uint64_t x[31];
	uint64_t sp, pc;
	uint32_t nzcv;
	uint64_t steps;
	uint8_t data[DATA_SIZE];
	char error[160]; /* an exception or an engine error: the run is not comparable */
};

/* Unicorn 2.0.1 flushes its translation buffer when it is full, and the flush can leave
 * cpu_exec chaining from a freed block (unicorn-engine/unicorn#1702): a fresh engine after
 * this many bytes of guest code keeps it far from full. */
#define ENGINE_CODE_BUDGET (UINT64_C(1) << 20)

struct machines {
	emu_bus bus;
	a64_hart hart;
	uc_engine *uc;
	uc_context *reset;
	uint64_t translated;
};

/* A fresh hart at EL1h with HCR_EL2.DC and an identity stage 2 (one 1 GiB block): memory is
 * Normal, as Unicorn treats it. */
static void hart_reset(struct machines *m)
{
	a64_hart *h = &m->hart;
	uint64_t block = RAM_BASE | 0x7fd; /* AF, SH, S2AP RW, MemAttr Write-Back */
	a64_hart_free(h);
	if (!a64_hart_init(h, &m->bus, 0, CODE_BASE)) {
		fprintf(stderr, "a64_unicorn: cannot allocate the hart\n");
		exit(EXIT_ERROR);
	}
	memcpy(emu_ram_ptr(&m->bus, S2_TABLE + 8, 8), &block, 8);
	h->mmu.vtcr_el2 = 32 | 1u << 6 | UINT64_C(2) << 16; /* 4 GiB IPA from level 1 */
	h->mmu.vttbr_el2 = S2_TABLE;
	a64_sysreg_poke(h, DEC_A64_SYSREG(3, 4, 1, 1, 0),
			UINT64_C(1) << 31 | A64_HCR_DC | A64_HCR_VM);
	h->el1_trap_stop = true;
}

static void run_trapscope(struct machines *m, const struct sequence *s, struct result *r)
{
	a64_hart *h = &m->hart;
	memcpy(emu_ram_ptr(&m->bus, CODE_BASE, CODE_SIZE), s->code, CODE_SIZE);
	memcpy(emu_ram_ptr(&m->bus, DATA_BASE, DATA_SIZE), s->data, DATA_SIZE);
	hart_reset(m);
	memcpy(h->x, s->x, sizeof s->x);
	h->x[A64_XSP] = s->sp;
	h->nzcv = s->nzcv >> 28;
	uint64_t end = CODE_BASE + s->size;
	r->error[0] = 0;
	for (r->steps = 0; r->steps < s->n && h->pc != end; r->steps++) {
		a64_stop stop = a64_step(h);
		if (stop != A64_STOP_STEP) {
			snprintf(r->error, sizeof r->error,
				 "trapscope took an exception: ESR_EL1 0x%" PRIx64
				 " ELR_EL1 0x%" PRIx64 " FAR_EL1 0x%" PRIx64 " (stop %d)",
				 h->esr_el1, h->elr_el1, h->far_el1, stop);
			break;
		}
	}
	memcpy(r->x, h->x, sizeof r->x);
	r->sp = h->x[A64_XSP];
	r->pc = h->pc;
	r->nzcv = h->nzcv << 28;
	memcpy(r->data, emu_ram_ptr(&m->bus, DATA_BASE, DATA_SIZE), DATA_SIZE);
}

static void uc_check(uc_err err, const char *what)
{
	if (err != UC_ERR_OK) {
		fprintf(stderr, "a64_unicorn: unicorn %s: %s\n", what, uc_strerror(err));
		exit(EXIT_ERROR);
	}
}

static bool unicorn_open(struct machines *m)
{
	uc_err err = uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &m->uc);
	if (err != UC_ERR_OK) {
		printf("SKIP: unicorn cannot create an ARM64 engine: %s\n", uc_strerror(err));
		return false;
	}
	uc_check(uc_ctl_set_cpu_model(m->uc, UC_CPU_ARM64_MAX), "cpu model");
	uc_check(uc_mem_map(m->uc, RAM_BASE, RAM_SIZE, UC_PROT_ALL), "map");
	uc_check(uc_context_alloc(m->uc, &m->reset), "context alloc");
	uc_check(uc_context_save(m->uc, m->reset), "context save");
	m->translated = 0;
	return true;
}

static void unicorn_close(struct machines *m)
{
	uc_context_free(m->reset);
	uc_close(m->uc);
}

/* The registers compared, in Unicorn's numbering: X0..X30, SP, NZCV, PC. */
enum { UC_NREGS = 34 };

static void uc_register_ids(int ids[UC_NREGS])
{
	for (int i = 0; i < 29; i++)
		ids[i] = UC_ARM64_REG_X0 + i;
	ids[29] = UC_ARM64_REG_X29;
	ids[30] = UC_ARM64_REG_X30;
	ids[31] = UC_ARM64_REG_SP;
	ids[32] = UC_ARM64_REG_NZCV;
	ids[33] = UC_ARM64_REG_PC;
}

static void run_unicorn(struct machines *m, const struct sequence *s, struct result *r)
{
	int ids[UC_NREGS];
	void *vals[UC_NREGS];
	uint64_t in[UC_NREGS], out[UC_NREGS];
	uc_register_ids(ids);
	memcpy(in, s->x, sizeof s->x);
	in[31] = s->sp;
	in[32] = s->nzcv;
	in[33] = CODE_BASE;
	for (int i = 0; i < UC_NREGS; i++)
		vals[i] = &in[i];
	if (m->translated > ENGINE_CODE_BUDGET) {
		unicorn_close(m);
		unicorn_open(m);
	}
	m->translated += s->size;
	/* the reset context also drops the exclusive monitor */
	uc_check(uc_context_restore(m->uc, m->reset), "context restore");
	uc_check(uc_mem_write(m->uc, CODE_BASE, s->code, CODE_SIZE), "code write");
	uc_check(uc_ctl_remove_cache(m->uc, CODE_BASE, CODE_BASE + CODE_SIZE), "cache flush");
	uc_check(uc_mem_write(m->uc, DATA_BASE, s->data, DATA_SIZE), "data write");
	uc_check(uc_reg_write_batch(m->uc, ids, (void *const *)vals, UC_NREGS), "register write");

	uc_err err = uc_emu_start(m->uc, CODE_BASE, CODE_BASE + s->size, 0, s->n);
	r->error[0] = 0;
	if (err != UC_ERR_OK)
		snprintf(r->error, sizeof r->error, "unicorn stopped: %s", uc_strerror(err));
	for (int i = 0; i < UC_NREGS; i++)
		vals[i] = &out[i];
	uc_check(uc_reg_read_batch(m->uc, ids, vals, UC_NREGS), "register read");
	memcpy(r->x, out, sizeof r->x);
	r->sp = out[31];
	r->nzcv = (uint32_t)out[32] & 0xf0000000u;
	r->pc = out[33];
	uc_check(uc_mem_read(m->uc, DATA_BASE, r->data, DATA_SIZE), "data read");
	r->steps = 0;
}

static int machines_init(struct machines *m)
{
	if (!unicorn_open(m))
		return EXIT_SKIP;
	if (!emu_bus_init(&m->bus, RAM_BASE, RAM_SIZE)) {
		fprintf(stderr, "a64_unicorn: cannot allocate the bus\n");
		exit(EXIT_ERROR);
	}
	memset(&m->hart, 0, sizeof m->hart);
	return 0;
}

static void machines_free(struct machines *m)
{
	a64_hart_free(&m->hart);
	emu_bus_free(&m->bus);
	unicorn_close(m);
}

/* ---- comparing and reporting --------------------------------------------------------------- */

/* Every generated instruction must decode to the op the generator meant. */
static int check_decode(const struct sequence *s)
{
	for (unsigned i = 0; i < s->n; i++) {
		dec_a64_insn d;
		if (!dec_a64_decode(s->insn[i].raw, &d) || d.op != s->insn[i].op)
			return (int)i;
	}
	return -1;
}

static bool same_state(const struct result *a, const struct result *b)
{
	return !a->error[0] && !b->error[0] && a->pc == b->pc && a->sp == b->sp &&
	       a->nzcv == b->nzcv && !memcmp(a->x, b->x, sizeof a->x) &&
	       !memcmp(a->data, b->data, DATA_SIZE);
}

static void disasm(csh cs, uint32_t raw, uint64_t pc, char *buf, size_t size)
{
	cs_insn *insn;
	if (cs_disasm(cs, (const uint8_t *)&raw, 4, pc, 1, &insn) == 1) {
		snprintf(buf, size, "%s %s", insn->mnemonic, insn->op_str);
		cs_free(insn, 1);
		return;
	}
	dec_a64_insn d;
	char name[32];
	dec_a64_decode(raw, &d);
	snprintf(buf, size, "%s (Capstone 4 has no name)", dec_a64_mnemonic(&d, name, sizeof name));
}

static void print_listing(const struct sequence *s)
{
	csh cs;
	if (cs_open(CS_ARCH_ARM64, CS_MODE_LITTLE_ENDIAN, &cs) != CS_ERR_OK)
		return;
	printf("sequence (%u instructions, %u units):\n", s->n, s->nunits);
	for (unsigned u = 0, i = 0; u < s->nunits; u++) {
		for (; i < s->unit_first[u + 1]; i++) {
			const struct insn *in = &s->insn[i];
			uint64_t pc = CODE_BASE + in->offset;
			char text[200]; /* mnemonic and operands as Capstone gives them */
			disasm(cs, in->raw, pc, text, sizeof text);
			printf("  %-11s %08" PRIx64 ":  %08" PRIx32 "  %s\n",
			       i == s->unit_first[u] ? classes[s->unit_class[u]].name : "", pc,
			       in->raw, text);
		}
	}
	printf("  %-11s %08" PRIx64 ":\n", "(end)", CODE_BASE + s->size);
	cs_close(&cs);
}

static void print_registers(const struct sequence *s)
{
	for (unsigned i = 0; i < 31; i++)
		printf("  x%-2u 0x%016" PRIx64 "%s", i, s->x[i], i % 3 == 2 ? "\n" : "");
	printf("  sp  0x%016" PRIx64 "  nzcv 0x%08" PRIx32 "\n", s->sp, s->nzcv);
}

static void print_differences(const struct sequence *s, const struct result *ts,
			      const struct result *uc)
{
	if (ts->error[0])
		printf("%s\n", ts->error);
	if (uc->error[0])
		printf("%s\n", uc->error);
	if (ts->pc != uc->pc)
		printf("pc: trapscope 0x%016" PRIx64 "  unicorn 0x%016" PRIx64 "\n", ts->pc,
		       uc->pc);
	if (ts->sp != uc->sp)
		printf("sp: trapscope 0x%016" PRIx64 "  unicorn 0x%016" PRIx64 "\n", ts->sp,
		       uc->sp);
	if (ts->nzcv != uc->nzcv)
		printf("nzcv: trapscope 0x%08" PRIx32 "  unicorn 0x%08" PRIx32 " (was 0x%08" PRIx32
		       ")\n",
		       ts->nzcv, uc->nzcv, s->nzcv);
	for (unsigned i = 0; i < 31; i++)
		if (ts->x[i] != uc->x[i])
			printf("x%-2u: trapscope 0x%016" PRIx64 "  unicorn 0x%016" PRIx64
			       "  (was 0x%016" PRIx64 ")\n",
			       i, ts->x[i], uc->x[i], s->x[i]);
	unsigned shown = 0;
	for (unsigned off = 0; off < DATA_SIZE && shown < 8; off += 8) {
		uint64_t a, b, was;
		memcpy(&a, &ts->data[off], 8);
		memcpy(&b, &uc->data[off], 8);
		memcpy(&was, &s->data[off], 8);
		if (a == b)
			continue;
		printf("mem 0x%08" PRIx64 ": trapscope 0x%016" PRIx64 "  unicorn 0x%016" PRIx64
		       "  (was 0x%016" PRIx64 ")\n",
		       DATA_BASE + off, a, b, was);
		shown++;
	}
}

static void report(const struct sequence *s, unsigned length, const struct result *ts,
		   const struct result *uc, int bad_insn)
{
	printf("\nFAIL: seed %" PRIu64 " (replay: a64_unicorn --seed %" PRIu64
	       " --sequences 1 --length %u)\n",
	       s->seed, s->seed, length);
	if (bad_insn >= 0) {
		dec_a64_insn d;
		dec_a64_decode(s->insn[bad_insn].raw, &d);
		printf("instruction %d (0x%08" PRIx32
		       "): the generator meant %s, the decoder gives %s\n",
		       bad_insn, s->insn[bad_insn].raw, dec_a64_op_name(s->insn[bad_insn].op),
		       dec_a64_op_name(d.op));
	}
	print_listing(s);
	printf("initial registers:\n");
	print_registers(s);
	if (bad_insn < 0) {
		printf("trapscope ran %" PRIu64 " instructions; differences:\n", ts->steps);
		print_differences(s, ts, uc);
	}
	fflush(stdout);
}

/* ---- main ---------------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
	struct diff_options opt;
	static struct machines m;
	static struct sequence seq;
	static struct result ts, uc;
	uint64_t passed = 0, failed = 0, instructions = 0;

	diff_parse_options(argc, argv, "a64_unicorn", MAX_LENGTH, &opt);
	int rc = machines_init(&m);
	if (rc)
		return rc;
	double start = diff_seconds_now();
	for (uint64_t i = 0; i < opt.sequences; i++) {
		generate(&seq, opt.seed + i, opt.length);
		int bad = check_decode(&seq);
		if (bad < 0) {
			run_trapscope(&m, &seq, &ts);
			run_unicorn(&m, &seq, &uc);
			instructions += ts.steps;
		}
		if (bad < 0 && same_state(&ts, &uc)) {
			passed++;
			continue;
		}
		failed++;
		report(&seq, opt.length, &ts, &uc, bad);
		if (!opt.keep_going)
			break;
	}
	double elapsed = diff_seconds_now() - start;
	printf("seed %" PRIu64 ", 1..%u instructions per sequence, %" PRIu64
	       " instructions run, %.0f sequences/s\n",
	       opt.seed, opt.length, instructions,
	       (double)(passed + failed) / (elapsed > 0 ? elapsed : 1));
	printf("%" PRIu64 " passed, %" PRIu64 " failed\n", passed, failed);
	machines_free(&m);
	return failed ? 1 : 0;
}
