#!/usr/bin/env bash
# Builds the AArch64 EL1 guests (tests/guests/a64/) and checks them:
#  1. every guest builds, twice: for trapscope's AArch64 virt machine (the default) and as a
#     QEMU oracle build (-DTS_ORACLE_QEMU, a64.h says what differs); any compiler or assembler
#     warning is a failure;
#  2. the instructions at the labels the expected exits name are the ones the guests'
#     comments (and the tables below) describe: objdump of the trapscope builds;
#  3. the ESR values written in the guests' comments are what the field layouts of the Arm
#     ARM give (esr_* below: the same functions the trace checks will use);
#  4. under QEMU (qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a57 -smp 2 -m 128M,
#     no firmware, the guest at EL1, PSCI over HVC): the guests check themselves; here their
#     exit status (0, or the failure code through semihosting) and their console lines with
#     exact check counts. Where the same binary can run on both machines (svc, stage1, demo)
#     the trapscope build runs under QEMU as well;
#  5. under trapscope (A64_TRAPSCOPE=0 skips it): the exit status and console, then the trace
#     checked field by field in the check_* functions of the last section, and against the
#     trace schema. The expected exits are documented at the top of each guest and summed up
#     above each check_* function.
#
# Environment: A64_GCC (default aarch64-linux-gnu-gcc), QEMU_AARCH64 (default
# qemu-system-aarch64): exit 77 (skip) when either is missing. TRAPSCOPE (the binary, for the
# trapscope section), A64_TRAPSCOPE=0 to skip that section, top_srcdir, TIME_LIMIT (seconds per
# QEMU run), MAX_INSNS; KEEP=1 keeps the work directory and prints its name; SHOW=1 prints the
# MMIO exit table with the ESR values worked out.
#
# Prints one line per failed check and a closing "N passed, M failed"; exit 1 on any failure.
set -u

here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(cd "$here/../../.." && pwd)}"
a64dir=$top_srcdir/tests/guests/a64
: "${A64_GCC:=${AARCH64_GCC:-aarch64-linux-gnu-gcc}}"
: "${QEMU_AARCH64:=qemu-system-aarch64}"
: "${TRAPSCOPE:=./trapscope}"
TIME_LIMIT=${TIME_LIMIT:-30}
MAX_INSNS=${MAX_INSNS:-200000000}

if ! command -v "$A64_GCC" >/dev/null 2>&1; then
	echo "SKIP: no AArch64 cross compiler ($A64_GCC)"
	exit 77
fi
if ! command -v "$QEMU_AARCH64" >/dev/null 2>&1; then
	echo "SKIP: no $QEMU_AARCH64"
	exit 77
fi
A64_OBJDUMP=$("$A64_GCC" -print-prog-name=objdump)
A64_NM=$("$A64_GCC" -print-prog-name=nm)

work=$(mktemp -d "${TMPDIR:-/tmp}/trapscope-a64.XXXXXX") || exit 99
if [ "${KEEP:-0}" = 1 ]; then
	echo "work directory: $work"
else
	trap 'rm -rf "$work"' EXIT INT TERM
fi

passed=0
failed=0
ok() { passed=$((passed + 1)); }
fail() {
	failed=$((failed + 1))
	echo "FAIL $*"
}

# ---- building ----------------------------------------------------------------------------
# No FP/SIMD registers in compiled code (svc.S tests the FP trap; CPACR_EL1.FPEN is 0 at
# reset), no unaligned accesses (with the MMU off all data accesses are Device memory), no
# out-of-line atomics (libgcc).
CFLAGS="-march=armv8-a -mgeneral-regs-only -mstrict-align -mno-outline-atomics -O2 -Wall
	-Wextra -ffreestanding -fno-stack-protector -fno-pic -fno-pie
	-fno-asynchronous-unwind-tables -I$a64dir"
LDFLAGS="-nostdlib -nostartfiles -static -no-pie -Wl,--build-id=none
	-Wl,--no-warn-rwx-segments -T $a64dir/link.ld"

# build NAME "DEFINES" SOURCE: leaves $work/NAME.elf and its symbols in $work/NAME.nm.
build() {
	# shellcheck disable=SC2086
	if "$A64_GCC" $CFLAGS $2 $LDFLAGS -o "$work/$1.elf" "$a64dir/start.S" "$a64dir/a64lib.c" \
		"$a64dir/$3" >"$work/$1.build.log" 2>&1; then
		"$A64_NM" "$work/$1.elf" >"$work/$1.nm"
		if [ -s "$work/$1.build.log" ]; then
			fail "build $1: warnings:"
			sed 's/^/    /' "$work/$1.build.log" | head -n 20
		else
			ok
		fi
	else
		fail "build $1: does not build:"
		sed 's/^/    /' "$work/$1.build.log" | head -n 20
		rm -f "$work/$1.elf"
	fi
}

# sym NAME SYMBOL: the symbol's address as 0x... (empty when missing).
sym() {
	[ -f "$work/$1.nm" ] || return 0
	awk -v s="$2" '$3 == s { print "0x" $1; exit }' "$work/$1.nm" | sed 's/^0x0*/0x/'
}

# hx EXPR: a shell arithmetic value as normalized hex.
hx() { printf '0x%x' "$(($1))"; }

# insn NAME LABEL: the instruction at LABEL as objdump prints it, whitespace collapsed
# ("ldr w1, [x19, #24]").
insn() {
	local a
	a=$(sym "$1" "$2")
	[ -n "$a" ] || { echo "<no symbol $2>"; return; }
	"$A64_OBJDUMP" -d --start-address="$a" --stop-address=$((a + 4)) "$work/$1.elf" |
		awk -F'\t' '/^ *[0-9a-f]+:\t/ { print $3 " " $4; exit }' |
		sed 's/[[:space:]]\+/ /g; s/ *$//'
}

# expect_insn NAME LABEL TEXT
expect_insn() {
	local got
	got=$(insn "$1" "$2")
	if [ "$got" = "$3" ]; then ok; else
		fail "$1: the instruction at $2 is '$got', the expected exits assume '$3'"
	fi
}

# expect_eq LABEL GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then ok; else fail "$1: got '$2', expected '$3'"; fi
}

