/* The CSR file: access checks (illegal vs virtual instruction), WARL masks, the S/VS aliasing
 * that makes S-level CSR numbers reach the VS copies while V=1, and the interrupt views
 * (mip/sip/hip/vsip) that are all windows onto one set of pending bits. */
#include "emu/rv_csrfile.h"

#include "emu/rv_hart.h"

#include <stddef.h>

/* mstatus bits */

#define MSTATUS_WRITABLE                                                                           \
	(MS_SIE | MS_MIE | MS_SPIE | MS_MPIE | MS_SPP | MS_MPP | MS_MPRV | MS_SUM | MS_MXR |       \
	 MS_TVM | MS_TW | MS_TSR | MS_GVA | MS_MPV)
#define SSTATUS_VIEW	 (MS_SIE | MS_SPIE | MS_SPP | MS_SUM | MS_MXR | MS_UXL)
#define SSTATUS_WRITABLE (MS_SIE | MS_SPIE | MS_SPP | MS_SUM | MS_MXR)
#define XLEN64_FIELDS	 (UINT64_C(2) << 32 | UINT64_C(2) << 34) /* UXL = SXL = 64-bit */

/* hstatus bits */
#define HSTATUS_WRITABLE (HS_GVA | HS_SPV | HS_SPVP | HS_HU | HS_VTVM | HS_VTW | HS_VTSR)

/* interrupt bits */
#define IRQ_BIT(n) (UINT64_C(1) << (n))
#define VS_IRQS	   (IRQ_BIT(RV_IRQ_VSSI) | IRQ_BIT(RV_IRQ_VSTI) | IRQ_BIT(RV_IRQ_VSEI))
#define S_IRQS	   (IRQ_BIT(RV_IRQ_SSI) | IRQ_BIT(RV_IRQ_STI) | IRQ_BIT(RV_IRQ_SEI))
#define M_IRQS	   (IRQ_BIT(RV_IRQ_MSI) | IRQ_BIT(RV_IRQ_MTI) | IRQ_BIT(RV_IRQ_MEI))
/* GEILEN = 0: no guest external interrupt lines, so SGEIE/SGEIP are read-only zero. */
#define MIE_WRITABLE	 (S_IRQS | VS_IRQS | M_IRQS)
#define MIDELEG_READ_ONE VS_IRQS

/* Exceptions M may delegate to HS, and HS to VS (hedeleg read-only zero: 9-11, 16, 20-23). */
#define MEDELEG_WRITABLE (UINT64_C(0xf0b7ff))
#define HEDELEG_WRITABLE (UINT64_C(0xb1ff))


#define ATP_MODE_SHIFT	   60
#define SATP_ASID_PPN_MASK ((UINT64_C(1) << 60) - 1) /* ASID 16 bits + PPN 44 bits */
#define HGATP_VMID_MASK	   (UINT64_C(0x3fff) << 44)
#define HGATP_PPN_MASK	   ((UINT64_C(1) << 44) - 4) /* 16 KiB root: PPN[1:0] read as zero */

uint64_t rv_mip(const rv_hart *h)
{
	uint64_t mip = h->mip | (h->hvip & VS_IRQS);
	if (h->bus->msip & (UINT32_C(1) << h->hartid))
		mip |= IRQ_BIT(RV_IRQ_MSI);
	return mip;
}

