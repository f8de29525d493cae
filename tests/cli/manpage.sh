#!/bin/sh
# The man page and --help agree: every option "$HOPTRACE --help" lists is
# documented in the OPTIONS section of man/hoptrace.1 (an entry whose .TP
# tag names it), with the range and default --help gives, and OPTIONS
# documents no option that --help does not list.  If groff is installed,
# the page must also format without warnings.
#
# Environment (set by make check): HOPTRACE, the binary; top_srcdir, the
# source tree.  Exit 0 pass, 1 fail (mismatches listed), 99 hard error.
set -u

: "${HOPTRACE:?HOPTRACE must name the hoptrace binary}"
: "${top_srcdir:?top_srcdir must name the source tree}"
page=$top_srcdir/man/hoptrace.1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/manpage.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 99' HUP INT TERM

if [ ! -s "$page" ]; then
	echo "FAIL: $page is missing or empty"
	exit 1
fi
if ! "$HOPTRACE" --help >"$tmp/help" 2>"$tmp/help.err"; then
	echo "FAIL: $HOPTRACE --help failed:"
	cat "$tmp/help.err"
	exit 1
fi

# --help: one record per option entry, continuation lines joined:
#   options<TAB>description     e.g. "-f --first<TAB>first TTL, 1..255 [1]"
awk '
function flush() {
	if (cur == "")
		return
	sub(/^ +/, "", cur)
	# the option column ends at the first run of two spaces
	i = index(cur, "  ")
	col = i ? substr(cur, 1, i - 1) : cur
	desc = i ? substr(cur, i) : ""
	sub(/^ +/, "", desc)
	n = split(col, f, /[ ,=\[\]]+/)
	opts = ""
	for (j = 1; j <= n; j++)
		if (f[j] ~ /^--?[A-Za-z0-9]/)
			opts = opts (opts == "" ? "" : " ") f[j]
	if (opts != "")
		print opts "\t" desc
	cur = ""
}
/^ +-/ { flush(); cur = $0; next }
/^           +[^ -]/ && cur != "" { sub(/^ +/, " "); cur = cur $0; next }
{ flush() }
END { flush() }
' "$tmp/help" >"$tmp/help.rec"

if [ ! -s "$tmp/help.rec" ]; then
	echo "FAIL: no options found in $HOPTRACE --help"
	exit 1
fi

# The man page's OPTIONS section: one record per .TP entry, roff removed:
#   options<TAB>text of the entry
awk '
function plain(s) {
	gsub(/\\f[BIRP]/, "", s)
	gsub(/\\-/, "-", s)
	gsub(/\\&/, "", s)
	gsub(/\\\(mu/, "x", s)
	gsub(/\\\([a-z][a-z]/, " ", s)
	sub(/^\.[A-Za-z][A-Za-z]?( |$)/, "", s)
	gsub(/"/, "", s)
	return s
}
function flush() {
	if (tag != "")
		print tag "\t" text
	tag = ""
	text = ""
}
/^\.SH/ { flush(); inopt = ($0 ~ /^\.SH +"?OPTIONS"?$/); next }
!inopt { next }
/^\.(TP|SS|PP|P|LP)( |$)/ { flush(); wanttag = ($0 ~ /^\.TP/); next }
wanttag {
	wanttag = 0
	n = split(plain($0), f, /[ ,=|\[\]]+/)
	for (j = 1; j <= n; j++)
		if (f[j] ~ /^--?[A-Za-z0-9]/)
			tag = tag (tag == "" ? "" : " ") f[j]
	text = plain($0)
	next
}
tag != "" && !/^\.\\"/ { text = text " " plain($0) }
END { flush() }
' "$page" >"$tmp/man.rec"

cut -f1 "$tmp/help.rec" | tr ' ' '\n' | sort -u >"$tmp/help.opts"
cut -f1 "$tmp/man.rec" | tr ' ' '\n' | sed '/^$/d' | sort -u >"$tmp/man.opts"

fail=0
missing=$(comm -23 "$tmp/help.opts" "$tmp/man.opts")
if [ -n "$missing" ]; then
	echo "FAIL: options in --help but not documented in OPTIONS of $page:"
	echo "$missing" | sed 's/^/  /'
	fail=1
fi
extra=$(comm -13 "$tmp/help.opts" "$tmp/man.opts")
if [ -n "$extra" ]; then
	echo "FAIL: options documented in OPTIONS of $page but not in --help:"
	echo "$extra" | sed 's/^/  /'
	fail=1
fi

# Ranges ("1..255") and defaults ("[30]", "[33434 / 80]", "[nobody]") of
# --help must appear, as words, in the man page entry of that option.
awk -F '\t' '
function words(s, w,    n, t, j, k) {
	gsub(/[^A-Za-z0-9.]+/, " ", s)
	n = split(s, t, " ")
	for (j = 1; j <= n; j++) {
		sub(/^\.+/, "", t[j])
		sub(/\.+$/, "", t[j])
		w[t[j]] = 1
	}
}
FILENAME == ARGV[1] {
	split($1, o, " ")
	for (k in o)
		entry[o[k]] = entry[o[k]] " " $2
	next
}
{
	split($1, o, " ")
	key = o[1]
	for (k in o)
		if (o[k] ~ /^--/)
			key = o[k]
	need = ""
	d = $2
	while (match(d, /[0-9.]+\.\.[0-9.]+/)) {
		r = substr(d, RSTART, RLENGTH)
		d = substr(d, RSTART + RLENGTH)
		i = index(r, "..")
		need = need " " substr(r, 1, i - 1) " " substr(r, i + 2)
	}
	d = $2
	while (match(d, /\[[^]]*\]/)) {
		need = need " " substr(d, RSTART + 1, RLENGTH - 2)
		d = substr(d, RSTART + RLENGTH)
	}
	gsub(/\//, " ", need)
	if (need ~ /^ *$/)
		next
	if (!(key in entry))
		next		# reported above as missing
	for (w in have)
		delete have[w]
	words(entry[key], have)
	n = split(need, t, " ")
	for (j = 1; j <= n; j++)
		if (!(t[j] in have)) {
			printf "  %s: \"%s\" (from --help: %s)\n", key, t[j], $2
			bad = 1
		}
}
END { exit bad }
' "$tmp/man.rec" "$tmp/help.rec" >"$tmp/defaults"
if [ -s "$tmp/defaults" ]; then
	echo "FAIL: ranges or defaults of --help missing from the option's" \
	    "entry in $page:"
	cat "$tmp/defaults"
	fail=1
fi

if command -v groff >/dev/null 2>&1; then
	if ! groff -man -ww -z "$page" >"$tmp/groff" 2>&1 ||
	    [ -s "$tmp/groff" ]; then
		echo "FAIL: groff -man -ww -z $page warns:"
		cat "$tmp/groff"
		fail=1
	fi
fi

if [ "$fail" -eq 0 ]; then
	echo "PASS: $(wc -l <"$tmp/help.opts") options agree between" \
	    "--help and $page"
fi
exit "$fail"
