/* SBI calls: extension IDs (a7) and function IDs (a6) from the SBI specification 2.0/3.0,
 * the ArceOS hypercall extension, and what KVM and the ArceOS riscv_vcpu crate do with each.
 */
#include "rv_csr.h"

#include <inttypes.h>
#include <string.h>

#define RV_SBI_NOT_SUPPORTED "answers NOT_SUPPORTED (-2) in a0"
#define RV_ARCEOS_ABSENT     "riscv_vcpu: passed to RustSBI, which " RV_SBI_NOT_SUPPORTED
#define RV_KVM_ABSENT	     "KVM: not offered to guests: " RV_SBI_NOT_SUPPORTED

typedef struct dec_rv_sbi_func {
	const char *name;
	const char *kvm, *arceos; /* NULL: the extension's text */
} dec_rv_sbi_func;

typedef struct dec_rv_sbi_ext {
	uint32_t eid;
	uint32_t nfuncs;
	const char *name;
	const char *long_name;
	const dec_rv_sbi_func *funcs;
	const char *kvm, *arceos;
} dec_rv_sbi_ext;

#define RV_EXT(eid, name, long_name, funcs, kvm, arceos)                                           \
	{                                                                                          \
		eid, (uint32_t)(sizeof(funcs) / sizeof((funcs)[0])), name, long_name, funcs, kvm,  \
		    arceos                                                                         \
	}

static const dec_rv_sbi_func dec_rv_sbi_base[] = {
    {"get_spec_version", NULL, NULL},
    {"get_impl_id", NULL, NULL},
    {"get_impl_version", NULL, NULL},
    {"probe_extension", NULL,
     "riscv_vcpu: RustSBI answers 0 for TIME and IPI (absent), so Linux falls back to the "
     "legacy calls"},
    {"get_mvendorid", NULL, NULL},
    {"get_marchid", NULL, NULL},
    {"get_mimpid", NULL, NULL},
};
static const dec_rv_sbi_func dec_rv_sbi_time[] = {{"set_timer", NULL, NULL}};
static const dec_rv_sbi_func dec_rv_sbi_ipi[] = {{"send_ipi", NULL, NULL}};
static const dec_rv_sbi_func dec_rv_sbi_rfence[] = {
    {"remote_fence_i", NULL, NULL},	    {"remote_sfence_vma", NULL, NULL},
    {"remote_sfence_vma_asid", NULL, NULL}, {"remote_hfence_gvma_vmid", NULL, NULL},
    {"remote_hfence_gvma", NULL, NULL},	    {"remote_hfence_vvma_asid", NULL, NULL},
    {"remote_hfence_vvma", NULL, NULL},
};
static const dec_rv_sbi_func dec_rv_sbi_hsm[] = {
    {"hart_start", "KVM: starts the target vCPU at a1 with a0 = its hart ID and a1 = a2 (opaque)",
     "riscv_vcpu: CpuUp{target = a0, entry = a1, arg = a2}, sepc += 4, but a0 is not set to "
     "0 (BUG: the caller reads a stale error code)"},
    {"hart_stop", "KVM: stops this vCPU", "riscv_vcpu: CpuDown (sepc not advanced)"},
    {"hart_get_status", "KVM: answers started, stopped or suspended",
     "riscv_vcpu: panics \"not yet implemented\" (BUG)"},
    {"hart_suspend", "KVM: a retentive suspend waits like WFI",
     "riscv_vcpu: Halt, parameters ignored, sepc not advanced (the ecall runs again on "
     "resume)"},
};
static const dec_rv_sbi_func dec_rv_sbi_srst[] = {{"system_reset", NULL, NULL}};
static const dec_rv_sbi_func dec_rv_sbi_pmu[] = {
    {"num_counters", NULL, NULL},
    {"counter_get_info", NULL, NULL},
    {"counter_config_matching", NULL, NULL},
    {"counter_start", NULL, NULL},
    {"counter_stop", NULL, NULL},
    {"counter_fw_read", NULL, NULL},
    {"counter_fw_read_hi", NULL, NULL},
    {"snapshot_set_shmem", NULL, NULL},
    {"event_get_info", NULL, NULL},
};
static const dec_rv_sbi_func dec_rv_sbi_dbcn[] = {
    {"debug_console_write", NULL,
     "riscv_vcpu: copies a0 bytes from guest physical (a2 << 32) | a1 with HLV.B and writes "
     "them to the host console"},
    {"debug_console_read", NULL,
     "riscv_vcpu: reads the host console and copies to guest physical (a2 << 32) | a1"},
    {"debug_console_write_byte", NULL, "riscv_vcpu: writes a0's low byte to the host console"},
};
static const dec_rv_sbi_func dec_rv_sbi_susp[] = {{"system_suspend", NULL, NULL}};
static const dec_rv_sbi_func dec_rv_sbi_cppc[] = {
    {"probe", NULL, NULL},
    {"read", NULL, NULL},
    {"read_hi", NULL, NULL},
    {"write", NULL, NULL},
};
static const dec_rv_sbi_func dec_rv_sbi_nacl[] = {
    {"probe_feature", NULL, NULL}, {"set_shmem", NULL, NULL}, {"sync_csr", NULL, NULL},
    {"sync_hfence", NULL, NULL},   {"sync_sret", NULL, NULL},
};
static const dec_rv_sbi_func dec_rv_sbi_sta[] = {{"set_shmem", NULL, NULL}};
static const dec_rv_sbi_func dec_rv_sbi_sse[] = {
    {"read_attrs", NULL, NULL}, {"write_attrs", NULL, NULL}, {"register", NULL, NULL},
    {"unregister", NULL, NULL}, {"enable", NULL, NULL},	     {"disable", NULL, NULL},
    {"complete", NULL, NULL},	{"inject", NULL, NULL},	     {"hart_unmask", NULL, NULL},
    {"hart_mask", NULL, NULL},
};
static const dec_rv_sbi_func dec_rv_sbi_fwft[] = {{"set", NULL, NULL}, {"get", NULL, NULL}};
static const dec_rv_sbi_func dec_rv_sbi_dbtr[] = {
    {"num_triggers", NULL, NULL},    {"set_shmem", NULL, NULL},
    {"read_triggers", NULL, NULL},   {"install_triggers", NULL, NULL},
    {"update_triggers", NULL, NULL}, {"uninstall_triggers", NULL, NULL},
    {"enable_triggers", NULL, NULL}, {"disable_triggers", NULL, NULL},
};
static const dec_rv_sbi_func dec_rv_sbi_mpxy[] = {
    {"get_shmem_size", NULL, NULL},
    {"set_shmem", NULL, NULL},
    {"get_channel_ids", NULL, NULL},
    {"read_attributes", NULL, NULL},
    {"write_attributes", NULL, NULL},
    {"send_message_with_response", NULL, NULL},
    {"send_message_without_response", NULL, NULL},
    {"get_notification_events", NULL, NULL},
};

