/* The AArch64 hypervisor at EL2 (non-VHE): vCPU register block, VM, and the exit handler for
 * exceptions taken to EL2 while a guest runs at EL1/EL0.
 *
 * The register block is what the world-switch code saves and restores: the TrapFrame (x0..x30,
 * SP_EL0, ELR_EL2, SPSR_EL2), the guest's EL1 system registers with the EL2 controls that belong
 * to the VM (HCR_EL2, VTTBR_EL2, VTCR_EL2, ...), and the syndrome registers latched on an exit
 * (ESR_EL2, FAR_EL2, HPFAR_EL2). The exit handler sees the guest only through it and the HAL.
 * Behaviour follows arm_vcpu and KVM; every AArch64 bug of hv-semantics.md section 5 is avoided.
 *
 * The HAL on AArch64: guest_read(ctx, vcpu, va, len, fetch, ...) reads guest memory through
 * the guest's stage 1 and stage 2 (AT S1E1R + LDR on hardware). On failure *f holds the
 * syndrome the access raised: f->cause = an ESR value whose EC is 0x24 or 0x20 (an abort from a
 * lower EL: the fault is in stage 2, f->tval2 = HPFAR_EL2 names the IPA page) or anything else
 * (a stage-1 fault, as ESR_EL1 would report it: EC 0x25), f->tval = FAR (the VA). set_virq(ctx,
 * vcpu, irq, pending) gets irq = HV_A64_VIRQ_VI, the HCR_EL2 bit behind a virtual IRQ.
 *
 * HPFAR_EL2 must hold the IPA for every stage-2 abort the handler sees. Hardware leaves it
 * UNKNOWN for a stage-2 permission fault not on a table walk; there the world switch resolves
 * FAR with AT S1E1R and writes PAR_EL1's address into hpfar_el2, as KVM does on its exit path.
 */
#ifndef TRAPSCOPE_HV_A64_H
#define TRAPSCOPE_HV_A64_H

#include "hv/hv_aspace.h"

/* HCR_EL2 of a running guest, as a KVM-like hypervisor sets it:
 *   VM   (0)  stage-2 translation on: the guest's physical addresses are IPAs;
 *   SWIO (1)  data-cache invalidate by set/way becomes clean+invalidate: set/way operations
 *             are meaningless to a VM that shares the caches;
 *   FMO, IMO, AMO (3, 4, 5)  physical FIQ, IRQ and SError go to EL2 (the host owns the
 *             hardware interrupts), and HCR_EL2.VF/VI/VSE become deliverable virtual
 *             interrupts at EL1 (hv_a64_inject_virq needs IMO);
 *   FB   (9)  TLB and I-cache maintenance by the guest broadcasts in the Inner Shareable
 *             domain, so a vCPU moved to another physical CPU finds no stale entries;
 *   BSU  (11:10 = 01)  barriers the guest issues are upgraded to Inner Shareable, for the same
 *             reason;
 *   TWI  (13) WFI traps (EC 0x01): a waiting vCPU gives its CPU back (a halt exit). WFE does
 *             not trap (TWE clear): guests spin on WFE in locks, and a woken WFE costs no exit;
 *   TID3 (18) reads of the ID group 3 registers (ID_AA64PFR0_EL1, ID_AA64MMFR0_EL1, ...) trap,
 *             so the VMM shows the guest the CPU features it supports (sysreg_read exits);
 *   TSC  (19) SMC traps (EC 0x17): PSCI over SMC is answered here and never reaches the
 *             machine's firmware;
 *   TACR (21) ACTLR_EL1 accesses trap: the implementation-defined control stays the VMM's;
 *   RW   (31) EL1 is AArch64.
 * Not set: TGE, E2H (no host at EL1/EL0 here), TVM/TRVM (the guest owns its stage 1), TSW
 * (SWIO covers set/way), TIDCP, TWE, PTW, FWB (stage-2 MemAttr keeps its FWB = 0 meaning). */
