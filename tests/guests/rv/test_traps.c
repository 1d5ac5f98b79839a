/* Synchronous exceptions without address translation: each cause the hart can raise here
 * (1, 2, 3, 4/6 for atomics, 5, 7, 8-11), the values latched with them, and where medeleg and
 * hedeleg send them (privileged spec: "Machine Cause Register", "Machine Trap Delegation
 * Registers", and the H chapter's "Trap Entry" and "Hypervisor Trap Delegation Registers"). */
#include "testlib.h"

#define CSR_UNASSIGNED 0x0ff /* a user read/write CSR number no extension defines */
#define CSR_SSTATUS    0x100
#define CSR_MSTATUS    0x300
#define CSR_HSTATUS    0x600
#define CSR_MHARTID    0xf14
#define CSR_CYCLE      0xc00
#define CSR_FCSR       0x003

/* ---- cause 1: instruction access fault ---- */

static uint64_t jump_to(uint64_t target)
{
	tl_exec(target);
	return 0;
}

static void t_fetch_access_fault(void)
{
	tl_expect();
	tl_exec(TL_UNMAPPED_PA);
	CHECK_TRAP(TL_AT_M, EXC_INSN_ACCESS);
	CHECK_EQ(tl_trap.epc, TL_UNMAPPED_PA);
	CHECK_EQ(tl_trap.tval, TL_UNMAPPED_PA);
	tl_expect();
	tl_run(TL_U, jump_to, TL_UNMAPPED_PA + 0x40);
	CHECK_TRAP(TL_AT_M, EXC_INSN_ACCESS);
	CHECK_EQ(tl_trap.from, TL_U);
	CHECK_EQ(tl_trap.tval, TL_UNMAPPED_PA + 0x40);
	/* delegated, from VS: stval is a guest virtual address, so GVA = 1 */
	csr_write(medeleg, BIT(EXC_INSN_ACCESS));
	tl_expect();
	tl_run(TL_VS, jump_to, TL_UNMAPPED_PA + 0x80);
	CHECK_TRAP(TL_AT_HS, EXC_INSN_ACCESS);
	CHECK_EQ(tl_trap.tval, TL_UNMAPPED_PA + 0x80);
	CHECK_EQ(tl_trap.epc, TL_UNMAPPED_PA + 0x80);
	CHECK_EQ(tl_trap.tval2, 0);
	CHECK_EQ(tl_trap.hstatus & (HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA),
		 HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA);
}

/* ---- cause 2: illegal instruction, xtval = the instruction bits ---- */

static void expect_illegal(enum tl_mode mode, uint32_t insn)
{
	tl_expect();
	tl_exec_insn(mode, insn, 0, 0);
	CHECK_TRAP(TL_AT_M, EXC_ILLEGAL);
	CHECK_EQ(tl_trap.tval, insn);
	CHECK_EQ(tl_trap.epc, tl_insn_addr());
	CHECK_EQ(tl_trap.from, mode);
}

#define QEMU_STALE_TVAL                                                                            \
	"QEMU 7.2 leaves xtval holding an earlier instruction when a helper raises the illegal "   \
	"instruction at run time"

