"""Responsiveness of unspin-lsp, measured through a real LSP client over stdio.

    python benchmarks/lsp_latency.py [CLEAN_FOLDER]   (default: ../shared/eval/dev/clean)
    python benchmarks/lsp_latency.py --long-line [CLEAN_FOLDER]
    python benchmarks/lsp_latency.py --trigram [CLEAN_FOLDER]   (setting model: "trigram", no phase 2)

Documents are made from the clean folder's files, spun by benchmarks/spinner.py.  Prints:
start-to-first-diagnostics on a 1,000-word file; the median and worst time from a one-word edit
of a 10,000-word document (clean and spun) to its fresh diagnostics; hover latency, and edit latency
in another document, while a 100,000-word document is being analysed; the time from opening a spun
document to its refined (phase 2) diagnostics; and the server's peak memory.  With ``--long-line``:
a 1 MB spun document on a single line, its first diagnostics, one-word edits, and how long the
server takes to answer a hover right after each edit (whether the edit blocks its event loop).
"""
from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from spinner import Spinner  # noqa: E402


def corpus(folder: Path, words: int) -> str:
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt")))
    out, count = [], 0
    for line in text.splitlines(keepends=True):
        out.append(line)
        count += len(line.split())
        if count >= words:
            break
    return "".join(out)


class Bench:
    def __init__(self) -> None:
        self.client = LanguageClient("unspin-bench", "1")
        self.published: dict[tuple[str, int | None], asyncio.Future] = {}
        self.sequences: dict[tuple[str, int | None], list[asyncio.Future]] = {}

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(ls, params: types.PublishDiagnosticsParams) -> None:
            fut = self.published.get((params.uri, params.version))
            if fut is not None and not fut.done():
                fut.set_result(params.diagnostics)
            for fut in self.sequences.get((params.uri, params.version), []):
                if not fut.done():
                    fut.set_result((time.perf_counter(), params.diagnostics))
                    break

    def expect(self, uri: str, version: int) -> asyncio.Future:
        fut = self.published[(uri, version)] = asyncio.get_running_loop().create_future()
        return fut

    async def start(self, options: dict | None = None) -> None:
        await self.client.start_io(sys.executable, "-m", "unspin.lsp")
        await self.client.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(), initialization_options=options or {}))
        self.client.initialized(types.InitializedParams())

    def expect_next(self, uri: str, version: int, count: int) -> list[asyncio.Future]:
        """Futures for the next ``count`` publishes of ``uri`` at ``version`` (phase 1, then phase 2)."""
        loop = asyncio.get_running_loop()
        futures = [loop.create_future() for _ in range(count)]
        self.sequences[(uri, version)] = futures
        return futures

    def open(self, uri: str, text: str) -> asyncio.Future:
        fut = self.expect(uri, 1)
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="plaintext", version=1, text=text)))
        return fut

    async def edit_latencies(self, uri: str, text: str, edits: int) -> list[float]:
        await asyncio.wait_for(self.open(uri, text), 300)
        lines = text.split("\n")
        times = []
        for version in range(2, edits + 2):
            line = len(lines) * (version - 1) // (edits + 1)
            while " the " not in lines[line]:
                line = (line + 1) % len(lines)
            col = lines[line].index(" the ")
            lines[line] = lines[line][:col] + " a " + lines[line][col + 5:]
            change = types.TextDocumentContentChangePartial(
                range=types.Range(types.Position(line, col), types.Position(line, col + 5)), text=" a ")
            fut = self.expect(uri, version)
            start = time.perf_counter()
            self.client.text_document_did_change(types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=version), [change]))
            await asyncio.wait_for(fut, 60)
            times.append(time.perf_counter() - start)
            await asyncio.sleep(0.05)
        return times

    def peak_memory_mb(self) -> dict[str, float]:
        """Peak resident memory of the server process and of its analysis worker."""
        def peak(pid: int) -> float:
            status = Path(f"/proc/{pid}/status").read_text()
            return int(next(x for x in status.splitlines() if x.startswith("VmHWM")).split()[1]) / 1024

        pid = self.client._server.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return {"server": peak(pid), **{f"worker {c}": peak(int(c)) for c in children}}

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


