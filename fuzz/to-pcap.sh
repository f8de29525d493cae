#!/bin/sh
# fuzz/to-pcap.sh IN OUT - turn a fuzz_decode input (2-byte link type, then
# a frame) into a one-packet pcap file that `hoptrace -r` replays, for
# keeping a decode crasher in tests/replay/crashers/.  The link type is chosen as
# fuzz_decode.c chooses it.
set -eu
if [ $# -ne 2 ]; then
	echo "usage: $0 IN OUT" >&2
	exit 2
fi
exec python3 - "$1" "$2" <<'EOF'
import struct, sys
DLTS = [1, 113, 276, 12, 228, 229, 0, 108, 9, 50, 104, 14]
data = open(sys.argv[1], 'rb').read()
if len(data) < 2:
    sys.exit('%s: shorter than the 2-byte link type' % sys.argv[1])
v = data[0] << 8 | data[1]
dlt = v if v in DLTS else DLTS[v % len(DLTS)]
frame = data[2:]
with open(sys.argv[2], 'wb') as f:
    # microsecond pcap, little-endian, snaplen 262144
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, dlt))
    f.write(struct.pack('<IIII', 1700000000, 0, len(frame), len(frame)))
    f.write(frame)
EOF
