/* Machine events as trace events (the schema is in man/trapscope-trace.5). */
#include "events.h"

#include "decode/a64.h"
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

static void add_trap_rv(cli_event_conv *conv, const emu_event *ev, trace_kvlist *l)
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

/* ---- AArch64: ESR_ELx and its ISS, FAR, HPFAR and the IPA they give, ELR, SPSR ---- */

static void add_abort_iss(cli_event_conv *conv, unsigned ec, uint32_t iss, trace_kvlist *l)
{
	const dec_a64_fsc *fsc = dec_a64_fsc_info(iss & 0x3f);
	trace_add_hex(l, "fsc", iss & 0x3f);
	trace_add_str(l, "fsc_name", fsc ? fsc->name : "reserved");
	trace_add_bool(l, "s1ptw", (iss >> 7) & 1);
	if (!dec_a64_ec_is_dabt(ec))
		return;
	bool isv = (iss >> 24) & 1;
	trace_add_bool(l, "isv", isv);
	trace_add_bool(l, "wnr", (iss >> 6) & 1);
	if (!isv)
		return;
	trace_add_uint(l, "sas", (iss >> 22) & 3);
	trace_add_bool(l, "sse", (iss >> 21) & 1);
	trace_add_uint(l, "srt", (iss >> 16) & 31);
	trace_add_bool(l, "sf", (iss >> 15) & 1);
	char *access = conv->text.buf + conv->text.used;
	size_t room = sizeof conv->text.buf - conv->text.used;
	if (room > 64) {
		dec_a64_dabt_access(iss, access, room);
		conv->text.used += strlen(access) + 1;
		trace_add_str(l, "access", access);
	}
}

static void add_iss(cli_event_conv *conv, unsigned ec, uint32_t iss, trace_kvlist *l)
{
	char *text = conv->text.buf + conv->text.used;
	size_t room = sizeof conv->text.buf - conv->text.used;
	if (dec_a64_ec_is_dabt(ec) || dec_a64_ec_is_iabt(ec)) {
		add_abort_iss(conv, ec, iss, l);
	} else if (ec == A64_EC_SYS64 && room > 64) {
		dec_a64_sysreg_insn(iss, false, text, room);
		conv->text.used += strlen(text) + 1;
		trace_add_str(l, "sysreg_insn", text);
	} else if (ec == A64_EC_SVC64 || ec == A64_EC_HVC64 || ec == A64_EC_SMC64 ||
		   ec == A64_EC_BRK64) {
		trace_add_hex(l, "imm16", iss & 0xffff);
	}
}

static void add_trap_a64(cli_event_conv *conv, const emu_event *ev, trace_kvlist *l)
{
	const emu_a64_trap *t = &ev->a64;
	unsigned ec = dec_a64_esr_ec(t->esr);
	uint32_t iss = dec_a64_esr_iss(t->esr);
	trace_add_hex(l, "esr", t->esr);
	trace_add_uint(l, "ec", ec);
	trace_add_str(l, "ec_name", dec_a64_ec_long_name(ec));
	trace_add_uint(l, "il", (t->esr >> 25) & 1);
	trace_add_hex(l, "iss", iss);
	add_iss(conv, ec, iss, l);
	trace_add_hex(l, "far", t->far);
	if (!ev->guest_trap) {
		trace_add_hex(l, "hpfar", t->hpfar);
		if (dec_a64_ec_is_dabt(ec) || dec_a64_ec_is_iabt(ec))
			trace_add_hex(l, "ipa",
				      dec_a64_hpfar_to_ipa_page(t->hpfar) | (t->far & 0xfff));
	}
	trace_add_hex(l, "elr", t->elr);
	trace_add_hex(l, "spsr", t->spsr);
	trace_add_uint(l, "from_el", t->from_el);
}

/* A register as the architecture names it: "a1"; "w3", "x3", "xzr". */
static const char *reg_name(const emu_event *ev, unsigned reg, bool is64)
{
	return ev->arch == DEC_ARCH_AARCH64 ? dec_a64_gpr_name(reg, is64) : dec_rv_reg_name(reg);
}

static void add_exit_fields(const emu_event *ev, trace_kvlist *l)
{
	const hv_exit *e = &ev->exit;
	switch (e->kind) {
	case HV_EXIT_MMIO_READ:
		trace_add_hex(l, "addr", e->mmio_read.addr);
		trace_add_uint(l, "width", e->mmio_read.width);
		trace_add_str(l, "reg",
			      reg_name(ev, e->mmio_read.reg, e->mmio_read.reg_width == 8));
		trace_add_bool(l, "sign_extend", e->mmio_read.sign_extend);
		trace_add_hex(l, "value", ev->mmio_value);
		break;
	case HV_EXIT_MMIO_WRITE:
		trace_add_hex(l, "addr", e->mmio_write.addr);
		trace_add_uint(l, "width", e->mmio_write.width);
		trace_add_str(l, "reg", reg_name(ev, e->mmio_write.reg, e->mmio_write.width == 8));
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
		trace_add_str(l, "reg", reg_name(ev, e->sysreg_read.reg, true));
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

/* A PSCI or other SMCCC call: the function id (x0) and the answer in x0. */
static void add_smccc_call(const hv_exit *e, trace_event *out)
{
	uint32_t id = (uint32_t)e->call.ext;
	const char *name = dec_a64_smccc_function_name(id);
	out->call_name = dec_a64_smccc_is_psci(id) ? "psci" : "smccc";
	trace_add_hex(&out->call, "id", id);
	if (name)
		trace_add_str(&out->call, "function", name);
	if (e->call.returns)
		trace_add_int(&out->call, "error", e->call.error);
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
	if (ev->arch == DEC_ARCH_AARCH64) {
		add_smccc_call(e, out);
		return;
	}
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
	out->pc = ev->pc;
	if (ev->arch == DEC_ARCH_AARCH64)
		add_trap_a64(conv, ev, &out->trap);
	else
		add_trap_rv(conv, ev, &out->trap);
	if (ev->has_insn) {
		out->has_insn = true;
		out->insn_raw = ev->insn;
		if (ev->arch == DEC_ARCH_AARCH64)
			dec_a64_disasm(ev->insn, ev->pc, out->insn_text, sizeof out->insn_text);
		else
			dec_rv_disasm(ev->insn, ev->pc, out->insn_text, sizeof out->insn_text);
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