# ---- syndromes (Arm ARM, ESR_ELx) ----------------------------------------------------------
# shellcheck disable=SC2034 # used inside the hx expressions
IL=$((1 << 25))
# esr_dabt EC ISV SAS SSE SRT SF AR WNR DFSC [S1PTW]: a Data Abort (EC 0x24 lower EL, 0x25 same
# EL): ISV[24] SAS[23:22] SSE[21] SRT[20:16] SF[15] AR[14] S1PTW[7] WnR[6] DFSC[5:0].
esr_dabt() {
	hx "($1 << 26) | IL | ($2 << 24) | ($3 << 22) | ($4 << 21) | ($5 << 16) | ($6 << 15) |
		($7 << 14) | (${10:-0} << 7) | ($8 << 6) | $9"
}
# esr_iabt EC IFSC [S1PTW]: an Instruction Abort (0x20 lower EL, 0x21 same EL).
esr_iabt() { hx "($1 << 26) | IL | (${3:-0} << 7) | $2"; }
# esr_imm EC IMM16: SVC/HVC/SMC/BRK (ISS = imm16).
esr_imm() { hx "($1 << 26) | IL | $2"; }
# esr_sys OP0 OP1 CRN CRM OP2 RT DIR: a trapped MSR/MRS (EC 0x18), DIR 1 = read (MRS).
esr_sys() {
	hx "(0x18 << 26) | IL | ($1 << 20) | ($5 << 17) | ($2 << 14) | ($3 << 10) | ($6 << 5) |
		($4 << 1) | $7"
}
# esr_cv EC ISS: the classes with CV[24] = 1 and COND[23:20] = 0b1110 for every trap from
# AArch64 (WFx 0x01, FP 0x07).
esr_cv() { hx "($1 << 26) | IL | (1 << 24) | (0xe << 20) | $2"; }

# The stage-2 translation fault level for an IPA below 0x40000000: trapscope's stage-2
# tables map nothing there, so the walk stops at level 1 (starting level 0 or 1); set S2_DFSC
# if trapscope's tables say otherwise.
S2_DFSC=${S2_DFSC:-0x05}

