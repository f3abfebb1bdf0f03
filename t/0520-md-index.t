#!/bin/sh
# md-index: the header cache made, updated by reading only the messages
# it does not know (strace counts the opens), checked (missing, extra,
# stale, nocache, damaged; exit 1), rebuilt, dropped; folders with -r
# and by name; a damaged cache replaced with one warning; an unwritable
# root leaves the old cache; two runs at once leave a valid one; usage
# errors exit 64; -j; progress on a terminal (a fake clock from the shim);
# a full disk or a failing fsync while writing leaves the old cache;
# the example in mdkit(7) is the file md-index writes.
. "$(dirname "$0")/lib.sh"

plan 139

X=$BIN/md-index
CACHE=mdkit-cache

# mi ARGS...: run md-index (nothing on stdin; $T/out, $T/err, RC).
mi() { run "$X" "$@"; }

# put M N: N messages delivered into the maildir M.
n_msg=0
put() {
	_i=0
	while [ "$_i" -lt "$2" ]; do
		_i=$((_i + 1))
		n_msg=$((n_msg + 1))
		printf 'From: =?UTF-8?Q?J=C3=B6rg?= <j@example.org>\nTo: a@example.org\nSubject: message %d\nDate: Mon, 1 Jan 2024 10:00:%02d +0000\nMessage-ID: <%d@example.org>\n\nbody %d\n' \
		    "$n_msg" "$((n_msg % 60))" "$n_msg" "$n_msg" |
		    "$MD" "$1" || exit 1
	done
}

# added DIR BEFORE: the names in DIR not in the list BEFORE.
added() {
	ls "$1" | grep -vxF -e "$2" -e '' || true
}

# ---- usage ----

M=$T/M
mkmd "$M"
put "$M" 3

mi -x "$M"
is "$RC" 64 "unknown option: exit 64"
is "$(cat "$T/err")" "md-index: -x: unknown option (see md-index -h)" \
    "unknown option: one line naming it"
mi --bogus "$M"
is "$RC" 64 "unknown long option: exit 64"
mi --rebuild --check "$M"
is "$RC" 64 "--rebuild with --check: exit 64"
mi --check --drop "$M"
is "$RC:$(lines "$T/err")" "64:1" "--check with --drop: exit 64, one line"
mi --drop --rebuild "$M"
is "$RC" 64 "--drop with --rebuild: exit 64"
mi -q -v "$M"
is "$RC:$(lines "$T/err")" "64:1" "-q with -v: exit 64, one line"
test ! -e "$M/$CACHE"
ok $? "usage errors: no cache made"
mi -h
is "$RC:$(bytes "$T/err")" "0:0" "-h: exit 0, nothing on stderr"
grep -q '^usage: md-index' "$T/out"
ok $? "-h: usage on stdout"

# ---- create, update ----

put "$M" 1
mv "$(ls -d "$M"/new/* | head -1)" "$M/cur/" # one in cur/ without info
mi "$M"
is "$RC" 0 "create: exit 0"
is "$(bytes "$T/out"):$(bytes "$T/err")" "0:0" "create: nothing on stdout or stderr"
test -f "$M/$CACHE"
ok $? "create: $CACHE in the maildir's root"
is "$(fmode "$M/$CACHE")" 600 "create: the cache is mode 600"
is "$(count_files "$M/tmp")" 0 "create: tmp/ left empty"
mi --check "$M"
is "$RC:$(bytes "$T/out")" "0:0" "create: --check finds nothing, exit 0"

