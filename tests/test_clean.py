from ingest.article import guess_outlet
from ingest.clean import clean_text

RAW = """ date 2025-02-03 Smoke rises over a village. Press Service/via REUTERS

By Jane Roe and John Doe

Frontline town falls after months of fighting

Frontline town falls after months of fighting
A soldier walks past a burnt car on Feb. 1, 2025. Ivan Photog/AFP via Getty Images
Jane Roe
Updated:
0:00

KYIV (Reuters): Russian forces took the town on Monday, the defence ministry said.

A view of the square. Reuters File Photo

The ministry said the town had been a key supply point for Ukrainian troops.

Reuters contributed to this report.
"""


def test_cleaning_keeps_prose_and_drops_page_furniture() -> None:
    clean = clean_text(RAW)
    assert clean.published == "2025-02-03"
    assert clean.title == "Frontline town falls after months of fighting"
    assert clean.paragraphs == (
        "Russian forces took the town on Monday, the defence ministry said.",
        "The ministry said the town had been a key supply point for Ukrainian troops.",
    )


def test_caption_cues_without_credit_are_dropped() -> None:
    clean = clean_text(
        "A tank fires in this screen grab taken from a video released on Sunday.\n"
        "The attack began at dawn, officials in the region said on Sunday."
    )
    assert clean.paragraphs == (
        "The attack began at dawn, officials in the region said on Sunday.",
    )


def test_outlet_is_read_from_the_text() -> None:
    assert guess_outlet("MOSCOW (Reuters): Troops advanced.") == "Reuters"
    assert guess_outlet("Fighting went on. The Daily Example could not verify it.") == (
        "The Daily Example"
    )
    assert guess_outlet("An official told Reuters the line held.") == "Reuters"
    assert guess_outlet("Troops advanced, officials said.") is None


def test_page_metadata_reads_meta_tags_in_either_attribute_order() -> None:
    from ingest.files import page_metadata

    page = (
        "<html><head><title>Units hold near Sudzha | Example Times</title>"
        '<meta content="Example Times" property="og:site_name">'
        '<meta name="pubdate" content="2025-03-09T08:00:00Z"></head><body></body></html>'
    )
    assert page_metadata(page) == {
        "title": "Units hold near Sudzha",
        "date": "2025-03-09",
        "site": "Example Times",
    }


def test_page_without_meta_tags_falls_back_to_trafilatura_metadata() -> None:
    from ingest.files import extract_html

    body = "".join(
        f"<p>Paragraph {n}: shelling hit Sudzha in the Kursk region overnight, officials said on "
        f"Sunday in their {n}th update.</p>\n"
        for n in range(1, 5)
    )
    page = (
        "<html><head><title>Shelling in Sudzha</title></head><body><article>"
        f"<h1>Shelling in Sudzha</h1><p>Published 9 March 2025</p>\n{body}</article></body></html>"
    )
    clean, _ = extract_html(page)
    assert clean.title == "Shelling in Sudzha"
    assert clean.published == "2025-03-09"
    assert len(clean.paragraphs) == 4