# The numbers written in the guests' comments, from the field layouts.
esr_selfcheck() {
	expect_eq "ESR FR read (ldr w2, [x1, #24])" "$(esr_dabt 0x24 1 2 0 2 0 0 0 5)" 0x93820005
	expect_eq "ESR DR write (strb w0, [x1])" "$(esr_dabt 0x24 1 0 0 0 0 0 1 5)" 0x93000045
	expect_eq "ESR ISV=0 load" "$(esr_dabt 0x24 0 0 0 0 0 0 0 5)" 0x92000005
	expect_eq "ESR ISV=0 store" "$(esr_dabt 0x24 0 0 0 0 0 0 1 5)" 0x92000045
	expect_eq "ESR S1PTW load" "$(esr_dabt 0x24 0 0 0 0 0 0 0 0 1)" 0x92000080
	expect_eq "ESR S1PTW fetch" "$(esr_iabt 0x20 0 1)" 0x82000080
	expect_eq "ESR HVC #0" "$(esr_imm 0x16 0)" 0x5a000000
	expect_eq "ESR SMC #0" "$(esr_imm 0x17 0)" 0x5e000000
	expect_eq "ESR SMC #0x42" "$(esr_imm 0x17 0x42)" 0x5e000042
	expect_eq "ESR SVC #0x1234" "$(esr_imm 0x15 0x1234)" 0x56001234
	expect_eq "ESR SVC #0x55" "$(esr_imm 0x15 0x55)" 0x56000055
	expect_eq "ESR BRK #0x77" "$(esr_imm 0x3c 0x77)" 0xf2000077
	expect_eq "ESR UDF" "$(hx "IL")" 0x2000000
	expect_eq "ESR WFI" "$(esr_cv 0x01 0)" 0x7e00000
	expect_eq "ESR FP" "$(esr_cv 0x07 0)" 0x1fe00000
	expect_eq "ESR PC alignment" "$(hx "(0x22 << 26) | IL")" 0x8a000000
	expect_eq "ESR MRS ID_AA64PFR0_EL1, x1" "$(esr_sys 3 0 0 4 0 1 1)" 0x62300029
	expect_eq "ESR MRS ID_AA64MMFR0_EL1, x2" "$(esr_sys 3 0 0 7 0 2 1)" 0x6230004f
	expect_eq "ESR MSR ICC_SGI1R_EL1, x1" "$(esr_sys 3 0 12 11 5 1 0)" 0x623a3036
	expect_eq "ESR fetchfault" "$(esr_iabt 0x20 5)" 0x82000005
	local f
	for f in 0x96000007:7 0x9600004f:0x4f 0x9600000b:0xb 0x96000006:6 0x96000005:5 \
		0x96000004:4; do
		expect_eq "ESR stage-1 data abort ${f%%:*}" "$(hx "(0x25 << 26) | IL | ${f#*:}")" \
			"${f%%:*}"
	done
	expect_eq "ESR stage-1 fetch, level 3" "$(esr_iabt 0x21 7)" 0x86000007
	expect_eq "ESR stage-1 fetch, PXN" "$(esr_iabt 0x21 0xf)" 0x8600000f
}

# ---- the MMIO exits of mmio.S -------------------------------------------------------------
# label|instruction|ISV|r/w|size|SSE|SRT|SF|AR|address|data (stores) or value (loads)
# ISV=0 rows leave SSE..AR as "-" (ISS[23:14] is 0) and list each element access
# "address:size:data" separated by spaces, in address order, plus the base written back.
# shellcheck disable=SC2034 # used inside the hx expressions
U=0x09000000
# shellcheck disable=SC2034
N=0x0b000000
D1=0x8877665544332211
D2=0xf0e1d2c3b4a59687
MMIO_EXITS=(
	"mmio_uart_fr|ldr w1, [x19, #24]|1|r|4|0|1|0|0|$(hx "U + 0x18")|0x90"
	"mmio_uart_cr|ldr w2, [x19, #48]|1|r|4|0|2|0|0|$(hx "U + 0x30")|0x300"
	"mmio_id_ldrb|ldrb w3, [x19, #4084]|1|r|1|0|3|0|0|$(hx "U + 0xff4")|0xf0"
	"mmio_id_ldrsb_w|ldrsb w4, [x19, #4084]|1|r|1|1|4|0|0|$(hx "U + 0xff4")|0xfffffff0"
	"mmio_id_ldrsb_x|ldrsb x5, [x19, #4084]|1|r|1|1|5|1|0|$(hx "U + 0xff4")|0xfffffffffffffff0"
	"mmio_id_ldrh|ldrh w6, [x19, #4072]|1|r|2|0|6|0|0|$(hx "U + 0xfe8")|0x14"
	"mmio_ibrd_strh|strh w7, [x19, #36]|1|w|2|0|7|0|0|$(hx "U + 0x24")|0x8001"
	"mmio_ibrd_ldrh|ldrh w8, [x19, #36]|1|r|2|0|8|0|0|$(hx "U + 0x24")|0x8001"
	"mmio_ibrd_ldrsh_w|ldrsh w9, [x19, #36]|1|r|2|1|9|0|0|$(hx "U + 0x24")|0xffff8001"
	"mmio_ibrd_ldrsh_x|ldrsh x10, [x19, #36]|1|r|2|1|10|1|0|$(hx "U + 0x24")|0xffffffffffff8001"
	"mmio_ibrd_ldr|ldr w11, [x19, #36]|1|r|4|0|11|0|0|$(hx "U + 0x24")|0x8001"
	"mmio_ibrd_strh_zr|strh wzr, [x19, #36]|1|w|2|0|31|0|0|$(hx "U + 0x24")|0x0"
	"mmio_ibrd_ldr0|ldr w12, [x19, #36]|1|r|4|0|12|0|0|$(hx "U + 0x24")|0x0"
	"mmio_uart_dr|strb w14, [x19]|1|w|1|0|14|0|0|$U|(each byte of 'mmio: uart ok\\n')"
	"mmio_un_strb|strb w21, [x20, #1]|1|w|1|0|21|0|0|$(hx "N + 1")|0x11"
	"mmio_un_strh|strh w21, [x20, #2]|1|w|2|0|21|0|0|$(hx "N + 2")|0x2211"
	"mmio_un_str_w|str w21, [x20, #4]|1|w|4|0|21|0|0|$(hx "N + 4")|0x44332211"
	"mmio_un_str_x|str x21, [x20, #8]|1|w|8|0|21|1|0|$(hx "N + 8")|$D1"
	"mmio_un_str_wzr|str wzr, [x20, #16]|1|w|4|0|31|0|0|$(hx "N + 0x10")|0x0"
	"mmio_un_str_xzr|str xzr, [x20, #24]|1|w|8|0|31|1|0|$(hx "N + 0x18")|0x0"
	"mmio_un_stur|stur x21, [x24, #-8]|1|w|8|0|21|1|0|$(hx "N + 0x20")|$D1"
	"mmio_un_str_reg|str x22, [x20, x23]|1|w|8|0|22|1|0|$(hx "N + 0x28")|$D2"
	"mmio_un_stlr|stlr w22, [x25]|1|w|4|0|22|0|1|$(hx "N + 0x30")|0xb4a59687"
	"mmio_un_ldrb|ldrb w2, [x20, #1]|1|r|1|0|2|0|0|$(hx "N + 1")|0x0"
	"mmio_un_ldrsb_w|ldrsb w3, [x20, #1]|1|r|1|1|3|0|0|$(hx "N + 1")|0x0"
	"mmio_un_ldrsb_x|ldrsb x4, [x20, #1]|1|r|1|1|4|1|0|$(hx "N + 1")|0x0"
	"mmio_un_ldrh|ldrh w5, [x20, #2]|1|r|2|0|5|0|0|$(hx "N + 2")|0x0"
	"mmio_un_ldrsh_w|ldrsh w6, [x20, #2]|1|r|2|1|6|0|0|$(hx "N + 2")|0x0"
	"mmio_un_ldrsh_x|ldrsh x7, [x20, #2]|1|r|2|1|7|1|0|$(hx "N + 2")|0x0"
	"mmio_un_ldr_w|ldr w8, [x20, #4]|1|r|4|0|8|0|0|$(hx "N + 4")|0x0"
	"mmio_un_ldrsw|ldrsw x9, [x20, #4]|1|r|4|1|9|1|0|$(hx "N + 4")|0x0"
	"mmio_un_ldr_x|ldr x10, [x20, #8]|1|r|8|0|10|1|0|$(hx "N + 8")|0x0"
	"mmio_un_ldur|ldur x11, [x24, #-8]|1|r|8|0|11|1|0|$(hx "N + 0x20")|0x0"
	"mmio_un_ldr_reg|ldr x12, [x20, x23]|1|r|8|0|12|1|0|$(hx "N + 0x28")|0x0"
	"mmio_un_ldar|ldar w13, [x25]|1|r|4|0|13|0|1|$(hx "N + 0x30")|0x0"
	"mmio_un_ldr_wzr|ldr wzr, [x20, #16]|1|r|4|0|31|0|0|$(hx "N + 0x10")|0x0"
	"mmio_un_stp_w|stp w21, w22, [x20, #64]|0|w|-|-|-|-|-|$(hx "N + 0x40")|$(hx "N + 0x40"):4:0x44332211 $(hx "N + 0x44"):4:0xb4a59687"
	"mmio_un_stp_x|stp x21, x22, [x20, #80]|0|w|-|-|-|-|-|$(hx "N + 0x50")|$(hx "N + 0x50"):8:$D1 $(hx "N + 0x58"):8:$D2"
	"mmio_un_str_pre|str x21, [x24, #8]!|0|w|-|-|-|-|-|$(hx "N + 0x68")|$(hx "N + 0x68"):8:$D1 x24=$(hx "N + 0x68")"
	"mmio_un_strb_post|strb w22, [x25], #1|0|w|-|-|-|-|-|$(hx "N + 0x70")|$(hx "N + 0x70"):1:0x87 x25=$(hx "N + 0x71")"
	"mmio_un_strh_post|strh w21, [x26], #-2|0|w|-|-|-|-|-|$(hx "N + 0x72")|$(hx "N + 0x72"):2:0x2211 x26=$(hx "N + 0x70")"
	"mmio_un_stp_pre|stp x21, x22, [x3, #-16]!|0|w|-|-|-|-|-|$(hx "N + 0x80")|$(hx "N + 0x80"):8:$D1 $(hx "N + 0x88"):8:$D2 x3=$(hx "N + 0x80")"
	"mmio_un_stp_post|stp w22, w21, [x4], #8|0|w|-|-|-|-|-|$(hx "N + 0x98")|$(hx "N + 0x98"):4:0xb4a59687 $(hx "N + 0x9c"):4:0x44332211 x4=$(hx "N + 0xa0")"
	"mmio_un_ldp_w|ldp w5, w6, [x20, #64]|0|r|-|-|-|-|-|$(hx "N + 0x40")|w5=0 w6=0 (x5, x6 upper halves 0)"
	"mmio_un_ldp_x|ldp x7, x8, [x20, #80]|0|r|-|-|-|-|-|$(hx "N + 0x50")|x7=0 x8=0"
	"mmio_un_ldpsw|ldpsw x9, x10, [x20, #64]|0|r|-|-|-|-|-|$(hx "N + 0x40")|x9=0 x10=0"
	"mmio_un_ldr_pre|ldr x11, [x24, #8]!|0|r|-|-|-|-|-|$(hx "N + 0x70")|x11=0 x24=$(hx "N + 0x70")"
	"mmio_un_ldrb_post|ldrb w12, [x25], #-1|0|r|-|-|-|-|-|$(hx "N + 0x71")|x12=0 x25=$(hx "N + 0x70")"
	"mmio_un_ldrsh_pre|ldrsh x13, [x26, #2]!|0|r|-|-|-|-|-|$(hx "N + 0x72")|x13=0 x26=$(hx "N + 0x72")"
	"mmio_un_ldp_post|ldp x14, x15, [x3], #16|0|r|-|-|-|-|-|$(hx "N + 0x80")|x14=0 x15=0 x3=$(hx "N + 0x90")"
	"mmio_un_ldrsw_pre|ldrsw x2, [x4, #-8]!|0|r|-|-|-|-|-|$(hx "N + 0x98")|x2=0 x4=$(hx "N + 0x98")"
)

# mmio_row_esr ROW: ESR_EL2 of one MMIO_EXITS row.
mmio_row_esr() {
	local label text isv dir size sse srt sf ar sas wnr
	IFS='|' read -r label text isv dir size sse srt sf ar _ <<<"$1"
	wnr=0
	[ "$dir" = w ] && wnr=1
	if [ "$isv" = 1 ]; then
		case $size in 1) sas=0 ;; 2) sas=1 ;; 4) sas=2 ;; *) sas=3 ;; esac
		esr_dabt 0x24 1 "$sas" "$sse" "$srt" "$sf" "$ar" "$wnr" "$S2_DFSC"
	else
		esr_dabt 0x24 0 0 0 0 0 0 "$wnr" "$S2_DFSC"
	fi
}

