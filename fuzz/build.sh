#!/bin/sh
# fuzz/build.sh [OUTDIR] - build the libFuzzer targets fuzz_decode and
# fuzz_replay with clang, AddressSanitizer and UndefinedBehaviorSanitizer.
#
# Only the library sources the targets reach are compiled (not main.c,
# live.c, probe.c or priv.c), so libnet, libcap-ng and a configured tree
# are not needed: none of these files needs config.h beyond the system
# extensions, which -D_GNU_SOURCE gives (as AC_USE_SYSTEM_EXTENSIONS does).
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
for f in addr decode trace output_text output_json resolve replay capture \
    mda/mda_rule mda/mda_graph mda/mda_plan mda/mda_replay mda/mda_output \
    mda/mda_json cont/cont_stats cont/cont_model cont/cont_replay \
    cont/cont_report cont/cont_json scan/scan_targets scan/scan_perm \
    scan/scan_match scan/scan_replay scan/scan_rows scan/scan_book; do
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
