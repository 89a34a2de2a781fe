"""The confidence a finding shows: the engine's posterior mapped to the share of such findings that are right.

The posterior (``decoder``, ``sections``) is the probability of a substitution under the engine's own
model, which is sure of itself where its assumptions fail: on our benchmark spinners, findings it gives
0.5-0.6 are on a replaced word 38 % of the time, those it gives 0.99 or more 88 %.  So the confidence
reported is the posterior passed through a monotone map fitted by isotonic regression on benchmark
spinner output (``benchmarks/calibrate.py``; docs/benchmarks.md says on which texts and how): a
piecewise-linear curve through the knots below.  Being monotone, it changes no ranking; which words the
engine reports is still decided on the posterior (``EngineSettings.threshold``).  The neural model's
second opinion (``refine.judged``) starts from this confidence and decides on its own result.
"""
from __future__ import annotations

from bisect import bisect_right

# (posterior, share correct) knots: the mean posterior of each bin of findings and the isotonic fit there.
POSTERIOR = (0.0, 0.0718, 0.1438, 0.2461, 0.3477, 0.4489, 0.5491, 0.6493, 0.751, 0.8528, 0.9271, 0.9741, 0.9956,
             0.9997)
CALIBRATED = (0.0, 0.202, 0.258, 0.334, 0.392, 0.456, 0.482, 0.55, 0.586, 0.637, 0.707, 0.788, 0.901, 0.977)


def calibrated(posterior: float) -> float:
    """The probability that a finding with this engine ``posterior`` is on a substituted word."""
    xs, ys = POSTERIOR, CALIBRATED
    if posterior <= xs[0]:
        return ys[0] * posterior / xs[0] if xs[0] > 0 else ys[0]
    if posterior >= xs[-1]:
        return ys[-1]
    i = bisect_right(xs, posterior) - 1
    t = (posterior - xs[i]) / (xs[i + 1] - xs[i])
    return ys[i] + t * (ys[i + 1] - ys[i])
