# t/interop/lib.sh: a private Postfix and a private Dovecot for the
# interop tests, on 127.0.0.1 only, from configuration directories under
# $T; test users made for them; everything stopped and removed at exit.
#
#	. "$(dirname "$0")/../lib.sh"
#	. "$(dirname "$0")/lib.sh"
#	need_servers postfix swaks      # skips the whole test unless there
#	make_user alice                 # $U_alice: its name; home $T/u/alice
#	postfix_start                   # SMTP on 127.0.0.1:$SMTP_PORT
#	send "$U_alice@localhost" "$T/msg"   # one message by SMTP (swaks)
#	dovecot_start                   # IMAP on 127.0.0.1:$IMAP_PORT
#	imap alice <"$T/commands"       # the answers in $T/imap.out
#
# Nothing is configured or started on the machine itself: Postfix runs
# as `postfix -c $T/postfix/etc`, with its own queue, data and log
# directories, and relays nowhere (every non-local transport is error:);
# Dovecot as `dovecot -c $T/dovecot/dovecot.conf`, with its own base,
# state and log paths. Test users are named mdkit-tPID-NAME. As root,
# neither needs the system's own configuration (no main.cf of Debian's,
# no alternate_config_directories).

IDIR=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$IDIR/../.." && pwd)
PF=$T/postfix/etc
PFQ=$T/postfix/queue
PFL=$T/postfix/log
DV=$T/dovecot
_users=
_pf_up=
_dv_up=

# The scratch directory, HOME and the programs must be reachable by the
# test users that Postfix runs md-deliver as.
chmod 711 "$T" "$HOME"
TB=$T/bin
mkdir "$TB" && cp "$BIN"/md-* "$TB" && chmod 755 "$TB" "$TB"/md-* || {
	echo "Bail out! cannot copy the programs to $TB"
	exit 1
}

_interop_cleanup() {
	# The servers' processes: their masters and the masters' children.
	_kids=$(for _m in $_pf_up $_dv_up; do pgrep -P "$_m"; done 2>/dev/null)
	[ -z "$_pf_up" ] || postfix -c "$PF" stop >/dev/null 2>&1
	[ -z "$_dv_up" ] || dovecot -c "$DV/dovecot.conf" stop >/dev/null 2>&1
	# All of them gone (10 s at most), then anything left of the test
	# users, then the users.
	_i=0
	while [ $_i -lt 100 ] && _alive $_pf_up $_dv_up $_kids; do
		sleep 0.1
		_i=$((_i + 1))
	done
	for _u in $_users; do
		pkill -KILL -u "$_u" 2>/dev/null
		userdel "$_u" 2>/dev/null
	done
	_cleanup
}
trap _interop_cleanup EXIT

# _alive PID...: one of them is still running (a zombie is not).
_alive() {
	for _p; do
		case $(ps -o stat= -p "$_p" 2>/dev/null) in
		'' | Z*) ;;
		*) return 0 ;;
		esac
	done
	return 1
}

# master_pid FILE: the PID in a pid file (Postfix pads it with blanks).
master_pid() {
	tr -d ' \n' <"$1" 2>/dev/null
}

# need_servers WHAT...: skip the whole test unless we are root (to run
# the servers and add users) and each of WHAT is installed.
need_servers() {
	is_root || skip_all "not root: cannot run Postfix and Dovecot or add users"
	for _c in useradd userdel setpriv ps pgrep pkill ss perl; do
		command -v "$_c" >/dev/null 2>&1 ||
		    skip_all "no $_c (make check-interop installs it as root)"
	done
	for _w; do
		case $_w in
		postfix) _p=/usr/sbin/postfix ;;
		dovecot) _p=/usr/sbin/dovecot ;;
		*) _p=$(command -v "$_w") ;;
		esac
		[ -x "$_p" ] || skip_all "no $_w (make check-interop installs it as root)"
	done
}

# free_port: a TCP port that nothing listens on, above 20000.
free_port() {
	while :; do
		_p=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
		ss -Htln "sport = :$_p" 2>/dev/null | grep -q . || break
	done
	echo "$_p"
}

