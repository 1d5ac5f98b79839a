/* trapscope — RISC-V disassembly text, spelled as GNU objdump (binutils 2.40) spells it by default:
 * ABI register names, objdump's aliases, its CSR names, absolute branch targets, hex for upper
 * immediates and shift amounts, decimal elsewhere.
 *
 * An instruction is decoded, then the first matching row of the spelling table gives its
 * mnemonic and operand template; an instruction no row matches is spelled with its canonical
 * mnemonic and the op's default template.
 */
#include "decode/decode.h"
#include "decode/rv_insn.h"

#include <inttypes.h>
#include <stdio.h>

#define OP(name) DEC_RV_OP_##name

static const char *const reg_names[32] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

const char *dec_rv_reg_name(unsigned reg)
{
	return reg_names[reg & 31];
}

/* ---- CSR names ------------------------------------------------------------------------------- */

static const struct {
	uint16_t number;
	const char *name;
} csr_names[] = {
    /* unprivileged: floating point, vector, entropy source, counters */
    {0x001, "fflags"},
    {0x002, "frm"},
    {0x003, "fcsr"},
    {0x008, "vstart"},
    {0x009, "vxsat"},
    {0x00a, "vxrm"},
    {0x00f, "vcsr"},
    {0x015, "seed"},
    {0xc00, "cycle"},
    {0xc01, "time"},
    {0xc02, "instret"},
    {0xc20, "vl"},
    {0xc21, "vtype"},
    {0xc22, "vlenb"},
    {0xc80, "cycleh"},
    {0xc81, "timeh"},
    {0xc82, "instreth"},
    /* supervisor */
    {0x100, "sstatus"},
    {0x104, "sie"},
    {0x105, "stvec"},
    {0x106, "scounteren"},
    {0x10a, "senvcfg"},
    {0x114, "sieh"},
    {0x140, "sscratch"},
    {0x141, "sepc"},
    {0x142, "scause"},
    {0x143, "stval"},
    {0x144, "sip"},
    {0x14d, "stimecmp"},
    {0x150, "siselect"},
    {0x151, "sireg"},
    {0x154, "siph"},
    {0x15c, "stopei"},
    {0x15d, "stimecmph"},
    {0x180, "satp"},
    {0x5a8, "scontext"},
    {0xda0, "scountovf"},
    {0xdb0, "stopi"},
    /* virtual supervisor */
    {0x200, "vsstatus"},
    {0x204, "vsie"},
    {0x205, "vstvec"},
    {0x214, "vsieh"},
    {0x240, "vsscratch"},
    {0x241, "vsepc"},
    {0x242, "vscause"},
    {0x243, "vstval"},
    {0x244, "vsip"},
    {0x24d, "vstimecmp"},
    {0x250, "vsiselect"},
    {0x251, "vsireg"},
    {0x254, "vsiph"},
    {0x25c, "vstopei"},
    {0x25d, "vstimecmph"},
    {0x280, "vsatp"},
    {0xeb0, "vstopi"},
    /* hypervisor */
    {0x600, "hstatus"},
    {0x602, "hedeleg"},
    {0x603, "hideleg"},
    {0x604, "hie"},
    {0x605, "htimedelta"},
    {0x606, "hcounteren"},
    {0x607, "hgeie"},
    {0x608, "hvien"},
    {0x609, "hvictl"},
    {0x60a, "henvcfg"},
    {0x613, "hidelegh"},
    {0x615, "htimedeltah"},
    {0x618, "hvienh"},
    {0x61a, "henvcfgh"},
    {0x643, "htval"},
    {0x644, "hip"},
    {0x645, "hvip"},
    {0x646, "hviprio1"},
    {0x647, "hviprio2"},
    {0x64a, "htinst"},
    {0x655, "hviph"},
    {0x656, "hviprio1h"},
    {0x657, "hviprio2h"},
    {0x680, "hgatp"},
    {0x6a8, "hcontext"},
    {0xe12, "hgeip"},
    /* machine */
    {0x300, "mstatus"},
    {0x301, "misa"},
    {0x302, "medeleg"},
    {0x303, "mideleg"},
    {0x304, "mie"},
    {0x305, "mtvec"},
    {0x306, "mcounteren"},
    {0x308, "mvien"},
    {0x309, "mvip"},
    {0x30a, "menvcfg"},
    {0x310, "mstatush"},
    {0x313, "midelegh"},
    {0x314, "mieh"},
    {0x318, "mvienh"},
    {0x319, "mviph"},
    {0x31a, "menvcfgh"},
    {0x320, "mcountinhibit"},
    {0x340, "mscratch"},
    {0x341, "mepc"},
    {0x342, "mcause"},
    {0x343, "mtval"},
    {0x344, "mip"},
    {0x34a, "mtinst"},
    {0x34b, "mtval2"},
    {0x350, "miselect"},
    {0x351, "mireg"},
    {0x354, "miph"},
    {0x35c, "mtopei"},
    {0x747, "mseccfg"},
    {0x757, "mseccfgh"},
    {0xb00, "mcycle"},
    {0xb02, "minstret"},
    {0xb80, "mcycleh"},
    {0xb82, "minstreth"},
    {0xf11, "mvendorid"},
    {0xf12, "marchid"},
    {0xf13, "mimpid"},
    {0xf14, "mhartid"},
    {0xf15, "mconfigptr"},
    {0xfb0, "mtopi"},
    /* debug and trigger */
    {0x7a0, "tselect"},
    {0x7a1, "tdata1"},
    {0x7a2, "tdata2"},
    {0x7a3, "tdata3"},
    {0x7a4, "tinfo"},
    {0x7a5, "tcontrol"},
    {0x7a8, "mcontext"},
    {0x7aa, "mscontext"},
    {0x7b0, "dcsr"},
    {0x7b1, "dpc"},
    {0x7b2, "dscratch0"},
    {0x7b3, "dscratch1"},
};

