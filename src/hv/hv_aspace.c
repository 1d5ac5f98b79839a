/* A guest physical address space: the area list, and the stage-2 tables built from it in HAL
 * frames. The tables follow the format of the space (hv_pt_fmt); this file only walks them.
 *
 * Invariants: areas are sorted and never overlap; every leaf lies inside one area and maps it
 * with the area's flags; alloc and lazy areas use 4 KiB leaves only; a table that becomes
 * empty is freed, so mapping a fresh range finds only empty slots or tables on its way.
 */
#include "hv/hv_aspace.h"

#define LEVEL_BITS 9
#define PAGE_MASK  (HV_PAGE_SIZE - 1)
#define PTE_BYTES  8

static const hv_pt_fmt *const formats[] = {
    [HV_PT_RV_SV39X4] = &hv_rv_sv39x4_fmt,
    [HV_PT_RV_SV48X4] = &hv_rv_sv48x4_fmt,
    [HV_PT_A64_IPA39] = &hv_a64_ipa39_fmt,
    [HV_PT_A64_IPA48] = &hv_a64_ipa48_fmt,
};

#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

static const char *const err_texts[] = {
    [HV_OK] = "success",
    [HV_ERR_RANGE] = "address out of range",
    [HV_ERR_ALIGN] = "address not aligned",
    [HV_ERR_OVERLAP] = "range overlaps an existing area",
    [HV_ERR_NOMEM] = "out of frames",
    [HV_ERR_INVALID] = "invalid argument",
};

const char *hv_err_text(hv_err err)
{
	if ((unsigned)err >= sizeof(err_texts) / sizeof(err_texts[0]))
		return "unknown error";
	return err_texts[err];
}

/* ---- table geometry ---- */

static const hv_pt_fmt *fmt_of(const hv_aspace *as)
{
	return formats[as->format];
}

/* log2 of the bytes one entry at level maps (level 0 = root). */
static unsigned level_shift(const hv_pt_fmt *f, unsigned level)
{
	return HV_PAGE_SHIFT + LEVEL_BITS * (f->levels - 1 - level);
}

static uint64_t gpa_limit(const hv_pt_fmt *f)
{
	return UINT64_C(1) << (level_shift(f, 0) + f->root_index_bits);
}

static unsigned pt_index(const hv_pt_fmt *f, unsigned level, uint64_t gpa)
{
	unsigned bits = level ? LEVEL_BITS : f->root_index_bits;

	return (gpa >> level_shift(f, level)) & ((1u << bits) - 1);
}

static unsigned table_entries(const hv_pt_fmt *f, unsigned level)
{
	return 1u << (level ? LEVEL_BITS : f->root_index_bits);
}

static uint64_t *pte_at(const hv_aspace *as, uint64_t table, unsigned index)
{
	return as->hal->phys_to_virt(as->hal->ctx, table + (uint64_t)index * PTE_BYTES);
}

/* Entry index of table at level as the walker sees it: a pointer at the last level faults, so
 * do a last-level leaf without the format's page bits and a leaf larger than it allows. */
static hv_pte_kind pte_read(const hv_aspace *as, uint64_t table, unsigned level, unsigned index,
			    uint64_t *pa, uint32_t *flags)
{
	const hv_pt_fmt *f = fmt_of(as);
	uint64_t pte = *pte_at(as, table, index);
	bool last = level + 1 == f->levels;
	hv_pte_kind kind;

	if (last && (pte & f->page_bits) != f->page_bits)
		return HV_PTE_INVALID;
	kind = f->decode(last ? pte & ~f->page_bits : pte, pa, flags);
	if (kind == HV_PTE_TABLE && last)
		return HV_PTE_INVALID;
	if (kind == HV_PTE_LEAF && f->max_block_shift && level_shift(f, level) > f->max_block_shift)
		return HV_PTE_INVALID;
	return kind;
}

/* The leaf mapping 1 << shift bytes at hpa. */
static uint64_t leaf_pte(const hv_pt_fmt *f, unsigned shift, uint64_t hpa, uint32_t flags)
{
	return f->leaf(hpa, flags) | (shift == HV_PAGE_SHIFT ? f->page_bits : 0);
}

/* ---- frames ---- */

/* count zeroed frames aligned to count frames, or 0. */
static uint64_t frames_get(hv_aspace *as, size_t count)
{
	uint64_t pa = as->hal->alloc_frames(as->hal->ctx, count, count);

	if (!pa)
		return 0;
	for (size_t i = 0; i < count; i++)
		hv_zero(as->hal->phys_to_virt(as->hal->ctx, pa + i * HV_PAGE_SIZE), HV_PAGE_SIZE);
	as->frames_in_use += count;
	return pa;
}

