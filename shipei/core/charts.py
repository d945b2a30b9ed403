"""The ECharts options the pages draw with ``core/static/shipei/charts.js``: one builder, so
that a bar chart looks and reads the same on the statistics dashboards and the survey results."""

from decimal import Decimal
from typing import Any

# Names are cut on the axis, so that a phone keeps room for the bars; the table beside every
# chart has them whole.
CATEGORY_LABEL = {"fontSize": 12, "width": 120, "overflow": "truncate"}


def hbar(
    labels: list[str],
    series: list[tuple[str, list[Any]]],
    *,
    value_axis: dict[str, Any] | None = None,
    values_shown: bool = False,
    right: int = 16,
) -> dict[str, Any]:
    """Horizontal bars, one a label, one colour a series (a legend on top when there are
    several); `value_axis` settles the value axis (whole numbers by default); with
    `values_shown` each bar's value (or the label a data item brings) is written at its end,
    `right` leaving it room."""
    legend = len(series) > 1
    shown = {"label": {"show": True, "position": "right", "fontSize": 12}} if values_shown else {}
    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        **({"legend": {"top": 0}} if legend else {}),
        "grid": {
            "left": 8,
            "right": right,
            "top": 32 if legend else 8,
            "bottom": 8,
            "containLabel": True,
        },
        "xAxis": {"type": "value", **(value_axis or {"minInterval": 1})},
        "yAxis": {"type": "category", "inverse": True, "data": labels, "axisLabel": CATEGORY_LABEL},
        "series": [
            {"name": name, "type": "bar", "data": [_plain(v) for v in data], **shown}
            for name, data in series
        ],
        "height": (60 if legend else 40) + 28 * len(labels),
    }


def _plain(value: Any) -> Any:
    """JSON has no decimals: hours and means as floats."""
    return float(value) if isinstance(value, Decimal) else value
