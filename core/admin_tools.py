"""Shared pieces of the apps' admin classes."""

from django.contrib import admin
from django.utils.safestring import mark_safe
from import_export import resources
from import_export.resources import Diff

from core.people import person


class ReadOnlyAdmin(admin.ModelAdmin):
    """Audit and money records are written through the pages and the API only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def person_column(model, field: str):
    """A list column that names who did something as people know them (市财政局), not by login.

    Add ``field`` to ``list_select_related``: the name is read from the joined user row.
    """

    @admin.display(description=model._meta.get_field(field).verbose_name, ordering=field)
    def column(obj):
        return person(getattr(obj, field))

    column.__name__ = f"{field}_person"
    return column


class CspDiff(Diff):
    """django-import-export's preview diff without inline styles: diff-match-patch writes
    ``<ins style="background:…">``, which the Content-Security-Policy refuses (the colours were lost
    and the console filled with violations). The same marks with classes, styled in admin-extra.css."""

    STYLES = (
        ('<ins style="background:#e6ffe6;">', '<ins class="diff-ins">'),
        ('<del style="background:#ffe6e6;">', '<del class="diff-del">'),
    )

    def as_html(self):
        cells = []
        for html in super().as_html():
            for inline, classed in self.STYLES:
                html = html.replace(inline, classed)
            cells.append(mark_safe(html))
        return cells


class CspResource(resources.ModelResource):
    """The project's import resources: the preview's diff carries no inline style."""

    @classmethod
    def get_diff_class(cls):
        return CspDiff
