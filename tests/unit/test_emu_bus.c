/* The physical machine: bus routing, the bare machine's devices, HTIF and the ELF loader. */
#include "emu/bus.h"

#include <check.h>
#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RAM_BASE      UINT64_C(0x80000000)
#define RAM_SIZE      UINT64_C(0x100000)
#define UART_BASE     UINT64_C(0x10000000)
#define CLINT_BASE    UINT64_C(0x02000000)
#define FINISHER_BASE UINT64_C(0x00100000)
#define PL011_BASE    UINT64_C(0x09000000)

static void bus_setup(emu_bus *bus)
{
	ck_assert(emu_bus_init(bus, RAM_BASE, RAM_SIZE));
}

/* Console output collected in memory. */
struct capture {
	char *text;
	size_t len;
};

static void capture_start(emu_bus *bus, struct capture *c)
{
	*c = (struct capture){0};
	bus->console = open_memstream(&c->text, &c->len);
	ck_assert_ptr_nonnull(bus->console);
}

static void capture_end(emu_bus *bus)
{
	fclose(bus->console);
	bus->console = NULL;
}

static uint64_t read_ok(emu_bus *bus, uint64_t addr, unsigned len)
{
	uint64_t v = 0;
	ck_assert_msg(emu_phys_read(bus, addr, len, &v), "read 0x%llx/%u faulted",
		      (unsigned long long)addr, len);
	return v;
}

static void write_ok(emu_bus *bus, uint64_t addr, unsigned len, uint64_t v)
{
	ck_assert_msg(emu_phys_write(bus, addr, len, v), "write 0x%llx/%u faulted",
		      (unsigned long long)addr, len);
}

static bool read_faults(emu_bus *bus, uint64_t addr, unsigned len)
{
	uint64_t v;
	return !emu_phys_read(bus, addr, len, &v);
}

/* ---- bus -------------------------------------------------------------------------------- */

/* A device that answers with its offset and length, and counts what happens to it. */
struct probe {
	uint64_t last_off, last_val;
	unsigned last_len, writes, releases;
};

static bool probe_read(emu_device *dev, uint64_t off, unsigned len, uint64_t *val)
{
	(void)dev;
	*val = off | (uint64_t)len << 32;
	return true;
}

static bool probe_write(emu_device *dev, uint64_t off, unsigned len, uint64_t val)
{
	struct probe *p = dev->state;
	p->last_off = off;
	p->last_len = len;
	p->last_val = val;
	p->writes++;
	return true;
}

static void probe_release(emu_device *dev)
{
	struct probe *p = dev->state;
	p->releases++;
}

static emu_device probe_device(struct probe *p, uint64_t base, uint64_t size)
{
	return (emu_device){
	    .name = "probe",
	    .base = base,
	    .size = size,
	    .read = probe_read,
	    .write = probe_write,
	    .state = p,
	    .release = probe_release,
	};
}

START_TEST(bus_init_refuses_bad_ram)
{
	emu_bus bus;
	ck_assert(!emu_bus_init(&bus, RAM_BASE, 0));
	ck_assert(!emu_bus_init(&bus, RAM_BASE, 4096 + 1));
	ck_assert(!emu_bus_init(&bus, RAM_BASE, (UINT64_C(16) << 30) + 4096));
	ck_assert(!emu_bus_init(&bus, RAM_BASE + 0x800, RAM_SIZE));
	ck_assert(!emu_bus_init(&bus, UINT64_MAX - 4095 - 4096, 0x10000));
	ck_assert(emu_bus_init(&bus, RAM_BASE, RAM_SIZE));
	ck_assert_ptr_nonnull(bus.ram);
	ck_assert_ptr_eq(bus.console, stdout);
	ck_assert_uint_eq(bus.ndevices, 0);
	emu_bus_free(&bus);
	ck_assert_ptr_null(bus.ram);
}
END_TEST

START_TEST(ram_is_little_endian_and_checked_at_both_ends)
{
	emu_bus bus;
	bus_setup(&bus);
	write_ok(&bus, RAM_BASE + 8, 8, 0x0102030405060708);
	ck_assert_uint_eq(bus.ram[8], 0x08);
	ck_assert_uint_eq(bus.ram[15], 0x01);
	ck_assert_uint_eq(read_ok(&bus, RAM_BASE + 8, 4), 0x05060708);
	ck_assert_uint_eq(read_ok(&bus, RAM_BASE + 9, 2), 0x0607);
	ck_assert_uint_eq(read_ok(&bus, RAM_BASE + 15, 1), 0x01);
	write_ok(&bus, RAM_BASE + RAM_SIZE - 8, 8, UINT64_MAX);
	ck_assert_uint_eq(read_ok(&bus, RAM_BASE + RAM_SIZE - 8, 8), UINT64_MAX);

	ck_assert(read_faults(&bus, RAM_BASE + RAM_SIZE - 4, 8));
	ck_assert(!emu_phys_write(&bus, RAM_BASE + RAM_SIZE - 1, 2, 0));
	ck_assert(read_faults(&bus, RAM_BASE + RAM_SIZE, 1));
	ck_assert(read_faults(&bus, RAM_BASE - 1, 1));
	ck_assert(read_faults(&bus, RAM_BASE - 4, 8));
	ck_assert(read_faults(&bus, RAM_BASE, 3));
	ck_assert(read_faults(&bus, RAM_BASE, 16));
	ck_assert(!emu_phys_write(&bus, RAM_BASE, 0, 0));
	ck_assert(read_faults(&bus, 0, 4));
	ck_assert(read_faults(&bus, UINT64_MAX, 1));
	ck_assert(read_faults(&bus, UINT64_MAX - 3, 8));
	emu_bus_free(&bus);
}
END_TEST

START_TEST(devices_route_and_refuse_straddling_accesses)
{
	emu_bus bus;
	struct probe p = {0};
	bus_setup(&bus);
	emu_device dev = probe_device(&p, 0x4000, 0x100);
	emu_device *added = emu_bus_add(&bus, &dev);
	ck_assert_ptr_nonnull(added);
	ck_assert_ptr_eq(added->bus, &bus);
	ck_assert_ptr_null(dev.bus);
	dev.base = 0x9000; /* the bus keeps its own copy */
	ck_assert_uint_eq(added->base, 0x4000);

	ck_assert_ptr_eq(emu_bus_find(&bus, 0x4000, 1), added);
	ck_assert_ptr_eq(emu_bus_find(&bus, 0x40f8, 8), added);
	ck_assert_ptr_null(emu_bus_find(&bus, 0x40fc, 8));
	ck_assert_ptr_null(emu_bus_find(&bus, 0x3fff, 2));
	ck_assert_ptr_null(emu_bus_find(&bus, 0x4100, 1));

	ck_assert_uint_eq(read_ok(&bus, 0x4010, 4), 0x10 | UINT64_C(4) << 32);
	write_ok(&bus, 0x4020, 2, 0xfffff00d);
	ck_assert_uint_eq(p.last_off, 0x20);
	ck_assert_uint_eq(p.last_len, 2);
	ck_assert_uint_eq(p.last_val, 0xf00d); /* the bus passes only len bytes */
	ck_assert(read_faults(&bus, 0x40fc, 8));
	ck_assert(!emu_phys_write(&bus, 0x40ff, 2, 0));
	ck_assert_uint_eq(p.writes, 1);
	ck_assert(read_faults(&bus, 0x4100, 1));
	emu_bus_free(&bus);
	ck_assert_uint_eq(p.releases, 1);
}
END_TEST

