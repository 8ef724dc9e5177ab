/*
 * Event loop over epoll.  Timers are few (the server keeps one cron timer and
 * checks idle sessions from it), so they live in a plain array.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

#include "clock.h"
#include "loop.h"
#include "xmalloc.h"

struct loop_fd {
	int		 mask;
	int		 always;	/* not pollable: always ready */
	loop_fd_cb	*cb;
	void		*arg;
};

struct loop_timer {
	uint64_t	 id;
	int64_t		 when;
	loop_timer_cb	*cb;
	void		*arg;
};

struct loop {
	int			 ep;
	struct loop_fd		*fds;
	int			 nfds;
	int			 nalways;
	struct loop_timer	*timers;
	size_t			 ntimers;
	uint64_t		 next_id;
	int			 stop;
	loop_hook_cb		*hook;
	void			*hook_arg;
	struct loop_defer	*deferred;
	struct loop_defer	*soon;		/* for the next turn */
	struct loop_defer	*running;	/* this turn's, oldest first */
	/* Callbacks posted from other threads, in order, and their wakeup. */
	pthread_mutex_t		 post_lock;
	struct loop_post	*posted, *posted_tail;
	int			 post_fd;
};

struct loop_post {
	loop_hook_cb		*cb;
	void			*arg;
	struct loop_post	*next;
};

void
loop_run_posted(struct loop *l)
{
	struct loop_post	*p, *next;
	uint64_t		 n;

	if (read(l->post_fd, &n, sizeof n) == -1) {
		/* EAGAIN: a batch already taken */
	}
	pthread_mutex_lock(&l->post_lock);
	p = l->posted;
	l->posted = l->posted_tail = NULL;
	pthread_mutex_unlock(&l->post_lock);
	for (; p != NULL; p = next) {
		next = p->next;
		p->cb(p->arg);
		free(p);
	}
}

static void
loop_posted_ready(int fd, int events, void *arg)
{
	loop_run_posted(arg);
}

