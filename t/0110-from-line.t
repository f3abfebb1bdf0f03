#!/bin/sh
# One leading "From " line (as Postfix and Exim prepend) is removed;
# nothing else is: no second From_ line, no ">From" unquoting, no "From "
# later in the header.
. "$(dirname "$0")/lib.sh"

plan 30

M=$T/M

# case_ NAME: deliver $T/in into a fresh M, compare with $T/want.
case_() {
	rm -rf "$M"
	mkmd "$M"
	deliver "$M" <"$T/in"
	is "$RC" 0 "$1: exit 0"
	same_bytes "$(only_file "$M/new")" "$T/want" "$1: stored as expected"
	f=$(only_file "$M/new")
	is "$(name_size "$f")" "$(fsize "$T/want")" "$1: ,S= is the stored size"
}

printf 'From alice@example.org  Thu Oct 17 17:14:09 1995\nSubject: x\n\nbody\n' >"$T/in"
printf 'Subject: x\n\nbody\n' >"$T/want"
case_ "Postfix From_ line removed"

printf 'From alice@example.org Thu Oct 17 17:14:09 1995\nFrom bob@example.org Thu Oct 17 17:14:09 1995\nSubject: x\n\nbody\n' >"$T/in"
printf 'From bob@example.org Thu Oct 17 17:14:09 1995\nSubject: x\n\nbody\n' >"$T/want"
case_ "only the first of two From_ lines removed"

printf 'From a@b Thu Oct 17 17:14:09 1995\nSubject: x\n\nFrom the start\n>From quoted\n>>From twice\nend\n' >"$T/in"
printf 'Subject: x\n\nFrom the start\n>From quoted\n>>From twice\nend\n' >"$T/want"
case_ "From and >From lines in the body untouched"

printf 'Subject: x\nFrom someone\nX-After: y\n\nbody\n' >"$T/in"
cp "$T/in" "$T/want"
case_ "a From line later in the header untouched"

printf 'From: alice@example.org\nSubject: x\n\nbody\n' >"$T/in"
cp "$T/in" "$T/want"
case_ "a first line From: (a field) is kept"

printf '>From alice@example.org Thu Oct 17 17:14:09 1995\nSubject: x\n\nbody\n' >"$T/in"
cp "$T/in" "$T/want"
case_ "a first line >From is kept"

printf 'from alice Thu Oct 17 17:14:09 1995\nSubject: x\n\nbody\n' >"$T/in"
cp "$T/in" "$T/want"
case_ "lower-case from line is kept"

printf 'From a@b Thu Oct 17 17:14:09 1995\r\nSubject: x\r\n\r\nbody\r\n' >"$T/in"
printf 'Subject: x\r\n\r\nbody\r\n' >"$T/want"
case_ "CRLF From_ line removed"

printf 'From a@b Thu Oct 17 17:14:09 1995' >"$T/in"
: >"$T/want"
case_ "a lone From_ line without newline gives an empty message"

# A From_ line longer than the input buffer is removed whole.
{
	printf 'From '
	repeat_byte 200000 x
	printf ' Thu Oct 17 17:14:09 1995\nSubject: x\n\nbody\n'
} >"$T/in"
printf 'Subject: x\n\nbody\n' >"$T/want"
case_ "a 200 kB From_ line removed whole"
