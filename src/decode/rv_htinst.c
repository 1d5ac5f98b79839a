/* htinst / mtinst: the trap instruction registers of the H extension.
 *
 * On a trap into HS-mode (M-mode) the hart writes one of: 0 (no information), a
 * transformation of the trapping load, store, atomic or HLV/HLVX/HSV instruction (bit 0 = 1;
 * bit 1 = 0 when the original was a 16-bit compressed instruction), a custom value, or one of
 * four pseudoinstructions for implicit accesses of the VS-stage page walk (bits 1:0 = 00).
 */
#include "rv_csr.h"
#include "rv_insn.h"

#include <inttypes.h>

static const char *const dec_rv_fpr_abi[32] = {
    "ft0", "ft1", "ft2", "ft3", "ft4",	"ft5",	"ft6", "ft7", "fs0",  "fs1",  "fa0",
    "fa1", "fa2", "fa3", "fa4", "fa5",	"fa6",	"fa7", "fs2", "fs3",  "fs4",  "fs5",
    "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

static const char *dec_rv_fpr_name(unsigned reg)
{
	return dec_rv_fpr_abi[reg & 31];
}

enum {
	RV_OP_SIGNED = 1, /* the loaded value is sign-extended */
	RV_OP_FP = 2,	  /* the register is an f register */
	RV_OP_VM = 4,	  /* HLV / HLVX / HSV */
};

/* A standard load or store that has a defined transformation. mask/match select it with the
 * Addr.Offset field (bits 19:15) and the zeroed immediate bits left out. */
typedef struct dec_rv_mem_op {
	uint32_t mask, match;
	const char *mnemonic;
	dec_rv_access access;
	uint8_t size;
	uint8_t flags;
	const char *c_reg; /* 16-bit form with a register base (rd'/rs2' = x8..x15), or NULL */
	const char *c_sp;  /* 16-bit sp-relative form, or NULL */
} dec_rv_mem_op;

#define RV_LOAD(f3, op, name, size, flags, c_reg, c_sp)                                            \
	{                                                                                          \
		0x707f, (f3) << 12 | (op), name, RV_ACCESS_LOAD, size, flags, c_reg, c_sp          \
	}
#define RV_STORE(f3, op, name, size, flags, c_reg, c_sp)                                           \
	{                                                                                          \
		0x707f, (f3) << 12 | (op), name, RV_ACCESS_STORE, size, flags, c_reg, c_sp         \
	}
/* HLV: funct7 and rs2 choose the variant; HSV: funct7, rd = 0. funct3 = 100, SYSTEM. */
#define RV_HLV(f7, rs2, name, size, flags)                                                         \
	{                                                                                          \
		0xfff0707f, (uint32_t)(f7) << 25 | (rs2) << 20 | 0x4073, name, RV_ACCESS_LOAD,     \
		    size, (flags) | RV_OP_VM, NULL, NULL                                           \
	}
#define RV_HSV(f7, name, size)                                                                     \
	{                                                                                          \
		0xfe007fff, (uint32_t)(f7) << 25 | 0x4073, name, RV_ACCESS_STORE, size, RV_OP_VM,  \
		    NULL, NULL                                                                     \
	}

static const dec_rv_mem_op dec_rv_mem_ops[] = {
    RV_LOAD(0, 0x03, "lb", 1, RV_OP_SIGNED, NULL, NULL),
    RV_LOAD(1, 0x03, "lh", 2, RV_OP_SIGNED, "c.lh", NULL),
    RV_LOAD(2, 0x03, "lw", 4, RV_OP_SIGNED, "c.lw", "c.lwsp"),
    RV_LOAD(3, 0x03, "ld", 8, 0, "c.ld", "c.ldsp"),
    RV_LOAD(4, 0x03, "lbu", 1, 0, "c.lbu", NULL),
    RV_LOAD(5, 0x03, "lhu", 2, 0, "c.lhu", NULL),
    RV_LOAD(6, 0x03, "lwu", 4, 0, NULL, NULL),
    RV_LOAD(1, 0x07, "flh", 2, RV_OP_FP, NULL, NULL),
    RV_LOAD(2, 0x07, "flw", 4, RV_OP_FP, NULL, NULL),
    RV_LOAD(3, 0x07, "fld", 8, RV_OP_FP, "c.fld", "c.fldsp"),
    RV_LOAD(4, 0x07, "flq", 16, RV_OP_FP, NULL, NULL),
    RV_STORE(0, 0x23, "sb", 1, 0, "c.sb", NULL),
    RV_STORE(1, 0x23, "sh", 2, 0, "c.sh", NULL),
    RV_STORE(2, 0x23, "sw", 4, 0, "c.sw", "c.swsp"),
    RV_STORE(3, 0x23, "sd", 8, 0, "c.sd", "c.sdsp"),
    RV_STORE(1, 0x27, "fsh", 2, RV_OP_FP, NULL, NULL),
    RV_STORE(2, 0x27, "fsw", 4, RV_OP_FP, NULL, NULL),
    RV_STORE(3, 0x27, "fsd", 8, RV_OP_FP, "c.fsd", "c.fsdsp"),
    RV_STORE(4, 0x27, "fsq", 16, RV_OP_FP, NULL, NULL),
    RV_HLV(0x30, 0, "hlv.b", 1, RV_OP_SIGNED),
    RV_HLV(0x30, 1, "hlv.bu", 1, 0),
    RV_HLV(0x32, 0, "hlv.h", 2, RV_OP_SIGNED),
    RV_HLV(0x32, 1, "hlv.hu", 2, 0),
    RV_HLV(0x32, 3, "hlvx.hu", 2, 0),
    RV_HLV(0x34, 0, "hlv.w", 4, RV_OP_SIGNED),
    RV_HLV(0x34, 1, "hlv.wu", 4, 0),
    RV_HLV(0x34, 3, "hlvx.wu", 4, 0),
    RV_HLV(0x36, 0, "hlv.d", 8, 0),
    RV_HSV(0x31, "hsv.b", 1),
    RV_HSV(0x33, "hsv.h", 2),
    RV_HSV(0x35, "hsv.w", 4),
    RV_HSV(0x37, "hsv.d", 8),
};

/* Atomics (opcode AMO = 0x2f) by funct5, width by funct3 (0 .b, 1 .h with Zabha; 2 .w;
 * 3 .d; 4 .q for amocas.q). */
static const char *const dec_rv_amo_ops[32] = {
    [0x00] = "amoadd.", [0x01] = "amoswap.", [0x02] = "lr.",	  [0x03] = "sc.",
    [0x04] = "amoxor.", [0x05] = "amocas.",  [0x08] = "amoor.",	  [0x0c] = "amoand.",
    [0x10] = "amomin.", [0x14] = "amomax.",  [0x18] = "amominu.", [0x1c] = "amomaxu.",
};

static const char dec_rv_width_suffix[5] = {'b', 'h', 'w', 'd', 'q'};

/* Opcodes the base ISA sets aside for custom instructions: custom-0..3. */
static bool dec_rv_custom_opcode(uint32_t opcode)
{
	return opcode == 0x0b || opcode == 0x2b || opcode == 0x5b || opcode == 0x7b;
}

static bool dec_rv_parse_amo(uint32_t insn, dec_rv_tinst *t)
{
	unsigned funct5 = insn >> 27, funct3 = insn >> 12 & 7;
	const char *op = dec_rv_amo_ops[funct5];
	bool lr = funct5 == 0x02, sc = funct5 == 0x03;

	if ((insn & 0x7f) != 0x2f || !op || funct3 > 4)
		return false;
	if (funct3 == 4 && funct5 != 0x05)
		return false;
	if ((lr || sc) && funct3 < 2)
		return false;
	if (lr && (insn >> 20 & 31) != 0)
		return false;
	t->mnemonic = op;
	t->suffix = funct3;
	t->size = 1u << funct3;
	t->access = lr ? RV_ACCESS_LOAD : sc ? RV_ACCESS_STORE : RV_ACCESS_AMO;
	t->reg = insn >> 7 & 31;
	return true;
}

static const char *dec_rv_zero_field_violation(uint32_t insn, dec_rv_access access, bool vm)
{
	if (vm)
		return NULL;
	if (access == RV_ACCESS_LOAD && (insn >> 20) != 0)
		return "imm[11:0] (bits 31:20) must be 0 in a transformed load";
	if (access == RV_ACCESS_STORE && ((insn >> 25) != 0 || (insn >> 7 & 31) != 0))
		return "the immediate (bits 31:25 and 11:7) must be 0 in a transformed store";
	return NULL;
}

/* The register-based compressed forms (c.lw, c.sd, ...) reach only x8-x15 (f8-f15). */
static bool dec_rv_compressed_reg_form(const dec_rv_tinst *t)
{
	return t->c_reg && t->reg >= 8 && t->reg <= 15;
}

static void dec_rv_parse_transformed(uint32_t raw, dec_rv_tinst *t)
{
	uint32_t insn = raw | 2;
	const dec_rv_mem_op *op = NULL;

	t->compressed = !(raw & 2);
	t->addr_offset = insn >> 15 & 31;
	for (size_t i = 0; i < sizeof dec_rv_mem_ops / sizeof dec_rv_mem_ops[0]; i++) {
		if ((insn & dec_rv_mem_ops[i].mask) == dec_rv_mem_ops[i].match) {
			op = &dec_rv_mem_ops[i];
			break;
		}
	}
	if (op) {
		t->kind = RV_TINST_TRANSFORMED;
		t->mnemonic = op->mnemonic;
		t->access = op->access;
		t->size = op->size;
		t->sign_extends = op->flags & RV_OP_SIGNED;
		t->fp_reg = op->flags & RV_OP_FP;
		t->vm_access = op->flags & RV_OP_VM;
		t->reg = op->access == RV_ACCESS_STORE ? insn >> 20 & 31 : insn >> 7 & 31;
		t->c_reg = op->c_reg;
		t->c_sp = op->c_sp;
		t->violation = dec_rv_zero_field_violation(insn, op->access, t->vm_access);
	} else if (dec_rv_parse_amo(insn, t)) {
		t->kind = RV_TINST_TRANSFORMED;
	} else if (dec_rv_custom_opcode(insn & 0x7f)) {
		t->kind = RV_TINST_CUSTOM;
		return;
	} else {
		t->kind = RV_TINST_UNKNOWN;
		t->violation =
		    "bit 0 is 1, but with bit 1 set it is no load, store, atomic or "
		    "HLV/HSV (the only instructions with a defined transformation) and no "
		    "custom instruction";
		return;
	}
	if (!t->violation && t->compressed && !t->c_sp && !dec_rv_compressed_reg_form(t))
		t->violation = "bit 1 = 0 says the original was 16-bit, but no compressed "
			       "instruction expands to this one";
	if (!t->violation && t->addr_offset >= t->size)
		t->violation = "Addr.Offset must be smaller than the access size";
}

void dec_rv_tinst_parse(uint64_t value, dec_rv_tinst *t)
{
	uint32_t raw = (uint32_t)value;

	*t = (dec_rv_tinst){.kind = RV_TINST_UNKNOWN, .mnemonic = "", .suffix = -1};
	if (value == 0) {
		t->kind = RV_TINST_ZERO;
	} else if (value >> 32) {
		t->violation = "bits 63:32 must be 0 in every defined value";
	} else if ((raw & 3) == 0) {
		if ((raw & ~UINT32_C(0x1020)) != 0x2000) {
			t->violation = "bits 1:0 = 00 but not one of the four pseudoinstructions "
				       "(0x2000, 0x2020, 0x3000, 0x3020)";
			return;
		}
		t->kind = RV_TINST_PSEUDO;
		t->access = raw & 0x20 ? RV_ACCESS_STORE : RV_ACCESS_LOAD;
		t->size = raw & 0x1000 ? 8 : 4;
	} else if ((raw & 3) == 2) {
		t->violation = "bits 1:0 = 10 are excluded by the specification";
	} else {
		dec_rv_parse_transformed(raw, t);
	}
}

bool dec_rv_tinst_allowed(dec_rv_tinst_kind kind, uint64_t cause)
{
	const uint64_t transformed = RV_BIT(4) | RV_BIT(5) | RV_BIT(6) | RV_BIT(7) | RV_BIT(13) |
				     RV_BIT(15) | RV_BIT(21) | RV_BIT(23);
	const uint64_t custom = transformed | RV_BIT(0) | RV_BIT(3) | RV_BIT(8) | RV_BIT(9) |
				RV_BIT(10) | RV_BIT(11) | RV_BIT(22);
	const uint64_t pseudo = RV_BIT(20) | RV_BIT(21) | RV_BIT(23);

	if (kind == RV_TINST_ZERO)
		return true;
	if ((cause & RV_CAUSE_INTERRUPT) || cause >= 64)
		return false;
	switch (kind) {
	case RV_TINST_TRANSFORMED: return transformed >> cause & 1;
	case RV_TINST_CUSTOM: return custom >> cause & 1;
	case RV_TINST_PSEUDO: return pseudo >> cause & 1;
	default: return false;
	}
}

static const char *dec_rv_tinst_reg_name(const dec_rv_tinst *t)
{
	return t->fp_reg ? dec_rv_fpr_name(t->reg) : dec_rv_reg_name(t->reg);
}

/* "amoadd.w", "lw" */
static const char *dec_rv_tinst_mnemonic(dec_text *text, const dec_rv_tinst *t)
{
	if (t->suffix < 0)
		return t->mnemonic;
	return dec_text_fmt(text, "%s%c", t->mnemonic, dec_rv_width_suffix[t->suffix]);
}

static const char *dec_rv_compressed_origin(dec_text *text, const dec_rv_tinst *t)
{
	bool reg_form = dec_rv_compressed_reg_form(t);
	if (!t->compressed)
		return "from a 32-bit instruction";
	if (reg_form && t->c_sp)
		return dec_text_fmt(text, "from a compressed %s or %s", t->c_reg, t->c_sp);
	if (reg_form || t->c_sp)
		return dec_text_fmt(text, "from a compressed %s", reg_form ? t->c_reg : t->c_sp);
	return "from a compressed instruction";
}

static const char *dec_rv_page_walk_text(dec_text *text, const dec_rv_tinst *t)
{
	if (t->access == RV_ACCESS_STORE)
		return dec_text_fmt(
		    text,
		    "implicit %u-bit write of a VS-stage page-table entry (A/D bit "
		    "update) during the guest's own page walk: the page holding the "
		    "guest's page table is not mapped writable in the G-stage",
		    t->size * 8);
	return dec_text_fmt(text,
			    "implicit %u-bit read of a VS-stage page-table entry during the "
			    "guest's own page walk: the guest's page tables are not mapped in "
			    "the G-stage",
			    t->size * 8);
}

const char *dec_rv_tinst_access_text(dec_text *text, const dec_rv_tinst *t)
{
	if (t->kind == RV_TINST_PSEUDO)
		return dec_rv_page_walk_text(text, t);
	if (t->kind != RV_TINST_TRANSFORMED)
		return "unknown";

	const char *name = dec_rv_tinst_mnemonic(text, t);
	const char *reg = dec_rv_tinst_reg_name(t);
	const char *origin = dec_rv_compressed_origin(text, t);
	const char *offset = t->addr_offset ? dec_text_fmt(text,
							   "; the fault hit byte %u of the "
							   "misaligned access (Addr.Offset)",
							   t->addr_offset)
					    : "";
	const char *vm = t->vm_access ? "hypervisor access to guest memory: " : "";
	const char *plural = t->size == 1 ? "" : "s";

	if (t->suffix >= 0 && t->access == RV_ACCESS_LOAD)
		return dec_text_fmt(text, "load-reserved (%s) of %u bytes into %s (%s)%s", name,
				    t->size, reg, origin, offset);
	if (t->suffix >= 0 && t->access == RV_ACCESS_STORE)
		return dec_text_fmt(text,
				    "store-conditional (%s) of %u bytes, success flag into %s "
				    "(%s)%s",
				    name, t->size, reg, origin, offset);
	if (t->access == RV_ACCESS_AMO)
		return dec_text_fmt(text,
				    "atomic read-modify-write (%s) of %u byte%s, old value into %s "
				    "(%s)%s",
				    name, t->size, plural, reg, origin, offset);
	if (t->access == RV_ACCESS_STORE)
		return dec_text_fmt(text, "%sstore (%s) of %u byte%s from %s (%s)%s", vm, name,
				    t->size, plural, reg, origin, offset);
	/* a load: integer loads narrower than the register extend the value */
	const char *extend = t->fp_reg || t->size == 8 ? ""
			     : t->sign_extends	       ? ", sign-extended,"
						       : ", zero-extended,";
	return dec_text_fmt(text, "%s%sload (%s) of %u byte%s%s into %s (%s)%s", vm,
			    t->fp_reg ? "floating-point " : "", name, t->size, plural, extend, reg,
			    origin, offset);
}

/* ---- the register decoder ---------------------------------------------------------------- */

static const char *dec_rv_opcode_name(uint32_t opcode)
{
	switch (opcode) {
	case 0x03: return "LOAD";
	case 0x07: return "LOAD-FP";
	case 0x23: return "STORE";
	case 0x27: return "STORE-FP";
	case 0x2f: return "AMO";
	default: return "SYSTEM (HLV/HLVX/HSV)";
	}
}

static void dec_rv_opcode_fields(dec_reg *out, const dec_rv_tinst *t)
{
	uint32_t insn = (uint32_t)out->value | 2;

	dec_field_add(out, "opcode", "Major opcode", 0, 7,
		      dec_fmt(out, "%s, bits 1:0 = %s", dec_rv_opcode_name(insn & 0x7f),
			      t->compressed ? "01: the original was compressed"
					    : "11: the original was 32-bit"));
	dec_push(out);
	dec_field_add(out, "bit1", "Original length", 1, 1,
		      t->compressed ? "0: the trapping instruction was 16-bit (compressed); "
				      "skip 2 bytes"
				    : "1: the trapping instruction was 32-bit; skip 4 bytes");
	dec_field_add(out, "bit0", "Transformed", 0, 1, "1: a transformed standard instruction");
	dec_pop(out);
}

/* A field the transformation sets to zero; flagged when it is not. */
static void dec_rv_zero_field(dec_reg *out, const char *name, unsigned lsb, unsigned width,
			      const char *meaning)
{
	dec_field *f = dec_field_add(out, name, "Immediate (zeroed)", lsb, width, meaning);
	if (f && f->value)
		f->warn = true;
}

/* Bits 11:7: the destination, or a zeroed immediate in a plain store. */
static void dec_rv_rd_field(dec_reg *out, const dec_rv_tinst *t, bool atomic, bool store)
{
	if (store && !atomic && !t->vm_access)
		dec_rv_zero_field(
		    out, "imm[4:0]", 7, 5,
		    "must be 0 in a transformed store: the address comes from the fault");
	else if (store && t->vm_access)
		dec_field_add(out, "rd", "Destination register", 7, 5, "0: HSV writes no register");
	else
		dec_field_add(out, "rd", "Destination register", 7, 5,
			      dec_fmt(out, "%s: receives the %s", dec_rv_tinst_reg_name(t),
				      store			   ? "success flag (0 = stored)"
				      : t->access == RV_ACCESS_AMO ? "old memory value"
								   : "loaded value"));
}

/* Bits 31:20 of everything but a plain load. */
static void dec_rv_upper_fields(dec_reg *out, const dec_rv_tinst *t, bool atomic)
{
	uint32_t insn = (uint32_t)out->value;
	unsigned rs2 = insn >> 20 & 31;

	if (t->vm_access && t->access == RV_ACCESS_LOAD)
		dec_field_add(out, "rs2", "Variant", 20, 5, "selects the HLV/HLVX variant");
	else if (atomic && t->access == RV_ACCESS_LOAD)
		dec_field_add(out, "rs2", "Source register", 20, 5, "0: LR has no source");
	else
		dec_field_add(out, "rs2", "Source register", 20, 5,
			      dec_fmt(out, "data from %s",
				      t->fp_reg ? dec_rv_fpr_name(rs2) : dec_rv_reg_name(rs2)));
	if (atomic) {
		dec_field_add(out, "rl", "Release", 25, 1, insn >> 25 & 1 ? "1: release" : "0");
		dec_field_add(out, "aq", "Acquire", 26, 1, insn >> 26 & 1 ? "1: acquire" : "0");
		dec_field_add(out, "funct5", "Atomic operation", 27, 5,
			      dec_rv_tinst_mnemonic(&out->text, t));
	} else if (t->vm_access) {
		dec_field_add(out, "funct7", "Function", 25, 7, t->mnemonic);
	} else {
		dec_rv_zero_field(
		    out, "imm[11:5]", 25, 7,
		    "must be 0 in a transformed store: the address comes from the fault");
	}
}

static void dec_rv_transformed_fields(dec_reg *out, const dec_rv_tinst *t)
{
	bool atomic = t->suffix >= 0, store = t->access == RV_ACCESS_STORE;

	dec_rv_opcode_fields(out, t);
	dec_rv_rd_field(out, t, atomic, store);
	dec_field_add(
	    out, "funct3", "Function (width)", 12, 3,
	    dec_fmt(out, "%s: %u-byte access", dec_rv_tinst_mnemonic(&out->text, t), t->size));
	dec_field *f = dec_field_add(
	    out, "Addr.Offset", "Address offset (replaces rs1)", 15, 5,
	    t->addr_offset ? dec_fmt(out,
				     "%u: the faulting address is %u bytes past the start "
				     "of the misaligned access",
				     t->addr_offset, t->addr_offset)
			   : "0: the faulting address is where the access starts");
	if (f)
		f->warn = t->addr_offset >= t->size;
	if (!atomic && !t->vm_access && !store)
		dec_rv_zero_field(
		    out, "imm[11:0]", 20, 12,
		    "must be 0 in a transformed load: the address comes from the fault");
	else
		dec_rv_upper_fields(out, t, atomic);
}

static void dec_rv_transformed_summary(dec_reg *out, const dec_rv_tinst *t, dec_rv_level level)
{
	char text[96];
	const char *epc = dec_rv_trap_keys_of[level].epc;
	const char *access = dec_rv_tinst_access_text(&out->text, t);
	unsigned skip = t->compressed ? 2 : 4;

	if (dec_rv_disasm((uint32_t)out->value | 2, 0, text, sizeof text)) {
		out->summary =
		    dec_fmt(out, "Transformed instruction \"%s\" (bit 1 set): %s", text, access);
		out->hint = dec_fmt(out,
				    "Take the address from the fault, not from the text: rs1 "
				    "holds Addr.Offset and the offset is 0. For MMIO, emulate "
				    "the access and add %u to %s.",
				    skip, epc);
	} else {
		out->summary = dec_fmt(out, "Transformed instruction: %s", access);
		out->hint = dec_fmt(out,
				    "For MMIO, emulate the access and add %u to %s; KVM and "
				    "riscv_vcpu set bit 1 and decode it as a 32-bit instruction.",
				    skip, epc);
	}
}

void dec_rv_decode_tinst(dec_reg *out, const dec_regdef *def, uint64_t v, const dec_ctx *ctx)
{
	dec_rv_level level = (dec_rv_level)def->variant;
	const char *epc = dec_rv_trap_keys_of[level].epc;
	dec_rv_tinst t;
	dec_field *f;

	(void)ctx;
	dec_rv_tinst_parse(v, &t);
	dec_reg_init(out, def->display, v);
	switch (t.kind) {
	case RV_TINST_ZERO:
		dec_field_add(out, def->display, "Trap instruction", 0, 64,
			      dec_fmt(out,
				      "0: no information: the hypervisor must fetch the "
				      "instruction at %s with HLVX.HU and decode it",
				      epc));
		out->summary = "No information (0)";
		out->hint =
		    "KVM and riscv_vcpu then read the instruction from guest memory at sepc "
		    "(HLVX.HU, a second halfword if bits 1:0 = 11).";
		break;
	case RV_TINST_TRANSFORMED:
		dec_rv_transformed_fields(out, &t);
		dec_rv_transformed_summary(out, &t, level);
		break;
	case RV_TINST_PSEUDO:
		dec_field_add(out, "opcode", "Pseudo opcode", 0, 7,
			      t.access == RV_ACCESS_STORE ? "0x20: a write (A/D bit update)"
							  : "0x00: a read");
		dec_field_add(out, "funct3", "Width", 12, 3,
			      t.size == 8 ? "3: 64-bit page-table entry (RV64 guest, Sv39/48/57)"
					  : "2: 32-bit page-table entry (RV32 guest, Sv32)");
		out->summary =
		    dec_fmt(out,
			    "Pseudoinstruction 0x%04" PRIx64 ": %u-bit %s for "
			    "VS-stage address translation",
			    v, t.size * 8, t.access == RV_ACCESS_STORE ? "write" : "read");
		out->hint = "The guest's page walk touched a guest physical address the G-stage "
			    "does not map: map that page (htval << 2 is the PTE's address); it is "
			    "never MMIO.";
		break;
	case RV_TINST_CUSTOM:
		dec_field_add(out, "opcode", "Major opcode", 0, 7,
			      "a custom opcode (custom-0..3): the trapping instruction was "
			      "non-standard");
		out->summary = "Custom value: the trapping instruction was a non-standard one";
		out->hint = "Only the implementation's documentation says what it means; software "
			    "may treat it as 0.";
		return;
	default:
		f = dec_field_add(
		    out, def->display, "Trap instruction", 0, 64,
		    dec_fmt(out, "not a value the specification allows: %s", t.violation));
		if (f)
			f->warn = true;
		out->summary = "Unrecognised value: software should treat it as 0";
		out->hint =
		    dec_fmt(out, "Treat it as 0: read the instruction at %s with HLVX.HU.", epc);
		return;
	}
	if (t.kind == RV_TINST_TRANSFORMED && t.violation)
		out->summary =
		    dec_fmt(out, "%s (violates the specification: %s)", out->summary, t.violation);
}