/* Legacy (v0.1) calls: the EID is the function (kept in long_name); a6 is ignored. */
#define RV_LEGACY(eid, name, kvm, arceos)                                                          \
	{                                                                                          \
		eid, 0, "legacy", name, NULL, kvm, arceos                                          \
	}
#define RV_LEGACY_DROPPED                                                                          \
	"riscv_vcpu: only a warning \"Unsupported SBI legacy extension id\"; the call is "         \
	"silently dropped (BUG)"

static const dec_rv_sbi_ext dec_rv_sbi_exts[] = {
    RV_LEGACY(0x00, "set_timer", "KVM: programs the vCPU's timer in the kernel",
	      "riscv_vcpu: host SBI set_timer(a0), clears hvip.VSTIP, a0 = 0"),
    RV_LEGACY(0x01, "console_putchar",
	      "KVM: forwarded to the VMM (KVM_EXIT_RISCV_SBI) for its console",
	      "riscv_vcpu: passed on as a legacy ecall to the host firmware; a0 left unchanged"),
    RV_LEGACY(0x02, "console_getchar",
	      "KVM: forwarded to the VMM (KVM_EXIT_RISCV_SBI) for its console",
	      "riscv_vcpu: passed on as a legacy ecall to the host firmware; a0 = its result"),
    RV_LEGACY(0x03, "clear_ipi", "KVM: clears the vCPU's pending software interrupt (VSSIP)",
	      RV_LEGACY_DROPPED),
    RV_LEGACY(0x04, "send_ipi", "KVM: raises VSSIP on every vCPU in the hart mask",
	      RV_LEGACY_DROPPED " - and Linux uses it, because the IPI extension is absent"),
    RV_LEGACY(0x05, "remote_fence_i", "KVM: fence.i on the target vCPUs", RV_LEGACY_DROPPED),
    RV_LEGACY(0x06, "remote_sfence_vma", "KVM: hfence.vvma on the target vCPUs", RV_LEGACY_DROPPED),
    RV_LEGACY(0x07, "remote_sfence_vma_asid", "KVM: hfence.vvma (with ASID) on the target vCPUs",
	      RV_LEGACY_DROPPED),
    RV_LEGACY(0x08, "shutdown", "KVM: KVM_EXIT_SYSTEM_EVENT (shutdown) to the VMM",
	      "riscv_vcpu: SystemDown (sepc not advanced)"),
    RV_EXT(0x10, "BASE", "Base", dec_rv_sbi_base,
	   "KVM: answered in the kernel (implementation ID 3 = KVM; probe_extension reports the "
	   "extensions the VMM enabled)",
	   "riscv_vcpu: answered by RustSBI (spec version 2.0, implementation ID 4 = RustSBI, "
	   "m*id from the host)"),
    RV_EXT(0x54494D45, "TIME", "Timer", dec_rv_sbi_time,
	   "KVM: sets the vCPU's timer (an hrtimer, or vstimecmp with Sstc)",
	   "riscv_vcpu: TIME is absent: RustSBI " RV_SBI_NOT_SUPPORTED
	   ", so Linux uses the legacy set_timer"),
    RV_EXT(0x735049, "IPI", "Inter-processor interrupt", dec_rv_sbi_ipi,
	   "KVM: sets VSSIP on every target vCPU",
	   "riscv_vcpu: IPI is absent: RustSBI " RV_SBI_NOT_SUPPORTED
	   "; Linux falls back to the legacy send_ipi, which is dropped (BUG)"),
    RV_EXT(0x52464E43, "RFENCE", "Remote fence", dec_rv_sbi_rfence,
	   "KVM: performs the fences on the target vCPUs in the kernel",
	   "riscv_vcpu: forwarded verbatim to the host SBI, guest hart masks used as host hart IDs "
	   "(BUG)"),
    RV_EXT(0x48534D, "HSM", "Hart state management", dec_rv_sbi_hsm, "KVM: handled in the kernel",
	   RV_ARCEOS_ABSENT),
    RV_EXT(0x53525354, "SRST", "System reset", dec_rv_sbi_srst,
	   "KVM: KVM_EXIT_SYSTEM_EVENT (shutdown or reset) to the VMM",
	   "riscv_vcpu: type 0 (shutdown) gives SystemDown; cold and warm reboot panic "
	   "\"Unsupported reset type\" (BUG)"),
    RV_EXT(0x504D55, "PMU", "Performance monitoring unit", dec_rv_sbi_pmu,
	   "KVM: virtual counters backed by host perf events",
	   "riscv_vcpu: forwarded verbatim to the host SBI"),
    RV_EXT(0x4442434E, "DBCN", "Debug console", dec_rv_sbi_dbcn,
	   "KVM: forwarded to the VMM (KVM_EXIT_RISCV_SBI) if the VMM enabled it, else "
	   "NOT_SUPPORTED (-2)",
	   RV_ARCEOS_ABSENT),
    RV_EXT(0x53555350, "SUSP", "System suspend", dec_rv_sbi_susp,
	   "KVM: KVM_EXIT_SYSTEM_EVENT (suspend) to the VMM", RV_ARCEOS_ABSENT),
    RV_EXT(0x43505043, "CPPC", "Collaborative processor performance control", dec_rv_sbi_cppc,
	   RV_KVM_ABSENT, RV_ARCEOS_ABSENT),
    RV_EXT(0x4E41434C, "NACL", "Nested acceleration", dec_rv_sbi_nacl,
	   "KVM: not offered to its guests (KVM uses NACL itself when it runs "
	   "nested): " RV_SBI_NOT_SUPPORTED,
	   RV_ARCEOS_ABSENT),
    RV_EXT(0x535441, "STA", "Steal-time accounting", dec_rv_sbi_sta,
	   "KVM: records the steal-time shared memory in the kernel", RV_ARCEOS_ABSENT),
    RV_EXT(0x535345, "SSE", "Supervisor software events", dec_rv_sbi_sse,
	   "KVM: not offered by the versions studied: " RV_SBI_NOT_SUPPORTED, RV_ARCEOS_ABSENT),
    RV_EXT(0x46574654, "FWFT", "Firmware features", dec_rv_sbi_fwft,
	   "KVM: handled in the kernel by recent versions (older ones " RV_SBI_NOT_SUPPORTED ")",
	   RV_ARCEOS_ABSENT),
    RV_EXT(0x44425452, "DBTR", "Debug triggers", dec_rv_sbi_dbtr, RV_KVM_ABSENT, RV_ARCEOS_ABSENT),
    RV_EXT(0x4D505859, "MPXY", "Message proxy", dec_rv_sbi_mpxy, RV_KVM_ABSENT, RV_ARCEOS_ABSENT),
    {0x485643, 0, "HVC", "ArceOS hypercall (not an SBI standard extension)", NULL,
     "KVM: no such extension: " RV_SBI_NOT_SUPPORTED,
     "riscv_vcpu: Hypercall{nr = a6, args = a0..a5} exit to the VMM, sepc += 4; the result "
     "goes to a0"},
};

