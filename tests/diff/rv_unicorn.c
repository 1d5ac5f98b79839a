/* Differential test of the RISC-V hart against Unicorn 2.0.1 (QEMU 5.0's RISC-V translator).
 *
 * Generates random straight-line sequences of user-level RV64IMAC instructions from random
 * register states, runs each in trapscope's hart (one rv_step per instruction) and in Unicorn,
 * and compares the pc, x1..x31 and the data buffer afterwards. Both run in M-mode without
 * translation, from the same RAM image.
 *
 * Sequences are trap-free by construction:
 *  - x2 (sp), x8 and x9 (s0, s1) hold base pointers into the data buffer and are never written;
 *    every load, store and atomic addresses the buffer through one of them (atomics through a
 *    scratch register set from one by the addi just before);
 *  - a sequence is a list of units (one or a few instructions generated together); branches and
 *    jumps go forward to the start of a later unit or to the end, so every instruction runs at
 *    most once and a unit always runs whole;
 *  - an LR is always followed, in its unit, by an SC of the same width to the same address with
 *    only register arithmetic between. The reservation rules the two implement differ where the
 *    spec leaves room (QEMU compares the loaded value, trapscope the address), not here. A lone
 *    SC with no reservation held must fail in both.
 *
 * What Unicorn 2.0.1 cannot be compared on, and so is not generated:
 *  - Zba and Zbb: QEMU 5.0 predates them (andn, sh1add, clz raise illegal instruction);
 *  - amomin.w, amomax.w, amominu.w, amomaxu.w: Unicorn computes them wrongly (see amo_ops);
 *  - misaligned AMO, LR and SC: QEMU raises the misaligned exception the spec allows, which a
 *    straight-line sequence cannot survive. Misaligned plain loads and stores are generated: both
 *    emulate them, also across the page boundary in the middle of the buffer.
 *
 * usage: rv_unicorn [--seed N] [--sequences N] [--length N] [--keep-going]
 * Sequence i of a run uses seed N + i, so "--seed N+i --sequences 1" replays it alone.
 * Exit 0 when all agree, 1 on a disagreement, 77 when Unicorn has no RISC-V 64 engine, 99 on a
 * setup error.
 */
#include "decode/decode.h"
#include "decode/rv_insn.h"
#include "emu/bus.h"
#include "emu/rv_hart.h"

#include <unicorn/unicorn.h>

#include "diff_options.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RAM_BASE  UINT64_C(0x80000000)
#define RAM_SIZE  (UINT64_C(1) << 20)
#define CODE_BASE RAM_BASE
#define CODE_SIZE 0x1000u
#define DATA_BASE (RAM_BASE + 0x2000)
#define DATA_SIZE 0x2000u

/* Base pointers lie in [DATA_BASE + BASE_LO, DATA_BASE + BASE_HI): any 12-bit offset from one,
 * and any c.ldsp offset (up to 504 + 8 bytes), stays inside the buffer. */
#define BASE_LO 2048u
#define BASE_HI (DATA_SIZE - 512u)

#define MAX_LENGTH 512 /* instructions per sequence; 4 bytes each fit the code page */
#define MAX_UNIT   6   /* the longest unit: addi, lr, three fillers, sc */

#define EXIT_SKIP  77
#define EXIT_ERROR DIFF_EXIT_ERROR

#define OP(name) DEC_RV_OP_##name

enum {
	X_SP = 2,
	X_S0 = 8,
	X_S1 = 9,
};

static const char *const abi_names[32] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

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
	    UINT64_C(0xffffffff80000000), /* INT32_MIN */
	    UINT64_C(0x000000007fffffff), /* INT32_MAX */
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
	case 3: return (uint64_t)((int64_t)((pick >> 3) % 33) - 16);
	case 4: return (uint64_t)(int64_t)(int32_t)r; /* a sign-extended word */
	case 5: return (uint32_t)r;		      /* a zero-extended word */
	default: return r;
	}
}

/* ---- encoders ------------------------------------------------------------------------------ */

enum {
	OPC_LOAD = 0x03,
	OPC_OP_IMM = 0x13,
	OPC_AUIPC = 0x17,
	OPC_OP_IMM_32 = 0x1b,
	OPC_STORE = 0x23,
	OPC_AMO = 0x2f,
	OPC_OP = 0x33,
	OPC_LUI = 0x37,
	OPC_OP_32 = 0x3b,
	OPC_BRANCH = 0x63,
	OPC_JAL = 0x6f,
};

/* Bits hi..lo of v, moved to bit at. */
static uint32_t field(uint32_t v, unsigned hi, unsigned lo, unsigned at)
{
	return ((v >> lo) & ((UINT32_C(1) << (hi - lo + 1)) - 1)) << at;
}

static uint32_t enc_r(unsigned opcode, unsigned f3, unsigned f7, unsigned rd, unsigned rs1,
		      unsigned rs2)
{
	return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opcode;
}

static uint32_t enc_i(unsigned opcode, unsigned f3, unsigned rd, unsigned rs1, int32_t imm)
{
	return field((uint32_t)imm, 11, 0, 20) | rs1 << 15 | f3 << 12 | rd << 7 | opcode;
}

static uint32_t enc_s(unsigned f3, unsigned rs1, unsigned rs2, int32_t imm)
{
	uint32_t u = (uint32_t)imm;
	return field(u, 11, 5, 25) | rs2 << 20 | rs1 << 15 | f3 << 12 | field(u, 4, 0, 7) |
	       OPC_STORE;
}

/* The offset bits of a B-type instruction. */
static uint32_t imm_b(int32_t off)
{
	uint32_t u = (uint32_t)off;
	return field(u, 12, 12, 31) | field(u, 10, 5, 25) | field(u, 4, 1, 8) | field(u, 11, 11, 7);
}

static uint32_t enc_b(unsigned f3, unsigned rs1, unsigned rs2, int32_t off)
{
	return imm_b(off) | rs2 << 20 | rs1 << 15 | f3 << 12 | OPC_BRANCH;
}

