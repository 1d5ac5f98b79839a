/* trapscope — RISC-V instruction decoder.
 *
 * 32-bit instructions dispatch on the major opcode (bits 6:2) to one function per opcode, which
 * looks the funct3/funct7 fields up in the opcode's table. Compressed instructions dispatch on
 * quadrant and funct3 and decode straight to the op of their 32-bit expansion. Immediates are
 * gathered from their scattered bits by layout tables, so each format is spelled once, as the
 * manual draws it.
 */
#include "decode/rv_insn.h"

_Static_assert(sizeof(dec_rv_insn) <= 16, "the decoded record must stay cache-friendly");
_Static_assert(DEC_RV_OP_COUNT <= UINT16_MAX, "dec_rv_insn.op is 16 bits");

#define OP(name) DEC_RV_OP_##name

static uint32_t bits(uint32_t raw, unsigned lsb, unsigned width)
{
	return (raw >> lsb) & ((UINT32_C(1) << width) - 1);
}

static int32_t sign_extend(uint32_t value, unsigned width)
{
	uint32_t sign = UINT32_C(1) << (width - 1);
	return (int32_t)((value ^ sign) - sign);
}

/* ---- Immediate layouts ----------------------------------------------------------------------- */

/* Bits [src_lsb + width - 1 : src_lsb] of the instruction are immediate bits starting at dst_lsb.
 */
struct imm_piece {
	uint8_t src_lsb;
	uint8_t width;
	uint8_t dst_lsb;
};

#define IMM_MAX_PIECES 8

struct imm_layout {
	uint8_t sign_width;			/* sign-extend from this many bits; 0 = unsigned */
	struct imm_piece piece[IMM_MAX_PIECES]; /* up to the first with width 0 */
};

static int32_t gather_imm(uint32_t raw, const struct imm_layout *layout)
{
	uint32_t imm = 0;
	for (unsigned i = 0; i < IMM_MAX_PIECES && layout->piece[i].width; i++) {
		const struct imm_piece *p = &layout->piece[i];
		imm |= bits(raw, p->src_lsb, p->width) << p->dst_lsb;
	}
	return layout->sign_width ? sign_extend(imm, layout->sign_width) : (int32_t)imm;
}

static const struct imm_layout imm_i = {12, {{20, 12, 0}}};
static const struct imm_layout imm_s = {12, {{7, 5, 0}, {25, 7, 5}}};
static const struct imm_layout imm_b = {13, {{8, 4, 1}, {25, 6, 5}, {7, 1, 11}, {31, 1, 12}}};
static const struct imm_layout imm_j = {21, {{21, 10, 1}, {20, 1, 11}, {12, 8, 12}, {31, 1, 20}}};

/* Compressed formats (RVC chapter, "Compressed Instruction Formats" and the listings). */
static const struct imm_layout imm_ciw = {0, {{6, 1, 2}, {5, 1, 3}, {11, 2, 4}, {7, 4, 6}}};
static const struct imm_layout imm_cl_w = {0, {{6, 1, 2}, {10, 3, 3}, {5, 1, 6}}};
static const struct imm_layout imm_cl_d = {0, {{10, 3, 3}, {5, 2, 6}}};
static const struct imm_layout imm_ci = {6, {{2, 5, 0}, {12, 1, 5}}};
static const struct imm_layout imm_ci_shamt = {0, {{2, 5, 0}, {12, 1, 5}}};
static const struct imm_layout imm_ci_lui = {18, {{2, 5, 12}, {12, 1, 17}}};
static const struct imm_layout imm_ci_addi16sp = {
    10, {{6, 1, 4}, {2, 1, 5}, {5, 1, 6}, {3, 2, 7}, {12, 1, 9}}};
