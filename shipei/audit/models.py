from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# What people read in the log and in change histories, for every code the apps record (a test
# reads the sources for them); an unknown code would show as itself.
ACTION_LABELS = {
    "auth.login": _("登录"),
    "auth.logout": _("退出"),
    "auth.login_failed": _("登录失败"),
    "org.created": _("创建机构"),
    "org.updated": _("修改机构信息"),
    "org.moved": _("调整上级单位"),
    "org.activated": _("启用机构"),
    "org.deactivated": _("停用机构"),
    "org.alias_added": _("添加别名"),
    "org.alias_removed": _("删除别名"),
    "org.designation_added": _("添加基地认定"),
    "org.designation_removed": _("删除基地认定"),
    "org.imported": _("导入学校"),
    "person.created": _("登记人员"),
    "person.updated": _("修改人员信息"),
    "person.revealed": _("查看完整个人信息"),
    "person.exported_full": _("导出完整个人信息"),
    "person.imported": _("导入教师名单"),
    "person.number_refused": _("拒绝登记他处已登记的号码"),
    "person.numbers_paused": _("多次被拒，暂停登记新号码"),
    "account.opened": _("开通账号"),
    "account.password_reset": _("重置密码"),
    "account.password_changed": _("修改密码"),
    "account.activation_sent": _("发送激活验证码"),
    "account.activated": _("短信激活账号"),
    "account.signup_code_sent": _("发送注册验证码"),
    "account.signed_up": _("教师自行注册"),
    "role.assigned": _("分配角色"),
    "role.revoked": _("收回角色"),
    "programme.created": _("新建培训计划"),
    "programme.updated": _("修改培训计划"),
    "programme.cloned": _("复制培训计划"),
    "programme.preset_loaded": _("载入通知配置"),
    "project.created": _("新建项目申报"),
    "project.updated": _("修改项目申报"),
    "project.submitted": _("提交项目申报"),
    "project.attachment_added": _("上传申报附件"),
    "project.attachment_removed": _("删除申报附件"),
    "project.experts_assigned": _("分配评审专家"),
    "project.approved": _("项目评审通过"),
    "project.returned": _("项目退回修改"),
    "project.rejected": _("项目未通过评审"),
    "project.published": _("发布项目"),
    "project.cancelled": _("撤销项目"),
    "project.opened": _("按班次计划开设项目"),
    "project.enrollment_opened": _("项目开始报名"),
    "project.enrollment_closed": _("项目截止报名"),
    "project.started": _("项目开始培训"),
    "project.completed": _("项目培训结束"),
    "project.cap_adjusted": _("按年度考核调整基地项目数上限"),
    "review.submitted": _("提交评审意见"),
    "class.added": _("添加班次"),
    "class.updated": _("修改班次"),
    "class.removed": _("删除班次"),
    "class.half_plan_created": _("新建半年培训计划"),
    "class.half_plan_saved": _("填写半年培训计划"),
    "class.half_plan_imported": _("导入半年培训计划"),
    "class.half_plan_submitted": _("报送半年培训计划"),
    "class.half_plan_approved": _("半年培训计划审核通过"),
    "class.half_plan_returned": _("半年培训计划退回修改"),
    "class.applied": _("提出开班申请"),
    "class.staffed": _("班次师资落实"),
    "class.training_plan_filed": _("报备培训方案"),
    "class.training_plan_approved": _("培训方案审核通过"),
    "class.training_plan_returned": _("培训方案退回修改"),
    "class.recorded": _("部指导中心备案班次"),
    "class.enrollment_opened": _("班次开始招生"),
    "class.started": _("班次开始培训"),
    "class.assessment_started": _("班次开始考核"),
    "class.closed": _("班次结班"),
    "class.cancelled": _("取消班次"),
    "class.milestone_excepted": _("批准工作节点例外"),
    "class.amendment_requested": _("申请班次调整或增补"),
    "class.amendment_approved": _("同意班次调整或增补"),
    "class.amendment_returned": _("不同意班次调整或增补"),
    "class.amendment_recorded": _("部指导中心备案班次调整"),
    "class.amendment_scan_downloaded": _("下载班次增补盖章扫描件"),
    "quota.allocated": _("分配名额"),
    "quota.changed": _("调整名额"),
    "quota.deleted": _("删除名额"),
    "quota.loaded": _("载入名额表"),
    "quota.imported": _("导入名额表"),
    "quota.copied": _("复制上年度名额"),
    "enrollment.submitted": _("提交报名"),
    "enrollment.resubmitted": _("重新提交报名"),
    "enrollment.approved": _("审核通过报名"),
    "enrollment.returned": _("退回报名修改"),
    "enrollment.rejected": _("报名未通过审核"),
    "enrollment.withdrawn": _("撤回报名"),
    "enrollment.promoted": _("候补转为正式报名"),
    "enrollment.project_cancelled": _("项目撤销，报名取消"),
    "enrollment.no_show": _("标记未报到"),
    "enrollment.attending": _("开始参训"),
    "enrollment.passed": _("结业"),
    "enrollment.failed": _("未结业"),
    "enrollment.imported": _("导入报名名单"),
    "enrollment.list_submitted": _("报送参训名单"),
    "enrollment.list_versioned": _("保存参训名单版本"),
    "enrollment.list_received": _("接收参训名单"),
    "enrollment.list_forwarded": _("转发参训名单"),
    "enrollment.list_scan_downloaded": _("下载参训名单盖章扫描件"),
    "enrollment.exported_full": _("导出完整报名信息"),
    "enrollment.province_contacts_saved": _("填写省级负责人及联系人"),
    "staffing.core_teacher_added": _("添加骨干教师"),
    "staffing.core_teacher_changed": _("修改骨干教师"),
    "staffing.imported": _("导入骨干教师库"),
    "staffing.preferences_set": _("填写授课骨干教师选择倾向"),
    "staffing.recommended": _("推荐骨干教师"),
    "staffing.plan_requested": _("发起骨干教师统一配备"),
    "staffing.plan_staffed": _("统一配备骨干教师"),
    "staffing.invited": _("邀请骨干教师"),
    "staffing.accepted": _("接受骨干教师邀请"),
    "staffing.declined": _("谢绝骨干教师邀请"),
    "staffing.withdrawn": _("撤回骨干教师推荐或邀请"),
    "staffing.expired": _("骨干教师邀请逾期失效"),
    "staffing.withdrawn_for_clash": _("班次改期冲突，撤回骨干教师邀请"),
    "schedule.session_added": _("安排课次"),
    "schedule.session_changed": _("修改课次"),
    "schedule.session_removed": _("删除课次"),
    "schedule.resource_added": _("添加培训资源"),
    "schedule.resource_changed": _("修改培训资源"),
    "schedule.resource_removed": _("删除培训资源"),
    "attendance.marked": _("记录考勤"),
    "attendance.imported": _("导入考勤"),
    "assessment.score_submitted": _("提交考核评分"),
    "assessment.score_corrected": _("更正考核评分"),
    "assessment.passed": _("考核合格"),
    "assessment.failed": _("考核不合格"),
    "assessment.retry_opened": _("开放补考"),
    "assessment.essay_submitted": _("提交考核论文"),
    "assessment.questions_imported": _("导入在线测试题库"),
    "assessment.exported_full": _("导出含完整个人信息的成绩单"),
    "certificate.issued": _("颁发结业证书"),
    "certificate.revoked": _("撤销结业证书"),
    "certificate.batch_started": _("批量颁发结业证书"),
    "credit.claim_submitted": _("申报校外培训学时"),
    "credit.claim_approved": _("通过校外培训学时申报"),
    "credit.claim_returned": _("退回校外培训学时申报"),
    "survey.opened": _("发放问卷"),
    "survey.closed": _("提前截止问卷"),
    "survey.template_changed": _("修改问卷题目"),
    "appraisal.computed": _("计算基地年度考核"),
    "appraisal.confirmed": _("确认基地年度考核"),
    "supervision.drawn": _("抽取监督抽检样本"),
    "supervision.assigned": _("指派抽检检查人"),
    "supervision.inspected": _("记录抽检检查结果"),
    "supervision.responded": _("基地回复抽检结果"),
    "supervision.closed": _("抽检结案"),
    "account.calendar_feed_created": _("开通日程订阅"),
    "account.calendar_feed_reset": _("重新生成日程订阅地址"),
    "account.calendar_feed_revoked": _("停用日程订阅"),
}

