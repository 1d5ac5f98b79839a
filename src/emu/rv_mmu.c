/* Address translation: Bare/Sv39/Sv48 for satp and vsatp, Sv39x4/Sv48x4 for hgatp, the soft
 * TLBs and their regime ids, the slow load/store/fetch paths and the decoded-code cache. */
#include "emu/rv_csrfile.h"
#include "emu/rv_hart.h"

#include <stdlib.h>
#include <string.h>

enum { PTE_V = 1, PTE_R = 2, PTE_W = 4, PTE_X = 8, PTE_U = 16, PTE_A = 64, PTE_D = 128 };
#define PTE_PPN(pte) (((pte) >> 10) & ((UINT64_C(1) << 44) - 1))
#define PTE_RESERVED (~((UINT64_C(1) << 54) - 1)) /* N, PBMT, reserved: no Svnapot/Svpbmt */
#define PAGE_MASK    (~UINT64_C(0xfff))

/* The pseudo-instructions htinst reports for implicit VS-stage page-table accesses. */
#define TINST_PT_READ64	 UINT64_C(0x3000)
#define TINST_PT_WRITE64 UINT64_C(0x3020)

static const unsigned page_fault_cause[3] = {RV_EXC_INSN_PAGE, RV_EXC_LOAD_PAGE, RV_EXC_STORE_PAGE};
static const unsigned guest_fault_cause[3] = {RV_EXC_INSN_GUEST_PAGE, RV_EXC_LOAD_GUEST_PAGE,
					      RV_EXC_STORE_GUEST_PAGE};
static const unsigned access_fault_cause[3] = {RV_EXC_INSN_ACCESS, RV_EXC_LOAD_ACCESS,
					       RV_EXC_STORE_ACCESS};

/* ---- regime ids and the TLBs ----------------------------------------------------------------- */

void rv_tlb_flush(rv_hart *h)
{
	for (unsigned a = 0; a < 3; a++)
		for (unsigned i = 0; i < RV_TLB_SIZE; i++)
			h->tlb[a][i].tag = RV_TLB_EMPTY;
}

void rv_xlate_for_data(const rv_hart *h, rv_xlate *x)
{
	x->priv = h->priv;
	x->virt = h->virt;
	x->hlvx = false;
	if (h->priv == RV_PRIV_M && (h->mstatus & MS_MPRV)) {
		x->priv = (uint8_t)((h->mstatus >> 11) & 3);
		x->virt = x->priv != RV_PRIV_M && (h->mstatus & MS_MPV);
	}
}

/* Everything that decides how an access under x translates and what it may do. Accesses
 * that nothing translates (M-mode, or satp Bare with V=0) behave alike in every mode, since
 * PMP does not restrict them: they share the all-zero key. */
static void regime_key(const rv_hart *h, const rv_xlate *x, bool data, uint64_t key[4])
{
	memset(key, 0, 4 * sizeof key[0]);
	if (x->priv == RV_PRIV_M || (!x->virt && (h->satp >> 60) == RV_ATP_BARE))
		return;
	key[0] = (uint64_t)x->priv | (x->virt ? 4u : 0u);
	uint64_t status_bits = data ? (h->mstatus & (MS_SUM | MS_MXR)) : 0;
	if (x->virt) {
		status_bits |= data ? (h->vsstatus & (MS_SUM | MS_MXR)) << 8 : 0;
		key[1] = h->vsatp;
		key[2] = h->hgatp;
	} else {
		key[1] = h->satp;
	}
	key[0] |= status_bits;
	key[3] = (h->menvcfg & ENVCFG_ADUE) | (h->henvcfg & ENVCFG_ADUE) >> 1;
}

