/* The freestanding hypervisor's AArch64 side: stage-2 tables, the vCPU block, the exit handler
 * (aborts and MMIO, MSR/MRS, SGIs, HVC/SMC with SMCCC and PSCI, WFx, interrupts) and the
 * load/store decoder behind ISV = 0, over the counting mock HAL of test_hv.c.
 *
 * ESR values are worked out by hand from the Arm ARM's ESR_EL2 layout (EC [31:26], IL [25],
 * the ISS of each class), descriptors from its VMSAv8-64 stage-2 formats, SMCCC/PSCI results
 * from Arm DEN 0028 / DEN 0022; instruction encodings are GNU as output (aarch64-linux-gnu-as).
 */
#include "hv/hv_a64.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BASE   UINT64_C(0x80000000)
#define ARENA_FRAMES 512u
#define PAGE	     UINT64_C(4096)
#define MIB	     (UINT64_C(1) << 20)
#define GIB	     (UINT64_C(1) << 30)

/* guest virtual memory guest_read sees: the guest's code runs there */
#define GMEM_BASE UINT64_C(0xffff800010000000)
#define GMEM_SIZE 0x2000u
#define CODE	  (GMEM_BASE + 0x100)

/* the VM of the exit tests: 4 vCPUs, lazy RAM, a read-only ROM, a UART outside RAM */
#define NVCPUS	 4u
#define RAM_BASE UINT64_C(0x40000000)
#define RAM_SIZE UINT64_C(0x400000)
#define ROM_BASE UINT64_C(0x1000)
#define ROM_SIZE UINT64_C(0x2000)
#define UART	 UINT64_C(0x09000000)
#define UART_VA	 UINT64_C(0xffff7dfffe600000) /* where the guest maps it */
#define VBAR	 UINT64_C(0xffff800010800000)

#define R HV_MAP_READ
#define W HV_MAP_WRITE
#define X HV_MAP_EXECUTE

/* ---- the mock HAL ------------------------------------------------------------------------ */

static struct mock {
	uint8_t *arena;
	bool used[ARENA_FRAMES];
	size_t held; /* frames allocated and not yet freed */
	size_t last_count, last_align;
	unsigned flushes;

	uint8_t gmem[GMEM_SIZE];     /* guest virtual memory at GMEM_BASE */
	uint64_t fault_lo, fault_hi; /* guest_read faults in [lo, hi) with fault_esr */
	uint64_t fault_esr, fault_hpfar;
	unsigned reads, fetches;

	unsigned virq_calls;
	unsigned virq_irq[HV_A64_MAX_VCPUS];
	bool virq_pending[HV_A64_MAX_VCPUS];
} m;

static uint64_t mock_alloc(void *ctx, size_t count, size_t align)
{
	struct mock *mk = ctx;

	mk->last_count = count;
	mk->last_align = align;
	for (size_t i = 0; i + count <= ARENA_FRAMES; i += align) {
		size_t n = 0;

		while (n < count && !mk->used[i + n])
			n++;
		if (n < count)
			continue;
		for (n = 0; n < count; n++)
			mk->used[i + n] = true;
		memset(mk->arena + i * PAGE, 0xa5, count * PAGE); /* the caller must zero */
		mk->held += count;
		return ARENA_BASE + i * PAGE;
	}
	return 0;
}

static void mock_free(void *ctx, uint64_t hpa, size_t count)
{
	struct mock *mk = ctx;
	size_t first = (hpa - ARENA_BASE) / PAGE;

	ck_assert_msg(hpa >= ARENA_BASE && hpa % PAGE == 0 && first + count <= ARENA_FRAMES,
		      "free of 0x%llx outside the arena", (unsigned long long)hpa);
	for (size_t i = first; i < first + count; i++) {
		ck_assert_msg(mk->used[i], "double free of frame 0x%llx",
			      (unsigned long long)(ARENA_BASE + i * PAGE));
		mk->used[i] = false;
	}
	memset(mk->arena + first * PAGE, 0x5a, count * PAGE);
	mk->held -= count;
}

static void *mock_p2v(void *ctx, uint64_t hpa)
{
	struct mock *mk = ctx;

	ck_assert_msg(hpa >= ARENA_BASE && hpa < ARENA_BASE + ARENA_FRAMES * PAGE,
		      "phys_to_virt(0x%llx) outside the arena", (unsigned long long)hpa);
	return mk->arena + (hpa - ARENA_BASE);
}

static void mock_flush(void *ctx)
{
	((struct mock *)ctx)->flushes++;
}

/* A stage-2 fault (EC 0x24) or stage-1 fault (EC 0x25) in [fault_lo, fault_hi), else the
 * bytes of gmem; outside it a stage-1 translation fault. */
static bool mock_guest_read(void *ctx, unsigned vcpu, uint64_t gva, unsigned len, bool fetch,
			    uint64_t *out, hv_fault *f)
{
	struct mock *mk = ctx;

	ck_assert_uint_lt(vcpu, NVCPUS);
	mk->reads++;
	mk->fetches += fetch;
	if (gva >= mk->fault_lo && gva < mk->fault_hi) {
		f->cause = mk->fault_esr;
		f->tval = gva;
		f->tval2 = mk->fault_hpfar;
		return false;
	}
	if (gva < GMEM_BASE || gva - GMEM_BASE > GMEM_SIZE - len) {
		f->cause = UINT64_C(0x96000007); /* EC 0x25, translation fault level 3 */
		f->tval = gva;
		f->tval2 = 0;
		return false;
	}
	*out = 0;
	for (unsigned i = 0; i < len; i++)
		*out |= (uint64_t)mk->gmem[gva - GMEM_BASE + i] << (8 * i);
	return true;
}

static void mock_set_timer(void *ctx, unsigned vcpu, uint64_t deadline)
{
	(void)ctx;
	(void)vcpu;
	(void)deadline;
	ck_abort_msg("the AArch64 handler never arms host timers");
}

static void mock_set_virq(void *ctx, unsigned vcpu, unsigned irq, bool pending)
{
	struct mock *mk = ctx;

	mk->virq_calls++;
	mk->virq_irq[vcpu] = irq;
	mk->virq_pending[vcpu] = pending;
}

static void mock_tlb_flush(void *ctx, unsigned vcpu)
{
	(void)ctx;
	(void)vcpu;
	ck_abort_msg("the AArch64 handler never flushes guest TLBs");
}

static size_t mock_console_write(void *ctx, const uint8_t *buf, size_t len)
{
	(void)ctx;
	(void)buf;
	(void)len;
	ck_abort_msg("the AArch64 handler has no console");
	return 0;
}

static size_t mock_console_read(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	(void)buf;
	(void)len;
	ck_abort_msg("the AArch64 handler has no console");
	return 0;
}

static const hv_hal hal = {
    .ctx = &m,
    .alloc_frames = mock_alloc,
    .free_frames = mock_free,
    .phys_to_virt = mock_p2v,
    .stage2_flush = mock_flush,
    .guest_read = mock_guest_read,
    .set_timer = mock_set_timer,
    .set_virq = mock_set_virq,
    .guest_tlb_flush = mock_tlb_flush,
    .console_write = mock_console_write,
    .console_read = mock_console_read,
};

static void mock_setup(void)
{
	memset(&m, 0, sizeof(m));
	m.arena = aligned_alloc(PAGE, ARENA_FRAMES * PAGE);
	ck_assert_ptr_nonnull(m.arena);
}

/* Every test gives back every frame it took. */
static void mock_teardown(void)
{
	ck_assert_msg(m.held == 0, "%zu frames still allocated at the end of the test", m.held);
	free(m.arena);
}

static uint64_t raw_pte(uint64_t table, unsigned index)
{
	uint64_t pte;

	memcpy(&pte, mock_p2v(&m, table + 8 * (uint64_t)index), 8);
	return pte;
}

static void poke_pte(uint64_t table, unsigned index, uint64_t pte)
{
	memcpy(mock_p2v(&m, table + 8 * (uint64_t)index), &pte, 8);
}

/* The table a table descriptor points to: bits 1:0 = 11, nothing else but the address. */
static uint64_t next_table(uint64_t desc)
{
	ck_assert_msg((desc & ~UINT64_C(0x0000fffffffff000)) == 3, "0x%llx is no table descriptor",
		      (unsigned long long)desc);
	return desc & UINT64_C(0x0000fffffffff000);
}

static bool mapped(const hv_aspace *as, uint64_t ipa, uint64_t *hpa, uint32_t *flags)
{
	uint64_t h;
	uint32_t f;

	return hv_aspace_translate(as, ipa, hpa ? hpa : &h, flags ? flags : &f);
}

/* ---- stage 2: descriptors ------------------------------------------------------------------ */

/* A leaf of the VMSAv8-64 stage-2 format, 4 KiB granule (Arm ARM "Stage 2 block and page
 * descriptors"): bit 1 = 1 for a page, 0 for a block; MemAttr [5:2], S2AP [7:6], SH [9:8],
 * AF [10], XN [54]. */
#define PAGE_DESC  UINT64_C(0x3)
#define BLOCK_DESC UINT64_C(0x1)
#define AF	   UINT64_C(0x400)
#define SH_IS	   UINT64_C(0x300)
#define SH_OS	   UINT64_C(0x200)
#define S2AP_RW	   UINT64_C(0xc0)
#define S2AP_RO	   UINT64_C(0x40)
#define MA_WB	   UINT64_C(0x3c) /* MemAttr 0b1111: Normal, outer and inner Write-Back */
#define MA_NC	   UINT64_C(0x14) /* MemAttr 0b0101: Normal, outer and inner Non-cacheable */
#define MA_DEV	   UINT64_C(0x00) /* MemAttr 0b0000: Device-nGnRnE */
#define XN	   (UINT64_C(1) << 54)

