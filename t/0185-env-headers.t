#!/bin/sh
# SENDER, RECIPIENT and ORIGINAL_RECIPIENT (-e) and -r/-d cannot add a
# header line, end the header early or continue another field, whatever
# bytes they hold: a lone CR, a lone LF, CRLF, an empty line, a
# continuation (LF TAB), FF, VT, ESC, DEL, 8-bit bytes. Each way in: one
# message, an mbox of two (-M), --qmail. The stored header then holds
# exactly the trace lines and the message's own, none starting X-Evil,
# and the body is the message's. (t/0120 has the first cases.)
. "$(dirname "$0")/lib.sh"

plan 18

M=$T/M
printf 'Subject: x\n\nbody\n' >"$T/one"
{
	printf 'From a@example.org Thu Oct 17 17:14:09 1995\nSubject: x\n\nbody\n\n'
	printf 'From b@example.org Fri Oct 18 17:14:09 1995\nSubject: x\n\nbody\n'
} >"$T/mbox"

# judge DESC: every message in new/ has a 4-line header (3 trace lines
# and Subject), no X-Evil line, and the body "body".
judge() {
	_bad=
	for _f in "$M"/new/*; do
		[ -f "$_f" ] || {
			_bad="nothing delivered"
			break
		}
		_h=$(sed -n '/^\r*$/q;p' "$_f" | wc -l | tr -d ' ')
		_b=$(sed '1,/^$/d' "$_f")
		_e=$(grep -c '^X-Evil' "$_f")
		[ "$_h $_e $_b" = "4 0 body" ] || _bad="$_bad $(basename "$_f"): header $_h lines, $_e X-Evil, body '$_b'"
	done
	is "$RC:${_bad# }" "0:" "$1"
}

for evil in LF=a\\nX-Evil:1 CR=a\\rX-Evil:1 CRLF=a\\r\\nX-Evil:1 \
    empty-line=a\\n\\nX-Evil:1 continuation=a\\n\\tX-Evil:1 \
    FF-VT-ESC-DEL-8bit=a\\f\\v\\033\\177\\205\\303\\251X-Evil:1; do
	# shellcheck disable=SC2059
	v=$(printf "${evil#*=}")
	evil=${evil%%=*}
	rm -rf "$M"
	mkmd "$M"
	SENDER=$v RECIPIENT=$v ORIGINAL_RECIPIENT=$v deliver -e "$M" <"$T/one"
	judge "-e, each variable '$evil'"
	rm -rf "$M"
	mkmd "$M"
	SENDER=$v RECIPIENT=$v ORIGINAL_RECIPIENT=$v deliver -e -M "$M" <"$T/mbox"
	judge "-e -M, each variable '$evil': both messages"
	rm -rf "$M"
	mkmd "$M"
	SENDER=$v ORIGINAL_RECIPIENT=$v deliver --qmail -e -r "$v" -d "$v" "$M" <"$T/one"
	judge "--qmail -r -d, '$evil'"
done
