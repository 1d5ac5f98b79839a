/* libFuzzer target for the RISC-V instruction decoder and disassembler. Beyond "no crash":
 * decode and disassembly agree, a record holds only what its instruction uses, text is short
 * printable ASCII that a truncating buffer cuts cleanly, and pc only moves branch targets.
 *
 * Input: an 8-byte little-endian pc (0 when the input is shorter), then instruction bytes. Every
 * 16-bit parcel starts a 32-bit word, zero-padded at the end, at pc + its offset.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc tests/fuzz/fuzz_rv_insn.c \
 *       src/decode/rv_insn.c src/decode/rv_disasm.c -o fuzz_rv_insn
 *   ./fuzz_rv_insn tests/fuzz/corpus/rv_insn
 */
#include "decode/decode.h"
#include "decode/rv_insn.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The explain view of an instruction disassembles into char[96]: the text must fit there. */
#define TEXT_MAX  96
#define TINY_MAX  8
#define FULL_SIZE 256

#define OP(name) DEC_RV_OP_##name

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

static uint64_t load_le(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static bool op_in(unsigned op, unsigned first, unsigned last)
{
	return op >= first && op <= last;
}

static bool same_insn(const dec_rv_insn *a, const dec_rv_insn *b)
{
	return a->imm == b->imm && a->op == b->op && a->csr == b->csr && a->rd == b->rd &&
	       a->rs1 == b->rs1 && a->rs2 == b->rs2 && a->len == b->len && a->flags == b->flags;
}

/* Decodes into a record filled with junk: a field the decoder forgets to set differs between
 * two fills. */
static bool decode_dirty(uint32_t raw, dec_rv_insn *out, uint8_t junk)
{
	memset(out, junk, sizeof *out);
	return dec_rv_decode(raw, out);
}

static void check_rejected(uint32_t raw, const dec_rv_insn *in)
{
	const dec_rv_insn zero = {.len = (uint8_t)dec_rv_insn_len(raw)};
	check(same_insn(in, &zero));
}

static void check_accepted(uint32_t raw, const dec_rv_insn *in)
{
	check(in->len == ((raw & 3) == 3 ? 4 : 2));
	check(in->len == dec_rv_insn_len(raw));
	check(in->op != OP(ILLEGAL) && in->op < DEC_RV_OP_COUNT);
	check(in->rd < 32 && in->rs1 < 32 && in->rs2 < 32);
	check((in->flags & ~(DEC_RV_AQ | DEC_RV_RL)) == 0);
	check(!in->flags || op_in(in->op, OP(LR_W), OP(AMOMAXU_D)));
	check(!in->csr || op_in(in->op, OP(CSRRW), OP(CSRRCI)));
	if (op_in(in->op, OP(CSRRW), OP(CSRRCI)))
		check(in->len == 4 && in->csr == raw >> 20);
	if (in->len == 2) {
		/* only the low parcel of a compressed instruction counts */
		dec_rv_insn other;
		check(decode_dirty((raw & 0xffff) | (~raw & 0xffff0000), &other, 0x5a));
		check(same_insn(in, &other));
	}
}

static bool is_jump(unsigned op)
{
	return op == OP(JAL) || op_in(op, OP(BEQ), OP(BGEU));
}

/* Non-empty, terminated, short enough for char[TEXT_MAX], printable ASCII (so one line). */
static void check_text(const char *text, size_t size)
{
	const char *end = memchr(text, '\0', size);
	check(end && end != text && end - text < TEXT_MAX);
	for (const char *p = text; p < end; p++)
		check(*p >= 0x20 && *p <= 0x7e);
}

/* Every buffer of 0..TINY_MAX bytes gets the same return and a clean prefix of full. */
static void check_tiny(uint32_t raw, uint64_t pc, unsigned want, const char *full)
{
	check(dec_rv_disasm(raw, pc, NULL, 0) == want);
	for (size_t n = 1; n <= TINY_MAX; n++) {
		char *buf = malloc(n);
		if (!buf)
			abort();
		check(dec_rv_disasm(raw, pc, buf, n) == want);
		check(strlen(buf) == n - 1 || strcmp(buf, full) == 0);
		check(strncmp(buf, full, strlen(buf)) == 0);
		free(buf);
	}
}

/* Branch and jump targets are printed from pc; nothing else depends on it. */
static void check_pc(uint32_t raw, uint64_t pc, const dec_rv_insn *in, const char *full)
{
	char other[FULL_SIZE], target[24];
	uint64_t pc2 = pc ^ UINT64_C(0x0123456789abcdee);

	dec_rv_disasm(raw, pc2, other, sizeof other);
	if (!is_jump(in->op)) {
		check(strcmp(full, other) == 0);
		return;
	}
	snprintf(target, sizeof target, "0x%" PRIx64, pc + (uint64_t)(int64_t)in->imm);
	check(strstr(full, target) != NULL);
	snprintf(target, sizeof target, "0x%" PRIx64, pc2 + (uint64_t)(int64_t)in->imm);
	check(strstr(other, target) != NULL);
}

static void check_csr_name(unsigned csr)
{
	char full[64], number[16];
	bool named = dec_rv_csr_name(csr, full, sizeof full);

	check(memchr(full, '\0', sizeof full) && full[0]);
	snprintf(number, sizeof number, "0x%x", csr);
	check(named ? strspn(full, "abcdefghijklmnopqrstuvwxyz0123456789") == strlen(full)
		    : strcmp(full, number) == 0);
	check(dec_rv_csr_name(csr, NULL, 0) == named);
	for (size_t n = 1; n <= TINY_MAX; n++) {
		char *buf = malloc(n);
		if (!buf)
			abort();
		check(dec_rv_csr_name(csr, buf, n) == named);
		check(strncmp(buf, full, n - 1) == 0 && strlen(buf) <= n - 1);
		free(buf);
	}
}

static void check_word(uint32_t raw, uint64_t pc)
{
	dec_rv_insn in, again;
	char full[FULL_SIZE];
	bool ok = decode_dirty(raw, &in, 0xa5);

	check(decode_dirty(raw, &again, 0x00) == ok && same_insn(&in, &again));
	if (ok)
		check_accepted(raw, &in);
	else
		check_rejected(raw, &in);
	check((strcmp(dec_rv_op_name(in.op), "unknown") == 0) == !ok);

	memset(full, 0x7f, sizeof full);
	unsigned len = dec_rv_disasm(raw, pc, full, sizeof full);
	check(ok ? len == in.len : len == 0);
	check_text(full, sizeof full);
	check(ok ? strncmp(full, "unknown", 7) != 0 : strcmp(full, "unknown") == 0);
	check_tiny(raw, pc, len, full);
	if (ok)
		check_pc(raw, pc, &in, full);
	check_csr_name(raw >> 20);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t pc = 0;

	check(strcmp(dec_rv_op_name(DEC_RV_OP_COUNT), "unknown") == 0);
	if (size >= 8) {
		pc = load_le(data, 8);
		data += 8;
		size -= 8;
	}
	for (size_t i = 0; i < size; i += 2) {
		size_t n = size - i < 4 ? size - i : 4;
		check_word((uint32_t)load_le(data + i, n), pc + i);
	}
	return 0;
}
