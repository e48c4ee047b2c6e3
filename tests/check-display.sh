#!/bin/bash
# shellcheck disable=SC2317 # functions run through wait_for
# check-display.sh - the kiosk on a screen, checked from the screen's own
# pixels ("make check-display"; "make screenshots" keeps the pictures).
#
#   tests/check-display.sh [--pictures DIR] KIOSK WORKDIR
#
# For each screen size (1024x768 and 1280x1024 in full, 1920x1080 for the
# size only) it starts a headless X server (Xvfb) and in it the appliance's
# own session script, config/kiosk-session, running `KIOSK --demo` in
# Japanese with the shipped config/kiosk.conf. Then, as a person would:
#   - the font size the session chose gives at least 80x24 cells, and the
#     terminal covers the whole screen;
#   - screenshots (PNG, from the X server) of the attract, PIN and
#     reminder screens each fill the screen and are not blank;
#   - keys (XTEST, as from a keyboard) and a pointer click on the menu's
#     "[2]" button reach the kiosk: its --status-file follows each step,
#     and the click gives the reminder, which only that button opens;
#   - zbarimg decodes the reminder's QR code from the screenshot's pixels
#     and gets the configured URL back exactly;
#   - the screen saver is off and no key switches away from the kiosk;
#   - tools/install-appliance.sh installs under a DESTDIR, and the unit
#     it writes passes `systemd-analyze verify` and says what it must.
# Where the button is comes from a twin: the same kiosk at the same
# number of cells in tmux, whose screen can be read as text.
#
# With --pictures DIR, only 1024x768 runs, and its screenshots are kept in
# DIR (reduced to 8-bit colour, each decoded again) for the README.
set -euo pipefail

pictures=
if [ "${1:-}" = --pictures ]; then
    pictures=$2
    shift 2
fi
if [ $# -ne 2 ]; then
    echo "usage: tests/check-display.sh [--pictures DIR] KIOSK WORKDIR" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")/.." && pwd)
kiosk=$(realpath "$1")
work=$(realpath -m "$2")
conf=$here/config/kiosk.conf
session=$here/config/kiosk-session
wait_s=20
failures=0
passes=0
pids=()
twins=()

export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset LANGUAGE NO_COLOR

# ---- reporting ------------------------------------------------------------

ok() { passes=$((passes + 1)); echo "ok   $*"; }
bad() { failures=$((failures + 1)); echo "FAIL $*"; }
die() { bad "$*"; finish; }

finish() {
    stop_all
    echo "check-display: $passes passed, $failures failed"
    [ "$failures" -eq 0 ] && exit 0
    exit 1
}

stop_all() {
    local p
    for p in "${pids[@]}"; do
        kill "$p" 2>/dev/null || true
    done
    for p in "${pids[@]}"; do
        wait "$p" 2>/dev/null || true
    done
    pids=()
    for p in "${twins[@]}"; do
        tmux -L "$p" kill-server 2>/dev/null || true
    done
    twins=()
}
trap 'stop_all' EXIT
trap 'echo "check-display: interrupted"; exit 1' INT TERM

# ---- waiting and reading the kiosk -----------------------------------------

now_ms() { date +%s%3N; }

# Run "$@" until it succeeds, for at most wait_s seconds.
wait_for() {
    local end=$(($(now_ms) + wait_s * 1000))
    until "$@"; do
        [ "$(now_ms)" -lt "$end" ] || return 1
        sleep 0.05
    done
}

state_is() { grep -qx "state=$2" "$1" 2>/dev/null; }

# Wait for the status file $1 to say state $2, or fail with what it says.
expect_state() {
    if wait_for state_is "$1" "$2"; then
        return 0
    fi
    die "waited for state=$2; the status file says: $(grep state= "$1" 2>/dev/null)"
}

# Rows, columns and the cell's size in pixels of the terminal the process
# $1 reads from (TIOCGWINSZ, which xterm fills in with pixels too).
winsize() {
    perl -e 'open(my $t, "<", $ARGV[0]) or exit 1;
             my $ws = "\0" x 8; ioctl($t, 0x5413, $ws) or exit 1;
             my ($r, $c, $x, $y) = unpack("S4", $ws);
             print "$r $c ", ($c ? int($x / $c) : 0), " ",
                   ($r ? int($y / $r) : 0), "\n";' "/proc/$1/fd/0"
}

# ---- the X server and the session -------------------------------------------

