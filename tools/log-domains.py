#!/usr/bin/env python3
"""Gives every C file of app/ and ui/ its layer's G_LOG_DOMAIN ("glasshouse-store",
"glasshouse-ui", ...), so that the journal says which part of Glasshouse wrote a line
(journalctl GLIB_DOMAIN=glasshouse-hq). The domain must be defined before GLib's headers,
so it goes right above '#include "config.h"'. Run with --check to only report files that
lack it or carry the wrong one (tests/test-log-domains.c runs that)."""
import pathlib, re, sys

top = pathlib.Path(__file__).resolve().parent.parent
check = '--check' in sys.argv
wrong = []
for path in sorted(list(top.glob('app/*/*.c')) + list(top.glob('ui/*.c'))):
    layer = path.parent.name
    domain = 'glasshouse-ui' if layer == 'ui' else f'glasshouse-{layer}'
    text = path.read_text()
    line = f'#define G_LOG_DOMAIN "{domain}"\n'
    if line in text:
        continue
    if check:
        wrong.append(str(path.relative_to(top)))
        continue
    text = re.sub(r'#define G_LOG_DOMAIN "[^"]*"\n', '', text)
    if '#include "config.h"\n' not in text:
        wrong.append(str(path.relative_to(top)) + ' (no #include "config.h")')
        continue
    text = text.replace('#include "config.h"\n', line + '#include "config.h"\n', 1)
    path.write_text(text)
if wrong:
    print('without their layer\'s G_LOG_DOMAIN:', ' '.join(wrong))
    sys.exit(1)
