#!/bin/sh
# md-list: every message of a maildir and nothing else, the flag and
# new/cur filters, keywords by name (-K, -k) through each maildir's
# dovecot-keywords, the default maildir, paths and maildirs on stdin,
# Maildir++ folders with --recursive and by name, -0, the -i summary with
# --tsv and --json, and the exit status (1 for a maildir it cannot read,
# 64 for usage).
. "$(dirname "$0")/lib.sh"

plan 166

L=$BIN/md-list
M=$T/M

# ml ARGS...: md-list with nothing on stdin (run, t/lib.sh).
ml() { run "$L" "$@"; }

# ---- a maildir with every kind of message and of non-message ----

mkmd "$M"
for f in new/n1 new/n2:2,S cur/c0 cur/c1:2, cur/cS:2,S cur/cFS:2,FS \
    cur/cRST:2,RST cur/cDP:2,DP cur/cSab:2,Sab cur/cT:2,T; do
	printf 'Subject: %s\n\nbody\n' "$f" >"$M/$f"
done
all="cur/c0 cur/c1:2, cur/cS:2,S cur/cFS:2,FS cur/cRST:2,RST cur/cDP:2,DP
cur/cSab:2,Sab cur/cT:2,T new/n1 new/n2:2,S"
printf 'half' >"$M/tmp/1.M1P1.tmpfile"
: >"$M/new/.mutt-tmp"
: >"$M/cur/.hidden:2,S"
mkdir "$M/cur/subdir" "$M/new/subdir"
for f in dovecot-uidlist dovecot-keywords dovecot.index.log maildirsize \
    courierimapuiddb; do
	printf 'control\n' >"$M/$f"
done

ml "$M"
is "$RC" 0 "plain listing: exit 0"
is "$(bytes "$T/err")" 0 "plain listing: nothing on stderr"
# shellcheck disable=SC2086
is "$(got)" "$(want $all)" "plain listing: every message, each once"
sed "s|^$M/||" "$T/out" | grep -E '^tmp/|/\.|subdir|dovecot|maildirsize|courier' >&2
ok $((!$?)) "never tmp/, dot names, subdirectories or control files"
check "every line is a path to an existing regular file" \
    sh -c 'while IFS= read -r p; do test -f "$p" || exit 1; done <"$1"' \
    sh "$T/out"

# ---- filters ----

while IFS='|' read -r opts expect; do
	# shellcheck disable=SC2086
	ml $opts "$M"
	# shellcheck disable=SC2086
	is "$RC:$(got)" "0:$(want $expect)" "md-list $opts"
done <<'EOF'
-D|cur/cDP:2,DP
-F|cur/cFS:2,FS
-P|cur/cDP:2,DP
-R|cur/cRST:2,RST
-S|new/n2:2,S cur/cS:2,S cur/cFS:2,FS cur/cRST:2,RST cur/cSab:2,Sab
-T|cur/cRST:2,RST cur/cT:2,T
-d|new/n1 new/n2:2,S cur/c0 cur/c1:2, cur/cS:2,S cur/cFS:2,FS cur/cRST:2,RST cur/cSab:2,Sab cur/cT:2,T
-f|new/n1 new/n2:2,S cur/c0 cur/c1:2, cur/cS:2,S cur/cRST:2,RST cur/cDP:2,DP cur/cSab:2,Sab cur/cT:2,T
-p|new/n1 new/n2:2,S cur/c0 cur/c1:2, cur/cS:2,S cur/cFS:2,FS cur/cRST:2,RST cur/cSab:2,Sab cur/cT:2,T
-r|new/n1 new/n2:2,S cur/c0 cur/c1:2, cur/cS:2,S cur/cFS:2,FS cur/cDP:2,DP cur/cSab:2,Sab cur/cT:2,T
-s|new/n1 cur/c0 cur/c1:2, cur/cDP:2,DP cur/cT:2,T
-t|new/n1 new/n2:2,S cur/c0 cur/c1:2, cur/cS:2,S cur/cFS:2,FS cur/cDP:2,DP cur/cSab:2,Sab
-S -F|cur/cFS:2,FS
-SF|cur/cFS:2,FS
-S -t|new/n2:2,S cur/cS:2,S cur/cFS:2,FS cur/cSab:2,Sab
-s -t -d|new/n1 cur/c0 cur/c1:2,
-X FS|cur/cFS:2,FS
-X ST|cur/cRST:2,RST
-X RSTF|
-x ST|new/n1 cur/c0 cur/c1:2, cur/cDP:2,DP
-x a|new/n1 new/n2:2,S cur/c0 cur/c1:2, cur/cS:2,S cur/cFS:2,FS cur/cRST:2,RST cur/cDP:2,DP cur/cT:2,T
-X b|cur/cSab:2,Sab
-X ab -x F|cur/cSab:2,Sab
-N|new/n1 new/n2:2,S
-n|cur/c0 cur/c1:2, cur/cS:2,S cur/cFS:2,FS cur/cRST:2,RST cur/cDP:2,DP cur/cSab:2,Sab cur/cT:2,T
-C|cur/c0 cur/c1:2, cur/cS:2,S cur/cFS:2,FS cur/cRST:2,RST cur/cDP:2,DP cur/cSab:2,Sab cur/cT:2,T
-c|new/n1 new/n2:2,S
-N -s|new/n1
-N -S|new/n2:2,S
-C -T|cur/cRST:2,RST cur/cT:2,T
EOF

