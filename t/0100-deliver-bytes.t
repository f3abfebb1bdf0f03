#!/bin/sh
# A message is stored byte for byte as read: empty, without a final
# newline, CRLF, NUL bytes, one 8 MB line, 50 MB in flat memory; its file
# is named <sec>.M<usec>P<pid>Q<n>R<hex>.<host>,S=<size>, mode 0600, and
# nothing stays in tmp/.
. "$(dirname "$0")/lib.sh"

plan 51

M=$T/M

# stored MSG DESC: deliver MSG (no options) into a fresh M; check that
# exactly one file appeared in new/, equal to MSG, named with its size.
stored() {
	deliver_fresh <"$1"
	is "$RC" 0 "$2: exit 0"
	f=$(only_file "$M/new")
	same_bytes "$f" "$1" "$2: stored byte for byte"
	is "$(name_size "$f")" "$(fsize "$1")" "$2: name has ,S=<exact size>"
	is "$(count_files "$M/tmp") $(count_files "$M/cur")" "0 0" \
	    "$2: nothing in tmp/ or cur/"
}

# empty message
: >"$T/empty"
deliver_fresh <"$T/empty"
is "$RC" 0 "empty message: exit 0"
f=$(only_file "$M/new")
ok $? "empty message: one file in new/"
is "$(fsize "$f")" 0 "empty message: a 0-byte file"
case $f in
*,S=0) r=0 ;;
*) r=1 ;;
esac
ok $r "empty message: name ends in ,S=0 ($f)"
is "$(count_files "$M/tmp")$(count_files "$M/cur")" 00 \
    "empty message: nothing in tmp/ or cur/"

printf 'Subject: no newline\n\nlast line without newline' >"$T/nonl"
stored "$T/nonl" "no final newline"

printf 'Subject: crlf\r\nX-A: b\r\n\r\nline 1\r\nline 2\r\n' >"$T/crlf"
stored "$T/crlf" "CRLF message"

printf 'Subject: nul\nX-Nul: a\000b\n\nbody\000with\000NULs\n\000\000' >"$T/nul"
stored "$T/nul" "NUL bytes in header and body"

# Only a header, with no body separator, and a lone CR.
printf 'Subject: header only\nX-CR: a\rb\n' >"$T/hdr"
stored "$T/hdr" "header only, bare CR"

# 8 MB on one line, in the body and as the very first line.
{
	printf 'Subject: long line\n\n'
	repeat_byte 8388608 a
} >"$T/long-body"
stored "$T/long-body" "8 MB line in the body"
{
	printf 'X-Long: '
	repeat_byte 8388608 b
	printf '\nSubject: after\n\nbody\n'
} >"$T/long-hdr"
stored "$T/long-hdr" "8 MB header line"

# 50 MB through a pipe: stored exactly, and the peak memory does not grow
# with the size of the message.
gen() { # BYTES: a message of about BYTES bytes, the same each time
	printf 'Subject: big\n\n'
	yes 'a line of text, 0123456789 abcdefghijklmnopqrstuvwxyz' | head -c "$1"
}
gen 50000000 >"$T/big"

# peak_kb BYTES: deliver gen BYTES through a pipe into a fresh M, print
# md-deliver's peak resident set in kB; RC is its exit status.
peak_kb() {
	rm -rf "$M"
	mkmd "$M"
	if [ -x /usr/bin/time ]; then
		gen "$1" | /usr/bin/time -f %M -o "$T/rss" "$MD" "$M" 2>"$T/err"
		RC=$?
		tail -n 1 "$T/rss"
		return
	fi
	# No time(1): read VmHWM while md-deliver waits for the end of
	# its input on a FIFO we still hold open.
	rm -f "$T/fifo"
	mkfifo "$T/fifo"
	"$MD" "$M" <"$T/fifo" 2>"$T/err" &
	pid=$!
	exec 7>"$T/fifo"
	gen "$1" >&7
	want=$(gen "$1" | wc -c)
	i=0
	while [ $i -lt 600 ]; do
		got=$(sed -n 's/^rchar: //p' "/proc/$pid/io")
		[ "${got:-0}" -ge "$want" ] && break
		sleep 0.1
		i=$((i + 1))
	done
	sed -n 's/^VmHWM:[^0-9]*\([0-9]*\).*/\1/p' "/proc/$pid/status"
	exec 7>&-
	wait $pid
	RC=$?
}

