#!/bin/bash
# tests/replay/run.sh - the replay corpus, table-driven: every case of
# tests/replay/CASES, whose header says what a case runs and how each way
# of comparing (text, mda, rows, hostile) checks it.  Then the checks of the
# corpus as a whole: every capture in tests/replay/hostile/ has its case,
# and tests/replay/hostile/make.py still makes exactly the stored files.
#
# The cases run REPLAY_JOBS at a time (default: the number of processors,
# at most 8); their reports come out in the table's order, one line per
# case (PASS, FAIL, XFAIL, XPASS or SKIP), a failure's command, diff and
# stderr under it.
#
# The expected outputs are the truth, not a record of what hoptrace
# printed once: see pcaps/README (how each was checked) and
# tests/replay/make-corpus.sh.  tests/replay/update-replay.sh rewrites those
# of the text cases from hoptrace's output; review its diff before keeping
# it.
#
# Environment: HOPTRACE = the binary; srcdir (the tests directory) and
# top_srcdir as from automake.  Optional: REPLAY_ONLY="name ..." runs only
# those cases (and not the checks of the whole corpus); REPLAY_WRAP="cmd
# args" runs hoptrace under a wrapper (e.g. valgrind -q --error-exitcode=99);
# REPLAY_JOBS.  Needs no root and no network; python3 for the mda cases
# (skipped without it) and for the make.py check.
# Exit 0 pass, 1 fail, 99 hard error (no binary, no CASES, a line of it
# unreadable, a name in REPLAY_ONLY that no case has).

# shellcheck source-path=SCRIPTDIR
# shellcheck disable=SC2317 # check_text, check_mda, check_rows, check_hostile: called as check_$compare
set -u

srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=../common.sh
. "$srcdir/common.sh"
# shellcheck source=cases.sh
. "$srcdir/replay/cases.sh"
top_srcdir=${top_srcdir:-$srcdir/..}
table=$srcdir/replay/CASES
hostile_dir=tests/replay/hostile # from the top of the tree

ht_need_hoptrace
if [ ! -r "$table" ]; then
	echo "ERROR: $table not found" >&2
	exit 99
fi
cs_load "$table"
[ "$cs_bad" = 0 ] || exit 99
cs_top=$(cd "$top_srcdir" && pwd) || exit 99
# shellcheck disable=SC2206 # words on purpose
cs_wrap=(${REPLAY_WRAP-})
cs_timeout=30
command -v timeout >/dev/null 2>&1 || cs_timeout=
have_py=1
command -v python3 >/dev/null 2>&1 || have_py=0

wpids=()
stop_workers() {
	local p
	for p in "${wpids[@]}"; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
}
ht_tmpdir htreplay stop_workers

# ---- which cases
only=" ${REPLAY_ONLY-} "
sel=()
declare -A known=()
for ((i = 0; i < cs_n; i++)); do
	known[${cs_name[i]}]=1
	if [ "$only" = "  " ] || [[ $only == *" ${cs_name[i]} "* ]]; then
		sel+=("$i")
	fi
done
for n in ${REPLAY_ONLY-}; do
	if [ -z "${known[$n]-}" ]; then
		echo "ERROR: REPLAY_ONLY names $n, which no case of $table has" >&2
		exit 99
	fi
done
if [ "${#sel[@]}" = 0 ]; then
	echo "ERROR: no case to run" >&2
	exit 99
fi

# ---- one case
# The checks of a case add to hards (by hard: what must hold whatever the
# case says) or softs (by soft: the exit status and stderr, what an xfail
# mark excuses), and what shows a failure to the case's detail file.

hard() { hards+=("$1"); }
soft() { softs+=("$1"); }
detail() { printf '%s\n' "$@" >>"$wd/detail"; }

