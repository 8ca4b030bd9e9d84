"""应享尽享 engine: which open archives qualify for which active policies, kept as Entitlement rows.

The full (nightly) run is set-based: the facts of every open archive go into one temporary table
(rules.facts_sql), then each policy is one statement — its rule compiled to SQL selects the
qualifying archives, an INSERT … ON CONFLICT records new ones (the (archive, policy) unique
constraint makes a second or concurrent run harmless) and, in the same statement, an UPDATE marks
the ones that no longer qualify. No Python loop over archives.
One archive (after its status, key groups or a case decision change) is re-evaluated in Python with
the same rules (`reevaluate_archive`), which is also what explains a result on the archive page.
"""

from __future__ import annotations

import datetime as dt
import json
import threading

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from . import rules
from .models import EngineRun, Policy

LOCK_KEY = 60_013  # pg advisory lock: one full run at a time
LAPSED = "重新核查时已不符合条件"


def _policies():
    return list(Policy.objects.active().exclude(current_version__isnull=True).select_related("current_version")
                .order_by("pk"))


def _policy_sql(policy: Policy, ref: dt.date, table: str) -> tuple[str, dict]:
    rule = policy.current_version.rule
    if policy.in_force(ref):
        cond, params = rules.compile_sql(rule, policy_id=policy.pk, alias="f")
    else:
        cond, params = "false", []
    needed = rules.facts_needed([rule])
    needs_paid = "received_policy" in needed
    # a rule that asks "not received in the last N months" lets a person who received it qualify again
    renews = "true" if needs_paid else "false"
    # the facts the rule reads, enough to rebuild its trace (not all of them: a million rows a night)
    kept = ", ".join(f"'{c}', f.{c}" for c in rules.FACT_COLUMNS if c in needed)
    paid = ("(SELECT COALESCE(jsonb_build_object(%(policy)s::text, jsonb_agg(pc.paid_on ORDER BY pc.paid_on)), "
            "'{}'::jsonb) FROM assistance_case pc WHERE pc.archive_id = f.id AND pc.policy_id = %(policy)s "
            "AND pc.state = 'paid' AND pc.paid_on IS NOT NULL)") if needs_paid else "'{}'::jsonb"
    sql = f"""
    WITH m AS MATERIALIZED (
        SELECT f.id, f.station_id,
               CASE WHEN oc.open THEN 'claim_open' WHEN oc.paid AND NOT {renews} THEN 'received' ELSE 'eligible' END
                 AS state,
               jsonb_build_object({kept + ", " if kept else ""}'ref', %(ref)s::date::text, 'paid', {paid}) AS facts
        FROM {table} f
        LEFT JOIN (SELECT archive_id, bool_or(is_open) AS open, bool_or(state = 'paid') AS paid FROM assistance_case
                   WHERE policy_id = %(policy)s AND (is_open OR state = 'paid') GROUP BY archive_id) oc
               ON oc.archive_id = f.id
        WHERE {cond}),
    up AS (
        INSERT INTO assistance_entitlement AS e (archive_id, policy_id, station_id, version_id, state, reason,
                                                 first_eligible_on, last_checked_on, facts)
        SELECT m.id, %(policy)s, m.station_id, %(version)s, m.state, '', %(ref)s, %(ref)s, m.facts FROM m
        ON CONFLICT (archive_id, policy_id) DO UPDATE SET
            last_checked_on = EXCLUDED.last_checked_on, station_id = EXCLUDED.station_id,
            state = CASE WHEN e.state = 'ineligible' OR (e.state = 'received' AND {renews}) THEN EXCLUDED.state
                         ELSE e.state END,
            reason = CASE WHEN e.state = 'ineligible' THEN '' ELSE e.reason END,
            version_id = CASE WHEN e.state = 'ineligible' THEN EXCLUDED.version_id ELSE e.version_id END,
            facts = CASE WHEN e.state = 'ineligible' THEN EXCLUDED.facts ELSE e.facts END
        WHERE e.last_checked_on IS DISTINCT FROM EXCLUDED.last_checked_on OR e.state = 'ineligible'
              OR e.station_id IS DISTINCT FROM EXCLUDED.station_id
        RETURNING (xmax = 0) AS inserted),
    gone AS (
        -- the condition again, negated, joined on the facts table's primary key (an anti-join against m would
        -- be planned as a nested loop over the CTE: quadratic). Closed archives: see _run.
        UPDATE assistance_entitlement e SET state = 'ineligible', reason = %(lapsed)s, last_checked_on = %(ref)s
        FROM {table} f
        WHERE e.policy_id = %(policy)s AND e.state = 'eligible' AND f.id = e.archive_id AND NOT {cond}
        RETURNING 1)
    SELECT (SELECT count(*) FROM up WHERE inserted), (SELECT count(*) FROM gone), (SELECT count(*) FROM m)"""  # noqa: S608
    sql, named = rules.render_params(sql, params + params, {"ref": ref, "policy": policy.pk,
                                                   "version": policy.current_version_id, "lapsed": LAPSED})
    return sql, named


