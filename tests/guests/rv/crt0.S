/* Start-up for C guests on the bare machine: hart 0 runs main with a stack, every other hart
 * parks; main's return value goes to the SiFive test finisher (0 = pass, n = fail code n). */
	.section .text.init
	.globl _start
_start:
	csrr	t0, mhartid
	bnez	t0, park
	la	sp, _stack_top
	call	main
	li	t0, 0x100000
	beqz	a0, 1f
	slli	a0, a0, 16
	li	t1, 0x3333
	or	t1, t1, a0
	sw	t1, 0(t0)
	j	park
1:	li	t1, 0x5555
	sw	t1, 0(t0)
park:	wfi
	j	park
