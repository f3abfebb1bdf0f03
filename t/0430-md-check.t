#!/bin/sh
# md-check: each kind of damage reported as CATEGORY<TAB>PATH<TAB>detail
# with exit 1; nothing changed without --repair; --repair puts right what
# is safe and loses no message, and what is left is the report-only
# kinds; a clean maildir is silent; folders with -r; a maildir that
# cannot be checked exits 2, a usage error 64. Ordinary life is no
# damage: a cache behind its messages, open modes nobody else can reach,
# a maildir in use by mdkit, Dovecot and mutt.
. "$(dirname "$0")/lib.sh"

plan 130

C=$BIN/md-check

# mc ARGS...: run md-check (nothing on stdin; $T/out, $T/err, RC).
mc() { run "$C" "$@"; }

# md700 DIR...: maildirs with mode 0700 throughout (the umask is 022).
md700() {
	mkmd "$@"
	for _m; do
		chmod 700 "$_m" "$_m/tmp" "$_m/new" "$_m/cur"
	done
}

# msg_file PATH TEXT: a message file holding TEXT, mode 0600, made now
# (an old mtime would make a file in tmp/ stale).
msg_file() {
	printf '%s\n' "$2" >"$1"
	chmod 600 "$1"
}

# sums DIR: the checksums of the files of the maildir DIR, sorted: what
# it holds, whatever the names.
sums() {
	find "$1/tmp" "$1/new" "$1/cur" -type f -exec cksum {} + 2>/dev/null |
	    cut -d' ' -f1,2 | sort
}

nfiles() {
	find "$1/tmp" "$1/new" "$1/cur" ! -type d 2>/dev/null | wc -l | tr -d ' '
}

# ---- every kind of damage, found ----

M=$T/M
md700 "$M"
rmdir "$M/tmp"
msg_file "$M/new/a" one
msg_file "$M/cur/a:2,S" two
msg_file "$M/new/b:2,S" three
msg_file "$M/cur/c:2,SF" four
msg_file "$M/cur/d:2,FSS" five
: >"$M/cur/e"
chmod 600 "$M/cur/e"
msg_file "$M/cur/f,S=3:2,S" "more than three bytes"
msg_file "$M/cur/g:2,S" seven
chmod 644 "$M/cur/g:2,S"
chmod 750 "$M/new"
chmod 711 "$M" "$M/cur" # others may pass, not list: g:2,S is theirs
mkdir "$M/cur/dir"
mkfifo "$M/cur/fifo"
msg_file "$M/cur/:2,S" "no base"
printf '100000S,10C\n5 1\n' >"$M/maildirsize"
before_tree=$(tree "$M" '%i %a %Y')
before_sums=$(sums "$M")
before_n=$(nfiles "$M")

mc "$M"
is "$RC" 1 "damage: exit 1"
check "missing: tmp/" has missing "$M/tmp"
check "mode: new/ is 0750" has mode "$M/new"
check "mode: a message readable by others" has mode "$M/cur/g:2,S"
check "duplicate: new/a beside cur/a:2,S" has duplicate "$M/new/a"
check "misplaced: new/b:2,S has info" has misplaced "$M/new/b:2,S"
check "flags: SF out of order" has flags "$M/cur/c:2,SF"
check "flags: FSS repeats S" has flags "$M/cur/d:2,FSS"
check "empty: a file of 0 bytes" has empty "$M/cur/e"
check "size: ,S=3 on a bigger file" has size "$M/cur/f,S=3:2,S"
check "nonmessage: a directory" has nonmessage "$M/cur/dir"
check "nonmessage: a fifo" has nonmessage "$M/cur/fifo"
check "nonmessage: a name without a base" has nonmessage "$M/cur/:2,S"
check "quota: maildirsize drifted" has quota "$M/maildirsize"
is "$(lines "$T/out")" 13 "damage: 13 findings, nothing else"
is "$(awk -F'\t' 'NF != 3' "$T/out")" "" "every line: three TAB-separated fields"
grep -q "^duplicate	$M/new/a	same base as $M/cur/a:2,S\$" "$T/out"
ok $? "duplicate: the detail names the one kept (cur/)"
grep -q "^size	.*	the name says 3 bytes, the file has 22\$" "$T/out"
ok $? "size: the detail gives both sizes"
is "$(bytes "$T/err")" 0 "damage: nothing on stderr"
is "$(tree "$M" '%i %a %Y')" "$before_tree" "without --repair: nothing changed"

