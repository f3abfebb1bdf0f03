#!/bin/sh
# Maildir++ quota in md-deliver: the root's maildirsize is checked before a
# message becomes visible and gets "<size> 1" after; over quota leaves
# nothing behind and exits 75 (77 with --quota-permanent); folders use the
# root's file, .Trash is not counted; Courier's and Dovecot's files are
# read, and Courier's own tools agree with what we read and write. Odd
# files (issue 13): md-check and md-deliver give one verdict on each, and
# what md-deliver, md-move, md-expunge, md-mkdir -q and md-check --repair
# leave behind md-check calls sound.
. "$(dirname "$0")/lib.sh"

plan 192

M=$T/M
printf 'Subject: q\n\nhello\n' >"$T/msg" # 18 bytes as stored
SZ=18

# quota TEXT: a fresh M whose maildirsize holds TEXT (printf format).
quota() {
	rm -rf "$M"
	mkmd "$M"
	# shellcheck disable=SC2059
	printf "$1" >"$M/maildirsize"
}

sizefile() { cat "$M/maildirsize"; }

# ---- under quota ----

quota '1000S,10C\n0 0\n'
deliver "$M" <"$T/msg"
is "$RC" 0 "under quota: exit 0"
is "$(count_files "$M/new")" 1 "under quota: delivered"
is "$(sizefile)" "$(printf '1000S,10C\n0 0\n%s 1' $SZ)" \
    "under quota: one line '<size> 1' appended"
is "$(name_size "$(only_file "$M/new")")" $SZ "under quota: the line's size is the file's"
deliver "$M" <"$T/msg"
is "$(tail -n 1 "$M/maildirsize")" "$SZ 1" "a second delivery: one more line"
is "$(wc -l <"$M/maildirsize" | tr -d ' ')" 4 "a second delivery: four lines"

# ---- over quota ----

# One fresh line is believed: 990 + 18 > 1000.
quota '1000S,10C\n990 5\n'
deliver "$M" <"$T/msg"
is "$RC" 75 "over by bytes: exit 75"
is "$(count_files "$M")" 0 "over by bytes: nothing in tmp/, new/ or cur/"
is "$(grep -c . "$T/err")" 1 "over by bytes: one line on stderr"
err_has "$M: over quota: with this message 1008 of 1000 bytes, 6 of 10 messages" \
    "over by bytes: stderr names the maildir and the numbers"
is "$(sizefile)" "$(printf '1000S,10C\n990 5')" "over by bytes: maildirsize untouched"

# Exactly full still fits: 982 + 18 = 1000.
quota '1000S,10C\n982 5\n'
deliver "$M" <"$T/msg"
is "$RC" 0 "exactly at the byte limit: delivered"

quota '3C\n54 3\n'
deliver "$M" <"$T/msg"
is "$RC" 75 "over by count: exit 75"
is "$(count_files "$M")" 0 "over by count: nothing left behind"
err_has "over quota: with this message 72 bytes, 4 of 3 messages" \
    "over by count: the numbers, no byte limit"
is "$(grep -c . "$T/err")" 1 "over by count: one line on stderr"

deliver --quota-permanent "$M" <"$T/msg"
is "$RC" 77 "--quota-permanent: exit 77"
is "$(count_files "$M")" 0 "--quota-permanent: nothing left behind"
deliver --qmail "$M" <"$T/msg"
is "$RC" 111 "--qmail: over quota is 111"
deliver --qmail --quota-permanent "$M" <"$T/msg"
is "$RC" 100 "--qmail --quota-permanent: 100"
deliver --quota-p "$M" <"$T/msg"
is "$RC" 77 "--quota-permanent may be abbreviated"
deliver --quota-permanent=x "$M" <"$T/msg"
is "$RC" 75 "--quota-permanent takes no argument: a usage error, 75"
"$MD" -h | grep -q -- '--quota-permanent'
ok $? "-h shows --quota-permanent"

# ---- numbers that cannot be trusted are counted again ----

