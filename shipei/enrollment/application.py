"""A trainee's application form (the policy's ``enrollment.application_form``; notice 004:
参训申请表, 附件1): which questions an applicant answers, checking the answers, and reading them
back for the base that reviews the enrollment and the class's teaching core teachers.

The form is the programme's data: this module names no notice. Questions of kind "record" show
the teacher's record (ID number and mobile masked unless the reader may reveal them and asks).
"""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shipei.accounts.models import Person
from shipei.classes.models import TrainingClass
from shipei.core.errors import NotFound
from shipei.programmes.models import Programme, rules_of
from shipei.programmes.policy.application_form import ApplicationForm, FormField
from shipei.staffing.models import Assignment, StaffRole

from . import selectors
from .errors import ApplicationIncomplete
from .models import Application, Enrollment

Answers = dict[str, Any]


def form_for(programme: Programme, revision: int | None = None) -> ApplicationForm | None:
    return rules_of(programme, revision).enrollment.application_form


def questions(programme: Programme, item: str, revision: int | None = None) -> list[FormField]:
    """The questions an applicant for `item` answers; none where the programme has no form."""
    form = form_for(programme, revision)
    if form is None:
        return []
    try:
        lineage = [i.code for i in rules_of(programme, revision).lineage(item)]
    except StopIteration:
        return []
    return form.fields_for(lineage)


def problems(fields: list[FormField], raw: Answers) -> tuple[Answers, dict[str, str]]:
    """The answers as kept (text trimmed, only the questions asked), and what is wrong, by
    question code, in Chinese."""
    clean: Answers = {}
    wrong: dict[str, str] = {}
    for field in fields:
        if field.kind == "record":
            continue
        value = raw.get(field.code)
        name = f"“{field.label[:30]}…”" if len(field.label) > 30 else f"“{field.label}”"
        if field.kind == "declaration":
            if value in (True, "true", "on", "1", 1):
                clean[field.code] = True
            elif field.required:
                wrong[field.code] = _("请阅读并勾选%(name)s") % {"name": _("申请人声明")}
            continue
        if field.kind == "rating":
            given = value if isinstance(value, dict) else {}
            rated = {row: given.get(row) for row in field.rows if given.get(row)}
            if any(v not in field.choices for v in rated.values()):
                wrong[field.code] = _("%(name)s的评价只能选 %(choices)s") % {
                    "name": name,
                    "choices": "、".join(field.choices),
                }
            elif field.required and len(rated) < len(field.rows):
                wrong[field.code] = _("请对%(name)s的每一项作出评价") % {"name": name}
            if rated:
                clean[field.code] = rated
            continue
        text = value.strip() if isinstance(value, str) else ""
        if value not in (None, "") and not isinstance(value, str):
            wrong[field.code] = _("%(name)s应为文字") % {"name": name}
        elif not text:
            if field.required:
                wrong[field.code] = _("请填写%(name)s") % {"name": name}
        elif field.kind == "choice" and text not in field.choices:
            wrong[field.code] = _("%(name)s只能选 %(choices)s") % {
                "name": name,
                "choices": "、".join(field.choices),
            }
        elif len(text) > field.max_length:
            wrong[field.code] = _("%(name)s不能超过 %(n)s 字") % {
                "name": name,
                "n": field.max_length,
            }
        else:
            clean[field.code] = text
    return clean, wrong


def checked(programme: Programme, item: str, raw: Answers | None) -> Answers | None:
    """The answers to keep with a new enrollment, or ApplicationIncomplete; None where the
    programme has no form (answers sent anyway are ignored)."""
    fields = questions(programme, item)
    if not fields:
        return None
    clean, wrong = problems(fields, raw if isinstance(raw, dict) else {})
    if wrong:
        raise ApplicationIncomplete(wrong)
    return clean


def application_save(enrollment: Enrollment, answers: Answers) -> Application:
    """Keep the answers with the enrollment (inside the submission's transaction)."""
    signed = any(v is True for v in answers.values())
    return Application.objects.create(
        enrollment=enrollment, answers=answers, signed_at=timezone.now() if signed else None
    )