ino=$(finode "$M/$CACHE")
mi -v "$M"
is "$RC" 0 "-v: exit 0"
is "$(lines "$T/err")" 1 "-v: one summary line"
grep -q "^$M: 4 messages: 0 read, 4 kept, 0 dropped" "$T/err"
ok $? "-v: counts on the summary line: $(cat "$T/err")"
is "$(finode "$M/$CACHE")" "$ino" "nothing to do: the cache not rewritten"
put "$M" 2
mi -v "$M"
grep -q "^$M: 6 messages: 2 read, 4 kept, 0 dropped" "$T/err"
ok $? "-v after two deliveries: 2 read, 4 kept: $(cat "$T/err")"
rm "$(ls -d "$M"/new/* | head -1)"
mi -v "$M"
grep -q "^$M: 5 messages: 0 read, 5 kept, 1 dropped" "$T/err"
ok $? "-v after one removed: 1 dropped: $(cat "$T/err")"
mi -q "$M"
is "$RC:$(bytes "$T/out"):$(bytes "$T/err")" "0:0:0" "-q: exit 0, silent"
put "$M" 1
mi -q "$M"
is "$RC:$(bytes "$T/out"):$(bytes "$T/err")" "0:0:0" "-q with work to do: silent"

# ---- rebuild ----

mi --rebuild -v "$M"
is "$RC" 0 "--rebuild: exit 0"
grep -q "^$M: 6 messages: 6 read, 0 kept, 0 dropped" "$T/err"
ok $? "--rebuild reads every message: $(cat "$T/err")"
mi --check "$M"
is "$RC" 0 "--rebuild: the cache checks out"
ino=$(finode "$M/$CACHE")
mi "$M" --reb
is "$RC" 0 "--reb, after the maildir: taken as --rebuild"
isnt "$(finode "$M/$CACHE")" "$ino" "--rebuild rewrites the cache when nothing changed"
mi --rebuild "$T/none"
is "$RC:$(lines "$T/err")" "1:1" "--rebuild of a missing maildir: exit 1, one line"

# What is no message is passed over: a FIFO (no hang), a directory, a
# name without a base, a dot name; a symlink to a message is read, a
# dangling one left out without a word.
N=$T/N
mkmd "$N"
put "$N" 2
mkfifo "$N/cur/fifo:2,S"
mkdir "$N/cur/dir"
printf 'Subject: no base\n\n' >"$N/cur/:2,S"
printf 'Subject: dot\n\n' >"$N/new/.dot"
ln -s "$(ls -d "$N"/new/* | head -1)" "$N/cur/link:2,S"
ln -s "$T/nowhere" "$N/cur/dangling:2,S"
mi -v "$N"
is "$RC:$(lines "$T/err")" "0:1" "odd entries: exit 0, only the summary line"
grep -q "^$N: 4 messages: 3 read" "$T/err"
ok $? "odd entries: the messages and links counted, the rest passed over: $(cat "$T/err")"
mi --check "$N"
is "$RC:$(cat "$T/out")" "1:missing	$N/cur/dangling:2,S	no entry" \
    "odd entries: --check: the dangling link alone missing"

# ---- check ----

