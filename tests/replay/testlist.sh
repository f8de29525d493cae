# shellcheck shell=bash
# tests/replay/testlist.sh - one line of tests/replay/TESTLIST: read it, replay it.
# Sourced by tests/replay/replay.sh (compares) and tests/replay/update-replay.sh
# (rewrites), so that both read and run an entry the same way.
#
#   tl_parse LINE       "name capture [options...] expected" (a # starts a
#                       comment): sets tl_name, tl_cap, tl_opts (array),
#                       tl_exp and tl_base (tl_exp without .out); returns 1
#                       for a blank line, 2 for fewer than three fields
#   tl_run TOP OUT ERR [WRAP...]
#                       in TOP, with TZ=UTC: [WRAP...] $HOPTRACE -r CAPTURE
#                       OPTIONS (a capture written <FILE is read from stdin:
#                       -r - <FILE); stdout into OUT, stderr into ERR;
#                       returns hoptrace's exit status

tl_parse() {
	local line=${1%%#*}
	local -a f
	read -ra f <<<"$line"
	[ "${#f[@]}" = 0 ] && return 1
	[ "${#f[@]}" -lt 3 ] && return 2
	# shellcheck disable=SC2034 # read by the sourcing script
	tl_name=${f[0]}
	tl_cap=${f[1]}
	tl_exp=${f[${#f[@]} - 1]}
	tl_opts=("${f[@]:2:${#f[@]}-3}")
	# shellcheck disable=SC2034 # read by the sourcing script
	tl_base=${tl_exp%.out}
	return 0
}

tl_run() {
	local top=$1 out=$2 err=$3
	shift 3
	case $tl_cap in
	"<"*)
		(cd "$top" && TZ=UTC exec "$@" "$HOPTRACE" -r - "${tl_opts[@]}" <"${tl_cap#<}") \
			>"$out" 2>"$err" ;;
	*)
		(cd "$top" && TZ=UTC exec "$@" "$HOPTRACE" -r "$tl_cap" "${tl_opts[@]}") \
			>"$out" 2>"$err" ;;
	esac
}
