# t/stress/lib.sh: every program at once on one maildir, and several
# hosts on one shared maildir. Sourced after t/lib.sh and t/crash/lib.sh
# by t/0985-concurrency.t, t/0990-hosts.t and make stress-concurrency.
#
# Bounds are counts: messages delivered, and runs of each other program
# (at least so many, and more while the deliveries last, up to a bound).
#
# What each program may answer while the others work (anything else is
# counted as an unexpected exit, with its stderr):
#   md-deliver  0
#   md-flag     0; or 1 when every complaint is "gone": another process
#               moved the message to the other folder, or expunged it
#   md-move     0; or 1 when every complaint is "gone", as for md-flag
#   md-expunge  0 (a message that vanished under it is no error)
#   md-index    0 (update and --rebuild; a message that vanished is
#               left out in silence)
#   md-list     0 (a message that vanished is passed over)
#   md-check    0 and no finding: a maildir in use is no damage; but
#               1 with quota findings alone: maildirsize is behind while
#               a delivery has linked its message and not yet appended
#               its line, or md-expunge has removed and not yet written
#               (once all is done, md-check finds nothing: the sums are
#               exact; but see below)
#
# maildirsize at rest: a delivery links its message, then appends its
# line; md-expunge removes, then appends. When a recount of maildirsize
# (Maildir++ asks for one once the file reaches 5120 bytes: after some
# 400 lines) falls between those two steps of another process, that
# process's line is lost (written to the file replaced) or counted
# twice (its message counted, its line added to the new file). Maildir++
# has no lock against this; the recount's check of the directories'
# mtimes catches only changes made during the count. So after a run
# long enough for a recount, md-check may find the sums a message or
# two off; that is no failure here when the file was replaced, and
# md-check --repair must make them exact. t/0965-races.t makes it happen
# every time (a TODO test: not fixed).

STRESS_TESTS=10
SHIM=${MDKIT_STRESS_SHIM:-$(dirname "$BIN")/stress/shim.so}

# only_gone FILE: every line of FILE says a message is gone.
only_gone() {
	! grep -qv ': gone (not in new/ or cur/ of ' "$1"
}

# log_unexp WORKER PROGRAM STATUS ERRFILE
log_unexp() {
	{
		echo "$1: $2 exit $3"
		sed 's/^/	/' "$4"
	} >>"$W/unexp.$1"
}

# pick FILE K: K lines of FILE at random (seeded by rnd), each as
# "ID<TAB>PATH" with the X-Id of the message at PATH, or "-" when it is
# gone by now.
pick() {
	rnd
	awk -v s="$RND" -v k="$2" '
	{ a[NR] = $0 }
	END {
		srand(s)
		for (i = 0; i < k && NR > 0; i++) {
			p = a[int(rand() * NR) + 1]; id = "-"
			while ((getline line < p) > 0)
				if (line ~ /^X-Id: /) { id = substr(line, 7); break }
			close(p)
			print id "\t" p
		}
	}' "$1"
}

# more_ops N: another run for a worker that made N? Each makes at
# least MINOPS runs, and more while the deliveries are on, up to MAXOPS.
more_ops() {
	[ "$1" -lt "$MINOPS" ] || { [ -e "$W/running" ] && [ "$1" -lt "$MAXOPS" ]; }
}

# ---- the workers; each writes its own log W/log.NAME ----

# w_deliver N K: deliverer N, K messages into the root and both folders.
w_deliver() {
	c_w=d$1
	c_j=1
	while [ "$c_j" -le "$2" ]; do
		c_id=c$1-$c_j
		case $((c_j % 3)) in
		0) c_to=$R ;;
		1) c_to=$R/.A ;;
		*) c_to=$R/.B ;;
		esac
		"$MSG" gen -z 16384 "$c_id" >"$W/in.$c_w"
		"$MD" -v -r s@x -d r@y "$c_to" <"$W/in.$c_w" >"$W/out.$c_w" \
		    2>"$W/err.$c_w"
		c_s=$?
		if [ "$c_s" -eq 0 ]; then
			read -r c_p <"$W/out.$c_w"
			echo "D $c_id $c_p"
		else
			log_unexp "$c_w" md-deliver "$c_s" "$W/err.$c_w"
		fi
		c_j=$((c_j + 1))
		# Paced, so that the other programs work beside every
		# delivery; the pause (MDKIT_STRESS_PAUSE seconds) only
		# spreads the work, no test depends on how long anything
		# takes.
		sleep "${MDKIT_STRESS_PAUSE:-0.02}"
	done >>"$W/log.$c_w"
}

