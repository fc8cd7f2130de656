"""Test hygiene, checked on the tests themselves: every ``pytest.raises`` names the message it expects."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent

# Folders under tests/ whose modules are checked ("." is the modules at the top of tests/ only).
# The remaining folders (api, dashboard, households, inspections, reports, subsidies) are added as they
# are cleaned.
CHECKED = [".", "accounts", "bench", "browser", "core", "counties"]


def raises_without_match(source: str, filename: str = "<source>") -> list[int]:
    """The line of every ``pytest.raises(...)`` (or a bare imported ``raises(...)``) call that has no ``match=``."""
    lines = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        is_raises = (
            isinstance(func, ast.Attribute)
            and func.attr == "raises"
            and isinstance(func.value, ast.Name)
            and func.value.id == "pytest"
        ) or (isinstance(func, ast.Name) and func.id == "raises")
        if is_raises and not any(keyword.arg == "match" for keyword in node.keywords):
            lines.append(node.lineno)
    return sorted(lines)


def checked_modules() -> list[Path]:
    return sorted(path for folder in CHECKED for path in (TESTS / folder).glob("*.py"))


def test_the_checker_finds_a_raises_without_match_and_accepts_one_with_it():
    source = (
        "import pytest\n"
        "from pytest import raises\n"
        "with pytest.raises(ValueError):\n    pass\n"
        "with pytest.raises(ValueError, match='bad'):\n    pass\n"
        "with raises(KeyError):\n    pass\n"
    )
    assert raises_without_match(source) == [3, 7]


def test_every_checked_folder_exists_and_holds_test_modules():
    for folder in CHECKED:
        assert list((TESTS / folder).glob("test_*.py")), folder


def test_every_pytest_raises_in_the_checked_folders_names_the_message_it_expects():
    offenders = [
        f"{path.relative_to(TESTS.parent)}:{line}"
        for path in checked_modules()
        for line in raises_without_match(path.read_text(encoding="utf-8"), str(path))
    ]
    assert offenders == [], "pytest.raises(...) without match=: " + ", ".join(offenders)