static const struct imm_layout imm_ci_lwsp = {0, {{4, 3, 2}, {12, 1, 5}, {2, 2, 6}}};
static const struct imm_layout imm_ci_ldsp = {0, {{5, 2, 3}, {12, 1, 5}, {2, 3, 6}}};
static const struct imm_layout imm_css_w = {0, {{9, 4, 2}, {7, 2, 6}}};
static const struct imm_layout imm_css_d = {0, {{10, 3, 3}, {7, 3, 6}}};
static const struct imm_layout imm_cj = {
    12,
    {{3, 3, 1}, {11, 1, 4}, {2, 1, 5}, {7, 1, 6}, {6, 1, 7}, {9, 2, 8}, {8, 1, 10}, {12, 1, 11}}};
static const struct imm_layout imm_cb = {9,
					 {{3, 2, 1}, {10, 2, 3}, {2, 1, 5}, {5, 2, 6}, {12, 1, 8}}};

/* ---- Field helpers --------------------------------------------------------------------------- */

static unsigned rd_of(uint32_t raw)
{
	return bits(raw, 7, 5);
}

static unsigned rs1_of(uint32_t raw)
{
	return bits(raw, 15, 5);
}

static unsigned rs2_of(uint32_t raw)
{
	return bits(raw, 20, 5);
}

static unsigned funct3_of(uint32_t raw)
{
	return bits(raw, 12, 3);
}

static unsigned funct7_of(uint32_t raw)
{
	return bits(raw, 25, 7);
}

static bool emit(dec_rv_insn *out, unsigned op, unsigned rd, unsigned rs1, unsigned rs2,
		 int32_t imm)
{
	if (op == OP(ILLEGAL))
		return false;
	out->op = (uint16_t)op;
	out->rd = (uint8_t)rd;
	out->rs1 = (uint8_t)rs1;
	out->rs2 = (uint8_t)rs2;
	out->imm = imm;
	return true;
}

static bool emit_r(dec_rv_insn *out, unsigned op, uint32_t raw)
{
	return emit(out, op, rd_of(raw), rs1_of(raw), rs2_of(raw), 0);
}

static bool emit_i(dec_rv_insn *out, unsigned op, uint32_t raw)
{
	return emit(out, op, rd_of(raw), rs1_of(raw), 0, gather_imm(raw, &imm_i));
}

/* ---- 32-bit: one decoder per major opcode ---------------------------------------------------- */

enum major {
	MAJOR_LOAD = 0x00,
	MAJOR_MISC_MEM = 0x03,
	MAJOR_OP_IMM = 0x04,
	MAJOR_AUIPC = 0x05,
	MAJOR_OP_IMM_32 = 0x06,
	MAJOR_STORE = 0x08,
	MAJOR_AMO = 0x0b,
	MAJOR_OP = 0x0c,
	MAJOR_LUI = 0x0d,
	MAJOR_OP_32 = 0x0e,
	MAJOR_BRANCH = 0x18,
	MAJOR_JALR = 0x19,
	MAJOR_JAL = 0x1b,
	MAJOR_SYSTEM = 0x1c,
};

static const uint16_t load_ops[8] = {OP(LB), OP(LH), OP(LW), OP(LD), OP(LBU), OP(LHU), OP(LWU)};
static const uint16_t store_ops[8] = {OP(SB), OP(SH), OP(SW), OP(SD)};
static const uint16_t branch_ops[8] = {OP(BEQ), OP(BNE), 0,	   0,
				       OP(BLT), OP(BGE), OP(BLTU), OP(BGEU)};

static bool decode_load(uint32_t raw, dec_rv_insn *out)
{
	return emit_i(out, load_ops[funct3_of(raw)], raw);
}

static bool decode_store(uint32_t raw, dec_rv_insn *out)
{
	return emit(out, store_ops[funct3_of(raw)], 0, rs1_of(raw), rs2_of(raw),
		    gather_imm(raw, &imm_s));
}

static bool decode_branch(uint32_t raw, dec_rv_insn *out)
{
	return emit(out, branch_ops[funct3_of(raw)], 0, rs1_of(raw), rs2_of(raw),
		    gather_imm(raw, &imm_b));
}

static bool decode_lui(uint32_t raw, dec_rv_insn *out)
{
	return emit(out, OP(LUI), rd_of(raw), 0, 0, (int32_t)(raw & 0xfffff000));
}

