/* Start-up for the VS-mode guests (an S-mode kernel under a hypervisor, or under OpenSBI on
 * QEMU).
 *
 * _start: the boot hart, a0 = hartid, a1 = 0 (device tree, none), vsatp = 0, interrupts off.
 *   Per-hart stack, tp = hartid, stvec = vs_trap_vector, .bss zeroed, then main(hartid).
 *   main returns 0: SBI SRST shutdown; n: the SiFive test finisher fails with code n.
 * vs_secondary_start: where SBI HSM HART_START sends the other harts (a0 = hartid,
 *   a1 = opaque). Same set-up without touching .bss, then vs_secondary_main(hartid, opaque);
 *   when that returns the hart stops itself with HSM HART_STOP.
 * vs_trap_vector: saves x1..x31 in a frame on the current stack, calls vs_trap(frame) (C,
 *   vslib.c), restores (the handler may edit the frame) and returns with sret.
 */
#define VS_MAX_HARTS  8
#define VS_STACK_SIZE 0x4000

	.section .text.init, "ax"
	.option push
	.option norvc
	.globl _start
_start:
	li	t0, VS_MAX_HARTS
	bgeu	a0, t0, vs_bad_hart
	mv	tp, a0
	addi	t0, a0, 1
	slli	t0, t0, 14		/* (hartid + 1) * VS_STACK_SIZE */
	la	sp, _stacks_base
	add	sp, sp, t0
	la	t0, vs_trap_vector
	csrw	stvec, t0
	la	t0, _bss_start
	la	t1, _bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	la	t0, vs_boot_hart
	sd	a0, 0(t0)
	call	main
	bnez	a0, vs_main_failed
	call	vs_shutdown		/* does not return */
vs_main_failed:
	call	vs_fail			/* a0 = code; does not return */
	j	vs_hang

	.globl vs_secondary_start
	.balign 4
vs_secondary_start:
	li	t0, VS_MAX_HARTS
	bgeu	a0, t0, vs_bad_hart
	mv	tp, a0
	addi	t0, a0, 1
	slli	t0, t0, 14
	la	sp, _stacks_base
	add	sp, sp, t0
	la	t0, vs_trap_vector
	csrw	stvec, t0
	call	vs_secondary_main
	call	vs_hart_stop		/* does not return */
	j	vs_hang

vs_bad_hart:
	/* A hart id the framework has no stack for: fail through the finisher, code 0xbad. */
	li	t0, 0x100000
	li	t1, (0xbad << 16) | 0x3333
	sw	t1, 0(t0)
vs_hang:
	wfi
	j	vs_hang

	.globl vs_trap_vector
	.balign 4
vs_trap_vector:
	addi	sp, sp, -256
	sd	x1, 8(sp)
	sd	x3, 24(sp)
	sd	x4, 32(sp)
	sd	x5, 40(sp)
	sd	x6, 48(sp)
	sd	x7, 56(sp)
	sd	x8, 64(sp)
	sd	x9, 72(sp)
	sd	x10, 80(sp)
	sd	x11, 88(sp)
	sd	x12, 96(sp)
	sd	x13, 104(sp)
	sd	x14, 112(sp)
	sd	x15, 120(sp)
	sd	x16, 128(sp)
	sd	x17, 136(sp)
	sd	x18, 144(sp)
	sd	x19, 152(sp)
	sd	x20, 160(sp)
	sd	x21, 168(sp)
	sd	x22, 176(sp)
	sd	x23, 184(sp)
	sd	x24, 192(sp)
	sd	x25, 200(sp)
	sd	x26, 208(sp)
	sd	x27, 216(sp)
	sd	x28, 224(sp)
	sd	x29, 232(sp)
	sd	x30, 240(sp)
	sd	x31, 248(sp)
	addi	t0, sp, 256
	sd	t0, 16(sp)		/* the interrupted sp */
	mv	a0, sp
	call	vs_trap
	ld	x1, 8(sp)
	ld	x3, 24(sp)
	ld	x4, 32(sp)
	ld	x5, 40(sp)
	ld	x6, 48(sp)
	ld	x7, 56(sp)
	ld	x8, 64(sp)
	ld	x9, 72(sp)
	ld	x10, 80(sp)
	ld	x11, 88(sp)
	ld	x12, 96(sp)
	ld	x13, 104(sp)
	ld	x14, 112(sp)
	ld	x15, 120(sp)
	ld	x16, 128(sp)
	ld	x17, 136(sp)
	ld	x18, 144(sp)
	ld	x19, 152(sp)
	ld	x20, 160(sp)
	ld	x21, 168(sp)
	ld	x22, 176(sp)
	ld	x23, 184(sp)
	ld	x24, 192(sp)
	ld	x25, 200(sp)
	ld	x26, 208(sp)
	ld	x27, 216(sp)
	ld	x28, 224(sp)
	ld	x29, 232(sp)
	ld	x30, 240(sp)
	ld	x31, 248(sp)
	addi	sp, sp, 256
	sret
	.option pop

	.section .bss
	.balign 8
	.globl vs_boot_hart
vs_boot_hart:
	.dword	0
