"""One generated section of README.md, between a begin and an end marker line: the framework
table (interop/table.py) and the client table (interop/clients/table.py) rewrite theirs here."""
import pathlib
import sys


def rewrite(path, begin, end, section):
    """Replaces what lies between `begin` and `end` in the file `path` with `section`; exits
    naming the two marker lines when the file lacks them."""
    text = pathlib.Path(path).read_text()
    if begin not in text or end not in text:
        sys.exit(f"{path}: no markers for this table; add the two lines\n{begin}\n{end}\nwhere it goes")
    head, _, rest = text.partition(begin)
    _, _, tail = rest.partition(end)
    pathlib.Path(path).write_text(f"{head}{begin}\n{section}\n{end}{tail}")
