/* The interpreter: arithmetic the Arm ARM defines, decoding into the cache (with the execution
 * variants the loop dispatches on), the slow paths of memory instructions, the loop itself
 * (instantiated twice from a64_exec_loop.h) and the run/step entry points. */
#include "emu/a64_hart.h"

#include <stdlib.h>
#include <string.h>

#define likely(c)   __builtin_expect(!!(c), 1)
#define unlikely(c) __builtin_expect(!!(c), 0)

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the soft TLB reads guest memory in place: a little-endian host is required"
#endif

#define OP(name) DEC_A64_OP_##name

#define EC_WFX	    0x01u
#define EC_FP	    0x07u
#define EC_SVC64    0x15u
#define EC_HVC64    0x16u
#define EC_SMC64    0x17u
#define EC_SP_ALIGN 0x26u
#define EC_BRK64    0x3cu
#define ISS_CV_AL   (UINT32_C(1) << 24 | UINT32_C(0xe) << 20)
#define CPTR_TFP    (UINT64_C(1) << 10)

/* ---- execution ops: the decoder's, then the variants the cache holds ------------------------- */

/* Ops whose 32-bit form (sf = 0) gets its own handler instantiation. */
#define A64_W_OPS(X)                                                                               \
	X(ADD_IMM)                                                                                 \
	X(ADDS_IMM)                                                                                \
	X(SUB_IMM)                                                                                 \
	X(SUBS_IMM)                                                                                \
	X(AND_IMM)                                                                                 \
	X(ORR_IMM)                                                                                 \
	X(EOR_IMM)                                                                                 \
	X(ANDS_IMM)                                                                                \
	X(MOVN)                                                                                    \
	X(MOVZ)                                                                                    \
	X(MOVK)                                                                                    \
	X(SBFM)                                                                                    \
	X(BFM)                                                                                     \
	X(UBFM)                                                                                    \
	X(EXTR)                                                                                    \
	X(CBZ)                                                                                     \
	X(CBNZ)                                                                                    \
	X(AND_REG)                                                                                 \
	X(BIC_REG)                                                                                 \
	X(ORR_REG)                                                                                 \
	X(ORN_REG)                                                                                 \
	X(EOR_REG)                                                                                 \
	X(EON_REG)                                                                                 \
	X(ANDS_REG)                                                                                \
	X(BICS_REG)                                                                                \
	X(ADD_REG)                                                                                 \
	X(ADDS_REG)                                                                                \
	X(SUB_REG)                                                                                 \
	X(SUBS_REG)                                                                                \
	X(ADD_EXT)                                                                                 \
	X(ADDS_EXT)                                                                                \
	X(SUB_EXT)                                                                                 \
	X(SUBS_EXT)                                                                                \
	X(ADC)                                                                                     \
	X(ADCS)                                                                                    \
	X(SBC)                                                                                     \
	X(SBCS)                                                                                    \
	X(CCMN_REG)                                                                                \
	X(CCMP_REG)                                                                                \
	X(CCMN_IMM)                                                                                \
	X(CCMP_IMM)                                                                                \
	X(CSEL)                                                                                    \
	X(CSINC)                                                                                   \
	X(CSINV)                                                                                   \
	X(CSNEG)                                                                                   \
	X(RBIT)                                                                                    \
	X(REV16)                                                                                   \
	X(REV)                                                                                     \
	X(CLZ)                                                                                     \
	X(CLS)                                                                                     \
	X(UDIV)                                                                                    \
	X(SDIV)                                                                                    \
	X(LSLV)                                                                                    \
	X(LSRV)                                                                                    \
	X(ASRV)                                                                                    \
	X(RORV)                                                                                    \
	X(MADD)                                                                                    \
	X(MSUB)

/* Shifted-register ops whose shift amount is 0 (MOV, CMP, ADD Xd, Xn, Xm...) get unshifted
 * handlers, in both widths. */
#define A64_PLAIN_OPS(X)                                                                           \
	X(ADD_REG) X(ADDS_REG) X(SUB_REG) X(SUBS_REG) X(AND_REG) X(ORR_REG) X(EOR_REG) X(ANDS_REG)

/* Single-register loads by what they read and how they extend (the order load_kind computes),
 * and stores; each in four addressing modes. */
#define A64_LD_KINDS(F, m)                                                                         \
	F(m, B) F(m, H) F(m, W) F(m, X) F(m, SBW) F(m, SBX) F(m, SHW) F(m, SHX) F(m, SW)
#define A64_ST_KINDS(F, m) F(m, B) F(m, H) F(m, W) F(m, X)
#define A64_LD_OPS(F)                                                                              \
	A64_LD_KINDS(F, OFF) A64_LD_KINDS(F, PRE) A64_LD_KINDS(F, POST) A64_LD_KINDS(F, REG)
