#!/bin/sh
# Memory stays bounded, whatever the size of the input: peak RSS
# (/usr/bin/time -f %M) of md-deliver for a big message and a header of
# one huge line (both made on the fly through a pipe), of md-deliver -M
# for an mbox of many lines, and of md-list (plain, --format, --json),
# md-index and md-check over a maildir of many entries and over those
# big messages. Each is compared with the same program's peak on a tiny
# input: a streaming program may not grow by more than SLACK, so that a
# buffer of the whole message (or line, or listing) or a leak per
# message breaks the bound; md-index and md-check keep what they know
# of each entry, and may grow by PER_ENTRY bytes an entry beyond SLACK.
# No timing is judged.
#
# Sizes (make check's, and make stress-memory's in brackets):
#   MDKIT_MEM_MESSAGE_MB    the big message, MiB                64 [1024]
#   MDKIT_MEM_LINE_MB       the header line, MiB                16 [100]
#   MDKIT_MEM_MBOX_LINES    lines of the mbox           1,000,000 [10,000,000]
#   MDKIT_MEM_ENTRIES       entries of the maildir         20,000 [1,000,000]
# MDKIT_MEM_REPORT=FILE: a line per run, "what<TAB>peak KiB".
# Files are removed as soon as their runs are done.
. "$(dirname "$0")/lib.sh"

MSG_MB=${MDKIT_MEM_MESSAGE_MB:-64}
LINE_MB=${MDKIT_MEM_LINE_MB:-16}
MBOX_LINES=${MDKIT_MEM_MBOX_LINES:-1000000}
ENTRIES=${MDKIT_MEM_ENTRIES:-20000}
SLACK=8192     # KiB
PER_ENTRY=1024 # bytes
MKMAILDIR=$(dirname "$BIN")/bench/mkmaildir

is_asan && skip_all "a sanitized build's allocator keeps freed memory: peaks say nothing"
[ -x /usr/bin/time ] || skip_all "no /usr/bin/time (contrib/install-deps.sh installs time)"
[ -x "$MKMAILDIR" ] || skip_all "no $MKMAILDIR (make all-tests)"

plan 12

# peak WHAT CMD... <IN: CMD's peak RSS in KiB into $T/peak (and PEAK),
# its status into $T/rc (and RC), the last line of its stderr into
# $T/err; a line into the report. (Run at the end of a pipe, it sets
# only the files: last LEAST reads them back.)
peak() {
	_what=$1
	shift
	/usr/bin/time -f '%M' -o "$T/rss" "$@" >/dev/null 2>"$T/err"
	echo $? >"$T/rc"
	tail -n 1 "$T/rss" >"$T/peak"
	last
	diag "$_what: peak $PEAK KiB (exit $RC)"
	[ -z "${MDKIT_MEM_REPORT:-}" ] ||
		printf '%s\t%s\n' "$_what" "$PEAK" >>"$MDKIT_MEM_REPORT"
}
last() {
	PEAK=$(cat "$T/peak")
	RC=$(cat "$T/rc")
}

# bounded WHAT BASE [ENTRIES]: the last peak within SLACK (and PER_ENTRY
# bytes an entry) of BASE, and its status 0.
bounded() {
	last
	_max=$(($2 + SLACK + ${3:-0} * PER_ENTRY / 1024))
	[ "$RC" -eq 0 ] && [ "$PEAK" -le "$_max" ]
	ok $? "$1: peak $PEAK KiB, within $_max (tiny: $2 KiB)"
}

lines_of() { # COUNT TEXT: TEXT, a line, COUNT times
	yes "$2" | head -n "$1"
}

M=$T/M
mkmd "$M"
printf 'Subject: tiny\n\nbody\n' >"$T/tiny"

