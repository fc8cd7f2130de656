"""The assessment API's contract (issue 20, "Contract"): each endpoint's answer and its refusals in the one
error shape, with the Chinese messages the services give. Who may call what is in test_api_permissions."""

import copy
from datetime import timedelta
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments import rules as R
from assessments.models import Adjustment, AirQuality, Assessment, AssessmentScheme, Objection
from assessments.selectors import assessment_figures, figures_checksum
from tests.assessments import states
from tests.http import expect, json_of

pytestmark = pytest.mark.django_db

SCHEME = "/api/v1/plans/2021/assessment/scheme/"
AIR = "/api/v1/plans/2021/assessment/air-quality/"
ASSESSMENTS = "/api/v1/plans/2021/assessments/"
INVALID = "输入有误，请检查后重试。"
NUMBER_AS_TEXT = '应为数字（文本形式，如 "40"）。'


def url(assessment, tail=""):
    return f"{ASSESSMENTS}{assessment.pk}/{tail}"


def invalid(errors):
    """The one error shape of a refused input."""
    return {"code": "invalid", "detail": INVALID, "errors": errors}


def conflict(detail):
    return {"code": "conflict", "detail": detail, "current_version": None}


def rules_with(**weights):
    rules = copy.deepcopy(R.DEFAULT_RULES)
    for code, weight in weights.items():
        rules["indicators"][code]["weight"] = weight
    return rules


# --- the scheme -----------------------------------------------------------------------------------


def test_before_the_office_sets_a_scheme_every_reader_gets_the_shipped_default(api, users, plan):
    body = json_of(api(users["clerk"]).get(SCHEME))
    assert (body["version"], body["is_default"], body["locked"]) == (1, True, False)
    assert body["rules"]["indicators"]["completion"] == {"weight": "40.00", "floor": "60.00"}
    assert body["rules"]["grades"] == {"excellent": "90.00", "good": "80.00", "pass": "60.00"}
    assert sum(Decimal(i["weight"]) for i in body["rules"]["indicators"].values()) == 100


def test_the_city_office_saves_the_scheme_in_place_while_nothing_was_published_with_it(api, users, plan):
    client = api(users["city"])
    body = {"rules": rules_with(completion="35", timeliness="15"), "note": "按市考核办意见调整"}
    saved = json_of(client.put(SCHEME, body, format="json"))
    assert (saved["version"], saved["is_default"], saved["note"]) == (1, False, "按市考核办意见调整")
    assert saved["rules"]["indicators"]["timeliness"] == {"weight": "15.00"}
    again = json_of(client.put(SCHEME, {"rules": rules_with(completion="30", timeliness="20")}, format="json"))
    assert again["version"] == 1
    assert json_of(client.get(SCHEME))["rules"]["indicators"]["completion"]["weight"] == "30.00"
    assert AssessmentScheme.objects.count() == 1


def test_once_published_with_a_change_of_the_scheme_makes_the_next_version(api, users, plan):
    assessment = states.published(plan, users)
    client = api(users["city"])
    assert json_of(client.get(SCHEME))["locked"] is True
    saved = json_of(client.put(SCHEME, {"rules": rules_with(completion="35", timeliness="15")}, format="json"))
    assert (saved["version"], saved["locked"]) == (2, False)
    assert json_of(client.get(SCHEME))["version"] == 2
    assessment.scheme.refresh_from_db()
    assert assessment.scheme.version == 1
    assert assessment.scheme.rules["indicators"]["completion"]["weight"] == "40.00"


@pytest.mark.parametrize(
    ("weight", "errors"),
    [
        ("abc", {"rules.indicators.completion.weight": [NUMBER_AS_TEXT]}),
        (40, {"rules.indicators.completion.weight": [NUMBER_AS_TEXT]}),  # a JSON number is not exact
        ("150", {"rules.indicators.completion.weight": ["应在 0 到 100 之间。"]}),
        ("41", {"rules.indicators": ["各指标权重之和应为 100 分，现为 101.00 分。"]}),
    ],
)
def test_a_bad_scheme_is_refused_in_the_one_error_shape_at_the_path_of_the_mistake(api, users, plan, weight, errors):
    response = api(users["city"]).put(SCHEME, {"rules": rules_with(completion=weight)}, format="json")
    assert json_of(response, 400) == invalid(errors)
    assert not AssessmentScheme.objects.exists()


