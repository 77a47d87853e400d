"""A real mail server on loopback in a temp dir, for tests and benchmarks: Dovecot (IMAP, LMTP) and Postfix (SMTP).

    server = start_mail_server(Path(tmp))            # both up on free ports, ~2 s
    server.add_user("theodore", "secret")            # theodore@example.test, a Maildir of his own
    server.seed("theodore", messages)                # written straight into his Maildir (fast: 1,000 in < 1 s)
    ...
    server.stop()

Mail sent through Postfix to anyone @example.test is delivered (LMTP) into that person's Maildir; anything else is
refused, so nothing ever leaves the machine. Works as root (Dovecot's mail processes run as nobody). See
shared/recipes/mail-server.md for where each setting comes from.
"""

from __future__ import annotations

import contextlib
import imaplib
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from os1.mail.accounts import MailAccount

DOMAIN = "example.test"
HOST = "127.0.0.1"
NOBODY = 65534  # Dovecot refuses uid 0 for mail access: the mailboxes belong to nobody:nogroup
BINARIES = ("dovecot", "postfix")


class MailServerUnavailable(RuntimeError):
    """The server binaries are missing or did not start."""


def missing_binaries() -> list[str]:
    """What of Dovecot, its LMTP server and Postfix is not installed (scripts/test installs them)."""
    missing = [b for b in BINARIES if shutil.which(b, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin") is None]
    if not Path("/usr/lib/dovecot/lmtp").exists():
        missing.append("dovecot-lmtpd")
    return missing


@dataclass(frozen=True)
class Seed:
    """A message to put in a mailbox: its bytes, folder, whether it was read, and when it arrived."""

    raw: bytes
    folder: str = "INBOX"
    seen: bool = False
    received: float | None = None  # epoch seconds; INTERNALDATE (Maildir keeps it as the file's mtime)


@dataclass
class MailServer:
    root: Path
    imap_port: int
    smtp_port: int
    lmtp_port: int
    dovecot: subprocess.Popen[bytes]
    users: dict[str, str] = field(default_factory=dict)

    host = HOST

    def address(self, user: str) -> str:
        return f"{user}@{DOMAIN}"

    def account(self, user: str) -> MailAccount:
        """A MailAccount for this person on this server (plain connections: loopback only)."""
        return MailAccount(self.address(user), HOST, self.imap_port, "none", HOST, self.smtp_port, "none", user,
                           self.users[user])

    def add_user(self, user: str, password: str) -> None:
        """A new mailbox (name: lower-case letters and digits), usable at once."""
        if not user.isalnum():
            raise ValueError(f"mailbox names here are letters and digits, not {user!r}")
        if user in self.users:
            raise ValueError(f"{user} already has a mailbox")
        self.users[user] = password
        maildir = self.maildir(user)
        for sub in ("cur", "new", "tmp"):
            (maildir / sub).mkdir(parents=True, exist_ok=True)
        _chown_tree(self.root / "mail" / user)
        # One password file per person: Dovecot opens each by name, so a new one works at once (edits to one shared
        # file within the same second went unnoticed).
        (self.root / "users" / user).write_text(f"{user}:{{PLAIN}}{password}\n")

    def maildir(self, user: str, folder: str = "INBOX") -> Path:
        base = self.root / "mail" / user / "Maildir"
        return base if folder == "INBOX" else base / f".{folder}"

    def seed(self, user: str, messages: Iterable[Seed]) -> int:
        """Write messages straight into the person's Maildir folders (creating and subscribing folders)."""
        count, folders = 0, set()
        for m in messages:
            box = self.maildir(user, m.folder)
            if m.folder not in folders:
                for sub in ("cur", "new", "tmp"):
                    (box / sub).mkdir(parents=True, exist_ok=True)
                folders.add(m.folder)
            name = f"{int(time.time())}.{uuid.uuid4().hex}.os1seed"
            path = box / "cur" / f"{name}:2,{'S' if m.seen else ''}"
            path.write_bytes(m.raw)
            if m.received is not None:
                os.utime(path, (m.received, m.received))
            count += 1
        subscriptions = self.maildir(user) / "subscriptions"
        known = set(subscriptions.read_text().split()) if subscriptions.exists() else set()
        subscriptions.write_text("".join(f"{f}\n" for f in sorted((folders | known) - {"INBOX"})))
        _chown_tree(self.root / "mail" / user)
        return count

    def imap(self, user: str) -> imaplib.IMAP4:
        """A logged-in IMAP connection as this person (the caller logs out)."""
        conn = imaplib.IMAP4(HOST, self.imap_port, timeout=30)
        conn.login(user, self.users[user])
        return conn

    @contextlib.contextmanager
    def session(self, user: str) -> Iterator[imaplib.IMAP4]:
        conn = self.imap(user)
        try:
            yield conn
        finally:
            with contextlib.suppress(imaplib.IMAP4.error, OSError):
                conn.logout()

    def count(self, user: str, folder: str = "INBOX") -> int:
        """How many messages are in one of the person's folders (0 when it does not exist)."""
        with self.session(user) as conn:
            status, data = conn.select(_quote(folder), readonly=True)
            return int(data[0] or 0) if status == "OK" else 0

    def subjects(self, user: str, folder: str = "INBOX") -> list[str]:
        """The Subject lines in a folder, in order (decoded)."""
        from email.header import decode_header, make_header

        with self.session(user) as conn:
            status, data = conn.select(_quote(folder), readonly=True)
            if status != "OK" or not int(data[0] or 0):
                return []
            _, fetched = conn.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        found: list[str] = []
        for item in fetched:
            if isinstance(item, tuple):
                line = item[1].decode("utf-8", "replace").strip()
                found.append(str(make_header(decode_header(line.partition(":")[2].strip()))))
        return found

    def wait_for(self, user: str, count: int, folder: str = "INBOX", timeout_s: float = 20.0) -> bool:
        """Wait until a folder holds at least `count` messages (delivery through Postfix is asynchronous)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.count(user, folder) >= count:
                return True
            time.sleep(0.05)
        return False

    def stop(self) -> None:
        """Stop both servers (Postfix's master by its pid: `postfix stop` polls for seconds)."""
        pid_file = self.root / "postfix-spool" / "pid" / "master.pid"
        if pid_file.exists():
            with contextlib.suppress(ValueError, ProcessLookupError):
                pid = int(pid_file.read_text().split()[0])
                os.kill(pid, signal.SIGTERM)
                _wait_gone(pid)
        if self.dovecot.poll() is None:
            self.dovecot.terminate()
            try:
                self.dovecot.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.dovecot.kill()
                self.dovecot.wait()


def start_mail_server(root: Path) -> MailServer:
    """Start Dovecot and Postfix on free loopback ports, with everything under `root` (an empty directory)."""
    missing = missing_binaries()
    if missing:
        raise MailServerUnavailable(f"not installed: {', '.join(missing)} (Debian: dovecot-imapd dovecot-lmtpd "
                                    "postfix; scripts/test installs them)")
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o755)
    closed = [p for p in root.resolve().parents if not p.stat().st_mode & 0o001]
    if closed:  # postfix and dovecot's mail processes run as their own users and must reach `root`
        mode = closed[0].stat().st_mode & 0o777
        raise MailServerUnavailable(f"{closed[0]} is closed to other users (mode {mode:o}); "
                                    "start the mail server under a folder they can reach, such as one from "
                                    "tempfile.mkdtemp()")
    imap_port, smtp_port, lmtp_port = _free_port(), _free_port(), _free_port()
    (root / "mail").mkdir(exist_ok=True)
    (root / "users").mkdir(exist_ok=True)
    (root / "dovecot.conf").write_text(_dovecot_conf(root, imap_port, lmtp_port))
    dovecot = subprocess.Popen(["dovecot", "-F", "-c", str(root / "dovecot.conf")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = MailServer(root, imap_port, smtp_port, lmtp_port, dovecot)
    try:
        _start_postfix(root, smtp_port, lmtp_port)
        for port, name in ((imap_port, "Dovecot"), (smtp_port, "Postfix"), (lmtp_port, "Dovecot LMTP")):
            _wait_listening(port, name, server)
    except BaseException:
        server.stop()
        raise
    return server


def _dovecot_conf(root: Path, imap_port: int, lmtp_port: int) -> str:
    return f"""
base_dir = {root}/dovecot-run
state_dir = {root}/dovecot-state
instance_name = os1-{root.name}
log_path = {root}/dovecot.log
protocols = imap lmtp
listen = {HOST}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_username_format = %Ln
mail_location = maildir:{root}/mail/%n/Maildir
mail_uid = {NOBODY}
mail_gid = {NOBODY}
first_valid_uid = 1
mail_fsync = never
namespace inbox {{
  inbox = yes
  separator = .
  mailbox Archive {{
    special_use = \\Archive
    auto = subscribe
  }}
  mailbox Trash {{
    special_use = \\Trash
    auto = subscribe
  }}
  mailbox Sent {{
    special_use = \\Sent
    auto = subscribe
  }}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%n {root}/users/%n
}}
userdb {{
  driver = static
  args = home={root}/mail/%n
}}
service imap-login {{
  inet_listener imap {{
    port = {imap_port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = {HOST}
    port = {lmtp_port}
  }}
}}
"""


def _start_postfix(root: Path, smtp_port: int, lmtp_port: int) -> None:
    conf = root / "postfix"
    conf.mkdir(exist_ok=True)
    (root / "postfix-spool").mkdir(exist_ok=True)  # root's; postfix makes the data directory itself (its own)
    (conf / "main.cf").write_text(f"""compatibility_level = 3.6
queue_directory = {root}/postfix-spool
data_directory = {root}/postfix-data
maillog_file = {root}/postfix.log
maillog_file_prefixes = /tmp {root}
inet_interfaces = {HOST}
inet_protocols = ipv4
myhostname = mail.{DOMAIN}
mydestination =
mynetworks = 127.0.0.0/8
virtual_mailbox_domains = {DOMAIN}
virtual_transport = lmtp:inet:{HOST}:{lmtp_port}
default_transport = error:outbound mail disabled on this test server
relay_transport = error:outbound mail disabled on this test server
alias_maps =
alias_database =
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
lmtp_dns_support_level = disabled
smtputf8_enable = no
""")
    # Debian's master.cf, with our SMTP port and no chroot (chroot needs a prepared tree).
    lines = []
    for line in Path("/etc/postfix/master.cf").read_text().splitlines():
        fields = line.split()
        if len(fields) >= 8 and not line[0].isspace() and not line.startswith("#"):
            if fields[0] == "smtp" and fields[1] == "inet":
                line = f"{HOST}:{smtp_port} inet n - n - - smtpd"
            elif fields[1] in ("unix", "inet", "unix-dgram") and fields[4] == "y":
                line = " ".join([*fields[:4], "n", *fields[5:]])
        lines.append(line)
    (conf / "master.cf").write_text("\n".join(lines) + "\n")
    done = subprocess.run(["postfix", "-c", str(conf), "start"], capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        log = (root / "postfix.log").read_text()[-2000:] if (root / "postfix.log").exists() else ""
        raise MailServerUnavailable(f"postfix did not start: {done.stderr.strip() or log or 'no output'}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _wait_listening(port: int, name: str, server: MailServer, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.dovecot.poll() is not None:
            stderr = server.dovecot.stderr.read().decode(errors="replace") if server.dovecot.stderr else ""
            raise MailServerUnavailable(f"dovecot exited: {stderr.strip()[-2000:]}")
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=0.5):
            return
        time.sleep(0.05)
    raise MailServerUnavailable(f"{name} did not listen on {HOST}:{port} within {timeout_s:.0f} s")


def _wait_gone(pid: int, timeout_s: float = 10.0) -> None:
    # Re-parented daemons can linger as zombies: their state in /proc says so, while kill -0 still succeeds.
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return
        if state in ("Z", "X"):
            return
        time.sleep(0.05)


def _chown_tree(path: Path) -> None:
    if os.geteuid() != 0:
        return  # not root: Dovecot runs as us and can read what we wrote
    for dirpath, _, files in os.walk(path):
        os.chown(dirpath, NOBODY, NOBODY)
        for name in files:
            os.chown(os.path.join(dirpath, name), NOBODY, NOBODY)


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
