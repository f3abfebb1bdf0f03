#!/bin/sh
# md-list --format, --sort, --reverse, --match and --no-cache: every
# escape and width, %K keyword names, every sort key both ways (ties by
# path), every match operator on every field, regular expressions too
# costly to compile refused (64, one line), usage errors (64, one line);
# and, on the
# corpus of tricky headers in t/data/headers (one trick a file) plus a
# header over 256 KiB, the same bytes before md-index, after it, with
# --no-cache and with a damaged cache (one warning line); exact lines
# where decoding could break; a From_ line inside the header, read past
# with and without the cache; Maildir++ folders (%F), paths on stdin, -0.
. "$(dirname "$0")/lib.sh"

plan 233

L=$BIN/md-list
IX=$BIN/md-index
DATA=$(cd "$(dirname "$0")/data/headers" && pwd)
if [ ! -x "$IX" ]; then
	echo "Bail out! no md-index in $BIN"
	exit 1
fi

# ml ARGS...: md-list with nothing on stdin (run, t/lib.sh).
ml() { run "$L" "$@"; }

oneline() { tr '\n' ' ' <"$1" | sed 's/ $//'; }

# ---- a maildir of three messages whose every field is known ----

M=$T/M
mkmd "$M"
cat >"$M/cur/m1:2,FS" <<'EOF'
From: "Alice Able" <alice@example.org>
To: bob@example.org
Cc: carol@example.org
Subject: Re: Lunch
Date: Mon, 02 Jan 2023 10:00:00 +0000
Message-ID: <m1@example.org>
In-Reply-To: <m0@example.org>
References: <r@example.org> <m0@example.org>
List-Id: <food.example.org>

Lunch at noon?
EOF
{
	printf 'From: bob@example.org (bob builder)\n'
	printf 'Subject: budget\nDate: Sun, 01 Jan 2023 09:00:00 +0000\n'
	printf 'Message-ID: <m2@example.org>\n\n'
	repeat_byte 4800 x
	printf '\n'
} >"$M/cur/m2:2,S"
printf 'From: Carol <carol@example.org>\nSubject: Fwd: AW: agenda\nDate: Tue, 03 Jan 2023 08:00:00 +0000\nMessage-ID: <m3@example.org>\n\nx\n' \
    >"$M/new/m3"
touch -d @1700000300 "$M/cur/m1:2,FS"
touch -d @1700000100 "$M/cur/m2:2,S"
touch -d @1700000200 "$M/new/m3"
s1=$(fsize "$M/cur/m1:2,FS")
s2=$(fsize "$M/cur/m2:2,S")
s3=$(fsize "$M/new/m3")

# ---- escapes ----

ml --format '%p|%b|%F|%X|%z|%Z|%d|%{%Y/%m/%d %H.%M.%S}d|%r|%{%s}r' -N -S "$M"
is "$RC:$(bytes "$T/out")" "0:0" "-N -S: the flag filters apply first (none here)"
ml --format '%p|%b|%F|%X|%z|%Z|%d|%{%Y/%m/%d %H.%M.%S}d|%r|%{%s}r' -F "$M"
is "$RC:$(cat "$T/out")" \
    "0:$M/cur/m1:2,FS|m1|INBOX|FS|$s1|${s1}B|2023-01-02 10:00|2023/01/02 10.00.00|2023-11-14 22:18|1700000300" \
    "%p %b %F %X %z %Z %d %{}d %r %{}r"
ml --format '%f|%A|%t|%c|%s|%i|%I|%R|%l' -F "$M"
is "$(cat "$T/out")" \
    'Alice Able|"Alice Able" <alice@example.org>|bob@example.org|carol@example.org|Re: Lunch|m1@example.org|m0@example.org|r@example.org m0@example.org|<food.example.org>' \
    "%f %A %t %c %s %i %I %R %l"
ml --format '%Z %z|%f|%A|%t|%c|%I|%R|%l|%X|' -x F -S "$M"
is "$(cat "$T/out")" "4.8K $s2|bob builder|bob@example.org (bob builder)||||||S|" \
    "%Z du-like, %f from a comment, absent fields empty"
ml --format '%X|%F|%b' -N "$M"
is "$(cat "$T/out")" "|INBOX|m3" "%X of a name without info: empty"
ml --format '100%% a\tb\\c\nd' -F "$M"
printf '100%% a\tb\\c\nd\n' >"$T/want"
same_bytes "$T/out" "$T/want" "%% and the backslash escapes \\t \\\\ \\n"
ml --format '[%-6b][%6b][%-3s][%3s][%-12s][%1b]' -F "$M"
is "$(cat "$T/out")" "[m1    ][    m1][Re:][Re:][Re: Lunch   ][m]" \
    "widths: left and right aligned, padded, cut"
