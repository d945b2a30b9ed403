"""Certificate signing keys: print a new one, or re-sign the stored credentials with the
current key (the first one in CERT_SIGNING_KEYS).

Rotation: ``shipei rotate_cert_keys --new-key k2`` prints a key line; put it first in
CERT_SIGNING_KEYS (keep the old ones after it), deploy, then run ``shipei rotate_cert_keys``.
The downloadable credentials and QR payloads are signed anew; certificates printed before keep
the old key id in their QR codes, so the old public keys stay listed (and published) as long as
those papers are in use. Safe to run again.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shipei.certificates import signing
from shipei.certificates.services import certificates_resign


class Command(BaseCommand):
    help = "证书签名密钥轮换：生成新密钥，或用当前密钥重新签署已发证书的电子凭证（可重复执行）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--new-key", metavar="KID", help="生成一把新密钥（如 k2）并打印")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_key"]:
            kid = options["new_key"]
            if kid in signing.public_keys():
                raise CommandError(f"CERT_SIGNING_KEYS 中已有密钥“{kid}”，请换一个密钥编号。")
            self.stdout.write(signing.new_key_line(kid))
            return
        done = certificates_resign()
        self.stdout.write(f"已用当前密钥“{signing.current_kid()}”重新签署 {done} 份证书。")