START_TEST(s2_root_and_page_descriptors)
{
	hv_aspace as;
	uint64_t l2, l3;
	uint64_t hpa;
	uint32_t flags;

	ck_assert_int_eq(hv_aspace_init(&as, &hal, HV_PT_A64_IPA39, 0, UINT64_C(1) << 39), HV_OK);
	/* one 4 KiB root of 512 entries: a 39-bit IPA starts at level 1 */
	ck_assert_uint_eq(m.last_count, 1);
	ck_assert_uint_eq(m.last_align, 1);
	ck_assert_uint_eq(as.frames_in_use, 1);
	for (unsigned i = 0; i < 512; i++)
		ck_assert_uint_eq(raw_pte(as.root, i), 0);

	/* Normal RW at IPA 1 GiB + 0x5000 -> HPA 0x123456000: root[1] -> L2[0] -> L3[5] */
	ck_assert_int_eq(
	    hv_aspace_map_linear(&as, GIB + 0x5000, UINT64_C(0x123456000), PAGE, R | W), HV_OK);
	l2 = next_table(raw_pte(as.root, 1));
	l3 = next_table(raw_pte(l2, 0));
	/* = PA | 0x7ff | XN: page, MemAttr WB, S2AP RW, SH Inner Shareable, AF, no EXECUTE */
	ck_assert_uint_eq(raw_pte(l3, 5), UINT64_C(0x0040000123456000) | 0x7ff);
	ck_assert_uint_eq(raw_pte(l3, 5),
			  UINT64_C(0x123456000) | PAGE_DESC | MA_WB | S2AP_RW | SH_IS | AF | XN);
	ck_assert(mapped(&as, GIB + 0x5abc, &hpa, &flags));
	ck_assert_uint_eq(hpa, UINT64_C(0x123456abc));
	ck_assert_uint_eq(flags, R | W);

	/* executable read-only: S2AP 01, XN clear */
	ck_assert_int_eq(hv_aspace_map_linear(&as, GIB + 0x6000, 0x7000, PAGE, R | X), HV_OK);
	ck_assert_uint_eq(raw_pte(l3, 6), 0x7000 | PAGE_DESC | MA_WB | S2AP_RO | SH_IS | AF);
	ck_assert(mapped(&as, GIB + 0x6000, NULL, &flags));
	ck_assert_uint_eq(flags, R | X);
	/* execute-only is a valid stage-2 leaf: S2AP 00 */
	ck_assert_int_eq(hv_aspace_map_linear(&as, GIB + 0x7000, 0x8000, PAGE, X), HV_OK);
	ck_assert_uint_eq(raw_pte(l3, 7), 0x8000 | PAGE_DESC | MA_WB | SH_IS | AF);
	ck_assert(mapped(&as, GIB + 0x7000, NULL, &flags));
	ck_assert_uint_eq(flags, X);

	/* a device: Device-nGnRnE, Outer Shareable, XN: PA | 0x6c3 | XN */
	ck_assert_int_eq(
	    hv_aspace_map_linear(&as, GIB + 0x8000, 0x9000000, PAGE, R | W | HV_MAP_DEVICE), HV_OK);
	ck_assert_uint_eq(raw_pte(l3, 8), 0x9000000 | XN | 0x6c3);
	ck_assert_uint_eq(raw_pte(l3, 8),
			  0x9000000 | PAGE_DESC | MA_DEV | S2AP_RW | SH_OS | AF | XN);
	ck_assert(mapped(&as, GIB + 0x8000, NULL, &flags));
	ck_assert_uint_eq(flags, R | W | HV_MAP_DEVICE);
	/* DEVICE | UNCACHED is Device memory, and decodes as DEVICE */
	ck_assert_int_eq(hv_aspace_map_linear(&as, GIB + 0x9000, 0x9001000, PAGE,
					      R | W | HV_MAP_DEVICE | HV_MAP_UNCACHED),
			 HV_OK);
	ck_assert_uint_eq(raw_pte(l3, 9), 0x9001000 | XN | 0x6c3);
	ck_assert(mapped(&as, GIB + 0x9000, NULL, &flags));
	ck_assert_uint_eq(flags, R | W | HV_MAP_DEVICE);
	/* Normal Non-cacheable: MemAttr 0b0101, decoded back as UNCACHED (no NC decode bug) */
	ck_assert_int_eq(
	    hv_aspace_map_linear(&as, GIB + 0xa000, 0xb000, PAGE, R | W | X | HV_MAP_UNCACHED),
	    HV_OK);
	ck_assert_uint_eq(raw_pte(l3, 10), 0xb000 | PAGE_DESC | MA_NC | S2AP_RW | SH_OS | AF);
	ck_assert(mapped(&as, GIB + 0xa000, NULL, &flags));
	ck_assert_uint_eq(flags, R | W | X | HV_MAP_UNCACHED);
	ck_assert_uint_eq(as.frames_in_use, 3);
	hv_aspace_destroy(&as);
}
END_TEST

START_TEST(s2_blocks_levels_and_splits)
{
	hv_aspace as;
	uint64_t l1, l2, l3;

	/* 48-bit IPA: four levels from level 0 (IPA[47:39]) */
	ck_assert_int_eq(hv_aspace_init(&as, &hal, HV_PT_A64_IPA48, 0, UINT64_C(1) << 48), HV_OK);
	/* 1 GiB + 2 MiB + 4 KiB at IPA 2^47 + 1 GiB -> HPA 8 GiB: one of each size */
	ck_assert_int_eq(hv_aspace_map_linear(&as, (UINT64_C(1) << 47) + GIB, UINT64_C(0x200000000),
					      GIB + 2 * MIB + PAGE, R | W | X),
			 HV_OK);
	l1 = next_table(raw_pte(as.root, 256));
	/* level-1 block (bit 1 clear): PA | 0x7fd */
	ck_assert_uint_eq(raw_pte(l1, 1), UINT64_C(0x200000000) | 0x7fd);
	ck_assert_uint_eq(raw_pte(l1, 1),
			  UINT64_C(0x200000000) | BLOCK_DESC | MA_WB | S2AP_RW | SH_IS | AF);
	l2 = next_table(raw_pte(l1, 2));
	ck_assert_uint_eq(raw_pte(l2, 0), UINT64_C(0x240000000) | 0x7fd); /* 2 MiB block */
	l3 = next_table(raw_pte(l2, 1));
	ck_assert_uint_eq(raw_pte(l3, 0), UINT64_C(0x240200000) | 0x7ff); /* 4 KiB page */
	ck_assert_uint_eq(as.frames_in_use, 4);
	{
		uint64_t hpa;

		ck_assert(mapped(&as, (UINT64_C(1) << 47) + GIB + 0x3ffff123, &hpa, NULL));
		ck_assert_uint_eq(hpa, UINT64_C(0x23ffff123));
		ck_assert(mapped(&as, (UINT64_C(1) << 47) + 2 * GIB + 0x1fffff, &hpa, NULL));
		ck_assert_uint_eq(hpa, UINT64_C(0x2401fffff));
	}
	ck_assert(!mapped(&as, (UINT64_C(1) << 47) + 2 * GIB + 2 * MIB + PAGE, NULL, NULL));
	ck_assert(!mapped(&as, UINT64_C(1) << 48, NULL, NULL));

	/* unmapping one page out of the 2 MiB block splits it into pages (bit 1 set) */
	ck_assert_int_eq(hv_aspace_unmap(&as, (UINT64_C(1) << 47) + 2 * GIB + 0x3000, PAGE), HV_OK);
	l3 = next_table(raw_pte(l2, 0));
	ck_assert_uint_eq(raw_pte(l3, 2), UINT64_C(0x240002000) | 0x7ff);
	ck_assert_uint_eq(raw_pte(l3, 3), 0);
	ck_assert_uint_eq(raw_pte(l3, 511), UINT64_C(0x2401ff000) | 0x7ff);
	ck_assert(mapped(&as, (UINT64_C(1) << 47) + 2 * GIB + 0x4000, NULL, NULL));
	ck_assert(!mapped(&as, (UINT64_C(1) << 47) + 2 * GIB + 0x3000, NULL, NULL));
	hv_aspace_destroy(&as);
}
END_TEST

/* The walker applies the architecture's rules to hand-made descriptors. */
START_TEST(s2_walker_rules)
{
	hv_aspace as;
	uint64_t l2, l3, hpa;
	uint32_t flags;

	ck_assert_int_eq(hv_aspace_init(&as, &hal, HV_PT_A64_IPA39, 0, UINT64_C(1) << 39), HV_OK);
	ck_assert_int_eq(hv_aspace_map_linear(&as, 0x5000, 0x9000, PAGE, R | W), HV_OK);
	l2 = next_table(raw_pte(as.root, 0));
	l3 = next_table(raw_pte(l2, 0));
	ck_assert(mapped(&as, 0x5010, &hpa, NULL));
	ck_assert_uint_eq(hpa, 0x9010);
	/* a block-shaped entry at level 3 is reserved */
	poke_pte(l3, 5, 0x9000 | 0x7fd);
	ck_assert(!mapped(&as, 0x5010, NULL, NULL));
	/* AF = 0: an access flag fault */
	poke_pte(l3, 5, 0x9000 | 0x3ff);
	ck_assert(!mapped(&as, 0x5010, NULL, NULL));
	/* an output address past 48 bits: an address size fault */
	poke_pte(l3, 5, UINT64_C(0x1000000009000) | 0x7ff);
	ck_assert(!mapped(&as, 0x5010, NULL, NULL));
	/* invalid */
	poke_pte(l3, 5, 0x9000 | 0x7fe);
	ck_assert(!mapped(&as, 0x5010, NULL, NULL));
	/* MemAttr kinds decode: Device-nGnRE is Device; Normal WT is cacheable; XN[0] (bit 53,
	 * FEAT_XNX) also forbids some execution, so no EXECUTE */
	poke_pte(l3, 5, 0x9000 | 0x7c7);
	ck_assert(mapped(&as, 0x5010, NULL, &flags));
	ck_assert_uint_eq(flags, R | W | X | HV_MAP_DEVICE);
	poke_pte(l3, 5, 0x9000 | 0x7eb);
	ck_assert(mapped(&as, 0x5010, NULL, &flags));
	ck_assert_uint_eq(flags, R | W | X);
	poke_pte(l3, 5, (UINT64_C(1) << 53) | 0x9000 | 0x7ff);
	ck_assert(mapped(&as, 0x5010, NULL, &flags));
	ck_assert_uint_eq(flags, R | W);
	poke_pte(l3, 5, XN | 0x9000 | 0x7ff);
	/* a 1 GiB block at level 1 (the root here) is fine; misaligned it is not */
	poke_pte(as.root, 3, UINT64_C(0x40000000) | 0x77d);
	ck_assert(mapped(&as, UINT64_C(0xc0000123), &hpa, &flags));
	ck_assert_uint_eq(hpa, UINT64_C(0x40000123));
	ck_assert_uint_eq(flags, R | X);
	poke_pte(as.root, 3, UINT64_C(0x40200000) | 0x77d);
	ck_assert(!mapped(&as, UINT64_C(0xc0000123), NULL, NULL));
	poke_pte(as.root, 3, 0);
	hv_aspace_destroy(&as);

	/* 48-bit: no block at level 0 with a 4 KiB granule */
	ck_assert_int_eq(hv_aspace_init(&as, &hal, HV_PT_A64_IPA48, 0, UINT64_C(1) << 48), HV_OK);
	poke_pte(as.root, 1, (UINT64_C(1) << 39) | 0x77d);
	ck_assert(!mapped(&as, (UINT64_C(1) << 39) + 0x1000, NULL, NULL));
	poke_pte(as.root, 1, 0);
	hv_aspace_destroy(&as);
}
END_TEST

START_TEST(s2_lazy_alloc_and_errors)
{
	hv_aspace as, bad;
	uint64_t hpa;
	uint32_t flags;

	/* the IPA space ends at 2^39 (2^48); HPAs end at 2^48 */
	ck_assert_int_eq(hv_aspace_init(&bad, &hal, HV_PT_A64_IPA39, 0, UINT64_C(1) << 40),
			 HV_ERR_RANGE);
	ck_assert_int_eq(hv_aspace_init(&bad, &hal, HV_PT_A64_IPA48, PAGE, UINT64_C(1) << 48),
			 HV_ERR_RANGE);
	ck_assert_int_eq(hv_aspace_init(&as, &hal, HV_PT_A64_IPA39, 0, UINT64_C(1) << 39), HV_OK);
	ck_assert_int_eq(hv_aspace_map_linear(&as, UINT64_C(1) << 39, 0, PAGE, R), HV_ERR_RANGE);
	ck_assert_int_eq(hv_aspace_map_linear(&as, 0, UINT64_C(1) << 48, PAGE, R), HV_ERR_RANGE);
	/* lazy RAM: a frame on the first fault, zeroed, mapped RW normal */
	ck_assert_int_eq(hv_aspace_map_alloc(&as, RAM_BASE, RAM_SIZE, R | W | X, false), HV_OK);
	ck_assert(!mapped(&as, RAM_BASE + 0x1234, NULL, NULL));
	ck_assert(hv_aspace_handle_page_fault(&as, RAM_BASE + 0x1234, W));
	ck_assert(mapped(&as, RAM_BASE + 0x1234, &hpa, &flags));
	ck_assert_uint_eq(flags, R | W | X);
	ck_assert_uint_eq(*(uint8_t *)mock_p2v(&m, hpa), 0);
	ck_assert_uint_eq(as.frames_in_use, 4); /* root, L2, L3, the page */
	/* populated, then unmapped: every frame goes back */
	ck_assert_int_eq(hv_aspace_map_alloc(&as, ROM_BASE, ROM_SIZE, R | X, true), HV_OK);
	ck_assert(mapped(&as, ROM_BASE + 0x1fff, NULL, &flags));
	ck_assert_uint_eq(flags, R | X);
	ck_assert_int_eq(hv_aspace_unmap(&as, ROM_BASE, ROM_SIZE), HV_OK);
	ck_assert(!mapped(&as, ROM_BASE, NULL, NULL));
	ck_assert_uint_eq(as.frames_in_use, 4);
	hv_aspace_destroy(&as);
	ck_assert_uint_eq(m.held, 0);
}
END_TEST

