#!/bin/sh
# Dovecot <-> mdkit on the same maildir: a private Dovecot IMAP server
# (t/interop/lib.sh), configured with contrib/mta/dovecot.conf, serves
# a maildir that md-deliver, md-flag, md-move and md-expunge work on,
# and each side sees what the other did: messages, sizes, bodies, flags,
# keywords, UIDs, folders. Dovecot's own files are never taken for mail,
# and with Dovecot's maildir quota on, md-check agrees with maildirsize.
MDKIT_BIN=${MDKIT_BIN:-$(cd "$(dirname "$0")/../.." && pwd)/build/bin}
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

need_servers dovecot
plan 47

# ---- the documented lines, the same in the man pages ----
snippet mta/dovecot.conf mail_location >"$T/location.conf"
is "$(lines "$T/location.conf")" 5 "contrib/mta/dovecot.conf has the mail_location block"
in_man "$T/location.conf" "$TOP/man/mdkit.7"
ok $? "mdkit(7) shows the same lines"
n=0
for p in md-deliver.1 mdkit.7; do
	quota=$(sed -n 's/^\.Ql \(quota = maildir:.*\)/\1/p' "$TOP/man/$p")
	snippet mta/dovecot.conf mail_plugins | grep -qxF "  $quota" && n=$((n + 1))
done
is "$n" 2 "the quota line md-deliver(1) and mdkit(7) name is contrib's"

make_user alice
M=$T/u/alice/Maildir
# au CMD...: as alice, who owns the maildir and whom Dovecot serves.
au() { as_user "$U_alice" "$@"; }
# ml, mf, mm, mx, mc: the programs as alice, output in $T/out and
# $T/err, status in RC (lib.sh's run).
ml() { run au "$TB/md-list" "$@"; }
mf() { run au "$TB/md-flag" -q "$@"; }
mm() { run au "$TB/md-move" -q "$@"; }
mx() { run au "$TB/md-expunge" "$@"; }
mc() { run au "$TB/md-check" "$@"; }

# flags_of SUBJECT: "UID FLAGS..." (flags sorted, \Recent left out) of
# the message with that subject, from the last imap's FETCH (UID FLAGS
# BODY.PEEK[HEADER.FIELDS (SUBJECT)]) answer.
flags_of() {
	tr -d '\r' <"$T/imap.out" | awk -v s="$1" '
	    /^\* [0-9]+ FETCH/ {
		uid = ""; fl = ""
		if (match($0, /UID [0-9]+/))
			uid = substr($0, RSTART + 4, RLENGTH - 4)
		if (match($0, /FLAGS \([^)]*\)/))
			fl = substr($0, RSTART + 7, RLENGTH - 8)
	    }
	    $0 == "Subject: " s {
		n = split(fl, f, " "); out = ""
		for (i = 1; i <= n; i++)
			if (f[i] != "\\Recent") out = out " " f[i]
		print uid "|" out
	    }' | {
		IFS='|' read -r uid fl
		printf '%s %s\n' "$uid" "$(printf '%s\n' $fl | sort | tr '\n' ' ' | sed 's/ $//')"
	}
}

# fetch FOLDER: UID, FLAGS and Subject of every message in FOLDER.
fetch() {
	imap alice <<EOC
EXAMINE $1
FETCH 1:* (UID FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])
EOC
}

# exists FOLDER: how many messages IMAP STATUS counts in FOLDER.
exists() {
	echo "STATUS $1 (MESSAGES)" | imap alice
	tr -d '\r' <"$T/imap.out" | sed -n 's/^\* STATUS .*(MESSAGES \([0-9]*\)).*/\1/p'
}

# path_of SUBJECT: the path of the message with that subject under M.
path_of() {
	grep -rlx --exclude='dovecot*' "Subject: $1" "$M"/new "$M"/cur \
	    "$M"/.[!.]*/new "$M"/.[!.]*/cur 2>/dev/null
}

# dovecot_files DIR: the names of Dovecot's files in DIR, on one line.
dovecot_files() {
	(cd "$1" && ls -d dovecot* 2>/dev/null | tr '\n' ' ')
}

au "$TB/md-mkdir" "$M"
for s in m1 m2 m3; do
	printf 'From: a@example.org\nSubject: %s\n\nbody of %s\nline two\n' \
	    "$s" "$s" >"$T/$s"
	au "$TB/md-deliver" "$M" <"$T/$s"
done

dovecot_start
ok $? "a private Dovecot listens on 127.0.0.1:$IMAP_PORT"
is "$(ss -Htln "sport = :$IMAP_PORT" | awk '{ print $4 }')" \
    "127.0.0.1:$IMAP_PORT" "on loopback only"

