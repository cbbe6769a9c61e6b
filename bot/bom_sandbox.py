"""Read BOM files in a worker process with memory and time limits, so that a hostile file cannot take the action
server down (issue 14, item 5; docs/security.md).

`read_bom_isolated(name, data)` runs `knowledge.bom.read_bom` in a warm worker: a plain `python -I` subprocess
(not multiprocessing, which would re-import the server's `__main__` in every child) that imports the reader
once and then serves one file at a time over its stdin / stdout. For each file the worker lowers its own
RLIMIT_AS (address space) to `memory_bytes` and RLIMIT_CPU to `timeout_s` past the CPU time it has used, and the
caller waits at most `timeout_s` of wall time for the answer. A file that needs more memory (MemoryError, or a
worker killed by the kernel) or more time (SIGXCPU, or the wall-clock deadline, after which the caller kills it)
becomes a BomLimitError that says so ("the file needs more than 1,024 MB to read", "reading took longer than
30 s"); the worker is replaced and the caller goes on. The reader's own errors (BomFormatError and the rest of
knowledge.errors) cross back as themselves; the result is a BomReadResult, unpickled with only the classes
of knowledge/ and builtins allowed.

Measured on the dev machine (2 shared cores), a 3-line CSV: in process 0.17 ms; through a warm worker 0.39 ms
(+0.22 ms a file); starting a worker (interpreter + openpyxl + charset-normalizer) 0.23 s, paid on the first
file and after a worker is replaced; for comparison, a fresh multiprocessing child per file costs 18 ms with
'forkserver' (openpyxl preloaded) and 60 ms with 'spawn'. Up to `max_workers` files are read at once; a worker
whose memory grew past `retire_rss_bytes` is replaced after its file, so the memory of a big file is given back.
"""

from __future__ import annotations

import atexit
import io
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from knowledge.bom import DEFAULT_LIMITS, BomLimits, BomReadResult, ReadOverrides
from knowledge.errors import BomFormatError, BomLimitError, KnowledgeError

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MEMORY_BYTES = 1024 * 1024 * 1024  # address space of the worker, its ~140 MB interpreter included
RETIRE_RSS_BYTES = 256 * 1024 * 1024
_HEADER = struct.Struct(">Q")
_MAX_REPLY_BYTES = 512 * 1024 * 1024

# The worker: import the reader before any limit is set, then serve requests until stdin closes. The protocol
# uses a copy of stdout; fd 1 itself goes to stderr, so nothing a library prints can corrupt it.
_BOOT = "import sys; sys.path.insert(0, sys.argv[1]); from bot.bom_sandbox import _serve; _serve()"


@dataclass(frozen=True)
class _Request:
    kind: str  # "file" or "text"
    name: str
    payload: bytes | str
    limits: BomLimits
    timeout_s: float
    memory_bytes: int
    overrides: ReadOverrides | None = None  # the buyer's corrections (knowledge.bom.ReadOverrides)


class BomSandbox:
    """A small pool of warm reader workers; thread-safe (the action server reads uploads in threads)."""

    def __init__(self, *, max_workers: int = 2, retire_rss_bytes: int = RETIRE_RSS_BYTES) -> None:
        self.max_workers = max_workers
        self.retire_rss_bytes = retire_rss_bytes
        self._cond = threading.Condition()
        self._idle: list[_Worker] = []
        self._running = 0
        self._pid = os.getpid()
        self.started = 0  # workers started so far (tests and measurements)

    def read(
        self,
        kind: str,
        name: str,
        payload: bytes | str,
        *,
        limits: BomLimits = DEFAULT_LIMITS,
        timeout_s: float | None = None,
        memory_bytes: int | None = None,
        overrides: ReadOverrides | None = None,
    ) -> BomReadResult:
        """Read in a worker; `timeout_s` and `memory_bytes` default to the module's DEFAULT_TIMEOUT_S and
        DEFAULT_MEMORY_BYTES as they are when called; `overrides` go to the reader as they are."""
        timeout_s = DEFAULT_TIMEOUT_S if timeout_s is None else timeout_s
        memory_bytes = DEFAULT_MEMORY_BYTES if memory_bytes is None else memory_bytes
        request = _Request(
            kind, Path(name).name or "bom", payload, limits, float(timeout_s), int(memory_bytes), overrides
        )
        worker = self._acquire()
        keep = False
        try:
            outcome, keep = worker.run(request, self.retire_rss_bytes)
        finally:
            self._release(worker, keep)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def close(self) -> None:
        """Stop the idle workers (running ones stop when their file is done and the pool is closed)."""
        with self._cond:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.stop()

    def _acquire(self) -> _Worker:
        with self._cond:
            if os.getpid() != self._pid:  # forked: the workers and their pipes belong to the parent
                self._idle, self._running, self._pid = [], 0, os.getpid()
            while not self._idle and self._running >= self.max_workers:
                self._cond.wait()
            self._running += 1
            while self._idle:
                worker = self._idle.pop()
                if worker.alive():
                    return worker
                worker.stop()
        try:
            worker = _Worker.start()
        except BaseException:
            with self._cond:
                self._running -= 1
                self._cond.notify()
            raise
        self.started += 1
        return worker

    def _release(self, worker: _Worker, keep: bool) -> None:
        with self._cond:
            if os.getpid() == self._pid:
                self._running -= 1
                if keep:
                    self._idle.append(worker)
                self._cond.notify()
        if not keep:
            worker.stop()


