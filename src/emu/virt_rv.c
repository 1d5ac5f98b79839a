/* The virt machine's RISC-V side: harts in VS-mode, the H-extension world switch, the
 * hypervisor's RISC-V exit handler (src/hv/hv_rv*.c) and the HAL calls that touch a hart. */
#include "emu/rv_csrfile.h"
#include "emu/virt_arch.h"

#include <inttypes.h>
#include <string.h>

enum { EM_RISCV = 243 };

#define HVIP_VSSIP 2
#define SBI_SRST   UINT64_C(0x53525354)

static rv_hart *hart(emu_virt *m, unsigned id)
{
	return &m->vcpu[id].hart;
}

static const rv_hart *chart(const emu_virt *m, unsigned id)
{
	return &m->vcpu[id].hart;
}

/* ---- the HAL calls that touch a hart -------------------------------------------------------- */

/* hfence.gvma on every hart: G-stage entries are cached in the soft TLBs. */
static void hal_stage2_flush(void *ctx)
{
	emu_virt *m = ctx;
	for (unsigned i = 0; i < m->cfg.harts && !m->hold_effects; i++)
		rv_tlb_flush(hart(m, i));
}

/* HLV / HLVX: the guest's translation (vsatp, hgatp) at the privilege hstatus.SPVP names. */
static bool hal_guest_read(void *ctx, unsigned vcpu, uint64_t gva, unsigned len, bool fetch,
			   uint64_t *out, hv_fault *f)
{
	rv_hart *h = hart(ctx, vcpu);
	rv_xlate x = {
	    .priv = (h->hstatus & HS_SPVP) ? RV_PRIV_S : RV_PRIV_U, .virt = true, .hlvx = fetch};
	rv_fault rf;
	if (rv_load_slow(h, gva, len, &x, out, &rf))
		return true;
	*f = (hv_fault){.cause = rf.cause, .tval = rf.tval, .tval2 = rf.tval2};
	return false;
}

static void hal_set_timer(void *ctx, unsigned vcpu, uint64_t deadline)
{
	emu_virt *m = ctx;
	if (m->hold_effects)
		return;
	hart(m, vcpu)->stimecmp = deadline;
	emu_virt_action_step(m);
	if (deadline == UINT64_MAX)
		emu_virt_action_add(m, "host timer of hart %u off", vcpu);
	else
		emu_virt_action_add(m, "host timer of hart %u <- %" PRIu64, vcpu, deadline);
}

static void hal_set_virq(void *ctx, unsigned vcpu, unsigned irq, bool pending)
{
	emu_virt *m = ctx;
	static const char *const names[] = {[2] = "VSSIP", [6] = "VSTIP", [10] = "VSEIP"};
	rv_hart *h = hart(m, vcpu);
	uint64_t bit = UINT64_C(1) << irq;
	if (m->hold_effects)
		return;
	h->hvip = pending ? h->hvip | bit : h->hvip & ~bit;
	emu_virt_action_step(m);
	emu_virt_action_add(m, "hart %u hvip.%s <- %d", vcpu,
			    irq < sizeof names / sizeof *names && names[irq] ? names[irq] : "?",
			    pending);
}

static void hal_guest_tlb_flush(void *ctx, unsigned vcpu)
{
	emu_virt *m = ctx;
	if (!m->hold_effects)
		rv_tlb_flush(hart(m, vcpu));
}

/* ---- the world switch ------------------------------------------------------------------------
 * What the assembly around `sret` does on hardware: the guest's GPRs and the CSRs that belong
 * to it while it runs move between the hart and the vCPU register block. On entry only the CSRs
 * the handler changed are written back, through the CSR file so that WARL rules and
 * translation-regime changes apply. */

/* hart_field: the rv_hart field that holds the CSR as rv_csr_peek returns it, read directly on
 * the exit path (a peek costs a switch over every CSR); VIEW for CSRs that are views of others
 * (sstatus of mstatus, vsie of mie), which go through rv_csr_peek. */
#define VIEW UINT16_MAX
#define CSR(name, field, hart_field, restore)                                                      \
	{                                                                                          \
		RV_CSR_##name, offsetof(hv_rv_vcpu, field), hart_field, restore                    \
	}
#define PLAIN(name, field, restore) CSR(name, field, offsetof(rv_hart, field), restore)

