/* ESR_ELx: exception class, instruction length, ISS and ISS2 for every class the Arm ARM
 * (DDI0487 L.a) allocates. One table entry per EC names the class, decodes its ISS and ISS2,
 * and says what a hypervisor at EL2 (KVM, and ArceOS arm_vcpu) does with it. */
#include "a64.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* ---- Registers and small name tables ----------------------------------------------------- */

static const char *const dec_a64_xregs[32] = {
    "x0",  "x1",  "x2",	 "x3",	"x4",  "x5",  "x6",  "x7",  "x8",  "x9",  "x10",
    "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21",
    "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29", "x30", "xzr",
};

static const char *const dec_a64_wregs[32] = {
    "w0",  "w1",  "w2",	 "w3",	"w4",  "w5",  "w6",  "w7",  "w8",  "w9",  "w10",
    "w11", "w12", "w13", "w14", "w15", "w16", "w17", "w18", "w19", "w20", "w21",
    "w22", "w23", "w24", "w25", "w26", "w27", "w28", "w29", "w30", "wzr",
};

const char *dec_a64_gpr_name(unsigned n, bool is64)
{
	return is64 ? dec_a64_xregs[n & 31] : dec_a64_wregs[n & 31];
}

static const char *const dec_a64_cond_names[16] = {
    "EQ (equal)",
    "NE (not equal)",
    "CS/HS (carry set, unsigned higher or same)",
    "CC/LO (carry clear, unsigned lower)",
    "MI (negative)",
    "PL (positive or zero)",
    "VS (overflow)",
    "VC (no overflow)",
    "HI (unsigned higher)",
    "LS (unsigned lower or same)",
    "GE (signed greater than or equal)",
    "LT (signed less than)",
    "GT (signed greater than)",
    "LE (signed less than or equal)",
    "AL (always; A64 instructions, which have no condition, report this too)",
    "NV (unconditional encoding)",
};

static uint32_t dec_a64_iss_bits(const dec_reg *r, unsigned lsb, unsigned width)
{
	return (uint32_t)dec_bits(r->value, lsb, width);
}

/* CV[24] and COND[23:20], shared by the AArch32-flavoured classes. */
static void dec_a64_cond_fields(dec_reg *r)
{
	dec_a64_flag(r, "CV", "Condition code valid", 24,
		     "COND is not valid: whether the instruction was conditional is UNKNOWN",
		     "COND holds the condition code of the trapped instruction");
	dec_a64_enum(r, "COND", "Condition code", 20, 4, dec_a64_cond_names,
		     A64_COUNT(dec_a64_cond_names));
}

/* An AArch32 register named by its AArch64 view: r0-r12 are x0-x12 in every mode. */
static const char *dec_a64_aarch32_reg(dec_reg *r, unsigned n)
{
	return n <= 12 ? dec_fmt(r, "r%u", n) : dec_fmt(r, "x%u (AArch64 view)", n);
}

/* ---- Fault status codes ----------------------------------------------------------------- */

static const dec_a64_fsc dec_a64_fscs[64] = {
    [0x00] = {A64_FAULT_ADDR_SIZE, 0,
	      "address size fault, level 0 of translation or translation table base "
	      "register"},
    [0x01] = {A64_FAULT_ADDR_SIZE, 1, "address size fault, level 1"},
    [0x02] = {A64_FAULT_ADDR_SIZE, 2, "address size fault, level 2"},
    [0x03] = {A64_FAULT_ADDR_SIZE, 3, "address size fault, level 3"},
    [0x04] = {A64_FAULT_TRANSLATION, 0, "translation fault, level 0"},
    [0x05] = {A64_FAULT_TRANSLATION, 1, "translation fault, level 1"},
    [0x06] = {A64_FAULT_TRANSLATION, 2, "translation fault, level 2"},
    [0x07] = {A64_FAULT_TRANSLATION, 3, "translation fault, level 3"},
    [0x08] = {A64_FAULT_ACCESS_FLAG, 0, "access flag fault, level 0 (FEAT_LPA2)"},
    [0x09] = {A64_FAULT_ACCESS_FLAG, 1, "access flag fault, level 1"},
    [0x0A] = {A64_FAULT_ACCESS_FLAG, 2, "access flag fault, level 2"},
    [0x0B] = {A64_FAULT_ACCESS_FLAG, 3, "access flag fault, level 3"},
    [0x0C] = {A64_FAULT_PERMISSION, 0, "permission fault, level 0 (FEAT_LPA2)"},
    [0x0D] = {A64_FAULT_PERMISSION, 1, "permission fault, level 1"},
    [0x0E] = {A64_FAULT_PERMISSION, 2, "permission fault, level 2"},
    [0x0F] = {A64_FAULT_PERMISSION, 3, "permission fault, level 3"},
    [0x10] = {A64_FAULT_EXTERNAL, A64_NO_LEVEL,
	      "synchronous External abort, not on a translation table walk or hardware "
	      "update of translation table"},
    [0x11] = {A64_FAULT_TAG_CHECK, A64_NO_LEVEL,
	      "synchronous Tag Check Fault (FEAT_MTE2; data aborts only)"},
    [0x12] = {A64_FAULT_EXTERNAL_TTW, -2,
	      "synchronous External abort on translation table walk or hardware update of "
	      "translation table, level -2 (FEAT_D128)"},
    [0x13] = {A64_FAULT_EXTERNAL_TTW, -1,
	      "synchronous External abort on translation table walk or hardware update of "
	      "translation table, level -1 (FEAT_LPA2)"},
    [0x14] = {A64_FAULT_EXTERNAL_TTW, 0,
	      "synchronous External abort on translation table walk or hardware update of "
	      "translation table, level 0"},
    [0x15] = {A64_FAULT_EXTERNAL_TTW, 1,
	      "synchronous External abort on translation table walk or hardware update of "
	      "translation table, level 1"},
    [0x16] = {A64_FAULT_EXTERNAL_TTW, 2,
	      "synchronous External abort on translation table walk or hardware update of "
	      "translation table, level 2"},
    [0x17] = {A64_FAULT_EXTERNAL_TTW, 3,
	      "synchronous External abort on translation table walk or hardware update of "
	      "translation table, level 3"},
    [0x18] = {A64_FAULT_PARITY, A64_NO_LEVEL,
	      "synchronous parity or ECC error on memory access, not on translation table "
	      "walk (only without FEAT_RAS)"},
    [0x1B] = {A64_FAULT_PARITY_TTW, -1,
	      "synchronous parity or ECC error on translation table walk or hardware "
	      "update of translation table, level -1 (FEAT_LPA2, only without FEAT_RAS)"},
    [0x1C] = {A64_FAULT_PARITY_TTW, 0,
	      "synchronous parity or ECC error on translation table walk or hardware "
	      "update of translation table, level 0 (only without FEAT_RAS)"},
    [0x1D] = {A64_FAULT_PARITY_TTW, 1,
	      "synchronous parity or ECC error on translation table walk or hardware "
	      "update of translation table, level 1 (only without FEAT_RAS)"},
    [0x1E] = {A64_FAULT_PARITY_TTW, 2,
	      "synchronous parity or ECC error on translation table walk or hardware "
	      "update of translation table, level 2 (only without FEAT_RAS)"},
    [0x1F] = {A64_FAULT_PARITY_TTW, 3,
	      "synchronous parity or ECC error on translation table walk or hardware "
	      "update of translation table, level 3 (only without FEAT_RAS)"},
    [0x21] = {A64_FAULT_ALIGNMENT, A64_NO_LEVEL, "alignment fault"},
    [0x22] = {A64_FAULT_GPF_TTW, -2,
	      "Granule Protection Fault on translation table walk or hardware update of "
	      "translation table, level -2 (FEAT_RME with FEAT_D128; in a debug exception "
	      "syndrome 0x22 means 'Debug exception' instead)"},
    [0x23] = {A64_FAULT_GPF_TTW, -1,
	      "Granule Protection Fault on translation table walk or hardware update of "
	      "translation table, level -1 (FEAT_RME with FEAT_LPA2)"},
    [0x24] = {A64_FAULT_GPF_TTW, 0,
	      "Granule Protection Fault on translation table walk or hardware update of "
	      "translation table, level 0 (FEAT_RME)"},
    [0x25] = {A64_FAULT_GPF_TTW, 1,
	      "Granule Protection Fault on translation table walk or hardware update of "
	      "translation table, level 1 (FEAT_RME)"},
    [0x26] = {A64_FAULT_GPF_TTW, 2,
	      "Granule Protection Fault on translation table walk or hardware update of "
	      "translation table, level 2 (FEAT_RME)"},
    [0x27] = {A64_FAULT_GPF_TTW, 3,
	      "Granule Protection Fault on translation table walk or hardware update of "
	      "translation table, level 3 (FEAT_RME)"},
    [0x28] = {A64_FAULT_GPF, A64_NO_LEVEL,
	      "Granule Protection Fault, not on translation table walk or hardware update "
	      "of translation table (FEAT_RME)"},
    [0x29] = {A64_FAULT_ADDR_SIZE, -1, "address size fault, level -1 (FEAT_LPA2)"},
    [0x2A] = {A64_FAULT_TRANSLATION, -2, "translation fault, level -2 (FEAT_D128)"},
    [0x2B] = {A64_FAULT_TRANSLATION, -1, "translation fault, level -1 (FEAT_LPA2)"},
    [0x2C] = {A64_FAULT_ADDR_SIZE, -2, "address size fault, level -2 (FEAT_D128)"},
    [0x30] = {A64_FAULT_TLB_CONFLICT, A64_NO_LEVEL, "TLB conflict abort"},
    [0x31] = {A64_FAULT_ATOMIC_HW_UPDATE, A64_NO_LEVEL,
	      "unsupported atomic hardware update fault (FEAT_HAFDBS)"},
    [0x34] = {A64_FAULT_IMPDEF, A64_NO_LEVEL, "IMPLEMENTATION DEFINED fault (Lockdown)"},
    [0x35] = {A64_FAULT_IMPDEF, A64_NO_LEVEL,
	      "IMPLEMENTATION DEFINED fault (Unsupported Exclusive or Atomic access)"},
};

