"""A small, hand-checkable set of reports; the expected figures are written out in the tests."""

from datetime import date

import pytest

from reports.models import ReportStatus


@pytest.fixture
def progress_data(make_report):
    """
    盐湖区 140802: 07 approved (electric urban 1000, rural 500; gas urban 200);
                   08 approved (electric rural 300; district urban 100); 09 submitted (electric urban 50).
    永济市 140881: 07 approved (building 25,000 m² = 250 households; district rural 400);
                   08 submitted late on 09-03 (electric rural 700); 09 returned (district urban 10).
    临猗县 140821: 07 draft (electric 999, never submitted); 08 approved but late, 09-05 (electric rural 4000).
    垣曲县 140827: 07 approved (electric rural 1200).
    """
    reports = {
        "yuhu_07": make_report(
            "140802",
            "2021-07",
            {("coal_to_electric", "urban"): 1000, ("coal_to_electric", "rural"): 500, ("coal_to_gas", "urban"): 200},
        ),
        "yuhu_08": make_report(
            "140802", "2021-08", {("coal_to_electric", "rural"): 300, ("district_heating", "urban"): 100}
        ),
        "yuhu_09": make_report("140802", "2021-09", {("coal_to_electric", "urban"): 50}, status=ReportStatus.SUBMITTED),
        "yongji_07": make_report(
            "140881", "2021-07", {("building_retrofit", "urban"): "25000", ("district_heating", "rural"): 400}
        ),
        "yongji_08": make_report(
            "140881",
            "2021-08",
            {("coal_to_electric", "rural"): 700},
            status=ReportStatus.SUBMITTED,
            submitted_on=date(2021, 9, 3),
        ),
        "yongji_09": make_report(
            "140881", "2021-09", {("district_heating", "urban"): 10}, status=ReportStatus.RETURNED
        ),
        "linyi_07": make_report("140821", "2021-07", {("coal_to_electric", "rural"): 999}, status=ReportStatus.DRAFT),
        "linyi_08": make_report(
            "140821", "2021-08", {("coal_to_electric", "rural"): 4000}, submitted_on=date(2021, 9, 5)
        ),
        "yuanqu_07": make_report("140827", "2021-07", {("coal_to_electric", "rural"): 1200}),
    }
    return reports


# Annex targets the tests need (from the plan document), per county: electric, gas, district, building.
TARGETS = {
    "140802": (10000, 4231, 1500, 0),
    "140881": (5000, 0, 2000, 1100),
    "140821": (9000, 2300, 1000, 3578),
    "140827": (1460, 26, 150, 0),
}
CITY_TARGET = 89369
