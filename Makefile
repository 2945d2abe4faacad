# ocop: the two quick-start commands and a few more. The build itself is Meson + Ninja.
#   make run     install missing packages, build, migrate ./ocop.db, load demo data if empty, serve
#                (a demo: certificates carry http://LISTEN unless PUBLIC_URL=https://... is given)
#   make check   build with ASan+UBSan in build-check/ (and the optimised build/) and run every test
#   make         build build/ocop
#   make bench   benchmarks (bench/), figures go to docs/benchmarks.md by hand
#   make fuzz    build the libFuzzer harnesses with clang in build-fuzz/
#   make valgrind  unit tests and fuzz corpora under valgrind

DB ?= ocop.db
LISTEN ?= 127.0.0.1:8080

.PHONY: all deps run check bench fuzz valgrind clean

all: deps build/build.ninja
	ninja -C build

deps:
	@scripts/install-deps

build/build.ninja:
	meson setup build --buildtype=debugoptimized -Dtests=false >/dev/null

build-check/build.ninja:
	meson setup build-check --buildtype=debug -Db_sanitize=address,undefined \
	  -Db_lundef=false >/dev/null

run: all
	./build/ocop migrate --db $(DB)
	./build/ocop demo --db $(DB) --if-empty
	./build/ocop serve --db $(DB) --listen $(LISTEN) $(if $(PUBLIC_URL),--public-url $(PUBLIC_URL),--insecure-public-url)

# The optimised build too: some warnings (maybe-uninitialized) only appear with -O2.
check: deps build-check/build.ninja build/build.ninja
	ninja -C build
	ninja -C build-check
	meson test -C build-check --print-errorlogs --num-processes 2

bench: all
	@scripts/install-deps --bench
	bench/run

fuzz:
	@scripts/install-deps --fuzz
	@[ -f build-fuzz/build.ninja ] || CC=clang meson setup build-fuzz -Dfuzz=true --buildtype=debugoptimized \
	  -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
	ninja -C build-fuzz
	@echo "run e.g.: build-fuzz/tests/fuzz_csv -max_total_time=60 tests/fuzz/corpus/csv"

valgrind:
	@scripts/install-deps --valgrind
	@[ -f build-vg/build.ninja ] || meson setup build-vg --buildtype=debug >/dev/null
	ninja -C build-vg
	@# VIPS_NOVECTOR: libvips's run-time generated (orc) code reads in ways valgrind cannot follow
	meson test -C build-vg --suite unit --suite fuzz --print-errorlogs \
	  --wrapper 'env VIPS_NOVECTOR=1 valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --suppressions=$(CURDIR)/tests/valgrind.supp'

clean:
	rm -rf build build-check build-fuzz build-vg