/* The three 16M-wide EID spaces the specification sets aside. */
typedef struct dec_rv_sbi_space {
	uint8_t top; /* EID bits 31:24 */
	const char *name, *long_name, *low_bits, *kvm, *arceos;
} dec_rv_sbi_space;

static const dec_rv_sbi_space dec_rv_sbi_spaces[] = {
    {0x08, "experimental", "Experimental extension space", "extension number",
     "KVM: forwarded to the VMM (KVM_EXIT_RISCV_SBI)", RV_ARCEOS_ABSENT},
    {0x09, "vendor", "Vendor-specific extension space", "must match the low 24 bits of mvendorid",
     "KVM: forwarded to the VMM (KVM_EXIT_RISCV_SBI)", RV_ARCEOS_ABSENT},
    {0x0A, "firmware", "Firmware-specific extension space",
     "must match the low 24 bits of the SBI implementation ID", RV_KVM_ABSENT, RV_ARCEOS_ABSENT},
};

static const dec_rv_sbi_ext *dec_rv_sbi_ext_find(uint32_t eid)
{
	for (size_t i = 0; i < sizeof dec_rv_sbi_exts / sizeof dec_rv_sbi_exts[0]; i++)
		if (dec_rv_sbi_exts[i].eid == eid)
			return &dec_rv_sbi_exts[i];
	return NULL;
}

