/* mmio: MMIO data aborts of every load/store form, written instruction by instruction so that
 * the trace can be checked against known pcs (the global mmio_* labels), encodings and
 * registers.
 *
 * Under trapscope's hypervisor (HCR_EL2.VM = 1, MMU off in the guest, so VA = IPA) an access
 * to an IPA that stage 2 does not map is a Data Abort from a lower Exception level:
 *   ESR_EL2.EC = 0x24, IL = 1, DFSC = 0b000101 (translation fault, level 1: the stage-2
 *   tables map nothing below 0x40000000; the level is the one trapscope's walk reports),
 *   FnV = 0, EA = 0, CM = 0, S1PTW = 0, WnR = 1 for stores; FAR_EL2 = the address (VA = IPA),
 *   HPFAR_EL2.FIPA = IPA >> 12 (HPFAR = (IPA >> 12) << 4).
 *   ISV = 1 for a load/store of one general-purpose register without writeback (LDR/STR of
 *   every size, LDRS*, LDUR/STUR, register offset, LDAR/STLR): SAS = log2(size), SSE = 1 for
 *   the sign-extending loads, SRT = Rt (31 for WZR/XZR), SF = 1 when Rt is an X register,
 *   AR = 1 for LDAR/STLR. The handler emulates the access from the syndrome alone: a store
 *   writes X[SRT] masked to the size (XZR = 0); a load writes the value (sign-extended when
 *   SSE, to 64 bits when SF else to 32 with the upper half zeroed; nothing for SRT 31); then
 *   ELR_EL2 += 4.
 *   ISV = 0 for LDP/STP/LDPSW and every pre/post-index (writeback) form: ISS[23:14] = 0, and
 *   the handler must fetch and decode the instruction itself (ELR_EL2 = its address),
 *   emulate each element access (FAR = the lowest address it touches: the Arm ARM lets an
 *   implementation report any faulting element, trapscope's interpreter reports the first),
 *   write the base back, then ELR += 4. So every instruction below is one exit.
 *
 * PL011 (0x09000000; byte, halfword and word accesses at register offsets):
 *   ldr w1 FR -> 0x90 (TXFE | RXFE); ldr w2 CR -> 0x300 (reset: TXE | RXE);
 *   ldrb w3 CellID1 (0xff4) -> 0xf0; ldrsb w4 -> 0xfffffff0 (x4 upper half 0);
 *   ldrsb x5 -> 0xfffffffffffffff0; ldrh w6 PeriphID2 (0xfe8) -> 0x14;
 *   strh w7 IBRD (0x24) with x7 = 0x5a5a5a5a12348001 -> data 0x8001; ldrh w8 -> 0x8001;
 *   ldrsh w9 -> 0xffff8001; ldrsh x10 -> 0xffffffffffff8001; ldr w11 -> 0x8001;
 *   strh wzr IBRD -> 0; ldr w12 -> 0; then "mmio: uart ok\n" byte by byte, strb w14 to DR.
 * unassigned (A64_UNASSIGNED = 0x0b000000 = UN; reads 0, writes dropped); data registers
 *   x21 = 0x8877665544332211, x22 = 0xf0e1d2c3b4a59687, x23 = 0x28:
 *   ISV=1 stores: strb w21 UN+1 (0x11), strh w21 UN+2 (0x2211), str w21 UN+4 (0x44332211: a
 *     W store of a register with upper bits set), str x21 UN+8, str wzr UN+0x10, str xzr
 *     UN+0x18, stur x21 [x24 = UN+0x28, #-8] (UN+0x20), str x22 [x20, x23] (UN+0x28),
 *     stlr w22 [x25 = UN+0x30] (0xb4a59687);
 *   ISV=1 loads, destination preset to all ones, each must read 0: ldrb w2 UN+1, ldrsb w3,
 *     ldrsb x4, ldrh w5 UN+2, ldrsh w6, ldrsh x7, ldr w8 UN+4, ldrsw x9, ldr x10 UN+8,
 *     ldur x11 [x24, #-8], ldr x12 [x20, x23], ldar w13 [x25], ldr wzr UN+0x10;
 *   ISV=0 stores: stp w21, w22 UN+0x40; stp x21, x22 UN+0x50; str x21 [x24, #8]! (x24 =
 *     UN+0x60 -> 0x68); strb w22 [x25], #1 (UN+0x70, x25 -> 0x71); strh w21 [x26], #-2
 *     (UN+0x72, x26 -> 0x70); stp x21, x22 [x3, #-16]! (x3 = UN+0x90 -> 0x80); stp w22, w21
 *     [x4], #8 (UN+0x98, x4 -> 0xa0);
 *   ISV=0 loads (all 0): ldp w5, w6 UN+0x40; ldp x7, x8 UN+0x50; ldpsw x9, x10 UN+0x40;
 *     ldr x11 [x24, #8]! (x24 -> UN+0x70); ldrb w12 [x25], #-1 (UN+0x71, x25 -> 0x70);
 *     ldrsh x13 [x26, #2]! (UN+0x72, x26 -> 0x72); ldp x14, x15 [x3], #16 (x3 -> UN+0x90);
 *     ldrsw x2 [x4, #-8]! (UN+0x98, x4 -> 0x98).
 *   Every base and data register is checked after each block.
 * run-a64.sh holds the same list as a table (label, instruction text, ESR_EL2, address,
 * width, data) and checks the instruction text against the ELF.
 *
 * A failed check prints "FAIL code N" and main returns the first code (start.S then fails
 * the run); success prints "mmio: N checks, 0 failed" and powers off (PSCI SYSTEM_OFF).
 * TS_ORACLE_QEMU: the PL011 part is the same device under QEMU; QEMU's virt has nothing at
 * 0x0b000000 (an access is a synchronous external abort, ESR_EL1 0x96000010), so the
 * unassigned part runs against a RAM scratch page: it is filled with 0xff before each block of
 * stores, its image after the stores is compared with what the stores must have written
 * (width masking, element order, writeback addresses), and it is zeroed before the loads.
 */
