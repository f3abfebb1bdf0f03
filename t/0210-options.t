#!/bin/sh
# The command line: usage errors are one line and exit 75 (111 with
# --qmail) before anything is read; -h; -v; the stdin timeout and an
# alarm inherited from the MTA.
. "$(dirname "$0")/lib.sh"

plan 39

M=$T/M
mkmd "$M"
printf 'Subject: opt\n\nbody\n' >"$T/msg"

# usage_err DESC ARGS...: exit 75, one line on stderr, stdin unread,
# nothing delivered.
usage_err() {
	_d=$1
	shift
	deliver "$@" "$M" <"$T/msg"
	is "$RC" 75 "$_d: exit 75 (the MTA keeps the mail)"
	is "$(lines "$T/err")" 1 "$_d: one line on stderr: $(cat "$T/err")"
}

usage_err "unknown option" -x
usage_err "unknown long option" --bogus
usage_err "unknown option in a cluster after a long one" --verbose -xc
err_has "-x: unknown option" "the unknown option in a cluster is the one named"
usage_err "long option given an argument it does not take" --create=yes
usage_err "long-only option given an argument" --qmail=1
err_has "--qmail=1: unknown option" "long-only option given an argument: named as given"
usage_err "-s given a path, not a size" -s
usage_err "-t 0" -t 0
usage_err "-t not a number" -t soon
deliver -s <"$T/msg"
is "$RC" 75 "-s without its argument: exit 75"
is "$(count_files "$M")" 0 "usage errors delivered nothing"

# A typo in Postfix's mailbox_command: the MTA must keep the mail.
SENDER=a@example.org RECIPIENT=b@example.org deliver -e --sise-limit=4k "$M" <"$T/msg"
is "$RC" 75 "mailbox_command with a mistyped option: 75, deferred, not bounced"
is "$(cat "$T/err")" "md-deliver: --sise-limit=4k: unknown option, or one that takes no argument (see md-deliver -h)" \
    "mistyped option: the one line names it"
deliver --qmail -x "$M" <"$T/msg"
is "$RC" 111 "--qmail: usage error is 111 (retry), not a bounce"
deliver -x --qmail "$M" <"$T/msg"
is "$RC" 111 "--qmail after the bad option: still 111"

deliver -h
is "$RC" 0 "-h: exit 0"
grep -q '^usage: md-deliver' "$T/out"
ok $? "-h: usage on stdout"
deliver --help
is "$RC" 0 "--help: exit 0"

# -v: exactly the path of the delivered file on stdout.
deliver -v "$M" <"$T/msg"
is "$RC" 0 "-v: exit 0"
f=$(cat "$T/out")
same_bytes "$f" "$T/msg" "-v: prints the path of the delivered file"
deliver "$M" <"$T/msg"
is "$(bytes "$T/out")" 0 "without -v: nothing on stdout"

# -v into a pipe nobody reads: the delivery stands, exit 0, not SIGPIPE.
rm -rf "$M"
mkmd "$M"
perl -e 'pipe(R, W) or die; close R; open(STDOUT, ">&", \*W) or die;
    exec @ARGV or exit 126' "$MD" -v "$M" <"$T/msg" 2>"$T/err"
is "$?" 0 "-v into a closed pipe: exit 0"
is "$(count_files "$M/new")" 1 "-v into a closed pipe: delivered"
err_has "stdout" "-v into a closed pipe: stderr says stdout failed"

# stall: a fifo whose writer writes $1 and then holds it open.
stall() {
	rm -f "$T/fifo"
	mkfifo "$T/fifo"
	(
		exec 3>"$T/fifo"
		printf "$1" >&3
		sleep 30
	) &
	holder=$!
}
unstall() {
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
}

rm -rf "$M"
mkmd "$M"
stall 'Subject: stalled\n\nhalf a bo'
deliver -t 1 "$M" <"$T/fifo"
unstall
is "$RC" 75 "-t 1, stdin stalls mid-message: exit 75"
is "$(count_files "$M")" 0 "stalled: nothing in tmp/, new/ or cur/"
err_has "no data for 1 seconds" "stalled: stderr says so"

# An alarm set by the MTA (as qmail-local and others do) is never
# outlived: md-deliver gives up with 75 before SIGALRM would kill it.
stall 'Subject: stalled\n\n'
perl -e 'alarm 4; exec @ARGV or exit 126' "$MD" "$M" <"$T/fifo" >"$T/out" 2>"$T/err"
RC=$?
unstall
is "$RC" 75 "inherited alarm of 4 s, stdin stalls: exit 75, not killed by SIGALRM"
is "$(count_files "$M")" 0 "inherited alarm: nothing in tmp/, new/ or cur/"
stall 'Subject: stalled\n\n'
perl -e 'alarm 4; exec @ARGV or exit 126' "$MD" --qmail "$M" <"$T/fifo" >"$T/out" 2>"$T/err"
RC=$?
unstall
is "$RC" 111 "inherited alarm with --qmail: 111"
