/* Unit tests for the AArch64 decoders: ESR_ELx for every exception class and fault status
 * code, the other EL2 registers, SMCCC/PSCI IDs, the register table and `explain`.
 *
 * Every expected value below is worked out by hand from the Arm ARM (DDI0487 L.a), the SMC
 * Calling Convention (DEN0028) and PSCI (DEN0022) -- never copied from decoder output. */
#include "decode/decode.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* dec_reg and dec_report are large: keep them out of the stack. */
static dec_reg reg;
static dec_report rep;
static dec_ctx ctx;

static const dec_regdef *regdef(const char *name)
{
	const dec_regdef *d = dec_regdef_find(name, DEC_ARCH_AARCH64);
	ck_assert_msg(d != NULL, "no register '%s'", name);
	return d;
}

static const dec_reg *decode(const char *name, uint64_t value)
{
	const dec_regdef *d = regdef(name);
	d->decode(&reg, d, value, NULL);
	return &reg;
}

static const dec_field *field(const char *name)
{
	for (unsigned i = 0; i < reg.nfields; i++)
		if (strcmp(reg.fields[i].name, name) == 0)
			return &reg.fields[i];
	ck_abort_msg("no field '%s' in %s", name, reg.name);
	return NULL;
}

static bool contains(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);
	for (const char *p = haystack; *p; p++)
		if (strncasecmp(p, needle, n) == 0)
			return true;
	return n == 0;
}

#define ck_assert_contains(hay, needle)                                                            \
	ck_assert_msg(contains((hay), (needle)), "'%s' does not contain '%s'", (hay), (needle))

static void ctx_reset(void)
{
	memset(&ctx, 0, sizeof ctx);
	ctx.arch = DEC_ARCH_AARCH64;
}

static void ctx_add(const char *name, uint64_t value)
{
	ctx.item[ctx.n].def = regdef(name);
	ctx.item[ctx.n].value = value;
	ctx.n++;
}

static const char *derived(const char *key)
{
	for (unsigned i = 0; i < rep.nderived; i++)
		if (strcmp(rep.derived[i].key, key) == 0)
			return rep.derived[i].value;
	ck_abort_msg("nothing derived under '%s'", key);
	return NULL;
}

static bool diagnosed(const char *needle)
{
	for (unsigned i = 0; i < rep.ndiagnosis; i++)
		if (contains(rep.diagnosis[i], needle))
			return true;
	return false;
}

/* ESR of a 32-bit instruction (IL = 1) with this class and syndrome. */
static uint64_t esr_of(unsigned ec, uint32_t iss)
{
	return (uint64_t)ec << 26 | UINT64_C(1) << 25 | iss;
}

/* ---- The register table ------------------------------------------------------------------ */

START_TEST(test_regdef_table)
{
	static const struct {
		const char *name, *key, *display;
		unsigned bits;
		int variant;
	} want[] = {
	    {"esr", "esr", "ESR_EL2", 64, 2},	    {"esr_el1", "esr", "ESR_EL1", 64, 1},
	    {"esr_el2", "esr", "ESR_EL2", 64, 2},   {"esr_el3", "esr", "ESR_EL3", 64, 3},
	    {"far", "far", "FAR_EL2", 64, 0},	    {"hpfar", "hpfar", "HPFAR_EL2", 64, 0},
	    {"elr", "elr", "ELR_EL2", 64, 0},	    {"spsr", "spsr", "SPSR_EL2", 64, 0},
	    {"hcr", "hcr", "HCR_EL2", 64, 0},	    {"hcr_el2", "hcr", "HCR_EL2", 64, 0},
	    {"vtcr", "vtcr", "VTCR_EL2", 64, 0},    {"vttbr", "vttbr", "VTTBR_EL2", 64, 0},
	    {"sctlr", "sctlr", "SCTLR_EL1", 64, 0}, {"midr", "midr", "MIDR_EL1", 64, 0},
	    {"smccc", "smccc", NULL, 32, 0},	    {"psci", "psci", NULL, 32, 1},
	    {"insn", "insn", NULL, 32, 0},
	};

	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const dec_regdef *d = regdef(want[i].name);
		ck_assert_str_eq(d->key, want[i].key);
		if (want[i].display)
			ck_assert_str_eq(d->display, want[i].display);
		ck_assert_uint_eq(d->bits, want[i].bits);
		ck_assert_int_eq(d->variant, want[i].variant);
		ck_assert_int_eq(d->arch, DEC_ARCH_AARCH64);
		ck_assert_ptr_nonnull(d->decode);
	}
	/* input names are case-insensitive */
	ck_assert_ptr_eq(dec_regdef_find("ESR_EL1", DEC_ARCH_AARCH64), regdef("esr_el1"));
	ck_assert_ptr_null(dec_regdef_find("no_such_register", DEC_ARCH_AARCH64));
}
END_TEST

/* ---- ESR: exception classes --------------------------------------------------------------- */

