#!/usr/bin/env bash
# trapscope debug driven through stdin, as scripts drive it: stepping, breakpoints, a full
# five-phase step-exit through an MMIO store and through an SBI call, pt on a mapped and an
# unmapped address, explain on live CSRs, x and disas against GNU objdump, trace save read back
# by `trace stats`, bad commands that keep the session alive, and Ctrl-C stopping a guest that
# loops forever.
#
# The guest is the built-in demo (tests/guests/rv/vs/demo.c); its ELF (DEMO_GUEST) gives the
# symbols and instruction words. Expected values come from the specs, worked out here:
#   - the first UART byte is `sb a3,0(a0)` in vs_uart_puts with a0 = 0x10000000 (the UART's
#     THR) and a3 = 'H': a store/AMO guest-page fault, scause 23; vsatp = 0, so
#     stval = GVA = GPA = 0x10000000 and htval = GPA >> 2 = 0x4000000; htinst = the
#     instruction with rs1 and the offset cleared (transformed, bit 1 set: 32-bit).
#   - the first SBI call is DBCN (EID 0x4442434e "DBCN", FID 0 write) of the 46-byte
#     greeting: the answer is a0 = 0, a1 = 46 = 0x2e, and sepc moves 4 past the ecall.
set -u
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

: "${DEMO_GUEST:=}"
if [ -z "$DEMO_GUEST" ] || [ ! -f "$DEMO_GUEST" ]; then
	echo "SKIP: no demo guest ELF (built without riscv64 gcc)"
	exit 77
fi
objdump_bin=${RISCV_OBJDUMP:-riscv64-linux-gnu-objdump}
nm_bin=${objdump_bin%objdump}nm

sym() { "$nm_bin" "$DEMO_GUEST" | awk -v s="$1" '$3 == s { sub(/^0+/, "", $1); print "0x" $1 }'; }
hex() { printf '0x%x' "$1"; }

# session NAME [OPTIONS...]: runs `trapscope debug` with stdin = $work/NAME.cmds.
session() {
	local name=$1
	shift
	rc_of[$name]=0
	timeout 60 "$TRAPSCOPE" debug "$@" <"$work/$name.cmds" >"$work/$name.out" \
		2>"$work/$name.err" || rc_of[$name]=$?
}
declare -A rc_of

# has NAME TEXT: stdout of the session contains TEXT (fixed string).
has() {
	if grep -qF -- "$2" "$work/$1.out"; then ok; else
		fail "$1: output lacks '$2'"
		sed 's/^/    | /' "$work/$1.out" | head -n 60
	fi
}
# has_re NAME REGEX
has_re() {
	if grep -qE -- "$2" "$work/$1.out"; then ok; else fail "$1: output lacks /$2/"; fi
}
lacks() {
	if grep -qF -- "$2" "$work/$1.out"; then fail "$1: output has '$2'"; else ok; fi
}
status_is() {
	if [ "${rc_of[$1]}" -eq "$2" ]; then ok; else
		fail "$1: exit status ${rc_of[$1]}, expected $2: $(head -c 400 "$work/$1.err")"
	fi
}
no_errors() {
	if [ -s "$work/$1.err" ]; then fail "$1: errors: $(head -c 400 "$work/$1.err")"; else ok; fi
}

puts=$(sym vs_uart_puts)
main=$(sym main)
[ -n "$puts" ] && [ -n "$main" ] || { echo "FAIL: no symbols in $DEMO_GUEST"; exit 1; }

# The first sb in vs_uart_puts, and its encoding from objdump.
read -r sb_addr sb_word < <("$objdump_bin" -d "$DEMO_GUEST" |
	awk '/<vs_uart_puts>:/ { f = 1 } f && $3 == "sb" { sub(":", "", $1); print "0x" $1, "0x" $2; exit }')
sb_transformed=$(hex $((sb_word & ~(0x1f << 15) & ~(0x7f << 25) & ~(0x1f << 7))))

