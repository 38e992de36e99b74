#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring,
# so tests use a real OS keychain (Secret Service) even on a headless machine.
set -euo pipefail
if [ "$#" -eq 0 ]; then echo "usage: scripts/with-keyring.sh <command> [args...]" >&2; exit 2; fi
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
export XDG_DATA_HOME="$keyring_home"
cmd=$(printf '%q ' "$@")
exec dbus-run-session -- sh -c "printf %s outreach-desk-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec $cmd"