static void t_illegal(void)
{
	/* floating point with mstatus.FS = 0 (or without F at all) */
	expect_illegal(TL_M, 0x00053007); /* fld ft0, 0(a0) */
	expect_illegal(TL_M, 0x0220f053); /* fadd.d ft0, ft1, ft2 */
	expect_illegal(TL_M, 0x2100);	  /* c.fld fs0, 0(a0) */
	expect_illegal(TL_U, INSN_CSRR(CSR_FCSR));
	/* reserved encodings: the all-zero halfword and the custom-0 opcode */
	expect_illegal(TL_M, 0x0000);
	expect_illegal(TL_M, 0x0000000b);
	/* a CSR that does not exist */
	expect_illegal(TL_M, INSN_CSRR(CSR_UNASSIGNED));
	expect_illegal(TL_U, INSN_CSRR(CSR_UNASSIGNED));
	/* writes to read-only CSRs (number bits [11:10] = 3) */
	expect_illegal(TL_M, INSN_CSRW(CSR_MHARTID));
	expect_illegal(TL_M, INSN_CSRW(CSR_CYCLE));
	expect_illegal(TL_M, 0xf1456073); /* csrrsi zero, mhartid, 10 */
	/* CSRs of a more privileged level */
	expect_illegal(TL_U, INSN_CSRR(CSR_SSTATUS));
	expect_illegal(TL_U, INSN_CSRR(CSR_HSTATUS));
	expect_illegal(TL_HS, INSN_CSRR(CSR_MSTATUS));
	/* xRET above the current level, and sfence.vma / hypervisor instructions in U */
	expect_illegal(TL_HS, INSN_MRET);
	expect_illegal(TL_U, INSN_MRET);
	expect_illegal(TL_U, INSN_SRET);
	expect_illegal(TL_U, INSN_SFENCE_VMA);
	expect_illegal(TL_U, INSN_HFENCE_VVMA);
	/* hlv.d in U with hstatus.HU = 0 */
	tl_expect();
	tl_exec_insn(TL_U, INSN_HLV_D, 0, 0);
	CHECK_TRAP(TL_AT_M, EXC_ILLEGAL);
	CHECK_EQ_QEMU(tl_trap.tval, INSN_HLV_D, tl_trap.tval, QEMU_STALE_TVAL);
	/* WFI in U with S-mode present; mstatus.TW/TVM/TSR in HS */
	expect_illegal(TL_U, INSN_WFI);
	csr_set(mstatus, MSTATUS_TW);
	expect_illegal(TL_HS, INSN_WFI);
	csr_clear(mstatus, MSTATUS_TW);
	csr_set(mstatus, MSTATUS_TVM);
	expect_illegal(TL_HS, INSN_SFENCE_VMA);
	expect_illegal(TL_HS, INSN_CSRR(0x180)); /* satp */
	expect_illegal(TL_HS, INSN_HFENCE_GVMA);
	/* hgatp (H chapter, "Hypervisor Guest Address Translation and Protection Register") */
	tl_expect();
	tl_exec_insn(TL_HS, INSN_CSRR(0x680), 0, 0);
	CHECK_EQ_QEMU(tl_trap.count, 1, 0, "QEMU 7.2 lets HS access hgatp while mstatus.TVM = 1");
	if (!TL_QEMU) {
		CHECK_TRAP(TL_AT_M, EXC_ILLEGAL);
		CHECK_EQ(tl_trap.tval, INSN_CSRR(0x680));
	}
	csr_clear(mstatus, MSTATUS_TVM);
	csr_set(mstatus, MSTATUS_TSR);
	expect_illegal(TL_HS, INSN_SRET);
	csr_clear(mstatus, MSTATUS_TSR);
	/* read-only CSRs may be read with csrrs/csrrc and rs1 = x0 */
	tl_expect();
	CHECK_EQ(tl_exec_insn(TL_M, INSN_CSRR(CSR_MHARTID), 5, 0), 0);
	CHECK_NO_TRAP();
	tl_disarm();
	/* TW = 0, TVM = 0: HS may run them */
	tl_expect();
	tl_exec_insn(TL_HS, INSN_SFENCE_VMA, 0, 0);
	tl_exec_insn(TL_HS, INSN_HFENCE_GVMA, 0, 0);
	CHECK_NO_TRAP();
	tl_disarm();
}

/* ---- cause 3: breakpoint, xtval = pc ---- */

/* The spec lets xtval be 0 or the pc here; trapscope writes the pc, QEMU 7.2 writes 0. */
#define QEMU_EBREAK_TVAL "QEMU 7.2 writes xtval = 0 for EBREAK (the spec allows 0 or the pc)"

static void t_breakpoint(void)
{
	tl_expect();
	tl_exec_insn(TL_M, INSN_EBREAK, 0, 0);
	CHECK_TRAP(TL_AT_M, EXC_BREAKPOINT);
	CHECK_EQ(tl_trap.epc, tl_insn_addr());
	CHECK_EQ_QEMU(tl_trap.tval, tl_insn_addr(), 0, QEMU_EBREAK_TVAL);
	tl_expect();
	tl_exec_insn(TL_U, INSN_C_EBREAK, 0, 0);
	CHECK_TRAP(TL_AT_M, EXC_BREAKPOINT);
	CHECK_EQ(tl_trap.epc, tl_insn_addr());
	CHECK_EQ_QEMU(tl_trap.tval, tl_insn_addr(), 0, QEMU_EBREAK_TVAL);
	/* from VS into HS: stval holds a guest virtual address, so hstatus.GVA = 1 */
	csr_write(medeleg, BIT(EXC_BREAKPOINT));
	tl_expect();
	tl_exec_insn(TL_VS, INSN_EBREAK, 0, 0);
	CHECK_TRAP(TL_AT_HS, EXC_BREAKPOINT);
	CHECK_EQ_QEMU(tl_trap.tval, tl_insn_addr(), 0, QEMU_EBREAK_TVAL);
	CHECK_EQ_QEMU(tl_trap.hstatus & HSTATUS_GVA, HSTATUS_GVA, 0, QEMU_EBREAK_TVAL);
	CHECK_EQ(tl_trap.hstatus & HSTATUS_SPV, HSTATUS_SPV);
	/* and into M: mstatus.GVA and MPV */
	csr_write(medeleg, 0);
	tl_expect();
	tl_exec_insn(TL_VU, INSN_C_EBREAK, 0, 0);
	CHECK_TRAP(TL_AT_M, EXC_BREAKPOINT);
	CHECK_EQ_QEMU(tl_trap.tval, tl_insn_addr(), 0, QEMU_EBREAK_TVAL);
	CHECK_EQ(tl_trap.status & MSTATUS_MPV, MSTATUS_MPV);
	CHECK_EQ_QEMU(tl_trap.status & MSTATUS_GVA, MSTATUS_GVA, 0, QEMU_EBREAK_TVAL);
	CHECK_EQ(tl_trap.from, TL_VU);
}

