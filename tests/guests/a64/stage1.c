/* stage1: the guest's own stage-1 translation (EL1&0 regime, TTBR0_EL1), under trapscope's
 * stage 2. 4 KiB granule; 39-bit VA (TCR_EL1.T0SZ = 25, the walk starts at level 1) by
 * default, 48-bit VA (T0SZ = 16, from level 0) with -DSTAGE1_VA48. TTBR1 walks are disabled
 * (EPD1 = 1). MAIR_EL1 = 0x00ff: Attr0 Normal write-back, Attr1 Device-nGnRnE. SCTLR_EL1.M = 1
 * only (C and I stay 0: no cache maintenance needed on real hardware either).
 * TCR_EL1 = IPS 36 bits | TG1 4 KiB | EPD1 | T1SZ | SH0 inner | ORGN0/IRGN0 WB | T0SZ
 *         = 0x180993519 (39-bit) / 0x180903510 (48-bit).
 *
 * Tables (.bss, 4 KiB aligned; [48-bit only: l0[0] -> l1]):
 *   l1[0] -> l2_low:  l2_low[72] = 2 MiB Device block at 0x09000000 (the PL011, identity)
 *   l1[1] -> l2_ram:  64 2-MiB Normal blocks, identity map of RAM 0x40000000..0x47ffffff
 *   l1[2] -> l2_test (VA 0x80000000..0xbfffffff):
 *     l2_test[0] -> l3_test: VA 0x80000000 -> the PL011 page (Device, XN)
 *                            VA 0x80001000 -> data_page (RW, XN)
 *                            VA 0x80002000 -> data_page again (RW, XN): an alias
 *                            VA 0x80003000    invalid
 *                            VA 0x80004000 -> data_page read-only (AP[2] = 1)
 *                            VA 0x80005000 -> data_page with AF = 0
 *                            VA 0x80006000 -> s1_code_page (read-only, executable at EL1)
 *                            VA 0x80007000 -> s1_code_page with PXN = 1
 *     l2_test[1]    invalid (VA 0x80200000)
 *     l2_test[2] -> ZPAGE0 (0x47e00000), l2_test[3] -> ZPAGE2 (0x47e02000): L3 tables in
 *       RAM pages the guest never touches, so they read as zero
 *   l1[3] -> ZPAGE1 (0x47e01000): an L2 table, zero
 *   l1[4]    invalid (VA 0x100000000)
 * With the MMU on, in order (FAR_EL1 = the VA; ELR_EL1 = the instruction, at the global
 * labels stage1_load (ldr x0, [x0]), stage1_store (str x1, [x0]) and, for fetches, the
 * target VA after stage1_blr (blr x0)):
 *   1. "stage1: hello through the PL011 at VA 0x80000000" through the alias: MMIO exits
 *      (data aborts from EL1 at stage 2, ISV = 1, S1PTW = 0) whose FAR_EL2 is the VA
 *      (0x80000018 for FR reads, 0x80000000 for DR writes) and whose HPFAR_EL2 = 0x90000
 *      (IPA 0x09000000 >> 12 << 4): the IPA is HPFAR.FIPA << 12 | FAR[11:0].
 *   2. a write through 0x80001040 read back through 0x80002040, through the identity map of
 *      data_page, and through the read-only 0x80004040; a call to 0x80006000 returns 0x1234.
 *   3. the guest's own faults, taken at VBAR_EL1 + 0x200 (guest_trap events, no exits):
 *        load  0x80003010          ESR_EL1 0x96000007  translation fault, level 3
 *        store 0x80004008          ESR_EL1 0x9600004f  permission fault, level 3, WnR
 *        load  0x80005000          ESR_EL1 0x9600000b  access flag fault, level 3
 *        load  0x80200020          ESR_EL1 0x96000006  translation fault, level 2
 *        load  0x100000000         ESR_EL1 0x96000005  translation fault, level 1
 *        load  0x8000000000        ESR_EL1 0x96000004  level 0 (39-bit: outside the TTBR0
 *                                                      range; 48-bit: l0[1] invalid)
 *        load  0xfffffffffffff000  ESR_EL1 0x96000004  level 0 (TTBR1 range, EPD1 = 1)
 *        load  0x80403008          ESR_EL1 0x96000007  level 3, PTE read at ZPAGE0 + 0x18
 *        load  0xc0a00000          ESR_EL1 0x96000006  level 2, PTE read at ZPAGE1 + 0x28
 *        fetch 0x80607000          ESR_EL1 0x86000007  instruction abort (EC 0x21), level
 *                                                      3, PTE at ZPAGE2 + 0x38; ELR = FAR
 *        fetch 0x80007000          ESR_EL1 0x8600000f  permission fault (PXN), level 3
 *      (EC 0x25 data abort / 0x21 instruction abort without a change of EL; IL 1; ISV 0:
 *      the instruction syndrome is only given for stage-2 aborts; loads leave x0 alone.)
 *      With trapscope's lazily mapped RAM (like --ram lazy on RISC-V) the three walks
 *      through ZPAGE0/1/2 first fault at stage 2 on the walk's own read: an exit with
 *      ESR_EL2.EC = 0x24 (0x20 for the fetch), ISV 0, S1PTW 1, WnR 0 (the walk reads),
 *      DFSC = the stage-2 translation fault at the level trapscope's walk stops, FAR_EL2 =
 *      the VA, HPFAR_EL2 = the table page's IPA >> 8 (0x47e000, 0x47e010, 0x47e020); so
 *      ESR_EL2 = 0x92000080 | DFSC for the loads, 0x82000080 | IFSC for the fetch. The
 *      hypervisor maps the page (nested_page_fault), ELR stays (re-executed), then the guest
 *      takes its own fault as listed. With RAM mapped up front there are no such exits.
 *      (Every page the guest itself touches is in .text/.data/.bss, which start.S zeroes, or
 *      on its stack.)
 *   4. SCTLR_EL1.M = 0 again; "stage1: N checks, 0 failed"; SYSTEM_OFF.
 * QEMU (TS_ORACLE_QEMU) runs exactly this (no stage 2: the PL011 accesses just happen, the
 * ZPAGEs read as zero); only a failure ends differently.
 */
