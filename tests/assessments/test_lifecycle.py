"""The assessment's states and their refusals, through the services: scheme versions, computing,
adjustments, publication, objections, answers, finalisation, corrections, and the audit trail."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments import rules as R
from assessments import services
from assessments.models import Assessment, AssessmentEvent, AssessmentScheme, EventAction, ObjectionStatus
from assessments.selectors import assessment_figures, checksum_holds, figures_checksum, scheme_current
from core.api import ConflictError
from counties.models import County
from tests.assessments import scenario

pytestmark = pytest.mark.django_db
AS_OF = date(2021, 12, 31)


@pytest.fixture
def city(users):
    return users["city"]


@pytest.fixture
def yuhu(plan):
    return County.objects.get(code="140802")


def published(plan, city):
    assessment = services.assessment_create(plan=plan, as_of=AS_OF, actor=city)
    return services.assessment_publish(assessment=assessment, actor=city)


def pdf(name="说明.pdf", size=None):
    body = b"%PDF-1.4\n" + b"0" * (size or 100)
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def test_the_shipped_default_scheme_is_valid_adds_up_to_100_and_is_marked_as_a_default(plan):
    scheme = scheme_current(plan=plan)
    assert scheme.is_default and scheme.pk is None
    total = sum(Decimal(i["weight"]) for i in scheme.rules["indicators"].values())
    assert total == 100
    assert R.scheme_clean(scheme.rules) == scheme.rules


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (
            lambda r: r["indicators"]["completion"].update(weight="41"),
            "indicators",
            "权重之和应为 100 分，现为 101.00 分",
        ),
        (lambda r: r["indicators"]["completion"].update(weight="abc"), "indicators.completion.weight", "应为数字"),
        (
            lambda r: r["indicators"]["completion"].update(floor="100"),
            "indicators.completion.floor",
            "应在 0 到 99.99 之间",
        ),
        (lambda r: r["indicators"].update(bogus={"weight": "0"}), "indicators", "未知的考核指标：bogus"),
        (lambda r: r["indicators"].pop("funds"), "indicators.funds", "缺少该指标的权重和细则"),
        (lambda r: r["grades"].update(good="95"), "grades.good", "应低于上一等次的分数线"),
        (lambda r: r.update(fund_basis="luck"), "fund_basis", "应为 grade"),
        (lambda r: r["fund_coefficients"].update(fail="-1"), "fund_coefficients.fail", "应在 0 到 5 之间"),
        (lambda r: r["indicators"]["timeliness"].update(weight=True), "indicators.timeliness.weight", "应为数字"),
        (
            lambda r: r["indicators"]["air_quality"].update(better="sideways"),
            "indicators.air_quality.better",
            "应为 lower",
        ),
    ],
)
def test_a_scheme_with_a_mistake_is_refused_at_the_path_of_the_mistake(plan, city, change, path, message):
    import copy

    rules = copy.deepcopy(scenario.RULES)
    change(rules)
    with pytest.raises(ValidationError, match=message) as error:
        services.scheme_update(plan=plan, rules=rules, actor=city)
    assert path in error.value.message_dict
    assert not AssessmentScheme.objects.exists()


def test_the_scheme_is_edited_in_place_until_an_assessment_is_published_with_it_then_versioned(plan, city):
    first = services.scheme_update(plan=plan, rules=scenario.RULES, actor=city)
    again = services.scheme_update(plan=plan, rules=scenario.RULES, note="改错字", actor=city)
    assert (first.pk, again.version) == (again.pk, 1)
    published(plan, city)
    later = services.scheme_update(plan=plan, rules=R.DEFAULT_RULES, note="次年细则", actor=city)
    assert later.version == 2
    assert Assessment.objects.get().scheme.version == 1
    assert AssessmentScheme.objects.get(version=1).rules == R.scheme_clean(scenario.RULES)


@pytest.mark.parametrize("role", ["finance", "department", "clerk", "norole"])
def test_only_the_city_office_sets_the_scheme_and_computes(plan, users, role):
    with pytest.raises(PermissionDenied, match="只有市清洁取暖办"):
        services.scheme_update(plan=plan, rules=scenario.RULES, actor=users[role])
    with pytest.raises(PermissionDenied, match="只有市清洁取暖办"):
        services.assessment_create(plan=plan, as_of=AS_OF, actor=users[role])


def test_an_as_of_date_before_the_plan_or_in_the_future_is_refused(plan, city):
    for day in (date(2021, 1, 1), timezone.localdate() + timedelta(days=1)):
        with pytest.raises(ValidationError, match="考核截止日期不能") as error:
            services.assessment_create(plan=plan, as_of=day, actor=city)
        assert "as_of" in error.value.message_dict
    assert not Assessment.objects.exists()


def test_one_assessment_at_a_time_and_after_a_final_one_only_a_correction_with_a_reason(plan, city):
    first = services.assessment_create(plan=plan, as_of=AS_OF, actor=city)
    with pytest.raises(ConflictError, match="尚未定稿"):
        services.assessment_create(plan=plan, as_of=AS_OF, actor=city)
    services.assessment_publish(assessment=first, actor=city)
    services.assessment_finalize(assessment=first, actor=city)
    with pytest.raises(ConflictError, match="已定稿"):
        services.assessment_create(plan=plan, as_of=AS_OF, actor=city)
    with pytest.raises(ValidationError, match="请填写更正原因") as error:
        services.assessment_create(plan=plan, as_of=AS_OF, actor=city, supersedes=first, reason=" ")
    assert "reason" in error.value.message_dict
    second = services.assessment_create(plan=plan, as_of=AS_OF, actor=city, supersedes=first, reason="永济市月报更正")
    assert second.number == 2 and second.supersedes == first


def test_a_correction_copies_the_adjustments_and_replaces_the_old_result_only_once_it_is_final(plan, city, yuhu):
    first = services.assessment_create(plan=plan, as_of=AS_OF, actor=city)
    services.adjustment_add(assessment=first, county=yuhu, points="1.5", reason="示范", basis="文件", actor=city)
    services.assessment_publish(assessment=first, actor=city)
    services.assessment_finalize(assessment=first, actor=city)
    second = services.assessment_create(plan=plan, as_of=AS_OF, actor=city, supersedes=first, reason="更正")
    assert list(second.adjustments.values_list("points", flat=True)) == [Decimal("1.50")]
    first.refresh_from_db()
    assert not first.is_superseded
    services.assessment_publish(assessment=second, actor=city)
    services.assessment_finalize(assessment=second, actor=city)
    first = Assessment.objects.get(pk=first.pk)
    assert first.is_superseded and first.is_final and first.figures is not None
    with pytest.raises(ConflictError, match="只能更正现行的定稿结果"):
        services.assessment_create(plan=plan, as_of=AS_OF, actor=city, supersedes=first, reason="再更正旧版")


def test_adjustments_stay_within_the_schemes_limits_and_need_a_reason_and_a_basis(plan, city, yuhu):
    assessment = services.assessment_create(plan=plan, as_of=AS_OF, actor=city)
    services.adjustment_add(assessment=assessment, county=yuhu, points="3", reason="示范", basis="文件", actor=city)
    with pytest.raises(ValidationError, match="加分合计不能超过 5.00 分") as error:  # default bonus limit 5: 3 + 2.01
        services.adjustment_add(
            assessment=assessment, county=yuhu, points="2.01", reason="再加", basis="文件", actor=city
        )
    assert "points" in error.value.message_dict
    services.adjustment_add(assessment=assessment, county=yuhu, points="2", reason="再加", basis="文件", actor=city)
    services.adjustment_add(assessment=assessment, county=yuhu, points="-10", reason="减", basis="通报", actor=city)
    for bad, message in (
        ({"points": "-0.01"}, "减分合计不能超过 10.00 分"),
        ({"points": "0"}, "加减分不能为 0"),
        ({"points": "1.234"}, "最多 2 位小数"),
        ({"points": "x"}, "请填写数字"),
        ({"reason": ""}, "请填写理由"),
        ({"basis": " "}, "请填写依据"),
    ):
        values = {"points": "1", "reason": "r", "basis": "b", **bad}
        with pytest.raises(ValidationError, match=message):
            services.adjustment_add(assessment=assessment, county=yuhu, actor=city, **values)
    assert assessment.adjustments.count() == 3


def test_an_adjustment_during_publication_changes_the_stored_total_and_rank_but_not_the_indicators(plan, city, yuhu):
    assessment = published(plan, city)
    before = {r["county"]: r for r in assessment.figures["counties"]}
    services.adjustment_add(assessment=assessment, county=yuhu, points="5", reason="示范", basis="文件", actor=city)
    assessment.refresh_from_db()
    after = {r["county"]: r for r in assessment.figures["counties"]}
    assert Decimal(after["140802"]["total"]) == Decimal(before["140802"]["total"]) + 5
    assert after["140802"]["indicators"] == before["140802"]["indicators"]
    assert after["140802"]["rank"] == 1


def test_publishing_stores_the_figures_and_opens_the_objection_period(plan, city, settings):
    settings.ASSESSMENT_OBJECTION_DAYS = 7
    assessment = published(plan, city)
    assert assessment.status == "published"
    assert assessment.objection_deadline == timezone.localdate() + timedelta(days=7)
    assert assessment.figures["as_of"] == AS_OF.isoformat()
    with pytest.raises(ConflictError, match="只有草稿可以公示"):
        services.assessment_publish(assessment=assessment, actor=city)


def test_a_clerk_objects_for_its_own_county_within_the_period_with_a_checked_attachment(plan, city, users, settings):
    assessment = published(plan, city)
    clerk = users["clerk"]
    objection = services.objection_file(assessment=assessment, reason="7月数据已更正", attachment=pdf(), actor=clerk)
    assert objection.county.code == "140802" and objection.attachment_name == "说明.pdf"
    assert objection.attachment.read().startswith(b"%PDF-")
    with pytest.raises(ValidationError, match="请填写异议理由"):
        services.objection_file(assessment=assessment, reason="", actor=clerk)
    fake = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="附件应为 PDF") as error:
        services.objection_file(assessment=assessment, reason="理由", attachment=fake, actor=clerk)
    assert "attachment" in error.value.message_dict
    settings.ASSESSMENT_ATTACHMENT_MAX_BYTES = 50
    with pytest.raises(ValidationError, match="附件不能超过"):
        services.objection_file(assessment=assessment, reason="理由", attachment=pdf(size=60), actor=clerk)
    with pytest.raises(PermissionDenied, match="只有县（市、区）填报员"):
        services.objection_file(assessment=assessment, reason="理由", actor=users["city"])
    Assessment.objects.filter(pk=assessment.pk).update(objection_deadline=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ConflictError, match="异议期已于"):
        services.objection_file(assessment=assessment, reason="理由", actor=clerk)
    assert assessment.objections.count() == 1


def test_an_objection_to_a_draft_or_a_final_result_is_refused(plan, city, users):
    assessment = services.assessment_create(plan=plan, as_of=AS_OF, actor=city)
    with pytest.raises(ConflictError, match="不在公示期"):
        services.objection_file(assessment=assessment, reason="理由", actor=users["clerk"])


def test_answers_accept_with_a_change_of_points_or_reject_and_finalising_waits_for_every_answer(plan, city, users):
    assessment = published(plan, city)
    first = services.objection_file(assessment=assessment, reason="少算了", actor=users["clerk"])
    second = services.objection_file(assessment=assessment, reason="不服", actor=users["other_clerk"])
    with pytest.raises(ConflictError, match="还有 2 条异议未答复"):
        services.assessment_finalize(assessment=assessment, actor=city)
    with pytest.raises(ValidationError, match="采纳异议须填写调整的分值") as error:
        services.objection_answer(objection=first, decision="accepted", reply="核实属实", actor=city)
    assert "points" in error.value.message_dict
    services.objection_answer(objection=first, decision="accepted", reply="核实属实", points="2", actor=city)
    with pytest.raises(ConflictError, match="该异议已答复"):
        services.objection_answer(objection=first, decision="rejected", reply="改判", actor=city)
    services.objection_answer(objection=second, decision="rejected", reply="依据不足", actor=city)
    first.refresh_from_db()
    assert first.status == ObjectionStatus.ACCEPTED and first.adjustments.get().points == Decimal("2.00")
    final = services.assessment_finalize(assessment=assessment, actor=city)
    row = next(r for r in final.figures["counties"] if r["county"] == "140802")
    assert row["adjustments"] == "2.00"


def test_a_final_result_is_frozen_with_its_checksum_and_never_recomputed(plan, city, users, make_report, yuhu):
    assessment = published(plan, city)
    final = services.assessment_finalize(assessment=assessment, actor=city)
    assert final.sha256 == figures_checksum(final.figures) and checksum_holds(assessment=final)
    stored = final.figures
    make_report("140802", "2021-06", {("coal_to_electric", "urban"): 10000})
    assert assessment_figures(assessment=Assessment.objects.get(pk=final.pk)) == stored
    with pytest.raises(ConflictError, match="已定稿，不能再加减分"):
        services.adjustment_add(assessment=final, county=yuhu, points="1", reason="r", basis="b", actor=city)
    with pytest.raises(ConflictError, match="只有公示中的考核可以定稿"):
        services.assessment_finalize(assessment=final, actor=city)
    # Figures altered behind the system's back no longer match the checksum shown.
    Assessment.objects.filter(pk=final.pk).update(figures={**stored, "as_of": "2021-12-30"})
    assert checksum_holds(assessment=Assessment.objects.get(pk=final.pk)) is False


def test_every_step_is_in_the_audit_trail_and_the_trail_cannot_be_changed(plan, city, users, yuhu):
    services.scheme_update(plan=plan, rules=scenario.RULES, actor=city)
    services.air_quality_set(plan=plan, county=yuhu, value="40", target="45", source="监测站", actor=city)
    assessment = services.assessment_create(plan=plan, as_of=AS_OF, actor=city)
    services.adjustment_add(assessment=assessment, county=yuhu, points="1", reason="r", basis="b", actor=city)
    services.assessment_publish(assessment=assessment, actor=city)
    objection = services.objection_file(assessment=assessment, reason="异议", actor=users["clerk"])
    services.objection_answer(objection=objection, decision="rejected", reply="不予采纳", actor=city)
    services.assessment_finalize(assessment=assessment, actor=city)
    actions = list(AssessmentEvent.objects.values_list("action", flat=True))
    assert actions == [
        EventAction.SCHEME_UPDATE,
        EventAction.AIR_QUALITY,
        EventAction.CREATE,
        EventAction.ADJUST,
        EventAction.PUBLISH,
        EventAction.OBJECT,
        EventAction.ANSWER,
        EventAction.FINALIZE,
    ]
    final_event = AssessmentEvent.objects.get(action=EventAction.FINALIZE)
    assert final_event.detail["checksum"] == Assessment.objects.get().sha256
    with pytest.raises(PermissionError, match="cannot be changed"):
        final_event.save()


def test_air_quality_needs_numbers_and_a_source_for_an_assessed_county(plan, city, yuhu):
    for bad, message in (
        ({"value": "abc"}, "请填写数字"),
        ({"target": ""}, "请填写数字"),
        ({"source": " "}, "请填写数据来源"),
        ({"value": "1.234"}, "最多 2 位小数"),
    ):
        values = {"value": "40", "target": "45", "source": "监测站", **bad}
        with pytest.raises(ValidationError, match=message):
            services.air_quality_set(plan=plan, county=yuhu, actor=city, **values)
    entry = services.air_quality_set(plan=plan, county=yuhu, value="40", target="45", source="监测站", actor=city)
    again = services.air_quality_set(plan=plan, county=yuhu, value="41", target="45", source="更正", actor=city)
    assert entry.pk == again.pk and again.value == Decimal("41")


def test_computing_the_assessment_takes_the_same_queries_whatever_the_roster_and_records(
    plan, users, make_report, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assessments.figures import assessment_compute

    rules = R.scheme_clean(scenario.RULES)
    with CaptureQueriesContext(connection) as empty:
        assessment_compute(plan=plan, rules=rules, as_of=AS_OF)
    scenario.build(plan=plan, users=users, make_report=make_report)
    with django_assert_num_queries(len(empty.captured_queries)):
        assessment_compute(plan=plan, rules=rules, as_of=AS_OF)
    assert len(empty.captured_queries) <= 20
