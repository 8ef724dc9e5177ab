#!/usr/bin/python3
"""Write the seed corpora of the fuzz targets, fuzz/corpus/TARGET/, and the
dictionary they share, fuzz/rpc.dict: a handful of small inputs each, valid
and not, in the shapes fuzz/fuzz-*.c read (common/PROTOCOL.md has the wire
protocol).  Run it again after a change to the protocol or the methods:

    /usr/bin/python3 fuzz/corpus.py

Debian's python3-msgpack packs; python3-dissononce makes the one Noise
message 1 a raw seed carries, with fixed keys, so the output is the same
each time."""
import os, re, shutil, struct, sys
import msgpack
from dissononce.extras.meta.protocol.factory import NoiseProtocolFactory
from dissononce.dh.x25519.private import PrivateKey
from dissononce.dh.x25519.public import PublicKey

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
PROLOGUE = b'pawprint/1'
# As in fuzz-chan.c: the server's private key, the enrollment code.
SERVER_PRIV = b'\x11' * 32
CODE_ID = b'fuzz-code-id-016'
# fuzz-dispatch.c's admin.
ADMIN_PASSWORD = 'fuzz-admin-password'


def luhn(digits):
    """digits and their Luhn check digit (member cards)."""
    s = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 == 0 else 1)
        s += n - 9 if n > 9 else n
    return digits + str((10 - s % 10) % 10)


CARD = luhn('8000000001')
RID = '0123456789abcdef0123456789abcdef'

# One valid call of every method, as the fuzzers' admin makes it (ids 1
# are the first rows of a fresh data directory).
CALLS = [
    ('system.ping', None),
    ('system.version', None),
    ('system.methods', None),
    ('session.whoami', None),
    ('session.login', {'staff': 'admin', 'password': ADMIN_PASSWORD}),
    ('session.login', {'staff': 'nobody', 'password': 'wrong-password'}),
    ('session.resume', {'token': '00' * 32}),
    ('session.logout', {}),
    ('branch.create', {'code': 'SH01', 'name': '上海一店', 'address': '南京路 1 号',
                       'phone': '021-5555'}),
    ('branch.list', {'include_inactive': True}),
    ('branch.update', {'code': 'SH01', 'phone': '021-6666', 'active': False}),
    ('staff.create', {'id': 'mgr.sh', 'name': '沈经理', 'role': 'manager',
                      'branch': 'HQ', 'password': 'mgr-pass-1'}),
    ('staff.list', {'branch': 'HQ', 'include_disabled': True}),
    ('staff.update', {'id': 'mgr.sh', 'name': '沈店长', 'role': 'clerk'}),
    ('staff.set_password', {'id': 'mgr.sh', 'password': 'mgr-pass-2'}),
    ('staff.set_password', {'id': 'admin', 'password': ADMIN_PASSWORD,
                            'old_password': ADMIN_PASSWORD}),
    ('staff.disable', {'id': 'mgr.sh'}),
    ('device.list', {'branch': 'HQ'}),
    ('device.revoke', {'id': 2}),
    ('device.register', {'name': 'till 2'}),
    ('audit.list', {'entity': 'member', 'limit': 5, 'offset': 0}),
    ('member.create', {'name': '陈晨', 'phone': '13900139000'}),
    ('member.create', {'name': 'Chen Chen', 'phone': '+86 139-0013-9001',
                       'card_no': CARD, 'birthday': '1990-05-01',
                       'address': '上海市', 'gender': 'female', 'branch': 'HQ',
                       'consent': True, 'tags': ['vip', '猫'],
                       'note': 'line 1\nline 2', 'request_id': RID}),
    ('member.get', {'id': 1}),
    ('member.get', {'card_no': CARD}),
    ('member.update', {'id': 1, 'address': '北京市', 'tags': []}),
    ('member.search', {'q': '陈', 'limit': 10, 'offset': 0}),
    ('member.search', {'q': '9000', 'include_archived': True}),
    ('member.archive', {'id': 1, 'reason': 'moved away'}),
    ('pet.create', {'member_id': 1, 'name': '咪咪', 'species': 'cat',
                    'sex': 'female', 'neutered': True, 'birth_date': '2020-01-02',
                    'weight_g': 4200, 'microchip': '123456789012345'}),
    ('pet.get', {'id': 1}),
    ('pet.update', {'id': 1, 'weight_g': 4300, 'health': 'ok'}),
    ('pet.list', {'member_id': 1}),
    ('feedback.add', {'member_id': 1, 'kind': 'bad', 'text': '等太久'}),
    ('feedback.list', {'member_id': 1, 'limit': 5}),
    ('system.clock.advance', {'seconds': 86400}),
    ('system.clock.set', {'now': 4102444800}),
    ('job.run', {'job': 'purge_expired'}),
    ('job.run', {'job': 'audit_head'}),
    ('job.list', None),
]


