/* trapscope — register and field decoders (pure functions, no state).
 *
 * One decoded register is a tree of fields stored flat in pre-order: each field carries its
 * depth, and the fields that follow it with a greater depth are its subfields. Text, JSON and
 * the REPL all render that one tree. Strings that need formatting live in a fixed arena inside
 * the result, so decoding never allocates and a result is freed as one block. Its strings point
 * into that same block: a copy made with memcpy still points at the original.
 */
#ifndef TRAPSCOPE_DECODE_H
#define TRAPSCOPE_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum dec_arch {
	DEC_ARCH_NONE = 0,
	DEC_ARCH_RISCV64,
	DEC_ARCH_AARCH64,
} dec_arch;

const char *dec_arch_name(dec_arch arch); /* "riscv64", "aarch64", "none" */

/* Backing store for formatted strings; overflow yields "…" rather than failing. */
#define DEC_TEXT_BYTES 12288
typedef struct dec_text {
	size_t used;
	char buf[DEC_TEXT_BYTES];
} dec_text;

const char *dec_text_fmt(dec_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define DEC_MAX_FIELDS 160
#define DEC_MAX_DEPTH  4

typedef struct dec_field {
	const char *name;      /* the manual's own name: "EC", "SPV", "VMID" */
	const char *long_name; /* "Exception Class" */
	const char *meaning;   /* what this value means, in plain words */
	uint64_t value;	       /* bits [lsb+width-1:lsb] of the register */
	uint8_t lsb;
	uint8_t width;
	uint8_t depth; /* 0 = top-level field; subfields follow their parent with depth + 1 */
	bool warn;     /* reserved / read-only-zero bits set, misaligned root, ... */
} dec_field;

typedef struct dec_reg {
	const char *name; /* display name: "ESR_EL2", "scause" */
	uint64_t value;
	const char *summary; /* one line */
	const char *hint;    /* what a hypervisor does with this value */
	unsigned nfields;
	unsigned depth; /* nesting level for the next dec_field_add */
	dec_field fields[DEC_MAX_FIELDS];
	dec_text text;
} dec_reg;

void dec_reg_init(dec_reg *r, const char *name, uint64_t value);

/* Appends a field at the current depth. value = bits [lsb+width-1:lsb] of r->value. meaning
 * may be NULL (rendered as empty). Returns NULL only when the field table is full. */
dec_field *dec_field_add(dec_reg *r, const char *name, const char *long_name, unsigned lsb,
			 unsigned width, const char *meaning);
/* Fields added between push and pop are subfields of the last field added. */
void dec_push(dec_reg *r);
void dec_pop(dec_reg *r);

/* Formats into r->text. */
const char *dec_fmt(dec_reg *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static inline uint64_t dec_bits(uint64_t v, unsigned lsb, unsigned width)
{
	return width >= 64 ? v >> lsb : (v >> lsb) & ((UINT64_C(1) << width) - 1);
}

/* Index one past the last subfield of fields[i] (pre-order storage). */
unsigned dec_field_end(const dec_reg *r, unsigned i);

/* ---- The register table --------------------------------------------------------------- */

typedef struct dec_ctx dec_ctx;
typedef struct dec_regdef dec_regdef;

typedef void dec_reg_fn(dec_reg *out, const dec_regdef *def, uint64_t value, const dec_ctx *ctx);

struct dec_regdef {
	const char *name;    /* lower-case input name: "esr", "esr_el1", "scause" */
	const char *key;     /* identity shared by aliases, used to look values up: "esr" */
	const char *display; /* shown name: "ESR_EL2" */
	dec_arch arch;
	unsigned bits; /* the value must fit in this many bits (32 or 64) */
	int variant;   /* decoder-specific: exception level, status-register view, ... */
	dec_reg_fn *decode;
};

/* Tables per architecture, terminated by an entry with name == NULL. */
extern const dec_regdef dec_rv_regdefs[];
extern const dec_regdef dec_a64_regdefs[];

/* Case-insensitive lookup in one architecture's table, or in both (riscv64 first) when arch
 * is DEC_ARCH_NONE. */
const dec_regdef *dec_regdef_find(const char *name, dec_arch arch);
/* The table of one architecture. */
const dec_regdef *dec_regdefs(dec_arch arch);

/* Every value the user gave, so decoders and the explainer can combine them. */
#define DEC_CTX_MAX 64
struct dec_ctx {
	dec_arch arch;
	unsigned n;
	struct {
		const dec_regdef *def;
		uint64_t value;
	} item[DEC_CTX_MAX];
};

/* Value given under this key (any alias), or false. */
bool dec_ctx_get(const dec_ctx *ctx, const char *key, uint64_t *value);
/* The definition the value under this key was given with, or NULL. */
const dec_regdef *dec_ctx_def(const dec_ctx *ctx, const char *key);

/* ---- Derived facts and diagnosis over all given values --------------------------------- */

#define DEC_MAX_DERIVED	  32
#define DEC_MAX_DIAGNOSIS 32

typedef struct dec_derived {
	const char *key;   /* JSON key: "gpa", "ipa", "instruction", "access" */
	const char *value; /* "0x80001004", "lw a0,8(a1)"; 64-bit numbers as hex strings */
	const char *how;   /* how it was derived: "(htval << 2) | (stval & 3)" */
} dec_derived;

typedef struct dec_report {
	unsigned nderived;
	unsigned ndiagnosis;
	dec_derived derived[DEC_MAX_DERIVED];
	const char *diagnosis[DEC_MAX_DIAGNOSIS];
	dec_text text;
} dec_report;

void dec_report_init(dec_report *rep);
void dec_derive(dec_report *rep, const char *key, const char *value, const char *how);
void dec_diagnose(dec_report *rep, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Fills rep from ctx: dispatches on ctx->arch. */
void dec_explain(const dec_ctx *ctx, dec_report *rep);
void dec_rv_explain(const dec_ctx *ctx, dec_report *rep);
void dec_a64_explain(const dec_ctx *ctx, dec_report *rep);

/* Plain name of a RISC-V cause value (interrupt bit 63 included): "load guest-page fault". */
const char *dec_rv_cause_name(dec_text *t, uint64_t cause);

/* ---- Instruction text ----------------------------------------------------------------- */

/* RISC-V (own decoder, spelled as GNU objdump spells it). Returns the instruction length in
 * bytes (2 or 4), or 0 when raw is no instruction trapscope implements; buf then holds
 * "unknown". pc is used for branch and jump targets. */
unsigned dec_rv_disasm(uint32_t raw, uint64_t pc, char *buf, size_t size);

/* AArch64 (Capstone). Returns false, with buf = "unknown", when Capstone does not know raw. */
bool dec_a64_disasm(uint32_t raw, uint64_t pc, char *buf, size_t size);

#endif