# ---- what md-deliver stored, as IMAP shows it ----
IMAP_SAVE=$T/lit imap alice <<EOC
SELECT INBOX
FETCH 1:* (RFC822.SIZE BODY.PEEK[])
EOC
is "$RC" 0 "IMAP login, SELECT and FETCH"
is "$(grep -c '^\* 3 EXISTS' "$T/imap.out")" 1 "3 messages"
good=0
for i in 1 2 3; do
	s=$(tr -d '\r' <"$T/lit.$i" | sed -n 's/^Subject: //p')
	f=$(path_of "$s")
	sed 's/$/\r/' "$f" >"$T/crlf"
	size=$(tr -d '\r' <"$T/imap.out" | grep "^\* $i FETCH" |
	    sed -n 's/.*RFC822.SIZE \([0-9]*\).*/\1/p')
	if cmp -s "$T/lit.$i" "$T/crlf" && [ "$size" = "$(bytes "$T/crlf")" ]; then
		good=$((good + 1))
	else
		diag "$s: RFC822.SIZE $size, file $f"
	fi
done
is "$good" 3 "each body as stored (CRLF), RFC822.SIZE its size with CRLF"

# ---- IMAP STORE, seen by md-list's filters ----
fetch INBOX
uid2=$(flags_of m2 | cut -d' ' -f1)
imap alice <<EOC
SELECT INBOX
UID STORE $uid2 +FLAGS (\\Seen \$Work)
UNSELECT
EOC
is "$RC" 0 "IMAP STORE \\Seen \$Work on m2"
ml -X S "$M"
is "$(cat "$T/out")" "$(path_of m2)" "md-list -X S lists m2 only"
ml -K '$Work' "$M"
is "$(cat "$T/out")" "$(path_of m2)" "md-list -K \$Work lists m2 only"
ml -k '$Work' -x S "$M"
is "$(sort "$T/out" | tr '\n' ' ')" "$( (path_of m1; path_of m3) | sort | tr '\n' ' ')" \
    "md-list -k \$Work -x S lists the other two"

# ---- md-flag, seen in FETCH FLAGS, UIDs unchanged ----
fetch INBOX
before=$(flags_of m1)
uid1=${before%% *}
mf -F -K '$Work' "$(path_of m1)"
is "$RC" 0 "md-flag -F -K \$Work on m1"
fetch INBOX
is "$(flags_of m1)" "$uid1 \$Work \\Flagged" "IMAP sees \\Flagged \$Work, same UID"
mf -k '$Work' -S "$(path_of m1)"
fetch INBOX
is "$(flags_of m1)" "$uid1 \\Flagged \\Seen" "and the keyword cleared, \\Seen set"
is "$(flags_of m2)" "$uid2 \$Work \\Seen" "m2 as IMAP left it"

# ---- md-move and md-expunge, seen by IMAP ----
run au "$TB/md-mkdir" -f Archive "$M"
is "$RC" 0 "md-mkdir -f Archive"
# mdkit's runs back to back, Dovecot idle: its files as they were.
files=$(dovecot_files "$M")
mm -f Archive -m "$M" "$(path_of m3)"
is "$RC" 0 "md-move m3 to Archive"
mf -T "$(path_of m2)"
mx "$M"
is "$RC" 0 "md-expunge removes the trashed m2"
is "$(dovecot_files "$M")|$(dovecot_files "$M/.Archive")" "$files|" \
    "Dovecot's files neither moved nor expunged"
is "$(exists INBOX) $(exists Archive)" "1 1" "IMAP: INBOX 1, Archive 1"
fetch Archive
is "$(flags_of m3 | cut -d' ' -f2-)" "" "m3 in Archive, no flags"
fetch INBOX
is "$(flags_of m2)" " " "m2 gone"

# ---- what Dovecot APPENDs ----
printf 'From: b@example.org\nSubject: a1\n\nappended\n' | sed 's/$/\r/' >"$T/a1"
imap alice <<EOC
APPEND INBOX (\\Seen) {@$T/a1}
EOC
is "$RC" 0 "IMAP APPEND a1 (\\Seen)"
f=$(path_of a1)
case ${f##*/} in
*,S=*,W=*:2,S) r=0 ;;
*) r=1 ;;
esac
ok $r "Dovecot named it ,S=..,W=..:2,S (${f##*/})"
is "$(basename "$f" | sed -n 's/.*,S=\([0-9]*\),.*/\1/p')" "$(fsize "$f")" \
    ",S= is the file's size"
ml -X S "$M"
is "$(sort "$T/out" | tr '\n' ' ')" "$( (path_of m1; path_of a1) | sort | tr '\n' ' ')" \
    "md-list -X S lists it with m1"
