/* The dispatch loop, included twice by a64_exec.c: A64_EXEC_STEP 0 gives the fast loop that
 * runs until its budget or a stop, A64_EXEC_STEP 1 the single-step loop the debugger uses. Both
 * run the same handlers; only the continuation after an instruction differs.
 *
 * Locals: rec is the current decoded slot, recs slot 0 of its page, page_va that page's virtual
 * address; the pc is page_va + 4 * (rec - recs), derived only when needed. A relative branch
 * inside the page only moves rec; only backward ones look at the clock, since straight-line
 * code always reaches one or the page end.
 */

#ifndef TRAPSCOPE_A64_EXEC_LOOP_MACROS
#define TRAPSCOPE_A64_EXEC_LOOP_MACROS

#define PC()	  (page_va + ((uint64_t)(rec - recs) << 2))
#define NEXT_PC() (PC() + 4)
/* Hands the loop's copies (icount, NZCV, the pc) to the hart before a helper runs. */
#define SYNC()	   (h->icount = icount, h->nzcv = nzcv, h->pc = PC())
#define DISPATCH() goto *labels[rec->op]
#define NEXT()                                                                                     \
	do {                                                                                       \
		icount++;                                                                          \
		if (A64_EXEC_STEP) {                                                               \
			h->pc = NEXT_PC();                                                         \
			h->nzcv = nzcv;                                                            \
			goto done;                                                                 \
		}                                                                                  \
		rec++;                                                                             \
		DISPATCH();                                                                        \
	} while (0)
/* A taken indirect branch: stay in the page when the target is in it, and look at the clock. */
#define JUMP(target)                                                                               \
	do {                                                                                       \
		uint64_t t_ = (target);                                                            \
		icount++;                                                                          \
		if (A64_EXEC_STEP || t_ - page_va >= 4096 || (t_ & 3) || icount >= limit) {        \
			h->pc = t_;                                                                \
			h->nzcv = nzcv;                                                            \
			goto boundary;                                                             \
		}                                                                                  \
		rec = recs + ((t_ - page_va) >> 2);                                                \
		DISPATCH();                                                                        \
	} while (0)
/* A relative branch: the target slot is rec + offset / 4, inside the page or not. */
#define JUMP_REL(offset)                                                                           \
	do {                                                                                       \
		int64_t off_ = (offset);                                                           \
		uintptr_t at_ = (uintptr_t)rec + (uintptr_t)((off_ >> 2) * (intptr_t)sizeof *rec); \
		icount++;                                                                          \
		if (A64_EXEC_STEP || at_ - (uintptr_t)recs >= A64_PAGE_SLOTS * sizeof *rec ||      \
		    (off_ <= 0 && icount >= limit)) {                                              \
			h->pc = PC() + (uint64_t)off_;                                             \
			h->nzcv = nzcv;                                                            \
			goto boundary;                                                             \
		}                                                                                  \
		rec = (dec_a64_insn *)at_;                                                         \
		DISPATCH();                                                                        \
	} while (0)
/* The instruction retired after SYNC() and a helper that may have changed state the loop
 * caches: continue at pc via the clock. */
#define RETIRE_TO(target)                                                                          \
	do {                                                                                       \
		h->pc = (target);                                                                  \
		icount++;                                                                          \
		goto boundary;                                                                     \
	} while (0)
/* A helper that returns false when it took an exception; otherwise the instruction retires. */
#define SLOW(call)                                                                                 \
	do {                                                                                       \
		uint64_t next_ = NEXT_PC();                                                        \
		SYNC();                                                                            \
		if (!(call))                                                                       \
			goto trapped;                                                              \
		RETIRE_TO(next_);                                                                  \
	} while (0)
#define RD   (x[rec->rd])
#define RN   (x[rec->rn])
#define RM   (x[rec->rm])
#define RA   (x[rec->ra])
#define IMM  ((uint64_t)rec->imm)
#define COND cond_holds(rec->cond, nzcv)
#define ALU(expr)                                                                                  \
	do {                                                                                       \
		RD = (expr);                                                                       \
		NEXT();                                                                            \
	} while (0)
