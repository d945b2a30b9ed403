"""The five notices as presets: one JSON file each in this folder, loaded by slug.

A preset file holds the programme's identity and its policy; the notice's own tables stay in
``presets/data`` (one source for each number), referred to by the policy's ``quota.table``.
Loading a preset stores the tables it names with the programme (``programmes.PrintedTable``),
where the apps below read them.
"""

import hashlib
import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from pydantic import ValidationError

from shipei.audit.services import record
from shipei.orgs.models import Organisation
from shipei.programmes.models import Programme
from shipei.programmes.policy import CURRENT_VERSION, parse_policy, policy_errors
from shipei.programmes.services import programme_tables_store, revision_record
from shipei.quotas.services import quota_load_printed
from shipei.surveys.models import SurveyTemplate
from shipei.surveys.services import template_save

PRESET_DIR = Path(__file__).resolve().parent
IDENTITY = ("title", "year", "issuer", "document_number", "issued_on")


class PresetError(Exception):
    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def preset_slugs() -> list[str]:
    return sorted(p.stem for p in PRESET_DIR.glob("*.json"))


def preset_data(slug: str) -> dict[str, Any]:
    path = PRESET_DIR / f"{slug}.json"
    if slug not in preset_slugs():
        raise PresetError(f"没有名为“{slug}”的预设。可用：{'、'.join(preset_slugs())}")
    data = json.loads(path.read_text(encoding="utf-8"))
    try:
        policy = parse_policy(data["policy"])
    except ValidationError as exc:
        raise PresetError(f"预设“{slug}”的政策配置有误：" + "；".join(policy_errors(exc))) from None
    data["policy"] = policy.model_dump(mode="json")
    return data


