"""Responsiveness of unspin-lsp, measured through a real LSP client over stdio.

    python benchmarks/lsp_latency.py [CLEAN_FOLDER]   (default: ../shared/eval/dev/clean)

Documents are made from the clean folder's files, spun by benchmarks/spinner.py.  Prints:
start-to-first-diagnostics on a 1,000-word file; the median and worst time from a one-word edit
of a 10,000-word document (clean and spun) to its fresh diagnostics; hover latency, and edit latency
in another document, while a 100,000-word document is being analysed; and the server's peak memory.
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

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(ls, params: types.PublishDiagnosticsParams) -> None:
            fut = self.published.get((params.uri, params.version))
            if fut is not None and not fut.done():
                fut.set_result(params.diagnostics)

    def expect(self, uri: str, version: int) -> asyncio.Future:
        fut = self.published[(uri, version)] = asyncio.get_running_loop().create_future()
        return fut

    async def start(self) -> None:
        await self.client.start_io(sys.executable, "-m", "unspin.lsp")
        await self.client.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(), initialization_options={}))
        self.client.initialized(types.InitializedParams())

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


async def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else HERE.parents[1] / "shared/eval/dev/clean")
    spin = Spinner(0.2, "consistent", 1).spin
    small = spin(corpus(folder, 1000))[0]
    clean10k = corpus(folder, 10000)
    spun10k = spin(clean10k)[0]
    big = spin(corpus(folder, 100000))[0]

    bench = Bench()
    start = time.perf_counter()
    await bench.start()
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


if __name__ == "__main__":
    asyncio.run(main())
