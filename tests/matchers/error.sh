#!/bin/sh
# A face matcher for the tests (kiosk/matcher.h): reports an error, with
# noise on stderr that the kiosk must not show.
cat >/dev/null
echo "the camera is unplugged" >&2
echo "error camera not found"