/* Numbered families: CSR first + i is prefix, (first_index + i), suffix. */
static const struct {
	uint16_t first;
	uint8_t count;
	uint8_t first_index;
	const char *prefix;
	const char *suffix;
} csr_families[] = {
    {0x10c, 4, 0, "sstateen", ""},	{0x30c, 4, 0, "mstateen", ""},
    {0x31c, 4, 0, "mstateen", "h"},	{0x60c, 4, 0, "hstateen", ""},
    {0x61c, 4, 0, "hstateen", "h"},	{0x323, 29, 3, "mhpmevent", ""},
    {0x723, 29, 3, "mhpmevent", "h"},	{0x3a0, 16, 0, "pmpcfg", ""},
    {0x3b0, 64, 0, "pmpaddr", ""},	{0xb03, 29, 3, "mhpmcounter", ""},
    {0xb83, 29, 3, "mhpmcounter", "h"}, {0xc03, 29, 3, "hpmcounter", ""},
    {0xc83, 29, 3, "hpmcounter", "h"},
};

bool dec_rv_csr_name(unsigned csr, char *buf, size_t size)
{
	for (size_t i = 0; i < sizeof(csr_names) / sizeof(csr_names[0]); i++) {
		if (csr_names[i].number == csr) {
			snprintf(buf, size, "%s", csr_names[i].name);
			return true;
		}
	}
	for (size_t i = 0; i < sizeof(csr_families) / sizeof(csr_families[0]); i++) {
		unsigned offset = csr - csr_families[i].first;
		if (csr >= csr_families[i].first && offset < csr_families[i].count) {
			snprintf(buf, size, "%s%u%s", csr_families[i].prefix,
				 csr_families[i].first_index + offset, csr_families[i].suffix);
			return true;
		}
	}
	snprintf(buf, size, "0x%x", csr);
	return false;
}

