/* RISC-V register decoders and explainer. Expected values come from the RISC-V privileged
 * specification (tables "mcause values" and "hcauses", the hstatus/hgatp/satp layouts, the
 * H-extension delegation rules and the htinst transformations) and the SBI specification,
 * worked out by hand in the comments; none is copied from the decoder's output.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strcasestr */
#endif
#include "decode/decode.h"

#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static dec_reg R;
static dec_ctx CTX;
static dec_report REP;

static void ctx_reset(void)
{
	memset(&CTX, 0, sizeof CTX);
	CTX.arch = DEC_ARCH_RISCV64;
}

static void ctx_put(const dec_regdef *def, uint64_t value)
{
	CTX.item[CTX.n].def = def;
	CTX.item[CTX.n].value = value;
	CTX.n++;
}

static void ctx_add(const char *name, uint64_t value)
{
	const dec_regdef *def = dec_regdef_find(name, DEC_ARCH_RISCV64);
	ck_assert_msg(def != NULL, "no regdef %s", name);
	ck_assert_uint_lt(CTX.n, DEC_CTX_MAX);
	ctx_put(def, value);
}

/* Decodes name=value with everything in CTX as context. */
static const dec_reg *decode(const char *name, uint64_t value)
{
	const dec_regdef *def = dec_regdef_find(name, DEC_ARCH_RISCV64);
	ck_assert_msg(def != NULL, "no regdef %s", name);
	def->decode(&R, def, value, &CTX);
	return &R;
}

static const dec_report *explain(void)
{
	dec_report_init(&REP);
	dec_rv_explain(&CTX, &REP);
	return &REP;
}

static const dec_field *field_named(const dec_reg *r, const char *name)
{
	for (unsigned i = 0; i < r->nfields; i++)
		if (strcmp(r->fields[i].name, name) == 0)
			return &r->fields[i];
	ck_abort_msg("%s: no field %s", r->name, name);
	return NULL;
}

static const dec_field *field_at(const dec_reg *r, unsigned lsb, unsigned width)
{
	for (unsigned i = 0; i < r->nfields; i++)
		if (r->fields[i].lsb == lsb && r->fields[i].width == width &&
		    r->fields[i].depth == 0)
			return &r->fields[i];
	return NULL;
}

static unsigned warnings(const dec_reg *r)
{
	unsigned n = 0;
	for (unsigned i = 0; i < r->nfields; i++)
		n += r->fields[i].warn;
	return n;
}

static const char *derived(const dec_report *rep, const char *key)
{
	for (unsigned i = 0; i < rep->nderived; i++)
		if (strcmp(rep->derived[i].key, key) == 0)
			return rep->derived[i].value;
	return NULL;
}

static const char *derived_how(const dec_report *rep, const char *key)
{
	for (unsigned i = 0; i < rep->nderived; i++)
		if (strcmp(rep->derived[i].key, key) == 0)
			return rep->derived[i].how;
	return NULL;
}

static bool diagnosis_has(const dec_report *rep, const char *needle)
{
	for (unsigned i = 0; i < rep->ndiagnosis; i++)
		if (strcasestr(rep->diagnosis[i], needle))
			return true;
	return false;
}

#define ck_assert_has(haystack, needle)                                                            \
	ck_assert_msg(strcasestr((haystack), (needle)) != NULL, "'%s' does not contain '%s'",      \
		      (haystack), (needle))

#define INTERRUPT (UINT64_C(1) << 63)

/* ---- causes --------------------------------------------------------------------------------- */

/* The privileged spec's exception table (with the H extension), codes 0-23. */
static const char *const spec_exceptions[24] = {
    "Instruction address misaligned",
    "Instruction access fault",
    "Illegal instruction",
    "Breakpoint",
    "Load address misaligned",
    "Load access fault",
    "Store/AMO address misaligned",
    "Store/AMO access fault",
    "Environment call from U-mode",
    "Environment call from HS-mode",
    "Environment call from VS-mode",
    "Environment call from M-mode",
    "Instruction page fault",
    "Load page fault",
    NULL, /* 14 reserved */
    "Store/AMO page fault",
    "Double trap",
    NULL, /* 17 reserved */
    "Software check",
    "Hardware error",
    "Instruction guest-page fault",
    "Load guest-page fault",
    "Virtual instruction",
    "Store/AMO guest-page fault",
};

static const char *const spec_interrupts[16] = {
    NULL,
    "Supervisor software interrupt",
    "Virtual supervisor software interrupt",
    "Machine software interrupt",
    NULL,
    "Supervisor timer interrupt",
    "Virtual supervisor timer interrupt",
    "Machine timer interrupt",
    NULL,
    "Supervisor external interrupt",
    "Virtual supervisor external interrupt",
    "Machine external interrupt",
    "Supervisor guest external interrupt",
    "Counter-overflow interrupt",
    NULL,
    NULL,
};

START_TEST(every_exception_code_by_name)
{
	ctx_reset();
	for (unsigned code = 0; code < 24; code++) {
		const dec_reg *r = decode("mcause", code);
		char head[32];
		snprintf(head, sizeof head, "Exception %u: ", code);
		ck_assert_msg(strncmp(r->summary, head, strlen(head)) == 0, "%s", r->summary);
		const dec_field *irq = field_named(r, "Interrupt");
		const dec_field *ec = field_named(r, "Exception Code");
		ck_assert_uint_eq(irq->lsb, 63);
		ck_assert_uint_eq(irq->value, 0);
		ck_assert_uint_eq(ec->lsb, 0);
		ck_assert_uint_eq(ec->width, 63);
		ck_assert_uint_eq(ec->value, code);
		if (spec_exceptions[code]) {
			ck_assert_has(r->summary, spec_exceptions[code]);
			ck_assert_msg(!ec->warn, "code %u flagged", code);
		} else {
			ck_assert_has(r->summary, "reserved");
			ck_assert_msg(ec->warn, "reserved code %u not flagged", code);
		}
	}
}
END_TEST

