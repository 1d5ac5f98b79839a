/* The virt machine's AArch64 side: EL1 guests under the native EL2 hypervisor (src/hv/hv_a64*),
 * laid out as QEMU's arm virt machine: RAM at IPA 0x40000000, a PL011 UART at 0x09000000.
 *
 * There is no interrupt controller yet. The virtual timer and SGIs reach the guest as
 * HCR_EL2.VI, a level the VMM sets: at every resume VI = the virtual timer asserts its
 * interrupt, or an SGI was sent to the vCPU since its last exit (an SGI counts as delivered at
 * the target's next exit). A hart that runs into a timer deadline stops (A64_STOP_TIMER) so the
 * level is updated in time; a vCPU halted in WFI wakes when the level is up.
 */
#include "emu/a64_hart.h"
#include "emu/virt_arch.h"

#include <inttypes.h>
#include <string.h>

enum { EM_AARCH64 = 183 };

#define A64_VIRT_RAM_IPA  UINT64_C(0x40000000)
#define A64_VIRT_UART_IPA UINT64_C(0x09000000)
#define HCR_VI		  (UINT64_C(1) << 7)

/* ESR_ELx classes the HAL reports for a guest-memory read that faults */
enum { EC_IABT_LOW = 0x20, EC_IABT_CUR = 0x21, EC_DABT_LOW = 0x24, EC_DABT_CUR = 0x25 };

static a64_hart *hart(emu_virt *m, unsigned id)
{
	return &m->vcpu[id].a64;
}

static const a64_hart *chart(const emu_virt *m, unsigned id)
{
	return &m->vcpu[id].a64;
}

/* The EL the guest was at when it trapped (SPSR_EL2.M[3:2]), for its translation regime. */
static unsigned guest_el(const a64_hart *h)
{
	unsigned el = (unsigned)(h->spsr_el2 >> 2) & 3;
	return el < 2 ? el : 1;
}

static bool vtimer_asserted(const a64_hart *h)
{
	return (a64_timer_ppis(h) >> A64_PPI_VTIMER) & 1;
}

/* ---- the HAL calls that touch a hart -------------------------------------------------------- */

static void hal_stage2_flush(void *ctx)
{
	emu_virt *m = ctx;
	for (unsigned i = 0; i < m->cfg.harts && !m->hold_effects; i++)
		a64_tlb_flush(hart(m, i));
}

/* The guest's own translation (stage 1, then stage 2) from the EL it trapped from, as AT S12E1R
 * and a load would do it for a hypervisor. A fault comes back as the ESR it would raise. */
static bool hal_guest_read(void *ctx, unsigned vcpu, uint64_t gva, unsigned len, bool fetch,
			   uint64_t *out, hv_fault *f)
{
	a64_hart *h = hart(ctx, vcpu);
	a64_access acc = {.type = fetch ? A64_ACC_EXEC : A64_ACC_READ, .el = (uint8_t)guest_el(h)};
	a64_xlate x;
	if (a64_mmu_translate(&h->mmu, h->bus, gva, acc, &x, NULL) &&
	    emu_phys_read(h->bus, x.pa, len, out))
		return true;
	unsigned ec = x.fault.stage == 2 ? (fetch ? EC_IABT_LOW : EC_DABT_LOW)
					 : (fetch ? EC_IABT_CUR : EC_DABT_CUR);
	unsigned fsc = x.fault.kind == A64_MMU_FAULT_NONE ? 0x10 : x.fault.fsc; /* no RAM: SEA */
	*f = (hv_fault){.cause = (uint64_t)ec << 26 | UINT64_C(1) << 25 |
				 (uint64_t)x.fault.s1ptw << 7 | fsc,
			.tval = gva,
			.tval2 = x.fault.hpfar};
	return false;
}

static void hal_set_timer(void *ctx, unsigned vcpu, uint64_t deadline)
{
	(void)ctx, (void)vcpu, (void)deadline; /* the guest programs its own timers directly */
}

/* HCR_EL2.VI of the running hart (the vCPU block's copy is the hypervisor's). */
static void hal_set_virq(void *ctx, unsigned vcpu, unsigned irq, bool pending)
{
	emu_virt *m = ctx;
	a64_hart *h = hart(m, vcpu);
	uint64_t bit = UINT64_C(1) << irq;
	if (m->hold_effects)
		return;
	h->mmu.hcr_el2 = pending ? h->mmu.hcr_el2 | bit : h->mmu.hcr_el2 & ~bit;
	emu_virt_action_step(m);
	emu_virt_action_add(m, "vCPU %u HCR_EL2.%s <- %d", vcpu, irq == 7 ? "VI" : "?", pending);
}