static void frames_put(hv_aspace *as, uint64_t pa, size_t count)
{
	as->hal->free_frames(as->hal->ctx, pa, count);
	as->frames_in_use -= count;
}

static void flush(const hv_aspace *as)
{
	as->hal->stage2_flush(as->hal->ctx);
}

/* ---- table edits ---- */

/* Stores leaf for the page of 1 << shift bytes at gpa, adding tables on the way. */
static hv_err pt_set_leaf(hv_aspace *as, uint64_t gpa, unsigned shift, uint64_t leaf)
{
	const hv_pt_fmt *f = fmt_of(as);
	uint64_t table = as->root;

	for (unsigned level = 0;; level++) {
		unsigned index = pt_index(f, level, gpa);
		uint64_t next;
		uint32_t flags;

		if (level_shift(f, level) == shift) {
			*pte_at(as, table, index) = leaf;
			return HV_OK;
		}
		/* areas never overlap: a slot on the way is a table or empty */
		if (pte_read(as, table, level, index, &next, &flags) != HV_PTE_TABLE) {
			next = frames_get(as, 1);
			if (!next)
				return HV_ERR_NOMEM;
			*pte_at(as, table, index) = f->table(next);
		}
		table = next;
	}
}

/* Replaces the superpage leaf *pte (1 << shift bytes at hpa) by a table of the same mapping
 * in pages of the next level. Returns the table, or 0 when no frame is left. */
static uint64_t pt_split(hv_aspace *as, uint64_t *pte, unsigned shift, uint64_t hpa, uint32_t flags)
{
	const hv_pt_fmt *f = fmt_of(as);
	unsigned sub_shift = shift - LEVEL_BITS;
	uint64_t table = frames_get(as, 1);

	if (!table)
		return 0;
	for (unsigned i = 0; i < 1u << LEVEL_BITS; i++)
		*pte_at(as, table, i) =
		    leaf_pte(f, sub_shift, hpa + ((uint64_t)i << sub_shift), flags);
	*pte = f->table(table);
	return table;
}

/* Splits superpages until gpa starts a page (or lies in no page). */
static hv_err pt_split_at(hv_aspace *as, uint64_t gpa)
{
	const hv_pt_fmt *f = fmt_of(as);
	uint64_t table = as->root;

	if (gpa >= gpa_limit(f))
		return HV_OK; /* the end of the GPA space starts no page */
	/* ends at a leaf or a hole: the last level holds nothing else */
	for (unsigned level = 0;; level++) {
		unsigned index = pt_index(f, level, gpa);
		unsigned shift = level_shift(f, level);
		uint64_t next;
		uint32_t flags;

		switch (pte_read(as, table, level, index, &next, &flags)) {
		case HV_PTE_INVALID: return HV_OK;
		case HV_PTE_LEAF:
			if (!(gpa & ((UINT64_C(1) << shift) - 1)))
				return HV_OK;
			next = pt_split(as, pte_at(as, table, index), shift, next, flags);
			if (!next)
				return HV_ERR_NOMEM;
			break;
		case HV_PTE_TABLE: break;
		}
		table = next;
	}
}

static bool table_is_empty(const hv_aspace *as, uint64_t table, unsigned level)
{
	const hv_pt_fmt *f = fmt_of(as);
	uint64_t pa;
	uint32_t flags;

	for (unsigned i = 0; i < table_entries(f, level); i++)
		if (pte_read(as, table, level, i, &pa, &flags) != HV_PTE_INVALID)
			return false;
	return true;
}

/* Clears the leaves of [start, end), which lies in table at level and splits no superpage;
 * frees the frames behind them when free_pages, and the tables left empty. */
static void pt_clear(hv_aspace *as, uint64_t table, unsigned level, uint64_t start, uint64_t end,
		     bool free_pages)
{
	const hv_pt_fmt *f = fmt_of(as);
	uint64_t span = UINT64_C(1) << level_shift(f, level);

	for (uint64_t gpa = start; gpa < end;) {
		unsigned index = pt_index(f, level, gpa);
		uint64_t *pte = pte_at(as, table, index);
		uint64_t slot_end = (gpa & ~(span - 1)) + span;
		uint64_t sub_end = end < slot_end ? end : slot_end;
		uint64_t pa;
		uint32_t flags;

		switch (pte_read(as, table, level, index, &pa, &flags)) {
		case HV_PTE_INVALID: break;
		case HV_PTE_LEAF:
			if (free_pages)
				frames_put(as, pa, span >> HV_PAGE_SHIFT);
			*pte = 0;
			break;
		case HV_PTE_TABLE:
			pt_clear(as, pa, level + 1, gpa, sub_end, free_pages);
			if (table_is_empty(as, pa, level + 1)) {
				frames_put(as, pa, 1);
				*pte = 0;
			}
			break;
		}
		gpa = sub_end;
	}
}

