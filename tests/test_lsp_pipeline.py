"""The server's analysis pipeline in-process: phase 1, phase 2 (refine), the settle refit, unopened documents.

The server's feature functions are called directly on a server whose publish is recorded, so that
what it publishes, and in which order, can be asserted without timing.
"""
import asyncio
import threading

import pytest
from conftest import SPUN
from lsprotocol import types
from unspin.engine import Cancelled
from unspin.findings import Finding, Suggestion
from unspin.lsp import server as srv
from unspin.lsp import worker as worker_module
from unspin.lsp.worker import AnalysisWorker

URI = "file:///tmp/unspin-pipeline/doc.txt"


def _finding(confidence: float, first: str = "he", second: str = "hi") -> Finding:
    return Finding(15, 21, "helium", confidence, (Suggestion(first, 0.7, "r"), Suggestion(second, 0.3, "r")), "e")


def _server(worker) -> srv.UnspinServer:
    ls = srv.UnspinServer(worker=worker)
    ls.published = []
    ls.publish = lambda state: ls.published.append((state.version, list(state.findings)))
    return ls


def _open(ls: srv.UnspinServer, text: str = SPUN, uri: str = URI) -> None:
    ls.documents[uri] = srv.Document(uri, text, 1, "plaintext")
    ls.states[uri] = srv.DocumentState(uri)


class FakeWorker:
    """Phase 1 gives one finding; a refit another; the first ``preempted_refits`` refits make way for an
    edit elsewhere, as the real worker's do."""

    refines = False

    def __init__(self, preempted_refits: int = 0) -> None:
        self.preempted_refits = preempted_refits
        self.ids = iter(range(1, 1000))

    async def analyze(self, text, threshold, document, refit, base=None, urgent=True, language=None):
        if refit and self.preempted_refits:
            self.preempted_refits -= 1
            return None
        return next(self.ids), [_finding(0.8 if refit else 0.6)]

    async def refine(self, document, base, phrases=False, threshold=0.5):
        return None

    def was_preempted(self, document):
        return False

    def preempt(self, document):
        pass

    def interrupt(self, document):
        pass

    def forget(self, document):
        pass


async def test_a_refit_preempted_by_an_edit_elsewhere_is_asked_again(monkeypatch):
    monkeypatch.setattr(srv, "SETTLE_DELAY", 0)
    ls = _server(FakeWorker(preempted_refits=2))
    _open(ls)
    await ls._analyze_later(URI, 0)
    assert [f.confidence for _, found in ls.published for f in found] == [0.6, 0.8]  # the refit is published


async def test_a_change_to_a_never_opened_document_is_ignored_and_nothing_is_read_from_disk(tmp_path):
    import os

    ls = _server(FakeWorker())
    srv.did_change(ls, types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri="file:///never/opened.txt", version=2),
        [types.TextDocumentContentChangePartial(range=types.Range(types.Position(0, 0), types.Position(0, 1)),
                                                text="x")]))
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # reading it would block forever
    params = types.DocumentDiagnosticParams(types.TextDocumentIdentifier(fifo.as_uri()))
    report = await asyncio.wait_for(srv.pull_diagnostics(ls, params), 10)
    assert report.items == []
    assert srv.hover(ls, types.HoverParams(types.TextDocumentIdentifier(fifo.as_uri()), types.Position(0, 0))) is None
    assert ls.documents == {} and ls.published == []


async def test_pull_diagnostics_carry_a_result_id_and_report_unchanged():
    ls = _server(FakeWorker())
    _open(ls)
    ident = types.TextDocumentIdentifier(URI)
    first = await srv.pull_diagnostics(ls, types.DocumentDiagnosticParams(ident))
    assert first.result_id and len(first.items) == 1
    again = await srv.pull_diagnostics(ls, types.DocumentDiagnosticParams(ident, previous_result_id=first.result_id))
    assert isinstance(again, types.RelatedUnchangedDocumentDiagnosticReport) and again.result_id == first.result_id
    srv.ignore_word(ls, URI, "helium")
    after = await srv.pull_diagnostics(ls, types.DocumentDiagnosticParams(ident, previous_result_id=first.result_id))
    assert isinstance(after, types.RelatedFullDocumentDiagnosticReport) and after.items == []


