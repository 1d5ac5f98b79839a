/* The RISC-V register table and the explainer: facts derived from several registers at once
 * (guest physical address, the faulting access, the trapping instruction) and what the
 * hardware, KVM and the ArceOS riscv_vcpu crate do with a trap.
 */
#include "rv_csr.h"
#include "rv_insn.h"

#include <inttypes.h>
#include <string.h>

#define RV_REG(name, bits, variant, fn)                                                            \
	{                                                                                          \
		name, name, name, DEC_ARCH_RISCV64, bits, variant, fn                              \
	}

/* An instruction word: its format fields and the disassembly (pc from sepc or mepc). */
static void dec_rv_decode_insn(dec_reg *r, const dec_regdef *def, uint64_t value,
			       const dec_ctx *ctx)
{
	uint32_t raw = (uint32_t)value;
	uint64_t pc = 0;
	char text[96];
	if (ctx && !dec_ctx_get(ctx, "sepc", &pc))
		dec_ctx_get(ctx, "mepc", &pc);
	dec_reg_init(r, def->display, value);
	if ((raw & 3) != 3) {
		dec_field_add(r, "op", "Quadrant", 0, 2, "compressed (16-bit) instruction");
		dec_field_add(r, "funct3", "Function", 13, 3, NULL);
		if (raw >> 16)
			dec_field_add(r, "upper", "Bits above a 16-bit instruction", 16, 16,
				      "ignored: a compressed instruction is 16 bits")
			    ->warn = true;
	} else {
		dec_field_add(r, "opcode", "Major opcode", 0, 7, NULL);
		dec_field_add(r, "rd", "Destination register", 7, 5, NULL);
		dec_field_add(r, "funct3", "Function", 12, 3, NULL);
		dec_field_add(r, "rs1", "First source register", 15, 5, NULL);
		dec_field_add(r, "rs2", "Second source register", 20, 5, NULL);
		dec_field_add(r, "funct7", "Function", 25, 7, NULL);
	}
	if (dec_rv_disasm(raw, pc, text, sizeof text))
		r->summary = dec_fmt(r, "%s", text);
	else
		r->summary =
		    "not an instruction of RV64IMAC, Zicsr, Zifencei, Zba, Zbb or H: a RISC-V "
		    "hart without those extensions raises illegal instruction (cause 2)";
	r->hint = "In a trap this is the instruction at sepc/mepc. When htinst is 0 a hypervisor "
		  "reads it from guest memory with HLVX.HU (KVM) to emulate an MMIO access.";
}

const dec_regdef dec_rv_regdefs[] = {
    RV_REG("scause", 64, RV_LEVEL_HS, dec_rv_decode_cause),
    RV_REG("mcause", 64, RV_LEVEL_M, dec_rv_decode_cause),
    RV_REG("vscause", 64, RV_LEVEL_VS, dec_rv_decode_cause),
    RV_REG("stval", 64, RV_LEVEL_HS, dec_rv_decode_tval),
    RV_REG("mtval", 64, RV_LEVEL_M, dec_rv_decode_tval),
    RV_REG("vstval", 64, RV_LEVEL_VS, dec_rv_decode_tval),
    RV_REG("htval", 64, RV_LEVEL_HS, dec_rv_decode_tval2),
    RV_REG("mtval2", 64, RV_LEVEL_M, dec_rv_decode_tval2),
    RV_REG("htinst", 64, RV_LEVEL_HS, dec_rv_decode_tinst),
    RV_REG("mtinst", 64, RV_LEVEL_M, dec_rv_decode_tinst),
    RV_REG("sepc", 64, RV_LEVEL_HS, dec_rv_decode_epc),
    RV_REG("mepc", 64, RV_LEVEL_M, dec_rv_decode_epc),
    RV_REG("sstatus", 64, RV_STATUS_S, dec_rv_decode_status),
    RV_REG("mstatus", 64, RV_STATUS_M, dec_rv_decode_status),
    RV_REG("vsstatus", 64, RV_STATUS_VS, dec_rv_decode_status),
    RV_REG("hstatus", 64, 0, dec_rv_decode_hstatus),
    RV_REG("hgatp", 64, RV_ATP_HGATP, dec_rv_decode_atp),
    RV_REG("satp", 64, RV_ATP_SATP, dec_rv_decode_atp),
    RV_REG("vsatp", 64, RV_ATP_VSATP, dec_rv_decode_atp),
    RV_REG("medeleg", 64, RV_BV_MEDELEG, dec_rv_decode_bitvec),
    RV_REG("mideleg", 64, RV_BV_MIDELEG, dec_rv_decode_bitvec),
    RV_REG("hedeleg", 64, RV_BV_HEDELEG, dec_rv_decode_bitvec),
    RV_REG("hideleg", 64, RV_BV_HIDELEG, dec_rv_decode_bitvec),
    RV_REG("hvip", 64, RV_BV_HVIP, dec_rv_decode_bitvec),
    RV_REG("hip", 64, RV_BV_HIP, dec_rv_decode_bitvec),
    RV_REG("hie", 64, RV_BV_HIE, dec_rv_decode_bitvec),
    RV_REG("sie", 64, RV_BV_SIE, dec_rv_decode_bitvec),
    RV_REG("sip", 64, RV_BV_SIP, dec_rv_decode_bitvec),
    RV_REG("mip", 64, RV_BV_MIP, dec_rv_decode_bitvec),
    RV_REG("mie", 64, RV_BV_MIE, dec_rv_decode_bitvec),
    RV_REG("sbi_eid", 32, 0, dec_rv_decode_sbi_eid),
    RV_REG("sbi_fid", 32, 0, dec_rv_decode_sbi_fid),
    RV_REG("insn", 32, 0, dec_rv_decode_insn),
    {NULL, NULL, NULL, DEC_ARCH_NONE, 0, 0, NULL},
};

/* ---- one trap, as far as the given registers tell ----------------------------------------- */

typedef struct dec_rv_trap {
	dec_rv_level level;
	const dec_rv_trap_keys *keys;
	uint64_t cause, code;
	bool irq;
	bool have_tval, have_tval2, have_tinst, have_status;
	uint64_t tval, tval2, tinst, status;
	int from_guest; /* 1, 0, or -1 when the status register was not given */
} dec_rv_trap;

