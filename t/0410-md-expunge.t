#!/bin/sh
# md-expunge: messages flagged T removed from new/ and cur/ and nothing
# else; --all and --older-than for retention; -r, -f, -m and bare folder
# names; --tmp cleanup by ctime; -n changes nothing; -v, -0, --tsv and
# --json; symbolic links never followed; control files and directories
# kept; Maildir++ quota lines; exit 1 for what could not be done, 64 for
# usage.
. "$(dirname "$0")/lib.sh"

plan 121

X=$BIN/md-expunge
M=$T/M
R=$T/R

# mx ARGS...: run md-expunge (nothing on stdin; $T/out, $T/err, RC).
mx() { run "$X" "$@"; }

# msg10 DIR REL...: a 10-byte message DIR/REL each, delivered 2001-09-09
# (the sizes below count on it).
msg10() { msg_text 123456789 "$@"; }

# ---- T in new/ and cur/ goes; everything else stays ----

mkmd "$M"
msg10 "$M" new/n1:2,T new/n2 new/n3:2,S cur/a:2,ST cur/b:2,S cur/c:2,T \
    cur/d:2,FTab cur/e:2,t cur/f cur/.dot:2,T cur/g:1,T tmp/t:2,T
mkdir "$M/cur/dir:2,T"
for f in dovecot-uidlist dovecot-keywords dovecot.index maildirsize.x \
    subscriptions courierimapuiddb; do
	echo control >"$M/$f"
done
mx "$M"
is "$RC" 0 "T: exit 0"
is "$(bytes "$T/out"):$(bytes "$T/err")" "0:0" "T: silent without -v"
for f in new/n1:2,T cur/a:2,ST cur/c:2,T cur/d:2,FTab; do
	check "T: $f removed" test ! -e "$M/$f"
done
for f in new/n2 new/n3:2,S cur/b:2,S cur/e:2,t cur/f cur/.dot:2,T \
    cur/g:1,T tmp/t:2,T dovecot-uidlist dovecot-keywords dovecot.index \
    maildirsize.x subscriptions courierimapuiddb; do
	check "T: $f kept" test -f "$M/$f"
done
check "T: a directory named like a trashed message is kept" \
    test -d "$M/cur/dir:2,T"
mx "$M"
is "$RC:$(bytes "$T/out")" "0:0" "T again: nothing to do, exit 0"

# ---- -n changes nothing and names what would go ----

msg10 "$M" new/n4:2,T cur/h:2,ST
before=$(tree "$T")
mx -n "$M"
is "$RC" 0 "-n: exit 0"
is "$(got)" "$(want cur/h:2,ST new/n4:2,T)" "-n: prints the paths that would go"
is "$(tree "$T")" "$before" "-n: the tree is unchanged"
mx -n --all --tmp=0s -r "$M"
is "$(tree "$T")" "$before" "-n --all --tmp=0s -r: the tree is unchanged"
is "$(lines "$T/out")" 9 "-n --all --tmp=0s: names 8 messages and 1 tmp file"
mx -n -0 "$M"
is "$(tr '\0' '\n' <"$T/out" | sed "s|^$M/||" | sort | tr '\n' ' ')" \
    "cur/h:2,ST new/n4:2,T " "-n -0: NUL-separated paths"
is "$(tr -cd '\0' <"$T/out" | wc -c | tr -d ' ')" 2 "-n -0: two NULs, no newline"

# ---- -v ----

mx -v "$M"
is "$RC" 0 "-v: exit 0"
is "$(got)" "$(want cur/h:2,ST new/n4:2,T)" "-v: removed paths on stdout"
is "$(cat "$T/err")" "md-expunge: $M: 2 messages (20B) removed" \
    "-v: the summary on stderr"
mx -n -v "$M"
is "$(cat "$T/err")" "md-expunge: $M: 0 messages (0B) would be removed" \
    "-n -v: the summary says would"
check "-v: they are gone" test ! -e "$M/new/n4:2,T" -a ! -e "$M/cur/h:2,ST"

