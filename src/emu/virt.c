/* The virt machine: guest harts in VS-mode, the native hypervisor behind every HS trap. */
#include "emu/virt.h"

#include "emu/rv_csrfile.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { EM_RISCV = 243 };

/* Instructions each hart runs per turn: short enough that IPIs and shared-memory handshakes
 * between harts make progress quickly, long enough that switching costs nothing measurable. */
#define EMU_VIRT_QUANTUM 10000

#define HVIP_VSSIP 2
#define WFI_INSN   UINT32_C(0x10500073)

/* ---- host frames: a first-fit bitmap allocator over host physical memory ------------------ */

static bool frames_init(emu_frames *f, uint64_t base, uint64_t size)
{
	f->base = base;
	f->npages = (size_t)(size >> HV_PAGE_SHIFT);
	f->hint = 0;
	f->used = calloc((f->npages + 63) / 64, sizeof(uint64_t));
	return f->used != NULL;
}

static bool frame_used(const emu_frames *f, size_t i)
{
	return (f->used[i / 64] >> (i % 64)) & 1;
}

static void frames_mark(emu_frames *f, size_t first, size_t count, bool used)
{
	for (size_t i = first; i < first + count; i++) {
		uint64_t bit = UINT64_C(1) << (i % 64);
		f->used[i / 64] = used ? f->used[i / 64] | bit : f->used[i / 64] & ~bit;
	}
}

/* The first free run of count frames at an index aligned to align, searched from start. */
static bool frames_find(const emu_frames *f, size_t start, size_t count, size_t align,
			size_t *found)
{
	for (size_t i = (start + align - 1) / align * align; i + count <= f->npages; i += align) {
		size_t n = 0;
		while (n < count && !frame_used(f, i + n))
			n++;
		if (n == count) {
			*found = i;
			return true;
		}
	}
	return false;
}

static uint64_t frames_alloc(emu_frames *f, size_t count, size_t align)
{
	size_t i;
	if (count == 0 || align == 0)
		return 0;
	if (!frames_find(f, f->hint, count, align, &i) && !frames_find(f, 0, count, align, &i))
		return 0;
	frames_mark(f, i, count, true);
	f->hint = i + count;
	return f->base + ((uint64_t)i << HV_PAGE_SHIFT);
}

static void frames_free(emu_frames *f, uint64_t hpa, size_t count)
{
	size_t first = (size_t)((hpa - f->base) >> HV_PAGE_SHIFT);
	if (hpa < f->base || first + count > f->npages)
		return;
	frames_mark(f, first, count, false);
	if (first < f->hint)
		f->hint = first;
}

/* ---- the current event's action line -------------------------------------------------------- */

