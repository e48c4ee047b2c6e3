#!/bin/sh
# A face matcher for the tests (kiosk/matcher.h) that floods its output
# and never stops.
exec yes "match 99"