static uint64_t regime_id(rv_hart *h, const uint64_t key[4])
{
	uint64_t hash = (key[0] * 0x9e3779b97f4a7c15u) ^ key[1] ^ (key[2] * 31) ^ key[3];
	unsigned start = (unsigned)(hash ^ (hash >> 29)) % RV_REGIME_SLOTS;
	for (unsigned n = 0; n < RV_REGIME_SLOTS; n++) {
		unsigned i = (start + n) % RV_REGIME_SLOTS;
		struct rv_regime *r = &h->regime[i];
		bool used = r->key[0] != UINT64_MAX;
		if (used && memcmp(r->key, key, sizeof r->key) == 0)
			return (uint64_t)(i + 1) << 3;
		if (!used) {
			memcpy(r->key, key, sizeof r->key);
			h->nregimes++;
			return (uint64_t)(i + 1) << 3;
		}
	}
	/* Every slot taken: forget them all. The TLBs hold ids of forgotten regimes, so they go
	 * too. */
	for (unsigned i = 0; i < RV_REGIME_SLOTS; i++)
		h->regime[i].key[0] = UINT64_MAX;
	h->nregimes = 0;
	rv_regime_changed(h);
	rv_tlb_flush(h);
	return regime_id(h, key);
}

void rv_regime_changed(rv_hart *h)
{
	memset(h->memo_fetch, 0, sizeof h->memo_fetch);
	memset(h->memo_data, 0, sizeof h->memo_data);
	rv_regime_update(h);
}

/* Traps and xRET switch privilege and V twice per round trip: the ids come from the memo.
 * M-mode with MPRV borrows another mode's regime for data, so it is not memoised. */
void rv_regime_update(rv_hart *h)
{
	uint64_t *fetch = &h->memo_fetch[h->priv][h->virt], *data = &h->memo_data[h->priv][h->virt];
	bool mprv = h->priv == RV_PRIV_M && (h->mstatus & MS_MPRV);
	uint64_t key[4];
	rv_xlate x = {h->priv, h->virt, false};
	if (!*fetch) {
		regime_key(h, &x, false, key);
		*fetch = regime_id(h, key);
	}
	h->ctx_fetch = *fetch;
	if (*data && !mprv) {
		h->ctx_data = *data;
		return;
	}
	rv_xlate_for_data(h, &x);
	regime_key(h, &x, true, key);
	h->ctx_data = regime_id(h, key);
	if (!mprv)
		*data = h->ctx_data;
}

static bool is_code_page(const rv_hart *h, uint64_t pa)
{
	uint64_t off = pa - h->bus->ram_base;
	return off < h->bus->ram_size && h->code[off >> 12] != NULL;
}

static bool is_htif_page(const rv_hart *h, uint64_t pa)
{
	return h->bus->tohost_addr && ((pa ^ h->bus->tohost_addr) & PAGE_MASK) == 0;
}

/* Enters a translation into the TLB of acc when the page is RAM that access may use directly.
 * Stores skip pages with decoded code (they must invalidate it) and the HTIF page. */
static void tlb_fill(rv_hart *h, unsigned acc, uint64_t va, uint64_t pa)
{
	uint8_t *host = emu_ram_ptr(h->bus, pa & PAGE_MASK, 4096);
	if (!host)
		return;
	if (acc == RV_ACC_STORE && (is_code_page(h, pa) || is_htif_page(h, pa)))
		return;
	rv_tlb_entry *e = &h->tlb[acc][(va >> 12) % RV_TLB_SIZE];
	e->tag = (va & PAGE_MASK) | (acc == RV_ACC_FETCH ? h->ctx_fetch : h->ctx_data);
	e->addend = (uintptr_t)host - (uintptr_t)(va & PAGE_MASK);
	h->tlb_ppage[acc][(va >> 12) % RV_TLB_SIZE] = pa & PAGE_MASK;
}

/* ---- page-table walks ------------------------------------------------------------------------ */

