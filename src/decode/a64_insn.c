/* trapscope — A64 instruction decoder.
 *
 * Bits [28:25] select a top-level group of the Arm ARM's encoding index; each group is a table
 * of rows {mask, match, op, operand format}, scanned in order, first match wins. A row may name
 * DEC_A64_OP_UNDEF to carve an unallocated hole out of a wider row below it. The operand format
 * extracts the fields and refuses the encodings the Arm ARM marks reserved or unallocated
 * within an otherwise valid row (for example a 32-bit logical immediate with N = 1).
 */
#include "decode/a64_insn.h"

#include <stdio.h>

_Static_assert(sizeof(dec_a64_insn) == 24, "the decoded record must stay small");
_Static_assert(DEC_A64_OP_COUNT <= UINT16_MAX, "dec_a64_insn.op is 16 bits");

#define OP(name) DEC_A64_OP_##name

static uint32_t bits(uint32_t raw, unsigned lsb, unsigned width)
{
	return (raw >> lsb) & ((UINT32_C(1) << width) - 1);
}

static bool bit(uint32_t raw, unsigned n)
{
	return (raw >> n) & 1;
}

static int64_t sign_extend(uint64_t value, unsigned width)
{
	uint64_t sign = UINT64_C(1) << (width - 1);
	return (int64_t)((value ^ sign) - sign);
}

/* ---- DecodeBitMasks ------------------------------------------------------------------------ */

static uint64_t ones(unsigned n)
{
	return n >= 64 ? UINT64_MAX : (UINT64_C(1) << n) - 1;
}

static uint64_t ror_within(uint64_t v, unsigned r, unsigned esize)
{
	if (r == 0)
		return v;
	return ((v >> r) | (v << (esize - r))) & ones(esize);
}

bool dec_a64_bitmask_imm(unsigned n, unsigned immr, unsigned imms, unsigned datasize,
			 uint64_t *value)
{
	unsigned combined = (n ? 0x40u : 0u) | (~imms & 0x3f);
	if (combined == 0)
		return false;
	unsigned len = 31 - (unsigned)__builtin_clz(combined);
	if (len < 1 || (1u << len) > datasize)
		return false;
	unsigned esize = 1u << len, levels = esize - 1;
	unsigned s = imms & levels, r = immr & levels;
	if (s == levels)
		return false; /* an all-ones element is reserved */
	uint64_t element = ror_within(ones(s + 1), r, esize);
	uint64_t v = 0;
	for (unsigned i = 0; i < datasize; i += esize)
		v |= element << i;
	*value = v;
	return true;
}

/* ---- operand formats ------------------------------------------------------------------------ */

enum fmt {
	F_NONE,
	F_ADR,
	F_ADDSUB_IMM,
	F_LOGIC_IMM,
	F_MOVE_WIDE,
	F_BITFIELD,
	F_EXTR,
	F_B,
	F_B_COND,
	F_CB,
	F_TB,
	F_BR,
	F_EXC,
	F_HINT,
	F_BARRIER,
	F_PSTATE,
	F_SYSREG,
	F_LOGIC_REG,
	F_ADDSUB_REG,
	F_ADDSUB_EXT,
	F_RRR,
	F_CCMP,
	F_CSEL,
	F_RR,
	F_RRRR,
	F_LD_LIT,
	F_LDST_UIMM,
	F_LDST_IMM9,
	F_LDST_REG,
	F_LDST_PAIR,
	F_EXCL,
	F_EXCL_PAIR,
	F_ORDERED,
	F_CAS,
	F_CASP,
	F_ATOMIC,
	F_COUNT
};

typedef bool fmt_fn(uint32_t raw, dec_a64_insn *d);

static void set_sf(uint32_t raw, dec_a64_insn *d)
{
	if (bit(raw, 31))
		d->flags |= DEC_A64_SF;
}

static void dn(uint32_t raw, dec_a64_insn *d)
{
	d->rd = (uint8_t)bits(raw, 0, 5);
	d->rn = (uint8_t)bits(raw, 5, 5);
	set_sf(raw, d);
}

static void dnm(uint32_t raw, dec_a64_insn *d)
{
	dn(raw, d);
	d->rm = (uint8_t)bits(raw, 16, 5);
}

static bool fmt_none(uint32_t raw, dec_a64_insn *d)
{
	(void)raw;
	(void)d;
	return true;
}

static bool fmt_adr(uint32_t raw, dec_a64_insn *d)
{
	d->rd = (uint8_t)bits(raw, 0, 5);
	d->imm = sign_extend(bits(raw, 5, 19) << 2 | bits(raw, 29, 2), 21);
	if (d->op == OP(ADRP))
		d->imm *= 4096;
	return true;
}

/* ADD/SUB (immediate and extended register) read SP from Rn; without S they also write SP. */
static void addsub_sp(uint32_t raw, dec_a64_insn *d)
{
	d->flags |= DEC_A64_RN_SP;
	if (!bit(raw, 29))
		d->flags |= DEC_A64_RD_SP;
}

static bool fmt_addsub_imm(uint32_t raw, dec_a64_insn *d)
{
	dn(raw, d);
	addsub_sp(raw, d);
	d->imm = (int64_t)bits(raw, 10, 12) << (bit(raw, 22) ? 12 : 0);
	return true;
}

static bool fmt_logic_imm(uint32_t raw, dec_a64_insn *d)
{
	uint64_t mask;
	dn(raw, d);
	if (!(d->flags & DEC_A64_SF) && bit(raw, 22))
		return false;
	if (!dec_a64_bitmask_imm(bit(raw, 22), bits(raw, 16, 6), bits(raw, 10, 6),
				 (d->flags & DEC_A64_SF) ? 64 : 32, &mask))
		return false;
	d->imm = (int64_t)mask;
	if (bits(raw, 29, 2) != 3) /* ANDS writes the zero register, the others SP */
		d->flags |= DEC_A64_RD_SP;
	return true;
}

