import io

from pypdf import PdfReader

from klankbord.lib.pdf import (
    Bullets,
    Heading,
    Note,
    Paragraph,
    Table,
    blocks_from_markdown,
    document_pdf,
    markup,
)


def read(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in read(pdf).pages)


def test_every_kind_of_block_comes_back_as_text() -> None:
    pdf = document_pdf(
        title="Socialemediaplan",
        subtitle="Bakkerij De Zon",
        blocks=[
            Heading("Doelen"),
            Paragraph("Meer **klanten** in de winkel."),
            Bullets(["Instagram", "Facebook"]),
            Table(["Kanaal", "Ritme"], [["Instagram", "3 per week"]]),
            Note("Nog niet ingevuld.", tone="warning"),
            Heading("Details", level=2),
        ],
        footer="Opgemaakt op 23 november 2026",
    )
    text = text_of(pdf)
    for expected in [
        "Socialemediaplan",
        "Bakkerij De Zon",
        "Doelen",
        "Meer klanten in de winkel.",
        "Instagram",
        "3 per week",
        "Nog niet ingevuld.",
        "Details",
        "Opgemaakt op 23 november 2026",
        "1 / 1",
    ]:
        assert expected in text
    assert "**" not in text


def test_euro_curly_quotes_and_accents_survive() -> None:
    line = "“Croissant” kost € 2,50 — café, Dënise, garçon, España"
    assert line in text_of(document_pdf(title=line, blocks=[Paragraph(line)]))


def test_hostile_input_is_text_not_markup() -> None:
    hostile = 'Tom & Jerry <b>vet</b> <script>alert("x")</script> <font size=40>groot</font> &amp;'
    pdf = document_pdf(
        title=hostile,
        subtitle=hostile,
        blocks=[Heading(hostile), Paragraph(hostile)],
        footer=hostile,
    )
    # Line breaks fall anywhere in a long title, so compare words.
    text = " ".join(text_of(pdf).split())
    assert text.count(hostile) == 5
    assert read(pdf).metadata.title == hostile


def test_only_double_stars_become_bold() -> None:
    assert markup("a **b** <i>c</i>") == "a <b>b</b> &lt;i&gt;c&lt;/i&gt;"
    assert markup("**<b>**") == "<b>&lt;b&gt;</b>"


def test_a_long_table_splits_over_pages_with_its_header_repeated() -> None:
    rows = [[f"Rij {n}", "Twee keer per week"] for n in range(150)]
    pdf = document_pdf(title="Lang", blocks=[Table(["Kanaal", "Ritme"], rows)], footer="voet")
    pages = read(pdf).pages
    assert len(pages) > 2
    for number, page in enumerate(pages, start=1):
        text = page.extract_text()
        assert "Kanaal" in text
        assert f"{number} / {len(pages)}" in text
        assert "voet" in text
    assert "Rij 149" in pages[-1].extract_text()


def test_a_cell_or_note_longer_than_a_page_still_renders() -> None:
    long = "woord " * 3000
    pdf = document_pdf(title="Lang", blocks=[Table(["a"], [[long]]), Note(long)])
    assert len(read(pdf).pages) > 2


def test_the_metadata_has_title_subject_and_language() -> None:
    reader = read(document_pdf(title="Plan", subtitle="De Zon", blocks=[], language="fr"))
    assert reader.metadata.title == "Plan"
    assert reader.metadata.subject == "De Zon"
    assert reader.trailer["/Root"]["/Lang"] == "fr"


def test_markdown_becomes_blocks() -> None:
    text = """# Sociale media

Wij posten **respectvol**
en eerlijk.

## Wat mag
- Delen van vacatures
- Reageren op klanten
  als je het zeker weet
* Foto's van het team

Slot.
"""
    assert blocks_from_markdown(text) == [
        Heading("Sociale media", level=1),
        Paragraph("Wij posten **respectvol** en eerlijk."),
        Heading("Wat mag", level=2),
        Bullets(
            [
                "Delen van vacatures",
                "Reageren op klanten als je het zeker weet",
                "Foto's van het team",
            ]
        ),
        Paragraph("Slot."),
    ]


def test_markdown_without_marks_is_one_paragraph_and_empty_is_nothing() -> None:
    assert blocks_from_markdown("Gewoon tekst.") == [Paragraph("Gewoon tekst.")]
    assert blocks_from_markdown("\n\n") == []


def test_a_header_word_over_a_column_of_small_numbers_stays_whole() -> None:
    """A narrow column of figures under a long Dutch word used to break it ("Streefcij-fer")."""
    header = ["Kanaal", "Streefcijfer", "Gepubliceerd", "Reactiepercentage", "Opmerking"]
    rows = [["Instagram", "3", "4", "2,1", "Een lange toelichting " * 6]]
    pdf = document_pdf(title="Ritme", blocks=[Table(header, rows)], footer="voet")
    lines = text_of(pdf).splitlines()
    for word in header[1:4]:
        assert word in lines, f"{word} was broken over lines"
