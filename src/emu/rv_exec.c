/* The interpreter: helpers for the dispatch loop's slow paths, the loop itself (instantiated
 * twice from rv_exec_loop.h) and the run/step entry points. */
#include "emu/rv_csrfile.h"
#include "emu/rv_hart.h"

#include <string.h>

#define likely(c)   __builtin_expect(!!(c), 1)
#define unlikely(c) __builtin_expect(!!(c), 0)

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the soft TLB reads guest memory in place: a little-endian host is required"
#endif

#define RV_X_SINK 32 /* decoded rd = 0 writes here, so x0 stays zero without a check */


/* ---- arithmetic the spec defines for corner cases ---- */

static uint64_t div_s64(uint64_t a, uint64_t b)
{
	if (b == 0)
		return UINT64_MAX;
	if ((int64_t)a == INT64_MIN && (int64_t)b == -1)
		return a;
	return (uint64_t)((int64_t)a / (int64_t)b);
}

static uint64_t rem_s64(uint64_t a, uint64_t b)
{
	if (b == 0)
		return a;
	if ((int64_t)a == INT64_MIN && (int64_t)b == -1)
		return 0;
	return (uint64_t)((int64_t)a % (int64_t)b);
}

static uint32_t div_s32(int32_t a, int32_t b)
{
	if (b == 0)
		return UINT32_MAX;
	if (a == INT32_MIN && b == -1)
		return (uint32_t)a;
	return (uint32_t)(a / b);
}

static uint32_t rem_s32(int32_t a, int32_t b)
{
	if (b == 0)
		return (uint32_t)a;
	if (a == INT32_MIN && b == -1)
		return 0;
	return (uint32_t)(a % b);
}

static uint64_t rotl64(uint64_t v, uint64_t n)
{
	return n ? (v << n) | (v >> (64 - n)) : v;
}

static uint32_t rotl32(uint32_t v, uint64_t n)
{
	return n ? (v << n) | (v >> (32 - n)) : v;
}

static uint64_t orc_b(uint64_t v)
{
	uint64_t r = 0;
	for (unsigned i = 0; i < 64; i += 8)
		if ((v >> i) & 0xff)
			r |= UINT64_C(0xff) << i;
	return r;
}

/* ---- decoding into the cache ---- */

#define RV_C_VARIANT(name) [DEC_RV_OP_##name] = RV_OP_C_##name,
static const uint16_t compressed_variant[DEC_RV_OP_COUNT] = {RV_COMPRESSED_OPS(RV_C_VARIANT)};
#undef RV_C_VARIANT

/* A compressed instruction whose op has no compressed variant would run with the wrong
 * length, so it is refused as illegal; the decoder tests make sure that never happens. */
static void decode_slot(dec_rv_insn *slot, uint32_t raw)
{
	dec_rv_decode(raw, slot);
	if (slot->rd == 0)
		slot->rd = RV_X_SINK;
	if (slot->len == 2)
		slot->op = compressed_variant[slot->op];
	slot->flags |= RV_SLOT_DECODED;
}

/* Decodes the slot for pc; an instruction whose second half is in the next page becomes a
 * RV_OP_CROSS slot that fetches both halves each time it runs. */
static bool fill_slot(rv_hart *h, dec_rv_insn *slot, uint64_t pc, rv_fault *f)
{
	uint32_t raw;
	bool fetched = rv_fetch(h, pc, &raw, f);
	bool page_end = (pc & 0xfff) == 0xffe;
	if (!fetched && !(page_end && f->tval != pc))
		return false;
	if (page_end && (!fetched || (raw & 3) == 3)) {
		*slot = (dec_rv_insn){.op = RV_OP_CROSS, .flags = RV_SLOT_DECODED};
		return true;
	}
	decode_slot(slot, raw);
	return true;
}

/* The instruction bits at pc, for xtval and the transformed htinst (0 if unfetchable). */
static uint32_t insn_bits(rv_hart *h, uint64_t pc)
{
	uint32_t raw;
	rv_fault f;
	return rv_fetch(h, pc, &raw, &f) ? raw : 0;
}

static unsigned insn_len(uint32_t raw)
{
	return (raw & 3) == 3 ? 4 : 2;
}

static void raise_access_fault(rv_hart *h, const rv_fault *f, uint64_t va)
{
	uint32_t raw = insn_bits(h, h->pc);
	rv_raise_fault(h, f, raw, raw ? insn_len(raw) : 0, f->tval, va);
}

/* ---- the slow paths of loads, stores and atomics ---- */

static bool load_slow(rv_hart *h, uint64_t va, unsigned len, uint64_t *val)
{
	rv_xlate xl;
	rv_fault f;
	rv_xlate_for_data(h, &xl);
	if (rv_load_slow(h, va, len, &xl, val, &f))
		return true;
	raise_access_fault(h, &f, va);
	return false;
}