def request(method, params, msgid=1):
    return msgpack.packb([0, msgid, method, [] if params is None else [params]])


def name_of(method, params, seen):
    n = method.replace('.', '-')
    seen[n] = seen.get(n, 0) + 1
    return n if seen[n] == 1 else '%s-%d' % (n, seen[n])


def calls():
    seen = {}
    return [(name_of(m, p, seen), request(m, p, i + 1))
            for i, (m, p) in enumerate(CALLS)]


# Records no gatekeeper should take.
BAD_RECORDS = [
    ('bad-truncated', request('member.search', {'q': 'abc'})[:-2]),
    ('bad-trailing', request('system.ping', None) + b'\x00'),
    ('bad-never-used', b'\xc1'),
    ('bad-array32-huge', b'\xdd\xff\xff\xff\xff\x00'),
    ('bad-map16-huge', b'\x94\x00\x01\xa4ping\xde\xff\xff'),
    ('bad-deep', b'\x91' * 40 + b'\xc0'),
    ('bad-not-array', msgpack.packb({'method': 'system.ping'})),
    ('bad-short-envelope', msgpack.packb([0, 1, 'system.ping'])),
    ('bad-msgid-negative', msgpack.packb([0, -1, 'system.ping', []])),
    ('bad-msgid-huge', msgpack.packb([0, 2 ** 40, 'system.ping', []])),
    ('bad-method-bin', msgpack.packb([0, 1, b'system.ping', []])),
    ('bad-params-two', msgpack.packb([0, 1, 'system.ping', [{}, {}]])),
    ('bad-params-string', msgpack.packb([0, 1, 'system.ping', ['x']])),
    ('no-such-method', request('member.delete', {'id': 1})),
    ('params-bare-map', msgpack.packb([0, 1, 'member.get', {'id': 1}])),
    ('params-nil', msgpack.packb([0, 1, 'system.ping', [None]])),
    ('wrong-type', request('member.get', {'id': '1'})),
    ('out-of-range', request('member.search', {'limit': 10 ** 6})),
    ('int64-floor', request('member.get', {'id': -2 ** 63})),
    ('uint64-max', request('member.get', {'id': 2 ** 64 - 1})),
    ('undeclared-key', request('pet.get', {'id': 1, 'colour': 'red'})),
    ('bad-enum', request('pet.create', {'member_id': 1, 'name': 'x',
                                        'species': 'dragon'})),
    ('bad-date', request('member.update', {'id': 1, 'birthday': '2023-02-30'})),
    ('bad-utf8', request('member.search', {'q': 'QQ'}).replace(
        b'\xa2QQ', b'\xa2\xe3\x80')),
    ('blank-ideographic', request('member.create', {'name': '\u3000\u3000',
                                                    'phone': '13900139000'})),
    ('control-char', request('member.create', {'name': 'a\x01b',
                                               'phone': '13900139000'})),
    ('tags-not-list', request('member.update', {'id': 1, 'tags': 'vip'})),
    ('nested-list-of-maps', request('member.update',
                                    {'id': 1, 'tags': [{'a': 1}, [2], None]})),
    ('request-id-short', request('member.create', {'name': 'a', 'phone': '13900139000',
                                                   'request_id': 'abc'})),
    ('approver', request('member.archive', {'id': 1, 'approver': 'admin',
                                            'approver_password': ADMIN_PASSWORD})),
    ('notify', msgpack.packb([2, 'session.closing', [{'reason': 'x'}]])),
    ('response', msgpack.packb([1, 1, None, {}])),
    ('response-error', msgpack.packb([1, 1, {'code': 'invalid', 'message': 'm',
                                             'field': 'tags[0]'}, None])),
]

