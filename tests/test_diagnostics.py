from lsprotocol import types
from pygls.protocol import default_converter
from unspin.findings import Finding, Suggestion
from unspin.lsp import diagnostics as diag
from unspin.lsp.positions import PositionMap

WARNING = types.DiagnosticSeverity.Warning


def _finding(start: int, word: str) -> Finding:
    return Finding(start, start + len(word), word, 0.9, (Suggestion("he", 0.8, "rel"),), "evidence")


def test_fast_unstructure_matches_lsprotocol():
    d = diag.diagnostic(_finding(3, "helium"), PositionMap("an helium 😀 x", types.PositionEncodingKind.Utf16), WARNING)
    tagged = types.Diagnostic(range=d.range, message="m", tags=[types.DiagnosticTag.Unnecessary])
    for item in (d, tagged):
        assert diag.converter().unstructure(item) == default_converter().unstructure(item)


def test_unmoved_diagnostics_are_reused_and_moved_ones_rebuilt():
    cache = diag.DiagnosticCache()
    text = "helium said\noregon too"
    first = cache.build([_finding(0, "helium"), _finding(12, "oregon")], PositionMap(text, "utf-16"), WARNING)
    edited = "helium  said\noregon too"  # a space inserted on the first line only
    second = cache.build([_finding(0, "helium"), _finding(13, "oregon")], PositionMap(edited, "utf-16"), WARNING)
    assert second[0] is first[0] and second[1] is first[1]  # same lines and columns: nothing to rebuild
    moved = "x helium said\noregon too"
    third = cache.build([_finding(2, "helium"), _finding(14, "oregon")], PositionMap(moved, "utf-16"), WARNING)
    assert third[0] is not second[0] and third[0].range.start.character == 2
    assert third[1] is second[1]
