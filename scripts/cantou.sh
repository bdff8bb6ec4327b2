#!/usr/bin/env bash
# Starts one Cantou node as operations run it: java -jar cantou.jar, in the working directory
# (the node's folder: ./data, config/, webapp/), with a class data archive of the jar's classes
# (AppCDS, docs/operations.md "Start-up"): the first start writes ./cantou.jsa when the node
# stops; the next starts map it instead of loading and checking every class again.
#   scripts/cantou.sh [JVM options…]       e.g. scripts/cantou.sh -Xms512m -Xmx1g
# CANTOU_JAR: the jar (default: cantou.jar beside this script, else target/cantou.jar of the
# checkout); CANTOU_CLASS_ARCHIVE: the archive (default ./cantou.jsa; "off": none).
# An archive older than the jar or the java it was made with is made again; one the JVM
# finds unusable anyway is ignored (-Xshare:auto): the node starts as without it.
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
  if [ -s "$archive" ] && [ "$archive" -nt "$jar" ] && [ "$archive" -nt "$runtime" ]; then
    cds=(-XX:SharedArchiveFile="$archive" -Xshare:auto)
  else
    rm -f "$archive"
    cds=(-XX:ArchiveClassesAtExit="$archive")
  fi
  # The archive's own messages (classes it leaves out, a mismatch) are not the node's log.
  cds+=(-Xlog:cds=off -Xlog:cds+dynamic=off)
fi
exec "$java" "${cds[@]}" "$@" -jar "$jar"