# Start Xvfb at $1x$2; sets display.
start_x() {
    local fifo=$dir/displayfd
    rm -f "$fifo"
    mkfifo "$fifo"
    Xvfb -displayfd 3 -screen 0 "${1}x${2}x24" -nolisten tcp -noreset \
        3>"$fifo" >"$dir/xvfb.log" 2>&1 &
    pids+=($!)
    read -r -t "$wait_s" n <"$fifo" || die "Xvfb did not start ($dir/xvfb.log)"
    display=:$n
}

# The appliance's session with the kiosk in demo mode, in Japanese.
start_session() {
    DISPLAY=$display "$session" "$kiosk" --demo --lang ja --config "$conf" \
        --ledger "$dir/ledger.db" --status-file "$dir/status" \
        >"$dir/session.log" 2>&1 &
    pids+=($!)
}

x() { DISPLAY=$display "$@"; }

# The kiosk's window: at 0,0 and as large as the screen once maximized.
window_geometry() {
    x xdotool search --onlyvisible --classname '^kiosk$' getwindowgeometry \
        2>/dev/null | sed -n 's/.*Position: \([0-9]*,[0-9]*\).*/\1/p; s/.*Geometry: //p' |
        paste -sd ' '
}
window_full() { [ "$(window_geometry)" = "0,0 ${width}x$height" ]; }

# The kiosk's terminal, once it has its final size (cells times the cell
# size cover the screen but for less than one cell).
term_final() {
    local pid
    pid=$(sed -n 's/^pid=//p' "$dir/status" 2>/dev/null) || return 1
    [ -n "$pid" ] || return 1
    read -r rows cols cw ch < <(winsize "$pid") || return 1
    [ "$cw" -gt 0 ] && [ $((width - cols * cw)) -lt "$cw" ] &&
        [ $((height - rows * ch)) -lt "$ch" ]
}

# ---- screenshots --------------------------------------------------------------

grab() { x import -window root "$1"; }
signature() { identify -format '%#' "$1"; }

# A screenshot once the screen has settled (two grabs alike).
shot() {
    local png=$dir/$1.png prev=x cur
    local end=$(($(now_ms) + wait_s * 1000))
    while :; do
        sleep 0.2
        grab "$png"
        cur=$(signature "$png")
        [ "$cur" = "$prev" ] && break
        prev=$cur
        [ "$(now_ms)" -lt "$end" ] || break
    done
    check_picture "$1" "$png"
}

# The kiosk lays its screens out in at most UI_MAX_COLS x UI_MAX_LINES
# cells (screens/ui.h), centred; the terminal may be larger.
ui_max() {
    sed -n "s/^#define UI_MAX_$1 *\([0-9]*\).*/\1/p" "$here/screens/ui.h"
}

# The picture is the whole screen, the kiosk's frame reaches all four
# edges of the kiosk's area of the terminal (all of it, up to the most
# the kiosk uses, centred), and it is neither blank nor all dark.
check_picture() {
    local name=$1 png=$2 w h box bw bh bx by dark uw uh x0 y0
    uw=$(ui_max COLS) uh=$(ui_max LINES)
    [ -n "$uw" ] && [ "$uw" -lt "$cols" ] || uw=$cols
    [ -n "$uh" ] && [ "$uh" -lt "$rows" ] || uh=$rows
    # Whole cells, as ncurses centres.
    # shellcheck disable=SC2017
    x0=$(((cols - uw) / 2 * cw)) y0=$(((rows - uh) / 2 * ch))
    read -r w h < <(identify -format '%w %h\n' "$png")
    box=$(convert "$png" -fuzz 15% -trim -format '%w %h %X %Y' info:)
    read -r bw bh bx by <<<"${box//+/}"
    dark=$(convert "$png" -colorspace gray -threshold 60% -negate \
               -format '%[fx:mean]' info:)
    if [ "$w x $h" != "$width x $height" ]; then
        bad "$label $name: the picture is ${w}x$h, not the screen's ${width}x$height"
    elif [ "$bx" -gt $((x0 + cw)) ] || [ "$by" -gt $((y0 + ch)) ] ||
        [ $((bx + bw)) -lt $((x0 + (uw - 1) * cw)) ] ||
        [ $((by + bh)) -lt $((y0 + (uh - 1) * ch)) ]; then
        bad "$label $name: the drawing covers only ${bw}x$bh+$bx+$by, not ${uw}x$uh cells from $x0,$y0"
    elif ! awk -v d="$dark" 'BEGIN { exit !(d > 0.01 && d < 0.6) }'; then
        bad "$label $name: blank or all dark (dark share $dark)"
    else
        ok "$label $name: the whole screen, the kiosk's ${uw}x$uh cells drawn (${bw}x$bh px at $bx,$by), dark share $dark"
    fi
}

