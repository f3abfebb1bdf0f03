#!/bin/sh
# md-sieve -e: a script over the messages already in a maildir, its
# fileinto carried out with md-move's moves (copies where the message
# stays or goes on to another folder), flags added, a discard flagged
# T; -n only shows what it would do.
. "$(dirname "$0")/lib.sh"

plan 14

M=$T/M
S=$T/s.sieve
D=$(cd "$(dirname "$0")/data/sieve" && pwd)
ms() { run "$BIN/md-sieve" "$@"; }

# the four messages of the corpus, delivered into a fresh $M
fill() { fill_md "$D"/m1.eml "$D"/m2.eml "$D"/m3.eml "$D"/m4.eml; }

cat >"$S" <<'SIEVE'
require ["fileinto", "copy", "imap4flags"];
if header :contains "list-id" "debian" { fileinto "Lists"; }
elsif header :contains "subject" "lunch" {
	addflag "\\Flagged"; keep; fileinto :copy "Food";
} elsif header :contains "auto-submitted" "auto" { discard; }
SIEVE

fill
before=$(placed "$M")
ms -e "$S" -n "$M"
is "$RC" 0 "-n: exit 0"
is "$(placed "$M")" "$before" "-n: nothing moved"
is "$(cut -f2- "$T/out" | sort | tr '\t\n' ':;')" \
    'discard;fileinto:Food:\\Flagged;fileinto:Lists;keep;keep::\\Flagged;' \
    "-n: each message's actions"

ms -e "$S" "$M"
is "$RC" 0 "exit 0"
is "$(placed "$M")" ".Food/cur:2,F .Lists/new cur:2,F cur:2,T new" \
    "moved, copied, flagged; the discarded one flagged T"
is "$(lines "$T/out")" 4 "one path printed for each place a message went"
while read -r p; do
	test -f "$p" || { echo "# no $p" >&2; false; }
done <"$T/out"
ok $? "the paths printed are there"
test -f "$M/.Lists/maildirfolder"
ok $? "a folder made as md-mkdir makes it"

fill
printf '0S\n' >"$M/maildirsize"
ms -e "$S" "$M"
is "$(sed -n 2p "$M/maildirsize" | tr -s ' ')" "123 1" \
    "maildirsize: a copy counted, a move within the root not"

printf 'require "fileinto";\nif header :is "subject" { keep; }\n' >"$T/bad.sieve"
fill
before=$(placed "$M")
ms -e "$T/bad.sieve" "$M"
is "$RC:$(placed "$M")" "1:$before" "a script that does not compile: exit 1, nothing done"
err_has "bad.sieve:2:4:" "a script that does not compile: where"

printf 'require "reject";\nreject "no";\n' >"$T/rej.sieve"
ms -e "$T/rej.sieve" "$M"
is "$RC:$(placed "$M")" "0:$before" "reject is not carried out: nothing done"

ms -e "$S" "$T/none"
is "$RC" 1 "a maildir that is not there: exit 1"

# A folder given: its messages file into the folders of its root, as
# Dovecot names them (fileinto "Lists" is .Lists, not .Old.Lists).
fill
"$BIN/md-mkdir" -f Old "$M" || exit 1
mv "$M"/new/* "$M/.Old/new/"
ms -e "$S" "$M/.Old"
is "$RC:$(placed "$M")" "0:.Food/cur:2,F .Lists/new .Old/cur:2,F .Old/cur:2,T .Old/new" \
    "a folder's messages: fileinto is a folder of the root"
