/* vspt: the guest's own Sv39 page tables (VS-stage: the guest's satp is vsatp).
 *
 * Tables (in .bss, 4 KiB aligned):
 *   root[2] -> l1_ram: 64 2-MiB leaves, identity map of RAM 0x80000000..0x87ffffff (RWX);
 *   root[1] -> l1_dev (VA 0x40000000..0x7fffffff):
 *     l1_dev[0] -> l0_dev:  VA 0x40000000 -> the UART 0x10000000 (RW, 4 KiB leaf)
 *                           VA 0x40001000 -> data_page (RW)
 *                           VA 0x40002000 -> data_page (read-only)
 *                           VA 0x40003000    invalid
 *     l1_dev[1] -> ZPAGE0, l1_dev[2] -> ZPAGE1, l1_dev[3] -> ZPAGE2: pages of RAM the guest
 *       never touches, so they read as zero and, with --ram lazy, are not mapped in the
 *       G-stage until the VS-stage walk reads a PTE from them. That implicit access faults
 *       in the G-stage (htinst = pseudo-instruction 0x3000: 64-bit read; htval = PTE GPA >> 2;
 *       the cause is that of the original access: 21 load, 23 store, 20 fetch), the
 *       hypervisor maps the page (nested_page_fault) and re-executes; then the walk finds a
 *       zero PTE and the guest takes its own page fault (13, 15, 12).
 * With satp on, the guest prints through the UART at VA 0x40000000 (MMIO exits whose stval
 * is the VA and whose GPA is 0x10000000), writes RAM through a 4 KiB mapping, takes a store
 * page fault on the read-only page and a load page fault on the invalid one, and shuts down.
 *
 * -DVSPT_BAD_ROOT: satp points at a root table at GPA 0x40000000, outside RAM and devices.
 * The fetch after the csrw (vspt_bad_next, 2 mod 4) walks it: the run must stop with exit
 * status 1.
 */
#include "vs.h"

#define PTE_V		 BIT(0)
#define PTE_R		 BIT(1)
#define PTE_W		 BIT(2)
#define PTE_X		 BIT(3)
#define PTE_A		 BIT(6)
#define PTE_D		 BIT(7)
#define PTE_LEAF(pa, fl) ((((uint64_t)(pa)) >> 12) << 10 | (fl) | PTE_V | PTE_A | PTE_D)
#define PTE_TABLE(pa)	 ((((uint64_t)(pa)) >> 12) << 10 | PTE_V)
#define SATP_SV39	 (UINT64_C(8) << 60)

#define VA_UART	  UINT64_C(0x40000000)
#define VA_DATA	  UINT64_C(0x40001000)
#define VA_RODATA UINT64_C(0x40002000)
#define VA_HOLE	  UINT64_C(0x40003000)
#define VA_Z0	  UINT64_C(0x40203000) /* VPN0 3: PTE at ZPAGE0 + 0x18 */
#define VA_Z1	  UINT64_C(0x40405000) /* VPN0 5: PTE at ZPAGE1 + 0x28 */
#define VA_Z2	  UINT64_C(0x40607000) /* VPN0 7: PTE at ZPAGE2 + 0x38 */
#define ZPAGE0	  UINT64_C(0x87e00000)
#define ZPAGE1	  UINT64_C(0x87e01000)
#define ZPAGE2	  UINT64_C(0x87e02000)

static uint64_t root[512] __attribute__((aligned(4096)));
static uint64_t l1_ram[512] __attribute__((aligned(4096)));
static uint64_t l1_dev[512] __attribute__((aligned(4096)));
static uint64_t l0_dev[512] __attribute__((aligned(4096)));
static volatile uint64_t data_page[512] __attribute__((aligned(4096)));

static void build_tables(void)
{
	for (uint64_t i = 0; i < 64; i++)
		l1_ram[i] = PTE_LEAF(VS_RAM_BASE + (i << 21), PTE_R | PTE_W | PTE_X);
	root[2] = PTE_TABLE(l1_ram);
	root[1] = PTE_TABLE(l1_dev);
	l1_dev[0] = PTE_TABLE(l0_dev);
	l1_dev[1] = PTE_TABLE(ZPAGE0);
	l1_dev[2] = PTE_TABLE(ZPAGE1);
	l1_dev[3] = PTE_TABLE(ZPAGE2);
	l0_dev[0] = PTE_LEAF(VS_UART_BASE, PTE_R | PTE_W);
	l0_dev[1] = PTE_LEAF(data_page, PTE_R | PTE_W);
	l0_dev[2] = PTE_LEAF(data_page, PTE_R);
	l0_dev[3] = 0;
	__asm__ volatile("fence rw, rw" ::: "memory");
}

#ifndef VSPT_BAD_ROOT
extern char vspt_ld_hole[], vspt_sd_ro[], vspt_ld_z0[], vspt_sd_z1[], vspt_resume_z2[];

__attribute__((noinline)) static uint64_t load_hole(void)
{
	register uint64_t a0 __asm__("a0") = VA_HOLE + 0x10;
	__asm__ volatile(".option push\n.option norvc\n"
			 ".globl vspt_ld_hole\nvspt_ld_hole: ld a0, 0(a0)\n"
			 ".option pop"
			 : "+r"(a0)::"memory");
	return a0;
}

