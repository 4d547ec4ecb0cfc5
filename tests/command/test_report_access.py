"""The work report from the dashboard and the command line: who may have it, the period checked, the download
audited and named in Chinese; the dashboard's panel for those who may write it."""

import datetime
from urllib.parse import quote

from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from frontline.cli import main
from frontline.command.plugin_report import _panel
from frontline.core.models import AuditLog
from frontline.core.plugins import panels_for


def _url(area, fmt, **query):
    url = reverse("command_report", kwargs={"pk": area.pk, "fmt": fmt})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_a_commander_downloads_the_report_named_in_chinese_and_the_export_is_audited(city, client_for):
    today = timezone.localdate()
    response = client_for("commander").get(_url(city.district, "md", start="2022-03-01", end=today.isoformat()))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/markdown")
    title = f"{city.district.name}应对疫情防控工作情况汇报"
    assert "filename*=utf-8''" in response["Content-Disposition"].lower()
    assert quote(title) in response["Content-Disposition"]
    assert response.content.decode().startswith(f"# 2022—{today.year}年{title}") or today.year == 2022
    entry = AuditLog.objects.filter(action="export", actor=city.users["commander"]).latest("pk")
    assert entry.note.startswith("work report md 2022-03-01") and entry.object_id == str(city.district.pk)
    docx = client_for("commander").get(_url(city.district, "docx"))
    assert docx.status_code == 200 and docx.content[:2] == b"PK"


def test_a_bad_format_is_404_and_a_reversed_or_future_period_is_400_in_chinese(city, client_for):
    client = client_for("commander")
    assert client.get(_url(city.district, "xls")).status_code == 404
    reversed_ = client.get(_url(city.district, "md", start="2022-05-01", end="2022-04-01"))
    assert reversed_.status_code == 400 and "早于开始日期" in reversed_.content.decode()
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    later = client.get(_url(city.district, "md", start="2022-05-01", end=future))
    assert later.status_code == 400 and "时段在未来" in later.content.decode()


def test_an_area_not_theirs_is_404_and_a_role_without_the_report_is_403(city, client_for):
    assert client_for("district2").get(_url(city.district, "md")).status_code == 404
    assert client_for("secretary").get(_url(city.sibling_community, "md")).status_code == 404
    assert client_for("grid").get(_url(city.grid, "md")).status_code == 403
    assert client_for("secretary").get(_url(city.community, "md")).status_code == 200


def test_the_dashboard_panel_offers_the_three_files_to_those_who_may_write_the_report(city):
    from django.template.loader import render_to_string

    assert [p.code for p in panels_for("dashboard") if p.code == "report"] == ["report"]
    request = RequestFactory().get("/", {"start": "2022-04-01"})
    request.user = city.users["commander"]
    context = _panel(request, city.district)
    assert context["start"] == "2022-04-01"
    html = render_to_string("command/report/panel.html", context, request=request)
    for fmt in ("docx", "pdf", "md"):
        assert _url(city.district, fmt) in html
    request.user = city.users["grid"]
    assert _panel(request, city.grid) is None
    request.user = city.users["district2"]
    assert _panel(request, city.district) is None


def test_the_command_line_writes_the_file_and_refuses_bad_dates_and_areas(city, tmp_path, capsys):
    out = tmp_path / "汇报.md"
    code = main(["report", "--area", city.district.code, "--from", "2022-03-01", "--to", "2022-04-30",
                 "--format", "md", "--output", str(out)])
    assert code == 0
    assert out.read_text(encoding="utf-8").startswith(f"# 2022年{city.district.name}应对疫情防控工作情况汇报")
    assert main(["report", "--area", city.district.code, "--from", "2022-04-30", "--to", "2022-03-01",
                 "--format", "md", "--output", str(out)]) == 2
    assert "早于开始日期" in capsys.readouterr().err
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert main(["report", "--area", city.district.code, "--to", future, "--output", str(out)]) == 2
    assert "时段在未来" in capsys.readouterr().err
    assert main(["report", "--area", "999999999999", "--output", str(out)]) == 2
    assert "999999999999" in capsys.readouterr().err
    assert main(["report", "--area", city.district.code, "--from", "04/01", "--output", str(out)]) == 2
    assert main(["report", "--area", city.district.code, "--user", "district2", "--output", str(out)]) == 1
    docx = tmp_path / "r.docx"
    assert main(["report", "--area", city.district.code, "--user", "commander", "--output", str(docx)]) == 0
    assert docx.read_bytes()[:2] == b"PK"