static const dec_a64_fsc dec_a64_fsc_reserved = {A64_FAULT_RESERVED, A64_NO_LEVEL,
						 "reserved fault status code"};

const dec_a64_fsc *dec_a64_fsc_info(unsigned fsc)
{
	const dec_a64_fsc *f = &dec_a64_fscs[fsc & 63];
	return f->name ? f : &dec_a64_fsc_reserved;
}

static const dec_a64_fsc *dec_a64_fsc_field(dec_reg *r, const char *name, const char *long_name)
{
	const dec_a64_fsc *fsc = dec_a64_fsc_info(dec_a64_iss_bits(r, 0, 6));
	dec_field *f = dec_field_add(r, name, long_name, 0, 6, fsc->name);

	if (f && fsc->kind == A64_FAULT_RESERVED)
		f->warn = true;
	return fsc;
}

/* xFSC of a debug exception: always 0x22. */
static void dec_a64_debug_fsc_field(dec_reg *r, const char *name, const char *long_name)
{
	bool debug = dec_a64_iss_bits(r, 0, 6) == 0x22;
	dec_field *f = dec_field_add(r, name, long_name, 0, 6,
				     debug ? "Debug exception"
					   : "unexpected: a debug exception "
					     "reports 0x22 here");
	if (f && !debug)
		f->warn = true;
}

/* ---- Aborts ------------------------------------------------------------------------------ */

static const char *const dec_a64_set_names[4] = {
    "UER: recoverable error (the PE state is intact; software can recover)",
    NULL,
    "UC: uncontainable error",
    "UEO: restartable error (the PE can continue once the error is handled)",
};

/* From the Arm ARM, for DFSC 0x35 with FEAT_LS64. */
static const char *const dec_a64_lst_names[4] = {
    "the instruction that caused the abort is not specified",
    "an ST64BV instruction caused the abort",
    "an LD64B or ST64B instruction caused the abort",
    "an ST64BV0 instruction caused the abort",
};

/* Bits [12:11]: SET for a synchronous External abort, LST for DFSC 0x35, else RES0. */
static void dec_a64_abort_error_type(dec_reg *r, unsigned fsc, bool data)
{
	if (fsc == 0x10)
		dec_a64_enum(r, "SET", "Synchronous Error Type", 11, 2, dec_a64_set_names,
			     A64_COUNT(dec_a64_set_names));
	else if (data && fsc == 0x35)
		dec_a64_enum(r, "LST", "Load/Store Type (FEAT_LS64)", 11, 2, dec_a64_lst_names,
			     A64_COUNT(dec_a64_lst_names));
	else
		dec_a64_res0(r, 11, 2);
}

static void dec_a64_far_valid_field(dec_reg *r)
{
	dec_a64_flag(r, "FnV", "FAR not Valid", 10, "FAR holds the faulting virtual address",
		     "FAR is not valid: it holds an UNKNOWN value");
}

static void dec_a64_s1ptw_field(dec_reg *r)
{
	dec_a64_flag(r, "S1PTW", "Stage 2 fault on a stage 1 translation table walk", 7,
		     "the fault is on the access itself",
		     "stage-2 fault while the hardware was reading the guest's own page tables "
		     "(stage-1 walk); HPFAR_EL2 holds the IPA of that page-table entry");
}

static const char *const dec_a64_sas_names[4] = {
    "byte (1 byte)",
    "halfword (2 bytes)",
    "word (4 bytes)",
    "doubleword (8 bytes)",
};

const char *dec_a64_dabt_access(uint32_t iss, char *buf, size_t size)
{
	unsigned bytes = 1u << dec_bits(iss, 22, 2);
	const char *reg = dec_a64_gpr_name((unsigned)dec_bits(iss, 16, 5), dec_bits(iss, 15, 1));

	if (dec_bits(iss, 6, 1))
		snprintf(buf, size, "write of %u byte%s from %s", bytes, bytes > 1 ? "s" : "", reg);
	else
		snprintf(buf, size, "read of %u byte%s into %s%s", bytes, bytes > 1 ? "s" : "", reg,
			 dec_bits(iss, 21, 1) ? ", sign-extended" : "");
	return buf;
}

static void dec_a64_dabt_syndrome_fields(dec_reg *r)
{
	unsigned srt = dec_a64_iss_bits(r, 16, 5);
	bool sf = dec_a64_iss_bits(r, 15, 1);

	dec_a64_enum(r, "SAS", "Syndrome Access Size", 22, 2, dec_a64_sas_names,
		     A64_COUNT(dec_a64_sas_names));
	dec_a64_flag(r, "SSE", "Syndrome Sign Extend", 21, "a loaded value is zero-extended",
		     "a loaded value is sign-extended to the register width");
	dec_field_add(r, "SRT", "Syndrome Register Transfer", 16, 5,
		      dec_fmt(r, "the data register is %s", dec_a64_gpr_name(srt, sf)));
	dec_a64_flag(
	    r, "SF", "Sixty-Four bit register", 15,
	    "32-bit register (Wn): a load writes the low 32 bits and zeroes the upper half",
	    "64-bit register (Xn)");
	dec_a64_flag(r, "AR", "Acquire/Release", 14, "no acquire/release semantics",
		     "load-acquire or store-release (LDAR/STLR family)");
}

static const char *dec_a64_iss_dabt(dec_reg *r, dec_field *iss, unsigned ec)
{
	uint32_t v = dec_a64_esr_iss(r->value);
	bool isv = dec_bits(v, 24, 1);
	const dec_a64_fsc *fsc;
	char access[64];

	(void)iss;
	(void)ec;
	dec_a64_flag(
	    r, "ISV", "Instruction Syndrome Valid", 24,
	    "no instruction syndrome: bits [23:14] are not valid; the faulting instruction "
	    "must be read from memory and decoded (LDP/STP, writeback, SIMD and SVE "
	    "accesses never have one)",
	    "bits [23:14] describe the access: size, register, sign extension");
	if (isv)
		dec_a64_dabt_syndrome_fields(r);
	dec_a64_flag(r, "VNCR", "VNCR_EL2 access", 13, "not caused by a VNCR_EL2-redirected access",
		     "caused by an EL1 MRS/MSR that FEAT_NV2 turned into a memory access through "
		     "VNCR_EL2");
	dec_a64_abort_error_type(r, (unsigned)dec_bits(v, 0, 6), true);
	dec_a64_far_valid_field(r);
	dec_a64_flag(r, "EA", "External abort type", 9, "EA = 0",
		     "EA = 1 (IMPLEMENTATION DEFINED classification of an External abort)");
	dec_a64_flag(
	    r, "CM", "Cache Maintenance", 8,
	    "not caused by a cache maintenance or address translation instruction",
	    "caused by a cache maintenance (DC/IC) or address translation (AT) instruction");
	dec_a64_s1ptw_field(r);
	dec_a64_flag(r, "WnR", "Write not Read", 6, "the access was a read",
		     "the access was a write (also for an atomic read-modify-write)");
	fsc = dec_a64_fsc_field(r, "DFSC", "Data Fault Status Code");

	if (isv)
		return dec_fmt(r, "%s, %s (ISV=1)", fsc->name,
			       dec_a64_dabt_access(v, access, sizeof access));
	return dec_fmt(r, "%s, %s%s, no instruction syndrome (ISV=0)", fsc->name,
		       dec_bits(v, 6, 1) ? "write" : "read",
		       dec_bits(v, 7, 1) ? " during the stage-1 page-table walk" : "");
}

static const char *dec_a64_iss_iabt(dec_reg *r, dec_field *iss, unsigned ec)
{
	const dec_a64_fsc *fsc;

	(void)iss;
	(void)ec;
	dec_a64_res0(r, 13, 12);
	dec_a64_abort_error_type(r, dec_a64_iss_bits(r, 0, 6), false);
	dec_a64_far_valid_field(r);
	dec_a64_flag(r, "EA", "External abort type", 9, "EA = 0",
		     "EA = 1 (IMPLEMENTATION DEFINED classification of an External abort)");
	dec_a64_res0(r, 8, 1);
	dec_a64_s1ptw_field(r);
	dec_a64_res0(r, 6, 1);
	fsc = dec_a64_fsc_field(r, "IFSC", "Instruction Fault Status Code");
	return dec_fmt(r, "%s on an instruction fetch%s", fsc->name,
		       dec_a64_iss_bits(r, 7, 1) ? " (during the stage-1 page-table walk)" : "");
}

static void dec_a64_iss2_dabt(dec_reg *r)
{
	unsigned xs = dec_a64_iss_bits(r, 32, 5);

	dec_a64_res0(r, 44, 12);
	dec_a64_flag(
	    r, "HDBSSF", "HDBSS fault", 43, "not caused by the HDBSS",
	    "caused by the hardware dirty-state tracking structure (full, or a write to it "
	    "faulted; FEAT_HDBSS)");
	dec_a64_flag(
	    r, "TnD", "Tag not Data", 42, "not an Allocation Tag write",
	    "stage-1 permission fault on a write of an Allocation Tag to Canonically Tagged "
	    "memory (FEAT_MTE_CANONICAL_TAGS)");
	dec_a64_flag(r, "TagAccess", "NoTagAccess fault", 41, "not due to NoTagAccess",
		     "fault caused by the NoTagAccess memory attribute (FEAT_MTE_PERM)");
	dec_a64_flag(r, "GCS", "Guarded Control Stack access", 40, "not a GCS data access",
		     "the faulting access was a Guarded Control Stack data access (FEAT_GCS)");
	dec_a64_flag(r, "AssuredOnly", "AssuredOnly fault", 39, "not due to AssuredOnly",
		     "stage-2 fault caused by the AssuredOnly attribute (FEAT_THE)");
	dec_a64_flag(r, "Overlay", "Overlay permission fault", 38, "not due to Overlay Permissions",
		     "permission fault caused by Overlay Permissions (FEAT_S1POE/FEAT_S2POE)");
	dec_a64_flag(r, "DirtyBit", "Dirty state", 37, "not a fault on dirty state",
		     "permission fault because the page is not yet marked dirty (indirect "
		     "permissions, FEAT_S1PIE/FEAT_S2PIE)");
	dec_field_add(r, "Xs", "Status register of ST64BV/ST64BV0", 32, 5,
		      xs ? dec_fmt(r, "x%u (FEAT_LS64_V/LS64_ACCDATA)", xs)
			 : "0 (only an ST64BV or ST64BV0 fault sets this)");
}