static bool dec_rv_is_exception(const dec_rv_trap *t, uint64_t mask)
{
	return !t->irq && t->code < 64 && (mask >> t->code & 1);
}

#define RV_GUEST_PAGE_FAULTS (RV_BIT(20) | RV_BIT(21) | RV_BIT(23))

static void dec_rv_trap_load(const dec_ctx *ctx, dec_rv_level level, uint64_t cause, dec_rv_trap *t)
{
	*t = (dec_rv_trap){.level = level, .keys = &dec_rv_trap_keys_of[level], .cause = cause};
	t->irq = cause & RV_CAUSE_INTERRUPT;
	t->code = cause & ~RV_CAUSE_INTERRUPT;
	t->have_tval = dec_rv_ctx_get(ctx, t->keys->tval, &t->tval);
	t->have_tval2 = dec_rv_ctx_get(ctx, t->keys->tval2, &t->tval2);
	t->have_tinst = dec_rv_ctx_get(ctx, t->keys->tinst, &t->tinst);
	t->have_status = dec_rv_ctx_get(ctx, t->keys->status, &t->status);
	if (level == RV_LEVEL_VS)
		t->from_guest = 1;
	else if (!t->have_status)
		t->from_guest = -1;
	else
		t->from_guest =
		    level == RV_LEVEL_HS ? (int)(t->status >> 7 & 1) : (int)(t->status >> 39 & 1);
}

/* ---- hypervisor behaviour, per cause ------------------------------------------------------ */

typedef struct dec_rv_exit_text {
	const char *kvm, *arceos, *next;
} dec_rv_exit_text;

#define RV_KVM_NO_HANDLER "KVM: no exit handler for it: \"VCPU exit error\" and KVM_RUN fails"
#define RV_ARCEOS_DELEGATED(bit)                                                                   \
	"riscv_vcpu: delegated to the guest (hedeleg 0xB10D has bit " bit "); here it would "      \
	"panic \"Unhandled trap\""
#define RV_ARCEOS_PANIC(code) "riscv_vcpu: panic \"Unhandled trap: Exception(" code ")\" (BUG)"
#define RV_KVM_REDIRECT                                                                            \
	"KVM: redirects it into the guest: vscause, vstval and vsepc get the trap's values and "   \
	"the "                                                                                     \
	"guest resumes at its vstvec"

static const dec_rv_exit_text dec_rv_hs_exceptions[24] = {
    [0] = {RV_KVM_NO_HANDLER " (it delegates code 0 to the guest)", RV_ARCEOS_DELEGATED("0"),
	   "Set hedeleg bit 0 so the guest's kernel handles its own misaligned jumps; stval "
	   "is the target address."},
    [1] = {RV_KVM_REDIRECT, RV_ARCEOS_PANIC("1"),
	   "PMP or PMA refused the fetch at the host physical address: the G-stage maps the "
	   "guest page onto memory that cannot be executed (a device?), or M-mode PMP blocks "
	   "it."},
    [2] = {RV_KVM_REDIRECT " (kernels since 6.17 delegate code 2 instead)",
	   RV_ARCEOS_DELEGATED("2"),
	   "Look at the instruction: an extension the hart lacks, FS or VS = Off in the "
	   "guest's sstatus (always code 2, never 22), or a machine-level CSR."},
    [3] = {"KVM: KVM_EXIT_DEBUG to the VMM (KVM clears hedeleg bit 3 while a debugger is "
	   "attached)",
	   RV_ARCEOS_DELEGATED("3"),
	   "sepc points at the ebreak (or c.ebreak); the debugger steps over it."},
    [4] = {RV_KVM_REDIRECT "; the guest kernel emulates the misaligned load", RV_ARCEOS_PANIC("4"),
	   "stval is the misaligned guest virtual address; a nonzero htinst gives the load "
	   "and Addr.Offset."},
    [5] = {RV_KVM_REDIRECT, RV_ARCEOS_PANIC("5"),
	   "The G-stage translated the load, but PMP/PMA refused the host physical address: "
	   "check what the G-stage maps this guest page onto."},
    [6] = {RV_KVM_REDIRECT "; the guest kernel emulates the misaligned store", RV_ARCEOS_PANIC("6"),
	   "stval is the misaligned guest virtual address; a nonzero htinst gives the store "
	   "and Addr.Offset."},
    [7] = {RV_KVM_REDIRECT, RV_ARCEOS_PANIC("7"),
	   "The G-stage translated the store, but PMP/PMA refused the host physical address "
	   "(read-only or absent memory behind the mapping)."},
    [8] = {RV_KVM_NO_HANDLER " (hedeleg bit 8 sends these to the guest kernel)",
	   RV_ARCEOS_DELEGATED("8"),
	   "A system call from the guest's user space reached the hypervisor: set hedeleg bit "
	   "8. With SPV=0 it is the host's own user space calling the host kernel."},
    [9] = {"KVM: not a guest exit (an ecall from VS-mode is code 10)", RV_ARCEOS_PANIC("9"),
	   "An ecall from HS-mode lands in HS-mode only if firmware set medeleg bit 9, which "
	   "it does not do: the hypervisor's own SBI calls go to M-mode."},
    [10] = {"KVM: kvm_riscv_vcpu_sbi_ecall looks up a7 (EID) and a6 (FID), handles the call in "
	    "the kernel or forwards it to the VMM (KVM_EXIT_RISCV_SBI); unknown calls get a0 = "
	    "NOT_SUPPORTED (-2); sepc += 4",
	    "riscv_vcpu: SBI dispatch: legacy calls, HSM, the \"HVC\" hypercall, DBCN and SRST "
	    "itself, everything else passed to RustSBI; sepc += 4",
	    "Give sbi_eid (a7) and sbi_fid (a6) to see which call this is and how each "
	    "hypervisor answers it."},
    [12] = {RV_KVM_NO_HANDLER " (hedeleg bit 12 sends guest page faults to the guest)",
	    RV_ARCEOS_DELEGATED("12"),
	    "A fault in the guest's own (VS-stage) page tables: set hedeleg bit 12. With SPV=0 "
	    "and GVA=1 it is the hypervisor's own HLVX read of guest memory that faulted (KVM "
	    "then injects an instruction page fault into the guest)."},
    [13] = {RV_KVM_NO_HANDLER " (hedeleg bit 13 sends guest page faults to the guest)",
	    RV_ARCEOS_DELEGATED("13"),
	    "A fault in the guest's own (VS-stage) page tables: set hedeleg bit 13. With SPV=0 "
	    "and GVA=1 an HLV load of guest memory by the hypervisor faulted."},
    [15] = {RV_KVM_NO_HANDLER " (hedeleg bit 15 sends guest page faults to the guest)",
	    RV_ARCEOS_DELEGATED("15"),
	    "A fault in the guest's own (VS-stage) page tables: set hedeleg bit 15. With SPV=0 "
	    "and GVA=1 an HSV store to guest memory by the hypervisor faulted."},
    [18] = {RV_KVM_NO_HANDLER, RV_ARCEOS_PANIC("18"),
	    "stval says which check failed: 2 = missing landing pad (Zicfilp), 3 = shadow "
	    "stack mismatch (Zicfiss); hedeleg bit 18 lets the guest handle its own."},
    [19] = {RV_KVM_NO_HANDLER, RV_ARCEOS_PANIC("19"),
	    "A hardware error (RAS): the platform's error records say more."},
    [20] = {"KVM: gstage_page_fault: a GPA inside a memslot gets its page mapped in the G-stage "
	    "and the guest resumes; outside every memslot -EOPNOTSUPP (nothing executes from "
	    "MMIO) and KVM_RUN fails",
	    "riscv_vcpu: panic \"Unhandled trap: Exception(20)\" (BUG: it should be a "
	    "NestedPageFault exit)",
	    "The guest jumped to a guest physical address the G-stage does not map (or maps "
	    "without X or U permission): check the G-stage tables for the GPA. A pseudoinstruction "
	    "in htinst means the fault was in the guest's page walk instead."},
    [21] = {"KVM: gstage_page_fault: a GPA inside a memslot gets its page mapped and the guest "
	    "resumes; otherwise MMIO: kvm_riscv_vcpu_mmio_load decodes the load (from htinst, "
	    "or read at sepc with HLVX.HU) and exits to the VMM with KVM_EXIT_MMIO",
	    "riscv_vcpu: MMIO decode: the instruction from htinst (0: read at sepc with "
	    "HLVX.HU; 0x3000/0x3020: error \"fault on 1st stage page table walk\"; 0x2000 not "
	    "recognised), then MmioRead{addr, width, reg, signed_ext} and sepc += 2 or 4",
	    "The GPA should lie inside a device region; if it is RAM, its G-stage mapping is "
	    "missing (never mapped, or not populated yet)."},
    [22] = {"KVM: kvm_riscv_vcpu_virtual_insn takes the instruction from stval (or reads it at "
	    "sepc), emulates CSR accesses (in the kernel, or KVM_EXIT_RISCV_CSR to the VMM) and "
	    "WFI (the vCPU sleeps, sepc += 4); anything else gets an illegal-instruction trap "
	    "injected into the guest",
	    RV_ARCEOS_PANIC("22"),
	    "The instruction says what the guest tried; the hypervisor emulates it or injects an "
	    "illegal-instruction trap."},
    [23] = {"KVM: like 21 for a store: a GPA in a writable memslot gets its page mapped; in a "
	    "read-only memslot or none it becomes an MMIO store (KVM_EXIT_MMIO) with the data "
	    "from rs2",
	    "riscv_vcpu: MMIO decode as for 21, then MmioWrite{addr, width, data = the whole "
	    "rs2} and sepc += 2 or 4 (it ignores the 21/23 difference)",
	    "The GPA should lie inside a device region; if it is RAM, its G-stage mapping is "
	    "missing or read-only (copy-on-write, dirty logging)."},
};

