/* The RISC-V vCPU register block: VM setup, starting and waking vCPUs, traps into the guest,
 * and the VMM's answers to MMIO reads and hypercalls.
 */
#include "hv/hv_rv.h"

#define SSTATUS_SIE  (UINT64_C(1) << 1)
#define SSTATUS_SPIE (UINT64_C(1) << 5)
#define SSTATUS_SPP  (UINT64_C(1) << 8)

#define HSTATUS_SPV	(UINT64_C(1) << 7)
#define HSTATUS_SPVP	(UINT64_C(1) << 8)
#define HSTATUS_VTW	(UINT64_C(1) << 21)
#define HSTATUS_VSXL_64 (UINT64_C(2) << 32)
#define TVEC_MODE_MASK	UINT64_C(3)
#define REG_A0		10
#define REG_A1		11

void hv_rv_vm_init(hv_rv_vm *vm, const hv_hal *hal, unsigned nvcpus)
{
	vm->hal = hal;
	vm->nvcpus = nvcpus < HV_RV_MAX_VCPUS ? nvcpus : HV_RV_MAX_VCPUS;
	for (unsigned i = 0; i < HV_RV_MAX_VCPUS; i++) {
		hv_zero(&vm->vcpu[i], sizeof(vm->vcpu[i]));
		vm->vcpu[i].id = i;
		vm->vcpu[i].state = HV_RV_STOPPED;
	}
}

void hv_rv_vcpu_start(hv_rv_vm *vm, unsigned id, uint64_t entry, uint64_t arg)
{
	hv_rv_vcpu *v;
	uint64_t htimedelta;

	if (id >= vm->nvcpus)
		return;
	v = &vm->vcpu[id];
	/* the guest's clock is the VM's, not this start's */
	htimedelta = v->htimedelta;
	hv_zero(v, sizeof(*v));
	v->htimedelta = htimedelta;
	v->id = id;
	/* sret returns to VS-mode; HLV/HSV act as VS; WFI traps as a virtual instruction */
	v->sstatus = SSTATUS_SPP;
	v->hstatus = HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_VTW | HSTATUS_VSXL_64;
	v->sepc = entry;
	/* no Sstc VS timer until the guest arms one: 0 would be due at once (KVM starts at -1) */
	v->vstimecmp = UINT64_MAX;
	v->gpr[REG_A0] = id;
	v->gpr[REG_A1] = arg;
	v->state = HV_RV_STARTED;
}

void hv_rv_vcpu_wake(hv_rv_vm *vm, hv_rv_vcpu *vcpu)
{
	(void)vm;
	if (vcpu->state != HV_RV_SUSPENDED)
		return;
	/* SBI HSM: a non-retentive suspend resumes like a fresh HART_START */
	if (vcpu->suspend_non_retentive) {
		vcpu->sepc = vcpu->suspend_resume_addr;
		vcpu->gpr[REG_A0] = vcpu->id;
		vcpu->gpr[REG_A1] = vcpu->suspend_opaque;
		vcpu->vsatp = 0;
		vcpu->vsstatus &= ~SSTATUS_SIE;
		vcpu->sstatus |= SSTATUS_SPP;
		vcpu->suspend_non_retentive = false;
	}
	vcpu->state = HV_RV_STARTED;
}

void hv_rv_inject_trap(hv_rv_vcpu *vcpu, uint64_t cause, uint64_t tval)
{
	uint64_t vs = vcpu->vsstatus & ~(SSTATUS_SPP | SSTATUS_SPIE | SSTATUS_SIE);

	if (vcpu->sstatus & SSTATUS_SPP)
		vs |= SSTATUS_SPP;
	if (vcpu->vsstatus & SSTATUS_SIE)
		vs |= SSTATUS_SPIE;
	vcpu->vsstatus = vs;
	vcpu->vsepc = vcpu->sepc;
	vcpu->vscause = cause;
	vcpu->vstval = tval;
	/* exceptions enter at the base address even when vstvec is vectored */
	vcpu->sepc = vcpu->vstvec & ~TVEC_MODE_MASK;
	vcpu->sstatus |= SSTATUS_SPP;
}

void hv_rv_complete_mmio_read(hv_rv_vcpu *vcpu, const hv_exit *exit, uint64_t value)
{
	unsigned bits = exit->mmio_read.width * 8u;
	unsigned reg = exit->mmio_read.reg;

	if (exit->kind != HV_EXIT_MMIO_READ || reg == 0 || reg >= 32 || bits == 0 || bits > 64)
		return;
	if (bits < 64) {
		uint64_t sign = UINT64_C(1) << (bits - 1);

		value &= (UINT64_C(1) << bits) - 1;
		if (exit->mmio_read.sign_extend && (value & sign))
			value |= ~((UINT64_C(1) << bits) - 1);
	}
	vcpu->gpr[reg] = value;
}

void hv_rv_set_return(hv_rv_vcpu *vcpu, uint64_t value)
{
	vcpu->gpr[REG_A0] = value;
}