# ---- --repair ----

mc --repair "$M"
is "$RC" 1 "--repair: exit 1 (damage was found)"
check "repaired: tmp/ made" has repaired "$M/tmp"
check "repaired: the duplicate renamed" has repaired "$M/new/a"
check "repaired: the misplaced message moved" has repaired "$M/new/b:2,S"
check "repaired: SF sorted" has repaired "$M/cur/c:2,SF"
check "repaired: FSS sorted" has repaired "$M/cur/d:2,FSS"
check "repaired: maildirsize recalculated" has repaired "$M/maildirsize"
is "$(grep -c '^repaired' "$T/out")" 8 "--repair: eight repairs, one line each"
is "$(bytes "$T/err")" 0 "--repair: nothing on stderr"
is "$(fmode "$M/tmp")" 700 "tmp/ made with mode 0700"
check "misplaced: now cur/b:2,S" test -f "$M/cur/b:2,S"
check "misplaced: new/b:2,S gone" test ! -e "$M/new/b:2,S"
check "flags: cur/c:2,FS" test -f "$M/cur/c:2,FS"
check "flags: cur/d:2,FS" test -f "$M/cur/d:2,FS"
check "duplicate: cur/a:2,S kept as it was" test -f "$M/cur/a:2,S"
fresh=$(ls "$M/new")
case $fresh in
[0-9]*.M*P*Q*R*.*) r=0 ;;
*) r=1 ;;
esac
ok $r "duplicate: new/a has a fresh unique name ($fresh)"
grep -q "^repaired	$M/new/a	renamed to $M/new/$fresh\$" "$T/out"
ok $? "duplicate: the repair line names the new path"
is "$(nfiles "$M")" "$before_n" "--repair: as many files as before"
is "$(sums "$M")" "$before_sums" "--repair: the same contents (checksums)"
is "$(head -1 "$M/maildirsize")" 100000S,10C "maildirsize: the limits kept"
check "the size finding was not renamed" test -f "$M/cur/f,S=3:2,S"
check "the empty message was not removed" test -f "$M/cur/e"
is "$(fmode "$M/cur/g:2,S"):$(fmode "$M/new")" 600:700 \
    "modes tightened: group and other bits taken"
grep -q "^repaired	$M/new	mode changed to 0700\$" "$T/out"
ok $? "a tightened mode: the repair line says what it is now"

mc "$M"
is "$RC" 1 "after --repair: exit 1 for what is report-only"
is "$(cut -f1 "$T/out" | sort -u | tr '\n' ' ')" "empty nonmessage size " \
    "after --repair: only the report-only kinds are left"
is "$(lines "$T/out")" 5 "after --repair: five findings left"
mc --repair "$M"
is "$(grep -c '^repaired' "$T/out")" 0 "--repair again: nothing left to repair"

# ---- a clean maildir ----

K=$T/K
printf 'Subject: a\n\nbody\n' | "$MD" -c "$K" 2>/dev/null
printf 'Subject: b\n\nbody\n' | "$MD" "$K"
"$BIN/md-flag" -q -S "$K/new/$(ls "$K/new" | head -1)"
msg_file "$K/tmp/1.M1P1.inprogress" "a delivery going on"
ln -s "$(ls "$K"/cur/* | head -1)" "$K/cur/1.M2P2.link:2,S"
mc "$K"
is "$RC:$(bytes "$T/out"):$(bytes "$T/err")" "0:0:0" "clean: exit 0, no output"
k_tree=$(tree "$K" '%i %a %Y')
mc --repair "$K"
is "$RC:$(bytes "$T/out")" "0:0" "clean with --repair: exit 0, no output"
is "$(tree "$K" '%i %a %Y')" "$k_tree" "clean with --repair: nothing changed"

