"""Dutch pages speak Dutch: no English words besides proper names and code, numbers the Dutch way.

A sample of dashboard pages is rendered in Dutch; their visible text (without code, source
citations and text marked ``lang="en"``) and the texts of their charts (titles, axes, legends,
notes) are checked for common English words and English number formats.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

ENGLISH_WORDS = frozenset(
    [
        "the",
        "and",
        "with",
        "without",
        "from",
        "for",
        "to",
        "by",
        "per-year",
        "persons",
        "people",
        "share",
        "median",
        "policy",
        "policies",
        "waiting",
        "decisions",
        "decision",
        "cost",
        "costs",
        "estimate",
        "sources",
        "source",
        "applications",
        "application",
        "reception",
        "places",
        "value",
        "year",
        "years",
        "month",
        "months",
        "runs",
        "run",
        "calculate",
        "number",
        "between",
        "after",
        "before",
        "this",
        "that",
        "which",
        "not",
        "awaiting",
        "grey",
        "pressure",
        "employed",
        "households",
        "population",
        "inflow",
        "outflow",
        "uncertain",
        "fixed",
        "staffing",
        "housing",
        "quota",
        "term",
        "level",
        "result",
        "results",
        "ready",
        "failed",
        "calculating",
        "computed",
    ]
)
SKIPPED = {"script", "style", "code"}
PAGES = (
    "/overview",
    "/whatif?runs=20&end_year=2026",
    "/compare?runs=20&end_year=2026",
    "/data",
    "/data/series/coa.occupancy",
    "/long-term?runs=2&end=2030",
    "/long-term?mode=plan&runs=2&end=2030",
    "/backtest",
    "/explorations",
)
ENGLISH_THOUSANDS = re.compile(r"\b[1-9]\d{0,2}(,\d{3}){2,}\b|\b[1-9]\d{1,2},\d{3}\b")
"""12,345 or 1,234,567; not 0,187 or 1,234, which are Dutch decimals (values show at most four digits)."""
ENGLISH_DECIMAL = re.compile(r"(?<![\d.,])\d+\.\d{1,2}(?![\d.,])")
SCIENTIFIC = re.compile(r"\d[eE][+-]?\d")


class VisibleText(HTMLParser):
    """Collects the text a reader sees, leaving out code, scripts, citations and English passages."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open an element; it is skipped inside a skipped parent or when it is code or a citation."""
        values = dict(attrs)
        classes = (values.get("class") or "").split()
        skip = tag in SKIPPED or values.get("lang") == "en" or "citation" in classes or "sources" in classes
        if tag not in {"br", "img", "input", "meta", "link", "hr"}:
            self.stack.append(skip or bool(self.stack and self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        """Close an element."""
        if tag not in {"br", "img", "input", "meta", "link", "hr"} and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        """Keep text outside skipped elements."""
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The page's visible text (see ``VisibleText``)."""
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def chart_texts(html: str) -> str:
    """Titles, axis titles, legend names and notes of the page's embedded charts."""
    found = re.search(r'<script type="application/json" id="figures">(.*?)</script>', html, re.S)
    figures = json.loads(found.group(1).replace("<\\/", "</")) if found else {}
    texts = []
    for figure in figures.values():
        layout = figure["layout"]
        texts.append(layout.get("title", {}).get("text", ""))
        texts.append(layout.get("yaxis", {}).get("title", {}).get("text", ""))
        texts += [note["text"] for note in layout.get("annotations", [])]
        texts += [trace.get("name", "") for trace in figure["data"]]
    return " ".join(texts).replace("<br>", " ")


def english_words(text: str) -> set[str]:
    """The words of ``text`` that are common English words."""
    return {word for word in re.findall(r"[a-z]+(?:-[a-z]+)?", text.lower()) if word in ENGLISH_WORDS}


@pytest.mark.parametrize("path", PAGES)
def test_dutch_pages_have_no_english_words_and_dutch_numbers(client: TestClient, path: str) -> None:
    """Visible text and chart texts of a Dutch page: no English words, no 12,345 or 0.46 or 1e+10."""
    html = client.get(path).text
    text = visible_text(html) + " " + chart_texts(html)
    assert not english_words(text), f"{path}: English words {sorted(english_words(text))}"
    for pattern in (ENGLISH_THOUSANDS, ENGLISH_DECIMAL, SCIENTIFIC):
        assert not pattern.search(text), f"{path}: English number {pattern.search(text)}"


def test_the_check_finds_english() -> None:
    """The check itself finds an untranslated word and an English number."""
    html = "<p>Mensen in the opvang: 12,345 <code>persons</code></p><p lang='en'>the</p>"
    text = visible_text(html)
    assert english_words(text) == {"the"}
    assert ENGLISH_THOUSANDS.search(text)