static void clear_range(hv_aspace *as, uint64_t start, uint64_t end, bool free_pages)
{
	pt_clear(as, as->root, 0, start, end, free_pages);
}

/* ---- areas ---- */

static uint64_t area_end(const hv_area *a)
{
	return a->start + a->size;
}

static bool frees_frames(const hv_area *a)
{
	return a->backend != HV_BACKEND_LINEAR;
}

/* Where an area starting at gpa belongs in the sorted list. */
static unsigned area_slot(const hv_aspace *as, uint64_t gpa)
{
	unsigned i = 0;

	while (i < as->nareas && as->areas[i].start < gpa)
		i++;
	return i;
}

static bool overlaps_area(const hv_aspace *as, uint64_t gpa, uint64_t size)
{
	for (unsigned i = 0; i < as->nareas; i++)
		if (gpa < area_end(&as->areas[i]) && as->areas[i].start < gpa + size)
			return true;
	return false;
}

static void area_insert(hv_aspace *as, unsigned at, uint64_t start, uint64_t size, uint32_t flags,
			hv_backend backend, uint64_t offset)
{
	hv_area *a = &as->areas[at];

	for (unsigned i = as->nareas; i > at; i--)
		hv_copy(&as->areas[i], &as->areas[i - 1], sizeof(hv_area));
	as->nareas++;
	a->start = start;
	a->size = size;
	a->flags = flags;
	a->backend = backend;
	a->offset = offset;
}

static void area_remove(hv_aspace *as, unsigned at)
{
	as->nareas--;
	for (unsigned i = at; i < as->nareas; i++)
		hv_copy(&as->areas[i], &as->areas[i + 1], sizeof(hv_area));
}

const hv_area *hv_aspace_find(const hv_aspace *as, uint64_t gpa)
{
	for (unsigned i = 0; i < as->nareas; i++)
		if (gpa >= as->areas[i].start && gpa < area_end(&as->areas[i]))
			return &as->areas[i];
	return NULL;
}

/* ---- argument checks ---- */

/* axaddrspace's order: range first, then alignment. */
static hv_err check_range(const hv_aspace *as, uint64_t gpa, uint64_t size)
{
	if (!size)
		return HV_ERR_INVALID;
	if (gpa < as->base || gpa - as->base > as->size || size > as->size - (gpa - as->base))
		return HV_ERR_RANGE;
	if ((gpa | size) & PAGE_MASK)
		return HV_ERR_ALIGN;
	return HV_OK;
}

/* A leaf needs some permission (no R, W, X would read as a table pointer), and W needs R. */
static bool flags_valid(uint32_t flags)
{
	if (!(flags & (HV_MAP_READ | HV_MAP_WRITE | HV_MAP_EXECUTE)))
		return false;
	return !(flags & HV_MAP_WRITE) || (flags & HV_MAP_READ);
}

/* hpa .. hpa + size must be page aligned and addressable by the format. */
static hv_err check_hpa(const hv_pt_fmt *f, uint64_t hpa, uint64_t size)
{
	uint64_t limit = UINT64_C(1) << f->pa_bits;

	if (hpa >= limit || size > limit - hpa)
		return HV_ERR_RANGE;
	return hpa & PAGE_MASK ? HV_ERR_ALIGN : HV_OK;
}

/* Room, flags and overlap; the caller checked the range. */
static hv_err check_new_area(const hv_aspace *as, uint64_t gpa, uint64_t size, uint32_t flags)
{
	if (!flags_valid(flags) || as->nareas == HV_MAX_AREAS)
		return HV_ERR_INVALID;
	if (overlaps_area(as, gpa, size))
		return HV_ERR_OVERLAP;
	return HV_OK;
}

/* ---- the public operations ---- */