#include "a64.h"

#ifdef STAGE1_VA48
#define T0SZ 16
#else
#define T0SZ 25
#endif

#define D_TABLE	   UINT64_C(3)
#define D_PAGE	   UINT64_C(3)
#define D_BLOCK	   UINT64_C(1)
#define D_ATTR(i)  ((uint64_t)(i) << 2)
#define D_AP_RO	   BIT(7)
#define D_SH_INNER (UINT64_C(3) << 8)
#define D_AF	   BIT(10)
#define D_PXN	   BIT(53)
#define D_UXN	   BIT(54)
#define D_XN	   (D_PXN | D_UXN)
#define NORMAL	   (D_ATTR(0) | D_SH_INNER | D_AF)
#define DEVICE	   (D_ATTR(1) | D_AF | D_XN)

#define MAIR_VALUE UINT64_C(0x00ff)
#define TCR_VALUE                                                                                  \
	((UINT64_C(1) << 32) /* IPS: 36 bits */ | (UINT64_C(2) << 30) /* TG1: 4 KiB */ |           \
	 BIT(23) /* EPD1 */ | ((uint64_t)T0SZ << 16) /* T1SZ */ | (UINT64_C(3) << 12) /* SH0 */ |  \
	 (UINT64_C(1) << 10) /* ORGN0 WB */ | (UINT64_C(1) << 8) /* IRGN0 WB */ | T0SZ)

#define VA_UART	    UINT64_C(0x80000000)
#define VA_DATA	    UINT64_C(0x80001000)
#define VA_ALIAS    UINT64_C(0x80002000)
#define VA_HOLE	    UINT64_C(0x80003000)
#define VA_RO	    UINT64_C(0x80004000)
#define VA_NOAF	    UINT64_C(0x80005000)
#define VA_CODE	    UINT64_C(0x80006000)
#define VA_CODE_PXN UINT64_C(0x80007000)
#define VA_L2HOLE   UINT64_C(0x80200000)
#define VA_Z0	    UINT64_C(0x80403008) /* l2_test[2] -> ZPAGE0, L3 index 3 */
#define VA_Z2	    UINT64_C(0x80607000) /* l2_test[3] -> ZPAGE2, L3 index 7 */
#define VA_Z1	    UINT64_C(0xc0a00000) /* l1[3] -> ZPAGE1, L2 index 5 */
#define VA_L1HOLE   UINT64_C(0x100000000)
#define VA_L0	    UINT64_C(0x8000000000)
#define VA_TTBR1    UINT64_C(0xfffffffffffff000)
#define ZPAGE0	    UINT64_C(0x47e00000)
#define ZPAGE1	    UINT64_C(0x47e01000)
#define ZPAGE2	    UINT64_C(0x47e02000)