#include "a64.h"

#if A64_QEMU
#define UN mmio_scratch
#else
#define UN A64_UNASSIGNED
#endif

/* CHECK reg, value, code: counts the check, reports a mismatch (x16, x17, x30 clobbered). */
.macro CHECK reg, value, code
	ldr	x16, =\value
	cmp	\reg, x16
	b.eq	1000f
	mov	x17, \reg
	mov	x16, #\code
	bl	a64_asm_check_failed
1000:
	adrp	x16, a64_checks
	ldr	w17, [x16, :lo12:a64_checks]
	add	w17, w17, #1
	str	w17, [x16, :lo12:a64_checks]
.endm

/* QIMG off, value, code: QEMU only, the scratch qword at off after the stores. */
.macro QIMG off, value, code
#if A64_QEMU
	ldr	x17, [x20, #\off]
	CHECK	x17, \value, \code
#endif
.endm

/* QFILL byte: QEMU only, the 0x100 scratch bytes set to byte. */
.macro QFILL byte
#if A64_QEMU
	mov	x0, #\byte
	bl	scratch_fill
#endif
.endm

.macro ONES r:vararg
	.irp	reg, \r
	mov	\reg, #-1
	.endr
.endm

	.text
	.globl main
	.balign 4
main:
	stp	x29, x30, [sp, #-96]!
	mov	x29, sp
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]

	/* ---- PL011 ---- */
	movz	x19, #(A64_UART_BASE >> 16), lsl #16
	ONES	x1, x2, x3, x4, x5, x6, x8, x9, x10, x11, x12
	.globl mmio_uart_fr
mmio_uart_fr:
	ldr	w1, [x19, #0x18]
	CHECK	x1, 0x90, 1
	.globl mmio_uart_cr
mmio_uart_cr:
	ldr	w2, [x19, #0x30]
	CHECK	x2, 0x300, 2
	.globl mmio_id_ldrb
mmio_id_ldrb:
	ldrb	w3, [x19, #0xff4]
	CHECK	x3, 0xf0, 3
	.globl mmio_id_ldrsb_w
mmio_id_ldrsb_w:
	ldrsb	w4, [x19, #0xff4]
	CHECK	x4, 0xfffffff0, 4
	.globl mmio_id_ldrsb_x
mmio_id_ldrsb_x:
	ldrsb	x5, [x19, #0xff4]
	CHECK	x5, 0xfffffffffffffff0, 5
	.globl mmio_id_ldrh
mmio_id_ldrh:
	ldrh	w6, [x19, #0xfe8]
	CHECK	x6, 0x14, 6
	ldr	x7, =0x5a5a5a5a12348001
	.globl mmio_ibrd_strh
mmio_ibrd_strh:
	strh	w7, [x19, #0x24]
	.globl mmio_ibrd_ldrh
mmio_ibrd_ldrh:
	ldrh	w8, [x19, #0x24]
	CHECK	x8, 0x8001, 7
	.globl mmio_ibrd_ldrsh_w
mmio_ibrd_ldrsh_w:
	ldrsh	w9, [x19, #0x24]
	CHECK	x9, 0xffff8001, 8
	.globl mmio_ibrd_ldrsh_x
mmio_ibrd_ldrsh_x:
	ldrsh	x10, [x19, #0x24]
	CHECK	x10, 0xffffffffffff8001, 9
	.globl mmio_ibrd_ldr
mmio_ibrd_ldr:
	ldr	w11, [x19, #0x24]
	CHECK	x11, 0x8001, 10
	.globl mmio_ibrd_strh_zr
mmio_ibrd_strh_zr:
	strh	wzr, [x19, #0x24]
	.globl mmio_ibrd_ldr0
mmio_ibrd_ldr0:
	ldr	w12, [x19, #0x24]
	CHECK	x12, 0, 11
	CHECK	x7, 0x5a5a5a5a12348001, 12
	CHECK	x19, A64_UART_BASE, 13

	adrp	x13, uart_msg
	add	x13, x13, :lo12:uart_msg
1:	ldrb	w14, [x13], #1
	cbz	w14, 2f
	.globl mmio_uart_dr
mmio_uart_dr:
	strb	w14, [x19]
	b	1b
2:

	/* ---- unassigned: ISV=1 stores ---- */
	ldr	x20, =UN
	ldr	x21, =0x8877665544332211
	ldr	x22, =0xf0e1d2c3b4a59687
	mov	x23, #0x28
	add	x24, x20, #0x28
	add	x25, x20, #0x30
	QFILL	0xff
	.globl mmio_un_strb
mmio_un_strb:
	strb	w21, [x20, #1]
	.globl mmio_un_strh
mmio_un_strh:
	strh	w21, [x20, #2]
	.globl mmio_un_str_w
mmio_un_str_w:
	str	w21, [x20, #4]
	.globl mmio_un_str_x
mmio_un_str_x:
	str	x21, [x20, #8]
	.globl mmio_un_str_wzr
mmio_un_str_wzr:
	str	wzr, [x20, #16]
	.globl mmio_un_str_xzr
mmio_un_str_xzr:
	str	xzr, [x20, #24]
	.globl mmio_un_stur
mmio_un_stur:
	stur	x21, [x24, #-8]
	.globl mmio_un_str_reg
mmio_un_str_reg:
	str	x22, [x20, x23]
	.globl mmio_un_stlr
mmio_un_stlr:
	stlr	w22, [x25]
	QIMG	0x00, 0x44332211221111ff, 20
	QIMG	0x08, 0x8877665544332211, 21
	QIMG	0x10, 0xffffffff00000000, 22
	QIMG	0x18, 0, 23
	QIMG	0x20, 0x8877665544332211, 24
	QIMG	0x28, 0xf0e1d2c3b4a59687, 25
	QIMG	0x30, 0xffffffffb4a59687, 26
	QFILL	0

	/* ---- unassigned: ISV=1 loads ---- */
	ONES	x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13
	.globl mmio_un_ldrb
mmio_un_ldrb:
	ldrb	w2, [x20, #1]
	.globl mmio_un_ldrsb_w
mmio_un_ldrsb_w:
	ldrsb	w3, [x20, #1]
	.globl mmio_un_ldrsb_x
mmio_un_ldrsb_x:
	ldrsb	x4, [x20, #1]
	.globl mmio_un_ldrh
mmio_un_ldrh:
	ldrh	w5, [x20, #2]
	.globl mmio_un_ldrsh_w
mmio_un_ldrsh_w:
	ldrsh	w6, [x20, #2]
	.globl mmio_un_ldrsh_x
mmio_un_ldrsh_x:
	ldrsh	x7, [x20, #2]
	.globl mmio_un_ldr_w
mmio_un_ldr_w:
	ldr	w8, [x20, #4]
	.globl mmio_un_ldrsw
mmio_un_ldrsw:
	ldrsw	x9, [x20, #4]
	.globl mmio_un_ldr_x
mmio_un_ldr_x:
	ldr	x10, [x20, #8]
	.globl mmio_un_ldur
mmio_un_ldur:
	ldur	x11, [x24, #-8]
	.globl mmio_un_ldr_reg
mmio_un_ldr_reg:
	ldr	x12, [x20, x23]
	.globl mmio_un_ldar
mmio_un_ldar:
	ldar	w13, [x25]
	.globl mmio_un_ldr_wzr
mmio_un_ldr_wzr:
	ldr	wzr, [x20, #16]
	CHECK	x2, 0, 30
	CHECK	x3, 0, 31
	CHECK	x4, 0, 32
	CHECK	x5, 0, 33
	CHECK	x6, 0, 34
	CHECK	x7, 0, 35
	CHECK	x8, 0, 36
	CHECK	x9, 0, 37
	CHECK	x10, 0, 38
	CHECK	x11, 0, 39
	CHECK	x12, 0, 40
	CHECK	x13, 0, 41
	CHECK	x20, UN, 42		/* bases and data survive the exits */
	CHECK	x21, 0x8877665544332211, 43
	CHECK	x22, 0xf0e1d2c3b4a59687, 44
	CHECK	x23, 0x28, 45
	CHECK	x24, UN + 0x28, 46
	CHECK	x25, UN + 0x30, 47

	/* ---- unassigned: ISV=0 stores (pairs, writeback) ---- */
	add	x24, x20, #0x60
	add	x25, x20, #0x70
	add	x26, x20, #0x72
	add	x3, x20, #0x90
	add	x4, x20, #0x98
	QFILL	0xff
	.globl mmio_un_stp_w
mmio_un_stp_w:
	stp	w21, w22, [x20, #0x40]
	.globl mmio_un_stp_x
mmio_un_stp_x:
	stp	x21, x22, [x20, #0x50]
	.globl mmio_un_str_pre
mmio_un_str_pre:
	str	x21, [x24, #8]!
	.globl mmio_un_strb_post
mmio_un_strb_post:
	strb	w22, [x25], #1
	.globl mmio_un_strh_post
mmio_un_strh_post:
	strh	w21, [x26], #-2
	.globl mmio_un_stp_pre
mmio_un_stp_pre:
	stp	x21, x22, [x3, #-16]!
	.globl mmio_un_stp_post
mmio_un_stp_post:
	stp	w22, w21, [x4], #8
	CHECK	x24, UN + 0x68, 50
	CHECK	x25, UN + 0x71, 51
	CHECK	x26, UN + 0x70, 52
	CHECK	x3, UN + 0x80, 53
	CHECK	x4, UN + 0xa0, 54
	CHECK	x21, 0x8877665544332211, 55
	CHECK	x22, 0xf0e1d2c3b4a59687, 56
	QIMG	0x40, 0xb4a5968744332211, 60
	QIMG	0x48, 0xffffffffffffffff, 61
	QIMG	0x50, 0x8877665544332211, 62
	QIMG	0x58, 0xf0e1d2c3b4a59687, 63
	QIMG	0x60, 0xffffffffffffffff, 64
	QIMG	0x68, 0x8877665544332211, 65
	QIMG	0x70, 0xffffffff2211ff87, 66
	QIMG	0x78, 0xffffffffffffffff, 67
	QIMG	0x80, 0x8877665544332211, 68
	QIMG	0x88, 0xf0e1d2c3b4a59687, 69
	QIMG	0x90, 0xffffffffffffffff, 70
	QIMG	0x98, 0x44332211b4a59687, 71
	QFILL	0

	/* ---- unassigned: ISV=0 loads ---- */
	ONES	x2, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15
	.globl mmio_un_ldp_w
mmio_un_ldp_w:
	ldp	w5, w6, [x20, #0x40]
	.globl mmio_un_ldp_x
mmio_un_ldp_x:
	ldp	x7, x8, [x20, #0x50]
	.globl mmio_un_ldpsw
mmio_un_ldpsw:
	ldpsw	x9, x10, [x20, #0x40]
	.globl mmio_un_ldr_pre
mmio_un_ldr_pre:
	ldr	x11, [x24, #8]!
	.globl mmio_un_ldrb_post
mmio_un_ldrb_post:
	ldrb	w12, [x25], #-1
	.globl mmio_un_ldrsh_pre
mmio_un_ldrsh_pre:
	ldrsh	x13, [x26, #2]!
	.globl mmio_un_ldp_post
mmio_un_ldp_post:
	ldp	x14, x15, [x3], #16
	.globl mmio_un_ldrsw_pre
mmio_un_ldrsw_pre:
	ldrsw	x2, [x4, #-8]!
	CHECK	x5, 0, 80
	CHECK	x6, 0, 81
	CHECK	x7, 0, 82
	CHECK	x8, 0, 83
	CHECK	x9, 0, 84
	CHECK	x10, 0, 85
	CHECK	x11, 0, 86
	CHECK	x12, 0, 87
	CHECK	x13, 0, 88
	CHECK	x14, 0, 89
	CHECK	x15, 0, 90
	CHECK	x2, 0, 91
	CHECK	x24, UN + 0x70, 92
	CHECK	x25, UN + 0x70, 93
	CHECK	x26, UN + 0x72, 94
	CHECK	x3, UN + 0x90, 95
	CHECK	x4, UN + 0x98, 96
	CHECK	x20, UN, 97

	/* ---- verdict: main returns 0 (SYSTEM_OFF) or the first failing code ---- */
	adrp	x0, guest_name
	add	x0, x0, :lo12:guest_name
	bl	a64_result
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #96
	ret

#if A64_QEMU
/* x0 = byte: the scratch page's first 0x100 bytes set to it (x16, x17 clobbered). */
	.balign 4
scratch_fill:
	adrp	x16, mmio_scratch
	add	x16, x16, :lo12:mmio_scratch
	add	x17, x16, #0x100
1:	strb	w0, [x16], #1
	cmp	x16, x17
	b.lo	1b
	ret
#endif
	.ltorg

	.section .rodata
uart_msg:
	.asciz	"mmio: uart ok\n"
guest_name:
	.asciz	"mmio"

#if A64_QEMU
	.bss
	.balign 4096
mmio_scratch:
	.skip	0x1000
#endif
