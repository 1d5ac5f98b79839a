/* trapscope debug: the commands that look without touching — regs, csrs, frame, explain, x,
 * disas, hart, trace save, history-exits — and the guest-memory and CSR-name helpers of
 * debug.h they share. Nothing here changes the machine: guest memory is read through a
 * recorded walk (no A/D updates, no TLB fill) and never from a device. */
#include "debug.h"

#include "cli.h"
#include "decode/rv_csr.h"
#include "decode/rv_insn.h"
#include "emu/rv_csrfile.h"
#include "events.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define CLI_DBG_MAX_COUNT 4096 /* x and disas: items per command */
#define CSRS_COLUMNS	  100  /* csrs: summaries are cut to this line length */
#define X_STRING_LIMIT	  200  /* x/s: characters shown per string, as gdb's print elements */

/* ---- output ------------------------------------------------------------------------------- */

static void styled(cli_dbg *s, cli_dbg_style style, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void styled(cli_dbg *s, cli_dbg_style style, const char *fmt, ...)
{
	va_list ap;
	fputs(cli_dbg_style_on(s, style), s->out);
	va_start(ap, fmt);
	vfprintf(s->out, fmt, ap);
	va_end(ap);
	fputs(cli_dbg_style_off(s), s->out);
}

/* A 64-bit register value, styled as changed when it differs from before. */
static void print_reg_value(cli_dbg *s, uint64_t value, bool changed)
{
	if (changed)
		styled(s, CLI_DBG_CHANGED, "0x%016" PRIx64, value);
	else
		fprintf(s->out, "0x%016" PRIx64, value);
}

/* x0..x31 with ABI names, four per line; before (may be NULL) marks what changed. */
static void print_gprs(cli_dbg *s, const char *indent, const uint64_t *x, const uint64_t *before)
{
	for (unsigned i = 0; i < 32; i++) {
		fprintf(s->out, "%s%-4s ", i % 4 ? "  " : indent, dec_rv_reg_name(i));
		print_reg_value(s, x[i], before && before[i] != x[i]);
		if (i % 4 == 3)
			fputc('\n', s->out);
	}
}

static bool parse_count(cli_dbg *s, const char *cmd, const char *text, uint64_t max,
			uint64_t *count)
{
	const char *why = NULL;
	if (!cli_parse_u64(text, count, &why))
		return cli_dbg_error(s, "%s: count '%s': %s", cmd, text, why);
	if (*count == 0 || *count > max)
		return cli_dbg_error(s, "%s: count %s: expected 1 to %" PRIu64, cmd, text, max);
	return true;
}

/* More than most arguments after the command word: one error line naming the first extra. */
static bool too_many(cli_dbg *s, const char *cmd, int argc, char **argv, int most)
{
	if (argc <= most + 1)
		return false;
	cli_dbg_error(s, "%s: unexpected argument '%s'", cmd, argv[most + 1]);
	return true;
}

/* ---- the guest as the hart sees it -------------------------------------------------------- */

/* The guest's privilege: the hart's own while V=1, else the one hstatus.SPVP latched when the
 * guest trapped into HS. */
static uint8_t guest_priv(const rv_hart *h)
{
	if (h->virt)
		return h->priv;
	return (h->hstatus & HS_SPVP) ? RV_PRIV_S : RV_PRIV_U;
}

/* Where the guest is: the hart's pc while V=1, else sepc (where it trapped into HS). */
static uint64_t guest_pc(const rv_hart *h)
{
	return h->virt ? h->pc : h->sepc;
}

/* ---- guest memory ------------------------------------------------------------------------- */

static void gpa_why(cli_dbg *s, uint64_t gpa, char *why, size_t whylen)
{
	const emu_device *dev = emu_bus_find(&s->m->mmio, gpa, 1);
	const hv_area *area = hv_aspace_find(&s->m->vm.aspace, gpa);
	if (dev)
		snprintf(why, whylen,
			 "gpa 0x%" PRIx64 ": MMIO of the %s (the debugger does not touch devices)",
			 gpa, dev->name);
	else if (area && area->backend == HV_BACKEND_LAZY)
		snprintf(why, whylen,
			 "gpa 0x%" PRIx64 ": lazy RAM the guest has not touched yet (no frame)",
			 gpa);
	else
		snprintf(why, whylen,
			 "gpa 0x%" PRIx64 ": not RAM (no mapping in the G-stage tables)", gpa);
}

static bool gpa_to_hpa(cli_dbg *s, uint64_t gpa, uint64_t *hpa, char *why, size_t whylen)
{
	if (hv_aspace_translate(&s->m->vm.aspace, gpa, hpa, NULL))
		return true;
	gpa_why(s, gpa, why, whylen);
	return false;
}

static const char *walk_why_text(rv_walk_why why)
{
	static const char *const text[] = {
	    [RV_WALK_OK] = "no reason recorded",
	    [RV_WALK_RANGE] = "the address is outside the translation mode's range",
	    [RV_WALK_INVALID] = "a PTE on the way is invalid (V=0)",
	    [RV_WALK_RESERVED] = "a PTE on the way is reserved (W without R, or high bits set)",
	    [RV_WALK_TOO_DEEP] = "a pointer PTE at level 0",
	    [RV_WALK_MISALIGNED] = "a misaligned superpage",
	    [RV_WALK_PERMISSION] = "the leaf PTE does not allow the access",
	    [RV_WALK_AD] = "the leaf PTE's A (or D) bit is clear",
	    [RV_WALK_NO_MEMORY] = "a PTE address is not host RAM",
	};
	return why < ARRAY_SIZE(text) ? text[why] : "?";
}

/* The failed walk in words: the VS-stage, a G-stage walk for one of its PTEs, or the G-stage
 * walk of the final GPA. */
static void gva_why(cli_dbg *s, uint64_t gva, unsigned acc, const rv_walk *w, char *why,
		    size_t whylen)
{
	char inner[160];
	const char *access = acc == RV_ACC_FETCH ? "instruction" : "load";
	const char *fault = w->why == RV_WALK_NO_MEMORY ? "access fault" : "page fault";
	if (w->why_stage == 1) {
		snprintf(why, whylen, "gva 0x%" PRIx64 ": %s %s in the guest's tables: %s", gva,
			 access, fault, walk_why_text(w->why));
	} else if (w->why_for_pte) {
		gpa_why(s, w->fault.tval2 << 2, inner, sizeof inner);
		snprintf(why, whylen, "gva 0x%" PRIx64 ": the guest's page table at %s", gva,
			 inner);
	} else {
		gpa_why(s, w->gpa, inner, sizeof inner);
		snprintf(why, whylen, "gva 0x%" PRIx64 " -> %s", gva, inner);
	}
}

static bool gva_to_hpa(cli_dbg *s, uint64_t gva, unsigned acc, uint64_t *hpa, char *why,
		       size_t whylen)
{
	rv_hart *h = cli_dbg_rv_hart(s);
	rv_walk *w = malloc(sizeof *w);
	bool ok = false;
	if (!w)
		snprintf(why, whylen, "out of memory");
	else if (!rv_walk_guest(h, gva, false, acc, guest_priv(h), w))
		gva_why(s, gva, acc, w, why, whylen);
	else {
		*hpa = w->hpa;
		ok = true;
	}
	free(w);
	return ok;
}

/* Host memory behind [addr, addr + len), which lies inside one page of space. */
static const uint8_t *page_span(cli_dbg *s, cli_dbg_space space, uint64_t addr, size_t len,
				unsigned acc, char *why, size_t whylen)
{
	uint64_t hpa = addr;
	if (space == CLI_DBG_GVA && !gva_to_hpa(s, addr, acc, &hpa, why, whylen))
		return NULL;
	if (space == CLI_DBG_GPA && !gpa_to_hpa(s, addr, &hpa, why, whylen))
		return NULL;
	const uint8_t *p = emu_ram_ptr(&s->m->host, hpa, len);
	if (!p)
		snprintf(why, whylen, "hpa 0x%" PRIx64 ": not host RAM", hpa);
	return p;
}

static bool read_bytes(cli_dbg *s, cli_dbg_space space, uint64_t addr, uint8_t *buf, size_t len,
		       unsigned acc, char *why, size_t whylen)
{
	for (size_t done = 0; done < len;) {
		uint64_t at = addr + done;
		size_t room = (size_t)(HV_PAGE_SIZE - (at & (HV_PAGE_SIZE - 1)));
		size_t n = len - done < room ? len - done : room;
		const uint8_t *p = page_span(s, space, at, n, acc, why, whylen);
		if (!p)
			return false;
		memcpy(buf + done, p, n);
		done += n;
	}
	return true;
}

static bool read_value(cli_dbg *s, cli_dbg_space space, uint64_t addr, unsigned len, unsigned acc,
		       uint64_t *val, char *why, size_t whylen)
{
	uint8_t b[8];
	if (len == 0 || len > sizeof b) {
		snprintf(why, whylen, "cannot read %u bytes at once", len);
		return false;
	}
	if (!read_bytes(s, space, addr, b, len, acc, why, whylen))
		return false;
	*val = 0;
	for (unsigned i = 0; i < len; i++)
		*val |= (uint64_t)b[i] << (8 * i);
	return true;
}

bool cli_dbg_read(cli_dbg *s, cli_dbg_space space, uint64_t addr, unsigned len, uint64_t *val,
		  char *why, size_t whylen)
{
	return read_value(s, space, addr, len, RV_ACC_LOAD, val, why, whylen);
}

/* An instruction, 2 or 4 bytes, read as the guest's own fetch would (execute permission, the
 * way HLVX checks it); 0 when it cannot be read. */
static unsigned fetch_insn(cli_dbg *s, cli_dbg_space space, uint64_t addr, uint32_t *raw, char *why,
			   size_t whylen)
{
	uint64_t lo, hi = 0;
	if (!read_value(s, space, addr, 2, RV_ACC_FETCH, &lo, why, whylen))
		return 0;
	if ((lo & 3) == 3 && !read_value(s, space, addr + 2, 2, RV_ACC_FETCH, &hi, why, whylen))
		return 0;
	*raw = (uint32_t)(lo | hi << 16);
	return (lo & 3) == 3 ? 4 : 2;
}

unsigned cli_dbg_fetch(cli_dbg *s, uint64_t gva, uint32_t *raw)
{
	char why[200];
	return fetch_insn(s, CLI_DBG_GVA, gva, raw, why, sizeof why);
}

/* "0x80200010 <main+0x1c>" for a guest virtual address; other spaces have no symbols. */
static void print_location(cli_dbg *s, cli_dbg_space space, uint64_t addr)
{
	if (space == CLI_DBG_GVA)
		cli_dbg_print_addr(s, addr);
	else
		styled(s, CLI_DBG_ADDR, "0x%" PRIx64, addr);
}

/* gdb's "<sym+off>" after the target of a branch or a jump. */
static void print_target_symbol(cli_dbg *s, uint32_t raw, uint64_t pc)
{
	dec_rv_insn in;
	char sym[128];
	if (!dec_rv_decode(raw, &in))
		return;
	switch (in.op) {
	case DEC_RV_OP_JAL:
	case DEC_RV_OP_BEQ:
	case DEC_RV_OP_BNE:
	case DEC_RV_OP_BLT:
	case DEC_RV_OP_BGE:
	case DEC_RV_OP_BLTU:
	case DEC_RV_OP_BGEU: break;
	default: return;
	}
	if (cli_dbg_symbolize(s, pc + (uint64_t)(int64_t)in.imm, sym, sizeof sym)[0])
		styled(s, CLI_DBG_ADDR, " <%s>", sym);
}

static void print_insn_head(cli_dbg *s, cli_dbg_space space, uint64_t addr, bool mark_pc)
{
	bool at_pc = mark_pc && space == CLI_DBG_GVA && addr == guest_pc(cli_dbg_rv_hart(s));
	fputs(at_pc ? "=> " : "   ", s->out);
	print_location(s, space, addr);
	fputs(":  ", s->out);
}

/* One disassembly line; returns the instruction's length, or 0 with why and nothing printed
 * when it cannot be read. */
static unsigned print_insn_line(cli_dbg *s, cli_dbg_space space, uint64_t addr, bool mark_pc,
				char *why, size_t whylen)
{
	char hex[12], text[96];
	uint32_t raw;
	unsigned len = fetch_insn(s, space, addr, &raw, why, whylen);
	if (!len)
		return 0;
	print_insn_head(s, space, addr, mark_pc);
	snprintf(hex, sizeof hex, "%0*" PRIx32, (int)len * 2, raw);
	dec_rv_disasm(raw, addr, text, sizeof text);
	fprintf(s->out, "%-8s  %s", hex, text);
	if (space == CLI_DBG_GVA)
		print_target_symbol(s, raw, addr);
	fputc('\n', s->out);
	return len;
}

/* The line, or "<cannot read: why>" in place of the instruction. */
static unsigned print_insn_or_why(cli_dbg *s, cli_dbg_space space, uint64_t addr, bool mark_pc)
{
	char why[200];
	unsigned len = print_insn_line(s, space, addr, mark_pc, why, sizeof why);
	if (!len) {
		print_insn_head(s, space, addr, mark_pc);
		fprintf(s->out, "<cannot read: %s>\n", why);
	}
	return len;
}

void cli_dbg_print_insn(cli_dbg *s, uint64_t gva, bool mark_pc)
{
	print_insn_or_why(s, CLI_DBG_GVA, gva, mark_pc);
}

/* ---- CSR names ---------------------------------------------------------------------------- */

typedef struct csr_name {
	char name[24];
	uint16_t number;
} csr_name;

static csr_name csr_names[4096];
static unsigned ncsr_names;

/* Every CSR GNU objdump names and the hart implements, found once by asking a blank hart
 * (rv_csr_peek needs no state to say whether a CSR exists; mip reads the bus). */
static void build_csr_names(void)
{
	static rv_hart probe;
	static emu_bus probe_bus;
	probe.bus = &probe_bus;
	for (unsigned csr = 0; csr < 4096; csr++) {
		csr_name *n = &csr_names[ncsr_names];
		uint64_t value;
		if (dec_rv_csr_name(csr, n->name, sizeof n->name) &&
		    rv_csr_peek(&probe, csr, &value)) {
			n->number = (uint16_t)csr;
			ncsr_names++;
		}
	}
}

int cli_dbg_csr_number(const char *name)
{
	if (ncsr_names == 0)
		build_csr_names();
	for (unsigned i = 0; i < ncsr_names; i++)
		if (strcasecmp(csr_names[i].name, name) == 0)
			return csr_names[i].number;
	return -1;
}

static bool peek_csr(cli_dbg *s, const char *name, uint64_t *value)
{
	int csr = cli_dbg_csr_number(name);
	return csr >= 0 && rv_csr_peek(cli_dbg_rv_hart(s), (unsigned)csr, value);
}

/* ---- regs --------------------------------------------------------------------------------- */

/* What the previous `regs` showed, per hart, to mark what changed since. */
static struct {
	bool valid;
	uint64_t x[32];
} regs_seen[EMU_VIRT_MAX_HARTS];

bool cli_dbg_regs(cli_dbg *s, int argc, char **argv)
{
	if (too_many(s, argv[0], argc, argv, 0))
		return false;
	rv_hart *h = cli_dbg_rv_hart(s);
	emu_vcpu *v = cli_dbg_vcpu(s);
	bool seen = regs_seen[s->hart].valid;
	print_gprs(s, "", h->x, seen ? regs_seen[s->hart].x : NULL);
	regs_seen[s->hart].valid = true;
	memcpy(regs_seen[s->hart].x, h->x, sizeof regs_seen[s->hart].x);

	fputs("pc   ", s->out);
	cli_dbg_print_addr(s, h->pc);
	if (!h->virt && v->phase != EMU_PHASE_INSN) /* HS-mode: nothing runs at stvec here */
		fputs(" (stvec: the native exit handler runs instead)", s->out);
	fprintf(s->out, "\nmode %s", cli_dbg_mode_name(h));
	if (!h->virt && v->phase != EMU_PHASE_INSN) {
		fprintf(s->out, " (in an exit, next phase: %s; the guest trapped at ",
			cli_dbg_phase_name(v->phase));
		cli_dbg_print_addr(s, h->sepc);
		fputc(')', s->out);
	}
	fputc('\n', s->out);
	return true;
}

/* ---- csrs --------------------------------------------------------------------------------- */

typedef struct csr_group {
	const char *name;
	const char *title;
	const char *const *csrs; /* NULL-terminated */
} csr_group;

static const char *const trap_csrs[] = {"scause", "stval",   "htval",	"htinst",
					"sepc",	  "sstatus", "hstatus", NULL};
static const char *const hs_csrs[] = {"hstatus",    "hedeleg", "hideleg", "hvip",
				      "hip",	    "hie",     "hgatp",	  "htimedelta",
				      "hcounteren", "henvcfg", "hgeie",	  NULL};
static const char *const vs_csrs[] = {"vsstatus",  "vsie",	"vsip",	   "vstvec",
				      "vsscratch", "vsepc",	"vscause", "vstval",
				      "vsatp",	   "vstimecmp", NULL};
static const char *const s_csrs[] = {"sstatus", "sie",	 "sip",	 "stvec",    "sscratch", "sepc",
				     "scause",	"stval", "satp", "stimecmp", NULL};
static const char *const m_csrs[] = {"mstatus", "misa",	  "medeleg", "mideleg", "mie",
				     "mip",	"mtvec",  "mepc",    "mcause",	"mtval",
				     "mtval2",	"mtinst", "menvcfg", NULL};
static const char *const counter_csrs[] = {"cycle", "time", "instret", NULL};

static const csr_group csr_groups[] = {
    {"trap", "what a trap into HS-mode latches", trap_csrs},
    {"hs", "the hypervisor's own", hs_csrs},
    {"vs", "the guest's supervisor CSRs (what it sees as s*)", vs_csrs},
    {"s", "HS-mode supervisor CSRs", s_csrs},
    {"m", "machine mode", m_csrs},
    {"counters", "as the current mode reads them", counter_csrs},
};

static bool ctx_has(const dec_ctx *ctx, const char *key)
{
	uint64_t v;
	return dec_ctx_get(ctx, key, &v);
}

static void ctx_add(dec_ctx *ctx, const dec_regdef *def, uint64_t value)
{
	if (ctx->n < DEC_CTX_MAX && !ctx_has(ctx, def->key)) {
		ctx->item[ctx->n].def = def;
		ctx->item[ctx->n++].value = value;
	}
}

/* The group's values that the explain decoder knows, together, so that summaries can use
 * each other (stval's meaning depends on scause). */
static void group_ctx(cli_dbg *s, const csr_group *g, dec_ctx *ctx)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->arch = DEC_ARCH_RISCV64;
	for (const char *const *name = g->csrs; *name; name++) {
		const dec_regdef *def = dec_regdef_find(*name, DEC_ARCH_RISCV64);
		uint64_t value;
		if (def && peek_csr(s, *name, &value))
			ctx_add(ctx, def, value);
	}
}