static bool fmt_move_wide(uint32_t raw, dec_a64_insn *d)
{
	unsigned hw = bits(raw, 21, 2);
	d->rd = (uint8_t)bits(raw, 0, 5);
	set_sf(raw, d);
	if (!(d->flags & DEC_A64_SF) && hw >= 2)
		return false;
	d->amount = (uint8_t)(hw * 16);
	d->imm = (int64_t)((uint64_t)bits(raw, 5, 16) << d->amount);
	return true;
}

/* Bitfield moves and EXTR: N must equal sf, and a 32-bit form has no 6-bit positions. */
static bool fmt_bitfield(uint32_t raw, dec_a64_insn *d)
{
	dnm(raw, d);
	d->amount = (uint8_t)bits(raw, 16, 6);
	d->imms = (uint8_t)bits(raw, 10, 6);
	if (bit(raw, 22) != bit(raw, 31))
		return false;
	return (d->flags & DEC_A64_SF) || (d->amount < 32 && d->imms < 32);
}

static bool fmt_bitfield_only(uint32_t raw, dec_a64_insn *d)
{
	bool ok = fmt_bitfield(raw, d);
	d->rm = 0;
	return ok;
}

static bool fmt_extr(uint32_t raw, dec_a64_insn *d)
{
	bool ok = fmt_bitfield(raw, d);
	d->rm = (uint8_t)bits(raw, 16, 5);
	d->amount = d->imms;
	d->imms = 0;
	return ok;
}

static bool fmt_b(uint32_t raw, dec_a64_insn *d)
{
	d->imm = sign_extend(bits(raw, 0, 26), 26) * 4;
	return true;
}

static bool fmt_b_cond(uint32_t raw, dec_a64_insn *d)
{
	d->imm = sign_extend(bits(raw, 5, 19), 19) * 4;
	d->cond = (uint8_t)bits(raw, 0, 4);
	return true;
}

static bool fmt_cb(uint32_t raw, dec_a64_insn *d)
{
	d->rd = (uint8_t)bits(raw, 0, 5);
	set_sf(raw, d);
	d->imm = sign_extend(bits(raw, 5, 19), 19) * 4;
	return true;
}

static bool fmt_tb(uint32_t raw, dec_a64_insn *d)
{
	d->rd = (uint8_t)bits(raw, 0, 5);
	set_sf(raw, d); /* b5: the bit is in the upper half, Rt is an X register */
	d->amount = (uint8_t)(bits(raw, 31, 1) << 5 | bits(raw, 19, 5));
	d->imm = sign_extend(bits(raw, 5, 14), 14) * 4;
	return true;
}

static bool fmt_br(uint32_t raw, dec_a64_insn *d)
{
	d->rn = (uint8_t)bits(raw, 5, 5);
	return true;
}

static bool fmt_exc(uint32_t raw, dec_a64_insn *d)
{
	d->imm = bits(raw, 5, 16);
	return true;
}

static void system_fields(uint32_t raw, dec_a64_insn *d)
{
	d->sysreg = (uint16_t)bits(raw, 5, 16);
	d->rd = (uint8_t)bits(raw, 0, 5);
}

static bool fmt_hint(uint32_t raw, dec_a64_insn *d)
{
	system_fields(raw, d);
	d->imm = bits(raw, 5, 7); /* CRm:op2 */
	return true;
}

static bool fmt_barrier(uint32_t raw, dec_a64_insn *d)
{
	system_fields(raw, d);
	d->imm = bits(raw, 8, 4); /* CRm: the domain and access types */
	return true;
}

/* MSR (immediate): the PSTATE fields of Armv8.0 (op1, op2) = SPSel, DAIFSet, DAIFClr. */
static bool fmt_pstate(uint32_t raw, dec_a64_insn *d)
{
	static const uint8_t op2_allowed[8] = {[0] = 1u << 5, [3] = 1u << 6 | 1u << 7};
	unsigned op1 = bits(raw, 16, 3), op2 = bits(raw, 5, 3);
	system_fields(raw, d);
	d->imm = bits(raw, 8, 4);
	return (op2_allowed[op1] >> op2) & 1;
}

static bool fmt_sysreg(uint32_t raw, dec_a64_insn *d)
{
	system_fields(raw, d);
	return true;
}

/* Shifted-register operands: a 32-bit form shifts by at most 31. */
static bool fmt_logic_reg(uint32_t raw, dec_a64_insn *d)
{
	dnm(raw, d);
	d->shift = (uint8_t)bits(raw, 22, 2);
	d->amount = (uint8_t)bits(raw, 10, 6);
	return (d->flags & DEC_A64_SF) || d->amount < 32;
}

static bool fmt_addsub_reg(uint32_t raw, dec_a64_insn *d)
{
	return fmt_logic_reg(raw, d) && d->shift != DEC_A64_ROR;
}

static bool fmt_addsub_ext(uint32_t raw, dec_a64_insn *d)
{
	dnm(raw, d);
	addsub_sp(raw, d);
	d->shift = (uint8_t)bits(raw, 13, 3);
	d->amount = (uint8_t)bits(raw, 10, 3);
	return d->amount <= 4;
}

static bool fmt_rrr(uint32_t raw, dec_a64_insn *d)
{
	dnm(raw, d);
	return true;
}