START_TEST(s2_vtcr_vttbr_and_hgatp)
{
	hv_aspace a39, a48, rv;
	uint64_t taken = mock_alloc(&m, 1, 1);

	ck_assert_int_eq(hv_aspace_init(&a39, &hal, HV_PT_A64_IPA39, 0, UINT64_C(1) << 39), HV_OK);
	ck_assert_int_eq(hv_aspace_init(&a48, &hal, HV_PT_A64_IPA48, 0, UINT64_C(1) << 48), HV_OK);
	ck_assert_int_eq(hv_aspace_init(&rv, &hal, HV_PT_RV_SV39X4, 0, UINT64_C(1) << 41), HV_OK);
	ck_assert_uint_eq(a39.root, ARENA_BASE + PAGE); /* no alignment beyond a page */

	/* VTCR_EL2: T0SZ [5:0], SL0 [7:6], IRGN0 [9:8] = 1, ORGN0 [11:10] = 1, SH0 [13:12] = 3,
	 * TG0 [15:14] = 0 (4 KiB), PS [18:16], RES1 [31] */
	/* 39-bit IPA: T0SZ 25, SL0 1 (level 1); PA 48: PS 0b101 */
	ck_assert_uint_eq(hv_aspace_vtcr(&a39, 48), UINT64_C(0x80053559));
	/* 48-bit IPA: T0SZ 16, SL0 2 (level 0) */
	ck_assert_uint_eq(hv_aspace_vtcr(&a48, 48), UINT64_C(0x80053590));
	/* PA 40: PS 0b010; PA 52: PS 0b110 */
	ck_assert_uint_eq(hv_aspace_vtcr(&a39, 40), UINT64_C(0x80023559));
	ck_assert_uint_eq(hv_aspace_vtcr(&a48, 52), UINT64_C(0x80063590));
	/* an IPA wider than the PA, an unknown PA size, another architecture: 0 */
	ck_assert_uint_eq(hv_aspace_vtcr(&a48, 44), 0);
	ck_assert_uint_eq(hv_aspace_vtcr(&a39, 36), 0);
	ck_assert_uint_eq(hv_aspace_vtcr(&a39, 47), 0);
	ck_assert_uint_eq(hv_aspace_vtcr(&rv, 48), 0);

	/* VTTBR_EL2: BADDR | VMID << 48 */
	ck_assert_uint_eq(hv_aspace_vttbr(&a39, 0), a39.root);
	ck_assert_uint_eq(hv_aspace_vttbr(&a48, 0xab), UINT64_C(0x00ab000000000000) | a48.root);
	ck_assert_uint_eq(hv_aspace_vttbr(&rv, 1), 0);
	/* hgatp is RISC-V's alone */
	ck_assert_uint_eq(hv_aspace_hgatp(&a39, 1), 0);
	ck_assert_uint_ne(hv_aspace_hgatp(&rv, 1), 0);
	hv_aspace_destroy(&a39);
	hv_aspace_destroy(&a48);
	hv_aspace_destroy(&rv);
	mock_free(&m, taken, 1);
}
END_TEST

/* ---- the decoder ---------------------------------------------------------------------------- */

