"""The municipal monitor's map and tables in the page's language: labels and units from the variable
registry, numbers through the formatter, disclosure-controlled values with their cells marked."""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from migratielab.analysis import disclosure
from migratielab.models.municipal.data import BOUNDARY_CREDIT, boundaries
from migratielab.models.variables import Language, Variable
from migratielab.presentation.catalogue import text
from migratielab.presentation.formatting import MISSING, format_value, plotly_separators, unit_label
from migratielab.service.municipal import MONITOR_COLUMNS, variable_of

SUPPRESSED_GREY = "#d9d9d9"
BOUNDARIES_URL = "/static/gemeenten_2024.geojson"
"""Where a map's traces find the municipal boundaries: the dashboard serves the bundled GeoJSON there
(plotly.js fetches it once per page, for every trace); a report registers it once under this key in
plotly's ``PlotlyGeoAssets`` (``geo_assets_script``)."""
EMPTY_WORLD: dict[str, Any] = {
    "type": "Topology",
    "objects": {
        name: {"type": "GeometryCollection", "geometries": []}
        for name in ("coastlines", "land", "ocean", "lakes", "rivers", "countries", "subunits")
    },
    "arcs": [],
    "transform": {"scale": [1, 1], "translate": [0, 0]},
}
"""plotly's world base map, empty: maps are drawn from the bundled boundaries only, nothing fetched."""
SCALE = "Blues"
MARKS = {disclosure.SUPPRESSED: "◦", disclosure.SECONDARY: "◦◦", disclosure.ROUNDED: ""}


def indicator_options(lang: Language) -> list[dict[str, str]]:
    """Every mapped indicator with its label and unit (from the registry; the unit once)."""
    options = []
    for name in MONITOR_COLUMNS:  # indicators, not municipalities
        label, unit = variable_of(name).label(lang), unit_label(variable_of(name), lang)
        options.append({"name": name, "label": label if label.endswith(unit) else f"{label} ({unit})"})
    return options


def cell(value: object, name: str, flag: str, lang: Language) -> str:
    """One monitor cell: the formatted value, or the suppression mark."""
    if flag in (disclosure.SUPPRESSED, disclosure.SECONDARY):
        return MARKS[flag]
    if not isinstance(value, float | int) or math.isnan(float(value)):
        return MISSING
    return format_value(float(value), variable_of(name), lang)


def map_figure(shown: pd.DataFrame, name: str, lang: Language) -> dict[str, Any]:
    """A choropleth of one indicator per municipality from the bundled boundaries (no tiles, offline).

    Suppressed municipalities are grey; the hover shows the formatted value. Both layers name the
    boundaries by ``BOUNDARIES_URL``, so a page carries them once (not once per layer).
    """
    variable = variable_of(name)
    values = shown[name].astype(float) / variable.display_scale
    hover = [f"{town}: {cell(v, name, '', lang)}" for town, v in zip(shown["name"], shown[name], strict=True)]
    figure = go.Figure()
    figure.add_trace(
        go.Choropleth(
            geojson=BOUNDARIES_URL,
            locations=shown["code"],
            featureidkey="properties.code",
            z=[0] * len(shown),
            colorscale=[[0, SUPPRESSED_GREY], [1, SUPPRESSED_GREY]],
            showscale=False,
            marker_line_width=0.3,
            marker_line_color="white",
            hoverinfo="skip",
        )
    )
    visible = values.notna()
    figure.add_trace(
        go.Choropleth(
            geojson=BOUNDARIES_URL,
            locations=shown["code"][visible],
            featureidkey="properties.code",
            z=values[visible],
            colorscale=SCALE,
            marker_line_width=0.3,
            marker_line_color="white",
            text=[h for h, v in zip(hover, visible, strict=True) if v],
            hoverinfo="text",
            colorbar=colorbar(variable, lang),
        )
    )
    figure.update_geos(fitbounds="locations", visible=False)
    figure.update_layout(
        height=640,
        margin={"l": 0, "r": 0, "t": 40, "b": 30},
        separators=plotly_separators(lang),
        title={"text": variable.label(lang)},
        annotations=[
            {
                "text": text("municipal_map_credit", lang, credit=BOUNDARY_CREDIT),
                "showarrow": False,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": -0.03,
                "font": {"size": 11},
            }
        ],
    )
    parsed: dict[str, Any] = json.loads(figure.to_json())
    return parsed


def colorbar(variable: Variable, lang: Language) -> dict[str, Any]:
    """The colour bar of a map: the unit as title, thousands grouped (also 4 digits), shares in %."""
    bar: dict[str, Any] = {"title": {"text": unit_label(variable, lang)}, "separatethousands": True}
    if variable.unit.code == "share":
        bar["tickformat"] = ".0%"
    return bar


def geo_assets_script() -> str:
    """JavaScript that gives plotly the boundaries (once, under ``BOUNDARIES_URL``) and an empty world
    map, for a self-contained page that must fetch nothing; run it after plotly.js is loaded."""
    return (
        "window.PlotlyGeoAssets=window.PlotlyGeoAssets||{topojson:{}};"
        f"window.PlotlyGeoAssets.topojson.world_110m={json.dumps(EMPTY_WORLD)};"
        f"window.PlotlyGeoAssets[{json.dumps(BOUNDARIES_URL)}]={json.dumps(boundaries())};"
    )


def table_rows(
    shown: pd.DataFrame, flags: pd.DataFrame, peers: pd.DataFrame, name: str, lang: Language
) -> list[dict[str, str]]:
    """Rows of the benchmark table: municipality, province, size class, value and the peers' median."""
    per_1000 = name in peers.columns and variable_of(name).unit.code != "share"
    rows = []
    for code, row in shown.iterrows():  # rows of a rendered table
        peer = float(peers.at[code, name]) if name in peers.columns else float("nan")  # type: ignore[arg-type]
        rows.append(
            {
                "code": str(code),
                "name": str(row["name"]),
                "province": str(row["province"]),
                "size_class": str(row["size_class"]),
                "urbanity": str(row["urbanity"]),
                "value": cell(row[name], name, str(flags.at[code, name]), lang),
                "peers": MISSING
                if math.isnan(peer)
                else (f"{format_value(float(peer), variable_of(name), lang)}" + (" ‰" if per_1000 else "")),
                "flag": str(flags.at[code, name]),
            }
        )
    return rows
