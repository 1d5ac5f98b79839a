/* Devices: ns16550a UART, Arm PL011 UART, SiFive CLINT, SiFive test finisher and HTIF. */
#include "emu/bus.h"

#include <stdlib.h>

static void console_put(emu_bus *bus, uint8_t byte)
{
	if (!bus->console)
		return;
	fputc(byte, bus->console);
	/* Whole lines reach a pipe promptly; the caller flushes the rest when the machine stops. */
	if (byte == '\n')
		fflush(bus->console);
}

static void release_state(emu_device *dev)
{
	free(dev->state);
	dev->state = NULL;
}

/* ---- ns16550a UART -------------------------------------------------------------------------
 * Register stride 1, 8-bit registers, so only 1-byte accesses are accepted: a wider access at
 * stride 1 would touch several registers at once (QEMU splits it into byte accesses), which
 * is nearly always a guest bug worth an access fault. Output is immediate, input never
 * arrives, and no interrupt is ever pending: the bare machine has no interrupt controller.
 * Loopback mode (MCR.LOOP) is not modelled.
 */
#define UART_SIZE 0x100

enum uart_reg {
	UART_RBR_THR, /* DLL when LCR.DLAB = 1 */
	UART_IER,     /* DLM when LCR.DLAB = 1 */
	UART_IIR_FCR,
	UART_LCR,
	UART_MCR,
	UART_LSR,
	UART_MSR,
	UART_SCR,
	UART_NREGS,
};

#define UART_LCR_DLAB	 0x80
#define UART_LSR_THRE	 0x20 /* transmit holding register empty */
#define UART_LSR_TEMT	 0x40 /* transmitter empty */
#define UART_MSR_READY	 0xb0 /* DCD, DSR, CTS: the other end of the cable is there */
#define UART_IIR_NO_INT	 0x01
#define UART_IIR_FIFO_ON 0xc0
#define UART_FCR_ENABLE	 0x01
#define UART_FCR_TRIGGER 0xc0 /* bits 1-2 reset the FIFOs and read back as 0 */
#define UART_DLL_RESET	 0x0c /* 9600 baud from 1.8432 MHz, as QEMU starts */

/* Value after reset and the bits a write changes. RBR/THR and IIR/FCR are different registers
 * for reads and writes and are handled apart; LSR and MSR are read-only. */
static const struct uart_reg_def {
	uint8_t reset;
	uint8_t writable;
} uart_regs[UART_NREGS] = {
    [UART_RBR_THR] = {0x00, 0x00},
    [UART_IER] = {0x00, 0x0f},
    [UART_IIR_FCR] = {UART_IIR_NO_INT, 0x00},
    [UART_LCR] = {0x00, 0xff},
    [UART_MCR] = {0x00, 0x1f},
    [UART_LSR] = {UART_LSR_THRE | UART_LSR_TEMT, 0x00},
    [UART_MSR] = {UART_MSR_READY, 0x00},
    [UART_SCR] = {0x00, 0xff},
};

struct uart16550 {
	uint8_t reg[UART_NREGS];
	uint8_t fcr;
	uint8_t dll, dlm;
};

static bool uart_dlab(const struct uart16550 *u)
{
	return u->reg[UART_LCR] & UART_LCR_DLAB;
}

static bool uart_read(emu_device *dev, uint64_t off, unsigned len, uint64_t *val)
{
	const struct uart16550 *u = dev->state;

	if (len != 1 || off >= UART_NREGS)
		return false;
	switch (off) {
	case UART_RBR_THR: *val = uart_dlab(u) ? u->dll : 0; break;
	case UART_IER: *val = uart_dlab(u) ? u->dlm : u->reg[UART_IER]; break;
	case UART_IIR_FCR:
		*val = UART_IIR_NO_INT | (u->fcr & UART_FCR_ENABLE ? UART_IIR_FIFO_ON : 0);
		break;
	default: *val = u->reg[off]; break;
	}
	return true;
}

