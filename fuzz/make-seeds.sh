#!/bin/sh
# fuzz/make-seeds.sh [-n MAX] OUTDIR CAPTURE... - write every packet of the
# given pcap/pcapng files (directories are searched for *.pcap, *.pcapng)
# as one fuzz_decode seed: the 2-byte big-endian link type, then the
# captured bytes.  Seeds are named CAPTURE-NNNN; identical packets are
# written once.  -n MAX keeps at most MAX packets per capture file.
#
# Pure python3 (no scapy): pcap in either byte order, micro or nano, and
# pcapng with any number of sections and interfaces, each interface keeping
# its own link type.  Unreadable files are skipped with a note on stderr.
set -eu

max=0
if [ "${1:-}" = -n ]; then
	max=$2
	shift 2
fi
if [ $# -lt 2 ]; then
	echo "usage: $0 [-n MAX] OUTDIR CAPTURE|DIR..." >&2
	exit 2
fi

exec python3 - "$max" "$@" <<'EOF'
import hashlib, os, struct, sys

def pcap_packets(b):
    magic = b[:4]
    if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
        e = '<'
    elif magic in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
        e = '>'
    else:
        raise ValueError('not pcap')
    if len(b) < 24:
        raise ValueError('short header')
    dlt = struct.unpack(e + 'I', b[20:24])[0] & 0x0fffffff
    off = 24
    while off + 16 <= len(b):
        caplen = struct.unpack(e + 'I', b[off + 8:off + 12])[0]
        data = b[off + 16:off + 16 + caplen]
        if len(data) < caplen:
            break
        yield dlt, data
        off += 16 + caplen

def pcapng_packets(b):
    off, e, links = 0, '<', []
    while off + 12 <= len(b):
        btype = struct.unpack(e + 'I', b[off:off + 4])[0]
        if b[off:off + 4] == b'\x0a\x0d\x0d\x0a':
            bom = b[off + 8:off + 12]
            e = '<' if bom == b'\x4d\x3c\x2b\x1a' else '>'
            links = []
            btype = 0x0a0d0d0a
        blen = struct.unpack(e + 'I', b[off + 4:off + 8])[0]
        if blen < 12 or off + blen > len(b):
            break
        body = b[off + 8:off + blen - 4]
        if btype == 1 and len(body) >= 2:          # interface description
            links.append(struct.unpack(e + 'H', body[:2])[0])
        elif btype == 6 and len(body) >= 20:       # enhanced packet
            ifid, caplen = struct.unpack(e + 'I', body[:4])[0], \
                struct.unpack(e + 'I', body[12:16])[0]
            if ifid < len(links):
                yield links[ifid], body[20:20 + caplen]
        elif btype == 3 and len(body) >= 4 and links:  # simple packet
            yield links[0], body[4:]
        off += blen

def packets(path):
    with open(path, 'rb') as f:
        b = f.read()
    if b[:4] == b'\x0a\x0d\x0d\x0a':
        return pcapng_packets(b)
    return pcap_packets(b)

def captures(args):
    for a in args:
        if os.path.isdir(a):
            for d, _, files in sorted(os.walk(a)):
                for f in sorted(files):
                    if f.endswith(('.pcap', '.pcapng', '.cap')):
                        yield os.path.join(d, f)
        else:
            yield a

mx, outdir, args = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
os.makedirs(outdir, exist_ok=True)
seen, total = set(), 0
for path in captures(args):
    parent = os.path.basename(os.path.dirname(os.path.abspath(path)))
    base = parent + '_' + os.path.basename(path).rsplit('.', 1)[0]
    n = 0
    try:
        for dlt, data in packets(path):
            if dlt > 0xffff:
                continue
            seed = struct.pack('>H', dlt) + data
            h = hashlib.sha1(seed).digest()
            if h in seen:
                continue
            seen.add(h)
            with open(os.path.join(outdir, '%s-%04d' % (base, n)), 'wb') as f:
                f.write(seed)
            n += 1
            if mx and n >= mx:
                break
    except (ValueError, struct.error, OSError) as ex:
        print('%s: skipped (%s)' % (path, ex), file=sys.stderr)
    total += n
print('%d seeds in %s' % (total, outdir), file=sys.stderr)
EOF
