#!/usr/bin/env bash
# Builds a Node base image from this machine's own node binary and the libraries it links, with no
# registry access: localhost/bookings-emulator-base:node20 (.ci/run calls it before the image build).
set -euo pipefail
image="${1:-localhost/bookings-emulator-base:node20}"
node_bin="$(command -v node)"
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/usr/bin" "$root/tmp" "$root/etc" "$root/data"
cp -L "$node_bin" "$root/usr/bin/node"
for lib in $(ldd "$node_bin" | grep -o '/[^ ]*'); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
chmod 1777 "$root/tmp"
printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/app:/usr/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\nnode:x:1000:\n' > "$root/etc/group"
printf '127.0.0.1 localhost\n::1 localhost\n' > "$root/etc/hosts"
chown 1000:1000 "$root/data"
tar -C "$root" -c . | docker import - "$image" >/dev/null
echo "$image"