START_TEST(every_interrupt_code_by_name)
{
	ctx_reset();
	for (unsigned code = 0; code < 16; code++) {
		const dec_reg *r = decode("mcause", INTERRUPT | code);
		char head[32];
		snprintf(head, sizeof head, "Interrupt %u: ", code);
		ck_assert_msg(strncmp(r->summary, head, strlen(head)) == 0, "%s", r->summary);
		ck_assert_uint_eq(field_named(r, "Interrupt")->value, 1);
		const dec_field *ec = field_named(r, "Exception Code");
		ck_assert_uint_eq(ec->value, code);
		if (spec_interrupts[code]) {
			ck_assert_has(r->summary, spec_interrupts[code]);
			ck_assert(!ec->warn);
		} else {
			ck_assert_has(r->summary, "reserved");
			ck_assert(ec->warn);
		}
	}
	/* >= 16: designated for platform use, not an error */
	static const uint64_t platform[] = {16, 17, 35, 63, 1000};
	for (size_t i = 0; i < sizeof platform / sizeof platform[0]; i++) {
		const dec_reg *r = decode("scause", INTERRUPT | platform[i]);
		ck_assert_has(r->summary, "platform");
		ck_assert_uint_eq(warnings(r), 0);
	}
}
END_TEST

START_TEST(custom_and_reserved_exception_ranges)
{
	ctx_reset();
	/* 24-31 and 48-63: designated for custom use; 32-47 and >= 64: reserved */
	for (uint64_t code = 24; code < 80; code++) {
		const dec_reg *r = decode("scause", code);
		bool custom = (code <= 31) || (code >= 48 && code <= 63);
		ck_assert_has(r->summary, custom ? "custom" : "reserved");
		ck_assert_uint_eq(warnings(r), custom ? 0 : 1);
	}
	const dec_reg *r = decode("scause", UINT64_C(0x7fffffffffffffff));
	ck_assert_has(r->summary, "reserved");
}
END_TEST

START_TEST(interrupt_bit_is_bit_63)
{
	ctx_reset();
	/* 0x8000000000000005: bit 63 set, code 5 = supervisor timer interrupt */
	const dec_reg *r = decode("scause", UINT64_C(0x8000000000000005));
	ck_assert_str_eq(r->name, "scause");
	ck_assert_uint_eq(field_named(r, "Interrupt")->value, 1);
	ck_assert_uint_eq(field_named(r, "Exception Code")->value, 5);
	ck_assert_has(r->summary, "Interrupt 5");
	ck_assert_has(r->summary, "supervisor timer interrupt");
	ck_assert_uint_eq(warnings(r), 0);

	/* 0x80000005: bit 63 clear, so an exception with code 0x80000005 (>= 64: reserved);
	 * bit 31 is RV32's interrupt flag, which the meaning points out. */
	r = decode("scause", UINT64_C(0x80000005));
	ck_assert_uint_eq(field_named(r, "Interrupt")->value, 0);
	const dec_field *ec = field_named(r, "Exception Code");
	ck_assert_uint_eq(ec->value, UINT64_C(0x80000005));
	ck_assert(ec->warn);
	ck_assert_has(r->summary, "Exception");
	ck_assert_has(r->summary, "reserved");
	ck_assert_has(ec->meaning, "RV32");
}
END_TEST

START_TEST(causes_a_level_never_sees)
{
	ctx_reset();
	/* scause: ecall from M (11) and double trap (16) stay in M; M-level interrupts too */
	ck_assert_uint_eq(warnings(decode("scause", 11)), 1);
	ck_assert_uint_eq(warnings(decode("scause", 16)), 1);
	ck_assert_uint_eq(warnings(decode("scause", INTERRUPT | 7)), 1);
	ck_assert_uint_eq(warnings(decode("scause", 21)), 0);
	ck_assert_uint_eq(warnings(decode("scause", INTERRUPT | 6)), 0);
	/* vscause: VS-level interrupts arrive renumbered 2/6/10 -> 1/5/9; hedeleg bits 9-11,
	 * 16, 20-23 are read-only zero, so those exceptions never reach the guest */
	ck_assert_uint_eq(warnings(decode("vscause", INTERRUPT | 6)), 1);
	const dec_reg *r = decode("vscause", INTERRUPT | 5);
	ck_assert_uint_eq(warnings(r), 0);
	ck_assert_has(field_named(r, "Exception Code")->meaning, "guest's timer");
	ck_assert_has(field_named(decode("vscause", INTERRUPT | 1), "Exception Code")->meaning,
		      "software");
	ck_assert_has(field_named(decode("vscause", INTERRUPT | 9), "Exception Code")->meaning,
		      "external");
	static const uint64_t hs_only[] = {9, 10, 11, 16, 20, 21, 22, 23};
	for (size_t i = 0; i < sizeof hs_only / sizeof hs_only[0]; i++)
		ck_assert_uint_eq(warnings(decode("vscause", hs_only[i])), 1);
	ck_assert_uint_eq(warnings(decode("vscause", 8)), 0);
	ck_assert_uint_eq(warnings(decode("vscause", 13)), 0);
	/* mcause sees everything */
	ck_assert_uint_eq(warnings(decode("mcause", 16)), 0);
	ck_assert_uint_eq(warnings(decode("mcause", INTERRUPT | 11)), 0);
}
END_TEST

/* ---- status registers ----------------------------------------------------------------------- */

