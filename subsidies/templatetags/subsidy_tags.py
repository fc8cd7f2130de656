from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def yuan(value):
    """``385000`` → ``385,000.00``; blank for None."""
    if value is None or value == "":
        return ""
    try:
        return format(Decimal(value).quantize(Decimal("0.01")), ",.2f")
    except (InvalidOperation, ValueError, TypeError):
        return value


@register.filter
def qty(value):
    """Households as an integer, m² with 2 places."""
    if isinstance(value, int):
        return f"{value:,}"
    try:
        return format(Decimal(value).quantize(Decimal("0.01")), ",.2f")
    except (InvalidOperation, ValueError, TypeError):
        return value


@register.filter
def merged_areas(cells):
    """A type's cells of every area class as one (its rules do not tell 城镇 from 农村): units and both
    shares summed. Takes live Share objects or frozen payload dicts, as the subsidy table does."""

    def part(cell, *names):
        for name in names:
            value = cell.get(name) if isinstance(cell, dict) else getattr(cell, name, None)
            if value not in (None, ""):
                return value
        return 0

    values = list((cells or {}).values())
    units = [part(c, "units") for c in values]
    total_units = sum(units) if all(isinstance(u, int) for u in units) else sum(Decimal(str(u)) for u in units)
    return {
        "units": total_units,
        "city": sum(Decimal(str(part(c, "city_share", "city"))) for c in values),
        "county": sum(Decimal(str(part(c, "county_share", "county"))) for c in values),
    }