def test_an_unknown_indicator_or_grade_in_the_scheme_is_refused_by_name_not_dropped(api, users, plan):
    misspelt = rules_with()
    misspelt["indicators"]["timelines"] = {"weight": "0"}
    misspelt["grades"]["superb"] = "95"
    response = api(users["city"]).put(SCHEME, {"rules": misspelt, "nots": "x"}, format="json")
    assert json_of(response, 400) == invalid(
        {
            "nots": ["方案中没有“nots”这一项。"],
        }
    )
    response = api(users["city"]).put(SCHEME, {"rules": misspelt}, format="json")
    assert json_of(response, 400) == invalid(
        {
            "rules.indicators.timelines": ["方案中没有“timelines”这一项。"],
            "rules.grades.superb": ["方案中没有“superb”这一项。"],
        }
    )
    assert not AssessmentScheme.objects.exists()


def test_the_schema_says_the_scheme_takes_no_other_keys(api, users):
    schema = json_of(api(users["city"]).get("/api/v1/schema/?format=json"))
    components = schema["components"]["schemas"]
    for name in ("SchemeUpdateRequest", "SchemeRulesRequest", "IndicatorRulesRequest", "GradeThresholdsRequest"):
        assert components[name]["additionalProperties"] is False, name
    assert "additionalProperties" not in components["SchemeRules"]  # the answer may grow fields


# --- air quality ----------------------------------------------------------------------------------


def test_the_city_office_enters_and_corrects_a_countys_air_quality(api, users, plan):
    client = api(users["city"])
    entry = {"county": "140802", "value": "38.5", "target": "40", "source": "市生态环境局2021年度考核通报"}
    saved = json_of(client.put(AIR, entry, format="json"))
    assert {k: saved[k] for k in ("county", "county_name", "value", "target", "source")} == {
        "county": "140802",
        "county_name": "盐湖区",
        "value": "38.50",
        "target": "40.00",
        "source": "市生态环境局2021年度考核通报",
    }
    expect(client.put(AIR, {**entry, "value": "41"}, format="json"))
    listed = json_of(client.get(AIR))
    assert [(e["county"], e["value"]) for e in listed] == [("140802", "41.00")]


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"county": "999999"}, {"county": ["未知的县（市、区）代码“999999”。"]}),
        ({"value": "约40"}, {"value": [NUMBER_AS_TEXT]}),
        ({"target": 40}, {"target": [NUMBER_AS_TEXT]}),
        ({"source": ""}, {"source": ["请填写数据来源。"]}),
    ],
)
def test_air_quality_for_an_unknown_county_or_with_a_value_that_is_not_a_number_is_refused(
    api, users, plan, change, errors
):
    entry = {"county": "140802", "value": "38.5", "target": "40", "source": "市生态环境局", **change}
    assert json_of(api(users["city"]).put(AIR, entry, format="json"), 400) == invalid(errors)
    assert not AirQuality.objects.exists()


# --- computing and correcting ---------------------------------------------------------------------


def test_the_city_office_computes_a_draft_as_of_a_date(api, users, plan):
    body = json_of(api(users["city"]).post(ASSESSMENTS, {"as_of": "2021-12-31"}, format="json"), 201)
    assert {k: body[k] for k in ("number", "status", "as_of", "objection_deadline", "sha256", "supersedes")} == {
        "number": 1,
        "status": "draft",
        "as_of": "2021-12-31",
        "objection_deadline": None,
        "sha256": "",
        "supersedes": None,
    }
    assert Assessment.objects.get().pk == body["id"]


