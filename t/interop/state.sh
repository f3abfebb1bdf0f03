#!/bin/sh
# t/interop/state.sh: what the interop tests could leave behind on this
# machine, printed so that two runs can be compared (make check-interop
# diffs the state before and after the tests): users and groups,
# Postfix and Dovecot processes and their listening sockets, the
# system's own Postfix and Dovecot configuration and state, and scratch
# directories of the tests.
echo "== users"
getent passwd | cut -d: -f1 | sort
echo "== groups"
getent group | cut -d: -f1 | sort
# Not zombies: a server's child that exits after its master is reaped
# by PID 1, whenever that gets to it.
echo "== processes"
ps -eo stat=,user=,comm= | awk '$1 !~ /^Z/ && ($2 == "postfix" ||
    $2 == "dovecot" || $2 == "dovenull" || $2 ~ /^mdkit-t/ ||
    $3 == "master" || $3 == "dovecot") { print $2, $3 }' | sort
echo "== listening"
ss -Htlnp 2>/dev/null | grep -E '"(master|smtpd|dovecot|imap-login)"' |
    awk '{ print $4 }' | sort
echo "== files"
ls -la /etc/postfix /etc/dovecot /var/spool/postfix /var/lib/postfix \
    /var/lib/dovecot /run/dovecot 2>&1 | sed 's/ [A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]* / /'
ls -d "${TMPDIR:-/tmp}"/mdkit-t.*/postfix "${TMPDIR:-/tmp}"/mdkit-t.*/dovecot 2>/dev/null
exit 0
