"""The monthly bulletin (通报) as a .docx 公文: the bulletin page's figures in core.documents' layout.

It composes reports (progress, ranking, reporting) and inspections (findings), so it lives in the top
layer beside the bulletin page. Every figure comes from the same ``bulletin()`` the page renders, and
is formatted by the same filters, so the document's tables equal the page's.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _

from core.documents import Heading, OfficialDocument, Paragraph, Table, write_official_document
from counties.documents import document_number_find, document_number_issue, document_number_text
from counties.models import DocumentKind, Plan
from counties.templatetags.heating import pct_points
from households.hardship import hardship_line, hardship_sentence
from inspections.models import VisitFinding
from inspections.selectors import inspection_summary_public
from reports.dashboard import bulletin
from reports.permissions import CityOfficeOnly


def _names(counties) -> str:
    return "、".join(c.name for c in counties) or _("无")


def bulletin_number(*, plan: Plan, period: str, user):
    """The bulletin's 文号: given on the city office's first download, else whatever was given (or None)."""
    if CityOfficeOnly.allows(user):
        return document_number_issue(plan=plan, kind=DocumentKind.BULLETIN, subject=period, actor=user)
    return document_number_find(plan=plan, kind=DocumentKind.BULLETIN, subject=period)


def bulletin_title(*, period: str) -> str:
    year, month = period.split("-")
    return _("关于%(year)s年%(month)s月全市冬季清洁取暖工作进展情况的通报") % {"year": year, "month": int(month)}


def bulletin_filename(*, period: str) -> str:
    return _("清洁取暖工作进展通报_%(period)s.docx") % {"period": period}


def bulletin_document(*, plan: Plan, period: str, user, today: date | None = None) -> bytes:
    data = bulletin(plan=plan, period=period, today=today)
    number = bulletin_number(plan=plan, period=period, user=user)
    table, month = data["table"], data["month"]
    total = table["totals"]["total"]
    blocks = [
        Heading(_("一、总体进展")),
        Paragraph(
            _(
                "按照《%(title)s》，全市年度目标任务 %(target)s 户。截至本月底，经审核累计完成 %(completed)s 户，"
                "完成率 %(rate)s（按计划进度应完成 %(expected)s）；另有 %(pending)s 户已报送待审核。"
            )
            % {
                "title": plan.title,
                "target": total["target"],
                "completed": total["completed"],
                "rate": pct_points(total["percent"] or 0),
                "expected": pct_points(table["expected_percent"]),
                "pending": total["pending"],
            }
        ),
        Paragraph(hardship_sentence(hardship_line(plan=plan, period=period))),
        Table(
            columns=[_("改造类型"), _("目标（户）"), _("累计完成（户）"), _("完成率")],
            rows=[
                [
                    t.name,
                    table["totals"]["types"][t.code]["target"],
                    table["totals"]["types"][t.code]["completed"],
                    pct_points(table["totals"]["types"][t.code]["percent"])
                    if table["totals"]["types"][t.code]["percent"] is not None
                    else "",
                ]
                for t in table["types"]
            ],
            numeric=(1, 2, 3),
            total_row=[_("合计"), total["target"], total["completed"], pct_points(total["percent"] or 0)],
        ),
        Heading(_("二、各县（市、区）完成率排名")),
        Table(
            columns=[
                _("名次"),
                _("县（市、区）"),
                _("目标（户）"),
                _("累计完成（户）"),
                _("完成率"),
                _("计划应完成（户）"),
                _("差额（户）"),
            ],
            rows=[
                [
                    row["rank"],
                    row["county"].name,
                    row["total"]["target"],
                    row["total"]["completed"],
                    pct_points(row["total"]["percent"] or 0),
                    row["total"]["expected"],
                    row["total"]["gap"] or "",
                ]
                for row in data["ranking"]
            ],
            numeric=(0, 2, 3, 4, 5, 6),
        ),
        Heading(_("三、月报报送情况")),
        Paragraph(
            _(
                "本月应报 %(expected)s 个县（市、区），已报送 %(submitted)s 个（报送率 %(completeness)s），"
                "按时报送 %(on_time)s 个（及时率 %(timeliness)s）。逾期报送：%(late)s；未报送：%(missing)s。"
            )
            % {
                "expected": month["expected"],
                "submitted": month["submitted"],
                "completeness": pct_points(month["completeness_percent"] or 0),
                "on_time": month["on_time"],
                "timeliness": pct_points(month["timeliness_percent"] or 0),
                "late": _names(month["late_counties"]),
                "missing": _names(month["missing_counties"]),
            }
        ),
        Heading(_("四、进度滞后的县（市、区）")),
    ]
    if data["behind"]:
        blocks.append(Paragraph(_("以下县（市、区）完成率落后计划进度 10 个百分点以上，请加快推进：")))
        blocks += [
            Paragraph(
                _("%(name)s：完成率 %(rate)s，计划 %(expected)s，差 %(gap)s 户。")
                % {
                    "name": row["county"].name,
                    "rate": pct_points(row["total"]["percent"] or 0),
                    "expected": pct_points(table["expected_percent"]),
                    "gap": row["total"]["gap"],
                }
            )
            for row in data["behind"]
        ]
    else:
        blocks.append(Paragraph(_("各县（市、区）均基本达到计划进度。")))
    blocks.append(Heading(_("五、现场检查与整改情况")))
    summary = inspection_summary_public(plan=plan, today=today)
    if summary:
        findings = list(VisitFinding.choices)
        blocks.append(
            Table(
                columns=[_("县（市、区）"), _("抽取户数"), _("已检查")]
                + [label for _value, label in findings]
                + [_("整改未销号"), _("整改逾期"), _("已销号")],
                rows=[
                    [row["county"].name, row["sampled"], row["visited"]]
                    + [
                        f"{row['findings'][value]['count']}"
                        + (
                            f" ({pct_points(row['findings'][value]['percent'])})"
                            if row["findings"][value]["rate"] is not None
                            else ""
                        )
                        for value, _label in findings
                    ]
                    + [row["rect_open"], row["rect_overdue"], row["rect_closed"]]
                    for row in summary
                ],
                numeric=tuple(range(1, 6 + len(findings))),
            )
        )
    else:
        blocks.append(Paragraph(_("暂无现场检查记录。")))
    blocks.append(
        Paragraph(
            _(
                "说明：完成数为经市清洁取暖办审核的月报累计数；既有建筑节能改造按 %(m2)s 平方米/户折算；"
                "计划进度按方案印发日至完成期限匀速推进计算。"
            )
            % {"m2": f"{plan.m2_per_household:.0f}"}
        )
    )
    issuer = settings.OFFICIAL_DOCUMENT_ISSUER
    return write_official_document(
        OfficialDocument(
            issuer=issuer,
            document_number=number.number if number else document_number_text(plan=plan, serial=None),
            title=bulletin_title(period=period),
            addressees=settings.OFFICIAL_DOCUMENT_ADDRESSEES,
            blocks=blocks,
            signatory=issuer,
            issued_on=number.issued_on if number else None,
            cc=settings.OFFICIAL_DOCUMENT_CC,
            printed_by=issuer,
        )
    )