# ---- cannot check ----

mc "$T/nope"
is "$RC" 2 "missing maildir: exit 2"
is "$(cat "$T/err")" "md-check: $T/nope: No such file or directory" \
    "missing maildir: one line says why"
is "$(bytes "$T/out")" 0 "missing maildir: nothing on stdout"
mkdir "$T/plain"
mc --repair "$T/plain"
is "$RC" 2 "a directory that is no maildir: exit 2"
is "$(cat "$T/err")" "md-check: $T/plain: not a maildir (no tmp/, new/ or cur/)" \
    "no maildir: one line says why"
is "$(ls -A "$T/plain")" "" "no maildir: --repair made nothing in it"
mc "$K" "$T/nope"
is "$RC:$(bytes "$T/out")" "2:0" "one good, one missing: exit 2, the good one checked"
mc "$M" "$T/nope"
is "$RC" 2 "findings and a missing maildir: exit 2"

# ---- the default maildir ----

mc
is "$RC" 2 "no ~/Maildir: exit 2"
grep -q "$HOME/Maildir" "$T/err"
ok $? "no ~/Maildir: the message names it"
MAILDIR=$K mc
is "$RC:$(bytes "$T/out")" "0:0" "MAILDIR: checked"
MAILDIR=$M mc
is "$RC" 1 "MAILDIR with damage: exit 1"

# ---- folders, -r ----

R=$T/R
md700 "$R" "$R/.Work" "$R/.Work.Sub" "$R/.Other"
for f in .Work .Work.Sub .Other; do
	: >"$R/$f/maildirfolder"
done
msg_file "$R/.Work/cur/w:2,TS" w
msg_file "$R/.Work/cur/x:2,ST" x
msg_file "$R/.Work.Sub/new/s:2,S" s
msg_file "$R/.Other/cur/o:2,RF" o
mc "$R"
is "$RC:$(bytes "$T/out")" "0:0" "without -r: the root only"
mc -r "$R"
is "$RC" 1 "-r: folders checked, exit 1"
is "$(cut -f2 "$T/out" | tr '\n' ' ')" \
    "$R/.Other/cur/o:2,RF $R/.Work/cur/w:2,TS $R/.Work.Sub/new/s:2,S " \
    "-r: each folder's finding, in order"
mc --recursive "$R/.Work/"
is "$(cut -f2 "$T/out" | tr '\n' ' ')" \
    "$R/.Work/cur/w:2,TS $R/.Work.Sub/new/s:2,S " \
    "-r on a folder: it and its subfolders, not the others"
mc -r --repair "$R"
is "$(grep -c '^repaired' "$T/out")" 3 "-r --repair: three repairs"
mc -r "$R"
is "$RC:$(bytes "$T/out")" "0:0" "-r after --repair: clean"
# Maildir++ is flat: the subfolders of a missing folder are there
# without it (cmd/walk.c's one rule for every program).
md700 "$R/.Gone.Sub"
: >"$R/.Gone.Sub/maildirfolder"
msg_file "$R/.Gone.Sub/cur/g:2,TS" g
mc -r "$R/.Gone"
is "$RC:$(lines "$T/err")" "2:1" \
    "-r on a missing folder: exit 2, told on one line"
is "$(cut -f2 "$T/out")" "$R/.Gone.Sub/cur/g:2,TS" \
    "-r on a missing folder: its subfolder checked all the same"
rm -r "$R/.Gone.Sub"

# ---- odd names are shown, one line each ----

O=$T/O
md700 "$O"
msg_file "$O/cur/x	y
z:2,SF" odd
mc "$O"
is "$(lines "$T/out")" 1 "a name with TAB and newline: one line"
is "$(cut -f2 "$T/out")" "$O/cur/x\\ty\\nz:2,SF" "... the path shown with escapes"

# ---- a repair that fails ----

