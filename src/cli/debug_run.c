/* trapscope debug: run control, breakpoints, and step-exit's five phases. */
#include "cli.h"
#include "debug.h"

#include "decode/rv_csr.h"
#include "emu/rv_csrfile.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

/* ---- breakpoints --------------------------------------------------------------------------- */

/* Exit reasons break-exit and run-to-exit take besides the hv exit kinds. */
static bool reason_known(const char *name)
{
	if (strcmp(name, "sbi") == 0 || strcmp(name, "mmio") == 0)
		return true;
	for (unsigned k = 0; k < HV_EXIT_KIND_COUNT; k++)
		if (strcmp(name, hv_exit_name((hv_exit_kind)k)) == 0)
			return true;
	return false;
}

static bool reason_matches(const char *name, const hv_exit *e)
{
	if (strcmp(name, "sbi") == 0)
		return e->has_call;
	if (strcmp(name, "mmio") == 0)
		return e->kind == HV_EXIT_MMIO_READ || e->kind == HV_EXIT_MMIO_WRITE;
	return strcmp(name, hv_exit_name(e->kind)) == 0;
}

static cli_dbg_break *add_break(cli_dbg *s, cli_dbg_break_kind kind, uint64_t value)
{
	if (s->nbreaks == CLI_DBG_MAX_BREAKS) {
		cli_dbg_error(s, "break: at most %d breakpoints; delete some", CLI_DBG_MAX_BREAKS);
		return NULL;
	}
	cli_dbg_break *b = &s->breaks[s->nbreaks++];
	*b = (cli_dbg_break){.id = ++s->next_break_id, .kind = kind, .value = value};
	return b;
}

bool cli_dbg_break_cmd(cli_dbg *s, int argc, char **argv)
{
	uint64_t pc;
	const char *why;
	if (argc != 2)
		return cli_dbg_error(
		    s, "break: give one address or symbol (break main, b 0x80200010)");
	if (!cli_dbg_parse_addr(s, argv[1], &pc, &why))
		return cli_dbg_error(s, "break: '%s': %s", argv[1], why);
	cli_dbg_break *b = add_break(s, CLI_DBG_BREAK_PC, pc);
	if (!b)
		return false;
	cli_dbg_symbolize(s, pc, b->what, sizeof b->what);
	fprintf(s->out, "Breakpoint %u at ", b->id);
	cli_dbg_print_addr(s, pc);
	fputc('\n', s->out);
	return true;
}

static bool parse_field_value(cli_dbg *s, const char *arg, const char *prefix, uint64_t max,
			      uint64_t *v)
{
	const char *why;
	if (!cli_parse_u64(arg + strlen(prefix), v, &why))
		return cli_dbg_error(s, "break-exit: '%s': %s", arg, why);
	if (*v > max)
		return cli_dbg_error(s, "break-exit: '%s': at most 0x%" PRIx64, arg, max);
	return true;
}

bool cli_dbg_break_exit(cli_dbg *s, int argc, char **argv)
{
	cli_dbg_break_kind kind = CLI_DBG_BREAK_REASON;
	uint64_t v = 0;
	if (argc != 2)
		return cli_dbg_error(s, "break-exit: give one of REASON, cause=N, esr.ec=N");
	const char *arg = argv[1];
	if (strncmp(arg, "cause=", 6) == 0) {
		kind = CLI_DBG_BREAK_CAUSE;
		if (!parse_field_value(s, arg, "cause=", UINT64_MAX, &v))
			return false;
	} else if (strncmp(arg, "esr.ec=", 7) == 0) {
		kind = CLI_DBG_BREAK_EC;
		if (!parse_field_value(s, arg, "esr.ec=", 0x3f, &v))
			return false;
	} else if (!reason_known(arg)) {
		return cli_dbg_error(s, "break-exit: unknown exit reason '%s' (Tab lists them)",
				     arg);
	}
	cli_dbg_break *b = add_break(s, kind, v);
	if (!b)
		return false;
	snprintf(b->what, sizeof b->what, "%s", arg);
	fprintf(s->out, "Exit breakpoint %u: %s\n", b->id, arg);
	if (kind == CLI_DBG_BREAK_EC)
		fprintf(s->out,
			"  (an AArch64 ESR_EL2 class: this RISC-V machine never matches it)\n");
	return true;
}

