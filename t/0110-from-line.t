#!/bin/sh
# One leading "From " line (as Postfix and Exim prepend) is removed;
# nothing else is: no second From_ line, no ">From" unquoting, no "From "
# later in the header.
. "$(dirname "$0")/lib.sh"

plan 30

M=$T/M

printf 'From alice@example.org  Thu Oct 17 17:14:09 1995\nSubject: x\n\nbody\n' >"$T/in"
printf 'Subject: x\n\nbody\n' >"$T/want"
stores "Postfix From_ line removed"

printf 'From alice@example.org Thu Oct 17 17:14:09 1995\nFrom bob@example.org Thu Oct 17 17:14:09 1995\nSubject: x\n\nbody\n' >"$T/in"
printf 'From bob@example.org Thu Oct 17 17:14:09 1995\nSubject: x\n\nbody\n' >"$T/want"
stores "only the first of two From_ lines removed"

printf 'From a@b Thu Oct 17 17:14:09 1995\nSubject: x\n\nFrom the start\n>From quoted\n>>From twice\nend\n' >"$T/in"
printf 'Subject: x\n\nFrom the start\n>From quoted\n>>From twice\nend\n' >"$T/want"
stores "From and >From lines in the body untouched"

printf 'Subject: x\nFrom someone\nX-After: y\n\nbody\n' >"$T/in"
cp "$T/in" "$T/want"
stores "a From line later in the header untouched"

printf 'From: alice@example.org\nSubject: x\n\nbody\n' >"$T/in"
cp "$T/in" "$T/want"
stores "a first line From: (a field) is kept"

printf '>From alice@example.org Thu Oct 17 17:14:09 1995\nSubject: x\n\nbody\n' >"$T/in"
cp "$T/in" "$T/want"
stores "a first line >From is kept"

printf 'from alice Thu Oct 17 17:14:09 1995\nSubject: x\n\nbody\n' >"$T/in"
cp "$T/in" "$T/want"
stores "lower-case from line is kept"

printf 'From a@b Thu Oct 17 17:14:09 1995\r\nSubject: x\r\n\r\nbody\r\n' >"$T/in"
printf 'Subject: x\r\n\r\nbody\r\n' >"$T/want"
stores "CRLF From_ line removed"

printf 'From a@b Thu Oct 17 17:14:09 1995' >"$T/in"
: >"$T/want"
stores "a lone From_ line without newline gives an empty message"

# A From_ line longer than the input buffer is removed whole.
{
	printf 'From '
	repeat_byte 200000 x
	printf ' Thu Oct 17 17:14:09 1995\nSubject: x\n\nbody\n'
} >"$T/in"
printf 'Subject: x\n\nbody\n' >"$T/want"
stores "a 200 kB From_ line removed whole"
