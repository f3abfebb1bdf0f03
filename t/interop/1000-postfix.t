#!/bin/sh
# Postfix -> md-deliver, end to end: a private Postfix (t/interop/lib.sh)
# hands mail received over SMTP to md-deliver, first as local(8)'s
# mailbox_command, then through a pipe(8) service for virtual users,
# both exactly as contrib/mta/README shows them. Mail arrives once,
# byte for byte as sent below Postfix's trace lines; whatever an admin
# can fix is deferred, never bounced, and arrives once fixed; loops and
# oversized mail bounce, with the reason in Postfix's log.
MDKIT_BIN=${MDKIT_BIN:-$(cd "$(dirname "$0")/../.." && pwd)/build/bin}
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

need_servers postfix swaks
plan 63

# ---- the documented lines, the same in the man page ----
snippet mta/README 'mailbox_command = /usr/local/bin/md-deliver -e' \
    >"$T/mbox.cf"
snippet mta/README virtual_mailbox_domains >"$T/virtual.cf"
snippet mta/README 'mdkit     unix' >"$T/pipe.cf"
is "$(lines "$T/mbox.cf") $(lines "$T/virtual.cf") $(lines "$T/pipe.cf")" \
    "1 4 4" "contrib/mta/README has the three Postfix snippets"
for f in mbox virtual pipe; do
	in_man "$T/$f.cf" "$TOP/man/md-deliver.1"
	ok $? "md-deliver(1) shows contrib's $f lines"
done

# ---- helpers ----

# md_for NAME: a maildir ~NAME/Maildir owned by test user NAME.
md_for() {
	_u=$(eval "echo \$U_$1")
	mkmd "$T/u/$1/Maildir"
	chown -R "$_u:$_u" "$T/u/$1/Maildir"
	chmod -R go= "$T/u/$1/Maildir"
}

# logged PATTERN COUNT: wait (30 s at most) until Postfix's log has
# COUNT lines matching PATTERN; then how many it has.
logged() {
	_i=0
	while [ $_i -lt 300 ] && [ "$(pf_log "$1")" -lt "$2" ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	pf_log "$1"
}

# trace FILE: the names of the fields at the top of FILE that Postfix
# (or pipe(8)) added, on one line; body FILE: what follows them.
trace() {
	awk '/^(Return-Path|X-Original-To|Delivered-To|Received):/ {
	    sub(/:.*/, ""); printf "%s%s", s, $0; s = " "; next }
	    /^[ \t]/ { next } { exit }' "$1"
}
body() {
	awk 'top && /^(Return-Path|X-Original-To|Delivered-To|Received):/ { next }
	    top && /^[ \t]/ { next } { top = 0; print }' top=1 "$1"
}

# message SUBJECT FILE: a complete message (so that Postfix adds no
# header of its own) with lines SMTP must carry unchanged: a leading
# dot, a lone dot, "From " in the body, trailing blanks, an 8-bit byte.
message() {
	printf '%s\n' "From: Sender <sender@localhost>" "To: someone@localhost" \
	    "Date: Thu, 03 Dec 2026 12:00:00 +0000" \
	    "Message-ID: <$1@mdkit.test>" "Subject: $1" "" "body of $1" \
	    ".leading dot" "." "From the body" "trailing blanks   " \
	    "$(printf 'caf\351')" "end" >"$2"
}