/* U-type: value holds the result bits 31:12 (lui a0,0x12 has value 0x12000). */
static uint32_t enc_u(unsigned opcode, unsigned rd, uint32_t value)
{
	return (value & 0xfffff000u) | rd << 7 | opcode;
}

static uint32_t imm_j(int32_t off)
{
	uint32_t u = (uint32_t)off;
	return field(u, 20, 20, 31) | field(u, 10, 1, 21) | field(u, 11, 11, 20) |
	       field(u, 19, 12, 12);
}

static uint32_t enc_jal(unsigned rd, int32_t off)
{
	return imm_j(off) | rd << 7 | OPC_JAL;
}

static uint32_t enc_amo(unsigned f5, bool dword, bool aq, bool rl, unsigned rd, unsigned rs1,
			unsigned rs2)
{
	return f5 << 27 | (unsigned)aq << 26 | (unsigned)rl << 25 |
	       enc_r(OPC_AMO, dword ? 3 : 2, 0, rd, rs1, rs2);
}

/* Compressed formats. A register written rd' is x8..x15 (encoded as 0..7). */
static unsigned creg(unsigned x)
{
	return x - 8;
}

/* CI: funct3, imm[5] at bit 12, rd, imm[4:0] at bits 6:2, quadrant. */
static uint32_t enc_ci(unsigned f3, unsigned quadrant, unsigned rd, int32_t imm)
{
	uint32_t u = (uint32_t)imm;
	return f3 << 13 | field(u, 5, 5, 12) | rd << 7 | field(u, 4, 0, 2) | quadrant;
}

/* CB with funct2 at bits 11:10 (c.srli, c.srai, c.andi). */
static uint32_t enc_cb_alu(unsigned f2, unsigned rd, int32_t imm)
{
	uint32_t u = (uint32_t)imm;
	return 4u << 13 | field(u, 5, 5, 12) | f2 << 10 | creg(rd) << 7 | field(u, 4, 0, 2) | 1;
}

/* CA: c.sub, c.xor, c.or, c.and (bit 12 = 0) and c.subw, c.addw (bit 12 = 1). */
static uint32_t enc_ca(unsigned bit12, unsigned f2, unsigned rd, unsigned rs2)
{
	return 4u << 13 | bit12 << 12 | 3u << 10 | creg(rd) << 7 | f2 << 5 | creg(rs2) << 2 | 1;
}

/* CR: c.mv (bit 12 = 0) and c.add (bit 12 = 1). */
static uint32_t enc_cr(unsigned bit12, unsigned rd, unsigned rs2)
{
	return 4u << 13 | bit12 << 12 | rd << 7 | rs2 << 2 | 2;
}

static uint32_t enc_c_lui(unsigned rd, uint32_t value)
{
	return 3u << 13 | field(value, 17, 17, 12) | rd << 7 | field(value, 16, 12, 2) | 1;
}

static uint32_t enc_c_addi4spn(unsigned rd, uint32_t uimm)
{
	return field(uimm, 5, 4, 11) | field(uimm, 9, 6, 7) | field(uimm, 2, 2, 6) |
	       field(uimm, 3, 3, 5) | creg(rd) << 2;
}

/* c.lw/c.sw (f3 2/6) and c.ld/c.sd (f3 3/7): reg is rd' or rs2'. */
static uint32_t enc_cl(unsigned f3, unsigned reg, unsigned base, uint32_t uimm)
{
	uint32_t off = field(uimm, 5, 3, 10);
	off |= (f3 & 1) ? field(uimm, 7, 6, 5) : field(uimm, 2, 2, 6) | field(uimm, 6, 6, 5);
	return f3 << 13 | off | creg(base) << 7 | creg(reg) << 2;
}

static uint32_t enc_c_lwsp(unsigned rd, uint32_t uimm)
{
	return 2u << 13 | field(uimm, 5, 5, 12) | rd << 7 | field(uimm, 4, 2, 4) |
	       field(uimm, 7, 6, 2) | 2;
}

static uint32_t enc_c_ldsp(unsigned rd, uint32_t uimm)
{
	return 3u << 13 | field(uimm, 5, 5, 12) | rd << 7 | field(uimm, 4, 3, 5) |
	       field(uimm, 8, 6, 2) | 2;
}

static uint32_t enc_c_swsp(unsigned rs2, uint32_t uimm)
{
	return 6u << 13 | field(uimm, 5, 2, 9) | field(uimm, 7, 6, 7) | rs2 << 2 | 2;
}

static uint32_t enc_c_sdsp(unsigned rs2, uint32_t uimm)
{
	return 7u << 13 | field(uimm, 5, 3, 10) | field(uimm, 8, 6, 7) | rs2 << 2 | 2;
}

static uint32_t imm_cj(int32_t off)
{
	uint32_t u = (uint32_t)off;
	return field(u, 11, 11, 12) | field(u, 4, 4, 11) | field(u, 9, 8, 9) | field(u, 10, 10, 8) |
	       field(u, 6, 6, 7) | field(u, 7, 7, 6) | field(u, 3, 1, 3) | field(u, 5, 5, 2);
}

static uint32_t enc_c_j(int32_t off)
{
	return 5u << 13 | imm_cj(off) | 1;
}

static uint32_t imm_cb(int32_t off)
{
	uint32_t u = (uint32_t)off;
	return field(u, 8, 8, 12) | field(u, 4, 3, 10) | field(u, 7, 6, 5) | field(u, 2, 1, 3) |
	       field(u, 5, 5, 2);
}

/* c.beqz (bnez false) and c.bnez. */
static uint32_t enc_c_bz(bool bnez, unsigned rs1, int32_t off)
{
	return (bnez ? 7u : 6u) << 13 | imm_cb(off) | creg(rs1) << 7 | 1;
}

/* ---- sequences ------------------------------------------------------------------------------ */

