"""The `trustdesk` command: what users type. Each subcommand parses, calls a service, reports."""

from __future__ import annotations

import csv
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from trustdesk.policy.models import Pack
    from trustdesk.policy.reference import IndicatorOverlay
    from trustdesk.screening.matching import ScreeningHit
    from trustdesk.web.lists.coverage import Coverage
    from trustdesk.web.triage.answers import AnswerScreening

F = TypeVar("F", bound=Callable[..., Any])


def _setup_django(*, prepare: bool = True) -> None:
    """Configure Django; the embedded default migrates itself so a fresh home just works."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustdesk.web.settings")
    import django
    from django.conf import settings

    django.setup()
    if settings.EMBEDDED:
        # The static root too: WhiteNoise looks there even when it serves from the apps.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    from trustdesk.web.core.context import audit_context

    # Every audit event of one command shares one request id, as a web request's do.
    click.get_current_context().with_resource(audit_context(actor=_actor()))
    if prepare:
        from trustdesk.web.core.setup import ensure_ready
        from trustdesk.web.lists.services import shipped_lists_ensure

        ensure_ready()
        shipped_lists_ensure()


class _StatusLine:
    """One rewritten line of progress on stderr when it is a terminal; silent when piped."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.shown = False

    def show(self, text: str) -> None:
        if self.enabled:
            click.echo(f"\r\033[K{text}", nl=False, err=True)
            self.shown = True

    def done(self) -> None:
        if self.shown:
            click.echo("\r\033[K", nl=False, err=True)
            self.shown = False


class _Counter(_StatusLine):
    """Entries read so far: streamed parses have no total to show a bar against."""

    def __call__(self, source: str, done: int) -> None:
        self.show(f"{source}: {done:,} entries read…")


class _DownloadBar(_StatusLine):
    """Bytes downloaded per file, with the percentage when the server states a size."""

    def __call__(self, role: str, done: int, total: int | None) -> None:
        size = f"{done / 1048576:,.1f} MiB"
        if total:
            size += f" of {total / 1048576:,.1f} MiB ({100 * done // total}%)"
        self.show(f"downloading {role}: {size}")


@contextmanager
def _reported_here(logger_name: str) -> Iterator[None]:
    """Hold back the logger's warnings while a command reports the same failures itself.

    The services log each failure for servers and workers; on a terminal the command's own
    report already says it, and the log line would print it a second time.
    """
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _emit_json(data: object) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


class _Trustdesk(click.Group):
    """The command group; a configuration error is one line naming the variable, no traceback.

    Settings are read when a command first sets up Django, so a misconfigured variable (single
    sign-on without a client id, a bad number) surfaces there as ImproperlyConfigured.
    """

    def invoke(self, ctx: click.Context) -> Any:
        from django.core.exceptions import ImproperlyConfigured

        try:
            return super().invoke(ctx)
        except ImproperlyConfigured as exc:
            raise click.ClickException(f"configuration: {exc} (see docs/configuration.md)") from exc


@click.group(cls=_Trustdesk, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="trustdesk")
def main() -> None:
    """trustdesk: research-security screening, triage and due diligence for universities.

    Data lives in TRUSTDESK_HOME (default ./var); set TRUSTDESK_DATABASE_URL for PostgreSQL.
    """


@main.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def lists(ctx: click.Context, as_json: bool) -> None:
    """Watch lists: each source's current snapshot, flagged when missing or out of date.

    (Its subcommands import, update and compare them.)
    """
    if ctx.invoked_subcommand is not None:
        return
    _setup_django()
    from trustdesk.web.lists import report, selectors
    from trustdesk.web.lists.coverage import current_coverage

    coverage = current_coverage()
    statuses = report.with_expected(selectors.source_status_list(), coverage)
    if as_json:
        _emit_json([report.status_json(s, coverage) for s in statuses])
    else:
        click.echo(report.status_text(statuses, coverage))


