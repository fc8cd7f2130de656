from reports.models import Report, ReportStatus
from tests.http import expect, html_of, json_of


def post_form(client, url, **fields):
    data = {"narrative": "本月推进顺利，完成煤改电入户安装。", "problems": "", "period": "2021-07", "plan": "2021"}
    data.update(fields)
    return client.post(url, data)


def test_a_clerk_saves_a_draft_from_the_browser_form(users, web):
    c = web(users["clerk"])
    page = c.get("/reports/new/?period=2021-07")
    assert page.status_code == 200
    html = page.content.decode()
    assert "此前累计完成" in html and "完成率" in html and 'name="line__coal_to_electric__urban"' in html
    response = post_form(c, "/reports/new/", line__coal_to_electric__urban="120", line__building_retrofit__urban="5000")
    report = Report.objects.get(county__code="140802", period="2021-07")
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/edit/"
    assert report.status == ReportStatus.DRAFT
    assert {(line.retrofit_type.code, line.households, line.area_m2) for line in report.lines.all()} == {
        ("coal_to_electric", 120, 0),
        ("building_retrofit", 0, 5000),
    }


def test_bad_cells_are_shown_in_chinese_next_to_the_cell_and_nothing_is_saved(users, web):
    c = web(users["clerk"])
    response = post_form(c, "/reports/new/", line__coal_to_electric__urban="-5", line__coal_to_gas__rural="2.5")
    assert response.status_code == 200
    html = response.content.decode()
    assert "户数不能为负数" in html and "户数应为整数" in html
    assert not Report.objects.exists()


def test_a_future_or_malformed_month_is_refused_with_a_message(users, web):
    c = web(users["clerk"])
    response = c.get("/reports/new/?period=2021-13", follow=True)
    assert "格式不正确" in response.content.decode()
    response = c.get("/reports/new/?period=2022-01", follow=True)
    assert "不在" in response.content.decode()


def test_a_stale_form_tells_the_clerk_someone_else_saved_first(users, web, api):
    created = api(users["clerk"]).post(
        "/api/v1/reports/",
        {"plan": 2021, "county": "140802", "period": "2021-07", "narrative": "第一版说明文字内容。"},
        format="json",
    )
    report = json_of(created, 201)
    expect(
        api(users["clerk"]).patch(
            f"/api/v1/reports/{report['id']}/", {"version": 1, "narrative": "别人先保存的版本内容。"}, format="json"
        )
    )
    response = post_form(web(users["clerk"]), f"/reports/{report['id']}/edit/", version="1", narrative="我的修改")
    html = response.content.decode()
    assert response.status_code == 200 and "其他人已先保存" in html
    assert "我的修改" in html  # the clerk's input is kept
    assert Report.objects.get(pk=report["id"]).narrative == "别人先保存的版本内容。"


def test_the_report_page_says_why_an_approved_report_is_locked(users, web, make_report):
    report = make_report("140802", "2021-07", {("coal_to_electric", "urban"): 10})
    html = html_of(web(users["clerk"]).get(f"/reports/{report.pk}/"))
    assert "已审核通过并锁定" in html
    response = web(users["clerk"]).get(f"/reports/{report.pk}/edit/")
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"


def test_the_lock_is_a_word_and_its_advice_to_the_clerk_is_not_shown_to_the_reviewer(users, web, make_report):
    report = make_report("140802", "2021-07", {("coal_to_electric", "urban"): 10}, status=ReportStatus.SUBMITTED)
    clerk = html_of(web(users["clerk"]).get(f"/reports/{report.pk}/"))
    city = html_of(web(users["city"]).get(f"/reports/{report.pk}/"))
    for html in (clerk, city):
        lock = html.split('id="lock-reason"')[1].split("</p>")[0]
        assert "已锁定" in lock and "\N{LOCK}" not in html
    assert "请联系市清洁取暖办退回" in clerk
    assert "请联系市清洁取暖办退回" not in city and "等待审核" in city


def test_the_city_office_returns_with_a_reason_the_clerk_then_sees(users, web, make_report):
    report = make_report("140802", "2021-07", {("coal_to_electric", "urban"): 10}, status=ReportStatus.SUBMITTED)
    city = web(users["city"])
    assert "请填写原因" in city.post(f"/reports/{report.pk}/return/", {"reason": " "}, follow=True).content.decode()
    expect(city.post(f"/reports/{report.pk}/return/", {"reason": "请补充入户照片"}), 302)
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    html = html_of(web(users["clerk"]).get(f"/reports/{report.pk}/"))
    assert "请补充入户照片" in html and "退回原因" in html


def test_the_reviewer_sees_a_warning_when_cumulative_exceeds_the_target(users, web, make_report):
    # 万荣县 coal_to_gas target 450; 400 approved before, 100 submitted now → 500 > 450
    make_report("140822", "2021-07", {("coal_to_gas", "rural"): 400})
    report = make_report("140822", "2021-08", {("coal_to_gas", "rural"): 100}, status=ReportStatus.SUBMITTED)
    html = html_of(web(users["city"]).get(f"/reports/{report.pk}/"))
    assert "累计完成已超过目标任务" in html


