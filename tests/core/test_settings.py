"""Configuration fails closed: an empty list of who may do something means nobody, a misspelled role stops
the start."""

import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from frontline.core.apps import check_settings
from frontline.settings import envlist


def test_an_empty_list_of_roles_means_nobody_not_the_defaults(monkeypatch):
    monkeypatch.setenv("FRONTLINE_REVEAL_ROLES", "")
    assert envlist("FRONTLINE_REVEAL_ROLES", ["commander"], empty_means_none=True) == []
    monkeypatch.setenv("FRONTLINE_REVEAL_ROLES", " , ")
    assert envlist("FRONTLINE_REVEAL_ROLES", ["commander"], empty_means_none=True) == []
    monkeypatch.delenv("FRONTLINE_REVEAL_ROLES")
    assert envlist("FRONTLINE_REVEAL_ROLES", ["commander"], empty_means_none=True) == ["commander"]
    monkeypatch.setenv("FRONTLINE_REVEAL_ROLES", "commander, grid_worker")
    assert envlist("FRONTLINE_REVEAL_ROLES", [], empty_means_none=True) == ["commander", "grid_worker"]


def test_a_misspelled_role_is_an_error_not_a_silent_grant():
    with override_settings(FRONTLINE_REVEAL_ROLES=["commander", "comander"]), pytest.raises(ImproperlyConfigured) as e:
        check_settings()
    assert "comander" in str(e.value)
    with override_settings(FRONTLINE_REVEAL_ROLES=[]):
        check_settings()


def _run(tmp_path, roles: str) -> subprocess.CompletedProcess:
    env = {"FRONTLINE_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "DATABASE_URL": "",
           "FRONTLINE_REVEAL_ROLES": roles}
    code = "import django; django.setup(); from django.conf import settings; print(settings.FRONTLINE_REVEAL_ROLES)"
    return subprocess.run([sys.executable, "-c", code], env={**env, "DJANGO_SETTINGS_MODULE": "frontline.settings"},
                          capture_output=True, text=True, timeout=120)


def test_the_start_fails_on_an_unknown_role_and_an_empty_value_means_nobody(tmp_path):
    wrong = _run(tmp_path, "commander,gridworker")
    assert wrong.returncode != 0 and "ImproperlyConfigured" in wrong.stderr and "gridworker" in wrong.stderr
    empty = _run(tmp_path, "")
    assert empty.returncode == 0, empty.stderr
    assert empty.stdout.strip() == "[]"


@override_settings(FRONTLINE_REVEAL_ROLES=[])
def test_with_nobody_allowed_to_reveal_a_grid_worker_cannot(city, client_for):
    from frontline.people.models import Resident

    person = Resident.objects.filter(household__building__area=city.grid, person__phone__gt="").first().person
    assert client_for("grid").post(f"/people/{person.pk}/reveal/phone/").status_code == 403
