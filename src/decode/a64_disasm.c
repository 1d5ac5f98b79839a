/* A64 instruction text through Capstone, and the `insn` register view of one instruction. */
#include "a64.h"

#include <capstone/capstone.h>
#include <stdio.h>
#include <string.h>

bool dec_a64_disasm_parts(uint32_t raw, uint64_t pc, char *mnemonic, size_t msize, char *operands,
			  size_t osize)
{
	const uint8_t bytes[4] = {(uint8_t)raw, (uint8_t)(raw >> 8), (uint8_t)(raw >> 16),
				  (uint8_t)(raw >> 24)};
	csh handle;
	cs_insn *insn;
	size_t count;

	if (cs_open(CS_ARCH_ARM64, CS_MODE_LITTLE_ENDIAN, &handle) != CS_ERR_OK)
		return false;
	count = cs_disasm(handle, bytes, sizeof bytes, pc, 1, &insn);
	if (count == 1) {
		snprintf(mnemonic, msize, "%s", insn->mnemonic);
		snprintf(operands, osize, "%s", insn->op_str);
	}
	if (count > 0)
		cs_free(insn, count);
	cs_close(&handle);
	return count == 1;
}

bool dec_a64_disasm(uint32_t raw, uint64_t pc, char *buf, size_t size)
{
	char mnemonic[32], operands[160];

	if (!dec_a64_disasm_parts(raw, pc, mnemonic, sizeof mnemonic, operands, sizeof operands)) {
		snprintf(buf, size, "unknown");
		return false;
	}
	if (operands[0])
		snprintf(buf, size, "%s %s", mnemonic, operands);
	else
		snprintf(buf, size, "%s", mnemonic);
	return true;
}

/* The Arm ARM's top-level A64 decode table, indexed by bits [28:25]. */
static const char *const dec_a64_encoding_groups[16] = {
    [0x0] = "Reserved (bit 31 = 0) or SME encodings (bit 31 = 1)",
    [0x1] = "Unallocated",
    [0x2] = "SVE encodings",
    [0x3] = "Unallocated",
    [0x4] = "Loads and Stores",
    [0x5] = "Data Processing -- Register",
    [0x6] = "Loads and Stores",
    [0x7] = "Data Processing -- Scalar Floating-Point and Advanced SIMD",
    [0x8] = "Data Processing -- Immediate",
    [0x9] = "Data Processing -- Immediate",
    [0xA] = "Branches, Exception Generating and System instructions",
    [0xB] = "Branches, Exception Generating and System instructions",
    [0xC] = "Loads and Stores",
    [0xD] = "Data Processing -- Register",
    [0xE] = "Loads and Stores",
    [0xF] = "Data Processing -- Scalar Floating-Point and Advanced SIMD",
};

static const char *dec_a64_encoding_group(uint32_t raw)
{
	unsigned op0 = (unsigned)dec_bits(raw, 25, 4);

	if (op0 == 0)
		return dec_bits(raw, 31, 1) ? "SME encodings" : "Reserved (includes UDF)";
	return dec_a64_encoding_groups[op0];
}

void dec_a64_decode_insn(dec_reg *r, const dec_regdef *def, uint64_t value, const dec_ctx *ctx)
{
	uint32_t raw = (uint32_t)value;
	uint64_t pc = 0;
	char text[192];
	const char *group = dec_a64_encoding_group(raw);

	if (ctx)
		dec_ctx_get(ctx, "elr", &pc);
	dec_reg_init(r, def->display, value);
	dec_field_add(r, "op0", "Top-level encoding group", 25, 4, group);
	if (dec_a64_disasm(raw, pc, text, sizeof text))
		r->summary = dec_fmt(r, "%s (%s)", text, group);
	else
		r->summary = dec_fmt(r,
				     "not an instruction Capstone 4 knows (%s): unallocated, or "
				     "newer than Capstone's tables",
				     group);
	r->hint =
	    "In a trap this is the instruction at ELR_EL2. When ESR_EL2 carries no "
	    "instruction syndrome (data abort with ISV=0), a hypervisor must read this word "
	    "from guest memory and decode it itself; KVM refuses to (KVM_EXIT_ARM_NISV or "
	    "-ENOSYS). Branch targets are computed from ELR_EL2 when it is given, else from 0.";
}
