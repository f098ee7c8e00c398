"""Concurrent deliveries to the same maildrops lose and duplicate nothing."""

import json
import threading
from collections import Counter

from conftest import DOMAIN, TIMEOUT, Popstore, drop_entries, header_value, make_message

ACCOUNTS = ["c1", "c2", "c3"]
WORKERS = 6
PER_WORKER = 15


def message_id(worker: int, n: int) -> str:
    return f"<w{worker}-m{n}@concurrency.test>"


def test_concurrent_adds(ps: Popstore):
    for name in ACCOUNTS:
        ps.add(name)

    barrier = threading.Barrier(WORKERS)
    failures: list[str] = []
    lock = threading.Lock()

    def worker(w: int):
        barrier.wait(timeout=TIMEOUT)
        for n in range(PER_WORKER):
            msg = make_message(subject=f"worker {w} message {n}", message_id=message_id(w, n),
                               body=f"Body of {w}/{n}.\n" + ("filler line\n" * (w + n)))
            proc = ps.popen("message", "add", "--to", ",".join(ACCOUNTS), "--json")
            try:
                out, err = proc.communicate(msg, timeout=TIMEOUT)
            except Exception as exc:  # timeout: record it, do not leave the process behind
                proc.kill()
                proc.communicate()
                with lock:
                    failures.append(f"worker {w} message {n}: {exc!r}")
                continue
            problem = None
            if proc.returncode != 0:
                problem = f"exit {proc.returncode}: {err.decode(errors='replace')}"
            else:
                try:
                    results = json.loads(out)
                    if [r["result"] for r in results] != ["stored"] * len(ACCOUNTS):
                        problem = f"results {results}"
                except ValueError:
                    problem = f"bad JSON {out!r}"
            if problem:
                with lock:
                    failures.append(f"worker {w} message {n}: {problem}")

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []

    total = WORKERS * PER_WORKER
    expected_ids = Counter(message_id(w, n) for w in range(WORKERS) for n in range(PER_WORKER))
    for name in ACCOUNTS:
        listing = ps.messages(name)
        assert len(listing) == total, name
        assert [m["number"] for m in listing] == list(range(1, total + 1))
        uids = [m["uid"] for m in listing]
        assert len(set(uids)) == total, name
        seen = Counter()
        for m in listing:
            data = ps.message_bytes(name, m["uid"])
            assert len(data) == m["size"]
            ids = header_value(data, "Message-ID")
            assert len(ids) == 1, data[:300]
            seen[ids[0]] += 1
        assert seen == expected_ids, name
        usage = ps.show(name)["usage"]
        assert usage == {"messages": total, "bytes": sum(m["size"] for m in listing)}

    # one file per message, shared by the three maildrops
    entries = drop_entries(ps.default_volume)
    assert len(entries) == total * len(ACCOUNTS)
    inodes = Counter(e.stat().st_ino for e in entries)
    assert len(inodes) == total
    assert set(inodes.values()) == {len(ACCOUNTS)}
    assert all(e.stat().st_nlink == len(ACCOUNTS) for e in entries)

    check = ps.run("store", "check", "--json", explicit_store=True)
    assert check.rc == 0, check
    assert check.json()["consistent"] is True
    stats = ps.json("store", "stats")
    assert stats["messageFiles"] == total and stats["maildropEntries"] == total * len(ACCOUNTS)
    assert ps.addresses() == [f"{n}@{DOMAIN}" for n in ACCOUNTS]
