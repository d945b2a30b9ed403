"""The project fixtures (programme, designated base, draft, submitted...) for class tests."""

from shipei.projects.tests.conftest import *  # noqa: F403