TZ=JST-9 "$L" --format '%d|%r|%{%H}d' -F "$M" </dev/null >"$T/out"
is "$(cat "$T/out")" "2023-01-02 19:00|2023-11-15 07:18|19" "dates in local time (TZ)"
ml -0 --format '%b %s' -N "$M"
printf 'm3 Fwd: AW: agenda\0' >"$T/want"
same_bytes "$T/out" "$T/want" "-0: each message ends in NUL"

ml --format '%b' --match 'from=alice' "$M"
is "$RC:$(cat "$T/out")" "0:m1" "--match with --format %b"

# ---- --sort and --reverse ----

while read -r key order; do
	ml --sort "$key" --format '%b' "$M"
	is "$RC:$(oneline "$T/out")" "0:$order" "--sort $key"
	rev=$(echo "$order" | tr ' ' '\n' | sed -n '1!G;h;$p' | tr '\n' ' ' | sed 's/ $//')
	ml --sort "$key" --reverse --format '%b' "$M"
	is "$RC:$(oneline "$T/out")" "0:$rev" "--sort $key --reverse"
done <<'EOF'
date m2 m1 m3
received m2 m3 m1
size m3 m1 m2
subject m3 m2 m1
from m1 m2 m3
EOF
ml --sort date "$M"
is "$(oneline "$T/out")" "$M/cur/m2:2,S $M/cur/m1:2,FS $M/new/m3" \
    "--sort without --format: paths, as a plain listing prints them"

# Equal keys: by path, whatever the order on disk; --reverse turns all.
E=$T/E
mkmd "$E"
for f in cur/b:2,S new/c cur/a:2,S new/a; do
	printf 'Subject: same\nDate: Mon, 02 Jan 2023 10:00:00 +0000\n\n' >"$E/$f"
	touch -d @1700000000 "$E/$f"
done
for key in date received size subject from; do
	"$L" --sort "$key" --format '%p' "$E" </dev/null >"$T/k.$key"
done
printf '%s\n' "$E/cur/a:2,S" "$E/cur/b:2,S" "$E/new/a" "$E/new/c" >"$T/want"
same_bytes "$T/k.date" "$T/want" "ties broken by path"
cat "$T/k.received" "$T/k.size" "$T/k.subject" "$T/k.from" >"$T/got"
cat "$T/want" "$T/want" "$T/want" "$T/want" >"$T/want4"
same_bytes "$T/got" "$T/want4" "ties by path for every key"
ml --sort subject --reverse --format '%p' "$E"
sed -n '1!G;h;$p' "$T/want" >"$T/wantr"
same_bytes "$T/out" "$T/wantr" "--reverse reverses the tie order too"

# Subject sorting: Re:, Fwd:, Fw:, Aw: in any case, repeated, blanks.
S=$T/S
mkmd "$S"
n=0
for subj in 'RE:  re: Fw: delta' 'Beta' 'Aw: gamma' 'fwd: Fwd:alpha' \
    'Re  : not a prefix' 'Reply: epsilon'; do
	n=$((n + 1))
	printf 'Subject: %s\n\n' "$subj" >"$S/cur/s$n"
done
ml --sort subject --format '%s' "$S"
is "$(tr '\n' '|' <"$T/out")" \
    "fwd: Fwd:alpha|Beta|RE:  re: Fw: delta|Aw: gamma|Re  : not a prefix|Reply: epsilon|" \
    "--sort subject: prefixes skipped, case ignored"

# ---- --match ----

# names ARGS...: the base names md-list prints for $M, sorted.
names() {
	"$L" "$@" --format '%b' "$M" </dev/null | sort | tr '\n' ' ' | sed 's/ $//'
}

while IFS='#' read -r expr want; do
	is "$(names --match "$expr")" "$want" "--match '$expr'"