#define BRANCH(c)                                                                                  \
	do {                                                                                       \
		if (c)                                                                             \
			JUMP_REL(rec->imm);                                                        \
		NEXT();                                                                            \
	} while (0)
#define FLAGS_ADD(w, a, b, carry) add_flags(&nzcv, (w), (a), (b), (carry))
#define FLAGS_LOGIC(w, r)	  logic_flags(&nzcv, (w), (r))
#define CARRY			  ((nzcv >> 1) & 1)
#define CCMP(w, a, b, carry)                                                                       \
	do {                                                                                       \
		if (COND)                                                                          \
			FLAGS_ADD(w, a, b, carry);                                                 \
		else                                                                               \
			nzcv = rec->nzcv;                                                          \
		NEXT();                                                                            \
	} while (0)
#define SHIFTED(w)  shift_reg(RM, rec->shift, rec->amount, (w))
#define EXTENDED(w) mask_w((w), extend_reg(RM, rec->shift, rec->amount))

/* Handlers of the ops with a 32-bit variant, by width. */
#define H_ADD_IMM(w)  ALU(mask_w(w, RN + IMM))
#define H_ADDS_IMM(w) ALU(FLAGS_ADD(w, RN, IMM, 0))
#define H_SUB_IMM(w)  ALU(mask_w(w, RN - IMM))
#define H_SUBS_IMM(w) ALU(FLAGS_ADD(w, RN, ~IMM, 1))
#define H_AND_IMM(w)  ALU(RN &IMM)
#define H_ORR_IMM(w)  ALU(mask_w(w, RN | IMM))
#define H_EOR_IMM(w)  ALU(mask_w(w, RN ^ IMM))
#define H_ANDS_IMM(w) ALU(FLAGS_LOGIC(w, RN &IMM))
#define H_MOVN(w)     ALU(mask_w(w, ~IMM))
#define H_MOVZ(w)     ALU(IMM)
#define H_MOVK(w)     ALU(mask_w(w, (RD & ~(UINT64_C(0xffff) << rec->amount)) | IMM))
#define H_SBFM(w)     ALU(sbfm(RN, rec->amount, rec->imms, w))
#define H_BFM(w)      ALU(bfm(RD, RN, rec->amount, rec->imms, w))
#define H_UBFM(w)     ALU(ubfm(RN, rec->amount, rec->imms, w))
#define H_EXTR(w)     ALU(extr(RN, RM, rec->amount, w))
#define H_CBZ(w)      BRANCH(mask_w(w, RD) == 0)
#define H_CBNZ(w)     BRANCH(mask_w(w, RD) != 0)
#define H_AND_REG(w)  ALU(mask_w(w, RN &SHIFTED(w)))
#define H_BIC_REG(w)  ALU(mask_w(w, RN & ~SHIFTED(w)))
#define H_ORR_REG(w)  ALU(mask_w(w, RN | SHIFTED(w)))
#define H_ORN_REG(w)  ALU(mask_w(w, RN | ~SHIFTED(w)))
#define H_EOR_REG(w)  ALU(mask_w(w, RN ^ SHIFTED(w)))
#define H_EON_REG(w)  ALU(mask_w(w, RN ^ ~SHIFTED(w)))
#define H_ANDS_REG(w) ALU(FLAGS_LOGIC(w, RN &SHIFTED(w)))
#define H_BICS_REG(w) ALU(FLAGS_LOGIC(w, RN & ~SHIFTED(w)))
#define H_ADD_REG(w)  ALU(mask_w(w, RN + SHIFTED(w)))
#define H_ADDS_REG(w) ALU(FLAGS_ADD(w, RN, SHIFTED(w), 0))
#define H_SUB_REG(w)  ALU(mask_w(w, RN - SHIFTED(w)))
#define H_SUBS_REG(w) ALU(FLAGS_ADD(w, RN, ~SHIFTED(w), 1))
#define H_ADD_EXT(w)  ALU(mask_w(w, RN + EXTENDED(w)))
#define H_ADDS_EXT(w) ALU(FLAGS_ADD(w, RN, EXTENDED(w), 0))
#define H_SUB_EXT(w)  ALU(mask_w(w, RN - EXTENDED(w)))
#define H_SUBS_EXT(w) ALU(FLAGS_ADD(w, RN, ~EXTENDED(w), 1))
#define H_ADC(w)      ALU(mask_w(w, RN + RM + CARRY))
#define H_ADCS(w)     ALU(FLAGS_ADD(w, RN, RM, CARRY))
#define H_SBC(w)      ALU(mask_w(w, RN + ~RM + CARRY))
#define H_SBCS(w)     ALU(FLAGS_ADD(w, RN, ~RM, CARRY))
#define H_CCMN_REG(w) CCMP(w, RN, RM, 0)
#define H_CCMP_REG(w) CCMP(w, RN, ~RM, 1)
#define H_CCMN_IMM(w) CCMP(w, RN, IMM, 0)
#define H_CCMP_IMM(w) CCMP(w, RN, ~IMM, 1)
#define H_CSEL(w)     ALU(mask_w(w, COND ? RN : RM))
#define H_CSINC(w)    ALU(mask_w(w, COND ? RN : RM + 1))
#define H_CSINV(w)    ALU(mask_w(w, COND ? RN : ~RM))
#define H_CSNEG(w)    ALU(mask_w(w, COND ? RN : (uint64_t)0 - RM))
#define H_RBIT(w)     ALU(rbit(RN, w))
#define H_REV16(w)    ALU(rev16(RN, w))
#define H_REV(w)      ALU((w) == 64 ? __builtin_bswap64(RN) : __builtin_bswap32((uint32_t)RN))
#define H_CLZ(w)      ALU(clz_w(RN, w))
#define H_CLS(w)      ALU(cls_w(RN, w))
#define H_UDIV(w)     ALU(udiv_w(RN, RM, w))
#define H_SDIV(w)     ALU(sdiv_w(RN, RM, w))
#define H_LSLV(w)     ALU(mask_w(w, RN << (RM & ((w)-1))))
#define H_LSRV(w)     ALU(mask_w(w, RN) >> (RM & ((w)-1)))
#define H_ASRV(w)     ALU(asr_w(RN, (unsigned)(RM & ((w)-1)), w))
#define H_RORV(w)     ALU(ror_w(RN, (unsigned)(RM & ((w)-1)), w))
#define H_MADD(w)     ALU(mask_w(w, RA + RN * RM))
#define H_MSUB(w)     ALU(mask_w(w, RA - RN * RM))
#define W_HANDLERS(name)                                                                           \
	op_##name : H_##name(64);                                                                  \
	op_W_##name : H_##name(32);
