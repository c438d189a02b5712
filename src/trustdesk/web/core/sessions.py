"""The session store: Django's database sessions, keyed by a digest of the cookie's key.

Django keeps the session key itself as the primary key of `django_session`, so anyone holding a
copy of the database (a backup, a copied TRUSTDESK_HOME) could read every live key and present
it as a cookie. Here the table holds only the SHA-256 digest of each key; the raw key exists in
the user's cookie and nowhere else, so a copy of the table signs nobody in.

A plain digest is enough: keys are 32 random characters from 36 (about 165 bits), far beyond
any search, so a keyed hash would add nothing but a dependency on SECRET_KEY (rotating it would
sign everyone out). The digest is cut to the 40 characters of `session_key` (160 bits).

Set as SESSION_ENGINE; sessions stored before it (raw keys) simply stop matching, which signs
their users out once. Migration core.0003 deletes them.
"""

from __future__ import annotations

import hashlib
from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.sessions.backends.base import CreateError, UpdateError
from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.contrib.sessions.models import Session
from django.db import DatabaseError, IntegrityError, router, transaction
from django.utils import timezone

_DIGEST_LENGTH = 40  # django_session.session_key is a CharField(max_length=40)


def stored_key(session_key: str) -> str:
    """The primary key a session is stored under: a digest of the key its cookie carries."""
    return hashlib.sha256(session_key.encode("utf-8")).hexdigest()[:_DIGEST_LENGTH]


class SessionStore(DbSessionStore):
    """Database sessions whose rows are found by digest; the raw key is never written.

    Every path that reaches the table (load, exists, save, delete and their async twins) goes
    through `stored_key`.
    """

    def _get_session_from_db(self) -> Session | None:
        key = self.session_key
        if key is None:
            return None
        try:
            return Session.objects.get(session_key=stored_key(key), expire_date__gt=timezone.now())
        except Session.DoesNotExist:
            self._session_key = None
            return None

    def exists(self, session_key: str) -> bool:
        return Session.objects.filter(session_key=stored_key(session_key)).exists()

    def create_model_instance(self, data: dict[str, Any]) -> Session:
        return Session(
            # django-stubs omit the base class's private helpers used here and in save().
            session_key=stored_key(self._get_or_create_session_key()),  # type: ignore[attr-defined]
            session_data=self.encode(data),
            expire_date=self.get_expiry_date(),
        )

    def save(self, must_create: bool = False) -> None:
        """Django's save, with the digest as the row's key (the base class writes the raw key)."""
        if self.session_key is None:
            self.create()
            return
        data = self._get_session(no_load=must_create)  # type: ignore[attr-defined]
        obj = self.create_model_instance(data)
        using = router.db_for_write(Session, instance=obj)
        try:
            with transaction.atomic(using=using):
                obj.save(force_insert=must_create, force_update=not must_create, using=using)
        except IntegrityError as exc:
            if must_create:
                raise CreateError from exc
            raise
        except DatabaseError as exc:
            if not must_create:
                raise UpdateError from exc
            raise

    def delete(self, session_key: str | None = None) -> None:
        key = self.session_key if session_key is None else session_key
        if key is None:
            return
        Session.objects.filter(session_key=stored_key(key)).delete()

    # Django's async methods would reach the table with the raw key: each runs the sync path.
    async def aload(self) -> dict[str, Any]:
        return await sync_to_async(self.load)()

    async def aexists(self, session_key: str) -> bool:
        return await sync_to_async(self.exists)(session_key)

    async def acreate_model_instance(self, data: dict[str, Any]) -> Session:
        return await sync_to_async(self.create_model_instance)(data)

    async def asave(self, must_create: bool = False) -> None:
        await sync_to_async(self.save)(must_create)

    async def adelete(self, session_key: str | None = None) -> None:
        await sync_to_async(self.delete)(session_key)