/* The EC table of DDI0487 L.a, ESR_ELx.EC, with a phrase of each class's name. */
static const struct {
	unsigned ec;
	const char *name;
} spec_ecs[] = {
    {0x00, "Unknown reason"},
    {0x01, "WF* instruction"},
    {0x03, "MCR or MRC"},
    {0x04, "MCRR or MRRC"},
    {0x05, "MCR or MRC"},
    {0x06, "LDC or STC"},
    {0x07, "Advanced SIMD or floating-point"},
    {0x08, "VMRS"},
    {0x09, "Pointer Authentication"},
    {0x0A, "LD64B or ST64B"},
    {0x0C, "MRRC"},
    {0x0D, "Branch Target"},
    {0x0E, "Illegal Execution state"},
    {0x11, "SVC instruction execution in AArch32 state"},
    {0x12, "HVC instruction execution in AArch32 state"},
    {0x13, "SMC instruction execution in AArch32 state"},
    {0x14, "MSRR, MRRS or System instruction"},
    {0x15, "SVC instruction execution in AArch64 state"},
    {0x16, "HVC instruction execution in AArch64 state"},
    {0x17, "SMC instruction execution in AArch64 state"},
    {0x18, "MSR, MRS or System instruction execution in AArch64 state"},
    {0x19, "SVE"},
    {0x1A, "ERET, ERETAA or ERETAB"},
    {0x1B, "TSTART"},
    {0x1C, "authentication failure"},
    {0x1D, "SME"},
    {0x1E, "Granule Protection Check"},
    {0x1F, "IMPLEMENTATION DEFINED exception to EL3"},
    {0x20, "Instruction Abort from a lower Exception level"},
    {0x21, "Instruction Abort taken without a change in Exception level"},
    {0x22, "PC alignment fault"},
    {0x24, "Data Abort from a lower Exception level"},
    {0x25, "Data Abort taken without a change in Exception level"},
    {0x26, "SP alignment fault"},
    {0x27, "Memory Operation Exception"},
    {0x28, "floating-point exception taken from AArch32 state"},
    {0x2C, "floating-point exception taken from AArch64 state"},
    {0x2D, "GCS exception"},
    {0x2F, "SError"},
    {0x30, "Breakpoint exception from a lower Exception level"},
    {0x31, "Breakpoint exception taken without a change in Exception level"},
    {0x32, "Software Step exception from a lower Exception level"},
    {0x33, "Software Step exception taken without a change in Exception level"},
    {0x34, "Watchpoint exception from a lower Exception level"},
    {0x35, "Watchpoint exception taken without a change in Exception level"},
    {0x38, "BKPT instruction execution in AArch32 state"},
    {0x3A, "Vector Catch"},
    {0x3C, "BRK instruction execution in AArch64 state"},
    {0x3D, "PMU exception"},
};

static const char *spec_ec_name(unsigned ec)
{
	for (size_t i = 0; i < sizeof spec_ecs / sizeof spec_ecs[0]; i++)
		if (spec_ecs[i].ec == ec)
			return spec_ecs[i].name;
	return NULL;
}

START_TEST(test_every_exception_class)
{
	for (unsigned ec = 0; ec < 64; ec++) {
		const char *want = spec_ec_name(ec);
		decode("esr", esr_of(ec, 0));
		const dec_field *f = field("EC");

		ck_assert_uint_eq(f->value, ec);
		ck_assert_uint_eq(f->lsb, 26);
		ck_assert_uint_eq(f->width, 6);
		if (want) {
			ck_assert_contains(f->meaning, want);
			ck_assert_msg(!f->warn, "EC 0x%02x is allocated but warns", ec);
			ck_assert_contains(reg.summary, want);
		} else {
			ck_assert_contains(f->meaning, "Unallocated (reserved) exception class");
			ck_assert_msg(f->warn, "EC 0x%02x is unallocated but does not warn", ec);
		}
		ck_assert_msg(reg.hint && reg.hint[0], "EC 0x%02x has no hint", ec);
	}
}
END_TEST

START_TEST(test_esr_top_fields)
{
	/* 0x93810046: EC = bits [31:26] = 0b100100 = 0x24, IL = bit 25 = 1, ISS = 0x1810046,
	 * ISS2 = 0, RES0 = 0. */
	decode("esr", 0x93810046);
	ck_assert_str_eq(reg.name, "ESR_EL2");
	ck_assert_uint_eq(field("EC")->value, 0x24);
	ck_assert_uint_eq(field("IL")->value, 1);
	ck_assert_uint_eq(field("ISS")->value, 0x1810046);
	ck_assert_uint_eq(field("ISS")->lsb, 0);
	ck_assert_uint_eq(field("ISS")->width, 25);
	ck_assert_uint_eq(field("ISS2")->lsb, 32);
	ck_assert_uint_eq(field("ISS2")->width, 24);
	ck_assert_uint_eq(field("RES0")->lsb, 56);
	ck_assert(!field("RES0")->warn);

	decode("esr_el1", 0x93810046);
	ck_assert_str_eq(reg.name, "ESR_EL1");
	decode("esr_el3", 0x93810046);
	ck_assert_str_eq(reg.name, "ESR_EL3");
}
END_TEST

START_TEST(test_esr_res0_warns)
{
	/* bit 56 is RES0 */
	decode("esr", UINT64_C(0x0100000093810046));
	ck_assert_uint_eq(field("RES0")->value, 1);
	ck_assert(field("RES0")->warn);

	/* An SMC64 (EC 0x17) has no ISS2: bit 32 set must warn. */
	decode("esr", UINT64_C(1) << 32 | esr_of(0x17, 0));
	ck_assert_uint_eq(field("ISS2")->value, 1);
	ck_assert(field("ISS2")->warn);

	/* HVC64 ISS bits [24:16] are RES0: 0x10000 set must be reported. */
	decode("esr", esr_of(0x16, 0x10000));
	bool warned = false;
	for (unsigned i = 0; i < reg.nfields; i++)
		warned |= strcmp(reg.fields[i].name, "RES0") == 0 && reg.fields[i].warn &&
			  reg.fields[i].lsb == 16;
	ck_assert(warned);
}
END_TEST

START_TEST(test_unknown_ec_no_crash)
{
	/* EC 0x3F is unallocated; every ISS must still decode. */
	decode("esr", UINT64_C(0xFFFFFFFFFFFFFFFF));
	ck_assert_uint_eq(field("EC")->value, 0x3F);
	ck_assert_contains(reg.summary, "Unallocated (reserved) exception class");
	ck_assert(field("RES0")->warn);

	ctx_reset();
	ctx_add("esr", esr_of(0x3F, 0x1234));
	dec_explain(&ctx, &rep);
	ck_assert(diagnosed("unallocated"));
}
END_TEST

/* ---- ESR: data and instruction aborts ---------------------------------------------------- */