bool cli_dbg_delete(cli_dbg *s, int argc, char **argv)
{
	if (argc == 1) {
		fprintf(s->out, "Deleted %u breakpoint%s\n", s->nbreaks,
			s->nbreaks == 1 ? "" : "s");
		s->nbreaks = 0;
		return true;
	}
	for (int i = 1; i < argc; i++) {
		uint64_t id;
		const char *why;
		if (!cli_parse_u64(argv[i], &id, &why))
			return cli_dbg_error(s, "delete: '%s': %s", argv[i], why);
		unsigned k = 0;
		while (k < s->nbreaks && s->breaks[k].id != id)
			k++;
		if (k == s->nbreaks)
			return cli_dbg_error(s, "delete: no breakpoint %s", argv[i]);
		memmove(&s->breaks[k], &s->breaks[k + 1],
			(s->nbreaks - k - 1) * sizeof s->breaks[0]);
		s->nbreaks--;
	}
	return true;
}

bool cli_dbg_info_breakpoints(cli_dbg *s, int argc, char **argv)
{
	static const char *const kinds[] = {"pc", "exit", "cause", "esr.ec"};
	(void)argv;
	if (argc > 1)
		return cli_dbg_error(s, "info breakpoints: takes no arguments");
	if (s->nbreaks == 0) {
		fprintf(s->out, "No breakpoints.\n");
		return true;
	}
	fprintf(s->out, "Num  Type    Hits  What\n");
	for (unsigned i = 0; i < s->nbreaks; i++) {
		const cli_dbg_break *b = &s->breaks[i];
		fprintf(s->out, "%-4u %-7s %5" PRIu64 "  ", b->id, kinds[b->kind], b->hits);
		if (b->kind == CLI_DBG_BREAK_PC)
			cli_dbg_print_addr(s, b->value);
		else
			fputs(b->what, s->out);
		fputc('\n', s->out);
	}
	return true;
}

/* ---- running ------------------------------------------------------------------------------- */

typedef struct run_request {
	bool any_exit;	    /* stop at the next exit (of reason, when set) */
	const char *reason; /* an exit reason, or NULL */
	bool guest_trap;    /* stop after a guest trap too */
	bool has_until;
	uint64_t until;
} run_request;

static bool machine_running(cli_dbg *s, const char *cmd)
{
	if (s->m->status == EMU_VIRT_RUNNING)
		return true;
	return cli_dbg_error(s, "%s: the machine has stopped (%s); inspect it or quit", cmd,
			     s->m->report[0] ? s->m->report : "budget spent");
}

static size_t break_pcs(const cli_dbg *s, const run_request *r, uint64_t *pcs)
{
	size_t n = 0;
	for (unsigned i = 0; i < s->nbreaks; i++)
		if (s->breaks[i].kind == CLI_DBG_BREAK_PC)
			pcs[n++] = s->breaks[i].value;
	if (r->has_until)
		pcs[n++] = r->until;
	return n;
}

static bool has_exit_breaks(const cli_dbg *s)
{
	for (unsigned i = 0; i < s->nbreaks; i++)
		if (s->breaks[i].kind != CLI_DBG_BREAK_PC)
			return true;
	return false;
}

/* The exit breakpoint an exit beginning on hart id hits, or NULL. */
static cli_dbg_break *exit_break_hit(cli_dbg *s, unsigned id, const hv_exit *e)
{
	const rv_trap *t = &s->m->vcpu[id].hart.last_trap;
	for (unsigned i = 0; i < s->nbreaks; i++) {
		cli_dbg_break *b = &s->breaks[i];
		if ((b->kind == CLI_DBG_BREAK_REASON && reason_matches(b->what, e)) ||
		    (b->kind == CLI_DBG_BREAK_CAUSE && t->cause == b->value))
			return b;
	}
	return NULL;
}

