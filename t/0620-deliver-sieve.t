#!/bin/sh
# md-deliver --sieve: the script's stores are folders of the maildir given
# (INBOX its root, names as Dovecot writes them), one file linked into
# each; a script that fails keeps the message in INBOX with one line on
# stderr; discard stores nothing; reject exits 77 with the reason.
. "$(dirname "$0")/lib.sh"

plan 31

M=$T/M
S=$T/s.sieve
printf 'From: Bob <bob@example.com>\nTo: alice@example.org\nSubject: =?utf-8?q?Entw=C3=BCrfe?= weekly\nList-Id: <devel.lists.example>\n\nbody\n' >"$T/in"

sieve() {
	printf '%s\n' "$1" >"$S"
	rm -rf "$M"
	mkmd "$M"
	deliver --sieve "$S" -r sender@example.net -d alice@example.org "$M" <"$T/in"
}

sieve 'require "fileinto";
if header :contains "list-id" "devel" { fileinto "Lists.Devel"; }'
is "$RC" 0 "fileinto: exit 0"
is "$(placed "$M")" ".Lists.Devel/new" "fileinto: stored in the folder only"
test -f "$M/.Lists.Devel/maildirfolder"
ok $? "fileinto: the folder is made as md-mkdir makes it"

sieve 'require ["fileinto", "copy"];
fileinto :copy "A"; fileinto "B"; fileinto "A"; keep; fileinto "INBOX";'
is "$RC" 0 "several stores: exit 0"
is "$(placed "$M")" ".A/new .B/new new" "several stores: A, B and INBOX, each once"
a=$(ls "$M/.A/new")
is "$(stat -c %i "$M/.A/new/$a")" "$(stat -c %i "$M/.B/new/$a")" \
    "several stores: one file, linked into each folder"
is "$(stat -c %h "$M/.A/new/$a")" 3 "several stores: three links, no tmp/ left"

sieve 'require "fileinto";
if header :contains "subject" "Entwürfe" { fileinto "INBOX.Entwürfe"; }'
is "$(placed "$M")" ".Entw&APw-rfe/new" \
    "a non-ASCII folder in modified UTF-7, as Dovecot names it"

sieve 'require ["fileinto", "envelope"];
if envelope :domain "from" "example.net" { fileinto "Env"; }
if envelope :is "to" "alice@example.org" { fileinto "To"; }'
is "$(placed "$M")" ".Env/new .To/new" "envelope from -r and -d"

printf 'require "fileinto";\nif envelope "from" "x" { fileinto "E"; }\n' >"$S"
SENDER=bob@example.com RECIPIENT=alice@example.org \
    deliver -e --sieve "$S" "$M" <"$T/in"
is "$RC" 0 "a script error: exit status of the store"
err_has "s.sieve:2:" "a script error: FILE:LINE on stderr"
is "$(lines "$T/err")" 1 "a script error: one line"

printf 'require ["fileinto", "envelope"];\nif envelope :domain "from" "example.com" { fileinto "Env"; }\n' >"$S"
rm -rf "$M"
mkmd "$M"
SENDER=bob@example.com deliver -e --sieve "$S" "$M" <"$T/in"
is "$(placed "$M")" ".Env/new" "-e: the envelope sender from SENDER"

sieve 'if header :contains "subject" "weekly" { discard; }'
is "$RC" 0 "discard: exit 0"
is "$(placed "$M")" "" "discard: stored nowhere"
is "$(ls "$M/tmp")" "" "discard: tmp/ is empty"

sieve 'require "reject";
reject "we do not want it";'
is "$RC" 77 "reject: exit 77"
err_has "we do not want it" "reject: the reason on stderr"
is "$(placed "$M")" "" "reject: stored nowhere"
deliver --qmail --sieve "$S" "$M" <"$T/in"
is "$RC:$(placed "$M")" "100:" "reject with --qmail: 100, qmail's bounce"

sieve 'require "fileinto";
if header :is "subject" { keep; }'
is "$RC" 0 "a script that does not parse: exit 0"
is "$(placed "$M")" "new" "a script that does not parse: kept in INBOX"
err_has "s.sieve:2: 'header' needs a string list as argument 2" \
    "a script that does not parse: what and where"

rm -f "$S"
rm -rf "$M"
mkmd "$M"
deliver --sieve "$S" "$M" <"$T/in"
is "$RC:$(placed "$M")" "0:new" "a missing script: kept in INBOX, exit 0"
err_has "s.sieve: No such file or directory" "a missing script: said"

sieve 'require "fileinto";
fileinto "a/b";'
is "$RC:$(placed "$M")" "0:new" "a folder name that cannot be: kept in INBOX"

sieve 'require ["fileinto", "imap4flags"];
addflag "\\Seen"; fileinto "Read"; fileinto :flags "\\Flagged" "Flagged";'
is "$(placed "$M")" ".Flagged/cur:2,F .Read/cur:2,S" "imap4flags: system flags in the file name"

sieve 'require ["mailbox", "fileinto"];
if mailboxexists "INBOX.Lists" { fileinto "Lists"; } else { fileinto :create "Other"; }'
is "$(placed "$M")" ".Other/new" "mailboxexists: a folder not there"
printf 'require ["mailbox", "fileinto"];\nif mailboxexists ["INBOX", "INBOX.Lists"] { fileinto "Lists"; }\n' >"$S"
rm -rf "$M"
mkmd "$M" "$M/.Lists"
deliver --sieve "$S" "$M" <"$T/in"
is "$(placed "$M")" ".Lists/new" "mailboxexists: folders there"

printf 'require "imap4flags";\nkeep :flags ["\\\\Seen", "junk", "NotListed"];\n' >"$S"
rm -rf "$M"
mkmd "$M"
printf '0 Junk\n1 $Label1\n' >"$M/dovecot-keywords"
deliver --sieve "$S" "$M" <"$T/in"
is "$(placed "$M")" "cur:2,Sa" \
    "imap4flags: a keyword by its letter in dovecot-keywords, one not listed left out"

rm -rf "$M"
mkmd "$M"
deliver --sieve "$S" -M "$M" </dev/null
is "$RC" 75 "--sieve with -M: a usage error, 75"
