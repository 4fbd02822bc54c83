#!/usr/bin/env bash
# Install, with apt-get, the packages listed in .ci/packages that are missing.
# Quick and silent when everything is there.
set -euo pipefail
list=$(dirname "$0")/packages
mapfile -t pkgs < <(sed 's/#.*//' "$list" | tr -s ' \t' '\n' | sed '/^$/d')

missing=()
while read -r name status; do
	[ "$status" = installed ] || missing+=("$name")
done < <(for p in "${pkgs[@]}"; do
	printf '%s %s\n' "$p" "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || echo absent)"
done)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "make deps: missing packages; as root run:" >&2
	echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
	exit 1
fi
echo "make deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
