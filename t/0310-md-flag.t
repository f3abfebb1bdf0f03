#!/bin/sh
# md-flag: flags set and cleared by one rename into cur/, keeping the base,
# unknown letters, the tail, the inode and the mtime; no rename when
# nothing changes; messages renamed meanwhile found by their base; Dovecot
# keywords; paths on stdin (-0 too) and pipelines from md-list; bad input
# refused without renaming anything; renames that fail (read-only, no
# RENAME_NOREPLACE, name taken).
. "$(dirname "$0")/lib.sh"

plan 168

F=$BIN/md-flag
L=$BIN/md-list
M=$T/M

# mf ARGS...: run md-flag (nothing on stdin; $T/out, $T/err, RC).
mf() { run "$F" "$@"; }

mkmd "$M"

# ---- one message, new/ to cur/ ----

msg "$M" new/B
cp "$M/new/B" "$T/B.orig"
ino=$(finode "$M/new/B")
mf -S "$M/new/B"
is "$RC" 0 "-S on new/B: exit 0"
is "$(cat "$T/out")" "$M/cur/B:2,S" "-S on new/B: prints cur/B:2,S"
is "$(bytes "$T/err")" 0 "-S on new/B: nothing on stderr"
check "-S on new/B: new/B is gone" test ! -e "$M/new/B"
same_bytes "$M/cur/B:2,S" "$T/B.orig" "-S: the content is untouched"
is "$(fmtime "$M/cur/B:2,S")" 1000000000 "-S: the mtime is kept"
is "$(finode "$M/cur/B:2,S")" "$ino" "-S: the same file (inode), renamed"
is "$(count_files "$M")" 1 "-S: one file in the maildir, nothing in tmp/"

# ---- flags: order, clearing, letters, tails ----

msg "$M" new/C
mf -T -S -R -P -F -D "$M/new/C"
is "$RC:$(cat "$T/out")" "0:$M/cur/C:2,DFPRST" "all six flags, in ASCII order"
mf -s -d -t "$M/cur/C:2,DFPRST"
is "$RC:$(cat "$T/out")" "0:$M/cur/C:2,FPR" "-s -d -t clear them"
mf -x FPR "$M/cur/C:2,FPR"
is "$RC:$(cat "$T/out")" "0:$M/cur/C:2," "-x FPR: no flags left, still :2,"
mf -X SF "$M/cur/C:2,"
is "$RC:$(cat "$T/out")" "0:$M/cur/C:2,FS" "-X SF sets both"
msg "$M" cur/K:2,S
mf -X ba "$M/cur/K:2,S"
is "$RC:$(cat "$T/out")" "0:$M/cur/K:2,Sab" "-X ba: keyword letters, after the capitals"
mf -x a "$M/cur/K:2,Sab"
is "$RC:$(cat "$T/out")" "0:$M/cur/K:2,Sb" "-x a clears a keyword letter"
msg "$M" "cur/U,S=77,W=80:2,SXz,U=9"
mf -F -s "$M/cur/U,S=77,W=80:2,SXz,U=9"
is "$RC:$(cat "$T/out")" "0:$M/cur/U,S=77,W=80:2,FXz,U=9" \
    "base with size fields, unknown letters and the ,tail kept"
is "$(fmtime "$M/cur/U,S=77,W=80:2,FXz,U=9")" 1000000000 "cur/ to cur/: the mtime is kept"
msg "$M" "cur/O:1,abc"
mf -S "$M/cur/O:1,abc"
is "$RC:$(cat "$T/out")" "0:$M/cur/O:2,S" "info that is not 2, is replaced"
msg "$M" "cur/a:b:2,S"
mf -R "$M/cur/a:b:2,S"
is "$RC:$(cat "$T/out")" "0:$M/cur/a:b:2,RS" "colons in the base: flags after the last one"
mf -X '' "$M/cur/a:b:2,RS"
is "$RC:$(cat "$T/out")" "0:$M/cur/a:b:2,RS" "-X '': nothing changes"

# ---- -C ----

msg "$M" new/N1 new/N2:2,S new/N3
mf -C "$M/new/N1"
is "$RC:$(cat "$T/out")" "0:$M/cur/N1:2," "-C: new/ to cur/ with an empty info"
mf -C "$M/new/N2:2,S"
is "$RC:$(cat "$T/out")" "0:$M/cur/N2:2,S" "-C: new/ info kept"
mf -C -F "$M/new/N3"
is "$RC:$(cat "$T/out")" "0:$M/cur/N3:2,F" "-C -F: moved and flagged"
is "$(ls "$M/new" | wc -l | tr -d ' ')" 0 "-C: new/ is empty"

