#!/bin/sh
# md-sieve: -c checks scripts (FILE:LINE:COLUMN: message, exit 1 on
# any), -t prints the actions a script takes on a message, one a line.
. "$(dirname "$0")/lib.sh"

plan 16

ms() { run "$BIN/md-sieve" "$@"; }
D=$(cd "$(dirname "$0")/data/sieve" && pwd)

ms -c "$D/04-fileinto.sieve" "$D/22-relational.sieve"
is "$RC:$(bytes "$T/out"):$(bytes "$T/err")" "0:0:0" "-c good scripts: exit 0, silent"

printf 'require "fileinto";\nif header :contains "a" {\n  keep;\n}\n' >"$T/bad.sieve"
ms -c "$D/01-keep.sieve" "$T/bad.sieve" "$T/none.sieve" "$D/b02-no-require.sieve"
is "$RC" 1 "-c a bad script among good ones: exit 1"
is "$(lines "$T/err")" 3 "-c: one line for each bad script"
err_has "md-sieve: $T/bad.sieve:2:4: 'header' needs a string list as argument 2" \
    "-c: FILE:LINE:COLUMN: what is wrong"
err_has "md-sieve: $T/none.sieve: No such file or directory" "-c: a missing file"
err_has "b02-no-require.sieve:1:1: 'fileinto' needs its extension required" \
    "-c: an extension not required"

mkdir "$T/dir"
ms -c "$T/dir"
is "$RC" 1 "-c a directory: exit 1"
err_has "not a regular file" "-c a directory: said"

printf 'From: a@example.com\nSubject: x\n\nbody\n' >"$T/msg"
"$BIN/md-sieve" -t "$D/05-twice.sieve" <"$T/msg" >"$T/out" 2>"$T/err"
is "$?:$(tr '\t\n' ':;' <"$T/out")" "0:fileinto:A;fileinto:B;" \
    "-t: one action a line, a folder once"

"$BIN/md-sieve" -t "$D/20-copy.sieve" <"$T/msg" >"$T/out" 2>&1
is "$(tr '\t\n' ':;' <"$T/out")" "fileinto:Archive;keep;" \
    "-t: the implicit keep last"

"$BIN/md-sieve" -t "$D/19-envelope.sieve" -r x@lists.debian.org -d alice@y <"$T/msg" >"$T/out"
is "$(tr '\t\n' ':;' <"$T/out")" "fileinto:EnvList;fileinto:ToAlice;" \
    "-t: the envelope from -r and -d"

"$BIN/md-sieve" -t "$T/bad.sieve" <"$T/msg" >"$T/out" 2>"$T/err"
is "$?:$(cat "$T/out")" "1:keep" "-t a bad script: exit 1, keep as md-deliver does"
err_has "bad.sieve:2:4:" "-t a bad script: where"

printf 'require "reject";\nreject "no\tthanks";\n' >"$T/rej.sieve"
"$BIN/md-sieve" -t "$T/rej.sieve" <"$T/msg" >"$T/out"
is "$(cat "$T/out")" "reject	no\\tthanks" "-t: a reason as a TSV field"

ms -t "$D/01-keep.sieve" "$D/02-empty.sieve"
is "$RC" 64 "-t with two scripts: usage, 64"
ms
is "$RC" 64 "no mode: usage, 64"
