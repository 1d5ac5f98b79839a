# Shared helpers for the shell tests: each check prints one line; the closing line counts them.
# Needs TRAPSCOPE (the binary under test), set by the automake test environment.
: "${TRAPSCOPE:?TRAPSCOPE must name the trapscope binary}"
passed=0
failed=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ok() { passed=$((passed + 1)); }
fail() {
	failed=$((failed + 1))
	echo "FAIL: $*"
}

# expect_usage_error ARGS...: exit 2, exactly one line on stderr, nothing on stdout.
expect_usage_error() {
	local rc=0
	"$TRAPSCOPE" "$@" >"$work/out" 2>"$work/err" || rc=$?
	local lines
	lines=$(wc -l <"$work/err")
	if [ "$rc" -ne 2 ]; then
		fail "trapscope $* exited $rc, expected 2"
	elif [ "$lines" -ne 1 ] || ! grep -q '^trapscope: ' "$work/err"; then
		fail "trapscope $*: expected one 'trapscope: ...' line on stderr, got: $(cat "$work/err")"
	elif [ -s "$work/out" ]; then
		fail "trapscope $*: printed to stdout on error"
	else
		ok
	fi
}

# expect_stderr_has TEXT ARGS...: the error line names the input.
expect_stderr_has() {
	local text=$1
	shift
	"$TRAPSCOPE" "$@" >/dev/null 2>"$work/err" || true
	if grep -qF -- "$text" "$work/err"; then ok; else fail "trapscope $*: stderr lacks '$text': $(cat "$work/err")"; fi
}

# expect_json_eq JQ-FILTER EXPECTED ARGS...: runs with --json and compares one value.
expect_json_eq() {
	local filter=$1 expected=$2
	shift 2
	local got
	if ! "$TRAPSCOPE" "$@" >"$work/json" 2>"$work/err"; then
		fail "trapscope $* failed: $(cat "$work/err")"
		return
	fi
	if ! got=$(jq -r "$filter" "$work/json" 2>&1); then
		fail "trapscope $*: output is not JSON or filter $filter failed: $got"
	elif [ "$got" != "$expected" ]; then
		fail "trapscope $*: $filter = '$got', expected '$expected'"
	else
		ok
	fi
}

# expect_stdout_has TEXT ARGS...
expect_stdout_has() {
	local text=$1
	shift
	local rc=0
	"$TRAPSCOPE" "$@" >"$work/out" 2>"$work/err" || rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "trapscope $* exited $rc: $(cat "$work/err")"
	elif grep -qF -- "$text" "$work/out"; then ok; else fail "trapscope $*: stdout lacks '$text'"; fi
}

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