START_TEST(device_ranges_must_not_overlap)
{
	emu_bus bus;
	struct probe p = {0};
	bus_setup(&bus);
	emu_device dev = probe_device(&p, 0x4000, 0x1000);
	ck_assert_ptr_nonnull(emu_bus_add(&bus, &dev));

	const struct {
		uint64_t base, size;
	} refused[] = {
	    {0x4000, 0x1000},
	    {0x4fff, 1},
	    {0x3000, 0x1001},
	    {0x0, UINT64_MAX},
	    {RAM_BASE + RAM_SIZE - 1, 0x10},
	    {RAM_BASE - 0x10, 0x11},
	    {RAM_BASE + 0x1000, 0x10},
	    {0x8000, 0},
	    {UINT64_MAX - 0xf, 0x100},
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		emu_device d = probe_device(&p, refused[i].base, refused[i].size);
		ck_assert_msg(!emu_bus_add(&bus, &d), "range %zu accepted", i);
	}
	ck_assert_uint_eq(bus.ndevices, 1);

	emu_device below = probe_device(&p, 0x3000, 0x1000);
	emu_device above = probe_device(&p, 0x5000, 0x10);
	emu_device below_ram = probe_device(&p, RAM_BASE - 0x10, 0x10);
	emu_device top = probe_device(&p, UINT64_MAX - 0xff, 0x100);
	ck_assert_ptr_nonnull(emu_bus_add(&bus, &below));
	ck_assert_ptr_nonnull(emu_bus_add(&bus, &above));
	ck_assert_ptr_nonnull(emu_bus_add(&bus, &below_ram));
	ck_assert_ptr_nonnull(emu_bus_add(&bus, &top));
	ck_assert_uint_eq(read_ok(&bus, UINT64_MAX - 7, 8), 0xf8 | UINT64_C(8) << 32);
	ck_assert(read_faults(&bus, RAM_BASE - 4, 8)); /* device end into RAM */
	emu_bus_free(&bus);
	ck_assert_uint_eq(p.releases, 5);
}
END_TEST

START_TEST(device_table_holds_a_fixed_number)
{
	emu_bus bus;
	struct probe p = {0};
	bus_setup(&bus);
	for (unsigned i = 0; i < EMU_MAX_DEVICES; i++) {
		emu_device d = probe_device(&p, 0x1000 * (i + 1), 0x1000);
		ck_assert_ptr_nonnull(emu_bus_add(&bus, &d));
	}
	emu_device extra = probe_device(&p, 0x100000, 0x1000);
	ck_assert_ptr_null(emu_bus_add(&bus, &extra));
	ck_assert_ptr_null(emu_add_clint(&bus, CLINT_BASE));
	ck_assert_uint_eq(bus.ndevices, EMU_MAX_DEVICES);
	emu_bus_free(&bus);
	ck_assert_uint_eq(p.releases, EMU_MAX_DEVICES);
}
END_TEST

/* ---- UART ------------------------------------------------------------------------------- */

START_TEST(uart_sends_bytes_to_the_console)
{
	emu_bus bus;
	struct capture out;
	bus_setup(&bus);
	ck_assert_ptr_nonnull(emu_add_uart16550(&bus, UART_BASE));
	capture_start(&bus, &out);
	for (const char *s = "hi\nthere"; *s; s++)
		write_ok(&bus, UART_BASE, 1, (uint8_t)*s);
	capture_end(&bus);
	ck_assert_str_eq(out.text, "hi\nthere");
	free(out.text);
	emu_bus_free(&bus);
}
END_TEST

START_TEST(uart_registers_reset_and_dlab)
{
	emu_bus bus;
	struct capture out;
	bus_setup(&bus);
	ck_assert_ptr_nonnull(emu_add_uart16550(&bus, UART_BASE));
	capture_start(&bus, &out);

	ck_assert_uint_eq(read_ok(&bus, UART_BASE + 5, 1), 0x60);
	ck_assert_uint_eq(read_ok(&bus, UART_BASE + 0, 1), 0);
	ck_assert_uint_eq(read_ok(&bus, UART_BASE + 1, 1), 0);
	ck_assert_uint_eq(read_ok(&bus, UART_BASE + 2, 1), 0x01);
	ck_assert_uint_eq(read_ok(&bus, UART_BASE + 3, 1), 0);
	ck_assert_uint_eq(read_ok(&bus, UART_BASE + 4, 1), 0);
	ck_assert_uint_eq(read_ok(&bus, UART_BASE + 6, 1), 0xb0);
	ck_assert_uint_eq(read_ok(&bus, UART_BASE + 7, 1), 0);

	/* The divisor latch hides THR and IER while LCR.DLAB is set. */
	write_ok(&bus, UART_BASE + 1, 1, 0xff);
	ck_assert_uint_eq(read_ok(&bus, UART_BASE + 1, 1), 0x0f);
	write_ok(&bus, UART_BASE + 3, 1, 0x83);
	ck_assert_uint_eq(read_ok(&bus, UART_BASE + 0, 1), 0x0c);
	write_ok(&bus, UART_BASE + 0, 1, 0x01);
	write_ok(&bus, UART_BASE + 1, 1, 0x02);
	ck_assert_uint_eq(read_ok(&bus, UART_BASE + 0, 1), 0x01);
	ck_assert_uint_eq(read_ok(&bus, UART_BASE + 1, 1), 0x02);
	write_ok(&bus, UART_BASE + 3, 1, 0x03);
	ck_assert_uint_eq(read_ok(&bus, UART_BASE + 3, 1), 0x03);
	ck_assert_uint_eq(read_ok(&bus, UART_BASE + 1, 1), 0x0f);
	ck_assert_uint_eq(read_ok(&bus, UART_BASE + 0, 1), 0);

	write_ok(&bus, UART_BASE + 2, 1, 0xc7); /* FIFO on, both reset bits self-clear */
	ck_assert_uint_eq(read_ok(&bus, UART_BASE + 2, 1), 0xc1);
	write_ok(&bus, UART_BASE + 4, 1, 0xff);
	ck_assert_uint_eq(read_ok(&bus, UART_BASE + 4, 1), 0x1f);
	write_ok(&bus, UART_BASE + 5, 1, 0x00);
	ck_assert_uint_eq(read_ok(&bus, UART_BASE + 5, 1), 0x60);
	write_ok(&bus, UART_BASE + 6, 1, 0x00);
	ck_assert_uint_eq(read_ok(&bus, UART_BASE + 6, 1), 0xb0);
	write_ok(&bus, UART_BASE + 7, 1, 0x5a);
	ck_assert_uint_eq(read_ok(&bus, UART_BASE + 7, 1), 0x5a);

	/* 8-bit registers at stride 1: wider accesses and the rest of the window fault. */
	ck_assert(read_faults(&bus, UART_BASE + 5, 4));
	ck_assert(!emu_phys_write(&bus, UART_BASE, 4, 'x'));
	ck_assert(read_faults(&bus, UART_BASE + 8, 1));
	ck_assert(read_faults(&bus, UART_BASE + 0xff, 1));

	capture_end(&bus);
	ck_assert_uint_eq(out.len, 0); /* nothing went out while DLAB was set */
	free(out.text);
	emu_bus_free(&bus);
}
END_TEST

/* ---- PL011 (values from the PL011 TRM, DDI 0183, and QEMU's ID registers) ------------------ */