/* How a branch's offset is filled in once the layout is known. */
enum fixup { FIX_NONE, FIX_B, FIX_J, FIX_CJ, FIX_CB };

struct insn {
	uint32_t raw;
	uint8_t len;
	uint8_t fixup;
	uint16_t op; /* the op the decoder must give (for a compressed form, its expansion) */
	uint16_t target_unit; /* branches: the unit they jump to (nunits = the end) */
	uint32_t offset;      /* byte offset from CODE_BASE */
};

struct sequence {
	uint64_t seed;
	unsigned n, nunits;
	struct insn insn[MAX_LENGTH + MAX_UNIT];
	unsigned unit_first[MAX_LENGTH + MAX_UNIT + 1]; /* first instruction of each unit */
	uint8_t unit_class[MAX_LENGTH + MAX_UNIT];	/* index into classes[], for reports */
	uint32_t size;					/* code bytes */
	uint8_t code[CODE_SIZE];
	uint64_t x[32];
	uint8_t data[DATA_SIZE];
};

struct gen {
	uint64_t rng;
	struct sequence *seq;
	unsigned room; /* instructions this unit may still add */
};

static void emit(struct gen *g, uint32_t raw, unsigned op)
{
	struct insn *in = &g->seq->insn[g->seq->n++];
	*in = (struct insn){.raw = raw, .len = (raw & 3) == 3 ? 4 : 2, .op = (uint16_t)op};
	g->room--;
}

/* A branch or jump to the start of a later unit, past up to max_skip - 1 whole units (or to the
 * end): the offset is filled in by layout(). */
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
	return x == X_SP || x == X_S0 || x == X_S1;
}

/* Any register as a source, x0 a little more often than the rest. */
static unsigned src_reg(struct gen *g)
{
	return rng_chance(&g->rng, 12) ? 0 : rng_below(&g->rng, 32);
}

/* A destination: never a base register; x0 (the write is dropped) now and then. */
static unsigned dst_reg(struct gen *g)
{
	unsigned x;
	if (rng_chance(&g->rng, 24))
		return 0;
	do
		x = 1 + rng_below(&g->rng, 31);
	while (is_base(x));
	return x;
}

static unsigned dst_reg_nonzero(struct gen *g)
{
	unsigned x;
	do
		x = dst_reg(g);
	while (x == 0);
	return x;
}

static unsigned base_reg(struct gen *g)
{
	static const unsigned bases[] = {X_SP, X_S0, X_S1};
	return bases[rng_below(&g->rng, 3)];
}

/* rd' of compressed forms: x10..x15 (x8, x9 are base pointers). */
static unsigned cdst_reg(struct gen *g)
{
	return 10 + rng_below(&g->rng, 6);
}

static unsigned csrc_reg(struct gen *g)
{
	return 8 + rng_below(&g->rng, 8);
}

static int32_t simm12(struct gen *g)
{
	static const int32_t edges[] = {0, 1, -1, 2, 2047, -2048, 2046, -2047};
	if (rng_chance(&g->rng, 4))
		return edges[rng_below(&g->rng, sizeof edges / sizeof edges[0])];
	return rng_range(&g->rng, -2048, 2047);
}

/* ---- instruction classes ---- */

struct r_op {
	uint16_t op;
	uint8_t opcode, f3, f7;
};

static const struct r_op alu_reg_ops[] = {
    {OP(ADD), OPC_OP, 0, 0x00},	    {OP(SUB), OPC_OP, 0, 0x20},	    {OP(SLL), OPC_OP, 1, 0x00},
    {OP(SLT), OPC_OP, 2, 0x00},	    {OP(SLTU), OPC_OP, 3, 0x00},    {OP(XOR), OPC_OP, 4, 0x00},
    {OP(SRL), OPC_OP, 5, 0x00},	    {OP(SRA), OPC_OP, 5, 0x20},	    {OP(OR), OPC_OP, 6, 0x00},
    {OP(AND), OPC_OP, 7, 0x00},	    {OP(ADDW), OPC_OP_32, 0, 0x00}, {OP(SUBW), OPC_OP_32, 0, 0x20},
    {OP(SLLW), OPC_OP_32, 1, 0x00}, {OP(SRLW), OPC_OP_32, 5, 0x00}, {OP(SRAW), OPC_OP_32, 5, 0x20},
};

static const struct r_op muldiv_ops[] = {
    {OP(MUL), OPC_OP, 0, 1},	  {OP(MULH), OPC_OP, 1, 1},	{OP(MULHSU), OPC_OP, 2, 1},
    {OP(MULHU), OPC_OP, 3, 1},	  {OP(DIV), OPC_OP, 4, 1},	{OP(DIVU), OPC_OP, 5, 1},
    {OP(REM), OPC_OP, 6, 1},	  {OP(REMU), OPC_OP, 7, 1},	{OP(MULW), OPC_OP_32, 0, 1},
    {OP(DIVW), OPC_OP_32, 4, 1},  {OP(DIVUW), OPC_OP_32, 5, 1}, {OP(REMW), OPC_OP_32, 6, 1},
    {OP(REMUW), OPC_OP_32, 7, 1},
};

enum imm_kind { IMM_S12, IMM_SHAMT6, IMM_SHAMT5 };

struct i_op {
	uint16_t op;
	uint8_t opcode, f3, kind;
	uint16_t high; /* fixed immediate bits of the shifts (0x400 selects the arithmetic one) */
};

