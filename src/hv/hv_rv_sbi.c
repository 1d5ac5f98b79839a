/* The SBI implementation guests call with ecall from VS-mode (SBI specification 2.0): BASE,
 * TIME, IPI, RFENCE, HSM, SRST, DBCN, the legacy v0.1 extensions, and a hypercall extension
 * the VMM answers. a7 = EID, a6 = FID, a0..a5 = arguments; a0 = error, a1 = value on return.
 */
#include "hv/hv_rv.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

enum { REG_A0 = 10, REG_A1 = 11, REG_A6 = 16, REG_A7 = 17 };

#define ECALL_LEN 4

enum {
	SBI_SUCCESS = 0,
	SBI_ERR_FAILED = -1,
	SBI_ERR_NOT_SUPPORTED = -2,
	SBI_ERR_INVALID_PARAM = -3,
	SBI_ERR_DENIED = -4,
	SBI_ERR_INVALID_ADDRESS = -5,
	SBI_ERR_ALREADY_AVAILABLE = -6,
	SBI_ERR_ALREADY_STARTED = -7,
	SBI_ERR_ALREADY_STOPPED = -8,
};

enum {
	SBI_LEGACY_SET_TIMER = 0x00,
	SBI_LEGACY_PUTCHAR = 0x01,
	SBI_LEGACY_GETCHAR = 0x02,
	SBI_LEGACY_CLEAR_IPI = 0x03,
	SBI_LEGACY_SEND_IPI = 0x04,
	SBI_LEGACY_FENCE_I = 0x05,
	SBI_LEGACY_SFENCE_VMA = 0x06,
	SBI_LEGACY_SFENCE_VMA_ASID = 0x07,
	SBI_LEGACY_SHUTDOWN = 0x08,
	SBI_EXT_BASE = 0x10,
	SBI_EXT_HYPERCALL = 0x485643, /* "HVC": trapscope's own, for the VMM */
	SBI_EXT_HSM = 0x48534D,
	SBI_EXT_IPI = 0x735049,
	SBI_EXT_DBCN = 0x4442434E,
	SBI_EXT_RFENCE = 0x52464E43,
	SBI_EXT_SRST = 0x53525354,
	SBI_EXT_TIME = 0x54494D45,
};

#define SBI_SPEC_VERSION UINT64_C(0x02000000) /* 2.0: major in bits 30:24 */
/* SBI implementation IDs come from the spec's registry; trapscope is not registered, so it
 * answers with a private value ("ts") far above the registered ones. */
#define SBI_IMPL_ID	 UINT64_C(0x7473)
#define SBI_IMPL_VERSION UINT64_C(0x00010000)

#define HART_MASK_ALL	  UINT64_MAX /* hart_mask_base = -1: every hart */
#define SUSPEND_RETENTIVE UINT32_C(0x00000000)
#define SUSPEND_NON_RET	  UINT32_C(0x80000000)
/* reset reasons 0 (none), 1 (system failure) and 0xF0000000.. (vendor) are defined */
#define RESET_REASON_RESERVED_LO UINT32_C(2)
#define RESET_REASON_RESERVED_HI UINT32_C(0xEFFFFFFF)
#define DBCN_CHUNK		 64

/* How a call's results reach the guest's registers. */
typedef enum sbi_regs {
	SBI_RET_PAIR, /* a0 = error, a1 = value */
	SBI_RET_A0,   /* legacy: a0 = result, a1 untouched */
	SBI_RET_NONE, /* the VMM answers (hypercall) */
} sbi_regs;

/* One call in progress: its arguments and what the function decided. */
typedef struct sbi_call {
	hv_rv_vm *vm;
	hv_rv_vcpu *vcpu;
	hv_exit *exit;
	int64_t error;
	uint64_t value;
	bool returns; /* false: registers and sepc stay (stop, reset, or a trap was delivered) */
} sbi_call;

typedef void sbi_fn(sbi_call *c);

