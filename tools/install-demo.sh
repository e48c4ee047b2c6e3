#!/bin/sh
# install-demo.sh - the public demo over SSH, for "make install-demo".
#
#   tools/install-demo.sh install   install the sshd drop-in and the demo
#                                   account's shell; without DESTDIR also
#                                   create the account (as root)
#   tools/install-demo.sh adapt DIR write the adapted drop-in and shell to
#                                   DIR only (the SSH tests use this)
#
# Taken from the environment (the Makefile passes its variables):
#   DESTDIR, BINDIR (the kiosk), SYSCONFDIR (kiosk.conf under kiosk/),
#   KIOSKLIBDIR (the demo shell), SSHDCONFDIR (sshd's drop-in directory),
#   DEMO_USER (the account, default demo), DEMO_HOME, and DEMO_AUTH:
#   "empty" (an empty password: anyone can ssh in) or "key" (a locked
#   password and a key pair whose private half you publish).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
: "${DESTDIR:=}" "${BINDIR:=/usr/local/bin}" "${SYSCONFDIR:=/usr/local/etc}"
: "${KIOSKLIBDIR:=/usr/local/lib/kiosk}" "${DEMO_USER:=demo}"
: "${SSHDCONFDIR:=/etc/ssh/sshd_config.d}"
: "${DEMO_HOME:=/var/lib/kiosk-demo}" "${DEMO_AUTH:=empty}"

case "$DEMO_USER" in
*[!a-z0-9_-]* | "" | -*) echo "install-demo: bad DEMO_USER '$DEMO_USER'" >&2; exit 2 ;;
esac
case "$DEMO_AUTH" in
empty | key) ;;
*) echo "install-demo: DEMO_AUTH must be empty or key" >&2; exit 2 ;;
esac

# The shipped files name the default paths and account; put in ours.
adapt() {
    sed -e "s|^Match User demo\$|Match User $DEMO_USER|" \
        -e "s|/usr/local/lib/kiosk/demo-shell|$KIOSKLIBDIR/demo-shell|" \
        -e "s|/usr/local/etc/kiosk/|$SYSCONFDIR/kiosk/|" \
        "$here/config/sshd-demo.conf" >"$1/sshd-demo.conf"
    sed -e "s|/usr/local/bin/kiosk |$BINDIR/kiosk |" \
        -e "s|/usr/local/etc/kiosk/kiosk.conf|$SYSCONFDIR/kiosk/kiosk.conf|" \
        "$here/config/demo-shell" >"$1/demo-shell"
    chmod 755 "$1/demo-shell"
}

# The account can do nothing but run the demo: its shell is demo-shell,
# its home belongs to root, and the only place it writes is its slots.
make_account() {
    if ! id "$DEMO_USER" >/dev/null 2>&1; then
        useradd --system --home-dir "$DEMO_HOME" --no-create-home \
            --shell "$KIOSKLIBDIR/demo-shell" --comment "kiosk public demo" \
            "$DEMO_USER"
    fi
    usermod --shell "$KIOSKLIBDIR/demo-shell" "$DEMO_USER"
    install -d -m 755 -o root -g root "$DEMO_HOME"
    : >"$DEMO_HOME/.hushlogin"
    install -d -m 700 -o "$DEMO_USER" -g "$(id -gn "$DEMO_USER")" "$DEMO_HOME/slots"
    keys="$SYSCONFDIR/kiosk/demo-authorized-keys"
    if [ "$DEMO_AUTH" = empty ]; then
        passwd -q -d "$DEMO_USER"
        [ -e "$keys" ] || : >"$keys"
        echo "The account $DEMO_USER has an empty password: anyone can connect."
    else
        usermod -p '*' "$DEMO_USER"
        key="$SYSCONFDIR/kiosk/demo-key"
        [ -e "$key" ] || ssh-keygen -q -t ed25519 -N '' -C "kiosk demo (public)" -f "$key"
        install -m 644 "$key.pub" "$keys"
        echo "The account $DEMO_USER takes only the key $key: publish that file."
    fi
}

cmd=${1:-install}
case "$cmd" in
adapt)
    adapt "$2"
    ;;
install)
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    adapt "$tmp"
    install -d "$DESTDIR$KIOSKLIBDIR" "$DESTDIR$SSHDCONFDIR" "$DESTDIR$SYSCONFDIR/kiosk"
    install -m 755 "$tmp/demo-shell" "$DESTDIR$KIOSKLIBDIR/demo-shell"
    install -m 644 "$tmp/sshd-demo.conf" "$DESTDIR$SSHDCONFDIR/kiosk-demo.conf"
    if [ -n "$DESTDIR" ]; then
        echo "Staged in $DESTDIR; no account was made. On the server, as root:"
        echo "  DEMO_USER=$DEMO_USER DEMO_AUTH=$DEMO_AUTH KIOSKLIBDIR=$KIOSKLIBDIR \\"
        echo "      SYSCONFDIR=$SYSCONFDIR tools/install-demo.sh account"
    elif [ "$(id -u)" -ne 0 ]; then
        echo "install-demo: creating the account $DEMO_USER needs root" >&2
        exit 1
    else
        make_account
    fi
    echo "Check and reload sshd:  sshd -t && systemctl reload ssh"
    ;;
account)
    make_account
    ;;
*)
    echo "usage: $0 install | adapt DIR | account" >&2
    exit 2
    ;;
esac
