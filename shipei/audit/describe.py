"""How the audit log names what an entry is about, where the text kept with it is not enough.

An entry keeps its target's text from when it was written (``target_repr``). Some of that text
names a thing by its code: an enrollment's or a quota's item is ``p3`` or ``dual_teacher_base``
there. The app that knows what the codes mean registers a describer for the entries of a
target type (in its ``AppConfig.ready``, as audit sits below it), and the log asks each describer
once per page for the words, which it sets on ``entry.described``.
"""

from collections.abc import Callable, Sequence

from .models import AuditEntry

Describer = Callable[[Sequence[AuditEntry]], None]

_DESCRIBERS: dict[str, Describer] = {}


def register(target_type: str, describer: Describer) -> None:
    """Describe entries about `target_type` (a model's ``app_label.modelname``)."""
    _DESCRIBERS[target_type] = describer


def describe(entries: Sequence[AuditEntry]) -> None:
    for target_type, describer in _DESCRIBERS.items():
        mine = [e for e in entries if e.target_type == target_type]
        if mine:
            describer(mine)