/* The unshifted forms. */
#define P_ADD_REG(w)  ALU(mask_w(w, RN + RM))
#define P_ADDS_REG(w) ALU(FLAGS_ADD(w, RN, RM, 0))
#define P_SUB_REG(w)  ALU(mask_w(w, RN - RM))
#define P_SUBS_REG(w) ALU(FLAGS_ADD(w, RN, ~RM, 1))
#define P_AND_REG(w)  ALU(mask_w(w, RN &RM))
#define P_ORR_REG(w)  ALU(mask_w(w, RN | RM))
#define P_EOR_REG(w)  ALU(mask_w(w, RN ^ RM))
#define P_ANDS_REG(w) ALU(FLAGS_LOGIC(w, RN &RM))
#define PLAIN_HANDLERS(name)                                                                       \
	op_P_##name : P_##name(64);                                                                \
	op_PW_##name : P_##name(32);

/* ---- loads and stores ---- */

#define TLB_HIT(e, va, len, ctx) ((e)->tag == (((va) & (A64_PAGE_MASK | ((len)-1))) | (ctx)))
#define ADDR_OFF(base)		 ((base) + IMM)
#define ADDR_PRE(base)		 ((base) + IMM)
#define ADDR_POST(base)		 (base)
#define ADDR_REG(base)		 ((base) + extend_reg(RM, rec->shift, rec->amount))
#define WB_OFF(base, va)
#define WB_PRE(base, va)  (RN = (va))
#define WB_POST(base, va) (RN = (base) + IMM)
#define WB_REG(base, va)
/* SP as a base must be 16-byte aligned where SCTLR_ELx.SA/SA0 say so. */
#define SP_CHECK(base)                                                                             \
	do {                                                                                       \
		if (unlikely(rec->rn == A64_XSP && h->sp_check && ((base)&15))) {                  \
			SYNC();                                                                    \
			sp_alignment_fault(h);                                                     \
			goto trapped;                                                              \
		}                                                                                  \
	} while (0)
