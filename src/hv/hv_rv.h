/* The RISC-V hypervisor: vCPU register block, VM, and the exit handler for traps into HS-mode.
 *
 * The register block is what the world-switch code saves and restores: guest GPRs, the HS CSRs
 * that belong to the guest while it runs (sstatus, hstatus, sepc), the VS CSRs, and the trap
 * CSRs latched on exit. The exit handler sees the guest only through it and the HAL.
 * Behaviour follows riscv_vcpu and KVM; every bug of hv-semantics.md section 5 is avoided.
 */
#ifndef TRAPSCOPE_HV_RV_H
#define TRAPSCOPE_HV_RV_H

#include "hv/hv_aspace.h"

/* Per-CPU setup KVM and riscv_vcpu write once: exceptions 0,2,3,8,12,13,15 and the VS
 * interrupts go straight to the guest. */
#define HV_RV_HEDELEG UINT64_C(0xb10d)
#define HV_RV_HIDELEG UINT64_C(0x444)

/* hvip bits: the irq numbers hv_hal.set_virq takes on RISC-V. */
enum {
	HV_RV_VSSIP = 2,  /* VS-level software interrupt */
	HV_RV_VSTIP = 6,  /* VS-level timer interrupt */
	HV_RV_VSEIP = 10, /* VS-level external interrupt */
};

/* SBI HSM states (the spec's HART_GET_STATUS values). */
typedef enum hv_rv_hart_state {
	HV_RV_STARTED = 0,
	HV_RV_STOPPED = 1,
	HV_RV_START_PENDING = 2,
	HV_RV_STOP_PENDING = 3,
	HV_RV_SUSPENDED = 4,
	HV_RV_SUSPEND_PENDING = 5,
	HV_RV_RESUME_PENDING = 6,
} hv_rv_hart_state;

typedef struct hv_rv_vcpu {
	/* ---- saved and restored by the world switch ---- */
	uint64_t gpr[32]; /* x0..x31; gpr[0] stays 0 */
	uint64_t sstatus, hstatus, scounteren, sepc;
	uint64_t htimedelta, vsstatus, vsie, vstvec, vsscratch, vsepc, vscause, vstval, vsatp;
	uint64_t vstimecmp;
	/* ---- latched by hardware on the exit ---- */
	uint64_t scause, stval, htval, htinst;

	/* ---- hypervisor bookkeeping ---- */
	unsigned id; /* index in the VM = hart id the guest sees */
	hv_rv_hart_state state;
	uint64_t suspend_resume_addr, suspend_opaque; /* non-retentive HART_SUSPEND */
	bool suspend_non_retentive;
} hv_rv_vcpu;

#define HV_RV_MAX_VCPUS 8

typedef struct hv_rv_vm {
	const hv_hal *hal;
	hv_aspace aspace;
	unsigned nvcpus;
	hv_rv_vcpu vcpu[HV_RV_MAX_VCPUS];
} hv_rv_vm;

/* Sets up the VM: nvcpus vCPUs (at most HV_RV_MAX_VCPUS), all stopped, registers zero. aspace
 * is not touched: the caller builds it with hv_aspace_init, before or after. */
void hv_rv_vm_init(hv_rv_vm *vm, const hv_hal *hal, unsigned nvcpus);
/* Makes vCPU id ready to enter VS-mode at entry with a0 = id, a1 = arg: the register block is
 * reset (htimedelta kept), then sstatus.SPP = 1, hstatus SPV = 1, SPVP = 1, VTW = 1,
 * VSXL = 2, sepc = entry, state STARTED. Ignored for an id outside the VM. */
void hv_rv_vcpu_start(hv_rv_vm *vm, unsigned id, uint64_t entry, uint64_t arg);
/* The VMM's call when an interrupt wakes a vCPU halted by SBI HART_SUSPEND: a non-retentive
 * suspend resumes at its resume_addr with a0 = hart id, a1 = opaque, vsatp = 0,
 * vsstatus.SIE = 0; either kind becomes STARTED. Harmless for a vCPU that is not suspended
 * (a WFI halt needs nothing). vm is unused today; it keeps the shape of the other calls. */
void hv_rv_vcpu_wake(hv_rv_vm *vm, hv_rv_vcpu *vcpu);
/* Delivers a synchronous trap to the guest as hardware takes one into VS-mode: vsepc = sepc,
 * vscause, vstval, vsstatus.SPP = the guest's privilege (sstatus.SPP), SPIE = SIE, SIE = 0;
 * then sepc = vstvec's base and sstatus.SPP = 1, so the sret enters the guest's handler. */
void hv_rv_inject_trap(hv_rv_vcpu *vcpu, uint64_t cause, uint64_t tval);

/* Handles the trap latched in vcpu (scause, stval, htval, htinst, sepc) and fills *exit.
 * sepc is advanced where the architecture and SBI say so; exit->pc_advanced tells. */
void hv_rv_handle_exit(hv_rv_vm *vm, hv_rv_vcpu *vcpu, hv_exit *exit);

/* The VMM's half of an MMIO read: writes the device's value to the destination register,
 * truncated to the access width and sign- or zero-extended as the instruction says (x0 stays
 * 0; nothing happens unless exit is an MMIO read). */
void hv_rv_complete_mmio_read(hv_rv_vcpu *vcpu, const hv_exit *exit, uint64_t value);
/* The VMM's answer to a hypercall (a0). */
void hv_rv_set_return(hv_rv_vcpu *vcpu, uint64_t value);

/* What the instruction decoder behind MMIO exits understood. */
typedef struct hv_rv_access {
	bool store;
	uint8_t width; /* 1, 2, 4, 8 */
	uint8_t reg;   /* rd for loads, rs2 for stores */
	bool sign_extend;
	uint8_t len; /* 2 (compressed) or 4 */
} hv_rv_access;

/* Decodes a load or store (32-bit or compressed, SP-relative forms included). false for any
 * other instruction. A value whose bits 1:0 are not 11 is a compressed instruction in the low
 * 16 bits. */
bool hv_rv_decode_access(uint32_t insn, hv_rv_access *acc);

/* ---- internal to src/hv/: shared by the exit handler and the SBI calls ---- */

/* Answers the SBI call of an ecall from VS-mode (scause 10). */
void hv_rv_sbi_call(hv_rv_vm *vm, hv_rv_vcpu *vcpu, hv_exit *exit);
/* Routes fault *f of a guest access the handler made through the HAL: a guest-page fault
 * (20/21/23) becomes a nested page fault exit, any other fault is injected into the guest. */
void hv_rv_guest_access_fault(hv_rv_vcpu *vcpu, hv_exit *exit, const hv_fault *f);

#endif
