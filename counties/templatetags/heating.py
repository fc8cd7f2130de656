from django import template

register = template.Library()


@register.filter
def dictget(mapping, key):
    """``{{ row|dictget:code }}``: look a key up in a dict inside a template."""
    if mapping is None:
        return None
    return mapping.get(key)
