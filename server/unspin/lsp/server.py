"""The language server: LSP events in, engine calls off the event loop, diagnostics out."""
from __future__ import annotations

import asyncio
import itertools
import json
import logging
import time
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcContentModified, JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import __version__
from ..allowlist import AllowlistError
from ..findings import Finding
from ..fingerprints import FingerprintError, FingerprintList, load_fingerprints
from ..phrases import merge_phrases
from ..register import reads_phrases
from . import diagnostics as diag
from .config import Settings, add_to_workspace_allowlist, read_workspace_allowlist
from .document import Document
from .protocol import UnspinProtocol
from .state import DocumentState
from .worker import AnalysisWorker, shared_worker

log = logging.getLogger(__name__)
IGNORE_WORD = "unspin.ignoreWord"
ALLOW_WORD = "unspin.allowWord"
FIX_ALL_KIND = "source.fixAll.unspin"
SETTLE_DELAY = 1.0  # seconds without edits before the document-wide channel is fitted afresh
# Seconds without edits to a document before its phase 2 starts: a refinement started at every
# keystroke would only be cancelled by the next one, after holding up its analysis.
REFINE_DELAY = 0.3


_revisions = itertools.count(1)


class UnspinServer(LanguageServer):
    def __init__(self, worker: AnalysisWorker | None = None) -> None:
        super().__init__("unspin-lsp", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
                         converter_factory=diag.converter, protocol_cls=UnspinProtocol)
        self.settings = Settings()
        self.fingerprints: FingerprintList | None = None
        self._fingerprints_path = ""
        self.worker = worker or shared_worker()
        self.documents: dict[str, Document] = {}  # open documents, as the client edits them
        self.states: dict[str, DocumentState] = {}
        self.encoding: str = types.PositionEncodingKind.Utf16
        self.root: Path | None = None
        self.workspace_allowlist: frozenset[str] = frozenset()
        self._pending: dict[str, asyncio.Task] = {}
        self._last_change: dict[str, float] = {}
        self._last_edit = float("-inf")  # of any document

    # -- analysis -----------------------------------------------------------------------------
    def schedule(self, uri: str, delay: float | None = None) -> None:
        """(Re)start the analysis of ``uri``; an older pending run is cancelled.

        Without an explicit ``delay`` this is an edit: the first edit after a pause is analysed at
        once, edits in quick succession wait for a pause of ``debounce_ms``.
        """
        old = self._pending.pop(uri, None)
        if old is not None:
            old.cancel()
        if delay is None:
            now, debounce = time.monotonic(), self.settings.debounce_ms / 1000
            delay = 0 if now - self._last_change.get(uri, float("-inf")) > debounce else debounce
            self._last_change[uri] = now
        self._pending[uri] = asyncio.get_running_loop().create_task(self._analyze_later(uri, delay))

    def edited(self, uri: str) -> None:
        """An edit comes first: stop what runs for the document's older text or for another document
        (the worker is one process; a long document can keep it busy for many seconds)."""
        self.worker.preempt(uri)
        self._last_edit = time.monotonic()
        self.schedule(uri)

    def close(self, uri: str) -> None:
        """Stop everything pending or running for ``uri`` and drop what is kept for it."""
        task = self._pending.pop(uri, None)
        if task is not None:
            task.cancel()
        self.states.pop(uri, None)
        self._last_change.pop(uri, None)
        self.worker.interrupt(uri)
        self.worker.forget(uri)

    async def _analyze_later(self, uri: str, delay: float) -> None:
        """Analyse and publish (phase 1), refine and publish (phase 2); once edits pause, settle on a
        result fitted afresh to the whole document, refined again if the refit changed anything."""
        try:
            await asyncio.sleep(delay)
            state = await self.analyze(uri)
            if state is None:
                return
            self.publish(state)
            await asyncio.sleep(REFINE_DELAY)
            await self.refine(uri)
            await asyncio.sleep(SETTLE_DELAY)
            before = (state.result, list(state.raw_findings), state.unrefined)
            published = list(state.findings)
            state = await self.analyze(uri, refit=True)
            if state is None:
                return
            result, raw, unrefined = before
            if unrefined is not None and state.raw_findings == unrefined:  # the refit confirmed phase 1
                state.result, state.raw_findings, state.unrefined = result, raw, unrefined
                self.refilter(state)
            elif state.findings != published:
                self.publish(state)
                await self.refine(uri)
        except asyncio.CancelledError:
            pass
        except Exception:  # a failed analysis must not take the server down
            log.exception("analysis of %s failed", uri)

    async def refine(self, uri: str) -> DocumentState | None:
        """Phase 2 for the document's current result (the engine's findings for review, see
        ``refine.for_review``), published; None if there is none, or the document changed meanwhile
        (an edit cancels a refinement in flight)."""
        state = self.states.get(uri)
        if self.settings.model != "neural" or state is None or state.result is None or state.unrefined is not None:
            return None
        phrases = reads_phrases(state.text, self.settings.phrases)
        version, text = state.version, state.text
        while (got := await self.worker.refine(uri, (state.result, state.raw_findings), phrases,
                                               self.settings.threshold)) is None:
            if not self.worker.was_preempted(uri) or self._changed(uri, version, text):
                return None
            await self._quiet()  # made way for an edit elsewhere: wait until the editing pauses
        if self._changed(uri, version, text) or state.version != version or state.text != text:
            return None
        state.unrefined = state.raw_findings
        state.result, state.raw_findings = got
        self.refilter(state)
        if state.findings != state.shown:
            self.publish(state)
        return state

    async def _quiet(self) -> None:
        """Return once no document has been edited for ``SETTLE_DELAY`` seconds."""
        while (idle := time.monotonic() - self._last_edit) < SETTLE_DELAY:
            await asyncio.sleep(SETTLE_DELAY - idle)

    async def analyze(self, uri: str, refit: bool = False) -> DocumentState | None:
        """Fresh state for the document's current version, or None if it changed meanwhile or is closed.

        The engine keeps an edited document's channel while edits are small; ``refit`` fits it afresh.
        A request preempted by an edit to another document is asked again behind it.
        """
        doc = self.documents.get(uri)
        if doc is None:  # never opened, or closed: nothing is read from disk
            return None
        text, version, language = doc.text, doc.version, doc.language_id or "plaintext"
        state = self.states.setdefault(uri, DocumentState(uri))
        if state.version == version and state.text == text and version is not None and not refit:
            return state
        findings: list[Finding] = []
        result: int | None = None
        if self.settings.enables(language):
            if len(text) > self.settings.max_file_size:
                self.window_log_message(types.LogMessageParams(
                    types.MessageType.Warning,
                    f"unspin: {uri} has {len(text):,} characters, over maxFileSize "
                    f"({self.settings.max_file_size:,}); not checked"))
            else:
                base = (state.result, state.raw_findings) if state.result is not None else None
                urgent = not refit
                while (got := await self.worker.analyze(text, self.settings.threshold, uri, refit, base,
                                                        urgent, language)) is None:
                    if self._changed(uri, version, text):
                        return None
                    urgent = False  # preempted by an edit elsewhere (a refit too): ask again behind it
                result, findings = got
        if self._changed(uri, version, text):
            return None
        state.version, state.text, state.raw_findings, state.result = version, text, findings, result
        state.unrefined = None
        state.positions = doc.positions(self.encoding)
        self.refilter(state)
        return state

    def _changed(self, uri: str, version: int | None, text: str) -> bool:
        """The document was edited or closed since ``version`` was read."""
        current = self.documents.get(uri)
        return uri not in self.states or current is None or current.version != version or current.text != text

    def refilter(self, state: DocumentState) -> None:
        allowed = self.settings.allowlist | self.workspace_allowlist | state.ignored
        found = state.raw_findings
        if self.fingerprints is not None:
            found = merge_phrases(found, self.fingerprints.find(state.text), overrule=True)
        findings = [f for f in found if f.text.lower() not in allowed]
        if findings != state.findings or state.revision == 0:
            state.revision = next(_revisions)
        state.findings = findings

    def diagnostics(self, state: DocumentState) -> list[types.Diagnostic]:
        assert state.positions is not None
        severity = self.settings.diagnostic_severity
        if severity != state.severity:
            state.severity, state.revision = severity, next(_revisions)
        return state.published.build(state.findings, state.positions, severity)

    def publish(self, state: DocumentState) -> None:
        diagnostics = self.diagnostics(state)
        state.shown = list(state.findings)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=state.uri, version=state.version, diagnostics=diagnostics))

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Unreadable JSON gets its ParseError response; other errors are shown as pygls shows them."""
        if isinstance(error, json.JSONDecodeError) and isinstance(self.protocol, UnspinProtocol):
            self.protocol.parse_error(error)
            return
        super().report_server_error(error, source)

    def edit(self, uri: str, findings: list[Finding], state: DocumentState) -> types.WorkspaceEdit:
        """An edit replacing ``findings`` by their first suggestions; with the document's version where
        the client takes ``documentChanges``, so that it refuses the edit on a newer text."""
        assert state.positions is not None
        edits = diag.replace_edits(findings, state.positions)
        return self.workspace_edit(uri, state.version, edits)

    def workspace_edit(self, uri: str, version: int | None, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
        ws = self.client_capabilities.workspace
        if ws and ws.workspace_edit and ws.workspace_edit.document_changes:
            return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(
                types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version), list(edits))])
        return types.WorkspaceEdit(changes={uri: list(edits)})

    def reanalyze_all(self) -> None:
        """Analyse every open document again (settings changed): what runs for the old settings stops."""
        for state in self.states.values():
            state.version = None
            self.worker.interrupt(state.uri)
            self.schedule(state.uri, 0)

    def apply_settings(self, raw: object) -> None:
        self.settings = self.settings.merged(raw)
        self.load_fingerprints()
        self.reanalyze_all()

    def load_fingerprints(self) -> None:
        """The ``fingerprints`` setting's list (relative to the workspace root); an unusable file is
        shown to the user once and leaves no list."""
        path = self.settings.fingerprints
        if path == self._fingerprints_path:
            return
        self._fingerprints_path, self.fingerprints = path, None
        if not path:
            return
        full = Path(path).expanduser()
        if not full.is_absolute() and self.root is not None:
            full = self.root / full
        try:
            self.fingerprints = load_fingerprints(full)
        except (OSError, FingerprintError) as e:
            self.window_show_message(types.ShowMessageParams(
                types.MessageType.Warning, f"unspin: fingerprints {path}: {e}"))

    async def pull_configuration(self) -> None:
        try:
            result = await self.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section="unspin")]))
        except JsonRpcException as e:
            log.info("workspace/configuration unavailable: %s", e)
            return
        if result and isinstance(result[0], dict):
            self.apply_settings(result[0])


server = UnspinServer()


def _supports_configuration(ls: UnspinServer) -> bool:
    ws = ls.client_capabilities.workspace
    return bool(ws and ws.configuration)


@server.feature(types.INITIALIZE)
def initialize(ls: UnspinServer, params: types.InitializeParams) -> None:
    ls.settings = ls.settings.merged(params.initialization_options)
    forced = ls.settings.position_encoding
    ls.encoding = types.PositionEncodingKind(forced or ls.workspace.position_encoding or "utf-16")
    folders = params.workspace_folders or []
    root_uri = folders[0].uri if folders else params.root_uri
    if root_uri:
        path = to_fs_path(root_uri)
        ls.root = Path(path) if path else None
    ls.workspace_allowlist = read_workspace_allowlist(ls.root)
    ls.load_fingerprints()


@server.feature(types.SHUTDOWN)
def shutdown(ls: UnspinServer, params: None) -> None:
    ls.worker.shutdown()


@server.feature(types.INITIALIZED)
async def initialized(ls: UnspinServer, params: types.InitializedParams) -> None:
    if _supports_configuration(ls):
        await ls.pull_configuration()


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(ls: UnspinServer, params: types.DidChangeConfigurationParams) -> None:
    if isinstance(params.settings, dict) and params.settings:
        ls.apply_settings(params.settings)
    elif _supports_configuration(ls):
        await ls.pull_configuration()


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: UnspinServer, params: types.DidOpenTextDocumentParams) -> None:
    item = params.text_document
    if item.uri in ls.documents:  # opened again without a close: start afresh
        ls.close(item.uri)
    ls.documents[item.uri] = Document(item.uri, item.text, item.version, item.language_id or "plaintext")
    ls.states[item.uri] = DocumentState(item.uri)
    ls.worker.preempt(item.uri)  # the document the user just opened comes first
    ls.schedule(item.uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: UnspinServer, params: types.DidChangeTextDocumentParams) -> None:
    uri = params.text_document.uri
    doc = ls.documents.get(uri)
    if doc is None:  # e.g. Emacs after "save as": the change cannot be applied to a text never received
        log.warning("ignoring a change to %s, which was never opened", uri)
        return
    for change in params.content_changes:
        doc.apply(change, ls.encoding)
    doc.version = params.text_document.version
    ls.edited(uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: UnspinServer, params: types.DidSaveTextDocumentParams) -> None:
    if params.text_document.uri in ls.documents:
        ls.schedule(params.text_document.uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: UnspinServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.close(params.text_document.uri)
    ls.documents.pop(params.text_document.uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))


@server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC,
                types.DiagnosticOptions(identifier="unspin", inter_file_dependencies=False,
                                        workspace_diagnostics=False))
async def pull_diagnostics(ls: UnspinServer, params: types.DocumentDiagnosticParams):
    uri = params.text_document.uri
    state = await ls.analyze(uri)
    if state is None and uri in ls.states:  # edited while it was analysed: the client asks again
        raise JsonRpcContentModified(f"{uri} changed during analysis")
    if state is None:  # not open: nothing is read from disk
        return types.RelatedFullDocumentDiagnosticReport(items=[])
    items = ls.diagnostics(state)
    result_id = str(state.revision)
    if params.previous_result_id == result_id:
        return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
    return types.RelatedFullDocumentDiagnosticReport(items=items, result_id=result_id)


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: UnspinServer, params: types.HoverParams) -> types.Hover | None:
    state = ls.states.get(params.text_document.uri)
    if state is None or state.positions is None:
        return None
    offset = state.positions.offset(params.position)
    found = state.at(offset)
    if not found:
        return None
    f = found[0]
    text = diag.hover_markdown(f, state.text, state.sentence_span(f.start), state.findings)
    return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, text), state.positions.range(f.start, f.end))


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND]))
async def code_action(ls: UnspinServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    """Rebuilt from the document's findings, never from Diagnostic.data (some clients drop it)."""
    uri = params.text_document.uri
    state = await ls.analyze(uri)
    if state is None or state.positions is None:
        return []
    pm = state.positions
    only = params.context.only
    actions: list[types.CodeAction] = []

    def edit(findings: list[Finding]) -> types.WorkspaceEdit:
        return ls.edit(uri, findings, state)

    wants_quickfix = not only or any(k.startswith(types.CodeActionKind.QuickFix) for k in only)
    if wants_quickfix:
        start, end = pm.offset(params.range.start), pm.offset(params.range.end)
        for f in state.overlapping(start, end):
            d = diag.diagnostic(f, pm, ls.settings.diagnostic_severity)
            for k, s in enumerate(f.suggestions):
                actions.append(types.CodeAction(
                    title=f"Replace '{f.text}' with '{s.text}'", kind=types.CodeActionKind.QuickFix,
                    diagnostics=[d], is_preferred=k == 0,
                    edit=ls.workspace_edit(uri, state.version, [types.TextEdit(pm.range(f.start, f.end), s.text)])))
            s_start, s_end = state.sentence_span(f.start)
            in_sentence = [g for g in state.findings if s_start <= g.start and g.end <= s_end]
            if len(in_sentence) > 1:
                actions.append(types.CodeAction(title="Restore this sentence", kind=types.CodeActionKind.QuickFix,
                                                diagnostics=[d], edit=edit(in_sentence)))
            actions.append(types.CodeAction(
                title=f"Ignore '{f.text}' in this document", kind=types.CodeActionKind.QuickFix, diagnostics=[d],
                command=types.Command(title=f"Ignore '{f.text}'", command=IGNORE_WORD,
                                      arguments=[uri, f.text.lower()])))
            actions.append(types.CodeAction(
                title=f"Add '{f.text}' to the workspace allowlist", kind=types.CodeActionKind.QuickFix,
                diagnostics=[d],
                command=types.Command(title=f"Allow '{f.text}'", command=ALLOW_WORD, arguments=[f.text.lower()])))
    wants_fix_all = not only or any(FIX_ALL_KIND.startswith(k) or k.startswith(FIX_ALL_KIND) for k in only)
    if wants_fix_all and state.findings:
        actions.append(types.CodeAction(title="Restore all in this document", kind=FIX_ALL_KIND,
                                        edit=edit(state.findings)))
    return actions


@server.command(IGNORE_WORD)
def ignore_word(ls: UnspinServer, uri: str, word: str) -> None:
    state = ls.states.get(uri)
    if state is not None:
        state.ignored.add(word.lower())
        ls.refilter(state)
        ls.publish(state)


@server.command(ALLOW_WORD)
def allow_word(ls: UnspinServer, word: str) -> None:
    if ls.root is None:
        ls.settings = ls.settings.merged({"allowlist": sorted(ls.settings.allowlist | {word.lower()})})
    else:
        try:
            ls.workspace_allowlist = add_to_workspace_allowlist(ls.root, word)
        except (OSError, AllowlistError) as e:
            ls.window_show_message(types.ShowMessageParams(types.MessageType.Error, f"unspin: cannot save: {e}"))
            return
    for state in ls.states.values():
        if state.positions is not None:
            ls.refilter(state)
            ls.publish(state)