static const struct switched_csr {
	uint16_t csr;
	uint16_t offset;
	uint16_t hart_field;
	bool restore; /* false: latched by hardware, read-only to the world switch */
} switched_csrs[] = {
    CSR(SSTATUS, sstatus, VIEW, true),	 PLAIN(HSTATUS, hstatus, true),
    PLAIN(SCOUNTEREN, scounteren, true), PLAIN(SEPC, sepc, true),
    PLAIN(HTIMEDELTA, htimedelta, true), PLAIN(VSSTATUS, vsstatus, true),
    CSR(VSIE, vsie, VIEW, true),	 PLAIN(VSTVEC, vstvec, true),
    PLAIN(VSSCRATCH, vsscratch, true),	 PLAIN(VSEPC, vsepc, true),
    PLAIN(VSCAUSE, vscause, true),	 PLAIN(VSTVAL, vstval, true),
    PLAIN(VSATP, vsatp, true),		 PLAIN(VSTIMECMP, vstimecmp, true),
    PLAIN(SCAUSE, scause, false),	 PLAIN(STVAL, stval, false),
    PLAIN(HTVAL, htval, false),		 PLAIN(HTINST, htinst, false),
};

static uint64_t *csr_slot(hv_rv_vcpu *c, const struct switched_csr *s)
{
	return (uint64_t *)((char *)c + s->offset);
}

static void switch_save(emu_virt *m, unsigned id)
{
	rv_hart *h = hart(m, id);
	hv_rv_vcpu *c = &m->vm.vcpu[id];
	c->gpr[0] = 0;
	memcpy(&c->gpr[1], &h->x[1], 31 * sizeof(uint64_t));
	for (size_t i = 0; i < sizeof switched_csrs / sizeof *switched_csrs; i++) {
		const struct switched_csr *s = &switched_csrs[i];
		if (s->hart_field == VIEW)
			rv_csr_peek(h, s->csr, csr_slot(c, s));
		else
			memcpy(csr_slot(c, s), (const char *)h + s->hart_field, sizeof(uint64_t));
	}
	m->vcpu[id].saved = *c;
}

/* Writes the block back (all of it when full, else what changed) and returns to VS-mode. */
static void switch_restore(emu_virt *m, unsigned id, bool full)
{
	emu_vcpu *v = &m->vcpu[id];
	rv_hart *h = &v->hart;
	hv_rv_vcpu *c = &m->vm.vcpu[id];
	memcpy(&h->x[1], &c->gpr[1], 31 * sizeof(uint64_t));
	for (size_t i = 0; i < sizeof switched_csrs / sizeof *switched_csrs; i++) {
		const struct switched_csr *s = &switched_csrs[i];
		uint64_t val = *csr_slot(c, s);
		if (s->restore && (full || val != *csr_slot(&v->saved, s)))
			rv_csr_write(h, s->csr, val);
	}
	unsigned exc = rv_sret(h);
	if (exc) { /* the block asked for something sret cannot do: a hypervisor bug */
		m->status = EMU_VIRT_FAILED;
		snprintf(m->report, sizeof m->report,
			 "hart %u: sret into the guest raised exception %u (hstatus 0x%" PRIx64 ")",
			 id, exc, c->hstatus);
	}
}

/* ---- building ---------------------------------------------------------------------------------
 * The host side of each hart is set up once, as a hypervisor's per-CPU init would: everything
 * below M delegated to HS, the H-extension delegation KVM uses, Sstc for the host timer, all
 * counters readable, HS interrupts enabled so that they end a guest run. */

static const struct {
	uint16_t csr;
	uint64_t value;
} host_csrs[] = {
    {RV_CSR_MEDELEG, UINT64_C(0xf0b7ff)},
    {RV_CSR_MIDELEG, UINT64_C(0x1666)}, /* SSI, STI, SEI, the VS interrupts, SGEI */
    {RV_CSR_MENVCFG, ENVCFG_STCE},
    {RV_CSR_MCOUNTEREN, UINT64_C(0xffffffff)},
    {RV_CSR_HEDELEG, HV_RV_HEDELEG},
    {RV_CSR_HIDELEG, HV_RV_HIDELEG},
    {RV_CSR_HCOUNTEREN, UINT64_C(0xffffffff)},
    {RV_CSR_HENVCFG, ENVCFG_STCE},
    {RV_CSR_SIE, UINT64_C(0x222)}, /* SSIE, STIE, SEIE */
};

