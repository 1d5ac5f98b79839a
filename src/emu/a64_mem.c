/* Memory: the one translation function every access goes through, the soft TLBs, the slow
 * load/store/fetch paths and the decoded-code cache. */
#include "emu/a64_hart.h"

#include <stdlib.h>
#include <string.h>

/* ---- the soft TLBs -------------------------------------------------------------------------- */

void a64_tlb_flush(a64_hart *h)
{
	for (unsigned a = 0; a < 3; a++)
		for (unsigned i = 0; i < A64_TLB_SIZE; i++)
			h->tlb[a][i].tag = A64_TLB_EMPTY;
}

/* Entries are tagged with the EL whose permissions they checked, so exceptions and ERET need
 * no flush; a change to translation (SCTLR_EL1, TTBRs, TCR, MAIR, HCR_EL2, VTTBR, VTCR, TLBI)
 * flushes. */
static uint64_t ctx_of(unsigned el)
{
	return (uint64_t)(el + 1) << 3;
}

void a64_ctx_update(a64_hart *h)
{
	static const uint64_t sa_bit[3] = {A64_SCTLR_SA0, A64_SCTLR_SA, A64_SCTLR_SA};
	uint64_t sctlr = h->el == A64_EL2 ? h->sctlr_el2 : h->mmu.sctlr_el1;
	h->ctx_fetch = h->ctx_data = ctx_of(h->el);
	h->sp_check = (sctlr & sa_bit[h->el]) != 0;
}

static bool is_code_page(const a64_hart *h, uint64_t pa)
{
	uint64_t off = pa - h->bus->ram_base;
	return off < h->bus->ram_size && h->code[off >> 12] != NULL;
}

static unsigned tlb_of(uint8_t type)
{
	if (type & A64_ACC_EXEC)
		return A64_TLB_FETCH;
	return (type & A64_ACC_WRITE) ? A64_TLB_STORE : A64_TLB_LOAD;
}

/* Enters a translation into the TLB of the access when the page is RAM the access type may
 * use directly. Stores skip pages with decoded code (they must invalidate it). A
 * read-modify-write fills nothing: it always takes the slow path. */
static void tlb_fill(a64_hart *h, uint64_t va, uint64_t pa, a64_access acc, uint8_t perms)
{
	uint8_t *host = emu_ram_ptr(h->bus, pa & A64_PAGE_MASK, 4096);
	unsigned t = tlb_of(acc.type);
	if (!host || acc.type == (A64_ACC_READ | A64_ACC_WRITE) || (perms & acc.type) != acc.type)
		return;
	if (t == A64_TLB_STORE && is_code_page(h, pa))
		return;
	a64_tlb_entry *e = &h->tlb[t][(va >> 12) % A64_TLB_SIZE];
	e->tag = (va & A64_PAGE_MASK) | ctx_of(acc.unpriv ? A64_EL0 : acc.el);
	e->addend = (uintptr_t)host - (uintptr_t)(va & A64_PAGE_MASK);
	h->tlb_ppage[t][(va >> 12) % A64_TLB_SIZE] = pa & A64_PAGE_MASK;
}

/* ---- translation ------------------------------------------------------------------------------
 */

bool a64_translate(a64_hart *h, uint64_t va, a64_access acc, uint64_t *pa, bool *device,
		   a64_fault *f)
{
	a64_xlate x;
	if (acc.el == A64_EL2) {
		x = (a64_xlate){.pa = va, .perms = A64_ACC_READ | A64_ACC_WRITE | A64_ACC_EXEC};
	} else if (!a64_mmu_translate(&h->mmu, h->bus, va, acc, &x, NULL)) {
		*f = (a64_fault){.mmu = x.fault, .va = va};
		return false;
	}
	*pa = x.pa;
	*device = x.device;
	tlb_fill(h, va, x.pa, acc, x.perms);
	return true;
}

static a64_access access_of(const a64_hart *h, uint8_t type, bool unpriv)
{
	return (a64_access){.type = type, .el = h->el, .unpriv = unpriv && h->el == A64_EL1};
}

/* SCTLR_ELx.A: alignment checking of every data access at this EL. */
static bool strict_alignment(const a64_hart *h)
{
	uint64_t sctlr = h->el == A64_EL2 ? h->sctlr_el2 : h->mmu.sctlr_el1;
	return (sctlr & A64_SCTLR_A) != 0;
}

static void alignment_fault(a64_fault *f, uint64_t va)
{
	*f = (a64_fault){.alignment = true, .va = va};
}

/* ---- physical accesses ------------------------------------------------------------------------
 */

static bool phys_read(a64_hart *h, uint64_t pa, unsigned len, uint64_t *val)
{
	const uint8_t *p = emu_ram_ptr(h->bus, pa, len);
	if (p) {
		*val = 0;
		memcpy(val, p, len);
		return true;
	}
	return emu_phys_read(h->bus, pa, len, val);
}

static bool phys_write(a64_hart *h, uint64_t pa, unsigned len, uint64_t val)
{
	uint8_t *p = emu_ram_ptr(h->bus, pa, len);
	if (p) {
		if (is_code_page(h, pa))
			a64_code_invalidate(h, pa, len);
		memcpy(p, &val, len);
		return true;
	}
	return emu_phys_write(h->bus, pa, len, val);
}

/* One naturally aligned access (it stays within a page). */
static bool access_aligned(a64_hart *h, uint64_t va, unsigned len, a64_access acc, uint64_t *val,
			   a64_fault *f)
{
	uint64_t pa;
	bool device;
	if (!a64_translate(h, va, acc, &pa, &device, f))
		return false;
	bool ok =
	    (acc.type & A64_ACC_WRITE) ? phys_write(h, pa, len, *val) : phys_read(h, pa, len, val);
	if (!ok)
		*f = (a64_fault){.external = true, .va = va};
	return ok;
}

