from django import template

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
    value = (Decimal(rate) * 100).quantize(Decimal(1).scaleb(-int(places)))
    return f"{value}%"
