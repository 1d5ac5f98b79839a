/* HPFAR_EL2, FAR_EL2, ELR_EL2, HCR_EL2, VTCR_EL2, VTTBR_EL2, SPSR_EL2, SCTLR_EL1, MIDR_EL1,
 * and the field helpers every AArch64 decoder uses. Bit layouts follow DDI0487 L.a. */
#include "a64.h"

#include <stdio.h>
#include <string.h>

/* ---- Field helpers ------------------------------------------------------------------------ */

dec_field *dec_a64_flag(dec_reg *r, const char *name, const char *long_name, unsigned bit,
			const char *if_clear, const char *if_set)
{
	return dec_field_add(r, name, long_name, bit, 1,
			     dec_bits(r->value, bit, 1) ? if_set : if_clear);
}

dec_field *dec_a64_enum(dec_reg *r, const char *name, const char *long_name, unsigned lsb,
			unsigned width, const char *const *names, size_t count)
{
	uint64_t v = dec_bits(r->value, lsb, width);
	const char *meaning = v < count ? names[v] : NULL;
	dec_field *f =
	    dec_field_add(r, name, long_name, lsb, width, meaning ? meaning : "reserved encoding");

	if (f && !meaning)
		f->warn = true;
	return f;
}

void dec_a64_res0_always(dec_reg *r, unsigned lsb, unsigned width)
{
	bool set = dec_bits(r->value, lsb, width) != 0;
	dec_field *f = dec_field_add(r, "RES0", "Reserved, RES0", lsb, width,
				     set ? "reserved bits are set: they should be zero"
					 : "reserved, zero as required");
	if (f)
		f->warn = set;
}

void dec_a64_res0(dec_reg *r, unsigned lsb, unsigned width)
{
	if (dec_bits(r->value, lsb, width))
		dec_a64_res0_always(r, lsb, width);
}

/* A register described by a table of fields, most significant first. */
typedef struct dec_a64_field_desc {
	const char *name, *long_name;
	const char *clear, *set;   /* meaning of a one-bit field, or of any nonzero value */
	const char *const *values; /* meaning per value of a multi-bit field, when listed */
	uint8_t nvalues;
	uint8_t lsb, width;
	bool res0, res1;
} dec_a64_field_desc;

#define A64_RES0(hi, lo)                                                                           \
	{                                                                                          \
		.lsb = (lo), .width = (hi) - (lo) + 1, .res0 = true                                \
	}
#define A64_RES1(bit)                                                                              \
	{                                                                                          \
		.lsb = (bit), .width = 1, .res1 = true                                             \
	}
#define A64_BIT(bit, n, ln, c, s)                                                                  \
	{                                                                                          \
		.name = (n), .long_name = (ln), .clear = (c), .set = (s), .lsb = (bit), .width = 1 \
	}
#define A64_ENUM(hi, lo, n, ln, v)                                                                 \
	{                                                                                          \
		.name = (n), .long_name = (ln), .values = (v), .nvalues = A64_COUNT(v),            \
		.lsb = (lo), .width = (hi) - (lo) + 1                                              \
	}
#define A64_FIELD(hi, lo, n, ln, c, s)                                                             \
	{                                                                                          \
		.name = (n), .long_name = (ln), .clear = (c), .set = (s), .lsb = (lo),             \
		.width = (hi) - (lo) + 1                                                           \
	}

static void dec_a64_res1(dec_reg *r, unsigned bit)
{
	bool set = dec_bits(r->value, bit, 1);
	dec_field *f = dec_field_add(r, "RES1", "Reserved, RES1", bit, 1,
				     set ? "reserved, one as required"
					 : "reserved bit is clear: software should write 1 here");
	if (f)
		f->warn = !set;
}

static void dec_a64_fields_from_table(dec_reg *r, const dec_a64_field_desc *d, size_t n)
{
	for (size_t i = 0; i < n; i++, d++) {
		uint64_t v = dec_bits(r->value, d->lsb, d->width);

		if (d->res0)
			dec_a64_res0(r, d->lsb, d->width);
		else if (d->res1)
			dec_a64_res1(r, d->lsb);
		else if (d->values)
			dec_a64_enum(r, d->name, d->long_name, d->lsb, d->width, d->values,
				     d->nvalues);
		else
			dec_field_add(r, d->name, d->long_name, d->lsb, d->width,
				      v ? d->set : d->clear);
	}
}

/* "VM TSC RW": names of the one-bit fields that are set, lowest bit first. */
static const char *dec_a64_set_bit_names(dec_reg *r, const dec_a64_field_desc *d, size_t n)
{
	const char *list = "";

	for (size_t i = n; i-- > 0;)
		if (d[i].name && d[i].width == 1 && dec_bits(r->value, d[i].lsb, 1))
			list = dec_fmt(r, "%s%s%s", list, list[0] ? " " : "", d[i].name);
	return list;
}

/* ---- HPFAR_EL2 ---------------------------------------------------------------------------- */

void dec_a64_decode_hpfar(dec_reg *r, const dec_regdef *def, uint64_t value, const dec_ctx *ctx)
{
	uint64_t page = dec_a64_hpfar_to_ipa_page(value), far;
	bool have_far = ctx && dec_ctx_get(ctx, "far", &far);

	dec_reg_init(r, def->display, value);
	dec_a64_flag(r, "NS", "Non-secure IPA", 63, "Non-secure EL2 or Secure IPA space",
		     "Secure EL2 only: the faulting IPA is in the Non-secure IPA space");
	dec_a64_res0(r, 48, 15);
	dec_field_add(r, "FIPA", "Faulting IPA, bits [55:12]", 4, 44,
		      dec_fmt(r,
			      "the guest-physical page that faulted: FIPA << 12 = 0x%llx (bits "
			      "above the implemented IPA size read as zero)",
			      (unsigned long long)page));
	dec_a64_res0(r, 0, 4);
	if (have_far)
		r->summary =
		    dec_fmt(r, "faulting IPA 0x%llx (page 0x%llx + FAR_EL2[11:0] = 0x%llx)",
			    (unsigned long long)(page | (far & 0xfff)), (unsigned long long)page,
			    (unsigned long long)(far & 0xfff));
	else
		r->summary = dec_fmt(r, "faulting IPA page 0x%llx (add FAR_EL2[11:0] for the byte)",
				     (unsigned long long)page);
	r->hint = "KVM computes fault_ipa = (HPFAR_EL2 & HPFAR_MASK) << 8 and adds FAR_EL2[11:0] "
		  "for MMIO. HPFAR_EL2 is valid only for stage-2 faults (translation, access "
		  "flag, permission, address size) and for faults on a stage-1 table walk; "
		  "otherwise KVM and arm_vcpu recompute it from FAR with AT S1E1R.";
}

/* ---- FAR_EL2 and ELR_EL2 ------------------------------------------------------------------ */

static const char *dec_a64_va_region(dec_reg *r, uint64_t va)
{
	unsigned top16 = (unsigned)(va >> 48), byte = (unsigned)(va >> 56);
	unsigned ext = dec_bits(va, 55, 1) ? 0xff : 0;

	if (top16 == 0)
		return "lower VA range (TTBR0: user space, or an identity-mapped kernel), "
		       "canonical "
		       "for 48-bit VAs";
	if (top16 == 0xffff)
		return "upper VA range (TTBR1: kernel space), canonical for 48-bit VAs";
	if (dec_bits(va, 48, 8) == ext)
		return dec_fmt(r,
			       "tagged pointer: the top byte 0x%02x is a tag (Top Byte Ignore or "
			       "MTE) over a %s-range VA",
			       byte, ext ? "upper" : "lower");
	return "not canonical for a 48-bit VA: a 52-bit VA, a wild pointer, or an UNKNOWN FAR "
	       "(ESR.FnV = 1)";
}

