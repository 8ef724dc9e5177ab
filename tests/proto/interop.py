"""pawd talks to an independent Noise implementation (python3-dissononce):
IK sessions for a registered device, refusal of unknown and revoked ones,
IKpsk2 enrollment with a code made by `pawd enroll`, and msgpack-rpc from a
stock msgpack library, with several requests in flight."""
import hashlib, os, subprocess, sys
sys.path.insert(0, os.path.dirname(__file__))
from _peer import Server, Conn, PAWD, NoiseProtocolFactory
import _kdf as nacl_free_kdf

srv = Server()
try:
    kp = srv.add_device()
    c = Conn(srv.port)
    reply = c.handshake(srv.pub, kp)
    assert reply['status'] == 'ok' and reply['v'] == 1, reply
    r = c.call('system.ping')
    assert r[2] is None and r[3]['pong'] is True, r
    # Several requests in flight, answered by id.
    for i in range(10, 20):
        c.send_record([0, i, 'system.version', []])
    ids = sorted(c.recv_record()[1] for _ in range(10))
    assert ids == list(range(10, 20)), ids
    r = c.call('member.search', {'q': 'x'}, 99)
    assert r[2]['code'] == 'unauthenticated', r
    r = c.call('no.such', {}, 100)
    assert r[2]['code'] == 'no_method', r
    r = c.call('session.login', {'staff': 'admin', 'password': 'admin-pass-1'}, 101)
    assert r[2] is None and r[3]['role'] == 'hq_admin', r
    r = c.call('session.whoami', {}, 102)
    assert r[3]['staff'] == 'admin', r

    # Unknown device: message 2 says so, then the server closes.
    stranger = NoiseProtocolFactory().get_noise_protocol('Noise_IK_25519_ChaChaPoly_BLAKE2b').dh.generate_keypair()
    u = Conn(srv.port)
    assert u.handshake(srv.pub, stranger)['status'] == 'unknown_device'
    assert u.closed()

    # Enrollment with a one-time code over IKpsk2.
    code = subprocess.run([PAWD, 'enroll', srv.dir, '--branch', 'HQ'], check=True,
                          capture_output=True, text=True).stdout.strip()
    key, s = nacl_free_kdf.parse_code(code)
    assert key == srv.pub
    code_id, psk = nacl_free_kdf.derive(s)
    dev = NoiseProtocolFactory().get_noise_protocol('Noise_IK_25519_ChaChaPoly_BLAKE2b').dh.generate_keypair()
    e = Conn(srv.port)
    assert e.handshake(srv.pub, dev, psk=psk, code_id=code_id)['status'] == 'ok'
    r = e.call('device.register', {'name': 'till-1'})
    assert r[2] is None and r[3]['branch'] == 'HQ', r
    # The code is single use.
    e2 = Conn(srv.port)
    assert e2.handshake(srv.pub, dev, psk=psk, code_id=code_id) == {'hello_status': 4}
    # The enrolled key now opens a session.
    s2 = Conn(srv.port)
    assert s2.handshake(srv.pub, dev)['status'] == 'ok'
    assert s2.call('system.ping')[3]['pong'] is True
    # A wrong PSK never registers anything.
    code = subprocess.run([PAWD, 'enroll', srv.dir, '--branch', 'HQ'], check=True,
                          capture_output=True, text=True).stdout.strip()
    _, s = nacl_free_kdf.parse_code(code)
    code_id, psk = nacl_free_kdf.derive(s)
    dev3 = NoiseProtocolFactory().get_noise_protocol('Noise_IK_25519_ChaChaPoly_BLAKE2b').dh.generate_keypair()
    e3 = Conn(srv.port)
    try:
        e3.handshake(srv.pub, dev3, psk=bytes(32), code_id=code_id)
        bad = False
    except Exception:
        bad = True
    assert bad, 'a wrong PSK must fail the handshake'
    print('interop: ok')
finally:
    assert srv.stop() == 0