def run_full(*, ref: dt.date | None = None) -> EngineRun:
    """Re-evaluate every open archive against every active policy (nightly beat task; idempotent)."""
    ref = ref or timezone.localdate()
    with connection.cursor() as cur:
        cur.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
        if not cur.fetchone()[0]:  # another worker is running it: report that run
            return EngineRun.objects.filter(status=EngineRun.Status.RUNNING).first() or EngineRun.objects.first()
    try:
        return _run(ref)
    finally:
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def _run(ref: dt.date) -> EngineRun:
    policies = _policies()
    run = EngineRun.objects.create(reference_date=ref, total=len(policies))
    table = "assistance_facts_tmp"
    try:
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {table}")
            cur.execute(f"CREATE TEMP TABLE {table} AS " + rules.facts_sql(), {"ref": ref})
            cur.execute(f"ALTER TABLE {table} ADD PRIMARY KEY (id)")
            cur.execute(f"ANALYZE {table}")
            cur.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - our own temporary table
            run.archives = cur.fetchone()[0]
        for policy in policies:
            # one transaction per policy, with the run's progress: the run page sees it move, and an
            # interrupted run has lost nothing (the next one redoes everything anyway)
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute("SET LOCAL synchronous_commit = off")  # derived rows: a lost tail is redone
                sql, params = _policy_sql(policy, ref, table)
                cur.execute(sql, params)
                found, lapsed, eligible = cur.fetchone()
                run.found += found
                run.lapsed += lapsed
                run.eligible += eligible
                run.processed += 1
                run.heartbeat_at = timezone.now()
                run.save()
        with transaction.atomic(), connection.cursor() as cur:
            # archives closed since the facts were taken: their unclaimed entitlements lapse too
            cur.execute("UPDATE assistance_entitlement e SET state = 'ineligible', reason = %s, last_checked_on = %s "
                        "FROM jobseekers_jobseekerarchive a WHERE a.id = e.archive_id AND NOT a.is_open "
                        "AND e.state = 'eligible'", [LAPSED, ref])
            run.status, run.finished_at = EngineRun.Status.DONE, timezone.now()
            run.save()
        with connection.cursor() as cur:  # fresh statistics for the single-archive and worklist plans
            cur.execute("ANALYZE assistance_entitlement")
    except Exception as exc:
        run.status, run.error, run.finished_at = EngineRun.Status.FAILED, repr(exc)[:2000], timezone.now()
        run.save()
        raise
    finally:
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {table}")
    return run


def sql_matches(policy: Policy, *, ref: dt.date, archive_id: int | None = None) -> set[int]:
    """Archive ids the policy's SQL condition selects (all open archives, or one): for tests and the bench."""
    cond, params = rules.compile_sql(policy.current_version.rule, policy_id=policy.pk, alias="f")
    sql = f"SELECT f.id FROM ({rules.facts_sql(one_archive=archive_id is not None)}) f WHERE {cond}"  # noqa: S608
    sql, named = rules.render_params(sql, params, {"ref": ref, "archive": archive_id})
    with connection.cursor() as cur:
        cur.execute(sql, named)
        return {row[0] for row in cur.fetchall()}


def evaluate_archive(archive_id: int, *, ref: dt.date | None = None, policies=None):
    """[(policy, rules.Result)] for one archive over the active policies, evaluated in Python."""
    ref = ref or timezone.localdate()
    facts = rules.load_facts([archive_id], ref=ref).get(archive_id)
    if facts is None:
        return None, []
    policies = _policies() if policies is None else policies
    out = []
    for policy in policies:
        result = rules.evaluate(policy.current_version.rule, facts, policy_id=policy.pk)
        if not policy.in_force(ref):
            result.ok = False
        out.append((policy, result))
    return facts, out


def reevaluate_archive(archive_id: int, *, ref: dt.date | None = None) -> None:
    """Bring one archive's entitlements up to date (after a change to it is committed); idempotent."""
    reevaluate_archives([archive_id], ref=ref)


