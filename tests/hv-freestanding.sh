#!/bin/sh
# src/hv/ must build for a bare hypervisor: every file compiles with -ffreestanding -nostdlib
# for riscv64 (and aarch64 when that cross compiler is installed), the objects link into one
# relocatable object with no undefined symbol (no memcpy/memset the compiler slipped in, no
# libc), and the sources include nothing but <stdint.h>, <stddef.h>, <stdbool.h> and their own
# headers.
#
# Environment: RISCV_GCC (default riscv64-linux-gnu-gcc), top_srcdir (default: this script's
# parent directory). Exit 0 when all holds, 1 when not, 77 (skip) without a riscv64 compiler
# and nothing else wrong.

top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
hv=$top/src/hv
status=0
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*"
	status=1
}

# ---- includes -------------------------------------------------------------------------------
for f in "$hv"/*.c "$hv"/*.h; do
	grep -n '^[[:space:]]*#[[:space:]]*include' "$f" | while IFS= read -r line; do
		header=$(printf '%s\n' "$line" | sed 's/^[0-9]*:[[:space:]]*#[[:space:]]*include[[:space:]]*//')
		case $header in
		'<stdint.h>' | '<stddef.h>' | '<stdbool.h>') ;;
		'"hv/'*'"')
			name=${header#\"hv/}
			name=${name%\"}
			test -f "$hv/$name" || echo "${f#"$top"/}: $header is no header of src/hv"
			;;
		*) echo "${f#"$top"/}: $header is not allowed in src/hv" ;;
		esac
	done
done >"$tmp/includes"
if test -s "$tmp/includes"; then
	fail "src/hv includes more than it may:"
	cat "$tmp/includes"
fi

# ---- freestanding builds --------------------------------------------------------------------

# build CC NM NAME: compile each file, link them into one object, list undefined symbols
build() {
	cc=$1
	nm=$2
	dir=$tmp/$3
	mkdir -p "$dir"
	for src in "$hv"/*.c; do
		obj=$dir/$(basename "$src" .c).o
		"$cc" -ffreestanding -nostdlib -O2 -Wall -Wextra -Werror -I"$top/src" \
			-c "$src" -o "$obj" || {
			fail "$3: $src does not compile freestanding"
			return
		}
	done
	"$cc" -nostdlib -no-pie -Wl,-r -o "$dir/hv.o" "$dir"/hv_*.o || {
		fail "$3: the objects do not link into one"
		return
	}
	undefined=$("$nm" -u "$dir/hv.o") || {
		fail "$3: $nm failed"
		return
	}
	if test -n "$undefined"; then
		fail "$3: undefined symbols in src/hv:"
		printf '%s\n' "$undefined"
		return
	fi
	echo "ok: $3 freestanding build, no undefined symbols"
}

riscv_cc=${RISCV_GCC:-riscv64-linux-gnu-gcc}
if ! command -v "$riscv_cc" >/dev/null 2>&1; then
	echo "SKIP: no riscv64 compiler (set RISCV_GCC)"
	test $status -eq 0 && exit 77
	exit $status
fi
build "$riscv_cc" "${riscv_cc%gcc}nm" riscv64

arm_cc=aarch64-linux-gnu-gcc
if command -v "$arm_cc" >/dev/null 2>&1; then
	build "$arm_cc" aarch64-linux-gnu-nm aarch64
else
	echo "note: $arm_cc is not installed; the aarch64 build is skipped"
fi

exit $status
