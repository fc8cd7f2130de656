"""Workbooks built in the tests, and ID numbers with their check character computed here (not by the app)."""

import io
import json
import zipfile
from datetime import date

import openpyxl

HEADERS = [
    "乡镇",
    "村",
    "户主姓名",
    "身份证号",
    "联系电话",
    "改造类型",
    "城乡",
    "面积（㎡）",
    "完工日期",
    "困难类别",
    "备注",
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def make_id(area="140802", birth="19800101", seq=1):
    body = f"{area}{birth}{seq:03d}"
    weights = [2 ** (17 - i) % 11 for i in range(17)]  # the GB 11643 weights, derived
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def row(
    seq=1,
    *,
    township="解州镇",
    village="东村",
    name="张三",
    id_number=None,
    phone="13800000000",
    type_="煤改电",
    area_class="农村",
    area="",
    completed=date(2021, 9, 1),
    hardship="",
    note="",
):
    return [
        township,
        village,
        name,
        id_number if id_number is not None else make_id(seq=seq),
        phone,
        type_,
        area_class,
        area,
        completed,
        hardship,
        note,
    ]


def workbook(rows, headers=HEADERS):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for values in rows:
        ws.append([None if v == "" else v for v in values])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(content, name="roster.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=XLSX)


def post_import(client, content, year=2021, **fields):
    data = {"file": upload(content), **{k: str(v).lower() if isinstance(v, bool) else v for k, v in fields.items()}}
    return client.post(f"/api/v1/plans/{year}/households/import/", data, format="multipart")


def problems(response):
    return [(p["row"], p["column"], p["message"]) for p in response.json()["problems"]]


def make_household(plan, county_code="140802", type_code="coal_to_electric", seq=1, **fields):
    from counties.models import County, RetrofitType
    from households import pii, roster_summary
    from households.models import Household

    values = {
        "township": "解州镇",
        "village": "东村",
        "head_name": f"户主{seq}",
        "id_number": make_id(seq=seq),
        "phone": "13800000000",
        "area_class": "rural",
        "status": "completed",
        "completed_on": date(2021, 9, 1),
    }
    values.update(fields)
    values.update(pii.seal(values.pop("id_number"), values.pop("phone")))
    household = Household.objects.create(
        plan=plan,
        county=County.objects.get(code=county_code),
        retrofit_type=RetrofitType.objects.get(code=type_code),
        **values,
    )
    # Written straight to the table, like a fixture: keep the roster summary as the services would.
    roster_summary.summary_recount(plan_id=plan.pk, county_ids=[household.county_id])
    return household


def read_xlsx(content):
    import python_calamine

    return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def body_bytes(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def id_of(household) -> str:
    """The whole ID number of a stored household, decrypted (tests only)."""
    from households import pii

    return pii.reveal(household.pii_cipher)[0]


def by_id_number(id_number, **filters):
    """The household with this whole ID number, found through the blind index."""
    from households import pii
    from households.models import Household

    return Household.objects.get(id_number_index=pii.id_index(id_number), **filters)


def _texts(value):
    """Every text a stored value holds: strings, JSON, and the members of a stored zip (xlsx) file."""
    if value is None or isinstance(value, (int, float, date)):
        return
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, (dict, list)):
        yield json.dumps(value, ensure_ascii=False)
    elif isinstance(value, bytes):
        yield value.decode("latin-1")
        if value.startswith(b"PK"):
            with zipfile.ZipFile(io.BytesIO(value)) as archive:
                for name in archive.namelist():
                    yield archive.read(name).decode("utf-8", "replace")
    else:
        yield str(value)


def stored_texts():
    """(table, text) for every value of every table of the test database, sessions decoded.

    The tables are listed by the database itself, so a table added later is scanned too.
    """
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection

    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {quote(table)}")
            names = [c[0] for c in cursor.description]
            for values in cursor.fetchall():
                for name, value in zip(names, values, strict=True):
                    if table == "django_session" and name == "session_data":
                        value = json.dumps(SessionStore().decode(value), ensure_ascii=False, default=str)
                    for text in _texts(value):
                        yield table, text
