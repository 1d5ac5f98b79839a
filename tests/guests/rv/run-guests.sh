#!/bin/sh
# Builds the bare-metal RISC-V guest suites (tests/guests/rv/test_*.c) and runs each one under
# trapscope, and under QEMU as an independent oracle when it is installed.
#
# Environment: TRAPSCOPE (the binary to test), RISCV_GCC (cross compiler, default
# riscv64-linux-gnu-gcc; exit 77 = skip without one), QEMU_RISCV64 (default
# qemu-system-riscv64 when on PATH; no QEMU runs without it), top_srcdir.
#
# Runs per suite: trapscope with htinst transformed; the htinst suite again built with
# -DTS_HTINST_ZERO under --htinst zero; QEMU with a -DTS_ORACLE_QEMU build, which relaxes
# exactly the checks where QEMU 7.2 departs from the spec and prints each one. A run passes
# when the program exits through the finisher with pass and printed no sanitizer report.
set -u

here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(cd "$here/../../.." && pwd)}"
guests=$top_srcdir/tests/guests/rv
: "${RISCV_GCC:=riscv64-linux-gnu-gcc}"
: "${TRAPSCOPE:=./trapscope}"
: "${QEMU_RISCV64:=$(command -v qemu-system-riscv64 || true)}"
MAX_INSNS=${MAX_INSNS:-200000000}
TIME_LIMIT=${TIME_LIMIT:-60}

if ! command -v "$RISCV_GCC" >/dev/null 2>&1; then
	echo "SKIP: no RISC-V cross compiler ($RISCV_GCC)"
	exit 77
fi
if [ ! -x "$TRAPSCOPE" ]; then
	echo "ERROR: TRAPSCOPE=$TRAPSCOPE is not an executable"
	exit 99
fi
if [ -n "$QEMU_RISCV64" ] && ! command -v "$QEMU_RISCV64" >/dev/null 2>&1; then
	QEMU_RISCV64=
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/trapscope-guests.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM

# The C code avoids F/D (the hart has none); the assembler also accepts the H instructions.
CFLAGS="-march=rv64imac_zba_zbb_zicsr_zifencei -mno-riscv-attribute
	-Wa,-march=rv64imac_zba_zbb_zicsr_zifencei_h -mabi=lp64 -O2 -Wall -Wextra
	-fno-pic -mcmodel=medany -ffreestanding -fno-stack-protector -I$guests"
LDFLAGS="-nostdlib -nostartfiles -static -no-pie -Wl,--build-id=none
	-Wl,--no-warn-rwx-segments -T $guests/link.ld"

passed=0
failed=0

# build VARIANT DEFINES: the framework objects for one build variant.
build_lib() {
	mkdir -p "$work/$1" || return 1
	for src in crt0.S vectors.S testlib.c; do
		# shellcheck disable=SC2086
		"$RISCV_GCC" $CFLAGS $2 -c "$guests/$src" -o "$work/$1/$src.o" || return 1
	done
}

# build_suite VARIANT DEFINES SUITE: prints nothing, leaves $work/VARIANT/SUITE.elf.
build_suite() {
	# shellcheck disable=SC2086
	"$RISCV_GCC" $CFLAGS $2 $LDFLAGS -o "$work/$1/$3.elf" "$work/$1/crt0.S.o" \
		"$work/$1/vectors.S.o" "$work/$1/testlib.c.o" "$guests/$3.c"
}

# report NAME LOG STATUS: one PASS/FAIL line; the log's failures and its end on FAIL.
report() {
	summary=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$2" | tail -n 1)
	if [ "$3" -eq 0 ] && ! grep -qE 'runtime error:|AddressSanitizer|LeakSanitizer' "$2"; then
		echo "PASS $1: ${summary:-no summary}"
		passed=$((passed + 1))
	else
		echo "FAIL $1 (exit $3): ${summary:-no summary}"
		grep -E '^FAIL |runtime error:|Sanitizer|trapscope:' "$2" | head -n 40 | sed 's/^/    /'
		failed=$((failed + 1))
	fi
}

run_trapscope() { # NAME ELF [OPTIONS...]
	name=$1 elf=$2
	shift 2
	log=$work/$(basename "$(dirname "$elf")")-$(basename "$elf").log
	timeout "$TIME_LIMIT" "$TRAPSCOPE" run --machine bare --max-insns "$MAX_INSNS" "$@" \
		"$elf" >"$log" 2>&1
	report "$name" "$log" $?
}

run_qemu() { # NAME ELF
	log=$work/qemu-$(basename "$2").log
	timeout "$TIME_LIMIT" "$QEMU_RISCV64" -M virt -cpu rv64,h=true,sstc=true,zba=true,zbb=true \
		-bios none -nographic -m 128M -icount shift=0 -kernel "$2" </dev/null >"$log" 2>&1
	report "$1" "$log" $?
}

suites=
for f in "$guests"/test_*.c; do
	s=$(basename "$f" .c)
	suites="$suites $s"
done

variants="ts:"
[ -n "$QEMU_RISCV64" ] && variants="$variants qemu:-DTS_ORACLE_QEMU"
variants="$variants zero:-DTS_HTINST_ZERO"
for v in $variants; do
	name=${v%%:*}
	defs=${v#*:}
	if ! build_lib "$name" "$defs"; then
		echo "FAIL building the framework ($name)"
		exit 1
	fi
done

for s in $suites; do
	if ! build_suite ts "" "$s"; then
		echo "FAIL $s: does not build"
		failed=$((failed + 1))
		continue
	fi
	run_trapscope "trapscope $s" "$work/ts/$s.elf"
	if [ "$s" = test_htinst ] && build_suite zero -DTS_HTINST_ZERO "$s"; then
		run_trapscope "trapscope --htinst zero $s" "$work/zero/$s.elf" --htinst zero
	fi
	if [ -n "$QEMU_RISCV64" ] && build_suite qemu -DTS_ORACLE_QEMU "$s"; then
		run_qemu "qemu $s" "$work/qemu/$s.elf"
	fi
done
[ -n "$QEMU_RISCV64" ] || echo "note: no qemu-system-riscv64, oracle runs skipped"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