typedef struct sbi_ext {
	uint64_t eid;
	sbi_fn *const *fns; /* by FID */
	size_t nfns;
	sbi_fn *any_fid; /* the legacy extensions and the hypercall ignore a6 */
	sbi_regs regs;
	const char *note; /* for the calls that need no sentence of their own */
} sbi_ext;

static uint64_t arg(const sbi_call *c, unsigned n)
{
	return c->vcpu->gpr[REG_A0 + n];
}

static void sbi_ok(sbi_call *c, uint64_t value)
{
	c->error = SBI_SUCCESS;
	c->value = value;
}

static void sbi_fail(sbi_call *c, int64_t error, const char *note)
{
	c->error = error;
	c->value = 0;
	c->exit->note = note;
}

static const hv_hal *hal(const sbi_call *c)
{
	return c->vm->hal;
}

/* The vCPUs hart_mask names from base (every one for base -1) as a bitmap of vCPU ids;
 * false when one of them is no vCPU of the VM. */
static bool hart_targets(const hv_rv_vm *vm, uint64_t mask, uint64_t base, uint64_t *targets)
{
	uint64_t all = (UINT64_C(1) << vm->nvcpus) - 1;

	if (base == HART_MASK_ALL) {
		*targets = all;
		return true;
	}
	if (mask && (base >= vm->nvcpus || mask >> (vm->nvcpus - base)))
		return false;
	*targets = mask << base;
	return true;
}

static void flush_guest_tlbs(const sbi_call *c, uint64_t targets)
{
	for (unsigned i = 0; i < c->vm->nvcpus; i++)
		if (targets >> i & 1)
			hal(c)->guest_tlb_flush(hal(c)->ctx, i);
}

/* The exit for an IPI to targets (a bitmap of vCPUs), named as target + mask by the guest. */
static void send_ipi_exit(sbi_call *c, uint64_t target, uint64_t mask, bool to_all,
			  uint64_t targets)
{
	hv_exit *exit = c->exit;

	if (!targets) {
		exit->note = "an empty hart mask: there is nobody to interrupt";
		return;
	}
	exit->kind = HV_EXIT_SEND_IPI;
	exit->send_ipi.target = target;
	exit->send_ipi.mask = mask;
	exit->send_ipi.to_all = to_all;
	exit->send_ipi.to_self = targets >> c->vcpu->id & 1;
	exit->send_ipi.vector = HV_RV_VSSIP;
}

/* Guest RAM areas cover [gpa, gpa + len) and allow need (HV_MAP_*). */
static bool guest_ram(const hv_aspace *as, uint64_t gpa, uint64_t len, uint32_t need)
{
	uint64_t end = gpa + len;

	if (end < gpa)
		return false;
	while (gpa < end) {
		const hv_area *a = hv_aspace_find(as, gpa);

		if (!a || (a->flags & need) != need)
			return false;
		gpa = a->start + a->size;
	}
	return true;
}

static bool guest_code(const sbi_call *c, uint64_t gpa)
{
	return guest_ram(&c->vm->aspace, gpa, 1, HV_MAP_EXECUTE);
}

/* ---- BASE ---- */

static const sbi_ext *find_ext(uint64_t eid);

static void base_spec_version(sbi_call *c)
{
	sbi_ok(c, SBI_SPEC_VERSION);
}

static void base_impl_id(sbi_call *c)
{
	sbi_ok(c, SBI_IMPL_ID);
}

static void base_impl_version(sbi_call *c)
{
	sbi_ok(c, SBI_IMPL_VERSION);
}

static void base_probe(sbi_call *c)
{
	sbi_ok(c, find_ext(arg(c, 0)) != NULL);
}

static void base_mvendorid(sbi_call *c)
{
	sbi_ok(c, hal(c)->mvendorid);
}

static void base_marchid(sbi_call *c)
{
	sbi_ok(c, hal(c)->marchid);
}

static void base_mimpid(sbi_call *c)
{
	sbi_ok(c, hal(c)->mimpid);
}

