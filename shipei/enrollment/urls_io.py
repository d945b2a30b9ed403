"""Enrollment imports and exports (filled in this session)."""

urlpatterns: list = []