typedef struct walk {
	uint64_t root;
	unsigned levels;   /* 3 (Sv39) or 4 (Sv48) */
	unsigned top_bits; /* index bits of the root level: 9, or 11 for the x4 G-stage */
	bool gstage;	   /* leaves must have U=1 and are checked as U-mode accesses */
	bool vs_stage;	   /* PTE addresses are guest-physical: each goes through the G-stage */
	bool for_pte;	   /* a G-stage walk for a VS-stage PTE's address */
	uint8_t priv;
	bool sum, mxr, hlvx, adue;
	rv_walk *rec; /* the debugger's record: NULL on the normal path; else no A/D writes */
} walk;

static bool walk_setup(walk *w, uint64_t atp)
{
	unsigned mode = (unsigned)(atp >> 60);
	w->root = PTE_PPN(atp << 10) << 12;
	w->levels = mode == RV_ATP_SV48 ? 4 : 3;
	return mode == RV_ATP_SV39 || mode == RV_ATP_SV48;
}

/* Address bits a walk translates (39/48, plus 2 for the G-stage). */
static unsigned walk_va_bits(const walk *w)
{
	return 12 + 9 * (w->levels - 1) + w->top_bits;
}

static bool leaf_permits(const walk *w, uint64_t pte, unsigned acc)
{
	if (w->gstage) {
		if (!(pte & PTE_U))
			return false;
	} else if (pte & PTE_U) {
		if (w->priv == RV_PRIV_S && (acc == RV_ACC_FETCH || !w->sum))
			return false;
	} else if (w->priv == RV_PRIV_U) {
		return false;
	}
	switch (acc) {
	case RV_ACC_FETCH: return pte & PTE_X;
	case RV_ACC_LOAD:
		if (w->hlvx)
			return pte & PTE_X;
		return (pte & PTE_R) || (w->mxr && (pte & PTE_X));
	default: return (pte & PTE_W) && (pte & PTE_R);
	}
}

/* The debugger's record of a walk: only rv_walk_guest's walks have one (w->rec), so these
 * are cold, out of the hart's walk loop. */

/* The PTE at addr, read (pte) or not (NULL), as the step after the G-stage walk of its
 * address. */
static __attribute__((cold)) void record_pte(const walk *w, int level, uint64_t va, uint64_t table,
					     uint64_t addr, unsigned acc, const uint64_t *pte)
{
	rv_walk *r = w->rec;
	if (r->nsteps == RV_WALK_MAX_STEPS)
		return;
	r->step[r->nsteps++] = (rv_walk_step){.stage = w->gstage ? 2 : 1,
					      .level = (int8_t)level,
					      .acc = (uint8_t)acc,
					      .for_pte = w->for_pte,
					      .read_ok = pte != NULL,
					      .va = va,
					      .table = table,
					      .pte_addr = addr,
					      .pte = pte ? *pte : 0};
}

/* The PTE recorded last is a leaf that allows the access. */
static __attribute__((cold)) void record_leaf(const walk *w, bool sets_ad)
{
	rv_walk_step *s = &w->rec->step[w->rec->nsteps - 1];
	s->leaf = true;
	s->sets_ad = sets_ad;
}

/* The innermost failure is the one that explains the fault; outer walks only pass it on.
 * at_pte: the PTE recorded last stopped the walk. */
static __attribute__((cold)) void record_why(const walk *w, rv_walk_why why, bool at_pte)
{
	rv_walk *r = w->rec;
	if (r->why != RV_WALK_OK)
		return;
	r->why = why;
	r->why_stage = w->gstage ? 2 : 1;
	r->why_for_pte = w->for_pte;
	r->why_step = at_pte ? (int)r->nsteps - 1 : -1;
}

/* Why a PTE read at level stops the walk before the permission checks, or RV_WALK_OK. */
static rv_walk_why pte_shape(uint64_t pte, int level)
{
	if (!(pte & PTE_V))
		return RV_WALK_INVALID;
	if ((!(pte & PTE_R) && (pte & PTE_W)) || (pte & PTE_RESERVED))
		return RV_WALK_RESERVED;
	if (!(pte & (PTE_R | PTE_X)))
		return level ? RV_WALK_OK : RV_WALK_TOO_DEEP;
	if (PTE_PPN(pte) & ((UINT64_C(1) << (9 * (unsigned)level)) - 1))
		return RV_WALK_MISALIGNED;
	return RV_WALK_OK;
}

