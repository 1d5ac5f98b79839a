/* trapscope debug: pt, the two-stage walk of one address with every level's PTE decoded.
 *
 * The walk is the hart's own (rv_walk_guest), run without side effects; this file only
 * prints its record and explains the fault it ends in. */
#include "cli.h"
#include "debug.h"
#include "emu/rv_csrfile.h"

#include <inttypes.h>
#include <string.h>

enum { PTE_V = 1, PTE_R = 2, PTE_W = 4, PTE_X = 8, PTE_U = 16, PTE_A = 64 };
#define PTE_PPN(pte)   (((pte) >> 10) & ((UINT64_C(1) << 44) - 1))
#define PTE_HIGH       (~((UINT64_C(1) << 54) - 1))
#define PT_WRITE_TINST UINT64_C(0x3020) /* htinst of an implicit 64-bit PTE write */

static const char *const stage_names[3] = {"", "VS-stage", "G-stage"};
static const char *const page_sizes[4] = {"4 KiB", "2 MiB", "1 GiB", "512 GiB"};
static const char *const acc_names[3] = {
    [RV_ACC_FETCH] = "fetch", [RV_ACC_LOAD] = "load", [RV_ACC_STORE] = "store"};

static const struct {
	const char *word;
	unsigned acc;
} access_words[] = {{"r", RV_ACC_LOAD}, {"w", RV_ACC_STORE}, {"x", RV_ACC_FETCH}};

typedef struct pt_view {
	cli_dbg *s;
	const rv_hart *h;
	const rv_walk *w;
	uint64_t addr;
	bool gpa_only;
	unsigned acc;
	uint8_t priv;
} pt_view;

static void print_addr(const pt_view *v, const char *label, uint64_t addr)
{
	fprintf(v->s->out, "%s%s0x%" PRIx64 "%s", label, cli_dbg_style_on(v->s, CLI_DBG_ADDR), addr,
		cli_dbg_style_off(v->s));
}

static void print_head(const pt_view *v, int indent, const char *text)
{
	fprintf(v->s->out, "%*s%s%s%s", indent, "", cli_dbg_style_on(v->s, CLI_DBG_HEAD), text,
		cli_dbg_style_off(v->s));
}

/* The guest privilege an access would have: the hart's own in V=1, else the one it left. */
static uint8_t guest_priv(const rv_hart *h)
{
	if (h->virt)
		return h->priv;
	return (h->hstatus & HS_SPVP) ? RV_PRIV_S : RV_PRIV_U;
}

static int top_level(uint64_t atp)
{
	return (atp >> 60) == RV_ATP_SV48 ? 3 : 2;
}

/* ---- the regime ---- */

static void print_atp(const pt_view *v, const char *name)
{
	const dec_regdef *def = dec_regdef_find(name, DEC_ARCH_RISCV64);
	uint64_t val = strcmp(name, "vsatp") == 0 ? v->h->vsatp : v->h->hgatp;
	dec_reg reg;
	def->decode(&reg, def, val, NULL);
	fprintf(v->s->out, "  %-6s 0x%016" PRIx64 "  %s\n", name, val, reg.summary);
}

/* ---- one PTE ---- */

static void pte_flags(uint64_t pte, char out[9])
{
	static const char letters[] = "VRWXUGAD";
	for (unsigned i = 0; i < 8; i++)
		out[i] = (pte >> i) & 1 ? letters[i] : '-';
	out[8] = '\0';
}

/* What the PTE is, from its bits alone. */
static void pte_kind(const pt_view *v, uint64_t pte, int level)
{
	FILE *out = v->s->out;
	uint64_t ppn = PTE_PPN(pte);
	if (!(pte & PTE_V)) {
		fputs("invalid", out);
	} else if ((pte & PTE_W) && !(pte & PTE_R)) {
		fputs("reserved: W without R", out);
	} else if (pte & PTE_HIGH) {
		fputs("reserved: bits 63:54 set", out);
	} else if (!(pte & (PTE_R | PTE_X))) {
		if (level == 0)
			fputs("pointer at level 0: reserved", out);
		else
			print_addr(v, "next table ", ppn << 12);
	} else {
		fprintf(out, "%s leaf", page_sizes[level]);
		print_addr(v, " ", ppn << 12);
		if (ppn & ((UINT64_C(1) << (9 * level)) - 1))
			fputs(", misaligned", out);
	}
}

