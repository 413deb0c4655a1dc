# tillwatch: one binary that watches a checkout lane.
# `make demo` shows the main job; `make test` runs every test.

GO      ?= go
BIN     ?= bin/tillwatch
PKGS    := ./...
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
FUZZTIME ?= 10s

.PHONY: all build test demo lint cross bench fuzz clean

all: lint test build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/tillwatch

test:
	$(GO) test -count=1 -timeout 15m $(PKGS)

demo: build
	./$(BIN) demo

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet $(PKGS)

# Cross-builds for the lanes we ship to. CGO is off so a plain Go toolchain suffices.
cross:
	CGO_ENABLED=0 GOOS=linux   GOARCH=amd64         $(GO) build -trimpath -o dist/tillwatch-linux-amd64 ./cmd/tillwatch
	CGO_ENABLED=0 GOOS=linux   GOARCH=arm64         $(GO) build -trimpath -o dist/tillwatch-linux-arm64 ./cmd/tillwatch
	CGO_ENABLED=0 GOOS=linux   GOARCH=arm   GOARM=7 $(GO) build -trimpath -o dist/tillwatch-linux-armv7 ./cmd/tillwatch
	CGO_ENABLED=0 GOOS=windows GOARCH=amd64         $(GO) build -trimpath -o dist/tillwatch-windows-amd64.exe ./cmd/tillwatch

bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

# Runs every fuzz target for FUZZTIME each (CI: briefly; by hand: FUZZTIME=10m).
fuzz:
	@for pkg in $$($(GO) list $(PKGS)); do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    echo "fuzz $$pkg $$t"; \
	    $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

clean:
	rm -rf bin dist
