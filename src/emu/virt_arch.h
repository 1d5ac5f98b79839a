/* What the virt machine asks of an architecture (internal to virt*.c).
 *
 * virt.c owns everything the architectures share: host memory and frames, the device bus,
 * scheduling in turns on one clock, the five phases of an exit, the VMM's actions, events and
 * the debugger's pauses. An architecture (virt_rv.c, virt_a64.c) supplies its hart, its
 * world switch, its exit handler from src/hv and the few facts of its machine layout.
 */
#ifndef TRAPSCOPE_EMU_VIRT_ARCH_H
#define TRAPSCOPE_EMU_VIRT_ARCH_H

#include "emu/virt.h"

/* What running or stepping a hart ended with. */
typedef enum emu_hart_stop {
	EMU_HART_STEP,	     /* one instruction retired (step) */
	EMU_HART_BUDGET,     /* the budget is spent (run) */
	EMU_HART_WAIT,	     /* WFI the hypervisor let run: waits for an interrupt */
	EMU_HART_MACHINE,    /* a device on the host bus stopped the machine */
	EMU_HART_EXIT,	     /* a trap into the hypervisor: an exit begins */
	EMU_HART_GUEST_TRAP, /* a trap the guest takes itself (recorded, no exit) */
} emu_hart_stop;

struct emu_virt_arch {
	const char *name; /* "riscv64" */
	uint16_t elf_machine;
	uint64_t ram_gpa;

	/* ---- building ---- */
	bool (*add_devices)(emu_virt *m);
	/* The hv VM and its address space (format from cfg), the arch's HAL calls into m->hal. */
	bool (*vm_init)(emu_virt *m, char *err, size_t errlen);
	hv_aspace *(*aspace)(emu_virt *m);
	bool (*hart_setup)(emu_virt *m, unsigned id);
	void (*hart_free)(emu_virt *m, unsigned id);
	/* The vCPU starts at entry with its boot argument (hart start / CPU_ON / the boot hart),
	 * then the world switch enters it. */
	void (*vcpu_start)(emu_virt *m, unsigned id, uint64_t entry, uint64_t arg);
	size_t vm_size; /* bytes of the hv VM at vm(m), copied whole around emu_virt_peek_exit */
	void *(*vm)(emu_virt *m);

	/* ---- running ---- */
	emu_hart_stop (*run)(emu_virt *m, unsigned id, uint64_t budget);
	emu_hart_stop (*step)(emu_virt *m, unsigned id);
	uint64_t (*time)(const emu_virt *m, unsigned id); /* retired instructions + idle time */
	void (*idle)(emu_virt *m, unsigned id, uint64_t ticks);
	uint64_t (*icount)(const emu_virt *m, unsigned id);
	/* Updates the hart's timers; returns its next timer deadline (UINT64_MAX: none). */
	uint64_t (*next_deadline)(emu_virt *m, unsigned id);
	/* A waiting hart wakes when an interrupt is pending and enabled (WFI's rule); true when
	 * it woke, with the hart's wait state cleared. */
	bool (*wake_on_interrupt)(emu_virt *m, unsigned id);
	/* The guest pc while the hart runs the guest (for breakpoints); false outside it. */
	bool (*guest_pc)(const emu_virt *m, unsigned id, uint64_t *pc);

	/* ---- an exit ---- */
	/* Fills the architecture's part of an event from the trap the hart latched; the
	 * instruction too when want_insn. */
	void (*event_begin)(emu_virt *m, unsigned id, emu_event *ev, bool want_insn);
	void (*switch_save)(emu_virt *m, unsigned id);
	void (*switch_restore)(emu_virt *m, unsigned id, bool full);
	void (*handle_exit)(emu_virt *m, unsigned id, hv_exit *out);
	void (*wake)(emu_virt *m, unsigned id); /* the hv's call when a halted vCPU wakes */
	/* Completes an MMIO read with the device's value (val2: the second register of an
	 * AArch64 pair); returns what the guest register got. */
	uint64_t (*complete_mmio_read)(emu_virt *m, unsigned id, const hv_exit *e, uint64_t val,
				       uint64_t val2);
	void (*set_return)(emu_virt *m, unsigned id, uint64_t value); /* hypercall answer */
	uint64_t (*resume_pc)(const emu_virt *m, unsigned id);	      /* where the guest resumes */
	void (*raise_ipi)(emu_virt *m, unsigned target);
	/* A system-register exit the hypervisor left to the VMM (NULL: the hv never makes one). */
	void (*act_sysreg)(emu_virt *m, unsigned id, const hv_exit *e);
	/* system_down: did the guest report a failure (SBI SRST reason "system failure")?
	 * how does it describe its power-off? */
	bool (*down_is_failure)(const emu_virt *m, unsigned id, const hv_exit *e);
	const char *(*down_how)(const hv_exit *e);
	/* "hart 1 starts at 0x80200000 with a0 = 1, a1 = 0x101" */
	void (*describe_start)(emu_virt *m, const hv_exit *e);
};

extern const emu_virt_arch emu_virt_rv, emu_virt_a64;

/* ---- what virt.c offers the architectures ---- */
/* The current exit's action line (no-ops when nobody reads events). */
void emu_virt_action_step(emu_virt *m);
void emu_virt_action_add(emu_virt *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
