/* RISC-V trap causes: scause, mcause and vscause, and the trap value registers' meaning.
 * Codes and names are the privileged specification's (tables "mcause values", "hcauses").
 */
#include "rv_csr.h"

#include <ctype.h>
#include <inttypes.h>

const dec_rv_trap_keys dec_rv_trap_keys_of[3] = {
    [RV_LEVEL_M] = {"mcause", "mtval", "mtval2", "mtinst", "mstatus", "mepc", "M-mode"},
    [RV_LEVEL_HS] = {"scause", "stval", "htval", "htinst", "hstatus", "sepc", "HS-mode"},
    [RV_LEVEL_VS] = {"vscause", "vstval", NULL, NULL, "vsstatus", "vsepc", "VS-mode"},
};

bool dec_rv_ctx_get(const dec_ctx *ctx, const char *key, uint64_t *value)
{
	return ctx && key && dec_ctx_get(ctx, key, value);
}

static const dec_rv_exc_desc dec_rv_exceptions[24] = {
    [0] = {"INSN_MISALIGNED", "Instruction address misaligned"},
    [1] = {"INSN_ACCESS_FAULT", "Instruction access fault"},
    [2] = {"ILLEGAL_INSN", "Illegal instruction"},
    [3] = {"BREAKPOINT", "Breakpoint"},
    [4] = {"LOAD_MISALIGNED", "Load address misaligned"},
    [5] = {"LOAD_ACCESS_FAULT", "Load access fault"},
    [6] = {"STORE_MISALIGNED", "Store/AMO address misaligned"},
    [7] = {"STORE_ACCESS_FAULT", "Store/AMO access fault"},
    [8] = {"ECALL_U", "Environment call from U-mode or VU-mode"},
    [9] = {"ECALL_HS", "Environment call from HS-mode or S-mode"},
    [10] = {"ECALL_VS", "Environment call from VS-mode"},
    [11] = {"ECALL_M", "Environment call from M-mode"},
    [12] = {"INSN_PAGE_FAULT", "Instruction page fault"},
    [13] = {"LOAD_PAGE_FAULT", "Load page fault"},
    [15] = {"STORE_PAGE_FAULT", "Store/AMO page fault"},
    [16] = {"DOUBLE_TRAP", "Double trap"},
    [18] = {"SOFTWARE_CHECK", "Software check"},
    [19] = {"HARDWARE_ERROR", "Hardware error"},
    [20] = {"INSN_GUEST_PAGE_FAULT", "Instruction guest-page fault"},
    [21] = {"LOAD_GUEST_PAGE_FAULT", "Load guest-page fault"},
    [22] = {"VIRTUAL_INSN", "Virtual instruction"},
    [23] = {"STORE_GUEST_PAGE_FAULT", "Store/AMO guest-page fault"},
};

static const dec_rv_irq_desc dec_rv_interrupts[14] = {
    [1] = {"SSI", "SSIP", "SSIE", "Supervisor software interrupt"},
    [2] = {"VSSI", "VSSIP", "VSSIE", "Virtual supervisor software interrupt"},
    [3] = {"MSI", "MSIP", "MSIE", "Machine software interrupt"},
    [5] = {"STI", "STIP", "STIE", "Supervisor timer interrupt"},
    [6] = {"VSTI", "VSTIP", "VSTIE", "Virtual supervisor timer interrupt"},
    [7] = {"MTI", "MTIP", "MTIE", "Machine timer interrupt"},
    [9] = {"SEI", "SEIP", "SEIE", "Supervisor external interrupt"},
    [10] = {"VSEI", "VSEIP", "VSEIE", "Virtual supervisor external interrupt"},
    [11] = {"MEI", "MEIP", "MEIE", "Machine external interrupt"},
    [12] = {"SGEI", "SGEIP", "SGEIE", "Supervisor guest external interrupt"},
    [13] = {"LCOFI", "LCOFIP", "LCOFIE", "Counter-overflow interrupt"},
};

const dec_rv_exc_desc *dec_rv_exception(uint64_t code)
{
	return code < 24 && dec_rv_exceptions[code].name ? &dec_rv_exceptions[code] : NULL;
}

const dec_rv_irq_desc *dec_rv_interrupt(uint64_t code)
{
	return code < 14 && dec_rv_interrupts[code].name ? &dec_rv_interrupts[code] : NULL;
}

bool dec_rv_exc_custom(uint64_t code)
{
	return (code >= 24 && code <= 31) || (code >= 48 && code <= 63);
}

