"""A migration run while old workers still run must not break them (docs/operations.md#upgrades).

Old code keeps its own idea of each table: it names every column it knows in its SELECTs,
INSERTs and UPDATEs. So a release may only add: new tables, new columns that are nullable or
have a database default (`db_default`), new indexes. Removing, renaming or retyping a column or
table waits for the release after the one that stopped using it (expand, then contract). A
migration that cannot follow this is listed below and named in docs/operations.md, which tells
operators to stop every process before migrating to it.
"""

import functools
import itertools
import uuid
from collections.abc import Iterator
from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, models
from django.db.migrations import operations as ops
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.migration import Migration
from django.db.migrations.state import ProjectState
from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent
OUR_APPS = {
    config.label for config in apps.get_app_configs() if config.name.startswith("klankbord")
}

# Migrations old workers cannot run beside; docs/operations.md names each one. Those of 0.1.0
# came before rolling upgrades were promised: upgrading to 0.1.0 stops everything once.
STOP_EVERYTHING_FIRST = {
    ("channels", "0003_moderation_and_webhooks"): "0.1.0",
    ("channels", "0006_threadsapp_webhook"): "0.1.0",
    ("inbox", "0004_reply_delivery_and_template"): "0.1.0",
    ("listening", "0012_mention_uncertain_reading"): "0.1.0",
    ("publishing", "0002_composer_calendar_approvals"): "0.1.0",
    ("publishing", "0003_post_pillar"): "0.1.0",
    ("publishing", "0004_target_progress"): "0.1.0",
    ("publishing", "0005_post_network_options"): "0.1.0",
    ("publishing", "0006_short_links"): "0.1.0",
    ("strategy", "0002_review_share_policy"): "0.1.0",
}


def unsafe_changes(migration: Migration, state: ProjectState) -> list[tuple[str, str]]:
    """(model, why) for each change of the migration that old code cannot live with."""
    found = []
    for operation in migration.operations:
        for op in state_operations(operation):
            model = getattr(op, "model_name", None) or getattr(op, "name", "") or ""
            why = why_unsafe(op, state, migration.app_label)
            if why:
                found.append((model.lower(), why))
            op.state_forwards(migration.app_label, state)
    return found


def state_operations(operation: Any) -> Iterator[Any]:
    # What the schema becomes, not how: the database side may be SQL or a function.
    if isinstance(operation, ops.SeparateDatabaseAndState):
        yield from operation.state_operations
    else:
        yield operation


def why_unsafe(op: Any, state: ProjectState, app: str) -> str:
    if isinstance(op, ops.RemoveField | ops.RenameField):
        return f"{type(op).__name__} {op.model_name}: old code still names the column"
    if isinstance(op, ops.DeleteModel | ops.RenameModel | ops.AlterModelTable):
        return f"{type(op).__name__} {op.name}: old code still uses the table"
    if isinstance(op, ops.AddField) and not fills_itself(op.field):
        return (
            f"AddField {op.model_name}.{op.name}: old code's INSERTs leave it out; "
            "make it null=True or give it a db_default"
        )
    if isinstance(op, ops.AlterField):
        old = state.models[app, op.model_name_lower].fields[op.name]
        return why_alter_unsafe(old, op.field, f"{op.model_name}.{op.name}")
    return ""


def fills_itself(field: Any) -> bool:
    """Whether an INSERT that leaves this new column out still succeeds."""
    return (
        field.null
        or field.many_to_many
        or field.db_default is not models.NOT_PROVIDED
        or isinstance(field, models.AutoField)
    )


def why_alter_unsafe(old: Any, new: Any, name: str) -> str:
    if old.db_column != new.db_column:
        return f"AlterField {name}: the column is renamed"
    if old.null and not new.null and new.db_default is models.NOT_PROVIDED:
        return f"AlterField {name}: old code may still write NULL"
    old_type, new_type = old.db_type(connection), new.db_type(connection)
    if old_type != new_type and not (
        type(old) is type(new) and (new.max_length or 0) > (old.max_length or 0)
    ):
        return f"AlterField {name}: the column changes from {old_type} to {new_type}"
    return ""