# Several lines that say "over": counted, and the maildir is empty.
quota '1000S,10C\n600 1\n500 1\n'
deliver "$M" <"$T/msg"
is "$RC" 0 "over on several lines: counted again, delivered"
is "$(sizefile)" "$(printf '1000S,10C\n0 0\n%s 1' $SZ)" \
    "over on several lines: file rewritten with the count, then our line"
is "$(count_files "$M/tmp")" 0 "the rewrite leaves nothing in tmp/"

# One line that says "over", older than 15 minutes.
quota '1000S,10C\n1100 1\n'
touch -d '20 minutes ago' "$M/maildirsize"
deliver "$M" <"$T/msg"
is "$RC" 0 "over on an old line: counted again, delivered"
is "$(sizefile)" "$(printf '1000S,10C\n0 0\n%s 1' $SZ)" "old line: file rewritten"

# Counted: sizes from ",S=", other files by their size, .Trash left out.
quota '1000S,10C\n5000 1\n5000 1\n'
printf '12345' >"$M/cur/1.M1P1.h:2,S"
: >"$M/new/2.M2P2.h,S=300"
mkmd "$M/.Trash" "$M/.Work"
: >"$M/.Trash/cur/3.M3P3.h,S=900:2,T"
: >"$M/.Work/new/4.M4P4.h,S=100"
deliver "$M" <"$T/msg"
is "$RC" 0 "count: delivered"
is "$(sizefile)" "$(printf '1000S,10C\n405 3\n%s 1' $SZ)" \
    "count: ,S= sizes, stat for the rest, folders in, .Trash out"

# A damaged line, a negative sum, a file too big.
quota '1000S,10C\n0 0\nnot numbers\n'
deliver "$M" <"$T/msg"
is "$(head -n 2 "$M/maildirsize" | tail -n 1)" "0 0" "damaged line: counted again"
quota '1000S,10C\n10 1\n-20 -2\n'
deliver "$M" <"$T/msg"
is "$(sizefile)" "$(printf '1000S,10C\n0 0\n%s 1' $SZ)" "negative sum: counted again"
quota '1000S,10C\n'
i=0
while [ $i -lt 1300 ]; do
	echo "0 0"
	i=$((i + 1))
done >>"$M/maildirsize"
deliver "$M" <"$T/msg"
is "$(wc -l <"$M/maildirsize" | tr -d ' ')" 3 "5120 bytes or more: rewritten small"

# ---- formats of other writers ----

# Courier pads each number to 12 columns; a fresh single line is believed.
quota '5000S,100C\n        4096            3\n         800            1\n'
deliver "$M" <"$T/msg"
is "$RC" 0 "Courier format: delivered"
is "$(tail -n 1 "$M/maildirsize")" "$SZ 1" "Courier format: our line appended"
quota '5000S,100C\n        4990            3\n'
deliver "$M" <"$T/msg"
is "$RC" 75 "Courier format: 4990 + 18 read as over 5000"
err_has "5008 of 5000 bytes, 4 of 100 messages" "Courier format: summed right"

# Dovecot writes "0S" for no byte limit, unpadded lines.
quota '0S,2C\n100 1\n-50 0\n'
deliver "$M" <"$T/msg"
is "$RC" 0 "Dovecot format: delivered"
quota '0S,2C\n100 1\n-50 0\n0 1\n'
touch -d '1 minute ago' "$M/maildirsize"
: >"$M/new/a,S=1"
: >"$M/new/b,S=1"
deliver "$M" <"$T/msg"
is "$RC" 75 "Dovecot format: full by count (recounted: 2 messages)"
err_has "with this message 20 bytes, 3 of 2 messages" "Dovecot format: the recount's numbers"

# ---- folders, .Trash, several targets ----

quota '1000S,10C\n0 0\n'
deliver -c -f Work "$M" <"$T/msg"
is "$RC" 0 "-f: delivered into the folder"
is "$(count_files "$M/.Work/new")" 1 "-f: the message is in the folder"
is "$(tail -n 1 "$M/maildirsize")" "$SZ 1" "-f: the root's maildirsize got the line"
check "-f: no maildirsize in the folder" test ! -e "$M/.Work/maildirsize"
deliver "$M/.Work" <"$T/msg"
is "$(wc -l <"$M/maildirsize" | tr -d ' ')" 4 "a folder path (maildirfolder marker): the root's file"

