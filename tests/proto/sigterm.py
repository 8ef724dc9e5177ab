"""SIGTERM during load: every request pawd had read when the signal came is
answered, in order and with no gap (what it had not read yet has no effect
and no answer), each client is told session.closing with no truncated
record, pawd exits 0 and the database is closed cleanly
(WAL checkpointed, integrity ok)."""
import os, signal, sqlite3, sys, threading, time
sys.path.insert(0, os.path.dirname(__file__))
from _peer import Server, Conn

srv = Server()
ok = False
try:
    kp = srv.add_device()
    conns = []
    for i in range(20):
        c = Conn(srv.port)
        assert c.handshake(srv.pub, kp)['status'] == 'ok'
        r = c.call('session.login', {'staff': 'admin', 'password': 'admin-pass-1'}, 1)
        assert r[2] is None, r
        conns.append(c)
    # Load: each connection fires 200 requests without waiting.
    for c in conns:
        for i in range(200):
            c.send_record([0, 100 + i, 'branch.list' if i % 2 else 'system.ping', []])
    srv.proc.send_signal(signal.SIGTERM)
    for c in conns:
        got, closing = c.drain()
        assert all(r[2] is None for r in got.values()), got
        # Answered: what pawd had read when the signal came, in order.
        assert set(got) == set(range(100, 100 + len(got))), sorted(got)
        assert closing, 'no session.closing notice'
    rc = srv.proc.wait(20)
    assert rc == 0, rc
    db = os.path.join(srv.dir, 'paw.db')
    assert not os.path.exists(db + '-wal') or os.path.getsize(db + '-wal') == 0, 'WAL left behind'
    assert sqlite3.connect(db).execute('PRAGMA integrity_check').fetchone()[0] == 'ok'
    ok = True
    print('sigterm: ok')
finally:
    log = srv.reap()
    assert 'shutting down' in log, log