# --- reading ---------------------------------------------------------------------------------


def _age(person: Person, on: datetime.date) -> str:
    born = person.birth_date
    if born is None:
        return ""
    return str(on.year - born.year - ((on.month, on.day) < (born.month, born.day)))


def record_fact(person: Person, source: str, *, on: datetime.date, reveal: Any = None) -> str:
    """What a "record" question shows; `reveal` (exports.Reveal) gives full ID numbers and
    mobiles to whoever may see them and asked, else masked."""
    profile = getattr(person, "teacher_profile", None)
    facts = {
        "name": lambda: person.name,
        "gender": person.get_gender_display,
        "age": lambda: _age(person, on),
        "id_number": lambda: reveal.id_number(person) if reveal else person.id_number_masked,
        "org": lambda: person.org.name,
        "title": lambda: profile.get_title_display() if profile else "",
        "mobile": lambda: reveal.mobile(person) if reveal else person.mobile_masked,
        "email": lambda: person.email,
        "major": lambda: profile.teaching_major if profile else "",
        "post": lambda: profile.department_post if profile else "",
    }
    return str(facts[source]() or "")


def answer_text(field: FormField, answer: Any) -> str:
    if answer is None:
        return ""
    if field.kind == "declaration":
        return _("已确认") if answer is True else ""
    if field.kind == "rating":
        return "；".join(f"{row}：{answer[row]}" for row in field.rows if row in answer)
    return str(answer)


def filled(enrollment: Enrollment, *, reveal: Any = None) -> list[dict[str, Any]]:
    """The form as the applicant filled it, question by question, in the form's order as it
    was when they applied: label, the answer as text, and a rating's rows."""
    application = getattr(enrollment, "application", None)
    if application is None:
        return []
    on = timezone.localdate(enrollment.submitted_at)
    out = []
    for field in questions(enrollment.programme, enrollment.item, enrollment.policy_revision):
        if field.kind == "record":
            text = record_fact(enrollment.person, field.source or "", on=on, reveal=reveal)
            answer: Any = text
        else:
            answer = application.answers.get(field.code)
            text = answer_text(field, answer)
        out.append(
            {
                "field": field,
                "label": field.label,
                "text": text,
                "rows": [(row, (answer or {}).get(row, "")) for row in field.rows]
                if field.kind == "rating"
                else [],
            }
        )
    return out


def teaches(user: Any, training_class: TrainingClass | int | None) -> bool:
    """Whether `user` is a teaching core teacher who accepted the class (notice 004 第十条:
    they read the applications to review the course)."""
    person_id = getattr(user, "person_id", None)
    if not person_id or training_class is None:
        return False
    return Assignment.objects.filter(
        training_class=training_class,
        core_teacher__person_id=person_id,
        role=StaffRole.TEACHING,
        status=Assignment.Status.ACCEPTED,
    ).exists()


def readable(*, user: Any, training_class: TrainingClass) -> QuerySet[Enrollment]:
    """The class's live enrollments with an application the user may read: those in the
    user's scope (the base's), or all of them for a teaching core teacher of the class."""
    qs = Enrollment.objects.filter(training_class=training_class, live=True)
    if not teaches(user, training_class):
        qs = qs.filter(pk__in=selectors.enrollment_list(user=user).values("pk"))
    return (
        qs.filter(application__isnull=False)
        .select_related("person__org", "person__teacher_profile", "application", "programme")
        .order_by("person__name_pinyin", "pk")
    )


def application_get(*, user: Any, pk: Any) -> Enrollment:
    """One enrollment with its application, for a reader in scope or a teaching core teacher
    of its class; NotFound otherwise (as missing)."""
    try:
        enrollment = (
            Enrollment.objects.select_related(
                "person__org", "person__teacher_profile", "application", "programme"
            )
            .filter(application__isnull=False)
            .get(pk=pk)
        )
    except (Enrollment.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if teaches(user, enrollment.training_class_id):
        return enrollment
    if not selectors.enrollment_list(user=user).filter(pk=enrollment.pk).exists():
        raise NotFound()
    return enrollment
