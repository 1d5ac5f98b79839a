/* The AArch64 register table and `explain`: facts derived across the given registers (IPA,
 * MMIO access, next PC, ...) and a diagnosis per exception family: what the hardware latched,
 * what KVM and ArceOS arm_vcpu do with it, and what to check next. */
#include "a64.h"

#include <string.h>

const dec_regdef dec_a64_regdefs[] = {
    {"esr", "esr", "ESR_EL2", DEC_ARCH_AARCH64, 64, 2, dec_a64_decode_esr},
    {"esr_el1", "esr", "ESR_EL1", DEC_ARCH_AARCH64, 64, 1, dec_a64_decode_esr},
    {"esr_el2", "esr", "ESR_EL2", DEC_ARCH_AARCH64, 64, 2, dec_a64_decode_esr},
    {"esr_el3", "esr", "ESR_EL3", DEC_ARCH_AARCH64, 64, 3, dec_a64_decode_esr},
    {"far", "far", "FAR_EL2", DEC_ARCH_AARCH64, 64, 0, dec_a64_decode_far},
    {"far_el2", "far", "FAR_EL2", DEC_ARCH_AARCH64, 64, 0, dec_a64_decode_far},
    {"hpfar", "hpfar", "HPFAR_EL2", DEC_ARCH_AARCH64, 64, 0, dec_a64_decode_hpfar},
    {"hpfar_el2", "hpfar", "HPFAR_EL2", DEC_ARCH_AARCH64, 64, 0, dec_a64_decode_hpfar},
    {"elr", "elr", "ELR_EL2", DEC_ARCH_AARCH64, 64, 0, dec_a64_decode_elr},
    {"elr_el2", "elr", "ELR_EL2", DEC_ARCH_AARCH64, 64, 0, dec_a64_decode_elr},
    {"spsr", "spsr", "SPSR_EL2", DEC_ARCH_AARCH64, 64, 0, dec_a64_decode_spsr},
    {"spsr_el2", "spsr", "SPSR_EL2", DEC_ARCH_AARCH64, 64, 0, dec_a64_decode_spsr},
    {"hcr", "hcr", "HCR_EL2", DEC_ARCH_AARCH64, 64, 0, dec_a64_decode_hcr},
    {"hcr_el2", "hcr", "HCR_EL2", DEC_ARCH_AARCH64, 64, 0, dec_a64_decode_hcr},
    {"vtcr", "vtcr", "VTCR_EL2", DEC_ARCH_AARCH64, 64, 0, dec_a64_decode_vtcr},
    {"vtcr_el2", "vtcr", "VTCR_EL2", DEC_ARCH_AARCH64, 64, 0, dec_a64_decode_vtcr},
    {"vttbr", "vttbr", "VTTBR_EL2", DEC_ARCH_AARCH64, 64, 0, dec_a64_decode_vttbr},
    {"vttbr_el2", "vttbr", "VTTBR_EL2", DEC_ARCH_AARCH64, 64, 0, dec_a64_decode_vttbr},
    {"sctlr", "sctlr", "SCTLR_EL1", DEC_ARCH_AARCH64, 64, 0, dec_a64_decode_sctlr},
    {"sctlr_el1", "sctlr", "SCTLR_EL1", DEC_ARCH_AARCH64, 64, 0, dec_a64_decode_sctlr},
    {"midr", "midr", "MIDR_EL1", DEC_ARCH_AARCH64, 64, 0, dec_a64_decode_midr},
    {"midr_el1", "midr", "MIDR_EL1", DEC_ARCH_AARCH64, 64, 0, dec_a64_decode_midr},
    {"smccc", "smccc", "SMCCC function ID", DEC_ARCH_AARCH64, 32, A64_SMCCC_VARIANT_SMCCC,
     dec_a64_decode_smccc},
    {"psci", "psci", "PSCI function ID", DEC_ARCH_AARCH64, 32, A64_SMCCC_VARIANT_PSCI,
     dec_a64_decode_smccc},
    {"insn", "insn", "A64 instruction", DEC_ARCH_AARCH64, 32, 0, dec_a64_decode_insn},
    {NULL, NULL, NULL, DEC_ARCH_NONE, 0, 0, NULL},
};

/* Everything explain may use, gathered once. */
typedef struct dec_a64_facts {
	bool has_esr, has_far, has_hpfar, has_elr, has_spsr, has_hcr, has_vtcr, has_insn;
	bool has_call; /* an SMCCC or PSCI function ID (x0) was given */
	uint64_t esr, far, hpfar, elr, spsr, hcr, vtcr, insn;
	uint32_t call;
	int el; /* the ESR's exception level: 1, 2 or 3 */
	unsigned ec;
	uint32_t iss;
	bool has_ipa;
	bool ipa_page_only; /* FAR missing or invalid: only the page of the IPA is known */
	uint64_t ipa;
} dec_a64_facts;

