/* libFuzzer target for the ELF loader. Beyond "no crash": an error is one line, a refused
 * image leaves RAM and the HTIF addresses untouched, and a loaded one answers symbol lookups.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc tests/fuzz/fuzz_elf.c \
 *       src/emu/elf.c src/emu/bus.c src/emu/devices.c -o fuzz_elf
 *   ./fuzz_elf tests/fuzz/corpus/elf
 */
#include "emu/bus.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_RAM_BASE UINT64_C(0x80000000)
#define FUZZ_RAM_SIZE (UINT64_C(1) << 20)
#define UNTOUCHED     UINT64_C(0x5a5a5a5a5a5a5a5a)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static emu_bus *fuzz_bus(void)
{
	static emu_bus bus;
	static bool ready;

	if (!ready) {
		if (!emu_bus_init(&bus, FUZZ_RAM_BASE, FUZZ_RAM_SIZE))
			abort();
		ready = true;
	}
	return &bus;
}

static bool ram_is_zero(const emu_bus *bus)
{
	const uint8_t *ram = bus->ram;
	return ram[0] == 0 && memcmp(ram, ram + 1, bus->ram_size - 1) == 0;
}

static void check_symbols(const emu_elf *elf)
{
	for (unsigned i = 0; i < elf->nsymbols; i++) {
		const emu_symbol *s = &elf->symbols[i];
		if (!s->name[0] || (i && elf->symbols[i - 1].value > s->value))
			abort();
		const emu_symbol *at = emu_elf_symbol_at(elf, s->value);
		if (!at || at->value != s->value)
			abort();
	}
	emu_elf_symbol(elf, "tohost");
	emu_elf_symbol_at(elf, elf->entry);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	emu_bus *bus = fuzz_bus();
	emu_elf elf;
	char err[256] = "";

	bus->tohost_addr = UNTOUCHED;
	bus->fromhost_addr = UNTOUCHED;
	if (emu_elf_load_mem(bus, data, size, EM_RISCV, &elf, err, sizeof(err))) {
		check_symbols(&elf);
		emu_elf_free(&elf);
		memset(bus->ram, 0, bus->ram_size);
		return 0;
	}
	if (!err[0] || strchr(err, '\n') || elf.symbols || elf.nsymbols)
		abort();
	if (bus->tohost_addr != UNTOUCHED || bus->fromhost_addr != UNTOUCHED || !ram_is_zero(bus))
		abort();
	return 0;
}
