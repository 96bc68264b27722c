"""For other parts' detail pages: the service requests opened from an object, as far as the viewer may see them.

{% load servicedesk %}{% related_requests alert %}
"""

from django import template

from lawbridge.servicedesk import selectors

register = template.Library()


@register.inclusion_tag("servicedesk/_related_requests.html", takes_context=True)
def related_requests(context, source):
    user = context["request"].user
    visible = selectors.visible_requests(user)
    requests = visible.filter(pk__in=selectors.requests_from(source).values("pk")).order_by("-created_at")
    return {"related": list(requests[:20])}
