from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from esafety.accounts.models import User


class SignInForm(AuthenticationForm):
    username = forms.CharField(
        label="User name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "sso_only": "%(school)s signs in with single sign-on only: use the %(buttons)s button below.",
    }

    def confirm_login_allowed(self, user: Any) -> None:
        """A school that switched passwords off refuses them even when right: its staff use the provider (so
        leavers lose access when their school account goes). Superusers keep the break-glass password."""
        super().confirm_login_allowed(user)
        from esafety.accounts.models import SignInPolicy, SignInProvider

        if user.is_superuser or user.school is None or SignInPolicy.for_school(user.school).passwords_allowed:
            return
        from esafety.accounts.actions import refuse_password

        refuse_password(self.request, user)
        buttons = " or ".join(f"“{p.button_label}”" for p in SignInProvider.serving(user.school))
        raise forms.ValidationError(
            self.error_messages["sso_only"],
            code="sso_only",
            params={"school": user.school.name, "buttons": buttons or "single sign-on"},
        )


class TokenCodeForm(forms.Form):
    code = forms.RegexField(
        label="6-digit code from your authenticator app",
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": "Enter the 6 digits your authenticator app shows."},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip()


class ApiTokenForm(forms.Form):
    name = forms.CharField(label="What is this token for?", max_length=100)


def _school_roles() -> list[tuple[str, str]]:
    from esafety.accounts.models import TRUST_ROLES, Role

    return [(role.value, role.label) for role in Role if role not in TRUST_ROLES]


class AccountForm(forms.Form):
    username = forms.RegexField(
        label="User name",
        max_length=150,
        regex=r"^[\w.@+-]+$",
        help_text="Letters, digits and . @ + - _ only.",
    )
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(label="School e-mail address")
    roles = forms.MultipleChoiceField(
        choices=_school_roles, widget=forms.CheckboxSelectMultiple, required=False
    )

    def clean_username(self) -> str:
        from esafety.accounts.models import User

        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("That user name is taken.")
        return username


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        choices=_school_roles, widget=forms.CheckboxSelectMultiple, required=False
    )


class SignInProviderForm(forms.ModelForm):
    issuer_url = forms.URLField(
        label="Issuer URL",
        required=False,
        assume_scheme="https",
        help_text="Another provider: its issuer, where discovery is found",
    )

    class Meta:
        from esafety.accounts.models import SignInProvider

        model = SignInProvider
        fields = ["kind", "name", "tenant", "issuer_url", "client_id", "secret_variable", "enabled"]

    def clean(self) -> dict[str, Any]:
        from esafety.accounts import sso
        from esafety.accounts.models import SignInProvider

        data = super().clean() or {}
        kind = data.get("kind")
        tenant = (data.get("tenant") or "").strip().lower()
        if kind == SignInProvider.Kind.MICROSOFT and not sso.ENTRA_TENANT.match(tenant):
            self.add_error(
                "tenant",
                "Enter the directory (tenant) ID from the Entra admin centre, e.g. "
                "72f988bf-86f1-41af-91ab-2d7cd011db47 (a domain name will not match the tokens).",
            )
        if kind == SignInProvider.Kind.GOOGLE and ("." not in tenant or "@" in tenant or "/" in tenant):
            self.add_error("tenant", "Enter the school's Google Workspace domain, e.g. hollybrook.sch.uk.")
        if kind == SignInProvider.Kind.OIDC:
            if not data.get("name"):
                self.add_error("name", "Give the provider a name for its button.")
            issuer = data.get("issuer_url") or ""
            try:
                sso._check_url(issuer) if issuer else None
            except sso.Refused:
                self.add_error("issuer_url", "The issuer must be an https:// address.")
            if not issuer:
                self.add_error("issuer_url", "Enter the provider's issuer URL.")
        data["tenant"] = tenant
        secret_variable = data.get("secret_variable") or ""
        if secret_variable and not sso.SECRET_VARIABLE.match(secret_variable):
            # The secret goes to the provider's token endpoint: naming SECRET_KEY or DATABASE_URL here would
            # send those to whoever runs the provider.
            self.add_error(
                "secret_variable",
                "Use a variable whose name starts with ESAFETY_SSO_ (capital letters, digits and _ only).",
            )
        return data


class SignInPolicyForm(forms.Form):
    passwords_allowed = forms.BooleanField(label="Staff may also sign in with a password", required=False)
    create_accounts = forms.BooleanField(
        label="Make an account (with no roles) for staff the provider vouches for who have none",
        required=False,
    )


def _user_label(user: User) -> str:
    return str(user.get_full_name() or user.username)


class DeactivateForm(forms.Form):
    reassign_to = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Who takes over their open actions and incidents",
        empty_label="Choose a member of staff",
    )

    def __init__(self, *args: Any, choices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reassign_to"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = choices.order_by("last_name", "first_name", "username")
        field.label_from_instance = _user_label  # type: ignore[method-assign,assignment]