static void dec_a64_iss2_iabt(dec_reg *r)
{
	dec_a64_res0(r, 40, 16);
	dec_a64_flag(r, "AssuredOnly", "AssuredOnly fault", 39, "not due to AssuredOnly",
		     "stage-2 fault caused by the AssuredOnly attribute (FEAT_THE)");
	dec_a64_flag(r, "Overlay", "Overlay permission fault", 38, "not due to Overlay Permissions",
		     "permission fault caused by Overlay Permissions (FEAT_S1POE/FEAT_S2POE)");
	dec_a64_res0(r, 32, 6);
}

static void dec_a64_iss2_watchpoint(dec_reg *r)
{
	dec_a64_res0(r, 41, 15);
	dec_a64_flag(r, "GCS", "Guarded Control Stack access", 40, "not a GCS data access",
		     "the watchpoint hit a Guarded Control Stack data access (FEAT_GCS)");
	dec_a64_res0(r, 32, 8);
}

/* ---- Instruction traps ------------------------------------------------------------------- */

static const char *dec_a64_iss_none(dec_reg *r, dec_field *iss, unsigned ec)
{
	(void)ec;
	iss->meaning = "no syndrome for this class (RES0)";
	dec_a64_res0(r, 0, 25);
	return NULL;
}

static const char *dec_a64_iss_unallocated(dec_reg *r, dec_field *iss, unsigned ec)
{
	(void)r;
	(void)ec;
	iss->meaning = "no layout: the exception class is unallocated";
	return NULL;
}

static const char *dec_a64_iss_impdef(dec_reg *r, dec_field *iss, unsigned ec)
{
	(void)r;
	(void)ec;
	iss->meaning = "IMPLEMENTATION DEFINED syndrome";
	return NULL;
}

static const char *dec_a64_iss_pmu(dec_reg *r, dec_field *iss, unsigned ec)
{
	(void)r;
	(void)ec;
	iss->meaning = "PMU exception syndrome (FEAT_EBEP); trapscope does not split this ISS "
		       "into fields";
	return NULL;
}

static const char *const dec_a64_wfx_names[4] = {"WFI", "WFE", "WFIT", "WFET"};

static const char *dec_a64_iss_wfx(dec_reg *r, dec_field *iss, unsigned ec)
{
	unsigned ti = dec_a64_iss_bits(r, 0, 2);
	bool rv = dec_a64_iss_bits(r, 2, 1);
	unsigned rn = dec_a64_iss_bits(r, 5, 5);

	(void)iss;
	(void)ec;
	dec_a64_cond_fields(r);
	dec_a64_res0(r, 10, 10);
	dec_field_add(r, "RN", "Register Number", 5, 5,
		      rv ? dec_fmt(r, "x%u holds the timeout (a CNTVCT_EL0 value)", rn)
			 : "not valid (RV = 0)");
	dec_a64_res0(r, 3, 2);
	dec_a64_flag(r, "RV", "Register field Valid", 2, "RN is not valid",
		     "RN is valid (WFIT/WFET, FEAT_WFxT)");
	dec_a64_enum(r, "TI", "Trapped Instruction", 0, 2, dec_a64_wfx_names,
		     A64_COUNT(dec_a64_wfx_names));
	if (rv)
		return dec_fmt(r, "%s with the timeout in x%u", dec_a64_wfx_names[ti], rn);
	return dec_a64_wfx_names[ti];
}

#define A64_CP_ENCODING	 "part of the coprocessor register's encoding"
#define A64_SYS_ENCODING "part of the encoding that names the register or operation"

static const char *const dec_a64_direction_names[2] = {
    "write to the system register (MCR/MCRR)",
    "read from the system register (MRC/MRRC/VMRS)",
};

/* FP ID registers a trapped VMRS can read, indexed by its reg field (CRn in the ISS). */
static const char *const dec_a64_vmrs_regs[16] = {
    [0] = "FPSID",
    [5] = "MVFR2",
    [6] = "MVFR1",
    [7] = "MVFR0",
};

static const char *dec_a64_iss_mcr(dec_reg *r, dec_field *iss, unsigned ec)
{
	unsigned opc2 = dec_a64_iss_bits(r, 17, 3), opc1 = dec_a64_iss_bits(r, 14, 3);
	unsigned crn = dec_a64_iss_bits(r, 10, 4), rt = dec_a64_iss_bits(r, 5, 5);
	unsigned crm = dec_a64_iss_bits(r, 1, 4);
	bool read = dec_a64_iss_bits(r, 0, 1);
	const char *reg;

	(void)iss;
	dec_a64_cond_fields(r);
	dec_field_add(r, "Opc2", "Opc2", 17, 3, A64_CP_ENCODING);
	dec_field_add(r, "Opc1", "Opc1", 14, 3, A64_CP_ENCODING);
	dec_field_add(r, "CRn", "CRn", 10, 4, A64_CP_ENCODING);
	dec_field_add(r, "Rt", "Rt", 5, 5,
		      dec_fmt(r, "general-purpose register x%u (AArch64 view)", rt));
	dec_field_add(r, "CRm", "CRm", 1, 4, A64_CP_ENCODING);
	dec_a64_enum(r, "Direction", "Direction", 0, 1, dec_a64_direction_names,
		     A64_COUNT(dec_a64_direction_names));
	reg = dec_a64_aarch32_reg(r, rt);
	if (ec == A64_EC_CP10_ID) {
		const char *id =
		    dec_a64_vmrs_regs[crn] ? dec_a64_vmrs_regs[crn] : "an FP ID register";
		return dec_fmt(r, "VMRS %s, %s", reg, id);
	}
	return dec_fmt(r, "%s p%u, %u, %s, c%u, c%u, %u", read ? "MRC" : "MCR",
		       ec == A64_EC_CP15_32 ? 15 : 14, opc1, reg, crn, crm, opc2);
}

static const char *dec_a64_iss_mcrr(dec_reg *r, dec_field *iss, unsigned ec)
{
	unsigned opc1 = dec_a64_iss_bits(r, 16, 4), rt2 = dec_a64_iss_bits(r, 10, 5);
	unsigned rt = dec_a64_iss_bits(r, 5, 5), crm = dec_a64_iss_bits(r, 1, 4);
	bool read = dec_a64_iss_bits(r, 0, 1);

	(void)iss;
	dec_a64_cond_fields(r);
	dec_field_add(r, "Opc1", "Opc1", 16, 4, A64_CP_ENCODING);
	dec_a64_res0(r, 15, 1);
	dec_field_add(r, "Rt2", "Rt2", 10, 5,
		      dec_fmt(r, "second register x%u (AArch64 view)", rt2));
	dec_field_add(r, "Rt", "Rt", 5, 5, dec_fmt(r, "first register x%u (AArch64 view)", rt));
	dec_field_add(r, "CRm", "CRm", 1, 4, A64_CP_ENCODING);
	dec_a64_enum(r, "Direction", "Direction", 0, 1, dec_a64_direction_names,
		     A64_COUNT(dec_a64_direction_names));
	return dec_fmt(r, "%s p%u, %u, %s, %s, c%u", read ? "MRRC" : "MCRR",
		       ec == A64_EC_CP15_64 ? 15 : 14, opc1, dec_a64_aarch32_reg(r, rt),
		       dec_a64_aarch32_reg(r, rt2), crm);
}

static const char *const dec_a64_ldc_modes[8] = {
    [0] = "immediate, unindexed",
    [1] = "immediate, post-indexed",
    [2] = "immediate, offset",
    [3] = "immediate, pre-indexed",
    [4] = "literal, unindexed (A32 LDC only; reserved for STC and T32 LDC)",
    [6] = "literal, offset (LDC only; reserved for STC)",
};

static const char *dec_a64_iss_ldc(dec_reg *r, dec_field *iss, unsigned ec)
{
	bool read = dec_a64_iss_bits(r, 0, 1);

	(void)iss;
	(void)ec;
	dec_a64_cond_fields(r);
	dec_field_add(r, "imm8", "Immediate offset", 12, 8, "the word offset of the access");
	dec_a64_res0(r, 10, 2);
	dec_field_add(r, "Rn", "Base register", 5, 5,
		      dec_fmt(r, "x%u (AArch64 view)", dec_a64_iss_bits(r, 5, 5)));
	dec_a64_flag(r, "Offset", "Offset direction", 4, "the offset is subtracted",
		     "the offset is added");
	dec_a64_enum(r, "AM", "Addressing Mode", 1, 3, dec_a64_ldc_modes,
		     A64_COUNT(dec_a64_ldc_modes));
	dec_a64_flag(r, "Direction", "Direction", 0, "STC: write to memory from DBGDTRRXint",
		     "LDC: read from memory into DBGDTRTXint");
	return read ? "LDC (debug data transfer from memory)"
		    : "STC (debug data transfer to memory)";
}

static const char *dec_a64_iss_fp_access(dec_reg *r, dec_field *iss, unsigned ec)
{
	(void)iss;
	(void)ec;
	dec_a64_cond_fields(r);
	dec_a64_res0(r, 0, 20);
	return NULL;
}

static const char *const dec_a64_other_names[5] = {
    "ST64BV trapped",	 "ST64BV0 trapped",   "LD64B or ST64B trapped",
    "TSB CSYNC trapped", "PSB CSYNC trapped",
};

static const char *dec_a64_iss_other(dec_reg *r, dec_field *iss, unsigned ec)
{
	uint32_t v = dec_a64_esr_iss(r->value);

	(void)ec;
	if (v < A64_COUNT(dec_a64_other_names)) {
		iss->meaning = dec_a64_other_names[v];
		return dec_a64_other_names[v];
	}
	iss->meaning = "reserved syndrome value";
	iss->warn = true;
	return NULL;
}

