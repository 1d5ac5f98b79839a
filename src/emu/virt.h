/* The virt machine: RISC-V harts running a guest in VS-mode under the native hypervisor.
 *
 * Host physical memory holds everything the hypervisor allocates (its G-stage tables and the
 * frames behind guest RAM); the harts walk those tables like hardware. Devices live at guest
 * physical addresses and are reached only through MMIO exits. Every trap into HS-mode goes
 * through the same five phases, so a batch run and the debugger share one code path:
 *
 *   INSN        the guest runs until a trap enters HS-mode (the hart latched scause, htval, ...)
 *   TRAP_ENTRY  the world switch saves the guest into the hv vCPU register block
 *   HANDLER     hv_rv_handle_exit decides: an hv_exit
 *   ACTION      the machine acts (device access, console, start a hart, map a page) and
 *               reports the event
 *   RESUME      the world switch restores the block and returns to VS-mode as sret does
 *
 * Time is machine time in retired instructions: harts run in turns of a fixed quantum, and
 * when every hart waits, time jumps to the next timer deadline. Same guest, same events.
 */
#ifndef TRAPSCOPE_EMU_VIRT_H
#define TRAPSCOPE_EMU_VIRT_H

#include "decode/decode.h"
#include "emu/a64_hart.h"
#include "emu/bus.h"
#include "emu/rv_hart.h"
#include "hv/hv_a64.h"
#include "hv/hv_rv.h"

#include <signal.h>

#define EMU_VIRT_RAM_GPA     UINT64_C(0x80000000)
#define EMU_VIRT_UART_GPA    UINT64_C(0x10000000)
#define EMU_VIRT_TEST_GPA    UINT64_C(0x100000)
#define EMU_VIRT_HOST_BASE   UINT64_C(0x80000000) /* host physical memory */
#define EMU_VIRT_MEM_DEFAULT (UINT64_C(128) << 20)
#define EMU_VIRT_MAX_HARTS   ((unsigned)HV_RV_MAX_VCPUS)

typedef enum emu_ram_backend { EMU_RAM_LINEAR, EMU_RAM_ALLOC, EMU_RAM_LAZY } emu_ram_backend;

typedef enum emu_phase {
	EMU_PHASE_INSN,
	EMU_PHASE_TRAP_ENTRY,
	EMU_PHASE_HANDLER,
	EMU_PHASE_ACTION,
	EMU_PHASE_RESUME,
} emu_phase;

/* An AArch64 trap as the hart latched it: the registers of the EL it was taken to. */
typedef struct emu_a64_trap {
	uint64_t esr, far, elr, spsr;
	uint64_t hpfar; /* exits (taken to EL2) only */
	uint8_t from_el, to_el;
} emu_a64_trap;

/* One trap, as the trace and the debugger see it. */
typedef struct emu_event {
	uint64_t seq;
	uint64_t icount; /* the hart's retired instructions when it trapped */
	unsigned hart;
	dec_arch arch;
	uint64_t pc;	  /* the trapping instruction (or where an interrupt was taken) */
	bool guest_trap;  /* a trap delegated to the guest (VS-mode / EL1): no exit */
	rv_trap trap;	  /* RISC-V */
	uint64_t hstatus; /* RISC-V: after the trap */
	emu_a64_trap a64; /* AArch64 */
	bool has_insn;
	uint32_t insn;
	unsigned insn_len;
	hv_exit exit;
	uint64_t mmio_value; /* mmio_read: the register value the guest received */
	bool unassigned;     /* MMIO to a GPA with no device */
	char action[192];
	bool has_resume;
	uint64_t resume_pc;
	uint64_t cost_ns; /* host time from trap entry to the end of the action, when measured */
} emu_event;

typedef void emu_event_fn(void *ctx, const emu_event *ev);

typedef struct emu_virt_config {
	const char *program;	      /* the ELF's path, or its name when program_image is given */
	const uint8_t *program_image; /* the ELF in memory (a built-in guest), or NULL */
	size_t program_size;
	uint64_t mem_size;
	emu_ram_backend ram;
	hv_pt_format gstage; /* HV_PT_RV_SV39X4 (hgatp mode 8) or HV_PT_RV_SV48X4 (mode 9) */
	unsigned harts;
	rv_htinst_mode htinst;
	bool record_guest_traps; /* report traps delegated to the guest too */
	bool measure_cost;	 /* host time per exit (clock reads per exit) */
	FILE *console;		 /* guest console output */
	FILE *console_in;	 /* SBI console input, or NULL */
	emu_event_fn *on_event;
	void *event_ctx;
} emu_virt_config;

typedef enum emu_virt_status {
	EMU_VIRT_RUNNING,
	EMU_VIRT_SHUTDOWN, /* the guest powered off cleanly (or asked for a reboot) */
	EMU_VIRT_FAILED,   /* guest failure: report says what */
	EMU_VIRT_BUDGET,   /* --max-insns ran out */
} emu_virt_status;