hv_err hv_aspace_init(hv_aspace *as, const hv_hal *hal, hv_pt_format format, uint64_t base,
		      uint64_t size)
{
	as->hal = hal;
	as->format = format;
	as->base = base;
	as->size = size;
	as->root = 0;
	as->nareas = 0;
	as->frames_in_use = 0;
	if ((unsigned)format >= NFORMATS || !size)
		return HV_ERR_INVALID;
	if (base >= gpa_limit(fmt_of(as)) || size > gpa_limit(fmt_of(as)) - base)
		return HV_ERR_RANGE;
	if ((base | size) & PAGE_MASK)
		return HV_ERR_ALIGN;
	as->root = frames_get(as, fmt_of(as)->root_pages);
	return as->root ? HV_OK : HV_ERR_NOMEM;
}

void hv_aspace_destroy(hv_aspace *as)
{
	if (!as->root)
		return;
	for (unsigned i = 0; i < as->nareas; i++)
		clear_range(as, as->areas[i].start, area_end(&as->areas[i]),
			    frees_frames(&as->areas[i]));
	as->nareas = 0;
	frames_put(as, as->root, fmt_of(as)->root_pages);
	as->root = 0;
	flush(as);
}

/* The largest page the format offers that gpa and hpa are aligned to and size fills. */
static unsigned linear_shift(const hv_pt_fmt *f, uint64_t gpa, uint64_t hpa, uint64_t size)
{
	for (unsigned shift = f->max_leaf_shift; shift > HV_PAGE_SHIFT; shift -= LEVEL_BITS) {
		uint64_t page = UINT64_C(1) << shift;

		if (!((gpa | hpa) & (page - 1)) && size >= page)
			return shift;
	}
	return HV_PAGE_SHIFT;
}

hv_err hv_aspace_map_linear(hv_aspace *as, uint64_t gpa, uint64_t hpa, uint64_t size,
			    uint32_t flags)
{
	const hv_pt_fmt *f = fmt_of(as);
	hv_err err = check_range(as, gpa, size);
	uint64_t done = 0;

	if (!err)
		err = check_hpa(f, hpa, size);
	if (!err)
		err = check_new_area(as, gpa, size, flags);
	if (err)
		return err;
	while (done < size) {
		unsigned shift = linear_shift(f, gpa + done, hpa + done, size - done);

		err = pt_set_leaf(as, gpa + done, shift, leaf_pte(f, shift, hpa + done, flags));
		if (err)
			break;
		done += UINT64_C(1) << shift;
	}
	/* the range is this area's alone: clearing all of it also drops half-built tables */
	if (err)
		clear_range(as, gpa, gpa + size, false);
	else
		area_insert(as, area_slot(as, gpa), gpa, size, flags, HV_BACKEND_LINEAR, gpa - hpa);
	flush(as);
	return err;
}

/* Backs the 4 KiB page at gpa with a fresh zeroed frame. */
static hv_err map_new_frame(hv_aspace *as, uint64_t gpa, uint32_t flags)
{
	uint64_t frame = frames_get(as, 1);
	hv_err err;

	if (!frame)
		return HV_ERR_NOMEM;
	err =
	    pt_set_leaf(as, gpa, HV_PAGE_SHIFT, leaf_pte(fmt_of(as), HV_PAGE_SHIFT, frame, flags));
	if (err) {
		frames_put(as, frame, 1);
		clear_range(as, gpa, gpa + HV_PAGE_SIZE, false); /* the tables it got so far */
	}
	return err;
}

hv_err hv_aspace_map_alloc(hv_aspace *as, uint64_t gpa, uint64_t size, uint32_t flags,
			   bool populate)
{
	hv_err err = check_range(as, gpa, size);
	uint64_t done = 0;

	if (!err)
		err = check_new_area(as, gpa, size, flags);
	if (err)
		return err;
	while (populate && done < size) {
		err = map_new_frame(as, gpa + done, flags);
		if (err)
			break;
		done += HV_PAGE_SIZE;
	}
	if (err)
		clear_range(as, gpa, gpa + size, true);
	else
		area_insert(as, area_slot(as, gpa), gpa, size, flags,
			    populate ? HV_BACKEND_ALLOC : HV_BACKEND_LAZY, 0);
	flush(as);
	return err;
}

/* Cuts [start, end) out of area i: drops, trims or splits it (the caller checked room). */
static void area_cut(hv_aspace *as, unsigned i, uint64_t start, uint64_t end)
{
	hv_area *a = &as->areas[i];
	uint64_t a_end = area_end(a);

	if (start <= a->start && end >= a_end) {
		area_remove(as, i);
	} else if (start <= a->start) {
		a->start = end;
		a->size = a_end - end;
	} else {
		a->size = start - a->start;
		if (end < a_end)
			area_insert(as, i + 1, end, a_end - end, a->flags, a->backend, a->offset);
	}
}

