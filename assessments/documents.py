"""The result notice (考核结果通报) of a final assessment, as a .docx 公文 through ``core.documents``.

Its table is the league table the user reads (``league_for_user``), ordered by rank; its 文号 is given
on the city office's first download (``counties.documents``), as the bulletin's is.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _

from assessments import rules as R
from assessments.exports import assessment_filename
from assessments.models import Assessment
from assessments.permissions import AssessmentManagers
from assessments.selectors import league_for_user
from core.api import ConflictError
from core.documents import (
    Heading,
    OfficialDocument,
    Paragraph,
    Table,
    chinese_date,
    docx_response,
    write_official_document,
)
from counties.documents import document_number_find, document_number_issue, document_number_text
from counties.models import DocumentKind


def notice_subject(assessment: Assessment) -> str:
    return f"assessment-{assessment.number}"


def notice_title(assessment: Assessment) -> str:
    return _("关于%(year)s年度冬季清洁取暖工作目标责任考核结果的通报") % {"year": assessment.plan.year}


def notice_number(*, assessment: Assessment, user):
    """Given on the city office's first download, else whatever was given (or None)."""
    plan, subject = assessment.plan, notice_subject(assessment)
    if AssessmentManagers.allows(user):
        return document_number_issue(plan=plan, kind=DocumentKind.ASSESSMENT, subject=subject, actor=user)
    return document_number_find(plan=plan, kind=DocumentKind.ASSESSMENT, subject=subject)


def notice_rows(league: dict) -> list[list]:
    """The table's rows: rank, county, total, grade, fund coefficient; by rank, ties in annex order."""
    ordered = sorted(enumerate(league["counties"]), key=lambda item: (item[1]["rank"], item[0]))
    return [
        [row["rank"], row["county_name"], row["total"], row["grade_name"], row["fund_coefficient"]]
        for _index, row in ordered
    ]


def _grade_counts(league: dict) -> str:
    counts = {code: 0 for code in R.GRADES}
    for row in league["counties"]:
        counts[row["grade"]] += 1
    return "，".join(_("%(grade)s %(n)s 个") % {"grade": name, "n": counts[code]} for code, name in R.GRADES.items())


def assessment_notice_docx(*, user, assessment: Assessment) -> bytes:
    if not assessment.is_final:
        raise ConflictError(_("考核结果定稿后才能生成考核结果通报。"))
    league = league_for_user(user=user, assessment=assessment)
    if any("total" not in row for row in league["counties"]):
        # A department reads the completion of its own types only, not the counties' totals.
        raise Http404
    plan, scheme = assessment.plan, assessment.scheme
    number = notice_number(assessment=assessment, user=user)
    blocks = [
        Paragraph(
            _(
                "根据《%(title)s》关于将冬季清洁取暖工作纳入市年终目标责任考核的要求，按照%(year)s年度考核方案"
                "（第 %(version)s 版），依据各县（市、区）月报、退回、现场检查、问题整改、第三方验收、补助资金到位"
                "和空气质量考核指标等记录，对各县（市、区）截至%(as_of)s的工作进行了考核。考核结果经公示%(deadline)s，"
                "现予通报。"
            )
            % {
                "title": plan.title,
                "year": plan.year,
                "version": scheme.version,
                "as_of": chinese_date(assessment.as_of),
                "deadline": _("（异议期至%(date)s）") % {"date": chinese_date(assessment.objection_deadline)}
                if assessment.objection_deadline
                else "",
            }
        ),
        Heading(_("一、考核结果")),
        Paragraph(
            _("参加考核的县（市、区）共 %(n)s 个，其中%(counts)s。各县（市、区）得分、名次、等次和资金系数如下：")
            % {"n": len(league["counties"]), "counts": _grade_counts(league)}
        ),
        Table(
            columns=[_("名次"), _("县（市、区）"), _("总分"), _("等次"), _("资金系数")],
            rows=notice_rows(league),
            numeric=(0, 2, 4),
        ),
        Heading(_("二、有关要求")),
        Paragraph(
            _(
                "清洁取暖资金使用与考核结果挂钩，下一年度市级补助资金按资金系数调整。考核中发现问题的县（市、区），"
                "要认真整改，按期销号；对改而不用、燃煤复烧等问题，视情况停止拨付或追回补助资金。"
            )
        ),
    ]
    if assessment.supersedes_id:
        blocks.append(
            Paragraph(
                _("本通报为第 %(n)s 版考核结果的更正，更正原因：%(reason)s")
                % {
                    "n": assessment.supersedes.number,
                    "reason": assessment.correction_reason,
                }
            )
        )
    blocks.append(
        Paragraph(
            _("本通报所列结果以系统定稿数据为准（第 %(n)s 版，校验值 SHA-256：%(sha)s）。")
            % {"n": assessment.number, "sha": assessment.sha256}
        )
    )
    issuer = settings.OFFICIAL_DOCUMENT_ISSUER
    return write_official_document(
        OfficialDocument(
            issuer=issuer,
            document_number=number.number
            if number
            else document_number_text(plan=plan, serial=None, kind=DocumentKind.ASSESSMENT),
            title=notice_title(assessment),
            addressees=settings.OFFICIAL_DOCUMENT_ADDRESSEES,
            blocks=blocks,
            signatory=issuer,
            issued_on=number.issued_on if number else None,
            cc=settings.OFFICIAL_DOCUMENT_CC,
            printed_by=issuer,
        )
    )


def assessment_notice_response(*, user, assessment: Assessment):
    return docx_response(
        content=assessment_notice_docx(user=user, assessment=assessment),
        filename=assessment_filename(assessment, _("_考核结果通报.docx")),
    )