static bool decode_auipc(uint32_t raw, dec_rv_insn *out)
{
	return emit(out, OP(AUIPC), rd_of(raw), 0, 0, (int32_t)(raw & 0xfffff000));
}

static bool decode_jal(uint32_t raw, dec_rv_insn *out)
{
	return emit(out, OP(JAL), rd_of(raw), 0, 0, gather_imm(raw, &imm_j));
}

static bool decode_jalr(uint32_t raw, dec_rv_insn *out)
{
	return funct3_of(raw) == 0 && emit_i(out, OP(JALR), raw);
}

/* Instructions whose bits 31:20 are all opcode (Zbb unary operations): rd and rs1 vary only. */
struct unary_encoding {
	uint8_t major;
	uint8_t funct3;
	uint16_t funct12;
	uint16_t op;
};

static const struct unary_encoding unary_encodings[] = {
    {MAJOR_OP_IMM, 1, 0x600, OP(CLZ)},	   {MAJOR_OP_IMM, 1, 0x601, OP(CTZ)},
    {MAJOR_OP_IMM, 1, 0x602, OP(CPOP)},	   {MAJOR_OP_IMM, 1, 0x604, OP(SEXT_B)},
    {MAJOR_OP_IMM, 1, 0x605, OP(SEXT_H)},  {MAJOR_OP_IMM, 5, 0x287, OP(ORC_B)},
    {MAJOR_OP_IMM, 5, 0x6b8, OP(REV8)},	   {MAJOR_OP_IMM_32, 1, 0x600, OP(CLZW)},
    {MAJOR_OP_IMM_32, 1, 0x601, OP(CTZW)}, {MAJOR_OP_IMM_32, 1, 0x602, OP(CPOPW)},
    {MAJOR_OP_32, 4, 0x080, OP(ZEXT_H)},
};

static bool decode_unary(uint32_t raw, dec_rv_insn *out)
{
	unsigned major = bits(raw, 2, 5), funct3 = funct3_of(raw), funct12 = bits(raw, 20, 12);
	for (unsigned i = 0; i < sizeof(unary_encodings) / sizeof(unary_encodings[0]); i++) {
		const struct unary_encoding *u = &unary_encodings[i];
		if (u->major == major && u->funct3 == funct3 && u->funct12 == funct12)
			return emit(out, u->op, rd_of(raw), rs1_of(raw), 0, 0);
	}
	return false;
}

/* Immediate shifts: the bits above the shift amount, from funct_lsb up, select the operation;
 * the shift amount is bits [funct_lsb-1:20] (6 bits for XLEN shifts, 5 for the W forms). */
struct shift_encoding {
	uint8_t major;
	uint8_t funct3;
	uint8_t funct_lsb;
	uint8_t funct;
	uint16_t op;
};

static const struct shift_encoding shift_encodings[] = {
    {MAJOR_OP_IMM, 1, 26, 0x00, OP(SLLI)},	 {MAJOR_OP_IMM, 5, 26, 0x00, OP(SRLI)},
    {MAJOR_OP_IMM, 5, 26, 0x10, OP(SRAI)},	 {MAJOR_OP_IMM, 5, 26, 0x18, OP(RORI)},
    {MAJOR_OP_IMM_32, 1, 25, 0x00, OP(SLLIW)},	 {MAJOR_OP_IMM_32, 5, 25, 0x00, OP(SRLIW)},
    {MAJOR_OP_IMM_32, 5, 25, 0x20, OP(SRAIW)},	 {MAJOR_OP_IMM_32, 5, 25, 0x30, OP(RORIW)},
    {MAJOR_OP_IMM_32, 1, 26, 0x02, OP(SLLI_UW)},
};