START_TEST(pl011_sends_bytes_and_reads_as_idle)
{
	emu_bus bus;
	struct capture out;
	bus_setup(&bus);
	ck_assert_ptr_nonnull(emu_add_pl011(&bus, PL011_BASE));
	capture_start(&bus, &out);
	for (const char *s = "ok\n"; *s; s++)
		write_ok(&bus, PL011_BASE, 4, 0xffffff00u | (uint8_t)*s); /* DR: only the byte */
	write_ok(&bus, PL011_BASE, 1, '!');

	ck_assert_uint_eq(read_ok(&bus, PL011_BASE + 0x18, 4), 0x90); /* FR: TXFE, RXFE */
	ck_assert_uint_eq(read_ok(&bus, PL011_BASE + 0x18, 1), 0x90);
	ck_assert_uint_eq(read_ok(&bus, PL011_BASE + 0x00, 4), 0);     /* DR: no input */
	ck_assert_uint_eq(read_ok(&bus, PL011_BASE + 0x30, 4), 0x300); /* CR: TXE, RXE */
	ck_assert_uint_eq(read_ok(&bus, PL011_BASE + 0x34, 4), 0x12);  /* IFLS */
	write_ok(&bus, PL011_BASE + 0x30, 4, 0xffffffff);
	ck_assert_uint_eq(read_ok(&bus, PL011_BASE + 0x30, 4), 0xff87);
	ck_assert_uint_eq(read_ok(&bus, PL011_BASE + 0x31, 1), 0xff);
	write_ok(&bus, PL011_BASE + 0x24, 2, 0x1234); /* IBRD */
	ck_assert_uint_eq(read_ok(&bus, PL011_BASE + 0x24, 4), 0x1234);
	write_ok(&bus, PL011_BASE + 0x18, 4, 0); /* FR is read-only */
	ck_assert_uint_eq(read_ok(&bus, PL011_BASE + 0x18, 4), 0x90);

	static const uint8_t id[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
	for (unsigned i = 0; i < 8; i++)
		ck_assert_uint_eq(read_ok(&bus, PL011_BASE + 0xfe0 + 4 * i, 4), id[i]);
	ck_assert(read_faults(&bus, PL011_BASE + 0x18, 8)); /* 32-bit registers */
	ck_assert(read_faults(&bus, PL011_BASE + 0x19, 2)); /* misaligned */

	capture_end(&bus);
	ck_assert_str_eq(out.text, "ok\n!");
	free(out.text);
	emu_bus_free(&bus);
}
END_TEST

/* ---- CLINT ------------------------------------------------------------------------------ */

START_TEST(clint_msip_mirrors_bit_zero_per_hart)
{
	emu_bus bus;
	bus_setup(&bus);
	ck_assert_ptr_nonnull(emu_add_clint(&bus, CLINT_BASE));
	write_ok(&bus, CLINT_BASE + 4, 4, 0xffffffff);
	ck_assert_uint_eq(bus.msip, 0x2);
	ck_assert_uint_eq(read_ok(&bus, CLINT_BASE + 4, 4), 1);
	ck_assert_uint_eq(read_ok(&bus, CLINT_BASE + 0, 4), 0);
	write_ok(&bus, CLINT_BASE + 4 * (EMU_MAX_HARTS - 1), 4, 1);
	ck_assert_uint_eq(bus.msip, 0x2 | 1u << (EMU_MAX_HARTS - 1));
	write_ok(&bus, CLINT_BASE + 4, 4, 0xfffffffe);
	ck_assert_uint_eq(bus.msip, 1u << (EMU_MAX_HARTS - 1));
	ck_assert(!emu_phys_write(&bus, CLINT_BASE + 4 * EMU_MAX_HARTS, 4, 1));
	ck_assert(!emu_phys_write(&bus, CLINT_BASE, 8, 1));
	ck_assert(!emu_phys_write(&bus, CLINT_BASE, 1, 1));
	ck_assert(read_faults(&bus, CLINT_BASE + 2, 4));
	emu_bus_free(&bus);
}
END_TEST

START_TEST(clint_mtimecmp_whole_and_halves)
{
	emu_bus bus;
	bus_setup(&bus);
	ck_assert_ptr_nonnull(emu_add_clint(&bus, CLINT_BASE));
	write_ok(&bus, CLINT_BASE + 0x4000, 8, 0x1122334455667788);
	ck_assert_uint_eq(bus.mtimecmp[0], 0x1122334455667788);
	ck_assert_uint_eq(read_ok(&bus, CLINT_BASE + 0x4000, 4), 0x55667788);
	ck_assert_uint_eq(read_ok(&bus, CLINT_BASE + 0x4004, 4), 0x11223344);
	write_ok(&bus, CLINT_BASE + 0x4004, 4, 0xaabbccdd);
	ck_assert_uint_eq(bus.mtimecmp[0], 0xaabbccdd55667788);
	write_ok(&bus, CLINT_BASE + 0x4000, 4, 0x01);
	ck_assert_uint_eq(bus.mtimecmp[0], 0xaabbccdd00000001);

	uint64_t last = CLINT_BASE + 0x4000 + 8 * (EMU_MAX_HARTS - 1);
	write_ok(&bus, last, 8, 42);
	ck_assert_uint_eq(bus.mtimecmp[EMU_MAX_HARTS - 1], 42);
	ck_assert_uint_eq(read_ok(&bus, last, 8), 42);
	ck_assert(!emu_phys_write(&bus, last + 8, 8, 1));
	ck_assert(!emu_phys_write(&bus, CLINT_BASE + 0x4002, 4, 1));
	ck_assert(!emu_phys_write(&bus, CLINT_BASE + 0x4004, 8, 1));
	ck_assert(read_faults(&bus, CLINT_BASE + 0x4000, 2));
	emu_bus_free(&bus);
}
END_TEST

START_TEST(clint_mtime_is_retired_instructions)
{
	emu_bus bus;
	bus_setup(&bus);
	ck_assert_ptr_nonnull(emu_add_clint(&bus, CLINT_BASE));
	bus.now = 0x0000000123456789;
	ck_assert_uint_eq(read_ok(&bus, CLINT_BASE + 0xbff8, 8), 0x123456789);
	ck_assert_uint_eq(read_ok(&bus, CLINT_BASE + 0xbff8, 4), 0x23456789);
	ck_assert_uint_eq(read_ok(&bus, CLINT_BASE + 0xbffc, 4), 0x1);
	write_ok(&bus, CLINT_BASE + 0xbff8, 8, 0);
	write_ok(&bus, CLINT_BASE + 0xbffc, 4, 7);
	ck_assert_uint_eq(bus.now, 0x123456789);
	ck_assert(read_faults(&bus, CLINT_BASE + 0x8000, 4));
	ck_assert(read_faults(&bus, CLINT_BASE + 0xbff0, 8));
	emu_bus_free(&bus);
}
END_TEST

/* ---- test finisher ---------------------------------------------------------------------- */

START_TEST(finisher_passes_fails_and_resets)
{
	emu_bus bus;
	bus_setup(&bus);
	ck_assert_ptr_nonnull(emu_add_test_finisher(&bus, FINISHER_BASE));
	write_ok(&bus, FINISHER_BASE, 4, 0x1234);
	ck_assert_int_eq(bus.stop, EMU_STOP_NONE);
	write_ok(&bus, FINISHER_BASE + 4, 4, 0x5555);
	ck_assert_int_eq(bus.stop, EMU_STOP_NONE);
	ck_assert_uint_eq(read_ok(&bus, FINISHER_BASE, 4), 0);
	ck_assert(!emu_phys_write(&bus, FINISHER_BASE, 2, 0x5555));
	ck_assert(!emu_phys_write(&bus, FINISHER_BASE, 8, 0x5555));
	ck_assert_int_eq(bus.stop, EMU_STOP_NONE);

	write_ok(&bus, FINISHER_BASE, 4, 0x5555);
	ck_assert_int_eq(bus.stop, EMU_STOP_PASS);
	ck_assert_uint_eq(bus.stop_code, 0);
	write_ok(&bus, FINISHER_BASE, 4, 3u << 16 | 0x3333);
	ck_assert_int_eq(bus.stop, EMU_STOP_FAIL);
	ck_assert_uint_eq(bus.stop_code, 3);
	write_ok(&bus, FINISHER_BASE, 4, 0xffff3333);
	ck_assert_uint_eq(bus.stop_code, 0xffff);
	write_ok(&bus, FINISHER_BASE, 4, 0x7777);
	ck_assert_int_eq(bus.stop, EMU_STOP_RESET);
	emu_bus_free(&bus);
}
END_TEST

/* ---- HTIF ------------------------------------------------------------------------------- */

#define TOHOST	 (RAM_BASE + 0x1000)
#define FROMHOST (RAM_BASE + 0x1040)
#define MAGIC	 (RAM_BASE + 0x2000)
#define HTIF_BUF (RAM_BASE + 0x3000)

static void htif_setup(emu_bus *bus)
{
	bus_setup(bus);
	bus->tohost_addr = TOHOST;
	bus->fromhost_addr = FROMHOST;
}

static void htif_send(emu_bus *bus, uint64_t cmd)
{
	write_ok(bus, TOHOST, 8, cmd);
	emu_htif_poll(bus);
	ck_assert_uint_eq(read_ok(bus, TOHOST, 8), 0);
}

/* A proxied syscall through magic_mem; returns its result. */
static uint64_t htif_syscall(emu_bus *bus, uint64_t n, uint64_t a0, uint64_t a1, uint64_t a2)
{
	const uint64_t words[8] = {n, a0, a1, a2};
	for (unsigned i = 0; i < 8; i++)
		write_ok(bus, MAGIC + 8 * i, 8, words[i]);
	write_ok(bus, FROMHOST, 8, 0);
	htif_send(bus, MAGIC);
	ck_assert_uint_eq(read_ok(bus, FROMHOST, 8), 1);
	return read_ok(bus, MAGIC, 8);
}

START_TEST(htif_exit_codes)
{
	emu_bus bus;
	htif_setup(&bus);
	emu_htif_poll(&bus);
	ck_assert_int_eq(bus.stop, EMU_STOP_NONE);
	htif_send(&bus, 1);
	ck_assert_int_eq(bus.stop, EMU_STOP_PASS);
	ck_assert_uint_eq(bus.stop_code, 0);
	htif_send(&bus, 3 << 1 | 1);
	ck_assert_int_eq(bus.stop, EMU_STOP_FAIL);
	ck_assert_uint_eq(bus.stop_code, 3);
	emu_bus_free(&bus);
}
END_TEST

START_TEST(htif_syscalls_write_and_exit)
{
	emu_bus bus;
	struct capture out;
	htif_setup(&bus);
	capture_start(&bus, &out);
	memcpy(bus.ram + (HTIF_BUF - RAM_BASE), "hello", 5);
	ck_assert_uint_eq(htif_syscall(&bus, 64, 1, HTIF_BUF, 5), 5);
	ck_assert_uint_eq(htif_syscall(&bus, 64, 2, HTIF_BUF, 2), 2);
	ck_assert_uint_eq(htif_syscall(&bus, 64, 3, HTIF_BUF, 2), (uint64_t)-9);
	ck_assert_uint_eq(htif_syscall(&bus, 64, 1, RAM_BASE + RAM_SIZE - 2, 5), (uint64_t)-14);
	ck_assert_uint_eq(htif_syscall(&bus, 56, 0, 0, 0), (uint64_t)-38);
	ck_assert_int_eq(bus.stop, EMU_STOP_NONE);
	htif_syscall(&bus, 93, 0, 0, 0);
	ck_assert_int_eq(bus.stop, EMU_STOP_PASS);
	htif_syscall(&bus, 93, 2, 0, 0);
	ck_assert_int_eq(bus.stop, EMU_STOP_FAIL);
	ck_assert_uint_eq(bus.stop_code, 2);
	capture_end(&bus);
	ck_assert_str_eq(out.text, "hellohe");
	free(out.text);
	emu_bus_free(&bus);
}
END_TEST

START_TEST(htif_console_and_unknown_commands)
{
	emu_bus bus;
	struct capture out;
	htif_setup(&bus);
	capture_start(&bus, &out);
	const uint64_t putchar_cmd = UINT64_C(1) << 56 | UINT64_C(1) << 48;
	htif_send(&bus, putchar_cmd | 'A');
	ck_assert_uint_eq(read_ok(&bus, FROMHOST, 8), putchar_cmd | 0x100 | 'A');
	htif_send(&bus, putchar_cmd | '\n');

	write_ok(&bus, FROMHOST, 8, 0);
	htif_send(&bus, UINT64_C(5) << 56 | 1);
	htif_send(&bus, UINT64_C(1) << 56 | 'x'); /* console read: no input ever comes */
	htif_send(&bus, RAM_BASE + RAM_SIZE - 8); /* magic_mem outside RAM */
	ck_assert_uint_eq(read_ok(&bus, FROMHOST, 8), 0);
	ck_assert_int_eq(bus.stop, EMU_STOP_NONE);

	bus.tohost_addr = 0;
	write_ok(&bus, TOHOST, 8, 1);
	emu_htif_poll(&bus);
	ck_assert_int_eq(bus.stop, EMU_STOP_NONE);
	bus.tohost_addr = RAM_BASE + RAM_SIZE - 4;
	emu_htif_poll(&bus);
	ck_assert_int_eq(bus.stop, EMU_STOP_NONE);

	capture_end(&bus);
	ck_assert_str_eq(out.text, "A\n");
	free(out.text);
	emu_bus_free(&bus);
}
END_TEST

/* ---- ELF images ------------------------------------------------------------------------- */

/* A small valid executable: text (R+X) and data with bss (R+W) in two PT_LOADs, a
 * PT_GNU_STACK, and .symtab/.strtab behind four section headers. */
#define IMG_MAX	    2048
#define IMG_PHNUM   3
#define IMG_PH(i)   (0x40 + 56 * (i))
#define IMG_TEXT    0x100
#define TEXT_SIZE   0x20
#define TEXT_ADDR   RAM_BASE
#define IMG_DATA    0x120
#define DATA_FILESZ 0x10
#define DATA_MEMSZ  0x100
#define DATA_ADDR   (RAM_BASE + 0x1000)
#define IMG_STR	    0x130
#define IMG_SYM(i)  (0x180 + 24 * (i))
#define IMG_NSYMS   10
#define IMG_SH(i)   (IMG_SYM(IMG_NSYMS) + 64 * (i))
#define IMG_SHNUM   4
#define IMG_SIZE    IMG_SH(IMG_SHNUM)

static const char img_strings[] = "\0_start\0main\0tohost\0fromhost\0buf\0$x\0crt.c\0weak_hook";

struct image {
	uint8_t b[IMG_MAX];
	size_t size;
};

static void put16(struct image *im, size_t off, uint16_t v)
{
	for (unsigned i = 0; i < 2; i++)
		im->b[off + i] = (uint8_t)(v >> (8 * i));
}

static void put32(struct image *im, size_t off, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		im->b[off + i] = (uint8_t)(v >> (8 * i));
}

static void put64(struct image *im, size_t off, uint64_t v)
{
	for (unsigned i = 0; i < 8; i++)
		im->b[off + i] = (uint8_t)(v >> (8 * i));
}

static uint32_t str_index(const char *name)
{
	for (uint32_t i = 1; i < sizeof(img_strings); i += strlen(img_strings + i) + 1)
		if (strcmp(img_strings + i, name) == 0)
			return i;
	ck_abort_msg("no string %s", name);
	return 0;
}

static void put_phdr(struct image *im, unsigned i, uint32_t type, uint32_t flags, uint64_t off,
		     uint64_t addr, uint64_t filesz, uint64_t memsz)
{
	size_t p = IMG_PH(i);
	put32(im, p + 0, type);
	put32(im, p + 4, flags);
	put64(im, p + 8, off);
	put64(im, p + 16, addr);
	put64(im, p + 24, addr);
	put64(im, p + 32, filesz);
	put64(im, p + 40, memsz);
	put64(im, p + 48, 0x1000);
}

static void put_symbol(struct image *im, unsigned i, const char *name, unsigned type,
		       uint16_t shndx, uint64_t value, uint64_t size)
{
	size_t p = IMG_SYM(i);
	put32(im, p + 0, name ? str_index(name) : 0);
	im->b[p + 4] = (uint8_t)ELF64_ST_INFO(STB_GLOBAL, type);
	put16(im, p + 6, shndx);
	put64(im, p + 8, value);
	put64(im, p + 16, size);
}

static void put_section(struct image *im, unsigned i, uint32_t type, uint64_t off, uint64_t size,
			uint32_t link, uint64_t entsize)
{
	size_t p = IMG_SH(i);
	put32(im, p + 4, type);
	put64(im, p + 24, off);
	put64(im, p + 32, size);
	put32(im, p + 40, link);
	put64(im, p + 56, entsize);
}

static void build_image(struct image *im, uint16_t machine)
{
	memset(im, 0, sizeof(*im));
	im->size = IMG_SIZE;
	memcpy(im->b, ELFMAG, SELFMAG);
	im->b[EI_CLASS] = ELFCLASS64;
	im->b[EI_DATA] = ELFDATA2LSB;
	im->b[EI_VERSION] = EV_CURRENT;
	put16(im, 16, ET_EXEC);
	put16(im, 18, machine);
	put32(im, 20, EV_CURRENT);
	put64(im, 24, TEXT_ADDR);
	put64(im, 32, IMG_PH(0));
	put64(im, 40, IMG_SH(0));
	put16(im, 52, 64);
	put16(im, 54, 56);
	put16(im, 56, IMG_PHNUM);
	put16(im, 58, 64);
	put16(im, 60, IMG_SHNUM);

	put_phdr(im, 0, PT_LOAD, PF_R | PF_X, IMG_TEXT, TEXT_ADDR, TEXT_SIZE, TEXT_SIZE);
	put_phdr(im, 1, PT_LOAD, PF_R | PF_W, IMG_DATA, DATA_ADDR, DATA_FILESZ, DATA_MEMSZ);
	put_phdr(im, 2, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0);
	for (unsigned i = 0; i < TEXT_SIZE; i++)
		im->b[IMG_TEXT + i] = (uint8_t)(0x10 + i);
	for (unsigned i = 0; i < DATA_FILESZ; i++)
		im->b[IMG_DATA + i] = (uint8_t)(0xd0 + i);
	memcpy(im->b + IMG_STR, img_strings, sizeof(img_strings));

	put_symbol(im, 1, "_start", STT_NOTYPE, 1, TEXT_ADDR, 0);
	put_symbol(im, 2, "main", STT_FUNC, 1, TEXT_ADDR + 0x10, 0x10);
	put_symbol(im, 3, "tohost", STT_OBJECT, 2, DATA_ADDR, 8);
	put_symbol(im, 4, "fromhost", STT_OBJECT, 2, DATA_ADDR + 8, 8);
	put_symbol(im, 5, "buf", STT_OBJECT, 2, DATA_ADDR + 0x40, 0x40);
	put_symbol(im, 6, "$x", STT_NOTYPE, 1, TEXT_ADDR, 0);
	put_symbol(im, 7, "crt.c", STT_FILE, SHN_ABS, 0, 0);
	put_symbol(im, 8, NULL, STT_SECTION, 1, TEXT_ADDR, 0);
	put_symbol(im, 9, "weak_hook", STT_FUNC, SHN_UNDEF, 0, 0);

	put_section(im, 1, SHT_PROGBITS, IMG_TEXT, TEXT_SIZE, 0, 0);
	put_section(im, 2, SHT_SYMTAB, IMG_SYM(0), 24 * IMG_NSYMS, 3, 24);
	put32(im, IMG_SH(2) + 44, 1); /* sh_info: the first global symbol */
	put_section(im, 3, SHT_STRTAB, IMG_STR, sizeof(img_strings), 0, 0);
}

static void build_rv(struct image *im)
{
	build_image(im, EM_RISCV);
}

static bool ram_untouched(const emu_bus *bus)
{
	for (uint64_t i = 0; i < bus->ram_size; i++)
		if (bus->ram[i])
			return false;
	return true;
}

/* Loads the first size bytes of im from a buffer of exactly that size, so that any read past
 * the end is caught by AddressSanitizer. */
static bool load_bytes(emu_bus *bus, const uint8_t *bytes, size_t size, uint16_t machine,
		       emu_elf *elf, char *err, size_t errlen)
{
	uint8_t *copy = malloc(size ? size : 1);
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, bytes, size);
	bool ok = emu_elf_load_mem(bus, copy, size, machine, elf, err, errlen);
	free(copy);
	return ok;
}