static void hal_guest_tlb_flush(void *ctx, unsigned vcpu)
{
	emu_virt *m = ctx;
	if (!m->hold_effects)
		a64_tlb_flush(hart(m, vcpu));
}

/* ---- the world switch ------------------------------------------------------------------------
 * The guest's X registers, SP_EL0, ELR_EL2 and SPSR_EL2 go to the TrapFrame, its EL1 system
 * registers and the EL2 controls of the VM to the system-register block; ERET re-enters it. */

#define SR(field, hart_field)                                                                      \
	{                                                                                          \
		offsetof(hv_a64_sysregs, field), offsetof(a64_hart, hart_field)                    \
	}

static const struct switched_sysreg {
	uint16_t block; /* offset in hv_a64_sysregs */
	uint16_t hart;	/* offset in a64_hart */
} switched[] = {
    SR(elr_el1, elr_el1),	  SR(spsr_el1, spsr_el1),	SR(actlr_el1, actlr_el1),
    SR(cpacr_el1, cpacr_el1),	  SR(amair_el1, amair_el1),	SR(esr_el1, esr_el1),
    SR(far_el1, far_el1),	  SR(par_el1, par_el1),		SR(afsr0_el1, afsr0_el1),
    SR(afsr1_el1, afsr1_el1),	  SR(vbar_el1, vbar_el1),	SR(contextidr_el1, contextidr_el1),
    SR(csselr_el1, csselr_el1),	  SR(mdscr_el1, mdscr_el1),	SR(tpidr_el0, tpidr_el0),
    SR(tpidrro_el0, tpidrro_el0), SR(tpidr_el1, tpidr_el1),	SR(cntkctl_el1, cntkctl_el1),
    SR(cntv_ctl_el0, cntv_ctl),	  SR(cntv_cval_el0, cntv_cval), SR(cntp_ctl_el0, cntp_ctl),
    SR(cntp_cval_el0, cntp_cval), SR(cntvoff_el2, cntvoff_el2), SR(cnthctl_el2, cnthctl_el2),
    SR(vmpidr_el2, vmpidr_el2),	  SR(vpidr_el2, vpidr_el2),
};

/* The registers translation reads: a change flushes the soft TLBs. */
static const struct switched_sysreg translation[] = {
    SR(sctlr_el1, mmu.sctlr_el1), SR(ttbr0_el1, mmu.ttbr0_el1), SR(ttbr1_el1, mmu.ttbr1_el1),
    SR(tcr_el1, mmu.tcr_el1),	  SR(mair_el1, mmu.mair_el1),	SR(hcr_el2, mmu.hcr_el2),
    SR(vttbr_el2, mmu.vttbr_el2), SR(vtcr_el2, mmu.vtcr_el2),
};

static uint64_t *block_slot(hv_a64_sysregs *b, const struct switched_sysreg *s)
{
	return (uint64_t *)((char *)b + s->block);
}

static uint64_t *hart_slot(a64_hart *h, const struct switched_sysreg *s)
{
	return (uint64_t *)((char *)h + s->hart);
}

static void copy_out(a64_hart *h, hv_a64_sysregs *b, const struct switched_sysreg *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		*block_slot(b, &t[i]) = *hart_slot(h, &t[i]);
}

/* Copies the block's values in; true when one differed. */
static bool copy_in(a64_hart *h, hv_a64_sysregs *b, const struct switched_sysreg *t, size_t n)
{
	bool changed = false;
	for (size_t i = 0; i < n; i++) {
		changed |= *hart_slot(h, &t[i]) != *block_slot(b, &t[i]);
		*hart_slot(h, &t[i]) = *block_slot(b, &t[i]);
	}
	return changed;
}

static void switch_save(emu_virt *m, unsigned id)
{
	a64_hart *h = hart(m, id);
	hv_a64_vcpu *c = &m->a64_vm.vcpu[id];
	memcpy(c->tf.x, h->x, sizeof c->tf.x);
	c->tf.sp_el0 = h->sp_el[0];
	c->tf.elr = h->elr_el2;
	c->tf.spsr = h->spsr_el2;
	c->sys.sp_el1 = h->sp_el[1];
	copy_out(h, &c->sys, switched, sizeof switched / sizeof *switched);
	copy_out(h, &c->sys, translation, sizeof translation / sizeof *translation);
	c->esr_el2 = h->esr_el2;
	c->far_el2 = h->far_el2;
	c->hpfar_el2 = h->hpfar_el2;
	m->vcpu[id].a64_saved = *c;
	m->vcpu[id].sgi_pending = false; /* delivered: the guest ran since it was sent */
}