#define RV_KVM_HOST_IRQ                                                                            \
	"KVM: a host interrupt: kvm_riscv_vcpu_exit does nothing, the host takes the interrupt "   \
	"once it re-enables interrupts, and the vCPU re-enters"

static const dec_rv_exit_text dec_rv_hs_interrupts[14] = {
    [1] = {RV_KVM_HOST_IRQ,
	   "riscv_vcpu: panic \"Unhandled trap: Interrupt(1)\": every host IPI that arrives "
	   "while a guest runs kills the hypervisor (BUG)",
	   "Normal: host IPIs (rescheduling, TLB shootdowns) interrupt guests all the time; "
	   "the exit handler must let the host take them."},
    [2] = {RV_KVM_HOST_IRQ " (KVM sets hideleg bit 2, so this should not happen)",
	   "riscv_vcpu: hideleg 0x444 delegates it, so it should not happen",
	   "hideleg bit 2 is clear: set it so the guest takes its software interrupts (as "
	   "code 1) without a VM exit."},
    [5] = {RV_KVM_HOST_IRQ "; the guest's own timers are host hrtimers (or Sstc vstimecmp) "
			   "that raise its VSTIP",
	   "riscv_vcpu: sets hvip.VSTIP (guest and host share one SBI timer, so every host "
	   "timer interrupt goes to the guest) and sie.STIE, returns Nothing",
	   "If the guest waits for its timer: check hvip.VSTIP (hip.VSTIP), hideleg bit 6, "
	   "and the guest's vsie.STIE and vsstatus.SIE."},
    [6] = {RV_KVM_HOST_IRQ " (KVM sets hideleg bit 6, so this should not happen)",
	   "riscv_vcpu: hideleg 0x444 delegates it, so it should not happen",
	   "hideleg bit 6 is clear: set it so the guest takes its timer interrupt (as code 5) "
	   "without a VM exit."},
    [9] = {RV_KVM_HOST_IRQ,
	   "riscv_vcpu: ExternalInterrupt{vector = 0x8000000000000009} to the VMM (the whole "
	   "scause, not 9)",
	   "A device interrupt for the host. To give the guest a device interrupt, set "
	   "hvip.VSEIP or route an IMSIC guest file (hstatus.VGEIN)."},
    [10] = {RV_KVM_HOST_IRQ " (KVM sets hideleg bit 10, so this should not happen)",
	    "riscv_vcpu: hideleg 0x444 delegates it, so it should not happen",
	    "hideleg bit 10 is clear: set it so the guest takes its external interrupts (as "
	    "code 9) without a VM exit."},
    [12] = {RV_KVM_HOST_IRQ "; with AIA, KVM wakes the vCPU whose IMSIC guest file has the "
			    "interrupt",
	    "riscv_vcpu: panic \"Unhandled trap: Interrupt(12)\"",
	    "hgeip & hgeie is nonzero: a guest interrupt file holds an interrupt for a vCPU "
	    "that is not running; resume it with hstatus.VGEIN selecting its file."},
    [13] = {RV_KVM_HOST_IRQ "; the host's perf driver handles the overflow",
	    "riscv_vcpu: panic \"Unhandled trap: Interrupt(13)\"",
	    "A counter overflowed (Sscofpmf); with hideleg bit 13 the guest takes its own."},
};

