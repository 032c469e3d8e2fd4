"""``translate-flow review``: a local web page where translators see, fix and approve.

- :mod:`.workspace`: the catalogs on disk, what the page shows of them and the edits
  (saved under the project's lock, never over a change made meanwhile);
- :mod:`.preview`: the localized page as ``build`` publishes it, each sentence marked;
- :mod:`.app`: the Starlette application: routes, the Host/Origin/token guard, headers;
- :mod:`.server`: serving it with uvicorn on a local address.

The page's own templates, script and styles are package data (``templates/``,
``static/``); there is no build step.
"""

from __future__ import annotations

from .app import create_app, origins_for
from .workspace import Change, ReviewError, Workspace

__all__ = ["Change", "ReviewError", "Workspace", "create_app", "origins_for"]
