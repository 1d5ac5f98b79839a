#!/bin/sh
# src/hv/ must build for a bare hypervisor: every file compiles with -ffreestanding -nostdlib
# for riscv64 and for aarch64 (there with -mgeneral-regs-only: EL2 code must leave the FP/SIMD
# registers, which hold the guest's state, alone), the objects link into one relocatable object
# with no undefined symbol (no memcpy/memset the compiler slipped in, no libc), and the sources
# include nothing but <stdint.h>, <stddef.h>, <stdbool.h> and their own headers.
#
# Environment: RISCV_GCC (default riscv64-linux-gnu-gcc), AARCH64_GCC (default
# aarch64-linux-gnu-gcc), top_srcdir (default: this script's parent directory). Exit 0 when all
# holds, 1 when not, 77 (skip) when a cross compiler is missing and nothing else is wrong.

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

# build CC NAME [FLAGS...]: compile each file, link them into one object, list undefined
# symbols (with the nm beside CC)
build() {
	cc=$1
	nm=${cc%gcc}nm
	name=$2
	shift 2
	dir=$tmp/$name
	mkdir -p "$dir"
	for src in "$hv"/*.c; do
		obj=$dir/$(basename "$src" .c).o
		"$cc" -ffreestanding -nostdlib -O2 -Wall -Wextra -Werror "$@" -I"$top/src" \
			-c "$src" -o "$obj" || {
			fail "$name: $src does not compile freestanding"
			return
		}
	done
	"$cc" -nostdlib -no-pie -Wl,-r -o "$dir/hv.o" "$dir"/hv_*.o || {
		fail "$name: the objects do not link into one"
		return
	}
	undefined=$("$nm" -u "$dir/hv.o") || {
		fail "$name: $nm failed"
		return
	}
	if test -n "$undefined"; then
		fail "$name: undefined symbols in src/hv:"
		printf '%s\n' "$undefined"
		return
	fi
	echo "ok: $name freestanding build, no undefined symbols"
}

missing=
# for_target CC NAME [FLAGS...]: build for that target, or note the compiler is missing
for_target() {
	if command -v "$1" >/dev/null 2>&1; then
		build "$@"
	else
		echo "SKIP: no $2 compiler ($1)"
		missing=yes
	fi
}

for_target "${RISCV_GCC:-riscv64-linux-gnu-gcc}" riscv64
for_target "${AARCH64_GCC:-aarch64-linux-gnu-gcc}" aarch64 -mgeneral-regs-only

test $status -eq 0 && test -n "$missing" && exit 77
exit $status