@functools.cache
def findings() -> dict[tuple[str, str], list[tuple[str, str]]]:
    """Each of our migrations with its unsafe changes, in the order they apply."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    plan: dict[tuple[str, str], None] = {}
    for leaf in sorted(loader.graph.leaf_nodes()):
        plan.update(dict.fromkeys(loader.graph.forwards_plan(leaf)))
    state = ProjectState(real_apps=loader.unmigrated_apps)
    found = {}
    for node in plan:
        migration = loader.graph.nodes[node]
        if node[0] in OUR_APPS:
            found[node] = unsafe_changes(migration, state)  # moves the state past it
        else:
            state = migration.mutate_state(state, preserve=False)
    return found


def test_every_migration_only_adds_or_is_named_in_the_upgrade_notes() -> None:
    problems = {
        node: why for node, why in findings().items() if why and node not in STOP_EVERYTHING_FIRST
    }
    assert not problems, (
        "These migrations would break workers of the previous release while they run. Split "
        "them (add now, remove in the next release), or list them in STOP_EVERYTHING_FIRST and "
        f"in docs/operations.md: {problems}"
    )


def test_each_listed_migration_exists_breaks_old_code_and_is_in_the_upgrade_notes() -> None:
    unsafe = {node for node, why in findings().items() if why}
    notes = (ROOT / "docs" / "operations.md").read_text()
    for node in STOP_EVERYTHING_FIRST:
        assert node in unsafe, f"{node} only adds: take it off the list"
        assert f"{node[0]} {node[1]}" in notes, f"docs/operations.md does not name {node}"


@pytest.mark.parametrize(
    ("operation", "unsafe"),
    [
        (ops.AddField("post", "note", models.TextField(null=True)), False),
        (ops.AddField("post", "hits", models.IntegerField(db_default=0)), False),
        (ops.AddField("post", "tags", models.ManyToManyField("orgs.Organisation")), False),
        (ops.AddField("post", "hits", models.IntegerField(default=0)), True),
        (ops.RemoveField("post", "body"), True),
        (ops.RenameField("post", "body", "text"), True),
        (ops.DeleteModel("post"), True),
        (ops.RenameModel("post", "article"), True),
        (ops.AlterField("post", "body", models.TextField(null=True)), False),
        (ops.AlterField("post", "title", models.CharField(max_length=400)), False),
        (ops.AlterField("post", "title", models.CharField(max_length=50)), True),
        (ops.AlterField("post", "title", models.IntegerField()), True),
        (ops.AddIndex("post", models.Index(fields=["title"], name="post_title")), False),
    ],
)
def test_the_check_tells_adding_from_breaking(operation: Any, unsafe: bool) -> None:
    state = ProjectState()
    fields = [
        ("id", models.BigAutoField(primary_key=True)),
        ("title", models.CharField(max_length=200)),
        ("body", models.TextField()),
    ]
    ops.CreateModel("post", fields).state_forwards("shop", state)
    migration = Migration("0002_change", "shop")
    migration.operations = [operation]
    assert bool(unsafe_changes(migration, state)) is unsafe


# What old workers do: read, insert and update with the models of the previous migrations.


def previous_state_nodes(loader: MigrationLoader) -> set[tuple[str, str]]:
    """Every migration except the newest of each of our apps (and what depends on those).

    An app's first migration stays: before it, old code did not have the app at all.
    """
    newest = [
        key
        for key in loader.graph.leaf_nodes()
        if key[0] in OUR_APPS and loader.graph.node_map[key].parents & own_migrations(key, loader)
    ]
    dropped = set(newest)
    for key in newest:
        dropped.update(loader.graph.backwards_plan(key))  # everything that depends on it
    return set(loader.graph.nodes) - dropped


def own_migrations(key: tuple[str, str], loader: MigrationLoader) -> set[Any]:
    return {node for node in loader.graph.node_map.values() if node.key[0] == key[0]}


def targets_for(nodes: set[tuple[str, str]], loader: MigrationLoader) -> list[tuple[str, Any]]:
    """migrate() targets that leave exactly these migrations applied."""
    targets: list[tuple[str, Any]] = []
    for app in sorted({key[0] for key in loader.graph.nodes}):
        kept = {key for key in nodes if key[0] == app}
        earlier = {p.key for key in kept for p in loader.graph.node_map[key].parents}
        last = sorted(kept - earlier)
        targets.append(last[0] if last else (app, None))
    return targets


class OldCode:
    """Makes rows with the historical models: each required column gets a plain value."""

    def __init__(self) -> None:
        self.counter = itertools.count(1)
        self.made: dict[type[models.Model], models.Model] = {}
        # Rows made before migrating, for the related rows that old code can no longer insert.
        self.spares: dict[type[models.Model], list[models.Model]] = {}

    def keep_spares(self, model: type[models.Model], count: int = 10) -> None:
        self.spares[model] = [self.make(model) for _ in range(count)]

    def make(self, model: type[models.Model]) -> models.Model:
        # Rows unique together on their relations each get their own related rows.
        fresh = bool(model._meta.unique_together or model._meta.total_unique_constraints)
        values = {
            field.name: self.value(field, fresh=fresh)
            for field in model._meta.concrete_fields
            if not self.optional(field)
        }
        return model.objects.create(**values)

    def shared(self, model: type[models.Model]) -> models.Model:
        if model not in self.made:
            self.made[model] = self.make(model)
        return self.made[model]

    @staticmethod
    def optional(field: Any) -> bool:
        return (
            (field.primary_key and isinstance(field, models.AutoField))
            or field.null
            or field.has_default()
            or field.db_default is not models.NOT_PROVIDED
        )

    def value(self, field: Any, fresh: bool = False) -> Any:
        n = next(self.counter)
        if field.is_relation:
            target = field.related_model
            if not (fresh or field.one_to_one or field.unique):
                return self.shared(target)
            return self.spares[target].pop() if self.spares.get(target) else self.make(target)
        if field.choices:
            return field.choices[0][0]
        kind = field.get_internal_type()
        values: dict[str, Any] = {
            "BooleanField": False,
            "DateTimeField": timezone.now(),
            "DateField": date(2026, 12, 7),
            "TimeField": time(9, 0),
            "DurationField": timedelta(minutes=n),
            "DecimalField": Decimal(1),
            "FloatField": 1.0,
            "JSONField": {},
            "UUIDField": uuid.uuid4(),
            "BinaryField": b"old",
            "EmailField": f"old{n}@example.be",
            "URLField": f"https://example.be/{n}",
            "GenericIPAddressField": "192.0.2.1",
        }
        # URLField and EmailField store as CharField: their own class name says what fits.
        for name in (type(field).__name__, kind):
            if name in values:
                return values[name]
        if "Integer" in kind:
            return n
        text = f"old-{n}-{uuid.uuid4().hex}"
        return text[: field.max_length] if field.max_length else text


@pytest.mark.slow  # about a minute: Django renders every model state to migrate backwards
@pytest.mark.django_db(transaction=True)
def test_old_code_still_reads_inserts_and_updates_after_the_newest_migrations() -> None:
    loader = MigrationLoader(connection)
    old_nodes = previous_state_nodes(loader)
    assert old_nodes < set(loader.graph.nodes)
    # What a listed migration breaks is allowed to break: the notes say to stop first.
    listed = [
        (node[0], model, why)
        for node, found in findings().items()
        if node not in old_nodes and node in STOP_EVERYTHING_FIRST
        for model, why in found
    ]
    inserts_break = {(app, model) for app, model, why in listed if why.startswith("AddField")}
    all_breaks = {(app, model) for app, model, why in listed if not why.startswith("AddField")}
    MigrationExecutor(connection).migrate(targets_for(old_nodes, loader))
    try:
        old_apps = loader.project_state(sorted(old_nodes)).apps
        old_code = OldCode()
        rows = {
            model: old_code.make(model)
            for model in old_apps.get_models()
            if model._meta.app_label in OUR_APPS
            and model._meta.managed
            and (model._meta.app_label, model._meta.model_name) not in all_breaks
        }
        for model in rows:
            if (model._meta.app_label, model._meta.model_name) in inserts_break:
                old_code.keep_spares(model)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    failures, inserts_refused = [], []
    for model, row in rows.items():
        try:
            assert model.objects.filter(pk=row.pk).exists()  # SELECT of every old column
            row.save()  # UPDATE of every old column
        except Exception as error:  # noqa: BLE001 -- every model's failure is reported at once
            failures.append(f"{model._meta.label}: {error}")
        try:
            old_code.make(model)  # INSERT naming only the old columns
        except Exception as error:  # noqa: BLE001
            if (model._meta.app_label, model._meta.model_name) in inserts_break:
                inserts_refused.append(model._meta.label)
            else:
                failures.append(f"{model._meta.label}: {error}")
    assert len(rows) > 20, sorted(model._meta.label for model in rows)
    assert not failures, failures
    # The check sees breakage: old code cannot insert a post once track_clicks is required.
    if ("publishing", "0006_short_links") not in old_nodes:
        assert "publishing.Post" in inserts_refused
