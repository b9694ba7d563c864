"""Reference rows remembered for the rest of a transaction: the active playbook, teams'
managers and names, users' e-mails, calendars, webhook subscriptions.

A hand-off reads the same few rows again and again (the team's manager, the marketing users,
the subscriptions to tell, the calendar a clock runs on); a batch job or the demo does it
thousands of times in one transaction. `remember(session, key, tables, load)` returns what
`load()` returned the first time this transaction asked for `key`.

It never serves stale rows:
- pending ORM changes are flushed first (as the query it replaces would have autoflushed);
- a flush that writes a row of one of the key's `tables`, and any INSERT, UPDATE or DELETE
  statement the session executes on one of them, forget the keys that depend on it;
- commit and rollback forget everything (another transaction may change them next).
Writes that bypass the Session (a raw DBAPI cursor) are not seen: none of these tables is
written that way.
"""

from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
_KEY = "baton.memo"


def remember(session: Session, key: tuple, tables: Iterable[str], load: Callable[[], T]) -> T:
    """`load()` once per transaction for `key`; `tables`: the table names it reads."""
    if session.autoflush and (session.new or session.deleted or session.dirty):
        session.flush()  # what the replaced query would have done: the flush may forget keys
    store = _store(session)
    if key in store:
        return store[key][0]
    value = load()
    store[key] = (value, frozenset(tables))
    return value


def remember_each(
    session: Session,
    name: str,
    keys: Iterable[K],
    tables: Iterable[str],
    load: Callable[[list[K]], Mapping[K, V]],
) -> dict[K, V | None]:
    """remember() for many keys at once: `load(missing)` reads the ones this transaction has
    not read yet, in one go; a key it does not return is remembered as None."""
    if session.autoflush and (session.new or session.deleted or session.dirty):
        session.flush()
    store = _store(session)
    found: dict[K, V | None] = {}
    missing: list[K] = []
    for key in keys:
        hit = store.get((name, key))
        if hit is None:
            missing.append(key)
        else:
            found[key] = hit[0]
    if missing:
        read = load(missing)
        deps = frozenset(tables)
        for key in missing:
            found[key] = read.get(key)
            store[(name, key)] = (found[key], deps)
    return found


def forget(session: Session, tables: Iterable[str] | None = None) -> None:
    """Forget what depends on `tables` (everything when None)."""
    store = session.info.get(_KEY)
    if not store:
        return
    if tables is None:
        store.clear()
        return
    changed = set(tables)
    for key in [k for k, (_v, deps) in store.items() if deps & changed]:
        del store[key]


def _store(session: Session) -> dict[tuple, tuple[Any, frozenset[str]]]:
    store = session.info.get(_KEY)
    if store is None:
        store = session.info[_KEY] = {}
        event.listen(session, "after_flush", _after_flush)
        event.listen(session, "do_orm_execute", _on_execute)
        for name in ("after_commit", "after_rollback", "after_soft_rollback"):
            event.listen(session, name, _forget_all)
    return store


def _forget_all(session: Session, *_args: Any) -> None:
    forget(session)


def _after_flush(session: Session, _context: Any) -> None:
    if not session.info.get(_KEY):
        return
    written = {
        table.name
        for obj in (*session.new, *session.dirty, *session.deleted)
        for table in _tables_of(obj)
    }
    if written:
        forget(session, written)


def _on_execute(state: Any) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    forget(state.session, None if name is None else [name])


def _tables_of(obj: Any) -> list:
    mapper = getattr(type(obj), "__mapper__", None)
    return list(mapper.tables) if mapper is not None else []