# w_flag: flags on a few messages at a time; the trashable ones
# (ID number divisible by 7) get T or lose it, the others anything but T.
w_flag() {
	c_w=flag
	c_r=$((CRASH_SEED + 101))
	c_i=0
	while more_ops "$c_i"; do
		c_i=$((c_i + 1))
		# A list used for three rounds: paths a little stale, as a
		# user's are, so that some were renamed or moved meanwhile.
		[ $((c_i % 3)) -eq 1 ] &&
		    { "$BIN/md-list" --recursive "$R" >"$W/list.$c_w" 2>"$W/err.$c_w" ||
		    log_unexp "$c_w" md-list $? "$W/err.$c_w"; }
		# A path gone or renamed since the list ("-"): md-flag
		# follows it in its maildir, or says it is gone.
		pick "$W/list.$c_w" 6 >"$W/pick.$c_w"
		awk -F'\t' -v t="$W/t.$c_w" -v o="$W/o.$c_w" '
		BEGIN { printf "" >t; printf "" >o }
		{
			n = split($1, q, "-")
			if ($1 != "-" && q[n] % 7 == 0) {
				print $2 >t; print "T " $1
			} else
				print $2 >o
		}' "$W/pick.$c_w"
		rnd
		case $((RND % 6)) in
		0) c_f=-S ;;
		1) c_f=-s ;;
		2) c_f='-F -R' ;;
		3) c_f='-f -r' ;;
		4) c_f=-C ;;
		*) c_f='-X D' ;;
		esac
		for c_set in "$c_f" -T; do
			c_in=$W/o.$c_w
			if [ "$c_set" = -T ]; then
				c_in=$W/t.$c_w
				rnd
				[ $((RND % 4)) -eq 0 ] && c_set=-t
			fi
			[ -s "$c_in" ] || continue
			# shellcheck disable=SC2086
			"$BIN/md-flag" $c_set <"$c_in" >"$W/out.$c_w" \
			    2>"$W/err.$c_w"
			c_s=$?
			sed 's/^/F /' "$W/out.$c_w"
			if [ "$c_s" -ne 0 ] &&
			    { [ "$c_s" -ne 1 ] || ! only_gone "$W/err.$c_w"; }; then
				log_unexp "$c_w" md-flag "$c_s" "$W/err.$c_w"
			fi
			[ "$c_s" -eq 1 ] && echo "G flag"
		done
	done >>"$W/log.$c_w"
	echo "N flag $c_i" >>"$W/log.$c_w"
}

# w_move: one message at a time from .A to .B, then from .B to .A.
w_move() {
	c_w=move
	c_r=$((CRASH_SEED + 202))
	c_i=0
	while more_ops "$c_i"; do
		c_i=$((c_i + 1))
		case $((c_i % 2)) in
		0) c_from=$R/.A c_to=$R/.B ;;
		*) c_from=$R/.B c_to=$R/.A ;;
		esac
		[ $((c_i % 10)) -le 2 ] &&
		    { "$BIN/md-list" "$c_from" >"$W/list.${c_from##*.}" 2>"$W/err.$c_w" ||
		    log_unexp "$c_w" md-list $? "$W/err.$c_w"; }
		pick "$W/list.${c_from##*.}" 1 >"$W/pick.$c_w"
		IFS='	' read -r c_id c_p <"$W/pick.$c_w" || continue
		[ "$c_id" != - ] || continue
		"$BIN/md-move" -t "$c_to" "$c_p" >"$W/out.$c_w" 2>"$W/err.$c_w"
		c_s=$?
		if [ "$c_s" -eq 0 ]; then
			read -r c_np <"$W/out.$c_w"
			echo "M $c_id $c_np"
		elif [ "$c_s" -eq 1 ] && only_gone "$W/err.$c_w"; then
			echo "G move"
		else
			log_unexp "$c_w" md-move "$c_s" "$W/err.$c_w"
		fi
	done >>"$W/log.$c_w"
	echo "N move $c_i" >>"$W/log.$c_w"
}