static sbi_fn *const base_fns[] = {
    base_spec_version, base_impl_id, base_impl_version, base_probe,
    base_mvendorid,    base_marchid, base_mimpid,
};

/* ---- TIME ---- */

/* Guest time = host time + htimedelta; a deadline of -1 (no timer) stays -1. */
static void set_guest_timer(sbi_call *c, uint64_t guest_deadline)
{
	uint64_t host = guest_deadline;

	if (guest_deadline != UINT64_MAX)
		host -= c->vcpu->htimedelta;
	hal(c)->set_virq(hal(c)->ctx, c->vcpu->id, HV_RV_VSTIP, false);
	hal(c)->set_timer(hal(c)->ctx, c->vcpu->id, host);
}

static void time_set_timer(sbi_call *c)
{
	set_guest_timer(c, arg(c, 0));
	sbi_ok(c, 0);
}

static sbi_fn *const time_fns[] = {time_set_timer};

/* ---- IPI ---- */

static void ipi_send(sbi_call *c)
{
	uint64_t mask = arg(c, 0), base = arg(c, 1), targets;
	bool to_all = base == HART_MASK_ALL;

	if (!hart_targets(c->vm, mask, base, &targets)) {
		sbi_fail(c, SBI_ERR_INVALID_PARAM,
			 "a hart in the mask is no vCPU of this VM: SBI_ERR_INVALID_PARAM");
		return;
	}
	sbi_ok(c, 0);
	send_ipi_exit(c, to_all ? 0 : base, to_all ? targets : mask, to_all, targets);
}

static sbi_fn *const ipi_fns[] = {ipi_send};

/* ---- RFENCE ---- */

/* FENCE.I and the VS-stage fences: the targets drop their cached guest translations. */
static void rfence_flush(sbi_call *c)
{
	uint64_t targets;

	if (!hart_targets(c->vm, arg(c, 0), arg(c, 1), &targets)) {
		sbi_fail(c, SBI_ERR_INVALID_PARAM,
			 "a hart in the mask is no vCPU of this VM: SBI_ERR_INVALID_PARAM");
		return;
	}
	flush_guest_tlbs(c, targets);
	sbi_ok(c, 0);
}

static void rfence_gvma(sbi_call *c)
{
	sbi_fail(c, SBI_ERR_NOT_SUPPORTED,
		 "HFENCE.GVMA is for a nested hypervisor, which this VM cannot run: "
		 "SBI_ERR_NOT_SUPPORTED, as KVM answers");
}

static sbi_fn *const rfence_fns[] = {
    rfence_flush, /* 0 remote_fence_i */
    rfence_flush, /* 1 remote_sfence_vma */
    rfence_flush, /* 2 remote_sfence_vma_asid */
    rfence_gvma,  /* 3 remote_hfence_gvma_vmid */
    rfence_gvma,  /* 4 remote_hfence_gvma */
    rfence_flush, /* 5 remote_hfence_vvma_asid */
    rfence_flush, /* 6 remote_hfence_vvma */
};

/* ---- HSM ---- */

static hv_rv_vcpu *hart(const sbi_call *c, uint64_t hartid)
{
	return hartid < c->vm->nvcpus ? &c->vm->vcpu[hartid] : NULL;
}

static void hsm_start(sbi_call *c)
{
	hv_rv_vcpu *target = hart(c, arg(c, 0));
	hv_exit *exit = c->exit;

	if (!target) {
		sbi_fail(c, SBI_ERR_INVALID_PARAM,
			 "no vCPU has that hart id: SBI_ERR_INVALID_PARAM");
	} else if (target->state != HV_RV_STOPPED) {
		sbi_fail(c, SBI_ERR_ALREADY_AVAILABLE,
			 "the hart is not stopped: SBI_ERR_ALREADY_AVAILABLE");
	} else if (!guest_code(c, arg(c, 1))) {
		sbi_fail(c, SBI_ERR_INVALID_ADDRESS,
			 "start_addr is not executable guest RAM: SBI_ERR_INVALID_ADDRESS");
	} else {
		target->state = HV_RV_START_PENDING;
		sbi_ok(c, 0);
		exit->kind = HV_EXIT_CPU_UP;
		exit->cpu_up.target = target->id;
		exit->cpu_up.entry = arg(c, 1);
		exit->cpu_up.arg = arg(c, 2);
		exit->note = "HART_START: the VMM starts the vCPU (hv_rv_vcpu_start); the caller "
			     "gets a0 = 0";
	}
}