void dec_a64_decode_far(dec_reg *r, const dec_regdef *def, uint64_t value, const dec_ctx *ctx)
{
	uint64_t esr;
	bool fnv =
	    ctx && dec_ctx_get(ctx, "esr", &esr) &&
	    (dec_a64_ec_is_dabt(dec_a64_esr_ec(esr)) || dec_a64_ec_is_iabt(dec_a64_esr_ec(esr))) &&
	    dec_bits(esr, 10, 1);
	dec_field *f;

	dec_reg_init(r, def->display, value);
	f = dec_field_add(r, "VA", "Faulting virtual address", 0, 64,
			  fnv ? "not valid: ESR.FnV is 1, so this value is UNKNOWN"
			      : dec_a64_va_region(r, value));
	if (f)
		f->warn = fnv;
	dec_push(r);
	dec_field_add(r, "Top byte", "Bits [63:56]", 56, 8,
		      "a tag when Top Byte Ignore is on, else a copy of bit 55");
	dec_field_add(r, "Page offset", "Bits [11:0]", 0, 12,
		      "offset within a 4 KB page: the part of FAR that KVM adds to the HPFAR_EL2 "
		      "page");
	dec_pop(r);
	r->summary = dec_fmt(r, "VA 0x%llx (%s)", (unsigned long long)value,
			     fnv ? "UNKNOWN: FnV is set" : dec_a64_va_region(r, value));
	r->hint =
	    "For a stage-2 abort FAR_EL2 holds the guest's virtual address, which means "
	    "nothing to the hypervisor: KVM and arm_vcpu use only FAR[11:0] and take the page "
	    "from HPFAR_EL2. FAR is UNKNOWN when ESR.FnV is 1.";
}

/* How far ELR_EL2 must move to skip the trapping instruction, or 0 when it already points
 * past it (HVC, SVC) or when the trap does not resume after it. */
static unsigned dec_a64_elr_skip(uint64_t esr)
{
	switch (dec_a64_esr_ec(esr)) {
	case A64_EC_DABT_LOW:
	case A64_EC_SYS64:
	case A64_EC_SMC32:
	case A64_EC_SMC64:
	case A64_EC_WFX:
	case A64_EC_CP15_32:
	case A64_EC_CP15_64:
	case A64_EC_CP14_MR:
	case A64_EC_CP14_LS:
	case A64_EC_CP14_64:
	case A64_EC_CP10_ID: return dec_bits(esr, 25, 1) ? 4 : 2;
	default: return 0;
	}
}

void dec_a64_decode_elr(dec_reg *r, const dec_regdef *def, uint64_t value, const dec_ctx *ctx)
{
	uint64_t esr, spsr;
	bool aarch32 = ctx && dec_ctx_get(ctx, "spsr", &spsr) && dec_bits(spsr, 4, 1);
	bool misaligned = aarch32 ? (value & 1) != 0 : (value & 3) != 0;
	dec_field *f;

	dec_reg_init(r, def->display, value);
	f = dec_field_add(r, "ADDR", "Return address", 0, 64,
			  misaligned ? "misaligned for the state it returns to: ERET would take a "
				       "PC alignment fault"
				     : "where ERET resumes the guest");
	if (f)
		f->warn = misaligned;
	r->summary = dec_fmt(r, "return address 0x%llx", (unsigned long long)value);
	if (ctx && dec_ctx_get(ctx, "esr", &esr)) {
		uint64_t next = value + dec_a64_elr_skip(esr);
		if (next != value)
			r->summary = dec_fmt(r,
					     "0x%llx: the trapping instruction; resume at 0x%llx "
					     "after emulating it",
					     (unsigned long long)value, (unsigned long long)next);
		else if (dec_a64_esr_ec(esr) == A64_EC_HVC64 || dec_a64_esr_ec(esr) == A64_EC_HVC32)
			r->summary = dec_fmt(r, "0x%llx: already the instruction after the HVC",
					     (unsigned long long)value);
	}
	r->hint = "ERET resumes the guest at ELR_EL2. It points at the trapping instruction for "
		  "data aborts, MSR/MRS, SMC and WFx traps (the handler adds 4, or 2 for a 16-bit "
		  "T32 instruction with ESR.IL = 0), and past the instruction for HVC and SVC. "
		  "After mapping a page for a stage-2 fault, leave ELR alone so the guest retries.";
}

/* ---- HCR_EL2 ------------------------------------------------------------------------------ */

static const char *const dec_a64_bsu_names[4] = {
    "no upgrade",
    "barriers from EL1/EL0 are upgraded to at least Inner Shareable",
    "barriers from EL1/EL0 are upgraded to at least Outer Shareable",
    "barriers from EL1/EL0 are upgraded to Full system",
};

