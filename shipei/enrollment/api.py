from rest_framework.routers import DefaultRouter


def register(router: DefaultRouter) -> None:
    """Add the enrollment endpoints to the API router."""