static void print_step(const pt_view *v, unsigned i)
{
	const rv_walk_step *st = &v->w->step[i];
	FILE *out = v->s->out;
	fprintf(out, "%*slevel %d", st->for_pte ? 8 : 2, "", st->level);
	print_addr(v, "  table ", st->table);
	print_addr(v, "  pte ", st->pte_addr);
	if (!st->read_ok) {
		fputs("  not read", out);
	} else {
		char flags[9];
		pte_flags(st->pte, flags);
		fprintf(out, " = 0x%016" PRIx64 "  %s ppn 0x%" PRIx64 "  ", st->pte, flags,
			PTE_PPN(st->pte));
		pte_kind(v, st->pte, st->level);
		if (st->sets_ad)
			fputs(" (hardware sets A/D: Svadu; pt does not)", out);
	}
	if (v->w->why_step == (int)i)
		fprintf(out, "  %s<- fault%s", cli_dbg_style_on(v->s, CLI_DBG_ERR),
			cli_dbg_style_off(v->s));
	fputc('\n', out);
}

/* The G-stage steps [from, to): one implicit access to the VS-stage PTE printed above. */
static void print_pte_walk(const pt_view *v, unsigned from, unsigned to)
{
	const rv_walk_step *st = &v->w->step[from];
	if (from == to)
		return;
	print_head(v, 6,
		   st->acc == RV_ACC_STORE ? "G-stage, A/D write of that PTE:"
					   : "G-stage, reading that PTE:");
	print_addr(v, " gpa ", st->va);
	fputc('\n', v->s->out);
	for (unsigned i = from; i < to; i++)
		print_step(v, i);
}

static bool is_final_gstage(const rv_walk_step *st)
{
	return st->stage == 2 && !st->for_pte;
}

/* The VS-stage steps, each with the G-stage walks of its own address (recorded before it)
 * and of its A/D write (after it); returns where the final G-stage walk starts. */
static unsigned print_vs_stage(const pt_view *v)
{
	FILE *out = v->s->out;
	const rv_walk *w = v->w;
	print_head(v, 0, "VS-stage");
	if (v->gpa_only) {
		fputs(": skipped, a guest physical address was given\n", out);
		return 0;
	}
	if ((v->h->vsatp >> 60) == RV_ATP_BARE) {
		fputs(": Bare, gpa = gva\n", out);
		return 0;
	}
	print_addr(v, ": gva ", v->addr);
	fputc('\n', out);
	unsigned i = 0, read_walk = 0;
	while (i < w->nsteps && !is_final_gstage(&w->step[i])) {
		if (w->step[i].stage == 2) {
			i++;
			continue;
		}
		print_step(v, i);
		print_pte_walk(v, read_walk, i);
		unsigned write_walk = ++i;
		while (i < w->nsteps && w->step[i].for_pte && w->step[i].acc == RV_ACC_STORE)
			i++;
		print_pte_walk(v, write_walk, i);
		read_walk = i;
	}
	return i;
}

static bool reaches_final_gstage(const rv_walk *w)
{
	return w->ok || (w->why_stage == 2 && !w->why_for_pte);
}

static void print_gstage(const pt_view *v, unsigned first)
{
	FILE *out = v->s->out;
	print_head(v, 0, "G-stage");
	if ((v->h->hgatp >> 60) == RV_ATP_BARE) {
		fputs(": Bare, hpa = gpa\n", out);
		return;
	}
	print_addr(v, ": gpa ", v->w->gpa);
	fputc('\n', out);
	for (unsigned i = first; i < v->w->nsteps; i++)
		print_step(v, i);
}

/* ---- the end of the walk ---- */

