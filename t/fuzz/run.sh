#!/bin/sh
# Runs the libFuzzer targets that make fuzz built, one after another.
#
#	sh t/fuzz/run.sh O SECONDS [NAME ...]
#
# Each target O/fuzz/fuzz-NAME runs for SECONDS, one process (no -jobs),
# over its seeds (t/fuzz/corpus/NAME, read only) and the corpus it grows
# (O/corpus/NAME); t/fuzz/NAME.options adds flags (-max_len, -dict...).
# A crash, leak, timeout or out-of-memory input is saved in
# t/fuzz/crashes/NAME/ and stops that target; the others still run.
# The whole log is O/fuzz/NAME.log; a line per target tells what it got:
# the CPU seconds (user + system) the process took, its executions and
# the coverage libFuzzer reached. Exit 1 when any target failed.
set -u
O=$1
SECONDS_EACH=$2
shift 2
[ $# -gt 0 ] || set -- $(ls t/fuzz/*.c | sed -n 's,^t/fuzz/\(.*\)\.c$,\1,p' |
    grep -v '^replay$')

failed=
for name; do
	bin=$O/fuzz/fuzz-$name
	if [ ! -x "$bin" ]; then
		echo "fuzz: no $bin" >&2
		failed="$failed $name"
		continue
	fi
	mkdir -p "$O/corpus/$name" "t/fuzz/crashes/$name"
	opts=
	[ -f "t/fuzz/$name.options" ] && opts=$(cat "t/fuzz/$name.options")
	log=$O/fuzz/$name.log
	echo "== fuzz $name: $SECONDS_EACH s"
	# shellcheck disable=SC2086
	/usr/bin/time -f 'cpu %U %S' -o "$O/fuzz/$name.time" \
	    "$bin" -max_total_time="$SECONDS_EACH" -timeout=25 \
	    -rss_limit_mb=2048 -malloc_limit_mb=1024 -print_final_stats=1 \
	    -artifact_prefix="t/fuzz/crashes/$name/" $opts \
	    "$O/corpus/$name" "t/fuzz/corpus/$name" >"$log" 2>&1
	rc=$?
	cpu=$(awk '/^cpu /{printf "%.0f", $2 + $3}' "$O/fuzz/$name.time")
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 |
	    sed -n 's/.*\(cov: [0-9]* ft: [0-9]* corp: [^ ]*\).*/\1/p')
	echo "   $name: ${cpu:-?} CPU s, ${runs:-?} runs, ${cov:-no coverage line}"
	if [ "$rc" -ne 0 ]; then
		echo "   $name FAILED (exit $rc): see $log" >&2
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*invariant broken|artifact_prefix|Test unit written)' \
		    "$log" | head -n 8 >&2
		failed="$failed $name"
	fi
done
if [ -n "$failed" ]; then
	echo "fuzz: failed:$failed" >&2
	exit 1
fi
