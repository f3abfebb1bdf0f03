#!/bin/sh
# The periodic work of contrib/systemd/ and contrib/cron/mdkit, run as
# written (but for the programs' directory) on a maildir with folders:
# each command exits 0, the header caches are made, Trash older than 30
# days goes and newer stays, a fresh tmp/ file stays, the check finds
# nothing. systemd-analyze verify accepts the
# units when it is there.
. "$(dirname "$0")/lib.sh"

SRC=$(cd "$(dirname "$0")/.." && pwd)
plan 9

# A maildir ($MAILDIR) as a user's: a folder, a Trash with an old and a
# fresh message, a fresh file in tmp/ (a stale one, by its ctime, cannot
# be made here; t/0410 has those).
setup() {
	rm -rf "$T/M"
	"$BIN/md-mkdir" "$T/M" && "$BIN/md-mkdir" -f Trash -f Lists "$T/M" || exit 1
	msg "$T/M/.Trash/cur" "1.M1P1.h:2,S"
	msg "$T/M/.Trash/cur" "2.M2P2.h:2,S"
	touch "$T/M/.Trash/cur/2.M2P2.h:2,S"
	msg "$T/M/.Lists/new" "3.M3P3.h"
	printf 'half\n' >"$T/M/tmp/5.M5P5.h"
	chmod -R go-rwx "$T/M"
}
# after WHAT: the state the work must leave.
after() {
	is "$(ls "$T/M/.Trash/cur")" "2.M2P2.h:2,S" "$1: Trash: the old message gone, the fresh one kept"
	is "$(ls "$T/M/tmp")" "5.M5P5.h" "$1: tmp/: a fresh file kept"
	check "$1: header caches of the root and the folders" test -f "$T/M/mdkit-cache" \
	    -a -f "$T/M/.Lists/mdkit-cache" -a -f "$T/M/.Trash/mdkit-cache"
}
MAILDIR=$T/M
export MAILDIR

# The systemd units' ExecStart lines, in the order index, expire, check.
setup
for u in index expire check; do
	sed -n 's/^ExecStart=//p' "$SRC/contrib/systemd/mdkit-$u.service"
done | sed "s|/usr/local/bin/|$BIN/|" >"$T/cmds"
: >"$T/failed"
while read -r line; do
	# shellcheck disable=SC2086
	$line </dev/null >>"$T/out" 2>&1 || echo "$line: $?" >>"$T/failed"
done <"$T/cmds"
is "$(cat "$T/failed")$(cat "$T/out")" "" "systemd units: $(wc -l <"$T/cmds") commands, each exit 0, silent"
after "systemd units"

# The crontab's commands (what follows the five time fields), by sh.
setup
grep -v '^#' "$SRC/contrib/cron/mdkit" | grep -v '^$' |
    sed 's/^[^ 	]*[ 	]*[^ 	]*[ 	]*[^ 	]*[ 	]*[^ 	]*[ 	]*[^ 	]*[ 	]*//' |
    sed "s|/usr/local/bin/|$BIN/|g" >"$T/cmds"
: >"$T/failed"
: >"$T/out"
while read -r line; do
	sh -c "$line" </dev/null >>"$T/out" 2>&1 || echo "$line: $?" >>"$T/failed"
done <"$T/cmds"
is "$(cat "$T/failed")$(cat "$T/out")" "" "crontab: $(wc -l <"$T/cmds") lines, each exit 0, silent"
after "crontab"

if command -v systemd-analyze >/dev/null 2>&1; then
	# It wants the programs there: the units with $BIN's paths.
	mkdir "$T/units"
	for f in "$SRC"/contrib/systemd/mdkit-*.*; do
		sed "s|/usr/local/bin/|$BIN/|" "$f" >"$T/units/${f##*/}"
	done
	systemd-analyze verify --man=no "$T"/units/* >"$T/out" 2>&1
	is "$?:$(grep -v 'Failed to lookup\|initialize manager' "$T/out")" "0:" \
	    "systemd-analyze verify: the units are sound"
else
	skip "no systemd-analyze"
fi
