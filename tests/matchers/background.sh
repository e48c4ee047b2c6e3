#!/bin/sh
# A face matcher for the tests (kiosk/matcher.h) that answers and exits
# but leaves a child holding its stdout: the kiosk must decide at the
# exit, not wait for the end of the output, and kill the child.
sleep 600 &
echo "match 88"
exit 0