static const char *dec_a64_hex(dec_report *rep, uint64_t v)
{
	return dec_text_fmt(&rep->text, "0x%llx", (unsigned long long)v);
}

static void dec_a64_gather(const dec_ctx *ctx, dec_a64_facts *f)
{
	uint64_t call = 0;
	const dec_regdef *esr_def = dec_ctx_def(ctx, "esr");

	memset(f, 0, sizeof *f);
	f->has_esr = dec_ctx_get(ctx, "esr", &f->esr);
	f->has_far = dec_ctx_get(ctx, "far", &f->far);
	f->has_hpfar = dec_ctx_get(ctx, "hpfar", &f->hpfar);
	f->has_elr = dec_ctx_get(ctx, "elr", &f->elr);
	f->has_spsr = dec_ctx_get(ctx, "spsr", &f->spsr);
	f->has_hcr = dec_ctx_get(ctx, "hcr", &f->hcr);
	f->has_vtcr = dec_ctx_get(ctx, "vtcr", &f->vtcr);
	f->has_insn = dec_ctx_get(ctx, "insn", &f->insn);
	f->has_call = dec_ctx_get(ctx, "smccc", &call) || dec_ctx_get(ctx, "psci", &call);
	f->call = (uint32_t)call;
	f->el = esr_def ? esr_def->variant : 2;
	f->ec = dec_a64_esr_ec(f->esr);
	f->iss = dec_a64_esr_iss(f->esr);
}

static bool dec_a64_is_abort(const dec_a64_facts *f)
{
	return f->has_esr && (dec_a64_ec_is_dabt(f->ec) || dec_a64_ec_is_iabt(f->ec));
}

static bool dec_a64_far_valid(const dec_a64_facts *f)
{
	return f->has_far && !(dec_a64_is_abort(f) && dec_bits(f->iss, 10, 1));
}

/* ---- Addresses ------------------------------------------------------------------------------ */

static void dec_a64_derive_addresses(dec_a64_facts *f, dec_report *rep)
{
	if (dec_a64_far_valid(f))
		dec_derive(rep, "va", dec_a64_hex(rep, f->far),
			   "FAR_EL2 (the guest virtual address)");
	else if (f->has_far)
		dec_diagnose(rep, "ESR.FnV is 1: FAR_EL2 holds an UNKNOWN value, so neither the VA "
				  "nor the byte offset of the IPA is known.");
	if (!f->has_hpfar)
		return;
	if (!dec_a64_is_abort(f) || f->el != 2) {
		dec_diagnose(rep, "HPFAR_EL2 is only meaningful for an instruction or data abort "
				  "taken to EL2; it is ignored here.");
		return;
	}
	f->has_ipa = true;
	f->ipa = dec_a64_hpfar_to_ipa_page(f->hpfar);
	if (dec_a64_far_valid(f)) {
		f->ipa |= f->far & 0xfff;
		dec_derive(rep, "ipa", dec_a64_hex(rep, f->ipa),
			   "(HPFAR_EL2.FIPA << 12) | FAR_EL2[11:0]");
	} else {
		f->ipa_page_only = true;
		dec_derive(rep, "ipa", dec_a64_hex(rep, f->ipa),
			   "HPFAR_EL2.FIPA << 12 (page only: FAR_EL2 not given or not valid)");
	}
}

static void dec_a64_check_ipa_range(const dec_a64_facts *f, dec_report *rep)
{
	dec_a64_s2_geometry g;

	if (!f->has_ipa || !f->has_vtcr)
		return;
	dec_a64_vtcr_geometry(f->vtcr, &g);
	if (g.ipa_bits < 64 && f->ipa >> g.ipa_bits)
		dec_diagnose(rep,
			     "The IPA 0x%llx lies outside the %u-bit IPA space VTCR_EL2.T0SZ "
			     "defines: the guest used an address its stage 2 cannot translate "
			     "(KVM reflects that back as an address size fault).",
			     (unsigned long long)f->ipa, g.ipa_bits);
}

/* ---- Data and instruction aborts ------------------------------------------------------------ */