static bool decode_shift(uint32_t raw, dec_rv_insn *out)
{
	unsigned major = bits(raw, 2, 5), funct3 = funct3_of(raw);
	for (unsigned i = 0; i < sizeof(shift_encodings) / sizeof(shift_encodings[0]); i++) {
		const struct shift_encoding *s = &shift_encodings[i];
		if (s->major == major && s->funct3 == funct3 &&
		    bits(raw, s->funct_lsb, 32 - s->funct_lsb) == s->funct)
			return emit(out, s->op, rd_of(raw), rs1_of(raw), 0,
				    (int32_t)bits(raw, 20, s->funct_lsb - 20U));
	}
	return false;
}

/* funct3 1 and 5 are the shifts and unary operations; the others take a 12-bit immediate. */
static const uint16_t op_imm_ops[8] = {OP(ADDI), 0, OP(SLTI), OP(SLTIU),
				       OP(XORI), 0, OP(ORI),  OP(ANDI)};
static const uint16_t op_imm_32_ops[8] = {OP(ADDIW)};

static bool decode_op_imm_common(uint32_t raw, dec_rv_insn *out, const uint16_t ops[8])
{
	unsigned funct3 = funct3_of(raw);
	if (funct3 == 1 || funct3 == 5)
		return decode_unary(raw, out) || decode_shift(raw, out);
	return emit_i(out, ops[funct3], raw);
}

static bool decode_op_imm(uint32_t raw, dec_rv_insn *out)
{
	return decode_op_imm_common(raw, out, op_imm_ops);
}

static bool decode_op_imm_32(uint32_t raw, dec_rv_insn *out)
{
	return decode_op_imm_common(raw, out, op_imm_32_ops);
}

/* Register-register operations: one row per funct7, one column per funct3. */
struct funct7_row {
	uint8_t funct7;
	uint16_t op[8];
};

static const struct funct7_row op_rows[] = {
    {0x00, {OP(ADD), OP(SLL), OP(SLT), OP(SLTU), OP(XOR), OP(SRL), OP(OR), OP(AND)}},
    {0x20, {OP(SUB), 0, 0, 0, OP(XNOR), OP(SRA), OP(ORN), OP(ANDN)}},
    {0x01, {OP(MUL), OP(MULH), OP(MULHSU), OP(MULHU), OP(DIV), OP(DIVU), OP(REM), OP(REMU)}},
    {0x05, {0, 0, 0, 0, OP(MIN), OP(MINU), OP(MAX), OP(MAXU)}},
    {0x10, {0, 0, OP(SH1ADD), 0, OP(SH2ADD), 0, OP(SH3ADD), 0}},
    {0x30, {0, OP(ROL), 0, 0, 0, OP(ROR), 0, 0}},
};

static const struct funct7_row op_32_rows[] = {
    {0x00, {OP(ADDW), OP(SLLW), 0, 0, 0, OP(SRLW), 0, 0}},
    {0x20, {OP(SUBW), 0, 0, 0, 0, OP(SRAW), 0, 0}},
    {0x01, {OP(MULW), 0, 0, 0, OP(DIVW), OP(DIVUW), OP(REMW), OP(REMUW)}},
    {0x04, {OP(ADD_UW), 0, 0, 0, 0, 0, 0, 0}},
    {0x10, {0, 0, OP(SH1ADD_UW), 0, OP(SH2ADD_UW), 0, OP(SH3ADD_UW), 0}},
    {0x30, {0, OP(ROLW), 0, 0, 0, OP(RORW), 0, 0}},
};

static bool decode_op_rows(uint32_t raw, dec_rv_insn *out, const struct funct7_row *rows,
			   unsigned nrows)
{
	unsigned funct7 = funct7_of(raw);
	for (unsigned i = 0; i < nrows; i++)
		if (rows[i].funct7 == funct7)
			return emit_r(out, rows[i].op[funct3_of(raw)], raw);
	return false;
}

static bool decode_op(uint32_t raw, dec_rv_insn *out)
{
	return decode_op_rows(raw, out, op_rows, sizeof(op_rows) / sizeof(op_rows[0]));
}

static bool decode_op_32(uint32_t raw, dec_rv_insn *out)
{
	return decode_unary(raw, out) ||
	       decode_op_rows(raw, out, op_32_rows, sizeof(op_32_rows) / sizeof(op_32_rows[0]));
}

