from __future__ import annotations

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from esafety.access import Action, can, requires
from esafety.accounts import actions, sso
from esafety.accounts.forms import (
    AccountForm,
    ApiTokenForm,
    DeactivateForm,
    RolesForm,
    SignInForm,
    SignInPolicyForm,
    SignInProviderForm,
    TokenCodeForm,
)
from esafety.accounts.models import ApiToken, Role, RoleAssignment, SignInPolicy, SignInProvider, User
from esafety.core import holdings
from esafety.core.types import SchoolRequest
from esafety.people.models import School, Trust


def organisation_name() -> str:
    """The school (or trust) this deployment serves, for the sign-in page: a host name tells staff nothing."""
    schools = list(School.objects.values_list("name", flat=True)[:2])
    if len(schools) == 1:
        return schools[0]
    trusts = list(Trust.objects.values_list("name", flat=True)[:2])
    return trusts[0] if len(trusts) == 1 else ""


class SignIn(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        # LoginView puts the request's host in ``site_name``: staff should see the product and their school.
        context = super().get_context_data(**kwargs)
        return {
            **context,
            "site_name": settings.SITE_NAME,
            "organisation": organisation_name(),
            "providers": sign_in_buttons(),
        }


def sign_in_buttons() -> list[tuple[SignInProvider, str]]:
    """Every enabled provider with its button's label; the school or trust is named when the providers belong
    to more than one (a trust's instance), so staff pick their own."""
    providers = list(SignInProvider.objects.filter(enabled=True).select_related("school", "trust"))
    several = len({(p.school_id, p.trust_id) for p in providers}) > 1
    return [
        (p, f"{p.button_label} ({p.school or p.trust})" if several else p.button_label) for p in providers
    ]


login = SignIn.as_view()
logout = auth_views.LogoutView.as_view()


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _has_authenticator(user: User) -> bool:
    # The authenticator app, not the sign-in provider's own check (a ProviderSecondFactor): a user who signs in
    # with a password still needs an app to enrol.
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@login_required
def second_factor(request: SchoolRequest) -> HttpResponse:
    """Ask for a TOTP code; enrol an authenticator app first if the user has none."""
    if request.user.is_verified():
        return redirect(_safe_next(request))
    enrolling = not _has_authenticator(request.user)
    device = actions.pending_authenticator(request.user) if enrolling else None
    form = TokenCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if actions.pass_second_factor(request, request.user, form.cleaned_data["code"], enrolling=enrolling):
            return redirect(_safe_next(request))
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
            "secret": b32encode(device.bin_key).decode() if device else "",
            "next": _safe_next(request),
        },
    )


@login_required
def enrolment_qr(request: SchoolRequest) -> HttpResponse:
    """The QR code for the pending authenticator, as SVG: no inline images, nothing cached."""
    if _has_authenticator(request.user):
        return HttpResponse(status=404)
    device = actions.pending_authenticator(request.user)
    svg = segno.make(device.config_url, error="m").svg_inline(scale=5, title="Authenticator set-up code")
    return HttpResponse(svg, content_type="image/svg+xml")


@requires(Action.USE_API)
def api_tokens(request: SchoolRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _, new_key = actions.issue_token(request, request.user, form.cleaned_data["name"])
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "accounts/api_tokens.html", {"form": form, "tokens": tokens, "new_key": new_key})


@require_POST
@requires(Action.USE_API)
def revoke_api_token(request: SchoolRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user, revoked__isnull=True)
    actions.revoke_token(request, token)
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("api_tokens")


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = "/"

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            actions.password_changed(self.request, form.user)
        messages.success(self.request, "Your password has been changed.")
        return response


password_change = PasswordChange.as_view()


@login_required
def my_account(request: SchoolRequest) -> HttpResponse:
    """The signed-in user's own settings: password, two-factor sign-in and (for those who may hold them) API
    tokens."""
    return render(
        request,
        "accounts/my_account.html",
        {
            "may_hold_tokens": can(request.user, Action.USE_API, request.school),
            "has_authenticator": _has_authenticator(request.user),
            "tokens": ApiToken.objects.active().filter(user=request.user).count(),
        },
    )