uint64_t rv_update_timers(rv_hart *h)
{
	uint64_t now = rv_time(h), next = UINT64_MAX;
	uint64_t mtimecmp = h->hartid < EMU_MAX_HARTS ? h->bus->mtimecmp[h->hartid] : UINT64_MAX;

	/* STIP is the software's bit unless Sstc drives it from stimecmp; h->mip's VSTIP bit only
	 * holds the vstimecmp comparison (hvip.VSTIP is OR'ed in by rv_mip). */
	h->mip &= ~(IRQ_BIT(RV_IRQ_MTI) | IRQ_BIT(RV_IRQ_VSTI));
	if (h->menvcfg & ENVCFG_STCE)
		h->mip &= ~IRQ_BIT(RV_IRQ_STI);
	if (now >= mtimecmp)
		h->mip |= IRQ_BIT(RV_IRQ_MTI);
	else
		next = mtimecmp;
	if (h->menvcfg & ENVCFG_STCE) {
		if (now >= h->stimecmp)
			h->mip |= IRQ_BIT(RV_IRQ_STI);
		else if (h->stimecmp < next)
			next = h->stimecmp;
	}
	if (h->henvcfg & ENVCFG_STCE) {
		uint64_t vnow = now + h->htimedelta;
		if (vnow >= h->vstimecmp)
			h->mip |= IRQ_BIT(RV_IRQ_VSTI);
		else if (h->vstimecmp - vnow < next - now)
			next = now + (h->vstimecmp - vnow);
	}
	/* time advances one tick per retired instruction: convert the deadline to an icount */
	return next == UINT64_MAX ? UINT64_MAX : h->icount + (next - now);
}

/* ---- access checks -------------------------------------------------------------------------- */

/* Counter CSRs (cycle, time, instret, hpmcounterN) are gated by m/h/scounteren. */
static unsigned counter_check(const rv_hart *h, unsigned csr)
{
	uint64_t bit = UINT64_C(1) << (csr & 31);
	if (h->priv < RV_PRIV_M && !(h->mcounteren & bit))
		return RV_EXC_ILLEGAL;
	if (h->virt && !(h->hcounteren & bit))
		return RV_EXC_VIRTUAL_INSN;
	if (h->priv == RV_PRIV_U && !(h->scounteren & bit))
		return h->virt ? RV_EXC_VIRTUAL_INSN : RV_EXC_ILLEGAL;
	return 0;
}

/* Generic privilege rule from the CSR number: bits [9:8] give the lowest privilege, with 2
 * meaning the hypervisor/VS CSRs that HS-mode owns; bits [11:10] == 3 is read-only. An access
 * from V=1 that HS-mode could make is a virtual-instruction exception, not an illegal one. */
static unsigned privilege_check(const rv_hart *h, unsigned csr, bool write)
{
	unsigned level = (csr >> 8) & 3;
	if (write && (csr >> 10) == 3)
		return RV_EXC_ILLEGAL;
	if (h->priv == RV_PRIV_M)
		return 0;
	if (level == 3)
		return RV_EXC_ILLEGAL;
	if (!h->virt)
		return (level >= 1 && h->priv < RV_PRIV_S) ? RV_EXC_ILLEGAL : 0;
	if (level == 2 || (level == 1 && h->priv == RV_PRIV_U))
		return RV_EXC_VIRTUAL_INSN;
	return 0;
}

/* Sstc: stimecmp needs menvcfg.STCE and mcounteren.TM below M; from V=1 (where it names
 * vstimecmp) also henvcfg.STCE and hcounteren.TM, else a virtual-instruction exception. */
static unsigned timecmp_check(const rv_hart *h, unsigned csr)
{
	uint64_t tm = UINT64_C(1) << 1;
	if (h->priv < RV_PRIV_M && (!(h->menvcfg & ENVCFG_STCE) || !(h->mcounteren & tm)))
		return RV_EXC_ILLEGAL;
	if (csr == RV_CSR_STIMECMP && h->virt &&
	    (!(h->henvcfg & ENVCFG_STCE) || !(h->hcounteren & tm)))
		return RV_EXC_VIRTUAL_INSN;
	return 0;
}