#define LOAD_AT(mode, ctype, len, rtype)                                                           \
	do {                                                                                       \
		uint64_t base_ = RN, va_ = ADDR_##mode(base_);                                     \
		a64_tlb_entry *e_ = &h->tlb[A64_TLB_LOAD][(va_ >> 12) % A64_TLB_SIZE];             \
		ctype v_;                                                                          \
		SP_CHECK(base_);                                                                   \
		if (likely(TLB_HIT(e_, va_, len, h->ctx_data))) {                                  \
			memcpy(&v_, (const void *)(e_->addend + va_), len);                        \
		} else {                                                                           \
			uint64_t w_;                                                               \
			SYNC();                                                                    \
			if (!load_slow(h, va_, len, false, false, &w_))                            \
				goto trapped;                                                      \
			v_ = (ctype)w_;                                                            \
		}                                                                                  \
		WB_##mode(base_, va_);                                                             \
		RD = (uint64_t)(rtype)v_;                                                          \
		NEXT();                                                                            \
	} while (0)
#define STORE_AT(mode, ctype, len)                                                                 \
	do {                                                                                       \
		uint64_t base_ = RN, va_ = ADDR_##mode(base_), next_;                              \
		a64_tlb_entry *e_ = &h->tlb[A64_TLB_STORE][(va_ >> 12) % A64_TLB_SIZE];            \
		ctype v_ = (ctype)RD;                                                              \
		SP_CHECK(base_);                                                                   \
		if (likely(TLB_HIT(e_, va_, len, h->ctx_data))) {                                  \
			memcpy((void *)(e_->addend + va_), &v_, len);                              \
			WB_##mode(base_, va_);                                                     \
			NEXT();                                                                    \
		}                                                                                  \
		next_ = NEXT_PC();                                                                 \
		SYNC();                                                                            \
		if (!store_slow(h, va_, len, false, false, (uint64_t)v_))                          \
			goto trapped;                                                              \
		WB_##mode(base_, va_);                                                             \
		RETIRE_TO(next_);                                                                  \
	} while (0)
/* A pair hits the TLB when its first register is aligned and the second is in the same page. */
#define LDP_AT(mode, ctype, len, rtype)                                                            \
	do {                                                                                       \
		uint64_t base_ = RN, va_ = ADDR_##mode(base_);                                     \
		a64_tlb_entry *e_ = &h->tlb[A64_TLB_LOAD][(va_ >> 12) % A64_TLB_SIZE];             \
		ctype v1_, v2_;                                                                    \
		SP_CHECK(base_);                                                                   \
		if (likely(TLB_HIT(e_, va_, len, h->ctx_data) && ((va_ + (len)) & 0xfff))) {       \
			memcpy(&v1_, (const void *)(e_->addend + va_), len);                       \
			memcpy(&v2_, (const void *)(e_->addend + va_ + (len)), len);               \
		} else {                                                                           \
			uint64_t w1_, w2_;                                                         \
			SYNC();                                                                    \
			if (!load_pair_slow(h, va_, len, &w1_, &w2_))                              \
				goto trapped;                                                      \
			v1_ = (ctype)w1_;                                                          \
			v2_ = (ctype)w2_;                                                          \
		}                                                                                  \
		WB_##mode(base_, va_);                                                             \
		RD = (uint64_t)(rtype)v1_;                                                         \
		RA = (uint64_t)(rtype)v2_;                                                         \
		NEXT();                                                                            \
	} while (0)