static bool fmt_ccmp(uint32_t raw, dec_a64_insn *d)
{
	dnm(raw, d);
	d->rd = 0;
	if (d->op == OP(CCMN_IMM) || d->op == OP(CCMP_IMM)) {
		d->imm = d->rm;
		d->rm = 0;
	}
	d->cond = (uint8_t)bits(raw, 12, 4);
	d->nzcv = (uint8_t)bits(raw, 0, 4);
	return true;
}

static bool fmt_csel(uint32_t raw, dec_a64_insn *d)
{
	dnm(raw, d);
	d->cond = (uint8_t)bits(raw, 12, 4);
	return true;
}

static bool fmt_rr(uint32_t raw, dec_a64_insn *d)
{
	dn(raw, d);
	return true;
}

static bool fmt_rrrr(uint32_t raw, dec_a64_insn *d)
{
	dnm(raw, d);
	d->ra = (uint8_t)bits(raw, 10, 5);
	return true;
}

/* ---- loads and stores ---- */

static void ldst_regs(uint32_t raw, dec_a64_insn *d)
{
	d->rd = (uint8_t)bits(raw, 0, 5);
	d->rn = (uint8_t)bits(raw, 5, 5);
	d->flags |= DEC_A64_RN_SP;
}

/* Single-register loads and stores: size in [31:30], opc in [23:22]. opc = 1x loads and
 * sign-extends, into a W register when opc<0> is set. PRFM keeps size 3 (it scales by 8). */
static void single_kind(uint32_t raw, dec_a64_insn *d)
{
	unsigned opc = bits(raw, 22, 2);
	d->size = (uint8_t)bits(raw, 30, 2);
	if (d->op == OP(PRFM))
		return;
	if (opc & 2) {
		d->flags |= DEC_A64_SIGNED;
		if (!(opc & 1))
			d->flags |= DEC_A64_SF;
	} else if (d->size == 3) {
		d->flags |= DEC_A64_SF;
	}
}

static bool fmt_ld_lit(uint32_t raw, dec_a64_insn *d)
{
	static const struct {
		uint8_t size;
		uint16_t flags;
	} kind[4] = {{2, 0}, {3, DEC_A64_SF}, {2, DEC_A64_SIGNED | DEC_A64_SF}, {3, 0}};
	unsigned opc = bits(raw, 30, 2);
	d->rd = (uint8_t)bits(raw, 0, 5);
	d->size = kind[opc].size;
	d->flags |= kind[opc].flags;
	d->imm = sign_extend(bits(raw, 5, 19), 19) * 4;
	return true;
}

static bool fmt_ldst_uimm(uint32_t raw, dec_a64_insn *d)
{
	ldst_regs(raw, d);
	single_kind(raw, d);
	d->imm = (int64_t)bits(raw, 10, 12) << d->size;
	return true;
}

/* Bits [11:10]: unscaled, post-index, unprivileged (own rows), pre-index. */
static bool fmt_ldst_imm9(uint32_t raw, dec_a64_insn *d)
{
	static const uint16_t mode[4] = {DEC_A64_UNSCALED, DEC_A64_WRITEBACK | DEC_A64_POSTINDEX, 0,
					 DEC_A64_WRITEBACK};
	ldst_regs(raw, d);
	single_kind(raw, d);
	d->flags |= mode[bits(raw, 10, 2)];
	d->imm = sign_extend(bits(raw, 12, 9), 9);
	return true;
}

/* Register offset: option<1> = 0 (UXTB, UXTH, SXTB, SXTH) is reserved. */
static bool fmt_ldst_reg(uint32_t raw, dec_a64_insn *d)
{
	ldst_regs(raw, d);
	single_kind(raw, d);
	d->rm = (uint8_t)bits(raw, 16, 5);
	d->shift = (uint8_t)bits(raw, 13, 3);
	d->amount = bit(raw, 12) ? d->size : 0;
	return (d->shift & 2) != 0;
}

/* Pairs: opc 00 = 32-bit, 01 = LDPSW, 10 = 64-bit; bits [24:23] no-allocate/post/offset/pre. */
static bool fmt_ldst_pair(uint32_t raw, dec_a64_insn *d)
{
	static const uint16_t mode[4] = {0, DEC_A64_WRITEBACK | DEC_A64_POSTINDEX, 0,
					 DEC_A64_WRITEBACK};
	unsigned opc = bits(raw, 30, 2);
	ldst_regs(raw, d);
	d->ra = (uint8_t)bits(raw, 10, 5);
	d->size = opc == 2 ? 3 : 2;
	if (opc != 0)
		d->flags |= DEC_A64_SF;
	if (opc == 1)
		d->flags |= DEC_A64_SIGNED;
	d->flags |= mode[bits(raw, 23, 2)];
	d->imm = sign_extend(bits(raw, 15, 7), 7) * (1 << d->size);
	return true;
}

/* Exclusives, ordered and compare-and-swap share: size, Rs [20:16], o0 [15], Rt2 [14:10]. */
static void excl_fields(uint32_t raw, dec_a64_insn *d)
{
	ldst_regs(raw, d);
	d->rm = (uint8_t)bits(raw, 16, 5);
	d->size = (uint8_t)bits(raw, 30, 2);
	if (d->size == 3)
		d->flags |= DEC_A64_SF;
}

static bool is_load_exclusive(unsigned op)
{
	return op == OP(LDXR) || op == OP(LDXP);
}

static bool fmt_excl(uint32_t raw, dec_a64_insn *d)
{
	excl_fields(raw, d);
	if (bit(raw, 15))
		d->flags |= is_load_exclusive(d->op) ? DEC_A64_ACQUIRE : DEC_A64_RELEASE;
	if (is_load_exclusive(d->op))
		d->rm = 0;
	return true;
}

