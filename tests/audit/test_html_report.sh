#!/usr/bin/env bash
# test_html_report.sh MFACOVER_AUDIT ROOTS_DIR
#
# mfacover-audit --format html, as a reader sees it: the page is rendered by
# headless Chromium (Debian's chromium), which dumps the DOM and takes a
# screenshot.  On the DOM: the verdict, the matrix row with a gap and a
# covered cell, the gap's reason and file:line evidence, and a SHA-256 for
# every file the audit read that matches `sha256sum` of the real file; only
# our own elements (nothing loaded, no script).  On the screenshot: both the
# gap colour and the covered colour are on screen.  Then a copy of the root
# with hostile names (host name, a PAM service file, a config line): none of
# it becomes markup.  Exit 77 (skipped) without chromium.
set -uo pipefail
audit=$1
roots=$2
root=$roots/pam-nullok-unenrolled-admin/root

if ! command -v chromium >/dev/null 2>&1; then
	echo "SKIP: no chromium (Debian package chromium)" >&2
	exit 77
fi
tmp=$(mktemp -d /tmp/mfacover-html-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

# chromium FLAGS... URL: headless, its profile and HOME in the temp dir, bounded in time.
browse() {
	HOME=$tmp/home timeout 60 chromium --headless --no-sandbox --disable-gpu \
		--no-first-run --disable-extensions --disable-sync --user-data-dir="$tmp/profile" \
		"$@" 2>>"$tmp/chromium.log"
}

# --- the report of a root with a gap (alice: nullok, no token) and covered paths ---
"$audit" --root "$root" --format html --output "$tmp/report.html" 2>"$tmp/err"
rc=$?
[[ $rc -eq 1 ]] || fail "exit status $rc, expected 1 (gaps): $(cat "$tmp/err")"
mkdir -p "$tmp/home"
browse --dump-dom "file://$tmp/report.html" >"$tmp/dom.html" || fail "chromium --dump-dom failed"
browse --screenshot="$tmp/shot.png" --window-size=1280,1400 --hide-scrollbars \
	"file://$tmp/report.html" >/dev/null || fail "chromium --screenshot failed"

python3 - "$tmp/dom.html" "$tmp/shot.png" "$root" <<'PY' || fail "what the reader sees"
import html.parser, struct, subprocess, sys, zlib

dom_file, png_file, root = sys.argv[1:4]
dom = open(dom_file, encoding="utf-8").read()
ALLOWED = {"html", "head", "meta", "title", "style", "body", "header", "main", "footer",
           "section", "article", "div", "h1", "h2", "h3", "p", "span", "strong", "code",
           "time", "table", "thead", "tbody", "tr", "th", "td", "ol", "ul", "li", "a", "br"}


class Page(html.parser.HTMLParser):
    """Text per element id/class path, tables as rows of cell texts."""

    def __init__(self):
        super().__init__()
        self.tags = set()
        self.stack = []
        self.text = []
        self.tables = []      # (class, [rows of (cell text, cell class)])
        self.articles = {}    # id -> text
        self.attrs_seen = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        self.attrs_seen.extend(k for k, _ in attrs)
        if tag == "br":
            return
        self.stack.append((tag, a))
        if tag == "table":
            self.tables.append((a.get("class", ""), []))
        elif tag == "tr":
            self.tables[-1][1].append([])
        elif tag in ("td", "th"):
            self.tables[-1][1][-1].append(["", a.get("class", "")])
        elif tag == "article":
            self.articles[a.get("id")] = ""

    def handle_endtag(self, tag):
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break

    def handle_data(self, data):
        self.text.append(data)
        tags = [t for t, _ in self.stack]
        if "td" in tags or "th" in tags:
            self.tables[-1][1][-1][-1][0] += data
        for t, a in self.stack:
            if t == "article":
                self.articles[a.get("id")] += data


page = Page()
page.feed(dom)
text = " ".join("".join(page.text).split())
errors = []

def check(cond, what):
    if not cond:
        errors.append(what)

check(page.tags <= ALLOWED, f"unexpected elements: {sorted(page.tags - ALLOWED)}")
check("src" not in page.attrs_seen, "an element loads something (src=)")
check(not any(k.startswith("on") for k in page.attrs_seen), "an event handler attribute")
check("Verdict: GAPS" in text, "verdict GAPS not shown")
check("1 of 4 admin paths do not require a second factor" in text, "verdict count")
check("Date (UTC)" in text, "no date")

# The matrix: header row names the admins; the login row has covered (root) and GAP (alice).
matrix = [rows for cls, rows in page.tables if cls == "matrix"]
check(len(matrix) == 1, "no accounts x paths matrix")
if matrix:
    rows = matrix[0]
    header = [c[0].strip() for c in rows[0]]
    check(header == ["Path", "root", "alice"], f"matrix header {header}")
    login = [r for r in rows if r[0][0].strip() == "login"]
    check(len(login) == 1, "no login row in the matrix")
    if login and header == ["Path", "root", "alice"]:
        cells = {header[i]: (login[0][i][0].strip(), login[0][i][1]) for i in range(1, 3)}
        check(cells["root"] == ("covered", "cell c-ok"), f"root on login: {cells['root']}")
        check(cells["alice"] == ("GAP", "cell c-gap"), f"alice on login: {cells['alice']}")

# The gap, with its reason and its witness path as file:line evidence.
gaps = [t for i, t in page.articles.items() if i and i.startswith("gap-")]
check(len(gaps) == 1, f"{len(gaps)} gap articles, expected 1")
if gaps:
    g = " ".join(gaps[0].split())
    check("login, account alice" in g, f"gap heading: {g[:80]}")
    check("Reason: the login auth stack can succeed without a second factor" in g, "gap reason")
    check("nullok: the user has no token" in g, "gap reason names nullok")
    check("/etc/pam.d/login:1 auth required pam_unix.so -> PAM_SUCCESS -> ok" in g,
          "witness line 1")
    check("/etc/pam.d/login:2 auth required pam_mfacover.so nullok -> PAM_IGNORE" in g,
          "witness line 2")
    check("end of stack -> PAM_SUCCESS" in g, "witness end")

# The files read: each SHA-256 equals sha256sum of the file under the root.
files = [rows for cls, rows in page.tables if cls == "files"]
check(len(files) == 1, "no files table")
if files:
    listed = {r[0][0].strip(): (r[1][0].strip(), r[2][0].strip()) for r in files[0][1:]}
    check("/etc/pam.d/login" in listed and "/etc/passwd" in listed, f"files: {sorted(listed)}")
    for path, (size, sha) in listed.items():
        out = subprocess.run(["sha256sum", root + path], capture_output=True, text=True)
        real = out.stdout.split()[0] if out.returncode == 0 else None
        check(sha == real, f"{path}: listed {sha}, sha256sum says {real}")
        check(int(size) == len(open(root + path, "rb").read()), f"{path}: size {size}")

# The screenshot: a real PNG with the gap and the covered colour on it.
def png_pixels(name):
    data = open(name, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    assert depth == 8 and ctype in (2, 6) and interlace == 0, (depth, ctype, interlace)
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    counts = {}
    i = 0
    for _ in range(h):
        f = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[x] = (line[x] + pr) & 255
        for x in range(0, stride, bpp):
            px = bytes(line[x:x + 3])
            counts[px] = counts.get(px, 0) + 1
        prev = line
    return w, h, counts

import os
size = os.path.getsize(png_file)
check(size > 20000, f"screenshot is only {size} bytes")
w, h, counts = png_pixels(png_file)
check((w, h) == (1280, 1400), f"screenshot is {w}x{h}")
def near(rgb, tol=3):
    return sum(n for px, n in counts.items() if all(abs(px[k] - rgb[k]) <= tol for k in range(3)))
gap_px = near((0xf8, 0xc9, 0xc9))
ok_px = near((0xcc, 0xf0, 0xd6))
check(gap_px > 500, f"gap colour: {gap_px} pixels")
check(ok_px > 500, f"covered colour: {ok_px} pixels")
check(len(counts) > 50, f"only {len(counts)} colours: an empty page?")

for e in errors:
    if e:
        print("FAIL:", e)
sys.exit(1 if any(errors) else 0)
PY

# --- hostile names: nothing of the host becomes markup -------------------------
cp -a "$root" "$tmp/hostile"
printf '%s\n' '<script>document.title="pwned"</script>' >"$tmp/hostile/etc/hostname"
printf 'auth required pam_permit.so\n' >"$tmp/hostile/etc/pam.d/<img src=x onerror=alert(1)>"
printf '%s\n' 'auth required pam_unix.so <b>bold</b>&amp;' \
	'auth required pam_mfacover.so nullok' >"$tmp/hostile/etc/pam.d/login"
"$audit" --root "$tmp/hostile" --format html --output "$tmp/hostile.html" 2>"$tmp/err"
rc=$?
[[ $rc -eq 1 ]] || fail "hostile: exit status $rc, expected 1: $(cat "$tmp/err")"
browse --dump-dom "file://$tmp/hostile.html" >"$tmp/hostile-dom.html" ||
	fail "hostile: chromium --dump-dom failed"
python3 - "$tmp/hostile-dom.html" <<'PY' || fail "hostile names became markup"
import html.parser, sys

class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs, self.text, self.title, self.in_title = set(), set(), [], "", False

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs.update(k for k, _ in attrs)
        self.in_title = tag == "title"

    def handle_endtag(self, tag):
        self.in_title = False

    def handle_data(self, data):
        self.text.append(data)
        if self.in_title:
            self.title += data

p = Page()
p.feed(open(sys.argv[1], encoding="utf-8").read())
text = "".join(p.text)
bad = []
for tag in ("script", "img", "b"):
    if tag in p.tags:
        bad.append(f"a <{tag}> element from the host")
if "onerror" in p.attrs or "src" in p.attrs:
    bad.append("an attribute from the host")
if "pwned" in p.title and not p.title.startswith("Second-factor audit of <script>"):
    bad.append(f"the title was changed: {p.title}")
for shown in ('<script>document.title="pwned"</script>', "<img src=x onerror=alert(1)>",
              "pam_unix.so <b>bold</b>&amp;"):
    if shown not in text:
        bad.append(f"not shown as text: {shown}")
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PY

if ((fails)); then
	echo "--- chromium log" >&2
	tail -n 20 "$tmp/chromium.log" >&2
	echo "mfacover-audit --format html: $fails failure(s)" >&2
	exit 1
fi
echo "mfacover-audit --format html: all checks passed"
