/* SMC Calling Convention function IDs (Arm DEN0028) and the PSCI functions (Arm DEN0022),
 * with what KVM and arm_vcpu do when a guest calls them. */
#include "a64.h"

#define A64_PSCI_BASE32 0x84000000u
#define A64_PSCI_BASE64 0xC4000000u
#define A64_PSCI_LAST	0x1Fu

typedef struct dec_a64_smccc_fn {
	uint32_t id;
	const char *name;
	const char *kvm; /* what KVM does with the call; NULL when nothing specific */
} dec_a64_smccc_fn;

#define A64_KVM_NOT_SUPPORTED "KVM answers NOT_SUPPORTED (-1)."

static const dec_a64_smccc_fn dec_a64_smccc_fns[] = {
    /* Arm architecture calls (DEN0028) */
    {0x80000000, "SMCCC_VERSION", "KVM returns the SMCCC version it implements (1.1 or later)."},
    {0x80000001, "SMCCC_ARCH_FEATURES",
     "x1 = the function ID asked about; KVM answers 0 for the workarounds it offers and "
     "NOT_SUPPORTED (-1) for others."},
    {0x80000002, "SMCCC_ARCH_SOC_ID", "x1 = 0 asks for the SoC version, 1 for the revision."},
    {0x80008000, "SMCCC_ARCH_WORKAROUND_1",
     "Spectre-v2 branch predictor hardening (CVE-2017-5715); KVM handles it in the hyp fast "
     "path."},
    {0x80007FFF, "SMCCC_ARCH_WORKAROUND_2",
     "Spectre-v4 speculative store bypass control (CVE-2018-3639)."},
    {0x80003FFF, "SMCCC_ARCH_WORKAROUND_3",
     "Spectre-BHB branch history mitigation (CVE-2022-23960)."},

    /* PSCI 1.3 (DEN0022): both calling conventions where the function has both */
    {0x84000000, "PSCI_VERSION",
     "KVM returns the PSCI version it emulates (1.x) in x0. Through HVC, arm_vcpu leaves "
     "x0 at 0x84000000 (no answer), which stops guests such as RT-Thread."},
    {0x84000001, "PSCI CPU_SUSPEND (SMC32)",
     "x1 = power state, x2 = resume entry, x3 = context ID. KVM treats it as WFI "
     "(kvm_vcpu_wfi) and returns SUCCESS: the vCPU continues after the call."},
    {0xC4000001, "PSCI CPU_SUSPEND (SMC64)",
     "x1 = power state, x2 = resume entry, x3 = context ID. KVM treats it as WFI "
     "(kvm_vcpu_wfi) and returns SUCCESS: the vCPU continues after the call."},
    {0x84000002, "PSCI CPU_OFF",
     "KVM powers the calling vCPU off; it sleeps until another vCPU calls CPU_ON for it."},
    {0x84000003, "PSCI CPU_ON (SMC32)",
     "x1 = target MPIDR, x2 = entry point, x3 = context ID. KVM resets the target vCPU and "
     "starts it at the entry point with x0 = context ID (kvm_psci_vcpu_on); it answers "
     "ALREADY_ON, ON_PENDING or INVALID_PARAMETERS when it cannot."},
    {0xC4000003, "PSCI CPU_ON (SMC64)",
     "x1 = target MPIDR, x2 = entry point, x3 = context ID. KVM resets the target vCPU and "
     "starts it at the entry point with x0 = context ID (kvm_psci_vcpu_on); it answers "
     "ALREADY_ON, ON_PENDING or INVALID_PARAMETERS when it cannot."},
    {0x84000004, "PSCI AFFINITY_INFO (SMC32)",
     "x1 = MPIDR, x2 = affinity level; KVM answers ON (0) or OFF (1) for the matching vCPUs."},
    {0xC4000004, "PSCI AFFINITY_INFO (SMC64)",
     "x1 = MPIDR, x2 = affinity level; KVM answers ON (0) or OFF (1) for the matching vCPUs."},
    {0x84000005, "PSCI MIGRATE (SMC32)", A64_KVM_NOT_SUPPORTED},
    {0xC4000005, "PSCI MIGRATE (SMC64)", A64_KVM_NOT_SUPPORTED},
    {0x84000006, "PSCI MIGRATE_INFO_TYPE",
     "KVM answers 2: no Trusted OS that would need migrating."},
    {0x84000007, "PSCI MIGRATE_INFO_UP_CPU (SMC32)", A64_KVM_NOT_SUPPORTED},
    {0xC4000007, "PSCI MIGRATE_INFO_UP_CPU (SMC64)", A64_KVM_NOT_SUPPORTED},
    {0x84000008, "PSCI SYSTEM_OFF",
     "KVM exits to the VMM with KVM_EXIT_SYSTEM_EVENT, type KVM_SYSTEM_EVENT_SHUTDOWN."},
    {0x84000009, "PSCI SYSTEM_RESET",
     "KVM exits to the VMM with KVM_EXIT_SYSTEM_EVENT, type KVM_SYSTEM_EVENT_RESET."},
    {0x8400000A, "PSCI_FEATURES",
     "x1 = the function ID asked about; KVM answers SUCCESS (or feature flags) for the "
     "functions it implements, NOT_SUPPORTED otherwise."},
    {0x8400000B, "PSCI CPU_FREEZE", A64_KVM_NOT_SUPPORTED},
    {0x8400000C, "PSCI CPU_DEFAULT_SUSPEND (SMC32)", A64_KVM_NOT_SUPPORTED},
    {0xC400000C, "PSCI CPU_DEFAULT_SUSPEND (SMC64)", A64_KVM_NOT_SUPPORTED},
    {0x8400000D, "PSCI NODE_HW_STATE (SMC32)", A64_KVM_NOT_SUPPORTED},
    {0xC400000D, "PSCI NODE_HW_STATE (SMC64)", A64_KVM_NOT_SUPPORTED},
    {0x8400000E, "PSCI SYSTEM_SUSPEND (SMC32)",
     "KVM exits with KVM_EXIT_SYSTEM_EVENT, type KVM_SYSTEM_EVENT_SUSPEND, when the VMM "
     "enabled KVM_CAP_ARM_SYSTEM_SUSPEND; otherwise NOT_SUPPORTED."},
    {0xC400000E, "PSCI SYSTEM_SUSPEND (SMC64)",
     "KVM exits with KVM_EXIT_SYSTEM_EVENT, type KVM_SYSTEM_EVENT_SUSPEND, when the VMM "
     "enabled KVM_CAP_ARM_SYSTEM_SUSPEND; otherwise NOT_SUPPORTED."},
    {0x8400000F, "PSCI_SET_SUSPEND_MODE", A64_KVM_NOT_SUPPORTED},
    {0x84000010, "PSCI_STAT_RESIDENCY (SMC32)", A64_KVM_NOT_SUPPORTED},
    {0xC4000010, "PSCI_STAT_RESIDENCY (SMC64)", A64_KVM_NOT_SUPPORTED},
    {0x84000011, "PSCI_STAT_COUNT (SMC32)", A64_KVM_NOT_SUPPORTED},
    {0xC4000011, "PSCI_STAT_COUNT (SMC64)", A64_KVM_NOT_SUPPORTED},
    {0x84000012, "PSCI SYSTEM_RESET2 (SMC32)",
     "x1 = reset type, x2 = cookie; KVM exits with KVM_EXIT_SYSTEM_EVENT, type "
     "KVM_SYSTEM_EVENT_RESET, passing the reset type to the VMM."},
    {0xC4000012, "PSCI SYSTEM_RESET2 (SMC64)",
     "x1 = reset type, x2 = cookie; KVM exits with KVM_EXIT_SYSTEM_EVENT, type "
     "KVM_SYSTEM_EVENT_RESET, passing the reset type to the VMM."},
    {0x84000013, "PSCI MEM_PROTECT", A64_KVM_NOT_SUPPORTED},
    {0x84000014, "PSCI MEM_PROTECT_CHECK_RANGE (SMC32)", A64_KVM_NOT_SUPPORTED},
    {0xC4000014, "PSCI MEM_PROTECT_CHECK_RANGE (SMC64)", A64_KVM_NOT_SUPPORTED},
    {0x84000015, "PSCI SYSTEM_OFF2 (SMC32)",
     "x1 = off type (HIBERNATE_OFF); newer KVM exits with KVM_EXIT_SYSTEM_EVENT, type "
     "SHUTDOWN with the PSCI_OFF2 flag."},
    {0xC4000015, "PSCI SYSTEM_OFF2 (SMC64)",
     "x1 = off type (HIBERNATE_OFF); newer KVM exits with KVM_EXIT_SYSTEM_EVENT, type "
     "SHUTDOWN with the PSCI_OFF2 flag."},

    /* TRNG (DEN0098) */
    {0x84000050, "TRNG_VERSION", "KVM implements the TRNG interface itself (kvm_trng_call)."},
    {0x84000051, "TRNG_FEATURES", "KVM implements the TRNG interface itself (kvm_trng_call)."},
    {0x84000052, "TRNG_GET_UUID", "KVM implements the TRNG interface itself (kvm_trng_call)."},
    {0x84000053, "TRNG_RND (SMC32)",
     "x1 = number of random bits wanted; KVM fills x1-x3 from the host's entropy."},
    {0xC4000053, "TRNG_RND (SMC64)",
     "x1 = number of random bits wanted; KVM fills x1-x3 from the host's entropy."},

    /* Standard hypervisor services (DEN0057) */
    {0xC5000020, "PV_TIME_FEATURES", "KVM's stolen-time interface: is PV_TIME_ST offered?"},
    {0xC5000021, "PV_TIME_ST",
     "KVM returns the IPA of this vCPU's stolen-time structure (set up by the VMM)."},

    /* KVM's vendor hypervisor services (Linux include/linux/arm-smccc.h) */
    {0x86000000, "KVM_FEATURES", "KVM returns a bitmap of the KVM vendor services it offers."},
    {0x86000001, "KVM_PTP",
     "KVM returns a (host clock, guest counter) pair for the guest's ptp_kvm driver."},
    {0xC6000002, "KVM_HYP_MEMINFO", "pKVM: the hypervisor's memory-sharing granule."},
    {0xC6000003, "KVM_MEM_SHARE", "pKVM: the protected guest shares a page with the host."},
    {0xC6000004, "KVM_MEM_UNSHARE", "pKVM: the protected guest takes a shared page back."},
    {0x8600FF01, "VENDOR_HYP_CALL_UID", "KVM answers with its vendor UUID in x0-x3."},
};