async def phase_two(folder: Path) -> None:
    """Open the dev spun article: time to phase 1's diagnostics and to the refined ones (phase 2)."""
    article = folder.parent / "seed.spun.txt"
    if not article.exists():
        return
    bench = Bench()
    await bench.start()
    await asyncio.wait_for(bench.open("file:///bench/warm.txt", "Warm up."), 120)
    uri = "file:///bench/article.txt"
    first, refined = bench.expect_next(uri, 1, 2)
    start = time.perf_counter()
    bench.client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=uri, language_id="plaintext", version=1, text=article.read_text(encoding="utf-8"))))
    t1, diags = await asyncio.wait_for(first, 120)
    print(f"dev article opened -> phase 1 diagnostics ({len(diags)}): {t1 - start:.2f} s")
    try:
        t2, _ = await asyncio.wait_for(refined, 120)
        print(f"dev article opened -> refined diagnostics (phase 2, neural model loaded on first use): "
              f"{t2 - start:.2f} s")
    except asyncio.TimeoutError:
        print("no refined diagnostics within 120 s (no phase 2, or it changed nothing)")
    print("peak memory: " + ", ".join(f"{k} {v:.0f} MB" for k, v in bench.peak_memory_mb().items()))
    await bench.stop()


async def long_line(folder: Path) -> None:
    """A 1 MB spun document on one line: first diagnostics, one-word edits, hover right after each edit."""
    spin = Spinner(0.2, "consistent", 1).spin
    text = " ".join(spin(corpus(folder, 200_000))[0].split())[:1_000_000]
    bench = Bench()
    await bench.start({"model": "trigram"})
    uri = "file:///bench/line.txt"
    start = time.perf_counter()
    first = await asyncio.wait_for(bench.open(uri, text), 600)
    print(f"1 MB single line ({len(first)} findings): first diagnostics {time.perf_counter() - start:.2f} s")
    edits, hovers = [], []
    for version in range(2, 7):
        col = text.index(" the ", len(text) * (version - 1) // 7)
        text = text[:col] + " a " + text[col + 5:]
        fut = bench.expect(uri, version)
        t0 = time.perf_counter()
        bench.client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [types.TextDocumentContentChangePartial(
                range=types.Range(types.Position(0, col), types.Position(0, col + 5)), text=" a ")]))
        h0 = time.perf_counter()
        await bench.client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(uri),
                                                                        first[0].range.start))
        hovers.append(time.perf_counter() - h0)
        await asyncio.wait_for(fut, 600)
        edits.append(time.perf_counter() - t0)
        await asyncio.sleep(1.5)  # past the settle refit
    print(f"one-word edit -> fresh diagnostics: median {statistics.median(edits):.2f} s, worst {max(edits):.2f} s")
    print(f"hover sent right after an edit: median {statistics.median(hovers) * 1000:.0f} ms, "
          f"worst {max(hovers) * 1000:.0f} ms")
    await bench.stop()


async def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    folder = Path(args[0] if args else HERE.parents[1] / "shared/eval/dev/clean")
    if "--long-line" in sys.argv:
        await long_line(folder)
        return
    spin = Spinner(0.2, "consistent", 1).spin
    small = spin(corpus(folder, 1000))[0]
    clean10k = corpus(folder, 10000)
    spun10k = spin(clean10k)[0]
    big = spin(corpus(folder, 100000))[0]

    bench = Bench()
    start = time.perf_counter()
    await bench.start({"model": "trigram"} if "--trigram" in sys.argv else {})
    first = await asyncio.wait_for(bench.open("file:///bench/small.txt", small), 120)
    print(f"start to first diagnostics (1,000 words, {len(first)} findings): {time.perf_counter() - start:.2f} s")
    for name, text in (("clean", clean10k), ("spun", spun10k)):
        t = await bench.edit_latencies(f"file:///bench/{name}10k.txt", text, 20)
        print(f"one-word edit in 10,000 {name} words -> fresh diagnostics: median {statistics.median(t) * 1000:.0f} ms,"
              f" worst {max(t) * 1000:.0f} ms")
    target = first[0].range.start
    big_done = bench.open("file:///bench/big.txt", big)
    await asyncio.sleep(0.3)
    hovers = []
    while not big_done.done() and len(hovers) < 50:
        t0 = time.perf_counter()
        await bench.client.text_document_hover_async(types.HoverParams(
            types.TextDocumentIdentifier("file:///bench/small.txt"), target))
        hovers.append(time.perf_counter() - t0)
        await asyncio.sleep(0.05)
    elsewhere = await bench.edit_latencies("file:///bench/other10k.txt", spun10k, 5) if not big_done.done() else []
    await asyncio.wait_for(big_done, 600)
    print(f"hover while 100,000 words are analysed ({len(hovers)} hovers): median "
          f"{statistics.median(hovers) * 1000:.0f} ms, worst {max(hovers) * 1000:.0f} ms")
    if elsewhere:
        print(f"one-word edit in another 10,000-word spun document meanwhile: median "
              f"{statistics.median(elsewhere) * 1000:.0f} ms, worst {max(elsewhere) * 1000:.0f} ms")
    print("peak memory: " + ", ".join(f"{k} {v:.0f} MB" for k, v in bench.peak_memory_mb().items()))
    await bench.stop()
    if "--trigram" not in sys.argv:
        await phase_two(folder)


if __name__ == "__main__":
    asyncio.run(main())