static bool store_slow(rv_hart *h, uint64_t va, unsigned len, uint64_t val)
{
	rv_xlate xl;
	rv_fault f;
	rv_xlate_for_data(h, &xl);
	if (rv_store_slow(h, va, len, &xl, val, &f))
		return true;
	raise_access_fault(h, &f, va);
	return false;
}

static uint64_t amo_compute(unsigned op, uint64_t old, uint64_t src, bool word)
{
	int64_t so = word ? (int32_t)old : (int64_t)old, ss = word ? (int32_t)src : (int64_t)src;
	uint64_t uo = word ? (uint32_t)old : old, us = word ? (uint32_t)src : src;
	switch (op) {
	case DEC_RV_OP_AMOSWAP_W:
	case DEC_RV_OP_AMOSWAP_D: return src;
	case DEC_RV_OP_AMOADD_W:
	case DEC_RV_OP_AMOADD_D: return old + src;
	case DEC_RV_OP_AMOXOR_W:
	case DEC_RV_OP_AMOXOR_D: return old ^ src;
	case DEC_RV_OP_AMOAND_W:
	case DEC_RV_OP_AMOAND_D: return old & src;
	case DEC_RV_OP_AMOOR_W:
	case DEC_RV_OP_AMOOR_D: return old | src;
	case DEC_RV_OP_AMOMIN_W:
	case DEC_RV_OP_AMOMIN_D: return so < ss ? old : src;
	case DEC_RV_OP_AMOMAX_W:
	case DEC_RV_OP_AMOMAX_D: return so > ss ? old : src;
	case DEC_RV_OP_AMOMINU_W:
	case DEC_RV_OP_AMOMINU_D: return uo < us ? old : src;
	default: return uo > us ? old : src; /* AMOMAXU */
	}
}

static bool is_word_atomic(unsigned op)
{
	return op >= DEC_RV_OP_LR_W && op <= DEC_RV_OP_AMOMAXU_W;
}

/* LR, SC and AMOs: naturally aligned only; AMOs need store permission and RAM. */
static bool atomic_op(rv_hart *h, const dec_rv_insn *d, uint64_t *result)
{
	bool word = is_word_atomic(d->op);
	unsigned len = word ? 4 : 8;
	uint64_t va = h->x[d->rs1], src = h->x[d->rs2], old;
	bool lr = d->op == DEC_RV_OP_LR_W || d->op == DEC_RV_OP_LR_D;
	bool sc = d->op == DEC_RV_OP_SC_W || d->op == DEC_RV_OP_SC_D;
	if (va & (len - 1)) {
		rv_raise(h, lr ? RV_EXC_LOAD_MISALIGNED : RV_EXC_STORE_MISALIGNED, va, 0, 0,
			 h->virt);
		return false;
	}
	if (lr) {
		if (!load_slow(h, va, len, &old))
			return false;
		h->reservation = va;
		*result = word ? (uint64_t)(int64_t)(int32_t)old : old;
		return true;
	}
	if (sc) {
		bool held = h->reservation == va;
		h->reservation = RV_NO_RESERVATION;
		if (held && !store_slow(h, va, len, src))
			return false;
		*result = !held;
		return true;
	}
	rv_xlate xl;
	rv_fault f;
	uint64_t pa;
	rv_xlate_for_data(h, &xl);
	if (!rv_translate(h, va, RV_ACC_STORE, &xl, &pa, &f)) {
		raise_access_fault(h, &f, va);
		return false;
	}
	if (!emu_ram_ptr(h->bus, pa, len) || !rv_load_slow(h, va, len, &xl, &old, &f) ||
	    !rv_store_slow(h, va, len, &xl, amo_compute(d->op, old, src, word), &f)) {
		f = (rv_fault){.cause = RV_EXC_STORE_ACCESS, .tval = va, .gva = xl.virt};
		raise_access_fault(h, &f, va);
		return false;
	}
	*result = word ? (uint64_t)(int64_t)(int32_t)old : old;
	return true;
}

