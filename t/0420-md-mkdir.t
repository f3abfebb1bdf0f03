#!/bin/sh
# md-mkdir: maildirs with tmp/ new/ cur/ mode 0700, idempotent; -p makes
# parents; -f makes Maildir++ folders with the maildirfolder marker (and,
# with -p, a missing root); -q writes maildirsize; a file or a foreign
# directory is never taken for a maildir; bad input is refused.
. "$(dirname "$0")/lib.sh"

plan 94

K=$BIN/md-mkdir

# mk ARGS...: run md-mkdir (nothing on stdin; $T/out, $T/err, RC).
mk() { run "$K" "$@"; }

# modes DIR: the modes of DIR and its tmp/, new/ and cur/.
modes() {
	echo "$(fmode "$1") $(fmode "$1/tmp") $(fmode "$1/new") $(fmode "$1/cur")"
}

# ---- maildirs ----

mk "$T/A"
is "$RC" 0 "a new maildir: exit 0"
is "$(modes "$T/A" 2>&1)" "700 700 700 700" "made with mode 0700 throughout"
is "$(bytes "$T/out")$(bytes "$T/err")" 00 "nothing printed"
is "$(ls -A "$T/A" | tr '\n' ' ')" "cur new tmp " "tmp/, new/ and cur/, nothing else"
before=$(tree "$T/A" '%i %a')
mk "$T/A"
is "$RC" 0 "again: exit 0 (idempotent)"
is "$(tree "$T/A" '%i %a')" "$before" "again: nothing changed"
mk "$T/A/"
is "$RC" 0 "with a trailing slash: exit 0"

mk "$T/B" "$T/C"
is "$RC" 0 "two maildirs: exit 0"
check "two maildirs: both made" test -d "$T/B/cur" -a -d "$T/C/cur"

mkdir "$T/E"
mk "$T/E"
is "$RC" 0 "an empty directory: exit 0"
is "$(modes "$T/E" | cut -d' ' -f2-)" "700 700 700" "an empty directory: tmp/ new/ cur/ made"

mkdir -p "$T/P/cur"
chmod 755 "$T/P" "$T/P/cur"
printf 'Subject: kept\n' >"$T/P/cur/x:2,S"
mk "$T/P"
is "$RC" 0 "a maildir with only cur/: exit 0"
is "$(modes "$T/P")" "755 700 700 755" "missing parts made 0700, the rest keeps its mode"
is "$(cat "$T/P/cur/x:2,S")" "Subject: kept" "what was there is kept"

ln -s "$T/A" "$T/L"
mk "$T/L"
is "$RC" 0 "a symbolic link to a maildir: exit 0"

# ---- parents ----

mk "$T/no/such/M"
is "$RC" 1 "missing parent: exit 1"
is "$(cat "$T/err")" \
    "md-mkdir: $T/no/such/M: its parent directory does not exist (-p makes it)" \
    "missing parent: one line says so"
check "missing parent: nothing made" test ! -e "$T/no"

mk -p "$T/no/such/M"
is "$RC" 0 "-p: exit 0"
is "$(fmode "$T/no") $(fmode "$T/no/such")" "700 700" "-p: parents made mode 0700"
is "$(modes "$T/no/such/M")" "700 700 700 700" "-p: the maildir made"
mk -p "$T/no/such/M"
is "$RC" 0 "-p again: exit 0"

# ---- what is no maildir ----

printf 'not a maildir\n' >"$T/file"
mk "$T/file"
is "$RC" 1 "a file: exit 1"
is "$(cat "$T/err")" "md-mkdir: $T/file: exists and is not a directory" \
    "a file: one line says so"
is "$(cat "$T/file")" "not a maildir" "a file: untouched"

mkdir "$T/docs"
printf 'x\n' >"$T/docs/readme"
mk "$T/docs"
is "$RC" 1 "a directory holding other things: exit 1"
is "$(cat "$T/err")" \
    "md-mkdir: $T/docs: a directory that is not a maildir (no tmp/, new/ or cur/); nothing made" \
    "a foreign directory: one line says so"
is "$(ls -A "$T/docs")" readme "a foreign directory: nothing made in it"

mkdir -p "$T/N/cur"
printf 'x\n' >"$T/N/new"
mk "$T/N"
is "$RC" 1 "new is a file: exit 1"
is "$(cat "$T/err")" "md-mkdir: $T/N/new: exists and is not a directory" \
    "new is a file: one line names it"
check "new is a file: still a file" test -f "$T/N/new"

mk "$T/G" "$T/file" "$T/H"
is "$RC" 1 "one bad among good: exit 1"
check "one bad among good: the good ones made" test -d "$T/G/cur" -a -d "$T/H/cur"
is "$(lines "$T/err")" 1 "one bad among good: one line on stderr"

if as_nobody true; then
	chmod 711 "$T" # so that it is ro/ that refuses, not T
	mkdir "$T/ro"
	chmod 755 "$T/ro"
	as_nobody "$K" "$T/ro/M" </dev/null >"$T/out" 2>"$T/err"
	is "$?" 1 "no permission: exit 1"
	is "$(cat "$T/err")" "md-mkdir: $T/ro/M: create: Permission denied" \
	    "no permission: one line says why"
	check "no permission: nothing made" test ! -e "$T/ro/M"
	chmod 700 "$T"
else
	skip_n 3 "cannot run as another user"
fi

# ---- folders ----

R=$T/R
mk "$R"
mk -f Work.Projects "$R"
is "$RC" 0 "-f Work.Projects: exit 0"
F=$R/.Work.Projects
is "$(modes "$F")" "700 700 700 700" "-f: the folder made mode 0700"
check "-f: maildirfolder is an empty file" test -f "$F/maildirfolder" -a ! -s "$F/maildirfolder"
check "-f: no .Work for the parent level" test ! -e "$R/.Work"
check "-f: the root gets no marker" test ! -e "$R/maildirfolder"
before=$(tree "$R" '%i %a')
mk -f Work.Projects "$R"
is "$RC" 0 "-f again: exit 0"
is "$(tree "$R" '%i %a')" "$before" "-f again: nothing changed"

mk -f Sent -f INBOX.Drafts -f INBOX "$R/"
is "$RC" 0 "-f three times, with INBOX: exit 0"
check "-f Sent: .Sent/maildirfolder" test -f "$R/.Sent/maildirfolder"
check "-f INBOX.Drafts: .Drafts/maildirfolder" test -f "$R/.Drafts/maildirfolder"
check "-f INBOX: nothing more" test ! -e "$R/.INBOX"

mkdir -p "$R/.Old/cur" "$R/.Old/new" "$R/.Old/tmp"
mk -f Old "$R"
is "$RC" 0 "-f on a folder made without the marker: exit 0"
check "-f: the marker added" test -f "$R/.Old/maildirfolder"

mk -f X "$T/noroot"
is "$RC" 1 "-f with a missing root: exit 1"
is "$(cat "$T/err")" "md-mkdir: $T/noroot: no such maildir (-p makes it)" \
    "-f with a missing root: one line says so"
check "-f with a missing root: nothing made" test ! -e "$T/noroot"
mk -p -f X "$T/deep/root"
is "$RC" 0 "-p -f with a missing root: exit 0"
is "$(modes "$T/deep/root") $(modes "$T/deep/root/.X")" \
    "700 700 700 700 700 700 700 700" "-p -f: the root and the folder made"
check "-p -f: the root has no marker" test ! -e "$T/deep/root/maildirfolder"

printf 'x\n' >"$R/.Clash"
mk -f Clash "$R"
is "$RC" 1 "-f where a file is: exit 1"
is "$(cat "$T/err")" "md-mkdir: $R/.Clash: exists and is not a directory" \
    "-f where a file is: one line says so"

mk -p -f Work
is "$RC" 0 "-f without a root: exit 0"
check "-f without a root: in ~/Maildir" test -f "$HOME/Maildir/.Work/maildirfolder"
MAILDIR=$T/MD
export MAILDIR
mk -p -f Work
is "$RC" 0 "-f with MAILDIR: exit 0"
check "-f with MAILDIR: there" test -f "$T/MD/.Work/maildirfolder"
unset MAILDIR

for bad in ../x a..b .x x. a/b ""; do
	mk -f "$bad" "$R"
	is "$RC" 64 "-f '$bad': exit 64"
done
check "bad folder names: nothing made" test ! -e "$R/..x" -a ! -e "$R/.a..b"

# ---- quota ----

mk -q 100M,5000C "$T/Q"
is "$RC" 0 "-q 100M,5000C: exit 0"
is "$(head -1 "$T/Q/maildirsize")" 104857600S,5000C "-q: the limits as Maildir++ writes them"
is "$(fmode "$T/Q/maildirsize")" 600 "-q: maildirsize mode 0600"
printf 'Subject: q\n\n12345\n' | "$MD" "$T/Q"
size=$(fsize "$(only_file "$T/Q/new")")
mk -q 5000000S,1000C "$T/Q"
is "$RC" 0 "-q on a maildir with mail: exit 0"
is "$(head -1 "$T/Q/maildirsize")" 5000000S,1000C "-q again: the new limits"
is "$(awk 'NR > 1 { b += $1; c += $2 } END { print b, c }' "$T/Q/maildirsize")" \
    "$size 1" "-q: the usage counted"

mk -q 1G "$T/Q"
is "$RC:$(cat "$T/err")" "0:" "-q under the use: no word"
mk -q "$((size - 1))S,1C" "$T/Q"
is "$RC" 0 "-q a limit the maildir is already over: set all the same, exit 0"
is "$(head -1 "$T/Q/maildirsize")" "$((size - 1))S,1C" "-q over: the limits written"
is "$(cat "$T/err")" \
    "md-mkdir: $T/Q: already over the quota it was given ($size bytes of $((size - 1))): deliveries wait until it is not" \
    "-q over: one line says so, with the numbers"
mk -q 1G,1C "$T/Q"
is "$(cat "$T/err")" "" "-q at the limit (1 message of 1), not over it: no word"
mk -q 1G -f Sub "$T/Q"
is "$RC" 0 "-q with -f: exit 0"
is "$(head -1 "$T/Q/maildirsize")" 1073741824S "-q with -f: the root's quota"
check "-q with -f: none in the folder" test ! -e "$T/Q/.Sub/maildirsize"
mk -q 1G "$T/Q/.Sub"
is "$RC" 1 "-q on a folder: exit 1"
is "$(cat "$T/err")" \
    "md-mkdir: $T/Q/.Sub: a Maildir++ folder (it has maildirfolder); -q is for its root" \
    "-q on a folder: one line says why"

mk -q lots "$T/Z"
is "$RC" 64 "-q lots: exit 64"
is "$(cat "$T/err")" "md-mkdir: -q lots: not a quota (as 100M,5000C or 104857600S,5000C)" \
    "-q lots: one line says why"
check "-q lots: nothing made" test ! -e "$T/Z"

# ---- usage ----

mk
is "$RC" 64 "no maildir: exit 64"
mk -f A -f B "$T/x" "$T/y"
is "$RC" 64 "-f with two roots: exit 64"
check "-f with two roots: nothing made" test ! -e "$T/x" -a ! -e "$T/y"
mk -x "$T/x"
is "$RC:$(cat "$T/err")" "64:md-mkdir: -x: unknown option (see md-mkdir -h)" "-x: exit 64, one line"
mk -q
is "$RC:$(cat "$T/err")" "64:md-mkdir: -q: needs an argument (see md-mkdir -h)" "-q without a quota: exit 64"
mk --help
is "$RC:$(head -c 15 "$T/out")" "0:usage: md-mkdir" "--help: usage on stdout, exit 0"