C=$T/C
mkmd "$C"
put "$C" 4
mi "$C"
list=$(ls "$C/new")
put "$C" 1
missing=$(added "$C/new" "$list")
extra=
stale=
for f in "$C"/new/*; do
	[ "$(basename "$f")" = "$missing" ] && continue
	if [ -z "$extra" ]; then
		extra=$f
	elif [ -z "$stale" ]; then
		stale=$f
	fi
done
rm "$extra"
touch -d '2001-01-01 00:00:00' "$stale"
before=$(tree "$C" '%i %s %Y')
mi --check "$C"
is "$RC" 1 "--check, differences: exit 1"
has missing "$C/new/$missing"
ok $? "--check: a message without an entry is 'missing'"
has extra "$C/$CACHE"
ok $? "--check: an entry without a message is 'extra', naming the cache"
grep -q "	$(basename "$extra")" "$T/out"
ok $? "--check: the extra line names its base"
has stale "$stale"
ok $? "--check: a message with another mtime is 'stale'"
is "$(lines "$T/out"):$(bytes "$T/err")" "3:0" "--check: three lines on stdout, nothing on stderr"
is "$(tree "$C" '%i %s %Y')" "$before" "--check changes nothing"
mi --check -v "$C"
grep -q "3 differences" "$T/err"
ok $? "--check -v: the count on stderr: $(cat "$T/err")"
"$X" --check "$C" </dev/null >/dev/full 2>"$T/err"
is "$?:$(lines "$T/err")" "2:1" "--check, stdout full: exit 2, one line"
printf 'more\n' >>"$stale"
touch -d '2001-01-01 00:00:00' "$stale"

# The cache keeps the entry of a message changed in place (messages are
# never changed); a rebuild puts it right.
mi "$C"
mi --check "$C"
has stale "$stale"
ok $? "--check: a message with another size is 'stale'"
mi --rebuild "$C"
mi --check "$C"
is "$RC:$(bytes "$T/out")" "0:0" "--check after --rebuild: exit 0"

rm "$C/$CACHE"
before=$(tree "$C" '%i %s %Y')
mi --check "$C"
is "$RC" 1 "--check without a cache: exit 1"
is "$(cat "$T/out")" "nocache	$C/$CACHE	no cache" "--check without a cache: one nocache line"
is "$(tree "$C" '%i %s %Y')" "$before" "--check without a cache makes none, changes nothing"
printf 'not a cache, not at all\n' >"$C/$CACHE"
mi --check "$C"
is "$RC" 1 "--check of a damaged cache: exit 1"
has damaged "$C/$CACHE"
ok $? "--check of a damaged cache: a damaged line: $(cat "$T/out")"
is "$(cat "$C/$CACHE")" "not a cache, not at all" "--check leaves the damaged cache alone"

mi --check "$T/none"
is "$RC" 2 "--check of a missing maildir: exit 2"
is "$(lines "$T/err"):$(bytes "$T/out")" "1:0" "--check of a missing maildir: one line on stderr"
mkdir -p "$T/half/new" "$T/half/tmp"
mi --check "$T/half"
is "$RC:$(bytes "$T/out")" "2:0" "--check of a maildir without cur/: exit 2, no nocache line"
mkdir "$T/plain"
mi --check "$T/plain"
is "$RC:$(bytes "$T/out")" "2:0" "--check of a directory that is no maildir: exit 2, no nocache line"
mi --check "$T/none" "$M"
is "$RC:$(bytes "$T/out")" "2:0" "--check of a missing and a good maildir: exit 2, the good one checked"
mi --check "$C" "$M"
is "$RC" 1 "--check of a damaged and a good one: exit 1"

# A maildir whose path holds the cache's name is a maildir all the same.
mkdir "$T/$CACHE.d"
mi --check "$T/$CACHE.d/gone"
is "$RC" 2 "--check of a missing maildir under '$CACHE.d': exit 2, not nocache"

# ---- a damaged cache is replaced, with one warning ----

mi "$C"
is "$RC" 0 "damaged cache: update exits 0"
is "$(lines "$T/err")" 1 "damaged cache: one warning line"
grep -q "^md-index: $C/$CACHE: .*replaced" "$T/err"
ok $? "damaged cache: the warning names the cache: $(cat "$T/err")"
mi --check "$C"
is "$RC" 0 "damaged cache: replaced by a valid one"
head -c 100 /dev/urandom >"$C/$CACHE"
mi -q "$C"
is "$RC:$(lines "$T/err")" "0:1" "damaged cache with -q: the one warning all the same"
mi --check "$C"
is "$RC" 0 "damaged cache with -q: replaced all the same"
head -c 40 "$M/$CACHE" >"$C/$CACHE"
mi "$C"
is "$RC:$(lines "$T/err")" "0:1" "truncated cache: replaced, one warning"

# ---- errors in an update, drop ----

mi "$T/none"
is "$RC" 1 "update of a missing maildir: exit 1"
is "$(lines "$T/err")" 1 "update of a missing maildir: one line"
grep -q "$T/none" "$T/err"
ok $? "update of a missing maildir: names it: $(cat "$T/err")"
mi "$T/none" "$C"
is "$RC" 1 "a missing and a good maildir: exit 1"
test -f "$C/$CACHE"
ok $? "a missing and a good maildir: the good one done"

mi --drop "$C"
is "$RC:$(bytes "$T/out"):$(bytes "$T/err")" "0:0:0" "--drop: exit 0, silent"
test ! -e "$C/$CACHE"
ok $? "--drop: the cache is gone"
mi --drop "$C"
is "$RC:$(bytes "$T/err")" "0:0" "--drop of a missing cache: exit 0"
mi --drop -v "$C"
is "$RC:$(lines "$T/err")" "0:1" "--drop -v of a missing cache: exit 0, says so"
mi --drop "$T/none"
is "$RC:$(lines "$T/err")" "1:1" "--drop of no maildir: exit 1, one line"
is "$(count_files "$C")" 4 "--drop: every message still there"

# ---- Maildir++ folders ----

R=$T/R
mkmd "$R" "$R/.Work" "$R/.Work.Sub" "$R/.Other"
for f in .Work .Work.Sub .Other; do
	: >"$R/$f/maildirfolder"
done
put "$R" 1
put "$R/.Work" 2
put "$R/.Work.Sub" 1
put "$R/.Other" 1

mi "$R"
is "$RC" 0 "a root alone: exit 0"
test -f "$R/$CACHE" && test ! -e "$R/.Work/$CACHE" &&
    test ! -e "$R/.Work.Sub/$CACHE" && test ! -e "$R/.Other/$CACHE"
ok $? "without -r: the root's cache only"
mi -r "$R/.Work"
is "$RC" 0 "-r of a folder: exit 0"
test -f "$R/.Work/$CACHE" && test -f "$R/.Work.Sub/$CACHE" &&
    test ! -e "$R/.Other/$CACHE"
ok $? "-r of a folder: it and its subfolders, not the others"
MAILDIR=$R "$X" Other </dev/null >"$T/out" 2>"$T/err"
is "$?:$(bytes "$T/err")" "0:0" "a folder by name: exit 0"
test -f "$R/.Other/$CACHE"
ok $? "a folder by name: its cache made"
rm "$R/$CACHE" "$R/.Work/$CACHE" "$R/.Work.Sub/$CACHE" "$R/.Other/$CACHE"
mi -r -v "$R"
is "$RC:$(lines "$T/err")" "0:4" "-r of the root: exit 0, a summary line for each of four"
n=0
for f in "$R" "$R/.Work" "$R/.Work.Sub" "$R/.Other"; do
	[ -f "$f/$CACHE" ] && n=$((n + 1))
done
is "$n" 4 "-r of the root: a cache in the root and each folder"
grep -q "^$R/.Work: 2 messages: 2 read" "$T/err"
ok $? "-r: each folder its own messages: $(grep Work: "$T/err")"
mi --check -r "$R"
is "$RC:$(bytes "$T/out")" "0:0" "--check -r: every folder consistent"
list=$(ls "$R/.Work.Sub/new")
put "$R/.Work.Sub" 1
mi --check -r "$R"
is "$RC:$(lines "$T/out")" "1:1" "--check -r: a difference in a subfolder found"
has missing "$R/.Work.Sub/new/$(added "$R/.Work.Sub/new" "$list")"
ok $? "--check -r: in the subfolder's path"
mi --drop -r "$R"
n=$(find "$R" -name "$CACHE" | wc -l | tr -d ' ')
is "$RC:$n" "0:0" "--drop -r: every cache gone"
# A directory that is no maildir and no folder has no folders: its
# dot-directories are left alone (cmd/walk.c's one rule).
mkmd "$T/NoMd/.x" # NoMd itself: a plain directory
mi -r "$T/NoMd"
is "$RC:$(lines "$T/err")" "1:1" "-r on no maildir: exit 1, one line"
test ! -e "$T/NoMd/.x/$CACHE"
ok $? "-r on no maildir: its dot-directories not indexed"
mi -r "$T/none/.Work"
is "$RC:$(lines "$T/err")" "1:1" \
    "-r on a folder of a missing root: exit 1, told once"

# ---- only unknown messages are read (strace) ----

S=$T/S
mkmd "$S"
put "$S" 5
mi "$S"
list=$(ls "$S/new")
put "$S" 3
Sreal=$(cd "$S" && pwd -P)

# opened TRACE: the message files strace -y saw opened in new/ or cur/
# of $S, one a line, sorted.
opened() {
	grep -F -e "<$Sreal/new>, \"" -e "<$Sreal/cur>, \"" "$1" |
	    sed -n 's/^[^"]*"\([^"]*\)".*/\1/p' | grep -v '^\.$' | sort
}