# w_loop NAME PROGRAM ARG...: PROGRAM again and again, each time
# exit 0 expected; its output prefixed by NAME's letter into the log.
w_loop() {
	c_w=$1
	shift
	c_i=0
	while more_ops "$c_i"; do
		c_i=$((c_i + 1))
		"$@" >"$W/out.$c_w" 2>"$W/err.$c_w"
		c_s=$?
		case $c_w in
		expunge) sed 's/^/E /' "$W/out.$c_w" ;;
		list | subject)
			# Each line once: a path listed again adds nothing.
			sed "s/^/$(echo "$c_w" | cut -c1 | tr ls LS) /" \
			    "$W/out.$c_w" >>"$W/seen.$c_w"
			[ $((c_i % 20)) -eq 0 ] &&
			    sort -u -o "$W/seen.$c_w" "$W/seen.$c_w"
			;;
		check) sed 's/^/C /' "$W/out.$c_w" ;;
		esac
		# md-check: quota drift alone is what concurrency gives.
		[ "$c_w" = check ] && [ "$c_s" -eq 1 ] &&
		    ! grep -qv '^quota	' "$W/out.$c_w" && c_s=0
		[ "$c_s" -eq 0 ] || log_unexp "$c_w" "$(basename "$1")" "$c_s" \
		    "$W/err.$c_w"
	done >>"$W/log.$c_w"
	echo "N $c_w $c_i" >>"$W/log.$c_w"
}

# index_once: md-index -r, each third time with --rebuild (in w_loop).
index_once() {
	if [ $((c_i % 3)) -eq 0 ]; then
		"$BIN/md-index" -q -r --rebuild "$R"
	else
		"$BIN/md-index" -q -r "$R"
	fi
}

# ---- the scenario ----

