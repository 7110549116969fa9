#!/usr/bin/env bash
# The README's quick start, on a fresh Debian 12 machine as root:
#   tools/quickstart.sh kiosk [KIOSK OPTIONS]   install, build, create the demo store, start the kiosk
#   tools/quickstart.sh test                    install, build, run every test under Xvfb
# The packages are listed once, in tools/debian-packages.txt. Everything generated
# (the build, the demo store, screenshots) stays in _build/.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${GLASSHOUSE_BUILD:-_build}
mode=${1:-}
[ $# -gt 0 ] && shift

case "$mode" in
  kiosk|test) ;;
  *) echo "usage: $0 kiosk [--windowed] | test" >&2; exit 2 ;;
esac

install_packages() {
  local packages
  packages=$(grep -v '^\s*#' tools/debian-packages.txt | grep -v '^\s*$' | tr '\n' ' ')
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "== installing packages"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $packages >/dev/null
}

build_project() {
  echo "== building in $build"
  if [ -f "$build/build.ninja" ]; then
    meson setup --reconfigure "$build" >/dev/null
  else
    meson setup "$build" >/dev/null
  fi
  ninja -C "$build"
}

install_packages
build_project

case "$mode" in
  kiosk)
    db="$build/demo/glasshouse.db"
    if [ ! -f "$db" ]; then
      echo "== creating the demo store $db"
      mkdir -p "$build/demo"
      "$build/app/glasshouse-ctl" demo --customers 1000 --seed 1 --db "$db"
    fi
    echo "== starting the kiosk (demo shopper: loyalty number 4000000042, PIN 0042)"
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
      echo "no display found: running on a virtual one (Xvfb); use a desktop session to see it" >&2
      exec xvfb-run -a -s "-screen 0 1920x1080x24" "$build/ui/glasshouse" --db "$db" --demo "$@"
    fi
    exec "$build/ui/glasshouse" --db "$db" --demo "$@"
    ;;
  test)
    echo "== running every test under Xvfb"
    export GSK_RENDERER=cairo GTK_A11Y=test GSETTINGS_BACKEND=memory GDK_DEBUG=no-portals
    status=0
    xvfb-run -a -s "-screen 0 1920x1080x24" meson test -C "$build" --print-errorlogs --num-processes 2 \
      || status=$?
    echo "== fuzzing the bundle parser briefly"
    tests/fuzz/run-fuzz.sh 60 || status=$?
    # One closing line with the counts, for people and for CI.
    python3 - "$build/meson-logs/testlog.json" <<'PY'
import json, sys
counts = {}
for line in open(sys.argv[1]):
    result = json.loads(line)["result"]
    counts[result] = counts.get(result, 0) + 1
failed = sum(counts.get(k, 0) for k in ("FAIL", "ERROR", "TIMEOUT", "UNEXPECTEDPASS"))
print(f"tests: {counts.get('OK', 0)} passed, {failed} failed, {counts.get('SKIP', 0)} skipped")
PY
    exit "$status"
    ;;
esac
