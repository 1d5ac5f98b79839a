/* The test framework: trap handlers for M, HS and VS, the test runner, checks and the page-table
 * pool. See testlib.h for the conventions. */
#include "testlib.h"

#define ECALL_DONE  UINT64_C(0x7e570001) /* a lower mode's function returned (a0 = result) */
#define ECALL_ABORT UINT64_C(0x7e570002) /* a lower handler saw an unexpected trap */
enum { REG_A0 = 10, REG_A7 = 17 };

/* vectors.S */
extern char tl_vec_m[], tl_vec_hs[], tl_vec_vs[];
extern char tl_run_landing[], tl_abort_landing[];
uint64_t tl_run_asm(tl_fn2 fn, uint64_t a, uint64_t b);
int tl_guard(void (*fn)(void));
void tl_ecall_up(uint64_t a0, uint64_t a7) __attribute__((noreturn));

volatile struct tl_trap tl_trap;
volatile uint64_t tl_resume;

static volatile unsigned armed; /* traps still expected */
static const char *suite_name = "";
static const char *test_name = "";
static volatile uint64_t checks_passed, checks_failed;
static volatile uint64_t relaxed_count;

#define STACK_BYTES 8192
static uint8_t m_stack[STACK_BYTES] __attribute__((aligned(16)));
static uint8_t hs_stack[STACK_BYTES] __attribute__((aligned(16)));
static uint8_t vs_stack[STACK_BYTES] __attribute__((aligned(16)));

/* ---- output ---- */