static bool hart_setup(emu_virt *m, unsigned id)
{
	rv_hart *h = hart(m, id);
	if (!rv_hart_init(h, &m->host, id, 0))
		return false;
	for (size_t i = 0; i < sizeof host_csrs / sizeof *host_csrs; i++)
		rv_csr_write(h, host_csrs[i].csr, host_csrs[i].value);
	rv_csr_write(h, RV_CSR_HGATP, hv_aspace_hgatp(&m->vm.aspace, 0));
	h->priv = RV_PRIV_S;
	rv_regime_changed(h);
	h->htinst_mode = m->cfg.htinst;
	h->hs_exit = true;
	h->vs_trap_stop = m->cfg.record_guest_traps;
	return true;
}

static void hart_free(emu_virt *m, unsigned id)
{
	rv_hart_free(hart(m, id));
}

static bool add_devices(emu_virt *m)
{
	return emu_add_uart16550(&m->mmio, EMU_VIRT_UART_GPA) &&
	       emu_add_test_finisher(&m->mmio, EMU_VIRT_TEST_GPA);
}

static bool vm_init(emu_virt *m, char *err, size_t errlen)
{
	m->hal.stage2_flush = hal_stage2_flush;
	m->hal.guest_read = hal_guest_read;
	m->hal.set_timer = hal_set_timer;
	m->hal.set_virq = hal_set_virq;
	m->hal.guest_tlb_flush = hal_guest_tlb_flush;
	hv_rv_vm_init(&m->vm, &m->hal, m->cfg.harts);
	unsigned gpa_bits = m->cfg.gstage == HV_PT_RV_SV48X4 ? 50 : 41;
	hv_err e =
	    hv_aspace_init(&m->vm.aspace, &m->hal, m->cfg.gstage, 0, UINT64_C(1) << gpa_bits);
	if (e != HV_OK)
		snprintf(err, errlen, "cannot create the guest address space: %s", hv_err_text(e));
	return e == HV_OK;
}

static hv_aspace *aspace(emu_virt *m)
{
	return &m->vm.aspace;
}

static void *vm(emu_virt *m)
{
	return &m->vm;
}

/* Hart id (a0) starts at entry with a1 = arg: the boot hart, and SBI HSM HART_START. */
static void vcpu_start(emu_virt *m, unsigned id, uint64_t entry, uint64_t arg)
{
	hv_rv_vcpu_start(&m->vm, id, entry, arg);
}

/* ---- running ----------------------------------------------------------------------------------
 */

static emu_hart_stop hart_stop(rv_stop why)
{
	static const emu_hart_stop stops[] = {
	    [RV_STOP_BUDGET] = EMU_HART_BUDGET,	  [RV_STOP_WFI] = EMU_HART_WAIT,
	    [RV_STOP_MACHINE] = EMU_HART_MACHINE, [RV_STOP_HS_TRAP] = EMU_HART_EXIT,
	    [RV_STOP_STEP] = EMU_HART_STEP,	  [RV_STOP_VS_TRAP] = EMU_HART_GUEST_TRAP,
	};
	return stops[why];
}

static emu_hart_stop run(emu_virt *m, unsigned id, uint64_t budget)
{
	return hart_stop(rv_run(hart(m, id), budget));
}

static emu_hart_stop step(emu_virt *m, unsigned id)
{
	return hart_stop(rv_step(hart(m, id)));
}

static uint64_t time_of(const emu_virt *m, unsigned id)
{
	return rv_time(chart(m, id));
}

static void idle(emu_virt *m, unsigned id, uint64_t ticks)
{
	hart(m, id)->idle_ticks += ticks;
}

static uint64_t icount(const emu_virt *m, unsigned id)
{
	return chart(m, id)->icount;
}

static uint64_t next_deadline(emu_virt *m, unsigned id)
{
	return rv_update_timers(hart(m, id));
}

/* An interrupt pending and enabled in mie (hie/vsie for the VS interrupts, sie for the
 * host's), whatever the global enables say: WFI's rule. */
static bool wake_on_interrupt(emu_virt *m, unsigned id)
{
	rv_hart *h = hart(m, id);
	rv_update_timers(h);
	if (!(rv_mip(h) & h->mie))
		return false;
	h->wfi = false;
	return true;
}

static bool guest_pc(const emu_virt *m, unsigned id, uint64_t *pc)
{
	const rv_hart *h = chart(m, id);
	*pc = h->pc;
	return h->virt;
}

/* ---- an exit ----------------------------------------------------------------------------------
 */

/* The instruction at pc as the guest at priv sees it (HLVX), for the event: none when the
 * trap was an instruction fetch fault or the fetch faults now. */