# ---- 1. stepping, registers, breakpoints, until ----------------------------------------------
cat >"$work/step.cmds" <<EOF
stepi
regs
si 2
break vs_uart_puts
info breakpoints
continue
info breakpoints
delete 1
info breakpoints
until $main
EOF
session step
status_is step 0
no_errors step
has step "<_start+0x4>"                               # one stepi from the entry
has_re step 't0 +0x0+8\b'                              # li t0,8 retired
has step "Breakpoint 1 at $puts <vs_uart_puts>"
has step "Breakpoint 1, hart 0, VS-mode:"
has step "=> $puts <vs_uart_puts>:"
has_re step '^1 +pc +1 +'"$puts"                       # one hit counted
has step "No breakpoints."
has step "The machine stopped: the guest powered off (SBI SRST shutdown)"  # main was behind us

# ---- 2. five phases through an MMIO store ----------------------------------------------------
cat >"$work/mmio.cmds" <<EOF
break-exit mmio_write
continue
explain scause
step-exit
step-exit
frame
step-exit
step-exit
step-exit
history-exits 3
EOF
session mmio
status_is mmio 0
no_errors mmio
has mmio "Exit breakpoint 1 (mmio_write), Exit on hart 0: store/AMO guest-page fault (scause 23) at $sb_addr <vs_uart_puts+"
has mmio "[2/5] trap entry"
has_re mmio "scause .*-> 0x0+17 "
has_re mmio "stval .*-> 0x0+10000000"
has_re mmio "htval .*-> 0x0+4000000 .*guest physical address 0x10000000"
has_re mmio "htinst .*-> 0x0*${sb_transformed#0x} .*sb a3,0\(zero\)"
has mmio "[3/5] the exit handler"
has mmio "decides:  mmio_write"
has mmio "write of 1 byte: data 0x48 from a3"
has mmio "GPA 0x10000000"
has mmio "[4/5] the machine acts"
has mmio "uart16550: THR <- 0x48 'H'"
has mmio "[5/5] resume"
has mmio "HS-mode -> VS-mode at $(hex $((sb_addr + 4)))"
has mmio "store/AMO guest-page fault" # explain scause on the live value
has_re mmio "mmio_write.*0x10000000"  # history-exits

# ---- 3. five phases through an SBI call -----------------------------------------------------
cat >"$work/sbi.cmds" <<EOF
run-to-exit sbi
step-exit
step-exit
step-exit
step-exit
regs
EOF
session sbi
status_is sbi 0
no_errors sbi
has sbi "environment call from VS-mode (scause 10)"
has sbi "SBI call: a7 = EID 0x4442434e (DBCN), a6 = FID 0"
has sbi "answer: a0 = error 0, a1 = value 0x2e"
has sbi "Hello from a VS-mode guest, through SBI DBCN!"
has_re sbi "a1 +0x0+80201260 -> 0x0+2e"
has sbi "[5/5] resume"
has_re sbi "a1 +0x0+2e"

# ---- 4. pt, x, disas against objdump --------------------------------------------------------
cat >"$work/inspect.cmds" <<EOF
pt gpa:0x80200000
pt gpa:0x10000000
pt gva:$main x
x/s uart_msg
x/xh gpa:$main
disas $main 4
EOF
session inspect
status_is inspect 0
no_errors inspect
has_re inspect "0x80200000.*(HPA|hpa)"
has_re inspect "guest-page fault"
has inspect '"Hello from a VS-mode guest, through the ns16550a UART!\n"'
# x/xh gpa:main reads the low 16 bits of main's first instruction, as objdump shows it
w0=$("$objdump_bin" -d "$DEMO_GUEST" | awk -v a="${main#0x}:" '$1 == a { print substr($2, length($2) - 3); exit }')
has_re inspect "0x0*$w0"
"$objdump_bin" -d --start-address="$main" --stop-address=$((main + 16)) "$DEMO_GUEST" |
	awk -F'\t' '/^ +[0-9a-f]+:/ { gsub(/ +$/, "", $3); print $3 " " $4 }' | head -n 4 >"$work/objdump.txt"