/* LDXP/STXP: sz in bit 30 picks 32- or 64-bit registers. */
static bool fmt_excl_pair(uint32_t raw, dec_a64_insn *d)
{
	fmt_excl(raw, d);
	d->ra = (uint8_t)bits(raw, 10, 5);
	d->size = (uint8_t)(2 + bit(raw, 30));
	d->flags = (uint16_t)((d->flags & ~DEC_A64_SF) | (bit(raw, 30) ? DEC_A64_SF : 0));
	return true;
}

static bool fmt_ordered(uint32_t raw, dec_a64_insn *d)
{
	excl_fields(raw, d);
	d->rm = 0;
	d->flags |= d->op == OP(LDAR) ? DEC_A64_ACQUIRE : DEC_A64_RELEASE;
	return true;
}

/* CAS: L [22] acquires, o0 [15] releases. */
static bool fmt_cas(uint32_t raw, dec_a64_insn *d)
{
	excl_fields(raw, d);
	if (bit(raw, 22))
		d->flags |= DEC_A64_ACQUIRE;
	if (bit(raw, 15))
		d->flags |= DEC_A64_RELEASE;
	return true;
}

/* CASP: register pairs start at an even register. */
static bool fmt_casp(uint32_t raw, dec_a64_insn *d)
{
	fmt_cas(raw, d);
	d->size = (uint8_t)(2 + bit(raw, 30));
	d->flags = (uint16_t)((d->flags & ~DEC_A64_SF) | (bit(raw, 30) ? DEC_A64_SF : 0));
	return !(d->rm & 1) && !(d->rd & 1);
}

/* LSE atomics and LDAPR: A [23] acquires, R [22] releases. */
static bool fmt_atomic(uint32_t raw, dec_a64_insn *d)
{
	excl_fields(raw, d);
	if (bit(raw, 23))
		d->flags |= DEC_A64_ACQUIRE;
	if (bit(raw, 22))
		d->flags |= DEC_A64_RELEASE;
	if (d->op == OP(LDAPR))
		d->rm = 0;
	return true;
}

static fmt_fn *const formats[F_COUNT] = {
    [F_NONE] = fmt_none,
    [F_ADR] = fmt_adr,
    [F_ADDSUB_IMM] = fmt_addsub_imm,
    [F_LOGIC_IMM] = fmt_logic_imm,
    [F_MOVE_WIDE] = fmt_move_wide,
    [F_BITFIELD] = fmt_bitfield_only,
    [F_EXTR] = fmt_extr,
    [F_B] = fmt_b,
    [F_B_COND] = fmt_b_cond,
    [F_CB] = fmt_cb,
    [F_TB] = fmt_tb,
    [F_BR] = fmt_br,
    [F_EXC] = fmt_exc,
    [F_HINT] = fmt_hint,
    [F_BARRIER] = fmt_barrier,
    [F_PSTATE] = fmt_pstate,
    [F_SYSREG] = fmt_sysreg,
    [F_LOGIC_REG] = fmt_logic_reg,
    [F_ADDSUB_REG] = fmt_addsub_reg,
    [F_ADDSUB_EXT] = fmt_addsub_ext,
    [F_RRR] = fmt_rrr,
    [F_CCMP] = fmt_ccmp,
    [F_CSEL] = fmt_csel,
    [F_RR] = fmt_rr,
    [F_RRRR] = fmt_rrrr,
    [F_LD_LIT] = fmt_ld_lit,
    [F_LDST_UIMM] = fmt_ldst_uimm,
    [F_LDST_IMM9] = fmt_ldst_imm9,
    [F_LDST_REG] = fmt_ldst_reg,
    [F_LDST_PAIR] = fmt_ldst_pair,
    [F_EXCL] = fmt_excl,
    [F_EXCL_PAIR] = fmt_excl_pair,
    [F_ORDERED] = fmt_ordered,
    [F_CAS] = fmt_cas,
    [F_CASP] = fmt_casp,
    [F_ATOMIC] = fmt_atomic,
};

/* ---- the encoding tables ----------------------------------------------------------------------
 */

struct row {
	uint32_t mask;
	uint32_t match;
	uint16_t op;
	uint8_t fmt;
};

#define ROW(mask, match, op, fmt)                                                                  \
	{                                                                                          \
		(mask), (match), OP(op), (fmt)                                                     \
	}

/* Data processing -- immediate (op0 = 100x). */
static const struct row dp_imm[] = {
    ROW(0x9F000000, 0x10000000, ADR, F_ADR),
    ROW(0x9F000000, 0x90000000, ADRP, F_ADR),
    ROW(0x7F800000, 0x11000000, ADD_IMM, F_ADDSUB_IMM),
    ROW(0x7F800000, 0x31000000, ADDS_IMM, F_ADDSUB_IMM),
    ROW(0x7F800000, 0x51000000, SUB_IMM, F_ADDSUB_IMM),
    ROW(0x7F800000, 0x71000000, SUBS_IMM, F_ADDSUB_IMM),
    ROW(0x7F800000, 0x12000000, AND_IMM, F_LOGIC_IMM),
    ROW(0x7F800000, 0x32000000, ORR_IMM, F_LOGIC_IMM),
    ROW(0x7F800000, 0x52000000, EOR_IMM, F_LOGIC_IMM),
    ROW(0x7F800000, 0x72000000, ANDS_IMM, F_LOGIC_IMM),
    ROW(0x7F800000, 0x12800000, MOVN, F_MOVE_WIDE),
    ROW(0x7F800000, 0x52800000, MOVZ, F_MOVE_WIDE),
    ROW(0x7F800000, 0x72800000, MOVK, F_MOVE_WIDE),
    ROW(0x7F800000, 0x13000000, SBFM, F_BITFIELD),
    ROW(0x7F800000, 0x33000000, BFM, F_BITFIELD),
    ROW(0x7F800000, 0x53000000, UBFM, F_BITFIELD),
    ROW(0x7FA00000, 0x13800000, EXTR, F_EXTR),
};

