/* The exit handler for exceptions taken to EL2 from a guest at EL1/EL0 (AArch64): stage-2
 * aborts (MMIO emulation or nested page faults), trapped MSR/MRS (the GIC's SGI register
 * inside), HVC and SMC (SMCCC, PSCI), WFI/WFE, and physical interrupts.
 *
 * Syndromes follow the Arm ARM's ESR_EL2 layout; the IPA of an abort is HPFAR_EL2.FIPA << 12
 * with FAR_EL2's page offset, as KVM computes it. An abort with ISV = 0 has its instruction
 * fetched at ELR through the HAL and decoded here (hv_a64_insn.c), which KVM does not do.
 */
#include "hv/hv_a64.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ESR_EL2 */
#define ESR_EC_SHIFT 26
#define ESR_EC_FIELD 0x3fu
#define ESR_IL	     (UINT64_C(1) << 25)
#define ESR_ISS	     UINT32_C(0x1ffffff)

enum {
	EC_WFX = 0x01,
	EC_HVC64 = 0x16,
	EC_SMC64 = 0x17,
	EC_SYS64 = 0x18,
	EC_IABT_LOW = 0x20,
	EC_DABT_LOW = 0x24,
};

/* data and instruction abort ISS */
#define ISS_ISV	      (UINT32_C(1) << 24)
#define ISS_SSE	      (UINT32_C(1) << 21)
#define ISS_SF	      (UINT32_C(1) << 15)
#define ISS_CM	      (UINT32_C(1) << 8)
#define ISS_S1PTW     (UINT32_C(1) << 7)
#define ISS_WNR	      (UINT32_C(1) << 6)
#define ISS_FSC_FIELD 0x3fu

/* HPFAR_EL2.FIPA, bits 43:4, holds IPA[51:12] */
#define HPFAR_FIPA	UINT64_C(0x00000ffffffffff0)
#define HPFAR_IPA_SHIFT 8
#define PAGE_OFFSET	(HV_PAGE_SIZE - 1)
/* FAR bits 63:56 may hold an address tag (TBI) */
#define VA_BITS_MASK ((UINT64_C(1) << 56) - 1)

/* MSR/MRS ISS: Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10], Rt [9:5], CRm [4:1],
 * Direction [0] (1 = read). SysRegAddr = the ISS with Rt and Direction clear. */
#define SYS_ADDR_FIELD	UINT32_C(0x3ffc1e)
#define SYS_DIR_READ	UINT32_C(1)
#define ICC_SGI1R_EL1	UINT32_C(0x3a3016) /* op0 3, op1 0, CRn 12, CRm 11, op2 5 */
#define SGI_INTID_SHIFT 24
#define SGI_IRM		(UINT64_C(1) << 40)

/* WFx ISS.TI [1:0] */
#define WFX_TI_FIELD 3u

typedef void exit_fn(hv_a64_vm *vm, hv_a64_vcpu *vcpu, hv_exit *exit);

static unsigned esr_ec(uint64_t esr)
{
	return (unsigned)(esr >> ESR_EC_SHIFT) & ESR_EC_FIELD;
}

static uint32_t iss(const hv_a64_vcpu *vcpu)
{
	return (uint32_t)vcpu->esr_el2 & ESR_ISS;
}

/* ELR past the trapped instruction: 2 + 2 * IL bytes. */
static void advance_elr(hv_a64_vcpu *vcpu, hv_exit *exit)
{
	vcpu->tf.elr += vcpu->esr_el2 & ESR_IL ? 4 : 2;
	exit->pc_advanced = true;
}

static void record_insn(hv_exit *exit, hv_insn_source source, uint32_t bits)
{
	exit->insn_source = source;
	exit->insn = bits;
	exit->insn_len = 4;
}

static void nested_fault(hv_exit *exit, uint64_t ipa, uint32_t access, const char *note)
{
	exit->kind = HV_EXIT_NESTED_PAGE_FAULT;
	exit->nested_page_fault.addr = ipa;
	exit->nested_page_fault.access = access;
	exit->note = note;
}

/* The IPA an abort names: HPFAR's page, FAR's offset in it, except for a fault on the guest's
 * own table walk (S1PTW), where FAR is the VA being translated and the IPA is the table's. */
static uint64_t abort_ipa(uint64_t esr, uint64_t far, uint64_t hpfar)
{
	uint64_t page = (hpfar & HPFAR_FIPA) << HPFAR_IPA_SHIFT;

	return esr & ISS_S1PTW ? page : page | (far & PAGE_OFFSET);
}