static void dec_a64_explain_fault_kind(const dec_a64_facts *f, const dec_a64_fsc *fsc,
				       dec_report *rep)
{
	bool s1ptw = dec_bits(f->iss, 7, 1);

	switch (fsc->kind) {
	case A64_FAULT_TRANSLATION:
		dec_diagnose(rep,
			     "Translation fault at level %d: stage 2 has no mapping for this "
			     "IPA. KVM: if a memslot covers the IPA, user_mem_abort maps the "
			     "page and the guest retries the same instruction; if not, the access "
			     "is MMIO (io_mem_abort).",
			     fsc->level);
		if (s1ptw)
			dec_diagnose(rep, "S1PTW is 1: the hardware was walking the guest's own "
					  "page tables, and the table page at the IPA has no "
					  "stage-2 mapping. FAR is the VA being translated, HPFAR "
					  "the page-table page. KVM injects a data abort into the "
					  "guest when that IPA is outside every memslot.");
		else
			dec_diagnose(rep,
				     "Check next: FAR should point into a device region (an "
				     "ioremap'd MMIO window) and the IPA should be a device "
				     "address of the machine model; if the IPA is RAM, the "
				     "stage-2 mapping is missing (a memory region that was never "
				     "registered or mapped, or a lazily allocated page).");
		break;
	case A64_FAULT_ACCESS_FLAG:
		dec_diagnose(rep,
			     "Access flag fault: the stage-2 entry exists but its AF bit is 0. "
			     "KVM sets it (handle_access_fault; the host ages pages for "
			     "reclaim) and the guest retries. arm_vcpu panics ('Core data abort "
			     "is not translate fault'); axaddrspace always sets AF, so stage-2 "
			     "entries without it point at corrupt tables.");
		break;
	case A64_FAULT_PERMISSION:
		dec_diagnose(rep,
			     "Permission fault: the stage-2 entry forbids this access (a write "
			     "to a read-only page, or a fetch from an execute-never page). KVM: a "
			     "write to a read-only memslot becomes an MMIO exit; dirty logging or "
			     "copy-on-write pages are made writable and the guest retries. "
			     "arm_vcpu returns an Unsupported error with ELR already advanced.");
		if (s1ptw)
			dec_diagnose(rep,
				     "S1PTW is 1: stage 2 protects the guest's own page tables. "
				     "The hardware walker had to read (or, with hardware "
				     "access-flag/dirty updates, write) a guest page-table page "
				     "that stage 2 maps without that permission. Map guest RAM "
				     "that holds page tables read-write at stage 2.");
		break;
	case A64_FAULT_ALIGNMENT:
		dec_diagnose(rep,
			     "Alignment fault reported to EL2: the stage-2 attributes caused "
			     "it, e.g. an unaligned or exclusive access to an IPA that stage 2 "
			     "maps as Device memory. KVM does not handle this fault status "
			     "('Unsupported FSC', KVM_RUN fails with -EFAULT); arm_vcpu panics.");
		break;
	case A64_FAULT_EXTERNAL:
	case A64_FAULT_EXTERNAL_TTW:
	case A64_FAULT_PARITY:
	case A64_FAULT_PARITY_TTW:
		dec_diagnose(rep,
			     "Synchronous External abort: the memory system answered with an "
			     "error (no device behind the host physical address, or an ECC/RAS "
			     "error). KVM hands it to the host RAS code (kvm_handle_guest_sea) and "
			     "injects an abort into the guest if the host cannot handle it; "
			     "arm_vcpu panics. Check that the stage-2 mapping points at host "
			     "memory that exists.");
		break;
	case A64_FAULT_ADDR_SIZE:
		dec_diagnose(rep,
			     "Address size fault: an address in the stage-2 walk (the VTTBR_EL2 "
			     "base, a table address or an output address) is wider than "
			     "VTCR_EL2.PS allows, or the IPA is wider than T0SZ. Compare PS with "
			     "ID_AA64MMFR0_EL1.PARange and the table addresses.");
		break;
	default:
		dec_diagnose(rep,
			     "KVM does not handle this fault status ('Unsupported FSC: EC=%#x "
			     "xFSC=%#x', KVM_RUN fails with -EFAULT); arm_vcpu panics.",
			     f->ec, (unsigned)(f->iss & 0x3f));
		break;
	}
}

/* LDP/STP and writeback forms never carry an instruction syndrome. */
static bool dec_a64_insn_lacks_syndrome(const char *mnemonic, const char *operands)
{
	return strncmp(mnemonic, "ldp", 3) == 0 || strncmp(mnemonic, "stp", 3) == 0 ||
	       strchr(operands, '!') != NULL || strstr(operands, "], ") != NULL;
}

static void dec_a64_explain_insn_for_abort(const dec_a64_facts *f, dec_report *rep)
{
	char mnemonic[32], operands[160];

	if (!f->has_insn || dec_bits(f->iss, 24, 1))
		return;
	if (!dec_a64_disasm_parts((uint32_t)f->insn, f->has_elr ? f->elr : 0, mnemonic,
				  sizeof mnemonic, operands, sizeof operands))
		return;
	if (dec_a64_insn_lacks_syndrome(mnemonic, operands))
		dec_diagnose(rep,
			     "The instruction '%s %s' is a load/store pair or a writeback "
			     "form: such instructions never produce an instruction syndrome.",
			     mnemonic, operands);
}

