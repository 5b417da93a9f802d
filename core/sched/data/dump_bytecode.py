# Prints the bytecode of every function defined in the given Python sources, as JSON.
# Input (stdin): {"sources": {"program name": "python source", ...}}
# Output (stdout): {"python": sys.version, "version": "3.11", "programs": {name: {"functions": {...}}}}
# The sources are only compiled, never executed: compile() builds code objects, and their
# instructions are read with dis.get_instructions. Used by concurrency-lab's "Be the scheduler"
# (core/sched) and to produce the shipped bytecode-3.XX.json files.
import dis
import json
import sys
import types


def plain(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, types.CodeType):
        return {"code": value.co_name}
    if isinstance(value, (tuple, list, frozenset)):
        return [plain(v) for v in value]
    return {"repr": repr(value)}


def instruction(ins):
    row = {
        "offset": ins.offset,
        "opname": ins.opname,
        "opcode": ins.opcode,
        "arg": ins.arg,
        "argval": plain(ins.argval),
        "argrepr": ins.argrepr,
        "line": ins.positions.lineno if ins.positions else None,
        "is_jump_target": bool(ins.is_jump_target),
    }
    if ins.opcode in dis.hasjrel or ins.opcode in dis.hasjabs:
        row["jump_target"] = ins.argval
    return row


def functions(code, out):
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            out[const.co_name] = {
                "firstlineno": const.co_firstlineno,
                "argcount": const.co_argcount,
                "varnames": list(const.co_varnames),
                "is_coroutine": bool(const.co_flags & 0x80),
                "instructions": [instruction(i) for i in dis.get_instructions(const)],
            }
            functions(const, out)
    return out


request = json.load(sys.stdin)
programs = {}
for name, source in request["sources"].items():
    programs[name] = {"functions": functions(compile(source, name, "exec"), {})}
json.dump({"python": sys.version.split()[0],
           "version": "%d.%d" % sys.version_info[:2],
           "free_threaded": not getattr(sys, "_is_gil_enabled", lambda: True)(),
           "programs": programs}, sys.stdout, indent=1, sort_keys=True)
