#!/usr/bin/env bash
# Installs what the end-to-end browser test (internal/server/e2e) needs:
# Debian's chromium package, driven by chromedp. No browser is downloaded
# from anywhere else. Safe to run twice; does nothing when chromium exists.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
	echo "browser-deps: $(chromium --version 2>/dev/null || echo chromium) already installed"
	exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "browser-deps: no apt-get; install Chromium with your package manager (the test skips without it)" >&2
	exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
echo "browser-deps: installed $(chromium --version 2>/dev/null || echo chromium)"