# ran WHAT NAME: after cs_run, crash or hang, exit status and stderr (FILE
# in a one-line stderr field stands for NAME); WHAT names the run, if the
# case has more than one
ran() {
	local what=${1:+$1: } name=$2
	if [ "$cs_rc" = 124 ] && [ -n "$cs_timeout" ]; then
		hard "${what}hung (killed after ${cs_timeout}s)"
	elif [ "$cs_rc" -ge 128 ]; then
		hard "${what}killed by signal $((cs_rc - 128))"
	fi
	[ "$cs_rc" = "$want_exit" ] || soft "${what}exit $cs_rc, want $want_exit"
	if ! cs_stderr_ok "$wd/err" "$want_err" "$name"; then
		soft "$what$cs_why"
		case $want_err in
		file:*)
			[ -f "$cs_top/${want_err#file:}" ] &&
				detail "$(diff -u "$cs_top/${want_err#file:}" "$wd/err")" ;;
		*) [ -s "$wd/err" ] && detail "$(sed 's/^/stderr: /' "$wd/err")" ;;
		esac
	fi
}

# same_stdout WHAT EXPECTED-FILE LINES: stdout equal to the file (diff:
# its first LINES lines, all when 0)
same_stdout() {
	local what=${1:+$1: } e=$2 lines=$3
	cmp -s "$e" "$wd/out" && return 0
	hard "${what}stdout differs from ${e#"$cs_top"/}"
	if [ "$lines" = 0 ]; then
		detail "$(diff -u "$e" "$wd/out")"
	else
		detail "$(diff -u "$e" "$wd/out" | head -n "$lines")"
	fi
}

check_text() {
	local e
	cs_run "$cap" "$opts" "$wd/out" "$wd/err"
	cs_cmdline "$cap" "$opts"
	detail "$cs_cmd"
	ran "" "$name_r"
	if [ "$exp" = - ]; then
		e=$wd/empty
		: >"$e"
	elif [ -f "$cs_top/$exp" ]; then
		e=$cs_top/$exp
	else
		hard "no $exp"
		return
	fi
	same_stdout "" "$e" 0
}

# rows: stdout (--rows) equal to the rows file, byte for byte, and agreeing
# with the text output of the same capture (the truth file of its text
# case): every reply it shows one row (rows-check.py)
check_rows() {
	local -a ef
	local m
	read -ra ef <<<"$exp"
	cs_run "$cap" "$opts" "$wd/out" "$wd/err"
	cs_cmdline "$cap" "$opts"
	detail "$cs_cmd"
	ran "" "$name_r"
	same_stdout "" "$cs_top/${ef[0]}" 20
	[ "$have_py" = 1 ] || return
	if ! python3 "$srcdir/replay/rows-check.py" "$cs_top/${ef[1]}" \
		"$wd/out" >"$wd/py" 2>&1; then
		while IFS= read -r m; do
			hard "$m"
		done <"$wd/py"
		[ -s "$wd/py" ] || hard "rows-check.py failed"
	fi
}

# graph FILE: "N addr" and "L from to" of a text output, sorted
graph() {
	awk '
	/^    [^ ]/ { from = $1; print "N " $1; next }
	/^      -> / { print "L " from " " $2; next }
	' "$1" | sort -u
}

check_mda() {
	local -a ef
	local gfile links edges m
	read -ra ef <<<"$exp"
	gfile=${ef[0]}
	if [ "$have_py" = 0 ]; then
		skip="python3 not installed"
		return
	fi
	cs_run "$cap" "$opts" "$wd/out" "$wd/err"
	cs_cmdline "$cap" "$opts"
	detail "$cs_cmd"
	ran "" "$name_r"
	if [ "${#softs[@]}" != 0 ] && [ "$xfail" = 0 ]; then
		return
	fi
	graph "$wd/out" >"$wd/found"
	if ! cmp -s "$wd/found" "$cs_top/$gfile"; then
		hard "graph differs from the topology (< found, > truth): $(diff "$wd/found" "$cs_top/$gfile" | grep '^[<>]' | tr '\n' ';')"
		return
	fi
	cs_run "$cap" "$opts" "$wd/j" "$wd/err" -j
	cs_cmdline "$cap" "$opts" -j
	detail "$cs_cmd"
	ran "-j" "$name_r"
	cs_run "$cap" "$opts" "$wd/d" "$wd/err" --dot
	cs_cmdline "$cap" "$opts" --dot
	detail "$cs_cmd"
	ran "--dot" "$name_r"
	links=$(grep -c '^L ' "$cs_top/$gfile")
	edges=$(grep -c -- '->' "$wd/d")
	if ! head -n 1 "$wd/d" | grep -q '^digraph ' || [ "$edges" != $((links + 1)) ]; then
		hard "--dot: want a digraph with $((links + 1)) edges, got $edges"
	fi
	# the flows of each link against the tool's record, and -j's graph
	if ! python3 "$srcdir/replay/mda-check.py" "$wd/out" "$wd/j" \
		"$cs_top/$gfile" ${ef[1]+"$cs_top/${ef[1]}"} >"$wd/py" 2>&1; then
		while IFS= read -r m; do
			hard "$m"
		done <"$wd/py"
		[ -s "$wd/py" ] || hard "mda-check.py failed"
	fi
}

