"""The municipal monitor's map and tables in the page's language: labels and units from the variable
registry, numbers through the formatter, disclosure-controlled values with their cells marked."""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from babel.numbers import format_decimal

from migratielab.analysis import disclosure
from migratielab.models.municipal.data import BOUNDARY_CREDIT, SIZE_CLASSES, boundaries
from migratielab.models.variables import Language, Variable
from migratielab.presentation.catalogue import text
from migratielab.presentation.formatting import (
    LOCALES,
    MISSING,
    format_number,
    format_value,
    plotly_separators,
    unit_label,
)
from migratielab.service.municipal import (
    MONITOR_COLUMNS,
    PEERS_PER_1000,
    PERIODS,
    MunicipalRun,
    housing_balance,
    variable_of,
)

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
DIVERGING = "RdBu_r"
"""Colour scales: sequential (light = lowest shown value) and, for values of both signs, diverging
around 0 (blue below, red above)."""
MARKS = {disclosure.SUPPRESSED: "◦", disclosure.SECONDARY: "◦◦", disclosure.ROUNDED: ""}


PER_1000_DECIMALS = 2
"""Figures per 1,000 inhabitants are shown with this many decimals (one rule for the unit, so that a
column reads 0,96 / 0,95 / 1,00 rather than 0,96 / 0,956 / 1)."""
PER_1000_INDICATORS = ("housed_per_1000",)
"""Indicators that are per 1,000 inhabitants themselves."""
FIXED_DECIMALS = {"cost_eur": 2, "reception_cost": 2, "reception_locations": 2}
"""Other indicators shown with a fixed number of decimals in their shown unit (EUR million per year,
locations), so that a column of them lines up (0,80 / 1,75 rather than 0,8 / 1,75)."""
URBANITY_CLASSES = 5
"""CBS urbanity classes 1 (very strongly urban) to 5 (not urban)."""


def fixed_text(value: float, lang: Language, decimals: int) -> str:
    """A number with exactly ``decimals`` decimals (nl ``0,96``); a nonzero number that would round
    to 0 keeps its significant digits instead (``0,004``)."""
    if math.isnan(value):
        return MISSING
    if value != 0 and abs(value) < 0.5 * 10**-decimals:
        return format_number(value, lang)
    pattern = "#,##0." + "0" * decimals
    return str(format_decimal(value, format=pattern, locale=LOCALES[lang]))


def per_1000_text(value: float, lang: Language) -> str:
    """A figure per 1,000 inhabitants with ``PER_1000_DECIMALS`` decimals (nl ``0,96``)."""
    return fixed_text(value, lang, PER_1000_DECIMALS)


def size_label(size_class: str, lang: Language) -> str:
    """A size class (``SIZE_CLASSES`` label) in the page's language with its bounds through the
    formatter: nl ``minder dan 20.000 inw.``, ``20.000-50.000 inw.``, ``100.000 inw. of meer``."""
    for low, high, label in SIZE_CLASSES:
        if label == size_class:
            kind = "below" if low == 0 else "above" if high >= 10**9 else "between"
            bounds = {"low": format_number(low, lang), "high": format_number(high, lang)}
            return text(f"municipal_size_class.{kind}", lang, **bounds)
    return size_class


def urbanity_label(code: object, lang: Language) -> str:
    """A CBS urbanity class with its name: nl ``1 (zeer sterk stedelijk)``."""
    value = int(str(code)) if str(code).isdigit() else 0
    if not 1 <= value <= URBANITY_CLASSES:
        return str(code)
    return f"{value} ({text(f'municipal_urbanity.{value}', lang)})"


SORTS = ("value", "name")
"""Orders of the benchmark table: by the indicator's value (highest first) or by name."""


def heading(name: str, lang: Language) -> str:
    """An indicator's label with its unit in brackets, the unit once (not when the label ends with it,
    as in "per 1,000 inhabitants")."""
    label, unit = variable_of(name).label(lang), unit_label(variable_of(name), lang)
    return label if label.endswith(unit) else f"{label} ({unit})"


def period(name: str, lang: Language, start: int, end: int) -> str:
    """The period a monitor column covers (mean per year over the horizon, end of the horizon, the
    whole horizon, one national value, or the Spreidingswet target of the first year), in the page's
    language."""
    return text(f"municipal_period.{PERIODS[name]}", lang, start=start, end=end)


def indicator_options(lang: Language) -> list[dict[str, str]]:
    """Every mapped indicator with its label and unit (from the registry; the unit once)."""
    return [{"name": name, "label": heading(name, lang)} for name in MONITOR_COLUMNS]