/* DFSC values of DDI0487 L.a (ISS encoding for a Data Abort). */
static const struct {
	unsigned fsc;
	const char *name;
} spec_fscs[] = {
    {0x00, "address size fault, level 0"},
    {0x01, "address size fault, level 1"},
    {0x02, "address size fault, level 2"},
    {0x03, "address size fault, level 3"},
    {0x04, "translation fault, level 0"},
    {0x05, "translation fault, level 1"},
    {0x06, "translation fault, level 2"},
    {0x07, "translation fault, level 3"},
    {0x08, "access flag fault, level 0"},
    {0x09, "access flag fault, level 1"},
    {0x0A, "access flag fault, level 2"},
    {0x0B, "access flag fault, level 3"},
    {0x0C, "permission fault, level 0"},
    {0x0D, "permission fault, level 1"},
    {0x0E, "permission fault, level 2"},
    {0x0F, "permission fault, level 3"},
    {0x10, "synchronous External abort, not on a translation table walk"},
    {0x11, "Tag Check Fault"},
    {0x12, "External abort on translation table walk or hardware update of translation "
	   "table, level -2"},
    {0x13, "External abort on translation table walk or hardware update of translation "
	   "table, level -1"},
    {0x14, "External abort on translation table walk or hardware update of translation "
	   "table, level 0"},
    {0x15, "External abort on translation table walk or hardware update of translation "
	   "table, level 1"},
    {0x16, "External abort on translation table walk or hardware update of translation "
	   "table, level 2"},
    {0x17, "External abort on translation table walk or hardware update of translation "
	   "table, level 3"},
    {0x18, "parity or ECC error on memory access, not on translation table walk"},
    {0x1B, "parity or ECC error on translation table walk or hardware update of "
	   "translation table, level -1"},
    {0x1C, "parity or ECC error on translation table walk or hardware update of "
	   "translation table, level 0"},
    {0x1D, "parity or ECC error on translation table walk or hardware update of "
	   "translation table, level 1"},
    {0x1E, "parity or ECC error on translation table walk or hardware update of "
	   "translation table, level 2"},
    {0x1F, "parity or ECC error on translation table walk or hardware update of "
	   "translation table, level 3"},
    {0x21, "alignment fault"},
    {0x22, "Granule Protection Fault on translation table walk or hardware update of "
	   "translation table, level -2"},
    {0x23, "Granule Protection Fault on translation table walk or hardware update of "
	   "translation table, level -1"},
    {0x24, "Granule Protection Fault on translation table walk or hardware update of "
	   "translation table, level 0"},
    {0x25, "Granule Protection Fault on translation table walk or hardware update of "
	   "translation table, level 1"},
    {0x26, "Granule Protection Fault on translation table walk or hardware update of "
	   "translation table, level 2"},
    {0x27, "Granule Protection Fault on translation table walk or hardware update of "
	   "translation table, level 3"},
    {0x28, "Granule Protection Fault, not on translation table walk"},
    {0x29, "address size fault, level -1"},
    {0x2A, "translation fault, level -2"},
    {0x2B, "translation fault, level -1"},
    {0x2C, "address size fault, level -2"},
    {0x30, "TLB conflict abort"},
    {0x31, "unsupported atomic hardware update fault"},
    {0x34, "IMPLEMENTATION DEFINED fault (Lockdown)"},
    {0x35, "IMPLEMENTATION DEFINED fault (Unsupported Exclusive or Atomic access)"},
};

START_TEST(test_every_fault_status_code)
{
	for (unsigned fsc = 0; fsc < 64; fsc++) {
		const char *want = NULL;
		for (size_t i = 0; i < sizeof spec_fscs / sizeof spec_fscs[0]; i++)
			if (spec_fscs[i].fsc == fsc)
				want = spec_fscs[i].name;

		/* data abort from a lower EL, ISV = 0, read */
		decode("esr", esr_of(0x24, fsc));
		const dec_field *f = field("DFSC");
		ck_assert_uint_eq(f->value, fsc);
		if (want) {
			ck_assert_contains(f->meaning, want);
			ck_assert(!f->warn);
		} else {
			ck_assert_contains(f->meaning, "reserved");
			ck_assert(f->warn);
		}

		/* the instruction abort shares the table */
		decode("esr", esr_of(0x20, fsc));
		ck_assert_uint_eq(field("IFSC")->value, fsc);
		if (want)
			ck_assert_contains(field("IFSC")->meaning, want);
	}
}
END_TEST

START_TEST(test_dabt_syndrome_write)
{
	/* 0x93810046, ISS = 0x1810046:
	 *   ISV [24] = 1; SAS [23:22] = 0b10 -> word, 4 bytes; SSE [21] = 0;
	 *   SRT [20:16] = 0b00001 = 1; SF [15] = 0 -> w1; AR [14] = 0;
	 *   WnR [6] = 1 (0x46 = 0b1000110) -> write; DFSC [5:0] = 0b000110 -> translation L2. */
	decode("esr", 0x93810046);
	ck_assert_uint_eq(field("ISV")->value, 1);
	ck_assert_uint_eq(field("SAS")->value, 2);
	ck_assert_contains(field("SAS")->meaning, "4 bytes");
	ck_assert_uint_eq(field("SSE")->value, 0);
	ck_assert_uint_eq(field("SRT")->value, 1);
	ck_assert_uint_eq(field("SF")->value, 0);
	ck_assert_uint_eq(field("AR")->value, 0);
	ck_assert_uint_eq(field("WnR")->value, 1);
	ck_assert_uint_eq(field("DFSC")->value, 0x06);
	ck_assert_contains(reg.summary, "Data Abort from a lower Exception level");
	ck_assert_contains(reg.summary, "translation fault, level 2");
	ck_assert_contains(reg.summary, "write of 4 bytes from w1");
	ck_assert_contains(reg.summary, "ISV=1");
}
END_TEST