/* FENCE and FENCE.I: the manual has base implementations ignore rd, rs1, FENCE's unknown fm
 * values and FENCE.I's immediate (reserved for finer-grained fences), so they decode as the
 * plain fence whatever those bits hold. The record keeps fm, pred and succ in imm. */
static bool decode_misc_mem(uint32_t raw, dec_rv_insn *out)
{
	switch (funct3_of(raw)) {
	case 0: return emit(out, OP(FENCE), 0, 0, 0, (int32_t)bits(raw, 20, 12));
	case 1: return emit(out, OP(FENCE_I), 0, 0, 0, 0);
	default: return false;
	}
}

/* AMO funct5 → {.W op, .D op}. */
static const uint16_t amo_ops[32][2] = {
    [0x00] = {OP(AMOADD_W), OP(AMOADD_D)},   [0x01] = {OP(AMOSWAP_W), OP(AMOSWAP_D)},
    [0x02] = {OP(LR_W), OP(LR_D)},	     [0x03] = {OP(SC_W), OP(SC_D)},
    [0x04] = {OP(AMOXOR_W), OP(AMOXOR_D)},   [0x08] = {OP(AMOOR_W), OP(AMOOR_D)},
    [0x0c] = {OP(AMOAND_W), OP(AMOAND_D)},   [0x10] = {OP(AMOMIN_W), OP(AMOMIN_D)},
    [0x14] = {OP(AMOMAX_W), OP(AMOMAX_D)},   [0x18] = {OP(AMOMINU_W), OP(AMOMINU_D)},
    [0x1c] = {OP(AMOMAXU_W), OP(AMOMAXU_D)},
};

static bool decode_amo(uint32_t raw, dec_rv_insn *out)
{
	unsigned funct3 = funct3_of(raw), funct5 = bits(raw, 27, 5);
	if (funct3 != 2 && funct3 != 3)
		return false;
	unsigned op = amo_ops[funct5][funct3 - 2];
	/* LR has no source register: its rs2 field must be 0. */
	if ((op == OP(LR_W) || op == OP(LR_D)) && rs2_of(raw) != 0)
		return false;
	out->flags = (uint8_t)bits(raw, 25, 2); /* aq = bit 26, rl = bit 25 */
	return emit_r(out, op, raw);
}

/* SYSTEM with funct3 0: instructions that are one fixed word... */
struct fixed_encoding {
	uint32_t raw;
	uint16_t op;
};

static const struct fixed_encoding fixed_encodings[] = {
    {0x00000073, OP(ECALL)},
    {0x00100073, OP(EBREAK)},
    {0x10200073, OP(SRET)},
    {0x30200073, OP(MRET)},
    {0x10500073, OP(WFI)},
    {0x18000073, OP(SFENCE_W_INVAL)},
    {0x18100073, OP(SFENCE_INVAL_IR)},
};

/* ...and the address-translation fences, which take rs1 and rs2 (rd must be 0). */
static const struct {
	uint8_t funct7;
	uint16_t op;
} tlb_fences[] = {
    {0x09, OP(SFENCE_VMA)},  {0x0b, OP(SINVAL_VMA)},  {0x11, OP(HFENCE_VVMA)},
    {0x13, OP(HINVAL_VVMA)}, {0x31, OP(HFENCE_GVMA)}, {0x33, OP(HINVAL_GVMA)},
};

static bool decode_privileged(uint32_t raw, dec_rv_insn *out)
{
	for (unsigned i = 0; i < sizeof(fixed_encodings) / sizeof(fixed_encodings[0]); i++)
		if (fixed_encodings[i].raw == raw)
			return emit(out, fixed_encodings[i].op, 0, 0, 0, 0);
	if (rd_of(raw) != 0)
		return false;
	for (unsigned i = 0; i < sizeof(tlb_fences) / sizeof(tlb_fences[0]); i++)
		if (tlb_fences[i].funct7 == funct7_of(raw))
			return emit(out, tlb_fences[i].op, 0, rs1_of(raw), rs2_of(raw), 0);
	return false;
}

