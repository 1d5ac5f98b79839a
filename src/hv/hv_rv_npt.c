/* The RISC-V G-stage page-table format (Privileged Spec, "Two-Stage Address Translation"):
 * Sv39x4 and Sv48x4 are Sv39 and Sv48 with two more GPA bits at the root, whose 2048 entries
 * fill 16 KiB. PTE: V0 R1 W2 X3 U4 G5 A6 D7, PPN in bits 53:10, bits 63:54 zero.
 */
#include "hv/hv_aspace.h"

enum {
	PTE_V = 1u << 0,
	PTE_R = 1u << 1,
	PTE_W = 1u << 2,
	PTE_X = 1u << 3,
	PTE_U = 1u << 4,
	PTE_A = 1u << 6,
	PTE_D = 1u << 7,
};

#define PTE_PPN_SHIFT 10
#define PTE_PPN_MASK  (((UINT64_C(1) << 44) - 1) << PTE_PPN_SHIFT)
/* N, PBMT and reserved bits: without Svnapot / Svpbmt a set bit makes the walker fault */
#define PTE_HIGH_SHIFT 54

#define HGATP_MODE_SHIFT 60
#define HGATP_VMID_SHIFT 44
#define HGATP_VMID_MASK	 UINT64_C(0x3fff)

static const struct {
	uint32_t map;
	uint64_t pte;
} perm_bits[] = {
    {HV_MAP_READ, PTE_R},
    {HV_MAP_WRITE, PTE_W},
    {HV_MAP_EXECUTE, PTE_X},
};

#define NPERMS (sizeof(perm_bits) / sizeof(perm_bits[0]))

static uint64_t ppn_field(uint64_t hpa)
{
	return hpa >> HV_PAGE_SHIFT << PTE_PPN_SHIFT;
}

/* U is required on G-stage leaves (they are U-mode pages to the walker); A and D are set so
 * that a Svade walker, which faults instead of setting them, never faults on our pages. */
static uint64_t rv_leaf(uint64_t hpa, uint32_t flags)
{
	uint64_t pte = ppn_field(hpa) | PTE_V | PTE_U | PTE_A | PTE_D;

	for (size_t i = 0; i < NPERMS; i++)
		if (flags & perm_bits[i].map)
			pte |= perm_bits[i].pte;
	return pte;
}

static uint64_t rv_table(uint64_t hpa)
{
	return ppn_field(hpa) | PTE_V;
}

static hv_pte_kind rv_decode(uint64_t pte, uint64_t *hpa, uint32_t *flags)
{
	if (!(pte & PTE_V) || pte >> PTE_HIGH_SHIFT)
		return HV_PTE_INVALID;
	*hpa = (pte & PTE_PPN_MASK) >> PTE_PPN_SHIFT << HV_PAGE_SHIFT;
	if (!(pte & (PTE_R | PTE_W | PTE_X)))
		return HV_PTE_TABLE;
	/* W without R is a reserved encoding; a G-stage leaf without U faults */
	if ((pte & (PTE_R | PTE_W)) == PTE_W || !(pte & PTE_U))
		return HV_PTE_INVALID;
	*flags = 0;
	for (size_t i = 0; i < NPERMS; i++)
		if (pte & perm_bits[i].pte)
			*flags |= perm_bits[i].map;
	return HV_PTE_LEAF;
}

/* 16 KiB root: GPA[40:30] (Sv39x4) or GPA[49:39] (Sv48x4) index it, 11 bits. */
const hv_pt_fmt hv_rv_sv39x4_fmt = {
    .levels = 3,
    .root_pages = 4,
    .root_index_bits = 11,
    .max_leaf_shift = 30,
    .pa_bits = 56,
    .leaf = rv_leaf,
    .table = rv_table,
    .decode = rv_decode,
};

const hv_pt_fmt hv_rv_sv48x4_fmt = {
    .levels = 4,
    .root_pages = 4,
    .root_index_bits = 11,
    .max_leaf_shift = 30,
    .pa_bits = 56,
    .leaf = rv_leaf,
    .table = rv_table,
    .decode = rv_decode,
};

static const uint64_t hgatp_mode[] = {
    [HV_PT_RV_SV39X4] = 8,
    [HV_PT_RV_SV48X4] = 9,
};

uint64_t hv_aspace_hgatp(const hv_aspace *as, uint16_t vmid)
{
	if ((unsigned)as->format >= sizeof(hgatp_mode) / sizeof(hgatp_mode[0]))
		return 0;
	return hgatp_mode[as->format] << HGATP_MODE_SHIFT |
	       (vmid & HGATP_VMID_MASK) << HGATP_VMID_SHIFT | as->root >> HV_PAGE_SHIFT;
}
