"""``python -m custledger.openapi``: print the app's OpenAPI document.

Built with ``create_app()`` alone (no server, no database), as JSON with sorted keys, a 2-space
indent and a trailing newline: the front end's API types are generated from this text
(``make api-types`` writes it to ``frontend/src/api/openapi.json``).
"""

from __future__ import annotations

import json
import sys
from typing import Any


def document() -> dict[str, Any]:
    from custledger.app import create_app

    return create_app().openapi()


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    # Bytes, so the text is UTF-8 whatever the terminal's locale.
    sys.stdout.buffer.write(render(document()).encode("utf-8"))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