done <<'EOF'
from=alice#m1
from=ALICE@example#m1
from=example.org#m1 m2 m3
from=#m1 m2 m3
from=Bob Builder#m2
from!=alice#m2 m3
from~^"?alice#m1
from~^CAROL <#m3
from!~^carol#m1 m2
to=bob#m1
to!=bob#m2 m3
cc=carol@#m1
subject=lunch#m1
subject~^(re|fwd):#m1 m3
subject!~^(re|fwd):#m2
message-id=m2@#m2
message-id~^m[13]@#m1 m3
in-reply-to=m0@example#m1
references~(^| )m0@#m1
references!=r@#m2 m3
list-id=FOOD#m1
list-id~food\.example#m1
Subject=lunch#m1
EOF
is "$(names --match 'from=example' --match 'subject!=lunch')" "m2 m3" \
    "--match twice: both must hold"
is "$(names --match 'from=example' --match 'subject=nothing')" "" \
    "--match twice: nothing holds both"
ml --match 'from=alice' "$M"
is "$RC:$(cat "$T/out")" "0:$M/cur/m1:2,FS" "--match without --format: the path"

# A regex sees characters of the locale (LC_CTYPE): "." is one UTF-8
# character there, one byte in C.
U=$T/U
mkmd "$U"
printf 'Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\n\n' >"$U/cur/u"
LC_ALL=C "$L" --match 'subject~^Gr.ße$' --format '%b' "$U" </dev/null >"$T/out"
is "$(cat "$T/out")" "" "--match ~ in the C locale: . is a byte"
if locale -a 2>/dev/null | grep -qix 'c.utf-\{0,1\}8'; then
	LC_ALL=C.UTF-8 "$L" --match 'subject~^Gr.ße$' --format '%b' "$U" \
	    </dev/null >"$T/out"
	is "$(cat "$T/out")" "u" "--match ~ in a UTF-8 locale: . is a character"
else
	skip "no C.UTF-8 locale"
fi
ml --format '[%-3s][%7s]' "$U"
is "$(cat "$T/out")" "[Grü][  Grüße]" "widths count UTF-8 characters"

# ---- %K: keyword names, by each maildir's dovecot-keywords ----

KW=$T/KW
mkmd "$KW" "$KW/.Fo"
: >"$KW/.Fo/maildirfolder"
printf '0 $Label1\n1 Junk\n3 Work\n' >"$KW/dovecot-keywords"
printf '0 Junk\r\n' >"$KW/.Fo/dovecot-keywords"
printf 'Subject: one\n\n' >"$KW/cur/k1:2,Sabd"
printf 'Subject: two\n\n' >"$KW/cur/k2:2,c"
printf 'Subject: three\n\n' >"$KW/cur/k3:2,bc"
printf 'Subject: four\n\n' >"$KW/new/k4"
printf 'Subject: five\n\n' >"$KW/.Fo/cur/k5:2,ab"
ml --recursive --sort subject --format '%b|%K|%X|%F' "$KW"
is "$RC:$(bytes "$T/err"):$(oneline "$T/out")" \
    "0:0:k5|Junk|ab|Fo k4|||INBOX k1|\$Label1 Junk Work|Sabd|INBOX k3|Junk|bc|INBOX k2||c|INBOX" \
    "%K: names in letter order, a folder by its own file, letters without a name left out"
ml --format '[%-8K][%4K]' -X a "$KW"
is "$(cat "$T/out")" '[$Label1 ][$Lab]' "%K: width cuts and pads"
ml --format '%K' --sort received -K Work "$KW"
is "$(cat "$T/out")" '$Label1 Junk Work' "%K with -K and --sort"
rm "$KW/.Fo/dovecot-keywords"
ml --format '%b:%K' "$KW/.Fo"
is "$RC:$(bytes "$T/err"):$(cat "$T/out")" "0:0:k5:" "%K without dovecot-keywords: empty, no word"
printf '%s\n' "$KW/cur/k3:2,bc" "$KW/new/k4" | "$L" --format '%b=%K' >"$T/out" 2>"$T/err"
is "$?:$(oneline "$T/out")" "0:k3=Junk k4=" "%K of paths on stdin"

# ---- --match: what a regular expression may cost ----

# The two expressions of issue 12, which take glibc's regcomp 5.8 GB and
# 1.2 GB: refused before regcomp, in bounded memory (ulimit -v, except
# under AddressSanitizer, which maps far more than that to start).
plus24=b$(repeat_byte 24 +)
for re in "$plus24" '(((a{1,100}){1,100}){1,100})'; do
	if is_asan; then
		ml --match "subject~$re" "$M"
	else
		(ulimit -v 500000 && exec "$L" --match "subject~$re" "$M") \
		    </dev/null >"$T/out" 2>"$T/err"
		RC=$?
	fi
	is "$RC:$(bytes "$T/out"):$(lines "$T/err")" "64:0:1" \
	    "--match 'subject~$re': exit 64, one line, nothing listed"
	grep -qF -- "--match subject~$re: with its repetitions written out it would be more than 2000 pieces" "$T/err"
	ok $? "--match 'subject~$re': says why: $(cat "$T/err")"