printf '1000S,10C\n1000 1\n' >"$M/maildirsize"
deliver -f Work "$M" <"$T/msg"
is "$RC" 75 "a full root refuses for its folder"
is "$(count_files "$M/.Work/new")" 2 "full root: nothing new in the folder"
deliver -c -f Trash "$M" <"$T/msg"
is "$RC" 0 ".Trash: no quota check"
is "$(sizefile)" "$(printf '1000S,10C\n1000 1')" ".Trash: no line appended"

# A full maildir and one without a quota: the second gets the message.
quota '1C\n0 1\n'
rm -rf "$T/B"
mkmd "$T/B"
deliver "$M" "$T/B" <"$T/msg"
is "$RC" 75 "one target over quota: exit 75"
is "$(count_files "$M/new")/$(count_files "$T/B/new")" 0/1 "one target over quota: the other has it"
is "$(grep -c . "$T/err")" 1 "one target over quota: one line on stderr"
deliver --quota-permanent "$M" "$T/missing" <"$T/msg"
is "$RC" 75 "--quota-permanent, another target failing too: 75"

# Two targets under one root count together: one message of room only.
quota '1C\n0 0\n'
mkmd "$M/.F"
: >"$M/.F/maildirfolder"
deliver "$M" "$M/.F" <"$T/msg"
is "$RC" 75 "two targets, one root, room for one: exit 75"
is "$(count_files "$M/new")/$(count_files "$M/.F/new")" 1/0 "room for one: the first got it"
is "$(sizefile)" "$(printf '1C\n0 0\n%s 1' $SZ)" "room for one: one line"

# ---- -M: in memory, one summed line per batch ----

mbox() {
	i=0
	while [ $i -lt "$1" ]; do
		echo "From a@example.org Thu Oct 17 17:14:09 1995"
		cat "$T/msg"
		echo
		i=$((i + 1))
	done
}
mbox 3 >"$T/mbox"
quota '0S,10C\n0 0\n'
deliver -M "$M" <"$T/mbox"
is "$RC" 0 "-M under quota: exit 0"
is "$(sizefile)" "$(printf '0S,10C\n0 0\n%s 3' $((3 * SZ)))" "-M: one summed line"
quota '0S,2C\n0 0\n'
deliver -M "$M" <"$T/mbox"
is "$RC" 75 "-M over quota: exit 75"
is "$(count_files "$M/new")" 2 "-M over quota: two delivered"
is "$(sizefile)" "$(printf '0S,2C\n0 0\n%s 2' $((2 * SZ)))" "-M over quota: the two are counted"
err_has "stopped at message 3" "-M over quota: the import stops there"
quota '0S,2C\n0 0\n'
deliver -M --quota-permanent "$M" <"$T/mbox"
is "$RC" 77 "-M --quota-permanent: exit 77"

# ---- failures around maildirsize ----

