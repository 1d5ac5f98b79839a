/* RISC-V control and status registers: the status registers (mstatus, sstatus, vsstatus,
 * hstatus), address translation (satp, vsatp, hgatp), the delegation and interrupt bit
 * vectors, and the single-value trap registers (tval, htval/mtval2, epc).
 * Bit positions are the privileged specification's for RV64.
 */
#include "rv_csr.h"

#include <inttypes.h>
#include <string.h>

/* A space-separated list built on the stack, so that a summary costs the arena one copy. */
typedef struct dec_rv_words {
	size_t len;
	char buf[1024];
} dec_rv_words;

/* Appends the first len bytes of word (all of it if len < 0); drops what does not fit. */
static void dec_rv_words_add(dec_rv_words *w, const char *word, int len)
{
	size_t n = len < 0 ? strlen(word) : (size_t)len;
	if (w->len + 1 + n >= sizeof w->buf)
		return;
	if (w->len)
		w->buf[w->len++] = ' ';
	memcpy(w->buf + w->len, word, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

/* ---- field tables ------------------------------------------------------------------------ */

/* One field of a status register. Multi-bit meanings start with a short label before the
 * first ':' ("Dirty: ..."), which the summary uses. A field wider than 2 bits has meaning[0]
 * for 0 and meaning[1] for any other value, which is printed in front of it. */
typedef struct dec_rv_field_def {
	uint8_t lsb, width;
	uint8_t views; /* dec_rv_status_view bits of the registers that have this field */
	const char *name, *long_name;
	const char *meaning[4];
} dec_rv_field_def;

#define RV_ALL_VIEWS (RV_STATUS_M | RV_STATUS_S | RV_STATUS_VS)
/* A 1-bit field, and a wider one with its meanings by value. */
#define RV_FLAG(lsb, views, name, long_name, off, on)                                              \
	{                                                                                          \
		lsb, 1, views, name, long_name,                                                    \
		{                                                                                  \
			off, on                                                                    \
		}                                                                                  \
	}
#define RV_FIELD(lsb, width, views, name, long_name, ...)                                          \
	{                                                                                          \
		lsb, width, views, name, long_name,                                                \
		{                                                                                  \
			__VA_ARGS__                                                                \
		}                                                                                  \
	}
#define RV_CTX_STATE(what)                                                                         \
	"Off: " what " instructions raise illegal-instruction exceptions",                         \
	    "Initial: " what " state is at its initial value",                                     \
	    "Clean: " what " state unchanged since it was last saved",                             \
	    "Dirty: " what " state changed since it was last saved: a context switch must save it"
#define RV_XLEN_VALUES(who)                                                                        \
	"Reserved: no such XLEN", "32-bit: " who " runs with XLEN=32",                             \
	    "64-bit: " who " runs with XLEN=64", "Reserved: formerly 128-bit"

static const dec_rv_field_def dec_rv_status_fields[] = {
    RV_FLAG(1, RV_ALL_VIEWS, "SIE", "Supervisor Interrupt Enable",
	    "0: S-level interrupts are masked while running in S-mode",
	    "1: S-level interrupts are taken while running in S-mode"),
    RV_FLAG(3, RV_STATUS_M, "MIE", "Machine Interrupt Enable",
	    "0: interrupts are masked while running in M-mode",
	    "1: interrupts are taken while running in M-mode"),
    RV_FLAG(5, RV_ALL_VIEWS, "SPIE", "Supervisor Previous Interrupt Enable",
	    "0: SIE was 0 before the last trap into S-mode; sret copies this back into SIE",
	    "1: SIE was 1 before the last trap into S-mode; sret copies this back into SIE"),
    RV_FLAG(6, RV_ALL_VIEWS, "UBE", "U-mode Big Endian",
	    "0: U-mode data accesses are little-endian", "1: U-mode data accesses are big-endian"),
    RV_FLAG(7, RV_STATUS_M, "MPIE", "Machine Previous Interrupt Enable",
	    "0: MIE was 0 before the last trap into M-mode; mret copies this back into MIE",
	    "1: MIE was 1 before the last trap into M-mode; mret copies this back into MIE"),
    RV_FLAG(8, RV_ALL_VIEWS, "SPP", "Supervisor Previous Privilege",
	    "0: the last trap into S-mode came from U-mode (VU-mode if hstatus.SPV=1); sret "
	    "returns there",
	    "1: the last trap into S-mode came from S-mode (VS-mode if hstatus.SPV=1); sret "
	    "returns there"),
    RV_FIELD(9, 2, RV_ALL_VIEWS, "VS", "Vector extension state", RV_CTX_STATE("vector")),
    RV_FIELD(11, 2, RV_STATUS_M, "MPP", "Machine Previous Privilege",
	     "U-mode: the last trap into M-mode came from U-mode (VU if MPV=1); mret returns "
	     "there",
	     "S-mode: the last trap into M-mode came from S-mode (VS if MPV=1); mret returns "
	     "there",
	     "Reserved: not a privilege mode",
	     "M-mode: the last trap into M-mode came from M-mode; mret returns there"),
    RV_FIELD(13, 2, RV_ALL_VIEWS, "FS", "Floating-point state", RV_CTX_STATE("floating-point")),
    RV_FIELD(15, 2, RV_ALL_VIEWS, "XS", "Additional user-mode extension state",
	     "All off: no additional extension state", "Initial: none dirty or clean, some on",
	     "Clean: none dirty, some clean", "Dirty: some additional extension state is dirty"),
    RV_FLAG(17, RV_STATUS_M, "MPRV", "Modify Privilege",
	    "0: M-mode loads and stores use M-mode's own privilege",
	    "1: M-mode loads and stores are translated and checked as if in the mode in MPP "
	    "(and MPV)"),
    RV_FLAG(18, RV_ALL_VIEWS, "SUM", "permit Supervisor User Memory access",
	    "0: S-mode faults on accesses to user (U=1) pages",
	    "1: S-mode may load and store user (U=1) pages"),
    RV_FLAG(19, RV_ALL_VIEWS, "MXR", "Make eXecutable Readable", "0: loads need readable pages",
	    "1: loads from execute-only pages are allowed"),
    RV_FLAG(20, RV_STATUS_M, "TVM", "Trap Virtual Memory", "0: S-mode may use satp and SFENCE.VMA",
	    "1: S-mode satp accesses and SFENCE.VMA/SINVAL.VMA raise illegal-instruction"),
    RV_FLAG(21, RV_STATUS_M, "TW", "Timeout Wait", "0: WFI below M-mode just waits",
	    "1: WFI below M-mode raises illegal-instruction if it does not complete quickly"),
    RV_FLAG(22, RV_STATUS_M, "TSR", "Trap SRET", "0: S-mode may execute SRET",
	    "1: SRET in S-mode raises illegal-instruction"),
    RV_FLAG(23, RV_ALL_VIEWS, "SPELP", "Supervisor Previous Expected Landing Pad",
	    "0: no landing pad was expected at the last trap into S-mode",
	    "1: a landing pad was expected at the last trap into S-mode (Zicfilp)"),
    RV_FLAG(24, RV_ALL_VIEWS, "SDT", "Supervisor Disable Trap",
	    "0: a trap into S-mode is taken normally",
	    "1: S-mode's trap handler is not yet re-entrant: another trap into S-mode now is a "
	    "double trap (Ssdbltrp)"),
    RV_FIELD(32, 2, RV_ALL_VIEWS, "UXL", "U-mode XLEN", RV_XLEN_VALUES("U-mode")),
    RV_FIELD(34, 2, RV_STATUS_M, "SXL", "S-mode XLEN", RV_XLEN_VALUES("S-mode")),
    RV_FLAG(36, RV_STATUS_M, "SBE", "S-mode Big Endian",
	    "0: S-mode data accesses are little-endian", "1: S-mode data accesses are big-endian"),
    RV_FLAG(37, RV_STATUS_M, "MBE", "M-mode Big Endian",
	    "0: M-mode data accesses are little-endian", "1: M-mode data accesses are big-endian"),
    RV_FLAG(38, RV_STATUS_M, "GVA", "Guest Virtual Address",
	    "0: mtval does not hold a guest virtual address",
	    "1: mtval holds a guest virtual address"),
    RV_FLAG(39, RV_STATUS_M, "MPV", "Machine Previous Virtualization mode",
	    "0: the last trap into M-mode came from outside a guest (V was 0)",
	    "1: the last trap into M-mode came from a guest (V was 1); mret returns to VS/VU"),
    RV_FLAG(41, RV_STATUS_M, "MPELP", "Machine Previous Expected Landing Pad",
	    "0: no landing pad was expected at the last trap into M-mode",
	    "1: a landing pad was expected at the last trap into M-mode (Zicfilp)"),
    RV_FLAG(42, RV_STATUS_M, "MDT", "Machine Disable Trap",
	    "0: a trap into M-mode is taken normally",
	    "1: M-mode's trap handler is not yet re-entrant: another trap now is a double trap "
	    "(Smdbltrp)"),
    RV_FLAG(63, RV_ALL_VIEWS, "SD", "State Dirty", "0: none of FS, VS, XS is Dirty",
	    "1: FS, VS or XS is Dirty: state must be saved"),
};

/* hstatus has one view; 1 stands for it. */
static const dec_rv_field_def dec_rv_hstatus_fields[] = {
    RV_FLAG(5, 1, "VSBE", "VS-mode Big Endian", "0: VS-mode data accesses are little-endian",
	    "1: VS-mode data accesses are big-endian"),
    RV_FLAG(6, 1, "GVA", "Guest Virtual Address", "0: stval does not hold a guest virtual address",
	    "1: stval holds a guest virtual address (the trap came from the guest, or from "
	    "HLV/HLVX/HSV)"),
    RV_FLAG(7, 1, "SPV", "Supervisor Previous Virtualization mode",
	    "SPV=0: the trap came from outside the guest (V was 0: HS-mode or U-mode); sret "
	    "stays outside the guest",
	    "SPV=1: the trap came from a virtualized mode (V was 1); sret will return to VS/VU"),
    RV_FLAG(8, 1, "SPVP", "Supervisor Previous Virtual Privilege",
	    "0: the guest was in VU-mode at its last trap; HLV/HLVX/HSV access memory as VU-mode",
	    "1: the guest was in VS-mode at its last trap; HLV/HLVX/HSV access memory as "
	    "VS-mode"),
    RV_FLAG(9, 1, "HU", "Hypervisor in U-mode", "0: HLV/HLVX/HSV are illegal in U-mode",
	    "1: U-mode may execute HLV/HLVX/HSV"),
    RV_FIELD(12, 6, 1, "VGEIN", "Virtual Guest External Interrupt Number",
	     "0: no guest external interrupt source drives the guest's VSEIP",
	     "the guest external interrupt with this number (its hgeip bit) drives the guest's "
	     "VSEIP"),
    RV_FLAG(20, 1, "VTVM", "Virtual Trap Virtual Memory", "0: VS-mode may use satp and SFENCE.VMA",
	    "1: satp accesses and SFENCE.VMA/SINVAL.VMA in VS-mode raise virtual-instruction "
	    "exceptions"),
    RV_FLAG(21, 1, "VTW", "Virtual Timeout Wait", "0: WFI in VS-mode just waits",
	    "1: WFI in VS-mode raises a virtual-instruction exception if it does not complete "
	    "quickly"),
    RV_FLAG(22, 1, "VTSR", "Virtual Trap SRET", "0: VS-mode may execute SRET",
	    "1: SRET in VS-mode raises a virtual-instruction exception"),
    RV_FIELD(32, 2, 1, "VSXL", "VS-mode XLEN", RV_XLEN_VALUES("VS-mode")),
    RV_FIELD(48, 2, 1, "HUPMM", "Hypervisor U-mode Pointer Masking Mode",
	     "Disabled: no pointer masking for HLV/HSV in U-mode", "Reserved: not a masking mode",
	     "PMLEN=7: HLV/HSV in U-mode ignore the top 7 address bits",
	     "PMLEN=16: HLV/HSV in U-mode ignore the top 16 address bits"),
};

static uint64_t dec_rv_field_mask(const dec_rv_field_def *f)
{
	return (f->width >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << f->width) - 1) << f->lsb;
}

static const char *dec_rv_field_meaning(dec_reg *out, const dec_rv_field_def *f, uint64_t value)
{
	if (f->width > 2)
		return value ? dec_fmt(out, "%" PRIu64 ": %s", value, f->meaning[1])
			     : f->meaning[0];
	return f->meaning[value];
}

/* Adds "NAME" (a set bit) or "NAME=Label" (a nonzero multi-bit field) to a summary. */
static void dec_rv_summary_add(dec_reg *out, dec_rv_words *w, const dec_rv_field_def *f,
			       const char *meaning)
{
	if (f->width == 1) {
		dec_rv_words_add(w, f->name, -1);
	} else {
		const char *colon = strchr(meaning, ':');
		int len = colon ? (int)(colon - meaning) : (int)strlen(meaning);
		dec_rv_words_add(w, dec_fmt(out, "%s=%.*s", f->name, len, meaning), -1);
	}
}

/* Adds one field per bit run that is set in value but not in defined (WPRI bits). */
static void dec_rv_flag_undefined(dec_reg *out, uint64_t defined, const char *meaning)
{
	uint64_t extra = out->value & ~defined;
	for (unsigned bit = 0; bit < 64;) {
		if (!(extra >> bit & 1)) {
			bit++;
			continue;
		}
		unsigned end = bit;
		while (end < 64 && (extra >> end & 1))
			end++;
		dec_field *f =
		    dec_field_add(out, "WPRI", "Reserved (writes preserve, reads ignore)", bit,
				  end - bit, meaning);
		if (f)
			f->warn = true;
		bit = end;
	}
}

/* Lists the fields of one view; fields of other views that are set in the value are shown
 * flagged (the value was probably read from another register). The nonzero fields go to
 * set. Returns the mask of all fields in the table. */
static uint64_t dec_rv_decode_fields(dec_reg *out, const dec_rv_field_def *defs, size_t n,
				     unsigned view, const char *other_view, dec_rv_words *set)
{
	uint64_t known = 0;
	for (size_t i = 0; i < n; i++) {
		const dec_rv_field_def *d = &defs[i];
		uint64_t value = dec_bits(out->value, d->lsb, d->width);
		known |= dec_rv_field_mask(d);
		if (d->views & view) {
			const char *meaning = dec_rv_field_meaning(out, d, value);
			dec_field_add(out, d->name, d->long_name, d->lsb, d->width, meaning);
			if (value)
				dec_rv_summary_add(out, set, d, meaning);
		} else if (value) {
			dec_field *f = dec_field_add(
			    out, d->name, d->long_name, d->lsb, d->width,
			    dec_fmt(out,
				    "not part of this register: %s is %s's field (was the "
				    "value read from %s?)",
				    d->name, other_view, other_view));
			if (f)
				f->warn = true;
		}
	}
	return known;
}

void dec_rv_decode_status(dec_reg *out, const dec_regdef *def, uint64_t v, const dec_ctx *ctx)
{
	(void)ctx;
	unsigned view = (unsigned)def->variant;

	dec_rv_words set = {0};

	dec_reg_init(out, def->display, v);
	uint64_t known = dec_rv_decode_fields(
	    out, dec_rv_status_fields, sizeof dec_rv_status_fields / sizeof dec_rv_status_fields[0],
	    view, "mstatus", &set);
	dec_rv_flag_undefined(out, known, "reserved: should be zero");
	out->summary = set.len ? dec_fmt(out, "set: %s", set.buf) : "all fields 0";
	if (view == RV_STATUS_M)
		out->hint = "mret returns to the mode in MPP (and MPV), restoring MIE from MPIE; "
			    "MPRV/MXR/SUM shape M-mode's loads and stores.";
	else if (view == RV_STATUS_VS)
		out->hint = "The guest's own sstatus (VS-mode reads vsstatus as sstatus); a "
			    "hypervisor that injects a trap sets SPP, SPIE and clears SIE here, as "
			    "KVM's trap redirect does.";
	else
		out->hint = "sret returns to the mode in SPP (and hstatus.SPV), restoring SIE from "
			    "SPIE; hypervisors keep the guest's copy in their vCPU context.";
}

void dec_rv_decode_hstatus(dec_reg *out, const dec_regdef *def, uint64_t v, const dec_ctx *ctx)
{
	(void)ctx;
	dec_rv_words set = {0};

	dec_reg_init(out, def->display, v);
	uint64_t known = dec_rv_decode_fields(
	    out, dec_rv_hstatus_fields,
	    sizeof dec_rv_hstatus_fields / sizeof dec_rv_hstatus_fields[0], 1, "", &set);
	dec_rv_flag_undefined(out, known, "reserved: should be zero");

	bool spv = v >> 7 & 1, spvp = v >> 8 & 1;
	const char *from = spv ? (spvp ? "the trap came from the guest's VS-mode"
				       : "the trap came from the guest's VU-mode")
			       : "the trap came from outside the guest";
	out->summary = dec_fmt(out, "%s; set: %s", from, set.len ? set.buf : "none");
	out->hint = "On every trap into HS-mode the hart writes SPV (V before the trap), SPVP "
		    "(only if V was 1) and GVA; sret re-enters the guest when SPV=1.";
}

/* ---- satp, vsatp, hgatp ------------------------------------------------------------------ */

typedef struct dec_rv_atp_mode {
	const char *name;
	const char *meaning;
} dec_rv_atp_mode;

static const dec_rv_atp_mode dec_rv_satp_modes[16] = {
    [0] = {"Bare", "Bare: no translation, virtual address = physical address"},
    [8] = {"Sv39", "Sv39: 3-level page tables, 39-bit virtual addresses"},
    [9] = {"Sv48", "Sv48: 4-level page tables, 48-bit virtual addresses"},
    [10] = {"Sv57", "Sv57: 5-level page tables, 57-bit virtual addresses"},
    [11] = {"Sv64", "Sv64: reserved for a future 64-bit scheme that is not defined yet"},
};

static const dec_rv_atp_mode dec_rv_hgatp_modes[16] = {
    [0] = {"Bare", "Bare: no G-stage translation, guest physical = host physical address"},
    [8] = {"Sv39x4", "Sv39x4: 3-level G-stage tables, 41-bit guest physical addresses, "
		     "16 KiB root"},
    [9] = {"Sv48x4", "Sv48x4: 4-level G-stage tables, 50-bit guest physical addresses, "
		     "16 KiB root"},
    [10] = {"Sv57x4", "Sv57x4: 5-level G-stage tables, 59-bit guest physical addresses, "
		      "16 KiB root"},
};

static const char *dec_rv_atp_reserved_mode(enum dec_rv_atp_kind kind, unsigned mode)
{
	if (kind != RV_ATP_HGATP && mode >= 14)
		return "Custom: designated for custom use";
	if (kind == RV_ATP_HGATP)
		return "Reserved: hgatp.MODE is WARL, the hart does not keep this value";
	return "Reserved: writing it to satp has no effect (the whole write is ignored)";
}

/* PPN field, and the summary's description of the root table. */
static const char *dec_rv_atp_root(dec_reg *out, enum dec_rv_atp_kind kind, bool bare, uint64_t ppn,
				   dec_field **field)
{
	uint64_t root = ppn << 12;
	const char *meaning;
	bool misaligned = kind == RV_ATP_HGATP && !bare && (ppn & 3);

	if (bare)
		meaning = ppn ? "unused with MODE=Bare: should be 0" : "unused with MODE=Bare";
	else if (misaligned)
		meaning = dec_fmt(out,
				  "root page table at 0x%" PRIx64 ": NOT 16 KiB aligned; the spec "
				  "says PPN[1:0] read as zero, so the hart walks from 0x%" PRIx64
				  "; the table must be 16 KiB aligned",
				  root, root & ~UINT64_C(0x3fff));
	else if (kind == RV_ATP_HGATP)
		meaning =
		    dec_fmt(out, "root page table at 0x%" PRIx64 " (16 KiB, 2048 entries)", root);
	else if (kind == RV_ATP_VSATP)
		meaning = dec_fmt(out,
				  "root page table at guest physical 0x%" PRIx64
				  " (itself translated by the G-stage)",
				  root);
	else
		meaning = dec_fmt(out, "root page table at 0x%" PRIx64 " (4 KiB)", root);

	*field =
	    dec_field_add(out, "PPN", "Physical Page Number of the root table", 0, 44, meaning);
	if (*field)
		(*field)->warn = (bare && ppn) || misaligned;
	if (misaligned)
		return dec_fmt(out,
			       "root table at 0x%" PRIx64 " is not 16 KiB aligned: the spec says "
			       "PPN[1:0] read as zero (the hart walks from 0x%" PRIx64
			       "); the table "
			       "must be 16 KiB aligned",
			       root, root & ~UINT64_C(0x3fff));
	return dec_fmt(out, "root table at 0x%" PRIx64, root);
}

void dec_rv_decode_atp(dec_reg *out, const dec_regdef *def, uint64_t v, const dec_ctx *ctx)
{
	(void)ctx;
	enum dec_rv_atp_kind kind = (enum dec_rv_atp_kind)def->variant;
	unsigned mode = (unsigned)(v >> 60);
	const dec_rv_atp_mode *m =
	    kind == RV_ATP_HGATP ? &dec_rv_hgatp_modes[mode] : &dec_rv_satp_modes[mode];
	bool bare = mode == 0;
	uint64_t id = kind == RV_ATP_HGATP ? dec_bits(v, 44, 14) : dec_bits(v, 44, 16);

	dec_reg_init(out, def->display, v);
	dec_field *f = dec_field_add(out, "MODE", "Translation mode", 60, 4,
				     m->name ? m->meaning : dec_rv_atp_reserved_mode(kind, mode));
	if (f)
		f->warn = !m->name || mode == 11;
	if (kind == RV_ATP_HGATP) {
		if (dec_bits(v, 58, 2)) {
			f = dec_field_add(out, "0", "Reserved (zero)", 58, 2,
					  "reserved: must be zero");
			if (f)
				f->warn = true;
		}
		f = dec_field_add(
		    out, "VMID", "Virtual Machine IDentifier", 44, 14,
		    bare ? (id ? "unused with MODE=Bare: should be 0" : "unused with MODE=Bare")
			 : dec_fmt(out,
				   "VM %" PRIu64 ": G-stage TLB entries are "
				   "tagged with it",
				   id));
	} else {
		f = dec_field_add(
		    out, "ASID", "Address Space IDentifier", 44, 16,
		    bare ? (id ? "unused with MODE=Bare: should be 0" : "unused with MODE=Bare")
			 : dec_fmt(out,
				   "address space %" PRIu64 ": TLB entries are "
				   "tagged with it",
				   id));
	}
	if (f)
		f->warn = bare && id;

	dec_field *ppn_field;
	const char *root = dec_rv_atp_root(out, kind, bare, dec_bits(v, 0, 44), &ppn_field);
	const char *mode_name = m->name ? m->name : dec_fmt(out, "MODE %u (reserved)", mode);
	if (bare)
		out->summary =
		    dec_fmt(out, "Bare: no %stranslation", kind == RV_ATP_HGATP ? "G-stage " : "");
	else
		out->summary = dec_fmt(out, "%s, %s %" PRIu64 ", %s", mode_name,
				       kind == RV_ATP_HGATP ? "VMID" : "ASID", id, root);

	if (kind == RV_ATP_HGATP)
		out->hint =
		    "Set per VM before entering the guest; after changing G-stage tables run "
		    "hfence.gvma. riscv_vcpu writes MODE 8 (Sv39x4) with VMID 0 even for "
		    "4-level tables and a 4 KiB root (a bug).";
	else if (kind == RV_ATP_VSATP)
		out->hint =
		    "The guest's satp (VS-mode reads vsatp as satp): guest virtual to guest "
		    "physical; hfence.vvma flushes its TLB entries.";
	else
		out->hint = "Run sfence.vma after changing page tables; in a guest, this register "
			    "is vsatp.";
}

/* ---- delegation and interrupt bit vectors ------------------------------------------------ */

enum dec_rv_bit_naming { RV_NAME_EXC, RV_NAME_IRQ, RV_NAME_IP, RV_NAME_IE };

typedef struct dec_rv_bitvec {
	enum dec_rv_bit_naming naming;
	uint64_t shown;	  /* bits listed whether set or clear */
	uint64_t ro_zero; /* read-only zero: flagged when set */
	uint64_t ro_one;  /* read as one when the H extension is implemented: flagged when clear */
	const char *on, *off;
	const char *summary; /* what the set bits are */
	const char *hint;
} dec_rv_bitvec;

#define RV_M_IRQS     (RV_BIT(3) | RV_BIT(7) | RV_BIT(11))
#define RV_S_IRQS     (RV_BIT(1) | RV_BIT(5) | RV_BIT(9))
#define RV_VS_IRQS    (RV_BIT(2) | RV_BIT(6) | RV_BIT(10))
#define RV_ALL_IRQS   (RV_S_IRQS | RV_VS_IRQS | RV_M_IRQS | RV_BIT(12) | RV_BIT(13))
#define RV_GUEST_EXCS (RV_BIT(20) | RV_BIT(21) | RV_BIT(22) | RV_BIT(23))
#define RV_STD_EXCS   (UINT64_C(0xFFFFFF) & ~RV_BIT(14) & ~RV_BIT(17))

static const char *const dec_rv_ip_on = "1: pending";
static const char *const dec_rv_ip_off = "0: not pending";
static const char *const dec_rv_ie_on = "1: enabled";
static const char *const dec_rv_ie_off = "0: disabled";
static const char *const dec_rv_ie_hint =
    "An interrupt is taken when it is pending and enabled, and the hart runs below the "
    "handler's mode or with its global enable (mstatus.MIE / sstatus.SIE) set.";

static const dec_rv_bitvec dec_rv_bitvecs[] = {
    [RV_BV_MEDELEG] = {RV_NAME_EXC, RV_STD_EXCS & ~RV_BIT(11) & ~RV_BIT(16),
		       RV_BIT(11) | RV_BIT(16), 0,
		       "1: delegated: taken in HS-mode (stvec), not by M-mode firmware",
		       "0: taken in M-mode (mtvec)", "delegated to HS-mode",
		       "Firmware (OpenSBI) delegates what S-mode handles itself: misaligned "
		       "accesses, page faults, ecalls from U, breakpoints, and with H also 10 "
		       "and 20-23 for the hypervisor."},
    [RV_BV_HEDELEG] = {RV_NAME_EXC,
		       RV_STD_EXCS & ~(RV_BIT(9) | RV_BIT(10) | RV_BIT(11) | RV_BIT(16)) &
			   ~RV_GUEST_EXCS,
		       RV_BIT(9) | RV_BIT(10) | RV_BIT(11) | RV_BIT(16) | RV_GUEST_EXCS, 0,
		       "1: delegated to VS-mode: the guest's own handler (vstvec) takes it, no "
		       "VM exit",
		       "0: a VM exit: the hypervisor takes it in HS-mode", "delegated to the guest",
		       "KVM (since 6.17) and riscv_vcpu write 0xB10D (codes 0, 2, 3, 8, 12, 13, "
		       "15; older KVM 0xB109): the guest handles its own page faults, system "
		       "calls and illegal instructions."},
    [RV_BV_MIDELEG] = {RV_NAME_IRQ, RV_S_IRQS | RV_VS_IRQS | RV_BIT(12) | RV_BIT(13), RV_M_IRQS,
		       RV_VS_IRQS, "1: delegated: taken in HS-mode", "0: taken in M-mode",
		       "delegated to HS-mode",
		       "With the H extension bits 2, 6 and 10 read as 1: VS-level interrupts "
		       "are never handled by M-mode."},
    [RV_BV_HIDELEG] = {RV_NAME_IRQ, RV_VS_IRQS | RV_BIT(13), RV_S_IRQS | RV_M_IRQS | RV_BIT(12), 0,
		       "1: delegated to VS-mode: the guest takes it directly, no VM exit",
		       "0: taken by the hypervisor in HS-mode", "delegated to the guest",
		       "KVM and riscv_vcpu write 0x444 (VSSI, VSTI, VSEI): the guest takes "
		       "its virtual interrupts without a VM exit."},
    [RV_BV_MIP] = {RV_NAME_IP, RV_ALL_IRQS, 0, 0, NULL, NULL, "pending",
		   "M-mode's view of every pending interrupt; MSIP, MTIP and MEIP come from "
		   "the platform (ACLINT, PLIC/APLIC)."},
    [RV_BV_MIE] = {RV_NAME_IE, RV_ALL_IRQS, 0, 0, NULL, NULL, "enabled", NULL},
    [RV_BV_SIP] = {RV_NAME_IP, RV_S_IRQS | RV_BIT(13), RV_VS_IRQS | RV_M_IRQS | RV_BIT(12), 0, NULL,
		   NULL, "pending",
		   "HS-mode's own interrupts; the guest's (VS-level) ones are in hip."},
    [RV_BV_SIE] = {RV_NAME_IE, RV_S_IRQS | RV_BIT(13), RV_VS_IRQS | RV_M_IRQS | RV_BIT(12), 0, NULL,
		   NULL, "enabled", NULL},
    [RV_BV_HIP] = {RV_NAME_IP, RV_VS_IRQS | RV_BIT(12), RV_S_IRQS | RV_M_IRQS | RV_BIT(13), 0, NULL,
		   NULL, "pending",
		   "VS-level interrupts waiting for the guest, and SGEIP for the hypervisor; "
		   "a hypervisor raises them through hvip."},
    [RV_BV_HIE] = {RV_NAME_IE, RV_VS_IRQS | RV_BIT(12), RV_S_IRQS | RV_M_IRQS | RV_BIT(13), 0, NULL,
		   NULL, "enabled", NULL},
    [RV_BV_HVIP] = {RV_NAME_IP, RV_VS_IRQS, RV_S_IRQS | RV_M_IRQS | RV_BIT(12) | RV_BIT(13), 0,
		    "1: the hypervisor asserts this interrupt for the guest",
		    "0: not asserted by the hypervisor", "injected into the guest",
		    "How a hypervisor injects interrupts: riscv_vcpu sets VSTIP when the host "
		    "timer fires; KVM sets VSSIP for the guest's SBI IPIs and VSEIP without "
		    "an IMSIC guest file."},
};

/* Extra words for particular bits: why a bit is read-only zero, or what drives it. */
typedef struct dec_rv_bit_note {
	enum dec_rv_bitvec_kind reg;
	uint64_t bits;
	const char *text;
} dec_rv_bit_note;

static const dec_rv_bit_note dec_rv_bit_notes[] = {
    {RV_BV_MEDELEG, RV_BIT(11), "read-only zero: an ecall from M-mode cannot be delegated"},
    {RV_BV_MEDELEG, RV_BIT(16), "read-only zero: a double trap always goes to M-mode"},
    {RV_BV_HEDELEG, RV_BIT(9) | RV_BIT(11),
     "read-only zero: ecalls from HS-mode and M-mode never come from the guest"},
    {RV_BV_HEDELEG, RV_BIT(10),
     "read-only zero: the guest's SBI calls (ecall from VS-mode) always reach the hypervisor"},
    {RV_BV_HEDELEG, RV_BIT(16), "read-only zero: a double trap always goes to M-mode"},
    {RV_BV_HEDELEG, RV_GUEST_EXCS,
     "read-only zero: guest-page faults and virtual-instruction traps are the hypervisor's "
     "job, they always go to HS-mode"},
    {RV_BV_MIDELEG, RV_VS_IRQS, "read-only one when the H extension is implemented"},
    {RV_BV_MIDELEG, RV_BIT(12), "read-only one when GEILEN > 0"},
    {RV_BV_MIDELEG, RV_M_IRQS,
     "machine-level interrupts are M-mode's own: S-mode cannot see or clear them"},
    {RV_BV_HIDELEG, RV_VS_IRQS, "the guest sees it renumbered: 2, 6, 10 become 1, 5, 9"},
    {RV_BV_HIDELEG, RV_BIT(13), "writable only with Sscofpmf"},
    {RV_BV_HIDELEG, RV_S_IRQS | RV_BIT(12),
     "read-only zero: HS-level interrupts belong to the hypervisor"},
    {RV_BV_MIP, RV_BIT(2), "alias of hvip.VSSIP"},
    {RV_BV_MIP, RV_BIT(6), "hvip.VSTIP OR the Sstc vstimecmp timer"},
    {RV_BV_MIP, RV_BIT(10), "hvip.VSEIP OR hgeip[hstatus.VGEIN] OR a platform signal"},
    {RV_BV_MIP, RV_BIT(12), "read-only: 1 when hgeip & hgeie is nonzero"},
    {RV_BV_HIP, RV_BIT(2), "writable alias of hvip.VSSIP"},
    {RV_BV_HIP, RV_BIT(6), "read-only: hvip.VSTIP OR the Sstc vstimecmp timer"},
    {RV_BV_HIP, RV_BIT(10), "read-only: hvip.VSEIP OR hgeip[hstatus.VGEIN] OR a platform signal"},
    {RV_BV_HIP, RV_BIT(12),
     "read-only: 1 when hgeip & hgeie is nonzero (a guest external "
     "interrupt is pending and enabled)"},
    {RV_BV_SIP, RV_VS_IRQS | RV_BIT(12), "read-only zero: this bit lives in hip"},
    {RV_BV_SIE, RV_VS_IRQS | RV_BIT(12), "read-only zero: this bit lives in hie"},
    {RV_BV_HIP, RV_S_IRQS | RV_BIT(13), "read-only zero: this bit lives in sip"},
    {RV_BV_HIE, RV_S_IRQS | RV_BIT(13), "read-only zero: this bit lives in sie"},
    {RV_BV_HVIP, RV_S_IRQS, "read-only zero: hvip injects only VS-level interrupts"},
    {RV_BV_HVIP, RV_BIT(12), "read-only zero: SGEIP comes from hgeip & hgeie"},
    {RV_BV_HVIP, RV_BIT(13), "read-only zero: counter overflows are not injected via hvip"},
};

static const char *dec_rv_bit_note_for(enum dec_rv_bitvec_kind reg, unsigned bit)
{
	for (size_t i = 0; i < sizeof dec_rv_bit_notes / sizeof dec_rv_bit_notes[0]; i++)
		if (dec_rv_bit_notes[i].reg == reg && (dec_rv_bit_notes[i].bits >> bit & 1))
			return dec_rv_bit_notes[i].text;
	return NULL;
}

typedef struct dec_rv_bit_id {
	const char *name, *long_name;
	bool reserved; /* no standard or custom/platform meaning */
} dec_rv_bit_id;

static dec_rv_bit_id dec_rv_bit_identify(dec_reg *out, enum dec_rv_bit_naming naming, unsigned bit)
{
	dec_rv_bit_id id = {NULL, NULL, false};
	if (naming == RV_NAME_EXC) {
		const dec_rv_exc_desc *e = dec_rv_exception(bit);
		if (e)
			return (dec_rv_bit_id){e->name, e->desc, false};
		id.reserved = !dec_rv_exc_custom(bit);
		id.name = dec_fmt(out, "%s%u", id.reserved ? "RES" : "CUSTOM", bit);
		id.long_name = dec_rv_exc_range(bit);
		return id;
	}
	const dec_rv_irq_desc *irq = dec_rv_interrupt(bit);
	if (irq)
		return (dec_rv_bit_id){naming == RV_NAME_IP   ? irq->ip
				       : naming == RV_NAME_IE ? irq->ie
							      : irq->name,
				       irq->desc, false};
	id.reserved = bit < 16;
	id.name = dec_fmt(out, "%s%u", id.reserved ? "RES" : "IRQ", bit);
	id.long_name = id.reserved ? "Reserved" : "Platform (local) interrupt";
	return id;
}

static void dec_rv_bitvec_field(dec_reg *out, enum dec_rv_bitvec_kind kind, const dec_rv_bitvec *bv,
				unsigned bit, dec_rv_words *set_bits)
{
	bool set = out->value >> bit & 1;
	dec_rv_bit_id id = dec_rv_bit_identify(out, bv->naming, bit);
	const char *on = bv->on ? bv->on : bv->naming == RV_NAME_IE ? dec_rv_ie_on : dec_rv_ip_on;
	const char *off = bv->off		     ? bv->off
			  : bv->naming == RV_NAME_IE ? dec_rv_ie_off
						     : dec_rv_ip_off;
	const char *note = dec_rv_bit_note_for(kind, bit);
	bool ro_zero = bv->ro_zero >> bit & 1;
	bool warn = (set && (ro_zero || id.reserved)) || (!set && (bv->ro_one >> bit & 1));
	const char *meaning = set ? on : off;

	if (set && id.reserved)
		meaning = "1: reserved bit: should be zero";
	else if (set && ro_zero && !note)
		meaning = "1: but this bit is read-only zero here";
	if (note)
		meaning = dec_fmt(out, "%s (%s)", meaning, note);
	dec_field *f = dec_field_add(out, id.name, id.long_name, bit, 1, meaning);
	if (f)
		f->warn = warn;
	if (set)
		dec_rv_words_add(set_bits, id.name, -1);
}

void dec_rv_decode_bitvec(dec_reg *out, const dec_regdef *def, uint64_t v, const dec_ctx *ctx)
{
	(void)ctx;
	enum dec_rv_bitvec_kind kind = (enum dec_rv_bitvec_kind)def->variant;
	const dec_rv_bitvec *bv = &dec_rv_bitvecs[kind];
	dec_rv_words set_bits = {0};

	dec_reg_init(out, def->display, v);
	for (unsigned bit = 0; bit < 64; bit++)
		if ((bv->shown >> bit & 1) || (v >> bit & 1))
			dec_rv_bitvec_field(out, kind, bv, bit, &set_bits);

	unsigned flagged = 0;
	for (unsigned i = 0; i < out->nfields; i++)
		flagged += out->fields[i].warn;
	const char *set = set_bits.len ? set_bits.buf : "none";
	if (flagged)
		out->summary = dec_fmt(out, "%s: %s (%u bit%s flagged)", bv->summary, set, flagged,
				       flagged == 1 ? "" : "s");
	else
		out->summary = dec_fmt(out, "%s: %s", bv->summary, set);
	out->hint = bv->hint ? bv->hint : dec_rv_ie_hint;
}

/* ---- single-value trap registers --------------------------------------------------------- */

static const uint64_t *dec_rv_level_cause(const dec_ctx *ctx, dec_rv_level level, uint64_t *store)
{
	return dec_rv_ctx_get(ctx, dec_rv_trap_keys_of[level].cause, store) ? store : NULL;
}

void dec_rv_decode_tval(dec_reg *out, const dec_regdef *def, uint64_t v, const dec_ctx *ctx)
{
	dec_rv_level level = (dec_rv_level)def->variant;
	uint64_t cause_store;
	const uint64_t *cause = dec_rv_level_cause(ctx, level, &cause_store);

	dec_reg_init(out, def->display, v);
	dec_field_add(out, def->display, "Trap value", 0, 64,
		      dec_rv_tval_meaning(&out->text, level, cause));
	if (cause && !(*cause & RV_CAUSE_INTERRUPT) && (*cause == 2 || *cause == 22) && v) {
		char text[96];
		uint32_t raw = (v & 3) == 3 ? (uint32_t)v : (uint32_t)(v & 0xffff);
		if (dec_rv_disasm(raw, 0, text, sizeof text))
			out->summary = dec_fmt(out, "instruction: %s", text);
	}
	out->hint = "Read together with the cause register: it says what this value is.";
}

void dec_rv_decode_tval2(dec_reg *out, const dec_regdef *def, uint64_t v, const dec_ctx *ctx)
{
	dec_rv_level level = (dec_rv_level)def->variant;
	const char *tval_key = dec_rv_trap_keys_of[level].tval;
	uint64_t cause = 0, tval = 0;
	bool double_trap =
	    dec_rv_ctx_get(ctx, dec_rv_trap_keys_of[level].cause, &cause) && cause == 16;
	const char *meaning;

	dec_reg_init(out, def->display, v);
	if (double_trap) {
		meaning = dec_fmt(out, "the cause the unexpected trap would have written: %s",
				  dec_rv_cause_name(&out->text, v));
		out->summary = meaning;
	} else if (v == 0) {
		meaning = "0: no guest physical address (not a guest-page fault, or the hart did "
			  "not report it)";
	} else if (dec_rv_ctx_get(ctx, tval_key, &tval)) {
		uint64_t gpa = (v << 2) | (tval & 3);
		meaning = dec_fmt(out,
				  "GPA >> 2 (bits [63:2] of the guest physical address): GPA "
				  "0x%" PRIx64 " with %s's bits [1:0]",
				  gpa, tval_key);
		out->summary = dec_fmt(out, "guest physical address 0x%" PRIx64, gpa);
	} else {
		meaning = dec_fmt(out,
				  "GPA >> 2 (bits [63:2] of the guest physical address): GPA "
				  "0x%" PRIx64 "..0x%" PRIx64 ", %s's bits [1:0] pick the byte",
				  v << 2, (v << 2) | 3, tval_key);
		out->summary = dec_fmt(out, "guest physical address 0x%" PRIx64 " (+ %s & 3)",
				       v << 2, tval_key);
	}
	dec_field_add(out, def->display, "Guest physical address >> 2", 0, 64, meaning);
	out->hint = "On a guest-page fault: GPA = (htval << 2) | (stval & 3); KVM looks it up in "
		    "its memslots, riscv_vcpu treats it as an MMIO address.";
}

void dec_rv_decode_epc(dec_reg *out, const dec_regdef *def, uint64_t v, const dec_ctx *ctx)
{
	dec_rv_level level = (dec_rv_level)def->variant;
	uint64_t cause = 0;
	bool known = dec_rv_ctx_get(ctx, dec_rv_trap_keys_of[level].cause, &cause);
	const char *meaning;

	dec_reg_init(out, def->display, v);
	if (known && (cause & RV_CAUSE_INTERRUPT))
		meaning = "the instruction to resume at: the interrupt came between instructions";
	else if (known && cause >= 8 && cause <= 11)
		meaning = "the address of the ecall itself: the handler adds 4 before returning";
	else
		meaning = "the address of the instruction that trapped (or, for an interrupt, the "
			  "one to resume at)";
	if (level == RV_LEVEL_HS)
		meaning = dec_fmt(out, "%s; a guest virtual address when hstatus.SPV=1", meaning);
	dec_field *f =
	    dec_field_add(out, def->display, "Exception program counter", 0, 64, meaning);
	if (f && (v & 1)) {
		f->warn = true;
		f->meaning =
		    dec_fmt(out, "%s; bit 0 is set, but epc bit 0 always reads as zero", meaning);
	}
	out->hint = "The trap-return instruction (sret/mret) jumps here; emulated instructions "
		    "are skipped by adding their length (2 or 4).";
}