/* A summary after a table column, cut to the line so that the table stays one (explain has
 * the whole story). */
static void print_summary(cli_dbg *s, const char *summary, int column)
{
	int room = CSRS_COLUMNS - column, len = (int)strlen(summary);
	if (len <= room) {
		styled(s, CLI_DBG_NOTE, "%s", summary);
		return;
	}
	len = room > 3 ? room - 3 : 0;
	while (len > 0 && (summary[len] & 0xc0) == 0x80) /* not inside a UTF-8 character */
		len--;
	styled(s, CLI_DBG_NOTE, "%.*s...", len, summary);
}

static void print_csr_group(cli_dbg *s, const csr_group *g, dec_reg *reg)
{
	dec_ctx ctx;
	group_ctx(s, g, &ctx);
	styled(s, CLI_DBG_HEAD, "%s: %s\n", g->name, g->title);
	for (const char *const *name = g->csrs; *name; name++) {
		const dec_regdef *def = dec_regdef_find(*name, DEC_ARCH_RISCV64);
		uint64_t value;
		if (!peek_csr(s, *name, &value)) {
			fprintf(s->out, "  %-10s (this hart has no such CSR)\n", *name);
			continue;
		}
		int column = fprintf(s->out, "  %-10s 0x%016" PRIx64, *name, value);
		if (def)
			def->decode(reg, def, value, &ctx);
		if (def && reg->summary[0]) {
			fputs("  ", s->out);
			print_summary(s, reg->summary, column + 2);
		}
		fputc('\n', s->out);
	}
}

