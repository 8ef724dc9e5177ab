"""The worked example of common/PROTOCOL.md, checked three ways:

1. the setup reproduces the cacophony IK vector (tests/vectors/), so the
   keys and the injected ephemerals are used as Noise means them;
2. the same keys with Pawprint's prologue and payloads give, byte for byte,
   every hex dump of the example (both sides in Python, both ephemerals
   fixed), and each dump is in PROTOCOL.md;
3. a real pawd holding the vector's responder key, with its clock pinned,
   answers the example's hello with the example's bytes, accepts its
   message 1 as is, and sends the example's message 2 payload and ping
   response plaintexts (its own ephemeral differs, so its ciphertexts do).
"""
import hashlib, json, os, re, shutil, socket, struct, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(__file__))
from _peer import PAWD, Conn, frame, free_port
import _kdf
import msgpack
from dissononce.extras.meta.protocol.factory import NoiseProtocolFactory
from dissononce.dh.x25519.private import PrivateKey

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
IK = 'Noise_IK_25519_ChaChaPoly_BLAKE2b'
NOW = 1700000000
factory = NoiseProtocolFactory()

vec = [v for v in json.load(open(os.path.join(TOP, 'tests/vectors/noise-25519-chachapoly-blake2b.json')))['vectors']
       if v['protocol_name'] == IK][0]


def keypair(hexpriv):
    return factory.get_noise_protocol(IK).dh.generate_keypair(PrivateKey(bytes.fromhex(hexpriv)))


class FixedDH:
    """The handshake's DH, whose next GENERATE_KEYPAIR returns a given key."""
    def __init__(self, inner, kp):
        self._inner, self._kp = inner, kp

    def generate_keypair(self, privatekey=None):
        return self._kp if privatekey is None else self._inner.generate_keypair(privatekey)

    def __getattr__(self, name):
        return getattr(self._inner, name)


CS, CE = keypair(vec['init_static']), keypair(vec['init_ephemeral'])
SS, SE = keypair(vec['resp_static']), keypair(vec['resp_ephemeral'])


def handshake(initiator, prologue):
    p = factory.get_noise_protocol(IK)
    hs = p.create_handshakestate()
    if initiator:
        hs.initialize(p.pattern, True, prologue, s=CS, rs=SS.public)
    else:
        hs.initialize(p.pattern, False, prologue, s=SS)
    hs._dh = FixedDH(hs._dh, CE if initiator else SE)
    return hs


# 1. The cacophony vector itself: both handshake messages, the handshake
# hash and the first transport message each way.
i, r = handshake(True, bytes.fromhex(vec['init_prologue'])), handshake(False, bytes.fromhex(vec['resp_prologue']))
msgs = vec['messages']
buf = bytearray(); i.write_message(bytes.fromhex(msgs[0]['payload']), buf)
assert buf.hex() == msgs[0]['ciphertext'], 'vector message 0'
pl = bytearray(); r.read_message(bytes(buf), pl)
buf = bytearray(); r_cs = r.write_message(bytes.fromhex(msgs[1]['payload']), buf)
assert buf.hex() == msgs[1]['ciphertext'], 'vector message 1'
pl = bytearray(); i_cs = i.read_message(bytes(buf), pl)
assert i.symmetricstate.get_handshake_hash().hex() == vec['handshake_hash'], 'handshake hash'
assert i_cs[0].encrypt_with_ad(b'', bytes.fromhex(msgs[2]['payload'])).hex() == msgs[2]['ciphertext']
assert r_cs[1].encrypt_with_ad(b'', bytes.fromhex(msgs[3]['payload'])).hex() == msgs[3]['ciphertext']
# The checkpoints of section 4: h by hand, k1 and k2 from Split().
h = IK.encode().ljust(64, b'\0')
checkpoints = []
for data in (bytes.fromhex(vec['init_prologue']), SS.public.data, CE.public.data):
    h = hashlib.blake2b(h + data).digest()
    checkpoints.append(h[:8].hex())
checkpoints.append(vec['handshake_hash'][:16])