/* Function-number ranges of the Standard Secure services (owning entity 4). */
static const struct {
	uint16_t first, last;
	const char *name;
} dec_a64_secure_ranges[] = {
    {0x0000, 0x001F, "PSCI function (Power State Coordination Interface)"},
    {0x0020, 0x003F, "SDEI function (Software Delegated Exception Interface)"},
    {0x0040, 0x004F, "MM function (Management Mode)"},
    {0x0050, 0x005F, "TRNG function (True Random Number Generator)"},
    {0x0060, 0x00EF, "FF-A function (Firmware Framework for A-profile)"},
    {0x00F0, 0x00FF, "Errata Management function"},
    {0x0110, 0x011F, "DRTM function (Dynamic Root of Trust for Measurement)"},
    {0x0130, 0x014F, "PCI configuration access function"},
    {0x0150, 0x018F, "RMI function (Realm Management Interface)"},
    {0x0190, 0x01AF, "RSI function (Realm Services Interface)"},
};

/* Function numbers every owning entity reserves for general queries. */
static const char *const dec_a64_general_queries[4] = {
    "Call Count query (deprecated)",
    "Call UID query",
    NULL,
    "Revision query",
};

static const char *const dec_a64_owners[64] = {
    [0x00] = "Arm Architecture Calls",
    [0x01] = "CPU Service Calls",
    [0x02] = "SiP Service Calls (Silicon Provider)",
    [0x03] = "OEM Service Calls",
    [0x04] = "Standard Secure Service Calls (PSCI, SDEI, TRNG, FF-A, ...)",
    [0x05] = "Standard Hypervisor Service Calls (PV time, ...)",
    [0x06] = "Vendor Specific Hypervisor Service Calls (KVM: PTP, pKVM, ...)",
    [0x07] = "Vendor Specific EL3 Monitor Calls",
    [0x30] = "Trusted Application Calls",
    [0x31] = "Trusted Application Calls",
    [0x32] = "Trusted OS Calls",
    [0x33] = "Trusted OS Calls",
    [0x34] = "Trusted OS Calls",
    [0x35] = "Trusted OS Calls",
    [0x36] = "Trusted OS Calls",
    [0x37] = "Trusted OS Calls",
    [0x38] = "Trusted OS Calls",
    [0x39] = "Trusted OS Calls",
    [0x3A] = "Trusted OS Calls",
    [0x3B] = "Trusted OS Calls",
    [0x3C] = "Trusted OS Calls",
    [0x3D] = "Trusted OS Calls",
    [0x3E] = "Trusted OS Calls",
    [0x3F] = "Trusted OS Calls",
};