def test_an_as_of_date_that_is_not_a_date_or_after_today_is_refused(api, users, plan):
    client = api(users["city"])
    later = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert json_of(client.post(ASSESSMENTS, {"as_of": later}, format="json"), 400) == invalid(
        {"as_of": ["考核截止日期不能晚于今天。"]}
    )
    assert list(json_of(client.post(ASSESSMENTS, {"as_of": "年底"}, format="json"), 400)["errors"]) == ["as_of"]
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("state", ["draft", "published"])
def test_a_second_assessment_is_refused_while_one_is_open(api, users, plan, state):
    getattr(states, state)(plan, users)
    status = "草稿" if state == "draft" else "公示中"
    response = api(users["city"]).post(ASSESSMENTS, {"as_of": "2021-12-31"}, format="json")
    assert json_of(response, 409) == conflict(f"第 1 版考核尚未定稿（{status}），不能再新建。")
    assert Assessment.objects.count() == 1


def test_a_correction_of_the_final_result_supersedes_it_with_a_reason_and_keeps_its_adjustments(api, users, plan):
    final, _objection = states.final(plan, users)
    client = api(users["city"])
    plain = client.post(ASSESSMENTS, {"as_of": "2021-12-31"}, format="json")
    assert json_of(plain, 409) == conflict("第 1 版考核结果已定稿。如需更正，请新建更正版本并说明原因。")
    no_reason = client.post(ASSESSMENTS, {"as_of": "2021-12-31", "supersedes": final.pk}, format="json")
    assert json_of(no_reason, 400) == invalid({"reason": ["请填写更正原因。"]})
    unknown = client.post(
        ASSESSMENTS, {"as_of": "2021-12-31", "supersedes": final.pk + 99, "reason": "x"}, format="json"
    )
    assert json_of(unknown, 400) == invalid({"supersedes": ["未找到要更正的考核版本。"]})
    body = {"as_of": "2021-12-31", "supersedes": final.pk, "reason": "永济市验收数据补录"}
    created = json_of(client.post(ASSESSMENTS, body, format="json"), 201)
    assert (created["number"], created["status"], created["supersedes"]) == (2, "draft", final.pk)
    assert created["correction_reason"] == "永济市验收数据补录"
    correction = Assessment.objects.get(pk=created["id"])
    copied = json_of(client.get(url(correction, "adjustments/")))
    assert [(a["county"], a["points"], a["reason"]) for a in copied] == [("140881", "2.00", "超额完成煤改电任务")]
    # Both versions stay visible.
    assert [a["number"] for a in json_of(client.get(ASSESSMENTS))] == [2, 1]


# --- the detail -----------------------------------------------------------------------------------

LEAGUE_FIELDS = ("county", "county_name", "adjustments", "total", "rank", "grade", "fund_coefficient")


def league_of(counties):
    """Each county's row as the contract names it: its indicators by code, raw and points."""
    return [
        {
            **{field: row[field] for field in LEAGUE_FIELDS},
            "indicators": [(i["code"], i["raw"], i["points"]) for i in row["indicators"]],
        }
        for row in counties
    ]


def test_the_detail_of_a_draft_is_the_figures_computed_now(api, users, plan):
    assessment = states.draft(plan, users)
    states.adjust(assessment, users)  # 永济市 +2
    body = json_of(api(users["city"]).get(url(assessment)))
    assert (body["status"], body["as_of"], body["view"], body["checksum_ok"]) == ("draft", "2021-12-31", "league", None)
    figures = assessment_figures(assessment=Assessment.objects.get(pk=assessment.pk))
    assert league_of(body["counties"]) == league_of(figures["counties"])
    assert len(body["counties"]) == 13
    by_code = {row["county"]: row for row in body["counties"]}
    yongji = by_code["140881"]
    assert yongji["adjustments"] == "2.00"
    assert Decimal(yongji["total"]) == sum(Decimal(i["points"]) for i in yongji["indicators"]) + 2
    assert yongji["rank"] == 1 and by_code["140802"]["rank"] == 2
    assert set(yongji["indicators"][0]) == {"code", "name", "weight", "raw", "points"}