static void dec_a64_explain_mmio_access(const dec_a64_facts *f, dec_report *rep)
{
	char access[64];
	unsigned len = 1u << dec_bits(f->iss, 22, 2), skip = dec_bits(f->esr, 25, 1) ? 4 : 2;
	bool write = dec_bits(f->iss, 6, 1), sf = dec_bits(f->iss, 15, 1);
	const char *reg = dec_a64_gpr_name((unsigned)dec_bits(f->iss, 16, 5), sf);

	dec_a64_dabt_access(f->iss, access, sizeof access);
	if (f->has_ipa)
		dec_derive(rep, "access",
			   dec_text_fmt(&rep->text,
					"%s %s IPA %s0x%llx (KVM_EXIT_MMIO, then skip "
					"the %u-byte instruction)",
					access, write ? "to" : "from",
					f->ipa_page_only ? "page " : "", (unsigned long long)f->ipa,
					skip),
			   "ESR ISS: WnR, SAS, SRT, SF, SSE; IPA from HPFAR_EL2 and FAR_EL2");
	else
		dec_derive(rep, "access",
			   dec_text_fmt(&rep->text,
					"%s (KVM_EXIT_MMIO, then skip the %u-byte "
					"instruction; give hpfar= for the IPA)",
					access, skip),
			   "ESR ISS: WnR, SAS, SRT, SF, SSE");
	dec_derive(rep, "mmio_len", dec_text_fmt(&rep->text, "%u", len), "1 << ESR.SAS");
	dec_derive(rep, "mmio_write", write ? "true" : "false", "ESR.WnR");
	dec_derive(rep, "reg", reg, "ESR.SRT, width from ESR.SF");
	if (write)
		dec_diagnose(rep,
			     "ISV=1: KVM fills run->mmio with the low %u bytes of %s and exits "
			     "with KVM_EXIT_MMIO; on re-entry it skips the instruction. arm_vcpu "
			     "returns MmioWrite with the whole register (not masked to %u "
			     "bytes) after ELR += %u.",
			     len, reg, len, skip);
	else
		dec_diagnose(rep,
			     "ISV=1: KVM exits with KVM_EXIT_MMIO; when the VMM supplies the "
			     "data, kvm_handle_mmio_return %s it, %s and writes %s, then skips "
			     "the instruction. arm_vcpu returns MmioRead with signed_ext = false "
			     "(it ignores SSE: a bug) after ELR += %u.",
			     dec_bits(f->iss, 21, 1) ? "sign-extends" : "zero-extends",
			     sf ? "keeps 64 bits" : "truncates to 32 bits", reg, skip);
}

static void dec_a64_explain_nisv(const dec_a64_facts *f, dec_report *rep)
{
	(void)f;
	dec_diagnose(rep, "ISV=0: no instruction syndrome, so KVM cannot emulate this access as "
			  "MMIO: io_mem_abort returns KVM_EXIT_ARM_NISV to a VMM that enabled "
			  "KVM_CAP_ARM_NISV_TO_USER, otherwise KVM_RUN fails with -ENOSYS ('Data "
			  "abort outside memslots with no valid syndrome info'). This matters "
			  "only for MMIO; a fault on RAM is mapped and retried. Typical causes: "
			  "LDP/STP, pre/post-index writeback, SIMD/FP or SVE loads and stores, "
			  "atomics to a device. Use plain LDR/STR (readl/writel) for MMIO.");
	dec_diagnose(rep, "arm_vcpu never checks ISV (its FnV/ISV test is always true): it "
			  "reads SAS/SRT/WnR anyway and emulates a made-up access.");
}

