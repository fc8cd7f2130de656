"""The roster workbook: the import template and the export share their columns, so exports re-import."""

from __future__ import annotations

from datetime import date

from django.utils import translation
from django.utils.translation import gettext as _

from core.exports import Column, Sheet
from counties.models import RetrofitType
from households import importer
from households.models import AcceptanceResult, Hardship, HouseholdStatus

IMPORT_COLUMNS = [
    Column(importer.TOWNSHIP, "text", 14),
    Column(importer.VILLAGE, "text", 14),
    Column(importer.HEAD, "text", 10),
    Column(importer.ID_NUMBER, "forced_text", 21),
    Column(importer.PHONE, "forced_text", 14),
    Column(importer.TYPE, "text", 16),
    Column(importer.AREA_CLASS, "text", 8),
    Column(importer.AREA, "decimal", 11),
    Column(importer.COMPLETED, "date", 12),
    Column(importer.HARDSHIP, "text", 14),
    Column(importer.NOTE, "text", 20),
]
COUNTY_COLUMN = Column(importer.COUNTY, "text", 12)
EXTRA_COLUMNS = [
    Column("状态", "text", 10),
    Column("验收日期", "date", 12),
    Column("验收单位", "text", 16),
    Column("验收结果", "text", 8),
    Column("市级补助（元）", "money", 13),
    Column("县级补助（元）", "money", 13),
]
STATUS_LABELS = dict(HouseholdStatus.choices)
HARDSHIP_LABELS = {value: ("" if value == Hardship.NONE else label) for value, label in Hardship.choices}
RESULT_LABELS = dict(AcceptanceResult.choices)


# A published sample number (GB 11643's own example), never a resident's.
EXAMPLE_ID = "11010519491231002X"


def _example_row(*, with_county: bool, type_name: str) -> list:
    """The template's one example row; its first cell marks it, and the import skips it (importer.is_example).

    Cells, not interface text: like the headers they stay Chinese in every language, or the mark
    would no longer be recognised.
    """
    mark = importer.EXAMPLE_MARK + "（导入时跳过此行）"
    values = [
        "东郭镇",
        "东郭村",
        "张三",
        EXAMPLE_ID,
        "13800000000",
        type_name,
        importer.AREA_CLASS_EXPORT["rural"],
        "",
        date(2021, 7, 15),
        "",
        _("示例行，可删除"),
    ]
    return [mark, *values] if with_county else [mark, *values[1:]]


def template_sheets(*, with_county: bool) -> list[Sheet]:
    columns = ([COUNTY_COLUMN] if with_county else []) + IMPORT_COLUMNS
    types = list(RetrofitType.objects.order_by("order", "code"))
    notes_rows = [
        [_("必填列"), "、".join(importer.REQUIRED) + _("；既有建筑节能改造须填面积。")],
        [_("改造类型"), "、".join(f"{t.name}（{t.code}）" for t in types)],
        [_("城乡"), _("中心城区及县城 或 农村（也可填 城镇、urban / rural）")],
        [_("身份证号"), _("18位，末位可为X；不接受15位旧号码。请保持文本格式。")],
        [_("完工日期"), _("如 2021-07-15；未完工可留空。")],
        [_("困难类别"), _("留空，或 建档立卡贫困户、低保户、五保户")],
        [_("上限"), _("每个文件最多 %(n)d 行。") % {"n": importer.MAX_ROWS}],
        [_("示例行"), _("第2行是示例（第一格为“示例…”），导入时自动跳过，可保留或删除。")],
        [_("文件格式"), _("可导入 .xlsx、.xls 或 .csv（UTF-8 或 GBK/GB18030 编码）；表头上方可以有标题行。")],
    ]
    if with_county:
        notes_rows.insert(0, [importer.COUNTY, _("县（市、区）名称或行政区划代码，如 盐湖区 或 140802")])
    headers = [c.header for c in columns]
    with translation.override("zh-hans"):
        hardships = [str(h.label) for h in Hardship if h != Hardship.NONE]
    validations = [
        (headers.index(importer.TYPE), [t.name for t in types]),
        (headers.index(importer.AREA_CLASS), list(importer.AREA_CLASS_EXPORT.values())),
        (headers.index(importer.HARDSHIP), hardships),
    ]
    example = _example_row(with_county=with_county, type_name=types[0].name if types else "")
    return [
        Sheet(
            name=_("花名册"),
            columns=columns,
            rows=[example],
            validations=validations,
            validation_rows=importer.MAX_ROWS,
        ),
        Sheet(
            name=_("填写说明"), columns=[Column(_("项目"), "text", 12), Column(_("说明"), "text", 80)], rows=notes_rows
        ),
    ]


MONEY_COLUMNS = 2  # the last two EXTRA_COLUMNS: 市级补助, 县级补助


def export_sheet(rows, *, title: str, with_money: bool = True) -> Sheet:
    """``with_money`` False (a role that may not read subsidies): no subsidy columns at all."""
    extra = EXTRA_COLUMNS if with_money else EXTRA_COLUMNS[:-MONEY_COLUMNS]
    columns = [COUNTY_COLUMN, *IMPORT_COLUMNS, *extra]
    # The labels are lazy translations: turned into text once here, not once per cell (a third of an
    # export's time went to gettext calls).
    status_labels = {key: str(label) for key, label in STATUS_LABELS.items()}
    hardship_labels = {key: str(label) for key, label in HARDSHIP_LABELS.items()}
    result_labels = {key: str(label) for key, label in RESULT_LABELS.items()}

    def values():
        for r in rows:
            values = [
                r["county__name"],
                r["township"],
                r["village"],
                r["head_name"],
                r["id_number"],
                r["phone"],
                r["retrofit_type__name"],
                importer.AREA_CLASS_EXPORT.get(r["area_class"], r["area_class"]),
                r["area_m2"],
                r["completed_on"],
                hardship_labels.get(r["hardship"], r["hardship"]),
                r["note"],
                status_labels.get(r["status"], r["status"]),
                r["accepted_on"],
                r["accepted_by"],
                result_labels.get(r["acceptance_result"], ""),
            ]
            if with_money:
                values += [r["subsidy_city"], r["subsidy_county"]]
            yield values

    return Sheet(name=_("花名册"), columns=columns, rows=values())