static const dec_a64_field_desc dec_a64_hcr_fields[] = {
    A64_FIELD(63, 60, "TWEDEL", "TWE Delay",
	      "a trapped WFE waits 2^(0 + 8) = 256 cycles first (when TWEDEn is 1)",
	      "a trapped WFE waits 2^(TWEDEL + 8) cycles first (when TWEDEn is 1)"),
    A64_BIT(59, "TWEDEn", "TWE Delay Enable", "the WFE trap delay is IMPLEMENTATION DEFINED",
	    "the WFE trap delay is given by TWEDEL (FEAT_TWED)"),
    A64_BIT(58, "TID5", "Trap ID group 5", "not trapped", "EL0/EL1 reads of GMID_EL1 trap"),
    A64_BIT(57, "DCT", "Default Cacheability Tagging", "untagged",
	    "with DC = 1, stage-1-off accesses are Tagged (MTE)"),
    A64_BIT(56, "ATA", "Allocation Tag Access", "EL0/EL1 Allocation Tag accesses trap",
	    "EL0/EL1 may access Allocation Tags (MTE)"),
    A64_BIT(55, "TTLBOS", "Trap TLB maintenance, Outer Shareable", "not trapped",
	    "EL1 TLBI ...OS instructions trap"),
    A64_BIT(54, "TTLBIS", "Trap TLB maintenance, Inner Shareable", "not trapped",
	    "EL1 TLBI ...IS instructions trap"),
    A64_BIT(53, "EnSCXT", "Enable SCXTNUM access", "EL0/EL1 SCXTNUM_ELx accesses trap",
	    "EL0/EL1 may access SCXTNUM_ELx"),
    A64_BIT(52, "TOCU", "Trap cache maintenance to PoU", "not trapped",
	    "EL0/EL1 cache maintenance to the Point of Unification traps"),
    A64_BIT(51, "AMVOFFEN", "Activity Monitors Virtual Offsets Enable", "offsets off",
	    "activity monitor virtual offsets are applied"),
    A64_BIT(50, "TICAB", "Trap IC IALLUIS", "not trapped", "EL1 IC IALLUIS traps"),
    A64_BIT(49, "TID4", "Trap ID group 4", "not trapped",
	    "EL0/EL1 accesses to cache ID registers (CCSIDR, CLIDR, CSSELR) trap"),
    A64_BIT(48, "GPF", "Granule Protection Faults to EL2", "GPFs go to EL3",
	    "Granule Protection Faults are routed to EL2 (FEAT_RME)"),
    A64_BIT(47, "FIEN", "Fault Injection Enable", "EL1 fault-injection registers trap",
	    "EL1 may access the RAS fault-injection registers"),
    A64_BIT(46, "FWB", "Forced Write-Back", "stage-1 and stage-2 attributes combine",
	    "stage 2 alone decides cacheability (FEAT_S2FWB)"),
    A64_BIT(45, "NV2", "Nested Virtualization 2", "off",
	    "EL1 system register accesses go to memory at VNCR_EL2 (FEAT_NV2)"),
    A64_BIT(44, "AT", "Address Translation", "not trapped",
	    "EL1 AT S1E0*/S1E1* instructions trap (nested virtualization)"),
    A64_BIT(43, "NV1", "Nested Virtualization 1", "off",
	    "with NV: the guest hypervisor runs without VHE (its EL1 register accesses trap)"),
    A64_BIT(42, "NV", "Nested Virtualization", "off",
	    "EL1 use of EL2 registers and instructions traps to EL2 (guest hypervisor)"),
    A64_BIT(41, "API", "Pointer Authentication Instructions", "PAC instructions trap (EC 0x09)",
	    "PAC instructions do not trap"),
    A64_BIT(40, "APK", "Pointer Authentication Keys", "EL1 key register accesses trap",
	    "EL1 may access the PAC key registers"),
    A64_BIT(39, "TME", "Transactional Memory Enable", "TSTART and friends are UNDEFINED at EL0/EL1",
	    "TSTART and friends are enabled at EL0/EL1"),
    A64_BIT(38, "MIOCNCE", "Mismatched Inner/Outer Cacheable Non-Coherency Enable",
	    "mismatched attributes stay coherent", "mismatched attributes may lose coherency"),
    A64_BIT(37, "TEA", "Trap External Aborts", "not routed",
	    "synchronous External aborts are routed to EL2"),
    A64_BIT(36, "TERR", "Trap Error record accesses", "not trapped",
	    "EL1 accesses to RAS error record registers trap"),
    A64_BIT(35, "TLOR", "Trap LOR registers", "not trapped",
	    "EL1 accesses to the LORegion registers trap"),
    A64_BIT(34, "E2H", "EL2 Host", "non-VHE: EL2 is a separate hypervisor world",
	    "VHE: the host kernel runs at EL2 (EL1 register names reach EL2 registers)"),
    A64_BIT(33, "ID", "Stage 2 Instruction access cacheability Disable", "normal",
	    "stage-2 instruction fetches are Non-cacheable"),
    A64_BIT(32, "CD", "Stage 2 Data access cacheability Disable", "normal",
	    "stage-2 data accesses are Non-cacheable"),
    A64_BIT(31, "RW", "Register Width", "EL1 is AArch32", "EL1 is AArch64"),
    A64_BIT(30, "TRVM", "Trap Reads of Virtual Memory controls", "not trapped",
	    "EL1 reads of SCTLR_EL1, TTBRn_EL1, TCR_EL1 ... trap"),
    A64_BIT(29, "HCD", "HVC instruction Disable", "HVC enabled",
	    "HVC is UNDEFINED (only without EL3)"),
    A64_BIT(28, "TDZ", "Trap DC ZVA", "not trapped", "EL0/EL1 DC ZVA traps"),
    A64_BIT(27, "TGE", "Trap General Exceptions", "EL1 runs normally",
	    "EL1 is off and EL0 exceptions go to EL2 (a VHE host's user space)"),
    A64_BIT(26, "TVM", "Trap Virtual Memory controls", "not trapped",
	    "EL1 writes of SCTLR_EL1, TTBRn_EL1, TCR_EL1, MAIR_EL1 ... trap"),
    A64_BIT(25, "TTLB", "Trap TLB maintenance", "not trapped", "EL1 TLBI instructions trap"),
    A64_BIT(24, "TPU", "Trap cache maintenance to PoU", "not trapped",
	    "cache maintenance to the Point of Unification traps"),
    A64_BIT(23, "TPCP", "Trap cache maintenance to PoC/PoP", "not trapped",
	    "cache maintenance to the Point of Coherency or Persistence traps"),
    A64_BIT(22, "TSW", "Trap data cache maintenance by Set/Way", "not trapped",
	    "DC ISW/CSW/CISW trap"),
    A64_BIT(21, "TACR", "Trap Auxiliary Control Registers", "not trapped",
	    "EL1 ACTLR_EL1 accesses trap"),
    A64_BIT(20, "TIDCP", "Trap IMPLEMENTATION DEFINED registers", "not trapped",
	    "EL1 accesses to IMPLEMENTATION DEFINED system registers trap"),
    A64_BIT(19, "TSC", "Trap SMC", "SMC goes to EL3 firmware",
	    "SMC traps to EL2 (EC 0x17, ELR at the SMC)"),
    A64_BIT(18, "TID3", "Trap ID group 3", "not trapped",
	    "reads of the ID_AA64*_EL1 feature registers trap"),
    A64_BIT(17, "TID2", "Trap ID group 2", "not trapped",
	    "reads of CTR_EL0, CCSIDR_EL1, CLIDR_EL1 and CSSELR_EL1 accesses trap"),
    A64_BIT(16, "TID1", "Trap ID group 1", "not trapped", "reads of REVIDR_EL1 and AIDR_EL1 trap"),
    A64_BIT(15, "TID0", "Trap ID group 0", "not trapped",
	    "reads of the AArch32 ID group 0 registers (FPSID, JIDR) trap"),
    A64_BIT(14, "TWE", "Trap WFE", "WFE runs natively", "WFE traps to EL2 (EC 0x01)"),
    A64_BIT(13, "TWI", "Trap WFI", "WFI runs natively", "WFI traps to EL2 (EC 0x01)"),
    A64_BIT(12, "DC", "Default Cacheability", "off",
	    "with the guest's MMU off, its accesses are Normal Write-Back memory"),
    A64_ENUM(11, 10, "BSU", "Barrier Shareability Upgrade", dec_a64_bsu_names),
    A64_BIT(9, "FB", "Force Broadcast", "not forced",
	    "EL1 TLB, cache and branch-predictor maintenance is broadcast Inner Shareable"),
    A64_BIT(8, "VSE", "Virtual SError pending", "none",
	    "a virtual SError is pending for the guest"),
    A64_BIT(7, "VI", "Virtual IRQ pending", "none",
	    "a virtual IRQ is pending for the guest (legacy injection)"),
    A64_BIT(6, "VF", "Virtual FIQ pending", "none", "a virtual FIQ is pending for the guest"),
    A64_BIT(5, "AMO", "SError routing", "physical SErrors go to EL1",
	    "physical SErrors go to EL2; virtual SErrors reach the guest"),
    A64_BIT(4, "IMO", "IRQ routing", "physical IRQs go to EL1",
	    "physical IRQs go to EL2; virtual IRQs reach the guest"),
    A64_BIT(3, "FMO", "FIQ routing", "physical FIQs go to EL1",
	    "physical FIQs go to EL2; virtual FIQs reach the guest"),
    A64_BIT(2, "PTW", "Protected Table Walk", "normal",
	    "a stage-1 walk that hits Device memory at stage 2 faults"),
    A64_BIT(1, "SWIO", "Set/Way Invalidation Override", "normal",
	    "DC ISW behaves as DC CISW (clean and invalidate)"),
    A64_BIT(0, "VM", "Virtualization enable",
	    "stage 2 is off: guest-physical addresses are host-physical addresses",
	    "stage-2 translation is on for EL1&0"),
};

void dec_a64_decode_hcr(dec_reg *r, const dec_regdef *def, uint64_t value, const dec_ctx *ctx)
{
	const char *set;

	(void)ctx;
	dec_reg_init(r, def->display, value);
	dec_a64_fields_from_table(r, dec_a64_hcr_fields, A64_COUNT(dec_a64_hcr_fields));
	set = dec_a64_set_bit_names(r, dec_a64_hcr_fields, A64_COUNT(dec_a64_hcr_fields));
	r->summary = set[0] ? dec_fmt(r, "set: %s", set) : "no bit set: nothing traps to EL2";
	r->hint =
	    "HCR_EL2 decides what reaches the hypervisor. KVM's guest default sets, among "
	    "others, VM, SWIO, PTW, FMO, IMO, AMO, FB, BSU (Inner Shareable), TWI, TWE, TSC, "
	    "TSW, TACR, TIDCP, TID3 and RW. arm_vcpu sets only VM, TSC and RW (plus FMO and "
	    "IMO unless interrupts pass through: 0x80080019 or 0x80080001), so WFI/WFE, cache "
	    "maintenance and ID register reads run natively and SErrors stay at EL1.";
}

/* ---- VTCR_EL2 ----------------------------------------------------------------------------- */

static const unsigned dec_a64_pa_sizes[8] = {32, 36, 40, 42, 44, 48, 52, 56};

static const char *const dec_a64_pa_names[8] = {
    "32 bits (4 GB)",
    "36 bits (64 GB)",
    "40 bits (1 TB)",
    "42 bits (4 TB)",
    "44 bits (16 TB)",
    "48 bits (256 TB)",
    "52 bits (4 PB, FEAT_LPA/LPA2)",
    "56 bits (64 PB, FEAT_D128)",
};

static const char *const dec_a64_tg0_names[4] = {"4 KB granule", "64 KB granule", "16 KB granule",
						 NULL};