/* Branches, exception generating and system instructions (op0 = 101x). */
static const struct row branch_sys[] = {
    ROW(0xFC000000, 0x14000000, B, F_B),
    ROW(0xFC000000, 0x94000000, BL, F_B),
    ROW(0xFF000010, 0x54000000, B_COND, F_B_COND),
    ROW(0x7F000000, 0x34000000, CBZ, F_CB),
    ROW(0x7F000000, 0x35000000, CBNZ, F_CB),
    ROW(0x7F000000, 0x36000000, TBZ, F_TB),
    ROW(0x7F000000, 0x37000000, TBNZ, F_TB),
    ROW(0xFFFFFC1F, 0xD61F0000, BR, F_BR),
    ROW(0xFFFFFC1F, 0xD63F0000, BLR, F_BR),
    ROW(0xFFFFFC1F, 0xD65F0000, RET, F_BR),
    ROW(0xFFFFFFFF, 0xD69F03E0, ERET, F_NONE),
    ROW(0xFFE0001F, 0xD4000001, SVC, F_EXC),
    ROW(0xFFE0001F, 0xD4000002, HVC, F_EXC),
    ROW(0xFFE0001F, 0xD4000003, SMC, F_EXC),
    ROW(0xFFE0001F, 0xD4200000, BRK, F_EXC),
    /* hints: CRm:op2 = 0..5 are named, the rest of the space executes as NOP */
    ROW(0xFFFFFFFF, 0xD503201F, NOP, F_HINT),
    ROW(0xFFFFFFFF, 0xD503203F, YIELD, F_HINT),
    ROW(0xFFFFFFFF, 0xD503205F, WFE, F_HINT),
    ROW(0xFFFFFFFF, 0xD503207F, WFI, F_HINT),
    ROW(0xFFFFFFFF, 0xD503209F, SEV, F_HINT),
    ROW(0xFFFFFFFF, 0xD50320BF, SEVL, F_HINT),
    ROW(0xFFFFF01F, 0xD503201F, HINT, F_HINT),
    /* barriers: op2 selects, CRm is the option */
    ROW(0xFFFFF0FF, 0xD503305F, CLREX, F_BARRIER),
    ROW(0xFFFFF0FF, 0xD503309F, DSB, F_BARRIER),
    ROW(0xFFFFF0FF, 0xD50330BF, DMB, F_BARRIER),
    ROW(0xFFFFF0FF, 0xD50330DF, ISB, F_BARRIER),
    ROW(0xFFF8F01F, 0xD500401F, MSR_IMM, F_PSTATE),
    ROW(0xFFF80000, 0xD5080000, SYS, F_SYSREG),
    ROW(0xFFF80000, 0xD5280000, SYSL, F_SYSREG),
    ROW(0xFFF00000, 0xD5100000, MSR_REG, F_SYSREG),
    ROW(0xFFF00000, 0xD5300000, MRS, F_SYSREG),
};