@requires(Action.MANAGE_USERS)
def user_list(request: SchoolRequest) -> HttpResponse:
    school = request.school
    assert school is not None  # @requires refuses a user with no school
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
def user_new(request: SchoolRequest) -> HttpResponse:
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, password = actions.create_account(
                request.school,
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                roles=[Role(role) for role in data["roles"]],
                by=request.user,
                request=request,
            )
        except actions.AccountError as exc:
            form.add_error("roles", str(exc))
        else:
            return render(request, "accounts/user_password.html", {"account": user, "password": password})
    return render(request, "accounts/user_new.html", {"form": form})


@requires(Action.MANAGE_USERS)
def user_detail(request: SchoolRequest, user_id: int) -> HttpResponse:
    school = request.school
    assert school is not None  # @requires refuses a user with no school
    account = get_object_or_404(User.objects.filter(role_assignments__school=school).distinct(), pk=user_id)
    current = list(RoleAssignment.objects.filter(user=account, school=school).values_list("role", flat=True))
    form = RolesForm(request.POST or None, initial={"roles": current})
    if request.method == "POST":
        try:
            operation = request.POST.get("operation", "roles")
            if operation == "roles" and form.is_valid():
                actions.set_roles(
                    school,
                    account,
                    [Role(r) for r in form.cleaned_data["roles"]],
                    by=request.user,
                    request=request,
                )
                messages.success(request, "Roles saved.")
            elif operation == "deactivate" and holdings.held_by(account, school):
                # Work would be left with no one: the confirmation page hands it on first.
                return redirect("user_deactivate", account.pk)
            elif operation in ("deactivate", "activate"):
                actions.set_active(school, account, operation == "activate", by=request.user, request=request)
                messages.success(request, f"Account {operation}d.")
            elif operation == "reset_password":
                password = actions.reset_password(school, account, by=request.user, request=request)
                return render(
                    request, "accounts/user_password.html", {"account": account, "password": password}
                )
            elif operation == "reset_2fa":
                actions.reset_second_factor(school, account, by=request.user, request=request)
                messages.success(
                    request, "Two-factor sign-in reset: they will set up a new app at next sign-in."
                )
            else:
                return render(request, "accounts/user_detail.html", {"account": account, "form": form})
        except actions.AccountError as exc:
            messages.error(request, str(exc))
        return redirect("user_detail", account.pk)
    return render(request, "accounts/user_detail.html", {"account": account, "form": form})


# --- Single sign-on ------------------------------------------------------------------------------------------


def _refused(request: HttpRequest, provider: SignInProvider | None, refusal: sso.Refused) -> HttpResponse:
    actions.refuse_sso(request, provider, refusal.reason, email=refusal.email)
    return render(
        request,
        "accounts/sso_refused.html",
        {"message": refusal.message, "provider": provider, "site_name": settings.SITE_NAME},
        status=403,
    )


def sso_start(request: HttpRequest, provider_id: int) -> HttpResponse:
    """Send the browser to the provider, with a fresh state, nonce and PKCE challenge in its session."""
    provider = get_object_or_404(SignInProvider, pk=provider_id, enabled=True)
    try:
        return redirect(sso.authorisation_url(provider, request.session, _safe_next(request)))
    except sso.Refused as refusal:
        actions.refuse_sso(request, provider, refusal.reason)
        return render(
            request,
            "accounts/sso_refused.html",
            {"message": refusal.message, "provider": provider, "site_name": settings.SITE_NAME},
            status=502,
        )


def sso_callback(request: HttpRequest) -> HttpResponse:
    """The provider sends the browser back here with a code: exchange it, check the ID token, sign in."""
    provider = None
    try:
        flow = sso.take_flow(request.session, request.GET.get("state", ""))
        provider = SignInProvider.objects.filter(pk=flow["provider"], enabled=True).first()
        if provider is None:
            raise sso.Refused("provider_removed", "This sign-in provider has been switched off.")
        if request.GET.get("error"):
            raise sso.Refused("provider_refused", "The sign-in provider did not sign you in.")
        token = sso.exchange_code(provider, request.GET.get("code", ""), flow["verifier"])
        claims = sso.provider_token_claims(provider, token, flow["nonce"])
        email = sso.vouched_email(provider, claims)
        actions.sign_in_with_provider(request, provider, claims, email)
    except sso.Refused as refusal:
        return _refused(request, provider, refusal)
    target = flow["next"]
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)


