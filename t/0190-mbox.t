#!/bin/sh
# -M: an mboxrd file becomes one maildir message per mbox message, each
# byte for byte as it was before quoting; Status:/X-Status: become flags;
# the From_ line (or Date:) gives the mtime; bad messages do not stop the
# rest, and the exit status says what happened.
. "$(dirname "$0")/lib.sh"

plan 50

M=$T/M

# Three messages with lines an mbox must get right.
printf 'Subject: a\n\nFrom the start\n>From quoted\n>>From twice\nFrom\n>From\n' >"$T/m1"
printf 'Subject: b\n\n\n\nblank lines at the end\n\n\n' >"$T/m2"
printf 'Subject: c\nX-Y: From inside\n\nbody\n>>>From deep\n From indented\n' >"$T/m3"

# mboxrd MSG...: an mbox as a mboxrd writer makes it (one '>' more on
# every >*From line, a blank line after each message).
mboxrd() {
	for _m; do
		echo "From sender@example.org Thu Oct 17 17:14:09 1995"
		sed 's/^\(>*From \)/>\1/' "$_m"
		echo
	done
}

# import ARGS... <MBOX: a fresh M, md-deliver -v -M ARGS M.
import() {
	deliver_fresh -v -M "$@"
}

mboxrd "$T/m1" "$T/m2" "$T/m3" >"$T/mbox"
import <"$T/mbox"
is "$RC" 0 "round trip: exit 0"
is "$(lines "$T/out")" 3 "round trip: -v prints three paths"
i=0
while read -r f; do
	i=$((i + 1))
	same_bytes "$f" "$T/m$i" "round trip: message $i stored as it was"
	is "$(name_size "$f")" "$(fsize "$T/m$i")" "round trip: message $i ,S= right"
	is "$(fmtime "$f")" 813950049 "round trip: message $i mtime from its From_ line"
done <"$T/out"
is "$(count_files "$M")" 3 "round trip: three files, tmp/ clean"

# The same mbox with CRLF line ends (as some Windows tools write it).
sed 's/$/\r/' "$T/mbox" >"$T/mbox.crlf"
import <"$T/mbox.crlf"
is "$RC" 0 "CRLF mbox: exit 0"
is "$(count_files "$M/new")" 3 "CRLF mbox: three messages"
sed 's/$/\r/' "$T/m2" >"$T/m2.crlf"
same_bytes "$(sed -n 2p "$T/out")" "$T/m2.crlf" "CRLF mbox: message 2 keeps its CRLF blank lines"

# Status: and X-Status: become flags and leave the header.
{
	printf 'From a Thu Oct 17 17:14:09 1995\nStatus: RO\nX-Status: AF\nSubject: 1\n\n1\n\n'
	printf 'From a Thu Oct 17 17:14:09 1995\nSubject: 2\nStatus: O\n\n2\n\n'
	printf 'From a Thu Oct 17 17:14:09 1995\nSubject: 3\nX-Status: D\n\n3\n\n'
	printf 'From a Thu Oct 17 17:14:09 1995\nSubject: 4\n\n4\n'
} >"$T/mbox"
import <"$T/mbox"
is "$RC" 0 "Status: exit 0"
f1=$(sed -n 1p "$T/out")
f2=$(sed -n 2p "$T/out")
f3=$(sed -n 3p "$T/out")
f4=$(sed -n 4p "$T/out")
is "$(basename "$(dirname "$f1")"):$(name_info "$f1")" "cur:2,FRS" "Status: RO, X-Status: AF -> cur/ :2,FRS"
is "$(basename "$(dirname "$f2")"):$(name_info "$f2")" "cur:2," "Status: O -> cur/ with no flags"
is "$(basename "$(dirname "$f3")"):$(name_info "$f3")" "cur:2,T" "X-Status: D -> :2,T"
is "$(basename "$(dirname "$f4")"):$(name_info "$f4")" "new:" "no Status: -> new/"
printf 'Subject: 1\n\n1\n' >"$T/want"
same_bytes "$f1" "$T/want" "Status: and X-Status: lines dropped"

# -F adds to what Status: says.
import -F F <"$T/mbox"
is "$(name_info "$(sed -n 1p "$T/out")") $(name_info "$(sed -n 4p "$T/out")")" "2,FRS 2,F" "-F F merged with the Status: flags"

# A From line inside a message's header that starts no message (no date,
# no blank line before it) does not end the header: a Status: after it
# still becomes flags.
printf 'From a Thu Oct 17 17:14:09 1995\nX-MUA: 1\nFrom someone\nStatus: RO\nSubject: 1\n\n1\n' >"$T/mbox"
import <"$T/mbox"
f=$(cat "$T/out")
is "$(basename "$(dirname "$f")"):$(name_info "$f")" "cur:2,S" \
    "a From line inside the header: the Status: after it read"
printf 'X-MUA: 1\nFrom someone\nSubject: 1\n\n1\n' >"$T/want"
same_bytes "$f" "$T/want" "a From line inside the header: kept, Status: dropped"

# A From_ line without a date: the mtime comes from Date:.
printf 'From nobody\nDate: Thu, 17 Oct 1995 17:14:09 +0200\n\nx\n' >"$T/mbox"
import <"$T/mbox"
is "$(fmtime "$(cat "$T/out")")" 813942849 "undated From_ line: mtime from Date:"

