/* The AArch64 vCPU register block: VM setup, starting vCPUs (PSCI CPU_ON and boot), the
 * registers as instructions name them, exceptions and virtual interrupts for the guest, and
 * the VMM's answers to MMIO reads, MRS traps and hypercalls.
 */
#include "hv/hv_a64.h"

#define REG_ZR_SP 31
#define COUNT(a)  (sizeof(a) / sizeof((a)[0]))

/* KVM's MPIDR layout: Aff0 = id % 16, Aff1 = id / 16 */
#define AFF0_PER_CLUSTER 16
#define AFF1_SHIFT	 8
#define VMPIDR_RES1	 (UINT64_C(1) << 31)

#define SPSR_M_FIELD	 UINT64_C(0xf) /* M[3:0]; M[4] = 0: AArch64 */
#define SPSR_M_EL0T	 UINT64_C(0x0)
#define SPSR_M_EL1T	 UINT64_C(0x4)
#define SPSR_M_EL1H	 UINT64_C(0x5)
#define SPSR_PAN	 (UINT64_C(1) << 22)
#define SCTLR_SPAN	 (UINT64_C(1) << 23)
#define HCR_VI		 (UINT64_C(1) << HV_A64_VIRQ_VI)
#define ESR_IL		 (UINT64_C(1) << 25)
#define ESR_UNKNOWN	 ESR_IL /* EC 0: an Undefined Instruction, 32-bit */
#define VECTOR_SYNC_EL1T UINT64_C(0x000)
#define VECTOR_SYNC_EL1H UINT64_C(0x200)
#define VECTOR_SYNC_EL0	 UINT64_C(0x400)

void hv_a64_vm_init(hv_a64_vm *vm, const hv_hal *hal, unsigned nvcpus)
{
	vm->hal = hal;
	vm->vmid = 0;
	vm->pa_bits = 48;
	vm->midr = 0;
	vm->nvcpus = nvcpus < HV_A64_MAX_VCPUS ? nvcpus : HV_A64_MAX_VCPUS;
	for (unsigned i = 0; i < HV_A64_MAX_VCPUS; i++) {
		hv_a64_vcpu *v = &vm->vcpu[i];

		hv_zero(v, sizeof(*v));
		v->id = i;
		v->mpidr = (uint64_t)(i / AFF0_PER_CLUSTER) << AFF1_SHIFT | i % AFF0_PER_CLUSTER;
		v->state = HV_A64_OFF;
	}
}

void hv_a64_vcpu_start(hv_a64_vm *vm, unsigned id, uint64_t entry, uint64_t context_id)
{
	hv_a64_vcpu *v;
	uint64_t cntvoff;

	if (id >= vm->nvcpus)
		return;
	v = &vm->vcpu[id];
	/* the guest's virtual counter is the VM's, not this start's */
	cntvoff = v->sys.cntvoff_el2;
	hv_zero(&v->tf, sizeof(v->tf));
	hv_zero(&v->sys, sizeof(v->sys));
	v->esr_el2 = v->far_el2 = v->hpfar_el2 = 0;
	v->sys.cntvoff_el2 = cntvoff;
	/* PSCI entry state: EL1h, DAIF masked, x0 = context id, MMU and caches off */
	v->tf.elr = entry;
	v->tf.spsr = HV_A64_SPSR_EL1H_MASKED;
	v->tf.x[0] = context_id;
	v->sys.sctlr_el1 = HV_A64_SCTLR_EL1_RESET;
	v->sys.hcr_el2 = HV_A64_HCR_EL2;
	v->sys.vttbr_el2 = hv_aspace_vttbr(&vm->aspace, vm->vmid);
	v->sys.vtcr_el2 = hv_aspace_vtcr(&vm->aspace, vm->pa_bits);
	v->sys.cnthctl_el2 = HV_A64_CNTHCTL_EL2;
	v->sys.vmpidr_el2 = VMPIDR_RES1 | v->mpidr;
	v->sys.vpidr_el2 = vm->midr;
	v->state = HV_A64_ON;
}

/* ---- registers as instructions name them ---- */

uint64_t hv_a64_xreg(const hv_a64_vcpu *vcpu, unsigned n)
{
	return n < REG_ZR_SP ? vcpu->tf.x[n] : 0;
}

void hv_a64_set_xreg(hv_a64_vcpu *vcpu, unsigned n, uint64_t value)
{
	if (n < REG_ZR_SP)
		vcpu->tf.x[n] = value;
}

