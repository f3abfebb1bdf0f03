#!/bin/sh
# md-deliver --sieve with redirect, vacation and duplicate, through a
# fake sendmail that writes its arguments and stdin into files: what is
# sent, from whom, to whom; loop protection; a send that fails keeps the
# message and keeps the exit status of the store; duplicate's records
# only for a delivery that succeeded; the state directory is no folder.
. "$(dirname "$0")/lib.sh"

plan 49

M=$T/M
S=$T/s.sieve
SENT=$T/sent
mkdir "$SENT"

# The fake sendmail: each call N leaves N.argv (one argument a line)
# and N.msg (its stdin). The failing one reads all, then exits 75.
cat >"$T/sendmail" <<EOF
#!/bin/sh
n=\$(ls "$SENT" | grep -c argv)
printf '%s\n' "\$@" >"$SENT/\$n.argv"
cat >"$SENT/\$n.msg"
EOF
printf '#!/bin/sh\ncat >/dev/null\nexit 75\n' >"$T/fail"
chmod +x "$T/sendmail" "$T/fail"

msgfile() {
	printf 'From: Carol <carol@example.net>\nTo: alice@example.org\nSubject: hi there\nMessage-ID: <m1@example.net>\n%b\nbody\n' "$1" >"$T/in"
}
msgfile ''