static const unsigned dec_a64_granule_bits[4] = {12, 16, 14, 0};

static const char *const dec_a64_sh_names[4] = {
    "Non-shareable",
    NULL,
    "Outer Shareable",
    "Inner Shareable",
};

static const char *const dec_a64_rgn_names[4] = {
    "Normal memory, Non-cacheable",
    "Normal memory, Write-Back Read-Allocate Write-Allocate cacheable",
    "Normal memory, Write-Through Read-Allocate No Write-Allocate cacheable",
    "Normal memory, Write-Back Read-Allocate No Write-Allocate cacheable",
};

/* Start level per SL0, one row per granule (TG0 order); 4 KB SL0 = 3 needs FEAT_TTST. */
static const int dec_a64_start_levels[4][4] = {
    {2, 1, 0, 3},
    {3, 2, 1, A64_NO_LEVEL},
    {3, 2, 1, 0},
    {A64_NO_LEVEL, A64_NO_LEVEL, A64_NO_LEVEL, A64_NO_LEVEL},
};

void dec_a64_vtcr_geometry(uint64_t vtcr, dec_a64_s2_geometry *g)
{
	unsigned sl0 = (unsigned)dec_bits(vtcr, 6, 2), tg0 = (unsigned)dec_bits(vtcr, 14, 2);
	bool sl2 = dec_bits(vtcr, 33, 1), ds = dec_bits(vtcr, 32, 1);

	memset(g, 0, sizeof *g);
	g->ipa_bits = 64 - (unsigned)dec_bits(vtcr, 0, 6);
	g->granule_bits = dec_a64_granule_bits[tg0];
	g->pa_bits = dec_a64_pa_sizes[dec_bits(vtcr, 16, 3)];
	g->start_level = dec_a64_start_levels[tg0][sl0];
	/* SL2 extends SL0 for the 4 KB granule with 52-bit addresses: SL2:SL0 = 1:00 is level -1 */
	if (tg0 == 0 && sl2)
		g->start_level = ds && sl0 == 0 ? -1 : A64_NO_LEVEL;
	if (!g->granule_bits || g->start_level == A64_NO_LEVEL)
		return;

	/* Each level resolves (granule - 3) bits; the start level may concatenate up to 16
	 * tables, i.e. resolve 4 more bits (Arm ARM pseudocode AArch64.S2InconsistentSL). */
	unsigned stride = g->granule_bits - 3;
	unsigned below = (unsigned)(3 - g->start_level) * stride + g->granule_bits;

	unsigned extra = g->ipa_bits > below + stride ? g->ipa_bits - below - stride : 0;

	g->min_ipa_bits = below + 1;
	g->max_ipa_bits = below + stride + 4;
	/* beyond 16 tables the value only says how far off the configuration is */
	g->concat_tables = extra < 32 ? 1u << extra : 0;
}

bool dec_a64_s2_geometry_consistent(const dec_a64_s2_geometry *g)
{
	return g->granule_bits && g->start_level != A64_NO_LEVEL &&
	       g->ipa_bits >= g->min_ipa_bits && g->ipa_bits <= g->max_ipa_bits;
}

static const dec_a64_field_desc dec_a64_vtcr_high_fields[] = {
    A64_RES0(63, 46),
    A64_BIT(45, "HDBSS", "Hardware Dirty state tracking Structure", "off",
	    "stage-2 dirty state is logged in the HDBSS (FEAT_HDBSS)"),
    A64_BIT(44, "HAFT", "Hardware managed Access Flag for Tables", "off",
	    "hardware sets the access flag in stage-2 table descriptors (FEAT_HAFT)"),
    A64_RES0(43, 42),
    A64_BIT(41, "TL0", "TopLevel0 check", "off",
	    "stage-2 TopLevel check for TTBR0 translations (FEAT_THE)"),
    A64_BIT(40, "GCSH", "GCS hardware update", "off",
	    "stage-2 handling of Guarded Control Stack accesses (FEAT_GCS)"),
    A64_RES0(39, 39),
    A64_BIT(38, "D128", "128-bit descriptors", "64-bit stage-2 descriptors",
	    "128-bit stage-2 descriptors (FEAT_D128)"),
    A64_BIT(37, "S2POE", "Stage 2 Permission Overlay Enable", "off",
	    "stage-2 permission overlays on (FEAT_S2POE)"),
    A64_BIT(36, "S2PIE", "Stage 2 Permission Indirection Enable", "direct permissions",
	    "stage-2 indirect permissions on (FEAT_S2PIE)"),
    A64_BIT(35, "TL1", "TopLevel1 check", "off",
	    "stage-2 TopLevel check for TTBR1 translations (FEAT_THE)"),
    A64_BIT(34, "AssuredOnly", "AssuredOnly check", "off",
	    "the AssuredOnly stage-2 attribute is checked (FEAT_THE)"),
    A64_BIT(33, "SL2", "Starting Level 2nd bit", "SL0 alone gives the start level",
	    "with DS = 1 and 4 KB granule, start at level -1"),
    A64_BIT(32, "DS", "52-bit addresses with 4 KB/16 KB granules", "48-bit limit",
	    "52-bit output and input addresses (FEAT_LPA2)"),
    A64_RES1(31),
    A64_BIT(30, "NSA", "Non-secure stage 2 output Address space", "as the descriptors say",
	    "Secure EL2 only: stage-2 output addresses are Non-secure"),
    A64_BIT(29, "NSW", "Non-secure stage 2 table Walk", "as the descriptors say",
	    "Secure EL2 only: stage-2 table walks are Non-secure"),
    A64_BIT(28, "HWU62", "Hardware Use of bit 62", "bit 62 is ignored by hardware",
	    "bit 62 of stage-2 block/page descriptors is for IMPLEMENTATION DEFINED hardware use"),
    A64_BIT(27, "HWU61", "Hardware Use of bit 61", "bit 61 is ignored by hardware",
	    "bit 61 of stage-2 block/page descriptors is for IMPLEMENTATION DEFINED hardware use"),
    A64_BIT(26, "HWU60", "Hardware Use of bit 60", "bit 60 is ignored by hardware",
	    "bit 60 of stage-2 block/page descriptors is for IMPLEMENTATION DEFINED hardware use"),
    A64_BIT(25, "HWU59", "Hardware Use of bit 59", "bit 59 is ignored by hardware",
	    "bit 59 of stage-2 block/page descriptors is for IMPLEMENTATION DEFINED hardware use"),
    A64_RES0(24, 23),
    A64_BIT(22, "HD", "Hardware Dirty state update", "software manages the dirty state",
	    "hardware updates the dirty state of stage-2 descriptors (FEAT_HAFDBS)"),
    A64_BIT(21, "HA", "Hardware Access flag update", "software manages the access flag",
	    "hardware sets the access flag of stage-2 descriptors (FEAT_HAFDBS)"),
    A64_RES0(20, 20),
    A64_BIT(19, "VS", "VMID Size", "8-bit VMID", "16-bit VMID (FEAT_VMID16)"),
    A64_ENUM(18, 16, "PS", "Physical address Size of the stage-2 output", dec_a64_pa_names),
    A64_ENUM(15, 14, "TG0", "Granule size", dec_a64_tg0_names),
    A64_ENUM(13, 12, "SH0", "Shareability of stage-2 table walks", dec_a64_sh_names),
    A64_ENUM(11, 10, "ORGN0", "Outer cacheability of stage-2 table walks", dec_a64_rgn_names),
    A64_ENUM(9, 8, "IRGN0", "Inner cacheability of stage-2 table walks", dec_a64_rgn_names),
};

static const char *dec_a64_start_level_text(dec_reg *r, const dec_a64_s2_geometry *g)
{
	if (g->start_level == A64_NO_LEVEL || !g->granule_bits)
		return "reserved for this granule size";
	if (!dec_a64_s2_geometry_consistent(g))
		return dec_fmt(r,
			       "start level %d, which resolves %u..%u IPA bits, not the %u that "
			       "T0SZ gives",
			       g->start_level, g->min_ipa_bits, g->max_ipa_bits, g->ipa_bits);
	return dec_fmt(r, "start level %d (%d levels of tables, %u concatenated at the start)",
		       g->start_level, 4 - g->start_level, g->concat_tables);
}

