"""The `frontline` command: demo, serve, generate-city, import, report, manage."""

import argparse
import os
import sys


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontline.settings")
    import django

    django.setup()
    from django.core.management import call_command

    return call_command


def _gunicorn(bind: str, workers: int, threads: int) -> None:
    from gunicorn.app.wsgiapp import run

    sys.argv = ["gunicorn", "frontline.wsgi:application", "--bind", bind, "--workers", str(workers),
                "--threads", str(threads), "--access-logfile", "-", "--timeout", "120"]
    run()


def _migrate(call_command, **options) -> None:
    """Apply migrations and create the database cache's table where the cache is the database (no Redis)."""
    call_command("migrate", interactive=False, **options)
    call_command("createcachetable", verbosity=0)


def cmd_demo(args) -> int:
    call_command = _django()
    _migrate(call_command, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    url = f"http://127.0.0.1:{args.port}/"
    call_command("demo_setup", residents=args.residents, seed=args.seed)  # the demo app's own command
    print(f"\nFrontline 一线指挥平台 is running at {url}\n")
    sys.stdout.flush()
    _gunicorn(f"127.0.0.1:{args.port}", workers=1, threads=8)
    return 0


def cmd_serve(args) -> int:
    call_command = _django()
    if args.migrate:
        _migrate(call_command)
    call_command("collectstatic", interactive=False, verbosity=0)
    _gunicorn(args.bind, args.workers, args.threads)
    return 0


def cmd_generate_city(args) -> int:
    call_command = _django()
    _migrate(call_command, verbosity=0)
    argv = ["--residents", str(args.residents), "--seed", str(args.seed), "--batch-size", str(args.batch_size)]
    if args.no_progress:
        argv.append("--no-progress")
    call_command("generate_city", *argv)
    return 0


def cmd_import(args) -> int:
    call_command = _django()
    argv = [args.kind, args.file]
    if args.dry_run:
        argv.append("--dry-run")
    if args.area:
        argv += ["--area", args.area]
    if args.user:
        argv += ["--user", args.user]
    call_command("import_file", *argv)
    return 0


def cmd_report(args) -> int:
    """The work report of an area over a period, written to a file. Bad input (dates, area, account) exits 2."""
    import datetime

    _django()
    from django.core.exceptions import ValidationError
    from django.utils import timezone, translation
    from django.utils.translation import gettext as _

    from frontline.areas.models import Area
    from frontline.command.periods import EPOCH, period_check
    from frontline.command.policy import WRITE_REPORT
    from frontline.command.report import report_build, report_filename
    from frontline.command.report_render import report_render
    from frontline.core import policy
    from frontline.core.models import User
    from frontline.core.pdf import CJKFontMissing

    def refuse(message: str, code: int = 2) -> int:
        print(f"frontline report: {message}", file=sys.stderr)
        return code

    translation.activate("zh-hans")
    dates = {}
    for name, value in (("--from", args.start), ("--to", args.end)):
        try:
            dates[name] = datetime.date.fromisoformat(value) if value else None
        except ValueError:
            return refuse(_("%(field)s: “%(value)s” is not a date (YYYY-MM-DD).") % {"field": name, "value": value})
    try:
        period = period_check(dates["--from"] or EPOCH, dates["--to"] or timezone.localdate())
    except ValidationError as e:
        return refuse(" ".join(e.messages))
    area = Area.objects.filter(code=args.area).first()
    if area is None:
        return refuse(_("No area has the code %(code)s.") % {"code": args.area})
    actor = None  # the system
    if args.user:
        actor = User.objects.filter(username=args.user, is_active=True).first()
        if actor is None:
            return refuse(_("No active account %(user)s.") % {"user": args.user})
        if not policy.allows(actor, WRITE_REPORT, area):
            return refuse(_("%(user)s may not write the work report of %(area)s (%(code)s).")
                          % {"user": args.user, "area": area.name, "code": area.code}, 1)
    report = report_build(actor=actor, area=area, period=period)
    try:
        body = report_render(report, args.format)
    except CJKFontMissing as missing:
        return refuse(str(missing), 1)
    output = args.output or report_filename(report, args.format)
    with open(output, "wb") as f:
        f.write(body)
    print(output)
    return 0


def cmd_manage(args) -> int:
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["frontline manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="frontline", description="Frontline 一线指挥平台")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="migrate, generate the demo city if the database is empty, create the demo "
                                       "accounts and serve on 127.0.0.1")
    demo.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000)")
    demo.add_argument("--residents", type=int, default=20000, help="size of a newly generated demo city (default 20000)")
    demo.add_argument("--seed", type=int, default=2022, help="seed of a newly generated demo city (default 2022)")
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help="production-style server (gunicorn) on the configured database")
    serve.add_argument("--bind", default=os.environ.get("FRONTLINE_BIND", "127.0.0.1:8000"),
                       help="address:port (default 127.0.0.1:8000 or $FRONTLINE_BIND)")
    serve.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")),
                       help="worker processes (default $WEB_CONCURRENCY or 2)")
    serve.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")
    serve.add_argument("--migrate", action="store_true", help="apply migrations before serving")
    serve.set_defaults(func=cmd_serve)

    gen = sub.add_parser("generate-city", help="generate the synthetic city into an empty database")
    gen.add_argument("--residents", type=int, required=True, help="number of residents")
    gen.add_argument("--seed", type=int, default=2022, help="random seed (default 2022); same seed, same city")
    gen.add_argument("--batch-size", type=int, default=5000, help="rows per insert batch (default 5000)")
    gen.add_argument("--no-progress", action="store_true", help="no progress bar")
    gen.set_defaults(func=cmd_generate_city)

    imp = sub.add_parser("import", help="import a file: `frontline import KIND FILE [--dry-run]`, e.g. KIND roster")
    imp.add_argument("kind", help="what the file holds: a kind an app registered (roster, ...); an unknown one lists them")
    imp.add_argument("file", help=".xlsx, or CSV in UTF-8 or GB18030/GBK")
    imp.add_argument("--dry-run", action="store_true", help="list every problem, write nothing")
    imp.add_argument("--area", help="division code of the area the file is for (default: the whole city)")
    imp.add_argument("--user", help="import as this account, within its scope")
    imp.set_defaults(func=cmd_import)

    report = sub.add_parser("report", help="the work report of an area over a period: a Word, PDF or Markdown file")
    report.add_argument("--area", required=True, help="division code of the area (e.g. the city's)")
    report.add_argument("--from", dest="start", help="first day, YYYY-MM-DD (default: the outbreak's beginning)")
    report.add_argument("--to", dest="end", help="last day, YYYY-MM-DD (default: today)")
    report.add_argument("--format", choices=["docx", "pdf", "md"], default="docx", help="file format (default docx)")
    report.add_argument("--output", help="file to write (default: the report's title in the current folder)")
    report.add_argument("--user", help="write it as this account, within its scope (default: the system)")
    report.set_defaults(func=cmd_report)

    manage = sub.add_parser("manage", help="Django's management commands, e.g. `frontline manage createsuperuser`",
                            add_help=False)
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["manage"]:
        # Everything after `manage` is Django's, `--help` included (argparse would take it for its own).
        args = argparse.Namespace(command="manage", func=cmd_manage, rest=argv[1:])
    else:
        args = build_parser().parse_args(argv)
    from django.core.management.base import CommandError

    try:
        return args.func(args)
    except CommandError as e:
        print(f"frontline {args.command}: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