static void hsm_stop(sbi_call *c)
{
	c->vcpu->state = HV_RV_STOPPED;
	c->returns = false;
	c->exit->kind = HV_EXIT_CPU_DOWN;
	c->exit->note = "HART_STOP: the vCPU stops and does not return until a HART_START";
}

static void hsm_status(sbi_call *c)
{
	const hv_rv_vcpu *target = hart(c, arg(c, 0));

	if (!target) {
		sbi_fail(c, SBI_ERR_INVALID_PARAM,
			 "no vCPU has that hart id: SBI_ERR_INVALID_PARAM");
		return;
	}
	sbi_ok(c, target->state);
	c->exit->note = "HART_GET_STATUS: a1 = the vCPU's HSM state";
}

static void hsm_suspend(sbi_call *c)
{
	uint32_t type = (uint32_t)arg(c, 0);
	hv_rv_vcpu *v = c->vcpu;

	if (type == SUSPEND_RETENTIVE) {
		sbi_ok(c, 0);
		v->state = HV_RV_SUSPENDED;
		v->suspend_non_retentive = false;
		c->exit->kind = HV_EXIT_HALT;
		c->exit->note = "retentive HART_SUSPEND: the vCPU waits for an interrupt, then "
				"returns from the call";
	} else if (type != SUSPEND_NON_RET) {
		sbi_fail(c, SBI_ERR_INVALID_PARAM,
			 "a reserved or platform-specific suspend type: SBI_ERR_INVALID_PARAM");
	} else if (!guest_code(c, arg(c, 1))) {
		sbi_fail(c, SBI_ERR_INVALID_ADDRESS,
			 "resume_addr is not executable guest RAM: SBI_ERR_INVALID_ADDRESS");
	} else {
		v->state = HV_RV_SUSPENDED;
		v->suspend_non_retentive = true;
		v->suspend_resume_addr = arg(c, 1);
		v->suspend_opaque = arg(c, 2);
		c->returns = false;
		c->exit->kind = HV_EXIT_HALT;
		c->exit->note = "non-retentive HART_SUSPEND: the vCPU waits for an interrupt, then "
				"resumes at resume_addr (hv_rv_vcpu_wake)";
	}
}

static sbi_fn *const hsm_fns[] = {hsm_start, hsm_stop, hsm_status, hsm_suspend};

/* ---- SRST ---- */

/* SRST reset types 0, 1, 2; the others are reserved or vendor-specific. */
static const struct {
	hv_exit_kind kind;
	bool warm;
	const char *note;
} reset_types[] = {
    {HV_EXIT_SYSTEM_DOWN, false, "SRST shutdown: the VM powers off"},
    {HV_EXIT_SYSTEM_RESET, false, "SRST cold reboot: the VMM resets the VM"},
    {HV_EXIT_SYSTEM_RESET, true, "SRST warm reboot: the VMM resets the VM"},
};

static void srst_reset(sbi_call *c)
{
	uint32_t type = (uint32_t)arg(c, 0), reason = (uint32_t)arg(c, 1);

	if (type >= COUNT(reset_types) ||
	    (reason >= RESET_REASON_RESERVED_LO && reason <= RESET_REASON_RESERVED_HI)) {
		sbi_fail(c, SBI_ERR_INVALID_PARAM,
			 "a reserved or vendor reset type or reason: SBI_ERR_INVALID_PARAM");
		return;
	}
	c->returns = false;
	c->exit->kind = reset_types[type].kind;
	c->exit->note = reset_types[type].note;
	if (reset_types[type].kind == HV_EXIT_SYSTEM_RESET)
		c->exit->system_reset.warm = reset_types[type].warm;
}

