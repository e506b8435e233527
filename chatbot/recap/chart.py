"""The activity picture: posts per minute with question markers, and the top voices.

matplotlib is imported when a chart is drawn, never when ``chatbot`` is imported,
and draws through the Agg canvas directly (no pyplot, no global backend state).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from chatbot.recap.model import ChatRecord
from chatbot.recap.stats import ChatStats


def _minute(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone).replace(second=0, microsecond=0)


def per_minute(record: ChatRecord) -> list[tuple[datetime, int]]:
    """Posts in each local minute from the first question (or post) to the last post."""
    zone = ZoneInfo(record.timezone)
    counts = Counter(_minute(p.created_at, zone) for p in record.posts)
    moments = list(counts) + [_minute(t, zone) for t in record.question_times.values()]
    if not moments:
        return []
    start, end = min(moments), max(moments)
    out = []
    while start <= end:
        out.append((start, counts.get(start, 0)))
        start += timedelta(minutes=1)
    return out


def draw_activity(record: ChatRecord, stats: ChatStats, path: Path) -> Path:
    """Draw ``activity.png`` and return its path."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    zone = ZoneInfo(record.timezone)
    series = per_minute(record)
    fig = Figure(figsize=(10, 6), dpi=100)
    FigureCanvasAgg(fig)
    grid = fig.add_gridspec(2, 1, height_ratios=(3, 2), hspace=0.45)
    ax = fig.add_subplot(grid[0])
    if series:
        origin = series[0][0]
        xs = [int((m - origin).total_seconds() // 60) for m, _ in series]
        ax.bar(xs, [c for _, c in series], width=0.9, color="#3b82f6")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        for number, moment in record.question_times.items():
            x = (_minute(moment, zone) - origin).total_seconds() // 60
            ax.axvline(x, color="#ef4444", linestyle="--", linewidth=1)
            ax.annotate(
                f"Q{number}",
                (x, 1),
                xycoords=("data", "axes fraction"),
                xytext=(2, -12),
                textcoords="offset points",
                color="#b91c1c",
                fontsize=8,
            )
        step = next(s for s in (1, 2, 5, 10, 15, 30, 60, 120, 240) if len(xs) / s <= 12)
        shown = [(x, m) for x, (m, _) in zip(xs, series, strict=True) if m.minute % step == 0]
        ax.set_xticks([x for x, _ in shown], [m.strftime("%H:%M") for _, m in shown])
    else:
        ax.text(0.5, 0.5, "No posts", ha="center", va="center", transform=ax.transAxes)
    ax.set_title(f"{record.hashtag} · {record.local_date} · posts per minute ({record.timezone})")
    ax.set_ylabel("posts")
    ax.spines[["top", "right"]].set_visible(False)

    bars = fig.add_subplot(grid[1])
    top = list(reversed(stats.top_contributors))
    if top:
        bars.barh([f"@{c.username}" for c in top], [c.questions for c in top], color="#10b981")
        bars.set_xlabel("questions answered")
        bars.xaxis.set_major_locator(MaxNLocator(integer=True))
    bars.set_title("Top voices")
    bars.spines[["top", "right"]].set_visible(False)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", metadata={"Software": None})
    return path
