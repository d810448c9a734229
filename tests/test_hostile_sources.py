"""Sources are regular files inside the sources folder: links, pipes, devices,
sockets and folders nested too deep are refused one line each, race-free."""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest

from conftest import SEED, run_cli, seed_workspace

SEED_ID = "2021-06-29-cnipa-the-14th-ip5-heads-of-offices-meeting-held"
LINK = "symbolic links are not read: copy the file into sources/"
CANARY = "CANARY-4b1e-the-secret-configuration"


def _secret(tmp_path: Path) -> Path:
    secret = tmp_path / "secret.txt"
    secret.write_text(f"Secret configuration\n\nDate: 2021-06-30\n\n{CANARY} is the password of the server.\n")
    return secret


def _errors(proc) -> list[str]:
    return [line for line in proc.stderr.splitlines() if line.startswith("ip5pub: error:")]


def _assert_refused(ws: Path, name: str, reason: str) -> None:
    """render: exit 1, one line naming the file and the reason, the seed still in every output."""
    proc = run_cli("render", "-f", "txt", "-f", "html", cwd=ws, check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert _errors(proc) == [f"ip5pub: error: sources/{name}: {reason}"], proc.stderr
    assert [p.name for p in (ws / "build/notices").iterdir()] == [f"{SEED_ID}.md"]
    for out in ("digest.txt", "brief.html", f"notices/{SEED_ID}.md"):
        assert CANARY not in (ws / "build" / out).read_text()
    assert "IP5 Heads of Offices" in (ws / "build/digest.txt").read_text()


@pytest.mark.parametrize("target", ["outside", "inside", "folder", "dangling"])
def test_a_symbolic_link_is_refused_whatever_it_points_to(tmp_path, target):
    ws = seed_workspace(tmp_path)
    pointed = {"outside": _secret(tmp_path), "inside": ws / "sources" / SEED.name, "folder": tmp_path,
               "dangling": tmp_path / "gone.txt"}[target]
    (ws / "sources" / "link.txt").symlink_to(pointed)
    if target == "outside":  # a sidecar giving the linked file a title and date, as in the report
        (ws / "sources" / "link.txt.meta.yaml").write_text("title: Leaked\ndate: 2021-06-30\n")
    _assert_refused(ws, "link.txt", LINK)


def test_a_linked_sidecar_is_refused(tmp_path):
    ws = seed_workspace(tmp_path)
    secret = _secret(tmp_path)
    (ws / "sources" / f"{SEED.name}.meta.yaml").symlink_to(secret)
    proc = run_cli("normalize", "sources", "-o", "out", cwd=ws, check=False)
    assert proc.returncode == 1
    assert _errors(proc) == [f"ip5pub: error: sources/{SEED.name}: sidecar {SEED.name}.meta.yaml: {LINK}"]
    assert CANARY not in proc.stderr + proc.stdout


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path):
    ws = seed_workspace(tmp_path)
    os.mkfifo(ws / "sources" / "pipe.txt")
    _assert_refused(ws, "pipe.txt", "a named pipe, not a file: only regular files are read")


def test_a_socket_is_refused(tmp_path):
    ws = seed_workspace(tmp_path)
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(ws / "sources" / "sock.txt"))
        _assert_refused(ws, "sock.txt", "a socket, not a file: only regular files are read")


def test_a_device_is_refused(tmp_path):
    ws = seed_workspace(tmp_path)
    try:
        os.mknod(ws / "sources" / "zero.txt", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero
    except PermissionError:
        pytest.skip("creating a device node needs CAP_MKNOD")
    _assert_refused(ws, "zero.txt", "a device, not a file: only regular files are read")


def test_a_link_swapped_in_after_listing_is_not_followed(tmp_path):
    """The check is on the opened descriptor: a name that is a link when it is
    opened is refused, whatever it was when the folder was listed."""
    from ip5pub.model import SourceError
    from ip5pub.readers import read_regular, source_files

    ws = seed_workspace(tmp_path)
    listed = source_files(ws / "sources")
    assert listed == [ws / "sources" / SEED.name]
    listed[0].unlink()
    listed[0].symlink_to(_secret(tmp_path))
    with pytest.raises(SourceError, match=LINK):
        read_regular(listed[0])


@pytest.mark.slow
def test_a_thousand_nested_folders_are_one_line_not_a_recursion_error(tmp_path):
    ws = seed_workspace(tmp_path)
    fd = os.open(ws / "sources", os.O_RDONLY)
    for _ in range(1000):  # one level at a time: pathlib's mkdir(parents=True) recurses
        os.mkdir("d", dir_fd=fd)
        fd, parent = os.open("d", os.O_RDONLY, dir_fd=fd), fd
        os.close(parent)
    with open(os.open("deep.txt", os.O_WRONLY | os.O_CREAT, dir_fd=fd), "wb") as fh:
        fh.write(SEED.read_bytes())
    os.close(fd)
    (ws / "sources" / "d/d/d/d/d/shallow.md").write_text("# Shallow notice\n\nDate: 2021-06-30\n\nText.\n")
    try:
        proc = run_cli("normalize", "sources", "-o", "out", cwd=ws, check=False)
    finally:  # pytest's clean-up (shutil.rmtree) recurses: take the tree down from the bottom
        (Path(ws / "sources", *["d"] * 1000) / "deep.txt").unlink()
        for depth in range(1000, 5, -1):
            Path(ws / "sources", *["d"] * depth).rmdir()
    assert proc.returncode == 1 and "Recursion" not in proc.stderr and "Traceback" not in proc.stderr
    assert _errors(proc) == ["ip5pub: error: sources/" + "/".join(["d"] * 32)
                             + ": folder more than 32 levels deep in sources/: not read"]
    assert sorted(p.name for p in (ws / "out").iterdir()) == [f"{SEED_ID}.md", "2021-06-30-shallow-notice.md"]


LATIN1_NAME = b"notice-caf\xe9.txt"  # a name unzipped from a Latin-1 system: not UTF-8


@pytest.mark.parametrize("command", [("normalize", "sources", "-o", "out"), ("list",), ("check",),
                                     ("render", "-f", "txt"), ("review", "--json")])
def test_a_file_name_that_is_not_utf8_is_read_and_shown_with_escapes(tmp_path, command):
    ws = seed_workspace(tmp_path)
    good = os.path.join(os.fsencode(ws / "sources"), LATIN1_NAME)
    with open(good, "wb") as fh:
        fh.write(b"Caf\xc3\xa9 notice of the EPO\n\nDate: 2021-06-30\n\nThe EPO opened a help desk.\n")
    with open(os.path.join(os.fsencode(ws / "sources"), b"broken-\xff.txt"), "wb") as fh:
        fh.write(b"")
    proc = run_cli(*command, cwd=ws, check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert _errors(proc) == ["ip5pub: error: sources/broken-\\xff.txt: empty file: no text"]
    if command[0] == "list":
        assert "Café notice of the EPO" in proc.stdout
    if command[0] == "review":  # the fix line names the sidecar beside the file as it is shown
        import json

        [cafe] = [n for n in json.loads(proc.stdout)["notices"] if n["fields"]["title"]["value"].startswith("Café")]
        assert cafe["source"]["path"] == "sources/notice-caf\\xe9.txt"
    if command[0] == "normalize":
        notice = next(p for p in (ws / "out").iterdir() if "cafe" in p.name).read_text()
        assert "path: sources/notice-caf\\xe9.txt" in notice
