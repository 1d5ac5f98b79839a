/* mmio: every load/store width as an MMIO exit, written instruction by instruction so that the
 * trace can be checked against known pcs (the global mmio_* labels), encodings and registers.
 *
 * Under a hypervisor with vsatp = 0, a guest access to a GPA that the G-stage does not map is a
 * load (21) or store/AMO (23) guest-page fault; the exit handler decodes the instruction (from
 * htinst, or by fetching it at sepc) into an MMIO read or write and resumes after it (pc + 4,
 * or pc + 2 for a compressed instruction). Every access below is naturally aligned: the
 * ns16550a has byte registers, so the UART gets byte accesses only (LSR, SCR, THR); the other
 * widths go to 0x20000000, a GPA with neither RAM nor a device, where reads return 0 and writes
 * are dropped.
 *
 *   UART (0x10000000): lbu LSR (0x60 idle); SCR <- 0x80 (sb of 0x1234567890abcd80: only the
 *     low byte travels), lb SCR -> 0xffffffffffffff80, lbu SCR -> 0x80; SCR <- 0x5a through a
 *     base register holding the SCR address itself, lb -> 0x5a; "mmio: uart ok\n" through THR.
 *   unassigned (0x20000000): sb/sh/sw/sd of 0x8877665544332211 (data masked to the width),
 *     sw of x0, sd with a negative offset; lb/lbu/lh/lhu/lw/lwu/ld into registers preset to
 *     all ones (each must become 0); lw into x0.
 *   compressed, base s0 (x8) = 0x20000000: c.sw, c.sd, c.lw, c.ld; SP-relative with
 *     sp = 0x20000100: c.swsp, c.sdsp, c.lwsp, c.ldsp.
 *   finisher (0x100000): sw 0x5555 -> poweroff, pass.
 *
 * A failed self-check returns its code from main (crt.S fails through the finisher with it).
 * TS_ORACLE_QEMU (QEMU under OpenSBI) leaves out the unassigned and compressed parts: there
 * an access with no device behind it is an access fault, not a dropped write.
 */
	.option push

/* CHECK reg, value, code: count a failure and remember the first code. */
.macro CHECK reg, value, code
	li	t6, \value
	beq	\reg, t6, 88f
	addi	s10, s10, 1
	bnez	s11, 88f
	li	s11, \code
88:
.endm

	.text
	.globl main
main:
	.option norvc
	addi	sp, sp, -16
	sd	ra, 8(sp)
	li	s10, 0			/* failures */
	li	s11, 0			/* first failing code */

	/* ---- UART ---- */
	li	a0, 0x10000000
	.globl mmio_uart_lsr
mmio_uart_lsr:
	lbu	a1, 5(a0)		/* LSR: THRE | TEMT */
	CHECK	a1, 0x60, 1
	li	a1, 0x1234567890abcd80
	.globl mmio_scr_sb
mmio_scr_sb:
	sb	a1, 7(a0)		/* SCR <- 0x80 */
	li	a2, 0
	.globl mmio_scr_lb
mmio_scr_lb:
	lb	a2, 7(a0)		/* sign-extended */
	CHECK	a2, 0xffffffffffffff80, 2
	li	a3, -1
	.globl mmio_scr_lbu
mmio_scr_lbu:
	lbu	a3, 7(a0)		/* zero-extended */
	CHECK	a3, 0x80, 3
	li	a4, 0x10000007
	li	a5, 0x5a
	.globl mmio_scr_sb0
mmio_scr_sb0:
	sb	a5, 0(a4)		/* SCR <- 0x5a, offset 0 */
	li	t0, -1
	.globl mmio_scr_lb0
mmio_scr_lb0:
	lb	t0, 0(a4)
	CHECK	t0, 0x5a, 4
	CHECK	a0, 0x10000000, 5	/* base registers survive the exits */
	CHECK	a4, 0x10000007, 6
	CHECK	a1, 0x1234567890abcd80, 7

	la	t2, uart_msg
1:	lbu	t1, 0(t2)
	beqz	t1, 2f
	.globl mmio_uart_thr
mmio_uart_thr:
	sb	t1, 0(a0)		/* THR */
	addi	t2, t2, 1
	j	1b
2:

#ifndef TS_ORACLE_QEMU
	/* ---- unassigned GPA: stores ---- */
	li	a0, 0x20000000
	li	a1, 0x8877665544332211
	.globl mmio_un_sb
mmio_un_sb:
	sb	a1, 1(a0)
	.globl mmio_un_sh
