#!/usr/bin/env bash
# The Debian package, built with CPack from the test build (the same CPack configuration script/package
# uses): its contents, its control files and maintainer scripts, lintian (no error), the systemd unit
# (systemd-analyze verify), the man pages, and the packaged config (valid for the fabud inside).
#   tests/packaging/package_test.sh BUILD_DIR [jemalloc]   ("jemalloc": the build links fabud with it)
set -euo pipefail
build="${1:?usage: package_test.sh BUILD_DIR [jemalloc]}"
allocator="${2:-}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

(cd "$build" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log" >&2; exit 1; }
deb=$(ls "$work"/out/fabu_*.deb)
echo "built $(basename "$deb")"

contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for path in ./usr/sbin/fabud ./usr/bin/fabuctl ./etc/fabu/fabu.toml ./lib/systemd/system/fabud.service \
            ./etc/logrotate.d/fabu ./usr/share/man/man8/fabud.8.gz ./usr/share/man/man1/fabuctl.1.gz \
            ./usr/share/doc/fabu/copyright ./usr/share/doc/fabu/changelog.gz ./usr/share/doc/fabu/README.md \
            ./usr/share/doc/fabu/redis-acl.conf ./usr/share/doc/fabu/CALENDAR.md ./usr/share/fabu/holidays/2026.toml; do
  grep -qxF "$path" <<<"$contents" || fail "the package lacks $path"
done

control="$work/control"
dpkg-deb -e "$deb" "$control"
grep -qxF /etc/fabu/fabu.toml "$control/conffiles" || fail "fabu.toml is not a conffile"
grep -qxF /etc/logrotate.d/fabu "$control/conffiles" || fail "the logrotate file is not a conffile"
grep -q 'adduser --system --group' "$control/postinst" || fail "postinst does not make the fabu system user"
grep -q '^Depends:.*adduser' "$control/control" || fail "the package does not depend on adduser"
if [ "$allocator" = jemalloc ]; then
  grep -q '^Depends:.*libjemalloc2' "$control/control" || fail "fabud uses jemalloc, but the package does not depend on libjemalloc2"
  # jemalloc, not glibc, answers fabud's malloc: its statistics at exit prove it replaced malloc.
  MALLOC_CONF=stats_print:true "$build/daemon/fabud" --version 2>&1 | grep -q 'jemalloc statistics' ||
    fail "fabud does not run on jemalloc"
fi
for script in postinst prerm postrm; do
  sh -n "$control/$script" || fail "$script is not valid sh"
  [ -x "$control/$script" ] || fail "$script is not executable"
done

lintian --tag-display-limit 0 "$deb" >"$work/lintian.log" 2>&1 || true
if grep -q '^E:' "$work/lintian.log"; then
  fail "lintian reports errors:"
  grep '^E:' "$work/lintian.log" >&2
fi
grep '^W:' "$work/lintian.log" || true

root="$work/root"
dpkg-deb -x "$deb" "$root"
# verify needs ExecStart to exist: point it at the extracted fabud, everything else as packaged.
sed "s|/usr/sbin/fabud|$root/usr/sbin/fabud|" "$root/lib/systemd/system/fabud.service" >"$work/fabud.service"
systemd-analyze verify --man=no "$work/fabud.service" || fail "systemd-analyze verify refuses the unit"
grep -qx 'Type=notify' "$work/fabud.service" || fail "the unit is not Type=notify"

zcat "$root/usr/share/man/man8/fabud.8.gz" | grep -q 'offline' || fail "fabud(8) does not document --check --offline"
zcat "$root/usr/share/man/man1/fabuctl.1.gz" | grep -q 'submit' || fail "fabuctl(1) does not document submit"
"$root/usr/sbin/fabud" --version | grep -q '^fabud ' || fail "the packaged fabud has no --version"

# The packaged config is valid (exit 0 or 1, never 2) once the files it names exist.
head -c 32 /dev/urandom | base64 >"$work/token.key"
chmod 600 "$work/token.key"
mkdir -p "$work/portal"
sed -e "s|/etc/fabu/token.key|$work/token.key|" -e "s|/var/lib/fabu/portal|$work/portal|" \
    -e "s|/var/log/fabu/fabud.log|$work/fabud.log|" "$root/etc/fabu/fabu.toml" >"$work/fabu.toml"
set +e
"$root/usr/sbin/fabud" --config "$work/fabu.toml" --check --offline >"$work/check.log" 2>&1
status=$?
set -e
[ "$status" -ne 2 ] || { fail "the packaged fabu.toml is invalid:"; cat "$work/check.log" >&2; }

if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "package: contents, control files, lintian, unit, man pages and config all as expected"