/* ---- Operand templates --------------------------------------------------------------------------
 *
 *   d rd   s rs1   t rs2   j immediate in decimal   > immediate in hex (shift amounts)
 *   u upper immediate (imm >> 12, 20 bits, hex)   p branch/jump target (pc + imm, hex)
 *   c CSR name   P, S fence predecessor, successor set
 * Every other character is copied.
 */
static const char *const default_operands[DEC_RV_OP_COUNT] = {
    [OP(LUI)] = "d,u",
    [OP(AUIPC)] = "d,u",
    [OP(JAL)] = "d,p",
    [OP(JALR)] = "d,j(s)",
    [OP(BEQ)... OP(BGEU)] = "s,t,p",
    [OP(LB)... OP(LWU)] = "d,j(s)",
    [OP(SB)... OP(SD)] = "t,j(s)",
    [OP(ADDI)... OP(ANDI)] = "d,s,j",
    [OP(SLLI)... OP(SRAI)] = "d,s,>",
    [OP(ADD)... OP(AND)] = "d,s,t",
    [OP(ADDIW)] = "d,s,j",
    [OP(SLLIW)... OP(SRAIW)] = "d,s,>",
    [OP(ADDW)... OP(SRAW)] = "d,s,t",
    [OP(FENCE)] = "P,S",
    [OP(ECALL)... OP(FENCE_I)] = "",
    [OP(CSRRW)... OP(CSRRC)] = "d,c,s",
    [OP(CSRRWI)... OP(CSRRCI)] = "d,c,j",
    [OP(MUL)... OP(REMUW)] = "d,s,t",
    [OP(LR_W)] = "d,(s)",
    [OP(SC_W)... OP(AMOMAXU_W)] = "d,t,(s)",
    [OP(LR_D)] = "d,(s)",
    [OP(SC_D)... OP(AMOMAXU_D)] = "d,t,(s)",
    [OP(ADD_UW)... OP(SH3ADD_UW)] = "d,s,t",
    [OP(SLLI_UW)] = "d,s,>",
    [OP(ANDN)... OP(XNOR)] = "d,s,t",
    [OP(CLZ)... OP(CPOPW)] = "d,s",
    [OP(MAX)... OP(MINU)] = "d,s,t",
    [OP(SEXT_B)... OP(ZEXT_H)] = "d,s",
    [OP(ROL)... OP(ROR)] = "d,s,t",
    [OP(RORI)... OP(RORIW)] = "d,s,>",
    [OP(RORW)] = "d,s,t",
    [OP(ORC_B)... OP(REV8)] = "d,s",
    [OP(SRET)... OP(WFI)] = "",
    [OP(SFENCE_VMA)... OP(SINVAL_VMA)] = "s,t",
    [OP(SFENCE_W_INVAL)... OP(SFENCE_INVAL_IR)] = "",
    [OP(HINVAL_VVMA)... OP(HINVAL_GVMA)] = "s,t",
    [OP(HLV_B)... OP(HLV_D)] = "d,(s)",
    [OP(HSV_B)... OP(HSV_D)] = "t,(s)",
};

/* ---- Spellings ----------------------------------------------------------------------------------
 *
 * A row applies when the op matches and every field the row names matches: rd, rs1, rs2 and
 * csr are stored plus one so that 0 means "any"; imm counts only when has_imm is set; a row with
 * a compressed mask applies only to 16-bit instructions whose bits match (objdump spells some
 * compressed forms, hints in particular, differently from their expansion).
 */
struct spelling {
	const char *mnemonic;
	const char *operands;
	int32_t imm;
	uint16_t op;
	uint16_t csr;
	uint16_t c_mask, c_match;
	uint8_t rd, rs1, rs2;
	bool has_imm;
};

