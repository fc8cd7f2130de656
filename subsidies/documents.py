"""A settlement's cover letter (结算函) as a .docx 公文, from the settlement's stored figures.

The letter states what the frozen settlement states and nothing recomputed: its totals per county and
the SHA-256 of the stored workbook that goes with it, so that the county finance bureaus can check the
attachment they received is the one settled.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core.documents import Heading, OfficialDocument, Paragraph, Table, write_official_document
from counties.documents import document_number_find, document_number_issue, document_number_text
from counties.models import DocumentKind
from subsidies.models import Settlement
from subsidies.permissions import FinanceOnly


def _yuan(text: str) -> str:
    return f"{Decimal(text):,.2f}"


def settlement_letter_filename(settlement: Settlement) -> str:
    return _("%(year)s年补助资金结算函_截至%(period)s_第%(id)s号.docx") % {
        "year": settlement.plan.year,
        "period": settlement.period,
        "id": settlement.pk,
    }


def settlement_letter(*, settlement: Settlement, user) -> bytes:
    plan = settlement.plan
    subject = str(settlement.pk)
    if FinanceOnly.allows(user):
        number = document_number_issue(plan=plan, kind=DocumentKind.SETTLEMENT, subject=subject, actor=user)
    else:
        number = document_number_find(plan=plan, kind=DocumentKind.SETTLEMENT, subject=subject)
    figures = settlement.figures
    totals = figures["totals"]
    year, month = settlement.period.split("-")
    created = timezone.localtime(settlement.created_at)
    blocks = [
        Paragraph(
            _(
                "根据《%(title)s》确定的补助标准，按经市清洁取暖办审核的各县（市、区）月报累计完成量，"
                "截至%(year)s年%(month)s月底，清洁取暖改造补助资金合计 %(total)s 元，其中市级补助 %(city)s 元、"
                "县级补助 %(county)s 元。各县（市、区）明细如下："
            )
            % {
                "title": plan.title,
                "year": year,
                "month": int(month),
                "total": _yuan(totals["total"]),
                "city": _yuan(totals["city_share"]),
                "county": _yuan(totals["county_share"]),
            }
        ),
        Table(
            columns=[_("序号"), _("县（市、区）"), _("市级补助（元）"), _("县级补助（元）"), _("合计（元）")],
            rows=[
                [index, row["county_name"], _yuan(row["city_share"]), _yuan(row["county_share"]), _yuan(row["total"])]
                for index, row in enumerate(figures["rows"], start=1)
            ],
            numeric=(0, 2, 3, 4),
            total_row=[
                "",
                _("合计"),
                _yuan(totals["city_share"]),
                _yuan(totals["county_share"]),
                _yuan(totals["total"]),
            ],
        ),
        Heading(_("附件")),
        Paragraph(
            _(
                "结算明细表（第 %(id)s 号结算，%(when)s 生成，文件 SHA-256：%(sha)s）。"
                "请各县（市、区）财政局核对附件校验值后，按县级承担部分及时足额安排资金。"
            )
            % {"id": settlement.pk, "when": created.strftime("%Y-%m-%d %H:%M"), "sha": settlement.sha256}
        ),
    ]
    issuer = settings.FINANCE_DOCUMENT_ISSUER
    return write_official_document(
        OfficialDocument(
            issuer=issuer,
            document_number=number.number
            if number
            else document_number_text(plan=plan, serial=None, kind=DocumentKind.SETTLEMENT),
            title=_("关于%(year)s年冬季清洁取暖补助资金结算情况的函") % {"year": plan.year},
            addressees=_("各县（市、区）财政局："),
            blocks=blocks,
            signatory=issuer,
            issued_on=number.issued_on if number else None,
            cc=_("市清洁取暖办。"),
            printed_by=issuer,
        )
    )