# No blank line before a dated From_ line: still a new message; an
# undated or prose "From " line without one is body text.
printf 'From a Thu Oct 17 17:14:09 1995\n\n1\nFrom b Thu Oct 17 17:14:09 1995\n\n2\n' >"$T/mbox"
import <"$T/mbox"
is "$(count_files "$M/new")" 2 "dated From_ without a blank line before it: two messages"
printf 'From a Thu Oct 17 17:14:09 1995\n\nSee you\nFrom the Jan 5 10:00 meeting notes 2020 goals\nFrom here on\n' >"$T/mbox"
import <"$T/mbox"
is "$(count_files "$M/new")" 1 "prose From lines without a blank line: one message"
printf '\nSee you\nFrom the Jan 5 10:00 meeting notes 2020 goals\nFrom here on\n' >"$T/want"
same_bytes "$(cat "$T/out")" "$T/want" "prose From lines kept in the body"

# A "From " line costs time in proportion to its length, not its square:
# 16 body lines of "From " and 65,000 spaces (1 MB) took over a minute of
# CPU when every space started a new try at a date. The CPU limit only
# bounds a hang (this takes milliseconds); it is no timing test.
{
	printf 'From a Thu Oct 17 17:14:09 1995\nSubject: spaces\n\nbody\n'
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
		printf 'From '
		repeat_byte 65000 ' '
		printf '\n'
	done
} >"$T/mbox"
rm -rf "$M"
mkmd "$M"
(
	ulimit -t 20
	exec "$MD" -M "$M"
) <"$T/mbox" >"$T/out" 2>"$T/err"
is "$?" 0 "16 From lines of 65,000 spaces: imported within 20 s of CPU"
tail -n +2 "$T/mbox" >"$T/want"
same_bytes "$(only_file "$M/new")" "$T/want" \
    "16 From lines of 65,000 spaces: one message, the lines in its body"

# Not an mbox, an empty one, one of blank lines only.
printf 'Subject: x\n\nbody\n' >"$T/in"
import <"$T/in"
is "$RC" 65 "not an mbox: exit 65"
is "$(count_files "$M")" 0 "not an mbox: nothing delivered"
err_has "not an mbox" "not an mbox: stderr says so"
import </dev/null
is "$RC" 0 "empty mbox: exit 0"
is "$(count_files "$M")" 0 "empty mbox: nothing delivered"
printf '\n\n' | deliver -M "$M"
is "$RC" 0 "mbox of blank lines: exit 0"
deliver --qmail -M "$M" <"$T/in"
is "$RC" 100 "--qmail: not an mbox is 100"

# A message refused by -s does not stop the rest; exit 65 says so.
{
	printf 'From a Thu Oct 17 17:14:09 1995\nSubject: 1\n\n1\n\n'
	printf 'From a Thu Oct 17 17:14:09 1995\nSubject: 2\n\n'
	repeat_byte 5000 x
	printf '\n\nFrom a Thu Oct 17 17:14:09 1995\nSubject: 3\n\n3\n'
} >"$T/mbox"
import -s 1k <"$T/mbox"
is "$RC" 65 "-s refuses message 2: exit 65"
is "$(count_files "$M/new")" 2 "-s: messages 1 and 3 delivered"
is "$(count_files "$M/tmp")" 0 "-s: tmp/ clean"
grep -q 'Subject: 3' "$M"/new/*
ok $? "-s: message 3 arrived after the refused one"
err_has "2 delivered, 1 refused" "-s: summary counts them"

# Imported mail was delivered once already: its Delivered-To for us is
# no loop (anywhere in the header), and -d adds none when it is on top.
{
	printf 'From a Thu Oct 17 17:14:09 1995\nDelivered-To: me@x\nSubject: 1\n\n1\n\n'
	printf 'From a Thu Oct 17 17:14:09 1995\nSubject: 2\nDelivered-To: me@x\n\n2\n'
} >"$T/mbox"
import -d me@x <"$T/mbox"
is "$RC" 0 "-M -d with Delivered-To for the recipient: no loop, exit 0"
printf 'Delivered-To: me@x\nSubject: 1\n\n1\n' >"$T/want"
same_bytes "$(sed -n 1p "$T/out")" "$T/want" "-M -d: Delivered-To on top not added twice"

# A target that cannot be opened: the others get every message; 75.
mboxrd "$T/m1" "$T/m2" "$T/m3" >"$T/mbox"
deliver_fresh -M "$T/missing" <"$T/mbox"
is "$RC" 75 "one target missing: exit 75"
is "$(count_files "$M/new")" 3 "one target missing: the other gets all three"
err_has "$T/missing" "one target missing: stderr names it"

# new/ refuses the link (as an unwritable one would): the import stops
# at the first message and says where.
rm -rf "$M"
mkmd "$M"
with_fault linkat=EACCES deliver -M "$M" <"$T/mbox"
is "$RC" 75 "new/ refuses the link: exit 75"
is "$(count_files "$M")" 0 "new/ refuses the link: nothing left in tmp/"
err_has "stopped at message 1" "new/ refuses the link: stderr says where"
