#!/usr/bin/env bash
# Two commits' benchmark rows side by side, runs alternated so that the machine's drift falls on both:
#   scripts/bench-ab.sh BASE [CANDIDATE] [RUNS] [WORKLOADS]
# BASE and CANDIDATE are git revisions (CANDIDATE: HEAD); RUNS per side (2); WORKLOADS as -Dbench.only (bookings).
# Each side is built in a worktree of its own under target/bench-ab; the goals' rows go to target/bench-ab/rows.md,
# every row's CPU per operation (node A, node B, PostgreSQL, load generator) to target/bench-ab/cpu.md.
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
cpu="$out/cpu.md"
echo "| run | side | revision | row | per s | ratio and baseline |" > "$rows"
echo "|---|---|---|---|---|---|" >> "$rows"
echo "| run | side | revision | row | ok | per s | CPU ms per op: node A | node B | PostgreSQL | load generator |" > "$cpu"
echo "|---|---|---|---|---|---|---|---|---|---|" >> "$cpu"
for i in $(seq 1 "$runs"); do
  for side in base candidate; do
    dir="$out/$side"
    (cd "$dir" && mvn -B -q -o -Pbench verify -Dbench.only="$only" > "../$side-$i.log" 2>&1)
    rev=$(git -C "$dir" rev-parse --short HEAD)
    report="$dir/target/bench/report.md"
    # The goals' table: one line per workload, its measure then its baseline.
    sed -n '/^## Goals/,/^## Every row/p' "$report" | grep -E '^\| (distinct|teleconsultation creates|slot search|fan-out)' \
      | while IFS='|' read -r _ row _ measured baseline _; do
          echo "| $i | $side | $rev | $row | ${measured%%;*} | ${measured#*;} vs ${baseline%%, p50*} |" >> "$rows"
        done
    # Every row's CPU per operation: the figure least moved by what else the machine runs.
    sed -n '/^## Every row/,/^## /p' "$report" | grep -E '^\| [a-z]' | grep -v '^| row ' \
      | awk -F'|' -v i="$i" -v side="$side" -v rev="$rev" '$3 + 0 > 0 {
          printf "| %s | %s | %s | %s | %s | %s | %.2f | %.2f | %.2f | %.2f |\n", i, side, rev, $2, $3 + 0, $5,
            $11 * 1000 / $3, $12 * 1000 / $3, $14 * 1000 / $3, $13 * 1000 / $3 }' >> "$cpu"
  done
done
cat "$rows" "$cpu"
for side in base candidate; do git worktree remove --force "$out/$side"; done