def test_the_detail_of_a_final_result_is_the_stored_figures_with_their_checksum(api, users, plan):
    final, _objection = states.final(plan, users)
    body = json_of(api(users["finance"]).get(url(final)))
    assert (body["status"], body["checksum_ok"]) == ("final", True)
    assert body["sha256"] == figures_checksum(final.figures)
    assert league_of(body["counties"]) == league_of(final.figures["counties"])


def test_reading_a_drafts_detail_takes_a_bounded_number_of_queries_whatever_the_reports(
    api, users, plan, make_report, django_assert_max_num_queries
):
    assessment = states.draft(plan, users)
    states.adjust(assessment, users)
    client = api(users["city"])
    bound = 22  # 20 today, with or without records: one query per kind of record, never one per row
    with django_assert_max_num_queries(bound) as empty:
        before = json_of(client.get(url(assessment)))
    for code in ("140802", "140881", "140821", "140822"):
        for month in ("2021-10", "2021-11", "2021-12"):
            make_report(code, month, {("coal_to_electric", "rural"): 10})
    with django_assert_max_num_queries(bound) as filled:
        after = json_of(client.get(url(assessment)))
    # The reports count: the same queries read more records, not more queries.
    assert league_of(after["counties"]) != league_of(before["counties"])
    assert len(filled) == len(empty)


# --- adjustments ----------------------------------------------------------------------------------


def test_an_adjustment_is_recorded_and_changes_the_countys_total(api, users, plan):
    assessment = states.draft(plan, users)
    client = api(users["city"])
    before = {r["county"]: r for r in json_of(client.get(url(assessment)))["counties"]}["140802"]
    entry = {"county": "140802", "points": "-1.5", "reason": "月报数据反复退回", "basis": "运清洁取暖办〔2021〕10号"}
    body = json_of(client.post(url(assessment, "adjustments/"), entry, format="json"), 201)
    assert {k: body[k] for k in ("county", "county_name", "points", "reason", "basis", "objection")} == {
        "county": "140802",
        "county_name": "盐湖区",
        "points": "-1.50",
        "reason": "月报数据反复退回",
        "basis": "运清洁取暖办〔2021〕10号",
        "objection": None,
    }
    after = {r["county"]: r for r in json_of(client.get(url(assessment)))["counties"]}["140802"]
    assert after["adjustments"] == "-1.50"
    assert Decimal(after["total"]) == Decimal(before["total"]) - Decimal("1.5")


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"points": "4"}, {"points": ["加分合计不能超过 5.00 分（永济市已加 2.00 分）。"]}),
        ({"points": "-10.5"}, {"points": ["减分合计不能超过 10.00 分（永济市已减 0.00 分）。"]}),
        ({"points": "0"}, {"points": ["加减分不能为 0。"]}),
        ({"points": "两分"}, {"points": [NUMBER_AS_TEXT]}),
        ({"reason": ""}, {"reason": ["请填写理由。"]}),
        ({"county": "999999"}, {"county": ["未知的县（市、区）代码“999999”。"]}),
    ],
)
def test_an_adjustment_over_the_schemes_limit_or_without_its_reason_is_refused(api, users, plan, change, errors):
    assessment = states.draft(plan, users)
    states.adjust(assessment, users)  # 永济市 +2 of the 5 a county may be given
    entry = {"county": "140881", "points": "1", "reason": "示范县", "basis": "运清洁取暖办〔2021〕9号", **change}
    response = api(users["city"]).post(url(assessment, "adjustments/"), entry, format="json")
    assert json_of(response, 400) == invalid(errors)
    assert Adjustment.objects.count() == 1


# --- publication and finalisation -----------------------------------------------------------------