# make_user NAME: a Unix user for mail, home $T/u/NAME (no shell); its
# name in U_NAME. Removed at exit.
make_user() {
	_name=mdkit-t$$-$1
	mkdir -p "$T/u"
	chmod 711 "$T/u"
	useradd --no-create-home --home-dir "$T/u/$1" --shell /usr/sbin/nologin \
	    --user-group "$_name" || {
		echo "Bail out! useradd $_name failed"
		exit 1
	}
	_users="$_users $_name"
	mkdir "$T/u/$1"
	chown "$_name:$_name" "$T/u/$1"
	eval "U_$1=\$_name"
}

# as_user NAME CMD...: CMD as test user NAME.
as_user() {
	_who=$1
	shift
	setpriv --reuid="$_who" --regid="$_who" --init-groups "$@"
}

# snippet FILE KEY: from contrib/FILE, the block whose first line begins
# with KEY (after an indent of four spaces, which is taken off each of
# its lines), up to the next empty line: the tests run what the
# documentation shows.
snippet() {
	awk -v k="$2" '{ sub(/^    /, "") }
	    index($0, k) == 1 { on = 1 } on && /^$/ { exit } on { print }' \
	    "$TOP/contrib/$1"
}

# adapt: a contrib snippet on stdin with what a real installation names
# pointed into T: the installed programs to the copies in $TB, /var/vmail
# to $T/vmail, the vmail user to $U_vmail, Postfix's hash: map to a
# texthash: one in $PF (no postmap needed).
adapt() {
	sed -e "s|/usr/local/bin/|$TB/|g" -e "s|/var/vmail|$T/vmail|g" \
	    -e "s|user=vmail|user=${U_vmail:-vmail}|" \
	    -e "s|hash:/etc/postfix/|texthash:$PF/|"
}

# in_man SNIPPET-FILE MAN: every line of the file, blanks squeezed, is a
# line of the man page's source too.
in_man() {
	tr -s ' \t' '  ' <"$2" | sed 's/^ //' >"$T/man.lines"
	tr -s ' \t' '  ' <"$1" | sed 's/^ //' | while IFS= read -r _l; do
		grep -qxF -- "$_l" "$T/man.lines" || {
			echo "not in $2: $_l" >&2
			return 1
		}
	done
}

# ---- Postfix ----

# postfix_start: a Postfix instance in $PF, SMTP on 127.0.0.1:$SMTP_PORT,
# local delivery for user@localhost only, its log in $PF/log/maillog.
postfix_start() {
	SMTP_PORT=$(free_port)
	mkdir -p "$PF" "$PFL" "$PFQ" "$T/postfix/data"
	chown postfix "$T/postfix/data"
	cat >"$PF/main.cf" <<EOC
compatibility_level = 3.6
queue_directory = $PFQ
data_directory = $T/postfix/data
maillog_file = $PFL/maillog
maillog_file_prefixes = $PFL
myhostname = mdkit-test.invalid
mydomain = invalid
myorigin = localhost
mydestination = localhost
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
default_transport = error:no mail leaves a test
relay_transport = error:no mail leaves a test
local_recipient_maps = unix:passwd.byname
alias_maps =
alias_database =
biff = no
append_dot_mydomain = no
smtputf8_enable = no
delay_warning_time = 0
smtpd_banner = \$myhostname ESMTP
EOC
	cat >"$PF/master.cf" <<EOC
127.0.0.1:$SMTP_PORT inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOC
	postfix -c "$PF" check >"$T/pf.out" 2>&1 &&
	    postfix -c "$PF" start >>"$T/pf.out" 2>&1 || {
		cat "$T/pf.out" >&2
		return 1
	}
	_pf_up=$(master_pid "$PFQ/pid/master.pid")
	: "${_pf_up:=none}"
	wait_port "$SMTP_PORT"
}

# pf_set NAME=VALUE...: change main.cf and reload; pf_reload: reload,
# and wait (10 s at most) until the master has read the files again.
pf_set() {
	postconf -c "$PF" -e "$@" && pf_reload
}
pf_reload() {
	_r=$(($(pf_log ': reload -- ') + 1))
	postfix -c "$PF" reload >/dev/null 2>&1 || return 1
	_i=0
	while [ "$(pf_log ': reload -- ')" -lt $_r ]; do
		[ $_i -lt 100 ] || return 1
		sleep 0.1
		_i=$((_i + 1))
	done
}

