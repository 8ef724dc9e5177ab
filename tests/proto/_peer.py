"""A second, independent implementation of Pawprint's wire protocol for
tests: Debian's python3-dissononce does the Noise part, so talking to pawd
through it proves interoperability.  Also raw-socket helpers for feeding
pawd malformed input."""
import atexit, os, shutil, socket, struct, subprocess, tempfile, time
import msgpack
from dissononce.extras.meta.protocol.factory import NoiseProtocolFactory
from dissononce.dh.x25519.public import PublicKey
from dissononce.dh.x25519.private import PrivateKey

PAWD = os.environ.get('PAWD', 'build/san/bin/pawd')
PROLOGUE = b'pawprint/1'


def free_port():
    s = socket.socket(); s.bind(('127.0.0.1', 0)); p = s.getsockname()[1]; s.close()
    return p


class Server:
    """A real pawd on a free loopback port with a fresh data directory."""
    def __init__(self, extra=(), wrap=()):
        self.tmp = tempfile.mkdtemp(prefix='pawproto.')
        atexit.register(self.cleanup)
        self.dir = os.path.join(self.tmp, 'data')
        self.port = free_port()
        env = dict(os.environ, PAW_ADMIN_PASSWORD='admin-pass-1')
        out = subprocess.run([PAWD, 'init', self.dir], env=env, check=True,
                             capture_output=True).stdout
        self.pub = bytes.fromhex(out.decode().strip())
        self.log = open(os.path.join(self.tmp, 'pawd.log'), 'w')
        self.extra, self.wrap = list(extra), list(wrap)
        self.serve()

    def serve(self):
        """Start pawd serve on the data directory and wait for its port."""
        self.proc = subprocess.Popen(self.wrap + [PAWD, 'serve', self.dir, '--listen',
                                      '127.0.0.1:%d' % self.port, '--log-level', 'debug'] + self.extra,
                                     stdout=self.log, stderr=self.log)
        end = time.time() + 20
        while True:
            try:
                socket.create_connection(('127.0.0.1', self.port), 0.2).close(); break
            except OSError:
                if time.time() > end: raise
                time.sleep(0.05)

    def add_device(self, branch='HQ'):
        proto = NoiseProtocolFactory().get_noise_protocol('Noise_IK_25519_ChaChaPoly_BLAKE2b')
        kp = proto.dh.generate_keypair()
        subprocess.run([PAWD, 'device', 'add', self.dir, '--branch', branch,
                        '--pubkey', kp.public.data.hex()], check=True, capture_output=True)
        return kp

    def log_text(self):
        self.log.flush()
        return open(os.path.join(self.tmp, 'pawd.log')).read()

    def reap(self):
        """Kill pawd if it still runs; its log, checked for sanitizer reports."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(20)
        self.log.close()
        text = open(os.path.join(self.tmp, 'pawd.log')).read()
        if 'Sanitizer' in text or 'runtime error:' in text:
            raise AssertionError('sanitizer report in pawd.log:\n' + text)
        return text

    def cleanup(self):
        """At exit: no pawd left running, no data directory left behind
        (PAW_KEEP=1 keeps it for a look after a failure)."""
        proc = getattr(self, 'proc', None)
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait(20)
        if not os.environ.get('PAW_KEEP'):
            shutil.rmtree(self.tmp, ignore_errors=True)

    def restart(self):
        """SIGTERM pawd, wait for it, and serve the same directory again."""
        self.proc.terminate()
        self.proc.wait(20)
        self.serve()

    def stop(self):
        self.proc.terminate()
        rc = self.proc.wait(20)
        self.reap()
        return rc


def frame(b):
    return struct.pack('>H', len(b)) + b


class Conn:
    def __init__(self, port, source=None):
        """Connect to pawd; source ('127.0.0.2') picks the address
        connected from (any of 127/8 is this machine)."""
        self.sock = socket.create_connection(('127.0.0.1', port), 5,
                                             (source, 0) if source else None)
        self.sock.settimeout(10)
        self.buf = b''
        self.plain = b''

    @classmethod
    def stdio(cls, server):
        """A session with `pawd serve DIR --stdio` (what ssh runs on HQ),
        over a socket pair as its standard input and output."""
        a, b = socket.socketpair()
        proc = subprocess.Popen([PAWD, 'serve', server.dir, '--stdio',
                                 '--log', os.path.join(server.tmp, 'stdio.log'),
                                 '--log-level', 'debug'],
                                stdin=b, stdout=b, stderr=server.log)
        b.close()
        c = cls.__new__(cls)
        c.sock, c.buf, c.plain, c.proc = a, b'', b'', proc
        a.settimeout(10)
        return c

    def send_frame(self, b):
        self.sock.sendall(frame(b))

    def recv_exact(self, n):
        while len(self.buf) < n:
            d = self.sock.recv(65536)
            if not d:
                raise EOFError('closed')
            self.buf += d
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv_frame(self):
        n = struct.unpack('>H', self.recv_exact(2))[0]
        return self.recv_exact(n)

    def closed(self, timeout=5):
        """True if the server closes the connection (EOF or reset)."""
        self.sock.settimeout(timeout)
        try:
            while True:
                d = self.sock.recv(65536)
                if not d:
                    return True
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False

    def handshake(self, server_pub, kp, psk=None, code_id=None):
        name = 'Noise_IKpsk2_25519_ChaChaPoly_BLAKE2b' if psk else 'Noise_IK_25519_ChaChaPoly_BLAKE2b'
        proto = NoiseProtocolFactory().get_noise_protocol(name)
        hs = proto.create_handshakestate()
        hs.initialize(proto.pattern, True, PROLOGUE, s=kp, rs=PublicKey(server_pub),
                      psks=[psk] if psk else None)
        self.send_frame(b'PAW\x01E' + code_id if psk else b'PAW\x01I')
        ans = self.recv_frame()
        assert ans[:4] == b'PAW\x01' and len(ans) == 37, ans
        if ans[4] != 0:
            return {'hello_status': ans[4]}
        assert ans[5:] == server_pub
        m1 = bytearray()
        hs.write_message(msgpack.packb({'v': 1, 'client': 'peer.py', 'host': 'test'}), m1)
        self.send_frame(bytes(m1))
        pl = bytearray()
        cs = hs.read_message(self.recv_frame(), pl)
        reply = msgpack.unpackb(bytes(pl))
        if cs is not None:
            self.tx, self.rx = cs
        return reply

    def send_record(self, obj):
        rec = msgpack.packb(obj)
        self.send_raw_plain(struct.pack('>I', len(rec)) + rec)

    def send_raw_plain(self, data):
        self.send_frame(self.tx.encrypt_with_ad(b'', data))

    def recv_record(self):
        while True:
            if len(self.plain) >= 4:
                n = struct.unpack('>I', self.plain[:4])[0]
                if len(self.plain) >= 4 + n:
                    rec, self.plain = self.plain[4:4 + n], self.plain[4 + n:]
                    return msgpack.unpackb(rec, strict_map_key=False)
            self.plain += self.rx.decrypt_with_ad(b'', self.recv_frame())

    def drain(self):
        """Read to the end: the responses by msgid, and whether a
        session.closing notice came."""
        got, closing = {}, False
        try:
            while True:
                r = self.recv_record()
                if r[0] == 1:
                    got[r[1]] = r
                elif r[0] == 2 and r[1] == 'session.closing':
                    closing = True
        except EOFError:
            pass
        return got, closing

    def call(self, method, params=None, msgid=1):
        self.send_record([0, msgid, method, [params or {}]])
        while True:
            r = self.recv_record()
            if r[0] == 1 and r[1] == msgid:
                return r
