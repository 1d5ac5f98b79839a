/* SMCCC 1.1 and PSCI 1.1 as the hypervisor answers them, over HVC and trapped SMC alike
 * (Arm DEN 0028 and DEN 0022). W0 = function id, x1..x3 = arguments, x0 = result; SMC32 calls
 * (bit 30 clear) take 32-bit arguments. Calls of the Arm Architecture and Standard Secure
 * services are answered here, unknown ones with NOT_SUPPORTED; nothing goes to firmware. Any
 * other HVC is a hypercall for the VMM.
 */
#include "hv/hv_a64.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Function id: bit 31 fast call, bit 30 SMC64, bits 29:24 the owning service, bits 23:0 the
 * function (bits 23:16 are zero in every defined fast call). */
#define FID_FAST	(UINT32_C(1) << 31)
#define FID_64		(UINT32_C(1) << 30)
#define FID_OWNER_SHIFT 24
#define FID_OWNER_FIELD 0x3fu
#define FID_FUNC_FIELD	UINT32_C(0xffffff)
#define FID_SMCCC_VER	UINT32_C(0x80000000)

#define ESR_IMM16 UINT64_C(0xffff)

enum { OWNER_ARCH = 0, OWNER_STANDARD_SECURE = 4 };

enum {
	PSCI_SUCCESS = 0,
	PSCI_NOT_SUPPORTED = -1,
	PSCI_INVALID_PARAMETERS = -2,
	PSCI_ALREADY_ON = -4,
	PSCI_ON_PENDING = -5,
	PSCI_INVALID_ADDRESS = -9,
};

#define VERSION_1_1	  0x10001 /* major 1 in bits 30:16, minor 1 */
#define MIGRATE_TYPE_NONE 2	  /* no Trusted OS that needs migration */
#define RESET2_WARM	  0	  /* SYSTEM_WARM_RESET, the one architectural reset type */

/* MPIDR affinity: Aff3 [39:32], Aff2 [23:16], Aff1 [15:8], Aff0 [7:0] */
#define MPIDR_AFF UINT64_C(0xff00ffffff)

/* One call in progress and what its function decided. */
typedef struct call {
	hv_a64_vm *vm;
	hv_a64_vcpu *vcpu;
	hv_exit *exit;
	uint32_t fid;
	int64_t ret;  /* x0 */
	bool returns; /* false: x0 stays (the vCPU or the VM stops) */
} call;

typedef void call_fn(call *c);

typedef struct fn_row {
	call_fn *fn;
	bool has64;	  /* an SMC64 form exists */
	const char *note; /* for the functions that need no sentence of their own */
} fn_row;

/* Argument n: x[n], its low 32 bits in an SMC32 call. */
static uint64_t arg(const call *c, unsigned n)
{
	uint64_t v = c->vcpu->tf.x[n];

	return c->fid & FID_64 ? v : (uint32_t)v;
}

static void fail(call *c, int64_t ret, const char *note)
{
	c->ret = ret;
	c->exit->note = note;
}

static bool answered_by(uint32_t fid, unsigned owner);

/* ---- PSCI ---- */

static hv_a64_vcpu *vcpu_by_mpidr(hv_a64_vm *vm, uint64_t mpidr)
{
	if (mpidr & ~MPIDR_AFF)
		return NULL;
	for (unsigned i = 0; i < vm->nvcpus; i++)
		if ((vm->vcpu[i].mpidr & MPIDR_AFF) == mpidr)
			return &vm->vcpu[i];
	return NULL;
}

static bool guest_code(const hv_a64_vm *vm, uint64_t gpa)
{
	const hv_area *a = hv_aspace_find(&vm->aspace, gpa);

	return !(gpa & 3) && a && (a->flags & HV_MAP_EXECUTE);
}

static void psci_version(call *c)
{
	c->ret = VERSION_1_1;
}

/* Every power state is treated as standby, which PSCI allows and KVM does: the vCPU waits for
 * an interrupt, then the call returns SUCCESS. */
static void psci_cpu_suspend(call *c)
{
	c->ret = PSCI_SUCCESS;
	c->exit->kind = HV_EXIT_HALT;
}

static void psci_cpu_off(call *c)
{
	c->vcpu->state = HV_A64_OFF;
	c->returns = false;
	c->exit->kind = HV_EXIT_CPU_DOWN;
	c->exit->cpu_down.state = 0;
}

