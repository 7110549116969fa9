#!/usr/bin/env bash
# Builds the Debian packages from the committed tree, installs them on this machine and
# checks them as a store's IT person would meet them (tools/quickstart.sh test runs this
# after the test suite, as root on a Debian 12 machine):
#   - dpkg-buildpackage -us -uc -b from a clean copy of the tree (HEAD);
#   - lintian: no errors (warnings and notes are printed);
#   - apt-get install of the packages: the glasshouse user and /var/lib/glasshouse appear;
#   - systemd-analyze verify on every installed unit, man pages included;
#   - no build or source path in any installed file;
#   - the kiosk unit's own ExecStart (cage and the kiosk) run headless as the glasshouse
#     user with systemd's notify socket and watchdog: the kiosk must report READY=1 and
#     ping the watchdog from its main loop under cage.
# cage's headless output on these machines renders a black frame (wlroots 0.15: "Basic
# output test failed for HEADLESS-1", with both the pixman and GLES renderers; weston's
# headless backend and screenshooter also gave black), so the screen's content is proven by
# the Xvfb screenshot tours instead; grim's frame is still saved for whoever looks.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# Absolute: apt-get takes a .deb only by a path it cannot mistake for a package name.
build=$(cd "$top" && realpath -m "${GLASSHOUSE_BUILD:-_build}")
out="$build/packages"

if [ "$(id -u)" -ne 0 ]; then
  echo "check-package: skipped (installing packages needs root)"
  exit 0
fi

rm -rf "$out"
mkdir -p "$out/src"
echo "== building the Debian packages from HEAD (log: $out/build.log)"
git -C "$top" archive HEAD | tar -x -C "$out/src"
if ! (cd "$out/src" && dpkg-buildpackage -us -uc -b) > "$out/build.log" 2>&1; then
  tail -n 40 "$out/build.log"
  echo "check-package: dpkg-buildpackage failed" >&2
  exit 1
fi
debs=$(ls "$out"/*.deb | grep -v dbgsym)
echo "built: $(cd "$out" && ls *.deb | grep -v dbgsym | tr '\n' ' ')"

echo "== lintian"
lintian --tag-display-limit 0 $debs > "$out/lintian.log" 2>&1 || true
cat "$out/lintian.log"
if grep -q '^E: ' "$out/lintian.log"; then
  echo "check-package: lintian reports errors" >&2
  exit 1
fi

echo "== installing"
packages=$(for d in $debs; do dpkg-deb -f "$d" Package; done | tr '\n' ' ')
# A check of what a fresh machine gets: an earlier build of the same version goes first.
# dpkg-query fails when it knows none of them (a fresh machine): that is "none installed".
installed=$({ dpkg-query -W -f '${Package} ${Status}\n' $packages 2>/dev/null || true; } \
              | awk '/ installed$/ {print $1}')
[ -z "$installed" ] || DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq $installed > /dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --reinstall $debs > "$out/install.log" 2>&1 \
  || { tail -n 20 "$out/install.log"; exit 1; }
id glasshouse
[ "$(stat -c '%U %a' /var/lib/glasshouse)" = "glasshouse 750" ] \
  || { echo "check-package: /var/lib/glasshouse is not glasshouse's, 0750" >&2; exit 1; }

echo "== systemd-analyze verify"
units=$(dpkg -L $packages | grep -E '/systemd/system/[^/]+\.(service|timer)$' | sort -u)
systemd-analyze verify $units
echo "$units" | sed 's/^/verified: /'

echo "== no build or source path in installed files"
leaks=$(dpkg -L $packages | sort -u | while read -r f; do
            [ -f "$f" ] && grep -l -a -e "$out" -e "$top" -e "obj-x86_64-linux-gnu" "$f" || true
          done)
if [ -n "$leaks" ]; then
  echo "check-package: build paths in: $leaks" >&2
  exit 1
fi
echo "none"

echo "== the kiosk unit's command line under cage, headless"
exec_start=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/glasshouse-kiosk.service)
run=$(mktemp -d /tmp/glasshouse-cage-XXXXXX)
chown glasshouse:glasshouse "$run"
chmod 700 "$run"
runuser -u glasshouse -- glasshouse-ctl demo --customers 20 --db "$run/store.db" > /dev/null
python3 - "$run" "$exec_start" <<'PY'
import os, socket, subprocess, sys, time
run, exec_start = sys.argv[1], sys.argv[2]
path = os.path.join(run, "notify")
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
os.chmod(path, 0o777)
env = dict(os.environ, XDG_RUNTIME_DIR=run, NOTIFY_SOCKET=path, WATCHDOG_USEC="2000000",
           WLR_BACKENDS="headless", WLR_LIBINPUT_NO_DEVICES="1", WLR_RENDERER="pixman",
           GSETTINGS_BACKEND="memory", GLASSHOUSE_DB=os.path.join(run, "store.db"))
env.pop("DISPLAY", None); env.pop("WAYLAND_DISPLAY", None)
args = ["runuser", "-u", "glasshouse", "--", "env"] + [f"{k}={v}" for k, v in env.items()
        if k in ("XDG_RUNTIME_DIR", "NOTIFY_SOCKET", "WATCHDOG_USEC", "WLR_BACKENDS",
                 "WLR_LIBINPUT_NO_DEVICES", "WLR_RENDERER", "GSETTINGS_BACKEND", "GLASSHOUSE_DB")]
args += exec_start.split() + ["--demo"]
log = open(os.path.join(run, "cage.log"), "w")
child = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
ready = pings = 0
sock.settimeout(1.0)
deadline = time.time() + 40
while time.time() < deadline and not (ready and pings >= 2):
    try:
        message = sock.recv(4096).decode()
    except socket.timeout:
        continue
    ready |= "READY=1" in message
    pings += "WATCHDOG=1" in message
shot = os.path.join(run, "cage.png")
subprocess.run(["runuser", "-u", "glasshouse", "--", "env", f"XDG_RUNTIME_DIR={run}",
                "WAYLAND_DISPLAY=wayland-0", "grim", shot], check=False)
os.killpg(child.pid, 15)
child.wait(timeout=10)
print(f"under cage: READY=1 {'received' if ready else 'MISSING'}, {pings} watchdog pings")
sys.exit(0 if ready and pings >= 2 else 1)
PY
status=$?
cp "$run/cage.png" "$out/cage-grim.png" 2>/dev/null || true
cp "$run/cage.log" "$out/cage.log" 2>/dev/null || true
rm -rf "$run"
exit $status
