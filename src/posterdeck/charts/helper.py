"""Draw charts and write the PPTX in a helper process while the main process composes and paints.

A target builds on one core: load, compose, then matplotlib (half a second to import, a few
hundredths of a second a chart), then painting. On a machine with a second core, a helper
process started with the build imports matplotlib while the main process loads and composes,
then draws each document's charts while the main process goes on with the rest (for a single
target, and for the first target of a batch; cli.py decides). The deck's PPTX is offered to
it too: whichever process begins it first writes it (the main process takes it back while the
helper still draws charts it will need), so that a target whose charts come from the cache
gets its PPTX written here while the main process paints the PDFs. The outputs are the same
bytes either way: the helper runs draw_items() and render_pptx(), as the main process would.
Should the helper fail or fall silent, the main process draws the charts or writes the PPTX
itself, and an error there is reported as it would be without a helper.
"""
from __future__ import annotations

import os
import sys


# what the helper imports for writing a PPTX, once told to expect one (expect_pptx) and while
# it has nothing else to do: the painter (with python-pptx and lxml), and the modules of the
# classes a composed Document holds, which unpickling it would import (pydantic's schema
# classes among them: a tenth of a second); one at a time, so that a request waits for one
# import at most. Not before it is told: for a target with charts to draw, the PPTX is
# written in the main process and the imports would only take CPU time from it.
WARM = ("posterdeck.pagemodel.charts", "posterdeck.render.pptx", "posterdeck.schema.layout")
WAIT = 300.0  # seconds to wait for one answer: drawing a document's charts takes well under one


class ChartHelper:
    """One helper process, talking over a pipe. Forked on Linux (it starts at once, with what
    this process has imported), spawned elsewhere. Use as a context manager, or call close()."""

    def __init__(self) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        self._conn, child = ctx.Pipe()
        inherited = self._conn if ctx.get_start_method() == "fork" else None
        # the key of the last PPTX request begun, here or there: whoever takes it first writes it
        self._taken = ctx.Value("q", 0)
        self._proc = ctx.Process(target=_serve, args=(child, inherited, self._taken), daemon=True,
                                 name="posterdeck-charts")
        self._proc.start()
        self._files: list[str] = []  # the PPTX documents handed over: removed at close()
        child.close()
        self._sent = 0
        self._replies: dict[int, bytes | None] = {}
        self._drawing: set[int] = set()  # the chart requests not answered yet

    def prepare(self, font_files: list[str]) -> None:
        """Cut these fonts for matplotlib now, while this process is still composing."""
        self._send(("fonts", 0, tuple(font_files)))  # no reply

    def draw(self, specs: list[tuple]) -> "Drawing":
        """Start drawing the charts_pdf() of ``specs``; the Drawing's result() is its bytes."""
        from posterdeck.charts.mpl import normalized

        items = normalized(specs)
        self._sent += 1
        ok = self._send(("draw", self._sent, items))
        if ok:
            self._drawing.add(self._sent)
        return Drawing(self, self._sent if ok else None, items)

    def draw_each(self, items: tuple) -> "Each":
        """Start drawing each of the normalized ``items`` as its own one-page PDF (the chart
        cache's unit, charts/cached.py); the Each's result() is their bytes, or None."""
        self._sent += 1
        ok = self._send(("each", self._sent, items))
        if ok:
            self._drawing.add(self._sent)
        return Each(self, self._sent if ok else None)

    def expect_pptx(self) -> None:
        """Say that the PPTX will probably be asked for (the charts are in the cache): the helper
        then imports what writing it needs, while it has nothing else to do."""
        self._send(("warm", 0, ()))  # no reply

    def render_pptx(self, doc) -> "Pptx":
        """Offer the helper the PPTX of the composed deck ``doc`` (render.pptx.render_pptx), to
        write once it has drawn the charts asked before; the Pptx's result() is its bytes. Until
        the helper begins it, this process may take it back (Pptx.take)."""
        import pickle
        import tempfile

        self._sent += 1
        try:  # pickled apart: the helper unpickles it (importing its classes) only if it takes it
            blob = pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL)
            # handed over as a file: a document larger than the pipe's buffer, sent to a helper
            # that has stopped reading, would block this process for ever
            fd, path = tempfile.mkstemp(prefix="posterdeck-pptx-", suffix=".pickle")
            with os.fdopen(fd, "wb") as fh:
                fh.write(blob)
        except Exception:  # noqa: BLE001  (not sent, whatever the reason: this process writes it)
            return Pptx(self, None, doc)
        self._files.append(path)
        ok = self._send(("pptx", self._sent, path))
        return Pptx(self, self._sent if ok else None, doc)

    def drawing(self) -> bool:
        """Whether charts asked of the helper are still being drawn (without waiting)."""
        try:
            while self._drawing and self._conn.poll(0):
                got, data = self._conn.recv()
                self._replies[got] = data
                self._drawing.discard(got)
        except (EOFError, OSError):  # gone: the painter draws them, as soon as it asks
            return False
        return bool(self._drawing)

    def _send(self, message) -> bool:
        try:
            self._conn.send(message)
            return True
        except (OSError, ValueError):  # the helper has gone: the painter draws the charts
            return False

    def reply(self, key: int) -> bytes | None:
        """The charts of request ``key``, or None when the helper could not draw them: it has
        gone, or it has not answered within WAIT seconds (it is then stopped)."""
        import time

        deadline = time.monotonic() + WAIT
        while key not in self._replies:
            try:
                while not self._conn.poll(0.5):
                    if not self._proc.is_alive() or time.monotonic() > deadline:
                        self._proc.kill()
                        return None
                got, data = self._conn.recv()
            except (EOFError, OSError):
                return None
            self._replies[got] = data
            self._drawing.discard(got)
        self._drawing.discard(key)
        return self._replies.pop(key)

    def close(self) -> None:
        if self._conn.closed:
            return
        self._send(None)
        self._conn.close()
        self._proc.join(timeout=5)
        if self._proc.is_alive():  # stopped or stuck: it must not outlive the build
            self._proc.kill()
            self._proc.join(timeout=5)
        for path in self._files:
            try:
                os.unlink(path)
            except OSError:
                pass

    def __enter__(self) -> "ChartHelper":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Drawing:
    """Charts being drawn in the helper."""

    def __init__(self, helper: ChartHelper, key: int | None, items: tuple):
        self._helper, self._key, self._items = helper, key, items
        self._data: bytes | None = None

    def result(self) -> bytes:
        """The charts PDF (asked once of the helper; the print and screen PDFs share it)."""
        if self._data is None:
            from posterdeck.charts import mpl

            data = self._helper.reply(self._key) if self._key is not None else None
            if data is None:
                data = mpl.draw_items(self._items)
            mpl.remember(self._items, data)  # for later targets here, and workers forked from here
            self._data = data
        return self._data