shim=${MDKIT_FAULTLIB:-}
if [ -n "$shim" ] && [ -f "$shim" ]; then
	# The append fails (write 1 is the message, 2 the line): the message
	# is delivered all the same, and the failure said.
	quota '1000S,10C\n0 0\n'
	MDKIT_FAULT=write=ENOSPC@2 LD_PRELOAD=$shim \
	    ASAN_OPTIONS=verify_asan_link_order=0 \
	    "$MD" "$M" <"$T/msg" >"$T/out" 2>"$T/err"
	is "$?" 0 "append fails: still delivered, exit 0"
	is "$(count_files "$M/new")" 1 "append fails: the message is there"
	err_has "$M/maildirsize: write: No space left on device" \
	    "append fails: said on stderr"
	is "$(sizefile)" "$(printf '1000S,10C\n0 0')" "append fails: file as it was"
	# Rewriting the file fails (fsync 1 is the message's): no delivery.
	quota '1000S,10C\n600 1\n600 1\n'
	MDKIT_FAULT=fsync=EIO@2 LD_PRELOAD=$shim \
	    ASAN_OPTIONS=verify_asan_link_order=0 \
	    "$MD" "$M" <"$T/msg" >"$T/out" 2>"$T/err"
	is "$?" 75 "recount cannot be written: exit 75"
	is "$(count_files "$M")" 0 "recount cannot be written: nothing left in tmp/ or new/"
	err_has "write: Input/output error" "recount cannot be written: said on stderr"
	# Root recounts a user's maildirsize and cannot give the new file
	# the user's owner: the old file stays, else the user's own
	# deliveries could no longer append to a file owned by root.
	if is_root; then
		quota '1000S,10C\n600 1\n600 1\n'
		chown -R 65534:65534 "$M"
		MDKIT_FAULT=fchown=EPERM LD_PRELOAD=$shim \
		    ASAN_OPTIONS=verify_asan_link_order=0 \
		    "$MD" "$M" <"$T/msg" >"$T/out" 2>"$T/err"
		is "$?:$(stat -c %u "$M/maildirsize")" "75:65534" \
		    "root's recount cannot chown the new file: exit 75, the user's file stays"
		chown -R 0:0 "$M"
	else
		skip "not root: cannot give a file to another owner"
	fi
else
	skip_n 8 "no fault library (MDKIT_FAULTLIB)"
fi

# ---- no maildirsize: nothing changes ----

rm -rf "$M"
mkmd "$M"
deliver "$M" <"$T/msg"
is "$RC" 0 "no maildirsize: delivered"
check "no maildirsize: none created" test ! -e "$M/maildirsize"
if have_strace; then
	strace -f -o "$T/trace" "$MD" "$M" <"$T/msg" 2>"$T/err"
	is "$?" 0 "no maildirsize, under strace: delivered"
	is "$(grep -c 'maildirfolder\|maildirsize' "$T/trace")" 2 \
	    "no maildirsize: one stat of maildirfolder and one open of maildirsize"
else
	skip_n 2 "no usable strace"
fi

# ---- odd files: one verdict from every reader (issue 13) ----

# oddmd TEXT: a fresh M holding 107 bytes in 2 messages, a T-flagged one
# of 100 and one of 7, a .Trash, and maildirsize TEXT (printf format).
oddmd() {
	quota "$1"
	mkmd "$M/.Trash"
	: >"$M/.Trash/maildirfolder"
	: >"$M/cur/1.M1P1.h,S=100:2,ST"
	: >"$M/new/2.M2P2.h,S=7"
}

# verdict: what md-check says of M's maildirsize, "sound" or "recount".
verdict() {
	"$BIN/md-check" "$M" 2>&1 | grep -q "^quota" && echo recount ||
	    echo sound
}

# sums: the sums of M's usage lines.
sums() { awk 'NR > 1 { b += $1; c += $2 } END { print b + 0, c + 0 }' "$M/maildirsize"; }

# sound_after WHAT SUMS: md-check calls what WHAT left behind sound, with
# the sums SUMS.
sound_after() {
	is "$(verdict) $(sums)" "sound $2" "$1: md-check calls the file sound"
}

# agree WANT DESC: md-check's verdict on M's maildirsize, and whether
# md-deliver then counts again (writes a new file), are both WANT.
agree() {
	_ino=$(finode "$M/maildirsize")
	_c=$(verdict)
	deliver "$M" <"$T/msg"
	_d=sound
	[ "$(finode "$M/maildirsize")" = "$_ino" ] || _d=recount
	is "$_c/$_d" "$1/$1" "$2"
}

# odd DESC TEXT WANT: md-check and md-deliver agree on TEXT, "sound" or
# "recount" (md-deliver wrote a new file); what md-deliver, md-move and
# md-check --repair leave is sound.
odd() {
	oddmd "$2"
	agree "$3" "$1: md-check and md-deliver: $3"
	sound_after "$1, md-deliver" "$((107 + SZ)) 3"
	oddmd "$2"
	rm -rf "$T/O"
	mkmd "$T/O"
	: >"$T/O/cur/9.M9P9.h,S=30:2,S"
	"$BIN/md-move" -q "$T/O/cur/9.M9P9.h,S=30:2,S" "$M"
	sound_after "$1, md-move in" "137 3"
	[ -z "$2" ] && return # no limits to write back: left to the admin
	oddmd "$2"
	"$BIN/md-check" --repair "$M" >/dev/null 2>&1
	sound_after "$1, md-check --repair" "107 2"
}

