"""The 2026 annual assessment of the demo's national bases (the 2026 copy of notice 002), run
and confirmed by the national admin: the bases whose classes ran score on execution (nothing
has finished or been evaluated yet, so pass rate and satisfaction are left out and re-weighted),
the others have no score; the scored bases' 2027 caps are adjusted. Idempotent."""

from shipei.accounts.models import Role
from shipei.appraisal import services as appraisal
from shipei.appraisal.models import AppraisalRun
from shipei.orgs.models import Organisation
from shipei.programmes.models import Programme

from .content import DEMO_002
from .people import user_of


def build(by_name: dict[str, Organisation]) -> None:
    programme = Programme.objects.get(code=DEMO_002)
    if AppraisalRun.objects.filter(programme=programme, status="confirmed").exists():
        return
    national = user_of(Role.NATIONAL_ADMIN, by_name["教育部"])
    appraisal.appraisal_compute(actor=national, programme=programme)
    appraisal.appraisal_confirm(actor=national, programme=programme)
