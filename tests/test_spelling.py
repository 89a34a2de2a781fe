from unspin.spelling import american

BRITISH = (
    "The old lighthouse stands 45 metres above the harbour, and its lamp can be seen from 30 kilometres out to "
    "sea. The keepers painted the tower in bright colours every summer, and the village centre grew up around "
    "the quay. In the 1890s the council organised a programme of repairs, and the harbour walls were raised by "
    "two metres after a storm flooded the theatre and the market. Today the neighbouring fishermen still favour "
    "the old slipway, and visitors travel from across the region to see the grey stone tower.")


def test_british_spellings_turn_american():
    pairs = {"colours": "colors", "centre": "center", "organised": "organized", "organisation": "organization",
             "analyse": "analyze", "defence": "defense", "traveller": "traveler", "palaeontologist":
             "paleontologist", "catalogue": "catalog", "programme": "program", "towards": "toward", "grey": "gray"}
    assert {w: american(w) for w in pairs} == pairs


def test_words_that_only_look_british_are_left_alone():
    for word in ("four", "hour", "more", "here", "filled", "rewards", "does", "shoe", "wise", "fence", "timbre"):
        assert american(word) == word


def test_the_model_reads_an_american_spelling_only_where_it_knows_it_far_better(engine):
    model = engine.model
    assert model.reading("metres") == "meters"
    assert model.reading("flour") == "flour"  # "flor" is no word the model knows
    assert model.reading("meters") == "meters"


def test_british_prose_raises_no_alarm(engine):
    """The American-trained model once took 'metres' for a rare word that 'feet' would replace."""
    assert engine.analyze(BRITISH, 0.2) == []