static void print_trap_line(cli_dbg *s, const rv_trap *t)
{
	dec_text names;
	names.used = 0;
	fprintf(s->out, "%s (%s %" PRIu64 ") at ", dec_rv_cause_name(&names, t->cause),
		t->cause & RV_CAUSE_INTERRUPT ? "interrupt" : "scause",
		t->cause & ~RV_CAUSE_INTERRUPT);
	cli_dbg_print_addr(s, t->epc);
	fputc('\n', s->out);
}

static void print_exit_begins(cli_dbg *s, unsigned id)
{
	const emu_vcpu *v = &s->m->vcpu[id];
	fprintf(s->out, "%sExit on hart %u:%s ", cli_dbg_style_on(s, CLI_DBG_HEAD), id,
		cli_dbg_style_off(s));
	print_trap_line(s, &v->hart.last_trap);
	if (v->ev.has_insn || cli_dbg_fetch(s, v->hart.last_trap.epc, &(uint32_t){0}))
		cli_dbg_print_insn(s, v->hart.last_trap.epc, false);
	fprintf(s->out,
		"%sThe hardware latched the trap; the handler has not run (next: phase 2 "
		"of 5, trap entry). 'step-exit' goes on phase by phase.%s\n",
		cli_dbg_style_on(s, CLI_DBG_NOTE), cli_dbg_style_off(s));
}

static void print_guest_trap(cli_dbg *s, unsigned id)
{
	const rv_trap *t = &s->m->vcpu[id].hart.last_trap;
	fprintf(s->out, "%sGuest trap on hart %u:%s ", cli_dbg_style_on(s, CLI_DBG_HEAD), id,
		cli_dbg_style_off(s));
	print_trap_line(s, t);
	fprintf(s->out,
		"%sDelegated to VS-mode (hedeleg/hideleg): no exit; the guest's handler "
		"runs next.%s\n",
		cli_dbg_style_on(s, CLI_DBG_NOTE), cli_dbg_style_off(s));
	cli_dbg_print_where(s);
}

static void print_stopped(cli_dbg *s)
{
	fprintf(s->out, "%sThe machine stopped:%s %s\n", cli_dbg_style_on(s, CLI_DBG_HEAD),
		cli_dbg_style_off(s), s->m->report);
}

/* At an exit's trap entry: true when the run should stop here. */
static bool exit_stops(cli_dbg *s, unsigned id, const run_request *r)
{
	hv_exit e;
	emu_virt_peek_exit(s->m, id, &e);
	cli_dbg_break *b = exit_break_hit(s, id, &e);
	if (b) {
		b->hits++;
		s->hart = id;
		fprintf(s->out, "Exit breakpoint %u (%s), ", b->id, b->what);
		print_exit_begins(s, id);
		return true;
	}
	if (r->any_exit && (!r->reason || reason_matches(r->reason, &e))) {
		s->hart = id;
		print_exit_begins(s, id);
		return true;
	}
	return false;
}

static void report_breakpoint(cli_dbg *s, const run_request *r)
{
	uint64_t pc = cli_dbg_rv_hart(s)->pc;
	for (unsigned i = 0; i < s->nbreaks; i++)
		if (s->breaks[i].kind == CLI_DBG_BREAK_PC && s->breaks[i].value == pc) {
			s->breaks[i].hits++;
			fprintf(s->out, "Breakpoint %u, ", s->breaks[i].id);
			break;
		}
	if (r->has_until && pc == r->until)
		fprintf(s->out, "Reached ");
	cli_dbg_print_where(s);
}

/* A breakpoint at the pc the current hart stands on would stop it at once: execute that one
 * instruction first, as gdb steps over its own breakpoint. */