#define A64_ST_OPS(F)                                                                              \
	A64_ST_KINDS(F, OFF) A64_ST_KINDS(F, PRE) A64_ST_KINDS(F, POST) A64_ST_KINDS(F, REG)
/* Pairs: LDP of W, X, and LDPSW; STP of W and X; offset (also no-allocate), pre, post. */
#define A64_LDP_KINDS(F, m) F(m, W) F(m, X) F(m, SW)
#define A64_STP_KINDS(F, m) F(m, W) F(m, X)
#define A64_LDP_OPS(F)	    A64_LDP_KINDS(F, OFF) A64_LDP_KINDS(F, PRE) A64_LDP_KINDS(F, POST)
#define A64_STP_OPS(F)	    A64_STP_KINDS(F, OFF) A64_STP_KINDS(F, PRE) A64_STP_KINDS(F, POST)

#define W_ENUM(name)	     A64_X_W_##name,
#define PLAIN_ENUM(name)     A64_X_P_##name, A64_X_PW_##name,
#define LD_ENUM(mode, kind)  A64_X_LD_##mode##_##kind,
#define ST_ENUM(mode, kind)  A64_X_ST_##mode##_##kind,
#define LDP_ENUM(mode, kind) A64_X_LDP_##mode##_##kind,
#define STP_ENUM(mode, kind) A64_X_STP_##mode##_##kind,
enum {
	A64_X_FIRST = A64_OP_PAGE_END,
	A64_W_OPS(W_ENUM) A64_PLAIN_OPS(PLAIN_ENUM) A64_LD_OPS(LD_ENUM) A64_ST_OPS(ST_ENUM)
	    A64_LDP_OPS(LDP_ENUM) A64_STP_OPS(STP_ENUM) A64_X_TOTAL
};
#undef W_ENUM
#undef PLAIN_ENUM
#undef LD_ENUM
#undef ST_ENUM
#undef LDP_ENUM
#undef STP_ENUM

enum { MODE_OFF, MODE_PRE, MODE_POST, MODE_REG };
enum { LD_KINDS = 9, ST_KINDS = 4, LDP_KINDS = 3, STP_KINDS = 2 };

/* ---- arithmetic ---------------------------------------------------------------------------------
 */

static inline uint64_t ones(unsigned n)
{
	return n >= 64 ? UINT64_MAX : (UINT64_C(1) << n) - 1;
}

static inline uint64_t mask_w(unsigned w, uint64_t v)
{
	return w == 64 ? v : (uint32_t)v;
}

static inline int64_t sext(uint64_t v, unsigned bits)
{
	unsigned shift = 64 - bits;
	return (int64_t)(v << shift) >> shift;
}

/* AddWithCarry: the result and NZCV of a + b + carry at width w. */
static inline uint64_t add_flags(uint32_t *nzcv, unsigned w, uint64_t a, uint64_t b, unsigned carry)
{
	uint64_t r = mask_w(w, a + b + carry);
	a = mask_w(w, a);
	b = mask_w(w, b);
	unsigned top = w - 1;
	bool c = carry ? r <= a : r < a;
	bool v = ((~(a ^ b) & (a ^ r)) >> top) & 1;
	*nzcv = (uint32_t)((r >> top) & 1) << 3 | (r == 0) << 2 | (uint32_t)c << 1 | (uint32_t)v;
	return r;
}

/* Logical operations with S: N and Z from the result, C and V cleared. */
static inline uint64_t logic_flags(uint32_t *nzcv, unsigned w, uint64_t r)
{
	r = mask_w(w, r);
	*nzcv = (uint32_t)((r >> (w - 1)) & 1) << 3 | (r == 0) << 2;
	return r;
}

/* ConditionHolds (ARM ARM J1) for every NZCV value: bit nzcv of cond_table[cond]. */
#define F_N(f) (((f) >> 3) & 1)
#define F_Z(f) (((f) >> 2) & 1)
#define F_C(f) (((f) >> 1) & 1)
#define F_V(f) ((f)&1)
#define BASE(c, f)                                                                                 \
	((c) >> 1 == 0	 ? F_Z(f)                                                                  \
	 : (c) >> 1 == 1 ? F_C(f)                                                                  \
	 : (c) >> 1 == 2 ? F_N(f)                                                                  \
	 : (c) >> 1 == 3 ? F_V(f)                                                                  \
	 : (c) >> 1 == 4 ? (F_C(f) && !F_Z(f))                                                     \
	 : (c) >> 1 == 5 ? (F_N(f) == F_V(f))                                                      \
	 : (c) >> 1 == 6 ? (F_N(f) == F_V(f) && !F_Z(f))                                           \
			 : 1)
