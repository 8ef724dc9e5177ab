"""Limits before the handshake.  Connections that have not finished hello
and handshake have a budget of their own, per source address and in total,
and a deadline: silent connections are refused past the budget (answered
busy and closed at once) and cut at the deadline, they never take the
places of enrolled devices under --max-sessions, and the log says what was
cut once per burst, not once per connection."""
import os, socket, sys, time
sys.path.insert(0, os.path.dirname(__file__))
from _peer import Server, Conn

BUSY = b'\x00\x25PAW\x01\x02'


def silent(port, source):
    """A connection that sends one byte of a frame and then nothing."""
    s = socket.create_connection(('127.0.0.1', port), 5, (source, 0))
    s.sendall(b'\x00')
    return s


def refused(s, timeout=1.0):
    """True if pawd answered busy and closed; False if it keeps it open."""
    s.settimeout(timeout)
    data = b''
    try:
        while True:
            d = s.recv(4096)
            if not d:
                break
            data += d
    except socket.timeout:
        return False
    except ConnectionResetError:
        return True
    assert data == b'' or data.startswith(BUSY), data
    return True


srv = Server(['--max-sessions', '3', '--handshake-timeout', '2',
              '--preauth-per-address', '8', '--preauth-max', '16'])
try:
    kp = srv.add_device()
    flood = [silent(srv.port, '127.0.0.2') for _ in range(60)]
    time.sleep(0.3)
    held = [s for s in flood if not refused(s, 0.05)]
    assert len(held) == 8, 'held from one address: %d' % len(held)
    # Enrolled devices still get every one of the 3 places.
    devs = []
    for i in range(3):
        c = Conn(srv.port)
        assert c.handshake(srv.pub, kp)['status'] == 'ok'
        assert c.call('system.ping', {}, 1)[3]['pong'] is True
        devs.append(c)
    # Another address has its own 8; the total of 16 is reached then.
    more = [silent(srv.port, '127.0.0.3') for _ in range(10)]
    time.sleep(0.3)
    held3 = [s for s in more if not refused(s, 0.05)]
    assert len(held3) == 8, 'held from a second address: %d' % len(held3)
    extra = silent(srv.port, '127.0.0.4')
    assert refused(extra), 'past the total budget'
    # The deadline cuts every connection that did not finish its handshake.
    t0 = time.time()
    for s in held + held3:
        assert refused(s, 5), 'not cut at the handshake deadline'
    took = time.time() - t0
    assert took < 4, 'cut after %.1f s' % took
    # Budget back: a new connection from the first address is served.
    c = Conn(srv.port, '127.0.0.2')
    r = c.handshake(srv.pub, kp)
    assert r == {'hello_status': 2}, r   # the 3 places are taken ...
    devs.pop().sock.close()
    end = time.time() + 10
    while True:                          # ... until one is free
        c = Conn(srv.port, '127.0.0.2')
        r = c.handshake(srv.pub, kp)
        if r.get('status') == 'ok':
            break
        assert time.time() < end, r
        time.sleep(0.05)
    assert c.call('system.ping', {}, 2)[3]['pong'] is True
    # Once per burst: one line when the cutting starts, one with the total.
    end = time.time() + 10
    while 'handshake not finished in 2 s' not in srv.log_text():
        assert time.time() < end, srv.log_text()
        time.sleep(0.1)
    log = srv.log_text()
    assert log.count(': cutting them') == 1, log
    assert log.count('cutting connections that do not finish their handshake in 2 s') == 1, log
    assert '55 connections were refused: over the budget' in log, log
    assert '16 connections were cut: handshake not finished in 2 s' in log, log
    loud = [l for l in log.splitlines() if ' debug ' not in l and 'handshake' in l]
    assert len(loud) == 4, loud
    print('pre-handshake budget: 8 per address, 16 in total, deadline 2 s; '
          '71 connections cut in 4 lines of log; devices kept their places')
finally:
    srv.stop()
