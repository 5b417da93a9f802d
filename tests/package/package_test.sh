#!/usr/bin/env bash
# package_test.sh BUILD_DIR SOURCE_DIR VERSION: builds the .deb with CPack (as `make package` does, but
# into a scratch folder), checks what it holds and what it depends on, then runs the app from the
# extracted files alone: --version, a headless run, and `lessons check` on the installed course.
# With CLAB_PACKAGE_INSTALL_TEST=1 (CI, as root) it also installs the package on the machine with
# apt-get, runs the same commands from /usr/bin, and removes it again.
# Leaves nothing behind: the scratch folder (and the installed package) go whatever happens.
set -euo pipefail
build=$1 source=$2 version=$3
app=concurrency-lab
work=$(mktemp -d "${TMPDIR:-/tmp}/clab-package.XXXXXX")
installed_here=0
cleanup() {
  if [ "$installed_here" = 1 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "$app" >/dev/null 2>&1 || echo "could not remove $app"
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap "exit 1" INT TERM # ctest stops a test that runs too long with a signal: clean up then too
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $* (at ${SECONDS} s)"; }

step "cpack"
cpack --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; fail "cpack failed"; }
deb=$(echo "$work"/out/${app}_"$version"_*.deb)
[ -f "$deb" ] || { ls "$work/out"; fail "no ${app}_${version}_*.deb"; }
echo "$(basename "$deb"): $(du -k "$deb" | cut -f1) KB"

step "contents"
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$work/contents"
expect_file() { grep -qx "$1" "$work/contents" || fail "the package has no $1"; }
expect_file /usr/bin/$app
expect_file /usr/share/applications/$app.desktop
expect_file /usr/share/metainfo/io.github.concurrency_lab.ConcurrencyLab.metainfo.xml
expect_file /usr/share/man/man1/$app.1.gz
expect_file /usr/share/icons/hicolor/scalable/apps/$app.svg
for size in 16 22 24 32 48 64 128 256 512; do
  expect_file /usr/share/icons/hicolor/${size}x${size}/apps/$app.png
done
lessons=0
for lesson in "$source"/lessons/[0-9][0-9]-*.md; do
  expect_file /usr/share/$app/lessons/$(basename "$lesson")
  lessons=$((lessons + 1))
done
# The Python tracer (core/python/tracer, engine `python`) ships once it exists.
if [ -d "$source/core/python/tracer" ]; then
  grep -q "^/usr/share/$app/.*\.py$" "$work/contents" || fail "the Python tracer is not in the package"
fi
! grep -E '^/usr/(include|lib/cmake)|/tests?/' "$work/contents" || fail "development or test files in the package"

step "control"
dpkg-deb -f "$deb" Package Version Architecture Depends
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "Version is not $version"
depends=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | awk '{print $1}') # one package name a line
# The libraries the binary links (readelf -d: NEEDED) and python3. Qt PrintSupport is not among them:
# QCustomPlot links it, and its own package depends on it.
for package in libqt6widgets6 libqt6gui6 libqt6core6 libqt6svg6 libqcustomplot2.1-qt6 \
               libstdc++6 libgcc-s1 libc6 python3; do
  grep -qxF "$package" <<<"$depends" || fail "Depends lacks $package"
done
! grep -q -- '-dev$' <<<"$depends" || fail "Depends names a -dev package"
# Every dependency is a package this Debian release has (a dry run: nothing is installed).
apt-get install --simulate -qq "$deb" >"$work/simulate.log" 2>&1 ||
  { cat "$work/simulate.log"; fail "apt-get cannot satisfy the dependencies"; }

step "desktop files, as installed"
dpkg-deb -x "$deb" "$work/root"
desktop-file-validate "$work/root/usr/share/applications/$app.desktop"
# validate-tree also checks that the metainfo, the .desktop file and the icons fit together.
appstreamcli validate-tree --no-net "$work/root" || fail "appstreamcli validate-tree"

# The commands the issue names, run by the binary at $1 with no hint of the source tree: no
# CLAB_LESSONS_DIR, and a HOME of its own (the calibration cache goes there, and then away).
run_commands() {
  local binary=$1 lessons_dir=$2 out=$work/out-$RANDOM
  local -a env_=(env -u CLAB_LESSONS_DIR HOME="$work/home" XDG_CACHE_HOME="$work/home/.cache"
                 XDG_CONFIG_HOME="$work/home/.config" QT_QPA_PLATFORM=offscreen)
  "${env_[@]}" "$binary" --version | tee "$out"
  grep -qx "$app $version" "$out" || fail "--version does not say '$app $version'"
  "${env_[@]}" "$binary" run --engine threads --workload cpu --tasks 2 --iterations 100000 --json >"$out" ||
    { cat "$out"; fail "the headless run failed"; }
  python3 - "$out" <<'PY' || fail "the run's JSON is not a completed run of 2 tasks"
import json, sys
summary = json.load(open(sys.argv[1]))
print(f"run: completed={summary['completed']} wall_s={summary['wall_s']:.3f} events={summary['events']}")
assert summary["completed"] is True and summary["spec"]["tasks"] == 2
PY
  "${env_[@]}" "$binary" lessons check | tee "$out" || fail "lessons check failed"
  grep -q "^$lessons lessons, 0 problems$" "$out" || fail "lessons check did not see the $lessons lessons"
  # Which folder did it check? A broken lesson dropped into the installed course must be reported.
  if [ -w "$lessons_dir" ]; then
    printf '# Broken\n\nno steps\n' >"$lessons_dir/99-broken.md"
    if "${env_[@]}" "$binary" lessons check >"$out" 2>&1; then fail "lessons check read another folder than $lessons_dir"; fi
    grep -q "99-broken.md" "$out" || { cat "$out"; fail "lessons check did not name the broken lesson"; }
    rm "$lessons_dir/99-broken.md"
  fi
}

step "run from the extracted package"
run_commands "$work/root/usr/bin/$app" "$work/root/usr/share/$app/lessons"

if [ "${CLAB_PACKAGE_INSTALL_TEST:-0}" = 1 ]; then
  step "apt-get install on this machine"
  [ "$(id -u)" = 0 ] || fail "CLAB_PACKAGE_INSTALL_TEST=1 needs root"
  if dpkg-query -W -f='${Status}' "$app" 2>/dev/null | grep -q 'install ok installed'; then
    echo "$app is already installed here: not replacing it (the extracted package passed)"
  else
    installed_here=1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >"$work/install.log" 2>&1 ||
      { cat "$work/install.log"; fail "apt-get install failed"; }
    run_commands /usr/bin/$app /nonexistent # the installed course is not ours to write into
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "$app" >/dev/null
    installed_here=0
    [ ! -e /usr/bin/$app ] || fail "/usr/bin/$app is still there after apt-get purge"
  fi
fi
echo "package OK (${SECONDS} s)"
