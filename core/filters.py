"""Filters shared by the apps' FilterSets."""

from __future__ import annotations

import django_filters
from django import forms


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField  # a whole number (NumberFilter's DecimalField would take 1.5)