START_TEST(hstatus_fields)
{
	ctx_reset();
	/* GVA bit 6, SPV bit 7, SPVP bit 8, VGEIN = 5 at [17:12], VSXL = 2 at [33:32]:
	 * (2 << 32) | (5 << 12) | 0x1c0 = 0x2000051c0 */
	const dec_reg *r = decode("hstatus", UINT64_C(0x2000051c0));
	const dec_field *spv = field_named(r, "SPV");
	ck_assert_uint_eq(spv->lsb, 7);
	ck_assert_uint_eq(spv->width, 1);
	ck_assert_uint_eq(spv->value, 1);
	ck_assert_has(spv->meaning, "V was 1");
	ck_assert_has(spv->meaning, "sret");
	ck_assert_uint_eq(field_named(r, "SPVP")->lsb, 8);
	ck_assert_uint_eq(field_named(r, "SPVP")->value, 1);
	ck_assert_uint_eq(field_named(r, "GVA")->lsb, 6);
	ck_assert_uint_eq(field_named(r, "GVA")->value, 1);
	const dec_field *vgein = field_named(r, "VGEIN");
	ck_assert_uint_eq(vgein->lsb, 12);
	ck_assert_uint_eq(vgein->width, 6);
	ck_assert_uint_eq(vgein->value, 5);
	const dec_field *vsxl = field_named(r, "VSXL");
	ck_assert_uint_eq(vsxl->lsb, 32);
	ck_assert_uint_eq(vsxl->width, 2);
	ck_assert_uint_eq(vsxl->value, 2);
	ck_assert_has(vsxl->meaning, "64");
	ck_assert_uint_eq(field_named(r, "HU")->lsb, 9);
	ck_assert_uint_eq(field_named(r, "VTVM")->lsb, 20);
	ck_assert_uint_eq(field_named(r, "VTW")->lsb, 21);
	ck_assert_uint_eq(field_named(r, "VTSR")->lsb, 22);
	ck_assert_uint_eq(field_named(r, "VSBE")->lsb, 5);
	ck_assert_uint_eq(field_named(r, "HUPMM")->lsb, 48);
	ck_assert_uint_eq(warnings(r), 0);
	ck_assert_has(r->summary, "VS-mode");

	/* SPV = 0: not from the guest; bit 0 is WPRI */
	r = decode("hstatus", UINT64_C(0x1));
	ck_assert_uint_eq(field_named(r, "SPV")->value, 0);
	ck_assert_has(field_named(r, "SPV")->meaning, "V was 0");
	const dec_field *wpri = field_at(r, 0, 1);
	ck_assert_ptr_nonnull(wpri);
	ck_assert(wpri->warn);
}
END_TEST

START_TEST(status_views)
{
	ctx_reset();
	/* mstatus: MPP = 3 at [12:11], MPV bit 39, GVA bit 38, SPP bit 8 */
	uint64_t v = (UINT64_C(3) << 11) | (UINT64_C(1) << 39) | (UINT64_C(1) << 38) | (1u << 8);
	const dec_reg *r = decode("mstatus", v);
	ck_assert_uint_eq(field_named(r, "MPP")->value, 3);
	ck_assert_uint_eq(field_named(r, "MPP")->lsb, 11);
	ck_assert_uint_eq(field_named(r, "MPV")->lsb, 39);
	ck_assert_uint_eq(field_named(r, "GVA")->lsb, 38);
	ck_assert_uint_eq(field_named(r, "SPP")->value, 1);
	ck_assert_uint_eq(warnings(r), 0);

	/* the same bits in sstatus: MPP, MPV and GVA are not part of the S view -> flagged */
	r = decode("sstatus", v);
	ck_assert(field_named(r, "MPP")->warn);
	ck_assert(field_named(r, "MPV")->warn);
	ck_assert(!field_named(r, "SPP")->warn);
	ck_assert_uint_eq(warnings(r), 3);

	/* sstatus 0x8000000200006122: SIE, SPIE, SPP, FS = 3 (Dirty), UXL = 2, SD */
	r = decode("sstatus", UINT64_C(0x8000000200006122));
	ck_assert_uint_eq(field_named(r, "FS")->value, 3);
	ck_assert_uint_eq(field_named(r, "FS")->lsb, 13);
	ck_assert_has(field_named(r, "FS")->meaning, "Dirty");
	ck_assert_uint_eq(field_named(r, "UXL")->value, 2);
	ck_assert_uint_eq(field_named(r, "SD")->lsb, 63);
	ck_assert_uint_eq(warnings(r), 0);

	/* vsstatus has sstatus's layout; bit 2 is WPRI everywhere */
	r = decode("vsstatus", UINT64_C(0x4));
	ck_assert_uint_eq(warnings(r), 1);
	ck_assert_uint_eq(field_named(r, "SPIE")->lsb, 5);
}
END_TEST

/* ---- address translation -------------------------------------------------------------------- */

START_TEST(hgatp_sv39x4)
{
	ctx_reset();
	/* MODE 8 (Sv39x4) at [63:60], VMID 0, PPN 0x80200 -> root 0x80200 << 12 = 0x80200000,
	 * PPN[1:0] = 0: 16 KiB aligned */
	const dec_reg *r = decode("hgatp", UINT64_C(0x8000000000080200));
	const dec_field *mode = field_named(r, "MODE");
	ck_assert_uint_eq(mode->lsb, 60);
	ck_assert_uint_eq(mode->width, 4);
	ck_assert_uint_eq(mode->value, 8);
	ck_assert_has(mode->meaning, "Sv39x4");
	const dec_field *vmid = field_named(r, "VMID");
	ck_assert_uint_eq(vmid->lsb, 44);
	ck_assert_uint_eq(vmid->width, 14);
	ck_assert_uint_eq(vmid->value, 0);
	const dec_field *ppn = field_named(r, "PPN");
	ck_assert_uint_eq(ppn->lsb, 0);
	ck_assert_uint_eq(ppn->width, 44);
	ck_assert_uint_eq(ppn->value, 0x80200);
	ck_assert_has(ppn->meaning, "0x80200000");
	ck_assert_uint_eq(warnings(r), 0);
	ck_assert_has(r->summary, "Sv39x4");

	/* PPN 0x80201: PPN[1:0] = 01, the root is not 16 KiB aligned */
	r = decode("hgatp", UINT64_C(0x8000000000080201));
	ck_assert(field_named(r, "PPN")->warn);
	ck_assert_has(r->summary, "16 KiB");

	/* VMID 0x1234 at [57:44], MODE 9 = Sv48x4 */
	r = decode("hgatp", UINT64_C(0x9000000000080200) | (UINT64_C(0x1234) << 44));
	ck_assert_uint_eq(field_named(r, "VMID")->value, 0x1234);
	ck_assert_has(field_named(r, "MODE")->meaning, "Sv48x4");
	ck_assert_uint_eq(warnings(r), 0);

	/* MODE 11 is reserved for hgatp; bits 59:58 must be zero */
	ck_assert(field_named(decode("hgatp", UINT64_C(0xb000000000080200)), "MODE")->warn);
	ck_assert_uint_eq(warnings(decode("hgatp", UINT64_C(0x8400000000080200))), 1);
}
END_TEST

