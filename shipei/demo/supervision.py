"""A spot check of 2026's national-base classes in Zhejiang: 陈晓燕 (浙江省教育厅) draws two
classes stratified by city with a stated seed, sends 刘芳 (杭州市教育局) to one, who records a
finding with a photo and rates it 良好; the base's admin has responded, so the case waits for
陈晓燕 to close it (her home page lists it)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from shipei.accounts.models import Role
from shipei.orgs.models import Organisation
from shipei.programmes.models import Programme
from shipei.supervision import services
from shipei.supervision.models import SpotCheck

from .content import DEMO_002
from .people import user_of

TITLE = "2026年国培基地项目培训班次随机抽检（浙江，演示）"
SEED = "20260601"


def _photo() -> SimpleUploadedFile:
    """A stand-in for a phone photo of the classroom: a plain picture, no one in it."""
    image = Image.new("RGB", (640, 480), (225, 232, 240))
    pen = ImageDraw.Draw(image)
    pen.rectangle((60, 60, 580, 300), outline=(40, 70, 110), width=6)  # the blackboard
    for x in range(80, 600, 90):
        pen.rectangle((x, 360, x + 60, 420), fill=(120, 90, 60))  # desks
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return SimpleUploadedFile("课堂现场.jpg", out.getvalue(), content_type="image/jpeg")


def build() -> None:
    programme = Programme.objects.filter(code=DEMO_002).first()
    if programme is None or SpotCheck.objects.filter(title=TITLE).exists():
        return
    province = Organisation.objects.get(name="浙江省教育厅")
    admin = user_of(Role.PROVINCIAL_ADMIN, province)
    spot_check = services.spot_check_draw(
        actor=admin,
        programme=programme,
        target=SpotCheck.Target.CLASS,
        area=province,
        stratify=SpotCheck.Stratify.REGION,
        size_kind=SpotCheck.SizeKind.COUNT,
        size_value=2,
        seed=SEED,
        title=TITLE,
    )
    inspector = user_of(Role.CITY_ADMIN, Organisation.objects.get(name="杭州市教育局"))
    for inspection in spot_check.inspections.select_related("base"):
        services.inspection_assign(actor=admin, inspection=inspection, inspector=inspector)
    inspection = spot_check.inspections.filter(base__name="杭州职业技术学院").first()
    if inspection is None:  # the draw fell elsewhere: both stay with the inspector
        return
    services.inspection_record(
        actor=inspector,
        inspection=inspection,
        findings="课程安排与备案方案一致，学员到课率 95%；实训工位偏少，部分学员轮流操作。",
        rating="good",
        files=[_photo()],
    )
    services.inspection_respond(
        actor=user_of(Role.BASE_ADMIN, inspection.base),
        inspection=inspection,
        response="已调配 8 个实训工位，下期起每名学员独立操作。",
    )