def reevaluate_archives(archive_ids, *, ref: dt.date | None = None) -> None:
    ref = ref or timezone.localdate()
    ids = sorted(set(archive_ids))
    policies = _policies()
    stations: dict[int, int] = {}
    facts_by_id = rules.load_facts(ids, ref=ref, stations=stations)
    rows: list = []
    keep: dict[int, list[int]] = {aid: [] for aid in ids}
    from .models import Case

    cases: dict[tuple[int, int], list[bool]] = {}
    for aid, pid, is_open, state in Case.objects.filter(archive_id__in=ids).filter(
            Q(is_open=True) | Q(state=Case.State.PAID)).values_list("archive_id", "policy_id", "is_open", "state"):
        flags = cases.setdefault((aid, pid), [False, False])
        flags[0] |= is_open
        flags[1] |= state == Case.State.PAID
    renewing = [p.pk for p in policies if "received_policy" in rules.facts_needed([p.current_version.rule])]
    for aid in ids:
        facts = facts_by_id.get(aid)
        if facts is None or aid not in stations:
            continue
        for policy in policies:
            if not policy.in_force(ref):
                continue
            if rules.evaluate(policy.current_version.rule, facts, policy_id=policy.pk).ok:
                data = facts.to_json()
                data["paid"] = {k: v for k, v in data["paid"].items() if k == str(policy.pk)}
                is_open, paid = cases.get((aid, policy.pk), (False, False))
                state = ("claim_open" if is_open else "received" if paid and policy.pk not in renewing
                         else "eligible")
                rows.append([aid, policy.pk, stations[aid], policy.current_version_id, state, ref, ref,
                             json.dumps(data)])
                keep[aid].append(policy.pk)
    with transaction.atomic(), connection.cursor() as cur:
        # derived data, recomputed every night: no need to wait for this commit's WAL flush
        cur.execute("SET LOCAL synchronous_commit = off")
        if rows:
            values = ", ".join(["(%s, %s, %s, %s, %s, '', %s, %s, %s::jsonb)"] * len(rows))
            cur.execute(
                f"""INSERT INTO assistance_entitlement AS e (archive_id, policy_id, station_id, version_id, state,
                        reason, first_eligible_on, last_checked_on, facts) VALUES {values}
                    ON CONFLICT (archive_id, policy_id) DO UPDATE SET last_checked_on = EXCLUDED.last_checked_on,
                        station_id = EXCLUDED.station_id,
                        state = CASE WHEN e.state = 'ineligible'
                                       OR (e.state = 'received' AND e.policy_id = ANY(%s::bigint[]))
                                     THEN EXCLUDED.state ELSE e.state END,
                        reason = CASE WHEN e.state = 'ineligible' THEN '' ELSE e.reason END,
                        version_id = CASE WHEN e.state = 'ineligible' THEN EXCLUDED.version_id ELSE e.version_id END,
                        facts = CASE WHEN e.state IN ('ineligible', 'eligible') THEN EXCLUDED.facts ELSE e.facts END""",  # noqa: S608
                [v for row in rows for v in row] + [renewing])
        # the unclaimed ones that no longer hold lapse, in one statement
        if len(ids) == 1:
            cur.execute("UPDATE assistance_entitlement SET state = 'ineligible', reason = %s, last_checked_on = %s "
                        "WHERE archive_id = %s AND state = 'eligible' AND NOT (policy_id = ANY(%s::bigint[]))",
                        [LAPSED, ref, ids[0], keep[ids[0]]])
            return
        cur.execute(
            """UPDATE assistance_entitlement e SET state = 'ineligible', reason = %s, last_checked_on = %s
               FROM unnest(%s::bigint[]) AS t(archive_id)
               WHERE e.archive_id = t.archive_id AND e.state = 'eligible'
                 AND NOT (e.policy_id = ANY(COALESCE((%s::jsonb ->> t.archive_id::text)::bigint[], '{}')))""",
            [LAPSED, ref, ids, json.dumps({str(a): "{" + ",".join(map(str, p)) + "}" for a, p in keep.items()})])


_pending = threading.local()


def _run_pending() -> None:
    ids = getattr(_pending, "ids", None)
    if ids:
        _pending.ids = set()
        reevaluate_archives(sorted(ids))


def schedule_reevaluation(archive_id: int) -> None:
    """Re-evaluate after the current transaction commits (the archive-changed hook registered in apps.py).
    The archives one transaction changed are re-evaluated together by its first callback (the others find
    nothing left); ids left by a rolled-back transaction are simply re-evaluated with the next one."""
    if getattr(_pending, "ids", None) is None:
        _pending.ids = set()
    _pending.ids.add(archive_id)
    transaction.on_commit(_run_pending)
