#!/usr/bin/env bash
# Tools the integration tests use besides the stack: headless Chromium renders the auditors' HTML
# report. Installed from Debian when missing and we are root; otherwise says what to install.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then exit 0; fi
if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
  echo "[tools] installing chromium from Debian (headless report rendering test)" >&2
  log="${XDG_CACHE_HOME:-$HOME/.cache}/clearway/apt-chromium.log"
  mkdir -p "$(dirname "$log")"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >"$log" 2>&1 \
    || { tail -n 20 "$log" >&2; echo "[tools] apt-get install chromium failed" >&2; exit 1; }
else
  echo "[tools] chromium is required for the report rendering test (Debian: sudo apt-get install chromium)" >&2
  exit 1
fi
