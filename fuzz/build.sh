#!/bin/sh
# fuzz/build.sh [OUTDIR] - build the libFuzzer targets fuzz_decode and
# fuzz_replay with clang, AddressSanitizer and UndefinedBehaviorSanitizer.
#
# Only the library sources the targets reach are compiled (not main.c,
# the live drivers, wire/probe_build.c, io/prober.c or io/priv.c), so
# libnet, libcap-ng and a configured tree are not needed: none of these
# files needs config.h beyond the system extensions, which -D_GNU_SOURCE
# gives (as AC_USE_SYSTEM_EXTENSIONS does).
# Set CONFIG_DIR to a configured build directory to use its config.h.
#
# Environment: CC (clang), FUZZ_CFLAGS (-O1 -g), FUZZ_SANITIZE
# (address,undefined), CONFIG_DIR.  Needs the Debian packages clang,
# libclang-rt-14-dev, libpcap-dev, libjansson-dev.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/fuzz/out}
CC=${CC:-clang}
CFLAGS=${FUZZ_CFLAGS:--O1 -g -fno-omit-frame-pointer}
SAN=${FUZZ_SANITIZE:-address,undefined}
WARN="-Wall -Wextra -Wshadow -Wpointer-arith -Wcast-qual -Wstrict-prototypes -Wmissing-prototypes"

if [ -n "${CONFIG_DIR:-}" ]; then
	DEFS="-DHAVE_CONFIG_H -I$CONFIG_DIR"
else
	DEFS="-D_GNU_SOURCE -DPACKAGE_VERSION=\"fuzz\""
fi
if pkg-config --exists libpcap jansson 2>/dev/null; then
	PKG_CFLAGS=$(pkg-config --cflags libpcap jansson)
	PKG_LIBS=$(pkg-config --libs libpcap jansson)
else
	PKG_CFLAGS=
	PKG_LIBS="-lpcap -ljansson"
fi

# -fno-sanitize-recover: an undefined behaviour report is a crash.
SANFLAGS="-fsanitize=$SAN -fno-sanitize-recover=undefined"

mkdir -p "$out/obj"
objs=
# every mode's replay driver and what it renders with (no live drivers,
# no screen)
for f in base/addr base/time base/names engine/names wire/decode wire/note \
    match/trace out/output_text out/output_rows out/output_json io/resolve \
    engine/replay engine/frame io/capture io/pcapng mode/trace/trace_replay \
    mode/mda/mda_rule mode/mda/mda_graph mode/mda/mda_plan mode/mda/mda_replay \
    mode/mda/mda_output mode/mda/mda_json mode/mda/mda_names mode/cont/cont_stats \
    mode/cont/cont_model mode/cont/cont_replay mode/cont/cont_report \
    mode/cont/cont_names \
    mode/cont/cont_json mode/scan/scan_targets mode/scan/scan_perm \
    mode/scan/scan_match mode/scan/scan_replay mode/scan/scan_rows \
    mode/scan/scan_book; do
	mkdir -p "$out/obj/$(dirname "$f")"
	$CC $CFLAGS $WARN $DEFS -I"$top/src" $PKG_CFLAGS \
	    $SANFLAGS -fsanitize=fuzzer-no-link \
	    -c "$top/src/$f.c" -o "$out/obj/$f.o"
	objs="$objs $out/obj/$f.o"
done
for t in decode replay; do
	$CC $CFLAGS $WARN $DEFS -I"$top/src" $PKG_CFLAGS \
	    $SANFLAGS -fsanitize=fuzzer \
	    "$top/fuzz/fuzz_$t.c" $objs -o "$out/fuzz_$t" \
	    $PKG_LIBS -lm -lpthread
done
echo "built $out/fuzz_decode $out/fuzz_replay"
