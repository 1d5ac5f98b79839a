#!/usr/bin/env bash
# The interactive debugger at a real terminal (tmux): the readline prompt, Tab completion of
# commands, symbols and CSR names, colour (and NO_COLOR), Ctrl-C at the prompt and while a
# guest loops forever, Ctrl-D, and the history file.
set -u
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

if ! command -v tmux >/dev/null; then
	echo "SKIP: tmux missing (Debian: tmux)"
	exit 77
fi
if [ -z "${RISCV_GCC:-}" ]; then
	echo "SKIP: no riscv64 gcc for the looping guest"
	exit 77
fi

# Each session gets its own server: a new server on the socket of one still shutting down
# would fail with "server exited unexpectedly".
sessions=0
sock="$work/tmux.0.sock"
tm() { tmux -S "$sock" "$@"; }
screen() { tm capture-pane -p -t dbg; }
screen_esc() { tm capture-pane -p -e -t dbg; }

# wait_for TEXT: until the pane shows TEXT (10 s at most).
wait_for() {
	for _ in $(seq 100); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	return 1
}
expect_screen() {
	if wait_for "$1"; then ok; else
		fail "$2: the terminal lacks '$1'"
		screen | sed 's/^/    | /'
	fi
}
# The prompt line as it stands now (the last line with the prompt; tmux drops trailing blanks).
prompt_line() { screen | grep -F '(trapscope)' | tail -n 1; }
# prompt_becomes REGEX: until the prompt line matches (5 s at most).
prompt_becomes() {
	for _ in $(seq 50); do
		prompt_line | grep -qE -- "$1" && return 0
		sleep 0.1
	done
	return 1
}

start() { # start [ENV=VALUE...] COMMAND [ARGS...]
	tm kill-server 2>/dev/null || true
	sessions=$((sessions + 1))
	sock="$work/tmux.$sessions.sock"
	tm -f /dev/null new-session -d -s dbg -x 150 -y 50 \
		"env HOME=$work TERM=xterm-256color $* ; sleep 30"
}

printf '.globl _start\n_start:\n\tj _start\n' >"$work/loop.S"
"$RISCV_GCC" -nostdlib -static -no-pie -Wl,--build-id=none \
	-T "$top_srcdir/tests/guests/rv/vs/link.ld" -o "$work/loop.elf" "$work/loop.S"

# ---- the demo: prompt, completion, colour -----------------------------------------------
start "$TRAPSCOPE"
expect_screen "(trapscope)" "prompt"
tm send-keys -t dbg "hel" Tab
if prompt_becomes '\(trapscope\) help$'; then ok; else fail "Tab: 'hel' -> '$(prompt_line)'"; fi
tm send-keys -t dbg C-u "break vs_uart_p" Tab
if prompt_becomes 'break vs_uart_puts$'; then ok; else fail "Tab: symbol -> '$(prompt_line)'"; fi
tm send-keys -t dbg C-u "explain hstatu" Tab
if prompt_becomes 'explain hstatus$'; then ok; else fail "Tab: CSR -> '$(prompt_line)'"; fi
tm send-keys -t dbg Enter
expect_screen "SPV" "explain hstatus runs"
# Ctrl-C at the prompt: the line is dropped, a fresh prompt, the session lives on
tm send-keys -t dbg "some half-typed line" C-c
sleep 0.3
tm send-keys -t dbg "stepi" Enter
expect_screen "<_start+0x4>" "stepi after Ctrl-C at the prompt"
if screen | grep -qF "some half-typed line"; then
	if screen | grep -F "some half-typed line" | grep -q "error"; then fail "Ctrl-C ran the half-typed line"; else ok; fi
else ok; fi
# colour at a terminal
if screen_esc | grep -q $'\033\['; then ok; else fail "no colour at a terminal"; fi
tm send-keys -t dbg C-d
expect_screen "quit" "Ctrl-D quits"
if grep -qx "stepi" "$work/.trapscope_history"; then ok; else
	fail "history file lacks 'stepi': $(cat "$work/.trapscope_history" 2>&1)"
fi

# ---- NO_COLOR ------------------------------------------------------------------------------
start NO_COLOR=1 "$TRAPSCOPE"
expect_screen "(trapscope)" "prompt with NO_COLOR"
tm send-keys -t dbg "rte" Enter
expect_screen "Exit on hart 0" "run-to-exit"
if screen_esc | grep -q $'\033\[[0-9;]*m'; then fail "NO_COLOR: escape sequences"; else ok; fi
tm send-keys -t dbg "quit" Enter

# ---- Ctrl-C stops a guest that loops forever ------------------------------------------------
start "$TRAPSCOPE" debug "$work/loop.elf"
expect_screen "(trapscope)" "prompt (loop guest)"
tm send-keys -t dbg "continue" Enter
sleep 1
tm send-keys -t dbg C-c
expect_screen "Interrupted." "Ctrl-C while the guest runs"
tm send-keys -t dbg "stepi" Enter
expect_screen "=> 0x80200000 <_start>" "the session lives on after Ctrl-C"
tm send-keys -t dbg "quit" Enter
tm kill-server 2>/dev/null || true

finish
