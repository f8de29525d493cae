# shellcheck shell=bash
# shellcheck disable=SC2034 # the cs_ variables are read by the sourcing script
# tests/replay/cases.sh - tests/replay/CASES, the replay table: read it,
# run a case.  Sourced by tests/replay/run.sh (compares) and
# tests/replay/update-replay.sh (rewrites), so that both read and run a
# case the same way.  CASES's header says what the fields mean.
#
#   cs_load FILE       read every case into arrays indexed by case number:
#                      cs_name, cs_compare, cs_xfail (0 or 1), cs_cap,
#                      cs_opts, cs_exp, cs_exit, cs_err (the fields, with
#                      the spaces around them trimmed) and cs_line (the
#                      line number); cs_n cases.  A line it cannot read is
#                      reported on stderr and counted in cs_bad.
#   cs_run CAP OPTS OUT ERR [EXTRA...]
#                      in $cs_top (an absolute path; a caller that runs
#                      many cases saves a process a run by going there
#                      first) with TZ=UTC and LC_ALL=C, under
#                      timeout $cs_timeout (when set) and the wrapper
#                      ${cs_wrap[@]}: $HOPTRACE -r CAP OPTS EXTRA (a CAP
#                      written <FILE is read from stdin: -r - <FILE);
#                      stdout into OUT, stderr into ERR; sets cs_rc
#   cs_cmdline CAP OPTS [EXTRA...]
#                      the same command, as text to copy into a shell, in
#                      cs_cmd
#   cs_stderr_ok ERR SPEC FILE
#                      does the stderr in file ERR hold what the stderr
#                      field SPEC says?  FILE stands for the capture in a
#                      one-line SPEC.  Sets cs_why when not.

cs_top=${cs_top:-.}
cs_wrap=()

