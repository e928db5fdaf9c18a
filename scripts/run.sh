#!/bin/sh
# Entry point of `npm start` and `npm test`: installs the dependencies when they are missing or
# older than the lock file, then runs the task on the project's own Node 24 (the `node` devDependency),
# whatever Node the machine has.
set -e
cd "$(dirname "$0")/.."
if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[clearway] installing dependencies (npm ci)..." >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
task="$1"
shift
exec node_modules/.bin/node "scripts/$task.ts" "$@"
