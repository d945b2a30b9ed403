"""The figures behind the statistics pages, kept current at national scale.

Every change to what the pages count (an enrollment made, moved to another status or deleted; a
certificate issued or revoked; attendance hours recorded) appends one row per side of the change
to ``Delta``, written by database triggers in the same transaction as the change (migration
0001): no counter row is shared by two submissions, so the enrollment rush never waits on a lock
of ours. ``figures.fold`` (every few seconds) adds the deltas up into the three summary tables
and deletes them; a page reads a summary plus the unfolded deltas in one statement, so what it
shows is never older than the last commit. ``figures.rebuild`` recomputes everything from the
raw tables (``shipei statistics_rebuild``).

Keys are plain integers, not foreign keys (0: none), so that a delta is one cheap insert.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Delta(models.Model):
    """A change not yet folded into the summaries: +1/-1 enrollments of a status, certificates
    and hours, under the keys of the enrollment they belong to."""

    # The organisation one level below the ministry the teacher's lies under (a province's
    # department): what a province's page reads.
    area_id = models.BigIntegerField(_("地区"))
    org_id = models.BigIntegerField(_("所在单位"))
    project_id = models.BigIntegerField(_("培训项目"), default=0)
    base_id = models.BigIntegerField(_("承训基地"), default=0)
    # The month the enrollment was submitted (YYYYMM, Beijing time): the statistics year.
    month = models.IntegerField(_("报名月份"))
    # The enrollment's status for `n`; "" on rows of certificates and hours only.
    status = models.CharField(_("状态"), max_length=20, blank=True)
    n = models.IntegerField(_("报名数"), default=0)
    certs = models.IntegerField(_("证书数"), default=0)
    hours = models.DecimalField(_("学时"), max_digits=14, decimal_places=1, default=0)

    class Meta:
        verbose_name = _("统计增量")
        verbose_name_plural = _("统计增量")

    def __str__(self) -> str:
        return f"{self.month} {self.org_id} {self.status} {self.n:+d}"


class OrgFigure(models.Model):
    """Per year, organisation (the teacher's) and status: by region, by organisation, totals."""

    year = models.IntegerField(_("年度"))
    area_id = models.BigIntegerField(_("地区"))
    org_id = models.BigIntegerField(_("所在单位"))
    status = models.CharField(_("状态"), max_length=20, blank=True)
    n = models.BigIntegerField(_("报名数"), default=0)
    certs = models.BigIntegerField(_("证书数"), default=0)
    hours = models.DecimalField(_("学时"), max_digits=16, decimal_places=1, default=0)

    class Meta:
        verbose_name = _("单位统计")
        verbose_name_plural = _("单位统计")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "area_id", "org_id", "status"], name="org_figure_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.org_id} {self.status} {self.n}"


class ProjectFigure(models.Model):
    """Per year, area, project, base and status; area 0 is the whole country (a page of the
    ministry reads 500 projects' rows, not 500 x 32)."""

    year = models.IntegerField(_("年度"))
    area_id = models.BigIntegerField(_("地区"))  # 0: the national total
    project_id = models.BigIntegerField(_("培训项目"))
    base_id = models.BigIntegerField(_("承训基地"))
    status = models.CharField(_("状态"), max_length=20, blank=True)
    n = models.BigIntegerField(_("报名数"), default=0)
    certs = models.BigIntegerField(_("证书数"), default=0)
    hours = models.DecimalField(_("学时"), max_digits=16, decimal_places=1, default=0)

    class Meta:
        verbose_name = _("项目统计")
        verbose_name_plural = _("项目统计")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "area_id", "project_id", "base_id", "status"],
                name="project_figure_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.area_id} {self.project_id} {self.status} {self.n}"


class MonthFigure(models.Model):
    """Enrollments per month of submission, area (0: national) and status: the trend."""

    month = models.IntegerField(_("报名月份"))
    area_id = models.BigIntegerField(_("地区"))
    status = models.CharField(_("状态"), max_length=20, blank=True)
    n = models.BigIntegerField(_("报名数"), default=0)

    class Meta:
        verbose_name = _("月度统计")
        verbose_name_plural = _("月度统计")
        constraints = [
            models.UniqueConstraint(fields=["month", "area_id", "status"], name="month_figure_key")
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.area_id} {self.status} {self.n}"
