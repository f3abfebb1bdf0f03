#!/bin/sh
# zsh completion (contrib/completion/_mdkit) at work: an interactive zsh
# on a pseudo-terminal (zsh/zpty) loads it with compinit, a line is
# typed and completed with TAB, and every match zsh's compadd is given
# is noted. Folder names under the root on the line or the default
# maildir, keyword names from dovecot-keywords, sort keys and options.
. "$(dirname "$0")/lib.sh"

SRC=$(cd "$(dirname "$0")/.." && pwd)
plan 11
if ! command -v zsh >/dev/null 2>&1 || ! command -v timeout >/dev/null 2>&1 ||
    ! zsh -fc 'zmodload zsh/zpty' 2>/dev/null; then
	skip_n 11 "no zsh with zsh/zpty, or no timeout(1) (make deps installs zsh)"
	exit 0
fi
check "zsh -n: the file parses" zsh -n "$SRC/contrib/completion/_mdkit"

# zcap LINE: the matches for LINE typed in $W, one a line, in $T/got.
# The prompt ("RDY>", typed apart so that its echo differs) is waited
# for before each line: zsh drops what is typed before its editor starts.
cat >"$T/zcap.zsh" <<'Z'
zmodload zsh/zpty
zpty z 'zsh -f -i'
ready() { zpty -r -m z _got '*RDY>*' }
zpty -w z "PS1='R''DY>'; PROMPT_EOL_MARK=''"
ready
zpty -w z "fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -D; cd $3"
ready
zpty -w z "compadd() { local -a _r; builtin compadd -O _r \"\$@\"; print -rl -- \$_r >>$2; builtin compadd \"\$@\" }"
ready
zpty -wn z "$4"$'\t'
zpty -wn z $'\C-u'
zpty -w z 'print -r -- ${:-MARK}-END'
zpty -r -m z _got '*MARK-END*'
zpty -d z
Z
zcap() {
	: >"$T/got"
	timeout 60 zsh -f "$T/zcap.zsh" "$SRC/contrib/completion" "$T/got" \
	    "$W" "$1" >/dev/null 2>&1
}
# has_all WORD...: each is among the matches.
has_all() {
	for _w; do
		grep -qxF -- "$_w" "$T/got" || { diag "no $_w in: $(tr '\n' ' ' <"$T/got")"; return 1; }
	done
}

W=$T/w
mkdir -p "$W"
mkmd "$W/M"
mkmd "$W/M/.Archive"
mkmd "$W/M/.Work.Lists"
mkdir "$W/M/.git"
printf '0 Junk\n1 $Label1\n' >"$W/M/dovecot-keywords"
msg "$W/M/cur" "1.M1P1.h:2,S"
mkmd "$HOME/Maildir"
mkmd "$HOME/Maildir/.Home"

zcap 'md-move -m M -f '
has_all Archive Work.Lists
ok $? "md-move -m ROOT -f: the folders under ROOT"
! grep -qx 'git' "$T/got"
ok $? "md-move -m ROOT -f: a dot-directory without cur/ is no folder"
zcap 'md-expunge --maildir=M -f '
has_all Archive Work.Lists
ok $? "md-expunge --maildir=ROOT -f: the folders under ROOT"
zcap 'md-mkdir -f '
has_all Home
ok $? "md-mkdir -f, no root on the line: the default maildir's folders"
zcap 'md-list M -K '
has_all Junk '$Label1'
ok $? "md-list M -K: keyword names from M's dovecot-keywords"
zcap 'md-flag M/cur/1.M1P1.h:2,S -k '
has_all Junk '$Label1'
ok $? "md-flag MESSAGE -k: keywords of the message's maildir"
zcap 'md-list --sort='
has_all date received size subject from
ok $? "md-list --sort=: the sort keys"
zcap 'md-deliver -'
has_all -M --mbox -q --quiet --quota-permanent --size-limit
ok $? "md-deliver -: its options"
zcap 'md-index H'
has_all Home
ok $? "a maildir operand: the default maildir's folder names"
zcap 'md-check M/.A'
has_all .Archive
ok $? "a maildir operand: directories"