F=$T/F
md700 "$F"
msg_file "$F/new/x:2,S" x
if have_faultlib; then
	faulty renameat2=EACCES "$C" --repair "$F"
	is "$RC" 1 "failed repair: exit 1"
	is "$(cat "$T/err")" \
	    "md-check: $F/new/x:2,S: cannot rename to $F/cur/x:2,S: Permission denied" \
	    "failed repair: one line on stderr"
	is "$(grep -c '^repaired' "$T/out")" 0 "failed repair: no repaired line"
	check "failed repair: the message is where it was" test -f "$F/new/x:2,S"
else
	skip_n 4 "no fault shim at $FAULTLIB"
fi

# ---- stale tmp/ files ----

# ctime cannot be set back; a tmp/ that is a link to a directory of old
# files stands in for an old delivery.
old=
for d in /usr/share/common-licenses /usr/share/zoneinfo/Etc; do
	[ -d "$d" ] || continue
	if [ -z "$(find "$d" -maxdepth 1 ! -type d \( -cmin -2200 -o -mmin -2200 \))" ] &&
	    [ -n "$(find "$d" -maxdepth 1 -type f ! -name '.*')" ]; then
		old=$d
		break
	fi
done
S=$T/S
md700 "$S"
if [ -n "$old" ]; then
	rmdir "$S/tmp"
	ln -s "$old" "$S/tmp"
	f=$(find "$old" -maxdepth 1 -type f ! -name '.*' | head -1)
	mc "$S"
	is "$RC" 1 "stale: exit 1"
	check "stale: $S/tmp/${f##*/} reported" has stale "$S/tmp/${f##*/}"
	grep -q "^stale	$S/tmp/${f##*/}	untouched for [0-9]* hours" "$T/out"
	ok $? "stale: the detail gives the age in hours"
else
	skip_n 3 "no directory of files older than 36 hours"
fi
msg_file "$K/tmp/2.M2P2.fresh" fresh
mc "$K"
is "$RC:$(bytes "$T/out")" "0:0" "a fresh tmp/ file is no finding"

# ---- a folder by name, as md-list takes it ----

F=$T/F
mkmd "$F" "$F/.Lists.Debian"
: >"$F/.Lists.Debian/maildirfolder"
chmod -R go= "$F"
msg_file "$F/.Lists.Debian/new/1.M1P1.h:2,SF" misplaced
MAILDIR=$F "$C" Lists.Debian >"$T/out" 2>"$T/err"
is "$?:$(cut -f1 "$T/out" | sort -u | tr '\n' ' ')" "1:flags misplaced " \
    "a folder name: checked in \$MAILDIR's folder"
grep -qF "$F/.Lists.Debian/new/" "$T/out"
ok $? "a folder name: the finding names the folder's path"

# ---- an entry that cannot be looked at is no clean bill ----

N=$T/N
mkmd "$N"
msg_file "$N/cur/1.M1P1.h,S=6:2,S" hello
chmod -R go= "$N"
faulty fstatat=EIO "$C" "$N"
is "$RC:$(bytes "$T/out")" "2:0" "a message lstat fails on (EIO): exit 2 (could not check)"
grep -qF "$N/cur/1.M1P1.h,S=6:2,S: stat: Input/output error" "$T/err"
ok $? "lstat fails: stderr names the message: $(cat "$T/err")"

# ---- the header cache: damaged or outdated, repaired by a rebuild ----

X=$T/X
md700 "$X"
msg_file "$X/cur/1.M1P1.h,S=19:2,S" "Subject: one

body"
msg_file "$X/cur/2.M2P2.h,S=19:2,S" "Subject: two

body"
mc "$X"
is "$RC:$(bytes "$T/out")" "0:0" "no cache: no finding"
"$BIN/md-index" -q "$X"
mc "$X"
is "$RC:$(bytes "$T/out")" "0:0" "a cache that matches: no finding"
msg_file "$X/new/3.M3P3.h" "Subject: three"
mc "$X"
is "$RC:$(bytes "$T/out")" "0:0" "a message without an entry (a delivery since): no finding"
rm "$X/cur/2.M2P2.h,S=19:2,S"
mc "$X"
is "$RC:$(bytes "$T/out"):$(bytes "$T/err")" "0:0:0" \
    "a cache behind (a message gone, one new): no finding, silent"