# ---- sizes: ,S= in the name, else the file's ----

msg10 "$M" "cur/s1,S=1000:2,T" "cur/s2:2,T"
mx --tsv "$M"
is "$(sed -n 2p "$T/out")" "$(printf '%s\t2\t1010\t0\t0\t0' "$M")" \
    "sizes from ,S= (1000) and from the file (10)"

# ---- --all, --older-than ----

msg10 "$M" cur/old1:2,S cur/old2:2,T new/old3
msg10 "$M" cur/young1:2,S cur/young2:2,T
touch -d '10 days ago' "$M/cur/old1:2,S" "$M/cur/old2:2,T" "$M/new/old3"
touch -d '1 hour ago' "$M/cur/young1:2,S" "$M/cur/young2:2,T"
mx --older-than 7d "$M"
is "$RC" 0 "--older-than 7d: exit 0"
check "--older-than 7d: an old T message goes" test ! -e "$M/cur/old2:2,T"
check "--older-than 7d: a young T message stays" test -e "$M/cur/young2:2,T"
check "--older-than 7d: an old unflagged message stays" test -e "$M/cur/old1:2,S"
mx --all --older-than 1w "$M"
check "--all --older-than 1w: old messages go, flags or not" \
    test ! -e "$M/cur/old1:2,S" -a ! -e "$M/new/old3"
check "--all --older-than 1w: young ones stay" \
    test -e "$M/cur/young1:2,S" -a -e "$M/cur/young2:2,T"
mx --all --older-than 1d12h "$M"
is "$(ls "$M/new" "$M/cur" | tr '\n' ' ')" \
    "$M/cur: dir:2,T young1:2,S young2:2,T  $M/new: " \
    "--older-than 1d12h: nothing that young goes"
mx --all "$M"
is "$(ls -A "$M/new" | wc -l | tr -d ' '):$(ls -A "$M/cur" | tr '\n' ' ')" \
    "0:.dot:2,T dir:2,T " "--all: only a dot-name and a directory are left"
check "--all: tmp/ and control files untouched" \
    test -f "$M/tmp/t:2,T" -a -f "$M/dovecot-uidlist"

# ---- folders: -r, -f, -m, bare names ----

mkmd "$R" "$R/.Work" "$R/.Work.Sub" "$R/.Trash" "$R/.Workshop"
touch "$R/.Work/maildirfolder" "$R/.Work.Sub/maildirfolder" \
    "$R/.Trash/maildirfolder" "$R/.Workshop/maildirfolder"
fill() {
	for _f in "$R" "$R/.Work" "$R/.Work.Sub" "$R/.Trash" "$R/.Workshop"; do
		[ -e "$_f/cur/x:2,T" ] || msg10 "$_f" cur/x:2,T
	done
}
left() {
	for _f in "$R" "$R/.Work" "$R/.Work.Sub" "$R/.Trash" "$R/.Workshop"; do
		[ -e "$_f/cur/x:2,T" ] && printf '%s ' "${_f#$R}"
	done
}
fill
mx "$R"
is "$(left)" "/.Work /.Work.Sub /.Trash /.Workshop " "no -r: the root only"
fill
mx -r "$R"
is "$RC:$(left)" "0:" "-r: the root and every folder"
fill
MAILDIR=$R mx -f Work
is "$(left)" " /.Work.Sub /.Trash /.Workshop " "-f Work: \$MAILDIR/.Work only"
fill
MAILDIR=$R mx -r -f Work
is "$(left)" " /.Trash /.Workshop " "-r -f Work: Work and Work.Sub, not Workshop"
fill
MAILDIR=$R mx -f Work.Sub -f Trash
is "$(left)" " /.Work /.Workshop " "-f twice: both folders"
fill
MAILDIR=$R mx -f INBOX
is "$(left)" "/.Work /.Work.Sub /.Trash /.Workshop " "-f INBOX: the root itself"
fill
MAILDIR=$T/none mx -m "$R" -f Trash
is "$RC:$(left)" "0: /.Work /.Work.Sub /.Workshop " "-m ROOT -f Trash"
fill
MAILDIR=$R mx Work.Sub
is "$(left)" " /.Work /.Trash /.Workshop " "a bare folder name: in \$MAILDIR"
fill
MAILDIR=$R mx
is "$(left)" "/.Work /.Work.Sub /.Trash /.Workshop " "no argument: \$MAILDIR"
mkmd "$T/S"
msg10 "$T/S" cur/x:2,T
fill
MAILDIR=$T/none mx -m "$R" -m "$T/S"
is "$RC:$(left)" "0:/.Work /.Work.Sub /.Trash /.Workshop " "-m twice: each root"
check "-m twice: the second root too" test ! -e "$T/S/cur/x:2,T"
fill
msg10 "$R/.Trash" cur/y:2,S cur/z
touch -d '40 days ago' "$R/.Trash/cur/x:2,T" "$R/.Trash/cur/y:2,S"
touch "$R/.Trash/cur/z"
MAILDIR=$R mx --all --older-than 30d -f Trash
is "$(ls "$R/.Trash/cur" | tr '\n' ' ')" "z " \
    "Trash retention: old messages go, flagged or not, young ones stay"
