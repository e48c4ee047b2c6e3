#!/bin/bash
# shellcheck disable=SC2317 # functions run through wait_for
# check-display.sh - the kiosk on a screen, checked from the screen's own
# pixels ("make check-display"; "make screenshots" keeps the pictures).
#
#   tests/check-display.sh [--pictures DIR] KIOSK WORKDIR
#
# First it installs the appliance and the console service under a staging
# directory (DESTDIR) and reads back what they install: both units pass
# `systemd-analyze verify` and say what they must; the lock-down is where
# systemd reads it (Ctrl+Alt+Del masked, no SysRq, no spare consoles), and
# the real X server (Xorg, on its screenless dummy driver) started with
# the staged xorg.conf.d says console switching and Ctrl+Alt+Backspace
# are off.
#
# Then for each screen size (1024x768 and 1280x1024 in full, 1920x1080 for
# the size only) it starts the session the way the installed unit does:
# its ExecStart's startx, with the appliance's own session script,
# config/kiosk-session, and the X server options of the unit, but with a
# headless X server (Xvfb) and `KIOSK --demo` in Japanese with the shipped
# config/kiosk.conf. Then, as a person would:
#   - the font size the session chose gives at least 80x24 cells, and the
#     terminal covers the whole screen;
#   - screenshots (PNG, from the X server) of the attract, PIN and
#     reminder screens each fill the screen and are not blank;
#   - keys (XTEST, as from a keyboard) and a pointer click on the menu's
#     "[2]" button reach the kiosk: its --status-file follows each step,
#     and the click gives the reminder, which only that button opens;
#   - zbarimg decodes the reminder's QR code from the screenshot's pixels
#     and gets the configured URL back exactly;
#   - the screen saver is off and no key switches away from the kiosk.
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
build=$(dirname "$kiosk") # the build directory (make's BUILD)
work=$(realpath -m "$2")
stage=$work/stage
display_unit=$stage/usr/local/lib/systemd/system/kiosk-display.service
conf=$here/config/kiosk.conf
session=$here/config/kiosk-session
wait_s=20
failures=0
passes=0
pids=()
sessions=()
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
    # startx leaves the X server and the session to xinit, which ends
    # both when it is told to.
    for p in "${sessions[@]}"; do
        # shellcheck disable=SC2046 # one word per process
        kill $(ps -o pid= --ppid "$p") 2>/dev/null || true
    done
    sessions=()
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

# A display number nobody uses, away from the low ones that servers
# started with -displayfd take.
free_display() {
    local n
    for n in $(shuf -i 100-899 -n 50); do
        if [ ! -e "/tmp/.X$n-lock" ] && [ ! -e "/tmp/.X11-unix/X$n" ]; then
            echo "$n"
            return 0
        fi
    done
    return 1
}