/* ---- causes 5 and 7: load/store access faults ---- */

static uint64_t load_from(uint64_t addr)
{
	return tl_ld(addr);
}

static uint64_t store_to(uint64_t addr)
{
	tl_sd(addr, 1);
	return 0;
}

static void t_access_faults(void)
{
	tl_expect();
	CHECK_EQ(tl_ld(TL_UNMAPPED_PA + 0x100), TL_SENTINEL);
	CHECK_TRAP(TL_AT_M, EXC_LOAD_ACCESS);
	CHECK_EQ(tl_trap.tval, TL_UNMAPPED_PA + 0x100);
	tl_expect();
	tl_sw(TL_UNMAPPED_PA + 0x104, 1);
	CHECK_TRAP(TL_AT_M, EXC_STORE_ACCESS);
	CHECK_EQ(tl_trap.tval, TL_UNMAPPED_PA + 0x104);
	tl_expect();
	CHECK_EQ(tl_lbu(TL_UNMAPPED_PA + 0x1001), TL_SENTINEL);
	CHECK_TRAP(TL_AT_M, EXC_LOAD_ACCESS);
	CHECK_EQ(tl_trap.tval, TL_UNMAPPED_PA + 0x1001);
	/* from U and from VU (no translation: the guest physical address is the address) */
	tl_expect();
	CHECK_EQ(tl_run(TL_U, load_from, TL_UNMAPPED_PA + 8), TL_SENTINEL);
	CHECK_TRAP(TL_AT_M, EXC_LOAD_ACCESS);
	CHECK_EQ(tl_trap.from, TL_U);
	CHECK_EQ(tl_trap.status & MSTATUS_GVA, 0);
	tl_expect();
	tl_run(TL_VU, store_to, TL_UNMAPPED_PA + 16);
	CHECK_TRAP(TL_AT_M, EXC_STORE_ACCESS);
	CHECK_EQ(tl_trap.from, TL_VU);
	CHECK_EQ(tl_trap.tval, TL_UNMAPPED_PA + 16);
	CHECK_EQ(tl_trap.status & (MSTATUS_MPV | MSTATUS_GVA), MSTATUS_MPV | MSTATUS_GVA);
	CHECK_EQ(tl_trap.tval2, 0);
	/* delegated to HS from VS: GVA = 1, htval = 0 (not a guest-page fault) */
	csr_write(medeleg, BIT(EXC_LOAD_ACCESS) | BIT(EXC_STORE_ACCESS));
	tl_expect();
	tl_run(TL_VS, load_from, TL_UNMAPPED_PA + 24);
	CHECK_TRAP(TL_AT_HS, EXC_LOAD_ACCESS);
	CHECK_EQ(tl_trap.tval, TL_UNMAPPED_PA + 24);
	CHECK_EQ(tl_trap.tval2, 0);
	CHECK_EQ(tl_trap.hstatus & (HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA),
		 HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA);
	/* from HS itself: SPV = 0, GVA = 0 */
	tl_expect();
	tl_run(TL_HS, store_to, TL_UNMAPPED_PA + 32);
	CHECK_TRAP(TL_AT_HS, EXC_STORE_ACCESS);
	CHECK_EQ(tl_trap.hstatus & (HSTATUS_SPV | HSTATUS_GVA), 0);
	CHECK_EQ(tl_trap.status & MSTATUS_SPP, MSTATUS_SPP);
}

