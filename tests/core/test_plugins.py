"""Plug-in discovery (core/plugins.py): apps add panels, demo and reference data, beat entries, URLs and
navigation by module name, in LOCAL_APPS order; core names no app."""

import pytest
from django.conf import settings

from core.plugins import app_label, app_modules, nav_templates

pytestmark = pytest.mark.django_db


def test_plug_ins_are_found_in_layer_order_and_an_app_without_one_is_skipped():
    assert [app_label(m) for m in app_modules("reference")] == ["core", "stations"]
    demo = [app_label(m) for m in app_modules("demo")]
    assert demo[0] == "stations"  # the demo logins and stations come first; the apps above use them
    assert demo == [app for app in settings.LOCAL_APPS if app in demo]
    assert app_modules("no_such_plugin") == []


def test_an_import_error_inside_a_plug_in_is_not_mistaken_for_a_missing_plug_in():
    assert app_modules("absent", apps=["tests.core.plugin_samples"]) == []
    with pytest.raises(ModuleNotFoundError, match="no_such_module_for_the_plugin_test"):
        app_modules("broken", apps=["tests.core.plugin_samples"])


def test_navigation_lists_each_apps_nav_template_in_layer_order(client, world):
    assert list(nav_templates()) == [f"includes/nav/{app}.html" for app in settings.LOCAL_APPS
                                     if app != "core"]  # core's links (audit, admin) are in base.html
    client.force_login(world["staff"])
    body = client.get("/").content.decode()
    positions = [body.index(text) for text in ("服务站点", "求职者档案", "岗位管理", "岗位推送")]
    assert positions == sorted(positions)


def test_every_url_module_of_an_app_is_mounted_under_its_name(client, world):
    from django.urls import reverse

    assert reverse("stations:station_list").startswith("/stations/")
    assert reverse("jobs:job_search").startswith("/jobs/")
    client.force_login(world["staff"])
    assert client.get("/api/me/").status_code == 200