/* The image must be refused without a trace in RAM; returns the message. */
static const char *load_fails(const struct image *im, uint16_t machine)
{
	static char err[256];
	emu_bus bus;
	emu_elf elf;
	bus_setup(&bus);
	bus.tohost_addr = 0x1234;
	strcpy(err, "(unchanged)");
	ck_assert_msg(!load_bytes(&bus, im->b, im->size, machine, &elf, err, sizeof(err)),
		      "accepted");
	ck_assert_ptr_null(strchr(err, '\n'));
	ck_assert_str_ne(err, "(unchanged)");
	ck_assert_uint_eq(elf.nsymbols, 0);
	ck_assert_ptr_null(elf.symbols);
	ck_assert_uint_eq(bus.tohost_addr, 0x1234);
	ck_assert_msg(ram_untouched(&bus), "RAM written by a refused image: %s", err);
	emu_bus_free(&bus);
	return err;
}

static void assert_loads(const struct image *im)
{
	emu_bus bus;
	emu_elf elf;
	char err[256] = "";
	bus_setup(&bus);
	ck_assert_msg(load_bytes(&bus, im->b, im->size, EM_RISCV, &elf, err, sizeof(err)), "%s",
		      err);
	emu_elf_free(&elf);
	emu_bus_free(&bus);
}

