#!/bin/sh
# A fault at every call, in turn (issue 14; the model is SQLite's anomaly
# testing): t/fault/sweep.sh runs an operation once recording its calls,
# then once per call with that call failing, and checks what each run
# left. Here a bounded sweep: single delivery, md-flag and md-move on one
# file system and across two, with four errnos; `make stress-faults`
# sweeps every operation with every errno (see t/fault/README).
. "$(dirname "$0")/lib.sh"

shim=${MDKIT_FAULTLIB:-}
if [ -z "$shim" ] || [ ! -f "$shim" ]; then
	skip_all "no fault shim (MDKIT_FAULTLIB; make all-tests builds it)"
fi
command -v timeout >/dev/null 2>&1 ||
	skip_all "no timeout(1) to bound a run that would hang"

ops="deliver flag move movex"
plan 4

for op in $ops; do
	MDKIT_BIN=$BIN MDKIT_FAULTLIB=$shim TMPDIR=$T \
	    sh "$(dirname "$0")/fault/sweep.sh" -e "EIO ENOSPC ENOMEM short" \
	    "$op" >"$T/sweep" 2>&1
	rc=$?
	summary=$(tail -n 1 "$T/sweep" | sed 's/^# //')
	if grep -q "^$op .*skipped" "$T/sweep"; then
		skip "$op: $(grep "^$op " "$T/sweep" | sed 's/.*skipped: //')"
		continue
	fi
	ok "$rc" "$op: every call failed in turn with EIO, ENOSPC, ENOMEM or a short write: $summary"
	[ "$rc" -eq 0 ] || diag "$(cat "$T/sweep")"
done
