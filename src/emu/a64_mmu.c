/* AArch64 stage-1 (EL1&0) and stage-2 translation, 4 KiB granule: the walks, the checks in the
 * Arm ARM's order (ranges before the walk; per descriptor: invalid, address size; at the
 * leaf: Access flag, then permissions) and the syndromes the hart latches. See a64_mmu.h. */
#include "emu/a64_mmu.h"

#include <string.h>

#define BIT(n)	    (UINT64_C(1) << (n))
#define MASK(n)	    (BIT(n) - 1)			/* n < 64 */
#define ADDR_MASK   (MASK(A64_MMU_PA_BITS) & ~MASK(12)) /* descriptor bits [47:12] */
#define ACC_RWX	    (A64_ACC_READ | A64_ACC_WRITE | A64_ACC_EXEC)
#define TXSZ_MIN    16 /* 48-bit input */
#define TXSZ_MAX    39 /* 25-bit input */
#define MAX_CONCAT  4  /* stage 2: up to 2^4 concatenated tables at the initial level */
#define TABLE_ATTRS 59 /* stage-1 table descriptor: PXNTable, UXNTable, APTable[1:0] */

enum { SCTLR_M = 0, SCTLR_WXN = 19 };
enum { HCR_VM = 0, HCR_PTW = 2, HCR_DC = 12 };
enum { TCR_EPD0 = 7, TCR_T1SZ = 16, TCR_EPD1 = 23, TCR_IPS = 32, TCR_TBI0 = 37, TCR_TBI1 = 38 };
enum { VTCR_SL0 = 6, VTCR_PS = 16 };
/* descriptor bits; stage 2 reads bits 7:6 as S2AP (write, read) and 54:53 as XN[1:0] */
enum { D_VALID = 0, D_TABLE = 1, D_ATTRINDX = 2, D_MEMATTR = 2, D_AP1 = 6, D_AP2 = 7, D_AF = 10 };
enum { D_PXN = 53, D_UXN = 54 };
/* the table attributes ORed over a stage-1 walk, shifted down from bit 59 */
enum { T_PXN = 1, T_UXN = 2, T_NO_EL0 = 4, T_RO = 8 };

/* {I}PS to an output size, limited to the 48-bit PA; reserved 0b111 is 48 too */
static const uint8_t ps_bits[8] = {32, 36, 40, 42, 44, 48, 48, 48};

/* ---- one translation in progress ---- */

typedef struct ctx {
	const a64_mmu_regs *r;
	const emu_bus *bus;
	a64_access acc;
	a64_xlate *out;
	a64_walk *rec;
} ctx;

/* The regime of one stage's walk. */
typedef struct stage {
	uint8_t n;	 /* 1 or 2 */
	uint8_t start;	 /* initial lookup level */
	uint8_t in_bits; /* input address size */
	uint8_t oa_bits; /* output address size */
	uint64_t base;	 /* initial table */
} stage;

typedef struct walk {
	stage s;
	uint64_t in; /* the VA or IPA being translated */
	bool for_s1; /* stage 2 translating a stage-1 descriptor's address */
	unsigned level;
	uint64_t table, desc_addr, desc;
	unsigned tattrs; /* T_* */
	uint64_t oa;	 /* at a leaf: the output address of in */
} walk;

static bool s2_translate(ctx *c, uint64_t ipa, bool for_s1, uint64_t *pa);

static unsigned level_shift(unsigned level)
{
	return 12 + 9 * (3 - level);
}

static bool s1_enabled(const a64_mmu_regs *r)
{
	return (r->sctlr_el1 & BIT(SCTLR_M)) && !(r->hcr_el2 & BIT(HCR_DC));
}

static bool s2_enabled(const a64_mmu_regs *r)
{
	return (r->hcr_el2 & (BIT(HCR_VM) | BIT(HCR_DC))) != 0;
}

static bool is_data(const ctx *c)
{
	return !(c->acc.type & A64_ACC_EXEC);
}

/* ---- faults ---- */