static void assert_fails_with(const struct image *im, const char *want)
{
	const char *err = load_fails(im, EM_RISCV);
	ck_assert_msg(strstr(err, want), "error '%s' does not contain '%s'", err, want);
}

START_TEST(elf_loads_segments_zeroes_bss_and_finds_htif)
{
	struct image im;
	emu_bus bus;
	emu_elf elf;
	char err[256] = "";
	build_rv(&im);
	bus_setup(&bus);
	memset(bus.ram + (DATA_ADDR - RAM_BASE), 0xaa, 0x200);
	ck_assert_msg(emu_elf_load_mem(&bus, im.b, im.size, EM_RISCV, &elf, err, sizeof(err)), "%s",
		      err);
	ck_assert_uint_eq(elf.entry, TEXT_ADDR);
	ck_assert_uint_eq(elf.machine, EM_RISCV);
	ck_assert_mem_eq(bus.ram, im.b + IMG_TEXT, TEXT_SIZE);
	ck_assert_mem_eq(bus.ram + 0x1000, im.b + IMG_DATA, DATA_FILESZ);
	for (unsigned i = DATA_FILESZ; i < DATA_MEMSZ; i++)
		ck_assert_uint_eq(bus.ram[0x1000 + i], 0);
	ck_assert_uint_eq(bus.ram[0x1000 + DATA_MEMSZ], 0xaa);
	ck_assert_uint_eq(bus.tohost_addr, DATA_ADDR);
	ck_assert_uint_eq(bus.fromhost_addr, DATA_ADDR + 8);
	emu_elf_free(&elf);
	ck_assert_ptr_null(elf.symbols);
	emu_bus_free(&bus);
}
END_TEST

