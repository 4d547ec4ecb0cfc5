"""Frontline (一线指挥平台): a city's epidemic prevention run through its grassroots organizations."""

from .celery import app as celery_app

__all__ = ["celery_app"]
