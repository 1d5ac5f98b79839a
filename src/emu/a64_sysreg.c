/* System registers: the table MRS and MSR look up, the access checks and traps of each row,
 * PSTATE access, and the peek/poke API of the debugger and the world switch. */
#include "emu/a64_hart.h"

#include <stddef.h>
#include <strings.h>

#define KEY	      DEC_A64_SYSREG
#define FIELD(f)      ((uint16_t)offsetof(a64_hart, f))
#define EC_SYS64      0x18u
#define EC_FP	      0x07u
#define ISS_CV_AL     (UINT32_C(1) << 24 | UINT32_C(0xe) << 20) /* CV = 1, COND = AL */
#define CPTR_TFP      (UINT64_C(1) << 10)
#define CPTR_TCPAC    (UINT64_C(1) << 31)
#define CNTHCTL_PCTEN (UINT64_C(1) << 0)
#define CNTHCTL_PCEN  (UINT64_C(1) << 1)

/* ---- PSTATE -----------------------------------------------------------------------------------
 */

uint64_t a64_pstate(const a64_hart *h)
{
	return (uint64_t)h->nzcv << 28 | (uint64_t)h->daif << 6 | (uint64_t)h->el << 2 |
	       (h->spsel ? 1u : 0u);
}

void a64_set_el(a64_hart *h, unsigned el, bool spsel)
{
	h->sp_el[a64_sp_bank(h)] = h->x[A64_XSP];
	h->el = (uint8_t)el;
	h->spsel = spsel;
	h->x[A64_XSP] = h->sp_el[a64_sp_bank(h)];
	a64_ctx_update(h);
}

static uint64_t read_nzcv(const a64_hart *h)
{
	return (uint64_t)h->nzcv << 28;
}

static void write_nzcv(a64_hart *h, uint64_t v)
{
	h->nzcv = (uint32_t)(v >> 28) & 15;
}

static uint64_t read_daif(const a64_hart *h)
{
	return (uint64_t)h->daif << 6;
}

static void write_daif(a64_hart *h, uint64_t v)
{
	h->daif = (uint8_t)((v >> 6) & 15);
}

static uint64_t read_spsel(const a64_hart *h)
{
	return h->spsel;
}

static void write_spsel(a64_hart *h, uint64_t v)
{
	a64_set_el(h, h->el, v & 1);
}

static uint64_t read_current_el(const a64_hart *h)
{
	return (uint64_t)h->el << 2;
}

/* SP_EL0 and SP_EL1 live in x[A64_XSP] while they are the current SP. */
static uint64_t read_sp_bank(const a64_hart *h, unsigned bank)
{
	return a64_sp_bank(h) == bank ? h->x[A64_XSP] : h->sp_el[bank];
}

static void write_sp_bank(a64_hart *h, unsigned bank, uint64_t v)
{
	if (a64_sp_bank(h) == bank)
		h->x[A64_XSP] = v;
	else
		h->sp_el[bank] = v;
}

static uint64_t read_sp_el0(const a64_hart *h)
{
	return read_sp_bank(h, 0);
}

static void write_sp_el0(a64_hart *h, uint64_t v)
{
	write_sp_bank(h, 0, v);
}

static uint64_t read_sp_el1(const a64_hart *h)
{
	return read_sp_bank(h, 1);
}

static void write_sp_el1(a64_hart *h, uint64_t v)
{
	write_sp_bank(h, 1, v);
}

/* ---- registers with side effects --------------------------------------------------------------
 */

/* M, WXN and the alignment controls change how accesses translate and check. */
static void write_sctlr_el1(a64_hart *h, uint64_t v)
{
	h->mmu.sctlr_el1 = v;
	a64_ctx_update(h);
	a64_tlb_flush(h);
}

static void write_sctlr_el2(a64_hart *h, uint64_t v)
{
	h->sctlr_el2 = v;
	a64_ctx_update(h);
}

static uint64_t read_sctlr_el2(const a64_hart *h)
{
	return h->sctlr_el2;
}

static uint64_t read_sctlr_el1(const a64_hart *h)
{
	return h->mmu.sctlr_el1;
}

static void write_ignored(a64_hart *h, uint64_t v)
{
	(void)h;
	(void)v;
}

static uint64_t read_zero(const a64_hart *h)
{
	(void)h;
	return 0;
}

/* OSLSR_EL1.OSLM = 0b10: the OS Lock is implemented, and it is unlocked. */
static uint64_t read_oslsr(const a64_hart *h)
{
	(void)h;
	return 0x8;
}

/* EL1 and EL0 read the virtualised identification (VPIDR_EL2, VMPIDR_EL2). */
static uint64_t read_midr(const a64_hart *h)
{
	return h->el == A64_EL2 ? h->midr : h->vpidr_el2;
}

static uint64_t read_mpidr(const a64_hart *h)
{
	return h->el == A64_EL2 ? h->mpidr : h->vmpidr_el2;
}