#define HOLDS(c, f)    ((BASE(c, f) ^ (((c)&1) && (c) != 15)) & 1)
#define COND_BIT(c, f) (HOLDS(c, f) << (f))
#define COND_ROW(c)                                                                                \
	(uint16_t)(COND_BIT(c, 0) | COND_BIT(c, 1) | COND_BIT(c, 2) | COND_BIT(c, 3) |             \
		   COND_BIT(c, 4) | COND_BIT(c, 5) | COND_BIT(c, 6) | COND_BIT(c, 7) |             \
		   COND_BIT(c, 8) | COND_BIT(c, 9) | COND_BIT(c, 10) | COND_BIT(c, 11) |           \
		   COND_BIT(c, 12) | COND_BIT(c, 13) | COND_BIT(c, 14) | COND_BIT(c, 15))
static const uint16_t cond_table[16] = {
    COND_ROW(0),  COND_ROW(1),	COND_ROW(2),  COND_ROW(3),  COND_ROW(4),  COND_ROW(5),
    COND_ROW(6),  COND_ROW(7),	COND_ROW(8),  COND_ROW(9),  COND_ROW(10), COND_ROW(11),
    COND_ROW(12), COND_ROW(13), COND_ROW(14), COND_ROW(15),
};

static inline bool cond_holds(unsigned cond, uint32_t nzcv)
{
	return (cond_table[cond] >> nzcv) & 1;
}

static inline uint64_t ror_w(uint64_t v, unsigned n, unsigned w)
{
	v = mask_w(w, v);
	return n ? mask_w(w, (v >> n) | (v << (w - n))) : v;
}

static inline uint64_t shift_reg(uint64_t v, unsigned type, unsigned amount, unsigned w)
{
	v = mask_w(w, v);
	switch (type) {
	case DEC_A64_LSL: return mask_w(w, v << amount);
	case DEC_A64_LSR: return v >> amount;
	case DEC_A64_ASR: return mask_w(w, (uint64_t)(sext(v, w) >> amount));
	default: return ror_w(v, amount, w);
	}
}

/* ExtendReg: the low 8 << (type & 3) bits, sign- or zero-extended, shifted left. */
static inline uint64_t extend_reg(uint64_t v, unsigned type, unsigned shift)
{
	unsigned bits = 8u << (type & 3);
	v = (type & 4) ? (uint64_t)sext(v, bits) : v & ones(bits);
	return v << shift;
}

/* SBFM/UBFM/BFM by cases: imms >= immr extracts bits [imms:immr] to the bottom, imms < immr
 * inserts bits [imms:0] at datasize - immr (the Arm ARM's wmask/tmask, spelled out). */
static inline uint64_t ubfm(uint64_t src, unsigned r, unsigned s, unsigned w)
{
	if (s >= r)
		return (src >> r) & ones(s - r + 1);
	return mask_w(w, (src & ones(s + 1)) << (w - r));
}

static inline uint64_t sbfm(uint64_t src, unsigned r, unsigned s, unsigned w)
{
	if (s >= r)
		return mask_w(w, (uint64_t)sext(src >> r, s - r + 1));
	return mask_w(w, (uint64_t)sext(src, s + 1) << (w - r));
}

static inline uint64_t bfm(uint64_t dst, uint64_t src, unsigned r, unsigned s, unsigned w)
{
	if (s >= r)
		return mask_w(w, (dst & ~ones(s - r + 1)) | ((src >> r) & ones(s - r + 1)));
	unsigned pos = w - r;
	return mask_w(w, (dst & ~(ones(s + 1) << pos)) | ((src & ones(s + 1)) << pos));
}

static inline uint64_t extr(uint64_t hi, uint64_t lo, unsigned lsb, unsigned w)
{
	if (lsb == 0)
		return mask_w(w, lo);
	return mask_w(w, (mask_w(w, lo) >> lsb) | (hi << (w - lsb)));
}

static inline uint64_t rbit(uint64_t v, unsigned w)
{
	uint64_t r = 0;
	for (unsigned i = 0; i < w; i++)
		r |= ((v >> i) & 1) << (w - 1 - i);
	return r;
}

static inline uint64_t rev16(uint64_t v, unsigned w)
{
	v = mask_w(w, v);
	return ((v & UINT64_C(0x00ff00ff00ff00ff)) << 8) |
	       ((v >> 8) & UINT64_C(0x00ff00ff00ff00ff));
}

static inline uint64_t rev32(uint64_t v)
{
	return (uint64_t)__builtin_bswap32((uint32_t)v) |
	       (uint64_t)__builtin_bswap32((uint32_t)(v >> 32)) << 32;
}

static inline uint64_t clz_w(uint64_t v, unsigned w)
{
	v = mask_w(w, v);
	return v ? (uint64_t)__builtin_clzll(v) - (64 - w) : w;
}

/* CountLeadingSignBits: the leading zeros of x<w-1:1> EOR x<w-2:0>, a (w-1)-bit value. */
static inline uint64_t cls_w(uint64_t v, unsigned w)
{
	v = mask_w(w, v);
	return clz_w((v >> 1) ^ (v & ones(w - 1)), w) - 1;
}