def _keeps_trust_providers(request: SchoolRequest) -> bool:
    return can(request.user, Action.MANAGE_SHARED_ACCOUNTS, request.school)


@requires(Action.MANAGE_SIGN_IN)
def sign_in_settings(request: SchoolRequest) -> HttpResponse:
    """The school's sign-in providers and whether passwords still work. A trust's providers are listed but
    changed only by the trust administrator (from any of its schools)."""
    school = request.school
    policy = SignInPolicy.for_school(school)
    provider_form = SignInProviderForm(
        request.POST if request.POST.get("operation") == "add" else None,
        initial={
            "tenant": school.email_domain,
            "secret_variable": f"ESAFETY_SSO_SECRET_{school.slug.upper().replace('-', '_')}",
        },
    )
    policy_form = SignInPolicyForm(
        request.POST if request.POST.get("operation") == "policy" else None,
        initial={"passwords_allowed": policy.passwords_allowed, "create_accounts": policy.create_accounts},
    )
    if request.method == "POST":
        operation = request.POST.get("operation")
        if operation == "add" and provider_form.is_valid():
            provider = provider_form.save(commit=False)
            if request.POST.get("scope") == "trust" and school.trust_id and _keeps_trust_providers(request):
                provider.trust_id = school.trust_id
            else:
                provider.school = school
            actions.save_provider(request, provider, by=request.user)
            messages.success(request, f"“{provider.button_label}” added.")
            return redirect("sign_in_settings")
        if operation == "policy" and policy_form.is_valid():
            try:
                actions.set_sign_in_policy(request, school, by=request.user, **policy_form.cleaned_data)
            except actions.AccountError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "Sign-in settings saved.")
            return redirect("sign_in_settings")
        if operation in ("remove", "disable", "enable"):
            mine = SignInProvider.objects.filter(school=school)
            if school.trust_id and _keeps_trust_providers(request):
                mine = mine | SignInProvider.objects.filter(trust_id=school.trust_id)
            provider = get_object_or_404(mine, pk=request.POST.get("provider"))
            if operation == "remove":
                actions.remove_provider(request, provider, by=request.user)
            else:
                provider.enabled = operation == "enable"
                actions.save_provider(request, provider, by=request.user)
            messages.success(request, "Sign-in provider updated.")
            return redirect("sign_in_settings")
    return render(
        request,
        "accounts/sign_in_settings.html",
        {
            "school_providers": SignInProvider.objects.filter(school=school),
            "trust_providers": SignInProvider.objects.filter(trust_id=school.trust_id)
            if school.trust_id
            else SignInProvider.objects.none(),
            "provider_form": provider_form,
            "policy_form": policy_form,
            "policy": policy,
            "redirect_uri": sso.redirect_uri(),
            "keeps_trust_providers": bool(school.trust_id) and _keeps_trust_providers(request),
        },
    )


@requires(Action.MANAGE_USERS)
def user_deactivate(request: SchoolRequest, user_id: int) -> HttpResponse:
    """Confirm a deactivation on a page that lists what the person holds and hands it on in the same step."""
    school = request.school
    assert school is not None  # @requires refuses a user with no school
    account = get_object_or_404(User.objects.filter(role_assignments__school=school).distinct(), pk=user_id)
    held = holdings.held_by(account, school)
    bound = request.POST if request.method == "POST" else None  # an empty POST still confirms
    form = DeactivateForm(bound, choices=actions.reassignable_to(school, account))
    if request.method == "POST" and form.is_valid():
        try:
            moved = actions.deactivate_and_reassign(
                school, account, to=form.cleaned_data["reassign_to"], by=request.user, request=request
            )
        except actions.AccountError as exc:
            form.add_error("reassign_to", str(exc))
        else:
            handed = f" {moved} item{'s' if moved != 1 else ''} handed on." if moved else ""
            messages.success(request, f"Account deactivated.{handed}")
            return redirect("user_detail", account.pk)
    status = 400 if request.method == "POST" else 200
    context = {"account": account, "held": held, "form": form}
    return render(request, "accounts/user_deactivate.html", context, status=status)