void dec_a64_decode_vtcr(dec_reg *r, const dec_regdef *def, uint64_t value, const dec_ctx *ctx)
{
	dec_a64_s2_geometry g;
	bool ok;
	dec_field *f;

	(void)ctx;
	dec_reg_init(r, def->display, value);
	dec_a64_vtcr_geometry(value, &g);
	ok = dec_a64_s2_geometry_consistent(&g);
	dec_a64_fields_from_table(r, dec_a64_vtcr_high_fields, A64_COUNT(dec_a64_vtcr_high_fields));
	f = dec_field_add(r, "SL0", "Starting Level of the stage-2 walk", 6, 2,
			  dec_a64_start_level_text(r, &g));
	if (f)
		f->warn = !ok;
	f = dec_field_add(
	    r, "T0SZ", "Size offset of the IPA space", 0, 6,
	    dec_fmt(r, "IPA size = 64 - %u = %u bits%s", 64 - g.ipa_bits, g.ipa_bits,
		    g.pa_bits && g.ipa_bits > g.pa_bits ? ", wider than the output size PS" : ""));
	if (f)
		f->warn = !ok;
	if (!g.granule_bits || g.start_level == A64_NO_LEVEL)
		r->summary = dec_fmt(r, "%u-bit IPA, reserved granule or start level", g.ipa_bits);
	else
		r->summary = dec_fmt(r,
				     "%u-bit IPA, %u KB granule, start level %d, PS %u bits, "
				     "%u-bit VMID%s",
				     g.ipa_bits, 1u << (g.granule_bits - 10), g.start_level,
				     g.pa_bits, dec_bits(value, 19, 1) ? 16 : 8,
				     ok ? ""
					: dec_fmt(r,
						  ": inconsistent, start level %d resolves "
						  "%u..%u IPA bits",
						  g.start_level, g.min_ipa_bits, g.max_ipa_bits));
	r->hint =
	    "VTCR_EL2 shapes the stage-2 walk: T0SZ gives the IPA size, SL0 (with TG0) the "
	    "level the walk starts at, PS the output address size. T0SZ and SL0 must agree "
	    "or every stage-2 walk faults. arm_vcpu programs 0x53590 (48-bit IPA, level 0) "
	    "for PA sizes of 44 bits and more, else 0x23559 (39-bit IPA, level 1); both leave "
	    "the RES1 bit 31 clear, which KVM sets.";
}

/* ---- VTTBR_EL2 ---------------------------------------------------------------------------- */

void dec_a64_decode_vttbr(dec_reg *r, const dec_regdef *def, uint64_t value, const dec_ctx *ctx)
{
	uint64_t vtcr, baddr = value & UINT64_C(0x0000FFFFFFFFFFFE);
	bool have_vtcr = ctx && dec_ctx_get(ctx, "vtcr", &vtcr);
	unsigned vmid = (unsigned)dec_bits(value, 48, 16);
	dec_field *f;

	dec_reg_init(r, def->display, value);
	f = dec_field_add(r, "VMID", "Virtual Machine Identifier", 48, 16,
			  dec_fmt(r, "VMID %u: tags this guest's TLB entries", vmid));
	if (f && have_vtcr && !dec_bits(vtcr, 19, 1) && vmid > 0xff) {
		f->meaning = "VTCR_EL2.VS selects 8-bit VMIDs, but bits [63:56] are set";
		f->warn = true;
	}
	f = dec_field_add(r, "BADDR", "Stage-2 root table base address", 1, 47,
			  dec_fmt(r,
				  "root table at 0x%llx (with 52-bit PAs, bits [5:2] hold "
				  "PA[51:48])",
				  (unsigned long long)baddr));
	if (f && have_vtcr) {
		dec_a64_s2_geometry g;
		dec_a64_vtcr_geometry(vtcr, &g);
		uint64_t size = g.granule_bits ? (uint64_t)g.concat_tables << g.granule_bits : 0;
		if (size && (baddr & (size - 1)) && g.pa_bits <= 48) {
			f->meaning = dec_fmt(r,
					     "root table at 0x%llx is not aligned to its %llu-byte "
					     "size (%u concatenated tables)",
					     (unsigned long long)baddr, (unsigned long long)size,
					     g.concat_tables);
			f->warn = true;
		}
	}
	dec_a64_flag(r, "CnP", "Common not Private", 0, "TLB entries are private to this PE",
		     "TLB entries may be shared with other PEs using the same VMID and tables");
	r->summary =
	    dec_fmt(r, "VMID %u, stage-2 root table at 0x%llx", vmid, (unsigned long long)baddr);
	r->hint = "VTTBR_EL2 names the guest: its stage-2 tables and its VMID. Changing the tables "
		  "needs TLBI IPAS2E1IS + TLBI VMALLE1IS (or TLBI ALLE1) for that VMID. arm_vcpu "
		  "writes the root address with VMID 0 for every guest and flushes everything on "
		  "each entry.";
}

/* ---- SPSR_EL2 ----------------------------------------------------------------------------- */

static const char *const dec_a64_spsr_modes[32] = {
    [0x00] = "EL0t",
    [0x04] = "EL1t",
    [0x05] = "EL1h",
    [0x08] = "EL2t",
    [0x09] = "EL2h",
    [0x0C] = "EL3t",
    [0x0D] = "EL3h",
    [0x10] = "AArch32 User",
    [0x11] = "AArch32 FIQ",
    [0x12] = "AArch32 IRQ",
    [0x13] = "AArch32 Supervisor",
    [0x16] = "AArch32 Monitor",
    [0x17] = "AArch32 Abort",
    [0x1A] = "AArch32 Hyp",
    [0x1B] = "AArch32 Undefined",
    [0x1F] = "AArch32 System",
};

const char *dec_a64_spsr_mode_name(unsigned m)
{
	const char *name = dec_a64_spsr_modes[m & 31];
	return name ? name : "reserved (an ERET to it is an illegal exception return)";
}

static const char *const dec_a64_btype_values[4] = {
    "0b00: no branch-target check pending",
    "0b01: BR with x16/x17, or BR from a non-guarded page",
    "0b10: BLR",
    "0b11: BR with another register, from a guarded page",
};

static const dec_a64_field_desc dec_a64_spsr64_fields[] = {
    A64_RES0(63, 36),
    A64_BIT(35, "PACM", "PACM", "clear", "PSTATE.PACM set (FEAT_PAuth_LR)"),
    A64_BIT(34, "EXLOCK", "Exception return state lock", "clear",
	    "ELR/SPSR are locked by GCS (FEAT_GCS)"),
    A64_BIT(33, "PPEND", "PMU exception pending", "none",
	    "a PMU exception is pending (FEAT_SEBEP)"),
    A64_BIT(32, "PM", "PMU exception mask", "not masked", "PMU exceptions masked (FEAT_EBEP)"),
    A64_BIT(31, "N", "Negative flag", "0", "1"),
    A64_BIT(30, "Z", "Zero flag", "0", "1"),
    A64_BIT(29, "C", "Carry flag", "0", "1"),
    A64_BIT(28, "V", "Overflow flag", "0", "1"),
    A64_RES0(27, 26),
    A64_BIT(25, "TCO", "Tag Check Override", "tag checks on", "tag checks overridden (MTE)"),
    A64_BIT(24, "DIT", "Data Independent Timing", "off", "on"),
    A64_BIT(23, "UAO", "User Access Override", "off", "unprivileged loads/stores act as normal"),
    A64_BIT(22, "PAN", "Privileged Access Never", "EL1 may access user memory",
	    "EL1 accesses to user memory fault"),
    A64_BIT(21, "SS", "Software Step", "not stepping",
	    "software step active: the next instruction will be stepped"),
    A64_BIT(20, "IL", "Illegal Execution state", "legal",
	    "illegal execution state: the next instruction takes an Illegal state exception"),
    A64_RES0(19, 14),
    A64_BIT(13, "ALLINT", "All interrupts mask", "not masked",
	    "IRQ and FIQ masked, including superpriority (FEAT_NMI)"),
    A64_BIT(12, "SSBS", "Speculative Store Bypass Safe", "store bypass not allowed",
	    "speculative store bypass allowed"),
    A64_ENUM(11, 10, "BTYPE", "Branch Type", dec_a64_btype_values),
    A64_BIT(9, "D", "Debug mask", "debug exceptions enabled", "debug exceptions masked"),
    A64_BIT(8, "A", "SError mask", "SErrors enabled", "SErrors masked"),
    A64_BIT(7, "I", "IRQ mask", "IRQs enabled", "IRQs masked"),
    A64_BIT(6, "F", "FIQ mask", "FIQs enabled", "FIQs masked"),
    A64_RES0(5, 5),
};

