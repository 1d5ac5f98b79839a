/* The freestanding hypervisor: address spaces and their G-stage tables, the load/store decoder,
 * the RISC-V exit handler and its SBI implementation, over a mock HAL.
 *
 * The mock HAL hands out frames from a malloc'd arena (host physical 0x80000000 + 4 KiB * n),
 * scribbles on every frame it hands out or takes back, and counts them: every test ends with
 * every frame returned. Expected values are worked out by hand from the RISC-V Privileged Spec
 * (PTE and hgatp layouts, trap CSR effects), the SBI 2.0 spec, and GNU as encodings.
 */
#include "hv/hv_rv.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BASE   UINT64_C(0x80000000)
#define ARENA_FRAMES 2048u
#define PAGE	     UINT64_C(4096)

/* guest virtual memory guest_read sees, and where the guest's code runs */
#define GMEM_BASE UINT64_C(0xffffffc000200000)
#define GMEM_SIZE 0x3000u

/* the VM of the exit tests: 4 vCPUs, lazy RAM, a read-only "ROM", a UART outside RAM */
#define NVCPUS	 4u
#define RAM_BASE UINT64_C(0x80000000)
#define RAM_SIZE UINT64_C(0x400000)
#define ROM_BASE UINT64_C(0x1000)
#define ROM_SIZE UINT64_C(0x2000)
#define UART	 UINT64_C(0x10000000)

#define R   HV_MAP_READ
#define W   HV_MAP_WRITE
#define X   HV_MAP_EXECUTE
#define GIB (UINT64_C(1) << 30)
#define MIB (UINT64_C(1) << 20)

enum { A0 = 10, A1 = 11, A2 = 12, A3 = 13, A4 = 14, A5 = 15, A6 = 16, A7 = 17 };

/* ---- the mock HAL ---------------------------------------------------------------------- */

static struct mock {
	uint8_t *arena;
	bool used[ARENA_FRAMES];
	size_t held;	   /* frames allocated and not yet freed */
	long frames_left;  /* allocation fails beyond this many more frames; < 0: no limit */
	size_t last_count; /* the last alloc_frames request */
	size_t last_align;
	unsigned flushes;

	uint8_t gmem[GMEM_SIZE];     /* guest virtual memory at GMEM_BASE */
	uint64_t fault_lo, fault_hi; /* guest_read faults in [lo, hi) with fault_cause */
	uint64_t fault_cause, fault_gpa;
	unsigned reads, fetches;
	unsigned last_len;

	uint64_t deadline[HV_RV_MAX_VCPUS];
	unsigned timer_calls;
	uint64_t hvip[HV_RV_MAX_VCPUS];
	unsigned tlb_flushes[HV_RV_MAX_VCPUS];

	char out[1024];
	size_t out_len, out_limit; /* console_write takes at most out_limit bytes per call */
	const char *in;
	size_t in_pos;
} m;

