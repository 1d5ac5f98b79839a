/* A guest physical address space: areas with backends, and the stage-2 tables that map them.
 *
 * The tables are real: they are built in host physical frames from the HAL, in the format the
 * hardware walks (RISC-V Sv39x4 / Sv48x4 with a 16 KiB root; AArch64 VMSAv8-64 stage 2),
 * so a wrong PTE bit shows up as the walker's fault, exactly as on hardware. Errors follow
 * axaddrspace's kinds; the bugs listed in hv-semantics.md section 4 are not reproduced.
 */
#ifndef TRAPSCOPE_HV_ASPACE_H
#define TRAPSCOPE_HV_ASPACE_H

#include "hv/hv.h"

typedef enum hv_err {
	HV_OK = 0,
	HV_ERR_RANGE,	/* "address out of range": outside [base, base + size) */
	HV_ERR_ALIGN,	/* "address not aligned": gpa, hpa or size not 4 KiB aligned */
	HV_ERR_OVERLAP, /* the range overlaps an existing area */
	HV_ERR_NOMEM,	/* the frame allocator ran dry */
	HV_ERR_INVALID, /* empty range, unknown format, too many areas */
} hv_err;

/* One line describing an error ("address out of range", ...). */
const char *hv_err_text(hv_err err);

typedef enum hv_pt_format {
	HV_PT_RV_SV39X4, /* hgatp MODE 8: 41-bit GPA, 16 KiB root, 3 levels */
	HV_PT_RV_SV48X4, /* hgatp MODE 9: 50-bit GPA, 16 KiB root, 4 levels */
	HV_PT_A64_IPA39, /* VMSAv8-64 stage 2, 4 KiB granule: 39-bit IPA, 3 levels (T0SZ 25, SL0 1)
			  */
	HV_PT_A64_IPA48, /* 48-bit IPA, 4 levels (T0SZ 16, SL0 2) */
} hv_pt_format;

typedef enum hv_backend {
	HV_BACKEND_LINEAR, /* gpa -> gpa - offset, mapped up front */
	HV_BACKEND_ALLOC,  /* one frame per page, allocated up front (populate) */
	HV_BACKEND_LAZY,   /* frames allocated on the first fault (handle_page_fault) */
} hv_backend;

typedef struct hv_area {
	uint64_t start, size;
	uint32_t flags; /* HV_MAP_* */
	hv_backend backend;
	uint64_t offset; /* linear: gpa - hpa */
} hv_area;

#define HV_MAX_AREAS 32

typedef struct hv_aspace {
	const hv_hal *hal;
	hv_pt_format format;
	uint64_t base, size; /* the GPA range the space may map */
	uint64_t root;	     /* HPA of the root table */
	unsigned nareas;
	hv_area areas[HV_MAX_AREAS]; /* sorted by start, never overlapping */
	size_t frames_in_use;	     /* table and backing frames held, for reports and tests */
} hv_aspace;

/* Allocates the root table (16 KiB, 16 KiB aligned for the x4 formats; 4 KiB for AArch64). */
hv_err hv_aspace_init(hv_aspace *as, const hv_hal *hal, hv_pt_format format, uint64_t base,
		      uint64_t size);
/* Unmaps everything and frees every frame, the root included. */
void hv_aspace_destroy(hv_aspace *as);

hv_err hv_aspace_map_linear(hv_aspace *as, uint64_t gpa, uint64_t hpa, uint64_t size,
			    uint32_t flags);
/* populate: back every page now (HV_BACKEND_ALLOC); else on first touch (HV_BACKEND_LAZY). */
hv_err hv_aspace_map_alloc(hv_aspace *as, uint64_t gpa, uint64_t size, uint32_t flags,
			   bool populate);
/* Removes [gpa, gpa + size) from the areas it overlaps (splitting them); holes are fine.
 * Frames of alloc/lazy areas are freed. */
hv_err hv_aspace_unmap(hv_aspace *as, uint64_t gpa, uint64_t size);