START_TEST(test_dabt_syndrome_reads)
{
	/* LDR x3: ISV = 1, SAS = 3 (8 bytes), SRT = 3, SF = 1, WnR = 0, DFSC = 0x07:
	 * ISS = 1<<24 | 3<<22 | 3<<16 | 1<<15 | 0x07 = 0x1C38007; ESR = 0x92000000 + ISS. */
	decode("esr", 0x93C38007);
	ck_assert_uint_eq(field("SAS")->value, 3);
	ck_assert_uint_eq(field("SRT")->value, 3);
	ck_assert_uint_eq(field("SF")->value, 1);
	ck_assert_uint_eq(field("WnR")->value, 0);
	ck_assert_contains(reg.summary, "read of 8 bytes into x3");

	/* LDRSH w5: SAS = 1, SSE = 1, SRT = 5, SF = 0, DFSC = 0x06:
	 * ISS = 1<<24 | 1<<22 | 1<<21 | 5<<16 | 0x06 = 0x1650006. */
	decode("esr", 0x93650006);
	ck_assert_uint_eq(field("SAS")->value, 1);
	ck_assert_uint_eq(field("SSE")->value, 1);
	ck_assert_uint_eq(field("SRT")->value, 5);
	ck_assert_contains(reg.summary, "read of 2 bytes into w5, sign-extended");

	/* STR xzr: SAS = 3, SRT = 31, SF = 1, WnR = 1, DFSC = 0x07:
	 * ISS = 1<<24 | 3<<22 | 31<<16 | 1<<15 | 1<<6 | 0x07 = 0x1DF8047. */
	decode("esr", 0x93DF8047);
	ck_assert_uint_eq(field("SRT")->value, 31);
	ck_assert_contains(reg.summary, "write of 8 bytes from xzr");

	/* ISV = 0: no SAS/SRT fields; 0x92000047 = EC 0x24, IL 1, WnR 1, DFSC 0x07. */
	decode("esr", 0x92000047);
	ck_assert_uint_eq(field("ISV")->value, 0);
	for (unsigned i = 0; i < reg.nfields; i++)
		ck_assert_str_ne(reg.fields[i].name, "SAS");
	ck_assert_contains(reg.summary, "ISV=0");
}
END_TEST

START_TEST(test_dabt_iss2)
{
	/* ISS2 for a data abort: Xs [36:32], DirtyBit 37, Overlay 38, AssuredOnly 39, GCS 40,
	 * TagAccess 41, TnD 42. Set Xs = 5 and GCS: ISS2 = 5 | 1<<8 = 0x105. */
	decode("esr", UINT64_C(0x105) << 32 | 0x93810046);
	ck_assert_uint_eq(field("ISS2")->value, 0x105);
	ck_assert_uint_eq(field("Xs")->value, 5);
	ck_assert_uint_eq(field("GCS")->value, 1);
	ck_assert_uint_eq(field("GCS")->lsb, 40);
	ck_assert_uint_eq(field("TnD")->lsb, 42);
	ck_assert_uint_eq(field("TagAccess")->lsb, 41);
	ck_assert_uint_eq(field("Overlay")->lsb, 38);
	ck_assert_uint_eq(field("DirtyBit")->lsb, 37);
	ck_assert_uint_eq(field("AssuredOnly")->lsb, 39);
	ck_assert(!field("ISS2")->warn);
}
END_TEST

START_TEST(test_abort_set_and_flags)
{
	/* SEA (DFSC 0x10) with SET [12:11] = 0b10 (UC), FnV [10] = 1, EA [9] = 1, CM [8] = 1,
	 * S1PTW [7] = 1: ISS = 2<<11 | 1<<10 | 1<<9 | 1<<8 | 1<<7 | 0x10 = 0x1790. */
	decode("esr", esr_of(0x24, 0x1790));
	ck_assert_uint_eq(field("SET")->value, 2);
	ck_assert_contains(field("SET")->meaning, "UC");
	ck_assert_uint_eq(field("FnV")->value, 1);
	ck_assert_uint_eq(field("EA")->value, 1);
	ck_assert_uint_eq(field("CM")->value, 1);
	ck_assert_uint_eq(field("S1PTW")->value, 1);

	/* instruction abort, translation fault level 1: IFSC 0x05 */
	decode("esr", esr_of(0x20, 0x05));
	ck_assert_contains(reg.summary, "Instruction Abort from a lower Exception level");
	ck_assert_contains(reg.summary, "translation fault, level 1");
}
END_TEST

/* ---- ESR: instruction traps ---------------------------------------------------------------- */

START_TEST(test_mrs_spelling)
{
	/* MRS x0, CNTVCT_EL0: Op0 = 3, Op1 = 3, CRn = 14, CRm = 0, Op2 = 2, Rt = 0, read:
	 * ISS = 3<<20 | 2<<17 | 3<<14 | 14<<10 | 0<<5 | 0<<1 | 1
	 *     = 0x300000 + 0x40000 + 0xC000 + 0x3800 + 1 = 0x34F801;
	 * ESR = 0x18<<26 | 1<<25 | ISS = 0x60000000 + 0x2000000 + 0x34F801 = 0x6234F801. */
	decode("esr", 0x6234F801);
	ck_assert_uint_eq(field("Op0")->value, 3);
	ck_assert_uint_eq(field("Op2")->value, 2);
	ck_assert_uint_eq(field("Op1")->value, 3);
	ck_assert_uint_eq(field("CRn")->value, 14);
	ck_assert_uint_eq(field("Rt")->value, 0);
	ck_assert_uint_eq(field("CRm")->value, 0);
	ck_assert_uint_eq(field("Direction")->value, 1);
	ck_assert_contains(reg.summary, "MRS x0, CNTVCT_EL0");

	/* Rt = 31: ISS + 31<<5 = 0x34F801 + 0x3E0 = 0x34FBE1 */
	decode("esr", 0x6234FBE1);
	ck_assert_uint_eq(field("Rt")->value, 31);
	ck_assert_contains(reg.summary, "MRS xzr, CNTVCT_EL0");

	/* An IMPLEMENTATION DEFINED register, Op0 3 Op1 3 CRn 15 CRm 7 Op2 7, read into x0:
	 * ISS = 0x300000 + 7<<17 (0xE0000) + 0xC000 + 15<<10 (0x3C00) + 7<<1 (0xE) + 1
	 *     = 0x3EFC0F; Capstone cannot name it, so the generic form stays. */
	decode("esr", 0x623EFC0F);
	ck_assert_contains(reg.summary, "MRS x0, S3_3_C15_C7_7");
}
END_TEST