static uint64_t mock_alloc(void *ctx, size_t count, size_t align)
{
	struct mock *mk = ctx;

	mk->last_count = count;
	mk->last_align = align;
	ck_assert_uint_gt(count, 0);
	ck_assert_uint_gt(align, 0);
	if (mk->frames_left >= 0 && (long)count > mk->frames_left)
		return 0;
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
		if (mk->frames_left >= 0)
			mk->frames_left -= (long)count;
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

static bool mock_guest_read(void *ctx, unsigned vcpu, uint64_t gva, unsigned len, bool fetch,
			    uint64_t *out, hv_fault *f)
{
	struct mock *mk = ctx;

	ck_assert_uint_lt(vcpu, NVCPUS);
	mk->reads++;
	mk->fetches += fetch;
	mk->last_len = len;
	if (gva >= mk->fault_lo && gva < mk->fault_hi) {
		f->cause = mk->fault_cause;
		f->tval = gva;
		f->tval2 = (mk->fault_gpa + (gva - mk->fault_lo)) >> 2;
		return false;
	}
	if (gva < GMEM_BASE || gva - GMEM_BASE > GMEM_SIZE - len) {
		f->cause = 13; /* load page fault */
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
	struct mock *mk = ctx;

	mk->deadline[vcpu] = deadline;
	mk->timer_calls++;
}

static void mock_set_virq(void *ctx, unsigned vcpu, unsigned irq, bool pending)
{
	struct mock *mk = ctx;

	if (pending)
		mk->hvip[vcpu] |= UINT64_C(1) << irq;
	else
		mk->hvip[vcpu] &= ~(UINT64_C(1) << irq);
}

static void mock_tlb_flush(void *ctx, unsigned vcpu)
{
	((struct mock *)ctx)->tlb_flushes[vcpu]++;
}

static size_t mock_console_write(void *ctx, const uint8_t *buf, size_t len)
{
	struct mock *mk = ctx;

	if (len > mk->out_limit)
		len = mk->out_limit;
	ck_assert_uint_le(mk->out_len + len, sizeof(mk->out) - 1);
	memcpy(mk->out + mk->out_len, buf, len);
	mk->out_len += len;
	return len;
}

static size_t mock_console_read(void *ctx, uint8_t *buf, size_t len)
{
	struct mock *mk = ctx;
	size_t n = 0;

	while (n < len && mk->in && mk->in[mk->in_pos])
		buf[n++] = (uint8_t)mk->in[mk->in_pos++];
	return n;
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
    .mvendorid = 0x489,
    .marchid = UINT64_C(0x8000000000000007),
    .mimpid = 0x20181004,
};

static void mock_setup(void)
{
	memset(&m, 0, sizeof(m));
	m.arena = aligned_alloc(16384, ARENA_FRAMES * PAGE);
	ck_assert_ptr_nonnull(m.arena);
	m.frames_left = -1;
	m.out_limit = SIZE_MAX;
}

/* Every test gives back every frame it took. */
static void mock_teardown(void)
{
	ck_assert_msg(m.held == 0, "%zu frames still allocated at the end of the test", m.held);
	free(m.arena);
}

/* The raw entry index of the table at host physical address table. */
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

/* The table a non-leaf PTE points to; a non-leaf G-stage PTE is V alone (bits 9:0 = 1). */
static uint64_t next_table(uint64_t pte)
{
	ck_assert_msg((pte & 0x3ff) == 1, "pte 0x%llx is no table pointer",
		      (unsigned long long)pte);
	ck_assert_uint_eq(pte >> 54, 0);
	return (pte >> 10) << 12;
}

static bool page_is(uint64_t hpa, uint8_t byte)
{
	const uint8_t *p = mock_p2v(&m, hpa);

	for (size_t i = 0; i < PAGE; i++)
		if (p[i] != byte)
			return false;
	return true;
}

static uint64_t hpa_of(const hv_aspace *as, uint64_t gpa)
{
	uint64_t hpa = 0;

	ck_assert_msg(hv_aspace_translate(as, gpa, &hpa, NULL), "gpa 0x%llx is not mapped",
		      (unsigned long long)gpa);
	return hpa;
}

static bool mapped(const hv_aspace *as, uint64_t gpa)
{
	uint64_t hpa;
	uint32_t flags;

	return hv_aspace_translate(as, gpa, &hpa, &flags);
}

/* ---- exit names ------------------------------------------------------------------------ */

START_TEST(exit_names_as_traces_spell_them)
{
	static const char *const names[] = {
	    "nothing",	    "hypercall",	  "mmio_read",	       "mmio_write", "sysreg_read",
	    "sysreg_write", "external_interrupt", "nested_page_fault", "halt",	     "cpu_up",
	    "cpu_down",	    "system_down",	  "system_reset",      "send_ipi",
	};

	ck_assert_uint_eq(sizeof(names) / sizeof(names[0]), HV_EXIT_KIND_COUNT);
	for (unsigned k = 0; k < HV_EXIT_KIND_COUNT; k++)
		ck_assert_str_eq(hv_exit_name((hv_exit_kind)k), names[k]);
	ck_assert_str_eq(hv_exit_name(HV_EXIT_KIND_COUNT), "unknown");
	ck_assert_str_eq(hv_exit_name((hv_exit_kind)-1), "unknown");
}
END_TEST

/* ---- address spaces: errors ------------------------------------------------------------ */

START_TEST(aspace_init_errors)
{
	hv_aspace as;

	ck_assert_int_eq(hv_aspace_init(&as, &hal, (hv_pt_format)7, 0, GIB), HV_ERR_INVALID);
	ck_assert_int_eq(hv_aspace_init(&as, &hal, HV_PT_RV_SV39X4, 0, 0), HV_ERR_INVALID);
	ck_assert_int_eq(hv_aspace_init(&as, &hal, HV_PT_RV_SV39X4, 0x800, GIB), HV_ERR_ALIGN);
	ck_assert_int_eq(hv_aspace_init(&as, &hal, HV_PT_RV_SV39X4, 0, 0x1800), HV_ERR_ALIGN);
	/* Sv39x4 ends at 2^41, Sv48x4 at 2^50 */
	ck_assert_int_eq(hv_aspace_init(&as, &hal, HV_PT_RV_SV39X4, PAGE, UINT64_C(1) << 41),
			 HV_ERR_RANGE);
	ck_assert_int_eq(hv_aspace_init(&as, &hal, HV_PT_RV_SV39X4, UINT64_C(1) << 41, PAGE),
			 HV_ERR_RANGE);
	ck_assert_int_eq(hv_aspace_init(&as, &hal, HV_PT_RV_SV48X4, 0, (UINT64_C(1) << 50) + PAGE),
			 HV_ERR_RANGE);
	ck_assert_int_eq(hv_aspace_init(&as, &hal, HV_PT_RV_SV39X4, UINT64_MAX - PAGE + 1, PAGE),
			 HV_ERR_RANGE);
	ck_assert_uint_eq(m.held, 0);

	/* the root takes 4 frames: with 3 left it fails and holds nothing */
	m.frames_left = 3;
	ck_assert_int_eq(hv_aspace_init(&as, &hal, HV_PT_RV_SV39X4, 0, GIB), HV_ERR_NOMEM);
	ck_assert_uint_eq(m.held, 0);
	ck_assert_uint_eq(as.frames_in_use, 0);
	hv_aspace_destroy(&as); /* harmless after a failed init */
	ck_assert_uint_eq(m.held, 0);

	m.frames_left = -1;
	ck_assert_int_eq(hv_aspace_init(&as, &hal, HV_PT_RV_SV48X4, 0, UINT64_C(1) << 50), HV_OK);
	hv_aspace_destroy(&as);
}
END_TEST

START_TEST(aspace_error_texts)
{
	ck_assert_str_eq(hv_err_text(HV_ERR_RANGE), "address out of range");
	ck_assert_str_eq(hv_err_text(HV_ERR_ALIGN), "address not aligned");
	ck_assert_str_ne(hv_err_text(HV_ERR_OVERLAP), hv_err_text(HV_ERR_NOMEM));
	ck_assert_str_ne(hv_err_text(HV_ERR_INVALID), hv_err_text(HV_OK));
	ck_assert_str_eq(hv_err_text((hv_err)99), "unknown error");
}
END_TEST

START_TEST(aspace_map_errors)
{
	hv_aspace as;
	uint64_t base = UINT64_C(0x80000000), hpa = UINT64_C(0x90000000);

	ck_assert_int_eq(hv_aspace_init(&as, &hal, HV_PT_RV_SV39X4, base, 16 * MIB), HV_OK);
	/* range: below, past the end, wrapping */
	ck_assert_int_eq(hv_aspace_map_linear(&as, base - PAGE, hpa, 2 * PAGE, R), HV_ERR_RANGE);
	ck_assert_int_eq(hv_aspace_map_linear(&as, base + 16 * MIB - PAGE, hpa, 2 * PAGE, R),
			 HV_ERR_RANGE);
	ck_assert_int_eq(hv_aspace_map_alloc(&as, base + PAGE, UINT64_MAX - PAGE + 1, R, false),
			 HV_ERR_RANGE);
	/* alignment of gpa, hpa, size */
	ck_assert_int_eq(hv_aspace_map_linear(&as, base + 0x800, hpa, PAGE, R), HV_ERR_ALIGN);
	ck_assert_int_eq(hv_aspace_map_linear(&as, base, hpa + 0x800, PAGE, R), HV_ERR_ALIGN);
	ck_assert_int_eq(hv_aspace_map_linear(&as, base, hpa, 0x800, R), HV_ERR_ALIGN);
	ck_assert_int_eq(hv_aspace_map_alloc(&as, base + 8, PAGE, R, true), HV_ERR_ALIGN);
	/* host addresses beyond the 56 bits a PTE holds */
	ck_assert_int_eq(hv_aspace_map_linear(&as, base, UINT64_C(1) << 56, PAGE, R), HV_ERR_RANGE);
	ck_assert_int_eq(hv_aspace_map_linear(&as, base, (UINT64_C(1) << 56) - PAGE, 2 * PAGE, R),
			 HV_ERR_RANGE);
	/* empty range; no permission (would read as a table pointer); W without R (reserved) */
	ck_assert_int_eq(hv_aspace_map_linear(&as, base, hpa, 0, R), HV_ERR_INVALID);
	ck_assert_int_eq(hv_aspace_map_linear(&as, base, hpa, PAGE, 0), HV_ERR_INVALID);
	ck_assert_int_eq(hv_aspace_map_linear(&as, base, hpa, PAGE, HV_MAP_USER), HV_ERR_INVALID);
	ck_assert_int_eq(hv_aspace_map_alloc(&as, base, PAGE, W, true), HV_ERR_INVALID);
	ck_assert_int_eq(hv_aspace_map_linear(&as, base, hpa, PAGE, W | X), HV_ERR_INVALID);
	ck_assert_uint_eq(as.nareas, 0);
	ck_assert_uint_eq(m.held, 4);

	/* overlap on either side; touching is fine */
	ck_assert_int_eq(hv_aspace_map_linear(&as, base + PAGE, hpa, 2 * PAGE, R | W), HV_OK);
	ck_assert_int_eq(hv_aspace_map_linear(&as, base + 2 * PAGE, hpa, PAGE, R), HV_ERR_OVERLAP);
	ck_assert_int_eq(hv_aspace_map_alloc(&as, base, 2 * PAGE, R, false), HV_ERR_OVERLAP);
	ck_assert_int_eq(hv_aspace_map_alloc(&as, base, 8 * PAGE, R, false), HV_ERR_OVERLAP);
	ck_assert_int_eq(hv_aspace_map_alloc(&as, base, PAGE, X, false), HV_OK);
	ck_assert_int_eq(hv_aspace_map_alloc(&as, base + 3 * PAGE, PAGE, R, false), HV_OK);
	ck_assert_uint_eq(as.nareas, 3);

	/* unmap checks its range the same way */
	ck_assert_int_eq(hv_aspace_unmap(&as, base - PAGE, PAGE), HV_ERR_RANGE);
	ck_assert_int_eq(hv_aspace_unmap(&as, base + 0x10, PAGE), HV_ERR_ALIGN);
	ck_assert_int_eq(hv_aspace_unmap(&as, base, 0x10), HV_ERR_ALIGN);
	ck_assert_int_eq(hv_aspace_unmap(&as, base, 0), HV_ERR_INVALID);
	ck_assert_uint_eq(as.nareas, 3);
	hv_aspace_destroy(&as);
}
END_TEST

START_TEST(aspace_area_table_is_bounded)
{
	hv_aspace as;
	uint64_t base = UINT64_C(0x80000000);

	ck_assert_int_eq(hv_aspace_init(&as, &hal, HV_PT_RV_SV39X4, base, 16 * MIB), HV_OK);
	/* every other page, added from the top so each insert shifts the list */
	for (unsigned i = HV_MAX_AREAS; i-- > 0;)
		ck_assert_int_eq(hv_aspace_map_alloc(&as, base + PAGE * 2 * i, PAGE, R, false),
				 HV_OK);
	ck_assert_uint_eq(as.nareas, HV_MAX_AREAS);
	for (unsigned i = 0; i < HV_MAX_AREAS; i++)
		ck_assert_uint_eq(as.areas[i].start, base + PAGE * 2 * i);
	ck_assert_int_eq(hv_aspace_map_alloc(&as, base + MIB, PAGE, R, false), HV_ERR_INVALID);
	hv_aspace_destroy(&as);

	/* a full table cannot split an area in two, but can still trim one */
	ck_assert_int_eq(hv_aspace_init(&as, &hal, HV_PT_RV_SV39X4, base, 16 * MIB), HV_OK);
	for (unsigned i = 0; i < HV_MAX_AREAS; i++)
		ck_assert_int_eq(hv_aspace_map_alloc(&as, base + PAGE * 4 * i, 3 * PAGE, R, true),
				 HV_OK);
	ck_assert_int_eq(hv_aspace_unmap(&as, base + PAGE, PAGE), HV_ERR_INVALID);
	ck_assert(mapped(&as, base + PAGE));
	ck_assert_int_eq(hv_aspace_unmap(&as, base, PAGE), HV_OK);
	ck_assert_uint_eq(as.areas[0].start, base + PAGE);
	ck_assert_uint_eq(as.areas[0].size, 2 * PAGE);
	hv_aspace_destroy(&as);
}
END_TEST

/* ---- address spaces: the G-stage format ----------------------------------------------- */

START_TEST(root_is_16k_aligned_and_hgatp_names_it)
{
	hv_aspace as;
	uint64_t taken = mock_alloc(&m, 1, 1); /* frame 0: the next free frame is not aligned */

	ck_assert_uint_eq(taken, ARENA_BASE);
	ck_assert_int_eq(hv_aspace_init(&as, &hal, HV_PT_RV_SV39X4, 0, UINT64_C(1) << 41), HV_OK);
	ck_assert_uint_eq(m.last_count, 4);
	ck_assert_uint_eq(m.last_align, 4);
	ck_assert_uint_eq(as.root, ARENA_BASE + 0x4000);
	ck_assert_uint_eq(as.frames_in_use, 4);
	ck_assert_uint_eq(m.held, 5);
	for (unsigned i = 0; i < 2048; i++)
		ck_assert_uint_eq(raw_pte(as.root, i), 0); /* zeroed over the mock's 0xa5 */
	/* hgatp: MODE 8 (Sv39x4) [63:60], VMID [57:44], PPN [43:0] = 0x80004000 >> 12 */
	ck_assert_uint_eq(hv_aspace_hgatp(&as, 5), UINT64_C(0x8000500000080004));
	ck_assert_uint_eq(hv_aspace_hgatp(&as, 0), UINT64_C(0x8000000000080004));
	/* VMID is 14 bits on RV64 */
	ck_assert_uint_eq(hv_aspace_hgatp(&as, 0x4001), UINT64_C(0x8000100000080004));
	hv_aspace_destroy(&as);
	ck_assert_uint_eq(m.held, 1);
	mock_free(&m, taken, 1);

	ck_assert_int_eq(hv_aspace_init(&as, &hal, HV_PT_RV_SV48X4, 0, UINT64_C(1) << 50), HV_OK);
	ck_assert_uint_eq(as.root, ARENA_BASE);
	/* MODE 9 (Sv48x4), VMID 0x3fff */
	ck_assert_uint_eq(hv_aspace_hgatp(&as, 0x3fff), UINT64_C(0x93fff00000080000));
	hv_aspace_destroy(&as);
}
END_TEST

START_TEST(sv39x4_superpages_and_raw_ptes)
{
	hv_aspace as;
	uint64_t l1, l2;
	uint32_t flags;
	uint64_t hpa;

	ck_assert_int_eq(hv_aspace_init(&as, &hal, HV_PT_RV_SV39X4, 0, UINT64_C(1) << 41), HV_OK);
	/* 1 GiB + 2 MiB + 4 KiB at GPA 1 GiB -> HPA 8 GiB: one of each page size */
	ck_assert_int_eq(
	    hv_aspace_map_linear(&as, GIB, UINT64_C(0x200000000), GIB + 2 * MIB + PAGE, R | W),
	    HV_OK);
	/* root[GPA[40:30] = 1]: leaf, PPN 0x200000 << 10, V|R|W|U|A|D = 0xd7 */
	ck_assert_uint_eq(raw_pte(as.root, 1), UINT64_C(0x800000d7));
	/* GPA 2 GiB: root[2] -> table, [29:21] = 0: 2 MiB leaf at HPA 0x240000000 */
	l1 = next_table(raw_pte(as.root, 2));
	ck_assert_uint_eq(raw_pte(l1, 0), UINT64_C(0x900000d7));
	/* GPA 0x80200000: L1[1] -> table, [20:12] = 0: 4 KiB leaf at HPA 0x240200000 */
	l2 = next_table(raw_pte(l1, 1));
	ck_assert_uint_eq(raw_pte(l2, 0), UINT64_C(0x900800d7));
	ck_assert_uint_eq(raw_pte(l2, 1), 0);
	ck_assert_uint_eq(raw_pte(l1, 2), 0);
	ck_assert_uint_eq(raw_pte(as.root, 0), 0);
	ck_assert_uint_eq(raw_pte(as.root, 3), 0);
	ck_assert_uint_eq(as.frames_in_use, 6); /* root (4) + two tables */
	ck_assert_uint_eq(m.held, 6);

	ck_assert(hv_aspace_translate(&as, GIB + 0x3ffff123, &hpa, &flags));
	ck_assert_uint_eq(hpa, UINT64_C(0x23ffff123));
	ck_assert_uint_eq(flags, R | W);
	ck_assert_uint_eq(hpa_of(&as, UINT64_C(0x801fffff)), UINT64_C(0x2401fffff));
	ck_assert_uint_eq(hpa_of(&as, UINT64_C(0x80200fff)), UINT64_C(0x240200fff));
	ck_assert(!mapped(&as, UINT64_C(0x80201000)));
	ck_assert(!mapped(&as, GIB - 1));

	/* executable read-only 1 GiB at GPA 2^40 + 5 GiB: root index 1024 + 5, beyond 4 KiB */
	ck_assert_int_eq(hv_aspace_map_linear(&as, UINT64_C(0x10140000000), GIB, GIB, R | X),
			 HV_OK);
	/* PPN 0x40000 << 10, V|R|X|U|A|D = 0xdb */
	ck_assert_uint_eq(raw_pte(as.root, 1029), UINT64_C(0x100000db));
	ck_assert(hv_aspace_translate(&as, UINT64_C(0x10140000042), &hpa, &flags));
	ck_assert_uint_eq(hpa, GIB + 0x42);
	ck_assert_uint_eq(flags, R | X);
	/* 4 KiB at 2^40 + 0x5000: root[1024] -> L1[0] -> L2[5]; PPN 0x1234, V|R|U|A|D */
	ck_assert_int_eq(
	    hv_aspace_map_linear(&as, UINT64_C(0x10000005000), UINT64_C(0x1234000), PAGE, R),
	    HV_OK);
	l1 = next_table(raw_pte(as.root, 1024));
	l2 = next_table(raw_pte(l1, 0));
	ck_assert_uint_eq(raw_pte(l2, 5), UINT64_C(0x48d0d3));
	/* GPAs of 41 bits and more do not exist in Sv39x4 */
	ck_assert(!mapped(&as, UINT64_C(1) << 41));
	ck_assert(!mapped(&as, (UINT64_C(1) << 41) + GIB));
	hv_aspace_destroy(&as);
}
END_TEST

START_TEST(sv48x4_four_levels)
{
	hv_aspace as;
	uint64_t l1, l2, l3;

	ck_assert_int_eq(hv_aspace_init(&as, &hal, HV_PT_RV_SV48X4, 0, UINT64_C(1) << 50), HV_OK);
	/* GPA 2^49 + 0x7000: root GPA[49:39] = 1024, then 0, 0, [20:12] = 7 */
	ck_assert_int_eq(
	    hv_aspace_map_linear(&as, (UINT64_C(1) << 49) + 0x7000, 0x3000, PAGE, R | W), HV_OK);
	l1 = next_table(raw_pte(as.root, 1024));
	l2 = next_table(raw_pte(l1, 0));
	l3 = next_table(raw_pte(l2, 0));
	ck_assert_uint_eq(raw_pte(l3, 7), UINT64_C(0xcd7)); /* PPN 3 << 10 | 0xd7 */
	ck_assert_uint_eq(as.frames_in_use, 7);
	ck_assert_uint_eq(hpa_of(&as, (UINT64_C(1) << 49) + 0x7abc), 0x3abc);
	/* a 1 GiB page sits one level below the root: GPA 2^39 + 1 GiB -> root[1], L1[1] */
	ck_assert_int_eq(hv_aspace_map_linear(&as, (UINT64_C(1) << 39) + GIB, 2 * GIB, GIB, R | W),
			 HV_OK);
	l1 = next_table(raw_pte(as.root, 1));
	ck_assert_uint_eq(raw_pte(l1, 1), UINT64_C(0x200000d7));
	ck_assert_uint_eq(hpa_of(&as, (UINT64_C(1) << 39) + GIB + 0x12345678),
			  2 * GIB + 0x12345678);
	ck_assert(!mapped(&as, UINT64_C(1) << 50));
	hv_aspace_destroy(&as);
}
END_TEST

/* The walker is the hardware's: it reads the tables alone and applies the spec's rules. */
START_TEST(translate_walks_the_tables_not_the_areas)
{
	hv_aspace as;
	uint64_t hpa, l1, l2;
	uint32_t flags;

	ck_assert_int_eq(hv_aspace_init(&as, &hal, HV_PT_RV_SV39X4, 0, UINT64_C(1) << 41), HV_OK);
	/* a hand-made gigapage at root[3] (GPA 3 GiB -> HPA 1 GiB, V|R|U|A|D), no area */
	poke_pte(as.root, 3, UINT64_C(0x100000d3));
	ck_assert(hv_aspace_translate(&as, UINT64_C(0xc0000123), &hpa, &flags));
	ck_assert_uint_eq(hpa, UINT64_C(0x40000123));
	ck_assert_uint_eq(flags, R);
	ck_assert_ptr_null(hv_aspace_find(&as, UINT64_C(0xc0000123)));
	/* the walker faults on: U = 0 in a G-stage leaf */
	poke_pte(as.root, 3, UINT64_C(0x100000c3));
	ck_assert(!mapped(&as, UINT64_C(0xc0000123)));
	/* W without R (reserved) */
	poke_pte(as.root, 3, UINT64_C(0x100000d5));
	ck_assert(!mapped(&as, UINT64_C(0xc0000123)));
	/* a misaligned superpage (PPN[0] != 0) */
	poke_pte(as.root, 3, UINT64_C(0x100004d3));
	ck_assert(!mapped(&as, UINT64_C(0xc0000123)));
	/* reserved bits 63:54 (no Svnapot / Svpbmt) */
	poke_pte(as.root, 3, UINT64_C(0x100000d3) | UINT64_C(1) << 54);
	ck_assert(!mapped(&as, UINT64_C(0xc0000123)));
	poke_pte(as.root, 3, UINT64_C(0x100000d3) | UINT64_C(1) << 61);
	ck_assert(!mapped(&as, UINT64_C(0xc0000123)));
	/* V = 0 */
	poke_pte(as.root, 3, UINT64_C(0x100000d2));
	ck_assert(!mapped(&as, UINT64_C(0xc0000123)));
	poke_pte(as.root, 3, 0);

	/* a pointer where the last level needs a leaf */
	ck_assert_int_eq(hv_aspace_map_linear(&as, 0x5000, 0x9000, PAGE, R | W | X), HV_OK);
	l1 = next_table(raw_pte(as.root, 0));
	l2 = next_table(raw_pte(l1, 0));
	ck_assert_uint_eq(raw_pte(l2, 5), UINT64_C(0x24df)); /* PPN 9 << 10 | V|R|W|X|U|A|D */
	ck_assert(hv_aspace_translate(&as, 0x5010, &hpa, &flags));
	ck_assert_uint_eq(flags, R | W | X);
	poke_pte(l2, 5, UINT64_C(0x2401));
	ck_assert(!mapped(&as, 0x5010));
	poke_pte(l2, 5, UINT64_C(0x24df));
	/* the area says mapped, the tables agree; NULL out-pointers are fine */
	ck_assert_ptr_nonnull(hv_aspace_find(&as, 0x5fff));
	ck_assert(hv_aspace_translate(&as, 0x5fff, NULL, NULL));
	ck_assert_ptr_null(hv_aspace_find(&as, 0x6000));
	hv_aspace_destroy(&as);
}
END_TEST

/* ---- address spaces: backends ---------------------------------------------------------- */

START_TEST(linear_maps_an_offset)
{
	hv_aspace as;
	uint64_t frames = mock_alloc(&m, 2, 1);
	const hv_area *a;
	uint32_t flags;
	uint64_t hpa;

	ck_assert_int_eq(hv_aspace_init(&as, &hal, HV_PT_RV_SV39X4, 0x10000, 0x10000), HV_OK);
	ck_assert_int_eq(hv_aspace_map_linear(&as, 0x18000, frames, 2 * PAGE, R | W), HV_OK);
	ck_assert(hv_aspace_translate(&as, 0x19abc, &hpa, &flags));
	ck_assert_uint_eq(hpa, frames + 0x1abc);
	ck_assert_uint_eq(flags, R | W);
	ck_assert(!mapped(&as, 0x1a000));
	ck_assert(!mapped(&as, 0x17fff));
	a = hv_aspace_find(&as, 0x18000);
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(a->backend, HV_BACKEND_LINEAR);
	ck_assert_uint_eq(a->offset, 0x18000 - frames);
	ck_assert_ptr_null(hv_aspace_find(&as, 0x1a000));
	/* no frame is taken for the pages themselves: root + 2 tables */
	ck_assert_uint_eq(as.frames_in_use, 6);
	/* linear pages are not freed by unmap */
	ck_assert_int_eq(hv_aspace_unmap(&as, 0x18000, 2 * PAGE), HV_OK);
	ck_assert_uint_eq(as.frames_in_use, 4);
	ck_assert_uint_eq(m.held, 4 + 2);
	hv_aspace_destroy(&as);
	mock_free(&m, frames, 2);
}
END_TEST

START_TEST(alloc_populates_zeroed_frames)
{
	hv_aspace as;
	uint64_t pages[3];
	unsigned flushes;

	ck_assert_int_eq(hv_aspace_init(&as, &hal, HV_PT_RV_SV39X4, 0, UINT64_C(1) << 41), HV_OK);
	flushes = m.flushes;
	ck_assert_int_eq(hv_aspace_map_alloc(&as, RAM_BASE, 3 * PAGE, R | W, true), HV_OK);
	ck_assert_uint_gt(m.flushes, flushes);
	ck_assert_uint_eq(as.frames_in_use, 4 + 2 + 3);
	ck_assert_uint_eq(m.held, 9);
	ck_assert_int_eq(hv_aspace_find(&as, RAM_BASE)->backend, HV_BACKEND_ALLOC);
	for (unsigned i = 0; i < 3; i++) {
		pages[i] = hpa_of(&as, RAM_BASE + i * PAGE);
		ck_assert(page_is(pages[i], 0));
		for (unsigned j = 0; j < i; j++)
			ck_assert_uint_ne(pages[i], pages[j]);
	}
	/* the leaf: PPN = frame >> 12 in bits 53:10, V|R|W|U|A|D */
	{
		uint64_t l1 = next_table(raw_pte(as.root, 2));
		uint64_t l2 = next_table(raw_pte(l1, 0));

		ck_assert_uint_eq(raw_pte(l2, 1), (pages[1] >> 12) << 10 | 0xd7);
	}
	/* the page fault handler has nothing to do for a populated area */
	ck_assert(!hv_aspace_handle_page_fault(&as, RAM_BASE, R));
	hv_aspace_destroy(&as);
}
END_TEST

START_TEST(lazy_maps_on_the_first_fault)
{
	hv_aspace as;
	uint64_t hpa, lin = mock_alloc(&m, 1, 1);
	uint32_t flags;
	unsigned flushes;

	ck_assert_int_eq(hv_aspace_init(&as, &hal, HV_PT_RV_SV39X4, 0, UINT64_C(1) << 41), HV_OK);
	ck_assert_int_eq(hv_aspace_map_alloc(&as, RAM_BASE, 4 * PAGE, R, false), HV_OK);
	ck_assert_int_eq(hv_aspace_find(&as, RAM_BASE)->backend, HV_BACKEND_LAZY);
	ck_assert_uint_eq(as.frames_in_use, 4);
	ck_assert(!mapped(&as, RAM_BASE + 0x1234));
	/* the area is read-only: a write fault is real */
	ck_assert(!hv_aspace_handle_page_fault(&as, RAM_BASE + 0x1234, W));
	ck_assert(!hv_aspace_handle_page_fault(&as, RAM_BASE + 0x1234, R | X));
	ck_assert_uint_eq(as.frames_in_use, 4);
	flushes = m.flushes;
	ck_assert(hv_aspace_handle_page_fault(&as, RAM_BASE + 0x1234, R));
	ck_assert_uint_gt(m.flushes, flushes);
	ck_assert_uint_eq(as.frames_in_use, 4 + 2 + 1);
	ck_assert(hv_aspace_translate(&as, RAM_BASE + 0x1234, &hpa, &flags));
	ck_assert_uint_eq(hpa & 0xfff, 0x234);
	ck_assert_uint_eq(flags, R);
	ck_assert(page_is(hpa & ~UINT64_C(0xfff), 0));
	ck_assert(!mapped(&as, RAM_BASE)); /* only that page */
	/* a second fault on the page finds it mapped (another vCPU's race) */
	ck_assert(hv_aspace_handle_page_fault(&as, RAM_BASE + 0x1000, 0));
	ck_assert_uint_eq(as.frames_in_use, 7);
	/* outside the area, or in a linear one: not ours to fix */
	ck_assert(!hv_aspace_handle_page_fault(&as, RAM_BASE + 4 * PAGE, R));
	ck_assert_int_eq(hv_aspace_map_linear(&as, 0x10000, lin, PAGE, R), HV_OK);
	ck_assert(!hv_aspace_handle_page_fault(&as, 0x10000, R));

	/* out of frames: no frame for the page */
	m.frames_left = 0;
	ck_assert(!hv_aspace_handle_page_fault(&as, RAM_BASE, R));
	ck_assert(!mapped(&as, RAM_BASE));
	hv_aspace_destroy(&as);
	mock_free(&m, lin, 1);
}
END_TEST

START_TEST(lazy_fault_gives_the_frame_back_when_a_table_is_missing)
{
	hv_aspace as;
	size_t held;

	ck_assert_int_eq(hv_aspace_init(&as, &hal, HV_PT_RV_SV39X4, 0, UINT64_C(1) << 41), HV_OK);
	ck_assert_int_eq(hv_aspace_map_alloc(&as, RAM_BASE, 4 * PAGE, R | W, false), HV_OK);
	held = m.held;
	m.frames_left = 2; /* the page and L1, not L2 */
	ck_assert(!hv_aspace_handle_page_fault(&as, RAM_BASE, W));
	ck_assert_uint_eq(m.held, held);
	ck_assert_uint_eq(as.frames_in_use, held);
	m.frames_left = -1;
	ck_assert(hv_aspace_handle_page_fault(&as, RAM_BASE, W));
	hv_aspace_destroy(&as);
}
END_TEST

START_TEST(failed_maps_roll_back)
{
	hv_aspace as;

	ck_assert_int_eq(hv_aspace_init(&as, &hal, HV_PT_RV_SV39X4, 0, UINT64_C(1) << 41), HV_OK);
	/* a 4 KiB page at GPA 0x1000 needs L1 and L2: L2 fails, L1 is given back */
	m.frames_left = 1;
	ck_assert_int_eq(hv_aspace_map_linear(&as, 0x1000, 0x1000, PAGE, R), HV_ERR_NOMEM);
	ck_assert_uint_eq(as.nareas, 0);
	ck_assert_uint_eq(as.frames_in_use, 4);
	ck_assert_uint_eq(m.held, 4);
	ck_assert_uint_eq(raw_pte(as.root, 0), 0);
	/* populate: page 0, L1, L2, page 1, then nothing: all back */
	m.frames_left = 4;
	ck_assert_int_eq(hv_aspace_map_alloc(&as, RAM_BASE, 4 * PAGE, R | W, true), HV_ERR_NOMEM);
	ck_assert_uint_eq(as.nareas, 0);
	ck_assert_uint_eq(m.held, 4);
	ck_assert(!mapped(&as, RAM_BASE));
	/* a superpage-only linear map needs no table */
	m.frames_left = 0;
	ck_assert_int_eq(hv_aspace_map_linear(&as, GIB, GIB, GIB, R), HV_OK);
	m.frames_left = -1;
	hv_aspace_destroy(&as);
}
END_TEST

/* ---- address spaces: unmap ------------------------------------------------------------- */

START_TEST(unmap_splits_areas_and_frees_their_frames)
{
	hv_aspace as;
	uint64_t pages[8];

	ck_assert_int_eq(hv_aspace_init(&as, &hal, HV_PT_RV_SV39X4, 0, UINT64_C(1) << 41), HV_OK);
	ck_assert_int_eq(hv_aspace_map_alloc(&as, RAM_BASE, 8 * PAGE, R | W, true), HV_OK);
	for (unsigned i = 0; i < 8; i++)
		pages[i] = hpa_of(&as, RAM_BASE + i * PAGE);
	ck_assert_uint_eq(m.held, 4 + 2 + 8);

	/* the middle: two areas, two frames freed */
	ck_assert_int_eq(hv_aspace_unmap(&as, RAM_BASE + 2 * PAGE, 2 * PAGE), HV_OK);
	ck_assert_uint_eq(m.held, 12);
	ck_assert_uint_eq(as.nareas, 2);
	ck_assert_uint_eq(as.areas[0].start, RAM_BASE);
	ck_assert_uint_eq(as.areas[0].size, 2 * PAGE);
	ck_assert_uint_eq(as.areas[1].start, RAM_BASE + 4 * PAGE);
	ck_assert_uint_eq(as.areas[1].size, 4 * PAGE);
	ck_assert_int_eq(as.areas[1].backend, HV_BACKEND_ALLOC);
	ck_assert_uint_eq(as.areas[1].flags, R | W);
	ck_assert(!mapped(&as, RAM_BASE + 2 * PAGE));
	ck_assert(!mapped(&as, RAM_BASE + 3 * PAGE));
	for (unsigned i = 0; i < 8; i++)
		if (i != 2 && i != 3)
			ck_assert_uint_eq(hpa_of(&as, RAM_BASE + i * PAGE), pages[i]);
	ck_assert(!m.used[(pages[2] - ARENA_BASE) / PAGE]);

	/* the head of one, the tail of the other */
	ck_assert_int_eq(hv_aspace_unmap(&as, RAM_BASE, PAGE), HV_OK);
	ck_assert_int_eq(hv_aspace_unmap(&as, RAM_BASE + 7 * PAGE, PAGE), HV_OK);
	ck_assert_uint_eq(as.areas[0].start, RAM_BASE + PAGE);
	ck_assert_uint_eq(as.areas[0].size, PAGE);
	ck_assert_uint_eq(as.areas[1].start, RAM_BASE + 4 * PAGE);
	ck_assert_uint_eq(as.areas[1].size, 3 * PAGE);
	ck_assert_uint_eq(m.held, 10);

	/* across holes and both areas: everything goes, the emptied tables too */
	ck_assert_int_eq(hv_aspace_unmap(&as, RAM_BASE - PAGE, 16 * PAGE), HV_OK);
	ck_assert_uint_eq(as.nareas, 0);
	ck_assert_uint_eq(as.frames_in_use, 4);
	ck_assert_uint_eq(m.held, 4);
	ck_assert_uint_eq(raw_pte(as.root, 2), 0);
	/* a hole is fine */
	ck_assert_int_eq(hv_aspace_unmap(&as, RAM_BASE, PAGE), HV_OK);
	hv_aspace_destroy(&as);
}
END_TEST

START_TEST(unmap_keeps_the_linear_offset_of_both_halves)
{
	hv_aspace as;
	uint64_t frames = mock_alloc(&m, 4, 1);

	ck_assert_int_eq(hv_aspace_init(&as, &hal, HV_PT_RV_SV39X4, 0, UINT64_C(1) << 41), HV_OK);
	ck_assert_int_eq(hv_aspace_map_linear(&as, RAM_BASE, frames, 4 * PAGE, R | W), HV_OK);
	ck_assert_int_eq(hv_aspace_unmap(&as, RAM_BASE + PAGE, PAGE), HV_OK);
	ck_assert_uint_eq(as.nareas, 2);
	ck_assert_uint_eq(as.areas[1].offset, as.areas[0].offset);
	ck_assert_uint_eq(hpa_of(&as, RAM_BASE + 2 * PAGE + 5), frames + 2 * PAGE + 5);
	ck_assert_uint_eq(m.held, 4 + 6); /* linear frames stay the caller's */
	hv_aspace_destroy(&as);
	mock_free(&m, frames, 4);
}
END_TEST

START_TEST(unmap_splits_superpages)
{
	hv_aspace as;
	uint64_t l1, l2, hpa;
	unsigned flushes;

	ck_assert_int_eq(hv_aspace_init(&as, &hal, HV_PT_RV_SV39X4, 0, UINT64_C(1) << 41), HV_OK);
	ck_assert_int_eq(hv_aspace_map_linear(&as, GIB, UINT64_C(0x200000000), GIB, R | W), HV_OK);
	ck_assert_uint_eq(as.frames_in_use, 4);

	/* out of frames: nothing changes */
	m.frames_left = 0;
	ck_assert_int_eq(hv_aspace_unmap(&as, UINT64_C(0x52345000), PAGE), HV_ERR_NOMEM);
	ck_assert_uint_eq(raw_pte(as.root, 1), UINT64_C(0x800000d7));
	ck_assert_uint_eq(as.nareas, 1);
	ck_assert_uint_eq(as.frames_in_use, 4);
	/* one frame: the gigapage splits into 2 MiB pages, the 2 MiB page cannot split */
	m.frames_left = 1;
	ck_assert_int_eq(hv_aspace_unmap(&as, UINT64_C(0x52345000), PAGE), HV_ERR_NOMEM);
	ck_assert_uint_eq(hpa_of(&as, UINT64_C(0x52345000)), UINT64_C(0x212345000));
	ck_assert_uint_eq(hpa_of(&as, UINT64_C(0x7fffffff)), UINT64_C(0x23fffffff));
	ck_assert_uint_eq(as.nareas, 1);
	m.frames_left = -1;

	/* one page out of the gigapage at GPA 1 GiB: page 0x12345 of it */
	flushes = m.flushes;
	ck_assert_int_eq(hv_aspace_unmap(&as, UINT64_C(0x52345000), PAGE), HV_OK);
	ck_assert_uint_gt(m.flushes, flushes);
	ck_assert_uint_eq(as.frames_in_use, 6);
	l1 = next_table(raw_pte(as.root, 1));
	/* L1[0]: 2 MiB at HPA 0x200000000; L1[0x90]: at 0x212000000 */
	ck_assert_uint_eq(raw_pte(l1, 0), UINT64_C(0x800000d7));
	ck_assert_uint_eq(raw_pte(l1, 0x90), UINT64_C(0x848000d7));
	ck_assert_uint_eq(raw_pte(l1, 511), UINT64_C(0x8ff800d7));
	/* L1[0x91] = GPA[29:21] of 0x12345000 -> 4 KiB pages; [20:12] = 0x145 is gone */
	l2 = next_table(raw_pte(l1, 0x91));
	ck_assert_uint_eq(raw_pte(l2, 0x144), UINT64_C(0x848d10d7));
	ck_assert_uint_eq(raw_pte(l2, 0x145), 0);
	ck_assert_uint_eq(raw_pte(l2, 0x146), UINT64_C(0x848d18d7));
	ck_assert(hv_aspace_translate(&as, UINT64_C(0x52344fff), &hpa, NULL));
	ck_assert_uint_eq(hpa, UINT64_C(0x212344fff));
	ck_assert(!mapped(&as, UINT64_C(0x52345000)));
	ck_assert(!mapped(&as, UINT64_C(0x52345fff)));
	ck_assert_uint_eq(hpa_of(&as, UINT64_C(0x52346000)), UINT64_C(0x212346000));
	ck_assert_uint_eq(hpa_of(&as, UINT64_C(0x40000000)), UINT64_C(0x200000000));
	ck_assert_uint_eq(as.nareas, 2);
	ck_assert_uint_eq(as.areas[0].start, GIB);
	ck_assert_uint_eq(as.areas[0].size, UINT64_C(0x12345000));
	ck_assert_uint_eq(as.areas[1].start, UINT64_C(0x52346000));
	ck_assert_uint_eq(as.areas[1].size, UINT64_C(0x2dcba000));

	/* the rest: the split tables go too */
	ck_assert_int_eq(hv_aspace_unmap(&as, GIB, GIB), HV_OK);
	ck_assert_uint_eq(as.frames_in_use, 4);
	ck_assert_uint_eq(raw_pte(as.root, 1), 0);
	hv_aspace_destroy(&as);
}
END_TEST

START_TEST(destroy_frees_every_frame)
{
	hv_aspace as;

	ck_assert_int_eq(hv_aspace_init(&as, &hal, HV_PT_RV_SV48X4, 0, UINT64_C(1) << 50), HV_OK);
	ck_assert_int_eq(
	    hv_aspace_map_linear(&as, GIB, UINT64_C(0x200000000), GIB + 2 * MIB + PAGE, R | W | X),
	    HV_OK);
	ck_assert_int_eq(hv_aspace_map_alloc(&as, UINT64_C(0x100000000), 5 * PAGE, R, true), HV_OK);
	ck_assert_int_eq(hv_aspace_map_alloc(&as, UINT64_C(1) << 45, 16 * MIB, R | W, false),
			 HV_OK);
	ck_assert(hv_aspace_handle_page_fault(&as, (UINT64_C(1) << 45) + 7 * MIB, W));
	ck_assert(hv_aspace_handle_page_fault(&as, (UINT64_C(1) << 45) + 15 * MIB, R));
	ck_assert_int_eq(hv_aspace_unmap(&as, GIB + 3 * PAGE, PAGE), HV_OK);
	ck_assert_uint_gt(m.held, 4);
	ck_assert_uint_eq(as.frames_in_use, m.held);
	hv_aspace_destroy(&as);
	ck_assert_uint_eq(m.held, 0);
	ck_assert_uint_eq(as.frames_in_use, 0);
	ck_assert_uint_eq(as.root, 0);
	ck_assert_uint_eq(as.nareas, 0);
}
END_TEST

/* ---- address spaces: copies ------------------------------------------------------------ */

START_TEST(read_and_write_cross_pages)
{
	hv_aspace as;
	uint8_t pattern[8000], back[8000]; /* from page 0 into page 2 */
	uint8_t buf[0x1800];

	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i * 7 + 3);
	ck_assert_int_eq(hv_aspace_init(&as, &hal, HV_PT_RV_SV39X4, 0, UINT64_C(1) << 41), HV_OK);
	ck_assert_int_eq(hv_aspace_map_alloc(&as, RAM_BASE, 3 * PAGE, R | W, true), HV_OK);
	ck_assert_uint_eq(hv_aspace_write(&as, RAM_BASE + 0x800, pattern, sizeof(pattern)),
			  sizeof(pattern));
	memset(back, 0, sizeof(back));
	ck_assert_uint_eq(hv_aspace_read(&as, RAM_BASE + 0x800, back, sizeof(back)), sizeof(back));
	ck_assert_mem_eq(back, pattern, sizeof(pattern));
	/* the bytes are where the tables say: byte 0x800 of the pattern opens page 1 */
	ck_assert_uint_eq(*(uint8_t *)mock_p2v(&m, hpa_of(&as, RAM_BASE + PAGE)), pattern[0x800]);
	ck_assert_uint_eq(*(uint8_t *)mock_p2v(&m, hpa_of(&as, RAM_BASE + 2 * PAGE) + 0x1f),
			  pattern[0x181f]);
	/* short at the end of the area, nothing outside */
	ck_assert_uint_eq(hv_aspace_write(&as, RAM_BASE + 0x2800, pattern, PAGE), 0x800);
	ck_assert_uint_eq(hv_aspace_read(&as, RAM_BASE + 0x2800, back, PAGE), 0x800);
	ck_assert_uint_eq(hv_aspace_read(&as, UINT64_C(0x90000000), back, 16), 0);

	/* a lazy area is populated on the way, zeroed */
	ck_assert_int_eq(hv_aspace_map_alloc(&as, RAM_BASE + 16 * PAGE, 2 * PAGE, R, false), HV_OK);
	ck_assert_uint_eq(as.frames_in_use, 4 + 2 + 3);
	memset(buf, 0xee, sizeof(buf));
	ck_assert_uint_eq(hv_aspace_read(&as, RAM_BASE + 16 * PAGE + 0x400, buf, sizeof(buf)),
			  sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		ck_assert_uint_eq(buf[i], 0);
	ck_assert_uint_eq(as.frames_in_use, 4 + 2 + 3 + 2);
	hv_aspace_destroy(&as);
}
END_TEST

/* ---- the load/store decoder ------------------------------------------------------------ */

/* Encodings from GNU as (binutils 2.40, rv64gch), expected fields from the ISA manual. */
static const struct access_case {
	const char *text;
	uint32_t insn;	 /* as the guest's memory holds it */
	uint32_t htinst; /* the transformed instruction the hardware writes to htinst */
	bool store;
	uint8_t width, reg;
	bool sign_extend;
	uint8_t len;
} access_cases[] = {
    {"lb a0,8(a1)", 0x00858503, 0x00000503, false, 1, 10, true, 4},
    {"lh t1,-4(sp)", 0xffc11303, 0x00001303, false, 2, 6, true, 4},
    {"lw a0,8(a1)", 0x0085a503, 0x00002503, false, 4, 10, true, 4},
    {"ld s11,2040(t0)", 0x7f82bd83, 0x00003d83, false, 8, 27, false, 4},
    {"lbu a5,0(a0)", 0x00054783, 0x00004783, false, 1, 15, false, 4},
    {"lhu a4,2(a2)", 0x00265703, 0x00005703, false, 2, 14, false, 4},
    {"lwu ra,12(a3)", 0x00c6e083, 0x00006083, false, 4, 1, false, 4},
    {"sb a1,1(a0)", 0x00b500a3, 0x00b00023, true, 1, 11, false, 4},
    {"sh t2,-2(s0)", 0xfe741f23, 0x00701023, true, 2, 7, false, 4},
    {"sw a3,4(a5)", 0x00d7a223, 0x00d02023, true, 4, 13, false, 4},
    {"sd a1,16(a0)", 0x00b53823, 0x00b03023, true, 8, 11, false, 4},
    /* compressed: htinst is the 32-bit form with bit 1 clear */
    {"c.lw a0,4(a1)", 0x41c8, 0x00002501, false, 4, 10, true, 2},
    {"c.ld s1,8(a5)", 0x6784, 0x00003481, false, 8, 9, false, 2},
    {"c.sw a2,0(a3)", 0xc290, 0x00c02021, true, 4, 12, false, 2},
    {"c.sd s0,248(a4)", 0xff60, 0x00803021, true, 8, 8, false, 2},
    {"c.lwsp ra,12(sp)", 0x40b2, 0x00002081, false, 4, 1, true, 2},
    {"c.ldsp t6,504(sp)", 0x7ffe, 0x00003f81, false, 8, 31, false, 2},
    {"c.swsp a7,0(sp)", 0xc046, 0x01102021, true, 4, 17, false, 2},
    {"c.sdsp zero,8(sp)", 0xe402, 0x00003021, true, 8, 0, false, 2},
};

#define NACCESS (sizeof(access_cases) / sizeof(access_cases[0]))

START_TEST(decoder_reads_every_load_and_store)
{
	for (size_t i = 0; i < NACCESS; i++) {
		const struct access_case *c = &access_cases[i];
		hv_rv_access acc;

		memset(&acc, 0x77, sizeof(acc));
		ck_assert_msg(hv_rv_decode_access(c->insn, &acc), "%s not decoded", c->text);
		ck_assert_msg(acc.store == c->store && acc.width == c->width && acc.reg == c->reg &&
				  acc.sign_extend == c->sign_extend && acc.len == c->len,
			      "%s: store %d width %u reg %u sign %d len %u", c->text, acc.store,
			      acc.width, acc.reg, acc.sign_extend, acc.len);
		/* the transformed form decodes to the same access */
		ck_assert(hv_rv_decode_access(c->htinst | 2, &acc));
		ck_assert_msg(acc.store == c->store && acc.width == c->width && acc.reg == c->reg &&
				  acc.sign_extend == c->sign_extend && acc.len == 4,
			      "%s transformed", c->text);
	}
	/* a compressed value is read from the low 16 bits only */
	{
		hv_rv_access acc;

		ck_assert(hv_rv_decode_access(0xabcd0000u | 0x41c8, &acc));
		ck_assert_uint_eq(acc.len, 2);
		ck_assert_uint_eq(acc.reg, 10);
	}
}
END_TEST

START_TEST(decoder_refuses_everything_else)
{
	static const struct {
		const char *text;
		uint32_t insn;
	} others[] = {
	    {"amoadd.w a0,a1,(a2)", 0x00b6252f},
	    {"lr.w a0,(a1)", 0x1005a52f},
	    {"sc.w a0,a1,(a2)", 0x18b6252f},
	    {"flw fa0,0(a1)", 0x0005a507},
	    {"fld fa0,0(a1)", 0x0005b507},
	    {"fsw fa0,0(a1)", 0x00a5a027},
	    {"addi a0,a1,1", 0x00158513},
	    {"wfi", 0x10500073},
	    {"load funct3 7", 0x00007003},
	    {"store funct3 4", 0x00004023},
	    {"c.fld fa0,8(a1)", 0x2588},
	    {"c.fsd fa0,8(a1)", 0xa588},
	    {"c.fldsp fa0,8(sp)", 0x2522},
	    {"c.fsdsp fa0,8(sp)", 0xa42a},
	    {"c.addi a0,1", 0x0505},
	    {"c.nop", 0x0001},
	    {"c.lwsp zero (reserved)", 0x4002},
	    {"c.ldsp zero (reserved)", 0x6002},
	    {"c.unimp", 0x0000},
	    {"c.j 0", 0xa001},
	};

	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		hv_rv_access acc;

		ck_assert_msg(!hv_rv_decode_access(others[i].insn, &acc), "%s decoded",
			      others[i].text);
	}
}
END_TEST

/* ---- the VM of the exit tests ---------------------------------------------------------- */

static hv_rv_vm vm;

static void vm_setup(void)
{
	mock_setup();
	hv_rv_vm_init(&vm, &hal, NVCPUS);
	ck_assert_int_eq(hv_aspace_init(&vm.aspace, &hal, HV_PT_RV_SV39X4, 0, UINT64_C(1) << 41),
			 HV_OK);
	ck_assert_int_eq(hv_aspace_map_alloc(&vm.aspace, RAM_BASE, RAM_SIZE, R | W | X, false),
			 HV_OK);
	ck_assert_int_eq(hv_aspace_map_alloc(&vm.aspace, ROM_BASE, ROM_SIZE, R | X, true), HV_OK);
	hv_rv_vcpu_start(&vm, 0, RAM_BASE, 0);
	vm.vcpu[0].sepc = GMEM_BASE + 0x100;
	vm.vcpu[0].vstvec = GMEM_BASE + 0x801; /* vectored: exceptions still use the base */
}

static void vm_teardown(void)
{
	hv_aspace_destroy(&vm.aspace);
	mock_teardown();
}

static hv_rv_vcpu *boot(void)
{
	return &vm.vcpu[0];
}

/* Runs the handler on a trap latched in v; the exit starts as garbage to prove it is filled. */
static void take(hv_rv_vcpu *v, uint64_t scause, uint64_t stval, uint64_t htval, uint64_t htinst,
		 hv_exit *e)
{
	v->scause = scause;
	v->stval = stval;
	v->htval = htval;
	v->htinst = htinst;
	memset(e, 0x5a, sizeof(*e));
	hv_rv_handle_exit(&vm, v, e);
	ck_assert_ptr_nonnull(e->note);
}

static void ecall(hv_rv_vcpu *v, uint64_t eid, uint64_t fid, uint64_t a0, uint64_t a1, uint64_t a2,
		  hv_exit *e)
{
	v->gpr[A7] = eid;
	v->gpr[A6] = fid;
	v->gpr[A0] = a0;
	v->gpr[A1] = a1;
	v->gpr[A2] = a2;
	take(v, 10, 0, 0, 0, e);
	ck_assert(e->has_call);
	ck_assert_uint_eq(e->call.ext, eid);
	ck_assert_uint_eq(e->call.fid, fid);
	ck_assert_int_eq(e->insn_source, HV_INSN_NONE);
}

/* An SBI call that returns (error, value) in a0/a1 and steps over the ecall. */
static void ecall_returns(hv_rv_vcpu *v, uint64_t eid, uint64_t fid, uint64_t a0, uint64_t a1,
			  uint64_t a2, int64_t error, uint64_t value, hv_exit *e)
{
	uint64_t pc = v->sepc;

	ecall(v, eid, fid, a0, a1, a2, e);
	ck_assert_msg(e->call.error == error, "SBI 0x%llx/%llu: error %lld, expected %lld",
		      (unsigned long long)eid, (unsigned long long)fid, (long long)e->call.error,
		      (long long)error);
	ck_assert_uint_eq(e->call.value, value);
	ck_assert(e->call.returns);
	ck_assert_uint_eq(v->gpr[A0], (uint64_t)error);
	ck_assert_uint_eq(v->gpr[A1], value);
	ck_assert_uint_eq(v->sepc, pc + 4);
	ck_assert(e->pc_advanced);
}

static void put_insn(uint64_t gva, uint32_t insn, unsigned len)
{
	for (unsigned i = 0; i < len; i++)
		m.gmem[gva - GMEM_BASE + i] = (uint8_t)(insn >> (8 * i));
}

static void put_u64(uint64_t gva, uint64_t v)
{
	for (unsigned i = 0; i < 8; i++)
		m.gmem[gva - GMEM_BASE + i] = (uint8_t)(v >> (8 * i));
}

static void fault_reads(uint64_t lo, uint64_t hi, uint64_t cause, uint64_t gpa)
{
	m.fault_lo = lo;
	m.fault_hi = hi;
	m.fault_cause = cause;
	m.fault_gpa = gpa;
}

/* vsstatus.SPP / SPIE / SIE, sstatus.SPP */
#define SIE  UINT64_C(0x2)
#define SPIE UINT64_C(0x20)
#define SPP  UINT64_C(0x100)

/* ---- vCPU setup ------------------------------------------------------------------------ */

START_TEST(vm_init_and_vcpu_start)
{
	hv_rv_vcpu *v = &vm.vcpu[2];

	ck_assert_uint_eq(vm.nvcpus, NVCPUS);
	ck_assert_int_eq(v->state, HV_RV_STOPPED);
	ck_assert_uint_eq(v->id, 2);
	v->htimedelta = 1000;
	v->gpr[5] = 55;
	hv_rv_vcpu_start(&vm, 2, UINT64_C(0x80200000), UINT64_C(0x82200000));
	ck_assert_int_eq(v->state, HV_RV_STARTED);
	ck_assert_uint_eq(v->sepc, UINT64_C(0x80200000));
	ck_assert_uint_eq(v->gpr[A0], 2);
	ck_assert_uint_eq(v->gpr[A1], UINT64_C(0x82200000));
	ck_assert_uint_eq(v->gpr[5], 0);
	ck_assert_uint_eq(v->htimedelta, 1000);
	/* sstatus.SPP = 1 (bit 8) */
	ck_assert_uint_eq(v->sstatus, UINT64_C(0x100));
	/* hstatus: VSXL = 2 (bits 33:32), VTW (21), SPVP (8), SPV (7) */
	ck_assert_uint_eq(v->hstatus, UINT64_C(0x200200180));
	/* an id outside the VM is ignored */
	hv_rv_vcpu_start(&vm, NVCPUS, 0, 0);
	ck_assert_int_eq(vm.vcpu[NVCPUS].state, HV_RV_STOPPED);
	hv_rv_vcpu_start(&vm, 1000, 0, 0);

	/* at most HV_RV_MAX_VCPUS */
	{
		static hv_rv_vm big;

		hv_rv_vm_init(&big, &hal, 100);
		ck_assert_uint_eq(big.nvcpus, HV_RV_MAX_VCPUS);
		ck_assert_uint_eq(big.vcpu[HV_RV_MAX_VCPUS - 1].id, HV_RV_MAX_VCPUS - 1);
	}
}
END_TEST

START_TEST(inject_trap_sets_the_vs_csrs)
{
	hv_rv_vcpu *v = boot();

	/* from VS-mode with interrupts on; the other vsstatus bits (UXL, FS) stay */
	v->sepc = UINT64_C(0x80201234);
	v->sstatus = SPP;
	v->vsstatus = UINT64_C(0x200006000) | SIE;
	v->vstvec = UINT64_C(0x80300001);
	hv_rv_inject_trap(v, 13, UINT64_C(0xdead000));
	ck_assert_uint_eq(v->vsepc, UINT64_C(0x80201234));
	ck_assert_uint_eq(v->vscause, 13);
	ck_assert_uint_eq(v->vstval, UINT64_C(0xdead000));
	ck_assert_uint_eq(v->vsstatus, UINT64_C(0x200006000) | SPP | SPIE);
	ck_assert_uint_eq(v->sepc, UINT64_C(0x80300000));
	ck_assert_uint_eq(v->sstatus, SPP);

	/* from VU-mode with interrupts off: SPP = 0, SPIE = 0; sret must still go to VS */
	v->sstatus = 0;
	v->vsstatus = SPP | SPIE;
	v->vstvec = UINT64_C(0x80400000);
	hv_rv_inject_trap(v, 2, 0);
	ck_assert_uint_eq(v->vsstatus, 0);
	ck_assert_uint_eq(v->vsepc, UINT64_C(0x80300000));
	ck_assert_uint_eq(v->sepc, UINT64_C(0x80400000));
	ck_assert_uint_eq(v->sstatus, SPP);
}
END_TEST

START_TEST(complete_mmio_read_truncates_and_extends)
{
	static const struct {
		uint8_t width;
		bool sign;
		uint64_t device, reg;
	} cases[] = {
	    {1, true, 0x80, UINT64_C(0xffffffffffffff80)},
	    {1, true, 0x7f, 0x7f},
	    {1, false, 0x80, 0x80},
	    {1, false, 0x1234, 0x34},
	    {2, true, 0x8001, UINT64_C(0xffffffffffff8001)},
	    {2, false, 0xffff8001, 0x8001},
	    {4, true, 0x80000000, UINT64_C(0xffffffff80000000)},
	    {4, true, UINT64_C(0x1234567880000000), UINT64_C(0xffffffff80000000)},
	    {4, false, UINT64_C(0xffffffff80000000), 0x80000000},
	    {8, false, UINT64_C(0x8000000000000001), UINT64_C(0x8000000000000001)},
	};
	hv_rv_vcpu *v = boot();
	hv_exit e;

	memset(&e, 0, sizeof(e));
	e.kind = HV_EXIT_MMIO_READ;
	e.mmio_read.reg = 9;
	e.mmio_read.reg_width = 8;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		e.mmio_read.width = cases[i].width;
		e.mmio_read.sign_extend = cases[i].sign;
		v->gpr[9] = UINT64_C(0x5555555555555555);
		hv_rv_complete_mmio_read(v, &e, cases[i].device);
		ck_assert_msg(v->gpr[9] == cases[i].reg, "case %zu: 0x%llx", i,
			      (unsigned long long)v->gpr[9]);
	}
	/* x0 stays zero; other exits are not MMIO reads */
	e.mmio_read.reg = 0;
	hv_rv_complete_mmio_read(v, &e, 0x1234);
	ck_assert_uint_eq(v->gpr[0], 0);
	e.mmio_read.reg = 9;
	e.kind = HV_EXIT_MMIO_WRITE;
	hv_rv_complete_mmio_read(v, &e, 0x1234);
	ck_assert_uint_ne(v->gpr[9], 0x1234);

	hv_rv_set_return(v, 42);
	ck_assert_uint_eq(v->gpr[A0], 42);
}
END_TEST

