"""Shared pieces of the apps' admin classes."""

from django.contrib import admin

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
