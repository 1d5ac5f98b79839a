/* The exit handler for traps into HS-mode while V=1: interrupts, SBI calls, guest-page faults
 * (MMIO emulation), virtual instructions, and everything else sent back to the guest.
 *
 * Instructions come from htinst when the hardware transformed one (QEMU >= 9.2), else from a
 * fetch at sepc with HLVX semantics (htinst = 0: QEMU 7.2 and others), as KVM does both.
 */
#include "hv/hv_rv.h"

#define INTERRUPT_BIT (UINT64_C(1) << 63)

enum {
	IRQ_S_SOFT = 1,
	IRQ_S_TIMER = 5,
	IRQ_S_EXTERNAL = 9,
};

enum {
	CAUSE_FETCH_ACCESS = 1,
	CAUSE_ILLEGAL_INSN = 2,
	CAUSE_LOAD_ACCESS = 5,
	CAUSE_VS_ECALL = 10,
	CAUSE_FETCH_PAGE = 12,
	CAUSE_LOAD_PAGE = 13,
	CAUSE_FETCH_GUEST_PAGE = 20,
	CAUSE_LOAD_GUEST_PAGE = 21,
	CAUSE_VIRTUAL_INSN = 22,
	CAUSE_STORE_GUEST_PAGE = 23,
};

#define INSN_WFI UINT32_C(0x10500073)
/* htinst bit 0 marks a transformed instruction; bit 1 clear means the original was 16-bit */
#define HTINST_TRANSFORMED UINT64_C(1)
#define INSN_32BIT	   UINT32_C(3)

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

typedef void exit_fn(hv_rv_vm *vm, hv_rv_vcpu *vcpu, hv_exit *exit);

/* The instruction behind an exit and where it came from. */
typedef struct insn {
	uint32_t bits;
	uint8_t len;
	hv_insn_source source;
} insn;

static uint8_t insn_len(uint32_t bits)
{
	return (bits & INSN_32BIT) == INSN_32BIT ? 4 : 2;
}

static void advance_pc(hv_rv_vcpu *vcpu, hv_exit *exit, unsigned len)
{
	vcpu->sepc += len;
	exit->pc_advanced = true;
}

static void record_insn(hv_exit *exit, const insn *in)
{
	exit->insn_source = in->source;
	exit->insn = in->bits;
	exit->insn_len = in->len;
}

/* ---- guest-page faults and their causes ---- */

static const struct {
	uint64_t cause;
	uint32_t access;
} guest_page_faults[] = {
    {CAUSE_FETCH_GUEST_PAGE, HV_MAP_EXECUTE},
    {CAUSE_LOAD_GUEST_PAGE, HV_MAP_READ},
    {CAUSE_STORE_GUEST_PAGE, HV_MAP_WRITE},
};

/* The access a guest-page fault cause stands for; 0 for other causes. */
static uint32_t guest_page_fault_access(uint64_t cause)
{
	for (size_t i = 0; i < COUNT(guest_page_faults); i++)
		if (guest_page_faults[i].cause == cause)
			return guest_page_faults[i].access;
	return 0;
}

/* The fault an instruction fetch raises where HLVX (a load) raised load_cause, as KVM turns
 * them: the guest must see a fetch fault for the pc it was executing. */
static uint64_t fetch_cause(uint64_t load_cause)
{
	static const uint64_t as_fetch[][2] = {
	    {CAUSE_LOAD_PAGE, CAUSE_FETCH_PAGE},
	    {CAUSE_LOAD_ACCESS, CAUSE_FETCH_ACCESS},
	    {CAUSE_LOAD_GUEST_PAGE, CAUSE_FETCH_GUEST_PAGE},
	};

	for (size_t i = 0; i < COUNT(as_fetch); i++)
		if (as_fetch[i][0] == load_cause)
			return as_fetch[i][1];
	return load_cause;
}

static void nested_fault(hv_exit *exit, uint64_t gpa, uint32_t access, const char *note)
{
	exit->kind = HV_EXIT_NESTED_PAGE_FAULT;
	exit->nested_page_fault.addr = gpa;
	exit->nested_page_fault.access = access;
	exit->note = note;
}

