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
