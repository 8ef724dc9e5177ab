/*
 * A small thread pool for work that must not stall the event loop: Argon2id
 * password hashing takes tens of milliseconds.  Finished jobs are handed back
 * through a pipe, and their completion callbacks run on the loop, so domain
 * code and SQLite stay single-threaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "log.h"
#include "pawd.h"
#include "xmalloc.h"

struct job {
	worker_fn	*fn;
	worker_done	*done;
	void		*arg;
	struct job	*next;
};

struct worker {
	struct loop	*loop;
	pthread_t	*threads;
	int		 nthreads;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	struct job	*queue, *tail;
	struct job	*finished;
	int		 busy;
	int		 stop;
	int		 nice;
	int		 pipe[2];
};

static void *
worker_thread(void *arg)
{
	struct worker	*w = arg;
	struct job	*j;
	char		 c = 1;

	/*
	 * On a 2-core till server the hashing threads would otherwise compete
	 * with the event loop for CPU; a nice value on this thread alone (Linux
	 * keeps one per thread) lets requests win.  Failure only costs latency.
	 */
	if (w->nice != 0)
		(void)setpriority(PRIO_PROCESS, (id_t)gettid(), w->nice);
	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (w->queue == NULL && !w->stop)
			pthread_cond_wait(&w->cond, &w->lock);
		if (w->stop && w->queue == NULL)
			break;
		j = w->queue;
		if ((w->queue = j->next) == NULL)
			w->tail = NULL;
		pthread_mutex_unlock(&w->lock);
		j->fn(j->arg);
		pthread_mutex_lock(&w->lock);
		j->next = w->finished;
		w->finished = j;
		/* The loop takes the whole list: wake it once per batch. */
		while (j->next == NULL && write(w->pipe[1], &c, 1) == -1 &&
		    errno == EINTR)
			;
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* Run completion callbacks on the loop. */
static void
worker_drain(int fd, int events, void *arg)
{
	struct worker	*w = arg;
	struct job	*j, *next;
	char		 buf[256];

	while (read(fd, buf, sizeof buf) > 0)
		;
	pthread_mutex_lock(&w->lock);
	j = w->finished;
	w->finished = NULL;
	pthread_mutex_unlock(&w->lock);
	for (; j != NULL; j = next) {
		next = j->next;
		w->busy--;
		j->done(j->arg);
		free(j);
	}
}

struct worker *
worker_create(struct loop *loop, int nthreads, int nice)
{
	struct worker	*w = xcalloc(1, sizeof *w);
	int		 i;

	w->loop = loop;
	w->nice = nice;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	if (pipe2(w->pipe, O_CLOEXEC | O_NONBLOCK) == -1) {
		free(w);
		return NULL;
	}
	loop_add_fd(loop, w->pipe[0], LOOP_READ, worker_drain, w);
	w->threads = xcalloc((size_t)nthreads, sizeof *w->threads);
	for (i = 0; i < nthreads; i++) {
		if (pthread_create(&w->threads[i], NULL, worker_thread, w) != 0)
			break;
	}
	w->nthreads = i;
	return w;
}

void
worker_free(struct worker *w)
{
	int	i;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = 1;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	for (i = 0; i < w->nthreads; i++)
		pthread_join(w->threads[i], NULL);
	worker_drain(w->pipe[0], 0, w);
	loop_del_fd(w->loop, w->pipe[0]);
	close(w->pipe[0]);
	close(w->pipe[1]);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	free(w->threads);
	free(w);
}

void
worker_submit(struct worker *w, worker_fn *fn, worker_done *done, void *arg)
{
	struct job	*j = xcalloc(1, sizeof *j);

	j->fn = fn;
	j->done = done;
	j->arg = arg;
	w->busy++;
	pthread_mutex_lock(&w->lock);
	if (w->tail != NULL)
		w->tail->next = j;
	else
		w->queue = j;
	w->tail = j;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

int
worker_ncpu(void)
{
	long	n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

int
worker_busy(struct worker *w)
{
	if (w == NULL)
		return 0;
	return w->busy;
}
