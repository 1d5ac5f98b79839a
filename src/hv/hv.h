/* The hypervisor side, shared by both architectures: exit reasons, the HAL, guest faults.
 *
 * Everything under src/hv/ is freestanding C: it includes <stdint.h>, <stddef.h> and
 * <stdbool.h> only, allocates nothing itself and reaches the world through hv_hal, so the same
 * files could run in a real hypervisor at HS-mode or EL2. The emulator implements the HAL.
 */
#ifndef TRAPSCOPE_HV_H
#define TRAPSCOPE_HV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HV_PAGE_SIZE  UINT64_C(4096)
#define HV_PAGE_SHIFT 12

/* Mapping and access flags (the bits of axaddrspace's MappingFlags). */
enum {
	HV_MAP_READ = 1u << 0,
	HV_MAP_WRITE = 1u << 1,
	HV_MAP_EXECUTE = 1u << 2,
	HV_MAP_USER = 1u << 3,
	HV_MAP_DEVICE = 1u << 4,
	HV_MAP_UNCACHED = 1u << 5,
};

/* Why the guest left, after axvcpu's AxVCpuExitReason. */
typedef enum hv_exit_kind {
	HV_EXIT_NOTHING,	    /* handled inside the exit handler; just re-enter */
	HV_EXIT_HYPERCALL,	    /* nr, args */
	HV_EXIT_MMIO_READ,	    /* the VMM reads the device and calls hv_*_complete_mmio_read */
	HV_EXIT_MMIO_WRITE,	    /* data already masked to width */
	HV_EXIT_SYSREG_READ,	    /* the VMM calls hv_*_complete_sysreg_read */
	HV_EXIT_SYSREG_WRITE,	    /* */
	HV_EXIT_EXTERNAL_INTERRUPT, /* a physical interrupt arrived while the guest ran */
	HV_EXIT_NESTED_PAGE_FAULT,  /* a stage-2 fault that is no MMIO: the VMM maps or gives up */
	HV_EXIT_HALT,		    /* the vCPU waits for an interrupt */
	HV_EXIT_CPU_UP,		    /* start vCPU target at entry with arg */
	HV_EXIT_CPU_DOWN,	    /* this vCPU stopped itself */
	HV_EXIT_SYSTEM_DOWN,	    /* the guest powered the machine off */
	HV_EXIT_SYSTEM_RESET,	    /* the guest asked for a cold or warm reboot */
	HV_EXIT_SEND_IPI,	    /* software interrupt to other vCPUs */
	HV_EXIT_KIND_COUNT
} hv_exit_kind;

/* Where the exit handler found the instruction it decoded. */
typedef enum hv_insn_source {
	HV_INSN_NONE,	  /* no instruction was needed */
	HV_INSN_HTINST,	  /* RISC-V: htinst held the transformed instruction */
	HV_INSN_FETCHED,  /* read from guest memory at the trapping pc (HLVX / AT+LDR) */
	HV_INSN_SYNDROME, /* AArch64: ESR_EL2.ISS described the access (ISV = 1) */
	HV_INSN_TVAL,	  /* RISC-V: stval held the instruction bits (virtual instruction) */
} hv_insn_source;

/* An SBI call (RISC-V) or PSCI/SMCCC call (AArch64) as the handler answered it. */
typedef struct hv_call {
	uint64_t ext;	/* SBI EID / SMCCC function id */
	uint64_t fid;	/* SBI FID (0 on AArch64) */
	int64_t error;	/* a0 / x0 as returned (SBI error, PSCI status) */
	uint64_t value; /* a1 (SBI); unused for PSCI */
	bool returns;	/* false when the call does not return to the caller (shutdown, stop) */
} hv_call;