# wait_port PORT: until something listens on 127.0.0.1:PORT (10 s).
wait_port() {
	_i=0
	while [ $_i -lt 100 ]; do
		ss -Htln "sport = :$1" 2>/dev/null | grep -q . && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# send TO FILE [SWAKS-OPTIONS...]: FILE by SMTP to TO, from
# sender@localhost unless --from is given; swaks's dialogue in FILE.swaks.
send() {
	_to=$1
	# swaks ends the data with CRLF . CRLF of its own: without its last
	# newline, the message arrives as it is in FILE.
	head -c -1 "$2" >"$2.data"
	_f=$2
	shift 2
	swaks --server 127.0.0.1 --port "$SMTP_PORT" --to "$_to" \
	    --from sender@localhost --data "@$_f.data" "$@" >"$_f.swaks" 2>&1
}

# pf_idle: wait (60 s at most) until the queue is empty or holds only
# deferred mail: every message sent so far has been delivered, bounced
# or deferred.
pf_idle() {
	_i=0
	while [ $_i -lt 600 ]; do
		_busy=0
		for _q in incoming active maildrop; do
			[ -z "$(find "$PFQ/$_q" -type f 2>/dev/null | head -1)" ] ||
			    _busy=1
		done
		[ $_busy = 0 ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# pf_log PATTERN: how many lines of the Postfix log match PATTERN (ERE).
pf_log() {
	grep -cE -- "$1" "$PFL/maillog" 2>/dev/null
}

# pf_flush: deliver what is deferred now, and wait for it.
pf_flush() {
	postqueue -c "$PF" -f && pf_idle
}

# ---- Dovecot ----

# dovecot_start [KEY]: with contrib/mta/dovecot.conf's block beginning
# mail_location, and its block beginning KEY if given, a Dovecot instance reading the maildirs
# of the test users (password "pw"), IMAP on 127.0.0.1:$IMAP_PORT.
dovecot_start() {
	IMAP_PORT=$(free_port)
	mkdir -p "$DV/run" "$DV/state"
	: >"$DV/passwd"
	for _u in $_users; do
		printf '%s:{PLAIN}pw:%s:%s::%s::\n' "$_u" "$(id -u "$_u")" \
		    "$(id -g "$_u")" "$(getent passwd "$_u" | cut -d: -f6)" \
		    >>"$DV/passwd"
	done
	chmod 644 "$DV/passwd"
	cat >"$DV/dovecot.conf" <<EOC
base_dir = $DV/run
state_dir = $DV/state
log_path = $DV/log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = 0
  }
}
passdb {
  driver = passwd-file
  args = $DV/passwd
}
userdb {
  driver = passwd-file
  args = $DV/passwd
}
EOC
	snippet mta/dovecot.conf mail_location >>"$DV/dovecot.conf"
	[ $# -eq 0 ] || snippet mta/dovecot.conf "$1" >>"$DV/dovecot.conf"
	dovecot -c "$DV/dovecot.conf" >"$T/dv.out" 2>&1 || {
		cat "$T/dv.out" "$DV/log" >&2
		return 1
	}
	_dv_up=none
	wait_port "$IMAP_PORT" || return 1
	_dv_up=$(master_pid "$DV/run/master.pid")
	: "${_dv_up:=none}"
}

# dovecot_stop: stop it and wait (10 s at most) until it is gone.
dovecot_stop() {
	_kids=$(pgrep -P "$_dv_up")
	dovecot -c "$DV/dovecot.conf" stop >/dev/null 2>&1
	_i=0
	while [ $_i -lt 100 ] && _alive "$_dv_up" $_kids; do
		sleep 0.1
		_i=$((_i + 1))
	done
	_alive "$_dv_up" $_kids && return 1
	_dv_up=
}

# imap USER <COMMANDS: imap.pl as test user USER (a make_user NAME); its
# output in $T/imap.out, status in RC.
imap() {
	perl "$IDIR/imap.pl" "$IMAP_PORT" "$(eval "echo \$U_$1")" pw \
	    >"$T/imap.out" 2>&1
	RC=$?
}
