from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from shipei.accounts import api as accounts_api
from shipei.accounts import views as accounts_views
from shipei.appraisal import api as appraisal_api
from shipei.assessment import api as assessment_api
from shipei.attendance import api as attendance_api
from shipei.certificates import api as certificates_api
from shipei.classes import api as classes_api
from shipei.core import views as core_views
from shipei.core import views_site
from shipei.credits import api as credits_api
from shipei.dashboard import views as dashboard_views
from shipei.enrollment import api as enrollment_api
from shipei.notifications import views_calendar
from shipei.orgs import api as orgs_api
from shipei.programmes import api as programmes_api
from shipei.projects import api as projects_api
from shipei.quotas import api as quotas_api
from shipei.schedule import api as schedule_api
from shipei.staffing import api as staffing_api
from shipei.supervision import api as supervision_api
from shipei.surveys import api as surveys_api

router = DefaultRouter()
# Enrollments first: in an enrollment rush each request is matched against the routes before its
# own.
enrollment_api.register(router)
router.register("regions", orgs_api.RegionViewSet, basename="region")
router.register("orgs", orgs_api.OrgViewSet, basename="org")
router.register("people", accounts_api.PersonViewSet, basename="person")
programmes_api.register(router)
quotas_api.register(router)
projects_api.register(router)
staffing_api.register(router)
classes_api.register(router)
schedule_api.register(router)
attendance_api.register(router)
assessment_api.register(router)
certificates_api.register(router)
credits_api.register(router)
surveys_api.register(router)
appraisal_api.register(router)
supervision_api.register(router)

urlpatterns = [
    # The API first: a province's system submitting lists in a rush should not be matched
    # against every page's pattern (three includes here have an empty prefix).
    # Public, before the router's certificates/<pk>/.
    path("api/v1/certificates/verify/", certificates_api.VerifyView.as_view(), name="api_verify"),
    path("api/v1/", include(router.urls)),
    path("api/v1/me/", accounts_api.MeView.as_view(), name="api_me"),
    path("api/v1/auth/token/", accounts_api.ObtainToken.as_view(), name="api_token"),
    path("", dashboard_views.dashboard, name="dashboard"),
    path("healthz", core_views.healthz, name="healthz"),
    path("imports/report/<str:token>/", core_views.import_report, name="import_report"),
    path("login/", accounts_views.login_view, name="login"),
    path("logout/", accounts_views.logout_view, name="logout"),
    path("password/", accounts_views.password_change, name="password_change"),
    path("activate/", accounts_views.activate, name="activate"),
    path("orgs/", include("shipei.orgs.urls")),
    path("people/", include("shipei.accounts.urls")),
    path("audit/", include("shipei.audit.urls")),
    path("programmes/", include("shipei.programmes.urls")),
    path("programmes/<int:programme_pk>/quotas/", include("shipei.quotas.urls")),
    path("", include("shipei.projects.urls")),
    path("classes/", include("shipei.classes.urls")),
    path("enrollment/", include("shipei.enrollment.urls")),
    path("staffing/", include("shipei.staffing.urls")),
    path("schedule/", include("shipei.schedule.urls")),
    path("attendance/", include("shipei.attendance.urls")),
    path("assessment/", include("shipei.assessment.urls")),
    path("certificates/", include("shipei.certificates.urls")),
    path("surveys/", include("shipei.surveys.urls")),
    # Public, without login: anyone checks a certificate by number or by its QR code.
    path("verify/", include("shipei.certificates.urls_public")),
    path("credits/", include("shipei.credits.urls")),
    path("appraisal/", include("shipei.appraisal.urls")),
    path("supervision/", include("shipei.supervision.urls")),
    path("statistics/", include("shipei.statistics.urls")),
    path("notifications/", include("shipei.notifications.urls")),
    # Outside notifications/: the feed's address is for calendar apps, which do not log in.
    path("calendar/<str:token>.ics", views_calendar.feed, name="feed"),
    path("", include("shipei.accounts.urls_signup")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", views_site.ApiDocsView.as_view(), name="api_docs"),
    path("favicon.ico", views_site.favicon, name="favicon"),
    path("admin/", admin.site.urls),
]

handler400 = "shipei.core.views.error_400"
handler403 = "shipei.core.views.error_403"
handler404 = "shipei.core.views.error_404"
handler500 = "shipei.core.views.error_500"