static const csr_group *find_csr_group(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(csr_groups); i++)
		if (strcasecmp(csr_groups[i].name, name) == 0)
			return &csr_groups[i];
	return NULL;
}

bool cli_dbg_csrs(cli_dbg *s, int argc, char **argv)
{
	const char *which = argc > 1 ? argv[1] : "trap";
	bool all = strcasecmp(which, "all") == 0;
	const csr_group *g = find_csr_group(which);
	if (too_many(s, argv[0], argc, argv, 1))
		return false;
	if (!all && !g)
		return cli_dbg_error(s,
				     "%s: unknown group '%s' (groups: trap hs vs s m counters all)",
				     argv[0], which);
	dec_reg *reg = malloc(sizeof *reg);
	if (!reg)
		return cli_dbg_error(s, "%s: out of memory", argv[0]);
	for (size_t i = 0; i < ARRAY_SIZE(csr_groups); i++)
		if (all || g == &csr_groups[i])
			print_csr_group(s, &csr_groups[i], reg);
	free(reg);
	return true;
}

/* ---- frame -------------------------------------------------------------------------------- */

typedef struct vcpu_slot {
	const char *name;
	size_t offset;
} vcpu_slot;

#define VCPU_SLOT(field)                                                                           \
	{                                                                                          \
#field, offsetof(hv_rv_vcpu, field)                                                \
	}
