# The two commands README.md starts with: `make demo` and `make test`.
# Both install what they need (Debian 12 packages) first.

JOBS ?= $(shell nproc)
KAGAMI := build/release/cli/kagami
FUZZ_SECONDS ?= 60

.PHONY: deps demo release test test-dev test-asan fuzz fuzz-smoke bench format clean

deps:
	@./scripts/install-deps.sh

release: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

# Scans the bundled sample mail. kagami exits 1 when it finds something, as clamscan
# does, and the samples are meant to contain suspicious mail: only 2 is a failure.
demo: release
	@$(KAGAMI) scan examples/ ; rc=$$?; [ $$rc -le 1 ] || exit $$rc

test: test-dev test-asan

test-dev: deps
	@KAGAMI_REQUIRE_POSTGRES=1 ./scripts/with-postgres.sh cmake --workflow --preset dev

test-asan: deps
	@KAGAMI_REQUIRE_POSTGRES=1 ./scripts/with-postgres.sh cmake --workflow --preset asan

fuzz: deps
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)

# A short libFuzzer run of every target, seeded from fuzz/corpus/<target>/.
fuzz-smoke: fuzz
	@./scripts/fuzz-smoke.sh build/fuzz/fuzz $(FUZZ_SECONDS)

# Real phishing mail (bundled rules and a 100,000-indicator feed; then 1,000 and 1,000,000
# to show the cost does not grow), then attachment-heavy mail: every Office document, RTF
# and shortcut of the oletools and LnkParse3 test data mailed as an attachment; then the
# intel feed loads and matches, and the lure lexicon, alone; then hunt throughput into a
# store and a 100,000-indicator feed against a 100,000-message store.
bench: release
	@./build/release/bench/throughput ../shared/corpora/phishing_pot/email
	@for n in 1000 1000000; do ./build/release/bench/throughput --rounds 1 --indicators $$n \
	  ../shared/corpora/phishing_pot/email | grep -E 'intel|pipeline'; done
	@./build/release/bench/throughput --attach ../shared/corpora/oletools_test_data/test-data \
	  ../shared/corpora/lnkparse3_samples/samples
	@./build/release/bench/intel_bench
	@./build/release/bench/lure_bench
	@./build/release/bench/hunt_bench ../shared/corpora/phishing_pot/email

format:
	@find src include cli tests fuzz bench -name '*.cc' -o -name '*.h' | xargs clang-format -i

clean:
	rm -rf build
