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
    from decimal import ROUND_HALF_UP, Decimal

    if value is None or value == "":
        return "—"
    # 四舍五入, as offices round: 12.25 is 12.3%, not the banker's 12.2%.
    return f"{Decimal(value).quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)}%"


register.filter("person", person)


def draw_seed(seed: str) -> str:
    """A sample's seed as people read it. A seed left blank is the draw time, stored as a UTC ISO string
    (``2021-10-05T06:30:12.123456+00:00``) and still the exact key for a re-draw; shown beside the local
    draw time it looked like another moment, so a time-like seed shows in local time. Any other seed
    shows as typed."""
    from datetime import datetime

    from django.utils import timezone

    try:
        moment = datetime.fromisoformat(seed)
    except (TypeError, ValueError):
        return seed
    if timezone.is_naive(moment):
        return seed
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


register.filter("draw_seed", draw_seed)