static const vcpu_slot switched_slots[] = {
    VCPU_SLOT(sstatus),	   VCPU_SLOT(hstatus),	 VCPU_SLOT(scounteren), VCPU_SLOT(sepc),
    VCPU_SLOT(htimedelta), VCPU_SLOT(vsstatus),	 VCPU_SLOT(vsie),	VCPU_SLOT(vstvec),
    VCPU_SLOT(vsscratch),  VCPU_SLOT(vsepc),	 VCPU_SLOT(vscause),	VCPU_SLOT(vstval),
    VCPU_SLOT(vsatp),	   VCPU_SLOT(vstimecmp),
};
static const vcpu_slot latched_slots[] = {
    VCPU_SLOT(scause),
    VCPU_SLOT(stval),
    VCPU_SLOT(htval),
    VCPU_SLOT(htinst),
};
#undef VCPU_SLOT

static uint64_t slot_value(const hv_rv_vcpu *c, const vcpu_slot *slot)
{
	uint64_t v;
	memcpy(&v, (const char *)c + slot->offset, sizeof v);
	return v;
}

/* Three per line; before (may be NULL) marks what the exit handler changed. */
static void print_slots(cli_dbg *s, const hv_rv_vcpu *c, const hv_rv_vcpu *before,
			const vcpu_slot *slots, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t v = slot_value(c, &slots[i]);
		fprintf(s->out, "  %-10s ", slots[i].name);
		print_reg_value(s, v, before && slot_value(before, &slots[i]) != v);
		if (i % 3 == 2 || i + 1 == n)
			fputc('\n', s->out);
	}
}

static const char *hsm_state_name(hv_rv_hart_state state)
{
	static const char *const names[] = {
	    [HV_RV_STARTED] = "STARTED",
	    [HV_RV_STOPPED] = "STOPPED",
	    [HV_RV_START_PENDING] = "START_PENDING",
	    [HV_RV_STOP_PENDING] = "STOP_PENDING",
	    [HV_RV_SUSPENDED] = "SUSPENDED",
	    [HV_RV_SUSPEND_PENDING] = "SUSPEND_PENDING",
	    [HV_RV_RESUME_PENDING] = "RESUME_PENDING",
	};
	return (unsigned)state < ARRAY_SIZE(names) ? names[state] : "?";
}

static bool frame_is_live(emu_phase phase)
{
	return phase == EMU_PHASE_HANDLER || phase == EMU_PHASE_ACTION || phase == EMU_PHASE_RESUME;
}

static void print_frame_status(cli_dbg *s, const emu_vcpu *v)
{
	styled(s, CLI_DBG_HEAD, "vCPU %u register block", s->hart);
	if (frame_is_live(v->phase)) {
		fprintf(s->out, ": live (phase %s), saved by the world switch at trap entry\n",
			cli_dbg_phase_name(v->phase));
		if (s->color)
			styled(s, CLI_DBG_CHANGED,
			       "  highlighted: changed by the exit handler since\n");
	} else if (v->phase == EMU_PHASE_TRAP_ENTRY) {
		fputs(": stale (phase TRAP_ENTRY): the hart latched a trap the world switch has\n"
		      "  not saved yet; the hart's registers are the truth ('regs', 'csrs')\n",
		      s->out);
	} else {
		fputs(": stale: it holds the state of the last exit; the guest runs from the\n"
		      "  hart's registers ('regs', 'csrs')\n",
		      s->out);
	}
}

