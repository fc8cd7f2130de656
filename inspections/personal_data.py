"""What a field visit holds of a resident, cleared when the plan's personal data is purged.

Registered with ``households.hooks.personal_data_purger_register`` (the roster sits below inspections
and cannot import it). Visits themselves stay (finding, dates, who), so spot-check figures still add up;
their positions and notes go, and every photo of the plan's visits and rectifications is deleted with
its files. The files are deleted once the purge has committed: a purge that rolls back keeps them.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from counties.models import Plan
from inspections.models import Photo, Visit


def visits_personal_data_purge(*, plan: Plan) -> dict[str, int]:
    visits = Visit.objects.filter(plan=plan)
    positions = visits.filter(Q(latitude__isnull=False) | Q(longitude__isnull=False)).update(
        latitude=None, longitude=None, position_source=""
    )
    notes = visits.exclude(note="").update(note="")
    photos = list(
        Photo.objects.filter(Q(visit__plan=plan) | Q(rectification__plan=plan)).only("pk", "image", "thumbnail")
    )
    names = [field.name for photo in photos for field in (photo.image, photo.thumbnail) if field.name]
    Photo.objects.filter(pk__in=[photo.pk for photo in photos]).delete()
    storage = Photo._meta.get_field("image").storage
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
    return {"visit_positions": positions, "visit_notes": notes, "photos": len(photos), "photo_files": len(names)}
