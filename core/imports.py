"""The one spreadsheet import: an app describes its sheet (columns, how one row becomes an unsaved object, how
the good rows are written) in a `SheetImport` subclass; everything else is here, written once for every import:

- the template (`template_workbook`: the columns, a 示例 row, text-formatted code columns, instructions) and the
  error report (`report_workbook`: each failed row as uploaded, its row number and reason, fixable and uploadable
  again), both through `core.spreadsheets`;
- the run (`run`, the Celery task's body, on an `ImportJobBase`-like row): read and check the columns, validate
  every row collecting every reason, report progress on the job row every `progress_every` rows (the page
  polls it), in-file duplicates by `key`, then either nothing (all-or-nothing with a failed row) or one
  transaction writing the good rows; the upload is deleted once processed, the report kept (encrypted);
- the start (`start`: store the upload encrypted, queue `core.tasks.sheet_import_task` on commit, so a Redis
  outage leaves it in core.queue's outbox), the retry of a job that failed for a system reason, and the sweep
  (`sweep`: a job silent for IMPORT_STALE_MINUTES lost its worker; old uploads and reports are deleted).

Importers register under a name (`register`) so the task finds them by that name, never by a dotted path
taken from a queued row. Uploads are parsed in the worker, never in a web request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import spreadsheets as sheets
from .audit import audit_record
from .queue import enqueue

IMPORTERS: dict[str, SheetImport] = {}


def register(importer: SheetImport) -> SheetImport:
    IMPORTERS[importer.name] = importer
    return importer


def importer_named(name: str) -> SheetImport:
    """The registered importer; the apps' `imports` modules are loaded first (a worker may not have them yet)."""
    if name not in IMPORTERS:
        from .plugins import app_modules

        app_modules("imports")
    return IMPORTERS[name]