/* HLV/HLVX/HSV: funct7 = 0110 ss t, ss = log2(size), t = 1 for stores. A load's rs2 field picks
 * the variant (0 signed, 1 unsigned, 3 execute permission); a store's rd field must be 0. */
static const uint16_t hlv_ops[4][4] = {
    {OP(HLV_B), OP(HLV_BU)},
    {OP(HLV_H), OP(HLV_HU), 0, OP(HLVX_HU)},
    {OP(HLV_W), OP(HLV_WU), 0, OP(HLVX_WU)},
    {OP(HLV_D)},
};
static const uint16_t hsv_ops[4] = {OP(HSV_B), OP(HSV_H), OP(HSV_W), OP(HSV_D)};

static bool decode_hypervisor_access(uint32_t raw, dec_rv_insn *out)
{
	unsigned funct7 = funct7_of(raw), size = bits(funct7, 1, 2);
	if ((funct7 >> 3) != 0x6)
		return false;
	if (funct7 & 1)
		return rd_of(raw) == 0 && emit(out, hsv_ops[size], 0, rs1_of(raw), rs2_of(raw), 0);
	return rs2_of(raw) < 4 &&
	       emit(out, hlv_ops[size][rs2_of(raw)], rd_of(raw), rs1_of(raw), 0, 0);
}

static const uint16_t csr_ops[8] = {0, OP(CSRRW),  OP(CSRRS),  OP(CSRRC),
				    0, OP(CSRRWI), OP(CSRRSI), OP(CSRRCI)};

static bool decode_system(uint32_t raw, dec_rv_insn *out)
{
	unsigned funct3 = funct3_of(raw);
	if (funct3 == 0)
		return decode_privileged(raw, out);
	if (funct3 == 4)
		return decode_hypervisor_access(raw, out);
	out->csr = (uint16_t)bits(raw, 20, 12);
	/* The immediate forms carry a 5-bit unsigned immediate in the rs1 field. */
	if (funct3 & 4)
		return emit(out, csr_ops[funct3], rd_of(raw), 0, 0, (int32_t)rs1_of(raw));
	return emit(out, csr_ops[funct3], rd_of(raw), rs1_of(raw), 0, 0);
}

typedef bool decode_fn(uint32_t raw, dec_rv_insn *out);

static decode_fn *const major_decoders[32] = {
    [MAJOR_LOAD] = decode_load,
    [MAJOR_MISC_MEM] = decode_misc_mem,
    [MAJOR_OP_IMM] = decode_op_imm,
    [MAJOR_AUIPC] = decode_auipc,
    [MAJOR_OP_IMM_32] = decode_op_imm_32,
    [MAJOR_STORE] = decode_store,
    [MAJOR_AMO] = decode_amo,
    [MAJOR_OP] = decode_op,
    [MAJOR_LUI] = decode_lui,
    [MAJOR_OP_32] = decode_op_32,
    [MAJOR_BRANCH] = decode_branch,
    [MAJOR_JALR] = decode_jalr,
    [MAJOR_JAL] = decode_jal,
    [MAJOR_SYSTEM] = decode_system,
};

static bool decode_32(uint32_t raw, dec_rv_insn *out)
{
	decode_fn *decode = major_decoders[bits(raw, 2, 5)];
	return decode && decode(raw, out);
}

/* ---- 16-bit: one decoder per quadrant and funct3 --------------------------------------------- */

struct c_form;
typedef bool c_decode_fn(uint32_t raw, const struct c_form *form, dec_rv_insn *out);

struct c_form {
	c_decode_fn *decode;
	uint16_t op; /* the op of the 32-bit expansion, where the form has one */
	const struct imm_layout *imm;
};

enum { REG_RA = 1, REG_SP = 2 };

/* The 3-bit register fields name x8..x15. */
static unsigned c_reg_low(uint32_t raw)
{
	return 8 + bits(raw, 2, 3);
}

static unsigned c_reg_high(uint32_t raw)
{
	return 8 + bits(raw, 7, 3);
}

