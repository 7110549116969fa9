#!/usr/bin/python3
# A real phone's browser for glasshouse-portal: headless Chromium at 390x844,
# driven over the DevTools protocol (a websocket client written here with the
# standard library only). Opens the URL the kiosk's QR code carries, walks every
# page in English and German, signs in, switches a purpose off, and saves a
# full-page screenshot of each page. Prints one JSON object per step on stdout.
# Time-bounded: every wait has a deadline and the whole run an alarm; Chromium
# runs in its own process group and is killed on the way out.
# SPDX-License-Identifier: GPL-3.0-or-later
import argparse, base64, json, os, signal, socket, subprocess, sys, tempfile, time
import urllib.parse, urllib.request

WIDTH, HEIGHT = 390, 844


class DevTools:
    def __init__(self, ws_url):
        u = urllib.parse.urlparse(ws_url)
        self.sock = socket.create_connection((u.hostname, u.port), timeout=20)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {u.path} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\n"
                           "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise RuntimeError("DevTools closed the handshake")
            head += chunk
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError("DevTools refused the websocket: %r" % head[:80])
        self.next_id = 0
        self.events = []

    def _recv_exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise RuntimeError("DevTools closed the connection")
            data += chunk
        return data

    def _recv_message(self):
        message = b""
        while True:
            b0, b1 = self._recv_exact(2)
            length = b1 & 0x7F
            if length == 126:
                length = int.from_bytes(self._recv_exact(2), "big")
            elif length == 127:
                length = int.from_bytes(self._recv_exact(8), "big")
            payload = self._recv_exact(length)
            opcode = b0 & 0x0F
            if opcode == 8:
                raise RuntimeError("DevTools closed the websocket")
            if opcode in (0, 1, 2):
                message += payload
            if b0 & 0x80 and opcode != 9 and opcode != 10:
                return json.loads(message.decode())

    def _send(self, text):
        data = text.encode()
        header = bytearray([0x81])
        if len(data) < 126:
            header.append(0x80 | len(data))
        elif len(data) < 65536:
            header.append(0x80 | 126)
            header += len(data).to_bytes(2, "big")
        else:
            header.append(0x80 | 127)
            header += len(data).to_bytes(8, "big")
        mask = os.urandom(4)
        header += mask
        self.sock.sendall(bytes(header) + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def call(self, method, **params):
        self.next_id += 1
        wanted = self.next_id
        self._send(json.dumps({"id": wanted, "method": method, "params": params}))
        deadline = time.time() + 20
        while time.time() < deadline:
            message = self._recv_message()
            if message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError("%s: %s" % (method, message["error"]))
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)
        raise RuntimeError("%s: no answer in time" % method)

    def wait_event(self, method, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for i, event in enumerate(self.events):
                if event["method"] == method:
                    del self.events[i]
                    return event
            self.sock.settimeout(max(deadline - time.time(), 0.1))
            try:
                self.events.append(self._recv_message())
            except socket.timeout:
                break
            finally:
                self.sock.settimeout(20)
        raise RuntimeError("no %s within %d s" % (method, timeout))


class Phone:
    def __init__(self, devtools, out_dir):
        self.dt = devtools
        self.out_dir = out_dir
        self.status = {}

    def _drain_status(self):
        for event in list(self.dt.events):
            if event["method"] == "Network.responseReceived" and event["params"].get("type") == "Document":
                self.last_status = event["params"]["response"]["status"]
                self.last_headers = {k.lower(): v for k, v in event["params"]["response"]["headers"].items()}
        self.dt.events = [e for e in self.dt.events if e["method"] != "Network.responseReceived"]

    def _loaded(self):
        self.dt.wait_event("Page.loadEventFired")
        self._drain_status()

    def go(self, url):
        self.dt.events.clear()
        self.dt.call("Page.navigate", url=url)
        self._loaded()

    def js(self, expression):
        result = self.dt.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def submit(self, fields, form_selector="main form"):
        self.dt.events.clear()
        script = ";".join("document.querySelector(%s).value=%s" % (json.dumps(sel), json.dumps(val))
                          for sel, val in fields.items())
        self.js(script + (";" if script else "") +
                "document.querySelector(%s).querySelector('button[type=submit]').click()"
                % json.dumps(form_selector))
        self._loaded()

    def shoot(self, lang, step):
        metrics = self.dt.call("Page.getLayoutMetrics")
        height = int(metrics.get("cssContentSize", metrics.get("contentSize"))["height"])
        width = int(metrics.get("cssContentSize", metrics.get("contentSize"))["width"])
        shot = self.dt.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                            clip={"x": 0, "y": 0, "width": WIDTH, "height": max(height, HEIGHT), "scale": 1})
        path = os.path.join(self.out_dir, "portal-%s-%s.png" % (lang, step))
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        info = self.js("JSON.stringify({title: document.title, lang: document.documentElement.lang,"
                       " h1: (document.querySelector('h1')||{}).textContent || '',"
                       " path: location.pathname.startsWith('/r/') ? '/r/…' : location.pathname,"
                       " text: document.body.innerText.slice(0, 4000),"
                       " overflow: document.documentElement.scrollWidth > window.innerWidth,"
                       " small: [...document.querySelectorAll('button, a.button, input:not([type=hidden]), .lang')]"
                       "   .filter(e => e.getBoundingClientRect().height < 44).length})")
        record = json.loads(info)
        record.update({"step": step, "lang": lang, "file": path, "width": width,
                       "status": getattr(self, "last_status", 0),
                       "hsts": getattr(self, "last_headers", {}).get("strict-transport-security", ""),
                       "csp": getattr(self, "last_headers", {}).get("content-security-policy", "")})
        print(json.dumps(record), flush=True)
        return record