struct loop *
loop_create(void)
{
	struct loop	*l = xcalloc(1, sizeof *l);

	if ((l->ep = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		free(l);
		return NULL;
	}
	l->next_id = 1;
	pthread_mutex_init(&l->post_lock, NULL);
	if ((l->post_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1 ||
	    loop_add_fd(l, l->post_fd, LOOP_READ, loop_posted_ready, l) == -1) {
		if (l->post_fd != -1)
			close(l->post_fd);
		close(l->ep);
		free(l->fds);
		free(l);
		return NULL;
	}
	return l;
}

void
loop_post(struct loop *l, loop_hook_cb *cb, void *arg)
{
	struct loop_post	*p = xmalloc(sizeof *p);
	uint64_t		 one = 1;
	int			 wake;

	p->cb = cb;
	p->arg = arg;
	p->next = NULL;
	pthread_mutex_lock(&l->post_lock);
	/* One wakeup per batch: the loop takes the whole list at once. */
	wake = l->posted == NULL;
	if (l->posted_tail != NULL)
		l->posted_tail->next = p;
	else
		l->posted = p;
	l->posted_tail = p;
	pthread_mutex_unlock(&l->post_lock);
	while (wake && write(l->post_fd, &one, sizeof one) == -1 &&
	    errno == EINTR)
		;
}

void
loop_free(struct loop *l)
{
	struct loop_post	*p, *next;

	if (l == NULL)
		return;
	for (p = l->posted; p != NULL; p = next) {
		next = p->next;
		free(p);
	}
	pthread_mutex_destroy(&l->post_lock);
	close(l->post_fd);
	close(l->ep);
	free(l->fds);
	free(l->timers);
	free(l);
}

static uint32_t
loop_events(int mask)
{
	uint32_t	ev = 0;

	if (mask & LOOP_READ)
		ev |= EPOLLIN | EPOLLRDHUP;
	if (mask & LOOP_WRITE)
		ev |= EPOLLOUT;
	return ev;
}

int
loop_add_fd(struct loop *l, int fd, int mask, loop_fd_cb *cb, void *arg)
{
	struct epoll_event	 ev = { .events = loop_events(mask) };

	if (fd < 0)
		return -1;
	if (fd >= l->nfds) {
		int	n = l->nfds ? l->nfds : 64;

		while (n <= fd)
			n *= 2;
		l->fds = xrealloc(l->fds, n * sizeof *l->fds);
		memset(l->fds + l->nfds, 0, (n - l->nfds) * sizeof *l->fds);
		l->nfds = n;
	}
	ev.data.fd = fd;
	l->fds[fd] = (struct loop_fd){ .mask = mask, .cb = cb, .arg = arg };
	if (epoll_ctl(l->ep, EPOLL_CTL_ADD, fd, &ev) == -1) {
		if (errno != EPERM)
			return -1;
		l->fds[fd].always = 1;
		l->nalways++;
	}
	return 0;
}

int
loop_set_fd(struct loop *l, int fd, int mask)
{
	struct epoll_event	 ev = { .events = loop_events(mask) };

	if (fd < 0 || fd >= l->nfds || l->fds[fd].cb == NULL)
		return -1;
	if (l->fds[fd].mask == mask)
		return 0;
	l->fds[fd].mask = mask;
	if (l->fds[fd].always)
		return 0;
	ev.data.fd = fd;
	return epoll_ctl(l->ep, EPOLL_CTL_MOD, fd, &ev);
}

void
loop_del_fd(struct loop *l, int fd)
{
	if (fd < 0 || fd >= l->nfds || l->fds[fd].cb == NULL)
		return;
	if (l->fds[fd].always)
		l->nalways--;
	else
		epoll_ctl(l->ep, EPOLL_CTL_DEL, fd, NULL);
	memset(&l->fds[fd], 0, sizeof l->fds[fd]);
}

uint64_t
loop_add_timer(struct loop *l, int64_t ms, loop_timer_cb *cb, void *arg)
{
	struct loop_timer	*t;

	l->timers = xrealloc(l->timers, (l->ntimers + 1) * sizeof *l->timers);
	t = &l->timers[l->ntimers++];
	t->id = l->next_id++;
	t->when = clock_ms() + ms;
	t->cb = cb;
	t->arg = arg;
	return t->id;
}

void
loop_del_timer(struct loop *l, uint64_t id)
{
	size_t	i;

	for (i = 0; i < l->ntimers; i++) {
		if (l->timers[i].id == id) {
			l->timers[i] = l->timers[--l->ntimers];
			return;
		}
	}
}

void
loop_set_before_sleep(struct loop *l, loop_hook_cb *cb, void *arg)
{
	l->hook = cb;
	l->hook_arg = arg;
}

void
loop_defer(struct loop *l, struct loop_defer *d)
{
	if (d->queued)
		return;
	d->queued = 1;
	d->next = l->deferred;
	l->deferred = d;
}

void
loop_soon(struct loop *l, struct loop_defer *d)
{
	if (d->queued)
		return;
	d->queued = 2;
	d->next = l->soon;
	l->soon = d;
}

void
loop_undefer(struct loop *l, struct loop_defer *d)
{
	struct loop_defer	**p;

	if (!d->queued)
		return;
	for (p = d->queued == 2 ? &l->soon : &l->deferred; *p != NULL;
	    p = &(*p)->next) {
		if (*p == d) {
			*p = d->next;
			d->queued = 0;
			return;
		}
	}
	for (p = &l->running; *p != NULL; p = &(*p)->next) {
		if (*p == d) {
			*p = d->next;
			break;
		}
	}
	d->queued = 0;
}

/*
 * The work put off to this turn, oldest first; what it puts off again
 * waits for the next turn.
 */
static void
loop_run_soon(struct loop *l)
{
	struct loop_defer	*d;

	while ((d = l->soon) != NULL) {
		l->soon = d->next;
		d->next = l->running;
		l->running = d;
	}
	/* Off the head one at a time: a callback may take others back. */
	while ((d = l->running) != NULL) {
		l->running = d->next;
		d->queued = 0;
		d->cb(d->arg);
	}
}

/* One at a time off the head: a callback may take others off the list. */
static void
loop_run_deferred(struct loop *l)
{
	struct loop_defer	*d;

	while ((d = l->deferred) != NULL) {
		l->deferred = d->next;
		d->queued = 0;
		d->cb(d->arg);
	}
}

/* Run the timers that are due; each is removed before its callback runs. */
static void
loop_run_timers(struct loop *l)
{
	int64_t			 now = clock_ms();
	size_t			 i = 0;
	struct loop_timer	 t;

	while (i < l->ntimers) {
		if (l->timers[i].when > now) {
			i++;
			continue;
		}
		t = l->timers[i];
		l->timers[i] = l->timers[--l->ntimers];
		t.cb(t.arg);
		i = 0;	/* the callback may have changed the array */
	}
}

static int64_t
loop_timeout(struct loop *l, int64_t max_ms)
{
	int64_t	 now = clock_ms(), wait = max_ms;
	size_t	 i;

	if (l->nalways > 0 || l->deferred != NULL || l->soon != NULL)
		return 0;
	for (i = 0; i < l->ntimers; i++) {
		int64_t	d = l->timers[i].when - now;

		if (d < 0)
			d = 0;
		if (wait < 0 || d < wait)
			wait = d;
	}
	return wait;
}

void
loop_once(struct loop *l, int64_t max_ms)
{
	struct epoll_event	 evs[256];
	int			 n, i, fd, mask;

	if (l->hook != NULL)
		l->hook(l->hook_arg);
	loop_run_deferred(l);
	n = epoll_wait(l->ep, evs, 256, (int)loop_timeout(l, max_ms));
	for (i = 0; i < n; i++) {
		fd = evs[i].data.fd;
		if (fd >= l->nfds || l->fds[fd].cb == NULL)
			continue;
		mask = 0;
		if (evs[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
			mask |= LOOP_READ;
		if (evs[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
			mask |= LOOP_WRITE;
		mask &= l->fds[fd].mask | LOOP_READ;
		if (mask)
			l->fds[fd].cb(fd, mask, l->fds[fd].arg);
	}
	for (fd = 0; l->nalways > 0 && fd < l->nfds; fd++) {
		if (l->fds[fd].always && l->fds[fd].mask)
			l->fds[fd].cb(fd, l->fds[fd].mask, l->fds[fd].arg);
	}
	loop_run_soon(l);
	loop_run_timers(l);
}

void
loop_run(struct loop *l)
{
	l->stop = 0;
	while (!l->stop)
		loop_once(l, -1);
}

void
loop_stop(struct loop *l)
{
	l->stop = 1;
}
