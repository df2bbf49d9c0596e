#!/usr/bin/env bash
# Installs what rolecall's demo and tests need on a fresh Debian 12 machine (run as root):
# the real AWS CLI v2, Chromium for the browser logins (and Xvfb, a display for its windows), the shells the exports are tested in,
# keyring services, a load generator, man (the manual page), ruby (the Homebrew formula), boto3, python's cryptography (aws-runas's password encoder in the tests), an
# SSH server and iproute2 (for `rolecall ssh` and the container tests); then the npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  awscli chromium xvfb zsh fish dash tmux keyutils gnome-keyring dbus dbus-x11 libsecret-tools wrk xdg-utils ca-certificates procps \
  man-db ruby python3-boto3 python3-cryptography openssh-server openssh-client iproute2 >/dev/null
npm ci --no-audit --no-fund
# Node.js 22 and 24 as npm packages, for test/integration/node-versions.test.ts (Linux x64 builds)
if [ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ]; then
  npm ci --prefix test/node-versions --no-audit --no-fund
fi