static const struct i_op alu_imm_ops[] = {
    {OP(ADDI), OPC_OP_IMM, 0, IMM_S12, 0},
    {OP(SLTI), OPC_OP_IMM, 2, IMM_S12, 0},
    {OP(SLTIU), OPC_OP_IMM, 3, IMM_S12, 0},
    {OP(XORI), OPC_OP_IMM, 4, IMM_S12, 0},
    {OP(ORI), OPC_OP_IMM, 6, IMM_S12, 0},
    {OP(ANDI), OPC_OP_IMM, 7, IMM_S12, 0},
    {OP(SLLI), OPC_OP_IMM, 1, IMM_SHAMT6, 0},
    {OP(SRLI), OPC_OP_IMM, 5, IMM_SHAMT6, 0},
    {OP(SRAI), OPC_OP_IMM, 5, IMM_SHAMT6, 0x400},
    {OP(ADDIW), OPC_OP_IMM_32, 0, IMM_S12, 0},
    {OP(SLLIW), OPC_OP_IMM_32, 1, IMM_SHAMT5, 0},
    {OP(SRLIW), OPC_OP_IMM_32, 5, IMM_SHAMT5, 0},
    {OP(SRAIW), OPC_OP_IMM_32, 5, IMM_SHAMT5, 0x400},
};

struct mem_op {
	uint16_t op;
	uint8_t f3, size;
};

static const struct mem_op load_ops[] = {
    {OP(LB), 0, 1},  {OP(LH), 1, 2},  {OP(LW), 2, 4},  {OP(LD), 3, 8},
    {OP(LBU), 4, 1}, {OP(LHU), 5, 2}, {OP(LWU), 6, 4},
};

static const struct mem_op store_ops[] = {
    {OP(SB), 0, 1},
    {OP(SH), 1, 2},
    {OP(SW), 2, 4},
    {OP(SD), 3, 8},
};

/* AMOs: funct5, the ops of the word and doubleword forms, and whether the word form is
 * generated. Unicorn 2.0.1 gets the word forms of min/max wrong: QEMU 5.0's non-parallel
 * atomics (do_nonatomic_op_i64, used since Unicorn runs one thread) load the memory word
 * zero-extended and compare it with the unextended 64-bit rs2, so amomin.w of -1 and 1 stores 1.
 * Fixed in QEMU 5.1 ("tcg: Fix do_nonatomic_op_* vs signed operations"), in Unicorn after 2.0.1
 * (unicorn-engine/unicorn#1922). The spec compares the 32-bit values (A extension, "Atomic
 * Memory Operations"); trapscope does. */
struct amo_op {
	uint16_t op_w, op_d;
	uint8_t f5;
	bool word;
};

static const struct amo_op amo_ops[] = {
    {OP(AMOADD_W), OP(AMOADD_D), 0x00, true},	 {OP(AMOSWAP_W), OP(AMOSWAP_D), 0x01, true},
    {OP(AMOXOR_W), OP(AMOXOR_D), 0x04, true},	 {OP(AMOOR_W), OP(AMOOR_D), 0x08, true},
    {OP(AMOAND_W), OP(AMOAND_D), 0x0c, true},	 {OP(AMOMIN_W), OP(AMOMIN_D), 0x10, false},
    {OP(AMOMAX_W), OP(AMOMAX_D), 0x14, false},	 {OP(AMOMINU_W), OP(AMOMINU_D), 0x18, false},
    {OP(AMOMAXU_W), OP(AMOMAXU_D), 0x1c, false},
};

#define AMO_LR 0x02
#define AMO_SC 0x03

#define PICK(g, table) (&(table)[rng_below(&(g)->rng, sizeof(table) / sizeof((table)[0]))])

static void gen_r(struct gen *g, const struct r_op *r)
{
	unsigned rs1 = src_reg(g);
	unsigned rs2 = rng_chance(&g->rng, 8) ? rs1 : src_reg(g);
	emit(g, enc_r(r->opcode, r->f3, r->f7, dst_reg(g), rs1, rs2), r->op);
}

static void gen_alu_reg(struct gen *g)
{
	gen_r(g, PICK(g, alu_reg_ops));
}

static void gen_muldiv(struct gen *g)
{
	gen_r(g, PICK(g, muldiv_ops));
}

static void gen_alu_imm(struct gen *g)
{
	const struct i_op *o = PICK(g, alu_imm_ops);
	int32_t imm;
	switch (o->kind) {
	case IMM_SHAMT6: imm = o->high | rng_below(&g->rng, 64); break;
	case IMM_SHAMT5: imm = o->high | rng_below(&g->rng, 32); break;
	default: imm = simm12(g); break;
	}
	emit(g, enc_i(o->opcode, o->f3, dst_reg(g), src_reg(g), imm), o->op);
}

static void gen_upper(struct gen *g)
{
	bool auipc = rng_chance(&g->rng, 2);
	uint32_t value = (uint32_t)rng_next(&g->rng);
	if (rng_chance(&g->rng, 4))
		value = rng_chance(&g->rng, 2) ? 0x80000000u : 0x7ffff000u;
	emit(g, enc_u(auipc ? OPC_AUIPC : OPC_LUI, dst_reg(g), value), auipc ? OP(AUIPC) : OP(LUI));
}

/* ---- memory ---- */

/* An address for an access of size bytes inside the buffer and within a 12-bit offset of base
 * (whose value is b): naturally aligned, or any byte when misaligned is set, then a quarter of
 * the time straddling the page boundary in the middle of the buffer when b reaches it. */
static uint64_t data_target(struct gen *g, uint64_t b, unsigned size, bool misaligned)
{
	uint64_t lo = b - 2048, hi = b + 2047;
	if (hi + size > DATA_BASE + DATA_SIZE)
		hi = DATA_BASE + DATA_SIZE - size;
	if (misaligned && rng_chance(&g->rng, 4)) {
		uint64_t a = DATA_BASE + DATA_SIZE / 2 - 1 - rng_below(&g->rng, size - 1);
		if (a >= lo && a <= hi)
			return a;
	}
	uint64_t a = lo + rng_next(&g->rng) % (hi - lo + 1);
	if (!misaligned)
		a &= ~(uint64_t)(size - 1);
	return a < lo ? a + size : a;
}

/* One access in eight is misaligned (for sizes above one). */
static bool want_misaligned(struct gen *g, unsigned size)
{
	return size > 1 && rng_chance(&g->rng, 8);
}

