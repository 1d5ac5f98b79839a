/* start.S: entry, vectors and the few accesses whose pcs the traces name, for the AArch64 EL1
 * guests (a64.h).
 *
 * _start (the ELF entry; the boot vCPU, EL1h, x0 = 0, MMU off): records the entry state
 *   (x0, DAIF, CurrentEL, SCTLR_EL1, SPSel: a64_entry_state[cpu]), masks DAIF, takes the CPU
 *   number from MPIDR_EL1.Aff0 (vCPU n has MPIDR Aff0 = n; Aff1..Aff3 must be 0), keeps it in
 *   TPIDR_EL1, sets SP_EL1 = _stacks_base + (cpu + 1) * A64_STACK_SIZE and VBAR_EL1 =
 *   a64_vectors, zeroes .bss, records a64_boot_cpu, calls main(cpu). main returning 0 powers
 *   off (a64_poweroff: PSCI SYSTEM_OFF over HVC); anything else is a failure code
 *   (a64_fail). Nothing is enabled: no MMU, no caches, no FP, no interrupts.
 * a64_secondary_start: the PSCI CPU_ON entry point (x0 = context id). Same set-up (entry
 *   state included) without touching .bss, then a64_secondary_main(cpu, context); when that returns the CPU turns
 *   itself off (a64_cpu_off: PSCI CPU_OFF over HVC).
 * a64_vectors: 16 entries; each saves x0/x1, puts its index (offset / 0x80, A64_KIND_*) in
 *   x1... then a64_vector_common saves x0..x30, the interrupted SP_EL1, ELR_EL1, SPSR_EL1,
 *   ESR_EL1, FAR_EL1 in a struct a64_frame on the stack and calls a64_trap(frame, kind) (C,
 *   a64lib.c); it restores ELR_EL1/SPSR_EL1 and x0..x30 from the frame (the handler may have
 *   edited them) and returns with ERET.
 * a64_putc: the console's two accesses at global labels, fixed registers:
 *   a64_uart_fr_read:  ldr w2, [x1, #0x18]   FR, until TXFF (bit 5) is clear
 *   a64_uart_dr_write: strb w0, [x1]         DR
 *   (x1 = the PL011 base, 0x09000000 for a64_putc, any alias for a64_putc_at).
 * a64_hvc / a64_smc: x0..x3 in, x0 out; HVC #0 at a64_hvc_insn, SMC #0 at a64_smc_insn.
 */
#include "a64.h"

/* ENTRY_STATE: the entry state before anything changes it, in x19..x23 (x0, DAIF,
 * CurrentEL, SCTLR_EL1, SPSel). STORE_ENTRY cpu: into a64_entry_state[cpu] (x2, x3 used). */
.macro ENTRY_STATE
	mov	x19, x0
	mrs	x20, daif
	mrs	x21, currentel
	mrs	x22, sctlr_el1
	mrs	x23, spsel