/* Checks that depend on a particular CSR, after the generic rule passed. */
static unsigned special_check(const rv_hart *h, unsigned csr)
{
	switch (csr) {
	case RV_CSR_SATP:
		if (h->priv == RV_PRIV_S && !h->virt && (h->mstatus & MS_TVM))
			return RV_EXC_ILLEGAL;
		if (h->virt && (h->hstatus & HS_VTVM))
			return RV_EXC_VIRTUAL_INSN;
		return 0;
	case RV_CSR_HGATP:
		return (h->priv == RV_PRIV_S && (h->mstatus & MS_TVM)) ? RV_EXC_ILLEGAL : 0;
	case RV_CSR_STIMECMP:
	case RV_CSR_VSTIMECMP: return timecmp_check(h, csr);
	default:
		if ((csr >= RV_CSR_CYCLE && csr <= RV_CSR_HPMCOUNTER31))
			return counter_check(h, csr);
		return 0;
	}
}

/* While V=1, S-level CSR numbers name the VS copies. */
static unsigned vs_alias(unsigned csr)
{
	switch (csr) {
	case RV_CSR_SSTATUS: return RV_CSR_VSSTATUS;
	case RV_CSR_SIE: return RV_CSR_VSIE;
	case RV_CSR_STVEC: return RV_CSR_VSTVEC;
	case RV_CSR_SSCRATCH: return RV_CSR_VSSCRATCH;
	case RV_CSR_SEPC: return RV_CSR_VSEPC;
	case RV_CSR_SCAUSE: return RV_CSR_VSCAUSE;
	case RV_CSR_STVAL: return RV_CSR_VSTVAL;
	case RV_CSR_SIP: return RV_CSR_VSIP;
	case RV_CSR_SATP: return RV_CSR_VSATP;
	case RV_CSR_STIMECMP: return RV_CSR_VSTIMECMP;
	default: return csr;
	}
}

/* ---- reads ----------------------------------------------------------------------------------- */

/* vsip/vsie show the VS interrupts that hideleg hands to VS, shifted down to S positions. */
static uint64_t vs_view(uint64_t bits, uint64_t hideleg)
{
	return ((bits & hideleg) & VS_IRQS) >> 1;
}

static uint64_t counter_value(const rv_hart *h, unsigned csr)
{
	switch (csr & 31) {
	case 0: return h->icount + h->mcycle_offset;
	case 1: return rv_time(h) + (h->virt ? h->htimedelta : 0);
	case 2: return h->icount + h->minstret_offset;
	default: return 0; /* hpmcounter3..31: no events are counted */
	}
}

