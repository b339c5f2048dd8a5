#!/usr/bin/env python3
"""Which parts of a running binary are resident: pages present per ELF section and, for a binary
linked with linker/paged-text.lds, the functions that ran (the input of a linker ordering file).

    resident_code.py PID BINARY              # resident MiB per section
    resident_code.py PID BINARY --order OUT  # also append the functions that ran to OUT
        [--map MAP --unnamed OUT2]           # and the sections that ran without a symbol to OUT2

Reads /proc/PID/maps and /proc/PID/pagemap (root), and the section and symbol tables with readelf
and nm. A page counts as resident when its pagemap entry has the present bit (63) set.

With --order, BINARY must start every input text section on its own page (linker/paged-text.lds),
so a resident text page belongs to one section, and the symbols on it name that section to the
linker. Pages are only exact when nothing else maps them in: the caller turns read-ahead off and
drops the page cache first (scripts/make_order_file.sh).

Some functions that run have no symbol for the ordering file to name: the compiler's private
functions (sections `.text..L__unnamed_N`, `.text..Lobjectdestroy.N`, one set per object file).
With --map (the profiling link's lld -Map), the input sections that ran and hold no symbol are
appended to OUT2 as "FILE SECTION" lines, FILE as a linker-script pattern
(`*/Module.build/file.swift.o`, `*libname.a:member.o`).
"""
import os
import re
import struct
import subprocess
import sys

PAGE = os.sysconf("SC_PAGE_SIZE")


def mappings(pid, binary):
    """(start, end, file offset) of each mapping of `binary` in the process."""
    real = os.path.realpath(binary)
    result = []
    for line in open(f"/proc/{pid}/maps"):
        parts = line.split()
        if len(parts) >= 6 and os.path.realpath(parts[5]) == real:
            start, end = (int(x, 16) for x in parts[0].split("-"))
            result.append((start, end, int(parts[2], 16)))
    return result


def load_base(maps):
    """PIE load address: the mapping of file offset 0 (its virtual address in the ELF is 0)."""
    return min(start - offset for start, _, offset in maps)


def resident_pages(pid, maps, base):
    """Link-time addresses (relative to the ELF's virtual addresses) of present pages."""
    present = []
    with open(f"/proc/{pid}/pagemap", "rb") as pagemap:
        for start, end, _ in maps:
            count = (end - start) // PAGE
            pagemap.seek(start // PAGE * 8)
            entries = struct.unpack(f"<{count}Q", pagemap.read(count * 8))
            present += [start - base + i * PAGE for i, entry in enumerate(entries) if entry >> 63]
    return present


def sections(binary):
    """(address, size, name) of allocated sections, sorted by address."""
    out = subprocess.run(["readelf", "-SW", binary], capture_output=True, text=True, check=True).stdout
    result = []
    for line in out.splitlines():
        match = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]{16})\s+[0-9a-f]+\s+([0-9a-f]+)", line)
        if match and int(match.group(2), 16):
            result.append((int(match.group(2), 16), int(match.group(3), 16), match.group(1)))
    return sorted(result)


def functions(binary):
    """(address, size, name) of function symbols, sorted by address."""
    out = subprocess.run(["nm", "-S", "--defined-only", binary], capture_output=True, text=True, check=True).stdout
    result = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[2] in "tTwW" and int(parts[1], 16):
            result.append((int(parts[0], 16), int(parts[1], 16), parts[3]))
    return sorted(result)


def unnamed_sections(map_path):
    """(address, size, file pattern, section) of the text input sections in an lld map that hold
    no symbol."""
    result, current = [], None
    section_line = re.compile(r"\s*([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\d+ {9}(\S.*):\((\.text[^)]*)\)$")
    symbol_line = re.compile(r"\s*[0-9a-f]+\s+[0-9a-f]+\s+[0-9a-f]+\s+\d+ {17}\S")
    for line in open(map_path):
        match = section_line.match(line)
        if match:
            if current:
                result.append(current)
            current = (int(match.group(1), 16), int(match.group(2), 16), file_pattern(match.group(3)), match.group(4))
        elif current and symbol_line.match(line):
            current = None  # it has a symbol: the ordering file names it
    if current:
        result.append(current)
    return result


def file_pattern(path):
    """A linker-script file pattern that matches this input file in any checkout."""
    archive = re.match(r"(.*/)?([^/]+\.a)\((.+)\)$", path)
    if archive:
        return f"*{archive.group(2)}:{archive.group(3)}"
    parts = path.split("/")
    return "*/" + "/".join(parts[-2:]) if len(parts) > 1 and parts[-2].endswith(".build") else "*" + parts[-1]


def main():
    pid, binary = sys.argv[1], sys.argv[2]
    maps = mappings(pid, binary)
    base = load_base(maps)
    pages = resident_pages(pid, maps, base)
    print(f"resident: {len(pages) * PAGE / 2**20:.1f} MiB of {sum(e - s for s, e, _ in maps) / 2**20:.1f} MiB mapped")
    layout = sections(binary)
    for address, size, name in layout:
        first, last = address // PAGE * PAGE, address + size
        count = sum(1 for page in pages if first <= page < last)
        if count:
            print(f"  {count * PAGE / 2**20:7.2f} MiB of {size / 2**20:7.2f}  {name}")
    if "--order" in sys.argv:
        # Every symbol on a resident text page: in the paged layout a page holds one input
        # section, so these are the sections that ran (and, for an object compiled without
        # function sections, everything its one text section holds).
        text = next(section for section in layout if section[2] == ".text")
        resident = {page for page in pages if text[0] <= page < text[0] + text[1]}
        names = [name for address, size, name in functions(binary)
                 if any(page in resident for page in range(address // PAGE * PAGE, address + size, PAGE))]
        out_path = sys.argv[sys.argv.index("--order") + 1]
        known = set(open(out_path).read().split()) if os.path.exists(out_path) else set()
        added = [name for name in dict.fromkeys(names) if name not in known]
        with open(out_path, "a") as out:
            out.writelines(name + "\n" for name in added)
        print(f"{len(resident) * PAGE / 2**20:.1f} MiB of code pages ran; {len(added)} new symbols in {out_path}")
        if "--map" in sys.argv:
            unnamed_path = sys.argv[sys.argv.index("--unnamed") + 1]
            ran = [f"{pattern} {section}\n" for address, size, pattern, section in unnamed_sections(sys.argv[sys.argv.index("--map") + 1])
                   if size and any(page in resident for page in range(address // PAGE * PAGE, address + size, PAGE))]
            known = set(open(unnamed_path).readlines()) if os.path.exists(unnamed_path) else set()
            added = [line for line in dict.fromkeys(ran) if line not in known]
            with open(unnamed_path, "a") as out:
                out.writelines(added)
            print(f"{len(added)} new unnamed sections in {unnamed_path}")


if __name__ == "__main__":
    main()