bool cli_dbg_frame(cli_dbg *s, int argc, char **argv)
{
	if (too_many(s, argv[0], argc, argv, 0))
		return false;
	const emu_vcpu *v = cli_dbg_vcpu(s);
	const hv_rv_vcpu *c = &s->m->vm.vcpu[s->hart];
	const hv_rv_vcpu *before = frame_is_live(v->phase) ? &v->saved : NULL;

	print_frame_status(s, v);
	styled(s, CLI_DBG_HEAD, "guest registers\n");
	print_gprs(s, "  ", c->gpr, before ? before->gpr : NULL);
	styled(s, CLI_DBG_HEAD, "switched CSRs (saved and restored by the world switch)\n");
	print_slots(s, c, before, switched_slots, ARRAY_SIZE(switched_slots));
	styled(s, CLI_DBG_HEAD, "latched by the hardware on the exit\n");
	print_slots(s, c, before, latched_slots, ARRAY_SIZE(latched_slots));
	styled(s, CLI_DBG_HEAD, "hypervisor bookkeeping\n");
	fprintf(s->out, "  HSM state %s", hsm_state_name(c->state));
	if (c->suspend_non_retentive)
		fprintf(s->out,
			", non-retentive suspend: resumes at 0x%" PRIx64 " with a1 = 0x%" PRIx64,
			c->suspend_resume_addr, c->suspend_opaque);
	fputc('\n', s->out);
	return true;
}

/* ---- explain ------------------------------------------------------------------------------ */

typedef struct explain_item {
	const char *name;
	const dec_regdef *def; /* NULL: a CSR without a field decoder */
	uint64_t value;
	bool live;
} explain_item;

/* The registers that explain one trap together, per level (as dec_rv_explain keys them);
 * the SBI call's registers join when the trap was one. */
static const char *const trap_context[][9] = {
    {"scause", "stval", "htval", "htinst", "hstatus", "sepc", "sbi_eid", "sbi_fid", NULL},
    {"vscause", "vstval", "vsstatus", "vsepc", NULL},
    {"mcause", "mtval", "mtval2", "mtinst", "mstatus", "mepc", NULL},
};

/* The guest's register reg when it took the exit scause describes: the hart's own until the
 * world switch has saved it, the vCPU block's from then on. */
static uint64_t exit_gpr(cli_dbg *s, unsigned reg)
{
	if (cli_dbg_vcpu(s)->phase == EMU_PHASE_TRAP_ENTRY)
		return cli_dbg_rv_hart(s)->x[reg];
	return s->m->vm.vcpu[s->hart].gpr[reg];
}

/* An SBI call's a7 (sbi_eid) or a6 (sbi_fid) as the last exit passed them. */
static bool live_sbi_reg(cli_dbg *s, unsigned reg, uint64_t *value, const char **why)
{
	uint64_t cause;
	if (!peek_csr(s, "scause", &cause) || cause != RV_EXC_ECALL_VS) {
		*why = "the last exit was no SBI call (scause is not 10)";
		return false;
	}
	*value = exit_gpr(s, reg);
	return true;
}

/* A live value: a CSR, or for the explain names that are no CSR the last SBI call's a7
 * (sbi_eid) and a6 (sbi_fid), or the instruction at the guest's pc (insn). */
static bool live_value(cli_dbg *s, const char *name, uint64_t *value, const char **why)
{
	uint32_t raw;
	*why = "the hart does not implement it";
	if (strcasecmp(name, "sbi_eid") == 0)
		return live_sbi_reg(s, 17, value, why);
	if (strcasecmp(name, "sbi_fid") == 0)
		return live_sbi_reg(s, 16, value, why);
	if (strcasecmp(name, "insn") == 0) {
		*why = "the guest's pc cannot be read";
		if (!cli_dbg_fetch(s, guest_pc(cli_dbg_rv_hart(s)), &raw))
			return false;
		*value = raw;
		return true;
	}
	return peek_csr(s, name, value);
}

static bool unknown_register(cli_dbg *s, const char *cmd, const char *name)
{
	const char *guess = cli_closest_name(name, DEC_ARCH_RISCV64);
	if (guess)
		return cli_dbg_error(s, "%s: unknown register '%s' (did you mean '%s'?)", cmd, name,
				     guess);
	return cli_dbg_error(s, "%s: unknown register '%s'", cmd, name);
}

/* NAME or NAME=VALUE; name is cut out of arg in place. */
static bool parse_explain_item(cli_dbg *s, const char *cmd, char *arg, explain_item *it)
{
	char *eq = strchr(arg, '=');
	const char *why = NULL;
	if (eq)
		*eq = '\0';
	*it = (explain_item){.name = arg, .def = dec_regdef_find(arg, DEC_ARCH_RISCV64)};
	if (!it->def && cli_dbg_csr_number(arg) < 0)
		return unknown_register(s, cmd, arg);
	if (!eq) {
		it->live = true;
		if (!live_value(s, arg, &it->value, &why))
			return cli_dbg_error(s, "%s: %s: no live value: %s", cmd, arg, why);
		return true;
	}
	if (!cli_parse_u64(eq + 1, &it->value, &why))
		return cli_dbg_error(s, "%s: %s=%s: malformed number: %s", cmd, arg, eq + 1, why);
	if (it->def && it->def->bits < 64 && (it->value >> it->def->bits) != 0)
		return cli_dbg_error(s, "%s: %s=%s: value does not fit in the %u-bit %s", cmd, arg,
				     eq + 1, it->def->bits, it->def->display);
	return true;
}

/* Whether the current hart has taken a trap at this level (0 HS, 1 VS, 2 M): before the first
 * one the trap CSRs hold reset values, and explaining them together would invent a trap. */
static bool level_trapped(cli_dbg *s, size_t lvl)
{
	uint64_t mcause = 0;
	if (lvl == 0 && cli_dbg_vcpu(s)->phase != EMU_PHASE_INSN)
		return true;
	if (lvl == 2)
		return peek_csr(s, "mcause", &mcause) && mcause != 0;
	for (size_t i = 0; i < s->nrecords; i++)
		if (s->records[i].hart == s->hart && s->records[i].guest_trap == (lvl == 1))
			return true;
	return false;
}

/* The rest of a trap's registers, live, for each trap level a live register belongs to. */
static void add_trap_context(cli_dbg *s, const explain_item *items, unsigned n, dec_ctx *ctx)
{
	for (size_t lvl = 0; lvl < ARRAY_SIZE(trap_context); lvl++) {
		bool wanted = false;
		if (!level_trapped(s, lvl))
			continue;
		for (unsigned i = 0; i < n && !wanted; i++)
			for (const char *const *k = trap_context[lvl]; *k && !wanted; k++)
				wanted = items[i].live && items[i].def &&
					 strcmp(items[i].def->key, *k) == 0;
		for (const char *const *k = trap_context[lvl]; *k && wanted; k++) {
			uint64_t value;
			const char *why;
			if (live_value(s, *k, &value, &why))
				ctx_add(ctx, dec_regdef_find(*k, DEC_ARCH_RISCV64), value);
		}
	}
}