#ifdef STAGE1_VA48
static uint64_t l0[512] __attribute__((aligned(4096)));
#endif
static uint64_t l1[512] __attribute__((aligned(4096)));
static uint64_t l2_low[512] __attribute__((aligned(4096)));
static uint64_t l2_ram[512] __attribute__((aligned(4096)));
static uint64_t l2_test[512] __attribute__((aligned(4096)));
static uint64_t l3_test[512] __attribute__((aligned(4096)));
static volatile uint64_t data_page[512] __attribute__((aligned(4096)));

/* A page of code of its own: x0 = 0x1234, return. */
__asm__(".pushsection .text.s1page, \"ax\"\n"
	".balign 4096\n"
	".globl s1_code_page\n"
	"s1_code_page:\n"
	"movz x0, #0x1234\n"
	"ret\n"
	".balign 4096\n"
	".popsection\n");
extern char s1_code_page[];

static uint64_t root(void)
{
#ifdef STAGE1_VA48
	return (uint64_t)l0;
#else
	return (uint64_t)l1;
#endif
}

static void build_tables(void)
{
	for (uint64_t i = 0; i < A64_RAM_SIZE >> 21; i++)
		l2_ram[i] = (A64_RAM_BASE + (i << 21)) | NORMAL | D_BLOCK;
	l2_low[A64_UART_BASE >> 21] = A64_UART_BASE | DEVICE | D_BLOCK;
	l3_test[0] = A64_UART_BASE | DEVICE | D_PAGE;
	l3_test[1] = (uint64_t)data_page | NORMAL | D_XN | D_PAGE;
	l3_test[2] = (uint64_t)data_page | NORMAL | D_XN | D_PAGE;
	l3_test[3] = 0;
	l3_test[4] = (uint64_t)data_page | NORMAL | D_AP_RO | D_XN | D_PAGE;
	l3_test[5] = ((uint64_t)data_page | NORMAL | D_XN | D_PAGE) & ~D_AF;
	l3_test[6] = (uint64_t)s1_code_page | NORMAL | D_AP_RO | D_UXN | D_PAGE;
	l3_test[7] = (uint64_t)s1_code_page | NORMAL | D_AP_RO | D_XN | D_PAGE;
	l2_test[0] = (uint64_t)l3_test | D_TABLE;
	l2_test[1] = 0;
	l2_test[2] = ZPAGE0 | D_TABLE;
	l2_test[3] = ZPAGE2 | D_TABLE;
	l1[0] = (uint64_t)l2_low | D_TABLE;
	l1[1] = (uint64_t)l2_ram | D_TABLE;
	l1[2] = (uint64_t)l2_test | D_TABLE;
	l1[3] = ZPAGE1 | D_TABLE;
	l1[4] = 0;
#ifdef STAGE1_VA48
	l0[0] = (uint64_t)l1 | D_TABLE;
	l0[1] = 0;
#endif
	__asm__ volatile("dsb ishst" ::: "memory");
}

static void mmu_on(void)
{
	write_sysreg(mair_el1, MAIR_VALUE);
	write_sysreg(tcr_el1, TCR_VALUE);
	write_sysreg(ttbr0_el1, root());
	isb();
	__asm__ volatile("tlbi vmalle1\n\tdsb nsh\n\tisb" ::: "memory");
	write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) | 1);
	isb();
}

static void mmu_off(void)
{
	write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) & ~UINT64_C(1));
	isb();
	__asm__ volatile("tlbi vmalle1\n\tdsb nsh\n\tisb" ::: "memory");
}

extern char stage1_load[], stage1_store[], stage1_blr[];

__attribute__((noinline, noclone)) static uint64_t s1_load(uint64_t va)
{
	register uint64_t x0 __asm__("x0") = va;
	__asm__ volatile(".globl stage1_load\nstage1_load: ldr x0, [x0]" : "+r"(x0)::"memory");
	return x0;
}