static const char *const dec_a64_btype_names[4] = {
    "0b00: no branch-target check pending",
    "0b01: BR with x16/x17, or BR from a non-guarded page",
    "0b10: BLR (branch with link to a register)",
    "0b11: BR with another register, from a guarded page",
};

static const char *dec_a64_iss_bti(dec_reg *r, dec_field *iss, unsigned ec)
{
	(void)iss;
	(void)ec;
	dec_a64_res0(r, 2, 23);
	dec_a64_enum(r, "BTYPE", "PSTATE.BTYPE of the branch", 0, 2, dec_a64_btype_names,
		     A64_COUNT(dec_a64_btype_names));
	return "the branch landed on an instruction that is not a valid BTI target";
}

static const char *dec_a64_iss_imm16(dec_reg *r, dec_field *iss, unsigned ec)
{
	static const char *const mnemonic[] = {[A64_EC_SVC32] = "SVC",
					       [A64_EC_HVC32] = "HVC",
					       [A64_EC_SVC64] = "SVC",
					       [A64_EC_HVC64] = "HVC",
					       [A64_EC_SMC64] = "SMC"};
	unsigned imm = dec_a64_iss_bits(r, 0, 16);

	(void)iss;
	dec_a64_res0(r, 16, 9);
	dec_field_add(r, "imm16", "Immediate", 0, 16,
		      ec == A64_EC_SVC32 ? "the instruction's immediate (low 16 bits)"
					 : "the instruction's immediate (SMCCC calls use 0)");
	return dec_fmt(r, "%s #0x%x", mnemonic[ec], imm);
}

static const char *dec_a64_iss_smc32(dec_reg *r, dec_field *iss, unsigned ec)
{
	(void)iss;
	(void)ec;
	dec_a64_cond_fields(r);
	dec_a64_flag(r, "CCKNOWNPASS", "Condition code known to pass", 19,
		     "the SMC was unconditional, or was conditional and passed its condition check",
		     "the SMC was conditional and might have failed its condition check");
	dec_a64_res0(r, 0, 19);
	return "SMC (AArch32)";
}

/* Capstone spells a system register lower-case; trapscope shows register names upper-case
 * and general-purpose registers lower-case, as the Arm ARM does: "MRS x0, CNTVCT_EL0". */