static void gen_load(struct gen *g)
{
	const struct mem_op *o = PICK(g, load_ops);
	unsigned base = base_reg(g);
	uint64_t b = g->seq->x[base];
	uint64_t a = data_target(g, b, o->size, want_misaligned(g, o->size));
	emit(g, enc_i(OPC_LOAD, o->f3, dst_reg(g), base, (int32_t)(a - b)), o->op);
}

static void gen_store(struct gen *g)
{
	const struct mem_op *o = PICK(g, store_ops);
	unsigned base = base_reg(g);
	uint64_t b = g->seq->x[base];
	uint64_t a = data_target(g, b, o->size, want_misaligned(g, o->size));
	emit(g, enc_s(o->f3, base, src_reg(g), (int32_t)(a - b)), o->op);
}

/* addi t, base, offset: points scratch register t at an aligned word or doubleword. */
static unsigned gen_atomic_address(struct gen *g, bool dword)
{
	unsigned base = base_reg(g), t = dst_reg_nonzero(g);
	uint64_t b = g->seq->x[base];
	uint64_t a = data_target(g, b, dword ? 8 : 4, false);
	emit(g, enc_i(OPC_OP_IMM, 0, t, base, (int32_t)(a - b)), OP(ADDI));
	return t;
}

static void gen_amo(struct gen *g)
{
	const struct amo_op *o = PICK(g, amo_ops);
	bool dword = !o->word || rng_chance(&g->rng, 2);
	unsigned t = gen_atomic_address(g, dword);
	bool aq = rng_chance(&g->rng, 2), rl = rng_chance(&g->rng, 2);
	emit(g, enc_amo(o->f5, dword, aq, rl, dst_reg(g), t, src_reg(g)),
	     dword ? o->op_d : o->op_w);
}

/* Register arithmetic between an LR and its SC: writes neither the address register t nor
 * memory. */
static void gen_filler(struct gen *g, unsigned t)
{
	const struct r_op *r = rng_chance(&g->rng, 2) ? PICK(g, alu_reg_ops) : PICK(g, muldiv_ops);
	unsigned rd;
	do
		rd = dst_reg(g);
	while (rd == t);
	emit(g, enc_r(r->opcode, r->f3, r->f7, rd, src_reg(g), src_reg(g)), r->op);
}

/* addi t; lr rd, (t); up to three fillers; sc rd2, rs2, (t) */
static void gen_lr_sc(struct gen *g)
{
	bool dword = rng_chance(&g->rng, 2);
	unsigned most = g->room - 3 < 3 ? g->room - 3 : 3; /* room for addi, lr and sc stays */
	unsigned fillers = rng_below(&g->rng, most + 1);
	unsigned t = gen_atomic_address(g, dword), rd;
	do
		rd = dst_reg(g);
	while (rd == t);
	emit(g, enc_amo(AMO_LR, dword, rng_chance(&g->rng, 2), rng_chance(&g->rng, 2), rd, t, 0),
	     dword ? OP(LR_D) : OP(LR_W));
	while (fillers--)
		gen_filler(g, t);
	emit(g,
	     enc_amo(AMO_SC, dword, rng_chance(&g->rng, 2), rng_chance(&g->rng, 2), dst_reg(g), t,
		     src_reg(g)),
	     dword ? OP(SC_D) : OP(SC_W));
}

/* An SC with no reservation held (every LR's SC has run by now): must fail and not store. */
static void gen_sc_alone(struct gen *g)
{
	bool dword = rng_chance(&g->rng, 2);
	unsigned t = gen_atomic_address(g, dword);
	emit(g, enc_amo(AMO_SC, dword, false, false, dst_reg(g), t, src_reg(g)),
	     dword ? OP(SC_D) : OP(SC_W));
}

/* ---- compressed ---- */

enum c_shape {
	C_RD_IMM,   /* c.addi (nonzero imm), c.li, c.addiw: rd != 0, 6-bit signed imm */
	C_LUI,	    /* c.lui: rd != 0, 2, nonzero 6-bit value << 12 */
	C_SLLI,	    /* rd != 0, shamt 1..63 */
	C_CB_SHIFT, /* c.srli, c.srai: rd', shamt 1..63 */
	C_CB_ANDI,  /* rd', 6-bit signed imm */
	C_CA,	    /* rd', rs2' */
	C_CR,	    /* c.mv, c.add: rd != 0, rs2 != 0 */
	C_ADDI4SPN, /* rd', nonzero multiple of 4 below 1024, added to sp */
};

struct c_op {
	uint16_t op;
	uint8_t shape;
	uint8_t f3;   /* C_RD_IMM: funct3; C_CB_*: funct2; C_CA, C_CR: bit 12 */
	uint8_t f2;   /* C_CA: funct2 at bits 6:5 */
	bool nonzero; /* C_RD_IMM: the immediate must not be 0 (c.addi with 0 is a hint) */
};

static const struct c_op c_alu_ops[] = {
    {OP(ADDI), C_RD_IMM, 0, 0, true},	 {OP(ADDIW), C_RD_IMM, 1, 0, false},
    {OP(ADDI), C_RD_IMM, 2, 0, false}, /* c.li */
    {OP(LUI), C_LUI, 0, 0, false},	 {OP(SLLI), C_SLLI, 0, 0, false},
    {OP(SRLI), C_CB_SHIFT, 0, 0, false}, {OP(SRAI), C_CB_SHIFT, 1, 0, false},
    {OP(ANDI), C_CB_ANDI, 2, 0, false},	 {OP(SUB), C_CA, 0, 0, false},
    {OP(XOR), C_CA, 0, 1, false},	 {OP(OR), C_CA, 0, 2, false},
    {OP(AND), C_CA, 0, 3, false},	 {OP(SUBW), C_CA, 1, 0, false},
    {OP(ADDW), C_CA, 1, 1, false},	 {OP(ADD), C_CR, 0, 0, false}, /* c.mv */
    {OP(ADD), C_CR, 1, 0, false},	 {OP(ADDI), C_ADDI4SPN, 0, 0, false},
};