# arrived DIR SUBJECT: how many messages in DIR's new/ carry SUBJECT.
arrived() {
	grep -lx "Subject: $2" "$1"/new/* 2>/dev/null | wc -l | tr -d ' '
}

make_user alice
make_user bob
make_user carol
make_user vmail
A=$U_alice
MA=$T/u/alice/Maildir
md_for alice

postfix_start
ok $? "a private Postfix listens on 127.0.0.1:$SMTP_PORT"
pf_set "$(adapt <"$T/mbox.cf")"

# ---- mailbox_command ----
message m1 "$T/m1"
send "$A@localhost" "$T/m1"
ok $? "SMTP accepts a message for $A"
is "$(logged "to=<$A@localhost>.*status=sent" 1)" 1 "Postfix logs it sent"
f=$(file_with "$MA/new" "Subject: m1")
is "$(trace "$f")" "Return-Path X-Original-To Delivered-To Received" \
    "stored below Postfix's Return-Path, X-Original-To, Delivered-To"
body "$f" >"$T/got"
same_bytes "$T/got" "$T/m1" "and then the message byte for byte as sent"
is "$(sed -n 1p "$f")" "Return-Path: <sender@localhost>" "Return-Path"
is "$(grep -c "^Delivered-To: $A@localhost\$" "$f")" 1 "one Delivered-To"
is "$(name_size "$f")" "$(fsize "$f")" ",S= is the file's size"

message m2 "$T/m2"
send "$A@localhost" "$T/m2" --from '<>'
is "$(logged "to=<$A@localhost>.*status=sent" 2)" 2 "a null sender's too"
f=$(file_with "$MA/new" "Subject: m2")
is "$(sed -n 1p "$f")" "Return-Path: <>" "Return-Path: <> for the null sender"

# 20 SMTP sessions at once.
i=1
while [ $i -le 20 ]; do
	message "p$i" "$T/p$i"
	send "$A@localhost" "$T/p$i" >/dev/null 2>&1 &
	i=$((i + 1))
done
wait
is "$(logged "to=<$A@localhost>.*status=sent" 22)" 22 \
    "20 parallel sessions: 20 more logged sent"
n=0
i=1
while [ $i -le 20 ]; do
	[ "$(arrived "$MA" "p$i")" = 1 ] && n=$((n + 1))
	i=$((i + 1))
done
is "$n $(count_files "$MA/new")" "20 22" "each arrived once, nothing else"

# Deferred, never bounced, and there once fixed: ... a missing maildir,
B=$U_bob
message d1 "$T/d1"
send "$B@localhost" "$T/d1"
is "$(logged "to=<$B@localhost>.*status=deferred" 1)" 1 \
    "no ~/Maildir: deferred"
grep "to=<$B@localhost>.*status=deferred" "$PFL/maillog" | tail -1 >&2
md_for bob
postqueue -c "$PF" -f
is "$(logged "to=<$B@localhost>.*status=sent" 1)" 1 \
    "made and the queue flushed: sent"
is "$(arrived "$T/u/bob/Maildir" d1) $(count_files "$T/u/bob/Maildir")" \
    "1 1" "it arrived once"

# ... an unwritable one,
chmod 500 "$MA/tmp"
message d2 "$T/d2"
send "$A@localhost" "$T/d2"
is "$(logged "to=<$A@localhost>.*status=deferred" 1)" 1 "tmp/ unwritable: deferred"
chmod 700 "$MA/tmp"
postqueue -c "$PF" -f
is "$(logged "to=<$A@localhost>.*status=sent" 23)" 23 "writable again: sent"
is "$(arrived "$MA" d2)" 1 "it arrived once"

# ... a full quota,
printf '1000S\n' >"$MA/maildirsize"
chown "$A:$A" "$MA/maildirsize"
message d3 "$T/d3"
send "$A@localhost" "$T/d3"
is "$(logged "to=<$A@localhost>.*status=deferred" 2)" 2 "over quota: deferred"
grep "to=<$A@localhost>.*status=deferred" "$PFL/maillog" | tail -1 >&2
grep -q "over quota" "$PFL/maillog"
ok $? "md-deliver's reason is in the log"
rm "$MA/maildirsize"
postqueue -c "$PF" -f
is "$(logged "to=<$A@localhost>.*status=sent" 24)" 24 "quota lifted: sent"
is "$(arrived "$MA" d3)" 1 "it arrived once"

# ... and a mistyped option.
pf_set "mailbox_command = $TB/md-deliver -e --craete"
message d4 "$T/d4"
send "$A@localhost" "$T/d4"
is "$(logged "to=<$A@localhost>.*status=deferred" 3)" 3 \
    "mailbox_command with a mistyped option: deferred"
grep "to=<$A@localhost>.*status=deferred" "$PFL/maillog" | tail -1 >&2
pf_set "$(adapt <"$T/mbox.cf")"
postqueue -c "$PF" -f
is "$(logged "to=<$A@localhost>.*status=sent" 25)" 25 "fixed: sent"
is "$(arrived "$MA" d4)" 1 "it arrived once"
is "$(pf_log "to=<($A|$B)@localhost>.*status=bounced")" 0 \
    "none of them bounced"

# A loop: local(8) itself refuses a message that already went to $A.
message l1 "$T/l1"
{ echo "Delivered-To: $A@localhost"; cat "$T/m1"; } >"$T/l1"
send "$A@localhost" "$T/l1"
is "$(logged "to=<$A@localhost>.*status=bounced" 1)" 1 "a loop bounces"
grep -q "to=<$A@localhost>.*status=bounced.*loop" "$PFL/maillog"
ok $? "and the log says it is a loop"

# An oversized message: md-deliver -s refuses it (65), Postfix bounces.
pf_set "$(adapt <"$T/mbox.cf") -s 2k"
message s1 "$T/s1"
repeat_byte 4000 x >>"$T/s1"
echo >>"$T/s1"
send "$A@localhost" "$T/s1"
is "$(logged "to=<$A@localhost>.*status=bounced" 2)" 2 \
    "a message over md-deliver -s bounces"
grep "to=<$A@localhost>.*status=bounced" "$PFL/maillog" | tail -1 >&2
grep -q "to=<$A@localhost>.*status=bounced.*larger than the size limit" \
    "$PFL/maillog"
ok $? "with md-deliver's reason in the log"
is "$(arrived "$MA" l1) $(arrived "$MA" s1)" "0 0" "neither was stored"
pf_set "$(adapt <"$T/mbox.cf")"

# The -c line: the first message makes ~/Maildir.
snippet mta/README 'mailbox_command = /usr/local/bin/md-deliver -c -e' \
    >"$T/mbox-c.cf"
pf_set "$(adapt <"$T/mbox-c.cf")"
message c1 "$T/c1"
send "$U_carol@localhost" "$T/c1"
is "$(logged "to=<$U_carol@localhost>.*status=sent" 1)" 1 \
    "with md-deliver -c -e, a user without ~/Maildir: sent"
is "$(arrived "$T/u/carol/Maildir" c1)" 1 "it arrived once"
is "$(fmode "$T/u/carol/Maildir") $(stat -c %U "$T/u/carol/Maildir")" \
    "700 $U_carol" "in a maildir of the user's, mode 0700"
pf_set "$(adapt <"$T/mbox.cf")"

# ---- --sieve: redirect and vacation, sent through this Postfix ----
# alice's script sends a copy to bob and answers carol. Postfix's own
# sendmail cannot reach a private instance (its setgid postdrop reads
# only the directories /etc/postfix/main.cf allows, and there is none):
# --sendmail is a script that takes sendmail's arguments and stdin as
# md-deliver gives them and hands them over by SMTP.
C=$U_carol
cat >"$TB/smtp-sendmail" <<EOC
#!/bin/sh
# -i -f SENDER -- RECIPIENT
[ "\$1 \$2 \$4" = "-i -f --" ] || exit 64
exec swaks --server 127.0.0.1 --port $SMTP_PORT --from "\$3" --to "\$5" \\
    --data - >/dev/null 2>&1
EOC
chmod 755 "$TB/smtp-sendmail"
printf 'require ["vacation", "copy", "envelope"];\nif envelope :is "to" "%s@localhost" {\n  redirect :copy "%s@localhost";\n  vacation :addresses "someone@localhost" "Away until Monday.";\n}\n' \
    "$A" "$B" >"$T/u/alice/s.sieve"
chown "$A" "$T/u/alice/s.sieve"
pf_set "mailbox_command = $TB/md-deliver -e --sieve=\$HOME/s.sieve --sendmail=$TB/smtp-sendmail"
message r1 "$T/r1"
send "$A@localhost" "$T/r1" --from "$C@localhost"
is "$(logged "to=<$B@localhost>.*status=sent" 2)" 2 \
    "--sieve redirect: Postfix takes the copy for bob and delivers it"
f=$(file_with "$T/u/bob/Maildir/new" "Subject: r1")
is "$(grep -c "^X-Sieve-Redirected-From: $A@localhost\$" "$f"):$(sed -n 1p "$f")" \
    "1:Return-Path: <$C@localhost>" \
    "bob's copy names alice, from the original sender"
is "$(arrived "$MA" r1)" 1 "alice keeps hers (:copy)"
is "$(logged "to=<$C@localhost>.*status=sent" 2)" 2 \
    "the vacation reply reaches carol"
f=$(file_with "$T/u/carol/Maildir/new" "Away until Monday.")
is "$(sed -n 1p "$f"):$(grep -c '^Auto-Submitted: auto-replied' "$f"):$(grep -c '^In-Reply-To: <r1@mdkit.test>' "$f")" \
    "Return-Path: <>:1:1" "from the null sender, Auto-Submitted, In-Reply-To"
message r2 "$T/r2"
send "$A@localhost" "$T/r2" --from "$C@localhost"
is "$(logged "to=<$B@localhost>.*status=sent" 3)" 3 "a second message: copied to bob too"
pf_idle
is "$(grep -l 'Away until Monday' "$T/u/carol/Maildir/new"/* | wc -l)" 1 \
    "carol is not answered twice within the period"
pf_set "$(adapt <"$T/mbox.cf")"

# ---- pipe(8), virtual users ----
V=$T/vmail/example.org
mkdir -p "$V/u1" "$V/u2"
mkmd "$V/u1/Maildir" "$V/u2/Maildir"
chown -R "$U_vmail:$U_vmail" "$T/vmail"
printf 'u1@example.org x\nu2@example.org x\n' >"$PF/vmailbox"
adapt <"$T/virtual.cf" >"$T/virtual.set"
adapt <"$T/pipe.cf" >>"$PF/master.cf"
# postconf -e takes one NAME=VALUE an argument.
tr '\n' '\0' <"$T/virtual.set" | xargs -0 postconf -c "$PF" -e
pf_reload
ok $? "the pipe(8) service and main.cf lines, reloaded"

message v1 "$T/v1"
send u1@example.org "$T/v1"
is "$(logged "to=<u1@example.org>.*relay=mdkit.*status=sent" 1)" 1 \
    "a message for a virtual user goes through the pipe"
f=$(file_with "$V/u1/Maildir/new" "Subject: v1")
is "$(trace "$f")" "Return-Path Delivered-To Received" \
    "stored below md-deliver's Return-Path and Delivered-To"
is "$(sed -n 1,2p "$f" | tr '\n' ' ')" \
    "Return-Path: <sender@localhost> Delivered-To: u1@example.org " \
    "from -r \${sender} and -d \${recipient}"
body "$f" >"$T/got"
same_bytes "$T/got" "$T/v1" "and then the message byte for byte"

message v2 "$T/v2"
send u1@example.org "$T/v2" --from '<>'
is "$(logged "to=<u1@example.org>.*relay=mdkit.*status=sent" 2)" 2 \
    "a null sender's through the pipe"
f=$(file_with "$V/u1/Maildir/new" "Subject: v2")
is "$(grep '^Return-Path:' "$f")" "Return-Path: <>" \
    "null_sender= keeps Return-Path: <>"

# md-deliver's own loop check (pipe(8) has its own with the D flag,
# which the snippet leaves out for this reason).
message v3 "$T/v3"
{ echo "Delivered-To: u2@example.org"; cat "$T/v3"; } >"$T/v3l"
send u2@example.org "$T/v3l"
is "$(logged "to=<u2@example.org>.*status=bounced" 1)" 1 \
    "a looping message bounces"
grep "to=<u2@example.org>.*status=bounced" "$PFL/maillog" | tail -1 >&2
grep -q "to=<u2@example.org>.*status=bounced.*md-deliver.*loop" "$PFL/maillog"
ok $? "with md-deliver's reason in the log"
is "$(count_files "$V/u2/Maildir")" 0 "and is not stored"

# A maildir the pipe cannot write: deferred, then there once.
chmod 500 "$V/u2/Maildir/tmp"
message v4 "$T/v4"
send u2@example.org "$T/v4"
is "$(logged "to=<u2@example.org>.*status=deferred" 1)" 1 \
    "through the pipe, an unwritable maildir: deferred"
chmod 700 "$V/u2/Maildir/tmp"
postqueue -c "$PF" -f
is "$(logged "to=<u2@example.org>.*status=sent" 1)" 1 "writable again: sent"
is "$(arrived "$V/u2/Maildir" v4) $(count_files "$V/u2/Maildir")" "1 1" \
    "it arrived once"

# ---- nothing else ----
message x1 "$T/x1"
send someone@example.com "$T/x1"
isnt "$?" 0 "mail for elsewhere is refused"
is "$(pf_log 'reject: RCPT .*<someone@example.com>: Recipient address rejected: no mail leaves a test')" \
    1 "at RCPT, by the error: transports (nothing relayed)"
pf_idle
is "$(postqueue -c "$PF" -p 2>&1 | grep -v '^--' | grep -c "$A\|$B\|@example.org")" \
    0 "no message for our users is left in the queue"
is "$(ss -Htln | awk '{ print $4 }' | grep -c ":$SMTP_PORT\$")" 1 \
    "the SMTP port is open once"
is "$(ss -Htln "sport = :$SMTP_PORT" | awk '{ print $4 }')" \
    "127.0.0.1:$SMTP_PORT" "on loopback only"