/* The level of the leaf that ended a stage's walk, or -1 when that stage did not walk. */
static int leaf_level(const rv_walk *w, unsigned stage)
{
	for (unsigned i = 0; i < w->nsteps; i++)
		if (w->step[i].leaf && w->step[i].stage == stage && !w->step[i].for_pte)
			return w->step[i].level;
	return -1;
}

static void print_page(const pt_view *v, const char *stage, int level)
{
	if (level < 0)
		fprintf(v->s->out, ", %s Bare", stage);
	else
		fprintf(v->s->out, ", %s %s page", stage, page_sizes[level]);
}

static void print_result(const pt_view *v)
{
	print_head(v, 0, "result:");
	if (!v->gpa_only)
		print_addr(v, " gva ", v->addr);
	print_addr(v, v->gpa_only ? " gpa " : " -> gpa ", v->w->gpa);
	print_addr(v, " -> hpa ", v->w->hpa);
	fprintf(v->s->out, " (%s allowed", acc_names[v->acc]);
	if (!v->gpa_only)
		print_page(v, "VS-stage", leaf_level(v->w, 1));
	print_page(v, "G-stage", leaf_level(v->w, 2));
	fputs(")\n", v->s->out);
}

static const rv_walk_step *why_step(const rv_walk *w)
{
	return w->why_step < 0 ? NULL : &w->step[w->why_step];
}

/* The VS-stage step whose PTE the G-stage step i reaches: the next step for a read, the one
 * before for an A/D write. */
static const rv_walk_step *pte_owner(const rv_walk *w, int i)
{
	int dir = w->step[i].acc == RV_ACC_STORE ? -1 : 1;
	while (i >= 0 && i < (int)w->nsteps && w->step[i].stage != 1)
		i += dir;
	return i >= 0 && i < (int)w->nsteps ? &w->step[i] : NULL;
}

/* What stopped the walk for RV_WALK_PERMISSION. */
static void why_permission(const pt_view *v, const rv_walk_step *st, char *buf, size_t n)
{
	uint64_t pte = st->pte;
	const char *acc = !st->for_pte		    ? acc_names[st->acc]
			  : st->acc == RV_ACC_STORE ? "A/D write of the VS-stage PTE"
						    : "read of the VS-stage PTE";
	if (st->stage == 2 && !(pte & PTE_U))
		snprintf(buf, n,
			 "has U=0: every G-stage leaf needs U=1 (guest accesses are "
			 "checked as user accesses)");
	else if (st->stage == 1 && (pte & PTE_U) && v->priv == RV_PRIV_S && st->acc == RV_ACC_FETCH)
		snprintf(buf, n, "has U=1: VS-mode never executes from user pages");
	else if (st->stage == 1 && (pte & PTE_U) && v->priv == RV_PRIV_S)
		snprintf(buf, n, "has U=1 and vsstatus.SUM=0: VS-mode may not touch user pages");
	else if (st->stage == 1 && !(pte & PTE_U) && v->priv == RV_PRIV_U)
		snprintf(buf, n, "has U=0: VU-mode may not touch supervisor pages");
	else
		snprintf(buf, n, "does not allow the %s (R=%d W=%d X=%d)", acc, (int)(pte >> 1 & 1),
			 (int)(pte >> 2 & 1), (int)(pte >> 3 & 1));
}

/* The address a RV_WALK_RANGE walk refused. */
static uint64_t range_addr(const pt_view *v)
{
	const rv_walk *w = v->w;
	if (w->why_stage == 1)
		return v->addr;
	if (!w->why_for_pte)
		return w->gpa;
	const rv_walk_step *owner = pte_owner(w, (int)w->nsteps - 1);
	return owner ? owner->pte_addr : 0;
}

static void why_range(const pt_view *v, char *buf, size_t n)
{
	bool g = v->w->why_stage == 2;
	unsigned bits = 12 + 9 * (unsigned)(top_level(g ? v->h->hgatp : v->h->vsatp) + 1) + 2 * g;
	if (g)
		snprintf(buf, n,
			 "GPA 0x%" PRIx64 " is outside the G-stage: bits 63:%u must be zero",
			 range_addr(v), bits);
	else
		snprintf(buf, n, "GVA 0x%" PRIx64 " is outside Sv%u: bits 63:%u must equal bit %u",
			 range_addr(v), bits, bits, bits - 1);
}

