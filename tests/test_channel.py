import numpy as np
from unspin.candidates import Candidate
from unspin.channel import RELATIONS, ChannelParams, DocumentChannel, Vocabulary, _with_topic, document_probability
from unspin.decoder import Slot

DEMAND_TEXT = (
    "Officials said helium volition not beryllium able to attend the meeting, and they tin not hold connected a "
    "caller date oregon time. Russia demanded that the alliance stop its expansion, and the demands were rejected. "
    "The main request of Moscow is that Ukraine volition ne'er articulation the alliance. Diplomats said the request "
    "was a non-starter, and helium said the demands tin not beryllium met. Officials said they would reply to the "
    "request successful writing.")


def test_vocabulary_counts_forms_and_their_lemmas():
    lemma = {"demands": "demand", "demanded": "demand"}.get
    vocab = Vocabulary.count(["demands", "the", "demanded", "the", "demand"], lambda w: lemma(w) or w)
    assert vocab.forms["the"] == 2 and vocab.lemmas["demand"] == 3 and vocab.total == 5


def test_topic_favours_a_rare_word_the_document_uses_over_a_common_one():
    p = ChannelParams()
    share = 4 / 1000
    rare, common = p.topic(share, -4.5), p.topic(share, -2.0)
    assert rare > 0.5 and abs(common) < 0.05
    assert p.topic(0.0, -4.5) < 0.0  # a word the document never uses loses a little


def test_kin_never_counts_against_keeping_a_word():
    p = ChannelParams()
    assert p.kin(0.0, -4.0) == 0.0
    assert p.kin(3 / 1000, -4.0) > 0.5


def test_topic_reorders_candidates_but_keeps_their_total():
    scores = np.array([[-1.0, -1.5, -3.0]])
    out = _with_topic(scores, np.array([[0.0, 1.0, 0.0]]))
    assert np.argmax(out) == 1
    assert np.isclose(np.sum(10 ** out), np.sum(10 ** scores))


def test_the_documents_own_words_choose_the_original(engine):
    """'request' stands for 'demand' in a text that keeps 'demands' and 'demanded'; and those stay unflagged."""
    found = engine.analyze(DEMAND_TEXT, 0.1)
    first = next(f for f in found if f.text == "request")
    assert first.best == "demand"
    assert not [f for f in found if f.text.startswith("demand")]


def test_a_long_document_spun_at_a_low_rate_is_judged_spun_and_a_short_one_needs_more():
    per_word = 0.06  # nats of spinner evidence per candidate word, as in text with one word in twelve spun
    assert document_probability(per_word * 2000, 2000) > 0.99
    assert document_probability(per_word * 20, 20) < 0.05
    assert document_probability(0.0, 2000) < 1e-6  # clean prose: the evidence sums to about zero


def _slot(i: int, relations: tuple[str, ...]) -> Slot:
    cands = tuple(Candidate(f"{rel}{i}", f"{rel}{i}", "n", rel, f"obs{i}", -1.0, -4.0, False) for rel in relations)
    return Slot(0, f"obs{i}", f"obs{i}", cands, 0.0, -5.0, False, False)


def test_the_document_learns_which_thesaurus_relations_its_spinner_uses():
    """Where the context settles it, the originals are synonyms and never broader terms: so where the
    context cannot tell, the synonym is the likelier original."""
    clear = [(_slot(i, ("syn", "hyper")), [3.0, 0.0]) for i in range(30)]
    unclear = (_slot(99, ("syn", "hyper")), [2.0, 2.0])
    evidence = [*clear, unclear]
    vocabulary = Vocabulary.count([s.observed for s, _ in evidence], str)
    channel = DocumentChannel(ChannelParams(), 1.0).fit(evidence, vocabulary)
    assert channel.relation_lift[RELATIONS["syn"]] > 1.0 > channel.relation_lift[RELATIONS["hyper"]]
    _, ((syn, hyper),) = channel.posteriors([unclear])
    assert syn > 1.5 * hyper


