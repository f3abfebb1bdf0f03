#!/bin/sh
# Power cuts, not only process death (t/crash/power.sh, power.pl): one
# run of each operation is recorded with strace, and every state a power
# cut could leave (changes not yet made durable by an fsync of the file
# or of its directory lost, made, or reordered) is built and judged: no
# partial message, nothing lost that was there or reported delivered, a
# move in its source or target, the cache and maildirsize valid or known
# to need a rebuild. Then the checker is shown failing: the same trace
# with the fsync of new/ taken out, and with the message's fsync.
#
# At most MDKIT_POWER_MAX states a point (64 here); make stress-power
# tries more, with more messages.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/crash/lib.sh"
. "$(dirname "$0")/crash/power.sh"

have_crash_helpers || skip_all "no $MSG (make all-tests builds it)"
have_strace || skip_all "strace is missing or may not trace here"
command -v perl >/dev/null 2>&1 || skip_all "no perl"

plan $((12 * POWER_TESTS + 3))
diag "seed $CRASH_SEED (MDKIT_CRASH_SEED repeats this run)"

power_deliver
power_multi
power_movex
power_index
power_recount
power_import
power_move
power_flag
power_create
power_folder
power_expunge
power_repair
power_broken
