# shellcheck shell=sh
# t/sieve-oracle.sh: md-sieve -t beside Pigeonhole's sieve-test, for the
# differential tests of the Sieve extensions (sourced after lib.sh).
# sieve_oracle_setup skips the test when sieve-test or sievec is absent.

FROM=owner-debian@lists.debian.org
TO=alice@example.org

# Pigeonhole refuses to run as root: as nobody then, in a directory it
# may write its compiled scripts to ($T/o, where the scripts are copied).
sieve_oracle_setup() {
	command -v sieve-test >/dev/null 2>&1 ||
	    skip_all "no sieve-test (Debian's dovecot-sieve; make deps installs it)"
	command -v sievec >/dev/null 2>&1 || skip_all "no sievec (dovecot-sieve)"
	chmod 755 "$T"
	mkdir "$T/o"
	chmod 1777 "$T/o"
}
as_user() { as_nobody env HOME="$T/o" "$@"; }

# oracle SCRIPT MESSAGE [SIEVE-TEST OPTION...]: Pigeonhole's actions, one
# a line: "store FOLDER" (keep is INBOX), discard, "redirect ADDR",
# reject; sorted, each once.
oracle() {
	_s=$1 _m=$2
	shift 2
	cp "$_s" "$T/o/s.sieve"
	cp "$_m" "$T/o/m.eml"
	chmod 644 "$T/o/s.sieve" "$T/o/m.eml"
	as_user sieve-test "$@" -f "$FROM" -r "$TO" "$T/o/s.sieve" \
	    "$T/o/m.eml" 2>/dev/null | sed -n \
	    -e 's/^ \* store message in folder: /store /p' \
	    -e 's/^ \* keep$/store INBOX/p' \
	    -e 's/^ \* discard$/discard/p' \
	    -e 's/^ \* redirect message to: <\(.*\)>$/redirect \1/p' \
	    -e 's/^ \* reject message with reason: .*/reject/p' |
	    sort -u
}

# ours SCRIPT MESSAGE [MD-SIEVE OPTION...]: md-sieve -t's, in that form.
ours() {
	_s=$1 _m=$2
	shift 2
	"$BIN/md-sieve" "$@" -t "$_s" -r "$FROM" -d "$TO" <"$_m" 2>/dev/null |
	    cut -f1,2 | sed -e 's/^keep$/store INBOX/' \
	    -e 's/^fileinto	/store /' -e 's/^redirect	/redirect /' \
	    -e 's/^e\{0,1\}reject	.*/reject/' | sort -u
}

# compiles SCRIPT [SIEVEC OPTION...]: does Pigeonhole's sievec take it?
compiles() {
	_s=$1
	shift
	cp "$_s" "$T/o/c.sieve"
	chmod 644 "$T/o/c.sieve"
	as_user sievec "$@" "$T/o/c.sieve" "$T/o/c.svbin" >/dev/null 2>&1
}

# known SCRIPT MESSAGE: a test defines it, after sourcing this file, to
# print why Pigeonhole is wrong on that pair (a TODO test then).
known() { return 1; }

# oracle_agree SCRIPTS MESSAGES: each script over each message gives the
# same actions under md-sieve -t as under sieve-test; one test a pair.
oracle_agree() {
	for _os in $1; do
		for _om in $2; do
			_want=$(oracle "$_os" "$_om")
			_got=$(ours "$_os" "$_om")
			_d="$(basename "$_os") on $(basename "$_om")"
			if _why=$(known "$_os" "$_om"); then
				todo_is "$_got" "$_want" "$_d" \
				    "Pigeonhole 2.3.19: $_why"
			else
				is "$_got" "$_want" "$_d"
			fi
		done
	done
}

# oracle_compiles SCRIPTS: md-sieve -c takes exactly the scripts that
# sievec compiles; one test a script.
oracle_compiles() {
	for _os in $1; do
		compiles "$_os"
		_want=$?
		[ "$_want" -eq 0 ] || _want=1
		"$BIN/md-sieve" -c "$_os" 2>/dev/null
		is "$?" "$_want" "-c $(basename "$_os") as sievec judges it"
	done
}
