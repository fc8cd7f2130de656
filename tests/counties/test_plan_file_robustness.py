"""A plan file of any JSON shape is refused with messages, never a traceback (parse_plan and load_plan)."""

import copy
import json

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counties.models import Plan
from counties.plan_file import PlanData, PlanFileError, parse_plan
from tests.counties.test_plan_loading import shipped_plan, write_plan

SHIPPED = shipped_plan()
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=8,
)


def _paths(value, prefix=()):
    """Every place in the shipped plan where a value sits (dict keys, list indexes)."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:3]):
            yield from _paths(item, (*prefix, index))


PATHS = [p for p in _paths(SHIPPED) if p]


def _replace(data, path, value):
    data = copy.deepcopy(data)
    target = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return data


def _parse(data):
    try:
        return parse_plan(data, known_counties=set(), known_types=set())
    except PlanFileError as exc:
        assert exc.errors and all(isinstance(e, str) and e for e in exc.errors)
        return exc


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(PATHS), value=JSON_VALUES)
def test_any_value_anywhere_in_the_plan_file_is_a_message_never_a_crash(path, value):
    result = _parse(_replace(SHIPPED, path, value))
    assert isinstance(result, (PlanData, PlanFileError))


@settings(max_examples=100, deadline=None)
@given(value=JSON_VALUES)
def test_any_json_at_the_top_is_a_message_never_a_crash(value):
    assert isinstance(_parse(value), (PlanData, PlanFileError))


def test_the_totals_given_as_a_list_are_named(db):
    data = _replace(SHIPPED, ("targets", "totals"), [1, 2, 3])
    errors = _parse(data).errors
    assert "合计行（targets.totals）：应为对象（{...}），而不是“[1, 2, 3]”。" in errors


@pytest.mark.parametrize(
    ("path", "value", "fragment"),
    [
        (("targets", "totals"), [1, 2], "合计行"),
        (("targets",), "table", "目标表"),
        (("targets", "rows"), {"county": "140802"}, "目标表的行"),
        (("counties",), 7, "县（市、区）"),
        (("grid_support",), [], "配套电网"),
        (("subsidy_rules", 0), "rule", "补助标准第 1 行"),
        (("title",), {"zh": "方案"}, "方案名称"),
        (("deadline",), 20211031, "完成期限"),
    ],
)
def test_load_plan_with_a_malformed_file_is_a_command_error(db, tmp_path, path, value, fragment):
    with pytest.raises(CommandError, match=fragment):
        call_command("load_plan", write_plan(tmp_path, _replace(SHIPPED, path, value)))
    assert not Plan.objects.exists()


def test_load_plan_with_a_list_at_the_top_or_a_directory_is_a_command_error(db, tmp_path):
    with pytest.raises(CommandError, match="顶层应为对象"):
        call_command("load_plan", write_plan(tmp_path, [SHIPPED]))
    with pytest.raises(CommandError, match="无法读取方案文件"):
        call_command("load_plan", str(tmp_path))
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(CommandError, match="嵌套过深|JSON"):
        call_command("load_plan", str(deep))
    assert json.loads(json.dumps(SHIPPED)) == SHIPPED  # the shipped plan itself was not touched
