#!/bin/sh
# A run that adds many messages to one quota (md-deliver -M, md-move)
# writes its line at the end; when the quota is counted again on the
# way (the sums would refuse a message and cannot be trusted), that
# count already holds the messages placed so far, and their line must
# not add them a second time. Before the fix both maildirsize files
# below said 100 messages where 50 were.
. "$(dirname "$0")/lib.sh"

MSG=$(dirname "$BIN")/crash/msg
[ -x "$MSG" ] || skip_all "no $MSG (make all-tests builds it)"

plan 6

M=$T/M
"$BIN/md-mkdir" -q 50C "$M"
# Two lines: sums that refuse are counted again, not believed.
echo "0 0" >>"$M/maildirsize"
"$MSG" mbox -z 500 q 1 60 >"$T/mbox"
deliver -M "$M" <"$T/mbox"
is "$RC $(count_files "$M")" "75 50" "md-deliver -M: 50 of 60 messages, then over quota"
err_has "51 of 50 messages" "md-deliver -M: the refused message is the 51st, not the 101st"
"$BIN/md-check" "$M" >"$T/check" 2>&1
is "$? $(cat "$T/check")" "0 " \
    "md-deliver -M: maildirsize counts each message once after a count on the way"

S=$T/S
D=$T/D
"$BIN/md-mkdir" "$S"
"$BIN/md-mkdir" -q 50C "$D"
echo "0 0" >>"$D/maildirsize"
"$MD" -M "$S" <"$T/mbox"
"$BIN/md-list" "$S" | "$BIN/md-move" -q -t "$D" 2>"$T/err"
is "$? $(count_files "$D") $(count_files "$S")" "1 50 10" \
    "md-move: 50 of 60 messages moved, then over quota"
err_has "over its quota" "md-move: the others are refused for the quota"
"$BIN/md-check" "$D" >"$T/check" 2>&1
is "$? $(cat "$T/check")" "0 " \
    "md-move: maildirsize counts each message once after a count on the way"
