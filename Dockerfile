# padda: one proxy daemon, every listener a serving pattern (sidecar, sharding
# ambassador, splitter, shard router, scatter/gather).
#
#   docker build -t padda:0.1.0 --build-arg VERSION=0.1.0 --build-arg REVISION=$(git rev-parse HEAD) .
#   docker run --rm -p 8080:8080 -p 9901:9901 padda:0.1.0          # the example config below
#   docker run --rm -v $PWD/padda.yaml:/etc/padda/padda.yaml:ro --network host padda:0.1.0
#   docker run --rm --read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges -p 8080:8080 padda:0.1.0
#
# It runs as a numeric non-root user and needs no writable root filesystem: the one
# thing it writes is Node's compile cache in /tmp (skipped when /tmp is read-only).
#
# The build stage compiles the TypeScript sources to plain JavaScript in dist/
# (tsc emit): the image runs that, so it carries no compiler and pays nothing
# for type stripping (17-30 MiB per process). The WebAssembly hash core ships prebuilt.

FROM node:24-bookworm-slim AS build
WORKDIR /opt/padda
COPY package.json package-lock.json ./
# Dev dependencies for the compiler; --ignore-scripts skips the pinned `node` package's download (the base is Node 24).
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json

FROM node:24-bookworm-slim
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="padda" \
      org.opencontainers.image.description="Proxy daemon for the serving patterns of Designing Distributed Systems" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="https://example.invalid/padda"

WORKDIR /opt/padda
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /opt/padda/dist ./dist
COPY bin ./bin
COPY wasm/hash.wasm ./wasm/hash.wasm
COPY config ./config

# The container's API. Every setting can come from the environment: the
# config file reads ${VAR:-default} wherever it needs a value.
# PADDA_CONFIG: the config file; mount yours (a ConfigMap) over it.
ENV PADDA_CONFIG=/etc/padda/padda.yaml
# PADDA_LOG_LEVEL: fatal|error|warn|info|debug|trace; overrides log.level in the file.
ENV PADDA_LOG_LEVEL=info
# PADDA_ADMIN_LISTEN: admin server address; 0.0.0.0 so kubelet probes and Prometheus reach it.
ENV PADDA_ADMIN_LISTEN=0.0.0.0:9901
# PADDA_WORKERS: worker processes sharing each port; match the pod's CPU limit.
ENV PADDA_WORKERS=1
COPY config/container.yaml /etc/padda/padda.yaml

# 9901/tcp: admin — /healthz (liveness), /ready (readiness), /metrics (Prometheus), /config, /stats.
EXPOSE 9901
# 8080/tcp: the example listener of config/container.yaml; listeners are whatever your config says.
EXPOSE 8080

# Numeric, so the kubelet can verify runAsNonRoot (the image's `node` user is 1000).
USER 1000:1000
STOPSIGNAL SIGTERM
# The image has no curl: Node's own fetch asks /healthz. Kubernetes ignores this and uses its probes.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PADDA_ADMIN_LISTEN ?? '').split(':').pop() + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/padda"]
CMD ["run"]
