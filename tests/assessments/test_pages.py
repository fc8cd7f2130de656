"""The assessment's pages (issue 20): who may open each, every form's success and its refusals, the
confirmation steps, and a clerk's view limited to its own county until the result is final."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments import services
from assessments.models import Adjustment, AirQuality, Assessment, AssessmentScheme, Objection, ObjectionStatus
from counties.models import County
from tests.http import expect, html_of

AS_OF = date(2021, 12, 31)
READERS = ("admin", "city", "finance", "department", "clerk", "other_clerk")


@pytest.fixture
def draft(plan, users):
    return services.assessment_create(plan=plan, as_of=AS_OF, actor=users["city"])


@pytest.fixture
def published(draft, users):
    return services.assessment_publish(assessment=draft, actor=users["city"])


@pytest.fixture
def final(published, users):
    return services.assessment_finalize(assessment=published, actor=users["city"])


def home(plan):
    return f"/plans/{plan.year}/assessment/"


def detail(a):
    return f"/plans/{a.plan.year}/assessments/{a.pk}/"


def county_page(a, code):
    return f"/plans/{a.plan.year}/assessments/{a.pk}/counties/{code}/"


# --- who may open what ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/plans/2021/assessment/", "/plans/2021/assessment/scheme/"])
def test_the_home_and_scheme_pages_open_for_every_assessment_role_and_refuse_a_user_without_one(plan, users, web, path):
    for role in READERS:
        expect(web(users[role]).get(path), 200)
    expect(web(users["norole"]).get(path), 403)
    assert expect(web().get(path), 302)["Location"].startswith("/accounts/login/")


def test_the_air_quality_page_is_the_city_offices_only(plan, users, web):
    for role in ("admin", "city"):
        expect(web(users[role]).get("/plans/2021/assessment/air-quality/"), 200)
    for role in ("finance", "department", "clerk", "norole"):
        expect(web(users[role]).get("/plans/2021/assessment/air-quality/"), 403)


def test_a_year_that_does_not_exist_is_a_404(users, web):
    expect(web(users["city"]).get("/plans/2031/assessment/"), 404)


def test_a_draft_is_seen_by_the_city_office_only(draft, users, web):
    for role in ("admin", "city"):
        expect(web(users[role]).get(detail(draft)), 200)
    for role in ("finance", "department", "clerk"):
        expect(web(users[role]).get(detail(draft)), 404)
        expect(web(users[role]).get(county_page(draft, "140802")), 404)


def test_during_publication_a_clerk_sees_its_own_breakdown_but_neither_the_league_nor_another_county(
    published, users, web
):
    expect(web(users["clerk"]).get(detail(published)), 404)
    page = html_of(web(users["clerk"]).get(county_page(published, "140802")))
    assert "盐湖区" in page
    assert 'id="county-rank"' not in page  # the rank is made of other counties' totals
    expect(web(users["clerk"]).get(county_page(published, "140881")), 404)
    expect(web(users["other_clerk"]).get(county_page(published, "140881")), 200)
    for role in ("finance", "department"):
        expect(web(users[role]).get(detail(published)), 404)


def test_once_final_every_reader_sees_the_league_and_only_a_department_has_no_breakdown(final, users, web):
    for role in READERS:
        expect(web(users[role]).get(detail(final)), 200)
    expect(web(users["finance"]).get(county_page(final, "140881")), 200)
    expect(web(users["department"]).get(county_page(final, "140802")), 404)
    expect(web(users["clerk"]).get(county_page(final, "140881")), 404)
    expect(web(users["norole"]).get(detail(final)), 403)


def test_a_county_outside_the_assessment_is_a_404(final, users, web):
    expect(web(users["city"]).get(county_page(final, "999999")), 404)


def test_the_nav_links_the_assessment_for_the_roles_that_read_it(plan, users, web):
    link = 'href="/plans/2021/assessment/"'
    for role in READERS:
        assert link in html_of(web(users[role]).get("/plans/2021/targets/"))


# --- computing, correcting ------------------------------------------------------------------------


def test_the_city_office_computes_a_draft_as_of_a_date(plan, users, web):
    client = web(users["city"])
    assert 'id="assessment-create-form"' in html_of(client.get(home(plan)))
    response = expect(client.post(home(plan), {"action": "create", "as_of": "2021-12-31"}), 302)
    assessment = Assessment.objects.get()
    assert response["Location"] == detail(assessment)
    assert (assessment.as_of, assessment.status, assessment.number) == (AS_OF, "draft", 1)
    page = html_of(client.get(detail(assessment)))
    assert "已计算第 1 版考核（草稿）。" in page
    assert page.count('<tr data-county="') == 13  # the 13 counties that file reports


def test_an_as_of_date_after_today_is_refused_in_chinese_and_nothing_is_computed(plan, users, web):
    later = (timezone.localdate() + timedelta(days=1)).isoformat()
    page = html_of(web(users["city"]).post(home(plan), {"action": "create", "as_of": later}), 400)
    assert "考核截止日期不能晚于今天。" in page
    page = html_of(web(users["city"]).post(home(plan), {"action": "create", "as_of": "tomorrow"}), 400)
    assert "请填写有效的日期" in page
    assert not Assessment.objects.exists()


def test_a_second_draft_is_refused_while_one_is_open(draft, users, web):
    client = web(users["city"])
    expect(client.post(home(draft.plan), {"action": "create", "as_of": "2021-12-31"}), 302)
    assert "尚未定稿" in html_of(client.get(home(draft.plan)))
    assert Assessment.objects.count() == 1


def test_a_clerk_cannot_compute_an_assessment(plan, users, web):
    expect(web(users["clerk"]).post(home(plan), {"action": "create", "as_of": "2021-12-31"}), 403)
    assert not Assessment.objects.exists()


def test_a_correction_of_a_final_result_needs_a_reason_and_then_supersedes_it(final, users, web):
    client = web(users["city"])
    page = html_of(client.get(home(final.plan)))
    assert 'id="assessment-correct-form"' in page and 'id="assessment-create-form"' not in page
    page = html_of(client.post(home(final.plan), {"action": "correct", "as_of": "2021-12-31", "reason": " "}), 400)
    assert "请填写更正原因。" in page
    assert Assessment.objects.count() == 1
    expect(client.post(home(final.plan), {"action": "correct", "as_of": "2021-12-31", "reason": "退回次数有误"}), 302)
    correction = Assessment.objects.get(number=2)
    assert correction.supersedes == final and correction.correction_reason == "退回次数有误"
    assert "更正第 1 版：退回次数有误" in html_of(client.get(home(final.plan)))


# --- the scheme and air quality ----------------------------------------------------------------------


def scheme_post(**changes):
    data = {
        "indicators__completion__weight": "40",
        "indicators__completion__floor": "60",
        "indicators__timeliness__weight": "10",
        "indicators__data_quality__weight": "10",
        "indicators__data_quality__per_return": "2",
        "indicators__data_quality__cap": "10",
        "indicators__inspection__weight": "10",
        "indicators__inspection__per_point": "1",
        "indicators__inspection__cap": "10",
        "indicators__rectification__weight": "10",
        "indicators__acceptance__weight": "5",
        "indicators__funds__weight": "5",
        "indicators__air_quality__weight": "10",
        "indicators__air_quality__better": "lower",
        "adjustment_limits__bonus": "5",
        "adjustment_limits__penalty": "10",
        "grades__excellent": "90",
        "grades__good": "80",
        "grades__pass": "60",
        "fund_basis": "grade",
        "fund_coefficients__excellent": "1.10",
        "fund_coefficients__good": "1.00",
        "fund_coefficients__pass": "1.00",
        "fund_coefficients__fail": "0.80",
        "fund_coefficients__air_met": "1.00",
        "fund_coefficients__air_not_met": "0.90",
        "note": "",
    }
    data.update(changes)
    return data


def test_the_default_scheme_is_marked_as_a_default_and_worded_for_a_reader(plan, users, web):
    page = html_of(web(users["clerk"]).get("/plans/2021/assessment/scheme/"))
    assert "系统默认方案（供参考，须由市清洁取暖办审定）" in page
    assert "≤ 60.00% 得 0 分" in page
    assert "每被退回修改一次扣 2.00 分，最多扣 10.00 分" in page
    assert 'id="scheme-form"' not in page  # a clerk reads it only


def test_the_city_office_saves_the_scheme_and_it_is_no_longer_the_default(plan, users, web):
    client = web(users["city"])
    data = scheme_post(
        **{
            "indicators__completion__weight": "35",
            "indicators__funds__weight": "10",
            "grades__excellent": "92",
            "note": "按市考核办意见",
        }
    )
    expect(client.post("/plans/2021/assessment/scheme/", data), 302)
    scheme = AssessmentScheme.objects.get()
    assert scheme.rules["indicators"]["completion"]["weight"] == "35.00"
    assert scheme.rules["grades"]["excellent"] == "92.00"
    assert not scheme.is_default
    page = html_of(client.get("/plans/2021/assessment/scheme/"))
    assert "已保存考核方案（第 1 版）。" in page
    assert "系统默认方案（供参考" not in page


def test_weights_that_do_not_add_up_to_100_are_refused_in_chinese_and_nothing_is_saved(plan, users, web):
    data = scheme_post(**{"indicators__completion__weight": "50"})
    page = html_of(web(users["city"]).post("/plans/2021/assessment/scheme/", data), 400)
    assert "各指标权重之和应为 100 分，现为 110.00 分。" in page
    page = html_of(web(users["city"]).post("/plans/2021/assessment/scheme/", scheme_post(grades__good="abc")), 400)
    assert "应为数字。" in page
    assert not AssessmentScheme.objects.exists()


def test_a_clerk_cannot_save_the_scheme(plan, users, web):
    expect(web(users["clerk"]).post("/plans/2021/assessment/scheme/", scheme_post()), 403)
    assert not AssessmentScheme.objects.exists()


def test_once_published_with_the_scheme_saving_it_makes_a_new_version(published, users, web):
    client = web(users["city"])
    page = html_of(client.get("/plans/2021/assessment/scheme/"))
    assert "保存后将生成第 2 版" in page
    expect(client.post("/plans/2021/assessment/scheme/", scheme_post()), 302)
    assert list(AssessmentScheme.objects.order_by("version").values_list("version", flat=True)) == [1, 2]


def test_the_city_office_enters_a_countys_air_quality(plan, users, web):
    client = web(users["city"])
    data = {"county": "140802", "value": "41.5", "target": "45", "source": "市生态环境局通报"}
    expect(client.post("/plans/2021/assessment/air-quality/", data), 302)
    entry = AirQuality.objects.get()
    assert (entry.county.code, str(entry.value), str(entry.target)) == ("140802", "41.50", "45.00")
    page = html_of(client.get("/plans/2021/assessment/air-quality/"))
    assert "已录入盐湖区的空气质量考核指标。" in page and "市生态环境局通报" in page


def test_an_air_quality_value_that_is_not_a_number_is_refused_in_chinese(plan, users, web):
    data = {"county": "140802", "value": "四十", "target": "45", "source": "通报"}
    page = html_of(web(users["city"]).post("/plans/2021/assessment/air-quality/", data), 400)
    assert "请填写数字。" in page
    page = html_of(web(users["city"]).post("/plans/2021/assessment/air-quality/", {**data, "county": "nope"}), 400)
    assert "请选择列表中的县（市、区）。" in page
    assert not AirQuality.objects.exists()


# --- adjustments, publication, finalisation --------------------------------------------------------------


def test_an_adjustment_changes_the_countys_total_in_the_league(draft, users, web):
    client = web(users["city"])
    before = html_of(client.get(detail(draft)))
    assert 'id="adjustment-form"' in before
    data = {
        "action": "adjust",
        "county": "140802",
        "points": "3",
        "reason": "创新做法",
        "basis": "运清洁取暖办〔2021〕9号",
    }
    expect(client.post(detail(draft), data), 302)
    adjustment = Adjustment.objects.get()
    assert (adjustment.county.code, str(adjustment.points)) == ("140802", "3.00")
    page = html_of(client.get(detail(draft)))
    assert "已为盐湖区记录加减分。" in page
    row = page.split('<tr data-county="140802"')[1].split("</tr>")[0]
    assert '<td class="num adjustments">3.00</td>' in row


def test_an_adjustment_beyond_the_schemes_limit_is_refused_in_chinese(draft, users, web):
    data = {"action": "adjust", "county": "140802", "points": "6", "reason": "创新做法", "basis": "文件"}
    page = html_of(web(users["city"]).post(detail(draft), data), 400)
    assert "加分合计不能超过 5.00 分" in page
    page = html_of(web(users["city"]).post(detail(draft), {**data, "points": "2", "reason": ""}), 400)
    assert "请填写理由。" in page
    assert not Adjustment.objects.exists()


def test_publication_asks_for_confirmation_first(draft, users, web):
    client = web(users["city"])
    response = expect(client.post(detail(draft), {"action": "publish"}), 302)
    assert response["Location"] == detail(draft) + "?confirm=publish"
    draft.refresh_from_db()
    assert draft.status == "draft"
    page = html_of(client.get(response["Location"]))
    assert 'id="assessment-publish-confirm"' in page
    expect(client.post(detail(draft), {"action": "publish", "confirmed": "1"}), 302)
    draft.refresh_from_db()
    assert draft.status == "published"
    assert draft.objection_deadline == timezone.localdate() + timedelta(days=5)
    assert "异议截止" in html_of(client.get(detail(draft)))


def test_finalisation_asks_for_confirmation_and_is_refused_while_an_objection_is_open(published, users, web):
    services.objection_file(assessment=published, reason="退回次数有误", actor=users["clerk"])
    client = web(users["city"])
    page = html_of(client.get(detail(published)))
    assert '<dd id="open-objections">1</dd>' in page
    assert expect(client.post(detail(published), {"action": "finalize"}), 302)["Location"].endswith("?confirm=finalize")
    expect(client.post(detail(published), {"action": "finalize", "confirmed": "1"}), 302)
    published.refresh_from_db()
    assert published.status == "published"
    assert "还有 1 条异议未答复，答复后才能定稿。" in html_of(client.get(detail(published)))
    services.objection_answer(
        objection=Objection.objects.get(), decision="rejected", reply="核实无误", actor=users["city"]
    )
    expect(client.post(detail(published), {"action": "finalize", "confirmed": "1"}), 302)
    published.refresh_from_db()
    assert published.status == "final" and len(published.sha256) == 64
    page = html_of(client.get(detail(published)))
    assert published.sha256 in page and 'id="checksum-holds"' in page
    assert 'id="adjustment-form"' not in page


def test_a_clerk_cannot_publish(draft, users, web):
    expect(web(users["clerk"]).post(detail(draft), {"action": "publish", "confirmed": "1"}), 404)
    expect(web(users["finance"]).post(detail(draft), {"action": "publish", "confirmed": "1"}), 404)
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_finance_sees_each_countys_grade_coefficient_and_city_share(final, users, web):
    page = html_of(web(users["finance"]).get(detail(final)))
    stored = {r["county"]: r for r in final.figures["counties"]}
    row = page.split('<tr data-county="140802"')[1].split("</tr>")[0]
    assert stored["140802"]["grade_name"] in row
    assert f'<td class="num coefficient">{stored["140802"]["fund_coefficient"]}</td>' in row
    assert f'<td class="num city-share-adjusted">{stored["140802"]["city_share_adjusted"]}</td>' in row
    assert f"grade-{stored['140802']['grade']}" in row
    assert 'id="adjustment-form"' not in page and 'id="assessment-events"' not in page


def test_a_department_sees_the_completion_of_its_own_types_only(final, users, web):
    page = html_of(web(users["department"]).get(detail(final)))
    assert "本部门改造类型完成情况" in page
    head = page.split('id="league-table"')[1].split("</thead>")[0]
    assert head.count("</th>") == 2  # the county and its one type (coal_to_electric)
    assert "资金系数" not in head


# --- objections and answers -----------------------------------------------------------------------------


def test_a_clerk_files_an_objection_with_an_attachment_during_publication(published, users, web):
    client = web(users["clerk"])
    assert 'id="objection-form"' in html_of(client.get(county_page(published, "140802")))
    pdf = SimpleUploadedFile("说明.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    data = {"action": "object", "reason": "8月月报按时报送，系统记为逾期", "attachment": pdf}
    expect(client.post(county_page(published, "140802"), data), 302)
    objection = Objection.objects.get()
    assert (objection.county.code, objection.attachment_name, objection.status) == ("140802", "说明.pdf", "open")
    page = html_of(client.get(county_page(published, "140802")))
    assert "已提交异议" in page and "8月月报按时报送" in page


def test_an_objection_without_a_reason_or_with_a_wrong_file_is_refused_in_chinese(published, users, web):
    client = web(users["clerk"])
    page = html_of(client.post(county_page(published, "140802"), {"action": "object", "reason": ""}), 400)
    assert "请填写异议理由。" in page
    exe = SimpleUploadedFile("a.pdf", b"MZ not a pdf", content_type="application/pdf")
    data = {"action": "object", "reason": "有误", "attachment": exe}
    page = html_of(client.post(county_page(published, "140802"), data), 400)
    assert "附件应为 PDF、JPG、PNG、Word（.docx）或 Excel（.xlsx）文件。" in page
    assert not Objection.objects.exists()


def test_the_objection_form_is_offered_only_in_the_window(published, users, web):
    Assessment.objects.filter(pk=published.pk).update(objection_deadline=timezone.localdate() - timedelta(days=1))
    client = web(users["clerk"])
    page = html_of(client.get(county_page(published, "140802")))
    assert 'id="objection-form"' not in page and "异议期已截止。" in page
    expect(client.post(county_page(published, "140802"), {"action": "object", "reason": "有误"}), 302)
    assert "不在公示期" in html_of(client.get(county_page(published, "140802")))
    assert not Objection.objects.exists()


def test_no_objection_form_for_a_draft_or_a_final_result_or_another_role(final, users, web):
    assert 'id="objection-form"' not in html_of(web(users["clerk"]).get(county_page(final, "140802")))
    assert 'id="objection-form"' not in html_of(web(users["finance"]).get(county_page(final, "140802")))


def test_the_city_office_accepts_an_objection_with_points(published, users, web):
    objection = services.objection_file(assessment=published, reason="退回次数有误", actor=users["clerk"])
    client = web(users["city"])
    prefix = f"answer-{objection.pk}"
    assert f'id="answer-form-{objection.pk}"' in html_of(client.get(county_page(published, "140802")))
    data = {
        "action": "answer",
        "objection": objection.pk,
        f"{prefix}-decision": "accepted",
        f"{prefix}-reply": "经核实，退回一次系系统原因",
        f"{prefix}-points": "2",
        f"{prefix}-basis": "",
    }
    expect(client.post(county_page(published, "140802"), data), 302)
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.ACCEPTED
    assert str(Adjustment.objects.get(objection=objection).points) == "2.00"
    published.refresh_from_db()
    row = next(r for r in published.figures["counties"] if r["county"] == "140802")
    assert row["adjustments"] == "2.00"
    page = html_of(web(users["clerk"]).get(county_page(published, "140802")))
    assert "经核实，退回一次系系统原因" in page and '<td class="num" id="county-adjustments">2.00</td>' in page


def test_accepting_an_objection_without_points_is_refused_in_chinese(published, users, web):
    objection = services.objection_file(assessment=published, reason="有误", actor=users["clerk"])
    prefix = f"answer-{objection.pk}"
    data = {"action": "answer", "objection": objection.pk, f"{prefix}-decision": "accepted", f"{prefix}-reply": "采纳"}
    page = html_of(web(users["city"]).post(county_page(published, "140802"), data), 400)
    assert "采纳异议须填写调整的分值。" in page
    page = html_of(web(users["city"]).post(county_page(published, "140802"), {**data, f"{prefix}-reply": ""}), 400)
    assert "请填写答复意见。" in page
    objection.refresh_from_db()
    assert objection.status == "open" and not Adjustment.objects.exists()


def test_a_clerk_cannot_answer_an_objection(published, users, web):
    objection = services.objection_file(assessment=published, reason="有误", actor=users["clerk"])
    prefix = f"answer-{objection.pk}"
    data = {"action": "answer", "objection": objection.pk, f"{prefix}-decision": "rejected", f"{prefix}-reply": "否"}
    expect(web(users["clerk"]).post(county_page(published, "140802"), data), 403)
    objection.refresh_from_db()
    assert objection.status == "open"


def test_an_objection_is_answered_on_its_own_countys_page_only(published, users, web):
    objection = services.objection_file(assessment=published, reason="有误", actor=users["clerk"])
    prefix = f"answer-{objection.pk}"
    data = {"action": "answer", "objection": objection.pk, f"{prefix}-decision": "rejected", f"{prefix}-reply": "否"}
    expect(web(users["city"]).post(county_page(published, "140881"), data), 404)
    assert County.objects.get(code="140802").name == "盐湖区"
    objection.refresh_from_db()
    assert objection.status == "open"


def test_the_breakdown_words_each_rule_and_links_the_records_behind_it(published, users, web):
    page = html_of(web(users["clerk"]).get(county_page(published, "140802")))
    assert "/dashboard/status/?plan=2021" in page
    assert "/reports/?plan=2021&amp;county=140802" in page
    assert "按时报送的月数 ÷ 应报送的月数" in page
    stored = next(r for r in published.figures["counties"] if r["county"] == "140802")
    assert f'<dd id="county-total">{stored["total"]}</dd>' in page