START_TEST(elf_symbols_are_filtered_sorted_and_found)
{
	struct image im;
	emu_bus bus;
	emu_elf elf;
	char err[256] = "";
	build_rv(&im);
	bus_setup(&bus);
	ck_assert_msg(emu_elf_load_mem(&bus, im.b, im.size, EM_RISCV, &elf, err, sizeof(err)), "%s",
		      err);
	static const char *const order[] = {"_start", "main", "tohost", "fromhost", "buf"};
	ck_assert_uint_eq(elf.nsymbols, 5);
	for (unsigned i = 0; i < elf.nsymbols; i++)
		ck_assert_str_eq(elf.symbols[i].name, order[i]);
	const emu_symbol *main_sym = emu_elf_symbol(&elf, "main");
	ck_assert_ptr_nonnull(main_sym);
	ck_assert(main_sym->is_func);
	ck_assert_uint_eq(main_sym->value, TEXT_ADDR + 0x10);
	ck_assert_uint_eq(main_sym->size, 0x10);
	ck_assert(!emu_elf_symbol(&elf, "buf")->is_func);
	ck_assert_ptr_null(emu_elf_symbol(&elf, "$x"));
	ck_assert_ptr_null(emu_elf_symbol(&elf, "crt.c"));
	ck_assert_ptr_null(emu_elf_symbol(&elf, "weak_hook"));
	ck_assert_ptr_null(emu_elf_symbol(&elf, ""));

	ck_assert_ptr_null(emu_elf_symbol_at(&elf, TEXT_ADDR - 1));
	ck_assert_str_eq(emu_elf_symbol_at(&elf, TEXT_ADDR)->name, "_start");
	ck_assert_str_eq(emu_elf_symbol_at(&elf, TEXT_ADDR + 0xf)->name, "_start");
	ck_assert_str_eq(emu_elf_symbol_at(&elf, TEXT_ADDR + 0x14)->name, "main");
	ck_assert_ptr_null(emu_elf_symbol_at(&elf, TEXT_ADDR + 0x20));
	ck_assert_str_eq(emu_elf_symbol_at(&elf, DATA_ADDR + 4)->name, "tohost");
	ck_assert_str_eq(emu_elf_symbol_at(&elf, DATA_ADDR + 0x7f)->name, "buf");
	ck_assert_ptr_null(emu_elf_symbol_at(&elf, DATA_ADDR + 0x80));
	ck_assert_ptr_null(emu_elf_symbol_at(&elf, UINT64_MAX));
	emu_elf_free(&elf);
	emu_bus_free(&bus);
}
END_TEST

START_TEST(elf_without_sections_or_paddr)
{
	struct image im;
	emu_bus bus;
	emu_elf elf;
	char err[256] = "";
	build_rv(&im);
	put64(&im, 40, 0);
	put16(&im, 60, 0);
	/* Every paddr 0: the loader falls back to the virtual addresses. */
	put64(&im, IMG_PH(0) + 24, 0);
	put64(&im, IMG_PH(1) + 24, 0);
	/* A PT_LOAD with no memory is ignored wherever it claims to be. */
	put_phdr(&im, 2, PT_LOAD, PF_R, 0, 0x1000, 0, 0);
	put64(&im, IMG_PH(2) + 24, 0);
	bus_setup(&bus);
	bus.tohost_addr = 0x1234;
	ck_assert_msg(emu_elf_load_mem(&bus, im.b, im.size, EM_RISCV, &elf, err, sizeof(err)), "%s",
		      err);
	ck_assert_uint_eq(elf.nsymbols, 0);
	ck_assert_ptr_null(emu_elf_symbol_at(&elf, TEXT_ADDR));
	ck_assert_uint_eq(bus.tohost_addr, 0);
	ck_assert_uint_eq(bus.fromhost_addr, 0);
	ck_assert_mem_eq(bus.ram, im.b + IMG_TEXT, TEXT_SIZE);
	emu_elf_free(&elf);
	emu_bus_free(&bus);
}
END_TEST

START_TEST(elf_every_truncation_fails_cleanly)
{
	struct image im;
	emu_bus bus;
	emu_elf elf;
	char err[256];
	build_rv(&im);
	bus_setup(&bus);
	for (size_t n = 0; n < im.size; n++) {
		ck_assert_msg(!load_bytes(&bus, im.b, n, EM_RISCV, &elf, err, sizeof(err)),
			      "prefix of %zu bytes accepted", n);
		ck_assert_ptr_null(elf.symbols);
	}
	ck_assert(ram_untouched(&bus));
	ck_assert(load_bytes(&bus, im.b, im.size, EM_RISCV, &elf, err, sizeof(err)));
	emu_elf_free(&elf);
	emu_bus_free(&bus);
}
END_TEST

/* Any single corrupted byte either loads or is refused; nothing may crash or leak. */
START_TEST(elf_single_byte_corruption_never_crashes)
{
	static const uint8_t values[] = {0x00, 0x01, 0x7f, 0x80, 0xff};
	struct image im;
	emu_bus bus;
	emu_elf elf;
	char err[256];
	bus_setup(&bus);
	for (size_t off = 0; off < IMG_SIZE; off++) {
		for (size_t v = 0; v < sizeof(values); v++) {
			build_rv(&im);
			im.b[off] = values[v];
			if (load_bytes(&bus, im.b, im.size, EM_RISCV, &elf, err, sizeof(err)))
				emu_elf_free(&elf);
			else
				ck_assert_ptr_null(strchr(err, '\n'));
		}
	}
	emu_bus_free(&bus);
}
END_TEST

START_TEST(elf_rejects_wrong_kind_of_file)
{
	struct image im;

	build_rv(&im);
	im.b[1] = 'X';
	assert_fails_with(&im, "bad magic");
	build_rv(&im);
	im.b[EI_CLASS] = ELFCLASS32;
	assert_fails_with(&im, "32-bit");
	build_rv(&im);
	im.b[EI_CLASS] = 9;
	assert_fails_with(&im, "unknown ELF class 9");
	build_rv(&im);
	im.b[EI_DATA] = ELFDATA2MSB;
	assert_fails_with(&im, "big-endian");
	build_rv(&im);
	im.b[EI_VERSION] = 2;
	assert_fails_with(&im, "unsupported ELF version 2");
	build_rv(&im);
	put32(&im, 20, 0);
	assert_fails_with(&im, "unsupported ELF version 0");
	build_rv(&im);
	put16(&im, 16, ET_DYN);
	ck_assert_str_eq(load_fails(&im, EM_RISCV),
			 "position-independent executables are not supported; "
			 "link with -static -no-pie");
	build_rv(&im);
	put16(&im, 16, ET_REL);
	assert_fails_with(&im, "relocatable object (ET_REL)");
	build_rv(&im);
	put16(&im, 16, ET_CORE);
	assert_fails_with(&im, "core dump (ET_CORE)");
	build_rv(&im);
	put16(&im, 52, 40);
	assert_fails_with(&im, "ELF header size 40, expected 64");
	build_rv(&im);
	im.size = 63;
	ck_assert_str_eq(load_fails(&im, EM_RISCV),
			 "file of 63 bytes is too short for an ELF header");
}
END_TEST