static const char dec_rv_page_walk_next[] =
    "The fault happened in the guest's own page walk (htinst is a pseudoinstruction): the GPA "
    "is the address of the guest page-table entry, not of the data. Map the guest's "
    "page-table page in the G-stage; this is never MMIO.";

/* Traps taken in M-mode and in VS-mode: one sentence each. */
typedef struct dec_rv_trap_text {
	uint64_t exceptions, interrupts; /* codes the text is for */
	const char *text;
} dec_rv_trap_text;

static const dec_rv_trap_text dec_rv_m_texts[] = {
    {RV_BIT(9), 0,
     "An SBI call from HS-mode (or S-mode): the firmware handles a7/a6, answers in a0/a1 and "
     "adds 4 to mepc."},
    {RV_BIT(10), 0,
     "An SBI call from the guest reached M-mode: medeleg bit 10 is clear, so the hypervisor "
     "never sees its guest's SBI calls; firmware normally delegates 10 to HS-mode when H is "
     "present."},
    {RV_BIT(20) | RV_BIT(21) | RV_BIT(22) | RV_BIT(23), 0,
     "A guest-page fault or virtual-instruction trap reached M-mode: medeleg bits 20-23 are "
     "clear (OpenSBI sets them when H is present). mtval2 and mtinst play the roles of htval "
     "and htinst."},
    {RV_BIT(2), 0,
     "Firmware emulates a few instructions (e.g. time CSR reads on harts without it) and "
     "otherwise redirects the trap to S-mode."},
    {RV_BIT(4) | RV_BIT(6), 0,
     "Firmware emulates the misaligned access (or redirects the trap to S-mode)."},
    {RV_BIT(1) | RV_BIT(5) | RV_BIT(7), 0,
     "PMP or PMA refused the access: firmware redirects it to S-mode, or reports a crash if "
     "M-mode itself faulted."},
    {RV_BIT(0) | RV_BIT(3) | RV_BIT(8) | RV_BIT(12) | RV_BIT(13) | RV_BIT(15), 0,
     "Normally delegated to S-mode (medeleg): reaching M-mode means the bit is clear, or "
     "M-mode itself trapped."},
    {RV_BIT(11), 0, "An ecall from M-mode: firmware calling itself."},
    {RV_BIT(16), 0,
     "A double trap: an S-mode (or VS-mode) handler trapped again while SDT=1; mtval2 holds "
     "the cause the unexpected trap would have had."},
    {0, RV_BIT(7),
     "The M-mode timer: firmware uses it to implement the SBI timer and raises STIP for "
     "S-mode (unless Sstc lets S-mode use stimecmp)."},
    {0, RV_BIT(3), "An inter-processor interrupt for firmware: SBI IPIs and remote fences."},
    {0, RV_BIT(11), "A machine-level device interrupt."},
    {0, RV_BIT(1) | RV_BIT(5) | RV_BIT(9) | RV_BIT(13),
     "mideleg does not delegate this S-level interrupt, so firmware gets it."},
};

static const dec_rv_trap_text dec_rv_vs_texts[] = {
    {0, RV_BIT(1),
     "The guest's software interrupt: the hypervisor set VSSIP (hvip bit 2), e.g. for an SBI "
     "send_ipi, and hideleg bit 2 delivered it as code 1."},
    {0, RV_BIT(5),
     "The guest's timer interrupt: the hypervisor set hvip.VSTIP (or Sstc's vstimecmp fired) "
     "and hideleg bit 6 delivered it as code 5. The guest must program a new deadline, or it "
     "fires again."},
    {0, RV_BIT(9),
     "The guest's external interrupt: hvip.VSEIP, or the IMSIC guest file selected by "
     "hstatus.VGEIN, delivered as code 9 through hideleg bit 10."},
    {0, RV_BIT(13), "A counter overflow the hypervisor delegated (hideleg bit 13)."},
    {RV_BIT(8), 0,
     "A system call from the guest's user space, delegated by hedeleg bit 8: the guest kernel "
     "handles it."},
    {RV_BIT(12) | RV_BIT(13) | RV_BIT(15), 0,
     "A fault in the guest's own page tables, delegated by hedeleg: the guest kernel's fault "
     "handler deals with it."},
    {RV_BIT(2), 0,
     "An illegal instruction in the guest, delegated (hedeleg bit 2) or injected by the "
     "hypervisor (KVM's trap redirect, or a virtual instruction it could not emulate)."},
    {RV_BIT(0) | RV_BIT(1) | RV_BIT(3) | RV_BIT(4) | RV_BIT(5) | RV_BIT(6) | RV_BIT(7), 0,
     "Delegated by hedeleg, or redirected into the guest by the hypervisor (KVM does this for "
     "access faults and misaligned accesses)."},
};

static const char *dec_rv_trap_text_for(const dec_rv_trap_text *texts, size_t n,
					const dec_rv_trap *t)
{
	for (size_t i = 0; i < n && t->code < 64; i++) {
		uint64_t mask = t->irq ? texts[i].interrupts : texts[i].exceptions;
		if (mask >> t->code & 1)
			return texts[i].text;
	}
	return NULL;
}

/* ---- the diagnosis ------------------------------------------------------------------------ */

/* ", from the guest's VS-mode (...)" or " (give hstatus ...)": follows "taken in HS-mode". */
static const char *dec_rv_origin(dec_report *rep, const dec_rv_trap *t)
{
	if (t->level == RV_LEVEL_VS)
		return ", inside the guest";
	if (t->from_guest < 0)
		return dec_text_fmt(&rep->text, " (give %s to tell whether it came from a guest)",
				    t->keys->status);
	if (t->level == RV_LEVEL_HS && t->from_guest)
		return t->status >> 8 & 1 ? ", from the guest's VS-mode (hstatus.SPV=1, SPVP=1)"
					  : ", from the guest's VU-mode (hstatus.SPV=1, SPVP=0)";
	if (t->level == RV_LEVEL_HS)
		return ", from HS-mode or U-mode, not from a guest (hstatus.SPV=0)";
	return t->from_guest ? ", from a guest (mstatus.MPV=1)"
			     : ", from outside a guest (mstatus.MPV=0)";
}

