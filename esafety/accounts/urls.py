from django.urls import path

from esafety.accounts import views

urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("2fa/", views.second_factor, name="second_factor"),
    path("2fa/qr.svg", views.enrolment_qr, name="enrolment_qr"),
    path("password/", views.password_change, name="password_change"),
    path("me/", views.my_account, name="my_account"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_new, name="user_new"),
    path("users/<int:user_id>/", views.user_detail, name="user_detail"),
    path("sso/<int:provider_id>/start/", views.sso_start, name="sso_start"),
    path("sso/callback/", views.sso_callback, name="sso_callback"),
    path("sign-in-settings/", views.sign_in_settings, name="sign_in_settings"),
    path("users/<int:user_id>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("tokens/", views.api_tokens, name="api_tokens"),
    path("tokens/<int:token_id>/revoke/", views.revoke_api_token, name="revoke_api_token"),
]