static const dec_a64_smccc_fn *dec_a64_smccc_find(uint32_t id)
{
	for (size_t i = 0; i < A64_COUNT(dec_a64_smccc_fns); i++)
		if (dec_a64_smccc_fns[i].id == id)
			return &dec_a64_smccc_fns[i];
	return NULL;
}

static bool dec_a64_smccc_fast(uint32_t id)
{
	return dec_bits(id, 31, 1);
}

bool dec_a64_smccc_is_psci(uint32_t id)
{
	uint32_t base = id & ~0x40000000u;
	return base >= A64_PSCI_BASE32 && base <= A64_PSCI_BASE32 + A64_PSCI_LAST;
}

const char *dec_a64_smccc_function_name(uint32_t id)
{
	const dec_a64_smccc_fn *fn = dec_a64_smccc_find(id);
	unsigned owner = (unsigned)dec_bits(id, 24, 6), number = (unsigned)dec_bits(id, 0, 16);

	if (fn)
		return fn->name;
	if (!dec_a64_smccc_fast(id))
		return NULL;
	if (number >= 0xFF00 && number - 0xFF00 < A64_COUNT(dec_a64_general_queries))
		return dec_a64_general_queries[number - 0xFF00];
	if (owner == 4)
		for (size_t i = 0; i < A64_COUNT(dec_a64_secure_ranges); i++)
			if (number >= dec_a64_secure_ranges[i].first &&
			    number <= dec_a64_secure_ranges[i].last)
				return dec_a64_secure_ranges[i].name;
	return NULL;
}