static bool gstage_translate(rv_hart *h, uint64_t gpa, unsigned acc, const walk *vs, bool for_pte,
			     uint64_t *pa, rv_fault *f);

/* Reads or writes one PTE of w at table address addr (guest-physical for the VS-stage).
 * f->cause is set on failure. A recorded walk translates a write but does not make it. */
static bool pte_access(rv_hart *h, const walk *w, uint64_t addr, unsigned orig_acc, bool write,
		       uint64_t *pte, rv_fault *f)
{
	uint64_t pa = addr;
	if (w->vs_stage) {
		rv_fault gf;
		if (!gstage_translate(h, addr, write ? RV_ACC_STORE : RV_ACC_LOAD, w, true, &pa,
				      &gf)) {
			/* An implicit access's fault is reported as the original access type; the
			 * pseudo-instruction tells the hypervisor it was a page-table access. */
			f->cause = gf.cause == access_fault_cause[write ? 2 : 1]
				       ? access_fault_cause[orig_acc]
				       : guest_fault_cause[orig_acc];
			f->tval2 = gf.tval2;
			f->tinst = gf.cause == access_fault_cause[write ? 2 : 1]
				       ? 0
				       : (write ? TINST_PT_WRITE64 : TINST_PT_READ64);
			return false;
		}
	}
	uint8_t *host = emu_ram_ptr(h->bus, pa, 8);
	if (!host) {
		f->cause = access_fault_cause[orig_acc];
		return false;
	}
	if (!write) {
		memcpy(pte, host, 8);
	} else if (!w->rec) {
		memcpy(host, pte, 8);
		if (is_code_page(h, pa))
			rv_code_invalidate(h, pa);
	}
	return true;
}

/* A walk of w stops: the page fault of its stage (guest-page fault for the G-stage). */
static bool walk_fault(const walk *w, unsigned acc, rv_walk_why why, bool at_pte, rv_fault *f)
{
	f->cause = w->gstage ? guest_fault_cause[acc] : page_fault_cause[acc];
	if (w->rec)
		record_why(w, why, at_pte);
	return false;
}

/* A PTE access failed: f holds the access fault, or the implicit access's G-stage fault that
 * the inner walk already recorded. */
static bool walk_pte_failed(const walk *w)
{
	if (w->rec)
		record_why(w, RV_WALK_NO_MEMORY, true);
	return false;
}

/* Walks w for va. On failure f->cause is the page fault (or the G-stage / access fault of an
 * implicit access); the caller fills tval and gva. */
