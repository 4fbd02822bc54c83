#!/usr/bin/env bash
# uwsgi-dump beside tshark and tcpdump on one capture of DUMP_BENCH_EXCHANGES
# (default 20000) nginx-style exchanges over TCP, every tenth a POST with a
# 64 KB body (tests/helpers/mkpcap.py bulk). Reports the wall time and peak
# RSS of reading it: tshark dissects every packet (and has no uwsgi
# dissector, so it shows segments), tcpdump prints one line per packet,
# uwsgi-dump prints one line per exchange (and --summary, --json).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${UP_BIN:-$PWD/build/bin}
n=${DUMP_BENCH_EXCHANGES:-20000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

MKPCAP_BULK=$n /usr/bin/python3 tests/helpers/mkpcap.py bulk "$tmp/bulk.pcap"
size=$(stat -c %s "$tmp/bulk.pcap")

# measure LABEL CMD...: one row: seconds, MB/s, peak RSS.
measure() {
	local label=$1 out
	shift
	out=$(/usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -n 1)
	set -- $out
	awk -v l="$label" -v s="$1" -v k="$2" -v b="$size" \
		'BEGIN { printf "| %s | %.2f | %.0f | %.1f |\n", l, s, (s > 0 ? b / s / 1e6 : 0), k / 1024 }'
}

echo "$n exchanges, $((size / 1000000)) MB, $(tcpdump -r "$tmp/bulk.pcap" 2>/dev/null | wc -l) packets"
echo
echo "| reader | seconds | MB/s | peak RSS MiB |"
echo "|---|---|---|---|"
measure "uwsgi-dump" "$bin/uwsgi-dump" -r "$tmp/bulk.pcap"
measure "uwsgi-dump --json" "$bin/uwsgi-dump" -r "$tmp/bulk.pcap" --json
measure "uwsgi-dump --summary" "$bin/uwsgi-dump" -r "$tmp/bulk.pcap" --summary
measure "tcpdump -nn" tcpdump -nn -r "$tmp/bulk.pcap"
measure "tshark" tshark -r "$tmp/bulk.pcap"