START_TEST(decoder_reads_loads_stores_and_pairs)
{
	static const struct {
		uint32_t insn;
		bool store, pair, sign, reg_offset;
		uint8_t width, reg_width, rt, rt2, rn;
		hv_a64_writeback wb;
		int64_t offset;
		uint8_t rm, option, shift;
	} cases[] = {
	    /* ldp x1, x2, [x0, #16]! */
	    {0xa9c10801, false, true, false, false, 8, 8, 1, 2, 0, HV_A64_WB_PRE, 16, 0, 0, 0},
	    /* stp w3, w4, [x5], #8 */
	    {0x288110a3, true, true, false, false, 4, 4, 3, 4, 5, HV_A64_WB_POST, 8, 0, 0, 0},
	    /* stp x1, x2, [x3, #-16] */
	    {0xa93f0861, true, true, false, false, 8, 8, 1, 2, 3, HV_A64_WB_NONE, -16, 0, 0, 0},
	    /* ldp w1, w2, [x3], #8 */
	    {0x28c10861, false, true, false, false, 4, 4, 1, 2, 3, HV_A64_WB_POST, 8, 0, 0, 0},
	    /* ldnp x0, x1, [x2] */
	    {0xa8400440, false, true, false, false, 8, 8, 0, 1, 2, HV_A64_WB_NONE, 0, 0, 0, 0},
	    /* ldpsw x0, x1, [x2] */
	    {0x69400440, false, true, true, false, 4, 8, 0, 1, 2, HV_A64_WB_NONE, 0, 0, 0, 0},
	    /* ldr x1, [x2], #-8 */
	    {0xf85f8441, false, false, false, false, 8, 8, 1, 0, 2, HV_A64_WB_POST, -8, 0, 0, 0},
	    /* ldrsh x3, [x4, #-2]! */
	    {0x789fec83, false, false, true, false, 2, 8, 3, 0, 4, HV_A64_WB_PRE, -2, 0, 0, 0},
	    /* ldrsw x1, [x2, #-4]! */
	    {0xb89fcc41, false, false, true, false, 4, 8, 1, 0, 2, HV_A64_WB_PRE, -4, 0, 0, 0},
	    /* ldur x5, [x6, #-1] */
	    {0xf85ff0c5, false, false, false, false, 8, 8, 5, 0, 6, HV_A64_WB_NONE, -1, 0, 0, 0},
	    /* ldtr w0, [x1] */
	    {0xb8400820, false, false, false, false, 4, 4, 0, 0, 1, HV_A64_WB_NONE, 0, 0, 0, 0},
	    /* str x1, [sp, #-16]! */
	    {0xf81f0fe1, true, false, false, false, 8, 8, 1, 0, 31, HV_A64_WB_PRE, -16, 0, 0, 0},
	    /* ldr w0, [x1, #4] */
	    {0xb9400420, false, false, false, false, 4, 4, 0, 0, 1, HV_A64_WB_NONE, 4, 0, 0, 0},
	    /* strh w10, [x11, #6] */
	    {0x79000d6a, true, false, false, false, 2, 4, 10, 0, 11, HV_A64_WB_NONE, 6, 0, 0, 0},
	    /* ldrsb w3, [x4, x5] */
	    {0x38e56883, false, false, true, true, 1, 4, 3, 0, 4, HV_A64_WB_NONE, 0, 5, 3, 0},
	    /* ldrsb x3, [x4, w5, sxtw] */
	    {0x38a5c883, false, false, true, true, 1, 8, 3, 0, 4, HV_A64_WB_NONE, 0, 5, 6, 0},
	    /* str w1, [x2, w3, sxtw #2] */
	    {0xb823d841, true, false, false, true, 4, 4, 1, 0, 2, HV_A64_WB_NONE, 0, 3, 6, 2},
	    /* ldrsw x7, [x8, x9, lsl #2] */
	    {0xb8a97907, false, false, true, true, 4, 8, 7, 0, 8, HV_A64_WB_NONE, 0, 9, 3, 2},
	    /* ldrb w12, [x13, w14, uxtw] */
	    {0x386e49ac, false, false, false, true, 1, 4, 12, 0, 13, HV_A64_WB_NONE, 0, 14, 2, 0},
	    /* ldr x1, [x2, x3, sxtx] */
	    {0xf863e841, false, false, false, true, 8, 8, 1, 0, 2, HV_A64_WB_NONE, 0, 3, 7, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hv_a64_access acc;
		const char *why = "stale";

		ck_assert_msg(hv_a64_decode_access(cases[i].insn, &acc, &why), "0x%08x refused: %s",
			      cases[i].insn, why);
		ck_assert_ptr_null(why);
		ck_assert_msg(acc.store == cases[i].store && acc.pair == cases[i].pair &&
				  acc.sign_extend == cases[i].sign &&
				  acc.reg_offset == cases[i].reg_offset &&
				  acc.width == cases[i].width &&
				  (acc.store || acc.reg_width == cases[i].reg_width) &&
				  acc.rt == cases[i].rt && acc.rt2 == cases[i].rt2 &&
				  acc.rn == cases[i].rn && acc.writeback == cases[i].wb,
			      "0x%08x decoded wrong", cases[i].insn);
		ck_assert_msg(acc.offset == cases[i].offset, "0x%08x: offset %lld", cases[i].insn,
			      (long long)acc.offset);
		ck_assert_msg(acc.rm == cases[i].rm && acc.option == cases[i].option &&
				  acc.shift == cases[i].shift,
			      "0x%08x: register offset wrong", cases[i].insn);
	}
}
END_TEST

START_TEST(decoder_refuses_what_no_device_access_models)
{
	static const struct {
		uint32_t insn;
		const char *word; /* in the sentence */
	} cases[] = {
	    {0xc85f7c20, "exclusive"},	      /* ldxr x0, [x1] */
	    {0xc8dffc20, "exclusive"},	      /* ldar x0, [x1] (hardware reports ISV = 1) */
	    {0xb8200041, "atomic"},	      /* ldadd w0, w1, [x2] */
	    {0x3dc00020, "SIMD&FP"},	      /* ldr q0, [x1] */
	    {0x4c407000, "SIMD&FP"},	      /* ld1 {v0.16b}, [x0] */
	    {0xf9800020, "prefetch"},	      /* prfm pldl1keep, [x1] */
	    {0x58000000, "literal"},	      /* ldr x0, . */
	    {0x8b020020, "no load or store"}, /* add x0, x1, x2 */
	    {0xf8200420, "pointer-auth"},     /* ldraa x0, [x1] */
	    {0x69000440, "STGP"},	      /* stgp x0, x1, [x2] */
	    {0x99400020, "RCpc"},	      /* ldapur w0, [x1] */
	    {0x68400440, "unallocated"},      /* ldnp with opc 01 */
	    {0xe9400440, "unallocated"},      /* a pair with opc 11 */
	    {0xb8e56883, "unallocated"},      /* ldrsw-like size 10 opc 11 */
	    {0xf8652883, "extend"},	      /* register offset with option 001 */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hv_a64_access acc;
		const char *why = NULL;

		ck_assert_msg(!hv_a64_decode_access(cases[i].insn, &acc, &why), "0x%08x accepted",
			      cases[i].insn);
		ck_assert_ptr_nonnull(why);
		ck_assert_msg(strstr(why, cases[i].word), "0x%08x: \"%s\" lacks \"%s\"",
			      cases[i].insn, why, cases[i].word);
		ck_assert_msg(strstr(why, "cannot emulate"), "%s", why);
	}
}
END_TEST

/* ---- the VM of the exit tests --------------------------------------------------------------- */

static hv_a64_vm vm;

static void vm_setup(void)
{
	mock_setup();
	hv_a64_vm_init(&vm, &hal, NVCPUS);
	ck_assert_int_eq(hv_aspace_init(&vm.aspace, &hal, HV_PT_A64_IPA39, 0, UINT64_C(1) << 39),
			 HV_OK);
	ck_assert_int_eq(hv_aspace_map_alloc(&vm.aspace, RAM_BASE, RAM_SIZE, R | W | X, false),
			 HV_OK);
	ck_assert_int_eq(hv_aspace_map_alloc(&vm.aspace, ROM_BASE, ROM_SIZE, R | X, true), HV_OK);
	hv_a64_vcpu_start(&vm, 0, RAM_BASE, 0);
	vm.vcpu[0].tf.elr = CODE;
	vm.vcpu[0].sys.vbar_el1 = VBAR;
}

static void vm_teardown(void)
{
	hv_aspace_destroy(&vm.aspace);
	mock_teardown();
}

static hv_a64_vcpu *boot(void)
{
	return &vm.vcpu[0];
}

/* Runs the handler on an exception latched in v; the exit starts as garbage to prove it is
 * filled. */
static void take(hv_a64_vcpu *v, uint64_t esr, uint64_t far, uint64_t hpfar, hv_exit *e)
{
	v->esr_el2 = esr;
	v->far_el2 = far;
	v->hpfar_el2 = hpfar;
	memset(e, 0x5a, sizeof(*e));
	hv_a64_handle_exit(&vm, v, HV_A64_EXIT_SYNC, e);
	ck_assert_ptr_nonnull(e->note);
}

static void put_insn(uint64_t gva, uint32_t insn)
{
	for (unsigned i = 0; i < 4; i++)
		m.gmem[gva - GMEM_BASE + i] = (uint8_t)(insn >> (8 * i));
}

/* HPFAR_EL2 for an IPA: FIPA [43:4] = IPA[51:12] */
static uint64_t hpfar(uint64_t ipa)
{
	return ipa >> 12 << 4;
}

/* ---- vCPU setup ------------------------------------------------------------------------------ */

START_TEST(vm_init_and_vcpu_start)
{
	hv_a64_vcpu *v = &vm.vcpu[2];
	/* VM 0, SWIO 1, FMO 3, IMO 4, AMO 5, FB 9, BSU 11:10 = 01, TWI 13, TID3 18, TSC 19,
	 * TACR 21, RW 31 */
	uint64_t hcr = 1u << 0 | 1u << 1 | 1u << 3 | 1u << 4 | 1u << 5 | 1u << 9 | 1u << 10 |
		       1u << 13 | 1u << 18 | 1u << 19 | 1u << 21 | UINT64_C(1) << 31;

	ck_assert_uint_eq(vm.nvcpus, NVCPUS);
	ck_assert_uint_eq(vm.pa_bits, 48);
	ck_assert_int_eq(v->state, HV_A64_OFF);
	ck_assert_uint_eq(v->id, 2);
	ck_assert_uint_eq(v->mpidr, 2);
	ck_assert_uint_eq(HV_A64_HCR_EL2, hcr);
	v->sys.cntvoff_el2 = 1000;
	v->tf.x[5] = 55;
	v->sys.ttbr0_el1 = 77;
	v->esr_el2 = 99;
	vm.vmid = 7;
	vm.midr = UINT64_C(0x410fd034);
	hv_a64_vcpu_start(&vm, 2, RAM_BASE + 0x80000, UINT64_C(0x44000000));
	ck_assert_int_eq(v->state, HV_A64_ON);
	ck_assert_uint_eq(v->tf.elr, RAM_BASE + 0x80000);
	ck_assert_uint_eq(v->tf.x[0], UINT64_C(0x44000000));
	ck_assert_uint_eq(v->tf.x[5], 0);
	ck_assert_uint_eq(v->sys.ttbr0_el1, 0);
	ck_assert_uint_eq(v->esr_el2, 0);
	ck_assert_uint_eq(v->sys.cntvoff_el2, 1000);
	/* EL1h (M = 0b0101), D A I F masked */
	ck_assert_uint_eq(v->tf.spsr, 0x3c5);
	/* MMU (M, bit 0), D-cache (C, bit 2), I-cache (I, bit 12) off; Armv8.0 RES1 bits */
	ck_assert_uint_eq(v->sys.sctlr_el1 & (1u << 0 | 1u << 2 | 1u << 12), 0);
	ck_assert_uint_eq(v->sys.sctlr_el1, UINT64_C(0x30d00800));
	ck_assert_uint_eq(v->sys.hcr_el2, hcr);
	ck_assert_uint_eq(v->sys.vttbr_el2, UINT64_C(7) << 48 | vm.aspace.root);
	ck_assert_uint_eq(v->sys.vtcr_el2, UINT64_C(0x80053559));
	ck_assert_uint_eq(v->sys.vmpidr_el2, UINT64_C(0x80000002));
	ck_assert_uint_eq(v->sys.vpidr_el2, UINT64_C(0x410fd034));
	ck_assert_uint_eq(v->sys.cnthctl_el2, 3);
	ck_assert_uint_eq(v->mpidr, 2);
	/* an id outside the VM is ignored */
	hv_a64_vcpu_start(&vm, NVCPUS, 0, 0);
	ck_assert_int_eq(vm.vcpu[NVCPUS].state, HV_A64_OFF);
	hv_a64_vcpu_start(&vm, 1000, 0, 0);

	/* at most HV_A64_MAX_VCPUS; MPIDRs: Aff0 = id % 16, Aff1 = id / 16 */
	{
		static hv_a64_vm big;

		hv_a64_vm_init(&big, &hal, 100);
		ck_assert_uint_eq(big.nvcpus, HV_A64_MAX_VCPUS);
		ck_assert_uint_eq(big.vcpu[HV_A64_MAX_VCPUS - 1].mpidr, HV_A64_MAX_VCPUS - 1);
	}
}
END_TEST

START_TEST(complete_mmio_read_extends_to_the_register)
{
	static const struct {
		uint8_t width, reg_width;
		bool sign;
		uint64_t device, reg;
	} cases[] = {
	    {1, 4, true, 0x80, UINT64_C(0xffffff80)},	      /* LDRSB Wt */
	    {1, 8, true, 0x80, UINT64_C(0xffffffffffffff80)}, /* LDRSB Xt */
	    {1, 4, true, 0x7f, 0x7f},
	    {1, 4, false, 0x1280, 0x80},			     /* LDRB */
	    {2, 4, true, 0x8001, UINT64_C(0xffff8001)},		     /* LDRSH Wt */
	    {2, 8, true, 0x8001, UINT64_C(0xffffffffffff8001)},	     /* LDRSH Xt */
	    {2, 4, false, 0xffff8001, 0x8001},			     /* LDRH */
	    {4, 8, true, 0x80000000, UINT64_C(0xffffffff80000000)},  /* LDRSW */
	    {4, 4, false, UINT64_C(0x1234567880000000), 0x80000000}, /* LDR Wt */
	    {8, 8, false, UINT64_C(0x8000000000000001), UINT64_C(0x8000000000000001)},
	};
	hv_a64_vcpu *v = boot();
	hv_exit e;

	memset(&e, 0, sizeof(e));
	e.kind = HV_EXIT_MMIO_READ;
	e.mmio_read.reg = 9;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		e.mmio_read.width = cases[i].width;
		e.mmio_read.reg_width = cases[i].reg_width;
		e.mmio_read.sign_extend = cases[i].sign;
		v->tf.x[9] = UINT64_C(0x5555555555555555);
		hv_a64_complete_mmio_read(v, &e, cases[i].device, 0);
		ck_assert_msg(v->tf.x[9] == cases[i].reg, "case %zu: 0x%llx", i,
			      (unsigned long long)v->tf.x[9]);
	}
	/* a pair: value2 to reg2 */
	e.mmio_read.pair = true;
	e.mmio_read.reg2 = 10;
	e.mmio_read.width = 4;
	e.mmio_read.reg_width = 8;
	e.mmio_read.sign_extend = true;
	hv_a64_complete_mmio_read(v, &e, 0xfffffffe, 5);
	ck_assert_uint_eq(v->tf.x[9], UINT64_C(0xfffffffffffffffe));
	ck_assert_uint_eq(v->tf.x[10], 5);
	/* XZR stays zero (and x30 is no alias of it); other exits are no MMIO reads */
	e.mmio_read.pair = false;
	e.mmio_read.reg = 31;
	v->tf.x[30] = 30;
	hv_a64_complete_mmio_read(v, &e, 0x1234, 0);
	ck_assert_uint_eq(v->tf.x[30], 30);
	ck_assert_uint_eq(v->tf.sp_el0, 0);
	e.mmio_read.reg = 9;
	e.kind = HV_EXIT_MMIO_WRITE;
	hv_a64_complete_mmio_read(v, &e, 0x1234, 0);
	ck_assert_uint_ne(v->tf.x[9], 0x1234);

	hv_a64_set_return(v, 42);
	ck_assert_uint_eq(v->tf.x[0], 42);
}
END_TEST

START_TEST(inject_virq_sets_hcr_vi)
{
	hv_a64_vcpu *v = &vm.vcpu[1];

	hv_a64_vcpu_start(&vm, 1, RAM_BASE, 0);
	hv_a64_inject_virq(&vm, v, true);
	ck_assert_uint_eq(v->sys.hcr_el2, HV_A64_HCR_EL2 | 1u << 7);
	ck_assert_uint_eq(m.virq_calls, 1);
	ck_assert_uint_eq(m.virq_irq[1], 7);
	ck_assert(m.virq_pending[1]);
	hv_a64_inject_virq(&vm, v, false);
	ck_assert_uint_eq(v->sys.hcr_el2, HV_A64_HCR_EL2);
	ck_assert(!m.virq_pending[1]);
	ck_assert_uint_eq(vm.vcpu[0].sys.hcr_el2, HV_A64_HCR_EL2);
}
END_TEST

START_TEST(inject_undef_enters_the_guest_vector)
{
	hv_a64_vcpu *v = boot();

	/* from EL1h: VBAR + 0x200; ESR_EL1 EC 0, IL 1 */
	v->tf.spsr = 0x3c5 & ~UINT64_C(0x80); /* IRQs were on */
	hv_a64_inject_undef(v, NULL);
	ck_assert_uint_eq(v->sys.esr_el1, UINT64_C(0x02000000));
	ck_assert_uint_eq(v->sys.elr_el1, CODE);
	ck_assert_uint_eq(v->sys.spsr_el1, 0x345);
	ck_assert_uint_eq(v->tf.elr, VBAR + 0x200);
	ck_assert_uint_eq(v->tf.spsr, 0x3c5);
	/* from EL0t: + 0x400; from EL1t: + 0x000 */
	v->tf.elr = CODE;
	v->tf.spsr = 0;
	hv_a64_inject_undef(v, NULL);
	ck_assert_uint_eq(v->tf.elr, VBAR + 0x400);
	ck_assert_uint_eq(v->sys.spsr_el1, 0);
	v->tf.elr = CODE;
	v->tf.spsr = 0x4;
	hv_a64_inject_undef(v, NULL);
	ck_assert_uint_eq(v->tf.elr, VBAR);
	/* SCTLR_EL1.SPAN = 0: PSTATE.PAN is set on entry */
	v->tf.elr = CODE;
	v->tf.spsr = 0x5;
	v->sys.sctlr_el1 &= ~(UINT64_C(1) << 23);
	hv_a64_inject_undef(v, NULL);
	ck_assert_uint_eq(v->tf.spsr, 0x3c5 | UINT64_C(1) << 22);
}
END_TEST

