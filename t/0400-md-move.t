#!/bin/sh
# md-move: refiling into another maildir or folder under a fresh base,
# flags, info tail and mtime kept, new/ staying new/; -t and stdin (-0
# too); -f/-m folders and -c; -k copies; messages renamed meanwhile found
# by their base; across file systems a synced copy before the unlink, and
# failures at each step leave the message in one place or both; Maildir++
# quota lines for Trash; bad input refused with nothing moved.
. "$(dirname "$0")/lib.sh"

plan 111

MV=$BIN/md-move
F=$BIN/md-flag
M=$T/M
A=$T/A

# mv_ ARGS...: run md-move (nothing on stdin; $T/out, $T/err, RC).
mv_() { run "$MV" "$@"; }

base_of() { basename "$1" | sed 's/:.*//'; }

mkmd "$M" "$A"

# ---- one message, cur/ to cur/ ----

msg "$M" "cur/1.M1P1.h,S=99,U=7:2,FS"
cp "$M/cur/1.M1P1.h,S=99,U=7:2,FS" "$T/one"
ino=$(finode "$M/cur/1.M1P1.h,S=99,U=7:2,FS")
mv_ "$M/cur/1.M1P1.h,S=99,U=7:2,FS" "$A"
is "$RC:$(lines "$T/out"):$(bytes "$T/err")" "0:1:0" "move: exit 0, one path, no stderr"
got=$(cat "$T/out")
case $got in "$A/cur/"*) r=0 ;; *) r=1 ;; esac
ok $r "move: the new path is in A/cur/: $got"
check "move: the printed path exists" test -f "$got"
check "move: the source is gone" test ! -e "$M/cur/1.M1P1.h,S=99,U=7:2,FS"
same_bytes "$got" "$T/one" "move: the contents are the same"
is "$(name_info "$got")" "2,FS" "move: the flags are kept"
is "$(fmtime "$got")" 1000000000 "move: the mtime is kept"
is "$(finode "$got")" "$ino" "move: one rename (the same inode)"
isnt "$(base_of "$got")" "1.M1P1.h,S=99,U=7" "move: a fresh base"
case $(base_of "$got") in *,U=*) r=1 ;; *) r=0 ;; esac
ok $r "move: mbsync's ,U= does not follow the message"
is "$(name_size "$got")" 99 "move: ,S= taken from the old name"

# ---- new/ stays new/; no ,S= means a stat ----

msg "$M" new/plain
mv_ "$M/new/plain" "$A"
got=$(cat "$T/out")
case $got in "$A/new/"*) r=0 ;; *) r=1 ;; esac
ok $r "a message in new/ lands in new/: $got"
is "$(name_info "$got")" "" "new/: no info added"
is "$(name_size "$got")" "$(fsize "$got")" "no ,S= in the old name: the size from stat"

# the info and its tail kept as they were
msg "$M" "cur/odd:2,S,xyz" "cur/two:x:2,RS"
mv_ "$M/cur/odd:2,S,xyz" "$M/cur/two:x:2,RS" "$A"
is "$RC:$(lines "$T/out")" "0:2" "two messages: two paths"
is "$(name_info "$(sed -n 1p "$T/out")")" "2,S,xyz" "the ,tail after the flags is kept"
is "$(name_info "$(sed -n 2p "$T/out")")" "x:2,RS" "everything after the base is kept"

# ---- -t, stdin, -0 ----

msg "$M" cur/s1:2, cur/s2:2,S
printf '%s\n%s\n' "$M/cur/s1:2," "$M/cur/s2:2,S" |
    "$MV" -t "$A" >"$T/out" 2>"$T/err"
is "$?:$(lines "$T/out")" "0:2" "-t with paths on stdin: both moved"
check "-t: the sources are gone" test ! -e "$M/cur/s1:2," -a ! -e "$M/cur/s2:2,S"
nl='
'
msg "$M" "cur/with${nl}newline:2,S"
printf '%s\0' "$M/cur/with${nl}newline:2,S" | "$MV" -0 -t "$A" >"$T/out" 2>"$T/err"
is "$?:$(tr -cd '\0' <"$T/out" | wc -c | tr -d ' ')" "0:1" "-0: a name with a newline moved, NUL-terminated"
check "-0: the source is gone" test ! -e "$M/cur/with${nl}newline:2,S"
msg "$M" cur/q1:2,S
mv_ -q "$M/cur/q1:2,S" "$A"
is "$RC:$(bytes "$T/out")" "0:0" "-q: nothing printed"
check "-q: moved" test ! -e "$M/cur/q1:2,S"
msg "$M" cur/l1:2,S cur/l2:2,
"$BIN/md-list" "$M" | "$MV" -t "$A" >"$T/out" 2>"$T/err"
is "$?:$(ls "$M/cur" | wc -l | tr -d ' ')" "0:0" "md-list | md-move -t: the maildir emptied"

