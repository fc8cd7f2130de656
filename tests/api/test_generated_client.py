"""A client generated from the schema (openapi-python-client) works against the running API.

The schema is generated in-process, exactly as ``/api/v1/schema/`` serves it; the generator names the
package from the schema's ASCII ``x-package-name`` (the title is Chinese, which no distribution name may
be), given to it as its config file. The package is imported from the temporary directory, not
installed. Every 2xx JSON answer must parse into a generated model (an untyped response parses to
None), and the errors into the one ``Error`` model.
"""

import importlib
import json
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import httpx
import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

from tests.conftest import PASSWORD
from tests.households.helpers import XLSX, row, workbook

GENERATOR = Path(sys.executable).parent / "openapi-python-client"
# The generated client waits 5 s by default; a loaded CI machine may take longer (a roster import).
TIMEOUT = httpx.Timeout(60.0)


@pytest.fixture
def generated(tmp_path):
    document = SchemaGenerator().get_schema(request=None, public=True)
    schema = json.loads(OpenApiJsonRenderer().render(document, renderer_context={}))
    package = schema["info"]["x-package-name"]
    (tmp_path / "schema.json").write_text(json.dumps(schema), encoding="utf-8")
    # post_hooks: none, the generator's default runs ruff from PATH, which is not a test's business.
    config = f"project_name_override: {schema['info']['x-api-id']}-client\npackage_name_override: {package}\npost_hooks: []\n"
    (tmp_path / "config.yml").write_text(config)
    subprocess.run(
        [str(GENERATOR), "generate", "--path", "schema.json", "--config", "config.yml", "--output-path", "client"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=300,
    )
    sys.path.insert(0, str(tmp_path / "client"))
    try:
        yield lambda name: importlib.import_module(f"{package}.{name}")
    finally:
        sys.path.remove(str(tmp_path / "client"))
        for name in [m for m in sys.modules if m == package or m.startswith(f"{package}.")]:
            del sys.modules[name]


def typed(response, model, status=200):
    assert response.status_code == status, response.content
    assert response.parsed is not None and type(response.parsed) is model, type(response.parsed)
    return response.parsed


@pytest.fixture
def closing():
    """Clients to close at the end: an open keep-alive connection holds a server thread, and with it a
    database session that would block dropping the PostgreSQL test database."""
    clients = []
    yield clients.append
    for client in clients:
        client.get_httpx_client().close()


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_reports_approves_imports_and_reads_a_lock(generated, live_server, users, closing):
    client_module, models = generated("client"), generated("models")
    anonymous = client_module.Client(base_url=live_server.url, raise_on_unexpected_status=True, timeout=TIMEOUT)
    closing(anonymous)
    token_create = generated("api.auth.auth_token_create")

    def sign_in(username):
        body = models.TokenRequestRequest(username=username, password=PASSWORD)
        token = typed(token_create.sync_detailed(client=anonymous, body=body), models.Token).token
        signed_in = client_module.AuthenticatedClient(
            base_url=live_server.url, token=token, prefix="Token", timeout=TIMEOUT
        )
        closing(signed_in)
        return signed_in

    clerk = sign_in("clerk-140802")
    targets = generated("api.plans.plans_targets_retrieve").sync_detailed(year=2021, client=clerk)
    typed(targets, models.Targets)

    line = models.ReportCreateRequestLinesItem.from_dict(
        {"type": "coal_to_electric", "area_class": "rural", "households": 10}
    )
    body = models.ReportCreateRequest(plan=2021, county="140802", period="2021-07", lines=[line], narrative="进展顺利")
    report = typed(generated("api.reports.reports_create").sync_detailed(client=clerk, body=body), models.Report, 201)
    submit = generated("api.reports.reports_submit_create")
    submitted = typed(
        submit.sync_detailed(id=report.id, client=clerk, body=models.ActionRequest(version=report.version)),
        models.Report,
    )
    assert submitted.status == models.ReportStatusEnum.SUBMITTED

    approve = generated("api.reports.reports_approve_create")
    city = sign_in("city")
    approved = typed(approve.sync_detailed(id=report.id, client=city, body=models.ActionRequest()), models.Report)
    assert approved.status == models.ReportStatusEnum.APPROVED

    roster = generated("types").File(
        payload=BytesIO(workbook([row(1), row(2, name="李四")])), file_name="roster.xlsx", mime_type=XLSX
    )
    imported = typed(
        generated("api.plans.plans_households_import_create").sync_detailed(
            year=2021, client=clerk, body=models.ImportRequestRequest(file=roster)
        ),
        models.RosterImportResult,
        201,
    )
    assert (imported.created, imported.updated, imported.rows) == (2, 0, 2)

    household = _an_idle_finding_on_one_of(imported_county="140802")
    summary_read = generated("api.plans.plans_inspections_summary_retrieve")
    summary = typed(summary_read.sync_detailed(year=2021, client=clerk), models.InspectionSummary)
    (yuhu,) = summary.rows
    idle = yuhu.findings["idle"]
    assert (yuhu.county, yuhu.sampled, yuhu.visited, idle.count, idle.rate) == ("140802", 2, 1, 1, "1.0000")
    # ``open`` is a Python builtin: the generator names the attribute ``open_``.
    assert (yuhu.rectifications.open_, yuhu.rectifications.closed) == (1, 0)
    rectifications = typed(
        generated("api.plans.rectifications_list").sync_detailed(year=2021, client=clerk, status=models.RectificationsListStatus.OPEN),
        models.RectificationPage,
    )
    assert rectifications.count == 1
    (item,) = rectifications.results
    assert type(item) is models.Rectification
    assert (item.household, item.finding, item.status, item.county) == (household.pk, "idle", "open", "140802")

    wrong = models.TokenRequestRequest(username="clerk-140881", password="wrong-password")
    answers = [token_create.sync_detailed(client=anonymous, body=wrong) for _ in range(5)]
    assert [a.status_code for a in answers] == [400] * 4 + [429]
    assert type(answers[0].parsed) is models.Error and answers[0].parsed.code == "invalid"
    locked = answers[-1].parsed
    assert type(locked) is models.Error and locked.code == "locked" and locked.retry_after == 900
    assert "账号已被锁定" in locked.detail


def _an_idle_finding_on_one_of(*, imported_county):
    """Both imported households sampled and assigned to an inspector, who finds the first idle (改而不用):
    a visit with its photo, and the rectification it opens. Through the services, as the phone's upload does."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from counties.models import Role
    from counties.selectors import plan_get
    from counties.services import user_set_role
    from households.models import Household
    from inspections.services import sample_draw, visit_record

    plan = plan_get(year=2021)
    inspector = user_set_role(username="inspector", password=PASSWORD, role=Role.INSPECTOR)
    city = type(inspector).objects.get(username="city")
    sample_draw(
        user=city, plan=plan, county_codes=[imported_county], rate="1", minimum=0,
        household_status="completed", stratify=False, seed="client", inspectors=["inspector"],
    )
    household = Household.objects.filter(plan=plan, county__code=imported_county).order_by("pk").first()
    jpeg = BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(jpeg, format="JPEG")
    photo = SimpleUploadedFile("p.jpg", jpeg.getvalue(), content_type="image/jpeg")
    visit_record(
        user=inspector, plan=plan, uuid="22222222-2222-4222-8222-222222222222", household_id=household.pk,
        finding="idle", photos=[photo],
    )
    return household


@pytest.mark.django_db(transaction=True)
def test_through_a_generated_client_finance_reads_rules_records_and_lists_payments_and_reads_progress(
    generated, live_server, users, make_report, closing
):
    from datetime import date

    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 100})
    client_module, models = generated("client"), generated("models")
    token_create = generated("api.auth.auth_token_create")
    anonymous = client_module.Client(base_url=live_server.url, raise_on_unexpected_status=True, timeout=TIMEOUT)
    closing(anonymous)
    body = models.TokenRequestRequest(username="finance", password=PASSWORD)
    token = typed(token_create.sync_detailed(client=anonymous, body=body), models.Token).token
    finance = client_module.AuthenticatedClient(base_url=live_server.url, token=token, prefix="Token", timeout=TIMEOUT)
    closing(finance)

    rules_retrieve = generated("api.plans.plans_subsidies_rules_retrieve")
    rules = typed(rules_retrieve.sync_detailed(year=2021, client=finance), models.Rules)
    assert rules.plan == 2021 and all(type(r) is models.Rule for r in rules.rules)
    urban_city = next(
        r
        for r in rules.rules
        if (r.type_, r.area_class, r.level) == ("coal_to_electric", "urban", models.LevelEnum.CITY)
    )
    assert urban_city.amount == "2000.00" and urban_city.changes == []

    payment = models.PaymentRequest(
        county="140802",
        level=models.LevelEnum.CITY,
        paid_on=date(2021, 8, 1),
        document_number="运财建〔2021〕12号",
        amount="50000.00",
    )
    recorded = typed(
        generated("api.plans.plans_subsidies_payments_create").sync_detailed(year=2021, client=finance, body=payment),
        models.Payments,
        201,
    )
    assert [(p.county, p.amount, p.voided) for p in recorded.payments] == [("140802", "50000.00", False)]

    listed = typed(
        generated("api.plans.plans_subsidies_payments_retrieve").sync_detailed(
            year=2021, client=finance, period="2021-10"
        ),
        models.Payments,
    )
    yuhu = next(r for r in listed.rows if r.county == "140802")
    city = yuhu.levels["city"]
    assert type(city) is models.PaymentCell
    # 100 urban coal-to-electricity households at the city's 2,000 yuan, less the 50,000 paid.
    assert (city.subsidy, city.paid, city.outstanding) == ("200000.00", "50000.00", "150000.00")

    progress = typed(
        generated("api.plans.plans_progress_retrieve").sync_detailed(year=2021, client=finance, period="2021-10"),
        models.Progress,
    )
    row = next(r for r in progress.rows if r.county == "140802")
    cell = row.types["coal_to_electric"]
    assert type(cell) is models.ProgressCell
    assert (cell.target, cell.completed, cell.rate) == (10000, 100, "0.0100")
    assert type(progress.totals) is models.ProgressTotals and progress.totals.total.target == 89369