bool rv_csr_peek(const rv_hart *h, unsigned csr, uint64_t *val)
{
	switch (csr) {
	case RV_CSR_SSTATUS: *val = (h->mstatus & SSTATUS_VIEW); return true;
	case RV_CSR_SIE: *val = h->mie & h->mideleg & ~h->hideleg & (S_IRQS); return true;
	case RV_CSR_SIP: *val = rv_mip(h) & h->mideleg & (S_IRQS); return true;
	case RV_CSR_STVEC: *val = h->stvec; return true;
	case RV_CSR_SCOUNTEREN: *val = h->scounteren; return true;
	case RV_CSR_SENVCFG: *val = h->senvcfg; return true;
	case RV_CSR_SSCRATCH: *val = h->sscratch; return true;
	case RV_CSR_SEPC: *val = h->sepc; return true;
	case RV_CSR_SCAUSE: *val = h->scause; return true;
	case RV_CSR_STVAL: *val = h->stval; return true;
	case RV_CSR_STIMECMP: *val = h->stimecmp; return true;
	case RV_CSR_SATP: *val = h->satp; return true;
	case RV_CSR_VSSTATUS: *val = h->vsstatus; return true;
	case RV_CSR_VSIE: *val = vs_view(h->mie, h->hideleg); return true;
	case RV_CSR_VSIP: *val = vs_view(rv_mip(h), h->hideleg); return true;
	case RV_CSR_VSTVEC: *val = h->vstvec; return true;
	case RV_CSR_VSSCRATCH: *val = h->vsscratch; return true;
	case RV_CSR_VSEPC: *val = h->vsepc; return true;
	case RV_CSR_VSCAUSE: *val = h->vscause; return true;
	case RV_CSR_VSTVAL: *val = h->vstval; return true;
	case RV_CSR_VSTIMECMP: *val = h->vstimecmp; return true;
	case RV_CSR_VSATP: *val = h->vsatp; return true;
	case RV_CSR_HSTATUS: *val = h->hstatus; return true;
	case RV_CSR_HEDELEG: *val = h->hedeleg; return true;
	case RV_CSR_HIDELEG: *val = h->hideleg; return true;
	case RV_CSR_HIE: *val = h->mie & (VS_IRQS | IRQ_BIT(RV_IRQ_SGEI)); return true;
	case RV_CSR_HIP: *val = rv_mip(h) & (VS_IRQS | IRQ_BIT(RV_IRQ_SGEI)); return true;
	case RV_CSR_HVIP: *val = h->hvip; return true;
	case RV_CSR_HTIMEDELTA: *val = h->htimedelta; return true;
	case RV_CSR_HCOUNTEREN: *val = h->hcounteren; return true;
	case RV_CSR_HGEIE: *val = h->hgeie; return true;
	case RV_CSR_HGEIP: *val = 0; return true; /* GEILEN = 0: no guest external interrupts */
	case RV_CSR_HENVCFG: *val = h->henvcfg; return true;
	case RV_CSR_HTVAL: *val = h->htval; return true;
	case RV_CSR_HTINST: *val = h->htinst; return true;
	case RV_CSR_HGATP: *val = h->hgatp; return true;
	case RV_CSR_MSTATUS: *val = h->mstatus; return true;
	case RV_CSR_MISA: *val = h->misa; return true;
	case RV_CSR_MEDELEG: *val = h->medeleg; return true;
	case RV_CSR_MIDELEG: *val = h->mideleg; return true;
	case RV_CSR_MIE: *val = h->mie; return true;
	case RV_CSR_MIP: *val = rv_mip(h); return true;
	case RV_CSR_MTVEC: *val = h->mtvec; return true;
	case RV_CSR_MCOUNTEREN: *val = h->mcounteren; return true;
	case RV_CSR_MENVCFG: *val = h->menvcfg; return true;
	case RV_CSR_MCOUNTINHIBIT: *val = 0; return true;
	case RV_CSR_MSCRATCH: *val = h->mscratch; return true;
	case RV_CSR_MEPC: *val = h->mepc; return true;
	case RV_CSR_MCAUSE: *val = h->mcause; return true;
	case RV_CSR_MTVAL: *val = h->mtval; return true;
	case RV_CSR_MTINST: *val = h->mtinst; return true;
	case RV_CSR_MTVAL2: *val = h->mtval2; return true;
	case RV_CSR_MVENDORID:
	case RV_CSR_MARCHID:
	case RV_CSR_MIMPID:
	case RV_CSR_MCONFIGPTR: *val = 0; return true;
	case RV_CSR_MHARTID: *val = h->hartid; return true;
	case RV_CSR_MCYCLE: *val = h->icount + h->mcycle_offset; return true;
	case RV_CSR_MINSTRET: *val = h->icount + h->minstret_offset; return true;
	default: break;
	}
	if (csr >= RV_CSR_CYCLE && csr <= RV_CSR_HPMCOUNTER31) {
		*val = counter_value(h, csr);
		return true;
	}
	/* Sdtrig with no triggers: tselect reads 0 and tdata1.type = 0 says "no trigger here";
	 * the hpm counters and events count nothing. All of them ignore writes. */
	if ((csr >= RV_CSR_MHPMCOUNTER3 && csr <= RV_CSR_MHPMCOUNTER31) ||
	    (csr >= RV_CSR_MHPMEVENT3 && csr <= RV_CSR_MHPMEVENT31) ||
	    (csr >= RV_CSR_TSELECT && csr <= RV_CSR_TDATA3)) {
		*val = 0;
		return true;
	}
	if (csr >= RV_CSR_PMPCFG0 && csr <= RV_CSR_PMPCFG0 + 15 && !(csr & 1)) {
		*val = h->pmpcfg[csr - RV_CSR_PMPCFG0];
		return true;
	}
	if (csr >= RV_CSR_PMPADDR0 && csr <= RV_CSR_PMPADDR0 + 63) {
		*val = h->pmpaddr[csr - RV_CSR_PMPADDR0];
		return true;
	}
	return false;
}

