#!/usr/bin/env bash
# Benchmark planlint against a bare jansson parse of the same synthetic plans
# and print the ratios.  Never judges the numbers: exit 0 when every command
# ran, 1 when one failed, 2 on bad usage or a missing planlint binary.
#
# Usage: bash bench/run.sh [--sizes "1000 10000 100000"] [--repeat N]
#        (then a start-up section: a small plan, 200 runs of each command)
# Environment: PLANLINT (default: <repo>/cli/planlint), CC (default: cc)

set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
PLANLINT=${PLANLINT:-$root/cli/planlint}
CC=${CC:-cc}
sizes="1000 10000 100000"
repeat=5
build="$here/.build"

usage() {
	sed -n '6,7s/^# //p' "$0" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--sizes) [ $# -ge 2 ] || usage; sizes=$2; shift 2 ;;
	--sizes=*) sizes=${1#--sizes=}; shift ;;
	--repeat) [ $# -ge 2 ] || usage; repeat=$2; shift 2 ;;
	--repeat=*) repeat=${1#--repeat=}; shift ;;
	-h | --help) usage ;;
	*) echo "run.sh: unknown argument '$1'" >&2; usage ;;
	esac
done
for n in $sizes; do
	case "$n" in '' | *[!0-9]*) echo "run.sh: bad size '$n'" >&2; exit 2 ;; esac
done
case "$repeat" in '' | *[!0-9]* | 0) echo "run.sh: bad --repeat '$repeat'" >&2; exit 2 ;; esac

die() {
	echo "run.sh: $*" >&2
	exit 1
}

# ---- build the helpers ----------------------------------------------------

mkdir -p "$build" || die "cannot create $build"
jansson_cflags=$(pkg-config --cflags jansson) || die "pkg-config cannot find jansson (install libjansson-dev)"
jansson_libs=$(pkg-config --libs jansson) || die "pkg-config cannot find jansson"
# shellcheck disable=SC2086 # pkg-config output is meant to be word-split
$CC -O2 -o "$build/genplan" "$here/genplan.c" -lm || die "building genplan failed"
# shellcheck disable=SC2086
$CC -O2 $jansson_cflags -o "$build/bare_load" "$here/bare_load.c" $jansson_libs ||
	die "building bare_load failed"

have_planlint=1
if [ ! -x "$PLANLINT" ]; then
	have_planlint=0
	echo "run.sh: error: planlint binary not found or not executable: $PLANLINT" >&2
	echo "run.sh:        build it first ('make' at the top of the tree) or set PLANLINT=/path/to/planlint;" >&2
	echo "run.sh:        measuring the bare-parse baseline only." >&2
fi
have_time=1
[ -x /usr/bin/time ] || have_time=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/planlint-bench.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT

# ---- measuring -----------------------------------------------------------

# measure CMD...: run once; sets wall_ms, rss_kb and rc.  Wall time comes
# from date(1) in nanoseconds (GNU time's %e has only 10 ms resolution);
# peak RSS from GNU time's %M when it exists.
measure() {
	local t0 t1
	t0=$(date +%s%N)
	if [ "$have_time" = 1 ]; then
		/usr/bin/time -f '%M' -o "$tmp/rss" "$@" >/dev/null 2>"$tmp/stderr"
		rc=$?
	else
		"$@" >/dev/null 2>"$tmp/stderr"
		rc=$?
	fi
	t1=$(date +%s%N)
	wall_ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e6 }')
	rss_kb=-
	[ "$have_time" = 1 ] && rss_kb=$(tail -n 1 "$tmp/rss")
}

# lesser A B, greater A B: the smaller (larger) number; an empty A (none yet) gives B.
lesser() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }'; }
greater() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b + 0 > a + 0) ? b : a }'; }

