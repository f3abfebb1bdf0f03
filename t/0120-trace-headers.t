#!/bin/sh
# Trace fields: Return-Path, X-Original-To and Delivered-To are added at
# the top in that order (from -r/-d or, with -e, SENDER/RECIPIENT/
# ORIGINAL_RECIPIENT), not a second time when the MTA already put them
# there, with the message's own line ends, and no value can start a
# header line of its own.
. "$(dirname "$0")/lib.sh"

plan 71

M=$T/M

printf 'Subject: x\n\nbody\n' >"$T/in"

printf 'Return-Path: <a@b>\nDelivered-To: c@d\nSubject: x\n\nbody\n' >"$T/want"
stores "-r -d" -r a@b -d c@d
stores "-d -r given the other way round" -d c@d -r a@b
stores "-r <a@b> -d <c@d>: brackets not doubled, removed" -r '<a@b>' -d '<c@d>'
SENDER=x@y RECIPIENT=z@y stores "-r/-d win over SENDER/RECIPIENT with -e" \
    -e -r a@b -d c@d

printf 'Return-Path: <a@b>\nX-Original-To: o@d\nDelivered-To: c@d\nSubject: x\n\nbody\n' >"$T/want"
SENDER=a@b RECIPIENT=c@d ORIGINAL_RECIPIENT=o@d stores "-e: all three" -e

printf 'Return-Path: <>\nSubject: x\n\nbody\n' >"$T/want"
SENDER= RECIPIENT= ORIGINAL_RECIPIENT= stores "-e: empty SENDER is <>, empty RECIPIENT ignored" -e
stores "-r '': null sender" -r ''
stores "-r '<>': null sender" -r '<>'

cp "$T/in" "$T/want"
stores "-e without the variables adds nothing" -e
SENDER=a@b RECIPIENT=c@d stores "variables without -e add nothing"

# Postfix mailbox_command input: From_, Return-Path, X-Original-To,
# Delivered-To already there.
printf 'From a@b  Thu Oct 17 17:14:09 1995\nReturn-Path: <a@b>\nX-Original-To: o@d\nDelivered-To: c@d\nReceived: from x by y\nSubject: x\n\nbody\n' >"$T/in"
sed 1d "$T/in" >"$T/want"
SENDER=a@b RECIPIENT=c@d ORIGINAL_RECIPIENT=o@d stores "Postfix input with -e: nothing added twice" -e
stores "Postfix input, -d in other case and brackets: not added, no loop" \
    -r a@b -d '<C@D>'

# The top holds other values: a present Return-Path or X-Original-To is
# kept, a new Return-Path goes before the block, new fields after it.
printf 'Return-Path: <other@x>\nX-Original-To: other@x\nSubject: x\n\nbody\n' >"$T/in"
printf 'Return-Path: <other@x>\nX-Original-To: other@x\nDelivered-To: c@d\nSubject: x\n\nbody\n' >"$T/want"
SENDER=a@b RECIPIENT=c@d ORIGINAL_RECIPIENT=o@d stores "top Return-Path/X-Original-To kept, not added" -e

printf 'Delivered-To: other@x\nSubject: x\n\nbody\n' >"$T/in"
printf 'Return-Path: <a@b>\nDelivered-To: other@x\nDelivered-To: c@d\nSubject: x\n\nbody\n' >"$T/want"
stores "top Delivered-To for another: Return-Path before, ours after" -r a@b -d c@d

# A Return-Path further down is no reason not to add one.
printf 'Subject: x\nReturn-Path: <old@x>\n\nbody\n' >"$T/in"
printf 'Return-Path: <a@b>\nSubject: x\nReturn-Path: <old@x>\n\nbody\n' >"$T/want"
stores "Return-Path further down: ours added, theirs kept" -r a@b

# Line ends follow the first line.
printf 'Subject: x\r\n\r\nbody\r\n' >"$T/in"
printf 'Return-Path: <a@b>\r\nDelivered-To: c@d\r\nSubject: x\r\n\r\nbody\r\n' >"$T/want"
stores "CRLF message gets CRLF trace lines" -r a@b -d c@d
printf 'From a@b Thu Oct 17 17:14:09 1995\nSubject: x\r\n\r\nbody\r\n' >"$T/in"
stores "CRLF message after an LF From_ line: CRLF trace lines" -r a@b -d c@d
printf 'Subject: x\n\nbody\r\n' >"$T/in"
printf 'Return-Path: <a@b>\nDelivered-To: c@d\nSubject: x\n\nbody\r\n' >"$T/want"
stores "LF header, CRLF body: LF trace lines" -r a@b -d c@d

: >"$T/in"
printf 'Return-Path: <a@b>\nDelivered-To: c@d\n' >"$T/want"
stores "empty message gets the trace lines" -r a@b -d c@d

# Control characters become '_': no injected lines.
printf 'Subject: x\n\nbody\n' >"$T/in"
printf 'Return-Path: <a@b__X-Evil: 1>\nDelivered-To: c@d_X-Evil: 2_x_y_\nSubject: x\n\nbody\n' >"$T/want"
stores "CR/LF/TAB/DEL in -r/-d cannot start a line" \
    -r "$(printf 'a@b\r\nX-Evil: 1')" -d "$(printf 'c@d\nX-Evil: 2\tx\033y\177')"
printf 'Return-Path: <a@b_X-Evil: 1>\nX-Original-To: o@d_X-Evil: 3\nDelivered-To: c@d__X-Evil: 2\nSubject: x\n\nbody\n' >"$T/want"
SENDER=$(printf 'a@b\nX-Evil: 1') RECIPIENT=$(printf 'c@d\r\nX-Evil: 2') \
    ORIGINAL_RECIPIENT=$(printf 'o@d\nX-Evil: 3') \
    stores "CR/LF in SENDER/RECIPIENT/ORIGINAL_RECIPIENT cannot start a line" -e
f=$(only_file "$M/new")
is "$(grep -c '^X-Evil' "$f")" 0 "no X-Evil line in the stored header"
is "$(sed -n '/^$/q;p' "$f" | wc -l | tr -d ' ')" 4 "header has exactly 4 lines"

# The MTA's block ends at a continuation line: an added field must not
# come between a field and its continuation.
printf 'Delivered-To: other@x\n\tcontinued\nSubject: x\n\nbody\n' >"$T/in"
printf 'Delivered-To: other@x\n\tcontinued\nDelivered-To: c@d\nSubject: x\n\nbody\n' >"$T/want"
stores "folded top field keeps its continuation line" -d c@d

# A message that is only a trace line without a newline: the added field
# must still start a line of its own.
printf 'Return-Path: <a@b>' >"$T/in"
printf 'Return-Path: <a@b>\nDelivered-To: c@d\n' >"$T/want"
stores "added field after a last line without newline starts its own line" -d c@d
