# syntax=docker/dockerfile:1
# One image for every coldchain service (ingest, rules, api, broker, all-in-one). Pick the service with
# the SERVICE build arg (it becomes the default), the SERVICE environment variable at run time, or an
# explicit command, e.g. `node --import tsx services/rules/src/main.ts`. Workspace packages run from
# their TypeScript source through tsx: there is no build step (STYLE.md).

FROM node:20-bookworm-slim AS deps
# better-sqlite3 downloads a prebuilt binary at install; the toolchain is the fallback when none fits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# The version pinned in package.json ("packageManager").
RUN npm install -g pnpm@12.4.2
WORKDIR /app
# The whole workspace: --frozen-lockfile needs every workspace package's manifest, and pnpm links them.
COPY . .
# tsx, the runtime loader, is a root devDependency, so development dependencies stay installed.
RUN pnpm install --frozen-lockfile

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    DATA_DIR=/data \
    HOST=0.0.0.0
WORKDIR /app
COPY --from=deps --chown=node:node /app /app
# A named volume mounted here starts out owned by `node` and 0700 (Docker copies the mode), so the
# services can write their stores and nobody else reads them (decision 0020: a wider folder is warned about).
RUN mkdir -p /data && chown node:node /data && chmod 700 /data
USER node
ARG SERVICE=api
ENV SERVICE=${SERVICE}
# 8080: the API and dashboards; 1883: the embedded broker (services/broker), when it is the one running.
EXPOSE 8080 1883
# node runs the service directly (exec: it is the process that receives SIGTERM and stops cleanly).
# Not `npx tsx`: npm exec does not pass SIGTERM on, so `docker stop` would end in SIGKILL.
CMD ["sh", "-c", "exec node --import tsx services/${SERVICE}/src/main.ts"]
