#!/bin/sh
# Installs what building and testing mdkit needs on Debian, if missing.
# As root it runs apt-get; otherwise it prints the command and fails.
#
#	sh contrib/install-deps.sh [EXTRA-PACKAGE ...]
#	sh contrib/install-deps.sh --only PACKAGE ...
#	sh contrib/install-deps.sh --interop
#
# --only: those packages and nothing of the test suite's (make deb).
# --interop: the real MTA and IMAP server make check-interop runs mdkit
# with (t/interop/): Postfix, swaks and Dovecot's IMAP server, installed
# but never configured or started by Debian (the test runs its own
# instances, on loopback, from private configuration directories).
set -eu

interop=
if [ "${1-}" = --interop ]; then
	interop=1
	shift
fi

# strace and valgrind: program tests watch system calls, and the unit
# tests run under valgrind's leak check too.
# pkgconf: t/0950 builds against an installed libmaildir with pkg-config.
# dpkg-dev, debhelper, lintian: t/0955 builds the Debian packages and
# lints them. time: t/0186 reads peak memory from /usr/bin/time.
need="libbsd-dev libcmocka-dev mandoc perl make gcc strace valgrind pkgconf
    dpkg-dev debhelper lintian time"
# Peers the tests check us against, installed without their recommended
# packages (maildrop's would bring a whole MTA): maildrop has Courier's
# maildirmake and deliverquota, for the Maildir++ quota (t/0440); zsh
# runs the zsh completion (t/0965, t/0967); bash-completion loads the bash
# one as it is installed (t/0965); dovecot-sieve has Pigeonhole's
# sieve-test, the Sieve oracle (t/0610).
peers="maildrop zsh bash-completion dovecot-sieve"
# Servers for --interop, without recommends too (postfix's would add
# python3 and more; dovecot-core's ssl-cert is a hard dependency), and
# what the tests watch and run them with: ps and pgrep (procps), ss
# (iproute2), useradd (passwd), not in every minimal Debian.
servers=
[ -z "$interop" ] ||
    servers="postfix swaks dovecot-imapd procps iproute2 passwd"
if [ "${1-}" = --only ]; then
	shift
	need= peers=
fi
need="$need $*"

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
mpeers=$(not_installed $peers $servers)
[ -z "$missing$mpeers" ] && exit 0

# Installing Postfix would remove whatever other MTA owns
# /usr/sbin/sendmail: that is no test's to do.
case $mpeers in
*' postfix'*)
	if [ -e /usr/sbin/sendmail ]; then
		echo "mdkit: not installing postfix: another MTA has /usr/sbin/sendmail" >&2
		exit 1
	fi
	;;
esac

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
apt-get -o DPkg::Lock::Timeout=600 update -qq
if [ -n "$missing" ]; then
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq $missing >/dev/null
fi
[ -z "$mpeers" ] && exit 0
# Postfix asks what kind of mail system this is: none, so that it writes
# no main.cf and the installed instance stays unused.
echo "postfix postfix/main_mailer_type select No configuration" |
    debconf-set-selections
# Packages start their daemons on install unless policy-rc.d says no
# (status 101): one is put in place for this install when there is none.
rcd=
if [ ! -e /usr/sbin/policy-rc.d ]; then
	rcd=/usr/sbin/policy-rc.d
	trap 'rm -f "$rcd"' EXIT
	printf '#!/bin/sh\nexit 101\n' >"$rcd"
	chmod 755 "$rcd"
fi
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends $mpeers >/dev/null