static void dec_a64_explain_dabt(dec_a64_facts *f, dec_report *rep)
{
	const dec_a64_fsc *fsc = dec_a64_fsc_info(f->iss & 0x3f);
	bool isv = dec_bits(f->iss, 24, 1);

	if (f->ec == A64_EC_DABT_CUR) {
		dec_diagnose(rep,
			     "Data abort without a change of exception level: the hypervisor "
			     "itself faulted at EL2 (FAR is an EL2 virtual address, ELR the "
			     "faulting EL2 instruction: look ELR up in the hypervisor's symbol "
			     "table). arm_vcpu panics 'Unhandled synchronous exception from "
			     "current EL'.");
		dec_a64_explain_fault_kind(f, fsc, rep);
		return;
	}
	dec_diagnose(rep,
		     "Hardware latched: ESR_EL2 = 0x%llx (data abort syndrome), FAR_EL2 = "
		     "the guest virtual address, HPFAR_EL2 = the faulting IPA page, ELR_EL2 = "
		     "the faulting instruction, SPSR_EL2 = the guest's PSTATE.",
		     (unsigned long long)f->esr);
	dec_a64_explain_fault_kind(f, fsc, rep);
	if (dec_bits(f->iss, 8, 1))
		dec_diagnose(rep, "CM is 1: a cache maintenance instruction (DC ...) on this "
				  "address. For MMIO, KVM simply skips it (kvm_incr_pc).");
	if (fsc->kind == A64_FAULT_TRANSLATION || fsc->kind == A64_FAULT_PERMISSION) {
		if (isv)
			dec_a64_explain_mmio_access(f, rep);
		else
			dec_a64_explain_nisv(f, rep);
	}
	dec_a64_explain_insn_for_abort(f, rep);
	dec_diagnose(rep, "arm_vcpu: ELR += 4 before decoding; translation faults become "
			  "MmioRead/MmioWrite at (FAR & 0xFFF) | (HPFAR << 8); permission faults "
			  "return an error; every other fault status panics.");
}

static void dec_a64_explain_iabt(dec_a64_facts *f, dec_report *rep)
{
	const dec_a64_fsc *fsc = dec_a64_fsc_info(f->iss & 0x3f);

	if (f->ec == A64_EC_IABT_CUR) {
		dec_diagnose(rep, "Instruction abort without a change of exception level: the "
				  "hypervisor jumped to a bad EL2 address (FAR = ELR = that "
				  "address). arm_vcpu panics 'Unhandled synchronous exception from "
				  "current EL'.");
		return;
	}
	dec_diagnose(rep,
		     "Hardware latched: ESR_EL2 = 0x%llx, FAR_EL2 = the fetch address (the "
		     "same as ELR_EL2 unless the fault hit the stage-1 walk), HPFAR_EL2 = the "
		     "faulting IPA page.",
		     (unsigned long long)f->esr);
	if (fsc->kind == A64_FAULT_TRANSLATION)
		dec_diagnose(rep, "KVM maps the page if a memslot covers the IPA; code in an "
				  "unmapped or MMIO region is re-injected into the guest as a "
				  "prefetch abort. Check next: is the IPA guest RAM that stage 2 "
				  "forgot, or did the guest jump somewhere wild?");
	else
		dec_a64_explain_fault_kind(f, fsc, rep);
	dec_diagnose(rep, "arm_vcpu has no handler for instruction aborts: it panics 'handler "
			  "not presents for EC_32', so a guest fetching from a page that is mapped "
			  "lazily (map_alloc without populate) kills the hypervisor.");
}

/* ---- Calls and traps ------------------------------------------------------------------------ */

/* The function table's KVM notes are sentences that mostly name KVM themselves. */
static void dec_a64_diagnose_kvm(dec_report *rep, const char *what)
{
	if (strstr(what, "KVM"))
		dec_diagnose(rep, "%s", what);
	else
		dec_diagnose(rep, "KVM: %s", what);
}

static void dec_a64_explain_call_id(const dec_a64_facts *f, dec_report *rep, bool via_smc)
{
	const char *name = dec_a64_smccc_function_name(f->call),
		   *kvm = dec_a64_smccc_kvm_action(f->call);

	if (!f->has_call) {
		dec_diagnose(rep, "The function is decided by x0 (the SMCCC function ID), not by "
				  "the immediate: give smccc=<x0> (or psci=<x0>) to name it.");
		return;
	}
	dec_derive(rep, "function", name ? name : "unknown SMCCC function",
		   "x0, SMCCC function ID");
	if (kvm)
		dec_a64_diagnose_kvm(rep, kvm);
	dec_diagnose(rep, "%s", dec_a64_smccc_arm_vcpu_action(f->call, via_smc));
}

static void dec_a64_explain_hvc(dec_a64_facts *f, dec_report *rep)
{
	dec_diagnose(rep,
		     "HVC #0x%x: ELR_EL2 already points after the HVC, so the handler must "
		     "not advance it (an extra +4 broke SMP boot, tgoskits #1953). KVM: "
		     "handle_hvc -> kvm_smccc_call_handler.",
		     (unsigned)(f->iss & 0xffff));
	if (f->iss & 0xffff)
		dec_diagnose(rep, "The immediate is not 0: SMCCC calls use HVC #0; KVM still "
				  "dispatches on x0.");
	dec_a64_explain_call_id(f, rep, false);
}