START_TEST(satp_modes)
{
	ctx_reset();
	/* Sv48: MODE 9, ASID 0x42 at [59:44], PPN 0x81234 -> 0x9004200000081234 */
	const dec_reg *r = decode("satp", UINT64_C(0x9004200000081234));
	ck_assert_uint_eq(field_named(r, "MODE")->value, 9);
	ck_assert_has(field_named(r, "MODE")->meaning, "Sv48");
	const dec_field *asid = field_named(r, "ASID");
	ck_assert_uint_eq(asid->lsb, 44);
	ck_assert_uint_eq(asid->width, 16);
	ck_assert_uint_eq(asid->value, 0x42);
	ck_assert_has(field_named(r, "PPN")->meaning, "0x81234000");
	ck_assert_uint_eq(warnings(r), 0); /* satp's 4 KiB root needs no 16 KiB alignment */
	ck_assert_has(r->summary, "Sv48");

	ck_assert_has(field_named(decode("satp", UINT64_C(8) << 60), "MODE")->meaning, "Sv39");
	ck_assert_has(field_named(decode("satp", UINT64_C(10) << 60), "MODE")->meaning, "Sv57");
	ck_assert_has(field_named(decode("satp", 0), "MODE")->meaning, "Bare");
	ck_assert_uint_eq(warnings(decode("satp", 0)), 0);
	/* Bare with a PPN, and reserved MODE 1 */
	ck_assert_uint_eq(warnings(decode("satp", 0x1234)), 1);
	ck_assert(field_named(decode("satp", UINT64_C(1) << 60), "MODE")->warn);
	/* vsatp: the root is a guest physical address */
	ck_assert_has(field_named(decode("vsatp", UINT64_C(0x8000000000080000)), "PPN")->meaning,
		      "guest physical");
}
END_TEST

/* ---- delegation and interrupt bit vectors --------------------------------------------------- */

START_TEST(hedeleg_kvm_value)
{
	ctx_reset();
	/* 0xB10D = 1011 0001 0000 1101: bits 0, 2, 3, 8, 12, 13, 15 */
	static const unsigned bits[] = {0, 2, 3, 8, 12, 13, 15};
	const dec_reg *r = decode("hedeleg", 0xB10D);
	for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
		const dec_field *f = field_at(r, bits[i], 1);
		ck_assert_msg(f != NULL, "no field for bit %u", bits[i]);
		ck_assert_uint_eq(f->value, 1);
		ck_assert_has(f->long_name, spec_exceptions[bits[i]]);
	}
	ck_assert_uint_eq(warnings(r), 0);
	/* writable bits that are clear are still listed: 1 (instruction access fault) */
	ck_assert_uint_eq(field_at(r, 1, 1)->value, 0);

	/* bit 10 (ecall from VS) is read-only zero in hedeleg: 0xB10D | 0x400 = 0xB50D */
	r = decode("hedeleg", 0xB50D);
	ck_assert(field_at(r, 10, 1)->warn);
	ck_assert_uint_eq(warnings(r), 1);
	/* 9, 11, 16 and 20-23 too: 0xF10A00 */
	r = decode("hedeleg", 0xF10A00);
	ck_assert_uint_eq(warnings(r), 7);

	/* medeleg: bits 11 and 16 are read-only zero, 20-23 may be delegated to HS */
	ck_assert_uint_eq(warnings(decode("medeleg", 0xF0B1FF)), 0);
	ck_assert_uint_eq(warnings(decode("medeleg", 0x10800)), 2);
	/* reserved bit 14 and custom bit 24 */
	r = decode("medeleg", (1u << 14) | (1u << 24));
	ck_assert(field_at(r, 14, 1)->warn);
	ck_assert(!field_at(r, 24, 1)->warn);
}
END_TEST

START_TEST(interrupt_delegation)
{
	ctx_reset();
	/* hideleg 0x444 = bits 2, 6, 10: VSSI, VSTI, VSEI */
	const dec_reg *r = decode("hideleg", 0x444);
	ck_assert_str_eq(field_at(r, 2, 1)->name, "VSSI");
	ck_assert_str_eq(field_at(r, 6, 1)->name, "VSTI");
	ck_assert_str_eq(field_at(r, 10, 1)->name, "VSEI");
	ck_assert_has(field_at(r, 6, 1)->long_name, "Virtual supervisor timer");
	ck_assert_uint_eq(warnings(r), 0);
	/* S-level bits 1, 5, 9 are read-only zero in hideleg: 0x222 */
	r = decode("hideleg", 0x222);
	ck_assert_uint_eq(warnings(r), 3);

	/* mideleg: with H, bits 2, 6, 10 read as one; 0x222 lacks them */
	ck_assert_uint_eq(warnings(decode("mideleg", 0x222)), 3);
	ck_assert_uint_eq(warnings(decode("mideleg", 0x666)), 0);
}
END_TEST

