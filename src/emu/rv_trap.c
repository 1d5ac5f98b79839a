/* Trap entry exactly as the privileged spec describes it: delegation through medeleg/mideleg
 * and hedeleg/hideleg, the latched CSRs (xcause, xtval, htval/mtval2, htinst/mtinst,
 * hstatus.SPV/SPVP/GVA, mstatus.MPV/GVA), interrupt priority, and SRET/MRET. */
#include "emu/rv_csrfile.h"
#include "emu/rv_hart.h"

#include <stdlib.h>
#include <string.h>

#define MISA_RV64   (UINT64_C(2) << 62)
#define MISA_EXT(c) (UINT64_C(1) << ((c) - 'A'))

static uint64_t with_flag(uint64_t v, uint64_t mask, bool on)
{
	return on ? v | mask : v & ~mask;
}

/* ---- entering a trap --------------------------------------------------------------------------
 */

static uint64_t trap_vector(uint64_t tvec, uint64_t cause)
{
	uint64_t base = tvec & ~UINT64_C(3);
	if ((tvec & 1) && (cause & RV_CAUSE_INTERRUPT))
		return base + 4 * (cause & ~RV_CAUSE_INTERRUPT);
	return base;
}

static void enter_vs(rv_hart *h, const rv_trap *t)
{
	uint64_t s = h->vsstatus;
	s = with_flag(s, MS_SPP, h->priv == RV_PRIV_S);
	s = with_flag(s, MS_SPIE, s & MS_SIE);
	h->vsstatus = s & ~MS_SIE;
	h->vsepc = t->epc;
	h->vscause = t->cause;
	h->vstval = t->tval;
	h->pc = trap_vector(h->vstvec, t->cause);
	h->priv = RV_PRIV_S;
}

static void enter_hs(rv_hart *h, const rv_trap *t)
{
	h->hs_before = (struct rv_hs_before){h->mstatus, h->hstatus, h->sepc, h->scause, h->stval,
					     h->htval,	 h->htinst,  h->pc,   h->priv,	 h->virt};
	uint64_t hs = with_flag(h->hstatus, HS_SPV, h->virt);
	if (h->virt)
		hs = with_flag(hs, HS_SPVP, h->priv == RV_PRIV_S);
	h->hstatus = with_flag(hs, HS_GVA, t->gva);
	uint64_t s = h->mstatus;
	s = with_flag(s, MS_SPP, h->priv == RV_PRIV_S);
	s = with_flag(s, MS_SPIE, s & MS_SIE);
	h->mstatus = s & ~MS_SIE;
	h->sepc = t->epc;
	h->scause = t->cause;
	h->stval = t->tval;
	h->htval = t->tval2;
	h->htinst = t->tinst;
	h->pc = trap_vector(h->stvec, t->cause);
	h->priv = RV_PRIV_S;
	h->virt = false;
}

static void enter_m(rv_hart *h, const rv_trap *t)
{
	uint64_t s = h->mstatus;
	s = with_flag(s, MS_MPV, h->virt);
	s = with_flag(s, MS_GVA, t->gva);
	s = (s & ~MS_MPP) | (uint64_t)h->priv << MS_MPP_SHIFT;
	s = with_flag(s, MS_MPIE, s & MS_MIE);
	h->mstatus = s & ~MS_MIE;
	h->mepc = t->epc;
	h->mcause = t->cause;
	h->mtval = t->tval;
	h->mtval2 = t->tval2;
	h->mtinst = t->tinst;
	h->pc = trap_vector(h->mtvec, t->cause);
	h->priv = RV_PRIV_M;
	h->virt = false;
}

static void trap_enter(rv_hart *h, rv_trap *t)
{
	t->epc = h->pc;
	t->from_priv = h->priv;
	t->from_virt = h->virt;
	if (t->to_priv == RV_PRIV_M)
		enter_m(h, t);
	else if (t->to_virt)
		enter_vs(h, t);
	else
		enter_hs(h, t);
	h->wfi = false;
	h->last_trap = *t;
	rv_regime_update(h);
}

void rv_raise(rv_hart *h, unsigned cause, uint64_t tval, uint64_t tval2, uint64_t tinst, bool gva)
{
	rv_trap t = {.cause = cause, .tval = tval, .tval2 = tval2, .tinst = tinst, .gva = gva};
	bool to_m = h->priv == RV_PRIV_M || !((h->medeleg >> cause) & 1);
	t.to_priv = to_m ? RV_PRIV_M : RV_PRIV_S;
	t.to_virt = !to_m && h->virt && ((h->hedeleg >> cause) & 1);
	/* --htinst zero models hardware that never transforms instructions; the pseudo-
	 * instructions for implicit page-table accesses stay, since with a nonzero htval the
	 * spec does not allow 0 there. */
	if (t.to_virt || (h->htinst_mode == RV_HTINST_ZERO && (t.tinst & 3) != 0))
		t.tinst = 0;
	if (t.to_virt)
		t.gva = false;
	h->trap_counts[cause & 63]++;
	trap_enter(h, &t);
}