odd "Courier's padded lines" \
    '100000S,1000C\n         100            1\n           7            1\n' sound
odd "Dovecot's unpadded lines" '100000S,1000C\n100 1\n7 1\n' sound
odd "Dovecot's 0S" '0S\n107 2\n' sound
odd "tabs and blanks" '1000C\n\t100\t 1 \n  7 1\n' sound
odd "negative lines" '100000S\n200 3\n-93 -1\n' sound
odd "a blank last line" '1000S\n107 2\n\n' recount
odd "a blank line between" '1000S\n100 1\n\n7 1\n' recount
odd "CRLF" '1000S\r\n107 2\r\n' recount
odd "CRLF on a usage line" '1000S\n107 2\r\n' recount
odd "no final newline" '1000S\n107 2' recount
odd "no newline at all" '1000S' recount
odd "limits apart by a blank" '1000S 10C\n107 2\n' recount
odd "only the definition line" '1000S\n' recount
odd "a plus sign" '1000S\n+107 2\n' recount
odd "a third number" '1000S\n107 2 7\n' recount
odd "a line glued on" '1000S\n0 018 1\n' recount
odd "garbage" '1000S\nnot numbers\n' recount
odd "negative sums" '1000S\n10 1\n-20 -2\n' recount
odd "sums past int64" '1000S\n9223372036854775807 1\n1 1\n' recount
odd "an empty file" '' recount
i=0
big='100000S\n'
while [ $i -lt 1278 ]; do
	big="${big}0 0\\n"
	i=$((i + 1))
done
odd "5120 bytes" "$big" recount

# The files of issue 13, in an empty maildir: md-check found nothing
# where md-deliver counted again (a blank last line, CRLF), and
# md-deliver glued its line onto a last one without its newline.
for what in blank crlf noeol; do
	case $what in
	blank) quota '1000S\n0 0\n\n' ;;
	crlf) quota '1000S\r\n0 0\r\n' ;;
	noeol) quota '1000S\n0 0' ;;
	esac
	agree recount "issue 13, $what: md-check and md-deliver both count again"
	sound_after "issue 13, $what, md-deliver" "$SZ 1"
done

# Appending writers never read the file: a sound one stays sound, and
# a last line without its newline gets one before theirs.
appended() {
	oddmd "$2"
	"$BIN/md-expunge" "$M"
	sound_after "$1, md-expunge" "7 1"
	oddmd "$2"
	"$BIN/md-move" -q "$M/cur/1.M1P1.h,S=100:2,ST" "$M/.Trash"
	sound_after "$1, md-move into .Trash" "7 1"
}
appended "Courier's padded lines" \
    '100000S,1000C\n         100            1\n           7            1\n'
appended "Dovecot's unpadded lines" '1000S\n100 1\n7 1\n'
appended "no final newline" '1000S\n100 1\n7 1'
is "$(tail -n 2 "$M/maildirsize")" "$(printf '7 1\n-100 -1')" \
    "no final newline: the appended line stands on its own (issue 13)"

# md-mkdir -q writes a new file whatever the old one held.
for what in blank noeol empty; do
	case $what in
	blank) oddmd '1000S\n0 0\n\n' ;;
	noeol) oddmd '1000S\n0 0' ;;
	empty) oddmd '' ;;
	esac
	"$BIN/md-mkdir" -q 2000S "$M" 2>/dev/null
	sound_after "md-mkdir -q on a file $what" "107 2"
done

# One root spelt two ways is one quota: room for one message only.
quota '1C\n0 0\n'
mkmd "$M/.F"
: >"$M/.F/maildirfolder"
rm -f "$T/Mlink"
ln -s "$M" "$T/Mlink"
deliver "$M" "$T/Mlink/.F" <"$T/msg"
is "$RC/$(count_files "$M/new")/$(count_files "$M/.F/new")" 75/1/0 \
    "one root by two paths: counted together, room for one (issue 13)"

