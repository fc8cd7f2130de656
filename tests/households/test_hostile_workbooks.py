"""Hostile roster workbooks (issue 9): refused with a Chinese message in the API's error shape, fast, in bounded memory."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from households.models import Household
from tests import hostile_xlsx as h
from tests.households.helpers import post_import, row, workbook

ROOT = Path(__file__).resolve().parents[2]

HOSTILE = {
    "cell_at_XFD1048576": (lambda: h.one_cell_at("XFD1048576"), "too_many_columns"),
    "cell_at_AAA200001": (lambda: h.one_cell_at("AAA200001"), "too_many_columns"),
    "cell_at_NTP10000": (lambda: h.one_cell_at("NTP10000"), "too_many_columns"),
    "dimension_A1_XFD1048576": (lambda: h.workbook(h.sheet(dimension="A1:XFD1048576")), "too_many_columns"),
    "row_300000": (lambda: h.one_cell_at("A300000"), "too_many_rows"),
    "16M_identical_cells": (h.bomb, "zip_bomb"),
    "xlsm_with_vba_project": (
        lambda: h.workbook(h.sheet(), main=h.XLSM_MAIN, extra_parts={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"}),
        "macro_enabled",
    ),
    "xltx_template": (lambda: h.workbook(h.sheet(), main=h.XLTX_MAIN), "template"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_workbook_gets_a_400_in_the_error_shape_within_five_seconds(api, users, name):
    build, code = HOSTILE[name]
    content = build()
    started = time.perf_counter()
    response = post_import(api(users["clerk"]), content)
    elapsed = time.perf_counter() - started
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == code and set(body) >= {"code", "detail"}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"])  # a Chinese message
    assert elapsed < 5
    assert Household.objects.count() == 0


@pytest.mark.django_db
def test_the_process_keeps_serving_imports_after_hostile_uploads(api, users):
    client = api(users["clerk"])
    for build, _code in HOSTILE.values():
        assert post_import(client, build()).status_code == 400
    assert post_import(client, workbook([row(1), row(2)])).status_code == 201


# Run in a fresh process: peak resident memory is that process's own, and an abort (SIGABRT on a
# 512 GiB allocation) shows as a return code instead of killing the test run.
MEASURE = """
import io, json, resource, sys, time
import django
django.setup()
from counties.admin import GuardedXLSX
from households import importer
from tests import hostile_xlsx
from tests.households.test_hostile_workbooks import HOSTILE
from core.xlsx_guard import WorkbookRefused

def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

files = {name: build() for name, (build, _code) in HOSTILE.items()}
baseline = peak_mb()
results = {}
for name, content in files.items():
    for reader in ("roster", "admin"):
        started = time.perf_counter()
        try:
            if reader == "roster":
                importer.open_rows(io.BytesIO(content), len(content))
            else:
                GuardedXLSX().create_dataset(content)
            outcome = "read"
        except importer.ImportFileError as exc:
            outcome = exc.code
        except WorkbookRefused as exc:
            outcome = exc.code
        results[f"{reader}:{name}"] = [outcome, time.perf_counter() - started]
print(json.dumps({"baseline": baseline, "peak": peak_mb(), "results": results}))
"""


def test_every_hostile_workbook_is_refused_by_both_readers_with_under_300_mb_extra_memory():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "yuncheng_heating.settings", "DEBUG": "1"}
    done = subprocess.run(
        [sys.executable, "-c", MEASURE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    for name, (_build, code) in HOSTILE.items():
        for reader in ("roster", "admin"):
            outcome, seconds = report["results"][f"{reader}:{name}"]
            assert (reader, name, outcome) == (reader, name, code)
            assert seconds < 5, (reader, name, seconds)
    assert report["peak"] - report["baseline"] < 300, report
