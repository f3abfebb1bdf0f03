#!/bin/sh
# Every program at once on one maildir and its folders .A and .B
# (t/stress/lib.sh): deliverers, md-flag, md-move between the folders
# and back, md-expunge of what is trashed, md-index, md-list and
# md-check. Every delivered message is there or was expunged on
# purpose, none twice; every path md-list printed existed; no program
# exits with a status it may not give under concurrency.
#
# Bounded by counts: 3 deliverers of 100 messages each here; each other
# program runs 30 times at least, and on while they deliver, 2000 times
# at most (MDKIT_STRESS_* set more for make stress).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/crash/lib.sh"
. "$(dirname "$0")/stress/lib.sh"

have_crash_helpers || skip_all "no $MSG (make all-tests builds it)"

plan "$STRESS_TESTS"
diag "seed $CRASH_SEED (MDKIT_CRASH_SEED repeats the choices, not the timing)"
stress_concurrency "${MDKIT_STRESS_DELIVERERS:-3}" \
    "${MDKIT_STRESS_MESSAGES:-100}" "${MDKIT_STRESS_MINOPS:-30}" \
    "${MDKIT_STRESS_OPS:-2000}"