def _digest(values: dict[str, Any]) -> str:
    canonical = json.dumps(values, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _state(programme: Programme) -> dict[str, Any]:
    values = {k: getattr(programme, k) for k in IDENTITY}
    values["issued_on"] = values["issued_on"].isoformat() if values["issued_on"] else None
    return {**values, "policy": programme.policy}


def _notice_text(data: dict[str, Any]) -> str:
    """The notice as published, kept beside the preset (presets/notices/<seed>)."""
    seed = data.get("seed")
    path = PRESET_DIR / "notices" / seed if seed else None
    return path.read_text(encoding="utf-8").strip() if path and path.is_file() else ""


def _table_named(policy: dict[str, Any] | None) -> str | None:
    return ((policy or {}).get("quota") or {}).get("table") or None


def _read_table(name: str) -> dict[str, Any] | None:
    """A printed table of ``data/`` by name; None for a name that is not one of its files."""
    folder = PRESET_DIR / "data"
    path = folder / name
    if path.parent != folder or not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def preset_tables(slug: str, data: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """The notice's printed tables that preset `slug` needs, by the name its policy gives them
    (``quota.table``), read from ``data/``."""
    data = data if data is not None else preset_data(slug)
    name = _table_named(data["policy"])
    if not name:
        return {}
    table = _read_table(name)
    if table is None:
        raise PresetError(f"预设“{slug}”所指的名额表“{name}”不存在。")
    return {name: table}


def store_missing_tables(programme_model: type[Any], table_model: type[Any]) -> int:
    """Keep with each programme the printed tables it was loaded or set up to use while they
    were read from this folder (the data migration ``0001_printed_tables``): the table its
    policy names, and the one its preset names. Models are passed in, so that a migration can
    give its own. Returns how many tables were stored."""
    slugs = set(preset_slugs())
    stored = 0
    for programme in programme_model.objects.only("pk", "policy", "preset").order_by("pk"):
        names = {_table_named(programme.policy)}
        if programme.preset in slugs:
            preset = json.loads((PRESET_DIR / f"{programme.preset}.json").read_text("utf-8"))
            names.add(_table_named(preset.get("policy")))
        held = set(
            table_model.objects.filter(programme_id=programme.pk).values_list("name", flat=True)
        )
        for name in sorted(n for n in names if n and n not in held):
            table = _read_table(name)
            if table is not None:
                table_model.objects.create(programme_id=programme.pk, name=name, data=table)
                stored += 1
    return stored


def preset_notes(data: dict[str, Any]) -> list[str]:
    """The preset's notes on reading its notice, one a line."""
    return [str(n).strip() for n in data.get("notes") or [] if str(n).strip()]


def store_missing_notes(programme_model: type[Any]) -> int:
    """Give each programme loaded from a preset the preset's notes where it has none (the data
    migration ``0002_preset_notes``). Returns how many programmes got them."""
    slugs = set(preset_slugs())
    stored = 0
    for programme in programme_model.objects.filter(preset__in=slugs).order_by("pk"):
        if programme.preset_notes:
            continue
        data = json.loads((PRESET_DIR / f"{programme.preset}.json").read_text("utf-8"))
        programme.preset_notes = preset_notes(data)
        programme.save(update_fields=["preset_notes"])
        stored += 1
    return stored


def _owner(data: dict[str, Any]) -> Organisation | None:
    """The issuing department named by the preset, where this installation has it."""
    name = data.get("owner")
    if not name:
        return None
    return (
        Organisation.objects.filter(name=name).first()
        or Organisation.objects.filter(aliases__name=name).first()
    )


@transaction.atomic
def preset_load(slug: str, *, reset: bool = False) -> str:
    """Create or refresh the programme of preset `slug`; idempotent.

    Returns "created", "updated", "unchanged" or "kept" (an admin edited the programme since
    it was loaded: the edit wins unless `reset`). The preset's notes are the preset's, never an
    admin's: they follow the file whatever the answer.
    """
    data = preset_data(slug)
    tables = preset_tables(slug, data)
    wanted = {k: data.get(k) for k in IDENTITY} | {"policy": data["policy"]}
    wanted["issuer"] = wanted["issuer"] or ""
    wanted["document_number"] = wanted["document_number"] or ""
    digest = _digest(wanted)
    programme = Programme.objects.select_for_update().filter(preset=slug).first()
    if programme is not None:
        current = _digest(_state(programme))
        # Filled in where missing: the issuing department may be created after the preset was
        # first loaded; neither is part of what an admin's edit is compared against.
        missing = {"owner": _owner(data), "notice_text": _notice_text(data)}
        missing = {k: v for k, v in missing.items() if v and not getattr(programme, k)}
        if programme.preset_notes != preset_notes(data):
            missing["preset_notes"] = preset_notes(data)
        if missing:
            for key, value in missing.items():
                setattr(programme, key, value)
            programme.save(update_fields=[*missing, "updated_at"])
        # The printed tables are the notice's, never an admin's: always as the preset has them.
        programme_tables_store(programme=programme, tables=tables)
        store_survey_templates(programme, data, reset=reset)
        if current == digest:
            return "unchanged"
        if current != programme.preset_digest and not reset:
            return "kept"
    created = programme is None
    if created:
        programme = Programme(code=slug, preset=slug)
    for key in IDENTITY:
        setattr(programme, key, wanted[key])
    programme.issued_on = parse_date(wanted["issued_on"]) if wanted["issued_on"] else None
    programme.policy = wanted["policy"]
    programme.policy_version = CURRENT_VERSION
    programme.revision = 1 if created else programme.revision + 1
    programme.preset_digest = digest
    programme.owner = programme.owner or _owner(data)
    programme.notice_text = programme.notice_text or _notice_text(data)
    programme.preset_notes = preset_notes(data)
    programme.save()
    revision_record(programme, actor=None, reason=_("载入预设 %(slug)s") % {"slug": slug})
    if created:
        programme_tables_store(programme=programme, tables=tables)
    record(None, "programme.preset_loaded", programme, preset=slug, reset=reset)
    quota_load_printed(programme=programme, replace=reset)
    store_survey_templates(programme, data, reset=reset)
    return "created" if created else "updated"


def store_survey_templates(programme: Programme, data: dict[str, Any], *, reset: bool) -> None:
    """The questions of the preset's evaluation forms (its ``surveys``), for the forms its
    policy names; a template an admin has built since is kept unless `reset`."""
    have = set(SurveyTemplate.objects.filter(programme=programme).values_list("code", flat=True))
    named = {form.code for form in programme.rules.evaluation}
    for code, template in (data.get("surveys") or {}).items():
        if code in named and (reset or code not in have):
            template_save(programme=programme, code=code, questions=template["questions"])
