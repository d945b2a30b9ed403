"""Self-registration, mounted at the site root (public pages, no namespace)."""

from django.urls import path

from . import signup

urlpatterns = [
    path("signup/", signup.signup, name="signup"),
    path("signup/schools/", signup.signup_schools, name="signup_schools"),
    path("signup/code/", signup.signup_code, name="signup_code"),
    path("signup/id-number/", signup.signup_id_check, name="signup_id_check"),
]