typedef struct hv_exit {
	hv_exit_kind kind;
	union {
		struct {
			uint64_t nr;
			uint64_t args[6];
		} hypercall;
		struct {
			uint64_t addr;
			uint8_t width; /* bytes: 1, 2, 4, 8 */
			uint8_t reg;   /* destination GPR number */
			uint8_t reg_width;
			bool sign_extend;
			/* AArch64 LDP/LDPSW: a second access of width bytes at addr + width
			 * into reg2 (two device reads) */
			bool pair;
			uint8_t reg2;
		} mmio_read;
		struct {
			uint64_t addr;
			uint8_t width;
			uint8_t reg; /* source GPR number, for explanations */
			uint64_t data;
			/* AArch64 STP: data2 (from reg2) goes to addr + width too */
			bool pair;
			uint8_t reg2;
			uint64_t data2;
		} mmio_write;
		struct {
			/* CSR number / AArch64 SysRegAddr (ISS with Rt, dir cleared) */
			uint64_t addr;
			uint8_t reg;
		} sysreg_read;
		struct {
			uint64_t addr;
			uint8_t reg;
			uint64_t value;
		} sysreg_write;
		struct {
			uint64_t vector;
		} external_interrupt;
		struct {
			uint64_t addr;	 /* the faulting GPA / IPA */
			uint32_t access; /* HV_MAP_READ / WRITE / EXECUTE */
		} nested_page_fault;
		struct {
			uint64_t target; /* hart id / MPIDR */
			uint64_t entry;
			uint64_t arg;
		} cpu_up;
		struct {
			uint64_t state;
		} cpu_down;
		struct {
			bool warm; /* warm reboot; false = cold */
		} system_reset;
		struct {
			uint64_t target; /* first target vCPU; see mask */
			uint64_t mask;	 /* bit n = vCPU target + n (RISC-V hart mask semantics) */
			bool to_all;	 /* every vCPU; RISC-V also sets target 0 + a mask of all */
			bool to_self;	 /* the calling vCPU is among the targets */
			uint64_t vector; /* RISC-V: the hvip bit to raise, HV_RV_VSSIP */
		} send_ipi;
	};

	/* How the handler got there: for traces and the debugger's "handler" phase. */
	hv_insn_source insn_source;
	/* the instruction decoded, when insn_source != NONE: htinst's 32-bit form (bit 1 set)
	 * from HV_INSN_HTINST, ESR_EL2[31:0] (EC, IL, ISS) from HV_INSN_SYNDROME, else the raw
	 * bits (16 of them for a compressed instruction) */
	uint32_t insn;
	uint8_t insn_len; /* its length in the guest: 2 or 4 */
	bool has_call;	  /* call is valid: the exit came from an SBI/PSCI/SMCCC call */
	hv_call call;
	bool pc_advanced; /* the handler moved sepc / ELR past the instruction */
	const char *note; /* one static sentence: the decision and its reason, or NULL */
} hv_exit;

/* The lower-case name of an exit kind as traces spell it: "mmio_write", "cpu_up", ...;
 * "unknown" for a value outside the enum. */
const char *hv_exit_name(hv_exit_kind kind);

/* "fetch", "write", "read" or "access": the kind of access in HV_MAP_* bits, as traces and
 * reports spell it (nested page faults). */
const char *hv_access_name(uint32_t access);

/* A fault raised by a HAL guest-memory access, as the hardware would latch it. */
typedef struct hv_fault {
	uint64_t cause; /* scause / ESR_EL2.EC-style code of the access that faulted */
	uint64_t tval;	/* stval / FAR */
	uint64_t tval2; /* htval (GPA >> 2) / HPFAR */
} hv_fault;

/* The only door between src/hv/ and the world. ctx is passed back unchanged; every member
 * must be set. */
typedef struct hv_hal {
	void *ctx;
	/* count contiguous 4 KiB frames aligned to align_pages frames; 0 when none is left */
	uint64_t (*alloc_frames)(void *ctx, size_t count, size_t align_pages);
	void (*free_frames)(void *ctx, uint64_t hpa, size_t count);
	/* a host pointer to the byte at hpa, for frames alloc_frames returned */
	void *(*phys_to_virt)(void *ctx, uint64_t hpa);
	/* After stage-2 edits: hfence.gvma / tlbi ipas2e1is + vmalle1is. */
	void (*stage2_flush)(void *ctx);
	/* Reads len (1, 2, 4, 8) bytes of guest memory at gva with the guest's translation on
	 * vCPU vcpu, the way HLV (fetch false) or HLVX (fetch true: execute permission) does on
	 * RISC-V, or AT S1E1R + LDR on AArch64. false with *f, the fault as hardware latches it
	 * for that access (a load fault: 13/5/21 on RISC-V), on failure. */
	bool (*guest_read)(void *ctx, unsigned vcpu, uint64_t gva, unsigned len, bool fetch,
			   uint64_t *out, hv_fault *f);
	/* Arms vCPU vcpu's host timer at absolute time deadline (UINT64_MAX = off). */
	void (*set_timer)(void *ctx, unsigned vcpu, uint64_t deadline);
	/* Sets or clears virtual interrupt irq (RISC-V: an hvip bit) of vCPU vcpu. */
	void (*set_virq)(void *ctx, unsigned vcpu, unsigned irq, bool pending);
	/* Drops vCPU vcpu's cached guest translations (SBI RFENCE, TLBI broadcast). */
	void (*guest_tlb_flush)(void *ctx, unsigned vcpu);
	/* Console bytes: returns how many were taken / delivered. */
	size_t (*console_write)(void *ctx, const uint8_t *buf, size_t len);
	size_t (*console_read)(void *ctx, uint8_t *buf, size_t len);
	/* Machine identity for SBI BASE / SMCCC: mvendorid, marchid, mimpid. */
	uint64_t mvendorid, marchid, mimpid;
} hv_hal;

/* ---- helpers shared by the files of src/hv/ ---- */

/* Byte loops the compiler cannot turn into memset / memcpy calls (there is no libc here). */
void hv_zero(void *p, size_t len);
void hv_copy(void *dst, const void *src, size_t len);

#endif
