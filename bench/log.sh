#!/usr/bin/env bash
# Throughput and memory of planlint --log on a large server log, against grep.
# Generates a stderr log of at least SIZE MB (default 1024) in /tmp by repeating the
# captured fixtures/pg15/logs/postgresql.stderr with advancing timestamps and varied
# pids, then prints planlint --log's time against `grep -c 'plan:'` on the same file
# (best of N runs each, file in the page cache) and planlint's peak RSS. The file is
# deleted at the end. Never judges the numbers: exit 0 when every command ran.
#
# Usage: bash bench/log.sh [--size MB] [--repeat N]
# Environment: PLANLINT (default: <repo>/cli/planlint)
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
PLANLINT=${PLANLINT:-$root/cli/planlint}
size_mb=1024
repeat=3

while [ $# -gt 0 ]; do
	case "$1" in
	--size) size_mb=$2; shift 2 ;;
	--size=*) size_mb=${1#--size=}; shift ;;
	--repeat) repeat=$2; shift 2 ;;
	--repeat=*) repeat=${1#--repeat=}; shift ;;
	*) sed -n '9,10s/^# //p' "$0" >&2; exit 2 ;;
	esac
done
case "$size_mb$repeat" in *[!0-9]*) echo "log.sh: bad --size or --repeat" >&2; exit 2 ;; esac
[ -x "$PLANLINT" ] || { echo "log.sh: build planlint first (or set PLANLINT)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "log.sh: /usr/bin/time (Debian: time) is needed for peak RSS" >&2; exit 2; }
command -v python3 >/dev/null || { echo "log.sh: python3 is needed to generate the log" >&2; exit 2; }

tmp=$(mktemp -d /tmp/planlint-bench-log.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
log=$tmp/big.log

python3 - "$root/fixtures/pg15/logs/postgresql.stderr" "$log" "$size_mb" <<'PY'
import re, sys
src, dst, size_mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
msgs = []
for line in open(src, encoding='utf-8'):
    if line[:1] in ('\t', ' ') and msgs:
        msgs[-1][1].append(line)
    else:
        m = re.match(r'(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ UTC) \[(\d+)\](.*)', line, re.S)
        msgs.append([m, [line]] if m else [None, [line]])
target = size_mb << 20
written, rep, base = 0, 0, 1700000000.0
import time
with open(dst, 'w', encoding='utf-8') as out:
    while written < target:
        parts = []
        for i, (m, lines) in enumerate(msgs):
            if m:
                t = base + rep * 3600 + i * 0.003
                ts = time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(t)) + '.%03d UTC' % (int(t * 1000) % 1000)
                pid = 10000 + (int(m.group(2)) + rep * 7) % 50000
                parts.append('%s [%d]%s' % (ts, pid, m.group(3)))
                parts.extend(lines[1:])
            else:
                parts.extend(lines)
        chunk = ''.join(parts)
        out.write(chunk)
        written += len(chunk.encode('utf-8'))
        rep += 1
PY
[ -s "$log" ] || { echo "log.sh: generating the log failed" >&2; exit 1; }

bytes=$(stat -c %s "$log")
echo "planlint log bench: $(nproc) CPUs, $(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
echo "log: $(awk -v b="$bytes" 'BEGIN { printf "%.0f MB", b / 1048576 }'), $(grep -c 'plan:' "$log") entries; best of $repeat runs, file in the page cache"
cat "$log" >/dev/null

# best CMD...: the lowest wall time (s) and peak RSS (kB) over the runs
best() {
	local i t0 t1 s rss
	best_s='' best_rss=''
	for ((i = 0; i < repeat; i++)); do
		t0=$(date +%s%N)
		/usr/bin/time -f '%M' -o "$tmp/rss" "$@" >"$tmp/out" 2>"$tmp/err"
		rc=$?
		t1=$(date +%s%N)
		if [ "$rc" -gt 1 ]; then
			echo "log.sh: failed (exit $rc): $*" >&2
			head -n 5 "$tmp/err" >&2
			return 1
		fi
		s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
		rss=$(tail -n 1 "$tmp/rss")
		best_s=$(awk -v a="$best_s" -v b="$s" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }')
		best_rss=$(awk -v a="$best_rss" -v b="$rss" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }')
	done
}

failed=0
best grep -c 'plan:' "$log" || failed=1
grep_s=$best_s grep_rss=$best_rss
best "$PLANLINT" --log --color=never "$log" || failed=1
pl_s=$best_s pl_rss=$best_rss
entries=$(awk '/auto_explain entries/ { print $1; exit }' "$tmp/out")
best "$PLANLINT" --log --format jsonl "$log" || failed=1
jl_s=$best_s jl_rss=$best_rss

awk -v b="$bytes" -v g="$grep_s" -v p="$pl_s" -v j="$jl_s" -v gr="$grep_rss" -v pr="$pl_rss" -v jr="$jl_rss" -v e="$entries" 'BEGIN {
	mb = b / 1048576
	printf "%-28s %8s %9s %10s %8s\n", "command", "seconds", "MB/s", "vs grep", "peak MB"
	printf "%-28s %8.3f %9.0f %10s %8.1f\n", "grep -c plan:", g, mb / g, "1", gr / 1024
	printf "%-28s %8.3f %9.0f %10.3f %8.1f\n", "planlint --log (summary)", p, mb / p, g / p, pr / 1024
	printf "%-28s %8.3f %9.0f %10.3f %8.1f\n", "planlint --log --format jsonl", j, mb / j, g / j, jr / 1024
	printf "entries counted by planlint: %s\n", e
	printf "targets: planlint at least 1/4 of grep'"'"'s speed (vs grep >= 0.25), peak RSS under 100 MB\n"
}'
[ "$failed" = 0 ] || exit 1
exit 0