const char *dec_a64_smccc_kvm_action(uint32_t id)
{
	const dec_a64_smccc_fn *fn = dec_a64_smccc_find(id);
	return fn ? fn->kvm : NULL;
}

const char *dec_a64_smccc_arm_vcpu_action(uint32_t id, bool via_smc)
{
	if (!dec_a64_smccc_is_psci(id))
		return via_smc
			   ? "arm_vcpu forwards it to the real firmware (smc #0 with x0-x3) and "
			     "copies x0-x3 back: the guest talks to the physical firmware."
			   : "arm_vcpu returns Hypercall{nr = x0, args = x1..x6} to the VMM.";
	switch (id & A64_PSCI_LAST) {
	case 0x02: return "arm_vcpu returns CpuDown{_state = x1}.";
	case 0x03:
		return "arm_vcpu returns CpuUp{target_cpu = x1, entry_point = x2, arg = x3}; the "
		       "VMM must set x0 = 0 (SUCCESS) itself.";
	case 0x08: return "arm_vcpu returns SystemDown.";
	default:
		return via_smc
			   ? "arm_vcpu forwards it to the real firmware with smc #0: SYSTEM_RESET "
			     "or SYSTEM_SUSPEND then act on the physical machine (a bug)."
			   : "arm_vcpu does not answer it: it becomes a generic Hypercall{nr = "
			     "x0} and the guest gets no PSCI result (a bug).";
	}
}