mc -v "$X"
is "$RC:$(bytes "$T/out"):$(cat "$T/err")" \
    "0:0:$X/mdkit-cache: 1 message not in the cache, 1 entry of a message gone; md-index updates it" \
    "-v: one line on stderr says how far behind it is"
cp "$X/mdkit-cache" "$T/cache.before"
mc --repair "$X"
is "$RC:$(bytes "$T/out")" "0:0" "--repair: a cache behind is no finding"
cmp -s "$X/mdkit-cache" "$T/cache.before"
ok $? "--repair leaves a cache behind to md-index"
"$BIN/md-index" -q "$X"
mc -v "$X"
is "$RC:$(bytes "$T/out"):$(bytes "$T/err")" "0:0:0" "-v on a current cache: nothing"
msg_file "$X/new/4.M4P4.h" "Subject: four"
msg_file "$X/new/5.M5P5.h" "Subject: five"
rm "$X/new/3.M3P3.h"
mc --verbose "$X"
is "$(cat "$T/err")" \
    "$X/mdkit-cache: 2 messages not in the cache, 1 entry of a message gone; md-index updates it" \
    "--verbose: counts in the plural"
touch -d 2001-01-01 "$X/cur/1.M1P1.h,S=19:2,S"
mc "$X"
is "$RC:$(cut -f1,2 "$T/out")" "1:cache	$X/mdkit-cache" \
    "an entry whose message's mtime changed: a cache finding"
is "$(cut -f3 "$T/out")" "1 entry does not match its message (size or mtime changed)" \
    "... the detail says what"
mc --repair "$X"
has repaired "$X/mdkit-cache"
ok $? "--repair rebuilds the cache"
mc -v "$X"
is "$RC:$(bytes "$T/out"):$(bytes "$T/err")" "0:0:0" "after --repair: clean, nothing behind"
printf 'not a cache at all' >"$X/mdkit-cache"
mc "$X"
is "$RC:$(cut -f1,3 "$T/out")" "1:cache	damaged (not a cache): every reader ignores it" \
    "garbage in mdkit-cache: damaged"
mc --repair "$X"
mc "$X"
is "$RC:$(bytes "$T/out")" "0:0" "a damaged cache: rebuilt by --repair"
head -c 40 "$X/mdkit-cache" >"$T/trunc" && cp "$T/trunc" "$X/mdkit-cache"
mc "$X"
is "$RC:$(cut -f3 "$T/out")" "1:damaged (truncated): every reader ignores it" \
    "a truncated cache: damaged"
# A cache of another version is what an upgrade of mdkit leaves until the
# next md-index: a note with -v, no finding, and md-index's to rebuild.
"$BIN/md-index" --rebuild "$X" 2>/dev/null
printf '\377' | dd of="$X/mdkit-cache" bs=1 seek=8 conv=notrunc 2>/dev/null
mc "$X"
is "$RC:$(bytes "$T/out"):$(bytes "$T/err")" "0:0:0" \
    "a cache of another version: no finding (an upgrade is no damage)"
mc -v "$X"
is "$RC:$(cat "$T/err")" "0:$X/mdkit-cache: written by another version of mdkit, ignored by readers; md-index rebuilds it" \
    "... -v says so on stderr"
mc --repair "$X"
is "$RC:$(bytes "$T/out")" "0:0" "... --repair leaves it to md-index"
"$BIN/md-index" "$X" 2>/dev/null
mc -v "$X"
is "$RC:$(bytes "$T/err")" "0:0" "... which rebuilds it"

# ---- modes: only what others can reach ----

# A maildir written under umask 022: files 0644 in directories 0700.
U=$T/U
md700 "$U"
printf 'Subject: u\n\n' >"$U/cur/1700000000.12345_1.host:2,S"
printf 'Subject: v\n\n' >"$U/new/1700000001.12345_2.host"
mc "$U"
is "$RC:$(bytes "$T/out")" "0:0" "files 0644 behind directories 0700: no finding"

