from django.core.management import call_command

from inspections.models import CheckBatch, Photo, Rectification, Sample, Visit


def test_seed_demo_fills_a_sample_with_visits_photos_and_open_rectifications_once(plan, settings):
    settings.DEBUG = True
    call_command("seed_demo", "--password", "demo-pass-2021", "--with-progress")
    sample = Sample.objects.get(plan=plan)
    assert list(sample.inspectors.values_list("username", flat=True)) == ["inspector"]
    visits = Visit.objects.filter(plan=plan)
    field_visits = visits.filter(batch__isnull=True)
    assert field_visits.count() >= 5
    assert not field_visits.filter(photos__isnull=True).exists()
    # The desk-entered spot checks: one per county of the roster, five households each, no photos.
    assert CheckBatch.objects.filter(plan=plan).count() == 13
    assert visits.filter(batch__isnull=False).count() == 13 * 5
    photo = Photo.objects.filter(visit__isnull=False).first()
    assert photo.image.storage.exists(photo.image.name) and photo.thumbnail.storage.exists(photo.thumbnail.name)
    assert Rectification.objects.filter(status="open").exists()
    assert Rectification.objects.filter(status="submitted").count() == 1
    # the sample still verifies: the demo's roster is what it was drawn from
    from inspections.services import sample_verify

    assert sample_verify(sample=sample)["matches"] is True
    seeded = Visit.objects.count()
    call_command("seed_demo", "--password", "demo-pass-2021", "--with-progress")
    assert Sample.objects.count() == 1 and CheckBatch.objects.count() == 13
    assert Visit.objects.count() == seeded