static bool dec_a64_is_gpr_token(const char *t)
{
	if ((t[0] != 'x' && t[0] != 'w') || !t[1])
		return strcmp(t, "sp") == 0;
	if (strcmp(t + 1, "zr") == 0 || strcmp(t + 1, "sp") == 0)
		return true;
	for (const char *p = t + 1; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	return true;
}

static void dec_a64_append(char *buf, size_t size, const char *s, bool upper)
{
	size_t used = strlen(buf);

	for (; *s && used + 1 < size; s++)
		buf[used++] = upper ? (char)toupper((unsigned char)*s) : *s;
	buf[used] = '\0';
}

static void dec_a64_spell_upper(const char *mnemonic, const char *operands, char *buf, size_t size)
{
	char ops[160], *save = NULL;
	const char *sep = " ";

	buf[0] = '\0';
	dec_a64_append(buf, size, mnemonic, true);
	snprintf(ops, sizeof ops, "%s", operands);
	for (char *t = strtok_r(ops, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		dec_a64_append(buf, size, sep, false);
		dec_a64_append(buf, size, t, t[0] != '#' && !dec_a64_is_gpr_token(t));
		sep = ", ";
	}
}

typedef struct dec_a64_sysop {
	unsigned op0, op1, crn, crm, op2, rt;
	bool read;
} dec_a64_sysop;

static dec_a64_sysop dec_a64_sysop_from_iss(uint32_t iss)
{
	return (dec_a64_sysop){
	    .op0 = (unsigned)dec_bits(iss, 20, 2),
	    .op2 = (unsigned)dec_bits(iss, 17, 3),
	    .op1 = (unsigned)dec_bits(iss, 14, 3),
	    .crn = (unsigned)dec_bits(iss, 10, 4),
	    .rt = (unsigned)dec_bits(iss, 5, 5),
	    .crm = (unsigned)dec_bits(iss, 1, 4),
	    .read = dec_bits(iss, 0, 1),
	};
}

/* The A64 encoding of MSR/MRS/SYS/SYSL with these fields. */
static uint32_t dec_a64_sysop_word(const dec_a64_sysop *s, bool read)
{
	uint32_t l_bit = read ? UINT32_C(1) << 21 : 0;

	return 0xD5000000u | l_bit | s->op0 << 19 | s->op1 << 16 | s->crn << 12 | s->crm << 8 |
	       s->op2 << 5 | s->rt;
}

static void dec_a64_generic_sysreg(const dec_a64_sysop *s, char *buf, size_t size)
{
	snprintf(buf, size, "S%u_%u_C%u_C%u_%u", s->op0, s->op1, s->crn, s->crm, s->op2);
}

static const char *dec_a64_spell_pair(const dec_a64_sysop *s, char *buf, size_t size)
{
	char reg[32];
	const char *lo = dec_a64_gpr_name(s->rt, true), *hi = dec_a64_gpr_name(s->rt + 1, true);

	dec_a64_generic_sysreg(s, reg, sizeof reg);
	if (s->op0 == 1)
		snprintf(buf, size, "SYSP #%u, C%u, C%u, #%u, %s, %s", s->op1, s->crn, s->crm,
			 s->op2, lo, hi);
	else if (s->read)
		snprintf(buf, size, "MRRS %s, %s, %s", lo, hi, reg);
	else
		snprintf(buf, size, "MSRR %s, %s, %s", reg, lo, hi);
	return buf;
}

static const char *dec_a64_spell_generic(const dec_a64_sysop *s, char *buf, size_t size)
{
	char reg[32];
	const char *rt = dec_a64_gpr_name(s->rt, true);

	dec_a64_generic_sysreg(s, reg, sizeof reg);
	if (s->op0 == 1 && s->read)
		snprintf(buf, size, "SYSL %s, #%u, C%u, C%u, #%u", rt, s->op1, s->crn, s->crm,
			 s->op2);
	else if (s->op0 == 1)
		snprintf(buf, size, "SYS #%u, C%u, C%u, #%u, %s", s->op1, s->crn, s->crm, s->op2,
			 rt);
	else if (s->read)
		snprintf(buf, size, "MRS %s, %s", rt, reg);
	else
		snprintf(buf, size, "MSR %s, %s", reg, rt);
	return buf;
}

const char *dec_a64_sysreg_insn(uint32_t iss, bool pair, char *buf, size_t size)
{
	dec_a64_sysop s = dec_a64_sysop_from_iss(iss);
	char mnemonic[32], operands[128];

	if (pair)
		return dec_a64_spell_pair(&s, buf, size);
	/* op0 = 0 holds hints, barriers and PSTATE writes; Capstone misreads the L=1 forms. */
	if ((s.op0 != 0 || !s.read) &&
	    dec_a64_disasm_parts(dec_a64_sysop_word(&s, s.read), 0, mnemonic, sizeof mnemonic,
				 operands, sizeof operands)) {
		dec_a64_spell_upper(mnemonic, operands, buf, size);
		return buf;
	}
	return dec_a64_spell_generic(&s, buf, size);
}

/* Capstone names read-only registers only in MRS and write-only ones only in MSR; a write to
 * CNTVCT_EL0 therefore prints as S3_3_C14_C0_2. Name the register the other direction knows. */
static const char *dec_a64_sysreg_other_direction(dec_reg *r, const dec_a64_sysop *s)
{
	char mnemonic[32], operands[128], *name;

	if (!dec_a64_disasm_parts(dec_a64_sysop_word(s, !s->read), 0, mnemonic, sizeof mnemonic,
				  operands, sizeof operands))
		return NULL;
	if (s->read) {
		/* the other direction is "msr <name>, xN" */
		name = operands;
		name[strcspn(name, ",")] = '\0';
	} else {
		/* the other direction is "mrs xN, <name>" */
		name = strrchr(operands, ' ');
		name = name ? name + 1 : operands;
	}
	if (name[0] == 's' && isdigit((unsigned char)name[1]))
		return NULL;
	for (char *p = name; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return dec_fmt(r, "%s, which is %s", name, s->read ? "write-only" : "read-only");
}

/* Capstone falls back to S<op0>_<op1>_C<n>_C<m>_<op2> for registers it cannot name. */
static bool dec_a64_is_generic_spelling(const char *spelled)
{
	return strstr(spelled, " S2_") || strstr(spelled, " S3_");
}

static const char *const dec_a64_sys_direction_names[2] = {
    "write: MSR, or SYS (the register is the source)",
    "read: MRS, or SYSL (the register is the destination)",
};

static const char *const dec_a64_sys_op0_names[4] = {
    "0: hints, barriers and PSTATE access",
    "1: SYS instructions (cache maintenance, TLB maintenance, address translation)",
    "2: debug and trace system registers",
    "3: non-debug system registers",
};

static const char *dec_a64_iss_sysreg(dec_reg *r, dec_field *iss, unsigned ec)
{
	uint32_t v = dec_a64_esr_iss(r->value);
	dec_a64_sysop s = dec_a64_sysop_from_iss(v);
	bool pair = ec == A64_EC_SYS128;
	char text[128];
	const char *spelled, *alias;

	(void)iss;
	dec_a64_res0(r, 22, 3);
	dec_a64_enum(r, "Op0", "Op0", 20, 2, dec_a64_sys_op0_names,
		     A64_COUNT(dec_a64_sys_op0_names));
	dec_field_add(r, "Op2", "Op2", 17, 3, A64_SYS_ENCODING);
	dec_field_add(r, "Op1", "Op1", 14, 3, A64_SYS_ENCODING);
	dec_field_add(r, "CRn", "CRn", 10, 4, A64_SYS_ENCODING);
	dec_field_add(
	    r, "Rt", "Rt", 5, 5,
	    pair ? dec_fmt(r, "the register pair %s, %s", dec_a64_gpr_name(s.rt, true),
			   dec_a64_gpr_name(s.rt + 1, true))
		 : dec_fmt(r, "the general-purpose register %s", dec_a64_gpr_name(s.rt, true)));
	dec_field_add(r, "CRm", "CRm", 1, 4, A64_SYS_ENCODING);
	dec_a64_enum(r, "Direction", "Direction", 0, 1, dec_a64_sys_direction_names,
		     A64_COUNT(dec_a64_sys_direction_names));
	spelled = dec_fmt(r, "%s", dec_a64_sysreg_insn(v, pair, text, sizeof text));
	alias = !pair && dec_a64_is_generic_spelling(spelled)
		    ? dec_a64_sysreg_other_direction(r, &s)
		    : NULL;
	if (alias)
		return dec_fmt(r, "%s (the encoding of %s)", spelled, alias);
	return spelled;
}

static const char *dec_a64_iss_eret(dec_reg *r, dec_field *iss, unsigned ec)
{
	bool auth = dec_a64_iss_bits(r, 1, 1), key_b = dec_a64_iss_bits(r, 0, 1);

	(void)iss;
	(void)ec;
	dec_a64_res0(r, 2, 23);
	dec_a64_flag(r, "ERET", "ERET or ERETA*", 1, "ERET",
		     "ERETAA or ERETAB (authenticated return)");
	dec_a64_flag(r, "ERETA", "Key", 0, "key A (ERETAA), if ERET is 1",
		     "key B (ERETAB), if ERET is 1");
	if (!auth)
		return "ERET";
	return key_b ? "ERETAB" : "ERETAA";
}

static const char *dec_a64_iss_tstart(dec_reg *r, dec_field *iss, unsigned ec)
{
	(void)iss;
	(void)ec;
	dec_a64_res0(r, 10, 15);
	dec_field_add(r, "Rd", "Destination register", 5, 5,
		      dec_fmt(r, "x%u", dec_a64_iss_bits(r, 5, 5)));
	dec_a64_res0(r, 0, 5);
	return "TSTART";
}

static const char *dec_a64_iss_fpac(dec_reg *r, dec_field *iss, unsigned ec)
{
	bool data = dec_a64_iss_bits(r, 1, 1), key_b = dec_a64_iss_bits(r, 0, 1);

	(void)iss;
	(void)ec;
	dec_a64_res0(r, 2, 23);
	dec_a64_flag(r, "IorD", "Instruction or Data key", 1, "an instruction key (IA/IB)",
		     "a data key (DA/DB)");
	dec_a64_flag(r, "AorB", "A or B key", 0, "key A", "key B");
	return dec_fmt(r, "authentication with the %c%c key failed", data ? 'D' : 'I',
		       key_b ? 'B' : 'A');
}

static const char *const dec_a64_smtc_names[8] = {
    "SME, SVE, SIMD or FP access trapped by CPACR_EL1.SMEN, CPTR_EL2.SMEN/TSM or "
    "CPTR_EL3.ESM",
    "Advanced SIMD, SVE or SVE2 instruction trapped because PSTATE.SM is 1 (not allowed in "
    "Streaming SVE mode)",
    "SME instruction trapped because PSTATE.SM is 0 (needs Streaming SVE mode)",
    "SME instruction trapped because PSTATE.ZA is 0 (ZA storage is off)",
    "ZT0 access trapped because SMCR_ELx.EZT0 is 0 (FEAT_SME2)",
};

static const char *dec_a64_iss_sme(dec_reg *r, dec_field *iss, unsigned ec)
{
	unsigned smtc = dec_a64_iss_bits(r, 0, 3);

	(void)iss;
	(void)ec;
	dec_a64_res0(r, 3, 22);
	dec_a64_enum(r, "SMTC", "SME Trap Code", 0, 3, dec_a64_smtc_names,
		     A64_COUNT(dec_a64_smtc_names));
	return dec_a64_smtc_names[smtc];
}

static const char *const dec_a64_gpcsc_names[64] = {
    [0x00] = "GPT address size fault at level 0",
    [0x04] = "GPT walk fault at level 0",
    [0x05] = "GPT walk fault at level 1",
    [0x0C] = "Granule Protection Fault at level 0",
    [0x0D] = "Granule Protection Fault at level 1",
    [0x14] = "synchronous External abort on GPT fetch at level 0",
    [0x15] = "synchronous External abort on GPT fetch at level 1",
};

static const char *dec_a64_iss_gpc(dec_reg *r, dec_field *iss, unsigned ec)
{
	bool instruction = dec_a64_iss_bits(r, 20, 1);
	unsigned gpcsc = dec_a64_iss_bits(r, 14, 6);

	(void)iss;
	(void)ec;
	dec_a64_res0(r, 22, 3);
	dec_a64_flag(r, "S2PTW", "Stage 2 translation table walk", 21,
		     "not on a stage-2 translation table walk",
		     "on a stage-2 translation table walk");
	dec_a64_flag(r, "InD", "Instruction not Data", 20, "data access", "instruction fetch");
	dec_a64_enum(r, "GPCSC", "Granule Protection Check Status Code", 14, 6, dec_a64_gpcsc_names,
		     A64_COUNT(dec_a64_gpcsc_names));
	dec_a64_flag(r, "VNCR", "VNCR_EL2 access", 13, "not caused by a VNCR_EL2-redirected access",
		     "caused by an access through VNCR_EL2 (FEAT_NV2)");
	dec_a64_res0(r, 9, 4);
	dec_a64_flag(r, "CM", "Cache Maintenance", 8, "not a cache maintenance instruction",
		     "caused by a cache maintenance instruction");
	dec_a64_s1ptw_field(r);
	if (instruction)
		dec_a64_res0(r, 6, 1);
	else
		dec_a64_flag(r, "WnR", "Write not Read", 6, "read", "write");
	dec_field_add(r, "xFSC", "Instruction or Data Fault Status Code", 0, 6,
		      dec_a64_fsc_info(dec_a64_iss_bits(r, 0, 6))->name);
	return dec_a64_gpcsc_names[gpcsc] ? dec_a64_gpcsc_names[gpcsc] : "reserved GPCSC";
}

static const char *dec_a64_iss_mops(dec_reg *r, dec_field *iss, unsigned ec)
{
	bool set = dec_a64_iss_bits(r, 24, 1), wrong = dec_a64_iss_bits(r, 17, 1);

	(void)iss;
	(void)ec;
	dec_a64_flag(r, "MemInst", "Memory instruction", 24, "CPY* (memory copy)",
		     "SET* (memory set)");
	dec_a64_flag(r, "isSETG", "SETG* instruction", 23, "not SETG*", "SETG* (set with tags)");
	dec_field_add(r, "Options", "Options", 19, 4,
		      "the option bits of the instruction (non-temporal, unprivileged forms)");
	dec_a64_flag(r, "FromEpilogue", "From epilogue", 18,
		     "raised by the prologue or main instruction",
		     "raised by the epilogue (CPYE/SETE) instruction");
	dec_a64_flag(r, "WrongOption", "Wrong option", 17,
		     "the registers do not fit the sequence (not an algorithm-option mismatch)",
		     "the registers were prepared for the other algorithm option (typically the "
		     "thread moved to a CPU with a different CPY/SET implementation)");
	dec_a64_flag(r, "OptionA", "Option A", 16, "this PE implements algorithm option B",
		     "this PE implements algorithm option A");
	dec_a64_res0(r, 15, 1);
	dec_field_add(r, "destreg", "Destination register", 10, 5,
		      dec_fmt(r, "x%u", dec_a64_iss_bits(r, 10, 5)));
	dec_field_add(r, "srcreg", "Source register", 5, 5,
		      dec_fmt(r, "x%u", dec_a64_iss_bits(r, 5, 5)));
	dec_field_add(r, "sizereg", "Size register", 0, 5,
		      dec_fmt(r, "x%u", dec_a64_iss_bits(r, 0, 5)));
	return dec_fmt(r, "%s sequence%s", set ? "SET*" : "CPY*",
		       wrong ? " prepared for the other algorithm option" : " out of order");
}

static const char *dec_a64_iss_fp_exception(dec_reg *r, dec_field *iss, unsigned ec)
{
	static const struct {
		const char *name, *long_name, *what;
		unsigned bit;
	} flags[] = {
	    {"IDF", "Input Denormal", "input denormal", 7},
	    {"IXF", "Inexact", "inexact", 4},
	    {"UFF", "Underflow", "underflow", 3},
	    {"OFF", "Overflow", "overflow", 2},
	    {"DZF", "Divide by Zero", "divide by zero", 1},
	    {"IOF", "Invalid Operation", "invalid operation", 0},
	};
	bool valid = dec_a64_iss_bits(r, 23, 1);
	const char *which = "";

	(void)iss;
	(void)ec;
	dec_a64_res0(r, 24, 1);
	dec_a64_flag(r, "TFV", "Trapped Fault Valid", 23, "the flag bits below are UNKNOWN",
		     "the flag bits say which exceptions occurred");
	dec_a64_res0(r, 11, 12);
	dec_field_add(r, "VECITR", "Vector iteration", 8, 3,
		      "element number of a trapped vector operation (AArch32 only; UNKNOWN from "
		      "AArch64)");
	for (size_t i = 0; i < A64_COUNT(flags); i++) {
		if (flags[i].bit == 4)
			dec_a64_res0(r, 5, 2);
		dec_a64_flag(r, flags[i].name, flags[i].long_name, flags[i].bit, "did not occur",
			     "occurred");
		if (valid && dec_a64_iss_bits(r, flags[i].bit, 1))
			which = dec_fmt(r, "%s%s%s", which, which[0] ? ", " : "", flags[i].what);
	}
	return which[0] ? which : NULL;
}

static const char *const dec_a64_gcs_extypes[16] = {
    "GCS data check: a return address did not match the Guarded Control Stack",
    "EXLOCK: an exception return or ELR/SPSR write while PSTATE.EXLOCK is set",
    "GCSSTR/GCSSTTR executed while GCS stores are disabled",
};

static const char *const dec_a64_gcs_it_names[32] = {
    "RET", "GCSPOPM", "RETAA", "RETAB", "GCSSS1", "GCSSS2", "GCSPOPCX", "GCSPOPX",
};

static const char *dec_a64_iss_gcs(dec_reg *r, dec_field *iss, unsigned ec)
{
	unsigned extype = dec_a64_iss_bits(r, 20, 4);

	(void)iss;
	(void)ec;
	dec_a64_res0(r, 24, 1);
	dec_a64_enum(r, "ExType", "Exception Type", 20, 4, dec_a64_gcs_extypes,
		     A64_COUNT(dec_a64_gcs_extypes));
	dec_a64_res0(r, 15, 5);
	if (extype == 0) {
		dec_field_add(
		    r, "Raddr", "Address register", 10, 5,
		    dec_fmt(r, "x%u holds the target address", dec_a64_iss_bits(r, 10, 5)));
		dec_a64_res0(r, 5, 5);
		dec_a64_enum(r, "IT", "Instruction Type", 0, 5, dec_a64_gcs_it_names,
			     A64_COUNT(dec_a64_gcs_it_names));
	} else if (extype == 2) {
		dec_field_add(r, "Raddr", "Address register", 10, 5,
			      dec_fmt(r, "x%u holds the address", dec_a64_iss_bits(r, 10, 5)));
		dec_field_add(
		    r, "Rvalue", "Value register", 5, 5,
		    dec_fmt(r, "x%u holds the value to store", dec_a64_iss_bits(r, 5, 5)));
		dec_a64_res0(r, 0, 5);
	} else {
		dec_a64_res0(r, 0, 15);
	}
	return dec_a64_gcs_extypes[extype] ? dec_a64_gcs_extypes[extype]
					   : "reserved GCS exception type";
}

static const char *const dec_a64_aet_names[8] = {
    [0] = "UC: Uncontainable",	    [1] = "UEU: Unrecoverable state",
    [2] = "UEO: Restartable state", [3] = "UER: Recoverable state",
    [6] = "CE: Corrected",
};

static const char *const dec_a64_serror_dfsc[64] = {
    [0x00] = "Uncategorized error",
    [0x11] = "Asynchronous SError interrupt",
};

static const char *dec_a64_iss_serror(dec_reg *r, dec_field *iss, unsigned ec)
{
	unsigned aet = dec_a64_iss_bits(r, 10, 3), dfsc = dec_a64_iss_bits(r, 0, 6);

	(void)iss;
	(void)ec;
	dec_a64_flag(r, "IDS", "IMPLEMENTATION DEFINED Syndrome", 24,
		     "architectural syndrome (FEAT_RAS) in the bits below",
		     "bits [23:0] hold an IMPLEMENTATION DEFINED syndrome");
	if (dec_a64_iss_bits(r, 24, 1)) {
		dec_field_add(r, "IMPDEF", "IMPLEMENTATION DEFINED syndrome", 0, 24,
			      "see the CPU's Technical Reference Manual");
		return "IMPLEMENTATION DEFINED syndrome";
	}
	dec_a64_res0(r, 14, 10);
	dec_a64_flag(r, "IESB", "Implicit error synchronization", 13,
		     "not synchronized by an implicit error synchronization event",
		     "synchronized by an implicit error synchronization event (SCTLR_ELx.IESB) and "
		     "taken immediately");
	dec_a64_enum(r, "AET", "Asynchronous Error Type", 10, 3, dec_a64_aet_names,
		     A64_COUNT(dec_a64_aet_names));
	dec_a64_flag(r, "EA", "External abort type", 9, "EA = 0",
		     "EA = 1 (IMPLEMENTATION DEFINED classification)");
	dec_a64_res0(r, 6, 3);
	dec_a64_enum(r, "DFSC", "Data Fault Status Code", 0, 6, dec_a64_serror_dfsc,
		     A64_COUNT(dec_a64_serror_dfsc));
	if (dfsc != 0x11)
		return dec_a64_serror_dfsc[dfsc] ? dec_a64_serror_dfsc[dfsc] : "reserved DFSC";
	return dec_fmt(r, "asynchronous SError, %s",
		       dec_a64_aet_names[aet] ? dec_a64_aet_names[aet] : "reserved error type");
}

static const char *dec_a64_iss_breakpoint(dec_reg *r, dec_field *iss, unsigned ec)
{
	(void)iss;
	(void)ec;
	dec_a64_res0(r, 6, 19);
	dec_a64_debug_fsc_field(r, "IFSC", "Instruction Fault Status Code");
	return NULL;
}

static const char *dec_a64_iss_step(dec_reg *r, dec_field *iss, unsigned ec)
{
	bool isv = dec_a64_iss_bits(r, 24, 1);

	(void)iss;
	(void)ec;
	dec_a64_flag(r, "ISV", "Instruction Syndrome Valid", 24, "EX is not valid", "EX is valid");
	dec_a64_res0(r, 7, 17);
	if (isv)
		dec_a64_flag(r, "EX", "Exclusive operation", 6,
			     "the stepped instruction was not a Load-Exclusive",
			     "the stepped instruction was a Load-Exclusive");
	else
		dec_a64_res0(r, 6, 1);
	dec_a64_debug_fsc_field(r, "IFSC", "Instruction Fault Status Code");
	return NULL;
}

static const char *dec_a64_iss_watchpoint(dec_reg *r, dec_field *iss, unsigned ec)
{
	bool wptv = dec_a64_iss_bits(r, 17, 1);

	(void)iss;
	(void)ec;
	dec_a64_res0(r, 24, 1);
	dec_field_add(r, "WPT", "Watchpoint number", 18, 6,
		      wptv ? dec_fmt(r, "watchpoint %u triggered", dec_a64_iss_bits(r, 18, 6))
			   : "UNKNOWN (WPTV = 0)");
	dec_a64_flag(r, "WPTV", "Watchpoint number Valid", 17, "WPT is not valid", "WPT is valid");
	dec_a64_flag(r, "WPF", "Watchpoint might be false-positive", 16,
		     "the watchpoint matched the access itself",
		     "the match may be a false positive: the access was widened to 16-byte "
		     "boundaries before matching");
	dec_a64_flag(r, "FnP", "FAR not Precise", 15,
		     "FAR holds the address of the access (if FnV is 0)",
		     "FAR holds an address within the same translation granule as the access");
	dec_a64_res0(r, 14, 1);
	dec_a64_flag(r, "VNCR", "VNCR_EL2 access", 13, "not caused by a VNCR_EL2-redirected access",
		     "caused by an access through VNCR_EL2 (FEAT_NV2)");
	dec_a64_res0(r, 11, 2);
	dec_a64_far_valid_field(r);
	dec_a64_res0(r, 9, 1);
	dec_a64_flag(r, "CM", "Cache Maintenance", 8, "not a cache maintenance instruction",
		     "caused by a cache maintenance or address translation instruction");
	dec_a64_res0(r, 7, 1);
	dec_a64_flag(r, "WnR", "Write not Read", 6, "read", "write");
	dec_a64_debug_fsc_field(r, "DFSC", "Data Fault Status Code");
	return dec_fmt(r, "%s hit a watchpoint", dec_a64_iss_bits(r, 6, 1) ? "write" : "read");
}

/* BRK/BKPT immediates that toolchains and Linux use by convention. */
static const struct {
	uint16_t lo, hi;
	const char *what;
} dec_a64_brk_conventions[] = {
    {0x0000, 0x0000, "GDB software breakpoint"},
    {0x0001, 0x0001, "__builtin_trap()/llvm.trap from Clang or rustc (abort, panic=abort)"},
    {0x0004, 0x0004, "Linux kprobe"},
    {0x0005, 0x0005, "Linux uprobe"},
    {0x0100, 0x0100, "Linux kernel fault fixup (FAULT_BRK_IMM)"},
    {0x03E8, 0x03E8, "__builtin_trap() from GCC"},
    {0x0400, 0x0401, "Linux KGDB"},
    {0x0800, 0x0800, "Linux BUG()/WARN() (BUG_BRK_IMM)"},
    {0x0900, 0x09FF, "Linux KASAN report"},
    {0x5500, 0x55FF, "Linux UBSAN check (low byte: check kind)"},
    {0x8000, 0x83FF, "Linux kCFI type-check failure"},
    {0xF000, 0xF000, "LLDB software breakpoint"},
};

static const char *dec_a64_iss_brk(dec_reg *r, dec_field *iss, unsigned ec)
{
	unsigned imm = dec_a64_iss_bits(r, 0, 16);
	const char *what = "no common convention";

	(void)iss;
	for (size_t i = 0; i < A64_COUNT(dec_a64_brk_conventions); i++)
		if (imm >= dec_a64_brk_conventions[i].lo && imm <= dec_a64_brk_conventions[i].hi)
			what = dec_a64_brk_conventions[i].what;
	dec_a64_res0(r, 16, 9);
	dec_field_add(r, "Comment", "Comment (the instruction's immediate)", 0, 16,
		      dec_fmt(r, "#0x%x: %s", imm, what));
	return dec_fmt(r, "%s #0x%x (%s)", ec == A64_EC_BRK64 ? "BRK" : "BKPT", imm, what);
}

/* ---- The exception class table ------------------------------------------------------------- */

typedef const char *dec_a64_iss_fn(dec_reg *r, dec_field *iss, unsigned ec);
typedef void dec_a64_iss2_fn(dec_reg *r);

typedef struct dec_a64_ec_info {
	const char *long_name;
	dec_a64_iss_fn *iss;
	dec_a64_iss2_fn *iss2; /* NULL: ISS2 is RES0 for this class */
	const char *el2;       /* what a hypervisor at EL2 does with it */
} dec_a64_ec_info;

#define A64_KVM_UNDEF                                                                              \
	"KVM has no handler for this class: kvm_handle_unknown_ec logs 'Unknown exception "        \
	"class' and injects an UNDEF into the guest. arm_vcpu panics ('handler not presents "      \
	"for EC_...')."
#define A64_EL1_ONLY                                                                               \
	"A guest's own exception of this class is taken to its EL1 and never reaches the "         \
	"hypervisor; in ESR_EL2 it means the hypervisor itself hit it at EL2 (or HCR_EL2.TGE "     \
	"routed a host process's exception, under VHE). arm_vcpu panics 'Unhandled "               \
	"synchronous exception from current EL'."
#define A64_KVM_CP                                                                                 \
	"KVM: kvm_handle_cp15_32/64 and kvm_handle_cp14_* map the AArch32 access onto the "        \
	"AArch64 system register table and emulate it (unknown ones get an UNDEF), then "          \
	"advance ELR by 4 (2 for a 16-bit T32 instruction). arm_vcpu has no AArch32 guests "       \
	"and panics."
#define A64_KVM_DEBUG                                                                              \
	"Debug exceptions reach EL2 only when MDCR_EL2.TDE is 1, which KVM sets while the VMM "    \
	"debugs the guest (KVM_SET_GUEST_DEBUG): kvm_handle_guest_debug returns "                  \
	"KVM_EXIT_DEBUG with ESR (and FAR for a watchpoint) to the VMM or its gdbstub. "           \
	"Otherwise the guest handles its own breakpoints. arm_vcpu panics (no handler)."
#define A64_KVM_HVC                                                                                \
	"KVM: handle_hvc -> kvm_smccc_call_handler decides by x0, the SMCCC function ID "          \
	"(PSCI -> kvm_psci_call, SMCCC_ARCH_*, TRNG, PV time, KVM vendor services; unknown "       \
	"IDs get x0 = -1, NOT_SUPPORTED). ELR_EL2 already points after the HVC: do not advance "   \
	"it. arm_vcpu: PSCI IDs become CpuUp/CpuDown/SystemDown, anything else "                   \
	"Hypercall{nr = x0, args = x1..x6}."
#define A64_KVM_SMC                                                                                \
	"Trapped by HCR_EL2.TSC: ELR_EL2 points at the SMC itself, so the handler must add 4. "    \
	"KVM: handle_smc advances ELR, answers a nonzero immediate with x0 = -1, else "            \
	"dispatches x0 like an HVC (kvm_smccc_call_handler). arm_vcpu: ELR += 4, PSCI IDs "        \
	"become exits, anything else is forwarded to the real firmware with smc #0."
#define A64_KVM_IABT                                                                               \
	"KVM: kvm_handle_guest_abort computes the IPA from HPFAR_EL2 and FAR_EL2; inside a "       \
	"memslot user_mem_abort maps the page (or fixes permissions or the access flag) and "      \
	"the guest retries; outside every memslot the fetch is re-injected as a prefetch abort "   \
	"(code cannot run from MMIO). arm_vcpu has no handler and panics ('handler not "           \
	"presents for EC_32')."
#define A64_KVM_DABT                                                                               \
	"KVM: kvm_handle_guest_abort computes IPA = (HPFAR_EL2.FIPA << 12) | FAR_EL2[11:0]; "      \
	"a synchronous External abort goes to the RAS code; inside a memslot user_mem_abort "      \
	"maps the page (or fixes permissions or the access flag) and the guest retries; "          \
	"outside every memslot io_mem_abort emulates MMIO: ISV=1 -> KVM_EXIT_MMIO (len = 1 << "    \
	"SAS, write = WnR, register = SRT), then ELR += 4; ISV=0 -> KVM_EXIT_ARM_NISV if the "     \
	"VMM opted in, else -ENOSYS. arm_vcpu: ELR += 4 first, then MmioRead/MmioWrite for "       \
	"translation faults without checking ISV; a permission fault is an error and other "       \
	"faults panic."

static const dec_a64_ec_info dec_a64_ecs[64] = {
    [A64_EC_UNKNOWN] = {"Unknown reason", dec_a64_iss_none, NULL,
			"The guest executed something UNDEFINED or trapped for a reason with "
			"no class of its own. " A64_KVM_UNDEF},
    [A64_EC_WFX] = {"Trapped WF* instruction execution", dec_a64_iss_wfx, NULL,
		    "Trapped only when HCR_EL2.TWI/TWE are set. KVM: kvm_handle_wfx; WFI/WFIT "
		    "block the vCPU until an interrupt is pending (kvm_vcpu_wfi), WFE/WFET "
		    "yield to another vCPU (kvm_vcpu_on_spin); then ELR += 4. arm_vcpu sets "
		    "neither trap bit, so WFI runs natively; it has no handler for this class."},
    [A64_EC_CP15_32] = {"Trapped MCR or MRC access with coproc=0b1111 (CP15)", dec_a64_iss_mcr,
			NULL, A64_KVM_CP},
    [A64_EC_CP15_64] = {"Trapped MCRR or MRRC access with coproc=0b1111 (CP15)", dec_a64_iss_mcrr,
			NULL, A64_KVM_CP},
    [A64_EC_CP14_MR] = {"Trapped MCR or MRC access with coproc=0b1110 (CP14)", dec_a64_iss_mcr,
			NULL, A64_KVM_CP},
    [A64_EC_CP14_LS] = {"Trapped LDC or STC access (CP14 debug data transfer)", dec_a64_iss_ldc,
			NULL, A64_KVM_CP},
    [A64_EC_FP_ASIMD] = {"Access to SME, SVE, Advanced SIMD or floating-point functionality "
			 "trapped by CPACR_EL1.FPEN, CPTR_EL2.FPEN/TFP or CPTR_EL3.TFP",
			 dec_a64_iss_fp_access, NULL,
			 "KVM switches FP/SIMD state lazily: the first guest use after entry "
			 "traps here, the hyp fast path loads the guest's registers and "
			 "re-enters the guest without an exit to the host. arm_vcpu writes "
			 "CPTR_EL2 = 0, so this never traps there."},
    [A64_EC_CP10_ID] = {"Trapped VMRS access, from ID group trap (AArch32)", dec_a64_iss_mcr, NULL,
			A64_KVM_CP},
    [A64_EC_PAC] = {"Trapped use of a Pointer Authentication instruction (HCR_EL2.API or "
		    "SCR_EL3.API is 0)",
		    dec_a64_iss_none, NULL,
		    "KVM turns pointer authentication on lazily in the hyp fast path (sets "
		    "HCR_EL2.API/APK, loads the guest's keys, retries the instruction), or "
		    "injects an UNDEF when the guest was not given the feature."},
    [A64_EC_LS64] = {"Trapped execution of an LD64B or ST64B* instruction (or another "
		     "instruction without a class of its own)",
		     dec_a64_iss_other, NULL,
		     "KVM does not expose these to guests: the trap ends in an UNDEF. arm_vcpu "
		     "panics."},
    [A64_EC_CP14_64] = {"Trapped MRRC access with coproc=0b1110 (CP14)", dec_a64_iss_mcrr, NULL,
			A64_KVM_CP},
    [A64_EC_BTI] = {"Branch Target Exception", dec_a64_iss_bti, NULL, A64_EL1_ONLY},
    [A64_EC_ILL] = {"Illegal Execution state", dec_a64_iss_none, NULL,
		    "An exception return (ERET) to an illegal state: bad SPSR mode, or a "
		    "return to a higher EL. A guest's goes to its own EL1; in ESR_EL2 the "
		    "hypervisor's own ERET was illegal: check the SPSR_EL2 it wrote before "
		    "entering the guest (arm_vcpu erets with the TrapFrame's SPSR)."},
    [A64_EC_SVC32] = {"SVC instruction execution in AArch32 state", dec_a64_iss_imm16, NULL,
		      "System calls go to the guest kernel; ESR_EL2 shows one only when "
		      "HCR_EL2.TGE is 1 (a host process under VHE)."},
    [A64_EC_HVC32] = {"HVC instruction execution in AArch32 state", dec_a64_iss_imm16, NULL,
		      A64_KVM_HVC},
    [A64_EC_SMC32] = {"SMC instruction execution in AArch32 state", dec_a64_iss_smc32, NULL,
		      A64_KVM_SMC},
    [A64_EC_SYS128] = {"Trapped MSRR, MRRS or System instruction execution in AArch64 state "
		       "(128-bit, FEAT_SYSREG128/FEAT_SYSINSTR128)",
		       dec_a64_iss_sysreg, NULL,
		       "KVM does not give guests 128-bit system registers: the access ends in "
		       "an UNDEF. arm_vcpu panics."},
    [A64_EC_SVC64] = {"SVC instruction execution in AArch64 state", dec_a64_iss_imm16, NULL,
		      "System calls go to the guest kernel; ESR_EL2 shows one only when "
		      "HCR_EL2.TGE is 1 (a host process under VHE)."},
    [A64_EC_HVC64] = {"HVC instruction execution in AArch64 state", dec_a64_iss_imm16, NULL,
		      A64_KVM_HVC},
    [A64_EC_SMC64] = {"SMC instruction execution in AArch64 state", dec_a64_iss_imm16, NULL,
		      A64_KVM_SMC},
    [A64_EC_SYS64] = {"Trapped MSR, MRS or System instruction execution in AArch64 state",
		      dec_a64_iss_sysreg, NULL,
		      "KVM: kvm_handle_sys_reg looks Op0/Op1/CRn/CRm/Op2 up in its "
		      "sys_reg_descs table and calls the access handler (a read writes Rt); "
		      "an unknown register logs 'Unsupported guest sys_reg access' and injects "
		      "an UNDEF; then ELR += 4. arm_vcpu: ELR += 4, SysRegRead{addr = ISS & "
		      "0x3FFC1E, reg = Rt} or SysRegWrite{addr, value = X[Rt]}; ICC_SGI1R_EL1 "
		      "writes become SendIPI."},
    [A64_EC_SVE] = {"Access to SVE functionality trapped by CPACR_EL1.ZEN, CPTR_EL2.ZEN/TZ "
		    "or CPTR_EL3.EZ",
		    dec_a64_iss_none, NULL,
		    "KVM switches SVE state lazily like FP state, or injects an UNDEF when "
		    "the guest was not given SVE. arm_vcpu panics."},
    [A64_EC_ERET] = {"Trapped ERET, ERETAA or ERETAB instruction execution", dec_a64_iss_eret, NULL,
		     "Trapped only for nested virtualization (FEAT_NV) or by a fine-grained "
		     "trap: KVM's kvm_handle_eret emulates the guest hypervisor's exception "
		     "return. arm_vcpu panics."},
    [A64_EC_TSTART] = {"Exception from an access to a TSTART instruction (TME disabled)",
		       dec_a64_iss_tstart, NULL, A64_EL1_ONLY},
    [A64_EC_FPAC] = {"Exception from a Pointer Authentication instruction authentication "
		     "failure (FEAT_FPAC)",
		     dec_a64_iss_fpac, NULL, A64_EL1_ONLY},
    [A64_EC_SME] = {"Access to SME functionality trapped", dec_a64_iss_sme, NULL,
		    "KVM switches SME state lazily like FP and SVE state, or injects an UNDEF "
		    "when the guest was not given SME. arm_vcpu panics."},
    [A64_EC_GPC] = {"Granule Protection Check exception (FEAT_RME, reported to EL3)",
		    dec_a64_iss_gpc, NULL,
		    "Only the EL3 firmware (Realm Management Monitor world) sees this class."},
    [A64_EC_IMP_DEF] = {"IMPLEMENTATION DEFINED exception to EL3", dec_a64_iss_impdef, NULL,
			"Only EL3 firmware sees this class; its meaning is in the CPU's "
			"Technical Reference Manual."},
    [A64_EC_IABT_LOW] = {"Instruction Abort from a lower Exception level", dec_a64_iss_iabt,
			 dec_a64_iss2_iabt, A64_KVM_IABT},
    [A64_EC_IABT_CUR] = {"Instruction Abort taken without a change in Exception level",
			 dec_a64_iss_iabt, dec_a64_iss2_iabt,
			 "The hypervisor itself fetched from an unmapped or non-executable "
			 "EL2 address (a bad function pointer or return address). arm_vcpu "
			 "panics 'Unhandled synchronous exception from current EL'."},
    [A64_EC_PC_ALIGN] = {"PC alignment fault exception", dec_a64_iss_none, NULL, A64_EL1_ONLY},
    [A64_EC_DABT_LOW] = {"Data Abort from a lower Exception level", dec_a64_iss_dabt,
			 dec_a64_iss2_dabt, A64_KVM_DABT},
    [A64_EC_DABT_CUR] = {"Data Abort taken without a change in Exception level", dec_a64_iss_dabt,
			 dec_a64_iss2_dabt,
			 "The hypervisor itself faulted on a data access at EL2 (bad pointer, "
			 "unmapped EL2 address), or, with nested virtualization, an access "
			 "through VNCR_EL2 faulted. arm_vcpu panics 'Unhandled synchronous "
			 "exception from current EL'."},
    [A64_EC_SP_ALIGN] = {"SP alignment fault exception", dec_a64_iss_none, NULL, A64_EL1_ONLY},
    [A64_EC_MOPS] = {"Memory Operation Exception (FEAT_MOPS CPY*/SET*)", dec_a64_iss_mops, NULL,
		     "Usually the vCPU moved between CPUs whose CPY/SET implementations use "
		     "different algorithm options: KVM rewinds the sequence to its prologue in "
		     "the hyp fast path and lets it run again. arm_vcpu panics."},
    [A64_EC_FP_EXC32] = {"Trapped floating-point exception taken from AArch32 state",
			 dec_a64_iss_fp_exception, NULL, A64_EL1_ONLY},
    [A64_EC_FP_EXC64] = {"Trapped floating-point exception taken from AArch64 state",
			 dec_a64_iss_fp_exception, NULL, A64_EL1_ONLY},
    [A64_EC_GCS] = {"GCS exception (Guarded Control Stack, FEAT_GCS)", dec_a64_iss_gcs, NULL,
		    A64_EL1_ONLY},
    [A64_EC_SERROR] = {"SError exception", dec_a64_iss_serror, NULL,
		       "Routed to EL2 when HCR_EL2.AMO is 1. KVM: kvm_handle_guest_serror lets "
		       "the host RAS code handle a recoverable or corrected error and "
		       "otherwise injects a virtual SError into the guest (kvm_inject_vabt). "
		       "arm_vcpu's SError vectors panic ('Invalid exception SError ...')."},
    [A64_EC_BREAKPT_LOW] = {"Breakpoint exception from a lower Exception level",
			    dec_a64_iss_breakpoint, NULL, A64_KVM_DEBUG},
    [A64_EC_BREAKPT_CUR] = {"Breakpoint exception taken without a change in Exception level",
			    dec_a64_iss_breakpoint, NULL, A64_EL1_ONLY},
    [A64_EC_SOFTSTP_LOW] = {"Software Step exception from a lower Exception level",
			    dec_a64_iss_step, NULL, A64_KVM_DEBUG},
    [A64_EC_SOFTSTP_CUR] = {"Software Step exception taken without a change in Exception "
			    "level",
			    dec_a64_iss_step, NULL, A64_EL1_ONLY},
    [A64_EC_WATCHPT_LOW] = {"Watchpoint exception from a lower Exception level",
			    dec_a64_iss_watchpoint, dec_a64_iss2_watchpoint, A64_KVM_DEBUG},
    [A64_EC_WATCHPT_CUR] = {"Watchpoint exception taken without a change in Exception level",
			    dec_a64_iss_watchpoint, dec_a64_iss2_watchpoint, A64_EL1_ONLY},
    [A64_EC_BKPT32] = {"BKPT instruction execution in AArch32 state", dec_a64_iss_brk, NULL,
		       A64_KVM_DEBUG},
    [A64_EC_VECTOR32] = {"Vector Catch exception from AArch32 state", dec_a64_iss_breakpoint, NULL,
			 A64_KVM_DEBUG},
    [A64_EC_BRK64] = {"BRK instruction execution in AArch64 state", dec_a64_iss_brk, NULL,
		      A64_KVM_DEBUG},
    [A64_EC_PMU] = {"PMU exception (FEAT_EBEP)", dec_a64_iss_pmu, NULL, A64_KVM_UNDEF},
};

static const dec_a64_ec_info dec_a64_ec_unallocated = {
    "Unallocated (reserved) exception class",
    dec_a64_iss_unallocated,
    NULL,
    "No exception uses this class; the value is not a real syndrome (a corrupted dump, or a "
    "register read before any exception). KVM would treat it as unknown: "
    "kvm_handle_unknown_ec injects an UNDEF into the guest.",
};

static const dec_a64_ec_info *dec_a64_ec(unsigned ec)
{
	return dec_a64_ecs[ec & 63].long_name ? &dec_a64_ecs[ec & 63] : &dec_a64_ec_unallocated;
}

const char *dec_a64_ec_long_name(unsigned ec)
{
	return dec_a64_ec(ec)->long_name;
}

bool dec_a64_ec_allocated(unsigned ec)
{
	return dec_a64_ecs[ec & 63].long_name != NULL;
}

/* ---- ESR_ELx ------------------------------------------------------------------------------- */

static const char *dec_a64_esr_hint(const dec_a64_ec_info *info, int el)
{
	if (el == 1)
		return "ESR_EL1 is the guest's own syndrome: the exception was taken to EL1 and "
		       "the "
		       "guest kernel handles it (Linux: el1h_64_sync -> do_mem_abort, el0_svc, "
		       "...). A hypervisor writes ESR_EL1 only when it injects an exception "
		       "(KVM: kvm_inject_undefined, kvm_inject_dabt, kvm_inject_pabt).";
	if (el == 3)
		return "ESR_EL3 is the secure monitor's syndrome (TF-A): SMC calls, external "
		       "aborts routed by SCR_EL3.EA, granule protection faults. A hypervisor "
		       "never sees it.";
	return info->el2;
}

static void dec_a64_esr_iss2(dec_reg *r, const dec_a64_ec_info *info)
{
	dec_field *f = dec_field_add(r, "ISS2", "Instruction Specific Syndrome 2", 32, 24, NULL);

	if (!f)
		return;
	if (!info->iss2) {
		f->meaning = f->value ? "set, but this exception class defines no ISS2: should be "
					"zero"
				      : "no ISS2 for this exception class";
		f->warn = f->value != 0;
		return;
	}
	f->meaning = "extra syndrome bits of this exception class";
	dec_push(r);
	info->iss2(r);
	dec_pop(r);
}

void dec_a64_decode_esr(dec_reg *r, const dec_regdef *def, uint64_t value, const dec_ctx *ctx)
{
	unsigned ec = dec_a64_esr_ec(value);
	const dec_a64_ec_info *info = dec_a64_ec(ec);
	const char *detail;
	dec_field *f;

	(void)ctx;
	dec_reg_init(r, def->display, value);
	dec_a64_res0_always(r, 56, 8);
	dec_a64_esr_iss2(r, info);
	f = dec_field_add(r, "EC", "Exception Class", 26, 6, info->long_name);
	if (f && !dec_a64_ec_allocated(ec))
		f->warn = true;
	dec_a64_flag(r, "IL", "Instruction Length", 25, "16-bit T32 instruction trapped",
		     "32-bit instruction trapped (also always 1 for aborts, SErrors and exceptions "
		     "not caused by one instruction)");
	f = dec_field_add(r, "ISS", "Instruction Specific Syndrome", 0, 25,
			  "the syndrome of this exception class, split into the fields below");
	dec_push(r);
	detail = f ? info->iss(r, f, ec) : NULL;
	dec_pop(r);
	if (!dec_a64_ec_allocated(ec))
		r->summary = dec_fmt(r, "%s 0x%02x", info->long_name, ec);
	else if (detail)
		r->summary = dec_fmt(r, "%s: %s", info->long_name, detail);
	else
		r->summary = info->long_name;
	r->hint = dec_a64_esr_hint(info, def->variant);
}
