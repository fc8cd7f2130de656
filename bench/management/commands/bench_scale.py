"""Benchmark of the roster at city scale and ten times it (issue 12): one table, 1× beside 10×.

    DATABASE_URL=postgres://…/bench python manage.py bench_scale [--scales 1,10] [--repeat 5] [--load-seconds 60]

On the database given (use a scratch one: it writes up to 893,690 households per plan year, tagged
``bench-scale``, and four more plans, 2022–2025): builds the 2021 annex's roster times each scale, and a
2022 roster as large (bench/scale_data.py), then for each endpoint of the issue's table prints the median
of ``--repeat`` runs, its query count and a floor (the hand-written SQL for the same figures, same run),
and the cross-year check of one import batch (2022 against 2021). Also: the background whole-roster
export (seconds, peak memory, in a child process), a 100,000-row import into the 2022 roster
(``bench_roster --year 2022``: seconds and peak memory, every batch checked against 2021) and a bounded
headless locust load (20 users, 3 gunicorn workers, 127.0.0.1; needs requirements-bench.txt). Run it with the production settings you measure (DEBUG unset, SECRET_KEY,
ALLOWED_HOSTS including 127.0.0.1, PII_KEYS, PII_INDEX_KEY). ``--households N`` builds N instead of the
annex's 89,369 at 1× (the smoke test).
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import scale_data
from counties.models import Plan, Role
from households import roster_page

MANAGE = str(Path(__file__).resolve().parents[3] / "manage.py")
USERS = {"city": Role.CITY_OFFICE, "finance": Role.FINANCE}
COLUMNS = "id, county_id, township, village, head_name, id_number_masked, status, area_m2"


class Command(BaseCommand):
    help = "Roster endpoints at 1× and 10× the 2021 annex: medians, query counts, floors, export, import, load."

    def add_arguments(self, parser):
        parser.add_argument("--scales", default="1,10")
        parser.add_argument("--households", type=int, default=scale_data.ANNEX_TOTAL, help="households at 1×")
        parser.add_argument("--repeat", type=int, default=5)
        parser.add_argument("--load-seconds", type=int, default=60, help="0: no load test")
        parser.add_argument("--import-rows", type=int, default=100_000, help="0: no import benchmark")
        parser.add_argument("--no-export", action="store_true", help="skip the whole-roster export")
        parser.add_argument("--stage", choices=["export"], help="internal: run one stage in this process")

    def handle(self, *args, **options):
        if options["stage"] == "export":
            self.stdout.write(json.dumps(self.export_stage()))
            return
        scales = [int(s) for s in options["scales"].split(",")]
        plan = self.prepare()
        second = Plan.objects.get(year=scale_data.SECOND_YEAR)
        table: dict[str, dict[int, str]] = {}
        done = scale_data.bench_count(plan)
        for scale in scales:
            wanted = options["households"] * scale
            started = time.perf_counter()
            if wanted > done:
                scale_data.grow(plan, households=wanted, done=done)
                done = scale_data.bench_count(plan)
            second_done = scale_data.bench_count(second)
            if wanted > second_done:
                scale_data.grow(
                    second, households=wanted, done=second_done, first_number=scale_data.SECOND_YEAR_FIRST_NUMBER
                )
                second_done = scale_data.bench_count(second)
            scale_data.vacuum()
            self.stdout.write(
                f"{scale}×: {done} households in {plan.year} and {second_done} in {second.year}, "
                f"built in {time.perf_counter() - started:.1f} s"
            )
            for name, figure in self.measure(plan, repeat=options["repeat"]).items():
                table.setdefault(name, {})[scale] = figure
            name, figure = self.cross_year_check(plan, second, repeat=options["repeat"])
            table.setdefault(name, {})[scale] = figure
            name, figure = self.assessment(plan, repeat=options["repeat"])
            table.setdefault(name, {})[scale] = figure
            if not options["no_export"]:
                table.setdefault("whole-roster export (background task)", {})[scale] = self.export()
            if options["import_rows"]:
                name = f"{options['import_rows']:,}-row import into {second.year} (checked against {plan.year})"
                table.setdefault(name, {})[scale] = self.import_(options["import_rows"], year=second.year)
            if options["load_seconds"]:
                table.setdefault("20 clients, mixed pages, 3 workers: p95 / req/s / errors", {})[scale] = self.load(
                    plan, options["load_seconds"]
                )
        self.print_table(table, scales)

    # --- data and users -------------------------------------------------------------------------
    def prepare(self) -> Plan:
        if not Plan.objects.filter(year=2021).exists():
            call_command("load_plan", "2021", stdout=open(os.devnull, "w"))
        from counties.services import user_set_role

        for name, role in USERS.items():
            user_set_role(username=f"bench-{name}", password=None, role=role)
        plan = Plan.objects.get(year=2021)
        scale_data.extra_plans(plan)
        return plan

    def client(self, name: str) -> Client:
        from django.contrib.auth import get_user_model

        hosts = [h for h in settings.ALLOWED_HOSTS if h not in ("*",) and not h.startswith(".")]
        client = Client(HTTP_HOST=hosts[0] if hosts else "127.0.0.1")
        client.force_login(get_user_model().objects.get(username=f"bench-{name}"))
        return client

    # --- endpoints --------------------------------------------------------------------------------
    def endpoints(self, plan: Plan) -> list[tuple[str, str, str, str, list]]:
        """(name, user, url, floor SQL, floor params) for each row of the issue's table."""
        some_id = scale_data.id_number("140802", 12_345 % max(1, scale_data.bench_count(plan)))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT county_id, township, village, id FROM households_household WHERE plan_id = %s "
                "ORDER BY county_id, township, village, id LIMIT 1 OFFSET 49950",
                [plan.pk],
            )
            key = cursor.fetchone()
        deep = ""
        deep_params = [plan.pk]
        if key:
            deep = "a." + roster_page.encode_cursor(
                {"county_id": key[0], "township": key[1], "village": key[2], "pk": key[3]}
            )
            deep_params = [plan.pk, *key]
        order = "ORDER BY county_id, township, village, id LIMIT 51"
        base = f"SELECT {COLUMNS} FROM households_household WHERE plan_id = %s"
        summary = (
            "SELECT county_id, retrofit_type_id, status, SUM(households), SUM(area_m2) FROM households_rostersummary "
            "WHERE plan_id = %s GROUP BY county_id, retrofit_type_id, status"
        )
        from urllib.parse import quote

        from counties.models import County
        from households import pii
        from households.selectors import NAME_MATCH_LIMIT

        api = f"/api/v1/plans/{plan.year}/households/"
        common, short, limit = scale_data.COMMON_NAME, scale_data.COMMON_SHORT_NAME, NAME_MATCH_LIMIT
        yanhu = County.objects.get(code="140802").pk
        return [
            (
                f"roster API ?q={common} (a name held by many, city-wide)",
                "city",
                f"{api}?q={quote(common)}",
                f"{base} AND id IN (SELECT id FROM households_household WHERE plan_id = %s AND head_name LIKE %s "
                f"LIMIT {limit}) {order}",
                [plan.pk, plan.pk, f"{common}%"],
            ),
            (
                f"roster API ?q={short}&county=140802 (two-character name, one county)",
                "city",
                f"{api}?q={quote(short)}&county=140802",
                f"{base} AND id IN (SELECT id FROM households_household WHERE plan_id = %s AND county_id = %s "
                f"AND head_name LIKE %s LIMIT {limit}) {order}",
                [plan.pk, plan.pk, yanhu, f"{short}%"],
            ),
            (
                "roster API ?q=李 (surname: prefix)",
                "city",
                f"{api}?q={quote('李')}",
                f"{base} AND id IN (SELECT id FROM households_household WHERE plan_id = %s AND head_name LIKE %s "
                f"LIMIT {limit}) {order}",
                [plan.pk, plan.pk, "李%"],
            ),
            (
                "roster API ?q=<ID number>",
                "city",
                f"{api}?q={some_id}",
                f"{base} AND id_number_index = %s",
                [plan.pk, pii.id_index(some_id)],
            ),
            (
                "roster API deep page (row 49,950: old ?page=1000)",
                "city",
                f"{api}?cursor={deep}",
                f"{base} AND (county_id, township, village, id) > (%s, %s, %s, %s) {order}" if key else base,
                deep_params,
            ),
            ("roster page, no filter", "city", f"/plans/{plan.year}/households/", f"{base} {order}", [plan.pk]),
            ("reconciliation API", "city", f"/api/v1/plans/{plan.year}/reconciliation/", summary, [plan.pk]),
            ("reconciliation page", "city", f"/plans/{plan.year}/reconciliation/", summary, [plan.pk]),
            ("finance subsidies page", "finance", f"/plans/{plan.year}/subsidies/", summary, [plan.pk]),
            (
                "roster API ?hardship=dibao (one household in ten)",
                "city",
                f"{api}?hardship=dibao",
                f"{base} AND hardship = 'dibao' {order}",
                [plan.pk],
            ),
            (
                "hardship households per county (API)",
                "city",
                f"/api/v1/plans/{plan.year}/hardship/",
                "SELECT county_id, status, COUNT(*) FROM households_household WHERE plan_id = %s "
                "AND NOT (hardship = 'none') GROUP BY county_id, status",
                [plan.pk],
            ),
        ]

    def measure(self, plan: Plan, *, repeat: int) -> dict[str, str]:
        results = {}
        clients = {name: self.client(name) for name in USERS}
        for name, user, url, floor_sql, floor_params in self.endpoints(plan):
            client = clients[user]
            response = client.get(url, secure=True)
            if response.status_code != 200:
                raise CommandError(f"{name}: {url} answered {response.status_code}")
            times = []
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    client.get(url, secure=True)
                    times.append((time.perf_counter() - started) * 1000)
            floors = []
            with connection.cursor() as cursor:
                for _ in range(repeat):
                    started = time.perf_counter()
                    cursor.execute(floor_sql, floor_params)
                    cursor.fetchall()
                    floors.append((time.perf_counter() - started) * 1000)
            results[name] = (
                f"{statistics.median(times):.0f} ms, {len(queries)} q (floor {statistics.median(floors):.1f} ms)"
            )
            self.stdout.write(f"  {name}: {results[name]}")
        return results

    def assessment(self, plan: Plan, *, repeat: int) -> tuple[str, str]:
        """The year-end assessment of every county computed from the records (issue 20: ≤ 1 s at 10×)."""
        from datetime import date

        from assessments.figures import assessment_compute
        from assessments.selectors import scheme_current

        rules = scheme_current(plan=plan).rules
        times = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                assessment_compute(plan=plan, rules=rules, as_of=date(plan.year, 12, 31))
                times.append((time.perf_counter() - started) * 1000)
        figure = f"{statistics.median(times):.0f} ms, {len(queries)} q"
        self.stdout.write(f"  assessment computed (13 counties, every indicator): {figure}")
        return "assessment computed (13 counties, every indicator)", figure

    def cross_year_check(self, plan: Plan, second: Plan, *, repeat: int) -> tuple[str, str]:
        """One batch of an import into the second year checked against the first (selectors.id_numbers_known:
        this year's registrations and earlier years' completions in one query, after one for the plan
        years): half of the batch's IDs completed in the first year, half new."""
        from households.models import Household
        from households.selectors import DONE_STATUSES, REGISTRATION_BATCH, id_numbers_known

        done = list(
            Household.objects.filter(plan=plan, status__in=DONE_STATUSES, note=scale_data.NOTE)
            .order_by()
            .values_list("id_number_index", flat=True)[: REGISTRATION_BATCH // 2]
        )
        from households import pii

        new = [pii.id_index(f"unknown-{i}") for i in range(REGISTRATION_BATCH - len(done))]
        indexes = done + new
        times = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                _registered, found = id_numbers_known(plan=second, indexes=indexes)
                times.append((time.perf_counter() - started) * 1000)
        if len(found) != len(done):
            raise CommandError(f"cross-year check found {len(found)} of {len(done)}")
        name = f"cross-year check, one import batch of {len(indexes):,} IDs ({second.year} against {plan.year})"
        figure = f"{statistics.median(times):.0f} ms, {len(queries)} q"
        self.stdout.write(f"  {name}: {figure}")
        return name, figure

    # --- export, import, load ---------------------------------------------------------------------
    def export_stage(self) -> dict:
        from django.contrib.auth import get_user_model

        from core.exports import write_xlsx_fast  # noqa: F401  (loaded before the clock starts)
        from households import roster_jobs
        from households.models import RosterExport

        plan = Plan.objects.get(year=2021)
        export = RosterExport.objects.create(user=get_user_model().objects.get(username="bench-city"), plan=plan)
        started = time.perf_counter()
        rows = roster_jobs.roster_export_write(export.pk)
        seconds = time.perf_counter() - started
        export.refresh_from_db()
        size = (roster_jobs.export_dir() / export.file_name).stat().st_size
        roster_jobs._remove_file(export)
        export.delete()
        floor_started = time.perf_counter()
        with connection.cursor() as cursor, tempfile.TemporaryFile("w+") as out:
            cursor.cursor.copy_expert(
                "COPY (SELECT * FROM households_household WHERE plan_id = "
                f"{int(plan.pk)} ORDER BY county_id, township, village, id) TO STDOUT",
                out,
            )
        from bench.management.commands.bench_roster import peak_mb

        return {
            "rows": rows,
            "seconds": round(seconds, 1),
            "peak_mb": round(peak_mb()),
            "mb": round(size / 1e6),
            "floor": round(time.perf_counter() - floor_started, 1),
        }

    def export(self) -> str:
        if connection.vendor != "postgresql":
            return "PostgreSQL only"
        result = self.child(["bench_scale", "--stage", "export"])
        figure = (
            f"{result['seconds']} s, peak {result['peak_mb']} MB, {result['rows']} rows "
            f"({result['mb']} MB; floor COPY {result['floor']} s)"
        )
        self.stdout.write(f"  export: {figure}")
        return figure

    def import_(self, rows: int, *, year: int) -> str:
        completed = subprocess.run(
            [sys.executable, MANAGE, "bench_roster", "--rows", str(rows), "--year", str(year)],
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode != 0:
            return "failed: " + completed.stderr.strip().splitlines()[-1][:200]
        lines = {line.split()[0]: line.split() for line in completed.stdout.splitlines() if line.split()[:1]}
        figure = " / ".join(
            f"{stage} {words[3]} s, peak {words[words.index('peak') + 1]} MB"
            for stage, words in lines.items()
            if stage in ("import", "update")
        )
        self.stdout.write(f"  import: {figure}")
        return figure

    def child(self, args: list[str]) -> dict:
        completed = subprocess.run([sys.executable, MANAGE, *args], capture_output=True, text=True, check=False)
        if completed.returncode != 0:
            raise CommandError(f"{args}: {completed.stderr[-2000:]}")
        return json.loads(completed.stdout.strip().splitlines()[-1])

    def load(self, plan: Plan, seconds: int) -> str:
        # Not imported here: importing locust monkey-patches this process with gevent.
        if importlib.util.find_spec("locust") is None:
            return "locust not installed (pip install -r requirements-bench.txt)"
        client = self.client("city")
        cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        port = 8765
        env = {**os.environ, "BENCH_COOKIE": cookie, "BENCH_ID": scale_data.id_number("140802", 12_345)}
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "yuncheng_heating.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "3",
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            cwd=Path(MANAGE).parent,
            env=env,
        )
        try:
            self.wait_for(port)
            with tempfile.TemporaryDirectory() as tmp:
                prefix = str(Path(tmp) / "load")
                subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "locust",
                        "-f",
                        str(Path(MANAGE).parent / "bench" / "locustfile.py"),
                        "--headless",
                        "-u",
                        "20",
                        "-r",
                        "20",
                        "-t",
                        f"{seconds}s",
                        "--host",
                        f"http://127.0.0.1:{port}",
                        "--csv",
                        prefix,
                        "--only-summary",
                        "--loglevel",
                        "WARNING",
                    ],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=False,
                    timeout=seconds + 120,
                )
                with open(f"{prefix}_stats.csv", newline="") as stats:
                    total = next(r for r in csv.DictReader(stats) if r["Name"] == "Aggregated")
        finally:
            server.terminate()
            server.wait(timeout=30)
        figure = f"{float(total['95%']) / 1000:.2f} s / {float(total['Requests/s']):.1f} / {total['Failure Count']}"
        self.stdout.write(f"  load: p95 / req/s / errors = {figure}")
        return figure

    def wait_for(self, port: int) -> None:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.3)
        raise CommandError("gunicorn did not start")

    def print_table(self, table: dict[str, dict[int, str]], scales: list[int]) -> None:
        head = " | ".join(f"{s}×" for s in scales)
        self.stdout.write(f"\n| endpoint (median) | {head} |\n|---|" + "---|" * len(scales))
        for name, figures in table.items():
            self.stdout.write(f"| {name} | " + " | ".join(figures.get(s, "") for s in scales) + " |")
        self.stdout.write(f"\n{connection.vendor}, {os.cpu_count()} cores")
