"""Classes with their own lifecycle, half-year plans and amendments over the API: the same
selectors and services as the pages, scoped the same way.

The serializers (``serializers``) and the endpoints of classes, amendments and plans
(``class_views``, ``amendment_views``, ``plan_views``).
"""

from rest_framework.routers import DefaultRouter

from .amendment_views import AmendmentViewSet
from .class_views import ClassViewSet
from .plan_views import PlanViewSet


def register(router: DefaultRouter) -> None:
    router.register("classes", ClassViewSet, basename="class")
    router.register("class-plans", PlanViewSet, basename="class-plan")
    router.register("class-amendments", AmendmentViewSet, basename="class-amendment")
