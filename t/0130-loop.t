#!/bin/sh
# Loop detection: a Delivered-To for the recipient in the header, other
# than the MTA's own at the top, refuses the message (65, 100 with
# --qmail) and leaves nothing behind; others' Delivered-To lines and
# lines in the body do not count.
. "$(dirname "$0")/lib.sh"

plan 50

M=$T/M

# refused NAME ARGS...: $T/in is refused as a loop.
refused() {
	_name=$1
	shift
	deliver_fresh "$@" <"$T/in"
	is "$RC" 65 "$_name: exit 65"
	is "$(count_files "$M")" 0 "$_name: nothing in new/, cur/ or tmp/"
	err_has "Delivered-To loop" "$_name: stderr says it is a loop"
}

# accepted NAME ARGS...: $T/in is delivered, one file in new/.
accepted() {
	_name=$1
	shift
	deliver_fresh "$@" <"$T/in"
	is "$RC" 0 "$_name: exit 0"
	is "$(count_files "$M/new") $(count_files "$M/tmp")" "1 0" \
	    "$_name: delivered to new/, tmp/ empty"
}

printf 'Received: from x\nDelivered-To: b@x.org\nSubject: s\n\nbody\n' >"$T/in"
refused "Delivered-To further down" -d b@x.org
refused "Delivered-To further down, -d in other case" -d B@X.ORG
refused "Delivered-To further down, -d with brackets" -d '<b@x.org>'
RECIPIENT=b@x.org refused "Delivered-To further down, RECIPIENT with -e" -e

printf 'Received: from x\ndelivered-to:   <B@X.Org>  \nSubject: s\n\nbody\n' >"$T/in"
refused "lower-case field, brackets, blanks, other case" -d b@x.org

printf 'Received: from x\r\nDelivered-To: b@x.org\r\nSubject: s\r\n\r\nbody\r\n' >"$T/in"
refused "CRLF message" -d b@x.org

# The MTA's own line at the top, and another one below it.
printf 'From a@b  Thu Oct 17 17:14:09 1995\nReturn-Path: <a@b>\nDelivered-To: b@x.org\nReceived: from x\nDelivered-To: b@x.org\nSubject: s\n\nbody\n' >"$T/in"
refused "the MTA's line at the top and an old one below" -d b@x.org

printf 'Delivered-To: b@x.org\nDelivered-To: b@x.org\nSubject: s\n\nbody\n' >"$T/in"
refused "two for the recipient at the top" -d b@x.org

printf 'Received: from x\nDelivered-To: b@x.org\nSubject: s\n\nbody\n' >"$T/in"
deliver_fresh --qmail -d b@x.org <"$T/in"
is "$RC" 100 "--qmail: a loop exits 100"
is "$(count_files "$M")" 0 "--qmail: nothing in new/, cur/ or tmp/"

accepted "Delivered-To for someone else" -d c@x.org
accepted "Delivered-To for a longer address" -d b@x.or
accepted "no recipient, no loop check"
accepted "only X-Original-To matches" -r a@b
ORIGINAL_RECIPIENT=b@x.org RECIPIENT=c@x.org accepted "ORIGINAL_RECIPIENT is not used for loops" -e

printf 'Subject: s\n\nDelivered-To: b@x.org\n' >"$T/in"
accepted "Delivered-To in the body" -d b@x.org

printf 'Subject: s\nnot a field\nDelivered-To: b@x.org\n\nbody\n' >"$T/in"
accepted "Delivered-To after the header ended at a non-field line" -d b@x.org

# A From_ line inside the header (mail exported by an MUA) does not end
# it, dated or not.
printf 'X-MUA: 1\nFrom a@b  Thu Oct 17 17:14:09 1995\nDelivered-To: b@x.org\nSubject: s\n\nbody\n' >"$T/in"
refused "Delivered-To after a From_ line inside the header" -d b@x.org
printf 'X-MUA: 1\nFrom someone\nDelivered-To: b@x.org\nSubject: s\n\nbody\n' >"$T/in"
refused "Delivered-To after an undated From line inside the header" -d b@x.org

printf 'Subject: s\nX-Note: the line\n Delivered-To: b@x.org\n\nbody\n' >"$T/in"
accepted "Delivered-To text in a continuation line" -d b@x.org

# The MTA's own line at the top alone is no loop (Postfix style).
printf 'From a@b  Thu Oct 17 17:14:09 1995\nReturn-Path: <a@b>\nX-Original-To: b@x.org\nDelivered-To: b@x.org\nSubject: s\n\nbody\n' >"$T/in"
accepted "the MTA's own Delivered-To at the top" -d b@x.org