def cell(value: object, name: str, flag: str, lang: Language) -> str:
    """One monitor cell: the formatted value, or the suppression mark."""
    if flag in (disclosure.SUPPRESSED, disclosure.SECONDARY):
        return MARKS[flag]
    if not isinstance(value, float | int) or math.isnan(float(value)):
        return MISSING
    if name in PER_1000_INDICATORS:
        return per_1000_text(float(value), lang)
    if name in FIXED_DECIMALS:
        return fixed_text(float(value) / variable_of(name).display_scale, lang, FIXED_DECIMALS[name])
    return format_value(float(value), variable_of(name), lang)


def peer_text(peer: float, name: str, lang: Language) -> str:
    """The peers' median: per 1,000 inhabitants (counts, per-1,000 indicators) with the unit's fixed
    decimals, otherwise in the indicator's unit; ``MISSING`` where there is none."""
    if math.isnan(peer):
        return MISSING
    if name in PEERS_PER_1000 or name in PER_1000_INDICATORS:
        return per_1000_text(peer, lang)
    return format_value(peer, variable_of(name), lang)


def map_figure(shown: pd.DataFrame, name: str, lang: Language, covers: str = "") -> dict[str, Any]:
    """A choropleth of one indicator per municipality from the bundled boundaries (no tiles, offline).

    Suppressed municipalities are grey; the hover shows the formatted value; the title names the
    period the figures cover (``covers``, see ``period``); the colours span the values shown
    (``scale_range``).
    Both layers name the boundaries by ``BOUNDARIES_URL``, so a page carries them once.
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
    low, high = scale_range(values[visible])
    figure.add_trace(
        go.Choropleth(
            geojson=BOUNDARIES_URL,
            locations=shown["code"][visible],
            featureidkey="properties.code",
            z=values[visible],
            colorscale=DIVERGING if low < 0 < high else SCALE,
            zmin=low,
            zmax=high,
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
        title={"text": heading(name, lang) + (f"<br><sup>{covers}</sup>" if covers else "")},
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


def scale_range(values: pd.Series) -> tuple[float, float]:
    """The colour scale of a map in the shown unit: the range of the values shown (lowest to highest),
    so that differences between municipalities are visible; where a value is negative the range is
    symmetric around 0 (a diverging scale with 0 in the middle). The range is stated under the map
    (``map_note``); docs/municipal.md gives the reasons."""
    if values.empty:
        return 0.0, 1.0
    low, high = float(values.min()), float(values.max())
    if low < 0:  # signed values (a backlog or a lead): 0 in the middle
        bound = max(-low, high)
        return -bound, bound
    return (low, high) if high > low else (low - 0.5, high + 0.5)


def map_note(shown: pd.DataFrame, name: str, lang: Language) -> str:
    """What the map's colours span (the range of the shown values, stated as lightest and darkest)."""
    variable = variable_of(name)
    values = shown[name].astype(float).dropna()
    if values.empty:
        return ""
    low, high = (value * variable.display_scale for value in scale_range(values / variable.display_scale))
    key = "municipal_map_diverging" if low < 0 < high else "municipal_map_range"
    return text(key, lang, low=cell(low, name, "", lang), high=cell(high, name, "", lang))


def national_note(per_year: pd.Series | None, name: str, lang: Language) -> str:
    """The national total of an indicator: its mean per year and each year's value (empty if none)."""
    if per_year is None:
        return ""
    variable = variable_of(name)
    years = ", ".join(
        f"{year}: {format_value(float(value), variable, lang)}" for year, value in per_year.items()
    )
    mean = format_value(float(per_year.mean()), variable, lang)
    return text("municipal_national", lang, mean=mean, unit=unit_label(variable, lang), years=years)


BALANCE_INDICATORS = ("task", "housed", "backlog", "realisation_share", "housed_per_1000")
"""Indicators whose page shows the national housing balance (``balance_note``)."""


def balance_note(result: MunicipalRun, lang: Language) -> str:
    """The national housing balance per year of ``result`` (``service.municipal.housing_balance``):
    task = housed + written off + backlog change, persons per year through the formatter, with why
    the backlog stays near 0 and why the municipal cells shown add up to less."""
    balance, variable = housing_balance(result), variable_of("housed")
    values = {key: format_value(float(balance[key]), variable, lang) for key in balance.index}
    return text(
        "municipal_balance",
        lang,
        start=result.scenario.start_year,
        end=result.scenario.end_year,
        task=values["task"],
        housed=values["housed"],
        written_off=values["written_off"],
        change=values["backlog_change"],
    )