START_TEST(elf_names_both_machines)
{
	struct image im;

	build_image(&im, EM_AARCH64);
	ck_assert_str_eq(load_fails(&im, EM_RISCV), "is an AArch64 ELF, expected RISC-V");
	build_image(&im, EM_RISCV);
	ck_assert_str_eq(load_fails(&im, EM_AARCH64), "is a RISC-V ELF, expected AArch64");
	build_image(&im, EM_X86_64);
	ck_assert_str_eq(load_fails(&im, EM_RISCV), "is an x86-64 ELF, expected RISC-V");
	build_image(&im, 999);
	ck_assert_str_eq(load_fails(&im, EM_RISCV), "is an ELF for machine 999, expected RISC-V");
	build_image(&im, EM_RISCV);
	ck_assert_str_eq(load_fails(&im, 998), "is a RISC-V ELF, expected machine 998");

	emu_bus bus;
	emu_elf elf;
	char err[256] = "";
	build_image(&im, EM_AARCH64);
	bus_setup(&bus);
	ck_assert_msg(emu_elf_load_mem(&bus, im.b, im.size, EM_AARCH64, &elf, err, sizeof(err)),
		      "%s", err);
	ck_assert_uint_eq(elf.machine, EM_AARCH64);
	emu_elf_free(&elf);
	emu_bus_free(&bus);
}
END_TEST

START_TEST(elf_rejects_bad_program_header_tables)
{
	struct image im;

	build_rv(&im);
	put16(&im, 56, 0);
	assert_fails_with(&im, "no program headers");
	build_rv(&im);
	put16(&im, 56, 0xffff);
	assert_fails_with(&im, "65535 program headers exceed the limit of 256");
	build_rv(&im);
	put16(&im, 56, 200);
	assert_fails_with(&im, "program header table 0x40+0x2bc0 lies outside the");
	build_rv(&im);
	put16(&im, 54, 32);
	assert_fails_with(&im, "program header size 32, expected 56");
	build_rv(&im);
	put64(&im, 32, UINT64_MAX - 10);
	assert_fails_with(&im, "program header table 0xfffffffffffffff5+0xa8 lies outside");
	build_rv(&im);
	put32(&im, IMG_PH(0), PT_NOTE);
	put32(&im, IMG_PH(1), PT_NULL);
	assert_fails_with(&im, "no loadable segment (PT_LOAD)");
	build_rv(&im);
	put32(&im, IMG_PH(2), PT_INTERP);
	assert_fails_with(&im, "dynamically linked executables are not supported");
}
END_TEST

START_TEST(elf_rejects_bad_segments)
{
	struct image im;
	char want[128];

	build_rv(&im);
	put64(&im, IMG_PH(0) + 8, 0x1000);
	put64(&im, IMG_PH(0) + 32, 0xffffffff);
	put64(&im, IMG_PH(0) + 40, 0xffffffff);
	snprintf(want, sizeof(want),
		 "program header 0: file range 0x1000+0xffffffff lies outside the %d-byte file",
		 IMG_SIZE);
	ck_assert_str_eq(load_fails(&im, EM_RISCV), want);

	build_rv(&im);
	put64(&im, IMG_PH(1) + 32, 0x200);
	ck_assert_str_eq(load_fails(&im, EM_RISCV),
			 "program header 1: file size 0x200 exceeds memory size 0x100");

	build_rv(&im);
	put64(&im, IMG_PH(0) + 24, 0x90000000);
	ck_assert_str_eq(load_fails(&im, EM_RISCV), "program header 0: memory range "
						    "0x90000000+0x20 lies outside RAM "
						    "0x80000000+0x100000");
	build_rv(&im);
	put64(&im, IMG_PH(1) + 24, RAM_BASE + RAM_SIZE - 0x80);
	assert_fails_with(&im, "program header 1: memory range 0x800fff80+0x100 lies outside RAM");
	build_rv(&im);
	put64(&im, IMG_PH(1) + 24, RAM_BASE - 0x10);
	assert_fails_with(&im, "program header 1: memory range 0x7ffffff0+0x100 lies outside RAM");

	build_rv(&im);
	put64(&im, IMG_PH(1) + 24, TEXT_ADDR + 0x10);
	ck_assert_str_eq(load_fails(&im, EM_RISCV), "segments 0 and 1 overlap at 0x80000010");
	build_rv(&im);
	put64(&im, IMG_PH(1) + 24, TEXT_ADDR);
	put64(&im, IMG_PH(0) + 24, TEXT_ADDR + 0x40);
	put64(&im, 24, TEXT_ADDR + 0x40);
	assert_fails_with(&im, "segments 0 and 1 overlap at 0x80000040");

	build_rv(&im);
	put64(&im, 24, DATA_ADDR);
	ck_assert_str_eq(load_fails(&im, EM_RISCV),
			 "entry point 0x80001000 is outside every executable segment");
	build_rv(&im);
	put64(&im, 24, TEXT_ADDR + TEXT_SIZE);
	assert_fails_with(&im, "entry point 0x80000020 is outside");
	build_rv(&im);
	put32(&im, IMG_PH(0) + 4, PF_R);
	assert_fails_with(&im, "entry point 0x80000000 is outside");
	/* no flags at all, as linker scripts without PHDRS emit: loads like Spike and QEMU do */
	build_rv(&im);
	put32(&im, IMG_PH(0) + 4, 0);
	assert_loads(&im);
}
END_TEST

START_TEST(elf_rejects_sizes_that_would_wrap)
{
	static const struct {
		size_t field;
		uint64_t value;
		const char *want;
	} cases[] = {
	    {IMG_PH(0) + 8, UINT64_MAX - 10, "program header 0: file range"},
	    {IMG_PH(0) + 8, UINT64_MAX, "program header 0: file range"},
	    {IMG_PH(0) + 32, UINT64_MAX, "program header 0: file size"},
	    {IMG_PH(0) + 40, UINT64_MAX, "program header 0: memory range"},
	    {IMG_PH(1) + 40, UINT64_MAX - 0x7fffffff, "program header 1: memory range"},
	    {IMG_PH(0) + 24, UINT64_MAX - 4, "program header 0: memory range"},
	    {IMG_PH(1) + 24, UINT64_MAX - DATA_MEMSZ + 2, "program header 1: memory range"},
	    {40, UINT64_MAX - 8, "section header table"},
	    {40, UINT64_MAX - 64 * IMG_SHNUM + 1, "section header table"},
	    {IMG_SH(2) + 24, UINT64_MAX - 10, "section 2: file range"},
	    {IMG_SH(2) + 32, UINT64_MAX - 15, "section 2: file range"}, /* a multiple of 24 */
	    {IMG_SH(2) + 32, UINT64_MAX, "section 2: symbol table size"},
	    {IMG_SH(3) + 24, UINT64_MAX, "section 3: file range"},
	    {IMG_SH(3) + 32, UINT64_MAX, "section 3: file range"},
	};
	struct image im;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		build_rv(&im);
		put64(&im, cases[i].field, cases[i].value);
		assert_fails_with(&im, cases[i].want);
	}
}
END_TEST

START_TEST(elf_rejects_bad_symbol_tables)
{
	struct image im;
	char want[128];

	build_rv(&im);
	put16(&im, 58, 40);
	assert_fails_with(&im, "section header size 40, expected 64");
	build_rv(&im);
	put16(&im, 60, 0xffff);
	assert_fails_with(&im, "section header table");
	build_rv(&im);
	put64(&im, IMG_SH(2) + 56, 16);
	assert_fails_with(&im, "section 2: symbol entry size 16, expected 24");
	build_rv(&im);
	put64(&im, IMG_SH(2) + 32, 24 * IMG_NSYMS - 1);
	assert_fails_with(&im, "section 2: symbol table size 0xef is not a multiple of 24");
	build_rv(&im);
	put32(&im, IMG_SH(2) + 40, IMG_SHNUM);
	assert_fails_with(&im, "section 2: string table index 4 is out of range");
	build_rv(&im);
	put32(&im, IMG_SH(2) + 40, 0);
	assert_fails_with(&im, "section 2: string table index 0 is out of range");
	build_rv(&im);
	put32(&im, IMG_SH(2) + 40, 1);
	assert_fails_with(&im, "section 2: linked section 1 is not a string table");
	build_rv(&im);
	put32(&im, IMG_SYM(4), sizeof(img_strings));
	snprintf(want, sizeof(want),
		 "symbol 4: name offset 0x%zx lies outside the 0x%zx-byte string table",
		 sizeof(img_strings), sizeof(img_strings));
	assert_fails_with(&im, want);
	build_rv(&im);
	put32(&im, IMG_SYM(4), 0xffffffff);
	assert_fails_with(&im, "symbol 4: name offset 0xffffffff lies outside");
	build_rv(&im);
	put64(&im, IMG_SH(3) + 32, sizeof(img_strings) - 1); /* cuts the last NUL */
	assert_fails_with(&im, "symbol 9: name runs past the end of the string table");
}
END_TEST

