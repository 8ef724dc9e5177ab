"""The terminal client's figures on the demo chain (make bench runs this):
  - time from starting paw to the login screen drawn,
  - time from a keystroke in the search field to the new results drawn,
  - paw's peak resident memory.
paw runs in a detached tmux at 80x24 against a real pawd on loopback; it
writes timed events (key, results, draw) to PAW_TRACE, and this script
compares them with the moment it started paw.

usage: tui.py TOP DEMO_DIR"""
import os, socket, subprocess, sys, tempfile, time

top, demo = sys.argv[1], sys.argv[2]
PAWD, PAW = os.path.join(top, 'bin/pawd'), os.path.join(top, 'bin/paw')
work = tempfile.mkdtemp(prefix='paw-tui-bench.')
sock = 'pawbench%d' % os.getpid()
env = dict(os.environ, PAW_HOME=os.path.join(work, 'home'),
           PAW_LOCALEDIR=os.path.join(top, 'build/locale'),
           LANG='zh_CN.UTF-8', LC_ALL='C.UTF-8', TERM='xterm-256color')


def free_port():
    s = socket.socket(); s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]; s.close()
    return p


def wait(pred, secs=10, what='condition'):
    end = time.time() + secs
    while time.time() < end:
        v = pred()
        if v:
            return v
        time.sleep(0.002)
    raise SystemExit('timed out waiting for %s' % what)


def tmux(*args):
    return subprocess.run(['tmux', '-L', sock] + list(args), env=env,
                          capture_output=True, text=True).stdout


def trace_lines(path):
    try:
        with open(path) as f:
            return [(float(t), e) for t, e in (l.split() for l in f if l.strip())]
    except FileNotFoundError:
        return []


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p / 100))]


port = free_port()
srv = subprocess.Popen([PAWD, 'serve', os.path.join(demo, 'data'), '--listen',
                        '127.0.0.1:%d' % port, '--log', os.path.join(work, 'pawd.log')],
                       env=env)
try:
    def up():
        try:
            socket.create_connection(('127.0.0.1', port), 0.2).close(); return True
        except OSError:
            return False
    wait(up, 10, 'pawd')
    code = subprocess.run([PAWD, 'enroll', os.path.join(demo, 'data'), '--branch', 'HQ'],
                          env=env, capture_output=True, text=True, check=True).stdout.strip()
    subprocess.run([PAW, 'enroll', '127.0.0.1:%d' % port, code], env=env,
                   capture_output=True, check=True)

    def start(trace, t0file):
        cmd = "date +%%s.%%N > %s; PAW_TRACE=%s exec %s --lang zh_CN --user admin" % (t0file, trace, PAW)
        tmux('new-session', '-d', '-s', 'b', '-x', '80', '-y', '24', cmd)

    # (1) Start to the login screen, 20 times.
    starts = []
    for i in range(20):
        tr, t0 = os.path.join(work, 'start%d.trace' % i), os.path.join(work, 't0.%d' % i)
        start(tr, t0)
        first = wait(lambda: next((t for t, e in trace_lines(tr) if e == 'draw'), None),
                     10, 'the login screen')
        starts.append((first - float(open(t0).read())) * 1000)
        tmux('kill-server')
        time.sleep(0.05)

    # (2) Keystrokes in the search field: each character of what clerks type.
    tr = os.path.join(work, 'keys.trace')
    start(tr, os.path.join(work, 't0.keys'))
    screen = lambda: tmux('capture-pane', '-p', '-t', 'b')
    wait(lambda: '密码' in screen(), 10, 'the login screen')
    tmux('send-keys', '-t', 'b', '-l', 'demo-admin-1'); tmux('send-keys', '-t', 'b', 'Enter')
    wait(lambda: '查找会员' in screen(), 10, 'the home screen')
    pane_pid = int(tmux('list-panes', '-t', 'b', '-F', '#{pane_pid}').split()[0])
    queries = ['张', '王芳', '李', '刘洋', '8888', '1234', '陈', '小', 'wang', '13']
    lat = []
    for q in queries:
        for ch in q:
            n = len(trace_lines(tr))
            tmux('send-keys', '-t', 'b', '-l', ch)

            def done():
                ev = trace_lines(tr)[n:]
                key = next((t for t, e in ev if e == 'key'), None)
                seen = False
                for t, e in ev:
                    if e == 'results':
                        seen = True
                    elif e == 'draw' and seen and key is not None:
                        return t - key
                return None
            lat.append(wait(done, 10, 'results for %r' % ch) * 1000)
        n = len(trace_lines(tr))
        tmux('send-keys', '-t', 'b', 'C-u')
        wait(lambda: any(e == 'draw' for t, e in trace_lines(tr)[n:]), 10, 'a cleared field')
    rss = hwm = 0
    for line in open('/proc/%d/status' % pane_pid):
        if line.startswith('VmRSS:'):
            rss = int(line.split()[1])
        if line.startswith('VmHWM:'):
            hwm = int(line.split()[1])
    tmux('kill-server')

    print('start to login screen: median %.1f ms, max %.1f ms (20 starts)'
          % (pct(starts, 50), max(starts)))
    print('keystroke to updated results: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d keystrokes)'
          % (pct(lat, 50), pct(lat, 99), max(lat), len(lat)))
    print('paw resident memory: %.1f MB now, %.1f MB peak' % (rss / 1024, hwm / 1024))
finally:
    tmux('kill-server')
    srv.terminate(); srv.wait()
    subprocess.run(['rm', '-rf', work])
