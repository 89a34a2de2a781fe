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


def test_smallest_entries_come_first():
    sizes = [link.size for link in shared_moby().links("woodland")]
    assert sizes == sorted(sizes)


def test_unknown_word_has_no_originals():
    assert shared_moby().originals("qqzzyx") == ()