# stress_concurrency DELIVERERS MESSAGES MINOPS MAXOPS: DELIVERERS
# processes deliver MESSAGES each into a root (with a Maildir++ quota)
# and its folders .A and .B, while md-flag, md-move, md-expunge,
# md-index, md-list (paths, and subjects with --format) and md-check run
# again and again: each at least MINOPS times, and on while the
# deliveries last, at most MAXOPS times. Ten tests.
stress_concurrency() {
	NAME=concurrency
	W=$T/conc
	R=$W/R
	mkdir -p "$W"
	"$BIN/md-mkdir" -q 10G,1000000C "$R" &&
	    "$BIN/md-mkdir" -f A -f B "$R" || exit 1
	c_qino=$(stat -c %i "$R/maildirsize")
	: >"$W/running"
	DMSGS=$2
	MINOPS=$3
	MAXOPS=$4
	c_k=1
	c_dpids=
	while [ "$c_k" -le "$1" ]; do
		w_deliver "$c_k" "$2" &
		c_dpids="$c_dpids $!"
		c_k=$((c_k + 1))
	done
	w_flag &
	w_move &
	w_loop expunge "$BIN/md-expunge" -v -r "$R" &
	w_loop index index_once &
	w_loop list "$BIN/md-list" --recursive "$R" &
	w_loop subject "$BIN/md-list" --recursive --format '%p	%s' "$R" &
	w_loop check "$BIN/md-check" -r "$R" &
	# shellcheck disable=SC2086
	wait $c_dpids
	rm -f "$W/running"
	wait

	cat "$W"/log.* >"$W/events"
	sort -u "$W"/seen.* >"$W/listed"
	cat "$W"/unexp.* >"$W/unexp" 2>/dev/null
	"$MSG" scan -p "$TRACE" "$R/new" "$R/cur" "$R/.A/new" "$R/.A/cur" \
	    "$R/.B/new" "$R/.B/cur" >"$W/scan"

	# One awk over what happened, what is there and what was listed:
	# every delivered ID is there once or was expunged with T on
	# purpose; every path listed existed; every subject listed is its
	# message's.
	awk -F'\t' '
	function base(p,  n) {
		n = split(p, a, "/"); p = a[n]; sub(/:.*/, "", p); return p
	}
	function flags(p,  n) {
		n = split(p, a, "/"); p = a[n]
		if (!sub(/^[^:]*:2,/, "", p)) return ""
		sub(/,.*/, "", p); return p
	}
	FILENAME == ARGV[1] {
		split($0, w, " ")
		if (w[1] == "D" || w[1] == "M") {
			id[base(w[3])] = w[2]; existed[w[3]] = 1
			if (w[1] == "D") { delivered[w[2]] = 1; nd++ }
			else moves++
		} else if (w[1] == "F") {
			existed[substr($0, 3)] = 1; flagged++
		} else if (w[1] == "T") { if (!(w[2] in trashed)) ntrash++; trashed[w[2]] = 1 }
		else if (w[1] == "E") ex[++ne] = substr($0, 3)
		else if (w[1] == "C" && w[2] ~ /^quota/) qdrift++
		else if (w[1] == "C") findings++
		else if (w[1] == "G") gone++
		else if (w[1] == "N") ops += w[3]
		next
	}
	FILENAME == ARGV[2] {
		if ($1 == "partial") { partial++; next }
		n[$1]++
		split($1, q, "-")
		if (index(flags($2), "T") && q[2] % 7 != 0)
			badexp++
		next
	}
	/^L / { nl++; if (!(substr($0, 3) in existed)) unlisted++; next }
	/^S / {
		ns++; p = substr($1, 3)
		if (!(p in existed) || $2 != "crash " id[base(p)]) badsubj++
	}
	END {
		for (i = 1; i <= ne; i++) {
			b = base(ex[i])
			if (!(b in id)) { unknown++; continue }
			x = id[b]; gone_id[x]++
			if (index(flags(ex[i]), "T") == 0 || !(x in trashed))
				badexp++
		}
		for (x in delivered) {
			c = n[x] + gone_id[x]
			if (c == 0) lost++
			else if (c > 1) dup += c - 1
		}
		for (x in n) if (!(x in delivered)) stray++
		printf "%d %d %d %d %d %d %d %d %d %d %d %d %d %d %d\n", nd, lost, dup,
		    partial + stray, ne, unknown + badexp, nl + ns,
		    unlisted + badsubj, findings, moves, flagged, gone, ops,
		    ntrash, qdrift
	}' "$W/events" "$W/scan" "$W/listed" >"$W/sum"
	# shellcheck disable=SC2046
	set -- $(cat "$W/sum")
	c_unexp=$(grep -c '^[^	]' "$W/unexp")
	c_want=$(((c_k - 1) * DMSGS))
	is "$1" "$c_want" "$NAME: all $c_want deliveries exited 0, while ${13} runs of the others went on"
	is "$2" 0 "$NAME: every delivered message is there, or was expunged with T on purpose ($5 expunged)"
	is "$3" 0 "$NAME: no message twice"
	is "$4" 0 "$NAME: no partial or stray file"
	is "$6" 0 "$NAME: md-expunge removed only files with T, set on messages meant for it, and no other message has T"
	is "$8" 0 "$NAME: each of the $7 distinct lines md-list printed (paths, and paths with subjects) names a path that existed, with its own subject"
	is "$c_unexp" 0 "$NAME: no unexpected exit status (gone: ${12} times)" ||
	    diag "$(head -n 40 "$W/unexp")"
	is "$9" 0 "$NAME: md-check found nothing while the others worked, but quota drift (${15} times)" ||
	    diag "$(grep '^C ' "$W/events" | head -n 20)"
	# At rest the sums are exact, unless maildirsize was counted anew
	# (as Maildir++ asks once it reaches 5120 bytes) while deliveries
	# or removals were between their link or unlink and their line:
	# then --repair must put them right.
	"$BIN/md-check" -r "$R" >"$W/check" 2>&1
	c_s=$?
	c_drift=none
	c_anew='maildirsize never counted anew'
	[ "$(stat -c %i "$R/maildirsize")" != "$c_qino" ] &&
	    c_anew='maildirsize counted anew meanwhile'
	if [ "$c_s" -eq 1 ] && ! grep -qv '^quota	' "$W/check" &&
	    [ "$c_anew" = 'maildirsize counted anew meanwhile' ]; then
		c_drift=$(cut -f3 "$W/check")
		diag "after a recount meanwhile: $c_drift"
		"$BIN/md-check" -r --repair "$R" >/dev/null 2>&1
		"$BIN/md-check" -r "$R" >"$W/check" 2>&1
		c_s=$?
	fi
	is "$c_s $(count_lines "$W/check")" "0 0" "$NAME: md-check -r finds nothing afterwards (quota drift only after maildirsize was counted anew meanwhile, and --repair puts it right)" ||
	    diag "$(head -n 20 "$W/check")"
	"$BIN/md-index" --check -r "$R" >/dev/null 2>&1
	c_s=$?
	[ "$c_s" -eq 1 ] && c_s=0
	is "$c_s" 0 "$NAME: md-index --check exits 0 or 1 afterwards"
	row "$NAME" 1 "$1" "${13} ops" "$2" "$3" "$4" "$c_unexp" \
	    "$((c_k - 1)) deliverers and md-flag, md-move, md-expunge, md-index, md-list (2), md-check at once: ${10} moves, ${11} renames by md-flag, ${14} messages given T, $5 expunged, ${12} 'gone' (exit 1); $7 distinct paths listed; md-check findings meanwhile: $9, and quota drift ${15} times; at rest: $c_anew, drift: $c_drift"
}

