#!/usr/bin/env python3
"""Puts a generated CRD's printer columns in the given order.

The fabric8 CRD generator sorts additionalPrinterColumns by jsonPath, which would make
`kubectl get pgm` print AGE first and SOURCE after METHOD. The API contract wants Heroku's order,
so the build reorders the generated list; nothing else in the file is touched.

usage: crd-columns.py FILE NAME[,NAME...]
"""
import sys


def main(path, order):
    lines = open(path).read().split("\n")
    start = next(i for i, l in enumerate(lines) if l.strip() == "- additionalPrinterColumns:")
    item_indent = len(lines[start]) - len(lines[start].lstrip()) + 2
    items, end = [], start + 1
    def indent(line):
        return len(line) - len(line.lstrip())

    # The list ends at the next line that is neither a new item nor inside one.
    while end < len(lines) and (
        indent(lines[end]) > item_indent
        or (indent(lines[end]) == item_indent and lines[end][item_indent:].startswith("- "))
    ):
        if indent(lines[end]) == item_indent:
            items.append([])
        items[-1].append(lines[end])
        end += 1

    def name(item):
        return next(l.split(":", 1)[1].strip().strip('"') for l in item if l.strip().lstrip("- ").startswith("name:"))

    names = [name(i) for i in items]
    if sorted(names) != sorted(order):
        sys.exit(f"{path}: printer columns {names} do not match the expected {order}")
    by_name = {name(i): i for i in items}
    reordered = [l for n in order for l in by_name[n]]
    open(path, "w").write("\n".join(lines[: start + 1] + reordered + lines[end:]))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2].split(","))