static const dec_a64_field_desc dec_a64_spsr32_fields[] = {
    A64_RES0(63, 34),
    A64_BIT(33, "PPEND", "PMU exception pending", "none",
	    "a PMU exception is pending (FEAT_SEBEP)"),
    A64_RES0(32, 32),
    A64_BIT(31, "N", "Negative flag", "0", "1"),
    A64_BIT(30, "Z", "Zero flag", "0", "1"),
    A64_BIT(29, "C", "Carry flag", "0", "1"),
    A64_BIT(28, "V", "Overflow flag", "0", "1"),
    A64_BIT(27, "Q", "Saturation flag", "0", "1"),
    A64_FIELD(26, 25, "IT[1:0]", "If-Then state, low bits", "no IT block in progress",
	      "inside an IT block"),
    A64_BIT(24, "DIT", "Data Independent Timing", "off", "on"),
    A64_BIT(23, "SSBS", "Speculative Store Bypass Safe", "store bypass not allowed",
	    "speculative store bypass allowed"),
    A64_BIT(22, "PAN", "Privileged Access Never", "PL1 may access user memory",
	    "PL1 accesses to user memory fault"),
    A64_BIT(21, "SS", "Software Step", "not stepping", "software step active"),
    A64_BIT(20, "IL", "Illegal Execution state", "legal", "illegal execution state"),
    A64_FIELD(19, 16, "GE", "Greater than or Equal flags", "all clear",
	      "SIMD greater-or-equal flags set by the last parallel add/subtract"),
    A64_FIELD(15, 10, "IT[7:2]", "If-Then state, high bits", "no IT block in progress",
	      "inside an IT block"),
    A64_BIT(9, "E", "Endianness", "little-endian data", "big-endian data"),
    A64_BIT(8, "A", "SError mask", "SErrors enabled", "SErrors masked"),
    A64_BIT(7, "I", "IRQ mask", "IRQs enabled", "IRQs masked"),
    A64_BIT(6, "F", "FIQ mask", "FIQs enabled", "FIQs masked"),
    A64_BIT(5, "T", "T32 state", "A32 instructions", "T32 (Thumb) instructions"),
};

static const char *dec_a64_spsr_masks(dec_reg *r, bool aarch32)
{
	static const char *const names[] = {"D", "A", "I", "F"};
	const char *masked = "";

	for (unsigned i = aarch32 ? 1 : 0; i < 4; i++)
		if (dec_bits(r->value, 9 - i, 1))
			masked = dec_fmt(r, "%s%s", masked, names[i]);
	return masked[0] ? dec_fmt(r, "%s masked", masked) : "no exception masked";
}

void dec_a64_decode_spsr(dec_reg *r, const dec_regdef *def, uint64_t value, const dec_ctx *ctx)
{
	bool aarch32 = dec_bits(value, 4, 1);
	unsigned mode = (unsigned)dec_bits(value, 0, 5);
	dec_field *f;

	(void)ctx;
	dec_reg_init(r, def->display, value);
	if (aarch32)
		dec_a64_fields_from_table(r, dec_a64_spsr32_fields,
					  A64_COUNT(dec_a64_spsr32_fields));
	else
		dec_a64_fields_from_table(r, dec_a64_spsr64_fields,
					  A64_COUNT(dec_a64_spsr64_fields));
	dec_a64_flag(r, "M[4]", "Execution state", 4, "AArch64", "AArch32");
	f = dec_field_add(r, "M[3:0]",
			  aarch32 ? "AArch32 mode" : "Exception level and stack pointer", 0, 4,
			  dec_a64_spsr_mode_name(mode));
	if (f && !dec_a64_spsr_modes[mode])
		f->warn = true;
	r->summary = dec_fmt(r, "%s, %s, NZCV=%u%u%u%u%s%s", dec_a64_spsr_mode_name(mode),
			     dec_a64_spsr_masks(r, aarch32), (unsigned)dec_bits(value, 31, 1),
			     (unsigned)dec_bits(value, 30, 1), (unsigned)dec_bits(value, 29, 1),
			     (unsigned)dec_bits(value, 28, 1),
			     dec_bits(value, 20, 1) ? ", illegal state (IL)" : "",
			     dec_bits(value, 21, 1) ? ", software step (SS)" : "");
	r->hint = "SPSR_EL2 is the guest's PSTATE at the moment it trapped; ERET restores it. "
		  "'h' modes use SP_ELx, 't' modes SP_EL0. KVM and arm_vcpu both start a vCPU with "
		  "0x3C5: EL1h with D, A, I and F masked.";
}

/* ---- SCTLR_EL1 ---------------------------------------------------------------------------- */

static const char *const dec_a64_tcf_names[4] = {
    "tag check faults have no effect",
    "tag check faults are synchronous exceptions",
    "tag check faults are recorded asynchronously (TFSR)",
    "asymmetric: reads synchronous, writes asynchronous",
};