is "$(left)" " /.Work /.Work.Sub /.Workshop " "Trash retention: nothing else"

# ---- tmp/ ----

mkmd "$T/P"
P=$T/P
msg10 "$P" tmp/fresh cur/x:2,T
mkdir "$P/tmp/subdir"
mx --tmp "$P"
is "$RC" 0 "--tmp: exit 0"
check "--tmp: a fresh tmp file survives 36 hours' rule" test -e "$P/tmp/fresh"
check "--tmp alone: T messages are not touched" test -e "$P/cur/x:2,T"
mx --tmp=1h -v "$P"
is "$(cat "$T/err")" "md-expunge: $P: 0 tmp files (0B) removed" \
    "--tmp=1h -v: a fresh file is not stale; the summary names tmp only"
msg10 "$P" tmp/aged
mx --tmp=1h "$P"
check "--tmp=1h: an mtime of 2001 does not age a tmp file (ctime does)" \
    test -e "$P/tmp/aged"
sleep 2
mx --tmp=1s -v "$P"
is "$RC:$(got "$P")" "0:tmp/aged tmp/fresh" "--tmp=1s: files made 2s before go"
msg10 "$P" tmp/fresh2
mx --tmp=0s -T -v "$P"
is "$(got "$P")" "$(want cur/x:2,T tmp/fresh2)" "--tmp=0s -T: both kinds"
is "$(cat "$T/err")" "md-expunge: $P: 1 message (10B), 1 tmp file (10B) removed" \
    "--tmp -T -v: the summary names both"
check "--tmp: a directory in tmp/ is never removed" test -d "$P/tmp/subdir"
msg10 "$P" tmp/a cur/y:2,T
mx --tmp=0s --older-than 0s "$P"
check "--tmp --older-than: both kinds too" \
    test ! -e "$P/tmp/a" -a ! -e "$P/cur/y:2,T"

# ---- --tsv and --json ----

mkmd "$T/J" "$T/J/.Junk"
touch "$T/J/.Junk/maildirfolder"
msg10 "$T/J" cur/a:2,T "cur/b,S=5:2,T" tmp/t
msg10 "$T/J/.Junk" cur/c:2,T
mx --tsv --tmp=0s -T -r "$T/J"
is "$RC" 0 "--tsv: exit 0"
is "$(sed -n 1p "$T/out")" "$(printf 'maildir\tmessages\tbytes\ttmp_files\ttmp_bytes\terrors')" \
    "--tsv: the header"
is "$(sed -n '2,$p' "$T/out" | tr '\t\n' ',;')" \
    "$T/J,2,15,1,10,0;$T/J/.Junk,1,10,0,0,0;" "--tsv: a line per maildir"