async def test_code_action_edits_carry_the_document_version_when_the_client_takes_document_changes():
    ls = _server(FakeWorker())
    ls.protocol.client_capabilities = types.ClientCapabilities(workspace=types.WorkspaceClientCapabilities(
        workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True)))
    _open(ls)
    ls.documents[URI].version = 7
    rng = types.Range(types.Position(0, 16), types.Position(0, 16))
    actions = await srv.code_action(ls, types.CodeActionParams(types.TextDocumentIdentifier(URI), rng,
                                                               types.CodeActionContext(diagnostics=[])))
    edits = [a.edit for a in actions if a.edit]
    assert edits and all(e.changes is None and e.document_changes[0].text_document.version == 7 for e in edits)
    assert edits[0].document_changes[0].edits[0].new_text == "he"


# -- phase 2 with the real worker, run in this process so that its refine can be replaced ------------


def _reversed_suggestions(text, findings, cancelled, **_):
    return [Finding(f.start, f.end, f.text, f.confidence, f.suggestions[::-1], f.evidence, f.kind) for f in findings]


@pytest.fixture
def worker():
    w = AnalysisWorker(in_process=True)
    yield w
    w.shutdown()


async def test_phase_two_publishes_refined_findings_after_phase_one(monkeypatch, worker):
    monkeypatch.setattr(worker_module, "_refiner", lambda phrases=False: _reversed_suggestions)
    monkeypatch.setattr(srv, "SETTLE_DELAY", 0)
    ls = _server(worker)
    _open(ls)
    await ls._analyze_later(URI, 0)
    phase1, phase2 = ls.published[0][1], ls.published[1][1]
    helium1 = next(f for f in phase1 if f.text == "helium")
    helium2 = next(f for f in phase2 if f.text == "helium")
    assert helium1.best == "he" and helium2.suggestions == helium1.suggestions[::-1]
    assert len(ls.published) == 2  # the refit confirmed phase 1: the refined findings stay, unpublished again
    assert ls.states[URI].findings == phase2


async def test_trigram_model_and_a_missing_refine_module_mean_no_phase_two(monkeypatch, worker):
    monkeypatch.setattr(srv, "SETTLE_DELAY", 0)
    monkeypatch.setattr(worker_module, "_refiner", lambda phrases=False: _reversed_suggestions)
    ls = _server(worker)
    ls.settings = ls.settings.merged({"model": "trigram"})
    _open(ls)
    await ls._analyze_later(URI, 0)
    assert len(ls.published) == 1
    monkeypatch.setattr(worker_module, "_refiner", lambda phrases=False: None)
    ls.settings = ls.settings.merged({"model": "neural"})
    assert await ls.refine(URI) is None and not worker.refines


async def test_without_the_neural_weights_phase_two_runs_only_for_phrases(monkeypatch, worker):
    """Without the weights the words' phase 2 hands phase 1's findings back unchanged: after the first
    such answer the server stops asking for it (a worker round trip per analysis), but a phrase pass
    is still asked for."""
    asked = []

    def refine(text, findings, cancelled, **_):
        asked.append(text)
        return findings

    monkeypatch.setattr(worker_module, "_refiner", lambda phrases=False: refine)
    monkeypatch.setattr(worker_module, "_for_review", lambda *args: None)
    monkeypatch.setattr(srv, "SETTLE_DELAY", 0)
    ls = _server(worker)
    _open(ls)
    await ls._analyze_later(URI, 0)
    assert len(ls.published) == 1 and asked == [] and not worker.weighs and worker.refines
    calls = []
    run = worker._run
    monkeypatch.setattr(worker, "_run", lambda *args: calls.append(args[2]) or run(*args))
    state = ls.states[URI]
    assert await worker.refine(URI, (state.result, state.raw_findings)) is None
    assert calls == []  # not sent at all
    await worker.refine(URI, (state.result, state.raw_findings), phrases=True)
    assert calls == [worker_module._refine] and len(asked) == 1


async def test_an_edit_cancels_a_refinement_in_flight(monkeypatch, worker):
    started, saw_cancel = threading.Event(), threading.Event()

    def slow_refine(text, findings, cancelled, **_):
        started.set()
        for _ in range(1000):
            if cancelled():
                saw_cancel.set()
                raise Cancelled
            threading.Event().wait(0.01)
        return _reversed_suggestions(text, findings, cancelled)

    monkeypatch.setattr(worker_module, "_refiner", lambda phrases=False: slow_refine)
    ls = _server(worker)
    _open(ls)
    assert await ls.analyze(URI) is not None
    refining = asyncio.ensure_future(ls.refine(URI))
    while not started.is_set():
        await asyncio.sleep(0.01)
    doc = ls.documents[URI]
    doc.apply(types.TextDocumentContentChangePartial(
        range=types.Range(types.Position(0, 0), types.Position(0, 0)), text="Now "), "utf-16")
    doc.version = 2
    ls.worker.preempt(URI)  # what did_change does before scheduling the new analysis
    assert await asyncio.wait_for(refining, 30) is None
    assert saw_cancel.is_set() and ls.published == []