static unsigned c_rd(uint32_t raw)
{
	return bits(raw, 7, 5);
}

static unsigned c_rs2(uint32_t raw)
{
	return bits(raw, 2, 5);
}

static bool c_addi4spn(uint32_t raw, const struct c_form *form, dec_rv_insn *out)
{
	int32_t imm = gather_imm(raw, form->imm);
	return imm != 0 && emit(out, form->op, c_reg_low(raw), REG_SP, 0, imm);
}

static bool c_load(uint32_t raw, const struct c_form *form, dec_rv_insn *out)
{
	return emit(out, form->op, c_reg_low(raw), c_reg_high(raw), 0, gather_imm(raw, form->imm));
}

static bool c_store(uint32_t raw, const struct c_form *form, dec_rv_insn *out)
{
	return emit(out, form->op, 0, c_reg_high(raw), c_reg_low(raw), gather_imm(raw, form->imm));
}

/* c.addi (rd 0: c.nop; immediate 0: a hint) and c.addiw (rd 0 reserved). */
static bool c_addi(uint32_t raw, const struct c_form *form, dec_rv_insn *out)
{
	if (form->op == OP(ADDIW) && c_rd(raw) == 0)
		return false;
	return emit(out, form->op, c_rd(raw), c_rd(raw), 0, gather_imm(raw, form->imm));
}

static bool c_li(uint32_t raw, const struct c_form *form, dec_rv_insn *out)
{
	return emit(out, form->op, c_rd(raw), 0, 0, gather_imm(raw, form->imm));
}

/* rd = sp is c.addi16sp, any other rd c.lui; a zero immediate is reserved for both. */
static bool c_lui_addi16sp(uint32_t raw, const struct c_form *form, dec_rv_insn *out)
{
	(void)form;
	if (c_rd(raw) == REG_SP) {
		int32_t imm = gather_imm(raw, &imm_ci_addi16sp);
		return imm != 0 && emit(out, OP(ADDI), REG_SP, REG_SP, 0, imm);
	}
	int32_t imm = gather_imm(raw, &imm_ci_lui);
	return imm != 0 && emit(out, OP(LUI), c_rd(raw), 0, 0, imm);
}

/* Quadrant 1, funct3 100: bits 11:10 select a shift, c.andi, or (11) the register-register
 * group, where bit 12 and bits 6:5 select the operation. */
static const uint16_t c_arith_ops[2][4] = {
    {OP(SUB), OP(XOR), OP(OR), OP(AND)},
    {OP(SUBW), OP(ADDW)},
};

static bool c_arith(uint32_t raw, const struct c_form *form, dec_rv_insn *out)
{
	unsigned rd = c_reg_high(raw);
	(void)form;
	switch (bits(raw, 10, 2)) {
	case 0: return emit(out, OP(SRLI), rd, rd, 0, gather_imm(raw, &imm_ci_shamt));
	case 1: return emit(out, OP(SRAI), rd, rd, 0, gather_imm(raw, &imm_ci_shamt));
	case 2: return emit(out, OP(ANDI), rd, rd, 0, gather_imm(raw, &imm_ci));
	default:
		return emit(out, c_arith_ops[bits(raw, 12, 1)][bits(raw, 5, 2)], rd, rd,
			    c_reg_low(raw), 0);
	}
}

static bool c_j(uint32_t raw, const struct c_form *form, dec_rv_insn *out)
{
	return emit(out, form->op, 0, 0, 0, gather_imm(raw, form->imm));
}

static bool c_branch(uint32_t raw, const struct c_form *form, dec_rv_insn *out)
{
	return emit(out, form->op, 0, c_reg_high(raw), 0, gather_imm(raw, form->imm));
}

static bool c_slli(uint32_t raw, const struct c_form *form, dec_rv_insn *out)
{
	return emit(out, form->op, c_rd(raw), c_rd(raw), 0, gather_imm(raw, form->imm));
}

