/* The physical bus: one RAM buffer plus a short table of memory-mapped devices. */
#include "emu/bus.h"

#include <stdlib.h>
#include <string.h>

#define EMU_PAGE_SIZE 4096u
#define EMU_RAM_MAX   (16ull << 30)

/* Last address of [base, base + size), or false when size is 0 or the range wraps. */
static bool range_last(uint64_t base, uint64_t size, uint64_t *last)
{
	if (size == 0 || base > UINT64_MAX - (size - 1))
		return false;
	*last = base + (size - 1);
	return true;
}

static bool ranges_overlap(uint64_t a, uint64_t a_last, uint64_t b, uint64_t b_last)
{
	return a <= b_last && b <= a_last;
}

bool emu_bus_init(emu_bus *bus, uint64_t ram_base, uint64_t ram_size)
{
	uint64_t last;

	memset(bus, 0, sizeof(*bus));
	if (ram_size == 0 || ram_size % EMU_PAGE_SIZE || ram_size > EMU_RAM_MAX)
		return false;
	if (ram_base % EMU_PAGE_SIZE || !range_last(ram_base, ram_size, &last))
		return false;
	if (ram_size > SIZE_MAX)
		return false;
	bus->ram = calloc(1, (size_t)ram_size);
	if (!bus->ram)
		return false;
	bus->ram_base = ram_base;
	bus->ram_size = ram_size;
	bus->console = stdout;
	return true;
}

void emu_bus_init_devices(emu_bus *bus)
{
	memset(bus, 0, sizeof(*bus));
	bus->console = stdout;
}

void emu_bus_free(emu_bus *bus)
{
	for (unsigned i = 0; i < bus->ndevices; i++) {
		emu_device *dev = &bus->devices[i];
		if (dev->release)
			dev->release(dev);
	}
	free(bus->ram);
	memset(bus, 0, sizeof(*bus));
}

emu_device *emu_bus_add(emu_bus *bus, const emu_device *dev)
{
	uint64_t last, ram_last;

	if (bus->ndevices >= EMU_MAX_DEVICES || !range_last(dev->base, dev->size, &last))
		return NULL;
	if (range_last(bus->ram_base, bus->ram_size, &ram_last) &&
	    ranges_overlap(dev->base, last, bus->ram_base, ram_last))
		return NULL;
	for (unsigned i = 0; i < bus->ndevices; i++) {
		const emu_device *other = &bus->devices[i];
		if (ranges_overlap(dev->base, last, other->base, other->base + (other->size - 1)))
			return NULL;
	}
	emu_device *slot = &bus->devices[bus->ndevices++];
	*slot = *dev;
	slot->bus = bus;
	return slot;
}

emu_device *emu_bus_find(emu_bus *bus, uint64_t addr, unsigned len)
{
	for (unsigned i = 0; i < bus->ndevices; i++) {
		emu_device *dev = &bus->devices[i];
		uint64_t off = addr - dev->base;
		if (off < dev->size && len <= dev->size - off)
			return dev;
	}
	return NULL;
}

static bool valid_len(unsigned len)
{
	return len == 1 || len == 2 || len == 4 || len == 8;
}

/* Byte by byte, so the guest sees little-endian memory on any host. */
static uint64_t load_le(const uint8_t *p, unsigned len)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < len; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void store_le(uint8_t *p, unsigned len, uint64_t v)
{
	for (unsigned i = 0; i < len; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

bool emu_phys_read(emu_bus *bus, uint64_t addr, unsigned len, uint64_t *val)
{
	*val = 0;
	if (!valid_len(len))
		return false;
	const uint8_t *p = emu_ram_ptr(bus, addr, len);
	if (p) {
		*val = load_le(p, len);
		return true;
	}
	emu_device *dev = emu_bus_find(bus, addr, len);
	if (!dev || !dev->read)
		return false;
	return dev->read(dev, addr - dev->base, len, val);
}

bool emu_phys_write(emu_bus *bus, uint64_t addr, unsigned len, uint64_t val)
{
	if (!valid_len(len))
		return false;
	uint8_t *p = emu_ram_ptr(bus, addr, len);
	if (p) {
		store_le(p, len, val);
		return true;
	}
	emu_device *dev = emu_bus_find(bus, addr, len);
	if (!dev || !dev->write)
		return false;
	if (len < 8)
		val &= (UINT64_C(1) << (8 * len)) - 1;
	return dev->write(dev, addr - dev->base, len, val);
}
