#!/bin/sh
# SIGKILL at random moments (t/crash/lib.sh): single and multi-target
# deliveries, an mbox import, moves across file systems, md-flag and
# md-index. Afterwards every message that was delivered is there once,
# whole; no file in new/ or cur/ is partial; a move left its message in
# one place or both; the cache opens or is known damaged; md-check
# finds only what --repair repairs, and nothing after it.
#
# A bounded number of kills (MDKIT_CRASH_KILLS a scenario, 20 here);
# make stress-crash runs many more.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/crash/lib.sh"

have_crash_helpers || skip_all "no $KILLAT or $MSG (make all-tests builds them)"
K=${MDKIT_CRASH_KILLS:-20}
MBOX=${MDKIT_CRASH_MBOX:-200}

plan $((6 * CRASH_TESTS))
diag "seed $CRASH_SEED (MDKIT_CRASH_SEED repeats this run)"

crash_deliver "$K"
crash_multi "$K"
crash_mbox "$K" "$MBOX"
crash_move "$K" 40
crash_flag "$K" 200
crash_index "$K" 300
