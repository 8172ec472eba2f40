"""Cleaning mention text: mojibake, HTML to text, safe HTML, odd and oversized input."""

import time

from klankbord.listening.cleaning import (
    ELLIPSIS,
    MAX_LENGTH,
    clean_text,
    looks_like_html,
    safe_html,
    truncate,
)

MASTODON_STATUS = (
    '<p>Hallo <span class="h-card"><a href="https://mastodon.social/@bakker" '
    'class="u-url mention">@<span>bakker</span></a></span></p><p>tweede</p>'
)


def test_mojibake_is_repaired():
    assert clean_text("CafÃ© De Zwaan") == "Café De Zwaan"
    assert clean_text("â€œVers broodâ€\x9d") == "“Vers brood”"


def test_mojibake_in_html_is_repaired():
    assert clean_text("<p>CafÃ© De Zwaan</p>", is_html=True) == "Café De Zwaan"


def test_mastodon_status_becomes_paragraphs():
    assert clean_text(MASTODON_STATUS, is_html=True) == "Hallo @bakker\n\ntweede"


def test_script_style_and_iframe_are_removed_with_their_content():
    feed_item = (
        "<div>Nieuwe openingsuren<script>document.write('weg')</script></div>"
        "<style>p { color: red }</style><iframe src='https://x.be'>kader</iframe>"
    )
    assert clean_text(feed_item, is_html=True) == "Nieuwe openingsuren"


def test_entities_are_unescaped_once():
    html = "<p>Brood &amp; banket&nbsp;&eacute;&#233; &lt;b&gt; &amp;lt;</p>"
    assert clean_text(html, is_html=True) == "Brood & banket éé <b> &lt;"


def test_plain_text_keeps_entities_as_typed():
    assert clean_text("Tom &amp; Jerry") == "Tom &amp; Jerry"


def test_line_breaks_and_blocks_become_newlines():
    html = "Eerste<br/>tweede<br>derde<div>blok</div>na<ul><li>een</li><li>twee</li></ul>"
    assert clean_text(html, is_html=True) == "Eerste\ntweede\nderde\nblok\nna\neen\ntwee"
    assert clean_text("<h2>Titel</h2>Tekst", is_html=True) == "Titel\n\nTekst"


def test_spaces_newlines_and_control_characters_are_tidied():
    raw = "  Vers\x00 brood\x07   vandaag\u00a0\u00a0!\r\n\r\n\r\n\r\nMorgen\took  \n"
    assert clean_text(raw) == "Vers brood vandaag !\n\nMorgen\took"


def test_empty_and_none_input():
    assert clean_text("") == ""
    assert clean_text(None) == ""
    assert clean_text("   \n\n ") == ""
    assert clean_text("<p></p><script>x</script>", is_html=True) == ""
    assert safe_html("") == ""
    assert safe_html(None) == ""
    assert not looks_like_html("")
    assert not looks_like_html(None)


def test_broken_html_does_not_break_cleaning():
    assert clean_text("<p>open <b>nooit gesloten", is_html=True) == "open nooit gesloten"
    assert clean_text("<<<>>> </p", is_html=True) == "<<<>>>"
    assert clean_text('<a href="x>half', is_html=True) == ""
    assert (
        clean_text("tekst <scr<script>ipt>alert(1)</script>", is_html=True) == "tekst ipt>alert(1)"
    )


def test_long_text_is_cut_at_a_word_boundary():
    text = clean_text("woord " * 5000)
    assert len(text) <= MAX_LENGTH
    assert text.endswith("woord" + ELLIPSIS)


def test_truncate():
    assert truncate("kort", 10) == "kort"
    assert truncate("een twee drie vier", 12) == "een twee…"
    assert truncate("x" * 20, 10) == "x" * 9 + ELLIPSIS
    assert truncate("een twee", 100, force_ellipsis=True) == "een…"


def test_a_megabyte_is_cleaned_quickly():
    inputs = [
        ("woord " * 200_000, False),
        ("CafÃ© " * 200_000, False),
        ("x" * 1_000_000, False),
        ("<p>Hallo <b>wereld</b> CafÃ© </p>" * 35_000, True),
        ("<div>" * 200_000, True),
    ]
    for raw, is_html in inputs:
        # The fastest of three runs against a loose bound: it catches quadratic work (minutes for a
        # megabyte), not a busy machine; the speed itself is for benchmarks to measure.
        durations = []
        for _ in range(3):
            start = time.perf_counter()
            text = clean_text(raw, is_html=is_html)
            durations.append(time.perf_counter() - start)
        assert min(durations) < 0.5
        assert len(text) <= MAX_LENGTH
    start = time.perf_counter()
    safe_html("<p>Hallo <b>wereld</b> CafÃ© </p>" * 35_000)
    assert time.perf_counter() - start < 0.5


def test_safe_html_keeps_simple_formatting():
    html = "<p>Vers <strong>brood</strong> en <em>koffie</em><br></p><ul><li>één</li></ul>"
    assert safe_html(html) == html


def test_safe_html_drops_scripts_handlers_and_dangerous_links():
    html = (
        '<p onclick="steel()">Hallo <a href="javascript:alert(1)">klik</a> '
        '<a href="https://bakker.be/menu" target="_blank" class="x">menu</a>'
        '<img src="x" onerror="steel()"><script>steel()</script><b>vet</b></p>'
    )
    assert safe_html(html) == (
        '<p>Hallo <a rel="nofollow noopener noreferrer">klik</a> '
        '<a href="https://bakker.be/menu" rel="nofollow noopener noreferrer">menu</a>vet</p>'
    )


def test_safe_html_allows_only_web_and_mail_links():
    assert 'href="mailto:info@bakker.be"' in safe_html('<a href="mailto:info@bakker.be">m</a>')
    assert "href" not in safe_html('<a href="data:text/html,x">d</a>')
    assert "href" not in safe_html('<a href="/admin/">relatief</a>')


def test_safe_html_repairs_mojibake():
    assert safe_html("<p>CafÃ© De Zwaan</p>") == "<p>Café De Zwaan</p>"


def test_looks_like_html():
    assert looks_like_html(MASTODON_STATUS)
    assert looks_like_html("regel<br/>regel")
    assert looks_like_html("Brood &amp; banket")
    assert not looks_like_html("a < b > c")
    assert not looks_like_html("Ik <3 brood")
    assert not looks_like_html("Gewoon tekst over CafÃ© De Zwaan")