/* Designators, so that a row names only the fields it constrains. */
/* NOLINTBEGIN(bugprone-macro-parentheses) */
#define RD(n)		 .rd = (n) + 1
#define RS1(n)		 .rs1 = (n) + 1
#define RS2(n)		 .rs2 = (n) + 1
#define IMM(n)		 .has_imm = true, .imm = (n)
#define CSR(n)		 .csr = (n) + 1
#define RVC(mask, match) .c_mask = (mask), .c_match = (match)
#define SAY(m, o)	 .mnemonic = (m), .operands = (o)
/* NOLINTEND(bugprone-macro-parentheses) */

static const struct spelling spellings[] = {
    /* compressed forms objdump does not spell as their expansion */
    {.op = OP(ADDI), RVC(0xffff, 0x0001), SAY("nop", "")},
    {.op = OP(ADDI), RVC(0xef83, 0x0001), SAY("c.nop", "j")},
    {.op = OP(ADDI), RVC(0xe003, 0x0001), SAY("add", "d,s,j")},
    {.op = OP(ADDI), RVC(0xef83, 0x4001), SAY("c.li", "d,j")},
    {.op = OP(LUI), RVC(0xef83, 0x6001), SAY("c.lui", "d,u")},
    {.op = OP(SRLI), RVC(0xfc7f, 0x8001), SAY("c.srli64", "d")},
    {.op = OP(SRAI), RVC(0xfc7f, 0x8401), SAY("c.srai64", "d")},
    {.op = OP(SLLI), RVC(0xf07f, 0x0002), SAY("c.slli64", "d")},
    {.op = OP(SLLI), RVC(0xef83, 0x0002), SAY("c.slli", "d,>")},
    {.op = OP(ADD), RVC(0xff83, 0x8002), SAY("c.mv", "d,t")},
    {.op = OP(ADD), RVC(0xf003, 0x8002), SAY("mv", "d,t")},
    {.op = OP(ADD), RVC(0xff83, 0x9002), SAY("c.add", "d,t")},
    /* immediate arithmetic */
    {.op = OP(ADDI), RD(0), RS1(0), IMM(0), SAY("nop", "")},
    {.op = OP(ADDI), RS1(0), SAY("li", "d,j")},
    {.op = OP(ADDI), IMM(0), SAY("mv", "d,s")},
    {.op = OP(ADDI), SAY("add", "d,s,j")},
    {.op = OP(SLTIU), IMM(1), SAY("seqz", "d,s")},
    {.op = OP(XORI), IMM(-1), SAY("not", "d,s")},
    {.op = OP(XORI), SAY("xor", "d,s,j")},
    {.op = OP(ORI), SAY("or", "d,s,j")},
    {.op = OP(ANDI), IMM(255), SAY("zext.b", "d,s")},
    {.op = OP(ANDI), SAY("and", "d,s,j")},
    {.op = OP(SLLI), SAY("sll", "d,s,>")},
    {.op = OP(SRLI), SAY("srl", "d,s,>")},
    {.op = OP(SRAI), SAY("sra", "d,s,>")},
    {.op = OP(ADDIW), IMM(0), SAY("sext.w", "d,s")},
    {.op = OP(ADDIW), SAY("addw", "d,s,j")},
    {.op = OP(SLLIW), SAY("sllw", "d,s,>")},
    {.op = OP(SRLIW), SAY("srlw", "d,s,>")},
    {.op = OP(SRAIW), SAY("sraw", "d,s,>")},
    {.op = OP(RORI), SAY("ror", "d,s,>")},
    {.op = OP(RORIW), SAY("rorw", "d,s,>")},
    /* register arithmetic */
    {.op = OP(SUB), RS1(0), SAY("neg", "d,t")},
    {.op = OP(SUBW), RS1(0), SAY("negw", "d,t")},
    {.op = OP(SLTU), RS1(0), SAY("snez", "d,t")},
    {.op = OP(SLT), RS2(0), SAY("sltz", "d,s")},
    {.op = OP(SLT), RS1(0), SAY("sgtz", "d,t")},
    {.op = OP(ADD_UW), RS2(0), SAY("zext.w", "d,s")},
    /* control transfer */
    {.op = OP(BEQ), RS2(0), SAY("beqz", "s,p")},
    {.op = OP(BNE), RS2(0), SAY("bnez", "s,p")},
    {.op = OP(BGE), RS1(0), SAY("blez", "t,p")},
    {.op = OP(BGE), RS2(0), SAY("bgez", "s,p")},
    {.op = OP(BLT), RS2(0), SAY("bltz", "s,p")},
    {.op = OP(BLT), RS1(0), SAY("bgtz", "t,p")},
    {.op = OP(JAL), RD(0), SAY("j", "p")},
    {.op = OP(JAL), RD(1), SAY("jal", "p")},
    {.op = OP(JALR), RD(0), RS1(1), IMM(0), SAY("ret", "")},
    {.op = OP(JALR), RD(0), IMM(0), SAY("jr", "s")},
    {.op = OP(JALR), RD(0), SAY("jr", "j(s)")},
    {.op = OP(JALR), RD(1), IMM(0), SAY("jalr", "s")},
    {.op = OP(JALR), RD(1), SAY("jalr", "j(s)")},
    {.op = OP(JALR), IMM(0), SAY("jalr", "d,s")},
    /* CSR access */
    {.op = OP(CSRRS), RS1(0), CSR(0xc00), SAY("rdcycle", "d")},
    {.op = OP(CSRRS), RS1(0), CSR(0xc01), SAY("rdtime", "d")},
    {.op = OP(CSRRS), RS1(0), CSR(0xc02), SAY("rdinstret", "d")},
    {.op = OP(CSRRS), RS1(0), SAY("csrr", "d,c")},
    {.op = OP(CSRRS), RD(0), SAY("csrs", "c,s")},
    {.op = OP(CSRRW), RD(0), RS1(0), CSR(0xc00), SAY("unimp", "")},
    {.op = OP(CSRRW), RD(0), SAY("csrw", "c,s")},
    {.op = OP(CSRRC), RD(0), SAY("csrc", "c,s")},
    {.op = OP(CSRRWI), RD(0), SAY("csrw", "c,j")},
    {.op = OP(CSRRWI), SAY("csrrw", "d,c,j")},
    {.op = OP(CSRRSI), RD(0), SAY("csrs", "c,j")},
    {.op = OP(CSRRSI), SAY("csrrs", "d,c,j")},
    {.op = OP(CSRRCI), RD(0), SAY("csrc", "c,j")},
    {.op = OP(CSRRCI), SAY("csrrc", "d,c,j")},
    /* fences: imm holds fm, pred, succ */
    {.op = OP(FENCE), IMM(0x0ff), SAY("fence", "")},
    {.op = OP(FENCE), IMM(0x010), SAY("pause", "")},
    {.op = OP(FENCE), IMM(0x833), SAY("fence.tso", "")},
    {.op = OP(SFENCE_VMA), RS1(0), RS2(0), SAY("sfence.vma", "")},
    {.op = OP(SFENCE_VMA), RS2(0), SAY("sfence.vma", "s")},
    {.op = OP(HFENCE_VVMA), RS1(0), RS2(0), SAY("hfence.vvma", "")},
    {.op = OP(HFENCE_VVMA), RS2(0), SAY("hfence.vvma", "s")},
    {.op = OP(HFENCE_GVMA), RS1(0), RS2(0), SAY("hfence.gvma", "")},
    {.op = OP(HFENCE_GVMA), RS2(0), SAY("hfence.gvma", "s")},
};

