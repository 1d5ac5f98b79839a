/* Exception entry and return: the vector, ESR/FAR/ELR/SPSR latched as the Arm ARM says
 * (D1.3, "Exception entry"; D17 "ESR_ELx"), the aborts' syndromes, interrupts and ERET. */
#include "emu/a64_hart.h"

#define ESR_IL	      (UINT32_C(1) << 25)
#define EC_UNKNOWN    0x00u
#define EC_ILLEGAL    0x0eu
#define EC_IABT_LOW   0x20u
#define EC_PC_ALIGN   0x22u
#define EC_DABT_LOW   0x24u
#define SPSR_IL	      (UINT64_C(1) << 20)
#define FSC_EXTERNAL  0x10
#define FSC_ALIGNMENT 0x21
#define ISS_ISV	      (UINT32_C(1) << 24)
#define ISS_SSE	      (UINT32_C(1) << 21)
#define ISS_SF	      (UINT32_C(1) << 15)
#define ISS_AR	      (UINT32_C(1) << 14)
#define ISS_EA	      (UINT32_C(1) << 9)
#define ISS_CM	      (UINT32_C(1) << 8)
#define ISS_S1PTW     (UINT32_C(1) << 7)
#define ISS_WNR	      (UINT32_C(1) << 6)

static unsigned ec_of(uint32_t esr)
{
	return esr >> 26;
}

/* The vector: from a lower EL (AArch64) at +0x400; from the same EL at +0x200 with SP_ELx,
 * +0x000 with SP_EL0; then the exception type's 0x80-byte slot. */
static uint64_t vector_of(const a64_hart *h, unsigned target_el, unsigned type)
{
	uint64_t vbar = target_el == A64_EL2 ? h->vbar_el2 : h->vbar_el1;
	uint64_t group = h->el < target_el ? 0x400 : (h->spsel ? 0x200 : 0x000);
	return vbar + group + (uint64_t)type * 0x80;
}

static void latch_el2(a64_hart *h, const a64_trap *t)
{
	h->el2_before = (struct a64_el2_before){h->esr_el2,  h->far_el2, h->hpfar_el2, h->elr_el2,
						h->spsr_el2, h->pc,	 h->el};
	if (t->type == A64_EXC_SYNC)
		h->esr_el2 = t->esr;
	if (t->far_valid)
		h->far_el2 = t->far;
	if (t->type == A64_EXC_SYNC)
		h->hpfar_el2 = t->hpfar;
	h->elr_el2 = t->elr;
	h->spsr_el2 = t->spsr;
}

static void latch_el1(a64_hart *h, const a64_trap *t)
{
	if (t->type == A64_EXC_SYNC)
		h->esr_el1 = t->esr;
	if (t->far_valid)
		h->far_el1 = t->far;
	h->elr_el1 = t->elr;
	h->spsr_el1 = t->spsr;
}

/* Takes an exception of type to target_el: the syndrome registers, PSTATE (EL, SP_ELx, DAIF
 * all masked), the exclusive monitor cleared, pc at the vector. */
static void take(a64_hart *h, unsigned target_el, unsigned type, const a64_trap *syndrome)
{
	a64_trap t = *syndrome;
	t.type = (uint8_t)type;
	t.from_el = h->el;
	t.to_el = (uint8_t)target_el;
	t.vector = vector_of(h, target_el, type);
	if (target_el == A64_EL2)
		latch_el2(h, &t);
	else
		latch_el1(h, &t);
	a64_set_el(h, target_el, true);
	h->daif = A64_DAIF_D | A64_DAIF_A | A64_DAIF_I | A64_DAIF_F;
	h->excl_valid = false;
	h->wfi = false;
	h->pc = t.vector;
	h->last_trap = t;
	if (type == A64_EXC_SYNC)
		h->sync_counts[ec_of((uint32_t)t.esr)]++;
	else
		h->irq_counts[type]++;
}

void a64_exception(a64_hart *h, unsigned target_el, uint32_t esr, uint64_t return_pc,
		   bool far_valid, uint64_t far, uint64_t hpfar)
{
	a64_trap t = {.esr = esr | ESR_IL,
		      .far_valid = far_valid,
		      .far = far,
		      .hpfar = hpfar,
		      .elr = return_pc,
		      .spsr = a64_pstate(h)};
	take(h, target_el > h->el ? target_el : h->el, A64_EXC_SYNC, &t);
}

void a64_undefined(a64_hart *h)
{
	a64_exception(h, A64_EL1, (uint32_t)EC_UNKNOWN << 26, h->pc, false, 0, 0);
}

/* ---- aborts ------------------------------------------------------------------------------------
 */

/* ISV, SAS, SSE, SRT, SF, AR of a data abort taken to EL2 for a stage-2 fault: the single-
 * register loads and stores without writeback, neither exclusive nor atomic (D17.2.41). */
static uint32_t data_syndrome(uint32_t raw)
{
	dec_a64_insn d;
	dec_a64_access a;
	if (!dec_a64_decode(raw, &d) || !dec_a64_mem_access(&d, &a) || !a.isv)
		return 0;
	return ISS_ISV | (uint32_t)d.size << 22 | (a.sign_extend ? ISS_SSE : 0) |
	       (uint32_t)a.rt << 16 | (a.reg64 ? ISS_SF : 0) | (a.acq_rel ? ISS_AR : 0);
}