# ---- the tiny runs: each program's own floor ----
peak "md-deliver, tiny" "$MD" "$M" <"$T/tiny"
base_deliver=$PEAK
printf 'From a@example.org Thu Oct 17 17:14:09 1995\nSubject: t\n\nbody\n' |
    peak "md-deliver -M, tiny" "$MD" -M "$M"
last
base_mbox=$PEAK
for p in list format json index check; do
	case $p in
	list) set -- "$BIN/md-list" ;;
	format) set -- "$BIN/md-list" --format '%-30f %s %z %d' ;;
	json) set -- "$BIN/md-list" --json ;;
	index) set -- "$BIN/md-index" ;;
	check) set -- "$BIN/md-check" ;;
	esac
	peak "$p, tiny" "$@" "$M" </dev/null
	eval "base_$p=\$PEAK"
	rm -f "$M/mdkit-cache"
done

# ---- a big message, a huge header line ----
{
	printf 'Subject: big\n\n'
	yes 'A line of the body of a big message, the same again and again.' |
	    head -c $((MSG_MB * 1048576))
} | peak "md-deliver, $MSG_MB MiB message" "$MD" "$M"
bounded "md-deliver, $MSG_MB MiB message" "$base_deliver"
{
	printf 'Subject: '
	head -c $((LINE_MB * 1048576)) /dev/zero | tr '\0' x
	printf '\nFrom: a@example.org\n\nbody\n'
} | peak "md-deliver, $LINE_MB MiB header line" "$MD" "$M"
bounded "md-deliver, $LINE_MB MiB header line" "$base_deliver"
peak "md-list --format, over both" "$BIN/md-list" --format '%s %z' "$M" </dev/null
bounded "md-list --format, over both" "$base_format"
peak "md-index, over both" "$BIN/md-index" "$M" </dev/null
bounded "md-index, over both" "$base_index"
rm -rf "$M"

# ---- an mbox of many lines, in a few messages ----
mkmd "$M"
per=$((MBOX_LINES / 10))
for i in 1 2 3 4 5 6 7 8 9 10; do
	printf 'From a@example.org Thu Oct 17 17:14:09 1995\nSubject: part %s\n\n' "$i"
	lines_of $((per - 4)) 'a line of the mbox'
	echo
done | peak "md-deliver -M, $MBOX_LINES lines" "$MD" -M "$M"
bounded "md-deliver -M, $MBOX_LINES lines" "$base_mbox"
is "$(count_files "$M/new")" 10 "md-deliver -M: the ten messages delivered"
rm -rf "$M"

# ---- a maildir of many entries ----
"$MKMAILDIR" -n $((ENTRIES / 2)) -c $((ENTRIES - ENTRIES / 2)) "$M" || exit 1
peak "md-list, $ENTRIES entries" "$BIN/md-list" "$M" </dev/null
bounded "md-list, $ENTRIES entries" "$base_list"
peak "md-list --format, $ENTRIES entries" "$BIN/md-list" --format '%-30f %s %z %d' "$M" </dev/null
bounded "md-list --format, $ENTRIES entries" "$base_format"
peak "md-list --json, $ENTRIES entries" "$BIN/md-list" --json "$M" </dev/null
bounded "md-list --json, $ENTRIES entries" "$base_json"
peak "md-index, $ENTRIES entries" "$BIN/md-index" "$M" </dev/null
bounded "md-index, $ENTRIES entries" "$base_index" "$ENTRIES"
peak "md-list --format, $ENTRIES entries, from the cache" "$BIN/md-list" --format '%-30f %s %z %d' "$M" </dev/null
bounded "md-list --format, $ENTRIES entries, from the cache" "$base_format" "$ENTRIES"
peak "md-check, $ENTRIES entries" "$BIN/md-check" "$M" </dev/null
# mkmaildir's messages are empty, their ,S= not: md-check says so (1)
[ "$RC" -eq 1 ] && echo 0 >"$T/rc"
bounded "md-check, $ENTRIES entries" "$base_check" "$ENTRIES"
rm -rf "$M"