# best CMD...: best (lowest) wall time and peak RSS over the repeats.
# planlint exits 1 when it reports findings, which is success here.
best() {
	local i reps=$repeat
	[ "$n" -ge 100000 ] && [ "$reps" -gt 3 ] && reps=3
	best_ms='' best_rss=''
	for ((i = 0; i < reps; i++)); do
		measure "$@"
		if [ "$rc" -ne 0 ] && { [ "$1" = "$build/bare_load" ] || [ "$rc" -gt 1 ]; }; then
			echo "run.sh: command failed (exit $rc): $*" >&2
			sed 's/^/run.sh:   /' "$tmp/stderr" | head -n 5 >&2
			failed=1
			return 1
		fi
		best_ms=$(lesser "$best_ms" "$wall_ms")
		best_rss=$(lesser "$best_rss" "$rss_kb")
	done
}

mb() { awk -v k="$1" 'BEGIN { if (k == "-") print "-"; else printf "%.1f", k / 1024 }'; }

# ---- header ----------------------------------------------------------------

cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
[ -n "$cpu" ] || cpu=$(uname -m)
echo "planlint bench: $(nproc 2>/dev/null || echo '?') CPUs, $cpu; jansson $(pkg-config --modversion jansson)"
if [ "$have_planlint" = 1 ]; then
	echo "planlint: $PLANLINT ($("$PLANLINT" --version 2>/dev/null | head -n 1))"
fi
echo "targets: time ratio (planlint/bare) <= 1.3; us/node flat across sizes; peak RSS <= 3x file size"
echo "best of $repeat runs (at most 3 for >= 100000 nodes); wall clock includes process start and reading the file"
echo

fmt='%8s %8s %-5s %9s %11s %6s %8s %8s %12s %8s\n'
# shellcheck disable=SC2059 # the format is ours
printf "$fmt" nodes file_MB mode bare_ms planlint_ms ratio us/node bare_MB planlint_MB RSS/file
failed=0
usmin='' usmax=''
text_rows=()

for n in $sizes; do
	file="$tmp/plan-$n.json"
	"$build/genplan" "$n" >"$file" || { echo "run.sh: genplan $n failed" >&2; failed=1; continue; }
	size_kb=$(( $(wc -c <"$file") / 1024 ))
	best "$build/bare_load" "$file" || continue
	bare_ms=$best_ms bare_rss=$best_rss
	if [ "$have_planlint" = 0 ]; then
		# shellcheck disable=SC2059
		printf "$fmt" "$n" "$(mb "$size_kb")" - "$bare_ms" - - - "$(mb "$bare_rss")" - -
		continue
	fi
	for mode in text json; do
		if [ "$mode" = text ]; then
			best "$PLANLINT" --color=never "$file" || continue
		else
			best "$PLANLINT" --format json "$file" || continue
		fi
		row=$(awk -v n="$n" -v b="$bare_ms" -v p="$best_ms" -v r="$best_rss" -v f="$size_kb" 'BEGIN {
			printf "%.2f %.2f ", p / b, p * 1000 / n
			if (r == "-") print "-"; else printf "%.2f\n", r / f }')
		read -r ratio us rssratio <<<"$row"
		# shellcheck disable=SC2059
		printf "$fmt" "$n" "$(mb "$size_kb")" "$mode" "$bare_ms" "$best_ms" "$ratio" "$us" \
			"$(mb "$bare_rss")" "$(mb "$best_rss")" "$rssratio"
		if [ "$mode" = text ]; then
			usmin=$(lesser "$usmin" "$us")
			usmax=$(greater "$usmax" "$us")
		fi
	done
	# The same plan in EXPLAIN's text format, as planlint writes it back; read as text.
	txt="$tmp/plan-$n.txt"
	if "$PLANLINT" --emit-plan=text "$file" >"$txt" 2>"$tmp/stderr"; then
		txt_kb=$(( $(wc -c <"$txt") / 1024 ))
		if best "$PLANLINT" --color=never "$txt"; then
			text_rows+=("$(awk -v n="$n" -v f="$txt_kb" -v p="$best_ms" -v r="$best_rss" 'BEGIN {
				printf "%8d %8.1f %11s %8.2f %11s ", n, f / 1024, p, p * 1000 / n, (r == "-") ? "-" : sprintf("%.1f", r / 1024)
				if (r == "-") print "-"; else printf "%8.2f\n", r / f }')")
		fi
	else
		echo "run.sh: planlint --emit-plan=text failed on $n nodes" >&2
		failed=1
	fi
	rm -f "$file" "$txt"