/* ---- interrupts ------------------------------------------------------------------------ */

#define IRQ(n) (UINT64_C(1) << 63 | (n))

START_TEST(interrupts)
{
	hv_rv_vcpu *v = boot();
	uint64_t pc = v->sepc;
	hv_exit e;

	/* supervisor timer: the guest's deadline passed */
	m.deadline[0] = 1234;
	take(v, IRQ(5), 0, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);
	ck_assert_uint_eq(m.deadline[0], UINT64_MAX);
	ck_assert_uint_eq(m.hvip[0], UINT64_C(1) << 6); /* VSTIP */
	ck_assert_uint_eq(v->sepc, pc);
	ck_assert(!e.pc_advanced);
	ck_assert(!e.has_call);
	ck_assert_int_eq(e.insn_source, HV_INSN_NONE);

	/* supervisor external */
	take(v, IRQ(9), 0, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_EXTERNAL_INTERRUPT);
	ck_assert_uint_eq(e.external_interrupt.vector, 9);

	/* supervisor software (a host IPI): no panic, nothing for the guest */
	take(v, IRQ(1), 0, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);
	/* anything else: ignored */
	take(v, IRQ(3), 0, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);
	take(v, IRQ(12), 0, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);
	take(v, IRQ(1000), 0, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);
	ck_assert_uint_eq(v->sepc, pc);
	ck_assert_uint_eq(m.hvip[0], UINT64_C(1) << 6);
}
END_TEST