static void step_over_breakpoint(cli_dbg *s)
{
	emu_vcpu *v = cli_dbg_vcpu(s);
	uint64_t pcs[CLI_DBG_MAX_BREAKS + 1];
	run_request none = {0};
	size_t n = break_pcs(s, &none, pcs);
	if (v->phase != EMU_PHASE_INSN || v->halted || v->stopped || !v->hart.virt)
		return;
	for (size_t i = 0; i < n; i++)
		if (pcs[i] == v->hart.pc) {
			emu_virt_advance(s->m, s->hart);
			return;
		}
}

static void run(cli_dbg *s, const run_request *r)
{
	uint64_t pcs[CLI_DBG_MAX_BREAKS + 1];
	emu_virt_stops stops = {
	    .pcs = pcs,
	    .npcs = break_pcs(s, r, pcs),
	    .exit = r->any_exit || has_exit_breaks(s),
	    .guest_trap = r->guest_trap,
	    .interrupt = &s->interrupted,
	};
	unsigned id;
	s->interrupted = 0;
	step_over_breakpoint(s);
	for (;;) {
		switch (emu_virt_run_until(s->m, UINT64_MAX, &stops, &id)) {
		case EMU_PAUSE_EXIT:
			if (exit_stops(s, id, r))
				return;
			emu_virt_advance(s->m, id); /* past trap entry, or it pauses here again */
			continue;
		case EMU_PAUSE_BREAKPOINT:
			s->hart = id;
			report_breakpoint(s, r);
			return;
		case EMU_PAUSE_GUEST_TRAP:
			s->hart = id;
			print_guest_trap(s, id);
			return;
		case EMU_PAUSE_INTERRUPT:
			s->hart = id;
			fprintf(s->out, "\nInterrupted.\n");
			cli_dbg_print_where(s);
			return;
		case EMU_PAUSE_STOPPED:
		case EMU_PAUSE_BUDGET: print_stopped(s); return;
		}
	}
}

bool cli_dbg_continue(cli_dbg *s, int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return cli_dbg_error(s, "continue: takes no arguments");
	if (!machine_running(s, "continue"))
		return false;
	run(s, &(run_request){0});
	return true;
}

bool cli_dbg_until(cli_dbg *s, int argc, char **argv)
{
	run_request r = {.has_until = true};
	const char *why;
	if (argc != 2)
		return cli_dbg_error(s, "until: give one address or symbol");
	if (!cli_dbg_parse_addr(s, argv[1], &r.until, &why))
		return cli_dbg_error(s, "until: '%s': %s", argv[1], why);
	if (!machine_running(s, "until"))
		return false;
	run(s, &r);
	return true;
}

bool cli_dbg_run_to_exit(cli_dbg *s, int argc, char **argv)
{
	run_request r = {.any_exit = true};
	if (argc > 2)
		return cli_dbg_error(s, "run-to-exit: at most one exit reason");
	if (argc == 2) {
		if (!reason_known(argv[1]))
			return cli_dbg_error(s,
					     "run-to-exit: unknown exit reason '%s' (Tab lists "
					     "them)",
					     argv[1]);
		r.reason = argv[1];
	}
	if (!machine_running(s, "run-to-exit"))
		return false;
	if (cli_dbg_vcpu(s)->phase == EMU_PHASE_TRAP_ENTRY)
		emu_virt_advance(s->m, s->hart); /* not the exit we are standing at */
	run(s, &r);
	return true;
}

bool cli_dbg_next_trap(cli_dbg *s, int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return cli_dbg_error(s, "next-trap: takes no arguments");
	if (!machine_running(s, "next-trap"))
		return false;
	if (cli_dbg_vcpu(s)->phase == EMU_PHASE_TRAP_ENTRY)
		emu_virt_advance(s->m, s->hart);
	run(s, &(run_request){.any_exit = true, .guest_trap = true});
	return true;
}

/* ---- stepi --------------------------------------------------------------------------------- */