@lists.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--source", help="Force the list source key (e.g. ofac-sdn, custom:my-list).")
@click.option(
    "--stage",
    is_flag=True,
    help="Store and check the snapshot but hold it back for review: an officer sees its "
    "impact preview on the monitoring page, then makes it current or discards it.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def lists_import(paths: tuple[Path, ...], source: str | None, stage: bool, as_json: bool) -> None:
    """Import list files as snapshots; the files of one OFAC CSV set named together form one."""
    _setup_django()
    from trustdesk.web.lists import report, services

    counter = _Counter(not as_json)
    try:
        with _reported_here("trustdesk.web.lists"):
            outcomes = services.list_snapshot_import(
                paths=list(paths), source=source, actor=_actor(), progress=counter, stage=stage
            )
    except services.ImportFailed as exc:
        counter.done()
        raise click.ClickException(f"import failed, nothing stored: {exc}") from exc
    counter.done()
    if as_json:
        _emit_json([report.outcome_json(o) for o in outcomes])
    else:
        for outcome in outcomes:
            click.echo(report.outcome_text(outcome))


@lists.command("update")
@click.argument("sources", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def lists_update(sources: tuple[str, ...], as_json: bool) -> None:
    """Download lists from their official URLs and import them (default: the official lists).

    A download or import that fails stores nothing and the current snapshot keeps serving;
    the command then exits with status 1 after trying every other source.
    """
    _setup_django()
    from trustdesk.web.lists import report, services
    from trustdesk.web.lists.coverage import current_coverage

    counter = _Counter(not as_json)
    bar = _DownloadBar(not as_json)
    try:
        with _reported_here("trustdesk.web.lists"):
            results = services.list_source_update(
                sources=list(sources) or services.update_sources_default(),
                actor=_actor(),
                download_progress=bar,
                progress=counter,
            )
    except (services.UnknownSource, services.InvalidOverride) as exc:
        raise click.UsageError(str(exc)) from exc
    finally:
        bar.done()
        counter.done()
    if as_json:
        _emit_json([report.update_json(r) for r in results])
    else:
        click.echo(report.update_text(results, current_coverage()))
    if any(r.error for r in results):
        sys.exit(1)
    if not sources:  # the scheduled job's work, done: the schedule need not repeat it now
        _scheduled_job_done("lists.update")


def _scheduled_job_done(name: str) -> None:
    from trustdesk.web.schedule.services import job_done_by_hand
    from trustdesk.web.schedule.table import job_get

    job_done_by_hand(job_get(name), actor=_actor())


@lists.command("sources")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def lists_sources(as_json: bool) -> None:
    """The list sources trustdesk knows: publisher, licence and official download addresses."""
    _setup_django(prepare=False)
    from trustdesk.web.lists import report

    if as_json:
        _emit_json(report.sources_json())
    else:
        click.echo(report.sources_text())


@lists.command("diff")
@click.argument("source")
@click.argument("old", required=False)
@click.argument("new", required=False)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--limit", default=50, show_default=True, help="Entries shown per section (text).")
def lists_diff(source: str, old: str | None, new: str | None, as_json: bool, limit: int) -> None:
    """What changed in SOURCE: OLD and NEW are snapshot ids (default: previous and current)."""
    if (old is None) != (new is None):
        raise click.UsageError("give both OLD and NEW, or neither")
    _setup_django()
    from trustdesk.web.lists import report, selectors

    try:
        before = selectors.snapshot_get(source, old or "previous")
        after = selectors.snapshot_get(source, new or "current")
    except selectors.SnapshotNotFound as exc:
        raise click.ClickException(str(exc)) from exc
    diff = selectors.snapshot_diff(before, after)
    if as_json:
        _emit_json(report.diff_json(diff))
    else:
        click.echo(report.diff_text(diff, limit=limit))


def _threshold(value: float | None) -> float:
    from trustdesk.screening.matching import DEFAULT_THRESHOLD

    if value is None:
        return DEFAULT_THRESHOLD
    if not 0.0 < value <= 1.0:
        raise click.BadParameter("must be above 0 and at most 1", param_hint="--threshold")
    return value


_TYPE_CHOICE = click.Choice(["organization", "person", "any"], case_sensitive=False)


@main.command()
@click.argument("name")
@click.option("--type", "kind", type=_TYPE_CHOICE, default="any", show_default=True)
@click.option("--country", help="ISO 3166-1 code (either case) of the subject, if known.")
@click.option("--threshold", type=float, help="Lowest score shown (default: the matcher's).")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def screen(
    name: str, kind: str, country: str | None, threshold: float | None, limit: int, as_json: bool
) -> None:
    """Screen one name against every current list; each hit says why it matched.

    The answer names the lists consulted and any expected list that is missing or out of date:
    "no match" against lists that were never loaded is not a clear result.
    """
    cut = _threshold(threshold)
    from trustdesk.screening.matching import NameNotScreenable, Query, check_name

    try:
        check_name(Query(name))
    except NameNotScreenable as exc:
        raise click.BadParameter(str(exc), param_hint="NAME") from exc
    _setup_django()
    from trustdesk.web.lists import screenfile, screening

    try:
        query = Query(
            name=name,
            type=screenfile.parse_type(kind, "--type"),
            country=screenfile.parse_country(country or "", "--country"),
        )
        result = screening.screen(query, threshold=cut, limit=limit, progress=_index_progress())
    except screenfile.InputError as exc:
        raise click.BadParameter(str(exc)) from exc
    except NameNotScreenable as exc:
        raise click.BadParameter(str(exc), param_hint="NAME") from exc
    if as_json:
        _emit_json(
            {
                "query": name,
                "threshold": cut,
                "matcher_version": result.matcher_version,
                "snapshots": result.snapshots,
                "coverage": result.coverage.to_dict(),
                "matches": [h.to_dict() for h in result.hits],
            }
        )
        return
    if not result.hits:
        click.echo(f"No match at or above {cut:.2f} for {name!r} in {len(result.snapshots)} lists.")
    for rank, hit in enumerate(result.hits, start=1):
        click.echo(f"{rank}. {hit.score:.3f}  {hit.source}:{hit.entry_id}  {hit.name}")
        click.echo(f"   {hit.explanation}")
    click.echo(_coverage_text(result.coverage))


def _coverage_text(coverage: Coverage) -> str:
    """The coverage block under a result: a warning line first whenever it is incomplete."""
    head = "Coverage: complete." if coverage.complete else "WARNING: coverage is incomplete."
    return f"{head} {coverage.summary()}"


def _index_progress() -> Callable[[int], None] | None:
    if not sys.stderr.isatty():
        return None

    def show(done: int) -> None:
        click.echo(f"\rbuilding the match index: {done:,} entries…", nl=False, err=True)

    return show


@main.command("screen-file")
@click.argument("input_path", metavar="INPUT.csv", type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="Write here (default: stdout)."
)
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "jsonl"]), help="Default: from -o, else jsonl."
)
@click.option("--name-column", default="name", show_default=True)
@click.option("--id-column", default="id", show_default=True)
@click.option("--type-column", default="type", show_default=True)
@click.option("--country-column", default="country", show_default=True)
@click.option("--threshold", type=float, help="Lowest score kept (default: the matcher's).")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Processes that screen in parallel (each a core); output order is the input's.",
)
def screen_file(
    input_path: Path,
    output: Path | None,
    fmt: str | None,
    name_column: str,
    id_column: str,
    type_column: str,
    country_column: str,
    threshold: float | None,
    limit: int,
    workers: int,
) -> None:
    """Screen every name in a CSV file; writes CSV or JSON lines, best hits first.

    A row whose name has nothing to compare is written with an error, not as a clean no-match.
    The lists consulted, and any expected list missing or out of date, are reported on stderr.
    With --workers N, N processes screen chunks of the file and the output keeps its order.
    """
    cut = _threshold(threshold)
    fmt = fmt or ("csv" if output is not None and output.suffix.lower() == ".csv" else "jsonl")
    _setup_django()
    from trustdesk.screening.matching import NameNotScreenable
    from trustdesk.web.lists import screenfile, screening
    from trustdesk.web.lists.coverage import current_coverage

    columns = screenfile.Columns(name_column, id_column, type_column, country_column)
    loaded = screening.current_index(progress=_index_progress())
    coverage = current_coverage()
    # Nothing below reads the database, so forked workers never use the connection they inherit
    # (and a pool worker ends with os._exit, which does not close it under this process).
    total = screenfile.count_rows(input_path) if input_path.is_file() else 0
    settings = screenfile.ChunkSettings("csv" if fmt == "csv" else "jsonl", cut, limit)
    refusals = 0

    def write(out: IO[str]) -> None:
        nonlocal refusals
        if fmt == "csv":
            csv.writer(out).writerow(screenfile.CSV_FIELDS)
        chunks = screenfile.screen_chunks(
            screenfile.read_rows(input_path, columns),
            index=loaded.index,
            index_path=screening.index_path(loaded),
            settings=settings,
            workers=workers,
        )
        with _maybe_bar(total) as bar:
            for chunk in chunks:
                out.write(chunk.text)
                refusals += chunk.refusals
                bar.update(chunk.rows)

    try:
        screenfile.write_atomically(output, write, sys.stdout)
    except screenfile.InputError as exc:
        raise click.ClickException(f"{exc} (nothing was written)") from exc
    if refusals:
        click.echo(f"{refusals} row(s) not screened: {NameNotScreenable.MESSAGE}", err=True)
    click.echo(_coverage_text(coverage), err=True)