/* HLV, HLVX and HSV: the access as VS/VU (hstatus.SPVP) would make it, through both stages. */
static bool hyper_access(rv_hart *h, const dec_rv_insn *d)
{
	static const struct {
		uint8_t len;
		bool sign, store, exec;
	} shape[DEC_RV_OP_COUNT] = {
	    [DEC_RV_OP_HLV_B] = {1, true, false, false},
	    [DEC_RV_OP_HLV_BU] = {1, false, false, false},
	    [DEC_RV_OP_HLV_H] = {2, true, false, false},
	    [DEC_RV_OP_HLV_HU] = {2, false, false, false},
	    [DEC_RV_OP_HLVX_HU] = {2, false, false, true},
	    [DEC_RV_OP_HLV_W] = {4, true, false, false},
	    [DEC_RV_OP_HLVX_WU] = {4, false, false, true},
	    [DEC_RV_OP_HLV_WU] = {4, false, false, false},
	    [DEC_RV_OP_HLV_D] = {8, false, false, false},
	    [DEC_RV_OP_HSV_B] = {1, false, true, false},
	    [DEC_RV_OP_HSV_H] = {2, false, true, false},
	    [DEC_RV_OP_HSV_W] = {4, false, true, false},
	    [DEC_RV_OP_HSV_D] = {8, false, true, false},
	};
	rv_xlate xl = {(h->hstatus & HS_SPVP) ? RV_PRIV_S : RV_PRIV_U, true, shape[d->op].exec};
	uint64_t va = h->x[d->rs1], val;
	unsigned len = shape[d->op].len;
	rv_fault f;
	bool ok = shape[d->op].store ? rv_store_slow(h, va, len, &xl, h->x[d->rs2], &f)
				     : rv_load_slow(h, va, len, &xl, &val, &f);
	if (!ok) {
		raise_access_fault(h, &f, va);
		return false;
	}
	if (!shape[d->op].store) {
		unsigned shift = 64 - 8 * len;
		h->x[d->rd] =
		    shape[d->op].sign ? (uint64_t)((int64_t)(val << shift) >> shift) : val;
	}
	return true;
}

/* ---- which privileged instructions each mode may run ---- */

static unsigned ecall_cause(const rv_hart *h)
{
	if (h->priv == RV_PRIV_M)
		return RV_EXC_ECALL_M;
	if (h->priv == RV_PRIV_S)
		return h->virt ? RV_EXC_ECALL_VS : RV_EXC_ECALL_S;
	return RV_EXC_ECALL_U;
}

static unsigned wfi_check(const rv_hart *h)
{
	if (h->priv == RV_PRIV_M)
		return 0;
	if (h->mstatus & MS_TW)
		return RV_EXC_ILLEGAL;
	if (h->virt)
		return (h->priv == RV_PRIV_U || (h->hstatus & HS_VTW)) ? RV_EXC_VIRTUAL_INSN : 0;
	return h->priv == RV_PRIV_U ? RV_EXC_ILLEGAL : 0;
}

static unsigned sfence_check(const rv_hart *h)
{
	if (h->priv == RV_PRIV_U)
		return h->virt ? RV_EXC_VIRTUAL_INSN : RV_EXC_ILLEGAL;
	if (h->priv == RV_PRIV_S && !h->virt && (h->mstatus & MS_TVM))
		return RV_EXC_ILLEGAL;
	if (h->virt && (h->hstatus & HS_VTVM))
		return RV_EXC_VIRTUAL_INSN;
	return 0;
}

static unsigned hfence_check(const rv_hart *h, bool gvma)
{
	if (h->virt)
		return RV_EXC_VIRTUAL_INSN;
	if (h->priv == RV_PRIV_U)
		return RV_EXC_ILLEGAL;
	if (gvma && h->priv == RV_PRIV_S && (h->mstatus & MS_TVM))
		return RV_EXC_ILLEGAL;
	return 0;
}

static unsigned hlv_check(const rv_hart *h)
{
	if (h->virt)
		return RV_EXC_VIRTUAL_INSN;
	if (h->priv == RV_PRIV_U && !(h->hstatus & HS_HU))
		return RV_EXC_ILLEGAL;
	return 0;
}

/* ---- the two loops ---- */

#define RV_EXEC_NAME rv_exec_fast
#define RV_EXEC_STEP 0
#include "emu/rv_exec_loop.h"
#undef RV_EXEC_NAME
#undef RV_EXEC_STEP

#define RV_EXEC_NAME rv_exec_step
#define RV_EXEC_STEP 1
#include "emu/rv_exec_loop.h"
#undef RV_EXEC_NAME
#undef RV_EXEC_STEP

/* A hart in WFI wakes when an interrupt is pending and enabled in mie, whatever the global
 * enables say. With none pending, time jumps to the next timer deadline. */
static bool wfi_wait(rv_hart *h)
{
	uint64_t deadline = rv_update_timers(h);
	if (!(rv_mip(h) & h->mie)) {
		if (deadline == UINT64_MAX)
			return false;
		h->idle_ticks += deadline - h->icount;
		rv_update_timers(h);
	}
	h->wfi = false;
	return true;
}

rv_stop rv_run(rv_hart *h, uint64_t budget)
{
	h->budget_end = budget > UINT64_MAX - h->icount ? UINT64_MAX : h->icount + budget;
	for (;;) {
		if (h->wfi && !wfi_wait(h))
			return RV_STOP_WFI;
		rv_stop stop = rv_exec_fast(h);
		if (stop != RV_STOP_WFI)
			return stop;
	}
}

rv_stop rv_step(rv_hart *h)
{
	h->budget_end = h->icount + 1;
	rv_update_timers(h);
	int irq = rv_pending_irq(h);
	if (irq >= 0) {
		rv_take_irq(h, irq);
		return rv_trap_stop(h);
	}
	if (h->wfi && !wfi_wait(h))
		return RV_STOP_WFI;
	return rv_exec_step(h);
}
