"""Analytics from the conversation summaries: the funnel, fallback rate, top asked products, by channel and week;
charts drawn server-side by matplotlib (object API, no pyplot state) as SVG with text kept as text."""

from __future__ import annotations

import io
import threading
import warnings
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.console.transcripts import Conversation, Facts, week_of
from knowledge.catalog import normalize_code

CHARTS = ("funnel", "weekly", "channels", "products", "fallback")
_COLOURS = ("#2f6f9f", "#e08a2e", "#4b9b5b", "#b8474a", "#7a5ea8", "#8c6d4f", "#c968a8", "#777777")
_MPL_LOCK = threading.Lock()  # matplotlib's font cache and rc state are process-wide


@dataclass
class Report:
    conversations: int = 0
    answered: int = 0
    quoted: int = 0
    leads: int = 0
    delivered: int = 0
    user_turns: int = 0
    fallback_turns: int = 0
    by_channel: Counter[str] = field(default_factory=Counter)
    by_week: dict[str, Counter[str]] = field(default_factory=dict)  # week → channel → conversations
    fallback_by_week: dict[str, tuple[int, int]] = field(default_factory=dict)  # week → (fallback, all turns)
    top_products: list[tuple[str, int]] = field(default_factory=list)  # part as first asked, conversations

    @property
    def funnel(self) -> list[tuple[str, int]]:
        return [
            ("conversations", self.conversations),
            ("answered", self.answered),
            ("quoted", self.quoted),
            ("lead", self.leads),
            ("delivered", self.delivered),
        ]

    @property
    def fallback_rate(self) -> float:
        return self.fallback_turns / self.user_turns if self.user_turns else 0.0