/* Causes for which htinst/mtinst may hold a transformed instruction. */
static bool takes_transformed(unsigned cause)
{
	return (cause >= RV_EXC_LOAD_MISALIGNED && cause <= RV_EXC_STORE_ACCESS) ||
	       cause == RV_EXC_LOAD_PAGE || cause == RV_EXC_STORE_PAGE ||
	       cause == RV_EXC_LOAD_GUEST_PAGE || cause == RV_EXC_STORE_GUEST_PAGE;
}

void rv_raise_fault(rv_hart *h, const rv_fault *f, uint32_t raw, unsigned len, uint64_t fault_va,
		    uint64_t access_va)
{
	uint64_t tinst = f->tinst;
	if (!tinst && takes_transformed(f->cause) && len)
		tinst = rv_transform_insn(raw, len, fault_va - access_va);
	rv_raise(h, f->cause, f->tval, f->tval2, tinst, f->gva);
}

/* ---- htinst: transformed instructions ----------------------------------------------------------
 */

static const uint8_t load_funct3[DEC_RV_OP_COUNT] = {
    [DEC_RV_OP_LB] = 0,	 [DEC_RV_OP_LH] = 1,  [DEC_RV_OP_LW] = 2,  [DEC_RV_OP_LD] = 3,
    [DEC_RV_OP_LBU] = 4, [DEC_RV_OP_LHU] = 5, [DEC_RV_OP_LWU] = 6,
};
static const uint8_t store_funct3[DEC_RV_OP_COUNT] = {
    [DEC_RV_OP_SB] = 0, [DEC_RV_OP_SH] = 1, [DEC_RV_OP_SW] = 2, [DEC_RV_OP_SD] = 3};

static bool is_load(unsigned op)
{
	return op >= DEC_RV_OP_LB && op <= DEC_RV_OP_LWU;
}

static bool is_store(unsigned op)
{
	return op >= DEC_RV_OP_SB && op <= DEC_RV_OP_SD;
}

/* The spec's transformation: loads keep opcode, rd and funct3; stores keep opcode, funct3 and
 * rs2; AMOs and HLV/HSV keep everything else; rs1 becomes Addr.Offset and immediates zero.
 * A compressed instruction is expanded first and then has bit 1 cleared. */
uint64_t rv_transform_insn(uint32_t raw, unsigned len, uint64_t addr_offset)
{
	dec_rv_insn d;
	uint32_t off = (uint32_t)(addr_offset & 31) << 15;
	if (!dec_rv_decode(raw, &d))
		return 0;
	uint32_t t;
	if (is_load(d.op))
		t = 0x03 | (uint32_t)d.rd << 7 | (uint32_t)load_funct3[d.op] << 12;
	else if (is_store(d.op))
		t = 0x23 | (uint32_t)store_funct3[d.op] << 12 | (uint32_t)d.rs2 << 20;
	else if (len == 4)
		t = raw & ~(UINT32_C(31) << 15); /* AMO, LR/SC, HLV, HSV */
	else
		return 0;
	t |= off;
	return len == 2 ? t & ~UINT32_C(2) : t;
}

/* ---- interrupts --------------------------------------------------------------------------------
 */

/* Highest first: the spec's order within one privilege level. */
static const uint8_t irq_priority[] = {RV_IRQ_MEI,  RV_IRQ_MSI, RV_IRQ_MTI,  RV_IRQ_SEI,
				       RV_IRQ_SSI,  RV_IRQ_STI, RV_IRQ_SGEI, RV_IRQ_VSEI,
				       RV_IRQ_VSSI, RV_IRQ_VSTI};

static int highest(uint64_t bits)
{
	for (size_t i = 0; i < sizeof irq_priority; i++)
		if (bits & (UINT64_C(1) << irq_priority[i]))
			return irq_priority[i];
	return -1;
}

int rv_pending_irq(rv_hart *h)
{
	uint64_t pending = rv_mip(h) & h->mie;
	if (!pending)
		return -1;
	uint64_t m = pending & ~h->mideleg;
	uint64_t hs = pending & h->mideleg & ~h->hideleg;
	uint64_t vs = pending & h->mideleg & h->hideleg;
	bool m_on = h->priv < RV_PRIV_M || (h->mstatus & MS_MIE);
	bool hs_on =
	    h->priv < RV_PRIV_S || h->virt || (h->priv == RV_PRIV_S && (h->mstatus & MS_SIE));
	bool vs_on = h->virt && (h->priv == RV_PRIV_U || (h->vsstatus & MS_SIE));
	if (m_on && m)
		return highest(m);
	if (h->priv != RV_PRIV_M && hs_on && hs)
		return highest(hs);
	if (vs_on && vs)
		return highest(vs);
	return -1;
}