static void print_explained(cli_dbg *s, const explain_item *items, unsigned n, const dec_ctx *ctx,
			    dec_reg *reg, dec_report *rep)
{
	for (unsigned i = 0; i < n; i++) {
		if (i)
			fputc('\n', s->out);
		if (!items[i].def) {
			fprintf(s->out, "%s = 0x%016" PRIx64 "\n  (no field decoder for %s)\n",
				items[i].name, items[i].value, items[i].name);
			continue;
		}
		items[i].def->decode(reg, items[i].def, items[i].value, ctx);
		cli_render_reg_text(s->out, reg, false);
	}
	dec_explain(ctx, rep);
	if (rep->nderived || rep->ndiagnosis)
		fputc('\n', s->out);
	cli_render_report_text(s->out, rep);
}

static bool explain_items(cli_dbg *s, explain_item *items, unsigned n)
{
	dec_ctx *ctx = calloc(1, sizeof *ctx);
	dec_reg *reg = malloc(sizeof *reg);
	dec_report *rep = malloc(sizeof *rep);
	bool ok = ctx && reg && rep;
	if (ok) {
		ctx->arch = DEC_ARCH_RISCV64;
		for (unsigned i = 0; i < n; i++)
			if (items[i].def)
				ctx_add(ctx, items[i].def, items[i].value);
		add_trap_context(s, items, n, ctx);
		print_explained(s, items, n, ctx, reg, rep);
	}
	free(ctx), free(reg), free(rep);
	return ok;
}

static bool given_twice(cli_dbg *s, const char *cmd, const explain_item *items, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = 0; j < i; j++)
			if (strcasecmp(items[i].def ? items[i].def->key : items[i].name,
				       items[j].def ? items[j].def->key : items[j].name) == 0) {
				cli_dbg_error(s, "%s: %s given twice", cmd, items[i].name);
				return true;
			}
	return false;
}

bool cli_dbg_explain(cli_dbg *s, int argc, char **argv)
{
	explain_item items[DEC_CTX_MAX];
	unsigned n = (unsigned)argc - 1;
	if (n == 0)
		return cli_dbg_error(s,
				     "%s: give NAME (its live value) or NAME=VALUE, e.g. "
				     "'%s scause' or '%s scause=0x17'",
				     argv[0], argv[0], argv[0]);
	if (n > DEC_CTX_MAX)
		return cli_dbg_error(s, "%s: too many registers (%u; at most %d)", argv[0], n,
				     DEC_CTX_MAX);
	for (unsigned i = 0; i < n; i++)
		if (!parse_explain_item(s, argv[0], argv[i + 1], &items[i]))
			return false;
	if (given_twice(s, argv[0], items, n))
		return false;
	if (!explain_items(s, items, n))
		return cli_dbg_error(s, "%s: out of memory", argv[0]);
	return true;
}

/* ---- x ------------------------------------------------------------------------------------ */

typedef struct x_format {
	uint64_t count;
	char fmt;      /* x d u c s i */
	unsigned unit; /* bytes: 1 2 4 8 */
	bool unit_given;
} x_format;

/* Where the last x stopped and how it printed, so that a bare `x` goes on from there as
 * gdb's does (the count starts again from 1). */
static struct {
	bool valid;
	cli_dbg_space space;
	uint64_t next;
	char fmt;
	unsigned unit;
} x_last = {.fmt = 'x', .unit = 4};

static unsigned unit_bytes(char c)
{
	switch (c) {
	case 'b': return 1;
	case 'h': return 2;
	case 'w': return 4;
	case 'g': return 8;
	default: return 0;
	}
}

/* "x", "x/4xw", "x/s", "x/3i": count, then format and unit letters in any order; what is
 * left out is as the last x had it. */
static bool parse_x_format(cli_dbg *s, const char *word, x_format *f)
{
	const char *p = strchr(word, '/');
	*f = (x_format){.count = 1, .fmt = x_last.fmt, .unit = x_last.unit};
	if (!p)
		return true;
	p++;
	if (isdigit((unsigned char)*p)) {
		char *end;
		unsigned long long n = strtoull(p, &end, 10);
		if (n == 0 || n > CLI_DBG_MAX_COUNT)
			return cli_dbg_error(s, "x: count %llu: expected 1 to %d", n,
					     CLI_DBG_MAX_COUNT);
		f->count = n;
		p = end;
	}
	for (; *p; p++) {
		if (unit_bytes(*p)) {
			f->unit = unit_bytes(*p);
			f->unit_given = true;
		} else if (strchr("xducsi", *p)) {
			f->fmt = *p;
		} else {
			return cli_dbg_error(s,
					     "x: '%s': unknown letter '%c' (formats x d u c s i, "
					     "units b h w g)",
					     word, *p);
		}
	}
	if (f->fmt == 'c' && !f->unit_given)
		f->unit = 1;
	return true;
}

/* A character as C source would write it inside quotes. */
static const char *char_text(uint8_t c, char buf[8])
{
	static const char escapes[][3] = {['\n'] = "\\n", ['\t'] = "\\t",  ['\r'] = "\\r",
					  ['\0'] = "\\0", ['\\'] = "\\\\", ['"'] = "\\\""};
	if (c < ARRAY_SIZE(escapes) && escapes[c][0])
		snprintf(buf, 8, "%s", escapes[c]);
	else if (c >= 0x20 && c < 0x7f)
		snprintf(buf, 8, "%c", c);
	else
		snprintf(buf, 8, "\\%03o", c);
	return buf;
}

static int64_t sign_extend(uint64_t v, unsigned bytes)
{
	unsigned shift = 64 - 8 * bytes;
	return (int64_t)(v << shift) >> shift;
}

static void print_x_value(cli_dbg *s, const x_format *f, uint64_t v)
{
	char buf[8];
	switch (f->fmt) {
	case 'd': fprintf(s->out, "%" PRId64, sign_extend(v, f->unit)); break;
	case 'u': fprintf(s->out, "%" PRIu64, v); break;
	case 'c':
		fprintf(s->out, "%" PRId64 " '%s'", sign_extend(v, f->unit),
			char_text((uint8_t)v, buf));
		break;
	default: fprintf(s->out, "0x%0*" PRIx64, (int)f->unit * 2, v); break;
	}
}

