#!/bin/sh
# Installs what building and testing mdkit needs on Debian, if missing.
# As root it runs apt-get; otherwise it prints the command and fails.
#
#	sh contrib/install-deps.sh [EXTRA-PACKAGE ...]
set -eu

# strace and valgrind: program tests watch system calls, and the unit
# tests run under valgrind's leak check too.
need="libbsd-dev libcmocka-dev mandoc perl make gcc strace valgrind $*"
missing=""
for p in $need; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "mdkit: missing:$missing (no apt-get here: install them yourself)" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "mdkit: missing:$missing" >&2
	echo "mdkit: run: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "mdkit: installing$missing" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
