"""Malformed input closes that one connection and nothing else: random
bytes, bad hellos, oversized and lying lengths, tampered ciphertext, a
msgpack bomb (a 5-byte header announcing 16M elements), wrong envelopes,
garbage during a handshake.  A session opened first keeps being served
throughout, and pawd's memory stays small."""
import os, random, socket, struct, sys
sys.path.insert(0, os.path.dirname(__file__))
from _peer import Server, Conn, frame

def rss_kb(pid):
    for line in open('/proc/%d/status' % pid):
        if line.startswith('VmRSS:'):
            return int(line.split()[1])

srv = Server()
try:
    kp = srv.add_device()
    good = Conn(srv.port)
    assert good.handshake(srv.pub, kp)['status'] == 'ok'
    msgid = [1000]

    def still_served():
        msgid[0] += 1
        r = good.call('system.ping', {}, msgid[0])
        assert r[2] is None and r[3]['pong'] is True

    def raw(data, expect_closed=True):
        s = socket.create_connection(('127.0.0.1', srv.port), 5)
        s.sendall(data)
        s.settimeout(5)
        closed = False
        try:
            while True:
                d = s.recv(65536)
                if not d:
                    closed = True; break
        except (ConnectionResetError, BrokenPipeError):
            closed = True
        except socket.timeout:
            pass
        s.close()
        assert closed == expect_closed, data[:40]
        still_served()

    rnd = random.Random(7)
    for i in range(30):
        raw(frame(bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(1, 200)))))
    raw(b'\x00\x05PAW\x02I')            # wrong version: answered, then closed
    raw(b'\x00\x05PAW\x01X')            # unknown mode
    raw(b'\x00\x05XYZ\x01I')            # not a hello
    raw(b'\x00\x15PAW\x01E' + bytes(16))  # unknown enrollment code
    raw(b'\x00\x05PAW\x01I' + frame(os.urandom(96)))  # garbage message 1

    base = rss_kb(srv.proc.pid)
    def session():
        c = Conn(srv.port)
        assert c.handshake(srv.pub, kp)['status'] == 'ok'
        return c
    # Tampered transport frame.
    c = session(); c.send_frame(os.urandom(40)); assert c.closed(); still_served()
    # A record length over 16 MiB, and over the pre-login limit.
    c = session(); c.send_raw_plain(struct.pack('>I', 17 << 20)); assert c.closed(); still_served()
    c = session(); c.send_raw_plain(struct.pack('>I', 1 << 20)); assert c.closed(); still_served()
    # A zero-length record.
    c = session(); c.send_raw_plain(struct.pack('>I', 0)); assert c.closed(); still_served()
    # msgpack bombs: array32 / map32 / str32 headers announcing millions.
    for bomb in (b'\xdd\x00\xff\xff\xff', b'\xdf\x00\xff\xff\xff', b'\xdb\x00\xff\xff\xff',
                 b'\x94\x00\x01\xa4ping\xdd\x7f\xff\xff\xff'):
        c = session(); c.send_raw_plain(struct.pack('>I', len(bomb)) + bomb); assert c.closed()
        still_served()
    # Deep nesting and bad envelopes.
    for obj in ([[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],
                {'a': 1}, [0], [0, 'x', 'system.ping', []], [3, 1, 'a', []],
                [0, 1, 5, []], [0, 1, 'system.ping', 'nope'], [1, 1, None, None]):
        c = session(); c.send_record(obj); assert c.closed(), obj; still_served()
    # Random bytes as a record.
    for i in range(20):
        c = session(); b = bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(1, 60)))
        c.send_raw_plain(struct.pack('>I', len(b)) + b)
        # either refused (closed) or a harmless message ignored; the server lives
        c.sock.close(); still_served()
    # Domain errors are normal replies: the session goes on.
    r = good.call('member.get', {'id': 'x'}, 5000)
    assert r[2]['code'] in ('bad_request', 'unauthenticated'), r
    r = good.call('system.ping', {'bogus': 1}, 5001)
    assert r[2]['code'] == 'bad_request', r
    still_served()
    grown = rss_kb(srv.proc.pid) - base
    assert grown < 64 * 1024, 'pawd grew by %d kB' % grown
    print('garbage: ok, rss growth %d kB' % grown)
finally:
    assert srv.stop() == 0
