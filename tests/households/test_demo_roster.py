from django.core.management import call_command

from households import pii
from households.idnumber import id_number_problem
from households.models import HardshipGuarantee, Household


def test_seed_demo_with_progress_fills_a_valid_roster_once(plan, settings):
    settings.DEBUG = True
    call_command("seed_demo", "--password", "demo-pass-2021", "--with-progress")
    households = Household.objects.filter(plan=plan)
    assert households.count() == 13 * 24
    assert set(households.values_list("status", flat=True)) == {"completed", "accepted", "paid"}
    ids = [pii.reveal(cipher)[0] for cipher in households.values_list("pii_cipher", flat=True)]
    assert all(id_number_problem(i) is None for i in ids)
    assert len(set(ids)) == households.count() == households.values("id_number_index").distinct().count()
    # building retrofits carry their area; household-measured types do not
    assert not households.filter(retrofit_type__code="building_retrofit", area_m2__isnull=True).exists()
    assert not households.exclude(retrofit_type__code="building_retrofit").filter(area_m2__isnull=False).exists()
    # n = 3, 10, 17 of each county's 24: one household in seven, the three categories in turn
    assert households.exclude(hardship="none").count() == 13 * 3
    assert sorted(
        households.filter(county__code="140802").exclude(hardship="none").values_list("hardship", flat=True)
    ) == [
        "dibao",
        "poverty",
        "wubao",
    ]
    guarantee = HardshipGuarantee.objects.get(plan=plan)
    assert (guarantee.county.code, str(guarantee.one_time_extra), guarantee.recorded_by.username) == (
        "140802",
        "1000.00",
        "clerk-140802",
    )
    call_command("seed_demo", "--password", "demo-pass-2021", "--with-progress")
    assert Household.objects.filter(plan=plan).count() == 13 * 24
    assert HardshipGuarantee.objects.count() == 1
