"""How the pages word a scheme's rules and an indicator's raw figures (no reads, no arithmetic: the
figures come computed from ``assessments.figures``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from assessments import rules as R

GRADE_CLASSES = {code: f"grade-{code}" for code in R.GRADES}


def rule_words(code: str, item: dict) -> str:
    """The rule of one indicator in a sentence, with its parameters (``item``: the scheme's entry)."""
    weight = item.get("weight")
    if weight is not None and R.decimal(weight) == 0:
        return _("本年度不考核（权重 0 分）。")
    values = {"w": weight, **item}
    if code == "completion":
        text = _(
            "各改造类型完成率（既有建筑节能改造按平方米）按目标户数加权：≥ 100%% 得满分 %(w)s 分，"
            "≤ %(floor)s%% 得 0 分，其间按比例计分。"
        )
    elif code == "timeliness":
        text = _("%(w)s 分 × 按时报送的月数 ÷ 应报送的月数（截止日后仍为草稿的，按未报送计）。")
    elif code == "data_quality":
        text = _("满分 %(w)s 分，月报每被退回修改一次扣 %(per_return)s 分，最多扣 %(cap)s 分。")
    elif code == "inspection":
        text = _(
            "满分 %(w)s 分，现场抽查户中“改而不用”“燃煤复烧”户所占比例每 1 个百分点扣 %(per_point)s 分，"
            "最多扣 %(cap)s 分。"
        )
    elif code == "rectification":
        text = _("%(w)s 分 × 按期办结的整改事项 ÷ 到期应办结的整改事项。")
    elif code == "acceptance":
        text = _("%(w)s 分 × 已通过第三方验收的户数 ÷ 已完工户数。")
    elif code == "funds":
        text = _("%(w)s 分 × 县级补助资金已拨付 ÷ 县级应配套（至多满分）。")
    elif code == "air_quality":
        if item.get("better") == "higher":
            text = _("实测值不低于目标值为达标，得满分 %(w)s 分；未达标或未录入得 0 分。")
        else:
            text = _("实测值不高于目标值为达标，得满分 %(w)s 分；未达标或未录入得 0 分。")
        return text % values
    else:
        return ""
    if code in ("timeliness", "rectification", "acceptance", "funds", "inspection"):
        text += _("没有考核对象时得满分。")
    return text % values


def _link(label: str, url: str) -> dict:
    return {"label": label, "url": url}


def indicator_facts(indicator: dict, *, plan, county_code: str) -> tuple[list[tuple[str, object]], list[dict]]:
    """The raw figures behind one county's indicator, as (label, value) rows, and links to the records."""
    code, d = indicator["code"], indicator["detail"]
    year = plan.year
    facts: list[tuple[str, object]] = []
    links: list[dict] = []
    if code == "completion":
        for t in d.get("types", []):
            facts.append(
                (
                    t["name"],
                    _("完成 %(done)s / 目标 %(target)s %(unit)s（%(percent)s%%）")
                    % {
                        "done": t["completed"],
                        "target": t["target"],
                        "unit": _unit(t["unit"]),
                        "percent": t["percent"] if t["percent"] is not None else "—",
                    },
                )
            )
        facts.append((_("加权完成率"), f"{indicator['raw']}%" if indicator["raw"] is not None else "—"))
        links.append(_link(_("本县进度"), reverse("county-detail", args=[county_code]) + f"?plan={year}"))
    elif code == "timeliness":
        facts += [
            (_("应报月数"), d["due"]),
            (_("按时报送"), d["on_time"]),
            (_("逾期报送的月份"), "、".join(d["late"]) or _("无")),
            (_("未报送的月份"), "、".join(d["missing"]) or _("无")),
        ]
        links.append(_link(_("报送情况"), reverse("status-grid") + f"?plan={year}"))
        links.append(_link(_("本县月报"), reverse("report-list") + f"?plan={year}&county={county_code}"))
    elif code == "data_quality":
        facts.append((_("被退回次数"), d["returns"]))
        for r in d.get("reports", []):
            links.append(
                _link(
                    _("%(period)s 月报（退回 %(n)s 次）") % {"period": r["period"], "n": r["times"]},
                    reverse("report-detail", args=[r["report"]]),
                )
            )
    elif code == "inspection":
        facts += [
            (_("现场抽查户数"), d["visited"]),
            (_("改而不用、燃煤复烧户数"), d["found"]),
            (_("所占比例"), f"{indicator['raw']}%" if indicator["raw"] is not None else "—"),
        ]
        links.append(_link(_("整改事项"), reverse("inspections-rectifications") + f"?plan={year}&county={county_code}"))
    elif code == "rectification":
        facts += [(_("到期应办结"), d["due"]), (_("按期办结"), d["in_time"])]
        for pk in d.get("overdue", []):
            links.append(
                _link(_("未按期办结的整改事项 %(n)s") % {"n": pk}, reverse("inspections-rectification", args=[pk]))
            )
    elif code == "acceptance":
        facts += [(_("已完工户数"), d["completed"]), (_("已验收户数"), d["accepted"])]
        links.append(_link(_("改造户花名册"), reverse("household-list", args=[year]) + f"?county={county_code}"))
    elif code == "funds":
        facts += [(_("县级应配套（元）"), d["due"]), (_("县级已拨付（元）"), d["paid"])]
        links.append(_link(_("补助资金"), reverse("subsidies", args=[year])))
    elif code == "air_quality":
        if d.get("value") is None:
            facts.append((_("实测值"), _("未录入")))
        else:
            facts += [
                (_("实测值"), d["value"]),
                (_("目标值"), d["target"]),
                (_("数据来源"), d["source"]),
                (_("是否达标"), _("达标") if d["met"] else _("未达标")),
            ]
    return facts, links


def _unit(unit: str) -> str:
    return _("平方米") if unit == "m2" else _("户")


def scheme_rows(rules: dict) -> list[dict]:
    """The scheme's indicators for its table: code, name, weight, rule in words."""
    return [
        {
            "code": code,
            "name": str(name),
            "weight": rules["indicators"][code]["weight"],
            "rule": rule_words(code, rules["indicators"][code]),
        }
        for code, name in R.INDICATORS.items()
    ]


def grade_rows(rules: dict) -> list[dict]:
    rows, upper = [], None
    for code in (*R.GRADE_ORDER, "fail"):
        low = rules["grades"].get(code)
        if low is not None:
            span = (
                _("%(low)s 分及以上") % {"low": low}
                if upper is None
                else _("%(low)s 分至 %(upper)s 分以下") % {"low": low, "upper": upper}
            )
        else:
            span = _("%(upper)s 分以下") % {"upper": upper}
        rows.append(
            {
                "code": code,
                "name": str(R.GRADES[code]),
                "span": span,
                "coefficient": rules["fund_coefficients"][code],
                "css": GRADE_CLASSES[code],
            }
        )
        upper = low
    return rows
