"""HTML reader: the forms of a page title that name a story beside a longer full one.

A story kept in a ``<div>`` beside a longer full ``<article>`` is read only when the page's
title names it (``_own_story``). These pages show the titles real sites write: a leading
site or section name, several separators, a title cut short, a headline reworded a little;
and the near misses that must leave the page read as before.
"""

from __future__ import annotations

from test_html_reader_fixes import OTHER_FEATURE, assert_own_story, own_story_page, read_one

HEADLINE = "Bridge shut for nine weeks"


def other_feature(headline: str) -> str:
    """The longer full article beside the story, under another headline."""
    return OTHER_FEATURE.replace("Life on the Skarn rock", headline)


def assert_as_before(doc) -> None:
    """The title decided nothing: the longer article is read and the story beside it lost."""
    assert doc.text.endswith("and rainwater from the cistern."), doc.text[:200]
    assert "The river authority of Olsby" not in doc.text


def title(text: str) -> str:
    return f"<title>{text}</title>"


# -- leading site and section names, several separators ------------------------------------------


def test_a_leading_site_or_section_name_before_the_headline():
    for head in ("Olsby Courier | Bridge shut for nine weeks",
                 "Local news - Bridge shut for nine weeks",
                 "Olsby Courier | Local | Bridge shut for nine weeks",
                 "Local - Bridge shut for nine weeks - Olsby Courier"):
        assert_own_story(read_one(own_story_page(title(head))))
    # in og:title too, beside a <title> that is only the site's name
    head = '<title>Olsby Courier</title><meta property="og:title" content="Olsby Courier | Bridge shut for nine weeks">'
    assert_own_story(read_one(own_story_page(head)))


def test_a_colon_and_a_single_angle_quote_separate_a_leading_name():
    assert_own_story(read_one(own_story_page(title("Olsby Courier: Bridge shut for nine weeks"))))
    assert_own_story(read_one(own_story_page(title("Olsby Courier › Local › Bridge shut for nine weeks"))))


def test_a_trailing_site_name_that_is_not_the_site_name_given_in_og_site_name():
    # already read before the leading-name rule: any part after a separator may be dropped
    head = (title("Bridge shut for nine weeks - Local - The Olsby Courier Online")
            + '<meta property="og:site_name" content="Olsby Courier">')
    assert_own_story(read_one(own_story_page(head)))


def test_a_part_of_the_title_shorter_than_its_headline_names_no_story():
    # the story's heading is a section name; the title's longest part is another headline, so
    # its section and site names are no forms of it: the page is read as before
    head = title("Keepers' logbooks go on show - Features - Olsby Courier")
    assert_as_before(read_one(own_story_page(head, heading="Features")))
    assert_as_before(read_one(own_story_page(head, heading="Olsby Courier")))


def test_the_words_before_a_colon_alone_name_no_story():
    # "Skarn rock: ..." is a kicker, not a headline: the feature headed "Skarn rock" is not
    # named, so the story alone is, and is read
    head = title("Skarn rock: Bridge shut for nine weeks | Olsby Courier")
    assert_own_story(read_one(own_story_page(head, other=other_feature("Skarn rock"))))


# -- a title cut short ---------------------------------------------------------------------------


def test_a_title_cut_short_by_an_ellipsis_names_the_headline_it_starts():
    heading = "Bridge shut for nine weeks while divers replace its bearings"
    for head in ("Bridge shut for nine weeks while divers repl… | Olsby Courier",
                 "Bridge shut for nine weeks while divers...",
                 "Olsby Courier | Bridge shut for nine weeks while…"):
        doc = read_one(own_story_page(title(head), heading=heading))
        assert doc.text.startswith(heading) and "Skarn" not in doc.text, head


def test_a_title_cut_to_fewer_than_four_words_names_no_story():
    heading = "Bridge shut for nine weeks while divers replace its bearings"
    assert_as_before(read_one(own_story_page(title("Bridge shut for… | Olsby Courier"), heading=heading)))


def test_a_cut_title_that_starts_both_headlines_names_neither():
    head = title("Bridge shut for nine… | Olsby Courier")
    assert_as_before(read_one(own_story_page(head, other=other_feature("Bridge shut for nine days in June"))))


# -- a headline reworded a little ----------------------------------------------------------------


def test_a_headline_with_a_kicker_or_a_word_or_two_added_or_dropped_is_named():
    page_title = title("Bridge shut for nine weeks | Olsby Courier")
    for heading in ("Analysis: bridge shut for nine weeks",  # a kicker
                    "Swing bridge shut for nine weeks",  # a word added
                    "Bridge shut for weeks"):  # a word dropped
        doc = read_one(own_story_page(page_title, heading=heading))
        assert doc.text.startswith(heading) and "Skarn" not in doc.text, heading
    # two words added in the title, which is only og:title
    head = '<meta property="og:title" content="Old swing bridge to shut for nine weeks">'
    doc = read_one(own_story_page(head, heading="Swing bridge shut for nine weeks"))
    assert doc.text.startswith("Swing bridge shut for nine weeks") and "Skarn" not in doc.text


def test_a_headline_of_other_words_on_the_same_subject_is_not_named():
    page_title = title("Bridge shut for nine weeks | Olsby Courier")
    for heading in ("Bridge open for nine weeks",  # one word in five replaced: 4 shared of 6
                    "Bridge now shut for nine more weeks",  # a follow-up: 5 shared of 7
                    "Bridge reopens after nine weeks",
                    "Bridge shut"):
        assert_as_before(read_one(own_story_page(page_title, heading=heading)))


def test_two_headlines_that_are_the_title_after_its_leading_name_name_neither():
    page = own_story_page(title("Olsby Courier | Bridge shut for nine weeks"), other=other_feature(HEADLINE))
    assert_as_before(read_one(page))


def test_two_headlines_similar_to_the_title_name_neither():
    page_title = title("Bridge shut for nine weeks | Olsby Courier")
    page = own_story_page(page_title, heading="Analysis: bridge shut for nine weeks",
                          other=other_feature("Swing bridge shut for nine weeks"))
    assert_as_before(read_one(page))


def test_a_headline_that_is_the_title_outranks_one_only_similar_to_it():
    page_title = title("Bridge shut for nine weeks | Olsby Courier")
    doc = read_one(own_story_page(page_title, other=other_feature("Swing bridge shut for nine weeks")))
    assert_own_story(doc)


def test_a_title_naming_neither_story_leaves_the_page_as_before():
    for head in ("Olsby Courier | Local news", "Ferry timetable for the summer - Olsby Courier",
                 "Olsby Courier: Ferry timetable…"):
        assert_as_before(read_one(own_story_page(title(head))))


def test_a_title_of_thousands_of_parts_is_read_in_time():
    import time

    head = title(" | ".join(f"Part {i}" for i in range(3000)) + " | Bridge shut for nine weeks")
    start = time.perf_counter()
    doc = read_one(own_story_page(head))
    assert time.perf_counter() - start < 5  # a few milliseconds: only its first parts are split
    assert_as_before(doc)  # the headline is past the parts compared
