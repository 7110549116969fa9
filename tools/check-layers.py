#!/usr/bin/env python3
"""Checks the floors of the house (README, "Layout"): no widget code in app/ (the library is
GLib-only, so ctl, HQ and the portal run without a display); no store, SQL or JSON parsing in
ui/ (pages show what app/ hands them); and every source file of app/ and ui/ under 700 lines,
small enough to read in one sitting. Prints each file that breaks a rule and exits 1."""
import pathlib, re, sys

top = pathlib.Path(__file__).resolve().parent.parent
MAX_LINES = 700
rules = [
    ('app', re.compile(r'gtk'), 'uses GTK (app/ is GLib-only)'),
    ('ui', re.compile(r'sqlite3_|gh_store_open|json_parser'),
     'opens the store or parses JSON (ui/ only shows what app/ hands it)'),
]
sources = sorted(p for folder in ('app', 'ui') for p in (top / folder).rglob('*')
                 if p.suffix in ('.c', '.h', '.ui') and p.is_file())
problems = []
for path in sources:
    name = str(path.relative_to(top))
    text = path.read_text(encoding='utf-8')
    lines = text.count('\n')
    if lines >= MAX_LINES:
        problems.append(f'{name}: {lines} lines (at most {MAX_LINES - 1}: split it by what it does)')
    for folder, pattern, why in rules:
        if name.startswith(folder + '/'):
            for number, line in enumerate(text.splitlines(), 1):
                if pattern.search(line):
                    problems.append(f'{name}:{number}: {why}')
for problem in problems:
    print(problem)
sys.exit(1 if problems else 0)