/* DCZID_EL0.DZP reads 1 where DC ZVA is prohibited: EL0 without SCTLR_EL1.DZE, or EL0/EL1
 * under HCR_EL2.TDZ. */
/* ISR_EL1: the interrupts pending at EL1, as the Arm ARM defines them under a hypervisor:
 * with HCR_EL2.IMO / FMO the virtual ones (VI, VF), else the physical lines. I is bit 7, F 6. */
static uint64_t read_isr(const a64_hart *h)
{
	uint64_t hcr = h->mmu.hcr_el2;
	bool irq = hcr & A64_HCR_IMO ? (hcr & A64_HCR_VI) != 0 : h->irq_line;
	bool fiq = hcr & A64_HCR_FMO ? (hcr & A64_HCR_VF) != 0 : h->fiq_line;
	return (uint64_t)irq << 7 | (uint64_t)fiq << 6;
}

static uint64_t read_dczid(const a64_hart *h)
{
	bool prohibited = (h->el == A64_EL0 && !(h->mmu.sctlr_el1 & A64_SCTLR_DZE)) ||
			  (h->el < A64_EL2 && (h->mmu.hcr_el2 & A64_HCR_TDZ));
	return h->dczid | (prohibited ? 0x10u : 0u);
}

/* ---- the generic timer ---- */

#define CNT_ENABLE  UINT64_C(1)
#define CNT_IMASK   UINT64_C(2)
#define CNT_ISTATUS UINT64_C(4)

static uint64_t read_cntpct(const a64_hart *h)
{
	return a64_time(h);
}

static uint64_t read_cntvct(const a64_hart *h)
{
	return a64_time(h) - h->cntvoff_el2;
}

/* CTL: ISTATUS is read-only and follows the comparison. */
static uint64_t timer_ctl(uint64_t ctl, uint64_t count, uint64_t cval)
{
	ctl &= CNT_ENABLE | CNT_IMASK;
	if ((ctl & CNT_ENABLE) && count >= cval)
		ctl |= CNT_ISTATUS;
	return ctl;
}

static uint64_t read_cntv_ctl(const a64_hart *h)
{
	return timer_ctl(h->cntv_ctl, read_cntvct(h), h->cntv_cval);
}

static void write_cntv_ctl(a64_hart *h, uint64_t v)
{
	h->cntv_ctl = v & (CNT_ENABLE | CNT_IMASK);
}

static uint64_t read_cntp_ctl(const a64_hart *h)
{
	return timer_ctl(h->cntp_ctl, read_cntpct(h), h->cntp_cval);
}

static void write_cntp_ctl(a64_hart *h, uint64_t v)
{
	h->cntp_ctl = v & (CNT_ENABLE | CNT_IMASK);
}

/* TVAL: the signed 32-bit distance from the count to CVAL. */
static uint64_t read_cntv_tval(const a64_hart *h)
{
	return (uint32_t)(h->cntv_cval - read_cntvct(h));
}

static void write_cntv_tval(a64_hart *h, uint64_t v)
{
	h->cntv_cval = read_cntvct(h) + (uint64_t)(int64_t)(int32_t)v;
}

static uint64_t read_cntp_tval(const a64_hart *h)
{
	return (uint32_t)(h->cntp_cval - read_cntpct(h));
}

static void write_cntp_tval(a64_hart *h, uint64_t v)
{
	h->cntp_cval = read_cntpct(h) + (uint64_t)(int64_t)(int32_t)v;
}

uint32_t a64_timer_ppis(const a64_hart *h)
{
	uint32_t ppis = 0;
	if ((read_cntv_ctl(h) & (CNT_ISTATUS | CNT_IMASK)) == CNT_ISTATUS)
		ppis |= UINT32_C(1) << A64_PPI_VTIMER;
	if ((read_cntp_ctl(h) & (CNT_ISTATUS | CNT_IMASK)) == CNT_ISTATUS)
		ppis |= UINT32_C(1) << A64_PPI_PTIMER;
	return ppis;
}

static uint64_t deadline_of(uint64_t ctl, uint64_t cval, uint64_t offset)
{
	if ((ctl & (CNT_ENABLE | CNT_IMASK)) != CNT_ENABLE)
		return UINT64_MAX;
	return cval + offset < cval ? UINT64_MAX : cval + offset; /* in CNTPCT units */
}

uint64_t a64_update_timers(a64_hart *h)
{
	uint64_t now = a64_time(h);
	uint64_t v = deadline_of(h->cntv_ctl, h->cntv_cval, h->cntvoff_el2);
	uint64_t p = deadline_of(h->cntp_ctl, h->cntp_cval, 0);
	uint64_t next = UINT64_MAX;
	if (h->timer_irq_wired)
		h->irq_line = a64_timer_ppis(h) != 0;
	if (v > now && v < next)
		next = v;
	if (p > now && p < next)
		next = p;
	h->timer_deadline = next == UINT64_MAX ? UINT64_MAX : h->icount + (next - now);
	return h->timer_deadline;
}

/* ---- the table ----------------------------------------------------------------------------------
 */