# ---- folders: -f, -m, -c ----

mkmd "$M/.Archive"
msg "$M" cur/f1:2,S
mv_ -f Archive -m "$M" "$M/cur/f1:2,S"
case $(cat "$T/out") in "$M/.Archive/cur/"*) r=0 ;; *) r=1 ;; esac
ok $r "-f Archive -m M: into M/.Archive/cur: $(cat "$T/out")"
msg "$M" cur/f2:2,S
MAILDIR=$M "$MV" -f Archive "$M/cur/f2:2,S" </dev/null >"$T/out" 2>"$T/err"
case $(cat "$T/out") in "$M/.Archive/cur/"*) r=0 ;; *) r=1 ;; esac
ok $r "-f Archive: the root is \$MAILDIR"
msg "$M" cur/f3:2,S
mv_ -f Lists.Debian -m "$M" "$M/cur/f3:2,S"
is "$RC:$(bytes "$T/out")" "1:0" "-f to a missing folder: exit 1, nothing printed"
check "a missing folder: the message stays" test -f "$M/cur/f3:2,S"
grep -q -- "-c creates it" "$T/err"
ok $? "a missing folder: stderr says -c creates it: $(cat "$T/err")"
mv_ -c -f Lists.Debian -m "$M" "$M/cur/f3:2,S"
is "$RC" 0 "-c -f Lists.Debian: exit 0"
check "-c: the folder has tmp, new, cur and the maildirfolder marker" \
    test -d "$M/.Lists.Debian/tmp" -a -f "$M/.Lists.Debian/maildirfolder"
check "-c: the message is in it" test "$(ls "$M/.Lists.Debian/cur" | wc -l)" -eq 1
msg "$M" cur/f4:2,S
mv_ -c "$M/cur/f4:2,S" "$T/Fresh"
check "-c with a path: the maildir is made and holds the message" \
    test "$(ls "$T/Fresh/cur" | wc -l)" -eq 1

# ---- -k: a copy ----

msg "$M" cur/k1:2,FS
mv_ -k "$M/cur/k1:2,FS" "$A"
got=$(cat "$T/out")
is "$RC" 0 "-k: exit 0"
check "-k: the original stays" test -f "$M/cur/k1:2,FS"
same_bytes "$got" "$M/cur/k1:2,FS" "-k: the copy holds the same bytes"
isnt "$(base_of "$got")" k1 "-k: the copy has a fresh base"

# ---- the same maildir: nothing to do ----

msg "$A" cur/here:2,S
before=$(tree "$A")
mv_ "$A/cur/here:2,S" "$A"
is "$RC:$(cat "$T/out")" "0:$A/cur/here:2,S" "a message already in the target: printed as given"
is "$(tree "$A")" "$before" "a message already in the target: nothing renamed"

# ---- renamed meanwhile, or gone ----

msg "$M" new/v1
"$F" -S "$M/new/v1" >/dev/null
mv_ "$M/new/v1" "$A"
is "$RC:$(lines "$T/out")" "0:1" "a message md-flag moved to cur/ meanwhile: found and moved"
is "$(name_info "$(cat "$T/out")")" "2,S" "found by base: the flags it has now"
case $(cat "$T/out") in "$A/cur/"*) r=0 ;; *) r=1 ;; esac
ok $r "found in cur/: lands in cur/"
msg "$M" cur/v2:2,
mv "$M/cur/v2:2," "$M/cur/v2:2,RS"
mv_ "$M/cur/v2:2," "$A"
is "$RC:$(name_info "$(cat "$T/out")")" "0:2,RS" "renamed within cur/: found, flags kept"
msg "$M" cur/g2:2,S
mv_ "$M/cur/gone:2,S" "$M/cur/g2:2,S" "$A"
is "$RC:$(lines "$T/out"):$(lines "$T/err")" "1:1:1" "one gone, one there: exit 1, one moved, one line on stderr"
grep -qF "gone (not in new/ or cur/ of $M)" "$T/err"
ok $? "gone: stderr says so, naming the maildir: $(cat "$T/err")"

