/* The virt machine, for every architecture: host memory and frames, the device bus, turns on
 * one clock, the five phases of an exit, the VMM's actions, events and the debugger's pauses.
 * What differs per architecture comes through m->arch (virt_arch.h; virt_rv.c). */
#include "emu/virt_arch.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Instructions each hart runs per turn: short enough that IPIs and shared-memory handshakes
 * between harts make progress quickly, long enough that switching costs nothing measurable. */
#define EMU_VIRT_QUANTUM 10000

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

void emu_virt_action_add(emu_virt *m, const char *fmt, ...)
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
void emu_virt_action_step(emu_virt *m)
{
	if (m->action_tail && m->action_tail != m->action_start)
		emu_virt_action_add(m, "; ");
}

/* Console bytes as they appear in the action: printable ASCII, escapes for the rest. */
static void action_text(emu_virt *m, const uint8_t *buf, size_t len)
{
	emu_virt_action_add(m, "console <- \"");
	for (size_t i = 0; i < len && m->action_room > 8; i++) {
		uint8_t c = buf[i];
		if (c == '\n')
			emu_virt_action_add(m, "\\n");
		else if (c == '"' || c == '\\')
			emu_virt_action_add(m, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			emu_virt_action_add(m, "%c", c);
		else
			emu_virt_action_add(m, "\\x%02x", c);
	}
	emu_virt_action_add(m, "\"");
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

static size_t hal_console_write(void *ctx, const uint8_t *buf, size_t len)
{
	emu_virt *m = ctx;
	if (m->hold_effects)
		return len;
	size_t n = m->cfg.console ? fwrite(buf, 1, len, m->cfg.console) : len;
	if (m->cfg.console)
		fflush(m->cfg.console);
	emu_virt_action_step(m);
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
	    .console_write = hal_console_write,
	    .console_read = hal_console_read,
	};
}

uint64_t emu_virt_icount(const emu_virt *m)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < m->cfg.harts; i++)
		n += m->arch->icount(m, i);
	return n;
}

/* Harts keep their own clocks (icount + idle time); a hart that ran less than the others, or
 * waited, catches up with machine time before it runs again. */
static void sync_time(emu_virt *m, unsigned id)
{
	uint64_t t = m->arch->time(m, id);
	if (t < m->now)
		m->arch->idle(m, id, m->now - t);
}

