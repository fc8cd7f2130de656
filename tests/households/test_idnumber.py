from datetime import date

from households.idnumber import id_number_problem, mask_id, mask_phone, normalise_id
from tests.households.helpers import make_id

TODAY = date(2021, 10, 1)


def test_the_domain_example_with_an_x_check_character_is_valid():
    assert id_number_problem("11010519491231002X", today=TODAY) is None


def test_a_wrong_check_character_is_refused_and_the_right_one_named():
    good = make_id(seq=5)
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    assert f"末位应为 {good[-1]}" in id_number_problem(bad, today=TODAY)


def test_impossible_and_future_birth_dates_are_refused():
    assert "不存在" in id_number_problem(make_id(birth="19810229"), today=TODAY)
    assert "不合理" in id_number_problem(make_id(birth="20211002"), today=TODAY)
    assert id_number_problem(make_id(birth="20210930"), today=TODAY) is None
    assert id_number_problem(make_id(birth="19800229"), today=TODAY) is None


def test_fifteen_digit_ids_and_wrong_lengths_are_refused():
    assert "15位" in id_number_problem("140802800101001", today=TODAY)
    assert "18位" in id_number_problem("1408021980", today=TODAY)
    assert "数字" in id_number_problem("14080A198001010011", today=TODAY)


def test_the_area_prefix_is_never_checked():
    for area in ("142701", "999999", "000000"):
        assert id_number_problem(make_id(area=area), today=TODAY) is None


def test_full_width_digits_spaces_and_a_lower_case_x_are_normalised():
    assert normalise_id(" １１０１０５１９４９１２３１００２x ") == "11010519491231002X"


def test_masking_keeps_the_first_six_and_last_four():
    assert mask_id("14080219800101123X") == "140802********123X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id("") == "" and mask_phone("") == ""