static const dec_a64_field_desc dec_a64_sctlr_fields[] = {
    A64_BIT(63, "TIDCP", "Trap IMPLEMENTATION DEFINED registers at EL0", "not trapped",
	    "EL0 accesses to IMPLEMENTATION DEFINED registers trap (FEAT_TIDCP1)"),
    A64_BIT(62, "SPINTMASK", "SP Interrupt Mask", "off",
	    "running on SP_EL1 masks superpriority interrupts (FEAT_NMI)"),
    A64_BIT(61, "NMI", "Non-Maskable Interrupts", "off", "superpriority interrupts (FEAT_NMI)"),
    A64_BIT(60, "EnTP2", "Enable TPIDR2_EL0", "EL0 TPIDR2_EL0 accesses trap",
	    "EL0 may access TPIDR2_EL0 (SME)"),
    A64_BIT(59, "TCSO", "Tag Checking Store Only at EL1", "loads and stores checked",
	    "only stores are tag checked (FEAT_MTE_STORE_ONLY)"),
    A64_BIT(58, "TCSO0", "Tag Checking Store Only at EL0", "loads and stores checked",
	    "only stores are tag checked (FEAT_MTE_STORE_ONLY)"),
    A64_BIT(57, "EPAN", "Enhanced PAN", "off",
	    "PAN also blocks EL1 access to EL0 execute-only pages"),
    A64_BIT(56, "EnALS", "Enable LD64B/ST64B at EL0", "trap", "allowed"),
    A64_BIT(55, "EnAS0", "Enable ST64BV0 at EL0", "trap", "allowed"),
    A64_BIT(54, "EnASR", "Enable ST64BV at EL0", "trap", "allowed"),
    A64_BIT(53, "TME", "Transactional Memory at EL1", "TSTART UNDEFINED", "TSTART enabled"),
    A64_BIT(52, "TME0", "Transactional Memory at EL0", "TSTART UNDEFINED", "TSTART enabled"),
    A64_BIT(51, "TMT", "Trivial TME at EL1", "full", "TSTART always fails"),
    A64_BIT(50, "TMT0", "Trivial TME at EL0", "full", "TSTART always fails"),
    A64_FIELD(49, 46, "TWEDEL", "TWE Delay",
	      "a trapped EL0 WFE waits 2^(0 + 8) = 256 cycles first (when TWEDEn is 1)",
	      "a trapped EL0 WFE waits 2^(TWEDEL + 8) cycles first (when TWEDEn is 1)"),
    A64_BIT(45, "TWEDEn", "TWE Delay Enable", "IMPLEMENTATION DEFINED delay",
	    "delay given by TWEDEL"),
    A64_BIT(44, "DSSBS", "Default PSTATE.SSBS", "SSBS cleared on exception entry",
	    "SSBS set on exception entry to EL1"),
    A64_BIT(43, "ATA", "Allocation Tag Access at EL1", "trapped", "allowed (MTE)"),
    A64_BIT(42, "ATA0", "Allocation Tag Access at EL0", "trapped", "allowed (MTE)"),
    A64_ENUM(41, 40, "TCF", "Tag Check Fault at EL1", dec_a64_tcf_names),
    A64_ENUM(39, 38, "TCF0", "Tag Check Fault at EL0", dec_a64_tcf_names),
    A64_BIT(37, "ITFSB", "Tag Check Fault synchronization", "not synchronized",
	    "asynchronous tag check faults are synchronized on exception entry"),
    A64_BIT(36, "BT1", "PAC Branch Type compatibility at EL1",
	    "PACIASP/PACIBSP are valid targets for any indirect branch",
	    "PACIASP/PACIBSP are not valid targets for BR with BTYPE 0b11"),
    A64_BIT(35, "BT0", "PAC Branch Type compatibility at EL0",
	    "PACIASP/PACIBSP are valid targets for any indirect branch",
	    "PACIASP/PACIBSP are not valid targets for BR with BTYPE 0b11"),
    A64_BIT(34, "EnFPM", "Enable FPMR", "FPMR accesses trap", "FPMR usable (FP8)"),
    A64_BIT(33, "MSCEn", "Memory Copy and Set Enable at EL0", "CPY*/SET* UNDEFINED at EL0",
	    "CPY*/SET* allowed at EL0 (FEAT_MOPS)"),
    A64_BIT(32, "CMOW", "Cache Maintenance Overwrite", "off",
	    "EL0 cache invalidation needs write permission (FEAT_CMOW)"),
    A64_BIT(31, "EnIA", "Enable key IA", "PACIA/AUTIA are NOPs", "key IA enabled"),
    A64_BIT(30, "EnIB", "Enable key IB", "PACIB/AUTIB are NOPs", "key IB enabled"),
    A64_BIT(29, "LSMAOE", "Load/Store Multiple Atomicity and Ordering Enable", "off",
	    "AArch32 EL0 LDM/STM keep ordering and atomicity"),
    A64_BIT(28, "nTLSMD", "No Trap Load/Store Multiple to Device", "trap",
	    "AArch32 EL0 LDM/STM to Device memory do not trap"),
    A64_BIT(27, "EnDA", "Enable key DA", "PACDA/AUTDA are NOPs", "key DA enabled"),
    A64_BIT(26, "UCI", "User Cache Instructions", "EL0 cache maintenance traps",
	    "EL0 may use DC CVAU, DC CIVAC, DC CVAC, IC IVAU"),
    A64_BIT(25, "EE", "Exception Endianness (EL1)", "little-endian",
	    "EL1 data accesses and stage-1 walks are big-endian"),
    A64_BIT(24, "E0E", "Endianness of EL0", "little-endian", "big-endian"),
    A64_BIT(23, "SPAN", "Set Privileged Access Never", "PSTATE.PAN is set on exception entry",
	    "PSTATE.PAN is left unchanged on exception entry"),
    A64_BIT(22, "EIS", "Exception Entry is Context Synchronizing", "not synchronizing",
	    "exception entry is context synchronizing"),
    A64_BIT(21, "IESB", "Implicit Error Synchronization Barrier", "off",
	    "an error synchronization barrier at exception entry and return (FEAT_IESB)"),
    A64_BIT(20, "TSCXT", "Trap SCXTNUM_EL0", "EL0 may access SCXTNUM_EL0",
	    "EL0 SCXTNUM_EL0 accesses trap"),
    A64_BIT(19, "WXN", "Write permission implies XN", "off",
	    "writable memory is never executable at EL1&0"),
    A64_BIT(18, "nTWE", "No Trap WFE at EL0", "EL0 WFE traps to EL1", "EL0 WFE runs"),
    A64_RES0(17, 17),
    A64_BIT(16, "nTWI", "No Trap WFI at EL0", "EL0 WFI traps to EL1", "EL0 WFI runs"),
    A64_BIT(15, "UCT", "User Cache Type", "EL0 CTR_EL0 reads trap", "EL0 may read CTR_EL0"),
    A64_BIT(14, "DZE", "DC ZVA at EL0", "EL0 DC ZVA traps", "EL0 may use DC ZVA"),
    A64_BIT(13, "EnDB", "Enable key DB", "PACDB/AUTDB are NOPs", "key DB enabled"),
    A64_BIT(12, "I", "Instruction cache enable", "instruction fetches are Non-cacheable",
	    "instruction caching on"),
    A64_BIT(11, "EOS", "Exception Exit is Context Synchronizing", "not synchronizing",
	    "exception return is context synchronizing"),
    A64_BIT(10, "EnRCTX", "Enable restriction-by-context instructions at EL0", "trap",
	    "EL0 may use CFP/DVP/CPP RCTX"),
    A64_BIT(9, "UMA", "User Mask Access", "EL0 DAIF writes trap", "EL0 may write DAIF"),
    A64_BIT(8, "SED", "SETEND Disable", "SETEND allowed at AArch32 EL0",
	    "SETEND UNDEFINED at AArch32 EL0"),
    A64_BIT(7, "ITD", "IT Disable", "all IT forms allowed at AArch32 EL0",
	    "some IT forms UNDEFINED at AArch32 EL0"),
    A64_BIT(6, "nAA", "Non-Aligned Access", "unaligned LDAPR/STLR and friends fault",
	    "unaligned LDAPR/STLR and friends do not fault (FEAT_LSE2)"),
    A64_BIT(5, "CP15BEN", "CP15 Barrier Enable", "AArch32 EL0 CP15 barriers UNDEFINED",
	    "AArch32 EL0 CP15 barriers allowed"),
    A64_BIT(4, "SA0", "Stack Alignment check at EL0", "off", "misaligned SP at EL0 faults"),
    A64_BIT(3, "SA", "Stack Alignment check at EL1", "off", "misaligned SP at EL1 faults"),
    A64_BIT(2, "C", "Data cache enable", "data accesses are Non-cacheable", "data caching on"),
    A64_BIT(1, "A", "Alignment check", "unaligned accesses allowed to Normal memory",
	    "unaligned accesses fault"),
    A64_BIT(0, "M", "MMU enable", "stage-1 MMU off: EL1&0 addresses are used as IPAs directly",
	    "stage-1 MMU on for EL1&0"),
};

void dec_a64_decode_sctlr(dec_reg *r, const dec_regdef *def, uint64_t value, const dec_ctx *ctx)
{
	(void)ctx;
	dec_reg_init(r, def->display, value);
	dec_a64_fields_from_table(r, dec_a64_sctlr_fields, A64_COUNT(dec_a64_sctlr_fields));
	r->summary =
	    dec_fmt(r, "MMU %s, data cache %s, instruction cache %s%s",
		    dec_bits(value, 0, 1) ? "on" : "off", dec_bits(value, 2, 1) ? "on" : "off",
		    dec_bits(value, 12, 1) ? "on" : "off",
		    dec_bits(value, 25, 1) ? ", big-endian EL1" : "");
	r->hint = "SCTLR_EL1 is the guest kernel's own control register. With M = 0 every guest "
		  "address is an IPA, so early boot code hits stage 2 directly; with C = 0 its "
		  "accesses are Non-cacheable, so a hypervisor must clean caches before handing it "
		  "memory. arm_vcpu starts guests with 0x30C50830 (MMU and caches off).";
}

/* ---- MIDR_EL1 ----------------------------------------------------------------------------- */