class _NoBar:
    def update(self, n: int) -> None:
        """Nothing to show when stderr is not a terminal."""

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def _maybe_bar(total: int) -> Any:
    if sys.stderr.isatty():
        return click.progressbar(length=total, label="screening", file=sys.stderr)
    return _NoBar()


@main.command()
@click.argument("username")
@click.argument("email")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from stdin instead of generating one."
)
def createadmin(username: str, email: str, password_stdin: bool) -> None:
    """Create an administrator; a generated password is printed once."""
    _setup_django()
    from trustdesk.web.accounts import services

    # Read from stdin, never from argv, so that the password does not show in `ps`.
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    try:
        user, generated = services.create_admin(
            username=username, email=email, password=password, actor=_actor()
        )
    except services.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Administrator {user.username} created.")
    if generated:
        click.echo(f"Password (shown once; sign in and change it): {generated}")


_ROLE_CHOICE = click.Choice(
    ["researcher", "champion", "officer", "approver", "auditor"], case_sensitive=False
)


@main.group()
def users() -> None:
    """User accounts for people without single sign-on."""


@users.command("create")
@click.argument("username")
@click.argument("email")
@click.option("--role", type=_ROLE_CHOICE, required=True, help="Administrators: createadmin.")
@click.option("--department", help="The department's name, as on the users page.")
@click.option("--first-name", default="")
@click.option("--last-name", default="")
@click.option("--print-link", is_flag=True, help="Print the invitation link, even if e-mailed.")
def users_create(
    username: str,
    email: str,
    role: str,
    department: str | None,
    first_name: str,
    last_name: str,
    print_link: bool,
) -> None:
    """Create an account and invite its person to set a password (a one-time, expiring link).

    The link is e-mailed when TRUSTDESK_EMAIL_HOST is set; otherwise it is printed here to pass on.
    """
    _setup_django()
    from django.conf import settings

    from trustdesk.web.accounts import selectors, services
    from trustdesk.web.accounts.models import Department, User

    try:
        dept = selectors.department_by_name(name=department) if department else None
        user, link = services.user_provision(
            actor=_actor(),
            username=username,
            email=email,
            role=User.Role(role.lower()),
            department=dept,
            first_name=first_name,
            last_name=last_name,
            base_url=settings.TRUSTDESK_BASE_URL,
        )
    except Department.DoesNotExist:
        raise click.BadParameter(
            f"no department named {department!r}", param_hint="--department"
        ) from None
    except services.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"User {user.username} created ({user.get_role_display()}).")
    _report_link(user.email, link, print_link)


