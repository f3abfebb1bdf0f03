#!/bin/sh
# Races found by the stress tests (t/stress/), made to happen every time
# with t/stress/shim.so: another process renames a message at the very
# moment a program has just looked at it.
. "$(dirname "$0")/lib.sh"

SHIM=${MDKIT_STRESS_SHIM:-$(dirname "$BIN")/stress/shim.so}
[ -f "$SHIM" ] || skip_all "no $SHIM (make all-tests builds it)"
is_asan && skip_all "LD_PRELOAD shims and AddressSanitizer do not mix"

plan 7

M=$T/M
"$BIN/md-mkdir" "$M"
printf 'Subject: a\n\nbody\n' >"$T/msg"

# race_check NAME TO [md-check ARG...]: md-check, with NAME (in new/)
# renamed to TO (relative to new/) just after md-check looked at it.
race_check() {
	_name=$1
	_to=$2
	shift 2
	MDKIT_SHIM_RENAME="$_name/$_to" LD_PRELOAD=$SHIM \
	    "$BIN/md-check" "$@" "$M" >"$T/out" 2>"$T/err"
	RC=$?
}

# 1-2. A message moved from new/ to cur/ (a reader saw it, md-flag set
# a flag) between md-check's reading of new/ and of cur/ was seen under
# both names, one inode: reported as a duplicate, "the same file, hard
# linked", exit 1, and --repair tried to rename the name that was gone.
# Before the fix both failed.
deliver "$M" <"$T/msg"
n=$(ls "$M/new")
race_check "$n" "../cur/$n:2,S"
is "$RC $(cat "$T/out" "$T/err")" "0 " \
    "md-check: a message renamed from new/ to cur/ during the check is no duplicate"

rm -f "$M"/cur/*
deliver "$M" <"$T/msg"
n=$(ls "$M/new")
race_check "$n" "../cur/$n:2,S" --repair
is "$RC $(cat "$T/out" "$T/err")" "0 " \
    "md-check --repair: nothing to repair and no failed rename for it"

# 3. The same for a name with info left in new/ (mblaze's mdeliver does
# so) that a reader moves to cur/: no misplaced, no duplicate.
rm -f "$M"/cur/*
deliver "$M" <"$T/msg"
n=$(ls "$M/new")
mv "$M/new/$n" "$M/new/$n:2,S"
race_check "$n:2,S" "../cur/$n:2,S"
is "$RC $(cat "$T/out" "$T/err")" "0 " \
    "md-check: a misplaced name moved to cur/ during the check is neither misplaced nor a duplicate"

# 4-6. What is still found: a real hard link under one base (both names
# there), and a renamed message whose old name is back as another file.
rm -f "$M"/cur/*
deliver "$M" <"$T/msg"
n=$(ls "$M/new")
ln "$M/new/$n" "$M/cur/$n:2,S"
"$BIN/md-check" "$M" >"$T/out" 2>&1
is "$? $(cut -f1 "$T/out")" "1 duplicate" \
    "md-check: a hard link in new/ and cur/ under one base is still a duplicate"
rm -f "$M/cur/$n:2,S"
race_check "$n" "../cur/$n:2,S"
is "$RC" 0 "md-check: the rename alone again finds nothing"
rm -f "$M"/cur/*
deliver "$M" <"$T/msg"
n=$(ls "$M/new")
cp "$M/new/$n" "$M/cur/$n:2,S"
"$BIN/md-check" "$M" >"$T/out" 2>&1
is "$? $(cut -f1 "$T/out")" "1 duplicate" \
    "md-check: two files under one base are still a duplicate"

# 7. A recount of maildirsize that falls between another process's
# step (md-expunge's unlink, md-deliver's link) and its line. Here
# md-expunge stops right after its unlink; md-deliver finds maildirsize
# too long (5120 bytes or more, as Maildir++ makes it after some 400
# lines), counts the maildir (without the message just removed) and
# replaces the file. md-expunge's "-size -1" line would take the message
# off twice; it sees that the file is not the one it found before its
# unlink, and counts again instead.
Q=$T/Q
"$BIN/md-mkdir" -q 10G "$Q"
deliver "$Q" <"$T/msg"
deliver "$Q" <"$T/msg"
i=0
while [ "$i" -lt 1300 ]; do
	echo "0 0"
	i=$((i + 1))
done >>"$Q/maildirsize"
"$BIN/md-list" "$Q" | head -n 1 | "$BIN/md-flag" -q -T
MDKIT_SHIM_STOP=unlinkat LD_PRELOAD=$SHIM "$BIN/md-expunge" "$Q" &
pid=$!
i=0
st=
while [ "$i" -lt 100000 ] && [ "$st" != T ] && [ -e "/proc/$pid/stat" ]; do
	read -r _ _ st _ <"/proc/$pid/stat"
	i=$((i + 1))
done
deliver "$Q" <"$T/msg"
kill -CONT "$pid"
wait "$pid"
"$BIN/md-check" "$Q" >"$T/out" 2>&1
is "$? $(cut -f1 "$T/out")" "0 " \
    "md-expunge's line after a recount by md-deliver between its unlink and its line: counted again"