/* Numbers, several per line as gdb prints them; false after the error line. */
static bool x_numbers(cli_dbg *s, const x_format *f, cli_dbg_space space, uint64_t *addr)
{
	static const unsigned per_line[] = {[1] = 8, [2] = 8, [4] = 4, [8] = 2};
	char why[200];
	for (uint64_t i = 0; i < f->count; i++, *addr += f->unit) {
		uint64_t v;
		bool line_start = i % per_line[f->unit] == 0;
		if (!cli_dbg_read(s, space, *addr, f->unit, &v, why, sizeof why)) {
			if (!line_start)
				fputc('\n', s->out);
			return cli_dbg_error(s, "x: %s", why);
		}
		if (line_start && i)
			fputc('\n', s->out);
		if (line_start) {
			print_location(s, space, *addr);
			fputc(':', s->out);
		}
		fputc('\t', s->out);
		print_x_value(s, f, v);
	}
	fputc('\n', s->out);
	return true;
}

/* One NUL-terminated string, quoted, at most X_STRING_LIMIT characters. */
static bool x_string(cli_dbg *s, cli_dbg_space space, uint64_t *addr)
{
	char why[200], buf[8];
	uint64_t start = *addr, c;
	for (unsigned n = 0; n < X_STRING_LIMIT; n++, ++*addr) {
		if (!cli_dbg_read(s, space, *addr, 1, &c, why, sizeof why)) {
			if (n)
				fputs("\"\n", s->out);
			return cli_dbg_error(s, "x: %s", why);
		}
		if (n == 0) {
			print_location(s, space, start);
			fputs(":\t\"", s->out);
		}
		if (c == 0) {
			++*addr;
			fputs("\"\n", s->out);
			return true;
		}
		fputs(char_text((uint8_t)c, buf), s->out);
	}
	fputs("\"...\n", s->out);
	return true;
}

static bool x_items(cli_dbg *s, const x_format *f, cli_dbg_space space, uint64_t *addr)
{
	if (f->fmt != 's' && f->fmt != 'i')
		return x_numbers(s, f, space, addr);
	for (uint64_t i = 0; i < f->count; i++) {
		if (f->fmt == 's') {
			if (!x_string(s, space, addr))
				return false;
			continue;
		}
		char why[200];
		unsigned len = print_insn_line(s, space, *addr, true, why, sizeof why);
		if (!len)
			return cli_dbg_error(s, "x: %s", why);
		*addr += len;
	}
	return true;
}

/* ADDR with an optional gva:/gpa:/hpa: prefix. */
static bool parse_space_addr(cli_dbg *s, const char *cmd, const char *text, cli_dbg_space *space,
			     uint64_t *addr)
{
	const char *why = NULL;
	const char *rest = cli_dbg_split_space(text, space);
	if (!cli_dbg_parse_addr(s, rest, addr, &why))
		return cli_dbg_error(s, "%s: address '%s': %s", cmd, text, why);
	return true;
}

bool cli_dbg_x(cli_dbg *s, int argc, char **argv)
{
	x_format f;
	cli_dbg_space space = x_last.space;
	uint64_t addr = x_last.next;
	if (too_many(s, argv[0], argc, argv, 1) || !parse_x_format(s, argv[0], &f))
		return false;
	if (argc > 1) {
		if (!parse_space_addr(s, "x", argv[1], &space, &addr))
			return false;
	} else if (!x_last.valid) {
		return cli_dbg_error(s,
				     "x: give an address, e.g. 'x/4xw sp' or 'x/s gpa:0x80201000'");
	}
	bool ok = x_items(s, &f, space, &addr);
	x_last.valid = true;
	x_last.space = space;
	x_last.next = addr;
	x_last.fmt = f.fmt;
	x_last.unit = f.unit;
	return ok;
}

/* ---- disas -------------------------------------------------------------------------------- */

bool cli_dbg_disas(cli_dbg *s, int argc, char **argv)
{
	cli_dbg_space space = CLI_DBG_GVA;
	uint64_t addr = guest_pc(cli_dbg_rv_hart(s)), count = 8;
	if (too_many(s, argv[0], argc, argv, 2))
		return false;
	if (argc > 1 && !parse_space_addr(s, argv[0], argv[1], &space, &addr))
		return false;
	if (argc > 2 && !parse_count(s, argv[0], argv[2], CLI_DBG_MAX_COUNT, &count))
		return false;
	for (uint64_t i = 0; i < count; i++) {
		unsigned len = print_insn_or_why(s, space, addr, true);
		if (!len)
			break;
		addr += len;
	}
	return true;
}

/* ---- hart --------------------------------------------------------------------------------- */

static const char *hart_state(const emu_vcpu *v)
{
	if (v->stopped)
		return "stopped";
	return v->halted ? "halted (WFI)" : "running";
}

static void list_harts(cli_dbg *s)
{
	for (unsigned i = 0; i < s->m->cfg.harts; i++) {
		const emu_vcpu *v = &s->m->vcpu[i];
		fprintf(s->out, "%c hart %u  %-12s  phase ", i == s->hart ? '*' : ' ', i,
			hart_state(v));
		if (v->stopped) {
			fprintf(s->out, "%s\n", cli_dbg_phase_name(v->phase));
			continue;
		}
		fprintf(s->out, "%-14s  pc ", cli_dbg_phase_name(v->phase));
		cli_dbg_print_addr(s, guest_pc(&v->hart));
		fputc('\n', s->out);
	}
}

bool cli_dbg_hart_cmd(cli_dbg *s, int argc, char **argv)
{
	uint64_t n;
	const char *why = NULL;
	if (too_many(s, argv[0], argc, argv, 1))
		return false;
	if (argc == 1) {
		list_harts(s);
		return true;
	}
	if (!cli_parse_u64(argv[1], &n, &why))
		return cli_dbg_error(s, "%s: '%s': %s", argv[0], argv[1], why);
	if (n >= s->m->cfg.harts)
		return cli_dbg_error(s, "%s: no hart %s: this machine has harts 0 to %u", argv[0],
				     argv[1], s->m->cfg.harts - 1);
	s->hart = (unsigned)n;
	cli_dbg_print_where(s);
	return true;
}

/* ---- trace save --------------------------------------------------------------------------- */

typedef struct trace_save {
	cli_event_conv conv;
	trace_event tev;
	trace_stats stats;
} trace_save;