/* A misaligned access to Normal memory, byte by byte (each byte translated; all are checked
 * before anything is written). Device memory takes an Alignment fault. */
static bool access_misaligned(a64_hart *h, uint64_t va, unsigned len, a64_access acc, uint64_t *val,
			      a64_fault *f)
{
	uint64_t pa[8];
	for (unsigned i = 0; i < len; i++) {
		bool device;
		if (!a64_translate(h, va + i, acc, &pa[i], &device, f))
			return false;
		if (device) {
			alignment_fault(f, va);
			return false;
		}
	}
	uint64_t v = (acc.type & A64_ACC_WRITE) ? *val : 0;
	for (unsigned i = 0; i < len; i++) {
		uint64_t byte = (v >> (8 * i)) & 0xff;
		bool ok = (acc.type & A64_ACC_WRITE) ? phys_write(h, pa[i], 1, byte)
						     : phys_read(h, pa[i], 1, &byte);
		if (!ok) {
			*f = (a64_fault){.external = true, .va = va};
			return false;
		}
		v |= byte << (8 * i);
	}
	*val = v;
	return true;
}

static bool access_slow(a64_hart *h, uint64_t va, unsigned len, a64_access acc, bool aligned_only,
			uint64_t *val, a64_fault *f)
{
	if (!(va & (len - 1)))
		return access_aligned(h, va, len, acc, val, f);
	if (aligned_only || strict_alignment(h)) {
		alignment_fault(f, va);
		return false;
	}
	return access_misaligned(h, va, len, acc, val, f);
}

bool a64_load_slow(a64_hart *h, uint64_t va, unsigned len, bool unpriv, bool aligned_only,
		   uint64_t *val, a64_fault *f)
{
	return access_slow(h, va, len, access_of(h, A64_ACC_READ, unpriv), aligned_only, val, f);
}

bool a64_store_slow(a64_hart *h, uint64_t va, unsigned len, bool unpriv, bool aligned_only,
		    uint64_t val, a64_fault *f)
{
	return access_slow(h, va, len, access_of(h, A64_ACC_WRITE, unpriv), aligned_only, &val, f);
}

/* Instructions come from RAM only; anything else is an External abort on the fetch. */
static bool fetch_pa(a64_hart *h, uint64_t va, uint64_t *pa, a64_fault *f)
{
	bool device;
	if (!a64_translate(h, va, access_of(h, A64_ACC_EXEC, false), pa, &device, f))
		return false;
	if (!emu_ram_ptr(h->bus, *pa, 4)) {
		*f = (a64_fault){.external = true, .va = va};
		return false;
	}
	return true;
}

bool a64_fetch(a64_hart *h, uint64_t va, uint32_t *raw, a64_fault *f)
{
	uint64_t pa;
	if (!fetch_pa(h, va, &pa, f))
		return false;
	memcpy(raw, emu_ram_ptr(h->bus, pa, 4), 4);
	return true;
}

/* ---- the decoded-code cache -------------------------------------------------------------------
 */

static a64_code_page *code_page_new(a64_hart *h, uint64_t ppage)
{
	a64_code_page *cp = calloc(1, sizeof *cp);
	if (!cp)
		return NULL;
	cp->pa = ppage;
	cp->slot[A64_PAGE_SLOTS].op = A64_OP_PAGE_END;
	cp->slot[A64_PAGE_SLOTS].flags = A64_SLOT_DECODED;
	/* stores to this page must now take the slow path, which invalidates decoded slots */
	for (unsigned i = 0; i < A64_TLB_SIZE; i++)
		if (h->tlb_ppage[A64_TLB_STORE][i] == ppage)
			h->tlb[A64_TLB_STORE][i].tag = A64_TLB_EMPTY;
	return cp;
}

dec_a64_insn *a64_code_lookup(a64_hart *h, uint64_t pc, uint64_t *page_va, a64_fault *f)
{
	a64_tlb_entry *e = &h->tlb[A64_TLB_FETCH][(pc >> 12) % A64_TLB_SIZE];
	uint64_t ppage;
	if (e->tag == ((pc & A64_PAGE_MASK) | h->ctx_fetch)) {
		ppage = h->tlb_ppage[A64_TLB_FETCH][(pc >> 12) % A64_TLB_SIZE];
	} else {
		uint64_t pa;
		if (!fetch_pa(h, pc, &pa, f))
			return NULL;
		ppage = pa & A64_PAGE_MASK;
	}
	size_t idx = (ppage - h->bus->ram_base) >> 12;
	if (!h->code[idx]) {
		h->code[idx] = code_page_new(h, ppage);
		if (!h->code[idx]) {
			*f = (a64_fault){.external = true, .va = pc};
			return NULL;
		}
	}
	*page_va = pc & A64_PAGE_MASK;
	return &h->code[idx]->slot[(pc & 0xfff) >> 2];
}

void a64_code_invalidate(a64_hart *h, uint64_t pa, unsigned len)
{
	a64_code_page *cp = h->code[(pa - h->bus->ram_base) >> 12];
	unsigned first = (unsigned)(pa & 0xfff) >> 2,
		 last = (unsigned)((pa & 0xfff) + len - 1) >> 2;
	for (unsigned i = first; i <= last && i < A64_PAGE_SLOTS; i++)
		cp->slot[i] = (dec_a64_insn){0};
}
