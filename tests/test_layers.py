"""The layers keep their direction: no import circles, no arrow from the core to an adapter."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "chatbot"


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, *, typing: bool = False) -> set[str]:
    """Modules ``path`` imports; ``if TYPE_CHECKING:`` blocks only when ``typing``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    checking = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for stmt in block.body
        for node in ast.walk(stmt)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in checking and not typing:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = {f"{node.module}.{alias.name}" for alias in node.names}
            submodules = {name for name in names if name in MODULES}
            # "from package import submodule" needs the submodule, not the package's body.
            found.update(submodules or {node.module})
    return found


FILES = [path for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts]
MODULES = {_module(path) for path in FILES}
GRAPH = {_module(path): _imports(path) for path in FILES}
TYPED = {_module(path): _imports(path, typing=True) for path in FILES}
CORE = (
    "chatbot.domain",
    "chatbot.render",
    "chatbot.recap",
    "chatbot.hosting",
    "chatbot.ports",
    "chatbot.storage",
)


def _circles(graph: dict[str, set[str]], modules: list[str]) -> list[str]:
    """The modules from which an import path leads back to themselves."""
    found = []
    for start in modules:
        seen: set[str] = set()
        todo = [name for name in graph[start] if name in graph]
        while todo:
            name = todo.pop()
            if name == start:
                found.append(start)
                break
            if name not in seen:
                seen.add(name)
                todo.extend(n for n in graph[name] if n in graph)
    return found


def test_no_module_imports_itself_back_through_others() -> None:
    assert _circles(GRAPH, list(GRAPH)) == []


def test_the_core_has_no_circle_even_through_type_only_imports() -> None:
    core = {m: names for m, names in TYPED.items() if m.startswith(CORE)}
    assert _circles(core, list(core)) == []


ADAPTERS = (
    "chatbot.x",
    "chatbot.bluesky",
    "chatbot.mastodon",
    "chatbot.storage",
    "chatbot.discord_adapter",
    "chatbot.emulator",
    "atproto",
    "mastodon",
)
RULES = [
    ("chatbot.domain", (*ADAPTERS, "chatbot.hosting", "chatbot.recap", "sqlmodel", "discord")),
    ("chatbot.render", (*ADAPTERS, "chatbot.hosting", "chatbot.recap", "sqlmodel", "discord")),
    ("chatbot.recap", (*ADAPTERS, "chatbot.hosting", "sqlmodel", "sqlalchemy", "discord")),
    ("chatbot.hosting", (*ADAPTERS, "sqlmodel", "sqlalchemy", "discord", "tweepy")),
    ("chatbot.ports", (*ADAPTERS, "chatbot.hosting", "sqlmodel", "sqlalchemy")),
]


@pytest.mark.parametrize(("layer", "forbidden"), RULES, ids=[rule[0] for rule in RULES])
def test_the_core_imports_no_adapter(layer: str, forbidden: tuple[str, ...]) -> None:
    wrong = sorted(
        f"{module} imports {name}"
        for module, names in GRAPH.items()
        if module == layer or module.startswith(f"{layer}.")
        for name in names
        if any(name == f or name.startswith(f"{f}.") for f in forbidden)
    )
    assert wrong == []


EMULATOR_MAY_NOT_IMPORT = (
    "chatbot.x",
    "chatbot.bluesky",
    "chatbot.mastodon",
    "chatbot.render",
    "chatbot.domain",
    "chatbot.recap",
    "chatbot.hosting",
    "chatbot.storage",
    "chatbot.ports",
)


def test_the_emulators_share_no_code_with_the_adapters_or_the_core() -> None:
    """An emulator written from the network's documentation, not from the adapter's code,
    can catch the adapter's mistakes; one that imports them agrees by construction. Type-only
    imports count too, and so do imports through any other chatbot module."""
    wrong = []
    for module, names in TYPED.items():
        if not module.startswith("chatbot.emulator"):
            continue
        todo, seen = sorted(names), set()
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            if any(name == f or name.startswith(f"{f}.") for f in EMULATOR_MAY_NOT_IMPORT):
                wrong.append(f"{module} imports {name}")
            elif name in TYPED:
                todo.extend(TYPED[name])
    assert wrong == []