static bool walk_run(rv_hart *h, const walk *w, uint64_t va, unsigned acc, uint64_t *out,
		     rv_fault *f)
{
	unsigned bits = walk_va_bits(w);
	uint64_t table = w->root;

	if (w->gstage ? (va >> bits) != 0
		      : (uint64_t)((int64_t)(va << (64 - bits)) >> (64 - bits)) != va)
		return walk_fault(w, acc, RV_WALK_RANGE, false, f);
	/* pte_shape stops a pointer at level 0, so the loop ends at a leaf or a fault */
	for (int level = (int)w->levels - 1;; level--) {
		unsigned shift = 12 + 9 * (unsigned)level;
		unsigned idx_bits = level == (int)w->levels - 1 ? w->top_bits : 9;
		uint64_t addr = table + ((va >> shift) & ((UINT64_C(1) << idx_bits) - 1)) * 8;
		uint64_t pte;
		if (!pte_access(h, w, addr, acc, false, &pte, f)) {
			if (w->rec)
				record_pte(w, level, va, table, addr, acc, NULL);
			return walk_pte_failed(w);
		}
		if (w->rec)
			record_pte(w, level, va, table, addr, acc, &pte);
		rv_walk_why why = pte_shape(pte, level);
		if (why != RV_WALK_OK)
			return walk_fault(w, acc, why, true, f);
		if (!(pte & (PTE_R | PTE_X))) {
			table = PTE_PPN(pte) << 12;
			continue;
		}
		if (!leaf_permits(w, pte, acc))
			return walk_fault(w, acc, RV_WALK_PERMISSION, true, f);
		bool set_ad = !(pte & PTE_A) || (acc == RV_ACC_STORE && !(pte & PTE_D));
		if (set_ad && !w->adue)
			return walk_fault(w, acc, RV_WALK_AD, true, f);
		if (w->rec)
			record_leaf(w, set_ad);
		if (set_ad) {
			pte |= PTE_A | (acc == RV_ACC_STORE ? PTE_D : 0);
			if (!pte_access(h, w, addr, acc, true, &pte, f))
				return walk_pte_failed(w);
		}
		*out = (PTE_PPN(pte) << 12) | (va & ((UINT64_C(1) << shift) - 1));
		return true;
	}
}

/* The G-stage translation of gpa: the access's own (for_pte false) or an implicit access to a
 * PTE of the VS-stage walk vs. */
static bool gstage_translate(rv_hart *h, uint64_t gpa, unsigned acc, const walk *vs, bool for_pte,
			     uint64_t *pa, rv_fault *f)
{
	walk w = {.top_bits = 11,
		  .gstage = true,
		  .for_pte = for_pte,
		  .priv = RV_PRIV_U,
		  .mxr = (h->mstatus & MS_MXR) != 0,
		  .hlvx = vs->hlvx && !for_pte,
		  .adue = (h->menvcfg & ENVCFG_ADUE) != 0,
		  .rec = vs->rec};
	f->tinst = 0;
	f->tval2 = 0;
	if (!walk_setup(&w, h->hgatp)) {
		*pa = gpa;
		return true;
	}
	if (walk_run(h, &w, gpa, acc, pa, f))
		return true;
	if (f->cause == guest_fault_cause[acc])
		f->tval2 = gpa >> 2;
	return false;
}

/* rv_translate, or with rec a recorded walk; stage1 false skips the VS-stage (va is a GPA). */
static bool translate(rv_hart *h, uint64_t va, unsigned acc, const rv_xlate *x, bool stage1,
		      rv_walk *rec, uint64_t *pa, rv_fault *f)
{
	f->tval = va;
	f->tval2 = 0;
	f->tinst = 0;
	f->gva = x->virt;
	if (x->priv == RV_PRIV_M) {
		*pa = va;
		return true;
	}
	bool data = acc != RV_ACC_FETCH;
	walk w = {.top_bits = 9,
		  .vs_stage = x->virt,
		  .priv = x->priv,
		  .hlvx = x->hlvx,
		  .sum = data && ((x->virt ? h->vsstatus : h->mstatus) & MS_SUM),
		  .mxr = data && (((x->virt ? h->vsstatus : 0) | h->mstatus) & MS_MXR),
		  .adue = ((x->virt ? h->henvcfg : h->menvcfg) & ENVCFG_ADUE) != 0,
		  .rec = rec};
	uint64_t gpa = va;
	if (stage1 && walk_setup(&w, x->virt ? h->vsatp : h->satp) &&
	    !walk_run(h, &w, va, acc, &gpa, f))
		return false;
	if (rec)
		rec->gpa = gpa;
	if (!x->virt) {
		*pa = gpa;
		return true;
	}
	return gstage_translate(h, gpa, acc, &w, false, pa, f);
}

bool rv_translate(rv_hart *h, uint64_t va, unsigned acc, const rv_xlate *x, uint64_t *pa,
		  rv_fault *f)
{
	return translate(h, va, acc, x, true, NULL, pa, f);
}

