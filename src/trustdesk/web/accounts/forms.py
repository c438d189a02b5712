"""Input shapes for the sign-in page and the admin's user actions; saving is the services' job."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from trustdesk.web.accounts.models import User


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