const char *dec_rv_exc_range(uint64_t code)
{
	return dec_rv_exc_custom(code) ? "Designated for custom use" : "Reserved";
}

static const char *dec_rv_irq_range(uint64_t code)
{
	return code >= 16 ? "Designated for platform use" : "Reserved";
}

static bool dec_rv_cause_reserved(uint64_t cause)
{
	uint64_t code = cause & ~RV_CAUSE_INTERRUPT;
	if (cause & RV_CAUSE_INTERRUPT)
		return !dec_rv_interrupt(code) && code < 16;
	return !dec_rv_exception(code) && !dec_rv_exc_custom(code);
}

const char *dec_rv_cause_name(dec_text *t, uint64_t cause)
{
	uint64_t code = cause & ~RV_CAUSE_INTERRUPT;
	const char *desc;
	if (cause & RV_CAUSE_INTERRUPT) {
		const dec_rv_irq_desc *irq = dec_rv_interrupt(code);
		desc = irq ? irq->desc : dec_rv_irq_range(code);
	} else {
		const dec_rv_exc_desc *exc = dec_rv_exception(code);
		desc = exc ? exc->desc : dec_rv_exc_range(code);
	}
	return dec_text_fmt(t, "%c%s", tolower((unsigned char)desc[0]), desc + 1);
}

/* Traps that never reach a level: delegation bits the specification makes read-only zero,
 * and interrupts that the hardware renumbers before the guest sees them. */
const char *dec_rv_cause_impossible(dec_rv_level level, uint64_t cause)
{
	uint64_t code = cause & ~RV_CAUSE_INTERRUPT;
	bool irq = cause & RV_CAUSE_INTERRUPT;
	uint64_t m_irqs = RV_BIT(3) | RV_BIT(7) | RV_BIT(11);

	if (code >= 64 || level == RV_LEVEL_M)
		return NULL;
	if (irq && (m_irqs >> code & 1))
		return "machine-level interrupts are always taken in M-mode";
	if (level == RV_LEVEL_HS) {
		if (!irq && code == 11)
			return "an ecall from M-mode stays in M-mode (medeleg bit 11 is read-only "
			       "zero)";
		if (!irq && code == 16)
			return "a double trap always goes to M-mode (medeleg bit 16 is read-only "
			       "zero)";
		return NULL;
	}
	if (irq && (code == 2 || code == 6 || code == 10))
		return "the guest sees VS-level interrupts 2, 6 and 10 renumbered as 1, 5 and 9";
	if (irq && code == 12)
		return "guest external interrupts are for HS-mode, never delegated to the guest";
	uint64_t hs_only = RV_BIT(9) | RV_BIT(10) | RV_BIT(11) | RV_BIT(16) | RV_BIT(20) |
			   RV_BIT(21) | RV_BIT(22) | RV_BIT(23);
	if (!irq && (hs_only >> code & 1))
		return "its hedeleg bit is read-only zero: this exception always goes to the "
		       "hypervisor (HS-mode)";
	return NULL;
}

static const char *const dec_rv_tval_by_exception[24] = {
    [0] = "the misaligned target address of the jump or branch",
    [1] = "the virtual address of the instruction fetch that faulted",
    [2] = "the bits of the illegal instruction (or 0 if the hart does not report them)",
    [3] = "the breakpoint's address: the pc of the ebreak, or the address a trigger "
	  "matched (or 0)",
    [4] = "the virtual address of the misaligned load",
    [5] = "the virtual address of the load that faulted",
    [6] = "the virtual address of the misaligned store or AMO",
    [7] = "the virtual address of the store or AMO that faulted",
    [8] = "0: environment calls write no trap value",
    [9] = "0: environment calls write no trap value",
    [10] = "0: environment calls write no trap value",
    [11] = "0: environment calls write no trap value",
    [12] = "the virtual address of the instruction fetch that faulted",
    [13] = "the virtual address of the load that faulted",
    [15] = "the virtual address of the store or AMO that faulted",
    [16] = "what the unexpected trap would have written (mtval2 holds its cause)",
    [18] = "why: 0 = no information, 2 = landing-pad fault (Zicfilp), 3 = shadow-stack fault "
	   "(Zicfiss)",
    [19] = "0, or implementation-defined details of the hardware error",
    [20] = "the guest virtual address of the fetch whose guest physical address has no "
	   "usable G-stage mapping",
    [21] = "the guest virtual address of the load that faulted in the G-stage; its bits "
	   "[1:0] are also the guest physical address's bits [1:0]",
    [22] = "the bits of the trapping instruction (or 0 if the hart does not report them)",
    [23] = "the guest virtual address of the store or AMO that faulted in the G-stage; its "
	   "bits [1:0] are also the guest physical address's bits [1:0]",
};