#define HV_A64_HCR_EL2 UINT64_C(0x802c263b)

/* SCTLR_EL1 at a vCPU start: MMU, caches and alignment checks off, little-endian, the RES1
 * bits of Armv8.0 set (29, 28, 23, 22, 20, 11). */
#define HV_A64_SCTLR_EL1_RESET UINT64_C(0x30d00800)
/* SPSR_EL2 at a vCPU start: EL1h (M = 0b0101), D, A, I, F masked. */
#define HV_A64_SPSR_EL1H_MASKED UINT64_C(0x3c5)
/* CNTHCTL_EL2: EL1PCTEN, EL1PCEN: the guest reads the physical counter and uses the
 * physical timer without traps; guests use the virtual timer (CNTV_*) anyway. */
#define HV_A64_CNTHCTL_EL2 UINT64_C(0x3)

/* The HCR_EL2 bit hv_a64_inject_virq sets (VI), and the irq number set_virq receives. */
#define HV_A64_VIRQ_VI 7

/* The EL2 vector-table offsets of exceptions from a lower EL in AArch64: what external
 * interrupt exits report as their vector (the INTID is the interrupt controller's to tell). */
#define HV_A64_VECTOR_IRQ UINT64_C(0x480)
#define HV_A64_VECTOR_FIQ UINT64_C(0x500)

/* Which vector of the EL2 table the exit came through (lower EL, AArch64). */
typedef enum hv_a64_exit_kind {
	HV_A64_EXIT_SYNC, /* synchronous: ESR_EL2 tells why */
	HV_A64_EXIT_IRQ,  /* a physical IRQ (IMO = 1) */
	HV_A64_EXIT_FIQ,  /* a physical FIQ (FMO = 1) */
} hv_a64_exit_kind;

/* PSCI states, as AFFINITY_INFO reports them. */
typedef enum hv_a64_psci_state {
	HV_A64_ON = 0,
	HV_A64_OFF = 1,
	HV_A64_ON_PENDING = 2, /* CPU_ON accepted; the VMM has not started the vCPU yet */
} hv_a64_psci_state;

/* What the exception vectors save: x0..x30, SP_EL0, ELR_EL2, SPSR_EL2 (272 bytes). */
typedef struct hv_a64_trap_frame {
	uint64_t x[31];
	uint64_t sp_el0;
	uint64_t elr; /* ELR_EL2: where the guest resumes */
	uint64_t spsr;
} hv_a64_trap_frame;

/* The guest's system registers the world switch saves after an exit and restores before an
 * entry (FP/SIMD state aside: CPTR_EL2 does not trap it and the machine switches it). */
typedef struct hv_a64_sysregs {
	/* EL1 state */
	uint64_t sp_el1, elr_el1, spsr_el1;
	uint64_t sctlr_el1, actlr_el1, cpacr_el1;
	uint64_t ttbr0_el1, ttbr1_el1, tcr_el1, mair_el1, amair_el1;
	uint64_t esr_el1, far_el1, par_el1, afsr0_el1, afsr1_el1;
	uint64_t vbar_el1, contextidr_el1, csselr_el1, mdscr_el1;
	uint64_t tpidr_el0, tpidrro_el0, tpidr_el1;
	/* generic timer: EL1 control, and the timers the guest programs directly */
	uint64_t cntkctl_el1;
	uint64_t cntv_ctl_el0, cntv_cval_el0, cntp_ctl_el0, cntp_cval_el0;
	/* EL2 controls that belong to this VM / vCPU */
	uint64_t hcr_el2, vttbr_el2, vtcr_el2;
	uint64_t cntvoff_el2, cnthctl_el2;
	uint64_t vmpidr_el2, vpidr_el2;
} hv_a64_sysregs;

