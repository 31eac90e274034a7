# padda: one proxy daemon, every listener a serving pattern (sidecar, sharding
# ambassador, splitter, shard router, scatter/gather). Node 24 runs the
# TypeScript sources directly; the WebAssembly hash core ships prebuilt.
FROM node:24-bookworm-slim

LABEL org.opencontainers.image.title="padda" \
      org.opencontainers.image.description="Proxy daemon for the serving patterns of Designing Distributed Systems" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://example.invalid/padda"

WORKDIR /opt/padda
COPY package.json package-lock.json ./
# Production dependencies only; the pinned `node` devDependency is not needed on a Node 24 base.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY bin ./bin
COPY src ./src
COPY wasm ./wasm
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

USER node
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "bin/padda"]
CMD ["run"]
