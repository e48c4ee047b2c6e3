#!/bin/sh
# install-appliance.sh - the kiosk on a screen, for "make install-appliance"
# (README, "On a kiosk with a screen"): the session script, the systemd
# unit with this installation's paths, the display settings, the
# machine's lock-down (tools/install-lockdown.sh: no console switch, no
# SysRq, no Ctrl+Alt+Del) and, without DESTDIR, the unprivileged account
# "kiosk" (as root).
#
# Taken from the environment (the Makefile passes its variables; the
# defaults are its own for PREFIX=/usr/local):
#   DESTDIR, BINDIR (the kiosk), SYSCONFDIR (kiosk.conf and display.conf
#   under kiosk/), KIOSKLIBDIR (kiosk-session), SYSTEMDUNITDIR.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
: "${DESTDIR:=}" "${BINDIR:=/usr/local/bin}" "${SYSCONFDIR:=/usr/local/etc}"
: "${KIOSKLIBDIR:=/usr/local/lib/kiosk}"
: "${SYSTEMDUNITDIR:=/usr/local/lib/systemd/system}"
KIOSK_USER=kiosk
KIOSK_HOME=/var/lib/kiosk

unit="$DESTDIR$SYSTEMDUNITDIR/kiosk-display.service"
install -d "$DESTDIR$KIOSKLIBDIR" "$DESTDIR$SYSTEMDUNITDIR" \
    "$DESTDIR$SYSCONFDIR/kiosk"
install -m 755 "$here/config/kiosk-session" "$DESTDIR$KIOSKLIBDIR/kiosk-session"
sed -e "s|@BINDIR@|$BINDIR|g" -e "s|@SYSCONFDIR@|$SYSCONFDIR|g" \
    -e "s|@KIOSKLIBDIR@|$KIOSKLIBDIR|g" \
    "$here/config/kiosk-display.service.in" >"$unit.tmp"
mv "$unit.tmp" "$unit"
chmod 644 "$unit"
# The officer's own settings survive a reinstall.
conf="$DESTDIR$SYSCONFDIR/kiosk/display.conf"
[ -e "$conf" ] || install -m 644 "$here/config/display.conf" "$conf"
DESTDIR=$DESTDIR "$here/tools/install-lockdown.sh" install

if [ -z "$DESTDIR" ]; then
    if ! id "$KIOSK_USER" >/dev/null 2>&1; then
        useradd --system --home-dir "$KIOSK_HOME" --no-create-home \
            --shell /usr/sbin/nologin --comment "self-service kiosk" \
            "$KIOSK_USER"
    fi
    systemctl daemon-reload 2>/dev/null || true
    echo "Installed. To start the kiosk on the screen at every boot:"
    echo "  systemctl enable --now kiosk-display.service"
fi
