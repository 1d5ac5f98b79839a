#!/usr/bin/env bash
# trapscope trace from the outside: stats and diff on the sample traces in both containers,
# exit codes and one-line errors for bad traces, and every sample checked against the JSON
# Schema of the format.
set -u
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
examples="${top_srcdir:?}/traces/examples"
schema="$top_srcdir/traces/trace.schema.json"

# expect_trace STATUS STDOUT-TEXT ARGS...: exit status, a piece of stdout, nothing on stderr
expect_trace() {
	local want=$1 text=$2 rc=0
	shift 2
	"$TRAPSCOPE" trace "$@" >"$work/out" 2>"$work/err" || rc=$?
	if [ "$rc" -ne "$want" ]; then
		fail "trace $*: exit $rc, expected $want: $(cat "$work/err")"
	elif [ -s "$work/err" ]; then
		fail "trace $*: wrote to stderr: $(cat "$work/err")"
	elif [ -n "$text" ] && ! grep -qF -- "$text" "$work/out"; then
		fail "trace $*: stdout lacks '$text': $(cat "$work/out")"
	else
		ok
	fi
}

# --- stats
expect_trace 0 "mmio_write" stats "$examples/mmio_write.json"
expect_trace 0 "instructions     1240" stats "$examples/mmio_write.json"
expect_trace 0 "guest traps         1" stats "$examples/guest_trap.json"
expect_trace 0 "total               3   100.00%" stats "$examples/guest_trap.json"
expect_trace 0 "system_down" stats "$examples/sbi_dbcn.jsonl"
expect_trace 0 "mmio_read" stats - <"$examples/sbi_dbcn.jsonl"
head -n 3 "$examples/sbi_dbcn.jsonl" >"$work/killed.jsonl" # a killed run: no summary line
expect_trace 0 "instructions unknown" stats "$work/killed.jsonl"
expect_trace 0 "usage: trapscope trace" --help
expect_trace 0 "trapscope trace diff A B" stats --help
expect_stdout_has "read exit traces back" --help

# --- diff: identical, across containers, and changed
for f in "$examples"/*; do
	expect_trace 0 "" diff "$f" "$f"
	[ -s "$work/out" ] && fail "diff of $f with itself printed: $(cat "$work/out")"
done
if command -v jq >/dev/null; then
	# the same events as JSON Lines: header line, events, summary line
	{
		jq -c '{format, version, arch, machine, guest}' "$examples/guest_trap.json"
		jq -c '.events[]' "$examples/guest_trap.json"
		jq -c '{summary}' "$examples/guest_trap.json"
	} >"$work/guest_trap.jsonl"
	expect_trace 0 "" diff "$examples/guest_trap.json" "$work/guest_trap.jsonl"
else
	echo "jq missing: cross-container diff skipped"
fi
sed 's/"addr":"0x10000000"/"addr":"0x10000004"/' "$examples/mmio_write.json" >"$work/moved.json"
expect_trace 1 'exit.addr: "0x10000000" != "0x10000004"' diff "$examples/mmio_write.json" "$work/moved.json"
expect_trace 1 "event 0 (seq 0):" diff "$examples/mmio_write.json" "$work/moved.json"
sed 's/"sign_extend":false,//' "$examples/sbi_dbcn.jsonl" >"$work/nosign.jsonl"
expect_trace 1 "exit.sign_extend: only in A" diff "$examples/sbi_dbcn.jsonl" "$work/nosign.jsonl"
expect_trace 1 "event 1 (seq 1):" diff "$examples/sbi_dbcn.jsonl" "$work/nosign.jsonl"
expect_trace 1 "A has 1 more event" diff "$examples/sbi_dbcn.jsonl" "$work/killed.jsonl"
expect_trace 1 "summary: only in A" diff "$examples/sbi_dbcn.jsonl" "$work/killed.jsonl"
sed 's/"guest":"uart_hello.elf"/"guest":"build\/uart_hello.elf"/' "$examples/mmio_write.json" >"$work/moved_guest.json"
expect_trace 0 "(not counted)" diff "$examples/mmio_write.json" "$work/moved_guest.json"
sed 's/"arch":"riscv64"/"arch":"aarch64"/' "$examples/mmio_write.json" >"$work/arm.json"
expect_trace 1 'arch: "riscv64" != "aarch64"' diff "$examples/mmio_write.json" "$work/arm.json"

# --- bad input: exit 2, one line naming the file, nothing on stdout
good="$examples/mmio_write.json"
: >"$work/empty.json"
printf 'not json\n' >"$work/text.json"
head -c 300 "$good" >"$work/truncated.json"
sed 's/"format":"trapscope-trace"/"format":"other"/' "$good" >"$work/format.json"
sed 's/"version":1/"version":2/' "$good" >"$work/version.json"
sed 's/"seq":0,//' "$good" >"$work/noseq.json"
sed 's/^{"seq":1,.*/[1]/' "$examples/sbi_dbcn.jsonl" >"$work/array.jsonl"
for bad in "$work/empty.json" "$work/text.json" "$work/truncated.json" "$work/format.json" \
	"$work/version.json" "$work/noseq.json" "$work/array.jsonl" "$work/nonexistent.json" "$work"; do
	expect_usage_error trace stats "$bad"
	expect_stderr_has "$bad" trace stats "$bad"
	expect_usage_error trace diff "$good" "$bad"
	expect_usage_error trace diff "$bad" "$good"
