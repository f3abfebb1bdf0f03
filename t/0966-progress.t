#!/bin/sh
# The progress line (cmd/progress.c) of md-deliver -M, md-check,
# md-expunge and md-move: on a terminal (script(1) gives one) it shows
# counts, rate and, where the total is known, the time left, and is
# wiped at the end; none with -q, none when stderr is no terminal. The
# clock is the fault shim's, 300 ms later at each reading, so that a
# short run lasts the second after which the line shows.
. "$(dirname "$0")/lib.sh"

plan 15
if ! command -v script >/dev/null 2>&1 || ! have_faultlib; then
	skip_n 15 "no script(1) or no fault shim (MDKIT_FAULTLIB)"
	exit 0
fi
tick() {
	MDKIT_CLOCK_STEP=300 LD_PRELOAD=$FAULTLIB \
	    ASAN_OPTIONS=verify_asan_link_order=0 "$@"
}
# on_tty COMMAND: its terminal's bytes, each \r a line end, in $T/tty.
on_tty() {
	tick script -qec "$1" /dev/null </dev/null >"$T/raw" 2>&1
	tr '\r' '\n' <"$T/raw" >"$T/tty"
}
ESC=$(printf '\033')

i=1
while [ $i -le 40 ]; do
	printf 'From a@b Thu Dec  3 10:00:00 2026\nSubject: %d\n\nbody\n\n' $i
	i=$((i + 1))
done >"$T/mbox"
cd "$T" || exit 1

on_tty "$MD -M -c M1 <mbox"
grep -q "^${ESC}\[Kmbox: 40 messages, [0-9.]*[BK]/2.1K, [0-9.]*[BK]/s, 0 s left" tty
ok $? "md-deliver -M on a terminal: messages, bytes of the file's, rate, time left"
grep -q "^${ESC}\[Kmbox: [0-9]* messages, .* [1-9][0-9]* s left" tty
ok $? "md-deliver -M: the time left as the import goes"
is "$(tail -c 4 raw | od -An -c | tr -d ' ')" '\r033[K' \
    "md-deliver -M: the line wiped at the end"
is "$(count_files M1/new)" 40 "md-deliver -M with progress: every message delivered"
on_tty "cat mbox | $MD -M -c M2"
grep -q "^${ESC}\[Kmbox: 40 messages, [0-9.]*[BK], [0-9.]*[BK]/s$" tty
ok $? "md-deliver -M from a pipe: no size known, no time left"
on_tty "$MD -M -q -c M3 <mbox"
! grep -q 'mbox:' tty
ok $? "md-deliver -M -q on a terminal: no progress"
tick "$MD" -M -c M4 <mbox >out 2>err
is "$?:$(bytes err)" "0:0" "md-deliver -M, stderr no terminal: no progress"

mkmd C
i=1
while [ $i -le 30 ]; do
	msg C/cur "$i.M1P1.h:2,T"
	i=$((i + 1))
done
on_tty "$BIN/md-check C >/dev/null"
grep -q "^${ESC}\[KC: 30 checked, [0-9]*/s$" tty
ok $? "md-check on a terminal: messages checked, rate"
on_tty "$BIN/md-check -q C >/dev/null"
! grep -q 'checked' tty
ok $? "md-check -q: no progress"
mkmd D
on_tty "$BIN/md-move -t D C/cur/* >/dev/null"
grep -q "^${ESC}\[Kmd-move: 30/30 moved, [0-9]*/s, 0 s left$" tty
ok $? "md-move on a terminal: moved of given, rate, time left"
on_tty "$BIN/md-move -q -t C D/cur/*"
! grep -q 'moved' tty
ok $? "md-move -q: no progress"
on_tty "$BIN/md-expunge C"
grep -q "^${ESC}\[KC: 30 looked at, [0-9]*/s$" tty
ok $? "md-expunge on a terminal: files looked at, rate"
is "$(count_files C/cur)" 0 "md-expunge with progress: the T messages gone"

# A terminal of 40 columns: each line cut to 39, so that it never wraps
# (a wrapped line would leave its first row behind).
LONG=C-with-a-name-long-enough-to-need-cutting
mv C "$LONG"
i=1
while [ $i -le 30 ]; do
	msg "$LONG/cur" "$i.M1P1.h:2,S"
	i=$((i + 1))
done
on_tty "stty cols 40; $BIN/md-check $LONG >/dev/null"
grep -q "^${ESC}\[K$(printf %.39s "$LONG")$" tty
ok $? "40 columns: the line cut to 39"
is "$(sed "s/^${ESC}\[K//" tty | awk 'length > 39' | wc -l)" 0 \
    "40 columns: no line longer"
