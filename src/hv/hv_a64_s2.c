/* The AArch64 stage-2 translation table format (Arm ARM, VMSAv8-64 stage 2, 4 KiB granule,
 * HCR_EL2.FWB = 0): a 39-bit IPA in 3 levels (VTCR_EL2.T0SZ = 25, SL0 = 1: the walk starts at
 * level 1) or a 48-bit IPA in 4 (T0SZ = 16, SL0 = 2: level 0), one 4 KiB root of 512 entries
 * either way.
 *
 * Descriptors: bit 0 valid; bit 1 set = table (levels 0-2) or page (level 3), clear = block
 * (levels 1 and 2 only); output address in bits 47:12. Leaves: MemAttr [5:2], S2AP [7:6]
 * (bit 6 read, bit 7 write), SH [9:8], AF [10], XN [54] (with FEAT_XNX, XN[1:0] = bits 54:53,
 * and 0b10 still forbids execution at EL1 and EL0).
 */
#include "hv/hv_aspace.h"

enum {
	DESC_VALID = 1u << 0,
	DESC_TABLE = 1u << 1, /* a table at levels 0-2, a page at level 3 */
	DESC_S2AP_R = 1u << 6,
	DESC_S2AP_W = 1u << 7,
	DESC_AF = 1u << 10,
};

#define DESC_XN	       (UINT64_C(1) << 54)
#define DESC_XN_FIELD  (UINT64_C(3) << 53)
#define DESC_OA	       UINT64_C(0x0000fffffffff000) /* bits 47:12 */
#define DESC_OA_HIGH   UINT64_C(0x000f000000000000) /* bits 51:48: past a 48-bit PA */
#define MEMATTR_SHIFT  2
#define MEMATTR_FIELD  UINT64_C(0xf)
#define SH_SHIFT       8
#define DEVICE_CLASS_2 2 /* MemAttr[3:2] = 00: Device memory */

/* MemAttr (FWB = 0): [3:2] = 00 is Device, [1:0] its kind (00 nGnRnE); otherwise Normal with
 * the outer policy in [3:2] and the inner in [1:0] (01 Non-cacheable, 10 WT, 11 WB). */
enum {
	MEMATTR_DEVICE_NGNRNE = 0x0,
	MEMATTR_NORMAL_NC = 0x5,
	MEMATTR_NORMAL_WB = 0xf,
};

/* SH: 10 Outer, 11 Inner Shareable. Device and Normal Non-cacheable memory are Outer
 * Shareable whatever SH says; the field states it. */
enum { SH_OUTER = 2, SH_INNER = 3 };

/* Memory types by mapping flag; the first match wins (DEVICE | UNCACHED is Device), the last
 * row (flag 0) is the default. */
static const struct {
	uint32_t flag;
	uint64_t memattr, sh;
} mem_types[] = {
    {HV_MAP_DEVICE, MEMATTR_DEVICE_NGNRNE, SH_OUTER},
    {HV_MAP_UNCACHED, MEMATTR_NORMAL_NC, SH_OUTER},
    {0, MEMATTR_NORMAL_WB, SH_INNER},
};

static uint64_t mem_type_bits(uint32_t flags)
{
	size_t i = 0;

	while (mem_types[i].flag && !(flags & mem_types[i].flag))
		i++;
	return mem_types[i].memattr << MEMATTR_SHIFT | mem_types[i].sh << SH_SHIFT;
}

/* The flag back from MemAttr: every Device kind is DEVICE, Normal NC is UNCACHED. */
static uint32_t mem_type_flags(uint64_t desc)
{
	uint64_t memattr = desc >> MEMATTR_SHIFT & MEMATTR_FIELD;

	if (!(memattr >> DEVICE_CLASS_2))
		return HV_MAP_DEVICE;
	return memattr == MEMATTR_NORMAL_NC ? HV_MAP_UNCACHED : 0;
}

/* AF is set: no access-flag fault on first use (the hypervisor does not track accesses). XN
 * unless the mapping allows execution. */
static uint64_t a64_leaf(uint64_t hpa, uint32_t flags)
{
	uint64_t desc = (hpa & DESC_OA) | DESC_VALID | DESC_AF | mem_type_bits(flags);

	if (flags & HV_MAP_READ)
		desc |= DESC_S2AP_R;
	if (flags & HV_MAP_WRITE)
		desc |= DESC_S2AP_W;
	if (!(flags & HV_MAP_EXECUTE))
		desc |= DESC_XN;
	return desc;
}

