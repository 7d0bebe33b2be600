# syntax=docker/dockerfile:1
# Multi-stage: compile with dev dependencies, ship only production dependencies and dist/, run as
# the unprivileged `node` user (uid 1000).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
RUN node scripts/build.mjs && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
USER node
EXPOSE 3000
# Signals reach node directly (exec form), so SIGTERM triggers the graceful shutdown.
CMD ["node", "--enable-source-maps", "dist/main.js"]
