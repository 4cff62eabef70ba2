#!/usr/bin/env python3
"""Per-area handles of `store::Db` (`db.members()`, `db.units()`, …): generated forwarding, spans, caller rewrite.

The store's queries live in handle impls, one handle per area (`impl crate::Members<'_> { … }` in
crates/store/src/members.rs, …; the handle types and their accessors are declared in crates/store/src/lib.rs).
This script reads those impls and:

  (default)            while crates/store/src/compat.rs exists (a migration in progress), regenerates it: one
                       method on `Db` per `pub` handle method, forwarding to the handle. All callers use the
                       handles today, so there is no compat.rs and this does nothing.
  --spans              adds the missing `#[tracing::instrument(name = "db", level = "debug", skip_all,
                       fields(op = "<area>.<method>"))]` attributes to every `pub`/`pub(crate)` async method of
                       a handle (and of `Portal`), and corrects an `op` that no longer matches its method.
  --check              changes nothing; exits 1 when compat.rs is stale, a span attribute is missing or an area
                       file still has an `impl Db {` block; warns about `pub` items lib.rs does not re-export.
  --migrate            turns the remaining `impl Db {` blocks of the area files into handle impls (header,
                       `&self` → `self`, `self.` → `self.db.` for `Db`'s own fields and methods and for other
                       areas' methods, which are called through their handle). Done once; kept for files that
                       gain an `impl Db` block again.
  --rewrite-callers    rewrites every call of a handle method on a `Db` (`db.create_member(`, `st.db\n.x(`, …)
                       in crates/*/{src,tests,benches} and bench/ to the handle form (`db.members().create_member(`),
                       rewrites `Db::method` mentions in comments, deletes compat.rs and its `mod` line, then
                       (unless --no-check) runs `cargo check --workspace --all-targets` and fixes the calls the
                       textual pass could not see (a `Db` under another name: `a.unit(..)`, `on.create_member(..)`)
                       from the compiler's "no method named … found for … Db" errors, until none are left.

Options: --root DIR (default: the repository holding this script), --no-check, --fmt (rustfmt the changed
files after --rewrite-callers), --dry-run (with --rewrite-callers: print what would change, write nothing).
Run from anywhere; Python 3.8+, no dependencies.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Area files → (handle type, accessor on Db). Several files may share one handle.
AREAS: dict[str, tuple[str, str]] = {
    "accounts": ("Accounts", "accounts"),
    "audit": ("Audit", "audit"),
    "campaign": ("Campaign", "campaign"),
    "commendations": ("Commendations", "commendations"),
    "commendations_read": ("Commendations", "commendations"),
    "commendations_summary": ("Commendations", "commendations"),
    "criteria": ("Criteria", "criteria"),
    "criteria_assess": ("Criteria", "criteria"),
    "criteria_decisions": ("Criteria", "criteria"),
    "feedback": ("Feedback", "feedback"),
    "import": ("Imports", "imports"),
    "inspections": ("Inspections", "inspections"),
    "inspections_load": ("Inspections", "inspections"),
    "inspections_import": ("Inspections", "inspections"),
    "disciplines": ("Inspections", "inspections"),
    "meetings": ("Attendance", "attendance"),
    "meetings_load": ("Attendance", "attendance"),
    "members": ("Members", "members"),
    "models": ("Models", "models"),
    "registrations": ("Registrations", "registrations"),
    "registrations_review": ("Registrations", "registrations"),
    "registrations_export": ("Registrations", "registrations"),
    "registrations_load": ("Registrations", "registrations"),
    "reports": ("Reports", "reports"),
    "reports_read": ("Reports", "reports"),
    "report_figures": ("Reports", "reports"),
    "report_figures_sub": ("Reports", "reports"),
    "units": ("Units", "units"),
}
# Handles that own a `Db` clone and are not forwarded by compat.rs (they were handles already); they only get spans.
OWNED_HANDLES: dict[str, tuple[str, str]] = {"portal": ("Portal", "portal")}

HANDLE_TYPES = sorted({t for t, _ in AREAS.values()})
ACCESSORS = sorted({a for _, a in AREAS.values()} | {a for _, a in OWNED_HANDLES.values()})

# What stays on `Db` (core): fields and methods a handle reaches through `self.db`.
DB_FIELDS = {"pool", "backend", "clock", "write_lock", "disclosure", "answer_days", "changes", "password_checks"}
DB_METHODS = {
    "open", "connect", "with_disclosure", "with_answer_days", "answer_days", "generation", "migrate", "backend",
    "clock", "now", "today", "schema_version", "is_empty", "analyze", "close", "write", "write_quiet",
} | set(ACCESSORS)

SPAN_ATTR = '#[tracing::instrument(name = "db", level = "debug", skip_all, fields(op = "{op}"))]'
SPAN_RE = re.compile(r'#\[tracing::instrument\(\s*name = "db",.*\bop = "([^"]*)"', re.S)

COMPAT_HEADER = """\
//! GENERATED by scripts/store_handles.py — do not edit. If this file no longer compiles after a store method
//! was added, renamed or changed its signature, regenerate it: `python3 scripts/store_handles.py`.
//!
//! The old `Db` methods, each forwarding to its area's handle (`db.create_member(..)` is
//! `db.members().create_member(..)`), so that callers outside the store keep compiling until they are
//! rewritten by `python3 scripts/store_handles.py --rewrite-callers`, which also deletes this file.
#![allow(unused_imports, clippy::too_many_arguments)]
"""


# ---------------------------------------------------------------------------------------------------------------
# A small Rust lexer: `blank` keeps offsets and newlines but turns comments and literals' contents into spaces,
# so that regular expressions and brace matching only see code.


def blank(src: str, keep_comments: bool = False) -> str:
    out = list(src)
    i, n = 0, len(src)

    def wipe(a: int, b: int) -> None:
        for k in range(a, b):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            if not keep_comments:
                wipe(i, j)
            i = j
        elif src.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if src.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif src.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            if not keep_comments:
                wipe(i, j)
            i = j
        elif c in "rb" and (m := re.match(r'(b?r)(#*)"', src[i:i + 300])) and not _ident_before(src, i):
            hashes = m.group(2)
            end = src.find('"' + hashes, i + len(m.group(0)))
            end = n if end < 0 else end + 1 + len(hashes)
            wipe(i + len(m.group(0)), end - 1 - len(hashes))
            i = end
        elif c == '"' or (c == "b" and src.startswith('b"', i) and not _ident_before(src, i)):
            j = i + (2 if c == "b" else 1)
            while j < n and src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            wipe(i + (2 if c == "b" else 1), j)
            i = j + 1
        elif c == "'":
            # A char literal ('x', '\n', '\u{1F600}', '{') or a lifetime ('a, '_, 'static).
            m = re.match(r"'(\\(?:u\{[0-9a-fA-F]+\}|x[0-9a-fA-F]{2}|.)|[^\\'\n])'", src[i:i + 16])
            if m:
                wipe(i + 1, i + len(m.group(0)) - 1)
                i += len(m.group(0))
            else:
                i += 1
        else:
            i += 1
    return "".join(out)


def _ident_before(src: str, i: int) -> bool:
    return i > 0 and (src[i - 1].isalnum() or src[i - 1] == "_")


def matching(code: str, open_at: int) -> int:
    """Index of the bracket closing the one at `open_at` in blanked code."""
    pairs = {"{": "}", "(": ")", "[": "]"}
    stack = []
    for k in range(open_at, len(code)):
        ch = code[k]
        if ch in pairs:
            stack.append(pairs[ch])
        elif ch in ")}]":
            if not stack or stack.pop() != ch:
                raise ValueError(f"unbalanced bracket at {k}")
            if not stack:
                return k
    raise ValueError("unclosed bracket")


def split_top(text: str, code: str, sep: str = ",") -> list[tuple[int, int]]:
    """Spans of `text` split at top-level `sep` (outside (), [], {}, <>)."""
    spans, depth, start = [], 0, 0
    for k, ch in enumerate(code):
        if ch in "([{<":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == ">" and not (k > 0 and code[k - 1] in "-="):
            depth -= 1
        elif ch == sep and depth == 0:
            spans.append((start, k))
            start = k + 1
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


# ---------------------------------------------------------------------------------------------------------------
# Reading the handle impls.


@dataclass
class Method:
    name: str
    vis: str  # "pub", "pub(crate)" or ""
    is_async: bool
    handle: str
    accessor: str
    file: Path
    attrs: list[tuple[int, int, str]]  # (start, end, whitespace-normalised text) of each attribute
    attr_start: int  # offset of the first attribute/doc line
    fn_line_start: int  # offset of the line holding `pub async fn`
    generics: str  # "<T: X>" or ""
    params: list[tuple[str, str]]  # (pattern, type) after the receiver
    receiver: str  # "self", "&self", …
    ret: str  # "-> T" or ""
    where: str  # "where …" or ""
    cfgs: list[str] = field(default_factory=list)


@dataclass
class Block:
    handle: str
    accessor: str
    header_start: int
    body_open: int
    body_close: int


IMPL_RE = re.compile(r"^impl(?:<[^>{]*>)?\s+(?:crate::)?(\w+)(?:<[^>{]*>)?\s*\{", re.M)
FN_RE = re.compile(r"^    (pub(?:\(crate\))?\s+)?((?:const\s+)?(?:async\s+)?)fn\s+(\w+)", re.M)


def handle_blocks(src: str, code: str, handles: dict[str, str]) -> list[Block]:
    blocks = []
    for m in IMPL_RE.finditer(code):
        if m.group(1) in handles:
            open_at = m.end() - 1
            blocks.append(Block(m.group(1), handles[m.group(1)], m.start(), open_at, matching(code, open_at)))
    return blocks


def methods_of(path: Path, src: str, code: str, block: Block) -> list[Method]:
    out = []
    prev_end = block.body_open + 1
    for m in FN_RE.finditer(code, block.body_open, block.body_close):
        if m.start() < prev_end:
            continue  # a nested item
        name = m.group(3)
        line_start = m.start()
        # Between the previous item and this one: blank lines, comments and this method's attributes.
        gap = src[prev_end:line_start]
        gap_code = blank(gap)
        attrs: list[tuple[int, int, str]] = []
        k = 0
        while (k := gap_code.find("#[", k)) >= 0:
            end = matching(gap_code, k + 1)
            attrs.append((prev_end + k, prev_end + end + 1, " ".join(gap[k:end + 1].split())))
            k = end + 1
        attr_start = line_start
        first = re.search(r"\S", gap)
        if first:
            attr_start = src.rfind("\n", 0, prev_end + first.start()) + 1
        # Signature: generics, params, return type, where clause; the body starts at the first `{` at depth 0.
        k = m.end()
        generics = ""
        if code[k] == "<":
            depth, j = 0, k
            while True:
                if code[j] == "<":
                    depth += 1
                elif code[j] == ">" and code[j - 1] != "-":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            generics = src[k:j + 1]
            k = j + 1
        while code[k] != "(":
            k += 1
        close = matching(code, k)
        body_open = code.find("{", close)
        body_semicolon = code.find(";", close)
        if 0 <= body_semicolon < body_open:
            body_open = -1
        prev_end = matching(code, body_open) + 1 if body_open >= 0 else body_semicolon + 1
        tail = " ".join(src[close + 1:body_open].split())
        ret, where = tail, ""
        wm = re.search(r"\bwhere\b", blank(tail))
        if wm:
            ret, where = tail[:wm.start()].strip(), tail[wm.start():].strip()
        inner, inner_code = src[k + 1:close], code[k + 1:close]
        parts = [(inner[a:b], inner_code[a:b]) for a, b in split_top(inner, inner_code)]
        first_part = " ".join(parts[0][0].split()) if parts else ""
        receiver = first_part if re.fullmatch(r"(&('\w+\s+)?)?(mut\s+)?self(\s*:.*)?", first_part) else ""
        params = []
        for text, pcode in parts[1:] if receiver else parts:
            colon = _top_colon(pcode)
            params.append((" ".join(text[:colon].split()), " ".join(text[colon + 1:].split())))
        cfgs = [a for _, _, a in attrs if a.startswith("#[cfg")]
        out.append(Method(name, (m.group(1) or "").strip().replace(" ", ""), "async" in m.group(2), block.handle,
                          block.accessor, path, attrs, attr_start, line_start, generics, params, receiver, ret,
                          where, cfgs))
    return out


def _top_colon(pcode: str) -> int:
    depth = 0
    for k, ch in enumerate(pcode):
        if ch in "([{<":
            depth += 1
        elif ch in ")]}>":
            depth -= 1
        elif ch == ":" and depth == 0 and not pcode.startswith("::", k) and not pcode[k - 1] == ":":
            return k
    raise ValueError(f"no type in parameter {pcode!r}")


@dataclass
class Store:
    root: Path
    src_dir: Path
    methods: list[Method]
    by_name: dict[str, Method]
    ambiguous: set[str]
    module_cfgs: dict[str, list[str]]


def read_store(root: Path) -> Store:
    src_dir = root / "crates/store/src"
    methods: list[Method] = []
    for stem, (handle, accessor) in sorted({**AREAS, **OWNED_HANDLES}.items()):
        path = src_dir / f"{stem}.rs"
        if not path.exists():
            continue
        src = path.read_text()
        code = blank(src)
        for b in handle_blocks(src, code, {handle: accessor}):
            methods.extend(methods_of(path, src, code, b))
    by_name: dict[str, Method] = {}
    ambiguous: set[str] = set()
    for m in methods:
        if m.handle in {t for t, _ in OWNED_HANDLES.values()} or m.vis == "":
            continue
        if m.name in by_name and by_name[m.name].handle != m.handle:
            ambiguous.add(m.name)
        by_name[m.name] = m
    for name in ambiguous:
        del by_name[name]
    # `#[cfg(..)]` on `mod x;` lines of lib.rs (feature-gated modules).
    lib = (src_dir / "lib.rs").read_text()
    module_cfgs: dict[str, list[str]] = {}
    for mm in re.finditer(r"((?:^#\[cfg[^\n]*\]\n)+)^(?:pub(?:\(crate\))? )?mod (\w+);", lib, re.M):
        module_cfgs[mm.group(2)] = [c.strip() for c in mm.group(1).strip().split("\n")]
    return Store(root, src_dir, methods, by_name, ambiguous, module_cfgs)


# ---------------------------------------------------------------------------------------------------------------
# compat.rs


def file_uses(src: str) -> list[str]:
    """The top-level `use` declarations of a module (outside nested modules), made absolute."""
    code = blank(src)
    out = []
    for m in re.finditer(r"^(?:pub(?:\([^)]*\))?\s+)?use\s[^;]*;", code, re.M):
        text = src[m.start():m.end()]
        text = re.sub(r"^pub(\([^)]*\))?\s+", "", text)
        out.append(" ".join(text.split()))
    return out


def flatten_use(text: str) -> list[tuple[str, str]]:
    """`use a::{b, c::d as e, self};` → [("a::b", "b"), ("a::c::d", "e"), ("a", "a")]; globs as ("a::*", "*")."""
    body = re.sub(r"^use\s+", "", text.strip()).rstrip(";").strip()

    def walk(prefix: str, tree: str) -> list[tuple[str, str]]:
        tree = tree.strip()
        if not tree:
            return []
        brace = tree.find("{")
        if brace >= 0 and tree.endswith("}"):
            head = tree[:brace].rstrip(":").strip()
            base = f"{prefix}::{head}" if prefix and head else (head or prefix)
            inner = tree[brace + 1:-1]
            out = []
            for a, b in split_top(inner, inner):
                out.extend(walk(base, inner[a:b]))
            return out
        m = re.fullmatch(r"(.*?)(?:\s+as\s+(\w+))?", tree)
        path, alias = m.group(1).strip(), m.group(2)
        if path == "self":
            return [(prefix, alias or prefix.split("::")[-1])]
        full = f"{prefix}::{path}" if prefix else path
        if path.endswith("*"):
            return [(full, "*")]
        return [(full, alias or full.split("::")[-1])]

    return walk("", body)


def compat_source(store: Store) -> str:
    chunks = [COMPAT_HEADER]
    by_file: dict[Path, list[Method]] = {}
    for m in store.methods:
        if store.by_name.get(m.name) is m and m.vis == "pub":
            by_file.setdefault(m.file, []).append(m)
    for path in sorted(by_file):
        stem = path.stem
        src = path.read_text()
        # Only the imports the forwarded signatures name (the module's other imports change too often).
        sig_text = " ".join(" ".join([m.generics, m.ret, m.where] + [t for _, t in m.params]) for m in by_file[path])
        idents = set(re.findall(r"\b[A-Za-z_]\w*\b", sig_text))
        uses = []
        for u in file_uses(src):
            for full, alias in flatten_use(u):
                full = re.sub(r"^super::", "crate::", full)
                full = re.sub(r"^self::", f"crate::{stem}::", full)
                if alias == "*" or alias in idents:
                    uses.append(f"use {full}" + ("" if full.endswith("::" + alias) or full == alias
                                                  or alias == "*" else f" as {alias}") + ";")
        chunks.append("")
        for c in store.module_cfgs.get(stem, []):
            chunks.append(c)
        chunks.append(f"mod {stem} {{")
        chunks.append(f"    use crate::{stem}::*;")
        for u in uses:
            chunks.append(f"    {u}")
        chunks.append("")
        chunks.append("    impl crate::Db {")
        for m in by_file[path]:
            chunks.extend(forwarder(m))
        chunks.append("    }")
        chunks.append("}")
    return "\n".join(chunks) + "\n"


def forwarder(m: Method) -> list[str]:
    out = []
    out.append(f"        /// Forwards to [`crate::{m.handle}::{m.name}`].")
    for c in m.cfgs:
        out.append(f"        {c}")
    params, args = ["&self"], []
    for k, (pat, ty) in enumerate(m.params):
        name = re.sub(r"^(ref\s+)?(mut\s+)?", "", pat)
        if not re.fullmatch(r"[a-z_]\w*", name):
            name = f"arg{k}"
        params.append(f"{name}: {ty}")
        args.append(name)
    vis = f"{m.vis} " if m.vis else ""
    asy = "async " if m.is_async else ""
    sig = f"{vis}{asy}fn {m.name}{m.generics}({', '.join(params)})"
    if m.ret:
        sig += f" {m.ret}"
    if m.where:
        sig += f" {m.where}"
    call = f"self.{m.accessor}().{m.name}({', '.join(args)})"
    if m.is_async:
        call += ".await"
    out.append(f"        {sig} {{")
    out.append(f"            {call}")
    out.append("        }")
    return out


def rustfmt(text: str) -> str:
    """`text` formatted by rustfmt (as `cargo fmt` would leave it), or unchanged without rustfmt."""
    try:
        proc = subprocess.run(["rustfmt", "--edition", "2021", "--emit", "stdout"], input=text,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=False)
    except OSError:
        return text
    return proc.stdout if proc.returncode == 0 and proc.stdout else text


def write_compat(store: Store, check: bool) -> bool:
    path = store.src_dir / "compat.rs"
    if not path.exists():
        # Callers use the handles (`--rewrite-callers` was run); there is no forwarding layer to keep.
        return True
    text = rustfmt(compat_source(store))
    if check:
        ok = path.exists() and path.read_text() == text
        if not ok:
            print(f"{path}: stale (run python3 scripts/store_handles.py)")
        return ok
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
        count = sum(1 for m in store.methods if store.by_name.get(m.name) is m and m.vis == "pub")
        print(f"wrote {path.relative_to(store.root)}: {count} forwarding methods")
    else:
        print(f"{path.relative_to(store.root)} is up to date")
    if store.ambiguous:
        print(f"warning: names in several handles, not forwarded: {sorted(store.ambiguous)}")
    return True


# ---------------------------------------------------------------------------------------------------------------
# Spans


def edit_file(path: Path, edit) -> int:
    """Applies `edit(src) -> (new_src, count)` with a last-moment check that nobody wrote the file meanwhile."""
    before = path.stat().st_mtime_ns
    src = path.read_text()
    new, count = edit(src)
    if new != src:
        if path.stat().st_mtime_ns != before:
            raise SystemExit(f"{path} changed while being edited; run again")
        path.write_text(new)
    return count


def span_attr(op: str) -> str:
    """The span attribute for `op`, laid out as rustfmt lays it out inside an impl (4 spaces, ends with \\n)."""
    one = "    " + SPAN_ATTR.format(op=op) + "\n"
    formatted = rustfmt("impl X {\n" + one + "    fn f() {}\n}\n")
    lines = formatted.split("\n")
    start = next((k for k, line in enumerate(lines) if "#[tracing::instrument" in line), None)
    end = next((k for k, line in enumerate(lines) if line.strip().startswith("fn f()")), None)
    if start is None or end is None:
        return one
    return "\n".join(lines[start:end]) + "\n"


def spans(store: Store, check: bool) -> bool:
    ok = True
    files = sorted({m.file for m in store.methods})
    for path in files:
        def edit(src: str) -> tuple[str, int]:
            code = blank(src)
            handles = {t: a for t, a in list(AREAS.values()) + list(OWNED_HANDLES.values())}
            methods = []
            for b in handle_blocks(src, code, handles):
                methods.extend(methods_of(path, src, code, b))
            inserts: list[tuple[int, int, str]] = []
            for m in methods:
                if not m.is_async or m.vis == "":
                    continue
                op = f"{m.accessor}.{m.name}"
                want = SPAN_ATTR.format(op=op)
                found = [(a, b, t) for a, b, t in m.attrs if SPAN_RE.match(t)]
                if found and SPAN_RE.match(found[0][2]).group(1) == op:
                    continue
                want = span_attr(op)
                if found:
                    inserts.append((found[0][0], found[0][1], want.strip()))
                else:
                    inserts.append((m.fn_line_start, m.fn_line_start, want))
            for a, b, text in sorted(inserts, reverse=True):
                src = src[:a] + text + src[b:]
            return src, len(inserts)

        if check:
            src = path.read_text()
            new, n = edit(src)
            if n:
                print(f"{path}: {n} span attributes missing or wrong (run with --spans)")
                ok = False
        else:
            n = edit_file(path, edit)
            if n:
                print(f"{path.relative_to(store.root)}: {n} span attributes added or corrected")
    return ok


# ---------------------------------------------------------------------------------------------------------------
# --migrate: `impl Db {` blocks of the area files → handle impls.


def migrate(store: Store) -> None:
    # Names of every handle method (any visibility) per handle, including the ones still in `impl Db`.
    area_methods: dict[str, set[str]] = {}
    pending: dict[Path, tuple[str, str]] = {}
    for stem, (handle, accessor) in AREAS.items():
        path = store.src_dir / f"{stem}.rs"
        if not path.exists():
            continue
        src = path.read_text()
        code = blank(src)
        for b in handle_blocks(src, code, {handle: accessor, "Db": accessor}):
            for m in methods_of(path, src, code, b):
                area_methods.setdefault(handle, set()).add(m.name)
        if stem in AREAS and re.search(r"^impl Db \{", code, re.M):
            pending[path] = (handle, accessor)
    owner: dict[str, str] = {}
    for handle, names in area_methods.items():
        for n in names:
            owner[n] = handle if n not in owner else "?"
    acc = {t: a for t, a in AREAS.values()}
    for path, (handle, accessor) in pending.items():
        def edit(src: str) -> tuple[str, int]:
            code = blank(src)
            edits: list[tuple[int, int, str]] = []
            headers = list(re.finditer(r"^impl Db \{", code, re.M))
            # `Db` in the file's `use crate::{..}` becomes the handle when nothing else in the file names `Db`.
            imp = re.search(r"^use crate::\{([^}]*)\};", code, re.M)
            imported = imp is not None and re.search(r"\bDb\b", imp.group(1)) is not None
            others = len(re.findall(r"\bDb\b", code)) - len(headers) - (1 if imported else 0)
            if imp is not None and not re.search(rf"\b{handle}\b", imp.group(1)):
                names = [x.strip() for x in imp.group(1).split(",") if x.strip()]
                if imported and others == 0:
                    names.remove("Db")
                text = rustfmt(f"use crate::{{{', '.join(names + [handle])}}};\n").strip()
                edits.append((imp.start(), imp.end(), text))
                header = f"impl {handle}<'_> {{"
            else:
                header = f"impl {handle}<'_> {{" if imp is not None else f"impl crate::{handle}<'_> {{"
            for m in headers:
                close = matching(code, m.end() - 1)
                edits.append((m.start(), m.end(), header))
                body = code[m.end():close]
                base = m.end()
                # Receivers: `&self` → `self` (handles are `Copy`; their futures then borrow only the `Db`).
                for r in re.finditer(r"\bfn\s+\w+\s*(<[^(]*>)?\s*\(\s*(&self)\b", body):
                    edits.append((base + r.start(2), base + r.end(2), "self"))
                for s in re.finditer(r"\bself(\s*)\.(\s*)(\w+)", body):
                    name = s.group(3)
                    at = base + s.start(3)
                    is_call = re.match(r"\s*(::<[^>]*>)?\s*\(", body[s.end(3):]) is not None
                    if name in DB_FIELDS and not is_call or name in DB_METHODS and is_call:
                        edits.append((at, at, "db."))
                    elif is_call and owner.get(name) not in (None, "?", handle):
                        edits.append((at, at, f"db.{acc[owner[name]]}()."))
            for a, b, text in sorted(edits, reverse=True):
                src = src[:a] + text + src[b:]
            return src, len(edits)

        n = edit_file(path, edit)
        print(f"{path.relative_to(store.root)}: {n} edits")
    # Calls on a `Db` inside the store (`self.db.x(` of the portal, `db.x(` of free functions and unit tests).
    fresh = read_store(store.root)
    for path in sorted(store.src_dir.glob("*.rs")):
        if path.name == "compat.rs":
            continue
        def edit2(src: str, path: Path = path) -> tuple[str, int]:
            new, calls, docs = rewrite_text(path, src, fresh)
            return new, calls + docs
        n = edit_file(path, edit2)
        if n:
            print(f"{path.relative_to(store.root)}: {n} calls/mentions moved to handles")


# ---------------------------------------------------------------------------------------------------------------
# --rewrite-callers


def rust_files(root: Path) -> list[Path]:
    files = []
    for crate in sorted((root / "crates").iterdir()):
        for sub in ("src", "tests", "benches"):
            d = crate / sub
            if d.is_dir():
                files.extend(sorted(p for p in d.rglob("*.rs") if "target" not in p.parts))
    bench = root / "bench"
    if bench.is_dir():
        files.extend(sorted(bench.rglob("*.rs")))
    return [f for f in files if f.name != "compat.rs" or f.parent != root / "crates/store/src"]


# `db.create_member(`, `st.db.create_member(`, `db\n    .create_member(`, `other_db.x(`, `db2.x(`.
def call_re(names: list[str]) -> re.Pattern:
    alt = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
    return re.compile(r"\b(db\w*|\w+_db)(\s*)\.(\s*)(" + alt + r")\b(?=\s*(?:::<[^>]*>)?\s*\()")


def doc_re(names: list[str]) -> re.Pattern:
    alt = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
    return re.compile(r"\b((?:store|crate)::)?Db::(" + alt + r")\b")


def rewrite_text(path: Path, src: str, store: Store) -> tuple[str, int, int]:
    names = sorted(store.by_name)
    code = blank(src)
    with_comments = blank(src, keep_comments=True)
    edits: list[tuple[int, int, str]] = []
    calls = 0
    for m in call_re(names).finditer(code):
        meth = store.by_name[m.group(4)]
        edits.append((m.start(4), m.start(4), f"{meth.accessor}()."))
        calls += 1
    # `Db::name` in comments (not code: the code has none, and a path there would need a receiver).
    docs = 0
    in_store = store.src_dir in path.parents
    for m in doc_re(names).finditer(with_comments):
        if code[m.start():m.end()].strip():
            continue  # code, not a comment
        meth = store.by_name[m.group(2)]
        prefix = m.group(1) or ""
        link = m.start() > 0 and src[max(0, m.start() - 2):m.start()].endswith("[`")
        if not prefix and in_store and link:
            prefix = "crate::"
        edits.append((m.start(), m.end(), f"{prefix}{meth.handle}::{meth.name}"))
        docs += 1
    for a, b, text in sorted(edits, reverse=True):
        src = src[:a] + text + src[b:]
    return src, calls, docs


def remove_compat(store: Store, dry: bool) -> None:
    path = store.src_dir / "compat.rs"
    lib_path = store.src_dir / "lib.rs"
    lib = lib_path.read_text()
    new = re.sub(r"(?:^//[^\n]*\n)*(?:^#\[[^\n]*\]\n)*^mod compat;\n", "", lib, flags=re.M)
    if dry:
        print(f"would delete {path} and its mod line")
        return
    if new != lib:
        lib_path.write_text(new)
    if path.exists():
        path.unlink()
    print("deleted crates/store/src/compat.rs and its mod line")


NO_METHOD = re.compile(r"no method named `(\w+)` found for (?:reference|struct|mutable reference|type parameter) `([^`]*)`")


def cargo_errors(root: Path) -> list[dict]:
    cmd = ["cargo", "check", "--workspace", "--all-targets", "--keep-going", "--message-format=json"]
    proc = subprocess.run(cmd, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = []
    for line in proc.stdout.splitlines():
        try:
            msg = json.loads(line)
        except json.JSONDecodeError:
            continue
        if msg.get("reason") == "compiler-message" and msg["message"].get("level") == "error":
            out.append(msg["message"])
    if proc.returncode != 0 and not out:
        sys.stderr.write(proc.stderr[-4000:])
    return out


def fix_from_compiler(store: Store, root: Path) -> tuple[int, list[dict]]:
    fixed_total = 0
    for _round in range(12):
        errors = cargo_errors(root)
        edits: dict[Path, set[tuple[int, str, str]]] = {}
        for e in errors:
            m = NO_METHOD.search(e.get("message", ""))
            if not m:
                continue
            name, ty = m.groups()
            span = next((s for s in e.get("spans", []) if s.get("is_primary")), None)
            if not span or span.get("expansion") and not span["file_name"].endswith(".rs"):
                continue
            path = (root / span["file_name"]).resolve()
            if re.search(r"\bDb\b", ty) and name in store.by_name:
                edits.setdefault(path, set()).add((span["byte_start"], "insert", store.by_name[name].accessor))
            elif name in ACCESSORS and not re.search(r"\bDb\b", ty):
                # The textual pass took a non-`Db` receiver for a `Db`: undo `accessor().`.
                edits.setdefault(path, set()).add((span["byte_start"], "remove", name))
        if not edits:
            return fixed_total, errors
        for path, items in edits.items():
            data = path.read_bytes()
            for start, kind, acc in sorted(items, reverse=True):
                if kind == "insert":
                    data = data[:start] + f"{acc}().".encode() + data[start:]
                else:
                    tail = f"{acc}().".encode()
                    if data[start:start + len(tail)] == tail:
                        data = data[:start] + data[start + len(tail):]
                fixed_total += 1 if kind == "insert" else -1
            path.write_bytes(data)
        print(f"  compiler pass: {sum(len(v) for v in edits.values())} calls fixed in {len(edits)} files")
    return fixed_total, cargo_errors(root)


def rewrite_callers(store: Store, root: Path, dry: bool, check: bool, fmt: bool) -> None:
    if store.ambiguous:
        print(f"warning: not rewritten (name in several handles): {sorted(store.ambiguous)}")
    total_calls = total_docs = 0
    changed: list[Path] = []
    for path in rust_files(root):
        src = path.read_text()
        new, calls, docs = rewrite_text(path, src, store)
        if new != src:
            changed.append(path)
            total_calls += calls
            total_docs += docs
            if dry:
                print(f"{path.relative_to(root)}: {calls} calls, {docs} doc mentions")
            else:
                path.write_text(new)
    print(f"textual pass: {total_calls} call sites and {total_docs} doc mentions in {len(changed)} files")
    remove_compat(store, dry)
    if dry or not check:
        return
    fixed, errors = fix_from_compiler(store, root)
    print(f"compiler-guided pass: {fixed} more call sites")
    print(f"call sites rewritten in total: {total_calls + fixed}")
    if errors:
        print(f"{len(errors)} compile errors remain, first ones:")
        for e in errors[:10]:
            print("  " + (e.get("rendered") or e.get("message", "")).strip().replace("\n", "\n  "))
        raise SystemExit(1)
    print("cargo check --workspace --all-targets: ok")
    if fmt:
        subprocess.run(["rustfmt", "--edition", "2021", *map(str, changed)], cwd=root, check=False)


def check_layout(store: Store) -> bool:
    """No `impl Db {` left in the area files; every `pub` item of an area module re-exported by lib.rs."""
    ok = True
    lib = blank((store.src_dir / "lib.rs").read_text())
    exported = set(re.findall(r"\b(\w+)\b", " ".join(re.findall(r"^pub use \w+::\{?([^;]*)\}?;", lib, re.M | re.S))))
    for stem in sorted({**AREAS, **OWNED_HANDLES}):
        path = store.src_dir / f"{stem}.rs"
        if not path.exists():
            continue
        code = blank(path.read_text())
        if stem in AREAS and re.search(r"^impl Db \{", code, re.M):
            print(f"{path}: still has an `impl Db {{` block (run with --migrate)")
            ok = False
        items = re.findall(r"^pub (?:struct|enum|fn|async fn|const|static|type|trait|mod) (\w+)", code, re.M)
        missing = [i for i in items if i not in exported]
        if missing:
            print(f"warning: {path.name}: pub items not re-exported by lib.rs: {', '.join(missing)}")
    return ok


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    ap.add_argument("--spans", action="store_true")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--migrate", action="store_true")
    ap.add_argument("--rewrite-callers", action="store_true")
    ap.add_argument("--no-check", action="store_true")
    ap.add_argument("--dry-run", action="store_true")
    ap.add_argument("--fmt", action="store_true")
    args = ap.parse_args()
    root = args.root.resolve()
    os.chdir(root)
    if args.migrate:
        migrate(read_store(root))
    store = read_store(root)
    if args.check:
        ok = spans(store, check=True) & write_compat(store, check=True) & check_layout(store)
        raise SystemExit(0 if ok else 1)
    if args.spans:
        spans(store, check=False)
        store = read_store(root)
    if args.rewrite_callers:
        rewrite_callers(store, root, args.dry_run, not args.no_check, args.fmt)
        return
    write_compat(store, check=False)


if __name__ == "__main__":
    main()