# Combinations that exclude every message are usage errors.
for opts in "-N -C" "-N -n"; do
	# shellcheck disable=SC2086
	ml $opts "$M"
	is "$(bytes "$T/out")" 0 "md-list $opts: prints nothing"
	is "$RC" 64 "md-list $opts: nothing could match, exit 64"
done

# ---- keywords by name (-K, -k), through each maildir's dovecot-keywords ----

K=$T/K
mkmd "$K" "$K/.Fo" "$K/.Bare"
: >"$K/.Fo/maildirfolder"
: >"$K/.Bare/maildirfolder"
# as Dovecot writes it; 'c' has no name here, and the folder .Fo has its
# own file, where 'a' is Junk; .Bare has none
printf '0 $Label1\n1 Junk\n' >"$K/dovecot-keywords"
printf '0 Junk\n' >"$K/.Fo/dovecot-keywords"
for f in new/n cur/a:2,Sa cur/b:2,b cur/c:2,abc cur/d:2,S cur/e:2,c \
    .Fo/cur/x:2,a .Fo/cur/y:2,b .Bare/cur/z:2,ab; do
	printf 'Subject: %s\n\n' "$f" >"$K/$f"
done
while IFS='|' read -r opts expect; do
	# shellcheck disable=SC2086
	ml --recursive $opts "$K"
	# shellcheck disable=SC2086
	is "$RC:$(bytes "$T/err"):$(got "$K")" "0:0:$(want $expect)" \
	    "md-list --recursive $opts"
done <<'EOF2'
-K $Label1|cur/a:2,Sa cur/c:2,abc
-K $label1|cur/a:2,Sa cur/c:2,abc
--keyword JUNK|cur/b:2,b cur/c:2,abc .Fo/cur/x:2,a
-K $Label1 -K Junk|cur/c:2,abc
-K Junk -x a|cur/b:2,b
-K Junk -S|
-K Junk -X c|cur/c:2,abc
-k Junk|new/n cur/a:2,Sa cur/d:2,S cur/e:2,c .Fo/cur/y:2,b .Bare/cur/z:2,ab
--no-keyword $label1 -k junk|new/n cur/d:2,S cur/e:2,c .Fo/cur/y:2,b .Bare/cur/z:2,ab
-K Junk -k $Label1|cur/b:2,b .Fo/cur/x:2,a
-K Nope|
-K Junk -K Nope|
-k Nope -C|cur/a:2,Sa cur/b:2,b cur/c:2,abc cur/d:2,S cur/e:2,c .Fo/cur/x:2,a .Fo/cur/y:2,b .Bare/cur/z:2,ab
EOF2
ml -K Junk "$K/.Bare"
is "$RC:$(bytes "$T/out"):$(bytes "$T/err")" "0:0:0" \
    "-K in a folder without dovecot-keywords: nothing, exit 0, no word"
ml -k Junk "$K/.Bare"
is "$RC:$(got "$K/.Bare")" "0:cur/z:2,ab" \
    "-k in a folder without dovecot-keywords: every message"
