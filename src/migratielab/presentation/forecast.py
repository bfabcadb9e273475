"""The forecast page's figure and table: the fan of monthly applications after the observed months,
and the rolling-origin scores of every method (CRPS, interval coverage) in Dutch or English."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from migratielab.models.variables import Language, variable
from migratielab.presentation.catalogue import text
from migratielab.presentation.charts import Figure, Series, fan_chart, frame_fan
from migratielab.presentation.formatting import format_number, format_share, unit_label

APPLICATIONS = variable("asylum", "applications")


def forecast_figure(observed: pd.Series, quantiles: pd.DataFrame, lang: Language) -> Figure:
    """The forecast fan (50% and 90% bands, median) continuing the observed monthly line: the fan starts
    at the last observed month, where every quantile is the observed value."""
    days = [str(pd.Timestamp(t).date()) for t in observed.index]
    seen = Series(text("observed_values", lang), days, [float(v) for v in observed])
    anchor = pd.DataFrame(
        [[float(observed.iloc[-1])] * quantiles.shape[1]], [observed.index[-1]], quantiles.columns
    )
    figure = fan_chart(
        [frame_fan(text("forecast_series", lang), pd.concat([anchor, quantiles]))],
        text("forecast_chart", lang),
        unit_label(APPLICATIONS, lang),
        lang,
        observed=seen,
    )
    for trace in figure["data"]:
        if trace.get("name") == seen.name:  # the observations as a line the fan continues
            trace["mode"] = "lines+markers"
            trace["marker"]["size"] = 4
    return figure


def evaluation_rows(
    summary: pd.DataFrame, keys: Mapping[str, str], chosen: str, lang: Language
) -> list[dict[str, str | bool]]:
    """Per method its name, mean CRPS (persons), coverage of the 80% and 95% intervals and whether it is
    the method the fan and the chain use."""
    return [
        {
            "method": text(f"forecast_method.{keys[str(method)]}", lang),
            "crps": format_number(float(row["mean_crps"]), lang),
            "coverage_80": format_share(float(row["coverage_80"]), lang),
            "coverage_95": format_share(float(row["coverage_95"]), lang),
            "origins": format_number(float(row["origins"]), lang),
            "chosen": str(method) == chosen,
        }
        for method, row in summary.iterrows()
    ]
