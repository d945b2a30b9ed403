"""What kind of input each field of the pydantic policy needs, read from its type."""

import datetime
import types
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types as at
from pydantic import BaseModel
from pydantic.fields import FieldInfo


@dataclass
class Spec:
    kind: str  # str int decimal bool date moment choice choices lines window model models
    #            fixed_dict dict
    optional: bool = False
    required: bool = False
    default: Any = None
    ge: Any = None
    le: Any = None
    min_length: int | None = None
    max_length: int | None = None
    choices: list[Any] = field(default_factory=list)
    model: Any = None
    value: "Spec | None" = None  # a dictionary's values


def _constraints(spec: Spec, metadata: list[Any]) -> None:
    for item in metadata:
        if isinstance(item, FieldInfo):
            _constraints(spec, list(item.metadata))
        elif isinstance(item, at.Ge):
            spec.ge = item.ge
        elif isinstance(item, at.Le):
            spec.le = item.le
        elif isinstance(item, at.MinLen):
            spec.min_length = item.min_length
        elif isinstance(item, at.MaxLen):
            spec.max_length = item.max_length


def _literals(tp: Any) -> list[Any] | None:
    if get_origin(tp) is Literal:
        return list(get_args(tp))
    if get_origin(tp) in (Union, types.UnionType):
        parts = [_literals(a) for a in get_args(tp)]
        if all(p is not None for p in parts):
            return [v for p in parts for v in p]
    return None


def describe(tp: Any, metadata: list[Any] | None = None) -> Spec:
    spec = Spec(kind="str")
    meta = list(metadata or [])
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp, *extra = get_args(tp)
            meta.extend(extra)
            continue
        if origin in (Union, types.UnionType):
            args = [a for a in get_args(tp) if a is not type(None)]
            spec.optional = spec.optional or len(args) < len(get_args(tp))
            if len(args) == 1:
                tp = args[0]
                continue
            if set(args) == {datetime.date, datetime.datetime}:
                spec.kind = "moment"
            elif (values := _literals(tp)) is not None:
                spec.kind, spec.choices = "choice", values
            break
        if origin is Literal:
            spec.kind, spec.choices = "choice", list(get_args(tp))
        elif origin is list:
            inner = describe(get_args(tp)[0])
            if inner.kind == "choice":
                spec.kind, spec.choices = "choices", inner.choices
            elif inner.kind == "model":
                spec.kind, spec.model = "models", inner.model
            else:
                spec.kind = "lines"
        elif origin is dict:
            key_tp, value_tp = get_args(tp)
            keys = _literals(key_tp)
            spec.kind = "fixed_dict" if keys else "dict"
            spec.choices = keys or []
            spec.value = describe(value_tp)
        elif isinstance(tp, type) and issubclass(tp, BaseModel):
            spec.kind = "window" if tp.__name__ == "Window" else "model"
            spec.model = tp
        elif tp is bool:
            spec.kind = "bool"
        elif tp is int:
            spec.kind = "int"
        elif tp is Decimal:
            spec.kind = "decimal"
        elif tp is datetime.datetime:
            spec.kind = "moment"
        elif tp is datetime.date:
            spec.kind = "date"
        break
    _constraints(spec, meta)
    return spec


def field_spec(model: type[BaseModel], name: str) -> Spec:
    info = model.model_fields[name]
    spec = describe(info.annotation, list(info.metadata))
    spec.required = info.is_required()
    spec.default = None if spec.required else info.get_default(call_default_factory=True)
    return spec