# sv SCRIPT [ARGS]: deliver $T/in with the script into $M (not renewed),
# envelope carol -> alice, through the fake sendmail.
sv() {
	printf '%s\n' "$1" >"$S"
	shift
	[ -d "$M" ] || "$BIN/md-mkdir" "$M" >/dev/null
	deliver --sieve "$S" --sendmail "$T/sendmail" -r carol@example.net \
	    -d alice@example.org "$@" "$M" <"$T/in"
}
fresh() { rm -rf "$M" "$SENT"/*; }
nsent() { ls "$SENT" | grep -c argv; }
stored() { find "$M" -path '*/new/*' -type f | wc -l | tr -d ' '; }
# duplicate's and vacation's records, not the kept parse of the script (c-*)
records() { ls "$M/mdkit-sieve" 2>/dev/null | grep -v '^c-'; }

# ---- redirect ----

fresh
sv 'redirect "bob@example.com";'
is "$RC:$(stored):$(nsent)" "0:0:1" "redirect: sent, stored nowhere, exit 0"
is "$(tr '\n' ' ' <"$SENT/0.argv")" "-i -f carol@example.net -- bob@example.com " \
    "redirect: sendmail -i -f SENDER -- ADDRESS"
is "$(head -n 1 "$SENT/0.msg")" "X-Sieve-Redirected-From: alice@example.org" \
    "redirect: a line that names the recipient comes first"
grep -q '^Return-Path:' "$SENT/0.msg"
isnt "$?" 0 "redirect: no Return-Path: of ours in what is sent"
tail -n 1 "$SENT/0.msg" | grep -qx body
ok $? "redirect: the message whole"

fresh
sv 'require "copy"; redirect :copy "bob@example.com"; redirect :copy "<dan@example.com>";'
is "$RC:$(stored):$(nsent)" "0:1:2" "redirect :copy: kept too, two sends"
is "$(sed -n 5p "$SENT/1.argv")" "dan@example.com" "redirect: <addr> as addr"

fresh
printf 'From: x@y\nX-Sieve-Redirected-From: alice@example.org\nSubject: again\n\nbody\n' >"$T/in"
sv 'redirect "bob@example.com";'
is "$RC:$(stored):$(nsent)" "0:1:0" "redirect of a message redirected by us before: kept, not sent"
err_has "redirected by alice@example.org before" "redirect loop: said on stderr"
msgfile ''

fresh
sv 'redirect "bob@example.com, eve@example.com";'
is "$RC:$(stored):$(nsent)" "0:1:0" "redirect to two addresses at once: kept, not sent"

# ---- a send that fails ----

fresh
printf 'redirect "bob@example.com";\n' >"$S"
"$BIN/md-mkdir" "$M" >/dev/null
deliver --sieve "$S" --sendmail "$T/fail" -r carol@example.net -d alice@example.org "$M" <"$T/in"
is "$RC:$(stored)" "0:1" "redirect fails: kept in INBOX, exit status of the store"
is "$(lines "$T/err")" 1 "redirect fails: one line on stderr"
err_has "exited 75; kept in INBOX" "redirect fails: sendmail's status, where the message went"

fresh
printf 'require "fileinto"; fileinto "F"; redirect "bob@example.com";\n' >"$S"
"$BIN/md-mkdir" "$M" >/dev/null
deliver --sieve "$S" --sendmail "$T/fail" -r carol@example.net -d alice@example.org "$M" <"$T/in"
is "$RC:$(stored):$(lines "$T/err")" "0:1:1" "redirect fails after a fileinto: stored once, one line"
is "$(ls "$M/new" | wc -l)" 0 "redirect fails after a fileinto: not in INBOX as well"

fresh
printf 'redirect "bob@example.com";\n' >"$S"
"$BIN/md-mkdir" "$M" >/dev/null
deliver --sieve "$S" --sendmail "$T/nonesuch" -r carol@example.net "$M" <"$T/in"
is "$RC:$(stored)" "0:1" "a sendmail that is not there: kept"
deliver --sieve "$S" --sendmail relative/sendmail "$M" <"$T/in"
is "$RC" 75 "--sendmail with a relative path: a usage error, 75"

# ---- a store that fails: nothing sent, nothing recorded ----

fresh
"$BIN/md-mkdir" "$M" >/dev/null
printf '%s\n' 'require ["duplicate", "copy"]; if duplicate { discard; } redirect :copy "bob@example.com";' >"$S"
if have_faultlib; then
	with_fault dirsync=EIO "$MD" --sieve "$S" --sendmail "$T/sendmail" \
	    -r carol@example.net -d alice@example.org "$M" <"$T/in" 2>"$T/err"
	is "$?:$(nsent)" "75:0" "the store fails: 75, nothing sent"
	is "$(records)" "" "the store fails: nothing recorded"
else
	skip_n 2 "no fault shim (make all-tests builds it)"
fi

# Over NFS a link whose reply was lost says EEXIST though it was made:
# the record is taken as made (its two links tell), nothing left over.
fresh
"$BIN/md-mkdir" "$M" >/dev/null
if have_faultlib; then
	with_fault linkat=LINKED "$MD" --sieve "$S" --sendmail "$T/sendmail" \
	    -r carol@example.net -d alice@example.org "$M" <"$T/in" 2>"$T/err"
	is "$?:$(records | tr '\n' ' ')" "0:d--%3Cm1@example.net%3E " \
	    "a link that says EEXIST but was made: one record, no leftover"
else
	skip "no fault shim (make all-tests builds it)"
fi

# ---- vacation ----

V='require "vacation"; vacation :days 2 :addresses "alias@example.org" "Away until Monday.";'
fresh
sv "$V"
is "$RC:$(stored):$(nsent)" "0:1:1" "vacation: stored, one reply"
is "$(tr '\n' ' ' <"$SENT/0.argv")" "-i -f <> -- carol@example.net " \
    "vacation: from the null sender to the envelope sender"
has() { grep -qx -- "$2" "$SENT/$1.msg"; }
has 0 'Auto-Submitted: auto-replied (vacation)'
ok $? "vacation: Auto-Submitted: auto-replied"
has 0 'In-Reply-To: <m1@example.net>' && has 0 'References: <m1@example.net>'
ok $? "vacation: In-Reply-To and References"
has 0 'Subject: Auto: hi there' && has 0 'To: <carol@example.net>' &&
    has 0 'From: <alice@example.org>' && has 0 'Away until Monday.'
ok $? "vacation: subject, to, from, the reason"
sv "$V"
is "$RC:$(stored):$(nsent)" "0:2:1" "vacation: not twice within :days"
n=$(ls "$M/mdkit-sieve" | grep -c '^v-')
is "$n" 1 "vacation: one record"
touch -d @1000000000 "$M"/mdkit-sieve/v-*
sv "$V"
is "$(nsent)" 2 "vacation: answered again once the record expired"

# The rules that keep a reply from going (RFC 3834, RFC 5230).
noreply() {
	_d=$1
	shift
	fresh
	sv "$V" "$@"
	is "$RC:$(stored):$(nsent)" "0:1:0" "vacation: no reply $_d"
}
msgfile 'List-Id: <devel.lists.example>'
noreply "to a mailing list's message"
msgfile 'Auto-Submitted: auto-generated'
noreply "to Auto-Submitted mail"
msgfile 'Precedence: bulk'
noreply "to Precedence: bulk"
msgfile ''
printf 'require "vacation"; vacation "x";\n' >"$S"
rm -rf "$M" "$SENT"/*
"$BIN/md-mkdir" "$M" >/dev/null
deliver --sieve "$S" --sendmail "$T/sendmail" -r '' -d alice@example.org "$M" <"$T/in"
is "$RC:$(nsent)" "0:0" "vacation: no reply to the null sender"
deliver --sieve "$S" --sendmail "$T/sendmail" -r MAILER-DAEMON@example.net -d alice@example.org "$M" <"$T/in"
is "$RC:$(nsent)" "0:0" "vacation: no reply to MAILER-DAEMON"
deliver --sieve "$S" --sendmail "$T/sendmail" -r carol@example.net -d zed@example.org "$M" <"$T/in"
is "$RC:$(nsent)" "0:0" "vacation: no reply when the recipient is not in To or Cc"
printf 'From: c@example.net\nCc: Someone <ALIAS@example.org>\nSubject: x\n\nbody\n' >"$T/in"
sv "$V"
is "$(nsent)" 1 "vacation: :addresses name the recipient's other addresses"
msgfile ''

# A reply that fails is not recorded: the next message is answered.
fresh
printf '%s\n' "$V" >"$S"
"$BIN/md-mkdir" "$M" >/dev/null
deliver --sieve "$S" --sendmail "$T/fail" -r carol@example.net -d alice@example.org "$M" <"$T/in"
is "$RC:$(stored):$(lines "$T/err")" "0:1:1" "vacation reply fails: stored, exit 0, one line"
sv "$V"
is "$(nsent)" 1 "vacation reply failed before: answered this time"

# Eight deliveries of one message at once: one reply among them (the
# record is made atomically before the reply goes).
fresh
"$BIN/md-mkdir" "$M" >/dev/null
printf '%s\n' "$V" >"$S"
printf '#!/bin/sh\ncat >/dev/null\necho "$5" >>"%s/replies"\n' "$T" >"$T/logmail"
chmod +x "$T/logmail"
i=0
while [ $i -lt 8 ]; do
	"$MD" --sieve "$S" --sendmail "$T/logmail" -r carol@example.net \
	    -d alice@example.org "$M" <"$T/in" 2>>"$T/err8" &
	i=$((i + 1))
done
wait
is "$(stored):$(cat "$T/replies")" "8:carol@example.net" \
    "eight deliveries at once: all stored, one vacation reply"

# ---- duplicate ----

D='require ["duplicate", "fileinto"]; if duplicate { fileinto "Dup"; }'
fresh
sv "$D"
is "$(ls "$M/new" | wc -l)" 1 "duplicate: the first one is none"
sv "$D"
is "$(ls "$M/.Dup/new" | wc -l)" 1 "duplicate: the second, by its Message-ID, is"
sv 'require ["duplicate", "fileinto"]; if duplicate :handle "other" { fileinto "Dup"; }'
is "$(ls "$M/.Dup/new" | wc -l)" 1 "duplicate: another :handle has records of its own"
sv 'require ["duplicate", "fileinto"]; if duplicate :uniqueid "k1" { fileinto "Dup"; }'
sv 'require ["duplicate", "fileinto"]; if duplicate :uniqueid "k1" { fileinto "Dup"; }'
is "$(ls "$M/.Dup/new" | wc -l)" 2 "duplicate :uniqueid"
touch -d @1000000000 "$M"/mdkit-sieve/d-*
sv "$D"
is "$(ls "$M/.Dup/new" | wc -l)" 2 "duplicate: an expired record counts no more"
printf 'From: c@example.net\nSubject: no id\n\nbody\n' >"$T/in"
sv "$D"
sv "$D"
is "$(ls "$M/.Dup/new" | wc -l)" 2 "duplicate: a message without Message-ID is none"
msgfile ''

# :last: each duplicate moves the record's expiry; without it, it stays.
fresh
sv 'require "duplicate"; if duplicate :seconds 100 { keep; }'
m1=$(stat -c %Y "$M"/mdkit-sieve/d-*)
touch -d "@$((m1 - 50))" "$M"/mdkit-sieve/d-*
sv 'require "duplicate"; if duplicate :seconds 100 { keep; }'
is "$(stat -c %Y "$M"/mdkit-sieve/d-*)" "$((m1 - 50))" "duplicate without :last: the expiry stays"
sv 'require "duplicate"; if duplicate :last :seconds 100 { keep; }'
is "$(($(stat -c %Y "$M"/mdkit-sieve/d-*) >= m1))" 1 "duplicate :last: the expiry moved on"

# ---- the state directory is no folder ----

"$BIN/md-check" "$M" >"$T/out" 2>"$T/err"
is "$?:$(cat "$T/out" "$T/err")" "0:" "md-check: nothing to say of mdkit-sieve/"
"$BIN/md-list" -r "$M" >"$T/out" 2>&1
grep -q mdkit-sieve "$T/out"
isnt "$?" 0 "md-list -r: mdkit-sieve/ is no folder"
"$BIN/md-expunge" -r "$M" >"$T/out" 2>&1
is "$?:$(records | wc -l)" "0:1" "md-expunge -r leaves mdkit-sieve/ alone"