# traced ARGS...: md-index ARGS under strace into $T/trace; RC.
traced() {
	strace -f -y -o "$T/trace" -e trace=openat,open "$X" "$@" \
	    </dev/null >"$T/out" 2>"$T/err"
	RC=$?
}

if have_strace; then
	traced "$S"
	is "$RC" 0 "strace: md-index exits 0"
	is "$(opened "$T/trace" | wc -l | tr -d ' ')" 3 \
	    "after 3 deliveries: exactly 3 message files opened"
	newest=$(added "$S/new" "$list" | sort)
	is "$(opened "$T/trace")" "$newest" "after 3 deliveries: the 3 new ones"

	traced "$S"
	is "$(opened "$T/trace" | wc -l | tr -d ' ')" 0 "nothing new: no message opened"

	one=$(ls "$S/new" | head -1)
	"$BIN/md-flag" -S "$S/new/$one" >/dev/null 2>&1
	ok $? "md-flag -S on a message"
	two=$(ls "$S/new" | head -1)
	mv "$S/new/$two" "$S/cur/$two:2,"
	traced "$S"
	is "$RC:$(opened "$T/trace" | wc -l | tr -d ' ')" "0:0" \
	    "after md-flag -S and a new/ -> cur/ move: no message opened"
	mi --check "$S"
	is "$RC" 0 "after the flag change and the move: the cache checks out"

	traced --rebuild "$S"
	is "$(opened "$T/trace" | wc -l | tr -d ' ')" 8 "--rebuild: all 8 opened"
	traced --check "$S"
	is "$RC:$(opened "$T/trace" | wc -l | tr -d ' ')" "0:0" "--check: no message opened"