bool rv_walk_guest(rv_hart *h, uint64_t addr, bool gpa_only, unsigned acc, uint8_t priv,
		   rv_walk *rec)
{
	rv_xlate x = {priv, true, false};
	memset(rec, 0, sizeof *rec);
	rec->why_step = -1;
	rec->ok = translate(h, addr, acc, &x, !gpa_only, rec, &rec->hpa, &rec->fault);
	return rec->ok;
}

/* ---- slow loads, stores and fetches -----------------------------------------------------------
 */

static bool is_current_data_regime(const rv_hart *h, const rv_xlate *x)
{
	rv_xlate cur;
	rv_xlate_for_data(h, &cur);
	return !x->hlvx && cur.priv == x->priv && cur.virt == x->virt;
}

/* Translates the one or two pages [va, va + len) touches; pa2 is the second page's part. */
static bool translate_span(rv_hart *h, uint64_t va, unsigned len, unsigned acc, const rv_xlate *x,
			   uint64_t *pa1, uint64_t *pa2, unsigned *len1, rv_fault *f)
{
	*len1 = len;
	if (!rv_translate(h, va, acc, x, pa1, f))
		return false;
	if (is_current_data_regime(h, x))
		tlb_fill(h, acc, va, *pa1);
	unsigned room = 4096 - (unsigned)(va & 0xfff);
	if (room >= len)
		return true;
	*len1 = room;
	return rv_translate(h, va + room, acc, x, pa2, f);
}

/* Device accesses see the machine time of this instruction. */
static bool phys_read(rv_hart *h, uint64_t pa, unsigned len, uint64_t *val)
{
	h->bus->now = rv_time(h);
	return emu_phys_read(h->bus, pa, len, val);
}

static bool phys_write(rv_hart *h, uint64_t pa, unsigned len, uint64_t val)
{
	h->bus->now = rv_time(h);
	return emu_phys_write(h->bus, pa, len, val);
}

bool rv_load_slow(rv_hart *h, uint64_t va, unsigned len, const rv_xlate *x, uint64_t *val,
		  rv_fault *f)
{
	uint64_t pa1, pa2 = 0;
	unsigned len1;
	if (!translate_span(h, va, len, RV_ACC_LOAD, x, &pa1, &pa2, &len1, f))
		return false;
	if (len1 == len) {
		if (phys_read(h, pa1, len, val))
			return true;
		f->cause = RV_EXC_LOAD_ACCESS;
		return false;
	}
	/* a misaligned load across two pages: byte by byte, each part in its own page */
	uint64_t v = 0;
	for (unsigned i = 0; i < len; i++) {
		uint64_t b;
		if (!phys_read(h, i < len1 ? pa1 + i : pa2 + (i - len1), 1, &b)) {
			f->cause = RV_EXC_LOAD_ACCESS;
			f->tval = i < len1 ? va : va + len1;
			return false;
		}
		v |= b << (8 * i);
	}
	*val = v;
	return true;
}

bool rv_store_slow(rv_hart *h, uint64_t va, unsigned len, const rv_xlate *x, uint64_t val,
		   rv_fault *f)
{
	uint64_t pa1, pa2 = 0;
	unsigned len1;
	if (!translate_span(h, va, len, RV_ACC_STORE, x, &pa1, &pa2, &len1, f))
		return false;
	bool ok = true;
	if (len1 == len) {
		ok = phys_write(h, pa1, len, val);
	} else {
		for (unsigned i = 0; i < len && ok; i++) {
			ok = phys_write(h, i < len1 ? pa1 + i : pa2 + (i - len1), 1,
					(val >> (8 * i)) & 0xff);
			if (!ok)
				f->tval = i < len1 ? va : va + len1;
		}
	}
	if (!ok) {
		f->cause = RV_EXC_STORE_ACCESS;
		return false;
	}
	if (is_code_page(h, pa1))
		rv_code_invalidate(h, pa1);
	if (len1 != len && is_code_page(h, pa2))
		rv_code_invalidate(h, pa2);
	if (is_htif_page(h, pa1))
		emu_htif_poll(h->bus);
	return true;
}