# Objects a peer sends that are no request: handshake payloads, answers.
OBJECTS = [
    ('hello-payload', msgpack.packb({'v': 1, 'client': 'paw/0.1.0', 'host': 'till'})),
    ('msg2-payload', msgpack.packb({'v': 1, 'status': 'ok', 'server': 'pawd/0.1.0',
                                    'time': 1700000000})),
    ('result', msgpack.packb([1, 7, None, {'items': [{'id': 1, 'name': '陈晨',
                                                      'tags': ['vip']}],
                                           'total': 1, 'bin': b'\x00\xff'}])),
    ('scalars', msgpack.packb([None, True, False, 0, -1, 127, -32, 255, 65535,
                               2 ** 32, -2 ** 31, -2 ** 63, 2 ** 64 - 1, 1.5,
                               float('nan'), '', 'x' * 40, b''])),
    ('float32', b'\x92\xca\x3f\xc0\x00\x00\xcb\x7f\xf0\x00\x00\x00\x00\x00\x00'),
    ('ext', b'\x97\xd4\x01\x02\xd5\x01\x02\x03\xd6\x01' + b'\x00' * 4 + b'\xd7\xff'
     + b'\x00' * 8 + b'\xd8\x01' + b'\x00' * 16 + b'\xc7\x02\x01ab'
     + b'\xc8\x00\x01\x01a'),
    ('params-member', msgpack.packb({'name': '陈晨', 'phone': '13900139000',
                                     'tags': ['a'], 'request_id': RID})),
    ('map-int-keys', msgpack.packb({1: 2, 'id': 3}, strict_types=False)),
    ('str32', b'\xdb\x00\x00\x00\x03abc'),
    ('bin16', b'\xc5\x00\x02\x00\x01'),
]


def frame(b):
    return struct.pack('>H', len(b)) + b


def chunk(b, raw=False):
    return struct.pack('>H', len(b) | (0x8000 if raw else 0)) + b


def record(o):
    b = o if isinstance(o, bytes) else msgpack.packb(o)
    return struct.pack('>I', len(b)) + b


HELLO_I = b'PAW\x01I'
HELLO_E = b'PAW\x01E' + CODE_ID
PAYLOAD = msgpack.packb({'v': 1, 'client': 'fuzz', 'host': 'fuzz'})
PING = record([0, 1, 'system.ping', [{}]])


def message1():
    """A real IK message 1 to the fuzzer's server key, fixed keys."""
    proto = NoiseProtocolFactory().get_noise_protocol('Noise_IK_25519_ChaChaPoly_BLAKE2b')
    dh = proto.dh
    server = dh.generate_keypair(PrivateKey(SERVER_PRIV))
    client = dh.generate_keypair(PrivateKey(b'\x33' * 32))
    e = dh.generate_keypair(PrivateKey(b'\x44' * 32))
    hs = proto.create_handshakestate()
    hs.initialize(proto.pattern, True, PROLOGUE, s=client,
                  rs=PublicKey(server.public.data))
    # The ephemeral key too, so that the seed is the same each time.
    dh.generate_keypair = lambda privatekey=None: e
    m1 = bytearray()
    hs.write_message(PAYLOAD, m1)
    return bytes(m1)


