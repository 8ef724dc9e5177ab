"""Live sessions follow what happens to their staff member.  A change of
role, branch or password, or a disable, closes every live session of that
staff member with session.closing and the reason: on both event loops of
the TCP server and in a pawd --stdio of another process (an SSH session),
and each process audits what it closed.  A write sent by such a session
before it is closed is refused and has no effect.  The one exception is the
caller's own session when they change their own password; a change of
name alone closes nothing."""
import os, select, sqlite3, sys, time
sys.path.insert(0, os.path.dirname(__file__))
from _peer import Server, Conn

ADMIN = ('admin', 'admin-pass-1')
PW = 'mgr-pass-1'
passwords = {'m1': PW}


def login(c, staff, pw=None, kp=None):
    assert c.handshake(srv.pub, kp or dev)['status'] == 'ok'
    r = c.call('session.login', {'staff': staff, 'password': pw or passwords[staff]}, 1)
    assert r[2] is None, r
    return c


def tcp(staff, pw=None):
    return login(Conn(srv.port), staff, pw)


stdios = []


def stdio(staff, pw=None):
    c = Conn.stdio(srv)
    stdios.append(c)
    return login(c, staff, pw)


def ok(c, method, params=None, msgid=7):
    r = c.call(method, params or {}, msgid)
    assert r[2] is None, (method, r)
    return r[3]


def closed_with(c, timeout=5):
    """The reason of the session.closing c is told, then the end; None if
    it stays open for timeout seconds."""
    end = time.time() + timeout
    reason = None
    while True:
        if not c.plain and not select.select([c.sock], [], [], max(0, end - time.time()))[0]:
            return None
        try:
            r = c.recv_record()
        except (EOFError, ConnectionResetError):
            return reason
        if r[0] == 2 and r[1] == 'session.closing':
            reason = r[2][0]['reason']


def audit_cuts(staff):
    db = sqlite3.connect(os.path.join(srv.dir, 'paw.db'))
    rows = db.execute("SELECT after FROM audit WHERE method = 'session.cut' "
                      "AND entity_id = ? ORDER BY id", (staff,)).fetchall()
    db.close()
    return [r[0] for r in rows]


srv = Server(['--threads', '2'])
try:
    dev = srv.add_device()
    admin = tcp(*ADMIN)
    ok(admin, 'branch.create', {'code': 'SH01', 'name': 'Shanghai 1'})
    ok(admin, 'branch.create', {'code': 'SH02', 'name': 'Shanghai 2'})
    ok(admin, 'staff.create', {'id': 'm1', 'name': 'Manager', 'role': 'manager',
                               'branch': 'SH01', 'password': PW})
    cuts = 0

    # A change of role: two TCP sessions (one on each loop) and one over
    # --stdio, all closed with the reason; the admin's stays.
    s = [tcp('m1'), tcp('m1'), stdio('m1')]
    assert ok(s[0], 'session.whoami')['role'] == 'manager'
    ok(admin, 'staff.update', {'id': 'm1', 'role': 'clerk'})
    for c in s:
        assert closed_with(c) == 'role changed'
    assert ok(admin, 'system.ping')['pong'] is True
    cuts = audit_cuts('m1')
    assert sorted(cuts) == ['{"reason":"role changed","sessions":1}',
                            '{"reason":"role changed","sessions":2}'], cuts
    c = tcp('m1')
    assert ok(c, 'session.whoami')['role'] == 'clerk'
    r = c.call('staff.create', {'id': 'c9', 'name': 'x', 'role': 'clerk',
                                'password': '123456'}, 8)
    assert r[2]['code'] == 'forbidden', r
    print('role: 2 TCP sessions on 2 loops and 1 --stdio closed, "role changed", audited per process')

    # Another process changes the branch; a write the TCP session sends
    # at once, before this process has seen the change, is refused.
    other = stdio(*ADMIN)
    ok(other, 'staff.update', {'id': 'm1', 'branch': 'SH02'})
    r = c.call('member.create', {'name': '李雷', 'phone': '13900139000'}, 9)
    if r[2] is not None:
        assert r[2]['code'] == 'unauthenticated', r
    else:
        raise AssertionError('a stale session wrote: %r' % (r,))
    assert closed_with(c) == 'branch changed'
    found = ok(admin, 'member.search', {'q': '13900139000'})
    assert found['items'] == [], found
    print('branch, from another process: the stale session\'s write refused, session closed')

    # HQ resets the password: every session closed.
    s = [tcp('m1'), stdio('m1')]
    passwords['m1'] = 'new-pass-22'
    ok(other, 'staff.set_password', {'id': 'm1', 'password': passwords['m1']})
    for c in s:
        assert closed_with(c) == 'password changed'
    print('password reset by HQ: closed')

    # Their own password: that session stays, the others are closed.
    s = [tcp('m1'), tcp('m1'), stdio('m1')]
    old = passwords['m1']
    passwords['m1'] = 'own-pass-333'
    ok(s[0], 'staff.set_password', {'id': 'm1', 'old_password': old,
                                    'password': passwords['m1']})
    for c in s[1:]:
        assert closed_with(c) == 'password changed'
    assert closed_with(s[0], 1.5) is None
    assert ok(s[0], 'session.whoami')['staff'] == 'm1'
    ok(s[0], 'member.create', {'name': '韩梅梅', 'phone': '13900139001'})
    print('own password: that session stays and writes, the 2 others closed')

    # A change of name alone closes nothing.
    ok(admin, 'staff.update', {'id': 'm1', 'name': 'Manager Two'})
    assert closed_with(s[0], 1.5) is None
    ok(s[0], 'system.ping')

    # Disabled from another process: the TCP session follows within the
    # second it looks.
    t0 = time.time()
    ok(other, 'staff.disable', {'id': 'm1'})
    assert closed_with(s[0]) == 'account disabled'
    took = time.time() - t0
    assert took < 3, took
    print('disabled from --stdio: the TCP session closed in %.1f s' % took)

    log = srv.log_text()
    assert 'sessions closed: role changed' in log, log
    for pw in (PW, 'new-pass-22', 'own-pass-333'):
        assert pw not in log
    other.sock.close()
    for c in stdios:	# each --stdio pawd ends with its session
        assert c.proc.wait(10) == 0
    text = open(os.path.join(srv.tmp, 'stdio.log')).read()
    assert 'Sanitizer' not in text and 'runtime error:' not in text, text
    assert srv.stop() == 0
finally:
    srv.cleanup()
