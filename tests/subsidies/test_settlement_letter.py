"""A settlement's cover letter (结算函, .docx): the stored figures, the workbook's checksum, the finance
bureau's own 文号."""

import io
from decimal import Decimal
from urllib.parse import unquote

import pytest
from docx import Document

from counties.models import DocumentNumber
from subsidies.services import settlement_create
from tests.http import expect

pytestmark = pytest.mark.django_db


@pytest.fixture
def settlement(make_report, plan, users):
    make_report("140802", "2021-07", {("coal_to_electric", "urban"): 100, ("coal_to_electric", "rural"): 50})
    make_report("140881", "2021-08", {("coal_to_gas", "urban"): 30})
    return settlement_create(plan=plan, period="2021-08", actor=users["finance"])


def letter(client, settlement):
    response = client.get(f"/plans/2021/subsidies/settlements/{settlement.pk}/letter.docx")
    assert response.status_code == 200
    return response, Document(io.BytesIO(response.content))


def test_the_letter_states_the_stored_figures_and_the_workbooks_checksum(web, users, settlement):
    response, document = letter(web(users["finance"]), settlement)
    name = unquote(response["Content-Disposition"].split("''")[-1])
    assert name == f"2021年补助资金结算函_截至2021-08_第{settlement.pk}号.docx"
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "运城市财政局"
    assert "运财建函〔2021〕1号" in texts
    assert "关于2021年冬季清洁取暖补助资金结算情况的函" in texts
    assert any(settlement.sha256 in t for t in texts)
    rows = [[c.text for c in row.cells] for row in document.tables[0].rows]
    figures = settlement.figures["rows"]
    assert [r[1] for r in rows[1:-1]] == [f["county_name"] for f in figures]
    city = sum(Decimal(f["city_share"]) for f in figures)
    county = sum(Decimal(f["county_share"]) for f in figures)
    assert rows[-1] == ["", "合计", f"{city:,.2f}", f"{county:,.2f}", f"{city + county:,.2f}"]
    assert city > 0 and county > 0


def test_the_finance_bureau_numbers_its_letters_apart_from_the_city_offices_bulletins(web, users, settlement):
    expect(web(users["city"]).get("/bulletin/", {"period": "2021-08", "format": "docx"}))
    letter(web(users["finance"]), settlement)
    numbers = dict(DocumentNumber.objects.values_list("kind", "number"))
    assert numbers == {"bulletin": "运清洁取暖办〔2021〕1号", "settlement": "运财建函〔2021〕1号"}


def test_the_city_office_reads_the_letter_without_numbering_it_and_a_clerk_is_refused(web, users, settlement):
    _, document = letter(web(users["city"]), settlement)
    assert "运财建函〔2021〕\u3000\u3000号" in [p.text for p in document.paragraphs]
    assert not DocumentNumber.objects.exists()
    other = web(users["other_clerk"]).get(f"/plans/2021/subsidies/settlements/{settlement.pk}/letter.docx")
    assert other.status_code == 403  # settlements are city-wide documents