START_TEST(test_msr_and_sys_spelling)
{
	/* MSR SCTLR_EL1, x2: Op0 3, Op1 0, CRn 1, CRm 0, Op2 0, Rt 2, write (Direction 0):
	 * ISS = 0x300000 + 1<<10 + 2<<5 = 0x300440. */
	decode("esr", 0x62300440);
	ck_assert_uint_eq(field("Direction")->value, 0);
	ck_assert_uint_eq(field("Rt")->value, 2);
	ck_assert_contains(reg.summary, "MSR SCTLR_EL1, x2");

	/* MSR ICC_SGI1R_EL1, x1: Op0 3, Op1 0, CRn 12, CRm 11, Op2 5, Rt 1, write:
	 * ISS = 0x300000 + 5<<17 (0xA0000) + 12<<10 (0x3000) + 1<<5 (0x20) + 11<<1 (0x16)
	 *     = 0x3A3036 (arm_vcpu's 0x3A3016 plus Rt). */
	decode("esr", 0x623A3036);
	ck_assert_contains(reg.summary, "MSR ICC_SGI1R_EL1, x1");

	/* DC CIVAC, x0 is SYS #3, C7, C14, #1: Op0 1, Op1 3, CRn 7, CRm 14, Op2 1, write:
	 * ISS = 1<<20 + 1<<17 + 3<<14 + 7<<10 + 14<<1 = 0x100000 + 0x20000 + 0xC000 + 0x1C00
	 *     + 0x1C = 0x12DC1C. */
	decode("esr", 0x6212DC1C);
	ck_assert_uint_eq(field("Op0")->value, 1);
	ck_assert_contains(reg.summary, "DC CIVAC, x0");
}
END_TEST

START_TEST(test_wfx_hvc_brk)
{
	/* WFI: EC 0x01, TI = 0b00 -> 0x06000000; WFE: TI = 0b01 */
	decode("esr", 0x06000000);
	ck_assert_uint_eq(field("TI")->value, 0);
	ck_assert_contains(reg.summary, "WFI");
	decode("esr", 0x06000001);
	ck_assert_contains(reg.summary, "WFE");
	/* WFET with the timeout in x5: TI = 3, RV [2] = 1, RN [9:5] = 5:
	 * ISS = 5<<5 | 1<<2 | 3 = 0xA7 */
	decode("esr", 0x060000A7);
	ck_assert_uint_eq(field("RV")->value, 1);
	ck_assert_uint_eq(field("RN")->value, 5);
	ck_assert_contains(reg.summary, "WFET");
	ck_assert_contains(reg.summary, "x5");

	/* HVC #0x4711 from AArch64: EC 0x16 -> 0x58000000 | IL | imm16 */
	decode("esr", 0x5A004711);
	ck_assert_uint_eq(field("imm16")->value, 0x4711);
	ck_assert_contains(reg.summary, "HVC #0x4711");

	/* BRK #0x800: EC 0x3C -> 0xF0000000 | IL | 0x800 */
	decode("esr", 0xF2000800);
	ck_assert_uint_eq(field("Comment")->value, 0x800);
	ck_assert_contains(reg.summary, "BRK #0x800");
}
END_TEST

START_TEST(test_other_classes)
{
	/* SError: EC 0x2F, IDS 0, AET [12:10] = 0b000 (UC), DFSC 0x11 */
	decode("esr", esr_of(0x2F, 0x11));
	ck_assert_uint_eq(field("AET")->value, 0);
	ck_assert_contains(field("AET")->meaning, "Uncontainable");
	ck_assert_contains(field("DFSC")->meaning, "Asynchronous SError");

	/* FP exception from AArch64 (0x2C): TFV [23] = 1, DZF [1] = 1 */
	decode("esr", esr_of(0x2C, 1u << 23 | 1u << 1));
	ck_assert_uint_eq(field("TFV")->value, 1);
	ck_assert_uint_eq(field("DZF")->value, 1);
	ck_assert_contains(reg.summary, "divide by zero");

	/* ERETAB: ERET [1] = 1, ERETA [0] = 1 */
	decode("esr", esr_of(0x1A, 3));
	ck_assert_contains(reg.summary, "ERETAB");

	/* SME: SMTC [2:0] = 0b011 -> PSTATE.ZA is 0 */
	decode("esr", esr_of(0x1D, 3));
	ck_assert_uint_eq(field("SMTC")->value, 3);
	ck_assert_contains(field("SMTC")->meaning, "PSTATE.ZA");

	/* MOPS: MemInst [24] = 1 (SET*), WrongOption [17] = 1, destreg 1, srcreg 2, sizereg 3 */
	decode("esr", esr_of(0x27, 1u << 24 | 1u << 17 | 1u << 10 | 2u << 5 | 3));
	ck_assert_uint_eq(field("MemInst")->value, 1);
	ck_assert_uint_eq(field("WrongOption")->value, 1);
	ck_assert_uint_eq(field("destreg")->value, 1);
	ck_assert_uint_eq(field("srcreg")->value, 2);
	ck_assert_uint_eq(field("sizereg")->value, 3);

	/* Watchpoint from a lower EL: WPT [23:18] = 3, WPTV [17] = 1, WnR 1, DFSC 0x22 */
	decode("esr", esr_of(0x34, 3u << 18 | 1u << 17 | 1u << 6 | 0x22));
	ck_assert_uint_eq(field("WPT")->value, 3);
	ck_assert_uint_eq(field("WPTV")->value, 1);
	ck_assert_contains(field("DFSC")->meaning, "Debug exception");

	/* BTI: BTYPE [1:0] = 0b10 */
	decode("esr", esr_of(0x0D, 2));
	ck_assert_uint_eq(field("BTYPE")->value, 2);

	/* FPAC: IorD [1] = 1, AorB [0] = 1 -> the DB key */
	decode("esr", esr_of(0x1C, 3));
	ck_assert_contains(reg.summary, "DB key");

	/* SMC32 CCKNOWNPASS is bit 19 */
	decode("esr", esr_of(0x13, 1u << 19));
	ck_assert_uint_eq(field("CCKNOWNPASS")->value, 1);

	/* MRC p15, 0, r0, c1, c0, 0 (SCTLR read): Opc2 0, Opc1 0, CRn 1, Rt 0, CRm 0, read;
	 * CV 1, COND 0b1110: ISS = 1<<24 | 0xE<<20 | 1<<10 | 1 = 0x1E00401 */
	decode("esr", esr_of(0x03, 0x1E00401));
	ck_assert_uint_eq(field("CRn")->value, 1);
	ck_assert_contains(reg.summary, "MRC p15, 0, r0, c1, c0, 0");
}
END_TEST

