import datetime
import itertools
from typing import Any

import factory

from shipei.accounts import services
from shipei.accounts.models import Person
from shipei.core.identifiers import id_check_digit

_serial = itertools.count(1)


def make_id_number(
    *, area: str = "330106", birth: str | None = None, seq: int | None = None
) -> str:
    """A synthetic, never repeated ID number with a valid check digit (belongs to no one)."""
    n = next(_serial)
    birth = birth or (datetime.date(1970, 1, 1) + datetime.timedelta(days=n)).strftime("%Y%m%d")
    first17 = f"{area}{birth}{(seq if seq is not None else n) % 1000:03d}"
    return first17 + id_check_digit(first17)


_mobiles = iter(range(10**6))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Faker("name", locale="zh_CN")
    id_number = factory.LazyFunction(make_id_number)
    mobile = factory.LazyFunction(lambda: f"139{next(_mobiles):08d}")
    teacher = None

    @classmethod
    def _create(cls, model_class: Any, *args: Any, org: Any, **kwargs: Any) -> Person:
        return services.person_bootstrap(org=org, **kwargs)
