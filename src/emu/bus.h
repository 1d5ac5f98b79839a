/* The physical side of a machine: RAM, memory-mapped devices and the ELF loader.
 *
 * RAM is one host buffer at [ram_base, ram_base + ram_size); the harts reach it directly
 * through their soft TLBs. Everything else is a device found by address on the slow path.
 * Time is counted in retired instructions (emu_bus.now), so runs are deterministic.
 */
#ifndef TRAPSCOPE_EMU_BUS_H
#define TRAPSCOPE_EMU_BUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct emu_bus emu_bus;
typedef struct emu_device emu_device;

/* An access of len bytes (1, 2, 4 or 8) at offset off into the device. Returns false for an
 * access the device does not accept: the hart then raises an access fault. */
typedef bool emu_dev_read_fn(emu_device *dev, uint64_t off, unsigned len, uint64_t *val);
typedef bool emu_dev_write_fn(emu_device *dev, uint64_t off, unsigned len, uint64_t val);
/* Frees what state points to; emu_bus_free calls it for every device added. */
typedef void emu_dev_release_fn(emu_device *dev);
/* The name of the register at off as a read or a write sees it ("THR", "LSR"), or NULL. */
typedef const char *emu_dev_reg_name_fn(const emu_device *dev, uint64_t off, bool write);

struct emu_device {
	const char *name;
	uint64_t base;
	uint64_t size;
	emu_dev_read_fn *read;
	emu_dev_write_fn *write;
	emu_bus *bus;
	void *state;
	emu_dev_release_fn *release;   /* NULL when state needs no freeing */
	emu_dev_reg_name_fn *reg_name; /* NULL when the device has no register names */
};

/* Why a machine asks to stop: set by a device, read by the run loop after a device access. */
typedef enum emu_stop {
	EMU_STOP_NONE = 0,
	EMU_STOP_PASS, /* test finisher 0x5555, HTIF tohost = 1 */
	EMU_STOP_FAIL, /* test finisher 0x3333, HTIF (n << 1) | 1: stop_code = n */
	EMU_STOP_RESET,
} emu_stop;

#define EMU_MAX_DEVICES 16
#define EMU_MAX_HARTS	8

struct emu_bus {
	uint8_t *ram;
	uint64_t ram_base;
	uint64_t ram_size;
	unsigned ndevices;
	emu_device devices[EMU_MAX_DEVICES];

	uint64_t now; /* machine time in retired instructions; the hart loop keeps it current */
	emu_stop stop;
	uint64_t stop_code;

	/* Interrupt lines into the harts, owned by the CLINT: bit n = hart n. */
	uint32_t msip;
	uint64_t mtimecmp[EMU_MAX_HARTS];

	FILE *console;			     /* UART and HTIF console output; stdout by default */
	uint64_t tohost_addr, fromhost_addr; /* 0 when the program has no HTIF symbols */
};

bool emu_bus_init(emu_bus *bus, uint64_t ram_base, uint64_t ram_size);
/* A bus with devices only: the guest-physical device map of a virtual machine. */
void emu_bus_init_devices(emu_bus *bus);
void emu_bus_free(emu_bus *bus);
emu_device *emu_bus_add(emu_bus *bus, const emu_device *dev);
/* The device covering [addr, addr + len), or NULL. */
emu_device *emu_bus_find(emu_bus *bus, uint64_t addr, unsigned len);

/* Host pointer for [addr, addr + len) when it lies inside RAM, else NULL. */
static inline uint8_t *emu_ram_ptr(const emu_bus *bus, uint64_t addr, uint64_t len)
{
	uint64_t off = addr - bus->ram_base;
	if (off >= bus->ram_size || len > bus->ram_size - off)
		return NULL;
	return bus->ram + off;
}

/* Physical access for the slow path (RAM or device, little-endian). false = access fault. */
bool emu_phys_read(emu_bus *bus, uint64_t addr, unsigned len, uint64_t *val);
bool emu_phys_write(emu_bus *bus, uint64_t addr, unsigned len, uint64_t val);

/* Devices of the bare machine. NULL when the range is taken or the device table is full. */
emu_device *emu_add_uart16550(emu_bus *bus, uint64_t base);
emu_device *emu_add_pl011(emu_bus *bus, uint64_t base);
emu_device *emu_add_clint(emu_bus *bus, uint64_t base);
emu_device *emu_add_test_finisher(emu_bus *bus, uint64_t base);
/* HTIF: the run loop calls this after a store hits tohost; it acts and clears tohost. */
void emu_htif_poll(emu_bus *bus);

/* ---- ELF ---------------------------------------------------------------------------------- */

typedef struct emu_symbol {
	char *name;
	uint64_t value;
	uint64_t size;
	bool is_func;
} emu_symbol;

typedef struct emu_elf {
	uint64_t entry;
	uint16_t machine; /* EM_RISCV 243, EM_AARCH64 183 */
	unsigned nsymbols;
	emu_symbol *symbols; /* sorted by value */
} emu_elf;

/* Where a loader puts a program: the (guest-)physical range it may fill and how bytes get
 * there. write copies len bytes from src, or zeros when src is NULL, to addr; the loader only
 * calls it for ranges inside [base, base + size). */
typedef struct emu_load_target {
	uint64_t base, size;
	void (*write)(void *ctx, uint64_t addr, const uint8_t *src, uint64_t len);
	void *ctx;
} emu_load_target;

/* Loads a static ELF64 little-endian executable into RAM: every PT_LOAD segment must lie inside
 * RAM, file ranges inside the file, no two segments may overlap, the entry must be inside a
 * loaded executable segment. On failure returns false and writes one line naming the problem
 * into err (no partial load is visible: RAM is only written after every check passed). */
bool emu_elf_load(emu_bus *bus, const char *path, uint16_t want_machine, emu_elf *elf, char *err,
		  size_t errlen);
/* Same from memory (used by the fuzzer and the tests). */
bool emu_elf_load_mem(emu_bus *bus, const uint8_t *image, size_t size, uint16_t want_machine,
		      emu_elf *elf, char *err, size_t errlen);
/* The same into any target (guest memory behind stage-2 tables); sets no HTIF symbols. */
bool emu_elf_load_target(const emu_load_target *target, const char *path, uint16_t want_machine,
			 emu_elf *elf, char *err, size_t errlen);
bool emu_elf_load_target_mem(const emu_load_target *target, const uint8_t *image, size_t size,
			     uint16_t want_machine, emu_elf *elf, char *err, size_t errlen);
void emu_elf_free(emu_elf *elf);
const emu_symbol *emu_elf_symbol(const emu_elf *elf, const char *name);
/* The symbol containing addr (for "main+0x14"), or NULL. */
const emu_symbol *emu_elf_symbol_at(const emu_elf *elf, uint64_t addr);

#endif