/* VI at entry: the virtual timer's level, or an SGI not yet delivered. */
static void update_virq(emu_virt *m, unsigned id)
{
	a64_hart *h = hart(m, id);
	hv_a64_vcpu *c = &m->a64_vm.vcpu[id];
	bool level = vtimer_asserted(h) || m->vcpu[id].sgi_pending;
	if (level != ((c->sys.hcr_el2 & HCR_VI) != 0))
		hv_a64_inject_virq(&m->a64_vm, c, level);
}

static void switch_restore(emu_virt *m, unsigned id, bool full)
{
	a64_hart *h = hart(m, id);
	hv_a64_vcpu *c = &m->a64_vm.vcpu[id];
	(void)full; /* plain fields: writing them all costs what comparing them would */
	memcpy(h->x, c->tf.x, sizeof c->tf.x);
	h->sp_el[0] = c->tf.sp_el0;
	h->sp_el[1] = c->sys.sp_el1;
	h->elr_el2 = c->tf.elr;
	h->spsr_el2 = c->tf.spsr;
	copy_in(h, &c->sys, switched, sizeof switched / sizeof *switched);
	if (copy_in(h, &c->sys, translation, sizeof translation / sizeof *translation)) {
		a64_tlb_flush(h);
		a64_ctx_update(h);
	}
	a64_update_timers(h);
	update_virq(m, id);
	if (!a64_eret(h)) {
		m->status = EMU_VIRT_FAILED;
		snprintf(m->report, sizeof m->report,
			 "vCPU %u: ERET into the guest was illegal (SPSR_EL2 0x%" PRIx64 ")", id,
			 c->tf.spsr);
	}
}

/* ---- building ----------------------------------------------------------------------------------
 */

static bool hart_setup(emu_virt *m, unsigned id)
{
	a64_hart *h = hart(m, id);
	if (!a64_hart_init(h, &m->host, m->a64_vm.vcpu[id].mpidr, 0))
		return false;
	a64_set_el(h, A64_EL2, true); /* the hypervisor's side: entered by ERET */
	h->el1_trap_stop = m->cfg.record_guest_traps;
	h->timer_irq_wired = false;
	return true;
}

static void hart_free(emu_virt *m, unsigned id)
{
	a64_hart_free(hart(m, id));
}

static bool add_devices(emu_virt *m)
{
	return emu_add_pl011(&m->mmio, A64_VIRT_UART_IPA) != NULL;
}

static bool vm_init(emu_virt *m, char *err, size_t errlen)
{
	m->hal.stage2_flush = hal_stage2_flush;
	m->hal.guest_read = hal_guest_read;
	m->hal.set_timer = hal_set_timer;
	m->hal.set_virq = hal_set_virq;
	m->hal.guest_tlb_flush = hal_guest_tlb_flush;
	hv_a64_vm_init(&m->a64_vm, &m->hal, m->cfg.harts);
	/* --gstage sv48x4 asks for the 4-level tables: a 48-bit IPA here */
	bool ipa48 = m->cfg.gstage == HV_PT_A64_IPA48 || m->cfg.gstage == HV_PT_RV_SV48X4;
	hv_err e =
	    hv_aspace_init(&m->a64_vm.aspace, &m->hal, ipa48 ? HV_PT_A64_IPA48 : HV_PT_A64_IPA39, 0,
			   UINT64_C(1) << (ipa48 ? 48 : 39));
	if (e != HV_OK)
		snprintf(err, errlen, "cannot create the guest address space: %s", hv_err_text(e));
	return e == HV_OK;
}

static hv_aspace *aspace(emu_virt *m)
{
	return &m->a64_vm.aspace;
}

static void *vm(emu_virt *m)
{
	return &m->a64_vm;
}

/* vCPU id starts at entry in EL1h with x0 = arg: the boot vCPU, and PSCI CPU_ON. */
static void vcpu_start(emu_virt *m, unsigned id, uint64_t entry, uint64_t arg)
{
	hv_a64_vcpu_start(&m->a64_vm, id, entry, arg);
}

/* ---- running ----------------------------------------------------------------------------------
 */