static const char *dec_a64_smccc_summary(dec_reg *r, uint32_t id, const char *name)
{
	const char *owner = dec_a64_owners[dec_bits(id, 24, 6)];

	if (!dec_a64_smccc_fast(id))
		return dec_fmt(r, "yielding call 0x%08x (%s)", id,
			       id >= 0x02000000 && id <= 0x1FFFFFFF ? "Trusted OS yielding call"
								    : "reserved range");
	return dec_fmt(r, "%s, %s convention, fast call, %s", name ? name : "unknown function",
		       dec_bits(id, 30, 1) ? "SMC64/HVC64" : "SMC32/HVC32",
		       owner ? owner : "reserved owning entity");
}

/* A 64-bit PSCI ID whose function exists only in the SMC32 form. */
static bool dec_a64_psci_missing_smc64(uint32_t id)
{
	return dec_a64_smccc_is_psci(id) && dec_bits(id, 30, 1) && !dec_a64_smccc_find(id) &&
	       dec_a64_smccc_find(id & ~0x40000000u);
}

static const char *dec_a64_smccc_hint(dec_reg *r, uint32_t id, int variant)
{
	const char *kvm = dec_a64_smccc_kvm_action(id);

	if (variant == A64_SMCCC_VARIANT_PSCI && !dec_a64_smccc_is_psci(id))
		return "Not a PSCI function ID: PSCI uses 0x84000000-0x8400001F (SMC32) and "
		       "0xC4000000-0xC400001F (SMC64).";
	return dec_fmt(r,
		       "The guest puts this ID in x0 and arguments in x1-x17 before HVC #0 "
		       "(or SMC #0); results come back in x0-x3. %s Via HVC: %s Via SMC: %s",
		       kvm ? kvm : "KVM answers unknown IDs with NOT_SUPPORTED (-1) in x0.",
		       dec_a64_smccc_arm_vcpu_action(id, false),
		       dec_a64_smccc_arm_vcpu_action(id, true));
}

void dec_a64_decode_smccc(dec_reg *r, const dec_regdef *def, uint64_t value, const dec_ctx *ctx)
{
	uint32_t id = (uint32_t)value;
	const char *name = dec_a64_smccc_function_name(id);
	unsigned number = (unsigned)dec_bits(id, 0, 16);
	dec_field *f;

	(void)ctx;
	dec_reg_init(r, def->display, value);
	dec_a64_flag(r, "Fast", "Call type", 31,
		     "yielding call: the callee may be preempted (Trusted OS work)",
		     "fast call: atomic, runs to completion");
	dec_a64_flag(r, "SMC64", "Calling convention", 30,
		     "SMC32/HVC32: 32-bit arguments and results in w0-w7",
		     "SMC64/HVC64: 64-bit arguments and results in x0-x17");
	dec_a64_enum(r, "OEN", "Owning Entity Number", 24, 6, dec_a64_owners,
		     A64_COUNT(dec_a64_owners));
	f = dec_field_add(r, "MBZ", "Must Be Zero", 17, 7, NULL);
	if (f) {
		f->meaning =
		    f->value ? "must be zero: not a valid fast-call ID" : "zero as required";
		f->warn = f->value != 0 && dec_a64_smccc_fast(id);
	}
	dec_a64_flag(r, "SVE", "SVE live state hint (SMCCC 1.3)", 16,
		     "the caller may have live SVE state: the callee preserves it",
		     "the caller has no live SVE state beyond the FP/SIMD registers");
	f = dec_field_add(r, "Function", "Function number", 0, 16,
			  name ? name
			       : dec_fmt(r,
					 "function 0x%04x: not a function trapscope "
					 "knows",
					 number));
	if (f && dec_a64_psci_missing_smc64(id)) {
		f->meaning =
		    dec_fmt(r, "%s exists only as the SMC32 ID 0x%08x",
			    dec_a64_smccc_function_name(id & ~0x40000000u), id & ~0x40000000u);
		f->warn = true;
	}
	if (f && def->variant == A64_SMCCC_VARIANT_PSCI && !dec_a64_smccc_is_psci(id)) {
		f->meaning = dec_fmt(r, "%s: not a PSCI function ID", f->meaning);
		f->warn = true;
	}
	r->summary = dec_a64_smccc_summary(r, id, name);
	r->hint = dec_a64_smccc_hint(r, id, def->variant);
}
