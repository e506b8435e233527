"""Before and after side by side: run a benchmark in two checkouts, print one table.

Each checkout runs its own copy of the script with its own virtualenv
(``<checkout>/.venv/bin/python``), one after the other on this machine, with the same
arguments; the figures are read from what each prints. ``scale`` runs this checkout
twice: with X's emulator in the same process, as the older script always ran it (like
with like), and on its own (the bot alone: its CPU time, RSS and garbage collector).
``startup`` times ``chatbot --help`` and ``chatbot check`` in both.

    git worktree add /tmp/before b9c0d93      # the commit issue 15 starts at
    python3 -m venv /tmp/before/.venv
    /tmp/before/.venv/bin/pip install -c constraints.txt -e '/tmp/before[dev]'
    /tmp/venv/bin/python bench/compare.py --before /tmp/before scale [--posts 50000]
    /tmp/venv/bin/python bench/compare.py --before /tmp/before punctuality [--rate 2000]
    /tmp/venv/bin/python bench/compare.py --before /tmp/before startup
"""

from __future__ import annotations

import argparse
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

from _rig import cpu_model, table

HERE = Path(__file__).resolve().parents[1]
CPU: dict[str, float] = {}  # each run's CPU time (user + system, all its processes)
# Steps renamed since: the older name on the left.
RENAMED = {
    "recap: render_markdown": "recap: write_markdown",
    "recap: render_html": "recap: write_html",
}


