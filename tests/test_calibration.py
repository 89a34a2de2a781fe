"""The confidence shown is a calibrated probability: the posterior through a monotone map fitted on benchmark
spinners (issue 12); which words are reported is unchanged."""
from __future__ import annotations

from conftest import SPUN

from unspin.calibration import CALIBRATED, POSTERIOR, calibrated
from unspin.engine import Engine, EngineSettings


def test_the_map_is_monotone_and_a_probability():
    grid = [i / 1000 for i in range(1001)]
    values = [calibrated(p) for p in grid]
    assert all(0.0 <= v <= 1.0 for v in values)
    assert all(a <= b for a, b in zip(values, values[1:]))
    assert list(POSTERIOR) == sorted(POSTERIOR) and list(CALIBRATED) == sorted(CALIBRATED)


def test_an_overconfident_posterior_is_shown_lower():
    """Benchmark findings the engine gives 0.5-0.6 are right about half the time or less, not 55 %."""
    assert calibrated(0.55) < 0.5
    assert calibrated(0.9) < 0.9
    assert calibrated(0.999) > calibrated(0.9) > calibrated(0.55)


def test_findings_are_the_same_words_with_calibrated_confidence(engine):
    raw = Engine(EngineSettings(calibrated=False)).analyze(SPUN, 0.05)
    shown = engine.analyze(SPUN, 0.05)
    assert [(f.start, f.end, f.best) for f in shown] == [(f.start, f.end, f.best) for f in raw]
    assert raw
    for a, b in zip(shown, raw):
        assert abs(a.confidence - calibrated(b.confidence)) < 1e-12