# Made by hand: directories 0755 too.
H=$T/H
mkdir -p "$H/tmp" "$H/new" "$H/cur"
printf 'Subject: h\n\n' >"$H/cur/1700000000.12345_1.host:2,S"
printf 'Subject: i\n\n' >"$H/new/1700000001.12345_2.host"
mc "$H"
is "$RC:$(cut -f1 "$T/out" | sort | uniq -c | awk '{ print $1 "x" $2 }')" \
    "1:6xmode" "directories 0755, files 0644: six mode findings"
grep -q "^mode	$H	mode 0755: its group and others can list it\$" "$T/out"
ok $? "a directory: the detail says who can do what"
grep -q "^mode	$H/new/1700000001.12345_2.host	mode 0644: its group and others can read it\$" "$T/out"
ok $? "a message: the detail says who can do what"
mc --repair "$H"
is "$RC:$(grep -c '^repaired' "$T/out")" "1:6" "--repair: six modes tightened"
is "$(bytes "$T/err")" 0 "--repair: nothing on stderr"
is "$(find "$H" -exec stat -c %a {} + | sort | uniq -c | awk '{ print $1 "x" $2 }' | tr '\n' ' ')" \
    "2x600 4x700 " "--repair: directories 0700, files 0600"
mc "$H"
is "$RC:$(bytes "$T/out"):$(bytes "$T/err")" "0:0:0" "after --repair: exit 0, silent"

# With folders, -r: the root and each folder made by hand.
HR=$T/HR
mkdir -p "$HR/tmp" "$HR/new" "$HR/cur" "$HR/.Work/tmp" "$HR/.Work/new" \
    "$HR/.Work/cur"
: >"$HR/.Work/maildirfolder"
printf 'Subject: w\n\n' >"$HR/.Work/cur/1700000000.12345_1.host:2,S"
mc -r "$HR"
is "$RC:$(grep -c "^mode	$HR/.Work" "$T/out")" "1:5" \
    "-r: a folder's directories and message, reached through the root"
mc -r --repair "$HR"
is "$RC:$(cut -f1,2 "$T/out" | grep -c "	$HR/.Work")" "1:0" \
    "-r --repair: the root, tightened first, shuts its folders away"
mc -r "$HR"
is "$RC:$(bytes "$T/out"):$(bytes "$T/err")" "0:0:0" "-r after -r --repair: exit 0, silent"

# Someone else's file is reported, and left as it is.
if is_root; then
	O2=$T/O2
	mkmd "$O2"
	printf 'x\n' >"$O2/cur/1.M1P1.h:2,S"
	chown 65534 "$O2/cur/1.M1P1.h:2,S"
	mc --repair "$O2"
	is "$RC:$(fmode "$O2/cur/1.M1P1.h:2,S")" 1:644 "another's file: mode kept, exit 1"
	grep -qx "md-check: $O2/cur/1.M1P1.h:2,S: cannot change its mode: Operation not permitted" "$T/err"
	ok $? "another's file: one line on stderr says why"
else
	skip_n 2 "not root: cannot give a file away"
fi

# A directory to pass, not to list, and a group to let in.
G=$T/G
md700 "$G"
printf 'g\n' >"$G/cur/1.M1P1.h:2,S"
chmod 640 "$G/cur/1.M1P1.h:2,S"
chmod 710 "$G" "$G/cur"
mc "$G"
is "$RC:$(cut -f2,3 "$T/out")" "1:$G/cur/1.M1P1.h:2,S	mode 0640: its group can read it" \
    "only the group can reach: the message alone, for its group"
mc --repair "$G"
is "$(fmode "$G/cur/1.M1P1.h:2,S"):$(fmode "$G"):$(fmode "$G/cur")" 600:710:710 \
    "--repair tightens what was reported, nothing else"

# A maildir shared with its group on purpose: set-group-ID.
S2=$T/S2
md700 "$S2"
printf 's\n' >"$S2/cur/1.M1P1.h:2,S"
chmod 660 "$S2/cur/1.M1P1.h:2,S"
chmod 2770 "$S2"
chmod 770 "$S2/tmp" "$S2/new" "$S2/cur"
mc "$S2"
is "$RC:$(bytes "$T/out")" "0:0" "a set-group-ID maildir: group access is wanted"

