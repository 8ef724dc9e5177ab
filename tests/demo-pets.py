"""Second demo pass: pets and feedback for the members the first pass made
(read as member.create results on standard input)."""
import json, random, sys
rnd = random.Random(2027)
DOG = (['旺财', '豆豆', '球球', '可乐', '布丁', '来福', '大黄', '小白', 'Lucky', 'Max', '毛毛', '团团'],
       ['金毛', '柯基', '泰迪', '拉布拉多', '柴犬', '比熊', '边牧', '哈士奇', '中华田园犬'])
WEIGHT = {'dog': (3000, 32000), 'cat': (2500, 7000), 'rabbit': (1000, 3000)}
CAT = (['咪咪', '橘子', '年糕', '雪球', '奶茶', '芝麻', 'Kitty', '花花', '煤球', '布偶'],
       ['英短', '美短', '布偶', '橘猫', '暹罗', '狸花猫', '缅因'])
COLOURS = ['白色', '黑色', '金色', '橘色', '灰色', '三花', '黑白']
GOOD = ['店员很耐心，洗护很干净', '猫粮品质好，会继续购买', '寄养照顾得很好', '美容师技术不错']
BAD = ['排队时间太长', '洗澡后有点掉毛，希望改进', '价格有点贵']
for line in sys.stdin:
    m = json.loads(line)
    if 'id' not in m:
        continue
    for _ in range(rnd.choice((1, 1, 1, 2, 2, 3))):
        species = rnd.choice(('dog', 'cat', 'cat', 'dog', 'rabbit'))
        names, breeds = DOG if species == 'dog' else CAT if species == 'cat' else (['兔兔', '雪花'], ['垂耳兔'])
        y = rnd.randint(2012, 2025)
        pet = dict(member_id=m['id'], name=rnd.choice(names), species=species,
                   breed=rnd.choice(breeds), sex=rnd.choice(('male', 'female')),
                   neutered=rnd.random() < 0.6, colour=rnd.choice(COLOURS),
                   birth_date='%04d-%02d-%02d' % (y, rnd.randint(1, 12), rnd.randint(1, 28)),
                   weight_g=rnd.randint(*WEIGHT[species]))
        if rnd.random() < 0.2:
            pet.update(adopted=True, adoption_date='%04d-%02d-%02d' % (min(y + 1, 2025), rnd.randint(1, 12), rnd.randint(1, 28)),
                       adoption_source='本店领养中心')
        print('pet.create ' + json.dumps(pet, ensure_ascii=False))
    if rnd.random() < 0.15:
        good = rnd.random() < 0.75
        print('feedback.add ' + json.dumps(dict(member_id=m['id'], kind='good' if good else 'bad',
                                                text=rnd.choice(GOOD if good else BAD)), ensure_ascii=False))
