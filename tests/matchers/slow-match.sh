#!/bin/sh
# A face matcher for the tests (kiosk/matcher.h): a match after 2 seconds,
# so the countdown shows on screen first.
cat >/dev/null
sleep 2
echo "match 81"
