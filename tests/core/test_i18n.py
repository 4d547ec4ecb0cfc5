def test_interface_speaks_chinese_by_default_and_english_on_request(city, client_for):
    client = client_for("grid")
    page = client.get("/").content.decode()
    assert "一线指挥平台" in page and "浏览我的区域" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert "Browse my area" in page and "浏览我的区域" not in page


def test_login_page_is_in_chinese(db):
    from django.test import Client

    page = Client().get("/login/").content.decode()
    assert "登录一线指挥平台" in page


def test_navigation_by_role(city, client_for):
    assert 'href="/audit/"' in client_for("commander").get("/").content.decode()
    assert 'href="/audit/"' not in client_for("grid").get("/").content.decode()


def test_django_admin_is_for_superusers_only(city, client_for):
    from frontline.core.models import User

    grid = User.objects.get(username="grid")
    grid.is_staff = True
    grid.save()
    assert client_for("grid").get("/admin/").status_code == 302
    assert client_for("admin").get("/admin/").status_code == 200


def test_an_english_browser_still_gets_chinese_until_the_user_switches(city, client_for):
    page = client_for("grid").get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "浏览我的区域" in page


def test_every_message_has_its_chinese_translation():
    import subprocess
    from pathlib import Path

    po = Path(__file__).resolve().parents[2] / "frontline/locale/zh_Hans/LC_MESSAGES/django.po"
    out = subprocess.run(["msgfmt", "--statistics", "-o", "/dev/null", str(po)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "untranslated" not in out.stderr and "fuzzy" not in out.stderr, out.stderr


def test_every_string_the_code_shows_is_in_the_chinese_catalogue(tmp_path):
    """makemessages run over a copy of the code finds no message without its translation: model labels and
    choices (a measure's kind, a contact's kind, a role's name) included, not only templates."""
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    shutil.copytree(root / "frontline", tmp_path / "frontline", ignore=shutil.ignore_patterns("static", "__pycache__"))
    shutil.copy(root / "manage.py", tmp_path / "manage.py")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "frontline.settings", "PYTHONPATH": str(tmp_path)}
    made = subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
                          cwd=tmp_path, env=env, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    po = tmp_path / "frontline/locale/zh_Hans/LC_MESSAGES/django.po"
    missing = []
    for option in ("--untranslated", "--only-fuzzy"):
        out = subprocess.run(["msgattrib", option, "--no-wrap", "--no-location", str(po)],
                             capture_output=True, text=True, check=True).stdout
        missing += [line for line in out.splitlines() if line.startswith("msgid ") and line != 'msgid ""']
    assert missing == [], "\n".join(missing)