/* Records a fault of stage n at level; at_step: found in the last recorded descriptor. WnR is
 * set as if a read of the address would fault too (see perm_fault). */
static bool fail(ctx *c, a64_mmu_fault_kind kind, unsigned n, unsigned level, bool at_step)
{
	static const uint8_t fsc_base[] = {
	    [A64_MMU_FAULT_ADDR_SIZE] = 0x00,	[A64_MMU_FAULT_TRANSLATION] = 0x04,
	    [A64_MMU_FAULT_ACCESS_FLAG] = 0x08, [A64_MMU_FAULT_PERMISSION] = 0x0C,
	    [A64_MMU_FAULT_EXT_WALK] = 0x14,
	};
	a64_mmu_fault *f = &c->out->fault;
	f->kind = (uint8_t)kind;
	f->stage = (uint8_t)n;
	f->level = (uint8_t)level;
	f->fsc = (uint8_t)(fsc_base[kind] + level);
	f->target_el = (uint8_t)n;
	f->wnr = c->acc.type == A64_ACC_WRITE;
	f->ea = kind == A64_MMU_FAULT_EXT_WALK;
	f->far_valid = true;
	if (c->rec)
		c->rec->fault_step = at_step ? (int)c->rec->nsteps - 1 : -1;
	return false;
}

/* A Permission fault at the leaf that allowed only perms: for a read-modify-write, WnR says
 * whether the read part passed (the Arm ARM's rule for atomics). */
static bool perm_fault(ctx *c, unsigned n, unsigned level, unsigned perms)
{
	fail(c, A64_MMU_FAULT_PERMISSION, n, level, true);
	c->out->fault.wnr = (c->acc.type & A64_ACC_WRITE) &&
			    (!(c->acc.type & A64_ACC_READ) || (perms & A64_ACC_READ));
	return false;
}

/* ---- descriptors ---- */

static a64_desc_kind desc_kind(uint64_t desc, unsigned level)
{
	static const uint8_t kinds[2][4] = {
	    {A64_DESC_RESERVED, A64_DESC_BLOCK, A64_DESC_BLOCK, A64_DESC_RESERVED},
	    {A64_DESC_TABLE, A64_DESC_TABLE, A64_DESC_TABLE, A64_DESC_PAGE},
	};
	if (!(desc & BIT(D_VALID)))
		return A64_DESC_INVALID;
	return (a64_desc_kind)kinds[(desc >> D_TABLE) & 1][level];
}

static void record(const ctx *c, const walk *w, bool read_ok)
{
	if (!c->rec)
		return;
	/* A64_WALK_MAX_STEPS is the longest walk: four stage-1 levels over four stage-2 levels */
	c->rec->step[c->rec->nsteps++] = (a64_walk_step){
	    .stage = w->s.n,
	    .level = (uint8_t)w->level,
	    .kind = (uint8_t)(read_ok ? desc_kind(w->desc, w->level) : A64_DESC_INVALID),
	    .for_s1 = w->for_s1,
	    .read_ok = read_ok,
	    .in = w->in,
	    .table = w->table,
	    .desc_addr = w->desc_addr,
	    .desc = read_ok ? w->desc : 0,
	};
}

/* Reads the descriptor for w->in at w->level of w->table; a stage-1 descriptor's IPA goes
 * through stage 2 first. */
static bool read_desc(ctx *c, walk *w)
{
	unsigned shift = level_shift(w->level);
	unsigned idx_bits = w->level == w->s.start ? w->s.in_bits - shift : 9;
	w->desc_addr = w->table + 8 * ((w->in >> shift) & MASK(idx_bits));
	uint64_t pa = w->desc_addr;
	if (w->s.n == 1 && !s2_translate(c, w->desc_addr, true, &pa)) {
		record(c, w, false);
		return false;
	}
	const uint8_t *host = emu_ram_ptr(c->bus, pa, 8);
	if (!host) {
		record(c, w, false);
		return fail(c, A64_MMU_FAULT_EXT_WALK, w->s.n, w->level, true);
	}
	memcpy(&w->desc, host, 8);
	record(c, w, true);
	return true;
}