typedef struct hv_a64_vcpu {
	/* ---- saved and restored by the world switch ---- */
	hv_a64_trap_frame tf;
	hv_a64_sysregs sys;
	/* ---- latched by hardware on the exit ---- */
	uint64_t esr_el2, far_el2, hpfar_el2;

	/* ---- hypervisor bookkeeping ---- */
	unsigned id;	/* index in the VM */
	uint64_t mpidr; /* affinity (Aff3 [39:32], Aff2..Aff0 [23:0]) PSCI and the GIC name */
	hv_a64_psci_state state;
} hv_a64_vcpu;

#define HV_A64_MAX_VCPUS 8

typedef struct hv_a64_vm {
	const hv_hal *hal;
	hv_aspace aspace; /* HV_PT_A64_IPA39 or HV_PT_A64_IPA48 */
	uint8_t vmid;	  /* VTTBR_EL2.VMID (8 bits: VTCR_EL2.VS = 0) */
	unsigned pa_bits; /* the host's physical address size (ID_AA64MMFR0_EL1.PARange) */
	uint64_t midr;	  /* VPIDR_EL2: the MIDR_EL1 the guest reads */
	unsigned nvcpus;
	hv_a64_vcpu vcpu[HV_A64_MAX_VCPUS];
} hv_a64_vm;

/* Sets up the VM: nvcpus vCPUs (at most HV_A64_MAX_VCPUS), all OFF, registers zero, vCPU n
 * with MPIDR affinity Aff0 = n % 16, Aff1 = n / 16 (KVM's layout: 16 per cluster, as many as
 * one ICC_SGI1R_EL1 TargetList reaches), vmid 0, pa_bits 48, midr 0. The caller builds
 * vm->aspace with hv_aspace_init and may change vmid, pa_bits, midr and the MPIDRs before
 * starting vCPUs. */
void hv_a64_vm_init(hv_a64_vm *vm, const hv_hal *hal, unsigned nvcpus);
/* Makes vCPU id ready to enter EL1 at entry with x0 = context_id, as PSCI CPU_ON and a boot
 * CPU are entered: the register block is reset (CNTVOFF_EL2 kept: the VM's clock), then
 * SPSR = EL1h with DAIF masked, SCTLR_EL1 = HV_A64_SCTLR_EL1_RESET (MMU off), HCR_EL2 =
 * HV_A64_HCR_EL2, VTTBR_EL2 / VTCR_EL2 from vm->aspace, vm->vmid and vm->pa_bits, VMPIDR_EL2 =
 * bit 31 | mpidr, VPIDR_EL2 = vm->midr, CNTHCTL_EL2 = HV_A64_CNTHCTL_EL2; state ON. Ignored for
 * an id outside the VM. */
void hv_a64_vcpu_start(hv_a64_vm *vm, unsigned id, uint64_t entry, uint64_t context_id);

/* Handles the exception latched in vcpu (esr_el2, far_el2, hpfar_el2, the TrapFrame) that
 * came through vector kind, and fills *exit. ELR is advanced where the architecture says so
 * (never for HVC: ELR already points past it); exit->pc_advanced tells. */
void hv_a64_handle_exit(hv_a64_vm *vm, hv_a64_vcpu *vcpu, hv_a64_exit_kind kind, hv_exit *exit);

/* The VMM's half of an MMIO read: value (and value2, for the second register of a pair)
 * truncated to the access width, sign-extended if the instruction says so to the register's
 * width (W or X), and written; a W register's upper half becomes 0, XZR stays 0. Nothing
 * happens unless exit is an MMIO read. */
void hv_a64_complete_mmio_read(hv_a64_vcpu *vcpu, const hv_exit *exit, uint64_t value,
			       uint64_t value2);