ml -K Junk -k junk "$K"
is "$RC:$(lines "$T/err"):$(bytes "$T/out")" "64:1:0" \
    "-K Junk -k junk: exit 64, one line, nothing listed"
grep -qF 'keyword "Junk" both required and excluded' "$T/err"
ok $? "-K Junk -k junk: says why: $(cat "$T/err")"
ml -K
is "$RC:$(lines "$T/err")" "64:1" "-K without a name: usage error"

# message paths on stdin: each by its own maildir's file
printf '%s\n' "$K/cur/a:2,Sa" "$K/.Fo/cur/x:2,a" "$K/cur/b:2,b" \
    "$K/.Fo/cur/y:2,b" "$K/.Bare/cur/z:2,ab" "$K/cur/c:2,abc" |
    "$L" -K Junk >"$T/out" 2>"$T/err"
is "$?:$(tr '\n' ' ' <"$T/out")" \
    "0:$K/.Fo/cur/x:2,a $K/cur/b:2,b $K/cur/c:2,abc " \
    "stdin: -K by each path's maildir, in order"
printf '%s\n' "$K/cur/a:2,Sa" "$K/.Fo" "$K/cur/b:2,b" |
    "$L" -k '$Label1' >"$T/out" 2>"$T/err"
is "$?:$(tr '\n' ' ' <"$T/out")" \
    "0:$K/.Fo/cur/x:2,a $K/.Fo/cur/y:2,b $K/cur/b:2,b " \
    "stdin: a maildir line between paths of another"

