# syntax=docker/dockerfile:1
# The container image of each Thi Đua service, one Dockerfile for the five (they differ only in the
# package installed and started, and in notify having no HTTP port; web is the browser console). Build from the repository root:
#   docker build --build-arg SERVICE=intake -t thidua/intake .      (intake, scoring, notify, reporting, web)
# web serves htmx from static/vendor/: run scripts/bootstrap (python -m thidua_web.assets) before building.
# docker-compose.yml builds each service this way.
FROM python:3.11-slim

ARG SERVICE
RUN case "${SERVICE}" in intake|scoring|notify|reporting|web) ;; \
      *) echo "build with --build-arg SERVICE=intake|scoring|notify|reporting|web (got '${SERVICE}')" >&2; exit 1 ;; esac

ARG UV_VERSION=0.13.9
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv
RUN pip install --no-cache-dir "uv==${UV_VERSION}"

WORKDIR /app
# 1) third-party dependencies only, from the lock file (a layer that survives code changes).
#    The workspace needs every member's pyproject.toml; tests/plugins/* members are optional.
COPY pyproject.toml uv.lock ./
COPY libs/common/pyproject.toml libs/common/
COPY services/intake/pyproject.toml services/intake/
COPY services/scoring/pyproject.toml services/scoring/
COPY services/notify/pyproject.toml services/notify/
COPY services/reporting/pyproject.toml services/reporting/
COPY services/web/pyproject.toml services/web/
COPY devstack/pyproject.toml devstack/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-workspace --package "thidua-${SERVICE}"
# 2) the workspace code, then thidua-common and the service itself
COPY libs/ libs/
COPY services/ services/
COPY devstack/ devstack/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --package "thidua-${SERVICE}"

# issue 13: reports — reporting converts the documents it drafts to PDF with LibreOffice headless, in
# Liberation fonts 2.x (full Vietnamese coverage); the other services do without
RUN if [ "${SERVICE}" = reporting ]; then \
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        libreoffice-writer-nogui libreoffice-calc-nogui fonts-liberation2 >/dev/null && rm -rf /var/lib/apt/lists/*; fi

# run as an unprivileged user from a writable working directory (scoring's faust keeps its empty,
# in-memory store's data folder thidua-scoring-data/ there)
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /var/lib/thidua thidua
USER thidua
WORKDIR /var/lib/thidua
ENV PATH=/app/.venv/bin:$PATH \
    SERVICE=${SERVICE}
# every worker touches $THIDUA_READY_FILE once its Kafka partitions are assigned (notify's only
# health signal: it has no HTTP port); intake and reporting serve their API, scoring /healthz,
# /readyz (quarantined campaigns) and /metrics, all on 8000
ENV THIDUA_READY_FILE=/var/lib/thidua/ready \
    THIDUA_HTTP_HOST=0.0.0.0 \
    THIDUA_HTTP_PORT=8000
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["sh", "-c", "if [ \"$SERVICE\" = notify ]; then test -f \"$THIDUA_READY_FILE\"; else python -c \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)\"; fi"]
# a ready file left by an earlier run of the container says nothing about this one
CMD ["sh", "-c", "rm -f \"$THIDUA_READY_FILE\" && exec python -m \"thidua_$SERVICE\""]