# ---- across file systems ----

O=$(other_fs_dir) && cleanup_also "$O"
if [ -n "$O" ]; then
	mkmd "$O/X"
	msg "$M" "cur/x1,S=1:2,FS"
	cp "$M/cur/x1,S=1:2,FS" "$T/x1"
	mv_ "$M/cur/x1,S=1:2,FS" "$O/X"
	got=$(cat "$T/out")
	is "$RC:$(bytes "$T/err")" "0:0" "across file systems: exit 0"
	same_bytes "$got" "$T/x1" "across: the same bytes"
	check "across: the source is gone" test ! -e "$M/cur/x1,S=1:2,FS"
	is "$(fmtime "$got")" 1000000000 "across: the mtime is kept"
	is "$(name_info "$got")" "2,FS" "across: the flags are kept"
	is "$(name_size "$got")" "$(fsize "$got")" "across: ,S= is the copy's true size (the old one was wrong)"
	is "$(count_files "$O/X/tmp")" 0 "across: nothing left in tmp/"
	msg "$M" cur/x2:2,S
	mv_ -k "$M/cur/x2:2,S" "$O/X"
	check "across with -k: both there" test -f "$M/cur/x2:2,S" -a -f "$(cat "$T/out")"
	msg "$M" new/x3
	have_strace && {
		strace -f -e trace=fsync,unlink,unlinkat,linkat -o "$T/st" \
		    "$MV" "$M/new/x3" "$O/X" >"$T/out" 2>"$T/err"
		awk '/fsync|linkat|unlink/ { sub(/\(.*/, "", $2); print $2 }' "$T/st" |
		    tr '\n' ' ' >"$T/order"
	}
	if have_strace; then
		is "$(cat "$T/order")" "fsync linkat fsync unlinkat unlink fsync " \
		    "across: order is fsync file, link, fsync dir, drop tmp, unlink source, fsync its dir"
	else
		skip "no strace to watch the order of calls"
	fi
else
	skip_n 10 "no second file system (/dev/shm) to move across"
fi

# the copy path on one file system, with renameat2 faking EXDEV
msg "$M" cur/e1:2,S
cp "$M/cur/e1:2,S" "$T/e1"
faulty renameat2=EXDEV "$MV" "$M/cur/e1:2,S" "$A"
is "$RC" 0 "EXDEV: copied instead"
same_bytes "$(cat "$T/out")" "$T/e1" "EXDEV: the same bytes"
check "EXDEV: the source is gone" test ! -e "$M/cur/e1:2,S"
isnt "$(finode "$(cat "$T/out")")" "$(finode "$T/e1")" "EXDEV: a new inode"

# failures on the copy path: the message stays where it was, and only
# there (a copy linked into A whose directory cannot be synced is taken
# back: "not moved" leaves no duplicate)
for spec in write=ENOSPC fsync=EIO close=EIO linkat=EIO dirsync=EIO; do
	msg "$M" cur/e2:2,S
	ca=$(count_files "$A")
	faulty "renameat2=EXDEV,$spec" "$MV" "$M/cur/e2:2,S" "$A"
	is "$RC:$(bytes "$T/out"):$(lines "$T/err")" "1:0:1" "EXDEV and $spec: exit 1, nothing printed, one line"
	check "EXDEV and $spec: the source is still there" test -f "$M/cur/e2:2,S"
	is "$(count_files "$A")" "$ca" "EXDEV and $spec: nothing in A (tmp/ clean, no copy left)"
	rm -f "$M/cur/e2:2,S"
done

# ---- Maildir++ quota: Trash ----

