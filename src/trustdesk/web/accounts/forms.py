"""Input shapes for the sign-in page and the admin's user actions; saving is the services' job."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from trustdesk.web.accounts.models import Department, User


class SignInForm(AuthenticationForm):
    """Django's form (it passes the request to authenticate(), which the lockout needs)."""

    error_messages = {  # noqa: RUF012  # Django reads it as a class attribute, as its own form does
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "That username and password do not match an active account. "
            "Repeated failures lock sign-in for a while."
        ),
    }


class RoleChangeForm(forms.Form):
    role = forms.ChoiceField(choices=User.Role.choices)
    reason = forms.CharField(
        max_length=500, help_text="Kept on the audit trail with the change.", strip=True
    )

    def role_value(self) -> User.Role:
        return User.Role(self.cleaned_data["role"])


class DeactivateForm(forms.Form):
    reason = forms.CharField(
        max_length=500, help_text="Kept on the audit trail with the change.", strip=True
    )


class UserCreateForm(forms.Form):
    """A local account an admin creates; the person sets the password from their invitation."""

    username = forms.CharField(max_length=150, strip=True)
    email = forms.EmailField(
        label="E-mail", help_text="The invitation to set a password goes here."
    )
    first_name = forms.CharField(max_length=150, required=False, strip=True)
    last_name = forms.CharField(max_length=150, required=False, strip=True)
    role = forms.ChoiceField(
        choices=[c for c in User.Role.choices if c[0] != User.Role.ADMIN],
        initial=User.Role.RESEARCHER,
    )
    department = forms.ModelChoiceField(
        queryset=Department.objects.all(), required=False, empty_label="None"
    )

    def role_value(self) -> User.Role:
        return User.Role(self.cleaned_data["role"])


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(label="E-mail", max_length=254)