static int32_t simm6(struct gen *g, bool nonzero)
{
	int32_t v;
	do
		v = rng_range(&g->rng, -32, 31);
	while (nonzero && v == 0);
	return v;
}

static unsigned nonzero_src_reg(struct gen *g)
{
	return 1 + rng_below(&g->rng, 31);
}

static void gen_c_alu(struct gen *g)
{
	const struct c_op *o = PICK(g, c_alu_ops);
	uint32_t raw;
	switch (o->shape) {
	case C_RD_IMM: raw = enc_ci(o->f3, 1, dst_reg_nonzero(g), simm6(g, o->nonzero)); break;
	case C_LUI: raw = enc_c_lui(dst_reg_nonzero(g), (uint32_t)simm6(g, true) << 12); break;
	case C_SLLI: raw = enc_ci(0, 2, dst_reg_nonzero(g), rng_range(&g->rng, 1, 63)); break;
	case C_CB_SHIFT: raw = enc_cb_alu(o->f3, cdst_reg(g), rng_range(&g->rng, 1, 63)); break;
	case C_CB_ANDI: raw = enc_cb_alu(o->f3, cdst_reg(g), simm6(g, false)); break;
	case C_CA: raw = enc_ca(o->f3, o->f2, cdst_reg(g), csrc_reg(g)); break;
	case C_CR: raw = enc_cr(o->f3, dst_reg_nonzero(g), nonzero_src_reg(g)); break;
	default:
		raw = enc_c_addi4spn(cdst_reg(g), 4u * (uint32_t)rng_range(&g->rng, 1, 255));
		break;
	}
	emit(g, raw, o->op);
}

struct c_mem_op {
	uint16_t op;
	uint8_t f3, size;
	bool sp, store;
};

static const struct c_mem_op c_mem_ops[] = {
    {OP(LW), 2, 4, false, false}, {OP(LD), 3, 8, false, false}, {OP(SW), 6, 4, false, true},
    {OP(SD), 7, 8, false, true},  {OP(LW), 2, 4, true, false},	{OP(LD), 3, 8, true, false},
    {OP(SW), 6, 4, true, true},	  {OP(SD), 7, 8, true, true},
};

/* Compressed offsets are unsigned multiples of the size: 5 bits (c.lw..c.sd) or 6 bits (the
 * sp-based forms). The base pointers leave room for the largest; an unaligned base pointer
 * makes them misaligned accesses. */
static void gen_c_mem(struct gen *g)
{
	const struct c_mem_op *o = PICK(g, c_mem_ops);
	uint32_t uimm = o->size * rng_below(&g->rng, o->sp ? 64 : 32);
	uint32_t raw;
	if (o->sp && o->store)
		raw = o->size == 4 ? enc_c_swsp(src_reg(g), uimm) : enc_c_sdsp(src_reg(g), uimm);
	else if (o->sp)
		raw = o->size == 4 ? enc_c_lwsp(dst_reg_nonzero(g), uimm)
				   : enc_c_ldsp(dst_reg_nonzero(g), uimm);
	else
		raw = enc_cl(o->f3, o->store ? csrc_reg(g) : cdst_reg(g),
			     rng_chance(&g->rng, 2) ? X_S0 : X_S1, uimm);
	emit(g, raw, o->op);
}

/* ---- control flow ---- */

/* Most branches skip up to three units, some up to fifteen so that higher offset bits are used.
 * Compressed conditional branches reach 254 bytes forward: three units of at most 24 bytes
 * (MAX_UNIT instructions) stay well inside. */
#define SHORT_SKIP 4
#define LONG_SKIP  16

static void gen_branch(struct gen *g)
{
	static const uint16_t b_ops[8] = {
	    [0] = OP(BEQ), [1] = OP(BNE),  [4] = OP(BLT),
	    [5] = OP(BGE), [6] = OP(BLTU), [7] = OP(BGEU),
	};
	unsigned skip = rng_chance(&g->rng, 3) ? LONG_SKIP : SHORT_SKIP;
	switch (rng_below(&g->rng, 6)) {
	case 0: emit_branch(g, enc_jal(dst_reg(g), 0), OP(JAL), FIX_J, skip); break;
	case 1: emit_branch(g, enc_c_j(0), OP(JAL), FIX_CJ, skip); break;
	case 2: {
		bool bnez = rng_chance(&g->rng, 2);
		emit_branch(g, enc_c_bz(bnez, csrc_reg(g), 0), bnez ? OP(BNE) : OP(BEQ), FIX_CB,
			    SHORT_SKIP);
		break;
	}
	default: {
		unsigned f3, rs1 = src_reg(g);
		/* equal operands half of the time, so that taken and not-taken both happen */
		unsigned rs2 = rng_chance(&g->rng, 2) ? rs1 : src_reg(g);
		do
			f3 = rng_below(&g->rng, 8);
		while (!b_ops[f3]);
		emit_branch(g, enc_b(f3, rs1, rs2, 0), b_ops[f3], FIX_B, skip);
		break;
	}
	}
}

/* ---- the class table ---- */

struct insn_class {
	const char *name;
	unsigned weight;
	unsigned min_room; /* instructions the unit needs */
	void (*gen)(struct gen *g);
};

