/* The trap-heavy benchmark guest: ROUNDS ecall/mret round trips from U-mode into a 4-instruction
 * M-mode handler (csrr mepc; addi; csrw mepc; mret). U-mode then stops the machine itself. */
#define ROUNDS 2000000
	.section .text.init
	.globl _start
_start:
	li	t0, -1			/* PMP: let U-mode reach all memory and devices */
	csrw	pmpaddr0, t0
	li	t0, 0x1f		/* NAPOT, R W X */
	csrw	pmpcfg0, t0
	la	t0, handler
	csrw	mtvec, t0
	la	t0, user
	csrw	mepc, t0
	li	t0, 0x1800		/* MPP = U */
	csrc	mstatus, t0
	li	s1, ROUNDS
	mret
user:
	li	s0, 0
1:	ecall
	addi	s0, s0, 1
	bne	s0, s1, 1b
	li	t0, 0x100000
	li	t1, 0x5555
	sw	t1, 0(t0)
2:	j	2b
	.align	2
handler:
	csrr	t0, mepc
	addi	t0, t0, 4
	csrw	mepc, t0
	mret
