#!/bin/sh
# The Exim, OpenSMTPD and qmail lines of contrib/mta/README, taken from
# the file and run as each MTA runs its command (its environment, its
# working directory, the variables it expands), so that a documented
# line cannot drift from a working one. Postfix's and Dovecot's lines
# run with the real servers in t/interop/.
. "$(dirname "$0")/lib.sh"

plan 10

README=$(dirname "$0")/../contrib/mta/README
[ -f "$README" ] || skip_all "no contrib/mta/README"

# line PREFIX: the first line of README that is PREFIX after its
# indentation, the indentation gone, /usr/local/bin/ made $BIN/.
line() {
	awk -v p="$1" '{ sub(/^ +/, "") } index($0, p) == 1 { print; exit }' \
	    "$README" | sed "s,/usr/local/bin/,$BIN/,g"
}

H=$T/home
mkdir "$H"
"$BIN/md-mkdir" "$H/Maildir"
msg='Subject: contrib\n\nbody\n'

# qmail-local runs the line after '|' with sh -c in the user's home,
# SENDER and RECIPIENT set, DTLINE and RPLINE holding its own headers.
q=$(line '|' | sed 's/^|//')
is "$(printf '%s' "$q" | cut -d' ' -f2)" "--qmail" "qmail: the line uses --qmail"
(cd "$H" && printf "$msg" | env HOME="$H" SENDER=a@example.org \
    RECIPIENT=u@example.org sh -c "$q") >"$T/out" 2>"$T/err"
is "$?:$(count_files "$H/Maildir/new")" "0:1" "qmail: delivered, exit 0"
mv "$H/Maildir" "$H/gone"
(cd "$H" && printf "$msg" | env HOME="$H" SENDER=a@example.org \
    RECIPIENT=u@example.org sh -c "$q") >"$T/out" 2>"$T/err"
is "$?" 111 "qmail: no maildir: 111, which qmail retries"
mv "$H/gone" "$H/Maildir"

# Exim's pipe transport: the command split into words after expanding
# $local_part and $domain, SENDER and RECIPIENT set, no shell; with
# return_path_add and envelope_to_add Exim puts its own lines on top.
x=$(line 'command = ' | sed 's/^command = //; s/\$local_part/u/; s/\$domain/example.org/')
printf 'Return-path: <a@example.org>\nEnvelope-to: u@example.org\nSubject: exim\n\nbody\n' >"$T/exim"
# shellcheck disable=SC2086
env -i HOME="$H" PATH=/usr/bin:/bin SENDER=a@example.org \
    RECIPIENT=u@example.org LOCAL_PART=u DOMAIN=example.org $x \
    <"$T/exim" >"$T/out" 2>"$T/err"
is "$?" 0 "Exim: the transport's command delivers, exit 0"
f=$(grep -l 'Subject: exim' "$H/Maildir/new"/*)
is "$(grep -ci '^Return-path:' "$f")" 1 "Exim: one Return-path (Exim's), not two"
is "$(grep -c '^Delivered-To: u@example.org$' "$f")" 1 "Exim: Delivered-To from -d"
is "$(line 'temp_errors = ')" "temp_errors = 75" \
    "Exim: temp_errors names md-deliver's 75"

# OpenSMTPD runs the mda string with sh -c as the user, HOME set,
# SENDER, RECIPIENT and ORIGINAL_RECIPIENT in its environment.
o=$(line 'action "local" mda ' | sed 's/^action "local" mda "//; s/"$//')
printf 'Subject: smtpd\n\nbody\n' | env -i HOME="$H" PATH=/usr/bin:/bin \
    SENDER= RECIPIENT=u@example.org ORIGINAL_RECIPIENT=u@example.org \
    sh -c "$o" >"$T/out" 2>"$T/err"
is "$?" 0 "OpenSMTPD: the mda line delivers into ~/Maildir, exit 0"
f=$(grep -l 'Subject: smtpd' "$H/Maildir/new"/*)
is "$(sed -n 1p "$f")" "Return-Path: <>" "OpenSMTPD: a null sender kept as <>"
is "$(count_files "$H/Maildir/new")" 3 "three messages in all, none lost"
