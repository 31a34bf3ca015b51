#!/usr/bin/env bash
# The seed's page (relief-ledger verify --format html) in a real browser, headless Chromium:
#   - the rendered DOM (--dump-dom) holds each report's id and status, in the report's row;
#   - screenshots at 1280 and 400 px wide (--screenshot), and neither is blank;
#   - at 400 px the page is no wider than the window: measured in the page laid out at that width
#     (Chromium driven over --remote-debugging-pipe by a small client in python3's standard library).
# Installs Debian's chromium package when it is absent (CI runs as root). Writes its files to
# target/browser-check/; with --update-docs, also copies the 1280 px screenshot to docs/verify-page.png.
set -euo pipefail
cd "$(dirname "$0")/.."

update_docs=false
[ "${1:-}" = "--update-docs" ] && update_docs=true

browser=""
for b in chromium chromium-browser; do
  if command -v "$b" >/dev/null 2>&1; then browser=$(command -v "$b"); break; fi
done
if [ -z "$browser" ]; then
  echo "browser-check: installing chromium"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
  browser=$(command -v chromium)
fi
command -v python3 >/dev/null 2>&1 || { echo "browser-check: python3 is needed" >&2; exit 2; }

out=target/browser-check
mkdir -p "$out"
data=examples/data/karabakh-2021
page="$PWD/$out/seed.html"
cargo build --quiet --features cli --bin relief-ledger
bin=target/debug/relief-ledger
# Exit 1 means some report is short or over: the page is written all the same.
"$bin" verify "$data/entries.csv" --reports "$data/reports.csv" --format html --out "$page" || [ $? -eq 1 ]
# The statuses as the CLI's JSON gives them, to compare with the page.
"$bin" verify "$data/entries.csv" --reports "$data/reports.csv" --format json > "$out/outcomes.json" || [ $? -eq 1 ]

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --no-default-browser-check
  --disable-extensions --user-data-dir="$profile" --virtual-time-budget=2000)

echo "browser-check: $("$browser" --version 2>/dev/null || echo chromium)"
timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$page" > "$out/seed.dom.html" 2>"$out/chromium.log"
for width in 1280 400; do
  rm -f "$out/seed-$width.png"
  timeout 120 "$browser" "${flags[@]}" --window-size="$width,2400" --screenshot="$out/seed-$width.png" \
    "file://$page" 2>>"$out/chromium.log"
done

python3 - "$browser" "$page" "$out" "$data/reports.csv" <<'PY'
import csv, json, os, struct, subprocess, sys, tempfile, zlib
from html.parser import HTMLParser

browser, page, out, reports_csv = sys.argv[1:5]
failures = []

