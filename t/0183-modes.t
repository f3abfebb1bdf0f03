#!/bin/sh
# Whatever the umask (000, 002, 022, 077), what the programs make is
# their user's alone: message files, maildirsize, the cache and the
# maildirfolder marker 0600, directories 0700. Each program that makes
# something runs under each umask: md-mkdir (a maildir with a quota, and
# folders), md-deliver (into a maildir it finds, -c -f into a folder it
# makes, -M), md-move across file systems (a copy) and -k, md-flag,
# md-check --repair (a missing tmp/, a quota recount), md-expunge and
# md-index.
. "$(dirname "$0")/lib.sh"

plan 8

X=$(other_fs_dir) && cleanup_also "$X"

for mask in 000 002 022 077; do
	D=$T/u$mask
	mkdir "$D"
	(
		umask $mask
		cd "$D" || exit 1
		"$BIN/md-mkdir" -q 10000000S,1000C M &&
		"$BIN/md-mkdir" -f Lists -f Work M &&
		printf 'Subject: one\n\none\n' | "$MD" M &&
		printf 'Subject: two\n\ntwo\n' | "$MD" -c -f New M &&
		printf 'From a Thu Oct 17 17:14:09 1995\nSubject: three\n\nthree\n' |
		    "$MD" -M M/.Work &&
		"$BIN/md-flag" -S M/new/* &&
		"$BIN/md-move" -k -t M/.Lists M/cur/* &&
		"$BIN/md-flag" -T M/.New/new/* &&
		"$BIN/md-expunge" -T M/.New &&
		rmdir M/.Work/tmp &&
		printf '10000000S,1000C\n99 9\n' >>M/maildirsize &&
		{ "$BIN/md-check" --repair -r M >/dev/null || true; } &&
		"$BIN/md-index" -q -r M || exit 1
		if [ -n "$X" ]; then
			"$BIN/md-mkdir" "$X/A$mask" &&
			"$BIN/md-move" M/.Work/new/* "$X/A$mask" || exit 1
		fi
	) >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" -eq 0 ] || diag "umask $mask: exit $rc: $(cat "$T/err")"
	# everything made, but the test's own directory
	{
		find "$D/M" ${X:+"$X/A$mask"} -type d ! -perm 700
		find "$D/M" ${X:+"$X/A$mask"} ! -type d ! -perm 600
	} >"$T/bad"
	is "$rc" 0 "umask $mask: every program ran"
	is "$(tr '\n' ' ' <"$T/bad")" "" \
	    "umask $mask: directories 0700, files 0600 ($(find "$D/M" ${X:+"$X/A$mask"} | wc -l | tr -d ' ') checked${X:+, a copy across file systems among them})"
done