static bool write_records(cli_dbg *s, trace_writer *w, trace_save *t)
{
	for (size_t i = 0; i < s->nrecords; i++) {
		const emu_event *ev = &s->records[i];
		trace_stats_add(&t->stats, ev->guest_trap ? "guest_trap" : "exit",
				cli_event_reason(ev), 0);
		cli_event_to_trace(&t->conv, ev, &t->tev);
		if (!trace_write(w, &t->tev))
			return false;
	}
	return true;
}

static bool save_trace(cli_dbg *s, const char *cmd, const char *path, trace_save *t)
{
	const trace_header hdr = {emu_virt_arch_name(s->m), "virt", s->program};
	char err[256];
	trace_writer *w = trace_open(path, &hdr, err, sizeof err);
	if (!w)
		return cli_dbg_error(s, "%s: %s", cmd, err);
	t->stats.instructions = emu_virt_icount(s->m);
	if (!write_records(s, w, t)) {
		trace_abort(w);
		return cli_dbg_error(s, "%s: %s: cannot write the trace", cmd, path);
	}
	if (!trace_close(w, &t->stats, err, sizeof err))
		return cli_dbg_error(s, "%s: %s", cmd, err);
	return true;
}

bool cli_dbg_trace_save(cli_dbg *s, int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "save") != 0)
		return cli_dbg_error(s, "%s: expected 'trace save FILE'", argv[0]);
	if (argc < 3)
		return cli_dbg_error(s, "trace save: give a FILE (FILE.jsonl writes JSON Lines)");
	if (too_many(s, "trace save", argc - 1, argv + 1, 1))
		return false;
	const char *path = argv[2];
	trace_save *t = calloc(1, sizeof *t);
	if (!t)
		return cli_dbg_error(s, "trace save: out of memory");
	bool ok = save_trace(s, "trace save", path, t);
	free(t);
	if (!ok)
		return false;
	fprintf(s->out, "saved %zu events to %s\n", s->nrecords, path);
	if (s->dropped_records)
		styled(s, CLI_DBG_NOTE,
		       "(the %" PRIu64 " oldest events are not in it: the debugger keeps the "
		       "newest %d)\n",
		       s->dropped_records, CLI_DBG_MAX_RECORDS);
	return true;
}

/* ---- history-exits ------------------------------------------------------------------------ */

static void print_call(cli_dbg *s, const hv_call *call)
{
	dec_rv_sbi_call names;
	uint32_t fid = (uint32_t)call->fid;
	dec_rv_sbi_lookup((uint32_t)call->ext, &fid, &names);
	fprintf(s->out, "sbi ");
	if (names.ext)
		fprintf(s->out, "%s", names.ext);
	else
		fprintf(s->out, "eid 0x%" PRIx64, call->ext);
	if (names.func)
		fprintf(s->out, " %s", names.func);
	if (call->returns)
		fprintf(s->out, " -> error %" PRId64 ", value 0x%" PRIx64, call->error,
			call->value);
	else
		fprintf(s->out, " (does not return)");
}

static const char *bytes_word(unsigned n)
{
	return n == 1 ? "byte" : "bytes";
}

/* What the exit did, in the reason's own terms, after sep; false when the reason has nothing
 * to add. */
static bool print_exit_fields(cli_dbg *s, const emu_event *ev, const char *sep)
{
	const hv_exit *e = &ev->exit;
	switch (e->kind) {
	case HV_EXIT_MMIO_READ:
	case HV_EXIT_MMIO_WRITE:
	case HV_EXIT_NESTED_PAGE_FAULT:
	case HV_EXIT_CPU_UP:
	case HV_EXIT_HYPERCALL: fputs(sep, s->out); break;
	default: return false;
	}
	switch (e->kind) {
	case HV_EXIT_MMIO_READ:
		fprintf(s->out, "gpa 0x%" PRIx64 ", %u %s -> 0x%" PRIx64 " into %s",
			e->mmio_read.addr, e->mmio_read.width, bytes_word(e->mmio_read.width),
			ev->mmio_value, dec_rv_reg_name(e->mmio_read.reg));
		return true;
	case HV_EXIT_MMIO_WRITE:
		fprintf(s->out, "gpa 0x%" PRIx64 ", %u %s <- 0x%" PRIx64 " from %s",
			e->mmio_write.addr, e->mmio_write.width, bytes_word(e->mmio_write.width),
			e->mmio_write.data, dec_rv_reg_name(e->mmio_write.reg));
		return true;
	case HV_EXIT_NESTED_PAGE_FAULT:
		fprintf(s->out, "gpa 0x%" PRIx64 " (%s)", e->nested_page_fault.addr,
			hv_access_name(e->nested_page_fault.access));
		return true;
	case HV_EXIT_CPU_UP:
		fprintf(s->out, "hart %" PRIu64 " at 0x%" PRIx64 ", arg 0x%" PRIx64,
			e->cpu_up.target, e->cpu_up.entry, e->cpu_up.arg);
		return true;
	case HV_EXIT_HYPERCALL: fprintf(s->out, "nr 0x%" PRIx64, e->hypercall.nr); return true;
	default: return false;
	}
}

static void print_exit_line(cli_dbg *s, const emu_event *ev, dec_text *text)
{
	fprintf(s->out, "#%-4" PRIu64 " hart %u pc ", ev->seq, ev->hart);
	cli_dbg_print_addr(s, ev->pc);
	styled(s, CLI_DBG_HEAD, "  %s  ", cli_event_reason(ev));
	bool said = ev->exit.has_call;
	if (said)
		print_call(s, &ev->exit.call);
	if (!print_exit_fields(s, ev, said ? ", " : "") && !said) {
		text->used = 0;
		fputs(dec_rv_cause_name(text, ev->trap.cause), s->out);
	}
	if (ev->action[0])
		styled(s, CLI_DBG_NOTE, "  | %s", ev->action);
	fputc('\n', s->out);
}

bool cli_dbg_history_exits(cli_dbg *s, int argc, char **argv)
{
	const emu_event *evs[CLI_DBG_HISTORY];
	uint64_t want = 10;
	if (too_many(s, argv[0], argc, argv, 1))
		return false;
	if (argc > 1 && !parse_count(s, argv[0], argv[1], CLI_DBG_HISTORY, &want))
		return false;
	size_t n = cli_dbg_last_exits(s, evs, (size_t)want);
	if (n == 0) {
		fprintf(s->out, "no exits yet\n");
		return true;
	}
	dec_text *text = malloc(sizeof *text);
	if (!text)
		return cli_dbg_error(s, "%s: out of memory", argv[0]);
	for (size_t i = 0; i < n; i++)
		print_exit_line(s, evs[i], text);
	free(text);
	return true;
}
