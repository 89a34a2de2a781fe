"""Carry the observed word's case pattern over to its replacement."""


def match_case(template: str, word: str) -> str:
    """'Successful' -> 'In', 'HELIUM' -> 'HE', 'helium' -> 'he'."""
    if len(template) > 1 and template.isupper():
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