def run(checkout: Path, script: str, args: list[str], log: Path | None, name: str) -> str:
    """Run ``bench/<script>.py`` of a checkout and return what it printed; its CPU time
    (all its processes) is kept in ``CPU`` under ``name``."""
    venv = checkout / ".venv" / "bin" / "python"
    python = str(venv) if venv.exists() else sys.executable
    command = [python, str(checkout / "bench" / f"{script}.py"), *args]
    print(f"$ {' '.join(command)}", file=sys.stderr, flush=True)
    began = _children_cpu()
    done = subprocess.run(command, cwd=checkout, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    CPU[name] = _children_cpu() - began
    if log:
        log.write_text(done.stdout, encoding="utf-8")
    return done.stdout


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def tables(text: str) -> dict[str, dict[str, dict[str, str]]]:
    """Every table ``_rig.table`` printed, by its first header: row name -> column -> cell."""
    lines = text.splitlines()
    found: dict[str, dict[str, dict[str, str]]] = {}
    for i in range(1, len(lines)):
        if not lines[i].startswith("-") or set(lines[i]) - {"-", " "}:
            continue
        spans = [m.span() for m in re.finditer(r"-+", lines[i])]
        spans[-1] = (spans[-1][0], 10_000)
        headers = [lines[i - 1][a:b].strip() for a, b in spans]
        rows: dict[str, dict[str, str]] = {}
        for line in lines[i + 1 :]:
            if not line.strip():
                break
            cells = [line[a:b].strip() for a, b in spans]
            rows[RENAMED.get(cells[0], cells[0])] = dict(zip(headers, cells, strict=True))
        found[headers[0]] = rows
    return found


def line(text: str, prefix: str) -> str:
    """The first line that starts with ``prefix``, without it ('' when none does)."""
    return next((s[len(prefix) :] for s in text.splitlines() if s.startswith(prefix)), "")


def number(cell: str | None) -> float | None:
    """A printed figure as a number (None for '-' or nothing)."""
    try:
        return float((cell or "").replace(",", ""))
    except ValueError:
        return None


def ratio(before: float | None, after: float | None) -> str:
    """How many times smaller the after figure is ('' when unknown)."""
    if not before or not after:
        return ""
    return f"÷{before / after:.1f}" if after <= before else f"×{after / before:.1f}"


def side_by_side(
    name: str, rows: list[str], columns: list[tuple[str, dict[str, dict[str, str]], str]]
) -> str:
    """A table of ``rows``: for each (title, table, column), the cell, then before/after."""
    out = []
    for row in rows:
        cells: list[object] = [row]
        values = [number(source.get(row, {}).get(column)) for _, source, column in columns]
        cells += ["-" if v is None else v for v in values]
        cells.append(ratio(values[0], values[1]))
        out.append(cells)
    return table([name, *(title for title, _, _ in columns), "before/after"], out)


def compare_scale(before: str, after: str, alone: str) -> None:
    """The scale benchmark's phases, their insides and the garbage collector."""
    b, a, solo = tables(before), tables(after), tables(alone)
    phases = list(a["phase"])
    runs = (("before", b), ("after", a), ("after, bot alone", solo))
    walls = [(title, t["phase"], "seconds") for title, t in runs]
    print(side_by_side("phase (wall s)", phases, [*walls, ("its CPU s", solo["phase"], "CPU s")]))
    print()
    rss = [(title, t["phase"], "RSS peak MiB") for title, t in runs]
    print(side_by_side("phase (peak RSS MiB)", phases, rss))
    print()
    pauses = [(title, t["phase"], "longest GC ms") for title, t in runs]
    print(side_by_side("phase (longest GC pause, ms)", phases, pauses))
    print()
    inside = list(dict.fromkeys([*b["inside the phases"], *a["inside the phases"]]))
    steps = [(title, t["inside the phases"], "seconds") for title, t in runs]
    steps.append(("bot alone, CPU s", solo["inside the phases"], "CPU s"))
    print(side_by_side("inside the phases (s)", inside, steps))
    print()
    shared = "garbage collector (all phases, emulator included): "
    print("garbage collector")
    print(f"  before:            {line(before, shared)}")
    print(f"  after:             {line(after, shared)}")
    print(f"  after, bot alone:  {line(alone, 'garbage collector (the bot, all phases): ')}")
    work = line(alone, "the bot's own work ")
    print(f"the bot's own work, after {work}")


def compare_punctuality(before: str, after: str) -> None:
    """Lateness, event-loop lag, garbage collector, memory and where the bot's time went."""
    b, a = tables(before), tables(after)
    for column in ("p50 real s", "p99 real s", "max real s"):
        print(
            side_by_side(
                f"lateness, {column}",
                list(a["lateness"]),
                [("before", b["lateness"], column), ("after", a["lateness"], column)],
            )
        )
        print()
    lag = re.compile(r"p50 ([\d.]+), p99 ([\d.]+), max ([\d.]+)")
    rows = {}
    for title, text in (("before", before), ("after", after)):
        found = lag.search(line(text, "bot's event loop lag"))
        p50, p99, most = found.groups() if found else ("-", "-", "-")
        rss = re.search(r"peak RSS: bot ([\d,]+) MiB", text)
        rows[title] = {"p50": p50, "p99": p99, "max": most, "RSS": rss.group(1) if rss else "-"}
    keyed = {name: {t: rows[t][name] for t in rows} for name in ("p50", "p99", "max", "RSS")}
    print(
        side_by_side(
            "bot's loop lag (ms), RSS (MiB)",
            list(keyed),
            [("before", keyed, "before"), ("after", keyed, "after")],
        )
    )
    print()
    work = list(dict.fromkeys([*b["work (real time)"], *a["work (real time)"]]))
    print(
        side_by_side(
            "work (real s)",
            work,
            [
                ("before", b["work (real time)"], "seconds"),
                ("after", a["work (real time)"], "seconds"),
            ],
        )
    )
    print()
    print("garbage collector")
    print(f"  before: {line(before, 'garbage collector: ')}")
    print(f"  after:  {line(after, 'garbage collector: ')}")


def startup(checkout: Path, argv: list[str], runs: int = 5) -> float:
    """The best of ``runs`` wall times of ``python -m chatbot ARGV`` in a checkout."""
    venv = checkout / ".venv" / "bin" / "python"
    command = [str(venv) if venv.exists() else sys.executable, "-m", "chatbot", *argv]
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run(command, cwd=checkout, capture_output=True, check=False)
        times.append(time.perf_counter() - began)
    return min(times)


def compare_startup(before: Path, after: Path) -> None:
    """How long `chatbot --help` and `chatbot check` take to start and finish."""
    rows = []
    for argv in (["--help"], ["check"], ["check", "."]):
        took = [startup(before, argv), startup(after, argv)]
        rows.append([f"chatbot {' '.join(argv)}", *took, ratio(*took)])
    print(table(["command (best of 5, s)", "before", "after", "before/after"], rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="the older checkout")
    parser.add_argument("--after", type=Path, default=HERE, help="default: this checkout")
    parser.add_argument("--logs", type=Path, help="keep each run's output in this folder")
    parser.add_argument("script", choices=("scale", "punctuality", "startup"))
    parser.add_argument("args", nargs=argparse.REMAINDER, help="passed to both runs")
    options = parser.parse_args()
    logs: dict[str, Path | None] = {}
    for name in ("before", "after", "alone"):
        logs[name] = options.logs / f"{options.script}-{name}.txt" if options.logs else None
    if options.logs:
        options.logs.mkdir(parents=True, exist_ok=True)
    if options.script == "startup":
        print(f"{cpu_model()}; Python {sys.version.split()[0]}")
        compare_startup(options.before, options.after)
        return
    before = run(options.before, options.script, options.args, logs["before"], "before")
    if options.script == "scale":
        same = ["--same-process", *options.args]
        after = run(options.after, "scale", same, logs["after"], "after")
        alone = run(options.after, "scale", options.args, logs["alone"], "after, bot alone")
        print(f"{cpu_model()}; Python {sys.version.split()[0]}; {' '.join(options.args)}")
        print(after.splitlines()[0])
        compare_scale(before, after, alone)
    else:
        after = run(options.after, "punctuality", options.args, logs["after"], "after")
        print(f"{cpu_model()}; Python {sys.version.split()[0]}; {' '.join(options.args)}")
        compare_punctuality(before, after)
    print()
    print(table(["whole run", "CPU s (all its processes)"], [[k, v] for k, v in CPU.items()]))


if __name__ == "__main__":
    main()