/* ---- data aborts: MMIO with ISV = 1 -----------------------------------------------------------
 */

/* ESR_EL2 of a data abort from a lower EL: EC 0x24 [31:26], IL [25] = 1, ISV [24], SAS
 * [23:22], SSE [21], SRT [20:16], SF [15], WnR [6], DFSC [5:0] = 0x07 (translation, level 3). */
START_TEST(mmio_loads_of_every_size_from_the_syndrome)
{
	static const struct {
		uint64_t esr;
		uint8_t width, reg, reg_width;
		bool sign;
		uint64_t device, result;
	} cases[] = {
	    /* LDR W1: SAS 2, SRT 1 */
	    {0x93810007, 4, 1, 4, false, UINT64_C(0xaaaaaaaa87654321), 0x87654321},
	    /* LDRSB W3: SAS 0, SSE, SRT 3 */
	    {0x93230007, 1, 3, 4, true, 0x80, 0xffffff80},
	    /* LDRSB X3: SAS 0, SSE, SRT 3, SF */
	    {0x93238007, 1, 3, 8, true, 0x80, UINT64_C(0xffffffffffffff80)},
	    /* LDRSH X4: SAS 1, SSE, SRT 4, SF */
	    {0x93648007, 2, 4, 8, true, 0x8000, UINT64_C(0xffffffffffff8000)},
	    /* LDRSW X5: SAS 2, SSE, SRT 5, SF */
	    {0x93a58007, 4, 5, 8, true, 0x80000001, UINT64_C(0xffffffff80000001)},
	    /* LDR X6: SAS 3, SRT 6, SF */
	    {0x93c68007, 8, 6, 8, false, UINT64_C(0x1122334455667788),
	     UINT64_C(0x1122334455667788)},
	    /* LDRH W7: SAS 1, SRT 7 */
	    {0x93470007, 2, 7, 4, false, 0x18000, 0x8000},
	    /* LDRB W8: SAS 0, SRT 8 */
	    {0x93080007, 1, 8, 4, false, 0x1ff, 0xff},
	};
	hv_a64_vcpu *v = boot();
	hv_exit e;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t pc = v->tf.elr;

		v->tf.x[cases[i].reg] = UINT64_C(0x5555555555555555);
		take(v, cases[i].esr, UART_VA + 0x18, hpfar(UART), &e);
		ck_assert_msg(e.kind == HV_EXIT_MMIO_READ, "case %zu: %s", i, e.note);
		/* IPA = HPFAR.FIPA << 12 | FAR[11:0] */
		ck_assert_uint_eq(e.mmio_read.addr, UART + 0x18);
		ck_assert_uint_eq(e.mmio_read.width, cases[i].width);
		ck_assert_uint_eq(e.mmio_read.reg, cases[i].reg);
		ck_assert_uint_eq(e.mmio_read.reg_width, cases[i].reg_width);
		ck_assert_int_eq(e.mmio_read.sign_extend, cases[i].sign);
		ck_assert(!e.mmio_read.pair);
		ck_assert_int_eq(e.insn_source, HV_INSN_SYNDROME);
		ck_assert_uint_eq(e.insn, (uint32_t)cases[i].esr);
		ck_assert(!e.has_call);
		/* ELR past the load: 2 + 2 * IL */
		ck_assert_uint_eq(v->tf.elr, pc + 4);
		ck_assert(e.pc_advanced);
		hv_a64_complete_mmio_read(v, &e, cases[i].device, 0);
		ck_assert_msg(v->tf.x[cases[i].reg] == cases[i].result, "case %zu: 0x%llx", i,
			      (unsigned long long)v->tf.x[cases[i].reg]);
	}
	ck_assert_uint_eq(m.reads, 0); /* the syndrome sufficed */

	/* LDR XZR: SAS 3, SRT 31, SF: nothing is written */
	take(v, 0x93df8007, UART_VA, hpfar(UART), &e);
	ck_assert_int_eq(e.kind, HV_EXIT_MMIO_READ);
	ck_assert_uint_eq(e.mmio_read.reg, 31);
	v->tf.x[30] = 30;
	hv_a64_complete_mmio_read(v, &e, 0x1234, 0);
	ck_assert_uint_eq(v->tf.x[30], 30);
}
END_TEST

START_TEST(mmio_stores_mask_the_register)
{
	static const struct {
		uint64_t esr;
		uint8_t width, reg;
		uint64_t value, data;
	} cases[] = {
	    /* STR W9: SAS 2, SRT 9, WnR: the upper half is ignored */
	    {0x93890047, 4, 9, UINT64_C(0xdeadbeef12345678), 0x12345678},
	    /* STRB W10: SAS 0 */
	    {0x930a0047, 1, 10, UINT64_C(0xffffffffffffff41), 0x41},
	    /* STRH W11: SAS 1 */
	    {0x934b0047, 2, 11, 0x12345, 0x2345},
	    /* STR X12: SAS 3, SF */
	    {0x93cc8047, 8, 12, UINT64_C(0x8000000000000001), UINT64_C(0x8000000000000001)},
	    /* STR XZR: SAS 3, SRT 31, SF: zero, whatever x30 or SP hold */
	    {0x93df8047, 8, 31, 0, 0},
	};
	hv_a64_vcpu *v = boot();
	hv_exit e;

	v->tf.x[30] = UINT64_MAX;
	v->tf.sp_el0 = UINT64_MAX;
	v->sys.sp_el1 = UINT64_MAX;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t pc = v->tf.elr;

		if (cases[i].reg < 31)
			v->tf.x[cases[i].reg] = cases[i].value;
		take(v, cases[i].esr, UART_VA + 0x1000, hpfar(UART + 0x1000), &e);
		ck_assert_msg(e.kind == HV_EXIT_MMIO_WRITE, "case %zu: %s", i, e.note);
		ck_assert_uint_eq(e.mmio_write.addr, UART + 0x1000);
		ck_assert_uint_eq(e.mmio_write.width, cases[i].width);
		ck_assert_uint_eq(e.mmio_write.reg, cases[i].reg);
		ck_assert_msg(e.mmio_write.data == cases[i].data, "case %zu: data 0x%llx", i,
			      (unsigned long long)e.mmio_write.data);
		ck_assert(!e.mmio_write.pair);
		ck_assert_uint_eq(v->tf.elr, pc + 4);
		ck_assert(e.pc_advanced);
	}
}
END_TEST

/* ---- data aborts: ISV = 0, the instruction fetched and decoded ------------------------------- */

START_TEST(mmio_ldp_pre_index_from_memory)
{
	hv_a64_vcpu *v = boot();
	uint64_t base = UART_VA + 0x100;
	hv_exit e;

	put_insn(CODE, 0xa9c10801); /* ldp x1, x2, [x0, #16]! */
	v->tf.x[0] = base;
	/* ESR: EC 0x24, IL, ISV 0, DFSC 0x07: 0x92000007 */
	take(v, 0x92000007, base + 16, hpfar(UART), &e);
	ck_assert_msg(e.kind == HV_EXIT_MMIO_READ, "%s", e.note);
	ck_assert_int_eq(e.insn_source, HV_INSN_FETCHED);
	ck_assert_uint_eq(e.insn, 0xa9c10801);
	ck_assert_uint_eq(e.insn_len, 4);
	ck_assert_uint_eq(m.fetches, 1);
	ck_assert_uint_eq(e.mmio_read.addr, UART + 0x110);
	ck_assert_uint_eq(e.mmio_read.width, 8);
	ck_assert_uint_eq(e.mmio_read.reg, 1);
	ck_assert(e.mmio_read.pair);
	ck_assert_uint_eq(e.mmio_read.reg2, 2);
	ck_assert_uint_eq(e.mmio_read.reg_width, 8);
	ck_assert(!e.mmio_read.sign_extend);
	/* pre-index writeback: x0 += 16 */
	ck_assert_uint_eq(v->tf.x[0], base + 16);
	ck_assert_uint_eq(v->tf.elr, CODE + 4);
	ck_assert(e.pc_advanced);
	hv_a64_complete_mmio_read(v, &e, 0x1111, 0x2222);
	ck_assert_uint_eq(v->tf.x[1], 0x1111);
	ck_assert_uint_eq(v->tf.x[2], 0x2222);

	/* the fault may name the second register of the pair: the access still starts at x0 */
	v->tf.elr = CODE;
	v->tf.x[0] = base;
	take(v, 0x92000007, base + 24, hpfar(UART), &e);
	ck_assert_int_eq(e.kind, HV_EXIT_MMIO_READ);
	ck_assert_uint_eq(e.mmio_read.addr, UART + 0x110);
}
END_TEST

START_TEST(mmio_stp_post_index_and_register_offsets)
{
	hv_a64_vcpu *v = boot();
	hv_exit e;

	/* stp w3, w4, [x5], #8: two words at x5, then x5 += 8 */
	put_insn(CODE, 0x288110a3);
	v->tf.x[3] = UINT64_C(0xffffffff00000003);
	v->tf.x[4] = UINT64_C(0x1234567800000004);
	v->tf.x[5] = UART_VA + 0x40;
	take(v, 0x92000047, UART_VA + 0x40, hpfar(UART), &e);
	ck_assert_msg(e.kind == HV_EXIT_MMIO_WRITE, "%s", e.note);
	ck_assert_uint_eq(e.mmio_write.addr, UART + 0x40);
	ck_assert_uint_eq(e.mmio_write.width, 4);
	ck_assert(e.mmio_write.pair);
	ck_assert_uint_eq(e.mmio_write.reg, 3);
	ck_assert_uint_eq(e.mmio_write.reg2, 4);
	ck_assert_uint_eq(e.mmio_write.data, 3);
	ck_assert_uint_eq(e.mmio_write.data2, 4);
	ck_assert_uint_eq(v->tf.x[5], UART_VA + 0x48);
	ck_assert_uint_eq(v->tf.elr, CODE + 4);

	/* ldr x1, [x2], #-8: post-index, the access at x2 */
	v->tf.elr = CODE;
	put_insn(CODE, 0xf85f8441);
	v->tf.x[2] = UART_VA + 0x8;
	take(v, 0x92000007, UART_VA + 0x8, hpfar(UART), &e);
	ck_assert_int_eq(e.kind, HV_EXIT_MMIO_READ);
	ck_assert_uint_eq(e.mmio_read.addr, UART + 0x8);
	ck_assert_uint_eq(e.mmio_read.reg, 1);
	ck_assert_uint_eq(v->tf.x[2], UART_VA);

	/* str w1, [x2, w3, sxtw #2]: x2 + (-1 << 2), x3's upper half ignored */
	v->tf.elr = CODE;
	put_insn(CODE, 0xb823d841);
	v->tf.x[1] = UINT64_C(0x99999999abcd0123);
	v->tf.x[2] = UART_VA + 0x24;
	v->tf.x[3] = UINT64_C(0x12345678ffffffff);
	take(v, 0x92000047, UART_VA + 0x20, hpfar(UART), &e);
	ck_assert_msg(e.kind == HV_EXIT_MMIO_WRITE, "%s", e.note);
	ck_assert_uint_eq(e.mmio_write.addr, UART + 0x20);
	ck_assert_uint_eq(e.mmio_write.data, 0xabcd0123);
	ck_assert_uint_eq(v->tf.x[2], UART_VA + 0x24); /* no writeback */

	/* ldrsb w3, [x4, x5]: sign-extended into W */
	v->tf.elr = CODE;
	put_insn(CODE, 0x38e56883);
	v->tf.x[4] = UART_VA;
	v->tf.x[5] = 5;
	take(v, 0x92000007, UART_VA + 5, hpfar(UART), &e);
	ck_assert_int_eq(e.kind, HV_EXIT_MMIO_READ);
	ck_assert_uint_eq(e.mmio_read.addr, UART + 5);
	hv_a64_complete_mmio_read(v, &e, 0x90, 0);
	ck_assert_uint_eq(v->tf.x[3], 0xffffff90);

	/* str x1, [sp, #-16]!: SP_EL1 (the guest is in EL1h) moves */
	v->tf.elr = CODE;
	put_insn(CODE, 0xf81f0fe1);
	v->sys.sp_el1 = UART_VA + 0x210;
	v->tf.sp_el0 = 0x1000;
	v->tf.x[1] = 7;
	take(v, 0x92000047, UART_VA + 0x200, hpfar(UART), &e);
	ck_assert_msg(e.kind == HV_EXIT_MMIO_WRITE, "%s", e.note);
	ck_assert_uint_eq(e.mmio_write.addr, UART + 0x200);
	ck_assert_uint_eq(e.mmio_write.data, 7);
	ck_assert_uint_eq(v->sys.sp_el1, UART_VA + 0x200);
	ck_assert_uint_eq(v->tf.sp_el0, 0x1000);
	/* the same from EL0t: SP_EL0 */
	v->tf.elr = CODE;
	v->tf.spsr = 0;
	v->tf.sp_el0 = UART_VA + 0x210;
	take(v, 0x92000047, UART_VA + 0x200, hpfar(UART), &e);
	ck_assert_int_eq(e.kind, HV_EXIT_MMIO_WRITE);
	ck_assert_uint_eq(v->tf.sp_el0, UART_VA + 0x200);
	ck_assert_uint_eq(v->sys.sp_el1, UART_VA + 0x200);

	/* a store of its own base register with writeback stores the old value (one of the
	 * behaviours the Arm ARM allows for this CONSTRAINED UNPREDICTABLE case) */
	v->tf.elr = CODE;
	v->tf.spsr = 0x3c5;
	put_insn(CODE, 0xf8008421); /* str x1, [x1], #8 */
	v->tf.x[1] = UART_VA + 0x80;
	take(v, 0x92000047, UART_VA + 0x80, hpfar(UART), &e);
	ck_assert_int_eq(e.kind, HV_EXIT_MMIO_WRITE);
	ck_assert_uint_eq(e.mmio_write.data, UART_VA + 0x80);
	ck_assert_uint_eq(v->tf.x[1], UART_VA + 0x88);
}
END_TEST