/* The area holding gpa, or NULL. */
const hv_area *hv_aspace_find(const hv_aspace *as, uint64_t gpa);
/* Walks the tables as hardware would: true with *hpa and *flags (HV_MAP_READ / WRITE /
 * EXECUTE; on AArch64 also DEVICE for Device memory, UNCACHED for Normal Non-cacheable) when
 * mapped; either pointer may be NULL. */
bool hv_aspace_translate(const hv_aspace *as, uint64_t gpa, uint64_t *hpa, uint32_t *flags);
/* A stage-2 fault at gpa for an access (HV_MAP_* bits; 0 = any): true when the space fixed
 * it (a lazy page got its frame), false when the fault is real. */
bool hv_aspace_handle_page_fault(hv_aspace *as, uint64_t gpa, uint32_t access);

/* Copies between guest physical memory and buf; lazy pages are populated on the way. Returns
 * the bytes copied (short at the first unmapped page). */
size_t hv_aspace_read(hv_aspace *as, uint64_t gpa, void *buf, size_t len);
size_t hv_aspace_write(hv_aspace *as, uint64_t gpa, const void *buf, size_t len);

/* The hgatp value selecting this space for vmid (14 bits on RV64; higher bits are dropped);
 * 0 for a space of another architecture. */
uint64_t hv_aspace_hgatp(const hv_aspace *as, uint16_t vmid);
/* VTTBR_EL2 selecting this space: root | vmid << 48 (8-bit VMID, VTCR_EL2.VS = 0; CnP = 0);
 * 0 for a space that is no AArch64 stage 2. */
uint64_t hv_aspace_vttbr(const hv_aspace *as, uint8_t vmid);
/* VTCR_EL2 for this space on a host with pa_bits of physical address (ID_AA64MMFR0_EL1.PARange:
 * 32, 36, 40, 42, 44, 48, 52): T0SZ and SL0 of the format, 4 KiB granule (TG0 = 0), table walks
 * Inner Shareable Write-Back cacheable (SH0 = 3, IRGN0 = ORGN0 = 1), PS = pa_bits, RES1 bit 31.
 * 0 for another format, an unknown PA size, or one smaller than the IPA (KVM's rule: the IPA
 * space never exceeds the PA space). */
uint64_t hv_aspace_vtcr(const hv_aspace *as, unsigned pa_bits);

/* ---- internal to src/hv/: a stage-2 page-table format, walked by hv_aspace.c ---- */

typedef enum hv_pte_kind {
	HV_PTE_INVALID, /* the walker faults here */
	HV_PTE_TABLE,	/* points to the next level */
	HV_PTE_LEAF,	/* maps a page or a superpage */
} hv_pte_kind;

typedef struct hv_pt_fmt {
	unsigned levels;	  /* table levels, the root included */
	unsigned root_pages;	  /* 4 KiB frames of the root, which is aligned to its size */
	unsigned root_index_bits; /* the root's index width; every other level indexes 9 bits */
	unsigned max_leaf_shift;  /* the largest page the mapper uses: 30 = 1 GiB */
	unsigned pa_bits;	  /* host physical addresses the leaves can hold */
	/* bits a leaf carries at the last level and only there: the walker faults on a leaf at
	 * the last level without them (AArch64: bit 1, page versus block); 0 = none */
	uint64_t page_bits;
	/* the largest leaf the walker accepts (AArch64 4 KiB granule: 1 GiB blocks, no level-0
	 * block); 0 = a leaf at any level */
	unsigned max_block_shift;
	/* a leaf for any level but the last (page_bits are added there) */
	uint64_t (*leaf)(uint64_t hpa, uint32_t flags);
	uint64_t (*table)(uint64_t hpa);
	/* *hpa for tables and leaves, *flags (HV_MAP_*) for leaves */
	hv_pte_kind (*decode)(uint64_t pte, uint64_t *hpa, uint32_t *flags);
} hv_pt_fmt;

extern const hv_pt_fmt hv_rv_sv39x4_fmt, hv_rv_sv48x4_fmt;
extern const hv_pt_fmt hv_a64_ipa39_fmt, hv_a64_ipa48_fmt;

#endif