# The log's action filter, one group per kind of object (the codes' first part).
ACTION_GROUPS = {
    "auth": _("登录"),
    "org": _("机构"),
    "person": _("人员"),
    "account": _("账号"),
    "role": _("角色"),
    "programme": _("培训计划"),
    "project": _("培训项目"),
    "review": _("项目评审"),
    "class": _("班次"),
    "quota": _("名额"),
    "enrollment": _("报名"),
    "staffing": _("骨干教师"),
    "schedule": _("课表与资源"),
    "attendance": _("考勤"),
    "assessment": _("考核"),
    "certificate": _("结业证书"),
    "credit": _("继续教育学时"),
    "survey": _("评价问卷"),
    "appraisal": _("基地年度考核"),
    "supervision": _("监督抽检"),
}


class AuditEntry(models.Model):
    """An explicit domain event: who did what to which object, with small JSON data.

    Field-level history of models comes from django-auditlog; this table holds the events that
    matter to people (logins, role changes, full views of personal data, imports).
    """

    # An account that acted is kept while its entries are (deactivated, never deleted).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=60, db_index=True)
    target_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    target_id = models.CharField(_("对象编号"), max_length=40, blank=True)
    target_repr = models.CharField(_("对象"), max_length=200, blank=True)
    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("所属机构"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    data = models.JSONField(_("数据"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    # The person the account belonged to when it acted: an account's person can be changed.
    actor_person = models.ForeignKey(
        "accounts.Person",
        verbose_name=_("操作人员"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"

    # Not stored: the target in words where a describer (audit.describe) found better ones
    # than the text kept when the entry was written.
    described = ""

    @property
    def target_text(self) -> str:
        if not (self.described or self.target_repr) and self.action.endswith(".exported_full"):
            return str(_("%(count)s 人的完整信息") % {"count": self.data.get("count", 0)})
        return self.described or self.target_repr

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    @property
    def actor_name(self) -> str:
        """Who acted, as the entry recorded them; set-up commands and the system act without a
        user."""
        if self.actor_id and self.actor.person_id == self.actor_person_id:
            return self.actor.display_name  # the usual case, read with the account
        if self.actor_person_id:
            return self.actor_person.name
        return self.actor.display_name if self.actor_id else str(_("系统"))


class DisclosedPerson(models.Model):
    """A person whose ID number or mobile an entry's action showed in full (a full view, a full
    export): whose personal data was seen, by whom and when, answered per person.

    The person is kept as a number, not a key: the record of a disclosure outlives the person's
    record. Their organisation at the time is kept for the log's scope: those who audit it see
    the disclosures of its people, whoever made them.
    """

    entry = models.ForeignKey(
        AuditEntry,
        verbose_name=_("审计记录"),
        on_delete=models.CASCADE,
        related_name="disclosed",
    )
    person_id = models.BigIntegerField(_("人员编号"), db_index=True)
    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("人员所在机构"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("完整信息涉及人员")
        verbose_name_plural = _("完整信息涉及人员")
        constraints = [
            models.UniqueConstraint(fields=["entry", "person_id"], name="disclosed_once_per_entry")
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}:{self.person_id}"