static bool c_load_sp(uint32_t raw, const struct c_form *form, dec_rv_insn *out)
{
	return c_rd(raw) != 0 &&
	       emit(out, form->op, c_rd(raw), REG_SP, 0, gather_imm(raw, form->imm));
}

static bool c_store_sp(uint32_t raw, const struct c_form *form, dec_rv_insn *out)
{
	return emit(out, form->op, 0, REG_SP, c_rs2(raw), gather_imm(raw, form->imm));
}

/* Quadrant 2, funct3 100: c.jr, c.mv (bit 12 clear); c.ebreak, c.jalr, c.add (bit 12 set). */
static bool c_jump_move_add(uint32_t raw, const struct c_form *form, dec_rv_insn *out)
{
	unsigned link = bits(raw, 12, 1), rd = c_rd(raw), rs2 = c_rs2(raw);
	(void)form;
	if (rs2 != 0)
		return emit(out, OP(ADD), rd, link ? rd : 0, rs2, 0);
	if (rd == 0)
		return link && emit(out, OP(EBREAK), 0, 0, 0, 0);
	return emit(out, OP(JALR), link ? REG_RA : 0, rd, 0, 0);
}

static const struct c_form c_forms[3][8] = {
    {
	{c_addi4spn, OP(ADDI), &imm_ciw},
	{NULL, 0, NULL}, /* c.fld */
	{c_load, OP(LW), &imm_cl_w},
	{c_load, OP(LD), &imm_cl_d},
	{NULL, 0, NULL}, /* reserved */
	{NULL, 0, NULL}, /* c.fsd */
	{c_store, OP(SW), &imm_cl_w},
	{c_store, OP(SD), &imm_cl_d},
    },
    {
	{c_addi, OP(ADDI), &imm_ci},
	{c_addi, OP(ADDIW), &imm_ci},
	{c_li, OP(ADDI), &imm_ci},
	{c_lui_addi16sp, 0, NULL},
	{c_arith, 0, NULL},
	{c_j, OP(JAL), &imm_cj},
	{c_branch, OP(BEQ), &imm_cb},
	{c_branch, OP(BNE), &imm_cb},
    },
    {
	{c_slli, OP(SLLI), &imm_ci_shamt},
	{NULL, 0, NULL}, /* c.fldsp */
	{c_load_sp, OP(LW), &imm_ci_lwsp},
	{c_load_sp, OP(LD), &imm_ci_ldsp},
	{c_jump_move_add, 0, NULL},
	{NULL, 0, NULL}, /* c.fsdsp */
	{c_store_sp, OP(SW), &imm_css_w},
	{c_store_sp, OP(SD), &imm_css_d},
    },
};

static bool decode_16(uint32_t raw, dec_rv_insn *out)
{
	const struct c_form *form = &c_forms[bits(raw, 0, 2)][bits(raw, 13, 3)];
	return form->decode && form->decode(raw, form, out);
}

/* ---- Entry points ---------------------------------------------------------------------------- */

unsigned dec_rv_insn_len(uint32_t low16)
{
	if ((low16 & 0x3) != 0x3)
		return 2;
	if ((low16 & 0x1c) != 0x1c)
		return 4;
	return 0;
}

bool dec_rv_decode(uint32_t raw, dec_rv_insn *out)
{
	unsigned len = dec_rv_insn_len(raw);
	bool ok;

	*out = (dec_rv_insn){0};
	if (len == 2)
		ok = decode_16(raw & 0xffff, out);
	else
		ok = len == 4 && decode_32(raw, out);
	if (!ok)
		*out = (dec_rv_insn){0};
	out->len = (uint8_t)len;
	return ok;
}

#define DEC_RV_OP_NAME(name, mnemonic) [DEC_RV_OP_##name] = (mnemonic),
static const char *const op_names[DEC_RV_OP_COUNT] = {DEC_RV_OPS(DEC_RV_OP_NAME)};
#undef DEC_RV_OP_NAME

const char *dec_rv_op_name(unsigned op)
{
	return op < DEC_RV_OP_COUNT ? op_names[op] : op_names[DEC_RV_OP_ILLEGAL];
}