START_TEST(interrupt_registers)
{
	ctx_reset();
	/* hvip: VSSIP 2, VSTIP 6, VSEIP 10 are its writable bits */
	const dec_reg *r = decode("hvip", 0x444);
	ck_assert_str_eq(field_at(r, 2, 1)->name, "VSSIP");
	ck_assert_str_eq(field_at(r, 6, 1)->name, "VSTIP");
	ck_assert_str_eq(field_at(r, 10, 1)->name, "VSEIP");
	ck_assert_uint_eq(warnings(r), 0);
	ck_assert_uint_eq(warnings(decode("hvip", 0x20)), 1); /* STIP: not in hvip */

	/* hip: SGEIP bit 12 = OR(hgeip & hgeie); SSIP bit 1 lives in sip */
	r = decode("hip", 0x1000);
	ck_assert_str_eq(field_at(r, 12, 1)->name, "SGEIP");
	ck_assert_has(field_at(r, 12, 1)->meaning, "hgeie");
	ck_assert_uint_eq(warnings(r), 0);
	ck_assert_has(field_at(decode("hip", 0x4), 2, 1)->meaning, "hvip");
	ck_assert_uint_eq(warnings(decode("hip", 0x2)), 1);
	ck_assert_str_eq(field_at(decode("hie", 0x1000), 12, 1)->name, "SGEIE");

	/* sip: SSIP 1, STIP 5 fine; VSTIP 6 is not in sip */
	ck_assert_uint_eq(warnings(decode("sip", 0x22)), 0);
	ck_assert_uint_eq(warnings(decode("sip", 0x40)), 1);
	ck_assert_str_eq(field_at(decode("sie", 0x200), 9, 1)->name, "SEIE");

	/* mip 0x888: MSIP 3, MTIP 7, MEIP 11 */
	r = decode("mip", 0x888);
	ck_assert_str_eq(field_at(r, 3, 1)->name, "MSIP");
	ck_assert_str_eq(field_at(r, 7, 1)->name, "MTIP");
	ck_assert_str_eq(field_at(r, 11, 1)->name, "MEIP");
	ck_assert_uint_eq(warnings(r), 0);
	/* mie 0x2000: LCOFIE (counter overflow, 13) */
	ck_assert_str_eq(field_at(decode("mie", 0x2000), 13, 1)->name, "LCOFIE");
	/* bit 16 is a platform interrupt, bit 0 reserved */
	ck_assert_uint_eq(warnings(decode("mip", 0x10000)), 0);
	ck_assert_uint_eq(warnings(decode("mip", 0x1)), 1);
}
END_TEST

/* ---- htinst ---------------------------------------------------------------------------------- */

START_TEST(htinst_zero_and_pseudo)
{
	ctx_reset();
	const dec_reg *r = decode("htinst", 0);
	ck_assert_has(r->fields[0].meaning, "HLVX");

	/* the four pseudoinstructions: 0x2000/0x2020 32-bit read/write, 0x3000/0x3020 64-bit */
	r = decode("htinst", 0x3000);
	ck_assert_has(r->summary, "64-bit read");
	ck_assert_uint_eq(field_named(r, "funct3")->value, 3);
	ck_assert_uint_eq(field_named(r, "opcode")->value, 0);
	ck_assert_uint_eq(warnings(r), 0);
	ck_assert_has(decode("htinst", 0x2020)->summary, "32-bit write");
	ck_assert_has(decode("htinst", 0x2000)->summary, "32-bit read");
	ck_assert_has(decode("mtinst", 0x3020)->summary, "64-bit write");

	/* bits 1:0 = 00 but no pseudoinstruction; bits 1:0 = 10; bits 63:32 nonzero */
	ck_assert_uint_eq(warnings(decode("htinst", 0x1000)), 1);
	ck_assert_uint_eq(warnings(decode("htinst", 0x2)), 1);
	ck_assert_uint_eq(warnings(decode("htinst", UINT64_C(0x100002503))), 1);
	/* custom-0 opcode 0x0b with bit 0 set: a custom value */
	ck_assert_has(decode("htinst", 0x0b)->summary, "Custom");
}
END_TEST

START_TEST(htinst_transformed_compressed_load)
{
	/* c.lw a0,0(a1) expands to lw a0,0(a1): imm 0, rs1 = a1 = x11, funct3 2, rd = a0 = x10,
	 * opcode 0x03: (11 << 15) | (2 << 12) | (10 << 7) | 3 = 0x0005a503.
	 * Transformed: rs1 -> Addr.Offset 0, imm 0 -> 0x00002503; compressed: bit 1 cleared
	 * -> 0x00002501. */
	ctx_reset();
	const dec_reg *r = decode("htinst", 0x2501);
	ck_assert_uint_eq(field_named(r, "rd")->value, 10);
	ck_assert_uint_eq(field_named(r, "rd")->lsb, 7);
	ck_assert_uint_eq(field_named(r, "funct3")->value, 2);
	const dec_field *off = field_named(r, "Addr.Offset");
	ck_assert_uint_eq(off->lsb, 15);
	ck_assert_uint_eq(off->width, 5);
	ck_assert_uint_eq(off->value, 0);
	const dec_field *bit1 = field_named(r, "bit1");
	ck_assert_uint_eq(bit1->lsb, 1);
	ck_assert_uint_eq(bit1->depth, 1);
	ck_assert_uint_eq(bit1->value, 0);
	ck_assert_uint_eq(warnings(r), 0);
	ck_assert_has(r->summary, "lw");
	ck_assert_has(r->summary, "compressed");

	ctx_add("htinst", 0x2501);
	const dec_report *rep = explain();
	const char *access = derived(rep, "access");
	ck_assert_ptr_nonnull(access);
	ck_assert_has(access, "load");
	ck_assert_has(access, "4 bytes");
	ck_assert_has(access, "sign-extended");
	ck_assert_has(access, "a0");
	ck_assert_has(access, "compressed c.lw");

	/* the same load from a 32-bit instruction: 0x2503 */
	ctx_reset();
	ck_assert_uint_eq(field_named(decode("htinst", 0x2503), "bit1")->value, 1);
	ctx_add("htinst", 0x2503);
	ck_assert_has(derived(explain(), "access"), "32-bit");

	/* a transformed load keeps imm = 0: lw a0,8(...) with imm 8 at [31:20] violates it */
	ctx_reset();
	r = decode("htinst", 0x00802503);
	ck_assert(field_named(r, "imm[11:0]")->warn);
	ck_assert_has(r->summary, "violates");
	/* lbu a0 (funct3 4) is zero-extended: 0x4503 */
	ctx_add("htinst", 0x4503);
	ck_assert_has(derived(explain(), "access"), "zero-extended");
}
END_TEST