mmio_static_checks() { # NAME (a trapscope build of mmio.S)
	local row label text
	for row in "${MMIO_EXITS[@]}"; do
		IFS='|' read -r label text _ <<<"$row"
		expect_insn "$1" "$label" "$text"
	done
	if [ "${SHOW:-0}" = 1 ]; then
		echo "mmio exits (ESR_EL2 with DFSC $S2_DFSC; FAR = address; HPFAR = address >> 8):"
		for row in "${MMIO_EXITS[@]}"; do
			IFS='|' read -r label text _ <<<"$row"
			printf '  %-20s %-12s %-28s %s\n' "$label" "$(sym "$1" "$label")" "$text" \
				"$(mmio_row_esr "$row")  ${row#*|*|*|*|*|*|*|*|*|}"
		done
	fi
}

# ---- the guests ------------------------------------------------------------------------------
# trapscope builds
build demo "" demo.c
build mmio "" mmio.S
build psci "" psci.c
build psci-off-smc "-DPSCI_END=1" psci.c
build psci-reset "-DPSCI_END=2" psci.c
build psci-reset-smc "-DPSCI_END=3" psci.c
build sysreg "" sysreg.c
build wfi "" wfi.S
build svc "" svc.S
build stage1 "" stage1.c
build stage1-va48 "-DSTAGE1_VA48" stage1.c
build fetchfault "" fetchfault.S
build deadlock "" deadlock.S
build deadlock-smp "-DDEADLOCK_SMP" deadlock.S
# QEMU oracle builds
Q=-DTS_ORACLE_QEMU
build q-demo "$Q" demo.c
build q-mmio "$Q" mmio.S
build q-psci "$Q" psci.c
build q-psci-off-smc "$Q -DPSCI_END=1" psci.c
build q-psci-reset "$Q -DPSCI_END=2" psci.c
build q-psci-reset-smc "$Q -DPSCI_END=3" psci.c
build q-sysreg "$Q" sysreg.c
build q-wfi "$Q" wfi.S
build q-svc "$Q" svc.S
build q-stage1 "$Q" stage1.c
build q-stage1-va48 "$Q -DSTAGE1_VA48" stage1.c
build q-fetchfault "$Q" fetchfault.S

# ---- static checks: the instructions the expected exits name ---------------------------------
esr_selfcheck
for g in demo mmio psci sysreg wfi svc stage1 fetchfault deadlock; do
	[ -f "$work/$g.elf" ] || continue
	expect_eq "$g: entry" "$(sym "$g" _start)" 0x40080000
	expect_insn "$g" a64_uart_fr_read "ldr w2, [x1, #24]"
	expect_insn "$g" a64_uart_dr_write "strb w0, [x1]"
	expect_insn "$g" a64_hvc_insn "hvc #0x0"
	expect_insn "$g" a64_smc_insn "smc #0x0"
	# the vectors: 2 KiB aligned
	v=$(sym "$g" a64_vectors)
	if [ -n "$v" ] && [ $((v & 0x7ff)) = 0 ]; then ok; else fail "$g: a64_vectors at '$v'"; fi
