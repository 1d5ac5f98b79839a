/* A whole machine: bus, RAM, devices, harts, the loaded program, and the loop that runs them. */
#ifndef TRAPSCOPE_EMU_MACHINE_H
#define TRAPSCOPE_EMU_MACHINE_H

#include "emu/bus.h"
#include "emu/rv_hart.h"

/* The bare machine's memory map (the same as QEMU's virt for these devices). */
#define EMU_BARE_RAM_BASE UINT64_C(0x80000000)
#define EMU_BARE_RAM_SIZE (UINT64_C(128) << 20)
#define EMU_BARE_CLINT	  UINT64_C(0x2000000)
#define EMU_BARE_UART	  UINT64_C(0x10000000)
#define EMU_BARE_FINISHER UINT64_C(0x100000)

typedef struct emu_machine {
	emu_bus bus;
	rv_hart hart;
	emu_elf elf;
} emu_machine;

typedef enum emu_result {
	EMU_RESULT_PASS,    /* test finisher 0x5555 or HTIF exit 0 */
	EMU_RESULT_FAIL,    /* a failure code: machine.bus.stop_code */
	EMU_RESULT_BUDGET,  /* --max-insns ran out first */
	EMU_RESULT_WAITING, /* every hart waits in WFI and no timer will wake one */
} emu_result;

/* Builds the bare machine and loads program into it. On failure err holds one line. */
bool emu_machine_bare(emu_machine *m, const char *program, rv_htinst_mode htinst, char *err,
		      size_t errlen);
emu_result emu_machine_run(emu_machine *m, uint64_t max_insns);
void emu_machine_free(emu_machine *m);

#endif