done
expect_stderr_has "line 3: not a JSON object" trace stats "$work/array.jsonl"
expect_stderr_has "event 0: \"seq\"" trace stats "$work/noseq.json"
expect_stderr_has "(truncated?)" trace stats "$work/truncated.json"
expect_stderr_has "version 2 is not supported" trace diff "$good" "$work/version.json"

# --- bad usage
expect_usage_error trace
expect_usage_error trace frobnicate
expect_usage_error trace --bogus
expect_usage_error trace stats
expect_usage_error trace stats "$good" "$good"
expect_usage_error trace stats --bogus "$good"
expect_usage_error trace diff "$good"
expect_usage_error trace diff "$good" "$good" "$good"
expect_stderr_has "known: stats, diff" trace frobnicate

# --- the JSON Schema: every sample validates; a broken one does not
if python3 -c 'import jsonschema' 2>/dev/null; then
	if python3 - "$schema" "$examples"/* <<'PY'; then ok; else fail "schema validation"; fi
import json, sys
from jsonschema import Draft202012Validator as V

schema = json.load(open(sys.argv[1]))
V.check_schema(schema)
doc = V(schema)
line = V({"$ref": "#/$defs/jsonl_line", "$defs": schema["$defs"]})
bad = 0
for path in sys.argv[2:]:
    if path.endswith(".jsonl"):
        records = [(line, f"{path}:{n}", json.loads(text))
                   for n, text in enumerate(open(path), 1)]
    else:
        records = [(doc, path, json.load(open(path)))]
    for validator, where, value in records:
        for e in validator.iter_errors(value):
            bad += 1
            print(f"{where}: {'/'.join(map(str, e.absolute_path))}: {e.message}")
# the schema is no rubber stamp: a zero-padded address, a missing width, a guest trap with an
# exit, an unknown key
sample = json.load(open(next(p for p in sys.argv[2:] if p.endswith("/mmio_write.json"))))
for change in (lambda ev: ev.update(pc="0x080000010"),
               lambda ev: ev["exit"].pop("width"),
               lambda ev: ev.update(kind="guest_trap"),
               lambda ev: ev.update(extra=1)):
    broken = json.loads(json.dumps(sample))
    change(broken["events"][0])
    if doc.is_valid(broken):
        bad += 1
        print("schema accepts a broken trace")
sys.exit(1 if bad else 0)
PY
else
	echo "python3 jsonschema module missing (Debian: python3-jsonschema): schema checks skipped"
fi

finish
