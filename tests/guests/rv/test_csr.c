/* Zicsr and CSR behaviour: the six CSR instructions (old value to rd, set/clear/swap, the x0
 * rules), WARL fields (mstatus.MPP = 2, the XLEN fields, misa), the sstatus view of mstatus,
 * and the counters M can write (unprivileged "Zicsr" chapter; privileged "Machine-Level CSRs";
 * satp/hgatp/mtvec WARL are in test_paging.c, test_hyp_xlate.c and test_irq.c). */
#include "testlib.h"

static void t_csr_instructions(void)
{
	uint64_t old;
	csr_write(mscratch, 0xf0f0);
	__asm__ volatile("csrrw %0, mscratch, %1" : "=r"(old) : "r"(UINT64_C(0x1234)));
	CHECK_EQ(old, 0xf0f0);
	CHECK_EQ(csr_read(mscratch), 0x1234);
	__asm__ volatile("csrrs %0, mscratch, %1" : "=r"(old) : "r"(UINT64_C(0xff00)));
	CHECK_EQ(old, 0x1234);
	CHECK_EQ(csr_read(mscratch), 0xff34);
	__asm__ volatile("csrrc %0, mscratch, %1" : "=r"(old) : "r"(UINT64_C(0x0f0f)));
	CHECK_EQ(old, 0xff34);
	CHECK_EQ(csr_read(mscratch), 0xf030);
	/* the immediate forms take a 5-bit zero-extended uimm */
	__asm__ volatile("csrrwi %0, mscratch, 31" : "=r"(old));
	CHECK_EQ(old, 0xf030);
	CHECK_EQ(csr_read(mscratch), 31);
	__asm__ volatile("csrrci %0, mscratch, 0x11" : "=r"(old));
	CHECK_EQ(csr_read(mscratch), 0x0e);
	__asm__ volatile("csrrsi %0, mscratch, 0x10" : "=r"(old));
	CHECK_EQ(old, 0x0e);
	CHECK_EQ(csr_read(mscratch), 0x1e);
	/* all 64 bits */
	csr_write(mscratch, 0x8000000000000001);
	CHECK_EQ(csr_read(mscratch), 0x8000000000000001);
	/* rd = rs1: the old value lands in rd after rs1 was used */
	uint64_t r = 0x55;
	__asm__ volatile("csrrw %0, mscratch, %0" : "+r"(r));
	CHECK_EQ(r, 0x8000000000000001);
	CHECK_EQ(csr_read(mscratch), 0x55);
	/* csrrs/csrrc with rs1 = x0 and csrrsi/csrrci with 0 do not write: allowed on a
	 * read-only CSR */
	tl_expect();
	__asm__ volatile("csrrs %0, mhartid, x0" : "=r"(r));
	CHECK_EQ(r, 0);
	__asm__ volatile("csrrc %0, mvendorid, x0" : "=r"(r));
	__asm__ volatile("csrrsi %0, mhartid, 0" : "=r"(r));
	__asm__ volatile("csrrci %0, marchid, 0" : "=r"(r));
	CHECK_NO_TRAP();
	tl_disarm();
	/* csrrw with rd = x0 still writes */
	__asm__ volatile("csrw mscratch, %0" ::"r"(UINT64_C(0x77)));
	CHECK_EQ(csr_read(mscratch), 0x77);
}

static void t_scratch_registers(void)
{
	/* the scratch registers are plain 64-bit storage at every level */
	csr_write(sscratch, 0x1111111111111111);
	csr_write(vsscratch, 0x2222222222222222);
	csr_write(mscratch, 0x3333333333333333);
	CHECK_EQ(csr_read(sscratch), 0x1111111111111111);
	CHECK_EQ(csr_read(vsscratch), 0x2222222222222222);
	CHECK_EQ(csr_read(mscratch), 0x3333333333333333);
}