static void psci_cpu_on(call *c)
{
	hv_a64_vcpu *target = vcpu_by_mpidr(c->vm, arg(c, 1));
	uint64_t entry = arg(c, 2);
	hv_exit *exit = c->exit;

	if (!target) {
		fail(c, PSCI_INVALID_PARAMETERS,
		     "CPU_ON: no vCPU has that MPIDR: INVALID_PARAMETERS");
	} else if (target->state == HV_A64_ON) {
		fail(c, PSCI_ALREADY_ON, "CPU_ON: the target is running: ALREADY_ON");
	} else if (target->state == HV_A64_ON_PENDING) {
		fail(c, PSCI_ON_PENDING, "CPU_ON: the target is already being started: ON_PENDING");
	} else if (!guest_code(c->vm, entry)) {
		fail(c, PSCI_INVALID_ADDRESS,
		     "CPU_ON: the entry point is no aligned executable guest RAM: INVALID_ADDRESS");
	} else {
		target->state = HV_A64_ON_PENDING;
		c->ret = PSCI_SUCCESS;
		exit->kind = HV_EXIT_CPU_UP;
		exit->cpu_up.target = target->id;
		exit->cpu_up.entry = entry;
		exit->cpu_up.arg = arg(c, 3);
		exit->note = "CPU_ON: the target is ON_PENDING until the VMM starts it "
			     "(hv_a64_vcpu_start with target = vCPU id, entry, arg = context id); "
			     "the caller gets SUCCESS";
	}
}

/* AFFINITY_INFO's lowest_affinity_level: the affinity fields compared. */
static const uint64_t affinity_masks[] = {
    UINT64_C(0xff00ffffff),
    UINT64_C(0xff00ffff00),
    UINT64_C(0xff00ff0000),
    UINT64_C(0xff00000000),
};

/* ON if any vCPU of the affinity instance is on, else ON_PENDING if any is being started,
 * else OFF. */
static void psci_affinity_info(call *c)
{
	uint64_t target = arg(c, 1), level = arg(c, 2), mask;
	bool found = false, on = false, pending = false;

	if (level >= COUNT(affinity_masks) || (target & ~MPIDR_AFF)) {
		fail(c, PSCI_INVALID_PARAMETERS,
		     "AFFINITY_INFO: no such affinity level or MPIDR: INVALID_PARAMETERS");
		return;
	}
	mask = affinity_masks[level];
	for (unsigned i = 0; i < c->vm->nvcpus; i++) {
		const hv_a64_vcpu *v = &c->vm->vcpu[i];

		if ((v->mpidr & mask) != (target & mask))
			continue;
		found = true;
		on |= v->state == HV_A64_ON;
		pending |= v->state == HV_A64_ON_PENDING;
	}
	if (!found)
		fail(c, PSCI_INVALID_PARAMETERS,
		     "AFFINITY_INFO: no vCPU has that affinity: INVALID_PARAMETERS");
	else
		c->ret = on ? HV_A64_ON : pending ? HV_A64_ON_PENDING : HV_A64_OFF;
}

static void psci_migrate_info_type(call *c)
{
	c->ret = MIGRATE_TYPE_NONE;
}

static void psci_system_off(call *c)
{
	c->returns = false;
	c->exit->kind = HV_EXIT_SYSTEM_DOWN;
}

static void psci_system_reset(call *c)
{
	c->returns = false;
	c->exit->kind = HV_EXIT_SYSTEM_RESET;
	c->exit->system_reset.warm = false;
}

static void psci_system_reset2(call *c)
{
	if ((uint32_t)arg(c, 1) != RESET2_WARM) {
		fail(
		    c, PSCI_INVALID_PARAMETERS,
		    "SYSTEM_RESET2: a reset type other than SYSTEM_WARM_RESET: INVALID_PARAMETERS");
		return;
	}
	c->returns = false;
	c->exit->kind = HV_EXIT_SYSTEM_RESET;
	c->exit->system_reset.warm = true;
}

/* SUCCESS for the PSCI functions answered here and for SMCCC_VERSION (how a guest learns that
 * SMCCC 1.1 is there); CPU_SUSPEND's flags are 0: the original power_state format, platform-
 * coordinated mode only. */
static void psci_features(call *c)
{
	uint32_t fid = (uint32_t)arg(c, 1);

	c->ret = fid == FID_SMCCC_VER || answered_by(fid, OWNER_STANDARD_SECURE)
		     ? PSCI_SUCCESS
		     : PSCI_NOT_SUPPORTED;
}

/* by PSCI function number (W0 - 0x84000000 / 0xC4000000) */
static const fn_row psci_fns[] = {
    [0x00] = {psci_version, false, "PSCI_VERSION: 1.1 (0x10001)"},
    [0x01] = {psci_cpu_suspend, true,
	      "CPU_SUSPEND: treated as standby whatever the power state, as PSCI allows and KVM "
	      "does: the vCPU waits for an interrupt, then the call returns SUCCESS"},
    [0x02] = {psci_cpu_off, false, "CPU_OFF: the vCPU stops until a CPU_ON names it"},
    [0x03] = {psci_cpu_on, true, NULL},
    [0x04] = {psci_affinity_info, true,
	      "AFFINITY_INFO: ON (0), OFF (1) or ON_PENDING (2) of the vCPUs of that affinity"},
    [0x06] = {psci_migrate_info_type, false,
	      "MIGRATE_INFO_TYPE: 2, no Trusted OS that needs migrating"},
    [0x08] = {psci_system_off, false, "SYSTEM_OFF: the VM powers off"},
    [0x09] = {psci_system_reset, false, "SYSTEM_RESET: the VMM resets the VM (cold)"},
    [0x0a] = {psci_features, false,
	      "PSCI_FEATURES: SUCCESS for the functions answered here and SMCCC_VERSION, else "
	      "NOT_SUPPORTED"},
    [0x12] = {psci_system_reset2, true, "SYSTEM_RESET2: the VMM resets the VM (warm)"},
};