def build_report(conversations: Sequence[Conversation], facts: Facts, *, top: int = 15) -> Report:
    """The numbers behind the analytics page. A conversation counts once per funnel step it reached. The result
    does not depend on the order of `conversations` (the tracker scan and the event tables list them differently):
    a part is labelled as first asked, and products asked equally often are listed by name."""
    report = Report()
    asked: Counter[str] = Counter()
    label: dict[str, str] = {}
    weekly_turns: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for c in sorted(conversations, key=lambda c: (c.started, c.sender_id)):
        if not c.user_turns:
            continue
        outcomes = set(c.outcomes(facts))
        report.conversations += 1
        report.answered += "answered" in outcomes
        report.quoted += "quoted" in outcomes
        report.leads += "lead" in outcomes
        report.delivered += c.sender_id in facts.delivered_senders
        report.user_turns += c.user_turns
        report.fallback_turns += c.fallback_turns
        report.by_channel[c.channel] += 1
        week = week_of(c.started)
        report.by_week.setdefault(week, Counter())[c.channel] += 1
        weekly_turns[week][0] += c.fallback_turns
        weekly_turns[week][1] += c.user_turns
        for part in dict.fromkeys(normalize_code(p) for p in c.parts if normalize_code(p)):
            asked[part] += 1
        for p in c.parts:
            label.setdefault(normalize_code(p), p)
    report.by_week = dict(sorted(report.by_week.items()))
    report.fallback_by_week = {w: (f, n) for w, (f, n) in sorted(weekly_turns.items())}
    ranked = sorted(asked.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    report.top_products = [(label.get(k, k), n) for k, n in ranked]
    return report


def chart_svg(report: Report, name: str, labels: dict[str, str]) -> bytes:
    """One chart of the report as an SVG document (`labels` translates the funnel steps and axis titles)."""
    if name not in CHARTS:
        raise KeyError(name)
    from matplotlib import rc_context
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    with _MPL_LOCK, rc_context(_RC), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Glyph missing" for CJK: text stays text, the browser draws it
        figure = Figure(figsize=(7.2, 3.4))
        FigureCanvasSVG(figure)
        axes = figure.add_subplot()
        _DRAW[name](axes, report, labels)
        if name in _COUNT_AXIS:
            getattr(axes, _COUNT_AXIS[name]).set_major_locator(MaxNLocator(integer=True))  # counts: no 0.5 ticks
        axes.spines[["top", "right"]].set_visible(False)
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    # matplotlib 3.5 writes the generic family quoted ('sans-serif'), which CSS reads as a font name and then falls
    # back to serif; name real zh / en UI fonts and the unquoted generic instead.
    return out.getvalue().replace(b"'sans-serif'", _FONTS)


_FONTS = b"system-ui, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif"


_RC = {
    "svg.fonttype": "none",
    "font.family": ["sans-serif"],
    "font.size": 9,
    "svg.hashsalt": "brandstation",
}


def _empty(axes: Any, labels: dict[str, str]) -> None:
    axes.text(0.5, 0.5, labels.get("no_data", "no data"), ha="center", va="center", transform=axes.transAxes)
    axes.set_xticks([])
    axes.set_yticks([])


def _funnel(axes: Any, report: Report, labels: dict[str, str]) -> None:
    steps = report.funnel
    names = [labels.get(k, k) for k, _ in steps][::-1]
    values = [v for _, v in steps][::-1]
    bars = axes.barh(names, values, color=_COLOURS[0])
    axes.bar_label(bars, padding=3)
    axes.set_xlabel(labels.get("conversations", "conversations"))


def _weekly(axes: Any, report: Report, labels: dict[str, str]) -> None:
    if not report.by_week:
        return _empty(axes, labels)
    weeks = list(report.by_week)
    channels = sorted({ch for counts in report.by_week.values() for ch in counts})
    bottom = [0] * len(weeks)
    for i, channel in enumerate(channels):
        values = [report.by_week[w][channel] for w in weeks]
        axes.bar(weeks, values, bottom=bottom, label=_safe(channel), color=_COLOURS[i % len(_COLOURS)])
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    axes.legend(frameon=True, framealpha=0.9)
    axes.set_ylabel(labels.get("conversations", "conversations"))
    axes.tick_params(axis="x", labelrotation=45)
    return None


def _channels(axes: Any, report: Report, labels: dict[str, str]) -> None:
    if not report.by_channel:
        return _empty(axes, labels)
    names, values = zip(*report.by_channel.most_common(), strict=True)
    bars = axes.bar([_safe(n) for n in names], values, color=[_COLOURS[i % len(_COLOURS)] for i in range(len(names))])
    axes.bar_label(bars, padding=2)
    axes.set_ylabel(labels.get("conversations", "conversations"))
    return None


def _products(axes: Any, report: Report, labels: dict[str, str]) -> None:
    if not report.top_products:
        return _empty(axes, labels)
    names = [_safe(name) for name, _ in report.top_products][::-1]
    values = [n for _, n in report.top_products][::-1]
    bars = axes.barh(names, values, color=_COLOURS[2])
    axes.bar_label(bars, padding=3)
    axes.set_xlabel(labels.get("conversations", "conversations"))
    return None


def _fallback(axes: Any, report: Report, labels: dict[str, str]) -> None:
    if not report.fallback_by_week:
        return _empty(axes, labels)
    weeks = list(report.fallback_by_week)
    rates = [100 * f / n if n else 0.0 for f, n in report.fallback_by_week.values()]
    axes.plot(weeks, rates, marker="o", color=_COLOURS[3])
    axes.set_ylabel(labels.get("fallback_pct", "fallback %"))
    axes.set_ylim(bottom=0)
    axes.tick_params(axis="x", labelrotation=45)
    return None


def _safe(text: str) -> str:
    """Buyer-supplied text as a label: `$` would switch matplotlib to math mode (and can fail to parse)."""
    return text[:40].replace("$", r"\$")


_COUNT_AXIS = {"funnel": "xaxis", "products": "xaxis", "weekly": "yaxis", "channels": "yaxis"}
_DRAW = {"funnel": _funnel, "weekly": _weekly, "channels": _channels, "products": _products, "fallback": _fallback}
