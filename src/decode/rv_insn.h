/* trapscope — RISC-V instruction decoder (RV64IMAC, Zicsr, Zifencei, Zba, Zbb, Zihintpause,
 * Svinval, privileged and H-extension instructions).
 *
 * An instruction decodes once into a 16-byte record that the interpreter caches and dispatches
 * on: `op` indexes a jump table directly (DEC_RV_OP_ILLEGAL is 0, so a zeroed cache slot is an
 * illegal instruction). A compressed instruction decodes to the op of its 32-bit expansion with
 * len = 2, so the interpreter never sees the compressed forms.
 */
#ifndef TRAPSCOPE_RV_INSN_H
#define TRAPSCOPE_RV_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* X(enum suffix, canonical mnemonic), in manual order. */
#define DEC_RV_OPS(X)                                                                              \
	X(ILLEGAL, "unknown")                                                                      \
	/* RV64I */                                                                                \
	X(LUI, "lui")                                                                              \
	X(AUIPC, "auipc")                                                                          \
	X(JAL, "jal")                                                                              \
	X(JALR, "jalr")                                                                            \
	X(BEQ, "beq")                                                                              \
	X(BNE, "bne")                                                                              \
	X(BLT, "blt")                                                                              \
	X(BGE, "bge")                                                                              \
	X(BLTU, "bltu")                                                                            \
	X(BGEU, "bgeu")                                                                            \
	X(LB, "lb")                                                                                \
	X(LH, "lh")                                                                                \
	X(LW, "lw")                                                                                \
	X(LD, "ld")                                                                                \
	X(LBU, "lbu")                                                                              \
	X(LHU, "lhu")                                                                              \
	X(LWU, "lwu")                                                                              \
	X(SB, "sb")                                                                                \
	X(SH, "sh")                                                                                \
	X(SW, "sw")                                                                                \
	X(SD, "sd")                                                                                \
	X(ADDI, "addi")                                                                            \
	X(SLTI, "slti")                                                                            \
	X(SLTIU, "sltiu")                                                                          \
	X(XORI, "xori")                                                                            \
	X(ORI, "ori")                                                                              \
	X(ANDI, "andi")                                                                            \
	X(SLLI, "slli")                                                                            \
	X(SRLI, "srli")                                                                            \
	X(SRAI, "srai")                                                                            \
	X(ADD, "add")                                                                              \
	X(SUB, "sub")                                                                              \
	X(SLL, "sll")                                                                              \
	X(SLT, "slt")                                                                              \
	X(SLTU, "sltu")                                                                            \
	X(XOR, "xor")                                                                              \
	X(SRL, "srl")                                                                              \
	X(SRA, "sra")                                                                              \
	X(OR, "or")                                                                                \
	X(AND, "and")                                                                              \
	X(ADDIW, "addiw")                                                                          \
	X(SLLIW, "slliw")                                                                          \
	X(SRLIW, "srliw")                                                                          \
	X(SRAIW, "sraiw")                                                                          \
	X(ADDW, "addw")                                                                            \
	X(SUBW, "subw")                                                                            \
	X(SLLW, "sllw")                                                                            \
	X(SRLW, "srlw")                                                                            \
	X(SRAW, "sraw")                                                                            \
	X(FENCE, "fence")                                                                          \
	X(ECALL, "ecall")                                                                          \
	X(EBREAK, "ebreak")                                                                        \
	/* Zifencei */                                                                             \
	X(FENCE_I, "fence.i")                                                                      \
	/* Zicsr */                                                                                \
	X(CSRRW, "csrrw")                                                                          \
	X(CSRRS, "csrrs")                                                                          \
	X(CSRRC, "csrrc")                                                                          \
	X(CSRRWI, "csrrwi")                                                                        \
	X(CSRRSI, "csrrsi")                                                                        \
	X(CSRRCI, "csrrci")                                                                        \
	/* M */                                                                                    \
	X(MUL, "mul")                                                                              \
	X(MULH, "mulh")                                                                            \
	X(MULHSU, "mulhsu")                                                                        \
	X(MULHU, "mulhu")                                                                          \
	X(DIV, "div")                                                                              \
	X(DIVU, "divu")                                                                            \
	X(REM, "rem")                                                                              \
	X(REMU, "remu")                                                                            \
	X(MULW, "mulw")                                                                            \
	X(DIVW, "divw")                                                                            \
	X(DIVUW, "divuw")                                                                          \
	X(REMW, "remw")                                                                            \
	X(REMUW, "remuw")                                                                          \
	/* A */                                                                                    \
	X(LR_W, "lr.w")                                                                            \
	X(SC_W, "sc.w")                                                                            \
	X(AMOSWAP_W, "amoswap.w")                                                                  \
	X(AMOADD_W, "amoadd.w")                                                                    \
	X(AMOXOR_W, "amoxor.w")                                                                    \
	X(AMOAND_W, "amoand.w")                                                                    \
	X(AMOOR_W, "amoor.w")                                                                      \
	X(AMOMIN_W, "amomin.w")                                                                    \
	X(AMOMAX_W, "amomax.w")                                                                    \
	X(AMOMINU_W, "amominu.w")                                                                  \
	X(AMOMAXU_W, "amomaxu.w")                                                                  \
	X(LR_D, "lr.d")                                                                            \
	X(SC_D, "sc.d")                                                                            \
	X(AMOSWAP_D, "amoswap.d")                                                                  \
	X(AMOADD_D, "amoadd.d")                                                                    \
	X(AMOXOR_D, "amoxor.d")                                                                    \
	X(AMOAND_D, "amoand.d")                                                                    \
	X(AMOOR_D, "amoor.d")                                                                      \
	X(AMOMIN_D, "amomin.d")                                                                    \
	X(AMOMAX_D, "amomax.d")                                                                    \
	X(AMOMINU_D, "amominu.d")                                                                  \
	X(AMOMAXU_D, "amomaxu.d")                                                                  \
	/* Zba */                                                                                  \
	X(ADD_UW, "add.uw")                                                                        \
	X(SH1ADD, "sh1add")                                                                        \
	X(SH2ADD, "sh2add")                                                                        \
	X(SH3ADD, "sh3add")                                                                        \
	X(SH1ADD_UW, "sh1add.uw")                                                                  \
	X(SH2ADD_UW, "sh2add.uw")                                                                  \
	X(SH3ADD_UW, "sh3add.uw")                                                                  \
	X(SLLI_UW, "slli.uw")                                                                      \
	/* Zbb */                                                                                  \
	X(ANDN, "andn")                                                                            \
	X(ORN, "orn")                                                                              \
	X(XNOR, "xnor")                                                                            \
	X(CLZ, "clz")                                                                              \
	X(CLZW, "clzw")                                                                            \
	X(CTZ, "ctz")                                                                              \
	X(CTZW, "ctzw")                                                                            \
	X(CPOP, "cpop")                                                                            \
	X(CPOPW, "cpopw")                                                                          \
	X(MAX, "max")                                                                              \
	X(MAXU, "maxu")                                                                            \
	X(MIN, "min")                                                                              \
	X(MINU, "minu")                                                                            \
	X(SEXT_B, "sext.b")                                                                        \
	X(SEXT_H, "sext.h")                                                                        \
	X(ZEXT_H, "zext.h")                                                                        \
	X(ROL, "rol")                                                                              \
	X(ROLW, "rolw")                                                                            \
	X(ROR, "ror")                                                                              \
	X(RORI, "rori")                                                                            \
	X(RORIW, "roriw")                                                                          \
	X(RORW, "rorw")                                                                            \
	X(ORC_B, "orc.b")                                                                          \
	X(REV8, "rev8")                                                                            \
	/* privileged */                                                                           \
	X(SRET, "sret")                                                                            \
	X(MRET, "mret")                                                                            \
	X(WFI, "wfi")                                                                              \
	X(SFENCE_VMA, "sfence.vma")                                                                \
	X(HFENCE_VVMA, "hfence.vvma")                                                              \
	X(HFENCE_GVMA, "hfence.gvma")                                                              \
	/* Svinval */                                                                              \
	X(SINVAL_VMA, "sinval.vma")                                                                \
	X(SFENCE_W_INVAL, "sfence.w.inval")                                                        \
	X(SFENCE_INVAL_IR, "sfence.inval.ir")                                                      \
	X(HINVAL_VVMA, "hinval.vvma")                                                              \
	X(HINVAL_GVMA, "hinval.gvma")                                                              \
	/* H: hypervisor virtual-machine loads and stores */                                       \
	X(HLV_B, "hlv.b")                                                                          \
	X(HLV_BU, "hlv.bu")                                                                        \
	X(HLV_H, "hlv.h")                                                                          \
	X(HLV_HU, "hlv.hu")                                                                        \
	X(HLVX_HU, "hlvx.hu")                                                                      \
	X(HLV_W, "hlv.w")                                                                          \
	X(HLVX_WU, "hlvx.wu")                                                                      \
	X(HLV_WU, "hlv.wu")                                                                        \
	X(HLV_D, "hlv.d")                                                                          \
	X(HSV_B, "hsv.b")                                                                          \
	X(HSV_H, "hsv.h")                                                                          \
	X(HSV_W, "hsv.w")                                                                          \
	X(HSV_D, "hsv.d")

