/* deadlock: masks every interrupt (sie = 0, sstatus.SIE = 0) and waits in WFI with no timer
 * armed. WFI traps to the hypervisor (hstatus.VTW = 1) and halts the vCPU; with nothing that
 * could ever become pending the machine must stop with exit status 1 and say "deadlock". A
 * WFI that returns anyway (the spec allows it) just runs into the next WFI.
 * -DDEADLOCK_SMP: hart 0 first starts hart 1 (HSM), which waits the same way.
 */
	.text
	.globl main
main:
	.option push
	.option norvc
	addi	sp, sp, -16
	sd	ra, 8(sp)
	la	a0, msg
	call	vs_puts
#ifdef DEADLOCK_SMP
	li	a0, 1			/* hartid */
	la	a1, vs_secondary_start	/* start_addr */
	li	a2, 0			/* opaque */
	li	a6, 0			/* HART_START */
	li	a7, 0x48534d		/* HSM */
	ecall
	bnez	a0, 2f
	/* wait until hart 1 says it is about to wait */
1:	la	t0, second_waiting
	ld	t0, 0(t0)
	beqz	t0, 1b
#endif
	csrw	sie, zero
	csrci	sstatus, 2
	.globl deadlock_wfi
deadlock_wfi:
	wfi
	j	deadlock_wfi
2:	li	a0, 0xd1		/* HART_START failed */
	ld	ra, 8(sp)
	addi	sp, sp, 16
	ret

#ifdef DEADLOCK_SMP
	.globl vs_secondary_main
vs_secondary_main:
	csrw	sie, zero
	csrci	sstatus, 2
	li	t0, 1
	la	t1, second_waiting
	sd	t0, 0(t1)
	.globl deadlock_wfi1
deadlock_wfi1:
	wfi
	j	deadlock_wfi1

	.data
	.balign 8
second_waiting:
	.dword	0
#endif
	.option pop

	.section .rodata
msg:	.asciz	"deadlock: waiting in WFI with every interrupt masked\n"
