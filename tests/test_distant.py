import numpy as np
from unspin.candidates import Candidate
from unspin.decoder import Slot, SlotPosterior
from unspin.distant import Reach, rerank, share


def _reach(near: float, far: float) -> Reach:
    return Reach(near, far, np.array([far]), np.array([1.0]))


def test_a_spinner_that_takes_only_neighbours_has_no_distant_share():
    assert share([_reach(-3.0, -6.0) for _ in range(100)]) < 0.01
    assert share([]) == 0.0


def test_the_share_is_the_part_of_the_words_that_distant_originals_explain_far_better():
    reaches = [_reach(-3.0, -6.0)] * 70 + [_reach(-6.0, -2.0)] * 30
    assert 0.25 < share(reaches) < 0.35


def test_a_distant_original_comes_first_only_where_the_share_and_its_fit_warrant_it():
    def cand(word: str, relation: str) -> Candidate:
        return Candidate(word, word, "n", relation, "subordinate", -1.0, -4.0, False, "associate")

    near = cand("subject", "syn")
    post = SlotPosterior(Slot(0, "subordinate", "subordinate", (near,), 0.0, -5.0, False, False), 0.9,
                         ((near, 0.9),), 0.5)
    member = cand("member", "chain")
    fits = Reach(near=-4.0, far=-2.0, scores=np.array([-2.0]), gains=np.array([2.5]))
    first = rerank(post, fits, (member,), 0.1, 3)
    assert [c.word for c, _ in first.ranked] == ["member", "subject"]
    assert abs(sum(p for _, p in first.ranked) - 0.9) < 1e-9 and first.context_gain == 2.5
    assert rerank(post, fits, (member,), 0.001, 3).ranked[0][0].word == "subject"
    assert rerank(post, Reach(-2.0, -4.0, np.array([-4.0]), np.array([0.1])), (member,), 0.1, 3).ranked[0][0].word \
        == "subject"