static const dec_rv_sbi_space *dec_rv_sbi_space_find(uint32_t eid)
{
	for (size_t i = 0; i < sizeof dec_rv_sbi_spaces / sizeof dec_rv_sbi_spaces[0]; i++)
		if (dec_rv_sbi_spaces[i].top == eid >> 24)
			return &dec_rv_sbi_spaces[i];
	return NULL;
}

void dec_rv_sbi_lookup(uint32_t eid, const uint32_t *fid, dec_rv_sbi_call *call)
{
	const dec_rv_sbi_ext *ext = dec_rv_sbi_ext_find(eid);
	const dec_rv_sbi_space *space = dec_rv_sbi_space_find(eid);

	*call = (dec_rv_sbi_call){NULL, NULL, "KVM: no such extension: " RV_SBI_NOT_SUPPORTED,
				  RV_ARCEOS_ABSENT};
	if (space) {
		*call = (dec_rv_sbi_call){space->name, NULL, space->kvm, space->arceos};
		return;
	}
	if (!ext)
		return;
	call->ext = ext->name;
	call->kvm = ext->kvm;
	call->arceos = ext->arceos;
	if (!ext->funcs) {
		/* legacy calls are named by their EID alone */
		call->func = eid <= 0x08 ? ext->long_name : NULL;
		return;
	}
	if (!fid)
		return;
	if (*fid >= ext->nfuncs) {
		call->kvm = "KVM: unknown function: " RV_SBI_NOT_SUPPORTED;
		call->arceos = "riscv_vcpu: unknown function: NOT_SUPPORTED (-2) in a0";
		return;
	}
	const dec_rv_sbi_func *f = &ext->funcs[*fid];
	call->func = f->name;
	if (f->kvm)
		call->kvm = f->kvm;
	if (f->arceos)
		call->arceos = f->arceos;
}

/* The EID's bytes as ASCII ("TIME", "sPI"), or NULL when they are not all printable. */
static const char *dec_rv_sbi_ascii(dec_reg *out, uint32_t eid)
{
	char text[5];
	size_t n = 0;
	for (int shift = 24; shift >= 0; shift -= 8) {
		unsigned c = eid >> shift & 0xff;
		if (!c && !n)
			continue;
		if (c < 0x20 || c > 0x7e)
			return NULL;
		text[n++] = (char)c;
	}
	text[n] = '\0';
	return n ? dec_fmt(out, "\"%s\"", text) : NULL;
}

