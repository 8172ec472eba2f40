"""Measure (analytics) sits on top of publishing and the plan: it reads posts and the plan, so
neither of them imports it, not even inside a function. Their pages reach Measure through its
template tags instead."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]  # klankbord/
BELOW_MEASURE = ["strategy", "publishing"]
MEASURE = "klankbord.analytics"


def _is_measure(name: str) -> bool:
    return name == MEASURE or name.startswith(MEASURE + ".")


def measure_imports(source: str, module: str) -> list[str]:
    """Each import of Measure in a module's source, as `line: name`; relative ones resolved."""
    package = module.rsplit(".", 1)[0].split(".")
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            names = [target] + [f"{target}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            # A dotted path imported lazily, e.g. with import_module or in a registry.
            names = [node.value]
        found += [(node.lineno, name) for name in names if _is_measure(name)][:1]
    return [f"{line}: {name}" for line, name in sorted(found)]


def modules_of(app: str) -> list[Path]:
    folder = PACKAGE / app
    return sorted(
        path for path in folder.rglob("*.py") if "tests" not in path.relative_to(folder).parts
    )


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


@pytest.mark.parametrize("app", BELOW_MEASURE)
def test_publishing_and_the_plan_never_import_measure(app: str) -> None:
    modules = modules_of(app)
    assert modules, app
    offending = {
        module_name(path): found
        for path in modules
        if (found := measure_imports(path.read_text(encoding="utf-8"), module_name(path)))
    }
    assert offending == {}


def test_the_check_sees_every_way_of_importing() -> None:
    source = (
        "import klankbord.analytics.metrics\n"
        "from klankbord.analytics import results\n"
        "def later():\n"
        "    from klankbord.analytics.moments import active_moments\n"
        "from .. import analytics\n"
        "from ..analytics.texts import moment_rows\n"
        "PATHS = {'x': 'klankbord.analytics.collect.run'}\n"
        "from klankbord.analyticsx import nothing\n"
        "from klankbord.strategy import rules\n"
        '"""Measure (analytics.review) shows it."""\n'
    )
    assert measure_imports(source, "klankbord.strategy.views") == [
        "1: klankbord.analytics.metrics",
        "2: klankbord.analytics",
        "4: klankbord.analytics.moments",
        "5: klankbord.analytics",
        "6: klankbord.analytics.texts",
        "7: klankbord.analytics.collect.run",
    ]
