"""The project a class belongs to where no base applied for one: a programme whose classes come
from half-year plans (notice 004) runs each level and category an institution plans under one
project of that institution. Projects sit above classes, so they register the function that
finds or opens that project (``ProjectsConfig.ready``)."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured

Opener = Callable[..., Any]
_opener: list[Opener] = []


def register(opener: Opener) -> None:
    """`opener(actor=, programme=, base=, item=)` returns the project, opening it if need be."""
    _opener[:] = [opener]


def project_for(*, actor: Any, programme: Any, base: Any, item: str) -> Any:
    if not _opener:
        raise ImproperlyConfigured("No project opener is registered (shipei.projects).")
    return _opener[0](actor=actor, programme=programme, base=base, item=item)
