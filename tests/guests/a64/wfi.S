/* wfi: WFI exits woken by the EL1 virtual timer, and the timer's interrupt taken by the guest.
 *
 * The virtual timer compares CNTVCT_EL0 = the machine's count - CNTVOFF_EL2 with
 * CNTV_CVAL_EL0; the guest cannot see CNTVOFF_EL2, so a hypervisor that halts a vCPU until its
 * timer fires must convert the guest's CVAL to its own time base with CNTVOFF (trapscope keeps
 * time in retired instructions). Under trapscope there is no interrupt controller: the timer's
 * output (ENABLE and ISTATUS and not IMASK) reaches the vCPU as HCR_EL2.VI, visible to the
 * guest as ISR_EL1.I; the hypervisor must recompute that level at least at every exit (so VI
 * drops once the guest masks or disables its timer). delta = a64_timer_delta() (1 ms of
 * CNTFRQ_EL0, at least 1000 ticks).
 *
 *  1. CVAL: PSTATE.I = 1, CNTV_CVAL_EL0 = now + delta, CNTV_CTL_EL0 = ENABLE; loop { WFI at
 *     wfi_cval } while CNTV_CTL_EL0.ISTATUS = 0.
 *     Exit: WFI trapped by HCR_EL2.TWI, ESR_EL2 0x07e00000 (EC 0x01, IL 1, CV 1, COND 0b1110,
 *     TI 0b00 WFI), ELR_EL2 = wfi_cval (the handler advances it by 4); reason halt: the vCPU
 *     sleeps until the timer's deadline, time jumps there, VI is set, the vCPU resumes at
 *     wfi_cval + 4. Exactly one WFI exit (the guest checks rounds = 1), no interrupt taken.
 *     Checks: ISTATUS = 1, CNTVCT >= CVAL, ISR_EL1.I = 1; then CNTV_CTL_EL0 = ENABLE | IMASK,
 *     a console line (exits), and ISR_EL1.I = 0 (the hypervisor lowered VI).
 *  2. TVAL: CNTV_TVAL_EL0 = delta sets CVAL = CNTVCT + delta (checked against CNTVCT read
 *     before and after); TVAL then reads in (0, delta]; the same single WFI exit at wfi_tval;
 *     afterwards TVAL reads <= 0 (signed 32 bits) and ISR_EL1.I = 1; then IMASK.
 *  3. The interrupt taken while running: CVAL = now + delta, ENABLE, PSTATE.I = 0, spin
 *     between wfi_spin and wfi_spin_done (no WFI, no exit of the guest's own). When the
 *     deadline passes VI rises (KVM would take a host timer interrupt exit first; what
 *     trapscope records for that is its own choice) and the guest takes an IRQ at VBAR_EL1 +
 *     0x280 (current EL, SP_ELx, IRQ): a guest_trap event with ELR_EL1 in [wfi_spin,
 *     wfi_spin_done]. The handler (a64lib.c) sets CNTV_CTL_EL0.IMASK and returns with
 *     SPSR_EL1.I set. Checks: one IRQ, from the timer, CNTVCT in the handler >= CVAL, ELR in
 *     the loop, CNTV_CTL_EL0 = 7, PSTATE.I = 1 afterwards.
 *  4. WFI with PSTATE.I = 0 (the usual idle loop): CVAL = now + delta, ENABLE, unmask, WFI at
 *     wfi_irq: one WFI exit (ESR_EL2 0x07e00000, ELR_EL2 = wfi_irq, halt until the deadline),
 *     then right after the resume the IRQ is taken with ELR_EL1 = wfi_irq_after (= wfi_irq +
 *     4). Then CNTV_CTL_EL0 = 0.
 * Exits besides these four WFIs: the console's (PL011) and the final SYSTEM_OFF. Guest traps:
 * the two IRQs.
 * Console: "wfi: ..." lines per part and "wfi: N checks, 0 failed".
 * QEMU (TS_ORACLE_QEMU): the timer reaches the CPU through the GICv3 (PPI 27, INTID 27,
 * enabled by a64_gic_init); WFI halts QEMU's CPU the same way; the handler also reads
 * ICC_IAR1_EL1 (checked = 27) and writes ICC_EOIR1_EL1. Everything else is identical.
 */
