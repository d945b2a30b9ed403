"""Rows written and read on the busiest path (an enrollment rush) without building their SQL
for each request: Django's compiler makes a model's INSERT once, and reads written out as SQL
come back as model instances, as the ORM would make them.

Building a query took more of a submission's time than PostgreSQL took to run it.
"""

import copy
from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connections, models, router, transaction
from django.db.models import signals
from django.db.models.expressions import BaseExpression
from django.db.models.sql import InsertQuery

M = TypeVar("M", bound=models.Model)

# (model, database alias) -> INSERT ... RETURNING pk, its columns in _insert_fields' order
_INSERTS: dict[tuple[type, str], str] = {}


def insert(obj: models.Model) -> None:
    """Save a new `obj` as ``obj.save()`` would (auto_now fields set, its primary key filled
    in), with its SQL made once per model. A model someone listens to (pre_save, post_save)
    is saved the ordinary way: their receivers run."""
    model = type(obj)
    if has_save_receivers(model):
        obj.save(force_insert=True)
        return
    alias = router.db_for_write(model, instance=obj)
    connection = connections[alias]
    fields = _insert_fields(model)
    values = [field.pre_save(obj, True) for field in fields]
    # A database default (SQL of its own, never kept), or a database that cannot return the
    # new row's key with the INSERT: the ordinary save.
    if not connection.features.can_return_columns_from_insert or any(
        isinstance(value, BaseExpression) for value in values
    ):
        obj.save(force_insert=True)
        return
    sql = _INSERTS.get((model, alias))
    if sql is None:
        sql = _INSERTS[(model, alias)] = _insert_sql(model, obj, connection)
    params = [
        field.get_db_prep_save(v, connection) for field, v in zip(fields, values, strict=True)
    ]
    # As save() does: an error inside a transaction marks it for rollback.
    with transaction.mark_for_rollback_on_error(alias), connection.cursor() as cursor:
        cursor.execute(sql, params)
        (pk,) = cursor.fetchone()
    mark_saved(obj, pk, alias)


def has_save_receivers(model: type) -> bool:
    """Whether a receiver listens to the model's saves (pre_save, post_save): a row written
    here, not by save(), would pass them by."""
    return signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model)


def mark_saved(obj: models.Model, pk: Any, alias: str = "default") -> None:
    """Mark `obj` as the stored row `pk`, as save() leaves it."""
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = alias


def _insert_sql(model: type, obj: models.Model, connection: Any) -> str:
    meta = model._meta
    query = InsertQuery(model)
    # A copy: the compiler runs pre_save, which would give `obj` a later auto_now time than
    # the one its row is written with.
    query.insert_values(_insert_fields(model), [copy.copy(obj)])
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = [meta.pk]
    ((sql, _params),) = compiler.as_sql()
    return sql


def _insert_fields(model: type) -> list[models.Field]:
    meta = model._meta
    return [f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field]


def insert_select_parts(
    obj: models.Model, sql_values: dict[str, str], connection: Any
) -> tuple[str, str, list[Any]] | None:
    """`obj` as the parts of ``INSERT INTO table (columns) SELECT values``, for a statement
    that writes several rows at once: the column list, the typed values, their parameters.
    `sql_values` gives columns (by attname) whose value is SQL of the statement's own (another
    row's new key). None when `obj` cannot be written this way (a model with save receivers, a
    database default)."""
    model = type(obj)
    if has_save_receivers(model):
        return None
    key = (model, connection.alias, tuple(sorted(sql_values.items())))
    plan = _INSERT_SELECT_PLANS.get(key)
    if plan is None:
        plan = _INSERT_SELECT_PLANS[key] = _insert_select_plan(model, sql_values, connection)
    names, values, fields, plain = plan
    raw = [field.pre_save(obj, True) for field in fields]
    if any(isinstance(value, BaseExpression) for value in raw):
        return None
    return (
        names,
        values,
        [
            v
            if type(v) is kind or (v is None and kind is not None and f.null)
            else f.get_db_prep_save(v, connection)
            for f, v, kind in zip(fields, raw, plain, strict=True)
        ],
    )


# (model, database alias, SQL values) -> the column list, the values, the fields of parameters
# and the type of value each field passes to the database as it is (None: none)
_INSERT_SELECT_PLANS: dict[tuple, tuple[str, str, list[models.Field], list[type | None]]] = {}


