"""The activity picture: posts per minute with question markers, and the top voices.

matplotlib is imported when a chart is drawn, never when ``chatbot`` is imported,
and draws through the Agg canvas directly (no pyplot, no global backend state).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from chatbot.domain.posts import Network
from chatbot.recap.model import ChatRecord, network_name
from chatbot.recap.stats import ChatStats, posts_per_minute

# Each network's bars, when a chat spans several: X's blue as before, Bluesky's sky
# blue, Mastodon's purple.
COLOURS = {"x": "#3b82f6", "bluesky": "#0ea5e9", "mastodon": "#8b5cf6"}


def _minute(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone).replace(second=0, microsecond=0)


def per_minute(record: ChatRecord) -> list[tuple[datetime, int]]:
    """Posts in each local minute from the first question (or post) to the last post."""
    zone = ZoneInfo(record.timezone)
    counts = posts_per_minute(record.posts, zone)
    moments = list(counts) + [_minute(t, zone) for t in record.question_times.values()]
    if not moments:
        return []
    start, end = min(moments), max(moments)
    out = []
    while start <= end:
        out.append((start, counts.get(start, 0)))
        start += timedelta(minutes=1)
    return out


def per_minute_by_network(record: ChatRecord, minutes: list[datetime]) -> dict[str, list[int]]:
    """Each network's posts in each of ``minutes`` (local minutes, as ``per_minute``)."""
    zone = ZoneInfo(record.timezone)
    found: dict[str, list[int]] = {}
    for network in record.networks:
        counts = posts_per_minute([p for p in record.posts if p.network is network], zone)
        found[network.value] = [counts.get(minute, 0) for minute in minutes]
    return found


def load_matplotlib() -> None:
    """Import the parts of matplotlib a chart needs, on its Agg backend (once: later calls
    cost nothing). ``chatbot run`` calls it at start-up (``chatbot.heap``)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.backends.backend_agg
    import matplotlib.figure
    import matplotlib.ticker


def draw_activity(record: ChatRecord, stats: ChatStats, path: Path) -> Path:
    """Draw ``activity.png`` and return its path."""
    load_matplotlib()
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
        if record.networks == (Network.X,):
            ax.bar(xs, [c for _, c in series], width=0.9, color="#3b82f6")
        else:  # stacked, one colour a network
            bottom = [0] * len(xs)
            by_network = per_minute_by_network(record, [m for m, _ in series])
            for name, counts in by_network.items():
                label = network_name(name)
                ax.bar(xs, counts, width=0.9, bottom=bottom, color=COLOURS[name], label=label)
                bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
            ax.legend(loc="upper right", fontsize=8, frameon=False)
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
        several = record.networks != (Network.X,)
        labels = [
            f"@{c.username} ({network_name(c.network)})" if several else f"@{c.username}"
            for c in top
        ]
        bars.barh(labels, [c.questions for c in top], color="#10b981")
        bars.set_xlabel("questions answered")
        bars.xaxis.set_major_locator(MaxNLocator(integer=True))
    bars.set_title("Top voices")
    bars.spines[["top", "right"]].set_visible(False)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", metadata={"Software": None})
    return path
