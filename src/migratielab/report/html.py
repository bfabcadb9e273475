"""Self-contained HTML reports: plotly figures with plotly.js embedded once, compressed, no CDN.

plotly.js (about 4.8 MB) is embedded gzip-compressed and base64-encoded (about 1.4 MB); the
browser unpacks it with its built-in ``DecompressionStream`` and then draws the figures, whose
JSON is embedded next to their places. A report stays one file that works offline.
"""

from __future__ import annotations

import base64
import gzip
import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import plotly.graph_objects as go
import plotly.offline

from migratielab.files import atomic_path
from migratielab.presentation.sources import linked

PAGE_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;
color:#1b1b1b;line-height:1.45;padding:0 1rem}
h1{color:#154273}h2{color:#154273;border-bottom:2px solid #e6e6e6;padding-bottom:.2rem;margin-top:2.2rem}
table{border-collapse:collapse;margin:1rem 0;font-size:.92rem}
th,td{border:1px solid #ddd;padding:.3rem .6rem;text-align:right}th{background:#f3f6fa}
td:first-child,th:first-child{text-align:left}.note{color:#555;font-size:.88rem}
.sources{font-size:.85rem;color:#444}
td.text,th.text{text-align:left}details{margin:.3rem 0}summary{cursor:pointer}
.wide{overflow-x:auto}.wide table{font-size:.8rem}
"""


@dataclass(frozen=True)
class Section:
    """A titled part of a report: free text, optional HTML tables, figures and sources."""

    title: str
    text: str = ""
    tables_html: Sequence[str] = ()
    figures: Sequence[go.Figure] = ()
    sources: Sequence[str] = field(default_factory=tuple)
    sources_label: str = "Sources"


def table_html(
    header: Sequence[str], rows: Sequence[Sequence[object]], text_columns: Sequence[int] = ()
) -> str:
    """An HTML table with escaped cells; ``text_columns`` (positions) are words, aligned left."""

    def cell(tag: str, position: int, value: object) -> str:
        kind = " class='text'" if position in text_columns else ""
        return f"<{tag}{kind}>{html.escape(str(value))}</{tag}>"

    head = "".join(cell("th", i, value) for i, value in enumerate(header))
    body = "".join(
        "<tr>" + "".join(cell("td", i, value) for i, value in enumerate(row)) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


LOADER = """
document.addEventListener("DOMContentLoaded", async () => {
  const packed = document.getElementById("plotly-gzip").textContent;
  const bytes = Uint8Array.from(atob(packed), (c) => c.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  const script = document.createElement("script");
  script.textContent = await new Response(stream).text();
  document.head.appendChild(script);
  for (const element of document.querySelectorAll("div.report-figure")) {
    const figure = JSON.parse(element.previousElementSibling.textContent);
    Plotly.newPlot(element, figure.data, figure.layout, {responsive: true, displaylogo: false});
  }
  document.body.dataset.drawn = "true";
});
"""
"""Unpacks the embedded plotly.js and draws every figure of the report."""


@cache
def packed_plotly() -> str:
    """plotly.js, gzip-compressed and base64-encoded (computed once per process)."""
    raw = plotly.offline.get_plotlyjs().encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0)).decode("ascii")


def figure_div(figure: go.Figure) -> str:
    """A figure's JSON and the div it is drawn into (by ``LOADER``)."""
    data = figure.to_json().replace("</", "<\\/")
    return (
        f"<script type='application/json' class='report-figure-data'>{data}</script>"
        "<div class='report-figure' style='height:420px'></div>"
    )


def render_report(title: str, sections: Sequence[Section], lang: str = "en", head_script: str = "") -> str:
    """The full HTML text of a report, with plotly.js embedded once (then ``head_script``, if any)."""
    parts = [
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title><style>{PAGE_STYLE}</style>",
        f"<script type='application/octet-stream' id='plotly-gzip'>{packed_plotly()}</script>",
        f"<script>{LOADER}</script>",
        f"<script>{head_script}</script></head><body>" if head_script else "</head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    for section in sections:
        parts.append(f"<section><h2>{html.escape(section.title)}</h2>")
        if section.text:
            parts.append(f"<p>{html.escape(section.text)}</p>")
        parts.extend(section.tables_html)
        parts.extend(figure_div(figure) for figure in section.figures)
        if section.sources:
            items = "".join(f"<li>{linked(source)}</li>" for source in section.sources)
            label = html.escape(section.sources_label)
            parts.append(f"<div class='sources'>{label}:<ul>{items}</ul></div>")
        parts.append("</section>")
    parts.append("</body></html>")
    return "".join(parts)


def write_report(
    path: Path, title: str, sections: Sequence[Section], lang: str = "en", head_script: str = ""
) -> Path:
    """Render and write a self-contained HTML report; return its path."""
    text = render_report(title, sections, lang, head_script)
    with atomic_path(path) as temporary:
        temporary.write_text(text, encoding="utf-8")
    return path