mmio_un_sh:
	sh	a1, 2(a0)
	.globl mmio_un_sw
mmio_un_sw:
	sw	a1, 4(a0)
	.globl mmio_un_sd
mmio_un_sd:
	sd	a1, 8(a0)
	.globl mmio_un_sw0
mmio_un_sw0:
	sw	zero, 12(a0)
	li	a5, 0x20000010
	.globl mmio_un_sd_neg
mmio_un_sd_neg:
	sd	a1, -16(a5)		/* 0x20000000 */

	/* ---- unassigned GPA: loads (reads return 0) ---- */
	li	a2, -1
	.globl mmio_un_lb
mmio_un_lb:
	lb	a2, 1(a0)
	CHECK	a2, 0, 10
	li	a2, -1
	.globl mmio_un_lbu
mmio_un_lbu:
	lbu	a2, 1(a0)
	CHECK	a2, 0, 11
	li	a3, -1
	.globl mmio_un_lh
mmio_un_lh:
	lh	a3, 2(a0)
	CHECK	a3, 0, 12
	li	a3, -1
	.globl mmio_un_lhu
mmio_un_lhu:
	lhu	a3, 2(a0)
	CHECK	a3, 0, 13
	li	a4, -1
	.globl mmio_un_lw
mmio_un_lw:
	lw	a4, 4(a0)
	CHECK	a4, 0, 14
	li	a4, -1
	.globl mmio_un_lwu
mmio_un_lwu:
	lwu	a4, 4(a0)
	CHECK	a4, 0, 15
	li	t0, -1
	.globl mmio_un_ld
mmio_un_ld:
	ld	t0, -8(a5)		/* 0x20000008 */
	CHECK	t0, 0, 16
	.globl mmio_un_lw_x0
mmio_un_lw_x0:
	lw	zero, 12(a0)		/* a read into x0: nothing to write back */
	CHECK	a0, 0x20000000, 17
	CHECK	a1, 0x8877665544332211, 18
	CHECK	a5, 0x20000010, 19

	/* ---- compressed, rs1'/rs2'/rd' in x8..x15 ---- */
	li	s0, 0x20000000
	li	s1, 0x8877665544332211
	.option rvc
	.globl mmio_c_sw
mmio_c_sw:
	c.sw	s1, 4(s0)
	.globl mmio_c_sd
mmio_c_sd:
	c.sd	s1, 8(s0)
	.option norvc
	li	a2, -1
	.option rvc
	.globl mmio_c_lw
mmio_c_lw:
	c.lw	a2, 4(s0)
	.option norvc
	CHECK	a2, 0, 20
	li	a3, -1
	.option rvc
	.globl mmio_c_ld
mmio_c_ld:
	c.ld	a3, 16(s0)
	.option norvc
	CHECK	a3, 0, 21

	/* ---- compressed, SP-relative: sp points at the unassigned GPA ---- */
	mv	s2, sp
	li	sp, 0x20000100
	li	a4, -1
	li	a5, -1
	.option rvc
	.globl mmio_c_swsp
mmio_c_swsp:
	c.swsp	s1, 4(sp)
	.globl mmio_c_sdsp
mmio_c_sdsp:
	c.sdsp	s1, 8(sp)
	.globl mmio_c_lwsp
mmio_c_lwsp:
	c.lwsp	a4, 4(sp)
	.globl mmio_c_ldsp
mmio_c_ldsp:
	c.ldsp	a5, 8(sp)
	.option norvc
	mv	t5, sp
	mv	sp, s2
	CHECK	a4, 0, 22
	CHECK	a5, 0, 23
	CHECK	t5, 0x20000100, 24
	CHECK	s0, 0x20000000, 25
#endif

	/* ---- verdict ---- */
	beqz	s10, 3f
	la	a0, fail_fmt
	mv	a1, s10
	mv	a2, s11
	call	vs_printf
	mv	a0, s11
	ld	ra, 8(sp)
	addi	sp, sp, 16
	ret				/* crt.S: finisher fail with code s11 */
3:	la	a0, pass_msg
	call	vs_puts
	li	t0, 0x100000
	li	t1, 0x5555
	.globl mmio_finisher
mmio_finisher:
	sw	t1, 0(t0)		/* poweroff: pass */
4:	wfi
	j	4b

	.option pop

	.section .rodata
uart_msg:
	.asciz	"mmio: uart ok\n"
fail_fmt:
	.asciz	"mmio: %lu checks failed, first code %lu\n"
pass_msg:
	.asciz	"mmio: all checks passed\n"
