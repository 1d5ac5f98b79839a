/* fetchfault: jumps to IPA 0x0b000000 (A64_UNASSIGNED), where the virt machine has neither RAM
 * nor a device. With the MMU off the fetch faults at stage 2: an Instruction Abort from a lower
 * Exception level, ESR_EL2 = 0x82000005 (EC 0x20, IL 1, FnV 0, EA 0, S1PTW 0, IFSC 0b000101:
 * translation fault, level 1 in a stage-2 table that maps nothing below 0x40000000; the level
 * is the one trapscope's walk reports), FAR_EL2 = ELR_EL2 = 0x0b000000, HPFAR_EL2 = 0xb0000.
 * Nothing can be fetched there, so the hypervisor cannot resolve it: the run stops with exit
 * status 1 and a report naming the IPA; the exit is the last event, with no resume. Nothing
 * after the jump runs. (KVM would inject a prefetch abort instead; this guest would then fail
 * through its vectors, which did not expect one: also a non-zero status.)
 * QEMU (TS_ORACLE_QEMU): the fetch is a synchronous external abort at EL1, ESR_EL1 0x86000010,
 * ELR_EL1 = FAR_EL1 = 0x0b000000; the guest's vectors did not expect it and fail the run with
 * code 0xee (QEMU exits with status 238 through semihosting).
 */
#include "a64.h"

	.text
	.globl main
	.balign 4
main:
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	adrp	x0, msg
	add	x0, x0, :lo12:msg
	bl	a64_puts
	movz	x1, #(A64_UNASSIGNED >> 16), lsl #16
	.globl fetchfault_jump
fetchfault_jump:
	blr	x1
	adrp	x0, after
	add	x0, x0, :lo12:after
	bl	a64_puts
	mov	w0, #0xf1		/* still alive: fail */
	ldp	x29, x30, [sp], #16
	ret

	.section .rodata
msg:	.asciz	"fetchfault: jumping to IPA 0x0b000000\n"
after:	.asciz	"fetchfault: the jump returned\n"
