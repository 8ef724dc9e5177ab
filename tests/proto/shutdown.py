"""SIGTERM under pipelined writers that never stop sending, on one event
loop and on several: pawd stops reading at once, answers every request it
had read (so every committed write is answered and every answered write is
committed), tells every client session.closing, sends no truncated record
and resets no connection, and exits within its bound however the clients
go on.  A client that reads none of its answers cannot hold the shutdown
past --shutdown-timeout: it is cut, and the log says so."""
import os, signal, socket, sqlite3, struct, sys, threading, time
sys.path.insert(0, os.path.dirname(__file__))
from _peer import Server, Conn
import msgpack

LOGIN = {'staff': 'admin', 'password': 'admin-pass-1'}


class Writer:
    """One session: a thread pipelining member.create (up to 40 in flight)
    until the connection ends, and a thread reading everything."""
    def __init__(self, srv, kp, tag):
        self.c = Conn(srv.port)
        assert self.c.handshake(srv.pub, kp)['status'] == 'ok'
        assert self.c.call('session.login', LOGIN, 1)[2] is None
        self.tag, self.sent, self.ok = tag, {}, {}
        self.errors, self.closing, self.eof = [], None, False
        self.inflight = threading.Semaphore(40)
        self.done = threading.Event()
        self.threads = [threading.Thread(target=self.write, daemon=True),
                        threading.Thread(target=self.read, daemon=True)]

    def start(self):
        for t in self.threads:
            t.start()

    def write(self):
        i = 0
        try:
            while not self.done.is_set():
                if not self.inflight.acquire(timeout=0.2):
                    continue
                i += 1
                phone = '139%02d%06d' % (self.tag, i)
                self.sent[100 + i] = phone
                self.c.send_record([0, 100 + i, 'member.create',
                                    [{'name': '停机%d' % self.tag, 'phone': phone,
                                      'request_id': '%08x%024x' % (self.tag, i)}]])
        except (OSError, socket.timeout):
            pass     # the server closed: what was not read had no effect

    def read(self):
        c = self.c
        c.sock.settimeout(30)
        try:
            while True:
                r = c.recv_record()
                if r[0] == 1:
                    if r[2] is None:
                        self.ok[r[1]] = r[3]['id']
                    else:
                        self.errors.append(r)
                    self.inflight.release()
                elif r[0] == 2 and r[1] == 'session.closing':
                    self.closing = r[2][0]['reason']
        except EOFError:
            # The end came on a record boundary: nothing half sent.
            self.eof = c.buf == b'' and c.plain == b''
        except ConnectionResetError as e:
            self.errors.append('reset: %s' % e)
        except Exception as e:
            self.errors.append('%s: %s' % (type(e).__name__, e))
        self.done.set()


def run(threads, sessions):
    srv = Server(['--threads', str(threads)])
    try:
        kp = srv.add_device()
        ws = [Writer(srv, kp, k) for k in range(sessions)]
        for w in ws:
            w.start()
        # Let them write for a while, then stop pawd under the load.
        end = time.time() + 1.5
        while time.time() < end and sum(len(w.ok) for w in ws) < 200 * sessions:
            time.sleep(0.05)
        before = sum(len(w.ok) for w in ws)
        t0 = time.time()
        srv.proc.send_signal(signal.SIGTERM)
        rc = srv.proc.wait(30)
        took = time.time() - t0
        for w in ws:
            w.done.wait(10)
        assert rc == 0, rc
        assert took < 10, 'exit took %.1f s' % took
        for w in ws:
            assert not w.errors, w.errors[:3]
            assert w.closing == 'server shutting down', w.closing
            assert w.eof, 'the last record was cut short'
        db = sqlite3.connect(os.path.join(srv.dir, 'paw.db'))
        stored = {r[0]: r[1] for r in db.execute(
            "SELECT phone, id FROM member WHERE name LIKE '停机%'")}
        answered = {}
        for w in ws:
            for msgid, mid in w.ok.items():
                answered[w.sent[msgid]] = mid
        assert answered == stored, (
            'committed but unanswered: %d, answered but not committed: %d' %
            (len(set(stored) - set(answered)), len(set(answered) - set(stored))))
        assert db.execute('PRAGMA integrity_check').fetchone()[0] == 'ok'
        after = len(answered) - before
        print('%d loop(s), %d pipelined writers: %d writes, every one answered, '
              '%d of them after the signal; closing told, exit in %.2f s'
              % (threads, sessions, len(answered), after, took))
    finally:
        log = srv.reap()
    assert 'closed unfinished' not in log, log


run(1, 3)
run(2, 6)

# A client that sends and never reads: its answers fill the socket, pawd
# stops handling its requests (back pressure) and the shutdown ends at its
# bound with the session cut, said in the log.
srv = Server(['--shutdown-timeout', '2'])
try:
    kp = srv.add_device()
    c = Conn(srv.port)
    assert c.handshake(srv.pub, kp)['status'] == 'ok'
    assert c.call('session.login', LOGIN, 1)[2] is None
    other = Conn(srv.port)
    assert other.handshake(srv.pub, kp)['status'] == 'ok'
    recs = b''.join(struct.pack('>I', len(r)) + r for r in
                    (msgpack.packb([0, 10 + i, 'system.methods', []]) for i in range(800)))
    c.sock.settimeout(5)
    for k in range(0, len(recs), 60000):
        c.send_raw_plain(recs[k:k + 60000])
    time.sleep(0.5)
    assert other.call('system.ping', {}, 2)[3]['pong'] is True, 'others still served'
    t0 = time.time()
    srv.proc.send_signal(signal.SIGTERM)
    rc = srv.proc.wait(30)
    took = time.time() - t0
    assert rc == 0, rc
    assert took < 4, 'exit took %.1f s with --shutdown-timeout 2' % took
    log = srv.log_text()
    assert 'closed unfinished after 2 s' in log, log
    print('a client that reads nothing is cut at the bound: exit in %.2f s' % took)
finally:
    srv.reap()