# ---- nothing to change: no rename, the path printed as given ----

msg "$M" cur/Q:2,FS cur/W:2,SF new/Z # the relative paths below too
if have_faultlib; then
	# Every rename fails: a run that still exits 0 made none.
	faulty renameat2=EIO "$F" -S "$M/cur/Q:2,FS"
	is "$RC:$(cat "$T/out")" "0:$M/cur/Q:2,FS" "flag already set: no rename, path as given"
	faulty renameat2=EIO "$F" -F -d "$M/cur/W:2,SF"
	is "$RC:$(cat "$T/out")" "0:$M/cur/W:2,SF" "unordered letters of an unchanged name are left alone"
	check "unchanged name: the file still has it" test -f "$M/cur/W:2,SF"
	faulty renameat2=EIO "$F" -s "$M/new/Z"
	is "$RC:$(cat "$T/out")" "0:$M/new/Z" "-s on an unflagged new/ message: stays in new/"
	faulty renameat2=EIO "$F" -C "$M/cur/Q:2,FS"
	is "$RC:$(cat "$T/out")" "0:$M/cur/Q:2,FS" "-C on a cur/ message: untouched"
	faulty renameat2=EIO "$F" "$M/cur/Q:2,FS" "$M/new/Z"
	is "$RC:$(tr '\n' ' ' <"$T/out")" "0:$M/cur/Q:2,FS $M/new/Z " "no option: nothing changes, the paths printed"
	faulty renameat2=EIO "$F" -S "$M/new/Z"
	is "$RC" 1 "(the shim does make renames fail)"
else
	skip_n 7 "no fault shim (MDKIT_FAULTLIB)"
fi
(cd "$M" && "$F" -S cur/Q:2,FS) >"$T/out" 2>"$T/err"
is "$?" 0 "relative cur/ path, unchanged: exit 0"
check "relative cur/ path, unchanged: the path printed names the message" \
    test -f "$M/$(cat "$T/out")"
msg "$M" new/Rel
(cd "$M" && "$F" -S new/Rel) >"$T/out" 2>"$T/err"
is "$?" 0 "relative new/ path: exit 0"
check "relative new/ path: the path printed names the renamed message" \
    test -f "$M/$(cat "$T/out")" -a -f "$M/cur/Rel:2,S"

# ---- renamed by another client meanwhile ----

msg "$M" new/V cur/V2:2,S new/X cur/Y:2,S
mv "$M/new/V" "$M/cur/V:2,R"
mf -S "$M/new/V"
is "$RC:$(cat "$T/out")" "0:$M/cur/V:2,RS" "moved to cur/ with R meanwhile: found, S added to R"
mv "$M/cur/V2:2,S" "$M/cur/V2:2,F"
mf -T "$M/cur/V2:2,S"
is "$RC:$(cat "$T/out")" "0:$M/cur/V2:2,FT" "renamed within cur/ meanwhile: changed from its new flags"
mv "$M/cur/Y:2,S" "$M/new/Y"
mf -F "$M/cur/Y:2,S"
is "$RC:$(cat "$T/out")" "0:$M/cur/Y:2,F" "moved back to new/ meanwhile: found there"
mv "$M/new/X" "$M/cur/X:2,S"
mf -S "$M/new/X"
is "$RC" 0 "moved and already as asked: exit 0"
check "moved and already as asked: left as it is" test -f "$M/cur/X:2,S"
is "$(cat "$T/out")" "$M/cur/X:2,S" \
    "moved and already as asked: prints the path where it is, as md-flag(1) says"
is "$(fmtime "$M/cur/V:2,RS") $(fmtime "$M/cur/Y:2,F")" "1000000000 1000000000" \
    "found again: mtimes kept"

# ---- gone ----

msg "$M" new/ok1
mf -S "$M/cur/G1:2,F" "$M/new/ok1"
is "$RC" 1 "a message that is gone: exit 1"
is "$(lines "$T/err")" 1 "gone: one line on stderr"
grep -q "G1.*gone" "$T/err"
ok $? "gone: stderr says so: $(cat "$T/err")"
is "$(cat "$T/out")" "$M/cur/ok1:2,S" "gone: the next message is still changed"

# ---- Dovecot keywords ----

