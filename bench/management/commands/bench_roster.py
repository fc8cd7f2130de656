"""Benchmark of the roster: import (create), re-import (update) and export of N generated households.

    python manage.py bench_roster --rows 100000

Each stage also reports the time spent in households.pii (SM4-GCM encryption and decryption, the
HMAC-SM3 blind index) and its share of the stage.

Runs on the current DATABASE_URL (use a development database: the benchmark's households are
written there and deleted afterwards). Each stage runs in its own process so that its peak memory
(maximum resident set size, whole process including Django) is measured on its own.
"""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import xlsxwriter
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from counties.models import County, Plan, Role
from households import importer, roster_summary

BENCH_USER = "bench-roster"
BENCH_NOTE = "bench"
STAGES = ("import", "update", "export")
# The goals per stage: seconds, and peak memory in MB (None: no memory goal).
GOALS = {"import": (10, 250), "update": (20, None), "export": (7, 150)}
TYPES = [("煤改电", ""), ("煤改气", ""), ("集中供热", ""), ("既有建筑节能改造", 96.5)]


def bench_id(index: int) -> str:
    birth = date(1940, 1, 1) + timedelta(days=index // 900)
    body = f"142799{birth:%Y%m%d}{index % 900 + 100:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


def write_workbook(path: Path, rows: int, counties: list[str]) -> None:
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("花名册")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, [importer.COUNTY, *importer.HEADERS])
    completed = date(2021, 9, 15)
    for i in range(rows):
        type_name, area = TYPES[i % len(TYPES)]
        r = i + 1
        sheet.write_string(r, 0, counties[i % len(counties)])
        sheet.write_string(r, 1, f"第{i % 40 + 1}镇")
        sheet.write_string(r, 2, f"第{i % 400 + 1}村")
        sheet.write_string(r, 3, f"户主{i}")
        sheet.write_string(r, 4, bench_id(i))
        sheet.write_string(r, 5, f"138{i:08d}")
        sheet.write_string(r, 6, type_name)
        sheet.write_string(r, 7, "农村" if i % 3 else "城镇")
        if area:
            sheet.write_number(r, 8, area)
        sheet.write_datetime(r, 9, completed, date_format)
        if i % 10 == 0:
            sheet.write_string(r, 10, "低保户")
        sheet.write_string(r, 11, BENCH_NOTE)
        # column 12 left blank: trailing blank cells, as real rosters have
    workbook.close()


def goal_verdict(stage: str, result: dict) -> str:
    """“goal ≤ 10 s, < 250 MB: met” (the machine's load is printed with it: a shared machine's figures vary)."""
    seconds, megabytes = GOALS[stage]
    met = result["seconds"] <= seconds and (megabytes is None or result["peak_mb"] < megabytes)
    memory = f", < {megabytes} MB" if megabytes else ""
    return f"goal ≤ {seconds} s{memory}: {'met' if met else 'NOT MET'}"


def peak_mb() -> float:
    """Peak resident memory of this process image: VmHWM (reset by exec, unlike ru_maxrss, which
    keeps the parent's size from before the fork)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def delete_bench_rows(plan) -> None:
    """Plain DELETE: Django's collector would load every household to check PROTECTed relations."""
    from households.models import Household

    Household.objects.filter(plan=plan, note=BENCH_NOTE)._raw_delete(Household.objects.db)
    roster_summary.summary_recount(plan_id=plan.pk)


