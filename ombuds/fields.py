"""`SealedTextField`: a text column stored encrypted (see `ombuds.crypto`).

The column holds a token; the model attribute holds plaintext. A value read from the database
stays sealed until the attribute is first read, and is opened with the row's data key and a
context naming its table, column and row (`uid`), so a token copied to another row fails.
Lookups and indexes are refused: exact-match search goes through a blind-index column.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldError
from django.db import models

from ombuds import crypto


class Sealed(bytes):
    """Ciphertext as read from the database, not yet opened."""


class SealedAttribute:
    """Data descriptor: keeps the token until first read, then caches the plaintext."""

    def __init__(self, field: SealedTextField) -> None:
        self.field = field

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        data = instance.__dict__
        attname = self.field.attname
        if attname not in data:
            instance.refresh_from_db(fields=[attname])
        value = data[attname]
        if isinstance(value, Sealed):
            value = self.field.open_token(instance, value)
            data[attname] = value
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        if value is None:
            value = ""
        instance.__dict__[self.field.attname] = value


class SealedTextField(models.BinaryField):  # type: ignore[type-arg]
    """Encrypted text. Empty text is stored as NULL; reading NULL gives ''."""

    descriptor_class = SealedAttribute

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def contribute_to_class(
        self, cls: type[models.Model], name: str, private_only: bool = False
    ) -> None:
        super().contribute_to_class(cls, name, private_only=private_only)
        setattr(cls, self.attname, SealedAttribute(self))

    def context(self, instance: Any) -> str:
        return f"{instance._meta.db_table}|{self.column}|{instance.uid}"

    def open_token(self, instance: Any, token: bytes) -> str:
        data_key = instance.data_key
        return crypto.unseal(token, data_key=data_key, context=self.context(instance)).decode()

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Sealed | None:
        return None if value is None else Sealed(bytes(value))

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        value = model_instance.__dict__.get(self.attname)
        if isinstance(value, Sealed):
            return bytes(value)
        if not value:
            return None
        return crypto.seal(
            value.encode(), data_key=model_instance.data_key, context=self.context(model_instance)
        )

    def get_lookup(self, lookup_name: str) -> Any:
        raise FieldError(f"{self.name} is encrypted and cannot be searched; use a blind index")

    def get_transform(self, lookup_name: str) -> Any:
        raise FieldError(f"{self.name} is encrypted and cannot be searched; use a blind index")