printf '0 $Junk\n1 NonJunk\r\n2 Work\n26 TooFar\n' >"$M/dovecot-keywords"
msg "$M" cur/KW:2,S
mf -K nonjunk "$M/cur/KW:2,S"
is "$RC:$(cat "$T/out")" "0:$M/cur/KW:2,Sb" "-K nonjunk: letter b (id 1, CRLF line), any case"
mf -K WORK -K '$junk' "$M/cur/KW:2,Sb"
is "$RC:$(cat "$T/out")" "0:$M/cur/KW:2,Sabc" "-K twice: letters a and c"
mf -k Work -S "$M/cur/KW:2,Sabc"
is "$RC:$(cat "$T/out")" "0:$M/cur/KW:2,Sab" "-k Work clears c"
mf -K nope -F "$M/cur/KW:2,Sab"
is "$RC:$(lines "$T/err")" "1:1" "unknown keyword: exit 1, one line"
grep -q nope "$T/err"
ok $? "unknown keyword: named on stderr: $(cat "$T/err")"
check "unknown keyword: the message is not changed at all (not even -F)" \
    test -f "$M/cur/KW:2,Sab"
mf -K TooFar "$M/cur/KW:2,Sab"
is "$RC" 1 "keyword with id 26 (no letter): exit 1"
mf -K Work -x c "$M/cur/KW:2,Sab"
is "$RC:$(cat "$T/out")" "0:$M/cur/KW:2,Sab" "-K Work -x c: clearing wins"
mf -K Work -k work "$M/cur/KW:2,Sab"
is "$RC:$(bytes "$T/out")" "64:0" "-K Work -k work: usage error"

N=$T/N
mkmd "$N" "$M/.Fo"
msg "$N" cur/n1:2,S
msg "$M/.Fo" cur/f1:2,
printf '0 Other\n1 Work\n' >"$N/dovecot-keywords"
printf '0 Work\n' >"$M/.Fo/dovecot-keywords"
mf -K Work "$M/cur/KW:2,Sab" "$N/cur/n1:2,S" "$M/.Fo/cur/f1:2,"
is "$RC:$(tr '\n' ' ' <"$T/out")" \
    "0:$M/cur/KW:2,Sabc $N/cur/n1:2,Sb $M/.Fo/cur/f1:2,a " \
    "each maildir and folder by its own dovecot-keywords"
N2=$T/N2
mkmd "$N2"
msg "$N2" cur/m:2,
mf -K Work "$N2/cur/m:2," "$N/cur/n1:2,Sb"
is "$RC:$(cat "$T/out")" "1:$N/cur/n1:2,Sb" "no dovecot-keywords: exit 1, the other maildir still done"
check "no dovecot-keywords: unchanged" test -f "$N2/cur/m:2,"
ln -s "$N/dovecot-keywords" "$N2/dovecot-keywords"
mf -K Work "$N2/cur/m:2,"
is "$RC" 1 "dovecot-keywords a symbolic link: not followed, exit 1"

# ---- stdin, and pipelines from md-list ----

P=$T/P
mkmd "$P"
msg "$P" new/p1 new/p2 cur/p3:2, cur/p4:2,S cur/p5:2,FR
printf '%s\n' "$P/new/p1" "$P/cur/p3:2," | "$F" -S >"$T/out" 2>"$T/err"
is "$?:$(tr '\n' ' ' <"$T/out")" "0:$P/cur/p1:2,S $P/cur/p3:2,S " "paths on stdin, one a line"
"$L" -s "$P" | "$F" -S >"$T/out" 2>"$T/err"
is "$?:$(lines "$T/out")" "0:2" "md-list -s | md-flag -S: exit 0, the two unread printed"
is "$("$L" -s "$P" | wc -l | tr -d ' ')" 0 "md-list -s | md-flag -S: nothing unread left"
is "$("$L" -S "$P" | wc -l | tr -d ' ')" 5 "md-list -s | md-flag -S: all five seen"
"$L" -F "$P" | "$F" -f -q >"$T/out"
is "$?:$(bytes "$T/out"):$(ls "$P/cur" | sort | tr '\n' ' ')" \
    "0:0:p1:2,S p2:2,S p3:2,S p4:2,S p5:2,RS " "md-list -F | md-flag -f -q"

