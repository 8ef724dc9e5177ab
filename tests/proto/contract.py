"""The typed method contract through a real pawd: system.methods publishes
every parameter with its type and limits, and the gatekeeper refuses, for
every method and every parameter it declares, what is outside them: too
long in characters, integers past int64 (2^64-1) or at its floor (-2^63),
unknown enum values, wrong types, undeclared names.  Each refusal names the
field and writes nothing."""
import os, sqlite3, sys
sys.path.insert(0, os.path.dirname(__file__))
from _peer import Server, Conn

srv = Server()
try:
    c = Conn(srv.port)
    assert c.handshake(srv.pub, srv.add_device())['status'] == 'ok'
    r = c.call('session.login', {'staff': 'admin', 'password': 'admin-pass-1'})
    assert r[2] is None, r
    methods = {m['name']: m for m in c.call('system.methods')[3]['methods']}

    def param(method, name):
        return next(p for p in methods[method]['params'] if p['name'] == name)

    # Every declaration is complete: strings and integers have limits.
    for m in methods.values():
        for p in m['params']:
            assert 'type' in p and 'required' in p, (m['name'], p)
            if p['type'] in ('str', 'int', 'money', 'list'):
                assert isinstance(p.get('max'), int), (m['name'], p)
            if p['type'] == 'enum':
                assert p['values'], (m['name'], p)

    # The limits that had drifted between paw and pawd, as pawd declares them.
    assert param('member.create', 'address')['max'] == 200
    assert param('member.create', 'note')['max'] == 500
    assert param('member.update', 'address')['max'] == 200
    assert param('pet.create', 'breed')['max'] == 40
    mc = param('pet.create', 'microchip')
    assert mc['max'] == 15 and mc['pattern'] == '^[0-9]{15}$', mc
    ph = param('member.create', 'phone')
    assert ph['ignore'] == ' -' and ph['required'], ph
    assert param('member.create', 'birthday')['max'] == '2200-12-31'
    assert param('member.create', 'gender')['values'] == ['', 'female', 'male', 'other']
    tags = param('member.create', 'tags')
    assert tags['max'] == 20 and tags['item']['max'] == 20, tags
    assert param('pet.update', 'weight_g')['max'] == 200000
    assert param('member.create', 'request_id')['length'] == 32
    assert not any(p['name'] == 'request_id' for p in methods['session.login']['params'])
    pw = param('session.login', 'password')
    assert pw.get('secret') is True, pw

    def audit_rows():
        db = sqlite3.connect('file:%s/paw.db?mode=ro' % srv.dir, uri=True)
        n = db.execute("SELECT count(*) FROM audit WHERE method NOT LIKE 'session.%'").fetchone()[0]
        db.close()
        return n

    before = audit_rows()
    msgid = 1000
    checked = 0

    def refused(method, params, code, field):
        global msgid, checked
        msgid += 1
        r = c.call(method, params, msgid)
        e = r[2]
        assert e is not None, (method, params, r)
        if e['code'] in ('forbidden', 'unauthenticated'):
            return      # refused before its params (enrollment only ...)
        assert e['code'] == code and e.get('field') == field, (method, params, e)
        checked += 1

    for name, m in sorted(methods.items()):
        if name in ('session.login', 'session.logout', 'session.resume'):
            continue
        for p in m['params']:
            f = p['name']
            if p['type'] in ('int', 'money'):
                refused(name, {f: 2**64 - 1}, 'invalid', f)
                refused(name, {f: -2**63}, 'invalid', f)
                refused(name, {f: p['max'] + 1} if p['max'] < 2**63 - 1 else {f: p['min'] - 1},
                        'invalid', f)
                refused(name, {f: '1'}, 'bad_request', f)
            elif p['type'] == 'str':
                refused(name, {f: '猫' * (p['max'] + 1)}, 'invalid', f)
                refused(name, {f: 7}, 'bad_request', f)
            elif p['type'] == 'enum':
                refused(name, {f: 'no-such-value'}, 'invalid', f)
            elif p['type'] == 'bool':
                refused(name, {f: 'yes'}, 'bad_request', f)
            elif p['type'] == 'date':
                refused(name, {f: '2201-01-01'}, 'invalid', f)
            elif p['type'] == 'list':
                refused(name, {f: [7]}, 'bad_request', f + '[0]')
                refused(name, {f: ['x'] * (p['max'] + 1)}, 'invalid', f)
            elif p['type'] == 'hex':
                refused(name, {f: 'zz' * (p['length'] // 2)}, 'invalid', f)
        refused(name, {'no_such_param': 1}, 'bad_request', 'no_such_param')
    assert checked > 150, checked
    assert audit_rows() == before, 'a refused call wrote an audit row'

    # Characters, not bytes: 40 Chinese characters (120 bytes) are a name.
    r = c.call('member.create', {'name': '张' * 40, 'phone': '13900000001'}, 5)
    assert r[2] is None, r
    # Foreign phones: 7 to 15 digits after the +.
    for phone, ok in (('+1234567', True), ('+123456', False),
                      ('+123456789012345', True), ('+1234567890123456', False),
                      ('+86 139 0000 0002', True), ('+8612345', False)):
        msgid += 1
        r = c.call('member.create', {'name': 'P', 'phone': phone}, msgid)
        assert (r[2] is None) == ok, (phone, r)
        if not ok:
            assert r[2]['field'] == 'phone', r
    print('ok: %d refusals checked' % checked)
finally:
    srv.stop()