static inline uint64_t udiv_w(uint64_t a, uint64_t b, unsigned w)
{
	a = mask_w(w, a);
	b = mask_w(w, b);
	return b ? a / b : 0;
}

/* SDIV rounds toward zero; by zero gives 0, the overflowing INT_MIN / -1 gives INT_MIN. */
static inline uint64_t sdiv_w(uint64_t a, uint64_t b, unsigned w)
{
	int64_t sa = sext(a, w), sb = sext(b, w);
	if (sb == 0)
		return 0;
	if (sb == -1)
		return mask_w(w, (uint64_t)0 - (uint64_t)sa);
	return mask_w(w, (uint64_t)(sa / sb));
}

static inline uint64_t asr_w(uint64_t v, unsigned n, unsigned w)
{
	return mask_w(w, (uint64_t)(sext(v, w) >> n));
}

static uint64_t smulh(uint64_t a, uint64_t b)
{
	return (uint64_t)(((__int128)(int64_t)a * (__int128)(int64_t)b) >> 64);
}

static uint64_t umulh(uint64_t a, uint64_t b)
{
	return (uint64_t)(((unsigned __int128)a * b) >> 64);
}

/* ---- decoding into the cache --------------------------------------------------------------------
 */

#define W_VARIANT(name) [OP(name)] = A64_X_W_##name,
static const uint16_t w_variant[DEC_A64_OP_COUNT] = {A64_W_OPS(W_VARIANT)};
#undef W_VARIANT
#define PLAIN_VARIANT(name) [OP(name)] = A64_X_P_##name,
static const uint16_t plain_variant[DEC_A64_OP_COUNT] = {A64_PLAIN_OPS(PLAIN_VARIANT)};
#undef PLAIN_VARIANT

/* Ops whose Rd/Rt is read, not written (register 31 is then the zero register). */
static const bool rd_is_source[DEC_A64_OP_COUNT] = {
    [OP(CBZ)] = true,	  [OP(CBNZ)] = true,	[OP(TBZ)] = true,     [OP(TBNZ)] = true,
    [OP(STR_IMM)] = true, [OP(STR_REG)] = true, [OP(STTR)] = true,    [OP(STP)] = true,
    [OP(STNP)] = true,	  [OP(STXR)] = true,	[OP(STXP)] = true,    [OP(STLR)] = true,
    [OP(CAS)] = true,	  [OP(CASP)] = true,	[OP(MSR_REG)] = true, [OP(SYS)] = true,
    [OP(PRFM)] = true,
};

static unsigned map_reg(unsigned r, bool sp, bool dest)
{
	if (r != 31)
		return r;
	if (sp)
		return A64_XSP;
	return dest ? A64_XSINK : A64_XZR;
}

static unsigned load_kind(const dec_a64_insn *d)
{
	if (!(d->flags & DEC_A64_SIGNED))
		return d->size;
	if (d->size == 2)
		return 8;
	return 4u + d->size * 2u + ((d->flags & DEC_A64_SF) ? 1u : 0u);
}

static unsigned mode_of(const dec_a64_insn *d)
{
	if (!(d->flags & DEC_A64_WRITEBACK))
		return MODE_OFF;
	return (d->flags & DEC_A64_POSTINDEX) ? MODE_POST : MODE_PRE;
}

static unsigned pair_kind(const dec_a64_insn *d)
{
	if (d->flags & DEC_A64_SIGNED)
		return 2;
	return d->size == 3 ? 1 : 0;
}

/* The execution op of a decoded instruction. */
static unsigned exec_op(const dec_a64_insn *d)
{
	static const uint16_t ld_base[4] = {A64_X_LD_OFF_B, A64_X_LD_PRE_B, A64_X_LD_POST_B,
					    A64_X_LD_REG_B};
	static const uint16_t st_base[4] = {A64_X_ST_OFF_B, A64_X_ST_PRE_B, A64_X_ST_POST_B,
					    A64_X_ST_REG_B};
	static const uint16_t ldp_base[3] = {A64_X_LDP_OFF_W, A64_X_LDP_PRE_W, A64_X_LDP_POST_W};
	static const uint16_t stp_base[3] = {A64_X_STP_OFF_W, A64_X_STP_PRE_W, A64_X_STP_POST_W};
	switch (d->op) {
	case OP(LDR_IMM): return ld_base[mode_of(d)] + load_kind(d);
	case OP(LDR_REG): return ld_base[MODE_REG] + load_kind(d);
	case OP(STR_IMM): return st_base[mode_of(d)] + d->size;
	case OP(STR_REG): return st_base[MODE_REG] + d->size;
	case OP(LDP):
	case OP(LDNP): return ldp_base[mode_of(d)] + pair_kind(d);
	case OP(STP):
	case OP(STNP): return stp_base[mode_of(d)] + pair_kind(d);
	default:
		if (plain_variant[d->op] && d->amount == 0)
			return plain_variant[d->op] + ((d->flags & DEC_A64_SF) ? 0u : 1u);
		if (!(d->flags & DEC_A64_SF) && w_variant[d->op])
			return w_variant[d->op];
		return d->op;
	}
}