O=$T/O
mkmd "$O"
nl='
'
msg "$O" "new/sp ace" "new/nl${nl}ine" "cur/x${nl}y:2," "cur/seen:2,S"
"$L" -0 -s "$O" | "$F" -0 -S >"$T/out" 2>"$T/err"
is "$?" 0 "md-list -0 -s | md-flag -0 -S: exit 0"
is "$(tr -cd '\0' <"$T/out" | wc -c | tr -d ' ')" 3 "md-flag -0: three NUL-terminated paths"
is "$(perl -0ne 'chomp; s/\n/\\n/g; print "$_\n"' "$T/out" | sort | tr '\n' '|')" \
    "$O/cur/nl\\nine:2,S|$O/cur/sp ace:2,S|$O/cur/x\\ny:2,S|" \
    "md-flag -0: the new paths, newlines and spaces intact"
check "-0 round trip: the files have those names" \
    test -f "$O/cur/nl${nl}ine:2,S" -a -f "$O/cur/sp ace:2,S" -a -f "$O/cur/x${nl}y:2,S"
is "$("$L" -s "$O" | wc -l | tr -d ' ')" 0 "-0 round trip: nothing unread left"

msg "$P" new/e1 new/e2
printf '%s\n\n%s\n' "$P/new/e1" "$P/new/e2" | "$F" -S >"$T/out" 2>"$T/err"
is "$?:$(lines "$T/err")" "1:1" "an empty line on stdin: exit 1, one line"
grep -q "empty line" "$T/err"
ok $? "empty line: stderr says so: $(cat "$T/err")"
is "$(tr '\n' ' ' <"$T/out")" "$P/cur/e1:2,S $P/cur/e2:2,S " "empty line: the others still changed"
# A CRLF line (a file from Windows): the CR is shown, not hidden.
msg "$P" new/cr
printf '%s\r\n' "$P/new/cr" | "$F" -S >"$T/out" 2>"$T/err"
is "$?" 1 "a path ending in CR: exit 1 (no such message)"
grep -qF 'new/cr\r: gone' "$T/err"
ok $? "a path ending in CR: stderr shows the CR: $(cat "$T/err")"
check "a path ending in CR: the real message untouched" test -f "$P/new/cr"
rm -f "$P/new/cr"
msg "$P" new/z1 new/z2 new/z3
{
	printf '%s\0%s\n' "$P/new/z1" "$P/new/z2"
	printf '%s\n' "$P/new/z3"
} | "$F" -S >"$T/out" 2>"$T/err"
is "$?:$(lines "$T/err")" "1:1" "a NUL byte in a line without -0: exit 1, one line"
grep -q "NUL" "$T/err"
ok $? "NUL without -0: stderr says so: $(cat "$T/err")"
is "$(cat "$T/out"):$(ls "$P/new" | sort | tr '\n' ' ')" "$P/cur/z3:2,S:z1 z2 " \
    "NUL without -0: that line's messages untouched, the next changed"
msg "$P" new/s1 new/s2
printf '%s\n' "$P/new/s1" | "$F" -S "$P/new/s2" >"$T/out" 2>"$T/err"
is "$?:$(cat "$T/out")" "0:$P/cur/s2:2,S" "with arguments, stdin is not read"
check "with arguments: the stdin message untouched" test -f "$P/new/s1"
mf -S
is "$RC:$(bytes "$T/out"):$(bytes "$T/err")" "0:0:0" "stdin /dev/null: no messages, exit 0"
mf -0 -S "$P/new/s1"
is "$RC:$(tr '\0' '|' <"$T/out")" "0:$P/cur/s1:2,S|" "-0: the path printed ends in NUL"
if command -v script >/dev/null 2>&1; then
	script -qec "'$F' -S" /dev/null </dev/null >"$T/out" 2>&1
	is "$?" 64 "no arguments, stdin a terminal: exit 64"
else
	skip "no script(1) to give md-flag a terminal"
fi

# ---- bad input: refused, nothing renamed ----

msg "$M" new/good cur/.hidden:2, new/subject
mkdir -p "$T/elsewhere" "$T/X/new" "$T/X/cur" "$M/cur/sub"
: >"$T/elsewhere/file"
: >"$T/X/new/a"
: >"$M/tmp/t1"
for p in "$T/elsewhere/file" "$M" "$M/" "$M/cur" "$M/cur/" "$M/tmp/t1" \
    "$M/cur/.hidden:2," "$M/new/:2,S" "$T/X/new/a" "$M/cur/sub" \
    "relative/new/a"; do
	before="$(tree "$T")"
	mf -S "$p"
	is "$RC:$(lines "$T/err"):$(bytes "$T/out")" "1:1:0" \
	    "md-flag -S ${p#"$T"/}: exit 1, one line on stderr, nothing printed"
	is "$(tree "$T")" "$before" "md-flag -S ${p#"$T"/}: nothing renamed"
	case $p in "$M/cur/sub") cp "$T/err" "$T/err.dir" ;; esac