# -i counts what passes; --json names every keyword with its count
ml -i -K Junk "$K"
is "$(sed -n 2p "$T/out" | awk '{ print $1 }')" 2 "-i -K Junk: counts those"
ml --json --recursive "$K"
perl -MJSON::PP -e '
	local $/; my $j = decode_json(<STDIN>);
	for my $m (@{$j->{maildirs}}) {
		print join(" ", map { "$_->{letter}=" . ($_->{name} // "-") .
		    "=$_->{messages}" } @{$m->{keywords}}), "|";
	}
	print exists $j->{total}{keywords} ? "total" : "", "\n";
	' <"$T/out" >"$T/json" 2>&1
is "$(cat "$T/json")" 'a=$Label1=2 b=Junk=2 c=-=2|a=-=1 b=-=1|a=Junk=1 b=-=1|' \
    "--json: names by letter, with counts; unnamed letters null; none in total"
ml --json -K Junk "$K/.Fo"
perl -MJSON::PP -e 'local $/; my $j = decode_json(<STDIN>);
	my $m = $j->{maildirs}[0]; print "$m->{messages} ",
	    join(" ", map { "$_->{letter}=$_->{messages}" } @{$m->{keywords}}), "\n"' \
    <"$T/out" >"$T/json" 2>&1
is "$(cat "$T/json")" "1 a=1" "--json -K: counts the messages that pass"

# a dovecot-keywords that cannot be read: one line, exit 1, no message
# of that maildir passes a keyword filter; the others are listed
ln -s "$K/dovecot-keywords" "$K/.Bare/dovecot-keywords"
ml --recursive -k Junk "$K"
is "$RC:$(lines "$T/err")" "1:1" \
    "dovecot-keywords a symbolic link: exit 1, one line"
grep -qF "$K/.Bare/dovecot-keywords" "$T/err"
ok $? "dovecot-keywords a symbolic link: named: $(cat "$T/err")"
is "$(got "$K")" "$(want new/n cur/a:2,Sa cur/d:2,S cur/e:2,c .Fo/cur/y:2,b)" \
    "dovecot-keywords a symbolic link: that folder listed by no filter, the rest by theirs"
ml --recursive "$K"
is "$RC:$(bytes "$T/err"):$(lines "$T/out")" "0:0:9" \
    "without a keyword filter the file is not read"
rm "$K/.Bare/dovecot-keywords"

# ---- the default maildir ----

mkmd "$HOME/Maildir"
: >"$HOME/Maildir/new/home1"
ml
is "$RC:$(cat "$T/out")" "0:$HOME/Maildir/new/home1" \
    "no argument, stdin /dev/null: \$HOME/Maildir"
MAILDIR=$M "$L" -N </dev/null >"$T/out" 2>"$T/err"
is "$?:$(got)" "0:$(want new/n1 new/n2:2,S)" "no argument: \$MAILDIR when set"
if command -v script >/dev/null 2>&1; then
	script -qec "'$L'" /dev/null </dev/null 2>"$T/err" | tr -d '\r' >"$T/out"
	is "$(cat "$T/out")" "$HOME/Maildir/new/home1" "stdin a terminal: the default maildir, not read"
else
	skip "no script(1) to give md-list a terminal"
fi

# ---- stdin ----

printf '%s\n' "$M/cur/cS:2,S" "$M/new/n1" "$M/cur/cT:2,T" |
    "$L" -S >"$T/out" 2>"$T/err"
is "$?:$(cat "$T/out")" "0:$M/cur/cS:2,S" \
    "stdin message paths: filtered (-S) and echoed"
(cd "$M" && printf 'cur/cS:2,S\nnew/n1\n./new/n2:2,S\n' | "$L" -N) >"$T/out"
is "$(cat "$T/out" | sort | tr '\n' ' ')" "./new/n2:2,S new/n1 " \
    "stdin message paths: echoed exactly as given (relative)"
printf '%s\n' "$M" | "$L" -N >"$T/out" 2>"$T/err"
is "$?:$(got)" "0:$(want new/n1 new/n2:2,S)" "stdin: a maildir line is listed"
printf '%s\n' "$HOME/Maildir" "$M/cur/cT:2,T" "$M/cur/cS:2,S" >"$T/list"
"$L" -x S <"$T/list" >"$T/out" 2>"$T/err"
is "$?:$(sort "$T/out" | tr '\n' ' ')" \
    "0:$(printf '%s\n' "$HOME/Maildir/new/home1" "$M/cur/cT:2,T" | sort | tr '\n' ' ')" \
    "stdin a regular file: maildirs and message paths mixed"
: | "$L" >"$T/out" 2>"$T/err"
is "$?:$(bytes "$T/out")" "0:0" "empty pipe on stdin: nothing listed, not the default maildir"
printf '\n%s\n\n\n%s\n' "$M/cur/cT:2,T" "$M/new/n1" | "$L" -t >"$T/out" 2>"$T/err"
is "$?:$(cat "$T/out")" "0:$M/new/n1" "stdin: empty lines skipped"
"$L" <&- >"$T/out" 2>"$T/err"
is "$?:$(cat "$T/out")" "0:$HOME/Maildir/new/home1" "stdin closed: the default maildir"
printf '%s\0' "$M/cur/cS:2,S" "$M/new/n1" "$M" | "$L" -0 -N -s >"$T/out"
is "$(tr '\0' '|' <"$T/out" | tr '|' '\n' | sort | tr '\n' ' ')" \
    "$M/new/n1 $M/new/n1 " "-0: NUL-terminated paths and maildirs on stdin"
printf '%s\n' "$M/new/n1" "$M/cur/c0" | tr '\n' '\0' >"$T/nul"
printf '\n%s\n' "$M/cur/cT:2,T" >>"$T/nul"
"$L" <"$T/nul" >"$T/out" 2>"$T/err"
is "$?" 1 "stdin line with a NUL byte without -0: exit 1"
grep -q NUL "$T/err"
ok $? "NUL byte without -0: stderr says so: $(cat "$T/err")"
is "$(cat "$T/out")" "$M/cur/cT:2,T" "NUL byte without -0: the other lines still done"

# A maildir that lives in a directory named new/ is no message path.
mkdir -p "$T/srv/new"
mkmd "$T/srv/new/Box"
: >"$T/srv/new/Box/new/b1"
printf '%s\n' "$T/srv/new/Box" | "$L" >"$T/out" 2>"$T/err"
is "$?:$(cat "$T/out")" "0:$T/srv/new/Box/new/b1" \
    "stdin: a maildir inside a directory named new/ is listed"
# Message paths on stdin cost no stat each: one check per maildir.
if have_strace; then
	i=0
	while [ $i -lt 200 ]; do
		echo "$M/cur/cS:2,S"
		i=$((i + 1))
	done >"$T/many"
	strace -f -c -o "$T/trace" -e trace=stat,lstat,newfstatat,statx \
	    "$L" -S <"$T/many" >"$T/out"
	n=$(awk '$NF == "total" { print $4 }' "$T/trace")
	[ "${n:-999}" -lt 20 ]
	ok $? "200 message paths on stdin: $n stat calls, not one per line"
	is "$(wc -l <"$T/out" | tr -d ' ')" 200 "200 message paths on stdin: all echoed"
else
	skip_n 2 "no usable strace"
fi

# ---- -0 with names holding spaces and newlines ----

O=$T/O
mkmd "$O"
nl='
'
: >"$O/new/sp ace"
: >"$O/new/nl${nl}ine"
: >"$O/cur/x${nl}y:2,S"
: >"$O/cur/plain:2,"
ml -0 "$O"
is "$RC" 0 "-0: exit 0"
is "$(tr -cd '\0' <"$T/out" | wc -c | tr -d ' ')" 4 "-0: four NUL-terminated paths"
is "$(tail -c 1 "$T/out" | od -An -c | tr -d ' ')" '\0' "-0: the output ends with NUL"
is "$(perl -0ne 'chomp; s/\n/\\n/g; print "$_\n"' "$T/out" | sort | tr '\n' '|')" \
    "$O/cur/plain:2,|$O/cur/x\\ny:2,S|$O/new/nl\\nine|$O/new/sp ace|" \
    "-0: names with newlines and spaces intact"
ml -0 -S "$O"
is "$(perl -0ne 'chomp; s/\n/\\n/g; print "$_\n"' "$T/out")" "$O/cur/x\\ny:2,S" \
    "-0 -S: the filter applies to odd names too"

# ---- Maildir++ folders ----

R=$T/R
mkmd "$R" "$R/.Work" "$R/.Work.Sub" "$R/.Workshop" "$R/.Other"
mkdir -p "$R/.NoMd/new"
: >"$R/new/r"
: >"$R/.Work/new/w"
: >"$R/.Work.Sub/cur/ws:2,S"
: >"$R/.Workshop/new/wp"
: >"$R/.Other/new/o"
: >"$R/.NoMd/new/nm"
: >"$R/.File"
: >"$R/.Work/maildirfolder"

ml "$R"
is "$RC:$(got "$R")" "0:new/r" "without --recursive: the root only"
ml --recursive "$R"
is "$RC:$(got "$R")" \
    "0:$(want new/r .Other/new/o .Work/new/w .Work.Sub/cur/ws:2,S .Workshop/new/wp)" \
    "--recursive: the root and every folder with cur/, nothing else"
ml --recursive --tsv "$R"
is "$(cut -f1 "$T/out" | tr '\n' ' ')" \
    "maildir $R $R/.Other $R/.Work $R/.Work.Sub $R/.Workshop " \
    "--recursive: the root first, then the folders sorted"
ml --recursive "$R/"
is "$RC:$(got "$R")" \
    "0:$(want new/r .Other/new/o .Work/new/w .Work.Sub/cur/ws:2,S .Workshop/new/wp)" \
    "--recursive ROOT/: the same"
ml --recursive "$R/.Work"
is "$RC:$(got "$R")" "0:$(want .Work/new/w .Work.Sub/cur/ws:2,S)" \
    "--recursive ROOT/.Work: the folder and .Work.* only (not .Workshop)"
ml --recursive "$R/.Work/"
is "$RC:$(got "$R")" "0:$(want .Work/new/w .Work.Sub/cur/ws:2,S)" \
    "--recursive ROOT/.Work/: the same"
ml --recursive "$T/none/.Work"
is "$RC:$(lines "$T/err")" "1:1" \
    "--recursive on a folder of a missing root: exit 1, told once"
ml "$R/.Work"
is "$RC:$(got "$R")" "0:.Work/new/w" "a folder path without --recursive: that folder"
MAILDIR=$R "$L" Work </dev/null >"$T/out" 2>"$T/err"
is "$?:$(cat "$T/out")" "0:$R/.Work/new/w" "a bare folder name: under \$MAILDIR"
MAILDIR=$R "$L" --recursive Work </dev/null >"$T/out" 2>"$T/err"
is "$?:$(got "$R")" "0:$(want .Work/new/w .Work.Sub/cur/ws:2,S)" \
    "a bare folder name with --recursive: its subfolders too"
MAILDIR=$R "$L" Work.Sub </dev/null >"$T/out" 2>"$T/err"
is "$?:$(got "$R")" "0:.Work.Sub/cur/ws:2,S" "a bare folder name with a dot"
MAILDIR=$R "$L" INBOX </dev/null >"$T/out" 2>"$T/err"
is "$?:$(got "$R")" "0:new/r" "INBOX: the root itself"
mkmd "$HOME/Maildir/.Box"
: >"$HOME/Maildir/.Box/new/b"
ml Box
is "$RC:$(cat "$T/out")" "0:$HOME/Maildir/.Box/new/b" "a bare folder name: under \$HOME/Maildir"
ml NoSuchFolder
is "$RC" 1 "a bare folder name that does not exist: exit 1"
mkdir -p "$R/.Half/cur"
: >"$R/.Half/cur/h:2,S"
ml --recursive "$R"
is "$RC:$(lines "$T/err")" "1:1" "--recursive: a folder with cur/ but no tmp/: exit 1, one line"
grep -q "not a maildir" "$T/err"
ok $? "--recursive: the half folder is named as not a maildir: $(cat "$T/err")"
is "$(lines "$T/out")" 5 "--recursive: the other folders still listed"
rm -r "$R/.Half"

# A root whose own name starts with a dot (~/.maildir) is no folder.
mkmd "$T/h/.maildir" "$T/h/.maildir/.Work"
: >"$T/h/.maildir/new/top"
: >"$T/h/.maildir/.Work/new/inner"
ml --recursive "$T/h/.maildir"
is "$(got "$T/h/.maildir")" "$(want new/top .Work/new/inner)" \
    "--recursive on a root named .maildir lists its folders"

# Maildir++: the parent .Work of .Work.Sub need not exist (mdkit(7)); a
# folder name that does not exist is a missing path (md-list(1)).
P=$T/P
mkmd "$P" "$P/.Work.Sub"
: >"$P/.Work.Sub/new/s"
MAILDIR=$P "$L" --recursive Work </dev/null >"$T/out" 2>"$T/err"
is "$?" 1 "--recursive Work without .Work: exit 1 (a missing path)"
is "$(lines "$T/err")" 1 \
    "--recursive Work without .Work: one line on stderr for one argument"
ml --recursive "$P/.Work"
is "$RC:$(got "$P")" "1:.Work.Sub/new/s" \
    "--recursive ROOT/.Work without .Work: exit 1, .Work.Sub still listed"

# ---- -i, --tsv, --json ----

I=$T/I
mkmd "$I" "$I/.F"
printf 12345 >"$I/new/a"
: >"$I/new/b,S=1000"
printf xx >"$I/cur/c,S=2048:2,S"
printf 1234567 >"$I/cur/d:2,FT"
printf abc >"$I/cur/e:2,FS"
printf 0123456789 >"$I/.F/cur/x:2,S"
head -c 100 /dev/zero >"$I/tmp/junk"
head -c 50 /dev/zero >"$I/cur/.dot:2,T"
printf 'control\n' >"$I/dovecot-uidlist"
# I: 5 messages, 2 new, unseen a b d, flagged d e, trashed d,
# 5 + 1000 (,S=) + 2048 (,S=, not the 2 real bytes) + 7 + 3 bytes.
tab=$(printf '\t')

ml --tsv "$I"
is "$RC" 0 "--tsv: exit 0"
printf 'maildir\tmessages\tnew\tunseen\tflagged\ttrashed\tbytes\n%s\t5\t2\t3\t2\t1\t3063\n' \
    "$I" >"$T/want"
same_bytes "$T/out" "$T/want" "--tsv: header and counts, sizes from ,S= else the file"
ml --tsv --recursive "$I"
printf '%s\t1\t0\t0\t0\t0\t10\n' "$I/.F" >>"$T/want"
same_bytes "$T/out" "$T/want" "--tsv --recursive: a row per maildir"
printf '%s\r\n' "$M" | "$L" >"$T/out" 2>"$T/err"
grep -qF "$M\\r: No such file" "$T/err"
ok $? "a maildir line ending in CR: stderr shows the CR"
ml --tsv "$I" "$T/nope"
is "$RC" 1 "--tsv with a missing maildir: exit 1"
grep -q "$T/nope: No such file or directory" "$T/err"
ok $? "a missing maildir: stderr says it does not exist: $(cat "$T/err")"
is "$(sed -n 2p "$T/out" | cut -f1,2)" "$I${tab}5" "--tsv: the readable maildir still counted"

ml --json --recursive "$I"
is "$RC" 0 "--json: exit 0"
perl -MJSON::PP -e '
	local $/; my $j = decode_json(<STDIN>);
	for my $m (@{$j->{maildirs}}, $j->{total}) {
		print join(" ", $m->{path} // "total",
		    map { $m->{$_} } qw(messages new unseen flagged trashed bytes)), "\n";
	}' <"$T/out" >"$T/json" 2>&1
printf '%s 5 2 3 2 1 3063\n%s 1 0 0 0 0 10\ntotal 6 2 3 2 1 3073\n' "$I" "$I/.F" >"$T/want"
same_bytes "$T/json" "$T/want" "--json: valid JSON, maildirs and total"
is "$(lines "$T/out")" 1 "--json: one line"
# a path that is not UTF-8: still valid JSON, the byte as U+FFFD
B=$(printf '%s/bad\377"q' "$T")
mkmd "$B"
ml --json "$B"
perl -MJSON::PP -e 'local $/; my $j = decode_json(<STDIN>);
	print $j->{maildirs}[0]{path} =~ /bad\x{fffd}"q$/ ? "ok\n" : "no\n"' \
    <"$T/out" >"$T/json" 2>&1
is "$RC:$(cat "$T/json")" "0:ok" "--json: a path with a byte that is not UTF-8 gives valid JSON"
ml --tsv "$B"
is "$(sed -n 2p "$T/out" | cut -f1)" "$B" "--tsv: the same path as it is"

ml -i "$I"
is "$RC" 0 "-i: exit 0"
is "$(sed -n 1p "$T/out" | tr -s ' ' | sed 's/^ //')" \
    "messages new unseen flagged trashed size maildir" "-i: table header"
is "$(sed -n 2p "$T/out" | awk '{ print $1, $2, $3, $4, $5, $7, NF }')" \
    "5 2 3 2 1 $I 7" "-i: the counts and the maildir"
is "$(lines "$T/out")" 2 "-i on one maildir: no (total) row"
ml -i --recursive "$I"
is "$(lines "$T/out")" 4 "-i on two maildirs: a row each and a total"
is "$(sed -n 4p "$T/out" | awk '{ print $1, $2, $3, $4, $5, $7 }')" \
    "6 2 3 2 1 (total)" "-i: the (total) row adds up"
is "$(sed -n 3p "$T/out" | awk '{ print $1, $7 }')" "1 $I/.F" "-i: the folder's row"
ml -i "$I" "$T/nope"
is "$(lines "$T/out")" 2 "-i: a maildir that cannot be read gets no row (and no total)"
ml -i "$T/nope"
is "$RC:$(bytes "$T/out")" "1:0" "-i: none readable: nothing printed"

# Sizes in the table, as md-list(1) describes them.
Z=$T/Z
mkmd "$Z"
for n in 482 3063 99999 123731968; do
	rm -f "$Z"/new/*
	: >"$Z/new/m,S=$n"
	ml -i "$Z"
	sed -n 2p "$T/out" | awk '{ print $6 }' >"$T/size$n"
done
is "$(cat "$T/size482") $(cat "$T/size123731968")" "482B 118M" "-i: sizes 482B, 118M"
is "$(cat "$T/size3063") $(cat "$T/size99999")" "3.0K 98K" \
    "-i: sizes du-like, one decimal below 10"

ml -i -N "$I"
is "$(sed -n 2p "$T/out" | awk '{ print $1, $2, $3 }')" "2 2 2" "-i -N counts new/ only"
ml -i --tsv "$I"
is "$(head -c 8 "$T/out")" "maildir$tab" "-i --tsv: the TSV form"
ml --json --tsv "$I"
is "$RC:$(bytes "$T/out")" "64:0" "--json --tsv: usage error"

# ---- maildirs that cannot be read ----

ml "$T/nope" "$M"
is "$RC" 1 "a missing maildir: exit 1"
is "$(lines "$T/err")" 1 "a missing maildir: one line on stderr"
grep -q "$T/nope" "$T/err"
ok $? "a missing maildir: stderr names it: $(cat "$T/err")"
is "$(lines "$T/out")" 10 "a missing maildir: the others still listed"
mkdir -p "$T/half/new" "$T/half/tmp"
: >"$T/half/new/h"
ml "$T/half"
is "$RC:$(lines "$T/err")" "1:1" "a directory without cur/: exit 1, one line"
mkmd "$T/file"
rmdir "$T/file/cur"
: >"$T/file/cur"
ml "$T/file" "$T/nope" "$T/nope2"
is "$RC:$(lines "$T/err")" "1:3" "cur/ a file, two missing: exit 1, a line each"
ml "$M/new/n1"
is "$RC" 1 "a message path as an argument is no maildir: exit 1"

U=$T/U
mkmd "$U"
: >"$U/new/u1"
: >"$U/cur/u2:2,S"
chmod 711 "$T"
chmod -R a+rX "$U"
chmod 000 "$U/cur"
as_nobody "$L" "$U" >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" = 125 ]; then
	skip_n 2 "as root, and cannot run as uid 65534 (setpriv): permissions do not apply"
else
	is "$rc" 1 "cur/ not readable: exit 1"
	grep -q "Permission denied" "$T/err"
	ok $? "cur/ not readable: stderr says why: $(cat "$T/err")"
fi
chmod 700 "$U/cur" "$T"

# ---- output, environment, option placement ----

"$L" "$M" >/dev/full 2>"$T/err"
rc=$?
grep -q "stdout" "$T/err"
ok $? "stdout full: stderr says so: $(cat "$T/err")"
is "$rc" 1 "stdout full: exit 1"
rc=125
if is_root; then
	# nobody's home in the password file is /nonexistent, never a maildir
	as_nobody env -u HOME -u MAILDIR "$L" </dev/null >"$T/out" 2>"$T/err"
	rc=$?
fi
if [ "$rc" = 125 ]; then
	skip "needs root and setpriv to run with a known password entry"
else
	is "$rc" 1 "no MAILDIR, no HOME: the password entry's home (none here): exit 1"
fi
ml "$M" -N
is "$RC:$(got)" "0:$(want new/n1 new/n2:2,S)" "options after the maildir"
ml --recur "$R/.Work"
is "$RC:$(got "$R")" "0:$(want .Work/new/w .Work.Sub/cur/ws:2,S)" "long options abbreviated"
ml -- "$M"
is "$RC:$(lines "$T/out")" "0:10" "-- ends the options"

# ---- usage ----

for args in "-q" "--bogus" "-S -s" "-Ss" "-X S -x S" "-F -f" "-X ab -x b" \
    "--tsv --json" "-X 1" "-x S," "-X"; do
	# shellcheck disable=SC2086
	ml "$M" $args
	is "$RC:$(lines "$T/err"):$(bytes "$T/out")" "64:1:0" \
	    "md-list $args: exit 64, one line on stderr, nothing listed"
done
ml -h
is "$RC" 0 "-h: exit 0"
grep -q '^usage: md-list' "$T/out"
ok $? "-h: usage on stdout"
ml --help
is "$RC:$(head -c 14 "$T/out")" "0:usage: md-list" "--help: the same"

# ---- a big directory ----

B=$T/Big
mkmd "$B"
(cd "$B/new" &&
    seq -f "17000%05g.M123456P98765Q1R0123456789abcdef.a-long-host-name.example.org,S=4242" 1 5000 |
    xargs touch)
ml "$B"
is "$RC:$(lines "$T/out")" "0:5000" "5000 messages: 5000 lines (more than one output buffer)"
sort "$T/out" >"$T/sorted"
ls "$B/new" | sed "s|^|$B/new/|" | sort >"$T/want"
same_bytes "$T/sorted" "$T/want" "5000 messages: each listed once, whole"