# The text of a QR code in the picture, or nothing.
decode() { zbarimg --quiet --raw "$1" 2>/dev/null | head -n 1 || true; }

# ---- the twin: where a button is --------------------------------------------

# Start the same kiosk in tmux at cols x rows, up to the menu, and set
# cell to the row and column (in cells) where "$1" starts on it.
twin_find() {
    local sock="check-display-$$-$width" cap
    twins+=("$sock")
    tmux -L "$sock" -f /dev/null new-session -d -x "$cols" -y "$rows" -s k \
        "$kiosk --demo --lang ja --config '$conf' --ledger '$dir/twin.db' \
         --status-file '$dir/twin.status'; sleep 60"
    expect_state "$dir/twin.status" attract
    tmux -L "$sock" send-keys -t k F2
    expect_state "$dir/twin.status" menu
    sleep 0.3
    cap=$(tmux -L "$sock" capture-pane -p -t k)
    tmux -L "$sock" kill-server
    printf '%s\n' "$cap" >"$dir/twin-menu.txt"
    # Columns count display cells: wide (East Asian W/F) characters two.
    grep -q -P '[\p{Han}\p{Hiragana}\p{Katakana}]' "$dir/twin-menu.txt" &&
        ok "$label: the screens are in Japanese ($(grep -m1 -P '[\p{Han}\p{Hiragana}]' "$dir/twin-menu.txt" | tr -s ' │'))"
    cell=$(perl -CSD -ne 'BEGIN { $want = shift }
        my $i = index($_, $want);
        if ($i >= 0) {
            my $pre = substr($_, 0, $i);
            my $wide = () = $pre =~ /[\p{Ea=W}\p{Ea=F}]/g;
            print $. - 1, " ", length($pre) + $wide, "\n";
            exit;
        }' "$1" "$dir/twin-menu.txt")
}

# ---- one screen size ----------------------------------------------------------

setup_mode() {
    width=$1 height=$2 label="${1}x$2"
    dir=$work/$label
    rm -rf "$dir"
    mkdir -p "$dir"
    start_x "$width" "$height"
    start_session
    expect_state "$dir/status" attract
    wait_for window_full || die "$label: the kiosk's window is $(window_geometry), not the whole screen"
    wait_for term_final || die "$label: the terminal never took the screen's size"
    local px
    px=$(sed -n 's/.* at \([0-9]*\) pixels.*/\1/p' "$dir/session.log")
    echo "     $label: font ${px:-?} px, cell ${cw}x$ch, terminal ${cols}x$rows cells"
    if [ "$cols" -ge 80 ] && [ "$rows" -ge 24 ]; then
        ok "$label: ${cols}x$rows cells (at least 80x24)"
    else
        bad "$label: only ${cols}x$rows cells"
    fi
}

saver_off() {
    local q
    q=$(x xset q)
    grep -q 'timeout:  0' <<<"$q" && grep -q 'prefer blanking:  no' <<<"$q"
}
no_switch_keys() {
    x setxkbmap -query | grep -q 'srvrkeys:none' &&
        ! x xmodmap -pke | grep -q -E 'XF86Switch_VT|Terminate_Server'
}

check_locked_down() {
    if wait_for saver_off; then
        ok "$label: the screen saver is off"
    else
        bad "$label: the screen saver is on: $(x xset q | grep -A2 'Screen Saver' | tr -s ' \n' ' ')"
    fi
    if wait_for no_switch_keys; then
        ok "$label: no key switches consoles or ends the X server"
    else
        bad "$label: Ctrl+Alt+F-keys or Ctrl+Alt+Backspace still act"
    fi
}

# A left click at the middle of the cell row, col.
click_cell() {
    local px=$(($2 * cw + cw / 2)) py=$(($1 * ch + ch / 2))
    x xdotool mousemove "$px" "$py" click 1
}

check_reminder_qr() {
    local want got
    want=$(awk -F ' *= *' '/^\[/ { in_urls = $0 == "[urls]" }
                           in_urls && $1 == "card" { print $2 }' "$conf")
    x xdotool key 4
    sleep 0.3
    x xdotool key 4
    shot reminder-qr
    got=$(decode "$dir/reminder-qr.png")
    if [ "$got" = "$want" ]; then
        ok "$label reminder: zbarimg reads the QR code from the screenshot: $got"
    elif grep -q 'ui_qr_page\|qr_draw' "$here/screens/reminder.c"; then
        bad "$label reminder: QR code read as \"$got\", configured \"$want\""
    else
        echo "     $label reminder: the reminder screen has no QR code yet (screens/reminder.c)"
    fi
}

full_mode() {
    local row col
    setup_mode "$1" "$2"
    check_locked_down
    shot attract
    # Keys: the card goes in (F2, as the demo's card control).
    x xdotool key F2
    expect_state "$dir/status" menu && ok "$label: key F2 inserts the card: menu"
    # The pointer: a click on "[2]" opens the reminder; "[1]" would
    # have opened the terms, anything else nothing.
    twin_find "[2]"
    [ -n "$cell" ] || die "$label: no \"[2]\" on the twin's menu ($dir/twin-menu.txt)"
    read -r row col <<<"$cell"
    click_cell "$row" $((col + 1))
    expect_state "$dir/status" reminder &&
        ok "$label: a click on [2] at cell $row,$((col + 1)) opens the reminder"
    shot reminder
    check_reminder_qr
    # Back to the menu ("[1]"), and on to the PIN.
    x xdotool key 1
    expect_state "$dir/status" menu
    x xdotool key 1
    expect_state "$dir/status" terms
    x xdotool key 1
    expect_state "$dir/status" auth-choice
    x xdotool key 1
    expect_state "$dir/status" pin && ok "$label: keys 1, 1, 1 lead to the PIN screen"
    x xdotool key 1 2
    shot pin
    stop_all
}

size_mode() {
    setup_mode "$1" "$2"
    shot attract
    stop_all
}

keep_pictures() {
    local name
    mkdir -p "$pictures"
    for name in attract pin reminder reminder-qr; do
        convert "$dir/$name.png" +dither -colors 32 "PNG8:$pictures/$name.png"
    done
    if [ "$(decode "$pictures/reminder-qr.png")" = "$(decode "$dir/reminder-qr.png")" ]; then
        ok "pictures in $pictures: $(du -ch "$pictures"/*.png | tail -1 | cut -f1)"
    else
        bad "the kept reminder-qr.png no longer decodes"
    fi
}

# ---- the installation ---------------------------------------------------------

unit_says() { grep -q -x -e "$2" "$1" || { bad "the unit lacks \"$2\""; return 1; }; }

check_install() {
    local stage=$work/stage unit f
    rm -rf "$stage"
    DESTDIR=$stage "$here/tools/install-appliance.sh" >"$work/install.log" 2>&1 ||
        die "tools/install-appliance.sh failed ($work/install.log)"
    unit=$stage/usr/local/lib/systemd/system/kiosk-display.service
    for f in "$unit" "$stage/usr/local/lib/kiosk/kiosk-session" \
        "$stage/usr/local/etc/kiosk/display.conf"; do
        [ -f "$f" ] || die "install-appliance did not install ${f#"$stage"}"
    done
    if grep -q '@[A-Z]*@' "$unit"; then
        bad "the installed unit still has a placeholder: $(grep '@[A-Z]*@' "$unit")"
    fi
    if systemd-analyze verify --man=no "$unit" >"$work/verify.log" 2>&1; then
        ok "install-appliance: the unit passes systemd-analyze verify"
    else
        bad "systemd-analyze verify: $(cat "$work/verify.log")"
    fi
    unit_says "$unit" 'User=kiosk' && unit_says "$unit" 'Restart=always' &&
        unit_says "$unit" 'After=pcscd.socket.*' &&
        unit_says "$unit" 'ExecStart=.* -nocursor -s 0 -dpms' &&
        unit_says "$unit" 'WantedBy=graphical.target' &&
        ok "install-appliance: the unit runs as kiosk after pcscd.socket, restarts, hides the pointer, keeps the screen on"
}

mkdir -p "$work"
check_install
if [ -n "$pictures" ]; then
    full_mode 1024 768
    keep_pictures
else
    full_mode 1024 768
    full_mode 1280 1024
    size_mode 1920 1080
fi
finish