while read -r want; do
	if grep -F -- "<main" "$work/inspect.out" | tr -s ' \t' ' ' | grep -qF -- " $(echo "$want" | tr -s ' \t' ' ')"; then ok; else
		fail "disas main: lacks '$want' (objdump)"
	fi
done <"$work/objdump.txt"

# ---- 5. trace save, read back ---------------------------------------------------------------
cat >"$work/save.cmds" <<EOF
continue
trace save $work/saved.json
trace save $work/saved.jsonl
EOF
session save
status_is save 0
has save "saved"
if "$TRAPSCOPE" trace stats "$work/saved.json" >"$work/stats.out" 2>&1 &&
	grep -q "mmio_write" "$work/stats.out"; then ok; else fail "trace stats saved.json: $(cat "$work/stats.out")"; fi
if "$TRAPSCOPE" trace diff "$work/saved.json" "$work/saved.jsonl" >/dev/null 2>&1; then ok; else
	fail "saved .json and .jsonl traces differ"
fi

# The debugger must not change what the guest does: with an exit breakpoint that never
# matches (every exit's reason is peeked on a copy) and a pc breakpoint never reached (every
# instruction single-stepped), the saved trace equals the trace of a plain run.
cat >"$work/peek.cmds" <<EOF
break-exit cause=99
break-exit system_reset
break 0x1
continue
trace save $work/peek.json
EOF
session peek
status_is peek 0
"$TRAPSCOPE" run --trace "$work/run.json" "$DEMO_GUEST" >/dev/null 2>&1
if "$TRAPSCOPE" trace diff "$work/run.json" "$work/peek.json" >"$work/peek.diff" 2>&1; then ok; else
	fail "debugging changed the run: $(head -n 20 "$work/peek.diff")"
fi
# The same on four harts (HSM start/stop, IPIs, WFI): peeking a HART_START must not start
# the hart twice.
if [ -n "${RISCV_GCC:-}" ]; then
	vs="$top_srcdir/tests/guests/rv/vs"
	"$RISCV_GCC" -march=rv64imac_zicsr_zifencei -mabi=lp64 -mno-riscv-attribute \
		-Wa,-march=rv64imac_zicsr_zifencei_h -O2 -fno-pic -mcmodel=medany -ffreestanding \
		-fno-stack-protector -I"$vs" -nostdlib -nostartfiles -static -no-pie \
		-Wl,--build-id=none -Wl,--no-warn-rwx-segments -T "$vs/link.ld" \
		-o "$work/smp.elf" "$vs/crt.S" "$vs/vslib.c" "$vs/smp.c"
	sed "s|trace save .*|trace save $work/smp-peek.json|" "$work/peek.cmds" >"$work/smp.cmds"
	session smp --harts 4 "$work/smp.elf"
	status_is smp 0
	"$TRAPSCOPE" run --harts 4 --trace "$work/smp-run.json" "$work/smp.elf" >/dev/null 2>&1
	if "$TRAPSCOPE" trace diff "$work/smp-run.json" "$work/smp-peek.json" >"$work/smp.diff" 2>&1
	then ok; else fail "debugging changed the 4-hart run: $(head -n 20 "$work/smp.diff")"; fi
fi

# ---- 6. bad commands and arguments keep the session alive -----------------------------------
cat >"$work/bad.cmds" <<'EOF'
bogus
stepi x
stepi 0
break nosuchsymbol
break
break-exit nosuchreason
delete 99
x/4zw 0x80200000
hart 5
csrs nosuchgroup
explain nosuchcsr
pt bad:0x1000
info
until
trace
help nosuchcommand
regs extra
stepi
EOF
session bad
status_is bad 1
n_cmds=$(grep -c . "$work/bad.cmds")
n_err=$(wc -l <"$work/bad.err")
if [ "$n_err" -eq $((n_cmds - 1)) ]; then ok; else
	fail "bad: $n_err error lines for $((n_cmds - 1)) bad commands: $(cat "$work/bad.err")"