else
	skip_n 9 "no strace here, or it may not trace"
fi

# ---- two at once ----

P=$T/P
mkmd "$P"
put "$P" 40
fails=0
round=0
while [ "$round" -lt 5 ]; do
	round=$((round + 1))
	"$X" --rebuild "$P" 2>>"$T/err2" &
	p1=$!
	"$X" --rebuild "$P" 2>>"$T/err2" &
	p2=$!
	wait "$p1" || fails=$((fails + 1))
	wait "$p2" || fails=$((fails + 1))
	put "$P" 1
	"$X" "$P" 2>>"$T/err2" &
	p1=$!
	"$X" "$P" 2>>"$T/err2" &
	p2=$!
	wait "$p1" || fails=$((fails + 1))
	wait "$p2" || fails=$((fails + 1))
done
is "$fails:$(bytes "$T/err2")" "0:0" "two runs at once, five times: every one exit 0, silent"
mi --check "$P"
is "$RC:$(bytes "$T/out")" "0:0" "two runs at once: the cache is valid and complete"
is "$(count_files "$P/tmp")" 0 "two runs at once: tmp/ empty"

# ---- without the right to write the root ----

W=$T/W
mkmd "$W"
put "$W" 2
mi "$W"
cp "$W/$CACHE" "$T/cache.before"
put "$W" 1
chmod 711 "$T"
is_root && chown -R 65534:65534 "$W"
chmod 555 "$W"
as_nobody "$X" "$W" </dev/null >"$T/out" 2>"$T/err"
rc=$?
chmod 755 "$W"
if [ "$rc" = 125 ]; then
	skip_n 5 "as root, and cannot run as uid 65534 (setpriv): permissions do not apply"