void hv_rv_guest_access_fault(hv_rv_vcpu *vcpu, hv_exit *exit, const hv_fault *f)
{
	uint32_t access = guest_page_fault_access(f->cause);

	if (access) {
		nested_fault(exit, f->tval2 << 2 | (f->tval & 3), access,
			     "the handler's access to guest memory hit a G-stage fault: the VMM "
			     "maps that GPA or gives up");
		return;
	}
	hv_rv_inject_trap(vcpu, f->cause, f->tval);
	exit->kind = HV_EXIT_NOTHING;
	exit->note = "the handler's access to guest memory faulted in the guest's own page tables: "
		     "the fault goes to the guest, as KVM does";
}

/* Reads the instruction at sepc halfword by halfword as HLVX does (a 32-bit instruction may
 * straddle a page). false when the fetch faulted; the fault is routed then. */
static bool fetch_insn(hv_rv_vm *vm, hv_rv_vcpu *vcpu, hv_exit *exit, insn *in)
{
	const hv_hal *hal = vm->hal;
	uint64_t lo, hi = 0;
	hv_fault f;

	if (!hal->guest_read(hal->ctx, vcpu->id, vcpu->sepc, 2, true, &lo, &f) ||
	    (insn_len((uint32_t)lo) == 4 &&
	     !hal->guest_read(hal->ctx, vcpu->id, vcpu->sepc + 2, 2, true, &hi, &f))) {
		f.cause = fetch_cause(f.cause);
		hv_rv_guest_access_fault(vcpu, exit, &f);
		return false;
	}
	in->bits = (uint32_t)(lo & 0xffff) | (uint32_t)(hi & 0xffff) << 16;
	in->len = insn_len(in->bits);
	in->source = HV_INSN_FETCHED;
	return true;
}

/* htinst pseudo-instructions: implicit accesses of the guest's VS-stage page-table walk. */
static const struct {
	uint64_t htinst;
	uint32_t access;
} pseudo_insns[] = {
    {0x2000, HV_MAP_READ},  /* 32-bit PTE read */
    {0x3000, HV_MAP_READ},  /* 64-bit PTE read */
    {0x2020, HV_MAP_WRITE}, /* 32-bit PTE write (A/D update) */
    {0x3020, HV_MAP_WRITE}, /* 64-bit PTE write */
};

static uint32_t pseudo_insn_access(uint64_t htinst)
{
	for (size_t i = 0; i < COUNT(pseudo_insns); i++)
		if (pseudo_insns[i].htinst == htinst)
			return pseudo_insns[i].access;
	return 0;
}

/* How the faulting load/store was found, for the note. */
enum insn_origin {
	FROM_HTINST,
	FROM_FETCH,	     /* htinst = 0: the hardware gave no instruction */
	FROM_FETCH_RESERVED, /* htinst held a value the spec does not define */
};

static const char *const mmio_notes[][2] = {
    [FROM_HTINST] = {"htinst holds a transformed load; width and destination register from it",
		     "htinst holds a transformed store; width and source register from it"},
    [FROM_FETCH] = {"htinst is 0, so the load was fetched at sepc and decoded",
		    "htinst is 0, so the store was fetched at sepc and decoded"},
    [FROM_FETCH_RESERVED] = {"htinst held a reserved value (a spec violation), so the load was "
			     "fetched at sepc and decoded",
			     "htinst held a reserved value (a spec violation), so the store was "
			     "fetched at sepc and decoded"},
};

