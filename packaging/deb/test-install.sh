#!/usr/bin/env bash
# test-install.sh DEB: installs the tillwatch .deb on this machine, checks what the
# package promises, removes and purges it, and checks what is left. Needs root,
# dpkg, systemd-analyze and mosquitto (the broker doctor talks to). CI runs it
# through `make deb-test`; it leaves the machine as it found it.
#
# Checked: the tillwatch user in dialout and lp; tillwatch setup writing the config; /etc/tillwatch/tillwatch.yaml a
# conffile (root:tillwatch 0640) kept across a reinstall and a remove; the unit
# enabled, passing `systemd-analyze verify`, and its start condition false for the
# shipped (comments only) config and true for a real one; `tillwatch doctor` run as
# the service user on a real config; after purge no file of the package, no
# config, no journal, no systemd state; the tillwatch user stays (Debian keeps
# system users on purge), and is removed here if this script created it.
set -euo pipefail

deb=${1:?usage: test-install.sh path/to/tillwatch_VERSION_amd64.deb}
pass=0
step() { echo "deb-test: $*"; }
ok() { pass=$((pass + 1)); echo "  ok   $*"; }
fail() { echo "  FAIL $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "must run as root (dpkg -i)"
for tool in dpkg dpkg-query systemd-analyze runuser; do
	command -v "$tool" >/dev/null || fail "$tool is not installed"
done
mosquitto=$(command -v mosquitto || echo /usr/sbin/mosquitto)
[ -x "$mosquitto" ] || fail "mosquitto is not installed (apt-get install mosquitto): doctor needs a broker"

if dpkg-query -W -f='${Status}' tillwatch 2>/dev/null | grep -q installed; then
	fail "tillwatch is installed on this machine already: dpkg --purge tillwatch first"
fi
user_before=no
getent passwd tillwatch >/dev/null && user_before=yes

work=$(mktemp -d)
broker_pid=
cleanup() {
	[ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null || true
	if dpkg-query -W -f='${Status}' tillwatch 2>/dev/null | grep -q 'ok installed\|config-files'; then
		dpkg --purge tillwatch >/dev/null 2>&1 || true
	fi
	if [ "$user_before" = no ] && getent passwd tillwatch >/dev/null; then
		userdel tillwatch 2>/dev/null || true
		getent group tillwatch >/dev/null && groupdel tillwatch 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

unit=/usr/lib/systemd/system/tillwatch.service
conf=/etc/tillwatch/tillwatch.yaml

step "install $deb"
dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -i"; }
[ "$(dpkg-query -W -f='${Status}' tillwatch)" = "install ok installed" ] || fail "not installed"
ok "dpkg -i"
tillwatch version | grep -q "^tillwatch " || fail "tillwatch version"
ok "tillwatch version: $(tillwatch version)"

id -nG tillwatch | tr ' ' '\n' | grep -qx dialout || fail "tillwatch is not in dialout"
id -nG tillwatch | tr ' ' '\n' | grep -qx lp || fail "tillwatch is not in lp"
[ "$(getent passwd tillwatch | cut -d: -f7)" = /usr/sbin/nologin ] || fail "tillwatch has a login shell"
ok "user tillwatch: $(id tillwatch)"

dpkg-query -W -f='${Conffiles}\n' tillwatch | grep -q " $conf " || fail "$conf is not a conffile"
[ "$(stat -c '%U:%G %a' "$conf")" = "root:tillwatch 640" ] || fail "$conf is $(stat -c '%U:%G %a' "$conf")"
[ "$(stat -c '%U:%G %a' /etc/tillwatch)" = "root:tillwatch 750" ] || fail "/etc/tillwatch is $(stat -c '%U:%G %a' /etc/tillwatch)"
[ "$(stat -c '%U:%G %a' /var/lib/tillwatch)" = "tillwatch:tillwatch 700" ] || fail "/var/lib/tillwatch is $(stat -c '%U:%G %a' /var/lib/tillwatch)"
ok "conffile $conf root:tillwatch 0640, data dir tillwatch 0700"

[ -f /usr/lib/udev/rules.d/60-tillwatch.rules ] || fail "udev rules not installed"
ok "udev rules /usr/lib/udev/rules.d/60-tillwatch.rules"

out=$(systemd-analyze verify "$unit" 2>&1) || fail "systemd-analyze verify $unit: $out"
[ -z "$out" ] || fail "systemd-analyze verify $unit warns: $out"
ok "systemd-analyze verify $unit"
gunit=/usr/lib/systemd/system/tillwatch-gadget.service
[ -x /usr/sbin/tillwatch-gadget ] || fail "tillwatch-gadget not installed"
out=$(systemd-analyze verify "$gunit" 2>&1) || fail "systemd-analyze verify $gunit: $out"
[ -z "$out" ] || fail "systemd-analyze verify $gunit warns: $out"
[ ! -e /etc/systemd/system/multi-user.target.wants/tillwatch-gadget.service ] || fail "the gadget unit is enabled by the package"
ok "systemd-analyze verify $gunit (not enabled: only a Pi inline on USB wants it)"
grep -q '^ExecStart=/usr/bin/tillwatch run -c /etc/tillwatch/tillwatch.yaml$' "$unit" || fail "ExecStart is not /usr/bin/tillwatch"
[ -L /etc/systemd/system/multi-user.target.wants/tillwatch.service ] || fail "unit not enabled"
ok "unit enabled (multi-user.target.wants)"

# The unit's start condition, run as the service user exactly as systemd would.
cond=$(sed -n 's/^ExecCondition=//p' "$unit")
[ -n "$cond" ] || fail "unit has no ExecCondition"
condition() { eval "runuser -u tillwatch -- $cond"; }
if msg=$(condition 2>&1); then fail "start condition true for the shipped config"; fi
echo "$msg" | grep -q "not configured yet" || fail "start condition says: $msg"
ok "shipped config: the service would not start ($msg)"

step "configure: a broker and a network printer stand-in on loopback"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo $((20000 + RANDOM % 20000)); }
bport=$(port); pport=$(port)
cat >"$work/mosquitto.conf" <<EOF
listener $bport 127.0.0.1
listener $pport 127.0.0.1
allow_anonymous true
EOF
"$mosquitto" -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
broker_pid=$!
for _ in $(seq 50); do
	(exec 3<>"/dev/tcp/127.0.0.1/$bport") 2>/dev/null && break
	sleep 0.1
done
# tillwatch setup, as a technician runs it, over the shipped conffile (no
# listening: nothing prints here). Its tcp link listens on the printer's port
# number, which the stand-in holds on loopback: doctor warns about that only.
tillwatch setup -o "$conf" --printer "tcp:127.0.0.1:$pport" --terminal none \
	--site ci-store --lane lane-1 --broker "tcp://127.0.0.1:$bport" --sniff 0 --no-doctor </dev/null >"$work/setup.log" 2>&1 ||
	{ cat "$work/setup.log"; fail "tillwatch setup"; }
[ "$(stat -c '%U:%G %a' "$conf")" = "root:tillwatch 640" ] || fail "setup left $conf $(stat -c '%U:%G %a' "$conf")"
grep -q '^site: ci-store$' "$conf" || fail "setup wrote no site"
ok "tillwatch setup wrote $conf over the shipped file (root:tillwatch 0640)"
condition >/dev/null 2>&1 || fail "start condition false for a real config"
ok "real config: the service would start"
if ! runuser -u tillwatch -- tillwatch doctor -c "$conf" >"$work/doctor.log" 2>&1; then
	cat "$work/doctor.log"
	fail "tillwatch doctor (as tillwatch)"
fi
sed 's/^/       /' "$work/doctor.log"
ok "tillwatch doctor as the service user"

step "reinstall keeps the lane's config"
dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -i (again)"; }
grep -q '^site: ci-store$' "$conf" || fail "reinstall replaced $conf"
ok "config kept across reinstall"

step "remove"
dpkg --remove tillwatch >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg --remove"; }
[ ! -e /usr/bin/tillwatch ] && [ ! -e "$unit" ] || fail "remove left the binary or the unit"
grep -q '^site: ci-store$' "$conf" || fail "remove deleted the config"
[ -d /var/lib/tillwatch ] || fail "remove deleted the journal"
ok "remove: program gone, config and journal kept"

step "purge"
dpkg -L tillwatch 2>/dev/null >"$work/files" || true
dpkg --purge tillwatch >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg --purge"; }
dpkg-query -W -f='${Status}' tillwatch 2>/dev/null | grep -q 'installed\|config-files' && fail "still known to dpkg"
left=
for p in /usr/bin/tillwatch "$unit" /usr/sbin/tillwatch-gadget "$gunit" /usr/lib/udev/rules.d/60-tillwatch.rules /usr/share/doc/tillwatch \
	/etc/tillwatch /var/lib/tillwatch /etc/systemd/system/tillwatch.service \
	/etc/systemd/system/multi-user.target.wants/tillwatch.service; do
	[ -e "$p" ] || [ -L "$p" ] && left="$left $p"
done
if ls /var/lib/systemd/deb-systemd-helper-enabled 2>/dev/null | grep -q tillwatch ||
	find /var/lib/systemd/deb-systemd-helper-enabled /var/lib/systemd/deb-systemd-helper-masked -name '*tillwatch*' 2>/dev/null | grep -q .; then
	left="$left deb-systemd-helper-state"
fi
[ -z "$left" ] || fail "purge left:$left"
getent passwd tillwatch >/dev/null || fail "purge removed the tillwatch user (Debian keeps system users)"
ok "purge: no file, config, journal or unit state left; the tillwatch user stays (Debian policy)"

echo "deb-test: $pass passed, 0 failed"