/* ---- guest-page faults ----------------------------------------------------------------- */

START_TEST(fault_in_guest_ram_is_nested)
{
	hv_rv_vcpu *v = boot();
	uint64_t pc = v->sepc;
	hv_exit e;

	/* GPA = htval << 2 | stval[1:0] = 0x80001000 | 3 */
	take(v, 21, UINT64_C(0xffffffc000401003), UINT64_C(0x80001000) >> 2, 0x00002503, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NESTED_PAGE_FAULT);
	ck_assert_uint_eq(e.nested_page_fault.addr, UINT64_C(0x80001003));
	ck_assert_uint_eq(e.nested_page_fault.access, R);
	ck_assert_uint_eq(v->sepc, pc);
	ck_assert(!e.pc_advanced);
	ck_assert_int_eq(e.insn_source, HV_INSN_NONE);
	/* and the VMM can fix it */
	ck_assert(hv_aspace_handle_page_fault(&vm.aspace, e.nested_page_fault.addr,
					      e.nested_page_fault.access));

	take(v, 23, 0, UINT64_C(0x80002000) >> 2, 0x00b03023, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NESTED_PAGE_FAULT);
	ck_assert_uint_eq(e.nested_page_fault.addr, UINT64_C(0x80002000));
	ck_assert_uint_eq(e.nested_page_fault.access, W);
	take(v, 20, UINT64_C(0x80003002), UINT64_C(0x80003000) >> 2, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NESTED_PAGE_FAULT);
	ck_assert_uint_eq(e.nested_page_fault.addr, UINT64_C(0x80003002));
	ck_assert_uint_eq(e.nested_page_fault.access, X);
	/* the ROM area is guest RAM too */
	take(v, 23, 0, ROM_BASE >> 2, 0x00b03023, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NESTED_PAGE_FAULT);
	ck_assert_uint_eq(m.reads, 0);
}
END_TEST