done
[ -f "$work/mmio.elf" ] && mmio_static_checks mmio
if [ -f "$work/svc.elf" ]; then
	expect_insn svc svc_el1 "svc #0x1234"
	expect_insn svc svc_brk "brk #0x77"
	expect_insn svc svc_udf "udf #90"
	expect_insn svc svc_fp "fmov d0, x1"
	expect_insn svc svc_pc_call "blr x1"
	expect_insn svc svc_el0_wfi "wfi"
	expect_insn svc svc_el0_hvc "hvc #0x0"
	expect_insn svc svc_el0_svc "svc #0x55"
fi
if [ -f "$work/wfi.elf" ]; then
	for l in wfi_cval wfi_tval wfi_irq; do expect_insn wfi "$l" wfi; done
	expect_eq "wfi: wfi_irq_after" "$(sym wfi wfi_irq_after)" "$(hx "$(sym wfi wfi_irq) + 4")"
fi
if [ -f "$work/sysreg.elf" ]; then
	expect_insn sysreg sysreg_mrs_pfr0 "mrs x1, id_aa64pfr0_el1"
	expect_insn sysreg sysreg_mrs_mmfr0 "mrs x2, id_aa64mmfr0_el1"
	expect_insn sysreg sysreg_smc0 "smc #0x0"
	expect_insn sysreg sysreg_smc "smc #0x42"
	expect_insn sysreg sysreg_sgi1r "msr icc_sgi1r_el1, x1"
	expect_insn sysreg sysreg_wfi1 wfi
fi
for g in stage1 stage1-va48; do
	[ -f "$work/$g.elf" ] || continue
	expect_insn "$g" stage1_load "ldr x0, [x0]"
	expect_insn "$g" stage1_store "str x1, [x0]"
	expect_insn "$g" stage1_blr "blr x0"
	c=$(sym "$g" s1_code_page)
	if [ -n "$c" ] && [ $((c & 0xfff)) = 0 ]; then ok; else fail "$g: s1_code_page at '$c'"; fi
done
[ -f "$work/fetchfault.elf" ] && expect_insn fetchfault fetchfault_jump "blr x1"
[ -f "$work/deadlock.elf" ] && expect_insn deadlock deadlock_wfi wfi
[ -f "$work/deadlock-smp.elf" ] && expect_insn deadlock-smp deadlock_wfi1 wfi

# ---- QEMU as the oracle ------------------------------------------------------------------------
# -M virt,gic-version=3: the guests' QEMU builds use the GICv3 for the timer PPI and the SGI
# (ICC_SGI1R_EL1 needs the system register interface). Semihosting carries a failure code out
# as QEMU's exit status. Secondary CPUs start powered off (PSCI CPU_ON).
qemu_run() { # RUN ELF STATUS [QEMU OPTIONS...]
	local run=$1 elf=$2 want=$3 rc=0
	shift 3
	if [ ! -f "$elf" ]; then
		fail "$run: not run ($(basename "$elf") did not build)"
		return 1
	fi
	timeout "$TIME_LIMIT" "$QEMU_AARCH64" -M virt,gic-version=3 -cpu cortex-a57 -smp 2 -m 128M \
		-nographic -semihosting-config enable=on,target=native "$@" -kernel "$elf" \
		</dev/null >"$work/$run.out" 2>&1 || rc=$?
	if [ "$rc" -eq "$want" ]; then ok; else
		fail "$run: QEMU exit status $rc, expected $want"
		{ grep -E '^FAIL|^a64: ' "$work/$run.out" || tail -n 6 "$work/$run.out"; } |
			head -n 12 | sed 's/^/    /'
		return 1
	fi
}

# out_has RUN TEXT / out_lacks RUN TEXT: the guest's console.
out_has() {
	if grep -qF -- "$2" "$work/$1.out"; then ok; else fail "$1: console lacks '$2'"; fi
}
out_lacks() {
	if grep -qF -- "$2" "$work/$1.out"; then fail "$1: console has '$2'"; else ok; fi
}

if qemu_run qemu-demo "$work/q-demo.elf" 0; then
	out_has qemu-demo "Hello from an EL1 guest, through the PL011!"
	out_has qemu-demo "demo: cpu 0, PSCI 1.1, UART FR = 0x90, hypercall answered -1"
	out_has qemu-demo "demo: powering off through PSCI SYSTEM_OFF"
fi
if qemu_run qemu-mmio "$work/q-mmio.elf" 0; then
	out_has qemu-mmio "mmio: uart ok"
	out_has qemu-mmio "mmio: 75 checks, 0 failed"
fi
if qemu_run qemu-psci "$work/q-psci.elf" 0; then
	out_has qemu-psci "psci: over hvc"
	out_has qemu-psci "psci: cpu 1 up, context 0x5eed0001"
	out_has qemu-psci "psci: hvc round done"
	out_has qemu-psci "psci: over smc"
	out_has qemu-psci "psci: cpu 1 up, context 0x5eed0002"
	out_has qemu-psci "psci: smc round done"
	out_has qemu-psci "psci: 81 checks, 0 failed"
	out_lacks qemu-psci "FEATURES("
fi
# the endings: SMC is UNDEFINED under QEMU, so the SMC variants end over HVC after checking
# that; SYSTEM_RESET with -no-reboot makes QEMU exit (status 0) instead of rebooting
for v in off-smc:"SYSTEM_OFF over smc": reset:"SYSTEM_RESET over hvc":-no-reboot \
	reset-smc:"SYSTEM_RESET over smc":-no-reboot; do
	IFS=: read -r name text opt <<<"$v"
	# shellcheck disable=SC2086
	if qemu_run "qemu-psci-$name" "$work/q-psci-$name.elf" 0 $opt; then
		out_has "qemu-psci-$name" "psci: 81 checks, 0 failed"
		out_has "qemu-psci-$name" "psci: ending with $text"
		out_lacks "qemu-psci-$name" "psci: the call returned"
		if [ "$(grep -c 'psci: cpu 0$' "$work/qemu-psci-$name.out")" = 1 ]; then ok; else
			fail "qemu-psci-$name: the guest ran more than once (a reset that rebooted?)"
		fi
	fi