/* Loads and stores (op0 = x1x0). */
static const struct row loads_stores[] = {
    /* V = 1: SIMD&FP registers */
    ROW(0x04000000, 0x04000000, FPSIMD, F_NONE),
    /* exclusive, ordered, compare and swap (bits [29:24] = 001000) */
    ROW(0x3FE00000, 0x08000000, STXR, F_EXCL),
    ROW(0x3FE00000, 0x08400000, LDXR, F_EXCL),
    ROW(0xBFE00000, 0x88200000, STXP, F_EXCL_PAIR),
    ROW(0xBFE00000, 0x88600000, LDXP, F_EXCL_PAIR),
    ROW(0xBFA00000, 0x08200000, CASP, F_CASP),
    ROW(0x3FE08000, 0x08808000, STLR, F_ORDERED),
    ROW(0x3FE08000, 0x08C08000, LDAR, F_ORDERED),
    ROW(0x3FA00000, 0x08A00000, CAS, F_CAS),
    /* load register (literal): opc = 11 is PRFM */
    ROW(0xFF000000, 0xD8000000, PRFM, F_LD_LIT),
    ROW(0x3F000000, 0x18000000, LDR_LIT, F_LD_LIT),
    /* pairs: opc = 11, STGP (opc = 01, L = 0) and no-allocate LDPSW are unallocated */
    ROW(0xFC000000, 0xE8000000, UNDEF, F_NONE),
    ROW(0xFE400000, 0x68000000, UNDEF, F_NONE),
    ROW(0xFF800000, 0x68000000, UNDEF, F_NONE),
    ROW(0x3FC00000, 0x28000000, STNP, F_LDST_PAIR),
    ROW(0x3FC00000, 0x28400000, LDNP, F_LDST_PAIR),
    ROW(0x3E400000, 0x28000000, STP, F_LDST_PAIR),
    ROW(0x3E400000, 0x28400000, LDP, F_LDST_PAIR),
    /* atomic memory operations (bit 21 = 1, bits [11:10] = 00) */
    ROW(0x3FFFFC00, 0x38BFC000, LDAPR, F_ATOMIC),
    ROW(0x3F20FC00, 0x38200000, LDADD, F_ATOMIC),
    ROW(0x3F20FC00, 0x38201000, LDCLR, F_ATOMIC),
    ROW(0x3F20FC00, 0x38202000, LDEOR, F_ATOMIC),
    ROW(0x3F20FC00, 0x38203000, LDSET, F_ATOMIC),
    ROW(0x3F20FC00, 0x38204000, LDSMAX, F_ATOMIC),
    ROW(0x3F20FC00, 0x38205000, LDSMIN, F_ATOMIC),
    ROW(0x3F20FC00, 0x38206000, LDUMAX, F_ATOMIC),
    ROW(0x3F20FC00, 0x38207000, LDUMIN, F_ATOMIC),
    ROW(0x3F20FC00, 0x38208000, SWP, F_ATOMIC),
    /* register offset (bit 21 = 1, bits [11:10] = 10) */
    ROW(0xFFE00C00, 0xF8A00800, PRFM, F_LDST_REG),
    ROW(0xBFE00C00, 0xB8E00800, UNDEF, F_NONE),
    ROW(0x3FE00C00, 0x38200800, STR_REG, F_LDST_REG),
    ROW(0x3FE00C00, 0x38600800, LDR_REG, F_LDST_REG),
    ROW(0x3FA00C00, 0x38A00800, LDR_REG, F_LDST_REG),
    /* unscaled, post-index, unprivileged, pre-index (bit 21 = 0) */
    ROW(0xFFE00C00, 0xF8800000, PRFM, F_LDST_IMM9),
    ROW(0xFFE00000, 0xF8800000, UNDEF, F_NONE),
    ROW(0xBFE00000, 0xB8C00000, UNDEF, F_NONE),
    ROW(0x3FE00C00, 0x38000800, STTR, F_LDST_IMM9),
    ROW(0x3FE00C00, 0x38400800, LDTR, F_LDST_IMM9),
    ROW(0x3FA00C00, 0x38800800, LDTR, F_LDST_IMM9),
    ROW(0x3FE00000, 0x38000000, STR_IMM, F_LDST_IMM9),
    ROW(0x3FE00000, 0x38400000, LDR_IMM, F_LDST_IMM9),
    ROW(0x3FA00000, 0x38800000, LDR_IMM, F_LDST_IMM9),
    /* unsigned offset */
    ROW(0xFFC00000, 0xF9800000, PRFM, F_LDST_UIMM),
    ROW(0xBFC00000, 0xB9C00000, UNDEF, F_NONE),
    ROW(0x3FC00000, 0x39000000, STR_IMM, F_LDST_UIMM),
    ROW(0x3FC00000, 0x39400000, LDR_IMM, F_LDST_UIMM),
    ROW(0x3F800000, 0x39800000, LDR_IMM, F_LDST_UIMM),
};

/* Data processing -- register (op0 = x101). */
static const struct row dp_reg[] = {
    ROW(0x7F200000, 0x0A000000, AND_REG, F_LOGIC_REG),
    ROW(0x7F200000, 0x0A200000, BIC_REG, F_LOGIC_REG),
    ROW(0x7F200000, 0x2A000000, ORR_REG, F_LOGIC_REG),
    ROW(0x7F200000, 0x2A200000, ORN_REG, F_LOGIC_REG),
    ROW(0x7F200000, 0x4A000000, EOR_REG, F_LOGIC_REG),
    ROW(0x7F200000, 0x4A200000, EON_REG, F_LOGIC_REG),
    ROW(0x7F200000, 0x6A000000, ANDS_REG, F_LOGIC_REG),
    ROW(0x7F200000, 0x6A200000, BICS_REG, F_LOGIC_REG),
    ROW(0x7F200000, 0x0B000000, ADD_REG, F_ADDSUB_REG),
    ROW(0x7F200000, 0x2B000000, ADDS_REG, F_ADDSUB_REG),
    ROW(0x7F200000, 0x4B000000, SUB_REG, F_ADDSUB_REG),
    ROW(0x7F200000, 0x6B000000, SUBS_REG, F_ADDSUB_REG),
    ROW(0x7FE00000, 0x0B200000, ADD_EXT, F_ADDSUB_EXT),
    ROW(0x7FE00000, 0x2B200000, ADDS_EXT, F_ADDSUB_EXT),
    ROW(0x7FE00000, 0x4B200000, SUB_EXT, F_ADDSUB_EXT),
    ROW(0x7FE00000, 0x6B200000, SUBS_EXT, F_ADDSUB_EXT),
    ROW(0x7FE0FC00, 0x1A000000, ADC, F_RRR),
    ROW(0x7FE0FC00, 0x3A000000, ADCS, F_RRR),
    ROW(0x7FE0FC00, 0x5A000000, SBC, F_RRR),
    ROW(0x7FE0FC00, 0x7A000000, SBCS, F_RRR),
    ROW(0x7FE00C10, 0x3A400000, CCMN_REG, F_CCMP),
    ROW(0x7FE00C10, 0x7A400000, CCMP_REG, F_CCMP),
    ROW(0x7FE00C10, 0x3A400800, CCMN_IMM, F_CCMP),
    ROW(0x7FE00C10, 0x7A400800, CCMP_IMM, F_CCMP),
    ROW(0x7FE00C00, 0x1A800000, CSEL, F_CSEL),
    ROW(0x7FE00C00, 0x1A800400, CSINC, F_CSEL),
    ROW(0x7FE00C00, 0x5A800000, CSINV, F_CSEL),
    ROW(0x7FE00C00, 0x5A800400, CSNEG, F_CSEL),
    ROW(0x7FFFFC00, 0x5AC00000, RBIT, F_RR),
    ROW(0x7FFFFC00, 0x5AC00400, REV16, F_RR),
    ROW(0xFFFFFC00, 0xDAC00800, REV32, F_RR),
    ROW(0xFFFFFC00, 0x5AC00800, REV, F_RR),
    ROW(0xFFFFFC00, 0xDAC00C00, REV, F_RR),
    ROW(0x7FFFFC00, 0x5AC01000, CLZ, F_RR),
    ROW(0x7FFFFC00, 0x5AC01400, CLS, F_RR),
    ROW(0x7FE0FC00, 0x1AC00800, UDIV, F_RRR),
    ROW(0x7FE0FC00, 0x1AC00C00, SDIV, F_RRR),
    ROW(0x7FE0FC00, 0x1AC02000, LSLV, F_RRR),
    ROW(0x7FE0FC00, 0x1AC02400, LSRV, F_RRR),
    ROW(0x7FE0FC00, 0x1AC02800, ASRV, F_RRR),
    ROW(0x7FE0FC00, 0x1AC02C00, RORV, F_RRR),
    ROW(0x7FE08000, 0x1B000000, MADD, F_RRRR),
    ROW(0x7FE08000, 0x1B008000, MSUB, F_RRRR),
    ROW(0xFFE08000, 0x9B200000, SMADDL, F_RRRR),
    ROW(0xFFE08000, 0x9B208000, SMSUBL, F_RRRR),
    ROW(0xFFE08000, 0x9BA00000, UMADDL, F_RRRR),
    ROW(0xFFE08000, 0x9BA08000, UMSUBL, F_RRRR),
    ROW(0xFFE08000, 0x9B400000, SMULH, F_RRR),
    ROW(0xFFE08000, 0x9BC00000, UMULH, F_RRR),
};