/* A misaligned access whose second part has nothing behind it: xtval is the address of the
 * part that faulted (privileged spec, "Machine Trap Value Register"). */
static void t_split_access_fault(void)
{
	uint64_t end = TL_UNMAPPED_PA; /* RAM ends here */
	tl_expect();
	CHECK_EQ(tl_ld(end - 4), TL_SENTINEL);
	CHECK_TRAP(TL_AT_M, EXC_LOAD_ACCESS);
	CHECK_EQ(tl_trap.tval, end);
	tl_expect();
	tl_sw(end - 2, 0x12345678);
	CHECK_TRAP(TL_AT_M, EXC_STORE_ACCESS);
	CHECK_EQ(tl_trap.tval, end);
}

/* ---- misaligned loads and stores succeed in every mode ---- */

static uint8_t bytes[32] __attribute__((aligned(16)));

static uint64_t misaligned_rw(uint64_t addr)
{
	tl_sd(addr, 0x1122334455667788);
	return tl_ld(addr) ^ tl_lwu(addr + 1);
}

static void t_misaligned_in_modes(void)
{
	uint64_t a = (uint64_t)(uintptr_t)bytes + 3;
	/* the bytes at a are 88 77 66 55 44 33 22 11, so ld(a) ^ lwu(a + 1) =
	 * 0x1122334455667788 ^ 0x44556677 */
	static const enum tl_mode modes[] = {TL_M, TL_HS, TL_U, TL_VS, TL_VU};
	tl_expect();
	for (unsigned i = 0; i < 5; i++)
		CHECK_EQ(tl_run(modes[i], misaligned_rw, a), 0x11223344113311ff);
	CHECK_NO_TRAP();
	tl_disarm();
}

/* ---- causes 8-11: environment calls ---- */

static void t_ecall(void)
{
	static const struct {
		enum tl_mode mode;
		uint64_t cause;
	} cases[] = {
	    {TL_M, EXC_ECALL_M},   {TL_HS, EXC_ECALL_HS}, {TL_U, EXC_ECALL_U},
	    {TL_VS, EXC_ECALL_VS}, {TL_VU, EXC_ECALL_U},
	};
	for (unsigned i = 0; i < 5; i++) {
		tl_expect();
		tl_exec_insn(cases[i].mode, INSN_ECALL, 0, 0);
		CHECK_TRAP(TL_AT_M, cases[i].cause);
		CHECK_EQ(tl_trap.tval, 0);
		CHECK_EQ(tl_trap.epc, tl_insn_addr());
		CHECK_EQ(tl_trap.from, cases[i].mode);
		CHECK_EQ(tl_trap.status & MSTATUS_GVA, 0);
	}
}

/* ---- delegation ---- */

#define ILLEGAL_PROBE INSN_CSRR(CSR_UNASSIGNED)

#define QEMU_VS_CAUSE                                                                              \
	"QEMU 7.2 subtracts 1 from exception causes 2, 6 and 10 delegated to VS, as if they were " \
	"the VS interrupts"

/* Where an illegal instruction from mode lands, with the given delegation. */
static void expect_route(enum tl_mode mode, uint64_t medeleg, uint64_t hedeleg, unsigned level)
{
	csr_write(medeleg, medeleg);
	csr_write(hedeleg, hedeleg);
	tl_expect();
	tl_exec_insn(mode, ILLEGAL_PROBE, 0, 0);
	if (level == TL_AT_VS)
		CHECK_TRAP_QEMU(level, EXC_ILLEGAL, EXC_INSN_ACCESS, QEMU_VS_CAUSE);
	else
		CHECK_TRAP(level, EXC_ILLEGAL);
	CHECK_EQ(tl_trap.tval, ILLEGAL_PROBE);
	CHECK_EQ(tl_trap.epc, tl_insn_addr());
	CHECK_EQ(tl_trap.from, mode);
}