/* ---- SMCCC Arm Architecture calls ---- */

static void smccc_version(call *c)
{
	c->ret = VERSION_1_1;
}

/* SUCCESS for the architecture calls answered here; the workarounds and SOC_ID are not. */
static void smccc_arch_features(call *c)
{
	c->ret = answered_by((uint32_t)arg(c, 1), OWNER_ARCH) ? PSCI_SUCCESS : PSCI_NOT_SUPPORTED;
}

static const fn_row arch_fns[] = {
    [0x0] = {smccc_version, false, "SMCCC_VERSION: 1.1 (0x10001)"},
    [0x1] = {smccc_arch_features, false,
	     "SMCCC_ARCH_FEATURES: SUCCESS for SMCCC_VERSION and SMCCC_ARCH_FEATURES, "
	     "NOT_SUPPORTED for the rest (no firmware workarounds are offered)"},
};

/* ---- the services ---- */

typedef struct service {
	unsigned owner;
	const fn_row *fns;
	size_t nfns;
	const char *unknown; /* the note for a function not answered here */
} service;

static const service services[] = {
    {OWNER_ARCH, arch_fns, COUNT(arch_fns),
     "an Arm Architecture call the hypervisor does not implement (a workaround, SOC_ID, an "
     "SMC64 form): NOT_SUPPORTED in x0"},
    {OWNER_STANDARD_SECURE, psci_fns, COUNT(psci_fns),
     "a Standard Secure Service call the hypervisor does not implement (optional PSCI, SDEI, "
     "TRNG, or a missing SMC64 form): NOT_SUPPORTED in x0"},
};

/* The service a fast call belongs to, when it is one answered here. */
static const service *find_service(uint32_t fid)
{
	unsigned owner = fid >> FID_OWNER_SHIFT & FID_OWNER_FIELD;

	if (!(fid & FID_FAST))
		return NULL;
	for (size_t i = 0; i < COUNT(services); i++)
		if (services[i].owner == owner)
			return &services[i];
	return NULL;
}

/* The function of svc answering fid in its convention (SMC32 / SMC64), or NULL. */
static const fn_row *find_fn(const service *svc, uint32_t fid)
{
	uint32_t func = fid & FID_FUNC_FIELD;
	const fn_row *row;

	if (!svc || func >= svc->nfns)
		return NULL;
	row = &svc->fns[func];
	if (!row->fn || ((fid & FID_64) && !row->has64))
		return NULL;
	return row;
}

static bool answered_by(uint32_t fid, unsigned owner)
{
	const service *svc = find_service(fid);

	return svc && svc->owner == owner && find_fn(svc, fid);
}

static void hypercall(hv_a64_vcpu *vcpu, hv_exit *exit)
{
	exit->kind = HV_EXIT_HYPERCALL;
	exit->hypercall.nr = vcpu->tf.x[0];
	for (unsigned i = 0; i < 6; i++)
		exit->hypercall.args[i] = vcpu->tf.x[i + 1];
	exit->note = "an HVC that is no SMCCC call answered here: a hypercall for the VMM (nr = "
		     "x0, args = x1..x6), which answers in x0 (hv_a64_set_return)";
}

void hv_a64_smccc_call(hv_a64_vm *vm, hv_a64_vcpu *vcpu, hv_exit *exit, bool via_smc)
{
	call c = {.vm = vm, .vcpu = vcpu, .exit = exit, .fid = (uint32_t)vcpu->tf.x[0]};
	const service *svc = find_service(c.fid);
	const fn_row *row = find_fn(svc, c.fid);

	c.returns = true;
	if (via_smc && (vcpu->esr_el2 & ESR_IMM16)) {
		fail(&c, PSCI_NOT_SUPPORTED,
		     "an SMC with a non-zero immediate is no SMCCC call: NOT_SUPPORTED in x0, as "
		     "KVM "
		     "answers");
	} else if (row) {
		exit->note = row->note;
		row->fn(&c);
	} else if (svc) {
		fail(&c, PSCI_NOT_SUPPORTED, svc->unknown);
	} else if (via_smc) {
		fail(&c, PSCI_NOT_SUPPORTED,
		     "an SMC the hypervisor does not answer: NOT_SUPPORTED in x0; a guest's SMC "
		     "never reaches the machine's firmware");
	} else {
		hypercall(vcpu, exit);
		return;
	}
	if (c.returns)
		vcpu->tf.x[0] = (uint64_t)c.ret;
	exit->has_call = true;
	exit->call.ext = c.fid;
	exit->call.fid = 0;
	exit->call.error = c.ret;
	exit->call.value = 0;
	exit->call.returns = c.returns;
}
