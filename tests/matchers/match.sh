#!/bin/sh
# A face matcher for the tests (kiosk/matcher.h): always a match.
cat >/dev/null
echo "match 93"