# The session as the installed unit starts it: its ExecStart's program
# (startx: an X authority cookie, xinit) and session script, and its X
# server options, with Xvfb at $1x$2 for the server and the kiosk in demo
# mode, in Japanese. Sets display.
start_session() {
    local exec server_opts
    exec=$(sed -n 's/^ExecStart=//p' "$display_unit")
    server_opts=${exec##* -- }
    [ "$server_opts" != "$exec" ] || die "no X server options in the unit: $exec"
    display=:$(free_display) || die "no free X display number"
    export XAUTHORITY=$dir/Xauthority
    # shellcheck disable=SC2086 # the unit's options are words
    "${exec%% *}" "$session" "$kiosk" --demo --lang ja --config "$conf" \
        --ledger "$dir/ledger.db" --status-file "$dir/status" \
        -- "$(command -v Xvfb)" "$display" -screen 0 "${1}x${2}x24" \
        $server_opts >"$dir/session.log" 2>&1 &
    pids+=($!)
    sessions+=($!)
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
    start_session "$width" "$height"
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
    if [ -n "$want" ] && [ "$got" = "$want" ]; then
        ok "$label reminder: zbarimg reads the QR code from the screenshot: $got"
    else
        bad "$label reminder: QR code read as \"$got\", configured \"$want\""
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

unit_says() { grep -q -x -e "$2" "$1" || { bad "${1##*/} lacks \"$2\""; return 1; }; }

# systemd-analyze verify, which must pass and say nothing (it only warns
# about an unknown setting). Arguments: the options, then the unit.
verify_unit() {
    local name=${*: -1}
    if systemd-analyze verify --man=no "$@" >"$work/verify.log" 2>&1 &&
        [ ! -s "$work/verify.log" ]; then
        ok "${name##*/} passes systemd-analyze verify"
    else
        bad "systemd-analyze verify ${name##*/}: $(cat "$work/verify.log")"
    fi
}

# Both installers into the stage: make install-service (the console
# unit) and tools/install-appliance.sh, as make install-appliance runs it.
stage_install() {
    rm -rf "$stage"
    make -s -C "$here" --no-print-directory BUILD="$build" DESTDIR="$stage" \
        install-service >"$work/install.log" 2>&1 ||
        die "make install-service failed ($work/install.log)"
    DESTDIR=$stage "$here/tools/install-appliance.sh" >>"$work/install.log" 2>&1 ||
        die "tools/install-appliance.sh failed ($work/install.log)"
}

check_units() {
    local unit=$display_unit console f
    console=$stage/usr/local/lib/systemd/system/kiosk.service
    for f in "$unit" "$console" "$stage/usr/local/lib/kiosk/kiosk-session" \
        "$stage/usr/local/etc/kiosk/display.conf"; do
        [ -f "$f" ] || die "the installers did not install ${f#"$stage"}"
    done
    if grep -q '@[A-Z]*@' "$unit"; then
        bad "the installed unit still has a placeholder: $(grep '@[A-Z]*@' "$unit")"
    fi
    # The display unit's programs are this machine's (startx, X).
    verify_unit "$unit"
    # The console unit runs the staged kiosk: verified inside the stage,
    # beside the units it names (pcscd.socket, getty@.service, targets) as
    # this machine has them.
    mkdir -p "$stage/usr/lib/systemd"
    cp -a /usr/lib/systemd/system "$stage/usr/lib/systemd/"
    verify_unit --root="$stage" "${console#"$stage"}"
    if unit_says "$unit" 'User=kiosk' && unit_says "$unit" 'Restart=always' &&
        unit_says "$unit" 'After=pcscd.socket.*' &&
        unit_says "$unit" 'ExecStart=.* -nocursor -s 0 -dpms' &&
        unit_says "$unit" 'WantedBy=graphical.target'; then
        ok "install-appliance: the unit runs as kiosk after pcscd.socket, restarts, hides the pointer, keeps the screen on"
    fi
    if unit_says "$console" 'User=kiosk' &&
        unit_says "$console" 'Restart=on-failure' &&
        unit_says "$console" 'After=pcscd.socket.*' &&
        unit_says "$console" 'TTYPath=/dev/tty1'; then
        ok "install-service: the unit runs as kiosk on tty1 after pcscd.socket and restarts"
    fi
}

# The value systemd ends up with for $2 in the configuration $1 (the last
# assignment across the files, as systemd reads them), in the stage.
config_value() {
    systemd-analyze cat-config --root="$stage" "$1" 2>/dev/null |
        sed -n "s/^[[:space:]]*$2[[:space:]]*=[[:space:]]*//p" | tail -n 1
}

# expect_setting WHAT GOT WANT WHY
expect_setting() {
    if [ "$2" = "$3" ]; then
        ok "lock-down: $1 $3 ($4)"
    else
        bad "lock-down: $1 \"$2\", not $3 ($4)"
    fi
}

# The machine's lock-down, read back from the stage by systemd itself.
check_lockdown() {
    expect_setting "ctrl-alt-del.target is" \
        "$(systemctl --root="$stage" is-enabled ctrl-alt-del.target 2>&1)" \
        masked "Ctrl+Alt+Del does nothing"
    expect_setting "CtrlAltDelBurstAction =" \
        "$(config_value systemd/system.conf CtrlAltDelBurstAction)" none \
        "nor does pressing it 7 times"
    expect_setting "kernel.sysrq =" "$(config_value sysctl.d kernel.sysrq)" 0 \
        "no Alt+SysRq keys"
    expect_setting "logind's NAutoVTs, ReserveVT =" \
        "$(config_value systemd/logind.conf NAutoVTs),$(config_value systemd/logind.conf ReserveVT)" \
        0,0 "no login prompt on other consoles"
    check_xorg
}

# The real X server, Xorg, on its screenless driver (dummy) with the
# staged xorg.conf.d: it must take the file (a mistake in it stops Xorg)
# and say so for the options of its ServerFlags. The keyboards' option is
# the file's (Xorg applies it to keyboards as they appear; here are none).
check_xorg() {
    local d=$work/xorg snippets=$stage/etc/X11/xorg.conf.d n pid
    if [ ! -e /usr/lib/xorg/modules/drivers/dummy_drv.so ]; then
        bad "lock-down: no Xorg dummy driver (xserver-xorg-video-dummy) to read the X server's settings back"
        return
    fi
    mkdir -p "$d"
    rm -f "$d/displayfd" "$d/Xorg.log"
    mkfifo "$d/displayfd"
    printf '%s\n' 'Section "Device"' '    Identifier "none"' '    Driver "dummy"' \
        'EndSection' >"$d/dummy.conf"
    # -sharevts: no console is taken from anyone; the server's own
    # options are left to the files.
    Xorg -displayfd 3 -config "$d/dummy.conf" -configdir "$snippets" \
        -logfile "$d/Xorg.log" -nolisten tcp -sharevts \
        3>"$d/displayfd" >"$d/out.log" 2>&1 &
    pid=$!
    if ! read -r -t "$wait_s" n <"$d/displayfd"; then
        bad "lock-down: Xorg did not start with the staged xorg.conf.d: $(grep -m3 '(EE)' "$d/Xorg.log" | tr -s '\n' ' ')"
    elif grep -q '(\*\*) Option "DontVTSwitch" "true"' "$d/Xorg.log" &&
        grep -q '(\*\*) Option "DontZap" "true"' "$d/Xorg.log"; then
        ok "lock-down: Xorg (display :$n) takes DontVTSwitch and DontZap from the installed xorg.conf.d"
    else
        bad "lock-down: Xorg did not take DontVTSwitch and DontZap ($d/Xorg.log)"
    fi
    # Xorg 21.1 without udev may abort, or even hang, while it ends: only
    # its start counts, and it gets 5 s to go before it is killed.
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    if grep -q -x '[[:space:]]*Option "XkbOptions" "srvrkeys:none"' "$snippets/50-kiosk.conf" &&
        grep -q -x '[[:space:]]*MatchIsKeyboard "on"' "$snippets/50-kiosk.conf"; then
        ok "lock-down: every keyboard, also one plugged in later, gets srvrkeys:none"
    else
        bad "lock-down: the xorg.conf.d file gives keyboards no srvrkeys:none"
    fi
}

mkdir -p "$work"
stage_install
check_units
check_lockdown
if [ -n "$pictures" ]; then
    full_mode 1024 768
    keep_pictures
else
    full_mode 1024 768
    full_mode 1280 1024
    size_mode 1920 1080
fi
finish
