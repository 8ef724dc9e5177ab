"""Memory while records arrive.  Long records are assembled against a
shared budget (--record-memory): sessions past it wait, unread, and go on
once there is room, or are cut after waiting 10 s, with the reason logged;
a message of tiny elements is refused before it is decoded.  Resident
memory stays within the budget and the input limits throughout."""
import os, select, struct, sys, threading, time
sys.path.insert(0, os.path.dirname(__file__))
from _peer import Server, Conn
import msgpack

LOGIN = {'staff': 'admin', 'password': 'admin-pass-1'}
MIB = 1 << 20


def mem(pid, what='VmRSS'):
    for line in open('/proc/%d/status' % pid):
        if line.startswith(what + ':'):
            return int(line.split()[1]) * 1024
    raise KeyError(what)


class Peak:
    """The highest resident memory of PID while the block runs, sampled
    every 5 ms (the high-water mark would count the login's Argon2)."""
    def __init__(self, pid):
        self.pid, self.peak, self.run = pid, 0, True

    def __enter__(self):
        self.base = mem(self.pid)
        self.t = threading.Thread(target=self.sample, daemon=True)
        self.t.start()
        return self

    def sample(self):
        while self.run:
            self.peak = max(self.peak, mem(self.pid))
            time.sleep(0.005)

    def __exit__(self, *exc):
        self.run = False
        self.t.join()
        self.grew = self.peak - self.base


def session(srv, kp):
    c = Conn(srv.port)
    assert c.handshake(srv.pub, kp)['status'] == 'ok'
    assert c.call('session.login', LOGIN, 1)[2] is None
    return c


def send(c, data):
    for k in range(0, len(data), 60000):
        c.send_raw_plain(data[k:k + 60000])


def closing_reason(c):
    reason = None
    try:
        while True:
            r = c.recv_record()
            if r[0] == 2 and r[1] == 'session.closing':
                reason = r[2][0]['reason']
    except (EOFError, ConnectionResetError):
        pass
    return reason


srv = Server(['--record-memory', '8'])
try:
    kp = srv.add_device()
    pid = srv.proc.pid
    other = session(srv, kp)

    # 4 million one-byte elements: refused unread, not decoded.
    c = session(srv, kp)
    body = b'\x94\x00\x02\xabsystem.ping\x91\xdd' + struct.pack('>I', 4000000) + b'\x00' * 4000000
    with Peak(pid) as p:
        send(c, struct.pack('>I', len(body)) + body)
        assert closing_reason(c) == 'malformed message'
    grew = p.grew
    assert grew < 60 * MIB, 'peak grew by %d MiB' % (grew // MIB)
    print('4,000,000 tiny elements refused, peak memory +%d MiB' % (grew // MIB))

    # Six 4 MiB records, half sent: two fit the 8 MiB budget, four wait.
    recs = [msgpack.packb([0, 10 + i, 'system.ping', [{'pad': bytes([65 + i]) * (4 * MIB - 64)}]])
            for i in range(6)]
    recs = [struct.pack('>I', len(r)) + r for r in recs]
    conns = [session(srv, kp) for _ in range(6)]
    base = mem(pid)
    halves = [threading.Thread(target=send, args=(c, r[:len(r) // 2]), daemon=True)
              for c, r in zip(conns, recs)]
    for t in halves:
        t.start()
    time.sleep(1.5)
    grew = mem(pid) - base
    assert grew < 24 * MIB, 'six half-sent 4 MiB records took %d MiB' % (grew // MIB)
    assert other.call('system.ping', {}, 3)[3]['pong'] is True, 'others served meanwhile'
    # The rest of each: every one is answered, the waiting ones once the
    # first have made room.
    for t in halves:
        t.join(20)
    rests = [threading.Thread(target=send, args=(c, r[len(r) // 2:]), daemon=True)
             for c, r in zip(conns, recs)]
    for t in rests:
        t.start()
    for i, c in enumerate(conns):
        r = c.recv_record()
        assert r[0] == 1 and r[1] == 10 + i, r[:2]
    print('six half-sent 4 MiB records in an 8 MiB budget: memory +%d MiB, '
          'all answered once sent' % (grew // MIB))

    # Three half-sent for good: two hold the budget, the third waits and is
    # cut after 10 s, said in the log; the two go on when sent.
    conns = [session(srv, kp) for _ in range(3)]
    for c, r in zip(conns, recs):
        threading.Thread(target=send, args=(c, r[:MIB]), daemon=True).start()
    t0 = time.time()
    cut = []
    while not cut and time.time() - t0 < 20:
        ready, _, _ = select.select([c.sock for c in conns], [], [], 0.5)
        for c in conns:
            if c.sock in ready:
                r = c.recv_record()
                if r[0] == 2 and r[1] == 'session.closing':
                    cut.append((c, r[2][0]['reason']))
    assert len(cut) == 1 and cut[0][1] == 'record memory budget exhausted', cut
    took = time.time() - t0
    assert 9 < took < 15, took
    for c, r in zip(conns, recs):
        if c is not cut[0][0]:
            send(c, r[MIB:])
            assert c.recv_record()[1] in (10, 11, 12)
    cut[0][0].sock.close()
    for _ in range(50):
        if 'closed: record memory budget exhausted' in srv.log_text():
            break
        time.sleep(0.1)
    else:
        raise AssertionError('the cut is not in the log')
    print('a session waiting for the budget is cut after %.1f s, the others go on' % took)
finally:
    srv.stop()
