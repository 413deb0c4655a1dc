# tillwatch: one binary that watches a checkout lane.
# `make demo` shows the main job; `make test` runs every test.

GO      ?= go
BIN     ?= bin/tillwatch
PKGS    := ./...
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
FUZZTIME ?= 10s


.PHONY: all build test demo demo-notify lint race cross dist bench fuzz clean scenarios fleet fleet-cluster raster-corpus code-tables

all: lint test build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/tillwatch

test:
	$(GO) test -count=1 -timeout 15m $(PKGS)

# The race detector over every package that owns goroutines (CI runs it).
# Lists them by what they start (plus agent/... and buffer, whose libraries own
# goroutines), so a new package with a goroutine is included.
race:
	$(GO) test -race -count=1 -timeout 20m ./agent/... ./buffer/... $$(grep -rlE --include='*.go' --exclude='*_test.go' '\<go (func|[A-Za-z_.]+[(])' . | xargs -n1 dirname | sort -u)

demo: build
	./$(BIN) demo

demo-notify: build
	./$(BIN) demo --notify ntfy

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) test -count=1 ./internal/importrules

# Cross-builds for the lanes we ship to. CGO is off so a plain Go toolchain suffices.
cross:
	CGO_ENABLED=0 GOOS=linux   GOARCH=amd64         $(GO) build -trimpath -o dist/tillwatch-linux-amd64 ./cmd/tillwatch
	CGO_ENABLED=0 GOOS=linux   GOARCH=arm64         $(GO) build -trimpath -o dist/tillwatch-linux-arm64 ./cmd/tillwatch
	CGO_ENABLED=0 GOOS=linux   GOARCH=arm   GOARM=7 $(GO) build -trimpath -o dist/tillwatch-linux-armv7 ./cmd/tillwatch
	CGO_ENABLED=0 GOOS=windows GOARCH=amd64         $(GO) build -trimpath -o dist/tillwatch-windows-amd64.exe ./cmd/tillwatch

# Release archives: every target with the config example, profiles docs,
# systemd unit and udev rules, plus SHA256SUMS; the Windows zip carries
# install.ps1; then the .deb packages (make deb).
DIST_TARGETS := linux/amd64 linux/arm64 linux/arm/7 windows/amd64
dist:
	rm -rf dist && mkdir -p dist
	@set -e; for t in $(DIST_TARGETS); do \
	  os=$${t%%/*}; rest=$${t#*/}; arch=$${rest%%/*}; arm=$${rest#*/}; [ "$$arm" = "$$rest" ] && arm=; \
	  name=tillwatch-$(VERSION)-$$os-$$arch$${arm:+v$$arm}; ext=; [ $$os = windows ] && ext=.exe; \
	  mkdir -p dist/$$name; \
	  echo "build $$name"; \
	  CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch GOARM=$$arm $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o dist/$$name/tillwatch$$ext ./cmd/tillwatch; \
	  cp README.md configs/example.yaml configs/schema.md dist/$$name/; \
	  if [ $$os = linux ]; then cp -r packaging/systemd packaging/udev packaging/usbgadget docs/wiring.md dist/$$name/; cp packaging/README.md dist/$$name/INSTALL.md; fi; \
	  if [ $$os = windows ]; then \
	    cp packaging/windows/install.ps1 packaging/windows/README.txt dist/$$name/; \
	    command -v zip >/dev/null || { echo "dist: the Windows archive needs zip (apt-get install zip)"; exit 1; }; \
	    (cd dist && zip -qr $$name.zip $$name); \
	  else tar -C dist -czf dist/$$name.tar.gz $$name; fi; \
	  rm -rf dist/$$name; \
	done
	$(MAKE) --no-print-directory deb
	cd dist && sha256sum *.tar.gz *.zip *.deb > SHA256SUMS && cat SHA256SUMS

# Debian packages (nfpm, pinned in packaging/deb/go.mod so its modules stay out
# of the agent's): the binary in /usr/bin, the hardened unit (enabled, but it
# starts only once /etc/tillwatch/tillwatch.yaml holds a config), udev rules,
# the tillwatch user in dialout and lp, /etc/tillwatch/tillwatch.yaml as a
# conffile. armhf is built for ARMv6 (GOARM=6): Raspberry Pi OS's armhf runs
# on the Pi Zero W and Pi 1, which have no ARMv7 instructions.
# DEB_ARCHS=amd64 builds one. The version must start with a digit for dpkg:
# a tag v1.2.3 gives 1.2.3, an untagged tree 0.0~git<commits>.<hash>.
.PHONY: deb deb-test
DEB_ARCHS   ?= amd64 arm64 armhf
DEB_VERSION ?= $(shell v=$$(git describe --tags --match 'v[0-9]*' 2>/dev/null | sed 's/^v//;s/-/+/g'); \
	[ -n "$$v" ] || v=0.0~git$$(git rev-list --count HEAD 2>/dev/null || echo 0).$$(git rev-parse --short HEAD 2>/dev/null || echo dev); \
	git diff --quiet HEAD 2>/dev/null || v=$$v+dirty; echo $$v)
