# Concurrency Lab's tracer entry point. The app puts this folder first on PYTHONPATH, so every
# interpreter of a traced run (the program, and every spawn/forkserver child, which inherit the
# environment) imports this module before the program starts. It never touches the program's code.
# Any other sitecustomize that would have run (a distribution's, a virtualenv's) still runs, after.
import os as _os
import sys as _sys

if _os.environ.get("CLAB_TRACE_SOCKET"):
    try:
        import clab_tracer as _clab_tracer

        _clab_tracer.start()
    except Exception as _e:  # never break the student's program
        _sys.stderr.write("concurrency-lab tracer: not started: %r\n" % (_e,))


def _chain():
    here = _os.path.dirname(_os.path.abspath(__file__))
    rest = [p for p in _sys.path if _os.path.abspath(p or ".") != here]
    try:
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec("sitecustomize", rest)
        if spec is None or spec.loader is None:
            return
        from importlib.util import module_from_spec

        module = module_from_spec(spec)
        _sys.modules["sitecustomize"] = module
        spec.loader.exec_module(module)
    except Exception as e:
        _sys.stderr.write("Error in sitecustomize; set PYTHONVERBOSE for traceback:\n%r\n" % (e,))


_chain()