/* Whether unmapping [start, end) splits some area in two. */
static bool splits_an_area(const hv_aspace *as, uint64_t start, uint64_t end)
{
	for (unsigned i = 0; i < as->nareas; i++)
		if (as->areas[i].start < start && end < area_end(&as->areas[i]))
			return true;
	return false;
}

hv_err hv_aspace_unmap(hv_aspace *as, uint64_t gpa, uint64_t size)
{
	uint64_t end = gpa + size;
	hv_err err = check_range(as, gpa, size);

	if (err)
		return err;
	if (splits_an_area(as, gpa, end) && as->nareas == HV_MAX_AREAS)
		return HV_ERR_INVALID;
	/* split the superpages at both ends first: after that, nothing can fail */
	err = pt_split_at(as, gpa);
	if (!err)
		err = pt_split_at(as, end);
	if (err) {
		flush(as);
		return err;
	}
	for (unsigned i = as->nareas; i-- > 0;) {
		hv_area *a = &as->areas[i];
		uint64_t from = a->start > gpa ? a->start : gpa;
		uint64_t to = area_end(a) < end ? area_end(a) : end;

		if (from >= to)
			continue;
		clear_range(as, from, to, frees_frames(a));
		area_cut(as, i, gpa, end);
	}
	flush(as);
	return HV_OK;
}

bool hv_aspace_translate(const hv_aspace *as, uint64_t gpa, uint64_t *hpa, uint32_t *flags)
{
	const hv_pt_fmt *f = fmt_of(as);
	uint64_t table = as->root;

	if (gpa >= gpa_limit(f))
		return false;
	/* ends at a leaf or a fault: the last level holds no pointer */
	for (unsigned level = 0;; level++) {
		uint64_t mask = (UINT64_C(1) << level_shift(f, level)) - 1;
		uint64_t pa;
		uint32_t fl;

		switch (pte_read(as, table, level, pt_index(f, level, gpa), &pa, &fl)) {
		case HV_PTE_INVALID: return false;
		case HV_PTE_LEAF:
			if (pa & mask)
				return false; /* a misaligned superpage faults */
			if (hpa)
				*hpa = pa | (gpa & mask);
			if (flags)
				*flags = fl;
			return true;
		case HV_PTE_TABLE: table = pa; break;
		}
	}
}

bool hv_aspace_handle_page_fault(hv_aspace *as, uint64_t gpa, uint32_t access)
{
	const hv_area *a = hv_aspace_find(as, gpa);
	hv_err err;

	if (!a || a->backend != HV_BACKEND_LAZY || (access & ~a->flags))
		return false;
	/* another vCPU may have populated it since the fault was taken */
	if (hv_aspace_translate(as, gpa, NULL, NULL))
		return true;
	err = map_new_frame(as, gpa & ~PAGE_MASK, a->flags);
	flush(as);
	return !err;
}

/* The host bytes behind gpa up to the end of its page (at most len of them, in *chunk),
 * populating a lazy page; NULL when nothing backs gpa. */
static uint8_t *guest_chunk(hv_aspace *as, uint64_t gpa, size_t len, size_t *chunk)
{
	uint64_t hpa;

	if (!hv_aspace_translate(as, gpa, &hpa, NULL) &&
	    !(hv_aspace_handle_page_fault(as, gpa, 0) && hv_aspace_translate(as, gpa, &hpa, NULL)))
		return NULL;
	*chunk = HV_PAGE_SIZE - (gpa & PAGE_MASK);
	if (*chunk > len)
		*chunk = len;
	return as->hal->phys_to_virt(as->hal->ctx, hpa);
}

size_t hv_aspace_read(hv_aspace *as, uint64_t gpa, void *buf, size_t len)
{
	uint8_t *out = buf;
	size_t done = 0, chunk;
	const uint8_t *host;

	while (done < len && (host = guest_chunk(as, gpa + done, len - done, &chunk))) {
		hv_copy(out + done, host, chunk);
		done += chunk;
	}
	return done;
}

size_t hv_aspace_write(hv_aspace *as, uint64_t gpa, const void *buf, size_t len)
{
	const uint8_t *in = buf;
	size_t done = 0, chunk;
	uint8_t *host;

	while (done < len && (host = guest_chunk(as, gpa + done, len - done, &chunk))) {
		hv_copy(host, in + done, chunk);
		done += chunk;
	}
	return done;
}