static void dec_rv_diagnose_hardware(dec_report *rep, const dec_rv_trap *t)
{
	const char *zeroed = t->irq ? " (all 0 for an interrupt)" : "";

	switch (t->level) {
	case RV_LEVEL_HS:
		dec_diagnose(rep,
			     "Hardware: wrote scause, sepc (the trapping pc), stval, htval and "
			     "htinst%s; set hstatus.SPV = V before the trap, SPVP = the guest's "
			     "privilege (only if V was 1), GVA = whether stval holds a guest "
			     "virtual address; sstatus.SPP = the old privilege, SPIE = SIE, SIE = "
			     "0; then V = 0, privilege = HS, pc = stvec.",
			     zeroed);
		break;
	case RV_LEVEL_M:
		dec_diagnose(rep,
			     "Hardware: wrote mcause, mepc, mtval, mtval2 and mtinst%s; set "
			     "mstatus.MPV = V, MPP = the old privilege, GVA, MPIE = MIE, MIE = 0; "
			     "then V = 0, privilege = M, pc = mtvec.",
			     zeroed);
		break;
	case RV_LEVEL_VS:
		dec_diagnose(rep,
			     "Hardware: wrote vscause, vsepc and vstval; set vsstatus.SPP = the "
			     "guest's old privilege (VS or VU), SPIE = SIE, SIE = 0; V stays 1, "
			     "privilege = VS, pc = vstvec. The hypervisor was not involved.");
		break;
	}
}

static void dec_rv_diagnose_handlers(dec_report *rep, const dec_rv_trap *t)
{
	const char *text = NULL;

	if (t->level == RV_LEVEL_M) {
		text = dec_rv_trap_text_for(dec_rv_m_texts,
					    sizeof dec_rv_m_texts / sizeof dec_rv_m_texts[0], t);
		dec_diagnose(rep, "M-mode firmware (e.g. OpenSBI) handles it.%s%s", text ? " " : "",
			     text ? text : "");
		return;
	}
	if (t->level == RV_LEVEL_VS) {
		text = dec_rv_trap_text_for(dec_rv_vs_texts,
					    sizeof dec_rv_vs_texts / sizeof dec_rv_vs_texts[0], t);
		dec_diagnose(rep, "The guest kernel handles it at vstvec.%s%s", text ? " " : "",
			     text ? text : "");
		return;
	}
	if (t->irq && t->from_guest == 0) {
		dec_diagnose(rep, "The interrupt arrived while the hypervisor itself ran: ordinary "
				  "host interrupt handling, not a VM exit.");
		return;
	}
	const dec_rv_exit_text *exit = NULL;
	if (t->irq && t->code < 14 && dec_rv_hs_interrupts[t->code].kvm)
		exit = &dec_rv_hs_interrupts[t->code];
	else if (!t->irq && t->code < 24 && dec_rv_hs_exceptions[t->code].kvm)
		exit = &dec_rv_hs_exceptions[t->code];
	if (!exit) {
		dec_diagnose(rep,
			     "No hypervisor handles this cause: KVM reports \"VCPU exit error\", "
			     "riscv_vcpu logs \"Unknown trap cause\" or panics \"Unhandled "
			     "trap\".");
		return;
	}
	bool page_walk = t->have_tinst && t->tinst && (t->tinst & 3) == 0 &&
			 dec_rv_is_exception(t, RV_GUEST_PAGE_FAULTS);
	dec_diagnose(rep, "%s.", exit->kvm);
	dec_diagnose(rep, "%s.", exit->arceos);
	dec_diagnose(rep, "Next: %s", page_walk ? dec_rv_page_walk_next : exit->next);
}

/* One value per key: the first trap explained wins (JSON keys are unique). */
static void dec_rv_derive(dec_report *rep, const char *key, const char *value, const char *how)
{
	for (unsigned i = 0; i < rep->nderived; i++)
		if (strcmp(rep->derived[i].key, key) == 0)
			return;
	dec_derive(rep, key, value, how);
}

/* gpa = (htval << 2) | (stval & 3), for guest-page faults. */
static void dec_rv_derive_gpa(dec_report *rep, const dec_rv_trap *t)
{
	const char *tval2 = t->keys->tval2, *tval = t->keys->tval;

	if (!tval2)
		return;
	if (!t->have_tval2) {
		dec_diagnose(rep, "Give %s (GPA >> 2) and %s to get the guest physical address.",
			     tval2, tval);
		return;
	}
	if (t->tval2 == 0) {
		dec_diagnose(rep,
			     "%s = 0: the hart did not report the guest physical address; the "
			     "hypervisor must find it by walking the guest's VS-stage tables "
			     "for %s itself.",
			     tval2, tval);
		return;
	}
	uint64_t gpa = t->tval2 << 2;
	if (t->have_tval) {
		gpa |= t->tval & 3;
		dec_rv_derive(rep, "gpa", dec_text_fmt(&rep->text, "0x%" PRIx64, gpa),
			      dec_text_fmt(&rep->text, "(%s << 2) | (%s & 3)", tval2, tval));
	} else {
		dec_rv_derive(rep, "gpa", dec_text_fmt(&rep->text, "0x%" PRIx64, gpa),
			      dec_text_fmt(&rep->text,
					   "%s << 2; bits [1:0] come from %s (not given)", tval2,
					   tval));
	}
	/* An explicit access (not a page-walk pseudoinstruction) shares the page offset. */
	bool explicit_access = t->have_tinst && (t->tinst == 0 || (t->tinst & 3) != 0);
	if (t->have_tval && explicit_access && ((t->tval ^ gpa) & 0xfff))
		dec_diagnose(rep,
			     "%s and the GPA from %s differ in their page offset (bits "
			     "11:0); for an explicit access they share it, so one of the values "
			     "does not belong to this trap.",
			     tval, tval2);
}