static void put_dec(uint64_t v)
{
	char buf[24];
	int n = 0;
	do {
		buf[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		put_char(buf[--n]);
}

static const char *via_file;
static int via_line;

void tl_where(const char *file, int line)
{
	via_file = file;
	via_line = line;
}

static void put_where(const char *file, int line)
{
	put_str(test_name);
	put_str(" (");
	put_str(file);
	put_char(':');
	put_dec((uint64_t)line);
	if (via_file) {
		put_str(" via line ");
		put_dec((uint64_t)via_line);
	}
	put_str(")");
}

static const char *level_name(unsigned level)
{
	static const char *const names[] = {"none", "M", "HS", "VS"};
	return level < 4 ? names[level] : "?";
}

/* ---- checks ---- */

void tl_check(bool ok, const char *file, int line, const char *what)
{
	if (ok) {
		checks_passed++;
		return;
	}
	checks_failed++;
	put_str("FAIL ");
	put_where(file, line);
	put_str(": ");
	put_str(what);
	put_str("\n");
}

void tl_check_eq(uint64_t got, uint64_t want, const char *file, int line, const char *what)
{
	if (got == want) {
		checks_passed++;
		return;
	}
	checks_failed++;
	put_str("FAIL ");
	put_where(file, line);
	put_str(": ");
	put_str(what);
	put_str(" = ");
	put_hex(got);
	put_str(", expected ");
	put_hex(want);
	put_str("\n");
}

void tl_check_trap(const char *file, int line, unsigned level, uint64_t cause)
{
	if (tl_trap.count == 1 && tl_trap.level == level && tl_trap.cause == cause) {
		checks_passed++;
		return;
	}
	checks_failed++;
	put_str("FAIL ");
	put_where(file, line);
	put_str(": expected one trap at ");
	put_str(level_name(level));
	put_str(" cause ");
	put_hex(cause);
	put_str(", got ");
	put_dec(tl_trap.count);
	if (tl_trap.count) {
		put_str(" at ");
		put_str(level_name((unsigned)tl_trap.level));
		put_str(" cause ");
		put_hex(tl_trap.cause);
		put_str(" tval ");
		put_hex(tl_trap.tval);
		put_str(" epc ");
		put_hex(tl_trap.epc);
	}
	put_str("\n");
}

void tl_relaxed(const char *file, int line, const char *why)
{
	relaxed_count++;
	put_str("relaxed for QEMU 7.2: ");
	put_where(file, line);
	put_str(": ");
	put_str(why);
	put_str("\n");
}

/* ---- trap handling ---- */

void tl_expect(void)
{
	tl_expect_n(1);
}

void tl_expect_n(unsigned n)
{
	tl_trap.count = 0;
	tl_trap.level = TL_AT_NONE;
	tl_trap.cause = tl_trap.tval = tl_trap.tval2 = tl_trap.tinst = tl_trap.epc = 0;
	tl_trap.status = tl_trap.hstatus = tl_trap.from = 0;
	tl_trap.vector = UINT64_MAX;
	for (unsigned i = 0; i < 8; i++)
		tl_trap.seq_cause[i] = tl_trap.seq_level[i] = 0;
	tl_resume = 0;
	armed = n > 8 ? 8 : n;
}

void tl_disarm(void)
{
	armed = 0;
	tl_resume = 0;
}

static bool is_ecall(uint64_t cause)
{
	return cause >= EXC_ECALL_U && cause <= EXC_ECALL_M;
}

/* One trap as a handler saw it (tl_trap keeps the expected ones). */
struct record {
	uint64_t level, from, cause, tval, tval2, tinst, epc, status, hstatus, vector;
};

static void report_unexpected(const struct record *t)
{
	checks_failed++;
	put_str("FAIL ");
	put_str(test_name);
	put_str(": unexpected trap at ");
	put_str(level_name((unsigned)t->level));
	put_str(": cause ");
	put_hex(t->cause);
	put_str(" epc ");
	put_hex(t->epc);
	put_str(" tval ");
	put_hex(t->tval);
	put_str(" tval2 ");
	put_hex(t->tval2);
	put_str(" from mode ");
	put_dec(t->from);
	put_str("\n");
}

/* Records t when a trap is expected; false when it was not (the test is then aborted). */
static bool take(const struct record *t)
{
	if (!armed) {
		report_unexpected(t);
		return false;
	}
	armed--;
	tl_trap.seq_cause[tl_trap.count] = t->cause;
	tl_trap.seq_level[tl_trap.count] = t->level;
	tl_trap.level = t->level;
	tl_trap.from = t->from;
	tl_trap.cause = t->cause;
	tl_trap.tval = t->tval;
	tl_trap.tval2 = t->tval2;
	tl_trap.tinst = t->tinst;
	tl_trap.epc = t->epc;
	tl_trap.status = t->status;
	tl_trap.hstatus = t->hstatus;
	tl_trap.vector = t->vector;
	tl_trap.count++;
	return true;
}

/* Where an exception resumes: tl_resume if a probe set one, else after the instruction. */
static uint64_t resume_after(uint64_t epc)
{
	uint64_t r = tl_resume;
	if (r) {
		tl_resume = 0;
		return r;
	}
	uint16_t low = *(volatile uint16_t *)epc;
	return epc + ((low & 3) == 3 ? 4 : 2);
}

/* S-level handlers read the trapped instruction through their own translation, where it may
 * sit in a U page: SUM and MXR let them. */
static uint64_t s_resume_after(uint64_t epc)
{
	uint64_t old = csr_read(sstatus);
	csr_set(sstatus, MSTATUS_SUM | MSTATUS_MXR);
	uint64_t r = resume_after(epc);
	csr_write(sstatus, old);
	return r;
}

/* Leaves the M handler to an M-mode landing point instead of the trapped code. */
static void leave_m_to(const char *landing)
{
	csr_write(mepc, (uint64_t)(uintptr_t)landing);
	csr_clear(mstatus, MSTATUS_MPV | MSTATUS_MPRV | MSTATUS_GVA | MSTATUS_MPIE);
	csr_set(mstatus, MSTATUS_MPP_M);
}

void tl_handle_m(uint64_t *f);
void tl_handle_m(uint64_t *f)
{
	uint64_t cause = csr_read(mcause);
	if (is_ecall(cause) && f[REG_A7] == ECALL_DONE) {
		leave_m_to(tl_run_landing);
		return;
	}
	if (is_ecall(cause) && f[REG_A7] == ECALL_ABORT) {
		leave_m_to(tl_abort_landing);
		return;
	}
	uint64_t status = csr_read(mstatus);
	struct record t = {
	    .level = TL_AT_M,
	    .from = ((status >> 11) & 3) | ((status & MSTATUS_MPV) ? 4 : 0),
	    .cause = cause,
	    .tval = csr_read(mtval),
	    .tval2 = csr_read(mtval2),
	    .tinst = csr_read(mtinst),
	    .epc = csr_read(mepc),
	    .status = status,
	    .vector = f[0],
	};
	if (!take(&t)) {
		leave_m_to(tl_abort_landing);
		return;
	}
	if (cause & CAUSE_IRQ) {
		csr_clear(mie, BIT(cause & 63));
		csr_clear(mstatus, MSTATUS_MPIE);
	} else {
		csr_write(mepc, resume_after(t.epc));
	}
}

/* HS and VS handlers pass the framework's own ecalls up to M. */
static void pass_up(const uint64_t *f, uint64_t cause)
{
	if (is_ecall(cause) && (f[REG_A7] == ECALL_DONE || f[REG_A7] == ECALL_ABORT))
		tl_ecall_up(f[REG_A0], f[REG_A7]);
}

void tl_handle_hs(uint64_t *f);
void tl_handle_hs(uint64_t *f)
{
	uint64_t cause = csr_read(scause);
	pass_up(f, cause);
	uint64_t status = csr_read(sstatus), hstatus = csr_read(hstatus);
	struct record t = {
	    .level = TL_AT_HS,
	    .from = ((status & MSTATUS_SPP) ? TL_HS : TL_U) | ((hstatus & HSTATUS_SPV) ? 4 : 0),
	    .cause = cause,
	    .tval = csr_read(stval),
	    .tval2 = csr_read(htval),
	    .tinst = csr_read(htinst),
	    .epc = csr_read(sepc),
	    .status = status,
	    .hstatus = hstatus,
	    .vector = UINT64_MAX,
	};
	if (!take(&t))
		tl_ecall_up(0, ECALL_ABORT);
	if (!(cause & CAUSE_IRQ)) {
		csr_write(sepc, s_resume_after(t.epc));
		return;
	}
	if ((cause & 63) == IRQ_VSSI || (cause & 63) == IRQ_VSTI || (cause & 63) == IRQ_VSEI)
		csr_clear(hie, BIT(cause & 63));
	else
		csr_clear(sie, BIT(cause & 63));
	csr_clear(sstatus, MSTATUS_SPIE);
}

void tl_handle_vs(uint64_t *f);
void tl_handle_vs(uint64_t *f)
{
	uint64_t cause = csr_read(scause);
	pass_up(f, cause);
	uint64_t status = csr_read(sstatus);
	struct record t = {
	    .level = TL_AT_VS,
	    .from = (status & MSTATUS_SPP) ? TL_VS : TL_VU,
	    .cause = cause,
	    .tval = csr_read(stval),
	    .epc = csr_read(sepc),
	    .status = status,
	    .vector = UINT64_MAX,
	};
	if (!take(&t))
		tl_ecall_up(0, ECALL_ABORT);
	if (cause & CAUSE_IRQ) {
		csr_clear(sie, BIT(cause & 63));
		csr_clear(sstatus, MSTATUS_SPIE);
	} else {
		csr_write(sepc, s_resume_after(t.epc));
	}
}

/* ---- modes ---- */

static uint64_t stack_top(uint8_t *stack)
{
	return (uint64_t)(uintptr_t)(stack + STACK_BYTES);
}

uint64_t tl_run2(enum tl_mode mode, tl_fn2 fn, uint64_t a, uint64_t b)
{
	if (mode == TL_M)
		return fn(a, b);
	csr_write(sscratch, stack_top(hs_stack));
	csr_write(vsscratch, stack_top(vs_stack));
	csr_clear(mstatus, MSTATUS_MPP | MSTATUS_MPV | MSTATUS_MPIE);
	csr_set(mstatus, (uint64_t)(mode & 3) << 11 | ((mode & 4) ? MSTATUS_MPV : 0));
	return tl_run_asm(fn, a, b);
}

uint64_t tl_run(enum tl_mode mode, tl_fn fn, uint64_t arg)
{
	return tl_run2(mode, (tl_fn2)(uintptr_t)fn, arg, 0);
}

/* One instruction followed by c.jr ra, run as a function. */
static uint16_t insn_buf[4] __attribute__((aligned(8)));

uint64_t tl_exec_insn(enum tl_mode mode, uint32_t insn, uint64_t a0, uint64_t a1)
{
	unsigned n = 0;
	insn_buf[n++] = (uint16_t)insn;
	if ((insn & 3) == 3)
		insn_buf[n++] = (uint16_t)(insn >> 16);
	insn_buf[n] = 0x8082; /* c.jr ra */
	__asm__ volatile("fence.i" ::: "memory");
	if (mode != TL_M)
		return tl_run2(mode, (tl_fn2)(uintptr_t)insn_buf, a0, a1);
	register uint64_t r0 __asm__("a0") = a0;
	register uint64_t r1 __asm__("a1") = a1;
	register uint64_t r7 __asm__("a7") = 0;
	__asm__ volatile("jalr ra, 0(%3)"
			 : "+r"(r0)
			 : "r"(r1), "r"(r7), "r"((uint64_t)(uintptr_t)insn_buf)
			 : "ra", "memory");
	return r0;
}

uint64_t tl_insn_addr(void)
{
	return (uint64_t)(uintptr_t)insn_buf;
}

/* ---- page tables ---- */

#define POOL_PAGES 192
static uint64_t pool[POOL_PAGES][512] __attribute__((aligned(16384)));
static unsigned pool_used;

void tl_pt_reset(void)
{
	pool_used = 0;
}

/* pages consecutive zeroed pages aligned to their size (1 or 4). */
static uint64_t pool_alloc(unsigned pages)
{
	pool_used = (pool_used + pages - 1) / pages * pages;
	if (pool_used + pages > POOL_PAGES) {
		put_str("FAIL ");
		put_str(test_name);
		put_str(": page-table pool exhausted\n");
		checks_failed++;
		pool_used = 0;
	}
	uint64_t *p = pool[pool_used];
	for (unsigned i = 0; i < pages * 512; i++)
		p[i] = 0;
	pool_used += pages;
	return (uint64_t)(uintptr_t)p;
}

uint64_t tl_page(void)
{
	return pool_alloc(1);
}

void tl_pt_init(struct tl_pt *pt, unsigned levels, bool gstage)
{
	pt->levels = levels;
	pt->gstage = gstage;
	pt->root = pool_alloc(gstage ? 4 : 1);
}

static unsigned pt_index(const struct tl_pt *pt, uint64_t va, unsigned level)
{
	unsigned bits = (pt->gstage && level == pt->levels - 1) ? 11 : 9;
	return (unsigned)((va >> (12 + 9 * level)) & ((UINT64_C(1) << bits) - 1));
}

static uint64_t pte_table(uint64_t pte)
{
	return ((pte >> 10) & ((UINT64_C(1) << 44) - 1)) << 12;
}

static bool pte_is_table(uint64_t pte)
{
	return (pte & PTE_V) && !(pte & PTE_RWX);
}

uint64_t *tl_pt_slot(const struct tl_pt *pt, uint64_t va, unsigned level)
{
	uint64_t table = pt->root;
	for (unsigned l = pt->levels - 1; l > level; l--) {
		uint64_t pte = ((uint64_t *)(uintptr_t)table)[pt_index(pt, va, l)];
		if (!pte_is_table(pte))
			return NULL;
		table = pte_table(pte);
	}
	return (uint64_t *)(uintptr_t)table + pt_index(pt, va, level);
}

uint64_t *tl_pt_map(const struct tl_pt *pt, uint64_t va, uint64_t pa, unsigned level,
		    uint64_t flags)
{
	uint64_t table = pt->root;
	for (unsigned l = pt->levels - 1; l > level; l--) {
		uint64_t *pte = (uint64_t *)(uintptr_t)table + pt_index(pt, va, l);
		if (!pte_is_table(*pte)) /* absent, or a leaf that a smaller page now splits */
			*pte = (pool_alloc(1) >> 12) << 10 | PTE_V;
		table = pte_table(*pte);
	}
	uint64_t *leaf = (uint64_t *)(uintptr_t)table + pt_index(pt, va, level);
	*leaf = (pa >> 12) << 10 | flags | PTE_V;
	return leaf;
}

uint64_t tl_pt_atp(const struct tl_pt *pt)
{
	return (pt->levels == 4 ? ATP_SV48 : ATP_SV39) << 60 | pt->root >> 12;
}

void tl_pt_ident(const struct tl_pt *pt, uint64_t leaf_flags)
{
	tl_pt_map(pt, 0, 0, 2, leaf_flags);
	tl_pt_map(pt, TL_RAM_BASE, TL_RAM_BASE, 2, leaf_flags);
}

/* ---- the runner ---- */

static void set_pmp_open(void)
{
	csr_write(pmpaddr0, ~UINT64_C(0));
	csr_write(pmpcfg0, 0x1f); /* NAPOT over everything, RWX */
}

void tl_reset(void)
{
	tl_disarm();
	csr_clear(mstatus, MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP |
			       MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW |
			       MSTATUS_TSR | MSTATUS_GVA | MSTATUS_MPV | MSTATUS_FS);
	csr_write(mie, 0);
	csr_write(mip, 0);
	csr_write(medeleg, 0);
	csr_write(mideleg, 0);
	csr_write(mcounteren, 0);
	csr_write(scounteren, 0);
	csr_write(menvcfg, 0);
	csr_write(satp, 0);
	csr_write(hstatus, 0);
	csr_write(hedeleg, 0);
	csr_write(hideleg, 0);
	csr_write(hvip, 0);
	csr_write(hcounteren, 0);
	csr_write(henvcfg, 0);
	csr_write(htimedelta, 0);
	csr_write(hgatp, 0);
	csr_write(vsatp, 0);
	csr_write(vsstatus, 0);
	csr_write(stimecmp, ~UINT64_C(0));
	csr_write(vstimecmp, ~UINT64_C(0));
	*TL_CLINT_MTIMECMP = ~UINT64_C(0);
	*TL_CLINT_MSIP = 0;
	csr_write(mtvec, (uint64_t)(uintptr_t)tl_vec_m);
	csr_write(stvec, (uint64_t)(uintptr_t)tl_vec_hs);
	csr_write(vstvec, (uint64_t)(uintptr_t)tl_vec_vs);
	csr_write(mscratch, stack_top(m_stack));
	csr_write(sscratch, stack_top(hs_stack));
	csr_write(vsscratch, stack_top(vs_stack));
	__asm__ volatile("sfence.vma\n\thfence.gvma\n\thfence.vvma" ::: "memory");
	tl_pt_reset();
}

void tl_init(const char *suite)
{
	suite_name = suite;
	csr_write(mtvec, (uint64_t)(uintptr_t)tl_vec_m);
	csr_write(mscratch, stack_top(m_stack));
	set_pmp_open();
	tl_reset();
	put_str("suite ");
	put_str(suite);
	put_str(TL_QEMU ? " (QEMU oracle build)" : "");
	put_str(TL_HTINST_ZERO ? " (htinst zero build)" : "");
	put_str("\n");
}

void tl_test(const char *name, void (*fn)(void))
{
	uint64_t failed_before = checks_failed;
	test_name = name;
	tl_reset();
	if (tl_guard(fn)) {
		put_str("FAIL ");
		put_str(name);
		put_str(": aborted\n");
	}
	tl_reset();
	tl_where(NULL, 0);
	put_str(checks_failed == failed_before ? "ok   " : "FAIL ");
	put_str(name);
	put_str("\n");
	test_name = "";
}

int tl_finish(void)
{
	put_str(suite_name);
	put_str(": ");
	put_dec(checks_passed);
	put_str(" passed, ");
	put_dec(checks_failed);
	put_str(" failed");
	if (relaxed_count) {
		put_str(" (");
		put_dec(relaxed_count);
		put_str(" relaxed for QEMU)");
	}
	put_str("\n");
	return checks_failed ? 1 : 0;
}

uint64_t tl_do_ld(uint64_t va)
{
	return tl_ld(va);
}

uint64_t tl_do_sd(uint64_t va)
{
	tl_sd(va, 0x5d5d);
	return 0;
}

uint64_t tl_do_exec(uint64_t va)
{
	tl_exec(va);
	return 0;
}