#include "a64.h"

#define ISR_EL1_I_BIT 0x80

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

/* CHECK_COND cond, code: the flags of the last compare satisfy cond. */
.macro CHECK_COND cond, code
	cset	x0, \cond
	CHECK	x0, 1, \code
.endm

.macro SAY msg
	adrp	x0, \msg
	add	x0, x0, :lo12:\msg
	bl	a64_puts
.endm

.macro NOW reg
	isb
	mrs	\reg, cntvct_el0
.endm

.macro ISR_I code, want
	mrs	x0, isr_el1
	and	x0, x0, #ISR_EL1_I_BIT
	CHECK	x0, \want, \code
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
	mrs	x0, tpidr_el1
	adrp	x19, a64_traps
	add	x19, x19, :lo12:a64_traps
	add	x19, x19, x0, lsl #9	/* this CPU's struct a64_trap_rec */
#if A64_QEMU
	mov	w0, #(1 << A64_INTID_VTIMER)
	bl	a64_gic_init
#endif
	SAY	msg_start
	msr	daifset, #2
	bl	a64_timer_delta
	mov	x20, x0			/* delta */

	/* ---- 1. CVAL, WFI with PSTATE.I = 1 ---- */
	NOW	x21
	add	x22, x21, x20
	msr	cntv_cval_el0, x22
	mov	x0, #1
	msr	cntv_ctl_el0, x0
	isb
	mov	x23, #0			/* WFI rounds */
1:	mrs	x0, cntv_ctl_el0
	tbnz	x0, #2, 2f		/* ISTATUS */
	cmp	x23, #100
	b.hs	2f
	add	x23, x23, #1
	.globl wfi_cval
wfi_cval:
	wfi
	b	1b
2:	NOW	x24
	CHECK	x23, 1, 1
	mrs	x0, cntv_ctl_el0
	CHECK	x0, 5, 2		/* ENABLE | ISTATUS */
	cmp	x24, x22
	CHECK_COND hs, 3
	ISR_I	4, ISR_EL1_I_BIT
	mov	x0, #3			/* ENABLE | IMASK */
	msr	cntv_ctl_el0, x0
	isb
	SAY	msg_cval
	ISR_I	5, 0
	mrs	x0, cntv_ctl_el0
	CHECK	x0, 7, 6

	/* ---- 2. TVAL ---- */
	NOW	x21
	msr	cntv_tval_el0, x20
	NOW	x22
	mrs	x25, cntv_cval_el0
	add	x0, x21, x20
	cmp	x25, x0
	CHECK_COND hs, 7
	add	x0, x22, x20
	cmp	x25, x0
	CHECK_COND ls, 8
	mov	x0, #1
	msr	cntv_ctl_el0, x0
	isb
	mrs	x0, cntv_tval_el0
	sxtw	x21, w0
	cmp	x21, #0
	CHECK_COND gt, 9
	cmp	x21, x20
	CHECK_COND le, 10
	mov	x23, #0
1:	mrs	x0, cntv_ctl_el0
	tbnz	x0, #2, 2f
	cmp	x23, #100
	b.hs	2f
	add	x23, x23, #1
	.globl wfi_tval
wfi_tval:
	wfi
	b	1b