/* ---- MMIO emulation ---- */

/* The access ESR_EL2 describes when ISV = 1: one register, no writeback. */
static void syndrome_access(uint32_t syn, hv_a64_access *acc)
{
	hv_zero(acc, sizeof(*acc));
	acc->store = syn & ISS_WNR;
	acc->width = (uint8_t)(1u << (syn >> 22 & 3));
	acc->rt = (uint8_t)(syn >> 16 & 31);
	acc->sign_extend = syn & ISS_SSE;
	acc->reg_width = syn & ISS_SF ? 8 : 4;
}

/* The fault of the handler's own fetch at ELR: stage 2 (EC 0x24 or 0x20) is the VMM's to
 * map; a stage-1 fault means the guest's tables changed since it ran the instruction. */
static void fetch_fault(hv_exit *exit, const hv_fault *f)
{
	unsigned ec = esr_ec(f->cause);

	if (ec == EC_DABT_LOW || ec == EC_IABT_LOW) {
		nested_fault(
		    exit, abort_ipa(f->cause, f->tval, f->tval2),
		    f->cause & ISS_S1PTW ? HV_MAP_READ : HV_MAP_EXECUTE,
		    "fetching the instruction at ELR hit a stage-2 fault: the VMM maps that "
		    "IPA, then the guest re-executes the access");
		return;
	}
	exit->note = "fetching the instruction at ELR faulted in the guest's own stage 1 (its "
		     "tables changed since): nothing is emulated, the guest re-executes the access "
		     "and takes its own fault";
}

/* ISV = 0: fetch the instruction at ELR and decode it. */
static bool fetched_access(hv_a64_vm *vm, hv_a64_vcpu *vcpu, hv_exit *exit, uint64_t ipa,
			   hv_a64_access *acc)
{
	const hv_hal *hal = vm->hal;
	uint32_t access = iss(vcpu) & ISS_WNR ? HV_MAP_WRITE : HV_MAP_READ;
	const char *why;
	uint64_t raw;
	hv_fault f;

	if (!hal->guest_read(hal->ctx, vcpu->id, vcpu->tf.elr, 4, true, &raw, &f)) {
		fetch_fault(exit, &f);
		return false;
	}
	record_insn(exit, HV_INSN_FETCHED, (uint32_t)raw);
	if (!hv_a64_decode_access((uint32_t)raw, acc, &why)) {
		nested_fault(exit, ipa, access, why);
		return false;
	}
	return true;
}

/* The base register of a load/store: Rn 31 is the current SP. */
static uint64_t *base_reg(hv_a64_vcpu *vcpu, unsigned rn)
{
	return rn == 31 ? hv_a64_sp(vcpu) : &vcpu->tf.x[rn];
}

/* Xm extended by option (UXTW 010, LSL/UXTX 011, SXTW 110, SXTX 111) and shifted. */
static uint64_t register_offset(const hv_a64_vcpu *vcpu, const hv_a64_access *acc)
{
	uint64_t m = hv_a64_xreg(vcpu, acc->rm);

	if (acc->option == 2)
		m = (uint32_t)m;
	else if (acc->option == 6)
		m = (uint64_t)(int64_t)(int32_t)(uint32_t)m;
	return m << acc->shift;
}

/* The VA the decoded instruction addresses. */
static uint64_t access_va(hv_a64_vcpu *vcpu, const hv_a64_access *acc)
{
	uint64_t base = *base_reg(vcpu, acc->rn);

	if (acc->reg_offset)
		return base + register_offset(vcpu, acc);
	return acc->writeback == HV_A64_WB_POST ? base : base + (uint64_t)acc->offset;
}

/* Where the decoded access starts in IPA space: FAR names the register that faulted (either
 * of a pair), so the access must cover FAR and lie in the faulting page. false when not. */
static bool access_ipa(hv_a64_vcpu *vcpu, hv_exit *exit, const hv_a64_access *acc, uint64_t *ipa)
{
	uint64_t total = (uint64_t)acc->width * (acc->pair ? 2 : 1);
	uint64_t delta = (vcpu->far_el2 - access_va(vcpu, acc)) & VA_BITS_MASK;
	uint32_t access = acc->store ? HV_MAP_WRITE : HV_MAP_READ;

	if (delta >= total) {
		nested_fault(exit, *ipa, access,
			     "cannot emulate: the instruction at ELR does not address FAR_EL2 (the "
			     "code changed since the fault?)");
		return false;
	}
	if ((*ipa & PAGE_OFFSET) < delta || (*ipa & PAGE_OFFSET) - delta + total > HV_PAGE_SIZE) {
		nested_fault(exit, *ipa, access,
			     "cannot emulate: the access straddles a page boundary, part of it "
			     "outside the MMIO page");
		return false;
	}
	*ipa -= delta;
	return true;
}