# ---- Courier's own tools (maildrop: maildirmake, deliverquota) ----

if command -v maildirmake >/dev/null 2>&1 &&
    command -v deliverquota >/dev/null 2>&1; then
	# Courier writes the quota, we honour it.
	rm -rf "$M"
	maildirmake "$M" && maildirmake -q 100S,3C "$M"
	n=0
	for i in 1 2 3 4; do
		deliver "$M" <"$T/msg" && n=$((n + 1))
	done
	is "$n/$RC" 3/75 "maildirmake -q 100S,3C: three delivered, the fourth refused"
	# Courier reads what we wrote: full, it refuses too.
	deliverquota "$M" <"$T/msg" >/dev/null 2>&1
	is "$?" 77 "deliverquota refuses as we do"
	is "$(count_files "$M/new")" 3 "Courier and we: three messages"

	# Room for two more: one each, then both refuse.
	rm -rf "$M"
	maildirmake "$M" && maildirmake -q 1000S,5C "$M"
	deliver "$M" <"$T/msg" && deliver "$M" <"$T/msg" &&
	    deliver "$M" <"$T/msg"
	deliverquota "$M" <"$T/msg" >/dev/null 2>&1
	is "$?" 0 "deliverquota accepts after our deliveries"
	deliver "$M" <"$T/msg"
	is "$RC" 0 "we accept after Courier's delivery"
	deliverquota "$M" <"$T/msg" >/dev/null 2>&1
	is "$?" 77 "deliverquota refuses at five"
	deliver "$M" <"$T/msg"
	is "$RC" 75 "we refuse at five"
	is "$(awk 'NR > 1 { b += $1; c += $2 } END { print b, c }' "$M/maildirsize")" \
	    "$((5 * SZ)) 5" "the sums both wrote are the maildir's"

	# A folder Courier made: deliverquota and we keep the root's file.
	# Messages removed behind the file's back: once it is old, both
	# count again.
	maildirmake -f Lists "$M"
	rm -f "$M"/new/* "$M"/cur/*
	deliver -f Lists "$M" <"$T/msg"
	is "$RC" 75 "a fresh file is believed although the messages went"
	touch -d '20 minutes ago' "$M/maildirsize"
	deliver -f Lists "$M" <"$T/msg"
	is "$RC" 0 "a Courier folder: recounted and delivered"
	deliverquota "$M/.Lists" <"$T/msg" >/dev/null 2>&1
	is "$?$(count_files "$M/.Lists/new")" 02 "deliverquota into the folder after us"

	# Courier's files are read as they are: no finding, no recount.
	rm -rf "$M"
	maildirmake "$M" && maildirmake -q 100000S,100C "$M"
	deliverquota "$M" <"$T/msg" >/dev/null 2>&1
	ino=$(finode "$M/maildirsize")
	is "$(verdict)" sound "maildirmake -q, deliverquota: md-check calls the file sound"
	deliver "$M" <"$T/msg"
	is "$RC/$(finode "$M/maildirsize")" "0/$ino" "maildirmake -q, deliverquota: md-deliver appends"
	sound_after "Courier, then md-deliver" "$((2 * SZ)) 2"

	# deliverquota glues its line onto a last line without its newline;
	# both our readers count again, and agree.
	rm -rf "$M"
	maildirmake "$M"
	printf '100000S\n0 0' >"$M/maildirsize"
	deliverquota "$M" <"$T/msg" >/dev/null 2>&1
	is "$(sed -n 2p "$M/maildirsize" | tr -s ' ')" "0 0 $SZ 1" \
	    "deliverquota glues its line onto one without a newline"
	agree recount "deliverquota's glued line: md-check and md-deliver count again"
	sound_after "deliverquota's glued line, md-deliver" "$((2 * SZ)) 2"
else
	skip_n 17 "maildrop's maildirmake and deliverquota are not installed"
fi