def _insert_select_plan(
    model: type, sql_values: dict[str, str], connection: Any
) -> tuple[str, str, list[models.Field], list[type | None]]:
    names, values, fields = [], [], []
    for field in _insert_fields(model):
        names.append(connection.ops.quote_name(field.column))
        if field.attname in sql_values:
            values.append(sql_values[field.attname])
        else:
            values.append(f"CAST(%s AS {_cast_type(field, connection)})")
            fields.append(field)
    passed = [_passed_as_is(f, connection) for f in fields]
    return ", ".join(names), ", ".join(values), fields, passed


# Fields (these classes exactly, not subclasses) that may give a value of this type back
# unchanged: most of a row's fields, each prepared through three or four calls. Whether they do
# depends on the database (PostgreSQL's integers go as psycopg's Int2/Int4/Int8): asked once.
_MAYBE_AS_IS: dict[type, type] = {
    models.CharField: str,
    models.TextField: str,
    models.SmallIntegerField: int,
    models.IntegerField: int,
    models.BigIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveBigIntegerField: int,
    models.BooleanField: bool,
    models.ForeignKey: int,
}
_SAMPLES: dict[type, Any] = {str: "x", int: 7, bool: True}


def _passed_as_is(field: models.Field, connection: Any) -> type | None:
    """The type of value `field` passes to `connection` unchanged, or None."""
    kind = _MAYBE_AS_IS.get(type(field))
    if kind is None:
        return None
    sample = _SAMPLES[kind]
    try:
        prepared = field.get_db_prep_save(sample, connection)
    except (TypeError, ValueError):  # a key to a row named by text, say
        return None
    return kind if type(prepared) is kind and prepared == sample else None


def _cast_type(field: models.Field, connection: Any) -> str:
    # Typed, since unlike VALUES a SELECT list takes no type from the column it fills; text
    # without its length, since a cast to varchar(n) would cut what is too long instead of
    # refusing it as writing it does.
    cast = field.cast_db_type(connection)
    if cast and cast.startswith(("varchar", "char")):
        return connection.ops.cast_char_field_without_max_length
    return cast


def fetch(model: type[M], sql: str, params: Sequence[Any], *, using: str = "default") -> list[M]:
    """Instances of `model` from `sql`, whose columns are the model's concrete fields in order
    (``columns(model)``): what ``Model.objects.raw`` gives, without its per-row bookkeeping."""
    part = [(model, list(model._meta.concrete_fields))]
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return [made[0] for made in instances_from_rows(part, cursor.fetchall(), using=using)]


def instances_from_rows(
    parts: Sequence[tuple[type[models.Model], Sequence[models.Field]]],
    rows: Sequence[Sequence[Any]],
    *,
    using: str = "default",
) -> list[list[Any]]:
    """For each row, one instance per part (a model and the fields its columns hold, in the
    model's order, the primary key first: see ``fields``), its values converted as the ORM
    converts them (SQLite's dates, say); None for a part whose first column is NULL (the
    missing side of a LEFT JOIN)."""
    connection = connections[using]
    plans = [_conversion_plan(model, tuple(fields), connection) for model, fields in parts]
    out = []
    for row in rows:
        made, at = [], 0
        for (model, _fields), (attnames, converters) in zip(parts, plans, strict=True):
            values = list(row[at : at + len(attnames)])
            at += len(attnames)
            if values[0] is None:
                made.append(None)
                continue
            for n, chain in converters:
                for convert, expression in chain:
                    values[n] = convert(values[n], expression, connection)
            made.append(model.from_db(using, attnames, values))
        out.append(made)
    return out


# (model, fields, database alias) -> the fields' attnames and their values' converters
_CONVERSION_PLANS: dict[tuple[type, tuple[models.Field, ...], str], Any] = {}


def _conversion_plan(model: type, fields: tuple[models.Field, ...], connection: Any) -> Any:
    key = (model, fields, connection.alias)
    plan = _CONVERSION_PLANS.get(key)
    if plan is None:
        converters = []
        for n, field in enumerate(fields):
            column = field.get_col(model._meta.db_table)
            chain = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
            if chain:
                converters.append((n, [(convert, column) for convert in chain]))
        plan = _CONVERSION_PLANS[key] = ([f.attname for f in fields], converters)
    return plan


def fields(model: type[models.Model], names: set[str]) -> list[models.Field]:
    """The named fields (the primary key among them) in the model's order, the order
    ``instances_from_rows`` and ``Model.from_db`` take a subset of columns in."""
    return [f for f in model._meta.concrete_fields if f.name in names]


def columns(model: type[models.Model], table: str | None = None) -> str:
    """The model's columns, named (a prepared ``SELECT *`` fails once a migration adds one)."""
    prefix = f"{table}." if table else ""
    return ", ".join(f"{prefix}{f.column}" for f in model._meta.concrete_fields)