.endm
.macro STORE_ENTRY cpu
	adrp	x2, a64_entry_state
	add	x2, x2, :lo12:a64_entry_state
	add	x2, x2, \cpu, lsl #6		/* 64 bytes per CPU */
	stp	x19, x20, [x2, #0]
	stp	x21, x22, [x2, #16]
	str	x23, [x2, #32]
.endm

	.section .text.start, "ax"
	.globl _start
_start:
	ENTRY_STATE
	msr	daifset, #0xf
	mrs	x1, mpidr_el1
	ubfx	x2, x1, #8, #16		/* Aff2:Aff1 */
	cbnz	x2, a64_bad_cpu
	ubfx	x2, x1, #32, #8		/* Aff3 */
	cbnz	x2, a64_bad_cpu
	and	x1, x1, #0xff
	cmp	x1, #A64_MAX_CPUS
	b.hs	a64_bad_cpu
	msr	tpidr_el1, x1
	adrp	x2, _stacks_base
	add	x2, x2, :lo12:_stacks_base
	add	x3, x1, #1
	lsl	x3, x3, #14		/* (cpu + 1) * A64_STACK_SIZE */
	add	sp, x2, x3
	adrp	x2, a64_vectors
	add	x2, x2, :lo12:a64_vectors
	msr	vbar_el1, x2
	isb
	adrp	x2, _bss_start
	add	x2, x2, :lo12:_bss_start
	adrp	x3, _bss_end
	add	x3, x3, :lo12:_bss_end
1:	cmp	x2, x3
	b.hs	2f
	str	xzr, [x2], #8
	b	1b
2:	adrp	x2, a64_boot_cpu
	str	x1, [x2, :lo12:a64_boot_cpu]
	STORE_ENTRY x1
	mov	x0, x1
	bl	main
	cbnz	w0, 3f
	bl	a64_poweroff		/* does not return */
3:	sxtw	x0, w0
	bl	a64_fail		/* does not return */

	.text
	.globl a64_secondary_start
	.balign 4
a64_secondary_start:
	ENTRY_STATE			/* x19 = x0 = the context id */
	msr	daifset, #0xf
	mrs	x1, mpidr_el1
	ubfx	x2, x1, #8, #16
	cbnz	x2, a64_bad_cpu
	ubfx	x2, x1, #32, #8
	cbnz	x2, a64_bad_cpu
	and	x1, x1, #0xff
	cmp	x1, #A64_MAX_CPUS
	b.hs	a64_bad_cpu
	msr	tpidr_el1, x1
	adrp	x2, _stacks_base
	add	x2, x2, :lo12:_stacks_base
	add	x3, x1, #1
	lsl	x3, x3, #14
	add	sp, x2, x3
	adrp	x2, a64_vectors
	add	x2, x2, :lo12:a64_vectors
	msr	vbar_el1, x2
	isb
	STORE_ENTRY x1
	mov	x0, x1
	mov	x1, x19
	bl	a64_secondary_main
	bl	a64_cpu_off		/* does not return */

/* A CPU number the framework has no stack for: the IPA jump of a64_fail, code 0xbad. */
a64_bad_cpu:
	mov	x0, #0xbad
#if A64_QEMU
	adrp	x1, a64_bad_cpu_block	/* semihosting SYS_EXIT, status 0xad */
	add	x1, x1, :lo12:a64_bad_cpu_block
	mov	x0, #0x18
	hlt	#0xf000
#else
	movz	x1, #(A64_FAIL_IPA >> 16), lsl #16
	br	x1
#endif
4:	wfi
	b	4b

/* ---- PSCI / SMCCC conduits ---- */
	.globl a64_hvc
	.balign 4
a64_hvc:
	.globl a64_hvc_insn
a64_hvc_insn:
	hvc	#0
	ret

	.globl a64_smc
	.balign 4
a64_smc:
	.globl a64_smc_insn
a64_smc_insn:
	smc	#0
	ret

/* ---- console ---- */
	.globl a64_putc
	.balign 4
a64_putc:				/* w0 = the character */
	movz	x1, #(A64_UART_BASE >> 16), lsl #16
	.globl a64_putc_at
a64_putc_at:				/* w0 = the character, x1 = a PL011 base */
	.globl a64_uart_fr_read
a64_uart_fr_read:
	ldr	w2, [x1, #A64_UART_FR]
	tbnz	w2, #5, a64_uart_fr_read	/* TXFF: the FIFO is full */
	.globl a64_uart_dr_write
a64_uart_dr_write:
	strb	w0, [x1, #A64_UART_DR]
	ret

/* ---- vectors ---- */
	.balign 2048
	.globl a64_vectors
a64_vectors:
	.irp	kind, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	.balign	128
	sub	sp, sp, #0x120		/* sizeof(struct a64_frame) */
	stp	x0, x1, [sp, #0x00]
	mov	x1, #\kind
	b	a64_vector_common
	.endr

a64_vector_common:
	stp	x2, x3, [sp, #0x10]
	stp	x4, x5, [sp, #0x20]
	stp	x6, x7, [sp, #0x30]
	stp	x8, x9, [sp, #0x40]
	stp	x10, x11, [sp, #0x50]
	stp	x12, x13, [sp, #0x60]
	stp	x14, x15, [sp, #0x70]
	stp	x16, x17, [sp, #0x80]
	stp	x18, x19, [sp, #0x90]
	stp	x20, x21, [sp, #0xa0]
	stp	x22, x23, [sp, #0xb0]
	stp	x24, x25, [sp, #0xc0]
	stp	x26, x27, [sp, #0xd0]
	stp	x28, x29, [sp, #0xe0]
	add	x2, sp, #0x120
	stp	x30, x2, [sp, #0xf0]	/* x30, the interrupted SP_EL1 */
	mrs	x2, elr_el1
	mrs	x3, spsr_el1
	stp	x2, x3, [sp, #0x100]
	mrs	x2, esr_el1
	mrs	x3, far_el1
	stp	x2, x3, [sp, #0x110]
	mov	x0, sp
	bl	a64_trap
	ldp	x2, x3, [sp, #0x100]
	msr	elr_el1, x2
	msr	spsr_el1, x3
	ldp	x0, x1, [sp, #0x00]
	ldp	x2, x3, [sp, #0x10]
	ldp	x4, x5, [sp, #0x20]
	ldp	x6, x7, [sp, #0x30]
	ldp	x8, x9, [sp, #0x40]
	ldp	x10, x11, [sp, #0x50]
	ldp	x12, x13, [sp, #0x60]
	ldp	x14, x15, [sp, #0x70]
	ldp	x16, x17, [sp, #0x80]
	ldp	x18, x19, [sp, #0x90]
	ldp	x20, x21, [sp, #0xa0]
	ldp	x22, x23, [sp, #0xb0]
	ldp	x24, x25, [sp, #0xc0]
	ldp	x26, x27, [sp, #0xd0]
	ldp	x28, x29, [sp, #0xe0]
	ldr	x30, [sp, #0xf0]
	add	sp, sp, #0x120
	eret

/* A64_CHECK for the assembly guests (mmio.S, wfi.S, svc.S): x16 = code, x17 = the value
 * found. Keeps every register but x16, x17 and x30 (the caller's bl). */
	.globl a64_asm_check_failed
	.balign 4
a64_asm_check_failed:
	sub	sp, sp, #0xa0
	stp	x0, x1, [sp, #0x00]
	stp	x2, x3, [sp, #0x10]
	stp	x4, x5, [sp, #0x20]
	stp	x6, x7, [sp, #0x30]
	stp	x8, x9, [sp, #0x40]
	stp	x10, x11, [sp, #0x50]
	stp	x12, x13, [sp, #0x60]
	stp	x14, x15, [sp, #0x70]
	stp	x18, x30, [sp, #0x80]
	mov	x0, x16
	mov	x1, x17
	bl	a64_check_failed_code
	ldp	x0, x1, [sp, #0x00]
	ldp	x2, x3, [sp, #0x10]
	ldp	x4, x5, [sp, #0x20]
	ldp	x6, x7, [sp, #0x30]
	ldp	x8, x9, [sp, #0x40]
	ldp	x10, x11, [sp, #0x50]
	ldp	x12, x13, [sp, #0x60]
	ldp	x14, x15, [sp, #0x70]
	ldp	x18, x30, [sp, #0x80]
	add	sp, sp, #0xa0
	ret

	.section .rodata
	.balign 8
a64_bad_cpu_block:
	.dword	0x20026			/* ADP_Stopped_ApplicationExit */
	.dword	0xad			/* exit status (0xbad & 0xff) */

	.bss
	.balign 8
	.globl a64_boot_cpu
a64_boot_cpu:
	.dword	0
	.balign 64
	.globl a64_entry_state
a64_entry_state:
	.skip	64 * A64_MAX_CPUS
