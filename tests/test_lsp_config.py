"""The server's one settings model: bounds, types, and the settings new with phase 2 and ALE."""
import pytest
from unspin.lsp.config import MAX_DEBOUNCE_MS, Settings


@pytest.mark.parametrize("raw", [
    {"debounceMs": 1e12}, {"debounceMs": -1}, {"debounceMs": "soon"}, {"debounceMs": float("inf")},
    {"debounceMs": float("nan")}, {"debounceMs": True}, {"debounceMs": [5]}, {"maxFileSize": 1e15},
    {"maxFileSize": None}, {"threshold": 2}, {"threshold": "nan"}, {"model": "gpt"}, {"positionEncoding": "latin-1"},
    {"severity": "fatal"}, {"languages": "markdown"}, {"allowlist": 5},
])
def test_bad_values_are_ignored_and_the_rest_applied(raw):
    assert Settings().merged(raw) == Settings()
    assert Settings().merged({**raw, "debounceMs": 20}).debounce_ms == 20  # the good one beside it applies


def test_good_values_apply_within_bounds():
    s = Settings().merged({"unspin": {"debounceMs": MAX_DEBOUNCE_MS, "maxFileSize": "1000", "model": "Trigram",
                                      "positionEncoding": "utf-8", "threshold": 0.7}})
    assert (s.debounce_ms, s.max_file_size, s.model, s.position_encoding, s.threshold) == (
        MAX_DEBOUNCE_MS, 1000, "trigram", "utf-8", 0.7)
    assert Settings().model == "neural" and Settings().position_encoding is None


def test_the_phrase_pass_is_a_setting_auto_by_default_as_on_the_command_line():
    from unspin.lsp.config import Settings

    assert Settings().phrases == "auto"
    assert Settings().merged({"phrases": True}).phrases == "always"  # the setting's first, boolean form
    assert Settings().merged({"phrases": False}).phrases == "never"
    assert Settings().merged({"phrases": "Never"}).phrases == "never"
    assert Settings().merged({"phrases": "yes"}).phrases == "auto"  # not a mode: ignored


def test_fingerprints_is_a_path_setting():
    assert Settings().fingerprints == ""
    assert Settings().merged({"fingerprints": "lists/pps.csv"}).fingerprints == "lists/pps.csv"
    assert Settings().merged({"fingerprints": 5}).fingerprints == ""


def test_phase_two_reranks_words_and_looks_for_phrases_only_when_asked():
    from unspin import refine
    from unspin.lsp.worker import _refiner

    assert _refiner() is refine.refine_words
    assert _refiner(phrases=True) is refine.refine