/* ---- writes ---------------------------------------------------------------------------------- */

static uint64_t with_bits(uint64_t old, uint64_t val, uint64_t mask)
{
	return (old & ~mask) | (val & mask);
}

/* MPP is WARL: the reserved value 2 (H-mode of old drafts) leaves the field unchanged. */
static uint64_t legal_mstatus(uint64_t old, uint64_t val)
{
	uint64_t next = with_bits(old, val, MSTATUS_WRITABLE);
	if (((next & MS_MPP) >> 11) == 2)
		next = (next & ~MS_MPP) | (old & MS_MPP);
	return next | XLEN64_FIELDS;
}

/* xtvec: MODE 0 (direct) or 1 (vectored); a reserved mode keeps the old one. */
static uint64_t legal_tvec(uint64_t old, uint64_t val)
{
	if ((val & 3) >= 2)
		val = (val & ~UINT64_C(3)) | (old & 3);
	return val & ~UINT64_C(2);
}

/* satp/vsatp: an unsupported MODE makes the whole write have no effect. */
static uint64_t legal_satp(uint64_t old, uint64_t val)
{
	unsigned mode = (unsigned)(val >> ATP_MODE_SHIFT);
	if (mode != RV_ATP_BARE && mode != RV_ATP_SV39 && mode != RV_ATP_SV48)
		return old;
	return val;
}

/* hgatp fields are WARL in the normal way: an unsupported MODE keeps the old mode, the rest is
 * written. VMIDLEN is 14. */
static uint64_t legal_hgatp(uint64_t old, uint64_t val)
{
	unsigned mode = (unsigned)(val >> ATP_MODE_SHIFT);
	if (mode != RV_ATP_BARE && mode != RV_ATP_SV39 && mode != RV_ATP_SV48)
		mode = (unsigned)(old >> ATP_MODE_SHIFT);
	return (uint64_t)mode << ATP_MODE_SHIFT | (val & (HGATP_VMID_MASK | HGATP_PPN_MASK));
}

static uint64_t legal_envcfg(uint64_t val, uint64_t allowed)
{
	return val & (ENVCFG_FIOM | ENVCFG_ADUE | ENVCFG_STCE) & allowed;
}

/* Writes to the interrupt-bit views: each names the bits it may change. */
static void write_mip_bits(rv_hart *h, uint64_t val, uint64_t mask)
{
	uint64_t sw = mask & (IRQ_BIT(RV_IRQ_SSI) | IRQ_BIT(RV_IRQ_SEI) |
			      ((h->menvcfg & ENVCFG_STCE) ? 0 : IRQ_BIT(RV_IRQ_STI)));
	h->mip = with_bits(h->mip, val, sw);
	if (mask & IRQ_BIT(RV_IRQ_VSSI))
		h->hvip = with_bits(h->hvip, val, IRQ_BIT(RV_IRQ_VSSI));
}

