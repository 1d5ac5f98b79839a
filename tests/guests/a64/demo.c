/* demo: a short friendly EL1 guest. It greets through the PL011, asks for the PSCI version,
 * makes a hypercall and powers off with PSCI SYSTEM_OFF. Every one of these is a VM exit
 * under trapscope's hypervisor (HCR_EL2 as in a64.h):
 *
 *   console bytes   per byte two data aborts from a lower EL (EC 0x24, stage-2 translation
 *                   fault: the PL011 is not mapped at stage 2; ISV = 1 so the syndrome names
 *                   size and register): FR read at a64_uart_fr_read, `ldr w2, [x1, #24]`,
 *                   ESR_EL2 0x93820005 (SAS 2, SRT 2, SF 0, WnR 0), FAR = IPA = 0x09000018,
 *                   HPFAR_EL2 = 0x90000, the handler returns FR = 0x90 in w2 (x2 upper half
 *                   zeroed), ELR += 4; then the DR write at a64_uart_dr_write,
 *                   `strb w0, [x1]`, ESR_EL2 0x93000045 (SAS 0, SRT 0, WnR 1), FAR 0x09000000,
 *                   data = w0 & 0xff, ELR += 4. (DFSC 0b000101, translation fault level 1,
 *                   assumes a stage-2 table that maps nothing below 0x40000000 and starts at
 *                   level 1 or 0; the level is whatever trapscope's walk reports.)
 *   FR read         once more from main (after the greeting; register chosen by the
 *                   compiler): FAR 0x09000018 -> 0x90, printed as "UART FR = 0x90".
 *   PSCI_VERSION    HVC #0 at a64_hvc_insn, ESR_EL2 0x5a000000 (EC 0x16, IL 1, imm16 0),
 *                   ELR_EL2 = a64_hvc_insn + 4 already (HVC is not advanced), x0 = 0x84000000
 *                   -> x0 = 0x10001 (PSCI 1.1).
 *   hypercall       HVC #0 with x0 = 1, x1..x3 = 0x11, 0x22, 0x33 (not a PSCI or SMCCC
 *                   architecture function id: arm_vcpu's convention, nr = x0, args x1..x6);
 *                   expected exit reason hypercall, nr 1, args [0x11, 0x22, 0x33, 0, 0, 0];
 *                   the guest prints whatever comes back in x0 and checks nothing.
 *   SYSTEM_OFF      HVC #0, x0 = 0x84000008 (start.S when main returns 0): system_down, the
 *                   last event, no resume.
 * Console: "Hello from an EL1 guest, through the PL011!" and
 * "demo: cpu 0, PSCI 1.1, UART FR = 0x90, hypercall answered <x0>".
 * Under QEMU (no EL2) every HVC goes to QEMU's PSCI: the hypercall answers -1
 * (NOT_SUPPORTED), which is also what trapscope's handler should answer if it does not treat
 * x0 = 1 as a hypercall.
 */
#include "a64.h"

static const char hello[] = "Hello from an EL1 guest, through the PL011!\n";

int main(uint64_t cpu)
{
	a64_puts(hello);
	uint32_t fr = mmio_r32(A64_UART_BASE + A64_UART_FR);
	uint64_t v = a64_hvc(PSCI_VERSION, 0, 0, 0);
	uint64_t h = a64_hvc(1, 0x11, 0x22, 0x33);
	a64_printf("demo: cpu %lu, PSCI %lu.%lu, UART FR = 0x%x, hypercall answered %ld\n",
		   (unsigned long)cpu, (unsigned long)(v >> 16), (unsigned long)(v & 0xffff), fr,
		   (long)h);
	a64_printf("demo: powering off through PSCI SYSTEM_OFF\n");
	return 0;
}