class Reasons(list):
    """What is wrong with one row: `attempt(parse, cell)` returns the parsed value, or None after noting the
    parser's refusal, so every reason of a row is reported at once."""

    def attempt(self, fn: Callable, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ValidationError as exc:
            self.extend(exc.messages)
            return None


@dataclass
class Failed:
    """One row that is not imported: its number in the file, its cells in template order, why."""

    row: int
    values: list
    reason: str
    duplicate: bool = False


class SheetImport:
    """Subclass per sheet; set the attributes, implement `build` and `write`, override the hooks as needed."""

    name: str = ""                 # registry key, also the task's argument
    job_model = None               # an ImportJobBase-like model
    columns: list[tuple[str, str, bool, str]] = []  # (header, key, required, note in the instructions sheet)
    title: str = "导入"             # the template's sheet title
    example: list = []
    text_columns: set[str] = set()
    widths: list[int] | None = None
    max_rows = 10_000
    progress_every = 200
    unit, thing = "行", "数据"       # the done message counts them: "导入 3 份档案", "导入 3 个培训项目"
    finish_action = ""             # audit action of a finished run
    lost_worker = "导入中断（处理它的后台进程已停止），本次未导入任何数据。可点“重试”再次导入，或重新上传。"
    system_error = "导入过程中发生系统错误，本次未导入任何数据。可点“重试”再次导入，或稍后重新上传。"
    conflict = "导入期间有相同的数据被其他人创建，本次未导入任何数据，请重新上传。"
    task = "core.tasks.sheet_import_task"

    # --- the sheet ------------------------------------------------------------------------------------

    @property
    def headers(self) -> list[str]:
        return [c[0] for c in self.columns]

    @property
    def keys(self) -> list[str]:
        return [c[1] for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c[0] for c in self.columns if c[2]]

    def footer(self) -> list[str]:
        return [f"第一个工作表第一行为列名，请勿修改。每个文件最多 {self.max_rows} 行。可上传 {sheets.ACCEPTED}。"]

    def template_workbook(self):
        return sheets.template_workbook(
            title=self.title, headers=self.headers, example=self.example,
            notes=[(h, note) for h, _k, _r, note in self.columns], text_columns=self.text_columns,
            widths=self.widths, footer=self.footer())

    def report_workbook(self, rows: list[tuple[int, list, str]]):
        return sheets.report_workbook(title="错误报告", headers=self.headers, rows=rows)

    # --- hooks ----------------------------------------------------------------------------------------

    def prepare(self, job) -> dict:
        """Look-ups shared by every row (catalogs as dicts, so a row costs no query)."""
        return {}

    def build(self, values: dict, *, job, context: dict):
        """An unsaved object from one row's raw cells (by column key), or ValidationError with every reason."""
        raise NotImplementedError

    def as_uploaded(self, values: dict) -> list:
        """The row in template order, for the error report."""
        return [values.get(key) for key in self.keys]

    def key(self, item) -> object | None:
        """What makes two rows of one file the same (None: never)."""
        return None

    def duplicate_in_file(self, first_row: int) -> str:
        return f"重复：与本文件第 {first_row} 行相同"

    def existing(self, good: list[tuple[int, list, object]], *, job, context: dict) -> dict[int, str]:
        """{row number: reason} of the good rows that already exist in the database (reported as duplicates)."""
        return {}

    def write(self, items: list, *, job, context: dict) -> int:
        """Write the good rows (inside the run's transaction); returns how many were imported."""
        raise NotImplementedError

    def error_entry(self, failed: Failed) -> dict:
        """The stored summary of a failed row (shown on the page): no personal data beyond a masked one."""
        return {"row": failed.row, "reason": failed.reason}

    def finish_summary(self, job, *, imported: int, failed: int) -> str:
        return f"导入 {job.file_name}：{job.get_status_display()}，导入 {imported} 行，错误 {failed} 行"

    # --- start, retry --------------------------------------------------------------------------------

    def start(self, *, actor, file_name: str, content: bytes, mode: str, audit_action: str = "", **fields):
        """Store the upload (encrypted) and queue its import on commit; the file is parsed by the worker."""
        Job = self.job_model
        with transaction.atomic():
            job = Job(created_by=actor, file_name=file_name[:200], mode=mode, **fields)
            job.set_source(content)
            job.full_clean(exclude=["created_by", "source", "errors", "report"])
            job.save()
            if audit_action:
                audit_record(actor=actor, action=audit_action, obj=job,
                             summary=f"上传导入文件 {job.file_name}（{Job.Mode(job.mode).label}）")
            self.enqueue(job)
        return job

    def enqueue(self, job) -> None:
        enqueue(self.task, importer=self.name, job_id=job.pk)

    def retry(self, *, actor, job, audit_action: str = "", message: str = ""):
        """Queue a failed import again from its kept upload (a lost worker, a system error)."""
        Job = self.job_model
        with transaction.atomic():
            locked = Job.objects.select_for_update().get(pk=job.pk)
            if not locked.can_retry:
                raise ValidationError(message or "该导入不能重试：只有因系统原因失败、且上传文件仍保留的导入可以重试，"
                                                 "请重新上传。")
            Job.objects.filter(pk=locked.pk).update(
                status=Job.Status.PENDING, phase="", message="", processed_rows=0, failed_rows=0,
                imported_rows=0, duplicate_rows=0, total_rows=0, errors=[], finished_at=None,
                updated_at=timezone.now())
            if audit_action:
                audit_record(actor=actor, action=audit_action, obj=locked, summary=f"重试导入 {locked.file_name}")
            self.enqueue(locked)
        locked.refresh_from_db()
        return locked

    # --- the run --------------------------------------------------------------------------------------

    def progress(self, job, **fields) -> None:
        type(job).objects.filter(pk=job.pk).update(updated_at=timezone.now(), **fields)

    def run(self, job_id: int):
        """The Celery task's body: read the upload, validate every row, import the good ones."""
        Job = self.job_model
        job = self.job_queryset().get(pk=job_id)
        if job.is_finished:
            return job  # a redelivered task, or one the sweeper gave up on, does nothing twice
        try:
            return self._run(job)
        except Exception:
            Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, finished_at=timezone.now(),
                                                 updated_at=timezone.now(), message=self.system_error)
            raise

    def job_queryset(self):
        return self.job_model.objects.select_related("created_by")

    def _run(self, job):
        Job = type(job)
        self.progress(job, status=Job.Status.RUNNING, phase=Job.Phase.READ)
        try:
            table = sheets.read_table(job.get_source(), file_name=job.file_name, max_rows=self.max_rows)
            problem = sheets.column_mismatch(table.header, known=self.headers, required=self.required)
            if problem:
                raise sheets.UploadError(problem)
        except sheets.UploadError as exc:
            return self.finish(job, status=Job.Status.FAILED, message=str(exc), failed=[], imported=0)
        headers, keys = self.headers, self.keys
        column_keys = [keys[headers.index(h)] if h in headers else None for h in table.header]
        job.total_rows = len(table.rows)
        job.example_rows = table.examples
        self.progress(job, total_rows=job.total_rows, example_rows=job.example_rows, phase=Job.Phase.VALIDATE)
        context = self.prepare(job)
        good: list[tuple[int, list, object]] = []
        failed: list[Failed] = []
        seen: dict[object, int] = {}
        for index, (number, raw) in enumerate(table.rows, start=1):
            values = {key: raw[i] for i, key in enumerate(column_keys) if key and i < len(raw)}
            ordered = self.as_uploaded(values)
            try:
                item = self.build(values, job=job, context=context)
            except ValidationError as exc:
                failed.append(Failed(number, ordered, "；".join(exc.messages)))
            else:
                key = self.key(item)
                if key is not None and key in seen:
                    failed.append(Failed(number, ordered, self.duplicate_in_file(seen[key]), duplicate=True))
                else:
                    if key is not None:
                        seen[key] = number
                    good.append((number, ordered, item))
            if index % self.progress_every == 0:
                self.progress(job, processed_rows=index, failed_rows=len(failed))
        existing = self.existing(good, job=job, context=context)
        remaining = []
        for number, ordered, item in good:
            if number in existing:
                failed.append(Failed(number, ordered, existing[number], duplicate=True))
            else:
                remaining.append(item)
        failed.sort(key=lambda f: f.row)
        self.progress(job, processed_rows=len(table.rows), failed_rows=len(failed), phase=Job.Phase.WRITE)
        if failed and job.mode == Job.Mode.ALL_OR_NOTHING:
            return self.finish(job, status=Job.Status.DONE, failed=failed, imported=0,
                               message=f"有 {len(failed)} 行未通过校验。按“全部正确才导入”方式，本次未导入任何"
                                       f"{self.thing}；请下载错误报告，改正后重新上传。")
        try:
            with transaction.atomic():
                imported = self.write(remaining, job=job, context=context) if remaining else 0
                skipped = f"（标为“示例”的 {table.examples} 行未导入）" if table.examples else ""
                self.finish(job, status=Job.Status.DONE, failed=failed, imported=imported,
                            message=f"导入 {imported} {self.unit}{self.thing}" + (f"；{len(failed)} 行有错误未导入，请下载错误报告"
                                                                if failed else "，全部成功") + skipped)
        except IntegrityError:
            return self.finish(job, status=Job.Status.FAILED, failed=failed, imported=0, message=self.conflict)
        return job

    def finish(self, job, *, status: str, message: str, failed: list[Failed], imported: int):
        Job = type(job)
        job.status = status
        job.phase = ""
        job.message = message[:300]
        job.errors = [{**self.error_entry(f), **({"duplicate": True} if f.duplicate else {})} for f in failed]
        job.set_report(sheets.workbook_bytes(self.report_workbook([(f.row, f.values, f.reason) for f in failed]))
                       if failed else b"")
        job.failed_rows = len(failed)
        job.duplicate_rows = sum(1 for f in failed if f.duplicate)
        job.imported_rows = imported
        job.processed_rows = job.total_rows if status == Job.Status.DONE else job.processed_rows
        job.source = b""  # the upload is not kept once processed
        job.finished_at = job.updated_at = timezone.now()
        job.save(update_fields=["status", "phase", "message", "errors", "report", "failed_rows", "duplicate_rows",
                                "imported_rows", "processed_rows", "total_rows", "source", "finished_at",
                                "updated_at"])
        if self.finish_action:
            audit_record(actor=job.created_by, action=self.finish_action, obj=job,
                         summary=self.finish_summary(job, imported=imported, failed=len(failed)))
        return job

    # --- the sweep ------------------------------------------------------------------------------------

    def sweep(self, *, now: dt.datetime | None = None, lost_message: Callable[[object], str] | None = None,
              lost_action: str = "", queryset=None) -> int:
        """A job with no progress for IMPORT_STALE_MINUTES lost its worker: mark it failed (retry offered, the
        upload kept); uploads and error reports older than IMPORT_RETENTION_HOURS are deleted either way."""
        Job = self.job_model
        now = now or timezone.now()
        jobs = queryset if queryset is not None else Job.objects.all()
        stale = now - dt.timedelta(minutes=settings.IMPORT_STALE_MINUTES)
        lost = list(jobs.filter(status__in=[Job.Status.PENDING, Job.Status.RUNNING], updated_at__lt=stale)
                    .defer("source", "report", "errors"))
        for job in lost:
            Job.objects.filter(pk=job.pk, updated_at__lt=stale).update(
                status=Job.Status.FAILED, phase="", message=lost_message(job) if lost_message else self.lost_worker,
                finished_at=now, updated_at=now)
            if lost_action:
                audit_record(actor=None, action=lost_action, obj=Job.objects.get(pk=job.pk),
                             summary="导入中断：后台进程停止，已标记为失败，可重试")
        expired = now - dt.timedelta(hours=settings.IMPORT_RETENTION_HOURS)
        Job.objects.filter(created_at__lt=expired).exclude(source=b"", report=b"").update(source=b"", report=b"")
        return len(lost)