static uint64_t width_mask(unsigned width)
{
	return width < 8 ? (UINT64_C(1) << (width * 8)) - 1 : UINT64_MAX;
}

static void mmio_read_exit(hv_exit *exit, uint64_t ipa, const hv_a64_access *acc)
{
	exit->kind = HV_EXIT_MMIO_READ;
	exit->mmio_read.addr = ipa;
	exit->mmio_read.width = acc->width;
	exit->mmio_read.reg = acc->rt;
	exit->mmio_read.reg_width = acc->reg_width;
	exit->mmio_read.sign_extend = acc->sign_extend;
	exit->mmio_read.pair = acc->pair;
	exit->mmio_read.reg2 = acc->rt2;
}

/* A store's data: the registers masked to the access width (a Wn's upper half, XZR's 0). */
static void mmio_write_exit(const hv_a64_vcpu *vcpu, hv_exit *exit, uint64_t ipa,
			    const hv_a64_access *acc)
{
	exit->kind = HV_EXIT_MMIO_WRITE;
	exit->mmio_write.addr = ipa;
	exit->mmio_write.width = acc->width;
	exit->mmio_write.reg = acc->rt;
	exit->mmio_write.data = hv_a64_xreg(vcpu, acc->rt) & width_mask(acc->width);
	exit->mmio_write.pair = acc->pair;
	exit->mmio_write.reg2 = acc->rt2;
	if (acc->pair)
		exit->mmio_write.data2 = hv_a64_xreg(vcpu, acc->rt2) & width_mask(acc->width);
}

static const char *const mmio_notes[2][2] = {
    {"ISV = 1: ESR_EL2 describes the load (width, register, SSE, SF); the VMM reads the "
     "device and completes it (hv_a64_complete_mmio_read)",
     "ISV = 1: ESR_EL2 describes the store; the data is the register masked to the access "
     "width"},
    {"ISV = 0: the load was fetched at ELR and decoded (base writeback done); the VMM reads "
     "the device and completes it (hv_a64_complete_mmio_read)",
     "ISV = 0: the store was fetched at ELR and decoded (base writeback done); the data is "
     "the registers masked to the access width"},
};

/* A data abort outside guest RAM: find the access, emulate it as MMIO. */
static void emulate_mmio(hv_a64_vm *vm, hv_a64_vcpu *vcpu, hv_exit *exit, uint64_t ipa)
{
	uint32_t syn = iss(vcpu);
	bool fetched = !(syn & ISS_ISV);
	hv_a64_access acc;

	if (!fetched) {
		syndrome_access(syn, &acc);
		record_insn(exit, HV_INSN_SYNDROME, (uint32_t)vcpu->esr_el2);
	} else if (!fetched_access(vm, vcpu, exit, ipa, &acc) ||
		   !access_ipa(vcpu, exit, &acc, &ipa)) {
		return;
	}
	if (acc.store != !!(syn & ISS_WNR)) {
		nested_fault(exit, ipa, syn & ISS_WNR ? HV_MAP_WRITE : HV_MAP_READ,
			     "cannot emulate: the instruction's direction does not match WnR");
		return;
	}
	if (acc.store)
		mmio_write_exit(vcpu, exit, ipa, &acc);
	else
		mmio_read_exit(exit, ipa, &acc);
	/* after the data was read: a store of its own base register stores the old value */
	if (acc.writeback != HV_A64_WB_NONE)
		*base_reg(vcpu, acc.rn) += (uint64_t)acc.offset;
	advance_elr(vcpu, exit);
	exit->note = mmio_notes[fetched][acc.store];
}

/* ---- stage-2 aborts ---- */

typedef enum fault_class {
	FAULT_TRANSLATION,
	FAULT_ACCESS_FLAG,
	FAULT_PERMISSION,
	FAULT_ADDRESS_SIZE,
	FAULT_OTHER,
} fault_class;

