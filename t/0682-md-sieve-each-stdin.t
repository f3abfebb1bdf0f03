#!/bin/sh
# md-sieve -e with the messages' paths on stdin (as md-list gives them,
# one a line, or NUL-ended with -0), instead of the new/ and cur/ of a
# maildir: each filed as -e files a maildir's, a message of a folder
# into the folders of its root; a line that is no message is told and
# the rest still done.
. "$(dirname "$0")/lib.sh"

plan 13

M=$T/M
S=$T/s.sieve
D=$(cd "$(dirname "$0")/data/sieve" && pwd)

# the four messages of the corpus, delivered into a fresh $M
fill() { fill_md "$D"/m1.eml "$D"/m2.eml "$D"/m3.eml "$D"/m4.eml; }

cat >"$S" <<'SIEVE'
require ["fileinto", "imap4flags"];
if header :contains "list-id" "debian" { fileinto "Lists"; }
elsif header :contains "subject" "lunch" { addflag "\\Flagged"; }
SIEVE

fill
ls "$M"/new/* >"$T/paths"
"$BIN/md-sieve" -e "$S" -n <"$T/paths" >"$T/out" 2>"$T/err"
is "$?" 0 "-n with paths on stdin: exit 0"
is "$(cut -f2 "$T/out" | sort | tr '\n' ';')" "fileinto;keep;keep;keep;" \
    "-n: each message's actions"
is "$(cut -f1 "$T/out" | sort -u)" "$(sort "$T/paths")" \
    "-n: each line names the message read"

"$BIN/md-sieve" -e "$S" <"$T/paths" >"$T/out" 2>"$T/err"
is "$?" 0 "paths on stdin: exit 0"
is "$(placed "$M")" ".Lists/new cur:2,F new new" "filed and flagged as -e on the maildir"

fill
"$BIN/md-list" -0 "$M" | "$BIN/md-sieve" -e "$S" -0 >"$T/out" 2>"$T/err"
is "$?" 0 "-0: NUL-ended paths, as md-list -0 gives them"
is "$(placed "$M")" ".Lists/new cur:2,F new new" "-0: the same filing"

# A message of a folder files into its root's folders, not below it.
fill
mkdir -p "$M/.In/new" "$M/.In/cur" "$M/.In/tmp"
: >"$M/.In/maildirfolder"
mv "$M"/new/* "$M/.In/new/"
ls "$M"/.In/new/* | "$BIN/md-sieve" -e "$S" >"$T/out" 2>"$T/err"
is "$?" 0 "messages of a folder: exit 0"
is "$(placed "$M")" ".In/cur:2,F .In/new .In/new .Lists/new" \
    "filed into the root's folder .Lists, not .In.Lists"

fill
{
	echo "$T/nowhere/new/1.x"
	ls "$M"/new/*
} | "$BIN/md-sieve" -e "$S" >"$T/out" 2>"$T/err"
is "$?" 1 "a line that is no message: exit 1"
is "$(lines "$T/err")" 1 "one line on stderr"
is "$(placed "$M")" ".Lists/new cur:2,F new new" "the other messages still filed"

run "$BIN/md-sieve" -0 -c "$S"
is "$RC" 64 "-0 without -e: a usage error"
