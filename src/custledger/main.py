"""The ASGI application object for servers: ``uvicorn custledger.main:app``."""

from custledger.app import create_app

app = create_app()
