"""How a confirmed subscriber is handed to the list: one module per backend, one interface.

`backend_for(config, env)` picks the backend named by `[list] backend` in signup.toml, once,
at start; the rest of the server only talks to the `Backend` it returns:
- `handoff_jobs`: the spool jobs that hand one subscriber over (mail or HTTP);
- `sign`: the credentials an HTTP hand-off carries, added by the worker at delivery time
  (secrets are never written into the spool);
- `already_delivered`: an HTTP answer that means "done before" (listmonk's 409);
- `action`: the sentence in the keeper's consent-record mail saying what happened.
Adding a backend: a module here, a class with these four, and its name in `BACKENDS`.
"""

from __future__ import annotations

from collections.abc import Mapping

from handbill_config import SignupConfig

from .base import Backend
from .keeper_email import KeeperEmail
from .listmonk import Listmonk
from .mailman import Mailman
from .webhook import Webhook

BACKENDS: dict[str, type[KeeperEmail | Mailman | Listmonk | Webhook]] = {
    "email": KeeperEmail,
    "mailman": Mailman,
    "listmonk": Listmonk,
    "webhook": Webhook,
}


def backend_for(config: SignupConfig, env: Mapping[str, str]) -> tuple[Backend, list[str]]:
    """The backend `[list] backend` names, and every problem with its settings (none: it can
    run). signup.toml's schema allows only the names in BACKENDS."""
    return BACKENDS[config.list_.backend].configure(config, env)


__all__ = ["BACKENDS", "Backend", "backend_for"]