START_TEST(htinst_transformed_store)
{
	/* sw a1,12(a0): imm 12 -> imm[11:5] = 0, imm[4:0] = 12; rs2 = a1 = x11, rs1 = a0 = x10:
	 * (11 << 20) | (10 << 15) | (2 << 12) | (12 << 7) | 0x23 = 0x00b52623.
	 * Transformed: imm fields and rs1 zeroed, rs2 kept -> (11 << 20) | (2 << 12) | 0x23 =
	 * 0x00b02023. */
	ctx_reset();
	const dec_reg *r = decode("htinst", 0x00b02023);
	const dec_field *rs2 = field_named(r, "rs2");
	ck_assert_uint_eq(rs2->lsb, 20);
	ck_assert_uint_eq(rs2->value, 11);
	ck_assert_has(rs2->meaning, "a1");
	ck_assert_uint_eq(field_named(r, "imm[4:0]")->value, 0);
	ck_assert_uint_eq(field_named(r, "imm[4:0]")->lsb, 7);
	ck_assert_uint_eq(warnings(r), 0);
	ck_assert_has(r->summary, "store");
	ck_assert_has(r->summary, "a1");

	/* with imm[4:0] = 12 left in [11:7] (0x00b02023 | 12 << 7 = 0x00b02623): a violation */
	ck_assert(field_named(decode("htinst", 0x00b02623), "imm[4:0]")->warn);

	/* misaligned: Addr.Offset 2 in [19:15] -> 0x00b12023 */
	r = decode("htinst", 0x00b12023);
	ck_assert_uint_eq(field_named(r, "Addr.Offset")->value, 2);
	ck_assert_uint_eq(warnings(r), 0);

	/* amoadd.w a0,a2,(a1): funct5 0, rs2 = x12, funct3 2, rd = x10, opcode 0x2f;
	 * transformed (rs1 -> 0): (12 << 20) | (2 << 12) | (10 << 7) | 0x2f = 0x00c0252f */
	r = decode("htinst", 0x00c0252f);
	ck_assert_has(r->summary, "amoadd.w");
	ck_assert_uint_eq(field_named(r, "rs2")->value, 12);
	ck_assert_uint_eq(field_named(r, "rd")->value, 10);

	/* hlv.d a0: funct7 0x36, rs2 0, funct3 4, rd 10, opcode 0x73 -> 0x6c004573 */
	ck_assert_has(decode("htinst", 0x6c004573)->summary, "hlv.d");
}
END_TEST

/* ---- explain -------------------------------------------------------------------------------- */

START_TEST(derived_gpa)
{
	/* htval = 0x40000400, stval = 0x...1003: GPA = (0x40000400 << 2) | (0x3 & 3)
	 * = 0x100001000 | 3 = 0x100001003 */
	ctx_reset();
	ctx_add("scause", 21);
	ctx_add("stval", UINT64_C(0xffffffc000001003));
	ctx_add("htval", 0x40000400);
	const dec_report *rep = explain();
	ck_assert_str_eq(derived(rep, "gpa"), "0x100001003");
	ck_assert_has(derived_how(rep, "gpa"), "htval << 2");
	ck_assert_has(derived_how(rep, "gpa"), "stval & 3");
	ck_assert(diagnosis_has(rep, "KVM"));
	ck_assert(diagnosis_has(rep, "riscv_vcpu"));
	ck_assert(diagnosis_has(rep, "device"));

	/* the htval decoder alone says the same */
	ck_assert_has(decode("htval", 0x40000400)->summary, "0x100001003");

	/* mcause/mtval/mtval2: the M-mode copies */
	ctx_reset();
	ctx_add("mcause", 23);
	ctx_add("mtval", 0x2);
	ctx_add("mtval2", 0x100);
	ck_assert_str_eq(derived(explain(), "gpa"), "0x402");
}
END_TEST

START_TEST(derived_instruction)
{
	/* csrrs a0, hgatp (0x680), zero: (0x680 << 20) | (2 << 12) | (10 << 7) | 0x73
	 * = 0x68002573 */
	ctx_reset();
	ctx_add("scause", 22);
	ctx_add("stval", 0x68002573);
	const dec_report *rep = explain();
	ck_assert_str_eq(derived(rep, "instruction"), "csrr a0,hgatp");
	ck_assert_has(derived(rep, "blocked"), "hgatp");
	ck_assert(diagnosis_has(rep, "virtual_insn"));

	/* wfi = 0x10500073, with hstatus VTW (21), SPVP (8), SPV (7): 0x200180 */
	ctx_reset();
	ctx_add("scause", 22);
	ctx_add("stval", 0x10500073);
	ctx_add("hstatus", 0x200180);
	rep = explain();
	ck_assert_str_eq(derived(rep, "instruction"), "wfi");
	ck_assert_has(derived(rep, "blocked"), "VTW");
	ck_assert(diagnosis_has(rep, "VTW=1"));
	ck_assert(diagnosis_has(rep, "SPV=1"));

	/* illegal instruction: mret = 0x30200073 */
	ctx_reset();
	ctx_add("scause", 2);
	ctx_add("stval", 0x30200073);
	rep = explain();
	ck_assert_str_eq(derived(rep, "instruction"), "mret");
	ck_assert_has(derived(rep, "blocked"), "MRET");

	/* a 16-bit instruction in stval (bits 1:0 != 11): c.nop = 0x0001 */
	ctx_reset();
	ctx_add("scause", 2);
	ctx_add("stval", 0x0001);
	ck_assert_has(derived_how(explain(), "instruction"), "16-bit");

	/* stval 0: no bits reported */
	ctx_reset();
	ctx_add("scause", 22);
	ctx_add("stval", 0);
	ck_assert(diagnosis_has(explain(), "HLVX"));
}
END_TEST