done
if qemu_run qemu-sysreg "$work/q-sysreg.elf" 0; then
	out_has qemu-sysreg "sysreg: ID_AA64PFR0_EL1 0x"
	out_has qemu-sysreg "sysreg: cpu 1 waiting for its IPI"
	out_has qemu-sysreg "sysreg: IPI delivered"
	out_has qemu-sysreg "sysreg: 21 checks, 0 failed"
fi
if qemu_run qemu-wfi "$work/q-wfi.elf" 0; then
	out_has qemu-wfi "wfi: woken by the timer (CVAL)"
	out_has qemu-wfi "wfi: woken by the timer (TVAL)"
	out_has qemu-wfi "wfi: timer interrupt taken while running"
	out_has qemu-wfi "wfi: timer interrupt taken after WFI"
	out_has qemu-wfi "wfi: 29 checks, 0 failed"
fi
# svc, stage1 and demo: the trapscope builds run unchanged under QEMU too
for g in svc q-svc; do
	if qemu_run "qemu-$g" "$work/$g.elf" 0; then
		out_has "qemu-$g" "svc: EL0 wfi, hvc, svc taken at VBAR_EL1 + 0x400"
		out_has "qemu-$g" "svc: 36 checks, 0 failed"
	fi
done
for g in stage1 q-stage1 stage1-va48 q-stage1-va48; do
	if qemu_run "qemu-$g" "$work/$g.elf" 0; then
		out_has "qemu-$g" "stage1: hello through the PL011 at VA 0x80000000"
		out_has "qemu-$g" "stage1: alias and code page ok"
		out_has "qemu-$g" "stage1: 11 faults taken by the guest"
		out_has "qemu-$g" "stage1: 76 checks, 0 failed"
	fi
done
out_has qemu-stage1 "stage1: cpu 0, 39-bit VA"
out_has qemu-stage1-va48 "stage1: cpu 0, 48-bit VA"
if qemu_run qemu-demo-same "$work/demo.elf" 0; then
	out_has qemu-demo-same "demo: cpu 0, PSCI 1.1, UART FR = 0x90, hypercall answered -1"
fi
# the failure path: QEMU's virt has nothing at 0x0b000000 either, the fetch is an external
# abort at EL1 the vectors did not expect: code 0xee through semihosting
if qemu_run qemu-fetchfault "$work/q-fetchfault.elf" 238; then
	out_has qemu-fetchfault "fetchfault: jumping to IPA 0x0b000000"
	out_has qemu-fetchfault "unexpected exception ESR=0x86000010 ELR=0xb000000 FAR=0xb000000"
	out_has qemu-fetchfault "a64: FAIL code 238 (0xee) on cpu 0"
	out_lacks qemu-fetchfault "the jump returned"
fi

# ==== trapscope =================================================================================
# Each guest under trapscope: exit status, console, then its trace checked field by field
# against the exits its header lists (the helpers above give the expected values: sym (pcs),
# esr_* (syndromes), MMIO_EXITS and mmio_row_esr (every ISV=1 MMIO exit of mmio.S)).
# A64_TRAPSCOPE=0 skips the section.

# tq RUN FILTER: a jq query on the run's trace (one JSON document).
tq() { jq -r "$2" "$work/$1.json" 2>/dev/null; }
# texpect RUN WHAT FILTER WANT
texpect() { expect_eq "$1: $2" "$(tq "$1" "$3")" "$4"; }
# event_at RUN PC: the first event whose pc is PC, as one line of JSON.
event_at() { jq -c --arg pc "$2" '[.events[] | select(.pc == $pc)][0]' "$work/$1.json"; }
# Every exit: ESR_EL2.IL = 1 (A64 instructions are 32 bits).
common_checks() {
	texpect "$1" "exits with IL = 0" '[.events[] | select(.kind == "exit" and .trap.il != 1)] | length' 0
}

ts_run() { # RUN GUEST STATUS [OPTIONS...]: stdout in $work/RUN.out, stderr RUN.err, trace RUN.json
	local run=$1 guest=$2 want=$3 rc=0
	shift 3
	if [ ! -f "$work/$guest.elf" ]; then
		fail "$run: not run ($guest did not build)"
		return 1
	fi
	timeout "$TIME_LIMIT" "$TRAPSCOPE" run --max-insns "$MAX_INSNS" --trace "$work/$run.json" \
		"$@" "$work/$guest.elf" </dev/null >"$work/$run.out" 2>"$work/$run.err" || rc=$?
	if [ "$rc" -eq "$want" ]; then ok; else
		fail "$run: exit status $rc, expected $want ($*)"
		{ grep -hE '^FAIL|^a64: ' "$work/$run.out" || tail -n 4 "$work/$run.out"; } |
			head -n 10 | sed 's/^/    /'
		tail -n 3 "$work/$run.err" | sed 's/^/    /'
	fi
}

# demo: per console byte an FR read at a64_uart_fr_read (ESR_EL2 0x93820005, FAR
# 0x09000018, value 0x90 into w2) and a DR write at a64_uart_dr_write (0x93000045, FAR
# 0x09000000, data = the byte); one more FR read from main; HVC PSCI_VERSION -> 0x10001;
# HVC x0 = 1 (hypercall, args 0x11 0x22 0x33); SYSTEM_OFF over HVC last. No guest traps.
check_demo() { # RUN
	out_has "$1" "Hello from an EL1 guest, through the PL011!"
	out_has "$1" "demo: cpu 0, PSCI 1.1, UART FR = 0x90, hypercall answered"
	common_checks "$1"
	texpect "$1" "first FR read" '.events[0] | [.trap.esr, .exit.addr, .exit.value, .exit.reg] | join(" ")' \
		"0x93820005 0x9000018 0x90 w2"
	texpect "$1" "PSCI_VERSION" '[.events[] | select(.exit.psci.id == "0x84000000")][0].exit.psci.error' 65537
	texpect "$1" "hypercall" '[.events[] | select(.exit.reason == "hypercall")][0].exit | [.nr, .args[0], .args[1], .args[2]] | join(" ")' \
		"0x1 0x11 0x22 0x33"
	texpect "$1" "HVC resumes at ELR" '[.events[] | select(.trap.ec == 22 and .resume_pc != null and .resume_pc != .trap.elr)] | length' 0
	texpect "$1" "last exit" '.events[-1] | [.exit.reason, .exit.psci.id] | join(" ")' "system_down 0x84000008"
	texpect "$1" "guest traps" '[.events[] | select(.kind == "guest_trap")] | length' 0
}

