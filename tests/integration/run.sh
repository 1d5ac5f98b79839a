#!/usr/bin/env bash
# trapscope run from the outside: every way a program can end, console output, and hostile or
# malformed input (one line on stderr, exit 2, no crash).
set -u
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
gcc=${RISCV_GCC:-riscv64-linux-gnu-gcc}
command -v "$gcc" >/dev/null || { echo "no RISC-V cross compiler: SKIP"; exit 77; }
guest="${top_srcdir:?}/tests/guests/rv"

build() { # build NAME SOURCE... : a bare-machine guest in $work
	local name=$1
	shift
	"$gcc" -march=rv64gc -mabi=lp64 -O2 -fno-pic -mcmodel=medany -ffreestanding -nostdlib \
		-nostartfiles -static -no-pie -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
		-T "$guest/link.ld" -I"$guest" -o "$work/$name.elf" "$@"
}

# expect_run STATUS STDERR-TEXT ARGS...: exit status and a piece of the message (bare machine:
# these programs run from M-mode; the virt machine's guests are tested by tests/guests/rv/vs)
expect_run() {
	local want=$1 text=$2 rc=0
	shift 2
	"$TRAPSCOPE" run --machine bare "$@" >"$work/out" 2>"$work/err" || rc=$?
	if [ "$rc" -ne "$want" ]; then
		fail "run $*: exit $rc, expected $want: $(cat "$work/err")"
	elif [ -n "$text" ] && ! grep -qF -- "$text" "$work/err"; then
		fail "run $*: stderr lacks '$text': $(cat "$work/err")"
	else
		ok
	fi
}

cat >"$work/pass.c" <<'C'
#include "bare.h"
int main(void) { put_str("hello from the guest\n"); return 0; }
C
cat >"$work/fail3.c" <<'C'
int main(void) { return 3; }
C
cat >"$work/htif.S" <<'S'
	.section .text.init
	.globl _start
_start:	la t0, tohost
	li t1, VALUE
	sd t1, 0(t0)
1:	j 1b
	.section .tohost, "aw"
	.align 3
	.globl tohost
tohost:	.dword 0
	.globl fromhost
fromhost: .dword 0
S
cat >"$work/spin.S" <<'S'
	.section .text.init
	.globl _start
_start:	j _start
S
cat >"$work/wfi.S" <<'S'
	.section .text.init
	.globl _start
_start:	csrw mie, zero
	wfi
	j _start
S
cat >"$work/nowhere.S" <<'S'
	.section .text.init
	.globl _start
_start:	li t0, 0x40000000	/* no memory, no device: every fetch there faults */
	jr t0
S

build pass "$guest/crt0.S" "$work/pass.c"
build fail3 "$guest/crt0.S" "$work/fail3.c"
build htif_pass -DVALUE=1 "$work/htif.S"
build htif_fail5 -DVALUE=11 "$work/htif.S" # (5 << 1) | 1: test 5 failed
build spin "$work/spin.S"
build wfi "$work/wfi.S"
build nowhere "$work/nowhere.S"

# --- how programs end
expect_run 0 "" "$work/pass.elf"
if grep -qx "hello from the guest" "$work/out"; then ok; else fail "UART output missing: $(cat "$work/out")"; fi
expect_run 0 "" "$work/htif_pass.elf"
expect_run 1 "test 3 failed" "$work/fail3.elf"
expect_run 1 "test 5 failed" "$work/htif_fail5.elf"
expect_run 1 "still running after" --max-insns 1000 "$work/spin.elf"
expect_run 1 "waits in WFI" "$work/wfi.elf"
# a jump to nowhere is an instruction access fault, taken again and again at mtvec = 0
expect_run 1 "still running after" --max-insns 10000 --stats "$work/nowhere.elf"
if grep -q "instruction access fault" "$work/err"; then ok; else fail "no fetch faults counted: $(cat "$work/err")"; fi
expect_run 0 "" --stats "$work/pass.elf"
if grep -q "^instructions " "$work/err"; then ok; else fail "--stats printed no counts"; fi

# --- bad input: exit 2, one line
expect_usage_error run
expect_usage_error run "$work/nonexistent.elf"
expect_usage_error run --machine nosuch "$work/pass.elf"
expect_stderr_has "expected virt, bare" run --machine nosuch "$work/pass.elf"
# options of the virt machine
for bad in "--mem 3K" "--mem 12Q" "--mem 0x100001" "--mem 9G" "--ram sometimes" "--harts 0" \
	"--harts 9" "--harts two"; do
	# shellcheck disable=SC2086
	expect_usage_error run $bad "$work/pass.elf"
done
expect_usage_error run --machine bare --trace "$work/t.json" "$work/pass.elf"
expect_usage_error run --machine bare --harts 2 "$work/pass.elf"
expect_usage_error run --trace "$work/no/such/dir/t.json" "$work/pass.elf"
if [ ! -e "$work/t.json" ]; then ok; else fail "a trace file was left behind after bad input"; fi
expect_usage_error run --max-insns 0 "$work/pass.elf"
expect_usage_error run --max-insns 12x "$work/pass.elf"
expect_usage_error run --htinst sometimes "$work/pass.elf"
expect_usage_error run "$work/pass.elf" "$work/pass.elf"
printf 'not an elf file at all' >"$work/text.elf"
expect_usage_error run "$work/text.elf"
head -c 100 "$work/pass.elf" >"$work/truncated.elf"
expect_usage_error run "$work/truncated.elf"
cp "$work/pass.elf" "$work/arm.elf" # e_machine (offset 18) = 183, EM_AARCH64
printf '\267\000' | dd of="$work/arm.elf" bs=1 seek=18 conv=notrunc status=none
expect_usage_error run "$work/arm.elf"
expect_stderr_has "AArch64" run --machine bare "$work/arm.elf"
expect_stderr_has "nonexistent.elf" run "$work/nonexistent.elf"
: >"$work/empty.elf"
expect_usage_error run "$work/empty.elf"
expect_usage_error run "$work"

finish
