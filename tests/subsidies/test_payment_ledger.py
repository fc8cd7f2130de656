"""拨付台账: the payment ledger export."""

import io
from decimal import Decimal
from urllib.parse import unquote

import openpyxl
import pytest

from subsidies.models import Payment
from subsidies.services import payment_void

pytestmark = pytest.mark.django_db


def test_the_payment_ledger_lists_every_payment_and_totals_the_valid_ones(api, users, plan, make_report):
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 100})
    finance = api(users["finance"])
    for amount, number in (("1000.50", "运财建〔2021〕1号"), ("200.00", "运财建〔2021〕2号")):
        body = {
            "county": "140802",
            "level": "city",
            "paid_on": "2021-09-01",
            "document_number": number,
            "amount": amount,
        }
        assert finance.post("/api/v1/plans/2021/subsidies/payments/", body, format="json").status_code == 201
    payment_void(payment=Payment.objects.get(amount=Decimal("200.00")), actor=users["finance"], reason="录错")
    response = finance.get("/api/v1/plans/2021/subsidies/payments/export.xlsx")
    assert response.status_code == 200
    assert unquote(response["Content-Disposition"].split("''")[-1]) == "2021年补助资金拨付台账.xlsx"
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header_row = openpyxl.utils.cell.coordinate_to_tuple(ws.freeze_panes)[0] - 1
    rows = list(ws.iter_rows(min_row=header_row + 1, values_only=True))
    assert [(r[1], r[4], r[5], r[9]) for r in rows[:-1]] == [
        ("盐湖区", "运财建〔2021〕1号", 1000.5, "有效"),
        ("盐湖区", "运财建〔2021〕2号", 200, "已作废"),
    ]
    assert rows[-1][1] == "合计（不含已作废）" and rows[-1][5] == 1000.5
    assert api(users["department"]).get("/api/v1/plans/2021/subsidies/payments/export.xlsx").status_code == 403