/* mstatus.MPP = 2 is reserved: WARL keeps a legal value. */
static void t_mstatus_warl(void)
{
	csr_clear(mstatus, MSTATUS_MPP);
	csr_set(mstatus, MSTATUS_MPP_S);
	csr_clear(mstatus, MSTATUS_MPP);
	csr_set(mstatus, UINT64_C(2) << 11);
	uint64_t mpp = (csr_read(mstatus) >> 11) & 3;
	CHECK_EQ_QEMU(mpp != 2, 1, 0, "QEMU 7.2 stores the reserved mstatus.MPP value 2");
	/* XLEN fields: UXL = SXL = 2 (64-bit), hstatus.VSXL = 2, vsstatus.UXL = 2 */
	uint64_t ms = csr_read(mstatus);
	CHECK_EQ((ms >> 32) & 3, 2);
	CHECK_EQ((ms >> 34) & 3, 2);
	CHECK_EQ((csr_read(hstatus) >> 32) & 3, 2);
	CHECK_EQ((csr_read(vsstatus) >> 32) & 3, 2);
	csr_clear(mstatus, UINT64_C(0xf) << 32); /* WARL: writing 0 leaves 64-bit */
	CHECK_EQ((csr_read(mstatus) >> 32) & 0xf, 0xa);
	/* SD, FS/VS/XS stay zero with FP off */
	CHECK_EQ(csr_read(mstatus) >> 63, 0);
}

/* sstatus is a window onto mstatus: M-only fields are invisible through it. */
static void t_sstatus_view(void)
{
	csr_set(mstatus, MSTATUS_MPIE | MSTATUS_MPP_M | MSTATUS_TVM | MSTATUS_TW | MSTATUS_MPRV);
	uint64_t ss = csr_read(sstatus);
	CHECK_EQ(ss & (MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_TVM | MSTATUS_TW | MSTATUS_MPRV), 0);
	csr_clear(mstatus, MSTATUS_TVM | MSTATUS_TW | MSTATUS_MPRV);
	csr_set(sstatus, MSTATUS_SUM | MSTATUS_MXR | MSTATUS_SPP);
	CHECK_EQ(csr_read(mstatus) & (MSTATUS_SUM | MSTATUS_MXR | MSTATUS_SPP),
		 MSTATUS_SUM | MSTATUS_MXR | MSTATUS_SPP);
	/* writing M-only bits through sstatus does nothing */
	csr_set(sstatus, MSTATUS_MIE | MSTATUS_TSR);
	CHECK_EQ(csr_read(mstatus) & (MSTATUS_MIE | MSTATUS_TSR), 0);
	csr_clear(sstatus, MSTATUS_SUM | MSTATUS_MXR | MSTATUS_SPP);
	CHECK_EQ(csr_read(mstatus) & (MSTATUS_SUM | MSTATUS_MXR | MSTATUS_SPP), 0);
}

static void t_misa(void)
{
	uint64_t misa = csr_read(misa);
	CHECK_EQ(misa >> 62, 2); /* MXL = 64 */
#define EXT(c) BIT((c) - 'A')
	uint64_t need = EXT('A') | EXT('C') | EXT('H') | EXT('I') | EXT('M') | EXT('S') | EXT('U');
	CHECK_EQ(misa & need, need);
	CHECK_EQ(misa & EXT('E'), 0);
#undef EXT
	/* writing the value back changes nothing */
	csr_write(misa, misa);
	CHECK_EQ(csr_read(misa), misa);
	CHECK_EQ(csr_read(mhartid), 0);
}

static void t_counters(void)
{
	uint64_t a = read_instret(), b = read_instret();
	CHECK(b > a);
	csr_write(minstret, 1000);
	uint64_t c = read_instret();
	CHECK(c >= 1000 && c < 1100);
	uint64_t y0 = csr_read(mcycle);
	uint64_t y1 = csr_read(mcycle);
	CHECK(y1 >= y0);
	/* the unprivileged shadows */
	CHECK(csr_read(instret) >= c);
	CHECK(csr_read(cycle) >= y1);
	/* counters HS may read once mcounteren allows it */
	csr_write(mcounteren, 7);
	tl_expect();
	tl_exec_insn(TL_HS, INSN_CSRR(0xc02), 0, 0);
	CHECK_NO_TRAP();
	tl_disarm();
}

int main(void)
{
	tl_init("csr");
	tl_test("csrrw/csrrs/csrrc and immediates", t_csr_instructions);
	tl_test("scratch registers", t_scratch_registers);
	tl_test("mstatus WARL", t_mstatus_warl);
	tl_test("sstatus view", t_sstatus_view);
	tl_test("misa", t_misa);
	tl_test("counters", t_counters);
	return tl_finish();
}
