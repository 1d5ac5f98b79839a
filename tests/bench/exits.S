/* ROUNDS guest exits of one kind, then SBI shutdown. Built three ways by tests/bench/rv-exits:
 * KIND 0 none (start-up cost), 1 MMIO read of the UART's LSR, 2 SBI call (an unknown EID). */
	.section .text.init
	.globl _start
_start:	li t0, 0x10000000
	li t1, ROUNDS
#if KIND == 0
	j done
#endif
1:
#if KIND == 1
	lbu a0, 5(t0)
#else
	li a7, 0x0a000000	/* unknown extension: NOT_SUPPORTED, the handler's shortest path */
	ecall
#endif
	addi t1, t1, -1
	bnez t1, 1b
done:	li a7, 0x53525354	/* SRST system_reset(shutdown, no reason) */
	li a6, 0
	li a0, 0
	li a1, 0
	ecall
2:	j 2b
