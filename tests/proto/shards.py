"""Sessions spread over several event loops (--threads 3): every loop serves
reads and hands writes to the main one; a session's pipelined requests
still see each other in the order sent (a login before a search, a write
before a read, a logout before a refused read); revoking a device and
disabling a staff member cut their sessions on every loop, each after the
answers it was owed; SIGTERM drains them all."""
import os, subprocess, sys
sys.path.insert(0, os.path.dirname(__file__))
from _peer import Server, Conn, PAWD

LOGIN = {'staff': 'admin', 'password': 'admin-pass-1'}

srv = Server(['--threads', '3'])
try:
    kp = srv.add_device()
    # Six sessions: two on each loop, as connections are dealt in turn.
    conns = []
    for i in range(6):
        c = Conn(srv.port)
        assert c.handshake(srv.pub, kp)['status'] == 'ok'
        conns.append(c)
    for i, c in enumerate(conns):
        # Pipelined without waiting: login (hashed off the loop), a write,
        # then reads of it, then whoami; all in order on every loop.
        phone = '1390000%04d' % i
        c.send_record([0, 1, 'session.login', [LOGIN]])
        c.send_record([0, 2, 'member.create', [{'name': '分片%d' % i, 'phone': phone}]])
        c.send_record([0, 3, 'member.search', [{'q': phone}]])
        c.send_record([0, 4, 'member.search', [{'q': phone[-4:]}]])
        c.send_record([0, 5, 'session.whoami', [{}]])
        got = {}
        while len(got) < 5:
            r = c.recv_record()
            got[r[1]] = r
        assert got[1][2] is None, got[1]
        assert got[2][2] is None, got[2]
        mid = got[2][3]['id']
        assert got[3][2] is None and [m['id'] for m in got[3][3]['items']] == [mid], got[3]
        assert mid in [m['id'] for m in got[4][3]['items']], got[4]
        assert got[5][3]['staff'] == 'admin', got[5]
    print('pipelined login, write and reads in order on 6 sessions over 3 loops')

    # A write answered on one loop is seen by the next read on any other,
    # even while that loop keeps serving reads in between.
    for i in range(30):
        # Sessions j and j + 3 share a loop: busy keeps r's loop reading.
        w, r, busy = conns[i % 6], conns[(i + 1) % 6], conns[(i + 4) % 6]
        for j in range(5):
            busy.send_record([0, 200 + j, 'member.search', [{'q': '分片'}]])
        phone = '1370000%04d' % i
        got = w.call('member.create', {'name': '跨环%d' % i, 'phone': phone}, 100 + i)
        assert got[2] is None, got
        seen = r.call('member.search', {'q': phone}, 150 + i)
        assert [m['id'] for m in seen[3]['items']] == [got[3]['id']], (i, seen)
        seen = r.call('member.get', {'id': got[3]['id']}, 180 + i)
        assert seen[2] is None and seen[3]['phone'] == phone, seen
        n = 0
        while n < 5:
            if busy.recv_record()[1] >= 200:
                n += 1
    print('a write answered on one loop is read at once on the others')

    # A client that piles up requests behind a slow one (a login, hashed off
    # the loop) waits for it: the requests after it stay unread (back
    # pressure) and are answered in order once it is, with nothing cut, and
    # the other sessions go on meanwhile.
    flood = Conn(srv.port)
    assert flood.handshake(srv.pub, kp)['status'] == 'ok'
    batch = [[0, 1, 'session.login', [LOGIN]]] + \
        [[0, 2 + i, 'system.ping', []] for i in range(1100)]
    import msgpack, struct
    plain = b''.join(struct.pack('>I', len(r)) + r for r in map(msgpack.packb, batch))
    for k in range(0, len(plain), 60000):
        flood.send_raw_plain(plain[k:k + 60000])
    assert conns[2].call('system.ping', {}, 99)[3]['pong'] is True
    order = []
    while len(order) < len(batch):
        r = flood.recv_record()
        assert r[0] == 1 and r[2] is None, r
        order.append(r[1])
    assert order == list(range(1, len(batch) + 1)), order[:20]
    assert flood.call('session.whoami', {}, 5000)[3]['staff'] == 'admin'
    print('a session piling up requests behind a slow one waits, in order')

    # A logout pipelined before a read: the read is refused.
    c = conns[4]
    c.send_record([0, 10, 'session.logout', [{}]])
    c.send_record([0, 11, 'member.search', [{'q': '分片'}]])
    got = {}
    while len(got) < 2:
        r = c.recv_record()
        got[r[1]] = r
    assert got[10][2] is None, got[10]
    assert got[11][2]['code'] == 'unauthenticated', got[11]
    print('a read after a pipelined logout is refused')

    # Staff on every loop, then disabled: every one of their sessions is cut.
    r = conns[0].call('staff.create', {'id': 'clerk9', 'name': '店员九', 'role': 'clerk',
                                       'password': 'clerk-pass-9'}, 20)
    assert r[2] is None, r
    kp2 = srv.add_device()
    clerks = []
    for i in range(3):
        c = Conn(srv.port)
        assert c.handshake(srv.pub, kp2)['status'] == 'ok'
        r = c.call('session.login', {'staff': 'clerk9', 'password': 'clerk-pass-9'}, 1)
        assert r[2] is None, r
        clerks.append(c)
    r = conns[0].call('staff.disable', {'id': 'clerk9'}, 21)
    assert r[2] is None, r
    for c in clerks:
        got, closing = c.drain()
        assert closing and c.closed(), 'a disabled clerk kept a session'
    print('staff.disable cut the sessions on every loop')

    # Revoke the first device from one of its own sessions: the caller gets
    # its answer, then every session of that device on every loop is cut.
    dev = conns[1].call('session.whoami', {}, 30)[3]['device']
    conns[1].send_record([0, 31, 'device.revoke', [{'id': dev}]])
    for i, c in enumerate(conns):
        got, closing = c.drain()
        if i == 1:
            assert got[31][2] is None, got[31]
        assert closing and c.closed(), 'session %d of a revoked device kept' % i
    print('device.revoke cut the sessions on every loop')

    # A new device, sessions on each loop with requests in flight: SIGTERM
    # answers them and tells every session.
    kp3 = srv.add_device()
    live = []
    for i in range(3):
        c = Conn(srv.port)
        assert c.handshake(srv.pub, kp3)['status'] == 'ok'
        assert c.call('session.login', LOGIN, 1)[2] is None
        live.append(c)
    for c in live:
        for j in range(20):
            c.send_record([0, 100 + j, 'member.search', [{'q': '分片'}]])
    srv.proc.terminate()
    for c in live:
        got, closing = c.drain()
        assert closing, 'no session.closing at shutdown'
        assert all(r[2] is None for r in got.values()), got
    assert srv.proc.wait(20) == 0
    print('SIGTERM answered and closed the sessions of every loop')
finally:
    text = srv.reap()
assert 'stopped' in text, text
out = subprocess.run([PAWD, 'serve', srv.dir, '--threads', '0'], capture_output=True, text=True)
assert out.returncode != 0 and 'usage' in out.stderr, out
print('shards: ok')
