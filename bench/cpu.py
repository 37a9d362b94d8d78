"""CPU seconds per part of the stack, read from /proc: robust figures on a shared box where rates
move with whatever else runs (divide by the work done to get the cost per vote)."""
import os
import resource
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _processes():
    table = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        fields = text[text.rindex(")") + 2:].split()
        table[int(stat.parent.name)] = (name, int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK)
    return table


def snapshot(parts):
    """``parts``: name -> root pid, or name -> process name (e.g. "beam.smp"); returns name -> CPU
    seconds of the matching processes and all their descendants."""
    table = _processes()
    children = {}
    for pid, (_, ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    totals = {}
    for part, root in parts.items():
        todo = [root] if isinstance(root, int) else [pid for pid, (name, _, _) in table.items() if name == root]
        seen, total = set(), 0.0
        while todo:
            pid = todo.pop()
            if pid in seen or pid not in table:
                continue
            seen.add(pid)
            total += table[pid][2]
            todo.extend(children.get(pid, ()))
        totals[part] = total
    return totals


def per_unit_ms(before, after, units):
    return {part: round(1000 * (after[part] - before[part]) / max(units, 1), 3) for part in before}


def children_seconds():
    """CPU seconds of this process's finished children (the load generator once it has ended)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