static void dec_a64_explain_smc(dec_a64_facts *f, dec_report *rep)
{
	dec_diagnose(rep, "SMC trapped by HCR_EL2.TSC: ELR_EL2 points at the SMC itself, so the "
			  "handler must add 4. KVM: handle_smc advances ELR, answers a nonzero "
			  "immediate with x0 = -1, otherwise dispatches x0 like an HVC.");
	if (f->has_hcr && !dec_bits(f->hcr, 19, 1))
		dec_diagnose(rep, "The given HCR_EL2 has TSC = 0: an SMC would go to EL3 firmware "
				  "and never reach EL2. The values do not belong together.");
	dec_a64_explain_call_id(f, rep, true);
}

static void dec_a64_explain_sysreg(dec_a64_facts *f, dec_report *rep)
{
	char text[128];
	bool read = f->iss & 1;

	dec_derive(
	    rep, "sysreg_access",
	    dec_text_fmt(&rep->text, "%s",
			 dec_a64_sysreg_insn(f->iss, f->ec == A64_EC_SYS128, text, sizeof text)),
	    "ESR ISS Op0, Op1, CRn, CRm, Op2, Rt, Direction");
	if (f->ec == A64_EC_SYS128)
		return;
	dec_diagnose(rep,
		     "Hardware latched the register's encoding (Op0, Op1, CRn, CRm, Op2), "
		     "the general-purpose register Rt = x%u and the direction (%s) in ESR; "
		     "ELR_EL2 points at the instruction.",
		     (unsigned)dec_bits(f->iss, 5, 5), read ? "read, MRS" : "write, MSR");
	dec_diagnose(rep,
		     "KVM: kvm_handle_sys_reg looks the encoding up in sys_reg_descs and "
		     "calls its handler (%s); an unknown register logs 'Unsupported guest "
		     "sys_reg access' and injects an UNDEF; then ELR += 4.",
		     read ? "the result goes to Rt" : "the value comes from Rt");
	dec_diagnose(rep,
		     "arm_vcpu: ELR += 4, then %s with addr = ISS & 0x3FFC1E = 0x%x "
		     "(ICC_SGI1R_EL1 = 0x3A3016 is handled inside as SendIPI).",
		     read ? "SysRegRead{addr, reg = Rt}" : "SysRegWrite{addr, value = X[Rt]}",
		     (unsigned)(f->iss & 0x3FFC1Eu));
	dec_diagnose(rep, "Why it trapped: HCR_EL2 (TID3 for ID registers, TVM/TRVM for "
			  "memory controls, TACR, TIDCP), CNTHCTL_EL2 for timer and counter "
			  "registers, MDCR_EL2 for debug and PMU registers, ICH_HCR_EL2 for the "
			  "GIC CPU interface, or the fine-grained trap registers.");
}

static void dec_a64_explain_wfx(dec_a64_facts *f, dec_report *rep)
{
	bool wfe = f->iss & 1;

	dec_diagnose(rep,
		     "%s trapped: ELR_EL2 points at it; the handler adds 4 once the vCPU "
		     "may continue. KVM: kvm_handle_wfx -> %s.",
		     wfe ? "WFE" : "WFI",
		     wfe ? "kvm_vcpu_on_spin (yield to another vCPU, likely a lock holder)"
			 : "kvm_vcpu_wfi (the vCPU thread sleeps until an interrupt is pending "
			   "for it)");
	if (f->has_hcr && !dec_bits(f->hcr, wfe ? 14 : 13, 1))
		dec_diagnose(rep,
			     "The given HCR_EL2 has %s = 0: this instruction would not trap. "
			     "The values do not belong together.",
			     wfe ? "TWE" : "TWI");
	dec_diagnose(rep, "arm_vcpu never sets TWI/TWE: a guest WFI idles the physical CPU "
			  "inside the guest; if one did trap, arm_vcpu would panic (no handler for "
			  "EC 0x01).");
}

static void dec_a64_explain_debug(dec_a64_facts *f, dec_report *rep)
{
	dec_diagnose(rep,
		     "A debug exception reached EL2, so MDCR_EL2.TDE is 1: the VMM is "
		     "debugging the guest. KVM returns KVM_EXIT_DEBUG with ESR%s; the "
		     "debugger decides whether to skip the instruction at ELR. Without TDE "
		     "the guest's own kernel handles it (Linux: BUG(), kprobes, ptrace).",
		     f->ec == A64_EC_WATCHPT_LOW ? " and FAR (the watched address)" : "");
	dec_diagnose(rep, "arm_vcpu has no handler for debug exceptions and panics.");
}

