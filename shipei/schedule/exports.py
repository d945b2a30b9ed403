"""The class's schedule (课表) as .xlsx: one row per session, in order, with its class hours."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shipei.classes.models import TrainingClass
from shipei.core.excel import flat_xlsx

from . import selectors
from .models import Session

HEADERS = [
    gettext_lazy("日期"),
    gettext_lazy("开始时间"),
    gettext_lazy("结束时间"),
    gettext_lazy("课程名称"),
    gettext_lazy("课次类型"),
    gettext_lazy("学时"),
    gettext_lazy("授课教师"),
    gettext_lazy("地点或链接"),
    gettext_lazy("备注"),
]


def where(session: Session) -> str:
    """The one place a session happens: its link, resource, room or practice site."""
    if session.resource_id:
        return f"{session.resource.title}（{session.resource.minutes} 分钟）"
    if session.practice_site:
        return f"{session.get_practice_site_display()}：{session.place}"
    return session.link or session.room


def schedule_xlsx(training_class: TrainingClass) -> bytes:
    rows = []
    for s in selectors.class_sessions(training_class):
        starts, ends = timezone.localtime(s.starts_at), timezone.localtime(s.ends_at)
        rows.append(
            [
                f"{starts:%Y-%m-%d}",
                f"{starts:%H:%M}",
                f"{ends:%H:%M}",
                s.title,
                s.get_kind_display(),
                str(s.hours),
                "、".join(p.name for p in s.staff.all()),
                where(s),
                s.note,
            ]
        )
    return flat_xlsx([str(h) for h in HEADERS], rows, title=_("课表"))
