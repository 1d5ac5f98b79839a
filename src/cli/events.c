/* Machine events as trace events (the schema is in man/trapscope-trace.5). */
#include "events.h"

#include "decode/rv_csr.h"
#include "decode/rv_insn.h"

#include <string.h>

#define SBI_LEGACY_LAST 0x08

static bool is_guest_page_fault(uint64_t cause)
{
	return cause == 20 || cause == 21 || cause == 23;
}

/* htval holds GPA >> 2; the low bits come from the access's GVA (same page offset), except
 * for implicit page-table accesses (pseudo-instruction htinst, bits 1:0 = 00), whose GPA is
 * the PTE's own address. */
static uint64_t fault_gpa(const rv_trap *t)
{
	bool implicit = t->tinst != 0 && (t->tinst & 3) == 0;
	return t->tval2 << 2 | (implicit ? 0 : t->tval & 3);
}

static void add_trap(cli_event_conv *conv, const emu_event *ev, trace_kvlist *l)
{
	const rv_trap *t = &ev->trap;
	bool irq = (t->cause & RV_CAUSE_INTERRUPT) != 0;
	trace_add_hex(l, "cause", t->cause);
	trace_add_uint(l, "code", t->cause & ~RV_CAUSE_INTERRUPT);
	trace_add_bool(l, "interrupt", irq);
	trace_add_str(l, "name", dec_rv_cause_name(&conv->text, t->cause));
	trace_add_hex(l, "tval", t->tval);
	if (ev->guest_trap)
		return;
	trace_add_hex(l, "htval", t->tval2);
	trace_add_hex(l, "htinst", t->tinst);
	if (!irq && is_guest_page_fault(t->cause))
		trace_add_hex(l, "gpa", fault_gpa(t));
	trace_add_bool(l, "gva", t->gva);
	trace_add_hex(l, "hstatus", ev->hstatus);
}

static void add_exit_fields(const emu_event *ev, trace_kvlist *l)
{
	const hv_exit *e = &ev->exit;
	switch (e->kind) {
	case HV_EXIT_MMIO_READ:
		trace_add_hex(l, "addr", e->mmio_read.addr);
		trace_add_uint(l, "width", e->mmio_read.width);
		trace_add_str(l, "reg", dec_rv_reg_name(e->mmio_read.reg));
		trace_add_bool(l, "sign_extend", e->mmio_read.sign_extend);
		trace_add_hex(l, "value", ev->mmio_value);
		break;
	case HV_EXIT_MMIO_WRITE:
		trace_add_hex(l, "addr", e->mmio_write.addr);
		trace_add_uint(l, "width", e->mmio_write.width);
		trace_add_str(l, "reg", dec_rv_reg_name(e->mmio_write.reg));
		trace_add_hex(l, "data", e->mmio_write.data);
		break;
	case HV_EXIT_HYPERCALL:
		trace_add_hex(l, "nr", e->hypercall.nr);
		trace_add_hex_list(l, "args", e->hypercall.args, 6);
		break;
	case HV_EXIT_CPU_UP:
		trace_add_uint(l, "target", e->cpu_up.target);
		trace_add_hex(l, "entry", e->cpu_up.entry);
		trace_add_hex(l, "arg", e->cpu_up.arg);
		break;
	case HV_EXIT_NESTED_PAGE_FAULT:
		trace_add_hex(l, "addr", e->nested_page_fault.addr);
		trace_add_str(l, "access", hv_access_name(e->nested_page_fault.access));
		break;
	case HV_EXIT_SEND_IPI:
		trace_add_uint(l, "target", e->send_ipi.target);
		trace_add_hex(l, "mask", e->send_ipi.mask);
		trace_add_bool(l, "to_all", e->send_ipi.to_all);
		trace_add_uint(l, "vector", e->send_ipi.vector);
		break;
	case HV_EXIT_SYSTEM_RESET:
		trace_add_str(l, "type", e->system_reset.warm ? "warm" : "cold");
		break;
	case HV_EXIT_EXTERNAL_INTERRUPT:
		trace_add_uint(l, "vector", e->external_interrupt.vector);
		break;
	case HV_EXIT_SYSREG_READ:
		trace_add_hex(l, "addr", e->sysreg_read.addr);
		trace_add_str(l, "reg", dec_rv_reg_name(e->sysreg_read.reg));
		break;
	case HV_EXIT_SYSREG_WRITE:
		trace_add_hex(l, "addr", e->sysreg_write.addr);
		trace_add_hex(l, "value", e->sysreg_write.value);
		break;
	case HV_EXIT_NOTHING:
	case HV_EXIT_HALT:
	case HV_EXIT_CPU_DOWN:
	case HV_EXIT_SYSTEM_DOWN:
	case HV_EXIT_KIND_COUNT: break;
	}
}

static void add_exit(const emu_event *ev, trace_event *out)
{
	static const char *const sources[] = {
	    [HV_INSN_NONE] = NULL,	   [HV_INSN_HTINST] = "htinst",
	    [HV_INSN_FETCHED] = "fetched", [HV_INSN_SYNDROME] = "syndrome",
	    [HV_INSN_TVAL] = "stval",
	};
	const hv_exit *e = &ev->exit;
	out->reason = hv_exit_name(e->kind);
	add_exit_fields(ev, &out->exit);
	if (ev->unassigned)
		trace_add_bool(&out->exit, "unassigned", true);
	if (e->insn_source < sizeof sources / sizeof *sources && sources[e->insn_source]) {
		trace_add_str(&out->exit, "insn_source", sources[e->insn_source]);
		trace_add_hex(&out->exit, "insn", e->insn);
	}
	if (e->note)
		trace_add_str(&out->exit, "note", e->note);
	if (!e->has_call)
		return;
	dec_rv_sbi_call names;
	uint32_t fid = (uint32_t)e->call.fid;
	dec_rv_sbi_lookup((uint32_t)e->call.ext, &fid, &names);
	out->call_name = "sbi";
	trace_add_hex(&out->call, "eid", e->call.ext);
	trace_add_str(&out->call, "ext", names.ext ? names.ext : "unknown");
	if (e->call.ext > SBI_LEGACY_LAST) /* legacy calls have no function id: a6 is junk there */
		trace_add_uint(&out->call, "fid", e->call.fid);
	if (names.func)
		trace_add_str(&out->call, "function", names.func);
	if (e->call.returns) {
		trace_add_int(&out->call, "error", e->call.error);
		trace_add_hex(&out->call, "value", e->call.value);
	}
}

void cli_event_to_trace(cli_event_conv *conv, const emu_event *ev, trace_event *out)
{
	memset(out, 0, sizeof *out);
	conv->text.used = 0;
	out->seq = ev->seq;
	out->icount = ev->icount;
	out->hart = ev->hart;
	out->kind = ev->guest_trap ? "guest_trap" : "exit";
	out->pc = ev->trap.epc;
	add_trap(conv, ev, &out->trap);
	if (ev->has_insn) {
		out->has_insn = true;
		out->insn_raw = ev->insn;
		dec_rv_disasm(ev->insn, ev->trap.epc, out->insn_text, sizeof out->insn_text);
	}
	if (!ev->guest_trap)
		add_exit(ev, out);
	snprintf(out->action, sizeof out->action, "%s", ev->action);
	out->has_resume = ev->has_resume;
	out->resume_pc = ev->resume_pc;
}

const char *cli_event_reason(const emu_event *ev)
{
	return ev->guest_trap ? "guest_trap" : hv_exit_name(ev->exit.kind);
}
