/* Trap entry and mode switching for testlib.c.
 *
 * Each trap vector swaps sp with its level's scratch CSR (which holds that level's trap-stack
 * top), saves x1-x31 in a frame, calls the C handler with the frame and restores the frame,
 * so the handler may change the registers the trapped code resumes with. Frame slot 0 (x0)
 * carries the entry number of a vectored mtvec, or -1.
 *
 * The HS and VS vectors are the same code (sscratch and sret reach the VS copies while V=1);
 * they differ only in the C handler they call.
 */
	.equ	FRAME, 32 * 8
	.equ	ECALL_DONE, 0x7e570001

	.macro	SAVE_REGS
	sd	x1, 1*8(sp)
	sd	x3, 3*8(sp)
	sd	x4, 4*8(sp)
	sd	x5, 5*8(sp)
	sd	x6, 6*8(sp)
	sd	x7, 7*8(sp)
	sd	x8, 8*8(sp)
	sd	x9, 9*8(sp)
	sd	x10, 10*8(sp)
	sd	x11, 11*8(sp)
	sd	x12, 12*8(sp)
	sd	x13, 13*8(sp)
	sd	x14, 14*8(sp)
	sd	x15, 15*8(sp)
	sd	x16, 16*8(sp)
	sd	x17, 17*8(sp)
	sd	x18, 18*8(sp)
	sd	x19, 19*8(sp)
	sd	x20, 20*8(sp)
	sd	x21, 21*8(sp)
	sd	x22, 22*8(sp)
	sd	x23, 23*8(sp)
	sd	x24, 24*8(sp)
	sd	x25, 25*8(sp)
	sd	x26, 26*8(sp)
	sd	x27, 27*8(sp)
	sd	x28, 28*8(sp)
	sd	x29, 29*8(sp)
	sd	x30, 30*8(sp)
	sd	x31, 31*8(sp)
	.endm

	.macro	RESTORE_REGS
	ld	x1, 1*8(sp)
	ld	x3, 3*8(sp)
	ld	x4, 4*8(sp)
	ld	x5, 5*8(sp)
	ld	x6, 6*8(sp)
	ld	x7, 7*8(sp)
	ld	x8, 8*8(sp)
	ld	x9, 9*8(sp)
	ld	x10, 10*8(sp)
	ld	x11, 11*8(sp)
	ld	x12, 12*8(sp)
	ld	x13, 13*8(sp)
	ld	x14, 14*8(sp)
	ld	x15, 15*8(sp)
	ld	x16, 16*8(sp)
	ld	x17, 17*8(sp)
	ld	x18, 18*8(sp)
	ld	x19, 19*8(sp)
	ld	x20, 20*8(sp)
	ld	x21, 21*8(sp)
	ld	x22, 22*8(sp)
	ld	x23, 23*8(sp)
	ld	x24, 24*8(sp)
	ld	x25, 25*8(sp)
	ld	x26, 26*8(sp)
	ld	x27, 27*8(sp)
	ld	x28, 28*8(sp)
	ld	x29, 29*8(sp)
	ld	x30, 30*8(sp)
	ld	x31, 31*8(sp)
	ld	x2, 2*8(sp)
	.endm

	.text
	.option	norvc

/* ---- M-mode: direct and vectored ---- */
	.balign	256
	.globl	tl_vec_m
tl_vec_m:
	csrrw	sp, mscratch, sp
	addi	sp, sp, -FRAME
	sd	x5, 5*8(sp)
	li	x5, -1
m_common:
	sd	x5, 0(sp)
	ld	x5, 5*8(sp)
	SAVE_REGS
	csrr	t0, mscratch
	sd	t0, 2*8(sp)
	mv	a0, sp
	call	tl_handle_m
	addi	t0, sp, FRAME
	csrw	mscratch, t0
	RESTORE_REGS
	mret

	/* mtvec MODE=1: entry n at base + 4n jumps to a stub that records n */
	.balign	256
	.globl	tl_vec_m_table
