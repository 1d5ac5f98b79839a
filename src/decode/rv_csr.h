/* trapscope — what the RISC-V register decoders share with each other and with the explainer.
 * Internal to src/decode: RV64 with the H extension, XLEN = 64.
 */
#ifndef TRAPSCOPE_RV_CSR_H
#define TRAPSCOPE_RV_CSR_H

#include "decode.h"

#define RV_CAUSE_INTERRUPT (UINT64_C(1) << 63)
#define RV_BIT(n)	   (UINT64_C(1) << (n))

/* The three places a trap can be taken, each with its own set of trap CSRs. */
typedef enum dec_rv_level {
	RV_LEVEL_M,  /* mcause, mtval, mtval2, mtinst, mepc, mstatus */
	RV_LEVEL_HS, /* scause, stval, htval, htinst, sepc, hstatus */
	RV_LEVEL_VS, /* vscause, vstval: a trap the guest takes itself */
} dec_rv_level;

/* One level's trap CSRs: input keys, NULL where the level has no such register; epc is only
 * named in explanations (vsepc is no input). */
typedef struct dec_rv_trap_keys {
	const char *cause, *tval, *tval2, *tinst, *status;
	const char *epc;
	const char *mode; /* "M-mode", "HS-mode", "VS-mode" */
} dec_rv_trap_keys;

extern const dec_rv_trap_keys dec_rv_trap_keys_of[3];

/* ctx may be NULL (a register decoded on its own). */
bool dec_rv_ctx_get(const dec_ctx *ctx, const char *key, uint64_t *value);

/* ---- cause codes (dec_rv_cause.c) ---------------------------------------------------------- */

typedef struct dec_rv_exc_desc {
	const char *name; /* bit name in medeleg/hedeleg: "LOAD_GUEST_PAGE_FAULT" */
	const char *desc; /* the privileged spec's description: "Load guest-page fault" */
} dec_rv_exc_desc;

typedef struct dec_rv_irq_desc {
	const char *name; /* bit name in mideleg/hideleg: "VSTI" */
	const char *ip;	  /* bit name in the pending registers: "VSTIP" */
	const char *ie;	  /* bit name in the enable registers: "VSTIE" */
	const char *desc; /* "Virtual supervisor timer interrupt" */
} dec_rv_irq_desc;

/* Standard exception / interrupt with this code, or NULL for a reserved, custom or platform
 * code. Exception codes 24-31 and 48-63 are designated for custom use; dec_rv_exc_range names the
 * range of a nonstandard exception code. */
const dec_rv_exc_desc *dec_rv_exception(uint64_t code);
const dec_rv_irq_desc *dec_rv_interrupt(uint64_t code);
bool dec_rv_exc_custom(uint64_t code);
const char *dec_rv_exc_range(uint64_t code);

/* (dec_rv_cause_name in decode.h names a whole cause value.) */

/* Why this cause cannot be seen at this level, or NULL when it can. */
const char *dec_rv_cause_impossible(dec_rv_level level, uint64_t cause);

/* What the trap value register holds for this cause (cause NULL: not known). */
const char *dec_rv_tval_meaning(dec_text *t, dec_rv_level level, const uint64_t *cause);

/* ---- htinst / mtinst (dec_rv_htinst.c) ----------------------------------------------------- */

typedef enum dec_rv_tinst_kind {
	RV_TINST_ZERO,	      /* no information */
	RV_TINST_TRANSFORMED, /* a transformed standard load, store, atomic or HLV/HSV */
	RV_TINST_PSEUDO,      /* implicit access of the VS-stage page walk */
	RV_TINST_CUSTOM,      /* a custom instruction's value */
	RV_TINST_UNKNOWN,     /* none of the forms the specification allows */
} dec_rv_tinst_kind;

typedef enum dec_rv_access { RV_ACCESS_LOAD, RV_ACCESS_STORE, RV_ACCESS_AMO } dec_rv_access;

