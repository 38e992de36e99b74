#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring,
# so tests use a real OS keychain (Secret Service) even on a headless machine.
set -euo pipefail
if [ "$#" -eq 0 ]; then echo "usage: scripts/with-keyring.sh <command> [args...]" >&2; exit 2; fi
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
export XDG_DATA_HOME="$keyring_home"
cmd=$(printf '%q ' "$@")
# The command starts only once the unlocked daemon owns org.freedesktop.secrets. A call that came
# first would have D-Bus start a second daemon (its .service file), whose keyring is locked: on a
# loaded machine every keychain call then failed with "unlock prompt was dismissed".
exec dbus-run-session -- sh -c "printf %s outreach-desk-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 1
  tries=0
  until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; do
    tries=\$((tries + 1))
    if [ \$tries -ge 200 ]; then echo 'with-keyring.sh: gnome-keyring did not take the Secret Service name within 20 s' >&2; exit 1; fi
    sleep 0.1
  done
  exec $cmd"