static void mmio_exit(hv_rv_vcpu *vcpu, hv_exit *exit, uint64_t gpa, const hv_rv_access *acc)
{
	if (acc->store) {
		uint64_t data = vcpu->gpr[acc->reg];

		if (acc->width < 8)
			data &= (UINT64_C(1) << (acc->width * 8)) - 1;
		exit->kind = HV_EXIT_MMIO_WRITE;
		exit->mmio_write.addr = gpa;
		exit->mmio_write.width = acc->width;
		exit->mmio_write.reg = acc->reg;
		exit->mmio_write.data = data;
	} else {
		exit->kind = HV_EXIT_MMIO_READ;
		exit->mmio_read.addr = gpa;
		exit->mmio_read.width = acc->width;
		exit->mmio_read.reg = acc->reg;
		exit->mmio_read.reg_width = 8;
		exit->mmio_read.sign_extend = acc->sign_extend;
	}
	advance_pc(vcpu, exit, acc->len);
}

/* A load or store to a GPA outside guest RAM: find the instruction, emulate it as MMIO. */
static void emulate_mmio(hv_rv_vm *vm, hv_rv_vcpu *vcpu, hv_exit *exit, uint64_t gpa)
{
	uint32_t access = guest_page_fault_access(vcpu->scause);
	enum insn_origin origin = FROM_HTINST;
	hv_rv_access acc;
	insn in;

	if (vcpu->htinst & HTINST_TRANSFORMED) {
		in.bits = (uint32_t)vcpu->htinst | 2;
		in.len = vcpu->htinst & 2 ? 4 : 2;
		in.source = HV_INSN_HTINST;
	} else {
		origin = vcpu->htinst ? FROM_FETCH_RESERVED : FROM_FETCH;
		if (!fetch_insn(vm, vcpu, exit, &in))
			return;
	}
	record_insn(exit, &in);
	if (!hv_rv_decode_access(in.bits, &acc)) {
		nested_fault(exit, gpa, access,
			     "cannot emulate: the faulting instruction is no plain load or store "
			     "(an AMO, LR/SC, or a floating-point access)");
		return;
	}
	if (acc.store != (vcpu->scause == CAUSE_STORE_GUEST_PAGE)) {
		nested_fault(exit, gpa, access,
			     "cannot emulate: the instruction's direction does not match the fault "
			     "cause");
		return;
	}
	acc.len = in.len; /* a transformed compressed access decodes as its 32-bit form */
	mmio_exit(vcpu, exit, gpa, &acc);
	exit->note = mmio_notes[origin][acc.store];
}

/* Causes 20, 21, 23: guest RAM the VMM maps, or MMIO to emulate. A pseudo-instruction in
 * htinst means the guest's VS-stage walk faulted on a PTE (whatever the cause, 20 included):
 * the GPA is the PTE's, its bits 1:0 are 0, and the access is the PTE read or A/D write. */
static void guest_page_fault(hv_rv_vm *vm, hv_rv_vcpu *vcpu, hv_exit *exit)
{
	uint32_t pseudo = pseudo_insn_access(vcpu->htinst);
	uint64_t gpa = vcpu->htval << 2 | (pseudo ? 0 : vcpu->stval & 3);
	uint32_t access = pseudo ? pseudo : guest_page_fault_access(vcpu->scause);

	if (hv_aspace_find(&vm->aspace, gpa))
		nested_fault(exit, gpa, access,
			     "the GPA is guest RAM: the VMM maps it (hv_aspace_handle_page_fault) "
			     "or gives up");
	else if (pseudo)
		nested_fault(exit, gpa, access,
			     "htinst holds a pseudo-instruction: the guest's own page-table walk "
			     "touched a GPA outside guest RAM");
	else if (vcpu->scause == CAUSE_FETCH_GUEST_PAGE)
		nested_fault(exit, gpa, access,
			     "an instruction fetch outside guest RAM: code cannot run from MMIO");
	else
		emulate_mmio(vm, vcpu, exit, gpa);
}

