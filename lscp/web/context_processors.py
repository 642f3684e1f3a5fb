from django.conf import settings
from django.utils.functional import SimpleLazyObject

from lscp.web.navigation import navigation_for
from partners.models import Membership


def service(request):
    tenant = getattr(request, "tenant", None)

    def membership_count():
        if not request.user.is_authenticated:
            return 0
        return Membership.objects.active_for_person(request.user).count()

    return {
        "SERVICE_NAME": settings.SERVICE_NAME,
        "DEMO_MODE": settings.LSCP_DEMO_MODE,
        "tenant": tenant,
        "navigation": SimpleLazyObject(lambda: navigation_for(request, tenant)) if tenant else [],
        "membership_count": SimpleLazyObject(membership_count),
    }