/* Data processing -- scalar floating-point and Advanced SIMD (op0 = x111): one class. */
static const struct row fp_simd[] = {
    ROW(0x00000000, 0x00000000, FPSIMD, F_NONE),
};

struct group {
	const struct row *rows;
	size_t count;
};

#define GROUP(t)                                                                                   \
	{                                                                                          \
		(t), sizeof(t) / sizeof((t)[0])                                                    \
	}

/* Indexed by bits [28:25]; reserved, SME, SVE and unallocated groups have no rows. */
static const struct group groups[16] = {
    [0x4] = GROUP(loads_stores), [0x5] = GROUP(dp_reg),	      [0x6] = GROUP(loads_stores),
    [0x7] = GROUP(fp_simd),	 [0x8] = GROUP(dp_imm),	      [0x9] = GROUP(dp_imm),
    [0xA] = GROUP(branch_sys),	 [0xB] = GROUP(branch_sys),   [0xC] = GROUP(loads_stores),
    [0xD] = GROUP(dp_reg),	 [0xE] = GROUP(loads_stores), [0xF] = GROUP(fp_simd),
};

bool dec_a64_decode(uint32_t raw, dec_a64_insn *out)
{
	const struct group *g = &groups[bits(raw, 25, 4)];
	*out = (dec_a64_insn){.op = OP(UNDEF)};
	for (size_t i = 0; i < g->count; i++) {
		const struct row *r = &g->rows[i];
		if ((raw & r->mask) != r->match)
			continue;
		if (r->op == OP(UNDEF))
			return false;
		out->op = r->op;
		if (formats[r->fmt](raw, out))
			return true;
		*out = (dec_a64_insn){.op = OP(UNDEF)};
		return false;
	}
	return false;
}

/* ---- names ------------------------------------------------------------------------------------
 */

#define DEC_A64_NAME(name, mnemonic) mnemonic,
static const char *const op_names[DEC_A64_OP_COUNT] = {DEC_A64_OPS(DEC_A64_NAME)};
#undef DEC_A64_NAME

const char *dec_a64_op_name(unsigned op)
{
	return op < DEC_A64_OP_COUNT ? op_names[op] : "unknown";
}

const char *dec_a64_cond_name(unsigned cond)
{
	static const char *const names[16] = {"eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc",
					      "hi", "ls", "ge", "lt", "gt", "le", "al", "nv"};
	return names[cond & 15];
}

static const char *size_suffix(unsigned size)
{
	static const char *const suffix[4] = {"b", "h", "", ""};
	return suffix[size & 3];
}

static const char *order_suffix(unsigned flags)
{
	static const char *const suffix[4] = {"", "a", "l", "al"};
	return suffix[((flags & DEC_A64_ACQUIRE) ? 1 : 0) | ((flags & DEC_A64_RELEASE) ? 2 : 0)];
}

/* LDR/STR and LDTR/STTR: "ld" "ur"/"r"/"tr" "s"? "b"/"h"/"w"? */
static void single_mnemonic(const dec_a64_insn *d, char *buf, size_t size)
{
	bool load = d->op == OP(LDR_IMM) || d->op == OP(LDR_REG) || d->op == OP(LDTR) ||
		    d->op == OP(LDR_LIT);
	bool unpriv = d->op == OP(LDTR) || d->op == OP(STTR);
	bool is_signed = d->flags & DEC_A64_SIGNED;
	const char *form = unpriv ? "tr" : (d->flags & DEC_A64_UNSCALED) ? "ur" : "r";
	const char *width = is_signed && d->size == 2 ? "w" : size_suffix(d->size);
	snprintf(buf, size, "%s%s%s%s", load ? "ld" : "st", form, is_signed ? "s" : "", width);
}

static void exclusive_mnemonic(const dec_a64_insn *d, char *buf, size_t size)
{
	bool load = d->op == OP(LDXR) || d->op == OP(LDXP);
	bool pair = d->op == OP(LDXP) || d->op == OP(STXP);
	const char *order = load ? ((d->flags & DEC_A64_ACQUIRE) ? "a" : "")
				 : ((d->flags & DEC_A64_RELEASE) ? "l" : "");
	snprintf(buf, size, "%s%sx%s%s", load ? "ld" : "st", order, pair ? "p" : "r",
		 pair ? "" : size_suffix(d->size));
}