static bool ra_is_dest(unsigned op)
{
	return op == OP(LDP) || op == OP(LDNP) || op == OP(LDXP);
}

/* Decodes raw into a cache slot: register numbers become x[] indices (SP, the zero register
 * or the sink), the op becomes its execution variant, MRS/MSR find their table row (imm holds
 * its address). */
static void decode_slot(dec_a64_insn *s, uint32_t raw)
{
	dec_a64_decode(raw, s);
	unsigned op = s->op;
	bool stxr = op == OP(STXR) || op == OP(STXP);
	s->rd = (uint8_t)map_reg(s->rd, s->flags & DEC_A64_RD_SP, !rd_is_source[op]);
	s->rn = (uint8_t)map_reg(s->rn, s->flags & DEC_A64_RN_SP, false);
	s->rm = (uint8_t)map_reg(s->rm, false, stxr);
	s->ra = (uint8_t)map_reg(s->ra, false, ra_is_dest(op));
	if (op == OP(MRS) || op == OP(MSR_REG))
		s->imm = (int64_t)(uintptr_t)a64_sysreg_find(s->sysreg);
	s->op = (uint16_t)exec_op(s);
	s->flags |= A64_SLOT_DECODED;
}

/* The architectural number of a slot's register (31 for SP, the zero register and the sink). */
static unsigned arch_reg(unsigned r)
{
	return r > 31 ? 31 : r;
}

/* The instruction bits at pc, for a data abort's syndrome (0 if unfetchable). */
static uint32_t insn_bits(a64_hart *h, uint64_t pc)
{
	uint32_t raw;
	a64_fault f;
	return a64_fetch(h, pc, &raw, &f) ? raw : 0;
}

static void raise_abort(a64_hart *h, const a64_fault *f, unsigned kind)
{
	a64_abort(h, f, kind, insn_bits(h, h->pc));
}

static void write_reg(a64_hart *h, unsigned r, uint64_t v)
{
	if (r != A64_XZR)
		h->x[r] = v;
}

/* ---- exceptions instructions raise
 * ---------------------------------------------------------------- */

static void sp_alignment_fault(a64_hart *h)
{
	a64_exception(h, A64_EL1, (uint32_t)EC_SP_ALIGN << 26, h->pc, false, 0, 0);
}

/* SVC, HVC, SMC, BRK. HVC goes to EL2 from EL1 (UNDEFINED at EL0 or with HCR_EL2.HCD); SMC
 * traps to EL2 with HCR_EL2.TSC and is otherwise UNDEFINED (no EL3). */
static void exception_insn(a64_hart *h, const dec_a64_insn *d)
{
	uint32_t imm = (uint32_t)d->imm;
	uint64_t next = h->pc + 4;
	bool hvc_ok = h->el > A64_EL0 && !(h->mmu.hcr_el2 & A64_HCR_HCD);
	bool smc_traps = h->el == A64_EL1 && (h->mmu.hcr_el2 & A64_HCR_TSC);
	switch (d->op) {
	case OP(SVC): a64_exception(h, A64_EL1, EC_SVC64 << 26 | imm, next, false, 0, 0); break;
	case OP(HVC):
		if (hvc_ok)
			a64_exception(h, A64_EL2, EC_HVC64 << 26 | imm, next, false, 0, 0);
		else
			a64_undefined(h);
		break;
	case OP(SMC):
		if (smc_traps)
			a64_exception(h, A64_EL2, EC_SMC64 << 26 | imm, h->pc, false, 0, 0);
		else
			a64_undefined(h);
		break;
	default: a64_exception(h, A64_EL1, EC_BRK64 << 26 | imm, h->pc, false, 0, 0); break;
	}
}

/* WFI and WFE trap to EL1 from EL0 without SCTLR_EL1.nTWx, then to EL2 with HCR_EL2.TWx
 * (EC 0x01, TI = 0 for WFI, 1 for WFE). Returns false when a trap was taken. */
static bool wfx_allowed(a64_hart *h, bool wfi)
{
	uint64_t ntw = wfi ? A64_SCTLR_NTWI : A64_SCTLR_NTWE;
	uint64_t tw = wfi ? A64_HCR_TWI : A64_HCR_TWE;
	uint32_t esr = (uint32_t)EC_WFX << 26 | ISS_CV_AL | (wfi ? 0u : 1u);
	if (h->el == A64_EL0 && !(h->mmu.sctlr_el1 & ntw)) {
		a64_exception(h, A64_EL1, esr, h->pc, false, 0, 0);
		return false;
	}
	if (h->el < A64_EL2 && (h->mmu.hcr_el2 & tw)) {
		a64_exception(h, A64_EL2, esr, h->pc, false, 0, 0);
		return false;
	}
	return true;
}

