"""As deployed (DEBUG=0, HTTPS redirect, public names only): probes answer any Host over plain HTTP; static files
are collected hashed and compressed."""

from __future__ import annotations

import importlib
import sys

import pytest
from django.test import Client

PRODUCTION = {
    "DEBUG": False,
    "ALLOWED_HOSTS": ["proposals.example.com"],
    "SECURE_SSL_REDIRECT": True,
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
}


@pytest.fixture
def production(settings):
    for name, value in PRODUCTION.items():
        setattr(settings, name, value)
    return Client()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/health/", "/ready/", "/health", "/ready"])
def test_a_probe_by_the_instances_own_address_over_plain_http_gets_200(production, path):
    answer = production.get(path, HTTP_HOST="10.0.3.7:8000")
    assert answer.status_code == 200, answer.content
    assert answer.json()["node"] == "proposals"


def test_any_other_path_keeps_the_host_check(production):
    assert production.get("/api/proposal/get", HTTP_HOST="10.0.3.7:8000").status_code == 400


def test_any_other_path_keeps_the_https_redirect(production):
    answer = production.get("/api/proposal/get", HTTP_HOST="proposals.example.com")
    assert answer.status_code == 301 and answer["Location"].startswith("https://proposals.example.com/")


def test_a_probe_accepts_only_safe_methods(production):
    assert production.post("/health/", HTTP_HOST="10.0.3.7:8000").status_code == 405


def load_settings(monkeypatch) -> dict:
    for module in ("proposals_project.settings", "distributed_core.base_settings"):
        monkeypatch.delitem(sys.modules, module, raising=False)
    return vars(importlib.import_module("proposals_project.settings"))


def test_collected_static_files_are_hashed_and_compressed(monkeypatch, tmp_path):
    monkeypatch.setenv("STATIC_ROOT", str(tmp_path))
    settings = load_settings(monkeypatch)
    backend = settings["STORAGES"]["staticfiles"]["BACKEND"]
    assert backend == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert settings["WHITENOISE_USE_FINDERS"] is False


def test_without_static_root_the_apps_folders_serve_them(monkeypatch):
    monkeypatch.delenv("STATIC_ROOT", raising=False)
    settings = load_settings(monkeypatch)
    assert "STORAGES" not in settings and settings["WHITENOISE_USE_FINDERS"] is True