is "$(bytes "$T/err")" 0 "--tsv: no paths without -v"
msg10 "$T/J" cur/a:2,T "cur/b,S=5:2,T"
msg10 "$T/J/.Junk" cur/c:2,T
mx --json -v -r "$T/J"
is "$(lines "$T/err")" 3 "--json -v: the paths go to stderr"
if perl -MJSON::PP -e 1 2>/dev/null; then
	is "$(perl -MJSON::PP -e '
		local $/; my $j = decode_json(<STDIN>);
		my $t = $j->{total};
		print join(",", $j->{dry_run} ? "dry" : "wet",
		    scalar @{$j->{maildirs}}, $j->{maildirs}[1]{path},
		    @$t{qw(messages bytes tmp_files tmp_bytes errors)});
	    ' <"$T/out")" "wet,2,$T/J/.Junk,3,25,0,0,0" "--json: parses, with the counts"
else
	is "$(grep -c '^{"dry_run":false,"maildirs":\[.*\],"total":{.*}}$' "$T/out")" 1 \
	    "--json: the shape (no JSON::PP here)"
fi
mx --json -n "$T/J"
is "$(bytes "$T/err"):$(grep -c '"dry_run":true' "$T/out")" "0:1" \
    "--json -n: no paths, dry_run true"

# ---- symbolic links ----

mkmd "$T/L" "$T/O"
echo keep >"$T/outside"
ln -s "$T/outside" "$T/L/cur/link:2,T"
msg10 "$T/O" new/victim:2,T
rmdir "$T/L/new"
ln -s "$T/O/new" "$T/L/new"
msg10 "$T/L" cur/c:2,T
mx -v "$T/L"
is "$RC" 1 "a linked new/: exit 1"
is "$(grep -c . "$T/err")" 2 "a linked new/: one line for it (and the summary)"
is "$(head -1 "$T/err")" "md-expunge: $T/L/new: a symbolic link, not followed" \
    "a linked new/: said so"
check "a linked new/: what it points to is untouched" test -e "$T/O/new/victim:2,T"
check "a link in cur/: the link is gone" test ! -e "$T/L/cur/link:2,T" -a ! -L "$T/L/cur/link:2,T"
is "$(cat "$T/outside")" keep "a link in cur/: its target stays"
check "cur/ is done even though new/ is refused" test ! -e "$T/L/cur/c:2,T"

# ---- Maildir++ quota ----

mkmd "$T/Q" "$T/Q/.Trash" "$T/Q/.Work"
touch "$T/Q/.Trash/maildirfolder" "$T/Q/.Work/maildirfolder"
printf '1000000S,100C\n' >"$T/Q/maildirsize"
msg10 "$T/Q" cur/a:2,T "cur/b,S=7:2,T"
msg10 "$T/Q/.Work" "cur/w,S=30:2,T"
msg10 "$T/Q/.Trash" "cur/t,S=40:2,S"
mx "$T/Q"
is "$(sed -n '2,$p' "$T/Q/maildirsize")" "-17 -2" "quota: one line for the root"
mx "$T/Q/.Work"
is "$(sed -n 3p "$T/Q/maildirsize")" "-30 -1" "quota: a folder's line goes to the root's file"
mx --all "$T/Q/.Trash"
is "$RC:$(lines "$T/Q/maildirsize")" "0:3" "quota: Trash is not counted, no line"
msg10 "$T/Q" cur/c:2,T
mx -n "$T/Q"
is "$(lines "$T/Q/maildirsize")" 3 "quota: -n writes no line"
rm "$T/Q/maildirsize"
mx "$T/Q"
check "quota: no maildirsize, none made" test ! -e "$T/Q/maildirsize"
msg10 "$T/Q" cur/d:2,T
mkdir "$T/Q/maildirsize"
mx "$T/Q"
is "$RC:$(lines "$T/err")" "1:1" "quota: an unwritable maildirsize: exit 1, one line"
check "quota: the message is still removed" test ! -e "$T/Q/cur/d:2,T"
rmdir "$T/Q/maildirsize"

