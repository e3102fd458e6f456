"""SIGTERM for the ``skbig`` command: unwind as Ctrl-C does."""

import os
import signal
import sys
import threading

# Seconds between deliveries of a SIGTERM the command has not stopped on.
RETRY_SECONDS = 10.0

# Set but between install() and the command's stop: outside a command (a test
# calling the handler itself) nothing is delivered again.
_stopped = threading.Event()
_stopped.set()
_watching = threading.Lock()


class Terminated(KeyboardInterrupt):
    """SIGTERM unwinds as Ctrl-C does: no feature store or model file is left."""


def terminate(signum, frame):
    # Python prints and drops an exception raised inside a __del__ (TensorFlow's
    # run often): there, deliver the signal again a moment later instead.
    while frame is not None and frame.f_code.co_name != "__del__":
        frame = frame.f_back
    if frame is None:
        _watch(signum)
        raise Terminated
    _deliver_again(signum)


def _watch(signum):
    """Deliver the signal again every ``RETRY_SECONDS`` until the command has
    stopped. A C extension that calls back into Python can clear the exception
    the handler raised there (a lookup that treats any error as "absent"), and
    training then went on for good: once in many runs of the end-to-end test, a
    streamed fit was still training a minute after its SIGTERM, having said
    nothing. Unwinding and cleaning up take well under the interval."""
    if not _watching.acquire(blocking=False):
        return  # already watching

    def watch():
        try:
            while not _stopped.wait(RETRY_SECONDS):
                os.kill(os.getpid(), signum)
        finally:
            _watching.release()

    threading.Thread(target=watch, name="skbig-sigterm", daemon=True).start()


def interruption(error):
    """The ``KeyboardInterrupt`` (a ``Terminated`` too) that ``error`` came from,
    or None. A signal's exception raised while a C extension calls back into
    Python comes out of the extension as another error (numpy: a SystemError,
    "returned a result with an exception set") chained to it."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, KeyboardInterrupt):
            return error
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return None


def stopped(signalled):
    """The exit code of a command stopped by SIGTERM or Ctrl-C (``signalled``),
    said on stderr."""
    _stopped.set()
    if isinstance(signalled, Terminated):
        print("terminated", file=sys.stderr)
        return 128 + signal.SIGTERM
    print("interrupted", file=sys.stderr)
    return 130


def _deliver_again(signum):
    again = threading.Timer(0.05, os.kill, (os.getpid(), signum))
    again.daemon = True
    again.start()


def install():
    """Handle SIGTERM (``terminate``) until the returned function is called. A
    Terminated that Python drops anyway (raised in a weakref or garbage-collector
    callback, where no ``__del__`` frame shows; training then went on for good)
    reaches ``sys.unraisablehook``, which delivers the signal again."""
    _stopped.clear()
    previous_handler = signal.signal(signal.SIGTERM, terminate)
    previous_hook = sys.unraisablehook

    def hook(unraisable):
        if isinstance(unraisable.exc_value, Terminated):
            _deliver_again(signal.SIGTERM)
        else:
            previous_hook(unraisable)

    sys.unraisablehook = hook

    def restore():
        _stopped.set()  # no delivery once the handler is gone
        signal.signal(signal.SIGTERM, previous_handler)
        sys.unraisablehook = previous_hook

    return restore
