import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shipei.core.forms import DateField, chinese_blank_choices

from .models import Resource, Session


class SessionForm(forms.Form):
    """A session as staff enter it on a phone: its day and times, then what its kind needs."""

    kind = forms.ChoiceField(label=_("课次类型"), choices=Session.Kind.choices)
    title = forms.CharField(label=_("课程名称"), max_length=200)
    day = DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(label=_("开始时间"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("结束时间"), widget=forms.TimeInput(attrs={"type": "time"}))
    hours = forms.DecimalField(
        label=_("学时"), max_digits=5, decimal_places=1, min_value=0, initial=None
    )
    link = forms.CharField(label=_("直播链接"), max_length=500, required=False)
    resource = forms.ModelChoiceField(
        label=_("学习资源"), queryset=Resource.objects.none(), required=False
    )
    room = forms.CharField(label=_("教室"), max_length=200, required=False)
    practice_site = forms.ChoiceField(
        label=_("实践类型"),
        choices=[("", ""), *Session.PracticeSite.choices],
        required=False,
    )
    place = forms.CharField(label=_("实践地点"), max_length=200, required=False)
    staff = forms.ModelMultipleChoiceField(
        label=_("授课教师"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("备注"), max_length=500, required=False)

    def __init__(self, *args: Any, resources: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = resources
        self.fields["staff"].queryset = staff
        self.fields["staff"].label_from_instance = lambda p: (
            f"{p.name}{_('（骨干教师）')}" if getattr(p, "is_core", False) else p.name
        )
        chinese_blank_choices(self)

    @classmethod
    def initial_for(cls, session: Session) -> dict[str, Any]:
        starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
        return {
            **{
                k: getattr(session, k)
                for k in ("kind", "title", "hours", "link", "room", "practice_site", "place")
            },
            "note": session.note,
            "resource": session.resource_id,
            "day": starts.date(),
            "starts": starts.time(),
            "ends": ends.time(),
            "staff": list(session.staff.all()),
        }

    def service_fields(self) -> dict[str, Any]:
        """The service's keyword arguments from the cleaned form."""
        data = self.cleaned_data
        day = data["day"]

        def moment(time: datetime.time) -> datetime.datetime:
            return timezone.make_aware(datetime.datetime.combine(day, time))

        return {
            "kind": data["kind"],
            "title": data["title"],
            "starts_at": moment(data["starts"]),
            "ends_at": moment(data["ends"]),
            "hours": data["hours"],
            "link": data["link"],
            "resource": data["resource"],
            "room": data["room"],
            "practice_site": data["practice_site"],
            "place": data["place"],
            "note": data["note"],
            "staff": list(data["staff"]),
        }


class ResourceForm(forms.Form):
    """A resource of the package; its length is checked by the service (one message)."""

    title = forms.CharField(label=_("资源名称"), max_length=200)
    kind = forms.ChoiceField(label=_("资源类型"), choices=Resource.Kind.choices)
    minutes = forms.IntegerField(
        label=_("时长（分钟）"), widget=forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"})
    )
    source = forms.CharField(label=_("来源"), max_length=500, required=False)