def test_publishing_a_draft_opens_the_objection_period_and_only_a_draft_is_published(api, users, plan):
    assessment = states.draft(plan, users)
    client = api(users["city"])
    body = json_of(client.post(url(assessment, "publish/")))
    deadline = timezone.localdate() + timedelta(days=5)
    assert (body["status"], body["objection_deadline"]) == ("published", deadline.isoformat())
    assert json_of(client.post(url(assessment, "publish/")), 409) == conflict("只有草稿可以公示（现为公示中）。")


def test_finalising_is_refused_while_an_objection_is_open_and_then_freezes_the_figures(api, users, plan):
    assessment, objection = states.objected(plan, users)
    client = api(users["city"])
    response = client.post(url(assessment, "finalize/"))
    assert json_of(response, 409) == conflict("还有 1 条异议未答复，答复后才能定稿。")
    answer = {"decision": "rejected", "reply": "经核实，统计无误。"}
    expect(client.post(url(assessment, f"objections/{objection.pk}/answer/"), answer, format="json"))
    body = json_of(client.post(url(assessment, "finalize/")))
    assessment.refresh_from_db()
    assert (body["status"], body["sha256"]) == ("final", figures_checksum(assessment.figures))
    assert len(body["sha256"]) == 64


def test_a_draft_cannot_be_finalised(api, users, plan):
    assessment = states.draft(plan, users)
    response = api(users["city"]).post(url(assessment, "finalize/"))
    assert json_of(response, 409) == conflict("只有公示中的考核可以定稿（现为草稿）。")


# --- objections and their answers -----------------------------------------------------------------


def test_a_clerk_objects_to_its_countys_result_with_a_reason_and_an_attachment(api, users, plan):
    assessment = states.published(plan, users)
    body = {"reason": "验收户数未计入", "attachment": states.pdf()}
    created = json_of(api(users["clerk"]).post(url(assessment, "objections/"), body, format="multipart"), 201)
    objection = Objection.objects.get()
    assert {k: created[k] for k in ("id", "county", "reason", "attachment_name", "status")} == {
        "id": objection.pk,
        "county": "140802",
        "reason": "验收户数未计入",
        "attachment_name": "证明材料.pdf",
        "status": "open",
    }
    assert created["attachment_url"] == url(assessment, f"objections/{objection.pk}/attachment")


def test_an_objection_sent_as_json_is_refused_as_the_wrong_media_type(api, users, plan):
    assessment = states.published(plan, users)
    response = api(users["clerk"]).post(url(assessment, "objections/"), {"reason": "验收户数未计入"}, format="json")
    assert json_of(response, 415)["code"] == "unsupported_media_type"
    assert not Objection.objects.exists()


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {"reason": "验收户数未计入", "attachment": SimpleUploadedFile("证明.pdf", b"MZ\x90\x00 not a pdf")},
            {"attachment": ["附件应为 PDF、JPG、PNG、Word（.docx）或 Excel（.xlsx）文件。"]},
        ),
        ({"reason": "验收户数未计入", "attachment": states.pdf("证明.exe")}, None),
        ({"reason": "  "}, {"reason": ["请填写异议理由。"]}),
    ],
    ids=["not-a-pdf-named-pdf", "a-pdf-named-exe", "no-reason"],
)
def test_an_objection_with_a_file_that_is_not_what_its_name_says_or_without_a_reason_is_refused(
    api, users, plan, body, errors
):
    assessment = states.published(plan, users)
    errors = errors or {"attachment": ["附件应为 PDF、JPG、PNG、Word（.docx）或 Excel（.xlsx）文件。"]}
    response = api(users["clerk"]).post(url(assessment, "objections/"), body, format="multipart")
    assert json_of(response, 400) == invalid(errors)
    assert not Objection.objects.exists()


def test_an_objection_after_the_deadline_is_refused(api, users, plan):
    assessment = states.published(plan, users)
    yesterday = timezone.localdate() - timedelta(days=1)
    Assessment.objects.filter(pk=assessment.pk).update(objection_deadline=yesterday)
    response = api(users["clerk"]).post(
        url(assessment, "objections/"), {"reason": "验收户数未计入"}, format="multipart"
    )
    assert json_of(response, 409) == conflict(f"异议期已于 {yesterday.isoformat()} 截止。")
    assert not Objection.objects.exists()