START_TEST(mmio_isv0_refusals)
{
	hv_a64_vcpu *v = boot();
	hv_exit e;

	/* ldadd w0, w1, [x2]: an atomic, said so, left as a nested fault, ELR kept */
	put_insn(CODE, 0xb8200041);
	take(v, 0x92000047, UART_VA, hpfar(UART), &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NESTED_PAGE_FAULT);
	ck_assert_uint_eq(e.nested_page_fault.addr, UART);
	ck_assert_uint_eq(e.nested_page_fault.access, W);
	ck_assert_int_eq(e.insn_source, HV_INSN_FETCHED);
	ck_assert_uint_eq(e.insn, 0xb8200041);
	ck_assert_ptr_nonnull(strstr(e.note, "atomic"));
	ck_assert_uint_eq(v->tf.elr, CODE);
	ck_assert(!e.pc_advanced);

	/* ldr q0, [x1]: SIMD&FP */
	put_insn(CODE, 0x3dc00020);
	take(v, 0x92000007, UART_VA, hpfar(UART), &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NESTED_PAGE_FAULT);
	ck_assert_uint_eq(e.nested_page_fault.access, R);
	ck_assert_ptr_nonnull(strstr(e.note, "SIMD&FP"));

	/* a load where WnR says store */
	put_insn(CODE, 0xb9400420); /* ldr w0, [x1, #4] */
	v->tf.x[1] = UART_VA;
	take(v, 0x92000047, UART_VA + 4, hpfar(UART), &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NESTED_PAGE_FAULT);
	ck_assert_ptr_nonnull(strstr(e.note, "direction"));
	ck_assert_uint_eq(v->tf.elr, CODE);

	/* the decoded address is not FAR: the code changed under us */
	take(v, 0x92000007, UART_VA + 0x40, hpfar(UART), &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NESTED_PAGE_FAULT);
	ck_assert_ptr_nonnull(strstr(e.note, "FAR_EL2"));
	ck_assert_uint_eq(v->tf.elr, CODE);

	/* a pair whose first register is in the page before (RAM) */
	put_insn(CODE, 0xa93f0861); /* stp x1, x2, [x3, #-16] */
	v->tf.x[3] = UART_VA + 8;
	take(v, 0x92000047, UART_VA, hpfar(UART), &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NESTED_PAGE_FAULT);
	ck_assert_ptr_nonnull(strstr(e.note, "straddles"));
	/* ... or whose second register is in the page after */
	v->tf.x[3] = UART_VA + 0x1008;
	take(v, 0x92000047, UART_VA + 0xff8, hpfar(UART), &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NESTED_PAGE_FAULT);
	ck_assert_ptr_nonnull(strstr(e.note, "straddles"));
	ck_assert_uint_eq(v->tf.x[3], UART_VA + 0x1008);
	ck_assert_uint_eq(v->tf.elr, CODE);
}
END_TEST

START_TEST(mmio_isv0_fetch_faults)
{
	hv_a64_vcpu *v = boot();
	hv_exit e;

	/* the code page is not mapped in stage 2: the VMM maps it, the guest retries */
	m.fault_lo = CODE;
	m.fault_hi = CODE + 4;
	m.fault_esr = UINT64_C(0x92000007);
	m.fault_hpfar = hpfar(RAM_BASE + 0x3000);
	take(v, 0x92000007, UART_VA, hpfar(UART), &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NESTED_PAGE_FAULT);
	ck_assert_uint_eq(e.nested_page_fault.addr, RAM_BASE + 0x3100); /* FAR offset 0x100 */
	ck_assert_uint_eq(e.nested_page_fault.access, X);
	ck_assert_uint_eq(v->tf.elr, CODE);
	ck_assert(!e.pc_advanced);
	ck_assert_int_eq(e.insn_source, HV_INSN_NONE);

	/* a stage-1 fault (EC 0x25): nothing emulated, the guest re-executes */
	m.fault_esr = UINT64_C(0x96000007);
	take(v, 0x92000007, UART_VA, hpfar(UART), &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);
	ck_assert_uint_eq(v->tf.elr, CODE);
	ck_assert(!e.pc_advanced);
	ck_assert_uint_eq(v->sys.esr_el1, 0); /* nothing injected */
}
END_TEST

/* ---- data and instruction aborts that are no MMIO ----------------------------------------------
 */

START_TEST(aborts_on_ram_are_nested_faults)
{
	hv_a64_vcpu *v = boot();
	hv_exit e;

	/* a translation fault on lazy RAM (LDR X0, ISV = 1): the VMM maps it */
	take(v, 0x93c08007, UINT64_C(0xffff000000001234), hpfar(RAM_BASE + 0x1000), &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NESTED_PAGE_FAULT);
	ck_assert_uint_eq(e.nested_page_fault.addr, RAM_BASE + 0x1234);
	ck_assert_uint_eq(e.nested_page_fault.access, R);
	ck_assert_uint_eq(v->tf.elr, CODE);
	ck_assert(!e.pc_advanced);
	ck_assert(hv_aspace_handle_page_fault(&vm.aspace, e.nested_page_fault.addr,
					      e.nested_page_fault.access));

	/* a permission fault (DFSC 0x0f): STR W1 to the ROM is no MMIO */
	take(v, 0x9381004f, UINT64_C(0xffff000000001010), hpfar(ROM_BASE), &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NESTED_PAGE_FAULT);
	ck_assert_uint_eq(e.nested_page_fault.addr, ROM_BASE + 0x10);
	ck_assert_uint_eq(e.nested_page_fault.access, W);
	ck_assert_ptr_nonnull(strstr(e.note, "permission"));
	ck_assert_uint_eq(v->tf.elr, CODE);
	/* a permission fault outside RAM is still no MMIO */
	take(v, 0x9381004f, UART_VA, hpfar(UART), &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NESTED_PAGE_FAULT);
	ck_assert_uint_eq(v->tf.elr, CODE);

	/* S1PTW: stage 2 faulted on the guest's table walk: the table page, never MMIO */
	take(v, 0x92000087, UINT64_C(0xffff000012345678), hpfar(UART + 0x3000), &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NESTED_PAGE_FAULT);
	ck_assert_uint_eq(e.nested_page_fault.addr, UART + 0x3000);
	ck_assert_uint_eq(e.nested_page_fault.access, R);
	ck_assert_ptr_nonnull(strstr(e.note, "S1PTW"));
	ck_assert_uint_eq(m.reads, 0);
	ck_assert_uint_eq(v->tf.elr, CODE);

	/* access flag (0x0b), address size (0x00), external abort (0x10): nested, each said */
	take(v, 0x9200000b, 0x10, hpfar(RAM_BASE), &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NESTED_PAGE_FAULT);
	ck_assert_ptr_nonnull(strstr(e.note, "access flag"));
	take(v, 0x92000000, 0x10, hpfar(UART), &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NESTED_PAGE_FAULT);
	ck_assert_ptr_nonnull(strstr(e.note, "address size"));
	take(v, 0x92000010, 0x10, hpfar(UART), &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NESTED_PAGE_FAULT);
	ck_assert_ptr_nonnull(strstr(e.note, "external abort"));
	ck_assert_uint_eq(v->tf.elr, CODE);

	/* instruction abort (EC 0x20): 0x82000007 */
	take(v, 0x82000007, UINT64_C(0xffff000000002468), hpfar(RAM_BASE + 0x2000), &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NESTED_PAGE_FAULT);
	ck_assert_uint_eq(e.nested_page_fault.addr, RAM_BASE + 0x2468);
	ck_assert_uint_eq(e.nested_page_fault.access, X);
	take(v, 0x82000007, UART_VA, hpfar(UART), &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NESTED_PAGE_FAULT);
	ck_assert_ptr_nonnull(strstr(e.note, "MMIO"));
	ck_assert_uint_eq(v->tf.elr, CODE);
	ck_assert(!e.pc_advanced);

	/* cache maintenance (CM = 1, WnR = 1) outside RAM: skipped */
	take(v, 0x92000147, UART_VA, hpfar(UART), &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);
	ck_assert_uint_eq(v->tf.elr, CODE + 4);
	ck_assert(e.pc_advanced);
}
END_TEST

/* ---- MSR / MRS ------------------------------------------------------------------------------- */

/* ESR: EC 0x18, IL; ISS Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10], Rt [9:5],
 * CRm [4:1], Direction [0] (1 = MRS). */
