#!/usr/bin/env bash
# Builds localhost/bookings-emulator:dev: the packed package, installed with its production
# dependencies on this machine (no npm inside the image), on BASE_IMAGE (default node:20-slim).
set -euo pipefail
cd "$(dirname "$0")/.."
base="${BASE_IMAGE:-node:20-slim}"
image="${1:-localhost/bookings-emulator:dev}"
context="$(mktemp -d)"
trap 'rm -rf "$context"' EXIT
[ -f dist/emulator/cli/main.js ] || npm run --silent build
npm pack --ignore-scripts --silent --pack-destination "$context" >/dev/null
mkdir -p "$context/app"
(cd "$context/app" && printf '{"name":"bookings-emulator-image","private":true}\n' > package.json \
  && npm install ../bookings-emulator-*.tgz --omit=dev --omit=optional --no-audit --no-fund --prefer-offline --silent)
docker build --quiet --build-arg "BASE_IMAGE=$base" -t "$image" -f docker/Dockerfile "$context" >/dev/null
echo "$image"
