"""The docs stay honest: every setting the code reads is documented, and nothing more."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READ_PATTERNS = [
    re.compile(r"\benv(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]+)\""),
    re.compile(r"os\.environ\.get\(\s*\"([A-Z][A-Z0-9_]+)\""),
    re.compile(r"os\.environ\[\s*\"([A-Z][A-Z0-9_]+)\"\s*\]"),
    re.compile(r"os\.getenv\(\s*\"([A-Z][A-Z0-9_]+)\""),
]


def variables_read_by_the_code() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "klankbord").rglob("*.py"):
        if "tests" in path.parts:
            continue
        text = path.read_text()
        for pattern in READ_PATTERNS:
            names.update(pattern.findall(text))
    return names


def variables_documented() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def test_the_scan_finds_the_settings_we_know() -> None:
    assert {"SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL"} <= variables_read_by_the_code()


def test_every_variable_the_code_reads_is_in_env_example() -> None:
    missing = variables_read_by_the_code() - variables_documented()
    assert not missing, f"Document these in .env.example: {sorted(missing)}"


def test_env_example_documents_nothing_the_code_ignores() -> None:
    unused = variables_documented() - variables_read_by_the_code()
    assert not unused, f"These are in .env.example but no code reads them: {sorted(unused)}"


def test_the_readme_quick_start_is_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme
    assert "make test" in readme


def test_every_network_is_documented_for_users() -> None:
    from klankbord.channels.networks import available_networks

    guide = (ROOT / "docs" / "channels.md").read_text().lower()
    names = {"sandbox": "sandbox", "rss": "rss", "mastodon": "mastodon", "bluesky": "bluesky"}
    for connector in available_networks():
        assert f"## {names.get(connector.network, connector.network)}" in guide, connector.network


def test_every_document_the_readme_links_exists() -> None:
    readme = (ROOT / "README.md").read_text()
    for target in re.findall(r"\]\(((?:docs/)[^)]+)\)", readme):
        path, _, anchor = target.partition("#")
        assert (ROOT / path).exists(), target
        if anchor:
            headings = re.findall(r"^#+ (.+)$", (ROOT / path).read_text(), re.MULTILINE)
            assert anchor in {heading_anchor(h) for h in headings}, target


def heading_anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