else
	is "$rc" 1 "unwritable root: exit 1"
	is "$(lines "$T/err")" 1 "unwritable root: one line"
	grep -q "^md-index: $W/$CACHE: rename: Permission denied\$" "$T/err"
	ok $? "unwritable root: names the cache, the step and why: $(cat "$T/err")"
	same_bytes "$W/$CACHE" "$T/cache.before" "unwritable root: the old cache as it was"
	is "$(count_files "$W/tmp")" 0 "unwritable root: tmp/ empty"
fi

# An unreadable message: named, left out, the others cached, exit 1.
U=$T/Un
mkmd "$U"
put "$U" 3
bad=$(ls "$U/new" | head -1)
is_root && chown -R 65534:65534 "$U"
chmod 000 "$U/new/$bad"
as_nobody "$X" "$U" </dev/null >"$T/out" 2>"$T/err"
rc=$?
chmod 600 "$U/new/$bad"
if [ "$rc" = 125 ]; then
	skip_n 4 "as root, and cannot run as uid 65534 (setpriv): permissions do not apply"
else
	is "$rc" 1 "an unreadable message: exit 1"
	is "$(lines "$T/err")" 1 "an unreadable message: one line"
	grep -q "$U/new/$bad: open.*Permission denied" "$T/err"
	ok $? "an unreadable message: named with the reason: $(cat "$T/err")"
	mi --check "$U"
	is "$RC:$(cat "$T/out" | cut -f1,2)" "1:missing	$U/new/$bad" \
	    "an unreadable message: the others cached, it alone missing"
fi
chmod 700 "$T"

# The example in mdkit(7) is what md-index writes, byte for byte: the
# page's key and checksum are those of the file, and so is every byte
# the page spells out.
E=$T/example
mkmd "$E"
printf 'From: Ann <ann@example.org>\nSubject: Hi\nMessage-ID: <1@x>\nDate: Thu, 1 Jan 2026 00:00:00 +0000\n\nHello\n' \
    >"$E/cur/1.a:2,S"
touch -d '2026-01-01 00:00:10 UTC' "$E/cur/1.a:2,S"
mi -q "$E"
hex() { od -An -tx1 -v -j "$1" -N "$2" "$E/$CACHE" | tr -s ' \n' '  ' |
    sed 's/^ //; s/ $//'; }
PAGE=$(dirname "$0")/../man/mdkit.7
is "$RC:$(bytes "$E/$CACHE")" "0:124" "mdkit.7 example: 124 bytes"
grep -qx ".It 24 Ta $(hex 24 8) Ta key of Ql 1.a" "$PAGE"
ok $? "mdkit.7 example: the key of 1.a is $(hex 24 8)"
grep -qx ".It 116 Ta $(hex 116 8) Ta checksum of bytes 0 to 115" "$PAGE"
ok $? "mdkit.7 example: the checksum is $(hex 116 8)"
# Every other row: offset, then its bytes (rows that elide with ... or
# name three strings at once are compared up to the elision).
bad=
rows=$(sed -n '/^\.Ss Example/,/^\.Ss Reading/s/^\.It \([0-9][0-9]*\) Ta \([0-9a-f][0-9a-f]\( [0-9a-f][0-9a-f]\)*\) .*/\1:\2/p' \
    "$PAGE" | tr ' ' '_')
is "$(echo "$rows" | wc -l)" 19 "mdkit.7 example: 19 rows of bytes"
for row in $rows; do
	off=${row%%:*}
	want=$(echo "${row#*:}" | tr '_' ' ' | sed 's/ *$//')
	n=$(echo "$want" | wc -w)
	[ "$(hex "$off" "$n")" = "$want" ] || bad="$bad $off"
