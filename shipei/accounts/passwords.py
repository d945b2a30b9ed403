"""Password rules, stated in Chinese."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class ChinesePasswordValidator:
    """At least 8 characters with letters and digits; no long runs of one character."""

    min_length = 8

    def validate(self, password: str, user: object = None) -> None:
        problems = []
        if len(password) < self.min_length:
            problems.append(_("密码至少需要%(n)d个字符。") % {"n": self.min_length})
        if not re.search(r"[A-Za-z]", password) or not re.search(r"\d", password):
            problems.append(_("密码须同时包含字母和数字。"))
        if re.search(r"(.)\1{3,}", password):
            problems.append(_("密码不能包含4个以上连续相同的字符。"))
        if password.isdigit() and len(set(password)) <= 2:
            problems.append(_("密码过于简单。"))
        if problems:
            raise ValidationError(problems, code="password_rules")

    def get_help_text(self) -> str:
        return _("至少8个字符，须同时包含字母和数字。")