static bool field_matches(uint8_t want_plus_one, unsigned have)
{
	return want_plus_one == 0 || want_plus_one - 1U == have;
}

static bool spelling_matches(const struct spelling *s, const dec_rv_insn *in, uint32_t raw)
{
	if (s->op != in->op)
		return false;
	if (s->c_mask && (in->len != 2 || (raw & s->c_mask) != s->c_match))
		return false;
	return field_matches(s->rd, in->rd) && field_matches(s->rs1, in->rs1) &&
	       field_matches(s->rs2, in->rs2) && (!s->has_imm || s->imm == in->imm) &&
	       (s->csr == 0 || s->csr - 1U == in->csr);
}

static const struct spelling *find_spelling(const dec_rv_insn *in, uint32_t raw)
{
	for (size_t i = 0; i < sizeof(spellings) / sizeof(spellings[0]); i++)
		if (spelling_matches(&spellings[i], in, raw))
			return &spellings[i];
	return NULL;
}

/* ---- Output ---------------------------------------------------------------------------------- */

/* Appends to a caller's buffer, truncating (always NUL-terminated when size > 0). */
struct text_out {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct text_out *o, const char *s)
{
	for (; *s; s++, o->len++)
		if (o->len + 1 < o->size)
			o->buf[o->len] = *s;
	if (o->size)
		o->buf[o->len < o->size ? o->len : o->size - 1] = '\0';
}