/* Finishes the exit the current hart is in (phases up to resume), quietly. */
static void finish_exit(cli_dbg *s)
{
	emu_vcpu *v = cli_dbg_vcpu(s);
	if (v->phase == EMU_PHASE_INSN)
		return;
	while (v->phase != EMU_PHASE_INSN && s->m->status == EMU_VIRT_RUNNING && !v->halted &&
	       !v->stopped)
		emu_virt_advance(s->m, s->hart);
	fprintf(s->out, "(finished the exit: %s)\n", hv_exit_name(v->exit.kind));
}

static bool can_step(cli_dbg *s, const char *cmd)
{
	const emu_vcpu *v = cli_dbg_vcpu(s);
	if (!machine_running(s, cmd))
		return false;
	if (v->stopped)
		return cli_dbg_error(s, "%s: hart %u is stopped; 'hart N' selects another", cmd,
				     s->hart);
	if (v->halted)
		return cli_dbg_error(s,
				     "%s: hart %u waits for an interrupt (WFI); 'continue' "
				     "runs the machine until one arrives",
				     cmd, s->hart);
	return true;
}

bool cli_dbg_stepi(cli_dbg *s, int argc, char **argv)
{
	uint64_t n = 1;
	const char *why;
	if (argc > 2)
		return cli_dbg_error(s, "stepi: at most one count");
	if (argc == 2 && (!cli_parse_u64(argv[1], &n, &why) || n == 0))
		return cli_dbg_error(s, "stepi: '%s': %s", argv[1],
				     n == 0 ? "must be at least 1" : why);
	if (!can_step(s, "stepi"))
		return false;
	emu_vcpu *v = cli_dbg_vcpu(s);
	finish_exit(s);
	s->interrupted = 0;
	for (uint64_t i = 0; i < n && !s->interrupted; i++) {
		if (v->halted || v->stopped || s->m->status != EMU_VIRT_RUNNING)
			break;
		uint64_t traps = s->m->guest_traps;
		emu_virt_advance(s->m, s->hart);
		if (v->phase == EMU_PHASE_TRAP_ENTRY) {
			print_exit_begins(s, s->hart);
			return true;
		}
		if (s->m->guest_traps != traps && n > 1) {
			print_guest_trap(s, s->hart);
			return true;
		}
	}
	if (s->m->status != EMU_VIRT_RUNNING)
		print_stopped(s);
	else
		cli_dbg_print_where(s);
	return true;
}

/* ---- step-exit: the five phases ------------------------------------------------------------ */

static void phase_title(cli_dbg *s, unsigned n, const char *title)
{
	fprintf(s->out, "%s[%u/5] %s%s\n", cli_dbg_style_on(s, CLI_DBG_HEAD), n, title,
		cli_dbg_style_off(s));
}