START_TEST(fetch_outside_ram_and_pseudo_instructions_are_nested)
{
	hv_rv_vcpu *v = boot();
	uint64_t pc = v->sepc;
	hv_exit e;

	/* code cannot run from MMIO */
	take(v, 20, UART, UART >> 2, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NESTED_PAGE_FAULT);
	ck_assert_uint_eq(e.nested_page_fault.addr, UART);
	ck_assert_uint_eq(e.nested_page_fault.access, X);
	/* the guest's VS-stage walk read (0x2000 / 0x3000) or updated A/D (0x2020 / 0x3020) a
	 * PTE at a GPA outside RAM */
	take(v, 21, UINT64_C(0xffffffc000200000), (UART + 0x10) >> 2, 0x3000, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NESTED_PAGE_FAULT);
	ck_assert_uint_eq(e.nested_page_fault.addr, UART + 0x10);
	ck_assert_uint_eq(e.nested_page_fault.access, R);
	take(v, 21, 0, UART >> 2, 0x2000, &e);
	ck_assert_uint_eq(e.nested_page_fault.access, R);
	take(v, 23, 0, UART >> 2, 0x2020, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NESTED_PAGE_FAULT);
	ck_assert_uint_eq(e.nested_page_fault.access, W);
	take(v, 23, 0, UART >> 2, 0x3020, &e);
	ck_assert_uint_eq(e.nested_page_fault.access, W);
	/* the PTE's GPA keeps no bits of stval (the original access's address) */
	take(v, 21, UINT64_C(0xffffffc000200003), (UART + 0x18) >> 2, 0x3000, &e);
	ck_assert_uint_eq(e.nested_page_fault.addr, UART + 0x18);
	/* a fetch whose VS-stage walk read a PTE outside RAM: the access is that read */
	take(v, 20, UINT64_C(0xffffffc000200002), (UART + 0x20) >> 2, 0x3000, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NESTED_PAGE_FAULT);
	ck_assert_uint_eq(e.nested_page_fault.addr, UART + 0x20);
	ck_assert_uint_eq(e.nested_page_fault.access, R);
	ck_assert_ptr_nonnull(strstr(e.note, "pseudo-instruction"));
	/* the guest's page tables in (lazy) guest RAM: the VMM maps the page the walk needs */
	take(v, 23, UINT64_C(0xffffffc000200001), (RAM_BASE + 0x5008) >> 2, 0x3020, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NESTED_PAGE_FAULT);
	ck_assert_uint_eq(e.nested_page_fault.addr, RAM_BASE + 0x5008);
	ck_assert_uint_eq(e.nested_page_fault.access, W);
	ck_assert_uint_eq(v->sepc, pc);
	ck_assert_uint_eq(m.reads, 0);
}
END_TEST

/* Every load and store, from htinst: no guest memory is read. */
START_TEST(mmio_from_transformed_htinst)
{
	hv_rv_vcpu *v = boot();

	for (size_t i = 0; i < NACCESS; i++) {
		const struct access_case *c = &access_cases[i];
		uint64_t pc = UINT64_C(0x80200000) + 0x10 * i;
		uint64_t gpa = UART + c->width;
		hv_exit e;

		v->sepc = pc;
		v->gpr[c->reg] = UINT64_C(0x1122334455667788);
		v->gpr[0] = 0;
		take(v, c->store ? 23 : 21, UINT64_C(0xffffffc0f0000000) | (gpa & 3), gpa >> 2,
		     c->htinst, &e);
		ck_assert_int_eq(e.insn_source, HV_INSN_HTINST);
		ck_assert_uint_eq(e.insn, c->htinst | 2);
		ck_assert_uint_eq(e.insn_len, c->len);
		ck_assert_uint_eq(v->sepc, pc + c->len);
		ck_assert(e.pc_advanced);
		ck_assert(!e.has_call);
		if (c->store) {
			static const uint64_t data[9] = {[1] = 0x88,
							 [2] = 0x7788,
							 [4] = 0x55667788,
							 [8] = UINT64_C(0x1122334455667788)};

			ck_assert_msg(e.kind == HV_EXIT_MMIO_WRITE, "%s", c->text);
			ck_assert_uint_eq(e.mmio_write.addr, gpa);
			ck_assert_uint_eq(e.mmio_write.width, c->width);
			ck_assert_uint_eq(e.mmio_write.reg, c->reg);
			ck_assert_uint_eq(e.mmio_write.data, c->reg ? data[c->width] : 0);
		} else {
			ck_assert_msg(e.kind == HV_EXIT_MMIO_READ, "%s", c->text);
			ck_assert_uint_eq(e.mmio_read.addr, gpa);
			ck_assert_uint_eq(e.mmio_read.width, c->width);
			ck_assert_uint_eq(e.mmio_read.reg, c->reg);
			ck_assert_uint_eq(e.mmio_read.reg_width, 8);
			ck_assert_int_eq(e.mmio_read.sign_extend, c->sign_extend);
		}
		ck_assert_ptr_nonnull(strstr(e.note, "htinst holds a transformed"));
	}
	ck_assert_uint_eq(m.reads, 0);
}
END_TEST

