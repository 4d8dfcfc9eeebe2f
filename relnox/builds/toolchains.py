"""The programs a native build backend needs on PATH (cargo for maturin, CMake, ninja, a C
compiler), checked before a build starts; a module of its own so a plan that builds nothing
does not load the build environments (:mod:`relnox.builds.envpool`)."""

from __future__ import annotations

import os
import shutil

#: backend module prefix -> (tools of which one must be on PATH, what to install)
NATIVE_TOOLCHAINS: dict[str, tuple[tuple[str, ...], str]] = {
    "maturin": (("cargo",), "Rust's cargo (rustup.rs)"),
    "scikit_build_core": (("cmake",), "CMake"),
    "mesonpy": (("ninja", "samu"), "ninja"),
}
#: backends that compile C/C++ and need a compiler too
C_BACKENDS = ("scikit_build_core", "mesonpy")
C_COMPILERS = ("cc", "gcc", "clang")


def missing_toolchain(backend: str) -> list[str]:
    """Tools a native backend needs that are not on PATH (empty for pure-Python backends)."""
    module = backend.split(":")[0].split(".")[0]
    missing: list[str] = []
    if module in NATIVE_TOOLCHAINS:
        tools, label = NATIVE_TOOLCHAINS[module]
        if not any(shutil.which(tool) for tool in tools):
            missing.append(f"{label} ({' or '.join(tools)} on PATH)")
    if module in C_BACKENDS:
        compiler = os.environ.get("CC")
        if not (compiler and shutil.which(compiler.split()[0])) and not any(
            shutil.which(cc) for cc in C_COMPILERS
        ):
            missing.append(f"a C compiler ({' or '.join(C_COMPILERS)} on PATH, or $CC)")
    return missing
