from laborgraph.load.quotes import find, find_all, normalise

TEXT = "\u201cPeople who have tried the Internet really want  phones,\u201d he said.\nThey\u2019ve tried."


def test_typographic_quotes_and_spacing_are_forgiven():
    start, end = find(TEXT, '"People who have tried the Internet really\n want phones,"')
    assert TEXT[start:end] == "\u201cPeople who have tried the Internet really want  phones,\u201d"


def test_apostrophes_match_either_way():
    start, end = find(TEXT, "They've tried.")
    assert TEXT[start:end] == "They\u2019ve tried."


def test_changed_words_do_not_match():
    assert find(TEXT, "People who tried the Internet") is None


def test_every_occurrence_is_reported():
    assert len(find_all("a b a b a", "a b")) == 2


def test_normalise_only_touches_space_and_quotes():
    assert normalise("  \u2018x\u2019\n\ty ") == "'x' y"
