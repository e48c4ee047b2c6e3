#!/bin/sh
# A face matcher for the tests (kiosk/matcher.h): a right-looking answer,
# but a failing exit status, so it counts as an error.
echo "match 90"
exit 3
