import subprocess
import sys

import pytest

from frontline.cli import build_parser


@pytest.mark.parametrize("command", ["demo", "serve", "generate-city"])
def test_each_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as e:
        build_parser().parse_args([command, "--help"])
    assert e.value.code == 0
    assert "usage: frontline" in capsys.readouterr().out


def test_generate_city_on_the_command_line(tmp_path):
    env = {"FRONTLINE_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "DATABASE_URL": ""}
    run = [sys.executable, "-m", "frontline.cli", "generate-city", "--residents", "200", "--seed", "3", "--no-progress"]
    first = subprocess.run(run, env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "200 residents" in first.stdout
    assert (tmp_path / "frontline.sqlite3").exists()
    again = subprocess.run(run, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 1 and "Traceback" not in again.stderr
    assert "数据库中已有城市数据" in again.stderr  # the command line speaks Chinese too


def test_manage_passes_through_to_django(tmp_path):
    env = {"FRONTLINE_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "DATABASE_URL": ""}
    out = subprocess.run([sys.executable, "-m", "frontline.cli", "manage", "check"], env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0 and "no issues" in out.stdout


def test_manage_help_prints_djangos_help(tmp_path):
    env = {"FRONTLINE_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "DATABASE_URL": ""}
    out = subprocess.run([sys.executable, "-m", "frontline.cli", "manage", "--help"], env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "frontline manage help <subcommand>" in out.stdout and "migrate" in out.stdout


def test_import_roster_on_the_command_line(tmp_path):
    import csv

    from frontline.core.validators import id_check_char

    env = {"FRONTLINE_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "DATABASE_URL": ""}
    cli = [sys.executable, "-m", "frontline.cli"]
    subprocess.run([*cli, "generate-city", "--residents", "200", "--no-progress"], env=env, check=True,
                   capture_output=True, timeout=300)
    good = "11010519800101011"
    good += id_check_char(good)
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    path = tmp_path / "roster.csv"
    with open(path, "w", encoding="gbk", newline="") as f:
        csv.writer(f).writerows([["网格编码", "姓名", "身份证号", "楼栋", "房号"],
                                 ["418002001001001", "张三", bad, "1栋", "999"],
                                 ["418002001001001", "李四", good, "1栋", "999"]])
    checked = subprocess.run([*cli, "import", "roster", str(path), "--dry-run"], env=env, capture_output=True, text=True,
                             timeout=120)
    assert checked.returncode == 1
    assert "roster.csv: row 2, 身份证号: " in checked.stdout and "row 3" not in checked.stdout
    with open(path, "w", encoding="gbk", newline="") as f:
        csv.writer(f).writerows([["网格编码", "姓名", "身份证号", "楼栋", "房号"],
                                 ["418002001001001", "李四", good, "1栋", "999"]])
    imported = subprocess.run([*cli, "import", "roster", str(path)], env=env, capture_output=True, text=True, timeout=120)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "新增人员 1" in imported.stdout and "people_created" not in imported.stdout


def test_demo_activity_shows_work_in_progress(city):
    from frontline.core.models import WorkOrder
    from frontline.demo.accounts import demo_activity_create
    from frontline.grid.models import HouseholdVisit
    from frontline.notices.models import Notice as GridMessage

    demo_activity_create()
    demo_activity_create()  # once only
    assert HouseholdVisit.objects.filter(outcome="visited").count() == 6
    assert WorkOrder.objects.filter(kind="revisit", status="open", escalation_level=0).count() == 2
    assert GridMessage.objects.filter(grids__isnull=False).distinct().count() == 1
