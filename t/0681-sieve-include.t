#!/bin/sh
# include, return and global (RFC 6609): each case, a main script and
# the scripts it includes in a personal and a global directory, files
# the same under md-sieve -t as under Pigeonhole's sieve-test, or is
# refused by md-sieve -c exactly when sievec refuses it. An error in an
# included script is told with that script's FILE:LINE:COLUMN; in
# md-deliver any of them means the implicit keep.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sieve-oracle.sh"

D=$(cd "$(dirname "$0")/data/sieve" && pwd)
sieve_oracle_setup
plan 46

P=$T/o/p
G=$T/o/g
R='require ["include", "fileinto", "variables"];'
PIGEON="-o plugin/sieve=file:$P -o plugin/sieve_global=$G"
DIRS="--sieve-dir $P --sieve-global-dir $G"

# scripts NAME=TEXT...: the case's scripts, anew: "main" and personal
# ones into $P, g:NAME into $G, each NAME.sieve.
scripts() {
	rm -rf "$P" "$G"
	mkdir -p "$P" "$G"
	for _a; do
		case $_a in
		g:*) _a=${_a#g:} _d=$G ;;
		*) _d=$P ;;
		esac
		printf '%s\n' "${_a#*=}" >"$_d/${_a%%=*}.sieve"
	done
	chmod 755 "$P" "$G"
	chmod 644 "$P"/*.sieve "$G"/*.sieve 2>/dev/null
}

# runs DESC: the case's actions are Pigeonhole's, on m1 and m3.
# shellcheck disable=SC2086
runs() {
	for _m in m1 m3; do
		is "$(ours "$P/main.sieve" "$D/$_m.eml" $DIRS)" \
		    "$(oracle "$P/main.sieve" "$D/$_m.eml" $PIGEON)" "$1 ($_m)"
	done
}

# refused DESC: sievec and md-sieve -c both refuse the case.
# shellcheck disable=SC2086
refused() {
	as_user sievec $PIGEON "$P/main.sieve" "$T/o/c.svbin" >/dev/null 2>&1
	_want=$?
	"$BIN/md-sieve" $DIRS -c "$P/main.sieve" 2>"$T/err"
	_got=$?
	is "$_got:$([ "$_want" -ne 0 ] && echo 1)" "1:1" "refused: $1"
}

scripts "main=$R global \"g\"; set \"g\" \"G1\"; include \"sub\"; fileinto \"after-\${g}\";" \
    "sub=$R global \"g\"; fileinto \"sub-\${g}\"; set \"g\" \"G2\"; return; fileinto \"never\";"
runs "global variables travel both ways; return ends the included script"
scripts "main=$R set \"x\" \"m\"; include \"a\"; fileinto \"x\${x}\";" \
    "a=$R set \"x\" \"a\"; fileinto \"ax\${x}\";"
runs "other variables are each script's own"
scripts "main=$R global \"n\"; set \"n\" \"\"; include :once \"a\"; include :once \"a\"; include \"b\"; fileinto \"n\${n}\";" \
    "a=$R global \"n\"; set \"n\" \"\${n}a\";" \
    "b=$R include :once \"a\"; include :optional \"nope\";"
runs ":once runs a script once; :optional passes over a missing one"
scripts "main=$R include :global \"g\"; include :personal \"g\";" \
    "g:g=$R fileinto \"global\";" "g=$R fileinto \"personal\";"
runs ":global and :personal look in their own directories"
scripts "main=$R include \"a\"; fileinto \"main\";" "a=$R if true { stop; }"
runs "stop in an included script stops all"
scripts "main=$R include \"a\"; fileinto \"main\";" "a=$R if true { return; } discard;"
runs "return in a block"
scripts "main=$R return; fileinto \"x\";"
runs "return in the main script ends it"
scripts "main=$R include \"a\";" "a=$R keep;"
runs "keep in an included script cancels the implicit keep"
scripts "main=$R include \"a\"; include \"b\";" "a=require \"fileinto\"; fileinto \"A\";" \
    "b=require \"fileinto\"; fileinto \"A\"; fileinto \"B\";"
runs "actions of several scripts merged as one script's"
scripts "main=$R include \"s1\";" "s1=$R include \"s2\";" "s2=$R include \"s3\";" \
    "s3=$R include \"s4\";" "s4=$R include \"s5\";" "s5=$R include \"s6\";" \
    "s6=$R include \"s7\";" "s7=$R include \"s8\";" "s8=$R include \"s9\";" \
    "s9=$R include \"s10\";" "s10=$R fileinto \"deep\";"
runs "includes ten deep"
cp "$P/s10.sieve" "$P/s11.sieve"
printf '%s\n' "$R include \"s11\";" >"$P/s10.sieve"
refused "includes eleven deep"
err_has "s10.sieve:1:" "the depth told at the include too deep"

scripts "main=$R include \"nope\";"
refused "a missing script"
err_has "main.sieve:1:47: include: personal script 'nope': not there" \
    "told at the include"
scripts "main=$R include \"a/b\";"
refused "a name with a slash"
scripts "main=$R include \"a\";" "a=$R include \"main\";"
refused "an include loop"
err_has "a.sieve:1:47: include: 'main' is being run already" \
    "the loop told where it closes"
scripts "main=$R include \"main\";"
refused "a script including itself"
scripts "main=$R include \"a\";" "a=$R
fileinto;"
refused "an included script that does not compile"
err_has "$P/a.sieve:2:1: 'fileinto' needs a string as argument 1" \
    "its error told with its own FILE:LINE:COLUMN"
scripts "main=$R set \"n\" \"a\"; include \"\${n}\";" "a=$R keep;"
refused "a name with a variable in it"
scripts "main=require [\"include\"]; global \"x\";"
refused "global without variables"
scripts "main=$R if true { set \"X\" \"1\"; } global \"x\";"
refused "global after the script set the variable"
scripts "main=$R fileinto \"\${x}\"; global \"x\";"
refused "global after the script referred to the variable"
scripts "main=$R global \"x\"; set \"x\" \"1\"; global \"x\";" "a=$R keep;"
"$BIN/md-sieve" $DIRS -c "$P/main.sieve" 2>"$T/err"
is "$?" 0 "global twice, used between: good"
scripts "main=require \"fileinto\"; include \"a\";" "a=$R keep;"
refused "include not required"
scripts "main=$R include :global \"g\";"
"$BIN/md-sieve" --sieve-dir "$P" -c "$P/main.sieve" 2>"$T/err"
is "$?" 1 "no global directory: refused"
err_has "include: no global script directory" "and told"

# The personal directory is ~/sieve unless told.
scripts "main=$R include \"a\";" "a=$R fileinto \"home\";"
mkdir -p "$T/h/sieve"
cp "$P/a.sieve" "$T/h/sieve/a.sieve"
HOME=$T/h "$BIN/md-sieve" -t "$P/main.sieve" <"$D/m1.eml" >"$T/out" 2>&1
is "$(cat "$T/out")" "fileinto	home" "HOME/sieve by default"

# A runtime error inside an included script: its file and line.
scripts "main=$R include \"a\";" "a=require [\"fileinto\", \"reject\"];
fileinto \"x\";
reject \"no\";"
# shellcheck disable=SC2086
"$BIN/md-sieve" $DIRS -t "$P/main.sieve" <"$D/m1.eml" >"$T/out" 2>"$T/err"
is "$(cat "$T/out")" "keep" "a runtime error in an included script: keep"
err_has "$P/a.sieve:3: reject conflicts with an earlier fileinto" \
    "told with the included script's file and line"

# md-deliver: a loop is the implicit keep, one line, exit 0.
scripts "main=$R include \"a\";" "a=$R include \"main\";"
mkmd "$T/M"
# shellcheck disable=SC2086
"$MD" --sieve "$P/main.sieve" $DIRS "$T/M" <"$D/m1.eml" 2>"$T/err"
is "$?" 0 "md-deliver: an include loop delivers"
is "$(count_files "$T/M/new")" 1 "into INBOX"
is "$(lines "$T/err")" 1 "with one line on stderr"
err_has "a.sieve:1: include: 'main' is being run already (a loop); kept in INBOX" \
    "naming the script, line and reason"
scripts "main=$R include :global \"g\";" "g:g=$R fileinto \"Lists\";"
# shellcheck disable=SC2086
"$MD" --sieve "$P/main.sieve" $DIRS "$T/M" <"$D/m1.eml" 2>"$T/err"
is "$?:$(count_files "$T/M/.Lists/new")" "0:1" \
    "md-deliver --sieve-global-dir: the global script files"