def test_the_report_list_and_detail_pages_run_a_bounded_number_of_queries(
    users, web, make_report, django_assert_max_num_queries
):
    for period in ("2021-06", "2021-07", "2021-08", "2021-09"):
        for code in ("140802", "140881", "140882"):
            make_report(code, period, {("coal_to_electric", "urban"): 5})
    c = web(users["city"])
    with django_assert_max_num_queries(12):
        assert c.get("/reports/").status_code == 200
    report = Report.objects.first()
    with django_assert_max_num_queries(16):
        assert c.get(f"/reports/{report.pk}/").status_code == 200


def test_building_retrofit_cells_each_say_whether_they_are_square_metres_or_households(users, web, make_report):
    make_report("140821", "2021-07", {("building_retrofit", "urban"): "93800"})
    report = make_report("140821", "2021-08", {("building_retrofit", "urban"): "22800"}, status=ReportStatus.SUBMITTED)
    html = html_of(web(users["city"]).get(f"/reports/{report.pk}/"))
    row = html.split('data-type="building_retrofit" data-area="urban"')[1].split("</tr>")[0]
    cells = row.split("<td")
    before = next(c for c in cells if "data-before=" in c)
    assert "93800" in before and "㎡" in before
    month = next(c for c in cells if "22800.00" in c)
    assert "㎡" in month
    after = next(c for c in cells if "data-after-for=" in c)
    # (93,800 + 22,800) m² ÷ 100 m² per household = 1,166 households
    assert '<span class="after-value">1166</span>' in after and "户" in after and "100 ㎡/户" in after
    electric = html.split('data-type="coal_to_electric" data-area="urban"')[1].split("</tr>")[0]
    assert "户" in electric.split("data-before=")[1].split("</td>")[0]


def test_save_and_submit_without_a_narrative_saves_nothing_and_bumps_no_version(users, web, make_report):
    from reports.models import ReportEvent

    report = make_report("140802", "2021-07", status=ReportStatus.DRAFT, narrative="")
    events = ReportEvent.objects.count()
    response = post_form(
        web(users["clerk"]),
        f"/reports/{report.pk}/edit/",
        narrative="",
        version=str(report.version),
        then_submit="1",
        line__coal_to_electric__urban="77",
    )
    html = response.content.decode()
    assert response.status_code == 200 and "报送前请填写“当月工作推进情况”。" in html
    assert 'id="form-error-summary"' in html and 'id="submit-confirm"' not in html
    stored = Report.objects.get(pk=report.pk)
    assert (stored.status, stored.version, stored.lines.count()) == (ReportStatus.DRAFT, report.version, 0)
    assert ReportEvent.objects.count() == events


def test_save_and_submit_asks_for_confirmation_only_after_the_server_checked_and_saves_on_confirm(users, web):
    clerk = web(users["clerk"])
    response = post_form(clerk, "/reports/new/?period=2021-07", then_submit="1", line__coal_to_electric__urban="120")
    html = response.content.decode()
    assert response.status_code == 200 and 'id="submit-confirm"' in html
    assert 'action="#form-outcome"' in html and 'name="then_submit" value="confirm"' in html
    assert not Report.objects.exists()  # the check was rolled back
    response = post_form(
        clerk, "/reports/new/?period=2021-07", then_submit="confirm", line__coal_to_electric__urban="120"
    )
    report = Report.objects.get(county__code="140802", period="2021-07")
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"
    assert report.status == ReportStatus.SUBMITTED
    assert report.lines.get(retrofit_type__code="coal_to_electric", area_class="urban").households == 120


def test_the_return_button_says_what_returning_does(users, web, make_report):
    report = make_report("140802", "2021-07", status=ReportStatus.SUBMITTED, narrative="已完成")
    html = html_of(web(users["city"]).get(f"/reports/{report.pk}/"))
    assert "退回后该月报回到县（市、区）填报员处修改" in html and "确定执行吗" not in html


def test_submitting_from_the_report_page_checks_first_then_asks_then_submits(users, web, make_report):
    empty = make_report("140802", "2021-07", status=ReportStatus.DRAFT, narrative="")
    clerk = web(users["clerk"])
    response = clerk.post(f"/reports/{empty.pk}/submit/", {"version": empty.version}, follow=True)
    assert "报送前请填写“当月工作推进情况”。" in response.content.decode()
    assert 'id="submit-confirm"' not in response.content.decode()
    ready = make_report(
        "140802", "2021-08", {("coal_to_electric", "urban"): 5}, status=ReportStatus.DRAFT, narrative="本月推进顺利。"
    )
    response = clerk.post(f"/reports/{ready.pk}/submit/", {"version": ready.version})
    assert response.status_code == 200 and 'id="submit-confirm"' in response.content.decode()
    assert Report.objects.get(pk=ready.pk).status == ReportStatus.DRAFT
    response = clerk.post(f"/reports/{ready.pk}/submit/", {"version": ready.version, "confirmed": "1"})
    assert response.status_code == 302 and Report.objects.get(pk=ready.pk).status == ReportStatus.SUBMITTED