/* SIMD and floating point are outside this hart's ISA (they come with issue #9): they trap
 * where CPACR_EL1.FPEN or CPTR_EL2.TFP say (EC 0x07), and are UNDEFINED where they would run. */
static void fpsimd(a64_hart *h)
{
	unsigned fpen = (unsigned)(h->cpacr_el1 >> 20) & 3;
	bool el1_traps = h->el == A64_EL0 ? fpen != 3 : h->el == A64_EL1 && (fpen & 1) == 0;
	uint32_t esr = (uint32_t)EC_FP << 26 | ISS_CV_AL;
	if (el1_traps)
		a64_exception(h, A64_EL1, esr, h->pc, false, 0, 0);
	else if (h->el < A64_EL2 && (h->cptr_el2 & CPTR_TFP))
		a64_exception(h, A64_EL2, esr, h->pc, false, 0, 0);
	else
		a64_undefined(h);
}

/* WFI wakes on any interrupt that is pending, masked or not. */
static bool interrupt_waiting(const a64_hart *h)
{
	uint64_t hcr = h->mmu.hcr_el2;
	bool virq = (hcr & (A64_HCR_IMO | A64_HCR_VI)) == (A64_HCR_IMO | A64_HCR_VI);
	bool vfiq = (hcr & (A64_HCR_FMO | A64_HCR_VF)) == (A64_HCR_FMO | A64_HCR_VF);
	return h->irq_line || h->fiq_line || (h->el < A64_EL2 && (virq || vfiq));
}

/* ---- memory instructions off the fast path
 * ------------------------------------------------------- */

static uint64_t extend_loaded(const dec_a64_insn *d, uint64_t v)
{
	unsigned bits = 8u << d->size;
	if (!(d->flags & DEC_A64_SIGNED))
		return v;
	return mask_w((d->flags & DEC_A64_SF) ? 64 : 32, (uint64_t)sext(v, bits));
}

static bool load_slow(a64_hart *h, uint64_t va, unsigned len, bool unpriv, bool aligned,
		      uint64_t *val)
{
	a64_fault f;
	if (a64_load_slow(h, va, len, unpriv, aligned, val, &f))
		return true;
	raise_abort(h, &f, A64_ABORT_READ);
	return false;
}

static bool store_slow(a64_hart *h, uint64_t va, unsigned len, bool unpriv, bool aligned,
		       uint64_t val)
{
	a64_fault f;
	if (a64_store_slow(h, va, len, unpriv, aligned, val, &f))
		return true;
	raise_abort(h, &f, A64_ABORT_WRITE);
	return false;
}

/* LDR (literal), LDTR/STTR: one register, no writeback. */
static bool load_store_one(a64_hart *h, const dec_a64_insn *d, uint64_t va, bool store, bool unpriv)
{
	unsigned len = 1u << d->size;
	uint64_t v;
	if (store)
		return store_slow(h, va, len, unpriv, false, h->x[d->rd]);
	if (!load_slow(h, va, len, unpriv, false, &v))
		return false;
	h->x[d->rd] = extend_loaded(d, v);
	return true;
}

/* Both halves of a pair are read before either register is written. */
static bool load_pair_slow(a64_hart *h, uint64_t va, unsigned len, uint64_t *v1, uint64_t *v2)
{
	return load_slow(h, va, len, false, false, v1) &&
	       load_slow(h, va + len, len, false, false, v2);
}

static bool store_pair_slow(a64_hart *h, uint64_t va, unsigned len, uint64_t v1, uint64_t v2)
{
	return store_slow(h, va, len, false, false, v1) &&
	       store_slow(h, va + len, len, false, false, v2);
}

/* Load/store exclusive: the monitor holds the address a load marked; a store succeeds (status
 * 0) only there, and clears it either way. Pairs are aligned to their total size. */
static bool exclusive(a64_hart *h, const dec_a64_insn *d)
{
	bool pair = d->op == OP(LDXP) || d->op == OP(STXP);
	unsigned len = 1u << d->size, total = pair ? 2 * len : len;
	uint64_t va = h->x[d->rn], v1 = 0, v2 = 0;
	a64_fault f = {.alignment = true, .va = va};
	bool load = d->op == OP(LDXR) || d->op == OP(LDXP);
	if (va & (total - 1)) {
		raise_abort(h, &f, load ? A64_ABORT_READ : A64_ABORT_WRITE);
		return false;
	}
	if (load) {
		if (!load_slow(h, va, len, false, true, &v1) ||
		    (pair && !load_slow(h, va + len, len, false, true, &v2)))
			return false;
		h->excl_valid = true;
		h->excl_addr = va;
		h->x[d->rd] = v1;
		if (pair)
			h->x[d->ra] = v2;
		return true;
	}
	bool pass = h->excl_valid && h->excl_addr == va;
	if (pass && (!store_slow(h, va, len, false, true, h->x[d->rd]) ||
		     (pair && !store_slow(h, va + len, len, false, true, h->x[d->ra]))))
		return false;
	h->excl_valid = false;
	write_reg(h, d->rm, pass ? 0 : 1);
	return true;
}