/* DFSC / IFSC: levels 0-3 in bits 1:0, and the level -1 codes of FEAT_LPA2. */
static const struct {
	uint8_t mask, value;
	fault_class cls;
} fault_codes[] = {
    {0x3c, 0x00, FAULT_ADDRESS_SIZE}, {0x3f, 0x29, FAULT_ADDRESS_SIZE},
    {0x3c, 0x04, FAULT_TRANSLATION},  {0x3f, 0x2b, FAULT_TRANSLATION},
    {0x3c, 0x08, FAULT_ACCESS_FLAG},  {0x3c, 0x0c, FAULT_PERMISSION},
};

static fault_class classify(uint32_t syn)
{
	unsigned fsc = syn & ISS_FSC_FIELD;

	for (size_t i = 0; i < COUNT(fault_codes); i++)
		if ((fsc & fault_codes[i].mask) == fault_codes[i].value)
			return fault_codes[i].cls;
	return FAULT_OTHER;
}

static const char *const fault_notes[] = {
    [FAULT_TRANSLATION] = "a stage-2 translation fault on guest RAM: the VMM maps the IPA "
			  "(hv_aspace_handle_page_fault) or gives up",
    [FAULT_ACCESS_FLAG] = "a stage-2 access flag fault: the hypervisor's leaves always have "
			  "AF = 1, so the VMM repairs the entry or gives up",
    [FAULT_PERMISSION] = "a stage-2 permission fault: guest RAM mapped without this access (a "
			 "write to ROM, a fetch from XN), never MMIO; the VMM decides",
    [FAULT_ADDRESS_SIZE] = "a stage-2 address size fault: the IPA lies beyond the stage-2 "
			   "input range, or a leaf beyond the PA size; the VMM gives up",
    [FAULT_OTHER] = "a fault status the hypervisor does not resolve (external abort, "
		    "alignment, TLB conflict): the VMM reports it, as KVM fails the run",
};

/* A translation fault outside guest RAM: MMIO for data, nothing to run for a fetch. */
static void unmapped_abort(hv_a64_vm *vm, hv_a64_vcpu *vcpu, hv_exit *exit, uint64_t ipa,
			   uint32_t access)
{
	if (access == HV_MAP_EXECUTE) {
		nested_fault(exit, ipa, access,
			     "an instruction fetch outside guest RAM: code cannot run from MMIO");
	} else if (iss(vcpu) & ISS_CM) {
		advance_elr(vcpu, exit);
		exit->note = "cache maintenance by VA outside guest RAM: there is nothing to "
			     "maintain, so the instruction is skipped, as KVM does";
	} else {
		emulate_mmio(vm, vcpu, exit, ipa);
	}
}

static void stage2_abort(hv_a64_vm *vm, hv_a64_vcpu *vcpu, hv_exit *exit, uint32_t access)
{
	uint32_t syn = iss(vcpu);
	uint64_t ipa = abort_ipa(vcpu->esr_el2, vcpu->far_el2, vcpu->hpfar_el2);
	fault_class cls = classify(syn);

	if (syn & ISS_S1PTW) {
		nested_fault(exit, ipa, syn & ISS_WNR ? HV_MAP_WRITE : HV_MAP_READ,
			     "stage 2 faulted on the guest's own page-table walk (S1PTW): the "
			     "table's IPA is guest RAM to map, never MMIO");
		return;
	}
	if (cls == FAULT_TRANSLATION && !hv_aspace_find(&vm->aspace, ipa)) {
		unmapped_abort(vm, vcpu, exit, ipa, access);
		return;
	}
	nested_fault(exit, ipa, access, fault_notes[cls]);
}

static void data_abort(hv_a64_vm *vm, hv_a64_vcpu *vcpu, hv_exit *exit)
{
	stage2_abort(vm, vcpu, exit, iss(vcpu) & ISS_WNR ? HV_MAP_WRITE : HV_MAP_READ);
}

static void insn_abort(hv_a64_vm *vm, hv_a64_vcpu *vcpu, hv_exit *exit)
{
	stage2_abort(vm, vcpu, exit, HV_MAP_EXECUTE);
}

/* ---- MSR / MRS ---- */