static const char *const dec_a64_implementers[256] = {
    [0x00] = "Reserved for software use",
    [0x41] = "Arm",
    [0x42] = "Broadcom",
    [0x43] = "Cavium",
    [0x44] = "DEC",
    [0x46] = "Fujitsu",
    [0x48] = "HiSilicon",
    [0x49] = "Infineon",
    [0x4D] = "Motorola/Freescale",
    [0x4E] = "NVIDIA",
    [0x50] = "APM",
    [0x51] = "Qualcomm",
    [0x53] = "Samsung",
    [0x56] = "Marvell",
    [0x61] = "Apple",
    [0x66] = "Faraday",
    [0x69] = "Intel",
    [0x6D] = "Microsoft",
    [0x70] = "Phytium",
    [0xC0] = "Ampere",
};

typedef struct dec_a64_part {
	uint8_t implementer;
	uint16_t part;
	const char *name;
} dec_a64_part;

static const dec_a64_part dec_a64_parts[] = {
    {0x41, 0xD00, "Foundation model"},
    {0x41, 0xD01, "Cortex-A32"},
    {0x41, 0xD02, "Cortex-A34"},
    {0x41, 0xD03, "Cortex-A53"},
    {0x41, 0xD04, "Cortex-A35"},
    {0x41, 0xD05, "Cortex-A55"},
    {0x41, 0xD06, "Cortex-A65"},
    {0x41, 0xD07, "Cortex-A57"},
    {0x41, 0xD08, "Cortex-A72"},
    {0x41, 0xD09, "Cortex-A73"},
    {0x41, 0xD0A, "Cortex-A75"},
    {0x41, 0xD0B, "Cortex-A76"},
    {0x41, 0xD0C, "Neoverse N1"},
    {0x41, 0xD0D, "Cortex-A77"},
    {0x41, 0xD0E, "Cortex-A76AE"},
    {0x41, 0xD0F, "AEMv8 model"},
    {0x41, 0xD13, "Cortex-R52"},
    {0x41, 0xD15, "Cortex-R82"},
    {0x41, 0xD40, "Neoverse V1"},
    {0x41, 0xD41, "Cortex-A78"},
    {0x41, 0xD42, "Cortex-A78AE"},
    {0x41, 0xD43, "Cortex-A65AE"},
    {0x41, 0xD44, "Cortex-X1"},
    {0x41, 0xD46, "Cortex-A510"},
    {0x41, 0xD47, "Cortex-A710"},
    {0x41, 0xD48, "Cortex-X2"},
    {0x41, 0xD49, "Neoverse N2"},
    {0x41, 0xD4A, "Neoverse E1"},
    {0x41, 0xD4B, "Cortex-A78C"},
    {0x41, 0xD4C, "Cortex-X1C"},
    {0x41, 0xD4D, "Cortex-A715"},
    {0x41, 0xD4E, "Cortex-X3"},
    {0x41, 0xD4F, "Neoverse V2"},
    {0x41, 0xD80, "Cortex-A520"},
    {0x41, 0xD81, "Cortex-A720"},
    {0x41, 0xD82, "Cortex-X4"},
    {0x41, 0xD84, "Neoverse V3"},
    {0x41, 0xD85, "Cortex-X925"},
    {0x41, 0xD87, "Cortex-A725"},
    {0x41, 0xD8E, "Neoverse N3"},
    {0x42, 0x100, "Brahma B53"},
    {0x42, 0x516, "Vulcan"},
    {0x43, 0x0A1, "ThunderX"},
    {0x43, 0x0A2, "ThunderX 81xx"},
    {0x43, 0x0A3, "ThunderX 83xx"},
    {0x43, 0x0AF, "ThunderX2"},
    {0x43, 0x0B1, "OcteonTX2 98xx"},
    {0x43, 0x0B2, "OcteonTX2 96xx"},
    {0x43, 0x0B3, "OcteonTX2 95xx"},
    {0x43, 0x0B4, "OcteonTX2 95xxN"},
    {0x43, 0x0B5, "OcteonTX2 95xxMM"},
    {0x43, 0x0B6, "OcteonTX2 95xxO"},
    {0x46, 0x001, "A64FX"},
    {0x48, 0xD01, "TSV110 (Kunpeng 920)"},
    {0x48, 0xD02, "HIP09"},
    {0x48, 0xD06, "HIP12"},
    {0x4E, 0x003, "Denver"},
    {0x4E, 0x004, "Carmel"},
    {0x50, 0x000, "X-Gene"},
    {0x51, 0x001, "Oryon X1"},
    {0x51, 0x200, "Kryo"},
    {0x51, 0x800, "Kryo 2xx Gold / Falkor v1"},
    {0x51, 0x801, "Kryo 2xx Silver"},
    {0x51, 0x802, "Kryo 3xx Gold"},
    {0x51, 0x803, "Kryo 3xx Silver"},
    {0x51, 0x804, "Kryo 4xx Gold"},
    {0x51, 0x805, "Kryo 4xx Silver"},
    {0x51, 0xC00, "Falkor"},
    {0x61, 0x022, "M1 Icestorm"},
    {0x61, 0x023, "M1 Firestorm"},
    {0x61, 0x024, "M1 Pro Icestorm"},
    {0x61, 0x025, "M1 Pro Firestorm"},
    {0x61, 0x028, "M1 Max Icestorm"},
    {0x61, 0x029, "M1 Max Firestorm"},
    {0x61, 0x032, "M2 Blizzard"},
    {0x61, 0x033, "M2 Avalanche"},
    {0x61, 0x034, "M2 Pro Blizzard"},
    {0x61, 0x035, "M2 Pro Avalanche"},
    {0x61, 0x038, "M2 Max Blizzard"},
    {0x61, 0x039, "M2 Max Avalanche"},
    {0x6D, 0xD49, "Azure Cobalt 100"},
    {0xC0, 0xAC3, "Ampere-1"},
    {0xC0, 0xAC4, "Ampere-1A"},
};

static const char *const dec_a64_midr_architectures[16] = {
    [0x1] = "Armv4",
    [0x2] = "Armv4T",
    [0x3] = "Armv5 (obsolete)",
    [0x4] = "Armv5T",
    [0x5] = "Armv5TE",
    [0x6] = "Armv5TEJ",
    [0x7] = "Armv6",
    [0xF] = "architectural features are described by the ID registers",
};

static const char *dec_a64_part_name(unsigned implementer, unsigned part)
{
	for (size_t i = 0; i < A64_COUNT(dec_a64_parts); i++)
		if (dec_a64_parts[i].implementer == implementer && dec_a64_parts[i].part == part)
			return dec_a64_parts[i].name;
	return NULL;
}

void dec_a64_decode_midr(dec_reg *r, const dec_regdef *def, uint64_t value, const dec_ctx *ctx)
{
	unsigned impl = (unsigned)dec_bits(value, 24, 8), part = (unsigned)dec_bits(value, 4, 12);
	unsigned variant = (unsigned)dec_bits(value, 20, 4), rev = (unsigned)dec_bits(value, 0, 4);
	const char *impl_name = dec_a64_implementers[impl],
		   *part_name = dec_a64_part_name(impl, part);

	(void)ctx;
	dec_reg_init(r, def->display, value);
	dec_a64_res0(r, 32, 32);
	dec_field_add(r, "Implementer", "Implementer", 24, 8,
		      impl_name ? impl_name : "unknown implementer code");
	dec_field_add(r, "Variant", "Variant", 20, 4, dec_fmt(r, "major revision r%u", variant));
	dec_a64_enum(r, "Architecture", "Architecture", 16, 4, dec_a64_midr_architectures,
		     A64_COUNT(dec_a64_midr_architectures));
	dec_field_add(r, "PartNum", "Primary part number", 4, 12,
		      part_name ? part_name : "part number not in trapscope's table");
	dec_field_add(r, "Revision", "Revision", 0, 4, dec_fmt(r, "minor revision p%u", rev));
	r->summary = dec_fmt(r, "%s %s r%up%u", impl_name ? impl_name : "unknown implementer",
			     part_name ? part_name : dec_fmt(r, "part 0x%03x", part), variant, rev);
	r->hint = "Guests read MIDR_EL1 directly (it is not trapped); a hypervisor can show them "
		  "another value through VPIDR_EL2. Errata workarounds key on implementer, part "
		  "number and rNpM.";
}
