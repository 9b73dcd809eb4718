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
