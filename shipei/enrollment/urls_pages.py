"""Enrollment pages (filled in this session)."""

urlpatterns: list = []
