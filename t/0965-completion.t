#!/bin/sh
# Shell completion (contrib/completion/): for every program in cmd/, the
# options its source accepts (OPTSTRING and longopts, with whether each
# takes an argument), its man page documents, the bash table offers and
# the zsh specs hand to _arguments are one set, so that none can drift;
# its -h names them too.
# Then bash's candidates, driven through COMP_WORDS as bash sets them:
# options, folder names under the root on the line (or the default
# maildir), keyword names from dovecot-keywords, sort keys, directories
# and files; zsh's file passes zsh -n; make install puts both where
# bash-completion and zsh look, make uninstall takes them away.
. "$(dirname "$0")/lib.sh"

SRC=$(cd "$(dirname "$0")/.." && pwd)
BASHC=$SRC/contrib/completion/mdkit.bash
ZSHC=$SRC/contrib/completion/_mdkit
PROGS=$(cd "$SRC/cmd" && ls md-*.c | sed 's/\.c$//')
NPROGS=$(echo "$PROGS" | wc -w)
plan $((NPROGS * 6 + 26))

# The options of PROG's source, one a line, sorted: "-x", "-x=" when it
# takes an argument, "--name?" when the argument is optional.
src_opts() {
	f=$SRC/cmd/$1.c
	sed -n 's/^#define OPTSTRING ":\{0,1\}\(.*\)"/\1/p' "$f" |
	    awk '{ for (i = 1; i <= length($0); i++) {
		c = substr($0, i, 1); a = ""
		if (substr($0, i + 1, 2) == "::") { a = "?"; i += 2 }
		else if (substr($0, i + 1, 1) == ":") { a = "="; i++ }
		print "-" c a } }'
	grep -o '{ "[a-z0-9-]*", *[a-z]*_argument' "$f" |
	    sed 's/{ "\([^"]*\)", *\([a-z]*\)_argument/--\1 \2/' |
	    sed 's/ no$//; s/ required$/=/; s/ optional$/?/'
	grep -q CMD_VERSION_OPTION "$f" && echo --version
}
# The options -h must name: every short one, and the long ones that have
# no short form (the OPT_ constants), but -h, --help and --version.
usage_opts() {
	src_opts "$1" | sed 's/[=?]$//' | grep '^-[^-]' | grep -vx -- -h
	grep -o '{ "[a-z0-9-]*", *[a-z]*_argument, NULL, [A-Z_][A-Z_]*' \
	    "$SRC/cmd/$1.c" | sed 's/{ "\([^"]*\)".*/--\1/'
}
# Those of them that PROG -h does not name.
usage_missing() {
	"$BIN/$1" -h >"$T/usage" 2>&1
	for o in $(usage_opts "$1"); do
		case $o in
		--*) grep -q -- "[[ ]$o[] =[]" "$T/usage" || echo "$o" ;;
		*) l=${o#-}
		   grep -q -- "\[-[0-9A-Za-z]*$l[0-9A-Za-z]*\]\|\[-$l \|-$l " \
		       "$T/usage" || echo "$o" ;;
		esac
	done
}
src_names() { src_opts "$1" | sed 's/[=?]$//' | LC_ALL=C sort -u; }

# The options the man page lists in .It lines ("Fl x", "Fl \-name",
# "Fl Fl name").
man_names() {
	grep '^\.It Fl' "$SRC/man/$1.1" | sed 's/Fl Fl /Fl \\-/g' |
	    grep -o 'Fl \\*-*[A-Za-z0-9][-A-Za-z0-9]*' |
	    sed 's/^Fl \\-/--/; s/^Fl /-/' | LC_ALL=C sort -u
}

# The bash table: "-x=KIND" as "-x=".
bash_opts() {
	bash -c '. "$1"; v=_mdkit_opts_${2//-/_}; printf "%s\n" ${!v}' sh \
	    "$BASHC" "$1" | sed 's/=.*/=/' | LC_ALL=C sort
}

