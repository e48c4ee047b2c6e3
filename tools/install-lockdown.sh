#!/bin/sh
# install-lockdown.sh - the keys that would leave the kiosk, turned off for
# the whole machine; run by tools/install-appliance.sh (make
# install-appliance) and make install-service (README, "On a kiosk with a
# screen", "What is turned off"):
#
#   tools/install-lockdown.sh install | uninstall
#
#   /etc/X11/xorg.conf.d/50-kiosk.conf        no console switch (Ctrl+Alt+Fn),
#                                             no Ctrl+Alt+Backspace, srvrkeys:none
#                                             for every keyboard (config/lockdown/xorg.conf)
#   /etc/sysctl.d/50-kiosk.conf               kernel.sysrq = 0 (Alt+SysRq+B ...)
#   /etc/systemd/logind.conf.d/50-kiosk.conf  no login prompts on other consoles
#   /etc/systemd/system.conf.d/50-kiosk.conf  no reboot on Ctrl+Alt+Del pressed 7 times
#   /etc/systemd/system/ctrl-alt-del.target   -> /dev/null (masked): Ctrl+Alt+Del
#                                             does nothing
#
# Machine-wide settings, so always under /etc (PREFIX does not apply:
# the X server and systemd read nowhere else that an administrator owns),
# under DESTDIR when it is set. Without DESTDIR, the kernel setting takes
# effect at once; logind's at the next boot.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
: "${DESTDIR:=}"
etc=$DESTDIR/etc
mask=$etc/systemd/system/ctrl-alt-del.target

# "source destination" pairs.
files() {
    cat <<EOF
xorg.conf $etc/X11/xorg.conf.d/50-kiosk.conf
sysctl.conf $etc/sysctl.d/50-kiosk.conf
logind.conf $etc/systemd/logind.conf.d/50-kiosk.conf
system.conf $etc/systemd/system.conf.d/50-kiosk.conf
EOF
}

install_all() {
    files | while read -r src dst; do
        install -d "$(dirname "$dst")"
        install -m 644 "$here/config/lockdown/$src" "$dst"
    done
    install -d "$(dirname "$mask")"
    ln -sfn /dev/null "$mask"
    if [ -z "$DESTDIR" ]; then
        sysctl -q -p "$etc/sysctl.d/50-kiosk.conf" 2>/dev/null ||
            echo "install-lockdown: kernel.sysrq = 0 from the next boot"
        systemctl daemon-reload 2>/dev/null || true
    fi
}

uninstall_all() {
    files | while read -r _ dst; do
        rm -f "$dst"
    done
    if [ -L "$mask" ] && [ "$(readlink "$mask")" = /dev/null ]; then
        rm -f "$mask"
    fi
}

case ${1:-} in
install) install_all ;;
uninstall) uninstall_all ;;
*)
    echo "usage: tools/install-lockdown.sh install | uninstall" >&2
    exit 2
    ;;
esac
