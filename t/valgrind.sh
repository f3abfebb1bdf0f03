#!/bin/sh
# valgrind.sh BIN: every program once or more under valgrind, each doing
# real work on a fixture made here: md-deliver (a quota, a folder made
# with -c -f, three targets, -M), md-list (plain, --format, --json,
# --match with --sort, -r), md-flag, md-move (and -k), md-expunge,
# md-mkdir (-q, -f), md-check --repair on damage it repairs, md-index
# (a new cache, then an update), md-sieve (-c, -t, -e) and md-deliver
# --sieve. A run is clean when valgrind finds no
# error and no definite or possible leak (t/valgrind.supp aside) and the
# program exits as it should; one line per run, then a count. Exit 1
# when any run was not clean. make check-valgrind runs it.
set -u
BIN=$(cd "${1:?usage: valgrind.sh BIN}" && pwd)
SUPP=$(cd "$(dirname "$0")" && pwd)/valgrind.supp
command -v valgrind >/dev/null 2>&1 || {
	echo "valgrind.sh: no valgrind (contrib/install-deps.sh installs it)" >&2
	exit 1
}
T=$(mktemp -d "${TMPDIR:-/tmp}/mdkit-vg.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
export TZ=UTC LC_ALL=C HOME="$T"
unset MAILDIR SENDER RECIPIENT ORIGINAL_RECIPIENT
umask 022

runs=0
bad=0

# vg WANT NAME CMD...: CMD under valgrind (stdin from $T/in); clean when
# valgrind says nothing and CMD exits WANT.
vg() {
	_want=$1
	_name=$2
	shift 2
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite,possible \
	    --error-exitcode=99 --suppressions="$SUPP" --log-file="$T/vg.log" \
	    "$@" <"$T/in" >"$T/out" 2>"$T/err"
	_rc=$?
	runs=$((runs + 1))
	if [ "$_rc" -eq "$_want" ] && [ ! -s "$T/vg.log" ]; then
		echo "clean  $_name"
	else
		bad=$((bad + 1))
		echo "DIRTY  $_name: exit $_rc (want $_want)"
		sed 's/^/       /' "$T/vg.log" "$T/err" | head -n 40
	fi
	: >"$T/in"
}

mail() { # mail DIR NAME SUBJECT
	printf 'From: a@example.org\nTo: b@example.org\nSubject: %s\nDate: Thu, 17 Oct 1995 17:14:09 +0000\nMessage-ID: <%s@example.org>\n\n%s\n' \
	    "$3" "$3" "$3" >"$1/$2"
}

M=$T/M
N=$T/N
: >"$T/in"
vg 0 "md-mkdir -q" "$BIN/md-mkdir" -q 10000000S,1000C "$M" "$N"
vg 0 "md-mkdir -f" "$BIN/md-mkdir" -f Work -f Lists.x "$M"
mail "$M/cur" 1.M1P1.h:2,S one
mail "$M/cur" 2.M2P2.h:2,ST two
mail "$M/new" 3.M3P3.h three
printf 'Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\nFrom: =?ISO-8859-1?Q?Andr=E9?= <a@b>\n\nhello\n' >"$T/in"
vg 0 "md-deliver (quota)" "$BIN/md-deliver" "$M"
printf 'Subject: made\n\nbody\n' >"$T/in"
vg 0 "md-deliver -c -f" "$BIN/md-deliver" -c -f New "$M"
printf 'Subject: three\n\nbody\n' >"$T/in"
vg 0 "md-deliver, three targets" "$BIN/md-deliver" -d x@y "$M" "$M/.Work" "$N"
{
	printf 'From a@example.org Thu Oct 17 17:14:09 1995\nSubject: first\n\n>From the past\n\n'
	printf 'From b@example.org Fri Oct 18 17:14:09 1995\nSubject: second\nStatus: RO\n\nbody\n'
} >"$T/in"
vg 0 "md-deliver -M" "$BIN/md-deliver" -M "$M/.Work"
vg 0 "md-list" "$BIN/md-list" "$M"
vg 0 "md-list --format" "$BIN/md-list" --format '%-20f|%s|%z|%Z|%d|%{%H}r|%X|%K|%F' -r "$M"
vg 0 "md-list --json" "$BIN/md-list" --json -r "$M"
vg 0 "md-list --match --sort" "$BIN/md-list" --match 'subject~^(one|two)' \
    --match 'from=example' --sort date -r "$M"
vg 0 "md-flag" "$BIN/md-flag" -S -F "$M/cur/1.M1P1.h:2,S" "$M/new/3.M3P3.h"
vg 0 "md-move" "$BIN/md-move" -t "$M/.Work" "$M/cur/1.M1P1.h:2,FS"
vg 0 "md-move -k" "$BIN/md-move" -k -t "$N" "$M/.Work/cur/"*
vg 0 "md-expunge" "$BIN/md-expunge" -T "$M"
vg 0 "md-index" "$BIN/md-index" -r "$M"
mail "$M/new" 4.M4P4.h four
rm -f "$M/.Work/cur/"*
vg 0 "md-index (update)" "$BIN/md-index" -r "$M"
# damage md-check repairs: a misplaced message, unordered flags, a
# missing tmp/, quota drift, a damaged cache
mail "$M/new" 5.M5P5.h:2,S misplaced
mail "$M/cur" 6.M6P6.h:2,SF unordered
rmdir "$M/.Lists.x/tmp"
printf '5 1\n' >>"$M/maildirsize"
printf 'not a cache' >"$M/mdkit-cache"
vg 1 "md-check --repair" "$BIN/md-check" --repair -r "$M"
vg 0 "md-check" "$BIN/md-check" -r "$M"
cat >"$T/script" <<'EOF'
require ["fileinto", "imap4flags", "variables", "envelope", "copy", "regex"];
if header :matches "subject" "Re: *" { set "s" "${1}"; }
if address :domain :is "from" "example.org" {
	addflag "\\Flagged";
	fileinto :copy "Lists.${s}x";
}
if header :regex "subject" "^(sieve|test)" { fileinto "Work"; stop; }
EOF
vg 0 "md-sieve -c" "$BIN/md-sieve" -c "$T/script"
printf 'From: a@example.org\nSubject: Re: sieve\n\nbody\n' >"$T/in"
vg 0 "md-sieve -t" "$BIN/md-sieve" -t "$T/script" -r a@example.org
printf 'From: a@example.org\nSubject: sieve\n\nbody\n' >"$T/in"
vg 0 "md-deliver --sieve" "$BIN/md-deliver" --sieve "$T/script" "$M"
vg 0 "md-sieve -e" "$BIN/md-sieve" -e "$T/script" "$M"

echo "valgrind: $runs runs, $((runs - bad)) clean"
[ "$bad" -eq 0 ]
