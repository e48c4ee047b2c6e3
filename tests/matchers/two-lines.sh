#!/bin/sh
# A face matcher for the tests (kiosk/matcher.h): two answers, which the
# protocol does not allow.
echo "no-match 10"
echo "match 90"
