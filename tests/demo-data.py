"""Generate the demo chain as `paw call --batch` lines: branches, staff of
every role, members with Chinese names, pets and feedback.  Deterministic
(seeded) so a rerun makes the same chain."""
import json, random, sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
rnd = random.Random(2026)
out = sys.stdout

def call(method, **params):
    out.write('%s %s\n' % (method, json.dumps(params, ensure_ascii=False)))

BRANCHES = [('SH01', '上海徐汇店', '上海市徐汇区漕溪北路88号', '021-64000001'),
            ('BJ01', '北京朝阳店', '北京市朝阳区建国路77号', '010-85000002'),
            ('GZ01', '广州天河店', '广州市天河区体育西路33号', '020-38000003')]
if sys.argv[2:3] == ['setup']:
    for code, name, addr, phone in BRANCHES:
        call('branch.create', code=code, name=name, address=addr, phone=phone)
    staff = [('hq.li', '李总监', 'hq_admin', 'HQ'), ('support', '技术支持', 'support', 'HQ'),
             ('hq.clerk', '总部店员', 'clerk', 'HQ'), ('hq.manager', '总部店长', 'manager', 'HQ')]
    for code, name, _, _ in BRANCHES:
        c = code.lower()
        staff += [(c + '.manager', name[:2] + '店长', 'manager', code),
                  (c + '.clerk1', name[:2] + '店员一', 'clerk', code),
                  (c + '.clerk2', name[:2] + '店员二', 'clerk', code)]
    for sid, name, role, branch in staff:
        call('staff.create', id=sid, name=name, role=role, branch=branch,
             password='123456' if role == 'clerk' else 'demo-pass-1')
    sys.exit(0)

SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'
GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国玉兰萍红鹏辉斌宇浩凯晨欣怡子涵梓轩一诺雨桐思远佳琪嘉怡梦瑶若曦子豪'
branches = ['HQ'] + [b[0] for b in BRANCHES]
phones = set()
for i in range(n):
    while True:
        p = '1' + rnd.choice('3456789') + ''.join(rnd.choice('0123456789') for _ in range(9))
        if p not in phones:
            phones.add(p); break
    name = rnd.choice(SURNAMES) + ''.join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2, 2))))
    y = rnd.randint(1965, 2004)
    call('member.create', name=name, phone=p,
         birthday='%04d-%02d-%02d' % (y, rnd.randint(1, 12), rnd.randint(1, 28)),
         branch=rnd.choice(branches), consent=rnd.random() < 0.8,
         gender=rnd.choice(['female', 'male']))
sys.exit(0)
