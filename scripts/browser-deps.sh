#!/usr/bin/env bash
# Installs what the end-to-end browser test (internal/server/e2e) needs:
# Debian's chromium package, driven by chromedp. No browser is downloaded
# from anywhere else. Safe to run twice; does nothing when chromium exists.
# apt waits up to 10 minutes for the dpkg lock, so it can run while other
# package installs are in progress on the machine.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
	echo "browser-deps: $(chromium --version 2>/dev/null || echo chromium) already installed"
	exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "browser-deps: no apt-get; install Chromium with your package manager (the browser test needs it in CI)" >&2
	exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
lock=(-o DPkg::Lock::Timeout=600)

# The package lists are fetched only when they do not know chromium yet.
# apt-get update takes the lists lock, which DPkg::Lock::Timeout may not
# cover on older apt: retry while another apt holds it.
if ! apt-cache show chromium >/dev/null 2>&1; then
	for try in $(seq 1 20); do
		if $sudo apt-get "${lock[@]}" update -qq; then
			break
		fi
		if [ "$try" -eq 20 ]; then
			echo "browser-deps: apt-get update failed 20 times" >&2
			exit 1
		fi
		echo "browser-deps: apt-get update failed (another apt running?); retrying in 30 s" >&2
		sleep 30
	done
fi
$sudo apt-get "${lock[@]}" install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
echo "browser-deps: installed $(chromium --version 2>/dev/null || echo chromium)"