fetch INBOX
uida=$(flags_of a1 | cut -d' ' -f1)
mf -F -K '$Work' "$f"
is "$RC" 0 "md-flag -F -K \$Work on it"
fetch INBOX
is "$(flags_of a1)" "$uida \$Work \\Flagged \\Seen" "IMAP sees the flags, same UID"
# In Archive, IMAP gives keyword 0 another name than INBOX's $Work.
fetch Archive
m3=$(flags_of m3 | cut -d' ' -f1)
imap alice <<EOC
SELECT Archive
UID STORE $m3 +FLAGS (\$Junk)
UNSELECT
EOC
# Keyword letters are each folder's own (its dovecot-keywords), and
# mdkit never writes that file: a keyword Archive does not name cannot
# go there, and md-move leaves the message where it is (md-move(1)).
mm -f Archive -m "$M" "$(path_of a1)"
is "$RC $(exists INBOX) $(exists Archive)" "1 2 1" \
    "md-move into a folder that names no \$Work: refused, the message stays"
# Once Archive names it (set and cleared by IMAP), the message takes
# Archive's letter for it.
imap alice <<EOC
SELECT Archive
UID STORE $m3 +FLAGS (\$Work)
UID STORE $m3 -FLAGS (\$Work)
UNSELECT
EOC
mm -f Archive -m "$M" "$(path_of a1)"
is "$(exists INBOX) $(exists Archive)" "1 2" "md-move: IMAP sees it in Archive"
fetch Archive
is "$(flags_of a1 | cut -d' ' -f2- | tr ' ' '\n' | grep '^\\' | tr '\n' ' ')" \
    "\\Flagged \\Seen " "with its flags"
is "$(flags_of a1 | cut -d' ' -f2-)" "\$Work \\Flagged \\Seen" \
    "and its keyword \$Work, as IMAP MOVE keeps it"

# ---- Dovecot's own files are not mail ----
n=0
for g in dovecot-uidlist 'dovecot.index*' dovecot-keywords 'dovecot-uidvalidity*'; do
	[ -n "$(cd "$M" && find . -maxdepth 1 -name "$g")" ] && n=$((n + 1))
done
is "$n" 4 "Dovecot made its files in the maildir"

# ---- Sieve's records (mdkit-sieve/) are no folder to Dovecot ----
au sh -c "printf 'require \"duplicate\"; if duplicate { keep; } discard;\n' >'$T/u/alice/dup.sieve'"
printf 'Message-ID: <d1@example.org>\nSubject: d1\n\nbody\n' |
    au "$TB/md-deliver" --sieve "$T/u/alice/dup.sieve" "$M"
# (one record: the script's kept parse, c-*, is not one)
is "$?:$(ls "$M/mdkit-sieve" 2>/dev/null | grep -vc '^c-')" "0:1" \
    "md-deliver --sieve keeps duplicate's record in mdkit-sieve/"
imap alice <<EOC
LIST "" "*"
EOC
tr -d '\r' <"$T/imap.out" | grep '^\* LIST' >"$T/list"
is "$(grep -c ' INBOX$' "$T/list"):$(grep -ci sieve "$T/list")" 1:0 \
    "IMAP LIST shows INBOX, and not mdkit-sieve/"
ml --recursive "$M"
is "$(grep -c dovecot "$T/out")" 0 "md-list --recursive lists none of them"
mc -r "$M"
is "$RC:$(cat "$T/out")" "0:" "md-check -r finds nothing to report"

# ---- Dovecot's maildir quota: md-check agrees with maildirsize ----
dovecot_stop
ok $? "Dovecot stopped"
dovecot_start mail_plugins
ok $? "and started again with contrib's quota lines"
printf 'Subject: q1\n\n%0500d\n' 0 | sed 's/$/\r/' >"$T/q1"
printf 'Subject: q2\n\n%0900d\n' 0 | sed 's/$/\r/' >"$T/q2"
imap alice <<EOC
APPEND INBOX {@$T/q1}
APPEND INBOX {@$T/q2}
GETQUOTAROOT INBOX
EOC
is "$RC" 0 "IMAP APPEND two messages, GETQUOTAROOT"
# sums: "bytes count" of maildirsize's lines after the first; held:
# the same of the messages' ,S= sizes in the maildir and its folders.
sums() {
	awk 'NR > 1 { b += $1; c += $2 } END { print b + 0, c + 0 }' \
	    "$M/maildirsize"
}
held() {
	find "$M" -path '*/new/*' -o -path '*/cur/*' | sed -n 's/.*,S=\([0-9]*\).*/\1/p' |
	    awk '{ b += $1; c++ } END { print b + 0, c + 0 }'
}
[ -f "$M/maildirsize" ]
ok $? "Dovecot keeps maildirsize"
is "$(sums)" "$(held)" "its sums are what the maildir holds"
mc -r "$M"
is "$RC:$(cat "$T/out")" "0:" "md-check -r agrees with it after APPEND"
imap alice <<EOC
SELECT INBOX
SEARCH SUBJECT q1
STORE 1:* +FLAGS (\\Deleted)
EXPUNGE
EOC
is "$RC" 0 "IMAP EXPUNGE of INBOX"
is "$(sums)" "$(held)" "its sums are still what the maildir holds"
mc -r "$M"
is "$RC:$(cat "$T/out")" "0:" "md-check -r agrees with it after EXPUNGE"