static void action_add(emu_virt *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void action_add(emu_virt *m, const char *fmt, ...)
{
	if (!m->action_tail || m->action_room <= 1)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(m->action_tail, m->action_room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	size_t used = (size_t)n < m->action_room ? (size_t)n : m->action_room - 1;
	m->action_tail += used;
	m->action_room -= used;
}

/* Action text is only written for someone who reads events. */
static void action_begin(emu_virt *m, emu_event *ev)
{
	ev->action[0] = '\0';
	if (!m->cfg.on_event)
		return;
	m->action_start = m->action_tail = ev->action;
	m->action_room = sizeof ev->action;
}

/* Starts one step of the action: "; " after the steps before it. */
static void action_step(emu_virt *m)
{
	if (m->action_tail && m->action_tail != m->action_start)
		action_add(m, "; ");
}

/* Console bytes as they appear in the action: printable ASCII, escapes for the rest. */
static void action_text(emu_virt *m, const uint8_t *buf, size_t len)
{
	action_add(m, "console <- \"");
	for (size_t i = 0; i < len && m->action_room > 8; i++) {
		uint8_t c = buf[i];
		if (c == '\n')
			action_add(m, "\\n");
		else if (c == '"' || c == '\\')
			action_add(m, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			action_add(m, "%c", c);
		else
			action_add(m, "\\x%02x", c);
	}
	action_add(m, "\"");
}

/* ---- the HAL: what the hypervisor may ask of the machine ----------------------------------- */

static emu_virt *hal_machine(void *ctx)
{
	return ctx;
}

static uint64_t hal_alloc_frames(void *ctx, size_t count, size_t align_pages)
{
	emu_virt *m = ctx;
	return m->hold_effects ? 0 : frames_alloc(&m->frames, count, align_pages);
}

static void hal_free_frames(void *ctx, uint64_t hpa, size_t count)
{
	emu_virt *m = ctx;
	if (!m->hold_effects)
		frames_free(&m->frames, hpa, count);
}

static void *hal_phys_to_virt(void *ctx, uint64_t hpa)
{
	return emu_ram_ptr(&hal_machine(ctx)->host, hpa, 1);
}

/* hfence.gvma on every hart: G-stage entries are cached in the soft TLBs. */
static void hal_stage2_flush(void *ctx)
{
	emu_virt *m = ctx;
	for (unsigned i = 0; i < m->cfg.harts && !m->hold_effects; i++)
		rv_tlb_flush(&m->vcpu[i].hart);
}

/* HLV / HLVX: the guest's translation (vsatp, hgatp) at the privilege hstatus.SPVP names. */
static bool hal_guest_read(void *ctx, unsigned vcpu, uint64_t gva, unsigned len, bool fetch,
			   uint64_t *out, hv_fault *f)
{
	rv_hart *h = &hal_machine(ctx)->vcpu[vcpu].hart;
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
	m->vcpu[vcpu].hart.stimecmp = deadline;
	action_step(m);
	if (deadline == UINT64_MAX)
		action_add(m, "host timer of hart %u off", vcpu);
	else
		action_add(m, "host timer of hart %u <- %" PRIu64, vcpu, deadline);
}

static void hal_set_virq(void *ctx, unsigned vcpu, unsigned irq, bool pending)
{
	emu_virt *m = ctx;
	static const char *const names[] = {[2] = "VSSIP", [6] = "VSTIP", [10] = "VSEIP"};
	rv_hart *h = &m->vcpu[vcpu].hart;
	uint64_t bit = UINT64_C(1) << irq;
	if (m->hold_effects)
		return;
	h->hvip = pending ? h->hvip | bit : h->hvip & ~bit;
	action_step(m);
	action_add(m, "hart %u hvip.%s <- %d", vcpu,
		   irq < sizeof names / sizeof *names && names[irq] ? names[irq] : "?", pending);
}

static void hal_guest_tlb_flush(void *ctx, unsigned vcpu)
{
	emu_virt *m = ctx;
	if (!m->hold_effects)
		rv_tlb_flush(&m->vcpu[vcpu].hart);
}

static size_t hal_console_write(void *ctx, const uint8_t *buf, size_t len)
{
	emu_virt *m = ctx;
	if (m->hold_effects)
		return len;
	size_t n = m->cfg.console ? fwrite(buf, 1, len, m->cfg.console) : len;
	if (m->cfg.console)
		fflush(m->cfg.console);
	action_step(m);
	action_text(m, buf, n);
	return n;
}

static size_t hal_console_read(void *ctx, uint8_t *buf, size_t len)
{
	emu_virt *m = ctx;
	if (!m->cfg.console_in || len == 0 || m->hold_effects)
		return 0;
	ssize_t n;
	do
		n = read(fileno(m->cfg.console_in), buf, len);
	while (n < 0 && errno == EINTR);
	return n > 0 ? (size_t)n : 0;
}

static void hal_init(emu_virt *m)
{
	m->hal = (hv_hal){
	    .ctx = m,
	    .alloc_frames = hal_alloc_frames,
	    .free_frames = hal_free_frames,
	    .phys_to_virt = hal_phys_to_virt,
	    .stage2_flush = hal_stage2_flush,
	    .guest_read = hal_guest_read,
	    .set_timer = hal_set_timer,
	    .set_virq = hal_set_virq,
	    .guest_tlb_flush = hal_guest_tlb_flush,
	    .console_write = hal_console_write,
	    .console_read = hal_console_read,
	};
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
	rv_hart *h = &m->vcpu[id].hart;
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

/* ---- harts ------------------------------------------------------------------------------------
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
	emu_vcpu *v = &m->vcpu[id];
	rv_hart *h = &v->hart;
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
	v->stopped = true;
	v->phase = EMU_PHASE_INSN;
	return true;
}

uint64_t emu_virt_icount(const emu_virt *m)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < m->cfg.harts; i++)
		n += m->vcpu[i].hart.icount;
	return n;
}

/* Harts keep their own clocks (icount + idle time); a hart that ran less than the others, or
 * waited, catches up with machine time before it runs again. */
static void sync_time(emu_virt *m, rv_hart *h)
{
	uint64_t t = rv_time(h);
	if (t < m->now)
		h->idle_ticks += m->now - t;
}

/* ---- events -------------------------------------------------------------------------------- */

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* The instruction at pc as the guest at priv sees it (HLVX), for the event: none when the
 * trap was an instruction fetch fault or the fetch faults now. */
static void event_insn(emu_virt *m, unsigned id, emu_event *ev, uint8_t priv)
{
	rv_hart *h = &m->vcpu[id].hart;
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

static void event_begin(emu_virt *m, unsigned id, bool guest_trap)
{
	emu_vcpu *v = &m->vcpu[id];
	emu_event *ev = &v->ev;
	const rv_trap *t = &v->hart.last_trap;
	memset(ev, 0, offsetof(emu_event, action));
	ev->action[0] = '\0';
	ev->has_resume = false;
	ev->cost_ns = 0;
	ev->icount = v->hart.icount;
	ev->hart = id;
	ev->guest_trap = guest_trap;
	ev->trap = *t;
	ev->hstatus = v->hart.hstatus;
	if (m->cfg.on_event)
		event_insn(m, id, ev, t->from_priv);
}

static void event_emit(emu_virt *m, emu_event *ev)
{
	ev->seq = m->seq++;
	if (ev->guest_trap)
		m->guest_traps++;
	else
		m->exits++;
	if (m->cfg.on_event)
		m->cfg.on_event(m->cfg.event_ctx, ev);
}

/* ---- the machine's side of an exit (what a VMM does with the exit reason) -------------------- */

static void stop_run(emu_virt *m, emu_virt_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void stop_run(emu_virt *m, emu_virt_status status, const char *fmt, ...)
{
	va_list ap;
	m->status = status;
	va_start(ap, fmt);
	vsnprintf(m->report, sizeof m->report, fmt, ap);
	va_end(ap);
}

static void act_finisher(emu_virt *m)
{
	switch (m->mmio.stop) {
	case EMU_STOP_PASS: stop_run(m, EMU_VIRT_SHUTDOWN, "test finisher: pass"); break;
	case EMU_STOP_FAIL:
		stop_run(m, EMU_VIRT_FAILED, "test finisher: fail with code %" PRIu64,
			 m->mmio.stop_code);
		break;
	case EMU_STOP_RESET:
		stop_run(m, EMU_VIRT_SHUTDOWN,
			 "test finisher: reset requested; trapscope stops here");
		break;
	default: break;
	}
}

static void act_mmio(emu_virt *m, emu_vcpu *v, hv_rv_vcpu *c)
{
	const hv_exit *e = &v->exit;
	bool write = e->kind == HV_EXIT_MMIO_WRITE;
	uint64_t addr = write ? e->mmio_write.addr : e->mmio_read.addr;
	unsigned width = write ? e->mmio_write.width : e->mmio_read.width;
	uint64_t val = write ? e->mmio_write.data : 0;
	emu_device *d = emu_bus_find(&m->mmio, addr, width);

	action_step(m);
	if (!d) {
		v->ev.unassigned = true;
		action_add(m, "unassigned GPA 0x%" PRIx64 ": %s", addr,
			   write ? "write dropped" : "read as 0");
	} else {
		uint64_t off = addr - d->base;
		const char *reg = d->reg_name ? d->reg_name(d, off, write) : NULL;
		bool ok = write ? d->write(d, off, width, val) : d->read(d, off, width, &val);
		if (reg)
			action_add(m, "%s: %s", d->name, reg);
		else
			action_add(m, "%s+0x%" PRIx64, d->name, off);
		if (!ok) {
			val = 0;
			action_add(m, ": %u-byte %s not accepted, %s", width,
				   write ? "write" : "read", write ? "dropped" : "read as 0");
		} else {
			action_add(m, " %s 0x%" PRIx64, write ? "<-" : "->", val);
			if (write && reg && strcmp(reg, "THR") == 0 && val >= 0x20 && val < 0x7f)
				action_add(m, " '%c'", (int)val);
		}
	}
	if (!write) {
		hv_rv_complete_mmio_read(c, e, val);
		v->ev.mmio_value = e->mmio_read.reg ? c->gpr[e->mmio_read.reg] : 0;
	}
	act_finisher(m);
}

/* Starts hart target at entry with a1 = arg, as HSM HART_START asked. */
static void act_cpu_up(emu_virt *m, const hv_exit *e)
{
	unsigned t = (unsigned)e->cpu_up.target;
	emu_vcpu *tv = &m->vcpu[t];
	hv_rv_vcpu_start(&m->vm, t, e->cpu_up.entry, e->cpu_up.arg);
	sync_time(m, &tv->hart);
	tv->stopped = false;
	tv->halted = false;
	tv->phase = EMU_PHASE_RESUME;
	switch_restore(m, t, true);
	tv->phase = EMU_PHASE_INSN;
	action_step(m);
	action_add(m, "hart %u starts at 0x%" PRIx64 " with a0 = %u, a1 = 0x%" PRIx64, t,
		   e->cpu_up.entry, t, e->cpu_up.arg);
}

static void act_send_ipi(emu_virt *m, unsigned from, const hv_exit *e)
{
	for (unsigned t = 0; t < m->cfg.harts; t++) {
		bool hit =
		    e->send_ipi.to_all || (t >= e->send_ipi.target && t - e->send_ipi.target < 64 &&
					   ((e->send_ipi.mask >> (t - e->send_ipi.target)) & 1));
		if (hit && !m->vcpu[t].stopped)
			hal_set_virq(m, t, HVIP_VSSIP, true);
	}
	(void)from;
}

static void act_nested_fault(emu_virt *m, unsigned id, const hv_exit *e)
{
	uint64_t gpa = e->nested_page_fault.addr, hpa;
	uint32_t flags;
	if (hv_aspace_handle_page_fault(&m->vm.aspace, gpa, e->nested_page_fault.access) &&
	    hv_aspace_translate(&m->vm.aspace, gpa, &hpa, &flags)) {
		action_step(m);
		action_add(m, "lazy RAM: GPA page 0x%" PRIx64 " now backed by HPA 0x%" PRIx64,
			   gpa & ~(HV_PAGE_SIZE - 1), hpa & ~(HV_PAGE_SIZE - 1));
		return;
	}
	stop_run(m, EMU_VIRT_FAILED,
		 "hart %u: nested page fault (%s) at GPA 0x%" PRIx64
		 " outside RAM and devices; guest pc 0x%" PRIx64,
		 id, hv_access_name(e->nested_page_fault.access), gpa, m->vm.vcpu[id].sepc);
	action_step(m);
	action_add(m, "no RAM or device at GPA 0x%" PRIx64 ": the VM stops", gpa);
}

static void act_system(emu_virt *m, const hv_exit *e, const hv_rv_vcpu *c)
{
	bool srst = e->has_call && e->call.ext == UINT64_C(0x53525354);
	if (e->kind == HV_EXIT_SYSTEM_RESET) {
		stop_run(m, EMU_VIRT_SHUTDOWN,
			 "the guest asked for a %s reboot; trapscope stops here",
			 e->system_reset.warm ? "warm" : "cold");
	} else if (srst && c->gpr[11] == 1) {
		stop_run(m, EMU_VIRT_FAILED,
			 "the guest shut down reporting a system failure "
			 "(SBI SRST reason 1)");
	} else {
		stop_run(m, EMU_VIRT_SHUTDOWN, "the guest powered off (%s)",
			 srst ? "SBI SRST shutdown" : "SBI legacy shutdown");
	}
	action_step(m);
	action_add(m, "%s", m->report);
}

static void act(emu_virt *m, unsigned id)
{
	emu_vcpu *v = &m->vcpu[id];
	hv_rv_vcpu *c = &m->vm.vcpu[id];
	const hv_exit *e = &v->exit;
	switch (e->kind) {
	case HV_EXIT_MMIO_READ:
	case HV_EXIT_MMIO_WRITE: act_mmio(m, v, c); break;
	case HV_EXIT_HYPERCALL:
		hv_rv_set_return(c, 0);
		action_step(m);
		action_add(m, "hypercall 0x%" PRIx64 " answered with a0 = 0", e->hypercall.nr);
		break;
	case HV_EXIT_NESTED_PAGE_FAULT: act_nested_fault(m, id, e); break;
	case HV_EXIT_HALT:
		v->halted = true;
		action_step(m);
		action_add(m, "hart %u waits for an interrupt", id);
		break;
	case HV_EXIT_CPU_UP: act_cpu_up(m, e); break;
	case HV_EXIT_CPU_DOWN:
		v->stopped = true;
		action_step(m);
		action_add(m, "hart %u stopped", id);
		break;
	case HV_EXIT_SYSTEM_DOWN:
	case HV_EXIT_SYSTEM_RESET: act_system(m, e, c); break;
	case HV_EXIT_SEND_IPI: act_send_ipi(m, id, e); break;
	case HV_EXIT_EXTERNAL_INTERRUPT:
		action_step(m);
		action_add(m,
			   "external interrupt %" PRIu64 ": no device on this machine raises one",
			   e->external_interrupt.vector);
		break;
	case HV_EXIT_SYSREG_READ:
	case HV_EXIT_SYSREG_WRITE:
	case HV_EXIT_NOTHING:
	case HV_EXIT_KIND_COUNT: break;
	}
}

/* ---- the five phases ---------------------------------------------------------------------- */

static void phase_trap_entry(emu_virt *m, unsigned id)
{
	switch_save(m, id);
	m->vcpu[id].phase = EMU_PHASE_HANDLER;
}

static void phase_handler(emu_virt *m, unsigned id)
{
	emu_vcpu *v = &m->vcpu[id];
	action_begin(m, &v->ev);
	hv_rv_handle_exit(&m->vm, &m->vm.vcpu[id], &v->exit);
	v->phase = EMU_PHASE_ACTION;
}

static void phase_action(emu_virt *m, unsigned id)
{
	emu_vcpu *v = &m->vcpu[id];
	emu_event *ev = &v->ev;
	act(m, id);
	m->action_tail = NULL;
	ev->exit = v->exit;
	ev->has_resume = m->status == EMU_VIRT_RUNNING && !v->stopped;
	ev->resume_pc = m->vm.vcpu[id].sepc;
	if (m->cfg.measure_cost)
		ev->cost_ns = now_ns() - v->t0_ns;
	event_emit(m, ev);
	v->phase = EMU_PHASE_RESUME;
}

static void phase_resume(emu_virt *m, unsigned id)
{
	emu_vcpu *v = &m->vcpu[id];
	if (v->halted || v->stopped)
		return; /* resumes when an interrupt wakes it / HART_START restarts it */
	switch_restore(m, id, false);
	v->phase = EMU_PHASE_INSN;
}

/* What rv_run / rv_step reported: an exit begins, or a guest trap is recorded. */
static void hart_stopped(emu_virt *m, unsigned id, rv_stop why)
{
	emu_vcpu *v = &m->vcpu[id];
	switch (why) {
	case RV_STOP_HS_TRAP:
		if (m->cfg.measure_cost)
			v->t0_ns = now_ns();
		event_begin(m, id, false);
		v->phase = EMU_PHASE_TRAP_ENTRY;
		break;
	case RV_STOP_VS_TRAP:
		event_begin(m, id, true);
		v->ev.has_resume = true;
		v->ev.resume_pc = v->hart.pc;
		event_emit(m, &v->ev);
		break;
	case RV_STOP_WFI: v->halted = true; break; /* WFI the hypervisor let run (VTW = 0) */
	case RV_STOP_MACHINE:
		stop_run(m, EMU_VIRT_FAILED, "hart %u: the host bus stopped the machine", id);
		break;
	case RV_STOP_BUDGET:
	case RV_STOP_STEP: break;
	}
}

emu_phase emu_virt_advance(emu_virt *m, unsigned id)
{
	emu_vcpu *v = &m->vcpu[id];
	if (m->status != EMU_VIRT_RUNNING || v->stopped)
		return v->phase;
	switch (v->phase) {
	case EMU_PHASE_INSN:
		if (!v->halted)
			hart_stopped(m, id, rv_step(&v->hart));
		break;
	case EMU_PHASE_TRAP_ENTRY: phase_trap_entry(m, id); break;
	case EMU_PHASE_HANDLER: phase_handler(m, id); break;
	case EMU_PHASE_ACTION: phase_action(m, id); break;
	case EMU_PHASE_RESUME: phase_resume(m, id); break;
	}
	return v->phase;
}

/* ---- scheduling ----------------------------------------------------------------------------- */

/* A waiting hart wakes when an interrupt is pending and enabled in mie (hie/vsie for the VS
 * interrupts, sie for the host's), whatever the global enables say: WFI's rule. */
static bool try_wake(emu_virt *m, unsigned id)
{
	emu_vcpu *v = &m->vcpu[id];
	rv_update_timers(&v->hart);
	if (!(rv_mip(&v->hart) & v->hart.mie))
		return false;
	v->halted = false;
	v->hart.wfi = false;
	if (v->phase == EMU_PHASE_RESUME)
		hv_rv_vcpu_wake(&m->vm, &m->vm.vcpu[id]);
	return true;
}

static bool pc_is_stop(const emu_virt_stops *s, uint64_t pc)
{
	for (size_t i = 0; i < s->npcs; i++)
		if (s->pcs[i] == pc)
			return true;
	return false;
}

/* Single steps with a pc check before each instruction: breakpoints cost nothing when there
 * are none, and the fast loop carries no checks. */
static emu_pause step_slice(emu_virt *m, unsigned id, uint64_t end, const emu_virt_stops *s)
{
	rv_hart *h = &m->vcpu[id].hart;
	while (rv_time(h) < end) {
		if (h->virt && pc_is_stop(s, h->pc))
			return EMU_PAUSE_BREAKPOINT;
		rv_stop why = rv_step(h);
		hart_stopped(m, id, why);
		if (why != RV_STOP_STEP)
			return EMU_PAUSE_STOPPED; /* let run_slice look at what happened */
	}
	return EMU_PAUSE_STOPPED;
}

/* Runs hart id until machine time end, a halt, a stop, a pause, or the end of the run. */
static emu_pause run_slice(emu_virt *m, unsigned id, uint64_t end, const emu_virt_stops *s)
{
	emu_vcpu *v = &m->vcpu[id];
	rv_hart *h = &v->hart;
	while (m->status == EMU_VIRT_RUNNING && !v->stopped && !v->halted) {
		if (s->interrupt && *s->interrupt)
			return EMU_PAUSE_INTERRUPT;
		if (v->phase == EMU_PHASE_TRAP_ENTRY && s->exit)
			return EMU_PAUSE_EXIT;
		if (v->phase != EMU_PHASE_INSN) {
			emu_virt_advance(m, id);
			continue;
		}
		uint64_t t = rv_time(h);
		if (t >= end)
			break;
		uint64_t traps = m->guest_traps;
		if (s->npcs) {
			if (step_slice(m, id, end, s) == EMU_PAUSE_BREAKPOINT)
				return EMU_PAUSE_BREAKPOINT;
		} else {
			hart_stopped(m, id, rv_run(h, end - t));
		}
		if (s->guest_trap && m->guest_traps != traps)
			return EMU_PAUSE_GUEST_TRAP;
	}
	return EMU_PAUSE_STOPPED;
}

/* Every hart waits: jump to the earliest timer deadline, or report the deadlock. */
static void skip_idle_time(emu_virt *m)
{
	uint64_t next = UINT64_MAX;
	unsigned waiting = 0;
	for (unsigned i = 0; i < m->cfg.harts; i++) {
		if (m->vcpu[i].stopped)
			continue;
		uint64_t d = rv_update_timers(&m->vcpu[i].hart);
		waiting++;
		if (d < next)
			next = d;
	}
	if (waiting == 0)
		stop_run(m, EMU_VIRT_FAILED,
			 "every hart has stopped (SBI HART_STOP) and none is left to start one");
	else if (next == UINT64_MAX)
		stop_run(m, EMU_VIRT_FAILED,
			 "deadlock: every hart waits for an interrupt and no timer is armed "
			 "(hart 0 at pc 0x%" PRIx64 ")",
			 m->vm.vcpu[0].sepc);
	else if (next > m->now)
		m->now = next;
}

/* One hart's turn of the round; a pause leaves the turn with that hart. */
static emu_pause take_turn(emu_virt *m, const emu_virt_stops *s)
{
	unsigned i = m->turn;
	emu_vcpu *v = &m->vcpu[i];
	if (v->stopped)
		return EMU_PAUSE_STOPPED;
	sync_time(m, &v->hart);
	if (v->halted && !try_wake(m, i))
		return EMU_PAUSE_STOPPED;
	m->round_ran = true;
	return run_slice(m, i, m->now + EMU_VIRT_QUANTUM, s);
}

static void end_round(emu_virt *m)
{
	if (m->round_ran)
		m->now += EMU_VIRT_QUANTUM;
	else
		skip_idle_time(m);
	m->turn = 0;
	m->round_ran = false;
}

emu_pause emu_virt_run_until(emu_virt *m, uint64_t max_insns, const emu_virt_stops *stops,
			     unsigned *hart)
{
	uint64_t start = emu_virt_icount(m);
	while (m->status == EMU_VIRT_RUNNING) {
		for (; m->turn < m->cfg.harts && m->status == EMU_VIRT_RUNNING; m->turn++) {
			emu_pause p = take_turn(m, stops);
			if (p != EMU_PAUSE_STOPPED) {
				*hart = m->turn;
				return p;
			}
		}
		if (m->status != EMU_VIRT_RUNNING)
			break;
		end_round(m);
		if (m->status == EMU_VIRT_RUNNING && emu_virt_icount(m) - start >= max_insns)
			return EMU_PAUSE_BUDGET;
	}
	if (m->cfg.console)
		fflush(m->cfg.console);
	return EMU_PAUSE_STOPPED;
}

emu_virt_status emu_virt_run(emu_virt *m, uint64_t max_insns)
{
	static const emu_virt_stops none = {0};
	unsigned hart;
	if (emu_virt_run_until(m, max_insns, &none, &hart) == EMU_PAUSE_BUDGET)
		m->status = EMU_VIRT_BUDGET;
	if (m->cfg.console)
		fflush(m->cfg.console);
	return m->status;
}

void emu_virt_peek_exit(emu_virt *m, unsigned id, hv_exit *out)
{
	emu_vcpu *v = &m->vcpu[id];
	hv_rv_vm *vm = malloc(sizeof *vm);
	emu_vcpu *keep = malloc(sizeof *keep);
	*out = (hv_exit){.kind = HV_EXIT_NOTHING};
	if (vm && keep && v->phase == EMU_PHASE_TRAP_ENTRY) {
		*vm = m->vm;
		*keep = *v;
		m->hold_effects = true;
		phase_trap_entry(m, id);
		hv_rv_handle_exit(&m->vm, &m->vm.vcpu[id], out);
		m->hold_effects = false;
		m->action_tail = NULL;
		m->vm = *vm;
		*v = *keep;
	}
	free(vm);
	free(keep);
}

/* ---- building the machine ---------------------------------------------------------------- */

/* ELF segments go in through the G-stage tables. Zero fill (bss) is skipped: guest RAM of a
 * new machine is zero already, and writing it would populate lazy RAM the guest never touches. */
static void load_write(void *ctx, uint64_t addr, const uint8_t *src, uint64_t len)
{
	if (src)
		hv_aspace_write(ctx, addr, src, (size_t)len);
}

static bool map_guest_ram(emu_virt *m, char *err, size_t errlen)
{
	const uint32_t flags = HV_MAP_READ | HV_MAP_WRITE | HV_MAP_EXECUTE | HV_MAP_USER;
	uint64_t size = m->cfg.mem_size;
	hv_err e;
	if (m->cfg.ram == EMU_RAM_LINEAR) {
		/* 2 MiB aligned, so the tables can use superpages */
		uint64_t hpa = frames_alloc(&m->frames, (size_t)(size >> HV_PAGE_SHIFT), 512);
		e = hpa ? hv_aspace_map_linear(&m->vm.aspace, EMU_VIRT_RAM_GPA, hpa, size, flags)
			: HV_ERR_NOMEM;
	} else {
		e = hv_aspace_map_alloc(&m->vm.aspace, EMU_VIRT_RAM_GPA, size, flags,
					m->cfg.ram == EMU_RAM_ALLOC);
	}
	if (e != HV_OK)
		snprintf(err, errlen, "cannot map %" PRIu64 " MiB of guest RAM: %s", size >> 20,
			 hv_err_text(e));
	return e == HV_OK;
}

/* Host memory: guest RAM plus room for the G-stage tables of the alloc/lazy backends. */
static uint64_t host_mem_size(uint64_t guest)
{
	uint64_t tables = (guest >> 9) + (UINT64_C(4) << 20);
	return (guest + tables + UINT64_C(0x1fffff)) & ~UINT64_C(0x1fffff);
}

static bool build(emu_virt *m, char *err, size_t errlen)
{
	uint64_t host = host_mem_size(m->cfg.mem_size);
	if (!emu_bus_init(&m->host, EMU_VIRT_HOST_BASE, host) ||
	    !frames_init(&m->frames, EMU_VIRT_HOST_BASE, host)) {
		snprintf(err, errlen, "cannot allocate %" PRIu64 " MiB of host memory", host >> 20);
		return false;
	}
	emu_bus_init_devices(&m->mmio);
	m->mmio.console = m->cfg.console;
	if (!emu_add_uart16550(&m->mmio, EMU_VIRT_UART_GPA) ||
	    !emu_add_test_finisher(&m->mmio, EMU_VIRT_TEST_GPA)) {
		snprintf(err, errlen, "cannot set up the virt machine's devices");
		return false;
	}
	hal_init(m);
	hv_rv_vm_init(&m->vm, &m->hal, m->cfg.harts);
	unsigned gpa_bits = m->cfg.gstage == HV_PT_RV_SV48X4 ? 50 : 41;
	hv_err e =
	    hv_aspace_init(&m->vm.aspace, &m->hal, m->cfg.gstage, 0, UINT64_C(1) << gpa_bits);
	if (e != HV_OK) {
		snprintf(err, errlen, "cannot create the guest address space: %s", hv_err_text(e));
		return false;
	}
	if (!map_guest_ram(m, err, errlen))
		return false;
	emu_load_target t = {EMU_VIRT_RAM_GPA, m->cfg.mem_size, load_write, &m->vm.aspace};
	bool loaded = m->cfg.program_image
			  ? emu_elf_load_target_mem(&t, m->cfg.program_image, m->cfg.program_size,
						    EM_RISCV, &m->elf, err, errlen)
			  : emu_elf_load_target(&t, m->cfg.program, EM_RISCV, &m->elf, err, errlen);
	if (!loaded)
		return false;
	for (unsigned i = 0; i < m->cfg.harts; i++)
		if (!hart_setup(m, i)) {
			snprintf(err, errlen, "cannot allocate hart %u", i);
			return false;
		}
	/* hart 0 enters the guest at the ELF entry with a0 = 0, a1 = 0 (no device tree yet) */
	hv_rv_vcpu_start(&m->vm, 0, m->elf.entry, 0);
	m->vcpu[0].stopped = false;
	switch_restore(m, 0, true);
	return m->status == EMU_VIRT_RUNNING;
}

bool emu_virt_create(emu_virt *m, const emu_virt_config *cfg, char *err, size_t errlen)
{
	memset(m, 0, sizeof *m);
	m->cfg = *cfg;
	if (m->cfg.harts == 0 || m->cfg.harts > EMU_VIRT_MAX_HARTS) {
		snprintf(err, errlen, "%u harts: the virt machine has 1 to %u", m->cfg.harts,
			 EMU_VIRT_MAX_HARTS);
		return false;
	}
	if (!build(m, err, errlen)) {
		if (m->status != EMU_VIRT_RUNNING)
			snprintf(err, errlen, "%s", m->report);
		emu_virt_free(m);
		return false;
	}
	return true;
}

void emu_virt_free(emu_virt *m)
{
	for (unsigned i = 0; i < m->cfg.harts; i++)
		rv_hart_free(&m->vcpu[i].hart);
	if (m->vm.aspace.hal)
		hv_aspace_destroy(&m->vm.aspace);
	emu_elf_free(&m->elf);
	emu_bus_free(&m->mmio);
	emu_bus_free(&m->host);
	free(m->frames.used);
	m->frames.used = NULL;
}