done
grep -q "not a maildir" "$T/err"
ok $? "a root lacking tmp/: stderr says so: $(cat "$T/err")"
grep -q "sub: a directory, not a message" "$T/err.dir"
ok $? "a directory in cur/: stderr says so: $(cat "$T/err.dir")"
mf -S "$M/cur/.hidden:2," "$M/new/good"
is "$RC:$(cat "$T/out")" "1:$M/cur/good:2,S" "bad and good arguments: exit 1, the good one changed"
msg "$M" cur/dbl:2,
mf -S "$M/cur//dbl:2,"
is "$RC:$(test -f "$M/cur/dbl:2,S" && echo renamed)" "0:renamed" \
    "a path with a doubled slash (M/cur//name) names a message"

for args in "-S -s" "-Ss" "-X S -s" "-X F -x F" "-i" "--bogus" "-X 1" \
    "-x S!" "--quiet=1" "-K"; do
	before="$(tree "$T")"
	# shellcheck disable=SC2086
	mf "$M/new/subject" $args
	is "$RC:$(lines "$T/err"):$(bytes "$T/out")" "64:1:0" \
	    "md-flag $args: exit 64, one line on stderr, nothing printed"
	is "$(tree "$T")" "$before" "md-flag $args: nothing renamed"
done
mf -h
is "$RC" 0 "-h: exit 0"
grep -q '^usage: md-flag' "$T/out"
ok $? "-h: usage on stdout"
mf --help
is "$RC:$(head -c 14 "$T/out")" "0:usage: md-flag" "--help: the same"

# ---- a run of messages: one rename each, no look; directories still refused ----

# Many messages of one maildir on stdin: where new/ and cur/ hold no
# directory (their link counts say so) each is renamed without a look of
# its own; where they hold one, it is refused however long the run.
Q=$T/Q
mkmd "$Q"
i=1
while [ "$i" -le 12 ]; do
	msg "$Q" "new/q$i" "cur/c$i:2,"
	printf '%s\n%s\n' "$Q/new/q$i" "$Q/cur/c$i:2," >>"$T/qpaths"
	i=$((i + 1))
done
if have_strace; then
	strace -o "$T/qtrace" -e trace=stat,lstat,newfstatat,statx,rename,renameat,renameat2 \
	    "$F" -S -q <"$T/qpaths" >"$T/out" 2>"$T/err"
	is "$?:$(bytes "$T/err")" "0:0" "24 messages on stdin under strace: exit 0, nothing on stderr"
	is "$(grep -c '^rename' "$T/qtrace")" 24 "24 messages: 24 renames"
	# the maildir checked once (3), its new/ and cur/ (2), the first
	# messages looked at alone (3): no look per message
	n=$(grep -c "^[a-z0-9]*stat[a-z0-9]*(AT_FDCWD, \"$Q/" "$T/qtrace")
	check "24 messages: $n looks in the maildir, not one per message" \
	    test "$n" -le 8
else
	skip_n 3 "no usable strace"
	"$F" -S -q <"$T/qpaths"
fi
is "$(ls "$Q/cur" | grep -c ':2,S$')" 24 "24 messages: all seen, in cur/"
mkdir "$Q/cur/d1:2," "$Q/new/d2"
: >"$T/qpaths"
i=1
while [ "$i" -le 6 ]; do
	printf '%s\n' "$Q/cur/q$i:2,S" >>"$T/qpaths"
	i=$((i + 1))
done
printf '%s\n' "$Q/cur/d1:2," "$Q/new/d2" "$Q/cur/q7:2,S" >>"$T/qpaths"
"$F" -F -q <"$T/qpaths" >"$T/out" 2>"$T/err"
is "$?:$(lines "$T/err")" "1:2" "a run reaching two directories: exit 1, a line for each"
check "a run reaching two directories: both kept their names" \
    test -d "$Q/cur/d1:2," -a -d "$Q/new/d2"
is "$(ls "$Q/cur" | grep -c ':2,FS$')" 7 "a run reaching two directories: the 7 messages flagged"
grep -q "d1:2,: a directory, not a message" "$T/err"
ok $? "a directory at the end of a run: stderr says so: $(head -1 "$T/err")"

# ---- -q, option order, stdout ----

