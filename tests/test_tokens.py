from unspin.tokens import tokenize


def test_offsets_are_exact_code_points():
    text = "Café 🎉 naïve—words’ end. Next"
    for tok in tokenize(text):
        assert text[tok.start:tok.end] == tok.text


def test_kinds_numbers_urls_emails():
    toks = tokenize("Mail a.b@example.org or see https://example.com/x?y=1, 100,000 troops.")
    kinds = {t.text: t.kind for t in toks}
    assert kinds["a.b@example.org"] == "email"
    assert kinds["https://example.com/x?y=1"] == "url"
    assert kinds["100,000"] == "number"
    assert kinds["troops"] == "word"


def test_sentences_and_paragraphs():
    toks = tokenize("Dr. Smith came. He left!\n\nNew paragraph here")
    by_word = {t.text: t for t in toks if t.is_word}
    assert by_word["Smith"].sentence == by_word["Dr"].sentence  # abbreviation does not end a sentence
    assert by_word["He"].sentence == by_word["came"].sentence + 1
    assert by_word["New"].paragraph == by_word["He"].paragraph + 1


def test_apostrophes_stay_inside_words():
    words = [t.text for t in tokenize("Russia’s don't") if t.is_word]
    assert words == ["Russia’s", "don't"]
