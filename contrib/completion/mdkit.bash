# bash completion for mdkit's programs (make install puts a copy under
# each program's name in bash-completion's completions directory; or
# source this file from ~/.bashrc).
#
# Each program is one table, _mdkit_opts_NAME (NAME with '_' for '-'):
# its options, one a word; an option that takes an argument says what
# kind with "=KIND", one whose argument is optional ("--tmp[=age]") ends
# in "?". _mdkit_args_NAME is the kind of its operands. Kinds:
#   maildir  a maildir path, or a folder name of the default maildir
#   dir      a directory
#   root     a directory that is the root of -f's folder
#   message  a message file (or, for md-move, the target maildir)
#   file     any file (a Sieve script)
#   folder   a Maildir++ folder name under the root on the line
#   keyword  a keyword name from the maildirs' dovecot-keywords
#   flags    flag letters; sort: an md-list sort key; none: anything
# A new program: its two tables, and its name in the complete line at
# the end. t/0965-completion.t checks each table against the program's
# source and man page.

_mdkit_opts_md_check='-h --help --version -q --quiet -r --recursive --repair -v --verbose'
_mdkit_args_md_check=maildir

_mdkit_opts_md_deliver='-c --create -d=none --delivered-to=none -e --env
    -F=flags --flags=flags -f=folder --folder=folder -h --help --version
    -M --mbox -q --quiet --qmail --quota-permanent -r=none
    --return-path=none --sendmail=file --sieve=file --sieve-dir=dir
    --sieve-global-dir=dir -s=none --size-limit=none -t=none
    --timeout=none -v --verbose'
_mdkit_args_md_deliver=dir

_mdkit_opts_md_expunge='-0 -a --all -f=folder --folder=folder -h --help
    --version --json -m=root --maildir=root -n --dry-run --older-than=none
    -q --quiet -r --recursive -T --trashed --tmp? --tsv -v --verbose'
_mdkit_args_md_expunge=maildir

_mdkit_opts_md_flag='-0 -C -D -d -F -f -h --help --version -K=keyword
    -k=keyword -P -p -q --quiet -R -r -S -s -T -t -X=flags -x=flags'
_mdkit_args_md_flag=message

_mdkit_opts_md_index='--check --drop -h --help --version -j=none
    --jobs=none -q --quiet --rebuild -r --recursive -v --verbose'
_mdkit_args_md_index=maildir

_mdkit_opts_md_list='-0 -C -c -D -d -F -f --format=none -h --help
    --version -i --info --json -K=keyword --keyword=keyword -k=keyword
    --no-keyword=keyword --match=none -N -n --no-cache -P -p -R -r
    --recursive --reverse -S -s --sort=sort -T -t --tsv -X=flags -x=flags'
_mdkit_args_md_list=maildir

_mdkit_opts_md_mkdir='-f=folder --folder=folder -h --help --version -p
    --parents -q=none --quota=none'
_mdkit_args_md_mkdir=dir

_mdkit_opts_md_move='-0 -c --create -f=folder --folder=folder -h --help
    --version -k --keep -m=root --root=root -q --quiet -t=dir
    --target=dir'
_mdkit_args_md_move=message

_mdkit_opts_md_sieve='-0 --null -c --check -d=none -e --each -h --help
    --version -n --dry-run -r=none --sieve-dir=dir --sieve-global-dir=dir -t
    --test'
_mdkit_args_md_sieve=file

# The kind of option OPT's argument in TABLE: "" for an option that
# takes none, "-" for an unknown one.
_mdkit_kind() {
	local w IFS=$' \t\n'
	for w in $1; do
		case $w in
		"$2") _mdkit_k= ; return ;;
		"$2"\?) _mdkit_k= ; return ;;
		"$2"=*) _mdkit_k=${w#*=} ; return ;;
		esac
	done
	_mdkit_k=-
}