static bool uart_write(emu_device *dev, uint64_t off, unsigned len, uint64_t val)
{
	struct uart16550 *u = dev->state;
	uint8_t byte = (uint8_t)val;

	if (len != 1 || off >= UART_NREGS)
		return false;
	if (off == UART_RBR_THR && uart_dlab(u)) {
		u->dll = byte;
	} else if (off == UART_RBR_THR) {
		console_put(dev->bus, byte);
	} else if (off == UART_IER && uart_dlab(u)) {
		u->dlm = byte;
	} else if (off == UART_IIR_FCR) {
		u->fcr = byte & (UART_FCR_ENABLE | UART_FCR_TRIGGER);
	} else {
		uint8_t keep = (uint8_t)~uart_regs[off].writable;
		u->reg[off] = (u->reg[off] & keep) | (byte & uart_regs[off].writable);
	}
	return true;
}

static const char *uart_reg_name(const emu_device *dev, uint64_t off, bool write)
{
	static const char *const reads[UART_NREGS] = {"RBR", "IER", "IIR", "LCR",
						      "MCR", "LSR", "MSR", "SCR"};
	static const char *const writes[UART_NREGS] = {"THR", "IER", "FCR", "LCR",
						       "MCR", "LSR", "MSR", "SCR"};
	if (off >= UART_NREGS)
		return NULL;
	if (off <= UART_IER && uart_dlab(dev->state))
		return off == UART_RBR_THR ? "DLL" : "DLM";
	return write ? writes[off] : reads[off];
}

emu_device *emu_add_uart16550(emu_bus *bus, uint64_t base)
{
	struct uart16550 *u = calloc(1, sizeof(*u));
	if (!u)
		return NULL;
	for (unsigned i = 0; i < UART_NREGS; i++)
		u->reg[i] = uart_regs[i].reset;
	u->dll = UART_DLL_RESET;

	const emu_device dev = {
	    .name = "uart16550",
	    .reg_name = uart_reg_name,
	    .base = base,
	    .size = UART_SIZE,
	    .read = uart_read,
	    .write = uart_write,
	    .state = u,
	    .release = release_state,
	};
	emu_device *added = emu_bus_add(bus, &dev);
	if (!added)
		free(u);
	return added;
}

/* ---- Arm PL011 UART (the AArch64 virt machine's console) ----------------------------------
 * The registers of the PL011 TRM (DDI 0183), 32 bits wide at word offsets; byte, halfword and
 * word accesses are accepted at aligned offsets, as the bus allows. Output is immediate and
 * does not wait for UARTEN/TXE (QEMU prints either way, and early boot code often skips the
 * setup); input never arrives (FR.RXFE stays set, DR reads 0) and no interrupt is raised: the
 * machine has no interrupt controller yet. The ID registers read as QEMU's PL011 (r1p5).
 */
#define PL011_SIZE 0x1000

enum pl011_reg {
	PL011_DR = 0x000,
	PL011_RSR = 0x004,
	PL011_FR = 0x018,
	PL011_ILPR = 0x020,
	PL011_IBRD = 0x024,
	PL011_FBRD = 0x028,
	PL011_LCR_H = 0x02c,
	PL011_CR = 0x030,
	PL011_IFLS = 0x034,
	PL011_IMSC = 0x038,
	PL011_RIS = 0x03c,
	PL011_MIS = 0x040,
	PL011_ICR = 0x044,
	PL011_DMACR = 0x048,
	PL011_ID = 0xfe0, /* PeriphID0-3, then PCellID0-3 */
};

#define PL011_FR_RXFE 0x10
#define PL011_FR_TXFE 0x80

/* The read/write registers: name, offset, reset value, writable bits. */
static const struct pl011_reg_def {
	const char *name;
	uint16_t off;
	uint16_t reset;
	uint16_t writable;
} pl011_regs[] = {
    {"ILPR", PL011_ILPR, 0x00, 0xff},  {"IBRD", PL011_IBRD, 0x00, 0xffff},
    {"FBRD", PL011_FBRD, 0x00, 0x3f},  {"LCR_H", PL011_LCR_H, 0x00, 0xff},
    {"CR", PL011_CR, 0x300, 0xff87},   {"IFLS", PL011_IFLS, 0x12, 0x3f},
    {"IMSC", PL011_IMSC, 0x00, 0x7ff}, {"DMACR", PL011_DMACR, 0x00, 0x07},
};

#define PL011_NREGS (sizeof pl011_regs / sizeof *pl011_regs)