class Command(BaseCommand):
    help = "Benchmark roster import, update and export (rows/s and peak memory)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--in-process", action="store_true", help="run every stage in this process (tests)")
        parser.add_argument("--keep", action="store_true", help="keep the benchmark households afterwards")
        parser.add_argument("--stage", choices=STAGES, help=f"internal: run one stage ({', '.join(STAGES)})")
        parser.add_argument("--workbook", help="internal: the generated workbook")
        parser.add_argument(
            "--year", type=int, default=2021, help="the plan imported into (2022: checked against 2021)"
        )

    def handle(self, *args, **options):
        self.year = options["year"]
        if options["stage"]:
            result = self.run_stage(options["stage"], Path(options["workbook"]), options["rows"])
            self.stdout.write(json.dumps(result))
            return
        rows = options["rows"]
        if rows < 1 or rows > importer.MAX_ROWS:
            raise CommandError(f"--rows must be between 1 and {importer.MAX_ROWS}")
        self.year = options["year"]
        plan = self.prepare()
        from households.models import Household

        if Household.objects.filter(plan=plan).exclude(note=BENCH_NOTE).exists():
            self.stderr.write("note: the plan already has households; benchmark IDs use the unused prefix 142799.")
        delete_bench_rows(plan)
        engine = self.engine()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "roster.xlsx"
            counties = list(County.objects.filter(files_reports=True).values_list("name", flat=True))
            started = time.perf_counter()
            write_workbook(path, rows, counties)
            self.stdout.write(
                f"bench_roster: {rows} rows on {engine}; workbook {path.stat().st_size / 1024 / 1024:.1f} MB "
                f"generated in {time.perf_counter() - started:.1f} s"
            )
            results = []
            try:
                for stage in STAGES:
                    if options["in_process"]:
                        result = self.run_stage(stage, path, rows)
                    else:
                        result = self.run_child(stage, path, rows)
                    results.append(result)
                    crypto = result["crypto"]
                    self.stdout.write(
                        f"{stage:<7} {result['rows']:>7} rows  {result['seconds']:>6.2f} s  "
                        f"{result['rows_per_second']:>8.0f} rows/s  peak {result['peak_mb']:.0f} MB  "
                        f"encryption {sum(crypto.values()):.2f} s "
                        f"({100 * sum(crypto.values()) / max(result['seconds'], 1e-9):.0f} %: "
                        + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in crypto.items() if seconds)
                        + f"); {goal_verdict(stage, result)}; load {os.getloadavg()[0]:.2f}"
                    )
            finally:
                if not options["keep"]:
                    delete_bench_rows(plan)
        return None

    def engine(self) -> str:
        from django.db import connection

        return connection.vendor

    def prepare(self) -> Plan:
        if not Plan.objects.filter(year=2021).exists():
            call_command("load_plan", "2021", stdout=io.StringIO())
        from counties.services import user_set_role

        user_set_role(username=BENCH_USER, password=None, role=Role.CITY_OFFICE)
        return Plan.objects.get(year=self.year)

    def run_child(self, stage: str, path: Path, rows: int) -> dict:
        command = [sys.executable, sys.argv[0], "bench_roster", "--stage", stage, "--workbook", str(path)]
        command += ["--rows", str(rows), "--year", str(self.year)]
        if not sys.argv[0].endswith("manage.py"):
            command[1] = str(Path(__file__).resolve().parents[3] / "manage.py")
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
        if completed.returncode != 0:
            raise CommandError(f"stage {stage} failed:\n{completed.stderr[-3000:]}")
        return json.loads(completed.stdout.strip().splitlines()[-1])

    def run_stage(self, stage: str, path: Path, rows: int) -> dict:
        from django.contrib.auth import get_user_model

        from core.exports import write_xlsx_fast
        from households import pii, services
        from households.models import Household
        from households.roster_export import export_sheet
        from households.selectors import household_rows, households_for_user, subsidy_rates

        user = get_user_model().objects.get(username=BENCH_USER)
        plan = Plan.objects.get(year=self.year)
        for name in pii.TIMINGS:
            pii.TIMINGS[name] = 0.0
        started = time.perf_counter()
        if stage in ("import", "update"):
            with open(path, "rb") as fileobj:
                result = services.household_import(
                    user=user,
                    plan=plan,
                    fileobj=fileobj,
                    size=path.stat().st_size,
                    mode="create" if stage == "import" else "update",
                )
            if not result.ok:
                raise CommandError(f"{stage}: {len(result.problems)} problems, first {result.problems[:3]}")
            count = result.created + result.updated
        else:
            queryset = households_for_user(user=user, plan=plan).filter(note=BENCH_NOTE)
            counted = 0

            def counting(rows_):
                nonlocal counted
                for r in rows_:
                    counted += 1
                    yield r

            with tempfile.TemporaryFile() as out:
                rows_iter = household_rows(
                    queryset.order_by("county_id", "township", "village", "id"),
                    whole_ids=True,
                    rates=subsidy_rates(plan=plan),
                )
                write_xlsx_fast(export_sheet(counting(rows_iter), title="bench"), out)
            count = counted
        seconds = time.perf_counter() - started
        if count != rows or Household.objects.filter(plan=plan, note=BENCH_NOTE).count() != rows:
            raise CommandError(f"{stage}: expected {rows} rows, got {count}")
        return {
            "stage": stage,
            "rows": count,
            "seconds": round(seconds, 3),
            "rows_per_second": round(count / seconds) if seconds else 0,
            "peak_mb": round(peak_mb(), 1),
            # Time inside households.pii: SM4-GCM encryption/decryption and the HMAC-SM3 index.
            "crypto": {name: round(seconds, 3) for name, seconds in pii.TIMINGS.items()},
        }