static void t_delegation_paths(void)
{
	const uint64_t ill = BIT(EXC_ILLEGAL);
	expect_route(TL_M, ill, ill, TL_AT_M); /* M traps never go down */
	expect_route(TL_U, 0, 0, TL_AT_M);
	expect_route(TL_U, ill, 0, TL_AT_HS);
	expect_route(TL_U, ill, ill, TL_AT_HS); /* hedeleg applies only with V=1 */
	expect_route(TL_HS, ill, 0, TL_AT_HS);
	expect_route(TL_VS, 0, 0, TL_AT_M);
	expect_route(TL_VS, 0, ill, TL_AT_M); /* hedeleg alone does not take it from M */
	expect_route(TL_VS, ill, 0, TL_AT_HS);
	CHECK_EQ(tl_trap.hstatus & (HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA),
		 HSTATUS_SPV | HSTATUS_SPVP);
	CHECK_EQ(tl_trap.status & MSTATUS_SPP, MSTATUS_SPP);
	expect_route(TL_VS, ill, ill, TL_AT_VS);
	CHECK_EQ(tl_trap.status & MSTATUS_SPP, MSTATUS_SPP); /* vsstatus.SPP */
	expect_route(TL_VU, ill, 0, TL_AT_HS);
	CHECK_EQ(tl_trap.hstatus & (HSTATUS_SPV | HSTATUS_SPVP), HSTATUS_SPV);
	CHECK_EQ(tl_trap.status & MSTATUS_SPP, 0);
	expect_route(TL_VU, ill, ill, TL_AT_VS);
	CHECK_EQ(tl_trap.status & MSTATUS_SPP, 0);
	expect_route(TL_VU, 0, 0, TL_AT_M);
	CHECK_EQ(tl_trap.status & (MSTATUS_MPV | MSTATUS_MPP), MSTATUS_MPV);
	/* ecalls: from VU delegated to VS, from VS to HS (hedeleg[10] is read-only zero) */
	csr_write(medeleg, BIT(EXC_ECALL_U) | BIT(EXC_ECALL_VS));
	csr_write(hedeleg, BIT(EXC_ECALL_U) | BIT(EXC_ECALL_VS));
	tl_expect();
	tl_exec_insn(TL_VU, INSN_ECALL, 0, 0);
	CHECK_TRAP(TL_AT_VS, EXC_ECALL_U);
	tl_expect();
	tl_exec_insn(TL_VS, INSN_ECALL, 0, 0);
	CHECK_TRAP(TL_AT_HS, EXC_ECALL_VS);
	tl_expect();
	tl_exec_insn(TL_U, INSN_ECALL, 0, 0);
	CHECK_TRAP(TL_AT_HS, EXC_ECALL_U);
}

/* Which bits the delegation registers keep (H chapter, "Hypervisor Trap Delegation
 * Registers"; machine chapter, "Machine Trap Delegation Registers"). */
static void t_delegation_registers(void)
{
	csr_write(medeleg, ~UINT64_C(0));
	uint64_t m = csr_read(medeleg);
	/* medeleg[11] is read-only zero */
	CHECK_EQ_QEMU(m & BIT(EXC_ECALL_M), 0, BIT(EXC_ECALL_M),
		      "QEMU 7.2 lets medeleg[11] be set");
	CHECK_EQ(m & 0xb3fe, 0xb3fe); /* 1-9, 12, 13, 15 delegable (0: IALIGN = 16 may be zero) */
	CHECK_EQ(m & (BIT(20) | BIT(21) | BIT(22) | BIT(23)),
		 BIT(20) | BIT(21) | BIT(22) | BIT(23));
	csr_write(medeleg, 0);

	csr_write(hedeleg, ~UINT64_C(0));
	uint64_t h = csr_read(hedeleg);
	/* must be writable: 1-8, 12, 13, 15 */
	CHECK_EQ(h & 0xb1fe, 0xb1fe);
	/* read-only zero: 9-11, 16, 20-23 */
	CHECK_EQ(h & (BIT(9) | BIT(10) | BIT(11) | BIT(16)), 0);
	CHECK_EQ(h & (BIT(20) | BIT(21) | BIT(22) | BIT(23)), 0);
	csr_write(hedeleg, 0);
	CHECK_EQ(csr_read(hedeleg), 0);

	/* hideleg: VSEIP, VSTIP, VSSIP writable; the S-level bits (and SGEIP) read-only zero */
	csr_write(hideleg, ~UINT64_C(0));
	uint64_t hi = csr_read(hideleg);
	CHECK_EQ(hi & (BIT(IRQ_VSEI) | BIT(IRQ_VSTI) | BIT(IRQ_VSSI)),
		 BIT(IRQ_VSEI) | BIT(IRQ_VSTI) | BIT(IRQ_VSSI));
	CHECK_EQ(hi & (BIT(IRQ_SSI) | BIT(IRQ_STI) | BIT(IRQ_SEI) | BIT(12)), 0);
	CHECK_EQ(hi & (BIT(IRQ_MSI) | BIT(IRQ_MTI) | BIT(IRQ_MEI)), 0);
	csr_write(hideleg, 0);
	CHECK_EQ(csr_read(hideleg), 0);

	/* mideleg: the VS bits are read-only one; the S bits writable; M bits never delegated */
	csr_write(mideleg, 0);
	uint64_t mi = csr_read(mideleg);
	CHECK_EQ(mi & (BIT(IRQ_VSEI) | BIT(IRQ_VSTI) | BIT(IRQ_VSSI)),
		 BIT(IRQ_VSEI) | BIT(IRQ_VSTI) | BIT(IRQ_VSSI));
	CHECK_EQ(mi & (BIT(IRQ_SSI) | BIT(IRQ_STI) | BIT(IRQ_SEI)), 0);
	csr_write(mideleg, ~UINT64_C(0));
	mi = csr_read(mideleg);
	CHECK_EQ(mi & (BIT(IRQ_SSI) | BIT(IRQ_STI) | BIT(IRQ_SEI)),
		 BIT(IRQ_SSI) | BIT(IRQ_STI) | BIT(IRQ_SEI));
	CHECK_EQ(mi & (BIT(IRQ_MSI) | BIT(IRQ_MTI) | BIT(IRQ_MEI)), 0);
	csr_write(mideleg, 0);

	/* hvip: only the three VS bits */
	csr_write(hvip, ~UINT64_C(0));
	CHECK_EQ(csr_read(hvip), BIT(IRQ_VSEI) | BIT(IRQ_VSTI) | BIT(IRQ_VSSI));
	csr_write(hvip, 0);
}