/* Walks from the initial table to a leaf: true with w->level, w->desc, w->oa. */
static bool walk_tables(ctx *c, walk *w)
{
	w->table = w->s.base;
	for (w->level = w->s.start;; w->level++) {
		if (!read_desc(c, w))
			return false;
		a64_desc_kind kind = desc_kind(w->desc, w->level);
		if (kind == A64_DESC_INVALID || kind == A64_DESC_RESERVED)
			return fail(c, A64_MMU_FAULT_TRANSLATION, w->s.n, w->level, true);
		uint64_t mask =
		    kind == A64_DESC_TABLE ? ADDR_MASK : ADDR_MASK & ~MASK(level_shift(w->level));
		uint64_t addr = w->desc & mask;
		if (addr >> w->s.oa_bits)
			return fail(c, A64_MMU_FAULT_ADDR_SIZE, w->s.n, w->level, true);
		if (kind != A64_DESC_TABLE) {
			w->oa = addr | (w->in & MASK(level_shift(w->level)));
			return true;
		}
		w->tattrs |= (unsigned)(w->desc >> TABLE_ATTRS) & 0xF;
		w->table = addr;
	}
}

/* The initial table from a TTBR or VTTBR: BADDR aligned to the table's size. */
static bool set_base(ctx *c, stage *s, uint64_t ttbr)
{
	unsigned idx_bits = s->in_bits - level_shift(s->start);
	s->base = ttbr & MASK(A64_MMU_PA_BITS) & ~MASK(idx_bits + 3);
	if (s->base >> s->oa_bits)
		return fail(c, A64_MMU_FAULT_ADDR_SIZE, s->n, 0, false);
	return true;
}

/* ---- stage 2 ---- */

/* VTCR_EL2 and the IPA's range: every fault here is a level 0 Translation fault. */
static bool s2_setup(ctx *c, stage *s, uint64_t ipa)
{
	uint64_t vtcr = c->r->vtcr_el2;
	unsigned t0sz = vtcr & 63, sl0 = (vtcr >> VTCR_SL0) & 3;
	s->n = 2;
	if (t0sz < TXSZ_MIN || t0sz > TXSZ_MAX || sl0 == 3)
		return fail(c, A64_MMU_FAULT_TRANSLATION, 2, 0, false);
	s->in_bits = (uint8_t)(64 - t0sz);
	s->start = (uint8_t)(2 - sl0);
	/* the initial level must resolve 1 to 9 + MAX_CONCAT bits */
	unsigned shift = level_shift(s->start);
	if (s->in_bits <= shift || s->in_bits > shift + 9 + MAX_CONCAT)
		return fail(c, A64_MMU_FAULT_TRANSLATION, 2, 0, false);
	if (ipa >> s->in_bits)
		return fail(c, A64_MMU_FAULT_TRANSLATION, 2, 0, false);
	s->oa_bits = ps_bits[(vtcr >> VTCR_PS) & 7];
	return set_base(c, s, c->r->vttbr_el2);
}

/* S2AP[1:0] and XN[1:0] (FEAT_XNX) at the access's EL. */
static unsigned s2_perms(uint64_t desc, unsigned el)
{
	/* by XN[1:0]: the ELs that may execute, bit n = ELn */
	static const uint8_t exec_els[4] = {3, 1, 0, 2};
	unsigned perms =
	    ((desc >> D_AP1) & 1 ? A64_ACC_READ : 0u) | ((desc >> D_AP2) & 1 ? A64_ACC_WRITE : 0u);
	if ((exec_els[(desc >> D_PXN) & 3] >> el) & 1)
		perms |= A64_ACC_EXEC;
	return perms;
}

/* MemAttr[3:2] = 0b00 is Device memory (with HCR_EL2.FWB = 0). */
static bool s2_device(uint64_t desc)
{
	return ((desc >> (D_MEMATTR + 2)) & 3) == 0;
}