def cs_key(cs):
    k = cs._key
    return bytes(getattr(k, 'data', k))


checkpoints += [cs_key(i_cs[0])[:8].hex(), cs_key(i_cs[1])[:8].hex()]
assert checkpoints[-2:] == ['e5a7ef420e264217', '065bc21e75d5ac1c'], checkpoints

# 2. The example, both sides in Python.
M1_PAYLOAD = msgpack.packb({'v': 1, 'client': 'paw/0.1.0', 'host': 'till-1'})


def m2_payload(server):
    return msgpack.packb({'v': 1, 'status': 'ok', 'server': server, 'time': NOW})


def record(obj):
    b = msgpack.packb(obj)
    return struct.pack('>I', len(b)) + b


REQ = record([0, 1, 'system.ping', [{}]])
RESP = record([1, 1, None, {'pong': True, 'time': NOW}])
HELLO = frame(b'PAW\x01I')
ANSWER = frame(b'PAW\x01\x00' + SS.public.data)

ci, sr = handshake(True, b'pawprint/1'), handshake(False, b'pawprint/1')
m1 = bytearray(); ci.write_message(M1_PAYLOAD, m1)
pl = bytearray(); sr.read_message(bytes(m1), pl); assert bytes(pl) == M1_PAYLOAD
m2 = bytearray(); s_cs = sr.write_message(m2_payload('pawd/0.1.0'), m2)
pl = bytearray(); c_cs = ci.read_message(bytes(m2), pl); assert bytes(pl) == m2_payload('pawd/0.1.0')
req_frame = frame(c_cs[0].encrypt_with_ad(b'', REQ))
resp_frame = frame(s_cs[1].encrypt_with_ad(b'', RESP))
keepalive = frame(c_cs[0].encrypt_with_ad(b'', b''))	# the client's second message
assert s_cs[0].decrypt_with_ad(b'', req_frame[2:]) == REQ

dumps = {
    'session hello': HELLO,
    'hello answer': ANSWER,
    'message 1 payload': M1_PAYLOAD,
    'message 1 frame': frame(bytes(m1)),
    'message 2 payload': m2_payload('pawd/0.1.0'),
    'message 2 frame': frame(bytes(m2)),
    'ping record': REQ,
    'ping frame': req_frame,
    'pong record': RESP,
    'pong frame': resp_frame,
    'keepalive frame': keepalive,
}

# The enrollment code of the example, encoded as pawd does (enroll.c) and
# read back by the independent parser of _kdf.py.
B32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'


def make_code(key, secret):
    raw = key + secret + hashlib.blake2b(key + secret, digest_size=32).digest()[:2]
    bits = ''.join(format(b, '08b') for b in raw)
    bits += '0' * (-len(bits) % 5)
    sym = ''.join(B32[int(bits[i:i + 5], 2)] for i in range(0, len(bits), 5))
    return 'PAW1' + ''.join('-' + sym[i:i + 6] for i in range(0, len(sym), 6))


S = bytes(range(32))
CODE = make_code(SS.public.data, S)
assert len(CODE) == 128 and _kdf.parse_code(CODE) == (SS.public.data, S)
assert _kdf.parse_code(CODE.lower().replace('0', 'o').replace('-', ' ')) == (SS.public.data, S)
CODE_ID, PSK = _kdf.derive(S)
CHECK = hashlib.blake2b(SS.public.data + S, digest_size=32).digest()[:2]

# Every run of hex-byte lines in a fenced block of the document is one dump.
doc = open(os.path.join(TOP, 'common/PROTOCOL.md')).read()
blobs, cur = set(), []
for line in doc.splitlines() + ['']:
    if re.fullmatch(r'(?:[0-9a-f]{2} ?)+', line.strip()):
        cur.append(line.strip().replace(' ', ''))
    elif cur:
        blobs.add(''.join(cur)); cur = []
for what, b in dumps.items():
    assert b.hex() in blobs, '%s not dumped in PROTOCOL.md: %s' % (what, b.hex())