@users.command("invite")
@click.argument("username")
@click.option("--print-link", is_flag=True, help="Print the invitation link, even if e-mailed.")
def users_invite(username: str, print_link: bool) -> None:
    """Send a new invitation to an account that has no password yet (the last one expired)."""
    _setup_django()
    from django.conf import settings

    from trustdesk.web.accounts import selectors, services
    from trustdesk.web.accounts.models import User

    try:
        user = selectors.user_by_username(username=username)
        link = services.user_invite(actor=_actor(), user=user, base_url=settings.TRUSTDESK_BASE_URL)
    except User.DoesNotExist:
        raise click.ClickException(f"no user named {username!r}") from None
    except services.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    _report_link(user.email, link, print_link)


def _report_link(email: str, link: Any, print_link: bool) -> None:
    when = link.expires_at.strftime("%Y-%m-%d %H:%M %Z")
    if link.emailed:
        click.echo(f"Invitation e-mailed to {email}; its link works once, until {when}.")
    else:
        click.echo("E-mail is not configured (TRUSTDESK_EMAIL_HOST): pass this link on yourself.")
    if print_link or not link.emailed:
        click.echo(f"Link to set the password (works once, until {when}): {link.url}")


@users.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def users_list(as_json: bool) -> None:
    """Every account: username, role, department, how it signs in and whether it is active."""
    _setup_django()
    from trustdesk.web.accounts import selectors

    rows = [
        {
            "username": u.username,
            "email": u.email,
            "role": u.role,
            "department": str(u.department) if u.department else None,
            "sign_in": "sso"
            if u.sso_subject
            else ("password" if u.has_usable_password() else "invited"),
            "active": u.is_active,
        }
        for u in selectors.user_list_all()
    ]
    if as_json:
        _emit_json(rows)
        return
    for row in rows:
        state = "active" if row["active"] else "deactivated"
        dept = row["department"] or "-"
        click.echo(
            f"{row['username']:<20} {row['role']:<11} {dept:<24} {row['sign_in']:<9} {state}"
        )


@main.group()
def audit() -> None:
    """The tamper-evident audit trail."""