static bool dec_rv_cause_matches_access(const dec_rv_trap *t, dec_rv_access access)
{
	const uint64_t load = RV_BIT(4) | RV_BIT(5) | RV_BIT(13) | RV_BIT(21);
	return access == RV_ACCESS_LOAD ? dec_rv_is_exception(t, load)
					: !dec_rv_is_exception(t, load);
}

static void dec_rv_check_tinst(dec_report *rep, const dec_rv_trap *t, const dec_rv_tinst *ti)
{
	const char *name = t->keys->tinst;

	if (!dec_rv_tinst_allowed(ti->kind, t->cause))
		dec_diagnose(rep,
			     "%s = 0x%" PRIx64 " is not a value the hardware may write for "
			     "this cause (transformed: 4-7, 13, 15, 21, 23; pseudoinstruction: "
			     "20, 21, 23; interrupts: 0).",
			     name, t->tinst);
	else if (ti->kind == RV_TINST_TRANSFORMED && !dec_rv_cause_matches_access(t, ti->access)) {
		if (ti->access == RV_ACCESS_AMO && t->code == 21)
			dec_diagnose(rep, "An atomic reported as a load guest-page fault (21): the "
					  "spec says 23; QEMU is known to report 21 for AMOs.");
		else
			dec_diagnose(rep,
				     "The cause and %s disagree: a %s reported with a %s cause.",
				     name, ti->access == RV_ACCESS_LOAD ? "load" : "store or AMO",
				     ti->access == RV_ACCESS_LOAD ? "store/AMO" : "load");
	}
	if (ti->violation)
		dec_diagnose(rep, "%s violates the specification: %s.", name, ti->violation);
}

static void dec_rv_derive_access(dec_report *rep, const dec_rv_trap *t, bool have_cause)
{
	const uint64_t memory = RV_BIT(4) | RV_BIT(5) | RV_BIT(6) | RV_BIT(7) | RV_BIT(13) |
				RV_BIT(15) | RV_GUEST_PAGE_FAULTS;
	const char *epc = t->keys->epc;
	dec_rv_tinst ti;

	if (!t->have_tinst)
		return;
	dec_rv_tinst_parse(t->tinst, &ti);
	if (ti.kind == RV_TINST_TRANSFORMED || ti.kind == RV_TINST_PSEUDO)
		dec_rv_derive(rep, "access", dec_rv_tinst_access_text(&rep->text, &ti),
			      dec_text_fmt(&rep->text, "%s, %s", t->keys->tinst,
					   ti.kind == RV_TINST_PSEUDO
					       ? "a pseudoinstruction"
					       : "a transformed instruction"));
	if (ti.kind == RV_TINST_ZERO && (!have_cause || dec_rv_is_exception(t, memory)))
		dec_diagnose(rep,
			     "%s = 0: no information: the hypervisor must read the instruction "
			     "at %s with HLVX.HU and decode it (KVM does; riscv_vcpu does, "
			     "without recovering if that read faults). QEMU 7.2 always writes 0 "
			     "here for explicit accesses.",
			     t->keys->tinst, epc);
	if (ti.kind == RV_TINST_PSEUDO && !have_cause)
		dec_diagnose(rep, "%s", dec_rv_page_walk_next);
	if (have_cause)
		dec_rv_check_tinst(rep, t, &ti);
}

/* What stopped a SYSTEM instruction, from the privileged spec's lists of virtual-instruction
 * (22) and illegal-instruction (2) cases. vs_bit is the hstatus bit that makes it trap in
 * VS-mode (VTVM 20, VTW 21, VTSR 22); vs_bit_name is NULL when there is none. */
typedef struct dec_rv_insn_rule {
	uint32_t mask, match;
	const char *virt, *illegal;
	const char *vs_bit_name;
	unsigned vs_bit;
} dec_rv_insn_rule;

static const dec_rv_insn_rule dec_rv_system_rules[] = {
    {0xffffffff, 0x10500073,
     "WFI in VS-mode with hstatus.VTW=1 (and mstatus.TW=0), or WFI in VU-mode",
     "WFI with mstatus.TW=1 below M-mode, or WFI in U-mode", "VTW", 21},
    {0xffffffff, 0x10200073, "SRET in VS-mode with hstatus.VTSR=1, or SRET in VU-mode",
     "SRET in U-mode, or in S-mode with mstatus.TSR=1", "VTSR", 22},
    {0xffffffff, 0x30200073, NULL, "MRET below M-mode", NULL, 0},
    /* SFENCE.VMA (funct7 0x09), SINVAL.VMA (0x0b) */
    {0xfe007fff, 0x12000073, "SFENCE.VMA in VS-mode with hstatus.VTVM=1, or in VU-mode",
     "SFENCE.VMA in U-mode, or in S-mode with mstatus.TVM=1", "VTVM", 20},
    {0xfe007fff, 0x16000073, "SINVAL.VMA in VS-mode with hstatus.VTVM=1, or in VU-mode",
     "SINVAL.VMA in U-mode, or in S-mode with mstatus.TVM=1", "VTVM", 20},
    /* HFENCE.VVMA 0x11, HINVAL.VVMA 0x13, HFENCE.GVMA 0x31, HINVAL.GVMA 0x33 */
    {0xba007fff, 0x22000073,
     "a hypervisor fence (HFENCE/HINVAL) in VS- or VU-mode: the guest cannot manage the "
     "G-stage",
     "a hypervisor fence in U-mode, or HFENCE.GVMA with mstatus.TVM=1", NULL, 0},
    /* HLV, HLVX, HSV: funct7 0x30-0x37, funct3 4 */
    {0xf000707f, 0x60004073, "HLV/HLVX/HSV in VS- or VU-mode: only the hypervisor may use them",
     "HLV/HLVX/HSV in U-mode with hstatus.HU=0", NULL, 0},
};

/* satp accesses trap like SFENCE.VMA; CSR instructions are matched by number. */
static const dec_rv_insn_rule dec_rv_satp_rule = {
    .virt = "satp accessed in VS-mode with hstatus.VTVM=1",
    .illegal = "satp accessed in U-mode, or in S-mode with mstatus.TVM=1",
    .vs_bit_name = "VTVM",
    .vs_bit = 20,
};

static bool dec_rv_is_csr_insn(uint32_t insn)
{
	unsigned funct3 = insn >> 12 & 7;
	return (insn & 0x7f) == 0x73 && funct3 != 0 && funct3 != 4;
}

