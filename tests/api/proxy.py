"""A TCP relay that a test can cut, stall and restore, to play a Neo4j going down or hanging."""

from __future__ import annotations

import socket
import threading


class Relay:
    def __init__(self, target_port: int):
        self.target = ("127.0.0.1", target_port)
        self.listener: socket.socket | None = None
        self.port: int | None = None
        self.conns: list[socket.socket] = []
        self.stalled = False

    def up(self, *, stalled: bool = False) -> None:
        """Relay connections to the target (again); ``stalled``: accept them and never answer."""
        self.stalled = stalled
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port or 0))
        self.port = self.listener.getsockname()[1]
        self.listener.listen()
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def stall(self) -> None:
        """Play a Neo4j that hangs: cut the open connections, then accept new ones and never answer."""
        self.down()
        self.up(stalled=True)

    def down(self) -> None:
        """Play a Neo4j that is stopped: cut the open connections and refuse new ones."""
        try:  # wakes the thread blocked in accept(); close() alone would not
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()
        for conn in self.conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            conn.close()
        self.conns.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            if self.stalled:  # held open, never answered; closed by the next down()
                self.conns.append(client)
                continue
            upstream = socket.create_connection(self.target)
            self.conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