static void why_invalid(const rv_walk_step *st, char *buf, size_t n)
{
	if (st->for_pte)
		snprintf(buf, n, "is invalid (V=0)");
	else
		snprintf(buf, n, "is invalid (V=0): %s 0x%" PRIx64 " is not mapped",
			 st->stage == 1 ? "GVA" : "GPA", st->va);
}

/* "<where> <what>", e.g. "G-stage level 2 PTE is invalid (V=0)". */
static void why_what(const pt_view *v, char *buf, size_t n)
{
	const rv_walk_step *st = why_step(v->w);
	char what[160];
	switch (v->w->why) {
	case RV_WALK_RANGE: why_range(v, buf, n); return;
	case RV_WALK_INVALID: why_invalid(st, what, sizeof what); break;
	case RV_WALK_RESERVED:
		snprintf(what, sizeof what, "%s",
			 (st->pte & PTE_W) && !(st->pte & PTE_R)
			     ? "has W=1 with R=0, a reserved combination"
			     : "has reserved bits 63:54 set (no Svnapot or Svpbmt here)");
		break;
	case RV_WALK_TOO_DEEP:
		snprintf(what, sizeof what, "is a pointer (R=W=X=0), but level 0 is the last");
		break;
	case RV_WALK_MISALIGNED:
		snprintf(what, sizeof what,
			 "is a %s leaf with PPN 0x%" PRIx64 ": PPN[%d:0] must be zero "
			 "(a misaligned superpage)",
			 page_sizes[st->level], PTE_PPN(st->pte), 9 * st->level - 1);
		break;
	case RV_WALK_PERMISSION: why_permission(v, st, what, sizeof what); break;
	case RV_WALK_AD:
		snprintf(what, sizeof what, "has %s and %s=0 (Svade), so %s",
			 !(st->pte & PTE_A) ? "A=0" : "D=0 for a store",
			 st->stage == 1 ? "henvcfg.ADUE" : "menvcfg.ADUE",
			 st->stage == 1 ? "the guest must set A/D itself"
					: "the hypervisor must set A/D in its G-stage PTEs");
		break;
	default: snprintf(what, sizeof what, "could not be read: its address is not RAM"); break;
	}
	snprintf(buf, n, "%s level %d PTE %s", stage_names[st->stage], st->level, what);
}

/* What the fault means for who handles it. */
static void why_consequence(const pt_view *v, char *buf, size_t n)
{
	const rv_fault *f = &v->w->fault;
	unsigned cause = f->cause;
	if (cause == RV_EXC_INSN_PAGE || cause == RV_EXC_LOAD_PAGE || cause == RV_EXC_STORE_PAGE)
		snprintf(buf, n,
			 (v->h->hedeleg >> cause) & 1
			     ? "a page fault the guest's own handler takes (hedeleg bit %u set)"
			     : "a page fault: hedeleg bit %u is clear, so HS-mode takes it first",
			 cause);
	else if (cause == RV_EXC_INSN_ACCESS || cause == RV_EXC_LOAD_ACCESS ||
		 cause == RV_EXC_STORE_ACCESS)
		snprintf(buf, n, "an access fault: the tables point outside memory");
	else if (v->w->why_for_pte)
		snprintf(
		    buf, n,
		    "an implicit access of the walk: a guest-page fault of the original access "
		    "type, htval = that PTE's GPA >> 2, stval = the GVA, htinst = 0x%" PRIx64
		    " - the hypervisor must map the guest's page table%s",
		    f->tinst, f->tinst == PT_WRITE_TINST ? " writable (Svadu updates A/D)" : "");
	else if (v->w->why == RV_WALK_INVALID || v->w->why == RV_WALK_RANGE)
		snprintf(buf, n,
			 "a guest access here is a guest-page fault - the hypervisor treats it as "
			 "MMIO (or maps the page on demand)");
	else
		snprintf(buf, n,
			 "a guest-page fault: the hypervisor's mapping refuses this access");
}