void rv_take_irq(rv_hart *h, int irq)
{
	rv_trap t = {.cause = RV_CAUSE_INTERRUPT | (uint64_t)irq};
	uint64_t bit = UINT64_C(1) << irq;
	if (!(h->mideleg & bit)) {
		t.to_priv = RV_PRIV_M;
	} else {
		t.to_priv = RV_PRIV_S;
		t.to_virt = (h->hideleg & bit) != 0;
		if (t.to_virt) /* VS sees its interrupts at the S positions: 10→9, 6→5, 2→1 */
			t.cause = RV_CAUSE_INTERRUPT | (uint64_t)(irq - 1);
	}
	h->irq_counts[irq & 15]++;
	trap_enter(h, &t);
}

/* ---- returning ---------------------------------------------------------------------------------
 */

unsigned rv_sret(rv_hart *h)
{
	if (h->priv == RV_PRIV_U)
		return h->virt ? RV_EXC_VIRTUAL_INSN : RV_EXC_ILLEGAL;
	if (h->virt) {
		if (h->hstatus & HS_VTSR)
			return RV_EXC_VIRTUAL_INSN;
		uint64_t s = h->vsstatus;
		h->priv = (s & MS_SPP) ? RV_PRIV_S : RV_PRIV_U;
		s = with_flag(s, MS_SIE, s & MS_SPIE);
		h->vsstatus = (s | MS_SPIE) & ~MS_SPP;
		h->pc = h->vsepc;
	} else {
		if (h->priv == RV_PRIV_S && (h->mstatus & MS_TSR))
			return RV_EXC_ILLEGAL;
		uint64_t s = h->mstatus;
		h->priv = (s & MS_SPP) ? RV_PRIV_S : RV_PRIV_U;
		h->virt = (h->hstatus & HS_SPV) != 0;
		h->hstatus &= ~HS_SPV;
		s = with_flag(s, MS_SIE, s & MS_SPIE);
		s = (s | MS_SPIE) & ~(MS_SPP | MS_MPRV);
		h->mstatus = s;
		h->pc = h->sepc;
	}
	rv_regime_update(h);
	return 0;
}

unsigned rv_mret(rv_hart *h)
{
	if (h->priv != RV_PRIV_M)
		return RV_EXC_ILLEGAL;
	uint64_t s = h->mstatus;
	uint8_t mpp = (uint8_t)((s & MS_MPP) >> MS_MPP_SHIFT);
	h->priv = mpp;
	h->virt = mpp != RV_PRIV_M && (s & MS_MPV);
	s = with_flag(s, MS_MIE, s & MS_MPIE);
	s = (s | MS_MPIE) & ~(MS_MPP | MS_MPV);
	if (mpp != RV_PRIV_M)
		s &= ~MS_MPRV;
	h->mstatus = s;
	h->pc = h->mepc;
	rv_regime_update(h);
	return 0;
}

/* ---- life cycle --------------------------------------------------------------------------------
 */

bool rv_hart_init(rv_hart *h, emu_bus *bus, uint64_t hartid, uint64_t reset_pc)
{
	memset(h, 0, sizeof *h);
	h->bus = bus;
	h->hartid = hartid;
	h->pc = reset_pc;
	h->priv = RV_PRIV_M;
	h->misa = MISA_RV64 | MISA_EXT('A') | MISA_EXT('C') | MISA_EXT('H') | MISA_EXT('I') |
		  MISA_EXT('M') | MISA_EXT('S') | MISA_EXT('U');
	h->mstatus = UINT64_C(2) << 32 | UINT64_C(2) << 34; /* UXL = SXL = 64 */
	h->hstatus = UINT64_C(2) << 32;			    /* VSXL = 64 */
	h->vsstatus = UINT64_C(2) << 32;
	h->mideleg = (UINT64_C(1) << RV_IRQ_VSSI) | (UINT64_C(1) << RV_IRQ_VSTI) |
		     (UINT64_C(1) << RV_IRQ_VSEI);
	h->stimecmp = h->vstimecmp = UINT64_MAX;
	h->reservation = RV_NO_RESERVATION;
	h->code_pages = bus->ram_size >> 12;
	h->code = calloc(h->code_pages, sizeof(rv_code_page *));
	if (!h->code)
		return false;
	for (unsigned i = 0; i < RV_REGIME_SLOTS; i++)
		h->regime[i].key[0] = UINT64_MAX;
	rv_tlb_flush(h);
	rv_regime_changed(h);
	return true;
}

void rv_hart_free(rv_hart *h)
{
	for (size_t i = 0; h->code && i < h->code_pages; i++)
		free(h->code[i]);
	free(h->code);
	h->code = NULL;
}
