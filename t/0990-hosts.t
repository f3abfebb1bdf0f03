#!/bin/sh
# Several hosts on one shared maildir, as over NFS, made with Linux
# namespaces (unshare --uts --pid --fork --mount-proc, a host name set
# inside): three hosts at once lose nothing and collide on no name; two
# hosts of the same name, whose PIDs start at 1 in each, neither; and
# not even when their clocks agree to the microsecond (t/stress/shim.so),
# since names carry 64 random bits (R).
#
# K messages a host: 40 here, MDKIT_STRESS_HOST_MESSAGES for more.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/crash/lib.sh"
. "$(dirname "$0")/stress/lib.sh"

have_crash_helpers || skip_all "no $MSG (make all-tests builds it)"
why=$(can_unshare) || skip_all "$why"

plan 9
stress_hosts "${MDKIT_STRESS_HOST_MESSAGES:-40}"