typedef struct emu_vcpu {
	union {
		rv_hart hart;
		a64_hart a64;
	};
	emu_phase phase;
	bool stopped; /* not started, or HART_STOP */
	bool halted;  /* WFI / HART_SUSPEND: waits in RESUME for an interrupt */
	hv_exit exit;
	emu_event ev;
	uint64_t t0_ns;
	union { /* the block as the world switch saved it, to restore only changes */
		hv_rv_vcpu saved;
		hv_a64_vcpu a64_saved;
	};
	bool sgi_pending; /* AArch64: an SGI sent since the vCPU's last exit */
} emu_vcpu;

typedef struct emu_frames {
	uint64_t base;
	size_t npages;
	uint64_t *used; /* bitmap */
	size_t hint;
} emu_frames;

/* What differs per architecture (internal: virt_arch.h). */
typedef struct emu_virt_arch emu_virt_arch;

typedef struct emu_virt {
	emu_virt_config cfg;
	const emu_virt_arch *arch;
	emu_bus host; /* host physical memory */
	emu_bus mmio; /* guest devices by GPA (no RAM behind it) */
	emu_frames frames;
	hv_hal hal;
	union {
		hv_rv_vm vm;
		hv_a64_vm a64_vm;
	};
	emu_vcpu vcpu[EMU_VIRT_MAX_HARTS];
	emu_elf elf;
	uint64_t now; /* machine time */
	uint64_t seq; /* next event number */
	uint64_t exits, guest_traps;
	unsigned turn;	   /* the hart whose turn it is in the current round */
	bool round_ran;	   /* some hart ran in the current round */
	bool hold_effects; /* emu_virt_peek_exit: HAL calls change nothing */
	emu_virt_status status;
	char report[256]; /* why the run stopped, for status FAILED / SHUTDOWN */
	/* The action line of the exit being handled: HAL calls and the machine append to it. */
	char *action_start, *action_tail;
	size_t action_room;
} emu_virt;

/* Builds the machine and loads cfg->program. On failure err holds one line. */
bool emu_virt_create(emu_virt *m, const emu_virt_config *cfg, char *err, size_t errlen);
void emu_virt_free(emu_virt *m);

/* Runs every hart until the machine stops or about max_insns instructions retired in total. */
emu_virt_status emu_virt_run(emu_virt *m, uint64_t max_insns);
/* Debugger interface: executes one guest instruction on hart (phase INSN), or advances an exit
 * by one phase. Returns the phase the hart is in afterwards. */
emu_phase emu_virt_advance(emu_virt *m, unsigned hart);

/* Where emu_virt_run_until pauses, besides the end of the run. */
typedef struct emu_virt_stops {
	const uint64_t *pcs; /* guest pcs: pause before any hart in VS/VU-mode executes one */
	size_t npcs;
	bool exit;	 /* pause when an exit begins: phase TRAP_ENTRY, the trap latched */
	bool guest_trap; /* pause after a trap taken by the guest itself (a guest_trap event) */
	const volatile sig_atomic_t *interrupt; /* set from a signal handler: pause soon */
} emu_virt_stops;

typedef enum emu_pause {
	EMU_PAUSE_STOPPED,    /* the machine stopped: status and report say why */
	EMU_PAUSE_BUDGET,     /* max_insns retired */
	EMU_PAUSE_BREAKPOINT, /* a hart's pc is one of stops->pcs, not yet executed */
	EMU_PAUSE_EXIT,	      /* a hart is in phase TRAP_ENTRY */
	EMU_PAUSE_GUEST_TRAP, /* a hart took a trap in the guest; its event was emitted */
	EMU_PAUSE_INTERRUPT,  /* *stops->interrupt was set */
} emu_pause;

/* Runs the harts in the same turns as emu_virt_run until a stop in stops, the end of the run,
 * or max_insns instructions; *hart names the hart that paused. Runs resume where they paused:
 * the round and the turn carry on. The machine status stays RUNNING on a pause. */
emu_pause emu_virt_run_until(emu_virt *m, uint64_t max_insns, const emu_virt_stops *stops,
			     unsigned *hart);

/* For a hart in phase TRAP_ENTRY: what the exit handler will decide, found by running it on a
 * copy of the VM with the HAL's effects held back (no timer, interrupt, console or TLB change).
 * The machine is left as it was. */
void emu_virt_peek_exit(emu_virt *m, unsigned hart, hv_exit *out);

/* "riscv64" or "aarch64": the architecture of the loaded guest. */
const char *emu_virt_arch_name(const emu_virt *m);
dec_arch emu_virt_arch_id(const emu_virt *m);

/* Total retired instructions over all harts. */
uint64_t emu_virt_icount(const emu_virt *m);

#endif