class RefiningFakeWorker(FakeWorker):
    refines = True

    def __init__(self) -> None:
        super().__init__()
        self.refined: list[str] = []

    async def analyze(self, text, threshold, document, refit, base=None, urgent=True, language=None):
        self.text = text
        return await super().analyze(text, threshold, document, refit, base, urgent, language)

    async def refine(self, document, base, phrases=False, threshold=0.5):
        self.refined.append(self.text)
        return next(self.ids), [_finding(0.6, "hi", "he")]


async def test_phase_two_waits_for_a_pause_in_typing(monkeypatch):
    monkeypatch.setattr(srv, "SETTLE_DELAY", 0)
    ls = _server(RefiningFakeWorker())
    _open(ls)
    ls.schedule(URI, 0)
    while not ls.published:
        await asyncio.sleep(0)
    doc = ls.documents[URI]  # the next keystroke, right after the first diagnostics
    doc.apply(types.TextDocumentContentChangePartial(
        range=types.Range(types.Position(0, 0), types.Position(0, 0)), text="Now "), "utf-16")
    doc.version = 2
    ls.edited(URI)
    await ls._pending[URI]
    assert ls.worker.refined and set(ls.worker.refined) == {doc.text}  # never the text typed over
    assert ls.published[-1] == (2, [_finding(0.6, "hi", "he")])


async def test_phase_two_reads_a_document_without_word_findings_for_phrases(monkeypatch, worker):
    """A clean abstract with one tortured phrase has no word findings; the phrase pass must still run."""
    asked = []

    def phrase_pass(text, findings, cancelled, **_):
        asked.append(findings)
        return [Finding(0, 25, "Counterfeit consciousness", 0.95, (Suggestion("Artificial intelligence", 1.0, ""),),
                        "", "phrase")]

    monkeypatch.setattr(worker_module, "_refiner", lambda phrases=False: phrase_pass if phrases else None)
    monkeypatch.setattr(srv, "SETTLE_DELAY", 0)
    ls = _server(worker)
    ls.settings = ls.settings.merged({"phrases": True})
    _open(ls, "Counterfeit consciousness is changing how hospitals read scans.")
    await ls._analyze_later(URI, 0)
    assert asked == [[]]
    assert [f.kind for f in ls.states[URI].findings] == ["phrase"]


ABSTRACT = ("We propose a novel method for the analysis of clinical data. Our results show that the proposed "
            "model outperforms the baseline in accuracy, and we evaluate it on three datasets.")
STORY = "She walked down to the harbour at dusk, and the boats were coming in with the tide."


@pytest.mark.parametrize("mode, text, read", [("auto", ABSTRACT, True), ("auto", STORY, False),
                                              ("always", STORY, True), ("never", ABSTRACT, False)])
async def test_by_default_phase_two_reads_research_writing_for_phrases(monkeypatch, worker, mode, text, read):
    """Phase 2's phrase pass runs only where phrases are looked for: by default in research writing,
    where tortured phrases occur."""
    asked = []
    monkeypatch.setattr(worker_module, "_refiner",
                        lambda phrases=False: (lambda t, f, c, **_: asked.append(phrases) or []) if phrases else None)
    monkeypatch.setattr(srv, "SETTLE_DELAY", 0)
    ls = _server(worker)
    ls.settings = ls.settings.merged({"phrases": mode})
    _open(ls, text)
    await ls._analyze_later(URI, 0)
    assert asked == ([True] if read else [])


def test_fingerprints_setting_reports_the_users_list(tmp_path):
    listed = tmp_path / "pps.tsv"
    listed.write_text("counterfeit consciousness\tartificial intelligence\n", encoding="utf-8")
    ls = _server(FakeWorker())
    ls.root = tmp_path
    shown = []
    ls.window_show_message = shown.append
    ls.apply_settings = srv.UnspinServer.apply_settings.__get__(ls)
    ls.reanalyze_all = lambda: None
    ls.apply_settings({"fingerprints": "pps.tsv"})
    state = srv.DocumentState(URI, text="Counterfeit consciousness is changing how hospitals read scans.")
    ls.refilter(state)
    assert [(f.text, f.kind, f.best) for f in state.findings] == [
        ("Counterfeit consciousness", "fingerprint", "Artificial intelligence")]
    ls.apply_settings({"fingerprints": "missing.tsv"})
    ls.refilter(state)
    assert state.findings == [] and "missing.tsv" in shown[-1].message
