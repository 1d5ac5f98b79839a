/* fetchfault: jumps to GPA 0x40000000, where the virt machine has neither RAM nor a device.
 * With vsatp = 0 the fetch faults in the G-stage: instruction guest-page fault (exception
 * 20, stval = 0x40000000, htval = 0x40000000 >> 2, htinst = 0), which the hypervisor cannot
 * resolve: the run stops with exit status 1 and a report. Nothing after the jump runs.
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
	li	t0, 0x40000000
	.globl fetchfault_jump
fetchfault_jump:
	jalr	ra, 0(t0)
	la	a0, after
	call	vs_puts
	li	a0, 0xf1		/* still alive: fail */
	ld	ra, 8(sp)
	addi	sp, sp, 16
	ret
	.option pop

	.section .rodata
msg:	.asciz	"fetchfault: jumping to GPA 0x40000000\n"
after:	.asciz	"fetchfault: the jump returned\n"
