# trustdesk's container image: one image for the web server, the workers and the scheduler
# (compose.yaml runs it three ways). Build: docker build -t trustdesk .
# See docs/deployment.md; every variable is in docs/configuration.md.

# --- build: install trustdesk and its production extra into a virtual environment -----------
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/trustdesk
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN /opt/trustdesk/bin/pip install '.[production]'

# --- run: the virtual environment only, as an unprivileged user -----------------------------
FROM python:3.11-slim
RUN groupadd --system --gid 10001 trustdesk \
    && useradd --system --uid 10001 --gid trustdesk --home-dir /var/lib/trustdesk --create-home trustdesk
COPY --from=build /opt/trustdesk /opt/trustdesk
ENV PATH=/opt/trustdesk/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    TRUSTDESK_HOME=/var/lib/trustdesk \
    TRUSTDESK_STATIC_ROOT=/opt/trustdesk/static
RUN install -d -o trustdesk -g trustdesk /opt/trustdesk/static
USER trustdesk
# Static files are collected into the image, hashed and compressed, so they always match its code;
# as the user that serves them, since trustdesk makes the files it writes owner-only. The database
# URL only selects the production storage; nothing connects to it here.
RUN TRUSTDESK_DATABASE_URL=postgres://build@127.0.0.1/unused TRUSTDESK_SECRET_KEY=collectstatic-only \
    trustdesk collectstatic
WORKDIR /var/lib/trustdesk
VOLUME ["/var/lib/trustdesk"]
EXPOSE 8000
# The web server; compose.yaml runs `trustdesk worker` and `trustdesk scheduler` from this image.
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "4", "--threads", "2", "--timeout", "120", \
     "--access-logfile", "-", "--error-logfile", "-", "trustdesk.web.wsgi:application"]