/* Every load and store, fetched at sepc when htinst is 0 (QEMU 7.2). */
START_TEST(mmio_from_fetched_instruction)
{
	hv_rv_vcpu *v = boot();

	for (size_t i = 0; i < NACCESS; i++) {
		const struct access_case *c = &access_cases[i];
		uint64_t pc = GMEM_BASE + 0x200 + 8 * i;
		unsigned reads = m.reads;
		hv_exit e;

		put_insn(pc, c->insn, c->len);
		v->sepc = pc;
		v->gpr[c->reg] = UINT64_C(0xfedcba9876543210);
		v->gpr[0] = 0;
		take(v, c->store ? 23 : 21, 0, (UART + 8) >> 2, 0, &e);
		ck_assert_int_eq(e.insn_source, HV_INSN_FETCHED);
		ck_assert_uint_eq(e.insn, c->insn);
		ck_assert_uint_eq(e.insn_len, c->len);
		/* HLVX halfword by halfword: two reads for a 32-bit instruction */
		ck_assert_uint_eq(m.reads - reads, c->len / 2);
		ck_assert_uint_eq(m.fetches, m.reads);
		ck_assert_uint_eq(m.last_len, 2);
		ck_assert_uint_eq(v->sepc, pc + c->len);
		if (c->store) {
			ck_assert_int_eq(e.kind, HV_EXIT_MMIO_WRITE);
			ck_assert_uint_eq(e.mmio_write.reg, c->reg);
			ck_assert_uint_eq(e.mmio_write.width, c->width);
		} else {
			ck_assert_int_eq(e.kind, HV_EXIT_MMIO_READ);
			ck_assert_uint_eq(e.mmio_read.reg, c->reg);
			ck_assert_uint_eq(e.mmio_read.width, c->width);
			ck_assert_int_eq(e.mmio_read.sign_extend, c->sign_extend);
		}
		ck_assert_ptr_nonnull(strstr(e.note, "htinst is 0"));
	}
}
END_TEST

START_TEST(mmio_read_round_trip_sign_extends)
{
	hv_rv_vcpu *v = boot();
	hv_exit e;

	/* lb a0,8(a1) reads 0x80 from the device: a0 = -128 */
	v->gpr[A0] = 0;
	take(v, 21, 0, UART >> 2, 0x00000503, &e);
	hv_rv_complete_mmio_read(v, &e, 0x80);
	ck_assert_uint_eq(v->gpr[A0], UINT64_C(0xffffffffffffff80));
	/* lwu ra: zero-extended */
	take(v, 21, 0, UART >> 2, 0x00006083, &e);
	hv_rv_complete_mmio_read(v, &e, UINT64_C(0xaaaaaaaa80000000));
	ck_assert_uint_eq(v->gpr[1], 0x80000000);
	/* c.lw a0: sign-extended 32 bits */
	take(v, 21, 0, UART >> 2, 0x00002501, &e);
	hv_rv_complete_mmio_read(v, &e, 0xfffffffe);
	ck_assert_uint_eq(v->gpr[A0], UINT64_C(0xfffffffffffffffe));
}
END_TEST

START_TEST(reserved_htinst_falls_back_to_fetching)
{
	hv_rv_vcpu *v = boot();
	hv_exit e;

	put_insn(v->sepc, 0x0085a503, 4); /* lw a0,8(a1) */
	take(v, 21, 0, UART >> 2, 0x00000004, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_MMIO_READ);
	ck_assert_int_eq(e.insn_source, HV_INSN_FETCHED);
	ck_assert_uint_eq(e.insn, 0x0085a503);
	ck_assert_ptr_nonnull(strstr(e.note, "reserved"));
}
END_TEST

START_TEST(what_cannot_be_emulated_stays_a_nested_fault)
{
	hv_rv_vcpu *v = boot();
	uint64_t pc = v->sepc;
	hv_exit e;

	/* amoadd.w a0,a1,(a2) to MMIO, transformed (rs1 cleared) */
	take(v, 23, 0, UART >> 2, 0x00b0252f, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NESTED_PAGE_FAULT);
	ck_assert_uint_eq(e.nested_page_fault.addr, UART);
	ck_assert_uint_eq(e.nested_page_fault.access, W);
	ck_assert_ptr_nonnull(strstr(e.note, "cannot emulate"));
	ck_assert_int_eq(e.insn_source, HV_INSN_HTINST);
	ck_assert_uint_eq(v->sepc, pc);
	ck_assert(!e.pc_advanced);
	/* lr.w, fetched */
	put_insn(pc, 0x1005a52f, 4);
	take(v, 21, 0, UART >> 2, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NESTED_PAGE_FAULT);
	ck_assert_uint_eq(e.nested_page_fault.access, R);
	ck_assert_ptr_nonnull(strstr(e.note, "cannot emulate"));
	/* flw fa0, fetched */
	put_insn(pc, 0x0005a507, 4);
	take(v, 21, 0, UART >> 2, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NESTED_PAGE_FAULT);
	/* a load where the cause says store, and the reverse */
	take(v, 23, 0, UART >> 2, 0x00002503, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NESTED_PAGE_FAULT);
	ck_assert_uint_eq(e.nested_page_fault.access, W);
	take(v, 21, 0, UART >> 2, 0x00b03023, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NESTED_PAGE_FAULT);
	ck_assert_uint_eq(e.nested_page_fault.access, R);
	ck_assert_uint_eq(v->sepc, pc);
}
END_TEST

START_TEST(fetch_fault_in_guest_page_tables_goes_to_the_guest)
{
	hv_rv_vcpu *v = boot();
	uint64_t pc = v->sepc;
	hv_exit e;

	/* HLVX raises a load page fault (13); the guest sees an instruction page fault (12) */
	v->sstatus = SPP;
	v->vsstatus = SIE;
	fault_reads(pc, pc + 2, 13, 0);
	take(v, 21, 0, UART >> 2, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);
	ck_assert_uint_eq(v->vscause, 12);
	ck_assert_uint_eq(v->vstval, pc);
	ck_assert_uint_eq(v->vsepc, pc);
	ck_assert_uint_eq(v->vsstatus, SPP | SPIE);
	ck_assert_uint_eq(v->sepc, GMEM_BASE + 0x800);
	ck_assert(!e.pc_advanced);
	ck_assert_ptr_nonnull(strstr(e.note, "guest's own page tables"));

	/* the second halfword faults (the instruction straddles a page): stval = pc + 2 */
	v->sepc = pc;
	put_insn(pc, 0x0085a503, 2);
	fault_reads(pc + 2, pc + 4, 13, 0);
	take(v, 21, 0, UART >> 2, 0, &e);
	ck_assert_uint_eq(v->vscause, 12);
	ck_assert_uint_eq(v->vstval, pc + 2);
	ck_assert_uint_eq(v->vsepc, pc);

	/* an access fault (5) becomes an instruction access fault (1) */
	v->sepc = pc;
	fault_reads(pc, pc + 2, 5, 0);
	take(v, 23, 0, UART >> 2, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);
	ck_assert_uint_eq(v->vscause, 1);
	ck_assert_uint_eq(v->vstval, pc);
}
END_TEST

START_TEST(fetch_fault_in_g_stage_is_nested)
{
	hv_rv_vcpu *v = boot();
	uint64_t pc = v->sepc + 2; /* GVA[1:0] = 2 */
	hv_exit e;

	v->sepc = pc;
	v->vscause = 0x77;
	/* HLVX hits a guest-page fault (21) at GPA 0x80123002: an execute fault there */
	fault_reads(pc, pc + 4, 21, UINT64_C(0x80123002));
	take(v, 21, 0, UART >> 2, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NESTED_PAGE_FAULT);
	ck_assert_uint_eq(e.nested_page_fault.addr, UINT64_C(0x80123002));
	ck_assert_uint_eq(e.nested_page_fault.access, X);
	ck_assert_uint_eq(v->sepc, pc);
	ck_assert_uint_eq(v->vscause, 0x77); /* nothing injected */
	ck_assert_ptr_nonnull(strstr(e.note, "G-stage"));
}
END_TEST

/* ---- virtual instructions and other exceptions ----------------------------------------- */

START_TEST(virtual_instruction_wfi_halts)
{
	hv_rv_vcpu *v = boot();
	uint64_t pc = v->sepc;
	hv_exit e;

	take(v, 22, 0x10500073, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_HALT);
	ck_assert_uint_eq(v->sepc, pc + 4);
	ck_assert(e.pc_advanced);
	ck_assert_int_eq(e.insn_source, HV_INSN_TVAL);
	ck_assert_uint_eq(e.insn, 0x10500073);
	ck_assert_uint_eq(e.insn_len, 4);
	ck_assert_uint_eq(m.reads, 0);

	/* stval = 0: fetched */
	put_insn(v->sepc, 0x10500073, 4);
	take(v, 22, 0, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_HALT);
	ck_assert_int_eq(e.insn_source, HV_INSN_FETCHED);
	ck_assert_uint_eq(v->sepc, pc + 8);
	ck_assert_uint_eq(m.reads, 2);
	ck_assert_uint_eq(m.fetches, 2);
}
END_TEST

START_TEST(virtual_instruction_other_is_illegal_to_the_guest)
{
	hv_rv_vcpu *v = boot();
	uint64_t pc = v->sepc;
	hv_exit e;

	/* hfence.vvma in VS-mode */
	v->sstatus = SPP;
	take(v, 22, 0x22000073, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);
	ck_assert_uint_eq(v->vscause, 2);
	ck_assert_uint_eq(v->vstval, 0x22000073);
	ck_assert_uint_eq(v->vsepc, pc);
	ck_assert_uint_eq(v->sepc, GMEM_BASE + 0x800);
	ck_assert_ptr_nonnull(strstr(e.note, "KVM"));

	/* csrr a0, sstatus fetched (stval 0) */
	v->sepc = pc;
	put_insn(pc, 0x10002573, 4);
	take(v, 22, 0, 0, 0, &e);
	ck_assert_uint_eq(v->vscause, 2);
	ck_assert_uint_eq(v->vstval, 0x10002573);
	ck_assert_int_eq(e.insn_source, HV_INSN_FETCHED);

	/* the fetch itself faults in the guest's tables: that fault, not an illegal insn */
	v->sepc = pc;
	fault_reads(pc, pc + 2, 13, 0);
	take(v, 22, 0, 0, 0, &e);
	ck_assert_uint_eq(v->vscause, 12);
	ck_assert_uint_eq(v->vstval, pc);
}
END_TEST

START_TEST(other_exceptions_go_back_to_the_guest)
{
	static const uint64_t causes[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 15, 18, 19, 24, 63};
	hv_rv_vcpu *v = boot();
	hv_exit e;

	for (size_t i = 0; i < sizeof(causes) / sizeof(causes[0]); i++) {
		uint64_t pc = UINT64_C(0x80200000) + 4 * i;

		v->sepc = pc;
		v->sstatus = SPP;
		v->vsstatus = SIE;
		take(v, causes[i], UINT64_C(0x1001) + i, 0, 0, &e);
		ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);
		ck_assert_uint_eq(v->vscause, causes[i]);
		ck_assert_uint_eq(v->vstval, UINT64_C(0x1001) + i);
		ck_assert_uint_eq(v->vsepc, pc);
		ck_assert_uint_eq(v->vsstatus, SPP | SPIE);
		ck_assert_uint_eq(v->sepc, GMEM_BASE + 0x800);
		ck_assert_uint_eq(v->sstatus, SPP);
		ck_assert(!e.pc_advanced);
	}
}
END_TEST

/* ---- SBI: BASE, TIME, unknown ------------------------------------------------------------ */

#define EXT_BASE   0x10
#define EXT_TIME   UINT64_C(0x54494d45)
#define EXT_IPI	   UINT64_C(0x735049)
#define EXT_RFENCE UINT64_C(0x52464e43)
#define EXT_HSM	   UINT64_C(0x48534d)
#define EXT_SRST   UINT64_C(0x53525354)
#define EXT_DBCN   UINT64_C(0x4442434e)
#define EXT_HVC	   UINT64_C(0x485643)

START_TEST(sbi_base)
{
	static const uint64_t implemented[] = {
	    EXT_BASE, EXT_TIME, EXT_IPI, EXT_RFENCE, EXT_HSM, EXT_SRST, EXT_DBCN, EXT_HVC, 0,
	    1,	      2,	3,	 4,	     5,	      6,	7,	  8};
	static const uint64_t missing[] = {9,
					   0x0f,
					   0x11,
					   UINT64_C(0x504d55) /* PMU */,
					   UINT64_C(0x535441) /* STA */,
					   UINT64_C(0x0a000000)};
	hv_rv_vcpu *v = boot();
	hv_exit e;

	ecall_returns(v, EXT_BASE, 0, 0, 0, 0, 0, 0x02000000, &e); /* SBI 2.0 */
	ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);
	ecall_returns(v, EXT_BASE, 1, 0, 0, 0, 0, 0x7473, &e);
	ecall_returns(v, EXT_BASE, 2, 0, 0, 0, 0, 0x10000, &e);
	for (size_t i = 0; i < sizeof(implemented) / sizeof(implemented[0]); i++)
		ecall_returns(v, EXT_BASE, 3, implemented[i], 0, 0, 0, 1, &e);
	for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++)
		ecall_returns(v, EXT_BASE, 3, missing[i], 0, 0, 0, 0, &e);
	ecall_returns(v, EXT_BASE, 4, 0, 0, 0, 0, 0x489, &e);
	ecall_returns(v, EXT_BASE, 5, 0, 0, 0, 0, UINT64_C(0x8000000000000007), &e);
	ecall_returns(v, EXT_BASE, 6, 0, 0, 0, 0, 0x20181004, &e);
	ecall_returns(v, EXT_BASE, 7, 0, 0, 0, -2, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);
}
END_TEST

START_TEST(sbi_unknown_extension_and_function)
{
	hv_rv_vcpu *v = boot();
	hv_exit e;

	ecall_returns(v, UINT64_C(0x0a000000), 0, 1, 2, 3, -2, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);
	ck_assert_ptr_nonnull(strstr(e.note, "unknown SBI extension"));
	ecall_returns(v, UINT64_C(0x504d55), 0, 1, 2, 3, -2, 0, &e);
	ecall_returns(v, EXT_TIME, 1, 1, 2, 3, -2, 0, &e);
	ecall_returns(v, EXT_IPI, 1, 1, 0, 0, -2, 0, &e);
	ecall_returns(v, EXT_RFENCE, 7, 1, 0, 0, -2, 0, &e);
	ecall_returns(v, EXT_HSM, 4, 0, 0, 0, -2, 0, &e);
	ecall_returns(v, EXT_SRST, 1, 0, 0, 0, -2, 0, &e);
	ecall_returns(v, EXT_DBCN, 3, 0, 0, 0, -2, 0, &e);
	ck_assert_ptr_nonnull(strstr(e.note, "unknown function"));
	ck_assert_uint_eq(m.timer_calls, 0);
}
END_TEST