static void note(cli_dbg *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(cli_dbg *s, const char *fmt, ...)
{
	va_list ap;
	fputs("      ", s->out);
	fputs(cli_dbg_style_on(s, CLI_DBG_NOTE), s->out);
	va_start(ap, fmt);
	vfprintf(s->out, fmt, ap);
	va_end(ap);
	fputs(cli_dbg_style_off(s), s->out);
	fputc('\n', s->out);
}

/* One line of a before/after table: the decoder's summary follows a changed value. */
static void show_change(cli_dbg *s, const char *name, uint64_t before, uint64_t after,
			const char *explain_name)
{
	if (before == after) {
		fprintf(s->out, "      %-9s 0x%016" PRIx64 "  (unchanged)\n", name, after);
		return;
	}
	fprintf(s->out, "      %-9s %s0x%016" PRIx64 "%s -> %s0x%016" PRIx64 "%s", name,
		cli_dbg_style_on(s, CLI_DBG_OLD), before, cli_dbg_style_off(s),
		cli_dbg_style_on(s, CLI_DBG_CHANGED), after, cli_dbg_style_off(s));
	const dec_regdef *def =
	    explain_name ? dec_regdef_find(explain_name, DEC_ARCH_RISCV64) : NULL;
	if (def) {
		static dec_reg reg;
		dec_ctx ctx = {.arch = DEC_ARCH_RISCV64};
		def->decode(&reg, def, after, &ctx);
		if (reg.summary && *reg.summary)
			fprintf(s->out, "  %s", reg.summary);
	}
	fputc('\n', s->out);
}

static void show_gpr_changes(cli_dbg *s, const uint64_t *before, const uint64_t *after)
{
	for (unsigned r = 1; r < 32; r++)
		if (before[r] != after[r])
			show_change(s, dec_rv_reg_name(r), before[r], after[r], NULL);
}

/* Phase 1: the instruction executes and (usually) traps. */
static void phase_insn(cli_dbg *s)
{
	emu_vcpu *v = cli_dbg_vcpu(s);
	rv_hart *h = &v->hart;
	uint64_t x[32];
	memcpy(x, h->x, sizeof x);
	uint64_t traps = s->m->guest_traps;
	phase_title(s, 1, "the instruction");
	cli_dbg_print_insn(s, h->pc, true);
	emu_virt_advance(s->m, s->hart);
	if (v->phase == EMU_PHASE_TRAP_ENTRY) {
		fputs("      traps: ", s->out);
		print_trap_line(s, &h->last_trap);
		note(s, "it does not retire; the hardware enters HS-mode (next: trap entry)");
	} else if (s->m->guest_traps != traps) {
		fputs("      traps into the guest: ", s->out);
		print_trap_line(s, &h->last_trap);
		note(s, "delegated to VS-mode: no exit. The guest's handler runs at vstvec.");
	} else {
		show_gpr_changes(s, x, h->x);
		note(s, "it retired without an exit; 'run-to-exit' runs to the next one");
	}
}

static uint64_t sstatus_view(uint64_t mstatus)
{
	return mstatus & (MS_SIE | MS_SPIE | MS_SPP | MS_SUM | MS_MXR | MS_UXL);
}

/* Phase 2: what the hardware latched, then the world switch saves the guest. */
static void phase_trap_entry(cli_dbg *s)
{
	emu_vcpu *v = cli_dbg_vcpu(s);
	const rv_hart *h = &v->hart;
	const struct rv_hs_before *b = &h->hs_before;
	phase_title(s, 2, "trap entry: the CSRs the hardware latched");
	fprintf(s->out,
		"      mode      %s -> HS-mode; pc -> stvec, where the native exit "
		"handler takes over\n",
		b->virt ? (b->priv == RV_PRIV_S ? "VS-mode" : "VU-mode") : "HS/U-mode");
	show_change(s, "scause", b->scause, h->scause, "scause");
	show_change(s, "stval", b->stval, h->stval, "stval");
	show_change(s, "htval", b->htval, h->htval, "htval");
	show_change(s, "htinst", b->htinst, h->htinst, "htinst");
	show_change(s, "sepc", b->sepc, h->sepc, NULL);
	show_change(s, "sstatus", sstatus_view(b->mstatus), sstatus_view(h->mstatus), "sstatus");
	show_change(s, "hstatus", b->hstatus, h->hstatus, "hstatus");
	emu_virt_advance(s->m, s->hart);
	note(s, "the world switch saved x1-x31 and the guest's CSRs into the vCPU block "
		"('frame' shows it)");
}

/* Why the handler decided as it did, from where it found the instruction. */
static void explain_insn_source(cli_dbg *s, const hv_exit *e, const hv_rv_vcpu *c)
{
	char text[96];
	dec_text t;
	t.used = 0;
	switch (e->insn_source) {
	case HV_INSN_HTINST: {
		dec_rv_tinst ti;
		dec_rv_tinst_parse(c->htinst, &ti);
		note(s, "htinst 0x%" PRIx64 " holds a transformed instruction: %s", c->htinst,
		     dec_rv_tinst_access_text(&t, &ti));
		break;
	}
	case HV_INSN_FETCHED:
		dec_rv_disasm(e->insn, c->sepc, text, sizeof text);
		note(s,
		     "htinst is 0: the handler read the instruction at sepc with HLVX: %s (%u "
		     "bytes)",
		     text, e->insn_len);
		break;
	case HV_INSN_TVAL:
		dec_rv_disasm(e->insn, c->sepc, text, sizeof text);
		note(s, "stval holds the instruction bits: %s", text);
		break;
	case HV_INSN_SYNDROME:
	case HV_INSN_NONE: break;
	}
}

static void explain_exit(cli_dbg *s, const hv_exit *e, const hv_rv_vcpu *c)
{
	switch (e->kind) {
	case HV_EXIT_MMIO_WRITE:
		note(s, "GPA 0x%" PRIx64 " = htval << 2 | stval & 3 is no RAM: MMIO",
		     e->mmio_write.addr);
		note(s, "write of %u byte%s: data 0x%" PRIx64 " from %s, masked to the width",
		     e->mmio_write.width, e->mmio_write.width == 1 ? "" : "s", e->mmio_write.data,
		     dec_rv_reg_name(e->mmio_write.reg));
		break;
	case HV_EXIT_MMIO_READ:
		note(s, "GPA 0x%" PRIx64 " = htval << 2 | stval & 3 is no RAM: MMIO",
		     e->mmio_read.addr);
		note(s, "read of %u byte%s into %s, %s when the VMM completes it",
		     e->mmio_read.width, e->mmio_read.width == 1 ? "" : "s",
		     dec_rv_reg_name(e->mmio_read.reg),
		     e->mmio_read.sign_extend ? "sign-extended" : "zero-extended");
		break;
	default: break;
	}
	if (e->has_call) {
		dec_rv_sbi_call call;
		uint32_t fid = (uint32_t)e->call.fid;
		dec_rv_sbi_lookup((uint32_t)e->call.ext, &fid, &call);
		note(s, "SBI call: a7 = EID 0x%" PRIx64 " (%s), a6 = FID %" PRIu64 " (%s)",
		     e->call.ext, call.ext ? call.ext : "unknown", e->call.fid,
		     call.func ? call.func : "?");
		if (e->call.returns)
			note(s, "answer: a0 = error %" PRId64 ", a1 = value 0x%" PRIx64,
			     e->call.error, e->call.value);
		else
			note(s, "the call does not return to the guest");
	}
	if (e->pc_advanced)
		note(s, "sepc moves past the instruction (%u bytes) to 0x%" PRIx64,
		     e->insn_len ? e->insn_len : 4, c->sepc);
	(void)c;
}

static void show_block_changes(cli_dbg *s, const hv_rv_vcpu *before, const hv_rv_vcpu *after)
{
	static const struct {
		const char *name;
		size_t off;
	} fields[] = {
	    {"sepc", offsetof(hv_rv_vcpu, sepc)},
	    {"sstatus", offsetof(hv_rv_vcpu, sstatus)},
	    {"hstatus", offsetof(hv_rv_vcpu, hstatus)},
	    {"vsstatus", offsetof(hv_rv_vcpu, vsstatus)},
	    {"vsepc", offsetof(hv_rv_vcpu, vsepc)},
	    {"vscause", offsetof(hv_rv_vcpu, vscause)},
	    {"vstval", offsetof(hv_rv_vcpu, vstval)},
	    {"vsatp", offsetof(hv_rv_vcpu, vsatp)},
	    {"vstimecmp", offsetof(hv_rv_vcpu, vstimecmp)},
	};
	show_gpr_changes(s, before->gpr, after->gpr);
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
		uint64_t b, a;
		memcpy(&b, (const char *)before + fields[i].off, sizeof b);
		memcpy(&a, (const char *)after + fields[i].off, sizeof a);
		if (a != b)
			show_change(s, fields[i].name, b, a, fields[i].name);
	}
}

