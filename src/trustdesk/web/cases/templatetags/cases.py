"""Presentation of engagement values: country names for the codes the engagement stores."""

from __future__ import annotations

from django import template

from trustdesk.web.cases import values

register = template.Library()


@register.filter
def country_names(codes: list[str]) -> str:
    """`{{ engagement.countries|country_names }}`: "Germany (DE), Japan (JP)"."""
    return ", ".join(f"{values.country_name(code)} ({code})" for code in codes)


@register.filter
def country_name(code: str) -> str:
    """`{{ organisation.country|country_name }}`: "Germany" ("" for no country)."""
    return values.country_name(code) if code else ""
