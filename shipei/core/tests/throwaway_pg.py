"""A PostgreSQL cluster of one's own, to stop and restart under a test or a bench: initdb in a
temporary directory, as user postgres, listening on a free port of 127.0.0.1. The shared server
is never touched."""

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _bin(name: str) -> str:
    found = shutil.which(name) or next(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), None)
    if found is None:
        raise RuntimeError(f"{name} not found: PostgreSQL's server programs are needed")
    return str(found)


class ThrowawayPostgres:
    """``start()`` makes the cluster (once) and starts it; ``stop()``, ``start()`` again,
    ``remove()`` at the end. Trust authentication; ``url(db)`` for a database in it."""

    def __init__(self, port: int | None = None, **settings: str) -> None:
        self.port = port or _free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="shipei-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        # Made to be thrown away: nothing is synced to disk, so it starts and stops fast.
        self.settings = {
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "200",
            "shared_buffers": "128MB",
            "unix_socket_directories": f"'{self.dir}'",
            "listen_addresses": "'127.0.0.1'",
            **settings,
        }
        self._made = False

    def url(self, db: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def _as_postgres(self, *command: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *command],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd="/",
        )

    def start(self) -> None:
        if not self._made:
            shutil.chown(self.dir, "postgres")
            os.chmod(self.dir, 0o700)
            self._as_postgres(
                _bin("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8"
            )
            with open(self.data / "postgresql.conf", "a") as conf:
                conf.writelines(f"{k} = {v}\n" for k, v in self.settings.items())
            self._made = True
        self._as_postgres(
            _bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", f"-p {self.port}",
            "-w", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: "fast" ends every session (the clients read "terminating connection
        due to administrator command"), "immediate" as if it had crashed."""
        self._as_postgres(_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        if self._made and (self.data / "postmaster.pid").exists():
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)