static void print_fault(const pt_view *v)
{
	FILE *out = v->s->out;
	const rv_fault *f = &v->w->fault;
	dec_text names;
	names.used = 0;
	fprintf(out, "%sfault:%s %s (scause %u), stval 0x%" PRIx64,
		cli_dbg_style_on(v->s, CLI_DBG_ERR), cli_dbg_style_off(v->s),
		dec_rv_cause_name(&names, f->cause), f->cause, f->tval);
	if (f->tval2)
		fprintf(out, ", htval 0x%" PRIx64 " (gpa 0x%" PRIx64 ")", f->tval2, f->tval2 << 2);
	if (f->tinst)
		fprintf(out, ", htinst 0x%" PRIx64, f->tinst);
	fputc('\n', out);

	char what[320], context[160] = "", so[320];
	why_what(v, what, sizeof what);
	const rv_walk_step *owner = v->w->why_for_pte ? pte_owner(v->w, v->w->why_step) : NULL;
	if (owner)
		snprintf(context, sizeof context,
			 " while translating the GPA 0x%" PRIx64 " of the VS-stage level %d PTE",
			 owner->pte_addr, owner->level);
	why_consequence(v, so, sizeof so);
	fprintf(out, "  %s%s%s; %s%s\n", cli_dbg_style_on(v->s, CLI_DBG_NOTE), what, context, so,
		cli_dbg_style_off(v->s));
}

/* ---- the command ---- */

static bool parse_access(const char *word, unsigned *acc)
{
	for (size_t i = 0; i < sizeof access_words / sizeof access_words[0]; i++)
		if (strcmp(word, access_words[i].word) == 0) {
			*acc = access_words[i].acc;
			return true;
		}
	return false;
}

static bool parse_args(cli_dbg *s, int argc, char **argv, pt_view *v)
{
	if (argc < 2)
		return cli_dbg_error(s, "pt: which address? pt [gva:|gpa:]ADDR [r|w|x]");
	if (argc > 3)
		return cli_dbg_error(s, "pt: too many arguments from '%s' on", argv[3]);
	cli_dbg_space space;
	const char *text = cli_dbg_split_space(argv[1], &space);
	const char *why;
	if (space == CLI_DBG_HPA)
		return cli_dbg_error(s,
				     "pt: '%s': a host physical address is not translated; "
				     "use gva: or gpa:",
				     argv[1]);
	if (strchr(text, ':'))
		return cli_dbg_error(s, "pt: '%s': unknown address space (gva:, gpa: or ipa:)",
				     argv[1]);
	if (!cli_dbg_parse_addr(s, text, &v->addr, &why))
		return cli_dbg_error(s, "pt: '%s': %s", argv[1], why);
	v->gpa_only = space == CLI_DBG_GPA;
	v->acc = RV_ACC_LOAD;
	if (argc == 3 && !parse_access(argv[2], &v->acc))
		return cli_dbg_error(s, "pt: access '%s': r (load), w (store) or x (fetch)",
				     argv[2]);
	return true;
}

bool cli_dbg_pt(cli_dbg *s, int argc, char **argv)
{
	rv_walk w;
	pt_view v = {.s = s, .w = &w};
	if (!parse_args(s, argc, argv, &v))
		return false;
	rv_hart *h = cli_dbg_rv_hart(s);
	v.h = h;
	v.priv = guest_priv(h);
	rv_walk_guest(h, v.addr, v.gpa_only, v.acc, v.priv, &w);

	fprintf(s->out, "%s by %s at ", acc_names[v.acc],
		v.priv == RV_PRIV_S ? "VS-mode" : "VU-mode");
	print_addr(&v, v.gpa_only ? "gpa " : "gva ", v.addr);
	fprintf(s->out, " (hart %u)\n", s->hart);
	print_atp(&v, "vsatp");
	print_atp(&v, "hgatp");
	unsigned first_g = print_vs_stage(&v);
	if (reaches_final_gstage(&w))
		print_gstage(&v, first_g);
	if (w.ok)
		print_result(&v);
	else
		print_fault(&v);
	return true;
}
