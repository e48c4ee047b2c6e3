#!/bin/sh
# A face matcher for the tests (kiosk/matcher.h) that never answers and
# has a child of its own; the kiosk must kill both. $1: a file to write
# "PID CHILD" to, so a test can check that they are gone.
sleep 600 &
echo "$$ $!" >"$1"
wait
