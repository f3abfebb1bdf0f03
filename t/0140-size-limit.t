#!/bin/sh
# -s: a message whose stored file would exceed the limit is refused (65,
# 100 with --qmail) and leaves nothing behind; the limit counts the file
# as written (From_ line removed, trace fields added); a bad size is a
# usage error.
. "$(dirname "$0")/lib.sh"

plan 37

M=$T/M

# msg_of_size BYTES FILE: a message of exactly BYTES bytes.
msg_of_size() {
	{
		printf 'Subject: size\n\n'
		repeat_byte $(($1 - 16)) x
		printf '\n'
	} >"$2"
}

# sized NAME WANT_RC ARGS...: deliver $T/in with ARGS into a fresh M.
sized() {
	_name=$1
	_want=$2
	shift 2
	deliver_fresh "$@" <"$T/in"
	is "$RC" "$_want" "$_name: exit $_want"
	if [ "$_want" = 0 ]; then
		same_bytes "$(only_file "$M/new")" "$T/want" "$_name: delivered"
	else
		is "$(count_files "$M")" 0 "$_name: nothing in new/, cur/ or tmp/"
	fi
}

msg_of_size 2000 "$T/in"
sized "-s 1k, 2000 bytes" 65 -s 1k
err_has "size limit of 1024 bytes" "-s 1k, 2000 bytes: stderr names the limit"
sized "--size-limit=1K, 2000 bytes" 65 --size-limit=1K
sized "--qmail -s 1k, 2000 bytes" 100 --qmail -s 1k

msg_of_size 1000 "$T/in"
cp "$T/in" "$T/want"
sized "-s 1k, 1000 bytes" 0 -s 1k

msg_of_size 1024 "$T/in"
cp "$T/in" "$T/want"
sized "-s 1024, exactly 1024 bytes" 0 -s 1024
msg_of_size 1025 "$T/in"
sized "-s 1024, 1025 bytes" 65 -s 1024
cp "$T/in" "$T/want"
sized "-s 0 means no limit" 0 -s 0

# What counts is the stored file.
{
	printf 'From a@b Thu Oct 17 17:14:09 1995\n'
	msg_of_size 1024 /dev/stdout
} >"$T/in"
msg_of_size 1024 "$T/want"
sized "-s 1024, 1024 bytes after a From_ line" 0 -s 1024
msg_of_size 1000 "$T/in"
sized "-s 1024, 1000 bytes plus trace fields over the limit" 65 -s 1024 -r someone@example.org -d someone@example.org

# A long line over the limit, and a big message through a pipe.
{
	printf 'Subject: long\n\n'
	repeat_byte 8388608 y
} >"$T/in"
sized "-s 2k, one 8 MB line" 65 -s 2k
rm -rf "$M"
mkmd "$M"
msg_of_size 3000000 "$T/in"
"$MD" -s 1M "$M" <"$T/in" 2>"$T/err"
is "$?" 65 "-s 1M, 3 MB through a file: exit 65"
cat "$T/in" | "$MD" -s 1M "$M" 2>"$T/err"
is "$?" 65 "-s 1M, 3 MB through a pipe: exit 65"
is "$(count_files "$M")" 0 "-s 1M: nothing in new/, cur/ or tmp/"
cp "$T/in" "$T/want"
sized "-s 3M, 3 MB" 0 -s 3M

# Bad sizes are usage errors, before anything is read or written.
msg_of_size 100 "$T/in"
for bad in abc 1x '' 1.5k -1 10Z 010 0x10 +5; do
	deliver_fresh -s "$bad" <"$T/in"
	is "$RC" 75 "-s '$bad': exit 75"
done
deliver --qmail -s abc "$M" <"$T/in"
is "$RC" 111 "--qmail -s abc: exit 111"
is "$(count_files "$M")" 0 "bad -s: nothing delivered"