static emu_hart_stop hart_stop(emu_virt *m, unsigned id, a64_stop why)
{
	switch (why) {
	case A64_STOP_BUDGET: return EMU_HART_BUDGET;
	case A64_STOP_WFI: return EMU_HART_WAIT;
	case A64_STOP_MACHINE: return EMU_HART_MACHINE;
	case A64_STOP_EXIT: return EMU_HART_EXIT;
	case A64_STOP_EL1_TRAP: return EMU_HART_GUEST_TRAP;
	case A64_STOP_TIMER: /* the virtual timer's level changed: VI follows it */
		if (vtimer_asserted(hart(m, id)))
			hv_a64_inject_virq(&m->a64_vm, &m->a64_vm.vcpu[id], true);
		return EMU_HART_BUDGET;
	case A64_STOP_STEP: break;
	}
	return EMU_HART_STEP;
}

static emu_hart_stop run(emu_virt *m, unsigned id, uint64_t budget)
{
	return hart_stop(m, id, a64_run(hart(m, id), budget));
}

static emu_hart_stop step(emu_virt *m, unsigned id)
{
	return hart_stop(m, id, a64_step(hart(m, id)));
}

static uint64_t time_of(const emu_virt *m, unsigned id)
{
	return a64_time(chart(m, id));
}

static void idle(emu_virt *m, unsigned id, uint64_t ticks)
{
	hart(m, id)->idle_ticks += ticks;
}

static uint64_t icount(const emu_virt *m, unsigned id)
{
	return chart(m, id)->icount;
}

/* In machine time (retired instructions plus idle time); the hart counts its deadline in
 * retired instructions. */
static uint64_t next_deadline(emu_virt *m, unsigned id)
{
	a64_hart *h = hart(m, id);
	uint64_t at = a64_update_timers(h);
	return at == UINT64_MAX ? UINT64_MAX : at - h->icount + a64_time(h);
}

/* A vCPU halted in WFI wakes when its VI level is up: the virtual timer fired or an SGI came. */
static bool wake_on_interrupt(emu_virt *m, unsigned id)
{
	a64_hart *h = hart(m, id);
	a64_update_timers(h);
	if (!vtimer_asserted(h) && !m->vcpu[id].sgi_pending && !(h->mmu.hcr_el2 & HCR_VI))
		return false;
	h->wfi = false;
	return true;
}

static bool guest_pc(const emu_virt *m, unsigned id, uint64_t *pc)
{
	const a64_hart *h = chart(m, id);
	*pc = h->pc;
	return h->el < A64_EL2;
}

/* ---- an exit ----------------------------------------------------------------------------------
 */

/* The trapping instruction's address: ELR, except where the preferred return address is the
 * next instruction (SVC, HVC). */
static uint64_t trap_pc(const a64_trap *t)
{
	unsigned ec = (unsigned)(t->esr >> 26) & 0x3f;
	bool after = t->type == A64_EXC_SYNC && (ec == 0x15 || ec == 0x16);
	return after ? t->elr - 4 : t->elr;
}

static void event_insn(a64_hart *h, emu_event *ev)
{
	unsigned ec = (unsigned)(ev->a64.esr >> 26) & 0x3f;
	a64_access acc = {.type = A64_ACC_EXEC, .el = ev->a64.from_el < 2 ? ev->a64.from_el : 1};
	a64_xlate x;
	uint64_t raw;
	ev->has_insn = false;
	if (ev->a64.esr == 0 || ec == EC_IABT_LOW || ec == EC_IABT_CUR || ec == 0x22)
		return; /* an interrupt, or there is no instruction to read */
	if (!a64_mmu_translate(&h->mmu, h->bus, ev->pc, acc, &x, NULL) ||
	    !emu_phys_read(h->bus, x.pa, 4, &raw))
		return;
	ev->has_insn = true;
	ev->insn = (uint32_t)raw;
	ev->insn_len = 4;
}

static void event_begin(emu_virt *m, unsigned id, emu_event *ev, bool want_insn)
{
	a64_hart *h = hart(m, id);
	const a64_trap *t = &h->last_trap;
	ev->arch = DEC_ARCH_AARCH64;
	ev->icount = h->icount;
	ev->pc = trap_pc(t);
	ev->a64 = (emu_a64_trap){.esr = t->esr,
				 .far = t->far_valid ? t->far : 0,
				 .hpfar = t->hpfar,
				 .elr = t->elr,
				 .spsr = t->spsr,
				 .from_el = t->from_el,
				 .to_el = t->to_el};
	if (ev->guest_trap)
		ev->resume_pc = h->pc;
	if (want_insn)
		event_insn(h, ev);
}