done
while IFS='#' read -r re text; do
	ml --match "subject~$re" "$M"
	is "$RC:$(bytes "$T/out"):$(lines "$T/err")" "64:0:1" \
	    "--match 'subject~$re': exit 64, one line"
	grep -qF -- "$text" "$T/err"
	ok $? "--match 'subject~$re': $(cat "$T/err")"
done <<'EOF2'
(a*)*#repeats what can match the empty string
x?{1,600}#repeats what can match the empty string
a?|b?#the empty string in two ways
a{1,2000}#more than 2000 pieces
EOF2
long=$(repeat_byte 4097 a)
ml --match "subject!~$long" "$M"
is "$RC:$(bytes "$T/out")" "64:0" "--match: a regex over 4096 bytes: exit 64"
grep -qF 'longer than 4096 bytes' "$T/err"
ok $? "--match: a regex over 4096 bytes: says so"
deep="$(repeat_byte 101 '(')x$(repeat_byte 101 ')')"
ml --match "subject~$deep" "$M"
grep -qF 'groups nested more than 100 deep' "$T/err"
ok $? "--match: groups nested 101 deep: $RC, says so"
# what people write still works, the bound just within
while IFS='#' read -r expr want; do
	is "$(names --match "$expr")" "$want" "--match '$expr' (within the bounds)"
done <<'EOF2'
subject~^Re:#m1
subject~(lunch|budget)+#m1 m2
subject~[a-z]{4}#m1 m2 m3
subject~x{1,100}|lunch#m1
subject~a{1,1999}#m3
subject~\bagenda\b#m3
subject=b{1,3000}#
EOF2

# ---- usage errors ----

while IFS='|' read -r opt arg text; do
	ml "$opt" "$arg" "$M"
	is "$RC:$(bytes "$T/out"):$(lines "$T/err")" "64:0:1" \
	    "$opt '$arg': usage error, one line"
	grep -qF -- "$text" "$T/err"
	ok $? "$opt '$arg': names it: $(cat "$T/err")"