def test_the_city_office_answers_an_objection_once(api, users, plan):
    assessment, objection = states.objected(plan, users)
    client = api(users["city"])
    answer = url(assessment, f"objections/{objection.pk}/answer/")
    body = json_of(client.post(answer, {"decision": "rejected", "reply": "经核实，统计无误。"}, format="json"))
    assert (body["id"], body["status"], body["reply"]) == (objection.pk, "rejected", "经核实，统计无误。")
    assert body["answered_at"] is not None
    twice = client.post(answer, {"decision": "accepted", "reply": "复核后采纳。", "points": "1"}, format="json")
    assert json_of(twice, 409) == conflict("该异议已答复。")
    objection.refresh_from_db()
    assert objection.status == "rejected"


def test_an_accepted_objection_changes_the_countys_published_total_by_its_points(api, users, plan):
    assessment, objection = states.objected(plan, users)
    client = api(users["city"])
    before = {r["county"]: r for r in json_of(client.get(url(assessment)))["counties"]}["140802"]
    answer = url(assessment, f"objections/{objection.pk}/answer/")
    missing = client.post(answer, {"decision": "accepted", "reply": "复核后采纳。"}, format="json")
    assert json_of(missing, 400) == invalid({"points": ["采纳异议须填写调整的分值。"]})
    body = json_of(
        client.post(answer, {"decision": "accepted", "reply": "复核后采纳。", "points": "1.5"}, format="json")
    )
    assert body["status"] == "accepted"
    after = {r["county"]: r for r in json_of(client.get(url(assessment)))["counties"]}["140802"]
    assert Decimal(after["total"]) == Decimal(before["total"]) + Decimal("1.5")
    adjustment = Adjustment.objects.get(objection=objection)
    assert (adjustment.points, adjustment.reason) == (Decimal("1.5"), "复核后采纳。")


# --- an objection's attachment --------------------------------------------------------------------


def test_the_attachment_is_served_as_the_bytes_uploaded_under_its_name_and_never_sniffed(api, users, plan):
    assessment, objection = states.objected(plan, users)
    attachment = url(assessment, f"objections/{objection.pk}/attachment")
    for role in ("clerk", "city"):
        response = expect(api(users[role]).get(attachment))
        assert b"".join(response.streaming_content) == states.PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == "attachment; filename*=UTF-8''" + quote("证明材料.pdf")
        assert response["X-Content-Type-Options"] == "nosniff"


def test_another_countys_clerk_does_not_find_the_attachment(api, users, plan):
    assessment, objection = states.objected(plan, users)
    response = api(users["other_clerk"]).get(url(assessment, f"objections/{objection.pk}/attachment"))
    assert json_of(response, 404)["code"] == "not_found"


def test_an_objection_without_an_attachment_has_none_to_download(api, users, plan):
    assessment, objection = states.objected(plan, users, attachment=False)
    expect(api(users["city"]).get(url(assessment, f"objections/{objection.pk}/attachment")), 404)


FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize(
    "loose", [lambda pk: f"{pk}\x85", lambda pk: f" {pk}", lambda pk: str(pk).translate(FULLWIDTH)]
)
def test_an_assessment_id_is_ascii_digits_only_never_read_loosely(users, plan, loose):
    from django.http import Http404

    from assessments.selectors import assessment_get_for_user

    assessment = states.draft(plan, users)
    assert assessment_get_for_user(user=users["city"], plan=plan, pk=str(assessment.pk)) == assessment
    assert int(loose(assessment.pk)) == assessment.pk  # what int() alone would have found
    with pytest.raises(Http404, match="^$"):
        assessment_get_for_user(user=users["city"], plan=plan, pk=loose(assessment.pk))