START_TEST(sbi_time)
{
	hv_rv_vcpu *v = boot();
	hv_exit e;

	/* guest time = host time + htimedelta: guest 5000 is host 4000 */
	v->htimedelta = 1000;
	m.hvip[0] = UINT64_C(1) << 6;
	ecall_returns(v, EXT_TIME, 0, 5000, 0, 0, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);
	ck_assert_uint_eq(m.deadline[0], 4000);
	ck_assert_uint_eq(m.hvip[0], 0);
	/* a negative delta (guest behind the host) wraps as the CSR arithmetic does */
	v->htimedelta = (uint64_t)-500;
	ecall_returns(v, EXT_TIME, 0, 5000, 0, 0, 0, 0, &e);
	ck_assert_uint_eq(m.deadline[0], 5500);
	/* -1: no timer, whatever the delta */
	ecall_returns(v, EXT_TIME, 0, UINT64_MAX, 0, 0, 0, 0, &e);
	ck_assert_uint_eq(m.deadline[0], UINT64_MAX);
}
END_TEST

/* ---- SBI: IPI and RFENCE ------------------------------------------------------------------ */

START_TEST(sbi_ipi)
{
	hv_rv_vcpu *v = boot();
	hv_exit e;

	/* harts 0 and 2 from base 0 */
	ecall_returns(v, EXT_IPI, 0, 0x5, 0, 0, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_SEND_IPI);
	ck_assert_uint_eq(e.send_ipi.target, 0);
	ck_assert_uint_eq(e.send_ipi.mask, 0x5);
	ck_assert(!e.send_ipi.to_all);
	ck_assert(e.send_ipi.to_self);
	ck_assert_uint_eq(e.send_ipi.vector, 2); /* VSSIP */
	/* harts 2 and 3 (base 2): not the caller */
	ecall_returns(v, EXT_IPI, 0, 0x3, 2, 0, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_SEND_IPI);
	ck_assert_uint_eq(e.send_ipi.target, 2);
	ck_assert_uint_eq(e.send_ipi.mask, 0x3);
	ck_assert(!e.send_ipi.to_self);
	/* base -1: every hart, named as target 0 + mask of all four */
	ecall_returns(v, EXT_IPI, 0, 0, UINT64_MAX, 0, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_SEND_IPI);
	ck_assert(e.send_ipi.to_all);
	ck_assert(e.send_ipi.to_self);
	ck_assert_uint_eq(e.send_ipi.target, 0);
	ck_assert_uint_eq(e.send_ipi.mask, 0xf);
	/* hart 4 does not exist: from base 0, from base 3, from base 4 */
	ecall_returns(v, EXT_IPI, 0, 0x10, 0, 0, -3, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);
	ecall_returns(v, EXT_IPI, 0, 0x3, 3, 0, -3, 0, &e);
	ecall_returns(v, EXT_IPI, 0, 0x1, 4, 0, -3, 0, &e);
	ecall_returns(v, EXT_IPI, 0, UINT64_C(1) << 63, 0, 0, -3, 0, &e);
	/* an empty mask interrupts nobody */
	ecall_returns(v, EXT_IPI, 0, 0, 0, 0, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);
}
END_TEST

START_TEST(sbi_rfence)
{
	hv_rv_vcpu *v = boot();
	hv_exit e;

	/* sfence.vma on harts 2, 3 */
	ecall_returns(v, EXT_RFENCE, 1, 0x3, 2, 0, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);
	ck_assert_uint_eq(m.tlb_flushes[0], 0);
	ck_assert_uint_eq(m.tlb_flushes[1], 0);
	ck_assert_uint_eq(m.tlb_flushes[2], 1);
	ck_assert_uint_eq(m.tlb_flushes[3], 1);
	/* fence.i, sfence.vma.asid, hfence.vvma.asid, hfence.vvma: every hart */
	ecall_returns(v, EXT_RFENCE, 0, 0, UINT64_MAX, 0, 0, 0, &e);
	ecall_returns(v, EXT_RFENCE, 2, 0x1, 0, 0, 0, 0, &e);
	ecall_returns(v, EXT_RFENCE, 5, 0x2, 0, 0, 0, 0, &e);
	ecall_returns(v, EXT_RFENCE, 6, 0x2, 0, 0, 0, 0, &e);
	ck_assert_uint_eq(m.tlb_flushes[0], 2);
	ck_assert_uint_eq(m.tlb_flushes[1], 3);
	ck_assert_uint_eq(m.tlb_flushes[2], 2);
	ck_assert_uint_eq(m.tlb_flushes[3], 2);
	/* an invalid hart: nobody is flushed */
	ecall_returns(v, EXT_RFENCE, 1, 0x11, 0, 0, -3, 0, &e);
	ck_assert_uint_eq(m.tlb_flushes[0], 2);
	/* hfence.gvma*: nested virtualization, not supported (as KVM) */
	ecall_returns(v, EXT_RFENCE, 3, 0x1, 0, 0, -2, 0, &e);
	ecall_returns(v, EXT_RFENCE, 4, 0x1, 0, 0, -2, 0, &e);
	ck_assert_uint_eq(m.tlb_flushes[0], 2);
}
END_TEST

/* ---- SBI: HSM ------------------------------------------------------------------------------ */

START_TEST(sbi_hsm_start_and_status)
{
	hv_rv_vcpu *v = boot();
	hv_exit e;

	ecall_returns(v, EXT_HSM, 2, 0, 0, 0, 0, HV_RV_STARTED, &e);
	ecall_returns(v, EXT_HSM, 2, 2, 0, 0, 0, HV_RV_STOPPED, &e);
	ecall_returns(v, EXT_HSM, 2, 4, 0, 0, -3, 0, &e);

	/* HART_START(2, 0x80200000, opaque): a0 = 0 for the caller (riscv_vcpu leaves it) */
	v->gpr[A0] = 0x5555;
	ecall_returns(v, EXT_HSM, 0, 2, UINT64_C(0x80200000), 0x1234, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_CPU_UP);
	ck_assert_uint_eq(e.cpu_up.target, 2);
	ck_assert_uint_eq(e.cpu_up.entry, UINT64_C(0x80200000));
	ck_assert_uint_eq(e.cpu_up.arg, 0x1234);
	ck_assert_int_eq(vm.vcpu[2].state, HV_RV_START_PENDING);
	ecall_returns(v, EXT_HSM, 2, 2, 0, 0, 0, HV_RV_START_PENDING, &e);
	/* not stopped any more: ALREADY_AVAILABLE, before and after the VMM starts it */
	ecall_returns(v, EXT_HSM, 0, 2, UINT64_C(0x80200000), 0, -6, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);
	hv_rv_vcpu_start(&vm, 2, UINT64_C(0x80200000), 0x1234);
	ecall_returns(v, EXT_HSM, 2, 2, 0, 0, 0, HV_RV_STARTED, &e);
	ecall_returns(v, EXT_HSM, 0, 2, UINT64_C(0x80200000), 0, -6, 0, &e);
	ecall_returns(v, EXT_HSM, 0, 0, UINT64_C(0x80200000), 0, -6, 0, &e);
	/* no such hart */
	ecall_returns(v, EXT_HSM, 0, 4, UINT64_C(0x80200000), 0, -3, 0, &e);
	ecall_returns(v, EXT_HSM, 0, UINT64_MAX, UINT64_C(0x80200000), 0, -3, 0, &e);
	/* start_addr outside executable guest RAM: MMIO, or past the end of RAM */
	ecall_returns(v, EXT_HSM, 0, 3, UART, 0, -5, 0, &e);
	ecall_returns(v, EXT_HSM, 0, 3, RAM_BASE + RAM_SIZE, 0, -5, 0, &e);
	ck_assert_int_eq(vm.vcpu[3].state, HV_RV_STOPPED);
	/* the ROM is executable */
	ecall_returns(v, EXT_HSM, 0, 3, ROM_BASE, 7, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_CPU_UP);
}
END_TEST

START_TEST(sbi_hsm_stop)
{
	hv_rv_vcpu *v = &vm.vcpu[1];
	uint64_t pc = UINT64_C(0x80200100);
	hv_exit e;

	hv_rv_vcpu_start(&vm, 1, pc, 0);
	v->gpr[A0] = 0x77;
	ecall(v, EXT_HSM, 1, 0x77, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_CPU_DOWN);
	ck_assert(!e.call.returns);
	ck_assert(!e.pc_advanced);
	ck_assert_uint_eq(v->sepc, pc);
	ck_assert_uint_eq(v->gpr[A0], 0x77);
	ck_assert_int_eq(v->state, HV_RV_STOPPED);
	ecall_returns(boot(), EXT_HSM, 2, 1, 0, 0, 0, HV_RV_STOPPED, &e);
}
END_TEST

START_TEST(sbi_hsm_suspend)
{
	hv_rv_vcpu *v = boot();
	uint64_t pc = v->sepc;
	hv_exit e;

	/* retentive: returns 0 after the wake-up, at the next instruction */
	ecall_returns(v, EXT_HSM, 3, 0, 0, 0, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_HALT);
	ck_assert_int_eq(v->state, HV_RV_SUSPENDED);
	ecall_returns(&vm.vcpu[0], EXT_HSM, 2, 0, 0, 0, 0, HV_RV_SUSPENDED, &e);
	hv_rv_vcpu_wake(&vm, v);
	ck_assert_int_eq(v->state, HV_RV_STARTED);
	ck_assert_uint_eq(v->sepc, pc + 8);

	/* non-retentive: resumes at resume_addr with a0 = hartid, a1 = opaque, vsatp = 0,
	 * vsstatus.SIE = 0 */
	pc = v->sepc;
	v->vsatp = UINT64_C(0x8000000000080400);
	v->vsstatus = SIE | SPP;
	ecall(v, EXT_HSM, 3, 0x80000000, UINT64_C(0x80200400), 0xabcd, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_HALT);
	ck_assert(!e.call.returns);
	ck_assert_uint_eq(v->sepc, pc);
	ck_assert_int_eq(v->state, HV_RV_SUSPENDED);
	hv_rv_vcpu_wake(&vm, v);
	ck_assert_int_eq(v->state, HV_RV_STARTED);
	ck_assert_uint_eq(v->sepc, UINT64_C(0x80200400));
	ck_assert_uint_eq(v->gpr[A0], 0);
	ck_assert_uint_eq(v->gpr[A1], 0xabcd);
	ck_assert_uint_eq(v->vsatp, 0);
	ck_assert_uint_eq(v->vsstatus, SPP);
	ck_assert_uint_eq(v->sstatus & SPP, SPP);
	/* waking a running vCPU changes nothing */
	hv_rv_vcpu_wake(&vm, v);
	ck_assert_uint_eq(v->sepc, UINT64_C(0x80200400));

	/* the same from hart 1: a0 = 1 */
	hv_rv_vcpu_start(&vm, 1, RAM_BASE, 0);
	ecall(&vm.vcpu[1], EXT_HSM, 3, 0x80000000, RAM_BASE + 0x40, 9, &e);
	hv_rv_vcpu_wake(&vm, &vm.vcpu[1]);
	ck_assert_uint_eq(vm.vcpu[1].gpr[A0], 1);
	ck_assert_uint_eq(vm.vcpu[1].sepc, RAM_BASE + 0x40);

	/* reserved and platform-specific types; a resume address outside RAM */
	v->sepc = pc;
	ecall_returns(v, EXT_HSM, 3, 1, 0, 0, -3, 0, &e);
	ecall_returns(v, EXT_HSM, 3, 0x10000000, 0, 0, -3, 0, &e);
	ecall_returns(v, EXT_HSM, 3, 0x80000001, RAM_BASE, 0, -3, 0, &e);
	ecall_returns(v, EXT_HSM, 3, 0x90000000, RAM_BASE, 0, -3, 0, &e);
	ecall_returns(v, EXT_HSM, 3, 0x80000000, UART, 0, -5, 0, &e);
	ck_assert_int_eq(v->state, HV_RV_STARTED);
}
END_TEST

/* ---- SBI: SRST ---------------------------------------------------------------------------- */

START_TEST(sbi_srst)
{
	hv_rv_vcpu *v = boot();
	uint64_t pc = v->sepc;
	hv_exit e;

	ecall(v, EXT_SRST, 0, 0, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_SYSTEM_DOWN);
	ck_assert(!e.call.returns);
	ck_assert(!e.pc_advanced);
	ck_assert_uint_eq(v->sepc, pc);
	ecall(v, EXT_SRST, 0, 1, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_SYSTEM_RESET);
	ck_assert(!e.system_reset.warm);
	ck_assert(!e.call.returns);
	/* warm, for a system failure; a vendor reason */
	ecall(v, EXT_SRST, 0, 2, 1, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_SYSTEM_RESET);
	ck_assert(e.system_reset.warm);
	ecall(v, EXT_SRST, 0, 2, 0xf0000000, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_SYSTEM_RESET);
	ecall(v, EXT_SRST, 0, 0, 0xffffffff, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_SYSTEM_DOWN);
	ck_assert_uint_eq(v->sepc, pc);
	/* reserved types and reasons return INVALID_PARAM */
	ecall_returns(v, EXT_SRST, 0, 3, 0, 0, -3, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);
	ecall_returns(v, EXT_SRST, 0, 0xf0000000, 0, 0, -3, 0, &e);
	ecall_returns(v, EXT_SRST, 0, 0, 2, 0, -3, 0, &e);
	ecall_returns(v, EXT_SRST, 0, 1, 0xefffffff, 0, -3, 0, &e);
}
END_TEST

/* ---- SBI: DBCN ---------------------------------------------------------------------------- */

