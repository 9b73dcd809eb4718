from django.contrib.auth import views as auth_views
from django.urls import include, path

from e2e.oidc_provider.settings import TENANT

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="login.html"), name="login"),
    # Mounted where Entra ID has a tenant's v2.0 endpoints, so the issuer has the same shape.
    path(f"{TENANT}/v2.0/", include("oidc_provider.urls", namespace="oidc_provider")),
]