/* Returns the effects of a write on the rest of the hart (RV_CSR_EFFECT_*). */
static unsigned poke(rv_hart *h, unsigned csr, uint64_t val)
{
	switch (csr) {
	case RV_CSR_SSTATUS:
		h->mstatus =
		    legal_mstatus(h->mstatus, with_bits(h->mstatus, val, SSTATUS_WRITABLE));
		return RV_CSR_EFFECT_IRQ | RV_CSR_EFFECT_REGIME;
	case RV_CSR_SIE:
		h->mie = with_bits(h->mie, val, h->mideleg & ~h->hideleg & S_IRQS);
		return RV_CSR_EFFECT_IRQ;
	case RV_CSR_SIP:
		write_mip_bits(h, val, h->mideleg & IRQ_BIT(RV_IRQ_SSI));
		return RV_CSR_EFFECT_IRQ;
	case RV_CSR_STVEC: h->stvec = legal_tvec(h->stvec, val); return 0;
	case RV_CSR_SCOUNTEREN: h->scounteren = val & 0xffffffff; return 0;
	case RV_CSR_SENVCFG: h->senvcfg = val & ENVCFG_FIOM; return 0;
	case RV_CSR_SSCRATCH: h->sscratch = val; return 0;
	case RV_CSR_SEPC: h->sepc = val & ~UINT64_C(1); return 0;
	case RV_CSR_SCAUSE: h->scause = val; return 0;
	case RV_CSR_STVAL: h->stval = val; return 0;
	case RV_CSR_STIMECMP: h->stimecmp = val; return RV_CSR_EFFECT_IRQ;
	case RV_CSR_SATP: h->satp = legal_satp(h->satp, val); return RV_CSR_EFFECT_REGIME;
	case RV_CSR_VSSTATUS:
		h->vsstatus = with_bits(h->vsstatus, val, SSTATUS_WRITABLE) | (UINT64_C(2) << 32);
		return RV_CSR_EFFECT_IRQ | RV_CSR_EFFECT_REGIME;
	case RV_CSR_VSIE:
		h->mie = with_bits(h->mie, val << 1, h->hideleg & VS_IRQS);
		return RV_CSR_EFFECT_IRQ;
	case RV_CSR_VSIP:
		if (h->hideleg & IRQ_BIT(RV_IRQ_VSSI))
			h->hvip = with_bits(h->hvip, val << 1, IRQ_BIT(RV_IRQ_VSSI));
		return RV_CSR_EFFECT_IRQ;
	case RV_CSR_VSTVEC: h->vstvec = legal_tvec(h->vstvec, val); return 0;
	case RV_CSR_VSSCRATCH: h->vsscratch = val; return 0;
	case RV_CSR_VSEPC: h->vsepc = val & ~UINT64_C(1); return 0;
	case RV_CSR_VSCAUSE: h->vscause = val; return 0;
	case RV_CSR_VSTVAL: h->vstval = val; return 0;
	case RV_CSR_VSTIMECMP: h->vstimecmp = val; return RV_CSR_EFFECT_IRQ;
	case RV_CSR_VSATP: h->vsatp = legal_satp(h->vsatp, val); return RV_CSR_EFFECT_REGIME;
	case RV_CSR_HSTATUS:
		h->hstatus = with_bits(h->hstatus, val, HSTATUS_WRITABLE) | (UINT64_C(2) << 32);
		return RV_CSR_EFFECT_REGIME;
	case RV_CSR_HEDELEG: h->hedeleg = val & HEDELEG_WRITABLE; return 0;
	case RV_CSR_HIDELEG: h->hideleg = val & VS_IRQS; return RV_CSR_EFFECT_IRQ;
	case RV_CSR_HIE: h->mie = with_bits(h->mie, val, VS_IRQS); return RV_CSR_EFFECT_IRQ;
	case RV_CSR_HIP:
		h->hvip = with_bits(h->hvip, val, IRQ_BIT(RV_IRQ_VSSI));
		return RV_CSR_EFFECT_IRQ;
	case RV_CSR_HVIP: h->hvip = val & VS_IRQS; return RV_CSR_EFFECT_IRQ;
	case RV_CSR_HTIMEDELTA: h->htimedelta = val; return RV_CSR_EFFECT_IRQ;
	case RV_CSR_HCOUNTEREN: h->hcounteren = val & 0xffffffff; return 0;
	case RV_CSR_HGEIE: h->hgeie = 0; return 0; /* GEILEN = 0 */
	case RV_CSR_HENVCFG:
		h->henvcfg = legal_envcfg(val, h->menvcfg | ENVCFG_FIOM);
		return RV_CSR_EFFECT_IRQ | RV_CSR_EFFECT_REGIME;
	case RV_CSR_HTVAL: h->htval = val; return 0;
	case RV_CSR_HTINST: h->htinst = val; return 0;
	case RV_CSR_HGATP: h->hgatp = legal_hgatp(h->hgatp, val); return RV_CSR_EFFECT_REGIME;
	case RV_CSR_MSTATUS:
		h->mstatus = legal_mstatus(h->mstatus, val);
		return RV_CSR_EFFECT_IRQ | RV_CSR_EFFECT_REGIME;
	case RV_CSR_MISA: return 0; /* the extension set is fixed */
	case RV_CSR_MEDELEG: h->medeleg = val & MEDELEG_WRITABLE; return 0;
	case RV_CSR_MIDELEG:
		h->mideleg = (val & S_IRQS) | MIDELEG_READ_ONE;
		return RV_CSR_EFFECT_IRQ;
	case RV_CSR_MIE: h->mie = val & MIE_WRITABLE; return RV_CSR_EFFECT_IRQ;
	case RV_CSR_MIP:
		write_mip_bits(h, val, S_IRQS | IRQ_BIT(RV_IRQ_VSSI));
		return RV_CSR_EFFECT_IRQ;
	case RV_CSR_MTVEC: h->mtvec = legal_tvec(h->mtvec, val); return 0;
	case RV_CSR_MCOUNTEREN: h->mcounteren = val & 0xffffffff; return 0;
	case RV_CSR_MENVCFG:
		h->menvcfg = legal_envcfg(val, ~UINT64_C(0));
		h->henvcfg &= h->menvcfg | ENVCFG_FIOM;
		return RV_CSR_EFFECT_IRQ | RV_CSR_EFFECT_REGIME;
	case RV_CSR_MCOUNTINHIBIT: return 0; /* WARL read-only zero: counters always run */
	case RV_CSR_MSCRATCH: h->mscratch = val; return 0;
	case RV_CSR_MEPC: h->mepc = val & ~UINT64_C(1); return 0;
	case RV_CSR_MCAUSE: h->mcause = val; return 0;
	case RV_CSR_MTVAL: h->mtval = val; return 0;
	case RV_CSR_MTINST: h->mtinst = val; return 0;
	case RV_CSR_MTVAL2: h->mtval2 = val; return 0;
	/* A written counter shows the value to the next instruction: this one's retirement is
	 * already counted in icount + 1. */
	case RV_CSR_MCYCLE: h->mcycle_offset = val - (h->icount + 1); return 0;
	case RV_CSR_MINSTRET: h->minstret_offset = val - (h->icount + 1); return 0;
	default: break;
	}
	if (csr >= RV_CSR_PMPCFG0 && csr <= RV_CSR_PMPCFG0 + 15)
		h->pmpcfg[csr - RV_CSR_PMPCFG0] = val;
	else if (csr >= RV_CSR_PMPADDR0 && csr <= RV_CSR_PMPADDR0 + 63)
		h->pmpaddr[csr - RV_CSR_PMPADDR0] = val & ((UINT64_C(1) << 54) - 1);
	return 0; /* hpm counters and events, trigger CSRs: writes ignored */
}