/* Exceptions whose trap value is an address that is a guest virtual address (hstatus.GVA=1)
 * when a trap from the guest lands in HS-mode. */
#define RV_TVAL_ADDRESS_CODES                                                                      \
	(RV_BIT(0) | RV_BIT(1) | RV_BIT(3) | RV_BIT(4) | RV_BIT(5) | RV_BIT(6) | RV_BIT(7) |       \
	 RV_BIT(12) | RV_BIT(13) | RV_BIT(15))

const char *dec_rv_tval_meaning(dec_text *t, dec_rv_level level, const uint64_t *cause)
{
	if (!cause)
		return "trap value: a faulting address, the trapping instruction's bits, or 0, "
		       "depending on the cause (give the cause register too)";
	uint64_t code = *cause & ~RV_CAUSE_INTERRUPT;
	if (*cause & RV_CAUSE_INTERRUPT)
		return "0: interrupts write no trap value";
	if (code >= 24 || !dec_rv_tval_by_exception[code])
		return "no trap value is defined for this cause";
	const char *text = dec_rv_tval_by_exception[code];
	if (level == RV_LEVEL_HS && (RV_TVAL_ADDRESS_CODES >> code & 1))
		return dec_text_fmt(t,
				    "%s; a guest virtual address when the trap came from the "
				    "guest (hstatus.GVA=1)",
				    text);
	return text;
}

/* Hints for traps into HS-mode: what a hypervisor does with each. */
static const char *const dec_rv_hs_exception_hint[24] = {
    [0] = "Normally delegated to the guest (hedeleg bit 0): here only if hedeleg bit 0 is clear.",
    [1] = "KVM redirects it into the guest (vscause=1); riscv_vcpu panics \"Unhandled trap\".",
    [2] = "KVM redirects it into the guest, or delegates it (hedeleg bit 2); stval holds the "
	  "instruction bits.",
    [3] = "KVM reports KVM_EXIT_DEBUG to the VMM (guest debugging); otherwise delegated to the "
	  "guest.",
    [4] = "KVM redirects it into the guest, whose kernel emulates the misaligned load; "
	  "riscv_vcpu panics.",
    [5] = "KVM redirects it into the guest; riscv_vcpu panics \"Unhandled trap\".",
    [6] = "KVM redirects it into the guest, whose kernel emulates the misaligned store; "
	  "riscv_vcpu panics.",
    [7] = "KVM redirects it into the guest; riscv_vcpu panics \"Unhandled trap\".",
    [8] = "A system call of the guest's user space: normally delegated to the guest kernel "
	  "(hedeleg bit 8).",
    [9] = "An ecall by HS-mode itself: normally an SBI call that goes to M-mode firmware, not "
	  "here.",
    [10] = "An SBI call from the guest kernel: a7 = EID, a6 = FID, a0-a5 = arguments; the "
	   "hypervisor answers in a0/a1 and adds 4 to sepc.",
    [12] = "Normally delegated to the guest (hedeleg bit 12): a fault in the guest's own page "
	   "tables.",
    [13] = "Normally delegated to the guest (hedeleg bit 13): a fault in the guest's own page "
	   "tables.",
    [15] = "Normally delegated to the guest (hedeleg bit 15): a fault in the guest's own page "
	   "tables.",
    [18] = "A control-flow check failed (Zicfilp/Zicfiss); stval says which.",
    [19] = "The hart reported an uncorrectable hardware error.",
    [20] = "The guest fetched from a guest physical address with no G-stage mapping: KVM maps "
	   "it; riscv_vcpu panics.",
    [21] = "MMIO emulation or a missing G-stage mapping: GPA = (htval << 2) | (stval & 3).",
    [22] = "The hypervisor emulates the instruction in stval (CSR access, WFI) or injects an "
	   "illegal-instruction trap.",
    [23] = "MMIO emulation or a missing (or read-only) G-stage mapping: GPA = (htval << 2) | "
	   "(stval & 3).",
};