START_TEST(sbi_dbcn_write)
{
	hv_rv_vcpu *v = boot();
	uint64_t buf = RAM_BASE + 0x1ffd; /* straddles a page */
	char text[201];
	hv_exit e;

	for (size_t i = 0; i < 200; i++)
		text[i] = (char)('a' + i % 26);
	text[200] = 0;
	ck_assert_uint_eq(hv_aspace_write(&vm.aspace, buf, text, 200), 200);
	ecall_returns(v, EXT_DBCN, 0, 200, buf, 0, 0, 200, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);
	ck_assert_uint_eq(m.out_len, 200);
	ck_assert_mem_eq(m.out, text, 200);
	/* a0 = 0 bytes */
	ecall_returns(v, EXT_DBCN, 0, 0, buf, 0, 0, 0, &e);
	/* a console that takes 3 bytes: a short count */
	m.out_len = 0;
	m.out_limit = 3;
	ecall_returns(v, EXT_DBCN, 0, 5, buf, 0, 0, 3, &e);
	ck_assert_mem_eq(m.out, "abc", 3);
	m.out_limit = SIZE_MAX;
	/* the upper half of the address must be 0 on RV64 */
	ecall_returns(v, EXT_DBCN, 0, 5, buf, 1, -3, 0, &e);
	/* not guest RAM, or running past its end, or wrapping */
	ecall_returns(v, EXT_DBCN, 0, 5, UART, 0, -3, 0, &e);
	ecall_returns(v, EXT_DBCN, 0, 0x20, RAM_BASE + RAM_SIZE - 0x10, 0, -3, 0, &e);
	ecall_returns(v, EXT_DBCN, 0, UINT64_MAX, buf, 0, -3, 0, &e);
	/* the ROM can be printed from */
	m.out_len = 0;
	ecall_returns(v, EXT_DBCN, 0, 2, ROM_BASE, 0, 0, 2, &e);
	ck_assert_uint_eq(m.out[0], 0);
	/* write_byte: the low byte of a0 */
	m.out_len = 0;
	ecall_returns(v, EXT_DBCN, 2, 0x178, 0, 0, 0, 0, &e);
	ck_assert_uint_eq(m.out_len, 1);
	ck_assert_int_eq(m.out[0], 'x');
}
END_TEST

START_TEST(sbi_dbcn_write_out_of_frames)
{
	hv_rv_vcpu *v = boot();
	hv_exit e;

	/* the lazy page behind the buffer cannot be populated */
	m.frames_left = 0;
	ecall_returns(v, EXT_DBCN, 0, 4, RAM_BASE + 0x300000, 0, -1, 0, &e);
	ck_assert_uint_eq(m.out_len, 0);
}
END_TEST

START_TEST(sbi_dbcn_read)
{
	hv_rv_vcpu *v = boot();
	uint64_t buf = RAM_BASE + 0x2ffe;
	char back[8] = {0};
	hv_exit e;

	m.in = "hello";
	ecall_returns(v, EXT_DBCN, 1, 8, buf, 0, 0, 5, &e);
	ck_assert_uint_eq(hv_aspace_read(&vm.aspace, buf, back, 8), 8);
	ck_assert_mem_eq(back, "hello\0\0\0", 8);
	/* nothing waiting */
	ecall_returns(v, EXT_DBCN, 1, 8, buf, 0, 0, 0, &e);
	/* more than one chunk */
	m.in = "0123456789012345678901234567890123456789012345678901234567890123456789";
	m.in_pos = 0;
	ecall_returns(v, EXT_DBCN, 1, 100, buf, 0, 0, 70, &e);
	/* not into the read-only ROM, nor outside RAM */
	m.in_pos = 0;
	ecall_returns(v, EXT_DBCN, 1, 4, ROM_BASE, 0, -3, 0, &e);
	ecall_returns(v, EXT_DBCN, 1, 4, UART, 0, -3, 0, &e);
	ecall_returns(v, EXT_DBCN, 1, 4, buf, 2, -3, 0, &e);
	ck_assert_uint_eq(m.in_pos, 0);
}
END_TEST

/* ---- SBI: legacy v0.1 ------------------------------------------------------------------------ */

/* A legacy call: a0 = result, a1 untouched, pc + 4. */
static void legacy(hv_rv_vcpu *v, uint64_t eid, uint64_t a0, uint64_t a1, int64_t result,
		   hv_exit *e)
{
	uint64_t pc = v->sepc;

	v->gpr[A1] = a1;
	ecall(v, eid, 0x99, a0, a1, 0, e);
	ck_assert_int_eq(e->call.error, result);
	ck_assert(e->call.returns);
	ck_assert_uint_eq(v->gpr[A0], (uint64_t)result);
	ck_assert_uint_eq(v->gpr[A1], a1);
	ck_assert_uint_eq(v->sepc, pc + 4);
}

START_TEST(sbi_legacy_timer_console_clear_ipi_shutdown)
{
	hv_rv_vcpu *v = boot();
	uint64_t pc;
	hv_exit e;

	v->htimedelta = 10;
	m.hvip[0] = UINT64_C(1) << 6 | UINT64_C(1) << 2;
	legacy(v, 0, 110, 0xdead, 0, &e);
	ck_assert_uint_eq(m.deadline[0], 100);
	ck_assert_uint_eq(m.hvip[0], UINT64_C(1) << 2);
	ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);
	/* clear_ipi clears VSSIP (hvip bit 2) */
	legacy(v, 3, 0, 0xdead, 0, &e);
	ck_assert_uint_eq(m.hvip[0], 0);

	legacy(v, 1, 0x141, 0xdead, 0, &e);
	ck_assert_uint_eq(m.out_len, 1);
	ck_assert_int_eq(m.out[0], 'A');
	m.in = "z";
	legacy(v, 2, 0, 0xdead, 'z', &e);
	legacy(v, 2, 0, 0xdead, -1, &e);

	pc = v->sepc;
	ecall(v, 8, 0, 0, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_SYSTEM_DOWN);
	ck_assert(!e.call.returns);
	ck_assert_uint_eq(v->sepc, pc);
}
END_TEST

START_TEST(sbi_legacy_ipi_and_fences_read_the_mask)
{
	hv_rv_vcpu *v = boot();
	uint64_t mask = GMEM_BASE + 0x1000;
	hv_exit e;

	put_u64(mask, 0x6);
	legacy(v, 4, mask, 0xdead, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_SEND_IPI);
	ck_assert_uint_eq(e.send_ipi.target, 0);
	ck_assert_uint_eq(e.send_ipi.mask, 0x6);
	ck_assert(!e.send_ipi.to_all);
	ck_assert(!e.send_ipi.to_self);
	ck_assert_uint_eq(e.send_ipi.vector, 2);
	/* an HLV.D-style read: 8 bytes, not a fetch */
	ck_assert_uint_eq(m.reads, 1);
	ck_assert_uint_eq(m.fetches, 0);
	ck_assert_uint_eq(m.last_len, 8);
	/* a null pointer: every hart */
	legacy(v, 4, 0, 0xdead, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_SEND_IPI);
	ck_assert(e.send_ipi.to_all);
	ck_assert(e.send_ipi.to_self);
	ck_assert_uint_eq(e.send_ipi.mask, 0xf);
	/* a mask naming hart 5 */
	put_u64(mask, 0x21);
	legacy(v, 4, mask, 0xdead, -3, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);

	/* remote fence.i, sfence.vma, sfence.vma.asid */
	put_u64(mask, 0x9);
	legacy(v, 5, mask, 0, 0, &e);
	legacy(v, 6, mask, 0, 0, &e);
	legacy(v, 7, 0, 0, 0, &e);
	ck_assert_uint_eq(m.tlb_flushes[0], 3);
	ck_assert_uint_eq(m.tlb_flushes[1], 1);
	ck_assert_uint_eq(m.tlb_flushes[2], 1);
	ck_assert_uint_eq(m.tlb_flushes[3], 3);
	put_u64(mask, 0x10);
	legacy(v, 6, mask, 0, -3, &e);
	ck_assert_uint_eq(m.tlb_flushes[0], 3);
}
END_TEST

START_TEST(sbi_legacy_mask_faults)
{
	hv_rv_vcpu *v = boot();
	uint64_t pc = v->sepc, bad = GMEM_BASE + 0x2000;
	hv_exit e;

	/* a VS-stage load fault reading the mask: the guest gets it, at the ecall */
	v->sstatus = SPP;
	fault_reads(bad, bad + 8, 13, 0);
	ecall(v, 4, 0, bad, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NOTHING);
	ck_assert(!e.call.returns);
	ck_assert_uint_eq(v->vscause, 13);
	ck_assert_uint_eq(v->vstval, bad);
	ck_assert_uint_eq(v->vsepc, pc);
	ck_assert_uint_eq(v->sepc, GMEM_BASE + 0x800);
	ck_assert_uint_eq(v->gpr[A0], bad);

	/* a G-stage fault: the VMM maps the GPA, the ecall runs again */
	v->sepc = pc;
	v->vscause = 0;
	fault_reads(bad, bad + 8, 21, UINT64_C(0x80456000));
	ecall(v, 5, 0, bad, 0, 0, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_NESTED_PAGE_FAULT);
	ck_assert_uint_eq(e.nested_page_fault.addr, UINT64_C(0x80456000));
	ck_assert_uint_eq(e.nested_page_fault.access, R);
	ck_assert_uint_eq(v->sepc, pc);
	ck_assert_uint_eq(v->vscause, 0);
	ck_assert(!e.pc_advanced);
}
END_TEST

/* ---- SBI: the hypercall extension -------------------------------------------------------- */

START_TEST(sbi_hypercall)
{
	hv_rv_vcpu *v = boot();
	uint64_t pc = v->sepc;
	hv_exit e;

	v->gpr[A3] = 4;
	v->gpr[A4] = 5;
	v->gpr[A5] = 6;
	ecall(v, EXT_HVC, 7, 1, 2, 3, &e);
	ck_assert_int_eq(e.kind, HV_EXIT_HYPERCALL);
	ck_assert_uint_eq(e.hypercall.nr, 7);
	for (unsigned i = 0; i < 6; i++)
		ck_assert_uint_eq(e.hypercall.args[i], i + 1);
	ck_assert_uint_eq(v->sepc, pc + 4);
	ck_assert(e.pc_advanced);
	ck_assert(e.call.returns);
	/* a0 is the VMM's answer */
	ck_assert_uint_eq(v->gpr[A0], 1);
	ck_assert_uint_eq(v->gpr[A1], 2);
	hv_rv_set_return(v, 0x42);
	ck_assert_uint_eq(v->gpr[A0], 0x42);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hv");
	TCase *names = tcase_create("names");
	TCase *as = tcase_create("aspace");
	TCase *fmt = tcase_create("ptformat");
	TCase *dec = tcase_create("decode");
	TCase *vcpu = tcase_create("vcpu");
	TCase *ex = tcase_create("exit");
	TCase *sbi = tcase_create("sbi");
	SRunner *sr;
	int failed;

	tcase_add_test(names, exit_names_as_traces_spell_them);
	suite_add_tcase(s, names);

	tcase_add_checked_fixture(as, mock_setup, mock_teardown);
	tcase_add_test(as, aspace_init_errors);
	tcase_add_test(as, aspace_error_texts);
	tcase_add_test(as, aspace_map_errors);
	tcase_add_test(as, aspace_area_table_is_bounded);
	tcase_add_test(as, linear_maps_an_offset);
	tcase_add_test(as, alloc_populates_zeroed_frames);
	tcase_add_test(as, lazy_maps_on_the_first_fault);
	tcase_add_test(as, lazy_fault_gives_the_frame_back_when_a_table_is_missing);
	tcase_add_test(as, failed_maps_roll_back);
	tcase_add_test(as, unmap_splits_areas_and_frees_their_frames);
	tcase_add_test(as, unmap_keeps_the_linear_offset_of_both_halves);
	tcase_add_test(as, unmap_splits_superpages);
	tcase_add_test(as, destroy_frees_every_frame);
	tcase_add_test(as, read_and_write_cross_pages);
	suite_add_tcase(s, as);

	tcase_add_checked_fixture(fmt, mock_setup, mock_teardown);
	tcase_add_test(fmt, root_is_16k_aligned_and_hgatp_names_it);
	tcase_add_test(fmt, sv39x4_superpages_and_raw_ptes);
	tcase_add_test(fmt, sv48x4_four_levels);
	tcase_add_test(fmt, translate_walks_the_tables_not_the_areas);
	suite_add_tcase(s, fmt);

	tcase_add_test(dec, decoder_reads_every_load_and_store);
	tcase_add_test(dec, decoder_refuses_everything_else);
	suite_add_tcase(s, dec);

	tcase_add_checked_fixture(vcpu, vm_setup, vm_teardown);
	tcase_add_test(vcpu, vm_init_and_vcpu_start);
	tcase_add_test(vcpu, inject_trap_sets_the_vs_csrs);
	tcase_add_test(vcpu, complete_mmio_read_truncates_and_extends);
	suite_add_tcase(s, vcpu);

	tcase_add_checked_fixture(ex, vm_setup, vm_teardown);
	tcase_add_test(ex, interrupts);
	tcase_add_test(ex, fault_in_guest_ram_is_nested);
	tcase_add_test(ex, fetch_outside_ram_and_pseudo_instructions_are_nested);
	tcase_add_test(ex, mmio_from_transformed_htinst);
	tcase_add_test(ex, mmio_from_fetched_instruction);
	tcase_add_test(ex, mmio_read_round_trip_sign_extends);
	tcase_add_test(ex, reserved_htinst_falls_back_to_fetching);
	tcase_add_test(ex, what_cannot_be_emulated_stays_a_nested_fault);
	tcase_add_test(ex, fetch_fault_in_guest_page_tables_goes_to_the_guest);
	tcase_add_test(ex, fetch_fault_in_g_stage_is_nested);
	tcase_add_test(ex, virtual_instruction_wfi_halts);
	tcase_add_test(ex, virtual_instruction_other_is_illegal_to_the_guest);
	tcase_add_test(ex, other_exceptions_go_back_to_the_guest);
	suite_add_tcase(s, ex);

	tcase_add_checked_fixture(sbi, vm_setup, vm_teardown);
	tcase_add_test(sbi, sbi_base);
	tcase_add_test(sbi, sbi_unknown_extension_and_function);
	tcase_add_test(sbi, sbi_time);
	tcase_add_test(sbi, sbi_ipi);
	tcase_add_test(sbi, sbi_rfence);
	tcase_add_test(sbi, sbi_hsm_start_and_status);
	tcase_add_test(sbi, sbi_hsm_stop);
	tcase_add_test(sbi, sbi_hsm_suspend);
	tcase_add_test(sbi, sbi_srst);
	tcase_add_test(sbi, sbi_dbcn_write);
	tcase_add_test(sbi, sbi_dbcn_write_out_of_frames);
	tcase_add_test(sbi, sbi_dbcn_read);
	tcase_add_test(sbi, sbi_legacy_timer_console_clear_ipi_shutdown);
	tcase_add_test(sbi, sbi_legacy_ipi_and_fences_read_the_mask);
	tcase_add_test(sbi, sbi_legacy_mask_faults);
	tcase_add_test(sbi, sbi_hypercall);
	suite_add_tcase(s, sbi);

	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