tl_vec_m_table:
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	j	m_stub_\n
	.endr
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
m_stub_\n:
	csrrw	sp, mscratch, sp
	addi	sp, sp, -FRAME
	sd	x5, 5*8(sp)
	li	x5, \n
	j	m_common
	.endr

/* ---- HS-mode and VS-mode ---- */
	.macro	S_VECTOR name, handler
	.balign	256
	.globl	\name
\name:
	csrrw	sp, sscratch, sp
	addi	sp, sp, -FRAME
	sd	x5, 5*8(sp)
	li	x5, -1
	sd	x5, 0(sp)
	ld	x5, 5*8(sp)
	SAVE_REGS
	csrr	t0, sscratch
	sd	t0, 2*8(sp)
	mv	a0, sp
	call	\handler
	addi	t0, sp, FRAME
	csrw	sscratch, t0
	RESTORE_REGS
	sret
	.endm

	S_VECTOR tl_vec_hs, tl_handle_hs
	S_VECTOR tl_vec_vs, tl_handle_vs

/* ---- ecall from a handler to the level above: a0 = reason (frame a0), a1 = frame a7 ---- */
	.globl	tl_ecall_up
tl_ecall_up:
	mv	a7, a1
	ecall
1:	j	1b

/* ra and s0-s11 on the stack (112 bytes), in the order restore_saved reloads them */
.macro SAVE_CALLEE_SAVED
	addi	sp, sp, -112
	sd	ra, 0(sp)
	sd	s0, 8(sp)
	sd	s1, 16(sp)
	sd	s2, 24(sp)
	sd	s3, 32(sp)
	sd	s4, 40(sp)
	sd	s5, 48(sp)
	sd	s6, 56(sp)
	sd	s7, 64(sp)
	sd	s8, 72(sp)
	sd	s9, 80(sp)
	sd	s10, 88(sp)
	sd	s11, 96(sp)
.endm

/* ---- tl_run_asm(fn, a, b): runs fn(a, b) in the mode mstatus.MPP/MPV name ---- */
	.globl	tl_run_asm
tl_run_asm:
	SAVE_CALLEE_SAVED
	la	t0, tl_run_sp
	sd	sp, 0(t0)
	la	t0, lower_entry
	csrw	mepc, t0
	mret
lower_entry:
	la	sp, tl_lower_stack_top
	mv	t0, a0
	mv	a0, a1
	mv	a1, a2
	li	a7, 0		/* a stale ECALL_DONE must not end an ecall probe */
	jalr	t0
	li	a7, ECALL_DONE
	ecall
1:	j	1b

	/* the M handler resumes here with a0 = the function's result */
	.globl	tl_run_landing
tl_run_landing:
	la	t0, tl_run_sp
	ld	sp, 0(t0)
	j	restore_saved

/* ---- tl_guard(fn): 0 after fn returns, 1 when a trap handler aborted it ---- */
	.globl	tl_guard
tl_guard:
	SAVE_CALLEE_SAVED
	la	t0, tl_guard_sp
	sd	sp, 0(t0)
	jalr	a0
	li	a0, 0
	j	restore_saved

	.globl	tl_abort_landing
tl_abort_landing:
	la	t0, tl_guard_sp
	ld	sp, 0(t0)
	li	a0, 1
restore_saved:
	ld	ra, 0(sp)
	ld	s0, 8(sp)
	ld	s1, 16(sp)
	ld	s2, 24(sp)
	ld	s3, 32(sp)
	ld	s4, 40(sp)
	ld	s5, 48(sp)
	ld	s6, 56(sp)
	ld	s7, 64(sp)
	ld	s8, 72(sp)
	ld	s9, 80(sp)
	ld	s10, 88(sp)
	ld	s11, 96(sp)
	addi	sp, sp, 112
	ret

	.bss
	.balign	8
tl_run_sp:
	.dword	0
tl_guard_sp:
	.dword	0
	.balign	16
	.space	16384
	.globl	tl_lower_stack_top
tl_lower_stack_top:
