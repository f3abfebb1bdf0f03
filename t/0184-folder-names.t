#!/bin/sh
# Folder names cannot leave the root: "..", "/", a leading or trailing
# dot, an empty part, control bytes (tab, newline, ESC, DEL) and the
# same behind INBOX. are refused by every program that takes a folder
# name (md-mkdir -f, md-move -f, md-deliver -f, md-expunge -f, and
# md-list's folder arguments), with the documented status, leaving the
# tree as it was and nothing made beside it; md-list -r skips folder
# directories whose names are not folder names. (t/0160 and t/0420 try
# a few names with md-deliver and md-mkdir.)
. "$(dirname "$0")/lib.sh"

plan 14

M=$T/top/M
mkmd "$M" "$M/.Work" "$T/top/x" "$T/top/M/..x"
: >"$M/.Work/maildirfolder"
msg "$M/cur" 1.M1P1.h:2,S
msg "$T/top/x/cur" 2.M2P2.h:2,S
msg "$M/..x/cur" 3.M3P3.h:2,S
nl='
'
# The bad names as printf(1) formats ("" is the empty name).
BAD='../x .. . a/b /etc .x x. a..b INBOX.. INBOX..x INBOX./x INBOX. Work/../..
a\nb a\tb a\033b a\177b a\rb ""'
before=$(tree "$T/top")

# try WANT CMD...: CMD once for each bad name, which replaces each @
# among its arguments, in $M/cur (where nothing has those names),
# MAILDIR the root; stdout to $T/outs, stderr to $T/errs. Prints the
# names (as formats) whose status was not WANT, with their status.
try() {
	_want=$1
	shift
	_odd=
	for _f in $BAD; do
		[ "$_f" = '""' ] && _f=
		# shellcheck disable=SC2059
		_b=$(printf "$_f")
		(
			for _a; do
				shift
				[ "$_a" = @ ] && _a=$_b
				set -- "$@" "$_a"
			done
			cd "$M/cur" && MAILDIR=$M exec "$@"
		) </dev/null >>"$T/outs" 2>>"$T/errs"
		_rc=$?
		[ "$_rc" = "$_want" ] || _odd="$_odd $_f=$_rc"
	done
	printf '%s' "${_odd# }"
}

: >"$T/outs"
: >"$T/errs"
is "$(try 64 "$BIN/md-mkdir" -f @ "$M")" "" "md-mkdir -f: every bad name refused, 64"
is "$(try 64 "$BIN/md-move" -c -f @ "$M/cur/1.M1P1.h:2,S")" "" \
    "md-move -c -f: every bad name refused, 64"
printf 'Subject: x\n\nx\n' >"$T/msg"
is "$(try 75 sh -c 'exec "$0" -c -f "$1" "$2" <"$3"' "$MD" @ "$M" "$T/msg")" "" \
    "md-deliver -c -f: every bad name refused, 75"
is "$(try 111 sh -c 'exec "$0" --qmail -c -f "$1" "$2" <"$3"' "$MD" @ "$M" "$T/msg")" "" \
    "md-deliver --qmail -c -f: every bad name refused, 111"
is "$(try 64 "$BIN/md-expunge" -f @ "$M")" "" "md-expunge -f: every bad name refused, 64"
is "$(tree "$T/top")" "$before" "after all that: the tree as it was"
is "$(grep -c . "$T/outs")" 0 "nothing listed or moved: no output"
grep -v "^md-[a-z]*: " "$T/errs" >"$T/odd"; is "$(cat "$T/odd")" "" "every refusal one line naming its program"

# md-list: a name that is no folder name is a path, relative to the
# current directory ($M/cur, where none of them is), never a folder.
BAD=$(printf '%s\n' $BAD | grep -vx '\.\.*') # . and .. are directories
: >"$T/outs"
is "$(try 1 "$BIN/md-list" @)" "" "md-list NAME: a missing path (1), not a folder"
is "$(grep -c . "$T/outs")" 0 "md-list NAME: nothing listed"

# -r: folder directories with names that are not folder names (..x)
# are not folders.
run "$BIN/md-list" -r "$M"
is "$RC" 0 "md-list -r: exit 0"
is "$(got)" "$(want cur/1.M1P1.h:2,S)" "md-list -r: ..x and what is outside not listed"

# Other option values are shown the same way: a newline in a bad one
# does not make a second line.
v="x${nl}y"
lines_of() { "$@" </dev/null >/dev/null 2>"$T/err"; wc -l <"$T/err" | tr -d ' '; }
is "$(lines_of "$MD" -F "$v" "$M") $(lines_of "$MD" -s "$v" "$M") $(lines_of "$MD" -t "$v" "$M")" \
    "1 1 1" "md-deliver -F, -s, -t: a bad value with a newline: one line"
is "$(lines_of "$BIN/md-index" -j "$v" "$M")" 1 "md-index -j: a bad value with a newline: one line"