static const char *const dec_rv_hs_interrupt_hint[14] = {
    [1] = "A host IPI arrived while the guest ran: the host handles it and resumes the guest "
	  "(riscv_vcpu panics).",
    [2] = "The guest's software interrupt was not delegated: set hideleg bit 2.",
    [5] = "The host timer fired while the guest ran: handle it; if it was the guest's deadline, "
	  "inject VSTIP through hvip.",
    [6] = "The guest's timer interrupt was not delegated: set hideleg bit 6.",
    [9] = "A host device interrupt arrived while the guest ran: the host's interrupt controller "
	  "driver handles it.",
    [10] = "The guest's external interrupt was not delegated: set hideleg bit 10.",
    [12] = "A guest external interrupt (IMSIC guest file) is pending: resume the vCPU that "
	   "owns it.",
    [13] = "A performance counter overflowed (Sscofpmf): the host's perf driver handles it.",
};

static const char *dec_rv_cause_hint(dec_rv_level level, uint64_t cause)
{
	uint64_t code = cause & ~RV_CAUSE_INTERRUPT;
	const char *hint = NULL;

	if (level == RV_LEVEL_M)
		return "Taken by M-mode firmware (e.g. OpenSBI): mepc, mtval, mtval2, mtinst and "
		       "mstatus.MPP/MPV describe it.";
	if (level == RV_LEVEL_VS)
		return "Taken by the guest kernel itself (delegated through hedeleg/hideleg): no "
		       "VM "
		       "exit, the hypervisor is not involved.";
	if (cause & RV_CAUSE_INTERRUPT)
		hint = code < 14 ? dec_rv_hs_interrupt_hint[code] : NULL;
	else
		hint = code < 24 ? dec_rv_hs_exception_hint[code] : NULL;
	return hint ? hint : "No standard handling: a hypervisor reports it as an unknown trap.";
}

/* vscause shows the guest's view: what the hypervisor called VS-level, the guest calls S. */
static const char *dec_rv_vs_interrupt_note(uint64_t code)
{
	switch (code) {
	case 1:
		return "; in vscause this is the guest's software interrupt (VSSIP, code 2 to the "
		       "hypervisor)";
	case 5:
		return "; in vscause this is the guest's timer interrupt (VSTIP, code 6 to the "
		       "hypervisor)";
	case 9:
		return "; in vscause this is the guest's external interrupt (VSEIP, code 10 to the "
		       "hypervisor)";
	default: return "";
	}
}

static const char *dec_rv_code_meaning(dec_reg *out, dec_rv_level level, uint64_t cause)
{
	uint64_t code = cause & ~RV_CAUSE_INTERRUPT;
	bool irq = cause & RV_CAUSE_INTERRUPT;
	const char *text = dec_rv_cause_name(&out->text, cause);
	const char *impossible = dec_rv_cause_impossible(level, cause);
	const char *note = irq && level == RV_LEVEL_VS ? dec_rv_vs_interrupt_note(code) : "";
	const char *rv32 = "";

	/* A 32-bit cause pasted into a 64-bit register: bit 31 is RV32's interrupt flag. */
	if (!irq && code >> 31 == 1)
		rv32 = dec_fmt(out,
			       "; bit 31 is set: on RV32 this would be interrupt %" PRIu64
			       ", but on RV64 the interrupt flag is bit 63",
			       code & 0x7fffffff);
	if (impossible)
		return dec_fmt(out, "%s%s; cannot appear in %s: %s%s", text, note,
			       dec_rv_trap_keys_of[level].cause, impossible, rv32);
	return dec_fmt(out, "%s%s%s", text, note, rv32);
}

void dec_rv_decode_cause(dec_reg *out, const dec_regdef *def, uint64_t v, const dec_ctx *ctx)
{
	(void)ctx;
	dec_rv_level level = (dec_rv_level)def->variant;
	bool irq = v & RV_CAUSE_INTERRUPT;
	uint64_t code = v & ~RV_CAUSE_INTERRUPT;

	dec_reg_init(out, def->display, v);
	dec_field_add(out, "Interrupt", "Interrupt", 63, 1,
		      irq ? "1: an interrupt, not caused by the instruction at the saved pc"
			  : "0: an exception, caused by the instruction at the saved pc");
	dec_field *f = dec_field_add(out, "Exception Code", "Exception Code", 0, 63,
				     dec_rv_code_meaning(out, level, v));
	if (f)
		f->warn = dec_rv_cause_reserved(v) || dec_rv_cause_impossible(level, v) != NULL;

	const char *text = dec_rv_cause_name(&out->text, v);
	if (code < 64)
		out->summary =
		    dec_fmt(out, "%s %" PRIu64 ": %s", irq ? "Interrupt" : "Exception", code, text);
	else
		out->summary = dec_fmt(out, "%s 0x%" PRIx64 ": %s", irq ? "Interrupt" : "Exception",
				       code, text);
	out->hint = dec_rv_cause_hint(level, v);
}
