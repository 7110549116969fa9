#!/bin/sh
# Builds the libFuzzer targets in _build-fuzz (clang, AddressSanitizer, UBSan) and runs
# each for its share of SECONDS (default 60 in all): fuzz-bundle (bundles and configs),
# fuzz-member-feed (the CRM's member lines) and fuzz-token (follow-up tokens, short
# codes, trust files), each on its seed corpus. Exits non-zero on a crash, a leak or a
# hang (a single input taking more than 10 s) in any of them; each prints its own
# "Done N runs in S second(s)". New inputs a fuzzer finds go to _build-fuzz/corpus-NAME,
# never into the seed corpora in the source tree.
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

seconds=${1:-60}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build="$root/_build-fuzz"
targets="bundle member-feed token"

if [ ! -d "$build" ]; then
  CC=clang CFLAGS="-fsanitize=fuzzer-no-link -fno-omit-frame-pointer" \
    meson setup "$build" "$root" -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false \
      -Dbuildtype=debugoptimized >/dev/null
fi
for target in $targets; do
  ninja -C "$build" "tests/fuzz/fuzz-$target" >/dev/null
done

# The time is split evenly; at least 1 s each, so a short run still tries all three.
share=$((seconds / 3))
[ "$share" -ge 1 ] || share=1

cd "$build"
for target in $targets; do
  mkdir -p "$build/corpus-$target"
  echo "== fuzz-$target for $share s"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "./tests/fuzz/fuzz-$target" -max_total_time="$share" -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 -print_final_stats=1 \
      "$build/corpus-$target" "$here/corpus-$target"
done