deb:
	@mkdir -p dist
	@set -e; for a in $(DEB_ARCHS); do \
	  case $$a in amd64) goarch=amd64 arm=;; arm64) goarch=arm64 arm=;; armhf) goarch=arm arm=6;; \
	    *) echo "deb: unknown architecture $$a (amd64, arm64, armhf)"; exit 2;; esac; \
	  stage=dist/deb-stage; rm -rf $$stage; mkdir -p $$stage; \
	  echo "deb $$a $(DEB_VERSION)"; \
	  CGO_ENABLED=0 GOOS=linux GOARCH=$$goarch GOARM=$$arm $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $$stage/tillwatch ./cmd/tillwatch; \
	  sed 's#/usr/local/bin/tillwatch#/usr/bin/tillwatch#g' packaging/systemd/tillwatch.service > $$stage/tillwatch.service; \
	  DEB_ARCH=$$a DEB_VERSION='$(DEB_VERSION)' \
	    $(GO) tool -modfile=packaging/deb/go.mod nfpm package -p deb -f packaging/deb/nfpm.yaml -t dist/ >/dev/null; \
	  rm -rf $$stage; \
	done
	@ls -l dist/*.deb

# Installs the amd64 .deb on this machine (root), checks it, purges it
# (packaging/deb/test-install.sh says what it checks). CI runs it.
deb-test:
	rm -f dist/tillwatch_*_amd64.deb
	$(MAKE) --no-print-directory deb DEB_ARCHS=amd64
	bash packaging/deb/test-install.sh dist/tillwatch_*_amd64.deb

# The fleet simulation (fleet/README.md): 200 lanes against one mosquitto, a consumer group
# of 3, a busy hour compressed 60x, the broker killed once; prints the report table.
# FLEET_LANES, FLEET_SPEED, FLEET_HOUR, FLEET_INCIDENTS ... size a bigger run;
# FLEET_BROKER=tcp://host:1883 runs it against your broker.
fleet:
	$(GO) test -count=1 -timeout 2h -run '^TestFleet(Mosquitto|External)$$' -v ./fleet/

# The same against a three-node NATS cluster (Debian's nats-server), the node
# leading the alerts' stream killed and restarted; the FLEET_* variables size it.
fleet-cluster:
	$(GO) test -count=1 -timeout 2h -run '^TestFleetNATSCluster$$' -v ./fleet/

# Every benchmark, printed as one table (internal/benchtable); BENCH=regexp
# selects. Includes the store-and-forward numbers: durable enqueue
# (buffer), draining 100,000 alerts to mosquitto vs bare paho
# (agent/uplink), alert latency and idle RSS/CPU (chaos).
BENCH ?= .
bench:
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -timeout 60m $(PKGS) | $(GO) run ./internal/benchtable

# Runs every fuzz target for FUZZTIME each (make test already replays their seeds;
# this explores; CI runs the rotating share below instead).
fuzz:
	@for pkg in $$($(GO) list $(PKGS)); do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    echo "fuzz $$pkg $$t"; \
	    $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

# Every fuzz target for FUZZTIME_LONG (10m) each: about six hours; run it by
# hand before a release or after a decoder change.
FUZZTIME_LONG ?= 10m
fuzz-long:
	./.ci/fuzz-targets $(FUZZTIME_LONG) all

# A rotating share of the fuzz targets, FUZZ_ROTATE of them for
# FUZZTIME_ROTATE each, chosen by the day of the year (CI: 8 x 60s, so
# every target gets a minute every few days).
FUZZ_ROTATE ?= 8
FUZZTIME_ROTATE ?= 60s
fuzz-rotate:
	./.ci/fuzz-targets $(FUZZTIME_ROTATE) rotate $(FUZZ_ROTATE)

# Precision and recall per alert kind over testdata/scenarios and a 10,000-checkout clean shift.
scenarios:
	$(GO) run ./internal/scenarios/report -dir testdata/scenarios

# Regenerates testdata/raster (driver-printed receipts with known text) from Debian's
# fonts-noto-cjk, fonts-wqy-zenhei and fonts-arphic-uming; see testdata/raster/README.md.
raster-corpus:
	$(GO) run ./internal/rastercorpus -out testdata/raster

# Regenerates drivers/escpos/tables_gen.go (code tables golang.org/x/text lacks) from the
# Unicode mapping files as glibc ships them (Debian's locales: /usr/share/i18n/charmaps).
code-tables:
	$(GO) run ./internal/codetables -out drivers/escpos/tables_gen.go

clean:
	rm -rf bin dist
