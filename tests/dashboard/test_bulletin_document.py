"""The monthly bulletin as a .docx 公文: numbered once per month, laid out after GB/T 9704, its tables
equal to the bulletin page's."""

import io
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest
from docx import Document

from counties.models import DocumentNumber
from tests.http import html_of

pytestmark = pytest.mark.django_db
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class _Tables(HTMLParser):
    """The text of every cell of the table with the given id, row by row."""

    def __init__(self, table_id):
        super().__init__()
        self.table_id, self.depth, self.rows, self.cell = table_id, 0, [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and (dict(attrs).get("id") == self.table_id or self.depth):
            self.depth += 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
        elif self.depth and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join(self.cell.split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def page_table(html, table_id):
    parser = _Tables(table_id)
    parser.feed(html)
    return parser.rows


def docx_table(document, index):
    return [[" ".join(cell.text.split()) for cell in row.cells] for row in document.tables[index].rows]


def download(client, period="2021-08"):
    response = client.get("/bulletin/", {"period": period, "format": "docx"})
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"] == DOCX
    return response, Document(io.BytesIO(response.content))


def texts(document):
    return [p.text for p in document.paragraphs]


def test_the_bulletin_document_carries_the_number_title_and_the_pages_tables(web, users, progress_data):
    city = web(users["city"])
    response, document = download(city)
    assert unquote(response["Content-Disposition"]).endswith("清洁取暖工作进展通报_2021-08.docx")
    paragraphs = texts(document)
    assert paragraphs[0] == "运城市冬季清洁取暖工作领导小组办公室"
    assert "运清洁取暖办〔2021〕1号" in paragraphs
    assert "关于2021年8月全市冬季清洁取暖工作进展情况的通报" in paragraphs
    assert any(p.startswith("抄送：") for p in paragraphs)
    assert any(p.endswith("印发") for p in paragraphs)

    html = html_of(city.get("/bulletin/", {"period": "2021-08"}))
    assert page_table(html, "bulletin-types") == docx_table(document, 0)
    ranking = page_table(html, "ranking")
    assert len(ranking) == 14  # header and thirteen counties
    assert ranking == docx_table(document, 1)
    # 垣曲县 first with 1200 of its 1636, as the page ranks it
    assert docx_table(document, 1)[1][:4] == ["1", "垣曲县", "1636", "1200"]
    assert "运清洁取暖办〔2021〕1号" in html


def test_the_same_month_keeps_its_number_and_the_next_document_gets_the_next_one(web, users, progress_data):
    city = web(users["city"])
    download(city, "2021-08")
    _, again = download(city, "2021-08")
    _, september = download(city, "2021-09")
    assert "运清洁取暖办〔2021〕1号" in texts(again)
    assert "运清洁取暖办〔2021〕2号" in texts(september)
    assert list(DocumentNumber.objects.order_by("serial").values_list("subject", "serial")) == [
        ("2021-08", 1),
        ("2021-09", 2),
    ]


def test_a_clerk_gets_a_blank_number_until_the_city_office_numbers_the_bulletin(web, users, progress_data):
    clerk = web(users["clerk"])
    _, before = download(clerk)
    assert "运清洁取暖办〔2021〕\u3000\u3000号" in texts(before)
    assert not DocumentNumber.objects.exists()
    download(web(users["city"]))
    _, after = download(clerk)
    assert "运清洁取暖办〔2021〕1号" in texts(after)


def test_the_city_office_corrects_a_number_and_a_taken_number_is_refused(web, users, progress_data):
    city = web(users["city"])
    download(city, "2021-07")
    response = city.post("/bulletin/number/", {"period": "2021-08", "number": "运清洁取暖办〔2021〕12号"})
    assert response.status_code == 302
    assert DocumentNumber.objects.get(subject="2021-08").number == "运清洁取暖办〔2021〕12号"
    _, document = download(city, "2021-08")
    assert "运清洁取暖办〔2021〕12号" in texts(document)

    taken = city.post("/bulletin/number/", {"period": "2021-08", "number": "运清洁取暖办〔2021〕1号"}, follow=True)
    assert taken.status_code == 200
    assert "文号“运清洁取暖办〔2021〕1号”已用于另一份公文。" in taken.content.decode()
    blank = city.post("/bulletin/number/", {"period": "2021-08", "number": "  "}, follow=True)
    assert "请填写文号。" in blank.content.decode()
    assert DocumentNumber.objects.get(subject="2021-08").number == "运清洁取暖办〔2021〕12号"


@pytest.mark.parametrize("role", ["clerk", "finance", "department"])
def test_only_the_city_office_may_number_a_bulletin(web, users, role, progress_data):
    response = web(users[role]).post("/bulletin/number/", {"period": "2021-08", "number": "X"})
    assert response.status_code == 403
    assert not DocumentNumber.objects.exists()


def test_the_layout_follows_the_standard_a4_margins_page_numbers_and_font_fallbacks(web, users, progress_data):
    response, document = download(web(users["city"]))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
    for footer in (section.footer, section.even_page_footer):
        xml = footer.paragraphs[0]._p.xml
        assert "PAGE" in xml and footer.paragraphs[0].text.startswith("— ")
    # The mark is red, the title in 小标宋, the body in 仿宋.
    mark = document.paragraphs[0].runs[0]
    assert str(mark.font.color.rgb) == "FF0000"
    import zipfile

    fonts = zipfile.ZipFile(io.BytesIO(response.content)).read("word/fontTable.xml").decode()
    for name, fallback in (("方正小标宋简体", "宋体"), ("仿宋_GB2312", "仿宋"), ("黑体", "SimHei")):
        assert f'w:name="{name}"' in fonts and f'w:val="{fallback}"' in fonts


def test_the_api_twin_returns_the_document_and_refuses_a_month_outside_the_plan(api, users, progress_data):
    client = api(users["city"])
    response = client.get("/api/v1/plans/2021/bulletin/export.docx", {"period": "2021-08"}, HTTP_ACCEPT=DOCX)
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert "运清洁取暖办〔2021〕1号" in texts(Document(io.BytesIO(response.content)))
    bad = client.get("/api/v1/plans/2021/bulletin/export.docx", {"period": "2030-01"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    assert api(users["norole"]).get("/api/v1/plans/2021/bulletin/export.docx").status_code == 403