class Each:
    """Charts being drawn one by one in the helper."""

    def __init__(self, helper: ChartHelper, key: int | None):
        self._helper, self._key = helper, key

    def result(self) -> tuple | None:
        """The one-page PDFs, or None when the helper could not draw them (the caller draws)."""
        return self._helper.reply(self._key) if self._key is not None else None


class Pptx:
    """A deck's PPTX offered to the helper: written there, or here when this process takes it
    before the helper begins it (it then leaves it)."""

    def __init__(self, helper: ChartHelper, key: int | None, doc):
        self._helper, self._key, self._doc = helper, key, doc
        self._data: bytes | None = None
        self._error: BaseException | None = None

    def take(self) -> bool:
        """Write the PPTX here, now, unless the helper has begun it; True when written here."""
        if self._key is None or self._data is not None or not _take(self._helper._taken, self._key):
            return False
        self._key = None
        self.result()  # an error is raised now, and again (not written again) by result()
        return True

    def result(self) -> bytes:
        """The PPTX's bytes: the helper's, else written here (an error then raised as without a
        helper: the helper answers None for any error, and this process meets it again, once:
        asked again, the same error is raised without writing it a second time)."""
        if self._error is not None:
            raise self._error
        if self._data is None:
            data = None
            if self._key is not None and not _take(self._helper._taken, self._key):  # begun there
                data = self._helper.reply(self._key)
            self._key = None
            if data is None:
                from posterdeck.render.pptx import render_pptx

                try:
                    data = render_pptx(self._doc)
                except Exception as exc:
                    self._error = exc
                    raise
            self._data = data
        return self._data


def _take(taken, key: int) -> bool:
    """Take PPTX request ``key`` for the process calling, unless the other took it first (or
    holds the lock too long: a stopped helper; then the caller waits for its answer, which
    reply() bounds)."""
    lock = taken.get_lock()
    if not lock.acquire(timeout=10):
        return False
    try:
        if taken.value >= key:
            return False
        taken.value = key
        return True
    finally:
        lock.release()


def _serve(conn, inherited, taken) -> None:
    """The helper's loop: import matplotlib, then answer requests until told to stop or until
    the main process is gone (told to expect a PPTX, it imports WARM while it has nothing to do).
    A thread takes the requests off the pipe as they come, so that the main process never waits
    to send one while the helper is sending a large answer (the two would wait on each other).
    It leaves with os._exit: nothing of its own needs flushing, and tearing down matplotlib's
    modules took longer than drawing a chart."""
    import importlib
    import pickle
    import queue
    import threading

    if inherited is not None:
        inherited.close()  # else the pipe would never report the main process gone
    inbox: queue.Queue = queue.Queue()

    def receive() -> None:  # raw bytes: unpickling imports modules, which only the main thread does
        try:
            while True:
                inbox.put(conn.recv_bytes())
        except BaseException:  # the main process is gone (or anything else): stop
            inbox.put(None)

    threading.Thread(target=receive, daemon=True).start()
    try:
        from posterdeck.charts import fonts, mpl

        mpl.import_matplotlib()
        warm: list = []
        while True:
            while warm and inbox.empty():  # idle (the main process is still composing): one module at a time
                importlib.import_module(warm.pop(0))
            raw = inbox.get()
            message = None if raw is None else pickle.loads(raw)
            if message is None:
                break
            kind, key, payload = message
            if kind == "warm":
                warm = list(WARM)
                continue
            if kind == "fonts":
                for path in payload:
                    fonts.chart_font(path)
                continue
            try:
                if kind == "pptx":
                    if not _take(taken, key):  # the main process writes it: no answer
                        continue
                    from posterdeck.render.pptx import render_pptx

                    with open(payload, "rb") as fh:  # the main process removes the file at close()
                        data = render_pptx(pickle.loads(fh.read()))
                else:
                    data = tuple(mpl._draw((item,)) for item in payload) if kind == "each" else mpl.draw_items(payload)
            except Exception:  # the main process does it again and reports the error
                data = None
            conn.send((key, data))
    except (EOFError, OSError, KeyboardInterrupt):
        pass
    finally:
        os._exit(0)
