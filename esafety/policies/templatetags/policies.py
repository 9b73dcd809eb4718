from django import template
from django.http import HttpRequest

from esafety.access import Action, can

register = template.Library()


@register.filter
def may_view_acknowledgements(request: HttpRequest) -> bool:
    return can(request.user, Action.VIEW_ACKNOWLEDGEMENTS, getattr(request, "school", None))
