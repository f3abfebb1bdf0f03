#!/bin/sh
# md-deliver --sieve: a folder the script stores in twice is stored in
# once, with the flags Pigeonhole gives it (t/0695 compares with Dovecot
# itself): the later store's, but a keep leaves those of a fileinto
# "INBOX"; a store's flags are its own, never those of the store before.
. "$(dirname "$0")/lib.sh"

plan 10

M=$T/M
S=$T/s.sieve
printf 'From: Bob <bob@example.com>\nTo: alice@example.org\nSubject: x\n\nbody\n' >"$T/in"

# stores SCRIPT WANT: md-deliver runs "require [...]; SCRIPT" into a
# fresh maildir and stores WANT (as placed, t/lib.sh, says it).
stores() {
	printf 'require ["fileinto", "imap4flags", "copy", "variables"];\n%s\n' \
	    "$1" >"$S"
	rm -rf "$M"
	mkmd "$M"
	deliver --sieve "$S" -r sender@example.net -d alice@example.org "$M" <"$T/in"
	is "$(placed "$M")" "$2" "$1"
}

stores 'fileinto :flags "\\Seen" "A"; fileinto "B"; keep;' ".A/cur:2,S .B/new new"
stores 'fileinto :flags "\\Seen" "A"; fileinto :flags "\\Flagged" "A";' ".A/cur:2,F"
stores 'fileinto :flags "\\Seen" "A"; fileinto :flags "" "A";' ".A/new"
stores 'keep :flags "\\Flagged"; keep :flags "\\Seen";' "cur:2,S"
stores 'keep :flags "\\Flagged"; fileinto :flags "\\Seen" "INBOX";' "cur:2,S"
stores 'fileinto :flags "\\Flagged" "INBOX"; keep :flags "\\Seen";' "cur:2,F"
stores 'fileinto :copy :flags "\\Seen" "INBOX"; addflag "\\Flagged";' "cur:2,S"
stores 'addflag "\\Seen"; fileinto "A"; removeflag "\\Seen"; fileinto "A";' ".A/new"

# The variable forms (RFC 5232 3): the flags in a variable of one's own,
# the internal one untouched.
stores 'addflag "mine" ["\\Flagged", "\\Seen"]; removeflag "mine" "\\Seen";
keep :flags "${mine}"; fileinto "A";' ".A/new cur:2,F"
stores 'setflag "v" "\\Seen"; addflag "\\Draft";
if hasflag ["w", "v"] "\\Seen" { fileinto "Yes"; }
if hasflag "\\Seen" { fileinto "No"; }' ".Yes/cur:2,D"