static bool s2_leaf(ctx *c, const walk *w)
{
	if (!(w->desc & BIT(D_AF)))
		return fail(c, A64_MMU_FAULT_ACCESS_FLAG, 2, w->level, true);
	unsigned perms = s2_perms(w->desc, c->acc.el);
	if (w->for_s1) {
		/* a stage-1 walk reads; with HCR_EL2.PTW it may not read Device memory */
		bool ptw_device = (c->r->hcr_el2 & BIT(HCR_PTW)) && s2_device(w->desc);
		if (!(perms & A64_ACC_READ) || ptw_device)
			return fail(c, A64_MMU_FAULT_PERMISSION, 2, w->level, true);
		return true;
	}
	c->out->perms &= (uint8_t)perms;
	c->out->device |= is_data(c) && s2_device(w->desc);
	if (c->acc.type & ~perms)
		return perm_fault(c, 2, w->level, perms);
	return true;
}

/* The stage-2 translation of ipa: the access's final IPA, or (for_s1) the address of a
 * stage-1 descriptor. A fault reports ipa in HPFAR_EL2. */
static bool s2_translate(ctx *c, uint64_t ipa, bool for_s1, uint64_t *pa)
{
	if (!s2_enabled(c->r)) {
		*pa = ipa;
		return true;
	}
	walk w = {.in = ipa, .for_s1 = for_s1};
	if (s2_setup(c, &w.s, ipa) && walk_tables(c, &w) && s2_leaf(c, &w)) {
		*pa = w.oa;
		return true;
	}
	a64_mmu_fault *f = &c->out->fault;
	f->s1ptw = for_s1;
	f->ipa = ipa;
	f->hpfar = ((ipa & MASK(A64_MMU_PA_BITS)) >> 12) << 4;
	return false;
}

/* ---- stage 1 ---- */

/* With stage 1 off (or HCR_EL2.DC) the IPA is the VA, which must fit the PA size. */
static bool s1_flat(ctx *c, uint64_t va, uint64_t *ipa)
{
	bool tbi = (c->r->tcr_el1 >> ((va >> 55) & 1 ? TCR_TBI1 : TCR_TBI0)) & 1;
	uint64_t addr = tbi ? va & MASK(56) : va;
	if (addr >> A64_MMU_PA_BITS)
		return fail(c, A64_MMU_FAULT_ADDR_SIZE, 1, 0, false);
	/* data is Device-nGnRnE, unless HCR_EL2.DC makes it Normal Write-Back */
	c->out->device = is_data(c) && !(c->r->hcr_el2 & BIT(HCR_DC));
	*ipa = addr;
	return true;
}

/* TTBR0 or TTBR1 by VA[55], TxSZ, the VA's range, EPDx: level 0 Translation faults. */
static bool s1_setup(ctx *c, stage *s, uint64_t va)
{
	uint64_t tcr = c->r->tcr_el1;
	bool hi = (va >> 55) & 1;
	unsigned txsz = (tcr >> (hi ? TCR_T1SZ : 0)) & 63;
	bool tbi = (tcr >> (hi ? TCR_TBI1 : TCR_TBI0)) & 1;
	bool epd = (tcr >> (hi ? TCR_EPD1 : TCR_EPD0)) & 1;
	if (c->rec)
		c->rec->ttbr = hi;
	s->n = 1;
	if (txsz < TXSZ_MIN || txsz > TXSZ_MAX)
		return fail(c, A64_MMU_FAULT_TRANSLATION, 1, 0, false);
	s->in_bits = (uint8_t)(64 - txsz);
	/* bits [top:in_bits] must all equal VA[55]; top is 55 when the top byte is ignored */
	uint64_t addr = tbi ? (uint64_t)((int64_t)(va << 8) >> 8) : va;
	if ((addr >> s->in_bits) != (hi ? MASK(64 - s->in_bits) : 0) || epd)
		return fail(c, A64_MMU_FAULT_TRANSLATION, 1, 0, false);
	s->start = (uint8_t)(4 - (s->in_bits - 12 + 8) / 9);
	s->oa_bits = ps_bits[(tcr >> TCR_IPS) & 7];
	return set_base(c, s, hi ? c->r->ttbr1_el1 : c->r->ttbr0_el1);
}