START_TEST(sysreg_read_and_write)
{
	hv_a64_vcpu *v = boot();
	hv_exit e;

	/* mrs x3, id_aa64mmfr0_el1 (3, 0, c0, c7, 0): ISS 0x30006f */
	take(v, 0x6230006f, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_SYSREG_READ);
	ck_assert_uint_eq(e.sysreg_read.addr, 0x30000e); /* Rt and Direction clear */
	ck_assert_uint_eq(e.sysreg_read.reg, 3);
	ck_assert_uint_eq(v->tf.elr, CODE + 4);
	ck_assert(e.pc_advanced);
	ck_assert_int_eq(e.insn_source, HV_INSN_NONE);
	hv_a64_complete_sysreg_read(v, &e, UINT64_C(0x1122));
	ck_assert_uint_eq(v->tf.x[3], 0x1122);

	/* msr actlr_el1, x5 (3, 0, c1, c0, 1): ISS 0x3204a0 */
	v->tf.x[5] = UINT64_C(0xabcdef);
	take(v, 0x623204a0, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_SYSREG_WRITE);
	ck_assert_uint_eq(e.sysreg_write.addr, 0x320400);
	ck_assert_uint_eq(e.sysreg_write.reg, 5);
	ck_assert_uint_eq(e.sysreg_write.value, 0xabcdef);
	ck_assert_uint_eq(v->tf.elr, CODE + 8);
	hv_a64_complete_sysreg_read(v, &e, 0x77); /* no read: nothing */
	ck_assert_uint_eq(v->tf.x[5], 0xabcdef);

	/* msr actlr_el1, xzr: value 0; mrs xzr: nothing written */
	v->tf.x[30] = 30;
	take(v, 0x623207e0, 0, 0, &e);
	ck_assert_uint_eq(e.sysreg_write.value, 0);
	take(v, 0x623207e1, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_SYSREG_READ);
	hv_a64_complete_sysreg_read(v, &e, 0x77);
	ck_assert_uint_eq(v->tf.x[30], 30);

	/* the VMM does not model the register: UNDEFINED at the MRS, not after it */
	v->tf.elr = CODE;
	take(v, 0x6230006f, 0, 0, &e);
	hv_a64_inject_undef(v, &e);
	ck_assert_uint_eq(v->sys.elr_el1, CODE);
	ck_assert_uint_eq(v->sys.esr_el1, UINT64_C(0x02000000));
	ck_assert_uint_eq(v->tf.elr, VBAR + 0x200);
}
END_TEST

/* msr icc_sgi1r_el1, x2 (3, 0, c12, c11, 5): ISS 0x3a3016 | Rt 2 << 5 = 0x3a3056. ICC_SGI1R:
 * TargetList [15:0], Aff1 [23:16], INTID [27:24], Aff2 [39:32], IRM [40], RS [47:44],
 * Aff3 [55:48]. */
START_TEST(icc_sgi1r_sends_ipis)
{
	hv_a64_vcpu *v = &vm.vcpu[1];
	hv_exit e;

	hv_a64_vcpu_start(&vm, 1, RAM_BASE, 0);
	v->tf.elr = CODE;
	/* INTID 1 to Aff0 1 and 3 (Aff3.Aff2.Aff1 = 0): vCPUs 1 (self) and 3 */
	v->tf.x[2] = UINT64_C(0x0100000a);
	take(v, 0x623a3056, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_SEND_IPI);
	ck_assert_uint_eq(e.send_ipi.target, 0);
	ck_assert_uint_eq(e.send_ipi.mask, 0xa);
	ck_assert(!e.send_ipi.to_all);
	ck_assert(e.send_ipi.to_self);
	ck_assert_uint_eq(e.send_ipi.vector, 1);
	ck_assert_uint_eq(v->tf.elr, CODE + 4);
	ck_assert(e.pc_advanced);

	/* IRM = 1: everybody but the sender, INTID 15 */
	v->tf.x[2] = UINT64_C(0x1000f000000);
	take(v, 0x623a3056, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_SEND_IPI);
	ck_assert_uint_eq(e.send_ipi.mask, 0xd);
	ck_assert(!e.send_ipi.to_self);
	ck_assert(!e.send_ipi.to_all);
	ck_assert_uint_eq(e.send_ipi.vector, 15);

	/* affinities other than Aff0: vCPU 2 at Aff1 1, vCPU 3 at Aff0 19 (RS 1, bit 3),
	 * vCPU 0 at Aff3 1 */
	vm.vcpu[2].mpidr = 0x100;
	vm.vcpu[3].mpidr = 19;
	vm.vcpu[0].mpidr = UINT64_C(0x100000000);
	v->tf.x[2] = UINT64_C(0x10001); /* Aff1 1, TargetList bit 0 */
	take(v, 0x623a3056, 0, 0, &e);
	ck_assert_uint_eq(e.send_ipi.mask, 0x4);
	v->tf.x[2] = UINT64_C(0x100000000008); /* RS 1, bit 3 */
	take(v, 0x623a3056, 0, 0, &e);
	ck_assert_uint_eq(e.send_ipi.mask, 0x8);
	v->tf.x[2] = UINT64_C(0x1000000000001); /* Aff3 1, bit 0 */
	take(v, 0x623a3056, 0, 0, &e);
	ck_assert_uint_eq(e.send_ipi.mask, 0x1);
	v->tf.x[2] = UINT64_C(0x8); /* Aff0 3: nobody has it now */
	take(v, 0x623a3056, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);
	ck_assert_uint_eq(v->tf.elr, CODE + 24);

	/* mrs x2, icc_sgi1r_el1: write-only, so UNDEFINED to the guest at the MRS */
	v->sys.vbar_el1 = VBAR;
	v->tf.elr = CODE;
	take(v, 0x623a3057, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);
	ck_assert(!e.pc_advanced);
	ck_assert_uint_eq(v->sys.esr_el1, UINT64_C(0x02000000));
	ck_assert_uint_eq(v->sys.elr_el1, CODE);
	ck_assert_uint_eq(v->tf.elr, VBAR + 0x200);
}
END_TEST

/* ---- WFx, interrupts, unknown classes ------------------------------------------------------ */

START_TEST(wfi_halts_and_wfe_continues)
{
	hv_a64_vcpu *v = boot();
	hv_exit e;

	/* EC 0x01, IL, CV 1, COND 0b1110 (AArch64), TI 00: WFI */
	take(v, 0x07e00000, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_HALT);
	ck_assert_uint_eq(v->tf.elr, CODE + 4);
	ck_assert(e.pc_advanced);
	/* TI 01: WFE; 10: WFIT */
	take(v, 0x07e00001, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);
	ck_assert_uint_eq(v->tf.elr, CODE + 8);
	take(v, 0x07e00002, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);
	ck_assert_uint_eq(v->tf.elr, CODE + 12);
}
END_TEST

START_TEST(interrupts_and_unknown_classes)
{
	hv_a64_vcpu *v = boot();
	hv_exit e;

	memset(&e, 0x5a, sizeof(e));
	hv_a64_handle_exit(&vm, v, HV_A64_EXIT_IRQ, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_EXTERNAL_INTERRUPT);
	ck_assert_uint_eq(e.external_interrupt.vector, 0x480);
	ck_assert_uint_eq(v->tf.elr, CODE);
	ck_assert(!e.pc_advanced);
	ck_assert(!e.has_call);
	ck_assert_int_eq(e.insn_source, HV_INSN_NONE);
	ck_assert_ptr_nonnull(e.note);
	hv_a64_handle_exit(&vm, v, HV_A64_EXIT_FIQ, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_EXTERNAL_INTERRUPT);
	ck_assert_uint_eq(e.external_interrupt.vector, 0x500);
	hv_a64_handle_exit(&vm, v, (hv_a64_exit_kind)7, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);
	ck_assert_ptr_nonnull(e.note);
	ck_assert_uint_eq(v->tf.elr, CODE);

	/* EC 0x00 (unknown reason) and 0x07 (FP trap): UNDEFINED to the guest */
	take(v, 0x02000000, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);
	ck_assert_uint_eq(v->sys.elr_el1, CODE);
	ck_assert_uint_eq(v->tf.elr, VBAR + 0x200);
	v->tf.elr = CODE;
	take(v, 0x1e000000, 0, 0, &e);
	ck_assert_uint_eq(v->tf.elr, VBAR + 0x200);
	ck_assert(!e.pc_advanced);
}
END_TEST

/* ---- HVC and SMC: SMCCC, PSCI, hypercalls ------------------------------------------------- */

#define ESR_HVC UINT64_C(0x5a000000) /* EC 0x16, IL, imm16 0 */
#define ESR_SMC UINT64_C(0x5e000000) /* EC 0x17, IL, imm16 0 */

enum {
	PSCI_VERSION = 0x84000000,
	CPU_SUSPEND64 = 0xc4000001,
	CPU_OFF = 0x84000002,
	CPU_ON32 = 0x84000003,
	CPU_ON64 = 0xc4000003,
	AFFINITY_INFO64 = 0xc4000004,
	MIGRATE32 = 0x84000005,
	MIGRATE_INFO_TYPE = 0x84000006,
	SYSTEM_OFF = 0x84000008,
	SYSTEM_RESET = 0x84000009,
	PSCI_FEATURES = 0x8400000a,
	SYSTEM_RESET2_64 = 0xc4000012,
	SMCCC_VERSION = 0x80000000,
	SMCCC_ARCH_FEATURES = 0x80000001,
	SMCCC_WORKAROUND_1 = 0x80008000,
	TRNG_VERSION = 0x84000050,
};

/* An HVC (smc false) or trapped SMC with x0..x3; checks the ELR rule of each. */
static void call(hv_a64_vcpu *v, bool smc, uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3,
		 hv_exit *e)
{
	/* HVC: ELR already points past the instruction; SMC: ELR is the SMC */
	uint64_t pc = v->tf.elr;

	v->tf.x[0] = x0;
	v->tf.x[1] = x1;
	v->tf.x[2] = x2;
	v->tf.x[3] = x3;
	take(v, smc ? ESR_SMC : ESR_HVC, 0, 0, e);
	ck_assert_uint_eq(v->tf.elr, smc ? pc + 4 : pc);
	ck_assert_int_eq(e->pc_advanced, smc);
	ck_assert_int_eq(e->insn_source, HV_INSN_NONE);
}

/* A call answered here that returns ret in x0, over HVC and over SMC. */
static void answers(uint64_t fid, uint64_t x1, uint64_t x2, int64_t ret)
{
	hv_a64_vcpu *v = boot();
	hv_exit e;

	for (int smc = 0; smc < 2; smc++) {
		call(v, smc, fid, x1, x2, 0, &e);
		ck_assert_msg(e.kind == HV_EXIT_NOTHING, "0x%llx: exit %s", (unsigned long long)fid,
			      hv_exit_name(e.kind));
		ck_assert(e.has_call);
		ck_assert_uint_eq(e.call.ext, (uint32_t)fid);
		ck_assert_msg(e.call.error == ret, "0x%llx (0x%llx) over %s: %lld, expected %lld",
			      (unsigned long long)fid, (unsigned long long)x1, smc ? "SMC" : "HVC",
			      (long long)e.call.error, (long long)ret);
		ck_assert(e.call.returns);
		ck_assert_uint_eq(v->tf.x[0], (uint64_t)ret);
	}
}

START_TEST(psci_version_features_and_info)
{
	answers(PSCI_VERSION, 0, 0, 0x10001);
	/* the upper half of x0 is not part of the function id (W0) */
	answers(UINT64_C(0xffffffff00000000) | PSCI_VERSION, 0, 0, 0x10001);
	answers(MIGRATE_INFO_TYPE, 0, 0, 2);
	/* PSCI_FEATURES: the functions answered here, in their conventions, and SMCCC_VERSION */
	answers(PSCI_FEATURES, CPU_ON32, 0, 0);
	answers(PSCI_FEATURES, CPU_ON64, 0, 0);
	answers(PSCI_FEATURES, CPU_SUSPEND64, 0, 0);
	answers(PSCI_FEATURES, PSCI_FEATURES, 0, 0);
	answers(PSCI_FEATURES, SYSTEM_RESET2_64, 0, 0);
	answers(PSCI_FEATURES, SMCCC_VERSION, 0, 0);
	answers(PSCI_FEATURES, 0xc4000000, 0, -1); /* no SMC64 PSCI_VERSION */
	answers(PSCI_FEATURES, MIGRATE32, 0, -1);
	answers(PSCI_FEATURES, SMCCC_ARCH_FEATURES, 0, -1);
	answers(PSCI_FEATURES, UINT64_C(0xffffffff00000000) | CPU_OFF, 0, 0);
	/* not implemented: NOT_SUPPORTED, never forwarded */
	answers(MIGRATE32, 0, 0, -1);
	answers(0xc4000000, 0, 0, -1);
	answers(0x8400001f, 0, 0, -1);
	answers(TRNG_VERSION, 0, 0, -1);
	answers(0x84ff0000, 0, 0, -1);
}
END_TEST