static sbi_fn *const srst_fns[] = {srst_reset};

/* ---- DBCN ---- */

/* The guest buffer of a DBCN read/write when it is guest RAM allowing need. On RV64 the
 * address is a1 alone and a2 (its upper half) must be 0; riscv_vcpu builds (a2 << 32) | a1. */
static bool dbcn_buffer(sbi_call *c, uint32_t need)
{
	if (arg(c, 2) == 0 && guest_ram(&c->vm->aspace, arg(c, 1), arg(c, 0), need))
		return true;
	sbi_fail(c, SBI_ERR_INVALID_PARAM,
		 "the buffer is not guest RAM the call may use (on RV64, base_addr_hi must be 0): "
		 "SBI_ERR_INVALID_PARAM");
	return false;
}

static void dbcn_write(sbi_call *c)
{
	uint64_t len = arg(c, 0), gpa = arg(c, 1), done = 0;
	uint8_t buf[DBCN_CHUNK];

	if (!dbcn_buffer(c, HV_MAP_READ))
		return;
	while (done < len) {
		size_t chunk = len - done < DBCN_CHUNK ? (size_t)(len - done) : DBCN_CHUNK;
		size_t taken;

		if (hv_aspace_read(&c->vm->aspace, gpa + done, buf, chunk) != chunk) {
			sbi_fail(c, SBI_ERR_FAILED,
				 "guest RAM could not be read (out of frames): SBI_ERR_FAILED");
			return;
		}
		taken = hal(c)->console_write(hal(c)->ctx, buf, chunk);
		done += taken;
		if (taken < chunk)
			break; /* the console is full: a short count, as the spec allows */
	}
	sbi_ok(c, done);
}

static void dbcn_read(sbi_call *c)
{
	uint64_t len = arg(c, 0), gpa = arg(c, 1), done = 0;
	uint8_t buf[DBCN_CHUNK];

	if (!dbcn_buffer(c, HV_MAP_WRITE))
		return;
	while (done < len) {
		size_t chunk = len - done < DBCN_CHUNK ? (size_t)(len - done) : DBCN_CHUNK;
		size_t got = hal(c)->console_read(hal(c)->ctx, buf, chunk);

		if (hv_aspace_write(&c->vm->aspace, gpa + done, buf, got) != got) {
			sbi_fail(c, SBI_ERR_FAILED,
				 "guest RAM could not be written (out of frames): SBI_ERR_FAILED");
			return;
		}
		done += got;
		if (got < chunk)
			break; /* no more input waiting */
	}
	sbi_ok(c, done);
}

static void dbcn_write_byte(sbi_call *c)
{
	uint8_t byte = (uint8_t)arg(c, 0);

	hal(c)->console_write(hal(c)->ctx, &byte, 1);
	sbi_ok(c, 0);
}

static sbi_fn *const dbcn_fns[] = {dbcn_write, dbcn_read, dbcn_write_byte};

/* ---- legacy v0.1 ---- */

static void legacy_set_timer(sbi_call *c)
{
	set_guest_timer(c, arg(c, 0));
	sbi_ok(c, 0);
}

static void legacy_putchar(sbi_call *c)
{
	uint8_t byte = (uint8_t)arg(c, 0);

	hal(c)->console_write(hal(c)->ctx, &byte, 1);
	sbi_ok(c, 0);
}

static void legacy_getchar(sbi_call *c)
{
	uint8_t byte;

	sbi_ok(c, 0);
	c->error = hal(c)->console_read(hal(c)->ctx, &byte, 1) ? byte : -1;
}

static void legacy_clear_ipi(sbi_call *c)
{
	hal(c)->set_virq(hal(c)->ctx, c->vcpu->id, HV_RV_VSSIP, false);
	sbi_ok(c, 0);
}

