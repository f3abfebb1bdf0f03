#!/bin/sh
# md-sieve with redirect, vacation and duplicate: -t shows the redirect
# and what vacation would answer (or why it would not), sending nothing;
# -e sends nothing and says so, and the message stays.
. "$(dirname "$0")/lib.sh"

plan 12

S=$T/s.sieve
printf 'From: Carol <carol@example.net>\nTo: alice@example.org\nSubject: hi\nMessage-ID: <m1@example.net>\n\nbody\n' >"$T/in"
# A sendmail that must never run: it would leave a file.
printf '#!/bin/sh\ntouch "%s/ran"\n' "$T" >"$T/sendmail"
chmod +x "$T/sendmail"
PATH=$T:$PATH

ms() { "$BIN/md-sieve" "$@" >"$T/out" 2>"$T/err"; RC=$?; }

printf 'require ["vacation", "copy"];\nredirect :copy "bob@example.com";\nvacation :days 2 :subject "Away" "Back on Monday.";\n' >"$S"
ms -t "$S" -r carol@example.net -d alice@example.org <"$T/in"
is "$RC" 0 "-t: exit 0"
is "$(grep -v '^	' "$T/out" | tr '\n' ' ')" "redirect	bob@example.com vacation	172800 keep " \
    "-t: the actions, one a line"
grep -qx '	sent to carol@example.net unless answered within the period' "$T/out"
ok $? "-t: to whom vacation answers; the period (seconds) after its name"
grep -qx '	Subject: Away' "$T/out" && grep -qx '	Back on Monday.' "$T/out" &&
    grep -qx '	Auto-Submitted: auto-replied (vacation)' "$T/out"
ok $? "-t: the reply, each line after a tab"

ms -t "$S" -r MAILER-DAEMON@example.net -d alice@example.org <"$T/in"
grep -q '^	not sent: the sender is a system' "$T/out"
ok $? "-t: why vacation would not answer"
ms -t "$S" <"$T/in"
grep -q '^	not sent: no sender' "$T/out"
ok $? "-t without an envelope: no reply"

printf 'require "duplicate";\nif duplicate { discard; }\n' >"$S"
ms -t "$S" <"$T/in"
ms -t "$S" <"$T/in"
is "$(cat "$T/out")" "keep" "-t: no record is read or made: never a duplicate"

M=$T/M
"$BIN/md-mkdir" "$M" >/dev/null
"$MD" "$M" <"$T/in"
printf 'require "vacation";\nredirect "bob@example.com";\nvacation "Away.";\n' >"$S"
ms -e "$S" "$M"
is "$RC" 0 "-e: exit 0"
is "$(ls "$M/new" | wc -l)" 1 "-e: a redirected message stays"
err_has "redirect: not sent by md-sieve -e" "-e: says that it does not redirect"
err_has "vacation: no reply from md-sieve -e" "-e: says that it does not answer"
test -e "$T/ran"
isnt "$?" 0 "sendmail never ran"