# 200 paths fill stdio's buffer: without SIGPIPE ignored, a gone reader
# killed md-expunge before the quota line.
printf '0S\n' >"$T/Q/maildirsize"
i=0
while [ $i -lt 200 ]; do
	msg10 "$T/Q" "cur/m$i,S=10:2,T"
	i=$((i + 1))
done
perl -e 'pipe(R, W) or die; close R; open(STDOUT, ">&W") or die; exec @ARGV' \
    "$X" -v "$T/Q" </dev/null 2>"$T/err"
RC=$?
is "$RC:$(sed -n 2p "$T/Q/maildirsize")" "1:-2000 -200" \
    "a reader gone: every removal still on the quota, exit 1"
is "$(grep -v ': 200 messages' "$T/err")" "md-expunge: stdout: Broken pipe" \
    "a reader gone: one line for it"

# ---- what cannot be done ----

mx "$T/missing" "$M"
is "$RC:$(lines "$T/err")" "1:1" "a missing maildir: exit 1, one line"
is "$(cat "$T/err")" "md-expunge: $T/missing: No such file or directory" \
    "a missing maildir: named"
mkdir -p "$T/half/cur"
mx "$T/half"
is "$RC:$(cat "$T/err")" "1:md-expunge: $T/half: not a maildir (no $T/half/tmp)" \
    "not a maildir: exit 1, said so"
MAILDIR=$R mx -r -f Nothere
is "$RC" 1 "-f of a missing folder: exit 1"
mx -r "$T/none/.Work"
is "$RC:$(lines "$T/err")" "1:1" \
    "-r on a folder of a missing root: exit 1, told once"

mkmd "$T/RO"
msg10 "$T/RO" cur/r1:2,T cur/r2:2,T cur/r3:2,S
chmod 555 "$T/RO/cur"
chmod 711 "$T"
as_nobody "$X" "$T/RO" </dev/null >"$T/out" 2>"$T/err"
RC=$?
if [ "$RC" = 125 ]; then
	skip_n 3 "cannot run as an unprivileged user"
else
	is "$RC" 1 "unlink refused: exit 1"
	is "$(lines "$T/err")" 2 "unlink refused: one line each"
	is "$(grep -c "^md-expunge: $T/RO/cur/r[12]:2,T: unlink: Permission denied\$" "$T/err")" 2 \
	    "unlink refused: path, step and reason"
fi
chmod 700 "$T"
chmod 755 "$T/RO/cur"

# ---- usage ----

for args in "--bogus" "-z" "-f" "--older-than" "--older-than 7" \
    "--older-than 7x" "--older-than -1d" "--tmp=" "--tmp=36" "--tmp=1.5h" \
    "--tsv --json" "--all -T $M" "--all" "--all -r" "-f ../x" "-f .Work" \
    "--tmp 3d $M" "--tmp=1h 12h"; do
	msg10 "$M" cur/u:2,T
	# shellcheck disable=SC2086
	mx $args
	is "$RC:$(lines "$T/err"):$(bytes "$T/out")" "64:1:0" "usage: $args: exit 64, one line"
done
check "usage errors removed nothing" test -e "$M/cur/u:2,T"
is "$(head -1 "$T/err")" "md-expunge: 12h: an age, not a maildir (write --tmp=12h or --older-than 12h)" \
    "usage: an age given as a maildir"
mx --older-than 3x
is "$(cat "$T/err")" "md-expunge: --older-than 3x: not an age (a number and a unit s, m, h, d or w: 36h, 7d, 1d12h)" \
    "usage: a bad age is explained"
mx -h
is "$RC:$(head -c 17 "$T/out")" "0:usage: md-expunge" "-h: usage on stdout, exit 0"
mx --help
is "$RC:$(bytes "$T/err")" "0:0" "--help: exit 0, nothing on stderr"