static const struct insn_class classes[] = {
    {"alu-reg", 6, 1, gen_alu_reg},   {"alu-imm", 6, 1, gen_alu_imm},
    {"lui-auipc", 2, 1, gen_upper},   {"mul-div", 6, 1, gen_muldiv},
    {"load", 4, 1, gen_load},	      {"store", 4, 1, gen_store},
    {"amo", 3, 2, gen_amo},	      {"lr-sc", 2, 3, gen_lr_sc},
    {"sc-alone", 1, 2, gen_sc_alone}, {"c-alu", 6, 1, gen_c_alu},
    {"c-mem", 4, 1, gen_c_mem},	      {"branch", 3, 1, gen_branch},
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

/* Random register state: base pointers into the buffer (one time in eight not aligned, which
 * makes compressed accesses misaligned), biased values elsewhere; random buffer contents. */
static void gen_state(struct gen *g)
{
	struct sequence *s = g->seq;
	s->x[0] = 0;
	for (unsigned i = 1; i < 32; i++) {
		if (!is_base(i)) {
			s->x[i] = interesting_value(&g->rng);
			continue;
		}
		uint64_t off = BASE_LO + rng_next(&g->rng) % (BASE_HI - BASE_LO);
		s->x[i] = DATA_BASE + (rng_chance(&g->rng, 8) ? off : off & ~UINT64_C(7));
	}
	for (unsigned i = 0; i < DATA_SIZE; i += 8) {
		uint64_t v = rng_next(&g->rng);
		if ((v & 3) == 0) /* a quarter of the words: the cheap draw decides */
			v = interesting_value(&g->rng);
		memcpy(&s->data[i], &v, 8);
	}
}

/* The offset bits for a branch of kind fix that jumps off bytes. */
static uint32_t fixup_bits(enum fixup fix, int32_t off)
{
	switch (fix) {
	case FIX_B: return imm_b(off);
	case FIX_J: return imm_j(off);
	case FIX_CJ: return imm_cj(off);
	case FIX_CB: return imm_cb(off);
	default: return 0;
	}
}

/* Lays the instructions out and fills in the branch offsets. */
static void layout(struct sequence *s)
{
	uint32_t unit_offset[MAX_LENGTH + MAX_UNIT + 1];
	uint32_t off = 0;
	for (unsigned u = 0, i = 0; u < s->nunits; u++) {
		unit_offset[u] = off;
		for (; i < s->unit_first[u + 1]; i++) {
			s->insn[i].offset = off;
			off += s->insn[i].len;
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
		memcpy(&s->code[in->offset], &in->raw, in->len);
	}
}

/* A sequence of 1..length instructions from seed. */
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
	uint64_t x[32];
	uint64_t pc;
	uint64_t steps;
	uint8_t data[DATA_SIZE];
	char error[128]; /* a trap or an engine error: the run is not comparable */
};

/* Unicorn 2.0.1 flushes its 1 GiB translation buffer when it is full, and the flush can leave
 * cpu_exec chaining a jump from a block it freed: tb_set_jmp_target writes through a null
 * pointer (unicorn-engine/unicorn#1702, #1923; seen here after some 60000 sequences of up to
 * 300 instructions). A fresh engine after this many bytes of guest code translated keeps the
 * buffer far from full, and the memory its pages take small; opening one costs about 0.3 ms. */
#define ENGINE_CODE_BUDGET (UINT64_C(1) << 20)

struct machines {
	emu_bus bus;
	rv_hart hart;
	uc_engine *uc;
	uc_context *reset;   /* Unicorn's state after reset, restored before each sequence */
	uint64_t translated; /* guest code bytes given to this engine */
};

static uint64_t traps_taken(const rv_hart *h)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < 64; i++)
		n += h->trap_counts[i];
	return n;
}

static void run_trapscope(struct machines *m, const struct sequence *s, struct result *r)
{
	rv_hart *h = &m->hart;
	memcpy(emu_ram_ptr(&m->bus, CODE_BASE, CODE_SIZE), s->code, CODE_SIZE);
	memcpy(emu_ram_ptr(&m->bus, DATA_BASE, DATA_SIZE), s->data, DATA_SIZE);
	/* a fresh hart: no decoded code, no reservation, nothing latched from the last sequence */
	rv_hart_free(h);
	if (!rv_hart_init(h, &m->bus, 0, CODE_BASE)) {
		fprintf(stderr, "rv_unicorn: cannot allocate the hart\n");
		exit(EXIT_ERROR);
	}
	memcpy(&h->x[1], &s->x[1], 31 * sizeof h->x[0]);
	uint64_t end = CODE_BASE + s->size;
	r->error[0] = 0;
	for (r->steps = 0; r->steps < s->n && h->pc != end; r->steps++) {
		rv_step(h);
		if (traps_taken(h)) {
			snprintf(r->error, sizeof r->error,
				 "trapscope trapped: mcause %" PRIu64 " mepc 0x%" PRIx64
				 " mtval 0x%" PRIx64,
				 h->mcause, h->mepc, h->mtval);
			break;
		}
	}
	memcpy(r->x, h->x, sizeof r->x);
	r->pc = h->pc;
	memcpy(r->data, emu_ram_ptr(&m->bus, DATA_BASE, DATA_SIZE), DATA_SIZE);
}

static void uc_check(uc_err err, const char *what)
{
	if (err != UC_ERR_OK) {
		fprintf(stderr, "rv_unicorn: unicorn %s: %s\n", what, uc_strerror(err));
		exit(EXIT_ERROR);
	}
}