/* LDAR, STLR, LDAPR: single registers that must be naturally aligned. */
static bool ordered(a64_hart *h, const dec_a64_insn *d)
{
	unsigned len = 1u << d->size;
	uint64_t va = h->x[d->rn], v;
	if (d->op == OP(STLR))
		return store_slow(h, va, len, false, true, h->x[d->rd]);
	if (!load_slow(h, va, len, false, true, &v))
		return false;
	h->x[d->rd] = v;
	return true;
}

static uint64_t atomic_value(unsigned op, uint64_t old, uint64_t src, unsigned bits)
{
	int64_t so = sext(old, bits), ss = sext(src, bits);
	uint64_t uo = old & ones(bits), us = src & ones(bits);
	switch (op) {
	case OP(LDADD): return old + src;
	case OP(LDCLR): return old & ~src;
	case OP(LDEOR): return old ^ src;
	case OP(LDSET): return old | src;
	case OP(LDSMAX): return so > ss ? old : src;
	case OP(LDSMIN): return so < ss ? old : src;
	case OP(LDUMAX): return uo > us ? old : src;
	case OP(LDUMIN): return uo < us ? old : src;
	default: return src; /* SWP */
	}
}

/* A read-modify-write of len bytes at va (naturally aligned): the old value, then the new one
 * computed from it. Atomicity is trivial on one host thread. */
static bool rmw(a64_hart *h, uint64_t va, unsigned len, uint64_t *old,
		uint64_t (*next)(const dec_a64_insn *, const a64_hart *, uint64_t),
		const dec_a64_insn *d)
{
	a64_access acc = {.type = A64_ACC_READ | A64_ACC_WRITE, .el = h->el};
	a64_fault f = {.alignment = true, .va = va};
	uint64_t pa;
	bool device;
	if ((va & (len - 1)) || !a64_translate(h, va, acc, &pa, &device, &f)) {
		raise_abort(h, &f, A64_ABORT_READ);
		return false;
	}
	uint8_t *p = emu_ram_ptr(h->bus, pa, len);
	uint64_t v = 0, w;
	if (p)
		memcpy(&v, p, len);
	if (!p && !emu_phys_read(h->bus, pa, len, &v)) {
		f = (a64_fault){.external = true, .va = va};
		raise_abort(h, &f, A64_ABORT_READ);
		return false;
	}
	*old = v;
	w = next(d, h, v);
	if (p && h->code[(pa - h->bus->ram_base) >> 12])
		a64_code_invalidate(h, pa, len);
	if (p)
		memcpy(p, &w, len);
	else
		emu_phys_write(h->bus, pa, len, w);
	return true;
}

static uint64_t atomic_next(const dec_a64_insn *d, const a64_hart *h, uint64_t old)
{
	return atomic_value(d->op, old, h->x[d->rm], 8u << d->size);
}

static uint64_t cas_next(const dec_a64_insn *d, const a64_hart *h, uint64_t old)
{
	uint64_t mask = ones(8u << d->size);
	return (old & mask) == (h->x[d->rm] & mask) ? h->x[d->rd] : old;
}

/* LD<op>, SWP: Rt gets the old value; CAS: Rs gets it (and the store happens only on a match). */
static bool atomic(a64_hart *h, const dec_a64_insn *d)
{
	uint64_t old, va = h->x[d->rn];
	unsigned len = 1u << d->size;
	if (d->op == OP(CAS)) {
		if (!rmw(h, va, len, &old, cas_next, d))
			return false;
		write_reg(h, d->rm, old);
		return true;
	}
	if (!rmw(h, va, len, &old, atomic_next, d))
		return false;
	write_reg(h, d->rd, old);
	return true;
}

/* CASP: two registers compared and swapped together, aligned to the pair's size. */
static bool cas_pair(a64_hart *h, const dec_a64_insn *d)
{
	unsigned len = 1u << d->size, bits = 8u << d->size;
	uint64_t va = h->x[d->rn], lo, hi;
	uint64_t mask = ones(bits);
	a64_fault f = {.alignment = true, .va = va};
	if (va & (2 * len - 1)) {
		raise_abort(h, &f, A64_ABORT_READ);
		return false;
	}
	if (!load_slow(h, va, len, false, true, &lo) ||
	    !load_slow(h, va + len, len, false, true, &hi))
		return false;
	unsigned rs = d->rm, rt = d->rd;
	bool match = lo == (h->x[rs] & mask) && hi == (h->x[rs + 1] & mask);
	if (match && !(store_slow(h, va, len, false, true, h->x[rt]) &&
		       store_slow(h, va + len, len, false, true, h->x[rt + 1])))
		return false;
	write_reg(h, rs, lo);
	write_reg(h, rs + 1, hi);
	return true;
}