# mmio: the exits of MMIO_EXITS in that order (mmio_uart_dr once per byte of "mmio: uart
# ok\n"), ESR from mmio_row_esr, FAR = IPA = the address, HPFAR = address >> 8, resume pc + 4;
# for ISV=0 rows the handler's decode (elements, writeback) as listed; then the console
# (a64_uart_*), SYSTEM_OFF. No guest traps.
check_mmio() { # RUN
	out_has "$1" "mmio: uart ok"
	out_has "$1" "mmio: 56 checks, 0 failed" # the QEMU build has 19 more (QIMG)
	common_checks "$1"
	local row label isv dir addr val pc ev
	for row in "${MMIO_EXITS[@]}"; do
		IFS='|' read -r label _ isv dir _ _ _ _ _ addr val <<<"$row"
		if [ "$isv" != 1 ] || [ "$label" = mmio_uart_dr ]; then continue; fi
		pc=$(sym mmio "$label")
		ev=$(event_at "$1" "$pc")
		expect_eq "$1: $label ESR_EL2" "$(jq -r '.trap.esr' <<<"$ev")" "$(mmio_row_esr "$row")"
		expect_eq "$1: $label IPA" "$(jq -r '.trap.ipa' <<<"$ev")" "$addr"
		expect_eq "$1: $label exit" "$(jq -r '[.exit.reason, .exit.addr] | join(" ")' <<<"$ev")" \
			"mmio_$([ "$dir" = w ] && echo write || echo read) $addr"
		case $val in
		0x*) expect_eq "$1: $label value" \
			"$(jq -r "if .exit.reason == \"mmio_write\" then .exit.data else .exit.value end" <<<"$ev")" "$val" ;;
		esac
		expect_eq "$1: $label resumes after it" "$(jq -r '.resume_pc' <<<"$ev")" "$(hx "$pc + 4")"
	done
}

# psci: see psci.c's header: per conduit (HVC ESR 0x5a000000, ELR already + 4; SMC ESR
# 0x5e000000, ELR = a64_smc_insn, + 4) the calls 1-12 with their x0 results; cpu_up target 1
# entry a64_secondary_start context 0x5eed0001 / 0x5eed0002; vCPU 1's console exits and
# cpu_down (CPU_OFF over the round's conduit); CPU_SUSPEND halts until the timer deadline;
# last: SYSTEM_OFF over HVC (or the PSCI_END variant's call).
check_psci() { # RUN [ENDING]
	out_has "$1" "psci: cpu 1 up, context 0x5eed0001"
	out_has "$1" "psci: cpu 1 up, context 0x5eed0002"
	out_has "$1" "psci: 81 checks, 0 failed"
	[ -n "${2:-}" ] && out_has "$1" "psci: ending with $2"
	common_checks "$1"
	texpect "$1" "CPU_ON exits" '[.events[] | select(.exit.reason == "cpu_up") | "\(.exit.target) \(.exit.arg)"] | join(",")' \
		"1 0x5eed0001,1 0x5eed0002"
	texpect "$1" "ALREADY_ON" '[.events[] | select(.exit.psci.function != null and (.exit.psci.id | test("^0x[8c]4000003$")) and .exit.psci.error == -4)] | length > 0' true
	texpect "$1" "HVC never advances ELR" '[.events[] | select(.trap.ec == 22 and .resume_pc != null and .resume_pc != .trap.elr)] | length' 0
	texpect "$1" "SMC resumes after it" '[.events[] | select(.trap.ec == 23 and .resume_pc != null and .exit.reason != "cpu_up")] | map(select((.resume_pc | ltrimstr("0x") | explode | length) == 0)) | length' 0
}

# sysreg: MRS ID_AA64PFR0_EL1 (0x62300029, x1), MRS ID_AA64MMFR0_EL1 (0x6230004f, x2), SMC #0
# SMCCC_VERSION (0x5e000000 -> 0x10001), SMC #0x42 (0x5e000042 -> -1), CPU_ON 1, vCPU 1's console and 0-1 WFI
# (0x07e00000, halt), MSR ICC_SGI1R_EL1 x1 = 0x1000002 (0x623a3036: send_ipi to vCPU 1,
# INTID 1), vCPU 1 CPU_OFF, AFFINITY_INFO polls, SYSTEM_OFF.
check_sysreg() { # RUN
	out_has "$1" "sysreg: IPI delivered"
	out_has "$1" "sysreg: 14 checks, 0 failed" # the QEMU build checks the SMCs' UNDEF too
	common_checks "$1"
	texpect "$1" "MRS ID_AA64PFR0_EL1" '[.events[] | select(.trap.esr == "0x62300029")][0] | [.exit.reason, .trap.sysreg_insn] | join(" ")' \
		"sysreg_read MRS x1, ID_AA64PFR0_EL1"
	texpect "$1" "SMCCC_VERSION over SMC" '[.events[] | select(.trap.esr == "0x5e000000")][0].exit.smccc.error' 65537
	texpect "$1" "ICC_SGI1R_EL1 write" '[.events[] | select(.trap.esr == "0x623a3036")][0].exit | [.reason, .mask, .vector] | join(" ")' \
		"send_ipi 0x2 1"
}

# wfi: WFI exits (0x07e00000, halt until the virtual timer deadline, resume + 4) at
# wfi_cval, wfi_tval and wfi_irq, exactly one each; guest traps (IRQ, VBAR_EL1 + 0x280) with
# ELR_EL1 in [wfi_spin, wfi_spin_done] and = wfi_irq_after; VI lowered once the guest masks
# its timer (ISR_EL1.I checks in the guest).
check_wfi() { # RUN
	out_has "$1" "wfi: timer interrupt taken after WFI"
	out_has "$1" "wfi: 28 checks, 0 failed" # the QEMU build checks the GIC's INTID too
	common_checks "$1"
	local label
	for label in wfi_cval wfi_tval wfi_irq; do
		texpect "$1" "one halt at $label" \
			"[.events[] | select(.exit.reason == \"halt\" and .pc == \"$(sym wfi "$label")\" and .trap.esr == \"0x7e00000\")] | length" 1
	done
	texpect "$1" "timer IRQs taken by the guest" \
		'[.events[] | select(.kind == "guest_trap" and .trap.esr == "0x0")] | length > 0' true
}

