from __future__ import annotations

from django import forms

from trustdesk.web.notify.models import Preference


class PreferenceForm(forms.Form):
    delivery = forms.ChoiceField(
        label="Notifications by e-mail",
        choices=Preference.Delivery.choices,
        widget=forms.RadioSelect,
    )