# ---- the weekly check from cron, on a maildir in ordinary use ----

W=$T/W
"$BIN/md-mkdir" "$W"
"$BIN/md-mkdir" -f Work -f Lists.Debian -f Sent "$W"
for i in 1 2 3 4 5 6; do
	printf 'Subject: m%s\n\nbody %s\n' $i $i | "$MD" "$W"
done
printf 'Subject: w\n\nwork\n' | "$MD" -f Work "$W"
printf 'Subject: d\n\ndebian\n' | "$MD" -f Lists.Debian "$W"
# mutt and Dovecot (written under umask 022, so 0644)
printf 'Subject: mutt\n\n' >"$W/cur/1700000000.12345_1.host:2,S"
printf 'Subject: sent\n\n' >"$W/.Sent/cur/1700000001.12345_2.host:2,S"
repeat_byte 123 x >"$W/cur/1700000000.M123P456.host,S=123,W=130:2,RS"
printf '3 V1700000000 N5 G0123456789abcdef\n' >"$W/dovecot-uidlist"
printf '0 Junk\n1 NonJunk\n' >"$W/dovecot-keywords"
: >"$W/dovecot.index"
: >"$W/dovecot.index.log"
: >"$W/dovecot.index.cache"
printf '5f3a2b1c\n' >"$W/dovecot-uidvalidity"
: >"$W/dovecot-uidvalidity.5f3a2b1c"
printf 'Work\nLists.Debian\nSent\n' >"$W/subscriptions"
for f in Work Lists.Debian Sent; do
	: >"$W/.$f/dovecot-uidlist"
done
"$BIN/md-index" -q -r "$W"
# a week of use after the nightly md-index: mdkit on its own messages,
ours() { "$BIN/md-list" "$@" | grep -v /1700000; }
ours "$W" | head -3 | "$BIN/md-flag" -q -S
ours -S "$W" | head -2 | "$BIN/md-move" -q -f Work -m "$W"
ours "$W" | tail -1 | "$BIN/md-flag" -q -T
"$BIN/md-expunge" -r "$W" >/dev/null
# an IMAP expunge, flags set in mutt and by Dovecot
rm "$(ls "$W"/new/* | head -1)"
mv "$W/cur/1700000000.12345_1.host:2,S" "$W/cur/1700000000.12345_1.host:2,RS"
mv "$W/.Sent/cur/1700000001.12345_2.host:2,S" \
    "$W/.Sent/cur/1700000001.12345_2.host:2,Sa"
printf 'Subject: late\n\n' | "$MD" "$W"
printf 'Subject: mutt new\n\n' >"$W/new/1700000002.12345_3.host"
mc -r "$W"
is "$RC:$(bytes "$T/out"):$(bytes "$T/err")" "0:0:0" \
    "cron: md-check -r on a maildir in use prints nothing, exit 0"
mc -r -v "$W"
is "$RC:$(bytes "$T/out")" "0:0" "cron with -v: still no finding"
grep -q "^$W/mdkit-cache: [0-9]* messages not in the cache, [0-9]* entries of messages gone; md-index updates it\$" "$T/err"
ok $? "cron with -v: the root's cache behind, in one line"
w_tree=$(tree "$W" '%i %a %Y')
mc -r --repair "$W"
is "$RC:$(bytes "$T/out"):$(bytes "$T/err")" "0:0:0" \
    "cron with --repair: nothing to repair, silent"
is "$(tree "$W" '%i %a %Y')" "$w_tree" "cron with --repair: nothing changed"

# ---- usage ----

mc -x
is "$RC" 64 "-x: exit 64"
is "$(cat "$T/err")" "md-check: -x: unknown option (see md-check -h)" "-x: one line"
mc --repair=yes "$M"
is "$RC" 64 "--repair=yes: exit 64"
mc -h
is "$RC:$(head -c 15 "$T/out")" "0:usage: md-check" "-h: usage on stdout, exit 0"