static const dec_rv_insn_rule *dec_rv_system_rule(uint32_t insn)
{
	if (dec_rv_is_csr_insn(insn))
		return insn >> 20 == 0x180 ? &dec_rv_satp_rule : NULL;
	for (size_t i = 0; i < sizeof dec_rv_system_rules / sizeof dec_rv_system_rules[0]; i++)
		if ((insn & dec_rv_system_rules[i].mask) == dec_rv_system_rules[i].match)
			return &dec_rv_system_rules[i];
	return NULL;
}

static const char *dec_rv_csr_blocked(dec_report *rep, uint32_t insn, bool virt)
{
	unsigned csr = insn >> 20, funct3 = insn >> 12 & 7, rs1 = insn >> 15 & 31;
	bool writes = funct3 == 1 || funct3 == 5 || rs1 != 0;
	char name[32];

	dec_rv_csr_name(csr, name, sizeof name);
	if (csr >= 0xc00 && csr <= 0xc1f)
		return virt
			   ? dec_text_fmt(&rep->text,
					  "reading counter %s with hcounteren bit %u clear while "
					  "mcounteren allows it: the hypervisor hides it from the "
					  "guest",
					  name, csr - 0xc00)
			   : dec_text_fmt(&rep->text,
					  "counter %s not enabled for this mode (mcounteren / "
					  "scounteren bit %u), or written (counters are read-only)",
					  name, csr - 0xc00);
	if (!virt && writes && (csr >> 10) == 3)
		return dec_text_fmt(&rep->text, "a write to the read-only CSR %s", name);
	switch (csr >> 8 & 3) {
	case 2:
		return dec_text_fmt(
		    &rep->text,
		    virt ? "the guest accessed the hypervisor CSR %s: it believes it "
			   "runs in S-mode and cannot touch H or VS CSRs"
			 : "the hypervisor CSR %s accessed from U-mode (or without H)",
		    name);
	case 1:
		return dec_text_fmt(&rep->text,
				    virt ? "VU-mode accessed the supervisor CSR %s"
					 : "the supervisor CSR %s accessed from U-mode",
				    name);
	case 3:
		return virt ? NULL
			    : dec_text_fmt(&rep->text,
					   "the machine-level CSR %s accessed below "
					   "M-mode",
					   name);
	default:
		if (csr >= 1 && csr <= 3 && !virt)
			return dec_text_fmt(
			    &rep->text, "the floating-point CSR %s with FS = Off (or no F)", name);
		return NULL;
	}
}

/* LOAD-FP, STORE-FP, MADD, MSUB, NMSUB, NMADD, OP-FP */
static bool dec_rv_is_fp_opcode(uint32_t opcode)
{
	return opcode == 0x07 || opcode == 0x27 || opcode == 0x43 || opcode == 0x47 ||
	       opcode == 0x4b || opcode == 0x4f || opcode == 0x53;
}

static const char *dec_rv_blocked(dec_report *rep, uint32_t insn, unsigned len, bool virt)
{
	uint32_t opcode = insn & 0x7f;
	const dec_rv_insn_rule *rule;

	if (len != 4)
		return NULL;
	rule = dec_rv_system_rule(insn);
	if (rule)
		return virt ? rule->virt : rule->illegal;
	if (dec_rv_is_csr_insn(insn))
		return dec_rv_csr_blocked(rep, insn, virt);
	if (!virt && dec_rv_is_fp_opcode(opcode))
		return "a floating-point instruction with FS = Off in sstatus (vsstatus in a "
		       "guest), "
		       "or a hart without F/D";
	if (!virt && opcode == 0x57)
		return "a vector instruction with VS = Off in sstatus (vsstatus in a guest), or a "
		       "hart without V";
	return NULL;
}

/* Does hstatus explain a virtual-instruction trap of this instruction? */
static void dec_rv_check_trap_bit(dec_report *rep, uint32_t insn, uint64_t hstatus)
{
	const dec_rv_insn_rule *rule = dec_rv_system_rule(insn);

	if (!rule || !rule->vs_bit_name)
		return;
	if (!(hstatus >> 8 & 1))
		dec_diagnose(rep,
			     "hstatus.SPVP=0: the guest was in VU-mode, where this instruction "
			     "always raises a virtual-instruction exception.");
	else if (hstatus >> rule->vs_bit & 1)
		dec_diagnose(rep,
			     "hstatus.%s=1 and the guest was in VS-mode (SPVP=1): that is why "
			     "it trapped.",
			     rule->vs_bit_name);
	else
		dec_diagnose(rep,
			     "hstatus.%s=0, yet the guest was in VS-mode (SPVP=1): this "
			     "instruction should not have trapped; is this hstatus from the same "
			     "trap?",
			     rule->vs_bit_name);
}

/* Causes 2 and 22 with the instruction bits in the trap value. */
static void dec_rv_derive_instruction(dec_report *rep, const dec_rv_trap *t)
{
	const char *epc = t->keys->epc;
	bool virt = t->code == 22;
	char text[96];

	if (!dec_rv_is_exception(t, RV_BIT(2) | RV_BIT(22)) || !t->have_tval)
		return;
	if (t->tval == 0) {
		dec_diagnose(rep,
			     "%s = 0: the hart did not report the instruction; read it at %s "
			     "(HLVX.HU for a guest).",
			     t->keys->tval, epc);
		return;
	}
	bool wide = (t->tval & 3) == 3;
	uint32_t raw = wide ? (uint32_t)t->tval : (uint32_t)(t->tval & 0xffff);
	unsigned len = dec_rv_disasm(raw, 0, text, sizeof text);
	if (len)
		dec_rv_derive(rep, "instruction", dec_text_fmt(&rep->text, "%s", text),
			      dec_text_fmt(&rep->text, "%s%s", t->keys->tval,
					   wide ? ""
						: " & 0xffff (bits 1:0 != 11: a 16-bit "
						  "instruction)"));
	else
		dec_diagnose(rep,
			     "%s = 0x%" PRIx64 " is no instruction trapscope can decode: an "
			     "extension the hart lacks, or a reserved encoding.",
			     t->keys->tval, t->tval);
	const char *blocked = dec_rv_blocked(rep, raw, wide ? 4 : 2, virt);
	if (blocked) {
		dec_rv_derive(rep, "blocked", blocked, "from the instruction's encoding");
		dec_diagnose(rep, "Blocked: %s.", blocked);
	} else if (virt) {
		dec_diagnose(rep,
			     "None of the standard virtual-instruction cases fits this "
			     "instruction: check hstatus (VTW, VTSR, VTVM), hcounteren and the "
			     "CSR number.");
	}
	if (virt && t->have_status && t->level == RV_LEVEL_HS && wide)
		dec_rv_check_trap_bit(rep, raw, t->status);
}

