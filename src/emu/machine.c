/* The bare machine and its run loop. */
#include "emu/machine.h"

#include <stdio.h>
#include <string.h>

enum { EM_RISCV = 243 };

bool emu_machine_bare(emu_machine *m, const char *program, rv_htinst_mode htinst, char *err,
		      size_t errlen)
{
	memset(m, 0, sizeof *m);
	if (!emu_bus_init(&m->bus, EMU_BARE_RAM_BASE, EMU_BARE_RAM_SIZE)) {
		snprintf(err, errlen, "cannot allocate %llu MiB of guest RAM",
			 (unsigned long long)(EMU_BARE_RAM_SIZE >> 20));
		return false;
	}
	m->bus.console = stdout;
	if (!emu_add_clint(&m->bus, EMU_BARE_CLINT) || !emu_add_uart16550(&m->bus, EMU_BARE_UART) ||
	    !emu_add_test_finisher(&m->bus, EMU_BARE_FINISHER)) {
		snprintf(err, errlen, "cannot set up the bare machine's devices");
		emu_bus_free(&m->bus);
		return false;
	}
	if (!emu_elf_load(&m->bus, program, EM_RISCV, &m->elf, err, errlen)) {
		emu_bus_free(&m->bus);
		return false;
	}
	if (!rv_hart_init(&m->hart, &m->bus, 0, m->elf.entry)) {
		snprintf(err, errlen, "cannot allocate the hart's decode cache");
		emu_elf_free(&m->elf);
		emu_bus_free(&m->bus);
		return false;
	}
	m->hart.htinst_mode = htinst;
	return true;
}

emu_result emu_machine_run(emu_machine *m, uint64_t max_insns)
{
	rv_stop stop = rv_run(&m->hart, max_insns);
	m->bus.now = rv_time(&m->hart);
	fflush(m->bus.console);
	switch (stop) {
	case RV_STOP_MACHINE:
		return m->bus.stop == EMU_STOP_PASS ? EMU_RESULT_PASS : EMU_RESULT_FAIL;
	case RV_STOP_WFI: return EMU_RESULT_WAITING;
	default: return EMU_RESULT_BUDGET;
	}
}

void emu_machine_free(emu_machine *m)
{
	rv_hart_free(&m->hart);
	emu_elf_free(&m->elf);
	emu_bus_free(&m->bus);
}