static const uint8_t pl011_id[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

struct pl011 {
	uint16_t reg[PL011_NREGS];
};

static int pl011_index(uint64_t off)
{
	for (unsigned i = 0; i < PL011_NREGS; i++)
		if (pl011_regs[i].off == off)
			return (int)i;
	return -1;
}

static bool pl011_read(emu_device *dev, uint64_t off, unsigned len, uint64_t *val)
{
	const struct pl011 *u = dev->state;
	int i = pl011_index(off & ~UINT64_C(3));
	if (len > 4 || off % len)
		return false;
	if (i >= 0)
		*val = u->reg[i];
	else if ((off & ~UINT64_C(3)) == PL011_FR)
		*val = PL011_FR_TXFE | PL011_FR_RXFE;
	else if (off >= PL011_ID && off < PL011_ID + 32 && off % 4 == 0)
		*val = pl011_id[(off - PL011_ID) / 4];
	else
		*val = 0; /* DR (no input), RSR, RIS, MIS, reserved: 0 */
	*val = (*val >> (8 * (off & 3))) & (len == 4 ? 0xffffffffu : (1u << (8 * len)) - 1);
	return true;
}

static bool pl011_write(emu_device *dev, uint64_t off, unsigned len, uint64_t val)
{
	struct pl011 *u = dev->state;
	int i = pl011_index(off);
	if (len > 4 || off % len)
		return false;
	if (off == PL011_DR)
		console_put(dev->bus, (uint8_t)val);
	else if (i >= 0)
		u->reg[i] = (uint16_t)((u->reg[i] & ~pl011_regs[i].writable) |
				       (val & pl011_regs[i].writable));
	return true; /* RSR/ECR clears errors, ICR clears interrupts: none are ever set */
}

static const char *pl011_reg_name(const emu_device *dev, uint64_t off, bool write)
{
	static const struct {
		uint16_t off;
		const char *name;
	} others[] = {{PL011_DR, "DR"},	  {PL011_RSR, "RSR"}, {PL011_FR, "FR"},
		      {PL011_RIS, "RIS"}, {PL011_MIS, "MIS"}, {PL011_ICR, "ICR"}};
	int i = pl011_index(off);
	(void)dev;
	(void)write;
	if (i >= 0)
		return pl011_regs[i].name;
	for (unsigned k = 0; k < sizeof others / sizeof *others; k++)
		if (others[k].off == off)
			return others[k].name;
	return off >= PL011_ID && off < PL011_ID + 32 ? "ID" : NULL;
}

emu_device *emu_add_pl011(emu_bus *bus, uint64_t base)
{
	struct pl011 *u = calloc(1, sizeof(*u));
	if (!u)
		return NULL;
	for (unsigned i = 0; i < PL011_NREGS; i++)
		u->reg[i] = pl011_regs[i].reset;
	const emu_device dev = {
	    .name = "pl011",
	    .reg_name = pl011_reg_name,
	    .base = base,
	    .size = PL011_SIZE,
	    .read = pl011_read,
	    .write = pl011_write,
	    .state = u,
	    .release = release_state,
	};
	emu_device *added = emu_bus_add(bus, &dev);
	if (!added)
		free(u);
	return added;
}

/* ---- SiFive CLINT --------------------------------------------------------------------------
 * msip: one 32-bit word per hart, bit 0 only. mtimecmp and mtime: 64-bit, also as 32-bit
 * halves. mtime is the machine time in retired instructions, which the guest cannot set:
 * writes to it are ignored so that every run of a guest stays the same.
 */
#define CLINT_SIZE     0x10000
#define CLINT_MSIP     0x0000
#define CLINT_MTIMECMP 0x4000
#define CLINT_MTIME    0xbff8

static bool clint_is_msip(uint64_t off)
{
	return off - CLINT_MSIP < UINT64_C(4) * EMU_MAX_HARTS;
}

/* The mtimecmp register containing off, or NULL. */
static uint64_t *clint_mtimecmp(emu_bus *bus, uint64_t off)
{
	uint64_t rel = off - CLINT_MTIMECMP;
	return rel < UINT64_C(8) * EMU_MAX_HARTS ? &bus->mtimecmp[rel / 8] : NULL;
}

static bool clint_is_mtime(uint64_t off)
{
	return off - CLINT_MTIME < 8;
}

/* The part of a 64-bit register that an aligned access of len bytes at off sees. */
static uint64_t reg64_part(uint64_t reg, uint64_t off, unsigned len)
{
	return len == 8 ? reg : (uint32_t)(reg >> (8 * (off & 4)));
}

static uint64_t reg64_merge(uint64_t reg, uint64_t off, unsigned len, uint64_t val)
{
	if (len == 8)
		return val;
	unsigned shift = 8 * (off & 4);
	return (reg & ~((uint64_t)UINT32_MAX << shift)) | ((val & UINT32_MAX) << shift);
}

static bool clint_access_ok(uint64_t off, unsigned len)
{
	if ((len != 4 && len != 8) || off % len)
		return false;
	return !clint_is_msip(off) || len == 4;
}

static bool clint_read(emu_device *dev, uint64_t off, unsigned len, uint64_t *val)
{
	emu_bus *bus = dev->bus;
	const uint64_t *cmp = clint_mtimecmp(bus, off);

	if (!clint_access_ok(off, len))
		return false;
	if (clint_is_msip(off))
		*val = bus->msip >> (off / 4) & 1;
	else if (cmp)
		*val = reg64_part(*cmp, off, len);
	else if (clint_is_mtime(off))
		*val = reg64_part(bus->now, off, len);
	else
		return false;
	return true;
}

static bool clint_write(emu_device *dev, uint64_t off, unsigned len, uint64_t val)
{
	emu_bus *bus = dev->bus;
	uint64_t *cmp = clint_mtimecmp(bus, off);

	if (!clint_access_ok(off, len))
		return false;
	if (clint_is_msip(off)) {
		uint32_t bit = UINT32_C(1) << (off / 4);
		bus->msip = (val & 1) ? bus->msip | bit : bus->msip & ~bit;
	} else if (cmp) {
		*cmp = reg64_merge(*cmp, off, len, val);
	} else if (!clint_is_mtime(off)) {
		return false;
	}
	return true;
}

emu_device *emu_add_clint(emu_bus *bus, uint64_t base)
{
	const emu_device dev = {
	    .name = "clint",
	    .base = base,
	    .size = CLINT_SIZE,
	    .read = clint_read,
	    .write = clint_write,
	};
	return emu_bus_add(bus, &dev);
}

/* ---- SiFive test finisher ------------------------------------------------------------------
 * A 32-bit write at offset 0 stops the machine: low half 0x5555 pass, 0x3333 fail with the
 * code in the high half, 0x7777 reset. Other values and offsets are ignored, reads return 0;
 * accesses of other widths fault.
 */
#define FINISHER_SIZE  0x1000
#define FINISHER_PASS  0x5555
#define FINISHER_FAIL  0x3333
#define FINISHER_RESET 0x7777

static bool finisher_read(emu_device *dev, uint64_t off, unsigned len, uint64_t *val)
{
	(void)dev;
	(void)off;
	*val = 0;
	return len == 4;
}

static bool finisher_write(emu_device *dev, uint64_t off, unsigned len, uint64_t val)
{
	emu_bus *bus = dev->bus;

	if (len != 4)
		return false;
	if (off != 0)
		return true;
	switch (val & 0xffff) {
	case FINISHER_PASS:
		bus->stop = EMU_STOP_PASS;
		bus->stop_code = 0;
		break;
	case FINISHER_FAIL:
		bus->stop = EMU_STOP_FAIL;
		bus->stop_code = (val >> 16) & 0xffff;
		break;
	case FINISHER_RESET:
		bus->stop = EMU_STOP_RESET;
		bus->stop_code = 0;
		break;
	}
	return true;
}

emu_device *emu_add_test_finisher(emu_bus *bus, uint64_t base)
{
	const emu_device dev = {
	    .name = "test-finisher",
	    .base = base,
	    .size = FINISHER_SIZE,
	    .read = finisher_read,
	    .write = finisher_write,
	};
	return emu_bus_add(bus, &dev);
}

/* ---- HTIF ----------------------------------------------------------------------------------
 * The Spike host-target interface, as riscv-isa-sim's fesvr defines it: the guest stores a
 * command into tohost, (device << 56) | (cmd << 48) | payload, and the host answers in fromhost
 * with the same device and cmd and its own payload.
 *   device 0 cmd 0: payload odd = exit ((n << 1) | 1: n = 0 pass, else test n failed);
 *                   payload even = address of magic_mem, uint64[8] {syscall number, args...}:
 *                   the result goes back into magic_mem[0] and fromhost gets 1.
 *   device 1 cmd 1: putchar(payload & 0xff); fromhost gets 0x100 | the character.
 */
#define HTIF_PAYLOAD_MASK ((UINT64_C(1) << 48) - 1)
#define HTIF_DEV_SYSCALL  0
#define HTIF_DEV_CONSOLE  1
#define HTIF_CMD_SYSCALL  0
#define HTIF_CMD_PUTCHAR  1
#define HTIF_MAGIC_WORDS  8

/* Linux's generic syscall and errno numbers, which proxy-kernel guests use. */
#define GUEST_SYS_WRITE 64
#define GUEST_SYS_EXIT	93
#define GUEST_EBADF	9
#define GUEST_EFAULT	14
#define GUEST_ENOSYS	38

/* HTIF words live in RAM: a device never answers for them. */
static bool ram_load64(emu_bus *bus, uint64_t addr, uint64_t *val)
{
	return emu_ram_ptr(bus, addr, 8) && emu_phys_read(bus, addr, 8, val);
}

static void ram_store64(emu_bus *bus, uint64_t addr, uint64_t val)
{
	if (emu_ram_ptr(bus, addr, 8))
		emu_phys_write(bus, addr, 8, val);
}

static void htif_exit(emu_bus *bus, uint64_t code)
{
	bus->stop = code ? EMU_STOP_FAIL : EMU_STOP_PASS;
	bus->stop_code = code;
}

static uint64_t htif_sys_write(emu_bus *bus, uint64_t fd, uint64_t buf, uint64_t len)
{
	if (fd != 1 && fd != 2)
		return (uint64_t)-GUEST_EBADF;
	const uint8_t *p = emu_ram_ptr(bus, buf, len);
	if (!p)
		return (uint64_t)-GUEST_EFAULT;
	if (bus->console)
		fwrite(p, 1, len, bus->console);
	return len;
}

/* A proxied system call; a magic_mem outside RAM is ignored and never answered. */
static void htif_syscall(emu_bus *bus, uint64_t tohost, uint64_t magic)
{
	uint64_t args[HTIF_MAGIC_WORDS];
	uint64_t result;

	if (!emu_ram_ptr(bus, magic, sizeof(args)))
		return;
	for (unsigned i = 0; i < HTIF_MAGIC_WORDS; i++)
		ram_load64(bus, magic + UINT64_C(8) * i, &args[i]);
	switch (args[0]) {
	case GUEST_SYS_WRITE: result = htif_sys_write(bus, args[1], args[2], args[3]); break;
	case GUEST_SYS_EXIT:
		htif_exit(bus, args[1]);
		result = 0;
		break;
	default: result = (uint64_t)-GUEST_ENOSYS; break;
	}
	ram_store64(bus, magic, result);
	if (bus->fromhost_addr)
		ram_store64(bus, bus->fromhost_addr, (tohost & ~HTIF_PAYLOAD_MASK) | 1);
}

void emu_htif_poll(emu_bus *bus)
{
	uint64_t tohost;

	if (!bus->tohost_addr || !ram_load64(bus, bus->tohost_addr, &tohost) || !tohost)
		return;
	unsigned device = (unsigned)(tohost >> 56);
	unsigned cmd = (unsigned)(tohost >> 48) & 0xff;
	uint64_t payload = tohost & HTIF_PAYLOAD_MASK;

	if (device == HTIF_DEV_SYSCALL && cmd == HTIF_CMD_SYSCALL) {
		if (payload & 1)
			htif_exit(bus, payload >> 1);
		else
			htif_syscall(bus, tohost, payload);
	} else if (device == HTIF_DEV_CONSOLE && cmd == HTIF_CMD_PUTCHAR) {
		uint8_t ch = (uint8_t)payload;
		console_put(bus, ch);
		if (bus->fromhost_addr)
			ram_store64(bus, bus->fromhost_addr,
				    (tohost & ~HTIF_PAYLOAD_MASK) | 0x100 | ch);
	}
	ram_store64(bus, bus->tohost_addr, 0);
}