/* Cause 22: WFI with hstatus.VTW = 1 halts; anything else is illegal to the guest. */
static void virtual_insn(hv_rv_vm *vm, hv_rv_vcpu *vcpu, hv_exit *exit)
{
	insn in;

	if (vcpu->stval) {
		in.bits = (uint32_t)vcpu->stval;
		in.len = insn_len(in.bits);
		in.source = HV_INSN_TVAL;
	} else if (!fetch_insn(vm, vcpu, exit, &in)) {
		return;
	}
	record_insn(exit, &in);
	if (in.bits == INSN_WFI) {
		advance_pc(vcpu, exit, in.len);
		exit->kind = HV_EXIT_HALT;
		exit->note = "WFI in VS-mode with hstatus.VTW = 1: the vCPU waits for an interrupt";
		return;
	}
	hv_rv_inject_trap(vcpu, CAUSE_ILLEGAL_INSN, in.bits);
	exit->note = "an instruction the hypervisor does not emulate: the guest gets an "
		     "illegal-instruction trap instead, as KVM does";
}

/* Any exception without a handler here: the guest's to handle, with the same cause. */
static void redirect(hv_rv_vcpu *vcpu, hv_exit *exit)
{
	hv_rv_inject_trap(vcpu, vcpu->scause, vcpu->stval);
	exit->note = "an exception the hypervisor does not handle: delivered to the guest with the "
		     "same cause and stval, as KVM does";
}

/* The exceptions handled here; every other one goes back to the guest (redirect). */
static exit_fn *const exception_handlers[] = {
    [CAUSE_VS_ECALL] = hv_rv_sbi_call,		 /* SBI */
    [CAUSE_FETCH_GUEST_PAGE] = guest_page_fault, /* fetch: guest RAM */
    [CAUSE_LOAD_GUEST_PAGE] = guest_page_fault,	 /* load: guest RAM or MMIO */
    [CAUSE_VIRTUAL_INSN] = virtual_insn,	 /* WFI, or illegal */
    [CAUSE_STORE_GUEST_PAGE] = guest_page_fault, /* store: guest RAM or MMIO */
};

/* ---- interrupts taken at HS while the guest ran ---- */

/* The host timer that stood in for the guest's: raise VSTIP and disarm it until the guest
 * sets a new deadline (which clears VSTIP). */
static void host_timer(hv_rv_vm *vm, hv_rv_vcpu *vcpu, hv_exit *exit)
{
	vm->hal->set_timer(vm->hal->ctx, vcpu->id, UINT64_MAX);
	vm->hal->set_virq(vm->hal->ctx, vcpu->id, HV_RV_VSTIP, true);
	exit->note = "the guest's timer deadline passed: VSTIP raised, the host timer disarmed";
}

static void host_external(hv_rv_vm *vm, hv_rv_vcpu *vcpu, hv_exit *exit)
{
	(void)vm;
	(void)vcpu;
	exit->kind = HV_EXIT_EXTERNAL_INTERRUPT;
	exit->external_interrupt.vector = IRQ_S_EXTERNAL;
	exit->note = "a physical external interrupt arrived while the guest ran: the VMM's "
		     "interrupt controller takes it";
}

static void host_ipi(hv_rv_vm *vm, hv_rv_vcpu *vcpu, hv_exit *exit)
{
	(void)vm;
	(void)vcpu;
	exit->note = "a host software interrupt (IPI) ended the guest's run: the host handles it "
		     "and the guest re-enters (riscv_vcpu panics here)";
}

static exit_fn *const interrupt_handlers[] = {
    [IRQ_S_SOFT] = host_ipi,
    [IRQ_S_TIMER] = host_timer,
    [IRQ_S_EXTERNAL] = host_external,
};

void hv_rv_handle_exit(hv_rv_vm *vm, hv_rv_vcpu *vcpu, hv_exit *exit)
{
	uint64_t code = vcpu->scause & ~INTERRUPT_BIT;

	hv_zero(exit, sizeof(*exit));
	exit->kind = HV_EXIT_NOTHING;
	if (vcpu->scause & INTERRUPT_BIT) {
		if (code < COUNT(interrupt_handlers) && interrupt_handlers[code])
			interrupt_handlers[code](vm, vcpu, exit);
		else
			exit->note = "an interrupt the hypervisor does not expect at HS-mode: "
				     "ignored, the guest re-enters";
		return;
	}
	if (code < COUNT(exception_handlers) && exception_handlers[code])
		exception_handlers[code](vm, vcpu, exit);
	else
		redirect(vcpu, exit);
}
