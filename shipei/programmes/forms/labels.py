"""Chinese labels of the policy's fields and values, shared by the editors and the display."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel

from shipei.accounts.models import Role
from shipei.orgs.models import Designation, Organisation
from shipei.programmes.policy import CHANNEL_LABELS, QUOTA_SCOPE_LABELS

# Labels of the policy's fields: "Model.field" first, then the field name alone.
LABELS: dict[str, Any] = {
    "code": _("代码"),
    "label": _("名称"),
    "Item.kind": _("类型"),
    "Item.aliases": _("别名（每行一个）"),
    "Item.parent": _("上级项目代码"),
    "Item.hours": _("学时"),
    "Item.days": _("天数"),
    "Item.fee_cap_yuan": _("收费上限（元）"),
    "Item.mode": _("培训形式"),
    "Item.host": _("承办单位"),
    "Item.training": _("培训时间"),
    "Item.registration": _("报名时间"),
    "Item.planned_seats": _("计划名额（人）"),
    "Item.eligibility": _("参训条件"),
    "Item.channels": _("报名方式（不选则同计划）"),
    "Item.approval_chain": _("审核流程（不填则同计划）"),
    "Item.quota_scope": _("名额分配方式（不选则同计划）"),
    "Item.content": _("课程内容要求"),
    "Item.assessment": _("考核"),
    "Item.base": _("承训基地"),
    "Eligibility.org_kinds": _("单位类型"),
    "Eligibility.min_age": _("最低年龄（周岁）"),
    "Eligibility.max_age": _("最高年龄（周岁）"),
    "Eligibility.age_on": _("年龄计算日期"),
    "Eligibility.major_classes": _("专业类（每行一项）"),
    "Eligibility.not_elsewhere_same_year": _("未参加同年度其他培训计划"),
    "Eligibility.not_elsewhere_same_kind": _(
        "未参加同类别其他培训计划（与上一项同时勾选时，只限同年度同类别）"
    ),
    "Eligibility.not_in_programmes": _("未参加以下培训计划（计划代码，每行一项）"),
    "Eligibility.requires": _("先修项目"),
    "Prerequisite.item": _("项目代码"),
    "Prerequisite.state": _("须已"),
    "Eligibility.min_years_teaching": _("最低教龄（年）"),
    "Eligibility.titles": _("职称要求"),
    "Eligibility.school_kinds": _("学校类型"),
    "Eligibility.major_must_match": _("专业须对口"),
    "Eligibility.audiences": _("培训对象（每行一项）"),
    "Eligibility.other": _("其他条件（每行一项，人工核对）"),
    "ApprovalStep.role": _("审核角色"),
    "ApprovalStep.label": _("环节名称"),
    "ApprovalStep.deadline": _("截止日期"),
    "Enrollment.channels": _("报名方式"),
    "Enrollment.approval_chain": _("审核流程"),
    "Enrollment.window": _("报名时间"),
    "Enrollment.cancellation_deadline": _("撤回报名截止时间"),
    "Enrollment.seat_released_by": _("以下情形释放名额"),
    "Enrollment.substitutions_allowed": _("允许替换学员"),
    "Enrollment.one_active_per": _("同一学员同时可报名"),
    "Enrollment.participant_list_to": _("学员名单报送单位"),
    "Enrollment.participant_list_scan": _("报送名单须附加盖公章的扫描件"),
    "Enrollment.waitlist": _("名额已满时允许候补"),
    "Quota.scope": _("名额分配方式"),
    "Quota.table": _("名额表采用的通知附表"),
    "Quota.held_from": _("占用名额的时点"),
    "Projects.application": _("项目申报时间"),
    "Projects.review_criteria": _("评审指标"),
    "Projects.experts_per_project": _("每个项目的评审专家数"),
    "Criterion.label": _("指标名称"),
    "Criterion.max_score": _("满分"),
    "BaseCaps.per_kind": _("各类基地项目数上限"),
    "BaseCaps.each_class_counts_as_project": _("每个班次计为一个项目"),
    "BaseCaps.adjusted_by_performance": _("按绩效调整上限"),
    "Appraisal.weights": _("考核指标权重"),
    "Appraisal.cap_change": _("上限调整方式"),
    "Appraisal.bands": _("得分段与上限调整"),
    "Appraisal.min_cap": _("调整后上限不低于"),
    "CapBand.min_total": _("总分不低于"),
    "CapBand.change": _("下一年度上限调整"),
    "Classes.max_size": _("班级人数上限"),
    "Classes.staff": _("每班工作人员"),
    "Classes.milestones_days_before_start": _("开班前工作节点"),
    "Classes.length_days": _("培训天数上限（按层级或类别）"),
    "Classes.steps": _("班次实施环节"),
    "Component.label": _("考核项目"),
    "Component.scorers": _("评分人数"),
    "Component.scorer_role": _("评分人"),
    "Component.weight": _("权重（0～1）"),
    "Component.kind": _("考核方式"),
    "Component.aggregate": _("多人评分的合成方式"),
    "Component.test_questions": _("在线测试每份试卷题数"),
    "Component.test_minutes": _("在线测试限时（分钟）"),
    "Assessment.components": _("考核构成"),
    "Assessment.pass_mark": _("合格分数"),
    "Assessment.retries": _("补考次数"),
    "Assessment.absence_limit_hours": _("缺勤上限（学时）"),
    "Assessment.essay_min_chars": _("论文最少字数"),
    "Assessment.process_pass_before_final": _("过程考核合格方可参加结业考核"),
    "Content.practice_share_min": _("实践课程最低占比（0～1）"),
    "Content.video_share_min": _("视频课程最低占比（0～1）"),
    "Content.minutes_per_hour": _("线上自学每学时分钟数"),
    "Certificate.issuer": _("发证单位"),
    "Certificate.electronic": _("电子证书"),
    "Certificate.number_format": _("证书编号格式"),
    "Certificate.per": _("发证方式"),
    "Certificate.issued_by_base": _("由承训机构发证"),
    "Certificate.after_assessment": _("须全部考核合格"),
    "Certificate.after_evaluation": _("须填写培训评估"),
    "Credit.counts_as_continuing_education": _("计入继续教育学时"),
    "EvaluationForm.label": _("问卷名称"),
    "EvaluationForm.respondent": _("填写人"),
    "EvaluationForm.anonymous": _("匿名填写"),
    "EvaluationForm.min_responses": _("公布结果的最少答卷数"),
    "Milestone.label": _("节点名称"),
    "Milestone.due": _("截止日期"),
}
HELP: dict[str, Any] = {
    "code": _("字母、数字、下划线、点或连字符。"),
    "Item.aliases": _("通知或名单中对该项目的其他写法，导入和查找时视同名称。"),
    "Item.base": _("承训机构的全称；审核流程中的基地环节由该基地办理。"),
    "Eligibility.age_on": _("按身份证号中的出生日期计算；不填则以报名开始之日计。"),
    "Eligibility.major_classes": _("职业教育专业目录中的专业类名称，如 计算机类。"),
    "Enrollment.cancellation_deadline": _("此后学员不能自行撤回报名；不填则开训前均可撤回。"),
    "Item.parent": _("填写上级项目的代码；没有上级项目则不填。"),
    "Quota.table": _(
        "名额分配页、导出和导入按所选附表的行列排列。可选的是随本计划保存的通知附表。"
    ),
    "Certificate.issued_by_base": _("证书上的发证单位为举办该班次的承训机构，而非上面的发证单位。"),
    "Certificate.number_format": _(
        "{year} 为年度，{programme} 为计划代码，{serial:06d} 为六位流水号。"
    ),
    "Content.practice_share_min": _("如 0.5 表示不少于 50%。"),
    "Content.video_share_min": _("如 0.3 表示不少于 30%。"),
    "Content.minutes_per_hour": _("学员线上自学满此分钟数计 1 学时。"),
    "Classes.steps": _(
        "不选则班次随项目申报、随项目实施；选中的环节按顺序进行，每一步在班次页面办理。"
    ),
    "Classes.length_days": _("键为培训项目的代码或名称（如 二级），超过天数的班次不能保存。"),
}
# Key and value labels of the dictionaries edited as rows.
DICT_LABELS: dict[str, tuple[Any, Any]] = {
    "Classes.staff": (_("角色"), _("人数")),
    "Classes.milestones_days_before_start": (_("工作节点"), _("开班前天数")),
    "Classes.length_days": (_("层级或类别"), _("天数")),
    # The indicators the platform has (appraisal's registry): a code outside it is refused when
    # the assessment is computed.
    "Appraisal.weights": (
        _("指标代码（execution 执行率、pass_rate 合格率、satisfaction 满意度、spot_check 抽检）"),
        _("权重"),
    ),
}
# Choice labels: per field where the same value means different things, else by value.
FIELD_CHOICES: dict[str, dict[str, Any]] = {
    "Eligibility.titles": {
        "senior_full": _("正高级"),
        "senior": _("副高级"),
        "intermediate": _("中级"),
        "junior": _("初级"),
        "none": _("无职称"),
    },
    "Enrollment.one_active_per": {
        "programme": _("本计划内只报一项"),
        "item": _("每个培训项目报一项"),
        "none": _("不限"),
    },
    "Quota.scope": QUOTA_SCOPE_LABELS,
    "Item.quota_scope": QUOTA_SCOPE_LABELS,
    "Eligibility.org_kinds": {
        "school": _("学校"),
        "enterprise": _("企业"),
        "research_institute": _("科研院所"),
        "other": _("其他单位"),
    },
    "Prerequisite.state": {"admitted": _("录取"), "completed": _("结业")},
    "Certificate.per": {"item": _("每个培训项目一份"), "phase": _("每期一份")},
    "Quota.held_from": {"submission": _("提交报名时"), "approval": _("审核通过时")},
    "Classes.steps": {
        "semiannual_plan": _("报送半年培训计划"),
        "application": _("开班申请"),
        "staffing": _("骨干教师选聘"),
        "plan_filing": _("培训方案报备"),
        "province_approval": _("省级审核"),
        "centre_record": _("部指导中心备案"),
    },
    "Component.kind": {
        "process": _("过程性考核"),
        "final": _("终结性考核"),
        "essay": _("论文（学员在线提交）"),
        "online_test": _("在线测试（自动评分）"),
        "other": _("其他（评分人评分）"),
    },
    "Appraisal.cap_change": {
        "delta": _("增减项目个数"),
        "percent": _("按本年度上限的百分比增减"),
    },
    "Component.aggregate": {
        "mean": _("平均分"),
        "median": _("中位数"),
        "min": _("最低分"),
    },
    "Classes.milestones_days_before_start": {
        "class_application": _("开班申请"),
        "core_teacher_recommendation": _("推荐骨干教师"),
        "plan_filing": _("培训方案备案"),
    },
}
CHOICES: dict[str, Any] = {
    **dict(Role.choices),
    **dict(Designation.Kind.choices),
    **dict(Organisation.SchoolKind.choices),
    "institution": _("承训机构"),
    **CHANNEL_LABELS,
    "rejection": _("审核未通过"),
    "withdrawal": _("学员退出"),
    "no_show": _("未报到"),
    "phase": _("阶段"),
    "field": _("专业领域"),
    "course": _("课程"),
    "training_kind": _("培训类别"),
    "project": _("项目"),
    "level_category": _("层级类别"),
}


def field_key(model: type[BaseModel], name: str) -> str:
    return f"{model.__name__}.{name}"


def label_of(model: type[BaseModel], name: str) -> Any:
    return LABELS.get(field_key(model, name)) or LABELS.get(name) or name


def choice_label(model: type[BaseModel], name: str, value: Any) -> str:
    labels = FIELD_CHOICES.get(field_key(model, name), CHOICES)
    return str(labels.get(value, CHOICES.get(value, value)))