# ---- several hosts on one maildir (Linux namespaces) ----

# A host: its own host name (UTS), its own PIDs, and a /proc of them,
# which LeakSanitizer reads at exit in a sanitized build.
UNSHARE='unshare --uts --pid --fork --mount-proc'

# can_unshare: may we make such namespaces here? Else why not.
can_unshare() {
	command -v unshare >/dev/null 2>&1 || {
		echo "no unshare(1)"
		return 1
	}
	c_why=$($UNSHARE sh -c 'hostname mdkit-probe' 2>&1) || {
		echo "$UNSHARE is not permitted here: $c_why"
		return 1
	}
}

# host_script: writes W/host.sh, one "host": it names itself, waits for
# a line on the fifo W/go.PFX, then delivers K messages PFX-1 .. PFX-K one process each, and
# logs "ID STATUS" to LOG.
#	host.sh HOSTNAME PFX K MAILDIR LOG [SHIMENV...]
host_script() {
	cat >"$W/host.sh" <<'EOS'
h=$1 p=$2 k=$3 m=$4 log=$5
shift 5
hostname "$h" || exit 1
read -r go <"$W/go.$p"
j=1
while [ "$j" -le "$k" ]; do
	"$MSG" gen -z 4096 "$p-$j" >"$W/in.$p"
	env "$@" "$MD" -r s@x -d r@y "$m" <"$W/in.$p"
	echo "$p-$j $?" >>"$log"
	j=$((j + 1))
done
EOS
}

