#!/bin/sh
# Differential test: trapscope's RISC-V disassembly against GNU objdump (binutils 2.40, whose
# default spelling trapscope follows). tests/diff/rv_objdump writes random encodings per
# instruction class into an ELF object plus trapscope's text for each; this script runs objdump
# on the object and compares instruction by instruction: mnemonic and operands exactly, after
# normalising whitespace, dropping objdump's "# address" comments (it tracks lui/auipc values
# across instructions; trapscope spells one instruction at a time) and reading objdump's data
# directives (.2byte/.4byte) and its c.unimp (0x0000, the defined illegal instruction) as
# "unknown".
#
# Environment: RISCV_OBJDUMP (default: riscv64-linux-gnu-objdump or riscv64-unknown-elf-objdump
# from PATH). Run from the build directory. Exit 0 when all agree, 1 on a mismatch, 77 (skip)
# without a usable objdump, 99 on a hard error.

gen=tests/diff/rv_objdump
objdump=${RISCV_OBJDUMP:-}
if [ -z "$objdump" ]; then
	for candidate in riscv64-linux-gnu-objdump riscv64-unknown-elf-objdump; do
		if command -v "$candidate" >/dev/null 2>&1; then
			objdump=$candidate
			break
		fi
	done
fi
if [ -z "$objdump" ] || ! command -v "$objdump" >/dev/null 2>&1; then
	echo "SKIP: no RISC-V objdump (set RISCV_OBJDUMP)"
	exit 77
fi
version=$("$objdump" --version | head -n 1)
case "$version" in
*" 2.40" | *" 2.40."*) ;;
*)
	echo "SKIP: trapscope spells instructions as binutils 2.40 does; found: $version"
	exit 77
	;;
esac

tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
"$gen" "$tmp/insns.elf" "$tmp/expected.txt" || exit 99
"$objdump" -d -z "$tmp/insns.elf" >"$tmp/objdump.txt" || exit 99

awk -F '\t' '
function squeeze(s) {
	gsub(/[ \t]+/, " ", s)
	sub(/^ /, "", s)
	sub(/ $/, "", s)
	return s
}
FNR == NR {
	addr[NR] = $1
	class[$1] = $2
	want[$1] = squeeze($3)
	n_expected = NR
	next
}
/^ *[0-9a-f]+:\t/ {
	a = $1
	sub(/^ */, "", a)
	sub(/:$/, "", a)
	bytes = squeeze($2)
	text = $3
	for (i = 4; i <= NF; i++)
		text = text " " $i
	sub(/ #.*$/, "", text)
	text = squeeze(text)
	if (text ~ /^\.(2|4)byte / || (bytes == "0000" && text == "unimp"))
		text = "unknown"
	got[a] = text
	raw[a] = bytes
	if (!(a in want))
		stray[++n_stray] = a ": " text
}
END {
	passed = failed = 0
	for (i = 1; i <= n_expected; i++) {
		a = addr[i]
		c = class[a]
		if (!(c in seen)) {
			seen[c] = 1
			order[++n_classes] = c
		}
		total[c]++
		if ((a in got) && got[a] == want[a]) {
			passed++
			agree[c]++
			continue
		}
		failed++
		if (failed <= 30)
			printf("MISMATCH %s [%s] %s: trapscope \"%s\", objdump \"%s\"\n", a, c,
			       raw[a], want[a], (a in got) ? got[a] : "(no line)")
	}
	for (i = 1; i <= n_classes; i++) {
		c = order[i]
		printf("  %-36s %5d/%d\n", c, agree[c], total[c])
	}
	# objdump split the stream differently: an instruction length disagrees.
	for (i = 1; i <= n_stray && i <= 30; i++)
		printf("STRAY objdump line at %s\n", stray[i])
	failed += n_stray
	printf("%d passed, %d failed\n", passed, failed)
	exit failed != 0 || passed == 0
}' "$tmp/expected.txt" "$tmp/objdump.txt"