done

if [ "${#text_rows[@]}" -gt 0 ]; then
	echo
	echo "text input: the same plans in EXPLAIN's text format (planlint --emit-plan=text), tree output;"
	echo "target: peak RSS <= 5x the text file's size from 10,000 nodes"
	printf '%8s %8s %11s %8s %11s %8s\n' nodes text_MB planlint_ms us/node planlint_MB RSS/file
	printf '%s\n' "${text_rows[@]}"
fi

if [ -n "$usmin" ] && [ "$usmin" != "$usmax" ]; then
	echo
	awk -v a="$usmin" -v b="$usmax" 'BEGIN {
		printf "us/node spread (text mode, max/min over sizes): %.2f (1.00 is perfectly flat)\n", b / a }'
fi

# ---- start-up: a small plan, where process start dominates ------------------------
# planlint reads files with libplanlint alone (no libpq); 200 runs back to back of each
# command, best of the repeats. In a build tree the command is libtool's wrapper script:
# time the program behind it, as an installed planlint would run.
small="$root/fixtures/pg15/hash_join.json"
startup_runs=200
# runs CMD...: wall ms for startup_runs runs of CMD
runs() {
	local t0 t1 i
	t0=$(date +%s%N)
	for ((i = 0; i < startup_runs; i++)); do "$@" >/dev/null 2>&1; done
	t1=$(date +%s%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e6 }'
}
# best_runs CMD...: the best of the repeats, in ms per run
best_runs() {
	local i b='' t
	for ((i = 0; i < repeat; i++)); do
		t=$(runs "$@")
		b=$(lesser "$b" "$t")
	done
	awk -v t="$b" -v n="$startup_runs" 'BEGIN { printf "%.3f", t / n }'
}
if [ "$have_planlint" = 1 ] && [ -f "$small" ]; then
	real=$PLANLINT libpath=
	if [ "$(head -c 2 "$PLANLINT")" = "#!" ] && [ -x "$root/cli/.libs/planlint" ]; then
		real=$root/cli/.libs/planlint libpath=$root/lib/.libs
	fi
	echo
	echo "start-up on a small plan ($(basename "$small"), $(wc -c < "$small") bytes), ms per run, best of $repeat x $startup_runs runs:"
	bare=$(best_runs "$build/bare_load" "$small")
	ver=$(LD_LIBRARY_PATH=$libpath best_runs "$real" --version)
	tree=$(LD_LIBRARY_PATH=$libpath best_runs "$real" --no-rules --color=never "$small")
	full=$(LD_LIBRARY_PATH=$libpath best_runs "$real" --color=never "$small")
	libs=$(LD_LIBRARY_PATH=$libpath ldd "$real" 2>/dev/null | grep -c '=>')
	awk -v b="$bare" -v v="$ver" -v t="$tree" -v f="$full" -v l="$libs" 'BEGIN {
		printf "  bare json_loadb        %7.3f ms\n", b
		printf "  planlint --version     %7.3f ms  %5.2fx\n", v, v / b
		printf "  planlint --no-rules    %7.3f ms  %5.2fx\n", t, t / b
		printf "  planlint (all rules)   %7.3f ms  %5.2fx\n", f, f / b
		printf "  shared objects loaded by planlint: %d (libpq only in planlint-live)\n", l }'
fi

[ "$failed" = 0 ] || exit 1
[ "$have_planlint" = 1 ] || exit 2
exit 0