msg "$M" new/q1 new/q2 new/q3
mf -q -S "$M/new/q1"
is "$RC:$(bytes "$T/out")" "0:0" "-q: nothing printed"
check "-q: the message changed" test -f "$M/cur/q1:2,S"
mf "$M/new/q2" -F
is "$RC:$(cat "$T/out")" "0:$M/cur/q2:2,F" "options after the message"
"$F" -S "$M/new/q3" </dev/null >/dev/full 2>"$T/err"
is "$?" 1 "stdout full: exit 1"
check "stdout full: the rename stays made" test -f "$M/cur/q3:2,S"

# ---- renames that fail ----

msg "$M" new/D cur/D:2,S
printf 'the one in cur\n' >"$M/cur/D:2,S"
mf -S "$M/new/D"
is "$RC:$(lines "$T/err")" "1:1" "new name taken: exit 1, one line"
grep -q "File exists" "$T/err"
ok $? "new name taken: stderr says why: $(cat "$T/err")"
is "$(cat "$M/cur/D:2,S")" "the one in cur" "new name taken: not replaced"
check "new name taken: the message stays in new/" test -f "$M/new/D"

if have_faultlib; then
	msg "$M" new/RO
	for spec in renameat2=EACCES renameat2=EROFS renameat2=EIO; do
		faulty "$spec" "$F" -S "$M/new/RO"
		is "$RC:$(bytes "$T/out")" "1:0" "$spec: exit 1, nothing printed"
		check "$spec: the message is where it was" test -f "$M/new/RO"
	done
	faulty renameat2=EACCES "$F" -S "$M/new/RO"
	grep -q "Permission denied" "$T/err"
	ok $? "EACCES: stderr says why: $(cat "$T/err")"
	faulty renameat2=EROFS "$F" -S "$M/new/RO"
	grep -q "Read-only file system" "$T/err"
	ok $? "EROFS: stderr says why: $(cat "$T/err")"
	for spec in renameat2=EINVAL renameat2=ENOSYS; do
		msg "$M" "new/nr-${spec#*=}"
		faulty "$spec" "$F" -S "$M/new/nr-${spec#*=}"
		is "$RC:$(cat "$T/out")" "0:$M/cur/nr-${spec#*=}:2,S" \
		    "$spec (no RENAME_NOREPLACE): plain rename after a check"
	done
	# Another client renamed it away and back between our look and our
	# rename (one sets and clears S, we set F): the rename says ENOENT
	# once, the message is found under the very name we started from.
	msg "$M" cur/Back:2,S
	faulty renameat2=ENOENT@1 "$F" -F "$M/cur/Back:2,S"
	is "$RC:$(cat "$T/out")" "0:$M/cur/Back:2,FS" \
	    "renamed away and back meanwhile: tried again, exit 0"
	is "$(ls "$M/cur" | grep -c '^Back')" 1 "renamed away and back: one file"
	# ... and again at every try: the bounded tries end, nothing lost.
	faulty renameat2=ENOENT "$F" -R "$M/cur/Back:2,FS"
	is "$RC:$(lines "$T/err")" "1:1" "ENOENT at every try: exit 1, one line"
	check "ENOENT at every try: the message is where it was" test -f "$M/cur/Back:2,FS"
	faulty renameat2=EINVAL "$F" -S "$M/new/D"
	is "$RC" 1 "no RENAME_NOREPLACE, new name taken: exit 1"
	is "$(cat "$M/cur/D:2,S")" "the one in cur" "no RENAME_NOREPLACE: still not replaced"
	check "no RENAME_NOREPLACE: the message stays in new/" test -f "$M/new/D"
else
	skip_n 17 "no fault shim (MDKIT_FAULTLIB)"
fi

RM=$T/RM
mkmd "$RM"
msg "$RM" new/r1
chmod 711 "$T"
chmod -R a+rX "$RM"
chmod 555 "$RM/new" "$RM/cur"
as_nobody "$F" -S "$RM/new/r1" </dev/null >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" = 125 ]; then
	skip_n 3 "as root, and cannot run as uid 65534 (setpriv): permissions do not apply"
else
	is "$rc" 1 "read-only maildir: exit 1"
	grep -q "Permission denied" "$T/err"
	ok $? "read-only maildir: stderr says why: $(cat "$T/err")"
	check "read-only maildir: the message is where it was" test -f "$RM/new/r1"
fi
chmod 700 "$RM/new" "$RM/cur" "$T"
