#!/bin/sh
# Installs what building and testing mdkit needs on Debian, if missing.
# As root it runs apt-get; otherwise it prints the command and fails.
#
#	sh contrib/install-deps.sh [EXTRA-PACKAGE ...]
set -eu

# strace and valgrind: program tests watch system calls, and the unit
# tests run under valgrind's leak check too.
# pkgconf: t/0950 builds against an installed libmaildir with pkg-config.
need="libbsd-dev libcmocka-dev mandoc perl make gcc strace valgrind pkgconf $*"
# Peers the tests check us against, installed without their recommended
# packages (maildrop's would bring a whole MTA): maildrop has Courier's
# maildirmake and deliverquota, for the Maildir++ quota (t/0440);
# dovecot-sieve has Pigeonhole's sieve-test, the Sieve oracle (t/0610).
peers="maildrop dovecot-sieve"

# not_installed PACKAGE...: those of them dpkg does not have.
not_installed() {
	for p; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q 'install ok installed'; then
			printf ' %s' "$p"
		fi
	done
}
missing=$(not_installed $need)
mpeers=$(not_installed $peers)
[ -z "$missing$mpeers" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "mdkit: missing:$missing (no apt-get here: install them yourself)" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "mdkit: missing:$missing$mpeers" >&2
	[ -z "$missing" ] ||
	    echo "mdkit: run: sudo apt-get install -y$missing" >&2
	[ -z "$mpeers" ] ||
	    echo "mdkit: run: sudo apt-get install -y --no-install-recommends$mpeers" >&2
	exit 1
fi
echo "mdkit: installing$missing$mpeers" >&2
apt-get update -qq
if [ -n "$missing" ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
if [ -n "$mpeers" ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $mpeers >/dev/null
fi