/* ---- the two loops ----------------------------------------------------------------------------
 */

#define A64_EXEC_NAME a64_exec_fast
#define A64_EXEC_STEP 0
#include "emu/a64_exec_loop.h"
#undef A64_EXEC_NAME
#undef A64_EXEC_STEP

#define A64_EXEC_NAME a64_exec_step
#define A64_EXEC_STEP 1
#include "emu/a64_exec_loop.h"
#undef A64_EXEC_NAME
#undef A64_EXEC_STEP

/* ---- entry points -------------------------------------------------------------------------------
 */

bool a64_hart_init(a64_hart *h, emu_bus *bus, uint64_t mpidr, uint64_t reset_pc)
{
	memset(h, 0, sizeof *h);
	h->bus = bus;
	h->code_pages = (size_t)((bus->ram_size + 4095) >> 12);
	h->code = calloc(h->code_pages ? h->code_pages : 1, sizeof(a64_code_page *));
	if (!h->code)
		return false;
	h->pc = reset_pc;
	h->el = A64_EL1;
	h->spsel = true;
	h->daif = A64_DAIF_D | A64_DAIF_A | A64_DAIF_I | A64_DAIF_F;
	h->mmu.sctlr_el1 = A64_SCTLR_EL1_RESET;
	h->mmu.hcr_el2 = UINT64_C(1) << 31; /* RW: EL1 is AArch64 */
	h->midr = UINT64_C(0x410fd030);	    /* an Arm Cortex-A53-like part, r0p0 */
	h->mpidr = UINT64_C(1) << 31 | mpidr;
	h->vpidr_el2 = h->midr;
	h->vmpidr_el2 = h->mpidr;
	h->ctr = UINT64_C(0x84448004); /* 64-byte lines, PIPT I-cache */
	h->dczid = 4;		       /* DC ZVA zeroes 64 bytes */
	h->cntfrq = 62500000;
	/* EL0, EL1, EL2 in AArch64 only, no EL3; FP and AdvSIMD implemented (and trapped) */
	h->id_aa64pfr0 = 0x0111;
	h->id_aa64isar0 = UINT64_C(2) << 20;   /* Atomic: FEAT_LSE */
	h->id_aa64isar1 = UINT64_C(1) << 20;   /* LRCPC: LDAPR */
	h->id_aa64mmfr0 = UINT64_C(0xf000005); /* 48-bit PA, 4 KiB granule only */
	h->id_aa64dfr0 = 0x6;		       /* Armv8.0 debug, no PMU */
	h->cptr_el2 = UINT64_C(0x33ff);	       /* RES1 bits, nothing trapped */
	h->cnthctl_el2 = 3;		       /* EL1PCTEN, EL1PCEN */
	h->excl_addr = UINT64_MAX;
	h->timer_deadline = UINT64_MAX;
	a64_tlb_flush(h);
	h->x[A64_XSP] = 0;
	a64_ctx_update(h);
	return true;
}

void a64_hart_free(a64_hart *h)
{
	if (!h->code)
		return;
	for (size_t i = 0; i < h->code_pages; i++)
		free(h->code[i]);
	free(h->code);
	h->code = NULL;
}

/* With no interrupt waiting, time jumps to the next timer deadline. */
static bool wfi_wait(a64_hart *h)
{
	uint64_t deadline = a64_update_timers(h);
	if (!interrupt_waiting(h)) {
		if (deadline == UINT64_MAX)
			return false;
		h->idle_ticks += deadline - h->icount;
		a64_update_timers(h);
	}
	h->wfi = false;
	return true;
}

a64_stop a64_run(a64_hart *h, uint64_t budget)
{
	h->budget_end = budget > UINT64_MAX - h->icount ? UINT64_MAX : h->icount + budget;
	for (;;) {
		if (h->wfi && !wfi_wait(h))
			return A64_STOP_WFI;
		a64_stop stop = a64_exec_fast(h);
		if (stop != A64_STOP_WFI)
			return stop;
	}
}

a64_stop a64_step(a64_hart *h)
{
	unsigned target;
	h->budget_end = h->icount + 1;
	a64_update_timers(h);
	int irq = a64_pending_irq(h, &target);
	if (irq >= 0) {
		a64_take_irq(h, irq, target);
		return a64_trap_stop(h);
	}
	if (h->wfi && !wfi_wait(h))
		return A64_STOP_WFI;
	return a64_exec_step(h);
}