/* ---- ELF from files --------------------------------------------------------------------- */

static char *temp_dir(void)
{
	char *dir = strdup("/tmp/trapscope-bus-XXXXXX");
	ck_assert_ptr_nonnull(dir);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	return dir;
}

static void remove_dir(char *dir)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	free(dir);
}

START_TEST(elf_load_reads_files_and_reports_errors)
{
	struct image im;
	emu_bus bus;
	emu_elf elf;
	char err[256] = "";
	char path[512];
	char *dir = temp_dir();

	build_rv(&im);
	snprintf(path, sizeof(path), "%s/image.elf", dir);
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(im.b, 1, im.size, f), im.size);
	fclose(f);

	bus_setup(&bus);
	ck_assert_msg(emu_elf_load(&bus, path, EM_RISCV, &elf, err, sizeof(err)), "%s", err);
	ck_assert_uint_eq(elf.nsymbols, 5);
	emu_elf_free(&elf);
	ck_assert(!emu_elf_load(&bus, path, EM_AARCH64, &elf, err, sizeof(err)));
	ck_assert_str_eq(err, "is a RISC-V ELF, expected AArch64");
	ck_assert(!emu_elf_load(&bus, dir, EM_RISCV, &elf, err, sizeof(err)));
	ck_assert_str_eq(err, "not a regular file");
	snprintf(path, sizeof(path), "%s/missing.elf", dir);
	ck_assert(!emu_elf_load(&bus, path, EM_RISCV, &elf, err, sizeof(err)));
	ck_assert_str_eq(err, "No such file or directory");
	ck_assert(!emu_elf_load(&bus, "/dev/null", EM_RISCV, &elf, NULL, 0));
	emu_bus_free(&bus);
	remove_dir(dir);
}
END_TEST

/* A real static program from the RISC-V cross compiler, when one is installed. The text
 * segment base is set so that the ELF headers it carries also land in RAM. */
START_TEST(elf_loads_cross_compiled_program)
{
	static const char program[] =
	    "volatile unsigned long tohost __attribute__((section(\".tohost\")));\n"
	    "volatile unsigned long fromhost __attribute__((section(\".tohost\")));\n"
	    "unsigned long counter;\n"
	    "void _start(void)\n"
	    "{\n"
	    "\tcounter++;\n"
	    "\ttohost = 1;\n"
	    "\tfor (;;)\n"
	    "\t\t;\n"
	    "}\n";
	if (system("command -v riscv64-linux-gnu-gcc >/dev/null 2>&1") != 0) {
		fprintf(stderr, "elf_loads_cross_compiled_program: skipped, "
				"riscv64-linux-gnu-gcc is not installed\n");
		return;
	}
	char *dir = temp_dir();
	char src[512], out[512], cmd[2048], err[256] = "";
	snprintf(src, sizeof(src), "%s/guest.c", dir);
	snprintf(out, sizeof(out), "%s/guest.elf", dir);
	FILE *f = fopen(src, "w");
	ck_assert_ptr_nonnull(f);
	fputs(program, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "riscv64-linux-gnu-gcc -O2 -nostdlib -static -no-pie -Wl,--build-id=none "
		 "-Wl,-Ttext-segment=0x80000000 -o '%s' '%s'",
		 out, src);
	ck_assert_int_eq(system(cmd), 0);

	emu_bus bus;
	emu_elf elf;
	bus_setup(&bus);
	ck_assert_msg(emu_elf_load(&bus, out, EM_RISCV, &elf, err, sizeof(err)), "%s", err);
	const emu_symbol *start = emu_elf_symbol(&elf, "_start");
	ck_assert_ptr_nonnull(start);
	ck_assert(start->is_func);
	ck_assert_uint_eq(elf.entry, start->value);
	ck_assert_ptr_eq(emu_elf_symbol_at(&elf, elf.entry + 2), start);
	ck_assert_ptr_nonnull(emu_elf_symbol(&elf, "counter"));
	ck_assert_uint_eq(bus.tohost_addr, emu_elf_symbol(&elf, "tohost")->value);
	ck_assert_uint_eq(bus.fromhost_addr, emu_elf_symbol(&elf, "fromhost")->value);
	ck_assert_uint_eq(read_ok(&bus, RAM_BASE, 4), 0x464c457f); /* the headers, loaded */
	ck_assert_uint_ne(read_ok(&bus, elf.entry, 2), 0);
	emu_elf_free(&elf);
	ck_assert(!emu_elf_load(&bus, out, EM_AARCH64, &elf, err, sizeof(err)));
	ck_assert_str_eq(err, "is a RISC-V ELF, expected AArch64");
	emu_bus_free(&bus);
	remove_dir(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("emu_bus");
	TCase *bus = tcase_create("bus");
	tcase_add_test(bus, bus_init_refuses_bad_ram);
	tcase_add_test(bus, ram_is_little_endian_and_checked_at_both_ends);
	tcase_add_test(bus, devices_route_and_refuse_straddling_accesses);
	tcase_add_test(bus, device_ranges_must_not_overlap);
	tcase_add_test(bus, device_table_holds_a_fixed_number);
	suite_add_tcase(s, bus);

	TCase *dev = tcase_create("devices");
	tcase_add_test(dev, uart_sends_bytes_to_the_console);
	tcase_add_test(dev, uart_registers_reset_and_dlab);
	tcase_add_test(dev, pl011_sends_bytes_and_reads_as_idle);
	tcase_add_test(dev, clint_msip_mirrors_bit_zero_per_hart);
	tcase_add_test(dev, clint_mtimecmp_whole_and_halves);
	tcase_add_test(dev, clint_mtime_is_retired_instructions);
	tcase_add_test(dev, finisher_passes_fails_and_resets);
	tcase_add_test(dev, htif_exit_codes);
	tcase_add_test(dev, htif_syscalls_write_and_exit);
	tcase_add_test(dev, htif_console_and_unknown_commands);
	suite_add_tcase(s, dev);

	TCase *elf = tcase_create("elf");
	tcase_set_timeout(elf, 60);
	tcase_add_test(elf, elf_loads_segments_zeroes_bss_and_finds_htif);
	tcase_add_test(elf, elf_symbols_are_filtered_sorted_and_found);
	tcase_add_test(elf, elf_without_sections_or_paddr);
	tcase_add_test(elf, elf_every_truncation_fails_cleanly);
	tcase_add_test(elf, elf_single_byte_corruption_never_crashes);
	tcase_add_test(elf, elf_rejects_wrong_kind_of_file);
	tcase_add_test(elf, elf_names_both_machines);
	tcase_add_test(elf, elf_rejects_bad_program_header_tables);
	tcase_add_test(elf, elf_rejects_bad_segments);
	tcase_add_test(elf, elf_rejects_sizes_that_would_wrap);
	tcase_add_test(elf, elf_rejects_bad_symbol_tables);
	tcase_add_test(elf, elf_load_reads_files_and_reports_errors);
	tcase_add_test(elf, elf_loads_cross_compiled_program);
	suite_add_tcase(s, elf);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