#define STP_AT(mode, ctype, len)                                                                   \
	do {                                                                                       \
		uint64_t base_ = RN, va_ = ADDR_##mode(base_), next_;                              \
		a64_tlb_entry *e_ = &h->tlb[A64_TLB_STORE][(va_ >> 12) % A64_TLB_SIZE];            \
		ctype v1_ = (ctype)RD, v2_ = (ctype)RA;                                            \
		SP_CHECK(base_);                                                                   \
		if (likely(TLB_HIT(e_, va_, len, h->ctx_data) && ((va_ + (len)) & 0xfff))) {       \
			memcpy((void *)(e_->addend + va_), &v1_, len);                             \
			memcpy((void *)(e_->addend + va_ + (len)), &v2_, len);                     \
			WB_##mode(base_, va_);                                                     \
			NEXT();                                                                    \
		}                                                                                  \
		next_ = NEXT_PC();                                                                 \
		SYNC();                                                                            \
		if (!store_pair_slow(h, va_, len, (uint64_t)v1_, (uint64_t)v2_))                   \
			goto trapped;                                                              \
		WB_##mode(base_, va_);                                                             \
		RETIRE_TO(next_);                                                                  \
	} while (0)
/* Access kinds: (the type read, its size, the type it extends to). */
#define LDK_B			uint8_t, 1, uint64_t
#define LDK_H			uint16_t, 2, uint64_t
#define LDK_W			uint32_t, 4, uint64_t
#define LDK_X			uint64_t, 8, uint64_t
#define LDK_SBW			int8_t, 1, uint32_t
#define LDK_SBX			int8_t, 1, int64_t
#define LDK_SHW			int16_t, 2, uint32_t
#define LDK_SHX			int16_t, 2, int64_t
#define LDK_SW			int32_t, 4, int64_t
#define STK_B			uint8_t, 1
#define STK_H			uint16_t, 2
#define STK_W			uint32_t, 4
#define STK_X			uint64_t, 8
#define APPLY(m, ...)		m(__VA_ARGS__)
#define LD_HANDLER(mode, kind)	op_LD_##mode##_##kind : APPLY(LOAD_AT, mode, LDK_##kind);
#define ST_HANDLER(mode, kind)	op_ST_##mode##_##kind : APPLY(STORE_AT, mode, STK_##kind);
#define LDP_HANDLER(mode, kind) op_LDP_##mode##_##kind : APPLY(LDP_AT, mode, LDK_##kind);
#define STP_HANDLER(mode, kind) op_STP_##mode##_##kind : APPLY(STP_AT, mode, STK_##kind);

/* The label table. */
#define OP_LABEL(name, mnemonic) [OP(name)] = &&op_##name,
#define W_LABEL(name)		 [A64_X_W_##name] = &&op_W_##name,
#define PLAIN_LABEL(name)	 [A64_X_P_##name] = &&op_P_##name, [A64_X_PW_##name] = &&op_PW_##name,
#define LD_LABEL(mode, kind)	 [A64_X_LD_##mode##_##kind] = &&op_LD_##mode##_##kind,
#define ST_LABEL(mode, kind)	 [A64_X_ST_##mode##_##kind] = &&op_ST_##mode##_##kind,
#define LDP_LABEL(mode, kind)	 [A64_X_LDP_##mode##_##kind] = &&op_LDP_##mode##_##kind,
#define STP_LABEL(mode, kind)	 [A64_X_STP_##mode##_##kind] = &&op_STP_##mode##_##kind,

#endif /* TRAPSCOPE_A64_EXEC_LOOP_MACROS */