/* Why one decoded register breaks the tree's rules, or NULL. Plain checks: a ck_assert per
 * field would cost a pipe write each in Check's fork mode. */
static const char *tree_violation(void)
{
	if (reg.nfields > DEC_MAX_FIELDS)
		return "too many fields";
	if (!reg.summary || !reg.hint)
		return "no summary or hint";
	for (unsigned j = 0; j < reg.nfields; j++) {
		const dec_field *f = &reg.fields[j];
		if (f->lsb >= 64 || f->width == 0 || (unsigned)f->lsb + f->width > 64)
			return "field outside [0,64)";
		if (f->depth >= DEC_MAX_DEPTH)
			return "field too deep";
		if (!f->name || !f->meaning)
			return "field without name or meaning";
		if (f->value != dec_bits(reg.value, f->lsb, f->width))
			return "field value differs from the register bits";
	}
	return NULL;
}

static uint64_t xorshift64(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

START_TEST(test_random_esr_sweep)
{
	static const char *const names[] = {"esr", "esr_el1", "esr_el3"};
	uint64_t x = UINT64_C(0x9E3779B97F4A7C15); /* fixed seed */

	for (unsigned i = 0; i < 200000; i++) {
		uint64_t v = xorshift64(&x);
		const char *why;

		decode(names[i % 3], v);
		why = tree_violation();
		if (why)
			ck_abort_msg("ESR 0x%016llx: %s", (unsigned long long)v, why);
	}
}
END_TEST

START_TEST(test_random_other_registers)
{
	uint64_t x = UINT64_C(0x0123456789ABCDEF);

	for (const dec_regdef *d = dec_regdefs(DEC_ARCH_AARCH64); d->name; d++) {
		for (unsigned i = 0; i < 2000; i++) {
			uint64_t v = xorshift64(&x);
			const char *why;

			if (d->bits == 32)
				v = (uint32_t)v;
			d->decode(&reg, d, v, NULL);
			why = tree_violation();
			if (why)
				ck_abort_msg("%s 0x%llx: %s", d->name, (unsigned long long)v, why);
		}
	}
}
END_TEST

/* ---- Other registers ------------------------------------------------------------------------ */

START_TEST(test_vtcr_arm_vcpu_values)
{
	/* 0x53590: T0SZ [5:0] = 0x10 = 16 -> IPA 64 - 16 = 48 bits; SL0 [7:6] = 0b10 -> with
	 * TG0 [15:14] = 0b00 (4 KB) start level 0; IRGN0 [9:8] = 0b01; ORGN0 [11:10] = 0b01;
	 * SH0 [13:12] = 0b11; PS [18:16] = 0b101 -> 48 bits. */
	decode("vtcr", 0x53590);
	ck_assert_uint_eq(field("T0SZ")->value, 16);
	ck_assert_contains(field("T0SZ")->meaning, "48 bits");
	ck_assert_uint_eq(field("SL0")->value, 2);
	ck_assert_contains(field("SL0")->meaning, "start level 0");
	ck_assert_uint_eq(field("TG0")->value, 0);
	ck_assert_contains(field("TG0")->meaning, "4 KB");
	ck_assert_uint_eq(field("PS")->value, 5);
	ck_assert_contains(field("PS")->meaning, "48 bits");
	ck_assert_uint_eq(field("SH0")->value, 3);
	ck_assert_contains(field("SH0")->meaning, "Inner Shareable");
	ck_assert(!field("T0SZ")->warn);
	ck_assert_contains(reg.summary, "48-bit IPA");
	ck_assert_contains(reg.summary, "start level 0");
	/* bit 31 is RES1 and arm_vcpu leaves it clear */
	ck_assert(field("RES1")->warn);

	/* 0x23559: T0SZ = 0x19 = 25 -> 39 bits; SL0 = 0b01 -> level 1; PS = 0b010 -> 40 bits */
	decode("vtcr", 0x23559);
	ck_assert_uint_eq(field("T0SZ")->value, 25);
	ck_assert_contains(field("T0SZ")->meaning, "39 bits");
	ck_assert_contains(field("SL0")->meaning, "start level 1");
	ck_assert_contains(field("PS")->meaning, "40 bits");
	ck_assert_contains(reg.summary, "39-bit IPA");

	/* 48-bit IPA with SL0 = 0b01 (level 1): level 1 resolves at most 12 + 3*9 + 4 = 43 bits
	 * with 16 concatenated tables, so 0x53550 is inconsistent. */
	decode("vtcr", 0x53550);
	ck_assert(field("T0SZ")->warn);
	ck_assert(field("SL0")->warn);
	ck_assert_contains(reg.summary, "inconsistent");

	/* KVM's 40-bit IPA: T0SZ = 24, SL0 = 1 -> 2 concatenated level-1 tables; bit 31 set */
	decode("vtcr", 0x80023558);
	ck_assert(!field("SL0")->warn);
	ck_assert_contains(field("SL0")->meaning, "2 concatenated");
	ck_assert(!field("RES1")->warn);
}
END_TEST

START_TEST(test_spsr_midr_hcr)
{
	/* SPSR 0x3C5: M[3:0] = 0b0101 -> EL1h, M[4] = 0 (AArch64), F [6], I [7], A [8], D [9]
	 * all 1 (0x3C0). */
	decode("spsr", 0x3C5);
	ck_assert_uint_eq(field("M[3:0]")->value, 5);
	ck_assert_contains(field("M[3:0]")->meaning, "EL1h");
	ck_assert_uint_eq(field("M[4]")->value, 0);
	ck_assert_uint_eq(field("D")->value, 1);
	ck_assert_uint_eq(field("A")->value, 1);
	ck_assert_uint_eq(field("I")->value, 1);
	ck_assert_uint_eq(field("F")->value, 1);
	ck_assert_contains(field("I")->meaning, "masked");
	ck_assert_contains(reg.summary, "EL1h");
	ck_assert_contains(reg.summary, "DAIF masked");

	/* AArch32 Supervisor: M[4:0] = 0b10011 */
	decode("spsr", 0x1D3);
	ck_assert_contains(reg.summary, "AArch32 Supervisor");

	/* MIDR 0x410FD083: Implementer 0x41 (Arm), Variant 0, Architecture 0xF, PartNum 0xD08
	 * (Cortex-A72), Revision 3 -> "Arm Cortex-A72 r0p3" */
	decode("midr", 0x410FD083);
	ck_assert_uint_eq(field("Implementer")->value, 0x41);
	ck_assert_uint_eq(field("Variant")->value, 0);
	ck_assert_uint_eq(field("Architecture")->value, 0xF);
	ck_assert_uint_eq(field("PartNum")->value, 0xD08);
	ck_assert_uint_eq(field("Revision")->value, 3);
	ck_assert_str_eq(reg.summary, "Arm Cortex-A72 r0p3");

	/* HCR_EL2 0x80080019 = bit 31 (RW) | bit 19 (TSC) | bit 4 (IMO) | bit 3 (FMO) | bit 0 (VM)
	 */
	decode("hcr", 0x80080019);
	ck_assert_uint_eq(field("VM")->value, 1);
	ck_assert_uint_eq(field("FMO")->value, 1);
	ck_assert_uint_eq(field("IMO")->value, 1);
	ck_assert_uint_eq(field("TSC")->value, 1);
	ck_assert_uint_eq(field("RW")->value, 1);
	ck_assert_uint_eq(field("AMO")->value, 0);
	ck_assert_uint_eq(field("TWI")->value, 0);
	ck_assert_uint_eq(field("E2H")->value, 0);
	ck_assert_uint_eq(field("TWI")->lsb, 13);
	ck_assert_uint_eq(field("E2H")->lsb, 34);
	ck_assert_uint_eq(field("TWEDEL")->lsb, 60);
	ck_assert_str_eq(reg.summary, "set: VM FMO IMO TSC RW");
}
END_TEST

START_TEST(test_hpfar_far_vttbr)
{
	/* HPFAR 0x90000: FIPA [47:4] = 0x9000 -> IPA page 0x9000 << 12 = 0x9000000 */
	decode("hpfar", 0x90000);
	ck_assert_uint_eq(field("FIPA")->value, 0x9000);
	ck_assert_contains(reg.summary, "0x9000000");

	/* FAR in the upper (TTBR1) range */
	decode("far", UINT64_C(0xFFFF800010000004));
	ck_assert_contains(reg.summary, "upper VA range");
	ck_assert_uint_eq(field("Page offset")->value, 4);

	/* VTTBR: VMID [63:48] = 5, BADDR [47:1], CnP [0] = 1 */
	decode("vttbr", UINT64_C(0x0005000040200001));
	ck_assert_uint_eq(field("VMID")->value, 5);
	ck_assert_uint_eq(field("CnP")->value, 1);
	ck_assert_contains(reg.summary, "0x40200000");
}
END_TEST

START_TEST(test_smccc_and_psci)
{
	/* 0x84000000: bit 31 = 1 (fast), bit 30 = 0 (SMC32), OEN [29:24] = 4 (Standard Secure),
	 * function 0 -> PSCI_VERSION */
	decode("smccc", 0x84000000);
	ck_assert_uint_eq(field("Fast")->value, 1);
	ck_assert_uint_eq(field("SMC64")->value, 0);
	ck_assert_uint_eq(field("OEN")->value, 4);
	ck_assert_uint_eq(field("Function")->value, 0);
	ck_assert_contains(reg.summary, "PSCI_VERSION");

	/* 0xC4000003: bit 30 = 1 (SMC64), function 3 -> CPU_ON */
	decode("psci", 0xC4000003);
	ck_assert_uint_eq(field("SMC64")->value, 1);
	ck_assert_uint_eq(field("Function")->value, 3);
	ck_assert_contains(reg.summary, "CPU_ON");
	ck_assert_contains(reg.summary, "SMC64");
	ck_assert_contains(reg.hint, "CpuUp");

	/* SMCCC_ARCH_WORKAROUND_1 = 0x80008000 */
	decode("smccc", 0x80008000);
	ck_assert_contains(reg.summary, "SMCCC_ARCH_WORKAROUND_1");

	/* bits [23:17] must be zero */
	decode("smccc", 0x84020000);
	ck_assert(field("MBZ")->warn);

	/* PSCI_VERSION has no SMC64 form */
	decode("smccc", 0xC4000000);
	ck_assert(field("Function")->warn);

	/* the register table refuses values wider than 32 bits */
	ck_assert_uint_eq(regdef("smccc")->bits, 32);
	ck_assert_uint_eq(regdef("psci")->bits, 32);
}
END_TEST

START_TEST(test_insn_and_disasm)
{
	char buf[64];

	ck_assert(dec_a64_disasm(0xD503201F, 0, buf, sizeof buf));
	ck_assert_str_eq(buf, "nop");
	ck_assert(!dec_a64_disasm(0x00000000, 0, buf, sizeof buf));
	ck_assert_str_eq(buf, "unknown");

	/* 0xB9000020 = STR w0, [x1]; bits [28:25] = 0b1100 -> Loads and Stores */
	decode("insn", 0xB9000020);
	ck_assert_uint_eq(field("op0")->value, 0xC);
	ck_assert_contains(field("op0")->meaning, "Loads and Stores");
	ck_assert_contains(reg.summary, "str w0, [x1]");
}
END_TEST

/* ---- explain ------------------------------------------------------------------------------- */

START_TEST(test_explain_mmio_write)
{
	/* ESR 0x93810046 (write of 4 bytes from w1), HPFAR 0x90000, FAR ...004:
	 * IPA = (0x90000 << 8) | 0x004 = 0x9000004 */
	ctx_reset();
	ctx_add("esr", 0x93810046);
	ctx_add("hpfar", 0x90000);
	ctx_add("far", UINT64_C(0xFFFF800010000004));
	ctx_add("elr", UINT64_C(0xFFFF800008123454));
	dec_explain(&ctx, &rep);
	ck_assert_str_eq(derived("ipa"), "0x9000004");
	ck_assert_str_eq(derived("va"), "0xffff800010000004");
	ck_assert_str_eq(derived("access"), "write of 4 bytes from w1 to IPA 0x9000004 "
					    "(KVM_EXIT_MMIO, then skip the 4-byte instruction)");
	ck_assert_str_eq(derived("mmio_len"), "4");
	ck_assert_str_eq(derived("mmio_write"), "true");
	ck_assert_str_eq(derived("reg"), "w1");
	ck_assert_contains(derived("next_pc"), "0xffff800008123458");
	ck_assert(diagnosed("FAR should point into a device region"));
}
END_TEST

START_TEST(test_explain_nisv_and_s1ptw)
{
	/* ISV = 0 write, translation fault level 3: 0x92000047 */
	ctx_reset();
	ctx_add("esr", 0x92000047);
	ctx_add("hpfar", 0x90000);
	ctx_add("far", 0x10);
	dec_explain(&ctx, &rep);
	ck_assert_str_eq(derived("ipa"), "0x9000010");
	ck_assert(diagnosed("KVM_EXIT_ARM_NISV"));
	ck_assert(diagnosed("-ENOSYS"));
	ck_assert(diagnosed("never checks ISV"));

	/* permission fault level 3 on a stage-1 walk: S1PTW [7] = 1, DFSC 0x0F -> ISS 0x8F */
	ctx_reset();
	ctx_add("esr", esr_of(0x24, 0x8F));
	dec_explain(&ctx, &rep);
	ck_assert(diagnosed("stage 2 protects the guest's own page tables"));
}
END_TEST

START_TEST(test_explain_calls_and_traps)
{
	/* HVC #0 with x0 = CPU_ON (SMC64) */
	ctx_reset();
	ctx_add("esr", 0x5A000000);
	ctx_add("smccc", 0xC4000003);
	dec_explain(&ctx, &rep);
	ck_assert_contains(derived("function"), "CPU_ON");
	ck_assert(diagnosed("already points after the HVC"));
	ck_assert(diagnosed("CpuUp"));

	/* HVC without x0: say that x0 decides */
	ctx_reset();
	ctx_add("esr", 0x5A000000);
	dec_explain(&ctx, &rep);
	ck_assert(diagnosed("decided by x0"));

	/* MRS x0, CNTVCT_EL0 */
	ctx_reset();
	ctx_add("esr", 0x6234F801);
	ctx_add("elr", 0x80001000);
	dec_explain(&ctx, &rep);
	ck_assert_str_eq(derived("sysreg_access"), "MRS x0, CNTVCT_EL0");
	ck_assert_str_eq(derived("next_pc"), "0x80001004");
	ck_assert(diagnosed("sys_reg_descs"));

	/* an unknown EC 0x00: UNDEF injection */
	ctx_reset();
	ctx_add("esr", 0x02000000);
	dec_explain(&ctx, &rep);
	ck_assert(diagnosed("injects an UNDEF"));

	/* the same syndrome taken to EL1 is the guest's business */
	ctx_reset();
	ctx_add("esr_el1", 0x93810046);
	dec_explain(&ctx, &rep);
	ck_assert(diagnosed("taken to EL1"));

	/* inconsistent VTCR_EL2 */
	ctx_reset();
	ctx_add("vtcr", 0x53550);
	dec_explain(&ctx, &rep);
	ck_assert(diagnosed("inconsistent"));
}
END_TEST

static Suite *dec_a64_suite(void)
{
	Suite *s = suite_create("aarch64 decoders");
	TCase *esr = tcase_create("esr");
	TCase *regs = tcase_create("registers");
	TCase *explain = tcase_create("explain");

	tcase_set_timeout(esr, 60);
	tcase_add_test(esr, test_regdef_table);
	tcase_add_test(esr, test_every_exception_class);
	tcase_add_test(esr, test_esr_top_fields);
	tcase_add_test(esr, test_esr_res0_warns);
	tcase_add_test(esr, test_unknown_ec_no_crash);
	tcase_add_test(esr, test_every_fault_status_code);
	tcase_add_test(esr, test_dabt_syndrome_write);
	tcase_add_test(esr, test_dabt_syndrome_reads);
	tcase_add_test(esr, test_dabt_iss2);
	tcase_add_test(esr, test_abort_set_and_flags);
	tcase_add_test(esr, test_mrs_spelling);
	tcase_add_test(esr, test_msr_and_sys_spelling);
	tcase_add_test(esr, test_wfx_hvc_brk);
	tcase_add_test(esr, test_other_classes);
	tcase_add_test(esr, test_random_esr_sweep);
	suite_add_tcase(s, esr);

	tcase_add_test(regs, test_random_other_registers);
	tcase_add_test(regs, test_vtcr_arm_vcpu_values);
	tcase_add_test(regs, test_spsr_midr_hcr);
	tcase_add_test(regs, test_hpfar_far_vttbr);
	tcase_add_test(regs, test_smccc_and_psci);
	tcase_add_test(regs, test_insn_and_disasm);
	suite_add_tcase(s, regs);

	tcase_add_test(explain, test_explain_mmio_write);
	tcase_add_test(explain, test_explain_nisv_and_s1ptw);
	tcase_add_test(explain, test_explain_calls_and_traps);
	suite_add_tcase(s, explain);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(dec_a64_suite());
	int failed;

	srunner_run_all(runner, CK_ENV);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