static void event_insn(rv_hart *h, emu_event *ev, uint8_t priv)
{
	rv_xlate x = {.priv = priv, .virt = true, .hlvx = true};
	uint64_t lo, hi = 0;
	rv_fault f;
	static const uint64_t fetch_faults = (1u << RV_EXC_INSN_MISALIGNED) |
					     (1u << RV_EXC_INSN_ACCESS) | (1u << RV_EXC_INSN_PAGE) |
					     (1u << RV_EXC_INSN_GUEST_PAGE);
	ev->has_insn = false;
	if ((ev->trap.cause & RV_CAUSE_INTERRUPT) || ((fetch_faults >> ev->trap.cause) & 1))
		return;
	if (!rv_load_slow(h, ev->trap.epc, 2, &x, &lo, &f))
		return;
	if ((lo & 3) == 3 && !rv_load_slow(h, ev->trap.epc + 2, 2, &x, &hi, &f))
		return;
	ev->has_insn = true;
	ev->insn_len = (lo & 3) == 3 ? 4 : 2;
	ev->insn = (uint32_t)(lo | hi << 16);
}

static void event_begin(emu_virt *m, unsigned id, emu_event *ev, bool want_insn)
{
	rv_hart *h = hart(m, id);
	ev->arch = DEC_ARCH_RISCV64;
	ev->icount = h->icount;
	ev->pc = h->last_trap.epc;
	ev->trap = h->last_trap;
	ev->hstatus = h->hstatus;
	if (ev->guest_trap)
		ev->resume_pc = h->pc;
	if (want_insn)
		event_insn(h, ev, h->last_trap.from_priv);
}

static void handle_exit(emu_virt *m, unsigned id, hv_exit *out)
{
	hv_rv_handle_exit(&m->vm, &m->vm.vcpu[id], out);
}

static void wake(emu_virt *m, unsigned id)
{
	hv_rv_vcpu_wake(&m->vm, &m->vm.vcpu[id]);
}

static uint64_t complete_mmio_read(emu_virt *m, unsigned id, const hv_exit *e, uint64_t val,
				   uint64_t val2)
{
	(void)val2; /* RISC-V loads one register */
	hv_rv_vcpu *c = &m->vm.vcpu[id];
	hv_rv_complete_mmio_read(c, e, val);
	return e->mmio_read.reg ? c->gpr[e->mmio_read.reg] : 0;
}

static void set_return(emu_virt *m, unsigned id, uint64_t value)
{
	hv_rv_set_return(&m->vm.vcpu[id], value);
}

static uint64_t resume_pc(const emu_virt *m, unsigned id)
{
	return m->vm.vcpu[id].sepc;
}

static void raise_ipi(emu_virt *m, unsigned target)
{
	hal_set_virq(m, target, HVIP_VSSIP, true);
}

static bool down_is_failure(const emu_virt *m, unsigned id, const hv_exit *e)
{
	return e->has_call && e->call.ext == SBI_SRST && m->vm.vcpu[id].gpr[11] == 1;
}

static const char *down_how(const hv_exit *e)
{
	return e->has_call && e->call.ext == SBI_SRST ? "SBI SRST shutdown" : "SBI legacy shutdown";
}

static void describe_start(emu_virt *m, const hv_exit *e)
{
	emu_virt_action_add(m, "hart %u starts at 0x%" PRIx64 " with a0 = %u, a1 = 0x%" PRIx64,
			    (unsigned)e->cpu_up.target, e->cpu_up.entry, (unsigned)e->cpu_up.target,
			    e->cpu_up.arg);
}

const emu_virt_arch emu_virt_rv = {
    .name = "riscv64",
    .elf_machine = EM_RISCV,
    .ram_gpa = EMU_VIRT_RAM_GPA,
    .add_devices = add_devices,
    .vm_init = vm_init,
    .aspace = aspace,
    .hart_setup = hart_setup,
    .hart_free = hart_free,
    .vcpu_start = vcpu_start,
    .vm_size = sizeof(hv_rv_vm),
    .vm = vm,
    .run = run,
    .step = step,
    .time = time_of,
    .idle = idle,
    .icount = icount,
    .next_deadline = next_deadline,
    .wake_on_interrupt = wake_on_interrupt,
    .guest_pc = guest_pc,
    .event_begin = event_begin,
    .switch_save = switch_save,
    .switch_restore = switch_restore,
    .handle_exit = handle_exit,
    .wake = wake,
    .complete_mmio_read = complete_mmio_read,
    .set_return = set_return,
    .resume_pc = resume_pc,
    .raise_ipi = raise_ipi,
    .down_is_failure = down_is_failure,
    .down_how = down_how,
    .describe_start = describe_start,
};
