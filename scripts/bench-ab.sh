#!/usr/bin/env bash
# Two commits' benchmark rows side by side, runs alternated so that the machine's drift falls on both:
#   scripts/bench-ab.sh BASE [CANDIDATE] [RUNS] [WORKLOADS]
# BASE and CANDIDATE are git revisions (CANDIDATE: HEAD); RUNS per side (2); WORKLOADS as -Dbench.only (bookings).
# Each side is built in a worktree of its own under target/bench-ab; the rows go to target/bench-ab/rows.md.
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?usage: scripts/bench-ab.sh BASE [CANDIDATE] [RUNS] [WORKLOADS]}
candidate=${2:-HEAD}
runs=${3:-2}
only=${4:-bookings}
out=target/bench-ab
mkdir -p "$out"
for side in base candidate; do
  rev=$base; [ "$side" = candidate ] && rev=$candidate
  rm -rf "$out/$side"; git worktree prune
  git worktree add -q --detach "$out/$side" "$rev"
done
rows="$out/rows.md"
echo "| run | side | revision | row | per s | ratio and baseline |" > "$rows"
echo "|---|---|---|---|---|---|" >> "$rows"
for i in $(seq 1 "$runs"); do
  for side in base candidate; do
    dir="$out/$side"
    (cd "$dir" && mvn -B -q -o -Pbench verify -Dbench.only="$only" > "../$side-$i.log" 2>&1)
    rev=$(git -C "$dir" rev-parse --short HEAD)
    # The goals' table: one line per workload, its measure then its baseline.
    grep -E '^\| (distinct|teleconsultation creates|slot search|fan-out)' "$dir/target/bench/report.md" \
      | while IFS='|' read -r _ row _ measured baseline _; do
          echo "| $i | $side | $rev | $row | ${measured%%;*} | ${measured#*;} vs ${baseline%%, p50*} |" >> "$rows"
        done
  done
done
cat "$rows"
for side in base candidate; do git worktree remove --force "$out/$side"; done
