#!/bin/sh
# Install the Debian packages of tools/debian-packages.txt that are missing.
# As root it runs apt-get; as anyone else it prints the exact line to run.
set -eu
here=$(dirname "$0")
list=$(grep -v '^#' "$here/debian-packages.txt" | tr -s ' \n' ' ')
missing=""
for p in $list; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0
line="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages. As root, run:" >&2
    echo "  apt-get update && $line" >&2
    exit 1
fi
echo "Installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