class _Worker:
    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.proc = proc

    @classmethod
    def start(cls) -> _Worker:
        proc = subprocess.Popen(
            [sys.executable, "-I", "-c", _BOOT, str(ROOT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            close_fds=True,
            start_new_session=True,  # a Ctrl-C for the server is not one for the worker: it ends with its stdin
        )
        return cls(proc)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        if self.proc.poll() is None:
            try:
                self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def run(self, request: _Request, retire_rss_bytes: int) -> tuple[BomReadResult | KnowledgeError, bool]:
        """What reading the file gave (its result or the reader's error) and whether this worker may serve
        another file (no when it died, was killed, or grew past `retire_rss_bytes`)."""
        deadline = time.monotonic() + request.timeout_s
        assert self.proc.stdin is not None and self.proc.stdout is not None
        try:
            body = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
            self.proc.stdin.write(_HEADER.pack(len(body)) + body)
            self.proc.stdin.flush()
            answer = _loads(_read_frame(self.proc.stdout.fileno(), deadline))
        except TimeoutError:
            self.kill()
            return _time_error(request), False
        except (OSError, EOFError, pickle.UnpicklingError):  # the worker died (or its answer is not one)
            return self._died(request), False
        status = answer[0]
        if status == "ok":
            return answer[1], answer[2] <= retire_rss_bytes
        if status == "error":
            return _rebuild_error(answer[1], answer[2], answer[3], answer[4]), answer[5] <= retire_rss_bytes
        self.kill()  # it ends itself after these; make sure
        if status == "memory":
            return _memory_error(request), False
        return BomFormatError(f"the file could not be read (the reader failed: {answer[1]})", file=request.name), False

    def _died(self, request: _Request) -> BomFormatError:
        """Why the worker ended without an answer, as a buyer reads it."""
        try:
            code = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
            code = self.proc.returncode
        if code == -signal.SIGXCPU:
            return _time_error(request)
        if code in (-signal.SIGKILL, -signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS):
            return _memory_error(request)  # the kernel's OOM killer, or an allocation that failed outside Python
        return BomFormatError(f"the file could not be read (the reader stopped with status {code})", file=request.name)


def _time_error(request: _Request) -> BomLimitError:
    return BomLimitError(
        f"reading took longer than {request.timeout_s:g} s (time limit); save the BOM as a simpler .xlsx or .csv",
        limit="time",
        value=request.timeout_s,
        maximum=request.timeout_s,
        file=request.name,
    )


def _memory_error(request: _Request) -> BomLimitError:
    megabytes = request.memory_bytes / 2**20
    return BomLimitError(
        f"the file needs more than {megabytes:,.0f} MB to read (memory limit); save the BOM as a simpler .xlsx or .csv",
        limit="memory",
        value=request.memory_bytes,
        maximum=request.memory_bytes,
        file=request.name,
    )


def _read_frame(fd: int, deadline: float | None) -> bytes:
    """One length-prefixed frame from `fd`; TimeoutError past `deadline`, EOFError when the writer is gone."""
    header = _read_exactly(fd, _HEADER.size, deadline)
    (size,) = _HEADER.unpack(header)
    if size > _MAX_REPLY_BYTES:
        raise EOFError(f"frame of {size} bytes")
    return _read_exactly(fd, size, deadline)


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytes:
    chunks = io.BytesIO()
    left = size
    poller = select.poll()  # not select.select: a busy server's descriptors go past FD_SETSIZE
    poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    while left:
        if deadline is not None:
            wait = deadline - time.monotonic()
            if wait <= 0 or not poller.poll(max(1, int(wait * 1000))):
                raise TimeoutError
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.write(chunk)
        left -= len(chunk)
    return chunks.getvalue()


class _Unpickler(pickle.Unpickler):
    """Only the records of knowledge/ and plain builtins: a worker's answer can carry nothing else. The
    result's records (BomReadResult, BomLine, BomProblem, SheetLayout, ColumnUse) are all of knowledge/."""

    def find_class(self, module: str, name: str) -> Any:
        if module.startswith("knowledge.") or (module == "builtins" and name in _BUILTINS):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a reader's answer")


_BUILTINS = {"frozenset", "set", "tuple", "list", "dict", "str", "bytes", "int", "float", "bool", "complex"}


def _loads(data: bytes) -> Any:
    return _Unpickler(io.BytesIO(data)).load()


def _rebuild_error(module: str, qualname: str, args: tuple[Any, ...], state: dict[str, Any]) -> KnowledgeError:
    """The reader's exception, as it was raised in the worker (its class must be one of knowledge/'s)."""
    cls: Any = None
    if module.startswith("knowledge."):
        cls = sys.modules.get(module)
        for part in qualname.split(".") if cls is not None else ():
            cls = getattr(cls, part, None)
    if not (isinstance(cls, type) and issubclass(cls, KnowledgeError)):
        return BomFormatError(str(args[0]) if args else "the file could not be read")
    error: KnowledgeError = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


# ----------------------------------------------------------------------------------------------------------
# The worker side


def _serve() -> None:
    import resource

    # Import what reading an .xlsx imports now, not under a file's memory limit.
    import charset_normalizer  # noqa: F401
    import openpyxl
    import openpyxl.cell.read_only
    import openpyxl.utils.cell
    import openpyxl.worksheet._reader  # noqa: F401

    from knowledge.bom import read_bom, read_bom_text

    out_fd = os.dup(1)
    os.dup2(2, 1)
    inp: BinaryIO = sys.stdin.buffer
    out = os.fdopen(out_fd, "wb")
    _, as_hard = resource.getrlimit(resource.RLIMIT_AS)
    _, cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)
    while True:
        header = inp.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return  # the caller is gone
        request: _Request = pickle.loads(inp.read(_HEADER.unpack(header)[0]))
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu_soft = int(usage.ru_utime + usage.ru_stime + request.timeout_s) + 1
        result: BomReadResult | None = None
        failure: tuple[Any, ...] = ()
        try:
            resource.setrlimit(resource.RLIMIT_CPU, (_capped(cpu_soft, cpu_hard), cpu_hard))
            resource.setrlimit(resource.RLIMIT_AS, (_capped(request.memory_bytes, as_hard), as_hard))
            payload = request.payload
            if request.kind == "text":
                text = payload if isinstance(payload, str) else payload.decode("utf-8", "replace")
                result = read_bom_text(text, request.name, limits=request.limits, overrides=request.overrides)
            else:
                data = payload if isinstance(payload, bytes) else payload.encode("utf-8")
                result = read_bom(request.name, data, limits=request.limits, overrides=request.overrides)
        except MemoryError:
            failure = ("memory",)
        except KnowledgeError as exc:
            cls = type(exc)
            failure = ("error", cls.__module__, cls.__qualname__, exc.args, dict(exc.__dict__))
        except Exception as exc:  # a bug in the reader: said, and this worker replaced
            failure = ("crash", f"{type(exc).__name__}: {exc}"[:300])
        finally:
            resource.setrlimit(resource.RLIMIT_AS, (as_hard, as_hard))
            resource.setrlimit(resource.RLIMIT_CPU, (cpu_hard, cpu_hard))
        if result is not None:
            answer: tuple[Any, ...] = ("ok", result, _rss_bytes())
        else:
            answer = (*failure, _rss_bytes()) if failure[0] == "error" else failure
        body = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            out.write(_HEADER.pack(len(body)) + body)
            out.flush()
        except BrokenPipeError:
            return  # the caller gave up (its deadline) or is gone
        if failure and failure[0] in {"memory", "crash"}:
            return  # after a MemoryError or a reader bug, a fresh worker serves the next file


def _capped(value: int, hard: int) -> int:
    import resource

    return value if hard == resource.RLIM_INFINITY else min(value, hard)


def _rss_bytes() -> int:
    """Resident memory of this process, from /proc/self/statm (Linux)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


# ----------------------------------------------------------------------------------------------------------
# The process-wide pool

_POOL = BomSandbox()
atexit.register(_POOL.close)


def read_bom_isolated(
    name: str,
    data: bytes,
    *,
    limits: BomLimits = DEFAULT_LIMITS,
    timeout_s: float | None = None,
    memory_bytes: int | None = None,
    overrides: ReadOverrides | None = None,
) -> BomReadResult:
    """`knowledge.bom.read_bom(name, data, overrides=overrides)` in a worker process with memory and time limits
    (see the module); BomLimitError when the file needs more than `memory_bytes` (default DEFAULT_MEMORY_BYTES)
    or `timeout_s` (default DEFAULT_TIMEOUT_S), and whatever read_bom raises."""
    return _POOL.read(
        "file", name, data, limits=limits, timeout_s=timeout_s, memory_bytes=memory_bytes, overrides=overrides
    )


def read_bom_text_isolated(
    text: str,
    name: str = "pasted",
    *,
    limits: BomLimits = DEFAULT_LIMITS,
    timeout_s: float | None = None,
    memory_bytes: int | None = None,
    overrides: ReadOverrides | None = None,
) -> BomReadResult:
    """`knowledge.bom.read_bom_text(text, overrides=overrides)` in a worker process with the same limits."""
    return _POOL.read(
        "text", name, text, limits=limits, timeout_s=timeout_s, memory_bytes=memory_bytes, overrides=overrides
    )