@audit.command("verify")
@click.option(
    "--anchor",
    help="SEQUENCE:SHA256 of a head kept earlier; default: the newest anchor trustdesk stored.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def audit_verify(anchor: str | None, as_json: bool) -> None:
    """Recompute the whole hash chain; name the first event that was changed, removed or forged.

    Checked against the newest stored anchor (`trustdesk audit anchor`), so removed newest
    events and a rewritten chain show too.
    """
    _setup_django()
    from trustdesk.web.core.anchors import AnchorFileError, audit_verify
    from trustdesk.web.core.audit import ChainAnchor

    try:
        parsed = ChainAnchor.parse(anchor) if anchor else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--anchor") from exc
    try:
        result, stored = audit_verify(anchor=parsed)
    except AnchorFileError as exc:
        raise click.ClickException(str(exc)) from exc
    against = stored.anchor if stored is not None else parsed
    if as_json:
        kept = None if against is None else f"{against.sequence}:{against.hash}"
        _emit_json({**result.as_dict(), "anchor": kept})
    else:
        click.echo(result.message)
        if stored is not None:
            click.echo(f"checked against the anchor stored at {stored.at:%Y-%m-%d %H:%M} UTC")
        elif parsed is None:
            click.echo("no anchor stored yet: run `trustdesk audit anchor`", err=True)
    sys.exit(result.exit_code)


@audit.command("anchor")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def audit_anchor(as_json: bool) -> None:
    """Check the chain, then keep its head outside the database (the scheduler does it hourly)."""
    _setup_django()
    from trustdesk.web.core.anchors import AnchorFileError, audit_anchor_write

    try:
        outcome = audit_anchor_write()
    except AnchorFileError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        _emit_json(outcome.as_dict())
    else:
        click.echo(outcome.message)
    sys.exit(outcome.exit_code)


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
def worker(celery_args: tuple[str, ...]) -> None:
    """Run a task-queue worker (needs TRUSTDESK_REDIS_URL); extra arguments go to celery."""
    from django.core.exceptions import ImproperlyConfigured

    from trustdesk.web.worker import run_worker

    try:
        run_worker(list(celery_args))
    except ImproperlyConfigured as exc:
        raise click.ClickException(str(exc)) from exc


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
def scheduler(celery_args: tuple[str, ...]) -> None:
    """Run the scheduled jobs with Celery beat (needs TRUSTDESK_REDIS_URL); run exactly one.

    Each job starts at its time (`trustdesk jobs schedule` lists them) and is queued for the
    workers; nothing is kept on disk, as the database records each job's last run.
    """
    _setup_django(prepare=False)
    from django.core.exceptions import ImproperlyConfigured

    from trustdesk.web.schedule.beat import run_scheduler

    try:
        run_scheduler(list(celery_args))
    except ImproperlyConfigured as exc:
        raise click.ClickException(str(exc)) from exc


@main.group()
def sso() -> None:
    """Single sign-on (OpenID Connect)."""


@sso.command("check")
def sso_check() -> None:
    """Read the provider's discovery document and say whether sign-in can work (exit 1 if not)."""
    _setup_django(prepare=False)
    from django.conf import settings

    from trustdesk.web.accounts import oidc

    cfg = oidc.config()
    if cfg is None:
        click.echo("Single sign-on is off: TRUSTDESK_OIDC_ISSUER is not set.")
        return
    problems = oidc.provider_check(cfg)
    for problem in problems:
        click.echo(f"single sign-on: {problem}", err=True)
    if problems:
        sys.exit(1)
    host = next((h for h in settings.ALLOWED_HOSTS if h not in {"localhost", "127.0.0.1"}), None)
    click.echo(f"Single sign-on: {cfg.issuer} answers; client {cfg.client_id}.")
    click.echo(
        "Callback address to register at the provider: "
        f"https://{host or '<your host>'}{oidc.CALLBACK_PATH}"
    )


@main.group()
def jobs() -> None:
    """Background work: task runs, scheduled jobs, list imports and reference refreshes."""


@jobs.command("schedule")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def jobs_schedule(as_json: bool) -> None:
    """Every scheduled job: its task, how often it runs and why, and when it last started."""
    _setup_django()
    from trustdesk.web.schedule.selectors import schedule_status

    rows = schedule_status()
    if as_json:
        _emit_json([row.as_dict() for row in rows])
        return
    for row in rows:
        click.echo(row.text())


@jobs.command("run-due")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def jobs_run_due(as_json: bool) -> None:
    """Start every scheduled job whose time has come (for cron or a systemd timer, each minute).

    Each job runs once per period however often this runs, and however many machines run it;
    a run-due still busy on this machine makes the next one do nothing.
    """
    _setup_django()
    from trustdesk.web.schedule import services

    try:
        with services.run_due_lock():
            started = services.jobs_run_due(actor=_actor())
    except services.RunnerBusy as exc:
        click.echo(str(exc), err=True)
        return
    if as_json:
        _emit_json([s.as_dict() for s in started])
        return
    click.echo("\n".join(s.line() for s in started) or "No scheduled job is due.")


@jobs.command("run")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def jobs_run(name: str, as_json: bool) -> None:
    """Start the scheduled job NAME now, whether or not it is due (`jobs schedule` lists them)."""
    _setup_django()
    from trustdesk.web.schedule import services
    from trustdesk.web.schedule.table import UnknownJob, job_get

    try:
        job = job_get(name)
    except UnknownJob as exc:
        raise click.BadParameter(str(exc).strip('"'), param_hint="NAME") from exc
    started = services.job_start(job, actor=_actor(), force=True)
    if as_json:
        _emit_json(started.as_dict())
    else:
        click.echo(started.line())
    if started.run is not None and started.run.status == "failed":
        sys.exit(1)


@jobs.command("reap")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def jobs_reap(as_json: bool) -> None:
    """Fail work whose process stopped, send again queued work that never ran (now).

    The scheduled job `work.reap` does this every five minutes; this runs it at once, without
    recording a task run.

    A run whose lease expired is marked failed with the reason; a queued task that waited too
    long (an upload accepted before a restart) is sent again; files of ended uploads are removed.
    """
    _setup_django()
    from trustdesk.web.recovery import work_recover

    recovery = work_recover()
    if as_json:
        _emit_json(recovery.as_dict())
        return
    click.echo("\n".join(recovery.lines()) or "Nothing abandoned or waiting.")


@main.group()
def engagements() -> None:
    """Engagements (cases): scheduled upkeep."""


@engagements.command("review-due")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def engagements_review_due(as_json: bool) -> None:
    """Mark active engagements whose review date has passed as due for review (run daily)."""
    _setup_django()
    from django.core.management import call_command

    call_command("engagements_review_due", json=as_json)


@main.group()
def guidance() -> None:
    """The guidance hub: starter pages and training."""


@guidance.command("starter")
@click.option("--owner", required=True, help="Username of the officer or admin who owns them.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def guidance_starter(owner: str, as_json: bool) -> None:
    """Load the starter guidance pages and training modules that are not there yet."""
    _setup_django()
    from django.core.management import CommandError, call_command

    try:
        call_command("hub_starter", owner=owner, json=as_json)
    except CommandError as exc:
        raise click.ClickException(str(exc)) from exc


@main.command()
@click.option("--force", is_flag=True, help="Load even into a non-embedded (PostgreSQL) database.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def demo(force: bool, as_json: bool) -> None:
    """Load a fictional university (every role, partners, cases in every state) to try trustdesk."""
    _setup_django()
    from trustdesk.web import demo as demo_service

    try:
        summary = demo_service.demo_load(actor=_actor(), force=force)
    except demo_service.DemoError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        _emit_json(summary.as_dict())
    else:
        click.echo(summary.text())


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--demo/--no-demo",
    "with_demo",
    default=True,
    show_default=True,
    help="Embedded default only: load the demo on first start and print its sign-ins.",
)
def serve(host: str, port: int, threads: int, with_demo: bool) -> None:
    """Run the web application (migrating the embedded database first)."""
    _setup_django()
    import waitress
    from django.conf import settings

    from trustdesk.web import demo as demo_service
    from trustdesk.web.accounts.selectors import admin_exists
    from trustdesk.web.conf.tasks import task_settings
    from trustdesk.web.recovery import work_recover
    from trustdesk.web.schedule.services import schedule_thread_start

    if not settings.EMBEDDED:
        # Pages link the hashed names of this release's files: collect them before listening, or
        # every stylesheet would be missing. Unchanged files are skipped, so a restart is quick.
        click.echo(_static_collect(), err=True)
    from trustdesk.web.wsgi import application  # after collecting: it checks the files are there

    # Before listening: what a previous server left running or queued (an upload accepted just
    # before it stopped) is failed with the reason or imported now.
    for line in work_recover().lines():
        click.echo(f"recovered: {line}", err=True)

    # "First start" is an embedded install with no administrator: one that ran createadmin first
    # never gets demo data.
    show = with_demo and settings.EMBEDDED and (demo_service.demo_is_loaded() or not admin_exists())
    summary = demo_service.demo_load(actor=_actor()) if show else None
    click.echo(f"trustdesk is running at http://{host}:{port}/  (Ctrl+C stops it)")
    if summary is not None:
        click.echo(summary.text())
    elif not admin_exists():
        click.echo("No administrator yet: run `trustdesk createadmin USERNAME EMAIL`.", err=True)
    # On the embedded default the server is the one process always up, so it runs the scheduled
    # jobs (list updates, retention, the audit anchor …) and nobody has to set up cron. With
    # Redis, `trustdesk scheduler` runs them; TRUSTDESK_SERVE_RUNS_SCHEDULE=false leaves them to
    # `trustdesk jobs run-due` from cron.
    if task_settings().embedded and settings.TRUSTDESK_SERVE_RUNS_SCHEDULE:
        schedule_thread_start(actor="serve")
    waitress.serve(application, host=host, port=port, threads=threads, ident="trustdesk")


@main.group("api-token")
def api_token() -> None:
    """Tokens for the JSON API."""


@api_token.command("create")
@click.argument("username")
@click.option("--name", required=True, help="What the token is for.")
@click.option("--days", type=click.IntRange(1, 366), default=90, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def api_token_create(username: str, name: str, days: int, as_json: bool) -> None:
    """Create an API token for USERNAME; the secret is printed once."""
    _setup_django()
    from django.core.management import CommandError, call_command

    args = [username, "--name", name, "--days", str(days), *(["--json"] if as_json else [])]
    try:
        call_command("api_token_create", *args)
    except CommandError as exc:
        raise click.ClickException(str(exc)) from exc


@api_token.command("revoke")
@click.argument("token")
def api_token_revoke(token: str) -> None:
    """Revoke a token by its id or visible prefix."""
    _setup_django()
    from django.core.management import CommandError, call_command

    try:
        call_command("api_token_revoke", token)
    except CommandError as exc:
        raise click.ClickException(str(exc)) from exc


@main.command()
def migrate() -> None:
    """Bring the database schema up to date (production runs this once per release)."""
    _setup_django(prepare=False)
    from django.core.management import call_command

    call_command("migrate", interactive=False)


@main.command()
@click.option("--clear", is_flag=True, help="Remove what an earlier release collected first.")
def collectstatic(clear: bool) -> None:
    """Copy static files into TRUSTDESK_STATIC_ROOT, hashed and compressed (production).

    `trustdesk serve` does this itself; run it once per release before other servers (gunicorn)
    start, or at build time in a container image. The embedded default needs none of it.
    """
    _setup_django(prepare=False)
    from django.conf import settings

    click.echo(_static_collect(clear=clear))
    if settings.EMBEDDED:
        click.echo(
            "note: the embedded default serves static files from the installed apps; "
            "these are used once TRUSTDESK_DATABASE_URL is set",
            err=True,
        )


def _static_collect(*, clear: bool = False) -> str:
    """Collect static files with the production storage; a one-line summary of what was done."""
    from io import StringIO

    from django.conf import settings
    from django.core.management import call_command

    from trustdesk.web.conf import static as static_conf

    out = StringIO()
    # The embedded default links plain names; what it collects is what production would serve.
    call_command("collectstatic", interactive=False, clear=clear, verbosity=1, stdout=out)
    summary = out.getvalue().strip().splitlines()[-1:] or ["nothing to collect"]
    storage = settings.STORAGES["staticfiles"]["BACKEND"]
    hashed = "hashed and compressed" if storage == static_conf.COLLECTED_STORAGE else "as they are"
    return f"{summary[0]} Static files in {settings.STATIC_ROOT}, {hashed}."


@main.group()
def policy() -> None:
    """Policy packs: the versioned questions, processes and rules that triage applies."""


@policy.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def policy_list(as_json: bool) -> None:
    """Show the installed packs: id, version, jurisdiction and publication date."""
    from dataclasses import asdict

    from trustdesk.policy.registry import list_installed

    packs = list_installed()
    if as_json:
        _emit_json([asdict(p) for p in packs])
        return
    rows = [("PACK", "VERSION", "JURISDICTION", "PUBLISHED")]
    rows += [(p.id, p.version, p.jurisdiction, p.publication_date) for p in packs]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


@policy.command("check")
@click.argument("pack")
def policy_check(pack: str) -> None:
    """Validate PACK (an installed id or a path) and report every problem found."""
    from trustdesk.policy.registry import check

    problems = check(pack)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in {pack}")
    click.echo(f"{pack}: OK")


@policy.command("preview")
@click.argument("pack_file", metavar="PACK.yaml", type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def policy_preview(pack_file: Path, as_json: bool) -> None:
    """What making PACK.yaml current would change: open cases whose tier or processes move.

    Replays the latest triage of every open case under the pack in use and under PACK.yaml,
    with the same answers and screening hits; changes nothing and stores nothing.
    """
    _setup_django()
    from trustdesk.policy import registry
    from trustdesk.policy.loader import PackInvalid
    from trustdesk.web.packs import report, services
    from trustdesk.web.reference.selectors import current_overlays

    try:
        candidate = registry.load(str(pack_file), overlays=current_overlays())
    except PackInvalid as exc:
        for problem in exc.errors:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{len(exc.errors)} problem(s) in {pack_file}") from exc
    line = _StatusLine(not as_json)
    impact = services.pack_impact(
        candidate=candidate, progress=lambda done, total: line.show(f"{done:,} of {total:,} cases")
    )
    line.done()
    if as_json:
        _emit_json(impact.to_dict())
    else:
        click.echo(report.impact_text(impact))


@policy.command("activate")
@click.argument("pack_file", metavar="PACK.yaml", type=click.Path(exists=True, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation after the preview.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (implies --yes).")
def policy_activate(pack_file: Path, yes: bool, as_json: bool) -> None:
    """Install PACK.yaml and make it the pack triage uses, keeping what it changed.

    The web pages' "Install" and "Make current" in one step: the file is checked, installed
    (or found, when the same file was installed before), its impact shown, and, once
    confirmed, it is made current and the impact kept as the record of the change (audited).
    """
    _setup_django()
    from trustdesk.web.packs import report, services
    from trustdesk.web.reference import selectors
    from trustdesk.web.reference import services as reference_services

    content = pack_file.read_bytes()
    version = selectors.pack_version_with_content(content)
    if version is None:
        try:
            version = reference_services.pack_version_upload(
                actor=_actor(), file_name=pack_file.name, content=content
            )
        except reference_services.PackRefused as exc:
            for problem in exc.problems:
                click.echo(problem, err=True)
            raise click.ClickException(f"{pack_file} was not installed") from exc
    candidate = selectors.pack_version_load(version)
    if not (yes or as_json):
        click.echo(report.impact_text(services.pack_impact(candidate=candidate)))
        click.confirm(f"Make {version.label} the pack in use?", abort=True)
    line = _StatusLine(not as_json)
    try:
        change = services.pack_version_make_current(
            actor=_actor(),
            version=version,
            progress=lambda done, total: line.show(f"{done:,} of {total:,} cases"),
        )
    except reference_services.PackConflict as exc:
        line.done()
        raise click.ClickException(str(exc)) from exc
    line.done()
    if as_json:
        _emit_json({"change": str(change.public_id), "impact": change.impact})
        return
    click.echo(f"{version.label} is now the pack in use (replacing {change.replaced}).")
    click.echo(f"What changed is kept as change {change.public_id}.")


@policy.group("travel-advice", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def policy_travel_advice(ctx: click.Context, as_json: bool) -> None:
    """FCDO travel advice levels in use: when fetched, countries per level, levels 4 and 3."""
    if ctx.invoked_subcommand is not None:
        return
    _setup_django()
    from trustdesk.web.reference import report, selectors

    status = selectors.travel_advice_status()
    if as_json:
        _emit_json(report.status_json(status))
    else:
        click.echo(report.status_text(status))


@policy_travel_advice.command("update")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def policy_travel_advice_update(as_json: bool) -> None:
    """Fetch the FCDO's travel advice from GOV.UK and make it current (schedule it daily).

    Exits with status 1 when it fails (offline, say): nothing is stored and the values in use
    stay in use.
    """
    _setup_django()
    from trustdesk.web.reference import report, services

    line = _StatusLine(not as_json)
    try:
        outcome = services.travel_advice_refresh(
            actor=_actor(),
            progress=lambda done, total: line.show(f"FCDO travel advice: {done} of {total} pages"),
        )
    except services.RefreshFailed as exc:
        line.done()
        if as_json:
            _emit_json({"ok": False, "error": exc.reason, "kept": exc.kept})
            sys.exit(1)
        raise click.ClickException(f"travel advice not updated: {exc}") from exc
    line.done()
    _scheduled_job_done("travel-advice.update")
    if as_json:
        _emit_json({"ok": True, **report.refresh_json(outcome)})
    else:
        click.echo(report.refresh_text(outcome))


def _stored_overlays() -> list[IndicatorOverlay]:
    """Current travel advice from the database when one exists; none (shipped values) otherwise.

    Never creates a database: triage must work on a machine with no trustdesk install at all.
    """
    from django.core.exceptions import ImproperlyConfigured

    try:
        _setup_django(prepare=False)
    except ImproperlyConfigured as exc:
        click.echo(f"note: no stored travel advice ({exc}); shipped values apply", err=True)
        return []
    from django.db import DatabaseError, connection

    if connection.vendor == "sqlite" and not Path(str(connection.settings_dict["NAME"])).exists():
        return []
    from trustdesk.web.reference.selectors import current_overlays

    try:
        return current_overlays()
    except DatabaseError as exc:
        click.echo(f"note: stored travel advice not read ({exc}); shipped values apply", err=True)
        return []


@main.command()
@click.option("--pack", "pack_ref", required=True, help="Installed pack id or path to a pack file.")
@click.argument("answers_path", metavar="ANSWERS.yaml", type=click.Path(path_type=Path))
@click.option(
    "--shipped",
    is_flag=True,
    help="Use the pack's shipped reference values, not the stored travel advice.",
)
@click.option(
    "--screen/--no-screen",
    "with_screening",
    default=True,
    show_default=True,
    help="Screen the organisation answers against the loaded lists, as the questionnaire does.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def triage(
    pack_ref: str, answers_path: Path, shipped: bool, with_screening: bool, as_json: bool
) -> None:
    """Triage ANSWERS.yaml under a policy pack: processes, due-diligence tier and reasons.

    The file maps question ids to answers, or holds `answers:` with optional `screening:` (a
    list of hits: source, entry_id, name, status) and `facts:`. Organisation answers are
    screened against the loaded lists as the web questionnaire screens them, and the output
    names the lists consulted; `--no-screen` skips that and needs no database. Where a trustdesk
    database exists, the latest stored FCDO travel advice replaces the pack's shipped levels.
    """
    from trustdesk.policy.loader import PackInvalid
    from trustdesk.policy.registry import load
    from trustdesk.policy.report import read_answers_file, render_text
    from trustdesk.policy.triage import AnswersInvalid
    from trustdesk.policy.triage import triage as run_triage

    if with_screening:
        _setup_django()  # the lists live in the database; the shipped ones load on first use
    overlays = [] if shipped else _stored_overlays()
    try:
        pack = load(pack_ref, overlays=overlays)
        answers, screening, facts = read_answers_file(answers_path)
        run_triage(pack, answers, facts=facts)  # refuses bad answers before anything is screened
        answer_screening = _answers_screen(pack, answers) if with_screening else None
        hits = [*screening, *(answer_screening.hits if answer_screening else [])]
        outcome = run_triage(pack, answers, screening=hits, facts=facts)
    except (PackInvalid, AnswersInvalid) as exc:
        for problem in exc.errors:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{len(exc.errors)} problem(s); no triage outcome") from exc
    if as_json:
        screened = answer_screening.to_dict() if answer_screening else {"screened": False}
        _emit_json({**outcome.to_dict(), "answer_screening": screened})
        return
    click.echo(render_text(outcome))
    click.echo("")
    click.echo(answer_screening.text() if answer_screening else _NOT_SCREENED)


_NOT_SCREENED = "Organisation answers were not screened against the watch lists (--no-screen)."


@dataclass(frozen=True, slots=True)
class _AnswerScreening:
    """The organisation answers screened for `trustdesk triage`, and the coverage they had."""

    records: dict[str, AnswerScreening]  # question id -> as the questionnaire stores it
    coverage: Coverage

    @property
    def hits(self) -> list[ScreeningHit]:
        return [h for record in self.records.values() for h in record.hits]

    def to_dict(self) -> dict[str, Any]:
        return {
            "screened": True,
            "answers": [
                {
                    "question": qid,
                    "name": record.name,
                    "hits": [h.to_dict() for h in record.hits],
                    # Person and PEP records: context for whoever runs this, never hits.
                    "context": [c.to_dict() for c in record.context],
                    "snapshots": dict(record.snapshots),
                    "matcher_version": record.matcher_version,
                }
                for qid, record in self.records.items()
            ],
            "coverage": self.coverage.to_dict(),
        }

    def text(self) -> str:
        if not self.records:
            lines = ["No organisation answer to screen against the watch lists."]
        else:
            lines = ["Organisation answers screened against the loaded watch lists:"]
        for qid, record in self.records.items():
            count = len(record.hits)
            lines.append(
                f"  {qid}: {record.name!r}: {count} possible match{'es' if count != 1 else ''}"
            )
            lines += [f"    {h.score:.3f}  {h.key}  {h.name}" for h in record.hits]
            lines += [
                f"    context, not a hit ({c.why_text}): {c.hit.key}  {c.hit.name}"
                for c in record.context
            ]
        lines.append(_coverage_text(self.coverage))
        return "\n".join(lines)


def _answers_screen(pack: Pack, answers: dict[str, object]) -> _AnswerScreening:
    """Screen the organisation answers with the questionnaire's own function."""
    from trustdesk.web.lists.coverage import current_coverage
    from trustdesk.web.triage.services import organisation_answers_screen

    return _AnswerScreening(organisation_answers_screen(pack, answers), current_coverage())


def _actor() -> str:
    """Who ran the command, for the record: the operating-system user on this host."""
    import getpass
    import socket

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = f"uid{os.getuid()}"
    return f"cli:{user}@{socket.gethostname()}"


if __name__ == "__main__":
    main()
