"""Password guesses count wherever they are made: in one session, wrong
old_password guesses in staff.set_password count towards the lockout like
failed logins, lock the account at the fifth (the right password then no
longer helps, there or at login), and each guess and the lock are
audited.  An HQ admin's reset lifts the lock."""
import os, sqlite3, sys
sys.path.insert(0, os.path.dirname(__file__))
from _peer import Server, Conn

srv = Server()
try:
    kp = srv.add_device()

    def session(staff, pw):
        c = Conn(srv.port)
        assert c.handshake(srv.pub, kp)['status'] == 'ok'
        return c, c.call('session.login', {'staff': staff, 'password': pw})

    def q(sql):
        db = sqlite3.connect('file:%s/paw.db?mode=ro' % srv.dir, uri=True)
        v = db.execute(sql).fetchone()[0]
        db.close()
        return v

    admin, r = session('admin', 'admin-pass-1')
    assert r[2] is None, r
    r = admin.call('staff.create', {'id': 'clerk1', 'name': 'c', 'role': 'clerk',
                                    'password': 'clerk-pw-1'}, 2)
    assert r[2] is None, r
    c, r = session('clerk1', 'clerk-pw-1')
    assert r[2] is None, r
    for i in range(4):
        r = c.call('staff.set_password', {'id': 'clerk1', 'password': 'new-pass-%d' % i,
                                          'old_password': 'guess-%d' % i}, 10 + i)
        assert r[2]['code'] == 'unauthenticated' and r[2]['field'] == 'old_password', r
    assert q("SELECT failed FROM staff WHERE id = 'clerk1'") == 4
    assert q("SELECT count(*) FROM audit WHERE method = 'staff.set_password' "
             "AND after LIKE '%wrong%'") == 4
    r = c.call('staff.set_password', {'id': 'clerk1', 'password': 'new-pass-5',
                                      'old_password': 'guess-5'}, 20)
    assert r[2]['code'] == 'locked' and r[2]['field'] == 'old_password', r
    assert '"locked":true' in q("SELECT after FROM audit WHERE method = "
                                "'staff.set_password' ORDER BY id DESC LIMIT 1")
    r = c.call('staff.set_password', {'id': 'clerk1', 'password': 'new-pass-6',
                                      'old_password': 'clerk-pw-1'}, 21)
    assert r[2]['code'] == 'locked', r
    _, r = session('clerk1', 'clerk-pw-1')
    assert r[2]['code'] == 'locked', r
    r = admin.call('staff.set_password', {'id': 'clerk1', 'password': 'clerk-pw-2'}, 30)
    assert r[2] is None, r
    _, r = session('clerk1', 'clerk-pw-2')
    assert r[2] is None, r
    print('ok')
finally:
    srv.stop()