static void dec_a64_explain_unknown(dec_a64_facts *f, dec_report *rep)
{
	if (!dec_a64_ec_allocated(f->ec))
		dec_diagnose(rep,
			     "EC 0x%02x is unallocated: no exception produces it, so this "
			     "ESR value is not a real syndrome (a corrupted dump, a wrong "
			     "register, or ESR read before any exception).",
			     f->ec);
	else
		dec_diagnose(rep, "Unknown reason: an instruction UNDEFINED where it ran (at EL2 "
				  "itself, or at EL0/EL1 with HCR_EL2.TGE = 1), or a trap the "
				  "architecture reports without a class of its own.");
	dec_diagnose(rep, "KVM: kvm_handle_unknown_ec logs 'Unknown exception class' and "
			  "injects an UNDEF: the guest sees an undefined-instruction exception at "
			  "ELR. arm_vcpu panics. Check next: disassemble the instruction at ELR "
			  "(insn=<word>).");
}

static void dec_a64_explain_serror(dec_a64_facts *f, dec_report *rep)
{
	(void)f;
	dec_diagnose(rep, "SError: asynchronous. ELR_EL2 only says where the guest was when the "
			  "error arrived, not what caused it; there is no FAR. AET tells how bad "
			  "it is (UC/UEU fatal, UEO/UER recoverable, CE corrected).");
	dec_diagnose(rep, "KVM: kvm_handle_guest_serror lets the host RAS code deal with "
			  "recoverable and corrected errors and otherwise injects a virtual SError "
			  "into the guest. arm_vcpu's SError vectors panic. Check next: an earlier "
			  "device access that returned an error, a stage-2 mapping to host memory "
			  "that does not exist, the firmware's RAS error records.");
}

static void dec_a64_explain_generic(dec_a64_facts *f, dec_report *rep)
{
	(void)f;
	dec_diagnose(rep, "See the ESR hint for what KVM and arm_vcpu do with this class.");
}

typedef void dec_a64_explain_fn(dec_a64_facts *f, dec_report *rep);

static dec_a64_explain_fn *const dec_a64_explainers[64] = {
    [A64_EC_UNKNOWN] = dec_a64_explain_unknown,	  [A64_EC_WFX] = dec_a64_explain_wfx,
    [A64_EC_HVC32] = dec_a64_explain_hvc,	  [A64_EC_HVC64] = dec_a64_explain_hvc,
    [A64_EC_SMC32] = dec_a64_explain_smc,	  [A64_EC_SMC64] = dec_a64_explain_smc,
    [A64_EC_SYS64] = dec_a64_explain_sysreg,	  [A64_EC_SYS128] = dec_a64_explain_sysreg,
    [A64_EC_IABT_LOW] = dec_a64_explain_iabt,	  [A64_EC_IABT_CUR] = dec_a64_explain_iabt,
    [A64_EC_DABT_LOW] = dec_a64_explain_dabt,	  [A64_EC_DABT_CUR] = dec_a64_explain_dabt,
    [A64_EC_SERROR] = dec_a64_explain_serror,	  [A64_EC_BREAKPT_LOW] = dec_a64_explain_debug,
    [A64_EC_SOFTSTP_LOW] = dec_a64_explain_debug, [A64_EC_WATCHPT_LOW] = dec_a64_explain_debug,
    [A64_EC_BKPT32] = dec_a64_explain_debug,	  [A64_EC_VECTOR32] = dec_a64_explain_debug,
    [A64_EC_BRK64] = dec_a64_explain_debug,
};

static void dec_a64_derive_exception(const dec_a64_facts *f, dec_report *rep)
{
	dec_derive(rep, "exception",
		   dec_text_fmt(&rep->text, "EC 0x%02x: %s", f->ec, dec_a64_ec_long_name(f->ec)),
		   "ESR[31:26]");
}

static void dec_a64_explain_esr(dec_a64_facts *f, dec_report *rep)
{
	dec_a64_explain_fn *fn = dec_a64_explainers[f->ec];

	if (f->el != 2) {
		dec_diagnose(rep, "This syndrome was taken to EL%d: %s", f->el,
			     f->el == 1
				 ? "the guest kernel handles it; no hypervisor exit happened."
				 : "the secure monitor firmware handles it.");
		return;
	}
	if (!dec_a64_ec_allocated(f->ec))
		fn = dec_a64_explain_unknown;
	(fn ? fn : dec_a64_explain_generic)(f, rep);
}

/* ---- Other registers ------------------------------------------------------------------------ */