done
is "$bad" "" "mdkit.7 example: every row of bytes is the file's"

# -j: the number of reader threads; the cache is the same whatever it is.
J=$T/jobs
mkmd "$J"
put "$J" 40
mi -q -j 1 --rebuild "$J"
cp "$J/$CACHE" "$T/cache.j1"
mi -q -j 3 --rebuild "$J"
is "$RC" 0 "-j 3: exit 0"
cmp -s "$J/$CACHE" "$T/cache.j1"
ok $? "-j 1 and -j 3 write the same cache, byte for byte"
mi -q --jobs=16 --rebuild "$J"
cmp -s "$J/$CACHE" "$T/cache.j1"
ok $? "--jobs=16 writes it too"
for bad in 0 17 abc -1; do
	mi -j "$bad" "$J"
	is "$RC:$(lines "$T/err")" "64:1" "-j $bad: exit 64, one line"
done
grep -q '^md-index: -j -1: readers are ' "$T/err"
ok $? "-j -1: says what is wrong: $(cat "$T/err")"
mi -j
is "$RC:$(lines "$T/err")" "64:1" "-j without a number: exit 64, one line"

# Progress on a terminal (script(1) gives md-index one): the count, the
# rate and the time left, once the work has lasted a second; the clock
# is the shim's, a second later at each reading. None with -q, none when
# stderr is no terminal.
if command -v script >/dev/null 2>&1 && have_faultlib; then
	PG=$T/progress
	mkmd "$PG"
	put "$PG" 5
	tick() {
		MDKIT_CLOCK_STEP=1000 LD_PRELOAD=$FAULTLIB \
		    ASAN_OPTIONS=verify_asan_link_order=0 "$@"
	}
	tick script -qec "$X --rebuild $PG" /dev/null >"$T/tty" 2>&1
	tr '\r' '\n' <"$T/tty" | grep -q "$PG: 5/5 read, [0-9][0-9]*/s, 0 s left"
	ok $? "a terminal: progress with count, rate and time left"
	tr '\r' '\n' <"$T/tty" | grep -q "$PG: 3/5 read, [0-9][0-9]*/s, [0-9][0-9]* s left"
	ok $? "a terminal: progress as the work goes"
	tick script -qec "$X -q --rebuild $PG" /dev/null >"$T/tty" 2>&1
	! grep -q ' read, ' "$T/tty"
	ok $? "a terminal with -q: no progress"
	tick "$X" --rebuild "$PG" </dev/null >"$T/out" 2>"$T/err"
	is "$?:$(bytes "$T/err")" "0:0" "stderr no terminal: no progress"
else
	skip_n 4 "no script(1) or no fault shim (MDKIT_FAULTLIB)"
fi

# A full disk or a failing fsync while the new cache is written: exit 1,
# one line naming the step and why, the old cache as it was, nothing
# left in tmp/.
if have_faultlib; then
	FD=$T/fulldisk
	mkmd "$FD"
	put "$FD" 3
	mi -q "$FD"
	cp "$FD/$CACHE" "$T/cache.before"
	put "$FD" 1
	for f in write=ENOSPC fsync=EIO; do
		faulty "$f" "$X" "$FD"
		is "$RC:$(lines "$T/err")" "1:1" "$f: exit 1, one line"
		grep -q "^md-index: $FD/tmp/.*: ${f%%=*}: " "$T/err"
		ok $? "$f: says the step and why: $(cat "$T/err")"
		same_bytes "$FD/$CACHE" "$T/cache.before" "$f: the old cache as it was"
		is "$(ls -A "$FD/tmp" | wc -l | tr -d ' ')" 0 "$f: nothing left in tmp/"
	done
	mi -q "$FD"
	is "$RC" 0 "after the fault: the update goes through"
else
	skip_n 9 "no fault shim (MDKIT_FAULTLIB)"
fi