/* Phase 3: hv_rv_handle_exit decides. */
static void phase_handler(cli_dbg *s)
{
	emu_vcpu *v = cli_dbg_vcpu(s);
	hv_rv_vcpu *c = &s->m->vm.vcpu[s->hart];
	hv_rv_vcpu before = *c;
	phase_title(s, 3, "the exit handler (hv_rv_handle_exit)");
	fflush(s->out); /* the guest's console output the handler makes comes after the title */
	emu_virt_advance(s->m, s->hart);
	const hv_exit *e = &v->exit;
	fprintf(s->out, "      decides:  %s%s%s\n", cli_dbg_style_on(s, CLI_DBG_CHANGED),
		hv_exit_name(e->kind), cli_dbg_style_off(s));
	if (e->note)
		note(s, "%s", e->note);
	explain_insn_source(s, e, &before);
	explain_exit(s, e, c);
	if (v->ev.action[0])
		note(s, "through the HAL: %s", v->ev.action);
	show_block_changes(s, &before, c);
	s->handler_action_len = strlen(v->ev.action);
}

/* Phase 4: the machine acts on the exit. */
static void phase_action(cli_dbg *s)
{
	emu_vcpu *v = cli_dbg_vcpu(s);
	hv_rv_vcpu *c = &s->m->vm.vcpu[s->hart];
	hv_rv_vcpu before = *c;
	size_t done = s->handler_action_len < sizeof v->ev.action ? s->handler_action_len : 0;
	phase_title(s, 4, "the machine acts");
	fflush(s->out);
	emu_virt_advance(s->m, s->hart);
	const char *act = v->ev.action + done;
	act += strspn(act, "; ");
	note(s, "%s", *act ? act : "nothing to do: the handler dealt with it");
	show_block_changes(s, &before, c);
	if (s->m->status != EMU_VIRT_RUNNING)
		print_stopped(s);
	else if (v->halted)
		note(s, "the vCPU waits for an interrupt: phase 5 (resume) comes when one arrives "
			"('continue')");
	else if (v->stopped)
		note(s, "the vCPU stopped: there is no phase 5 until a HART_START restarts it");
}