2:	CHECK	x23, 1, 11
	mrs	x0, cntv_ctl_el0
	CHECK	x0, 5, 12
	mrs	x0, cntv_tval_el0
	sxtw	x0, w0
	cmp	x0, #0
	CHECK_COND le, 13
	ISR_I	14, ISR_EL1_I_BIT
	mov	x0, #3
	msr	cntv_ctl_el0, x0
	isb
	SAY	msg_tval

	/* ---- 3. the IRQ taken while spinning ---- */
	ldr	x26, [x19, #A64_REC_IRQS]
	bl	a64_wait_ticks
	mov	x27, x0
	NOW	x21
	add	x27, x27, x21		/* give up at x27 */
	add	x22, x21, x20
	msr	cntv_cval_el0, x22
	mov	x0, #1
	msr	cntv_ctl_el0, x0
	isb
	msr	daifclr, #2
	.globl wfi_spin
wfi_spin:
	ldr	x0, [x19, #A64_REC_IRQS]
	cmp	x0, x26
	b.ne	wfi_spin_done
	mrs	x0, cntvct_el0
	cmp	x0, x27
	b.lo	wfi_spin
	.globl wfi_spin_done
wfi_spin_done:
	mrs	x0, daif
	and	x0, x0, #A64_PSTATE_I
	CHECK	x0, A64_PSTATE_I, 15	/* the handler returned with I set */
	msr	daifset, #2
	ldr	x0, [x19, #A64_REC_IRQS]
	CHECK	x0, 1, 16
	ldr	x0, [x19, #A64_REC_TIMER_IRQS]
	CHECK	x0, 1, 17
	ldr	x0, [x19, #0x40]	/* irq_cntvct */
	cmp	x0, x22
	CHECK_COND hs, 18
	ldr	x24, [x19, #0x28]	/* irq_elr */
	adr	x0, wfi_spin
	cmp	x24, x0
	CHECK_COND hs, 19
	adr	x0, wfi_spin_done
	cmp	x24, x0
	CHECK_COND ls, 20
	ldr	x0, [x19, #0x48]	/* irq_kind */
	CHECK	x0, A64_KIND_CUR_SPX_IRQ, 21
#if A64_QEMU
	ldr	x0, [x19, #0x30]	/* irq_intid */
	CHECK	x0, A64_INTID_VTIMER, 22
#endif
	mrs	x0, cntv_ctl_el0
	CHECK	x0, 7, 23		/* the handler set IMASK */
	SAY	msg_spin

	/* ---- 4. WFI with PSTATE.I = 0: the IRQ right after it ---- */
	ldr	x26, [x19, #A64_REC_IRQS]
	NOW	x21
	add	x22, x21, x20
	msr	cntv_cval_el0, x22
	mov	x0, #1
	msr	cntv_ctl_el0, x0
	isb
	mov	x23, #0
3:	add	x23, x23, #1
	msr	daifclr, #2
	.globl wfi_irq
wfi_irq:
	wfi
	.globl wfi_irq_after
wfi_irq_after:
	nop
	msr	daifset, #2
	ldr	x0, [x19, #A64_REC_IRQS]
	cmp	x0, x26
	b.ne	4f
	cmp	x23, #100
	b.lo	3b
4:	CHECK	x23, 1, 24
	ldr	x0, [x19, #A64_REC_IRQS]
	CHECK	x0, 2, 25
	ldr	x0, [x19, #A64_REC_TIMER_IRQS]
	CHECK	x0, 2, 26
	ldr	x0, [x19, #0x28]
	CHECK	x0, wfi_irq_after, 27
	ldr	x0, [x19, #0x40]
	cmp	x0, x22
	CHECK_COND hs, 28
	ldr	x0, [x19, #0x50]	/* other_irqs */
	CHECK	x0, 0, 29
	msr	cntv_ctl_el0, xzr
	isb
	SAY	msg_irq

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
	.ltorg

	.section .rodata
msg_start:
	.asciz	"wfi: virtual timer, WFI with interrupts masked\n"
msg_cval:
	.asciz	"wfi: woken by the timer (CVAL)\n"
msg_tval:
	.asciz	"wfi: woken by the timer (TVAL)\n"
msg_spin:
	.asciz	"wfi: timer interrupt taken while running\n"
msg_irq:
	.asciz	"wfi: timer interrupt taken after WFI\n"
guest_name:
	.asciz	"wfi"
