/* CSR numbers of the privileged spec that the hart implements, and the CSR-file interface the
 * rest of the hart uses. */
#ifndef TRAPSCOPE_RV_CSRFILE_H
#define TRAPSCOPE_RV_CSRFILE_H

#include <stdbool.h>
#include <stdint.h>

enum rv_csr_number {
	RV_CSR_CYCLE = 0xc00,
	RV_CSR_TIME = 0xc01,
	RV_CSR_INSTRET = 0xc02,
	RV_CSR_HPMCOUNTER31 = 0xc1f,

	RV_CSR_SSTATUS = 0x100,
	RV_CSR_SIE = 0x104,
	RV_CSR_STVEC = 0x105,
	RV_CSR_SCOUNTEREN = 0x106,
	RV_CSR_SENVCFG = 0x10a,
	RV_CSR_SSCRATCH = 0x140,
	RV_CSR_SEPC = 0x141,
	RV_CSR_SCAUSE = 0x142,
	RV_CSR_STVAL = 0x143,
	RV_CSR_SIP = 0x144,
	RV_CSR_STIMECMP = 0x14d,
	RV_CSR_SATP = 0x180,

	RV_CSR_VSSTATUS = 0x200,
	RV_CSR_VSIE = 0x204,
	RV_CSR_VSTVEC = 0x205,
	RV_CSR_VSSCRATCH = 0x240,
	RV_CSR_VSEPC = 0x241,
	RV_CSR_VSCAUSE = 0x242,
	RV_CSR_VSTVAL = 0x243,
	RV_CSR_VSIP = 0x244,
	RV_CSR_VSTIMECMP = 0x24d,
	RV_CSR_VSATP = 0x280,

	RV_CSR_HSTATUS = 0x600,
	RV_CSR_HEDELEG = 0x602,
	RV_CSR_HIDELEG = 0x603,
	RV_CSR_HIE = 0x604,
	RV_CSR_HTIMEDELTA = 0x605,
	RV_CSR_HCOUNTEREN = 0x606,
	RV_CSR_HGEIE = 0x607,
	RV_CSR_HENVCFG = 0x60a,
	RV_CSR_HTVAL = 0x643,
	RV_CSR_HIP = 0x644,
	RV_CSR_HVIP = 0x645,
	RV_CSR_HTINST = 0x64a,
	RV_CSR_HGATP = 0x680,
	RV_CSR_HGEIP = 0xe12,

	RV_CSR_MVENDORID = 0xf11,
	RV_CSR_MARCHID = 0xf12,
	RV_CSR_MIMPID = 0xf13,
	RV_CSR_MHARTID = 0xf14,
	RV_CSR_MCONFIGPTR = 0xf15,
	RV_CSR_MSTATUS = 0x300,
	RV_CSR_MISA = 0x301,
	RV_CSR_MEDELEG = 0x302,
	RV_CSR_MIDELEG = 0x303,
	RV_CSR_MIE = 0x304,
	RV_CSR_MTVEC = 0x305,
	RV_CSR_MCOUNTEREN = 0x306,
	RV_CSR_MENVCFG = 0x30a,
	RV_CSR_MCOUNTINHIBIT = 0x320,
	RV_CSR_MHPMEVENT3 = 0x323,
	RV_CSR_MHPMEVENT31 = 0x33f,
	RV_CSR_MSCRATCH = 0x340,
	RV_CSR_MEPC = 0x341,
	RV_CSR_MCAUSE = 0x342,
	RV_CSR_MTVAL = 0x343,
	RV_CSR_MIP = 0x344,
	RV_CSR_MTINST = 0x34a,
	RV_CSR_MTVAL2 = 0x34b,
	RV_CSR_PMPCFG0 = 0x3a0,
	RV_CSR_PMPADDR0 = 0x3b0,
	RV_CSR_TSELECT = 0x7a0,
	RV_CSR_TDATA3 = 0x7a3,
	RV_CSR_MCYCLE = 0xb00,
	RV_CSR_MINSTRET = 0xb02,
	RV_CSR_MHPMCOUNTER3 = 0xb03,
	RV_CSR_MHPMCOUNTER31 = 0xb1f,
};

/* mstatus / sstatus bits */
#define MS_SIE	     (UINT64_C(1) << 1)
#define MS_MIE	     (UINT64_C(1) << 3)
#define MS_SPIE	     (UINT64_C(1) << 5)
#define MS_MPIE	     (UINT64_C(1) << 7)
#define MS_SPP	     (UINT64_C(1) << 8)
#define MS_MPP_SHIFT 11
#define MS_MPP	     (UINT64_C(3) << MS_MPP_SHIFT)
#define MS_MPRV	     (UINT64_C(1) << 17)
#define MS_SUM	     (UINT64_C(1) << 18)
#define MS_MXR	     (UINT64_C(1) << 19)
#define MS_TVM	     (UINT64_C(1) << 20)
#define MS_TW	     (UINT64_C(1) << 21)
#define MS_TSR	     (UINT64_C(1) << 22)
#define MS_UXL	     (UINT64_C(3) << 32)
#define MS_SXL	     (UINT64_C(3) << 34)
#define MS_GVA	     (UINT64_C(1) << 38)
#define MS_MPV	     (UINT64_C(1) << 39)

/* hstatus bits */
#define HS_GVA	(UINT64_C(1) << 6)
#define HS_SPV	(UINT64_C(1) << 7)
#define HS_SPVP (UINT64_C(1) << 8)
#define HS_HU	(UINT64_C(1) << 9)
#define HS_VTVM (UINT64_C(1) << 20)
#define HS_VTW	(UINT64_C(1) << 21)
#define HS_VTSR (UINT64_C(1) << 22)
#define HS_VSXL (UINT64_C(3) << 32)

/* menvcfg / henvcfg bits */
#define ENVCFG_FIOM UINT64_C(1)
#define ENVCFG_ADUE (UINT64_C(1) << 61)
#define ENVCFG_STCE (UINT64_C(1) << 63)

/* satp/vsatp/hgatp MODE values (hgatp's 8/9 are Sv39x4/Sv48x4). */
enum { RV_ATP_BARE = 0, RV_ATP_SV39 = 8, RV_ATP_SV48 = 9 };

typedef enum rv_csr_kind { RV_CSR_SWAP, RV_CSR_SET, RV_CSR_CLEAR } rv_csr_kind;

/* What a CSR write changed beyond the CSR itself. */
#define RV_CSR_EFFECT_IRQ    1u /* interrupt enables or pending bits: recheck interrupts */
#define RV_CSR_EFFECT_REGIME 2u /* translation or permission state: new regime ids */

struct rv_hart;

/* One Zicsr instruction: reads says whether the old value is wanted (rd != x0 for CSRRW),
 * writes whether the CSR is written (rs1/uimm != 0 for CSRRS/CSRRC). Returns 0 or the
 * exception code (illegal or virtual instruction). */
unsigned rv_csr_op(struct rv_hart *h, unsigned csr, rv_csr_kind kind, uint64_t operand, bool reads,
		   bool writes, uint64_t *old, unsigned *effects);

/* mip as software reads it: software bits, CLINT MSIP, timers, hvip. */
uint64_t rv_mip(const struct rv_hart *h);

#endif
