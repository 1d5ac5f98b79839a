/* The dispatch loop, included twice by rv_exec.c: RV_EXEC_STEP 0 gives the fast loop that runs
 * until its budget or a stop, RV_EXEC_STEP 1 the single-step loop the debugger uses. Both run
 * the same handlers; only the continuation after an instruction differs, so the fast loop has
 * no debugger checks in it.
 *
 * Locals: rec is the current decoded slot, recs slot 0 of the page it lies in, page_va that
 * page's virtual address and span its size (4096, or 4 for a page-crossing instruction run
 * out of line). Slots are 16 bytes per 2 bytes of code, so the pc is pc_bias + rec / 8 and a
 * relative branch moves rec by offset * 8 bytes; the pc is derived only when needed.
 */

static rv_stop RV_EXEC_NAME(rv_hart *h)
{
#define RV_LABEL(name, mnemonic) [DEC_RV_OP_##name] = &&op_##name,
	static const void *const labels[RV_OP_TOTAL] = {
	    DEC_RV_OPS(RV_LABEL)[RV_OP_PAGE_END] = &&op_PAGE_END, [RV_OP_CROSS] = &&op_CROSS,
#define RV_C_LABEL(name) [RV_OP_C_##name] = &&op_C_##name,
	    RV_COMPRESSED_OPS(RV_C_LABEL)
#undef RV_C_LABEL
	};
#undef RV_LABEL
	uint64_t *const x = h->x;
	uint64_t icount = h->icount;
	uint64_t limit = h->budget_end;
	dec_rv_insn *rec, *recs;
	dec_rv_insn out_of_line[3];
	uint64_t page_va, span, pc_bias;
	rv_fault fault;

#define SLOT_BYTES_PER_CODE_BYTE (sizeof(dec_rv_insn) / 2)
#define PC()			 (pc_bias + (uint64_t)((uintptr_t)rec / SLOT_BYTES_PER_CODE_BYTE))
#define SET_PAGE(first, va, size)                                                                  \
	do {                                                                                       \
		recs = (first);                                                                    \
		page_va = (va);                                                                    \
		span = (size);                                                                     \
		pc_bias = page_va - (uint64_t)((uintptr_t)recs / SLOT_BYTES_PER_CODE_BYTE);        \
	} while (0)
/* Every handler knows its instruction's length: LEN_ is 4 below, and 2 in the section of
 * compressed variants at the end, so stepping to the next slot is a constant add rather
 * than a load of rec->len that each instruction would wait for. */
#define LEN_	   4
#define NEXT_PC()  (PC() + LEN_)
#define SYNC()	   (h->icount = icount, h->pc = PC())
#define DISPATCH() goto *labels[rec->op]
#if RV_EXEC_STEP
#define NEXT()                                                                                     \
	do {                                                                                       \
		icount++;                                                                          \
		h->pc = NEXT_PC();                                                                 \
		goto done;                                                                         \
	} while (0)
#else
#define NEXT()                                                                                     \
	do {                                                                                       \
		icount++;                                                                          \
		rec = (dec_rv_insn *)((char *)rec + LEN_ * SLOT_BYTES_PER_CODE_BYTE);              \
		DISPATCH();                                                                        \
	} while (0)
#endif
/* A taken branch or jump: stay in the page when the target is in it, and look at the clock. */
#define JUMP(target)                                                                               \
	do {                                                                                       \
		uint64_t t_ = (target);                                                            \
		icount++;                                                                          \
		if (RV_EXEC_STEP || t_ - page_va >= span || icount >= limit) {                     \
			h->pc = t_;                                                                \
			goto boundary;                                                             \
		}                                                                                  \
		rec = recs + ((t_ - page_va) >> 1);                                                \
		DISPATCH();                                                                        \
	} while (0)
/* The instruction retired and changed state the loop caches: continue at pc via the clock. */
#define RETIRE_TO(target)                                                                          \
	do {                                                                                       \
		h->pc = (target);                                                                  \
		icount++;                                                                          \
		goto boundary;                                                                     \
	} while (0)
#define RAISE(cause, tval, gva)                                                                    \
	do {                                                                                       \
		SYNC();                                                                            \
		rv_raise(h, (cause), (tval), 0, 0, (gva));                                         \
		goto trapped;                                                                      \
	} while (0)
/* Illegal and virtual instruction: xtval holds the instruction bits. */
#define RAISE_INSN(cause)                                                                          \
	do {                                                                                       \
		SYNC();                                                                            \
		rv_raise(h, (cause), insn_bits(h, h->pc), 0, 0, false);                            \
		goto trapped;                                                                      \
	} while (0)
#define RD			(x[rec->rd])
#define RS1			(x[rec->rs1])
#define RS2			(x[rec->rs2])
#define IMM			((int64_t)rec->imm)
#define TLB_HIT(e, va, len, id) ((e)->tag == rv_tlb_key((va), (len), (id)))
#define LOAD_OP(type, len)                                                                         \
	do {                                                                                       \
		uint64_t va_ = RS1 + IMM;                                                          \
		rv_tlb_entry *e_ = &h->tlb[RV_ACC_LOAD][(va_ >> 12) % RV_TLB_SIZE];                \
		type v_;                                                                           \
		if (likely(TLB_HIT(e_, va_, len, h->ctx_data))) {                                  \
			memcpy(&v_, (const void *)(e_->addend + va_), len);                        \
		} else {                                                                           \
			uint64_t w_;                                                               \
			SYNC();                                                                    \
			if (!load_slow(h, va_, len, &w_))                                          \
				goto trapped;                                                      \
			v_ = (type)w_;                                                             \
		}                                                                                  \
		RD = (uint64_t)v_;                                                                 \
		NEXT();                                                                            \
	} while (0)
#define STORE_OP(len)                                                                              \
	do {                                                                                       \
		uint64_t va_ = RS1 + IMM;                                                          \
		rv_tlb_entry *e_ = &h->tlb[RV_ACC_STORE][(va_ >> 12) % RV_TLB_SIZE];               \
		if (likely(TLB_HIT(e_, va_, len, h->ctx_data))) {                                  \
			memcpy((void *)(e_->addend + va_), &RS2, len);                             \
			NEXT();                                                                    \
		}                                                                                  \
		uint64_t next_ = NEXT_PC();                                                        \
		SYNC();                                                                            \
		if (!store_slow(h, va_, len, RS2))                                                 \
			goto trapped;                                                              \
		RETIRE_TO(next_);                                                                  \
	} while (0)
#define ALU(expr)                                                                                  \
	do {                                                                                       \
		RD = (expr);                                                                       \
		NEXT();                                                                            \
	} while (0)
#define ALUW(expr) ALU((uint64_t)(int64_t)(int32_t)(uint32_t)(expr))
#define CSR_OP(kind, operand, reads, writes)                                                       \
	do {                                                                                       \
		uint64_t old_ = 0, opnd_ = (operand), next_ = NEXT_PC();                           \
		unsigned effects_, exc_;                                                           \
		SYNC();                                                                            \
		exc_ = rv_csr_op(h, rec->csr, (kind), opnd_, (reads), (writes), &old_, &effects_); \
		if (exc_)                                                                          \
			RAISE_INSN(exc_);                                                          \
		RD = old_;                                                                         \
		if (effects_ & RV_CSR_EFFECT_REGIME)                                               \
			rv_regime_changed(h);                                                      \
		if (effects_)                                                                      \
			RETIRE_TO(next_);                                                          \
		NEXT();                                                                            \
	} while (0)
/* A pc-relative jump: within the page it only moves rec; only jumps back or to themselves (loops)
 * look at the clock, since straight-line code always reaches one or a page end. */
#define JUMP_REL(offset)                                                                           \
	do {                                                                                       \
		int64_t off_ = (offset);                                                           \
		uint64_t at_ = (uint64_t)((char *)rec - (char *)recs) +                            \
			       (uint64_t)off_ * SLOT_BYTES_PER_CODE_BYTE;                          \
		icount++;                                                                          \
		if (RV_EXEC_STEP || at_ >= span * SLOT_BYTES_PER_CODE_BYTE ||                      \
		    (off_ <= 0 && icount >= limit)) {                                              \
			h->pc = PC() + (uint64_t)off_;                                             \
			goto boundary;                                                             \
		}                                                                                  \
		rec = (dec_rv_insn *)((char *)recs + at_);                                         \
		DISPATCH();                                                                        \
	} while (0)
#define BRANCH(cond)                                                                               \
	do {                                                                                       \
		if (cond)                                                                          \
			JUMP_REL(IMM);                                                             \
		NEXT();                                                                            \
	} while (0)

/* Handlers that compressed instructions share, expanded once per length. */
#define H_LUI	ALU((uint64_t)IMM)
#define H_ADDI	ALU(RS1 + IMM)
#define H_ANDI	ALU(RS1 &IMM)
#define H_SLLI	ALU(RS1 << (rec->imm & 63))
#define H_SRLI	ALU(RS1 >> (rec->imm & 63))
#define H_SRAI	ALU((uint64_t)((int64_t)RS1 >> (rec->imm & 63)))
#define H_ADD	ALU(RS1 + RS2)
#define H_SUB	ALU(RS1 - RS2)
#define H_XOR	ALU(RS1 ^ RS2)
#define H_OR	ALU(RS1 | RS2)
#define H_AND	ALU(RS1 &RS2)
#define H_ADDIW ALUW(RS1 + IMM)
#define H_ADDW	ALUW(RS1 + RS2)
#define H_SUBW	ALUW(RS1 - RS2)
#define H_LW	LOAD_OP(int32_t, 4)
#define H_LD	LOAD_OP(uint64_t, 8)
#define H_SW	STORE_OP(4)
#define H_SD	STORE_OP(8)
#define H_BEQ	BRANCH(RS1 == RS2)
#define H_BNE	BRANCH(RS1 != RS2)
#define H_JAL                                                                                      \
	do {                                                                                       \
		RD = NEXT_PC();                                                                    \
		JUMP_REL(IMM);                                                                     \
	} while (0)
#define H_JALR                                                                                     \
	do {                                                                                       \
		uint64_t target_ = (RS1 + IMM) & ~UINT64_C(1);                                     \
		RD = NEXT_PC();                                                                    \
		JUMP(target_);                                                                     \
	} while (0)
#define H_EBREAK                                                                                   \
	do {                                                                                       \
		uint64_t pc_ = PC();                                                               \
		RAISE(RV_EXC_BREAKPOINT, pc_, h->virt);                                            \
	} while (0)

#if !RV_EXEC_STEP
	goto boundary; /* look at stops, the clock and interrupts before the first instruction */
#endif
refetch:
	rec = rv_code_lookup(h, h->pc, &page_va, &fault);
	if (unlikely(!rec)) {
		h->icount = icount;
		rv_raise_fault(h, &fault, 0, 0, 0, 0);
		goto trapped;
	}
	SET_PAGE(rec - ((h->pc & 0xfff) >> 1), page_va, 4096);
	DISPATCH();

boundary:
	/* h->pc is the next instruction. Stops, time and interrupts are looked at here. */
	h->icount = icount;
#if RV_EXEC_STEP
	goto done;
#else
	if (unlikely(h->bus->stop))
		return RV_STOP_MACHINE;
	if (icount >= h->budget_end)
		return RV_STOP_BUDGET;
	{
		uint64_t deadline = rv_update_timers(h);
		int irq = rv_pending_irq(h);
		limit = deadline < h->budget_end ? deadline : h->budget_end;
		if (irq >= 0) {
			rv_take_irq(h, irq);
			goto trapped;
		}
	}
	goto refetch;
#endif

trapped:
	/* A trap retires nothing, yet it must use up budget: a hart that faults at its own trap
	 * vector forever would otherwise never come back. */
	icount = h->icount;
	if (h->budget_end > icount)
		h->budget_end--;
	if (unlikely(h->hs_exit | h->vs_trap_stop)) {
		rv_stop why = rv_trap_stop(h);
		if (why != RV_STOP_STEP)
			return why;
	}
#if RV_EXEC_STEP
	goto done;
#else
	goto boundary;
#endif

#if RV_EXEC_STEP
done:
	h->icount = icount;
	return RV_STOP_STEP;
#endif

	/* ---- cache-only ops ---- */
op_PAGE_END:
	h->pc = PC();
	h->icount = icount;
	if (RV_EXEC_STEP || icount >= limit)
		goto boundary;
	goto refetch;
op_CROSS : {
	/* The second half lies in the next page: fetch both, run the record out of line. */
	uint32_t raw;
	SYNC();
	if (!rv_fetch(h, h->pc, &raw, &fault)) {
		rv_raise_fault(h, &fault, 0, 0, 0, 0);
		goto trapped;
	}
	decode_slot(&out_of_line[0], raw);
	out_of_line[1].op = out_of_line[2].op = RV_OP_PAGE_END;
	rec = out_of_line;
	SET_PAGE(out_of_line, h->pc, 4);
	if (rec->op == DEC_RV_OP_ILLEGAL)
		RAISE_INSN(RV_EXC_ILLEGAL);
	DISPATCH();
}
op_ILLEGAL:
	if (!(rec->flags & RV_SLOT_DECODED)) {
		SYNC();
		if (!fill_slot(h, rec, h->pc, &fault)) {
			rv_raise_fault(h, &fault, 0, 0, 0, 0);
			goto trapped;
		}
		DISPATCH();
	}
	RAISE_INSN(RV_EXC_ILLEGAL);

	/* ---- RV64I ---- */
op_LUI:
	H_LUI;
op_AUIPC:
	ALU(PC() + IMM);
op_JAL:
	H_JAL;
op_JALR:
	H_JALR;
op_BEQ:
	H_BEQ;
op_BNE:
	H_BNE;
op_BLT:
	BRANCH((int64_t)RS1 < (int64_t)RS2);
op_BGE:
	BRANCH((int64_t)RS1 >= (int64_t)RS2);
op_BLTU:
	BRANCH(RS1 < RS2);
op_BGEU:
	BRANCH(RS1 >= RS2);
op_LB:
	LOAD_OP(int8_t, 1);
op_LH:
	LOAD_OP(int16_t, 2);
op_LW:
	H_LW;
op_LD:
	H_LD;
op_LBU:
	LOAD_OP(uint8_t, 1);
op_LHU:
	LOAD_OP(uint16_t, 2);
op_LWU:
	LOAD_OP(uint32_t, 4);
op_SB:
	STORE_OP(1);
op_SH:
	STORE_OP(2);
op_SW:
	H_SW;
op_SD:
	H_SD;
op_ADDI:
	H_ADDI;
op_SLTI:
	ALU((int64_t)RS1 < IMM);
op_SLTIU:
	ALU(RS1 < (uint64_t)IMM);
op_XORI:
	ALU(RS1 ^ IMM);
op_ORI:
	ALU(RS1 | IMM);
op_ANDI:
	H_ANDI;
op_SLLI:
	H_SLLI;
op_SRLI:
	H_SRLI;
op_SRAI:
	H_SRAI;
op_ADD:
	H_ADD;
op_SUB:
	H_SUB;
op_SLL:
	ALU(RS1 << (RS2 & 63));
op_SLT:
	ALU((int64_t)RS1 < (int64_t)RS2);
op_SLTU:
	ALU(RS1 < RS2);
op_XOR:
	H_XOR;
op_SRL:
	ALU(RS1 >> (RS2 & 63));
op_SRA:
	ALU((uint64_t)((int64_t)RS1 >> (RS2 & 63)));
op_OR:
	H_OR;
op_AND:
	H_AND;
op_ADDIW:
	H_ADDIW;
op_SLLIW:
	ALUW((uint32_t)RS1 << (rec->imm & 31));
op_SRLIW:
	ALUW((uint32_t)RS1 >> (rec->imm & 31));
op_SRAIW:
	ALUW((int32_t)RS1 >> (rec->imm & 31));
op_ADDW:
	H_ADDW;
op_SUBW:
	H_SUBW;
op_SLLW:
	ALUW((uint32_t)RS1 << (RS2 & 31));
op_SRLW:
	ALUW((uint32_t)RS1 >> (RS2 & 31));
op_SRAW:
	ALUW((int32_t)RS1 >> (RS2 & 31));
op_FENCE:
	NEXT();
op_FENCE_I:
	/* stores already invalidate decoded code; look the next instruction up afresh */
	RETIRE_TO(NEXT_PC());
op_ECALL:
	RAISE(ecall_cause(h), 0, false);
op_EBREAK:
	H_EBREAK;

	/* ---- Zicsr ---- */
op_CSRRW:
	CSR_OP(RV_CSR_SWAP, RS1, rec->rd != RV_X_SINK, true);
op_CSRRS:
	CSR_OP(RV_CSR_SET, RS1, true, rec->rs1 != 0);
op_CSRRC:
	CSR_OP(RV_CSR_CLEAR, RS1, true, rec->rs1 != 0);
op_CSRRWI:
	CSR_OP(RV_CSR_SWAP, (uint64_t)rec->imm, rec->rd != RV_X_SINK, true);
op_CSRRSI:
	CSR_OP(RV_CSR_SET, (uint64_t)rec->imm, true, rec->imm != 0);
op_CSRRCI:
	CSR_OP(RV_CSR_CLEAR, (uint64_t)rec->imm, true, rec->imm != 0);

	/* ---- M ---- */
op_MUL:
	ALU(RS1 * RS2);
op_MULH:
	ALU((uint64_t)(((__int128)(int64_t)RS1 * (__int128)(int64_t)RS2) >> 64));
op_MULHSU:
	ALU((uint64_t)(((__int128)(int64_t)RS1 * (__int128)(unsigned __int128)RS2) >> 64));
op_MULHU:
	ALU((uint64_t)(((unsigned __int128)RS1 * RS2) >> 64));
op_DIV:
	ALU(div_s64(RS1, RS2));
op_DIVU:
	ALU(RS2 ? RS1 / RS2 : UINT64_MAX);
op_REM:
	ALU(rem_s64(RS1, RS2));
op_REMU:
	ALU(RS2 ? RS1 % RS2 : RS1);
op_MULW:
	ALUW((uint32_t)RS1 * (uint32_t)RS2);
op_DIVW:
	ALUW(div_s32((int32_t)RS1, (int32_t)RS2));
op_DIVUW:
	ALUW((uint32_t)RS2 ? (uint32_t)RS1 / (uint32_t)RS2 : UINT32_MAX);
op_REMW:
	ALUW(rem_s32((int32_t)RS1, (int32_t)RS2));
op_REMUW:
	ALUW((uint32_t)RS2 ? (uint32_t)RS1 % (uint32_t)RS2 : (uint32_t)RS1);

	/* ---- A: every form goes through one helper; atomicity is trivial on one host thread ----
	 */
op_LR_W:
op_SC_W:
op_AMOSWAP_W:
op_AMOADD_W:
op_AMOXOR_W:
op_AMOAND_W:
op_AMOOR_W:
op_AMOMIN_W:
op_AMOMAX_W:
op_AMOMINU_W:
op_AMOMAXU_W:
op_LR_D:
op_SC_D:
op_AMOSWAP_D:
op_AMOADD_D:
op_AMOXOR_D:
op_AMOAND_D:
op_AMOOR_D:
op_AMOMIN_D:
op_AMOMAX_D:
op_AMOMINU_D:
op_AMOMAXU_D : {
	uint64_t next = NEXT_PC(), result;
	SYNC();
	if (!atomic_op(h, rec, &result))
		goto trapped;
	RD = result;
	RETIRE_TO(next);
}

	/* ---- Zba ---- */
op_ADD_UW:
	ALU(RS2 + (uint32_t)RS1);
op_SH1ADD:
	ALU(RS2 + (RS1 << 1));
op_SH2ADD:
	ALU(RS2 + (RS1 << 2));
op_SH3ADD:
	ALU(RS2 + (RS1 << 3));
op_SH1ADD_UW:
	ALU(RS2 + ((uint64_t)(uint32_t)RS1 << 1));
op_SH2ADD_UW:
	ALU(RS2 + ((uint64_t)(uint32_t)RS1 << 2));
op_SH3ADD_UW:
	ALU(RS2 + ((uint64_t)(uint32_t)RS1 << 3));
op_SLLI_UW:
	ALU((uint64_t)(uint32_t)RS1 << (rec->imm & 63));

	/* ---- Zbb ---- */
op_ANDN:
	ALU(RS1 & ~RS2);
op_ORN:
	ALU(RS1 | ~RS2);
op_XNOR:
	ALU(~(RS1 ^ RS2));
op_CLZ:
	ALU(RS1 ? (uint64_t)__builtin_clzll(RS1) : 64);
op_CLZW:
	ALU((uint32_t)RS1 ? (uint64_t)__builtin_clz((uint32_t)RS1) : 32);
op_CTZ:
	ALU(RS1 ? (uint64_t)__builtin_ctzll(RS1) : 64);
op_CTZW:
	ALU((uint32_t)RS1 ? (uint64_t)__builtin_ctz((uint32_t)RS1) : 32);
op_CPOP:
	ALU((uint64_t)__builtin_popcountll(RS1));
op_CPOPW:
	ALU((uint64_t)__builtin_popcount((uint32_t)RS1));
op_MAX:
	ALU((int64_t)RS1 > (int64_t)RS2 ? RS1 : RS2);
op_MAXU:
	ALU(RS1 > RS2 ? RS1 : RS2);
op_MIN:
	ALU((int64_t)RS1 < (int64_t)RS2 ? RS1 : RS2);
op_MINU:
	ALU(RS1 < RS2 ? RS1 : RS2);
op_SEXT_B:
	ALU((uint64_t)(int64_t)(int8_t)RS1);
op_SEXT_H:
	ALU((uint64_t)(int64_t)(int16_t)RS1);
op_ZEXT_H:
	ALU((uint16_t)RS1);
op_ROL:
	ALU(rotl64(RS1, RS2 & 63));
op_ROLW:
	ALUW(rotl32((uint32_t)RS1, RS2 & 31));
op_ROR:
	ALU(rotl64(RS1, (64 - (RS2 & 63)) & 63));
op_RORI:
	ALU(rotl64(RS1, (64 - (rec->imm & 63)) & 63));
op_RORIW:
	ALUW(rotl32((uint32_t)RS1, (32 - (rec->imm & 31)) & 31));
op_RORW:
	ALUW(rotl32((uint32_t)RS1, (32 - (RS2 & 31)) & 31));
op_ORC_B:
	ALU(orc_b(RS1));
op_REV8:
	ALU(__builtin_bswap64(RS1));

	/* ---- privileged ---- */
op_SRET:
op_MRET : {
	unsigned exc;
	SYNC();
	exc = rec->op == DEC_RV_OP_SRET ? rv_sret(h) : rv_mret(h);
	if (exc)
		RAISE_INSN(exc);
	icount++;
	goto boundary;
}
op_WFI : {
	unsigned exc = wfi_check(h);
	uint64_t next = NEXT_PC();
	if (exc)
		RAISE_INSN(exc);
	h->pc = next;
	h->icount = ++icount;
	rv_update_timers(h);
	if (!(rv_mip(h) & h->mie)) {
		h->wfi = true;
		return RV_STOP_WFI;
	}
	goto boundary;
}
op_SFENCE_VMA:
op_SINVAL_VMA : {
	unsigned exc = sfence_check(h);
	if (exc)
		RAISE_INSN(exc);
	rv_tlb_flush(h);
	RETIRE_TO(NEXT_PC());
}
op_SFENCE_W_INVAL:
op_SFENCE_INVAL_IR:
	if (h->priv == RV_PRIV_U)
		RAISE_INSN(h->virt ? RV_EXC_VIRTUAL_INSN : RV_EXC_ILLEGAL);
	NEXT();
op_HFENCE_VVMA:
op_HFENCE_GVMA:
op_HINVAL_VVMA:
op_HINVAL_GVMA : {
	unsigned exc =
	    hfence_check(h, rec->op == DEC_RV_OP_HFENCE_GVMA || rec->op == DEC_RV_OP_HINVAL_GVMA);
	if (exc)
		RAISE_INSN(exc);
	rv_tlb_flush(h);
	RETIRE_TO(NEXT_PC());
}

	/* ---- H: loads and stores as the guest would make them ---- */
op_HLV_B:
op_HLV_BU:
op_HLV_H:
op_HLV_HU:
op_HLVX_HU:
op_HLV_W:
op_HLVX_WU:
op_HLV_WU:
op_HLV_D:
op_HSV_B:
op_HSV_H:
op_HSV_W:
op_HSV_D : {
	unsigned exc = hlv_check(h);
	uint64_t next = NEXT_PC();
	if (exc)
		RAISE_INSN(exc);
	SYNC();
	if (!hyper_access(h, rec))
		goto trapped;
	RETIRE_TO(next);
}

/* ---- compressed variants: the same handlers with LEN_ = 2 ---- */
#undef LEN_
#define LEN_ 2
op_C_LUI:
	H_LUI;
op_C_ADDI:
	H_ADDI;
op_C_ANDI:
	H_ANDI;
op_C_SLLI:
	H_SLLI;
op_C_SRLI:
	H_SRLI;
op_C_SRAI:
	H_SRAI;
op_C_ADD:
	H_ADD;
op_C_SUB:
	H_SUB;
op_C_XOR:
	H_XOR;
op_C_OR:
	H_OR;
op_C_AND:
	H_AND;
op_C_ADDIW:
	H_ADDIW;
op_C_ADDW:
	H_ADDW;
op_C_SUBW:
	H_SUBW;
op_C_LW:
	H_LW;
op_C_LD:
	H_LD;
op_C_SW:
	H_SW;
op_C_SD:
	H_SD;
op_C_BEQ:
	H_BEQ;
op_C_BNE:
	H_BNE;
op_C_JAL:
	H_JAL;
op_C_JALR:
	H_JALR;
op_C_EBREAK:
	H_EBREAK;

#undef PC
#undef LEN_
#undef NEXT_PC
#undef SYNC
#undef DISPATCH
#undef NEXT
#undef JUMP
#undef JUMP_REL
#undef SET_PAGE
#undef SLOT_BYTES_PER_CODE_BYTE
#undef RETIRE_TO
#undef RAISE
#undef RAISE_INSN
#undef RD
#undef RS1
#undef RS2
#undef IMM
#undef TLB_HIT
#undef LOAD_OP
#undef STORE_OP
#undef ALU
#undef ALUW
#undef BRANCH
#undef CSR_OP
#undef H_LUI
#undef H_ADDI
#undef H_ANDI
#undef H_SLLI
#undef H_SRLI
#undef H_SRAI
#undef H_ADD
#undef H_SUB
#undef H_XOR
#undef H_OR
#undef H_AND
#undef H_ADDIW
#undef H_ADDW
#undef H_SUBW
#undef H_LW
#undef H_LD
#undef H_SW
#undef H_SD
#undef H_BEQ
#undef H_BNE
#undef H_JAL
#undef H_JALR
#undef H_EBREAK
}