# 1. The rendered DOM: each report's row (tbody id report-N, in file order) holds its id and status.
class Rows(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.current, self.depth = {}, None, 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tbody" and (a.get("id") or "").startswith("report-"):
            self.current, self.depth = a["id"], 0
            self.rows[self.current] = []
        elif tag == "tbody" and self.current:
            self.depth += 1
    def handle_endtag(self, tag):
        if tag == "tbody" and self.current:
            if self.depth == 0:
                self.current = None
            else:
                self.depth -= 1
    def handle_data(self, data):
        if self.current:
            self.rows[self.current].append(data)

dom = open(os.path.join(out, "seed.dom.html"), encoding="utf-8").read()
rows = Rows()
rows.feed(dom)
with open(reports_csv, newline="", encoding="utf-8") as f:
    ids = [r["id"] for r in csv.DictReader(f)]
statuses = {o["id"]: o["status"] for o in json.load(open(os.path.join(out, "outcomes.json"), encoding="utf-8"))}
if len(rows.rows) != len(ids):
    failures.append(f"the rendered page has {len(rows.rows)} report rows; reports.csv has {len(ids)} reports")
for n, rid in enumerate(ids):
    text = " ".join(rows.rows.get(f"report-{n}", []))
    words = text.split()
    if rid not in words:
        failures.append(f"report {rid}: not in row report-{n} of the rendered page")
    if statuses.get(rid) not in words:
        failures.append(f"report {rid}: its status {statuses.get(rid)} is not in its row of the rendered page")
if "<script" in dom.lower():
    failures.append("the rendered page holds a script element")

# 2. The screenshots: PNGs of the width asked for, not of one colour.
def png_pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, width = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            if depth != 8 or colour not in (2, 6):
                raise ValueError(f"unexpected PNG format (depth {depth}, colour type {colour})")
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev, rows_, i = bytearray(stride), [], 0
    for _ in range(height):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows_.append(bytes(line))
        prev = line
    return width, height, bpp, rows_

for width in (1280, 400):
    path = os.path.join(out, f"seed-{width}.png")
    try:
        w, h, bpp, px = png_pixels(path)
    except (OSError, ValueError, zlib.error) as e:
        failures.append(f"screenshot at {width} px: {e}")
        continue
    if w != width:
        failures.append(f"screenshot at {width} px is {w} px wide")
    colours = set()
    for line in px[::7]:
        for x in range(0, len(line), bpp * 5):
            colours.add(line[x:x + 3])
    if len(colours) < 8:
        failures.append(f"screenshot at {width} px is blank ({len(colours)} colours)")
    else:
        print(f"browser-check: screenshot at {width} px: {w}x{h}, {len(colours)} colours sampled")

# 3. At 400 px: the page laid out at that width is no wider than the window.
def cdp_width_check(width):
    r_cmd, w_cmd = os.pipe()   # commands: we write, chromium reads fd 3
    r_res, w_res = os.pipe()   # results: chromium writes fd 4, we read
    profile = tempfile.mkdtemp()
    def child():
        # Chromium reads commands from fd 3 and writes results to fd 4; copy the pipes out of the
        # way first, so that neither is closed by moving the other.
        a, b = os.dup(r_cmd), os.dup(w_res)
        os.dup2(a, 3)
        os.dup2(b, 4)
    proc = subprocess.Popen(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
         f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
        close_fds=False, preexec_fn=child, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(r_cmd); os.close(w_res)
    wf, rf = os.fdopen(w_cmd, "wb"), os.fdopen(r_res, "rb")
    buf, next_id = b"", [0]
    def read_message():
        nonlocal buf
        while b"\0" not in buf:
            chunk = rf.read1(65536)
            if not chunk:
                raise RuntimeError("chromium closed the debugging pipe")
            buf += chunk
        msg, buf = buf.split(b"\0", 1)
        return json.loads(msg)
    def send(method, params=None, session=None, wait_event=None):
        next_id[0] += 1
        m = {"id": next_id[0], "method": method, "params": params or {}}
        if session: m["sessionId"] = session
        wf.write(json.dumps(m).encode() + b"\0"); wf.flush()
        result, seen = None, wait_event is None
        while result is None or not seen:
            msg = read_message()
            if msg.get("id") == next_id[0]:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                result = msg.get("result", {})
            elif wait_event and msg.get("method") == wait_event:
                seen = True
        return result
    try:
        target = send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        send("Page.enable", session=session)
        send("Emulation.setDeviceMetricsOverride",
             {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": True}, session=session)
        send("Page.navigate", {"url": "file://" + page}, session=session, wait_event="Page.loadEventFired")
        expr = """JSON.stringify({
          window: window.innerWidth,
          scroll: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
          right: Math.max(0, ...Array.from(document.querySelectorAll('body *'))
            .map(e => e.getBoundingClientRect()).filter(r => r.width > 0 && r.height > 0).map(r => r.right)),
          text: document.body.innerText.length,
          height: document.documentElement.scrollHeight
        })"""
        res = send("Runtime.evaluate", {"expression": expr, "returnByValue": True}, session=session)
        return json.loads(res["result"]["value"])
    finally:
        proc.kill()
        proc.wait()

try:
    m = cdp_width_check(400)
    print(f"browser-check: at 400 px: window {m['window']} px, page {m['scroll']} px wide, "
          f"rightmost element at {m['right']:.1f} px, {m['text']} characters of text, {m['height']} px tall")
    # A phone widens the layout to fit content wider than the screen: innerWidth grows past 400.
    if m["window"] != 400:
        failures.append(f"at 400 px the page is wider than the window: it is laid out {m['window']} px wide")
    elif m["scroll"] > m["window"] or m["right"] > m["window"] + 0.5:
        failures.append(f"at 400 px the page is wider than the window: {m['scroll']} px, an element ends at {m['right']:.1f} px")
    if m["text"] < 200 or m["height"] < 400:
        failures.append(f"at 400 px the page looks blank: {m['text']} characters, {m['height']} px tall")
except (OSError, RuntimeError, KeyError, ValueError) as e:
    failures.append(f"measuring the page at 400 px: {e}")

if failures:
    for f in failures:
        print(f"browser-check: FAIL: {f}", file=sys.stderr)
    sys.exit(1)
print(f"browser-check: ok: {len(ids)} reports with their status in the rendered page; screenshots in {out}")
PY

if $update_docs; then
  cp "$out/seed-1280.png" docs/verify-page.png
  echo "browser-check: docs/verify-page.png updated"
fi