typedef struct dec_rv_tinst {
	dec_rv_tinst_kind kind;
	dec_rv_access access;
	const char *mnemonic; /* "lw", "hlv.d", "amoadd." (+ suffix); "" for the other kinds */
	int suffix;	      /* atomics: width suffix index (0 .b, 1 .h, 2 .w, 3 .d, 4 .q); -1 */
	const char *c_reg;    /* 16-bit forms that expand to it: "c.lw" (x8..x15 only), */
	const char *c_sp;     /* "c.lwsp" (sp-relative); NULL when there is none */
	unsigned size;	      /* bytes accessed */
	unsigned reg;	      /* rd of loads and atomics, rs2 of stores */
	unsigned addr_offset; /* bits 19:15 */
	bool fp_reg;	      /* reg is an f register */
	bool sign_extends;
	bool compressed;       /* the trapping instruction was 16 bits long */
	bool vm_access;	       /* HLV / HLVX / HSV */
	const char *violation; /* how the value breaks the specification, or NULL */
} dec_rv_tinst;

void dec_rv_tinst_parse(uint64_t value, dec_rv_tinst *t);
/* "load of 4 bytes, sign-extended, into a0 (from a compressed c.lw or c.lwsp)" */
const char *dec_rv_tinst_access_text(dec_text *text, const dec_rv_tinst *t);
/* Whether hardware may write a value of this kind for this cause. */
bool dec_rv_tinst_allowed(dec_rv_tinst_kind kind, uint64_t cause);

/* ---- SBI (dec_rv_sbi.c) -------------------------------------------------------------------- */

typedef struct dec_rv_sbi_call {
	const char *ext;    /* "HSM", "legacy", "vendor", ... or NULL when unknown */
	const char *func;   /* "hart_start", or NULL */
	const char *kvm;    /* what KVM does with it */
	const char *arceos; /* what the ArceOS riscv_vcpu crate does with it */
} dec_rv_sbi_call;

/* fid may be NULL (not given). */
void dec_rv_sbi_lookup(uint32_t eid, const uint32_t *fid, dec_rv_sbi_call *call);

/* ---- decoders (the dec_regdef entries in dec_rv_explain.c point here) --------------------- */

enum dec_rv_status_view { RV_STATUS_M = 1, RV_STATUS_S = 2, RV_STATUS_VS = 4 };
enum dec_rv_atp_kind { RV_ATP_SATP, RV_ATP_VSATP, RV_ATP_HGATP };
enum dec_rv_bitvec_kind {
	RV_BV_MEDELEG,
	RV_BV_HEDELEG,
	RV_BV_MIDELEG,
	RV_BV_HIDELEG,
	RV_BV_MIP,
	RV_BV_MIE,
	RV_BV_SIP,
	RV_BV_SIE,
	RV_BV_HIP,
	RV_BV_HIE,
	RV_BV_HVIP,
};

dec_reg_fn dec_rv_decode_cause;	 /* variant: dec_rv_level */
dec_reg_fn dec_rv_decode_tval;	 /* variant: dec_rv_level */
dec_reg_fn dec_rv_decode_tval2;	 /* htval, mtval2; variant: dec_rv_level */
dec_reg_fn dec_rv_decode_epc;	 /* variant: dec_rv_level */
dec_reg_fn dec_rv_decode_tinst;	 /* variant: dec_rv_level */
dec_reg_fn dec_rv_decode_status; /* variant: dec_rv_status_view */
dec_reg_fn dec_rv_decode_hstatus;
dec_reg_fn dec_rv_decode_atp;	 /* variant: dec_rv_atp_kind */
dec_reg_fn dec_rv_decode_bitvec; /* variant: dec_rv_bitvec_kind */
dec_reg_fn dec_rv_decode_sbi_eid;
dec_reg_fn dec_rv_decode_sbi_fid;

#endif