static a64_stop A64_EXEC_NAME(a64_hart *h)
{
	/* cppcheck takes the labels' addresses (&&label) for booleans */
	static const void *const labels[A64_X_TOTAL] = {
	    /* cppcheck-suppress assignBoolToPointer */
	    DEC_A64_OPS(OP_LABEL)[A64_OP_PAGE_END] = &&op_PAGE_END,
	    A64_W_OPS(W_LABEL) A64_PLAIN_OPS(PLAIN_LABEL) A64_LD_OPS(LD_LABEL) A64_ST_OPS(ST_LABEL)
		A64_LDP_OPS(LDP_LABEL) A64_STP_OPS(STP_LABEL)};
	uint64_t *const x = h->x;
	uint64_t icount = h->icount;
	uint64_t limit = h->budget_end;
	uint32_t nzcv = h->nzcv;
	dec_a64_insn *rec, *recs;
	uint64_t page_va;
	a64_fault fault;

	if (!A64_EXEC_STEP)
		goto boundary; /* look at stops, the clock and interrupts first */
refetch:
	nzcv = h->nzcv;
	if (unlikely(h->pc & 3)) {
		h->icount = icount;
		a64_pc_alignment_fault(h);
		goto trapped;
	}
	rec = a64_code_lookup(h, h->pc, &page_va, &fault);
	if (unlikely(!rec)) {
		h->icount = icount;
		a64_abort(h, &fault, A64_ABORT_FETCH, 0);
		goto trapped;
	}
	recs = rec - ((h->pc & 0xfff) >> 2);
	DISPATCH();

boundary:
	/* h->pc is the next instruction. Stops, time and interrupts are looked at here. */
	h->icount = icount;
	if (A64_EXEC_STEP)
		goto done;
	if (unlikely(h->bus->stop))
		return A64_STOP_MACHINE;
	if (icount >= h->budget_end)
		return A64_STOP_BUDGET;
	{
		bool fired = icount >= h->timer_deadline;
		uint64_t deadline = a64_update_timers(h);
		unsigned target;
		int irq = a64_pending_irq(h, &target);
		if (fired && !h->timer_irq_wired)
			return A64_STOP_TIMER;
		limit = deadline < h->budget_end ? deadline : h->budget_end;
		if (irq >= 0) {
			a64_take_irq(h, irq, target);
			goto trapped;
		}
	}
	goto refetch;

trapped:
	/* An exception retires nothing, yet it uses up budget: a hart that faults at its own
	 * vector forever would otherwise never come back. */
	icount = h->icount;
	if (h->budget_end > icount)
		h->budget_end--;
	{
		a64_stop why = a64_trap_stop(h);
		if (why != A64_STOP_STEP)
			return why;
	}
	if (A64_EXEC_STEP)
		goto done;
	goto boundary;

done:
	h->icount = icount;
	return A64_STOP_STEP;

	/* ---- the cache's own ops ---- */
op_PAGE_END:
	h->pc = PC();
	h->icount = icount;
	h->nzcv = nzcv;
	if (A64_EXEC_STEP || icount >= limit)
		goto boundary;
	goto refetch;
op_UNDEF:
	if (!(rec->flags & A64_SLOT_DECODED)) {
		const a64_code_page *cp =
		    (const a64_code_page *)((const char *)recs - offsetof(a64_code_page, slot));
		uint32_t raw;
		memcpy(&raw, emu_ram_ptr(h->bus, cp->pa + ((uint64_t)(rec - recs) << 2), 4), 4);
		decode_slot(rec, raw);
		DISPATCH();
	}
	SYNC();
	a64_undefined(h);
	goto trapped;
op_FPSIMD:
	SYNC();
	fpsimd(h);
	goto trapped;
	/* decode_slot gives these their execution variants: never dispatched */
op_LDR_IMM:
op_LDR_REG:
op_STR_IMM:
op_STR_REG:
op_LDP:
op_LDNP:
op_STP:
op_STNP:
	__builtin_trap();

	/* ---- data processing ---- */
	A64_W_OPS(W_HANDLERS)
	A64_PLAIN_OPS(PLAIN_HANDLERS)
op_ADR:
	ALU(PC() + IMM);
op_ADRP:
	ALU((PC() & A64_PAGE_MASK) + IMM);
op_REV32:
	ALU(rev32(RN));
op_SMADDL:
	ALU(RA + (uint64_t)((int64_t)(int32_t)RN * (int64_t)(int32_t)RM));
op_SMSUBL:
	ALU(RA - (uint64_t)((int64_t)(int32_t)RN * (int64_t)(int32_t)RM));
op_UMADDL:
	ALU(RA + (uint64_t)(uint32_t)RN * (uint32_t)RM);
op_UMSUBL:
	ALU(RA - (uint64_t)(uint32_t)RN * (uint32_t)RM);
op_SMULH:
	ALU(smulh(RN, RM));
op_UMULH:
	ALU(umulh(RN, RM));

	/* ---- branches ---- */
op_B:
	JUMP_REL(rec->imm);
op_BL:
	x[30] = NEXT_PC();
	JUMP_REL(rec->imm);
op_B_COND:
	BRANCH(COND);
op_TBZ:
	BRANCH(!((RD >> rec->amount) & 1));
op_TBNZ:
	BRANCH((RD >> rec->amount) & 1);
op_BR:
op_RET:
	JUMP(RN);
op_BLR : {
	uint64_t target = RN;
	x[30] = NEXT_PC();
	JUMP(target);
}

	/* ---- exceptions and system ---- */
op_ERET:
	SYNC();
	if (h->el == A64_EL0) {
		a64_undefined(h);
		goto trapped;
	}
	if (!a64_eret(h))
		goto trapped;
	icount++;
	goto boundary;
op_SVC:
op_HVC:
op_SMC:
op_BRK:
	SYNC();
	exception_insn(h, rec);
	goto trapped;
	/* SEV, SEVL and WFE's event register have no effect: WFE may complete at once */
op_NOP:
op_YIELD:
op_HINT:
op_DSB:
op_DMB:
op_PRFM:
op_SEV:
op_SEVL:
	NEXT();
op_WFE:
	SLOW(wfx_allowed(h, false));
op_WFI : {
	uint64_t next = NEXT_PC();
	SYNC();
	if (!wfx_allowed(h, true))
		goto trapped;
	h->pc = next;
	h->icount = ++icount;
	a64_update_timers(h);
	if (!interrupt_waiting(h)) {
		h->wfi = true;
		return A64_STOP_WFI;
	}
	goto boundary;
}
op_CLREX:
	h->excl_valid = false;
	NEXT();
op_ISB:
	SLOW(true);
op_MSR_IMM:
	SLOW(a64_msr_pstate(h, rec->sysreg, (unsigned)rec->imm));
op_MRS : {
	uint64_t v = 0;
	SYNC();
	if (!a64_mrs(h, (const a64_sysreg *)(uintptr_t)rec->imm, rec->sysreg, arch_reg(rec->rd),
		     &v))
		goto trapped;
	RD = v;
	NEXT();
}
op_MSR_REG:
	SLOW(a64_msr(h, (const a64_sysreg *)(uintptr_t)rec->imm, rec->sysreg, arch_reg(rec->rd),
		     RD));
op_SYS:
	SLOW(a64_sys(h, rec->sysreg, arch_reg(rec->rd), RD));
op_SYSL:
	SYNC();
	a64_undefined(h);
	goto trapped;

	/* ---- loads and stores: the hot forms ---- */
	A64_LD_OPS(LD_HANDLER)
	A64_ST_OPS(ST_HANDLER)
	A64_LDP_OPS(LDP_HANDLER)
	A64_STP_OPS(STP_HANDLER)

	/* ---- loads and stores off the fast path ---- */
op_LDR_LIT:
	SLOW(load_store_one(h, rec, PC() + IMM, false, false));
op_LDTR:
	SP_CHECK(RN);
	SLOW(load_store_one(h, rec, RN + IMM, false, true));
op_STTR:
	SP_CHECK(RN);
	SLOW(load_store_one(h, rec, RN + IMM, true, true));
op_STXR:
op_LDXR:
op_STXP:
op_LDXP:
	SP_CHECK(RN);
	SLOW(exclusive(h, rec));
op_STLR:
op_LDAR:
op_LDAPR:
	SP_CHECK(RN);
	SLOW(ordered(h, rec));
op_LDADD:
op_LDCLR:
op_LDEOR:
op_LDSET:
op_LDSMAX:
op_LDSMIN:
op_LDUMAX:
op_LDUMIN:
op_SWP:
op_CAS:
	SP_CHECK(RN);
	SLOW(atomic(h, rec));
op_CASP:
	SP_CHECK(RN);
	SLOW(cas_pair(h, rec));
}