/* The vCPUs named by the legacy hart-mask pointer in a0 (a guest virtual address; 0 = every
 * hart), as a bitmap in *targets with the mask read in *mask. false when the call cannot go
 * on: the read faulted (the fault is routed and the guest retries the ecall) or a hart is
 * no vCPU (a0 = SBI_ERR_INVALID_PARAM). */
static bool legacy_targets(sbi_call *c, uint64_t *targets, uint64_t *mask)
{
	uint64_t ptr = arg(c, 0);
	hv_fault f;

	if (!ptr) {
		hart_targets(c->vm, 0, HART_MASK_ALL, targets);
		*mask = *targets;
		return true;
	}
	if (!hal(c)->guest_read(hal(c)->ctx, c->vcpu->id, ptr, 8, false, mask, &f)) {
		c->returns = false;
		hv_rv_guest_access_fault(c->vcpu, c->exit, &f);
		return false;
	}
	if (!hart_targets(c->vm, *mask, 0, targets)) {
		sbi_fail(c, SBI_ERR_INVALID_PARAM,
			 "a hart in the mask is no vCPU of this VM: SBI_ERR_INVALID_PARAM in a0");
		return false;
	}
	return true;
}

static void legacy_send_ipi(sbi_call *c)
{
	uint64_t targets, mask;

	if (!legacy_targets(c, &targets, &mask))
		return;
	sbi_ok(c, 0);
	send_ipi_exit(c, 0, mask, arg(c, 0) == 0, targets);
}

static void legacy_fence(sbi_call *c)
{
	uint64_t targets, mask;

	if (!legacy_targets(c, &targets, &mask))
		return;
	flush_guest_tlbs(c, targets);
	sbi_ok(c, 0);
}

static void legacy_shutdown(sbi_call *c)
{
	c->returns = false;
	c->exit->kind = HV_EXIT_SYSTEM_DOWN;
}

/* ---- the hypercall extension ---- */

static void hypercall(sbi_call *c)
{
	c->exit->kind = HV_EXIT_HYPERCALL;
	c->exit->hypercall.nr = c->vcpu->gpr[REG_A6];
	for (unsigned i = 0; i < 6; i++)
		c->exit->hypercall.args[i] = arg(c, i);
	sbi_ok(c, 0);
}

/* an extension whose functions are picked by FID */
#define BY_FID(fns) fns, COUNT(fns), NULL