/* ---- xRET ---- */

/* HS code that enters VS with sret (hstatus.SPV = 1, sstatus.SPP = 1); the VS side makes an
 * ecall so the trap shows where it came from. */
static uint64_t sret_to_vs(uint64_t unused)
{
	(void)unused;
	uint64_t r;
	__asm__ volatile("lla t0, 1f\n\t"
			 "csrw sepc, t0\n\t"
			 "li t0, 0x80\n\t" /* hstatus.SPV */
			 "csrs hstatus, t0\n\t"
			 "li t0, 0x100\n\t" /* sstatus.SPP */
			 "csrs sstatus, t0\n\t"
			 "sret\n"
			 "1:\tli a7, 0\n\t"
			 "ecall\n\t"
			 "li %0, 77"
			 : "=r"(r)
			 :
			 : "t0", "a7", "memory");
	return r;
}

static void t_xret(void)
{
	tl_expect();
	CHECK_EQ(tl_run(TL_HS, sret_to_vs, 0), 77);
	CHECK_TRAP(TL_AT_M, EXC_ECALL_VS);
	CHECK_EQ(tl_trap.from, TL_VS);
	/* SRET from HS sets hstatus.SPV = 0 and sstatus.SPP = 0 */
	CHECK_EQ(csr_read(hstatus) & HSTATUS_SPV, 0);
	CHECK_EQ(csr_read(mstatus) & MSTATUS_SPP, 0);

	/* MRET to M: MPP becomes U (the least-privileged mode), MIE = MPIE, MPIE = 1 */
	uint64_t after;
	csr_clear(mstatus, MSTATUS_MIE);
	csr_set(mstatus, MSTATUS_MPP_M);
	csr_clear(mstatus, MSTATUS_MPIE);
	__asm__ volatile("lla t0, 1f\n\tcsrw mepc, t0\n\tmret\n1:\tcsrr %0, mstatus"
			 : "=r"(after)
			 :
			 : "t0", "memory");
	CHECK_EQ(after & MSTATUS_MPP, 0);
	CHECK_EQ(after & MSTATUS_MPIE, MSTATUS_MPIE);
	CHECK_EQ(after & MSTATUS_MIE, 0);
	CHECK_EQ(after & MSTATUS_MPV, 0);
}

int main(void)
{
	tl_init("traps");
	tl_test("instruction access fault (1)", t_fetch_access_fault);
	tl_test("illegal instruction (2)", t_illegal);
	tl_test("breakpoint (3)", t_breakpoint);
	tl_test("load/store access faults (5/7)", t_access_faults);
	tl_test("split access fault", t_split_access_fault);
	tl_test("misaligned loads/stores in every mode", t_misaligned_in_modes);
	tl_test("ecall (8/9/10/11)", t_ecall);
	tl_test("delegation paths", t_delegation_paths);
	tl_test("delegation registers", t_delegation_registers);
	tl_test("sret/mret", t_xret);
	return tl_finish();
}
