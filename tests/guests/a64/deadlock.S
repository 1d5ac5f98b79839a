/* deadlock: masks every interrupt (DAIF = 0xf), disables the virtual timer and waits in WFI.
 * WFI traps to the hypervisor (HCR_EL2.TWI; ESR_EL2 0x07e00000, ELR_EL2 = deadlock_wfi) and
 * halts the vCPU; with nothing that could ever become pending (no timer armed, no other vCPU
 * to send an IPI) the machine must stop with exit status 1 and say "deadlock". A WFI that
 * returns anyway (the architecture allows it) just runs into the next WFI.
 * -DDEADLOCK_SMP: vCPU 0 first starts vCPU 1 (PSCI CPU_ON over HVC), which waits the same way
 * at deadlock_wfi1; vCPU 0 waits only once vCPU 1 said it is about to.
 * Not run under QEMU (it would wait for ever there).
 */
#include "a64.h"

	.text
	.globl main
	.balign 4
main:
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	adrp	x0, msg
	add	x0, x0, :lo12:msg
	bl	a64_puts
#ifdef DEADLOCK_SMP
	ldr	x0, =PSCI_CPU_ON
	mov	x1, #1			/* target: MPIDR Aff0 = 1 */
	adrp	x2, a64_secondary_start
	add	x2, x2, :lo12:a64_secondary_start
	mov	x3, #0			/* context id */
	bl	a64_hvc
	cbnz	x0, 2f
1:	adrp	x0, second_waiting	/* wait until vCPU 1 is about to wait */
	ldr	x0, [x0, :lo12:second_waiting]
	cbz	x0, 1b
#endif
	msr	daifset, #0xf
	msr	cntv_ctl_el0, xzr
	isb
	.globl deadlock_wfi
deadlock_wfi:
	wfi
	b	deadlock_wfi
2:	mov	w0, #0xd1		/* CPU_ON failed */
	ldp	x29, x30, [sp], #16
	ret

#ifdef DEADLOCK_SMP
	.globl a64_secondary_main
	.balign 4
a64_secondary_main:
	msr	daifset, #0xf
	msr	cntv_ctl_el0, xzr
	isb
	mov	x0, #1
	adrp	x1, second_waiting
	str	x0, [x1, :lo12:second_waiting]
	.globl deadlock_wfi1
deadlock_wfi1:
	wfi
	b	deadlock_wfi1

	.bss
	.balign 8
second_waiting:
	.dword	0
#endif
	.ltorg

	.section .rodata
msg:	.asciz	"deadlock: waiting in WFI with every interrupt masked\n"
