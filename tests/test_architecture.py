"""The house rules of the package, checked from its source: layers, cycles, one home for IRIs.

The layer order is written once here and once in ``laborgraph/__init__.py``'s
docstring (a test keeps the two equal). A module may import from its own layer
or any layer below it; nothing imports upwards, and no two modules import each
other, directly or through others (function-level imports count too).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import laborgraph

PACKAGE = Path(laborgraph.__file__).parent
ROOT = PACKAGE.parents[1]

LAYERS: list[tuple[str, set[str]]] = [
    ("base", {"errors", "formats", "vocab", "resources", "model", "ontology", "rdfinput", "tables", "progress",
              "triples", "lazy"}),
    ("load", {"load"}),
    ("build", {"build"}),
    ("validate", {"validate", "findings", "checks", "corroboration", "shaclfast"}),
    ("export", {"export"}),
    ("authoring", {"authoring"}),
    ("query", {"query"}),
    ("incremental", {"incremental"}),
    ("interface", {"cli", "__init__"}),
]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def _layer(module: str) -> int:
    top = module.split(".")[0]
    for i, (_, members) in enumerate(LAYERS):
        if top in members:
            return i
    raise AssertionError(f"module '{module}' belongs to no layer: add it to LAYERS (and to the package docstring)")


def _imports(path: Path) -> set[str]:
    """laborgraph modules imported by ``path``, anywhere in it, as dotted names relative to the package."""
    here = _module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    if path.name == "__init__.py" and here == ["__init__"]:
        package = []
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = [*base, *(node.module.split(".") if node.module else [])]
            elif node.module and node.module.startswith("laborgraph"):
                target = node.module.split(".")[1:]
            else:
                continue
            if not target:  # ``from . import x``: x is a module of this package
                found.update(".".join([*base, alias.name]) for alias in node.names)
            else:
                found.add(".".join(target))
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".", 1)[1] for a in node.names if a.name.startswith("laborgraph."))
    return {_existing(m) for m in found}


def _existing(module: str) -> str:
    """The module a dotted name refers to (``export.rdf.jsonld`` is not a module; ``export.rdf`` is)."""
    parts = module.split(".")
    while parts:
        candidate = PACKAGE.joinpath(*parts)
        if candidate.with_suffix(".py").is_file() or (candidate / "__init__.py").is_file():
            return ".".join(parts)
        parts.pop()
    raise AssertionError(f"import of unknown laborgraph module '{module}'")


def _graph() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def test_every_module_is_in_a_layer_and_no_import_goes_upwards():
    upward = []
    for module, imported in _graph().items():
        for target in imported:
            if _layer(target) > _layer(module):
                upward.append(f"{module} ({LAYERS[_layer(module)][0]}) imports {target} "
                              f"({LAYERS[_layer(target)][0]})")
    assert upward == []


def test_no_import_cycles():
    graph = _graph()
    cycles = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt == node or (nxt in graph.get(node, ()) and node.startswith(nxt + ".")):
                continue  # a package's own __init__ re-exporting its modules is not a cycle
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*stack[stack.index(nxt):], nxt]))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert cycles == []


def test_the_package_docstring_states_the_same_layers():
    doc = laborgraph.__doc__ or ""
    stated = re.findall(r"^    (\w+) {2,}", doc, re.M)
    assert stated == [name for name, _ in LAYERS]


def test_the_namespace_iri_is_written_only_in_vocab():
    offenders = [str(p.relative_to(ROOT)) for p in PACKAGE.rglob("*.py")
                 if p.name != "vocab.py" and "w3id.org/laborgraph" in p.read_text(encoding="utf-8")]
    assert offenders == []


def test_no_module_finds_files_by_climbing_out_of_the_package():
    offenders = [str(p.relative_to(ROOT)) for p in PACKAGE.rglob("*.py")
                 if re.search(r"parents\[\d\]", p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_modules_stay_small_or_say_why():
    """No module over 400 lines without a first-docstring line saying why (``Long: ...``)."""
    long = [f"{p.relative_to(ROOT)} ({n} lines)" for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400
            and "Long:" not in (ast.get_docstring(ast.parse(p.read_text(encoding="utf-8"))) or "")]
    assert long == []


def test_only_the_cli_imports_click():
    users = [_module_name(p) for p in PACKAGE.rglob("*.py")
             if re.search(r"^\s*(import click|from click)", p.read_text(encoding="utf-8"), re.M)]
    assert users == ["cli"]


def _named_in(text: str) -> set[str]:
    return set(re.findall(r"\b([a-z_]+\.py|[a-z_]+/)(?=[\s`),.]|$)", text))


def test_every_module_the_docs_name_exists():
    """docs/architecture.md and README's Layout section name only modules and folders that exist."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    named = _named_in((ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")) | _named_in(layout)
    present = {p.name for p in PACKAGE.rglob("*.py")} | {f"{p.name}/" for p in PACKAGE.rglob("*") if p.is_dir()}
    ours = [p for p in ROOT.rglob("*") if not {".venv", ".git", "build", "node_modules"} & set(p.parts)]
    present |= {f"{p.name}/" for p in ours if p.is_dir()} | {p.name for p in ours if p.suffix == ".py"}
    missing = sorted(n for n in named if n not in present)
    assert missing == []