static void put_decimal(struct text_out *o, int32_t value)
{
	char digits[16];
	snprintf(digits, sizeof(digits), "%" PRId32, value);
	put(o, digits);
}

static void put_hex(struct text_out *o, uint64_t value)
{
	char digits[24];
	snprintf(digits, sizeof(digits), "0x%" PRIx64, value);
	put(o, digits);
}

static void put_fence_set(struct text_out *o, unsigned set)
{
	static const char *const letters[4] = {"i", "o", "r", "w"};
	if (set == 0) {
		put(o, "unknown");
		return;
	}
	for (unsigned i = 0; i < 4; i++)
		if (set & (8U >> i))
			put(o, letters[i]);
}

static void put_operands(struct text_out *o, const char *operands, const dec_rv_insn *in,
			 uint64_t pc)
{
	char csr[32];
	for (const char *f = operands; *f; f++) {
		switch (*f) {
		case 'd': put(o, reg_names[in->rd]); break;
		case 's': put(o, reg_names[in->rs1]); break;
		case 't': put(o, reg_names[in->rs2]); break;
		case 'j': put_decimal(o, in->imm); break;
		case '>': put_hex(o, (uint32_t)in->imm); break;
		case 'u': put_hex(o, ((uint32_t)in->imm >> 12) & 0xfffff); break;
		case 'p': put_hex(o, pc + (uint64_t)(int64_t)in->imm); break;
		case 'c':
			dec_rv_csr_name(in->csr, csr, sizeof(csr));
			put(o, csr);
			break;
		case 'P': put_fence_set(o, ((uint32_t)in->imm >> 4) & 0xf); break;
		case 'S': put_fence_set(o, (uint32_t)in->imm & 0xf); break;
		default: {
			const char literal[2] = {*f, '\0'};
			put(o, literal);
			break;
		}
		}
	}
}

/* aq/rl of LR, SC and AMOs; flags are 0 for every other instruction. */
static const char *order_suffix(const dec_rv_insn *in)
{
	static const char *const suffixes[4] = {"", ".rl", ".aq", ".aqrl"};
	return suffixes[in->flags & (DEC_RV_AQ | DEC_RV_RL)];
}

unsigned dec_rv_disasm(uint32_t raw, uint64_t pc, char *buf, size_t size)
{
	struct text_out o = {buf, size, 0};
	dec_rv_insn in;

	if (!dec_rv_decode(raw, &in)) {
		put(&o, "unknown");
		return 0;
	}
	const struct spelling *s = find_spelling(&in, raw);
	const char *operands = s ? s->operands : default_operands[in.op];
	put(&o, s ? s->mnemonic : dec_rv_op_name(in.op));
	put(&o, order_suffix(&in));
	if (*operands) {
		put(&o, " ");
		put_operands(&o, operands, &in, pc);
	}
	return in.len;
}