/* ---- the instruction-level entry points ---------------------------------------------------- */

/* Existence first (an unknown CSR is illegal whatever the mode), then the mode's rights. The
 * value of csr comes back in *cur, read from the VS copy when V=1 aliases it. */
static unsigned access_check(const rv_hart *h, unsigned csr, bool write, unsigned *target,
			     uint64_t *cur)
{
	if (!rv_csr_peek(h, csr, cur))
		return RV_EXC_ILLEGAL;
	unsigned exc = privilege_check(h, csr, write);
	if (!exc)
		exc = special_check(h, csr);
	if (exc)
		return exc;
	*target = h->virt ? vs_alias(csr) : csr;
	if (*target != csr)
		rv_csr_peek(h, *target, cur);
	return 0;
}

unsigned rv_csr_read(rv_hart *h, unsigned csr, uint64_t *val)
{
	unsigned target;
	return access_check(h, csr, false, &target, val);
}

unsigned rv_csr_write(rv_hart *h, unsigned csr, uint64_t val)
{
	uint64_t cur;
	unsigned target, exc = access_check(h, csr, true, &target, &cur);
	if (exc)
		return exc;
	poke(h, target, val);
	return 0;
}

/* CSRs that are plain storage: no view, no side effect, no check beyond the privilege in the
 * CSR number. Trap handlers spend most of their CSR accesses on these. */
