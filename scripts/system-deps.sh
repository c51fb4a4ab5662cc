#!/usr/bin/env bash
# Debian packages the test suite needs: Chromium for the browser journeys, poppler for PDF checks,
# Pango for PDF rendering, fribidi/raqm for Arabic shaping in Pillow. Installed only when missing.
set -euo pipefail

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
ldconfig -p | grep -q libfribidi || missing+=(libfribidi0)
ldconfig -p | grep -q libraqm || missing+=(libraqm0)
ldconfig -p | grep -q libpango-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
command -v bearerbox >/dev/null || missing+=(kannel)
[ -x /usr/lib/kannel/test/fakesmsc ] || missing+=(kannel-extras)
if [ ${#missing[@]} -gt 0 ]; then
  as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi
echo "system packages: ready"