START_TEST(explain_every_major_cause)
{
	/* causes the brief names: each gets the hardware line and hypervisor lines */
	static const uint64_t causes[] = {
	    2, 8, 9, 10, 12, 13, 15, 20, 21, 22, 23, INTERRUPT | 1, INTERRUPT | 5, INTERRUPT | 9};
	for (size_t i = 0; i < sizeof causes / sizeof causes[0]; i++) {
		ctx_reset();
		ctx_add("scause", causes[i]);
		ctx_add("hstatus", 0x2000001c0); /* from the guest's VS-mode */
		const dec_report *rep = explain();
		ck_assert_msg(diagnosis_has(rep, "Hardware:"), "cause %" PRIx64, causes[i]);
		ck_assert_msg(diagnosis_has(rep, "KVM"), "cause %" PRIx64, causes[i]);
		ck_assert_msg(diagnosis_has(rep, "riscv_vcpu"), "cause %" PRIx64, causes[i]);
		ck_assert_msg(diagnosis_has(rep, "Next:"), "cause %" PRIx64, causes[i]);
		ck_assert_msg(diagnosis_has(rep, "from the guest"), "cause %" PRIx64, causes[i]);
	}
	/* specific facts from the hv-semantics reference */
	ctx_reset();
	ctx_add("scause", INTERRUPT | 5);
	ck_assert(diagnosis_has(explain(), "hvip.VSTIP"));
	ctx_reset();
	ctx_add("scause", INTERRUPT | 1);
	ck_assert(diagnosis_has(explain(), "IPI"));
	ctx_reset();
	ctx_add("scause", 20);
	ck_assert(diagnosis_has(explain(), "Exception(20)"));
	/* the guest's timer interrupt, seen in vscause as 5 */
	ctx_reset();
	ctx_add("vscause", INTERRUPT | 5);
	const dec_report *rep = explain();
	ck_assert(diagnosis_has(rep, "timer"));
	ck_assert(diagnosis_has(rep, "vstvec"));
	/* a pseudoinstruction: the guest's page walk, never MMIO */
	ctx_reset();
	ctx_add("scause", 21);
	ctx_add("htinst", 0x3000);
	ctx_add("htval", 0x20000100);
	rep = explain();
	ck_assert_has(derived(rep, "access"), "page-table");
	ck_assert(diagnosis_has(rep, "never MMIO"));
	/* htinst = 0 on a guest-page fault: read the instruction with HLVX */
	ctx_reset();
	ctx_add("scause", 23);
	ctx_add("htinst", 0);
	ck_assert(diagnosis_has(explain(), "HLVX"));
	/* a virtual instruction with SPV = 0 contradicts itself */
	ctx_reset();
	ctx_add("scause", 22);
	ctx_add("hstatus", 0);
	ck_assert(diagnosis_has(explain(), "Contradiction"));
}
END_TEST

/* ---- SBI ------------------------------------------------------------------------------------ */

START_TEST(sbi_extensions)
{
	ctx_reset();
	/* 0x54494D45 = 'T' 'I' 'M' 'E' */
	const dec_reg *r = decode("sbi_eid", 0x54494D45);
	ck_assert_has(r->summary, "TIME");
	ck_assert_has(r->fields[0].meaning, "\"TIME\"");
	ck_assert_has(decode("sbi_eid", 0x48534D)->summary, "HSM");
	ck_assert_has(decode("sbi_eid", 0x10)->summary, "BASE");
	ck_assert_has(decode("sbi_eid", 0x735049)->summary, "IPI");
	ck_assert_has(decode("sbi_eid", 0x52464E43)->summary, "RFENCE");
	ck_assert_has(decode("sbi_eid", 0x53525354)->summary, "SRST");
	ck_assert_has(decode("sbi_eid", 0x4442434E)->summary, "DBCN");
	ck_assert_has(decode("sbi_eid", 0x485643)->summary, "HVC");
	ck_assert_has(decode("sbi_eid", 0x08)->summary, "shutdown");
	ck_assert_has(decode("sbi_eid", 0x00)->summary, "set_timer");
	ck_assert_has(decode("sbi_eid", 0x08000001)->summary, "experimental");
	ck_assert_has(decode("sbi_eid", 0x09000123)->summary, "vendor");
	ck_assert_has(decode("sbi_eid", 0x0A000004)->summary, "firmware");
	ck_assert_uint_eq(warnings(decode("sbi_eid", 0x12345678)), 1);
	ck_assert_has(decode("sbi_eid", 0x54494D45)->hint, "NOT_SUPPORTED");
}
END_TEST

START_TEST(sbi_functions)
{
	static const char *const hsm[] = {"hart_start", "hart_stop", "hart_get_status",
					  "hart_suspend"};
	static const char *const base[] = {"get_spec_version", "get_impl_id",	"get_impl_version",
					   "probe_extension",  "get_mvendorid", "get_marchid",
					   "get_mimpid"};
	for (unsigned fid = 0; fid < 4; fid++) {
		ctx_reset();
		ctx_add("sbi_eid", 0x48534D);
		ck_assert_has(decode("sbi_fid", fid)->summary, hsm[fid]);
	}
	for (unsigned fid = 0; fid < 7; fid++) {
		ctx_reset();
		ctx_add("sbi_eid", 0x10);
		ck_assert_has(decode("sbi_fid", fid)->summary, base[fid]);
	}
	ctx_reset();
	ctx_add("sbi_eid", 0x48534D);
	ck_assert_uint_eq(warnings(decode("sbi_fid", 4)), 1);
	ck_assert_has(decode("sbi_fid", 2)->hint, "panic");
	ctx_add("sbi_fid", 0);
	ck_assert_has(decode("sbi_eid", 0x48534D)->summary, "hart_start");
	ck_assert_str_eq(derived(explain(), "sbi"), "HSM hart_start");

	ctx_reset();
	ctx_add("sbi_eid", 0x54494D45);
	ck_assert_has(decode("sbi_fid", 0)->summary, "set_timer");
	ctx_reset();
	ck_assert_has(decode("sbi_fid", 0)->fields[0].meaning, "sbi_eid");
}
END_TEST

/* ---- the table and a random sweep --------------------------------------------------------- */

START_TEST(regdef_table)
{
	static const char *const names[] = {
	    "scause", "mcause", "vscause", "stval",   "mtval",	 "vstval",  "htval",	"mtval2",
	    "htinst", "mtinst", "sepc",	   "mepc",    "sstatus", "mstatus", "vsstatus", "hstatus",
	    "hgatp",  "satp",	"vsatp",   "medeleg", "mideleg", "hedeleg", "hideleg",	"hvip",
	    "hip",    "hie",	"sie",	   "sip",     "mip",	 "mie",	    "sbi_eid",	"sbi_fid"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const dec_regdef *d = dec_regdef_find(names[i], DEC_ARCH_RISCV64);
		ck_assert_msg(d != NULL, "%s missing", names[i]);
		ck_assert_str_eq(d->key, names[i]);
		ck_assert_int_eq(d->arch, DEC_ARCH_RISCV64);
		ck_assert_uint_eq(d->bits, strncmp(names[i], "sbi_", 4) == 0 ? 32 : 64);
	}
	ck_assert_ptr_nonnull(dec_regdef_find("HSTATUS", DEC_ARCH_RISCV64)); /* any case */
	/* insn exists on both architectures; the RISC-V one decodes RISC-V encodings */
	const dec_regdef *insn = dec_regdef_find("insn", DEC_ARCH_RISCV64);
	ck_assert_ptr_nonnull(insn);
	ck_assert_uint_eq(insn->bits, 32);
	ck_assert_ptr_nonnull(dec_regdef_find("insn", DEC_ARCH_AARCH64));
}
END_TEST