def test_the_document_learns_whether_its_spinner_keeps_one_replacement_per_word():
    """One spinner writes the same word for every use of an original, another draws afresh each time:
    the tie of a word's replacement to the thesaurus is weak for the first and strong for the second."""
    from unspin.channel import CHOICE_STRENGTHS

    def fitted(observed: list[str]) -> DocumentChannel:
        evidence = []
        for i, obs in enumerate(observed):
            cand = Candidate("big", "big", "a", "syn", obs, -1.0, -4.0, False)
            evidence.append((Slot(0, obs, obs, (cand,), 0.0, -5.0, False, False), [3.0 + 0.1 * i]))  # not repeats
            cand = Candidate(f"w{i}", f"w{i}", "n", "syn", f"o{i}", -1.0, -4.0, False)
            evidence.append((Slot(0, f"o{i}", f"o{i}", (cand,), 0.0, -5.0, False, False), [3.0]))
        vocabulary = Vocabulary.count([s.observed for s, _ in evidence], str)
        return DocumentChannel(ChannelParams(), 1.0).fit(evidence, vocabulary)

    assert fitted(["large"] * 10).choice_strength == CHOICE_STRENGTHS[0]
    assert fitted([f"large{i}" for i in range(10)]).choice_strength == CHOICE_STRENGTHS[-1]


def test_boilerplate_is_one_piece_of_evidence_not_one_per_line(engine):
    """'Patch by ...' closing every line of release notes once read as 'Piece by ...' spun 17 times."""
    names = ["Ann Lee", "Bo Chen", "Cy Diaz", "Di Fox", "Ed Gray", "Flo Hunt", "Gus Ives", "Hal Jones", "Ida Kern",
             "Jo Lund", "Kim Moss", "Lou Nash", "Max Ortiz", "Ned Pike", "Oz Quinn", "Pat Ross", "Quincy Su"]
    fixes = ["Fix a crash when the window is closed", "Fix the colour of the status bar", "Add a test for the editor",
             "Fix a hang when the file is saved", "Make the dialog remember its size", "Fix the copy of wrapped lines"]
    notes = "\n".join(f"{fixes[i % len(fixes)]}. Patch by {name}." for i, name in enumerate(names))
    spun = ("Officials said helium volition not beryllium able to attend the meeting, and they tin not hold connected "
            "a caller date oregon time. Analysts expected the talks to proceed astatine the summit, but officials said "
            "they would beryllium difficult successful the coming weeks.")
    found = {f.text for f in engine.analyze(spun + "\n" + notes + "\n")}
    assert {"helium", "volition", "astatine", "successful"} <= found
    assert not found & {"Patch", "Fix", "wrapped"}


def test_a_clean_document_of_boilerplate_is_judged_clean(engine):
    """Six hundred 'Patch by ...' lines once added up to the evidence of a spun document."""
    first = ["Ann", "Bo", "Cy", "Di", "Ed", "Flo", "Gus", "Hal", "Ida", "Jo", "Kim", "Lou", "Max", "Ned"]
    last = ["Lee", "Chen", "Diaz", "Fox", "Gray", "Hunt", "Ives", "Jones", "Kern", "Lund", "Moss", "Nash"]
    fixes = ["Fix a crash when the window is closed", "Fix the color of the status bar", "Add a test for the editor",
             "Fix a hang when the file is saved", "Make the dialog remember its size", "Remove an unused import"]
    text = "\n".join(f"{fixes[i % 6]}. Patch by {first[i % 14]} {last[i % 12]}." for i in range(600))
    assert engine.channel(text).doc_probability < 0.01


def test_a_sentence_edited_in_after_the_fit_is_judged_by_the_documents_counts():
    """The fitted document spins 'obs' to 'orig' throughout: 'obs' in a new sentence is suspect even
    where its context says nothing, while a word the document never had is judged by the rates alone."""
    def slot(observed: str, original: str) -> Slot:
        cand = Candidate(original, original, "n", "syn", observed, -1.0, -4.0, False)
        return Slot(0, observed, observed, (cand,), 0.0, -5.0, False, False)

    evidence = [(slot("obs", "orig"), [3.0 + i / 100]) for i in range(20)]  # in contexts of their own
    evidence += [(slot(f"kept{i}", f"alt{i}"), [-2.0]) for i in range(40)]
    vocabulary = Vocabulary.count([s.observed for s, _ in evidence], str)
    channel = DocumentChannel(ChannelParams(), 1.0).fit(evidence, vocabulary)
    spun, _ = channel.posteriors([(slot("obs", "orig"), [0.0]), (slot("fresh", "new"), [0.0])])
    assert spun[0] > 10 * spun[1] and spun[1] < 0.05
    fitted, _ = channel.posteriors(evidence[:1])
    assert fitted[0] > 0.9


