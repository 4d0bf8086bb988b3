# The collector's image. A build stage fills Deno's cache with every module the service loads, npm
# packages included; the final stage is distroless (no shell, no package manager) and runs as non-root.
#
#   docker build -t vatsim-collector .
#   docker run -p 8080:8080 -v vatsim-data:/data vatsim-collector
#
# Deno is pinned to the version .ci/run and the README use (tests/dockerfile_test.ts keeps them equal).

FROM denoland/deno:debian-2.9.6 AS build
ENV DENO_DIR=/deno-dir \
    DENO_NO_UPDATE_CHECK=1
WORKDIR /app
COPY . .
# `deno install --entrypoint` follows static imports only. Workers are started from module URLs at run
# time (runtime/instance.ts loads runtime/worker_entry.ts, which imports the actors/*.ts that
# actors/tree.ts names), main.ts imports the OTLP exporter lazily, and the start task runs
# deploy/permissions.ts on its own first, so those are named here.
# --frozen: a deno.lock that does not match deno.json fails the build instead of being rewritten.
RUN deno install --frozen --entrypoint \
      main.ts \
      deploy/permissions.ts \
      runtime/worker_entry.ts \
      runtime/otel_export.ts \
      actors/*.ts \
      deploy/healthcheck.ts
# The data volume's mount point, owned by the runtime user: a new named volume copies this ownership.
RUN mkdir /data

FROM denoland/deno:distroless-2.9.6
# The base image's entrypoint is tini (PID 1: reaps zombies, forwards SIGTERM) in front of deno.
ENV DENO_DIR=/deno-dir \
    DENO_NO_UPDATE_CHECK=1 \
    DENO_NO_PROMPT=1 \
    DATA_DIR=/data \
    PORT=8080
WORKDIR /app
# Code and cache stay owned by root, read-only to the service; only /data is its own.
COPY --from=build /deno-dir /deno-dir
COPY --from=build /app /app
COPY --from=build --chown=65532:65532 /data /data
# 65532 is distroless's "nonroot"; numeric, so an orchestrator's runAsNonRoot can verify it.
USER 65532:65532
# Embedded PGlite (no DATABASE_URL) and the spool that holds snapshots while the database is down.
VOLUME ["/data"]
EXPOSE 8080
# Readiness, not liveness: a container whose store does not answer shows as unhealthy. The first start
# on a new volume runs PGlite's initdb, and the store may take up to 2 min to start.
HEALTHCHECK --interval=30s --timeout=10s --start-period=120s --retries=3 \
  CMD ["deno", "run", "--no-config", "--allow-net=127.0.0.1", "--allow-env=PORT", "/app/deploy/healthcheck.ts"]
# The task in deno.json carries the service's permission flags, so they are written in one place.
CMD ["task", "start"]
