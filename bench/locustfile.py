"""Mixed pages for ``bench_scale``'s load test: roster (page, search, API), reconciliation, subsidies, dashboard.

Run by bench_scale (headless, bounded) with BENCH_COOKIE (a logged-in city-office session) and BENCH_ID
(a whole ID number on the roster) in the environment.
"""

import os

from locust import HttpUser, between, task

YEAR = os.environ.get("BENCH_YEAR", "2021")


class CityOffice(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self):
        self.client.headers["Cookie"] = os.environ["BENCH_COOKIE"]

    @task(3)
    def roster_page(self):
        self.client.get(f"/plans/{YEAR}/households/", name="roster page")

    @task(2)
    def roster_search_name(self):
        self.client.get(f"/api/v1/plans/{YEAR}/households/?q=李小明", name="roster API q=name")

    @task(1)
    def roster_search_short(self):
        self.client.get(f"/plans/{YEAR}/households/?q=李", name="roster page q=surname")

    @task(1)
    def roster_search_id(self):
        self.client.get(f"/api/v1/plans/{YEAR}/households/?q={os.environ['BENCH_ID']}", name="roster API q=ID")

    @task(2)
    def reconciliation(self):
        self.client.get(f"/plans/{YEAR}/reconciliation/", name="reconciliation page")

    @task(1)
    def subsidies(self):
        self.client.get(f"/plans/{YEAR}/subsidies/", name="subsidies page")

    @task(2)
    def dashboard(self):
        self.client.get("/dashboard/", name="dashboard")
