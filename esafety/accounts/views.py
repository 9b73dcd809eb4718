from __future__ import annotations

from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from esafety.access import Action, requires
from esafety.accounts import actions
from esafety.accounts.forms import AccountForm, ApiTokenForm, RolesForm, SignInForm, TokenCodeForm
from esafety.accounts.models import ApiToken, Role, RoleAssignment, User
from esafety.audit.actions import record

login = auth_views.LoginView.as_view(template_name="accounts/login.html", authentication_form=SignInForm)
logout = auth_views.LogoutView.as_view()


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _pending_device(user) -> TOTPDevice:  # type: ignore[no-untyped-def]
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    """Ask for a TOTP code; enrol an authenticator app first if the user has none."""
    if request.user.is_verified():
        return redirect(_safe_next(request))
    enrolling = not user_has_device(request.user, confirmed=True)
    device = _pending_device(request.user) if enrolling else None
    form = TokenCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if enrolling:
            assert device is not None
            verified = device.verify_token(code)
            if verified:
                with transaction.atomic():
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                    record("account.2fa_enrolled", obj=request.user, request=request)
        else:
            device = next(
                (
                    d
                    for d in TOTPDevice.objects.filter(user=request.user, confirmed=True)
                    if d.verify_token(code)
                ),
                None,
            )
            verified = device is not None
        if verified and device is not None:
            otp_login(request, device)
            return redirect(_safe_next(request))
        record("account.2fa_failed", obj=request.user, request=request)
        form.add_error(
            "code", "That code is not right or has expired. Check your device's clock and try again."
        )
    return render(
        request,
        "accounts/second_factor.html",
        {
            "form": form,
            "enrolling": enrolling,
            # Shown as text too, for authenticator apps on the same phone that cannot scan their own screen.
            "secret": b32encode(device.bin_key).decode() if enrolling and device else "",
            "next": _safe_next(request),
        },
    )


@login_required
def enrolment_qr(request: HttpRequest) -> HttpResponse:
    """The QR code for the pending authenticator, as SVG: no inline images, nothing cached."""
    if user_has_device(request.user, confirmed=True):
        return HttpResponse(status=404)
    device = _pending_device(request.user)
    svg = segno.make(device.config_url, error="m").svg_inline(scale=5, title="Authenticator set-up code")
    return HttpResponse(svg, content_type="image/svg+xml")


@requires(Action.USE_API)
def api_tokens(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            token, new_key = ApiToken.issue(request.user, form.cleaned_data["name"])
            record("api_token.create", obj=token, request=request)
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "accounts/api_tokens.html", {"form": form, "tokens": tokens, "new_key": new_key})


@require_POST
@requires(Action.USE_API)
def revoke_api_token(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user, revoked__isnull=True)
    with transaction.atomic():
        token.revoke()
        record("api_token.revoke", obj=token, request=request)
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("api_tokens")


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = "/"

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        with transaction.atomic():
            response = super().form_valid(form)
            record("account.change_password", obj=self.request.user, request=self.request)
        messages.success(self.request, "Your password has been changed.")
        return response


password_change = PasswordChange.as_view()


@requires(Action.MANAGE_USERS)
def user_list(request: HttpRequest) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    users = (
        User.objects.filter(role_assignments__school=school)
        .distinct()
        .prefetch_related("role_assignments")
        .order_by("last_name", "first_name")
    )
    rows = [
        (user, sorted(Role(a.role).label for a in user.role_assignments.all() if a.school_id == school.pk))
        for user in users
    ]
    return render(request, "accounts/user_list.html", {"rows": rows})


@requires(Action.MANAGE_USERS)
def user_new(request: HttpRequest) -> HttpResponse:
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user, password = actions.create_account(
            request.school,  # type: ignore[attr-defined]
            username=data["username"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            roles=[Role(role) for role in data["roles"]],
            request=request,
        )
        return render(request, "accounts/user_password.html", {"account": user, "password": password})
    return render(request, "accounts/user_new.html", {"form": form})


@requires(Action.MANAGE_USERS)
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    account = get_object_or_404(User.objects.filter(role_assignments__school=school).distinct(), pk=user_id)
    current = list(RoleAssignment.objects.filter(user=account, school=school).values_list("role", flat=True))
    form = RolesForm(request.POST or None, initial={"roles": current})
    if request.method == "POST":
        try:
            operation = request.POST.get("operation", "roles")
            if operation == "roles" and form.is_valid():
                actions.set_roles(
                    school, account, [Role(r) for r in form.cleaned_data["roles"]], request=request
                )
                messages.success(request, "Roles saved.")
            elif operation in ("deactivate", "activate"):
                actions.set_active(school, account, operation == "activate", request=request)
                messages.success(request, f"Account {operation}d.")
            elif operation == "reset_password":
                password = actions.reset_password(school, account, request=request)
                return render(
                    request, "accounts/user_password.html", {"account": account, "password": password}
                )
            elif operation == "reset_2fa":
                actions.reset_second_factor(school, account, request=request)
                messages.success(
                    request, "Two-factor sign-in reset: they will set up a new app at next sign-in."
                )
            else:
                return render(request, "accounts/user_detail.html", {"account": account, "form": form})
        except actions.AccountError as exc:
            messages.error(request, str(exc))
        return redirect("user_detail", account.pk)
    return render(request, "accounts/user_detail.html", {"account": account, "form": form})