#define PLAIN(name, field, mask) [RV_CSR_##name] = {offsetof(rv_hart, field) + 1, mask}
static const struct plain_csr {
	uint16_t offset_plus_one; /* 0: not a plain CSR */
	uint64_t write_mask;
} plain_csrs[4096] = {
    PLAIN(MSCRATCH, mscratch, ~UINT64_C(0)),   PLAIN(MEPC, mepc, ~UINT64_C(1)),
    PLAIN(MCAUSE, mcause, ~UINT64_C(0)),       PLAIN(MTVAL, mtval, ~UINT64_C(0)),
    PLAIN(MTVAL2, mtval2, ~UINT64_C(0)),       PLAIN(MTINST, mtinst, ~UINT64_C(0)),
    PLAIN(SSCRATCH, sscratch, ~UINT64_C(0)),   PLAIN(SEPC, sepc, ~UINT64_C(1)),
    PLAIN(SCAUSE, scause, ~UINT64_C(0)),       PLAIN(STVAL, stval, ~UINT64_C(0)),
    PLAIN(HTVAL, htval, ~UINT64_C(0)),	       PLAIN(HTINST, htinst, ~UINT64_C(0)),
    PLAIN(VSSCRATCH, vsscratch, ~UINT64_C(0)), PLAIN(VSEPC, vsepc, ~UINT64_C(1)),
    PLAIN(VSCAUSE, vscause, ~UINT64_C(0)),     PLAIN(VSTVAL, vstval, ~UINT64_C(0)),
};
#undef PLAIN

/* A plain CSR accessed with V=0 from a privilege its number allows (level 2, the H and VS
 * CSRs, belongs to HS-mode): no alias, no exception possible. */
static uint64_t *plain_csr(rv_hart *h, unsigned csr, uint64_t *mask)
{
	const struct plain_csr *p = &plain_csrs[csr & 0xfff];
	unsigned level = (csr >> 8) & 3;
	if (!p->offset_plus_one || h->virt || h->priv < (level == 2 ? RV_PRIV_S : level))
		return NULL;
	*mask = p->write_mask;
	return (uint64_t *)((char *)h + p->offset_plus_one - 1);
}

unsigned rv_csr_op(rv_hart *h, unsigned csr, rv_csr_kind kind, uint64_t operand, bool reads,
		   bool writes, uint64_t *old, unsigned *effects)
{
	uint64_t mask, *field = plain_csr(h, csr, &mask);
	if (field) {
		uint64_t cur = *field;
		*effects = 0;
		if (reads)
			*old = cur;
		if (writes)
			*field = (kind == RV_CSR_SWAP  ? operand
				  : kind == RV_CSR_SET ? cur | operand
						       : cur & ~operand) &
				 mask;
		return 0;
	}

	uint64_t cur = 0;
	unsigned target, exc = access_check(h, csr, writes, &target, &cur);
	*effects = 0;
	if (exc)
		return exc;
	if (reads)
		*old = cur;
	if (!writes)
		return 0;
	uint64_t next = kind == RV_CSR_SWAP  ? operand
			: kind == RV_CSR_SET ? cur | operand
					     : cur & ~operand;
	*effects = poke(h, target, next);
	return 0;
}