# one_line WHAT: what no hostile run may do, whatever its case says
one_line() {
	local n
	n=$(wc -l <"$wd/err")
	if [ "$cs_rc" -lt 128 ] && [ "$cs_rc" != 124 ] && [ "$cs_rc" -gt 1 ]; then
		hard "$1: exit status $cs_rc (only 0 or 1 allowed)"
	fi
	if [ "$n" -gt 1 ] || { [ -s "$wd/err" ] && [ "$n" -eq 0 ]; }; then
		hard "$1: stderr is not at most one line: $(head -c 400 "$wd/err")"
	fi
}

check_hostile() {
	local e f=${cap#<} ntr nj
	if [ "$exp" = - ]; then
		e=$wd/empty
		: >"$e"
	elif [ -f "$cs_top/$exp" ]; then
		e=$cs_top/$exp
	else
		hard "no $exp"
		return
	fi
	# 1. -r FILE
	cs_run "$f" "$opts" "$wd/out" "$wd/err"
	cs_cmdline "$f" "$opts"
	detail "$cs_cmd"
	ran "-r FILE" "$f"
	one_line "-r FILE"
	same_stdout "-r FILE" "$e" 20
	# 2. -r - < FILE
	cs_run "<$f" "$opts" "$wd/out" "$wd/err"
	ran "-r - (stdin)" stdin
	one_line "-r - (stdin)"
	same_stdout "-r - (stdin)" "$e" 20
	# 3. -r FILE -j
	cs_run "$f" "$opts" "$wd/out" "$wd/err" -j
	ran "-j" "$f"
	one_line "-j"
	ntr=$(grep -c '^hoptrace from ' "$e")
	nj=$(grep -c '^{"type":"traceroute",' "$wd/out")
	if [ "$nj" -ne "$ntr" ] || [ "$(wc -l <"$wd/out")" -ne "$ntr" ]; then
		hard "-j: expected $ntr JSON trace line(s), got: $(head -c 300 "$wd/out")"
	fi
}

# one_case I DIR: run case I in the scratch directory DIR, print its report
one_case() {
	local i=$1 name cap opts exp want_exit want_err xfail name_r skip='' m
	local -a hards=() softs=()
	wd=$2
	name=${cs_name[i]} cap=${cs_cap[i]} opts=${cs_opts[i]} exp=${cs_exp[i]}
	want_exit=${cs_exit[i]} want_err=${cs_err[i]} xfail=${cs_xfail[i]}
	name_r=$cap
	case $cap in "<"*) name_r=stdin ;; esac
	: >"$wd/detail"
	if [ ! -f "$cs_top/${cap#<}" ]; then
		hard "no capture ${cap#<}"
	else
		"check_${cs_compare[i]}"
	fi
	if [ -n "$skip" ]; then
		echo "SKIP: $name: $skip"
		return
	fi
	printf -v m '%s; ' "${hards[@]}" "${softs[@]}"
	m=${m%; }
	if [ "${#hards[@]}" != 0 ] || { [ "${#softs[@]}" != 0 ] && [ "$xfail" = 0 ]; }; then
		echo "FAIL: $name: $m"
		echo "  (CASES line ${cs_line[i]}, compare ${cs_compare[i]})"
		sed 's/^/  /' "$wd/detail"
	elif [ "${#softs[@]}" != 0 ]; then
		echo "XFAIL: $name: $m"
	elif [ "$xfail" = 1 ]; then
		echo "XPASS: $name: now as CASES expects: remove its xfail mark"
	else
		echo "PASS: $name"
	fi
}

