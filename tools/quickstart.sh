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
    # The demo keeps to the build folder: a machine that also has the packages installed
    # must not lend it /etc/glasshouse/glasshouse.conf's inbox, trust file or HQ.
    export GLASSHOUSE_CONF=""
    db="$build/demo/glasshouse.db"
    if [ ! -f "$db" ]; then
      echo "== creating the demo store $db"
      mkdir -p "$build/demo"
      "$build/app/ctl/glasshouse-ctl" demo --customers 1000 --seed 1 --db "$db"
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
    export GSK_RENDERER=cairo GTK_A11Y=test GSETTINGS_BACKEND=memory
    status=0
    xvfb-run -a -s "-screen 0 1920x1080x24" meson test -C "$build" --print-errorlogs --num-processes 2 \
      || status=$?
    fuzz_log="$build/meson-logs/fuzz-bundle.log"
    echo "== fuzzing the bundle, member feed and token parsers briefly (log: $fuzz_log)"
    fuzz_status=0
    tests/fuzz/run-fuzz.sh 60 > "$fuzz_log" 2>&1 || fuzz_status=$?
    if [ "$fuzz_status" -ne 0 ]; then
      tail -n 60 "$fuzz_log"
      status=$fuzz_status
    fi
    package_log="$build/meson-logs/check-package.log"
    echo "== building, installing and checking the Debian packages (log: $package_log)"
    package_status=0
    GLASSHOUSE_BUILD="$build" tools/check-package.sh > "$package_log" 2>&1 || package_status=$?
    if [ "$package_status" -ne 0 ]; then
      tail -n 40 "$package_log"
      status=$package_status
    fi
    # The closing lines name what failed, so the tail of a CI log is enough to act on.
    python3 - "$build/meson-logs/testlog.json" "$fuzz_status" "$fuzz_log" "$package_status" \
      "$package_log" <<'PY'
import json, re, sys
testlog, fuzz_status, fuzz_log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
package_status, package_log = int(sys.argv[4]), sys.argv[5]
counts, failures = {}, []
for line in open(testlog):
    test = json.loads(line)
    counts[test["result"]] = counts.get(test["result"], 0) + 1
    if test["result"] in ("FAIL", "ERROR", "TIMEOUT", "UNEXPECTEDPASS"):
        failures.append(test)
for test in failures:
    print(f"== {test['result']}: {test['name']} after {test['duration']:.1f} s")
    for line in (test.get("stdout") or "").splitlines()[-15:]:
        print(f"   {line}")
# One "Done N runs in S second(s)" per target (bundle, member feed, token): the sum, and each.
runs = re.findall(r"Done (\d+) runs in (\d+) second", open(fuzz_log, errors="replace").read())
each = ", ".join(f"{int(n)} in {int(s)} s" for n, s in runs)
fuzz = (f"fuzz: {sum(int(n) for n, _ in runs)} inputs in {sum(int(s) for _, s in runs)} s"
        f" over {len(runs)} targets ({each}), no crash" if fuzz_status == 0 and runs
        else f"fuzz: FAILED (exit {fuzz_status}), see {fuzz_log}")
print(fuzz)
package = open(package_log, errors="replace").read()
cage = re.search(r"under cage: .*", package)
print("packages: " + ("built, lintian clean of errors, installed, units verified"
                      + (f", {cage.group(0)}" if cage else "") if package_status == 0
                      and "skipped" not in package
                      else "skipped (not root)" if package_status == 0
                      else f"FAILED (exit {package_status}), see {package_log}"))
names = ", ".join(test["name"] for test in failures)
print(f"tests: {counts.get('OK', 0)} passed, {len(failures)} failed"
      + (f" ({names})" if names else "") + f", {counts.get('SKIP', 0)} skipped")
PY
    exit "$status"
    ;;
esac
