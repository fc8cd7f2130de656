"""The subsidy table shows one group of columns for a type whose rules are 不分城乡 (building
retrofit), as the rules page says, instead of 城镇 / 农村 columns of which 农村 read 0 (issue 22)."""

import re


def row_html(html, code):
    return re.search(rf'<tr data-county="{code}">(.*?)</tr>', html, re.S).group(1)


def test_building_retrofit_is_one_group_with_both_area_classes_summed(users, web, make_report):
    make_report("140802", "2021-07", {("building_retrofit", "urban"): "100.50", ("building_retrofit", "rural"): "200"})
    make_report("140802", "2021-08", {("coal_to_electric", "rural"): 10})
    response = web(users["finance"]).get("/plans/2021/subsidies/?period=2021-10")
    assert response.status_code == 200
    html = response.content.decode()
    table = html[html.index('id="subsidy-table"') : html.index("</table>", html.index('id="subsidy-table"'))]
    assert table.count("不分城乡") == 1
    row = row_html(table, "140802")
    assert 'data-type="building_retrofit" data-area="any">300.50<' in row
    assert 'data-type="building_retrofit" data-area="rural"' not in row
    # 300.50 m² × 45 (city) and × 90 (county) yuan.
    assert ">13,522.50<" in row and ">27,045.00<" in row
    # Types whose rules tell 城镇 from 农村 keep both groups.
    assert 'data-type="coal_to_electric" data-area="urban"' in row
    assert 'data-type="coal_to_electric" data-area="rural">10<' in row
    # Every row has as many cells as the last header row has columns (plus 序号 and the county).
    header = re.findall(r"<tr>(.*?)</tr>", table, re.S)[2]
    assert row.count("<td") == header.count("<th") + 2