static const sbi_ext extensions[] = {
    {SBI_EXT_BASE, BY_FID(base_fns), SBI_RET_PAIR,
     "SBI BASE: answered from the hypervisor's constants and the machine ids of the HAL"},
    {SBI_EXT_TIME, BY_FID(time_fns), SBI_RET_PAIR,
     "SBI set_timer: VSTIP cleared, the host timer armed at the deadline minus htimedelta"},
    {SBI_EXT_IPI, BY_FID(ipi_fns), SBI_RET_PAIR,
     "SBI send_ipi: the VMM raises VSSIP on the target vCPUs"},
    {SBI_EXT_RFENCE, BY_FID(rfence_fns), SBI_RET_PAIR,
     "SBI RFENCE: the target vCPUs drop their cached guest translations"},
    {SBI_EXT_HSM, BY_FID(hsm_fns), SBI_RET_PAIR, NULL},
    {SBI_EXT_SRST, BY_FID(srst_fns), SBI_RET_PAIR, NULL},
    {SBI_EXT_DBCN, BY_FID(dbcn_fns), SBI_RET_PAIR,
     "SBI debug console: bytes copied between guest RAM and the console"},
    {SBI_LEGACY_SET_TIMER, NULL, 0, legacy_set_timer, SBI_RET_A0,
     "legacy SBI set_timer: VSTIP cleared, the host timer armed at the deadline minus "
     "htimedelta"},
    {SBI_LEGACY_PUTCHAR, NULL, 0, legacy_putchar, SBI_RET_A0,
     "legacy SBI console_putchar: one byte to the console"},
    {SBI_LEGACY_GETCHAR, NULL, 0, legacy_getchar, SBI_RET_A0,
     "legacy SBI console_getchar: a0 = the byte, or -1 when none is waiting"},
    {SBI_LEGACY_CLEAR_IPI, NULL, 0, legacy_clear_ipi, SBI_RET_A0,
     "legacy SBI clear_ipi: VSSIP cleared"},
    {SBI_LEGACY_SEND_IPI, NULL, 0, legacy_send_ipi, SBI_RET_A0,
     "legacy SBI send_ipi: the hart mask read from guest memory, the VMM raises VSSIP on the "
     "targets"},
    {SBI_LEGACY_FENCE_I, NULL, 0, legacy_fence, SBI_RET_A0,
     "legacy SBI remote_fence_i: the target vCPUs drop their cached guest translations"},
    {SBI_LEGACY_SFENCE_VMA, NULL, 0, legacy_fence, SBI_RET_A0,
     "legacy SBI remote_sfence_vma: the target vCPUs drop their cached guest translations"},
    {SBI_LEGACY_SFENCE_VMA_ASID, NULL, 0, legacy_fence, SBI_RET_A0,
     "legacy SBI remote_sfence_vma_asid: the target vCPUs drop their cached guest "
     "translations"},
    {SBI_LEGACY_SHUTDOWN, NULL, 0, legacy_shutdown, SBI_RET_A0,
     "legacy SBI shutdown: the VM powers off"},
    {SBI_EXT_HYPERCALL, NULL, 0, hypercall, SBI_RET_NONE,
     "hypercall: nr = a6, args = a0..a5; the VMM answers in a0 (hv_rv_set_return)"},
};

static const sbi_ext *find_ext(uint64_t eid)
{
	for (size_t i = 0; i < COUNT(extensions); i++)
		if (extensions[i].eid == eid)
			return &extensions[i];
	return NULL;
}

/* The function of ext that answers fid, or NULL. */
static sbi_fn *find_fn(const sbi_ext *ext, uint64_t fid)
{
	if (ext->any_fid)
		return ext->any_fid;
	return fid < ext->nfns ? ext->fns[fid] : NULL;
}

/* Hands the results to the guest as the extension does and steps over the ecall. */
static void sbi_return(const sbi_call *c, sbi_regs regs)
{
	if (!c->returns)
		return;
	if (regs != SBI_RET_NONE)
		c->vcpu->gpr[REG_A0] = (uint64_t)c->error;
	if (regs == SBI_RET_PAIR)
		c->vcpu->gpr[REG_A1] = c->value;
	c->vcpu->sepc += ECALL_LEN;
	c->exit->pc_advanced = true;
}

void hv_rv_sbi_call(hv_rv_vm *vm, hv_rv_vcpu *vcpu, hv_exit *exit)
{
	uint64_t eid = vcpu->gpr[REG_A7], fid = vcpu->gpr[REG_A6];
	sbi_call c = {.vm = vm, .vcpu = vcpu, .exit = exit, .returns = true};
	const sbi_ext *ext = find_ext(eid);
	sbi_fn *fn = ext ? find_fn(ext, fid) : NULL;

	if (fn) {
		exit->note = ext->note;
		fn(&c);
	} else {
		sbi_fail(&c, SBI_ERR_NOT_SUPPORTED,
			 ext ? "an unknown function of a known SBI extension: SBI_ERR_NOT_SUPPORTED"
			     : "an unknown SBI extension: SBI_ERR_NOT_SUPPORTED");
	}
	sbi_return(&c, ext ? ext->regs : SBI_RET_PAIR);
	exit->has_call = true;
	exit->call.ext = eid;
	exit->call.fid = fid;
	exit->call.error = c.error;
	exit->call.value = c.value;
	exit->call.returns = c.returns;
}