static const char *dec_rv_sbi_ext_meaning(dec_reg *out, uint32_t eid)
{
	const dec_rv_sbi_ext *ext = dec_rv_sbi_ext_find(eid);
	const char *ascii = dec_rv_sbi_ascii(out, eid);
	const char *spelled = ascii ? dec_fmt(out, " (ASCII %s)", ascii) : "";

	if (ext && !ext->funcs && eid <= 0x08)
		return dec_fmt(out,
			       "legacy SBI v0.1 call %s: the EID is the function, a6 is "
			       "ignored, the result is in a0",
			       ext->long_name);
	if (ext)
		return dec_fmt(out, "%s: %s%s", ext->name, ext->long_name, spelled);
	if (eid <= 0x0F)
		return "reserved legacy extension ID (0x09-0x0F)";
	return dec_fmt(out, "unknown extension%s", spelled);
}

void dec_rv_decode_sbi_eid(dec_reg *out, const dec_regdef *def, uint64_t v, const dec_ctx *ctx)
{
	uint32_t eid = (uint32_t)v;
	const dec_rv_sbi_space *space = dec_rv_sbi_space_find(eid);
	uint64_t fid64 = 0;
	bool have_fid = dec_rv_ctx_get(ctx, "sbi_fid", &fid64);
	uint32_t fid = (uint32_t)fid64;
	dec_rv_sbi_call call;

	dec_rv_sbi_lookup(eid, have_fid ? &fid : NULL, &call);
	dec_reg_init(out, def->display, v);
	if (space) {
		dec_field_add(out, "EID", "Extension ID", 0, 32,
			      dec_fmt(out, "%s extension 0x%06x", space->name, eid & 0xffffff));
		dec_push(out);
		dec_field_add(out, "space", "Extension space", 24, 8, space->long_name);
		dec_field_add(out, "number", "Extension number", 0, 24, space->low_bits);
		dec_pop(out);
	} else {
		dec_field *f = dec_field_add(out, "EID", "Extension ID (a7)", 0, 32,
					     dec_rv_sbi_ext_meaning(out, eid));
		if (f)
			f->warn = !call.ext;
	}
	if (!call.ext)
		out->summary = dec_fmt(out, "Unknown SBI extension 0x%x", eid);
	else if (call.func)
		out->summary = dec_fmt(out, "SBI %s %s", call.ext, call.func);
	else
		out->summary = dec_fmt(out, "SBI %s extension", call.ext);
	out->hint = dec_fmt(out, "%s. %s.", call.kvm, call.arceos);
}

void dec_rv_decode_sbi_fid(dec_reg *out, const dec_regdef *def, uint64_t v, const dec_ctx *ctx)
{
	uint32_t fid = (uint32_t)v;
	uint64_t eid;
	dec_rv_sbi_call call;

	dec_reg_init(out, def->display, v);
	if (!dec_rv_ctx_get(ctx, "sbi_eid", &eid)) {
		dec_field_add(out, "FID", "Function ID (a6)", 0, 32,
			      "function number within the extension (give sbi_eid to name it)");
		out->summary = dec_fmt(out, "SBI function %" PRIu32, fid);
		return;
	}
	dec_rv_sbi_lookup((uint32_t)eid, &fid, &call);
	const char *meaning;
	bool unknown = false;
	if (call.ext && !strcmp(call.ext, "legacy")) {
		meaning = "ignored: a legacy call is named by its EID alone";
	} else if (call.func) {
		meaning = dec_fmt(out, "%s %s", call.ext, call.func);
	} else if (call.ext && !strcmp(call.ext, "HVC")) {
		meaning = dec_fmt(out, "hypercall number %" PRIu32 " (passed on as nr)", fid);
	} else if (call.ext && !dec_rv_sbi_space_find((uint32_t)eid)) {
		meaning = dec_fmt(out, "no function %" PRIu32 " in %s", fid, call.ext);
		unknown = true;
	} else {
		meaning = "a function of an extension trapscope does not know";
	}
	dec_field *f = dec_field_add(out, "FID", "Function ID (a6)", 0, 32, meaning);
	if (f)
		f->warn = unknown;
	out->summary = call.func ? dec_fmt(out, "%s %s (FID %" PRIu32 ")", call.ext, call.func, fid)
				 : dec_fmt(out, "FID %" PRIu32 ": %s", fid, meaning);
	out->hint = dec_fmt(out, "%s. %s.", call.kvm, call.arceos);
}