inline = {
    'client public key': CS.public.data.hex(),
    'server public key': SS.public.data.hex(),
    'fingerprint': ' '.join(SS.public.data[:16].hex()[i:i + 4] for i in range(0, 32, 4)),
    'prologue': ' '.join('%02x' % c for c in b'pawprint/1'),
    'enrollment code': CODE,
    'code_id': CODE_ID.hex(),
    'psk': PSK.hex(),
    'check': '%02x %02x' % (CHECK[0], CHECK[1]),
}
flat = ' '.join(doc.split())
for what, text in inline.items():
    assert text in flat, '%s not in PROTOCOL.md: %s' % (what, text)
for c in checkpoints:
    assert '`%s`' % c in doc, 'checkpoint %s not in PROTOCOL.md' % c

# 3. A real pawd with the vector's responder key and a pinned clock.
tmp = tempfile.mkdtemp(prefix='pawspec.')
data = os.path.join(tmp, 'data')
env = dict(os.environ, PAW_ADMIN_PASSWORD='admin-pass-1')
subprocess.run([PAWD, 'init', data], env=env, check=True, capture_output=True)
with open(os.path.join(data, 'server.key'), 'wb') as f:
    f.write(bytes.fromhex(vec['resp_static']))
# The data directory's test clock (pawd serve --test-clock), pinned at NOW:
# "PAWCLOCK" and the time as a native int64.
with open(os.path.join(data, 'test-clock'), 'wb') as f:
    f.write(b'PAWCLOCK' + struct.pack('=q', NOW))
os.chmod(os.path.join(data, 'test-clock'), 0o600)
subprocess.run([PAWD, 'device', 'add', data, '--branch', 'HQ', '--pubkey', CS.public.data.hex()],
               env=env, check=True, capture_output=True)
port = free_port()
log = open(os.path.join(tmp, 'pawd.log'), 'w')
proc = subprocess.Popen([PAWD, 'serve', data, '--listen', '127.0.0.1:%d' % port,
                         '--test-clock'], env=env,
                        stdout=log, stderr=log)
try:
    end = time.time() + 20
    while True:
        try:
            socket.create_connection(('127.0.0.1', port), 0.2).close(); break
        except OSError:
            assert time.time() < end, 'pawd did not start'
            time.sleep(0.05)
    pub = subprocess.run([PAWD, 'pubkey', data], capture_output=True, text=True).stdout.strip()
    assert pub == SS.public.data.hex(), pub
    # A code made by pawd itself is encoded as make_code() encodes.
    made = subprocess.run([PAWD, 'enroll', data, '--branch', 'HQ'], env=env, check=True,
                          capture_output=True, text=True).stdout.split()[0]
    assert make_code(*_kdf.parse_code(made)) == made, made
    c = Conn(port)
    c.sock.sendall(HELLO)
    assert frame(c.recv_frame()) == ANSWER, 'hello answer'
    ci = handshake(True, b'pawprint/1')
    m1b = bytearray(); ci.write_message(M1_PAYLOAD, m1b)
    assert frame(bytes(m1b)) == dumps['message 1 frame']
    c.sock.sendall(frame(bytes(m1b)))
    pl = bytearray(); tx, rx = ci.read_message(c.recv_frame(), pl)
    got = msgpack.unpackb(bytes(pl))
    assert got['status'] == 'ok' and got['server'].startswith('pawd/'), got
    assert bytes(pl) == m2_payload(got['server']), bytes(pl).hex()
    c.sock.sendall(frame(tx.encrypt_with_ad(b'', b'')))	# a keepalive: no answer
    c.sock.sendall(frame(tx.encrypt_with_ad(b'', REQ)))
    assert rx.decrypt_with_ad(b'', c.recv_frame()) == RESP, 'pong record'
    c.sock.close()
    print('spec_example: ok')
finally:
    proc.terminate()
    assert proc.wait(20) == 0
    log.close()
    text = open(os.path.join(tmp, 'pawd.log')).read()
    assert 'Sanitizer' not in text and 'runtime error:' not in text, text
    shutil.rmtree(tmp)
