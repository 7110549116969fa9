#!/bin/sh
# Builds the libFuzzer targets in _build-fuzz (clang, AddressSanitizer, UBSan) and runs
# fuzz-bundle for SECONDS (default 60) on the seed corpus. Exits non-zero on a crash,
# a leak or a hang (a single input taking more than 10 s). New inputs the fuzzer finds go
# to _build-fuzz/corpus-bundle, never into the seed corpus in the source tree.
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

seconds=${1:-60}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build="$root/_build-fuzz"

if [ ! -d "$build" ]; then
  CC=clang CFLAGS="-fsanitize=fuzzer-no-link -fno-omit-frame-pointer" \
    meson setup "$build" "$root" -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false \
      -Dbuildtype=debugoptimized >/dev/null
fi
ninja -C "$build" tests/fuzz/fuzz-bundle >/dev/null

mkdir -p "$build/corpus-bundle"
cd "$build"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  ./tests/fuzz/fuzz-bundle -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 \
    "$build/corpus-bundle" "$here/corpus-bundle"