# A cluster of short options (-rv, -rK, -fWork): _mdkit_k is the kind of
# the next word's argument, "" when it is none.
_mdkit_cluster() {
	local j
	for ((j = 1; j < ${#2}; j++)); do
		_mdkit_kind "$1" "-${2:j:1}"
		[[ -n $_mdkit_k && $_mdkit_k != - ]] || continue
		# The rest of the word is the argument, or the next word is.
		((j + 1 < ${#2})) && _mdkit_k=
		return
	done
	_mdkit_k=
}

# The words of the line whole again where bash split them at '=' or ':'
# (COMP_WORDBREAKS): "--opt=value", and message names such as
# "1.M1P1.h,S=1234:2,S". _mdkit_w, and _mdkit_cw the index of the word
# completed.
_mdkit_words() {
	local i n=-1 join=0
	_mdkit_w=()
	_mdkit_cw=0
	for ((i = 0; i < ${#COMP_WORDS[@]}; i++)); do
		local w=${COMP_WORDS[i]}
		if ((n > 0)) && [[ $w == [=:] ]]; then
			_mdkit_w[n]+=$w
			join=1
		elif ((join)); then
			_mdkit_w[n]+=$w
			join=0
		else
			_mdkit_w[++n]=$w
		fi
		((i == COMP_CWORD)) && _mdkit_cw=$n
	done
}

# The default maildir, as the programs find it.
_mdkit_default() {
	printf '%s\n' "${MAILDIR:-$HOME/Maildir}"
}

# The Maildir++ folder names under ROOT: ".Name" directories with a cur/.
_mdkit_folders() {
	local d
	for d in "$1"/.[!.]*/; do
		[[ -d $d/cur ]] || continue
		d=${d%/}
		printf '%s\n' "${d##*/.}"
	done
}

# The keyword names of the maildirs named, from their dovecot-keywords
# ("N name" lines).
_mdkit_keywords() {
	local m n name IFS=' '
	for m; do
		[[ -r $m/dovecot-keywords ]] || continue
		while read -r n name; do
			[[ -n $name ]] && printf '%s\n' "$name"
		done <"$m/dovecot-keywords"
	done | sort -u
}

# The maildir of a path: itself, or that of a message in new/ or cur/.
_mdkit_maildir_of() {
	case $1 in
	*/new/* | */cur/*) printf '%s\n' "${1%/*/*}" ;;
	*) printf '%s\n' "$1" ;;
	esac
}

# The lines of stdin that start with CUR, added to COMPREPLY as they are
# (compgen -W would expand a "$Label1").
_mdkit_match() {
	local l
	while IFS= read -r l; do
		[[ $l == "$1"* ]] && COMPREPLY+=("$l")
	done
}

# Candidates of KIND for CUR into COMPREPLY. ROOTS: the maildirs the line
# names (root options first), for folders and keywords.
_mdkit_values() {
	local kind=$1 cur=$2 IFS=$'\n' l
	shift 2
	COMPREPLY=()
	case $kind in
	maildir)
		COMPREPLY=($(compgen -d -- "$cur"))
		_mdkit_match "$cur" < <(_mdkit_folders "$(_mdkit_default)")
		compopt -o filenames 2>/dev/null
		;;
	dir | root)
		COMPREPLY=($(compgen -d -- "$cur"))
		compopt -o filenames 2>/dev/null
		;;
	message | file)
		COMPREPLY=($(compgen -f -- "$cur"))
		compopt -o filenames 2>/dev/null
		;;
	folder)
		_mdkit_match "$cur" < <(_mdkit_folders "${1:-$(_mdkit_default)}")
		;;
	keyword)
		_mdkit_match "$cur" < <(_mdkit_keywords "$@" "$(_mdkit_default)")
		;;
	flags)
		COMPREPLY=()
		for l in D F P R S T; do
			[[ $cur == *$l* ]] || COMPREPLY+=("$cur$l")
		done
		;;
	sort)
		_mdkit_match "$cur" <<<$'date\nreceived\nsize\nsubject\nfrom'
		;;
	*) COMPREPLY=() ;;
	esac
}

_mdkit() {
	local prog=${1##*/} opts args cur kind= i w roots=() more=1 eq=
	local -a _mdkit_w
	local _mdkit_cw _mdkit_k
	prog=${prog//-/_}
	opts=_mdkit_opts_$prog
	args=_mdkit_args_$prog
	opts=${!opts}
	args=${!args}
	_mdkit_words
	cur=${_mdkit_w[_mdkit_cw]}
	# Walk the other words: options and their arguments (roots noted),
	# operands (maildirs, for folders and keywords).
	for ((i = 1; i < ${#_mdkit_w[@]}; i++)); do
		((i == _mdkit_cw)) && continue
		w=${_mdkit_w[i]}
		if ((more)) && [[ $w == -- ]]; then
			((i < _mdkit_cw)) && more=0
		elif ((more)) && [[ $w == --?*=* ]]; then
			_mdkit_kind "$opts" "${w%%=*}"
			[[ $_mdkit_k == root ]] && roots=("${w#*=}" "${roots[@]}")
		elif ((more)) && [[ $w == -?* ]]; then
			_mdkit_kind "$opts" "$w"
			[[ $w != --* && $_mdkit_k == - ]] &&
			    _mdkit_cluster "$opts" "$w"
			[[ -z $_mdkit_k || $_mdkit_k == - ]] && continue
			if ((i + 1 == _mdkit_cw)); then
				kind=$_mdkit_k
			elif ((++i < ${#_mdkit_w[@]})) &&
			    [[ $_mdkit_k == root ]]; then
				roots=("${_mdkit_w[i]}" "${roots[@]}")
			fi
		else
			roots+=("$(_mdkit_maildir_of "$w")")
		fi
	done
	if [[ -z $kind ]] && ((more)) && [[ $cur == --?*=* ]]; then
		_mdkit_kind "$opts" "${cur%%=*}"
		kind=${_mdkit_k:-none}
		eq=${cur%%=*}=
		cur=${cur#*=}
	fi
	if [[ -n $kind ]]; then
		_mdkit_values "$kind" "$cur" "${roots[@]}"
	elif ((more)) && [[ $cur == -* ]]; then
		COMPREPLY=()
		for w in $opts; do
			w=${w%%[=?]*}
			[[ $w == "$cur"* ]] && COMPREPLY+=("$w")
		done
	else
		_mdkit_values "$args" "$cur" "${roots[@]}"
	fi
	# Whole words, "--opt=" before a value; but bash replaces only what
	# follows the word's last '=' or ':' when COMP_WORDBREAKS has them.
	[[ -n $eq ]] && COMPREPLY=("${COMPREPLY[@]/#/$eq}")
	w=${COMP_WORDBREAKS//[^=:]/}
	if [[ -n $w ]]; then
		w=${_mdkit_w[_mdkit_cw]%"${_mdkit_w[_mdkit_cw]##*[$w]}"}
		[[ -n $w ]] && COMPREPLY=("${COMPREPLY[@]#"$w"}")
	fi
	return 0
}

complete -F _mdkit md-check md-deliver md-expunge md-flag md-index md-list \
    md-mkdir md-move md-sieve