__attribute__((noinline)) static void store_ro(void)
{
	register uint64_t a0 __asm__("a0") = VA_RODATA + 8;
	register uint64_t a1 __asm__("a1") = 0xbad;
	__asm__ volatile(".option push\n.option norvc\n"
			 ".globl vspt_sd_ro\nvspt_sd_ro: sd a1, 0(a0)\n"
			 ".option pop" ::"r"(a0),
			 "r"(a1)
			 : "memory");
}

/* A halfword at VA_Z0 + 6: stval[1:0] = 2, but the GPA of the PTE the walk reads is 8-byte
 * aligned (the low bits of stval say nothing about an implicit access). */
__attribute__((noinline)) static uint64_t load_z0(void)
{
	register uint64_t a0 __asm__("a0") = VA_Z0;
	__asm__ volatile(".option push\n.option norvc\n"
			 ".globl vspt_ld_z0\nvspt_ld_z0: lh a0, 6(a0)\n"
			 ".option pop"
			 : "+r"(a0)::"memory");
	return a0;
}

__attribute__((noinline)) static void store_z1(void)
{
	register uint64_t a0 __asm__("a0") = VA_Z1;
	register uint64_t a1 __asm__("a1") = 0x5a5a;
	__asm__ volatile(".option push\n.option norvc\n"
			 ".globl vspt_sd_z1\nvspt_sd_z1: sd a1, 0(a0)\n"
			 ".option pop" ::"r"(a0),
			 "r"(a1)
			 : "memory");
}

/* Calls VA_Z2; the instruction page fault resumes at vspt_resume_z2. */
__attribute__((noinline)) static void fetch_z2(void)
{
	__asm__ volatile(".option push\n.option norvc\n"
			 "li t0, %0\n"
			 "jalr ra, 0(t0)\n"
			 ".globl vspt_resume_z2\nvspt_resume_z2: nop\n"
			 ".option pop" ::"i"(VA_Z2)
			 : "t0", "ra", "memory");
}

static void check_trap(uint64_t count, uint64_t cause, uint64_t tval, uint64_t epc)
{
	struct vs_trap_rec *me = vs_me();
	VS_CHECK_EQ(me->count, count);
	VS_CHECK_EQ(me->cause, cause);
	VS_CHECK_EQ(me->tval, tval);
	VS_CHECK_EQ(me->epc, epc);
}
#endif

int main(uint64_t hartid)
{
	vs_printf("vspt: hart %lu, building Sv39 tables\n", (unsigned long)hartid);
	vs_console_init(); /* probe before paging: nothing changes, but keep the order fixed */
	build_tables();

#ifdef VSPT_BAD_ROOT
	vs_printf("vspt: satp -> root table at GPA 0x40000000 (outside RAM)\n");
	/* vspt_bad_next sits at 2 mod 4: the fetch's stval[1:0] = 2, the PTE address is
	 * 8-byte aligned all the same */
	__asm__ volatile(".option push\n.option norvc\n"
			 ".balign 4\n"
			 ".option rvc\nc.nop\n.option norvc\n"
			 "csrw satp, %0\n"
			 ".globl vspt_bad_next\nvspt_bad_next: sfence.vma\n"
			 ".option pop" ::"r"(SATP_SV39 | (UINT64_C(0x40000000) >> 12))
			 : "memory");
	vs_printf("vspt: still running after the bad satp\n");
	return 0xbb;
#else
	csr_write(satp, SATP_SV39 | ((uint64_t)root >> 12));
	__asm__ volatile("sfence.vma" ::: "memory");
	VS_CHECK_EQ(csr_read(satp), SATP_SV39 | ((uint64_t)root >> 12));

	/* UART through its VA: MMIO at GPA 0x10000000 */
	vs_uart_puts(VA_UART, "vspt: hello through the UART at VA 0x40000000\n");
	VS_CHECK_EQ(mmio_r8(VA_UART + VS_UART_LSR), 0x60);

	/* RAM through a 4 KiB mapping */
	*(volatile uint64_t *)(VA_DATA + 0x40) = 0x1122334455667788;
	VS_CHECK_EQ(data_page[8], 0x1122334455667788);
	VS_CHECK_EQ(*(volatile uint64_t *)(VA_RODATA + 0x40), 0x1122334455667788);

	/* the guest's own page faults */
	vs_expect();
	store_ro();
	check_trap(1, EXC_STORE_PAGE, VA_RODATA + 8, (uint64_t)vspt_sd_ro);
	VS_CHECK_EQ(data_page[1], 0);
	vs_expect();
	uint64_t v = load_hole();
	check_trap(2, EXC_LOAD_PAGE, VA_HOLE + 0x10, (uint64_t)vspt_ld_hole);
	VS_CHECK_EQ(v, VA_HOLE + 0x10); /* rd untouched */

	/* walks through never-touched table pages */
	vs_expect();
	v = load_z0();
	check_trap(3, EXC_LOAD_PAGE, VA_Z0 + 6, (uint64_t)vspt_ld_z0);
	vs_expect();
	store_z1();
	check_trap(4, EXC_STORE_PAGE, VA_Z1, (uint64_t)vspt_sd_z1);
	vs_expect_at((uint64_t)vspt_resume_z2);
	fetch_z2();
	check_trap(5, EXC_INSN_PAGE, VA_Z2, VA_Z2);

	vs_printf("vspt: paging on, %u checks so far\n", vs_checks);
	csr_write(satp, 0);
	__asm__ volatile("sfence.vma" ::: "memory");
	return vs_result("vspt");
#endif
}