cs_load() {
	local file=$1 line rest lineno=0 k extra
	local -a f w x
	local -A seen=()
	local -
	set -f
	cs_n=0 cs_bad=0
	cs_name=() cs_compare=() cs_xfail=() cs_cap=() cs_opts=() cs_exp=()
	cs_exit=() cs_err=() cs_line=()
	while IFS= read -r line || [ -n "$line" ]; do
		lineno=$((lineno + 1))
		[[ $line =~ ^[[:space:]]*(#|$) ]] && continue
		# seven fields: six up to a "|", then the rest of the line
		f=() rest=$line
		for ((k = 0; k < 6; k++)); do
			if [[ $rest != *"|"* ]]; then
				break
			fi
			f[k]=${rest%%|*}
			rest=${rest#*|}
		done
		f[6]=$rest
		for ((k = 0; k < 7; k++)); do
			if [[ ${f[k]-} =~ ^[[:space:]]*(.*[^[:space:]])[[:space:]]*$ ]]; then
				f[k]=${BASH_REMATCH[1]}
			else
				f[k]=''
			fi
		done
		# shellcheck disable=SC2206 # words on purpose (no glob characters)
		w=(${f[1]}) x=(${f[4]})
		extra=''
		if ! [[ ${f[0]} =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]]; then
			extra="a name of letters, digits and ._-"
		elif [ -n "${seen[${f[0]}]-}" ]; then
			extra="a name of its own (line ${seen[${f[0]}]} has it too)"
		elif [ "${#w[@]}" = 0 ] || [ "${#w[@]}" -gt 2 ] ||
			! [[ ${w[0]} =~ ^(text|mda|rows|hostile)$ ]] ||
			{ [ "${#w[@]}" = 2 ] && [ "${w[1]}" != xfail ]; }; then
			extra="compare: text, mda, rows or hostile, then maybe xfail"
		elif [ -z "${f[2]}" ] || [ "${#x[@]}" = 0 ]; then
			extra="a capture and an expected file (or -)"
		elif [ "${w[0]}" = rows ] && [ "${#x[@]}" != 2 ]; then
			extra="rows: the rows file, then the text output it agrees with"
		elif [ "${w[0]}" = mda ] && { [ "${#x[@]}" -gt 2 ] || [ "${x[0]}" = - ]; }; then
			extra="mda: expected is the graph, then maybe the tool's record"
		elif [ "${w[0]}" != mda ] && [ "${w[0]}" != rows ] && [ "${#x[@]}" != 1 ]; then
			extra="one expected file (or -)"
		elif ! [[ ${f[5]} =~ ^[0-9]+$ ]]; then
			extra="an exit status"
		elif [ -z "${f[6]}" ]; then
			extra="a stderr field (- for nothing)"
		fi
		if [ -n "$extra" ]; then
			printf 'ERROR: %s line %d: want %s\n' "$file" "$lineno" "$extra" >&2
			cs_bad=$((cs_bad + 1))
			continue
		fi
		seen[${f[0]}]=$lineno
		cs_name[cs_n]=${f[0]}
		cs_compare[cs_n]=${w[0]}
		cs_xfail[cs_n]=$((${#w[@]} == 2))
		cs_cap[cs_n]=${f[2]}
		cs_opts[cs_n]=${f[3]}
		cs_exp[cs_n]=${f[4]}
		cs_exit[cs_n]=${f[5]}
		cs_err[cs_n]=${f[6]}
		cs_line[cs_n]=$lineno
		cs_n=$((cs_n + 1))
	done <"$file"
}

cs_run() {
	local cap=$1 out=$3 err=$4
	local -a ov t=()
	local -
	set -f
	# shellcheck disable=SC2206 # words on purpose
	ov=($2)
	shift 4
	[ -n "${cs_timeout-}" ] && t=(timeout "$cs_timeout")
	if [ "$PWD" != "$cs_top" ]; then
		(cd "$cs_top" && cs_run "$cap" "${ov[*]}" "$out" "$err" "$@")
		cs_rc=$?
		return "$cs_rc"
	fi
	case $cap in
	"<"*)
		TZ=UTC LC_ALL=C "${t[@]}" "${cs_wrap[@]}" \
			"$HOPTRACE" -r - "${ov[@]}" "$@" <"${cap#<}" >"$out" 2>"$err" ;;
	*)
		TZ=UTC LC_ALL=C "${t[@]}" "${cs_wrap[@]}" \
			"$HOPTRACE" -r "$cap" "${ov[@]}" "$@" >"$out" 2>"$err" ;;
	esac
	cs_rc=$?
	return "$cs_rc"
}

cs_cmdline() {
	local cap=$1 o=$2
	shift 2
	case $cap in
	"<"*) cap="- <${cap#<}" ;;
	esac
	printf -v cs_cmd '(cd %s && TZ=UTC LC_ALL=C %s%s -r %s%s%s)' "$cs_top" \
		"${cs_wrap[*]:+${cs_wrap[*]} }" "$HOPTRACE" "$cap" "${o:+ $o}" "${*:+ $*}"
}

# ERE-quote a string
cs_re_quote() {
	printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'
}

cs_stderr_ok() {
	local errf=$1 spec=$2 name=$3 line pat n
	cs_why=''
	case $spec in
	-)
		if [ -s "$errf" ]; then
			cs_why="stderr should be empty, got: $(head -c 300 "$errf")"
			return 1
		fi
		return 0
		;;
	file:*)
		if [ ! -f "$cs_top/${spec#file:}" ]; then
			cs_why="no ${spec#file:}"
			return 1
		fi
		if ! cmp -s "$cs_top/${spec#file:}" "$errf"; then
			cs_why="stderr differs from ${spec#file:}"
			return 1
		fi
		return 0
		;;
	esac
	n=$(wc -l <"$errf")
	if [ ! -s "$errf" ]; then
		cs_why="stderr is empty, expected one line"
		return 1
	fi
	if [ "$n" -ne 1 ] || [ "$(tail -c 1 "$errf" | od -An -c | tr -d ' ')" != '\n' ]; then
		cs_why="stderr should be one line, got: $(head -c 300 "$errf")"
		return 1
	fi
	line=$(cat "$errf")
	case $spec in
	re:*)
		pat=${spec#re:}
		pat=${pat//FILE/"$(cs_re_quote "$name")"}
		if ! [[ $line =~ $pat ]]; then
			cs_why="stderr '$line' does not match /$pat/"
			return 1
		fi
		;;
	*)
		pat=${spec//FILE/"$name"}
		if [ "$line" != "$pat" ]; then
			cs_why="stderr '$line', expected '$pat'"
			return 1
		fi
		;;
	esac
	return 0
}
