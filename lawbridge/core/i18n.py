"""Strings Django itself translates, given our own translation where its catalogue reads badly."""

from django.utils.translation import gettext_noop

# Django's form label suffix: in Chinese it should be the full-width colon "：".
LABEL_SUFFIX = gettext_noop(":")