done <<'EOF'
--format|%q|%q: unknown escape
--format|a%-fb|%-f: bad width
--format|%0s|%0: bad width
--format|%5000s|%5000: bad width
--format|%-2|%-2: unfinished escape
--format|%{%Y|%{%Y: no closing brace
--format|%{%Y}s|%{%Y}s: only %d and %r
--format|%5%|%5%: unknown escape
--format|x\q|\q: unknown escape
--format|x\|\: unfinished escape
--match|bogus=x|bogus=x: unknown field
--match|from~(|--match from~(
--match|subject|subject: not FIELD=TEXT
--match|from!x|from!x: not FIELD=TEXT
--sort|bogus|--sort bogus: not one of
EOF
for opts in "-i --format %p" "--tsv --sort date" "--json --match from=x" \
    "--reverse"; do
	# shellcheck disable=SC2086
	ml $opts "$M"
	is "$RC:$(bytes "$T/out"):$(lines "$T/err")" "64:0:1" \
	    "$opts: usage error, one line"
done

# ---- the corpus: the same bytes with and without a cache ----

C=$T/C
mkmd "$C"
i=0
for f in "$DATA"/*; do
	i=$((i + 1))
	cp "$f" "$C/cur/$(basename "$f"):2,S"
	touch -d @$((1700000000 + i * 3600)) "$C/cur/$(basename "$f"):2,S"
done
ok $((i < 20)) "the corpus is there ($i messages)"
# A header over 256 KiB: what lies beyond the bound is not read.
{
	printf 'From: Huge <huge@example.org>\nSubject: huge header\n'
	printf 'Date: Sat, 21 Jan 2023 10:00:00 +0000\nX-Pad: '
	repeat_byte 300000 a
	printf '\nCc: beyond@example.org\n\nbody\n'
} >"$C/new/huge"
touch -d @1699990000 "$C/new/huge"

# shellcheck disable=SC1003
ALL='%p|%b|%F|%X|%z|%Z|%d|%{%s}d|%r|%{%F %T}r|%f|%A|%t|%c|%s|%i|%I|%R|%l|%%|%-12f|%12s|%3b\t\\'
variants="none date received size subject from"

# listall SUFFIX [OPTS...]: every variant into $T/v.VARIANT.SUFFIX.
listall() {
	_s=$1
	shift
	for v in $variants; do
		if [ "$v" = none ]; then
			"$L" "$@" --format "$ALL" "$C" </dev/null >"$T/v.$v.$_s" 2>>"$T/err.$_s"
		else
			"$L" "$@" --format "$ALL" --sort "$v" "$C" </dev/null >"$T/v.$v.$_s" 2>>"$T/err.$_s"
			"$L" "$@" --format "$ALL" --sort "$v" --reverse "$C" </dev/null >"$T/v.$v-r.$_s" 2>>"$T/err.$_s"
		fi
	done
}

listall files
is "$(bytes "$T/err.files")" 0 "the corpus without a cache: nothing on stderr"
"$IX" -q "$C" >"$T/out" 2>"$T/err"
is "$?:$(cat "$T/err")" "0:" "md-index on the corpus"
check "md-index made the cache" test -f "$C/mdkit-cache"
"$IX" --check "$C" >"$T/out" 2>&1
is "$?" 0 "md-index --check: every message has its entry"
listall cache
is "$(bytes "$T/err.cache")" 0 "the corpus from the cache: nothing on stderr"
listall nocache --no-cache
for v in $variants; do
	for r in "" -r; do
		[ "$v$r" = none-r ] && continue
		same_bytes "$T/v.$v$r.cache" "$T/v.$v$r.files" \
		    "corpus, --sort $v$r: the same bytes from the cache"
		same_bytes "$T/v.$v$r.nocache" "$T/v.$v$r.files" \
		    "corpus, --sort $v$r: the same bytes with --no-cache"
	done
done
is "$(lines "$T/v.date.files")" $((i + 1)) "corpus: every message listed once"

# Exact lines, so that a decoding that broke in both paths is seen too.
"$L" --format '%b|%f|%s|%d|%z' "$C" </dev/null >"$T/corpus"
line() { grep "^$1|" "$T/corpus"; }
while IFS='#' read -r base want; do
	is "$(line "$base")" "$base|$want" "corpus: $base"
done <<'EOF'
rfc2047-b-split#Jo|Grüße aus Berlin|2023-01-03 09:15|205
rfc2047-q-adjacent#Renée|café au lait again|2023-01-04 07:00|211
rfc2047-latin1#Keld Jørn Simonsen|André Pirard|2023-01-05 12:00|186
rfc2047-ks-c-5601#안녕|안녕하세요|2023-01-06 09:30|201
rfc2047-unknown-charset#x@example.org|café tail|2023-01-07 07:00|153
rfc2047-bad-base64#y@example.org|=?UTF-8?B?***?= bad|2023-01-08 07:00|137
folded#Folder|a folded subject line    continued|2023-01-09 11:11|207
crlf#Crlf|line ends are CRLF|2023-01-10 10:10|147
mixed-eol#Mixed|mixed line ends|2023-01-11 10:10|152
subject-space-colon#sp@example.org|space before the colon|2023-01-12 10:00|137
subject-duplicate#dup@example.org|the first subject|2023-01-13 10:00|160
nul-utf8#nul@example.org|nul byte, raw été|2023-01-14 10:00|139
raw-latin1#François|café crème|2023-01-15 10:00|153
date-two-digit-year#old@example.org|two-digit year|1999-01-02 10:00|118
date-named-zone#est@example.org|named zone|2020-02-03 15:00|122
date-asctime#asc@example.org|asctime order|1995-10-17 17:14|124
truncated-header#cut@example.org|the file ends inside the hea|2023-01-16 10:00|98
from-quoted#Doe, Jane|Re: Fwd: quoted name|2023-01-17 10:00|387
from-comment#Ann Other|comment name|2023-01-18 10:00|148
from-bare#bare@example.org|AW: bare address|2023-01-19 10:00|128
from-line-inside#Foo|the real subject|2002-08-12 08:57|343
EOF
# No date, or one that cannot be read: the file's mtime.
d=$(date -u -d "@$(fmtime "$C/cur/no-date:2,S")" '+%Y-%m-%d %H:%M')
is "$(line no-date)" "no-date|nodate@example.org|no date at all|$d|99" \
    "corpus: no Date: gives the mtime"
d=$(date -u -d "@$(fmtime "$C/cur/date-broken:2,S")" '+%Y-%m-%d %H:%M')
is "$(line date-broken)" "date-broken|junk@example.org|unparseable date|$d|139" \
    "corpus: a Date: that cannot be read gives the mtime"
d=$(date -u -d "@$(fmtime "$C/cur/empty:2,S")" '+%Y-%m-%d %H:%M')
is "$(line empty)" "empty|||$d|0" "corpus: an empty file"
# Without %z or %r a file is stat'ed only when its date is the mtime.
"$L" --format '%b|%d' "$C" </dev/null >"$T/dates"
for b in no-date date-broken empty; do
	d=$(date -u -d "@$(fmtime "$C/cur/$b:2,S")" '+%Y-%m-%d %H:%M')
	is "$(grep "^$b|" "$T/dates")" "$b|$d" \
	    "corpus, '%b|%d' alone: $b dated by its mtime"
done
"$L" --format '%b|%f|%s|%c|%z' -N "$C" </dev/null >"$T/out"
is "$(cat "$T/out")" "huge|Huge|huge header||$(fsize "$C/new/huge")" \
    "corpus: a header over 256 KiB, nothing read beyond it"
printf '%s\n' "$C/cur/from-quoted:2,S" | "$L" --format '%t|%c|%I|%R|%l' >"$T/out"
is "$(cat "$T/out")" '"Smith, John" <john@example.org>|carol@example.org, "Dave" <dave@example.org>|parent@example.org|root@example.org parent@example.org|Example list <list.example.org>' \
    "corpus: To, Cc, In-Reply-To, References, List-Id"
is "$(line from-group | cut -d'|' -f1,3)" "from-group|group" \
    "corpus: a group in From:"
is "$(line from-group | cut -d'|' -f2)" "Team" \
    "corpus: %f of a group is its name"

# ---- the cache is used, and --no-cache does not use it ----

K=$T/K
mkmd "$K"
printf 'Subject: as indexed\n\n' >"$K/cur/k:2,S"
"$IX" -q "$K"
printf 'Subject: changed\n\n' >"$K/cur/k:2,S"
ml --format '%s' "$K"
is "$(cat "$T/out")" "as indexed" "a cached message: its header is not read"
ml --format '%s' --no-cache "$K"
is "$(cat "$T/out")" "changed" "--no-cache: the header is read"
mv "$K/cur/k:2,S" "$K/new/k"
ml --format '%s|%X' "$K"
is "$(cat "$T/out")" "as indexed|" "the entry found by base after a move, flags from the name"

if have_strace; then
	strace -f -o "$T/trace" -e trace=open,openat "$L" "$C" </dev/null >/dev/null
	n=$(grep -c -e mdkit-cache -e '/cur/[^"]' -e '/new/[^"]' "$T/trace")
	is "$n" 0 "a plain listing opens no cache and no message"
	strace -f -o "$T/trace" -e trace=open,openat "$L" --format '%p %b %F %X' "$C" </dev/null >/dev/null
	n=$(grep -c -e '/cur/[^"]' -e '/new/[^"]' "$T/trace")
	is "$n" 0 "--format with names only: no message opened"
	strace -f -o "$T/trace" -e trace=open,openat "$L" --format '%s' "$C" </dev/null >/dev/null
	n=$(grep -c -e '/cur/[^"]' -e '/new/[^"]' "$T/trace")
	is "$n" 0 "--format %s with a whole cache: no message opened"
else
	skip_n 3 "no usable strace"
fi

# ---- a From_ line inside the header ----

# Mail exported by an MUA: its own lines, an mbox From_ line, the real
# header. The fields after that line count for --format, --match and
# --sort, read from the files, from md-index's cache and with
# --no-cache; a line that is no field still ends the header after it.
X=$T/X
mkmd "$X"
cp "$DATA/from-line-inside" "$X/cur/x1:2,S"
touch -d @900000000 "$X/cur/x1:2,S"
printf 'Subject: plain\nFrom: Zed <zed@example.org>\nDate: Sun, 11 Aug 2002 09:00:00 +0000\n\n' \
    >"$X/cur/x2:2,S"
printf 'X-A: 1\nno field\nFrom x Mon Aug 12 09:58:00 2002\nSubject: body\n\n' \
    >"$X/cur/x3:2,S"
touch -d @1000000000 "$X/cur/x3:2,S"
for how in files cache no-cache; do
	opt=
	case $how in
	cache)
		"$IX" -q "$X"
		is "$?" 0 "From_ line inside: md-index"
		;;
	no-cache) opt=--no-cache ;;
	esac
	ml $opt --format '%b|%f|%s|%d' --sort subject "$X"
	is "$RC:$(oneline "$T/out")" \
	    "0:x3|||2001-09-09 01:46 x2|Zed|plain|2002-08-11 09:00 x1|Foo|the real subject|2002-08-12 08:57" \
	    "From_ line inside, $how: --format and --sort subject"
	ml $opt --format '%b' --sort date --reverse "$X"
	is "$(oneline "$T/out")" "x1 x2 x3" \
	    "From_ line inside, $how: --sort date"
	ml $opt --format '%b' --sort from "$X"
	is "$(oneline "$T/out")" "x3 x1 x2" \
	    "From_ line inside, $how: --sort from"
	ml $opt --format '%b' --match 'subject=real subject' \
	    --match 'from=foo@example.com' "$X"
	is "$RC:$(oneline "$T/out")" "0:x1" \
	    "From_ line inside, $how: --match subject and from"
	ml $opt --format '%b' --match 'subject=body' "$X"
	is "$(bytes "$T/out")" 0 \
	    "From_ line inside, $how: no field before it, the header ended"
done
# The cache holds the fields: a changed file does not change them.
printf 'Subject: changed\n\n' >"$X/cur/x1:2,S"
ml --format '%f|%s' --match 'subject=real' "$X"
is "$(cat "$T/out")" "Foo|the real subject" \
    "From_ line inside: the fields after it are in the cache"

# ---- a damaged cache: one warning, the same bytes ----

cp "$C/mdkit-cache" "$T/good-cache"
# damage NAME: a damaged cache in place, as NAME says.
damage() {
	case $1 in
	garbage) repeat_byte 5000 'Z' >"$C/mdkit-cache" ;;
	truncated) head -c 200 "$T/good-cache" >"$C/mdkit-cache" ;;
	flipped)
		cp "$T/good-cache" "$C/mdkit-cache"
		printf 'X' | dd of="$C/mdkit-cache" bs=1 seek=300 conv=notrunc 2>/dev/null
		;;
	empty) : >"$C/mdkit-cache" ;;
	esac
}
for how in garbage truncated flipped empty; do
	damage "$how"
	"$L" --format "$ALL" --sort date "$C" </dev/null >"$T/out" 2>"$T/err"
	rc=$?
	same_bytes "$T/out" "$T/v.date.files" "$how cache: the same bytes"
	is "$rc:$(lines "$T/err")" "0:1" "$how cache: exit 0, one warning"
	grep -qF "$C/mdkit-cache: damaged" "$T/err"
	ok $? "$how cache: the warning names it: $(cat "$T/err")"
done
grep -qF 'run md-index --rebuild' "$T/err"
ok $? "the warning says what to do"
# Another version: the 32-bit version number after the 8-byte magic.
cp "$T/good-cache" "$C/mdkit-cache"
printf '\377' | dd of="$C/mdkit-cache" bs=1 seek=8 conv=notrunc 2>/dev/null
"$L" --format "$ALL" --sort date "$C" </dev/null >"$T/out" 2>"$T/err"
is "$?:$(lines "$T/err")" "0:1" "another version's cache: exit 0, one warning"
same_bytes "$T/out" "$T/v.date.files" "another version's cache: the same bytes"
grep -qF "$C/mdkit-cache: written by another version" "$T/err"
ok $? "another version's cache: the warning says so: $(cat "$T/err")"
"$L" "$C" </dev/null >"$T/out" 2>"$T/err"
is "$(bytes "$T/err")" 0 "a plain listing does not look at the cache"
"$L" --no-cache --format %s "$C" </dev/null >"$T/out" 2>"$T/err"
is "$(bytes "$T/err")" 0 "--no-cache does not look at the cache"
cp "$T/good-cache" "$C/mdkit-cache"

# ---- paths on stdin ----

printf '%s\n' "$M/new/m3" "$M/cur/m1:2,FS" "$M/cur/m2:2,S" |
    "$L" --format '%b %f' --sort from >"$T/out" 2>"$T/err"
is "$?:$(oneline "$T/out")" "0:m1 Alice Able m2 bob builder m3 Carol" \
    "stdin paths: --format and --sort"
printf '%s\n' "$M/new/m3" "$M/cur/m1:2,FS" |
    "$L" --format '%p' --match 'subject~agenda' >"$T/out" 2>"$T/err"
is "$?:$(cat "$T/out")" "0:$M/new/m3" "stdin paths: --match, the path as given"
(cd "$M" && printf 'cur/m1:2,FS\n./new/m3\n' | "$L" --format '%p|%b|%s') >"$T/out"
is "$(oneline "$T/out")" "cur/m1:2,FS|m1|Re: Lunch ./new/m3|m3|Fwd: AW: agenda" \
    "stdin paths: relative paths printed as given"
printf '%s\0' "$M/new/m3" "$M/cur/m2:2,S" | "$L" -0 --format '%b' >"$T/out"
printf 'm3\0m2\0' >"$T/want"
same_bytes "$T/out" "$T/want" "stdin paths with -0"
printf '%s\n' "$M/cur/gone:2,S" "$M/new/m3" | "$L" --format '%b %z' >"$T/out" 2>"$T/err"
is "$?:$(cat "$T/out"):$(bytes "$T/err")" "0:m3 $s3:0" \
    "stdin: a message that is gone is passed over in silence"
mkdir "$M/cur/dir:2,S"
printf '%s\n' "$M/cur/dir:2,S" "$M/new/m3" | "$L" --format '%b %z' >"$T/out" 2>"$T/err"
is "$?:$(cat "$T/out"):$(lines "$T/err")" "1:m3 $s3:1" \
    "stdin: a message that cannot be read: exit 1, one line, the rest listed"
grep -qF "$M/cur/dir:2,S: not a regular file" "$T/err"
ok $? "stdin: the line names it: $(cat "$T/err")"
rmdir "$M/cur/dir:2,S"
# From the cache too, the cache of each root opened once.
(
	cd "$C/cur" && for f in *; do printf '%s\n' "$C/cur/$f"; done
	printf '%s\n' "$C/new/huge"
) >"$T/paths"
"$L" --format "$ALL" --sort subject <"$T/paths" >"$T/out" 2>"$T/err"
same_bytes "$T/out" "$T/v.subject.files" "stdin paths from the cache: the same bytes"
"$L" --format "$ALL" --sort subject --no-cache <"$T/paths" >"$T/out" 2>"$T/err"
same_bytes "$T/out" "$T/v.subject.files" "stdin paths, --no-cache: the same bytes"
damage truncated
"$L" --format "$ALL" --sort subject <"$T/paths" >"$T/out" 2>"$T/err"
is "$(lines "$T/err")" 1 "stdin paths, damaged cache: one warning for many lines"
same_bytes "$T/out" "$T/v.subject.files" "stdin paths, damaged cache: the same bytes"
cp "$T/good-cache" "$C/mdkit-cache"

# ---- Maildir++ folders ----

R=$T/R
mkmd "$R" "$R/.Work.Lists" "$R/.Plain"
: >"$R/.Work.Lists/maildirfolder"
printf 'Subject: in the root\n\n' >"$R/new/r1"
printf 'Subject: in a list\n\n' >"$R/.Work.Lists/cur/w1:2,S"
printf 'Subject: no marker\n\n' >"$R/.Plain/new/p1"
ml --recursive --sort subject --format '%F|%b|%s' "$R"
is "$RC:$(oneline "$T/out")" "0:Work.Lists|w1|in a list INBOX|r1|in the root Plain|p1|no marker" \
    "%F: INBOX for the root, the folder's name for folders"
ml --format '%F' "$R/.Work.Lists/"
is "$(cat "$T/out")" "Work.Lists" "%F of a folder given by path"
MAILDIR=$R "$L" --format '%F %p' Work.Lists </dev/null >"$T/out"
is "$(cat "$T/out")" "Work.Lists $R/.Work.Lists/cur/w1:2,S" "%F of a folder given by name"
printf '%s\n' "$R/.Work.Lists/cur/w1:2,S" "$R/new/r1" | "$L" --format '%F' >"$T/out"
is "$(oneline "$T/out")" "Work.Lists INBOX" "%F of paths on stdin"
(cd "$R/.Work.Lists" && printf 'cur/w1:2,S\n' | "$L" --format '%F') >"$T/out"
is "$(cat "$T/out")" "Work.Lists" "%F of a path relative to the folder"
"$IX" -q -r "$R"
ml --recursive --sort subject --format '%F|%b|%s' "$R"
is "$RC:$(oneline "$T/out")" "0:Work.Lists|w1|in a list INBOX|r1|in the root Plain|p1|no marker" \
    "folders from their caches: the same"
