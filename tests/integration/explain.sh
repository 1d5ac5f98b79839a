#!/usr/bin/env bash
# trapscope explain from the outside: exit codes, error lines, JSON shape, derived facts.
# Expected values are computed by hand from the specifications (see each comment).
set -u
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || { echo "jq missing: SKIP"; exit 77; }

# --- bad input: one line, exit 2, no stdout (no arguments at all opens the demo: debug.sh)
expect_usage_error explain
expect_usage_error frobnicate
expect_usage_error explain scause
expect_usage_error explain scause=
expect_usage_error explain =0x1
expect_usage_error explain nosuchreg=1
expect_usage_error explain scause=0xZZ
expect_usage_error explain scause=0x1_0000_0000_0000_0000
expect_usage_error explain scause=-1
expect_usage_error explain scause=1 esr=1
expect_usage_error explain --arch aarch64 scause=1
expect_usage_error explain --arch sparc scause=1
expect_usage_error explain --arch
expect_usage_error explain --no-such-option scause=1
expect_usage_error explain scause=1 SCAUSE=2
expect_usage_error explain smccc=0x100000000
expect_usage_error explain sbi_eid=0x1_0000_0000
expect_usage_error explain insn=1
expect_stderr_has "nosuchreg" explain nosuchreg=1
expect_stderr_has "did you mean 'scause'" explain scuase=1
expect_stderr_has "scause=0xZZ" explain scause=0xZZ
expect_stderr_has "esr" explain scause=1 esr=1

# --- help
expect_stdout_has "explain" --help
expect_stdout_has "hgatp" explain --help
expect_stdout_has "hpfar" explain --help

# --- RISC-V. scause 0x15 = 21, load guest-page fault; GPA = (0x4000400 << 2) | (0x...3 & 3)
expect_json_eq '.arch' riscv64 explain --json scause=0x15 stval=0x10001003 htval=0x4000400
expect_json_eq '.derived.gpa' 0x10001003 explain --json scause=0x15 stval=0x10001003 htval=0x4000400
expect_json_eq '.registers[0].fields[0].name' Interrupt explain --json scause=0x15
expect_json_eq '.registers[0].fields[0].lsb' 63 explain --json scause=0x8000000000000005
expect_json_eq '.registers[0].fields[0].value' 0x1 explain --json scause=0x8000000000000005
expect_json_eq '.registers[0].value' 0x8000000000000005 explain --json SCAUSE=0x8000_0000_0000_0005
# hgatp 0x8000000000080201: MODE 8 (Sv39x4), PPN 0x80201 is not 16 KiB aligned -> a warning
expect_json_eq '[.registers[0].fields[] | select(.warning)] | length > 0' true \
	explain --json hgatp=0x8000000000080201
expect_json_eq '[.registers[0].fields[] | select(.warning)] | length' 0 \
	explain --json hgatp=0x8000000000080200
# cause 22 with stval = 0x68002573 (csrrs a0, hgatp, zero) -> the instruction, as objdump spells it
expect_json_eq '.derived.instruction' 'csrr a0,hgatp' explain --json scause=22 stval=0x68002573

# --- AArch64. ESR 0x93810046: EC 0x24 data abort, ISV=1, SAS=2 (4 bytes), SRT=1, WnR=1.
# IPA = (HPFAR.FIPA=0x9000 << 12) | (FAR & 0xfff = 4) = 0x9000004
expect_json_eq '.arch' aarch64 explain --json esr=0x93810046
expect_json_eq '.derived.ipa' 0x9000004 explain --json esr=0x93810046 far=0x9000004 hpfar=0x90000
expect_json_eq '.registers[0].fields[] | select(.name=="EC") | .value' 0x24 explain --json esr=0x93810046
expect_json_eq '.registers[0].fields[] | select(.name=="EC") | .lsb' 26 explain --json esr=0x93810046
# 0x6234f801: EC 0x18, Op0=3 Op2=2 Op1=3 CRn=14 CRm=0 Rt=0, read -> MRS x0, CNTVCT_EL0
expect_stdout_has "MRS x0, CNTVCT_EL0" explain esr=0x6234f801

finish