static void handle_exit(emu_virt *m, unsigned id, hv_exit *out)
{
	static const hv_a64_exit_kind kinds[] = {[A64_EXC_SYNC] = HV_A64_EXIT_SYNC,
						 [A64_EXC_IRQ] = HV_A64_EXIT_IRQ,
						 [A64_EXC_FIQ] = HV_A64_EXIT_FIQ,
						 [A64_EXC_SERROR] = HV_A64_EXIT_SYNC};
	hv_a64_handle_exit(&m->a64_vm, &m->a64_vm.vcpu[id], kinds[hart(m, id)->last_trap.type & 3],
			   out);
}

static void wake(emu_virt *m, unsigned id)
{
	(void)m, (void)id; /* WFI and CPU_SUSPEND (standby) resume where they stopped */
}

static uint64_t complete_mmio_read(emu_virt *m, unsigned id, const hv_exit *e, uint64_t val,
				   uint64_t val2)
{
	hv_a64_vcpu *c = &m->a64_vm.vcpu[id];
	hv_a64_complete_mmio_read(c, e, val, val2);
	return hv_a64_xreg(c, e->mmio_read.reg);
}

static void set_return(emu_virt *m, unsigned id, uint64_t value)
{
	hv_a64_set_return(&m->a64_vm.vcpu[id], value);
}

static uint64_t resume_pc(const emu_virt *m, unsigned id)
{
	return m->a64_vm.vcpu[id].tf.elr;
}

/* An SGI without a GIC: the target's VI level until its next exit. */
static void raise_ipi(emu_virt *m, unsigned target)
{
	m->vcpu[target].sgi_pending = true;
	hal_set_virq(m, target, HV_A64_VIRQ_VI, true);
}

/* A sysreg exit the hypervisor leaves to the VMM: ID registers (HCR_EL2.TID3) read as the
 * hart's, ACTLR_EL1 (TACR) reads 0 and ignores writes. */
static void act_sysreg(emu_virt *m, unsigned id, const hv_exit *e)
{
	hv_a64_vcpu *c = &m->a64_vm.vcpu[id];
	uint64_t val = 0;
	if (e->kind == HV_EXIT_SYSREG_WRITE) {
		emu_virt_action_step(m);
		emu_virt_action_add(m, "system register write ignored");
		return;
	}
	uint64_t a = e->sysreg_read.addr; /* ESR_EL2.ISS with Rt and the direction cleared */
	uint16_t key = DEC_A64_SYSREG((a >> 20) & 3, (a >> 14) & 7, (a >> 10) & 15, (a >> 1) & 15,
				      (a >> 17) & 7);
	const a64_sysreg *r = a64_sysreg_find(key);
	if (r)
		a64_sysreg_peek(hart(m, id), key, &val);
	hv_a64_complete_sysreg_read(c, e, val);
	emu_virt_action_step(m);
	emu_virt_action_add(m, "%s -> 0x%" PRIx64, r ? r->name : "unknown system register", val);
}

static bool down_is_failure(const emu_virt *m, unsigned id, const hv_exit *e)
{
	(void)m, (void)id, (void)e;
	return false; /* PSCI SYSTEM_OFF carries no reason */
}

static const char *down_how(const hv_exit *e)
{
	(void)e;
	return "PSCI SYSTEM_OFF";
}

static void describe_start(emu_virt *m, const hv_exit *e)
{
	emu_virt_action_add(m, "vCPU %u starts at 0x%" PRIx64 " in EL1h with x0 = 0x%" PRIx64,
			    (unsigned)e->cpu_up.target, e->cpu_up.entry, e->cpu_up.arg);
}

const emu_virt_arch emu_virt_a64 = {
    .name = "aarch64",
    .elf_machine = EM_AARCH64,
    .ram_gpa = A64_VIRT_RAM_IPA,
    .add_devices = add_devices,
    .vm_init = vm_init,
    .aspace = aspace,
    .hart_setup = hart_setup,
    .hart_free = hart_free,
    .vcpu_start = vcpu_start,
    .vm_size = sizeof(hv_a64_vm),
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
    .act_sysreg = act_sysreg,
    .down_is_failure = down_is_failure,
    .down_how = down_how,
    .describe_start = describe_start,
};
