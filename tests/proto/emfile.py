"""Out of file descriptors (pawd under prlimit): accept() failing with EMFILE
neither spins the loop nor floods the log (one line per episode); every
connection pawd cannot take hears busy (hello status 2) and is closed, the
others are served; once connections close, a client is served again."""
import os, sys, time
sys.path.insert(0, os.path.dirname(__file__))
from _peer import Server, Conn

# About 16 descriptors are pawd's own (database, loop, pipes, listener,
# spare): this leaves room for a few sessions and not for twenty.
LIMIT = 24


srv = Server(wrap=['prlimit', '--nofile=%d:%d' % (LIMIT, LIMIT)])
try:
    kp = srv.add_device()
    conns = []
    for i in range(20):
        c = Conn(srv.port)
        c.send_frame(b'PAW\x01I')
        conns.append(c)
    status = []
    for c in conns:
        ans = c.recv_frame()
        assert ans[:4] == b'PAW\x01' and ans[5:] == srv.pub, ans
        status.append(ans[4])
    busy = [c for c, st in zip(conns, status) if st == 2]
    assert busy and status.count(0) + len(busy) == 20, status
    for c in busy:
        assert c.closed(), 'busy connection left open'
    # Still out of descriptors (the others hold theirs): answered again.
    probe = Conn(srv.port)
    probe.send_frame(b'PAW\x01I')
    assert probe.recv_frame()[4] == 2
    log = srv.log_text()
    starved = log.count('Too many open files')
    print('%d served, %d busy, %d log line about it'
          % (status.count(0), len(busy) + 1, starved))
    assert starved == 1, 'one line per episode, got %d' % starved
    assert len(log.splitlines()) < 200, 'log grew to %d lines' % len(log.splitlines())
    for c in conns:
        c.sock.close()
    # Served again once the descriptors are back (polled: closes reach pawd
    # asynchronously).
    end = time.time() + 20
    while True:
        c = Conn(srv.port)
        r = c.handshake(srv.pub, kp)
        if r.get('status') == 'ok':
            break
        assert r == {'hello_status': 2}, r
        c.sock.close()
        assert time.time() < end, 'never served again'
        time.sleep(0.05)
    assert c.call('system.ping', {}, 1)[3]['pong'] is True
    while 'descriptors free again' not in srv.log_text():
        assert time.time() < end, 'end of the episode not logged'
        time.sleep(0.05)
    print('served again after the connections closed')
finally:
    assert srv.stop() == 0
