"""``seed_demo --with-progress`` leaves a published 2021 assessment with one open objection."""

import io

import pytest
from django.core.management import call_command

from assessments.models import Assessment, ObjectionStatus
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_a_published_assessment_with_one_open_objection_once(plan):
    call_command("seed_demo", password=PASSWORD, with_progress=True, force=True, stdout=io.StringIO())
    assessment = Assessment.objects.get()
    assert assessment.status == "published" and assessment.plan == plan
    assert len(assessment.figures["counties"]) == 13
    objection = assessment.objections.get()
    assert (objection.county.code, objection.status) == ("140822", ObjectionStatus.OPEN)
    assert assessment.adjustments.count() == 1
    # Computed from the demo records, not made up: some counties report on time, some do not.
    timeliness = {
        row["county"]: next(i for i in row["indicators"] if i["code"] == "timeliness")["points"]
        for row in assessment.figures["counties"]
    }
    assert len(set(timeliness.values())) > 1
    call_command("seed_demo", password=PASSWORD, with_progress=True, force=True, stdout=io.StringIO())
    assert Assessment.objects.count() == 1
