/* demo: the guest scripts/demo runs. It greets through SBI DBCN and through the UART, reads the
 * UART line status register, makes a hypercall and shuts down with SBI SRST. Every one of these
 * is a VM exit: SBI calls (ecall from VS-mode, cause 10), MMIO (store/load guest-page faults,
 * causes 23/21), the hypercall (EID 0x485643), and system_down at the end. */
#include "vs.h"

static const char dbcn_msg[] = "Hello from a VS-mode guest, through SBI DBCN!\n";
static const char uart_msg[] = "Hello from a VS-mode guest, through the ns16550a UART!\n";

int main(uint64_t hartid)
{
	/* SBI DBCN write: the guest hands over the physical address of the text. */
	struct sbiret r =
	    sbi3(SBI_EXT_DBCN, SBI_DBCN_WRITE, sizeof(dbcn_msg) - 1, (uint64_t)dbcn_msg, 0);
	if (r.error != SBI_SUCCESS) /* QEMU's older OpenSBI: no DBCN, use the legacy call */
		for (const char *p = dbcn_msg; *p; p++)
			sbi_legacy(SBI_LEGACY_PUTCHAR, (uint8_t)*p, 0, 0, 0);

	/* UART: each byte written to THR is one MMIO exit; LSR reads 0x60 when idle. */
	uint8_t lsr = mmio_r8(VS_UART_BASE + VS_UART_LSR);
	vs_uart_puts(VS_UART_BASE, uart_msg);

	/* The hypercall extension: nr in a6, arguments in a0..a5; the hypervisor answers a0. */
	struct sbiret h = sbi_call(SBI_EXT_HVC, 1, 0x11, 0x22, 0x33, 0, 0, 0);

	vs_printf("demo: hart %lu, UART LSR = 0x%x, hypercall answered %ld\n",
		  (unsigned long)hartid, lsr, h.error);
	vs_printf("demo: shutting down through SBI SRST\n");
	return 0;
}