/* Phase 5: the world switch restores the block and sret enters the guest. */
static void phase_resume(cli_dbg *s)
{
	emu_vcpu *v = cli_dbg_vcpu(s);
	rv_hart *h = &v->hart;
	uint64_t pc = h->pc, hstatus = h->hstatus, sstatus = sstatus_view(h->mstatus);
	uint64_t x[32];
	memcpy(x, h->x, sizeof x);
	phase_title(s, 5, "resume");
	emu_virt_advance(s->m, s->hart);
	if (v->halted) {
		note(s,
		     "the vCPU waits for an interrupt; it resumes when one arrives ('continue')");
		return;
	}
	if (v->stopped) {
		note(s, "the vCPU stopped; another hart's HART_START restarts it");
		return;
	}
	show_change(s, "pc", pc, h->pc, NULL);
	show_change(s, "hstatus", hstatus, h->hstatus, "hstatus");
	show_change(s, "sstatus", sstatus, sstatus_view(h->mstatus), "sstatus");
	show_gpr_changes(s, x, h->x);
	fprintf(s->out, "      mode      HS-mode -> %s at ", cli_dbg_mode_name(h));
	cli_dbg_print_addr(s, h->pc);
	fputc('\n', s->out);
	note(s, "changed CSRs written back, then sret: pc = sepc, V = hstatus.SPV");
}

bool cli_dbg_step_exit(cli_dbg *s, int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return cli_dbg_error(s, "step-exit: takes no arguments");
	if (!can_step(s, "step-exit"))
		return false;
	switch (cli_dbg_vcpu(s)->phase) {
	case EMU_PHASE_INSN: phase_insn(s); break;
	case EMU_PHASE_TRAP_ENTRY: phase_trap_entry(s); break;
	case EMU_PHASE_HANDLER: phase_handler(s); break;
	case EMU_PHASE_ACTION: phase_action(s); break;
	case EMU_PHASE_RESUME: phase_resume(s); break;
	}
	return true;
}