def walk(phone, args, lang):
    site = "https://" + args.host
    suffix = "" if lang == "en" else "?lang=" + lang
    phone.go(args.url + suffix)
    phone.shoot(lang, "01-receipt")
    phone.go(site + "/")
    phone.shoot(lang, "02-home")
    phone.submit({"#code": "ZZZZ-ZZZZ"})
    phone.shoot(lang, "03-code-not-found")
    phone.go(site + "/r/this-is-not-a-token")
    phone.shoot(lang, "04-link-not-valid")
    phone.go(site + "/sign-in")
    phone.shoot(lang, "05-sign-in")
    phone.submit({"#loyalty": "4999999999", "#pin": "9999"})
    phone.shoot(lang, "06-sign-in-refused")
    phone.submit({"#loyalty": args.loyalty, "#pin": args.pin})
    phone.shoot(lang, "07-your-data")
    phone.go(site + "/me/choice?purpose=" + urllib.parse.quote(args.purpose))
    phone.shoot(lang, "08-choice-preview")
    if lang == "en":
        phone.submit({})
        phone.shoot(lang, "09-choice-saved")
    phone.go(site + "/me/copy")
    phone.shoot(lang, "10-copy")
    phone.go(site + "/me/forget")
    phone.shoot(lang, "11-forget-confirm")
    phone.go(site + "/me")
    phone.submit({}, "form[action='/sign-out']")
    phone.shoot(lang, "12-signed-out")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--loyalty", required=True)
    parser.add_argument("--pin", required=True)
    parser.add_argument("--purpose", required=True)
    parser.add_argument("--chromium", default="chromium")
    parser.add_argument("--timeout", type=int, default=150)
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, lambda *a: (_ for _ in ()).throw(TimeoutError("browser run took too long")))
    signal.alarm(args.timeout)

    profile = tempfile.mkdtemp(prefix="glasshouse-chromium-")
    browser = subprocess.Popen(
        [args.chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--window-size=%d,%d" % (WIDTH, HEIGHT), "--remote-debugging-port=0",
         "--user-data-dir=" + profile, "--ignore-certificate-errors",
         "--host-resolver-rules=MAP %s:443 127.0.0.1:%d" % (args.host, args.port),
         "--lang=en-US", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        port_file = os.path.join(profile, "DevToolsActivePort")
        deadline = time.time() + 30
        while not os.path.exists(port_file) or os.path.getsize(port_file) == 0:
            if time.time() > deadline or browser.poll() is not None:
                raise RuntimeError("Chromium did not start")
            time.sleep(0.1)
        devtools_port = int(open(port_file).read().split()[0])
        targets = json.load(urllib.request.urlopen("http://127.0.0.1:%d/json/list" % devtools_port, timeout=10))
        page = next(t for t in targets if t["type"] == "page")
        dt = DevTools(page["webSocketDebuggerUrl"])
        dt.call("Page.enable")
        dt.call("Network.enable")
        dt.call("Emulation.setDeviceMetricsOverride", width=WIDTH, height=HEIGHT, deviceScaleFactor=1,
                mobile=True)
        phone = Phone(dt, args.out)
        for lang in ("en", "de"):
            walk(phone, args, lang)
    finally:
        try:
            os.killpg(browser.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        browser.wait()
        subprocess.run(["rm", "-rf", profile])
    return 0


if __name__ == "__main__":
    sys.exit(main())
