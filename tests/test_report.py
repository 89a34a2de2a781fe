import json
import os
import select
import shutil
import subprocess
import sys
import time

import pytest
from conftest import CLEAN, SPUN
from unspin.checking import Checker
from unspin.corpus_inputs import sources
from unspin.report_html import Entry, density_chart, highlighted, render
from unspin.scan import InlineRunner, ScanOptions, read_records, run
from unspin.scan_cli import reread

HOSTILE = "</script><img src=x onerror=\"window.pwned=1\"><script>window.pwned=2</script> & \"quotes\""
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1200,900"]


def unspin(*args):
    return subprocess.run([sys.executable, "-m", "unspin.cli", *args], check=False, capture_output=True, text=True)


@pytest.fixture
def scanned(tmp_path):
    """A scan of a spun file, a clean file, a file with hostile text and an unreadable one."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "spun.txt").write_text(SPUN + "\n", encoding="utf-8")
    (corpus / "clean.txt").write_text(CLEAN + "\n", encoding="utf-8")
    (corpus / f"{HOSTILE[:20]}.txt".replace("/", "_")).write_text(HOSTILE + "\n" + SPUN, encoding="utf-8")
    (corpus / "binary.txt").write_bytes(b"\0\1\2")
    out = tmp_path / "results.jsonl"
    run(sources([str(corpus)]), out, InlineRunner(ScanOptions(Checker(None, model="trigram"))), progress=False)
    return out


def page_of(results):
    return render([reread(r) if r["verdict"] != "error" else Entry(r) for r in read_records(results)])


def test_page_is_escaped_ranked_and_self_contained(scanned):
    page = page_of(scanned)
    assert "<img" not in page and "window.pwned=2</script>" not in page
    assert "&lt;/script&gt;&lt;img src=x onerror=&quot;window.pwned=1&quot;&gt;" in page
    assert page.count("<script>") == 1  # the page's own navigation only
    assert "src=" not in page.replace("&lt;img src=", "") and "@import" not in page and "url(" not in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "") and "https://" not in page
    assert "Content-Security-Policy" in page and "<svg" in page
    ranking = page[page.index('id="ranking"'):page.index("</table>", page.index('id="ranking"'))]
    spun_rows = [k for k, row in enumerate(ranking.split("<tr>")) if 'class="v-spun"' in row]
    clean_rows = [k for k, row in enumerate(ranking.split("<tr>")) if 'class="v-clean"' in row]
    assert len(spun_rows) == 2 and len(clean_rows) == 1 and max(spun_rows) < min(clean_rows)
    assert "binary file" in page[page.index('id="errors"'):]
    assert '<mark class="f"' in page and '<span class="orig">will</span>' in page
    assert "<kbd>j</kbd>" in page and "<kbd>n</kbd>" in page


def test_highlights_skip_overlaps_and_spans_past_the_text():
    out = highlighted("a <b> c", [[2, 3, "x&y"], [3, 1, "z"], [6, 5, "w"]], "d1")
    assert out == 'a <mark class="f" id="d1f1" tabindex="-1" title="may be spun; likely original: x&amp;y">' \
                  '&lt;b&gt;</mark><span class="orig">x&amp;y</span> c'


def test_density_chart_handles_empty_and_all_clean_corpora():
    assert "No analysed documents" in density_chart([])
    svg = density_chart([0.0, 0.0])
    assert svg.startswith("<svg") and ">2</text>" in svg


def test_report_command_and_check_format_html(scanned, tmp_path):
    html_path = tmp_path / "report.html"
    r = unspin("report", str(scanned), "-o", str(html_path))
    assert r.returncode == 0, r.stderr
    page = html_path.read_text(encoding="utf-8")
    assert "spun.txt" in page and '<span class="orig">will</span>' in page
    spun = tmp_path / "a.txt"
    spun.write_text(SPUN + "\n", encoding="utf-8")
    r = unspin("check", "--model", "trigram", "--format", "html", str(spun), str(tmp_path / "missing.txt"))
    assert r.returncode == 2
    assert r.stdout.startswith("<!DOCTYPE html>") and '<span class="orig">will</span>' in r.stdout
    assert "no such file" in r.stdout
    (scanned.parent / "corpus" / "spun.txt").write_text("edited since", encoding="utf-8")
    r = unspin("report", str(scanned), "-o", str(html_path))
    page = html_path.read_text(encoding="utf-8")
    assert r.returncode == 0 and "spun.txt: changed since the scan" in page
    r = unspin("report", str(tmp_path / "missing.jsonl"), "-o", str(tmp_path / "x.html"))
    assert r.returncode == 2 and "no scan records" in r.stderr and not (tmp_path / "x.html").exists()


# -- in a real browser --------------------------------------------------------------------------

class DevTools:
    """Chromium's DevTools protocol over --remote-debugging-pipe (fd 3: commands in, fd 4: messages out)."""

    def __init__(self, chromium, profile):
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def plumb():
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        self.proc = subprocess.Popen([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                                      "--remote-debugging-pipe", "about:blank"],
                                     preexec_fn=plumb, close_fds=False,  # noqa: PLW1509 - the child only dup2s stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer, self._next, self.events = b"", 0, []

    def _message(self, deadline):
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._from_browser], [], [], max(left, 0))
            if not ready:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise EOFError("chromium closed the pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method, params=None, session=None, timeout=60):
        self._next += 1
        msg = {"id": self._next, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_browser, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            got = self._message(deadline)
            if got.get("id") == self._next:
                assert "error" not in got, got
                return got.get("result", {})
            self.events.append(got)

    def wait_for(self, method, timeout=60):
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == method for e in self.events):
            self.events.append(self._message(deadline))

    def close(self):
        try:
            self.send("Browser.close", timeout=10)
        except (OSError, TimeoutError, EOFError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)


def open_page(chromium, profile, url):
    tools = DevTools(chromium, profile)
    page = next(t for t in tools.send("Target.getTargets")["targetInfos"] if t["type"] == "page")
    session = tools.send("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True})["sessionId"]
    for domain in ("Runtime", "Log", "Network", "Page"):
        tools.send(f"{domain}.enable", session=session)
    tools.send("Page.navigate", {"url": url}, session=session)
    tools.wait_for("Page.loadEventFired")
    return tools, session


def problems(events):
    """Console errors, uncaught exceptions and any request for something other than the page itself."""
    out = []
    for e in events:
        method, params = e.get("method"), e.get("params", {})
        if method == "Runtime.exceptionThrown":
            out.append(params["exceptionDetails"].get("text"))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert", "warning"):
            out.append(params.get("args"))
        elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
            out.append(params["entry"]["text"])
        elif method == "Network.requestWillBeSent" and not params["request"]["url"].startswith("file://"):
            out.append(params["request"]["url"])
    return out


def test_report_loads_in_headless_chromium_without_errors_and_keys_navigate(scanned, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed (.ci/run installs it)")
    html_path = tmp_path / "report.html"
    html_path.write_text(page_of(scanned), encoding="utf-8")
    tools, session = open_page(chromium, tmp_path / "profile", html_path.as_uri())
    try:
        def js(expr):
            return tools.send("Runtime.evaluate", {"expression": expr, "returnByValue": True},
                              session=session)["result"].get("value")

        def press(key):
            for kind in ("keyDown", "keyUp"):
                tools.send("Input.dispatchKeyEvent", {"type": kind, "key": key, "text": key if kind == "keyDown"
                                                      else "", "code": f"Key{key.upper()}",
                                                      "windowsVirtualKeyCode": ord(key.upper())}, session=session)

        assert js("document.documentElement.dataset.ready") == "1"
        assert js("window.pwned") is None  # the hostile text stayed text
        assert js("document.querySelectorAll('img').length") == 0
        assert js("document.querySelectorAll('article.doc').length") == 3
        press("j")
        first = js("document.querySelector('mark.current').id")
        assert first == js("document.querySelector('mark.f').id")
        press("j")
        second = js("document.querySelector('mark.current').id")
        assert second != first
        press("k")
        assert js("document.querySelector('mark.current').id") == first
        press("n")  # from the first finding's document to the next
        second_doc = js("document.querySelector('article.current-doc').id")
        assert second_doc == js("document.querySelectorAll('article.doc')[1].id")
        press("j")
        assert js("document.querySelector('mark.current').closest('article').id") == second_doc
        press("p")
        assert js("document.querySelector('article.current-doc').id") == js("document.querySelector('article.doc').id")
        assert problems(tools.events) == []
    finally:
        tools.close()
