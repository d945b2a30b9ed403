"""What spot checks refuse, each with its Chinese message (STYLE.md §4)."""

from django.utils.translation import gettext_lazy as _

from shipei.core.errors import DomainError


class OutsideArea(DomainError):
    code = "outside_area"
    status = 403
    template = _("“%(area)s”不在您的管辖范围内，只能在本单位及下属范围内抽检。")


class EmptyPopulation(DomainError):
    code = "empty_population"
    status = 400
    template = _("“%(area)s”范围内没有可抽检的%(target)s，请换一个范围或培训计划。")


class BadSampleCount(DomainError):
    code = "bad_sample_count"
    status = 400
    template = _(
        "抽取数量应在 1 到 %(population)d 之间（范围内共 %(population)d 个），当前为 %(n)s。"
    )


class BadSamplePercent(DomainError):
    code = "bad_sample_percent"
    status = 400
    template = _("抽取比例应大于 0、不超过 100（%%），当前为 %(p)s。")


class BadSeed(DomainError):
    code = "bad_seed"
    status = 400
    template = _("随机种子只能是不超过 %(digits)d 位的数字；留空则由系统随机生成。")


class InspectorMissing(DomainError):
    code = "inspector_missing"
    status = 400
    template = _("请选择检查人。")


class NotInspectable(DomainError):
    code = "not_inspectable"
    status = 400
    template = _("“%(name)s”不能担任检查人：只能指派您管辖范围内的管理员或评审专家。")


class BadRating(DomainError):
    code = "bad_rating"
    status = 400
    template = _("评价等级只能是优秀、良好、合格或不合格。")


class FindingsMissing(DomainError):
    code = "findings_missing"
    status = 400
    template = _("请填写检查发现。")


class ResponseMissing(DomainError):
    code = "response_missing"
    status = 400
    template = _("请填写回复内容。")


class NotTheInspector(DomainError):
    code = "not_the_inspector"
    status = 403
    template = _("您不是这项检查的检查人，不能记录检查结果。")


class NotTheBase(DomainError):
    code = "not_the_base"
    status = 403
    template = _("只有“%(base)s”的管理员可以回复这项检查。")


class BadFile(DomainError):
    code = "bad_file"
    status = 400
    template = _("附件“%(name)s”：%(problem)s")