/* add a0,a0,a1: funct7 0, rs2 11, rs1 10, funct3 0, rd 10, opcode 0x33 = 0x00b50533;
 * c.li a0,0: funct3 010, imm 0, rd 10, op 01 = 0x4501. */
START_TEST(insn_word_decodes_formats_and_text)
{
	static dec_reg r;
	const dec_regdef *d = dec_regdef_find("insn", DEC_ARCH_RISCV64);
	d->decode(&r, d, 0x00b50533, NULL);
	ck_assert_str_eq(r.summary, "add a0,a0,a1");
	ck_assert_str_eq(r.fields[0].name, "opcode");
	ck_assert_uint_eq(r.fields[0].value, 0x33);
	ck_assert_uint_eq(r.fields[1].value, 10); /* rd */
	ck_assert_uint_eq(r.fields[4].value, 11); /* rs2 */
	d->decode(&r, d, 0x4501, NULL);
	ck_assert_str_eq(r.summary, "li a0,0");
	ck_assert_uint_eq(r.fields[0].value, 1); /* quadrant 1 */
}
END_TEST

static uint64_t rng_state = UINT64_C(0x9e3779b97f4a7c15);

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Random values with structure: sparse bits, small numbers, and plain noise. */
static uint64_t random_value(unsigned bits)
{
	uint64_t v;
	switch (rng() % 4) {
	case 0: v = rng() & rng() & rng(); break;
	case 1: v = rng() % 64; break;
	case 2: v = (rng() & 1 ? INTERRUPT : 0) | (rng() % 32); break;
	default: v = rng(); break;
	}
	return bits < 64 ? v & ((UINT64_C(1) << bits) - 1) : v;
}

/* Plain checks here: every passing ck_assert costs Check a write, and the sweep makes
 * millions of them. Returns what is wrong, or NULL. */
static const char *reg_shape_error(const dec_reg *r, uint64_t v)
{
	if (!r->summary || !r->hint || r->nfields == 0)
		return "no summary, hint or fields";
	for (unsigned i = 0; i < r->nfields; i++) {
		const dec_field *f = &r->fields[i];
		if (f->width < 1 || (unsigned)f->lsb + f->width > 64)
			return "field outside [0,64)";
		if (f->value != dec_bits(v, f->lsb, f->width))
			return "field value is not the register's bits";
		if (!f->name || !f->long_name || !f->meaning)
			return "field without name or meaning";
		if (f->depth >= DEC_MAX_DEPTH)
			return "field too deep";
	}
	return NULL;
}

static const char *report_error(const dec_report *rep)
{
	if (rep->nderived > DEC_MAX_DERIVED || rep->ndiagnosis > DEC_MAX_DIAGNOSIS)
		return "report overflow";
	for (unsigned i = 0; i < rep->nderived; i++)
		if (!rep->derived[i].key || !rep->derived[i].value || !rep->derived[i].how)
			return "derived value missing";
	for (unsigned i = 0; i < rep->ndiagnosis; i++)
		if (!rep->diagnosis[i])
			return "diagnosis line missing";
	return NULL;
}

START_TEST(random_sweep)
{
	size_t ndefs = 0;
	while (dec_rv_regdefs[ndefs].name)
		ndefs++;
	ctx_reset();
	for (unsigned round = 0; round < 200000; round++) {
		const dec_regdef *d = &dec_rv_regdefs[rng() % ndefs];
		uint64_t v = random_value(d->bits);
		if (round % 16 == 0) {
			/* now and then with a few other registers as context, then explain */
			ctx_reset();
			for (unsigned k = rng() % 5; k > 0; k--) {
				const dec_regdef *o = &dec_rv_regdefs[rng() % ndefs];
				if (!dec_ctx_def(&CTX, o->key))
					ctx_put(o, random_value(o->bits));
			}
			const char *err = report_error(explain());
			if (err)
				ck_abort_msg("round %u: %s", round, err);
		}
		d->decode(&R, d, v, &CTX);
		const char *err = reg_shape_error(&R, v);
		if (err)
			ck_abort_msg("%s = 0x%" PRIx64 ": %s", d->name, v, err);
	}
}
END_TEST

static Suite *dec_rv_csr_suite(void)
{
	Suite *s = suite_create("dec_rv_csr");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, every_exception_code_by_name);
	tcase_add_test(tc, every_interrupt_code_by_name);
	tcase_add_test(tc, custom_and_reserved_exception_ranges);
	tcase_add_test(tc, interrupt_bit_is_bit_63);
	tcase_add_test(tc, causes_a_level_never_sees);
	tcase_add_test(tc, hstatus_fields);
	tcase_add_test(tc, status_views);
	tcase_add_test(tc, hgatp_sv39x4);
	tcase_add_test(tc, satp_modes);
	tcase_add_test(tc, hedeleg_kvm_value);
	tcase_add_test(tc, interrupt_delegation);
	tcase_add_test(tc, interrupt_registers);
	tcase_add_test(tc, htinst_zero_and_pseudo);
	tcase_add_test(tc, htinst_transformed_compressed_load);
	tcase_add_test(tc, htinst_transformed_store);
	tcase_add_test(tc, derived_gpa);
	tcase_add_test(tc, derived_instruction);
	tcase_add_test(tc, explain_every_major_cause);
	tcase_add_test(tc, sbi_extensions);
	tcase_add_test(tc, sbi_functions);
	tcase_add_test(tc, regdef_table);
	tcase_add_test(tc, insn_word_decodes_formats_and_text);
	tcase_add_test(tc, random_sweep);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(dec_rv_csr_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