def test_a_sentence_without_suspect_words_decodes_to_nothing(engine):
    from unspin.decoder import decode

    channel = DocumentChannel(ChannelParams(), 1.0)
    assert decode(engine.model, ("the", "end"), (), [], channel, 3) == []


def test_a_slot_made_after_a_fitted_one_was_freed_is_not_read_as_that_one():
    """Rows were keyed by ``id(slot)``: once the engine's caches freed fitted slots, new slots at the
    same addresses were given the freed slots' verdicts."""
    def slot(observed: str, original: str) -> Slot:
        cand = Candidate(original, original, "n", "syn", observed, -1.0, -4.0, False)
        return Slot(0, observed, observed, (cand,), 0.0, -5.0, False, False)

    evidence = [(slot(f"obs{i}", f"orig{i}"), [4.0]) for i in range(200)]
    evidence += [(slot(f"kept{i}", f"alt{i}"), [-2.0]) for i in range(200)]
    vocabulary = Vocabulary.count([s.observed for s, _ in evidence], str)
    channel = DocumentChannel(ChannelParams(), 1.0).fit(evidence, vocabulary)
    expected = channel.posteriors([(slot("plain", "other"), [-2.0])])[0][0]
    del evidence
    for _ in range(2000):
        got = channel.posteriors([(slot("plain", "other"), [-2.0])])[0][0]
        assert got == expected


def test_the_document_says_whether_its_spinner_draws_on_moby():
    """The words a spinner replaced are explained by the thesaurus it drew on; a word only Moby reaches
    does not count against a spinner that never used Moby."""
    from unspin.channel import MOBY_SHARES, eligibility, moby_share

    weights = np.ones(40)
    thesaurus_spun = np.array([50.0] * 10 + [0.5] * 30), np.array([0.5] * 10 + [0.5] * 30)
    moby_spun = np.array([0.5] * 10 + [0.5] * 30), np.array([50.0] * 10 + [0.5] * 30)
    assert moby_share(*thesaurus_spun, weights) == MOBY_SHARES[0]
    assert moby_share(*moby_spun, weights) >= 0.6
    assert list(eligibility(np.array([0.0, 2.0]), 0.02)) == [0.02, 1.0]


def test_a_link_both_thesauri_list_explains_a_moby_spinners_word():
    """A thesaurus synonym that Moby also lists is counted under both sources: a spinner that draws
    mostly on Moby explains it by the Moby link, not by the tenth of its picks left to the thesaurus."""
    from unspin.channel import source_log_q, spin_explanations

    both = Candidate("city", "city", "n", "syn", "metropolis", -0.3, -3.5, False, log_q_moby=-2.0)
    only = Candidate("city", "city", "n", "syn", "metropolis", -0.3, -3.5, False)
    def slot(cand: Candidate) -> Slot:
        return Slot(0, "metropolis", "metropolis", (cand,), 0.0, -5.0, False, False)

    by_thesaurus, by_moby = spin_explanations([(slot(both), [2.0])])
    assert by_thesaurus[0] > 0 and by_moby[0] > 0
    assert spin_explanations([(slot(only), [2.0])])[1][0] == 0.0
    assert source_log_q(both, 0.9) > source_log_q(only, 0.9)
    assert abs(source_log_q(only, 0.9) - (-0.3 - 1.0)) < 1e-9


def test_a_long_fit_can_be_abandoned_every_few_hundred_words():
    """The fit polls its caller often enough that an edit elsewhere is not kept waiting: at least once
    per 512 slots while its table is built and per block of every E-step."""
    evidence = [(_slot(i, ("syn", "hyper")), [1.0, 0.0]) for i in range(8192)]
    vocabulary = Vocabulary.count([s.observed for s, _ in evidence], str)
    polls = []
    DocumentChannel(ChannelParams(), 1.0).fit(evidence, vocabulary, lambda: polls.append(1))
    per_pass = len(evidence) // 4096  # E-step blocks
    assert len(polls) >= len(evidence) // 512 + ChannelParams().em_iterations * (1 + per_pass)