static uint64_t a64_table(uint64_t hpa)
{
	return (hpa & DESC_OA) | DESC_TABLE | DESC_VALID;
}

/* A block-shaped entry (bit 1 clear) decodes as a leaf; hv_aspace.c knows that at level 3 a
 * page needs bit 1 (page_bits) and strips it first. */
static hv_pte_kind a64_decode(uint64_t desc, uint64_t *hpa, uint32_t *flags)
{
	/* an output address beyond the 48-bit PA is an address size fault */
	if (!(desc & DESC_VALID) || (desc & DESC_OA_HIGH))
		return HV_PTE_INVALID;
	*hpa = desc & DESC_OA;
	if (desc & DESC_TABLE)
		return HV_PTE_TABLE;
	/* AF = 0 is an access flag fault on every access */
	if (!(desc & DESC_AF))
		return HV_PTE_INVALID;
	*flags = mem_type_flags(desc);
	if (desc & DESC_S2AP_R)
		*flags |= HV_MAP_READ;
	if (desc & DESC_S2AP_W)
		*flags |= HV_MAP_WRITE;
	if (!(desc & DESC_XN_FIELD))
		*flags |= HV_MAP_EXECUTE;
	return HV_PTE_LEAF;
}

const hv_pt_fmt hv_a64_ipa39_fmt = {
    .levels = 3,
    .root_pages = 1,
    .root_index_bits = 9,
    .max_leaf_shift = 30,
    .pa_bits = 48,
    .page_bits = DESC_TABLE,
    .max_block_shift = 30,
    .leaf = a64_leaf,
    .table = a64_table,
    .decode = a64_decode,
};

const hv_pt_fmt hv_a64_ipa48_fmt = {
    .levels = 4,
    .root_pages = 1,
    .root_index_bits = 9,
    .max_leaf_shift = 30,
    .pa_bits = 48,
    .page_bits = DESC_TABLE,
    .max_block_shift = 30,
    .leaf = a64_leaf,
    .table = a64_table,
    .decode = a64_decode,
};

/* ---- VTTBR_EL2 and VTCR_EL2 ---- */

#define VTTBR_VMID_SHIFT 48
#define VTCR_SL0_SHIFT	 6
#define VTCR_IRGN0_WB	 (UINT64_C(1) << 8)
#define VTCR_ORGN0_WB	 (UINT64_C(1) << 10)
#define VTCR_SH0_INNER	 (UINT64_C(3) << 12)
#define VTCR_PS_SHIFT	 16
#define VTCR_RES1	 (UINT64_C(1) << 31)

static const struct {
	hv_pt_format format;
	unsigned ipa_bits;
	uint64_t sl0; /* 4 KiB granule: 1 = start at level 1, 2 = level 0 */
} geometries[] = {
    {HV_PT_A64_IPA39, 39, 1},
    {HV_PT_A64_IPA48, 48, 2},
};

/* ID_AA64MMFR0_EL1.PARange and VTCR_EL2.PS encode a PA size alike. */
static const unsigned pa_sizes[] = {32, 36, 40, 42, 44, 48, 52};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool geometry(const hv_aspace *as, unsigned *ipa_bits, uint64_t *sl0)
{
	for (size_t i = 0; i < COUNT(geometries); i++) {
		if (geometries[i].format == as->format) {
			*ipa_bits = geometries[i].ipa_bits;
			*sl0 = geometries[i].sl0;
			return true;
		}
	}
	return false;
}

uint64_t hv_aspace_vttbr(const hv_aspace *as, uint8_t vmid)
{
	unsigned ipa_bits;
	uint64_t sl0;

	if (!geometry(as, &ipa_bits, &sl0))
		return 0;
	return as->root | (uint64_t)vmid << VTTBR_VMID_SHIFT;
}

uint64_t hv_aspace_vtcr(const hv_aspace *as, unsigned pa_bits)
{
	unsigned ipa_bits;
	uint64_t sl0;

	if (!geometry(as, &ipa_bits, &sl0) || ipa_bits > pa_bits)
		return 0;
	for (uint64_t ps = 0; ps < COUNT(pa_sizes); ps++)
		if (pa_sizes[ps] == pa_bits)
			return (64 - ipa_bits) | sl0 << VTCR_SL0_SHIFT | VTCR_IRGN0_WB |
			       VTCR_ORGN0_WB | VTCR_SH0_INNER | ps << VTCR_PS_SHIFT | VTCR_RES1;
	return 0;
}