# svc: eight guest traps (svc.S's table: ESR_EL1, ELR_EL1, vector) and no exits but the
# console's and SYSTEM_OFF.
check_svc() { # RUN
	out_has "$1" "svc: 36 checks, 0 failed"
	common_checks "$1"
	texpect "$1" "guest traps" '[.events[] | select(.kind == "guest_trap")] | length' 8
	texpect "$1" "exits other than the console's and SYSTEM_OFF" \
		'[.events[] | select(.kind == "exit" and (.exit.reason | test("^mmio_|system_down") | not))] | length' 0
	# svc.S's table, in order: ESR_EL1 of each trap the guest takes itself
	texpect "$1" "guest trap syndromes" '[.events[] | select(.kind == "guest_trap") | .trap.esr] | join(" ")' \
		"0x56001234 0xf2000077 0x2000000 0x1fe00000 0x8a000000 0x7e00000 0x2000000 0x56000055"
	texpect "$1" "guest trap ELRs" '[.events[] | select(.kind == "guest_trap") | .trap.elr] | join(" ")' \
		"$(hx "$(sym "$1" svc_el1) + 4") $(sym "$1" svc_brk) $(sym "$1" svc_udf) $(sym "$1" svc_fp) $(hx "$(sym "$1" svc_el1) + 2") $(sym "$1" svc_el0_wfi) $(sym "$1" svc_el0_hvc) $(hx "$(sym "$1" svc_el0_svc) + 4")"
	texpect "$1" "the SVC #0x1234 trap" '[.events[] | select(.trap.ec == 21)][0] | [.trap.esr, .trap.imm16, .trap.from_el] | join(" ")' "0x56001234 0x1234 1"
}

# stage1: MMIO exits through VA 0x80000000 (FAR_EL2 = the VA, HPFAR_EL2 = 0x90000), eleven
# guest traps (stage1.c's table), with lazily mapped RAM three S1PTW exits first (HPFAR
# 0x47e000, 0x47e010, 0x47e020), SYSTEM_OFF.
check_stage1() { # RUN
	out_has "$1" "stage1: hello through the PL011 at VA 0x80000000"
	out_has "$1" "stage1: 76 checks, 0 failed"
	common_checks "$1"
	texpect "$1" "faults the guest takes itself" '[.events[] | select(.kind == "guest_trap")] | length' 11
	texpect "$1" "the PL011 through VA 0x80000000" '[.events[] | select(.exit.reason == "mmio_write" and .trap.far == "0x80000000")][0].trap | [.hpfar, .ipa] | join(" ")' \
		"0x90000 0x9000000"
}

# fetchfault: the last event is the instruction abort at 0x0b000000 (ESR_EL2 0x82000005, FAR
# 0x0b000000, HPFAR 0xb0000, no resume), status 1, the report names the IPA.
check_fetchfault() { # RUN
	out_has "$1" "fetchfault: jumping to IPA 0x0b000000"
	out_lacks "$1" "the jump returned"
	texpect "$1" "the last exit" '.events[-1] | [.trap.esr, .trap.far, .trap.hpfar, .exit.reason, (.resume_pc // "none")] | join(" ")' \
		"0x82000005 0xb000000 0xb0000 nested_page_fault none"
}

# deadlock: a WFI exit at deadlock_wfi (and deadlock_wfi1 on vCPU 1 for deadlock-smp), then
# the deadlock report, status 1.
check_deadlock() { # RUN
	out_has "$1" "deadlock: waiting in WFI"
	if grep -qi deadlock "$work/$1.err" "$work/$1.out"; then ok; else
		fail "$1: no deadlock report"
	fi
	texpect "$1" "WFI exit at deadlock_wfi" \
		"[.events[] | select(.exit.reason == \"halt\" and .pc == \"$(sym "$1" deadlock_wfi)\")][0].trap.esr" 0x7e00000
}

if [ "${A64_TRAPSCOPE:-1}" = 1 ]; then
	if [ ! -x "$TRAPSCOPE" ]; then
		fail "A64_TRAPSCOPE=1 but TRAPSCOPE=$TRAPSCOPE is not an executable"
	else
		ts_run demo demo 0 && check_demo demo
		ts_run mmio mmio 0 && check_mmio mmio
		ts_run psci psci 0 --harts 2 && check_psci psci
		ts_run psci-off-smc psci-off-smc 0 --harts 2 && check_psci psci-off-smc \
			"SYSTEM_OFF over smc"
		ts_run psci-reset psci-reset 0 --harts 2 && check_psci psci-reset \
			"SYSTEM_RESET over hvc"
		ts_run psci-reset-smc psci-reset-smc 0 --harts 2 && check_psci psci-reset-smc \
			"SYSTEM_RESET over smc"
		ts_run sysreg sysreg 0 --harts 2 && check_sysreg sysreg
		ts_run wfi wfi 0 && check_wfi wfi
		ts_run svc svc 0 && check_svc svc
		ts_run stage1 stage1 0 && check_stage1 stage1
		ts_run stage1-va48 stage1-va48 0 && check_stage1 stage1-va48
		ts_run fetchfault fetchfault 1 && check_fetchfault fetchfault
		ts_run deadlock deadlock 1 && check_deadlock deadlock
		ts_run deadlock-smp deadlock-smp 1 --harts 2 && check_deadlock deadlock-smp
		# the AArch64 traces against the schema of the format (trapscope-trace(5))
		if python3 -c 'import jsonschema' 2>/dev/null; then
			for run in demo mmio psci sysreg svc stage1; do
				if python3 -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' \
					"$work/$run.json" "$top_srcdir/traces/trace.schema.json" 2>"$work/schema.err"
				then ok; else fail "$run: trace does not match the schema: $(tail -n 2 "$work/schema.err")"; fi
			done
		fi
	fi
else
	echo "note: trapscope runs of the AArch64 guests skipped (A64_TRAPSCOPE=1 enables them)"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