/* AP[2:1], UXN, PXN with APTable and XNTable, SCTLR_EL1.WXN, at the access's EL (EL0 for an
 * unprivileged access). A region EL0 may write is never executable at EL1. */
static unsigned s1_perms(const ctx *c, const walk *w)
{
	uint64_t d = w->desc;
	bool el0 = ((d >> D_AP1) & 1) && !(w->tattrs & T_NO_EL0);
	bool ro = ((d >> D_AP2) & 1) || (w->tattrs & T_RO);
	bool wxn = (c->r->sctlr_el1 >> SCTLR_WXN) & 1;
	bool el0_w = el0 && !ro;
	bool el0_x = !((d >> D_UXN) & 1) && !(w->tattrs & T_UXN) && !(wxn && el0_w);
	bool el1_x = !((d >> D_PXN) & 1) && !(w->tattrs & T_PXN) && !el0_w && !(wxn && !ro);
	if (c->acc.el == 0 || (c->acc.unpriv && is_data(c)))
		return (el0 ? A64_ACC_READ : 0u) | (el0_w ? A64_ACC_WRITE : 0u) |
		       (el0_x ? A64_ACC_EXEC : 0u);
	return A64_ACC_READ | (ro ? 0u : A64_ACC_WRITE) | (el1_x ? A64_ACC_EXEC : 0u);
}

/* MAIR_EL1 attribute AttrIndx: Device when Attr[7:4] = 0b0000. */
static bool s1_device(const ctx *c, uint64_t desc)
{
	unsigned idx = (desc >> D_ATTRINDX) & 7;
	return ((c->r->mair_el1 >> (8 * idx + 4)) & 0xF) == 0;
}

static bool s1_leaf(ctx *c, const walk *w)
{
	if (!(w->desc & BIT(D_AF)))
		return fail(c, A64_MMU_FAULT_ACCESS_FLAG, 1, w->level, true);
	unsigned perms = s1_perms(c, w);
	c->out->perms = (uint8_t)perms;
	c->out->device = is_data(c) && s1_device(c, w->desc);
	if (c->acc.type & ~perms)
		return perm_fault(c, 1, w->level, perms);
	return true;
}

static bool s1_translate(ctx *c, uint64_t va, uint64_t *ipa)
{
	if (!s1_enabled(c->r))
		return s1_flat(c, va, ipa);
	walk w = {.in = va};
	if (!s1_setup(c, &w.s, va) || !walk_tables(c, &w) || !s1_leaf(c, &w))
		return false;
	*ipa = w.oa;
	return true;
}

/* ---- entry points ---- */

static void begin(ctx *c, const a64_mmu_regs *regs, const emu_bus *bus, a64_access acc,
		  a64_xlate *out, a64_walk *rec)
{
	*c = (ctx){regs, bus, acc, out, rec};
	*out = (a64_xlate){.perms = ACC_RWX};
	if (rec) {
		rec->ttbr = -1;
		rec->s2 = s2_enabled(regs);
		rec->fault_step = -1;
		rec->nsteps = 0;
	}
}

bool a64_mmu_translate(const a64_mmu_regs *regs, const emu_bus *bus, uint64_t va, a64_access acc,
		       a64_xlate *out, a64_walk *rec)
{
	ctx c;
	begin(&c, regs, bus, acc, out, rec);
	return s1_translate(&c, va, &out->ipa) && s2_translate(&c, out->ipa, false, &out->pa);
}

bool a64_mmu_translate_ipa(const a64_mmu_regs *regs, const emu_bus *bus, uint64_t ipa,
			   a64_access acc, a64_xlate *out, a64_walk *rec)
{
	ctx c;
	begin(&c, regs, bus, acc, out, rec);
	out->ipa = ipa;
	return s2_translate(&c, ipa, false, &out->pa);
}
