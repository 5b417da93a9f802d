# Thin wrapper: installs what is missing (Debian packages), configures, builds, runs.
# `make run` opens the app on lesson 1; `make test` builds and runs every test through CTest.

BUILD     ?= build
JOBS      ?= $(shell nproc)
CMAKE_ARGS ?=
SUDO      := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Build and test dependencies (README.md says why each is needed).
PACKAGES := cmake g++ make pkg-config python3 \
            qt6-base-dev qt6-svg-dev libgl-dev libqcustomplot-dev \
            libgtest-dev libbenchmark-dev python3-aiohttp python3-distributed \
            dpkg-dev file desktop-file-utils appstream groff-base qt6-l10n-tools

.PHONY: run test deps configure build bench test-asan test-tsan test-lessons test-random install package translations format clean

deps: $(BUILD)/.deps-ok
$(BUILD)/.deps-ok: Makefile
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing packages:" $$missing; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@mkdir -p $(BUILD) && touch $@

# Configuring again is cheap and picks up new files and a half-finished earlier configure.
configure: deps
	@cmake -S . -B $(BUILD) $(CMAKE_ARGS) >$(BUILD)/configure.log 2>&1 || { cat $(BUILD)/configure.log; exit 1; }

build: configure
	cmake --build $(BUILD) -j $(JOBS)

run: build
	./$(BUILD)/app/concurrency-lab

# Every test, then the lesson-runs: each lesson's steps run headless and every figure its text
# promises must hold. Those are timings of whole runs, so they run one at a time after the rest, and
# a lesson that misses gets two more tries (a noisy moment on a shared machine is not a broken lesson).
test: build
	cd $(BUILD) && QT_QPA_PLATFORM=offscreen ctest --output-on-failure --timeout 300 -LE 'lesson-runs|random-long'
	cd $(BUILD) && QT_QPA_PLATFORM=offscreen ctest --output-on-failure -L lesson-runs --repeat until-pass:3

# Only the lesson-runs.
test-lessons: build
	cd $(BUILD) && ctest --output-on-failure -L lesson-runs --repeat until-pass:3

bench: build
	@for b in $(BUILD)/tests/bench/bench_*; do [ -x "$$b" ] && "$$b"; done
	python3 tests/bench/startup_time.py $(BUILD)/app/concurrency-lab

# Issue 19's long random session (10,000 seeded actions on the real window; CLAB_RANDOM_SEED=N for
# another seed). `make test` runs only its short sessions; `make test-asan` runs this one too.
test-random: build
	cd $(BUILD) && ctest --output-on-failure -L random-long

test-asan:
	$(MAKE) test BUILD=build-asan CMAKE_ARGS="-DCLAB_SANITIZE=address -DCLAB_BUILD_BENCH=OFF -DCLAB_LESSON_RUNS=OFF"
	$(MAKE) test-random BUILD=build-asan CMAKE_ARGS="-DCLAB_SANITIZE=address -DCLAB_BUILD_BENCH=OFF -DCLAB_LESSON_RUNS=OFF"

test-tsan:
	$(MAKE) test BUILD=build-tsan CMAKE_ARGS="-DCLAB_SANITIZE=thread -DCLAB_BUILD_APP=OFF -DCLAB_BUILD_BENCH=OFF"

install: build
	$(SUDO) cmake --install $(BUILD)

# The Debian package, $(BUILD)/concurrency-lab_<version>_<arch>.deb (cmake/Packaging.cmake says what is in it).
package: build
	cd $(BUILD) && cpack

# The translation template resources/translations/concurrency-lab.ts (lupdate over app/).
translations: configure
	cmake --build $(BUILD) --target translations

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf build build-asan build-tsan