START_TEST(smccc_version_and_arch_features)
{
	answers(SMCCC_VERSION, 0, 0, 0x10001);
	answers(SMCCC_ARCH_FEATURES, SMCCC_VERSION, 0, 0);
	answers(SMCCC_ARCH_FEATURES, SMCCC_ARCH_FEATURES, 0, 0);
	answers(SMCCC_ARCH_FEATURES, SMCCC_WORKAROUND_1, 0, -1);
	answers(SMCCC_ARCH_FEATURES, 0x80000002, 0, -1); /* SOC_ID */
	answers(SMCCC_ARCH_FEATURES, PSCI_VERSION, 0, -1);
	answers(SMCCC_WORKAROUND_1, 0, 0, -1);
	answers(0xc0000000, 0, 0, -1);
}
END_TEST

START_TEST(psci_cpu_on_off_and_affinity_info)
{
	hv_a64_vcpu *v = boot();
	hv_exit e;

	/* CPU_ON (SMC64) MPIDR 1 at RAM + 0x100 with context 0x77 */
	call(v, false, CPU_ON64, 1, RAM_BASE + 0x100, 0x77, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_CPU_UP);
	ck_assert_uint_eq(e.cpu_up.target, 1);
	ck_assert_uint_eq(e.cpu_up.entry, RAM_BASE + 0x100);
	ck_assert_uint_eq(e.cpu_up.arg, 0x77);
	ck_assert(e.has_call);
	ck_assert_int_eq(e.call.error, 0);
	ck_assert(e.call.returns);
	ck_assert_uint_eq(v->tf.x[0], 0);
	ck_assert_int_eq(vm.vcpu[1].state, HV_A64_ON_PENDING);
	/* pending: AFFINITY_INFO says so, a second CPU_ON gets ON_PENDING */
	answers(AFFINITY_INFO64, 1, 0, 2);
	answers(CPU_ON64, 1, RAM_BASE, -5);
	/* the VMM starts it: ON */
	hv_a64_vcpu_start(&vm, 1, e.cpu_up.entry, e.cpu_up.arg);
	ck_assert_uint_eq(vm.vcpu[1].tf.x[0], 0x77);
	ck_assert_uint_eq(vm.vcpu[1].tf.elr, RAM_BASE + 0x100);
	answers(AFFINITY_INFO64, 1, 0, 0);
	answers(CPU_ON64, 1, RAM_BASE, -4); /* ALREADY_ON */
	answers(CPU_ON64, 0, RAM_BASE, -4); /* the caller itself */
	answers(AFFINITY_INFO64, 2, 0, 1);  /* OFF */
	/* INVALID_PARAMETERS: no such MPIDR, bits outside the affinity fields */
	answers(CPU_ON64, 0x55, RAM_BASE, -2);
	answers(CPU_ON64, UINT64_C(0x80000002), RAM_BASE, -2);
	/* INVALID_ADDRESS: outside executable RAM (the ROM is executable), misaligned */
	answers(CPU_ON64, 2, UART, -9);
	answers(CPU_ON64, 2, RAM_BASE + 2, -9);
	answers(CPU_ON64, 2, RAM_BASE + RAM_SIZE, -9);
	ck_assert_int_eq(vm.vcpu[2].state, HV_A64_OFF);

	/* CPU_ON over SMC32: 32-bit arguments */
	call(v, true, CPU_ON32, UINT64_C(0xdead000000000002), UINT64_C(0xffffffff00001000), 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_CPU_UP);
	ck_assert_uint_eq(e.cpu_up.target, 2);
	ck_assert_uint_eq(e.cpu_up.entry, ROM_BASE);
	ck_assert_uint_eq(v->tf.x[0], 0);

	/* AFFINITY_INFO above level 0: vCPUs sharing Aff1 = 0: one is ON */
	answers(AFFINITY_INFO64, 0, 1, 0);
	answers(AFFINITY_INFO64, 0x500, 1, -2); /* nobody at Aff1 5 */
	answers(AFFINITY_INFO64, 0, 4, -2);	/* no level 4 */
	answers(AFFINITY_INFO64, 0x9, 0, -2);

	/* CPU_OFF: the caller stops, x0 untouched, does not return */
	v = &vm.vcpu[1];
	v->tf.elr = CODE;
	call(v, false, CPU_OFF, 0, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_CPU_DOWN);
	ck_assert_int_eq(v->state, HV_A64_OFF);
	ck_assert(!e.call.returns);
	ck_assert_uint_eq(v->tf.x[0], CPU_OFF);
	answers(AFFINITY_INFO64, 1, 0, 1);
}
END_TEST

START_TEST(psci_suspend_off_and_resets)
{
	hv_a64_vcpu *v = boot();
	hv_exit e;

	for (int smc = 0; smc < 2; smc++) {
		/* CPU_SUSPEND, powerdown state too: a halt that returns SUCCESS */
		call(v, smc, CPU_SUSPEND64, 0x10000, RAM_BASE, 0, &e);
		ck_assert_int_eq(e.kind, HV_EXIT_HALT);
		ck_assert_uint_eq(v->tf.x[0], 0);
		ck_assert(e.call.returns);

		call(v, smc, SYSTEM_OFF, 0, 0, 0, &e);
		ck_assert_int_eq(e.kind, HV_EXIT_SYSTEM_DOWN);
		ck_assert(!e.call.returns);
		ck_assert_uint_eq(v->tf.x[0], SYSTEM_OFF);

		call(v, smc, SYSTEM_RESET, 0, 0, 0, &e);
		ck_assert_int_eq(e.kind, HV_EXIT_SYSTEM_RESET);
		ck_assert(!e.system_reset.warm);
		ck_assert(!e.call.returns);

		call(v, smc, SYSTEM_RESET2_64, 0, 0, 0, &e);
		ck_assert_int_eq(e.kind, HV_EXIT_SYSTEM_RESET);
		ck_assert(e.system_reset.warm);
	}
	/* vendor and unknown architectural reset types */
	answers(SYSTEM_RESET2_64, 0x80000000, 0, -2);
	answers(SYSTEM_RESET2_64, 1, 0, -2);
}
END_TEST

START_TEST(hypercalls_and_unknown_smcs)
{
	hv_a64_vcpu *v = boot();
	hv_exit e;

	v->tf.x[4] = 4;
	v->tf.x[5] = 5;
	v->tf.x[6] = 6;
	/* a yielding-call id (bit 31 clear): the VMM's hypercall, x0 left for its answer */
	call(v, false, 0x1234, 1, 2, 3, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_HYPERCALL);
	ck_assert_uint_eq(e.hypercall.nr, 0x1234);
	for (unsigned i = 0; i < 6; i++)
		ck_assert_uint_eq(e.hypercall.args[i], i + 1);
	ck_assert(!e.has_call);
	ck_assert_uint_eq(v->tf.x[0], 0x1234);
	hv_a64_set_return(v, 0x42);
	ck_assert_uint_eq(v->tf.x[0], 0x42);
	/* a vendor hypervisor service call: the VMM's too, nr with the full x0 */
	call(v, false, UINT64_C(0x1c6000001), 0, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_HYPERCALL);
	ck_assert_uint_eq(e.hypercall.nr, UINT64_C(0x1c6000001));

	/* the same over SMC: NOT_SUPPORTED, ELR + 4, nothing for the VMM or the firmware */
	call(v, true, 0x1234, 0, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);
	ck_assert(e.has_call);
	ck_assert_int_eq(e.call.error, -1);
	ck_assert_uint_eq(v->tf.x[0], UINT64_MAX);
	call(v, true, 0xc2000001, 0, 0, 0, &e); /* a SiP service call */
	ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);
	ck_assert_uint_eq(v->tf.x[0], UINT64_MAX);

	/* SMC #1 is no SMCCC call, even with a PSCI id */
	v->tf.x[0] = PSCI_VERSION;
	take(v, ESR_SMC | 1, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);
	ck_assert_uint_eq(v->tf.x[0], UINT64_MAX);
	ck_assert(e.pc_advanced);
	/* HVC's immediate is not looked at */
	v->tf.x[0] = PSCI_VERSION;
	take(v, ESR_HVC | 1, 0, 0, &e);
	ck_assert_uint_eq(v->tf.x[0], 0x10001);
	ck_assert(!e.pc_advanced);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hv_a64");
	TCase *s2 = tcase_create("stage2");
	TCase *dec = tcase_create("decode");
	TCase *vcpu = tcase_create("vcpu");
	TCase *ex = tcase_create("exit");
	TCase *smccc = tcase_create("smccc");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(s2, mock_setup, mock_teardown);
	tcase_add_test(s2, s2_root_and_page_descriptors);
	tcase_add_test(s2, s2_blocks_levels_and_splits);
	tcase_add_test(s2, s2_walker_rules);
	tcase_add_test(s2, s2_lazy_alloc_and_errors);
	tcase_add_test(s2, s2_vtcr_vttbr_and_hgatp);
	suite_add_tcase(s, s2);

	tcase_add_test(dec, decoder_reads_loads_stores_and_pairs);
	tcase_add_test(dec, decoder_refuses_what_no_device_access_models);
	suite_add_tcase(s, dec);

	tcase_add_checked_fixture(vcpu, vm_setup, vm_teardown);
	tcase_add_test(vcpu, vm_init_and_vcpu_start);
	tcase_add_test(vcpu, complete_mmio_read_extends_to_the_register);
	tcase_add_test(vcpu, inject_virq_sets_hcr_vi);
	tcase_add_test(vcpu, inject_undef_enters_the_guest_vector);
	suite_add_tcase(s, vcpu);

	tcase_add_checked_fixture(ex, vm_setup, vm_teardown);
	tcase_add_test(ex, mmio_loads_of_every_size_from_the_syndrome);
	tcase_add_test(ex, mmio_stores_mask_the_register);
	tcase_add_test(ex, mmio_ldp_pre_index_from_memory);
	tcase_add_test(ex, mmio_stp_post_index_and_register_offsets);
	tcase_add_test(ex, mmio_isv0_refusals);
	tcase_add_test(ex, mmio_isv0_fetch_faults);
	tcase_add_test(ex, aborts_on_ram_are_nested_faults);
	tcase_add_test(ex, sysreg_read_and_write);
	tcase_add_test(ex, icc_sgi1r_sends_ipis);
	tcase_add_test(ex, wfi_halts_and_wfe_continues);
	tcase_add_test(ex, interrupts_and_unknown_classes);
	suite_add_tcase(s, ex);

	tcase_add_checked_fixture(smccc, vm_setup, vm_teardown);
	tcase_add_test(smccc, psci_version_features_and_info);
	tcase_add_test(smccc, smccc_version_and_arch_features);
	tcase_add_test(smccc, psci_cpu_on_off_and_affinity_info);
	tcase_add_test(smccc, psci_suspend_off_and_resets);
	tcase_add_test(smccc, hypercalls_and_unknown_smcs);
	suite_add_tcase(s, smccc);

	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