static bool is_atomic(unsigned op)
{
	return op >= OP(LDADD) && op <= OP(CASP);
}

const char *dec_a64_mnemonic(const dec_a64_insn *d, char *buf, size_t size)
{
	unsigned op = d->op;
	if (op == OP(B_COND))
		snprintf(buf, size, "b.%s", dec_a64_cond_name(d->cond));
	else if (op == OP(LDR_LIT))
		snprintf(buf, size, "%s", (d->flags & DEC_A64_SIGNED) ? "ldrsw" : "ldr");
	else if (op == OP(STR_IMM) || op == OP(LDR_IMM) || op == OP(STR_REG) || op == OP(LDR_REG) ||
		 op == OP(STTR) || op == OP(LDTR))
		single_mnemonic(d, buf, size);
	else if (op == OP(PRFM))
		snprintf(buf, size, "%s", (d->flags & DEC_A64_UNSCALED) ? "prfum" : "prfm");
	else if (op == OP(LDP) && (d->flags & DEC_A64_SIGNED))
		snprintf(buf, size, "ldpsw");
	else if (op >= OP(STXR) && op <= OP(LDXP))
		exclusive_mnemonic(d, buf, size);
	else if (op == OP(STLR) || op == OP(LDAR) || op == OP(LDAPR))
		snprintf(buf, size, "%s%s", dec_a64_op_name(op), size_suffix(d->size));
	else if (op == OP(CASP))
		snprintf(buf, size, "casp%s", order_suffix(d->flags));
	else if (is_atomic(op))
		snprintf(buf, size, "%s%s%s", dec_a64_op_name(op), order_suffix(d->flags),
			 size_suffix(d->size));
	else
		snprintf(buf, size, "%s", dec_a64_op_name(op));
	return buf;
}

/* ---- what a load or store does, for the exit handler ---------------------------------------- */

enum { M_LOAD = 1, M_STORE = 2, M_PAIR = 4, M_EXCL = 8, M_ATOMIC = 16, M_UNPRIV = 32 };

static const uint8_t mem_kind[DEC_A64_OP_COUNT] = {
    [OP(LDR_LIT)] = M_LOAD,
    [OP(STR_IMM)] = M_STORE,
    [OP(LDR_IMM)] = M_LOAD,
    [OP(STR_REG)] = M_STORE,
    [OP(LDR_REG)] = M_LOAD,
    [OP(STTR)] = M_STORE | M_UNPRIV,
    [OP(LDTR)] = M_LOAD | M_UNPRIV,
    [OP(STP)] = M_STORE | M_PAIR,
    [OP(LDP)] = M_LOAD | M_PAIR,
    [OP(STNP)] = M_STORE | M_PAIR,
    [OP(LDNP)] = M_LOAD | M_PAIR,
    [OP(STXR)] = M_STORE | M_EXCL,
    [OP(LDXR)] = M_LOAD | M_EXCL,
    [OP(STXP)] = M_STORE | M_EXCL | M_PAIR,
    [OP(LDXP)] = M_LOAD | M_EXCL | M_PAIR,
    [OP(STLR)] = M_STORE,
    [OP(LDAR)] = M_LOAD,
    [OP(LDAPR)] = M_LOAD,
    [OP(LDADD)] = M_LOAD | M_STORE | M_ATOMIC,
    [OP(LDCLR)] = M_LOAD | M_STORE | M_ATOMIC,
    [OP(LDEOR)] = M_LOAD | M_STORE | M_ATOMIC,
    [OP(LDSET)] = M_LOAD | M_STORE | M_ATOMIC,
    [OP(LDSMAX)] = M_LOAD | M_STORE | M_ATOMIC,
    [OP(LDSMIN)] = M_LOAD | M_STORE | M_ATOMIC,
    [OP(LDUMAX)] = M_LOAD | M_STORE | M_ATOMIC,
    [OP(LDUMIN)] = M_LOAD | M_STORE | M_ATOMIC,
    [OP(SWP)] = M_LOAD | M_STORE | M_ATOMIC,
    [OP(CAS)] = M_LOAD | M_STORE | M_ATOMIC,
    [OP(CASP)] = M_LOAD | M_STORE | M_ATOMIC | M_PAIR,
};

bool dec_a64_mem_access(const dec_a64_insn *d, dec_a64_access *a)
{
	unsigned kind = d->op < DEC_A64_OP_COUNT ? mem_kind[d->op] : 0;
	if (!kind)
		return false;
	*a = (dec_a64_access){
	    .bytes = (uint8_t)(1u << d->size),
	    .rt = d->rd,
	    .rt2 = (kind & M_PAIR) ? (d->op == OP(CASP) ? (uint8_t)(d->rd + 1) : d->ra) : 0,
	    .rs = d->rm,
	    .rn = d->op == OP(LDR_LIT) ? 0 : d->rn,
	    .load = kind & M_LOAD,
	    .store = kind & M_STORE,
	    .sign_extend = d->flags & DEC_A64_SIGNED,
	    .reg64 = d->flags & DEC_A64_SF,
	    .pair = kind & M_PAIR,
	    .writeback = d->flags & DEC_A64_WRITEBACK,
	    .exclusive = kind & M_EXCL,
	    .atomic = kind & M_ATOMIC,
	    .acq_rel = d->flags & (DEC_A64_ACQUIRE | DEC_A64_RELEASE),
	    .unpriv = kind & M_UNPRIV,
	};
	a->isv = !a->pair && !a->writeback && !a->exclusive && !a->atomic;
	return true;
}