/* How far past ELR the guest resumes after the trap is emulated. */
static void dec_a64_derive_next_pc(const dec_a64_facts *f, dec_report *rep)
{
	unsigned skip = dec_bits(f->esr, 25, 1) ? 4 : 2;
	uint64_t next = f->elr + skip;

	if (!f->has_elr || !f->has_esr || f->el != 2)
		return;
	switch (f->ec) {
	case A64_EC_HVC32:
	case A64_EC_HVC64:
		dec_derive(rep, "next_pc", dec_a64_hex(rep, f->elr),
			   "ELR_EL2 (already after the HVC)");
		break;
	case A64_EC_DABT_LOW:
		dec_derive(rep, "next_pc",
			   dec_text_fmt(&rep->text,
					"0x%llx after MMIO emulation; 0x%llx (retry) "
					"after mapping RAM",
					(unsigned long long)next, (unsigned long long)f->elr),
			   skip == 4 ? "ELR_EL2 + 4 (ESR.IL = 1)" : "ELR_EL2 + 2 (ESR.IL = 0)");
		break;
	case A64_EC_SYS64:
	case A64_EC_SMC32:
	case A64_EC_SMC64:
	case A64_EC_WFX:
		dec_derive(rep, "next_pc", dec_a64_hex(rep, next),
			   skip == 4 ? "ELR_EL2 + 4 (ESR.IL = 1)" : "ELR_EL2 + 2 (ESR.IL = 0)");
		break;
	default: break;
	}
}

static void dec_a64_explain_guest_state(const dec_a64_facts *f, dec_report *rep)
{
	unsigned mode = (unsigned)dec_bits(f->spsr, 0, 5);
	char text[192];

	if (f->has_spsr) {
		dec_derive(rep, "guest_mode", dec_a64_spsr_mode_name(mode), "SPSR_EL2.M[4:0]");
		if (mode == 0x00 && dec_a64_is_abort(f))
			dec_diagnose(rep,
				     "SPSR_EL2 says the guest was at EL0: the access came from "
				     "guest user space.");
	}
	if (f->has_insn) {
		bool ok =
		    dec_a64_disasm((uint32_t)f->insn, f->has_elr ? f->elr : 0, text, sizeof text);
		dec_derive(rep, "instruction", dec_text_fmt(&rep->text, "%s", text),
			   ok ? "Capstone, at address ELR_EL2 (0 if not given)"
			      : "Capstone does not know this word");
	}
}

static void dec_a64_explain_stage2(const dec_a64_facts *f, dec_report *rep)
{
	if (f->has_hcr && !dec_bits(f->hcr, 0, 1))
		dec_diagnose(rep, "HCR_EL2.VM is 0: stage 2 is off, guest-physical addresses are "
				  "host-physical addresses and no stage-2 fault can happen.");
	if (f->has_vtcr) {
		dec_a64_s2_geometry g;

		dec_a64_vtcr_geometry(f->vtcr, &g);
		if (!dec_a64_s2_geometry_consistent(&g))
			dec_diagnose(rep,
				     "VTCR_EL2 is inconsistent: a %u-bit IPA cannot start at "
				     "the level SL0 selects (that level resolves %u..%u bits, "
				     "or the granule/level is reserved); every stage-2 walk "
				     "faults at level 0.",
				     g.ipa_bits, g.min_ipa_bits, g.max_ipa_bits);
		else
			dec_derive(rep, "stage2",
				   dec_text_fmt(&rep->text,
						"%u-bit IPA, %u KB granule, start level "
						"%d, %u root table%s",
						g.ipa_bits, 1u << (g.granule_bits - 10),
						g.start_level, g.concat_tables,
						g.concat_tables > 1 ? "s" : ""),
				   "VTCR_EL2 T0SZ, TG0, SL0");
	}
}

static void dec_a64_explain_call_alone(const dec_a64_facts *f, dec_report *rep)
{
	const char *name, *kvm;

	if (!f->has_call || (f->has_esr && (f->ec == A64_EC_HVC64 || f->ec == A64_EC_SMC64 ||
					    f->ec == A64_EC_HVC32 || f->ec == A64_EC_SMC32)))
		return;
	name = dec_a64_smccc_function_name(f->call);
	kvm = dec_a64_smccc_kvm_action(f->call);
	dec_derive(rep, "function", name ? name : "unknown SMCCC function", "SMCCC function ID");
	if (kvm)
		dec_a64_diagnose_kvm(rep, kvm);
	dec_diagnose(rep, "Via HVC: %s Via SMC: %s", dec_a64_smccc_arm_vcpu_action(f->call, false),
		     dec_a64_smccc_arm_vcpu_action(f->call, true));
}

void dec_a64_explain(const dec_ctx *ctx, dec_report *rep)
{
	dec_a64_facts f;

	dec_a64_gather(ctx, &f);
	if (f.has_esr)
		dec_a64_derive_exception(&f, rep);
	dec_a64_derive_addresses(&f, rep);
	if (f.has_esr)
		dec_a64_explain_esr(&f, rep);
	dec_a64_check_ipa_range(&f, rep);
	dec_a64_derive_next_pc(&f, rep);
	dec_a64_explain_guest_state(&f, rep);
	dec_a64_explain_stage2(&f, rep);
	dec_a64_explain_call_alone(&f, rep);
}