# ---- the cases, REPLAY_JOBS at a time
jobs=${REPLAY_JOBS:-$(nproc 2>/dev/null || echo 2)}
[[ $jobs =~ ^[0-9]+$ ]] && [ "$jobs" -ge 1 ] || jobs=1
[ "$jobs" -le 8 ] || jobs=8
[ "$jobs" -le "${#sel[@]}" ] || jobs=${#sel[@]}
mkdir "$tmp/r" || exit 99
for ((w = 0; w < jobs; w++)); do
	mkdir "$tmp/w$w" || exit 99
	(
		cd "$cs_top" || exit 99
		for ((k = w; k < ${#sel[@]}; k += jobs)); do
			one_case "${sel[k]}" "$tmp/w$w" >"$tmp/r/${sel[k]}" 2>&1
		done
	) &
	wpids+=("$!")
done

# ---- meanwhile, the corpus as a whole (all cases only)
corpus_fails=0 corpus=''
if [ "$only" = "  " ]; then
	corpus="; the corpus as a whole:"
	declare -A listed=()
	for ((i = 0; i < cs_n; i++)); do
		[ "${cs_compare[i]}" = hostile ] && listed[${cs_cap[i]#<}]=1
	done
	for f in "$cs_top/$hostile_dir"/*.pcap "$cs_top/$hostile_dir"/*.pcapng; do
		[ -e "$f" ] || continue
		if [ -z "${listed[$hostile_dir/${f##*/}]-}" ]; then
			echo "FAIL: $hostile_dir/${f##*/} has no hostile case in CASES" >>"$tmp/corpus"
			corpus_fails=$((corpus_fails + 1))
		fi
	done
	if [ "$have_py" = 1 ]; then
		mkdir "$tmp/made" || exit 99
		if python3 "$cs_top/$hostile_dir/make.py" -o "$tmp/made" >/dev/null; then
			for f in "$tmp/made"/*; do
				if ! cmp -s "$f" "$cs_top/$hostile_dir/${f##*/}"; then
					echo "FAIL: ${f##*/} is not what make.py makes (rerun $hostile_dir/make.py)" >>"$tmp/corpus"
					corpus_fails=$((corpus_fails + 1))
				fi
			done
		else
			echo "FAIL: $hostile_dir/make.py failed" >>"$tmp/corpus"
			corpus_fails=$((corpus_fails + 1))
		fi
	else
		echo "note: no python3, the hostile corpus not checked against make.py" >>"$tmp/corpus"
	fi
fi

for p in "${wpids[@]}"; do
	wait "$p"
done
wpids=()

# ---- the reports, in the table's order
pass=0 fail=0 xfails=0 xpasses=0 skips=0
failed=()
for i in "${sel[@]}"; do
	line=''
	[ -s "$tmp/r/$i" ] && IFS= read -r line <"$tmp/r/$i"
	if [ "$line" = "PASS: ${cs_name[i]}" ]; then
		echo "$line" # the whole report: no cat
	elif [ -n "$line" ]; then
		cat "$tmp/r/$i"
	else
		line="FAIL: ${cs_name[i]}: no report (its worker died)"
		echo "$line"
	fi
	case $line in
	PASS:*) pass=$((pass + 1)) ;;
	XFAIL:*) xfails=$((xfails + 1)) ;;
	XPASS:*) xpasses=$((xpasses + 1)) failed+=("${cs_name[i]}") ;;
	SKIP:*) skips=$((skips + 1)) ;;
	*) fail=$((fail + 1)) failed+=("${cs_name[i]}") ;;
	esac
done
[ -s "$tmp/corpus" ] && cat "$tmp/corpus"

echo "replay: ${#sel[@]} cases: $pass passed, $fail failed, $xfails expected failures, $xpasses unexpected passes, $skips skipped${corpus:+$corpus $corpus_fails failed}"
if [ "$fail" != 0 ] || [ "$xpasses" != 0 ] || [ "$corpus_fails" != 0 ]; then
	[ "${#failed[@]}" = 0 ] || echo "failed: ${failed[*]}"
	exit 1
fi
if [ "$pass" = 0 ] && [ "$xfails" = 0 ]; then
	echo "ERROR: no case passed (all skipped)" >&2
	exit 99
fi
exit 0