PASS_INDICATORS = ("obliged_started", "passed", "pass_rate", "months_to_pass")
"""Indicators whose page explains the pass rate's definition and time lag (``pass_rate_note``)."""


def pass_rate_note(result: MunicipalRun, lang: Language) -> str:
    """Why the pass rate (per intake cohort, within the term) is higher than passed over newly obliged
    in the same years: passing lags housing by the months to pass."""
    months = format_number(float(result.months_to_pass.mean()), lang, digits=2)
    return text("municipal_pass_rate_note", lang, end=result.scenario.end_year, months=months)


def colorbar(variable: Variable, lang: Language) -> dict[str, Any]:
    """The colour bar of a map: the unit as title, thousands grouped (also 4 digits), shares in %."""
    bar: dict[str, Any] = {"title": {"text": unit_label(variable, lang)}, "separatethousands": True}
    if variable.unit.code == "share":
        bar["tickformat"] = ".0%"
    elif variable.name in PER_1000_INDICATORS:
        bar["tickformat"] = f".{PER_1000_DECIMALS}f"  # the table's rule: 0,95 / 1,00 / 1,05
    return bar


def geo_assets_script() -> str:
    """JavaScript that gives plotly the boundaries (once, under ``BOUNDARIES_URL``) and an empty world
    map, for a self-contained page that must fetch nothing; run it after plotly.js is loaded."""
    return (
        "window.PlotlyGeoAssets=window.PlotlyGeoAssets||{topojson:{}};"
        f"window.PlotlyGeoAssets.topojson.world_110m={json.dumps(EMPTY_WORLD)};"
        f"window.PlotlyGeoAssets[{json.dumps(BOUNDARIES_URL)}]={json.dumps(boundaries())};"
    )


def has_peers(peers: pd.DataFrame, name: str) -> bool:
    """Whether any municipality has a median of similar municipalities for the indicator."""
    return name in peers.columns and bool(peers[name].notna().any())


def peers_per_1000(peers: pd.DataFrame, name: str) -> bool:
    """Whether the peers' median of the indicator is per 1,000 inhabitants (counts; not rates, shares
    or an indicator that is per 1,000 inhabitants already)."""
    return name in peers.columns and name in PEERS_PER_1000


def ordered(shown: pd.DataFrame, name: str, sort: str) -> pd.DataFrame:
    """The rows by name, or by the indicator's value, highest first (suppressed rows last, by name)."""
    if sort == "name":
        return shown.sort_values("name", key=lambda names: names.str.lower(), kind="stable")
    by_name = shown.sort_values("name", key=lambda names: names.str.lower(), kind="stable")
    return by_name.sort_values(name, ascending=False, na_position="last", kind="stable")


def per_1000_cell(value: object, population: float, name: str, flag: str, lang: Language) -> str:
    """A count per 1,000 inhabitants (from the shown, rounded count), or the suppression mark."""
    if flag in (disclosure.SUPPRESSED, disclosure.SECONDARY):
        return MARKS[flag]
    if not isinstance(value, float | int) or math.isnan(float(value)):
        return MISSING
    return per_1000_text(1000 * float(value) / population, lang)


def table_rows(
    shown: pd.DataFrame, flags: pd.DataFrame, peers: pd.DataFrame, name: str, lang: Language
) -> list[dict[str, str]]:
    """Rows of the benchmark table in the order of ``shown``: municipality, province, size class,
    urbanity, value, the value per 1,000 inhabitants (counts) and the peers' median (per 1,000
    inhabitants for counts, as is otherwise; ``MISSING`` where there is none)."""
    rows = []
    for code, row in shown.iterrows():  # rows of a rendered table
        flag = str(flags.at[code, name])
        peer = float(peers.at[code, name]) if name in peers.columns else float("nan")  # type: ignore[arg-type]
        rows.append(
            {
                "code": str(code),
                "name": str(row["name"]),
                "province": str(row["province"]),
                "size_class": size_label(str(row["size_class"]), lang),
                "urbanity": urbanity_label(row["urbanity"], lang),
                "value": cell(row[name], name, flag, lang),
                "per_1000": per_1000_cell(row[name], float(row["population"]), name, flag, lang),
                "peers": peer_text(peer, name, lang),
                "flag": flag,
            }
        )
    return rows