#define EL0 A64_EL0
#define EL1 A64_EL1
#define EL2 A64_EL2
#define NO  A64_SR_NEVER

/* A plain field. */
#define F(name, key, field, rd, wr, trap, xlate)                                                   \
	{                                                                                          \
		name, key, FIELD(field), rd, wr, trap, xlate, NULL, NULL                           \
	}
/* Accessors. */
#define A(name, key, rd, wr, trap, read, write)                                                    \
	{                                                                                          \
		name, key, 0, rd, wr, trap, false, read, write                                     \
	}

static const a64_sysreg table[] = {
    /* identification */
    A("MIDR_EL1", KEY(3, 0, 0, 0, 0), EL1, NO, A64_SR_NONE, read_midr, NULL),
    A("MPIDR_EL1", KEY(3, 0, 0, 0, 5), EL1, NO, A64_SR_NONE, read_mpidr, NULL),
    F("REVIDR_EL1", KEY(3, 0, 0, 0, 6), revidr, EL1, NO, A64_SR_TID1, false),
    A("AIDR_EL1", KEY(3, 1, 0, 0, 7), EL1, NO, A64_SR_TID1, read_zero, NULL),
    F("ID_AA64PFR0_EL1", KEY(3, 0, 0, 4, 0), id_aa64pfr0, EL1, NO, A64_SR_TID3, false),
    F("ID_AA64DFR0_EL1", KEY(3, 0, 0, 5, 0), id_aa64dfr0, EL1, NO, A64_SR_TID3, false),
    F("ID_AA64ISAR0_EL1", KEY(3, 0, 0, 6, 0), id_aa64isar0, EL1, NO, A64_SR_TID3, false),
    F("ID_AA64ISAR1_EL1", KEY(3, 0, 0, 6, 1), id_aa64isar1, EL1, NO, A64_SR_TID3, false),
    F("ID_AA64MMFR0_EL1", KEY(3, 0, 0, 7, 0), id_aa64mmfr0, EL1, NO, A64_SR_TID3, false),
    F("ID_AA64MMFR1_EL1", KEY(3, 0, 0, 7, 1), id_aa64mmfr1, EL1, NO, A64_SR_TID3, false),
    F("CTR_EL0", KEY(3, 3, 0, 0, 1), ctr, EL0, NO, A64_SR_CTR, false),
    A("DCZID_EL0", KEY(3, 3, 0, 0, 7), EL0, NO, A64_SR_NONE, read_dczid, NULL),
    A("CCSIDR_EL1", KEY(3, 1, 0, 0, 0), EL1, NO, A64_SR_TID2, read_zero, NULL),
    F("CLIDR_EL1", KEY(3, 1, 0, 0, 1), clidr, EL1, NO, A64_SR_TID2, false),
    F("CSSELR_EL1", KEY(3, 2, 0, 0, 0), csselr_el1, EL1, EL1, A64_SR_TID2, false),
    /* EL1 memory system and exception handling */
    A("SCTLR_EL1", KEY(3, 0, 1, 0, 0), EL1, EL1, A64_SR_TVM, read_sctlr_el1, write_sctlr_el1),
    F("ACTLR_EL1", KEY(3, 0, 1, 0, 1), actlr_el1, EL1, EL1, A64_SR_TACR, false),
    F("CPACR_EL1", KEY(3, 0, 1, 0, 2), cpacr_el1, EL1, EL1, A64_SR_TCPAC, false),
    F("TTBR0_EL1", KEY(3, 0, 2, 0, 0), mmu.ttbr0_el1, EL1, EL1, A64_SR_TVM, true),
    F("TTBR1_EL1", KEY(3, 0, 2, 0, 1), mmu.ttbr1_el1, EL1, EL1, A64_SR_TVM, true),
    F("TCR_EL1", KEY(3, 0, 2, 0, 2), mmu.tcr_el1, EL1, EL1, A64_SR_TVM, true),
    F("SPSR_EL1", KEY(3, 0, 4, 0, 0), spsr_el1, EL1, EL1, A64_SR_NONE, false),
    F("ELR_EL1", KEY(3, 0, 4, 0, 1), elr_el1, EL1, EL1, A64_SR_NONE, false),
    A("SP_EL0", KEY(3, 0, 4, 1, 0), EL1, EL1, A64_SR_SP_EL0, read_sp_el0, write_sp_el0),
    A("SPSel", KEY(3, 0, 4, 2, 0), EL1, EL1, A64_SR_NONE, read_spsel, write_spsel),
    A("CurrentEL", KEY(3, 0, 4, 2, 2), EL1, NO, A64_SR_NONE, read_current_el, NULL),
    A("NZCV", KEY(3, 3, 4, 2, 0), EL0, EL0, A64_SR_NONE, read_nzcv, write_nzcv),
    A("DAIF", KEY(3, 3, 4, 2, 1), EL0, EL0, A64_SR_UMA, read_daif, write_daif),
    F("FPCR", KEY(3, 3, 4, 4, 0), fpcr, EL0, EL0, A64_SR_FP, false),
    F("FPSR", KEY(3, 3, 4, 4, 1), fpsr, EL0, EL0, A64_SR_FP, false),
    F("AFSR0_EL1", KEY(3, 0, 5, 1, 0), afsr0_el1, EL1, EL1, A64_SR_TVM, false),
    F("AFSR1_EL1", KEY(3, 0, 5, 1, 1), afsr1_el1, EL1, EL1, A64_SR_TVM, false),
    F("ESR_EL1", KEY(3, 0, 5, 2, 0), esr_el1, EL1, EL1, A64_SR_TVM, false),
    F("FAR_EL1", KEY(3, 0, 6, 0, 0), far_el1, EL1, EL1, A64_SR_TVM, false),
    F("PAR_EL1", KEY(3, 0, 7, 4, 0), par_el1, EL1, EL1, A64_SR_NONE, false),
    F("MAIR_EL1", KEY(3, 0, 10, 2, 0), mmu.mair_el1, EL1, EL1, A64_SR_TVM, true),
    F("AMAIR_EL1", KEY(3, 0, 10, 3, 0), amair_el1, EL1, EL1, A64_SR_TVM, false),
    F("VBAR_EL1", KEY(3, 0, 12, 0, 0), vbar_el1, EL1, EL1, A64_SR_NONE, false),
    A("ISR_EL1", KEY(3, 0, 12, 1, 0), EL1, NO, A64_SR_NONE, read_isr, NULL),
    /* The one GICv3 CPU-interface register modelled: a hypervisor with IMO set emulates SGIs
     * (there is no interrupt controller; with IMO clear the write goes nowhere). */
    A("ICC_SGI1R_EL1", KEY(3, 0, 12, 11, 5), NO, EL1, A64_SR_IMO, NULL, write_ignored),
    F("CONTEXTIDR_EL1", KEY(3, 0, 13, 0, 1), contextidr_el1, EL1, EL1, A64_SR_TVM, false),
    F("TPIDR_EL1", KEY(3, 0, 13, 0, 4), tpidr_el1, EL1, EL1, A64_SR_NONE, false),
    F("TPIDR_EL0", KEY(3, 3, 13, 0, 2), tpidr_el0, EL0, EL0, A64_SR_NONE, false),
    F("TPIDRRO_EL0", KEY(3, 3, 13, 0, 3), tpidrro_el0, EL0, EL1, A64_SR_NONE, false),
    F("CNTKCTL_EL1", KEY(3, 0, 14, 1, 0), cntkctl_el1, EL1, EL1, A64_SR_NONE, false),
    /* debug: what a kernel touches at boot */
    F("MDSCR_EL1", KEY(2, 0, 0, 2, 2), mdscr_el1, EL1, EL1, A64_SR_NONE, false),
    A("OSLAR_EL1", KEY(2, 0, 1, 0, 4), NO, EL1, A64_SR_NONE, NULL, write_ignored),
    A("OSLSR_EL1", KEY(2, 0, 1, 1, 4), EL1, NO, A64_SR_NONE, read_oslsr, NULL),
    F("OSDLR_EL1", KEY(2, 0, 1, 3, 4), osdlr_el1, EL1, EL1, A64_SR_NONE, false),
    /* the generic timer */
    F("CNTFRQ_EL0", KEY(3, 3, 14, 0, 0), cntfrq, EL0, EL2, A64_SR_CNTFRQ, false),
    A("CNTPCT_EL0", KEY(3, 3, 14, 0, 1), EL0, NO, A64_SR_CNTPCT, read_cntpct, NULL),
    A("CNTVCT_EL0", KEY(3, 3, 14, 0, 2), EL0, NO, A64_SR_CNTVCT, read_cntvct, NULL),
    A("CNTP_TVAL_EL0", KEY(3, 3, 14, 2, 0), EL0, EL0, A64_SR_CNTP, read_cntp_tval, write_cntp_tval),
    A("CNTP_CTL_EL0", KEY(3, 3, 14, 2, 1), EL0, EL0, A64_SR_CNTP, read_cntp_ctl, write_cntp_ctl),
    F("CNTP_CVAL_EL0", KEY(3, 3, 14, 2, 2), cntp_cval, EL0, EL0, A64_SR_CNTP, false),
    A("CNTV_TVAL_EL0", KEY(3, 3, 14, 3, 0), EL0, EL0, A64_SR_CNTV, read_cntv_tval, write_cntv_tval),
    A("CNTV_CTL_EL0", KEY(3, 3, 14, 3, 1), EL0, EL0, A64_SR_CNTV, read_cntv_ctl, write_cntv_ctl),
    F("CNTV_CVAL_EL0", KEY(3, 3, 14, 3, 2), cntv_cval, EL0, EL0, A64_SR_CNTV, false),
    /* EL2: the hypervisor's controls and the syndrome registers an exit latches */
    F("VPIDR_EL2", KEY(3, 4, 0, 0, 0), vpidr_el2, EL2, EL2, A64_SR_NONE, false),
    F("VMPIDR_EL2", KEY(3, 4, 0, 0, 5), vmpidr_el2, EL2, EL2, A64_SR_NONE, false),
    A("SCTLR_EL2", KEY(3, 4, 1, 0, 0), EL2, EL2, A64_SR_NONE, read_sctlr_el2, write_sctlr_el2),
    F("HCR_EL2", KEY(3, 4, 1, 1, 0), mmu.hcr_el2, EL2, EL2, A64_SR_NONE, true),
    F("CPTR_EL2", KEY(3, 4, 1, 1, 2), cptr_el2, EL2, EL2, A64_SR_NONE, false),
    F("VTTBR_EL2", KEY(3, 4, 2, 1, 0), mmu.vttbr_el2, EL2, EL2, A64_SR_NONE, true),
    F("VTCR_EL2", KEY(3, 4, 2, 1, 2), mmu.vtcr_el2, EL2, EL2, A64_SR_NONE, true),
    F("SPSR_EL2", KEY(3, 4, 4, 0, 0), spsr_el2, EL2, EL2, A64_SR_NONE, false),
    F("ELR_EL2", KEY(3, 4, 4, 0, 1), elr_el2, EL2, EL2, A64_SR_NONE, false),
    A("SP_EL1", KEY(3, 4, 4, 1, 0), EL2, EL2, A64_SR_NONE, read_sp_el1, write_sp_el1),
    F("ESR_EL2", KEY(3, 4, 5, 2, 0), esr_el2, EL2, EL2, A64_SR_NONE, false),
    F("FAR_EL2", KEY(3, 4, 6, 0, 0), far_el2, EL2, EL2, A64_SR_NONE, false),
    F("HPFAR_EL2", KEY(3, 4, 6, 0, 4), hpfar_el2, EL2, EL2, A64_SR_NONE, false),
    F("VBAR_EL2", KEY(3, 4, 12, 0, 0), vbar_el2, EL2, EL2, A64_SR_NONE, false),
    F("TPIDR_EL2", KEY(3, 4, 13, 0, 2), tpidr_el2, EL2, EL2, A64_SR_NONE, false),
    F("CNTVOFF_EL2", KEY(3, 4, 14, 0, 3), cntvoff_el2, EL2, EL2, A64_SR_NONE, false),
    F("CNTHCTL_EL2", KEY(3, 4, 14, 1, 0), cnthctl_el2, EL2, EL2, A64_SR_NONE, false),
};