def chan_seeds():
    raw = lambda step, b: b'\x00' + bytes([step]) + b
    s = lambda *chunks: b'\x01' + b''.join(chunks)
    e = lambda *chunks: b'\x02' + b''.join(chunks)
    return [
        ('raw-hello-session', raw(0, frame(HELLO_I))),
        ('raw-hello-enroll', raw(0, frame(HELLO_E))),
        ('raw-hello-enroll-unknown', raw(0, frame(b'PAW\x01E' + b'\x00' * 16))),
        ('raw-hello-version-2', raw(0, frame(b'PAW\x02I'))),
        ('raw-hello-mode-x', raw(0, frame(b'PAW\x01X'))),
        ('raw-hello-long', raw(0, frame(HELLO_I + b'\x00'))),
        ('raw-not-paw', raw(0, frame(b'GET / HTTP/1.1\r\n'))),
        ('raw-short-frame', raw(0, frame(b'PA'))),
        ('raw-empty-frame', raw(0, frame(b''))),
        ('raw-frame-cut', raw(0, b'\xff\xff' + b'PAW\x01I')),
        ('raw-hello-bytewise', raw(1, frame(HELLO_I) + frame(b'\x00' * 48))),
        ('raw-bad-message1', raw(0, frame(HELLO_I) + frame(b'\x00' * 96))),
        ('raw-message1', raw(0, frame(HELLO_I) + frame(message1()))),
        ('raw-message1-split', raw(7, frame(HELLO_I) + frame(message1()))),
        ('session-ping', s(chunk(PAYLOAD), chunk(PING))),
        ('session-two-in-one', s(chunk(PAYLOAD), chunk(PING + record([2, 'x', []])))),
        ('session-split', s(chunk(PAYLOAD), chunk(PING[:3]), chunk(PING[3:9]),
                            chunk(PING[9:]))),
        ('session-keepalive', s(chunk(PAYLOAD), chunk(b''), chunk(PING))),
        ('session-notify', s(chunk(PAYLOAD), chunk(record([2, 'session.closing',
                                                           [{'reason': 'x'}]])))),
        ('session-response', s(chunk(PAYLOAD), chunk(record([1, 1, None, {}])))),
        ('session-malformed', s(chunk(PAYLOAD), chunk(record(b'\xc1')), chunk(PING))),
        ('session-record-zero', s(chunk(PAYLOAD), chunk(b'\x00\x00\x00\x00'))),
        ('session-record-huge', s(chunk(PAYLOAD), chunk(b'\x00\x01\x00\x01' + b'x'))),
        ('session-raw-garbage', s(chunk(PAYLOAD), chunk(frame(b'\x00' * 20), True))),
        ('session-raw-short', s(chunk(PAYLOAD), chunk(frame(b'\x00' * 3), True))),
        ('session-raw-cut', s(chunk(PAYLOAD), chunk(b'\x00', True))),
        ('session-refused', s(chunk(msgpack.packb({'v': 1, 'client': 'refused'})))),
        ('session-payload-junk', s(chunk(b'\xc1\xc1'), chunk(PING))),
        ('session-payload-empty', s(chunk(b''), chunk(PING))),
        ('session-many', s(chunk(PAYLOAD), *[chunk(record([0, i, 'm', []]))
                                            for i in range(8)])),
        ('enroll-ping', e(chunk(PAYLOAD), chunk(PING))),
        ('enroll-register', e(chunk(PAYLOAD), chunk(record(
            [0, 1, 'device.register', [{'name': 'till 2'}]])))),
    ]


def dictionary():
    """Method names, parameter and field names and enum values, from the
    sources, each as a msgpack string (its header too)."""
    words = set(['request_id', 'approver', 'approver_password', 'client',
                 'host', 'status', 'code', 'message', 'field', 'reason', 'v'])
    src = open(os.path.join(TOP, 'common/methods.def')).read()
    words.update(re.findall(r'^M\(\w+,\s*"([^"]+)"', src, re.M))
    for f in ['server/pawd.h', 'server/member.h'] + sorted(
            os.path.join('server', n) for n in os.listdir(os.path.join(TOP, 'server'))
            if n.startswith('rpc-')):
        text = open(os.path.join(TOP, f)).read()
        words.update(re.findall(r'P_[A-Z]+\("([a-z_]+)"', text))
        words.update(re.findall(r'[KF]\(a, \w+, "([a-z_]+)"', text))
    for f in ['server/member.c', 'server/pet.c', 'server/feedback.c',
              'server/role.c', 'server/job.c']:
        text = open(os.path.join(TOP, f)).read()
        for lst in re.findall(r'\[\] = \{([^}]*)\}', text):
            words.update(re.findall(r'"([a-z_]+)"', lst))
        words.update(re.findall(r'\{ "([a-z_]+)",\s+(?:DAILY|EVERY)', text))
    words.discard('')
    out = ['# Written by fuzz/corpus.py: the words of the protocol as msgpack strings.']
    for w in sorted(words):
        b = msgpack.packb(w)
        out.append('"%s"' % ''.join(
            chr(c) if 0x20 <= c < 0x7f and c not in b'"\\' else '\\x%02x' % c
            for c in b))
    return '\n'.join(out) + '\n'


def write(target, seeds):
    d = os.path.join(HERE, 'corpus', target)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for name, data in seeds:
        with open(os.path.join(d, name), 'wb') as f:
            f.write(data)
    print('%-9s %d seeds' % (target, len(seeds)))


def main():
    records = calls() + BAD_RECORDS
    write('msgpack', records + OBJECTS)
    write('dispatch', records)
    write('chan', chan_seeds())
    with open(os.path.join(HERE, 'rpc.dict'), 'w') as f:
        f.write(dictionary())


if __name__ == '__main__':
    sys.exit(main())
