"""The series report's files: ``series.png`` (a chart) and ``series.html`` (one page)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader

from chatbot.domain.cost import Prices
from chatbot.recap.model import network_name, profile_url
from chatbot.recap.series import SeriesReport, SeriesSource, percent, series_report

NEW, RETURNING, RETENTION = "#f59e0b", "#3b82f6", "#b91c1c"
ANSWERS, INFERRED = "#10b981", "#a7f3d0"


@dataclass(frozen=True, slots=True)
class SeriesFiles:
    """Where a series report's files were written."""

    html: Path
    chart: Path

    def all(self) -> list[Path]:
        """Every file, in a stable order."""
        return [self.html, self.chart]


def draw_series(report: SeriesReport, path: Path, *, dpi: int = 100) -> Path:
    """Participants each week (new and returning) with the week before's retention, and
    answers (inferred ones apart)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    weeks = report.weeks
    xs = list(range(len(weeks)))
    labels = [w.local_date + (" *" if w.imported else "") for w in weeks]
    fig = Figure(figsize=(10, 6), dpi=dpi)
    FigureCanvasAgg(fig)
    grid = fig.add_gridspec(2, 1, height_ratios=(3, 2), hspace=0.5)
    people = fig.add_subplot(grid[0])
    people.bar(xs, [w.returning for w in weeks], color=RETURNING, label="returning")
    people.bar(
        xs, [w.new for w in weeks], bottom=[w.returning for w in weeks], color=NEW, label="new"
    )
    people.set_ylabel("participants")
    people.yaxis.set_major_locator(MaxNLocator(integer=True))
    kept = people.twinx()
    points = [(x, w.retention) for x, w in zip(xs, weeks, strict=True) if w.retention is not None]
    kept.plot(
        [x for x, _ in points],
        [r for _, r in points],
        color=RETENTION,
        marker="o",
        label="back from the week before",
    )
    kept.set_ylim(0, 1.05)
    kept.yaxis.set_major_formatter(PercentFormatter(1.0))
    handles = [*people.get_legend_handles_labels()[0], *kept.get_legend_handles_labels()[0]]
    people.legend(handles=handles, loc="upper left", fontsize=8, frameon=False)
    people.set_title(f"{report.hashtag} · participants each week")
    answers = fig.add_subplot(grid[1])
    found = [w.answers - w.inferred for w in weeks]
    answers.bar(xs, found, color=ANSWERS, label="labelled or replying")
    answers.bar(xs, [w.inferred for w in weeks], bottom=found, color=INFERRED, label="inferred")
    answers.legend(loc="upper left", fontsize=8, frameon=False)
    answers.set_ylabel("answers")
    answers.yaxis.set_major_locator(MaxNLocator(integer=True))
    answers.set_title("Answers each week (* imported with `chatbot transcript`)")
    for ax in (people, answers):
        ax.set_xticks(xs, labels, rotation=30 if len(weeks) > 6 else 0, fontsize=8)
        ax.spines[["top"]].set_visible(False)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", metadata={"Software": None})
    return path


def write_series(report: SeriesReport, out_dir: Path) -> SeriesFiles:
    """Draw the chart and write the page under ``out_dir/slug/series/``."""
    folder = out_dir / report.slug / "series"
    files = SeriesFiles(html=folder / "series.html", chart=folder / "series.png")
    draw_series(report, files.chart)
    env = Environment(loader=PackageLoader("chatbot.recap", "templates"), autoescape=True)
    chart_uri = "data:image/png;base64," + base64.b64encode(files.chart.read_bytes()).decode()
    page = env.get_template("series.html.j2").render(
        report=report,
        chart_uri=chart_uri,
        percent=percent,
        profile=profile_url,
        network_name=network_name,
    )
    files.html.write_text(page, encoding="utf-8")
    return files


def build_series(
    source: SeriesSource, slug: str, *, out_dir: Path, prices: Prices | None = None
) -> tuple[SeriesReport, SeriesFiles | None]:
    """Read a chat's weeks from the database and write its report (no files for no weeks)."""
    report = series_report(slug, source.chat_series(slug), prices=prices)
    return report, write_series(report, out_dir) if report.weeks else None
