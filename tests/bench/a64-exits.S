/* ROUNDS guest exits of one kind, then PSCI SYSTEM_OFF. Built three ways by
 * tests/bench/a64-exits: KIND 0 none (start-up cost), 1 a 32-bit read of the PL011's FR (a
 * data abort with ISV=1: an MMIO exit), 2 HVC PSCI_VERSION (the handler answers it). */
	.section .text.start, "ax"
	.globl _start
_start:	mov	x20, #0x09000000
	ldr	x19, =ROUNDS
#if KIND == 0
	b	done
#endif
1:
#if KIND == 1
	ldr	w1, [x20, #0x18]
#else
	ldr	x0, =0x84000000
	hvc	#0
#endif
	subs	x19, x19, #1
	b.ne	1b
done:	ldr	x0, =0x84000008	/* PSCI SYSTEM_OFF */
	hvc	#0
2:	b	2b
