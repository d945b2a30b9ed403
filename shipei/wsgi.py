import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shipei.settings")
application = get_wsgi_application()
# Loaded now rather than by the first request: every view, form and API module.
patterns = get_resolver().url_patterns
# What is loaded now lives as long as the process: kept out of the collector's full passes,
# which would otherwise walk it all again every few hundred requests.
gc.collect()
gc.freeze()
