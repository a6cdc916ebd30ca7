# shellcheck shell=bash
# Sourced by bin/test: the system packages the test suite uses, installed with apt-get when running as root.
#
#   strata_install_test_dependencies  installs what is missing (required ones fail the run, optional ones warn)
#   strata_start_dockerd              starts the Docker daemon in the background when it is installed but not running

# command -> Debian package. Required: the build and the tests of what exists today cannot run without them.
STRATA_REQUIRED_TOOLS=(mvn:maven curl:curl pgrep:procps ip:iproute2 python3:python3)
# Optional (the tests that use them skip when they are missing). dockerd, not docker: some images ship the client
# alone. chromium + chromedriver: the web UI's browser tests; etcd: the etcd package's test.
STRATA_OPTIONAL_TOOLS=(haproxy:haproxy dig:dnsutils dockerd:docker.io docker-registry:docker-registry
                       chromium:chromium chromedriver:chromium-driver etcd:etcd-server)
# Packages checked by name: the Docker tests build their image from a static busybox (the dynamic one also
# installs /bin/busybox, so the command alone says nothing).
STRATA_OPTIONAL_PACKAGES=(busybox-static)

strata_missing_packages() {
  local entry
  for entry in "$@"; do
    # /usr/sbin is not on every user's PATH (haproxy lives there)
    command -v "${entry%%:*}" >/dev/null 2>&1 || [[ -x "/usr/sbin/${entry%%:*}" ]] || echo "${entry#*:}"
  done
}

strata_missing_by_name() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
  done
}

strata_apt_updated=0
strata_apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if (( strata_apt_updated == 0 )); then
    apt-get update -qq || return 1
    strata_apt_updated=1
  fi
  apt-get install -y -qq --no-install-recommends "$@"
}

strata_install_test_dependencies() {
  local required optional pkg
  mapfile -t required < <(strata_missing_packages "${STRATA_REQUIRED_TOOLS[@]}")
  mapfile -t optional < <(strata_missing_packages "${STRATA_OPTIONAL_TOOLS[@]}"; strata_missing_by_name "${STRATA_OPTIONAL_PACKAGES[@]}")
  (( ${#required[@]} + ${#optional[@]} == 0 )) && return 0

  if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    if (( ${#required[@]} > 0 )); then
      echo "bin/test needs: ${required[*]}. Install them with: sudo apt-get install -y ${required[*]} ${optional[*]}" >&2
      exit 1
    fi
    echo "warning: not installed: ${optional[*]} (some later tests need them): sudo apt-get install -y ${optional[*]}" >&2
    return 0
  fi

  local all=("${required[@]}" "${optional[@]}")
  echo "Installing ${all[*]} with apt-get…"
  # everything at once is fastest; if that fails (a package unavailable on this release), one at a time
  if ! strata_apt_install "${required[@]}" "${optional[@]}" >/dev/null; then
    for pkg in "${required[@]}"; do
      strata_apt_install "$pkg" >/dev/null || { echo "bin/test: could not install $pkg" >&2; exit 1; }
    done
    for pkg in "${optional[@]}"; do
      strata_apt_install "$pkg" >/dev/null || echo "warning: could not install $pkg; tests that need it will not run" >&2
    done
  fi
}

strata_start_dockerd() {
  command -v dockerd >/dev/null 2>&1 || [[ -x /usr/sbin/dockerd ]] || return 0
  docker info >/dev/null 2>&1 && return 0
  if [[ "$(id -u)" != 0 ]]; then
    echo "warning: the Docker daemon is not running; Docker tests will not run" >&2
    return 0
  fi
  echo "Starting dockerd in the background (log: /tmp/strata-dockerd.log)…"
  PATH="$PATH:/usr/sbin" nohup setsid dockerd >/tmp/strata-dockerd.log 2>&1 </dev/null &
  local i
  for i in $(seq 1 30); do
    docker info >/dev/null 2>&1 && return 0
    sleep 1
  done
  echo "warning: dockerd did not come up (see /tmp/strata-dockerd.log); Docker tests will not run" >&2
  return 0
}
