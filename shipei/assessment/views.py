from typing import Any


def class_panel(request: Any, training_class: Any) -> str:
    return ""
