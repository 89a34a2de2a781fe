import numpy as np
from unspin.candidates import Candidate
from unspin.decoder import Slot, SlotPosterior
from unspin.distant import Evidence, Reach, rerank, share, weigh


def _cand(word: str, relation: str, log_q: float = -1.0) -> Candidate:
    return Candidate(word, word, "n", relation, "subordinate", log_q, -4.0, False, "associate")


def _evidence(near: float, far: float) -> Evidence:
    return Evidence(near, far, np.array([far]))


def test_a_spinner_that_takes_only_neighbours_has_no_distant_share():
    assert share([_evidence(-3.0, -6.0) for _ in range(100)]) < 0.01
    assert share([]) == 0.0


def test_the_share_is_the_part_of_the_words_that_distant_originals_explain_far_better():
    evidence = [_evidence(-3.0, -6.0)] * 70 + [_evidence(-6.0, -2.0)] * 30
    assert 0.25 < share(evidence) < 0.35


def test_occurrences_of_a_word_pool_their_context_but_count_the_channel_once():
    near, far = (_cand("subject", "syn", -1.0),), (_cand("member", "chain", -3.0),)
    once = Reach("subordinate", near, far, np.array([-2.0]), np.array([-1.0]), np.array([1.0]))
    pooled = weigh([once, once, once])
    assert np.isclose(pooled.near, -1.0 - 6.0) and np.isclose(pooled.far, -3.0 - 3.0)
    assert pooled.far > pooled.near and weigh([once]).far < weigh([once]).near


def test_a_distant_original_comes_first_only_where_the_share_and_its_fit_warrant_it():
    near = _cand("subject", "syn")
    post = SlotPosterior(Slot(0, "subordinate", "subordinate", (near,), 0.0, -5.0, False, False), 0.9,
                         ((near, 0.9),), 0.5)
    found = Reach("subordinate", (near,), (_cand("member", "chain"),), np.array([-3.0]), np.array([-1.0]),
                  np.array([2.5]))
    fits = Evidence(near=-4.0, far=-2.0, scores=np.array([-2.0]))
    first = rerank(post, found, fits, 0.1, 3)
    assert [c.word for c, _ in first.ranked] == ["member", "subject"]
    assert abs(sum(p for _, p in first.ranked) - 0.9) < 1e-9 and first.context_gain == 2.5
    assert rerank(post, found, fits, 0.001, 3).ranked[0][0].word == "subject"
    assert rerank(post, found, _evidence(-2.0, -4.0), 0.1, 3).ranked[0][0].word == "subject"


def test_the_decoded_context_scores_a_words_distant_originals(engine):
    from unspin.distant import reach

    gen = engine._candidates()
    cands = gen.candidates("subordinate")
    slot = Slot(2, "subordinate", "subordinate", cands, 0.0, engine.model.logp("subordinate", "", ""), False, False)
    post = SlotPosterior(slot, 0.9, ((cands[0], 0.9),), 0.0)
    found = reach(engine.model, post, gen.distant("subordinate") + cands[:1], ["a", "nato", "subordinate", "met"], 0.9)
    assert not {c.word for c in found.distant} & {c.word for c in cands}
    assert found.gains[[c.word for c in found.distant].index("member")] > 1.0
    assert found.word == ("subordinate", cands)