#define DEC_RV_OP_ENUM(name, mnemonic) DEC_RV_OP_##name,
typedef enum dec_rv_op { DEC_RV_OPS(DEC_RV_OP_ENUM) DEC_RV_OP_COUNT } dec_rv_op;
#undef DEC_RV_OP_ENUM

/* aq/rl bits of LR, SC and AMOs (dec_rv_insn.flags). */
#define DEC_RV_RL 0x1
#define DEC_RV_AQ 0x2

/* One decoded instruction. Fields an instruction does not use are 0.
 *
 *   imm: the immediate as the instruction uses it, sign-extended to 32 bits (extend once more
 *        to 64 on use): I/S/B/J offsets; U-type holds the shifted value (lui a0,0x12 → 0x12000);
 *        shift amounts; the zero-extended uimm of CSRR*I; FENCE holds bits 31:20 (fm, pred, succ).
 *   csr: the CSR number of Zicsr instructions.
 */
typedef struct dec_rv_insn {
	int32_t imm;
	uint16_t op; /* dec_rv_op */
	uint16_t csr;
	uint8_t rd;
	uint8_t rs1;
	uint8_t rs2;
	uint8_t len;   /* 2 (compressed) or 4 */
	uint8_t flags; /* DEC_RV_AQ | DEC_RV_RL */
} dec_rv_insn;

/* Length in bytes of the instruction whose first 16 bits are low16: 2, 4, or 0 for the 48-bit and
 * longer formats trapscope does not implement. */
unsigned dec_rv_insn_len(uint32_t low16);

/* Decodes the instruction at the start of raw (for a compressed instruction only the low 16 bits
 * count). Returns false, with out->op = DEC_RV_OP_ILLEGAL, for every encoding that is not an
 * implemented instruction: reserved encodings, F/D/V/Q, other extensions, 48-bit and longer. */
bool dec_rv_decode(uint32_t raw, dec_rv_insn *out);

/* ABI name of integer register reg (0..31): "zero", "ra", "a0". */
const char *dec_rv_reg_name(unsigned reg);

/* Canonical mnemonic of op ("addi", "lr.w"); "unknown" for an op out of range. */
const char *dec_rv_op_name(unsigned op);

/* Writes the name GNU objdump gives CSR csr ("sstatus", "hgatp", "pmpaddr12") into buf and
 * returns true; for a CSR objdump does not name, writes its number ("0x7c0") and returns false. */
bool dec_rv_csr_name(unsigned csr, char *buf, size_t size);

#endif