/* A RISC-V 64 engine with RAM mapped and its reset state saved; false when Unicorn has none. */
static bool unicorn_open(struct machines *m)
{
	uc_err err = uc_open(UC_ARCH_RISCV, UC_MODE_RISCV64, &m->uc);
	if (err != UC_ERR_OK) {
		printf("SKIP: unicorn cannot create a RISC-V 64 engine: %s\n", uc_strerror(err));
		return false;
	}
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

static void run_unicorn(struct machines *m, const struct sequence *s, struct result *r)
{
	int regs[32];
	void *vals[32];
	uint64_t pc = CODE_BASE;
	for (unsigned i = 1; i < 32; i++) {
		regs[i - 1] = UC_RISCV_REG_X1 + (int)i - 1;
		vals[i - 1] = (void *)&s->x[i];
	}
	regs[31] = UC_RISCV_REG_PC;
	vals[31] = &pc;
	if (m->translated > ENGINE_CODE_BUDGET) {
		unicorn_close(m);
		unicorn_open(m);
	}
	m->translated += s->size;
	/* the reset context also drops the LR reservation QEMU keeps in load_res */
	uc_check(uc_context_restore(m->uc, m->reset), "context restore");
	/* writing memory does not drop the blocks translated from it: the cache flush does */
	uc_check(uc_mem_write(m->uc, CODE_BASE, s->code, CODE_SIZE), "code write");
	uc_check(uc_ctl_remove_cache(m->uc, CODE_BASE, CODE_BASE + CODE_SIZE), "cache flush");
	uc_check(uc_mem_write(m->uc, DATA_BASE, s->data, DATA_SIZE), "data write");
	uc_check(uc_reg_write_batch(m->uc, regs, (void *const *)vals, 32), "register write");

	uc_err err = uc_emu_start(m->uc, CODE_BASE, CODE_BASE + s->size, 0, s->n);
	r->error[0] = 0;
	if (err != UC_ERR_OK)
		snprintf(r->error, sizeof r->error, "unicorn stopped: %s", uc_strerror(err));

	r->x[0] = 0;
	for (unsigned i = 1; i < 32; i++)
		vals[i - 1] = &r->x[i];
	vals[31] = &r->pc;
	uc_check(uc_reg_read_batch(m->uc, regs, vals, 32), "register read");
	uc_check(uc_mem_read(m->uc, DATA_BASE, r->data, DATA_SIZE), "data read");
	r->steps = 0;
}

/* 0 when both machines are ready, EXIT_SKIP when Unicorn has no RISC-V 64 engine. */
static int machines_init(struct machines *m)
{
	if (!unicorn_open(m))
		return EXIT_SKIP;
	if (!emu_bus_init(&m->bus, RAM_BASE, RAM_SIZE)) {
		fprintf(stderr, "rv_unicorn: cannot allocate the bus\n");
		exit(EXIT_ERROR);
	}
	m->bus.mtimecmp[0] = UINT64_MAX; /* no timer interrupt pending */
	memset(&m->hart, 0, sizeof m->hart);
	return 0;
}

static void machines_free(struct machines *m)
{
	rv_hart_free(&m->hart);
	emu_bus_free(&m->bus);
	unicorn_close(m);
}

/* ---- comparing and reporting --------------------------------------------------------------- */

/* Every generated instruction must decode to the op the generator meant (a disagreement is a
 * generator or decoder bug, reported before anything runs). Returns the index or -1. */
static int check_decode(const struct sequence *s)
{
	for (unsigned i = 0; i < s->n; i++) {
		dec_rv_insn d;
		if (!dec_rv_decode(s->insn[i].raw, &d) || d.op != s->insn[i].op ||
		    d.len != s->insn[i].len)
			return (int)i;
	}
	return -1;
}

static bool same_state(const struct result *a, const struct result *b)
{
	return !a->error[0] && !b->error[0] && a->pc == b->pc &&
	       !memcmp(&a->x[1], &b->x[1], 31 * sizeof a->x[0]) &&
	       !memcmp(a->data, b->data, DATA_SIZE);
}

/* One line per instruction; the first of each unit names the unit's class. */
static void print_listing(const struct sequence *s)
{
	printf("sequence (%u instructions, %u units):\n", s->n, s->nunits);
	for (unsigned u = 0, i = 0; u < s->nunits; u++) {
		for (; i < s->unit_first[u + 1]; i++) {
			const struct insn *in = &s->insn[i];
			uint64_t pc = CODE_BASE + in->offset;
			bool first = i == s->unit_first[u];
			char text[96];
			dec_rv_disasm(in->raw, pc, text, sizeof text);
			printf("  %-10s %08" PRIx64 ":  %0*" PRIx32 "%*s  %s\n",
			       first ? classes[s->unit_class[u]].name : "", pc, in->len * 2,
			       in->raw, in->len == 2 ? 4 : 0, "", text);
		}
	}
	printf("  %-10s %08" PRIx64 ":\n", "(end)", CODE_BASE + s->size);
}

static void print_registers(const uint64_t x[32])
{
	for (unsigned i = 1; i < 32; i++)
		printf("  %-4s x%-2u 0x%016" PRIx64 "%s", abi_names[i], i, x[i],
		       i % 3 == 0 || i == 31 ? "\n" : "");
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
	for (unsigned i = 1; i < 32; i++)
		if (ts->x[i] != uc->x[i])
			printf("%-4s x%-2u: trapscope 0x%016" PRIx64 "  unicorn 0x%016" PRIx64
			       "  (was 0x%016" PRIx64 ")\n",
			       abi_names[i], i, ts->x[i], uc->x[i], s->x[i]);
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
	printf("\nFAIL: seed %" PRIu64 " (replay: rv_unicorn --seed %" PRIu64
	       " --sequences 1 --length %u)\n",
	       s->seed, s->seed, length);
	if (bad_insn >= 0) {
		dec_rv_insn d;
		dec_rv_decode(s->insn[bad_insn].raw, &d);
		printf("instruction %d (0x%08" PRIx32
		       "): the generator meant %s, the decoder gives "
		       "%s\n",
		       bad_insn, s->insn[bad_insn].raw, dec_rv_op_name(s->insn[bad_insn].op),
		       dec_rv_op_name(d.op));
	}
	print_listing(s);
	printf("initial registers:\n");
	print_registers(s->x);
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
	uint64_t passed = 0, failed = 0;

	diff_parse_options(argc, argv, "rv_unicorn", MAX_LENGTH, &opt);
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
	printf("seed %" PRIu64 ", 1..%u instructions per sequence, %.0f sequences/s\n", opt.seed,
	       opt.length, (double)(passed + failed) / (elapsed > 0 ? elapsed : 1));
	printf("%" PRIu64 " passed, %" PRIu64 " failed\n", passed, failed);
	machines_free(&m);
	return failed ? 1 : 0;
}