Q=$T/Q
mkmd "$Q" "$Q/.Trash" "$Q/.Work"
: >"$Q/.Trash/maildirfolder"
: >"$Q/.Work/maildirfolder"
printf '1000S,100C\n30 1\n' >"$Q/maildirsize"
printf 'x%.0s' $(seq 1 30) >"$Q/cur/t1,S=30:2,S"
mv_ -f Trash -m "$Q" "$Q/cur/t1,S=30:2,S"
is "$RC" 0 "into Trash: exit 0"
is "$(tail -n 1 "$Q/maildirsize" | tr -s ' ' | sed 's/^ //')" "-30 -1" "into Trash: -size -1 appended"
lines_before=$(lines "$Q/maildirsize")
mv_ -f Work -m "$Q" "$(cat "$T/out" | sed 's/^$//')"
is "$(tail -n 1 "$Q/maildirsize" | tr -s ' ' | sed 's/^ //')" "30 1" "out of Trash: size 1 appended"
mv_ -f INBOX -m "$Q" "$(cat "$T/out")"
is "$(lines "$Q/maildirsize")" "$((lines_before + 1))" "between counted folders: no line"
printf '10S,100C\n0 0\n' >"$Q/maildirsize"
msg "$Q/.Trash" cur/big,S=50:2,S
mv_ -f Work -m "$Q" "$Q/.Trash/cur/big,S=50:2,S"
is "$RC:$(bytes "$T/out")" "1:0" "out of Trash over quota: exit 1, nothing printed"
check "over quota: the message stays in Trash" test -f "$Q/.Trash/cur/big,S=50:2,S"
grep -qF "not moved: $Q is over its quota" "$T/err"
ok $? "over quota: stderr names the root: $(cat "$T/err")"

# ---- bad input: refused, nothing moved ----

msg "$M" cur/good:2,S
mkdir -p "$M/cur/sub"
: >"$T/plain"
: >"$M/tmp/t1"
for p in "$T/plain" "$M" "$M/cur" "$M/tmp/t1" "$M/cur/.hidden" "$M/new/:2,S" \
    "$M/cur/sub"; do
	before="$(tree "$T")"
	mv_ "$p" "$A"
	is "$RC:$(lines "$T/err"):$(bytes "$T/out")" "1:1:0" \
	    "md-move ${p#"$T"/} A: exit 1, one line on stderr, nothing printed"
	is "$(tree "$T")" "$before" "md-move ${p#"$T"/} A: nothing moved"
done
before="$(tree "$T")"
mv_ "$M/cur/good:2,S" "$T/nowhere"
is "$RC:$(lines "$T/err")" "1:1" "a missing target: exit 1, one line"
is "$(tree "$T")" "$before" "a missing target: nothing moved, nothing made"
for args in "" "$M/cur/good:2,S" "-t $A -f X" "-m $M $M/cur/good:2,S $A" \
    "-f ../x $M/cur/good:2,S" "-f .x $M/cur/good:2,S" "--bogus" "-t" "-Z"; do
	# shellcheck disable=SC2086
	mv_ $args
	is "$RC:$(lines "$T/err"):$(bytes "$T/out")" "64:1:0" \
	    "md-move $args: exit 64, one line on stderr"
done
is "$(tree "$T")" "$before" "usage errors: nothing moved"
mv_ -h
is "$RC:$(head -c 14 "$T/out")" "0:usage: md-move" "-h: usage on stdout, exit 0"

# ---- keywords: each maildir's letters are its own ----

# Letters name keywords through each maildir's dovecot-keywords: a
# message keeps its keywords' names, under the target's letters; one
# whose keyword the target does not name is not moved (md-move never
# writes Dovecot's file); letters the source names nothing with stay.
K=$T/K
mkmd "$K" "$K/.In" "$K/.Out" "$K/.None"
printf '0 $Work\n1 $Done\n' >"$K/.In/dovecot-keywords"
printf '0 $Junk\n1 $work\n2 $Later\n' >"$K/.Out/dovecot-keywords"
printf 'Subject: k\n\n' >"$K/.In/cur/k1:2,Sa"
printf 'Subject: k\n\n' >"$K/.In/cur/k2:2,Sb"
printf 'Subject: k\n\n' >"$K/.None/cur/k3:2,Sc"
mv_ "$K/.In/cur/k1:2,Sa" "$K/.Out"
is "$RC:$(name_info "$(cat "$T/out")")" "0:2,Sb" \
    "\$Work (a in the source) takes the target's letter for it (b, names compared without case)"
mv_ "$K/.In/cur/k2:2,Sb" "$K/.Out"
is "$RC:$(lines "$T/err"):$(ls "$K/.In/cur")" "1:1:k2:2,Sb" \
    "a keyword the target does not name: exit 1, one line, the message stays"
err_has "not moved: a keyword of it has no letter in $K/.Out/dovecot-keywords" \
    "... and the line says why"
mv_ "$K/.None/cur/k3:2,Sc" "$K/.Out"
is "$RC:$(name_info "$(cat "$T/out")")" "0:2,Sc" \
    "a letter the source names nothing with: kept as it is"