uint64_t *hv_a64_sp(hv_a64_vcpu *vcpu)
{
	return (vcpu->tf.spsr & SPSR_M_FIELD) == SPSR_M_EL1H ? &vcpu->sys.sp_el1 : &vcpu->tf.sp_el0;
}

/* ---- the VMM's answers ---- */

static bool valid_width(unsigned bytes)
{
	return bytes == 1 || bytes == 2 || bytes == 4 || bytes == 8;
}

/* value as a load of width bytes leaves it in a register of reg_width bytes. */
static uint64_t loaded(uint64_t value, unsigned width, unsigned reg_width, bool sign_extend)
{
	unsigned bits = width * 8;

	if (bits < 64) {
		uint64_t mask = (UINT64_C(1) << bits) - 1;

		value &= mask;
		if (sign_extend && (value >> (bits - 1) & 1))
			value |= ~mask;
	}
	/* a W register write clears the upper half */
	return reg_width == 4 ? value & UINT32_MAX : value;
}

void hv_a64_complete_mmio_read(hv_a64_vcpu *vcpu, const hv_exit *exit, uint64_t value,
			       uint64_t value2)
{
	unsigned width = exit->mmio_read.width, reg_width = exit->mmio_read.reg_width;
	bool sign = exit->mmio_read.sign_extend;

	if (exit->kind != HV_EXIT_MMIO_READ || !valid_width(width) ||
	    (reg_width != 4 && reg_width != 8))
		return;
	hv_a64_set_xreg(vcpu, exit->mmio_read.reg, loaded(value, width, reg_width, sign));
	if (exit->mmio_read.pair)
		hv_a64_set_xreg(vcpu, exit->mmio_read.reg2, loaded(value2, width, reg_width, sign));
}

void hv_a64_complete_sysreg_read(hv_a64_vcpu *vcpu, const hv_exit *exit, uint64_t value)
{
	if (exit->kind == HV_EXIT_SYSREG_READ)
		hv_a64_set_xreg(vcpu, exit->sysreg_read.reg, value);
}

void hv_a64_set_return(hv_a64_vcpu *vcpu, uint64_t value)
{
	vcpu->tf.x[0] = value;
}

void hv_a64_inject_virq(hv_a64_vm *vm, hv_a64_vcpu *vcpu, bool pending)
{
	if (pending)
		vcpu->sys.hcr_el2 |= HCR_VI;
	else
		vcpu->sys.hcr_el2 &= ~HCR_VI;
	vm->hal->set_virq(vm->hal->ctx, vcpu->id, HV_A64_VIRQ_VI, pending);
}

/* Where a synchronous exception to EL1 enters VBAR_EL1, by the mode it was taken from. */
static const struct {
	uint64_t mode, offset;
} sync_vectors[] = {
    {SPSR_M_EL1T, VECTOR_SYNC_EL1T},
    {SPSR_M_EL1H, VECTOR_SYNC_EL1H},
    {SPSR_M_EL0T, VECTOR_SYNC_EL0},
};

static uint64_t sync_vector(uint64_t spsr)
{
	for (size_t i = 0; i < COUNT(sync_vectors); i++)
		if (sync_vectors[i].mode == (spsr & SPSR_M_FIELD))
			return sync_vectors[i].offset;
	return VECTOR_SYNC_EL1H;
}

void hv_a64_inject_undef(hv_a64_vcpu *vcpu, const hv_exit *exit)
{
	uint64_t spsr = HV_A64_SPSR_EL1H_MASKED | (vcpu->tf.spsr & SPSR_PAN);

	if (exit && exit->pc_advanced)
		vcpu->tf.elr -= vcpu->esr_el2 & ESR_IL ? 4 : 2;
	/* SPAN = 0 (a guest that uses PAN) sets PSTATE.PAN on exception entry */
	if (!(vcpu->sys.sctlr_el1 & SCTLR_SPAN))
		spsr |= SPSR_PAN;
	vcpu->sys.esr_el1 = ESR_UNKNOWN;
	vcpu->sys.elr_el1 = vcpu->tf.elr;
	vcpu->sys.spsr_el1 = vcpu->tf.spsr;
	vcpu->tf.elr = vcpu->sys.vbar_el1 + sync_vector(vcpu->tf.spsr);
	vcpu->tf.spsr = spsr;
}