/* hstatus (or mstatus) against the cause: SPV, GVA and their contradictions. */
static void dec_rv_check_status(dec_report *rep, const dec_rv_trap *t)
{
	const uint64_t address_causes = RV_BIT(0) | RV_BIT(1) | RV_BIT(3) | RV_BIT(4) | RV_BIT(5) |
					RV_BIT(6) | RV_BIT(7) | RV_BIT(12) | RV_BIT(13) |
					RV_BIT(15) | RV_GUEST_PAGE_FAULTS;
	bool gva;

	if (!t->have_status || t->level == RV_LEVEL_VS)
		return;
	gva = t->level == RV_LEVEL_HS ? t->status >> 6 & 1 : t->status >> 38 & 1;
	const char *reg = t->keys->status, *tval = t->keys->tval;
	if (t->level == RV_LEVEL_HS)
		dec_diagnose(rep, t->from_guest ? "SPV=1: trapped from the guest (V=1); sret "
						  "returns into it."
						: "SPV=0: not trapped from the guest (V=0).");
	dec_diagnose(rep,
		     gva ? "GVA=1: %s holds a guest virtual address."
			 : "GVA=0: %s does not hold a guest virtual address.",
		     tval);
	if (!t->from_guest && dec_rv_is_exception(t, RV_BIT(10) | RV_BIT(22)))
		dec_diagnose(rep,
			     "Contradiction: this cause only arises with V=1, but %s says the "
			     "trap came from outside the guest.",
			     reg);
	if (!t->from_guest && gva && dec_rv_is_exception(t, RV_GUEST_PAGE_FAULTS))
		dec_diagnose(rep, "V=0 with GVA=1: the hypervisor's own HLV/HLVX/HSV faulted (e.g. "
				  "reading the guest's instruction), not the guest.");
	if (gva && (t->irq || !dec_rv_is_exception(t, address_causes)))
		dec_diagnose(rep, "Contradiction: GVA=1, but this cause writes no address to %s.",
			     tval);
	if (!gva && t->from_guest && dec_rv_is_exception(t, RV_GUEST_PAGE_FAULTS) && t->have_tval &&
	    t->tval)
		dec_diagnose(rep,
			     "Contradiction: a guest-page fault from the guest writes its guest "
			     "virtual address to %s, so GVA should be 1.",
			     tval);
}

static void dec_rv_explain_trap(const dec_ctx *ctx, dec_report *rep, dec_rv_level level,
				uint64_t cause)
{
	dec_rv_trap t;
	dec_rv_trap_load(ctx, level, cause, &t);

	dec_diagnose(rep, "%s %" PRIu64 " (%s) taken in %s%s.", t.irq ? "Interrupt" : "Exception",
		     t.code, dec_rv_cause_name(&rep->text, cause), t.keys->mode,
		     dec_rv_origin(rep, &t));
	const char *impossible = dec_rv_cause_impossible(level, cause);
	if (impossible)
		dec_diagnose(rep, "This cause cannot appear in %s: %s.", t.keys->cause, impossible);
	dec_rv_diagnose_hardware(rep, &t);
	dec_rv_diagnose_handlers(rep, &t);
	if (dec_rv_is_exception(&t, RV_GUEST_PAGE_FAULTS))
		dec_rv_derive_gpa(rep, &t);
	dec_rv_derive_access(rep, &t, true);
	dec_rv_derive_instruction(rep, &t);
	dec_rv_check_status(rep, &t);
}

/* Registers given without a cause: derive what stands on its own. */
static void dec_rv_explain_without_cause(const dec_ctx *ctx, dec_report *rep)
{
	dec_rv_trap t;
	dec_rv_trap_load(ctx, RV_LEVEL_HS, 0, &t);
	if (t.have_tval2 && t.tval2)
		dec_rv_derive_gpa(rep, &t);
	dec_rv_derive_access(rep, &t, false);
}

static void dec_rv_explain_sbi(const dec_ctx *ctx, dec_report *rep)
{
	uint64_t eid, fid = 0;
	bool have_fid = dec_rv_ctx_get(ctx, "sbi_fid", &fid);
	uint32_t fid32 = (uint32_t)fid;
	dec_rv_sbi_call call;

	if (!dec_rv_ctx_get(ctx, "sbi_eid", &eid))
		return;
	dec_rv_sbi_lookup((uint32_t)eid, have_fid ? &fid32 : NULL, &call);
	const char *what = !call.ext ? dec_text_fmt(&rep->text, "unknown extension 0x%" PRIx64, eid)
			   : call.func ? dec_text_fmt(&rep->text, "%s %s", call.ext, call.func)
				       : dec_text_fmt(&rep->text, "%s", call.ext);
	dec_rv_derive(
	    rep, "sbi", what,
	    have_fid
		? dec_text_fmt(&rep->text, "a7 = EID 0x%" PRIx64 ", a6 = FID %" PRIu32, eid, fid32)
		: dec_text_fmt(&rep->text, "a7 = EID 0x%" PRIx64, eid));
	dec_diagnose(rep, "%s.", call.kvm);
	dec_diagnose(rep, "%s.", call.arceos);
}

void dec_rv_explain(const dec_ctx *ctx, dec_report *rep)
{
	static const dec_rv_level order[] = {RV_LEVEL_HS, RV_LEVEL_M, RV_LEVEL_VS};
	bool any_cause = false;
	uint64_t cause;

	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		if (dec_rv_ctx_get(ctx, dec_rv_trap_keys_of[order[i]].cause, &cause)) {
			dec_rv_explain_trap(ctx, rep, order[i], cause);
			any_cause = true;
		}
	}
	if (!any_cause)
		dec_rv_explain_without_cause(ctx, rep);
	dec_rv_explain_sbi(ctx, rep);
}
