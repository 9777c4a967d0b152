#!/bin/sh
# install_test.sh CASE BUILD_DIR SOURCE_DIR ACCELSIM: checks of the installed tree and the
# Debian package (cmake/Packaging.cmake, docs/install.md). Each case prints what it checked.
set -eu
case_=$1 build=$2 src=$3 accelsim=$4
work=$(mktemp -d /tmp/asim_install_XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cfg=$src/configs/beta.yaml
model=vit_tiny:layers=1
want=$("$accelsim" --config "$cfg" --model "$model" --format json | sed -n 's/^  "total_cycles": \([0-9]*\),$/\1/p')
[ -n "$want" ] || fail "no total_cycles from $accelsim"

case $case_ in
tree)
    # cmake --install into a temporary prefix gives every promised file, and nothing of
    # sim/ other than the public headers.
    cmake --install "$build" --prefix "$work/root" >/dev/null
    r=$work/root
    for f in bin/accelsim lib/libasim.a include/asim/sim.h include/asim/config.h \
        include/asim/model.h lib/pkgconfig/accelsim.pc lib/cmake/accelsim/accelsimConfig.cmake \
        lib/cmake/accelsim/accelsimConfigVersion.cmake lib/cmake/accelsim/accelsimTargets.cmake \
        share/man/man1/accelsim.1 share/accelsim/configs/beta.yaml \
        share/accelsim/configs/tech/fpga_usplus.yaml; do
        [ -e "$r/$f" ] || fail "$f is not installed"
    done
    extra=$(cd "$r/include" && find . -type f ! -path './asim/*' | head -3)
    [ -z "$extra" ] || fail "private headers installed: $extra"
    [ "$(ls "$r/include/asim" | sort)" = "$(ls "$src/sim/include/asim" | sort)" ] ||
        fail "include/asim differs from sim/include/asim"
    got=$("$r/bin/accelsim" --config "$r/share/accelsim/configs/beta.yaml" --model "$model" \
        --format json | sed -n 's/^  "total_cycles": \([0-9]*\),$/\1/p')
    [ "$got" = "$want" ] || fail "the installed program gives $got cycles, the build $want"
    echo "ok: installed tree complete; the installed program runs its installed config ($got cycles)"
    ;;
find_package)
    # A CMake project finds the installed accelsim and its program agrees with accelsim.
    cmake --install "$build" --prefix "$work/root" >/dev/null
    cmake -S "$src/tests/install/consumer" -B "$work/b" -DCMAKE_PREFIX_PATH="$work/root" \
        -DCMAKE_BUILD_TYPE=Release >"$work/log" 2>&1 || { cat "$work/log"; fail "configure failed"; }
    cmake --build "$work/b" >"$work/log" 2>&1 || { cat "$work/log"; fail "build failed"; }
    got=$("$work/b/consumer" "$cfg" "$model")
    [ "$got" = "$want" ] || fail "the consumer gives $got cycles, accelsim $want"
    echo "ok: find_package(accelsim) consumer built and gives $got cycles, as accelsim does"
    ;;
pkg_config)
    # pkg-config --cflags --libs accelsim builds a C program against the installed tree.
    cmake --install "$build" --prefix "$work/root" >/dev/null
    flags=$(PKG_CONFIG_PATH="$work/root/lib/pkgconfig" pkg-config --cflags --libs accelsim) ||
        fail "pkg-config does not know accelsim"
    # shellcheck disable=SC2086
    cc -std=c11 -o "$work/consumer" "$src/tests/install/consumer/consumer.c" $flags ||
        fail "cc consumer.c $flags failed"
    got=$("$work/consumer" "$cfg" "$model")
    [ "$got" = "$want" ] || fail "the pkg-config consumer gives $got cycles, accelsim $want"
    echo "ok: cc \$(pkg-config --cflags --libs accelsim) built a consumer: $got cycles ($flags)"
    ;;
deb)
    # cpack -G DEB builds a package whose Depends name the shared libraries the program
    # needs; unpacked into a temporary root (dpkg -x, so the machine is left alone) its
    # program runs its own configuration and agrees with the build.
    command -v dpkg-deb >/dev/null || { echo "SKIP: dpkg-deb not found (not a Debian system)"; exit 77; }
    command -v dpkg-shlibdeps >/dev/null || fail "dpkg-shlibdeps missing: install dpkg-dev (tools/bootstrap.sh)"
    (cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/pkg" >"$work/log" 2>&1) ||
        { cat "$work/log"; fail "cpack -G DEB failed"; }
    deb=$(ls "$work"/pkg/*.deb)
    depends=$(dpkg-deb -f "$deb" Depends)
    for lib in libyaml-cpp libcjson1 libstdc++6 libc6; do
        echo "$depends" | grep -q "$lib" || fail "Depends lacks $lib: $depends"
    done
    dpkg-deb -c "$deb" | grep -q ' ./usr/share/man/man1/accelsim.1' || fail "no man page in the package"
    dpkg-deb -x "$deb" "$work/root"
    r=$work/root/usr
    got=$("$r/bin/accelsim" --config "$r/share/accelsim/configs/beta.yaml" --model "$model" \
        --format json | sed -n 's/^  "total_cycles": \([0-9]*\),$/\1/p')
    [ "$got" = "$want" ] || fail "the packaged program gives $got cycles, the build $want"
    echo "ok: $(basename "$deb") (Depends: $depends) unpacks and runs: $got cycles"
    ;;
*)
    fail "unknown case $case_"
    ;;
esac
