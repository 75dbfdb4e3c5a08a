"""Boilerplate removal: what is left of an article once captions, credits,
bylines, timestamps and repeated headlines are gone.

Everything here is a pure function of text. The input is the raw form the
project receives: an optional leading ` date YYYY-MM-DD` line, then title,
standfirst, photo captions and body run together, one paragraph a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DATE_LINE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s*")

# A photo credit closes a caption: "... Social Media/via REUTERS", "Reuters File Photo",
# "Roman Pilipey/AFP via Getty Images", "(AP Photo/Efrem Lukatsky)".
_CREDIT_END = re.compile(
    r"""(?:
        /\s*via\s+\w+                          # Social Media/via REUTERS
      | \bvia\s+Getty\s+Images                  # AFP via Getty Images
      | \bGetty\s+Images                        # Getty Images
      | \b(?:REUTERS|Reuters)\s*(?:/\s*)?File\s+Photo
      | \b[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*\s*/\s*(?:REUTERS|Reuters|AFP|AP|EPA|Getty\s+Images)
      | \bREUTERS
      | \bAP\s+Photo\b[^.]*
      | \b(?:Photo|Photograph|Image|Picture|Credit)s?\s*(?:by|:)\s*[^.]{0,60}
      | \b(?:Shutterstock|Alamy|EPA-EFE|Sputnik|TASS|Anadolu(?:\s+Agency)?)
      | \b(?:handout|pool)\s+(?:photo|via\s+\w+)
    )\s*[)\]]?\s*$""",
    re.VERBOSE,
)
# Caption phrasing that marks a paragraph as describing a picture.
_CAPTION_CUE = re.compile(
    r"\b(?:in this (?:screen grab|handout|photo|picture|image|still)|this handout|"
    r"screen grab|file photo|pictured|photo taken|image taken)\b",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^(?:By|BY|Written by|Reporting by|Editing by)\s+[A-Z]", re.UNICODE)
_CONTRIBUTOR = re.compile(
    r"^(?:\(?(?:Reporting|Additional reporting|Writing|Editing|Compiled) by\b|"
    r"[A-Z][\w ]{1,40} contributed to this report\.?$)"
)
_TIMESTAMP = re.compile(
    r"^(?:(?:Updated|Published|Posted|Last updated|Modified)\s*:.{0,40}|\d{1,2}:\d{2}(?::\d{2})?"
    r"(?:\s*/\s*\d{1,2}:\d{2}(?::\d{2})?)?|Share|Listen|Watch|Play|Advertisement|Read more)$",
    re.IGNORECASE,
)
_DATELINE = re.compile(
    r"^[A-Z][A-Z .,'’-]{1,40}\s*\([A-Z][\w.]*(?: [A-Z][\w.]*){0,2}\)\s*[:\-–—]+\s*"
)
_TERMINAL = re.compile(r"[.!?…][\"'”’)\]»]*$")


@dataclass(frozen=True)
class CleanText:
    """An article's text once cleaned: `paragraphs` are prose only."""

    title: str | None
    published: str | None
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


def _normalize_space(line: str) -> str:
    return " ".join(line.replace("\u00a0", " ").split())


def is_caption(paragraph: str) -> bool:
    """A photo caption or a bare credit line."""
    # A credit stands at the very end: searching the tail keeps long paragraphs cheap.
    return bool(_CREDIT_END.search(paragraph[-100:])) or bool(_CAPTION_CUE.search(paragraph))


def is_furniture(paragraph: str) -> bool:
    """Page furniture that is never prose: bylines, timestamps, contributor lines."""
    return bool(
        _BYLINE.match(paragraph) or _TIMESTAMP.match(paragraph) or _CONTRIBUTOR.match(paragraph)
    )


def is_heading(paragraph: str) -> bool:
    """A headline, sub-heading or name line: short and without closing punctuation."""
    return not _TERMINAL.search(paragraph) and len(paragraph.split()) <= 25


def _same_line(a: str, b: str) -> bool:
    return re.sub(r"\W+", "", a).casefold() == re.sub(r"\W+", "", b).casefold()


def clean_lines(lines: list[str], title: str | None = None) -> CleanText:
    """Keep the prose paragraphs of `lines`; the first heading becomes the title."""
    published = None
    paragraphs: list[str] = []
    for index, raw in enumerate(lines):
        line = _normalize_space(raw)
        if index == 0 and (date := _DATE_LINE.match(line)):
            published = date.group(1)
            line = line[date.end() :]
        if not line or is_furniture(line) or is_caption(line):
            continue
        if is_heading(line):
            if title is None and not paragraphs:
                title = line
            continue
        if title is not None and _same_line(line, title):
            continue
        line = _DATELINE.sub("", line)
        if line and line not in paragraphs:
            paragraphs.append(line)
    return CleanText(title=title, published=published, paragraphs=tuple(paragraphs))


def clean_text(raw: str, title: str | None = None) -> CleanText:
    """Clean raw article text with one paragraph a line (blank lines are ignored)."""
    return clean_lines(raw.splitlines(), title=title)