static bool sgi_targets_vcpu(uint64_t sgi, uint64_t mpidr)
{
	unsigned aff0 = mpidr & 0xff;

	return (sgi >> 48 & 0xff) == (mpidr >> 32 & 0xff) && /* Aff3 */
	       (sgi >> 32 & 0xff) == (mpidr >> 16 & 0xff) && /* Aff2 */
	       (sgi >> 16 & 0xff) == (mpidr >> 8 & 0xff) &&  /* Aff1 */
	       (sgi >> 44 & 0xf) == aff0 / 16 &&	     /* RS: Aff0 / 16 */
	       (sgi >> (aff0 % 16) & 1);		     /* TargetList */
}

/* ICC_SGI1R_EL1: an SGI to the vCPUs it names, as a vCPU mask (target 0). */
static void sgi1r_write(hv_a64_vm *vm, hv_a64_vcpu *vcpu, hv_exit *exit, uint64_t sgi)
{
	uint64_t targets = 0;

	for (unsigned i = 0; i < vm->nvcpus; i++) {
		bool hit = sgi & SGI_IRM ? i != vcpu->id : sgi_targets_vcpu(sgi, vm->vcpu[i].mpidr);

		targets |= (uint64_t)hit << i;
	}
	if (!targets) {
		exit->note = "ICC_SGI1R_EL1 names no vCPU of this VM: the SGI goes nowhere";
		return;
	}
	exit->kind = HV_EXIT_SEND_IPI;
	exit->send_ipi.target = 0;
	exit->send_ipi.mask = targets;
	exit->send_ipi.to_all = false;
	exit->send_ipi.to_self = targets >> vcpu->id & 1;
	exit->send_ipi.vector = sgi >> SGI_INTID_SHIFT & 0xf;
	exit->note = sgi & SGI_IRM ? "ICC_SGI1R_EL1 with IRM = 1: the SGI goes to every vCPU but "
				     "the sender (mask = vCPU ids); the VMM makes it pending"
				   : "ICC_SGI1R_EL1: the SGI goes to the vCPUs whose affinity "
				     "matches Aff3.Aff2.Aff1, RS and TargetList (mask = vCPU ids)";
}

typedef void sysreg_write_fn(hv_a64_vm *vm, hv_a64_vcpu *vcpu, hv_exit *exit, uint64_t value);

/* System registers the handler answers itself; each is write-only (a read is UNDEFINED). */
static const struct {
	uint32_t addr;
	sysreg_write_fn *write;
} builtin_sysregs[] = {
    {ICC_SGI1R_EL1, sgi1r_write},
};

static sysreg_write_fn *builtin_sysreg(uint32_t addr)
{
	for (size_t i = 0; i < COUNT(builtin_sysregs); i++)
		if (builtin_sysregs[i].addr == addr)
			return builtin_sysregs[i].write;
	return NULL;
}

static void sysreg_trap(hv_a64_vm *vm, hv_a64_vcpu *vcpu, hv_exit *exit)
{
	uint32_t syn = iss(vcpu), addr = syn & SYS_ADDR_FIELD;
	uint8_t rt = (uint8_t)(syn >> 5 & 31);
	bool read = syn & SYS_DIR_READ;
	sysreg_write_fn *builtin = builtin_sysreg(addr);

	if (builtin && read) {
		hv_a64_inject_undef(vcpu, NULL);
		exit->note =
		    "a read of a write-only GIC register (ICC_SGI1R_EL1) is UNDEFINED: the "
		    "guest gets the exception, as KVM does";
		return;
	}
	advance_elr(vcpu, exit);
	if (builtin) {
		builtin(vm, vcpu, exit, hv_a64_xreg(vcpu, rt));
	} else if (read) {
		exit->kind = HV_EXIT_SYSREG_READ;
		exit->sysreg_read.addr = addr;
		exit->sysreg_read.reg = rt;
		exit->note =
		    "a trapped MRS: the VMM supplies the value (hv_a64_complete_sysreg_read) "
		    "or answers UNDEFINED (hv_a64_inject_undef)";
	} else {
		exit->kind = HV_EXIT_SYSREG_WRITE;
		exit->sysreg_write.addr = addr;
		exit->sysreg_write.reg = rt;
		exit->sysreg_write.value = hv_a64_xreg(vcpu, rt);
		exit->note = "a trapped MSR: the VMM applies the value or answers UNDEFINED "
			     "(hv_a64_inject_undef)";
	}
}

/* ---- HVC, SMC, WFx ---- */

static void hvc(hv_a64_vm *vm, hv_a64_vcpu *vcpu, hv_exit *exit)
{
	/* ELR already points past the HVC: the preferred return address of the exception */
	hv_a64_smccc_call(vm, vcpu, exit, false);
}