# on_hosts K HOST:PFX... [-- SHIMENV...]: each HOST delivers K messages
# into $R at once, each in namespaces of its own (a host name and PIDs
# from 1). Logs in W/log.PFX; every file in W/scan.
on_hosts() {
	c_k=$1
	shift
	c_hosts=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		c_hosts="$c_hosts $1"
		shift
	done
	[ $# -gt 0 ] && shift
	rm -f "$W"/go.* "$W"/log.*
	for c_h in $c_hosts; do
		: >"$W/log.${c_h#*:}"
		mkfifo "$W/go.${c_h#*:}" || exit 1
		W=$W MSG=$MSG MD=$MD $UNSHARE \
		    sh "$W/host.sh" "${c_h%%:*}" "${c_h#*:}" "$c_k" "$R" \
		    "$W/log.${c_h#*:}" "$@" &
	done
	# The go, through a fifo each: a host waits without a process
	# of its own, so that the hosts' PIDs go on alike.
	# (A host that never started must not hang us: timeout.)
	for c_h in $c_hosts; do
		timeout 60 sh -c 'echo go >"$1"' sh "$W/go.${c_h#*:}" ||
		    diag "host ${c_h%%:*} did not start"
	done
	wait
	"$MSG" scan -p "$TRACE" "$R/new" "$R/cur" >"$W/scan"
}

# host_verdict K NHOSTS: "lost dup partial bad-exits names-twice
# host-mismatch": every ID of every W/log.* that exited 0 is there once,
# no base twice, each file's name ends in the host that logged it.
host_verdict() {
	cat "$W"/log.* >"$W/logs"
	awk -F'\t' '
	FILENAME == ARGV[1] {
		split($0, w, " ")
		if (w[2] == 0) want[w[1]] = 1; else bad++
		next
	}
	$1 == "partial" { partial++; next }
	{
		n[$1]++
		k = split($2, a, "/"); name = a[k]; sub(/,S=.*/, "", name)
		if (base[name]++) twice++
	}
	END {
		for (id in want) if (!(id in n)) lost++
		for (id in n) { if (n[id] > 1) dup += n[id] - 1; if (!(id in want)) partial++ }
		printf "%d %d %d %d %d\n", lost, dup, partial, bad, twice
	}' "$W/logs" "$W/scan"
}

# names_of HOST: the names in $R whose host part is HOST, one a line.
names_of() {
	ls "$R/new" | sed -n "s/,S=.*//; /\\.$1\$/p"
}

# stress_hosts K: three hosts deliver K messages each into one maildir;
# then two hosts of the same name and the same PIDs, with their real
# clocks and with clocks that agree to the microsecond. Ten tests.
stress_hosts() {
	NAME=hosts
	W=$T/hosts
	mkdir -p "$W"
	host_script

	R=$W/R1
	"$BIN/md-mkdir" "$R" || exit 1
	on_hosts "$1" alpha:a beta:b gamma:g
	# shellcheck disable=SC2046
	set -- "$1" $(host_verdict)
	is "$2 $3 $4 $5" "0 0 0 0" \
	    "3 hosts at once: every delivery exited 0 and is there once, whole (lost $2, twice $3, partial $4, bad exits $5)"
	is "$6" 0 "3 hosts at once: no name twice"
	c_ok=0
	for c_h in alpha beta gamma; do
		[ "$(names_of "$c_h" | wc -l)" -eq "$1" ] || c_ok=1
	done
	is "$c_ok" 0 "3 hosts at once: each host's name in $1 names"
	row hosts 3 "$((3 * $1))" "-" "$2" "$3" "$4" "$5" \
	    "3 hosts (UTS and PID namespaces), one maildir; names twice: $6"

	# Two namespaces, one host name, PIDs from 1 in each: the same P at
	# the same second, and still two names apart.
	R=$W/R2
	"$BIN/md-mkdir" "$R" || exit 1
	on_hosts "$1" twin:t1 twin:t2
	# shellcheck disable=SC2046
	set -- "$1" $(host_verdict)
	is "$2 $3 $4 $5 $6" "0 0 0 0 0" \
	    "2 hosts, same name and PIDs: nothing lost, none twice, no name twice (lost $2, twice $3, partial $4, bad exits $5, names twice $6)"
	c_same=$(names_of twin | sed 's/^\([0-9]*\)\.M[0-9]*\(P[0-9]*Q[0-9]*\)R.*/\1\2/' |
	    sort | uniq -d | wc -l)
	c_p=$(names_of twin | sed 's/.*\(P[0-9]*\)Q.*/\1/' | sort | uniq -d | wc -l)
	ok "$([ "$c_p" -gt 0 ] && echo 0 || echo 1)" \
	    "2 hosts, same name: $c_p PIDs used by both ($c_same names alike in second, PID and count; M and R set them apart)"
	row twins 2 "$((2 * $1))" "-" "$2" "$3" "$4" "$5" \
	    "same host name, PIDs from 1 in each; $c_same names alike but for M and R"

	# The same with one clock for both, to the microsecond: only the
	# 64 random bits of R part the names.
	R=$W/R3
	"$BIN/md-mkdir" "$R" || exit 1
	if [ -f "$SHIM" ] && ! is_asan; then
		on_hosts "$1" twin:u1 twin:u2 -- LD_PRELOAD="$SHIM" \
		    MDKIT_SHIM_TIME=1700000000
		# shellcheck disable=SC2046
		set -- "$1" $(host_verdict)
		is "$2 $3 $4 $5 $6" "0 0 0 0 0" \
		    "2 hosts, same name, PIDs and clock: nothing lost, none twice, no name twice (lost $2, twice $3, partial $4, bad exits $5, names twice $6)"
		names_of twin >"$W/names"
		c_same=$(sed 's/R[0-9a-f]*\./R./' "$W/names" | sort | uniq -d | wc -l)
		is "$c_same" "$1" \
		    "2 hosts, same name, PIDs and clock: each of the $1 pairs of names differs only in R"
		c_r=$(grep -c '^1700000000\.M000000P[0-9]*Q1R[0-9a-f]\{16\}\.twin$' "$W/names")
		is "$c_r" "$((2 * $1))" "every name carries 16 hex digits of R"
		row same-clock 2 "$((2 * $1))" "-" "$2" "$3" "$4" "$5" \
		    "same host name, PIDs and gettimeofday (shim.so): $c_same pairs apart by R alone"
	else
		skip_n 3 "no $SHIM, or a sanitized build"
	fi
	"$BIN/md-check" "$W/R1" "$W/R2" "$W/R3" >"$W/check" 2>&1
	is "$? $(count_lines "$W/check")" "0 0" "md-check finds nothing in the three maildirs" ||
	    diag "$(head -n 10 "$W/check")"
}