# zsh: the specs the file hands to _arguments (a stub prints them): the
# option of each, "=" after it when it takes an argument ("-x+",
# "--x=", "--x=-" for an optional one: "?").
zsh_opts() {
	zsh -f -c 'service=$1; _arguments() { print -rl -- "$@" }
	    source "$2"' zsh "$1" "$ZSHC" |
	    grep -v '^-[sSC]$' | grep -v '^\*\{0,1\}:' |
	    sed 's/^\*//; s/^([^)]*)//; s/^\*//' |
	    sed 's/^\(-\{1,2\}[A-Za-z0-9][-A-Za-z0-9]*\)=-.*/\1?/' |
	    sed 's/^\(-\{1,2\}[A-Za-z0-9][-A-Za-z0-9]*\)[+=].*/\1=/' |
	    sed '/[=?]$/!s/^\(-\{1,2\}[A-Za-z0-9][-A-Za-z0-9]*\).*/\1/' |
	    LC_ALL=C sort
}

# The candidates bash's completion gives for the words WORD... with the
# one at index CW being completed, one a line. COMP_WORDS is split at
# '=' as bash does (the "=" a word of its own).
cat >"$T/drive.bash" <<'EOF'
. "$1"
[ -n "$WB" ] && COMP_WORDBREAKS=$WB
cw=$2
shift 2
COMP_WORDS=("$@")
COMP_CWORD=$cw
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
COMPREPLY=()
_mdkit "$1"
printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort
EOF
comp() {
	bash "$T/drive.bash" "$BASHC" "$@"
}
# The same with the last word the one completed, in DIR.
at_end() {
	_dir=$1
	shift
	(cd "$_dir" && comp $(($# - 1)) "$@") | tr '\n' ' ' | sed 's/ $//'
}

for p in $PROGS; do
	is "$(man_names "$p")" "$(src_names "$p")" \
	    "$p: the man page lists the options the source has"
	is "$(usage_missing "$p" | tr '\n' ' ')" "" \
	    "$p: -h names every option but the long forms of short ones"
	is "$(bash_opts "$p")" "$(src_opts "$p" | LC_ALL=C sort)" \
	    "$p: the bash table has them, arguments where the source takes one"
	is "$(comp 1 "$p" - | sed 's/[=?]$//')" "$(src_names "$p")" \
	    "$p: bash offers them after -"
	bash -c '. "$1"; complete -p "$2"' sh "$BASHC" "$p" >"$T/out" 2>&1
	is "$(cat "$T/out")" "complete -F _mdkit $p" "$p: bash completes it"
	if command -v zsh >/dev/null 2>&1; then
		is "$(zsh_opts "$p")" "$(src_opts "$p" | LC_ALL=C sort)" \
		    "$p: the zsh specs have them, arguments alike"
	else
		skip "no zsh (make deps installs it)"
	fi
done

# A root with folders (one a dot-directory without cur/, no folder) and
# keywords; HOME's Maildir the default one.
W=$T/w
mkdir -p "$W"
mkmd "$W/M"
mkmd "$W/M/.Archive"
mkmd "$W/M/.Work.Lists"
mkdir "$W/M/.git"
printf '0 Junk\n1 $Label1\n' >"$W/M/dovecot-keywords"
mkmd "$HOME/Maildir"
mkmd "$HOME/Maildir/.Home"
printf '0 Private\n' >"$HOME/Maildir/dovecot-keywords"
msg "$W/M/cur" "1.M1P1.h:2,S" "2.M2P2.h,S=10,W=12:2,RS"

is "$(at_end "$W" md-move -m M -f '')" "Archive Work.Lists" \
    "-f after -m ROOT: the folders under ROOT, not .git"
is "$(at_end "$W" md-expunge --maildir = M -f A)" "Archive" \
    "--maildir=ROOT split at '=' as bash does: its folders"
is "$(cd "$W" && comp 2 md-deliver -f '' M | tr '\n' ' ')" "Archive Work.Lists " \
    "md-deliver -f before the maildir operand: that maildir's folders"
is "$(at_end "$W" md-mkdir -f '')" "Home" \
    "-f with no root on the line: the default maildir's folders"
is "$(MAILDIR=$W/M at_end "$W" md-mkdir -f W)" "Work.Lists" \
    "-f with no root: \$MAILDIR's folders when it is set"
is "$(cd "$W" && comp 2 md-list -K '' M | tr '\n' ' ')" '$Label1 Junk Private ' \
    "-K: keyword names of the maildir operand and the default one, verbatim"
is "$(cd "$W" && comp 2 md-flag -k J M/cur/x)" "Junk" \
    "md-flag -k J before a message: the keyword"
is "$(cd "$W" && comp 2 md-flag -k '' M/cur/1.M1P1.h:2,S | tr '\n' ' ')" \
    '$Label1 Junk Private ' "md-flag -k: keywords of the message's maildir"
is "$(cd "$W" && comp 2 md-list -rK '' M | tr '\n' ' ')" '$Label1 Junk Private ' \
    "-rK: the cluster's last letter takes the next word"
is "$(at_end "$W" md-list -rKJunk M)" "M" \
    "-rKJunk: the argument is in the cluster, M is an operand"
is "$(at_end "$W" md-list --sort = s)" "size subject" \
    "--sort=: the sort keys"
is "$(WB=' ' at_end "$W" md-list --sort=s)" "--sort=size --sort=subject" \
    "--sort=s one word (no '=' in COMP_WORDBREAKS): whole words back"
is "$(at_end "$W" md-list --sort '')" "date from received size subject" \
    "--sort KEY: the sort keys"
is "$(at_end "$W" md-list --for)" "--format" "--for: the long option"
is "$(at_end "$W" md-list -- -)" "" "after --: no options"
is "$(at_end "$W" md-list M/)" "M/.Archive M/.Work.Lists M/.git M/cur M/new M/tmp" \
    "a maildir operand: directories"
is "$(at_end "$W" md-index H)" "Home" \
    "a maildir operand: the default maildir's folder names too"
is "$(at_end "$W" md-flag M/cur/1)" "M/cur/1.M1P1.h:2,S" \
    "a message operand: files"
is "$(at_end "$W" md-flag M/cur/1.M1P1.h : 2)" "2,S" \
    "a message name split at ':' as bash does: what follows the ':'"
is "$(at_end "$W" md-flag M/cur/2.M2P2.h,S = 10,W = 12 : 2)" "2,RS" \
    "a Dovecot name split at '=' and ':': what follows the last"
is "$(cd "$W" && comp 2 md-flag -k '' M/cur/1.M1P1.h : 2,S | tr '\n' ' ')" \
    '$Label1 Junk Private ' "-k before a split message name: its maildir's keywords"

# make install: the bash file under each program's name where
# bash-completion loads it on demand (and does), the zsh one in
# site-functions; make uninstall removes them.
O=$(dirname "$BIN")
if is_asan || ! command -v make >/dev/null 2>&1; then
	skip_n 5 "needs make and the plain build"
	exit 0
fi
D=$T/root
make -s -C "$SRC" O="$O" DESTDIR="$D" PREFIX=/usr/local install >"$T/out" 2>&1
ok $? "make install: exit 0 $(tail -3 "$T/out")"
for p in $PROGS; do
	cmp -s "$BASHC" "$D/usr/local/share/bash-completion/completions/$p" ||
	    echo "$p"
done >"$T/missing"
is "$(cat "$T/missing")" "" \
    "bash: share/bash-completion/completions/NAME for every program"
same_bytes "$D/usr/local/share/zsh/site-functions/_mdkit" "$ZSHC" \
    "zsh: share/zsh/site-functions/_mdkit"
BC=/usr/share/bash-completion/bash_completion
if [ -f "$BC" ]; then
	XDG_DATA_DIRS=$D/usr/local/share bash -c '. "$1"
	    __load_completion md-expunge && complete -p md-expunge' sh "$BC" \
	    >"$T/out" 2>&1
	is "$(cat "$T/out")" "complete -F _mdkit md-expunge" \
	    "bash-completion loads it from there on demand"
else
	skip "no bash-completion (make deps installs it)"
fi
make -s -C "$SRC" O="$O" DESTDIR="$D" PREFIX=/usr/local uninstall >"$T/out" 2>&1
is "$(find "$D/usr/local/share/bash-completion" "$D/usr/local/share/zsh" -type f | wc -l)" 0 \
    "make uninstall: no completion left"
