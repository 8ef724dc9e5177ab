"""Hello status 2, busy: a connection past --max-sessions hears
"PAW" 1 2 server_key and is closed, and is served again once a session
ends; during a SIGTERM drain a hello (on a connection made before the
signal or a new one) hears the same, while the answers in flight are still
sent."""
import os, signal, sys, time
sys.path.insert(0, os.path.dirname(__file__))
from _peer import Server, Conn


def hello(port):
    """Send a session hello; the server's answer frame."""
    c = Conn(port)
    c.send_frame(b'PAW\x01I')
    return c, c.recv_frame()


def wait_until(what, cond, secs=20):
    end = time.time() + secs
    while not cond():
        assert time.time() < end, 'timed out waiting for ' + what
        time.sleep(0.02)


srv = Server(['--max-sessions', '2'])
try:
    kp = srv.add_device()
    a, b = Conn(srv.port), Conn(srv.port)
    assert a.handshake(srv.pub, kp)['status'] == 'ok'
    assert b.handshake(srv.pub, kp)['status'] == 'ok'
    for i in range(3):
        c, ans = hello(srv.port)
        assert ans == b'PAW\x01\x02' + srv.pub, ans
        assert c.closed(), 'busy connection left open'
        c.sock.close()
    assert a.call('system.ping', {}, 1)[3]['pong'] is True, 'sessions within the limit served'
    log = srv.log_text()
    assert log.count('the maximum: answering busy') == 1, 'one warning per episode:\n' + log
    # A session ends: the next connection is served (polled: the close
    # reaches pawd asynchronously).
    a.sock.close()
    served = []
    def next_served():
        c = Conn(srv.port)
        r = c.handshake(srv.pub, kp)
        if r.get('status') == 'ok':
            served.append(c)
            return True
        assert r == {'hello_status': 2}, r
        c.sock.close()
        return False
    wait_until('a free slot', next_served)
    assert served[0].call('system.ping', {}, 2)[3]['pong'] is True
    wait_until('the end of the episode logged',
               lambda: 'under the maximum of sessions again' in srv.log_text())
    print('max sessions: busy answered, served again after a close')
finally:
    assert srv.stop() == 0

srv = Server()
try:
    kp = srv.add_device()
    # Connected before the signal, hello sent after it.
    early = Conn(srv.port)
    # Logins hash on two worker threads: forty of them keep the drain going.
    s = Conn(srv.port)
    assert s.handshake(srv.pub, kp)['status'] == 'ok'
    assert s.call('system.ping', {}, 1)[3]['pong'] is True   # early is accepted by now
    for i in range(40):
        s.send_record([0, 100 + i, 'session.login',
                       [{'staff': 'nobody%d' % i, 'password': 'wrong-password'}]])
    srv.proc.send_signal(signal.SIGTERM)
    wait_until('shutting down', lambda: 'shutting down' in srv.log_text())
    early.send_frame(b'PAW\x01I')
    assert early.recv_frame() == b'PAW\x01\x02' + srv.pub, 'hello after SIGTERM'
    assert early.closed()
    late, ans = hello(srv.port)
    assert ans == b'PAW\x01\x02' + srv.pub, ans
    assert late.closed()
    got, closing = s.drain()
    assert all(r[2]['code'] == 'unauthenticated' for r in got.values()), got
    # What pawd had read when the signal came is answered, in order; what
    # was still on its way is not read at all.
    assert got and set(got) == set(range(100, 100 + len(got))), sorted(got)
    assert closing
    assert srv.proc.wait(20) == 0
    print('shutdown: hellos answered busy while the answers drained')
finally:
    srv.reap()
