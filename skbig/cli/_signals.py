"""SIGTERM for the ``skbig`` command: unwind as Ctrl-C does."""

import os
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
    again = threading.Timer(0.05, os.kill, (os.getpid(), signum))
    again.daemon = True
    again.start()