/* The VMM's answer to a trapped MRS: value goes to Xt (nothing for XZR or another exit). */
void hv_a64_complete_sysreg_read(hv_a64_vcpu *vcpu, const hv_exit *exit, uint64_t value);
/* The VMM's answer to a hypercall (x0). */
void hv_a64_set_return(hv_a64_vcpu *vcpu, uint64_t value);
/* Raises or lowers the vCPU's virtual IRQ line: HCR_EL2.VI in the register block, which the
 * world switch loads on entry, and set_virq(HV_A64_VIRQ_VI) so the machine can wake a vCPU
 * halted in WFI or update a running one. With IMO = 1 the guest takes the IRQ at EL1 while
 * VI = 1 and PSTATE.I = 0; VI is a level, not an event: which interrupt it is the guest learns
 * from its (virtual) interrupt controller, and the VMM lowers VI when nothing is pending. */
void hv_a64_inject_virq(hv_a64_vm *vm, hv_a64_vcpu *vcpu, bool pending);
/* Delivers an Undefined Instruction exception (ESR_EL1.EC = 0, IL = 1) to the guest's EL1 at
 * the trapped instruction, as hardware takes one: ELR_EL1, SPSR_EL1 from ELR/SPSR, PSTATE =
 * EL1h with DAIF masked, ELR = VBAR_EL1 + 0x000 / 0x200 / 0x400 (from EL1t / EL1h / EL0).
 * The VMM's answer to a sysreg exit it does not model; exit (or NULL) is the exit being
 * answered: an ELR step it took is undone first. */
void hv_a64_inject_undef(hv_a64_vcpu *vcpu, const hv_exit *exit);

/* What the instruction decoder behind ISV = 0 data aborts understood. */
typedef enum hv_a64_writeback {
	HV_A64_WB_NONE,
	HV_A64_WB_PRE,	/* address = base + offset, then base = address */
	HV_A64_WB_POST, /* address = base, then base += offset */
} hv_a64_writeback;

typedef struct hv_a64_access {
	bool store;
	bool pair;	   /* LDP/STP/LDNP/STNP/LDPSW: rt at the address, rt2 after it */
	uint8_t width;	   /* bytes per register: 1, 2, 4, 8 */
	uint8_t reg_width; /* the register written by a load: 4 (Wt) or 8 (Xt) */
	bool sign_extend;
	uint8_t rt, rt2, rn; /* rn 31 = SP; rt 31 = XZR */
	hv_a64_writeback writeback;
	int64_t offset;	 /* immediate forms: the byte offset */
	bool reg_offset; /* register-offset form: rm extended by option, shifted by shift */
	uint8_t rm, option, shift;
} hv_a64_access;

/* Decodes the loads and stores of general-purpose registers an MMIO access can emulate: LDR/
 * STR (B, H, W, X, signed forms) with unsigned, unscaled, pre- and post-indexed immediates or
 * a register offset, LDTR/STTR, and LDP/STP/LDNP/STNP/LDPSW of W and X registers. false for
 * any other instruction, with *why: one static sentence naming the kind of instruction. */
bool hv_a64_decode_access(uint32_t insn, hv_a64_access *acc, const char **why);

/* ---- internal to src/hv/: shared by the exit handler and the SMCCC calls ---- */

/* Answers an HVC (via_smc false) or trapped SMC (true) as SMCCC/PSCI, or as a hypercall. */
void hv_a64_smccc_call(hv_a64_vm *vm, hv_a64_vcpu *vcpu, hv_exit *exit, bool via_smc);
/* X[n] as an instruction's data register reads it: XZR (n = 31) reads 0. */
uint64_t hv_a64_xreg(const hv_a64_vcpu *vcpu, unsigned n);
/* Writes X[n]; XZR (n = 31) discards the value. */
void hv_a64_set_xreg(hv_a64_vcpu *vcpu, unsigned n, uint64_t value);
/* The stack pointer the guest uses in its current mode (SPSR_EL2.M): SP_EL1 for EL1h,
 * SP_EL0 for EL1t and EL0t. */
uint64_t *hv_a64_sp(hv_a64_vcpu *vcpu);

#endif
