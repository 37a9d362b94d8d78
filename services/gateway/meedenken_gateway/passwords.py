"""The password rule (ASVS V2.1): at least 12 characters, at most 256, no composition rules, and not
one of the 20,000 most common breached passwords (data/README.md says where the list comes from)."""
import functools
import gzip
from pathlib import Path

from marshmallow import ValidationError, validate

COMMON = Path(__file__).parent / "data" / "common-passwords.txt.gz"
MIN_LENGTH, MAX_LENGTH = 12, 256


@functools.cache
def _common():
    with gzip.open(COMMON, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def is_common(password):
    return password.strip().lower() in _common()


def _not_common(password):
    if is_common(password):
        raise ValidationError("common_password")


VALIDATORS = [validate.Length(min=MIN_LENGTH, max=MAX_LENGTH), _not_common]