void a64_abort(a64_hart *h, const a64_fault *f, unsigned kind, uint32_t raw)
{
	unsigned target = A64_EL1, fsc;
	uint32_t iss = 0;
	uint64_t hpfar = 0;
	if (f->alignment) {
		fsc = FSC_ALIGNMENT;
	} else if (f->external) {
		fsc = FSC_EXTERNAL;
		iss |= ISS_EA;
	} else {
		const a64_mmu_fault *m = &f->mmu;
		fsc = m->fsc;
		target = m->target_el;
		hpfar = m->hpfar;
		iss |= (m->s1ptw ? ISS_S1PTW : 0) | (m->ea ? ISS_EA : 0);
		if (target == A64_EL2 && !m->s1ptw && kind != A64_ABORT_FETCH &&
		    kind != A64_ABORT_CM)
			iss |= data_syndrome(raw);
		if (kind == A64_ABORT_READ && m->wnr)
			kind = A64_ABORT_WRITE; /* a read-modify-write the MMU refused to write */
	}
	if (target < h->el)
		target = h->el;
	unsigned ec = kind == A64_ABORT_FETCH ? EC_IABT_LOW : EC_DABT_LOW;
	if (h->el == target)
		ec++; /* taken without a change of EL: the "same EL" class */
	if (kind == A64_ABORT_WRITE || kind == A64_ABORT_CM)
		iss |= ISS_WNR;
	if (kind == A64_ABORT_CM)
		iss |= ISS_CM;
	a64_exception(h, target, (uint32_t)ec << 26 | iss | fsc, h->pc, true, f->va, hpfar);
}

/* ---- interrupts --------------------------------------------------------------------------------
 */

static bool hcr_has(const a64_hart *h, uint64_t bits)
{
	return (h->mmu.hcr_el2 & bits) == bits;
}

/* A physical interrupt with HCR_EL2.xMO set goes to EL2 and PSTATE cannot mask it below EL2;
 * without, it goes to EL1 and PSTATE masks it there (and it is never taken at EL2). */
static int physical_target(const a64_hart *h, uint64_t routed, uint8_t mask)
{
	bool to_el2 = (h->mmu.hcr_el2 & routed) != 0;
	if (to_el2)
		return h->el < A64_EL2 || !(h->daif & mask) ? A64_EL2 : -1;
	return h->el < A64_EL2 && !(h->daif & mask) ? A64_EL1 : -1;
}

/* A virtual interrupt (HCR_EL2.VI/VF with IMO/FMO) is taken at EL1 or EL0 unless masked. */
static bool virtual_pending(const a64_hart *h, uint64_t bits, uint8_t mask)
{
	return h->el < A64_EL2 && hcr_has(h, bits) && !(h->daif & mask);
}

int a64_pending_irq(a64_hart *h, unsigned *target_el)
{
	int t;
	if (h->fiq_line && (t = physical_target(h, A64_HCR_FMO, A64_DAIF_F)) >= 0) {
		*target_el = (unsigned)t;
		return A64_EXC_FIQ;
	}
	if (h->irq_line && (t = physical_target(h, A64_HCR_IMO, A64_DAIF_I)) >= 0) {
		*target_el = (unsigned)t;
		return A64_EXC_IRQ;
	}
	*target_el = A64_EL1;
	if (virtual_pending(h, A64_HCR_FMO | A64_HCR_VF, A64_DAIF_F))
		return A64_EXC_FIQ;
	if (virtual_pending(h, A64_HCR_IMO | A64_HCR_VI, A64_DAIF_I))
		return A64_EXC_IRQ;
	return -1;
}

void a64_take_irq(a64_hart *h, int type, unsigned target_el)
{
	a64_trap t = {.elr = h->pc, .spsr = a64_pstate(h)};
	take(h, target_el, (unsigned)type, &t);
}

a64_stop a64_trap_stop(const a64_hart *h)
{
	const a64_trap *t = &h->last_trap;
	if (t->to_el == A64_EL2 && t->from_el < A64_EL2)
		return A64_STOP_EXIT;
	if (h->el1_trap_stop && t->to_el == A64_EL1)
		return A64_STOP_EL1_TRAP;
	return A64_STOP_STEP;
}

/* ---- exception return ---------------------------------------------------------------------------
 */

/* M[4:0] of an SPSR the return may restore: AArch64 (M[4] = 0), M[1] = 0, no higher EL than
 * the current one, EL0 only with SP_EL0. */
static bool legal_return(const a64_hart *h, uint64_t spsr)
{
	unsigned m = (unsigned)spsr & 0x1f, el = (m >> 2) & 3;
	if ((m & 0x10) || (m & 2) || el > h->el)
		return false;
	return !(el == A64_EL0 && (m & 1));
}

bool a64_eret(a64_hart *h)
{
	uint64_t spsr = h->el == A64_EL2 ? h->spsr_el2 : h->spsr_el1;
	uint64_t elr = h->el == A64_EL2 ? h->elr_el2 : h->elr_el1;
	h->excl_valid = false;
	h->nzcv = (uint32_t)(spsr >> 28) & 15;
	h->daif = (uint8_t)((spsr >> 6) & 15);
	if (!legal_return(h, spsr)) {
		/* PSTATE.IL: the next instruction takes the Illegal Execution state exception */
		a64_trap t = {.esr = (uint32_t)EC_ILLEGAL << 26 | ESR_IL,
			      .elr = elr,
			      .spsr = a64_pstate(h) | SPSR_IL};
		take(h, h->el, A64_EXC_SYNC, &t);
		return false;
	}
	a64_set_el(h, (spsr >> 2) & 3, spsr & 1);
	h->pc = elr;
	return true;
}

void a64_pc_alignment_fault(a64_hart *h)
{
	a64_exception(h, A64_EL1, (uint32_t)EC_PC_ALIGN << 26, h->pc, true, h->pc, 0);
}