static void smc(hv_a64_vm *vm, hv_a64_vcpu *vcpu, hv_exit *exit)
{
	/* a trapped SMC (HCR_EL2.TSC) leaves ELR at the SMC itself */
	advance_elr(vcpu, exit);
	hv_a64_smccc_call(vm, vcpu, exit, true);
}

/* By ISS.TI: WFI, WFE, WFIT, WFET. Only WFI blocks: WFE and the timeouts may wake at once. */
static const struct {
	hv_exit_kind kind;
	const char *note;
} wfx_kinds[] = {
    {HV_EXIT_HALT, "WFI trapped (HCR_EL2.TWI): the vCPU waits for an interrupt"},
    {HV_EXIT_NOTHING, "WFE trapped (HCR_EL2.TWE): the guest continues as if an event came, "
		      "which WFE allows"},
    {HV_EXIT_NOTHING, "WFIT trapped: the guest continues as if woken, which WFIT allows"},
    {HV_EXIT_NOTHING, "WFET trapped: the guest continues as if woken, which WFET allows"},
};

static void wfx(hv_a64_vm *vm, hv_a64_vcpu *vcpu, hv_exit *exit)
{
	unsigned ti = iss(vcpu) & WFX_TI_FIELD;

	(void)vm;
	advance_elr(vcpu, exit);
	exit->kind = wfx_kinds[ti].kind;
	exit->note = wfx_kinds[ti].note;
}

/* The exception classes handled here; every other one is UNDEFINED to the guest. */
static exit_fn *const sync_handlers[] = {
    [EC_WFX] = wfx,		/* WFI, WFE */
    [EC_HVC64] = hvc,		/* SMCCC / PSCI, or a hypercall */
    [EC_SMC64] = smc,		/* SMCCC / PSCI, never forwarded */
    [EC_SYS64] = sysreg_trap,	/* MSR, MRS */
    [EC_IABT_LOW] = insn_abort, /* stage-2 fault on a fetch */
    [EC_DABT_LOW] = data_abort, /* stage-2 fault on a load or store: RAM or MMIO */
};

static void sync_exit(hv_a64_vm *vm, hv_a64_vcpu *vcpu, hv_exit *exit)
{
	unsigned ec = esr_ec(vcpu->esr_el2);

	if (ec < COUNT(sync_handlers) && sync_handlers[ec]) {
		sync_handlers[ec](vm, vcpu, exit);
		return;
	}
	hv_a64_inject_undef(vcpu, NULL);
	exit->note = "an exception class the hypervisor does not handle: the guest gets an "
		     "Undefined Instruction exception, as KVM does for unknown ECs";
}

/* ---- the vectors ---- */

static void irq_exit(hv_a64_vm *vm, hv_a64_vcpu *vcpu, hv_exit *exit)
{
	(void)vm;
	(void)vcpu;
	exit->kind = HV_EXIT_EXTERNAL_INTERRUPT;
	exit->external_interrupt.vector = HV_A64_VECTOR_IRQ;
	exit->note = "a physical IRQ arrived while the guest ran (HCR_EL2.IMO): the VMM "
		     "acknowledges its interrupt controller and injects what the guest should see";
}

static void fiq_exit(hv_a64_vm *vm, hv_a64_vcpu *vcpu, hv_exit *exit)
{
	(void)vm;
	(void)vcpu;
	exit->kind = HV_EXIT_EXTERNAL_INTERRUPT;
	exit->external_interrupt.vector = HV_A64_VECTOR_FIQ;
	exit->note = "a physical FIQ arrived while the guest ran (HCR_EL2.FMO): the VMM "
		     "acknowledges its interrupt controller";
}

static exit_fn *const vector_handlers[] = {
    [HV_A64_EXIT_SYNC] = sync_exit,
    [HV_A64_EXIT_IRQ] = irq_exit,
    [HV_A64_EXIT_FIQ] = fiq_exit,
};

void hv_a64_handle_exit(hv_a64_vm *vm, hv_a64_vcpu *vcpu, hv_a64_exit_kind kind, hv_exit *exit)
{
	hv_zero(exit, sizeof(*exit));
	exit->kind = HV_EXIT_NOTHING;
	if ((unsigned)kind < COUNT(vector_handlers))
		vector_handlers[kind](vm, vcpu, exit);
	else
		exit->note =
		    "an exit through a vector the hypervisor does not expect: ignored, the "
		    "guest re-enters";
}
