# syntax=docker/dockerfile:1
# The production image: the front end built with Node 20, served by the API on Python 3.11.
# `docker compose up` builds it and runs it beside PostgreSQL.

# --- the front end: npm ci + npm run build -> /build/frontend/dist
FROM node:20-bookworm-slim AS frontend
WORKDIR /build/frontend
# The lockfile first: the npm ci layer is reused until the dependencies change.
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# --- the application
FROM python:3.11-slim AS app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
# The dependencies at the versions the tests ran with (constraints.txt), then the package.
COPY pyproject.toml constraints.txt README.md ./
COPY src ./src
RUN pip install -c constraints.txt . && rm -rf src build
# `custledger migrate` finds alembic.ini and migrations/ in the working directory.
COPY alembic.ini ./
COPY migrations ./migrations
COPY --from=frontend /build/frontend/dist ./frontend/dist
COPY docker/entrypoint.sh /usr/local/bin/custledger-entrypoint
RUN chmod 0755 /usr/local/bin/custledger-entrypoint \
    && useradd --system --uid 10001 --user-group --home-dir /app --no-create-home custledger \
    && mkdir -p /app/var \
    && chown custledger:custledger /app/var
ENV CUSTLEDGER_FRONTEND_DIR=/app/frontend/dist \
    CUSTLEDGER_ENVIRONMENT=production
USER custledger
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
ENTRYPOINT ["custledger-entrypoint"]
CMD ["custledger", "serve", "--host", "0.0.0.0", "--port", "8000"]
