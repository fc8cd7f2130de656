"""Test hygiene, checked on the tests themselves: every ``pytest.raises`` names the message it expects."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


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
    """Every module under tests/, new folders included."""
    return sorted(TESTS.rglob("*.py"))


def test_the_checker_finds_a_raises_without_match_and_accepts_one_with_it():
    source = (
        "import pytest\n"
        "from pytest import raises\n"
        "with pytest.raises(ValueError):\n    pass\n"
        "with pytest.raises(ValueError, match='bad'):\n    pass\n"
        "with raises(KeyError):\n    pass\n"
    )
    assert raises_without_match(source) == [3, 7]


def test_the_check_covers_every_folder_of_tests():
    folders = {path.parent.name for path in checked_modules()}
    assert {"accounts", "api", "dashboard", "households", "inspections", "reports", "subsidies"} <= folders


def test_every_pytest_raises_in_the_tests_names_the_message_it_expects():
    offenders = [
        f"{path.relative_to(TESTS.parent)}:{line}"
        for path in checked_modules()
        for line in raises_without_match(path.read_text(encoding="utf-8"), str(path))
    ]
    assert offenders == [], "pytest.raises(...) without match=: " + ", ".join(offenders)
