#!/usr/bin/env python3
"""The messages of the page templates, as a .pot file for scripts/po-update: every {{_ text}}
of templates/*.html, its id the text (before a last '|' naming the values of %1..%9) with each
run of blanks made one space, as tmpl.c reads it.
Usage: tmpl_msgids.py OUTPUT.pot TEMPLATE..."""
import re
import sys

out, files = sys.argv[1], sys.argv[2:]
seen = {}
for path in files:
    src = open(path, encoding="utf-8").read()
    # comments ({{! ...}}) hold no messages: blank them, keeping their newlines for line numbers
    src = re.sub(r"\{\{!.*?\}\}", lambda m: re.sub(r"[^\n]", " ", m.group(0)), src, flags=re.S)
    for m in re.finditer(r"\{\{\s*_\s+(.*?)\s*\}\}", src, re.S):
        text = m.group(1)
        if "|" in text:
            text = text[:text.rindex("|")]
        msgid = " ".join(text.split())
        line = src.count("\n", 0, m.start()) + 1
        seen.setdefault(msgid, []).append("%s:%d" % (path, line))


def quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


with open(out, "w", encoding="utf-8") as f:
    f.write('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n')
    for msgid, refs in seen.items():
        f.write("#: %s\n" % " ".join(refs))
        if "%" in msgid:
            f.write("#, no-c-format\n")
        f.write("msgid %s\nmsgstr \"\"\n\n" % quote(msgid))