small=$(peak_kb 1000000)
is "$RC" 0 "1 MB through a pipe: exit 0"
big=$(peak_kb 50000000)
is "$RC" 0 "50 MB through a pipe: exit 0"
f=$(only_file "$M/new")
same_bytes "$f" "$T/big" "50 MB: stored byte for byte"
is "$(name_size "$f")" "$(fsize "$T/big")" "50 MB: name has ,S=<exact size>"
is "$(count_files "$M/tmp")" 0 "50 MB: nothing left in tmp/"
rm -f "$T/big" "$f"
diag "peak RSS: ${small} kB for 1 MB, ${big} kB for 50 MB"
[ -n "$small" ] && [ -n "$big" ] && [ $((big - small)) -lt 1024 ]
ok $? "peak memory flat: 50 MB needs < 1 MB more than 1 MB (${small} vs ${big} kB)"
if is_asan; then
	skip "AddressSanitizer build: absolute memory bound does not apply"
else
	[ -n "$big" ] && [ "$big" -lt 8192 ]
	ok $? "peak memory for 50 MB below 8 MB (${big} kB)"
fi

# The name, the mode, tmp/.
rm -rf "$M"
mkmd "$M"
printf 'Subject: name\n\nbody\n' >"$T/msg"
before=$(date +%s)
"$MD" -v "$M" <"$T/msg" >"$T/out" 2>"$T/err" &
pid=$!
wait $pid
is "$?" 0 "name: exit 0"
after=$(date +%s)
f=$(only_file "$M/new")
base=$(basename "$f")
printf '%s\n' "$base" |
    grep -Eq '^[0-9]+\.M[0-9]{6}P[0-9]+Q[0-9]+R[0-9a-f]{16}\..+,S=[0-9]+$'
ok $? "name matches <sec>.M<usec>P<pid>Q<n>R<16 hex>.<host>,S=<size>: $base"
case $base in
*P${pid}Q1R*) r=0 ;;
*) r=1 ;;
esac
ok $r "name: P is md-deliver's pid ($pid) and Q is 1 for its first name"
sec=${base%%.*}
[ "$sec" -ge "$before" ] && [ "$sec" -le "$after" ]
ok $? "name: seconds ($sec) are the time of delivery ($before..$after)"
host=$(hostname)
case $base in
*".$host,S="*) r=0 ;;
*) r=1 ;;
esac
ok $r "name: host part is the host name ($host)"
is "$(fmode "$f")" 600 "message file has mode 0600"
is "$(fnlink "$f")" 1 "message file has one link (tmp/ entry gone)"
is "$(count_files "$M/tmp")" 0 "nothing left in tmp/"
is "$(cat "$T/out")" "$f" "-v prints the path of the file"

# umask 0 does not widen the mode.
rm -rf "$M"
mkmd "$M"
(umask 0 && "$MD" "$M" <"$T/msg")
is "$(fmode "$(only_file "$M/new")")" 600 "mode is 0600 even with umask 0"

# Three deliveries, three distinct names.
rm -rf "$M"
mkmd "$M"
for i in 1 2 3; do "$MD" "$M" <"$T/msg"; done
is "$(count_files "$M/new")" 3 "three deliveries give three files"

# Default target: MAILDIR, else HOME/Maildir.
mkmd "$T/env-md" "$HOME/Maildir"
MAILDIR=$T/env-md "$MD" <"$T/msg" 2>"$T/err"
is "$?" 0 "no argument, MAILDIR set: exit 0"
is "$(count_files "$T/env-md/new")$(count_files "$HOME/Maildir/new")" 10 \
    "no argument: delivered to \$MAILDIR"
MAILDIR= "$MD" <"$T/msg" 2>"$T/err"
is "$?" 0 "no argument, MAILDIR empty: exit 0"
is "$(count_files "$HOME/Maildir/new")" 1 \
    "no argument, MAILDIR empty: delivered to \$HOME/Maildir"