/* The rest of the ID space (op0 3, op1 0, CRn 0, CRm 1..7) reads as zero. */
static const a64_sysreg id_raz = A("ID (reserved, RAZ)", 0, EL1, NO, A64_SR_TID3, read_zero, NULL);

static bool in_id_space(uint16_t key)
{
	return DEC_A64_SYSREG_OP0(key) == 3 && DEC_A64_SYSREG_OP1(key) == 0 &&
	       DEC_A64_SYSREG_CRN(key) == 0 && DEC_A64_SYSREG_CRM(key) >= 1;
}

const a64_sysreg *a64_sysreg_find(uint16_t key)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].key == key)
			return &table[i];
	return in_id_space(key) ? &id_raz : NULL;
}

const a64_sysreg *a64_sysreg_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (strcasecmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

const a64_sysreg *a64_sysreg_table(size_t *count)
{
	*count = sizeof table / sizeof table[0];
	return table;
}

static uint64_t *field_of(a64_hart *h, const a64_sysreg *r)
{
	return (uint64_t *)((char *)h + r->offset);
}

static uint64_t sysreg_get(const a64_hart *h, const a64_sysreg *r)
{
	if (r->read)
		return r->read(h);
	return *(const uint64_t *)((const char *)h + r->offset);
}

static void sysreg_set(a64_hart *h, const a64_sysreg *r, uint64_t v)
{
	if (r->write)
		r->write(h, v);
	else
		*field_of(h, r) = v;
	if (r->xlate)
		a64_tlb_flush(h);
}

bool a64_sysreg_peek(const a64_hart *h, uint16_t key, uint64_t *val)
{
	const a64_sysreg *r = a64_sysreg_find(key);
	if (!r || (!r->read && !r->offset))
		return false;
	*val = sysreg_get(h, r);
	return true;
}

bool a64_sysreg_poke(a64_hart *h, uint16_t key, uint64_t val)
{
	const a64_sysreg *r = a64_sysreg_find(key);
	if (!r || (!r->write && !r->offset))
		return false;
	sysreg_set(h, r, val);
	return true;
}

/* ---- MRS and MSR: who may access what -----------------------------------------------------------
 */

typedef enum refusal {
	ALLOWED,
	UNDEFINED,
	TRAP_EL1, /* EC 0x18 to EL1 (an EL0 access the EL1 controls disable) */
	TRAP_EL2, /* EC 0x18 to EL2 */
	FP_EL1,	  /* EC 0x07 to EL1 */
	FP_EL2,	  /* EC 0x07 to EL2 */
} refusal;

/* CNTKCTL_EL1 enable bits for EL0 accesses, by trap kind. */
static uint64_t cntkctl_enables(unsigned trap)
{
	switch (trap) {
	case A64_SR_CNTPCT: return 1u << 0;
	case A64_SR_CNTVCT: return 1u << 1;
	case A64_SR_CNTFRQ: return 3u;
	case A64_SR_CNTV: return 1u << 8;
	case A64_SR_CNTP: return 1u << 9;
	default: return 0;
	}
}

/* An EL0 access the EL1 controls refuse (they take priority over EL2's traps). */
static refusal el0_check(const a64_hart *h, unsigned trap)
{
	uint64_t sctlr = h->mmu.sctlr_el1, enables = cntkctl_enables(trap);
	if (enables)
		return (h->cntkctl_el1 & enables) ? ALLOWED : TRAP_EL1;
	switch (trap) {
	case A64_SR_UMA: return (sctlr & A64_SCTLR_UMA) ? ALLOWED : TRAP_EL1;
	case A64_SR_CTR: return (sctlr & A64_SCTLR_UCT) ? ALLOWED : TRAP_EL1;
	case A64_SR_FP: return ((h->cpacr_el1 >> 20) & 3) == 3 ? ALLOWED : FP_EL1;
	default: return ALLOWED;
	}
}

static bool hcr(const a64_hart *h, uint64_t bit)
{
	return (h->mmu.hcr_el2 & bit) != 0;
}

/* EL1 (and EL0) accesses the EL2 controls trap. */
static refusal el2_check(const a64_hart *h, unsigned trap, bool write)
{
	switch (trap) {
	case A64_SR_TVM: return hcr(h, write ? A64_HCR_TVM : A64_HCR_TRVM) ? TRAP_EL2 : ALLOWED;
	case A64_SR_TID1: return hcr(h, A64_HCR_TID1) ? TRAP_EL2 : ALLOWED;
	case A64_SR_TID2:
	case A64_SR_CTR: return hcr(h, A64_HCR_TID2) ? TRAP_EL2 : ALLOWED;
	case A64_SR_TID3: return hcr(h, A64_HCR_TID3) ? TRAP_EL2 : ALLOWED;
	case A64_SR_TACR: return hcr(h, A64_HCR_TACR) ? TRAP_EL2 : ALLOWED;
	case A64_SR_IMO: return hcr(h, A64_HCR_IMO) ? TRAP_EL2 : ALLOWED;
	case A64_SR_TCPAC: return (h->cptr_el2 & CPTR_TCPAC) ? TRAP_EL2 : ALLOWED;
	case A64_SR_FP: return (h->cptr_el2 & CPTR_TFP) ? FP_EL2 : ALLOWED;
	case A64_SR_CNTPCT: return (h->cnthctl_el2 & CNTHCTL_PCTEN) ? ALLOWED : TRAP_EL2;
	case A64_SR_CNTP: return (h->cnthctl_el2 & CNTHCTL_PCEN) ? ALLOWED : TRAP_EL2;
	default: return ALLOWED;
	}
}

/* FPEN 0b01 enables EL1 only, 0b11 both; the other values trap EL1 too. */
static refusal fp_el1_check(const a64_hart *h)
{
	unsigned fpen = (unsigned)(h->cpacr_el1 >> 20) & 3;
	return fpen == 1 || fpen == 3 ? ALLOWED : FP_EL1;
}

static refusal access_check(const a64_hart *h, const a64_sysreg *r, bool write)
{
	refusal why = ALLOWED;
	if (!r || h->el < (write ? r->wr_el : r->rd_el))
		return UNDEFINED;
	if (r->trap == A64_SR_SP_EL0 && h->el == A64_EL1 && !h->spsel)
		return UNDEFINED;
	if (h->el == A64_EL0)
		why = el0_check(h, r->trap);
	else if (h->el == A64_EL1 && r->trap == A64_SR_FP)
		why = fp_el1_check(h);
	if (why == ALLOWED && h->el < A64_EL2)
		why = el2_check(h, r->trap, write);
	return why;
}

/* ISS of EC 0x18: Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10], Rt [9:5], CRm [4:1],
 * Direction [0] (1 = read). */
static uint32_t sysreg_iss(uint16_t key, unsigned rt, bool read)
{
	return DEC_A64_SYSREG_OP0(key) << 20 | DEC_A64_SYSREG_OP2(key) << 17 |
	       DEC_A64_SYSREG_OP1(key) << 14 | DEC_A64_SYSREG_CRN(key) << 10 | rt << 5 |
	       DEC_A64_SYSREG_CRM(key) << 1 | (read ? 1u : 0u);
}

static void refuse(a64_hart *h, refusal why, uint16_t key, unsigned rt, bool read)
{
	uint32_t sys = (uint32_t)EC_SYS64 << 26 | sysreg_iss(key, rt, read);
	uint32_t fp = (uint32_t)EC_FP << 26 | ISS_CV_AL;
	switch (why) {
	case TRAP_EL1: a64_exception(h, A64_EL1, sys, h->pc, false, 0, 0); break;
	case TRAP_EL2: a64_exception(h, A64_EL2, sys, h->pc, false, 0, 0); break;
	case FP_EL1: a64_exception(h, A64_EL1, fp, h->pc, false, 0, 0); break;
	case FP_EL2: a64_exception(h, A64_EL2, fp, h->pc, false, 0, 0); break;
	default: a64_undefined(h); break;
	}
}

bool a64_mrs(a64_hart *h, const a64_sysreg *r, uint16_t key, unsigned rt, uint64_t *val)
{
	refusal why = access_check(h, r, false);
	if (why != ALLOWED) {
		refuse(h, why, key, rt, true);
		return false;
	}
	*val = sysreg_get(h, r);
	return true;
}

bool a64_msr(a64_hart *h, const a64_sysreg *r, uint16_t key, unsigned rt, uint64_t val)
{
	refusal why = access_check(h, r, true);
	if (why != ALLOWED) {
		refuse(h, why, key, rt, false);
		return false;
	}
	sysreg_set(h, r, val);
	return true;
}

/* MSR (immediate): the decoder only lets SPSel (op1 0, op2 5), DAIFSet and DAIFClr (op1 3,
 * op2 6/7) through. At EL0, SPSel is UNDEFINED and DAIFSet/DAIFClr need SCTLR_EL1.UMA. */
bool a64_msr_pstate(a64_hart *h, uint16_t key, unsigned imm)
{
	unsigned op2 = DEC_A64_SYSREG_OP2(key);
	if (h->el == A64_EL0 && op2 == 5) {
		a64_undefined(h);
		return false;
	}
	if (h->el == A64_EL0 && !(h->mmu.sctlr_el1 & A64_SCTLR_UMA)) {
		refuse(h, TRAP_EL1, key, 31, false);
		return false;
	}
	if (op2 == 5)
		a64_set_el(h, h->el, imm & 1);
	else if (op2 == 6)
		h->daif |= (uint8_t)(imm & 15);
	else
		h->daif &= (uint8_t) ~(imm & 15);
	return true;
}

/* ---- SYS: cache maintenance, TLB maintenance, address translation ------------------------------
 */

enum { SYS_NOP, SYS_TLBI, SYS_DC_ZVA, SYS_AT };

/* A system instruction: who may run it, what traps it. Cache maintenance has nothing to do
 * here (there are no caches; stores already invalidate decoded code), so it is a NOP that never
 * faults. */
typedef struct sys_op {
	uint64_t el0_enable; /* the SCTLR_EL1 bit that lets EL0 run it (else EC 0x18 to EL1) */
	uint64_t hcr_trap;   /* the HCR_EL2 bit that traps it from EL0 and EL1 to EL2 */
	uint16_t key;
	uint8_t kind;
	uint8_t min_el;
	uint8_t at_el; /* AT: the EL whose stage 1 it walks */
	bool at_write;
} sys_op;

static const sys_op sys_ops[] = {
    {0, A64_HCR_TPU, KEY(1, 0, 7, 1, 0), SYS_NOP, EL1, 0, false},		 /* IC IALLUIS */
    {0, A64_HCR_TPU, KEY(1, 0, 7, 5, 0), SYS_NOP, EL1, 0, false},		 /* IC IALLU */
    {A64_SCTLR_UCI, A64_HCR_TPU, KEY(1, 3, 7, 5, 1), SYS_NOP, EL0, 0, false},	 /* IC IVAU */
    {0, A64_HCR_TPC, KEY(1, 0, 7, 6, 1), SYS_NOP, EL1, 0, false},		 /* DC IVAC */
    {0, A64_HCR_TSW, KEY(1, 0, 7, 6, 2), SYS_NOP, EL1, 0, false},		 /* DC ISW */
    {0, A64_HCR_TSW, KEY(1, 0, 7, 10, 2), SYS_NOP, EL1, 0, false},		 /* DC CSW */
    {0, A64_HCR_TSW, KEY(1, 0, 7, 14, 2), SYS_NOP, EL1, 0, false},		 /* DC CISW */
    {A64_SCTLR_DZE, A64_HCR_TDZ, KEY(1, 3, 7, 4, 1), SYS_DC_ZVA, EL0, 0, false}, /* DC ZVA */
    {A64_SCTLR_UCI, A64_HCR_TPC, KEY(1, 3, 7, 10, 1), SYS_NOP, EL0, 0, false},	 /* DC CVAC */
    {A64_SCTLR_UCI, A64_HCR_TPU, KEY(1, 3, 7, 11, 1), SYS_NOP, EL0, 0, false},	 /* DC CVAU */
    {A64_SCTLR_UCI, A64_HCR_TPC, KEY(1, 3, 7, 14, 1), SYS_NOP, EL0, 0, false},	 /* DC CIVAC */
    {0, 0, KEY(1, 0, 7, 8, 0), SYS_AT, EL1, EL1, false},			 /* AT S1E1R */
    {0, 0, KEY(1, 0, 7, 8, 1), SYS_AT, EL1, EL1, true},				 /* AT S1E1W */
    {0, 0, KEY(1, 0, 7, 8, 2), SYS_AT, EL1, EL0, false},			 /* AT S1E0R */
    {0, 0, KEY(1, 0, 7, 8, 3), SYS_AT, EL1, EL0, true},				 /* AT S1E0W */
};

/* TLBI: op1 0, CRn 8, CRm 3 (Inner Shareable) or 7 at EL1 (HCR_EL2.TTLB traps them); op1 4,
 * CRn 8 at EL2. Every one flushes the whole soft TLB. */
static const sys_op tlbi_el1 = {0, A64_HCR_TTLB, 0, SYS_TLBI, EL1, 0, false};
static const sys_op tlbi_el2 = {0, 0, 0, SYS_TLBI, EL2, 0, false};

static const sys_op *sys_op_find(uint16_t key)
{
	unsigned op1 = DEC_A64_SYSREG_OP1(key), crm = DEC_A64_SYSREG_CRM(key);
	if (DEC_A64_SYSREG_CRN(key) == 8 && op1 == 0 && (crm == 3 || crm == 7))
		return &tlbi_el1;
	if (DEC_A64_SYSREG_CRN(key) == 8 && op1 == 4)
		return &tlbi_el2;
	for (size_t i = 0; i < sizeof sys_ops / sizeof sys_ops[0]; i++)
		if (sys_ops[i].key == key)
			return &sys_ops[i];
	return NULL;
}

static refusal sys_check(const a64_hart *h, const sys_op *op)
{
	if (!op || h->el < op->min_el)
		return UNDEFINED;
	if (h->el == A64_EL0 && !(h->mmu.sctlr_el1 & op->el0_enable))
		return TRAP_EL1;
	if (h->el < A64_EL2 && (h->mmu.hcr_el2 & op->hcr_trap))
		return TRAP_EL2;
	return ALLOWED;
}

#define DC_ZVA_BYTES 64 /* DCZID_EL0.BS = 4 */

/* DC ZVA zeroes the naturally aligned block as a store would (a Device block is an Alignment
 * fault, faults are Data Aborts with WnR = 1). */
static bool dc_zva(a64_hart *h, uint64_t va)
{
	a64_access acc = {.type = A64_ACC_WRITE, .el = h->el};
	a64_fault f;
	uint64_t pa;
	bool device;
	va &= ~(uint64_t)(DC_ZVA_BYTES - 1);
	if (!a64_translate(h, va, acc, &pa, &device, &f) ||
	    (device && (f = (a64_fault){.alignment = true, .va = va}, true))) {
		a64_abort(h, &f, A64_ABORT_WRITE, 0);
		return false;
	}
	for (unsigned off = 0; off < DC_ZVA_BYTES; off += 8)
		if (!a64_store_slow(h, va + off, 8, false, true, 0, &f)) {
			a64_abort(h, &f, A64_ABORT_WRITE, 0);
			return false;
		}
	return true;
}

#define PAR_F	    UINT64_C(1)
#define PAR_RES1    (UINT64_C(1) << 11)
#define PAR_PA_MASK UINT64_C(0x0000fffffffff000)
#define PAR_ATTR_WB (UINT64_C(0xff) << 56)

/* AT S1E1x/S1E0x: stage 1 only; PAR_EL1 gets the output address (an IPA when stage 2 is on)
 * or the fault. A stage-2 fault on a descriptor read is taken to EL2 (CM = 1, WnR = 1). The
 * memory attributes are approximated: Device-nGnRnE or Normal Write-Back. */
static bool address_translate(a64_hart *h, const sys_op *op, uint64_t va)
{
	a64_access acc = {.type = op->at_write ? A64_ACC_WRITE : A64_ACC_READ, .el = op->at_el};
	a64_xlate x;
	bool stage1_ok = a64_mmu_translate(&h->mmu, h->bus, va, acc, &x, NULL) ||
			 (x.fault.stage == 2 && !x.fault.s1ptw);
	if (stage1_ok) {
		h->par_el1 = (x.ipa & PAR_PA_MASK) | (x.device ? 0 : PAR_ATTR_WB);
		return true;
	}
	if (x.fault.stage == 2) {
		a64_fault f = {.mmu = x.fault, .va = va};
		a64_abort(h, &f, A64_ABORT_CM, 0);
		return false;
	}
	h->par_el1 = PAR_F | (uint64_t)x.fault.fsc << 1 | PAR_RES1;
	return true;
}

bool a64_sys(a64_hart *h, uint16_t key, unsigned rt, uint64_t val)
{
	const sys_op *op = sys_op_find(key);
	refusal why = sys_check(h, op);
	if (why != ALLOWED) {
		refuse(h, why, key, rt, false);
		return false;
	}
	switch (op->kind) {
	case SYS_TLBI: a64_tlb_flush(h); return true;
	case SYS_DC_ZVA: return dc_zva(h, val);
	case SYS_AT: return address_translate(h, op, val);
	default: return true;
	}
}
