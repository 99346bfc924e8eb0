#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Every external command the host-side harness runs must exist on a fresh
machine or be installed by the harness.

A fresh machine (Debian 12 with gcc, make, git and python3) has the commands
in scripts/config/fresh-machine-commands.txt ("make check-fresh" compares
that list with a real fresh root).  Everything else must appear in a
need_pkgs "command:package" pair.  The scripts are parsed with shfmt's
syntax tree, not with regular expressions: every simple command, also in
pipelines, command substitutions and functions, and the command behind
env/timeout/setsid/xargs/exec and "${ARRAY[@]}" heads.  The kernel build
runs commands of its own (depmod by modules_install, flex, bison, ...):
they are listed in KBUILD_COMMANDS below and checked the same way.

Usage: host_commands.py [--root DIR] [FILE...]
  FILE: shell scripts or Makefiles to check instead of the harness's own.
Exit 0 if every command is covered, 1 with one line per uncovered command.
"""

import argparse
import json
import os
import re
import subprocess
import sys

# Run by the kernel's own build (make bzImage modules modules_install,
# headers_install for the selftests), not by our scripts.
KBUILD_COMMANDS = {
    "flex": "lexers (kconfig, dtc)",
    "bison": "parsers (kconfig, dtc)",
    "bc": "kernel/time/timeconst.bc",
    "perl": "headers_install, checkpatch",
    "pahole": "scripts/pahole-version.sh at every kconfig run",
    "depmod": "modules_install writes modules.dep with it",
    "cpio": "kernel/gen_kheaders.sh, our initramfs",
    "rsync": "headers_install for the selftests",
    "xz": "linux-source-6.12.tar.xz, XZ-compressed images",
}

BUILTINS = set("""
. : [ [[ alias bg bind break builtin caller case cd command compgen complete
continue declare dirs disown echo enable eval exec exit export false fc fg
for function getopts hash help history if jobs kill let local logout mapfile
popd printf pushd pwd read readarray readonly return select set shift shopt
source suspend test time times trap true type typeset ulimit umask unalias
unset until wait while
""".split())

# Wrappers whose first non-option argument is the command they run.
WRAPPERS = {"env", "timeout", "setsid", "xargs", "nohup", "nice", "exec",
            "chroot", "stdbuf", "flock", "command"}


def shfmt_tree(text, path):
    try:
        out = subprocess.run(["shfmt", "--tojson"], input=text, text=True,
                             capture_output=True, check=False)
    except FileNotFoundError:
        sys.exit("host_commands.py: shfmt not found (package shfmt)")
    if out.returncode:
        sys.exit(f"host_commands.py: {path}: shfmt cannot parse it: "
                 f"{out.stderr.strip()}")
    return json.loads(out.stdout)


def lit(word):
    """The literal text of a shell word, or None if it is not literal."""
    parts = word.get("Parts") or []
    if len(parts) == 1 and parts[0].get("Type") == "Lit":
        return parts[0]["Value"]
    if len(parts) == 1 and parts[0].get("Type") in ("SglQuoted", "DblQuoted"):
        inner = parts[0].get("Parts")
        if inner is None:
            return parts[0].get("Value")
        if len(inner) == 1 and inner[0].get("Type") == "Lit":
            return inner[0]["Value"]
    return None


def array_head(word):
    """NAME for a "${NAME[@]}" word, else None."""
    parts = word.get("Parts") or []
    if len(parts) == 1 and parts[0].get("Type") == "DblQuoted":
        parts = parts[0].get("Parts") or []
    if len(parts) == 1 and parts[0].get("Type") == "ParamExp":
        p = parts[0]
        if p.get("Index") and p.get("Param"):
            return p["Param"]["Value"]
    return None


# Options taking a value, and how many operands come before the command.
WRAPPER_OPTS = {"env": {"-u", "-C"},
                "timeout": {"-s", "-k"}, "xargs": {"-n", "-I", "-P", "-d"},
                "nice": {"-n"}, "stdbuf": {"-o", "-e", "-i"},
                "flock": {"-w", "-E"}}
WRAPPER_OPERANDS = {"timeout": 1, "chroot": 1, "flock": 1}


def skip_wrapper(name, args):
    """Index in args of the command a wrapper runs, or None."""
    operands = WRAPPER_OPERANDS.get(name, 0)
    i = 1
    while i < len(args):
        a = lit(args[i])
        if a is not None and a.startswith("-"):
            i += 2 if a in WRAPPER_OPTS.get(name, ()) else 1
        elif name == "env" and a is not None and "=" in a:
            i += 1
        elif operands:
            operands -= 1
            i += 1
        else:
            return i
    return None


class Walker:
    def __init__(self):
        self.calls = []        # (command, file, line)
        self.funcs = set()
        self.arrays = {}       # name -> (first literal, line)
        self.array_calls = []  # (name, file, line)
        self.pkg_cmds = {}     # command -> package
        self.pkg_files = {}

    def call(self, args, path):
        line = args[0]["Pos"]["Line"]
        name = lit(args[0])
        if name is None:
            head = array_head(args[0])
            if head:
                self.array_calls.append((head, path, line))
            return
        if name in ("need_pkgs",):
            for a in args[1:]:
                spec = lit(a)
                if spec and ":" in spec:
                    what, pkg = spec.split(":", 1)
                    (self.pkg_files if what.startswith("/")
                     else self.pkg_cmds)[what] = pkg
        if name == "command" and len(args) > 1 and lit(args[1]) == "-v":
            return
        base = os.path.basename(name)
        if base in WRAPPERS:
            if base not in ("exec", "command"):
                self.calls.append((base, path, line))
            i = skip_wrapper(base, args)
            if i is not None:
                self.call(args[i:], path)
            return
        self.calls.append((name, path, line))

    def walk(self, node, path):
        if isinstance(node, list):
            for n in node:
                self.walk(n, path)
            return
        if not isinstance(node, dict):
            return
        t = node.get("Type")
        if t == "FuncDecl":
            self.funcs.add(node["Name"]["Value"])
        if t in ("CallExpr", "DeclClause"):
            for a in node.get("Assigns") or node.get("Args") or []:
                arr = a.get("Array") if isinstance(a, dict) else None
                if arr and arr.get("Elems") and a.get("Name"):
                    first = lit(arr["Elems"][0]["Value"])
                    if first:
                        self.arrays[a["Name"]["Value"]] = first
            if t == "CallExpr" and node.get("Args"):
                self.call(node["Args"], path)
        for k, v in node.items():
            if k not in ("Pos", "End"):
                self.walk(v, path)


def makefile_recipes(text):
    """The recipe lines of a Makefile as shell, make syntax neutralised."""
    lines = []
    for ln in text.splitlines():
        if ln.startswith("\t"):
            ln = ln[1:].lstrip("@-+")
            ln = re.sub(r"\$\((or|and)\s[^()]*(\([^()]*\)[^()]*)*\)", "X", ln)
            ln = re.sub(r"\$[({][^(){}]*[)}]", "X", ln)
            lines.append(ln)
        else:
            lines.append("")
    return "\n".join(lines) + "\n"


def harness_files(root):
    files = [os.path.join(root, ".ci", "run"), os.path.join(root, "Makefile")]
    sdir = os.path.join(root, "scripts")
    files += sorted(os.path.join(sdir, f) for f in os.listdir(sdir)
                    if f.endswith(".sh"))
    return files


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=os.path.dirname(
        os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()

    base_file = os.path.join(args.root, "scripts", "config",
                             "fresh-machine-commands.txt")
    with open(base_file) as f:
        base = {ln.strip() for ln in f if ln.strip() and not ln.startswith("#")}

    w = Walker()
    # The package pairs always come from the harness itself (lib.sh ...);
    # the guest library only lends its functions (the harness tests some
    # of them on the host), its commands run in the guest.
    guest_lib = [os.path.join(args.root, "scripts", "guest", "lib.sh")]
    for path in harness_files(args.root) + args.files + guest_lib:
        with open(path) as f:
            text = f.read()
        if os.path.basename(path) == "Makefile":
            text = makefile_recipes(text)
        w.walk(shfmt_tree(text, path), os.path.relpath(path, args.root))

    checked = args.files or harness_files(args.root)
    checked = {os.path.relpath(p, args.root) for p in checked}
    calls = [c for c in w.calls if c[1] in checked]
    for name, path, line in w.array_calls:
        if path in checked and name in w.arrays:
            calls.append((w.arrays[name], path, line))
    if not args.files:
        calls += [(c, "(kernel build)", 0) for c in KBUILD_COMMANDS]

    bad = []
    seen = set()
    for name, path, line in calls:
        cmd = os.path.basename(name)
        if (name in BUILTINS or name in w.funcs or "/" in name and
                not name.startswith("/") or name.startswith("/nonexistent")):
            continue    # our own scripts ("$PAC_ROOT/..." is not literal)
        if not re.fullmatch(r"[A-Za-z0-9_.+-]+", cmd):
            continue
        if cmd in base or cmd in w.pkg_cmds:
            continue
        if name.startswith("/") and name in w.pkg_files:
            continue
        if (cmd, path) in seen:
            continue
        seen.add((cmd, path))
        where = f"{path}:{line}" if line else path
        bad.append(f"{where}: '{cmd}' is neither on a fresh machine "
                   "(scripts/config/fresh-machine-commands.txt) nor in a "
                   "need_pkgs command:package pair")
    for b in bad:
        print(b)
    ncmds = len({os.path.basename(c[0]) for c in calls})
    print(f"host_commands: {ncmds} distinct commands in {len(checked)} "
          f"files, {len(bad)} uncovered")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