__attribute__((noinline, noclone)) static void s1_store(uint64_t va, uint64_t v)
{
	register uint64_t x0 __asm__("x0") = va;
	register uint64_t x1 __asm__("x1") = v;
	__asm__ volatile(".globl stage1_store\nstage1_store: str x1, [x0]" ::"r"(x0), "r"(x1)
			 : "memory");
}

/* Calls va (code that only sets x0 and returns); a fetch abort resumes after the BLR. */
__attribute__((noinline, noclone)) static uint64_t s1_call(uint64_t va)
{
	register uint64_t x0 __asm__("x0") = va;
	__asm__ volatile(".globl stage1_blr\nstage1_blr: blr x0" : "+r"(x0)::"x30", "memory");
	return x0;
}

static void check_fault(uint64_t count, uint64_t esr, uint64_t far, uint64_t elr)
{
	struct a64_trap_rec *me = a64_me();
	A64_CHECK_EQ(me->count, count);
	A64_CHECK_EQ(a64_last(A64_F_ESR), esr);
	A64_CHECK_EQ(a64_last(A64_F_FAR), far);
	A64_CHECK_EQ(a64_last(A64_F_ELR), elr);
	A64_CHECK_EQ(a64_last(A64_F_KIND), A64_KIND_CUR_SPX_SYNC);
}

static void load_fault(uint64_t count, uint64_t va, uint64_t esr)
{
	a64_expect();
	A64_CHECK_EQ(s1_load(va), va); /* x0 untouched */
	check_fault(count, esr, va, (uint64_t)stage1_load);
}

static void fetch_fault(uint64_t count, uint64_t va, uint64_t esr)
{
	a64_expect_lr();
	A64_CHECK_EQ(s1_call(va), va);
	check_fault(count, esr, va, va);
}

int main(uint64_t cpu)
{
	a64_printf("stage1: cpu %lu, %u-bit VA, building tables\n", (unsigned long)cpu, 64 - T0SZ);
	build_tables();
	mmu_on();
	A64_CHECK_EQ(read_sysreg(sctlr_el1) & 1, 1);
	A64_CHECK_EQ(read_sysreg(ttbr0_el1), root());

	/* the PL011 through the guest's own mapping */
	a64_uart_puts_at(VA_UART, "stage1: hello through the PL011 at VA 0x80000000\n");
	A64_CHECK_EQ(mmio_r32(VA_UART + A64_UART_FR), A64_UART_FR_IDLE);

	/* two VAs, one page */
	*(volatile uint64_t *)(VA_DATA + 0x40) = UINT64_C(0x1122334455667788);
	A64_CHECK_EQ(*(volatile uint64_t *)(VA_ALIAS + 0x40), UINT64_C(0x1122334455667788));
	A64_CHECK_EQ(data_page[8], UINT64_C(0x1122334455667788));
	A64_CHECK_EQ(*(volatile uint64_t *)(VA_RO + 0x40), UINT64_C(0x1122334455667788));
	*(volatile uint64_t *)(VA_ALIAS + 0x48) = 0x99;
	A64_CHECK_EQ(data_page[9], 0x99);
	A64_CHECK_EQ(s1_call(VA_CODE), 0x1234);
	A64_CHECK_EQ(a64_me()->count, 0);
	a64_printf("stage1: alias and code page ok\n");

	/* the guest's own faults */
	load_fault(1, VA_HOLE + 0x10, 0x96000007);
	a64_expect();
	s1_store(VA_RO + 8, 0xbad);
	check_fault(2, 0x9600004f, VA_RO + 8, (uint64_t)stage1_store);
	A64_CHECK_EQ(data_page[1], 0);
	load_fault(3, VA_NOAF, 0x9600000b);
	load_fault(4, VA_L2HOLE + 0x20, 0x96000006);
	load_fault(5, VA_L1HOLE, 0x96000005);
	load_fault(6, VA_L0, 0x96000004);
	load_fault(7, VA_TTBR1, 0x96000004);
	load_fault(8, VA_Z0, 0x96000007);
	load_fault(9, VA_Z1, 0x96000006);
	fetch_fault(10, VA_Z2, 0x86000007);
	fetch_fault(11, VA_CODE_PXN, 0x8600000f);
	a64_printf("stage1: %lu faults taken by the guest\n", (unsigned long)a64_me()->count);

	mmu_off();
	A64_CHECK_EQ(read_sysreg(sctlr_el1) & 1, 0);
	return a64_result("stage1");
}