fi
if grep -vq '^error: ' "$work/bad.err"; then fail "bad: a stderr line without 'error: '"; else ok; fi
has bad "<_start+0x4>" # the last command still ran
for want in "'bogus'" "'x'" "nosuchsymbol" "nosuchreason" "99" "hart" "nosuchgroup" "nosuchcsr" "bad:"; do
	if grep -qF -- "$want" "$work/bad.err"; then ok; else fail "bad: no error names $want"; fi
done

# ---- 7. -x FILE, and the demo with no arguments ---------------------------------------------
printf 'stepi\nbogus\nstepi\n' >"$work/x.cmds"
printf 'regs\n' >"$work/after.cmds"
rc=0
"$TRAPSCOPE" debug -x "$work/x.cmds" <"$work/after.cmds" >"$work/x.out" 2>"$work/x.err" || rc=$?
if grep -qF "stopped at line 2" "$work/x.err" && grep -qF "<_start+0x4>" "$work/x.out" &&
	! grep -qF "<_start+0x6>" "$work/x.out" && grep -qE '^ *pc ' "$work/x.out"; then ok; else
	fail "-x: stops at the failing line and goes on with stdin: $(cat "$work/x.out" "$work/x.err")"
fi
expect_usage_error debug -x "$work/nonexistent"
expect_usage_error debug "$work/nonexistent.elf"
expect_usage_error debug --harts 9
rc=0
"$TRAPSCOPE" </dev/null >"$work/noarg.out" 2>&1 || rc=$?
if [ "$rc" -eq 0 ] && grep -qF "built-in demo" "$work/noarg.out"; then ok; else
	fail "trapscope with no arguments: $(cat "$work/noarg.out")"
fi

# ---- 8. every command has help and a man page entry ----------------------------------------
echo help | "$TRAPSCOPE" debug >"$work/help.out" 2>&1
man_page="$top_srcdir/man/trapscope.1"
names=$(awk '/^  [a-z]/ { print $1 }' "$work/help.out")
[ "$(echo "$names" | wc -w)" -ge 20 ] && ok || fail "help lists too few commands: $names"
for name in $names; do
	if echo "help $name" | "$TRAPSCOPE" debug 2>&1 | grep -q "^$name "; then ok; else
		fail "help $name: no description"
	fi
	man_name=$(printf '%s' "$name" | sed 's/-/\\\\-/g')
	if grep -qE "^\.(B|BR|BI) \"?$man_name( |\"|/|$)" "$man_page" ||
		grep -qE "^\.(B|BR|BI) \"?(info|trace) $name" "$man_page"; then ok; else
		fail "man page lacks an entry for '$name'"
	fi
done

# ---- 9. Ctrl-C stops a guest that loops forever ---------------------------------------------
if [ -n "${RISCV_GCC:-}" ]; then
	printf '.globl _start\n_start:\n\tj _start\n' >"$work/loop.S"
	"$RISCV_GCC" -nostdlib -static -no-pie -Wl,--build-id=none \
		-T "$top_srcdir/tests/guests/rv/vs/link.ld" -o "$work/loop.elf" "$work/loop.S"
	mkfifo "$work/loop.in"
	timeout 30 "$TRAPSCOPE" debug "$work/loop.elf" <"$work/loop.in" >"$work/loop.out" 2>&1 &
	pid=$!
	exec 3>"$work/loop.in"
	for _ in $(seq 50); do grep -q "=> 0x" "$work/loop.out" && break; sleep 0.1; done
	echo continue >&3
	sleep 1
	pkill -INT -P "$pid" trapscope 2>/dev/null || kill -INT "$pid"
	sleep 0.5
	echo regs >&3
	echo quit >&3
	exec 3>&-
	rc=0
	wait "$pid" || rc=$?
	if [ "$rc" -eq 0 ] && grep -qF "Interrupted." "$work/loop.out" &&
		grep -qE '^ *pc +0x0*80200000' "$work/loop.out"; then ok; else
		fail "Ctrl-C: exit $rc: $(cat "$work/loop.out")"
	fi
else
	echo "no riscv64 gcc: the Ctrl-C check is skipped"
fi

finish
