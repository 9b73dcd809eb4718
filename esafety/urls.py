from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView

from esafety.accounts import api as account_api_auth
from esafety.accounts import api_views as account_api
from esafety.core import views as core_views
from esafety.people import api as people_api

handler400 = "esafety.core.views.bad_request"
handler403 = "esafety.core.views.permission_denied"
handler404 = "esafety.core.views.page_not_found"
handler500 = "esafety.core.views.server_error"

api_v1: list[URLPattern | URLResolver] = [
    path("me/", account_api.me, name="api-me"),
    path("people/", people_api.PersonList.as_view(), name="api-people"),
    path("", include("esafety.incidents.api_urls")),
    path("", include("esafety.monitoring.api_urls")),
    path("", include("esafety.filtering.api_urls")),
    path("", include("esafety.transfers.api_urls")),
]

urlpatterns = [
    path("", core_views.dashboard, name="dashboard"),
    path("school/", core_views.switch_school, name="switch_school"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("esafety.accounts.urls")),
    path("people/", include("esafety.people.urls")),
    path("audit/", include("esafety.audit.urls")),
    path("incidents/transfers/", include("esafety.transfers.urls")),
    path("incidents/", include("esafety.incidents.urls")),
    path("monitoring/", include("esafety.monitoring.urls")),
    path("policies/", include("esafety.policies.urls")),
    path("consent/", include("esafety.consent.urls")),
    path("publishing/", include("esafety.publishing.urls")),
    path("registers/", include("esafety.registers.urls")),
    path("training/", include("esafety.training.urls")),
    path("curriculum/", include("esafety.training.curriculum_urls")),
    path("governance/", include("esafety.governance.urls")),
    path("filtering/", include("esafety.filtering.urls")),
    path("api/v1/", include(api_v1)),
    path(
        "api/schema/",
        SpectacularAPIView.as_view(permission_classes=[account_api_auth.SignedInOutsideDebug]),
        name="api-schema",
    ),
]
