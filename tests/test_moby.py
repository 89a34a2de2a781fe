"""The reversed Moby table: a spun word or phrase leads back to the headwords it may have replaced."""
from unspin.moby import shared_moby


def test_a_spun_word_leads_back_to_its_headword():
    moby = shared_moby()
    assert "random" in moby.originals("irregular")
    assert "artificial" in moby.originals("Counterfeit")  # any case


def test_a_phrase_leads_back_to_a_function_word():
    links = {link.original: link for link in shared_moby().links("in transit to")}
    assert "to" in links
    assert links["to"].log_q < 0  # a uniform pick from an entry of several items


def test_likeliest_originals_come_first_and_a_row_can_be_read_in_part():
    """A uniform pick from a small entry of a common headword is likelier than from a vast entry."""
    from unspin.lexicon import shared_lexicon

    unigram = shared_lexicon().log10_unigram
    links = [link for link in shared_moby().links("woodland") if " " not in link.original]
    joint = [link.log_q + unigram(link.original.lower()) for link in links]
    assert joint == sorted(joint, reverse=True)
    assert shared_moby().links("woodland", 5) == shared_moby().links("woodland")[:5]


def test_unknown_word_has_no_originals():
    assert shared_moby().originals("qqzzyx") == ()
