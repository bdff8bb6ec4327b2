#!/usr/bin/env bash
# Starts one Cantou node as operations run it: java -jar cantou.jar, in the working directory
# (the node's folder: ./data, config/, webapp/), with a class data archive of the jar's classes
# (AppCDS, docs/operations.md "Start-up"): the first start writes ./cantou.jsa when the node
# stops; the next starts map it instead of loading and checking every class again.
#   scripts/cantou.sh [JVM options…]       e.g. scripts/cantou.sh -Xms512m -Xmx1g
# CANTOU_JAR: the jar (default: cantou.jar beside this script, else target/cantou.jar of the
# checkout); CANTOU_CLASS_ARCHIVE: the archive (default ./cantou.jsa; "off": none).
# The archive is made again when the jar or the Java runtime is not the one it was made from
# (their size, time and place, written beside it in <archive>.of); one the JVM finds unusable
# anyway is ignored (-Xshare:auto, its warning in the log). Where the archive cannot be
# written (a read-only folder), the node starts without one: a JVM that fails to write it at
# exit would end with status 1, not 143 or 2, and systemd would misread every stop.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar=${CANTOU_JAR:-}
if [ -z "$jar" ]; then
  if [ -f "$here/cantou.jar" ]; then jar=$here/cantou.jar; else jar=$here/../target/cantou.jar; fi
fi
[ -f "$jar" ] || { echo "cantou: $jar is missing (mvn -B package writes target/cantou.jar)" >&2; exit 1; }
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
archive=${CANTOU_CLASS_ARCHIVE:-cantou.jsa}
cds=()
if [ "$archive" != off ]; then
  runtime=$(readlink -f "$(command -v "$java")")
  home=$(dirname "$(dirname "$runtime")")
  # What the archive was made from: the jar and the runtime (its release file names its exact version).
  made_of="$(stat -Lc '%n %s %Y' "$jar") $(stat -Lc '%n %s %Y' "$runtime") $(cksum < "$home/release" 2>/dev/null || true)"
  folder=$(dirname "$archive")
  if [ -s "$archive" ] && [ "$(cat "$archive.of" 2>/dev/null || true)" = "$made_of" ]; then
    cds=(-XX:SharedArchiveFile="$archive" -Xshare:auto)
  elif [ -w "$folder" ]; then
    # (The JVM writes the archive read-only: the folder's right is what removing it needs.)
    rm -f "$archive" "$archive.of"
    printf '%s' "$made_of" > "$archive.of"
    # Its own messages while writing (the classes it leaves out) are not the node's log.
    cds=(-XX:ArchiveClassesAtExit="$archive" -Xlog:cds=off -Xlog:cds+dynamic=off)
  fi
fi
exec "$java" "${cds[@]}" "$@" -jar "$jar"