/* ---- events -------------------------------------------------------------------------------- */

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void event_begin(emu_virt *m, unsigned id, bool guest_trap)
{
	emu_event *ev = &m->vcpu[id].ev;
	memset(ev, 0, offsetof(emu_event, action));
	ev->action[0] = '\0';
	ev->has_resume = guest_trap;
	ev->cost_ns = 0;
	ev->hart = id;
	ev->guest_trap = guest_trap;
	m->arch->event_begin(m, id, ev, m->cfg.on_event != NULL);
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

/* One device access of an MMIO exit; returns the value read (0 for writes and refusals). */
static uint64_t device_access(emu_virt *m, emu_event *ev, bool write, uint64_t addr, unsigned width,
			      uint64_t val)
{
	emu_device *d = emu_bus_find(&m->mmio, addr, width);
	emu_virt_action_step(m);
	if (!d) {
		ev->unassigned = true;
		emu_virt_action_add(m, "unassigned GPA 0x%" PRIx64 ": %s", addr,
				    write ? "write dropped" : "read as 0");
		return 0;
	}
	uint64_t off = addr - d->base;
	const char *reg = d->reg_name ? d->reg_name(d, off, write) : NULL;
	bool ok = write ? d->write(d, off, width, val) : d->read(d, off, width, &val);
	if (reg)
		emu_virt_action_add(m, "%s: %s", d->name, reg);
	else
		emu_virt_action_add(m, "%s+0x%" PRIx64, d->name, off);
	if (!ok) {
		emu_virt_action_add(m, ": %u-byte %s not accepted, %s", width,
				    write ? "write" : "read", write ? "dropped" : "read as 0");
		return 0;
	}
	emu_virt_action_add(m, " %s 0x%" PRIx64, write ? "<-" : "->", val);
	if (write && reg && (!strcmp(reg, "THR") || !strcmp(reg, "DR")) && val >= 0x20 &&
	    val < 0x7f)
		emu_virt_action_add(m, " '%c'", (int)val);
	return write ? 0 : val;
}

/* The device accesses of an MMIO exit: one, or two for an AArch64 pair (LDP/STP), the second
 * at addr + width. */
static void act_mmio(emu_virt *m, unsigned id)
{
	emu_vcpu *v = &m->vcpu[id];
	const hv_exit *e = &v->exit;
	if (e->kind == HV_EXIT_MMIO_WRITE) {
		const unsigned w = e->mmio_write.width;
		device_access(m, &v->ev, true, e->mmio_write.addr, w, e->mmio_write.data);
		if (e->mmio_write.pair)
			device_access(m, &v->ev, true, e->mmio_write.addr + w, w,
				      e->mmio_write.data2);
	} else {
		const unsigned w = e->mmio_read.width;
		uint64_t val = device_access(m, &v->ev, false, e->mmio_read.addr, w, 0), val2 = 0;
		if (e->mmio_read.pair)
			val2 = device_access(m, &v->ev, false, e->mmio_read.addr + w, w, 0);
		v->ev.mmio_value = m->arch->complete_mmio_read(m, id, e, val, val2);
	}
	act_finisher(m);
}

/* Starts vCPU id at entry with its boot argument and enters the guest there. */
static void start_vcpu(emu_virt *m, unsigned id, uint64_t entry, uint64_t arg)
{
	emu_vcpu *v = &m->vcpu[id];
	m->arch->vcpu_start(m, id, entry, arg);
	sync_time(m, id);
	v->stopped = false;
	v->halted = false;
	m->arch->switch_restore(m, id, true);
	v->phase = EMU_PHASE_INSN;
}

/* Starts the target as HSM HART_START / PSCI CPU_ON asked. */
static void act_cpu_up(emu_virt *m, const hv_exit *e)
{
	start_vcpu(m, (unsigned)e->cpu_up.target, e->cpu_up.entry, e->cpu_up.arg);
	emu_virt_action_step(m);
	m->arch->describe_start(m, e);
}

static void act_send_ipi(emu_virt *m, unsigned from, const hv_exit *e)
{
	for (unsigned t = 0; t < m->cfg.harts; t++) {
		bool hit =
		    e->send_ipi.to_all || (t >= e->send_ipi.target && t - e->send_ipi.target < 64 &&
					   ((e->send_ipi.mask >> (t - e->send_ipi.target)) & 1));
		if (hit && !m->vcpu[t].stopped)
			m->arch->raise_ipi(m, t);
	}
	(void)from;
}

static void act_nested_fault(emu_virt *m, unsigned id, const hv_exit *e)
{
	uint64_t gpa = e->nested_page_fault.addr, hpa;
	uint32_t flags;
	hv_aspace *as = m->arch->aspace(m);
	if (hv_aspace_handle_page_fault(as, gpa, e->nested_page_fault.access) &&
	    hv_aspace_translate(as, gpa, &hpa, &flags)) {
		emu_virt_action_step(m);
		emu_virt_action_add(m,
				    "lazy RAM: GPA page 0x%" PRIx64 " now backed by HPA 0x%" PRIx64,
				    gpa & ~(HV_PAGE_SIZE - 1), hpa & ~(HV_PAGE_SIZE - 1));
		return;
	}
	stop_run(m, EMU_VIRT_FAILED,
		 "hart %u: nested page fault (%s) at GPA 0x%" PRIx64
		 " outside RAM and devices; guest pc 0x%" PRIx64,
		 id, hv_access_name(e->nested_page_fault.access), gpa, m->arch->resume_pc(m, id));
	emu_virt_action_step(m);
	emu_virt_action_add(m, "no RAM or device at GPA 0x%" PRIx64 ": the VM stops", gpa);
}

static void act_system(emu_virt *m, unsigned id, const hv_exit *e)
{
	if (e->kind == HV_EXIT_SYSTEM_RESET) {
		stop_run(m, EMU_VIRT_SHUTDOWN,
			 "the guest asked for a %s reboot; trapscope stops here",
			 e->system_reset.warm ? "warm" : "cold");
	} else if (m->arch->down_is_failure(m, id, e)) {
		stop_run(m, EMU_VIRT_FAILED,
			 "the guest shut down reporting a system failure (SBI SRST reason 1)");
	} else {
		stop_run(m, EMU_VIRT_SHUTDOWN, "the guest powered off (%s)", m->arch->down_how(e));
	}
	emu_virt_action_step(m);
	emu_virt_action_add(m, "%s", m->report);
}

static void act(emu_virt *m, unsigned id)
{
	emu_vcpu *v = &m->vcpu[id];
	const hv_exit *e = &v->exit;
	switch (e->kind) {
	case HV_EXIT_MMIO_READ:
	case HV_EXIT_MMIO_WRITE: act_mmio(m, id); break;
	case HV_EXIT_HYPERCALL:
		m->arch->set_return(m, id, 0);
		emu_virt_action_step(m);
		emu_virt_action_add(m, "hypercall 0x%" PRIx64 " answered with a0 = 0",
				    e->hypercall.nr);
		break;
	case HV_EXIT_NESTED_PAGE_FAULT: act_nested_fault(m, id, e); break;
	case HV_EXIT_HALT:
		v->halted = true;
		emu_virt_action_step(m);
		emu_virt_action_add(m, "hart %u waits for an interrupt", id);
		break;
	case HV_EXIT_CPU_UP: act_cpu_up(m, e); break;
	case HV_EXIT_CPU_DOWN:
		v->stopped = true;
		emu_virt_action_step(m);
		emu_virt_action_add(m, "hart %u stopped", id);
		break;
	case HV_EXIT_SYSTEM_DOWN:
	case HV_EXIT_SYSTEM_RESET: act_system(m, id, e); break;
	case HV_EXIT_SEND_IPI: act_send_ipi(m, id, e); break;
	case HV_EXIT_EXTERNAL_INTERRUPT:
		emu_virt_action_step(m);
		emu_virt_action_add(
		    m, "external interrupt %" PRIu64 ": no device on this machine raises one",
		    e->external_interrupt.vector);
		break;
	case HV_EXIT_SYSREG_READ:
	case HV_EXIT_SYSREG_WRITE:
		if (m->arch->act_sysreg)
			m->arch->act_sysreg(m, id, e);
		break;
	case HV_EXIT_NOTHING:
	case HV_EXIT_KIND_COUNT: break;
	}
}

/* ---- the five phases ---------------------------------------------------------------------- */

static void phase_trap_entry(emu_virt *m, unsigned id)
{
	m->arch->switch_save(m, id);
	m->vcpu[id].phase = EMU_PHASE_HANDLER;
}

static void phase_handler(emu_virt *m, unsigned id)
{
	emu_vcpu *v = &m->vcpu[id];
	action_begin(m, &v->ev);
	m->arch->handle_exit(m, id, &v->exit);
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
	ev->resume_pc = m->arch->resume_pc(m, id);
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
	m->arch->switch_restore(m, id, false);
	v->phase = EMU_PHASE_INSN;
}

/* What running or stepping the hart ended with: an exit begins, or a guest trap is recorded. */
static void hart_stopped(emu_virt *m, unsigned id, emu_hart_stop why)
{
	emu_vcpu *v = &m->vcpu[id];
	switch (why) {
	case EMU_HART_EXIT:
		if (m->cfg.measure_cost)
			v->t0_ns = now_ns();
		event_begin(m, id, false);
		v->phase = EMU_PHASE_TRAP_ENTRY;
		break;
	case EMU_HART_GUEST_TRAP:
		event_begin(m, id, true);
		event_emit(m, &v->ev);
		break;
	case EMU_HART_WAIT: v->halted = true; break; /* WFI the hypervisor let run */
	case EMU_HART_MACHINE:
		stop_run(m, EMU_VIRT_FAILED, "hart %u: the host bus stopped the machine", id);
		break;
	case EMU_HART_BUDGET:
	case EMU_HART_STEP: break;
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
			hart_stopped(m, id, m->arch->step(m, id));
		break;
	case EMU_PHASE_TRAP_ENTRY: phase_trap_entry(m, id); break;
	case EMU_PHASE_HANDLER: phase_handler(m, id); break;
	case EMU_PHASE_ACTION: phase_action(m, id); break;
	case EMU_PHASE_RESUME: phase_resume(m, id); break;
	}
	return v->phase;
}

/* ---- scheduling ----------------------------------------------------------------------------- */

/* A waiting hart wakes when an interrupt is pending and enabled (WFI's rule); a vCPU halted
 * inside an exit then finishes it. */
static bool try_wake(emu_virt *m, unsigned id)
{
	emu_vcpu *v = &m->vcpu[id];
	if (!m->arch->wake_on_interrupt(m, id))
		return false;
	v->halted = false;
	if (v->phase == EMU_PHASE_RESUME)
		m->arch->wake(m, id);
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
	while (m->arch->time(m, id) < end) {
		uint64_t pc;
		if (m->arch->guest_pc(m, id, &pc) && pc_is_stop(s, pc))
			return EMU_PAUSE_BREAKPOINT;
		emu_hart_stop why = m->arch->step(m, id);
		hart_stopped(m, id, why);
		if (why != EMU_HART_STEP)
			return EMU_PAUSE_STOPPED; /* let run_slice look at what happened */
	}
	return EMU_PAUSE_STOPPED;
}

/* Runs hart id until machine time end, a halt, a stop, a pause, or the end of the run. */
static emu_pause run_slice(emu_virt *m, unsigned id, uint64_t end, const emu_virt_stops *s)
{
	emu_vcpu *v = &m->vcpu[id];
	while (m->status == EMU_VIRT_RUNNING && !v->stopped && !v->halted) {
		if (s->interrupt && *s->interrupt)
			return EMU_PAUSE_INTERRUPT;
		if (v->phase == EMU_PHASE_TRAP_ENTRY && s->exit)
			return EMU_PAUSE_EXIT;
		if (v->phase != EMU_PHASE_INSN) {
			emu_virt_advance(m, id);
			continue;
		}
		uint64_t t = m->arch->time(m, id);
		if (t >= end)
			break;
		uint64_t traps = m->guest_traps;
		if (s->npcs) {
			if (step_slice(m, id, end, s) == EMU_PAUSE_BREAKPOINT)
				return EMU_PAUSE_BREAKPOINT;
		} else {
			hart_stopped(m, id, m->arch->run(m, id, end - t));
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
		uint64_t d = m->arch->next_deadline(m, i);
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
			 m->arch->resume_pc(m, 0));
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
	sync_time(m, i);
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
	void *vm = malloc(m->arch->vm_size);
	emu_vcpu *keep = malloc(sizeof *keep);
	*out = (hv_exit){.kind = HV_EXIT_NOTHING};
	if (vm && keep && v->phase == EMU_PHASE_TRAP_ENTRY) {
		memcpy(vm, m->arch->vm(m), m->arch->vm_size);
		*keep = *v;
		m->hold_effects = true;
		phase_trap_entry(m, id);
		m->arch->handle_exit(m, id, out);
		m->hold_effects = false;
		m->action_tail = NULL;
		memcpy(m->arch->vm(m), vm, m->arch->vm_size);
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
		e = hpa ? hv_aspace_map_linear(m->arch->aspace(m), m->arch->ram_gpa, hpa, size,
					       flags)
			: HV_ERR_NOMEM;
	} else {
		e = hv_aspace_map_alloc(m->arch->aspace(m), m->arch->ram_gpa, size, flags,
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
	if (!m->arch->add_devices(m)) {
		snprintf(err, errlen, "cannot set up the virt machine's devices");
		return false;
	}
	hal_init(m);
	if (!m->arch->vm_init(m, err, errlen))
		return false;
	if (!map_guest_ram(m, err, errlen))
		return false;
	emu_load_target t = {m->arch->ram_gpa, m->cfg.mem_size, load_write, m->arch->aspace(m)};
	bool loaded = m->cfg.program_image
			  ? emu_elf_load_target_mem(&t, m->cfg.program_image, m->cfg.program_size,
						    m->arch->elf_machine, &m->elf, err, errlen)
			  : emu_elf_load_target(&t, m->cfg.program, m->arch->elf_machine, &m->elf,
						err, errlen);
	if (!loaded)
		return false;
	for (unsigned i = 0; i < m->cfg.harts; i++) {
		if (!m->arch->hart_setup(m, i)) {
			snprintf(err, errlen, "cannot allocate hart %u", i);
			return false;
		}
		m->vcpu[i].stopped = true;
		m->vcpu[i].phase = EMU_PHASE_INSN;
	}
	/* vCPU 0 enters the guest at the ELF entry with boot argument 0 (no device tree yet) */
	start_vcpu(m, 0, m->elf.entry, 0);
	return m->status == EMU_VIRT_RUNNING;
}

/* The architecture the program's ELF header names (e_machine); RISC-V when it names neither,
 * and the loader then says what is wrong with the file. */
static const emu_virt_arch *arch_of(const emu_virt_config *cfg)
{
	uint8_t hdr[20] = {0};
	if (cfg->program_image) {
		memcpy(hdr, cfg->program_image, cfg->program_size < 20 ? cfg->program_size : 20);
	} else {
		FILE *f = fopen(cfg->program, "rb");
		if (f) {
			if (fread(hdr, 1, sizeof hdr, f) != sizeof hdr)
				hdr[18] = 0;
			fclose(f);
		}
	}
	unsigned machine = hdr[18] | (unsigned)hdr[19] << 8;
	return machine == emu_virt_a64.elf_machine ? &emu_virt_a64 : &emu_virt_rv;
}

const char *emu_virt_arch_name(const emu_virt *m)
{
	return m->arch->name;
}

dec_arch emu_virt_arch_id(const emu_virt *m)
{
	return m->arch == &emu_virt_a64 ? DEC_ARCH_AARCH64 : DEC_ARCH_RISCV64;
}

bool emu_virt_create(emu_virt *m, const emu_virt_config *cfg, char *err, size_t errlen)
{
	memset(m, 0, sizeof *m);
	m->cfg = *cfg;
	m->arch = arch_of(cfg);
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
		m->arch->hart_free(m, i);
	if (m->arch->aspace(m)->hal)
		hv_aspace_destroy(m->arch->aspace(m));
	emu_elf_free(&m->elf);
	emu_bus_free(&m->mmio);
	emu_bus_free(&m->host);
	free(m->frames.used);
	m->frames.used = NULL;
}
