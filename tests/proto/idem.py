"""Idempotency by request_id through a real pawd (two event loops): a retry
answers what the first call answered with no second effect, whatever the
order of its params' keys and the case of its id, also after a restart; the
same id with other params is a conflict; a refused call stores nothing, so
it can be corrected and sent again with its id; two sessions sending one id
at the same moment get one effect and the same answer."""
import os, sqlite3, sys
sys.path.insert(0, os.path.dirname(__file__))
from _peer import Server, Conn

srv = Server(extra=['--threads', '2'])
try:
    def session():
        c = Conn(srv.port)
        assert c.handshake(srv.pub, srv.add_device())['status'] == 'ok'
        r = c.call('session.login', {'staff': 'admin', 'password': 'admin-pass-1'})
        assert r[2] is None, r
        return c

    def q(sql):
        db = sqlite3.connect('file:%s/paw.db?mode=ro' % srv.dir, uri=True)
        v = db.execute(sql).fetchone()[0]
        db.close()
        return v

    def state():
        return (q('SELECT count(*) FROM member'), q('SELECT count(*) FROM idem'),
                q("SELECT count(*) FROM audit WHERE method IN ('member.create', 'feedback.add')"))

    c = session()
    rid = '0123456789abcdef0123456789abcdef'
    first = c.call('member.create', {'name': '王伟', 'phone': '13811110000',
                                     'request_id': rid}, 1)
    assert first[2] is None, first
    s1 = state()
    assert s1 == (1, 1, 1), s1
    # The retry: other key order, upper-case id, same answer, no effect.
    again = c.call('member.create', {'request_id': rid.upper(), 'phone': '13811110000',
                                     'name': '王伟'}, 2)
    assert again[2] is None and again[3] == first[3], again
    assert state() == s1
    # The same id for something else: a conflict naming request_id.
    r = c.call('member.create', {'name': '王伟', 'phone': '13811110001',
                                 'request_id': rid}, 3)
    assert r[2]['code'] == 'conflict' and r[2]['field'] == 'request_id', r
    r = c.call('feedback.add', {'member_id': first[3]['id'], 'kind': 'good',
                                'text': 'x', 'request_id': rid}, 4)
    assert r[2]['code'] == 'conflict', r
    assert state() == s1
    # A refused call stores nothing: corrected, the same id goes through.
    rid2 = 'fedcba9876543210fedcba9876543210'
    r = c.call('member.create', {'name': '李娜', 'phone': '1381111', 'request_id': rid2}, 5)
    assert r[2]['code'] == 'invalid' and r[2]['field'] == 'phone', r
    assert state() == s1
    r = c.call('member.create', {'name': '李娜', 'phone': '13811112222', 'request_id': rid2}, 6)
    assert r[2] is None, r
    s2 = state()
    assert s2 == (2, 2, 2), s2
    # A call refused by the domain (a taken phone) stores nothing either.
    rid3 = 'aa' * 16
    r = c.call('member.create', {'name': '张三', 'phone': '13811112222', 'request_id': rid3}, 7)
    assert r[2]['code'] == 'conflict' and r[2]['field'] == 'phone', r
    assert state() == s2
    # Bad ids are refused before anything runs.
    for bad in ('0123', 'zz' * 16, 7, '0' * 33):
        r = c.call('member.create', {'name': '赵六', 'phone': '13811113333', 'request_id': bad}, 8)
        assert r[2]['field'] == 'request_id', (bad, r)
    r = c.call('member.search', {'q': '王', 'request_id': rid}, 9)
    assert r[2]['code'] == 'bad_request', r     # reads take none
    r = c.call('session.logout', {'request_id': rid}, 10)
    assert r[2]['code'] == 'bad_request', r     # nor does the session's own
    assert state() == s2

    # Across a restart.
    srv.restart()
    c = session()
    r = c.call('member.create', {'name': '王伟', 'phone': '13811110000', 'request_id': rid}, 11)
    assert r[2] is None and r[3] == first[3], r
    assert state() == s2

    # Two sessions, on two loops, the same id at the same moment.
    a, b = session(), session()
    rid4 = 'bb' * 16
    p = {'member_id': first[3]['id'], 'kind': 'bad', 'text': '排队太久', 'request_id': rid4}
    for i in range(5):
        a.send_record([0, 100 + i, 'feedback.add', [p]])
        b.send_record([0, 200 + i, 'feedback.add', [p]])
    answers = [a.recv_record() for _ in range(5)] + [b.recv_record() for _ in range(5)]
    assert all(x[2] is None for x in answers), answers
    assert len({x[3]['id'] for x in answers}) == 1, answers
    assert q('SELECT count(*) FROM feedback') == 1
    assert q("SELECT count(*) FROM audit WHERE method = 'feedback.add'") == 1
    print('ok')
finally:
    srv.stop()
