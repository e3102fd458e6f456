"""SIGTERM for the ``skbig`` command: unwind as Ctrl-C does."""

import os
import signal
import sys
import threading


class Terminated(KeyboardInterrupt):
    """SIGTERM unwinds as Ctrl-C does: no feature store or model file is left."""


def terminate(signum, frame):
    # Python prints and drops an exception raised inside a __del__ (TensorFlow's
    # run often): there, deliver the signal again a moment later instead.
    while frame is not None and frame.f_code.co_name != "__del__":
        frame = frame.f_back
    if frame is None:
        raise Terminated
    _deliver_again(signum)


def _deliver_again(signum):
    again = threading.Timer(0.05, os.kill, (os.getpid(), signum))
    again.daemon = True
    again.start()


def install():
    """Handle SIGTERM (``terminate``) until the returned function is called. A
    Terminated that Python drops anyway (raised in a weakref or garbage-collector
    callback, where no ``__del__`` frame shows; training then went on for good)
    reaches ``sys.unraisablehook``, which delivers the signal again."""
    previous_handler = signal.signal(signal.SIGTERM, terminate)
    previous_hook = sys.unraisablehook

    def hook(unraisable):
        if isinstance(unraisable.exc_value, Terminated):
            _deliver_again(signal.SIGTERM)
        else:
            previous_hook(unraisable)

    sys.unraisablehook = hook

    def restore():
        signal.signal(signal.SIGTERM, previous_handler)
        sys.unraisablehook = previous_hook

    return restore