static bool fetch_half(rv_hart *h, uint64_t va, uint16_t *half, rv_fault *f)
{
	rv_xlate x = {h->priv, h->virt, false};
	uint64_t pa;
	if (!rv_translate(h, va, RV_ACC_FETCH, &x, &pa, f))
		return false;
	uint8_t *host = emu_ram_ptr(h->bus, pa, 2);
	if (!host) {
		f->cause = RV_EXC_INSN_ACCESS;
		return false;
	}
	tlb_fill(h, RV_ACC_FETCH, va, pa);
	memcpy(half, host, 2);
	return true;
}

bool rv_fetch(rv_hart *h, uint64_t va, uint32_t *raw, rv_fault *f)
{
	uint16_t lo, hi;
	if (!fetch_half(h, va, &lo, f))
		return false;
	if ((lo & 3) != 3) {
		*raw = lo;
		return true;
	}
	if (!fetch_half(h, va + 2, &hi, f))
		return false;
	*raw = lo | (uint32_t)hi << 16;
	return true;
}

/* ---- the decoded-code cache --------------------------------------------------------------------
 */

static rv_code_page *code_page_new(rv_hart *h, uint64_t ppage)
{
	rv_code_page *cp = calloc(1, sizeof *cp);
	if (!cp)
		return NULL;
	cp->slot[RV_PAGE_SLOTS].op = RV_OP_PAGE_END;
	/* stores to this page must now take the slow path, which invalidates decoded slots */
	for (unsigned i = 0; i < RV_TLB_SIZE; i++)
		if (h->tlb_ppage[RV_ACC_STORE][i] == ppage)
			h->tlb[RV_ACC_STORE][i].tag = RV_TLB_EMPTY;
	return cp;
}

dec_rv_insn *rv_code_lookup(rv_hart *h, uint64_t pc, uint64_t *page_va, rv_fault *f)
{
	rv_tlb_entry *e = &h->tlb[RV_ACC_FETCH][(pc >> 12) % RV_TLB_SIZE];
	uint64_t ppage;
	if (e->tag == ((pc & PAGE_MASK) | h->ctx_fetch)) {
		ppage = h->tlb_ppage[RV_ACC_FETCH][(pc >> 12) % RV_TLB_SIZE];
	} else {
		rv_xlate x = {h->priv, h->virt, false};
		uint64_t pa;
		if (!rv_translate(h, pc, RV_ACC_FETCH, &x, &pa, f))
			return NULL;
		if (!emu_ram_ptr(h->bus, pa, 2)) {
			f->cause = RV_EXC_INSN_ACCESS;
			return NULL;
		}
		tlb_fill(h, RV_ACC_FETCH, pc, pa);
		ppage = pa & PAGE_MASK;
	}
	size_t idx = (ppage - h->bus->ram_base) >> 12;
	if (!h->code[idx]) {
		h->code[idx] = code_page_new(h, ppage);
		if (!h->code[idx]) {
			f->cause = RV_EXC_INSN_ACCESS;
			f->tval = pc;
			return NULL;
		}
	}
	*page_va = pc & PAGE_MASK;
	return &h->code[idx]->slot[(pc & 0xfff) >> 1];
}

void rv_code_invalidate(rv_hart *h, uint64_t pa)
{
	rv_code_page *cp = h->code[(pa - h->bus->ram_base) >> 12];
	/* an instruction starting up to 6 bytes before pa may cover it; a store covers 8 bytes */
	int first = (int)((pa & 0xfff) >> 1) - 3, last = first + 8;
	for (int i = first < 0 ? 0 : first; i < RV_PAGE_SLOTS && i <= last; i++)
		cp->slot[i] = (dec_rv_insn){0};
}
