#!/bin/sh
# A face matcher for the tests (kiosk/matcher.h) that records what it was
# given: its arguments after the first and its stdin go to the file $1;
# then a match.
out=$1
shift
{ echo "args=$*"; cat; } >"$out"
echo "match 75"
