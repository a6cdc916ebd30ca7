# shellcheck shell=bash
# Sourced by bin/* scripts: finds a JDK >= 21 and Maven, and the JVM options dcos-node runs with.
#
#   strata_find_java   exports JAVA_HOME (a JDK >= 21) and STRATA_JAVA_MAJOR, or explains how to get one
#   strata_find_mvn    makes sure `mvn` is on PATH (installs it with apt-get when running as root)
#   strata_maven_opts  exports MAVEN_OPTS suited to that JDK
#   strata_jvm_opts    fills the array STRATA_JVM_OPTS for running dcos-node.jar <subcommand>
#   strata_needs_build whether node/target/dcos-node.jar is missing or older than any source or pom.xml

STRATA_MIN_JAVA=21
STRATA_ROOT="${STRATA_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"

# The major version of the JDK at $1, from its release file (cheap) or by asking it.
strata_java_major() {
  local home="$1" v=""
  if [[ -r "$home/release" ]]; then
    v="$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")"
  fi
  if [[ -z "$v" && -x "$home/bin/java" ]]; then
    v="$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)"
  fi
  v="${v#1.}"          # 1.8 -> 8
  v="${v%%[.+-]*}"     # 21.0.5 -> 21, 25-ea -> 25
  [[ "$v" =~ ^[0-9]+$ ]] && echo "$v" || echo 0
}

strata_is_usable_jdk() {
  local home="$1"
  [[ -x "$home/bin/java" && -x "$home/bin/javac" ]] && (( $(strata_java_major "$home") >= STRATA_MIN_JAVA ))
}

strata_find_java() {
  local candidate best="" best_major=0 major
  if [[ -n "${JAVA_HOME:-}" ]] && strata_is_usable_jdk "$JAVA_HOME"; then
    best="$JAVA_HOME"
  else
    # the newest JDK under /usr/lib/jvm, then whatever javac is on PATH
    local candidates=("${STRATA_JVM_DIR:-/usr/lib/jvm}"/*)
    if command -v javac >/dev/null 2>&1; then
      candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
    fi
    for candidate in "${candidates[@]}"; do
      [[ -d "$candidate" ]] || continue
      strata_is_usable_jdk "$candidate" || continue
      major="$(strata_java_major "$candidate")"
      if (( major > best_major )); then best="$candidate"; best_major="$major"; fi
    done
  fi
  if [[ -z "$best" ]]; then
    {
      echo "Strata needs a JDK ${STRATA_MIN_JAVA} or newer (java and javac); none found in \$JAVA_HOME or /usr/lib/jvm."
      echo "Install one, for example:"
      echo "  sudo apt-get install -y openjdk-21-jdk-headless"
      echo "or Eclipse Temurin (https://adoptium.net), then run this again (or set JAVA_HOME to it)."
    } >&2
    exit 1
  fi
  export JAVA_HOME="$best"
  STRATA_JAVA_MAJOR="$(strata_java_major "$JAVA_HOME")"
  export STRATA_JAVA_MAJOR
  export PATH="$JAVA_HOME/bin:$PATH"
}

strata_find_mvn() {
  command -v mvn >/dev/null 2>&1 && return 0
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Maven (apt-get install maven)…" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends maven >&2
    command -v mvn >/dev/null 2>&1 && return 0
  fi
  {
    echo "Strata builds with Maven, which is not installed."
    echo "Install it with: sudo apt-get install -y maven   (or see https://maven.apache.org/install.html)"
  } >&2
  exit 1
}

# Maven itself runs on the JDK we found; newer JDKs warn about libraries Maven bundles unless told otherwise.
strata_maven_opts() {
  if (( STRATA_JAVA_MAJOR >= 23 )) && [[ "${MAVEN_OPTS:-}" != *sun-misc-unsafe-memory-access* ]]; then
    export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow"
  fi
}

# JVM options for dcos-node ($1: the subcommand). Start-up time is what users feel with `dcos-node local`, so:
# class-data sharing — the JVM itself writes an archive of the classes a run loaded (at its exit) and maps it on
# later runs, one archive per subcommand under node/target, dropped whenever the jars change — plus the C1
# compiler only and the serial GC. Measured on 2 busy cores: `local` ready in ~1.1 s with all three, ~2.2 s
# without the archive, 4-5 s with none of them. STRATA_JAVA_OPTS adds or overrides options (e.g. "-Xmx2g").
strata_jvm_opts() {
  local command="${1:-}" target="$STRATA_ROOT/node/target"
  [[ "$command" =~ ^[a-z]+$ ]] || command=other
  STRATA_JVM_OPTS=()
  if (( STRATA_JAVA_MAJOR >= 23 )); then
    STRATA_JVM_OPTS+=(--sun-misc-unsafe-memory-access=allow)
  fi
  if (( STRATA_JAVA_MAJOR >= 19 )) && [[ -w "$target" ]]; then
    local archive="$target/cds-$command.jsa"
    # the JVM ignores (and does not rewrite) an archive made for other jars: drop it so this run writes a new one
    if [[ -f "$archive" ]] && [[ -n "$(find "$target/dcos-node.jar" "$target/lib" -newer "$archive" -print -quit 2>/dev/null)" ]]; then
      rm -f "$archive"
    fi
    STRATA_JVM_OPTS+=(-XX:SharedArchiveFile="$archive" -XX:+AutoCreateSharedArchive -Xlog:cds=off -Xlog:cds+dynamic=off)
  fi
  STRATA_JVM_OPTS+=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k)
  if [[ -n "${STRATA_JAVA_OPTS:-}" ]]; then
    # shellcheck disable=SC2206 # word splitting is the point: a list of options
    STRATA_JVM_OPTS+=(${STRATA_JAVA_OPTS})
  fi
}

strata_needs_build() {
  local jar="$STRATA_ROOT/node/target/dcos-node.jar"
  [[ -f "$jar" && -d "$STRATA_ROOT/node/target/lib" ]] || return 0
  local newer
  newer="$(find "$STRATA_ROOT" \( -name target -o -name .git -o -name node_modules \) -prune -o \
    \( -path '*/src/*' -o -name pom.xml \) -type f -newer "$jar" -print -quit 2>/dev/null)"
  [[ -n "$newer" ]]
}
