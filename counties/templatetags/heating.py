from django import template

from core.people import person

register = template.Library()


@register.filter
def dictget(mapping, key):
    """``{{ row|dictget:code }}``: look a key up in a dict inside a template."""
    if mapping is None:
        return None
    return mapping.get(key)


@register.filter
def pct(rate, places=1):
    """A Decimal rate (0.0120) as a percentage string (1.2%); — where there is no rate."""
    from decimal import Decimal

    if rate is None or rate == "":
        return "—"
    return pct_points(Decimal(rate) * 100, places)


@register.filter
def pct_points(value, places=1):
    """A percentage (60, 60.00) in the one format every page uses (60.0%, as the report form's live
    rate); — where there is none. Every percentage on a page goes through here or through ``pct``."""
    from decimal import Decimal

    if value is None or value == "":
        return "—"
    return f"{Decimal(value).quantize(Decimal(1).scaleb(-int(places)))}%"


register.filter("person", person)
